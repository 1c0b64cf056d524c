#!/usr/bin/env bash
# Exactly-once keyed state across kill -9 (docs/state.md): kafka
# (debezium-json, 4 partitions of the mock cluster, ~STATE_EVENTS change
# events over STATE_KEYS keys) -> GROUP BY with COUNT, SUM, MAX (MAX over a
# retracting input keeps every value in state) -> hologres (PostgreSQL,
# upserts on the group key). holoflow runs with state.checkpoints.dir and
# is killed with SIGKILL at random points several times and restarted;
# every restart must restore a checkpoint (state and Kafka offsets from
# one checkpoint); a last run goes on until the group committed every
# event and is stopped. The table must equal PostgreSQL's own GROUP BY over
# the final source state (last event per key, deletes applied): zero
# missing, zero extra, zero different rows. A count or sum replayed twice
# into the state, or lost, shows as a different row. Once with the
# hashmap backend, once with rocksdb, once with rocksdb's incremental
# checkpoints.
#
# Sizes: STATE_EVENTS, STATE_KEYS, STATE_KILLS; seed HF_TEST_SEED.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../kafka/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
NEV=${STATE_EVENTS:-200000}
NKEYS=${STATE_KEYS:-20000}
KILLS=${STATE_KILLS:-4}
RANDOM=${HF_TEST_SEED:-4242}
P=hf_sc

gen_dbz_events "$NEV" "$NKEYS" 43 "$T/ev.kv" "$T/ev.tsv"
"${PSQL[@]}" <<SQL
DROP TABLE IF EXISTS ${P}_ev, ${P}_ref;
CREATE TABLE ${P}_ev (seq bigint, op text, id bigint, v bigint, p numeric(10,2), s text);
\copy ${P}_ev FROM '$T/ev.tsv'
CREATE TABLE ${P}_ref AS
  SELECT id % 97 AS g, count(*) AS n, sum(v)::bigint AS sv, max(v) AS mv, sum(p) AS sp
  FROM (SELECT DISTINCT ON (id) * FROM ${P}_ev ORDER BY id, seq DESC) last
  WHERE op <> 'd' GROUP BY 1;
SQL

for backend in hashmap rocksdb rocksdb-incremental; do
    echo "  backend $backend"
    incremental=false
    case $backend in *-incremental) incremental=true ;; esac
    GROUP=hf-state-$backend
    CK=$T/ckpt-$backend
    "${PSQL[@]}" <<SQL
DROP TABLE IF EXISTS ${P}_t;
CREATE TABLE ${P}_t (g bigint PRIMARY KEY, n bigint, sv bigint, mv bigint, sp numeric(38,2));
SQL
    kafka_cleanup
    BG_PIDS=()
    kafka_start_mock events:4
    cat >"$T/job.sql" <<SQL
SET 'execution.checkpointing.interval' = '1s';
SET 'state.checkpoints.dir' = '$CK';
SET 'state.checkpoints.num-retained' = '2';
SET 'state.backend.type' = '${backend%-incremental}';
SET 'state.backend.incremental' = '$incremental';
CREATE TABLE events (id BIGINT, v BIGINT, p DECIMAL(10, 2), s STRING)
WITH ('connector' = 'kafka', 'topic' = 'events',
      'properties.bootstrap.servers' = '$KAFKA_BOOTSTRAP',
      'properties.group.id' = '$GROUP',
      'properties.session.timeout.ms' = '6000',
      'properties.heartbeat.interval.ms' = '500',
      'scan.startup.mode' = 'earliest-offset',
      'format' = 'debezium-json');
CREATE TABLE dst (g BIGINT, n BIGINT, sv BIGINT, mv BIGINT, sp DECIMAL(38, 2),
                  PRIMARY KEY (g) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = 'public.${P}_t', 'username' = '$PGUSER', 'password' = 'unused',
      'connection.pool.size' = '2');
