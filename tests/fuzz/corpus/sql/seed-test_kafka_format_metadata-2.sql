CREATE TABLE p (id INT, name STRING, src_ts TIMESTAMP_LTZ(3), src_table STRING, src_db STRING,
  ingested TIMESTAMP_LTZ(3), topic STRING, `partition` INT, `offset` BIGINT, epoch INT)
WITH ('connector' = 'print');
INSERT INTO p SELECT id, name, src_ts, src_table, src_db, ingested, topic, `partition`, `offset`, epoch FROM src;
