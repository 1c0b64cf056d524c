#!/usr/bin/env bash
# Nested values end to end through the CLI: ROW, ARRAY and MAP built by
# constructors, read back by field access and subscripts, cast, and printed
# exactly as Flink's print connector prints them (a nested row as +I[...],
# a map in java.util.HashMap order); `holoflow check` names a bad field or
# subscript at file:line:col.
. "$(dirname "$0")/lib.sh"
set -e
cat >"$T/job.sql" <<'SQL'
SET 'execution.runtime-mode' = 'batch';
CREATE TABLE gen (id INT, name STRING) WITH (
  'connector' = 'datagen',
  'number-of-rows' = '3',
  'fields.id.kind' = 'sequence',
  'fields.id.start' = '1',
  'fields.id.end' = '3',
  'fields.name.kind' = 'sequence',
  'fields.name.start' = '10',
  'fields.name.end' = '12'
);
CREATE TABLE out (
  r ROW<a INT, b STRING, c ROW<x DOUBLE>>,
  arr ARRAY<BIGINT>,
  m MAP<STRING, INT>,
  nested ARRAY<ROW<k STRING, v ARRAY<INT>>>,
  picked INT,
  mv INT,
  missing INT,
  card INT,
  txt STRING
) WITH ('connector' = 'print');
INSERT INTO out
SELECT
  ROW(id, name, ROW(id / 2.0)),
  ARRAY[id, id * 10, NULL],
  MAP['three', 3, 'two', 2, 'one', id],
  ARRAY[ROW(name, ARRAY[id]), ROW('z', CAST(NULL AS ARRAY<INT>))],
  ARRAY[id, 7, 9][id],
  MAP['a', id]['a'],
  ARRAY[1, 2][id + 1],
  CARDINALITY(MAP['k', id, 'k', id + 1]),
  CAST(ROW(id, name, ARRAY[id]) AS STRING)
FROM gen;
SQL
run_hf "$T/out" "$T/err" run "$T/job.sql"
expect_rc 0 "nested values -> print"
cat >"$T/want" <<'OUT'
+I[+I[1, 10, +I[0.5]], [1, 10, null], {one=1, three=3, two=2}, [+I[10, [1]], +I[z, null]], 1, 1, 2, 1, (1, 10, [1])]
+I[+I[2, 11, +I[1.0]], [2, 20, null], {one=2, three=3, two=2}, [+I[11, [2]], +I[z, null]], 7, 2, null, 1, (2, 11, [2])]
+I[+I[3, 12, +I[1.5]], [3, 30, null], {one=3, three=3, two=2}, [+I[12, [3]], +I[z, null]], 9, 3, null, 1, (3, 12, [3])]
OUT
expect_same "$T/want" "$T/out" "printed rows"

# Errors name the place.
cat >"$T/bad.sql" <<'SQL'
CREATE TABLE s (r ROW<a INT>, m MAP<STRING, INT>) WITH ('connector' = 'filesystem', 'path' = '/nonexistent', 'format' = 'json');
CREATE TABLE p (x INT) WITH ('connector' = 'print');
INSERT INTO p SELECT r.b FROM s;
SQL
run_hf "$T/out2" "$T/err2" check "$T/bad.sql"
expect_rc 2 "unknown field"
expect_grep "bad.sql:3:24: error: unknown field 'b' of ROW<\`a\` INT>; its fields are: a" "$T/err2" "unknown field"
sed -i 's/SELECT r.b FROM s/SELECT m[1] FROM s/' "$T/bad.sql"
run_hf "$T/out2" "$T/err2" check "$T/bad.sql"
expect_rc 2 "map key type"
expect_grep "bad.sql:3:23: error: a key of MAP<STRING, INT> cannot be INT" "$T/err2" "map key"
sed -i 's/SELECT m\[1\] FROM s/SELECT r FROM s/' "$T/bad.sql"
run_hf "$T/out2" "$T/err2" check "$T/bad.sql"
expect_rc 2 "ROW into INT"
expect_grep "ROW<\`a\` INT>" "$T/err2" "ROW into INT"
finish
