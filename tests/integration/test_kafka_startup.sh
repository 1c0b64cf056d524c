#!/usr/bin/env bash
# Where the kafka source starts and stops reading, against the mock cluster
# with its offsets-for-times proxy (hf_kafka_mock -T), checked with exact
# printed rows (partition, offset, timestamp):
#   - a kafka sink with a writable 'timestamp' metadata column writes the
#     message timestamps (read back with kcat);
#   - 'scan.startup.mode' = 'timestamp': every partition starts at its
#     earliest message whose timestamp is >= T (Kafka's offsetsForTimes),
#     so later messages with smaller timestamps are read too, and a
#     partition without such a message reads nothing (starts at the end);
#   - 'scan.bounded.mode' = 'timestamp': every partition stops before that
#     message (exclusive), or at the end when there is none; both together;
#   - a timestamp past every message reads nothing;
#   - 'specific-offsets' for the start (unlisted partitions, and an offset
#     past the end, from the earliest) and for the stop (unlisted
#     partitions stop at the earliest offset, so read nothing: Flink's
#     OffsetsInitializer.offsets);
#   - 'scan.bounded.mode' = 'group-offsets' reads from the startup mode up
#     to the committed offsets; without one it fails naming the partition
#     (Flink's committedOffsets(), NONE);
#   - with a consumer group, the committed offsets win over the startup
#     mode: a second run reads nothing.
# Data: topic 'ts' with 3 partitions, 4 messages in each, written in this
# order of timestamps (B + d, d below), so each case has a known answer:
#   partition 0: 10 60 20 70
#   partition 1: 50 40 90 30
#   partition 2: 10 20 30 40
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../kafka/lib.sh"
set -e
kafka_start_mock -T ts:3 probe:3
K=$KAFKA_BOOTSTRAP
B=1700000000000

# Which partition murmur2 gives each key "1".."40" (what the kafka sink's
# default partitioner picks for key.fields = id with the csv key format).
seq 1 40 | awk '{ printf "%d\t\n", $1 }' |
    "$KCAT" -b "$K" -P -t probe -K $'\t' -X topic.partitioner=murmur2
"$KCAT" -b "$K" -C -t probe -e -o beginning -q -f '%p %k\n' | sort -n -k2,2 >"$T/probe"
awk 'BEGIN { split("10 60 20 70 50 40 90 30 10 20 30 40", d) }
     { p = $1; if (n[p] < 4) { n[p]++; printf "%s,%d\n", $2, d[p * 4 + n[p]] } }' "$T/probe" >"$T/in.csv"
[ "$(wc -l <"$T/in.csv")" -eq 12 ] || fail "probe: fewer than 4 keys of 40 in some partition"

