SET 'execution.runtime-mode' = 'batch';
CREATE TABLE src ($cols) WITH ('connector' = 'hologres', $conn, 'tablename' = '${p}_src');
CREATE TABLE dst ($cols, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', $conn, 'tablename' = '${p}_dst');
INSERT INTO dst SELECT * FROM src;
