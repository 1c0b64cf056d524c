#!/usr/bin/env bash
# Event time and windows through the print sink, checked against the
# traces of Flink's documentation (window-tvf.md, window-agg.md, the Bid
# table) and flink-stateful-sql.md §3.2: TUMBLE, HOP and CUMULATE window
# aggregates, a window TVF without aggregation, legacy GROUP BY TUMBLE with
# TUMBLE_START/_END/_ROWTIME, a late row dropped and counted, session
# windows (legacy and TVF, merging, late rows), and the refusals.
. "$(dirname "$0")/lib.sh"
set -e

cat >"$T/bid.csv" <<'CSV'
2020-04-15 08:05:00,4.00,C,supplier1
2020-04-15 08:07:00,2.00,A,supplier1
2020-04-15 08:09:00,5.00,D,supplier2
2020-04-15 08:11:00,3.00,B,supplier2
2020-04-15 08:13:00,1.00,E,supplier1
2020-04-15 08:17:00,6.00,F,supplier2
CSV
bid_table() { # $1 = csv path
    cat <<SQL
CREATE TABLE Bid (bidtime TIMESTAMP(3), price DECIMAL(10, 2), item STRING,
  supplier_id STRING, WATERMARK FOR bidtime AS bidtime - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = '$1', 'format' = 'csv');
CREATE TABLE o (window_start TIMESTAMP(3), window_end TIMESTAMP(3),
  total DECIMAL(38, 2)) WITH ('connector' = 'print');
SQL
}
agg_job() { # $1 = window function call
    bid_table "$T/bid.csv"
    echo "INSERT INTO o SELECT window_start, window_end, SUM(price)"
    echo "FROM TABLE($1) GROUP BY window_start, window_end;"
}

# --- TUMBLE 10 min (window-agg.md)
agg_job "TUMBLE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES)" >"$T/tumble.sql"
cat >"$T/tumble.expected" <<'OUT'
+I[2020-04-15T08:00, 2020-04-15T08:10, 11.00]
+I[2020-04-15T08:10, 2020-04-15T08:20, 10.00]
OUT
run_hf "$T/out" "$T/err" run "$T/tumble.sql"
expect_rc 0 "tumble job"
expect_same "$T/tumble.expected" "$T/out" "TUMBLE window aggregate"

# --- the same in batch mode: the source's final watermark fires them
{ echo "SET 'execution.runtime-mode' = 'batch';"; cat "$T/tumble.sql"; } >"$T/tumble_b.sql"
run_hf "$T/out" "$T/err" run "$T/tumble_b.sql"
expect_rc 0 "tumble batch job"
expect_same "$T/tumble.expected" "$T/out" "TUMBLE window aggregate, batch mode"

# --- HOP slide 5 min, size 10 min
agg_job "HOP(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '5' MINUTES, INTERVAL '10' MINUTES)" >"$T/hop.sql"
cat >"$T/hop.expected" <<'OUT'
+I[2020-04-15T08:00, 2020-04-15T08:10, 11.00]
+I[2020-04-15T08:05, 2020-04-15T08:15, 15.00]
+I[2020-04-15T08:10, 2020-04-15T08:20, 10.00]
+I[2020-04-15T08:15, 2020-04-15T08:25, 6.00]
OUT
run_hf "$T/out" "$T/err" run "$T/hop.sql"
expect_rc 0 "hop job"
expect_same "$T/hop.expected" "$T/out" "HOP window aggregate"

# --- CUMULATE step 2 min, size 10 min
agg_job "CUMULATE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '2' MINUTES, INTERVAL '10' MINUTES)" >"$T/cum.sql"
cat >"$T/cum.expected" <<'OUT'
+I[2020-04-15T08:00, 2020-04-15T08:06, 4.00]
+I[2020-04-15T08:00, 2020-04-15T08:08, 6.00]
+I[2020-04-15T08:00, 2020-04-15T08:10, 11.00]
+I[2020-04-15T08:10, 2020-04-15T08:12, 3.00]
+I[2020-04-15T08:10, 2020-04-15T08:14, 4.00]
+I[2020-04-15T08:10, 2020-04-15T08:16, 4.00]
+I[2020-04-15T08:10, 2020-04-15T08:18, 10.00]
+I[2020-04-15T08:10, 2020-04-15T08:20, 10.00]
OUT
run_hf "$T/out" "$T/err" run "$T/cum.sql"
expect_rc 0 "cumulate job"
expect_same "$T/cum.expected" "$T/out" "CUMULATE window aggregate"

