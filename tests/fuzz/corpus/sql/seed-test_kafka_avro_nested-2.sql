CREATE TABLE k ($COLS) WITH ('connector' = 'kafka', 'topic' = '$2',
  'properties.bootstrap.servers' = '$K', $3,
  'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset');
CREATE TABLE p ($COLS) WITH ('connector' = 'print');
INSERT INTO p SELECT * FROM k;
