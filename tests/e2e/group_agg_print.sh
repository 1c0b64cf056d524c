#!/usr/bin/env bash
# Group aggregation through the print connector: the exact changelogs of
# the examples of flink-stateful-sql.md §1 (A, B, C, E, FILTER, HAVING,
# global aggregation, cascade, mini-batch), every aggregate function,
# streaming SELECT DISTINCT, batch mode, and the plan errors (a sink that
# takes only inserts, an ungrouped column, a primary key that is not the
# upsert key: a SinkUpsertMaterializer, tests/integration/test_upsert_mat_agg.sh).
. "$(dirname "$0")/lib.sh"
set -e

# dbz OP K V: one debezium-json line for table (k STRING, v INT).
dbz() {
    local row="{\"k\":\"$2\",\"v\":$3}"
    case $1 in
    c) echo "{\"before\":null,\"after\":$row,\"op\":\"c\"}" ;;
    d) echo "{\"before\":$row,\"after\":null,\"op\":\"d\"}" ;;
    esac
}

# job NAME "SELECT ..." "sink columns" [SET lines] [source file]: runs the
# query from table T (k STRING, v INT) into a print sink; output in $T/NAME.out
job() {
    local name=$1 query=$2 cols=$3 sets=${4:-} src=${5:-$T/t.json}
    local fmt=debezium-json
    case $src in *.csv) fmt=csv ;; esac
    cat >"$T/$name.sql" <<SQL
$sets
CREATE TABLE T (k STRING, v INT) WITH (
  'connector' = 'filesystem', 'path' = '$src', 'format' = '$fmt');
CREATE TABLE out ($cols) WITH ('connector' = 'print');
INSERT INTO out $query;
SQL
    run_hf "$T/$name.out" "$T/$name.err" run "$T/$name.sql"
    expect_rc 0 "$name job"
    if [ "$RC" -ne 0 ]; then cat "$T/$name.err" >&2; fi
}

# --- Example A: insert-only input.
printf 'Mary,10\nBob,5\nMary,20\n' >"$T/orders.csv"
job exA "SELECT k, COUNT(*) c, SUM(v) s FROM T GROUP BY k" \
    "k STRING, c BIGINT, s INT" "" "$T/orders.csv"
cat >"$T/exA.expected" <<'OUT'
+I[Mary, 1, 10]
+I[Bob, 1, 5]
-U[Mary, 1, 10]
+U[Mary, 2, 30]
OUT
expect_same "$T/exA.expected" "$T/exA.out" "example A"

# --- Example B: no change, no output.
printf 'a,5\na,3\na,7\n' >"$T/b.csv"
job exB "SELECT k, MAX(v) m FROM T GROUP BY k" "k STRING, m INT" "" "$T/b.csv"
printf '+I[a, 5]\n-U[a, 5]\n+U[a, 7]\n' >"$T/exB.expected"
expect_same "$T/exB.expected" "$T/exB.out" "example B"

# with table.exec.state.ttl the unchanged result is sent again (§1.1 step 6)
job exBttl "SELECT k, MAX(v) m FROM T GROUP BY k" "k STRING, m INT" \
    "SET 'table.exec.state.ttl' = '1 h';" "$T/b.csv"
printf '+I[a, 5]\n-U[a, 5]\n+U[a, 5]\n-U[a, 5]\n+U[a, 7]\n' >"$T/exBttl.expected"
expect_same "$T/exBttl.expected" "$T/exBttl.out" "example B with TTL"

# --- Example C: retracting input (debezium-json), SUM and MAX.
{ dbz c a 5; dbz c a 7; dbz d a 7; dbz d a 5; dbz d a 9; } >"$T/t.json"
job exC "SELECT k, SUM(v), MAX(v) FROM T GROUP BY k" "k STRING, s INT, m INT"
cat >"$T/exC.expected" <<'OUT'
+I[a, 5, 5]
-U[a, 5, 5]
+U[a, 12, 7]
-U[a, 12, 7]
+U[a, 5, 5]
-D[a, 5, 5]
OUT
expect_same "$T/exC.expected" "$T/exC.out" "example C"

# --- Example E: COUNT(DISTINCT).
{ dbz c a 1; dbz c a 1; dbz c a 2; dbz d a 1; dbz d a 1; } >"$T/t.json"
job exE "SELECT k, COUNT(DISTINCT v) FROM T GROUP BY k" "k STRING, n BIGINT"
cat >"$T/exE.expected" <<'OUT'
+I[a, 1]
-U[a, 1]
+U[a, 2]
-U[a, 2]
+U[a, 1]
OUT
expect_same "$T/exE.expected" "$T/exE.out" "example E"

# --- §1.4 FILTER: the group exists although its row fails the filter.
{ dbz c a 5; dbz c a 20; } >"$T/t.json"
job filter "SELECT k, COUNT(*) FILTER (WHERE v > 10) big, SUM(v) FILTER (WHERE v > 10) bigsum FROM T GROUP BY k" \
    "k STRING, big BIGINT, bigsum INT"
