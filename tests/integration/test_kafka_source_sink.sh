#!/usr/bin/env bash
# The upsert-kafka source, the kafka sink and the raw format, against the
# mock cluster, checked with kcat and exact printed rows:
#   - upsert-kafka source: values and tombstones (produced by kcat) become
#     Flink's normalized changelog: first row of a key +I, a changed row
#     -U(prev)/+U(cur), the same row again nothing, a tombstone -D(prev),
#     a tombstone of an unseen key nothing;
#     (the planner's ChangelogNormalize, ops/normalize.c, in front of the
#     print sink);
#   - after a restart from a checkpoint the normalize's per-key state is
#     restored with the offsets: only what follows is emitted, with the
#     right -U; without a checkpoint the source starts again at the
#     earliest offset (Flink's upsert-kafka has no startup mode);
#   - kafka sink with debezium-json writes Flink's debezium records (c for
#     +I/+U, d with "before" for -U/-D); with json a changelog source is a
#     plan-time error; with key.fields the key is set and placed by murmur2;
#   - kafka source metadata columns topic, partition, offset;
#   - raw: a STRING value as its bytes, BIGINT as 8 big-endian bytes.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../kafka/lib.sh"
set -e
kafka_start_mock up:1 dbz:1 keyed:4 kref:4 rawt:1 rawn:1 meta:2
K=$KAFKA_BOOTSTRAP

# --- upsert-kafka source, bounded.
printf '%s\n' 'k1|{"id":"k1","v":1}' 'k2|{"id":"k2","v":2}' 'k1|{"id":"k1","v":1}' \
    'k1|{"id":"k1","v":3}' 'k3|' 'k2|' 'k2|{"id":"k2","v":4}' |
    "$KCAT" -b "$K" -P -t up -K '|' -Z
upsert_job() { # NAME EXTRA [SET...]
    cat >"$T/$1.sql" <<SQL
SET 'execution.checkpointing.interval' = '200ms';
${3:-}
CREATE TABLE u (id STRING, v INT, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'upsert-kafka', 'topic' = 'up', 'properties.bootstrap.servers' = '$K',
      'key.format' = 'raw', 'value.format' = 'json'$2);
CREATE TABLE p (id STRING, v INT) WITH ('connector' = 'print');
INSERT INTO p SELECT * FROM u;
SQL
}
upsert_job ub ", 'scan.bounded.mode' = 'latest-offset'"
run_hf "$T/ub.out" "$T/ub.err" run "$T/ub.sql"
expect_rc 0 "upsert-kafka source"
[ "$RC" -eq 0 ] || cat "$T/ub.err" >&2
cat >"$T/ub.want" <<'OUT'
+I[k1, 1]
+I[k2, 2]
-U[k1, 1]
+U[k1, 3]
-D[k2, 2]
+I[k2, 4]
OUT
expect_same "$T/ub.want" "$T/ub.out" "upsert-kafka source changelog"

# --- restart: state restored, output only after the checkpoint's offsets.
# (the mock broker holds a new join for the session timeout of the member
# that left: keep it short)
upsert_job us ", 'properties.group.id' = 'g-up', 'properties.session.timeout.ms' = '6000', 'properties.heartbeat.interval.ms' = '500'" \
    "SET 'state.checkpoints.dir' = '$T/ckpt';"
hf_start us1 run "$T/us.sql"
kafka_wait_committed up g-up 7 30 || fail "upsert source did not commit"
kill -TERM "$HF_PID"
wait "$HF_PID" || true
expect_same "$T/ub.want" "$T/us1.out" "first unbounded run"
printf '%s\n' 'k1|{"id":"k1","v":5}' 'k3|' 'k2|{"id":"k2","v":4}' |
    "$KCAT" -b "$K" -P -t up -K '|' -Z
hf_start us2 run "$T/us.sql"
kafka_wait_committed up g-up 10 30 || fail "restarted upsert source did not commit"
kill -TERM "$HF_PID"
wait "$HF_PID" || true
cat >"$T/us2.want" <<'OUT'
-U[k1, 3]
+U[k1, 5]
OUT
expect_same "$T/us2.want" "$T/us2.out" "restart emits only new changes, with the restored state"
grep -q "restored checkpoint" "$T/us2.log" || fail "the second run did not restore its checkpoint"

