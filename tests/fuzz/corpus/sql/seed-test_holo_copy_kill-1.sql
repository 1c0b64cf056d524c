CREATE TABLE $p (user_id bigint PRIMARY KEY, user_name text, price numeric(38, 2), sale_timestamp timestamp);
INSERT INTO $p SELECT g, 'pre', g, '1999-12-31' FROM generate_series(2000001, 2003000) g;
