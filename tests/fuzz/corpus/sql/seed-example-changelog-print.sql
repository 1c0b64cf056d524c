-- A Debezium change stream read from a file and printed as Flink's
-- changelog (+I, -U, +U, -D). Run from the repository root:
--   build/holoflow run examples/changelog-print.sql
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

CREATE TABLE changes (
  order_id BIGINT,
  user_name STRING,
  price DECIMAL(38, 2),
  sale_timestamp TIMESTAMP(3)
) WITH ('connector' = 'print', 'print-identifier' = 'orders');

INSERT INTO changes SELECT * FROM orders;
