CREATE TABLE s (a INT, b STRING, c DECIMAL(38, 18), d TIMESTAMP_LTZ(3), e BYTES, f BOOLEAN)
WITH ('connector' = 'datagen', 'number-of-rows' = '5');
CREATE TABLE k (x STRING, y BIGINT, z DATE) WITH ('connector' = 'print', 'print-identifier' = 'p');
INSERT INTO k
SELECT CASE WHEN a % 2 = 0 THEN 'even' WHEN a IS NULL THEN NULL ELSE SUBSTRING(b, 2, 3) END,
       CAST(c * 1000 AS BIGINT) + ABS(-a) - (a / 3),
       CAST(d AS DATE)
FROM s
WHERE (a BETWEEN -10 AND 10 OR b LIKE 'a%' OR b IN ('x', 'y''z'))
  AND NOT f AND CHAR_LENGTH(b) <> 0 AND e IS NOT NULL;
