-- The hologres source: a bounded scan of the table the real-time upsert
-- demo fills (make demo, or psql -f examples/demo-setup.sql and
-- build/holoflow run examples/realtime-upsert.sql first), printed.
-- Two readers share one snapshot; the WHERE goes to the server with its
-- values as parameters, only the selected columns are read, and LIMIT
-- stops the scan early (see docs/hologres-source.md; run with
-- --log-level debug to see the SQL each reader sends). The connection
-- comes from libpq's environment variables, as in realtime-upsert.sql.
SET 'execution.runtime-mode' = 'batch';
SET 'pipeline.name' = 'hologres-scan';

CREATE TABLE users (
  user_id BIGINT,
  user_name STRING,
  price DECIMAL(38, 2),
  sale_timestamp TIMESTAMP_LTZ(3)
) WITH (
  'connector' = 'hologres',
  'endpoint' = '${PGHOST}:${PGPORT}',
  'dbname' = '${PGDATABASE}',
  'tablename' = 'public.realtime_sink',
  'username' = '${PGUSER}',
  'password' = '${PGPASSWORD}',
  'source.binlog' = 'false',            -- a scan (VVR 11 spellings read the binlog by default)
  'source.scan.split-count' = '2',
  'source.filter-push-down.enabled' = 'true'
);

CREATE TABLE expensive (user_id BIGINT, price DECIMAL(38, 2))
WITH ('connector' = 'print');

INSERT INTO expensive
SELECT user_id, price FROM users WHERE price >= 990 AND user_id BETWEEN 1 AND 5000
LIMIT 10;
