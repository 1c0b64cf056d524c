DROP TABLE IF EXISTS ${p}_o, ${p}_c;
CREATE TABLE ${p}_o (id int PRIMARY KEY, cust int, amt int);
CREATE TABLE ${p}_c (cid int PRIMARY KEY, name text, tier int);
