#!/usr/bin/env bash
# Session windows in parallel, restored at another parallelism across
# kill -9 (docs/parallelism.md, docs/state.md): kafka (csv events of 30
# keys, one partition of the mock cluster, time running forward with up to
# 40 s of disorder, a pause every 200 events) -> SESSION window TVF
# PARTITION BY k with a 90 s gap (WATERMARK ts - 1 minute: nothing late)
# -> hologres (PostgreSQL, keyed by (k, window_start): a session written
# again after a restore is the same row). The job runs at parallelism 2
# and is killed with SIGKILL once some checkpoints completed, restarts at
# parallelism 1 (every key group in one instance) and is killed again,
# then restarts at parallelism 3 and runs until a last event far ahead of
# the others has moved the watermark past every session. Each restart
# restores the sessions still open (state `session`, key groups kg64-127
# of the second of two instances, then kg0-127) and rebuilds their timers
# from the key groups it owns. The table must equal PostgreSQL's
# gaps-and-islands over the events: a session lost, split or counted twice
# shows as a different row. Size: SESS_EVENTS.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../kafka/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
export PGOPTIONS="-c client_min_messages=warning"
NEV=${SESS_EVENTS:-6000}
P=hf_sr_$$
GROUP=hf-session-restore
trap '"${PSQL[@]}" -c "DROP TABLE IF EXISTS ${P}_raw, ${P}_t" >/dev/null 2>&1; kafka_cleanup; rm -rf "$T"' EXIT

python3 - "$NEV" "$T/ev.kv" "$T/ev.csv" <<'PY'
import datetime, random, sys
n = int(sys.argv[1])
rnd = random.Random(29)
base = datetime.datetime(2024, 1, 1)
def ts(sec):
    return (base + datetime.timedelta(seconds=sec)).strftime("%Y-%m-%d %H:%M:%S")
