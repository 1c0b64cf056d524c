CREATE TABLE src (id INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3',
    'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '3');
CREATE TABLE dst (id INT, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$db',
      'tablename' = 't', 'username' = '$PGUSER', 'password' = '',
      'connection.pool.size' = '2');
INSERT INTO dst SELECT id FROM src;
