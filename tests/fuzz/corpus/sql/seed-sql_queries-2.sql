INSERT INTO o WITH w AS (SELECT i, n, t FROM cheap WHERE i > 0)
SELECT * FROM w
UNION ALL SELECT id + 100, name || '@' || file, price
  FROM fb /*+ OPTIONS('path' = '$T/b.csv') */
UNION ALL SELECT a, b, c FROM (VALUES (7, 'seven', 7.7)) AS t (a, b, c);
