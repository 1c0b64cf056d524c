CREATE TABLE ev (k STRING, ts TIMESTAMP(3), v STRING, pt AS PROCTIME(),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) WITH (
  'connector' = 'filesystem', 'path' = '$T/ev.csv', 'format' = 'csv');
CREATE TABLE rf (k STRING, ts TIMESTAMP(3), v STRING) WITH ('connector' = 'print', 'print-identifier' = 'rowtime-first');
CREATE TABLE rl (k STRING, ts TIMESTAMP(3), v STRING) WITH ('connector' = 'print', 'print-identifier' = 'rowtime-last');
CREATE TABLE pf (k STRING, v STRING) WITH ('connector' = 'print', 'print-identifier' = 'proc-first');
CREATE TABLE pl (k STRING, v STRING) WITH ('connector' = 'print', 'print-identifier' = 'proc-last');
CREATE VIEW firsts AS SELECT * FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY pt ASC) AS rn FROM ev) WHERE rn = 1;
INSERT INTO rf SELECT k, ts, v FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY ts) AS rn FROM ev) WHERE rn = 1;
INSERT INTO rl SELECT k, ts, v FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY ts DESC) AS rn FROM ev) WHERE rn <= 1;
INSERT INTO pf SELECT k, v FROM firsts;
INSERT INTO pl SELECT k, v FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY pt DESC) AS rn FROM ev) WHERE rn = 1;
