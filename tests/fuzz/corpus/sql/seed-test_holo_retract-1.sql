DROP TABLE IF EXISTS $p;
CREATE TABLE $p (email text PRIMARY KEY, id bigint, n bigint, note text DEFAULT 'dflt');
INSERT INTO $p VALUES ('k', 3, 0, 'keep me');
