CREATE TABLE ${p}_ref (id bigint PRIMARY KEY, name text, note text, price numeric(38, 2), qty int, tail text);
\copy ${p}_ref FROM '$T/a.csv' csv
CREATE TABLE ${p}_t (LIKE ${p}_ref INCLUDING ALL);
