CREATE TABLE products (
  id BIGINT,
  name STRING,
  description STRING,
  weight DECIMAL(10, 2),
  PRIMARY KEY (id) NOT ENFORCED
) WITH (
  'connector' = 'filesystem',
  'path' = '$T/products.debezium.json',
  'format' = 'debezium-json'
);
CREATE TABLE out (id BIGINT, name STRING, description STRING, weight DECIMAL(10, 2))
WITH ('connector' = 'print');
INSERT INTO out SELECT * FROM products;
