DROP TABLE IF EXISTS ${P}_a, ${P}_f, ${P}_t, ${P}_v8;
CREATE TABLE ${P}_a (id bigint PRIMARY KEY, v int, s text, tags text[]);
INSERT INTO ${P}_a VALUES (1, 10, 'one', '{a,"b c"}'), (2, 20, NULL, '{}');
CREATE TABLE ${P}_f (id bigint PRIMARY KEY, v int, big text);
ALTER TABLE ${P}_f ALTER COLUMN big SET STORAGE EXTERNAL; -- stored out of line
ALTER TABLE ${P}_f REPLICA IDENTITY FULL;
INSERT INTO ${P}_f VALUES (1, 10, repeat('x', 9000)), (2, 20, 'small');
CREATE TABLE ${P}_t (id bigint PRIMARY KEY, v int, big text);
ALTER TABLE ${P}_t ALTER COLUMN big SET STORAGE EXTERNAL;
INSERT INTO ${P}_t VALUES (1, 10, repeat('y', 9000));
CREATE TABLE ${P}_v8 (id bigint PRIMARY KEY, v int);
INSERT INTO ${P}_v8 VALUES (1, 10);