INSERT INTO dst
SELECT g, COUNT(*), SUM(v), MAX(v), SUM(p)
FROM (SELECT id % 97 AS g, v, p FROM events) GROUP BY g;
SQL
    kafka_feed events "$GROUP" "$T/ev.kv" 50000
    seeks=0

    for r in $(seq 1 "$KILLS"); do
        name=$backend-run$r
        hf_start "$name" --log-level debug run "$T/job.sql"
        if ! wait_log "$T/$name.log" "assigned" 60; then
            fail "$name: no partitions assigned within 60 s"
            tail -20 "$T/$name.log" >&2
            break
        fi
        ms=$((500 + RANDOM % 3000))
        sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
        kill -9 "$HF_PID"
        wait "$HF_PID" 2>/dev/null || true
        if grep -q 'job failed' "$T/$name.log"; then
            fail "$name failed before it was killed:"
            grep 'job failed' "$T/$name.log" >&2
        fi
        if [ "$r" -gt 1 ] && ! grep -q "checkpoint: restoring checkpoint" "$T/$name.log"; then
            fail "$name: no checkpoint restored"
        fi
        # (a checkpoint taken before the group assigned the partitions
        # holds no offsets: the run then starts from the group's)
        grep -q "(restored checkpoint)" "$T/$name.log" && seeks=$((seeks + 1))
        n=$(sed -n "s/.*checkpoint: restoring checkpoint \([0-9]*\) .*/\1/p" "$T/$name.log")
        echo "    kill $r after ${ms} ms: restored checkpoint ${n:-none}; committed $(kafka_offsets events "$GROUP" | cut -d' ' -f2) of $NEV"
    done
    ls "$CK" | grep -q '\.tmp$' && echo "    (an interrupted checkpoint is left for the next start)"

    hf_start "$backend-final" --log-level debug run "$T/job.sql"
    # Wait for the assignment first: when an earlier run already committed
    # every offset, kafka_wait_committed returns at once and the SIGTERM
    # could arrive before the restore was even logged.
    if ! wait_log "$T/$backend-final.log" "assigned" 120; then
        fail "$backend final run: no partitions assigned within 120 s"
    fi
    if kafka_wait_committed events "$GROUP" "$NEV" 900; then
        kill -TERM "$HF_PID"
        rc=0
        wait "$HF_PID" || rc=$?
        [ "$rc" -eq 143 ] || fail "$backend final run: exit code $rc after SIGTERM, expected 143"
    else
        fail "$backend: the final run did not commit every event"
        tail -30 "$T/$backend-final.log" >&2
    fi
    grep -q "checkpoint: restoring checkpoint" "$T/$backend-final.log" ||
        fail "$backend final run: no checkpoint restored"
    grep -q "(restored checkpoint)" "$T/$backend-final.log" && seeks=$((seeks + 1))
    [ "$seeks" -ge 2 ] ||
        fail "$backend: kafka started at a restored checkpoint's offsets in $seeks runs"
    echo "    kafka resumed at a restored checkpoint's offsets in $seeks of $KILLS restarts"
    ! ls "$CK" | grep -q '\.tmp$' || fail "$backend: a chk-*.tmp is left after a clean stop"
    nck=$(ls "$CK" | grep -c '^chk-[0-9]*$' || true)
    [ "$nck" -eq 2 ] || fail "$backend: $nck complete checkpoints kept, expected 2 (num-retained)"
    missing=$("${PSQL[@]}" -c "SELECT count(*) FROM (TABLE ${P}_ref EXCEPT ALL TABLE ${P}_t) d")
    extra=$("${PSQL[@]}" -c "SELECT count(*) FROM (TABLE ${P}_t EXCEPT ALL TABLE ${P}_ref) d")
    nref=$("${PSQL[@]}" -c "SELECT count(*) FROM ${P}_ref")
    [ "$missing" = 0 ] || fail "$backend: $missing groups of the reference are missing or differ"
    [ "$extra" = 0 ] || fail "$backend: $extra groups are extra or differ"
    if [ "$missing" != 0 ] || [ "$extra" != 0 ]; then
        "${PSQL[@]}" -c "SELECT r.g, r.n, t.n, r.sv, t.sv FROM ${P}_ref r FULL JOIN ${P}_t t USING (g) WHERE r IS DISTINCT FROM t LIMIT 5" >&2 || true
    fi
    echo "    ${P}_t: $nref groups as computed in PostgreSQL, missing $missing, extra $extra"
done
"${PSQL[@]}" -c "DROP TABLE ${P}_ev, ${P}_ref, ${P}_t"
echo "  $NEV events, $KILLS kills per backend"
finish
