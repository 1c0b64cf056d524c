CREATE TABLE ${p}_inc (id bigint PRIMARY KEY, n bigint NOT NULL);
INSERT INTO ${p}_inc SELECT g, 0 FROM generate_series(1, $N) g;
CREATE TABLE ${p}_app (id bigint, n bigint);
