CREATE TABLE s (a STRING, b STRING, x BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '10');
CREATE TABLE o (a STRING, b STRING, g BIGINT, c BIGINT) WITH ('connector' = 'print');
INSERT INTO o SELECT a, b, GROUPING_ID(a, b), COUNT(*) FROM s GROUP BY CUBE (a, b) UNION ALL SELECT a, b, 0, COUNT(*) FROM s GROUP BY ROLLUP (a, b) UNION ALL SELECT a, b, 1, SUM(x) FROM s GROUP BY GROUPING SETS ((a, b), (a), ());
