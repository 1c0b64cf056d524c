CREATE TABLE src ($cols) WITH ('connector' = 'filesystem', 'path' = '$1', 'format' = 'csv'$2);
CREATE TABLE dst ($cols, PRIMARY KEY (id) NOT ENFORCED) WITH ($conn, 'tablename' = '${p}_t'$3);
INSERT INTO dst SELECT * FROM src;
