#!/usr/bin/env bash
# The public lookup API through its example program, examples/lookup_keys.c
# (built as <build>/lookup_keys): keys looked up with hf_lookup_get give
# exactly the rows PostgreSQL's own join gives (psql), for a one-to-one
# lookup on the primary key (with NULL keys and misses) and a one-to-many
# lookup on two columns, without cache, with a PARTIAL cache smaller than
# the key set (async) and with a FULL cache; the counters show the cache at
# work (a repeated key is a hit); a key that does not parse is HF_ERR_DATA
# naming the key and column; an unknown key column fails hf_lookup_open.
#
# Needs the private PostgreSQL (PGHOST etc., as `make check` exports).
# Environment: BUILD (default: the directory of $HOLOFLOW, else build/).
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ -z "${BUILD:-}" ]; then
    if [ -n "${HOLOFLOW:-}" ]; then
        BUILD=$(dirname "$HOLOFLOW")
    else
        BUILD=$root/build
    fi
fi
prog=$BUILD/lookup_keys
if [ ! -x "$prog" ]; then
    echo "test_lookup_api: $prog is not built (cmake --build $BUILD)" >&2
    exit 1
fi
export PGTZ=UTC
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At -F "$(printf '\t')")
p=hf_lka_$$

"${PSQL[@]}" <<SQL
SET client_min_messages = warning;
CREATE TABLE ${p}_d (k int PRIMARY KEY, name text, v numeric(10, 2));
INSERT INTO ${p}_d SELECT i, 'n' || i, i / 4.0 FROM generate_series(1, 3000) i;
INSERT INTO ${p}_d VALUES (3001, NULL, NULL);
CREATE TABLE ${p}_m (k int, k2 text, x int);
INSERT INTO ${p}_m SELECT i % 300, 'a' || (i % 3), i FROM generate_series(1, 3000) i;
-- the keys: line numbers, values (\N for NULL)
CREATE TABLE ${p}_keys (line int, k int);
INSERT INTO ${p}_keys SELECT i, CASE WHEN i % 17 = 0 THEN NULL WHEN i % 2 = 0 THEN i % 50
  ELSE (i * 37) % 3500 END
  FROM generate_series(1, 5000) i;
CREATE TABLE ${p}_keys2 (line int, k int, k2 text);
INSERT INTO ${p}_keys2 SELECT i, (i * 7) % 320, 'a' || (i % 4) FROM generate_series(1, 2000) i;
SQL
"${PSQL[@]}" -c "SELECT coalesce(k::text, '\\N') FROM ${p}_keys ORDER BY line" >"$T/keys"
"${PSQL[@]}" -c "SELECT k, k2 FROM ${p}_keys2 ORDER BY line" >"$T/keys2"
# PostgreSQL's answers, in the program's format (line, columns or '-').
"${PSQL[@]}" -c "SELECT q.line, coalesce(d.k::text, '-'), coalesce(d.name, CASE WHEN d.k IS NULL THEN NULL ELSE '\\N' END), coalesce(d.v::text, CASE WHEN d.k IS NULL THEN NULL ELSE '\\N' END)
  FROM ${p}_keys q LEFT JOIN ${p}_d d ON q.k = d.k ORDER BY 1, 2" | sed 's/\t*$//' >"$T/want1"
"${PSQL[@]}" -c "SELECT q.line, coalesce(m.k::text, '-'), m.k2, m.x::text
  FROM ${p}_keys2 q LEFT JOIN ${p}_m m ON q.k = m.k AND q.k2 = m.k2 ORDER BY 1, 4" | sed 's/\t*$//' >"$T/want2"

cols1="k INT, name STRING, v DECIMAL(10, 2), PRIMARY KEY (k) NOT ENFORCED"
cols2="k INT, k2 STRING, x INT"
# run_lk LABEL WANT KEYFILE COLUMNS KEYS ARGS...
run_lk() {
    local label=$1 want=$2 keys=$3 cols=$4 k=$5
    shift 5
    set +e
    "$prog" -c "$cols" -k "$k" "$@" <"$keys" >"$T/out" 2>"$T/err"
    RC=$?
    set -e
    expect_rc 0 "$label"
    sort -t "$(printf '\t')" -k1,1n -k2,2 -k4,4n "$T/out" >"$T/got"
    sort -t "$(printf '\t')" -k1,1n -k2,2 -k4,4n "$want" >"$T/wants"
    expect_same "$T/wants" "$T/got" "$label"
}
run_lk "one-to-one, no cache" "$T/want1" "$T/keys" "$cols1" k ${p}_d
run_lk "one-to-one, PARTIAL cache of 400, async" "$T/want1" "$T/keys" "$cols1" k \
    -n 700 -o lookup.cache=PARTIAL -o lookup.partial-cache.max-rows=400 -o lookup.async=true \
    -o lookup.read.batch-size=50 ${p}_d
grep -q "cache [1-9][0-9]* hits, [1-9][0-9]* misses, [1-9][0-9]* evictions, 400 keys held" "$T/err" ||
    fail "PARTIAL: counters: $(cat "$T/err")"
run_lk "one-to-one, FULL cache" "$T/want1" "$T/keys" "$cols1" k -o lookup.cache=FULL ${p}_d
grep -q "5000 keys, 0 asked in 0 requests" "$T/err" || fail "FULL asks nothing: $(cat "$T/err")"
run_lk "one-to-many, two key columns, async" "$T/want2" "$T/keys2" "$cols2" "k, k2" \
    -o lookup.async=true ${p}_m

printf '1\nx\n' >"$T/bad"
set +e
"$prog" -c "$cols1" -k k ${p}_d <"$T/bad" >"$T/out" 2>"$T/err"
RC=$?
set -e
expect_rc 2 "bad key"
expect_grep "bad input data: key 2, column 'k': cannot parse 'x' as INT" "$T/err" "bad key"
set +e
"$prog" -c "$cols1" -k nope ${p}_d </dev/null >"$T/out" 2>"$T/err"
RC=$?
set -e
expect_rc 1 "unknown key column"
expect_grep "key column 'nope' is not a column of the table" "$T/err" "unknown key column"

"${PSQL[@]}" -c "DROP TABLE ${p}_d, ${p}_m, ${p}_keys, ${p}_keys2"
finish
