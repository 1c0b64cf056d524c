#!/usr/bin/env bash
# Watermarks of a kafka source are per partition, and an idle partition
# holds them back until table.exec.source.idle-timeout marks it idle
# (Flink's Kafka-partition-aware watermarks and idleness). Topic 'ev' has
# two partitions; only partition 0 gets rows (08:05, 08:07, 08:12, 1 s
# watermark delay), so its watermark passes the end of the window
# [08:00, 08:10). The job reads without an end (unbounded) and prints the
# window aggregate:
#   - idle-timeout 500 ms: partition 1 is idle, the source's watermark is
#     partition 0's (which keeps getting rows, so it is never idle itself),
#     and the window fires while the job runs;
#   - idle-timeout 500 ms and no row after the first three: both
#     partitions go idle without new rows and the window still fires;
#   - idle-timeout 0 (Flink's default): the empty partition holds the
#     watermark back, so nothing fires however long the job runs.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../kafka/lib.sh"
set -e
kafka_start_mock ev:2

K=$KAFKA_BOOTSTRAP
printf '%s\n' '{"ts":"2020-04-15 08:05:00","v":4}' '{"ts":"2020-04-15 08:07:00","v":2}' \
    '{"ts":"2020-04-15 08:12:00","v":3}' | "$KCAT" -b "$K" -P -t ev -p 0

job() { # IDLE_TIMEOUT
    cat <<SQL
SET 'table.exec.source.idle-timeout' = '$1';
SET 'pipeline.auto-watermark-interval' = '50ms';
CREATE TABLE ev (ts TIMESTAMP(3), v INT,
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'kafka', 'topic' = 'ev', 'properties.bootstrap.servers' = '$K',
      'scan.startup.mode' = 'earliest-offset', 'format' = 'json');
CREATE TABLE o (ws TIMESTAMP(3), we TIMESTAMP(3), total BIGINT, n BIGINT)
WITH ('connector' = 'print');
INSERT INTO o SELECT window_start, window_end, SUM(CAST(v AS BIGINT)), COUNT(*)
FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '10' MINUTES))
GROUP BY window_start, window_end;
SQL
}

# run_for SQLFILE OUT SECONDS_MAX PATTERN: run until PATTERN is printed (or
# the time is up) while partition 0 keeps getting a row every 100 ms (ts
# 08:12:01, 08:12:02, ...: it never goes idle), then stop the job with
# SIGTERM.
run_for() {
    "$HOLOFLOW" run "$1" >"$2" 2>"$2.err" &
    local pid=$! i=0
    while [ $i -lt $(($3 * 10)) ] && ! grep -q "$4" "$2"; do
        printf '{"ts":"2020-04-15 08:12:%02d","v":0}\n' $((i % 50 + 1)) |
            "$KCAT" -b "$K" -P -t ev -p 0
        sleep 0.1
        i=$((i + 1))
    done
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" || true
}

job 500ms >"$T/idle.sql"
run_for "$T/idle.sql" "$T/idle.out" 20 '^+I'
echo '+I[2020-04-15T08:00, 2020-04-15T08:10, 6, 2]' >"$T/idle.want"
expect_same "$T/idle.want" "$T/idle.out" "the window fires with partition 1 idle"

# No row after the first three: partition 1 and then partition 0 go idle
# without a new row (the source checks idleness between polls), and the
# watermark the idle partitions leave behind (partition 0's, 08:11:59)
# fires the window while the job runs.
"$HOLOFLOW" run "$T/idle.sql" >"$T/quiet.out" 2>"$T/quiet.out.err" &
pid=$!
BG_PIDS+=("$pid")
for i in $(seq 1 200); do
    grep -q '^+I' "$T/quiet.out" && break
    sleep 0.1
done
kill -0 "$pid" 2>/dev/null || fail "the job ended early: $(cat "$T/quiet.out.err")"
kill -TERM "$pid"
wait "$pid" || true
expect_same "$T/idle.want" "$T/quiet.out" "idle partitions without new rows release the watermark"

job 0 >"$T/held.sql"
run_for "$T/held.sql" "$T/held.out" 4 '^+I'
: >"$T/held.want"
expect_same "$T/held.want" "$T/held.out" "an empty partition holds the watermark back"
grep -q "records read" "$T/held.out.err" || fail "no summary: $(cat "$T/held.out.err")"
finish
