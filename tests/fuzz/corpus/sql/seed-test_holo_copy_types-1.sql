SET 'execution.runtime-mode' = 'batch';
CREATE TABLE src ($cols) WITH ('connector' = 'filesystem', 'path' = '$T/rows.json', 'format' = 'json');
CREATE TABLE dst ($cols, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '$1', 'username' = '$PGUSER', 'password' = 'x',
      'connection.pool.size' = '3', 'sink.write-mode' = '$2', 'sink.copy.format' = '$3',
      'sink.insert.batch-size' = '700');
INSERT INTO dst SELECT * FROM src;
