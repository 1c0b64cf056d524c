#!/usr/bin/env bash
# The hologres connector as a bounded scan source, against the private
# PostgreSQL: a table with every type of the sink's mapping (NULLs, NaN and
# infinities, -0.0, numerics at the edge of DECIMAL(38, 10), dates and
# timestamps before 1900 and in 9999, text with tabs, newlines, quotes
# and backslashes, bytea, json/jsonb, arrays with NULL elements, empty and
# two-dimensional arrays, a composite type, jsonb read as ROW and as MAP)
# plus 3000 generated rows is read by holoflow and written back through
# the hologres sink into a table of the same DDL; the two tables must be
# equal row for row (EXCEPT ALL both ways). The special rows also go to
# the print sink and are compared with literal expectations. Then: the
# legacy `connector.type` DDL of 001_* reading an array into a STRING
# joined by field_delimiter; refusals at open naming table and column (a
# narrower integer, a DECIMAL that would round, a TIMESTAMP with fewer
# fraction digits, a missing column); an unconstrained numeric whose value
# would round fails the scan, naming the column.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
p=hf_scan_$$

ddl() {
    echo "CREATE TABLE $1 (id bigint PRIMARY KEY, b boolean, sm smallint, i int4, l int8,
      f real, d double precision, n numeric(38, 10), nu numeric, s text, vc varchar(40),
      by bytea, dt date, ti time, ts timestamp(6), ltz timestamptz, j json, jb jsonb,
      ai int4[], al int8[], ss text[], ad float8[], an numeric(20, 4)[], a2 int4[],
      pt ${p}_pt, jr jsonb, jm jsonb);"
}
"${PSQL[@]}" <<SQL
SET client_min_messages = warning;
CREATE TYPE ${p}_pt AS (x int4, y text, z numeric(10, 2));
$(ddl "${p}_src")
$(ddl "${p}_dst")
INSERT INTO ${p}_src VALUES
 (1, true, -32768, 2147483647, -9223372036854775808, 'NaN', '-Infinity',
  -9999999999999999999999999999.9999999999, 123456789012345678.0123456789,
  E'tab\there\nnew\rcr \\\\ back "q" ''a''', 'v1', '\\x00ff0a', '1899-12-31', '23:59:59.999999',
  '1900-01-01 00:00:00.123456', '9999-12-31 23:59:59+00', '{"k": [1, 2]}', '{"a": null}',
  '{1,NULL,3}', '{NULL,-9223372036854775808}', '{"a b",NULL,"c\\"d","e\\\\f",""}', '{NaN,-0,1.5}',
  '{1.5,NULL,-99999999999999.9999}', '{{1,2},{3,NULL}}', ROW(7, 'q"x', -1.25),
  '{"x": 1, "y": "s"}', '{"k1": 1, "k2": null}'),
 (2, false, 0, -2147483648, 0, '-0', 'Infinity', 0.0000000001, -0.5, '', '', '', '0001-01-01',
  '00:00:00', '1969-12-31 23:59:59.999999', '1970-01-01 00:00:00+00', '[]', '[]', '{}', '{}', '{}', '{}',
  '{}', '{}', ROW(NULL, NULL, NULL), '{"x": null, "y": null}', '{}'),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO ${p}_src
SELECT i, i % 3 = 0, (i % 30000)::int2, i * 7, i::int8 * 1000003, i / 7.0, i * 1.000001,
  (i * 1.0123456789)::numeric(38, 10), i / 8.0, 'row ' || i || E'\t' || md5(i::text), 'v' || i,
  decode(md5(i::text), 'hex'), date '1800-01-01' + i * 37, time '00:00' + i * interval '17 second',
  timestamp '1850-01-01' + i * interval '13 hour 7 second 123 microsecond',
  timestamptz '1950-01-01 00:00+00' + i * interval '1 day 1 microsecond',
  json_build_object('i', i), jsonb_build_object('i', i, 's', 'x' || i),
  ARRAY[i, NULL, -i], ARRAY[i::int8 * 3], ARRAY['s' || i, NULL, 'a,b'], ARRAY[i / 3.0::float8],
  ARRAY[(i / 16.0)::numeric(20, 4)], ARRAY[ARRAY[i, i + 1], ARRAY[i + 2, i + 3]],
  ROW(i, 's' || i, (i / 4.0)::numeric(10, 2))::${p}_pt,
  jsonb_build_object('x', i, 'y', 'y' || i), jsonb_build_object('k', i)
