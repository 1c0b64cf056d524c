#!/usr/bin/env bash
# The avro-confluent and debezium-avro-confluent formats against the mock
# Kafka cluster and tests/registry/sr_standin.py, a small stand-in for a
# Confluent Schema Registry (its documented REST endpoints, in memory; not
# the real registry):
#   - a kafka sink registers the table's derived schema under
#     '<topic>-value' (checked with curl: subject, version, schema text) and
#     writes Confluent's wire format: the bytes of each message (kcat) equal
#     reference bytes built by hand from the Avro specification and
#     Confluent's framing, and Apache Avro's own Python reader decodes them;
#   - reading that topic back gives the rows written;
#   - messages made independently by Python's avro module with another
#     writer schema (fields reordered, an extra field, int for BIGINT, a
#     missing nullable column, an enum for STRING, a record named 'User')
#     are read into the table with Avro's resolution;
#   - debezium-avro-confluent reads real Debezium envelopes (source block,
#     ts_ms, a tombstone) as +I, -U/+U, -D, and writes Flink's envelope
#     (c for +I/+U, d for -U/-D), decoded back by Python;
#   - basic auth (user info) and a static bearer token reach a registry
#     that requires them; the password never shows in explain or the log;
#   - errors: an unknown schema id names the id and the topic, partition
#     and offset; a wrong magic byte says so; an unreachable registry fails
#     after the documented attempts with the URL and what to check; a
#     registry answering 503 twice is retried and the job succeeds.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../kafka/lib.sh"
set -e
PY=/usr/bin/python3
REG=$(cd "$(dirname "$0")/../registry" && pwd)
if ! $PY -c 'import avro.io' 2>/dev/null; then
    echo "SKIP $TEST_NAME: Debian's python3-avro is missing (scripts/deps.sh installs it)"
    exit 0
fi

