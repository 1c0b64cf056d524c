#!/usr/bin/env bash
# holoflow sync against DataX / DataWorks job files with DATABASE readers
# (postgresqlreader, holo / hologresreader) and the database writers
# (hologresjdbcwriter, holo / hologreswriter, postgresqlwriter), written in
# the shapes the DataX plugin docs and the DataWorks script-mode docs show
# (placeholders filled in, otherwise as written). Every job runs on the
# private PostgreSQL and its target is compared, row for row (EXCEPT ALL
# both ways), with what PostgreSQL itself computes from the same data:
# INSERT ... SELECT for plain loads, INSERT ... ON CONFLICT for the
# writers' replace / update / ignore, the child of a LIST-partitioned
# parent for `partition`. Covered: jdbcUrl arrays, table[] / querySql[]
# (a join, the doc's trailing ';'), where (IN, BETWEEN, LIKE, IS NULL,
# '::' casts, interval), splitPk, fetchSize, column ["*"], "Quoted" and
# mixed-case columns, constants and expressions among the reader's
# columns (the doc's 'hello'::varchar, power(2,3)), currentSchema and
# schema-qualified tables, inet/money/bit read through ::varchar, preSql /
# postSql with @table, writeMode REPLACE / UPDATE / IGNORE in several
# spellings, conflictMode, truncate (whole table, one partition), writer
# and reader partition, serial / identity keys left out of the writer's
# columns, postgresqlwriter conflicts as dirty records (within and over
# errorLimit), several tables. Then the refusals: readers and writers holoflow
# does not have (named, with what is available), missing required
# parameters, and `where` values that are not one expression (SQL
# injection included) — refused before anything runs, never spliced.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
export PGOPTIONS="-c client_min_messages=warning"
p=hf_dxdb_$$
URL="jdbc:postgresql://127.0.0.1:$PGPORT/$PGDATABASE"
U=$PGUSER
N=0 # jobs run

same_rows() { # QUERY_A QUERY_B WHAT
    local n
    n=$("${PSQL[@]}" -c "SELECT count(*) FROM ((($1) EXCEPT ALL ($2)) UNION ALL (($2) EXCEPT ALL ($1))) d")
    [ "$n" = 0 ] || fail "$3: $n row(s) differ"
    [ "$("${PSQL[@]}" -c "SELECT count(*) FROM ($1) a")" -gt 0 ] || fail "$3: no rows at all"
}
q() { "${PSQL[@]}" -c "$1"; }
# sync JOBFILE WHAT [ARGS...]: runs it, expects success
sync_ok() {
    local f=$1 what=$2
    shift 2
    N=$((N + 1))
    run_hf "$T/out" "$T/err" sync "$f" "$@"
    expect_rc 0 "$what"
    [ "$RC" = 0 ] || cat "$T/err" >&2
}
# refused JOBFILE RC MESSAGE WHAT
refused() {
    N=$((N + 1))
    run_hf "$T/out" "$T/err" sync "$1"
    expect_rc "$2" "$4"
    expect_grep "$3" "$T/err" "$4"
}
# dx FILE SETTING READER WRITER: a DataX job file
dx() {
    cat >"$1" <<JSON
{"job": {"setting": $2,
  "content": [{"reader": $3, "writer": $4}]}}
JSON
}
# dw FILE SETTING READER_STEP WRITER_STEP: a DataWorks "version 2.0" script
dw() {
    cat >"$1" <<JSON
{"type": "job", "version": "2.0",
 "steps": [$3, $4],
 "setting": $2,
 "order": {"hops": [{"from": "Reader", "to": "Writer"}]}}
JSON
}

q "
CREATE SCHEMA ${p}_s;
CREATE TABLE ${p}_src (id bigserial PRIMARY KEY, \"Name\" text, amount numeric(10,2),
  d date, flag boolean, note varchar(20), ts timestamp);
