#!/usr/bin/env bash
# Processing-time windows fire when the wall clock passes their end, even
# if no row comes after them (Flink's processing-time timers): the window
# TVF's timer, served by the source task between reads, sends a progress
# mark that fires them (op.h next_timer/on_timer and proc_marks, runtime.c
# "Timers" and "Processing-time progress"). A kafka topic gets
# four rows before the job starts and none after; the job runs without an
# end and prints TUMBLE (1 s), HOP (slide 1 s, size 2 s), CUMULATE (step
# 1 s, size 2 s) and SESSION (gap 1 s) aggregates over PROCTIME(). Every
# window's result must appear while the job is still running (before the
# stop, whose end of input would also fire what the clock completed).
# The rows may straddle a second boundary, so the checks are sums per key
# over the windows: TUMBLE and SESSION count each row once, HOP twice, and
# CUMULATE's 2-second windows once. Run at parallelism 1 and 2 (window
# aggregates in two instances, each firing on the minimum of the marks of
# the TVF instances feeding it).
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../kafka/lib.sh"
set -e
kafka_start_mock ev:1
K=$KAFKA_BOOTSTRAP
printf '%s\n' '{"k":"a","v":1}' '{"k":"a","v":2}' '{"k":"b","v":10}' \
    '{"k":"a","v":4}' | "$KCAT" -b "$K" -P -t ev -p 0

for par in 1 2; do
{
    echo "SET 'parallelism.default' = '$par';"
    cat <<SQL
CREATE TABLE ev (k STRING, v INT, pt AS PROCTIME())
WITH ('connector' = 'kafka', 'topic' = 'ev', 'properties.bootstrap.servers' = '$K',
      'scan.startup.mode' = 'earliest-offset', 'format' = 'json');
SQL
    for w in tumble hop cumulate session; do
        echo "CREATE TABLE o_$w (k STRING, len INT, n BIGINT, total INT)"
        echo "WITH ('connector' = 'print', 'print-identifier' = '$w');"
    done
    cat <<'SQL'
BEGIN STATEMENT SET;
INSERT INTO o_tumble SELECT k, TIMESTAMPDIFF(SECOND, window_start, window_end),
  COUNT(*), SUM(v)
FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(pt), INTERVAL '1' SECOND))
GROUP BY window_start, window_end, k;
INSERT INTO o_hop SELECT k, TIMESTAMPDIFF(SECOND, window_start, window_end),
  COUNT(*), SUM(v)
FROM TABLE(HOP(TABLE ev, DESCRIPTOR(pt), INTERVAL '1' SECOND, INTERVAL '2' SECOND))
GROUP BY window_start, window_end, k;
INSERT INTO o_cumulate SELECT k, TIMESTAMPDIFF(SECOND, window_start, window_end),
  COUNT(*), SUM(v)
FROM TABLE(CUMULATE(TABLE ev, DESCRIPTOR(pt), INTERVAL '1' SECOND, INTERVAL '2' SECOND))
GROUP BY window_start, window_end, k;
INSERT INTO o_session SELECT k, 0, COUNT(*), SUM(v)
FROM TABLE(SESSION(TABLE ev PARTITION BY k, DESCRIPTOR(pt), INTERVAL '1' SECOND))
GROUP BY window_start, window_end, k;
END;
SQL
} >"$T/job.sql"

# "window key count sum" per window kind and key, summed over the printed
# windows (CUMULATE: its 2-second windows only).
sums() {
    awk -F'[][, >]+' '$2 == "+I" && ($1 != "cumulate" || $4 == 2) {
        n[$1 " " $3] += $5; s[$1 " " $3] += $6 }
        END { for (x in n) print x, n[x], s[x] }' "$1" | sort
}
cat >"$T/want" <<'OUT'
cumulate a 3 7
cumulate b 1 10
hop a 6 14
hop b 2 20
session a 3 7
session b 1 10
tumble a 3 7
tumble b 1 10
OUT

"$HOLOFLOW" run "$T/job.sql" >"$T/out" 2>"$T/err" &
pid=$!
BG_PIDS+=("$pid")
# No row comes after the first four: only timers can fire the windows.
# Wait (generously) for every window, then check the job still runs.
for i in $(seq 1 600); do
    sums "$T/out" >"$T/got"
    cmp -s "$T/want" "$T/got" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
kill -0 "$pid" 2>/dev/null || fail "the job ended early: $(cat "$T/err")"
expect_same "$T/want" "$T/got" "processing-time windows fired by timers, without new rows, parallelism $par"
kill -TERM "$pid"
wait "$pid" || true
sums "$T/out" >"$T/got"
expect_same "$T/want" "$T/got" "nothing more at the stop, parallelism $par"
if grep -q "late row" "$T/err"; then fail "late rows: $(cat "$T/err")"; fi
done

# Under holoflow.throttle.bytes-per-second the source task waits for the
# bucket before it passes a batch on; the window TVF's timer still runs
# (between the wait's slices), so a batch's windows fire while the next
# batch waits. An unbounded datagen of rows of 108 bytes (a BIGINT and a
# 100-character string) at 32 bytes/s: under a byte limit batches shrink
# to about 1/20 s of bytes, here one row, so a row passes every ~3.4 s (the
# rate's bound), and the first row's 1-second window must be printed
# before the second row is (the plain copy of the rows shows what has
# passed).
cat >"$T/job.sql" <<'SQL'
SET 'holoflow.throttle.bytes-per-second' = '32';
SET 'holoflow.batch.rows' = '20';
CREATE TABLE g (id BIGINT, s STRING, pt AS PROCTIME())
WITH ('connector' = 'datagen', 'fields.s.length' = '100');
CREATE TABLE o_tumble (n BIGINT) WITH ('connector' = 'print', 'print-identifier' = 'tumble');
CREATE TABLE o_raw (id BIGINT) WITH ('connector' = 'print', 'print-identifier' = 'raw');
BEGIN STATEMENT SET;
INSERT INTO o_tumble SELECT COUNT(*)
FROM TABLE(TUMBLE(TABLE g, DESCRIPTOR(pt), INTERVAL '1' SECOND))
GROUP BY window_start, window_end;
INSERT INTO o_raw SELECT id FROM g;
END;
SQL
"$HOLOFLOW" run "$T/job.sql" >"$T/out" 2>"$T/err" &
pid=$!
BG_PIDS+=("$pid")
for i in $(seq 1 600); do
    grep -q '^tumble' "$T/out" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
raw=$(grep -c '^raw' "$T/out" || true)
kill -0 "$pid" 2>/dev/null || fail "the throttled job ended early: $(cat "$T/err")"
first=$(grep -m1 '^tumble' "$T/out" || true)
[ "$first" = "tumble> +I[1]" ] ||
    fail "the first throttled batch's window: '$first', not 'tumble> +I[1]'"
[ "$raw" -le 1 ] ||
    fail "the first window fired only after the next throttled batch ($raw rows passed)"
kill -TERM "$pid"
wait "$pid" || true
if grep -q "late row" "$T/err"; then fail "late rows: $(cat "$T/err")"; fi
finish
