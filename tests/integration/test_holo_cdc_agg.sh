#!/usr/bin/env bash
# Exactly-once GROUP BY over the hologres binlog (CDC) source across
# kill -9 (docs/hologres-cdc.md, docs/state.md): random inserts, updates
# (some moving rows between groups) and deletes keep running on a
# PostgreSQL table while a job
#   SELECT grp, COUNT(*), SUM(amount), MAX(amount) FROM src GROUP BY grp
# writes into a hologres table (primary key grp) with
# state.checkpoints.dir and a short checkpoint interval. holoflow is killed
# with SIGKILL at random points several times (once during its initial
# snapshot, when no checkpoint may complete) and restarted; every restart
# after the snapshot must resume at the restored checkpoint's position,
# not the slot's. A last run goes on until the table caught up and is
# stopped. The table must equal PostgreSQL's own GROUP BY over the source:
# zero missing, extra or different rows (a change counted twice or lost
# shows as a different row). Change-log mode ALL with REPLICA IDENTITY
# FULL, so that GROUP BY gets every update's old row.
#
# Sizes: CDC_ROWS (initial rows), CDC_TXNS (change transactions per
# phase), CDC_KILLS; seed HF_TEST_SEED.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
P=hf_cdca
N=${CDC_ROWS:-100000}
TXNS=${CDC_TXNS:-1500}
KILLS=${CDC_KILLS:-4}
SEED=${HF_TEST_SEED:-7}
NGRP=20
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
CREATE TABLE ${P}_src (id bigint PRIMARY KEY, grp int NOT NULL, amount numeric(12,2) NOT NULL, note text);
ALTER TABLE ${P}_src REPLICA IDENTITY FULL;
INSERT INTO ${P}_src SELECT g, g % $NGRP, (g * 37 % 100000) / 100.0, 'n' || g
  FROM generate_series(1, $N) g;
CREATE TABLE ${P}_dst (grp int PRIMARY KEY, cnt bigint, total numeric(38,2), mx numeric(12,2));
SQL

