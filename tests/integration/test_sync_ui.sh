#!/usr/bin/env bash
# holoflow sync's user-facing extras against the private PostgreSQL:
#  - --create-table prints the writer's CREATE TABLE from the reader's
#    columns (database reader: catalog types through 001's mapping, the
#    primary key; file reader: DataX types, partition columns, PARTITION BY
#    LIST for the writer's partition), --apply runs it, and the sync then
#    fills the table exactly (compared with psql);
#  - --preview prints the first N mapped rows as a table and writes nothing;
#  - progress lines without a terminal (--progress-interval);
#  - querySql and skipHeader.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
export PGOPTIONS="-c client_min_messages=warning"
p=hf_syncui_$$
URL="jdbc:postgresql://127.0.0.1:$PGPORT/$PGDATABASE"

same_rows() { # QUERY_A QUERY_B WHAT
    local n
    n=$("${PSQL[@]}" -c "SELECT count(*) FROM ((($1) EXCEPT ALL ($2)) UNION ALL (($2) EXCEPT ALL ($1))) d")
    [ "$n" = 0 ] || fail "$3: $n row(s) differ"
}

"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_src (id bigint PRIMARY KEY, name varchar(20) NOT NULL, amount numeric(12,2),
  d date, ts timestamp, f real, b boolean, tags text[]);
INSERT INTO ${p}_src SELECT i, 'n' || i, i * 1.5, date '2026-12-01' + i,
  timestamp '2026-12-01 10:00' + i * interval '1 hour', i / 4.0, i % 2 = 0, ARRAY['a' || i]
  FROM generate_series(1, 25) i;
SQL

# ---- 1. --create-table: database reader, "*" -> "*"
db_job() { # READER_EXTRA WRITER_TABLE
    cat <<JSON
{"job": {"setting": {"speed": {"channel": 1}},
 "content": [{"reader": {"name": "postgresqlreader", "parameter": {"username": "$PGUSER", "password": "",
   $1 "connection": [{"jdbcUrl": ["$URL"], "table": ["${p}_src"]}]}},
  "writer": {"name": "hologresjdbcwriter", "parameter": {"username": "$PGUSER", "password": "", "column": ["*"],
   "connection": [{"jdbcUrl": "$URL", "table": ["$2"]}]}}}]}}
JSON
}
db_job '"column": ["*"],' "${p}_dst" >"$T/db.json"
run_hf "$T/out" "$T/err" sync --create-table "$T/db.json"
expect_rc 0 "create-table (print)"
cat >"$T/want" <<SQL
CREATE TABLE "${p}_dst" (
    "id" BIGINT,
    "name" TEXT NOT NULL,
    "amount" NUMERIC(12,2),
    "d" DATE,
    "ts" TIMESTAMP WITH TIME ZONE,
    "f" REAL,
    "b" BOOLEAN,
    "tags" TEXT[],
    PRIMARY KEY ("id")
);
SQL
grep -v '^--' "$T/out" >"$T/got"
expect_same "$T/want" "$T/got" "create-table from a database reader"
n=$("${PSQL[@]}" -c "SELECT count(*) FROM pg_class WHERE relname = '${p}_dst'")
[ "$n" = 0 ] || fail "create-table without --apply created the table"
run_hf "$T/out" "$T/err" sync --create-table --apply "$T/db.json"
expect_rc 0 "create-table --apply"
run_hf "$T/out" "$T/err" sync "$T/db.json"
expect_rc 0 "sync into the created table"
same_rows "TABLE ${p}_dst" "TABLE ${p}_src" "db -> created table"
run_hf "$T/out" "$T/err" sync --create-table --apply "$T/db.json"
expect_rc 1 "create-table --apply on an existing table"
expect_grep 'already exists' "$T/err" "existing table"

