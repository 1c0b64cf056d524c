#!/usr/bin/env bash
# holoflow sync: the 003_* flows against the private PostgreSQL, checked
# with psql against tables PostgreSQL loads itself from the same files.
#  - non-partitioned CSV -> non-partitioned table (DataX txtfilereader ->
#    hologresjdbcwriter, as in DataX's docs);
#  - two-level key=value directories -> one-level LIST-partitioned parent
#    with ${bizdate} (DataWorks v2.0 script: oss -> holo, partition
#    "sale_date=${bizdate}", gzip files among them), child created;
#  - partitioned directories -> non-partitioned table (every partition);
#  - conflictMode replace vs ignore over existing rows;
#  - mapping by name (postgresqlreader "*" -> writer "*", other column
#    order) and by position (explicit lists), constants;
#  - streamreader; --print-sql runs as a holoflow run job with the same
#    result; truncate replaces one partition and a failed sync keeps it.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
export PGOPTIONS="-c client_min_messages=warning"
p=hf_sync_$$
URL="jdbc:postgresql://127.0.0.1:$PGPORT/$PGDATABASE"

# same CONTENTS (as multisets) of two queries, else fail
same_rows() { # QUERY_A QUERY_B WHAT
    local n
    n=$("${PSQL[@]}" -c "SELECT count(*) FROM ((($1) EXCEPT ALL ($2)) UNION ALL (($2) EXCEPT ALL ($1))) d")
    [ "$n" = 0 ] || fail "$3: $n row(s) differ"
}

# ---- data: bank rows, and a two-level partition tree
awk 'BEGIN { for (i = 1; i <= 500; i++) printf "%d,job%d,%d.%02d,2026-12-%02d\n", i, i % 7, i, i % 100, 1 + i % 28 }' >"$T/bank.csv"
for d in 20261202 20261203; do
    for t in 10 11 12; do
        mkdir -p "$T/tree/sale_date=$d/sale_time=$t"
        awk -v d=$d -v t=$t 'BEGIN { for (i = 1; i <= 50; i++) printf "shop%d,cust%s%s%d,%d\n", i % 9, d, t, i, i * 3 + t }' \
            >"$T/tree/sale_date=$d/sale_time=$t/part-0.csv"
    done
