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