# --- TUMBLE with an offset of 5 minutes: windows [08:05, 08:15), [08:15, 08:25)
agg_job "TUMBLE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES, INTERVAL '5' MINUTES)" >"$T/off.sql"
cat >"$T/off.expected" <<'OUT'
+I[2020-04-15T08:05, 2020-04-15T08:15, 15.00]
+I[2020-04-15T08:15, 2020-04-15T08:25, 6.00]
OUT
run_hf "$T/out" "$T/err" run "$T/off.sql"
expect_rc 0 "tumble offset job"
expect_same "$T/off.expected" "$T/out" "TUMBLE with offset"

# --- window TVF without aggregation: each row once per HOP window
{
    bid_table "$T/bid.csv"
    cat <<'SQL'
CREATE TABLE o2 (bidtime TIMESTAMP(3), item STRING, s TIMESTAMP(3),
  e TIMESTAMP(3), t TIMESTAMP(3)) WITH ('connector' = 'print');
INSERT INTO o2 SELECT bidtime, item, window_start, window_end, window_time
FROM TABLE(HOP(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '5' MINUTES,
  INTERVAL '10' MINUTES)) WHERE price > 4;
SQL
} >"$T/tvf.sql"
cat >"$T/tvf.expected" <<'OUT'
+I[2020-04-15T08:09, D, 2020-04-15T08:05, 2020-04-15T08:15, 2020-04-15T08:14:59.999]
+I[2020-04-15T08:09, D, 2020-04-15T08:00, 2020-04-15T08:10, 2020-04-15T08:09:59.999]
+I[2020-04-15T08:17, F, 2020-04-15T08:15, 2020-04-15T08:25, 2020-04-15T08:24:59.999]
+I[2020-04-15T08:17, F, 2020-04-15T08:10, 2020-04-15T08:20, 2020-04-15T08:19:59.999]
OUT
run_hf "$T/out" "$T/err" run "$T/tvf.sql"
expect_rc 0 "window TVF job"
expect_same "$T/tvf.expected" "$T/out" "window TVF without aggregation"

# --- legacy group window with a key (rows of one window sorted: their
# order within a window is the state's)
{
    bid_table "$T/bid.csv"
    cat <<'SQL'
CREATE TABLE o3 (s TIMESTAMP(3), e TIMESTAMP(3), r TIMESTAMP(3), sup STRING,
  total DECIMAL(38, 2), n BIGINT) WITH ('connector' = 'print');
INSERT INTO o3 SELECT TUMBLE_START(bidtime, INTERVAL '10' MINUTE),
  TUMBLE_END(bidtime, INTERVAL '10' MINUTE),
  TUMBLE_ROWTIME(bidtime, INTERVAL '10' MINUTE), supplier_id, SUM(price),
  COUNT(*)
FROM Bid GROUP BY TUMBLE(bidtime, INTERVAL '10' MINUTE), supplier_id;
SQL
} >"$T/legacy.sql"
cat >"$T/legacy.expected" <<'OUT'
+I[2020-04-15T08:00, 2020-04-15T08:10, 2020-04-15T08:09:59.999, supplier1, 6.00, 2]
+I[2020-04-15T08:00, 2020-04-15T08:10, 2020-04-15T08:09:59.999, supplier2, 5.00, 1]
+I[2020-04-15T08:10, 2020-04-15T08:20, 2020-04-15T08:19:59.999, supplier1, 1.00, 1]
+I[2020-04-15T08:10, 2020-04-15T08:20, 2020-04-15T08:19:59.999, supplier2, 9.00, 2]
OUT
run_hf "$T/out" "$T/err" run "$T/legacy.sql"
expect_rc 0 "legacy group window job"
sort "$T/out" >"$T/out.sorted"
expect_same "$T/legacy.expected" "$T/out.sorted" "GROUP BY TUMBLE(...)"

