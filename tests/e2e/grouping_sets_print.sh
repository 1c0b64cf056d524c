#!/usr/bin/env bash
# GROUP BY GROUPING SETS / ROLLUP / CUBE and GROUPING(), GROUPING_ID()
# through the print connector: the exact changelogs on a small input (one
# group aggregate per grouping set, columns not in the set NULL), a
# retraction from a debezium-json source, a plain column beside ROLLUP
# (the cross product), and the errors.
. "$(dirname "$0")/lib.sh"
set -e

printf 'x,a,10\nx,b,5\ny,a,20\n' >"$T/in.csv"
# job NAME "GROUP BY tail" [SELECT list] [source def]
# bygs FILE: the changelog lines, grouped by the grouping id (3rd column)
# keeping each set's order: the sets' aggregates run side by side, so only
# the order within one set is fixed.
bygs() { grep '^[-+]' "$1" | sort -s -t, -k3,3 || true; }

job() {
    local sel=${3:-"k, s, GROUPING_ID(k, s), COUNT(*), SUM(v)"}
    cat >"$T/$1.sql" <<SQL
CREATE TABLE T (k STRING, s STRING, v INT) WITH (
  'connector' = 'filesystem', 'path' = '$T/in.csv', 'format' = 'csv');
CREATE TABLE D (k STRING, s STRING, v INT) WITH (
  'connector' = 'filesystem', 'path' = '$T/in.json', 'format' = 'debezium-json');
CREATE TABLE out (k STRING, s STRING, g BIGINT, c BIGINT, t INT)
  WITH ('connector' = 'print');
INSERT INTO out SELECT $sel FROM ${4:-T} GROUP BY $2;
SQL
    run_hf "$T/$1.out" "$T/$1.err" run "$T/$1.sql"
}

job sets "GROUPING SETS ((k, s), (k), ())"
expect_rc 0 "grouping sets job"
cat >"$T/sets.expected" <<'OUT'
+I[x, a, 0, 1, 10]
+I[x, b, 0, 1, 5]
+I[y, a, 0, 1, 20]
+I[null, null, 3, 1, 10]
-U[null, null, 3, 1, 10]
+U[null, null, 3, 2, 15]
-U[null, null, 3, 2, 15]
+U[null, null, 3, 3, 35]
+I[x, null, 1, 1, 10]
-U[x, null, 1, 1, 10]
+U[x, null, 1, 2, 15]
+I[y, null, 1, 1, 20]
OUT
bygs "$T/sets.out" >"$T/sets.got"
bygs "$T/sets.expected" >"$T/sets.exp2" && mv "$T/sets.exp2" "$T/sets.expected"
expect_same "$T/sets.expected" "$T/sets.got" "GROUPING SETS"

job rollup "ROLLUP (k, s)"
expect_rc 0 "rollup job"
grep '^[-+]' "$T/rollup.out" | sort >"$T/rollup.got" || true
sort "$T/sets.expected" >"$T/rollup.expected"
expect_same "$T/rollup.expected" "$T/rollup.got" "ROLLUP = GROUPING SETS ((k, s), (k), ())"

job cube "CUBE (k, s)"
expect_rc 0 "cube job"
cat >"$T/cube.expected" <<'OUT'
+I[x, a, 0, 1, 10]
+I[x, b, 0, 1, 5]
+I[y, a, 0, 1, 20]
+I[null, a, 2, 1, 10]
+I[null, b, 2, 1, 5]
-U[null, a, 2, 1, 10]
+U[null, a, 2, 2, 30]
+I[x, null, 1, 1, 10]
-U[x, null, 1, 1, 10]
+U[x, null, 1, 2, 15]
+I[y, null, 1, 1, 20]
+I[null, null, 3, 1, 10]
-U[null, null, 3, 1, 10]
+U[null, null, 3, 2, 15]
-U[null, null, 3, 2, 15]
+U[null, null, 3, 3, 35]
OUT
bygs "$T/cube.out" >"$T/cube.got"
bygs "$T/cube.expected" >"$T/cube.exp2" && mv "$T/cube.exp2" "$T/cube.expected"
expect_same "$T/cube.expected" "$T/cube.got" "CUBE"

