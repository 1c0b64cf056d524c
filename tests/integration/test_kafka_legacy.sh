#!/usr/bin/env bash
# A job written for Flink 1.9/1.10 against the mock cluster, and check
# refusing exactly what run refuses:
#   - a legacy source and a legacy sink ('connector.type' = 'kafka') whose
#     client properties are 'connector.properties.N.key' / '.value' pairs
#     (zookeeper.connect, bootstrap.servers, group.id, fetch/linger tuning)
#     and whose json format carries 'format.derive-schema',
#     'format.fields.N.name'/'.type' and 'format.json-schema': the rows come
#     out in the sink topic exactly (kcat), the group given by a pair
#     commits the source's offsets, explain names the pairs, and the
#     meaningless zookeeper.connect gives exactly one warning;
#   - a property librdkafka refuses (a bad name, a bad value, each through
#     a pair and through 'properties.*'): `holoflow check` fails with
#     librdkafka's message naming the option at its file:line:col, and
#     `holoflow run` fails with the very same message before reading;
#   - a pair with a missing half, a property set twice, a format field that
#     is not a column: check and run fail alike.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../kafka/lib.sh"
set -e
kafka_start_mock legin:2 legout:1
K=$KAFKA_BOOTSTRAP

printf '%s\n' \
    '1|{"id":1,"name":"ann","ts":"2024-01-02 03:04:05.250","tags":[1,2]}' \
    '2|{"id":2,"name":"bob","ts":"2024-01-02 03:04:06","tags":[]}' \
    '3|{"id":3,"name":null,"ts":null,"tags":null}' \
    '4|{"id":4,"name":"dee","ts":"2024-02-29 23:59:59.999","tags":[7]}' |
    "$KCAT" -b "$K" -P -t legin -K '|' -p 0
printf '%s\n' '5|{"id":5,"name":"eve","ts":"2024-03-01 00:00:00","tags":[5,5]}' |
    "$KCAT" -b "$K" -P -t legin -K '|' -p 1

# legacy_job FILE EXTRA-SOURCE-OPTIONS: the Flink 1.9 job.
legacy_job() {
    cat >"$1" <<SQL
SET 'execution.checkpointing.interval' = '200ms';
CREATE TABLE src (id INT, name STRING, ts TIMESTAMP(3), tags ARRAY<INT>) WITH (
  'connector.type' = 'kafka',
  'connector.version' = 'universal',
  'connector.topic' = 'legin',
  'connector.properties.0.key' = 'zookeeper.connect',
  'connector.properties.0.value' = 'localhost:2181',
  'connector.properties.1.key' = 'bootstrap.servers',
  'connector.properties.1.value' = '$K',
  'connector.properties.2.key' = 'group.id',
  'connector.properties.2.value' = 'g-legacy',
  'connector.properties.3.key' = 'session.timeout.ms',
  'connector.properties.3.value' = '6000',
  'connector.properties.4.key' = 'heartbeat.interval.ms',
  'connector.properties.4.value' = '500',
  'connector.startup-mode' = 'earliest-offset',
  'update-mode' = 'append',
  'format.type' = 'json',
  'format.derive-schema' = 'false',
  'format.fields.0.name' = 'id',
  'format.fields.0.type' = 'INT',
  'format.fields.1.name' = 'name',
  'format.fields.1.type' = 'VARCHAR',
  'format.fields.2.name' = 'ts',
  'format.fields.2.type' = 'SQL_TIMESTAMP',
  'format.fields.3.name' = 'tags',
  'format.fields.3.type' = 'PRIMITIVE_ARRAY(INT)'$2
);
CREATE TABLE dst (id INT, name STRING, ts TIMESTAMP(3), tags ARRAY<INT>) WITH (
  'connector.type' = 'kafka',
  'connector.version' = 'universal',
  'connector.topic' = 'legout',
  'connector.properties.0.key' = 'bootstrap.servers',
  'connector.properties.0.value' = '$K',
  'connector.properties.1.key' = 'linger.ms',
  'connector.properties.1.value' = '5',
  'update-mode' = 'append',
  'format.type' = 'json',
  'format.derive-schema' = 'true',
  'format.json-schema' = '{"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "ts": {"type": "string", "format": "date-time"}, "tags": {"type": "array", "items": {"type": "integer"}}}}'
);
INSERT INTO dst SELECT * FROM src;
SQL
}

# --- the job runs; the group named by a pair commits.
legacy_job "$T/job.sql" ""
run_hf "$T/check.out" "$T/check.err" check "$T/job.sql"
expect_rc 0 "legacy job passes check"
[ "$RC" -eq 0 ] || cat "$T/check.err" >&2
[ "$(grep -c 'warning:' "$T/check.err")" -eq 1 ] ||
    fail "check: expected exactly one warning, got: $(cat "$T/check.err")"
expect_grep "job.sql:6:3: warning: kafka table 'src': option 'connector.properties.0.key' = 'zookeeper.connect' is ignored" \
    "$T/check.err" "the zookeeper.connect pair is named in the warning"
