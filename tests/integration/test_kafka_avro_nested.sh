#!/usr/bin/env bash
# Nested values in the Avro formats through Kafka (mock cluster) and
# tests/registry/sr_standin.py (a stand-in for a Confluent Schema Registry),
# checked independently with Apache Avro's Python reader and writer:
#   - an avro-confluent sink with ROW, MAP, MULTISET and ARRAY-of-ROW
#     columns registers Flink's derived schema (nested records named by
#     path, null defaults) and writes records Python's avro decodes to the
#     values written; reading the topic back gives the rows;
#   - records Python writes with another schema (nested records named and
#     ordered otherwise, an extra field, a map of int|long) are read into
#     the nested columns by field name;
#   - the plain avro format round-trips the same rows.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../kafka/lib.sh"
set -e
PY=/usr/bin/python3
REG=$(cd "$(dirname "$0")/../registry" && pwd)
if ! $PY -c 'import avro.io' 2>/dev/null; then
    echo "SKIP $TEST_NAME: Debian's python3-avro is missing (scripts/deps.sh installs it)"
    exit 0
fi
$PY "$REG/sr_standin.py" --port-file "$T/sr.port" --log "$T/sr.log" &
BG_PIDS+=("$!")
for i in $(seq 1 1200); do [ -s "$T/sr.port" ] && break; sleep 0.05; done # up to 60 s
[ -s "$T/sr.port" ] || { echo "FAIL [test_kafka_avro_nested]: the registry stand-in did not start" >&2; cat "$T/sr.log" >&2; exit 1; }
SR=http://127.0.0.1:$(cat "$T/sr.port")
kafka_start_mock nout:1 nind:1 nplain:1
K=$KAFKA_BOOTSTRAP

cat >"$T/in.json" <<'JSON'
{"id":1,"r":{"a":5,"b":{"c":"hi"}},"m":{"k":7},"l":[{"x":1.5},null],"ms":{"p":2}}
{"id":2,"r":null,"m":{},"l":[],"ms":null}
JSON
COLS='id INT NOT NULL, r ROW<a INT, b ROW<c STRING>>, m MAP<STRING, BIGINT NOT NULL>,
  l ARRAY<ROW<x DOUBLE NOT NULL>>, ms MULTISET<STRING>'
cat >"$T/w.sql" <<SQL
CREATE TABLE src ($COLS) WITH ('connector' = 'filesystem', 'path' = '$T/in.json', 'format' = 'json');
CREATE TABLE k ($COLS) WITH ('connector' = 'kafka', 'topic' = 'nout',
  'properties.bootstrap.servers' = '$K', 'format' = 'avro-confluent', 'avro-confluent.url' = '$SR');
CREATE TABLE a ($COLS) WITH ('connector' = 'kafka', 'topic' = 'nplain',
  'properties.bootstrap.servers' = '$K', 'format' = 'avro');
EXECUTE STATEMENT SET BEGIN
INSERT INTO k SELECT * FROM src;
INSERT INTO a SELECT * FROM src;
END;
SQL
run_hf "$T/w.out" "$T/w.err" run "$T/w.sql"
expect_rc 0 "nested avro sinks"
[ "$RC" -eq 0 ] || cat "$T/w.err" >&2
curl -sf "$SR/subjects/nout-value/versions/latest" |
    $PY -c 'import json,sys; d=json.load(sys.stdin); print(json.dumps(json.loads(d["schema"]), sort_keys=True))' \
    >"$T/schema.got"
