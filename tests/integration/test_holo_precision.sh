#!/usr/bin/env bash
# Precision at the boundary between the job and the PostgreSQL table: the
# hologres sink refuses, when it opens, a table column that would silently
# round what the job writes, and writes nothing then.
#
# Refused, each with the exact message (table, column, both types) and an
# empty table afterwards: DECIMAL(10,4) into numeric(10,2) (PostgreSQL
# would store 1.2345 as 1.23), TIMESTAMP(3) into timestamp(0) (.999 s
# would become the next second), TIMESTAMP_LTZ(3) into timestamptz(0),
# TIME(3) into time(0), DECIMAL(20,2) into double precision; the same in
# the COPY_STREAM write mode; and in a statement set whose other
# INSERT targets a table that fits, which stays empty too (every sink
# opens before any source reads), even though the refusal comes a second
# late.
#
# Accepted: the same job columns when the INSERT's query CASTs each value
# to the column's precision (the table then holds the CAST's results:
# 1.2345 -> 1.23, 10:00:00.999 -> 10:00:00, 'abcdefgh' -> 'abcde'); job
# columns declared at the column's precision (Flink's implicit cast to the
# sink's declared type does the rounding, as in Flink); and the narrowings
# PostgreSQL does not do silently: VARCHAR(8) into varchar(5), CHAR(5)
# into char(3), INT into numeric(5,0), where a value too long or too large
# is refused by the server and becomes a dirty row (recorded with SKIP,
# the other rows written), never cut.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
p=hf_prec_$$
export PGOPTIONS="-c client_min_messages=warning"
trap '"${PSQL[@]}" -c "DROP TABLE IF EXISTS ${p}_t, ${p}_ok" -c "DROP DATABASE IF EXISTS ${p}_slow" >/dev/null 2>&1; rm -rf "$T"' EXIT

"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_t (id int PRIMARY KEY, amount numeric(10,2), ts timestamp(0),
    tz timestamptz(0), tm time(0), name varchar(5), code char(3),
    ratio double precision, qty numeric(5,0));
CREATE TABLE ${p}_ok (id int PRIMARY KEY, v int);
SQL

cat >"$T/in.json" <<'EOF'
{"id":1,"amount":1.2345,"ts":"2024-01-01 10:00:00.999","tz":"2024-01-01 10:00:00.999Z","tm":"10:00:00.999","name":"abcdefgh","code":"xyzuv","ratio":12345678901234.56,"qty":7}
{"id":2,"amount":2.5,"ts":"2024-01-02 23:59:59.5","tz":"2024-01-02 23:59:59.5Z","tm":"23:59:59.5","name":"ab","code":"x","ratio":0.5,"qty":123456}
EOF

SRC_COLS="id INT, amount DECIMAL(10, 4), ts TIMESTAMP(3), tz TIMESTAMP_LTZ(3),
    tm TIME(3), name VARCHAR(8), code CHAR(5), ratio DECIMAL(20, 2), qty INT"
with_opts() {
    echo "'connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT',
    'dbname' = '$PGDATABASE', 'tablename' = '$1', 'username' = '$PGUSER',
    'password' = ''${2:-}"
}

# job FILE "SINK COLUMNS" "SELECT LIST" [EXTRA OPTIONS]
job() {
    cat >"$1" <<SQL
CREATE TABLE src ($SRC_COLS) WITH ('connector' = 'filesystem', 'path' = '$T/in.json', 'format' = 'json');
CREATE TABLE dst ($2, PRIMARY KEY (id) NOT ENFORCED) WITH ($(with_opts "${p}_t" "${4:-}"));
INSERT INTO dst SELECT $3 FROM src;
SQL
}

count() {
    "${PSQL[@]}" -c "SELECT count(*) FROM $1"
}

# refused NAME "SINK COLUMNS" "SELECT LIST" "MESSAGE TAIL" [EXTRA OPTIONS]
refused() {
    job "$T/$1.sql" "$2" "$3" "${5:-}"
    run_hf "$T/$1.out" "$T/$1.err" run "$T/$1.sql"
    expect_rc 1 "$1: refused at open"
    expect_grep "holoflow: job failed: sink 'dst': $4" "$T/$1.err" "$1: message"
    [ "$(count "${p}_t")" = 0 ] || fail "$1: rows were written"
}

