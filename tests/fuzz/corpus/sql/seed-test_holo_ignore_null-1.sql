DROP TABLE IF EXISTS $p;
CREATE TABLE $p (id bigint PRIMARY KEY, a text NOT NULL, b text, c int NOT NULL DEFAULT 42);
INSERT INTO $p VALUES (1, 'keep', 'b', 7);
