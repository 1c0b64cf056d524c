#!/usr/bin/env bash
# The hologres binlog (CDC) source through kill -9 and a PostgreSQL
# restart: random inserts, updates (some moving the primary key) and
# deletes keep running on a source table while a job replicates it into
# another table through the hologres sink. holoflow is killed with SIGKILL
# at random points several times (once in the middle of its initial
# snapshot: the next run replays the changes since that snapshot's point,
# then snapshots again) and restarted; PostgreSQL itself is restarted once while the
# job runs (the replication and sink connections are lost and come back).
# A last run goes on until the changes are done and the target caught up,
# and is then stopped. The target must equal the source: zero missing,
# extra or different rows. The slot's position is confirmed only at
# checkpoints, so every restart replays from the last committed
# transaction (the log shows the resume points).
#
# Sizes: CDC_ROWS (initial rows), CDC_TXNS (change transactions per
# phase), CDC_KILLS; seed HF_TEST_SEED.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
P=hf_cdck
N=${CDC_ROWS:-100000}
TXNS=${CDC_TXNS:-1500}
KILLS=${CDC_KILLS:-4}
SEED=${HF_TEST_SEED:-5}
RANDOM=$SEED
HF_PID=
GEN_PID=
cleanup() {
    [ -z "$HF_PID" ] || kill -9 "$HF_PID" 2>/dev/null || true
    [ -z "$GEN_PID" ] || kill "$GEN_PID" 2>/dev/null || true
    rm -rf "$T"
}
trap cleanup EXIT

wait_log() {
    local file=$1 text=$2 secs=$3 i
    for i in $(seq 1 $((secs * 10))); do
        grep -qF -- "$text" "$file" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

"${PSQL[@]}" -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name LIKE 'holoflow\_public\_${P}\_%'" >/dev/null
"${PSQL[@]}" <<SQL
DROP PUBLICATION IF EXISTS ${P}_pub;
DROP TABLE IF EXISTS ${P}_src, ${P}_dst;
CREATE TABLE ${P}_src (id bigint PRIMARY KEY, v bigint, s text, n numeric(12,2), ts timestamptz, arr int[]);
INSERT INTO ${P}_src SELECT g, g * 3, 's' || g, g / 7.0, '2024-01-01'::timestamptz + g * interval '1 min', ARRAY[g]
  FROM generate_series(1, $N) g;
CREATE TABLE ${P}_dst (id bigint PRIMARY KEY, v bigint, s text, n numeric(12,2), ts timestamptz, arr int[]);
SQL

# gen_changes PHASE: a file of random change transactions.
gen_changes() {
    awk -v seed="$SEED$1" -v n="$N" -v p="$P" -v txns="$TXNS" -v phase="$1" 'BEGIN {
        srand(seed); moved = 0
        for (t = 0; t < txns; t++) {
            print "BEGIN;"
            m = 1 + int(rand() * 4)
            for (j = 0; j < m; j++) {
                k = 1 + int(rand() * n * 1.1); r = rand()
                if (r < 0.35)
                    printf "INSERT INTO %s_src VALUES (%d, %d, %s, %d.%02d, now(), ARRAY[%d]) ON CONFLICT (id) DO UPDATE SET v = EXCLUDED.v, s = EXCLUDED.s;\n", p, k, t, "'\''i" t "'\''", t, j, j
                else if (r < 0.7)
                    printf "UPDATE %s_src SET v = v + 1, s = %s, arr = arr || %d WHERE id = %d;\n", p, "'\''u" t "'\''", t, k
                else if (r < 0.8)
                    printf "UPDATE %s_src SET id = %d WHERE id = %d;\n", p, phase * 10000000 + (++moved), k
                else
                    printf "DELETE FROM %s_src WHERE id = %d;\n", p, k
            }
            print "COMMIT;"
            if (t % 10 == 0) print "SELECT pg_sleep(0.02);"
        }
    }' >"$T/changes$1.sql"
}
for r in $(seq 1 "$KILLS") 9; do gen_changes "$r"; done

conn="'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE', 'username' = '$PGUSER', 'password' = 'x'"
cat >"$T/job.sql" <<SQL
SET 'execution.checkpointing.interval' = '700ms';
CREATE TABLE src (id BIGINT, v BIGINT, s STRING, n DECIMAL(12, 2), ts TIMESTAMP_LTZ(6), arr ARRAY<INT>,
  PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', $conn, 'tablename' = '${P}_src',
      'publication.name' = '${P}_pub', 'source.binlog.batch-size' = '2000',
      'retry-count' = '30');