# a partitioned target: the key takes the partition column, "*" -> "*"
sed "s/\"table\": \[\"${p}_dst\"\]}\]/\"table\": [\"${p}_dstp\"]}], \"partition\": \"pday=\${bizdate}\"/" "$T/db.json" >"$T/dbp.json"
run_hf "$T/out" "$T/err" sync --create-table --apply "$T/dbp.json" -p bizdate=20261203
expect_rc 0 "create-table partitioned"
expect_grep '    "pday" TEXT,' "$T/out" "partition column added"
expect_grep 'PRIMARY KEY ("id", "pday")' "$T/out" "partition column in the key"
expect_grep ') PARTITION BY LIST ("pday");' "$T/out" "PARTITION BY LIST"
run_hf "$T/out" "$T/err" sync "$T/dbp.json" -p bizdate=20261203
expect_rc 0 "sync into the created partitioned table"
same_rows "SELECT id, name, amount, d, ts, f, b, tags FROM ${p}_dstp" "TABLE ${p}_src" "db -> created partitioned table"
n=$("${PSQL[@]}" -c "SELECT count(*) FROM ${p}_dstp_20261203 WHERE pday = '20261203'")
[ "$n" = 25 ] || fail "rows in the child ${p}_dstp_20261203: $n"

# ---- 2. --create-table: file reader with partition directories -> LIST
for d in 20261202 20261203; do
    for t in 10 11; do
        mkdir -p "$T/tree/sale_date=$d/sale_time=$t"
        awk -v d=$d -v t=$t 'BEGIN { print "shop_name,customer_id,total_price"; for (i = 1; i <= 20; i++) printf "shop%d,cust%s%s%d,%d\n", i % 9, d, t, i, i * 3 + t }' \
            >"$T/tree/sale_date=$d/sale_time=$t/part-0.csv"
        tail -n +2 "$T/tree/sale_date=$d/sale_time=$t/part-0.csv" |
            awk -v d=$d -v t=$t '{ print $0 "," d "," t }' >>"$T/sales_ref.csv"
    done
done
"${PSQL[@]}" -c "CREATE TABLE ${p}_sales_ref (shop_name text, customer_id text, total_price int8, sale_date text, sale_time text)" \
    -c "\\copy ${p}_sales_ref FROM '$T/sales_ref.csv' csv"
cat >"$T/files.json" <<JSON
{"type": "job", "version": "2.0",
 "steps": [
  {"stepType": "oss", "name": "Reader", "category": "reader", "parameter": {
    "path": "$T/tree/sale_date=\${bizdate}/*/*", "fileType": "csv", "fieldDelimiter": ",", "skipHeader": true,
    "column": [{"index": 0, "type": "string"}, {"index": 1, "type": "string"},
               {"index": 2, "type": "long"}, {"type": "partition", "name": "sale_time"}]}},
  {"stepType": "holo", "name": "Writer", "category": "writer", "parameter": {
    "datasource": "holo_ds", "table": "${p}_holo", "writeMode": "insert", "conflictMode": "ignore",
    "partition": "sale_date=\${bizdate}",
    "column": ["shop_name", "customer_id", "total_price", "sale_time"]}}],
 "setting": {"errorLimit": {"record": "0"}, "speed": {"concurrent": 1}},
 "order": {"hops": [{"from": "Reader", "to": "Writer"}]}}
JSON
run_hf "$T/out" "$T/err" sync --create-table --apply "$T/files.json" -p bizdate=20261202
expect_rc 0 "create-table from files"
cat >"$T/want" <<SQL
CREATE TABLE "${p}_holo" (
    "shop_name" TEXT,
    "customer_id" TEXT,
    "total_price" BIGINT,
    "sale_time" TEXT,
    "sale_date" TEXT
) PARTITION BY LIST ("sale_date");
SQL
grep -v '^--' "$T/out" >"$T/got"
expect_same "$T/want" "$T/got" "create-table from a file reader"
# ---- 3. skipHeader: the first line of each file is skipped
for d in 20261202 20261203; do
    run_hf "$T/out" "$T/err" sync "$T/files.json" -p bizdate=$d
    expect_rc 0 "sync with skipHeader $d"
