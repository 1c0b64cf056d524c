#!/usr/bin/env bash
# holoflow sync throttling: DataX job.setting.speed.record / .byte and
# DataWorks throttle + mbps become the job options
# holoflow.throttle.records-per-second / bytes-per-second, one token bucket
# shared by every source and channel of the job. Each throttled run must
# load the exact rows (checked with psql) and its measured rate (rows or
# bytes / wall-clock seconds of the whole process) must stay within 5% of
# the limit; only that lower bound on the elapsed time is checked, never an
# upper one.
#  - record limit over a file reader (2 channels);
#  - byte limit over a file reader (bytes = the file's size);
#  - record limit over a database reader with splitPk (2 reader
#    connections share the bucket);
#  - --print-sql emits the SETs and `holoflow run` honours them;
#  - DataWorks throttle: true + mbps becomes the byte limit (mbps MiB/s),
#    throttle: false none.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
export PGOPTIONS="-c client_min_messages=warning"
p=hf_thr_$$
URL="jdbc:postgresql://127.0.0.1:$PGPORT/$PGDATABASE"

same_rows() { # QUERY_A QUERY_B WHAT
    local n
    n=$("${PSQL[@]}" -c "SELECT count(*) FROM ((($1) EXCEPT ALL ($2)) UNION ALL (($2) EXCEPT ALL ($1))) d")
    [ "$n" = 0 ] || fail "$3: $n row(s) differ"
}
now_ns() { date +%s%N; }
# check_rate WHAT AMOUNT LIMIT T0_NS T1_NS: AMOUNT / elapsed <= 1.05 LIMIT
check_rate() {
    local r
    r=$(awk -v n="$2" -v l="$3" -v a="$4" -v b="$5" 'BEGIN { s = (b - a) / 1e9; printf "%.1f %.3f", n / s, n / s / l }')
    echo "$1: ${r% *}/s against a limit of $3/s (ratio ${r#* })"
    awk -v x="${r#* }" 'BEGIN { exit !(x <= 1.05) }' || fail "$1: rate ${r% *}/s is over 1.05 x $3/s"
}

awk 'BEGIN { for (i = 1; i <= 6000; i++) printf "%d,name-%d,%d.%02d\n", i, i, i % 1000, i % 100 }' >"$T/rows.csv"
bytes=$(wc -c <"$T/rows.csv")
"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_ref (id bigint, name text, amount numeric(10,2));
\copy ${p}_ref FROM '$T/rows.csv' csv
CREATE TABLE ${p}_t (id bigint PRIMARY KEY, name text, amount numeric(10,2));
SQL

job() { # SPEED_JSON CORE_JSON READER_JSON
    cat <<JSON
{"job": {"setting": {"speed": $1, "errorLimit": {"record": 0}},
  "content": [{"reader": $3,
    "writer": {"name": "hologresjdbcwriter", "parameter": {
      "username": "$PGUSER", "password": "", "column": ["id", "name", "amount"],
      "connection": [{"jdbcUrl": "$URL", "table": ["${p}_t"]}],
      "writeMode": "REPLACE", "truncate": true}}}]},
 "core": {"transport": {"channel": {"speed": $2}}}}
JSON
}
FILE_READER="{\"name\": \"txtfilereader\", \"parameter\": {\"path\": [\"$T/rows.csv\"], \"fieldDelimiter\": \",\",
  \"column\": [{\"index\": 0, \"type\": \"long\"}, {\"index\": 1, \"type\": \"string\"}, {\"index\": 2, \"type\": \"double\"}]}}"
DB_READER="{\"name\": \"postgresqlreader\", \"parameter\": {\"username\": \"$PGUSER\", \"password\": \"\",
  \"column\": [\"id\", \"name\", \"amount\"], \"splitPk\": \"id\",
  \"connection\": [{\"jdbcUrl\": [\"$URL\"], \"table\": [\"${p}_ref\"]}]}}"

