CREATE TABLE gen (id BIGINT, s STRING) WITH ('connector' = 'datagen', 'rows-per-second' = '50000');
CREATE TABLE sink (id BIGINT, s STRING) WITH ('connector' = 'blackhole');
INSERT INTO sink SELECT * FROM gen;
