CREATE TABLE s (a STRING, x BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '10');
CREATE TABLE o (a STRING, x BIGINT) WITH ('connector' = 'print');
INSERT INTO o SELECT a, x FROM s ORDER BY x DESC, a LIMIT 3;
