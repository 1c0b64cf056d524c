#!/usr/bin/env bash
# Queries beyond one table and one projection, through the CLI with exact
# output: two csv files read by filesystem tables (one with computed
# columns and a metadata column, one derived from it with CREATE TABLE
# ... LIKE and an OPTIONS hint on top), a view, a WITH query, a subquery
# with column aliases, UNION ALL of both tables and a VALUES clause, into
# print sinks; a statement set whose two INSERTs read one view (one source
# read once); INSERT ... VALUES; and in batch mode SELECT DISTINCT, UNION
# and LIMIT. explain shows the graph. Constructs holoflow does not run
# fail `holoflow check` with exit code 2, naming the construct at
# file:line:col.
. "$(dirname "$0")/lib.sh"
set -e
printf '1,apple,2.50\n2,pear,1.25\n3,fig,4.00\n2,pear,1.25\n' >"$T/a.csv"
printf '10,kiwi,0.75\n11,plum,3.10\n' >"$T/b.csv"
cat >"$T/tables.sql" <<SQL
CREATE TABLE fa (id INT, name STRING, price DECIMAL(5, 2),
  total AS price * 3, up AS UPPER(name),
  file STRING METADATA FROM 'file.name' VIRTUAL)
WITH ('connector' = 'filesystem', 'path' = '$T/a.csv', 'format' = 'csv');
CREATE TABLE fb WITH ('path' = '$T/none.csv') LIKE fa (EXCLUDING GENERATED);
CREATE TABLE o (id BIGINT, name STRING, v DECIMAL(10, 2))
WITH ('connector' = 'print', 'print-identifier' = 'o');
CREATE TABLE o2 (id BIGINT, name STRING, v DECIMAL(10, 2))
WITH ('connector' = 'print', 'print-identifier' = 'o2');
CREATE VIEW cheap (i, n, t) AS SELECT id, up, total FROM fa WHERE price < 3;
SQL

# ---- a view, WITH, a subquery and UNION ALL of two tables and VALUES
{
    cat "$T/tables.sql"
    cat <<SQL
INSERT INTO o WITH w AS (SELECT i, n, t FROM cheap WHERE i > 0)
SELECT * FROM w
UNION ALL SELECT id + 100, name || '@' || file, price
  FROM fb /*+ OPTIONS('path' = '$T/b.csv') */
UNION ALL SELECT a, b, c FROM (VALUES (7, 'seven', 7.7)) AS t (a, b, c);
SQL
} >"$T/union.sql"
run_hf "$T/explain" "$T/err" explain "$T/union.sql"
expect_rc 0 "explain union"
sed -n '/^graph:$/,$p' "$T/explain" >"$T/graph"
cat >"$T/graph.want" <<'TXT'
graph:
  n1 source: fa [filesystem, csv]
  n2 source: fb [filesystem, csv] (with the OPTIONS hint at line 14)
  n3 source: VALUES at 15:32 [values]
  n4 calc: where ((price < 3) IS TRUE AND (id > 0)); i := id, n := UPPER(name), t := (price * CAST(3 AS DECIMAL(10, 0))) <- n1
  n5 calc: EXPR$0 := (id + 100), EXPR$1 := ((name || '@') || file), price := CAST(price AS DECIMAL(16, 2)) <- n2
  n6 calc: a := `EXPR$0`, b := CAST(`EXPR$1` AS STRING), c := CAST(`EXPR$2` AS DECIMAL(16, 2)) <- n3
  n7 union: all of 3 inputs <- n4, n5, n6
  n8 calc: id := CAST(i AS BIGINT), name := n, v := CAST(t AS DECIMAL(10, 2)) <- n7
  n9 sink: o [print] (INSERT at line 11) <- n8
TXT
expect_same "$T/graph.want" "$T/graph" "explain union graph"
for mode in streaming batch; do
    run_hf "$T/out" "$T/err" run "$T/union.sql" --set "execution.runtime-mode=$mode"
    expect_rc 0 "run union ($mode)"
    sort "$T/out" >"$T/got"
    cat >"$T/want" <<'TXT'
o> +I[110, kiwi@b.csv, 0.75]
o> +I[111, plum@b.csv, 3.10]
o> +I[1, APPLE, 7.50]
o> +I[2, PEAR, 3.75]
o> +I[2, PEAR, 3.75]
o> +I[7, seven, 7.70]
TXT
    sort "$T/want" -o "$T/want"
    expect_same "$T/want" "$T/got" "union rows ($mode)"
    expect_grep "    sink 'o': 6 rows received, 6 rows written, 0 dirty rows" "$T/err" "union summary ($mode)"
done

# ---- a statement set reading one view twice: one reader of fa
{
    cat "$T/tables.sql"
    cat <<'SQL'
EXECUTE STATEMENT SET BEGIN
INSERT INTO o SELECT i, n, t FROM cheap;
INSERT INTO o2 SELECT i * 10, LOWER(n), t / 3 FROM cheap WHERE i = 1;
END;
SQL
} >"$T/set.sql"
run_hf "$T/out" "$T/err" run "$T/set.sql"
expect_rc 0 "run statement set"
sort "$T/out" >"$T/got"
cat >"$T/want" <<'TXT'
o2> +I[10, apple, 2.50]
o> +I[1, APPLE, 7.50]
o> +I[2, PEAR, 3.75]
o> +I[2, PEAR, 3.75]
TXT
sort "$T/want" -o "$T/want"
expect_same "$T/want" "$T/got" "statement set rows"
expect_grep "    source 'fa': 4 records read, 4 rows passed on" "$T/err" "statement set: one reader"
expect_grep "    source 'fa': read once, shown under pipeline 1" "$T/err" "statement set: shared"