INSERT INTO ${p}_src (\"Name\", amount, d, flag, note, ts)
  SELECT 'n' || g, g / 4.0, DATE '2026-12-01' + (g % 10), g % 3 = 0,
         CASE WHEN g % 7 = 0 THEN NULL ELSE 'x' || (g % 5) END,
         TIMESTAMP '2026-12-01 08:00' + g * INTERVAL '1 minute'
  FROM generate_series(1, 3000) g;
CREATE TABLE ${p}_s.orders (order_id int PRIMARY KEY, customer text, total int, sale_date text);
INSERT INTO ${p}_s.orders SELECT g, 'c' || (g % 17), g * 3, '2026120' || (1 + g % 3) FROM generate_series(1, 900) g;
CREATE TABLE ${p}_cust (customer text PRIMARY KEY, region text);
INSERT INTO ${p}_cust SELECT 'c' || g, CASE WHEN g % 2 = 0 THEN 'east' ELSE 'west' END FROM generate_series(0, 16) g;
"
RD_PG() { # COLUMNS [EXTRA]: a postgresqlreader as its doc shows it
    cat <<JSON
{"name": "postgresqlreader", "parameter": {"username": "$U", "password": "",
   "column": $1, "splitPk": "id"${2:+, $2},
   "connection": [{"table": ["${p}_src"], "jdbcUrl": ["$URL"]}]}}
JSON
}
WR_PG() { # TABLE COLUMNS [EXTRA]: a postgresqlwriter as its doc shows it
    cat <<JSON
{"name": "postgresqlwriter", "parameter": {"username": "$U", "password": "",
   "column": $2, ${3:+$3, }"preSql": [], "postSql": [],
   "connection": [{"jdbcUrl": "$URL", "table": ["$1"]}]}}
JSON
}
WR_HJ() { # TABLE COLUMNS [EXTRA]: hologresjdbcwriter (DataX)
    cat <<JSON
{"name": "hologresjdbcwriter", "parameter": {"username": "$U", "password": "",
   "column": $2${3:+, $3},
   "connection": [{"jdbcUrl": "$URL", "table": ["$1"]}]}}
JSON
}

# ---- 1. the postgresqlreader doc example (splitPk, fetchSize, where) into
#         postgresqlwriter, 4 channels
q "CREATE TABLE ${p}_t1 (id bigint PRIMARY KEY, \"Name\" text, amount numeric(10,2), d date)"
dx "$T/j1.json" '{"speed": {"channel": 4}, "errorLimit": {"record": 0, "percentage": 0.02}}' \
    "$(RD_PG '["id", "\"Name\"", "amount", "d"]' '"fetchSize": 1024, "where": "id > 100 and d >= '"'"'2026-12-03'"'"'"')" \
    "$(WR_PG "${p}_t1" '["id", "\"Name\"", "amount", "d"]')"
sync_ok "$T/j1.json" "1. postgresqlreader splitPk/where -> postgresqlwriter"
same_rows "TABLE ${p}_t1" "SELECT id, \"Name\", amount, d FROM ${p}_src WHERE id > 100 AND d >= '2026-12-03'" "1. where + splitPk"

# ---- 2. column ["*"] on both sides into hologresjdbcwriter (REPLACE by
#         default) over conflicting rows
q "CREATE TABLE ${p}_t2 (LIKE ${p}_src INCLUDING ALL);
   INSERT INTO ${p}_t2 SELECT id, 'old', 0, d, NOT flag, 'old', ts FROM ${p}_src WHERE id % 10 = 0;
   INSERT INTO ${p}_t2 VALUES (999999, 'keep', 1, NULL, NULL, NULL, NULL);
   CREATE TABLE ${p}_t2_ref AS SELECT * FROM ${p}_t2;
   ALTER TABLE ${p}_t2_ref ADD PRIMARY KEY (id);
   INSERT INTO ${p}_t2_ref SELECT * FROM ${p}_src ON CONFLICT (id) DO UPDATE SET
     \"Name\" = EXCLUDED.\"Name\", amount = EXCLUDED.amount, d = EXCLUDED.d, flag = EXCLUDED.flag,
     note = EXCLUDED.note, ts = EXCLUDED.ts"
dx "$T/j2.json" '{"speed": {"channel": 2}}' "$(RD_PG '["*"]')" "$(WR_HJ "${p}_t2" '["*"]')"
sync_ok "$T/j2.json" "2. * -> hologresjdbcwriter default REPLACE"
same_rows "TABLE ${p}_t2" "TABLE ${p}_t2_ref" "2. REPLACE = ON CONFLICT DO UPDATE"

# ---- 3. writeMode UPDATE with a subset of the columns: the others stay
q "CREATE TABLE ${p}_t3 (id bigint PRIMARY KEY, \"Name\" text, amount numeric(10,2), note text DEFAULT 'dflt');
   INSERT INTO ${p}_t3 SELECT id, 'old' || id, -1, 'kept' FROM ${p}_src WHERE id <= 500;
   CREATE TABLE ${p}_t3_ref (LIKE ${p}_t3 INCLUDING ALL); INSERT INTO ${p}_t3_ref SELECT * FROM ${p}_t3;
   INSERT INTO ${p}_t3_ref (id, amount) SELECT id, amount FROM ${p}_src WHERE id > 250
     ON CONFLICT (id) DO UPDATE SET amount = EXCLUDED.amount"
dx "$T/j3.json" '{"speed": {"channel": 1}}' "$(RD_PG '["id", "amount"]' '"where": "id > 250"')" \
    "$(WR_HJ "${p}_t3" '["id", "amount"]' '"writeMode": "UPDATE", "batchSize": 512')"
sync_ok "$T/j3.json" "3. writeMode UPDATE"
same_rows "TABLE ${p}_t3" "TABLE ${p}_t3_ref" "3. UPDATE = ON CONFLICT DO UPDATE of the mapped columns"

