CREATE TABLE g (k INT, s STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'number-of-rows' = '40', 'rows-per-second' = '1000000', 'fields.k.kind' = 'sequence', 'fields.k.start' = '1', 'fields.k.end' = '40');
CREATE TABLE bh (a STRING, b BIGINT, c STRING) WITH ('connector' = 'blackhole');
INSERT INTO bh SELECT s, SUM(k), CAST(window_end AS STRING) FROM TABLE(HOP(TABLE g, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '15' SECOND)) GROUP BY window_start, window_end, s;
INSERT INTO bh SELECT s, COUNT(*), CAST(window_end AS STRING) FROM TABLE(CUMULATE(TABLE g, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '20' SECOND)) GROUP BY window_start, window_end, s;
