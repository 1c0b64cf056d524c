#!/usr/bin/env bash
# Concurrent bulk loads of one LIST-partitioned parent over several
# connections (holoflow sync --shard, or two jobs at once) must all finish
# with every row (docs/sync.md, "Concurrent loads"). The deadlock this
# guards against goes through a client, so PostgreSQL cannot detect it:
# load A's final transaction waits for ACCESS EXCLUSIVE on the parent while
# load B's first connection, idle in its transaction, holds a weaker lock
# on it; B's second connection, in CREATE TABLE ... (LIKE parent), queues
# behind A's request, and B commits only after that statement is done.
#  1. the interleaving, reproduced exactly with psql sessions playing B
#     (one idle in a transaction that created a table LIKE the parent, one
#     creating the next such table once A's request is queued, the first
#     committing only after the second is done): A and B both finish,
#     A's rows are all there; each step has its own timeout, so a
#     regression fails instead of hanging;
#  1b. a load stopped (SIGINT) while it waits for the lock: exit 130, the
#     table unchanged, no staging table left;
#  2. two real loads of the same parent at once (2 connections each):
#     both succeed, every row of both is there, no staging table is left;
#  3. a stage left by a killed run of ANOTHER parent is dropped by the next
#     load (its run's lock is free); one of a live run stays.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
export PGOPTIONS="-c client_min_messages=warning"
p=hf_cl_$$
URL="jdbc:postgresql://127.0.0.1:$PGPORT/$PGDATABASE"

same_rows() { # QUERY_A QUERY_B WHAT
    local n
    n=$("${PSQL[@]}" -c "SELECT count(*) FROM ((($1) EXCEPT ALL ($2)) UNION ALL (($2) EXCEPT ALL ($1))) d")
    [ "$n" = 0 ] || fail "$3: $n row(s) differ"
}
stages() { "${PSQL[@]}" -c "SELECT count(*) FROM pg_class WHERE relname LIKE 'hf\\_stage\\_%'"; }

for d in 20261201 20261202 20261203 20261204; do
    mkdir -p "$T/tree/sale_date=$d"
    awk -v d=$d 'BEGIN { for (i = 1; i <= 300; i++) printf "shop%d,c%s_%d,%d\n", i % 7, d, i, i * 3 }' \
        >"$T/tree/sale_date=$d/part-0.csv"
    awk -v d=$d '{ print $0 "," d }' "$T/tree/sale_date=$d/part-0.csv" >>"$T/ref.csv"
done
"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_ref (shop_name text, customer_id text, total_price int8, sale_date text);
\copy ${p}_ref FROM '$T/ref.csv' csv
SQL
REF="SELECT shop_name, customer_id, total_price, sale_date FROM ${p}_ref"
Q() { echo "SELECT shop_name, customer_id, total_price, sale_date FROM $1"; }
mkparent() {
    "${PSQL[@]}" -c "DROP TABLE IF EXISTS $1; CREATE TABLE $1 (shop_name text, customer_id text, total_price int8, sale_date text) PARTITION BY LIST (sale_date)"
}
job() { # TABLE CHANNELS
    cat <<JSON
{"job": {"setting": {"speed": {"channel": $2}, "errorLimit": {"record": 0}},
  "content": [{
    "reader": {"name": "txtfilereader", "parameter": {"path": ["$T/tree/*/*.csv"], "fieldDelimiter": ",",
      "column": [{"index": 0, "type": "string"}, {"index": 1, "type": "string"}, {"index": 2, "type": "long"},
                 {"type": "partition", "name": "sale_date"}]}},
    "writer": {"name": "postgresqlwriter", "parameter": {"username": "$PGUSER", "password": "",
      "column": ["shop_name", "customer_id", "total_price", "sale_date"],
      "connection": [{"jdbcUrl": "$URL", "table": ["$1"]}]}}}]}}
JSON
}

# ---- 1. the interleaving, with psql playing load B
mkparent ${p}_a
job ${p}_a 2 >"$T/a.json"
mkfifo "$T/b1.in"
# B's first connection: a table LIKE the parent in an open transaction
# (AccessShareLock on the parent), then idle until told to commit.
timeout 90 "${PSQL[@]}" -v ON_ERROR_STOP=1 <"$T/b1.in" >"$T/b1.out" 2>&1 &
b1=$!
exec 7>"$T/b1.in"
echo "BEGIN; CREATE TABLE ${p}_b1 (LIKE ${p}_a); SELECT 'b1 holds';" >&7
for _ in $(seq 1 300); do
    grep -q "b1 holds" "$T/b1.out" 2>/dev/null && break
    sleep 0.1
done
grep -q "b1 holds" "$T/b1.out" || fail "B's first session did not start"
# Load A: its final transaction asks for ACCESS EXCLUSIVE on the parent.
timeout 60 "$HOLOFLOW" sync "$T/a.json" --log-level info >"$T/a.out" 2>"$T/a.err" &
a=$!
queued=0
for _ in $(seq 1 600); do
    if [ "$("${PSQL[@]}" -c "SELECT count(*) FROM pg_locks WHERE relation = '${p}_a'::regclass AND mode = 'AccessExclusiveLock' AND NOT granted")" = 1 ]; then
        queued=1
        break
    fi
    kill -0 $a 2>/dev/null || break
    sleep 0.05
