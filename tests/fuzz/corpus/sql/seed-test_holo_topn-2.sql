SET 'holoflow.batch.rows' = '$2';
SET 'table.exec.sink.upsert-materialize' = 'NONE';
${3:-}
CREATE TABLE src (id BIGINT, cat STRING, score BIGINT, name STRING, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'filesystem', 'path' = '$T/ev.json', 'format' = 'debezium-json');
CREATE TABLE dst_rn (cat STRING, rn BIGINT, id BIGINT, score BIGINT, name STRING,
  PRIMARY KEY (cat, rn) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '${p}_rn', 'username' = '$PGUSER', 'password' = 'x');
CREATE TABLE dst_id (cat STRING, id BIGINT, score BIGINT, PRIMARY KEY (cat, id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '${p}_id', 'username' = '$PGUSER', 'password' = 'x');
CREATE VIEW ranked AS
SELECT *, ROW_NUMBER() OVER (PARTITION BY cat ORDER BY score DESC, id) AS rn FROM src;
INSERT INTO dst_rn SELECT cat, rn, id, score, name FROM ranked WHERE rn <= 3;
INSERT INTO dst_id SELECT cat, id, score FROM ranked WHERE rn <= 3;
