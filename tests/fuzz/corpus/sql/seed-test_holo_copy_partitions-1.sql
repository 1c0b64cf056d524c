CREATE TABLE ${p}_ref (id bigint, region text, amount numeric(12, 2), day date);
\copy ${p}_ref FROM '$T/rows.csv' csv
CREATE TABLE $p (id bigint, region text, amount numeric(12, 2), day date, PRIMARY KEY (id, region)) PARTITION BY LIST (region);
CREATE TABLE ${p}_d (id bigint, region text, amount numeric(12, 2), day date, PRIMARY KEY (id, day)) PARTITION BY LIST (day);