done
[ "$queued" = 1 ] || fail "load A's lock request was never seen queued"
# B's second connection: a new table LIKE the parent (it queues behind A's
# request while that waits); B commits only once this is done.
set +e
timeout 30 "${PSQL[@]}" -c "CREATE TABLE ${p}_b2 (LIKE ${p}_a)" >"$T/b2.out" 2>&1
b2rc=$?
set -e
[ "$b2rc" = 0 ] || fail "B's second session: exit $b2rc (124: stuck behind load A's lock request, the client deadlock): $(cat "$T/b2.out")"
echo "COMMIT; SELECT 'b1 done';" >&7
exec 7>&-
set +e
wait $b1
b1rc=$?
wait $a
RC=$?
set -e
[ "$b1rc" = 0 ] || fail "B's first session: exit $b1rc: $(cat "$T/b1.out")"
expect_rc 0 "load A next to load B (124: timed out)"
[ "$RC" = 0 ] || cat "$T/a.err" >&2
expect_grep "over 2 connections committed" "$T/a.err" "load A over 2 connections"
expect_grep "the table is locked by another session" "$T/a.err" "load A waited for the lock"
same_rows "$(Q ${p}_a)" "$REF" "load A next to load B"
[ "$("${PSQL[@]}" -c "SELECT count(*) FROM pg_class WHERE relname IN ('${p}_b1', '${p}_b2')")" = 2 ] ||
    fail "load B's tables are missing"
[ "$(stages)" = 0 ] || fail "interleaving: staging tables left"

# ---- 1b. stopped (SIGINT) while its final transaction waits for the lock:
# exit 130, the table unchanged, its staging tables dropped
mkparent ${p}_s
job ${p}_s 2 >"$T/s.json"
timeout 60 psql -X -q -c "BEGIN" -c "LOCK ${p}_s IN ACCESS SHARE MODE" -c "SELECT pg_sleep(50)" >/dev/null 2>&1 &
lk=$!
for _ in $(seq 1 100); do
    [ "$("${PSQL[@]}" -c "SELECT count(*) FROM pg_locks WHERE relation = '${p}_s'::regclass AND granted")" = 1 ] && break
    sleep 0.1
done
# (no `timeout` around it: timeout would pass the SIGINT on to holoflow's
# process group as well, and a second signal makes holoflow exit at once;
# the lock holder above ends within 60 s, which bounds this load)
"$HOLOFLOW" sync "$T/s.json" --log-level info >"$T/s.out" 2>"$T/s.err" &
sp=$!
for _ in $(seq 1 600); do
    grep -q "the table is locked by another session" "$T/s.err" && break
    kill -0 $sp 2>/dev/null || break
    sleep 0.1
done
kill -INT $sp 2>/dev/null || true
set +e
wait $sp
RC=$?
set -e
kill $lk 2>/dev/null || true
wait $lk 2>/dev/null || true
expect_rc 130 "stopped while waiting for the lock"
[ "$("${PSQL[@]}" -c "SELECT count(*) FROM ${p}_s")" = 0 ] || fail "stopped while waiting: rows visible"
[ "$(stages)" = 0 ] || { fail "stopped while waiting: staging tables left"; grep -v "^  " "$T/s.err" >&2; }

# ---- 2. two real loads of one parent at once
mkparent ${p}_c
job ${p}_c 2 >"$T/c.json"
timeout 90 "$HOLOFLOW" sync "$T/c.json" --log-level info >"$T/c1.out" 2>"$T/c1.err" &
c1=$!
timeout 90 "$HOLOFLOW" sync "$T/c.json" --log-level info >"$T/c2.out" 2>"$T/c2.err" &
c2=$!
set +e
wait $c1
rc1=$?
wait $c2
rc2=$?
set -e
[ "$rc1" = 0 ] || { fail "concurrent load 1: exit $rc1"; cat "$T/c1.err" >&2; }
[ "$rc2" = 0 ] || { fail "concurrent load 2: exit $rc2"; cat "$T/c2.err" >&2; }
same_rows "$(Q ${p}_c)" "$REF UNION ALL $REF" "two concurrent loads"
[ "$(stages)" = 0 ] || fail "two concurrent loads: staging tables left"

# ---- 3. stages of other parents: a dead run's go, a live run's stay
oid=$("${PSQL[@]}" -c "SELECT '${p}_ref'::regclass::oid")
"${PSQL[@]}" -c "CREATE TABLE hf_stage_${oid}_7654331_abc_1 (n int); CREATE TABLE hf_stage_${oid}_7654332_abc_1 (n int)"
psql -X -q -At -c "SELECT pg_advisory_lock(hashtext('holoflow.bulk-load-stage'), 7654331)" -c "SELECT pg_sleep(120)" >/dev/null 2>&1 &
lockpid=$!
for _ in $(seq 1 100); do
    [ "$("${PSQL[@]}" -c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 7654331 AND granted")" = 1 ] && break
    sleep 0.1
done
mkparent ${p}_d
job ${p}_d 2 >"$T/d.json"
run_hf "$T/o" "$T/d.err" sync "$T/d.json" --log-level info
kill $lockpid 2>/dev/null || true
wait $lockpid 2>/dev/null || true
expect_rc 0 "load next to another parent's stages"
same_rows "$(Q ${p}_d)" "$REF" "load next to another parent's stages"
left=$("${PSQL[@]}" -c "SELECT string_agg(relname, ' ' ORDER BY relname) FROM pg_class WHERE relname LIKE 'hf\\_stage\\_${oid}\\_%'")
[ "$left" = "hf_stage_${oid}_7654331_abc_1" ] || fail "another parent's stages: left '$left'"
"${PSQL[@]}" -c "DROP TABLE IF EXISTS hf_stage_${oid}_7654331_abc_1, hf_stage_${oid}_7654332_abc_1"

"${PSQL[@]}" -c "DROP TABLE ${p}_a, ${p}_b1, ${p}_b2, ${p}_s, ${p}_c, ${p}_d, ${p}_ref"
finish