# --- legacy HOP(ts, slide, size) with HOP_START/HOP_END
{
    bid_table "$T/bid.csv"
    cat <<'SQL'
INSERT INTO o SELECT HOP_START(bidtime, INTERVAL '5' MINUTE, INTERVAL '10' MINUTE),
  HOP_END(bidtime, INTERVAL '5' MINUTE, INTERVAL '10' MINUTE), SUM(price)
FROM Bid GROUP BY HOP(bidtime, INTERVAL '5' MINUTE, INTERVAL '10' MINUTE);
SQL
} >"$T/lhop.sql"
run_hf "$T/out" "$T/err" run "$T/lhop.sql"
expect_rc 0 "legacy hop job"
expect_same "$T/hop.expected" "$T/out" "GROUP BY HOP(...)"

# --- out of order and late (flink-stateful-sql.md §3.2): a watermark after
# every row; 08:08 arrives after the watermark passed 08:09:59.999
printf '%s\n' '2020-04-15 08:05:00,4.00,C,supplier1' \
    '2020-04-15 08:07:00,2.00,A,supplier1' '2020-04-15 08:09:00,5.00,D,supplier2' \
    '2020-04-15 08:11:00,3.00,B,supplier2' '2020-04-15 08:08:00,9.00,X,supplier1' \
    >"$T/late.csv"
{
    echo "SET 'pipeline.auto-watermark-interval' = '0';"
    echo "SET 'holoflow.batch.rows' = '1';"
    bid_table "$T/late.csv"
    echo "INSERT INTO o SELECT window_start, window_end, SUM(price)"
    echo "FROM TABLE(TUMBLE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES))"
    echo "GROUP BY window_start, window_end;"
} >"$T/late.sql"
cat >"$T/late.expected" <<'OUT'
+I[2020-04-15T08:00, 2020-04-15T08:10, 11.00]
+I[2020-04-15T08:10, 2020-04-15T08:20, 3.00]
OUT
run_hf "$T/out" "$T/err" run "$T/late.sql"
expect_rc 0 "late rows job"
expect_same "$T/late.expected" "$T/out" "late row dropped"
expect_grep "1 late row(s) dropped" "$T/err" "late row counted"

# --- an out-of-order row inside the delay still counts (08:09:30 after
# 08:10:00 with a 1 s delay: the watermark is 08:09:59, the window is open)
printf '%s\n' '2020-04-15 08:05:00,4.00,C,s' '2020-04-15 08:10:00,1.00,A,s' \
    '2020-04-15 08:09:59.500,2.00,B,s' >"$T/ooo.csv"
sed "s|$T/late.csv|$T/ooo.csv|" "$T/late.sql" >"$T/ooo.sql"
cat >"$T/ooo.expected" <<'OUT'
+I[2020-04-15T08:00, 2020-04-15T08:10, 6.00]
+I[2020-04-15T08:10, 2020-04-15T08:20, 1.00]
OUT
run_hf "$T/out" "$T/err" run "$T/ooo.sql"
expect_rc 0 "out-of-order job"
expect_same "$T/ooo.expected" "$T/out" "out-of-order row within the delay"

# --- processing time (loosely: the clock decides the windows): datagen at
# 200 rows/s, 1 s windows per key, stopped after ~3 s. Every row is one
# key's count in a window of exactly one second.
cat >"$T/proc.sql" <<'SQL'
CREATE TABLE g (k INT, pt AS PROCTIME()) WITH ('connector' = 'datagen',
  'rows-per-second' = '200', 'fields.k.min' = '1', 'fields.k.max' = '2');
