#!/usr/bin/env bash
# The job's HTTP endpoint (docs/operability.md) during a running kafka ->
# hologres (PostgreSQL) job started with --metrics-port:
#   - /metrics parses with a real Prometheus text-format parser
#     (tests/metrics/prom_parse.py: Debian python3-prometheus-client),
#     passes tests/metrics/check_exposition.py, a strict format check, and
#     promtool check metrics (Debian `prometheus`) when installed; its
#     values are read through the parser; its counters equal what independent clients see (the
#     group's committed offsets from the mock broker, the table's rows by
#     psql, the bad records produced) and, after the stop, the job's own
#     summary;
#   - the REST API: /jobs/overview lists the running job, /jobs/<id> its
#     graph (source, calc, sink with their tables and per-node counters),
#     /jobs/<id>/checkpoints completed checkpoints, unknown paths 404;
#   - the dashboard at / rendered by headless Chromium (Debian `chromium`,
#     in scripts/deps.sh: the test fails without it) shows the job's
#     tables and the sink's row count;
#   - POST /jobs/<id>/stop stops the job as SIGTERM does (exit 143);
#   - a bad port value and a port in use are refused by name.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../kafka/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
CHECK=$(dirname "$0")/../metrics/check_exposition.py
PROM=$(dirname "$0")/../metrics/prom_parse.py
PY=/usr/bin/python3 # Debian's, with python3-prometheus-client (scripts/deps.sh)
"$PY" -c 'import prometheus_client.parser' 2>/dev/null ||
    { echo "FAIL [test_metrics_http]: python3-prometheus-client missing (scripts/deps.sh)" >&2; exit 1; }
command -v chromium >/dev/null ||
    { echo "FAIL [test_metrics_http]: chromium missing (scripts/deps.sh)" >&2; exit 1; }
N=20000
BAD=3

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

kafka_start_mock mev:2
{
    seq 1 "$N" | awk '{ printf "%d|{\"id\":%d,\"v\":\"v%d\"}\n", $1, $1, $1 }'
    for i in $(seq 1 "$BAD"); do echo "b$i|not json $i"; done
} >"$T/msgs"
"$KCAT" -b "$KAFKA_BOOTSTRAP" -P -t mev -K '|' -l "$T/msgs"
"${PSQL[@]}" -c "DROP TABLE IF EXISTS hf_met_t; CREATE TABLE hf_met_t (id bigint PRIMARY KEY, v text)"
cat >"$T/job.sql" <<SQL
SET 'execution.checkpointing.interval' = '300ms';
SET 'pipeline.name' = 'metrics-test';
CREATE TABLE mev (id BIGINT, v STRING)
WITH ('connector' = 'kafka', 'topic' = 'mev',
      'properties.bootstrap.servers' = '$KAFKA_BOOTSTRAP',
      'properties.group.id' = 'g-met',
      'scan.startup.mode' = 'earliest-offset',
      'format' = 'json', 'json.ignore-parse-errors' = 'true');
CREATE TABLE dst (id BIGINT, v STRING, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = 'public.hf_met_t', 'username' = '$PGUSER', 'password' = 'unused');
INSERT INTO dst SELECT id, v FROM mev WHERE id % 2 = 0;
SQL
HALF=$((N / 2))

PORT=$(free_port)
hf_start run run "$T/job.sql" --metrics-port "$PORT"
wait_log "$T/run.log" "metrics at http://localhost:$PORT/metrics" 30 ||
    { fail "no metrics line in the log"; cat "$T/run.log" >&2; }
URL=http://127.0.0.1:$PORT
kafka_wait_committed mev g-met $((N + BAD)) 120 || fail "the job did not commit every message"
# Committed means every sink flushed: the counters are final now.

curl -sf "$URL/metrics" >"$T/metrics" || fail "GET /metrics failed"
"$PY" "$PROM" "$T/metrics" >"$T/prom.out" || { fail "prometheus_client cannot parse /metrics:"; cat "$T/prom.out" >&2; }
python3 "$CHECK" "$T/metrics" >"$T/check.out" || { fail "/metrics does not parse:"; cat "$T/check.out" >&2; }
if command -v promtool >/dev/null; then
    promtool check metrics <"$T/metrics" >"$T/promtool.out" 2>&1 ||
        { fail "promtool check metrics:"; cat "$T/promtool.out" >&2; }
