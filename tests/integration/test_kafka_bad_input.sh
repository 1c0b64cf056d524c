#!/usr/bin/env bash
# Malformed Kafka messages (item 7 of issue 5):
#   - without ignore-parse-errors the job fails (exit 1) with the topic,
#     partition, offset and reason of the first bad message, and the
#     consumer group's committed offset never passes it;
#   - with json.ignore-parse-errors (Flink's meaning) a value that cannot
#     be parsed is NULL and its row comes through, counted in the summary
#     ("fields set to NULL") and logged with topic, partition and offset;
#     a message that is not JSON is skipped, counted, logged and recorded
#     in 'scan.dirty-data.path' (one JSON line each: topic, partition,
#     offset, reason, key, value); the committed offset then covers
#     everything. With json.ignore-parse-errors.skip-record the message
#     with the bad value is skipped and recorded too.
#   - a key that does not decode is reported as the key's problem.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../kafka/lib.sh"
set -e
kafka_start_mock bad:1 badkey:1

printf '%s\n' 'k1|{"id":1,"name":"a"}' 'k2|{"id":2,"name":"b"}' 'k3|{"id":3,"name":' \
    'k4|{"id":"x","name":"d"}' 'k5|{"id":5,"name":"e"}' |
    "$KCAT" -b "$KAFKA_BOOTSTRAP" -P -t bad -K '|'

job() { # job NAME GROUP EXTRA-OPTIONS
    cat >"$T/$1.sql" <<SQL
SET 'execution.checkpointing.interval' = '100ms';
CREATE TABLE k (id BIGINT, name STRING)
WITH ('connector' = 'kafka', 'topic' = 'bad',
      'properties.bootstrap.servers' = '$KAFKA_BOOTSTRAP',
      'properties.group.id' = '$2', 'scan.startup.mode' = 'earliest-offset',
      'format' = 'json'$3);
CREATE TABLE p (id BIGINT, name STRING) WITH ('connector' = 'print');
INSERT INTO p SELECT * FROM k;
SQL
}

# --- failing: exit 1, the location and the reason.
job fail g-fail ""
run_hf "$T/fail.out" "$T/fail.err" run "$T/fail.sql"
expect_rc 1 "malformed message without ignore-parse-errors"
expect_grep "holoflow: job failed: source 'k': topic 'bad' partition 0 offset 2: " "$T/fail.err" "error names topic, partition and offset"
expect_grep "json" "$T/fail.err" "error gives the parse reason"
c=$(kafka_offsets bad g-fail | cut -d' ' -f2)
[ "${c:-0}" -le 2 ] || fail "group g-fail committed offset $c, past the bad message at offset 2"

# --- the type error at offset 3 is reported with its own offset.
printf '%s\n' 'k|{"id":"x","name":"d"}' | "$KCAT" -b "$KAFKA_BOOTSTRAP" -P -t badkey -K '|'
cat >"$T/type.sql" <<SQL
CREATE TABLE k (id BIGINT, name STRING)
WITH ('connector' = 'kafka', 'topic' = 'badkey',
      'properties.bootstrap.servers' = '$KAFKA_BOOTSTRAP',
      'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset',
      'format' = 'json');
CREATE TABLE p (id BIGINT, name STRING) WITH ('connector' = 'print');
INSERT INTO p SELECT * FROM k;
SQL
run_hf "$T/type.out" "$T/type.err" run "$T/type.sql"
expect_rc 1 "type error"
expect_grep "topic 'badkey' partition 0 offset 0: " "$T/type.err" "type error location"
expect_grep "'id'" "$T/type.err" "type error names the field"

# --- a key that does not decode (json key format, EXCEPT_KEY).
cat >"$T/key.sql" <<SQL
CREATE TABLE k (kid BIGINT, name STRING)
WITH ('connector' = 'kafka', 'topic' = 'badkey',
      'properties.bootstrap.servers' = '$KAFKA_BOOTSTRAP',
      'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset',
      'key.format' = 'json', 'key.fields' = 'kid', 'value.format' = 'json',
      'value.fields-include' = 'EXCEPT_KEY');
CREATE TABLE p (kid BIGINT, name STRING) WITH ('connector' = 'print');
INSERT INTO p SELECT * FROM k;
SQL
run_hf "$T/key.out" "$T/key.err" run "$T/key.sql"
expect_rc 1 "undecodable key"
expect_grep "topic 'badkey' partition 0 offset 0: key: " "$T/key.err" "key error location"

# --- ignore-parse-errors: NULL field counted, broken message skipped and
# recorded; offsets committed.
job skip g-skip ", 'json.ignore-parse-errors' = 'true', 'scan.dirty-data.path' = '$T/dirty.jsonl', 'scan.bounded.mode' = 'latest-offset'"
run_hf "$T/skip.out" "$T/skip.err" run "$T/skip.sql"
expect_rc 0 "ignore-parse-errors"
cat >"$T/skip.want" <<'OUT'
+I[1, a]
+I[2, b]
+I[null, d]
+I[5, e]
OUT
expect_same "$T/skip.want" "$T/skip.out" "good rows and the row with a NULL field pass"
expect_grep "source 'k': 5 records read, 4 rows passed on, 1 records skipped, 1 fields set to NULL" "$T/skip.err" "skipped records and NULL fields counted apart"
expect_grep "WARN  table 'k': topic 'bad' partition 0 offset 2: record skipped (ignore-parse-errors): json: invalid JSON" "$T/skip.err" "skipped record logged with its position"
expect_grep "WARN  table 'k': topic 'bad' partition 0 offset 3 (value): 1 field set to NULL (ignore-parse-errors): field 'id': cannot parse \"x\" as BIGINT" "$T/skip.err" "NULL field logged with its position"
[ "$(wc -l <"$T/dirty.jsonl")" = 1 ] || fail "dirty file: expected 1 line"
expect_grep '{"table":"k","topic":"bad","partition":0,"offset":2,"reason":"' "$T/dirty.jsonl" "dirty record of offset 2"
expect_grep '"key":"k3","value":"{\"id\":3,\"name\":"}' "$T/dirty.jsonl" "dirty record keeps key and value"
c=$(kafka_offsets bad g-skip | cut -d' ' -f2)
[ "$c" = 5 ] || fail "group g-skip committed $c, expected 5 (every message written or recorded)"

# --- skip-record: the message with the bad value is skipped and recorded.
job skiprec g-skiprec ", 'json.ignore-parse-errors' = 'true', 'json.ignore-parse-errors.skip-record' = 'true', 'scan.dirty-data.path' = '$T/dirty2.jsonl', 'scan.bounded.mode' = 'latest-offset'"
run_hf "$T/skiprec.out" "$T/skiprec.err" run "$T/skiprec.sql"
expect_rc 0 "skip-record"
printf '+I[1, a]\n+I[2, b]\n+I[5, e]\n' >"$T/skiprec.want"
expect_same "$T/skiprec.want" "$T/skiprec.out" "skip-record: good rows only"
expect_grep "source 'k': 5 records read, 3 rows passed on, 2 records skipped, 0 fields set to NULL" "$T/skiprec.err" "skip-record counters"
[ "$(wc -l <"$T/dirty2.jsonl")" = 2 ] || fail "dirty file: expected 2 lines"
expect_grep '{"table":"k","topic":"bad","partition":0,"offset":3,"reason":"' "$T/dirty2.jsonl" "dirty record of offset 3"
finish
