SET client_min_messages = warning;
DROP TABLE IF EXISTS hf_wa_seed, hf_wa_file, hf_wa_two;
CREATE TABLE hf_wa_seed (user_id bigint PRIMARY KEY, user_name text,
  price numeric(38,2), sale_timestamp timestamptz);
CREATE TABLE hf_wa_file (LIKE hf_wa_seed INCLUDING ALL);
INSERT INTO hf_wa_file VALUES (100, 'pre', 1.00, '2020-01-01 00:00:00+00'),
  (101, 'pre', 2.00, '2020-01-01 00:00:00+00');
CREATE TABLE "hf_wa_two" (id int PRIMARY KEY, "Note" text);
