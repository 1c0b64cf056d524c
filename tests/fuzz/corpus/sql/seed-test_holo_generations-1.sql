SET TimeZone = 'UTC';
SET client_min_messages = warning;
DROP TABLE IF EXISTS $tbl, $ref, $raw;
CREATE TABLE $raw (seq serial, user_id bigint, user_name text, price numeric(38,2), sale_timestamp timestamptz);
\copy $raw (user_id, user_name, price, sale_timestamp) FROM '$T/in.csv' WITH (FORMAT csv)
CREATE TABLE $tbl (user_id bigint PRIMARY KEY, user_name text, price numeric(38,2), sale_timestamp timestamptz);
CREATE TABLE $ref (LIKE $tbl INCLUDING ALL);
INSERT INTO $ref SELECT g, 'pre' || g, g, '2000-01-01 00:00:00+00' FROM generate_series(150, 250) g;
INSERT INTO $ref SELECT DISTINCT ON (user_id) user_id, user_name, price, sale_timestamp FROM $raw ORDER BY user_id, seq DESC
  ON CONFLICT (user_id) DO UPDATE SET user_name = excluded.user_name, price = excluded.price, sale_timestamp = excluded.sale_timestamp;
