DROP TABLE IF EXISTS $p;
CREATE TABLE $p (g int PRIMARY KEY, c bigint, cv bigint, sv int, mi int, ma int, av int, cd bigint, cf bigint, smin text, smax text);
DROP TABLE IF EXISTS ${p}_g;
CREATE TABLE ${p}_g (one int PRIMARY KEY, c bigint, sv int, ma int);
