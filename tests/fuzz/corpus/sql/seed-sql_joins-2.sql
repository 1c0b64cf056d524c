SET 'execution.runtime-mode' = 'batch';
CREATE TABLE l (k INT, v STRING) WITH ('connector' = 'filesystem', 'path' = '$T/l.json', 'format' = 'json');
CREATE TABLE r (k INT, v STRING) WITH ('connector' = 'filesystem', 'path' = '$T/r.json', 'format' = 'json');
CREATE TABLE out (a INT, av STRING, b INT, bv STRING) WITH ('connector' = 'print');
INSERT INTO out SELECT l.k, l.v, r.k, r.v FROM l LEFT JOIN r ON l.k = r.k;
