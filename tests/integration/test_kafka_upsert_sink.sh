#!/usr/bin/env bash
# The upsert-kafka sink, read back with kcat (an independent Kafka client):
# the seed 004 DDL (legacy 'connector.type' = 'upsert-kafka', placeholders
# filled) and the modern options. A debezium-json changelog (+I, -U/+U,
# -D) goes in; the topic must hold exactly the keys, values and tombstones
# Flink writes, in the partitions the partitioner picks:
#   - legacy default: Flink 1.11's FlinkFixedPartitioner, one sink
#     instance -> partition 0;
#   - 'custom' + 'murmur2' and the modern default: the Java producer's
#     default partitioner. Checked against Kafka's own test vectors
#     (murmur2("21") = -973932308 -> partition 0 of 4; murmur2("foobar") =
#     -790332482 -> partition 2) and against librdkafka's Java-compatible
#     'murmur2' partitioner producing the same keys with kcat;
#   - 'connector.sink.ignore-retraction': no tombstones;
#   - json and avro 'format.type'; EXCEPT_KEY with a key prefix;
#   - sink.buffer-flush.*: one message per key, the last;
#   - plan-time errors (no primary key, unknown partitioner class,
#     custom without class, one buffer option without the other).
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../kafka/lib.sh"
set -e
kafka_start_mock t_fixed:4 t_murmur:4 t_ignore:4 t_json:4 t_avro:4 \
    t_modern:4 t_reduce:4 t_ref:4

cat >"$T/ev.json" <<'JSON'
{"before":null,"after":{"car_id":"c1","car_owner":"alice","car_brand":"audi","car_speed":10},"op":"c"}
{"before":null,"after":{"car_id":"21","car_owner":"carol","car_brand":"vw","car_speed":30},"op":"c"}
{"before":null,"after":{"car_id":"foobar","car_owner":"dan","car_brand":"fiat, 500","car_speed":40},"op":"c"}
{"before":{"car_id":"c1","car_owner":"alice","car_brand":"audi","car_speed":10},"after":{"car_id":"c1","car_owner":"alice","car_brand":"audi","car_speed":15},"op":"u"}
{"before":{"car_id":"21","car_owner":"carol","car_brand":"vw","car_speed":30},"after":null,"op":"d"}
JSON

SRC="CREATE TABLE src (car_id STRING, car_owner STRING, car_brand STRING, car_speed INT)
WITH ('connector' = 'filesystem', 'path' = '$T/ev.json', 'format' = 'debezium-json');"

# run_case NAME TOPIC 'extra WITH options' ; runs the 004 table definition
# with the options, then reads the topic back sorted by partition, offset.
run_case() {
    local name=$1 topic=$2 extra=$3 cols=${4:-car_id STRING, car_owner STRING, car_brand STRING, car_speed INT, primary key (car_id) not enforced}
    local ins=${5:-INSERT INTO upsertKafkaSink SELECT * FROM src;}
    cat >"$T/$name.sql" <<SQL
$SRC
create table upsertKafkaSink(
  $cols
)
with (
  'connector.type' = 'upsert-kafka',
  'connector.version' = '0.11',
  'connector.topic' = '$topic',
  'connector.properties.bootstrap.servers' = '$KAFKA_BOOTSTRAP',
  $extra
);
$ins
SQL
    run_hf "$T/$name.out" "$T/$name.err" run "$T/$name.sql"
    expect_rc 0 "$name"
    [ "$RC" -eq 0 ] || cat "$T/$name.err" >&2
    "$KCAT" -b "$KAFKA_BOOTSTRAP" -C -t "$topic" -e -o beginning -q -Z \
        -f '%p %o %k %s\n' | sort -n -k1,1 -k2,2 >"$T/$name.got"
}

# --- the 004 DDL as given: csv, fixed partitioner.
run_case fixed t_fixed "'format.type' = 'csv'"
cat >"$T/fixed.want" <<'OUT'
0 0 c1 c1,alice,audi,10
0 1 21 21,carol,vw,30
0 2 foobar foobar,dan,"fiat, 500",40
0 3 c1 NULL
0 4 c1 c1,alice,audi,15
0 5 21 NULL
OUT
expect_same "$T/fixed.want" "$T/fixed.got" "004 DDL, csv, fixed partitioner"
expect_grep "6 rows received, 6 rows written" "$T/fixed.err" "summary counts messages"

# --- custom partitioner murmur2 = Java's default partitioner.
run_case murmur t_murmur "'connector.sink-partitioner' = 'custom',
  'connector.sink-partitioner-class' = 'murmur2', 'format.type' = 'csv'"
