-- Generated rows printed to stdout: a bounded sequence key and random
-- values, in the columns of the seed's sink table.
SET 'pipeline.name' = 'datagen-print';

CREATE TABLE source (
  user_id BIGINT,
  user_name STRING,
  price DECIMAL(38, 2),
  sale_timestamp TIMESTAMP_LTZ(3)
) WITH (
  'connector' = 'datagen',
  'rows-per-second' = '1000',
  'fields.user_id.kind' = 'sequence',
  'fields.user_id.start' = '1',
  'fields.user_id.end' = '20',
  'fields.user_name.length' = '6',
  'fields.price.min' = '1',
  'fields.price.max' = '500'
);

CREATE TABLE sink (
  user_id BIGINT,
  user_name STRING,
  price DECIMAL(38, 2),
  sale_timestamp TIMESTAMP_LTZ(3)
) WITH ('connector' = 'print');

INSERT INTO sink SELECT * FROM source;
