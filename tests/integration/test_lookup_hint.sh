#!/usr/bin/env bash
# The LOOKUP hint's retry and timeout, and the retry counters of the job
# summary, against the private PostgreSQL (jdbc tables throughout):
# 1. Retry on lookup_miss finds a late row: the stream has a key whose
#    dimension row does not exist yet; with 'retry-predicate' =
#    'lookup_miss', 'fixed-delay' = '200ms' and 'max-attempts' = '600', a
#    psql in the background waits until holoflow logs that it asks again,
#    then inserts the row: the INNER join's output has the row (nothing
#    depends on how long anything takes: the insert follows the first
#    retry, and the attempts last two minutes). While the job waits,
#    /metrics (--metrics-port) has the lookup's families, well formed.
# 2. Retries exhausted: two keys that never get a row are asked again
#    exactly 'max-attempts' times each (in every input batch that has
#    them; the summary's retries are the keys asked again) and
#    the LEFT join pads them, equal to PostgreSQL's LEFT JOIN.
# 3. Timeout: the dimension's row-level security policy takes a shared
#    advisory lock that another session holds exclusively, so the lookup
#    waits on the server; with the hint's 'timeout' = '1s' the job fails
#    naming the table and the number of keys asked.
# 4. Sink retries: a jdbc sink whose connection breaks after a flush was
#    sent (failpoint holo.insert.break-after-send) retries, the summary's
#    sink line counts it, and the table is complete.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
p=hf_lkh_$$
url="jdbc:postgresql://127.0.0.1:$PGPORT/$PGDATABASE"
jdbc="'connector' = 'jdbc', 'url' = '$url', 'username' = '$PGUSER', 'password' = 'x'"
lock=$((4200 + $$ % 1000))
role=${p}_r

"${PSQL[@]}" <<SQL
SET client_min_messages = warning;
CREATE TABLE ${p}_s (id bigint, k int);
INSERT INTO ${p}_s SELECT i, i % 50 + 1 FROM generate_series(1, 500) i;
INSERT INTO ${p}_s VALUES (1001, 7777);
CREATE TABLE ${p}_d (k int PRIMARY KEY, name text);
INSERT INTO ${p}_d SELECT i, 'n' || i FROM generate_series(1, 50) i;
CREATE TABLE ${p}_o (id bigint, k int, name text);
SQL

job() { # HINT JOIN DIM-TABLE [DIM-CREDENTIALS]
    cat >"$T/job.sql" <<SQL
CREATE TABLE s (id BIGINT, k INT, proc AS PROCTIME()) WITH ($jdbc, 'table-name' = '${p}_s');
CREATE TABLE d (k INT, name STRING, PRIMARY KEY (k) NOT ENFORCED)
  WITH (${4:-$jdbc}, 'table-name' = '$3');
CREATE TABLE o (id BIGINT, k INT, name STRING) WITH ($jdbc, 'table-name' = '${p}_o');
INSERT INTO o SELECT /*+ LOOKUP('table' = 'd', $1) */ s.id, s.k, dd.name
  FROM s $2 JOIN d FOR SYSTEM_TIME AS OF s.proc AS dd ON s.k = dd.k;
SQL
}
retry="'retry-predicate' = 'lookup_miss', 'retry-strategy' = 'fixed_delay'"

# --- 1. a late row is found by a retry.
job "$retry, 'fixed-delay' = '200ms', 'max-attempts' = '600'" "" "${p}_d"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$HOLOFLOW" run "$T/job.sql" --metrics-port "$PORT" >"$T/out" 2>"$T/err" &
hf=$!
inserted=0
for _ in $(seq 1200); do
    if grep -q "key(s) without a row; asking again" "$T/err"; then
        # While it waits to ask again: the lookup's metrics.
        curl -sf "http://127.0.0.1:$PORT/metrics" >"$T/metrics" || fail "GET /metrics"
        python3 "$(dirname "$0")/../metrics/check_exposition.py" "$T/metrics" ||
            fail "/metrics: exposition format"
        grep -Eq '^holoflow_lookup_requests_total\{job="job.sql",table="d",node="n[0-9]+"\} [1-9]' "$T/metrics" ||
            fail "/metrics: holoflow_lookup_requests_total of d"
        grep -Eq '^holoflow_lookup_keys_asked_total\{.*table="d".*\} [1-9]' "$T/metrics" ||
            fail "/metrics: holoflow_lookup_keys_asked_total of d"
        for f in retries_total cache_hits_total cache_misses_total cache_evictions_total cache_records cache_bytes; do
            grep -q "^holoflow_lookup_${f}{" "$T/metrics" || fail "/metrics: holoflow_lookup_$f"
        done
        "${PSQL[@]}" -c "INSERT INTO ${p}_d VALUES (7777, 'late')"
        inserted=1
        break
    fi
    kill -0 $hf 2>/dev/null || break
    sleep 0.1
done
set +e
wait $hf
RC=$?
set -e
[ $inserted = 1 ] || fail "late row: holoflow never asked again"
expect_rc 0 "late row"
[ "$RC" -eq 0 ] || tail -5 "$T/err" >&2
got=$("${PSQL[@]}" -c "SELECT name FROM ${p}_o WHERE id = 1001")
[ "$got" = late ] || fail "late row: the retry did not find it (got '$got')"
n=$("${PSQL[@]}" -c "SELECT count(*) FROM ${p}_o")
[ "$n" = 501 ] || fail "late row: $n rows written, expected 501"
grep -Eq "lookup 'd': 501 rows in, 501 rows out, .*, [1-9][0-9]* retries" "$T/err" ||
    fail "late row: summary counts the retries"

