SET 'execution.runtime-mode' = 'batch';
CREATE TABLE src ($src_cols) WITH ('connector' = 'filesystem', 'path' = '$T/rows.json', 'format' = 'json');
CREATE TABLE dst ($dst_cols, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '$1', 'username' = '$PGUSER', 'password' = 'x',
      'sink.write-mode' = '$2', 'sink.copy.format' = '$3');
INSERT INTO dst SELECT id, r, r, m, r, ti, \`dec\`, dts, tss, ltz, \`rows\`, \`rows\`, grid, f4, b, vc
FROM src;
