#!/usr/bin/env bash
# holoflow sync: job files that fuzz_sync found mishandled, run against
# PostgreSQL and checked with psql (docs/fuzzing.md):
#  - a json file reader declares each field with its target column's type
#    (it declared them STRING, and the job failed to plan);
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

"${PSQL[@]}" -c "DROP TABLE ${p}_j"
finish
