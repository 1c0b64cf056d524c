CREATE TABLE src (
  id INT,
  r ROW<a INT, b STRING, c ROW<d ARRAY<INT>>>,
  m MAP<STRING, INT>,
  l ARRAY<ROW<n STRING, v ARRAY<BOOLEAN>>>
) WITH ('connector' = 'kafka', 'topic' = 'nin', 'properties.bootstrap.servers' = '$K',
        'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset',
        'format' = 'json');
CREATE TABLE p (id INT, r ROW<a INT, b STRING, c ROW<d ARRAY<INT>>>, m MAP<STRING, INT>,
                l ARRAY<ROW<n STRING, v ARRAY<BOOLEAN>>>) WITH ('connector' = 'print');
CREATE TABLE j (id INT, r ROW<a INT, b STRING, c ROW<d ARRAY<INT>>>, m MAP<STRING, INT>,
                l ARRAY<ROW<n STRING, v ARRAY<BOOLEAN>>>)
WITH ('connector' = 'kafka', 'topic' = 'nout', 'properties.bootstrap.servers' = '$K',
      'format' = 'json');
CREATE TABLE d (id INT, b STRING, first_d INT, jv INT)
WITH ('connector' = 'kafka', 'topic' = 'ndbz', 'properties.bootstrap.servers' = '$K',
      'format' = 'debezium-json');
EXECUTE STATEMENT SET BEGIN
INSERT INTO p SELECT * FROM src;
INSERT INTO j SELECT * FROM src;
INSERT INTO d SELECT id, r.b, r.c.d[1], m['j'] FROM src;
END;
