SET 'execution.runtime-mode' = 'batch';
CREATE TABLE src ($3) WITH ('connector' = 'hologres', $conn, 'tablename' = '$2',
  'source.filter-push-down.enabled' = '$1'${EXTRA:-});
CREATE TABLE out (x STRING) WITH ('connector' = 'print');
INSERT INTO out SELECT CAST($4 AS STRING) FROM src $5;
