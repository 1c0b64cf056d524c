DROP PUBLICATION IF EXISTS ${P}_pub;
DROP TABLE IF EXISTS ${P}_src, ${P}_dst;
CREATE TABLE ${P}_src (id bigint PRIMARY KEY, v bigint, s text, n numeric(12,2), ts timestamptz, arr int[]);
INSERT INTO ${P}_src SELECT g, g * 3, 's' || g, g / 7.0, '2024-01-01'::timestamptz + g * interval '1 min', ARRAY[g]
  FROM generate_series(1, $N) g;
CREATE TABLE ${P}_dst (id bigint PRIMARY KEY, v bigint, s text, n numeric(12,2), ts timestamptz, arr int[]);
