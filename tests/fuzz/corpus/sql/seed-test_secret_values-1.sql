SET 'execution.checkpointing.interval' = '200ms';
CREATE TABLE src (id INT, s STRING) WITH ('connector' = 'filesystem',
  'path' = '$T/in/\${secret_values.dir-token}/$2', 'format' = 'csv');
CREATE TABLE k (id INT, s STRING) WITH ('connector' = 'kafka', 'topic' = 'svout',
  'properties.bootstrap.servers' = '$K',
  'properties.client.id' = 'hf-\${secret_values.kafka_tag}',
  'properties.sasl.username' = '\${secret_values.sasl_user}',
  'format' = 'json');
INSERT INTO k SELECT * FROM src;
