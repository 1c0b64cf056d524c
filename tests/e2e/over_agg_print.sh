#!/usr/bin/env bash
# OVER aggregation through the print connector: exact output of Flink's
# documented query (over-agg.md: SUM(amount) OVER (PARTITION BY product
# ORDER BY order_time RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND
# CURRENT ROW)) on a small input, with several aggregates over a named
# WINDOW; ROWS BETWEEN 2 PRECEDING without PARTITION BY; UNBOUNDED
# PRECEDING (RANGE: peers share a result; ROWS: they do not); OVER
# aggregates inside expressions; a TUMBLE over the result; late rows
# dropped and counted; proctime ROWS; and the refusals `holoflow check`
# gives as Flink does (two windows, DESC, a non-time ORDER BY, FOLLOWING,
# a changelog input).
. "$(dirname "$0")/lib.sh"
set -e

printf '%s\n' 'o1,A,2026-01-01 10:00:00,10' 'o2,A,2026-01-01 10:30:00,20' \
    'o4,A,2026-01-01 10:30:00,1' 'o3,B,2026-01-01 10:40:00,5' \
    'o5,A,2026-01-01 11:15:00,7' 'o6,A,2026-01-01 12:00:00,3' \
    'o7,B,2026-01-01 12:00:00,8' >"$T/orders.csv"
orders() { # $1 = csv path
    cat <<SQL
CREATE TABLE Orders (order_id STRING, product STRING, order_time TIMESTAMP(3),
  amount INT, WATERMARK FOR order_time AS order_time - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = '$1', 'format' = 'csv');
SQL
}

# --- RANGE 1 hour, three aggregates over WINDOW w; o4 shares o2's time:
# they are peers (both 31). One watermark after every row.
{
    echo "SET 'pipeline.auto-watermark-interval' = '0';"
    echo "SET 'holoflow.batch.rows' = '1';"
    orders "$T/orders.csv"
    cat <<'SQL'
CREATE TABLE o (order_id STRING, order_time TIMESTAMP(3), amount INT,
  one_hour_sum INT, n BIGINT, mx INT) WITH ('connector' = 'print');
INSERT INTO o SELECT order_id, order_time, amount,
  SUM(amount) OVER w AS one_hour_sum, COUNT(*) OVER w, MAX(amount) OVER w
FROM Orders
WINDOW w AS (PARTITION BY product ORDER BY order_time
  RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW);
SQL
} >"$T/range.sql"
cat >"$T/range.expected" <<'OUT'
+I[o1, 2026-01-01T10:00, 10, 10, 1, 10]
+I[o2, 2026-01-01T10:30, 20, 31, 3, 20]
+I[o4, 2026-01-01T10:30, 1, 31, 3, 20]
+I[o3, 2026-01-01T10:40, 5, 5, 1, 5]
+I[o5, 2026-01-01T11:15, 7, 28, 3, 20]
+I[o6, 2026-01-01T12:00, 3, 10, 2, 7]
+I[o7, 2026-01-01T12:00, 8, 8, 1, 8]
OUT
run_hf "$T/out" "$T/err" run "$T/range.sql"
expect_rc 0 "RANGE job"
expect_same "$T/range.expected" "$T/out" "RANGE BETWEEN INTERVAL '1' HOUR PRECEDING"

