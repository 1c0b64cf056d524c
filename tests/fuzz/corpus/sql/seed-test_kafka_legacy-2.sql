CREATE TABLE src (id INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3');
CREATE TABLE k (id INT) WITH ('connector' = 'kafka', 'topic' = 'legout',
  'properties.bootstrap.servers' = '$K', 'format' = 'json',
  'properties.compression.codec' = 'zip');
INSERT INTO k SELECT * FROM src;
