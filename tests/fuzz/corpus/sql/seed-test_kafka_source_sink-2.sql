CREATE TABLE src (id BIGINT, name STRING) WITH ('connector' = 'filesystem', 'path' = '$T/ev.json', 'format' = 'debezium-json');
CREATE TABLE k (id BIGINT, name STRING) WITH ('connector' = 'kafka', 'topic' = 'dbz',
  'properties.bootstrap.servers' = '$K', 'format' = 'debezium-json');
INSERT INTO k SELECT * FROM src;