# --- no checkpoint: a restart reads the topic again from its start (the
# committed offsets are not used), so the whole changelog comes again.
upsert_job ub2 ", 'scan.bounded.mode' = 'latest-offset', 'properties.group.id' = 'g-up'"
run_hf "$T/ub2.out" "$T/ub2.err" run "$T/ub2.sql"
expect_rc 0 "upsert-kafka source again from the earliest offset"
cat "$T/ub.want" - >"$T/ub2.want" <<'OUT'
-U[k1, 3]
+U[k1, 5]
OUT
expect_same "$T/ub2.want" "$T/ub2.out" "no checkpoint: the whole topic again"

# --- kafka sink, debezium-json (a changelog format).
cat >"$T/ev.json" <<'JSON'
{"before":null,"after":{"id":1,"name":"a"},"op":"c"}
{"before":{"id":1,"name":"a"},"after":{"id":1,"name":"b"},"op":"u"}
{"before":{"id":1,"name":"b"},"after":null,"op":"d"}
JSON
cat >"$T/dbz.sql" <<SQL
CREATE TABLE src (id BIGINT, name STRING) WITH ('connector' = 'filesystem', 'path' = '$T/ev.json', 'format' = 'debezium-json');
CREATE TABLE k (id BIGINT, name STRING) WITH ('connector' = 'kafka', 'topic' = 'dbz',
  'properties.bootstrap.servers' = '$K', 'format' = 'debezium-json');
INSERT INTO k SELECT * FROM src;
SQL
run_hf "$T/dbz.out" "$T/dbz.err" run "$T/dbz.sql"
expect_rc 0 "kafka sink debezium-json"
"$KCAT" -b "$K" -C -t dbz -e -o beginning -q -Z -f '%k %s\n' >"$T/dbz.got"
cat >"$T/dbz.want" <<'OUT'
NULL {"before":null,"after":{"id":1,"name":"a"},"op":"c"}
NULL {"before":{"id":1,"name":"a"},"after":null,"op":"d"}
NULL {"before":null,"after":{"id":1,"name":"b"},"op":"c"}
NULL {"before":{"id":1,"name":"b"},"after":null,"op":"d"}
OUT
expect_same "$T/dbz.want" "$T/dbz.got" "debezium-json records"

# --- kafka sink, json: a changelog source is rejected before running.
cat >"$T/jsonsink.sql" <<SQL
CREATE TABLE src (id BIGINT, name STRING) WITH ('connector' = 'filesystem', 'path' = '$T/ev.json', 'format' = 'debezium-json');
CREATE TABLE k (id BIGINT, name STRING) WITH ('connector' = 'kafka', 'topic' = 'dbz',
  'properties.bootstrap.servers' = '$K', 'format' = 'json');
INSERT INTO k SELECT * FROM src;
SQL
run_hf "$T/js.out" "$T/js.err" check "$T/jsonsink.sql"
expect_rc 2 "json kafka sink fed a changelog"
expect_grep "table 'src' produces a changelog" "$T/js.err" "plan-time changelog error"
expect_grep "accepts only inserts" "$T/js.err" "plan-time changelog error"

# --- kafka sink with key.fields: keyed, murmur2 placement.
printf '%s\n' '{"id":21,"name":"x"}' '{"id":7,"name":"y"}' >"$T/rows.json"
cat >"$T/keyed.sql" <<SQL
CREATE TABLE src (id BIGINT, name STRING) WITH ('connector' = 'filesystem', 'path' = '$T/rows.json', 'format' = 'json');
CREATE TABLE k (id BIGINT, name STRING) WITH ('connector' = 'kafka', 'topic' = 'keyed',
  'properties.bootstrap.servers' = '$K', 'key.format' = 'csv', 'key.fields' = 'id',
  'value.format' = 'json');