# start_registry NAME [ARGS]: sets SR_URL_<NAME>
start_registry() {
    local name=$1
    shift
    $PY "$REG/sr_standin.py" --port-file "$T/$name.port" --log "$T/$name.log" "$@" &
    local pid=$! i
    BG_PIDS+=("$pid")
    for i in $(seq 1 1200); do # up to 60 s on a loaded machine
        [ -s "$T/$name.port" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    [ -s "$T/$name.port" ] || { echo "registry $name did not start" >&2; exit 1; }
    printf -v "SR_$name" 'http://127.0.0.1:%s' "$(cat "$T/$name.port")"
}

kafka_start_mock out:1 indep:1 dbzin:1 dbzout:1 bad:1 auth:1
K=$KAFKA_BOOTSTRAP
start_registry main
SR=$SR_main

# --- write: derived schema registered, wire-format bytes.
cat >"$T/in.json" <<'EOF'
{"id":1,"name":"ab","price":1.50,"ts":"2024-01-02 03:04:05.678"}
{"id":-2,"name":null,"price":null,"ts":null}
EOF
COLS='id BIGINT NOT NULL, name STRING, price DECIMAL(10,2), ts TIMESTAMP(3)'
cat >"$T/w.sql" <<SQL
CREATE TABLE src ($COLS) WITH ('connector' = 'filesystem', 'path' = '$T/in.json', 'format' = 'json');
CREATE TABLE k ($COLS) WITH ('connector' = 'kafka', 'topic' = 'out',
  'properties.bootstrap.servers' = '$K', 'format' = 'avro-confluent',
  'avro-confluent.url' = '$SR');
INSERT INTO k SELECT * FROM src;
SQL
run_hf "$T/w.out" "$T/w.err" run "$T/w.sql"
expect_rc 0 "avro-confluent kafka sink"
[ "$RC" -eq 0 ] || cat "$T/w.err" >&2
expect_grep "schema id 1 registered under subject 'out-value'" "$T/w.err" "registration logged"
{ curl -sf "$SR/subjects"; echo; } >"$T/subjects.json"
echo '["out-value"]' >"$T/subjects.want"
expect_same "$T/subjects.want" "$T/subjects.json" "registered subjects"
curl -sf "$SR/subjects/out-value/versions/latest" |
    $PY -c 'import json,sys; d=json.load(sys.stdin); print(d["version"], d["id"]); print(json.dumps(json.loads(d["schema"]), sort_keys=True))' \
    >"$T/schema.got"
cat >"$T/schema.want" <<'EOF'
1 1
{"fields": [{"name": "id", "type": "long"}, {"default": null, "name": "name", "type": ["null", "string"]}, {"default": null, "name": "price", "type": ["null", {"logicalType": "decimal", "precision": 10, "scale": 2, "type": "bytes"}]}, {"default": null, "name": "ts", "type": ["null", {"logicalType": "timestamp-millis", "type": "long"}]}], "name": "record", "namespace": "org.apache.flink.avro.generated", "type": "record"}
EOF
expect_same "$T/schema.want" "$T/schema.got" "registered schema (Flink's derived schema)"
# Reference bytes, from the Avro specification and Confluent's framing:
#   00 | 00 00 00 01 (id 1) | id: long 1 -> zig-zag 02 | name: union
#   branch 1 (02), string of 2 (04) "ab" | price: branch 1, bytes of 2
#   (04), 150 as two's complement 00 96 | ts: branch 1, long
#   1704164645678 ms -> zig-zag varint dc ec 86 82 99 63
#   second row: id -2 -> 03, then three null branches 00 00 00.
"$KCAT" -b "$K" -C -t out -e -q -f '%R%s' >"$T/out.bin"
$PY "$REG/avro_msg.py" decode "$SR" <"$T/out.bin" >"$T/out.dec"
cat >"$T/out.want" <<'EOF'
1 000000000102020461620204009602dcec86829963 {"id": 1, "name": "ab", "price": "1.50", "ts": "2024-01-02 03:04:05.678000+00:00"}
1 000000000103000000 {"id": -2, "name": null, "price": null, "ts": null}
EOF
expect_same "$T/out.want" "$T/out.dec" "message bytes and Python's decoding"

# --- read back.
read_job() { # NAME TOPIC FORMAT COLUMNS [STARTUP-OPTIONS]
    cat >"$T/$1.sql" <<SQL
CREATE TABLE k ($4) WITH ('connector' = 'kafka', 'topic' = '$2',
  'properties.bootstrap.servers' = '$K', 'format' = '$3',
  '$3.url' = '$SR', ${5:-'scan.startup.mode' = 'earliest-offset'},
  'scan.bounded.mode' = 'latest-offset');
CREATE TABLE p ($4) WITH ('connector' = 'print');
INSERT INTO p SELECT * FROM k;
SQL
    run_hf "$T/$1.out" "$T/$1.err" run "$T/$1.sql"
}
read_job rb out avro-confluent "$COLS"
expect_rc 0 "avro-confluent kafka source"
cat >"$T/rb.want" <<'EOF'
+I[1, ab, 1.50, 2024-01-02T03:04:05.678]
+I[-2, null, null, null]
EOF
expect_same "$T/rb.want" "$T/rb.out" "rows read back"

# --- messages written by Python's avro with another writer schema.
cat >"$T/user.avsc" <<'EOF'
{"type": "record", "name": "User", "namespace": "com.example",
 "fields": [
   {"name": "extra", "type": {"type": "array", "items": "string"}},
   {"name": "ts", "type": ["null", {"type": "long", "logicalType": "timestamp-micros"}]},
   {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B"]}},
   {"name": "id", "type": "int"},
   {"name": "score", "type": ["float", "null"]}
 ]}
EOF
cat >"$T/user.json" <<'EOF'
{"extra": ["x", "y"], "ts": {"$micros": 1704164645678901}, "kind": "B", "id": 7, "score": 1.5}
{"extra": [], "ts": null, "kind": "A", "id": -2147483648, "score": null}
EOF
SID=$($PY -c 'import json,sys; print(json.dumps({"schema": open(sys.argv[1]).read()}))' "$T/user.avsc" |
    curl -sf -X POST -H 'Content-Type: application/vnd.schemaregistry.v1+json' \
        --data @- "$SR/subjects/indep-value/versions" |
    $PY -c 'import json,sys; print(json.load(sys.stdin)["id"])')
$PY "$REG/avro_msg.py" encode "$T/user.avsc" "$SID" "$T/user" "$T/user.json"
"$KCAT" -b "$K" -P -t indep "$T"/user/msg-*.bin
read_job ind indep avro-confluent 'id BIGINT, kind STRING, score DOUBLE, ts TIMESTAMP(6), name STRING'
expect_rc 0 "reading independently written messages"
[ "$RC" -eq 0 ] || cat "$T/ind.err" >&2
cat >"$T/ind.want" <<'EOF'
+I[7, B, 1.5, 2024-01-02T03:04:05.678901, null]
+I[-2147483648, A, null, null, null]
EOF
expect_same "$T/ind.want" "$T/ind.out" "resolution: by name, promotions, enum, missing nullable column"
# A NOT NULL column the writer lacks is an error naming the field.
read_job indnn indep avro-confluent 'id BIGINT, name STRING NOT NULL'
expect_rc 1 "a NOT NULL column without writer field"
expect_grep "topic 'indep' partition 0 offset 0: the writer's schema id $SID cannot be read into the table: the writer's record com.example.User has no field 'name', and column 'name' STRING is NOT NULL" "$T/indnn.err" "missing NOT NULL field"
# A writer type that cannot become the column's type.
read_job indty indep avro-confluent 'id BIGINT, extra STRING'
expect_rc 1 "incompatible types"
expect_grep "field 'extra': the writer's array cannot be read as STRING" "$T/indty.err" "incompatible type message"

# --- debezium-avro-confluent: real Debezium envelopes.
cat >"$T/dbz.avsc" <<'EOF'
{"type": "record", "name": "Envelope", "namespace": "dbserver1.inventory.products",
 "fields": [
   {"name": "before", "type": ["null", {"type": "record", "name": "Value",
      "fields": [{"name": "id", "type": "int"},
                 {"name": "name", "type": "string"},
                 {"name": "weight", "type": ["null", "double"], "default": null}]}],
    "default": null},
   {"name": "after", "type": ["null", "Value"], "default": null},
   {"name": "source", "type": {"type": "record", "name": "Source",
      "namespace": "io.debezium.connector.postgresql",
      "fields": [{"name": "version", "type": "string"},
                 {"name": "db", "type": "string"},
                 {"name": "lsn", "type": ["null", "long"], "default": null}]}},
   {"name": "op", "type": "string"},
   {"name": "ts_ms", "type": ["null", "long"], "default": null}
 ]}
EOF
cat >"$T/dbz.json" <<'EOF'
{"before": null, "after": {"id": 101, "name": "scooter", "weight": 3.14}, "source": {"version": "2.5.0.Final", "db": "inventory", "lsn": 123}, "op": "r", "ts_ms": 1700000000000}
{"before": {"id": 101, "name": "scooter", "weight": 3.14}, "after": {"id": 101, "name": "scooter", "weight": 5.18}, "source": {"version": "2.5.0.Final", "db": "inventory", "lsn": 124}, "op": "u", "ts_ms": 1700000000001}
{"before": {"id": 101, "name": "scooter", "weight": 5.18}, "after": null, "source": {"version": "2.5.0.Final", "db": "inventory", "lsn": null}, "op": "d", "ts_ms": null}
EOF
DID=$($PY -c 'import json,sys; print(json.dumps({"schema": open(sys.argv[1]).read()}))' "$T/dbz.avsc" |
    curl -sf -X POST -H 'Content-Type: application/vnd.schemaregistry.v1+json' \
        --data @- "$SR/subjects/dbzin-value/versions" |
    $PY -c 'import json,sys; print(json.load(sys.stdin)["id"])')
$PY "$REG/avro_msg.py" encode "$T/dbz.avsc" "$DID" "$T/dbz" "$T/dbz.json"
: >"$T/dbz/msg-0004.bin" # Debezium's tombstone after a delete
"$KCAT" -b "$K" -P -t dbzin -Z "$T"/dbz/msg-*.bin
read_job dbz dbzin debezium-avro-confluent 'id INT, name STRING, weight DOUBLE'
expect_rc 0 "debezium-avro-confluent source"
[ "$RC" -eq 0 ] || cat "$T/dbz.err" >&2
cat >"$T/dbz.want" <<'EOF'
+I[101, scooter, 3.14]
-U[101, scooter, 3.14]
+U[101, scooter, 5.18]
-D[101, scooter, 5.18]
EOF
expect_same "$T/dbz.want" "$T/dbz.out" "Debezium envelopes read as a changelog"

# --- debezium-avro-confluent sink: Flink's envelope, decoded by Python.
cat >"$T/ev.json" <<'EOF'
{"before":null,"after":{"id":1,"name":"a"},"op":"c"}
{"before":{"id":1,"name":"a"},"after":{"id":1,"name":"b"},"op":"u"}
{"before":{"id":1,"name":"b"},"after":null,"op":"d"}
EOF
cat >"$T/dw.sql" <<SQL
CREATE TABLE src (id BIGINT, name STRING) WITH ('connector' = 'filesystem', 'path' = '$T/ev.json', 'format' = 'debezium-json');
CREATE TABLE k (id BIGINT, name STRING) WITH ('connector' = 'kafka', 'topic' = 'dbzout',
  'properties.bootstrap.servers' = '$K', 'format' = 'debezium-avro-confluent',
  'debezium-avro-confluent.url' = '$SR');
INSERT INTO k SELECT * FROM src;
SQL
run_hf "$T/dw.out" "$T/dw.err" run "$T/dw.sql"
expect_rc 0 "debezium-avro-confluent sink"
[ "$RC" -eq 0 ] || cat "$T/dw.err" >&2
"$KCAT" -b "$K" -C -t dbzout -e -q -f '%R%s' | $PY "$REG/avro_msg.py" decode "$SR" |
    cut -d' ' -f3- >"$T/dw.dec"
cat >"$T/dw.want" <<'EOF'
{"after": {"id": 1, "name": "a"}, "before": null, "op": "c"}
{"after": null, "before": {"id": 1, "name": "a"}, "op": "d"}
{"after": {"id": 1, "name": "b"}, "before": null, "op": "c"}
{"after": null, "before": {"id": 1, "name": "b"}, "op": "d"}
EOF
expect_same "$T/dw.want" "$T/dw.dec" "Flink's Debezium envelope as Python reads it"
read_job dwr dbzout debezium-avro-confluent 'id BIGINT, name STRING'
cat >"$T/dwr.want" <<'EOF'
+I[1, a]
-D[1, a]
+I[1, b]
-D[1, b]
EOF
expect_same "$T/dwr.want" "$T/dwr.out" "debezium-avro-confluent round trip"

# --- errors: unknown schema id, wrong magic byte.
printf '\000\000\000\003\347\002' >"$T/unknown.bin" # id 999
printf '{"id":1}' >"$T/json.bin"
"$KCAT" -b "$K" -P -t bad "$T/unknown.bin"
read_job unk bad avro-confluent 'id BIGINT'
expect_rc 1 "unknown schema id"
expect_grep "unknown schema id 999" "$T/unk.err" "unknown id named"
expect_grep "partition 0" "$T/unk.err" "unknown id: partition named"
expect_grep "offset 0" "$T/unk.err" "unknown id: offset named"
expect_grep "'bad'" "$T/unk.err" "unknown id: topic named"
"$KCAT" -b "$K" -P -t bad "$T/json.bin"
read_job mag bad avro-confluent 'id BIGINT' "'scan.startup.mode' = 'specific-offsets', 'scan.startup.specific-offsets' = 'partition:0,offset:1'"
expect_rc 1 "wrong magic byte"
expect_grep "starts with byte 0x7b, not the magic byte 0" "$T/mag.err" "magic byte message"

# --- registry unreachable: a port nothing listens on.
SR_SAVE=$SR
SR=http://127.0.0.1:9
read_job down out avro-confluent "$COLS"
SR=$SR_SAVE
expect_rc 1 "registry unreachable"
expect_grep "schema registry http://127.0.0.1:9: GET /schemas/ids/1 failed after 3 attempts" "$T/down.err" "unreachable registry message"

# --- a registry failing twice (503) is retried; basic auth; no password
# in explain or the log.
start_registry auth --user 'alice:s3cr3t-pw' --fail 2
cat >"$T/au.sql" <<SQL
CREATE TABLE src ($COLS) WITH ('connector' = 'filesystem', 'path' = '$T/in.json', 'format' = 'json');
CREATE TABLE k ($COLS) WITH ('connector' = 'kafka', 'topic' = 'auth',
  'properties.bootstrap.servers' = '$K', 'format' = 'avro-confluent',
  'avro-confluent.url' = '$SR_auth',
  'avro-confluent.basic-auth.credentials-source' = 'USER_INFO',
  'avro-confluent.basic-auth.user-info' = 'alice:s3cr3t-pw');
INSERT INTO k SELECT * FROM src;
SQL
run_hf "$T/au.out" "$T/au.err" run "$T/au.sql"
expect_rc 0 "basic auth, registry failing twice"
[ "$RC" -eq 0 ] || cat "$T/au.err" >&2
expect_grep "answered 503; trying again" "$T/au.err" "retry logged"
cat >"$T/au.want" <<'EOF'
POST /subjects/auth-value/versions 503
POST /subjects/auth-value/versions 503
POST /subjects/auth-value/versions 200
EOF
expect_same "$T/au.want" "$T/auth.log" "three attempts, the third registers"
run_hf "$T/ex.out" "$T/ex.err" explain "$T/au.sql"
if grep -q 's3cr3t-pw' "$T/ex.out" "$T/ex.err" "$T/au.err"; then
    fail "the registry password shows in explain or the log"
fi
# Without the credentials the registry answers 401, named in the error.
sed -i '/basic-auth/d' "$T/au.sql"
sed -i "s|'$SR_auth',|'$SR_auth');|" "$T/au.sql"
run_hf "$T/na.out" "$T/na.err" run "$T/au.sql"
expect_rc 1 "no credentials"
expect_grep "answered HTTP 401: error_code 401, \"Unauthorized\"" "$T/na.err" "401 named"


# --- a static bearer token.
start_registry tok --token 'tkn-0123456789'
cat >"$T/tk.sql" <<SQL
CREATE TABLE src ($COLS) WITH ('connector' = 'filesystem', 'path' = '$T/in.json', 'format' = 'json');
CREATE TABLE k ($COLS) WITH ('connector' = 'kafka', 'topic' = 'auth',
  'properties.bootstrap.servers' = '$K', 'value.format' = 'avro-confluent',
  'value.avro-confluent.url' = '$SR_tok',
  'value.avro-confluent.subject' = 'my-subject',
  'value.avro-confluent.bearer-auth.credentials-source' = 'static_token',
  'value.avro-confluent.bearer-auth.token' = 'tkn-0123456789');
INSERT INTO k SELECT * FROM src;
SQL
run_hf "$T/tk.out" "$T/tk.err" run "$T/tk.sql"
expect_rc 0 "bearer token"
[ "$RC" -eq 0 ] || cat "$T/tk.err" >&2
echo 'POST /subjects/my-subject/versions 200' >"$T/tk.want"
expect_same "$T/tk.want" "$T/tok.log" "bearer token accepted, 'subject' option used"

finish
