CREATE TABLE src (id INT, name STRING)
WITH ('connector' = 'filesystem', 'path' = '$2', 'format' = '${3:-csv}');
CREATE TABLE out (id INT, name STRING) WITH ('connector' = 'print');
INSERT INTO out SELECT * FROM src;
