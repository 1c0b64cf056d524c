#!/usr/bin/env bash
# holoflow sync channels over files: `channel` reader threads (the
# filesystem source's source.reader-threads) read and decode the files at
# once, each taking the next unread file, feeding the one load. The result
# must be exactly the table psql loads from the same files, for channel 1
# and 4 alike (and with --shard on top); a bad record read by a worker
# thread fails the sync and the load rolls back; under errorLimit it is
# counted once.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
export PGOPTIONS="-c client_min_messages=warning"
p=hf_chan_$$
URL="jdbc:postgresql://127.0.0.1:$PGPORT/$PGDATABASE"

same_rows() { # QUERY_A QUERY_B WHAT
    local n
    n=$("${PSQL[@]}" -c "SELECT count(*) FROM ((($1) EXCEPT ALL ($2)) UNION ALL (($2) EXCEPT ALL ($1))) d")
    [ "$n" = 0 ] || fail "$3: $n row(s) differ"
}

# 3 dates x 5 hours, 3000 rows a file (several batches each); gzip among them
for d in 20261201 20261202 20261203; do
    for t in 10 11 12 13 14; do
        mkdir -p "$T/tree/sale_date=$d/sale_time=$t"
        awk -v d=$d -v t=$t 'BEGIN { for (i = 1; i <= 3000; i++) printf "shop%d,c%s%s%04d,%d\n", i % 13, d, t, i, i * 7 + t }' \
            >"$T/tree/sale_date=$d/sale_time=$t/part-0.csv"
        awk -v d=$d -v t=$t '{ print $0 "," d "," t }' "$T/tree/sale_date=$d/sale_time=$t/part-0.csv" >>"$T/ref.csv"
    done
done
gzip "$T/tree/sale_date=20261202/sale_time=11/part-0.csv"
"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_ref (shop_name text, customer_id text, total_price int8, sale_date text, sale_time text);
\copy ${p}_ref FROM '$T/ref.csv' csv
CREATE TABLE ${p}_c1 (shop_name text, customer_id text PRIMARY KEY, total_price int8, sale_date text, sale_time text);
CREATE TABLE ${p}_c4 (LIKE ${p}_c1 INCLUDING ALL);
CREATE TABLE ${p}_part (shop_name text, customer_id text, total_price int8, sale_date text, sale_time text) PARTITION BY LIST (sale_date);
SQL

job() { # CHANNEL TABLE ERRORLIMIT
    cat <<JSON
{"job": {"setting": {"speed": {"channel": $1}, "errorLimit": {"record": $3}},
  "content": [{
    "reader": {"name": "txtfilereader", "parameter": {"path": ["$T/tree/*/*/*"], "fieldDelimiter": ",",
      "column": [{"index": 0, "type": "string"}, {"index": 1, "type": "string"}, {"index": 2, "type": "long"},
                 {"type": "partition", "name": "sale_date"}, {"type": "partition", "name": "sale_time"}]}},
    "writer": {"name": "hologresjdbcwriter", "parameter": {"username": "$PGUSER", "password": "",
      "column": ["shop_name", "customer_id", "total_price", "sale_date", "sale_time"],
      "connection": [{"jdbcUrl": "$URL", "table": ["$2"]}], "writeMode": "REPLACE"}}}]}}
JSON
}

# ---- 1. channel 1 and channel 4: the same exact table
job 1 "${p}_c1" 0 >"$T/c1.json"
job 4 "${p}_c4" 0 >"$T/c4.json"
run_hf "$T/out" "$T/err" sync "$T/c1.json"
expect_rc 0 "channel 1"
run_hf "$T/out" "$T/err" sync "$T/c4.json" --report-json "$T/rep.json"
expect_rc 0 "channel 4"
expect_grep "4 reader threads over 15 files" "$T/err" "reader threads"
expect_grep '"records_written": 45000' "$T/rep.json" "channel 4 report"
same_rows "TABLE ${p}_c1" "TABLE ${p}_ref" "channel 1"
same_rows "TABLE ${p}_c4" "TABLE ${p}_ref" "channel 4"
same_rows "TABLE ${p}_c4" "TABLE ${p}_c1" "channel 4 vs channel 1"

# ---- 2. channels x shards into a LIST-partitioned parent
# (the job file is written first: a command substitution in the background
# command would write it in the background, racing shard 1's read of it)
job 3 "${p}_part" 0 >"$T/part.json"
"$HOLOFLOW" sync "$T/part.json" --shard 0/2 >"$T/o0" 2>"$T/e0" &
p0=$!
run_hf "$T/out" "$T/err" sync "$T/part.json" --shard 1/2
expect_rc 0 "shard 1/2 with 3 channels"
[ "$RC" = 0 ] || cat "$T/err" >&2
wait $p0 || fail "shard 0/2 with 3 channels: $(cat "$T/e0")"
same_rows "TABLE ${p}_part" "TABLE ${p}_ref" "3 channels x 2 shards"

# ---- 3. a bad record read by a worker: the sync fails, nothing changes;
# with errorLimit 1 it is skipped and counted once
echo "shopX,bad,notanumber" >>"$T/tree/sale_date=20261203/sale_time=13/part-0.csv"
"${PSQL[@]}" -c "UPDATE ${p}_c4 SET total_price = -1 WHERE customer_id = 'c20261201100001'"
run_hf "$T/out" "$T/err" sync "$T/c4.json"
expect_rc 1 "bad record, channel 4"
expect_grep "sale_time=13/part-0.csv" "$T/err" "bad record named with its file"
n=$("${PSQL[@]}" -c "SELECT total_price FROM ${p}_c4 WHERE customer_id = 'c20261201100001'")
[ "$n" = -1 ] || fail "a failed channel-4 sync changed the table ($n)"
job 4 "${p}_c4" 1 >"$T/c4e.json"
run_hf "$T/out" "$T/err" sync "$T/c4e.json" --report-json "$T/rep.json"
expect_rc 0 "bad record under errorLimit 1, channel 4"
expect_grep '"dirty_records": 1,' "$T/rep.json" "one dirty record"
same_rows "TABLE ${p}_c4" "TABLE ${p}_ref" "channel 4 with a skipped record"

"${PSQL[@]}" -c "DROP TABLE ${p}_ref, ${p}_c1, ${p}_c4, ${p}_part"
finish