tbl="table \"public\".\"${p}_t\""
widen="; to narrow on purpose, CAST the value to"

refused decimal "id INT, amount DECIMAL(10, 4)" "id, amount" \
    "column 'amount' of the job has type DECIMAL(10, 4), but column \"amount\" of $tbl is numeric(10,2): it keeps 2 digits after the decimal point and PostgreSQL would round the rest away$widen DECIMAL(10, 2) in the INSERT's query or declare the job's column DECIMAL(10, 2); or widen the table's column"
refused timestamp "id INT, ts TIMESTAMP(3)" "id, ts" \
    "column 'ts' of the job has type TIMESTAMP(3), but column \"ts\" of $tbl is timestamp(0) without time zone: it keeps whole seconds and PostgreSQL would round the fraction (12:00:00.999 would become 12:00:01)$widen TIMESTAMP(0)"
refused timestamp_ltz "id INT, tz TIMESTAMP_LTZ(3)" "id, tz" \
    "column 'tz' of the job has type TIMESTAMP_LTZ(3), but column \"tz\" of $tbl is timestamp(0) with time zone: it keeps whole seconds"
refused time "id INT, tm TIME(3)" "id, tm" \
    "column 'tm' of the job has type TIME(3), but column \"tm\" of $tbl is time(0) without time zone: it keeps whole seconds"
refused double "id INT, ratio DECIMAL(20, 2)" "id, ratio" \
    "column 'ratio' of the job has type DECIMAL(20, 2), but column \"ratio\" of $tbl is double precision: double precision keeps 15 significant digits and PostgreSQL would round the rest away; declare the job's column DOUBLE to accept that, or widen the table's column"
# The COPY writer checks the same way.
refused copy "id INT, amount DECIMAL(10, 4)" "id, amount" \
    "column 'amount' of the job has type DECIMAL(10, 4), but column \"amount\" of $tbl is numeric(10,2)" \
    ", 'sink.write-mode' = 'COPY_STREAM'"

# ------------------------------------------------ a statement set
# The refused table is in a database where the dialect probe,
# hg_version(), takes a second before it fails as on PostgreSQL, so the
# other INSERT would have read, written and committed its rows long
# before the refusal if sources did not wait for every sink to open.
"${PSQL[@]}" -c "CREATE DATABASE ${p}_slow"
"${PSQL[@]}" -d "${p}_slow" <<'SQL'
CREATE TABLE t (id int PRIMARY KEY, amount numeric(10,2));
CREATE FUNCTION public.hg_version() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_sleep(1);
    RAISE EXCEPTION 'function hg_version() does not exist' USING ERRCODE = '42883';
END $$;
SQL
slow_opts="'connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT',
    'dbname' = '${p}_slow', 'tablename' = 't', 'username' = '$PGUSER', 'password' = ''"
cat >"$T/set.sql" <<SQL
CREATE TABLE src ($SRC_COLS) WITH ('connector' = 'filesystem', 'path' = '$T/in.json', 'format' = 'json');
CREATE TABLE good (id INT, v INT, PRIMARY KEY (id) NOT ENFORCED)
WITH ($(with_opts "${p}_ok" ", 'sink.insert.batch-size' = '1', 'connection.pool.size' = '1'"));
CREATE TABLE dst (id INT, amount DECIMAL(10, 4), PRIMARY KEY (id) NOT ENFORCED) WITH ($slow_opts);
EXECUTE STATEMENT SET BEGIN
INSERT INTO good SELECT id, qty FROM src;
INSERT INTO dst SELECT id, amount FROM src;
END;
SQL
run_hf "$T/set.out" "$T/set.err" run "$T/set.sql"
expect_rc 1 "statement set: refused at open"
expect_grep "holoflow: job failed: sink 'dst': column 'amount' of the job has type DECIMAL(10, 4), but column \"amount\" of table \"public\".\"t\" is numeric(10,2)" \
    "$T/set.err" "statement set: message"
