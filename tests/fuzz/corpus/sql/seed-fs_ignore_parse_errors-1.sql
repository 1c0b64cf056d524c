CREATE TABLE src (x STRING, y INT, a INT, b INT, d DATE)
WITH ('connector' = 'filesystem', 'path' = '$T/in.json', 'format' = 'json',
      'json.ignore-parse-errors' = 'true'$2);
CREATE TABLE out (x STRING, y INT, a INT, b INT, d DATE) WITH ('connector' = 'print');
INSERT INTO out SELECT * FROM src;
