SET 'execution.runtime-mode' = 'batch';
CREATE TABLE src ($2) WITH ('connector' = 'hologres', $conn, 'tablename' = '$1',
  'source.scan.split-count' = '$3', 'source.filter-push-down.enabled' = 'true');
CREATE TABLE out ($2) WITH ('connector' = 'print');
INSERT INTO out SELECT * FROM src ${4:-};
