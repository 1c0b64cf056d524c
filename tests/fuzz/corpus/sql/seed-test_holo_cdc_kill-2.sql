SET 'execution.checkpointing.interval' = '700ms';
CREATE TABLE src (id BIGINT, v BIGINT, s STRING, n DECIMAL(12, 2), ts TIMESTAMP_LTZ(6), arr ARRAY<INT>,
  PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', $conn, 'tablename' = '${P}_src',
      'publication.name' = '${P}_pub', 'source.binlog.batch-size' = '2000',
      'retry-count' = '30');
CREATE TABLE dst (id BIGINT, v BIGINT, s STRING, n DECIMAL(12, 2), ts TIMESTAMP_LTZ(6), arr ARRAY<INT>,
  PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', $conn, 'tablename' = '${P}_dst', 'retry-count' = '30');
INSERT INTO dst SELECT * FROM src;
