#!/usr/bin/env bash
# Windows over a TIMESTAMP_LTZ time attribute are aligned in the session
# time zone (table.local-time-zone), as Flink's TimeWindowUtil: a 1-day
# TUMBLE or CUMULATE in Asia/Shanghai starts at local midnight,
# window_start/window_end are local TIMESTAMPs, window_time is the
# instant of local end - 1 ms, and a window fires when the watermark
# passes that instant (a row behind it is late). UTC and a TIMESTAMP
# rowtime are the controls (nothing shifts); America/Los_Angeles checks a
# daylight-saving gap (a window whose end - 1 ms is in the gap fires at
# the hour the gap begins, Flink's toEpochMillsForTimer). SESSION and
# PROCTIME() windows shift the same way. Legacy
# GROUP BY TUMBLE with TUMBLE_START/_END/_ROWTIME follows the Time Zone
# page of Flink's docs (the Event Time and Time Zone example).
. "$(dirname "$0")/lib.sh"
set -e

# item,price,epoch ms: 2021-04-15 15:30Z (Shanghai 23:30), 17:00Z
# (Shanghai 04-16 01:00; its watermark passes 15:59:59.999Z, the end of
# Shanghai's 04-15), 15:45Z (late in Shanghai, not in UTC), 04-16 10:00Z.
printf '%s\n' 'a,1,1618500600000' 'b,2,1618506000000' 'c,4,1618501500000' \
    'd,8,1618567200000' >"$T/ltz.csv"