cat >"$T/murmur.want" <<'OUT'
0 0 21 21,carol,vw,30
0 1 21 NULL
2 0 foobar foobar,dan,"fiat, 500",40
3 0 c1 c1,alice,audi,10
3 1 c1 NULL
3 2 c1 c1,alice,audi,15
OUT
expect_same "$T/murmur.want" "$T/murmur.got" "custom murmur2 partitioner"
# librdkafka's murmur2 partitioner (documented Java-compatible) agrees.
printf 'c1\tx\n21\tx\nfoobar\tx\n' |
    "$KCAT" -b "$KAFKA_BOOTSTRAP" -P -t t_ref -K $'\t' -X topic.partitioner=murmur2
"$KCAT" -b "$KAFKA_BOOTSTRAP" -C -t t_ref -e -o beginning -q -f '%k %p\n' | sort >"$T/ref.want"
awk '{print $3, $1}' "$T/murmur.got" | sort -u >"$T/ref.got"
expect_same "$T/ref.want" "$T/ref.got" "placement equals librdkafka's murmur2 partitioner"

# --- ignore-retraction: no tombstones.
run_case ignore t_ignore "'connector.sink.ignore-retraction' = 'true', 'format.type' = 'csv'"
cat >"$T/ignore.want" <<'OUT'
0 0 c1 c1,alice,audi,10
0 1 21 21,carol,vw,30
0 2 foobar foobar,dan,"fiat, 500",40
0 3 c1 c1,alice,audi,15
OUT
expect_same "$T/ignore.want" "$T/ignore.got" "ignore-retraction"

# --- json: key and value are JSON objects.
run_case json t_json "'format.type' = 'json', 'update-mode' = 'upsert'"
cat >"$T/json.want" <<'OUT'
0 0 {"car_id":"c1"} {"car_id":"c1","car_owner":"alice","car_brand":"audi","car_speed":10}
0 1 {"car_id":"21"} {"car_id":"21","car_owner":"carol","car_brand":"vw","car_speed":30}
0 2 {"car_id":"foobar"} {"car_id":"foobar","car_owner":"dan","car_brand":"fiat, 500","car_speed":40}
0 3 {"car_id":"c1"} NULL
0 4 {"car_id":"c1"} {"car_id":"c1","car_owner":"alice","car_brand":"audi","car_speed":15}
0 5 {"car_id":"21"} NULL
OUT
expect_same "$T/json.want" "$T/json.got" "format.type json"

# --- avro: Avro binary of the derived schema (car_id is the primary key,
# so NOT NULL: no union; the others are union(null, T)).
run_case avro t_avro "'format.type' = 'avro'"
hexof() { "$KCAT" -b "$KAFKA_BOOTSTRAP" -C -t t_avro -p 0 -o 0 -c 1 -e -q -f "$1" | od -An -tx1 | tr -s ' \n' ' ' | sed 's/^ //; s/ $//'; }
got=$(hexof '%k')
[ "$got" = "04 63 31" ] || fail "avro key bytes: got '$got', want '04 63 31'"
got=$(hexof '%s')
want="04 63 31 02 0a 61 6c 69 63 65 02 08 61 75 64 69 02 14"
[ "$got" = "$want" ] || fail "avro value bytes: got '$got', want '$want'"
[ "$(awk '$4 == "NULL"' "$T/avro.got" | wc -l)" = 2 ] || fail "avro: expected 2 tombstones"

# --- modern options: key.format/value.format, EXCEPT_KEY with a prefix;
# Kafka's default partitioner on the key bytes.
cat >"$T/modern.sql" <<SQL
$SRC
CREATE TABLE m (k_car_id STRING, car_owner STRING, car_brand STRING, car_speed INT,
                PRIMARY KEY (k_car_id) NOT ENFORCED)
WITH ('connector' = 'upsert-kafka', 'topic' = 't_modern',
      'properties.bootstrap.servers' = '$KAFKA_BOOTSTRAP',
      'key.format' = 'json', 'key.fields-prefix' = 'k_',
      'value.format' = 'json', 'value.fields-include' = 'EXCEPT_KEY');
