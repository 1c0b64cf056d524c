DROP TABLE IF EXISTS ${P}_ev, ${P}_ref;
CREATE TABLE ${P}_ev (seq bigint, op text, id bigint, v bigint, p numeric(10,2), s text);
\copy ${P}_ev FROM '$T/ev.tsv'
CREATE TABLE ${P}_ref AS
  SELECT id % 97 AS g, count(*) AS n, sum(v)::bigint AS sv, max(v) AS mv, sum(p) AS sp
  FROM (SELECT DISTINCT ON (id) * FROM ${P}_ev ORDER BY id, seq DESC) last
  WHERE op <> 'd' GROUP BY 1;
