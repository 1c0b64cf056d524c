BEGIN STATEMENT SET;
CREATE TABLE f (id INT, `name with space` STRING) WITH (
  'connector.type' = 'filesystem', 'connector.path' = '/nonexistent/x.csv',
  'format.type' = 'csv', 'format.field-delimiter' = '|');
CREATE TABLE o (id INT, n STRING) WITH ('connector' = 'blackhole');
INSERT INTO o SELECT id, `name with space` FROM f;
END;
