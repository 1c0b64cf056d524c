#!/usr/bin/env bash
# holoflow sync: errors and limits, checked on the table with psql.
#  - errorLimit.record: 3 bad records with a limit of 2 fail the job and
#    the bulk load leaves the table unchanged; with 3 the good rows land;
#    record 0 fails on the first; percentage (record unset) 0.1 fails,
#    0.5 passes; the report counts the dirty records;
#  - readers/writers holoflow does not have: "not available" naming the
#    available ones; a bad value names its JSON path; a type mismatch is
#    listed column by column before anything is written;
#  - kill -9 in the middle of a sync leaves the table as it was, and the
#    sync run again with --resume ends with every row exactly once.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
export PGOPTIONS="-c client_min_messages=warning"
p=hf_syncerr_$$
URL="jdbc:postgresql://127.0.0.1:$PGPORT/$PGDATABASE"

awk 'BEGIN { for (i = 1; i <= 30; i++) if (i % 10 == 5) printf "%d,bad%d\n", i, i; else printf "%d,%d\n", i, i * 2 }' >"$T/rows.csv"
"${PSQL[@]}" -c "CREATE TABLE ${p} (id bigint PRIMARY KEY, v bigint); INSERT INTO ${p} VALUES (1000, 1)"

job() { # FILE SETTING [READER] [WRITER] [COLS]
    cat >"$1" <<JSON
{"job": {"setting": $2, "content": [{
  "reader": {"name": "${3:-txtfilereader}", "parameter": {"path": ["$T/rows.csv"],
    "column": [{"index": 0, "type": "long"}, {"index": 1, "type": "${5:-long}"}]}},
  "writer": {"name": "${4:-hologresjdbcwriter}", "parameter": {"username": "$PGUSER", "password": "",
    "column": ["id", "v"], "connection": [{"jdbcUrl": "$URL", "table": ["${p}"]}]}}}]}}
JSON
}
count() { "${PSQL[@]}" -c "SELECT count(*) || '/' || coalesce(sum(v), 0) FROM ${p}"; }

job "$T/j.json" '{"errorLimit": {"record": 2}}'
run_hf "$T/out" "$T/err" sync "$T/j.json"
expect_rc 1 "over errorLimit.record"
expect_grep "dirty-record limit exceeded: 3 dirty records, the job allows 2" "$T/err" "record limit"
[ "$(count)" = "1/1" ] || fail "over the record limit the table changed: $(count)"

job "$T/j.json" '{"errorLimit": {"record": 3, "percentage": 0.0}}'
run_hf "$T/out" "$T/err" sync "$T/j.json" --report-json "$T/r.json"
expect_rc 0 "within errorLimit.record (record overrides percentage)"
expect_grep '"dirty_records": 3' "$T/r.json" "dirty count in the report"
[ "$(count)" = "28/841" ] || fail "within the record limit: $(count)"

"${PSQL[@]}" -c "DELETE FROM ${p} WHERE id < 1000"
job "$T/j.json" '{"errorLimit": {"record": 0}}'
run_hf "$T/out" "$T/err" sync "$T/j.json"
expect_rc 1 "errorLimit.record 0"
[ "$(count)" = "1/1" ] || fail "record 0: $(count)"

job "$T/j.json" '{"errorLimit": {"percentage": 0.05}}'
run_hf "$T/out" "$T/err" sync "$T/j.json"
expect_rc 1 "over errorLimit.percentage"
expect_grep "errorLimit.percentage: 3 dirty of 30 records read" "$T/err" "percentage"
"${PSQL[@]}" -c "DELETE FROM ${p} WHERE id < 1000"
job "$T/j.json" '{"errorLimit": {"percentage": 0.5}}'
run_hf "$T/out" "$T/err" sync "$T/j.json"
expect_rc 0 "within errorLimit.percentage"
[ "$(count)" = "28/841" ] || fail "within the percentage: $(count)"

# ---- refused by name
job "$T/j.json" '{}' odpsreader
run_hf "$T/out" "$T/err" sync "$T/j.json"
expect_rc 2 "odpsreader"
expect_grep "job.content[0].reader.name: reader 'odpsreader' is not available in holoflow; available readers: txtfilereader" "$T/err" "unknown reader"
job "$T/j.json" '{}' txtfilereader mysqlwriter
run_hf "$T/out" "$T/err" sync "$T/j.json"
expect_rc 2 "mysqlwriter"
expect_grep "writer 'mysqlwriter' is not available in holoflow; available writers: hologresjdbcwriter" "$T/err" "unknown writer"
job "$T/j.json" '{"speed": {"byte": 1048576}}'
run_hf "$T/out" "$T/err" sync "$T/j.json"
expect_rc 2 "byte without the per-channel limit"
expect_grep "job.setting.speed.byte: a total byte limit needs the per-channel limit core.transport.channel.speed.byte" "$T/err" "speed.byte"
job "$T/j.json" '{"errorLimit": {"record": "many"}}'
run_hf "$T/out" "$T/err" sync "$T/j.json"
expect_rc 2 "bad errorLimit"
expect_grep 'job.setting.errorLimit.record: expected an integer, got "many"' "$T/err" "JSON path in the error"

# ---- type mismatch, column by column, before any row moves
"${PSQL[@]}" -c "CREATE TABLE ${p}_t (id date, v boolean)"
job "$T/j.json" '{}' txtfilereader hologresjdbcwriter double
sed -i "s/\"table\": \[\"${p}\"\]/\"table\": [\"${p}_t\"]/" "$T/j.json"
run_hf "$T/out" "$T/err" sync "$T/j.json"
expect_rc 2 "type mismatch"
expect_grep "id (date) <- field 0 (long): an integer cannot be written to a date column" "$T/err" "first mismatch"
expect_grep "v (boolean) <- field 1 (double): a number cannot be written to a boolean column" "$T/err" "second mismatch"

# ---- kill -9, then --resume
"${PSQL[@]}" -c "DELETE FROM ${p} WHERE id < 1000"
awk 'BEGIN { for (i = 1; i <= 1500000; i++) printf "%d,%d\n", i, i % 97 }' >"$T/rows.csv"
job "$T/j.json" '{"errorLimit": {"record": 0}}'
"$HOLOFLOW" sync "$T/j.json" >"$T/out" 2>"$T/err" &
pid=$!
for _ in $(seq 1 200); do
    grep -q 'started' "$T/err" 2>/dev/null && break
    sleep 0.05
done
sleep 0.3
kill -9 $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
[ "$(count)" = "1/1" ] || fail "after kill -9 the table changed: $(count)"
run_hf "$T/out" "$T/err" sync "$T/j.json" --resume
expect_rc 0 "resume"
# id 1000 is in the file too: replaced
want=$(awk -F, '{ s += $2 } END { printf "%d/%d", NR, s }' "$T/rows.csv")
[ "$(count)" = "$want" ] || fail "after --resume: $(count), expected $want"

"${PSQL[@]}" -c "DROP TABLE ${p}, ${p}_t"
finish