# ---- 4. writeMode REPLACE with a subset: on conflict the unmapped
#         columns get their default, NULL without one (the sink's
#         INSERT_OR_REPLACE, docs/hologres-sink.md)
q "TRUNCATE ${p}_t3; INSERT INTO ${p}_t3 SELECT id, 'old' || id, -1, 'kept' FROM ${p}_src WHERE id <= 500;
   TRUNCATE ${p}_t3_ref; INSERT INTO ${p}_t3_ref SELECT * FROM ${p}_t3;
   INSERT INTO ${p}_t3_ref (id, amount) SELECT id, amount FROM ${p}_src WHERE id > 250
     ON CONFLICT (id) DO UPDATE SET amount = EXCLUDED.amount, \"Name\" = DEFAULT, note = DEFAULT"
dx "$T/j4.json" '{"speed": {"channel": 1}}' "$(RD_PG '["id", "amount"]' '"where": "id > 250"')" \
    "$(WR_HJ "${p}_t3" '["id", "amount"]' '"writeMode": "replace"')"
sync_ok "$T/j4.json" "4. writeMode replace (subset)"
same_rows "TABLE ${p}_t3" "TABLE ${p}_t3_ref" "4. REPLACE of a subset nulls the unmapped columns"

# ---- 5. writeMode IGNORE (and holo-client's INSERT_OR_IGNORE spelling)
for wm in IGNORE INSERT_OR_IGNORE; do
    q "TRUNCATE ${p}_t3; INSERT INTO ${p}_t3 SELECT id, 'old' || id, -1, 'kept' FROM ${p}_src WHERE id <= 500;
       TRUNCATE ${p}_t3_ref; INSERT INTO ${p}_t3_ref SELECT * FROM ${p}_t3;
       INSERT INTO ${p}_t3_ref (id, \"Name\", amount) SELECT id, \"Name\", amount FROM ${p}_src ON CONFLICT DO NOTHING"
    dx "$T/j5.json" '{"speed": {"channel": 3}}' "$(RD_PG '["id", "\"Name\"", "amount"]')" \
        "$(WR_HJ "${p}_t3" '["id", "Name", "amount"]' '"writeMode": "'$wm'"')"
    sync_ok "$T/j5.json" "5. writeMode $wm"
    same_rows "TABLE ${p}_t3" "TABLE ${p}_t3_ref" "5. $wm = ON CONFLICT DO NOTHING"
done

# ---- 6. DataWorks: holo reader (schema.table, where) -> holo writer with
#         conflictMode replace, writeMode insert, truncate
q "CREATE TABLE ${p}_t6 (order_id int PRIMARY KEY, customer text, total int, sale_date text);
   INSERT INTO ${p}_t6 VALUES (1, 'gone', 0, 'x'), (5000, 'gone too', 0, 'x')"
dw "$T/j6.json" '{"errorLimit": {"record": "0"}, "speed": {"concurrent": 2, "throttle": false, "mbps": "12", "dmu": 1}}' \
    '{"stepType": "holo", "parameter": {"datasource": "holo_db", "envType": 1, "column": ["order_id", "customer", "total", "sale_date"],
      "where": "total > 30", "table": "'${p}_s.orders'"}, "name": "Reader", "category": "reader"}' \
    '{"stepType": "holo", "parameter": {"maxConnectionCount": 9, "partition": "", "datasource": "holo_db", "conflictMode": "replace",
      "envType": 0, "column": ["order_id", "customer", "total", "sale_date"], "table": "'${p}_t6'", "truncate": true,
      "writeMode": "insert"}, "name": "Writer", "category": "writer"}'
sync_ok "$T/j6.json" "6. DataWorks holo -> holo, truncate"
same_rows "TABLE ${p}_t6" "SELECT * FROM ${p}_s.orders WHERE total > 30" "6. truncate + replace"

# ---- 7. DataWorks holo writer `partition` into a LIST-partitioned parent
#         whose child does not exist yet (created), then truncate of that
#         one partition with another partition left alone
q "CREATE TABLE ${p}_t7 (shop_name text, customer_id text, total_price int8, sale_date text)
     PARTITION BY LIST (sale_date);
   CREATE TABLE ${p}_t7_other PARTITION OF ${p}_t7 FOR VALUES IN ('20261130');
   INSERT INTO ${p}_t7 VALUES ('s', 'other', 1, '20261130')"
W7='{"stepType": "holo", "parameter": {"datasource": "holo_db", "conflictMode": "ignore", "writeMode": "insert",
      "column": ["shop_name", "customer_id", "total_price"], "table": "'${p}_t7'", "truncate": TRUNC,
      "partition": "sale_date=${bizdate}"}, "name": "Writer", "category": "writer"}'
R7='{"stepType": "postgresql", "parameter": {"datasource": "pg_src", "column": ["customer", "order_id", "total"],
      "where": "sale_date = '"'"'20261202'"'"'", "table": "'${p}_s.orders'", "splitPk": "order_id"}, "name": "Reader", "category": "reader"}'