cat >"$T/filter.expected" <<'OUT'
+I[a, 0, null]
-U[a, 0, null]
+U[a, 1, 20]
OUT
expect_same "$T/filter.expected" "$T/filter.out" "FILTER"

# --- §1.5 HAVING: lone +U and -U.
{ dbz c u1 30; dbz c u1 40; dbz d u1 40; } >"$T/t.json"
job having "SELECT k, SUM(v) s FROM T GROUP BY k HAVING SUM(v) > 50" \
    "k STRING, s INT"
printf '+U[u1, 70]\n-U[u1, 70]\n' >"$T/having.expected"
expect_same "$T/having.expected" "$T/having.out" "HAVING"

# --- §1.6 global aggregation.
{ dbz c x 5; dbz c x 7; dbz d x 5; dbz d x 7; } >"$T/t.json"
job global "SELECT COUNT(*), SUM(v) FROM T" "c BIGINT, s INT"
cat >"$T/global.expected" <<'OUT'
+I[1, 5]
-U[1, 5]
+U[2, 12]
-U[2, 12]
+U[1, 7]
-D[1, 7]
OUT
expect_same "$T/global.expected" "$T/global.out" "global aggregation"

# --- §1.7 cascaded aggregation: intermediate rows.
printf 'a,1\nb,1\na,1\n' >"$T/casc.csv"
job cascade "SELECT cnt, COUNT(*) n FROM (SELECT k, COUNT(*) cnt FROM T GROUP BY k) GROUP BY cnt" \
    "cnt BIGINT, n BIGINT" "" "$T/casc.csv"
cat >"$T/cascade.expected" <<'OUT'
+I[1, 1]
-U[1, 1]
+U[1, 2]
-U[1, 2]
+U[1, 1]
+I[2, 1]
OUT
expect_same "$T/cascade.expected" "$T/cascade.out" "cascaded aggregation"

# --- §1.9 mini-batch: one bundle, one +I per key.
job minibatch "SELECT k, COUNT(*) c, SUM(v) s FROM T GROUP BY k" \
    "k STRING, c BIGINT, s INT" \
    "SET 'table.exec.mini-batch.enabled' = 'true'; SET 'table.exec.mini-batch.allow-latency' = '1 h'; SET 'table.exec.mini-batch.size' = '1000';" \
    "$T/orders.csv"
printf '+I[Mary, 2, 30]\n+I[Bob, 1, 5]\n' >"$T/minibatch.expected"
expect_same "$T/minibatch.expected" "$T/minibatch.out" "mini-batch"
# size 1: every row is its own bundle, as without mini-batch
job minibatch1 "SELECT k, COUNT(*) c, SUM(v) s FROM T GROUP BY k" \
    "k STRING, c BIGINT, s INT" \
    "SET 'table.exec.mini-batch.enabled' = 'true'; SET 'table.exec.mini-batch.allow-latency' = '1 h'; SET 'table.exec.mini-batch.size' = '1';" \
    "$T/orders.csv"
expect_same "$T/exA.expected" "$T/minibatch1.out" "mini-batch of one row"

# --- every function over one group (insert-only).
printf 'a,4\na,\na,2\na,4\na,1\n' >"$T/fn.csv"
job functions "SELECT k, COUNT(v), COUNT(*), SUM(v), AVG(v), MIN(v), MAX(v), FIRST_VALUE(v), LAST_VALUE(v), LISTAGG(CAST(v AS STRING)), LISTAGG(CAST(v AS STRING), '|'), COUNT(DISTINCT v), SUM(DISTINCT v), CAST(STDDEV_POP(CAST(v AS DOUBLE)) AS DECIMAL(10, 4)), CAST(VAR_SAMP(CAST(v AS DOUBLE)) AS DECIMAL(10, 4)) FROM T GROUP BY k" \
    "k STRING, c BIGINT, cs BIGINT, s INT, av INT, mi INT, ma INT, fv INT, lv INT, la STRING, lb STRING, cd BIGINT, sd INT, sp DECIMAL(10, 4), vs DECIMAL(10, 4)" \
    "SET 'execution.runtime-mode' = 'batch';" "$T/fn.csv"
printf '+I[a, 4, 5, 11, 2, 1, 4, 4, 1, 4,2,4,1, 4|2|4|1, 3, 7, 1.2990, 2.2500]\n' >"$T/functions.expected"
expect_same "$T/functions.expected" "$T/functions.out" "every aggregate function (batch)"

# --- streaming SELECT DISTINCT over a changelog: -D when the last copy goes.
{ dbz c a 1; dbz c a 1; dbz c b 2; dbz d a 1; dbz d a 1; } >"$T/t.json"
job distinct "SELECT DISTINCT k, v FROM T" "k STRING, v INT"
printf '+I[a, 1]\n+I[b, 2]\n-D[a, 1]\n' >"$T/distinct.expected"
expect_same "$T/distinct.expected" "$T/distinct.out" "streaming SELECT DISTINCT"

