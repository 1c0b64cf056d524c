#!/usr/bin/env bash
# A COMMIT whose result is lost is not written twice.
#
# The failpoints holo.insert.commit-result-lost and
# holo.copy.commit-result-lost (src/core/failpoint.h) break the sink's
# connection for real right after the server committed a flush, before the
# result is used: the classic in-doubt COMMIT. The sink must reconnect, ask
# the server what became of that transaction (txid_status) and, since it
# committed, not write it again. A blind retry would show here as doubled
# rows in tables without a key and as doubled increments of a
# conflict-update-set `n = old.n + excluded.n`. Covered: INSERT with and
# without a primary key, COPY_STREAM, and the one COMMIT of a COPY_BULK_LOAD;
# the connection broken as soon as a flush was sent (any outcome); the old
# backend still running the transaction when asked (ended by the sink,
# then "committed"); and the server restarted while a COMMIT is in doubt, where the answer may be
# about another transaction: an idempotent flush is written again, any
# other stops the job (never written twice).
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
p=hf_indoubt_$$
export PGOPTIONS="-c client_min_messages=warning"
N=20000

awk -v n=$N 'BEGIN { for (i = 1; i <= n; i++) printf "%d,1\n", i }' >"$T/rows.csv"
"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_inc (id bigint PRIMARY KEY, n bigint NOT NULL);
INSERT INTO ${p}_inc SELECT g, 0 FROM generate_series(1, $N) g;
CREATE TABLE ${p}_app (id bigint, n bigint);
SQL

# write_job TABLE EXTRA-SQL-OPTIONS [batch]
write_job() {
    local table=$1 opts=$2 mode=${3:-}
    local key=""
    [ "$table" = "${p}_inc" ] && key=", PRIMARY KEY (id) NOT ENFORCED"
    {
        [ -n "$mode" ] && echo "SET 'execution.runtime-mode' = 'batch';"
        cat <<SQL
CREATE TABLE src (id BIGINT, n BIGINT) WITH ('connector' = 'filesystem', 'path' = '$T/rows.csv', 'format' = 'csv');
CREATE TABLE dst (id BIGINT, n BIGINT$key)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '$table', 'username' = '$PGUSER', 'password' = 'x',
      'connection.pool.size' = '1', 'sink.insert.batch-size' = '1000',
      'retry-sleep-step-ms' = '${STEP:-20}'$opts);
INSERT INTO dst SELECT * FROM src;
SQL
    } >"$T/job.sql"
}

# run_job FAILPOINTS: runs the job with HF_FAILPOINTS set; sets RC.
run_job() {
    set +e
    HF_FAILPOINTS=$1 "$HOLOFLOW" run "$T/job.sql" >"$T/out" 2>"$T/err"
    RC=$?
    set -e
    [ "$RC" -eq 0 ] || cat "$T/err" >&2
}

# run_case WHAT TABLE FAILPOINT EXTRA-SQL-OPTIONS [batch]: a COMMIT that
# succeeded, its result lost.
run_case() {
    write_job "$2" "$4" "${5:-}"
    run_job "$3"
    expect_rc 0 "$1"
    expect_grep "before the result of COMMIT arrived (failpoint" "$T/err" \
        "$1: the failpoint fired"
    expect_grep "the server says it committed (not written again)" "$T/err" \
        "$1: the in-doubt COMMIT was resolved"
}

check_table() { # WHAT TABLE WANT
    local got
    got=$("${PSQL[@]}" -c "SELECT count(*) || ' rows, ' || count(DISTINCT id) || ' keys, sum ' || sum(n) || ', max ' || max(n) FROM $2")
    [ "$got" = "$3" ] || fail "$1: table has $got, expected $3"
}

run_case "INSERT, conflict-update-set increment" "${p}_inc" \
    holo.insert.commit-result-lost=2 \
    ", 'sink.write-mode' = 'INSERT', 'sink.insert.conflict-update-set' = 'n = old.n + excluded.n'"
check_table "INSERT increment" "${p}_inc" "$N rows, $N keys, sum $N, max 1"

run_case "INSERT, no primary key" "${p}_app" \
    holo.insert.commit-result-lost=2 ", 'sink.write-mode' = 'INSERT'"
check_table "INSERT append" "${p}_app" "$N rows, $N keys, sum $N, max 1"

