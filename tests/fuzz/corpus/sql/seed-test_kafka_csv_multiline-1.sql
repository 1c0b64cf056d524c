CREATE TABLE k (id INT, s STRING, t STRING) WITH ('connector' = 'kafka', 'topic' = '$1',
  'properties.bootstrap.servers' = '$K', 'scan.startup.mode' = 'earliest-offset',
  'scan.bounded.mode' = 'latest-offset', 'format' = 'csv'$2);
CREATE TABLE p (id INT, s STRING, t STRING) WITH ('connector' = 'print');
INSERT INTO p SELECT * FROM k;
