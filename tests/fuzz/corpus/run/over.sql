CREATE TABLE g (k INT, s STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'number-of-rows' = '30', 'rows-per-second' = '1000000', 'fields.k.min' = '1', 'fields.k.max' = '3', 'fields.s.length' = '1');
CREATE TABLE out1 (a STRING, b BIGINT, c STRING) WITH ('connector' = 'print');
INSERT INTO out1 SELECT s, SUM(k) OVER (PARTITION BY s ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW), CAST(MAX(k) OVER (PARTITION BY s ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS STRING) FROM g;
