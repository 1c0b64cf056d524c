#!/usr/bin/env bash
# Regular joins end to end: the exact changelog the print connector shows
# for LEFT, RIGHT, FULL and INNER joins over a debezium-json changelog
# (Flink's StreamingJoinOperator traces, flink-stateful-sql.md §4.1),
# comma joins with WHERE, chains of joins over views and WITH queries, a
# key compared across types, batch mode; and the refusals: ambiguous
# names, a join without equality, an outer join into an insert-only sink.
#
# Both sides read one changelog file (`s` says the side), one row per
# batch: the source emits each row into the join in file order, so the
# trace is deterministic.
. "$(dirname "$0")/lib.sh"
set -e

# The reference trace: o1 on the left; p1, p2 for it on the right; p1
# deleted; p2 moved to another key; o1 deleted.
cat >"$T/ev.json" <<'JSON'
{"before":null,"after":{"s":"L","k":1,"v":"o1"},"op":"c"}
{"before":null,"after":{"s":"R","k":1,"v":"p1"},"op":"c"}
{"before":null,"after":{"s":"R","k":1,"v":"p2"},"op":"c"}
{"before":{"s":"R","k":1,"v":"p1"},"after":null,"op":"d"}
{"before":{"s":"R","k":1,"v":"p2"},"after":{"s":"R","k":2,"v":"p2"},"op":"u"}
{"before":{"s":"L","k":1,"v":"o1"},"after":null,"op":"d"}
JSON

# job QUERY-TAIL: a job printing a.k, a.v, b.k, b.v of the query
job() {
    cat >"$T/job.sql" <<SQL
SET 'holoflow.batch.rows' = '1';
CREATE TABLE ev (s STRING, k INT, v STRING)
WITH ('connector' = 'filesystem', 'path' = '$T/ev.json', 'format' = 'debezium-json');
CREATE VIEW l AS SELECT k, v FROM ev WHERE s = 'L';
CREATE VIEW r AS SELECT k, v FROM ev WHERE s = 'R';
CREATE TABLE out (a INT, av STRING, b INT, bv STRING) WITH ('connector' = 'print');
$1
SQL
}

# check WHAT EXPECTED
check() {
    printf '%s\n' "$2" >"$T/expected"
    run_hf "$T/out" "$T/err" run "$T/job.sql"
    expect_rc 0 "$1"
    [ "$RC" -eq 0 ] || cat "$T/err" >&2
    expect_same "$T/expected" "$T/out" "$1"
}

job "INSERT INTO out SELECT a.k, a.v, b.k, b.v FROM l AS a LEFT JOIN r AS b ON a.k = b.k;"
check "LEFT JOIN" "+I[1, o1, null, null]
-D[1, o1, null, null]
+I[1, o1, 1, p1]
+I[1, o1, 1, p2]
-D[1, o1, 1, p1]
-U[1, o1, 1, p2]
+I[1, o1, null, null]
-D[1, o1, null, null]"

# explain: the join node, its keys and residual, its two inputs.
job "INSERT INTO out SELECT a.k, a.v, b.k, b.v FROM l AS a LEFT JOIN r AS b ON a.k = b.k AND b.v <> 'x';"
run_hf "$T/out" "$T/err" explain "$T/job.sql"
expect_rc 0 "explain"
expect_grep "  n4 join: LEFT, key (a.k = b.k), where b.v <> 'x' <- n2, n3" "$T/out" "explain"

# The mirror image: the right side is outer.
job "INSERT INTO out SELECT b.k, b.v, a.k, a.v FROM r AS b RIGHT OUTER JOIN l AS a ON b.k = a.k;"
check "RIGHT JOIN" "+I[null, null, 1, o1]
-D[null, null, 1, o1]
+I[1, p1, 1, o1]
+I[1, p2, 1, o1]
-D[1, p1, 1, o1]
-U[1, p2, 1, o1]
+I[null, null, 1, o1]
-D[null, null, 1, o1]"

