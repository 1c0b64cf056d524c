CREATE TABLE src (id BIGINT, d BIGINT) WITH ('connector' = 'filesystem', 'path' = '$T/in.csv', 'format' = 'csv');
CREATE TABLE k (id BIGINT, d BIGINT, ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp')
WITH ('connector' = 'kafka', 'topic' = 'ts', 'properties.bootstrap.servers' = '$K',
      'key.format' = 'csv', 'key.fields' = 'id', 'value.format' = 'json');
INSERT INTO k SELECT id, d, TO_TIMESTAMP_LTZ($B + d, 3) FROM src;