dw "$T/j7.json" '{"speed": {"concurrent": 1}}' "$R7" "${W7/TRUNC/false}"
sync_ok "$T/j7.json" "7. partition sale_date=\${bizdate}" -p bizdate=20261202
same_rows "SELECT * FROM ${p}_t7" \
    "SELECT 's', 'other', 1::int8, '20261130' UNION ALL SELECT customer, order_id::text, total, '20261202' FROM ${p}_s.orders WHERE sale_date = '20261202'" \
    "7. rows in the new partition"
[ "$(q "SELECT count(*) FROM pg_inherits WHERE inhparent = '${p}_t7'::regclass")" = 2 ] || fail "7. child not created"
[ "$(q "SELECT count(*) FROM ${p}_t7_20261202")" -gt 0 ] || fail "7. child ${p}_t7_20261202 has no rows"
q "INSERT INTO ${p}_t7 VALUES ('stale', 'stale', 0, '20261202')"
dw "$T/j7b.json" '{"speed": {"concurrent": 2}}' "$R7" "${W7/TRUNC/true}"
sync_ok "$T/j7b.json" "7b. partition + truncate" -p bizdate=20261202
same_rows "SELECT * FROM ${p}_t7" \
    "SELECT 's', 'other', 1::int8, '20261130' UNION ALL SELECT customer, order_id::text, total, '20261202' FROM ${p}_s.orders WHERE sale_date = '20261202'" \
    "7b. truncate replaced only its partition"

# ---- 8. preSql / postSql with @table around a postgresqlwriter load
q "CREATE TABLE ${p}_t8 (id bigint, \"Name\" text, note text);
   INSERT INTO ${p}_t8 VALUES (1, 'pre', 'deleted by preSql'), (-1, 'keep', 'kept')"
dx "$T/j8.json" '{"speed": {"channel": 1}}' "$(RD_PG '["id", "\"Name\"", "note"]' '"where": "id <= 200"')" \
    "$(WR_PG "${p}_t8" '["id", "\"Name\"", "note"]' '"batchSize": 1024' |
        sed 's/"preSql": \[\]/"preSql": ["delete from @table where id > 0"]/; s/"postSql": \[\]/"postSql": ["update @table set note = '"'"'post'"'"' where id = 2", "insert into @table (id, note) values (0, '"'"'postSql'"'"')"]/')"
sync_ok "$T/j8.json" "8. preSql/postSql @table"
same_rows "TABLE ${p}_t8" \
    "SELECT -1::bigint, 'keep', 'kept' UNION ALL SELECT 0, NULL, 'postSql'
     UNION ALL SELECT id, \"Name\", CASE WHEN id = 2 THEN 'post' ELSE note END FROM ${p}_src WHERE id <= 200" \
    "8. preSql ran before, postSql after"

# ---- 9. serial and identity columns left out of the writer's list
q "CREATE TABLE ${p}_t9 (rid bigserial PRIMARY KEY, gid int GENERATED ALWAYS AS IDENTITY, id bigint, \"Name\" text,
     created timestamptz DEFAULT now())"
dx "$T/j9.json" '{"speed": {"channel": 2}}' "$(RD_PG '["id", "\"Name\""]')" "$(WR_PG "${p}_t9" '["id", "\"Name\""]')"
sync_ok "$T/j9.json" "9. serial/identity not in the column list"
same_rows "SELECT id, \"Name\" FROM ${p}_t9" "SELECT id, \"Name\" FROM ${p}_src" "9. mapped columns"
[ "$(q "SELECT count(DISTINCT rid) = 3000 AND count(DISTINCT gid) = 3000 AND count(created) = 3000 FROM ${p}_t9")" = t ] ||
    fail "9. serial / identity / default not filled"

# ---- 10. postgresqlwriter inserts: conflicting rows are dirty records
#          (counted against errorLimit), the others land
q "CREATE TABLE ${p}_t10 (id bigint PRIMARY KEY, \"Name\" text);
   INSERT INTO ${p}_t10 SELECT id, 'first' FROM ${p}_src WHERE id % 500 = 0;
   CREATE TABLE ${p}_t10_ref AS SELECT * FROM ${p}_t10;
   ALTER TABLE ${p}_t10_ref ADD PRIMARY KEY (id);
   INSERT INTO ${p}_t10_ref SELECT id, \"Name\" FROM ${p}_src ON CONFLICT DO NOTHING"
dx "$T/j10.json" '{"speed": {"channel": 1}, "errorLimit": {"record": 6}}' "$(RD_PG '["id", "\"Name\""]')" \
    "$(WR_PG "${p}_t10" '["id", "\"Name\""]')"
