#!/usr/bin/env bash
# One Kafka table with a consumer group read by two INSERTs of a statement
# set (Flink's source reuse): kafka (debezium-json, 4 partitions, ~400k
# change events over 50k keys) -> two hologres (PostgreSQL) tables, one
# with every column, one with other columns computed from them. holoflow
# is killed with SIGKILL at random points several times and restarted
# each time; a last run goes on until the group has committed every event
# and is then stopped. Both tables must equal the state computed
# independently inside PostgreSQL (the last event of every key, deleted
# keys absent): zero missing, zero extra, zero different rows.
#
# And the table is read once: explain shows one source node feeding both
# INSERTs; every run joins the group with one consumer; the offsets of
# every checkpoint are committed once; the summary shows the one reader
# under the first INSERT; at the end the group's committed offsets are
# exactly the topic's end.
#
# Sizes: KAFKA_EVENTS, KAFKA_KEYS, KAFKA_KILLS; seed HF_TEST_SEED.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../kafka/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
NEV=${KAFKA_EVENTS:-400000}
NKEYS=${KAFKA_KEYS:-50000}
KILLS=${KAFKA_KILLS:-4}
RANDOM=${HF_TEST_SEED:-3131}
GROUP=hf-reuse
P=hf_kr

gen_dbz_events "$NEV" "$NKEYS" 29 "$T/ev.kv" "$T/ev.tsv"
kafka_start_mock events:4
"${PSQL[@]}" <<SQL
DROP TABLE IF EXISTS ${P}_ev, ${P}_ref, ${P}_ref2, ${P}_t, ${P}_t2;
CREATE TABLE ${P}_ev (seq bigint, op text, id bigint, v bigint, p numeric(10,2), s text);
\copy ${P}_ev FROM '$T/ev.tsv'
CREATE TABLE ${P}_ref AS
  SELECT id, v, p, s FROM (SELECT DISTINCT ON (id) * FROM ${P}_ev ORDER BY id, seq DESC) last
  WHERE op <> 'd';
CREATE TABLE ${P}_ref2 AS SELECT id, v * 2 AS v2, upper(s) AS s FROM ${P}_ref;
CREATE TABLE ${P}_t (id bigint PRIMARY KEY, v bigint, p numeric(10,2), s text);
CREATE TABLE ${P}_t2 (id bigint PRIMARY KEY, v2 bigint, s text);
SQL
cat >"$T/job.sql" <<SQL
SET 'execution.checkpointing.interval' = '1s';
CREATE TABLE events (id BIGINT, v BIGINT, p DECIMAL(10, 2), s STRING)
WITH ('connector' = 'kafka', 'topic' = 'events',
      'properties.bootstrap.servers' = '$KAFKA_BOOTSTRAP',
      'properties.group.id' = '$GROUP',
      'properties.session.timeout.ms' = '6000',
      'properties.heartbeat.interval.ms' = '500',
      'scan.startup.mode' = 'earliest-offset',
      'format' = 'debezium-json');
CREATE TABLE dst (id BIGINT, v BIGINT, p DECIMAL(10, 2), s STRING, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = 'public.${P}_t', 'username' = '$PGUSER', 'password' = 'unused',
      'connection.pool.size' = '2');
CREATE TABLE dst2 (id BIGINT, v2 BIGINT, s STRING, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = 'public.${P}_t2', 'username' = '$PGUSER', 'password' = 'unused',
      'connection.pool.size' = '2');
EXECUTE STATEMENT SET BEGIN
INSERT INTO dst SELECT * FROM events;
INSERT INTO dst2 SELECT id, v * 2, UPPER(s) FROM events;
END;
SQL

# ------------------------------------------------ the plan: one reader
run_hf "$T/explain" "$T/explain.err" explain "$T/job.sql"
expect_rc 0 "explain"
expect_grep "  n1 source: events [kafka, debezium-json]" "$T/explain" "explain: the source node"
expect_grep "  n3 sink: dst [hologres] (INSERT at line 19) <- n2" "$T/explain" "explain: first INSERT"
expect_grep "  n4 calc: id := id, v2 := (v * 2), s := UPPER(s) <- n1" "$T/explain" "explain: second INSERT reads n1"
[ "$(grep -c ' source: ' "$T/explain")" -eq 1 ] || fail "explain: more than one source node"

