CREATE TABLE fa (id INT, name STRING, price DECIMAL(5, 2),
  total AS price * 3, up AS UPPER(name),
  file STRING METADATA FROM 'file.name' VIRTUAL)
WITH ('connector' = 'filesystem', 'path' = '$T/a.csv', 'format' = 'csv');
CREATE TABLE fb WITH ('path' = '$T/none.csv') LIKE fa (EXCLUDING GENERATED);
CREATE TABLE o (id BIGINT, name STRING, v DECIMAL(10, 2))
WITH ('connector' = 'print', 'print-identifier' = 'o');
CREATE TABLE o2 (id BIGINT, name STRING, v DECIMAL(10, 2))
WITH ('connector' = 'print', 'print-identifier' = 'o2');
CREATE VIEW cheap (i, n, t) AS SELECT id, up, total FROM fa WHERE price < 3;