sync_ok "$T/j10.json" "10. postgresqlwriter conflicts within errorLimit" --report-json "$T/r10.json"
same_rows "TABLE ${p}_t10" "TABLE ${p}_t10_ref" "10. conflicting rows skipped as dirty"
expect_grep '"dirty_records": 6' "$T/r10.json" "10. six dirty records"
# with errorLimit 5 the sixth conflict fails the sync, and nothing changes
q "TRUNCATE ${p}_t10; INSERT INTO ${p}_t10 SELECT id, 'first' FROM ${p}_src WHERE id % 500 = 0"
dx "$T/j10b.json" '{"speed": {"channel": 1}, "errorLimit": {"record": 5}}' "$(RD_PG '["id", "\"Name\""]')" \
    "$(WR_PG "${p}_t10" '["id", "\"Name\""]')"
N=$((N + 1))
run_hf "$T/out" "$T/err" sync "$T/j10b.json"
expect_rc 1 "10b. conflicts over errorLimit"
[ "$(q "SELECT count(*) || '/' || count(*) FILTER (WHERE \"Name\" = 'first') FROM ${p}_t10")" = "6/6" ] ||
    fail "10b. a failed sync changed the table"
# DataWorks' postgresql writer spells the same "writeMode": "insert"
q "TRUNCATE ${p}_t10; INSERT INTO ${p}_t10 SELECT id, 'first' FROM ${p}_src WHERE id % 500 = 0"
dx "$T/j10c.json" '{"errorLimit": {"record": 10}}' "$(RD_PG '["id", "\"Name\""]')" \
    "$(WR_PG "${p}_t10" '["id", "\"Name\""]' '"writeMode": "insert"')"
sync_ok "$T/j10c.json" "10c. postgresqlwriter writeMode insert"
same_rows "TABLE ${p}_t10" "TABLE ${p}_t10_ref" "10c. writeMode insert"

# ---- 11. querySql (an array, with a join and the doc's trailing ';'),
#          jdbcUrl array of two URLs
q "CREATE TABLE ${p}_t11 (order_id int, customer text, region text, total int)"
R11='{"name": "postgresqlreader", "parameter": {"username": "'$U'", "password": "", "where": "",
   "connection": [{"querySql": ["select o.order_id, o.customer, c.region, o.total from '${p}_s.orders' o join '${p}_cust' c on c.customer = o.customer where o.order_id < 400;"],
     "jdbcUrl": ["'$URL'", "'$URL'"]}]}}'
dx "$T/j11.json" '{"speed": 1048576}' "$R11" "$(WR_PG "${p}_t11" '["order_id", "customer", "region", "total"]')"
sync_ok "$T/j11.json" "11. querySql with a join and ';'"
same_rows "TABLE ${p}_t11" "SELECT o.order_id, o.customer, c.region, o.total FROM ${p}_s.orders o JOIN ${p}_cust c ON c.customer = o.customer WHERE o.order_id < 400" "11. querySql"

# ---- 12. currentSchema in the jdbcUrl, unqualified tables on both sides
q "CREATE TABLE ${p}_s.t12 (order_id int PRIMARY KEY, total int)"
R12='{"name": "postgresqlreader", "parameter": {"username": "'$U'", "password": "", "column": ["order_id", "total"],
   "connection": [{"table": ["orders"], "jdbcUrl": ["'$URL'?currentSchema='${p}_s'"]}]}}'
dx "$T/j12.json" '{"speed": {"channel": 2}}' "$R12" \
    '{"name": "hologresjdbcwriter", "parameter": {"username": "'$U'", "password": "", "column": ["order_id", "total"],
      "connection": [{"jdbcUrl": "'$URL'?currentSchema='${p}_s'&sslmode=disable", "table": ["t12"]}]}}'
sync_ok "$T/j12.json" "12. currentSchema"
same_rows "TABLE ${p}_s.t12" "SELECT order_id, total FROM ${p}_s.orders" "12. currentSchema tables"

# ---- 13. constants and expressions among the reader's columns (the doc's
#          ["id", "'hello'::varchar", "true", "2.5::real", "power(2,3)"])
q "CREATE TABLE ${p}_t13 (id bigint, hello varchar(10), b boolean, r real, p double precision, id2 bigint, up text, lit text)"
dx "$T/j13.json" '{"speed": {"channel": 1}}' \
    "$(RD_PG '["id", "'"'"'hello'"'"'::varchar", "true", "2.5::real", "power(2,3)", "id * 2 + 1 AS id2", "upper(\"Name\")", "'"'"'it'"'"''"'"'s'"'"'"]' '"where": "id <= 50"')" \
    "$(WR_PG "${p}_t13" '["id", "hello", "b", "r", "p", "id2", "up", "lit"]')"
sync_ok "$T/j13.json" "13. constants and expressions in the reader's column"
same_rows "TABLE ${p}_t13" "SELECT id, 'hello'::varchar, true, 2.5::real, power(2,3), id * 2 + 1, upper(\"Name\"), 'it''s' FROM ${p}_src WHERE id <= 50" \
    "13. expressions as PostgreSQL computes them"