else
    echo "  promtool not installed (optional: scripts/deps.sh prometheus)"
fi
value() { # NAME LABEL-PART (key="value",...): the first match, by the parser
    local kv
    kv=$(printf '%s' "$2" | sed 's/"//g; s/,/ /g')
    # shellcheck disable=SC2086
    "$PY" "$PROM" "$T/metrics" "$1" $kv | head -n 1
}
rows=$("${PSQL[@]}" -c "SELECT count(*) FROM hf_met_t")
[ "$rows" = "$HALF" ] || fail "table has $rows rows, expected $HALF"
[ "$(value holoflow_source_records_in_total 'table="mev"')" = $((N + BAD)) ] ||
    fail "source records_in: $(value holoflow_source_records_in_total 'table="mev"'), expected $((N + BAD))"
[ "$(value holoflow_source_records_skipped_total 'table="mev"')" = "$BAD" ] ||
    fail "source records skipped: $(value holoflow_source_records_skipped_total 'table="mev"'), expected $BAD"
bytes=$(awk '{ n += length($0) - 1 } END { print n }' "$T/msgs") # key|value: minus the '|'
[ "$(value holoflow_source_bytes_in_total 'table="mev"')" = "$bytes" ] ||
    fail "source bytes_in: $(value holoflow_source_bytes_in_total 'table="mev"'), expected $bytes"
[ "$(value holoflow_sink_records_out_total 'job="metrics-test",table="dst"')" = "$rows" ] ||
    fail "sink records_out $(value holoflow_sink_records_out_total 'table="dst"') differs from the table's $rows rows"
[ "$(value holoflow_operator_records_out_total 'operator="calc"')" = "$HALF" ] ||
    fail "calc records_out: $(value holoflow_operator_records_out_total 'operator="calc"')"
flushes=$(value holoflow_sink_flushes_total 'table="dst"')
[ "${flushes:-0}" -ge 1 ] || fail "no flush counted"
[ "$(value holoflow_sink_flush_duration_seconds_count 'table="dst"')" = "$flushes" ] ||
    fail "flush histogram count differs from flushes_total ($flushes)"
# everything read: no lag left (librdkafka's cached end offsets)
[ "$(value holoflow_source_pending_records 'table="mev"')" = 0 ] ||
    fail "pending records: '$(value holoflow_source_pending_records 'table="mev"')', expected 0"
[ "$(value holoflow_source_records_lag_max 'table="mev"')" = 0 ] ||
    fail "records lag max: '$(value holoflow_source_records_lag_max 'table="mev"')', expected 0"
[ "$(value holoflow_job_checkpoints_completed_total 'job="metrics-test"')" -ge 1 ] ||
    fail "no completed checkpoint counted"

# REST API.
curl -sf "$URL/jobs/overview" >"$T/overview" || fail "GET /jobs/overview failed"
JID=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1]))["jobs"]; assert len(j)==1; assert j[0]["state"]=="RUNNING", j; assert j[0]["name"]=="metrics-test"; print(j[0]["jid"])' "$T/overview") ||
    fail "overview: $(cat "$T/overview")"
curl -sf "$URL/jobs/$JID" >"$T/detail" || fail "GET /jobs/<id> failed"
python3 - "$T/detail" "$rows" "$((N + BAD))" >"$T/detail.out" 2>&1 <<'PY' || { fail "job detail:"; cat "$T/detail.out" >&2; }
import json, sys
d = json.load(open(sys.argv[1]))
vs = [(v["id"], v["kind"], v["name"], v.get("connector"), v["inputs"]) for v in d["vertices"]]
want = [("n1", "source", "mev", "kafka", []), ("n2", "operator", "calc", None, ["n1"]),
        ("n3", "sink", "dst", "hologres", ["n2"])]
