#!/usr/bin/env bash
# ROW_NUMBER() deduplication and Top-N through the print connector: the
# exact changelogs of flink-stateful-sql.md section 2 (Top-N with and
# without the row number, over insert-only and over retracting input;
# deduplication keep first/last on proctime and rowtime), a WITH query and
# a view, a Top-N fed to a GROUP BY, and the refusals `holoflow check`
# gives (RANK, OVER aggregation, no range, a rank offset, an insert-only
# sink, deduplication over a changelog).
. "$(dirname "$0")/lib.sh"
set -e

# --- Top-N over insert-only input (the reference's trace, N = 3).
printf 'c,p1,10\nc,p2,30\nc,p3,20\nc,p4,40\nc,p5,20\nd,q1,7\n' >"$T/sales.csv"
cat >"$T/topn.sql" <<SQL
CREATE TABLE s (cat STRING, p STRING, sales BIGINT) WITH (
  'connector' = 'filesystem', 'path' = '$T/sales.csv', 'format' = 'csv');
CREATE TABLE o3 (p STRING, sales BIGINT, rn BIGINT) WITH ('connector' = 'print', 'print-identifier' = 'rn');
CREATE TABLE o2 (p STRING, sales BIGINT) WITH ('connector' = 'print', 'print-identifier' = 'norn');
INSERT INTO o3 SELECT p, sales, rn FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY cat ORDER BY sales DESC) AS rn FROM s
) WHERE rn <= 3;
INSERT INTO o2
WITH r AS (SELECT p, sales, cat, ROW_NUMBER() OVER (PARTITION BY cat ORDER BY sales DESC) AS rn FROM s)
SELECT p, sales FROM r WHERE rn < 4;
SQL
cat >"$T/topn.expected" <<'OUT'
rn> +I[p1, 10, 1]
rn> -U[p1, 10, 1]
rn> +U[p2, 30, 1]
rn> +I[p1, 10, 2]
rn> -U[p1, 10, 2]
rn> +U[p3, 20, 2]
rn> +I[p1, 10, 3]
rn> -U[p2, 30, 1]
rn> +U[p4, 40, 1]
rn> -U[p3, 20, 2]
rn> +U[p2, 30, 2]
rn> -U[p1, 10, 3]
rn> +U[p3, 20, 3]
rn> +I[q1, 7, 1]
norn> +I[p1, 10]
norn> +I[p2, 30]
norn> +I[p3, 20]
norn> -D[p1, 10]
norn> +I[p4, 40]
norn> +I[q1, 7]
OUT
run_hf "$T/out" "$T/err" run "$T/topn.sql"
expect_rc 0 "Top-N job"
{ grep '^rn>' "$T/out"; grep '^norn>' "$T/out"; } >"$T/got" || true
expect_same "$T/topn.expected" "$T/got" "Top-N over insert-only input"

# --- Top-N over a changelog: a retraction brings in the next row.
cat >"$T/cdc.json" <<'JSON'
{"before":null,"after":{"cat":"c","p":"p1","sales":10},"op":"c"}
{"before":null,"after":{"cat":"c","p":"p2","sales":30},"op":"c"}
{"before":null,"after":{"cat":"c","p":"p3","sales":20},"op":"c"}
{"before":null,"after":{"cat":"c","p":"p4","sales":40},"op":"c"}
{"before":{"cat":"c","p":"p2","sales":30},"after":null,"op":"d"}
{"before":{"cat":"c","p":"p4","sales":40},"after":{"cat":"c","p":"p4","sales":15},"op":"u"}
JSON
sed -e "s|'$T/sales.csv', 'format' = 'csv'|'$T/cdc.json', 'format' = 'debezium-json'|" \
    "$T/topn.sql" >"$T/cdc.sql"
