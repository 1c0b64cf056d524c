$sets
CREATE TABLE T (k STRING, v INT) WITH (
  'connector' = 'filesystem', 'path' = '$src', 'format' = '$fmt');
CREATE TABLE out ($cols) WITH ('connector' = 'print');
INSERT INTO out $query;
