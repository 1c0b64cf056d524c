CREATE TABLE src ($cols$spk) WITH ('connector' = 'filesystem', 'path' = '$input', 'format' = '$format');
CREATE TABLE dst ($cols$pkc)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '$table', 'username' = '$PGUSER', 'password' = '',
      'connection.pool.size' = '2'$opts);
$insert;
