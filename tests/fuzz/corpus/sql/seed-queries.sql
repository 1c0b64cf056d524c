SET 'execution.runtime-mode' = 'batch';
CREATE TABLE s (id INT, name STRING, ms BIGINT, ts AS TO_TIMESTAMP_LTZ(ms, 3),
  up AS UPPER(name), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
WITH ('connector' = 'datagen', 'number-of-rows' = '5');
CREATE TABLE s2 WITH ('number-of-rows' = '2') LIKE s (EXCLUDING WATERMARKS OVERWRITING OPTIONS);
CREATE TABLE o (id BIGINT, n STRING, c AS id * 2) WITH ('connector' = 'print');
CREATE TEMPORARY VIEW IF NOT EXISTS v (i, n) AS SELECT id, up FROM s WHERE id > 0;
EXECUTE STATEMENT SET BEGIN
INSERT INTO o WITH w AS (SELECT i, n FROM v), x (a, b) AS (SELECT * FROM w)
  SELECT a, b FROM x UNION ALL SELECT id, name FROM s2 /*+ OPTIONS('rows-per-second' = '5') */ AS t
  UNION ALL VALUES (1, 'a'), (NULL, NULL);
INSERT INTO o SELECT DISTINCT id, name FROM (SELECT * FROM s) AS q (id, name, ms, ts, up) LIMIT 2 OFFSET 1;
INSERT INTO o SELECT 1, 'x' UNION SELECT id, name FROM s ORDER BY 1;
END;
DROP TEMPORARY VIEW IF EXISTS v;
DROP TABLE s2;
