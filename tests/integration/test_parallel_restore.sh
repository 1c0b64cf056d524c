#!/usr/bin/env bash
# Keyed state restored with another parallelism (docs/parallelism.md):
# kafka (debezium-json, 4 partitions of the mock cluster) -> GROUP BY
# (COUNT, SUM, MAX) and a Top-2 per group (ROW_NUMBER over the changelog)
# -> two hologres (PostgreSQL) tables. The job runs at parallelism 2 and is
# killed with SIGKILL after some checkpoints; it restarts at parallelism 1
# (every key group read back by one instance) and is killed again; it
# restarts at parallelism 3 (the groups of one checkpoint split three
# ways) and runs until every event is committed. Each restart must restore
# a checkpoint whose state files are the previous run's key-group ranges
# (kg0-63 and kg64-127, then kg0-127). A third table takes the GROUP BY
# keyed on another column (a name per group): a SinkUpsertMaterializer
# keyed by that name, whose rows are restored too. The tables must equal
# PostgreSQL's own GROUP BY and row_number() over the final source state:
# a count replayed twice or lost, or a group's state not found by its new
# owner, shows as a different row. Once with the hashmap backend, once
# with rocksdb's incremental checkpoints (each instance's state a RocksDB
# checkpoint that the next run's instances filter by key group). Sizes:
# PAR_EVENTS, PAR_KEYS; backends PAR_BACKENDS.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../kafka/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
NEV=${PAR_EVENTS:-60000}
NKEYS=${PAR_KEYS:-5000}
P=hf_pr_$$

gen_dbz_events "$NEV" "$NKEYS" 77 "$T/ev.kv" "$T/ev.tsv"
"${PSQL[@]}" <<SQL
DROP TABLE IF EXISTS ${P}_ev, ${P}_ref, ${P}_t, ${P}_top, ${P}_topref, ${P}_m, ${P}_mref;
CREATE TABLE ${P}_ev (seq bigint, op text, id bigint, v bigint, p numeric(10,2), s text);
\copy ${P}_ev FROM '$T/ev.tsv'
CREATE TABLE ${P}_ref AS
  SELECT id % 97 AS g, count(*) AS n, sum(v)::bigint AS sv, max(v) AS mv
  FROM (SELECT DISTINCT ON (id) * FROM ${P}_ev ORDER BY id, seq DESC) last
  WHERE op <> 'd' GROUP BY 1;
CREATE TABLE ${P}_topref AS
  SELECT g, rn, id, v FROM (
    SELECT id % 97 AS g, id, v, row_number() OVER (PARTITION BY id % 97 ORDER BY v DESC) AS rn
    FROM (SELECT DISTINCT ON (id) * FROM ${P}_ev ORDER BY id, seq DESC) last
    WHERE op <> 'd') x WHERE rn <= 2;
CREATE TABLE ${P}_t (g bigint PRIMARY KEY, n bigint, sv bigint, mv bigint);
CREATE TABLE ${P}_top (g bigint, rn bigint, id bigint, v bigint, PRIMARY KEY (g, rn));
CREATE TABLE ${P}_mref AS SELECT g, 'g' || g AS name, n, sv FROM ${P}_ref;
CREATE TABLE ${P}_m (g bigint, name text PRIMARY KEY, n bigint, sv bigint);
SQL

for BACKEND in ${PAR_BACKENDS:-hashmap rocksdb-incremental}; do
echo "  backend $BACKEND"
INCREMENTAL=false
case $BACKEND in *-incremental) INCREMENTAL=true ;; esac
GROUP=hf-par-restore-$BACKEND
CK=$T/ckpt-$BACKEND
"${PSQL[@]}" -c "TRUNCATE ${P}_t, ${P}_top, ${P}_m"
kafka_cleanup
BG_PIDS=()
kafka_start_mock events:4
cat >"$T/job.sql" <<SQL
SET 'execution.checkpointing.interval' = '500 ms';
SET 'state.checkpoints.dir' = '$CK';
SET 'state.checkpoints.num-retained' = '1';
SET 'state.backend.type' = '${BACKEND%-incremental}';
SET 'state.backend.incremental' = '$INCREMENTAL';
CREATE TABLE events (id BIGINT, v BIGINT, p DECIMAL(10, 2), s STRING)
WITH ('connector' = 'kafka', 'topic' = 'events',
      'properties.bootstrap.servers' = '$KAFKA_BOOTSTRAP',
      'properties.group.id' = '$GROUP',
      'properties.session.timeout.ms' = '6000',
      'properties.heartbeat.interval.ms' = '500',
      'scan.startup.mode' = 'earliest-offset',
      'format' = 'debezium-json');