[ "$(count "${p}_ok")" = 0 ] || fail "statement set: the table that fits was written"
[ "$("${PSQL[@]}" -d "${p}_slow" -c "SELECT count(*) FROM t")" = 0 ] ||
    fail "statement set: the refused table was written"

# ------------------------------------------------ explicit CASTs: accepted
job "$T/cast.sql" "id INT, amount DECIMAL(10, 4), ts TIMESTAMP(3), tz TIMESTAMP_LTZ(3),
    tm TIME(3), name VARCHAR(8), code CHAR(5), ratio DOUBLE" \
    "id, CAST(amount AS DECIMAL(10, 2)), CAST(ts AS TIMESTAMP(0)),
    CAST(tz AS TIMESTAMP_LTZ(0)), CAST(tm AS TIME(0)), CAST(name AS VARCHAR(5)),
    CAST(code AS CHAR(3)), ratio"
run_hf "$T/cast.out" "$T/cast.err" run "$T/cast.sql"
expect_rc 0 "explicit CASTs: accepted"
got=$("${PSQL[@]}" -c "SELECT id, amount, ts, tz AT TIME ZONE 'UTC', tm, name,
    '[' || code::text || ']', ratio FROM ${p}_t ORDER BY id")
want="1|1.23|2024-01-01 10:00:00|2024-01-01 10:00:00|10:00:00|abcde|[xyz]|12345678901234.56
2|2.50|2024-01-02 23:59:59|2024-01-02 23:59:59|23:59:59|ab|[x]|0.5"
[ "$got" = "$want" ] || fail "explicit CASTs: table holds
$got
expected
$want"
"${PSQL[@]}" -c "TRUNCATE ${p}_t"

# ------------------------------------------------ declared at the column's precision
# The INSERT's query gives DECIMAL(10, 4) and TIMESTAMP(3); the job's columns
# say DECIMAL(10, 2) and TIMESTAMP(0): Flink's implicit cast to the declared
# type rounds (HALF_UP) and truncates, before PostgreSQL sees the values.
job "$T/decl.sql" "id INT, amount DECIMAL(10, 2), ts TIMESTAMP(0)" "id, amount, ts"
run_hf "$T/decl.out" "$T/decl.err" run "$T/decl.sql"
expect_rc 0 "declared at the column's precision: accepted"
got=$("${PSQL[@]}" -c "SELECT id, amount, ts FROM ${p}_t ORDER BY id")
want="1|1.23|2024-01-01 10:00:00
2|2.50|2024-01-02 23:59:59"
[ "$got" = "$want" ] || fail "declared precision: table holds
$got
expected
$want"
"${PSQL[@]}" -c "TRUNCATE ${p}_t"

# ------------------------------------------------ too long or too large: per row
# Accepted at open; PostgreSQL refuses row 1's 8-character name and
# 5-character code and row 2's 6-digit qty ("value too long", "numeric
# field overflow"), which makes those rows dirty (SKIP: recorded, the
# others written), never cut.
rowjob() {
    job "$T/$1.sql" "id INT, $2" "id, $3" \
        ", 'sink.insert.dirty-data-strategy' = 'SKIP', 'sink.dirty-data.path' = '$T/$1.jsonl', 'connection.pool.size' = '1'"
    run_hf "$T/$1.out" "$T/$1.err" run "$T/$1.sql"
    expect_rc 0 "$1: accepted"
    got=$("${PSQL[@]}" -c "SELECT id, $4 FROM ${p}_t ORDER BY id")
    [ "$got" = "$5" ] || fail "$1: table holds '$got', expected '$5'"
    expect_grep "$6" "$T/$1.jsonl" "$1: dirty row"
    "${PSQL[@]}" -c "TRUNCATE ${p}_t"
}
rowjob varchar "name VARCHAR(8)" name name "2|ab" \
    "value too long for type character varying(5)"
rowjob string "name STRING" "CAST(name AS STRING)" name "2|ab" \
    "value too long for type character varying(5)"
rowjob char "code CHAR(5)" code "'[' || code::text || ']'" "2|[x]" \
    "value too long for type character(3)"
rowjob int_digits "qty INT" qty qty "1|7" "numeric field overflow"

finish