# GROUPING(col) per column, a plain key beside ROLLUP: (k, s), (k).
job grouping "k, ROLLUP (s)" "k, s, GROUPING(k) * 10 + GROUPING(s), COUNT(*), SUM(v)"
expect_rc 0 "grouping() job"
grep '^[-+]' "$T/grouping.out" | sort >"$T/grouping.got" || true
sort >"$T/grouping.expected" <<'OUT'
+I[x, a, 0, 1, 10]
+I[x, b, 0, 1, 5]
+I[y, a, 0, 1, 20]
+I[x, null, 1, 1, 10]
-U[x, null, 1, 1, 10]
+U[x, null, 1, 2, 15]
+I[y, null, 1, 1, 20]
OUT
expect_same "$T/grouping.expected" "$T/grouping.got" "k, ROLLUP (s) with GROUPING()"

# Retractions: a delete reaches every grouping set's group.
row() { echo "{\"k\":\"$1\",\"s\":\"$2\",\"v\":$3}"; }
{
    echo "{\"before\":null,\"after\":$(row x a 10),\"op\":\"c\"}"
    echo "{\"before\":null,\"after\":$(row x b 5),\"op\":\"c\"}"
    echo "{\"before\":$(row x a 10),\"after\":null,\"op\":\"d\"}"
} >"$T/in.json"
job retract "ROLLUP (k, s)" "" D
expect_rc 0 "retract job"
[ "$RC" -eq 0 ] || cat "$T/retract.err" >&2
cat >"$T/retract.expected" <<'OUT'
+I[x, a, 0, 1, 10]
+I[x, b, 0, 1, 5]
-D[x, a, 0, 1, 10]
+I[x, null, 1, 1, 10]
-U[x, null, 1, 1, 10]
+U[x, null, 1, 2, 15]
-U[x, null, 1, 2, 15]
+U[x, null, 1, 1, 5]
+I[null, null, 3, 1, 10]
-U[null, null, 3, 1, 10]
+U[null, null, 3, 2, 15]
-U[null, null, 3, 2, 15]
+U[null, null, 3, 1, 5]
OUT
bygs "$T/retract.out" >"$T/retract.got"
bygs "$T/retract.expected" >"$T/retract.exp2" && mv "$T/retract.exp2" "$T/retract.expected"
expect_same "$T/retract.expected" "$T/retract.got" "ROLLUP with a delete"

# Batch mode: one final row per group of every set.
cp "$T/cube.sql" "$T/cubeb.sql"
sed -i "1i SET 'execution.runtime-mode' = 'batch';" "$T/cubeb.sql"
run_hf "$T/cubeb.out" "$T/cubeb.err" run "$T/cubeb.sql"
expect_rc 0 "batch cube job"
grep '^[-+]' "$T/cubeb.out" | sort >"$T/cubeb.got" || true
sort >"$T/cubeb.expected" <<'OUT'
+I[x, b, 0, 1, 5]
+I[x, a, 0, 1, 10]
+I[y, a, 0, 1, 20]
+I[x, null, 1, 2, 15]
+I[y, null, 1, 1, 20]
+I[null, a, 2, 2, 30]
+I[null, b, 2, 1, 5]
+I[null, null, 3, 3, 35]
OUT
expect_same "$T/cubeb.expected" "$T/cubeb.got" "CUBE in batch mode"

# A grouping-sets SELECT followed by UNION ALL branches (the rewrite's
# UNION ALL is one input of a new UNION node).
job cubeu "CUBE (k, s) UNION ALL SELECT k, s, 9, 0, v FROM T UNION ALL SELECT k, s, 8, 0, v FROM T"
expect_rc 0 "cube union all job"
grep -c '^+I\[.*, [89], 0, ' "$T/cubeu.out" >"$T/cubeu.got" || true
echo 6 >"$T/cubeu.expected"
expect_same "$T/cubeu.expected" "$T/cubeu.got" "CUBE ... UNION ALL SELECT ..."

