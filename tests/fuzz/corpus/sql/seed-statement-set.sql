SET 'execution.runtime-mode' = 'batch';
SET pipeline.name = fuzz;
CREATE TEMPORARY TABLE IF NOT EXISTS src (
  id BIGINT NOT NULL,
  name VARCHAR(20) COMMENT 'the name',
  price DECIMAL(10, 2),
  tags ARRAY<STRING>,
  ts TIMESTAMP(3),
  pt AS PROCTIME(),
  PRIMARY KEY (id) NOT ENFORCED
) WITH ('connector' = 'datagen', 'number-of-rows' = '10',
        'fields.id.kind' = 'sequence', 'fields.id.start' = '1',
        'fields.id.end' = '10');
CREATE TABLE out1 (id BIGINT, n STRING, p DOUBLE) WITH ('connector' = 'print');
CREATE TABLE out2 WITH ('connector' = 'blackhole') LIKE src;
EXECUTE STATEMENT SET BEGIN
INSERT INTO out1 SELECT id, UPPER(name) || '-x', CAST(price AS DOUBLE) * 2 FROM src WHERE id > 3 AND name IS NOT NULL;
INSERT INTO out1 (id, n) SELECT id + 1, COALESCE(name, 'none') FROM src;
END;