# ---- INSERT ... VALUES, typed by the columns it fills
{
    cat "$T/tables.sql"
    echo "INSERT INTO o VALUES (1, 'one', 1.5), (NULL, NULL, 2);"
    echo "INSERT INTO o2 (v, id) VALUES (9.99, 9);"
} >"$T/values.sql"
run_hf "$T/out" "$T/err" run "$T/values.sql"
expect_rc 0 "run values"
sort "$T/out" >"$T/got"
printf 'o2> +I[9, null, 9.99]\no> +I[1, one, 1.50]\no> +I[null, null, 2.00]\n' | sort >"$T/want"
expect_same "$T/want" "$T/got" "values rows"

# ---- batch mode: DISTINCT, UNION (distinct) and LIMIT
{
    echo "SET 'execution.runtime-mode' = 'batch';"
    cat "$T/tables.sql"
    cat <<SQL
EXECUTE STATEMENT SET BEGIN
INSERT INTO o SELECT DISTINCT id, name, price FROM fa;
INSERT INTO o2 SELECT id, name, price FROM fa WHERE id < 3
  UNION SELECT id, name, price FROM fb /*+ OPTIONS('path' = '$T/a.csv') */
  LIMIT 2 OFFSET 1;
END;
SQL
} >"$T/batch.sql"
run_hf "$T/explain" "$T/err" explain "$T/batch.sql"
sed -n '/^graph:$/,$p' "$T/explain" >"$T/graph"
cat >"$T/graph.want" <<'TXT'
graph:
  n1 source: fa [filesystem, csv]
  n2 calc: id := id, name := name, price := price <- n1
  n3 distinct: on id, name, price <- n2
  n4 calc: id := CAST(id AS BIGINT), name := name, v := CAST(price AS DECIMAL(10, 2)) <- n3
  n5 sink: o [print] (INSERT at line 13) <- n4
  n6 source: fb [filesystem, csv] (with the OPTIONS hint at line 15)
  n7 calc: where (id < 3); id := id, name := name, price := price <- n1
  n8 calc: id := id, name := name, price := price <- n6
  n9 union: all of 2 inputs <- n7, n8
  n10 distinct: on id, name, price <- n9
  n11 limit: first 2 rows after skipping 1 <- n10
  n12 calc: id := CAST(id AS BIGINT), name := name, v := CAST(price AS DECIMAL(10, 2)) <- n11
  n13 sink: o2 [print] (INSERT at line 14) <- n12
TXT
expect_same "$T/graph.want" "$T/graph" "explain batch graph"
run_hf "$T/out" "$T/err" run "$T/batch.sql"
expect_rc 0 "run batch"
grep '^o>' "$T/out" | sort >"$T/got"
printf 'o> +I[1, apple, 2.50]\no> +I[2, pear, 1.25]\no> +I[3, fig, 4.00]\n' >"$T/want"
expect_same "$T/want" "$T/got" "distinct rows"
# The union's distinct rows, in any order: (1, apple), (2, pear) and
# fb's copy of a.csv adding (3, fig); LIMIT 2 OFFSET 1 keeps two of them.
n=$(grep -c '^o2>' "$T/out" || true)
[ "$n" -eq 2 ] || fail "limit: $n rows, expected 2"
grep '^o2>' "$T/out" | sort -u | wc -l | grep -qx 2 || fail "limit: repeated rows"
grep '^o2>' "$T/out" | grep -qvE '^o2> \+I\[(1, apple, 2.50|2, pear, 1.25|3, fig, 4.00)\]$' &&
    fail "limit: a row not of the union"

# ---- named refusals
refuse() {
    { cat "$T/tables.sql"; echo "$1"; } >"$T/bad.sql"
    run_hf "$T/out" "$T/err" check "$T/bad.sql"
    expect_rc 2 "check: $1"
    expect_grep "$2" "$T/err" "refusal of: $1"
}
refuse "INSERT INTO o SELECT id, name, price FROM fa MATCH_RECOGNIZE (PATTERN (A));" \
    "bad.sql:11:46: error: MATCH_RECOGNIZE is not supported"
refuse "CREATE FUNCTION f AS 'com.x.F' USING JAR '/x.jar';" \
    "bad.sql:11:8: error: CREATE FUNCTION is not supported"
refuse "INSERT OVERWRITE o SELECT id, name, price FROM fa;" \
    "bad.sql:11:8: error: INSERT OVERWRITE is not supported by table 'o': connector 'print' cannot replace what the table holds"
refuse "INSERT INTO o SELECT id, name, SUM(price) OVER (ORDER BY id) FROM fa;" \
    "bad.sql:11:58: error: ORDER BY column 'id' of the OVER window is not a time attribute"
refuse "INSERT INTO o SELECT id, name, price FROM fa /*+ LOOKUP('table' = 'x') */;" \
    "bad.sql:11:50: error: table hint LOOKUP is not supported"
finish
