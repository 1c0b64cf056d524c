#!/usr/bin/env bash
# Changelog formats through the filesystem source print Flink's exact
# changelog: debezium-json (c/r/u/d), canal-json (INSERT/UPDATE/DELETE with
# partial "old"), maxwell-json (insert/update/delete).
. "$(dirname "$0")/lib.sh"
set -e

# --- debezium-json: Flink's documented products example, plus c, r and d.
cat >"$T/products.debezium.json" <<'JSON'
{"before":null,"after":{"id":111,"name":"scooter","description":"Big 2-wheel scooter","weight":5.18},"source":{"db":"inventory","table":"products"},"op":"c","ts_ms":1589362330900}
{"before":null,"after":{"id":112,"name":"car battery","description":"12V car battery","weight":8.1},"source":{"db":"inventory","table":"products"},"op":"r","ts_ms":1589362330901}
{"before":{"id":111,"name":"scooter","description":"Big 2-wheel scooter","weight":5.18},"after":{"id":111,"name":"scooter","description":"Big 2-wheel scooter","weight":5.15},"source":{"db":"inventory","table":"products"},"op":"u","ts_ms":1589362330904,"transaction":null}

{"before":{"id":112,"name":"car battery","description":"12V car battery","weight":8.1},"after":null,"source":{"db":"inventory","table":"products"},"op":"d","ts_ms":1589362330905}
JSON
cat >"$T/debezium.sql" <<SQL
CREATE TABLE products (
  id BIGINT,
  name STRING,
  description STRING,
  weight DECIMAL(10, 2),
  PRIMARY KEY (id) NOT ENFORCED
) WITH (
  'connector' = 'filesystem',
  'path' = '$T/products.debezium.json',
  'format' = 'debezium-json'
);
CREATE TABLE out (id BIGINT, name STRING, description STRING, weight DECIMAL(10, 2))
WITH ('connector' = 'print');
INSERT INTO out SELECT * FROM products;
SQL
cat >"$T/debezium.expected" <<'OUT'
+I[111, scooter, Big 2-wheel scooter, 5.18]
+I[112, car battery, 12V car battery, 8.10]
-U[111, scooter, Big 2-wheel scooter, 5.18]
+U[111, scooter, Big 2-wheel scooter, 5.15]
-D[112, car battery, 12V car battery, 8.10]
OUT
run_hf "$T/out" "$T/err" run "$T/debezium.sql"
expect_rc 0 "debezium-json job"
expect_same "$T/debezium.expected" "$T/out" "debezium-json changelog"
expect_grep "5 rows written" "$T/err" "debezium summary"

# --- canal-json: Flink's documented UPDATE example (strings in data, partial old).
cat >"$T/products.canal.json" <<'JSON'
{"data":[{"id":"111","name":"scooter","description":"Big 2-wheel scooter","weight":"5.18"},{"id":"112","name":"car battery","description":"12V car battery","weight":"8.1"}],"database":"inventory","es":1589373515000,"id":3,"isDdl":false,"old":null,"pkNames":["id"],"table":"products","ts":1589373515477,"type":"INSERT"}
{"data":[{"id":"111","name":"scooter","description":"Big 2-wheel scooter","weight":"5.15"}],"database":"inventory","es":1589373560000,"id":9,"isDdl":false,"old":[{"weight":"5.18"}],"pkNames":["id"],"table":"products","ts":1589373560798,"type":"UPDATE"}
{"data":null,"database":"inventory","es":1589373560100,"id":10,"isDdl":true,"sql":"CREATE TABLE x (a INT)","table":"x","type":"CREATE"}
{"data":[{"id":"112","name":"car battery","description":"12V car battery","weight":"8.1"}],"database":"inventory","es":1589373560200,"id":11,"isDdl":false,"old":null,"pkNames":["id"],"table":"products","ts":1589373560900,"type":"DELETE"}
JSON
sed -e "s|products.debezium.json|products.canal.json|" -e "s|debezium-json|canal-json|" "$T/debezium.sql" >"$T/canal.sql"
cat >"$T/canal.expected" <<'OUT'
+I[111, scooter, Big 2-wheel scooter, 5.18]
+I[112, car battery, 12V car battery, 8.10]
-U[111, scooter, Big 2-wheel scooter, 5.18]
+U[111, scooter, Big 2-wheel scooter, 5.15]
-D[112, car battery, 12V car battery, 8.10]
OUT
run_hf "$T/out" "$T/err" run "$T/canal.sql"
expect_rc 0 "canal-json job"
expect_same "$T/canal.expected" "$T/out" "canal-json changelog"