cat >"$T/schema.want" <<'OUT'
{"fields": [{"name": "id", "type": "int"}, {"default": null, "name": "r", "type": ["null", {"fields": [{"default": null, "name": "a", "type": ["null", "int"]}, {"default": null, "name": "b", "type": ["null", {"fields": [{"default": null, "name": "c", "type": ["null", "string"]}], "name": "record_r_b", "type": "record"}]}], "name": "record_r", "type": "record"}]}, {"default": null, "name": "m", "type": ["null", {"type": "map", "values": "long"}]}, {"default": null, "name": "l", "type": ["null", {"items": ["null", {"fields": [{"name": "x", "type": "double"}], "name": "record_l", "type": "record"}], "type": "array"}]}, {"default": null, "name": "ms", "type": ["null", {"type": "map", "values": ["null", "int"]}]}], "name": "record", "namespace": "org.apache.flink.avro.generated", "type": "record"}
OUT
expect_same "$T/schema.want" "$T/schema.got" "registered schema"
"$KCAT" -b "$K" -C -t nout -e -q -f '%R%s' | $PY "$REG/avro_msg.py" decode "$SR" | cut -d' ' -f1,3- >"$T/dec"
cat >"$T/dec.want" <<'OUT'
1 {"id": 1, "l": [{"x": 1.5}, null], "m": {"k": 7}, "ms": {"p": 2}, "r": {"a": 5, "b": {"c": "hi"}}}
1 {"id": 2, "l": [], "m": {}, "ms": null, "r": null}
OUT
expect_same "$T/dec.want" "$T/dec" "Python's decoding"

read_job() { # NAME TOPIC FORMAT-OPTIONS
    cat >"$T/$1.sql" <<SQL
CREATE TABLE k ($COLS) WITH ('connector' = 'kafka', 'topic' = '$2',
  'properties.bootstrap.servers' = '$K', $3,
  'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset');
CREATE TABLE p ($COLS) WITH ('connector' = 'print');
INSERT INTO p SELECT * FROM k;
SQL
    run_hf "$T/$1.out" "$T/$1.err" run "$T/$1.sql"
    expect_rc 0 "read $2"
    [ "$RC" -eq 0 ] || cat "$T/$1.err" >&2
}
cat >"$T/rows.want" <<'OUT'
+I[1, +I[5, +I[hi]], {k=7}, [+I[1.5], null], {p=2}]
+I[2, null, {}, [], null]
OUT
read_job rb nout "'format' = 'avro-confluent', 'avro-confluent.url' = '$SR'"
expect_same "$T/rows.want" "$T/rb.out" "avro-confluent rows read back"
read_job rp nplain "'format' = 'avro'"
expect_same "$T/rows.want" "$T/rp.out" "avro rows read back"

# --- records written by Python's avro with another schema.
cat >"$T/w.avsc" <<'AVSC'
{"type": "record", "name": "Envelope", "namespace": "w", "fields": [
  {"name": "extra", "type": "string"},
  {"name": "r", "type": {"type": "record", "name": "Inner", "fields": [
      {"name": "b", "type": ["null", {"type": "record", "name": "B", "fields": [
          {"name": "zz", "type": "int"}, {"name": "c", "type": "string"}]}]},
      {"name": "a", "type": "int"}]}},
  {"name": "id", "type": "int"},
  {"name": "m", "type": {"type": "map", "values": ["int", "long"]}},
  {"name": "l", "type": {"type": "array", "items": {"type": "record", "name": "L",
      "fields": [{"name": "x", "type": "float"}]}}}]}
AVSC
cat >"$T/w.jsonl" <<'JSON'
{"extra": "q", "r": {"b": {"zz": 3, "c": "z"}, "a": -1}, "id": 9, "m": {"u": 1, "v": 5000000000}, "l": [{"x": 2.0}]}
JSON
SID=$($PY -c 'import json,sys; print(json.dumps({"schema": open(sys.argv[1]).read()}))' "$T/w.avsc" |
    curl -sf -X POST -H 'Content-Type: application/vnd.schemaregistry.v1+json' \
        --data @- "$SR/subjects/nind-value/versions" |
    $PY -c 'import json,sys; print(json.load(sys.stdin)["id"])')
$PY "$REG/avro_msg.py" encode "$T/w.avsc" "$SID" "$T/wmsg" "$T/w.jsonl"
"$KCAT" -b "$K" -P -t nind "$T"/wmsg/msg-*.bin
read_job ri nind "'format' = 'avro-confluent', 'avro-confluent.url' = '$SR'"
echo '+I[9, +I[-1, +I[z]], {u=1, v=5000000000}, [+I[2.0]], null]' >"$T/ri.want"
expect_same "$T/ri.want" "$T/ri.out" "independently written nested records"
finish