run_hf "$T/explain.out" "$T/explain.err" explain "$T/job.sql"
expect_rc 0 "legacy job explain"
expect_grep "properties.group.id = 'g-legacy'  (as 'connector.properties.2.key')" \
    "$T/explain.out" "explain names the group's pair"
expect_grep "connector.properties.linger.ms = '5'  (as 'connector.properties.1.key')" \
    "$T/explain.out" "explain names a tuning pair of the sink"

hf_start run1 run "$T/job.sql"
kafka_wait_committed legin g-legacy 5 30 || fail "group g-legacy (a pair) did not commit the 5 messages"
kill -TERM "$HF_PID" 2>/dev/null || true
wait "$HF_PID" || true
[ "$(grep -c 'warning:' "$T/run1.log")" -eq 1 ] ||
    fail "run: expected exactly one warning, got: $(grep warning: "$T/run1.log")"
"$KCAT" -b "$K" -C -t legout -e -o beginning -q -f '%s\n' | sort >"$T/out.got"
cat >"$T/out.want" <<'OUT'
{"id":1,"name":"ann","ts":"2024-01-02 03:04:05.25","tags":[1,2]}
{"id":2,"name":"bob","ts":"2024-01-02 03:04:06","tags":[]}
{"id":3,"name":null,"ts":null,"tags":null}
{"id":4,"name":"dee","ts":"2024-02-29 23:59:59.999","tags":[7]}
{"id":5,"name":"eve","ts":"2024-03-01 00:00:00","tags":[5,5]}
OUT
expect_same "$T/out.want" "$T/out.got" "rows through the legacy job"

# --- check refuses exactly what run refuses, with the same message.
# refusal NAME WANT: for job $T/NAME.sql, check and run both exit 2 with
# WANT, and print the same error.
refusal() {
    run_hf "$T/$1.check.out" "$T/$1.check.err" check "$T/$1.sql"
    expect_rc 2 "$1: check refuses"
    expect_grep "$2" "$T/$1.check.err" "$1: check's message"
    run_hf "$T/$1.run.out" "$T/$1.run.err" run "$T/$1.sql"
    expect_rc 2 "$1: run refuses before running"
    expect_grep "$2" "$T/$1.run.err" "$1: run's message"
    grep -v 'warning:' "$T/$1.check.err" >"$T/$1.check.msg"
    grep -v 'warning:' "$T/$1.run.err" | grep -v ' INFO ' >"$T/$1.run.msg"
    expect_same "$T/$1.check.msg" "$T/$1.run.msg" "$1: check and run say the same"
}
# same_refusal NAME EXTRA WANT: the legacy job with EXTRA source options.
same_refusal() {
    legacy_job "$T/$1.sql" "$2"
    refusal "$1" "$3"
}
# The modern spelling, a sink-only table, a value librdkafka refuses.
cat >"$T/modern.sql" <<SQL
CREATE TABLE src (id INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3');
CREATE TABLE k (id INT) WITH ('connector' = 'kafka', 'topic' = 'legout',
  'properties.bootstrap.servers' = '$K', 'format' = 'json',
  'properties.compression.codec' = 'zip');
INSERT INTO k SELECT * FROM src;
SQL
refusal modern "modern.sql:4:3: error: kafka table 'k': option 'properties.compression.codec' = 'zip': librdkafka says: Invalid value \"zip\" for configuration property \"compression.codec\""
same_refusal bad_pair_name ",
  'connector.properties.5.key' = 'fetch.max.bytez',
  'connector.properties.5.value' = '1000'" \
    "bad_pair_name.sql:28:3: error: kafka table 'src': option 'connector.properties.5.key' = 'fetch.max.bytez' with 'connector.properties.5.value' = '1000': librdkafka says: No such configuration property: \"fetch.max.bytez\""
same_refusal bad_pair_value ",
  'connector.properties.5.key' = 'fetch.max.bytes',
  'connector.properties.5.value' = 'a lot'" \
    "kafka table 'src': option 'connector.properties.5.key' = 'fetch.max.bytes' with 'connector.properties.5.value' = 'a lot': librdkafka says: Invalid value for configuration property \"fetch.max.bytes\""
same_refusal bad_prop ",
  'properties.auto.offset.reset' = 'sometimes'" \
    "kafka table 'src': option 'properties.auto.offset.reset' = 'sometimes': librdkafka says: Invalid value \"sometimes\" for configuration property \"auto.offset.reset\""
same_refusal half_pair ",
  'connector.properties.5.key' = 'fetch.max.bytes'" \
    "has no 'connector.properties.5.value'"
same_refusal twice ",
  'properties.session.timeout.ms' = '7000'" \
    "Kafka property 'session.timeout.ms' is set twice"
same_refusal bad_field ",
  'format.fields.4.name' = 'extra',
  'format.fields.4.type' = 'INT'" \
    "'format.fields.4.name' declares field 'extra', which is not a column of the table"
finish
