#!/usr/bin/env bash
# Crash safety of kafka (debezium-json) -> hologres (PostgreSQL): a topic of
# 4 partitions receives ~1M change events (inserts, updates, deletes) over
# 100k keys; holoflow consumes it in a consumer group and is killed with
# SIGKILL at random points several times and restarted each time; a last
# run goes on until the group has committed every event and is then
# stopped. The table must equal the state computed independently inside
# PostgreSQL (the last event of every key, deleted keys absent): zero
# missing, zero extra, zero different rows.
#
# Events are produced while the job runs, in steps of 50k, each step only
# once the group committed all but one step (librdkafka's mock broker
# keeps ~5 MB per partition). Sizes: KAFKA_EVENTS, KAFKA_KEYS, KAFKA_KILLS,
# seed HF_TEST_SEED.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../kafka/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
NEV=${KAFKA_EVENTS:-1000000}
NKEYS=${KAFKA_KEYS:-100000}
KILLS=${KAFKA_KILLS:-5}
RANDOM=${HF_TEST_SEED:-4242}
GROUP=hf-crash

gen_dbz_events "$NEV" "$NKEYS" 17 "$T/ev.kv" "$T/ev.tsv"
kafka_start_mock events:4

"${PSQL[@]}" <<SQL
DROP TABLE IF EXISTS hf_kc_ev, hf_kc_ref, hf_kc_t;
CREATE TABLE hf_kc_ev (seq bigint, op text, id bigint, v bigint, p numeric(10,2), s text);
\copy hf_kc_ev FROM '$T/ev.tsv'
CREATE TABLE hf_kc_ref AS
  SELECT id, v, p, s FROM (SELECT DISTINCT ON (id) * FROM hf_kc_ev ORDER BY id, seq DESC) last
  WHERE op <> 'd';
CREATE TABLE hf_kc_t (id bigint PRIMARY KEY, v bigint, p numeric(10,2), s text);
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
      'tablename' = 'public.hf_kc_t', 'username' = '$PGUSER', 'password' = 'unused',
      'connection.pool.size' = '4');
INSERT INTO dst SELECT * FROM events;
SQL

kafka_feed events "$GROUP" "$T/ev.kv" 50000

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
    echo "  kill $r after ${ms} ms of reading: committed $(kafka_offsets events "$GROUP" | cut -d' ' -f2) of $NEV, table has $("${PSQL[@]}" -c 'SELECT count(*) FROM hf_kc_t') rows"
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
read -r high committed <<<"$(kafka_offsets events "$GROUP")"
[ "$high" -eq "$NEV" ] || fail "the topic holds $high messages, expected $NEV"

missing=$("${PSQL[@]}" -c "SELECT count(*) FROM (TABLE hf_kc_ref EXCEPT ALL TABLE hf_kc_t) d")
extra=$("${PSQL[@]}" -c "SELECT count(*) FROM (TABLE hf_kc_t EXCEPT ALL TABLE hf_kc_ref) d")
nref=$("${PSQL[@]}" -c "SELECT count(*) FROM hf_kc_ref")
[ "$missing" = 0 ] || fail "$missing rows of the reference are missing or differ"
[ "$extra" = 0 ] || fail "$extra rows in the table are extra or differ"
echo "  $NEV events, $KILLS kills: table has $nref rows, missing $missing, extra $extra"
"${PSQL[@]}" -c "DROP TABLE hf_kc_ev, hf_kc_ref, hf_kc_t"
finish