# ---- 1. record limit, file reader, 2 channels
job '{"record": 2000}' '{"record": 1000}' "$FILE_READER" >"$T/rec.json"
t0=$(now_ns)
run_hf "$T/out" "$T/err" sync "$T/rec.json" --report-json "$T/rec_report.json"
t1=$(now_ns)
expect_rc 0 "record-throttled sync"
same_rows "TABLE ${p}_t" "TABLE ${p}_ref" "record-throttled sync"
expect_grep '"channels": 2' "$T/rec_report.json" "channels from record / per-channel record"
check_rate "record limit, file reader" 6000 2000 "$t0" "$t1"

# ---- 2. byte limit, file reader (the bytes of the records read)
limit=$((bytes / 3))
job "{\"byte\": $limit}" "{\"byte\": $((limit / 2))}" "$FILE_READER" >"$T/byte.json"
t0=$(now_ns)
run_hf "$T/out" "$T/err" sync "$T/byte.json"
t1=$(now_ns)
expect_rc 0 "byte-throttled sync"
same_rows "TABLE ${p}_t" "TABLE ${p}_ref" "byte-throttled sync"
check_rate "byte limit, file reader" "$bytes" "$limit" "$t0" "$t1"

# ---- 3. record limit, database reader over 2 reader connections
job '{"record": 2000, "channel": 4}' '{"record": 1000}' "$DB_READER" >"$T/db.json"
t0=$(now_ns)
run_hf "$T/out" "$T/err" sync "$T/db.json"
t1=$(now_ns)
expect_rc 0 "record-throttled database sync"
same_rows "TABLE ${p}_t" "TABLE ${p}_ref" "record-throttled database sync"
check_rate "record limit, database reader, 2 connections" 6000 2000 "$t0" "$t1"

# ---- 4. the SQL job carries the limits; holoflow run honours them
job '{"record": 3000, "byte": 1048576}' '{"record": 3000, "byte": 1048576}' "$FILE_READER" >"$T/both.json"
run_hf "$T/job.sql" "$T/err" sync "$T/both.json" --print-sql
expect_rc 0 "print-sql with limits"
expect_grep "SET 'holoflow.throttle.records-per-second' = '3000';" "$T/job.sql" "print-sql record limit"
expect_grep "SET 'holoflow.throttle.bytes-per-second' = '1048576';" "$T/job.sql" "print-sql byte limit"
t0=$(now_ns)
run_hf "$T/out" "$T/err" run "$T/job.sql"
t1=$(now_ns)
expect_rc 0 "printed throttled job"
same_rows "TABLE ${p}_t" "TABLE ${p}_ref" "printed throttled job"
check_rate "holoflow run with holoflow.throttle.records-per-second" 6000 3000 "$t0" "$t1"

# ---- 5. DataWorks: throttle + mbps (MiB/s) is the byte limit
dw() { # THROTTLE
    cat <<JSON
{"type": "job", "version": "2.0",
 "steps": [{"stepType": "oss", "name": "Reader", "category": "reader", "parameter": {
    "path": "$T/rows.csv", "fileType": "csv", "fieldDelimiter": ",",
    "column": [{"index": 0, "type": "long"}, {"index": 1, "type": "string"}, {"index": 2, "type": "double"}]}},
  {"stepType": "holo", "name": "Writer", "category": "writer", "parameter": {
    "datasource": "holo_ds", "table": "${p}_t", "writeMode": "insert", "conflictMode": "replace",
    "column": ["id", "name", "amount"]}}],
 "setting": {"errorLimit": {"record": "0"}, "speed": {"concurrent": 2, "throttle": $1, "mbps": "12"}},
 "order": {"hops": [{"from": "Reader", "to": "Writer"}]}}
JSON
}
dw true >"$T/dw.json"
run_hf "$T/job.sql" "$T/err" sync "$T/dw.json" --print-sql
expect_rc 0 "DataWorks throttle print-sql"
expect_grep "SET 'holoflow.throttle.bytes-per-second' = '12582912';" "$T/job.sql" "DataWorks mbps"
dw false >"$T/dw.json"
run_hf "$T/job.sql" "$T/err" sync "$T/dw.json" --print-sql
expect_rc 0 "DataWorks no throttle print-sql"
grep -q "holoflow.throttle" "$T/job.sql" && fail "throttle false still throttles"

"${PSQL[@]}" -c "DROP TABLE ${p}_ref, ${p}_t"
finish
