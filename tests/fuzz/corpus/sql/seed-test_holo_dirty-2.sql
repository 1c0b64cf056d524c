CREATE TABLE src (id BIGINT, amount DECIMAL(10, 2), code STRING, name STRING, qty INT)
WITH ('connector' = 'filesystem', 'path' = '$1', 'format' = 'csv', 'csv.null-literal' = '');
CREATE TABLE dst (id BIGINT, amount DECIMAL(10, 2), code STRING, name STRING, qty INT,
  PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '$tbl', 'username' = '$PGUSER', 'password' = '',
      'connection.pool.size' = '4', 'sink.insert.batch-size' = '100',
      'sink.default-for-not-null-column.enabled' = 'false'$2);
INSERT INTO dst SELECT * FROM src;
