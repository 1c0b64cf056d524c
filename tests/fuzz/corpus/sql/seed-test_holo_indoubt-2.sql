CREATE TABLE src (id BIGINT, n BIGINT) WITH ('connector' = 'filesystem', 'path' = '$T/rows.csv', 'format' = 'csv');
CREATE TABLE dst (id BIGINT, n BIGINT$key)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '$table', 'username' = '$PGUSER', 'password' = 'x',
      'connection.pool.size' = '1', 'sink.insert.batch-size' = '1000',
      'retry-sleep-step-ms' = '${STEP:-20}'$opts);
INSERT INTO dst SELECT * FROM src;
