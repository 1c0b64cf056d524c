#!/usr/bin/env bash
# holoflow sync throttling: DataX job.setting.speed.record / .byte and
# DataWorks throttle + mbps become the job options
# holoflow.throttle.records-per-second / bytes-per-second, one token
# bucket shared by every source and channel of the job. Each throttled run
# must load the exact rows (checked with psql), and its measured rate —
# the report's records_passed or bytes_read over its transfer_seconds
# (engine start to the load's commit) — must be within 5% of the limit,
# both ways: never faster, and not markedly slower either.
#  1. record limit over a file reader, 2 channels (2 files, 2 reader
#     threads);
#  2. byte limit over a file reader (bytes = the files' bytes);
#  3. record limit over a database reader with splitPk over 2 tables
#     (2 source tasks taking from the one bucket, 2 reader connections
#     each);
#  4. DataWorks throttle: true + mbps (MiB/s) over a ~4 MiB file;
#     throttle: false none;
#  5. failpoint source.stall (the source stalls 2.5 s): the bucket makes
#     up at most 1 s of it, so the transfer takes at least limit time +
#     1.5 s (a bucket that hoarded the whole stall would finish in the
#     limit time);
#  6. --print-sql emits the SETs (under --shard I/N, 1/N of each limit)
#     and `holoflow run` of the printed job loads the rows, never faster
#     than the limit.
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
field() { # REPORT NAME: a number of the JSON report
    sed -n "s/.*\"$2\": *\([0-9.]*\).*/\1/p" "$1"
}
# check_rate WHAT REPORT AMOUNT_FIELD EXPECTED_AMOUNT LIMIT: the report
# counted the amount, and amount / transfer_seconds is in [0.95, 1.05] x
# LIMIT
check_rate() {
    local n s r
    n=$(field "$2" "$3")
    s=$(field "$2" transfer_seconds)
    [ "$n" = "$4" ] || fail "$1: $3 is '$n', expected $4"
    r=$(awk -v n="$n" -v s="$s" -v l="$5" 'BEGIN { printf "%.1f %.3f", n / s, n / s / l }')
    echo "$1: ${r% *}/s over ${s}s against a limit of $5/s (ratio ${r#* }; the readers ended after $(field "$2" read_seconds)s)"
    awk -v x="${r#* }" 'BEGIN { exit !(x >= 0.95 && x <= 1.05) }' ||
        fail "$1: rate ${r% *}/s is not within 5% of $5/s"
}

# 8000 rows in two files (two reader threads), and the same in a table
mkdir -p "$T/in"
awk 'BEGIN { for (i = 1; i <= 8000; i++) printf "%d,name-%d,%d.%02d\n", i, i, i % 1000, i % 100 }' >"$T/rows.csv"
head -n 4000 "$T/rows.csv" >"$T/in/part-0.csv"
tail -n +4001 "$T/rows.csv" >"$T/in/part-1.csv"
bytes=$(wc -c <"$T/rows.csv")
"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_ref (id bigint, name text, amount numeric(10,2));
\copy ${p}_ref FROM '$T/rows.csv' csv
CREATE TABLE ${p}_a (id bigint PRIMARY KEY, name text, amount numeric(10,2));
INSERT INTO ${p}_a SELECT * FROM ${p}_ref WHERE id <= 4000;
CREATE TABLE ${p}_b (LIKE ${p}_a INCLUDING ALL);
INSERT INTO ${p}_b SELECT * FROM ${p}_ref WHERE id > 4000;
ANALYZE ${p}_a, ${p}_b;
CREATE TABLE ${p}_t (id bigint PRIMARY KEY, name text, amount numeric(10,2));
SQL