cat >"$T/cdc.expected" <<'OUT'
rn> +I[p1, 10, 1]
rn> -U[p1, 10, 1]
rn> +U[p2, 30, 1]
rn> +I[p1, 10, 2]
rn> -U[p1, 10, 2]
rn> +U[p3, 20, 2]
rn> +I[p1, 10, 3]
rn> -U[p2, 30, 1]
rn> +U[p4, 40, 1]
rn> -U[p3, 20, 2]
rn> +U[p2, 30, 2]
rn> -U[p1, 10, 3]
rn> +U[p3, 20, 3]
rn> -U[p2, 30, 2]
rn> +U[p3, 20, 2]
rn> -U[p3, 20, 3]
rn> +U[p1, 10, 3]
rn> -U[p4, 40, 1]
rn> +U[p3, 20, 1]
rn> -U[p3, 20, 2]
rn> +U[p1, 10, 2]
rn> -D[p1, 10, 3]
rn> -U[p1, 10, 2]
rn> +U[p4, 15, 2]
rn> +I[p1, 10, 3]
norn> +I[p1, 10]
norn> +I[p2, 30]
norn> +I[p3, 20]
norn> -D[p1, 10]
norn> +I[p4, 40]
norn> -D[p2, 30]
norn> +I[p1, 10]
norn> -D[p4, 40]
norn> +I[p4, 15]
OUT
run_hf "$T/out" "$T/err" run "$T/cdc.sql"
expect_rc 0 "Top-N over a changelog"
{ grep '^rn>' "$T/out"; grep '^norn>' "$T/out"; } >"$T/got" || true
expect_same "$T/cdc.expected" "$T/got" "Top-N over a changelog"

# --- Deduplication: keep first / last, on rowtime and on proctime.
cat >"$T/ev.csv" <<'CSV'
k1,2026-01-01 00:00:10,a
k1,2026-01-01 00:00:08,b
k2,2026-01-01 00:00:30,c
k1,2026-01-01 00:00:09,d
k1,2026-01-01 00:00:10,e
CSV
cat >"$T/dedup.sql" <<SQL
CREATE TABLE ev (k STRING, ts TIMESTAMP(3), v STRING, pt AS PROCTIME(),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) WITH (
  'connector' = 'filesystem', 'path' = '$T/ev.csv', 'format' = 'csv');
CREATE TABLE rf (k STRING, ts TIMESTAMP(3), v STRING) WITH ('connector' = 'print', 'print-identifier' = 'rowtime-first');
CREATE TABLE rl (k STRING, ts TIMESTAMP(3), v STRING) WITH ('connector' = 'print', 'print-identifier' = 'rowtime-last');
CREATE TABLE pf (k STRING, v STRING) WITH ('connector' = 'print', 'print-identifier' = 'proc-first');
CREATE TABLE pl (k STRING, v STRING) WITH ('connector' = 'print', 'print-identifier' = 'proc-last');
CREATE VIEW firsts AS SELECT * FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY pt ASC) AS rn FROM ev) WHERE rn = 1;
INSERT INTO rf SELECT k, ts, v FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY ts) AS rn FROM ev) WHERE rn = 1;
INSERT INTO rl SELECT k, ts, v FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY ts DESC) AS rn FROM ev) WHERE rn <= 1;
INSERT INTO pf SELECT k, v FROM firsts;
INSERT INTO pl SELECT k, v FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY pt DESC) AS rn FROM ev) WHERE rn = 1;
SQL
cat >"$T/dedup.expected" <<'OUT'
rowtime-first> +I[k1, 2026-01-01T00:00:10, a]
rowtime-first> -U[k1, 2026-01-01T00:00:10, a]
rowtime-first> +U[k1, 2026-01-01T00:00:08, b]
rowtime-first> +I[k2, 2026-01-01T00:00:30, c]
rowtime-last> +I[k1, 2026-01-01T00:00:10, a]
rowtime-last> +I[k2, 2026-01-01T00:00:30, c]
rowtime-last> -U[k1, 2026-01-01T00:00:10, a]
rowtime-last> +U[k1, 2026-01-01T00:00:10, e]
proc-first> +I[k1, a]
proc-first> +I[k2, c]
proc-last> +I[k1, a]
proc-last> -U[k1, a]
proc-last> +U[k1, b]
proc-last> +I[k2, c]
proc-last> -U[k1, b]
proc-last> +U[k1, d]
proc-last> -U[k1, d]
proc-last> +U[k1, e]
OUT
run_hf "$T/out" "$T/err" run "$T/dedup.sql"
expect_rc 0 "deduplication job"
for id in rowtime-first rowtime-last proc-first proc-last; do
    grep "^$id>" "$T/out" || true
done >"$T/got"
expect_same "$T/dedup.expected" "$T/got" "deduplication"
run_hf "$T/out" "$T/err" explain "$T/dedup.sql"
expect_grep "deduplicate: keep first row on rowtime by k order by ts" "$T/out" "explain rowtime keep-first"
expect_grep "deduplicate: keep last row on proctime by k order by pt" "$T/out" "explain proctime keep-last"

