CREATE TABLE k ($4) WITH ('connector' = 'kafka', 'topic' = '$2',
  'properties.bootstrap.servers' = '$K', 'format' = '$3',
  '$3.url' = '$SR', ${5:-'scan.startup.mode' = 'earliest-offset'},
  'scan.bounded.mode' = 'latest-offset');
CREATE TABLE p ($4) WITH ('connector' = 'print');
INSERT INTO p SELECT * FROM k;
