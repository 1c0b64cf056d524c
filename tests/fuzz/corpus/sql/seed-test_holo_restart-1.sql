CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '1000000',
  'rows-per-second' = '100000', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1',
  'fields.id.end' = '1000000');
CREATE TABLE dst (k BIGINT, v BIGINT, s STRING, PRIMARY KEY (k) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '$tbl', 'username' = '$PGUSER', 'password' = '',
      'connection.pool.size' = '4', 'retry-count' = '10', 'retry-sleep-step-ms' = '200');
INSERT INTO dst SELECT id % 250000, id, CONCAT('r', CAST(id AS STRING)) FROM src;