CREATE TABLE o (ws TIMESTAMP(3), we TIMESTAMP(3), k INT, n BIGINT)
WITH ('connector' = 'print');
INSERT INTO o SELECT window_start, window_end, k, COUNT(*)
FROM TABLE(TUMBLE(TABLE g, DESCRIPTOR(pt), INTERVAL '1' SECOND))
GROUP BY window_start, window_end, k;
SQL
"$HOLOFLOW" run "$T/proc.sql" >"$T/out" 2>"$T/err" &
pid=$!
sleep 3.5
kill -INT "$pid"
wait "$pid" || true
awk -F'[][, ]+' '
    { split($2, a, /[T:]/); split($3, b, /[T:]/)
      s = a[2] * 3600 + a[3] * 60 + a[4]; e = b[2] * 3600 + b[3] * 60 + b[4]
      if ($1 != "+I" || (e - s + 86400) % 86400 != 1 || ($4 != 1 && $4 != 2) || $5 < 1) bad++
      n++ }
    END { exit !(n >= 2 && bad == 0) }' "$T/out" ||
    fail "processing-time windows: $(cat "$T/out")"

# --- refusals, by name and place
{
    cat <<SQL
CREATE TABLE Bid (bidtime TIMESTAMP(3), price DECIMAL(10, 2))
WITH ('connector' = 'filesystem', 'path' = '$T/bid.csv', 'format' = 'csv');
CREATE TABLE o (s TIMESTAMP(3), total DECIMAL(38, 2)) WITH ('connector' = 'print');
INSERT INTO o SELECT window_start, SUM(price)
FROM TABLE(TUMBLE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '1' MINUTE))
GROUP BY window_start, window_end;
SQL
} >"$T/noattr.sql"
run_hf "$T/out" "$T/err" check "$T/noattr.sql"
expect_rc 2 "no time attribute"
expect_grep "noattr.sql:5:41: error: the window function requires the time column to be a time attribute" "$T/err" "time attribute refusal"

# --- session windows (flink-stateful-sql.md §3.2, §3.3): per key, rows
# whose [ts, ts + 5 s) windows touch merge (a@8 bridges [0, 8) and
# [12, 17)); sessions fire in end order when the final watermark passes
cat >"$T/sess.csv" <<'CSV'
a,1,2026-01-01 00:00:00
a,2,2026-01-01 00:00:03
b,10,2026-01-01 00:00:04
a,4,2026-01-01 00:00:12
a,8,2026-01-01 00:00:08
b,20,2026-01-01 00:00:30
a,16,2026-01-01 00:00:40
a,32,2026-01-01 00:00:20
CSV
sess_table() { # $1 = csv path
    cat <<SQL
CREATE TABLE s (k STRING, v INT, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = '$1', 'format' = 'csv');
SQL
}
{
    sess_table "$T/sess.csv"
    cat <<'SQL'
CREATE TABLE o (k STRING, s TIMESTAMP(3), e TIMESTAMP(3), r TIMESTAMP(3),
  c BIGINT, v INT) WITH ('connector' = 'print');
INSERT INTO o SELECT k, SESSION_START(ts, INTERVAL '5' SECOND),
  SESSION_END(ts, INTERVAL '5' SECOND), SESSION_ROWTIME(ts, INTERVAL '5' SECOND),
  COUNT(*), SUM(v)
FROM s GROUP BY k, SESSION(ts, INTERVAL '5' SECOND);
SQL
} >"$T/lsess.sql"
cat >"$T/lsess.expected" <<'OUT'
+I[b, 2026-01-01T00:00:04, 2026-01-01T00:00:09, 2026-01-01T00:00:08.999, 1, 10]
+I[a, 2026-01-01T00:00, 2026-01-01T00:00:17, 2026-01-01T00:00:16.999, 4, 15]
+I[a, 2026-01-01T00:00:20, 2026-01-01T00:00:25, 2026-01-01T00:00:24.999, 1, 32]
+I[b, 2026-01-01T00:00:30, 2026-01-01T00:00:35, 2026-01-01T00:00:34.999, 1, 20]
+I[a, 2026-01-01T00:00:40, 2026-01-01T00:00:45, 2026-01-01T00:00:44.999, 1, 16]
OUT
run_hf "$T/out" "$T/err" run "$T/lsess.sql"
expect_rc 0 "legacy session job"
expect_same "$T/lsess.expected" "$T/out" "GROUP BY k, SESSION(...)"
{
    sess_table "$T/sess.csv"
    cat <<'SQL'
CREATE TABLE o (k STRING, s TIMESTAMP(3), e TIMESTAMP(3), c BIGINT, v INT)
WITH ('connector' = 'print');
INSERT INTO o SELECT k, window_start, window_end, COUNT(*), SUM(v)
FROM TABLE(SESSION(TABLE s PARTITION BY k, DESCRIPTOR(ts), INTERVAL '5' SECONDS))
GROUP BY k, window_start, window_end;
SQL
} >"$T/tsess.sql"
cut -d, -f1-3,5- "$T/lsess.expected" >"$T/tsess.expected"
run_hf "$T/out" "$T/err" run "$T/tsess.sql"
expect_rc 0 "session TVF job"
expect_same "$T/tsess.expected" "$T/out" "SESSION(TABLE s PARTITION BY k, ...)"
# without PARTITION BY: one session stream over all keys
sed -e 's/ PARTITION BY k//' -e 's/GROUP BY k, /GROUP BY /' \
    -e "s/SELECT k, window_start/SELECT 'all', window_start/" "$T/tsess.sql" >"$T/gsess.sql"
