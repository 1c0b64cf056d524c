CREATE TABLE src (id INT, k STRING) WITH ('connector' = 'filesystem', 'path' = '$T/$name.json', 'format' = 'json');
CREATE TABLE dst (id INT, k STRING, PRIMARY KEY (id, k) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '${p}_t', 'username' = '$PGUSER', 'password' = '',
      'connection.pool.size' = '1');
INSERT INTO dst SELECT * FROM src;