# Both outer: every retraction is -D, the right rows are padded too.
job "INSERT INTO out SELECT l.k, l.v, r.k, r.v FROM l FULL JOIN r ON l.k = r.k;"
check "FULL JOIN" "+I[1, o1, null, null]
-D[1, o1, null, null]
+I[1, o1, 1, p1]
+I[1, o1, 1, p2]
-D[1, o1, 1, p1]
-D[1, o1, 1, p2]
+I[1, o1, null, null]
+I[null, null, 2, p2]
-D[1, o1, null, null]"

# INNER: the input's kinds pass through (-U stays -U).
job "INSERT INTO out SELECT l.k, l.v, r.k, r.v FROM l INNER JOIN r ON l.k = r.k;"
check "INNER JOIN" "+I[1, o1, 1, p1]
+I[1, o1, 1, p2]
-D[1, o1, 1, p1]
-U[1, o1, 1, p2]"

# A comma join takes its condition from WHERE; what spans one side only
# filters after it. WITH queries and a subquery as the sides.
job "INSERT INTO out WITH ll AS (SELECT * FROM l)
SELECT x.k, x.v, y.k, y.v FROM ll x, (SELECT k, v FROM r) y WHERE x.k = y.k AND y.v <> 'p1';"
check "comma join" "+I[1, o1, 1, p2]
-U[1, o1, 1, p2]"

# A chain of three joins; a key compared across types (INT and BIGINT)
# and an expression key. The second join's inputs come from two threads
# (the first join's task and the source), so their order is not fixed:
# what is checked is the final result the changelog folds to.
# fold: the rows a changelog leaves (+I/+U add, -U/-D remove), sorted
fold() {
    awk '{ k = substr($0, 1, 2); r = substr($0, 3)
           if (k == "+I" || k == "+U") c[r]++; else c[r]--
           if (c[r] < 0) neg = 1 }
         END { for (r in c) for (i = 0; i < c[r]; i++) print r
               if (neg) print "NEGATIVE" }' "$1" | sort
}
cat >"$T/ev.json" <<'JSON'
{"before":null,"after":{"s":"L","k":1,"v":"o1"},"op":"c"}
{"before":null,"after":{"s":"R","k":1,"v":"p1"},"op":"c"}
{"before":null,"after":{"s":"R","k":2,"v":"p3"},"op":"c"}
{"before":null,"after":{"s":"L","k":2,"v":"o2"},"op":"c"}
{"before":null,"after":{"s":"R","k":1,"v":"p2"},"op":"c"}
{"before":{"s":"R","k":2,"v":"p3"},"after":null,"op":"d"}
JSON
job "INSERT INTO out SELECT a.k, a.v, c.k, c.v FROM l a
JOIN (SELECT CAST(k AS BIGINT) AS k, v FROM r) b ON a.k = b.k
LEFT JOIN r c ON c.k + 0 = b.k AND c.v = b.v;"
run_hf "$T/out" "$T/err" run "$T/job.sql"
expect_rc 0 "chain"
fold "$T/out" >"$T/folded"
printf '%s\n' "[1, o1, 1, p1]" "[1, o1, 1, p2]" >"$T/expected"
expect_same "$T/expected" "$T/folded" "chain (final rows)"

# Batch mode: inserts only, an unmatched left row padded at the end.
cat >"$T/l.json" <<'JSON'
{"k":1,"v":"o1"}
{"k":2,"v":"o2"}
JSON
cat >"$T/r.json" <<'JSON'
{"k":1,"v":"p1"}
{"k":3,"v":"p3"}
JSON
cat >"$T/job.sql" <<SQL
SET 'execution.runtime-mode' = 'batch';
CREATE TABLE l (k INT, v STRING) WITH ('connector' = 'filesystem', 'path' = '$T/l.json', 'format' = 'json');
CREATE TABLE r (k INT, v STRING) WITH ('connector' = 'filesystem', 'path' = '$T/r.json', 'format' = 'json');
CREATE TABLE out (a INT, av STRING, b INT, bv STRING) WITH ('connector' = 'print');
INSERT INTO out SELECT l.k, l.v, r.k, r.v FROM l LEFT JOIN r ON l.k = r.k;
SQL
run_hf "$T/out" "$T/err" run "$T/job.sql"
expect_rc 0 "batch LEFT JOIN"
sort "$T/out" >"$T/sorted"
printf '%s\n' "+I[1, o1, 1, p1]" "+I[2, o2, null, null]" >"$T/expected"
expect_same "$T/expected" "$T/sorted" "batch LEFT JOIN"

