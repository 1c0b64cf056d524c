CREATE TABLE $1 ($3)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT',
      'dbname' = '$PGDATABASE', 'tablename' = '$2', 'username' = '$PGUSER',
      'password' = ''${4:-});
