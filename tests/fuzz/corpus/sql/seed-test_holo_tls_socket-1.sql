CREATE TABLE src (id INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3',
    'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '3');
CREATE TABLE dst (id INT, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$2', 'dbname' = '$PGDATABASE',
      'tablename' = '${p}_t', 'username' = '$PGUSER', 'password' = '',
      'connection.ssl.mode' = '$3', 'connection.ssl.root-cert.location' = '$T/ca.pem');
INSERT INTO dst SELECT id FROM src;
