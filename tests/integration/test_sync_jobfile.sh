#!/usr/bin/env bash
# holoflow sync: job files that fuzz_sync found mishandled, run against
# PostgreSQL and checked with psql (docs/fuzzing.md):
#  - a json file reader declares each field with its target column's type
#    (it declared them STRING, and the job failed to plan);
#  - a reader's `where` is one SQL condition: one that carries another
#    statement is refused before anything runs (it was spliced into the
#    SQL job and wrote rows of its own), one with a comment still filters;
#    DataX's $name variable in it is replaced by -p name=value;
#  - a job file whose name holds a line break runs (the name went into the
#    SQL job's first-line comment, and the rest of it became SQL), and its
#    --report-json is JSON (the name was written there unescaped);
#  - a jdbcUrl whose port is not 1 to 65535 is refused at its JSON path
#    before anything connects;
#  - keys holoflow does not use (a misspelt "truncat") are warned about at
#    FILE:LINE:COL, and the job runs as DataX runs it;
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
export PGOPTIONS="-c client_min_messages=warning"
p=hf_syncjf_$$
URL="jdbc:postgresql://127.0.0.1:$PGPORT/$PGDATABASE"

# ---- json reader: typed fields
mkdir -p "$T/json"
printf '{"a": 1, "b": "2026-12-01"}\n{"a": 2, "b": "2026-12-02"}\n' >"$T/json/part-0.json"
"${PSQL[@]}" -c "CREATE TABLE ${p}_j (x bigint, y date)"
cat >"$T/json.json" <<JSON
{"job": {"content": [{
  "reader": {"name": "txtfilereader", "parameter": {"path": ["$T/json/*.json"], "fileType": "json",
    "column": [{"index": 0, "name": "a", "type": "long"}, {"index": 1, "name": "b", "type": "date"}]}},
  "writer": {"name": "postgresqlwriter", "parameter": {"username": "$PGUSER", "password": "",
    "column": ["x", "y"], "connection": [{"jdbcUrl": "$URL", "table": ["${p}_j"]}]}}}]}}
JSON
run_hf "$T/out" "$T/err" sync "$T/json.json"
expect_rc 0 "json reader into bigint and date"
got=$("${PSQL[@]}" -c "SELECT string_agg(x || ':' || y, ' ' ORDER BY x) FROM ${p}_j")
[ "$got" = "1:2026-12-01 2:2026-12-02" ] || fail "json rows: $got"

# ---- where: one condition
"${PSQL[@]}" -c "CREATE TABLE ${p}_src (id bigint); INSERT INTO ${p}_src SELECT generate_series(1, 10); CREATE TABLE ${p}_w (id bigint)"
where_job() {
    cat >"$T/where.json" <<JSON
{"job": {"content": [{
  "reader": {"name": "postgresqlreader", "parameter": {"username": "$PGUSER", "password": "",
    "column": ["id"], "where": "$1",
    "connection": [{"jdbcUrl": "$URL", "table": ["${p}_src"]}]}},
  "writer": {"name": "postgresqlwriter", "parameter": {"username": "$PGUSER", "password": "",
    "column": ["id"], "connection": [{"jdbcUrl": "$URL", "table": ["${p}_w"]}]}}}]}}
JSON
}
where_job "id > 8; INSERT INTO sync_dst SELECT id + 100 FROM sync_src"
run_hf "$T/out" "$T/err" sync "$T/where.json"
expect_rc 2 "where with a second statement"
expect_grep "job.content[0].reader.parameter.where: not one expression" "$T/err" "where refused"
[ "$("${PSQL[@]}" -c "SELECT count(*) FROM ${p}_w")" = 0 ] || fail "a refused where wrote rows"
where_job "id > 8 -- the last two"
run_hf "$T/out" "$T/err" sync "$T/where.json"
expect_rc 0 "where with a comment"
got=$("${PSQL[@]}" -c "SELECT string_agg(id::text, ' ' ORDER BY id) FROM ${p}_w")
[ "$got" = "9 10" ] || fail "where with a comment: $got"

"${PSQL[@]}" -c "TRUNCATE ${p}_w"
where_job 'id > $lo'
run_hf "$T/out" "$T/err" sync "$T/where.json" -p lo=7
expect_rc 0 "where with \$lo"
got=$("${PSQL[@]}" -c "SELECT string_agg(id::text, ' ' ORDER BY id) FROM ${p}_w")
[ "$got" = "8 9 10" ] || fail "where with \$lo: $got"

