#!/usr/bin/env bash
# Two holoflow processes in one consumer group: kafka (debezium-json) ->
# hologres (PostgreSQL). Worker A starts, worker B joins (A's partitions are
# revoked: A flushes and commits first, then the group splits the 4
# partitions), A is killed with SIGKILL mid-way and restarted, and both run
# until the group has committed every one of ~1M events over 100k keys.
# The table must equal the state computed independently inside PostgreSQL:
# zero missing and zero extra rows. Also checks that both workers read
# events, and that revokes were flushed and committed before the
# partitions moved. Sizes: KAFKA_EVENTS, KAFKA_KEYS; seed HF_TEST_SEED;
# KAFKA_ASSIGNOR picks the partition assignment strategy (default: the
# eager range,roundrobin; 'cooperative-sticky' revokes incrementally).
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../kafka/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
NEV=${KAFKA_EVENTS:-1000000}
NKEYS=${KAFKA_KEYS:-100000}
RANDOM=${HF_TEST_SEED:-777}
GROUP=hf-group

dbz_setup hf_kg "$GROUP" 23 2 "
      'properties.partition.assignment.strategy' = '${KAFKA_ASSIGNOR:-range,roundrobin}',"

hf_start a1 --log-level debug run "$T/job.sql"
A=$HF_PID
wait_log "$T/a1.log" "assigned" 60 || fail "worker A got no partitions"
sleep 1
hf_start b --log-level debug run "$T/job.sql"
B=$HF_PID
wait_log "$T/b.log" "assigned" 60 || fail "worker B got no partitions"
wait_log "$T/a1.log" "revoked; flushing and committing first" 5 ||
    fail "worker A did not flush and commit before its partitions were revoked"
ms=$((1000 + RANDOM % 2000))
sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
kill -9 "$A"
wait "$A" 2>/dev/null || true
echo "  worker A killed ${ms} ms after B joined: committed $(kafka_offsets events "$GROUP" | cut -d' ' -f2) of $NEV"
sleep 1
hf_start a2 --log-level debug run "$T/job.sql"
A=$HF_PID
wait_log "$T/a2.log" "assigned" 90 || fail "restarted worker A got no partitions"

if kafka_wait_committed events "$GROUP" "$NEV" 900; then
    for p in "$A" "$B"; do
        kill -TERM "$p"
    done
    for name in a2 b; do
        pid=$A
        [ "$name" = b ] && pid=$B
        rc=0
        wait "$pid" || rc=$?
        [ "$rc" -eq 143 ] || { fail "worker $name: exit code $rc after SIGTERM, expected 143"; tail -5 "$T/$name.log" >&2; }
    done
else
    fail "the workers did not commit every event"
    tail -20 "$T/a2.log" "$T/b.log" >&2
fi

read_by() { sed -n "s/.*source 'events': \([0-9]*\) records read.*/\1/p" "$1" | tail -1; }
rb=$(read_by "$T/b.log")
ra=$(read_by "$T/a2.log")
[ "${rb:-0}" -gt 0 ] || fail "worker B read no events"
[ "${ra:-0}" -gt 0 ] || fail "restarted worker A read no events"
grep -q "revoked; flushing and committing first" "$T/b.log" ||
    fail "worker B never flushed and committed before a revoke"

dbz_compare hf_kg
echo "  $NEV events, 2 workers (B read ${rb:-0}, restarted A read ${ra:-0}): table has $NREF rows, missing $MISSING, extra $EXTRA"
finish