# ---- 14. where spellings DataX users write: IN, BETWEEN, LIKE, IS NULL,
#          OR, ${bizdate}, PostgreSQL '::' casts and interval '1 day'
q "CREATE TABLE ${p}_t14 (id bigint, note text, d date)"
dx "$T/j14.json" '{"speed": {"channel": 2}}' \
    "$(RD_PG '["id", "note", "d"]' '"where": "(note is null or note like '"'"'x1%'"'"' or id in (5, 6, 7)) and d between '"'"'${bizdate}'"'"'::date and '"'"'2026-12-08'"'"' and id <> 14 and ts < '"'"'2026-12-02 20:00'"'"'::timestamp + interval '"'"'1 day'"'"'"')" \
    "$(WR_PG "${p}_t14" '["id", "note", "d"]')"
sync_ok "$T/j14.json" "14. where spellings" -p bizdate=2026-12-02
same_rows "TABLE ${p}_t14" "SELECT id, note, d FROM ${p}_src WHERE (note IS NULL OR note LIKE 'x1%' OR id IN (5, 6, 7)) AND d BETWEEN '2026-12-02'::date AND '2026-12-08' AND id <> 14 AND ts < '2026-12-02 20:00'::timestamp + interval '1 day'" \
    "14. where"

# ---- 15. hologresjdbcwriter into a LIST-partitioned parent, partition
#          column from the reader, client.writeThreadSize 2, children
#          created as needed; conflictMode UPDATE (upper case)
q "CREATE TABLE ${p}_t15 (order_id int, customer text, total int, sale_date text, PRIMARY KEY (order_id, sale_date))
     PARTITION BY LIST (sale_date)"
dx "$T/j15.json" '{"speed": {"channel": 2}}' \
    '{"name": "postgresqlreader", "parameter": {"username": "'$U'", "password": "", "column": ["*"], "splitPk": "order_id",
      "connection": [{"table": ["'${p}_s.orders'"], "jdbcUrl": ["'$URL'"]}]}}' \
    "$(WR_HJ "${p}_t15" '["*"]' '"writeMode": "UPDATE", "client": {"writeThreadSize": 2, "retryCount": 3}')"
sync_ok "$T/j15.json" "15. dynamic partitions, writeThreadSize 2"
same_rows "SELECT * FROM ${p}_t15" "SELECT * FROM ${p}_s.orders" "15. every row in its partition"
[ "$(q "SELECT count(*) FROM pg_inherits WHERE inhparent = '${p}_t15'::regclass")" = 3 ] || fail "15. not 3 children"
# the same again: every key conflicts, UPDATE leaves the same table
sync_ok "$T/j15.json" "15b. again, all updates"
same_rows "SELECT * FROM ${p}_t15" "SELECT * FROM ${p}_s.orders" "15b. idempotent"

# ---- 16. DataWorks postgresql -> postgresql, same-name mapping with
#          mixed-case columns on both sides, schema parameter on the writer
q "CREATE TABLE ${p}_s.t16 (\"Name\" text, id bigint, \"Flag\" boolean)"
dw "$T/j16.json" '{"errorLimit": {"record": "0"}, "speed": {"concurrent": 1, "throttle": false}}' \
    '{"stepType": "postgresql", "parameter": {"datasource": "pg", "column": ["\"Name\"", "id", "flag"], "where": "flag",
      "table": "public.'${p}_src'", "splitPk": ""}, "name": "Reader", "category": "reader"}' \
    '{"stepType": "postgresql", "parameter": {"datasource": "pg", "column": ["\"Name\"", "id", "\"Flag\""], "schema": "'${p}_s'",
      "table": "t16", "preSql": [], "postSql": []}, "name": "Writer", "category": "writer"}'
sync_ok "$T/j16.json" "16. DataWorks postgresql -> postgresql, schema"
same_rows "TABLE ${p}_s.t16" "SELECT \"Name\", id, flag FROM ${p}_src WHERE flag" "16. mixed-case columns"

# ---- 17. two sharded tables (connection[] with two entries) into one
q "CREATE TABLE ${p}_o2 (LIKE ${p}_s.orders INCLUDING ALL);
   INSERT INTO ${p}_o2 SELECT order_id + 10000, customer, total, sale_date FROM ${p}_s.orders WHERE order_id < 100;
   CREATE TABLE ${p}_t17 (LIKE ${p}_s.orders INCLUDING ALL)"
dx "$T/j17.json" '{"speed": {"channel": 3}}' \
    '{"name": "postgresqlreader", "parameter": {"username": "'$U'", "password": "", "column": ["order_id", "customer", "total", "sale_date"],
      "splitPk": "order_id", "where": "total % 2 = 0",
      "connection": [{"table": ["'${p}_s.orders'"], "jdbcUrl": ["'$URL'"]}, {"table": ["'${p}_o2'"], "jdbcUrl": ["'$URL'"]}]}}' \
    "$(WR_HJ "${p}_t17" '["order_id", "customer", "total", "sale_date"]' '"writeMode": "REPLACE", "truncate": true')"