done
gzip "$T/tree/sale_date=20261203/sale_time=12/part-0.csv"
"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_bank_ref (id bigint, job text, amount numeric(12,2), d date);
\copy ${p}_bank_ref FROM '$T/bank.csv' csv
CREATE TABLE ${p}_bank (id bigint PRIMARY KEY, job text, amount numeric(12,2), d date);
CREATE TABLE ${p}_sales_ref (shop_name text, customer_id text, total_price int8, sale_date text, sale_time text);
CREATE TABLE ${p}_holo (shop_name text, customer_id text, total_price int8, sale_date text, sale_time text) PARTITION BY LIST (sale_date);
CREATE TABLE ${p}_flat (shop_name text, customer_id text, total_price int8, sale_date text, sale_time text);
SQL
for f in "$T"/tree/*/*/part-0.csv*; do
    dir=$(dirname "$f"); t=${dir##*=}; d=$(dirname "$dir"); d=${d##*=}
    if [ "${f%.gz}" != "$f" ]; then gzip -dc "$f"; else cat "$f"; fi |
        awk -v d=$d -v t=$t '{ print $0 "," d "," t }' >>"$T/sales_ref.csv"
done
"${PSQL[@]}" -c "\\copy ${p}_sales_ref FROM '$T/sales_ref.csv' csv"

# ---- 1. non-partitioned -> non-partitioned (DataX job file)
cat >"$T/bank.json" <<JSON
{"job": {
  "setting": {"speed": {"channel": 2}, "errorLimit": {"record": 0, "percentage": 0.02}},
  "content": [{
    "reader": {"name": "txtfilereader", "parameter": {
      "path": ["$T/bank.csv"], "encoding": "UTF-8", "fieldDelimiter": ",",
      "column": [{"index": 0, "type": "long"}, {"index": 1, "type": "string"},
                 {"index": 2, "type": "double"}, {"index": 3, "type": "date"}]}},
    "writer": {"name": "hologresjdbcwriter", "parameter": {
      "username": "$PGUSER", "password": "",
      "column": ["id", "job", "amount", "d"],
      "connection": [{"jdbcUrl": "$URL", "table": ["${p}_bank"]}],
      "writeMode": "REPLACE", "batchSize": 100}}}]}}
JSON
run_hf "$T/out" "$T/err" sync "$T/bank.json" --report-json "$T/report.json"
expect_rc 0 "non-partitioned sync"
same_rows "TABLE ${p}_bank" "TABLE ${p}_bank_ref" "non-partitioned -> non-partitioned"
expect_grep '"records_written": 500' "$T/report.json" "report json"
expect_grep 'Total records written' "$T/err" "DataX report"

# ---- 2. two-level partitions -> LIST-partitioned target, ${bizdate}
cat >"$T/dw.json" <<JSON
{"type": "job", "version": "2.0",
 "steps": [
  {"stepType": "oss", "name": "Reader", "category": "reader", "parameter": {
    "path": "$T/tree/sale_date=\${bizdate}/*/*", "fileType": "csv", "fieldDelimiter": ",",
    "column": [{"index": 0, "type": "string"}, {"index": 1, "type": "string"},
               {"index": 2, "type": "long"}, {"type": "partition", "name": "sale_date"},
               {"type": "partition", "name": "sale_time"}]}},
  {"stepType": "holo", "name": "Writer", "category": "writer", "parameter": {
    "datasource": "holo_ds", "table": "${p}_holo", "writeMode": "insert", "conflictMode": "ignore",
    "partition": "sale_date=\${bizdate}",
    "column": ["shop_name", "customer_id", "total_price", "sale_date", "sale_time"]}}],
 "setting": {"errorLimit": {"record": "0"}, "speed": {"concurrent": 2, "throttle": false, "mbps": "12"}},
 "order": {"hops": [{"from": "Reader", "to": "Writer"}]}}
JSON
run_hf "$T/out" "$T/err" sync "$T/dw.json"
expect_rc 2 "unset variable"
expect_grep 'variable ${bizdate} has no value' "$T/err" "unset variable"
for d in 20261202 20261203; do
    run_hf "$T/out" "$T/err" sync "$T/dw.json" -p bizdate=$d
    expect_rc 0 "partitioned sync $d"
done
same_rows "TABLE ${p}_holo" "TABLE ${p}_sales_ref" "two-level -> LIST-partitioned"
got=$("${PSQL[@]}" -c "SELECT string_agg(tableoid::regclass::text || ':' || n, ' ' ORDER BY tableoid::regclass::text) FROM (SELECT tableoid, count(*) n FROM ${p}_holo GROUP BY 1) x")
[ "$got" = "${p}_holo_20261202:150 ${p}_holo_20261203:150" ] || fail "children: $got"

# ---- 3. partitioned -> non-partitioned, every partition
sed -e "s#sale_date=\${bizdate}/\*/\*#*/*/*#" -e "s#\"partition\": \"sale_date=\${bizdate}\",##" \
    -e "s#${p}_holo#${p}_flat#" "$T/dw.json" >"$T/flat.json"
run_hf "$T/out" "$T/err" sync "$T/flat.json"
expect_rc 0 "partitioned -> flat"
same_rows "TABLE ${p}_flat" "TABLE ${p}_sales_ref" "partitioned -> non-partitioned"

# ---- 4. replace vs ignore over existing rows
"${PSQL[@]}" -c "UPDATE ${p}_bank SET job = 'old' WHERE id <= 10; DELETE FROM ${p}_bank WHERE id > 400"
sed 's/"REPLACE"/"IGNORE"/' "$T/bank.json" >"$T/ignore.json"
run_hf "$T/out" "$T/err" sync "$T/ignore.json"
expect_rc 0 "ignore"
n=$("${PSQL[@]}" -c "SELECT count(*) FILTER (WHERE job = 'old') || '/' || count(*) FROM ${p}_bank")
[ "$n" = "10/500" ] || fail "ignore kept existing rows and added missing ones: $n"
run_hf "$T/out" "$T/err" sync "$T/bank.json"
expect_rc 0 "replace"
same_rows "TABLE ${p}_bank" "TABLE ${p}_bank_ref" "replace overwrote existing rows"

# ---- 5. mapping by name (postgresqlreader *, writer *) and by position
"${PSQL[@]}" -c "CREATE TABLE ${p}_byname (d date, AMOUNT numeric(12,2), id bigint, job text)"
cat >"$T/byname.json" <<JSON
{"job": {"setting": {"speed": {"channel": 2}},
  "content": [{
    "reader": {"name": "postgresqlreader", "parameter": {"username": "$PGUSER", "password": "",
      "column": ["*"], "splitPk": "id", "fetchSize": 100,
      "connection": [{"jdbcUrl": ["$URL"], "table": ["${p}_bank_ref"]}]}},
    "writer": {"name": "postgresqlwriter", "parameter": {"username": "$PGUSER", "password": "",
      "column": ["*"], "connection": [{"jdbcUrl": "$URL", "table": ["${p}_byname"]}]}}}]}}
JSON
run_hf "$T/out" "$T/err" sync "$T/byname.json"
expect_rc 0 "mapping by name"
same_rows "SELECT id, job, amount, d FROM ${p}_byname" "TABLE ${p}_bank_ref" "mapping by name"
"${PSQL[@]}" -c "CREATE TABLE ${p}_byline (a bigint, b text, c text, k text)"
cat >"$T/byline.json" <<JSON
{"job": {"content": [{
    "reader": {"name": "postgresqlreader", "parameter": {"username": "$PGUSER", "password": "",
      "column": ["id", "job", "d", "'const'"], "where": "id <= 100",
      "connection": [{"jdbcUrl": ["$URL"], "table": ["${p}_bank_ref"]}]}},
    "writer": {"name": "postgresqlwriter", "parameter": {"username": "$PGUSER", "password": "",
      "column": ["a", "b", "c", "k"], "connection": [{"jdbcUrl": "$URL", "table": ["${p}_byline"]}]}}}]}}
JSON
# a quoted constant column is not a column name: use the object form
sed -i "s/\"'const'\"/{\"value\": \"const\", \"type\": \"string\"}/" "$T/byline.json"
run_hf "$T/out" "$T/err" sync "$T/byline.json"
expect_rc 0 "mapping by position"
same_rows "TABLE ${p}_byline" "SELECT id, job, d::text, 'const' FROM ${p}_bank_ref WHERE id <= 100" "mapping by position"

# ---- 6. streamreader
"${PSQL[@]}" -c "CREATE TABLE ${p}_stream (s text, n bigint)"
cat >"$T/stream.json" <<JSON
{"job": {"setting": {"speed": {"channel": 1}}, "content": [{
  "reader": {"name": "streamreader", "parameter": {"sliceRecordCount": 7,
    "column": [{"type": "string", "value": "hello"}, {"type": "long", "value": "42"}]}},
  "writer": {"name": "postgresqlwriter", "parameter": {"username": "$PGUSER", "password": "",
    "column": ["s", "n"], "connection": [{"jdbcUrl": "$URL", "table": ["${p}_stream"]}]}}}]}}
JSON
run_hf "$T/out" "$T/err" sync "$T/stream.json"
expect_rc 0 "streamreader"
n=$("${PSQL[@]}" -c "SELECT count(*) || ' ' || min(s) || ' ' || sum(n) FROM ${p}_stream")
[ "$n" = "7 hello 294" ] || fail "streamreader: $n"

# ---- 7. --print-sql is a holoflow run job with the same result
"${PSQL[@]}" -c "TRUNCATE ${p}_flat"
run_hf "$T/job.sql" "$T/err" sync "$T/flat.json" --print-sql
expect_rc 0 "print-sql"
expect_grep "CREATE TEMPORARY TABLE sync_src" "$T/job.sql" "print-sql"
run_hf "$T/out" "$T/err" run "$T/job.sql"
expect_rc 0 "printed SQL runs"
same_rows "TABLE ${p}_flat" "TABLE ${p}_sales_ref" "printed SQL job"

# ---- 8. truncate replaces the partition; a failing sync keeps it
"${PSQL[@]}" -c "INSERT INTO ${p}_holo VALUES ('stale', 'x', 1, '20261203', '09')"
sed 's/"conflictMode": "ignore",/"conflictMode": "ignore", "truncate": true,/' "$T/dw.json" >"$T/trunc.json"
run_hf "$T/out" "$T/err" sync "$T/trunc.json" -p bizdate=20261203
expect_rc 0 "truncate"
same_rows "TABLE ${p}_holo" "TABLE ${p}_sales_ref" "truncate replaced partition 20261203 only"
echo "shopX,bad,notanumber" >>"$T/tree/sale_date=20261203/sale_time=10/part-0.csv"
run_hf "$T/out" "$T/err" sync "$T/trunc.json" -p bizdate=20261203
expect_rc 1 "failing truncate sync"
same_rows "TABLE ${p}_holo" "TABLE ${p}_sales_ref" "failed truncate sync left the previous data"

"${PSQL[@]}" -c "DROP TABLE ${p}_bank_ref, ${p}_bank, ${p}_sales_ref, ${p}_holo, ${p}_flat, ${p}_byname, ${p}_byline, ${p}_stream"
finish