INSERT INTO k SELECT * FROM src;
SQL
run_hf "$T/keyed.out" "$T/keyed.err" run "$T/keyed.sql"
expect_rc 0 "keyed kafka sink"
"$KCAT" -b "$K" -C -t keyed -e -o beginning -q -f '%p %k %s\n' | sort >"$T/keyed.got"
# murmur2("21") = -973932308 -> partition 0 of 4 (Kafka's test vector);
# for "7", librdkafka's Java-compatible murmur2 partitioner decides.
printf '7\tx\n' | "$KCAT" -b "$K" -P -t kref -K $'\t' -X topic.partitioner=murmur2
p7=$("$KCAT" -b "$K" -C -t kref -e -o beginning -q -f '%p\n')
printf '0 21 {"id":21,"name":"x"}\n%s 7 {"id":7,"name":"y"}\n' "$p7" | sort >"$T/keyed.want"
expect_same "$T/keyed.want" "$T/keyed.got" "keyed kafka sink placement"

# --- metadata columns of the kafka source.
printf '%s\n' 'a|{"id":1}' 'b|{"id":2}' 'c|{"id":3}' | "$KCAT" -b "$K" -P -t meta -K '|' -p 1
cat >"$T/meta.sql" <<SQL
CREATE TABLE m (id BIGINT, t STRING METADATA FROM 'topic', part INT METADATA FROM 'partition',
  \`offset\` BIGINT METADATA, ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp')
WITH ('connector' = 'kafka', 'topic' = 'meta', 'properties.bootstrap.servers' = '$K',
  'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset', 'format' = 'json');
CREATE TABLE p (id BIGINT, t STRING, part INT, o BIGINT, has_ts BOOLEAN) WITH ('connector' = 'print');
INSERT INTO p SELECT id, t, part, \`offset\`, ts IS NOT NULL FROM m WHERE id > 0;
SQL
run_hf "$T/meta.out" "$T/meta.err" run "$T/meta.sql"
expect_rc 0 "metadata columns"
grep -v '^+I\[[0-9]*, meta, 0,' "$T/meta.out" >"$T/meta.got" || true
cat >"$T/meta.want" <<'OUT'
+I[1, meta, 1, 0, true]
+I[2, meta, 1, 1, true]
+I[3, meta, 1, 2, true]
OUT
expect_same "$T/meta.want" "$T/meta.got" "topic, partition, offset, timestamp metadata"

# --- raw: STRING in, BIGINT out as 8 big-endian bytes.
printf '%s\n' 'hello world' | "$KCAT" -b "$K" -P -t rawt
cat >"$T/raw.sql" <<SQL
CREATE TABLE r (line STRING) WITH ('connector' = 'kafka', 'topic' = 'rawt',
  'properties.bootstrap.servers' = '$K', 'scan.startup.mode' = 'earliest-offset',
  'scan.bounded.mode' = 'latest-offset', 'format' = 'raw');
CREATE TABLE p (line STRING, n BIGINT) WITH ('connector' = 'print');
INSERT INTO p SELECT line, CAST(258 AS BIGINT) FROM r;
SQL
run_hf "$T/raw.out" "$T/raw.err" run "$T/raw.sql"
expect_rc 0 "raw source"
echo '+I[hello world, 258]' >"$T/raw.want"
expect_same "$T/raw.want" "$T/raw.out" "raw string value"
cat >"$T/rawn.sql" <<SQL
CREATE TABLE src (id BIGINT, name STRING) WITH ('connector' = 'filesystem', 'path' = '$T/rows.json', 'format' = 'json');
CREATE TABLE r (n BIGINT) WITH ('connector' = 'kafka', 'topic' = 'rawn',
  'properties.bootstrap.servers' = '$K', 'format' = 'raw');
INSERT INTO r SELECT id * 100 FROM src;
SQL
run_hf "$T/rawn.out" "$T/rawn.err" run "$T/rawn.sql"
expect_rc 0 "raw sink"
got=$("$KCAT" -b "$K" -C -t rawn -e -o beginning -q -f '%s' | od -An -tx1 | tr -s ' \n' ' ' | sed 's/^ //; s/ $//')
want="00 00 00 00 00 00 08 34 00 00 00 00 00 00 02 bc"
[ "$got" = "$want" ] || fail "raw BIGINT bytes: got '$got', want '$want'"
finish
