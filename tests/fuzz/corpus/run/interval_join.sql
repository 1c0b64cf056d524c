CREATE TABLE g (k INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'number-of-rows' = '30', 'rows-per-second' = '1000000', 'fields.k.min' = '1', 'fields.k.max' = '3');
CREATE TABLE h (k INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'number-of-rows' = '30', 'rows-per-second' = '1000000', 'fields.k.min' = '1', 'fields.k.max' = '3');
CREATE TABLE out1 (a STRING, b BIGINT, c STRING) WITH ('connector' = 'print');
INSERT INTO out1 SELECT CAST(g.k AS STRING), h.k, CAST(g.ts AS STRING) FROM g JOIN h ON g.k = h.k AND g.ts BETWEEN h.ts - INTERVAL '1' SECOND AND h.ts;