# --- batch mode: final rows only, as +I; an empty global aggregate gives a row.
job batch "SELECT k, COUNT(*) c, SUM(v) s FROM T GROUP BY k" \
    "k STRING, c BIGINT, s INT" "SET 'execution.runtime-mode' = 'batch';" \
    "$T/orders.csv"
sort "$T/batch.out" >"$T/batch.sorted"
printf '+I[Bob, 1, 5]\n+I[Mary, 2, 30]\n' >"$T/batch.expected"
expect_same "$T/batch.expected" "$T/batch.sorted" "batch mode"
: >"$T/empty.csv"
job batchempty "SELECT COUNT(*), SUM(v) FROM T" "c BIGINT, s INT" \
    "SET 'execution.runtime-mode' = 'batch';" "$T/empty.csv"
printf '+I[0, null]\n' >"$T/batchempty.expected"
expect_same "$T/batchempty.expected" "$T/batchempty.out" "batch global aggregate over no rows"

# --- aggregates over a view and a WITH query, GROUP BY an expression.
printf 'a,1\nab,2\nb,3\n' >"$T/v.csv"
cat >"$T/view.sql" <<SQL
CREATE TABLE T (k STRING, v INT) WITH (
  'connector' = 'filesystem', 'path' = '$T/v.csv', 'format' = 'csv');
CREATE TABLE out (l INT, s INT) WITH ('connector' = 'print');
CREATE VIEW V AS SELECT CHAR_LENGTH(k) AS l, SUM(v) AS s FROM T GROUP BY CHAR_LENGTH(k);
INSERT INTO out WITH w AS (SELECT l, s FROM V) SELECT l, s FROM w;
SQL
run_hf "$T/view.out" "$T/view.err" run "$T/view.sql"
expect_rc 0 "view job"
printf '+I[1, 1]\n+I[2, 2]\n-U[1, 1]\n+U[1, 4]\n' >"$T/view.expected"
expect_same "$T/view.expected" "$T/view.out" "GROUP BY an expression through a view and WITH"

# --- plan errors.
cat >"$T/kafka.sql" <<SQL
CREATE TABLE T (k STRING, v INT) WITH (
  'connector' = 'filesystem', 'path' = '$T/v.csv', 'format' = 'csv');
CREATE TABLE sink (k STRING, c BIGINT) WITH (
  'connector' = 'kafka', 'topic' = 't', 'properties.bootstrap.servers' = 'localhost:1',
  'format' = 'json');
INSERT INTO sink SELECT k, COUNT(*) FROM T GROUP BY k;
SQL
run_hf "$T/o" "$T/e" check "$T/kafka.sql"
expect_rc 2 "append-only sink refuses an updating query"
expect_grep "Table sink 'sink' (connector 'kafka') doesn't support consuming update changes which is produced by node GroupAggregate(groupBy=[k], select=[k, COUNT(*)])" "$T/e" "append-only sink message"
expect_grep "kafka.sql:6:13: error: " "$T/e" "append-only sink position"

cat >"$T/ungrouped.sql" <<SQL
CREATE TABLE T (k STRING, v INT) WITH (
  'connector' = 'filesystem', 'path' = '$T/v.csv', 'format' = 'csv');
CREATE TABLE out (k STRING, v INT) WITH ('connector' = 'print');
INSERT INTO out SELECT k, v FROM T GROUP BY k;
SQL
run_hf "$T/o" "$T/e" check "$T/ungrouped.sql"
expect_rc 2 "ungrouped column"
expect_grep "ungrouped.sql:4:27: error: Expression 'v' is not being grouped" "$T/e" "ungrouped column message"

cat >"$T/pk.sql" <<SQL
CREATE TABLE T (k STRING, v INT) WITH (
  'connector' = 'filesystem', 'path' = '$T/v.csv', 'format' = 'csv');
CREATE TABLE out (k STRING, c BIGINT, PRIMARY KEY (c) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = 't', 'properties.bootstrap.servers' = 'localhost:1',
  'key.format' = 'json', 'value.format' = 'json');
INSERT INTO out SELECT k, COUNT(*) FROM T GROUP BY k;
SQL
run_hf "$T/o" "$T/e" explain "$T/pk.sql"
expect_rc 0 "primary key that does not contain the upsert key"
expect_grep "upsert-materialize: on c, upsert key k (SinkUpsertMaterializer for 'out')" "$T/o" "materializer in front of the sink"
sed -i "1i SET 'table.exec.sink.upsert-materialize' = 'NONE';" "$T/pk.sql"
run_hf "$T/o" "$T/e" explain "$T/pk.sql"
expect_rc 0 "upsert-materialize NONE accepts the key mismatch"
grep -q "upsert-materialize:" "$T/o" && fail "NONE: no materializer expected"

finish
