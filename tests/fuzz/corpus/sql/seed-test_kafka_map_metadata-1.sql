CREATE TABLE s (id INT, h MAP<STRING, BYTES> METADATA FROM 'headers' VIRTUAL)
WITH ('connector' = 'kafka', 'topic' = 'hin', 'properties.bootstrap.servers' = '$K',
      'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset',
      'format' = 'json');
CREATE TABLE p (id INT, h MAP<STRING, BYTES>, a STRING, n INT) WITH ('connector' = 'print');
INSERT INTO p SELECT id, h, CAST(h['a'] AS STRING), CARDINALITY(h) FROM s;