done
same_rows "SELECT shop_name, customer_id, total_price, sale_date, sale_time FROM ${p}_holo" "TABLE ${p}_sales_ref" "skipHeader files -> created LIST table"
sed 's/"skipHeader": true/"skipHeader": false/' "$T/files.json" >"$T/noskip.json"
run_hf "$T/out" "$T/err" sync "$T/noskip.json" -p bizdate=20261202
expect_rc 1 "without skipHeader the header is a bad record"

# ---- 4. progress: log lines without a terminal, one line on a terminal
mkdir -p "$T/big"
for k in 1 2 3 4; do
    seq 1 500000 | awk -v k=$k '{ print k * 1000000 + $1 ",name" $1 }' >"$T/big/p$k.csv"
done
"${PSQL[@]}" -c "CREATE TABLE ${p}_big (id bigint, name text)"
cat >"$T/big.json" <<JSON
{"job": {"setting": {"speed": {"channel": 1}},
 "content": [{"reader": {"name": "txtfilereader", "parameter": {"path": ["$T/big/*.csv"],
   "column": [{"index": 0, "type": "long"}, {"index": 1, "type": "string"}]}},
  "writer": {"name": "postgresqlwriter", "parameter": {"username": "$PGUSER", "password": "", "column": ["id", "name"],
   "connection": [{"jdbcUrl": "$URL", "table": ["${p}_big"]}]}}}]}}
JSON
run_hf "$T/out" "$T/err" sync "$T/big.json" --set holoflow.progress.interval=20ms
expect_rc 0 "sync with progress lines"
grep -Eq 'INFO  progress [0-9:]+: [0-9]+ rows (sent \(committed at the end\)|written), [0-9]+ rows/s, read .* of 35\.8 MiB, [0-9.]+%.*, splits [0-4]/4, 0 dirty rows' "$T/err" ||
    fail "no progress log line: $(grep progress "$T/err" | head -3)"
"${PSQL[@]}" -c "TRUNCATE ${p}_big"
run_hf "$T/out" "$T/err" sync "$T/big.json" --progress-interval 0
expect_rc 0 "sync with --progress-interval 0"
! grep -q 'INFO  progress' "$T/err" || fail "--progress-interval 0 still logged progress"
n=$("${PSQL[@]}" -c "SELECT count(*) FROM ${p}_big")
[ "$n" = 2000000 ] || fail "big sync wrote $n rows"
if command -v script >/dev/null; then
    "${PSQL[@]}" -c "TRUNCATE ${p}_big"
    timeout 120 script -qc "'$HOLOFLOW' sync '$T/big.json'" /dev/null >"$T/tty.out" || fail "sync on a pty failed"
    # 2M rows take well over the 0.5 s tick here; the line is rewritten in place
    grep -aq $'\r[0-9]* rows sent (committed at the end), [0-9]* rows/s, read .* of 35.8 MiB, .*splits [0-4]/4, 0 dirty rows\e\[K' "$T/tty.out" ||
        fail "terminal progress line: $(tr '\r' '\n' <"$T/tty.out" | head -5)"
fi

# ---- 5. --preview: the first N mapped rows, nothing written
before=$("${PSQL[@]}" -c "SELECT count(*) || ':' || md5(string_agg(t::text, ',' ORDER BY t::text)) FROM ${p}_dst t")
run_hf "$T/out" "$T/err" sync --preview --preview-rows 3 "$T/db.json"
expect_rc 0 "preview from a database reader"
cat >"$T/want" <<'TXT'
 id | name | amount | d          | ts                         | f    | b     | tags
----+------+--------+------------+----------------------------+------+-------+-----
 1  | n1   | 1.50   | 2026-12-02 | 2026-12-01 11:00:00.000000 | 0.25 | FALSE | [a1]
 2  | n2   | 3.00   | 2026-12-03 | 2026-12-01 12:00:00.000000 | 0.5  | TRUE  | [a2]
 3  | n3   | 4.50   | 2026-12-04 | 2026-12-01 13:00:00.000000 | 0.75 | FALSE | [a3]
