CREATE TABLE src (id BIGINT, code STRING)
WITH ('connector' = 'filesystem', 'path' = '$T/in/$rep', 'format' = 'csv');
CREATE TABLE dst (id BIGINT, code STRING, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '$tbl', 'username' = '$PGUSER', 'password' = 'q7z');
INSERT INTO dst SELECT * FROM src;
