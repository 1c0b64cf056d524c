#!/usr/bin/env bash
# The metrics of issue 15's second round, scraped from a running kafka
# (mock cluster) -> group aggregate -> hologres (PostgreSQL) job and read
# with a real Prometheus text-format parser (tests/metrics/prom_parse.py,
# Debian python3-prometheus-client), for the hashmap and rocksdb state
# backends, and for hashmap at parallelism 2 (one series per aggregate
# instance, label subtask_index; REST and the summary sum them):
#   - Kafka lag while a backlog exists: the sink's table is locked by
#     another session, so the job stalls behind it with most of the topic
#     unread: records-lag-max, pendingRecords and the per-partition lag are
#     > 0, and the partitions' lags sum to pendingRecords; after the lock
#     goes and every message is committed they are all 0;
#   - currentEmitEventTimeLag lies between "now at the
#     start minus the rowtime" and "now at the scrape minus the rowtime";
#     at the end the source's watermark is the data's rowtime minus the
#     declared delay;
#   - the aggregate's state entries equal the number of keys, its state
#     size is > 0 (rocksdb with incremental checkpoints: RocksDB's
#     estimates, between the keys and the puts); the last checkpoint's id and size (> 0, with
#     state.checkpoints.dir) are there, in /metrics and in the REST API
#     (/jobs/<id> vertices, /jobs/<id>/checkpoints);
#   - after a stop, --summary-json agrees with the last scrape (sink rows
#     written, source records read, state entries, last checkpoint).
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../kafka/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
PY=/usr/bin/python3 # Debian's, with python3-prometheus-client (scripts/deps.sh)
PROM=$(dirname "$0")/../metrics/prom_parse.py
"$PY" -c 'import prometheus_client.parser' 2>/dev/null ||
    { echo "FAIL [test_metrics_state]: python3-prometheus-client missing (scripts/deps.sh)" >&2; exit 1; }
N=40000 # messages: far more than the job's channels hold while stalled
K=37    # keys
TS='2026-01-01 00:00:00'
TS_EPOCH=$(date -u -d "$TS" +%s)

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# pv FILE NAME [K=V...]: the first value of a sample, by the real parser
pv() { "$PY" "$PROM" "$@" | head -n 1; }
# The sum over every matching sample (an operator's subtasks).
pvsum() { "$PY" "$PROM" "$@" | awk '{ s += $1; n++ } END { if (n) print s }'; }

# The locking session ends with its backend (killing psql would leave the
# backend asleep holding the lock).
unlock() {
    "${PSQL[@]}" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'hf_mst_locker'" >/dev/null || true
}
trap 'unlock; kafka_cleanup; rm -rf "$T"' EXIT

kafka_start_mock mst:2
seq 1 "$N" | awk -v k="$K" -v ts="$TS" '{ printf "%d|{\"k\":%d,\"v\":%d,\"ts\":\"%s\"}\n", $1 % k, $1 % k, $1, ts }' >"$T/msgs"
"$KCAT" -b "$KAFKA_BOOTSTRAP" -P -t mst -K '|' -l "$T/msgs"

# p2: hashmap with parallelism.default 2 (two aggregate instances, each
# its own series with label subtask_index; sums in REST and the summary).
# rocksdb_incr: rocksdb with incremental checkpoints, where the state
# entries and bytes are RocksDB's estimates (no snapshot scan counts them):
# estimate-num-keys counts a key once per table file or memtable still
# holding a version of it, so it lies between the keys and the puts.
# slowp0: hashmap again, on a cluster where partition 0's leader answers
# 1.5 s late: the source stalls behind the locked table on partition 1's
# rows before partition 0 answered a fetch, and must still show partition
# 0's lag (from the end queried when it was assigned).
for mode in hashmap rocksdb rocksdb_incr p2 slowp0; do
    backend=$mode par=1 incr=false
    [ "$mode" = p2 ] && backend=hashmap par=2
    [ "$mode" = rocksdb_incr ] && backend=rocksdb incr=true
    if [ "$mode" = slowp0 ]; then
        backend=hashmap
        kafka_start_mock -s mst:0:1500 -g g-slowp0 mst:2
        "$KCAT" -b "$KAFKA_BOOTSTRAP" -P -t mst -K '|' -l "$T/msgs"
    fi
    echo "  state backend $backend, parallelism $par"
    tbl=hf_mst_$mode
    "${PSQL[@]}" -c "DROP TABLE IF EXISTS $tbl; CREATE TABLE $tbl (k bigint PRIMARY KEY, n bigint, s bigint)"
    rm -rf "$T/ck-$mode"
    cat >"$T/job-$mode.sql" <<SQL