ltz_job() { # $1 = zone, $2 = csv, $3 = window call
    cat <<SQL
SET 'table.local-time-zone' = '$1';
SET 'pipeline.auto-watermark-interval' = '0';
SET 'holoflow.batch.rows' = '1';
CREATE TABLE t (item STRING, price INT, ms BIGINT,
  ts AS TO_TIMESTAMP_LTZ(ms, 3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = '$2', 'format' = 'csv');
CREATE TABLE o (ws TIMESTAMP(3), we TIMESTAMP(3), wt TIMESTAMP_LTZ(3),
  total INT) WITH ('connector' = 'print');
INSERT INTO o SELECT window_start, window_end, window_time, SUM(price)
FROM TABLE($3) GROUP BY window_start, window_end, window_time;
SQL
}
DAY="TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' DAY)"

# --- TUMBLE 1 DAY, Asia/Shanghai: local days; c is late
ltz_job Asia/Shanghai "$T/ltz.csv" "$DAY" >"$T/sh.sql"
cat >"$T/sh.expected" <<'OUT'
+I[2021-04-15T00:00, 2021-04-16T00:00, 2021-04-15T15:59:59.999Z, 1]
+I[2021-04-16T00:00, 2021-04-17T00:00, 2021-04-16T15:59:59.999Z, 10]
OUT
run_hf "$T/out" "$T/err" run "$T/sh.sql"
expect_rc 0 "Shanghai tumble job"
expect_same "$T/sh.expected" "$T/out" "TUMBLE 1 DAY over TIMESTAMP_LTZ in Asia/Shanghai"
expect_grep "1 late row(s) dropped" "$T/err" "Shanghai: the row behind the local day's end is late"

# --- the same in UTC: UTC days, c is on time
ltz_job UTC "$T/ltz.csv" "$DAY" >"$T/utc.sql"
cat >"$T/utc.expected" <<'OUT'
+I[2021-04-15T00:00, 2021-04-16T00:00, 2021-04-15T23:59:59.999Z, 7]
+I[2021-04-16T00:00, 2021-04-17T00:00, 2021-04-16T23:59:59.999Z, 8]
OUT
run_hf "$T/out" "$T/err" run "$T/utc.sql"
expect_rc 0 "UTC tumble job"
expect_same "$T/utc.expected" "$T/out" "TUMBLE 1 DAY over TIMESTAMP_LTZ in UTC"

# --- a TIMESTAMP rowtime in Asia/Shanghai: nothing shifts
printf '%s\n' '2021-04-15 23:30:00,1' '2021-04-16 01:00:00,2' \
    '2021-04-16 18:00:00,8' >"$T/ts.csv"
cat >"$T/ts.sql" <<SQL
SET 'table.local-time-zone' = 'Asia/Shanghai';
CREATE TABLE t (ts TIMESTAMP(3), price INT,
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = '$T/ts.csv', 'format' = 'csv');
CREATE TABLE o (ws TIMESTAMP(3), we TIMESTAMP(3), wt TIMESTAMP(3),
  total INT) WITH ('connector' = 'print');
INSERT INTO o SELECT window_start, window_end, window_time, SUM(price)
FROM TABLE($DAY) GROUP BY window_start, window_end, window_time;
SQL
cat >"$T/ts.expected" <<'OUT'
+I[2021-04-15T00:00, 2021-04-16T00:00, 2021-04-15T23:59:59.999, 1]
+I[2021-04-16T00:00, 2021-04-17T00:00, 2021-04-16T23:59:59.999, 10]
OUT
run_hf "$T/out" "$T/err" run "$T/ts.sql"
expect_rc 0 "TIMESTAMP rowtime job"
expect_same "$T/ts.expected" "$T/out" "TUMBLE 1 DAY over a TIMESTAMP rowtime in Asia/Shanghai"

# --- CUMULATE 1 DAY step 1 HOUR, Asia/Shanghai (a, b, d): a alone in
# 04-15's last step; b from 01:00 in every step of 04-16, d from 18:00
printf '%s\n' 'a,1,1618500600000' 'b,2,1618506000000' 'd,8,1618567200000' \
    >"$T/cum.csv"
ltz_job Asia/Shanghai "$T/cum.csv" \
    "CUMULATE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' HOUR, INTERVAL '1' DAY)" \
    >"$T/cum.sql"
{
    echo '+I[2021-04-15T00:00, 2021-04-16T00:00, 2021-04-15T15:59:59.999Z, 1]'
    for h in $(seq 2 24); do
        if [ "$h" -eq 24 ]; then e=2021-04-17T00:00; else e=$(printf '2021-04-16T%02d:00' "$h"); fi
        # window_time: local end - 1 ms, 8 hours earlier in UTC
        wt=$(date -u -d "2021-04-16 00:00 UTC + $((h - 8)) hours - 1 second" +%Y-%m-%dT%H:%M:%S)
        total=2
        [ "$h" -ge 19 ] && total=10
        echo "+I[2021-04-16T00:00, $e, $wt.999Z, $total]"
    done
} >"$T/cum.expected"
run_hf "$T/out" "$T/err" run "$T/cum.sql"
expect_rc 0 "Shanghai cumulate job"
expect_same "$T/cum.expected" "$T/out" "CUMULATE 1 DAY step 1 HOUR in Asia/Shanghai"

# --- legacy GROUP BY TUMBLE, Flink's Time Zone page (its MyTable2 rows:
# 2021-04-15 14:01Z .. 14:11Z): windows shown in Shanghai time. The
# bounded source's final watermark also fires the 22:10 window, which the
# docs' socket source leaves open.
printf '%s\n' 'A,1.1,1618495260000' 'B,1.2,1618495320000' 'A,1.8,1618495380000' \
    'B,2.5,1618495440000' 'C,3.8,1618495500000' 'C,3.8,1618495860000' >"$T/docs.csv"
cat >"$T/docs.sql" <<SQL
SET 'table.local-time-zone' = 'Asia/Shanghai';
CREATE TABLE MyTable2 (item STRING, price DOUBLE, ts BIGINT,
  ts_ltz AS TO_TIMESTAMP_LTZ(ts, 3),
  WATERMARK FOR ts_ltz AS ts_ltz - INTERVAL '10' SECOND)
WITH ('connector' = 'filesystem', 'path' = '$T/docs.csv', 'format' = 'csv');
CREATE TABLE o (window_start TIMESTAMP(3), window_end TIMESTAMP(3),
  window_rowtime TIMESTAMP_LTZ(3), item STRING, max_price DOUBLE)
WITH ('connector' = 'print');
INSERT INTO o SELECT TUMBLE_START(ts_ltz, INTERVAL '10' MINUTES),
  TUMBLE_END(ts_ltz, INTERVAL '10' MINUTES),
  TUMBLE_ROWTIME(ts_ltz, INTERVAL '10' MINUTES), item, MAX(price)
FROM MyTable2 GROUP BY TUMBLE(ts_ltz, INTERVAL '10' MINUTES), item;
SQL
cat >"$T/docs.expected" <<'OUT'
+I[2021-04-15T22:00, 2021-04-15T22:10, 2021-04-15T14:09:59.999Z, A, 1.8]
+I[2021-04-15T22:00, 2021-04-15T22:10, 2021-04-15T14:09:59.999Z, B, 2.5]
+I[2021-04-15T22:00, 2021-04-15T22:10, 2021-04-15T14:09:59.999Z, C, 3.8]
+I[2021-04-15T22:10, 2021-04-15T22:20, 2021-04-15T14:19:59.999Z, C, 3.8]
OUT
run_hf "$T/out" "$T/err" run "$T/docs.sql"
expect_rc 0 "legacy tumble job"
sort "$T/out" >"$T/out.sorted"
expect_same "$T/docs.expected" "$T/out.sorted" "GROUP BY TUMBLE over TIMESTAMP_LTZ in Asia/Shanghai"

# --- America/Los_Angeles, 2021-03-14 (02:00 PST -> 03:00 PDT): HOP 2 h
# slide 1 h. a at 09:30Z (01:30 PST), b at 10:00:30Z (03:00:30 PDT; its
# watermark 10:00:29Z), c at 09:45Z. [01:00, 03:00) ends in the gap:
# Flink fires it at 10:00Z, the hour the gap begins, so c is late in both
# its windows. window_time of a window ending at 03:00 is local 02:59:59.999
# moved past the gap (10:59:59.999Z).
printf '%s\n' 'a,1,1615714200000' 'b,2,1615716030000' 'c,4,1615715100000' \
    >"$T/dst.csv"
ltz_job America/Los_Angeles "$T/dst.csv" \
    "HOP(TABLE t, DESCRIPTOR(ts), INTERVAL '1' HOUR, INTERVAL '2' HOUR)" \
    >"$T/dst.sql"
cat >"$T/dst.expected" <<'OUT'
+I[2021-03-14T00:00, 2021-03-14T02:00, 2021-03-14T09:59:59.999Z, 1]
+I[2021-03-14T01:00, 2021-03-14T03:00, 2021-03-14T10:59:59.999Z, 1]
+I[2021-03-14T02:00, 2021-03-14T04:00, 2021-03-14T10:59:59.999Z, 2]
+I[2021-03-14T03:00, 2021-03-14T05:00, 2021-03-14T11:59:59.999Z, 2]
OUT
run_hf "$T/out" "$T/err" run "$T/dst.sql"
expect_rc 0 "Los Angeles hop job"
expect_same "$T/dst.expected" "$T/out" "HOP across the DST gap in America/Los_Angeles"

# --- TUMBLE 1 DAY across the 23-hour day: local midnights
printf '%s\n' 'a,1,1615714200000' 'b,2,1615789800000' 'c,4,1615793400000' \
    >"$T/dst2.csv"
ltz_job America/Los_Angeles "$T/dst2.csv" "$DAY" >"$T/dst2.sql"
cat >"$T/dst2.expected" <<'OUT'
+I[2021-03-14T00:00, 2021-03-15T00:00, 2021-03-15T06:59:59.999Z, 3]
+I[2021-03-15T00:00, 2021-03-16T00:00, 2021-03-16T06:59:59.999Z, 4]
OUT
run_hf "$T/out" "$T/err" run "$T/dst2.sql"
expect_rc 0 "Los Angeles day job"
expect_same "$T/dst2.expected" "$T/out" "TUMBLE 1 DAY across the DST day in America/Los_Angeles"

# --- legacy GROUP BY SESSION, Asia/Shanghai (watermark every 200 ms, so c
# is on time): sessions in local time, a and c merge across local midnight
sed -e "/auto-watermark-interval/d" -e "/batch.rows/d" "$T/sh.sql" |
    sed '/^INSERT/,$d' >"$T/sess.sql"
cat >>"$T/sess.sql" <<'SQL'
INSERT INTO o SELECT SESSION_START(ts, INTERVAL '1' HOUR),
  SESSION_END(ts, INTERVAL '1' HOUR), SESSION_ROWTIME(ts, INTERVAL '1' HOUR),
  SUM(price) FROM t GROUP BY SESSION(ts, INTERVAL '1' HOUR);
SQL
cat >"$T/sess.expected" <<'OUT'
+I[2021-04-15T23:30, 2021-04-16T00:45, 2021-04-15T16:44:59.999Z, 5]
+I[2021-04-16T01:00, 2021-04-16T02:00, 2021-04-15T17:59:59.999Z, 2]
+I[2021-04-16T18:00, 2021-04-16T19:00, 2021-04-16T10:59:59.999Z, 8]
OUT
run_hf "$T/out" "$T/err" run "$T/sess.sql"
expect_rc 0 "Shanghai session job"
expect_same "$T/sess.expected" "$T/out" "GROUP BY SESSION over TIMESTAMP_LTZ in Asia/Shanghai"

# --- PROCTIME() is TIMESTAMP_LTZ: its windows shift too (loosely: the
# clock decides which windows; ~3 s of 1 s windows). Every window_start
# is window_time + 8 h - 999 ms.
cat >"$T/proc.sql" <<'SQL'
SET 'table.local-time-zone' = 'Asia/Shanghai';
CREATE TABLE g (k INT, pt AS PROCTIME()) WITH ('connector' = 'datagen',
  'rows-per-second' = '50', 'fields.k.min' = '1', 'fields.k.max' = '1');
CREATE TABLE o (ws TIMESTAMP(3), we TIMESTAMP(3), wt TIMESTAMP_LTZ(3), n BIGINT)
WITH ('connector' = 'print');
INSERT INTO o SELECT window_start, window_end, window_time, COUNT(*)
FROM TABLE(TUMBLE(TABLE g, DESCRIPTOR(pt), INTERVAL '1' SECOND))
GROUP BY window_start, window_end, window_time;
SQL
"$HOLOFLOW" run "$T/proc.sql" >"$T/out" 2>"$T/err" &
pid=$!
sleep 3.5
kill -INT "$pid"
wait "$pid" || true
n=0
while IFS= read -r line; do
    ws=$(sed -E 's/^\+I\[([^,]*), .*/\1/' <<<"$line")
    wt=$(sed -E 's/^\+I\[[^,]*, [^,]*, ([^,]*)Z, .*/\1/' <<<"$line")
    # wt ends in .999: window_start is its whole second + 8 h (printed
    # without :00 seconds, as Java's LocalDateTime)
    want=$(date -u -d "${wt%.*} UTC + 8 hours" +%Y-%m-%dT%H:%M:%S 2>/dev/null || echo "?")
    [ "${#ws}" -eq 16 ] && ws="$ws:00"
    [ "$ws" = "$want" ] || fail "proctime window not in Shanghai time: $line"
    n=$((n + 1))
done <"$T/out"
[ "$n" -ge 1 ] || fail "proctime: no window fired in 3.5 s"

finish