kafka_feed events "$GROUP" "$T/ev.kv" 50000

# One consumer per run; no checkpoint's offsets committed twice.
check_run_log() {
    local name=$1 n
    n=$(grep -c "kafka table 'events': joined consumer group '$GROUP'" "$T/$name.log" || true)
    [ "$n" -eq 1 ] || fail "$name: $n consumers joined the group, expected 1"
    n=$(sed -n "s/.*kafka table 'events': checkpoint \([0-9]*\) committed.*/\1/p" "$T/$name.log" | sort | uniq -d | wc -l)
    [ "$n" -eq 0 ] || fail "$name: $n checkpoints committed more than once"
}

for r in $(seq 1 "$KILLS"); do
    hf_start "run$r" --log-level debug run "$T/job.sql"
    if ! wait_log "$T/run$r.log" "assigned" 60; then
        fail "run $r: no partitions assigned within 60 s"
        tail -20 "$T/run$r.log" >&2
        break
    fi
    # Kill somewhere between 0.3 and 3.3 s after the partitions arrived.
    ms=$((300 + RANDOM % 3000))
    sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
    kill -9 "$HF_PID"
    wait "$HF_PID" 2>/dev/null || true
    if grep -q 'job failed' "$T/run$r.log"; then
        fail "run $r failed before it was killed:"
        grep 'job failed' "$T/run$r.log" >&2
    fi
    check_run_log "run$r"
    echo "  kill $r after ${ms} ms of reading: committed $(kafka_offsets events "$GROUP" | cut -d' ' -f2) of $NEV; tables have $("${PSQL[@]}" -c "SELECT count(*) FROM ${P}_t") and $("${PSQL[@]}" -c "SELECT count(*) FROM ${P}_t2") rows"
done

hf_start final --log-level debug run "$T/job.sql"
if kafka_wait_committed events "$GROUP" "$NEV" 900; then
    kill -TERM "$HF_PID"
    rc=0
    wait "$HF_PID" || rc=$?
    [ "$rc" -eq 143 ] || fail "final run: exit code $rc after SIGTERM, expected 143"
    grep -q 'STOPPED' "$T/final.log" || fail "final run: no STOPPED summary"
else
    fail "the final run did not commit every event"
    tail -30 "$T/final.log" >&2
fi
check_run_log final
grep -q "kafka table 'events': checkpoint [0-9]* committed" "$T/final.log" ||
    fail "final run: no checkpoint committed offsets"
expect_grep "    source 'events': read once, shown under pipeline 1" "$T/final.log" "final summary: one reader"
read -r high committed <<<"$(kafka_offsets events "$GROUP")"
[ "$high" -eq "$NEV" ] || fail "the topic holds $high messages, expected $NEV"
[ "$committed" -eq "$NEV" ] || fail "the group committed $committed, expected exactly $NEV"

for pair in "t ref" "t2 ref2"; do
    read -r tbl ref <<<"$pair"
    missing=$("${PSQL[@]}" -c "SELECT count(*) FROM (TABLE ${P}_$ref EXCEPT ALL TABLE ${P}_$tbl) d")
    extra=$("${PSQL[@]}" -c "SELECT count(*) FROM (TABLE ${P}_$tbl EXCEPT ALL TABLE ${P}_$ref) d")
    nref=$("${PSQL[@]}" -c "SELECT count(*) FROM ${P}_$ref")
    [ "$missing" = 0 ] || fail "${P}_$tbl: $missing rows of the reference are missing or differ"
    [ "$extra" = 0 ] || fail "${P}_$tbl: $extra rows are extra or differ"
    echo "  ${P}_$tbl: $nref rows as computed in PostgreSQL, missing $missing, extra $extra"
done
"${PSQL[@]}" -c "DROP TABLE ${P}_ev, ${P}_ref, ${P}_ref2, ${P}_t, ${P}_t2"
echo "  $NEV events, $KILLS kills, one consumer feeding two sinks"
finish
