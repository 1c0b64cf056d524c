CREATE TABLE gen (id BIGINT, name STRING) WITH (
  'connector' = 'datagen',
  'number-of-rows' = '20000',
  'rows-per-second' = '50000',
  'fields.id.kind' = 'sequence',
  'fields.id.start' = '1',
  'fields.id.end' = '20000',
  'fields.name.length' = '6'
);
CREATE TABLE a (id BIGINT, name STRING) WITH ('connector' = 'print', 'print-identifier' = 'a');
CREATE TABLE b (id BIGINT, name STRING) WITH ('connector' = 'print', 'print-identifier' = 'b');
EXECUTE STATEMENT SET BEGIN
  INSERT INTO a SELECT * FROM gen;
  INSERT INTO b SELECT id, UPPER(name) FROM gen WHERE id > 15000;
END;
