SET 'table.exec.source.idle-timeout' = '$1';
SET 'pipeline.auto-watermark-interval' = '50ms';
CREATE TABLE ev (ts TIMESTAMP(3), v INT,
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'kafka', 'topic' = 'ev', 'properties.bootstrap.servers' = '$K',
      'scan.startup.mode' = 'earliest-offset', 'format' = 'json');
CREATE TABLE o (ws TIMESTAMP(3), we TIMESTAMP(3), total BIGINT, n BIGINT)
WITH ('connector' = 'print');
INSERT INTO o SELECT window_start, window_end, SUM(CAST(v AS BIGINT)), COUNT(*)
FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '10' MINUTES))
GROUP BY window_start, window_end;
