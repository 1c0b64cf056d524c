CREATE TABLE src ($COLS) WITH ('connector' = 'filesystem', 'path' = '$T/in.json', 'format' = 'json');
CREATE TABLE k ($COLS) WITH ('connector' = 'kafka', 'topic' = 'out',
  'properties.bootstrap.servers' = '$K', 'format' = 'avro-confluent',
  'avro-confluent.url' = '$SR');
INSERT INTO k SELECT * FROM src;