# An expression key containing another set's key: in the set (v + 1) the
# item v + 1 is the key itself (v is not NULL inside it).
job exprkey "GROUPING SETS ((v + 1), (v))" "CAST(NULL AS STRING), CAST(NULL AS STRING), GROUPING(v), COUNT(*), v + 1"
expect_rc 0 "expression key job"
grep '^+I\[null, null, 1, ' "$T/exprkey.out" | sort >"$T/exprkey.got" || true
sort >"$T/exprkey.expected" <<'OUT'
+I[null, null, 1, 1, 11]
+I[null, null, 1, 1, 6]
+I[null, null, 1, 1, 21]
OUT
expect_same "$T/exprkey.expected" "$T/exprkey.got" "GROUPING SETS ((v + 1), (v))"

# SELECT DISTINCT dedups across the grouping sets, not within each only:
# (k) and () give the same row (NULL, NULL, 0, 0, NULL) once.
printf 'x,a,10\nx,b,5\ny,a,20\n' >"$T/in.csv"
cat >"$T/dist.sql" <<SQL
SET 'execution.runtime-mode' = 'batch';
CREATE TABLE T (k STRING, s STRING, v INT) WITH (
  'connector' = 'filesystem', 'path' = '$T/in.csv', 'format' = 'csv');
CREATE TABLE out (k STRING, s STRING, g BIGINT, c BIGINT, t INT)
  WITH ('connector' = 'print');
INSERT INTO out SELECT DISTINCT CAST(NULL AS STRING), CAST(NULL AS STRING),
  CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(NULL AS INT) FROM T GROUP BY ROLLUP (k);
SQL
run_hf "$T/dist.out" "$T/dist.err" run "$T/dist.sql"
expect_rc 0 "select distinct rollup job"
[ "$RC" -eq 0 ] || cat "$T/dist.err" >&2
grep '^+I' "$T/dist.out" >"$T/dist.got" || true
echo '+I[null, null, 0, 0, null]' >"$T/dist.expected"
expect_same "$T/dist.expected" "$T/dist.got" "SELECT DISTINCT ... GROUP BY ROLLUP"

# GROUPING() of an expression that is not a GROUP BY key is refused at
# that argument; in a plain GROUP BY every key is grouped: GROUPING() = 0.
printf 'x,a,10\nx,b,5\ny,a,20\n' >"$T/in.csv"
job gnotkey "ROLLUP (k)" "k, s, GROUPING(k, s), COUNT(*), SUM(v)"
expect_rc 2 "GROUPING() of a non-key"
expect_grep ":7:42: error: Argument to GROUPING operator must be a grouped expression" "$T/gnotkey.err" "GROUPING() of a non-key"
job gplain "k, s" "k, s, GROUPING(k) + GROUPING_ID(k, s), COUNT(*), SUM(v)"
expect_rc 0 "GROUPING() in a plain GROUP BY"
grep '^+I' "$T/gplain.out" | sort >"$T/gplain.got" || true
sort >"$T/gplain.expected" <<'OUT'
+I[x, a, 0, 1, 10]
+I[x, b, 0, 1, 5]
+I[y, a, 0, 1, 20]
OUT
expect_same "$T/gplain.expected" "$T/gplain.got" "GROUPING() in a plain GROUP BY"

# The cross product of grouping sets is capped (4096), refused at GROUP.
c12="k, s, v, k || 'a', k || 'b', k || 'c', k || 'd', k || 'e', k || 'f', k || 'g', k || 'h', k || 'i'"
job gcap "CUBE ($c12), CUBE ($c12)" "k, s, 0, COUNT(*), SUM(v)"
expect_rc 2 "too many grouping sets"
expect_grep ":7:57: error: GROUP BY of more than 4096 grouping sets (16777216)" "$T/gcap.err" "too many grouping sets"

# A column of no grouping set is still refused.
job ungrouped "GROUPING SETS ((k), ())" "k, s, 0, COUNT(*), SUM(v)"
expect_rc 2 "ungrouped column"
expect_grep "not being grouped" "$T/ungrouped.err" "ungrouped column"
finish