# gen_changes PHASE: a file of random change transactions. Groups keep
# about N/NGRP rows each, so none empties.
gen_changes() {
    awk -v seed="$SEED$1" -v n="$N" -v p="$P" -v txns="$TXNS" -v phase="$1" -v ng="$NGRP" 'BEGIN {
        srand(seed)
        for (t = 0; t < txns; t++) {
            print "BEGIN;"
            m = 1 + int(rand() * 4)
            for (j = 0; j < m; j++) {
                k = 1 + int(rand() * n * 1.1); r = rand()
                g = int(rand() * ng); a = int(rand() * 10000000) / 100
                if (r < 0.35)
                    printf "INSERT INTO %s_src VALUES (%d, %d, %.2f, %s) ON CONFLICT (id) DO UPDATE SET amount = EXCLUDED.amount, grp = EXCLUDED.grp;\n", p, k, g, a, "'\''i" t "'\''"
                else if (r < 0.6)
                    printf "UPDATE %s_src SET amount = %.2f, note = %s WHERE id = %d;\n", p, a, "'\''u" t "'\''", k
                else if (r < 0.8)
                    printf "UPDATE %s_src SET grp = %d WHERE id = %d;\n", p, g, k
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
SET 'execution.checkpointing.interval' = '300ms';
SET 'state.checkpoints.dir' = '$T/ck';
CREATE TABLE src (id BIGINT, grp INT, amount DECIMAL(12, 2), note STRING,
  PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', $conn, 'tablename' = '${P}_src',
      'publication.name' = '${P}_pub', 'source.binlog.batch-size' = '2000',
      'source.binlog.change-log-mode' = 'ALL',
      'retry-count' = '30');
CREATE TABLE dst (grp INT, cnt BIGINT, total DECIMAL(38, 2), mx DECIMAL(12, 2),
  PRIMARY KEY (grp) NOT ENFORCED)
WITH ('connector' = 'hologres', $conn, 'tablename' = '${P}_dst', 'retry-count' = '30');
INSERT INTO dst SELECT grp, COUNT(*), SUM(amount), MAX(amount) FROM src GROUP BY grp;
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
diffs() {
    "${PSQL[@]}" -c "WITH want AS (SELECT grp, count(*)::bigint AS cnt, sum(amount)::numeric(38,2) AS total, max(amount) AS mx FROM ${P}_src GROUP BY grp)
        SELECT (SELECT count(*) FROM (TABLE want EXCEPT ALL TABLE ${P}_dst) a) || ' ' ||
               (SELECT count(*) FROM (TABLE ${P}_dst EXCEPT ALL TABLE want) b)"
}

# Run 1: killed in the middle of the initial snapshot, changes running.
start_gen 1
run_hf run1
if wait_log "$T/run1.log" "initial snapshot of" 30; then
    sleep_ms $((300 + RANDOM % 500))
    grep -q "takes over" "$T/run1.log" && echo "  (run 1: the snapshot was already done when killed)"
    kill_hf run1
    echo "  kill 1 during the snapshot"
else
    fail "run 1 did not start its snapshot"
    tail -5 "$T/run1.log" >&2
    kill_hf run1
fi
wait "$GEN_PID" || fail "the change generator failed: $(cat "$T/gen1.err")"
GEN_PID=
# Runs 2..KILLS: killed while streaming (run 2 also at a random point:
# maybe still in its snapshot), each with its own changes.
for r in $(seq 2 "$KILLS"); do
    start_gen "$r"
    run_hf "run$r"
    if ! wait_log "$T/run$r.log" "streaming changes" 120; then
        fail "run $r: not streaming within 120 s"
        tail -5 "$T/run$r.log" >&2
    fi
    ms=$((200 + RANDOM % 2500))
    sleep_ms "$ms"
    kill_hf "run$r"
    echo "  kill $r after ${ms} ms of streaming; $(grep -o "resuming at [0-9A-F/]*, the restored checkpoint's position" "$T/run$r.log" | head -1)"
    if [ "$r" -gt 2 ] && ! grep -q "the restored checkpoint's position" "$T/run$r.log"; then
        fail "run $r: did not resume at a restored checkpoint's position"
    fi
    wait "$GEN_PID" || fail "the change generator failed: $(cat "$T/gen$r.err")"
    GEN_PID=
done

run_hf last
wait_log "$T/last.log" "streaming changes" 60 || fail "last run: not streaming"
start_gen 9
wait "$GEN_PID" || fail "the change generator failed: $(cat "$T/gen9.err")"
GEN_PID=
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
    tail -20 "$T/last.log" >&2
    kill -9 "$HF_PID"
fi
rc=0
wait "$HF_PID" || rc=$?
HF_PID=
[ "$rc" -eq 143 ] || { fail "last run: exit code $rc after SIGTERM, expected 143"; grep -E 'failed|ERROR' "$T/last.log" | tail -5 >&2; }
read -r missing extra <<<"$(diffs)"
[ "$missing" = 0 ] || fail "$missing groups missing or different in the target"
[ "$extra" = 0 ] || fail "$extra target groups extra or different"
if [ "$missing$extra" != 00 ]; then
    "${PSQL[@]}" -c "SELECT 'want', grp, count(*), sum(amount), max(amount) FROM ${P}_src GROUP BY grp ORDER BY grp LIMIT 5" -c "SELECT 'got', * FROM ${P}_dst ORDER BY grp LIMIT 5" >&2
    grep -E "WARN|ERROR|resum|snapshot" "$T"/*.log | tail -30 >&2
fi
echo "  $N rows in $NGRP groups, $((KILLS * TXNS + TXNS)) change transactions, $KILLS kills: missing $missing, extra $extra"

"${PSQL[@]}" -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name LIKE 'holoflow\_public\_${P}\_%'" >/dev/null
"${PSQL[@]}" -c "DROP PUBLICATION ${P}_pub; DROP TABLE ${P}_src, ${P}_dst"
finish