# --- maxwell-json: insert, update with partial old, delete.
cat >"$T/products.maxwell.json" <<'JSON'
{"database":"test","table":"product","type":"insert","ts":1596684883,"xid":7125,"xoffset":0,"data":{"id":111,"name":"scooter","description":"Big 2-wheel scooter","weight":5.18},"primary_key_columns":["id"]}
{"database":"test","table":"product","type":"update","ts":1596684893,"xid":7152,"commit":true,"data":{"id":111,"name":"scooter","description":"Big 2-wheel scooter","weight":5.15},"old":{"weight":5.18},"primary_key_columns":["id"]}
{"database":"test","table":"product","type":"delete","ts":1596684914,"xid":7189,"commit":true,"data":{"id":111,"name":"scooter","description":"Big 2-wheel scooter","weight":5.15},"primary_key_columns":["id"]}
JSON
sed -e "s|products.debezium.json|products.maxwell.json|" -e "s|debezium-json|maxwell-json|" "$T/debezium.sql" >"$T/maxwell.sql"
cat >"$T/maxwell.expected" <<'OUT'
+I[111, scooter, Big 2-wheel scooter, 5.18]
-U[111, scooter, Big 2-wheel scooter, 5.18]
+U[111, scooter, Big 2-wheel scooter, 5.15]
-D[111, scooter, Big 2-wheel scooter, 5.15]
OUT
run_hf "$T/out" "$T/err" run "$T/maxwell.sql"
expect_rc 0 "maxwell-json job"
expect_same "$T/maxwell.expected" "$T/out" "maxwell-json changelog"

# --- a changelog source into a sink that takes only inserts is a plan error
# (none of today's sinks refuse; the check is in the planner unit tests).

# --- a bad record fails the job naming file, line and field ...
cat >"$T/bad.debezium.json" <<'JSON'
{"before":null,"after":{"id":1,"name":"a","description":"x","weight":1.5},"op":"c"}
{"before":null,"after":{"id":2,"name":"b","description":"y","weight":"heavy"},"op":"c"}
{"before":null,"after":{"id":3,"name":"c","description":"z","weight":2.5},"op":"c"}
JSON
sed -e "s|products.debezium.json|bad.debezium.json|" "$T/debezium.sql" >"$T/bad.sql"
run_hf "$T/out" "$T/err" run "$T/bad.sql"
expect_rc 1 "bad record fails the job"
expect_grep "bad.debezium.json:2:" "$T/err" "file:line of the bad record"
expect_grep "weight" "$T/err" "field of the bad record"
# ... and with ignore-parse-errors (Flink's meaning) the field is NULL, the
# row is kept and the field counted (tests/e2e/fs_ignore_parse_errors.sh).
sed -e "s|'format' = 'debezium-json'|'format' = 'debezium-json', 'debezium-json.ignore-parse-errors' = 'true'|" "$T/bad.sql" >"$T/bad-ignore.sql"
run_hf "$T/out" "$T/err" run "$T/bad-ignore.sql"
expect_rc 0 "ignore-parse-errors"
printf '+I[1, a, x, 1.50]\n+I[2, b, y, null]\n+I[3, c, z, 2.50]\n' >"$T/bad.expected"
expect_same "$T/bad.expected" "$T/out" "the bad field is NULL, its row kept"
expect_grep "0 records skipped, 1 fields set to NULL" "$T/err" "nulled count in the summary"
finish
