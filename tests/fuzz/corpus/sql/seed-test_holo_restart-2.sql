WITH e AS (SELECT id % 250000 AS k, max(id) AS v FROM generate_series(1, 1000000) id GROUP BY 1)
SELECT count(*), sum(k), sum(v), md5(string_agg(k || ',' || v || ',r' || v, ';' ORDER BY k)) FROM e;
