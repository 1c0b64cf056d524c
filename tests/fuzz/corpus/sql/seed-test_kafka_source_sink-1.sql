SET 'execution.checkpointing.interval' = '200ms';
CREATE TABLE u (id STRING, v INT, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'upsert-kafka', 'topic' = 'up', 'properties.bootstrap.servers' = '$K',
      'key.format' = 'raw', 'value.format' = 'json'$2);
CREATE TABLE p (id STRING, v INT) WITH ('connector' = 'print');
INSERT INTO p SELECT * FROM u;
