CREATE TABLE u (k STRING, r ROW<x ARRAY<INT>>, m MAP<STRING, INT>, PRIMARY KEY (k) NOT ENFORCED)
WITH ('connector' = 'upsert-kafka', 'topic' = 'nup', 'properties.bootstrap.servers' = '$K',
      'key.format' = 'raw', 'value.format' = 'json', 'scan.bounded.mode' = 'latest-offset');
CREATE TABLE p (k STRING, r ROW<x ARRAY<INT>>, m MAP<STRING, INT>) WITH ('connector' = 'print');
INSERT INTO p SELECT * FROM u;
