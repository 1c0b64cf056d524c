CREATE TABLE c (name STRING, n INT)
WITH ('connector' = 'filesystem', 'path' = '$T/csv', 'format' = 'csv');
CREATE TABLE j (name STRING, n INT)
WITH ('connector' = 'filesystem', 'path' = '$T/json', 'format' = 'json');
CREATE TABLE r (line STRING)
WITH ('connector' = 'filesystem', 'path' = '$T/json', 'format' = 'raw');
CREATE TABLE out (name STRING, n INT) WITH ('connector' = 'print');
CREATE TABLE out_raw (line STRING) WITH ('connector' = 'print', 'print-identifier' = 'raw');
EXECUTE STATEMENT SET BEGIN
INSERT INTO out SELECT * FROM c;
INSERT INTO out SELECT * FROM j;
INSERT INTO out_raw SELECT * FROM r;
END;