job() { # SPEED_JSON CORE_JSON READER_JSON [WRITER_EXTRA]
    local extra=', "truncate": true'
    [ $# -lt 4 ] || extra=$4
    cat <<JSON
{"job": {"setting": {"speed": $1, "errorLimit": {"record": 0}},
  "content": [{"reader": $3,
    "writer": {"name": "hologresjdbcwriter", "parameter": {
      "username": "$PGUSER", "password": "", "column": ["id", "name", "amount"],
      "connection": [{"jdbcUrl": "$URL", "table": ["${p}_t"]}],
      "writeMode": "REPLACE"$extra}}}]},
 "core": {"transport": {"channel": {"speed": $2}}}}
JSON
}
FILE_READER="{\"name\": \"txtfilereader\", \"parameter\": {\"path\": [\"$T/in/*.csv\"], \"fieldDelimiter\": \",\",
  \"column\": [{\"index\": 0, \"type\": \"long\"}, {\"index\": 1, \"type\": \"string\"}, {\"index\": 2, \"type\": \"double\"}]}}"
DB_READER="{\"name\": \"postgresqlreader\", \"parameter\": {\"username\": \"$PGUSER\", \"password\": \"\",
  \"column\": [\"id\", \"name\", \"amount\"], \"splitPk\": \"id\",
  \"connection\": [{\"jdbcUrl\": [\"$URL\"], \"table\": [\"${p}_a\", \"${p}_b\"]}]}}"

# ---- 1. record limit, file reader, 2 channels: 8000 rows at 2000/s
job '{"record": 2000}' '{"record": 1000}' "$FILE_READER" >"$T/rec.json"
run_hf "$T/out" "$T/err" sync "$T/rec.json" --report-json "$T/rec.rep"
expect_rc 0 "record-throttled sync"
same_rows "TABLE ${p}_t" "TABLE ${p}_ref" "record-throttled sync"
expect_grep '"channels": 2' "$T/rec.rep" "channels from record / per-channel record"
expect_grep "Transfer time" "$T/err" "the report's transfer time"
check_rate "record limit, file reader, 2 channels" "$T/rec.rep" records_passed 8000 2000

# ---- 2. byte limit, file reader (the files' bytes): about 4 s
limit=$((bytes / 4))
job "{\"byte\": $limit}" "{\"byte\": $((limit / 2))}" "$FILE_READER" >"$T/byte.json"
run_hf "$T/out" "$T/err" sync "$T/byte.json" --report-json "$T/byte.rep"
expect_rc 0 "byte-throttled sync"
same_rows "TABLE ${p}_t" "TABLE ${p}_ref" "byte-throttled sync"
check_rate "byte limit, file reader" "$T/byte.rep" bytes_read "$bytes" "$limit"

# ---- 3. record limit, database reader with splitPk over 2 tables
job '{"record": 2000, "channel": 4}' '{"record": 500}' "$DB_READER" >"$T/db.json"
run_hf "$T/out" "$T/err" sync "$T/db.json" --report-json "$T/db.rep"
expect_rc 0 "record-throttled database sync"
same_rows "TABLE ${p}_t" "TABLE ${p}_ref" "record-throttled database sync"
expect_grep "split-count' = '2'" <("$HOLOFLOW" sync "$T/db.json" --print-sql 2>&1) "2 reader connections per table"
check_rate "record limit, database reader, 2 tables x 2 connections" "$T/db.rep" records_passed 8000 2000

# ---- 4. DataWorks: throttle + mbps (MiB/s) is the byte limit; about
# 4 MiB of rows into a table without a key (a plain bulk load)
awk 'BEGIN { pad = sprintf("%080d", 0); for (i = 1; i <= 40000; i++) printf "%d,%s-%d,%d.%02d\n", i, pad, i, i % 1000, i % 100 }' >"$T/dw.csv"
dwbytes=$(wc -c <"$T/dw.csv")
"${PSQL[@]}" -c "CREATE TABLE ${p}_dw (id bigint, name text, amount numeric(10,2))"
dw() { # THROTTLE
    cat <<JSON
{"type": "job", "version": "2.0",
 "steps": [{"stepType": "oss", "name": "Reader", "category": "reader", "parameter": {
    "path": "$T/dw.csv", "fileType": "csv", "fieldDelimiter": ",",
    "column": [{"index": 0, "type": "long"}, {"index": 1, "type": "string"}, {"index": 2, "type": "double"}]}},
  {"stepType": "holo", "name": "Writer", "category": "writer", "parameter": {
    "datasource": "holo_ds", "table": "${p}_dw", "writeMode": "insert",
    "column": ["id", "name", "amount"]}}],
 "setting": {"errorLimit": {"record": "0"}, "speed": {"concurrent": 2, "throttle": $1, "mbps": "1"}},
 "order": {"hops": [{"from": "Reader", "to": "Writer"}]}}
JSON
}
dw true >"$T/dw.json"
run_hf "$T/job.sql" "$T/err" sync "$T/dw.json" --print-sql
expect_rc 0 "DataWorks throttle print-sql"
expect_grep "SET 'holoflow.throttle.bytes-per-second' = '1048576';" "$T/job.sql" "DataWorks mbps"
run_hf "$T/out" "$T/err" sync "$T/dw.json" --report-json "$T/dw.rep"
expect_rc 0 "DataWorks throttled sync"
n=$("${PSQL[@]}" -c "SELECT count(*) || ' ' || sum(id) FROM ${p}_dw")
[ "$n" = "40000 800020000" ] || fail "DataWorks throttled sync: rows '$n'"
check_rate "DataWorks mbps 1, file reader" "$T/dw.rep" bytes_read "$dwbytes" 1048576
dw false >"$T/dw.json"
run_hf "$T/job.sql" "$T/err" sync "$T/dw.json" --print-sql
expect_rc 0 "DataWorks no throttle print-sql"
grep -q "holoflow.throttle" "$T/job.sql" && fail "throttle false still throttles"

# ---- 5. a 2.5 s stall of the source (at its 10th read, ~0.5 s in): at
# most 1 s of it is made up, so 8000 rows at 2000/s take >= 4 + 1.5 s
# (with the whole stall made up: 4 s)
HF_FAILPOINTS=source.stall=10 run_hf "$T/out" "$T/err" sync "$T/rec.json" --report-json "$T/stall.rep"
expect_rc 0 "record-throttled sync with a stalled source"
same_rows "TABLE ${p}_t" "TABLE ${p}_ref" "record-throttled sync with a stalled source"
s=$(field "$T/stall.rep" transfer_seconds)
echo "stalled 2.5 s at 2000 rows/s: 8000 rows in ${s}s (at least 5.5 s: 4 s + the stall - 1 s of credit)"
awk -v s="$s" 'BEGIN { exit !(s >= 5.4) }' || fail "after a stall the bucket let more than 1 s of the limit through (${s}s)"

# ---- 6. the SQL job carries the limits; under --shard I/N each process
# takes 1/N of them; holoflow run honours them
job '{"record": 4000, "byte": 1048576}' '{"record": 2000, "byte": 524288}' "$FILE_READER" >"$T/both.json"
run_hf "$T/job.sql" "$T/err" sync "$T/both.json" --print-sql
expect_rc 0 "print-sql with limits"
expect_grep "SET 'holoflow.throttle.records-per-second' = '4000';" "$T/job.sql" "print-sql record limit"
expect_grep "SET 'holoflow.throttle.bytes-per-second' = '1048576';" "$T/job.sql" "print-sql byte limit"
job '{"record": 4000, "byte": 1048576}' '{"record": 2000, "byte": 524288}' "$FILE_READER" "" >"$T/shard.json"
run_hf "$T/shard.sql" "$T/err" sync "$T/shard.json" --print-sql --shard 1/3
expect_rc 0 "print-sql of a shard"
expect_grep "SET 'holoflow.throttle.records-per-second' = '1333';" "$T/shard.sql" "a shard's record limit (1/3)"
expect_grep "SET 'holoflow.throttle.bytes-per-second' = '349525';" "$T/shard.sql" "a shard's byte limit (1/3)"
run_hf "$T/out" "$T/err" run "$T/job.sql" --summary-json "$T/run.json"
expect_rc 0 "printed throttled job"
same_rows "TABLE ${p}_t" "TABLE ${p}_ref" "printed throttled job"
s=$(field "$T/run.json" elapsed_seconds)
awk -v s="$s" 'BEGIN { exit !(s >= 2) }' || fail "holoflow run: 8000 rows at 4000/s in ${s}s"

"${PSQL[@]}" -c "DROP TABLE ${p}_ref, ${p}_a, ${p}_b, ${p}_t, ${p}_dw"
finish