FROM generate_series(4, 3003) i;
SQL

cols="id BIGINT, b BOOLEAN, sm SMALLINT, i INT, l BIGINT, f FLOAT, d DOUBLE,
  n DECIMAL(38, 10), nu DECIMAL(38, 10), s STRING, vc VARCHAR(40), \`by\` BYTES, dt DATE,
  ti TIME(6), ts TIMESTAMP(6), ltz TIMESTAMP_LTZ(6), j STRING, jb STRING, ai ARRAY<INT>,
  al ARRAY<BIGINT>, ss ARRAY<STRING>, ad ARRAY<DOUBLE>, an ARRAY<DECIMAL(20, 4)>,
  a2 ARRAY<ARRAY<INT>>, pt ROW<x INT, y STRING, z DECIMAL(10, 2)>, jr ROW<x INT, y STRING>,
  jm MAP<STRING, INT>"
conn="'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE', 'username' = '$PGUSER', 'password' = 'x', 'source.binlog' = 'false'"

# --- round trip: scan -> hologres sink, equal row for row.
cat >"$T/job.sql" <<SQL
SET 'execution.runtime-mode' = 'batch';
CREATE TABLE src ($cols) WITH ('connector' = 'hologres', $conn, 'tablename' = '${p}_src');
CREATE TABLE dst ($cols, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', $conn, 'tablename' = '${p}_dst');
INSERT INTO dst SELECT * FROM src;
SQL
run_hf "$T/out" "$T/err" run "$T/job.sql"
expect_rc 0 "round trip"
[ "$RC" -eq 0 ] || tail -5 "$T/err" >&2
expect_grep "3003 records read" "$T/err" "round trip: records read"
# json has no equality: compared as text; the rest as is.
cmpcols="id, b, sm, i, l, f, d, n, nu, s, vc, by, dt, ti, ts, ltz, j::text, jb, ai, al, ss, ad, an, a2, pt, jr, jm"
diffs=$("${PSQL[@]}" -c "SELECT count(*) FROM ((SELECT $cmpcols FROM ${p}_src EXCEPT ALL SELECT $cmpcols FROM ${p}_dst)
  UNION ALL (SELECT $cmpcols FROM ${p}_dst EXCEPT ALL SELECT $cmpcols FROM ${p}_src)) x")
[ "$diffs" = 0 ] || {
    fail "round trip: $diffs rows differ"
    "${PSQL[@]}" -c "(SELECT $cmpcols FROM ${p}_src EXCEPT ALL SELECT $cmpcols FROM ${p}_dst) LIMIT 3" >&2
}
n=$("${PSQL[@]}" -c "SELECT count(*) FROM ${p}_dst")
[ "$n" = 3003 ] || fail "round trip: $n rows, expected 3003"

# --- the special rows as Flink prints them.
cat >"$T/print.sql" <<SQL
SET 'execution.runtime-mode' = 'batch';
CREATE TABLE src ($cols) WITH ('connector' = 'hologres', $conn, 'tablename' = '${p}_src');
CREATE TABLE out ($cols) WITH ('connector' = 'print');
INSERT INTO out SELECT * FROM src WHERE id <= 3;
SQL
run_hf "$T/out" "$T/err" run "$T/print.sql"
expect_rc 0 "print"
cat >"$T/want" <<'EOF2'
+I[1, true, -32768, 2147483647, -9223372036854775808, NaN, -Infinity, -9999999999999999999999999999.9999999999, 123456789012345678.0123456789, tab	here
new~cr \ back "q" 'a', v1, [0, -1, 10], 1899-12-31, 23:59:59.999999, 1900-01-01T00:00:00.123456, 9999-12-31T23:59:59Z, {"k": [1, 2]}, {"a": null}, [1, null, 3], [null, -9223372036854775808], [a b, null, c"d, e\f, ], [NaN, -0.0, 1.5], [1.5000, null, -99999999999999.9999], [[1, 2], [3, null]], +I[7, q"x, -1.25], +I[1, s], {k1=1, k2=null}]
+I[2, false, 0, -2147483648, 0, -0.0, Infinity, 1E-10, -0.5000000000, , , [], 0001-01-01, 00:00, 1969-12-31T23:59:59.999999, 1970-01-01T00:00:00Z, [], [], [], [], [], [], [], [], +I[null, null, null], +I[null, null], {}]
+I[3, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null]
EOF2
tr '\r' '~' <"$T/out" >"$T/got"
expect_same "$T/want" "$T/got" "special rows (print; CR shown as ~)"

# --- 001_*'s legacy DDL; an array read into STRING joined by field_delimiter.
cat >"$T/legacy.sql" <<SQL
SET 'execution.runtime-mode' = 'batch';
CREATE TABLE src (id BIGINT, ss STRING, ai VARCHAR) WITH (
  'connector.type' = 'hologres', 'connector.database' = '$PGDATABASE',
  'connector.table' = '${p}_src', 'connector.username' = '$PGUSER',
  'connector.password' = 'x', 'connector.endpoint' = '$PGHOST:$PGPORT', 'field_delimiter' = '|');
CREATE TABLE out (id BIGINT, ss STRING, ai STRING) WITH ('connector' = 'print');
INSERT INTO out SELECT * FROM src WHERE id <= 4;
SQL
run_hf "$T/out" "$T/err" run "$T/legacy.sql"
expect_rc 0 "legacy DDL"
printf '%s\n' '+I[1, a b||c"d|e\f|, 1||3]' '+I[2, , ]' '+I[3, null, null]' '+I[4, s4||a,b, 4||-4]' >"$T/want"
grep '^+I' "$T/out" >"$T/got" || true
expect_same "$T/want" "$T/got" "legacy DDL, arrays joined by field_delimiter"

# --- refusals at open, naming table and column.
refuse() { # COLUMNS EXPECTED-TEXT WHAT
    cat >"$T/bad.sql" <<SQL
SET 'execution.runtime-mode' = 'batch';
CREATE TABLE src ($1) WITH ('connector' = 'hologres', $conn, 'tablename' = '${p}_src');
CREATE TABLE out ($1) WITH ('connector' = 'blackhole');
INSERT INTO out SELECT * FROM src;
SQL
    run_hf "$T/out" "$T/err" run "$T/bad.sql"
    [ "$RC" -ne 0 ] || fail "$3: exit code 0"
    expect_grep "$2" "$T/err" "$3"
}
refuse "id BIGINT, l INT" "table \"public\".\"${p}_src\": column \"l\" of type bigint cannot be read as INT" "narrower integer"
refuse "id BIGINT, n DECIMAL(38, 2)" "column \"n\" of type numeric(38,10) cannot be read as DECIMAL(38, 2): its values would round or overflow" "rounding DECIMAL"
refuse "id BIGINT, ts TIMESTAMP(3)" "column \"ts\" of type timestamp(6) without time zone cannot be read as TIMESTAMP(3)" "fewer fraction digits"
refuse "id BIGINT, nope STRING" "table \"public\".\"${p}_src\" has no column \"nope\"" "missing column"
refuse "id BIGINT, jb ROW<x INT>, s INT" "column \"s\" of type text cannot be read as INT" "text as INT"
# An unconstrained numeric is checked value by value.
refuse "id BIGINT, nu DECIMAL(38, 1)" "column \"nu\": a value with more than 1 fraction digits would round in DECIMAL(38, 1)" "unconstrained numeric that would round"

# --- source.scan.timeout-seconds: a scan that gets nothing (the table is
# locked by another session) fails after that long, saying why.
psql -X -q -c "BEGIN; LOCK TABLE ${p}_dst IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(8); COMMIT;" >/dev/null 2>&1 &
locker=$!
sleep 1
cat >"$T/slow.sql" <<SQL
SET 'execution.runtime-mode' = 'batch';
CREATE TABLE src (id BIGINT) WITH ('connector' = 'hologres', $conn, 'tablename' = '${p}_dst',
  'source.scan.timeout-seconds' = '2');
CREATE TABLE out (id BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO out SELECT * FROM src;
SQL
t0=$(date +%s)
run_hf "$T/out" "$T/err" run "$T/slow.sql"
t1=$(date +%s)
[ "$RC" -ne 0 ] || fail "timeout: exit code 0"
expect_grep "no data from the server for 2 s (source.scan.timeout-seconds)" "$T/err" "timeout"
[ $((t1 - t0)) -lt 7 ] || fail "timeout: took $((t1 - t0)) s"
wait "$locker" || true

"${PSQL[@]}" -c "DROP TABLE ${p}_src, ${p}_dst; DROP TYPE ${p}_pt"
finish
