#!/usr/bin/env bash
# All-or-nothing bulk loads: a COPY_BULK_LOAD_ON_CONFLICT and a
# COPY_BULK_LOAD (text) of 1.5 million rows, in a batch job, into a table holding rows
# are killed with SIGKILL while the server is receiving them: the table is
# exactly as before (its rows are outside the file's keys, so the plain
# bulk load has no conflict). The same load stopped with SIGINT rolls back (a
# partial load is never committed) and says so. Uninterrupted, the load
# commits everything at once.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
p=hf_ck_$$
export PGOPTIONS="-c client_min_messages=warning"

awk 'BEGIN { for (i = 1; i <= 1500000; i++) printf "%d,name%d,%d.%02d,2020-01-01 00:00:%02d\n", i, i, i % 100000, i % 100, i % 60 }' >"$T/big.csv"
"${PSQL[@]}" <<SQL
CREATE TABLE $p (user_id bigint PRIMARY KEY, user_name text, price numeric(38, 2), sale_timestamp timestamp);
INSERT INTO $p SELECT g, 'pre', g, '1999-12-31' FROM generate_series(2000001, 2003000) g;
SQL
fingerprint() {
    "${PSQL[@]}" -c "SELECT count(*) || ':' || md5(string_agg(t::text, ',' ORDER BY user_id)) FROM $p t"
}
before=$(fingerprint)

cols="user_id BIGINT, user_name STRING, price DECIMAL(38, 2), sale_timestamp TIMESTAMP"
job() { # MODE-OPTION
    cat >"$T/job.sql" <<SQL
SET 'execution.runtime-mode' = 'batch';
CREATE TABLE src ($cols) WITH ('connector' = 'filesystem', 'path' = '$T/big.csv', 'format' = 'csv');
CREATE TABLE dst ($cols, PRIMARY KEY (user_id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '$p', 'username' = '$PGUSER', 'password' = 'x'$1);
INSERT INTO dst SELECT * FROM src;
SQL
}

# Start the job in the background and wait until the server is taking
# in its rows: a COPY statement of it (into the table or the staging
# table; a buffer is 32768 rows) has processed 10000 rows (the COPY
# progress view, PostgreSQL 14+); then let it run on for 0.2 s. `got` is
# what the progress view showed.
start_and_wait() {
    "$HOLOFLOW" run "$T/job.sql" >"$T/out" 2>"$T/err" &
    pid=$!
    got=0
    for _ in $(seq 1 600); do
        got=$("${PSQL[@]}" -c "SELECT coalesce(max(tuples_processed), 0) FROM pg_stat_progress_copy c JOIN pg_class r ON r.oid = c.relid WHERE r.relname IN ('$p', 'hf_copy_stage')")
        [ "$got" -ge 10000 ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.02
    done
    sleep 0.2
}

# The backend of a killed client notices at its next read; wait for it.
wait_backends_gone() {
    for _ in $(seq 1 200); do
        n=$("${PSQL[@]}" -c "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND query LIKE '%$p%' AND state <> 'idle'")
        [ "$n" = 0 ] && return
        sleep 0.05
    done
    fail "the killed load's backend is still busy"
}

bulk_oc=", 'sink.write-mode' = 'COPY_BULK_LOAD_ON_CONFLICT'"
for mode in "$bulk_oc" ", 'sink.write-mode' = 'COPY_BULK_LOAD', 'sink.copy.format' = 'text'"; do
    what=COPY_BULK_LOAD_ON_CONFLICT
    [ "$mode" = "$bulk_oc" ] || what="COPY_BULK_LOAD text"
    job "$mode"
    start_and_wait
    if ! kill -0 "$pid" 2>/dev/null; then
        fail "$what: the load ended before it could be killed"
        cat "$T/err" >&2
        continue
    fi
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null || true
    wait_backends_gone
    after=$(fingerprint)
    [ "$before" = "$after" ] || fail "$what: SIGKILL after $got rows changed the table ($before -> $after)"
    echo "  $what: killed with SIGKILL 0.2 s after a COPY of it had $got rows: table unchanged"
done

# SIGINT: the job stops; the partial load is rolled back, not committed.
job "$bulk_oc"
start_and_wait
kill -INT "$pid"
set +e
wait "$pid"
RC=$?
set -e
[ "$RC" -ne 0 ] || fail "SIGINT: the interrupted load exited 0"
expect_grep "interrupted before the end of its input: rolled back, the table is unchanged" "$T/err" "SIGINT message"
wait_backends_gone
after=$(fingerprint)
[ "$before" = "$after" ] || fail "SIGINT after $got rows changed the table"
echo "  SIGINT 0.2 s after a COPY of it had $got rows: rolled back, table unchanged (exit $RC)"

# Uninterrupted: everything, at once.
run_hf "$T/out" "$T/err" run "$T/job.sql"
expect_rc 0 "full load"
expect_grep "COPY_BULK_LOAD_ON_CONFLICT committed, 1500000 row(s)" "$T/err" "committed once"
# The file's 1.5 million keys, and the 3000 old rows above them.
n=$("${PSQL[@]}" -c "SELECT count(*) FILTER (WHERE user_name = 'pre') || '/' || count(*) FROM $p")
[ "$n" = "3000/1503000" ] || fail "full load: $n ('pre' rows / all), expected 3000/1503000"
echo "  uninterrupted: committed once, $n"
"${PSQL[@]}" -c "DROP TABLE $p"
finish
