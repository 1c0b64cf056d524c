SET 'table.exec.mini-batch.enabled' = 'true';
SET 'table.exec.mini-batch.allow-latency' = '1s';
SET 'table.exec.mini-batch.size' = '2';
SET 'parallelism.default' = '2';
CREATE TABLE out1 (a STRING, b BIGINT, c STRING) WITH ('connector' = 'print');
INSERT INTO out1 SELECT s, SUM(k), CAST(COUNT(*) AS STRING) FROM (SELECT s, MAX(k) AS k FROM (VALUES (1, 'a', CAST(1.50 AS DECIMAL(10,2)), TIMESTAMP '2026-01-01 00:00:01'), (2, 'b', CAST(2.25 AS DECIMAL(10,2)), TIMESTAMP '2026-01-01 00:00:07'), (1, 'a', CAST(NULL AS DECIMAL(10,2)), TIMESTAMP '2026-01-01 00:01:03'), (3, NULL, CAST(-4.00 AS DECIMAL(10,2)), TIMESTAMP '2026-01-01 00:02:00')) AS v(k, s, d, ts) GROUP BY s, d) GROUP BY s;
