DROP TABLE IF EXISTS ${P}_ev, ${P}_ref, ${P}_ref2, ${P}_t, ${P}_t2;
CREATE TABLE ${P}_ev (seq bigint, op text, id bigint, v bigint, p numeric(10,2), s text);
\copy ${P}_ev FROM '$T/ev.tsv'
CREATE TABLE ${P}_ref AS
  SELECT id, v, p, s FROM (SELECT DISTINCT ON (id) * FROM ${P}_ev ORDER BY id, seq DESC) last
  WHERE op <> 'd';
CREATE TABLE ${P}_ref2 AS SELECT id, v * 2 AS v2, upper(s) AS s FROM ${P}_ref;
CREATE TABLE ${P}_t (id bigint PRIMARY KEY, v bigint, p numeric(10,2), s text);
CREATE TABLE ${P}_t2 (id bigint PRIMARY KEY, v2 bigint, s text);
