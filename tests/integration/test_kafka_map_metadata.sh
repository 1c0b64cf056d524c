#!/usr/bin/env bash
# MAP-typed metadata on Kafka, against the mock cluster, checked with kcat
# and exact printed rows:
#   - 'headers' (MAP<STRING, BYTES>) read from messages kcat produced with
#     headers: each header once (a repeated name keeps its first place and
#     its last value, as Flink's HashMap put), no header an empty map;
#   - 'headers' written by the kafka sink from a MAP<STRING, BYTES> column
#     (and with upsert-kafka's buffered reduce), read back by kcat;
#   - debezium-json's value.source.properties (MAP<STRING, STRING>: the
#     event's "source", numbers and booleans as their text) and canal-json's
#     value.sql-type (MAP<STRING, INT>: "sqlType").
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../kafka/lib.sh"
set -e
kafka_start_mock hin:1 hout:1 hup:1 dbz:1 canal:1
K=$KAFKA_BOOTSTRAP

# --- headers read
printf '%s\n' '{"id":1}' | "$KCAT" -b "$K" -P -t hin -H "a=1" -H "b=xyz" -H "a=22"
printf '%s\n' '{"id":2}' | "$KCAT" -b "$K" -P -t hin
cat >"$T/r.sql" <<SQL
CREATE TABLE s (id INT, h MAP<STRING, BYTES> METADATA FROM 'headers' VIRTUAL)
WITH ('connector' = 'kafka', 'topic' = 'hin', 'properties.bootstrap.servers' = '$K',
      'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset',
      'format' = 'json');
CREATE TABLE p (id INT, h MAP<STRING, BYTES>, a STRING, n INT) WITH ('connector' = 'print');
INSERT INTO p SELECT id, h, CAST(h['a'] AS STRING), CARDINALITY(h) FROM s;
SQL
run_hf "$T/r.out" "$T/r.err" run "$T/r.sql"
expect_rc 0 "headers read"
[ "$RC" -eq 0 ] || cat "$T/r.err" >&2
cat >"$T/r.want" <<'OUT'
+I[1, {a=[50, 50], b=[120, 121, 122]}, 22, 2]
+I[2, {}, null, 0]
OUT
expect_same "$T/r.want" "$T/r.out" "headers as rows"

# --- headers written (kafka, and upsert-kafka through its reduce buffer)
cat >"$T/w.sql" <<SQL
SET 'execution.runtime-mode' = 'batch';
CREATE TABLE g (id INT) WITH ('connector' = 'datagen', 'number-of-rows' = '2',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '2');
CREATE TABLE k (id INT, h MAP<STRING, BYTES> METADATA FROM 'headers')
WITH ('connector' = 'kafka', 'topic' = 'hout', 'properties.bootstrap.servers' = '$K',
      'format' = 'json');
CREATE TABLE u (id INT, h MAP<STRING, BYTES> METADATA FROM 'headers', PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'upsert-kafka', 'topic' = 'hup', 'properties.bootstrap.servers' = '$K',
      'key.format' = 'json', 'value.format' = 'json',
      'sink.buffer-flush.max-rows' = '10', 'sink.buffer-flush.interval' = '1s');
EXECUTE STATEMENT SET BEGIN
INSERT INTO k SELECT id, MAP['n', CAST(CAST(id AS STRING) AS BYTES), 'empty', CAST('' AS BYTES)] FROM g;
INSERT INTO u SELECT id, MAP['up', CAST('yes' AS BYTES)] FROM g;
END;
SQL
run_hf "$T/w.out" "$T/w.err" run "$T/w.sql"
expect_rc 0 "headers written"
[ "$RC" -eq 0 ] || cat "$T/w.err" >&2
"$KCAT" -b "$K" -C -t hout -e -q -f '%s|%h\n' | sort >"$T/hout"
cat >"$T/hout.want" <<'OUT'
{"id":1}|n=1,empty=
{"id":2}|n=2,empty=
OUT
expect_same "$T/hout.want" "$T/hout" "kafka sink headers"
"$KCAT" -b "$K" -C -t hup -e -q -f '%k|%s|%h\n' | sort >"$T/hup"
cat >"$T/hup.want" <<'OUT'
{"id":1}|{"id":1}|up=yes
{"id":2}|{"id":2}|up=yes
OUT
expect_same "$T/hup.want" "$T/hup" "upsert-kafka sink headers"

# --- MAP-typed format metadata
printf '%s\n' '{"before":null,"after":{"id":106},"source":{"version":"1.1.1.Final","ts_ms":0,"snapshot":"true","db":"inventory","table":"products","gtid":null},"op":"r","ts_ms":1589355606100}' |
    "$KCAT" -b "$K" -P -t dbz
printf '%s\n' '{"data":[{"id":"101"}],"database":"inventory","table":"products","sqlType":{"id":4,"name":12},"type":"INSERT","pkNames":["id"],"ts":1589373515477}' |
    "$KCAT" -b "$K" -P -t canal
cat >"$T/f.sql" <<SQL
CREATE TABLE d (id INT, props MAP<STRING, STRING> METADATA FROM 'value.source.properties' VIRTUAL)
WITH ('connector' = 'kafka', 'topic' = 'dbz', 'properties.bootstrap.servers' = '$K',
      'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset',
      'format' = 'debezium-json');
CREATE TABLE c (id INT, st MAP<STRING, INT> METADATA FROM 'value.sql-type' VIRTUAL)
WITH ('connector' = 'kafka', 'topic' = 'canal', 'properties.bootstrap.servers' = '$K',
      'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset',
      'format' = 'canal-json');
CREATE TABLE p (id INT, props MAP<STRING, STRING>, db STRING) WITH ('connector' = 'print', 'print-identifier' = 'dbz');
CREATE TABLE q (id INT, st MAP<STRING, INT>, name_type INT) WITH ('connector' = 'print', 'print-identifier' = 'canal');
EXECUTE STATEMENT SET BEGIN
INSERT INTO p SELECT id, props, props['db'] FROM d;
INSERT INTO q SELECT id, st, st['name'] FROM c;
END;
SQL
run_hf "$T/f.out" "$T/f.err" run "$T/f.sql"
expect_rc 0 "MAP-typed format metadata"
[ "$RC" -eq 0 ] || cat "$T/f.err" >&2
sort "$T/f.out" >"$T/f.sorted"
cat >"$T/f.want" <<'OUT'
canal> +I[101, {name=12, id=4}, 12]
dbz> +I[106, {gtid=null, version=1.1.1.Final, ts_ms=0, snapshot=true, db=inventory, table=products}, inventory]
OUT
expect_same "$T/f.want" "$T/f.sorted" "source.properties and sql-type"
finish
