#!/usr/bin/env bash
# Nested values (ROW, MAP, ARRAY of rows and arrays) through Kafka in the
# JSON family, against the mock cluster, checked with kcat and exact
# printed rows:
#   - json messages produced by kcat are read into ROW/MAP/ARRAY columns
#     and printed as Flink prints them;
#   - the kafka sink writes them back with json and debezium-json, and
#     kcat reads the exact records (fields in order, maps as objects);
#   - upsert-kafka keeps per-key state of rows holding nested values: an
#     unchanged nested value gives nothing, a changed one -U/+U.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../kafka/lib.sh"
set -e
kafka_start_mock nin:1 nout:1 ndbz:1 nup:1
K=$KAFKA_BOOTSTRAP

printf '%s\n' \
    '{"id":1,"r":{"a":1,"b":"x","c":{"d":[1,2]}},"m":{"k":1,"j":null},"l":[{"n":"p","v":[true]}]}' \
    '{"id":2,"r":null,"m":{},"l":[]}' \
    '{"id":3,"r":{"a":3},"m":[1],"l":[null,{"n":"q"}]}' |
    "$KCAT" -b "$K" -P -t nin
cat >"$T/job.sql" <<SQL
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
SQL
run_hf "$T/out" "$T/err" run "$T/job.sql"
expect_rc 0 "kafka json nested"
[ "$RC" -eq 0 ] || cat "$T/err" >&2
sort "$T/out" >"$T/out.sorted"
cat >"$T/want" <<'OUT'
+I[1, +I[1, x, +I[[1, 2]]], {j=null, k=1}, [+I[p, [true]]]]
+I[2, null, {}, []]
+I[3, +I[3, null, null], {}, [null, +I[q, null]]]
OUT
expect_same "$T/want" "$T/out.sorted" "printed nested rows"
"$KCAT" -b "$K" -C -t nout -e -q -f '%s\n' | sort >"$T/nout"
cat >"$T/nout.want" <<'OUT'
{"id":1,"r":{"a":1,"b":"x","c":{"d":[1,2]}},"m":{"k":1,"j":null},"l":[{"n":"p","v":[true]}]}
{"id":2,"r":null,"m":{},"l":[]}
{"id":3,"r":{"a":3,"b":null,"c":null},"m":{},"l":[null,{"n":"q","v":null}]}
OUT
expect_same "$T/nout.want" "$T/nout" "json records"
"$KCAT" -b "$K" -C -t ndbz -e -q -f '%s\n' | sort >"$T/ndbz"
cat >"$T/ndbz.want" <<'OUT'
{"before":null,"after":{"id":1,"b":"x","first_d":1,"jv":null},"op":"c"}
{"before":null,"after":{"id":2,"b":null,"first_d":null,"jv":null},"op":"c"}
{"before":null,"after":{"id":3,"b":null,"first_d":null,"jv":null},"op":"c"}
OUT
expect_same "$T/ndbz.want" "$T/ndbz" "debezium-json records"

# --- upsert-kafka: per-key state of nested rows.
printf '%s\n' 'a|{"k":"a","r":{"x":[1]},"m":{"p":1}}' 'a|{"k":"a","r":{"x":[1]},"m":{"p":1}}' \
    'a|{"k":"a","r":{"x":[1,2]},"m":{"p":1}}' 'a|' |
    "$KCAT" -b "$K" -P -t nup -K '|' -Z
cat >"$T/up.sql" <<SQL
CREATE TABLE u (k STRING, r ROW<x ARRAY<INT>>, m MAP<STRING, INT>, PRIMARY KEY (k) NOT ENFORCED)
WITH ('connector' = 'upsert-kafka', 'topic' = 'nup', 'properties.bootstrap.servers' = '$K',
      'key.format' = 'raw', 'value.format' = 'json', 'scan.bounded.mode' = 'latest-offset');
CREATE TABLE p (k STRING, r ROW<x ARRAY<INT>>, m MAP<STRING, INT>) WITH ('connector' = 'print');
INSERT INTO p SELECT * FROM u;
SQL
run_hf "$T/up.out" "$T/up.err" run "$T/up.sql"
expect_rc 0 "upsert-kafka nested"
[ "$RC" -eq 0 ] || cat "$T/up.err" >&2
cat >"$T/up.want" <<'OUT'
+I[a, +I[[1]], {p=1}]
-U[a, +I[[1]], {p=1}]
+U[a, +I[[1, 2]], {p=1}]
-D[a, +I[[1, 2]], {p=1}]
OUT
expect_same "$T/up.want" "$T/up.out" "upsert-kafka changelog"
finish
