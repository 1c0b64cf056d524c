CREATE TABLE gen (
  id BIGINT,
  name STRING,
  price DECIMAL(10, 2)
) WITH (
  'connector' = 'datagen',
  'number-of-rows' = '100000',
  'rows-per-second' = '100000000',
  'fields.id.kind' = 'sequence',
  'fields.id.start' = '1',
  'fields.id.end' = '1000000',
  'fields.name.length' = '8',
  'fields.price.min' = '1',
  'fields.price.max' = '100'
);
CREATE TABLE out (id BIGINT, name STRING, price DECIMAL(10, 2))
WITH ('connector' = 'print');
INSERT INTO out SELECT * FROM gen;
