CREATE TABLE s (r ROW<a INT>, m MAP<STRING, INT>) WITH ('connector' = 'filesystem', 'path' = '/nonexistent', 'format' = 'json');
CREATE TABLE p (x INT) WITH ('connector' = 'print');
INSERT INTO p SELECT r.b FROM s;
