CREATE TABLE src ($5$spk) WITH ('connector' = 'filesystem', 'path' = '$3', 'format' = '$4');
CREATE TABLE dst ($5, PRIMARY KEY ($6) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '$2', 'username' = '$PGUSER', 'password' = ''$7);
INSERT INTO dst SELECT * FROM src;
