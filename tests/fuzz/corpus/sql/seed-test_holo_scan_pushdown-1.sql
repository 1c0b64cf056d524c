SET client_min_messages = warning;
CREATE TABLE ${p} (id bigint, s text, n numeric(10, 2), f float8, d date, b boolean,
  ts timestamptz, c char(4));
INSERT INTO ${p} SELECT i, 's' || (i % 10), i / 4.0, i / 3.0, date '2024-01-01' + i, i % 2 = 0,
  timestamptz '2024-01-01 00:00+00' + i * interval '1 hour', 'c' || (i % 3)
FROM generate_series(1, 2000) i;
INSERT INTO ${p} VALUES (NULL, NULL, NULL, 'NaN', NULL, NULL, NULL, NULL),
  (0, 'O''Brien; DROP TABLE x; --', -1, -1, '1999-01-01', false, '1999-01-01 00:00+00', 'ab');
CREATE TABLE ${p}_part (id bigint, region text, v int) PARTITION BY LIST (region);
CREATE TABLE ${p}_part_a PARTITION OF ${p}_part FOR VALUES IN ('a');
CREATE TABLE ${p}_part_b PARTITION OF ${p}_part FOR VALUES IN ('b');
CREATE TABLE ${p}_part_c PARTITION OF ${p}_part FOR VALUES IN ('c');
INSERT INTO ${p}_part SELECT i, chr(97 + i % 3), i FROM generate_series(1, 300) i;
CREATE TABLE ${p}_pdef (id bigint, region text) PARTITION BY LIST (region);
CREATE TABLE ${p}_pdef_a PARTITION OF ${p}_pdef FOR VALUES IN ('a');
CREATE TABLE ${p}_pdef_x PARTITION OF ${p}_pdef DEFAULT;
INSERT INTO ${p}_pdef VALUES (1, 'a'), (2, 'b'), (3, 'a'), (4, NULL);
