CREATE TABLE T (k STRING, v INT) WITH (
  'connector' = 'filesystem', 'path' = '$T/v.csv', 'format' = 'csv');
CREATE TABLE out (l INT, s INT) WITH ('connector' = 'print');
CREATE VIEW V AS SELECT CHAR_LENGTH(k) AS l, SUM(v) AS s FROM T GROUP BY CHAR_LENGTH(k);
INSERT INTO out WITH w AS (SELECT l, s FROM V) SELECT l, s FROM w;