with open(sys.argv[2], "w") as kv, open(sys.argv[3], "w") as raw:
    for i in range(n):
        k = "k%d" % rnd.randrange(30)
        line = "%s,%s,%d" % (ts(i * 2 + 600 * (i // 200) + rnd.randrange(40)),
                             k, rnd.randrange(1000))
        kv.write("%s\t%s\n" % (k, line))
        raw.write(line + "\n")
    # far ahead: the watermark passes every session above
    kv.write("zz\t%s,zz,0\n" % ts(n * 10 + 86400))
PY
"${PSQL[@]}" <<SQL
DROP TABLE IF EXISTS ${P}_raw, ${P}_t;
CREATE TABLE ${P}_raw (ts timestamp(3), k text, v int);
\copy ${P}_raw FROM '$T/ev.csv' WITH (FORMAT csv)
CREATE TABLE ${P}_t (k text, ws timestamp(3), we timestamp(3), cnt bigint,
  total bigint, PRIMARY KEY (k, ws));
SQL
"${PSQL[@]}" -c "SELECT k, min(ts), max(ts) + interval '90 seconds', count(*), sum(v)
  FROM (SELECT *, count(*) FILTER (WHERE d IS NULL OR d > interval '90 seconds')
                    OVER (PARTITION BY k ORDER BY ts ROWS UNBOUNDED PRECEDING) AS sid
        FROM (SELECT *, ts - lag(ts) OVER (PARTITION BY k ORDER BY ts) AS d
              FROM ${P}_raw) o) s
  GROUP BY k, sid ORDER BY 1, 2" >"$T/want"
NWANT=$(wc -l <"$T/want")
[ "$NWANT" -gt 100 ] || fail "too few sessions: $NWANT"

kafka_start_mock ev:1
CK=$T/ckpt
cat >"$T/job.sql" <<SQL
SET 'execution.checkpointing.interval' = '300 ms';
SET 'state.checkpoints.dir' = '$CK';
SET 'state.checkpoints.num-retained' = '1';
CREATE TABLE ev (ts TIMESTAMP(3), k STRING, v INT,
  WATERMARK FOR ts AS ts - INTERVAL '1' MINUTE)
WITH ('connector' = 'kafka', 'topic' = 'ev',
      'properties.bootstrap.servers' = '$KAFKA_BOOTSTRAP',
      'properties.group.id' = '$GROUP',
      'properties.session.timeout.ms' = '6000',
      'properties.heartbeat.interval.ms' = '500',
      'scan.startup.mode' = 'earliest-offset',
      'format' = 'csv');
CREATE TABLE dst (k STRING, ws TIMESTAMP(3), we TIMESTAMP(3), cnt BIGINT,
  total BIGINT, PRIMARY KEY (k, ws) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = 'public.${P}_t', 'username' = '$PGUSER', 'password' = 'unused');
INSERT INTO dst SELECT k, window_start, window_end, COUNT(*), SUM(CAST(v AS BIGINT))
FROM TABLE(SESSION(TABLE ev PARTITION BY k, DESCRIPTOR(ts), INTERVAL '90' SECONDS))
GROUP BY k, window_start, window_end;
SQL
kafka_feed ev "$GROUP" "$T/ev.kv" 500

committed() { kafka_offsets ev "$GROUP" | cut -d' ' -f2; }

# run N PAR UNTIL: start at parallelism PAR, wait until UNTIL events are
# committed (so checkpoints completed), then SIGKILL.
run() {
    local name=run$1 par=$2 until=$3
    hf_start "$name" --log-level debug run "$T/job.sql" --set "parallelism.default=$par"
    if ! wait_log "$T/$name.log" "assigned" 60; then
        fail "$name: no partitions assigned"
        tail -5 "$T/$name.log" >&2
        exit 1
    fi
    kafka_wait_committed ev "$GROUP" "$until" 300 || fail "$name: $until events not committed"
    kill -9 "$HF_PID"
    wait "$HF_PID" 2>/dev/null || true
    ! grep -q 'job failed' "$T/$name.log" || fail "$name: $(grep 'job failed' "$T/$name.log")"
    grep -q "session-window-aggregate runs $par instances" "$T/$name.log" || [ "$par" = 1 ] ||
        fail "$name: the session aggregate did not run $par instances"
    echo "  $name at parallelism $par: killed with $(committed) of $NEV events committed"
}

run 1 2 $((NEV / 3))
ls "$CK"/chk-*/ | grep -Eq 'session-window-aggregate.session.kg64-127$' ||
    fail "run1: no session state of the second instance's key groups: $(ls "$CK"/chk-*/)"
run 2 1 $((NEV * 2 / 3))
grep -q "checkpoint: restoring checkpoint" "$T/run2.log" || fail "run2: no checkpoint restored"
ls "$CK"/chk-*/ | grep -Eq 'session-window-aggregate.session.kg0-127$' ||
    fail "run2: no session state of all key groups: $(ls "$CK"/chk-*/)"

hf_start run3 --log-level debug run "$T/job.sql" --set parallelism.default=3
wait_log "$T/run3.log" "assigned" 60 || { fail "run3: no partitions assigned"; tail -5 "$T/run3.log" >&2; exit 1; }
kafka_wait_committed ev "$GROUP" $((NEV + 1)) 600 || fail "run3 did not commit every event"
# the last event's watermark fires the sessions: wait for them (bounded)
for _ in $(seq 1 300); do
    [ "$("${PSQL[@]}" -c "SELECT count(*) FROM ${P}_t")" -ge "$NWANT" ] && break
    sleep 0.2
done
kill -TERM "$HF_PID"
rc=0
wait "$HF_PID" || rc=$?
[ "$rc" -eq 143 ] || fail "run3: exit code $rc after SIGTERM, expected 143"
grep -q "checkpoint: restoring checkpoint" "$T/run3.log" || fail "run3: no checkpoint restored"
grep -q "session-window-aggregate runs 3 instances" "$T/run3.log" || fail "run3: not 3 instances"
if grep -q "late row" "$T/run1.log" "$T/run2.log" "$T/run3.log"; then
    fail "rows were late: $(grep -h "late row" "$T"/run*.log | head -3)"
fi

"${PSQL[@]}" -c "SELECT k, ws, we, cnt, total FROM ${P}_t ORDER BY 1, 2" >"$T/got"
expect_same "$T/want" "$T/got" "sessions after two kills and restores at parallelism 2 -> 1 -> 3"
echo "  ${P}_t: $(wc -l <"$T/got") sessions, PostgreSQL computes $NWANT"
finish
