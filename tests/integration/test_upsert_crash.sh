#!/usr/bin/env bash
# Exactly-once GROUP BY over upsert-kafka across kill -9 (docs/state.md):
# upsert-kafka (4 partitions of the mock cluster, ~UPS_EVENTS messages
# over UPS_KEYS keys: values that move a key between groups, repeats of a
# key's value, tombstones) -> ChangelogNormalize (its last row per key in
# keyed state) -> GROUP BY with COUNT, SUM, MAX -> hologres (PostgreSQL,
# upserts on the group key). holoflow runs with state.checkpoints.dir and
# is killed with SIGKILL at random points and restarted; every restart
# must restore a checkpoint: the normalize's rows, the aggregate's
# accumulators and the Kafka offsets from one checkpoint (a normalize
# that forgot a key would send its next value as +I and the old row would
# be counted twice). A last run goes on until the group committed every
# message and is stopped. The table must equal PostgreSQL's GROUP BY over
# the topic's final state (last value per key, tombstones applied),
# computed independently: zero missing, extra or different rows. Once
# with the hashmap backend, once with rocksdb.
#
# Sizes: UPS_EVENTS, UPS_KEYS, UPS_KILLS; seed HF_TEST_SEED.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../kafka/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
export PGOPTIONS="-c client_min_messages=warning"
NEV=${UPS_EVENTS:-120000}
NKEYS=${UPS_KEYS:-8000}
KILLS=${UPS_KILLS:-3}
SEED=${HF_TEST_SEED:-4243}
RANDOM=$SEED
P=hf_uc

# Messages "key<TAB>value" (no value: a tombstone), and the final state.
awk -v seed="$SEED" -v n="$NEV" -v keys="$NKEYS" -v st="$T/final.csv" 'BEGIN {
    srand(seed)
    for (i = 0; i < n; i++) {
        k = 1 + int(rand() * keys); r = rand()
        if (r < 0.12) {
            printf "{\"id\":%d}\t\n", k
            live[k] = 0
        } else if (r < 0.25 && live[k]) {
            printf "{\"id\":%d}\t{\"id\":%d,\"g\":%d,\"v\":%d}\n", k, k, g[k], v[k]
        } else {
            g[k] = int(rand() * 50); v[k] = int(rand() * 1000000)
            live[k] = 1
            printf "{\"id\":%d}\t{\"id\":%d,\"g\":%d,\"v\":%d}\n", k, k, g[k], v[k]
        }
    }
    for (k in live) if (live[k]) printf "%d,%d,%d\n", k, g[k], v[k] > st
}' >"$T/ev.kv"
"${PSQL[@]}" <<SQL
DROP TABLE IF EXISTS ${P}_last, ${P}_ref;
CREATE TABLE ${P}_last (id bigint PRIMARY KEY, g int, v bigint);
\copy ${P}_last FROM '$T/final.csv' WITH (FORMAT csv)
CREATE TABLE ${P}_ref AS
  SELECT g, count(*) AS n, sum(v)::bigint AS sv, max(v) AS mv FROM ${P}_last GROUP BY g;
SQL

for backend in hashmap rocksdb; do
    echo "  backend $backend"
    GROUP=hf-upsert-$backend
    CK=$T/ckpt-$backend
    "${PSQL[@]}" <<SQL
DROP TABLE IF EXISTS ${P}_t;
CREATE TABLE ${P}_t (g int PRIMARY KEY, n bigint, sv bigint, mv bigint);
SQL
    kafka_cleanup
    BG_PIDS=()
    kafka_start_mock ups:4
    cat >"$T/job.sql" <<SQL
SET 'execution.checkpointing.interval' = '1s';
SET 'state.checkpoints.dir' = '$CK';
SET 'state.backend.type' = '$backend';
CREATE TABLE ups (id BIGINT, g INT, v BIGINT, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'upsert-kafka', 'topic' = 'ups',
      'properties.bootstrap.servers' = '$KAFKA_BOOTSTRAP',
      'properties.group.id' = '$GROUP',
      'properties.session.timeout.ms' = '6000',
      'properties.heartbeat.interval.ms' = '500',
      'key.format' = 'json', 'value.format' = 'json');
