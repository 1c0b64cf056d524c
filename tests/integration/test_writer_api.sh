#!/usr/bin/env bash
# The public writer API through its example program, examples/writer-api.c
# (built as <build>/writer-api): rows of every kind written with
# hf_writer_put/flush/close leave exactly the expected table; a value that
# does not parse is rejected with HF_ERR_DATA and a message naming the row
# and the column, while the other rows are still written; a bad option
# fails hf_writer_new with a message naming the option.
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
prog=$BUILD/writer-api
if [ ! -x "$prog" ]; then
    echo "test_writer_api: $prog is not built (cmake --build $BUILD)" >&2
    exit 1
fi
export PGTZ=UTC
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At -F '|')

# run_wa OUT ERR ARGS... ; sets RC
run_wa() {
    local out=$1 err=$2
    shift 2
    set +e
    "$prog" "$@" >"$out" 2>"$err"
    RC=$?
    set -e
}

"${PSQL[@]}" <<'SQL'
SET client_min_messages = warning;
DROP TABLE IF EXISTS hf_wa_seed, hf_wa_file, hf_wa_two;
CREATE TABLE hf_wa_seed (user_id bigint PRIMARY KEY, user_name text,
  price numeric(38,2), sale_timestamp timestamptz);
CREATE TABLE hf_wa_file (LIKE hf_wa_seed INCLUDING ALL);
INSERT INTO hf_wa_file VALUES (100, 'pre', 1.00, '2020-01-01 00:00:00+00'),
  (101, 'pre', 2.00, '2020-01-01 00:00:00+00');
CREATE TABLE "hf_wa_two" (id int PRIMARY KEY, "Note" text);
SQL

# --- 1. the built-in rows: +I 1..4, +U 2, flush, -D 3, +I 4, +U 1.
run_wa "$T/out" "$T/err" public.hf_wa_seed
expect_rc 0 "built-in rows"
echo "written 7 rows, 0 dirty, 0 rejected by hf_writer_put" >"$T/exp"
expect_same "$T/exp" "$T/out" "built-in rows: counters"
"${PSQL[@]}" -c "SELECT * FROM hf_wa_seed ORDER BY user_id" >"$T/got"
cat >"$T/exp" <<'ROWS'
1|alice|11.75|2024-01-01 10:05:00+00
2|bob|22.00|2024-01-01 10:03:00+00
4|dave||2024-01-01 10:04:00+00
ROWS
expect_same "$T/exp" "$T/got" "built-in rows: table"

# --- 2. rows from a file: every kind, a -U/+U pair, NULLs, a flush in the
# middle, a bad decimal and a bad timestamp (rejected, the rest written).
printf '%s\n' \
    '# kind	user_id	user_name	price	sale_timestamp' \
    '+I	1	a	1.10	2024-02-01 00:00:00' \
    '+I	2	b	2.20	2024-02-01 00:00:01' \
    '+I	3	c	3.30	2024-02-01 00:00:02' \
    '+I	4	d	abc	2024-02-01 00:00:03' \
    '-U	1	a	1.10	2024-02-01 00:00:00' \
    '+U	1	a2	1.15	2024-02-01 00:00:04' \
    'FLUSH' \
    '-D	2	b	2.20	2024-02-01 00:00:01' \
    '+U	100	upd	\N	2024-02-01 00:00:05' \
    '-D	101' \
    '+I	5	e	5.50	not a time' \
    '+I	6	f	6.60' \
    '+I	2	b2	2.25	2024-02-01 00:00:06' >"$T/rows.tsv"
run_wa "$T/out" "$T/err" -o connection.pool.size=2 -r "$T/rows.tsv" hf_wa_file
expect_rc 2 "rows with bad values"
# 12 rows put, 2 rejected; the -U is dropped (an upsert sink needs only
# the +U), so 9 are written.
echo "written 9 rows, 0 dirty, 2 rejected by hf_writer_put" >"$T/exp"
expect_same "$T/exp" "$T/out" "file rows: counters"
expect_grep "line 5: hf_writer_put: HF_ERR_DATA (-7" "$T/err" "bad decimal"
expect_grep "column 'price': cannot parse 'abc' as DECIMAL(38, 2)" "$T/err" \
    "bad decimal names the column and value"
expect_grep "line 12: hf_writer_put: HF_ERR_DATA (-7" "$T/err" "bad timestamp"
expect_grep "column 'sale_timestamp'" "$T/err" "bad timestamp names the column"
"${PSQL[@]}" -c "SELECT * FROM hf_wa_file ORDER BY user_id" >"$T/got"
cat >"$T/exp" <<'ROWS'
1|a2|1.15|2024-02-01 00:00:04+00
2|b2|2.25|2024-02-01 00:00:06+00
3|c|3.30|2024-02-01 00:00:02+00
6|f|6.60|
100|upd||2024-02-01 00:00:05+00
ROWS
expect_same "$T/exp" "$T/got" "file rows: table"

# --- 3. another column list and a quoted, mixed-case target column.
printf '+I\t1\tone\n+I\t2\ttwo\n+U\t1\tuno\n-D\t2\n+I\t3\t\\N\n' >"$T/two.tsv"
run_wa "$T/out" "$T/err" -c 'id INT, Note STRING, PRIMARY KEY (id) NOT ENFORCED' \
    -r "$T/two.tsv" public.hf_wa_two
if [ "$RC" -ne 0 ]; then
    fail "custom columns: exit $RC"
    cat "$T/err" >&2
fi
"${PSQL[@]}" -c 'SELECT id, "Note" FROM hf_wa_two ORDER BY id' >"$T/got"
printf '1|uno\n3|\n' >"$T/exp"
expect_same "$T/exp" "$T/got" "custom columns: table"

# --- 4. a bad option fails hf_writer_new and names the option.
run_wa "$T/out" "$T/err" -o sink.on-conflict-action=SOMETIMES hf_wa_seed
expect_rc 1 "bad option"
expect_grep "writer-api: hf_writer_new:" "$T/err" "bad option: reported"
expect_grep "sink.on-conflict-action" "$T/err" "bad option: named"

"${PSQL[@]}" -c "DROP TABLE hf_wa_seed, hf_wa_file, hf_wa_two"
finish
