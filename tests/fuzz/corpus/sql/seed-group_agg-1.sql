SET 'table.exec.mini-batch.enabled' = 'true';
SET 'table.exec.mini-batch.allow-latency' = '1 s';
SET 'table.exec.mini-batch.size' = '100';
CREATE TABLE T (k STRING, v INT, PRIMARY KEY (k) NOT ENFORCED) WITH ('connector' = 'filesystem', 'path' = '/nonexistent', 'format' = 'debezium-json');
CREATE TABLE out (k STRING, c BIGINT, s INT, l STRING) WITH ('connector' = 'print');
INSERT INTO out SELECT k, COUNT(DISTINCT v) FILTER (WHERE v > 1), SUM(v), LISTAGG(k, '|') FROM T WHERE v IS NOT NULL GROUP BY k HAVING MAX(v) > 2;
INSERT INTO out SELECT 'x', COUNT(*), CAST(AVG(v) AS INT), CAST(STDDEV_POP(v) AS STRING) FROM (SELECT DISTINCT k, v FROM T);
