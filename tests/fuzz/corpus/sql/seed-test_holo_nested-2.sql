CREATE TABLE src (id INT) WITH ('connector' = 'datagen', 'number-of-rows' = '1');
CREATE TABLE dst (id INT, $1, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '${p}_m', 'username' = '$PGUSER', 'password' = 'x');
INSERT INTO dst SELECT id, NULL FROM src;