sync_ok "$T/j17.json" "17. two tables"
same_rows "TABLE ${p}_t17" "SELECT * FROM ${p}_s.orders WHERE total % 2 = 0 UNION ALL SELECT * FROM ${p}_o2 WHERE total % 2 = 0" "17. two tables"

# ---- 18. hologreswriter (DataWorks script in DataX form: table and
#          jdbcUrl beside connection) with INSERT_OR_UPDATE spelling
q "CREATE TABLE ${p}_t18 (id bigint PRIMARY KEY, amount numeric(10,2), ts timestamp);
   INSERT INTO ${p}_t18 VALUES (1, 99, NULL), (10000, 1, NULL);
   CREATE TABLE ${p}_t18_ref (LIKE ${p}_t18 INCLUDING ALL); INSERT INTO ${p}_t18_ref SELECT * FROM ${p}_t18;
   INSERT INTO ${p}_t18_ref SELECT id, amount, ts FROM ${p}_src WHERE id < 1000 ON CONFLICT (id) DO UPDATE SET amount = EXCLUDED.amount, ts = EXCLUDED.ts"
dx "$T/j18.json" '{"speed": {"channel": 1}}' "$(RD_PG '["id", "amount", "ts"]' '"where": "id < 1000"')" \
    '{"name": "hologreswriter", "parameter": {"username": "'$U'", "password": "", "jdbcUrl": "'$URL'", "table": "'${p}_t18'",
      "column": ["id", "amount", "ts"], "writeMode": "INSERT_OR_UPDATE"}}'
sync_ok "$T/j18.json" "18. hologreswriter INSERT_OR_UPDATE"
same_rows "TABLE ${p}_t18" "TABLE ${p}_t18_ref" "18. INSERT_OR_UPDATE"

# ---- 19. DataWorks holo reader `partition` (one child of the parent
#          filled in 15) into another LIST-partitioned parent's partition
q "CREATE TABLE ${p}_t19 (order_id int, total int, ds text, PRIMARY KEY (order_id, ds)) PARTITION BY LIST (ds)"
dw "$T/j19.json" '{"speed": {"concurrent": 2}}' \
    '{"stepType": "holo", "parameter": {"datasource": "holo_db", "column": ["order_id", "total"], "where": "total >= 300",
      "table": "'${p}_t15'", "partition": "sale_date=${bizdate}"}, "name": "Reader", "category": "reader"}' \
    '{"stepType": "holo", "parameter": {"datasource": "holo_db", "column": ["order_id", "total"], "table": "'${p}_t19'",
      "partition": "ds=${bizdate}", "conflictMode": "update", "writeMode": "insert"}, "name": "Writer", "category": "writer"}'
sync_ok "$T/j19.json" "19. holo reader partition -> holo writer partition" -p bizdate=20261203
same_rows "SELECT * FROM ${p}_t19_20261203" "SELECT order_id, total, sale_date FROM ${p}_s.orders WHERE sale_date = '20261203' AND total >= 300" \
    "19. one partition read, one written"

# ---- 20. types DataX reads only through a cast (its doc: money, inet,
#          bit "need a_inet::varchar"), and a uuid column read as is into
#          text: their text forms, as PostgreSQL casts them
q "CREATE TABLE ${p}_odd (id int, a_inet inet, a_money money, a_bit bit(4), u uuid, iv interval);
   INSERT INTO ${p}_odd SELECT g, ('10.0.' || g || '.1')::inet, g * 1.25, (g % 16)::bit(4),
     md5(g::text)::uuid, g * INTERVAL '90 minutes' FROM generate_series(1, 40) g;
   INSERT INTO ${p}_odd VALUES (41, NULL, NULL, NULL, NULL, NULL);
   CREATE TABLE ${p}_t20 (id int, a_inet text, a_money varchar(30), a_bit text, u text, iv text)"
dx "$T/j20.json" '{"speed": {"channel": 1}}' \
    '{"name": "postgresqlreader", "parameter": {"username": "'$U'", "password": "",
      "column": ["id", "a_inet::varchar", "a_money::varchar", "a_bit::varchar", "u", "iv"],
      "connection": [{"table": ["'${p}_odd'"], "jdbcUrl": ["'$URL'"]}]}}' \
    "$(WR_PG "${p}_t20" '["id", "a_inet", "a_money", "a_bit", "u", "iv"]')"
sync_ok "$T/j20.json" "20. inet/money/bit through ::varchar, uuid/interval as text"
same_rows "TABLE ${p}_t20" "SELECT id, a_inet::varchar, a_money::varchar, a_bit::varchar, u::text, iv::text FROM ${p}_odd" \
    "20. text forms"

# ---- refusals (exit 2, nothing runs)
for rd in mysqlreader odpsreader sqlserverreader; do
    dx "$T/r.json" '{}' '{"name": "'$rd'", "parameter": {}}' "$(WR_PG "${p}_t1" '["id"]')"
    refused "$T/r.json" 2 "job.content[0].reader.name: reader '$rd' is not available in holoflow; available readers: txtfilereader" "$rd refused"
