CREATE TABLE src (id BIGINT, a STRING, b STRING, c INT) WITH ('connector' = 'filesystem', 'path' = '$T/ev.json', 'format' = 'json');
CREATE TABLE dst (id BIGINT, a STRING, b STRING, c INT, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '$p', 'username' = '$PGUSER', 'password' = 'x',
      'sink.ignore-null-when-update.enabled' = 'true'$2);
INSERT INTO dst SELECT * FROM src;