CREATE TABLE dst (g BIGINT, n BIGINT, sv BIGINT, mv BIGINT, PRIMARY KEY (g) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = 'public.${P}_t', 'username' = '$PGUSER', 'password' = 'unused');
CREATE TABLE top2 (g BIGINT, rn BIGINT, id BIGINT, v BIGINT, PRIMARY KEY (g, rn) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = 'public.${P}_top', 'username' = '$PGUSER', 'password' = 'unused');
CREATE TABLE named (g BIGINT, name STRING, n BIGINT, sv BIGINT, PRIMARY KEY (name) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = 'public.${P}_m', 'username' = '$PGUSER', 'password' = 'unused');
BEGIN STATEMENT SET;
INSERT INTO named SELECT g, CONCAT('g', CAST(g AS STRING)), COUNT(*), SUM(v)
  FROM (SELECT id % 97 AS g, v FROM events) GROUP BY g;
INSERT INTO dst SELECT g, COUNT(*), SUM(v), MAX(v) FROM (SELECT id % 97 AS g, v FROM events) GROUP BY g;
INSERT INTO top2 SELECT g, rn, id, v FROM (
  SELECT g, id, v, ROW_NUMBER() OVER (PARTITION BY g ORDER BY v DESC) AS rn
  FROM (SELECT id % 97 AS g, id, v FROM events)) WHERE rn <= 2;
END;
SQL
kafka_feed events "$GROUP" "$T/ev.kv" 5000

committed() { kafka_offsets events "$GROUP" | cut -d' ' -f2; }

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
    kafka_wait_committed events "$GROUP" "$until" 300 || fail "$name: $until events not committed"
    kill -9 "$HF_PID"
    wait "$HF_PID" 2>/dev/null || true
    ! grep -q 'job failed' "$T/$name.log" || fail "$name: $(grep 'job failed' "$T/$name.log")"
    grep -q "group-aggregate runs $par instances" "$T/$name.log" || [ "$par" = 1 ] ||
        fail "$name: the aggregate did not run $par instances"
    echo "  $name at parallelism $par: killed with $(committed) of $NEV events committed"
}

run 1 2 $((NEV / 4))
ls "$CK"/chk-*/ | grep -Eq 'group-aggregate.acc.kg64-127(.rocksdb)?$' ||
    fail "run1: no state file of the second instance's key groups: $(ls "$CK"/chk-*/)"
ls "$CK"/chk-*/ | grep -Eq 'upsert-materialize.rows.kg64-127(.rocksdb)?$' ||
    fail "run1: no materializer state of the second instance: $(ls "$CK"/chk-*/)"
run 2 1 $((NEV / 2))
grep -q "checkpoint: restoring checkpoint" "$T/run2.log" || fail "run2: no checkpoint restored"
ls "$CK"/chk-*/ | grep -Eq 'group-aggregate.acc.kg0-127(.rocksdb)?$' ||
    fail "run2: no state file of all key groups: $(ls "$CK"/chk-*/)"

hf_start run3 --log-level debug run "$T/job.sql" --set parallelism.default=3
wait_log "$T/run3.log" "assigned" 60 || { fail "run3: no partitions assigned"; tail -5 "$T/run3.log" >&2; exit 1; }
if kafka_wait_committed events "$GROUP" "$NEV" 600; then
    kill -TERM "$HF_PID"
    rc=0
    wait "$HF_PID" || rc=$?
    [ "$rc" -eq 143 ] || fail "run3: exit code $rc after SIGTERM, expected 143"
else
    fail "run3 did not commit every event"
    tail -20 "$T/run3.log" >&2
fi
grep -q "checkpoint: restoring checkpoint" "$T/run3.log" || fail "run3: no checkpoint restored"
grep -q "group-aggregate runs 3 instances" "$T/run3.log" || fail "run3: not 3 instances"
ls "$CK"/chk-*/ | grep -Eq 'group-aggregate.acc.kg43-85(.rocksdb)?$' ||
    fail "run3: no state file of the second of three instances: $(ls "$CK"/chk-*/)"

grep -q "upsert-materialize runs 3 instances" "$T/run3.log" || fail "run3: the materializer not in 3 instances"

for t in "${P}_ref ${P}_t" "${P}_topref ${P}_top" "${P}_mref ${P}_m"; do
    set -- $t
    missing=$("${PSQL[@]}" -c "SELECT count(*) FROM (TABLE $1 EXCEPT ALL TABLE $2) d")
    extra=$("${PSQL[@]}" -c "SELECT count(*) FROM (TABLE $2 EXCEPT ALL TABLE $1) d")
    nref=$("${PSQL[@]}" -c "SELECT count(*) FROM $1")
    [ "$nref" -gt 0 ] || fail "$1 is empty"
    [ "$missing" = 0 ] || fail "$2: $missing rows of $1 missing or different"
    [ "$extra" = 0 ] || fail "$2: $extra rows extra or different"
    echo "  $2: $nref rows as PostgreSQL computes them, missing $missing, extra $extra"
done
done
"${PSQL[@]}" -c "DROP TABLE ${P}_ev, ${P}_ref, ${P}_t, ${P}_top, ${P}_topref, ${P}_m, ${P}_mref"
finish