done
dx "$T/r.json" '{}' "$(RD_PG '["id"]')" '{"name": "mysqlwriter", "parameter": {}}'
refused "$T/r.json" 2 "writer 'mysqlwriter' is not available in holoflow; available writers: hologresjdbcwriter" "mysqlwriter refused"
dx "$T/r.json" '{}' '{"name": "postgresqlreader", "parameter": {"username": "'$U'", "connection": [{"table": ["'${p}_src'"], "jdbcUrl": ["'$URL'"]}]}}' \
    "$(WR_PG "${p}_t1" '["id"]')"
refused "$T/r.json" 2 "job.content[0].reader.parameter.column: required" "reader without column"
dx "$T/r.json" '{}' '{"name": "postgresqlreader", "parameter": {"username": "'$U'", "column": ["id"], "connection": [{"jdbcUrl": ["'$URL'"]}]}}' \
    "$(WR_PG "${p}_t1" '["id"]')"
refused "$T/r.json" 2 "job.content[0].reader.parameter.connection[0]: no table given" "reader without table"
dx "$T/r.json" '{}' "$(RD_PG '["id"]')" '{"name": "postgresqlwriter", "parameter": {"username": "'$U'", "column": ["id"], "connection": [{"jdbcUrl": "'$URL'"}]}}'
refused "$T/r.json" 2 "job.content[0].writer.parameter.connection[0]: no table given" "writer without table"
dx "$T/r.json" '{}' "$(RD_PG '["id"]')" '{"name": "hologresjdbcwriter", "parameter": {"username": "'$U'", "connection": [{"jdbcUrl": "'$URL'", "table": ["'${p}_t1'"]}]}}'
refused "$T/r.json" 2 "job.content[0].writer.parameter.column: required" "writer without column"
dx "$T/r.json" '{}' "$(RD_PG '["id"]')" "$(WR_PG "${p}_t1" '["id"]' '"writeMode": "update"')"
refused "$T/r.json" 2 "writeMode: 'update': postgresqlwriter has no conflict action" "postgresqlwriter writeMode update"
dx "$T/r.json" '{}' "$(RD_PG '["id"]')" "$(WR_HJ "${p}_t1" '["id"]' '"writeMode": "upsert"')"
refused "$T/r.json" 2 "writeMode: 'upsert' is not replace, update or ignore" "unknown writeMode"
# a reader column the table lacks is named as such, before anything runs
dx "$T/r.json" '{}' "$(RD_PG '["id", "nmae"]')" "$(WR_PG "${p}_t1" '["id", "\"Name\""]')"
refused "$T/r.json" 2 "Name <- nmae: no such column in the reader's table" "reader column the table lacks"
# where: one expression, never spliced into the job
q "CREATE TABLE ${p}_victim (x int); INSERT INTO ${p}_victim VALUES (1)"
for w in "id > 1; drop table ${p}_victim" "id > 1) union all select 1, 2, 3, 4 from ${p}_src where (1 = 1" \
    "1 = 1 limit 10" "id > 0 /*" "id > 0); INSERT INTO sync_dst SELECT 1, 'x', 1, DATE '2026-01-01' FROM sync_src; SELECT (1"; do
    dx "$T/r.json" '{}' "$(RD_PG '["id", "\"Name\"", "amount", "d"]' "\"where\": $(printf '%s' "$w" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))')")" \
        "$(WR_PG "${p}_t1" '["id", "\"Name\"", "amount", "d"]')"
    refused "$T/r.json" 2 "job.content[0].reader.parameter.where: not one expression" "where '$w' refused"
done
[ "$(q "SELECT count(*) FROM ${p}_victim")" = 1 ] || fail "where injection reached the database"
# a function holoflow does not have: refused before anything runs, the
# writer's preSql included
n1=$(q "SELECT count(*) FROM ${p}_t1")
dx "$T/r.json" '{}' "$(RD_PG '["id"]' '"where": "to_char(d, '"'"'YYYY'"'"') = '"'"'2026'"'"'"')" \
    "$(WR_PG "${p}_t1" '["id"]' | sed 's/"preSql": \[\]/"preSql": ["delete from @table"]/')"
refused "$T/r.json" 1 "unknown function 'TO_CHAR'" "where with a function holoflow lacks"
expect_grep "which holoflow sync --print-sql prints; nothing ran" "$T/err" "where with a function holoflow lacks: the place"
[ "$(q "SELECT count(*) FROM ${p}_t1")" = "$n1" ] || fail "preSql ran before a refused where"

echo "$N job files run" >&2
q "DROP SCHEMA ${p}_s CASCADE" >/dev/null
for t in src cust o2 victim t1 t2 t2_ref t3 t3_ref t6 t7 t8 t9 t10 t10_ref t11 t13 t14 t15 t17 t18 t18_ref t19 t20 odd; do
    q "DROP TABLE IF EXISTS ${p}_$t CASCADE"
done
finish
