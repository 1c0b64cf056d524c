CREATE TABLE g (k INT, s STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'datagen', 'number-of-rows' = '50', 'rows-per-second' = '1000000', 'fields.k.min' = '1', 'fields.k.max' = '5', 'fields.s.length' = '3');
CREATE TABLE out1 (a STRING, b BIGINT, c STRING) WITH ('connector' = 'print');
INSERT INTO out1 SELECT CAST(window_start AS STRING), COUNT(*), MAX(s) FROM TABLE(TUMBLE(TABLE g, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end;
