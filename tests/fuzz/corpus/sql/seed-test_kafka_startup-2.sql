CREATE TABLE s (d BIGINT, part INT METADATA FROM 'partition', off BIGINT METADATA FROM 'offset',
  ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp')
WITH ('connector' = 'kafka', 'topic' = 'ts', 'properties.bootstrap.servers' = '$K',
      'format' = 'json', $2);
CREATE TABLE p (part INT, off BIGINT, d BIGINT, ts_ok BOOLEAN) WITH ('connector' = 'print');
INSERT INTO p SELECT part, off, d, ts = TO_TIMESTAMP_LTZ($B + d, 3) FROM s;
