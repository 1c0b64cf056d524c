SET 'execution.checkpointing.interval' = '500ms';
CREATE TABLE src ($cols) WITH ('connector' = 'hologres', $conn, 'tablename' = '$tbl'$extra);
CREATE TABLE out ($cols) WITH ('connector' = 'print');
INSERT INTO out SELECT * FROM src;