# --- A Top-1 fed to a GROUP BY: the aggregate retracts what Top-N retracts.
cat >"$T/agg.sql" <<SQL
CREATE TABLE s (cat STRING, p STRING, sales BIGINT) WITH (
  'connector' = 'filesystem', 'path' = '$T/sales.csv', 'format' = 'csv');
CREATE TABLE o (n BIGINT, total BIGINT) WITH ('connector' = 'print');
INSERT INTO o SELECT COUNT(*), SUM(sales) FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY cat ORDER BY sales DESC) AS rn FROM s
) WHERE rn = 1;
SQL
# Top-1 without rn sends -D(old) +I(new); the global aggregate's hidden
# COUNT(*) reaches 0 in between, so it deletes and inserts (reference 1.1).
cat >"$T/agg.expected" <<'OUT'
+I[1, 10]
-D[1, 10]
+I[1, 30]
-D[1, 30]
+I[1, 40]
-U[1, 40]
+U[2, 47]
OUT
run_hf "$T/out" "$T/err" run "$T/agg.sql"
expect_rc 0 "Top-1 into GROUP BY"
expect_same "$T/agg.expected" "$T/out" "Top-1 into GROUP BY"

# --- Refusals, by name and place.
cat >"$T/tables.sql" <<SQL
CREATE TABLE s (cat STRING, p STRING, sales BIGINT, pt AS PROCTIME()) WITH (
  'connector' = 'filesystem', 'path' = '$T/sales.csv', 'format' = 'csv');
CREATE TABLE c (cat STRING, p STRING, sales BIGINT, pt AS PROCTIME()) WITH (
  'connector' = 'filesystem', 'path' = '$T/cdc.json', 'format' = 'debezium-json');
CREATE TABLE o (p STRING, sales BIGINT) WITH ('connector' = 'print');
CREATE TABLE k (p STRING, sales BIGINT) WITH ('connector' = 'kafka', 'topic' = 't',
  'properties.bootstrap.servers' = 'localhost:9092', 'format' = 'json');
SQL
refuse() {
    { cat "$T/tables.sql"; echo "$1"; } >"$T/bad.sql"
    run_hf "$T/out" "$T/err" check "$T/bad.sql"
    expect_rc 2 "check: $1"
    expect_grep "$2" "$T/err" "refusal of: $1"
}
refuse "INSERT INTO o SELECT p, sales FROM (SELECT *, RANK() OVER (PARTITION BY cat ORDER BY sales) AS r FROM s) WHERE r <= 3;" \
    "bad.sql:8:47: error: RANK() OVER (...) is not supported (Flink's streaming Top-N supports ROW_NUMBER() only)"
refuse "INSERT INTO o SELECT p, SUM(sales) OVER (PARTITION BY cat ORDER BY sales) FROM s;" \
    "error: ORDER BY column 'sales' of the OVER window is not a time attribute"
refuse "INSERT INTO o SELECT p, ROW_NUMBER() OVER (PARTITION BY cat ORDER BY sales) FROM s;" \
    "bad.sql:8:38: error: ROW_NUMBER() OVER (...) needs the query reading it to keep a top range"
refuse "INSERT INTO o SELECT p, sales FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY cat ORDER BY sales) AS rn FROM s) WHERE rn BETWEEN 2 AND 3;" \
    "error: a rank range starting above 1 (rn >= 2) is not supported"
refuse "INSERT INTO k SELECT p, sales FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY cat ORDER BY sales) AS rn FROM s) WHERE rn <= 3;" \
    "bad.sql:8:13: error: Table sink 'k' (connector 'kafka') doesn't support consuming update changes which is produced by node Rank("
refuse "INSERT INTO o SELECT p, sales FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY cat ORDER BY pt DESC) AS rn FROM c) WHERE rn = 1;" \
    "error: deduplication (ROW_NUMBER() ... ORDER BY a time attribute, rn = 1) does not support consuming update and delete changes"
# Keep-first proctime deduplication is insert-only: any sink takes it.
{ cat "$T/tables.sql"; echo "INSERT INTO k SELECT p, sales FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY cat ORDER BY pt) AS rn FROM s) WHERE rn = 1;"; } >"$T/ok.sql"
run_hf "$T/out" "$T/err" check "$T/ok.sql"
expect_rc 0 "keep-first deduplication into an insert-only sink"
finish
