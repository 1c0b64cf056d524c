#!/usr/bin/env bash
# The public reader API (holoflow.h: hf_reader_*) through its example
# program, examples/read_table.c (built as <build>/read_table): a table of
# many types with NULLs, a partitioned parent read by 4 readers over page
# splits, column lists and pushed-down filters each print exactly what
# psql's COPY prints for the same SELECT (values spelled as Flink's
# CAST(... AS STRING) on the psql side); nested columns read with declared
# types, a narrower declared type refused; a filter whose constants carry
# SQL is only data (the table stays); a filter the source cannot apply,
# an unknown column and a bad option are refused with their names.
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
prog=$BUILD/read_table
if [ ! -x "$prog" ]; then
    echo "test_reader_api: $prog is not built (cmake --build $BUILD)" >&2
    exit 1
fi
export PGTZ=UTC
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)

# run_rt OUT ERR ARGS... ; sets RC
run_rt() {
    local out=$1 err=$2
    shift 2
    set +e
    "$prog" "$@" >"$out" 2>"$err"
    RC=$?
    set -e
}

"${PSQL[@]}" <<'SQL'
SET client_min_messages = warning;
DROP TABLE IF EXISTS hf_ra_types, hf_ra_part;
CREATE TABLE hf_ra_types (id bigint PRIMARY KEY, s text, n numeric(38, 2),
  big numeric(38, 0), b boolean, d double precision, r real,
  ts timestamptz, t timestamp, dt date, tm time, by bytea, a int[],
  sa text[], j jsonb, sm smallint, i int, v varchar(10), c char(3));
INSERT INTO hf_ra_types
SELECT g, CASE WHEN g % 7 = 0 THEN NULL
               ELSE 'ü' || g || E'\ttab\\back\nline' END,
  CASE WHEN g % 5 = 0 THEN NULL ELSE g * 1.25 - 1000 END,
  CASE WHEN g = 1 THEN 99999999999999999999999999999999999999
       WHEN g = 2 THEN -99999999999999999999999999999999999999 ELSE g END,
  CASE WHEN g % 3 = 0 THEN NULL ELSE g % 2 = 0 END,
  CASE WHEN g % 4 = 0 THEN NULL ELSE g + 0.5 END,
  CASE WHEN g % 4 = 1 THEN NULL ELSE g * 0.25 END,
  CASE WHEN g % 6 = 0 THEN NULL
       ELSE timestamptz '2024-01-01 00:00:00+00' + g * interval '1.000001 s' END,
  CASE WHEN g % 6 = 1 THEN NULL
       ELSE timestamp '1969-12-31 23:00:00' + g * interval '1 min' END,
  CASE WHEN g % 8 = 0 THEN NULL ELSE date '2024-02-29' + g END,
  CASE WHEN g % 8 = 1 THEN NULL ELSE time '00:00:00.25' + g * interval '1 s' END,
  CASE WHEN g % 9 = 0 THEN NULL ELSE decode(lpad(to_hex(g), 8, '0'), 'hex') END,
  CASE WHEN g % 10 = 0 THEN NULL WHEN g % 10 = 1 THEN '{}'
       ELSE ARRAY[g, NULL, -g] END,
  CASE WHEN g % 11 = 0 THEN NULL ELSE ARRAY['x' || g, 'y'] END,
  CASE WHEN g % 12 = 0 THEN NULL ELSE jsonb_build_object('k', g) END,
  (g % 30000)::smallint, g::int,
  CASE WHEN g % 13 = 0 THEN NULL ELSE 'v' || g END,
  CASE WHEN g % 14 = 0 THEN NULL ELSE 'c' END
FROM generate_series(1, 3000) g;
CREATE TABLE hf_ra_part (id bigint, region text, amount numeric(12, 2),
  note text) PARTITION BY LIST (region);
