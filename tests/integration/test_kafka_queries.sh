#!/usr/bin/env bash
# Queries over Kafka tables against the mock cluster, messages produced
# with kcat, exact printed rows:
#   (each job reads with a consumer group of its own)
#   - a json topic read through a table with computed columns (an event
#     time from epoch milliseconds, a price with tax, a label) and a
#     WATERMARK on the computed event time, and metadata columns: a
#     query filters and projects them; the computed values are what the
#     expressions give for every message;
#   - UNION ALL of two Kafka tables (json and csv topics) into one print
#     sink, each table a consumer of its own group, in batch mode (bounded
#     by latest-offset) and through a view;
#   - the same job into a kafka sink with a computed column of its own,
#     read back with kcat: the computed column is not written.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../kafka/lib.sh"
set -e
kafka_start_mock orders:2 refunds:1 out:1
K=$KAFKA_BOOTSTRAP

printf '%s\n' \
    '{"id":1,"ms":1700000000000,"price":10.00,"item":"apple"}' \
    '{"id":2,"ms":1700000000500,"price":2.50,"item":"pear"}' \
    '{"id":3,"ms":1700000061000,"price":0.99,"item":"fig"}' |
    "$KCAT" -b "$K" -P -t orders -p 0
printf '%s\n' '{"id":4,"ms":1700000120000,"price":100,"item":"kiwi"}' |
    "$KCAT" -b "$K" -P -t orders -p 1
printf '%s\n' '7,-3.50,refund a' '8,-1.00,refund b' |
    "$KCAT" -b "$K" -P -t refunds

cat >"$T/tables.sql" <<SQL
CREATE TABLE orders (
  id BIGINT, ms BIGINT, price DECIMAL(10, 2), item STRING,
  ts AS TO_TIMESTAMP_LTZ(ms, 3),
  gross AS price * 1.2,
  label AS UPPER(item) || '-' || CAST(id AS STRING),
  part INT METADATA FROM 'partition' VIRTUAL,
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'kafka', 'topic' = 'orders', 'properties.bootstrap.servers' = '$K',
        'properties.group.id' = 'g-orders-@JOB@', 'scan.startup.mode' = 'earliest-offset',
        'scan.bounded.mode' = 'latest-offset', 'format' = 'json');
CREATE TABLE refunds (id BIGINT, amount DECIMAL(10, 2), note STRING)
WITH ('connector' = 'kafka', 'topic' = 'refunds', 'properties.bootstrap.servers' = '$K',
      'properties.group.id' = 'g-refunds-@JOB@', 'scan.startup.mode' = 'earliest-offset',
      'scan.bounded.mode' = 'latest-offset', 'format' = 'csv');
CREATE TABLE p (id BIGINT, what STRING, amount DECIMAL(12, 3), at TIMESTAMP_LTZ(3))
WITH ('connector' = 'print');
SQL

# --- computed columns and metadata of a json source
{
    cat "$T/tables.sql"
    echo "INSERT INTO p SELECT id, label || '@' || CAST(part AS STRING), gross, ts FROM orders WHERE gross > 2;"
} | sed 's/@JOB@/computed/' >"$T/computed.sql"
run_hf "$T/out" "$T/err" run "$T/computed.sql"
expect_rc 0 "computed columns job"
[ "$RC" -eq 0 ] || cat "$T/err" >&2
sort "$T/out" >"$T/got"
cat >"$T/want" <<'OUT'
+I[1, APPLE-1@0, 12.000, 2023-11-14T22:13:20Z]
+I[2, PEAR-2@0, 3.000, 2023-11-14T22:13:20.500Z]
+I[4, KIWI-4@1, 120.000, 2023-11-14T22:15:20Z]
OUT
expect_same "$T/want" "$T/got" "computed columns"
# The WATERMARK is used now (watermarks per partition, docs/sql.md): the
# old "checked and kept in the plan" warning is gone.
if grep -q "WATERMARK of table 'orders'" "$T/err"; then
    fail "watermark: a warning about the WATERMARK remains: $(grep WATERMARK "$T/err")"
fi

# --- UNION ALL of two kafka tables through a view, batch mode
{
    echo "SET 'execution.runtime-mode' = 'batch';"
    cat "$T/tables.sql"
    cat <<'SQL'
CREATE VIEW moves AS
  SELECT id, item AS what, price AS amount, ts AS at FROM orders
  UNION ALL
  SELECT id, note, amount, CAST(NULL AS TIMESTAMP_LTZ(3)) FROM refunds;
INSERT INTO p SELECT * FROM moves WHERE amount < 50;
SQL
} | sed 's/@JOB@/union/' >"$T/union.sql"
run_hf "$T/explain" "$T/err" explain "$T/union.sql"
expect_rc 0 "explain union"
sed -n '/^graph:$/,$p' "$T/explain" >"$T/graph"
cat >"$T/graph.want" <<'TXT'
graph:
  n1 source: orders [kafka, json]
  n2 source: refunds [kafka, csv]
  n3 calc: id := id, what := item, amount := price, at := TO_TIMESTAMP_LTZ(ms, 3) <- n1
  n4 calc: id := id, note := note, amount := amount, EXPR$3 := CAST(NULL AS TIMESTAMP_LTZ(3)) <- n2
  n5 union: all of 2 inputs <- n3, n4
  n6 calc: where (amount < 50); id := id, what := what, amount := CAST(amount AS DECIMAL(12, 3)), at := at <- n5
  n7 sink: p [print] (INSERT at line 22) <- n6
TXT
expect_same "$T/graph.want" "$T/graph" "union graph"
run_hf "$T/out" "$T/err" run "$T/union.sql"
expect_rc 0 "union job"
sort "$T/out" >"$T/got"
cat >"$T/want" <<'OUT'
+I[1, apple, 10.000, 2023-11-14T22:13:20Z]
+I[2, pear, 2.500, 2023-11-14T22:13:20.500Z]
+I[3, fig, 0.990, 2023-11-14T22:14:21Z]
+I[7, refund a, -3.500, null]
+I[8, refund b, -1.000, null]
OUT
expect_same "$T/want" "$T/got" "union rows"
expect_grep "    source 'orders': 4 records read" "$T/err" "orders read"
expect_grep "    source 'refunds': 2 records read" "$T/err" "refunds read"

# --- into a kafka sink whose computed column is not written
{
    cat "$T/tables.sql"
    cat <<SQL
CREATE TABLE o (id BIGINT, label STRING, twice AS id * 2)
WITH ('connector' = 'kafka', 'topic' = 'out', 'properties.bootstrap.servers' = '$K',
      'format' = 'json');
INSERT INTO o SELECT id, label FROM orders;
SQL
} | sed 's/@JOB@/sink/' >"$T/sink.sql"
run_hf "$T/out" "$T/err" run "$T/sink.sql"
expect_rc 0 "kafka sink job"
"$KCAT" -b "$K" -C -t out -e -q -f '%s\n' | sort >"$T/got"
cat >"$T/want" <<'OUT'
{"id":1,"label":"APPLE-1"}
{"id":2,"label":"PEAR-2"}
{"id":3,"label":"FIG-3"}
{"id":4,"label":"KIWI-4"}
OUT
expect_same "$T/want" "$T/got" "kafka sink records"
finish
