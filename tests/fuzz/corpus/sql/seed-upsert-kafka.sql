CREATE TABLE g (id INT, v STRING) WITH ('connector' = 'datagen');
CREATE TABLE u (id INT, v STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = 't',
  'properties.bootstrap.servers' = 'localhost:9092',
  'key.format' = 'csv', 'value.format' = 'json',
  'value.json.ignore-parse-errors' = 'true', 'sink.buffer-flush.interval' = '1 s');
INSERT INTO u SELECT * FROM g;
