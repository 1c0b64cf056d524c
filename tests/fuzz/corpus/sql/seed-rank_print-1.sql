CREATE TABLE s (cat STRING, p STRING, sales BIGINT) WITH (
  'connector' = 'filesystem', 'path' = '$T/sales.csv', 'format' = 'csv');
CREATE TABLE o3 (p STRING, sales BIGINT, rn BIGINT) WITH ('connector' = 'print', 'print-identifier' = 'rn');
CREATE TABLE o2 (p STRING, sales BIGINT) WITH ('connector' = 'print', 'print-identifier' = 'norn');
INSERT INTO o3 SELECT p, sales, rn FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY cat ORDER BY sales DESC) AS rn FROM s
) WHERE rn <= 3;
INSERT INTO o2
WITH r AS (SELECT p, sales, cat, ROW_NUMBER() OVER (PARTITION BY cat ORDER BY sales DESC) AS rn FROM s)
SELECT p, sales FROM r WHERE rn < 4;
