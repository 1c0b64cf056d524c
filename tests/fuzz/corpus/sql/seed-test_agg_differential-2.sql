$2
CREATE TABLE src (id BIGINT, g INT, v INT, s STRING, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'filesystem', 'path' = '$T/ev.json', 'format' = 'debezium-json');
CREATE TABLE dst (g INT, c BIGINT, cv BIGINT, sv INT, mi INT, ma INT, av INT, cd BIGINT, cf BIGINT,
                  smin STRING, smax STRING, PRIMARY KEY (g) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '$p', 'username' = '$PGUSER', 'password' = 'x');
CREATE TABLE glob (one INT, c BIGINT, sv INT, ma INT, PRIMARY KEY (one) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '${p}_g', 'username' = '$PGUSER', 'password' = 'x');
EXECUTE STATEMENT SET BEGIN
INSERT INTO dst SELECT g, COUNT(*), COUNT(v), SUM(v), MIN(v), MAX(v), AVG(v), COUNT(DISTINCT v),
  COUNT(*) FILTER (WHERE v > 0), MIN(s), MAX(s) FROM src GROUP BY g;
INSERT INTO glob SELECT 1, c, sv, ma FROM (SELECT COUNT(*) c, SUM(v) sv, MAX(v) ma FROM src);
END;