cat >"$T/gsess.expected" <<'OUT'
+I[all, 2026-01-01T00:00, 2026-01-01T00:00:17, 5, 25]
+I[all, 2026-01-01T00:00:20, 2026-01-01T00:00:25, 1, 32]
+I[all, 2026-01-01T00:00:30, 2026-01-01T00:00:35, 1, 20]
+I[all, 2026-01-01T00:00:40, 2026-01-01T00:00:45, 1, 16]
OUT
run_hf "$T/out" "$T/err" run "$T/gsess.sql"
expect_rc 0 "global session job"
expect_same "$T/gsess.expected" "$T/out" "SESSION without PARTITION BY"
# in parallel (keyed by k, docs/parallelism.md): the same sessions, the
# keys' rows interleaved between the instances in any order
for f in lsess tsess gsess; do
    run_hf "$T/out" "$T/err" run "$T/$f.sql" --set parallelism.default=2
    expect_rc 0 "$f at parallelism 2"
    sort "$T/$f.expected" >"$T/want.sorted"
    sort "$T/out" >"$T/got.sorted"
    expect_same "$T/want.sorted" "$T/got.sorted" "$f at parallelism 2"
done
run_hf "$T/out" "$T/err" explain "$T/tsess.sql" --set parallelism.default=2
expect_grep "session-window-aggregate: 2 instances" "$T/out" "session aggregate in two instances"

# a watermark after every row: a@5 arrives when the watermark (19 s) has
# passed its own session's end (10 s) and it touches no open session: late;
# a@18 joins the open session [20, 25)
printf '%s\n' 'a,1,2026-01-01 00:00:00' 'a,2,2026-01-01 00:00:03' \
    'a,4,2026-01-01 00:00:20' 'a,8,2026-01-01 00:00:05' 'a,16,2026-01-01 00:00:18' \
    >"$T/slate.csv"
{
    echo "SET 'pipeline.auto-watermark-interval' = '0';"
    echo "SET 'holoflow.batch.rows' = '1';"
    sed "s|$T/sess.csv|$T/slate.csv|" "$T/lsess.sql"
} >"$T/slate.sql"
cat >"$T/slate.expected" <<'OUT'
+I[a, 2026-01-01T00:00, 2026-01-01T00:00:08, 2026-01-01T00:00:07.999, 2, 3]
+I[a, 2026-01-01T00:00:18, 2026-01-01T00:00:25, 2026-01-01T00:00:24.999, 2, 20]
OUT
run_hf "$T/out" "$T/err" run "$T/slate.sql"
expect_rc 0 "late session job"
expect_same "$T/slate.expected" "$T/out" "session: late row dropped, early row merged"
expect_grep "1 late row(s) dropped" "$T/err" "session late row counted"

