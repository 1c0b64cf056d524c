CREATE TABLE gen (id INT) WITH (
  'connector' = 'datagen',
  'rows-per-secnd' = '10'
);
CREATE TABLE out (id INT) WITH ('connector' = 'blackhole');
INSERT INTO out SELECT id FROM gen;