# --- 2. retries exhausted: 2 keys x 3 attempts.
"${PSQL[@]}" -c "TRUNCATE ${p}_o; DELETE FROM ${p}_d WHERE k IN (7777, 50)"
job "$retry, 'fixed-delay' = '10ms', 'max-attempts' = '3'" LEFT "${p}_d"
run_hf "$T/out" "$T/err" run "$T/job.sql"
expect_rc 0 "exhausted"
[ "$RC" -eq 0 ] || tail -5 "$T/err" >&2
# Each input batch asks its missing keys again 3 times: the retries are
# the keys of the logged attempts, and every first attempt has a third.
asked=$(sed -nE 's/.* ([0-9]+) key\(s\) without a row; asking again in 10 ms \(attempt [1-3] of 3.*/\1/p' "$T/err" |
    awk '{ s += $1 } END { print s + 0 }')
firsts=$(grep -c "asking again in 10 ms (attempt 1 of 3" "$T/err" || true)
thirds=$(grep -c "asking again in 10 ms (attempt 3 of 3" "$T/err" || true)
[ "$firsts" -ge 1 ] && [ "$firsts" = "$thirds" ] ||
    fail "exhausted: $firsts first attempts, $thirds third attempts"
grep -q "attempt 4 of 3" "$T/err" && fail "exhausted: a fourth attempt"
[ "$asked" -ge 6 ] || fail "exhausted: only $asked keys asked again"
expect_grep "lookup 'd': 501 rows in, 501 rows out, " "$T/err" "exhausted: summary"
expect_grep ", $asked retries" "$T/err" "exhausted: the summary counts $asked retries"
d=$("${PSQL[@]}" -c "SELECT count(*) FROM ((SELECT * FROM ${p}_o EXCEPT ALL
    SELECT s.id, s.k, d.name FROM ${p}_s s LEFT JOIN ${p}_d d ON s.k = d.k) UNION ALL
    (SELECT s.id, s.k, d.name FROM ${p}_s s LEFT JOIN ${p}_d d ON s.k = d.k EXCEPT ALL
    SELECT * FROM ${p}_o)) x")
[ "$d" = 0 ] || fail "exhausted: $d rows differ from PostgreSQL's LEFT JOIN"

# --- 3. timeout: the lookup waits on a lock another session holds.
"${PSQL[@]}" <<SQL
SET client_min_messages = warning;
CREATE TABLE ${p}_l (k int PRIMARY KEY, name text);
INSERT INTO ${p}_l SELECT i, 'n' || i FROM generate_series(1, 50) i;
CREATE ROLE $role LOGIN;
GRANT SELECT ON ${p}_l TO $role;
ALTER TABLE ${p}_l ENABLE ROW LEVEL SECURITY;
CREATE POLICY waits ON ${p}_l FOR SELECT
  USING ((SELECT pg_advisory_lock_shared($lock)::text) IS NOT NULL);
SQL
psql -X -q -c "SELECT pg_advisory_lock($lock); SELECT pg_sleep(300)" >/dev/null 2>&1 &
holder=$!
for _ in $(seq 600); do
    [ "$("${PSQL[@]}" -c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
        AND objid = $lock AND mode = 'ExclusiveLock' AND granted")" = 1 ] && break
    sleep 0.1
done
job "'timeout' = '1s'" "" "${p}_l" "'connector' = 'jdbc', 'url' = '$url', 'username' = '$role', 'password' = 'x'"
run_hf "$T/out" "$T/err" run "$T/job.sql"
kill $holder 2>/dev/null || true
"${PSQL[@]}" -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
    WHERE query LIKE '%pg_sleep(300)%' AND pid <> pg_backend_pid()" >/dev/null
wait $holder 2>/dev/null || true
[ "$RC" -ne 0 ] || fail "timeout: the job did not fail"
grep -Eq "lookup table 'd': a request for (50|51) key\(s\) got no answer within 1000 ms \(the LOOKUP hint's 'timeout'" "$T/err" ||
    { fail "timeout: the error names the table and the keys"; tail -3 "$T/err" >&2; }

# --- 4. sink retries counted.
"${PSQL[@]}" -c "TRUNCATE ${p}_o"
export HF_FAILPOINTS=holo.insert.break-after-send=1
job "'async' = 'false'" LEFT "${p}_d"
run_hf "$T/out" "$T/err" run "$T/job.sql"
unset HF_FAILPOINTS
expect_rc 0 "sink retry"
[ "$RC" -eq 0 ] || tail -5 "$T/err" >&2
grep -Eq "sink 'o': 501 rows received, 501 rows written, 0 dirty rows, [1-9][0-9]* retries" "$T/err" ||
    fail "sink retry: the summary counts it"
n=$("${PSQL[@]}" -c "SELECT count(*) FROM ${p}_o")
[ "$n" = 501 ] || fail "sink retry: $n rows written, expected 501"

"${PSQL[@]}" -c "DROP TABLE ${p}_s, ${p}_d, ${p}_o, ${p}_l; DROP ROLE $role"
finish
