CREATE TABLE k (id BIGINT, name STRING)
WITH ('connector' = 'kafka', 'topic' = 'badkey',
      'properties.bootstrap.servers' = '$KAFKA_BOOTSTRAP',
      'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset',
      'format' = 'json');
CREATE TABLE p (id BIGINT, name STRING) WITH ('connector' = 'print');
INSERT INTO p SELECT * FROM k;