CREATE TABLE dst (g INT, n BIGINT, sv BIGINT, mv BIGINT, PRIMARY KEY (g) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = 'public.${P}_t', 'username' = '$PGUSER', 'password' = 'unused',
      'connection.pool.size' = '2');
INSERT INTO dst SELECT g, COUNT(*), SUM(v), MAX(v) FROM ups GROUP BY g;
SQL
    kafka_feed ups "$GROUP" "$T/ev.kv" 20000 -Z
    seeks=0
    for r in $(seq 1 "$KILLS"); do
        name=$backend-run$r
        hf_start "$name" --log-level debug run "$T/job.sql"
        if ! wait_log "$T/$name.log" "assigned" 60; then
            fail "$name: no partitions assigned within 60 s"
            tail -20 "$T/$name.log" >&2
            break
        fi
        ms=$((500 + RANDOM % 2500))
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
        grep -q "(restored checkpoint)" "$T/$name.log" && seeks=$((seeks + 1))
        n=$(sed -n "s/.*checkpoint: restoring checkpoint \([0-9]*\) .*/\1/p" "$T/$name.log")
        echo "    kill $r after ${ms} ms: restored checkpoint ${n:-none}; committed $(kafka_offsets ups "$GROUP" | cut -d' ' -f2) of $NEV"
    done

    hf_start "$backend-final" --log-level debug run "$T/job.sql"
    # The assignment first: with every offset already committed,
    # kafka_wait_committed returns at once (the SIGTERM would come before
    # the restore).
    wait_log "$T/$backend-final.log" "assigned" 120 ||
        fail "$backend final run: no partitions assigned within 120 s"
    if kafka_wait_committed ups "$GROUP" "$NEV" 600; then
        kill -TERM "$HF_PID"
        rc=0
        wait "$HF_PID" || rc=$?
        [ "$rc" -eq 143 ] || fail "$backend final run: exit code $rc after SIGTERM, expected 143"
    else
        fail "$backend: the final run did not commit every message"
        tail -30 "$T/$backend-final.log" >&2
    fi
    grep -q "checkpoint: restoring checkpoint" "$T/$backend-final.log" ||
        fail "$backend final run: no checkpoint restored"
    grep -q "(restored checkpoint)" "$T/$backend-final.log" && seeks=$((seeks + 1))
    [ "$seeks" -ge 2 ] ||
        fail "$backend: kafka started at a restored checkpoint's offsets in $seeks runs"
    missing=$("${PSQL[@]}" -c "SELECT count(*) FROM (TABLE ${P}_ref EXCEPT ALL TABLE ${P}_t) d")
    extra=$("${PSQL[@]}" -c "SELECT count(*) FROM (TABLE ${P}_t EXCEPT ALL TABLE ${P}_ref) d")
    nref=$("${PSQL[@]}" -c "SELECT count(*) FROM ${P}_ref")
    [ "$missing" = 0 ] || fail "$backend: $missing groups of the reference are missing or differ"
    [ "$extra" = 0 ] || fail "$backend: $extra groups are extra or differ"
    if [ "$missing" != 0 ] || [ "$extra" != 0 ]; then
        "${PSQL[@]}" -c "SELECT r.g, r.n, t.n, r.sv, t.sv FROM ${P}_ref r FULL JOIN ${P}_t t USING (g) WHERE r IS DISTINCT FROM t LIMIT 5" >&2 || true
    fi
    echo "    ${P}_t: $nref groups as computed in PostgreSQL, missing $missing, extra $extra; kafka resumed at a checkpoint's offsets in $seeks runs"
done
"${PSQL[@]}" -c "DROP TABLE ${P}_last, ${P}_ref, ${P}_t"
echo "  $NEV messages over $NKEYS keys, $KILLS kills per backend"
finish
