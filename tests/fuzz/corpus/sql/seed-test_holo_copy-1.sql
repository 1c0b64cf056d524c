CREATE TABLE ${p}_ref (user_id bigint PRIMARY KEY, user_name text, price numeric(38, 2), sale_timestamp timestamp);
\copy ${p}_ref FROM '$T/sales.csv' csv
CREATE TABLE ${p}_pk (LIKE ${p}_ref INCLUDING ALL);
CREATE TABLE ${p}_nopk (LIKE ${p}_ref);