CREATE TABLE dst (id BIGINT, v BIGINT, s STRING, n DECIMAL(12, 2), ts TIMESTAMP_LTZ(6), arr ARRAY<INT>,
  PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', $conn, 'tablename' = '${P}_dst', 'retry-count' = '30');
INSERT INTO dst SELECT * FROM src;
SQL

start_gen() {
    psql -X -q -v ON_ERROR_STOP=1 -f "$T/changes$1.sql" >/dev/null 2>"$T/gen$1.err" &
    GEN_PID=$!
}
run_hf() {
    "$HOLOFLOW" --log-level debug run "$T/job.sql" >"$T/$1.out" 2>"$T/$1.log" &
    HF_PID=$!
}
sleep_ms() { sleep "$(($1 / 1000)).$(printf '%03d' $(($1 % 1000)))"; }
kill_hf() {
    kill -9 "$HF_PID" 2>/dev/null || true
    wait "$HF_PID" 2>/dev/null || true
    HF_PID=
    if grep -q 'job failed' "$T/$1.log"; then
        fail "$1 failed before it was killed:"
        grep 'job failed' "$T/$1.log" >&2
    fi
}
count() { "${PSQL[@]}" -c "SELECT count(*) FROM ${P}_dst"; }

# Run 1: killed in the middle of the initial snapshot, changes running.
start_gen 1
run_hf run1
if wait_log "$T/run1.log" "initial snapshot of" 30; then
    sleep_ms $((100 + RANDOM % 300))
    grep -q "takes over" "$T/run1.log" && echo "  (run 1: the snapshot was already done when killed)"
    kill_hf run1
    echo "  kill 1 during the snapshot: target has $(count) rows"
else
    fail "run 1 did not start its snapshot"
    tail -5 "$T/run1.log" >&2
    kill_hf run1
fi
wait "$GEN_PID" || fail "the change generator failed: $(cat "$T/gen1.err")"
GEN_PID=
# Runs 2..KILLS: killed while streaming, each with its own changes.
for r in $(seq 2 "$KILLS"); do
    start_gen "$r"
    run_hf "run$r"
    if ! wait_log "$T/run$r.log" "streaming changes" 120; then
        fail "run $r: not streaming within 120 s"
        tail -5 "$T/run$r.log" >&2
    fi
    ms=$((300 + RANDOM % 2500))
    sleep_ms "$ms"
    kill_hf "run$r"
    if [ "$r" = 2 ] && ! grep -q "takes over" "$T/run1.log"; then
        grep -q "caught up to the new snapshot" "$T/run2.log" ||
            fail "run 2: no catch-up after the snapshot killed in run 1"
    fi
    echo "  kill $r after ${ms} ms of streaming: target has $(count) rows; $(grep -o 'resuming at its confirmed position [0-9A-F/]*' "$T/run$r.log" | head -1)"
    wait "$GEN_PID" || fail "the change generator failed: $(cat "$T/gen$r.err")"
    GEN_PID=
done

# A PostgreSQL restart while the job streams and the changes go on. A
# server shutting down waits for its walsenders until their clients
# confirm everything sent or wal_sender_timeout passes; holoflow confirms
# only what its sinks committed, and its sink (on the same server) cannot
# commit while the server shuts down: the timeout ends the wait
# (docs/hologres-cdc.md). 5 s instead of 60 keeps the test short.
"${PSQL[@]}" -c "ALTER SYSTEM SET wal_sender_timeout = '5s'" -c "SELECT pg_reload_conf()" >/dev/null
run_hf restart
wait_log "$T/restart.log" "streaming changes" 60 || fail "restart run: not streaming"
start_gen 9
sleep 1
restart_pg || fail "PostgreSQL did not restart"
echo "  PostgreSQL restarted while streaming"
# The generator's session died with the restart: run its changes again
# (its statements are valid on any state).
wait "$GEN_PID" 2>/dev/null || true
GEN_PID=
start_gen 9
wait "$GEN_PID" || fail "the change generator failed after the restart: $(cat "$T/gen9.err")"
GEN_PID=
"${PSQL[@]}" -c "ALTER SYSTEM RESET wal_sender_timeout" -c "SELECT pg_reload_conf()" >/dev/null

diffs() {
    "${PSQL[@]}" -c "SELECT (SELECT count(*) FROM (TABLE ${P}_src EXCEPT ALL TABLE ${P}_dst) a) || ' ' ||
                            (SELECT count(*) FROM (TABLE ${P}_dst EXCEPT ALL TABLE ${P}_src) b)"
}
for i in $(seq 1 600); do
    [ "$(diffs)" = "0 0" ] && break
    kill -0 "$HF_PID" 2>/dev/null || break
    sleep 0.2
done
sleep 1
kill -TERM "$HF_PID" 2>/dev/null || true
for i in $(seq 1 300); do kill -0 "$HF_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$HF_PID" 2>/dev/null; then
    fail "last run: still running 30 s after SIGTERM:"
    tail -20 "$T/restart.log" >&2
    kill -9 "$HF_PID"
fi
rc=0
wait "$HF_PID" || rc=$?
HF_PID=
[ "$rc" -eq 143 ] || { fail "last run: exit code $rc after SIGTERM, expected 143"; grep -E 'failed|ERROR' "$T/restart.log" | tail -5 >&2; }
grep -q "replication connection lost" "$T/restart.log" ||
    fail "last run: the restart did not show as a lost replication connection"
read -r missing extra <<<"$(diffs)"
[ "$missing" = 0 ] || fail "$missing source rows missing or different in the target"
[ "$missing$extra" = 00 ] || grep -E "WARN|ERROR|lost|resum|snapshot" "$T"/*.log | tail -30 >&2
[ "$extra" = 0 ] || fail "$extra target rows extra or different"
echo "  $N rows, $(((KILLS + 1) * TXNS)) change transactions, $KILLS kills, one PostgreSQL restart: missing $missing, extra $extra ($(count) rows)"

"${PSQL[@]}" -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name LIKE 'holoflow\_public\_${P}\_%'" >/dev/null
"${PSQL[@]}" -c "DROP PUBLICATION ${P}_pub; DROP TABLE ${P}_src, ${P}_dst"
finish
