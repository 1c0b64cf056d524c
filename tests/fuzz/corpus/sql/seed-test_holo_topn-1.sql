DROP TABLE IF EXISTS ${p}_rn, ${p}_id, ${p}_src;
CREATE TABLE ${p}_rn (cat text, rn bigint, id bigint, score bigint, name text, PRIMARY KEY (cat, rn));
CREATE TABLE ${p}_id (cat text, id bigint, score bigint, PRIMARY KEY (cat, id));
CREATE TABLE ${p}_src (id bigint PRIMARY KEY, cat text, score bigint, name text);
