SET 'execution.runtime-mode' = 'batch';
CREATE TABLE src ($cols) WITH ('connector' = 'filesystem', 'path' = '$T/big.csv', 'format' = 'csv');
CREATE TABLE dst ($cols, PRIMARY KEY (user_id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '$p', 'username' = '$PGUSER', 'password' = 'x'$1);
INSERT INTO dst SELECT * FROM src;
