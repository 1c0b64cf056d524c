DROP TABLE IF EXISTS $tbl, $ref, $dj, $exp;
CREATE TABLE $tbl (id bigint PRIMARY KEY, amount numeric(5,2), code varchar(3),
  name text NOT NULL, qty int CONSTRAINT ${tbl}_qty_nonneg CHECK (qty >= 0));
CREATE TABLE $ref (LIKE $tbl INCLUDING ALL);
\copy $ref FROM '$T/good.csv' WITH (FORMAT csv)
CREATE TABLE $dj (line jsonb);
CREATE TABLE $exp (id text, line int, kind text);
\copy $exp FROM '$T/bad-lines.tsv'
