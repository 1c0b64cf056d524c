-- The demo job (make demo): one statement set with two pipelines.
--  1. a Debezium change stream from a file, filtered and printed as a
--     changelog;
--  2. one million generated rows pushed through a projection into a
--     blackhole sink, to show throughput in the summary.
SET 'pipeline.name' = 'holoflow-demo';

CREATE TABLE orders (
  order_id BIGINT,
  user_name STRING,
  price DECIMAL(38, 2),
  sale_timestamp TIMESTAMP(3),
  PRIMARY KEY (order_id) NOT ENFORCED
) WITH (
  'connector' = 'filesystem',
  'path' = 'examples/data/orders.debezium.json',
  'format' = 'debezium-json'
);

CREATE TABLE big_orders (
  order_id BIGINT,
  customer STRING,
  price_with_tax DECIMAL(38, 2)
) WITH ('connector' = 'print', 'print-identifier' = 'big_orders');

CREATE TABLE generated (
  user_id BIGINT,
  user_name STRING,
  price DECIMAL(38, 2)
) WITH (
  'connector' = 'datagen',
  'number-of-rows' = '1000000',
  'rows-per-second' = '100000000',
  'fields.user_id.kind' = 'sequence',
  'fields.user_id.start' = '1',
  'fields.user_id.end' = '1000000',
  'fields.user_name.length' = '10',
  'fields.price.min' = '1',
  'fields.price.max' = '1000'
);

CREATE TABLE discard (
  user_id BIGINT,
  user_name STRING,
  price DECIMAL(38, 2)
) WITH ('connector' = 'blackhole');

EXECUTE STATEMENT SET BEGIN
  INSERT INTO big_orders
    SELECT order_id, UPPER(user_name), CAST(price * 1.1 AS DECIMAL(38, 2))
    FROM orders WHERE price > 10;
  INSERT INTO discard SELECT user_id, user_name, price FROM generated;
END;