# session refusals, by name and place
sess_refused() { # $1 = name, $2 = query, $3 = expected error
    { sess_table "$T/sess.csv"
      echo "CREATE TABLE o (k STRING, v BIGINT) WITH ('connector' = 'print');"
      echo "$2"; } >"$T/$1.sql"
    run_hf "$T/out" "$T/err" check "$T/$1.sql"
    expect_rc 2 "$1"
    expect_grep "$1.sql:$3" "$T/err" "$1 refusal"
}
sess_refused snopart "INSERT INTO o SELECT k, COUNT(*) FROM TABLE(SESSION(TABLE s, DESCRIPTOR(ts), INTERVAL '5' SECOND)) GROUP BY k, window_start, window_end;" \
    "5:109: error: GROUP BY over a SESSION window takes window_start, window_end and the SESSION's PARTITION BY columns only"
sess_refused snoagg "INSERT INTO o SELECT k, v FROM TABLE(SESSION(TABLE s PARTITION BY k, DESCRIPTOR(ts), INTERVAL '5' SECOND));" \
    "5:38: error: the SESSION window function is supported only under GROUP BY window_start, window_end"
sess_refused stumblepart "INSERT INTO o SELECT k, COUNT(*) FROM TABLE(TUMBLE(TABLE s PARTITION BY k, DESCRIPTOR(ts), INTERVAL '5' SECOND)) GROUP BY k, window_start, window_end;" \
    "5:60: error: PARTITION BY in the TUMBLE window function is not supported"
sess_refused soffset "INSERT INTO o SELECT k, COUNT(*) FROM s GROUP BY k, SESSION(ts, INTERVAL '5' SECOND, INTERVAL '1' SECOND);" \
    "5:53: error: SESSION(time, gap) takes 2 arguments"

# --- a computed rowtime (ts AS TO_TIMESTAMP_LTZ(ms, 3)) read through a
# view: renamed it stays the time attribute; any other expression under
# the same name is a plain value, refused as in Flink.
printf '1,1586937900000\n2,1586938020000\n3,1586938740000\n' >"$T/ms.csv"
crt_job() { # $1 = view's select list, $2 = descriptor column
    cat <<SQL
CREATE TABLE s (id INT, ms BIGINT, ts AS TO_TIMESTAMP_LTZ(ms, 3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = '$T/ms.csv', 'format' = 'csv');
CREATE TABLE o (ws TIMESTAMP(3), c BIGINT) WITH ('connector' = 'print');
CREATE VIEW v AS SELECT $1 FROM s;
INSERT INTO o SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE v, DESCRIPTOR($2), INTERVAL '10' MINUTES)) GROUP BY window_start, window_end;
SQL
}
cat >"$T/crt.expected" <<'OUT'
+I[2020-04-15T08:00, 2]
+I[2020-04-15T08:10, 1]
OUT
crt_job "id, ts AS t2" t2 >"$T/crt_rename.sql"
run_hf "$T/out" "$T/err" run "$T/crt_rename.sql"
expect_rc 0 "computed rowtime renamed"
expect_same "$T/crt.expected" "$T/out" "computed rowtime renamed in a view is the window's time"
crt_job "id, ts" ts >"$T/crt_same.sql"
run_hf "$T/out" "$T/err" run "$T/crt_same.sql"
expect_rc 0 "computed rowtime through a view"
expect_same "$T/crt.expected" "$T/out" "computed rowtime through a view"
crt_job "id, ts + INTERVAL '1' HOUR AS ts" ts >"$T/crt_shift.sql"
run_hf "$T/out" "$T/err" check "$T/crt_shift.sql"
expect_rc 2 "shifted rowtime"
expect_grep "crt_shift.sql:6:83: error: the window function requires the time column to be a time attribute" "$T/err" "ts + INTERVAL AS ts is no time attribute"
crt_job "id, TO_TIMESTAMP_LTZ(ms, 3) AS ts" ts >"$T/crt_again.sql"
run_hf "$T/out" "$T/err" check "$T/crt_again.sql"
expect_rc 2 "recomputed rowtime"
expect_grep "crt_again.sql:6:83: error: the window function requires the time column to be a time attribute" "$T/err" "the rowtime's expression written again is no time attribute"

finish
