CREATE TABLE src ($cols) WITH ('connector' = 'filesystem', 'path' = '$1', 'format' = 'csv');
CREATE TABLE dst ($cols$pk) WITH ($conn, 'tablename' = '$2'$4);
INSERT INTO dst SELECT * FROM src;
