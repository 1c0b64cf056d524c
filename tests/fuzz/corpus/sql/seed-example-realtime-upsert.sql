-- The real-time upsert demo (make demo): 200,000 generated changes whose
-- user_id is random in 1..20000, so every key repeats about ten times,
-- written into PostgreSQL/Hologres by the hologres sink in INSERT mode.
-- Repeated keys fold into one upsert per key and flush, so the table ends
-- with one row per user_id that occurred (at most 20,000), holding the
-- latest values written for it.
--
-- The target table comes from examples/demo-setup.sql. The connection is
-- taken from libpq's usual environment variables: PGHOST (a host name, or
-- the directory of a Unix socket), PGPORT, PGDATABASE, PGUSER and
-- PGPASSWORD (any value, e.g. 'unused', when the server trusts the user).
SET 'pipeline.name' = 'realtime-upsert';

CREATE TABLE source (
  user_id BIGINT,
  user_name STRING,
  price DECIMAL(38, 2),
  sale_timestamp TIMESTAMP_LTZ(3)
) WITH (
  'connector' = 'datagen',
  'number-of-rows' = '200000',
  'rows-per-second' = '100000000',
  'fields.user_id.min' = '1',
  'fields.user_id.max' = '20000',
  'fields.user_name.length' = '8',
  'fields.price.min' = '1',
  'fields.price.max' = '1000',
  'fields.sale_timestamp.max-past' = '1 d'
);

CREATE TABLE sink (
  user_id BIGINT,
  user_name STRING,
  price DECIMAL(38, 2),
  sale_timestamp TIMESTAMP_LTZ(3),
  PRIMARY KEY (user_id) NOT ENFORCED
) WITH (
  'connector' = 'hologres',
  'endpoint' = '${PGHOST}:${PGPORT}',
  'dbname' = '${PGDATABASE}',
  'tablename' = 'public.realtime_sink',
  'username' = '${PGUSER}',
  'password' = '${PGPASSWORD}',
  'sink.on-conflict-action' = 'INSERT_OR_UPDATE'
);

INSERT INTO sink SELECT * FROM source;