# Interval joins (Flink's RowTimeIntervalJoin): both sides read one file
# with a WATERMARK (ts, raised after every row), so the trace is exact:
# matches within the bound, a row that never matched padded when the
# watermark passes its bound + 1 ms (min-cleanup-interval 0: 12:00:16.001,
# at the watermark 12:00:20), a late row padded at once, inserts only.
cat >"$T/iv.json" <<'JSON'
{"s":"L","id":1,"ts":"2024-01-01 12:00:00"}
{"s":"R","id":1,"ts":"2024-01-01 12:00:05"}
{"s":"L","id":2,"ts":"2024-01-01 12:00:06"}
{"s":"R","id":9,"ts":"2024-01-01 12:00:12"}
{"s":"L","id":3,"ts":"2024-01-01 12:00:20"}
{"s":"L","id":4,"ts":"2024-01-01 12:00:03"}
{"s":"R","id":3,"ts":"2024-01-01 12:00:25"}
JSON
ivjob() {
    cat >"$T/job.sql" <<SQL
SET 'holoflow.batch.rows' = '1';
SET 'pipeline.auto-watermark-interval' = '0';
CREATE TABLE ev (s STRING, id INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
WITH ('connector' = 'filesystem', 'path' = '$T/iv.json', 'format' = 'json');
CREATE VIEW a AS SELECT id, ts FROM ev WHERE s = 'L';
CREATE VIEW b AS SELECT id, ts FROM ev WHERE s = 'R';
CREATE TABLE out (id INT, t1 TIMESTAMP(3), t2 TIMESTAMP(3)) WITH ($1);
INSERT INTO out SELECT a.id, a.ts, b.ts FROM a $2 JOIN b
ON a.id = b.id AND b.ts BETWEEN a.ts AND a.ts + INTERVAL '10' SECOND;
SQL
}
ivjob "'connector' = 'print'" LEFT
run_hf "$T/out" "$T/err" run "$T/job.sql"
expect_rc 0 "LEFT interval join"
printf '%s\n' "+I[1, 2024-01-01T12:00, 2024-01-01T12:00:05]" \
    "+I[2, 2024-01-01T12:00:06, null]" \
    "+I[4, 2024-01-01T12:00:03, null]" \
    "+I[3, 2024-01-01T12:00:20, 2024-01-01T12:00:25]" >"$T/expected"
expect_same "$T/expected" "$T/out" "LEFT interval join"
if grep -q "warning" "$T/err"; then fail "interval join warned:"; cat "$T/err" >&2; fi
ivjob "'connector' = 'print'" ""
run_hf "$T/out" "$T/err" run "$T/job.sql"
expect_rc 0 "inner interval join"
printf '%s\n' "+I[1, 2024-01-01T12:00, 2024-01-01T12:00:05]" \
    "+I[3, 2024-01-01T12:00:20, 2024-01-01T12:00:25]" >"$T/expected"
expect_same "$T/expected" "$T/out" "inner interval join"
run_hf "$T/out" "$T/err" explain "$T/job.sql"
expect_grep "interval-join: INNER, key (a.id = b.id), interval event time, l.ts - r.ts in [-10000, 0] ms" "$T/out" "interval join explain"
# Inserts only: an append-only sink takes an outer interval join.
ivjob "'connector' = 'kafka', 'topic' = 't', 'properties.bootstrap.servers' = 'localhost:1', 'format' = 'csv'" FULL
run_hf "$T/out" "$T/err" check "$T/job.sql"
expect_rc 0 "FULL interval join into an append-only sink"

# Processing time: PROCTIME() columns on both sides, bounds of a minute:
# every pair of the (quickly read) file matches.
cat >"$T/job.sql" <<SQL
SET 'holoflow.batch.rows' = '1';
CREATE TABLE ev (s STRING, id INT, ts TIMESTAMP(3), pt AS PROCTIME())
WITH ('connector' = 'filesystem', 'path' = '$T/iv.json', 'format' = 'json');
CREATE VIEW a AS SELECT id, pt FROM ev WHERE s = 'L';
CREATE VIEW b AS SELECT id, pt FROM ev WHERE s = 'R';
CREATE TABLE out (id INT) WITH ('connector' = 'print');
INSERT INTO out SELECT a.id FROM a JOIN b
ON a.id = b.id AND a.pt BETWEEN b.pt - INTERVAL '1' MINUTE AND b.pt + INTERVAL '1' MINUTE;
SQL
run_hf "$T/out" "$T/err" explain "$T/job.sql"
expect_grep "interval processing time, l.pt - r.pt in [-60000, 60000] ms" "$T/out" "proctime interval join explain"
run_hf "$T/out" "$T/err" run "$T/job.sql"
expect_rc 0 "proctime interval join"
printf '%s\n' "+I[1]" "+I[3]" >"$T/expected"
expect_same "$T/expected" "$T/out" "proctime interval join"

# Refusals, by name and place.
# refuse WHAT QUERY MESSAGE
refuse() {
    job "$2"
    run_hf "$T/out" "$T/err" check "$T/job.sql"
    expect_rc 2 "$1"
    expect_grep "$3" "$T/err" "$1"
}
refuse "ambiguous column" \
    "INSERT INTO out SELECT k, l.v, r.k, r.v FROM l JOIN r ON l.k = r.k;" \
    "job.sql:7:24: error: column 'k' is ambiguous: tables 'l' and 'r' both have it; qualify it (l.k)"
refuse "unknown qualifier" \
    "INSERT INTO out SELECT x.k, l.v, r.k, r.v FROM l JOIN r ON l.k = r.k;" \
    "unknown table 'x' in 'x.k'; the join reads 'l', 'r'"
refuse "no equality" \
    "INSERT INTO out SELECT l.k, l.v, r.k, r.v FROM l JOIN r ON l.k < r.k;" \
    "job.sql:7:50: error: JOIN without an equality condition between its two sides is not supported"
refuse "lookup join on a view" \
    "INSERT INTO out SELECT l.k, l.v, r.k, r.v FROM l JOIN r FOR SYSTEM_TIME AS OF l.k ON l.k = r.k;" \
    "'r' is a view; a lookup join reads a table whose connector answers lookups"
cat >"$T/job.sql" <<SQL
CREATE TABLE l (k INT, v STRING) WITH ('connector' = 'filesystem', 'path' = '$T/l.json', 'format' = 'json');
CREATE TABLE r (k INT, v STRING) WITH ('connector' = 'filesystem', 'path' = '$T/r.json', 'format' = 'json');
CREATE TABLE out (a INT, av STRING, b INT, bv STRING)
WITH ('connector' = 'kafka', 'topic' = 't', 'properties.bootstrap.servers' = 'localhost:9', 'format' = 'json');
INSERT INTO out SELECT l.k, l.v, r.k, r.v FROM l LEFT JOIN r ON l.k = r.k;
SQL
run_hf "$T/out" "$T/err" check "$T/job.sql"
expect_rc 2 "outer join into an insert-only sink"
expect_grep "the query produces a changelog (the LEFT JOIN at line 5, column 50 emits updates and deletes) but table 'out' (connector 'kafka') accepts only inserts" "$T/err" "outer join into an insert-only sink"
# An inner join of two append-only tables is append-only.
sed -i 's/ LEFT JOIN / JOIN /' "$T/job.sql"
run_hf "$T/out" "$T/err" check "$T/job.sql"
expect_rc 0 "inner join into an insert-only sink"

finish
