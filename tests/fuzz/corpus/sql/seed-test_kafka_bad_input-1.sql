SET 'execution.checkpointing.interval' = '100ms';
CREATE TABLE k (id BIGINT, name STRING)
WITH ('connector' = 'kafka', 'topic' = 'bad',
      'properties.bootstrap.servers' = '$KAFKA_BOOTSTRAP',
      'properties.group.id' = '$2', 'scan.startup.mode' = 'earliest-offset',
      'format' = 'json'$3);
CREATE TABLE p (id BIGINT, name STRING) WITH ('connector' = 'print');
INSERT INTO p SELECT * FROM k;