CREATE TABLE hf_ra_part_eu PARTITION OF hf_ra_part FOR VALUES IN ('eu');
CREATE TABLE hf_ra_part_us PARTITION OF hf_ra_part FOR VALUES IN ('us');
CREATE TABLE hf_ra_part_ap PARTITION OF hf_ra_part FOR VALUES IN ('ap');
INSERT INTO hf_ra_part
SELECT g, (ARRAY['eu', 'us', 'ap'])[1 + g % 3], g / 100.0,
  CASE WHEN g % 17 = 0 THEN NULL ELSE repeat('n', 50) || g END
FROM generate_series(1, 60000) g;
ANALYZE hf_ra_types, hf_ra_part;
SQL

# The psql side: each column as the reader prints it.
TYPES_SQL="id, s, n, big,
  CASE WHEN b THEN 'true' WHEN NOT b THEN 'false' END, d, r,
  to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'),
  to_char(t, 'YYYY-MM-DD HH24:MI:SS.US'), dt,
  to_char(tm::interval, 'HH24:MI:SS.US'), by,
  '[' || array_to_string(a, ', ', 'NULL') || ']',
  '[' || array_to_string(sa, ', ', 'NULL') || ']', j, sm, i, v, c"

# psql_rows QUERY: COPY text of the query, sorted.
psql_rows() {
    "${PSQL[@]}" -c "COPY ($1) TO STDOUT" | LC_ALL=C sort
}

# --- 1. every type and NULLs, one reader, then 4 readers.
psql_rows "SELECT $TYPES_SQL FROM hf_ra_types" >"$T/exp"
for n in 1 4; do
    run_rt "$T/out" "$T/err" -o source.scan.split-count=$n hf_ra_types
    expect_rc 0 "types, $n readers"
    LC_ALL=C sort "$T/out" >"$T/got"
    expect_same "$T/exp" "$T/got" "types, $n readers"
done
[ "$(wc -l <"$T/got")" -eq 3000 ] || fail "types: not 3000 rows"
expect_grep "4 readers" "$T/err" "types: 4 readers"

# --- 2. the header: names and the Flink types chosen from the catalog.
run_rt "$T/out" "$T/err" -H -c id -c n -c ts -c a -c j hf_ra_types
expect_rc 0 "header"
head -1 "$T/out" >"$T/got"
printf '# id BIGINT\tn DECIMAL(38, 2)\tts TIMESTAMP_LTZ(6)\ta ARRAY<INT>\tj STRING\n' >"$T/exp"
expect_same "$T/exp" "$T/got" "header"

# --- 3. a partitioned parent, 4 readers over children and page ranges.
psql_rows "SELECT id, region, amount, note FROM hf_ra_part" >"$T/exp"
run_rt "$T/out" "$T/err" -o source.scan.split-count=4 hf_ra_part
expect_rc 0 "partitioned parent"
LC_ALL=C sort "$T/out" >"$T/got"
expect_same "$T/exp" "$T/got" "partitioned parent, 4 readers"
[ "$(wc -l <"$T/got")" -eq 60000 ] || fail "partitioned: not 60000 rows"
expect_grep "4 readers" "$T/err" "partitioned: 4 readers"

# --- 4. a column list in another order and a pushed-down filter (with
# pruning of the LIST partitions), compared with the same WHERE in psql.
W="region IN ('eu', 'ap') AND id BETWEEN 100 AND 20000 AND (note IS NULL OR amount >= 150)"
psql_rows "SELECT note, id FROM hf_ra_part WHERE $W" >"$T/exp"
run_rt "$T/out" "$T/err" -o source.scan.split-count=2 -c note -c id -w "$W" \
    hf_ra_part