INSERT INTO m SELECT * FROM src;
SQL
run_hf "$T/modern.out" "$T/modern.err" run "$T/modern.sql"
expect_rc 0 "modern upsert-kafka"
"$KCAT" -b "$KAFKA_BOOTSTRAP" -C -t t_modern -e -o beginning -q -Z -f '%k %s\n' >"$T/modern.got0"
sort "$T/modern.got0" >"$T/modern.got"
sort >"$T/modern.want" <<'OUT'
{"car_id":"c1"} {"car_owner":"alice","car_brand":"audi","car_speed":10}
{"car_id":"21"} {"car_owner":"carol","car_brand":"vw","car_speed":30}
{"car_id":"foobar"} {"car_owner":"dan","car_brand":"fiat, 500","car_speed":40}
{"car_id":"c1"} NULL
{"car_id":"c1"} {"car_owner":"alice","car_brand":"audi","car_speed":15}
{"car_id":"21"} NULL
OUT
expect_same "$T/modern.want" "$T/modern.got" "modern upsert-kafka, EXCEPT_KEY + prefix"
"$KCAT" -b "$KAFKA_BOOTSTRAP" -C -t t_modern -e -o beginning -q -f '%k\t%p\n' | sort -u >"$T/mp.got"
cut -f1 "$T/mp.got" | sed 's/$/\tx/' |
    "$KCAT" -b "$KAFKA_BOOTSTRAP" -P -t t_ref -K $'\t' -X topic.partitioner=murmur2
"$KCAT" -b "$KAFKA_BOOTSTRAP" -C -t t_ref -e -o beginning -q -f '%k\t%p\n' | grep '^{' | sort -u >"$T/mp.want"
expect_same "$T/mp.want" "$T/mp.got" "modern default partitioner = murmur2 of the key bytes"

# --- reduce buffer: the last message of each key, at the end.
cat >"$T/reduce.sql" <<SQL
$SRC
CREATE TABLE r (car_id STRING, car_owner STRING, car_brand STRING, car_speed INT,
                PRIMARY KEY (car_id) NOT ENFORCED)
WITH ('connector' = 'upsert-kafka', 'topic' = 't_reduce',
      'properties.bootstrap.servers' = '$KAFKA_BOOTSTRAP',
      'key.format' = 'csv', 'value.format' = 'csv',
      'sink.buffer-flush.max-rows' = '100', 'sink.buffer-flush.interval' = '1h');
INSERT INTO r SELECT * FROM src;
SQL
run_hf "$T/reduce.out" "$T/reduce.err" run "$T/reduce.sql"
expect_rc 0 "reduce buffer"
"$KCAT" -b "$KAFKA_BOOTSTRAP" -C -t t_reduce -e -o beginning -q -Z -f '%p %o %k %s\n' | sort -n -k1,1 -k2,2 >"$T/reduce.got"
cat >"$T/reduce.want" <<'OUT'
0 0 21 NULL
2 0 foobar foobar,dan,"fiat, 500",40
3 0 c1 c1,alice,audi,15
OUT
expect_same "$T/reduce.want" "$T/reduce.got" "sink.buffer-flush reduces by key"

# --- plan-time errors (holoflow check connects nowhere).
check_err() {
    local name=$1 want=$2
    run_hf "$T/$name.out" "$T/$name.err" check "$T/$name.sql"
    expect_rc 2 "$name"
    expect_grep "$want" "$T/$name.err" "$name"
}
legacy_table() {
    cat >"$T/$1.sql" <<SQL
CREATE TABLE s ($2) WITH ('connector.type' = 'upsert-kafka', 'connector.topic' = 't',
  'connector.properties.bootstrap.servers' = 'localhost:9', 'format.type' = 'csv'$3);
SQL
}
legacy_table nopk "car_id STRING, v INT" ""
check_err nopk "upsert-kafka table 's' needs a PRIMARY KEY"
legacy_table badclass "car_id STRING, v INT, PRIMARY KEY (car_id) NOT ENFORCED" \
    ", 'connector.sink-partitioner' = 'custom', 'connector.sink-partitioner-class' = 'org.mycompany.MyPartitioner'"
check_err badclass "'connector.sink-partitioner-class' = 'org.mycompany.MyPartitioner' is not one of holoflow's built-in partitioners"
legacy_table noclass "car_id STRING, v INT, PRIMARY KEY (car_id) NOT ENFORCED" \
    ", 'connector.sink-partitioner' = 'custom'"
check_err noclass "'connector.sink-partitioner' = 'custom' needs 'connector.sink-partitioner-class'"
legacy_table onebuf "car_id STRING, v INT, PRIMARY KEY (car_id) NOT ENFORCED" \
    ", 'sink.buffer-flush.max-rows' = '10'"
check_err onebuf "'sink.buffer-flush.max-rows' and 'sink.buffer-flush.interval' must be set to be greater than zero together"
finish