# --- ROWS 2 PRECEDING, no PARTITION BY: in timestamp order.
{
    echo "SET 'pipeline.auto-watermark-interval' = '0';"
    echo "SET 'holoflow.batch.rows' = '1';"
    orders "$T/orders.csv"
    cat <<'SQL'
CREATE TABLE o (order_id STRING, amount INT, s INT, a INT, mn INT)
  WITH ('connector' = 'print');
INSERT INTO o SELECT order_id, amount,
  SUM(amount) OVER (ORDER BY order_time ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS s,
  AVG(amount) OVER (ORDER BY order_time ROWS BETWEEN 2 PRECEDING AND CURRENT ROW),
  MIN(amount) OVER (ORDER BY order_time ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)
FROM Orders;
SQL
} >"$T/rows.sql"
cat >"$T/rows.expected" <<'OUT'
+I[o1, 10, 10, 10, 10]
+I[o2, 20, 30, 15, 10]
+I[o4, 1, 31, 10, 1]
+I[o3, 5, 26, 8, 1]
+I[o5, 7, 13, 4, 1]
+I[o6, 3, 15, 5, 3]
+I[o7, 8, 18, 6, 3]
OUT
run_hf "$T/out" "$T/err" run "$T/rows.sql"
expect_rc 0 "ROWS job"
expect_same "$T/rows.expected" "$T/out" "ROWS BETWEEN 2 PRECEDING"

# --- UNBOUNDED PRECEDING: RANGE (peers together; also the default frame)
# and ROWS (one row at a time), with LISTAGG.
{
    echo "SET 'pipeline.auto-watermark-interval' = '0';"
    echo "SET 'holoflow.batch.rows' = '1';"
    orders "$T/orders.csv"
    cat <<'SQL'
CREATE TABLE o (order_id STRING, r INT, d INT, w INT, l STRING)
  WITH ('connector' = 'print');
CREATE VIEW v AS SELECT order_id, SUM(amount) OVER (PARTITION BY product ORDER BY order_time) AS d
FROM Orders;
INSERT INTO o SELECT order_id,
  SUM(amount) OVER (PARTITION BY product ORDER BY order_time RANGE UNBOUNDED PRECEDING),
  SUM(amount) OVER (PARTITION BY product ORDER BY order_time RANGE UNBOUNDED PRECEDING),
  SUM(amount) OVER (PARTITION BY product ORDER BY order_time RANGE UNBOUNDED PRECEDING),
  LISTAGG(order_id) OVER (PARTITION BY product ORDER BY order_time RANGE UNBOUNDED PRECEDING)
FROM Orders;
CREATE TABLE o2 (order_id STRING, d INT) WITH ('connector' = 'print', 'print-identifier' = 'default');
INSERT INTO o2 SELECT order_id, d FROM v;
CREATE TABLE o3 (order_id STRING, c BIGINT) WITH ('connector' = 'print', 'print-identifier' = 'rows');
INSERT INTO o3 SELECT order_id, COUNT(order_id) OVER (PARTITION BY product
  ORDER BY order_time ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM Orders;
SQL
} >"$T/unb.sql"
cat >"$T/unb.expected" <<'OUT'
+I[o1, 10, 10, 10, o1]
+I[o2, 31, 31, 31, o1,o2,o4]
+I[o4, 31, 31, 31, o1,o2,o4]
+I[o3, 5, 5, 5, o3]
+I[o5, 38, 38, 38, o1,o2,o4,o5]
+I[o6, 41, 41, 41, o1,o2,o4,o5,o6]
+I[o7, 13, 13, 13, o3,o7]
default> +I[o1, 10]
default> +I[o2, 31]
default> +I[o4, 31]
default> +I[o3, 5]
default> +I[o5, 38]
default> +I[o6, 41]
default> +I[o7, 13]
rows> +I[o1, 1]
rows> +I[o2, 2]
rows> +I[o4, 3]
rows> +I[o3, 1]
rows> +I[o5, 4]
rows> +I[o6, 5]
rows> +I[o7, 2]
OUT
run_hf "$T/out" "$T/err" run "$T/unb.sql"
expect_rc 0 "UNBOUNDED job"
{ grep -v '>' "$T/out" || true; grep '^default>' "$T/out" || true; grep '^rows>' "$T/out" || true; } >"$T/got"
expect_same "$T/unb.expected" "$T/got" "UNBOUNDED PRECEDING"

# --- OVER aggregates inside expressions (one window, three calls).
{
    echo "SET 'pipeline.auto-watermark-interval' = '0';"
    echo "SET 'holoflow.batch.rows' = '1';"
    orders "$T/orders.csv"
    cat <<'SQL'
CREATE TABLE o (order_id STRING, share DOUBLE, d BIGINT) WITH ('connector' = 'print');
INSERT INTO o SELECT order_id, CAST(amount AS DOUBLE) / SUM(amount) OVER w,
  amount - MAX(amount) OVER w + 0 * COUNT(*) OVER w
FROM Orders WINDOW w AS (PARTITION BY product ORDER BY order_time ROWS BETWEEN 1 PRECEDING AND CURRENT ROW);
SQL
} >"$T/expr.sql"
cat >"$T/expr.expected" <<'OUT'
+I[o1, 1.0, 0]
+I[o2, 0.6666666666666666, 0]
+I[o4, 0.047619047619047616, -19]
+I[o3, 1.0, 0]
+I[o5, 0.875, 0]
+I[o6, 0.3, -4]
+I[o7, 0.6153846153846154, 0]
OUT
run_hf "$T/out" "$T/err" run "$T/expr.sql"
expect_rc 0 "expression job"
expect_same "$T/expr.expected" "$T/out" "OVER aggregates inside expressions"

# --- late rows (a watermark after every row): o9 (10:20) arrives after
# the watermark passed 11:59:59. UNBOUNDED PRECEDING drops it (Flink's
# AbstractRowTimeUnboundedPrecedingOver: at or behind the watermark); the
# bounded RANGE frame takes it, as it is after the last time its key
# fired (10:00; Flink's RowTimeRangeBoundedPrecedingFunction), and fires
# it with o8 at the next watermark.
printf '%s\n' 'o1,A,2026-01-01 10:00:00,10' 'o8,A,2026-01-01 12:00:00,2' \
    'o9,A,2026-01-01 10:20:00,100' 'o10,A,2026-01-01 12:10:00,4' >"$T/late.csv"
sed -e "s|$T/orders.csv|$T/late.csv|" \
    -e "s|RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW|RANGE UNBOUNDED PRECEDING|" \
    "$T/range.sql" >"$T/late.sql"
cat >"$T/late.expected" <<'OUT'
+I[o1, 2026-01-01T10:00, 10, 10, 1, 10]
+I[o8, 2026-01-01T12:00, 2, 12, 2, 10]
+I[o10, 2026-01-01T12:10, 4, 16, 3, 10]
OUT
run_hf "$T/out" "$T/err" run "$T/late.sql"
expect_rc 0 "late row job"
expect_same "$T/late.expected" "$T/out" "late row dropped (UNBOUNDED PRECEDING)"
expect_grep "1 late row(s) dropped" "$T/err" "late row counted"
sed "s|$T/orders.csv|$T/late.csv|" "$T/range.sql" >"$T/late2.sql"
cat >"$T/late2.expected" <<'OUT'
+I[o1, 2026-01-01T10:00, 10, 10, 1, 10]
+I[o9, 2026-01-01T10:20, 100, 110, 2, 100]
+I[o8, 2026-01-01T12:00, 2, 2, 1, 2]
+I[o10, 2026-01-01T12:10, 4, 6, 2, 4]
OUT
run_hf "$T/out" "$T/err" run "$T/late2.sql"
expect_rc 0 "bounded late row job"
expect_same "$T/late2.expected" "$T/out" "a row behind the watermark taken by a bounded frame"

# --- the rowtime stays a time attribute after OVER aggregation (as in
# Flink): a TUMBLE window over the OVER aggregation's rows.
{
    echo "SET 'pipeline.auto-watermark-interval' = '0';"
    echo "SET 'holoflow.batch.rows' = '1';"
    orders "$T/orders.csv"
    cat <<'SQL'
CREATE VIEW v AS SELECT order_time, SUM(amount) OVER (PARTITION BY product
  ORDER BY order_time ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s FROM Orders;
CREATE TABLE o (ws TIMESTAMP(3), n BIGINT, mx INT) WITH ('connector' = 'print');
INSERT INTO o SELECT window_start, COUNT(*), MAX(s)
FROM TABLE(TUMBLE(TABLE v, DESCRIPTOR(order_time), INTERVAL '1' HOUR))
GROUP BY window_start, window_end;
SQL
} >"$T/tumble.sql"
cat >"$T/tumble.expected" <<'OUT'
+I[2026-01-01T10:00, 4, 30]
+I[2026-01-01T11:00, 1, 8]
+I[2026-01-01T12:00, 2, 13]
OUT
run_hf "$T/out" "$T/err" run "$T/tumble.sql"
expect_rc 0 "TUMBLE over OVER job"
expect_same "$T/tumble.expected" "$T/out" "TUMBLE over an OVER aggregation"

# --- proctime ROWS 1 PRECEDING: on arrival, in file order.
cat >"$T/proc.sql" <<SQL
CREATE TABLE P (k STRING, x INT, pt AS PROCTIME())
WITH ('connector' = 'filesystem', 'path' = '$T/p.csv', 'format' = 'csv');
CREATE TABLE o (k STRING, x INT, s INT, c BIGINT) WITH ('connector' = 'print');
INSERT INTO o SELECT k, x, SUM(x) OVER w, COUNT(*) OVER w FROM P
WINDOW w AS (PARTITION BY k ORDER BY pt ROWS BETWEEN 1 PRECEDING AND CURRENT ROW);
SQL
printf '%s\n' 'a,1' 'b,10' 'a,2' 'a,3' 'b,20' >"$T/p.csv"
cat >"$T/proc.expected" <<'OUT'
+I[a, 1, 1, 1]
+I[b, 10, 10, 1]
+I[a, 2, 3, 2]
+I[a, 3, 5, 2]
+I[b, 20, 30, 2]
OUT
run_hf "$T/out" "$T/err" run "$T/proc.sql"
expect_rc 0 "proctime job"
expect_same "$T/proc.expected" "$T/out" "proctime ROWS 1 PRECEDING"

# --- refusals, at file:line:col.
{
    orders "$T/orders.csv"
    cat <<SQL
CREATE TABLE c (k STRING, x INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
WITH ('connector' = 'filesystem', 'path' = '$T/c.json', 'format' = 'debezium-json');
CREATE TABLE o (a STRING, b INT, c INT) WITH ('connector' = 'print');
SQL
} >"$T/tables.sql"
refuse() {
    { cat "$T/tables.sql"; echo "$1"; } >"$T/bad.sql"
    run_hf "$T/out" "$T/err" check "$T/bad.sql"
    expect_rc 2 "check: $1"
    expect_grep "$2" "$T/err" "refusal of: $1"
}
refuse "INSERT INTO o SELECT product, SUM(amount) OVER (PARTITION BY product ORDER BY order_time), MAX(amount) OVER (ORDER BY order_time) FROM Orders;" \
    "bad.sql:7:104: error: all OVER aggregates of a SELECT must be computed on the same window"
refuse "INSERT INTO o SELECT product, amount, SUM(amount) OVER (ORDER BY order_time DESC) FROM Orders;" \
    "bad.sql:7:66: error: an OVER window can only be ordered in ASCENDING mode"
refuse "INSERT INTO o SELECT product, amount, SUM(amount) OVER (ORDER BY amount) FROM Orders;" \
    "bad.sql:7:66: error: ORDER BY column 'amount' of the OVER window is not a time attribute"
refuse "INSERT INTO o SELECT product, amount, SUM(amount) OVER (ORDER BY order_time ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM Orders;" \
    "bad.sql:7:106: error: an OVER window must end at CURRENT ROW"
refuse "INSERT INTO o SELECT k, x, SUM(x) OVER (PARTITION BY k ORDER BY ts) FROM c;" \
    "bad.sql:7:35: error: OVER aggregation does not support consuming update and delete changes (nor does Flink's OverAggregate); its input, table 'c', is a changelog"
refuse "INSERT INTO o SELECT product, amount, SUM(amount) OVER w FROM Orders WINDOW v AS (ORDER BY order_time);" \
    "bad.sql:7:56: error: window 'w' is not defined"
refuse "INSERT INTO o SELECT product, amount, SUM(amount) OVER (ORDER BY order_time RANGE BETWEEN 2 PRECEDING AND CURRENT ROW) FROM Orders;" \
    "error: the RANGE frame's offset must be a constant INTERVAL"
finish
