SET 'holoflow.batch.rows' = '$2';
CREATE TABLE src (id BIGINT, email STRING, n BIGINT, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'filesystem', 'path' = '$T/ev.json', 'format' = 'debezium-json');
CREATE TABLE dst (email STRING, id BIGINT, n BIGINT, PRIMARY KEY (email) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '$p', 'username' = '$PGUSER', 'password' = 'x',
      'sink.delete-strategy' = '$3');
INSERT INTO dst SELECT email, id, n FROM src;
