DROP TABLE IF EXISTS ${P}_t;
CREATE TABLE ${P}_t (g bigint PRIMARY KEY, n bigint, sv bigint, mv bigint, sp numeric(38,2));
