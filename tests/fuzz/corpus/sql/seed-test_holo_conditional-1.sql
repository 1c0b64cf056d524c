CREATE TABLE src ($4$spk) WITH ('connector' = 'filesystem', 'path' = '$2', 'format' = '$3');
CREATE TABLE dst ($4, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '$1', 'username' = '$PGUSER', 'password' = '',
      'connection.pool.size' = '3'$5);
INSERT INTO dst SELECT * FROM src;
