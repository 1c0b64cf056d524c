#!/usr/bin/env bash
# Kafka consumer lag of a bounded source (docs/operability.md): a
# partition's lag counts to where the read stops, not to the partition's
# end. 'scan.bounded.specific-offsets' lists partition 0 only, so
# partition 1 stops at its earliest offset: it is done at its assignment,
# never fetched, and its lag is 0 (it showed the whole partition, for
# ever); partition 0's lag is at most its stop offset (half its ~850
# messages). The job is held to 200 records/s (the token bucket starts
# empty: 400 records take at least 2 s), so /metrics is scraped while it
# runs; the values are read with a real Prometheus parser.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../kafka/lib.sh"
set -e
PY=/usr/bin/python3 # Debian's, with python3-prometheus-client (scripts/deps.sh)
PROM=$(dirname "$0")/../metrics/prom_parse.py
"$PY" -c 'import prometheus_client.parser' 2>/dev/null ||
    { echo "FAIL [$TEST_NAME]: python3-prometheus-client missing (scripts/deps.sh)" >&2; exit 1; }
trap 'kafka_cleanup; rm -rf "$T"' EXIT
pv() { "$PY" "$PROM" "$@" | head -n 1; }
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

kafka_start_mock bl:2
seq 1 2000 | awk '{ printf "%d|{\"k\":%d}\n", $1 % 7, $1 }' >"$T/msgs"
"$KCAT" -b "$KAFKA_BOOTSTRAP" -P -t bl -K '|' -l "$T/msgs"
read -r high _ < <(kafka_offsets bl)
[ "$high" = 2000 ] || fail "the topic holds '$high' messages, expected 2000"
# Partition 0 stops at half its messages (a stop past the end would wait
# for messages to come, as Flink's bounded read does).
high0=$("$MOCK" offsets "$KAFKA_BOOTSTRAP" bl | awk '$1 == 0 { print $3 }')
STOP=$((high0 / 2))
[ "$STOP" -ge 400 ] || fail "partition 0 holds '$high0' messages, expected 800 or more"

cat >"$T/job.sql" <<SQL
SET 'holoflow.throttle.records-per-second' = '200';
CREATE TABLE s (k BIGINT) WITH ('connector' = 'kafka', 'topic' = 'bl',
  'properties.bootstrap.servers' = '$KAFKA_BOOTSTRAP',
  'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'specific-offsets',
  'scan.bounded.specific-offsets' = 'partition:0,offset:$STOP', 'format' = 'json');
CREATE TABLE b (k BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO b SELECT k FROM s;
SQL
PORT=$(free_port)
hf_start run run "$T/job.sql" --metrics-port "$PORT"
wait_log "$T/run.log" "metrics at http://localhost:$PORT/metrics" 30 ||
    { fail "no metrics line in the log"; cat "$T/run.log" >&2; }
p0= p1=
for i in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$PORT/metrics" >"$T/m" || true
    p0=$(pv "$T/m" holoflow_source_partition_records_lag table=s topic=bl partition=0)
    p1=$(pv "$T/m" holoflow_source_partition_records_lag table=s topic=bl partition=1)
    [ -n "$p0" ] && [ -n "$p1" ] && break
    kill -0 "$HF_PID" 2>/dev/null || break
    sleep 0.1
done
pending=$(pv "$T/m" holoflow_source_pending_records table=s)
echo "  running: partition 0 lag '$p0', partition 1 lag '$p1', pendingRecords '$pending'"
[ "$p1" = 0 ] || fail "partition 1 (done at its assignment) shows lag '$p1', expected 0"
[ -n "$p0" ] && [ "$p0" -gt 0 ] && [ "$p0" -le "$STOP" ] ||
    fail "partition 0's lag '$p0' is not within 1..$STOP (its stop offset) while it runs"
[ "$pending" = "$p0" ] || fail "pendingRecords '$pending' differs from the partitions' lags $p0 + $p1"
rc=0
wait "$HF_PID" || rc=$?
HF_PID=
[ "$rc" = 0 ] || { fail "the bounded job exited $rc"; tail -5 "$T/run.log" >&2; }
grep -q "total: $STOP rows written" "$T/run.log" ||
    { fail "the job did not write the $STOP records up to partition 0's stop"; tail -5 "$T/run.log" >&2; }
finish