cat >"$T/w.sql" <<SQL
CREATE TABLE src (id BIGINT, d BIGINT) WITH ('connector' = 'filesystem', 'path' = '$T/in.csv', 'format' = 'csv');
CREATE TABLE k (id BIGINT, d BIGINT, ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp')
WITH ('connector' = 'kafka', 'topic' = 'ts', 'properties.bootstrap.servers' = '$K',
      'key.format' = 'csv', 'key.fields' = 'id', 'value.format' = 'json');
INSERT INTO k SELECT id, d, TO_TIMESTAMP_LTZ($B + d, 3) FROM src;
SQL
run_hf "$T/w.out" "$T/w.err" run "$T/w.sql"
expect_rc 0 "kafka sink with a timestamp column"
[ "$RC" -eq 0 ] || cat "$T/w.err" >&2
"$KCAT" -b "$K" -C -t ts -e -o beginning -q -f '%p %o %T\n' |
    awk -v b="$B" '{ print $1, $2, $3 - b }' | sort -n -k1,1 -k2,2 >"$T/w.got"
cat >"$T/w.want" <<'OUT'
0 0 10
0 1 60
0 2 20
0 3 70
1 0 50
1 1 40
1 2 90
1 3 30
2 0 10
2 1 20
2 2 30
2 3 40
OUT
expect_same "$T/w.want" "$T/w.got" "messages and their timestamps"

# read_case NAME 'WITH options' ; runs a bounded read of 'ts' with the
# options and leaves the printed rows, sorted, in $T/NAME.got.
read_case() {
    cat >"$T/$1.sql" <<SQL
CREATE TABLE s (d BIGINT, part INT METADATA FROM 'partition', off BIGINT METADATA FROM 'offset',
  ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp')
WITH ('connector' = 'kafka', 'topic' = 'ts', 'properties.bootstrap.servers' = '$K',
      'format' = 'json', $2);
CREATE TABLE p (part INT, off BIGINT, d BIGINT, ts_ok BOOLEAN) WITH ('connector' = 'print');
INSERT INTO p SELECT part, off, d, ts = TO_TIMESTAMP_LTZ($B + d, 3) FROM s;
SQL
    run_hf "$T/$1.out" "$T/$1.err" run "$T/$1.sql"
    expect_rc 0 "$1"
    [ "$RC" -eq 0 ] || cat "$T/$1.err" >&2
    sort "$T/$1.out" >"$T/$1.got"
}

# --- startup timestamp B+50 (inclusive), to the end.
read_case start_ts "'scan.startup.mode' = 'timestamp', 'scan.startup.timestamp-millis' = '$((B + 50))',
      'scan.bounded.mode' = 'latest-offset'"
cat >"$T/start_ts.want" <<'OUT'
+I[0, 1, 60, true]
+I[0, 2, 20, true]
+I[0, 3, 70, true]
+I[1, 0, 50, true]
+I[1, 1, 40, true]
+I[1, 2, 90, true]
+I[1, 3, 30, true]
OUT
expect_same "$T/start_ts.want" "$T/start_ts.got" "startup timestamp"
expect_grep "partition 2 assigned, reading from offset 4" "$T/start_ts.err" "partition without a later message starts at its end"

# --- from the earliest, stop at timestamp B+50 (exclusive).
read_case stop_ts "'scan.startup.mode' = 'earliest-offset',
      'scan.bounded.mode' = 'timestamp', 'scan.bounded.timestamp-millis' = '$((B + 50))'"
cat >"$T/stop_ts.want" <<'OUT'
+I[0, 0, 10, true]
+I[2, 0, 10, true]
+I[2, 1, 20, true]
+I[2, 2, 30, true]
+I[2, 3, 40, true]
OUT
expect_same "$T/stop_ts.want" "$T/stop_ts.got" "bounded timestamp"

# --- start at B+20, stop at B+65.
read_case both_ts "'scan.startup.mode' = 'timestamp', 'scan.startup.timestamp-millis' = '$((B + 20))',
      'scan.bounded.mode' = 'timestamp', 'scan.bounded.timestamp-millis' = '$((B + 65))'"
cat >"$T/both_ts.want" <<'OUT'
+I[0, 1, 60, true]
+I[0, 2, 20, true]
+I[1, 0, 50, true]
+I[1, 1, 40, true]
+I[2, 1, 20, true]
+I[2, 2, 30, true]
+I[2, 3, 40, true]
OUT
expect_same "$T/both_ts.want" "$T/both_ts.got" "startup and bounded timestamps"

# --- a timestamp after every message: nothing.
read_case late_ts "'scan.startup.mode' = 'timestamp', 'scan.startup.timestamp-millis' = '$((B + 1000))',
      'scan.bounded.mode' = 'latest-offset'"
: >"$T/empty.want"
expect_same "$T/empty.want" "$T/late_ts.got" "startup timestamp after every message"

# --- specific start offsets; partition 1 is not listed: from the earliest.
read_case start_spec "'scan.startup.mode' = 'specific-offsets',
      'scan.startup.specific-offsets' = 'partition:0,offset:2;partition:2,offset:3',
      'scan.bounded.mode' = 'latest-offset'"
cat >"$T/start_spec.want" <<'OUT'
+I[0, 2, 20, true]
+I[0, 3, 70, true]
+I[1, 0, 50, true]
+I[1, 1, 40, true]
+I[1, 2, 90, true]
+I[1, 3, 30, true]
+I[2, 3, 40, true]
OUT
expect_same "$T/start_spec.want" "$T/start_spec.got" "specific startup offsets"

# --- a specific start offset past the end: from the earliest.
read_case past_end "'scan.startup.mode' = 'specific-offsets',
      'scan.startup.specific-offsets' = 'partition:0,offset:99;partition:1,offset:4;partition:2,offset:4',
      'scan.bounded.mode' = 'latest-offset'"
cat >"$T/past_end.want" <<'OUT'
+I[0, 0, 10, true]
+I[0, 1, 60, true]
+I[0, 2, 20, true]
+I[0, 3, 70, true]
OUT
expect_same "$T/past_end.want" "$T/past_end.got" "specific startup offset past the end"

# --- specific stop offsets (exclusive); partition 2 is not listed: it stops
# at its earliest offset and reads nothing.
read_case stop_spec "'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'specific-offsets',
      'scan.bounded.specific-offsets' = 'partition:0,offset:1;partition:1,offset:3'"
cat >"$T/stop_spec.want" <<'OUT'
+I[0, 0, 10, true]
+I[1, 0, 50, true]
+I[1, 1, 40, true]
+I[1, 2, 90, true]
OUT
expect_same "$T/stop_spec.want" "$T/stop_spec.got" "specific bounded offsets"

# --- with a group: the first run commits its end; the committed offsets
# then win over the startup timestamp.
read_case grp1 "'properties.group.id' = 'g-ts', 'scan.startup.mode' = 'timestamp',
      'scan.startup.timestamp-millis' = '$((B + 50))', 'scan.bounded.mode' = 'latest-offset'"
expect_same "$T/start_ts.want" "$T/grp1.got" "startup timestamp with a group"
[ "$(kafka_offsets ts g-ts)" = "12 12" ] || fail "group g-ts committed '$(kafka_offsets ts g-ts)', expected '12 12'"
read_case grp2 "'properties.group.id' = 'g-ts', 'scan.startup.mode' = 'timestamp',
      'scan.startup.timestamp-millis' = '$B', 'scan.bounded.mode' = 'latest-offset'"
expect_same "$T/empty.want" "$T/grp2.got" "committed offsets win over the startup timestamp"
expect_grep "partition 0 assigned, reading from offset 4 (committed)" "$T/grp2.err" "resume log line"

# --- bounded group-offsets: from the startup mode up to what group g-ts
# committed (everything): all 12 messages.
read_case grp_stop "'properties.group.id' = 'g-ts', 'scan.startup.mode' = 'earliest-offset',
      'scan.bounded.mode' = 'group-offsets'"
[ "$(wc -l <"$T/grp_stop.got")" -eq 12 ] || fail "bounded group-offsets read $(wc -l <"$T/grp_stop.got") rows, expected 12"

# --- bounded group-offsets with nothing committed: an error.
cat >"$T/nogrp.sql" <<SQL
CREATE TABLE s (d BIGINT) WITH ('connector' = 'kafka', 'topic' = 'ts', 'properties.bootstrap.servers' = '$K',
      'format' = 'json', 'properties.group.id' = 'g-none', 'scan.startup.mode' = 'earliest-offset',
      'scan.bounded.mode' = 'group-offsets');
CREATE TABLE p (d BIGINT) WITH ('connector' = 'print');
INSERT INTO p SELECT d FROM s;
SQL
run_hf "$T/nogrp.out" "$T/nogrp.err" run "$T/nogrp.sql"
[ "$RC" -ne 0 ] || fail "bounded group-offsets without committed offsets succeeded"
expect_grep "has no committed offset for group 'g-none' to stop at" "$T/nogrp.err" "bounded group-offsets without committed offsets"
[ -s "$T/nogrp.out" ] && fail "bounded group-offsets without committed offsets printed rows"
finish