assert vs == want, vs
m = {v["id"]: v["metrics"] for v in d["vertices"]}
assert m["n3"]["write-records"] == int(sys.argv[2]), m
assert m["n1"]["read-records"] == int(sys.argv[3]), m
assert m["n3"]["dirty-records"] == 0, m
assert m["n1"]["pending-records"] == 0 and m["n1"]["records-lag-max"] == 0, m
assert d["isStoppable"] is True and d["state"] == "RUNNING"
PY
curl -sf "$URL/jobs/$JID/checkpoints" >"$T/ckpts" || fail "GET checkpoints failed"
python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))
assert c["counts"]["completed"] >= 1, c
assert c["latest"]["completed"]["status"] == "COMPLETED", c
assert c["history"] and c["history"][0]["id"] >= c["history"][-1]["id"], c
' "$T/ckpts" || fail "checkpoints: $(cat "$T/ckpts")"
code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/jobs/0123/checkpoints")
[ "$code" = 404 ] || fail "unknown job id: HTTP $code, expected 404"

# Dashboard in a real browser.
{
    timeout 60 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$T/chr" \
        --virtual-time-budget=5000 --dump-dom "$URL/" >"$T/dom.html" 2>"$T/chr.err" ||
        fail "chromium failed: $(tail -3 "$T/chr.err")"
    python3 - "$T/dom.html" "$rows" <<'PY' || fail "dashboard DOM: $(head -c 3000 "$T/dom.html")"
import re, sys
dom = open(sys.argv[1]).read()
rows = {m.group(1): m.group(2) for m in re.finditer(r'<tr id="node-(n\d+)">(.*?)</tr>', dom)}
assert set(rows) == {"n1", "n2", "n3"}, rows.keys()
cells = lambda r: re.findall(r"<td[^>]*>(.*?)</td>", r)
assert cells(rows["n1"])[2] == "mev (kafka)", cells(rows["n1"])
assert cells(rows["n3"])[2] == "dst (hologres)", cells(rows["n3"])
assert cells(rows["n3"])[5] == sys.argv[2], cells(rows["n3"])
assert cells(rows["n1"])[9] == "0", cells(rows["n1"])  # lag
assert len(cells(rows["n1"])) == 17, cells(rows["n1"])
assert cells(rows["n3"])[15] == "1", cells(rows["n3"])  # instances
assert re.fullmatch(r"mev/\d+: 0(, mev/\d+: 0)*", cells(rows["n1"])[16]), cells(rows["n1"])
assert '<span id="state" class="state">RUNNING</span>' in dom
PY
}

# Stop through the API: as SIGTERM.
code=$(curl -s -o "$T/stop" -w '%{http_code}' -X POST "$URL/jobs/$JID/stop")
[ "$code" = 202 ] || fail "POST stop: HTTP $code"
rc=0
wait "$HF_PID" || rc=$?
[ "$rc" -eq 143 ] || fail "exit code $rc after POST stop, expected 143"
expect_grep "sink 'dst': $HALF rows received, $rows rows written, 0 dirty rows" "$T/run.log" "summary agrees with /metrics"
expect_grep "source 'mev': $((N + BAD)) records read" "$T/run.log" "summary source"

# Refusals.
run_hf "$T/bad.out" "$T/bad.err" run "$T/job.sql" --metrics-port abc
[ "$RC" -ne 0 ] || fail "--metrics-port abc accepted"
expect_grep "metrics.reporter.prom.port: 'abc' is not a port" "$T/bad.err" "bad port"
BPORT=$(free_port)
python3 -c 'import socket,time,sys; s=socket.socket(); s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(); print("up", flush=True); time.sleep(30)' "$BPORT" >"$T/busy.up" &
BUSY=$!
BG_PIDS+=("$BUSY")
wait_log "$T/busy.up" up 10 || fail "could not occupy port $BPORT"
set +e
timeout 30 "$HOLOFLOW" run "$T/job.sql" --set "metrics.reporter.prom.port=$BPORT" >"$T/busy.out" 2>"$T/busy.err"
RC=$?
set -e
[ "$RC" -eq 1 ] || fail "a port in use: exit code $RC, expected 1"
expect_grep "cannot listen on port $BPORT" "$T/busy.err" "port in use"
kill "$BUSY" 2>/dev/null || true

"${PSQL[@]}" -c "DROP TABLE hf_met_t"
finish
