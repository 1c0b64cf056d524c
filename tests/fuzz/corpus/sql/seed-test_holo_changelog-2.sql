CREATE TABLE src (id BIGINT, name STRING, price DECIMAL(12, 2), qty INT, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'filesystem', 'path' = '$T/events.json', 'format' = 'debezium-json');
CREATE TABLE dst (id BIGINT, name STRING, price DECIMAL(12, 2), qty INT, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$endpoint', 'dbname' = '$PGDATABASE',
      'tablename' = 'public.hf_cl_t', 'username' = '$PGUSER', 'password' = 'unused',
      'connection.pool.size' = '4', 'sink.insert.batch-size' = '7',
      'sink.on-conflict-action' = '$oc', 'sink.delete-strategy' = '$ds');
INSERT INTO dst SELECT * FROM src;