SET 'execution.checkpointing.interval' = '200ms';
SET 'pipeline.name' = 'mst-$mode';
SET 'state.backend.type' = '$backend';
SET 'state.backend.incremental' = '$incr';
SET 'parallelism.default' = '$par';
SET 'state.checkpoints.dir' = '$T/ck-$mode';
CREATE TABLE mst (k BIGINT, v BIGINT, ts TIMESTAMP(3),
                  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
WITH ('connector' = 'kafka', 'topic' = 'mst',
      'properties.bootstrap.servers' = '$KAFKA_BOOTSTRAP',
      'properties.group.id' = 'g-$mode',
      'scan.startup.mode' = 'earliest-offset', 'format' = 'json');
CREATE TABLE dst (k BIGINT, n BIGINT, s BIGINT, PRIMARY KEY (k) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = 'public.$tbl', 'username' = '$PGUSER', 'password' = 'unused',
      'sink.deduplication.enabled' = 'false');
INSERT INTO dst SELECT k, COUNT(*), SUM(v) FROM mst GROUP BY k;
SQL
    # Another session holds the table: every flush waits behind it.
    PGAPPNAME=hf_mst_locker "${PSQL[@]}" -c "BEGIN; LOCK TABLE $tbl IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(600)" >/dev/null 2>&1 &
    LOCKER=$!
    BG_PIDS+=("$LOCKER")
    for i in $(seq 1 100); do
        held=$("${PSQL[@]}" -c "SELECT count(*) FROM pg_locks WHERE relation = '$tbl'::regclass AND mode = 'AccessExclusiveLock' AND granted")
        [ "$held" = 1 ] && break
        sleep 0.1
    done
    [ "$held" = 1 ] || fail "$mode: the lock was not taken"

    START=$(date +%s)
    PORT=$(free_port)
    hf_start "run-$mode" run "$T/job-$mode.sql" --metrics-port "$PORT" --summary-json "$T/summary-$mode.json"
    wait_log "$T/run-$mode.log" "metrics at http://localhost:$PORT/metrics" 30 ||
        { fail "$mode: no metrics line in the log"; cat "$T/run-$mode.log" >&2; }
    URL=http://127.0.0.1:$PORT
    # Stalled: wait until the source has measured its lag, on both
    # partitions (one may answer its first fetch after the other).
    for i in $(seq 1 300); do
        curl -sf "$URL/metrics" >"$T/m1" || true
        [ -n "$(pv "$T/m1" holoflow_source_records_lag_max table=mst)" ] &&
            [ -n "$(pv "$T/m1" holoflow_source_partition_records_lag table=mst topic=mst partition=1)" ] &&
            [ -n "$(pv "$T/m1" holoflow_source_partition_records_lag table=mst topic=mst partition=0)" ] && break
        sleep 0.1
    done
    if [ -z "$(pv "$T/m1" holoflow_source_records_lag_max table=mst)" ]; then
        fail "$mode: no Kafka lag in /metrics; the job's log:"
        tail -20 "$T/run-$mode.log" >&2
        finish
    fi
    "$PY" "$PROM" "$T/m1" >"$T/parse.out" || { fail "$mode: /metrics does not parse:"; cat "$T/parse.out" >&2; }
    SCRAPE1=$(date +%s)
    lagmax=$(pv "$T/m1" holoflow_source_records_lag_max table=mst)
    pending=$(pv "$T/m1" holoflow_source_pending_records table=mst)
    p0=$(pv "$T/m1" holoflow_source_partition_records_lag table=mst topic=mst partition=0)
    p1=$(pv "$T/m1" holoflow_source_partition_records_lag table=mst topic=mst partition=1)
    echo "    stalled: records-lag-max $lagmax, pendingRecords $pending, partitions $p0 + $p1"
    [ "${lagmax:-0}" -gt 0 ] || fail "$mode: records-lag-max '$lagmax' while a backlog exists"
    [ "${pending:-0}" -gt 0 ] || fail "$mode: pendingRecords '$pending' while a backlog exists"
    [ -n "$p0" ] && [ -n "$p1" ] || fail "$mode: per-partition lag missing: '$p0' '$p1'"
    [ $((${p0:-0} + ${p1:-0})) = "${pending:-x}" ] || fail "$mode: partitions' lags $p0 + $p1 differ from pendingRecords $pending"
    [ "$lagmax" = "$(( ${p0:-0} > ${p1:-0} ? ${p0:-0} : ${p1:-0} ))" ] || fail "$mode: records-lag-max $lagmax is not the larger partition lag"
    [ "$pending" -le "$N" ] || fail "$mode: pendingRecords $pending > $N messages"
    el=$(pv "$T/m1" holoflow_source_emit_event_time_lag_seconds table=mst)
    "$PY" -c 'import sys; el, lo, hi = map(float, sys.argv[1:]); sys.exit(not (lo - 1 <= el <= hi + 1))' \
        "${el:-0}" $((START - TS_EPOCH)) $((SCRAPE1 - TS_EPOCH)) ||
        fail "$mode: emit event time lag '$el' not within [$((START - TS_EPOCH)), $((SCRAPE1 - TS_EPOCH))]"

    # Release the table: everything flows, every message is committed.
    unlock
    wait "$LOCKER" 2>/dev/null || true
    kafka_wait_committed mst "g-$mode" "$N" 120 || fail "$mode: the job did not commit every message"
    # Committed = a checkpoint after the last message completed: its
    # barrier passed the aggregate after every row.
    curl -sf "$URL/metrics" >"$T/m2" || fail "$mode: GET /metrics failed"
    "$PY" "$PROM" "$T/m2" >"$T/parse.out" || { fail "$mode: /metrics does not parse:"; cat "$T/parse.out" >&2; }
    for f in holoflow_source_records_lag_max holoflow_source_pending_records; do
        [ "$(pv "$T/m2" $f table=mst)" = 0 ] || fail "$mode: $f '$(pv "$T/m2" $f table=mst)' after every message was read"
    done
    for p in 0 1; do
        [ "$(pv "$T/m2" holoflow_source_partition_records_lag table=mst partition=$p)" = 0 ] ||
            fail "$mode: partition $p lag not 0 at the end"
    done
    wm=$(pv "$T/m2" holoflow_source_watermark_seconds table=mst)
    [ "$wm" = $((TS_EPOCH - 5)) ] || fail "$mode: source watermark '$wm', expected $((TS_EPOCH - 5)) (rowtime - 5 s)"
    entries=$(pvsum "$T/m2" holoflow_operator_state_entries operator=group-aggregate)
    sbytes=$(pvsum "$T/m2" holoflow_operator_state_size_bytes operator=group-aggregate)
    nsub=$("$PY" "$PROM" "$T/m2" holoflow_operator_state_entries operator=group-aggregate | wc -l)
    [ "$nsub" = "$par" ] || fail "$mode: $nsub state-entries series for the aggregate, expected one per subtask ($par)"
    if [ "$par" -gt 1 ]; then
        for k in $(seq 0 $((par - 1))); do
            [ -n "$(pv "$T/m2" holoflow_operator_state_entries operator=group-aggregate subtask_index=$k)" ] ||
                fail "$mode: no series with subtask_index=$k"
        done
    fi
    ckid=$(pv "$T/m2" holoflow_job_last_checkpoint_id job="mst-$mode")
    cksize=$(pv "$T/m2" holoflow_job_last_checkpoint_size_bytes job="mst-$mode")
    echo "    done: state entries $entries, state bytes $sbytes, last checkpoint $ckid of $cksize bytes"
    if [ "$incr" = true ]; then
        [ "${entries:-0}" -ge "$K" ] && [ "$entries" -le "$N" ] ||
            fail "$mode: estimated state entries '$entries', expected between $K keys and $N puts"
    else
        [ "$entries" = "$K" ] || fail "$mode: state entries '$entries', expected $K keys"
    fi
    [ "${sbytes:-0}" -gt 0 ] || fail "$mode: state size '$sbytes'"
    [ "${ckid:-0}" -ge 1 ] || fail "$mode: last checkpoint id '$ckid'"
    [ "${cksize:-0}" -gt 0 ] || fail "$mode: last checkpoint size '$cksize'"
    rows=$("${PSQL[@]}" -c "SELECT count(*) || ' ' || sum(n) FROM $tbl")
    [ "$rows" = "$K $N" ] || fail "$mode: table has '$rows', expected '$K $N'"

    # REST API.
    JID=$(curl -sf "$URL/jobs/overview" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["jobs"][0]["jid"])')
    curl -sf "$URL/jobs/$JID" >"$T/detail" || fail "$mode: GET /jobs/<id> failed"
    curl -sf "$URL/jobs/$JID/checkpoints" >"$T/ckpts" || fail "$mode: GET checkpoints failed"
    "$PY" - "$T/detail" "$T/ckpts" "$entries" "$sbytes" "$((TS_EPOCH - 5))" "$incr" >"$T/rest.out" 2>&1 <<'PY' || { fail "$mode: REST:"; cat "$T/rest.out" >&2; }
import json, sys
d = json.load(open(sys.argv[1]))
c = json.load(open(sys.argv[2]))
v = {x["name"]: x["metrics"] for x in d["vertices"]}
agg = v["group-aggregate"]
if sys.argv[6] == "true":  # estimates: a later barrier may move them
    assert agg["state-entries"] > 0 and agg["state-size"] > 0, agg
else:
    assert agg["state-entries"] == int(sys.argv[3]), agg
    assert agg["state-size"] == int(sys.argv[4]), agg
src = v["mst"]
assert sorted((p["topic"], p["partition"], p["records-lag"]) for p in src["partitions"]) == \
    [("mst", 0, 0), ("mst", 1, 0)], src
assert src["watermark"] == int(sys.argv[5]) * 1000, src
assert src["emit-event-time-lag"] > 0, src
last = c["latest"]["completed"]
assert last["state_size"] > 0 and last["checkpointed_size"] == last["state_size"], last
PY

    # Stop; the summary agrees with the last scrape (nothing moves now).
    curl -sf "$URL/metrics" >"$T/m3" || fail "$mode: GET /metrics failed"
    kill -TERM "$HF_PID"
    rc=0
    wait "$HF_PID" || rc=$?
    [ "$rc" -eq 143 ] || fail "$mode: exit code $rc after SIGTERM, expected 143"
    "$PY" - "$T/summary-$mode.json" "$T/m3" "$PROM" "$incr" >"$T/sum.out" 2>&1 <<'PY' || { fail "$mode: summary vs /metrics:"; cat "$T/sum.out" >&2; }
import json, subprocess, sys
s = json.load(open(sys.argv[1]))
def pv(name, *kv):
    out = subprocess.run(["/usr/bin/python3", sys.argv[3], sys.argv[2], name, *kv],
                         capture_output=True, text=True, check=True).stdout.split()
    return int(out[0])
def pvsum(name, *kv):
    out = subprocess.run(["/usr/bin/python3", sys.argv[3], sys.argv[2], name, *kv],
                         capture_output=True, text=True, check=True).stdout.split()
    return sum(int(x) for x in out)
assert s["sinks"][0]["rows_written"] == pv("holoflow_sink_records_out_total", "table=dst"), s
assert s["sinks"][0]["flushes"] == pv("holoflow_sink_flushes_total", "table=dst"), s
assert s["sources"][0]["records_read"] == pv("holoflow_source_records_in_total", "table=mst"), s
op = s["stateful_operators"][0]
assert op["operator"] == "group-aggregate", op
# rocksdb_incr: estimates may move with a compaction between the scrape and
# a last barrier at the stop
if sys.argv[4] == "true":
    assert op["state_entries"] > 0, op
else:
    assert op["state_entries"] == pvsum("holoflow_operator_state_entries", "operator=group-aggregate"), op
assert s["last_checkpoint"]["id"] >= pv("holoflow_job_last_checkpoint_id"), s
assert s["last_checkpoint"]["size_bytes"] > 0, s
assert s["checkpoints_completed"] >= pv("holoflow_job_checkpoints_completed_total"), s
PY
    "${PSQL[@]}" -c "DROP TABLE $tbl"
done
finish