# ---- a line break in the job file's name
nl="$T/job
INSERT INTO sync_dst SELECT 1, DATE '2000-01-01';.json"
cp "$T/json.json" "$nl"
"${PSQL[@]}" -c "TRUNCATE ${p}_j"
run_hf "$T/out" "$T/err" sync "$nl"
expect_rc 0 "a line break in the job file's name"
got=$("${PSQL[@]}" -c "SELECT string_agg(x::text, ' ' ORDER BY x) FROM ${p}_j")
[ "$got" = "1 2" ] || fail "job file named with a line break: $got"
run_hf "$T/out" "$T/err" sync "$nl" --print-sql
expect_rc 0 "print-sql of a job file named with a line break"
[ "$(grep -c '^INSERT' "$T/out")" = 1 ] || fail "print-sql: one INSERT"
q="$T/a \"quoted\\
name.json"
cp "$T/json.json" "$q"
run_hf "$T/out" "$T/err" sync "$q" --report-json "$T/report.json"
expect_rc 0 "a job file named with a quote"
python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); assert r["job"] == sys.argv[2], r["job"]; assert r["records_written"] == 2' \
    "$T/report.json" "$q" || fail "--report-json of a job named with a quote, a backslash and a line break"

# ---- a port out of range
sed "s#127.0.0.1:$PGPORT/#127.0.0.1:99999/#" "$T/json.json" >"$T/port.json"
run_hf "$T/out" "$T/err" sync "$T/port.json"
expect_rc 2 "port 99999"
expect_grep "job.content[0].writer.parameter.connection[0]: 'jdbc:postgresql://127.0.0.1:99999/$PGDATABASE': the port is not a number from 1 to 65535" "$T/err" "port refused"

# ---- keys holoflow does not use: warned at FILE:LINE:COL, the job runs as
# DataX runs it (it ignores them too): a misspelt "truncat" truncates
# nothing, and a key of a connection[] entry and of a column is named too;
# a password is named, never its value
"${PSQL[@]}" -c "TRUNCATE ${p}_j; INSERT INTO ${p}_j VALUES (0, '2026-01-01')"
cat >"$T/typo.json" <<JSON
{"job": {"content": [{
  "reader": {"name": "txtfilereader", "parameter": {"path": ["$T/json/*.json"], "fileType": "json",
    "column": [{"index": 0, "name": "a", "type": "long", "formatt": "x"}, {"index": 1, "name": "b", "type": "date"}]}},
  "writer": {"name": "postgresqlwriter", "parameter": {"username": "$PGUSER", "password": "s3cret-not-shown", "truncat": true,
    "column": ["x", "y"], "connection": [{"jdbcUrl": "$URL", "table": ["${p}_j"], "schemaa": "x"}]}}}]}}
JSON
# value_col KEY LINE: the column of KEY's value on LINE of typo.json
value_col() { awk -v n="$2" -v k="\"$1\": " 'NR == n { print index($0, k) + length(k) }' "$T/typo.json"; }
run_hf "$T/out" "$T/err" sync "$T/typo.json"
expect_rc 0 "a job file with keys holoflow does not use"
expect_grep "$T/typo.json:3:$(value_col formatt 3): job.content[0].reader.parameter.column[0].formatt: ignored (holoflow's reader 'txtfilereader' does not use this key)" "$T/err" "unused column key"
expect_grep "$T/typo.json:4:$(value_col truncat 4): job.content[0].writer.parameter.truncat: ignored (holoflow's writer 'postgresqlwriter' does not use this key)" "$T/err" "misspelt truncate"
expect_grep "job.content[0].writer.parameter.connection[0].schemaa: ignored" "$T/err" "unused connection key"
[ "$(grep -c 'ignored (holoflow' "$T/err")" = 3 ] || { fail "three keys warned about"; cat "$T/err" >&2; }
! grep -q s3cret "$T/err" "$T/out" || fail "the password's value was printed"
got=$("${PSQL[@]}" -c "SELECT string_agg(x::text, ' ' ORDER BY x) FROM ${p}_j")
[ "$got" = "0 1 2" ] || fail "a misspelt truncate truncated (or lost rows): $got"

"${PSQL[@]}" -c "DROP TABLE ${p}_j, ${p}_src, ${p}_w"
finish
