#!/usr/bin/env bash
# Streaming `ORDER BY keys LIMIT n` (Flink's SortLimit, a Rank without
# partition keys and without the row number) through the print connector:
# the exact changelog over insert-only input, over a GROUP BY and over a
# debezium changelog (a retraction brings in the next row), one instance at parallelism 2,
# and the refusals (ORDER BY without LIMIT, OFFSET, an expression key,
# batch mode, an insert-only sink).
. "$(dirname "$0")/lib.sh"
set -e

printf 'c,p1,10\nc,p2,30\nc,p3,20\nc,p4,40\nc,p5,20\nd,q1,7\n' >"$T/sales.csv"
cat >"$T/top.sql" <<SQL
CREATE TABLE s (cat STRING, p STRING, sales BIGINT) WITH (
  'connector' = 'filesystem', 'path' = '$T/sales.csv', 'format' = 'csv');
CREATE TABLE o (p STRING, sales BIGINT) WITH ('connector' = 'print', 'print-identifier' = 'top');
INSERT INTO o SELECT p, sales FROM s ORDER BY sales DESC LIMIT 3;
SQL
# p5 ties the third (p3, 20) and stays out; q1 is below.
cat >"$T/top.expected" <<'OUT'
top> +I[p1, 10]
top> +I[p2, 30]
top> +I[p3, 20]
top> -D[p1, 10]
top> +I[p4, 40]
OUT
run_hf "$T/out" "$T/err" run "$T/top.sql"
expect_rc 0 "ORDER BY ... LIMIT job"
grep '^top>' "$T/out" >"$T/got" || true
expect_same "$T/top.expected" "$T/got" "ORDER BY sales DESC LIMIT 3 over insert-only input"
run_hf "$T/out" "$T/err" explain "$T/top.sql"
expect_grep "rank: ROW_NUMBER() over (partition by (none) order by sales desc nulls last) <= 3; no row number" \
    "$T/out" "explain of ORDER BY ... LIMIT"

# Over a GROUP BY (its -U/+U), in a subquery, ascending by an alias.
sed -e 's/^INSERT.*/INSERT INTO o SELECT * FROM (SELECT cat AS p, SUM(sales) AS x FROM s GROUP BY cat ORDER BY x DESC LIMIT 1);/' \
    "$T/top.sql" >"$T/agg.sql"
cat >"$T/agg.expected" <<'OUT'
top> +I[c, 10]
top> -D[c, 10]
top> +I[c, 40]
top> -D[c, 40]
top> +I[c, 60]
top> -D[c, 60]
top> +I[c, 100]
top> -D[c, 100]
top> +I[c, 120]
OUT
run_hf "$T/out" "$T/err" run "$T/agg.sql"
expect_rc 0 "ORDER BY ... LIMIT over a GROUP BY"
grep '^top>' "$T/out" >"$T/got" || true
expect_same "$T/agg.expected" "$T/got" "ORDER BY x DESC LIMIT 1 over a GROUP BY"

# Over a changelog, at parallelism 2 (the rank runs as one instance).
cat >"$T/cdc.json" <<'JSON'
{"before":null,"after":{"cat":"c","p":"p1","sales":10},"op":"c"}
{"before":null,"after":{"cat":"c","p":"p2","sales":30},"op":"c"}
{"before":null,"after":{"cat":"c","p":"p3","sales":20},"op":"c"}
{"before":null,"after":{"cat":"c","p":"p4","sales":40},"op":"c"}
{"before":{"cat":"c","p":"p2","sales":30},"after":null,"op":"d"}
{"before":{"cat":"c","p":"p4","sales":40},"after":{"cat":"c","p":"p4","sales":15},"op":"u"}
JSON
{ echo "SET 'parallelism.default' = '2';"
  sed -e "s|'$T/sales.csv', 'format' = 'csv'|'$T/cdc.json', 'format' = 'debezium-json'|" "$T/top.sql"
} >"$T/cdc.sql"
cat >"$T/cdc.expected" <<'OUT'
top> +I[p1, 10]
top> +I[p2, 30]
top> +I[p3, 20]
top> -D[p1, 10]
top> +I[p4, 40]
top> -D[p2, 30]
top> +I[p1, 10]
top> -D[p4, 40]
top> +I[p4, 15]
OUT
run_hf "$T/out" "$T/err" run "$T/cdc.sql"
expect_rc 0 "ORDER BY ... LIMIT over a changelog"
grep '^top>' "$T/out" >"$T/got" || true
expect_same "$T/cdc.expected" "$T/got" "ORDER BY sales DESC LIMIT 3 over a changelog"
run_hf "$T/out" "$T/err" explain "$T/cdc.sql"
expect_grep "n3 rank: one instance (a Top-N without partition keys" "$T/out" \
    "ORDER BY ... LIMIT at parallelism 2"

head -3 "$T/top.sql" >"$T/tables.sql"
echo "CREATE TABLE k (p STRING, sales BIGINT) WITH ('connector' = 'kafka', 'topic' = 't', 'properties.bootstrap.servers' = 'localhost:9', 'format' = 'json');" >>"$T/tables.sql"
refuse() {
    { echo "${3:-}"; cat "$T/tables.sql"; echo "$1"; } >"$T/bad.sql"
    run_hf "$T/out" "$T/err" check "$T/bad.sql"
    expect_rc 2 "check: $1"
    expect_grep "$2" "$T/err" "refusal of: $1"
}
refuse "INSERT INTO o SELECT p, sales FROM s ORDER BY sales;" \
    "error: ORDER BY without LIMIT is not supported in streaming mode"
refuse "INSERT INTO o SELECT p, sales FROM s ORDER BY sales LIMIT 2 OFFSET 1;" \
    "error: OFFSET with ORDER BY ... LIMIT is not supported in streaming mode"
refuse "INSERT INTO o SELECT p, sales FROM s ORDER BY sales + 1 LIMIT 2;" \
    "error: ORDER BY of a query must name a column of its SELECT list"
refuse "INSERT INTO o SELECT p, sales FROM s ORDER BY sales LIMIT 2;" \
    "error: ORDER BY is not supported in batch mode" \
    "SET 'execution.runtime-mode' = 'batch';"
refuse "INSERT INTO k SELECT p, sales FROM s ORDER BY sales LIMIT 2;" \
    "doesn't support consuming update changes which is produced by node Rank("
refuse "INSERT INTO o SELECT cat AS p, sales FROM s ORDER BY s.p LIMIT 2;" \
    "error: ORDER BY s.p: a qualified key must be a column of the one FROM table that the SELECT list outputs unchanged"
refuse "INSERT INTO o SELECT p, sales FROM s ORDER BY x.sales LIMIT 2;" \
    "error: ORDER BY x.sales: a qualified key must be"
refuse "INSERT INTO o SELECT p, sales AS p FROM s ORDER BY p LIMIT 2;" \
    "error: ORDER BY key 'p' is ambiguous"

# A qualified key that is the output column: as the unqualified one.
sed -e 's/^INSERT.*/INSERT INTO o SELECT s.p, sales FROM s AS s ORDER BY s.sales DESC LIMIT 3;/' \
    "$T/top.sql" >"$T/qual.sql"
run_hf "$T/out" "$T/err" run "$T/qual.sql"
expect_rc 0 "qualified ORDER BY key"
grep '^top>' "$T/out" >"$T/got" || true
expect_same "$T/top.expected" "$T/got" "ORDER BY s.sales DESC LIMIT 3"
finish
