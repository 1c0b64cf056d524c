CREATE TABLE f (id INT, s STRING, t STRING) WITH ('connector' = 'filesystem', 'path' = '$T/in.csv', 'format' = 'csv');
CREATE TABLE p (id INT, s STRING, t STRING) WITH ('connector' = 'print');
INSERT INTO p SELECT * FROM f;
