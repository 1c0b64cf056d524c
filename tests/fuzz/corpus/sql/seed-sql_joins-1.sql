SET 'holoflow.batch.rows' = '1';
CREATE TABLE ev (s STRING, k INT, v STRING)
WITH ('connector' = 'filesystem', 'path' = '$T/ev.json', 'format' = 'debezium-json');
CREATE VIEW l AS SELECT k, v FROM ev WHERE s = 'L';
CREATE VIEW r AS SELECT k, v FROM ev WHERE s = 'R';
CREATE TABLE out (a INT, av STRING, b INT, bv STRING) WITH ('connector' = 'print');
$1