(3 rows)
TXT
expect_same "$T/want" "$T/out" "preview table"
after=$("${PSQL[@]}" -c "SELECT count(*) || ':' || md5(string_agg(t::text, ',' ORDER BY t::text)) FROM ${p}_dst t")
[ "$before" = "$after" ] || fail "preview changed the target"
# files: partition values and the writer's fixed partition, default 10 rows
n_before=$("${PSQL[@]}" -c "SELECT count(*) FROM ${p}_holo")
run_hf "$T/out" "$T/err" sync --preview "$T/files.json" -p bizdate=20261203
expect_rc 0 "preview from files"
head -3 "$T/out" >"$T/got"
cat >"$T/want" <<'TXT'
 shop_name | customer_id      | total_price | sale_time | sale_date
-----------+------------------+-------------+-----------+----------
 shop1     | cust20261203101  | 13          | 10        | 20261203
TXT
expect_same "$T/want" "$T/got" "preview of files"
expect_grep "(10 rows)" "$T/out" "preview default rows"
[ "$("${PSQL[@]}" -c "SELECT count(*) FROM ${p}_holo")" = "$n_before" ] || fail "preview wrote rows"
run_hf "$T/out" "$T/err" sync --preview --preview-rows 0 "$T/files.json" -p bizdate=20261203
expect_rc 2 "--preview-rows 0"

# ---- 6. querySql: the query is the scan; table, column and where ignored
"${PSQL[@]}" -c "CREATE TABLE ${p}_q (k bigint PRIMARY KEY, label text, total numeric(14,2))"
cat >"$T/q.json" <<JSON
{"job": {"setting": {"speed": {"channel": 2}},
 "content": [{"reader": {"name": "postgresqlreader", "parameter": {"username": "$PGUSER", "password": "",
   "column": ["no_such_column"], "where": "false",
   "connection": [{"jdbcUrl": ["$URL"], "table": ["no_such_table"],
     "querySql": ["SELECT id * 10 AS x, upper(name) AS y, amount * 2 AS z FROM ${p}_src WHERE id % 3 = 0"]}]}},
  "writer": {"name": "hologresjdbcwriter", "parameter": {"username": "$PGUSER", "password": "", "column": ["k", "label", "total"],
   "connection": [{"jdbcUrl": "$URL", "table": ["${p}_q"]}]}}}]}}
JSON
run_hf "$T/out" "$T/err" sync "$T/q.json"
expect_rc 0 "querySql sync"
same_rows "TABLE ${p}_q" "SELECT id * 10, upper(name), amount * 2 FROM ${p}_src WHERE id % 3 = 0" "querySql"
sed 's/"k", "label", "total"/"k", "label"/' "$T/q.json" >"$T/q2.json"
run_hf "$T/out" "$T/err" sync "$T/q2.json"
expect_rc 2 "querySql with fewer writer columns"
expect_grep "querySql gives 3 columns and the writer has 2" "$T/err" "querySql column count"
sed "s/FROM ${p}_src/FROM nowhere_${p}/" "$T/q.json" >"$T/q3.json"
run_hf "$T/out" "$T/err" sync "$T/q3.json"
[ "$RC" -ne 0 ] || fail "querySql on a missing table succeeded"
expect_grep "querySql" "$T/err" "bad querySql named"
# create-table from a querySql: the query's columns
sed -e 's/"column": \["k", "label", "total"\]/"column": ["*"]/' -e "s/\"table\": \[\"${p}_q\"\]/\"table\": [\"${p}_q4\"]/" "$T/q.json" >"$T/q4.json"
run_hf "$T/out" "$T/err" sync --create-table --apply "$T/q4.json"
expect_rc 0 "create-table from querySql"
expect_grep '"x" BIGINT,' "$T/out" "querySql create-table column"
run_hf "$T/out" "$T/err" sync "$T/q4.json"
expect_rc 0 "querySql into its created table"
same_rows "TABLE ${p}_q4" "SELECT id * 10, upper(name), amount * 2 FROM ${p}_src WHERE id % 3 = 0" "querySql created"

finish
