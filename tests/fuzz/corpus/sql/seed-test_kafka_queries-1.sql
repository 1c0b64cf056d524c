CREATE TABLE orders (
  id BIGINT, ms BIGINT, price DECIMAL(10, 2), item STRING,
  ts AS TO_TIMESTAMP_LTZ(ms, 3),
  gross AS price * 1.2,
  label AS UPPER(item) || '-' || CAST(id AS STRING),
  part INT METADATA FROM 'partition' VIRTUAL,
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'kafka', 'topic' = 'orders', 'properties.bootstrap.servers' = '$K',
        'properties.group.id' = 'g-orders-@JOB@', 'scan.startup.mode' = 'earliest-offset',
        'scan.bounded.mode' = 'latest-offset', 'format' = 'json');
CREATE TABLE refunds (id BIGINT, amount DECIMAL(10, 2), note STRING)
WITH ('connector' = 'kafka', 'topic' = 'refunds', 'properties.bootstrap.servers' = '$K',
      'properties.group.id' = 'g-refunds-@JOB@', 'scan.startup.mode' = 'earliest-offset',
      'scan.bounded.mode' = 'latest-offset', 'format' = 'csv');
CREATE TABLE p (id BIGINT, what STRING, amount DECIMAL(12, 3), at TIMESTAMP_LTZ(3))
WITH ('connector' = 'print');
