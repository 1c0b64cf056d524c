SET 'holoflow.batch.rows' = '$rows';
CREATE TABLE o (id INT, cust INT, amt INT, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'filesystem', 'path' = '$T/o.json', 'format' = 'debezium-json');
CREATE TABLE c (cid INT, name STRING, tier INT, PRIMARY KEY (cid) NOT ENFORCED)
WITH ('connector' = 'filesystem', 'path' = '$T/c.json', 'format' = 'debezium-json');
CREATE TABLE d ($cols)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '${p}_d', 'username' = '$PGUSER', 'password' = 'x',
      'sink.delete-strategy' = 'CHANGELOG_STANDARD');
INSERT INTO d $fsel;
