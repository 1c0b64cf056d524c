#!/usr/bin/env bash
# PostgreSQL restarts in the middle of a 1,000,000-row job (issue 3 item 7,
# acceptance "Restarting PostgreSQL (pg_ctl restart -m fast) in the middle
# of a 1M-row job: the job finishes and the table equals the expected final
# state").
#
# datagen emits ids 1..1,000,000 at 100,000 rows/s; the job upserts key
# id % 250000 (every key written 4 times, in order) with v = id and
# s = 'r' || id over 4 connections. Once rows are in the table, the
# private cluster is restarted with `pg_ctl restart -m fast` (as the owner
# of its data directory when we are root). The job must ride through
# (reconnect with retry-sleep-step-ms 200 and rerun the interrupted
# flushes) and exit 0, and the table must equal the final state computed
# by psql from generate_series: the same count, sum of keys, and md5 of
# all rows in key order. The server's start time must have changed and
# the job's log must show the retries, so the test cannot pass without a
# restart hitting the job.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
tbl=hf_restart_$$
export PGOPTIONS="-c client_min_messages=warning"
# Stop the job and drop the table whatever happens (and remove $T, as
# lib.sh's trap does).
trap '[ -z "${job:-}" ] || kill $job 2>/dev/null; "${PSQL[@]}" -c "DROP TABLE IF EXISTS $tbl" >/dev/null 2>&1; rm -rf "$T"' EXIT
# PGHOST is the cluster directory of scripts/pg-private.sh: the socket is
# there, the cluster in DIR/data, the server log in DIR/log.
pgdir=$PGHOST
[ -f "$pgdir/data/postmaster.pid" ] || {
    echo "test_holo_restart: no cluster in $pgdir/data (PGHOST must be a scripts/pg-private.sh directory)" >&2
    exit 1
}

"${PSQL[@]}" -c "DROP TABLE IF EXISTS $tbl; CREATE TABLE $tbl (k bigint PRIMARY KEY, v bigint NOT NULL, s text)"
cat >"$T/job.sql" <<SQL
CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '1000000',
  'rows-per-second' = '100000', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1',
  'fields.id.end' = '1000000');
CREATE TABLE dst (k BIGINT, v BIGINT, s STRING, PRIMARY KEY (k) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '$tbl', 'username' = '$PGUSER', 'password' = '',
      'connection.pool.size' = '4', 'retry-count' = '10', 'retry-sleep-step-ms' = '200');
INSERT INTO dst SELECT id % 250000, id, CONCAT('r', CAST(id AS STRING)) FROM src;
SQL
start_before=$("${PSQL[@]}" -c "SELECT pg_postmaster_start_time()")

set +e
"$HOLOFLOW" run "$T/job.sql" >"$T/out" 2>"$T/err" &
job=$!
set -e
# Wait until rows are in (at most 60 s), then restart.
n=0
for _ in $(seq 1 600); do
    kill -0 $job 2>/dev/null || break
    n=$("${PSQL[@]}" -c "SELECT count(*) FROM $tbl" 2>/dev/null || echo 0)
    [ "$n" -ge 50000 ] && break
    sleep 0.1
done
if ! kill -0 $job 2>/dev/null; then
    fail "the job ended before the restart ($n rows in); it must run longer"
else
    echo "  restarting PostgreSQL with $n rows in"
    restart_pg || fail "pg_ctl restart failed (log: $pgdir/log)"
fi
set +e
wait $job
RC=$?
job=
set -e
expect_rc 0 "the job across the restart"
[ "$RC" -eq 0 ] || tail -5 "$T/err" >&2

start_after=$("${PSQL[@]}" -c "SELECT pg_postmaster_start_time()")
[ "$start_before" != "$start_after" ] || fail "the server was not restarted"
grep -q "retrying\|reconnect" "$T/err" || fail "the job's log shows no retry: the restart did not hit it"
echo "  $(grep -c "retrying the flush" "$T/err" || true) flush(es) retried"

# The final state, computed independently: key k holds the last (largest)
# id with id % 250000 = k.
want=$("${PSQL[@]}" <<'SQL'
WITH e AS (SELECT id % 250000 AS k, max(id) AS v FROM generate_series(1, 1000000) id GROUP BY 1)
SELECT count(*), sum(k), sum(v), md5(string_agg(k || ',' || v || ',r' || v, ';' ORDER BY k)) FROM e;
SQL
)
got=$("${PSQL[@]}" -c "SELECT count(*), sum(k), sum(v), md5(string_agg(k || ',' || v || ',' || s, ';' ORDER BY k)) FROM $tbl")
[ "$got" = "$want" ] || fail "the table differs from the expected final state:
  got      $got
  expected $want"
echo "  table: $got"
grep -Eq "sink 'dst':.* 1000000 rows? written, 0 dirty" "$T/err" ||
    { fail "the summary does not show 1000000 rows written:"; grep "sink 'dst'" "$T/err" >&2 || true; }

finish