expect_rc 0 "filter"
LC_ALL=C sort "$T/out" >"$T/got"
expect_same "$T/exp" "$T/got" "filter on the partitioned parent"
[ -s "$T/got" ] || fail "filter: no rows"
W2="b IS TRUE AND s <> 'x' AND ts < TIMESTAMP '2024-01-01 00:10:00' AND dt >= DATE '2024-03-10'"
psql_rows "SELECT $TYPES_SQL FROM hf_ra_types WHERE b IS TRUE AND s COLLATE \"C\" <> 'x' AND ts < '2024-01-01 00:10:00+00' AND dt >= '2024-03-10'" >"$T/exp"
run_rt "$T/out" "$T/err" -o source.scan.split-count=3 -w "$W2" hf_ra_types
expect_rc 0 "filter on types"
LC_ALL=C sort "$T/out" >"$T/got"
expect_same "$T/exp" "$T/got" "filter on types"
[ -s "$T/got" ] || fail "filter on types: no rows"

# --- 5. a constant holding SQL is a value (a parameter), nothing more.
run_rt "$T/out" "$T/err" -v -w "s = 'x''; DROP TABLE hf_ra_types; --'" hf_ra_types
expect_rc 0 "quote in a constant"
expect_grep 'COLLATE "C" = $1::text' "$T/err" "constant sent as a parameter"
grep -q "DROP TABLE" "$T/err" && fail "the constant's text reached the statement"
[ -s "$T/out" ] && fail "quote in a constant: rows returned"
[ "$("${PSQL[@]}" -c 'SELECT count(*) FROM hf_ra_types')" = 3000 ] ||
    fail "quote in a constant: the table changed"

# --- 6. nested columns with declared types (the catalog says neither an
# array's dimensions nor a composite's Flink type).
"${PSQL[@]}" <<'SQL'
SET client_min_messages = warning;
DROP TABLE IF EXISTS hf_ra_nest;
DROP TYPE IF EXISTS hf_ra_pt;
CREATE TYPE hf_ra_pt AS (x int, label text);
CREATE TABLE hf_ra_nest (k int, m int[][], p hf_ra_pt);
INSERT INTO hf_ra_nest VALUES (1, '{{1,2},{3,NULL}}', row(7, 'a b')),
  (2, NULL, NULL);
SQL
run_rt "$T/out" "$T/err" -H -c k -c 'm:ARRAY<ARRAY<INT>>' \
    -c 'p:ROW<x INT, label STRING>' hf_ra_nest
expect_rc 0 "declared nested types"
LC_ALL=C sort "$T/out" >"$T/got"
printf '%s\n' '# k INT	m ARRAY<ARRAY<INT>>	p ROW<x INT, label STRING>' \
    '1	[[1, 2], [3, NULL]]	(7, a b)' '2	\N	\N' >"$T/exp"
expect_same "$T/exp" "$T/got" "declared nested types"
run_rt "$T/out" "$T/err" -c k -c 'k2' hf_ra_nest
expect_rc 1 "unknown second column"
run_rt "$T/out" "$T/err" -c 'k:SMALLINT' hf_ra_nest
expect_rc 1 "narrower declared type"
expect_grep 'cannot be read as SMALLINT' "$T/err" "narrower type refused"

# --- 7. refusals, each naming what is wrong.
run_rt "$T/out" "$T/err" -w "upper(s) = 'X'" hf_ra_types
expect_rc 1 "function in the filter"
expect_grep "cannot apply all of the where clause" "$T/err" "function refused"
run_rt "$T/out" "$T/err" -c nope hf_ra_types
expect_rc 1 "unknown column"
expect_grep 'has no column "nope"' "$T/err" "unknown column named"
run_rt "$T/out" "$T/err" -o source.scan.split-count=zero hf_ra_types
expect_rc 1 "bad option"
expect_grep "source.scan.split-count" "$T/err" "bad option named"
run_rt "$T/out" "$T/err" -w "nope > 1" hf_ra_types
expect_rc 1 "unknown column in the filter"
expect_grep "nope" "$T/err" "unknown filter column named"

[ -n "${KEEP:-}" ] ||
    "${PSQL[@]}" -c "DROP TABLE hf_ra_types, hf_ra_part, hf_ra_nest; DROP TYPE hf_ra_pt"
finish