# The connection broken as soon as a flush was sent: whatever the server
# made of it (committed, aborted, or still running it when asked, then
# terminated), the table ends exact.
for fire in 1 2 3; do
    "${PSQL[@]}" -c "UPDATE ${p}_inc SET n = 0"
    write_job "${p}_inc" ", 'sink.write-mode' = 'INSERT', 'sink.insert.conflict-update-set' = 'n = old.n + excluded.n'"
    run_job holo.insert.break-after-send=$fire
    expect_rc 0 "broken after send (hit $fire)"
    expect_grep "the server says it" "$T/err" "broken after send (hit $fire): resolved"
    check_table "broken after send (hit $fire)" "${p}_inc" "$N rows, $N keys, sum $N, max 1"
done

# The old backend still runs the transaction when asked: its COMMIT waits
# for a synchronous standby that does not exist (synchronous_standby_names
# names nobody), so txid_status says "in progress" until the sink ends
# that backend, after which the commit (already local) is final. Later
# flushes wait the same way until the test lifts the setting once the
# first outcome was logged.
"${PSQL[@]}" -c "UPDATE ${p}_inc SET n = 0"
"${PSQL[@]}" -c "ALTER SYSTEM SET synchronous_standby_names = 'hf_nobody'" -c "SELECT pg_reload_conf()" >/dev/null
write_job "${p}_inc" ", 'sink.write-mode' = 'INSERT', 'sink.insert.conflict-update-set' = 'n = old.n + excluded.n'"
set +e
PGOPTIONS= HF_FAILPOINTS=holo.insert.break-after-send=1 "$HOLOFLOW" run "$T/job.sql" >"$T/out" 2>"$T/err" &
job=$!
for _ in $(seq 1 400); do
    grep -q "the server says it" "$T/err" && break
    kill -0 $job 2>/dev/null || break
    sleep 0.05
done
"${PSQL[@]}" -c "ALTER SYSTEM RESET synchronous_standby_names" -c "SELECT pg_reload_conf()" >/dev/null
wait $job
RC=$?
set -e
expect_rc 0 "in progress, then ended"
expect_grep "is still in progress in backend" "$T/err" "in progress, then ended: the old backend was ended"
expect_grep "the server says it committed (not written again)" "$T/err" "in progress, then ended: resolved as committed"
check_table "in progress, then ended" "${p}_inc" "$N rows, $N keys, sum $N, max 1"

# The server restarted while the COMMIT is in doubt: during the retry's
# back-off (3 s) the test restarts PostgreSQL.
restart_case() { # WHAT EXTRA-SQL-OPTIONS
    "${PSQL[@]}" -c "UPDATE ${p}_inc SET n = 0"
    STEP=3000 write_job "${p}_inc" ", 'sink.write-mode' = 'INSERT'$2"
    set +e
    HF_FAILPOINTS=holo.insert.commit-result-lost=2 "$HOLOFLOW" run "$T/job.sql" >"$T/out" 2>"$T/err" &
    local job=$!
    for _ in $(seq 1 300); do
        grep -q "reconnecting and retrying" "$T/err" && break
        sleep 0.05
    done
    restart_pg || fail "$1: pg_ctl restart failed"
    wait $job
    RC=$?
    set -e
}
restart_case "restart, increment" ", 'sink.insert.conflict-update-set' = 'n = old.n + excluded.n'"
[ "$RC" -ne 0 ] || fail "restart, increment: the job succeeded; it must stop when the outcome cannot be known"
expect_grep "the server restarted while COMMIT of transaction" "$T/err" "restart, increment: the reason"
got=$("${PSQL[@]}" -c "SELECT max(n) FROM ${p}_inc")
[ "$got" = 1 ] || fail "restart, increment: max(n) is $got: a flush was applied twice"
restart_case "restart, upsert" ""
expect_rc 0 "restart, upsert"
expect_grep "the flush is idempotent and is written again" "$T/err" "restart, upsert: written again"
check_table "restart, upsert" "${p}_inc" "$N rows, $N keys, sum $N, max 1"

"${PSQL[@]}" -c "TRUNCATE ${p}_app"
run_case "COPY_STREAM, no primary key" "${p}_app" \
    holo.copy.commit-result-lost=2 ", 'sink.write-mode' = 'COPY_STREAM'"
check_table "COPY_STREAM append" "${p}_app" "$N rows, $N keys, sum $N, max 1"

"${PSQL[@]}" -c "TRUNCATE ${p}_app"
run_case "COPY_BULK_LOAD, no primary key" "${p}_app" \
    holo.copy.commit-result-lost=1 ", 'sink.write-mode' = 'COPY_BULK_LOAD'" batch
check_table "COPY_BULK_LOAD" "${p}_app" "$N rows, $N keys, sum $N, max 1"

"${PSQL[@]}" -c "DROP TABLE ${p}_inc, ${p}_app"
finish
