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

dbz_setup hf_kc "$GROUP" 17 4

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

dbz_compare hf_kc
echo "  $NEV events, $KILLS kills: table has $NREF rows, missing $MISSING, extra $EXTRA"
finish
