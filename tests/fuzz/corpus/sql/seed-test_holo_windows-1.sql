SET 'pipeline.auto-watermark-interval' = '0';
SET 'holoflow.batch.rows' = '97';
CREATE TABLE ev (ts TIMESTAMP(3), k STRING, v INT,
  WATERMARK FOR ts AS ts - INTERVAL '1' MINUTE)
WITH ('connector' = 'filesystem', 'path' = '$T/events.csv', 'format' = 'csv');
CREATE TABLE byk (ws TIMESTAMP(3), we TIMESTAMP(3), k STRING, cnt BIGINT,
  total BIGINT, PRIMARY KEY (ws, k) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT',
  'dbname' = '$PGDATABASE', 'tablename' = '${p}_k', 'username' = '$PGUSER',
  'password' = '');
CREATE TABLE byw (ws TIMESTAMP(3), we TIMESTAMP(3), cnt BIGINT,
  total BIGINT, mx INT, PRIMARY KEY (ws) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT',
  'dbname' = '$PGDATABASE', 'tablename' = '${p}_w', 'username' = '$PGUSER',
  'password' = '');
BEGIN STATEMENT SET;
INSERT INTO byk SELECT window_start, window_end, k, COUNT(*), SUM(CAST(v AS BIGINT))
FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '5' MINUTES))
GROUP BY window_start, window_end, k;
INSERT INTO byw SELECT TUMBLE_START(ts, INTERVAL '5' MINUTE),
  TUMBLE_END(ts, INTERVAL '5' MINUTE), COUNT(*), SUM(CAST(v AS BIGINT)), MAX(v)
FROM ev GROUP BY TUMBLE(ts, INTERVAL '5' MINUTE);
END;
