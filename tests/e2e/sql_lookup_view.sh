#!/usr/bin/env bash
# Lookup joins whose probe side has computed columns: a view's
# CURRENT_TIMESTAMP and PROCTIME() columns keep their TIMESTAMP_LTZ type
# through the join (they once came out BIGINT, and a key expression over
# such a view crashed explain), a view's WHERE still filters the probe
# rows, and a table's own computed and PROCTIME() columns read after the
# join have values (they once came out NULL). Plan-time checks need no
# server; the run reads a jdbc dimension table in the private PostgreSQL
# (scripts/pg-private.sh) and checks the print sink's rows.
. "$(dirname "$0")/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
p=hf_lkv_$$
"${PSQL[@]}" <<SQL
SET client_min_messages = warning;
CREATE TABLE ${p}_d (id bigint PRIMARY KEY, name text);
INSERT INTO ${p}_d VALUES (1, 'a'), (2, 'b');
SQL
trap '"${PSQL[@]}" -c "DROP TABLE IF EXISTS ${p}_d" >/dev/null 2>&1; rm -rf "$T"' EXIT
url="jdbc:postgresql://127.0.0.1:${PGPORT:-5432}/${PGDATABASE:-postgres}"

# job SINK-COLUMNS QUERY
job() {
    cat >"$T/job.sql" <<SQL
CREATE TABLE src (id BIGINT, c AS id * 10, pt AS PROCTIME()) WITH ('connector' = 'datagen',
  'number-of-rows' = '3', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '3');
CREATE TABLE dim (id BIGINT, name STRING, PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'jdbc',
  'url' = '$url', 'table-name' = '${p}_d', 'username' = '${PGUSER:-postgres}', 'password' = 'x');
CREATE VIEW v AS SELECT id, c, pt, CURRENT_TIMESTAMP AS ct FROM src;
CREATE VIEW w AS SELECT id, c, pt FROM src WHERE id > 1;
CREATE TABLE out ($1) WITH ('connector' = 'print');
$2
SQL
}
LJ="LEFT JOIN dim FOR SYSTEM_TIME AS OF v.pt AS d"

# Types through the join (check), and explain of a key expression.
for q in "v.id, d.name, v.ct FROM v $LJ ON v.id = d.id" \
         "v.id, d.name, v.pt FROM v $LJ ON v.id = d.id" \
         "v.id, d.name, v.ct FROM v $LJ ON v.id + 0 = d.id" \
         "v.id, d.name, v.ct FROM v JOIN dim FOR SYSTEM_TIME AS OF v.pt AS d ON v.id = d.id WHERE v.c > 0"; do
    job "id BIGINT, name STRING, ct TIMESTAMP_LTZ(3)" "INSERT INTO out SELECT $q;"
    run_hf "$T/out" "$T/err" check "$T/job.sql"
    expect_rc 0 "check: $q"
    [ "$RC" -eq 0 ] || cat "$T/err" >&2
    run_hf "$T/out" "$T/err" explain "$T/job.sql"
    expect_rc 0 "explain: $q"
done
job "id BIGINT, name STRING, ct BIGINT" "INSERT INTO out SELECT v.id, d.name, v.ct FROM v $LJ ON v.id = d.id;"
run_hf "$T/out" "$T/err" check "$T/job.sql"
expect_rc 2 "a view's TIMESTAMP_LTZ into BIGINT"
expect_grep "cannot write TIMESTAMP_LTZ(3) into BIGINT" "$T/err" "a view's TIMESTAMP_LTZ into BIGINT"

# run QUERY EXPECTED-ROWS WHAT
run() {
    job "id BIGINT, name STRING, c BIGINT, t BOOLEAN" "$1"
    run_hf "$T/out" "$T/err" run "$T/job.sql"
    expect_rc 0 "$3"
    [ "$RC" -eq 0 ] || cat "$T/err" >&2
    grep '^[+-]' "$T/out" | sort >"$T/got" || true
    printf '%s\n' "$2" >"$T/want"
    expect_same "$T/want" "$T/got" "$3"
}
run "INSERT INTO out SELECT v.id, d.name, v.c, v.ct IS NOT NULL AND v.pt IS NOT NULL FROM v $LJ ON v.id = d.id;" \
    "+I[1, a, 10, true]
+I[2, b, 20, true]
+I[3, null, 30, true]" "view: computed columns after the join"
run "INSERT INTO out SELECT w.id, d.name, w.c, w.pt IS NOT NULL FROM w LEFT JOIN dim FOR SYSTEM_TIME AS OF w.pt AS d ON w.id = d.id;" \
    "+I[2, b, 20, true]
+I[3, null, 30, true]" "view: its WHERE filters the probe rows"
run "INSERT INTO out SELECT s.id, d.name, s.c, s.pt IS NOT NULL FROM src AS s JOIN dim FOR SYSTEM_TIME AS OF s.pt AS d ON s.id = d.id;" \
    "+I[1, a, 10, true]
+I[2, b, 20, true]" "table: computed and PROCTIME columns after the join"
finish
