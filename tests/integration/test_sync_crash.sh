#!/usr/bin/env bash
# holoflow sync killed and resumed: every scenario starts a sync, kills it
# with kill -9 (once with SIGINT) after a random delay, several times,
# then runs it with --resume until it succeeds, and checks with psql that
# the table is exactly the expected data (EXCEPT ALL both ways: no row
# missing, extra or different). After every kill the table (its rows, in
# which child, and its list of children) must be either what it was before
# the sync or the final result: nothing in between is ever visible
# (docs/sync.md, "Failures, dirty data, resume").
#  a. a two-level key=value CSV tree (reader path and writer partition
#     from ${bizdate}) into a LIST-partitioned keyed parent over 4 load
#     connections, writeMode REPLACE and IGNORE, an existing child with
#     rows and a missing child;
#  b. postgresqlreader with splitPk (4 reader connections) into a plain
#     table without a key (postgresqlwriter: a rerun of a committed load
#     would duplicate every row), killed also right after the commit;
#  c. truncate of a partition holding rows, over one and over 4 load
#     connections: killed and stopped runs leave the previous rows, a
#     FAILED run (bad row) too, the resumed run leaves only the new rows;
#  d. errorLimit.record exceeded in a bulk load, plain and partitioned
#     target: exit 1, table and children unchanged; errorLimit.percentage
#     exceeded (checked after the commit): rows in, and --resume fails
#     again without loading them twice;
#  e. --shard 0/2 and 1/2, each killed and resumed on its own;
#  truncate of a whole plain table: the load holds the table's ACCESS
#  EXCLUSIVE lock mid-run, killed there the table is as before.
# No staging table is left at the end of any scenario. The kill delays
# come from $RANDOM seeded with HF_CRASH_SEED (printed; default the pid).
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
export PGOPTIONS="-c client_min_messages=warning"
p=hf_scrash_$$
URL="jdbc:postgresql://127.0.0.1:$PGPORT/$PGDATABASE"
# holoflow writes no temporary file: none may be left behind
export TMPDIR=$T/tmp
mkdir "$TMPDIR"
SEED=${HF_CRASH_SEED:-$$}
RANDOM=$SEED
echo "$TEST_NAME: seed $SEED (HF_CRASH_SEED=$SEED repeats the kill delays)"

same_rows() { # QUERY_A QUERY_B WHAT
    local n
    n=$("${PSQL[@]}" -c "SELECT count(*) FROM ((($1) EXCEPT ALL ($2)) UNION ALL (($2) EXCEPT ALL ($1))) d")
    [ "$n" = 0 ] || fail "$3: $n row(s) differ"
}
stages() { "${PSQL[@]}" -c "SELECT count(*) FROM pg_class WHERE relname LIKE 'hf\\_stage\\_%'"; }
no_stages() { [ "$(stages)" = 0 ] || fail "$1: staging tables left: $("${PSQL[@]}" -c "SELECT string_agg(relname, ' ') FROM pg_class WHERE relname LIKE 'hf\\_stage\\_%'")"; }
# fp TABLE: a fingerprint of what a reader sees: every row with the
# partition it is in, and the children of a partitioned table
fp() {
    "${PSQL[@]}" -c "SELECT coalesce(md5(string_agg(x, E'\\n' ORDER BY x)), 'empty') FROM (
        SELECT tableoid::regclass::text || ' ' || row(t.*)::text AS x FROM $1 t
        UNION ALL SELECT 'child ' || inhrelid::regclass::text FROM pg_inherits WHERE inhparent = '$1'::regclass) s"
}

# crash_runs WHAT TABLE TIMES MAXMS SYNC_ARGS...: start the sync TIMES
# times (the first without --resume, the others with it, as a scheduler
# retries), each killed with kill -9 after 20..MAXMS+20 ms; the table's
# fingerprint after each goes to $T/obs. Sets KILLED (runs killed while
# they ran).
crash_runs() {
    local what=$1 tbl=$2 times=$3 maxms=$4 k ms pid rc resume=
    shift 4
    KILLED=0
    : >"$T/obs"
    for ((k = 1; k <= times; k++)); do
        ms=$((RANDOM % maxms + 20))
        "$HOLOFLOW" sync "$@" $resume >/dev/null 2>"$T/crash.err" &
        pid=$!
        sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
        kill -9 $pid 2>/dev/null || true
        rc=0
        wait $pid 2>/dev/null || rc=$?
        if [ "$rc" = 137 ]; then
            KILLED=$((KILLED + 1))
        elif [ "$rc" != 0 ]; then
            fail "$what: run $k ended with exit $rc before the kill"
            cat "$T/crash.err" >&2
        fi
        echo "$(fp "$tbl") run $k killed after $ms ms (exit $rc)" >>"$T/obs"
        resume=--resume
        echo "  $what run $k: exit $rc after $ms ms" >&2
    done
}
# every fingerprint seen after a kill is the one before (OLD) or the
# final one
check_obs() { # WHAT OLD_FP TABLE
    local fin line
    fin=$(fp "$3")
    while read -r line; do
        case "${line%% *}" in
            "$2" | "$fin") ;;
            *) fail "$1: after ${line#* }, the table was neither as before nor as at the end" ;;
        esac
    done <"$T/obs"
}
resume_ok() { # WHAT SYNC_ARGS...
    local what=$1
    shift
    run_hf "$T/o" "$T/resume.err" sync "$@" --resume --log-level info
    expect_rc 0 "$what: --resume"
    [ "$RC" = 0 ] || cat "$T/resume.err" >&2
}

# ---- data: 2 dates x 4 sale_time directories, 1000 rows a file
for d in 20261202 20261203; do
    for t in 10 11 12 13; do
        mkdir -p "$T/tree/sale_date=$d/sale_time=$t"
        awk -v d=$d -v t=$t 'BEGIN { for (i = 1; i <= 1000; i++) printf "shop%d,c%s_%s_%d,%d\n", i % 9, d, t, i, i * 3 + t }' \
            >"$T/tree/sale_date=$d/sale_time=$t/part-0.csv"
        awk -v d=$d -v t=$t '{ print $0 "," d "," t }' "$T/tree/sale_date=$d/sale_time=$t/part-0.csv" >>"$T/ref.csv"
    done
done
"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_ref (shop_name text, customer_id text, total_price int8, sale_date text, sale_time text);
\copy ${p}_ref FROM '$T/ref.csv' csv
SQL
COLS="shop_name, customer_id, total_price, sale_date, sale_time"
REF="SELECT $COLS FROM ${p}_ref"

# filejob TABLE WRITER_EXTRA [TREE] [SETTING_EXTRA]: the tree's
# sale_date=${bizdate} directory into TABLE's partition ${bizdate}, 4
# channels of at most 750 records/s each: the job's bucket (3000
# records/s, empty at the start) makes a run of a date's 4000 rows last at
# least 1.33 s, longer than crash_runs' longest kill delay, so its first
# run is always killed while it runs however fast the machine
filejob() {
    cat <<JSON
{"job": {"setting": {"speed": {"record": 3000}, "errorLimit": {"record": 0}${4:-}},
  "content": [{
    "reader": {"name": "txtfilereader", "parameter": {"path": ["${3:-$T/tree}/sale_date=\${bizdate}/*/*.csv"], "fieldDelimiter": ",",
      "column": [{"index": 0, "type": "string"}, {"index": 1, "type": "string"}, {"index": 2, "type": "long"},
                 {"type": "partition", "name": "sale_time"}]}},
    "writer": {"name": "hologresjdbcwriter", "parameter": {"username": "$PGUSER", "password": "",
      "column": ["shop_name", "customer_id", "total_price", "sale_time"], "partition": "sale_date=\${bizdate}",
      "connection": [{"jdbcUrl": "$URL", "table": ["$1"]}]$2}}}]},
 "core": {"transport": {"channel": {"speed": {"record": 750}}}}}
JSON
}

# ---- a. partitioned tree -> LIST-partitioned keyed parent, REPLACE / IGNORE
echo "$TEST_NAME: a at ${SECONDS}s"
for mode in replace ignore; do
    t=${p}_a_$mode
    "${PSQL[@]}" <<SQL
CREATE TABLE $t (shop_name text, customer_id text, total_price int8, sale_date text, sale_time text,
                 PRIMARY KEY (customer_id, sale_date)) PARTITION BY LIST (sale_date);
CREATE TABLE ${t}_20261201 PARTITION OF $t FOR VALUES IN ('20261201');
CREATE TABLE ${t}_20261202 PARTITION OF $t FOR VALUES IN ('20261202');
INSERT INTO $t VALUES ('old', 'c20261202_10_5', -1, '20261202', '10'), ('old', 'keep', 7, '20261202', '10'),
                      ('old', 'x', 1, '20261201', '09');
SQL
    filejob "$t" ", \"writeMode\": \"${mode^^}\"" >"$T/a.json"
    # IGNORE: the existing child only (its conflicting row kept)
    bds="20261202 20261203"
    [ $mode = replace ] || bds=20261202
    kills=3
    [ $mode = replace ] || kills=2
    for bd in $bds; do
        old=$(fp "$t")
        crash_runs "a $mode $bd" "$t" $kills 1000 "$T/a.json" -p "bizdate=$bd"
        # and once between the stage commits and the final transaction
        HF_FAILPOINTS=holo.copy.par-crash-before-final run_hf "$T/o" "$T/c.err" sync "$T/a.json" -p "bizdate=$bd" --resume
        echo "$(fp "$t") killed by holo.copy.par-crash-before-final (exit $RC)" >>"$T/obs"
        resume_ok "a $mode $bd" "$T/a.json" -p "bizdate=$bd"
        check_obs "a $mode $bd" "$old" "$t"
        no_stages "a $mode $bd"
        [ "$KILLED" -gt 0 ] || fail "a $mode $bd: no run was killed while it ran (the test lost its point)"
        kills=2
    done
    if [ $mode = replace ]; then
        want="$REF UNION ALL SELECT 'old', 'keep', 7, '20261202', '10' UNION ALL SELECT 'old', 'x', 1, '20261201', '09'"
    else
        want="$REF WHERE sale_date = '20261202' AND customer_id <> 'c20261202_10_5' UNION ALL SELECT 'old', 'c20261202_10_5', -1, '20261202', '10'
              UNION ALL SELECT 'old', 'keep', 7, '20261202', '10' UNION ALL SELECT 'old', 'x', 1, '20261201', '09'"
    fi
    same_rows "SELECT $COLS FROM $t" "$want" "a $mode: final table"
    same_rows "SELECT tableoid::regclass::text, sale_date FROM $t" \
        "SELECT '${t}_' || sale_date, sale_date FROM ($want) w" "a $mode: every row in its own child"
    kids="${t}_20261201 ${t}_20261202"
    [ $mode = ignore ] || kids="$kids ${t}_20261203"
    [ "$("${PSQL[@]}" -c "SELECT string_agg(inhrelid::regclass::text, ' ' ORDER BY 1) FROM pg_inherits WHERE inhparent = '$t'::regclass")" = "$kids" ] ||
        fail "a $mode: children"
done

# ---- b. postgresqlreader splitPk -> plain table without a key
echo "$TEST_NAME: b at ${SECONDS}s"
"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_bsrc (id int8 PRIMARY KEY, name text, amount numeric(12,2), d date);
INSERT INTO ${p}_bsrc SELECT i, 'n' || i, i * 1.25, date '2026-01-01' + (i % 300) FROM generate_series(1, 12000) i;
CREATE TABLE ${p}_b (id int8, name text, amount numeric(12,2), d date);
INSERT INTO ${p}_b VALUES (-1, 'before', 0, date '2026-12-01');
SQL
cat >"$T/b.json" <<JSON
{"job": {"setting": {"speed": {"channel": 4, "record": 8000}, "errorLimit": {"record": 0}},
  "content": [{
    "reader": {"name": "postgresqlreader", "parameter": {"username": "$PGUSER", "password": "",
      "column": ["id", "name", "amount", "d"], "splitPk": "id",
      "connection": [{"jdbcUrl": ["$URL"], "table": ["${p}_bsrc"]}]}},
    "writer": {"name": "postgresqlwriter", "parameter": {"username": "$PGUSER", "password": "",
      "column": ["id", "name", "amount", "d"], "connection": [{"jdbcUrl": "$URL", "table": ["${p}_b"]}]}}}]},
 "core": {"transport": {"channel": {"speed": {"record": 2000}}}}}
JSON
old=$(fp ${p}_b)
crash_runs "b" ${p}_b 3 1000 "$T/b.json"
resume_ok "b" "$T/b.json"
check_obs "b" "$old" ${p}_b
[ "$KILLED" -gt 0 ] || fail "b: no run was killed while it ran"
BWANT="SELECT id, name, amount, d FROM ${p}_bsrc UNION ALL SELECT -1, 'before', 0, date '2026-12-01'"
same_rows "SELECT * FROM ${p}_b" "$BWANT" "b: final table"
# killed right after the load committed (before the report): --resume
# knows the load is in (its completion record committed with the rows)
# and writes nothing again
"${PSQL[@]}" -c "DELETE FROM ${p}_b WHERE id > 0"
HF_FAILPOINTS=sync.crash-after-load run_hf "$T/o" "$T/b1.err" sync "$T/b.json"
[ "$RC" = 137 ] || fail "b: sync.crash-after-load: exit $RC, expected 137"
same_rows "SELECT * FROM ${p}_b" "$BWANT" "b: killed after the commit: the rows are in"
resume_ok "b after the commit" "$T/b.json"
expect_grep "already loaded" "$T/resume.err" "b: --resume after the commit says the load is in"
same_rows "SELECT * FROM ${p}_b" "$BWANT" "b: --resume after a committed load: no duplicate"
# a run without --resume is a new load (the job run again on purpose)
run_hf "$T/o" "$T/b2.err" sync "$T/b.json"
expect_rc 0 "b: run again without --resume"
[ "$("${PSQL[@]}" -c "SELECT count(*) FROM ${p}_b")" = 24001 ] || fail "b: a new run without --resume loads again"

# ---- c. truncate a partition holding rows
echo "$TEST_NAME: c at ${SECONDS}s"
for conns in 1 4; do
    t=${p}_c$conns
    "${PSQL[@]}" <<SQL
CREATE TABLE $t (shop_name text, customer_id text, total_price int8, sale_date text, sale_time text) PARTITION BY LIST (sale_date);
CREATE TABLE ${t}_20261201 PARTITION OF $t FOR VALUES IN ('20261201');
CREATE TABLE ${t}_20261202 PARTITION OF $t FOR VALUES IN ('20261202');
INSERT INTO $t SELECT 'old', 'o' || i, i, '20261202', '09' FROM generate_series(1, 50) i;
INSERT INTO $t VALUES ('other', 'x', 1, '20261201', '09');
SQL
    OLDROWS="SELECT 'old', 'o' || i, i::int8, '20261202', '09' FROM generate_series(1, 50) i UNION ALL SELECT 'other', 'x', 1, '20261201', '09'"
    filejob "$t" ", \"truncate\": true, \"maxConnectionCount\": $conns" >"$T/c.json"
    old=$(fp "$t")
    # a FAILED run (a bad row, errorLimit 0) leaves the previous rows
    cp -r "$T/tree" "$T/bad$conns"
    echo "shopX,cX,notanumber" >>"$T/bad$conns/sale_date=20261202/sale_time=13/part-0.csv"
    filejob "$t" ", \"truncate\": true, \"maxConnectionCount\": $conns" "$T/bad$conns" >"$T/cbad.json"
    run_hf "$T/o" "$T/cbad.err" sync "$T/cbad.json" -p bizdate=20261202
    expect_rc 1 "c$conns: failed run"
    [ "$(fp "$t")" = "$old" ] || fail "c$conns: a failed run changed the table"
    # mid-run, before the commit, a reader sees the previous rows
    "$HOLOFLOW" sync "$T/c.json" -p bizdate=20261202 >/dev/null 2>"$T/cmid.err" &
    pid=$!
    sleep 0.5
    mid=$(fp "$t")
    kill -9 $pid 2>/dev/null || true
    rc=0
    wait $pid 2>/dev/null || rc=$?
    [ "$rc" != 137 ] || [ "$mid" = "$old" ] || fail "c$conns: mid-run, a reader did not see the previous rows"
    # SIGINT: stopped, exit 130, the previous rows
    "$HOLOFLOW" sync "$T/c.json" -p bizdate=20261202 >/dev/null 2>"$T/cint.err" &
    pid=$!
    sleep "0.$((RANDOM % 500 + 300))"
    kill -INT $pid 2>/dev/null || true
    rc=0
    wait $pid || rc=$?
    if [ "$rc" = 130 ]; then
        [ "$(fp "$t")" = "$old" ] || fail "c$conns: a stopped run changed the table"
    elif [ "$rc" != 0 ]; then
        fail "c$conns: SIGINT: exit $rc"
        cat "$T/cint.err" >&2
    fi
    crash_runs "c$conns" "$t" 2 1000 "$T/c.json" -p bizdate=20261202
    resume_ok "c$conns" "$T/c.json" -p bizdate=20261202
    check_obs "c$conns" "$old" "$t"
    same_rows "SELECT $COLS FROM $t" "$REF WHERE sale_date = '20261202' UNION ALL SELECT 'other', 'x', 1, '20261201', '09'" "c$conns: final table"
    no_stages "c$conns"
    # a failed run after the new load leaves the new load
    if [ $conns = 4 ]; then
        new=$(fp "$t")
        run_hf "$T/o" "$T/cbad.err" sync "$T/cbad.json" -p bizdate=20261202
        expect_rc 1 "c$conns: failed run after the load"
        [ "$(fp "$t")" = "$new" ] || fail "c$conns: a failed run changed the loaded table"
    fi
done

# ---- d. errorLimit.record exceeded in a bulk load: nothing changes
echo "$TEST_NAME: d at ${SECONDS}s"
cp -r "$T/tree" "$T/dirty"
for t in 10 12 13; do
    echo "shopD,cD$t,notanumber" >>"$T/dirty/sale_date=20261203/sale_time=$t/part-0.csv"
done
"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_dp (shop_name text, customer_id text, total_price int8, sale_date text, sale_time text) PARTITION BY LIST (sale_date);
CREATE TABLE ${p}_dp_20261202 PARTITION OF ${p}_dp FOR VALUES IN ('20261202');
INSERT INTO ${p}_dp VALUES ('old', 'o1', 1, '20261202', '09');
SQL
filejob ${p}_dp "" "$T/dirty" ', "errorLimit": {"record": 2}' | sed 's/"errorLimit": {"record": 0}, //' >"$T/d.json"
old=$(fp ${p}_dp)
run_hf "$T/o" "$T/d.err" sync "$T/d.json" -p bizdate=20261203
expect_rc 1 "d: errorLimit exceeded, partitioned"
expect_grep "the job allows 2" "$T/d.err" "d: the limit named"
[ "$(fp ${p}_dp)" = "$old" ] || fail "d: errorLimit exceeded changed the partitioned table (or its children)"
# a plain table (one transaction), errorLimit 1 and 3 bad rows
"${PSQL[@]}" -c "CREATE TABLE ${p}_dn (shop_name text, customer_id text, total_price int8, sale_date text, sale_time text); INSERT INTO ${p}_dn VALUES ('old', 'o1', 1, '20261202', '09')"
filejob ${p}_dn "" "$T/dirty" ', "errorLimit": {"record": 1}' | sed 's/"errorLimit": {"record": 0}, //' >"$T/dn.json"
old=$(fp ${p}_dn)
run_hf "$T/o" "$T/dn.err" sync "$T/dn.json" -p bizdate=20261203
expect_rc 1 "d: errorLimit exceeded, plain table"
[ "$(fp ${p}_dn)" = "$old" ] || fail "d: errorLimit exceeded changed the plain table"
# errorLimit.percentage is checked after the commit (as in DataX): the
# rows are in, exit 1; --resume loads nothing again and fails again
filejob ${p}_dn "" "$T/dirty" ', "errorLimit": {"percentage": 0.0001}' | sed 's/"errorLimit": {"record": 0}, //' >"$T/dpct.json"
run_hf "$T/o" "$T/dpct.err" sync "$T/dpct.json" -p bizdate=20261203
expect_rc 1 "d: over errorLimit.percentage"
DNWANT="$REF WHERE sale_date = '20261203' UNION ALL SELECT 'old', 'o1', 1, '20261202', '09'"
same_rows "SELECT $COLS FROM ${p}_dn" "$DNWANT" "d: over the percentage, the rows are committed"
run_hf "$T/o" "$T/dpct2.err" sync "$T/dpct.json" -p bizdate=20261203 --resume
expect_rc 1 "d: --resume after the percentage failure"
expect_grep "already loaded, over errorLimit.percentage" "$T/dpct2.err" "d: --resume names the percentage"
same_rows "SELECT $COLS FROM ${p}_dn" "$DNWANT" "d: --resume after the percentage: nothing loaded again"
no_stages "d"

# ---- e. --shard 0/2 and 1/2, killed and resumed each on its own
echo "$TEST_NAME: e at ${SECONDS}s"
"${PSQL[@]}" -c "CREATE TABLE ${p}_e (shop_name text, customer_id text, total_price int8, sale_date text, sale_time text)"
ejob() { # TABLE [WRITER_EXTRA]
    cat <<JSON
{"job": {"setting": {"speed": {"record": 4000}, "errorLimit": {"record": 0}},
  "content": [{
    "reader": {"name": "txtfilereader", "parameter": {"path": ["$T/tree/*/*/*.csv"], "fieldDelimiter": ",",
      "column": [{"index": 0, "type": "string"}, {"index": 1, "type": "string"}, {"index": 2, "type": "long"},
                 {"type": "partition", "name": "sale_date"}, {"type": "partition", "name": "sale_time"}]}},
    "writer": {"name": "postgresqlwriter", "parameter": {"username": "$PGUSER", "password": "",
      "column": ["shop_name", "customer_id", "total_price", "sale_date", "sale_time"]${2:-},
      "connection": [{"jdbcUrl": "$URL", "table": ["$1"]}]}}}]},
 "core": {"transport": {"channel": {"speed": {"record": 2000}}}}}
JSON
}
ejob ${p}_e >"$T/e.json"
# shard 0 killed several times and resumed, shard 1 not started yet
old=$(fp ${p}_e)
crash_runs "e 0/2" ${p}_e 2 1000 "$T/e.json" --shard 0/2
[ "$KILLED" -gt 0 ] || fail "e: no run of shard 0 was killed while it ran"
resume_ok "e 0/2" "$T/e.json" --shard 0/2
check_obs "e 0/2" "$old" ${p}_e
same_rows "SELECT $COLS FROM ${p}_e" "$REF WHERE sale_time IN ('10', '12')" "e: shard 0 alone"
# shard 1 killed right after its commit, then resumed: no duplicate
HF_FAILPOINTS=sync.crash-after-load run_hf "$T/o" "$T/e1.err" sync "$T/e.json" --shard 1/2
[ "$RC" = 137 ] || fail "e: shard 1 sync.crash-after-load: exit $RC"
resume_ok "e 1/2" "$T/e.json" --shard 1/2
expect_grep "already loaded" "$T/resume.err" "e: shard 1 --resume after its commit"
same_rows "SELECT $COLS FROM ${p}_e" "$REF" "e: both shards"
# shard 0 resumed again: already loaded too
resume_ok "e 0/2 again" "$T/e.json" --shard 0/2
same_rows "SELECT $COLS FROM ${p}_e" "$REF" "e: shard 0 resumed once more"
no_stages "e"

# truncate of a whole plain table (one connection): a TRUNCATE inside the
# load's transaction, whose ACCESS EXCLUSIVE lock the load holds until it
# ends (readers wait rather than see an empty table); killed there, the
# table is as before; resumed, exactly the new rows
"${PSQL[@]}" -c "CREATE TABLE ${p}_ct (LIKE ${p}_e); INSERT INTO ${p}_ct VALUES ('old', 'o1', 1, '20261202', '09')"
# (batches of 100 rows: the first flush, which truncates, comes early)
ejob ${p}_ct ', "truncate": true, "batchSize": 100' >"$T/ct.json"
old=$(fp ${p}_ct)
"$HOLOFLOW" sync "$T/ct.json" --log-level info >/dev/null 2>"$T/ct.err" &
pid=$!
locked=0
for _ in $(seq 1 600); do
    if grep -q "truncated inside the load's transaction" "$T/ct.err"; then
        locked=$("${PSQL[@]}" -c "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.relation = '${p}_ct'::regclass AND l.mode = 'AccessExclusiveLock' AND l.granted AND a.application_name LIKE 'holoflow%'")
        break
    fi
    kill -0 $pid 2>/dev/null || break
    sleep 0.05
done
kill -9 $pid 2>/dev/null || true
rc=0
wait $pid 2>/dev/null || rc=$?
[ "$rc" = 137 ] || fail "ct: the load ended (exit $rc) before it was killed"
[ "$locked" = 1 ] || fail "ct: mid-run, the load did not hold the table's ACCESS EXCLUSIVE lock ($locked)"
[ "$(fp ${p}_ct)" = "$old" ] || fail "ct: killed after its TRUNCATE, the table changed"
resume_ok "ct" "$T/ct.json"
same_rows "SELECT $COLS FROM ${p}_ct" "$REF" "ct: truncate, resumed"

[ -z "$(ls -A "$TMPDIR")" ] || fail "temporary files left: $(ls -A "$TMPDIR")"
"${PSQL[@]}" -c "DROP TABLE ${p}_ct, ${p}_ref, ${p}_a_replace, ${p}_a_ignore, ${p}_bsrc, ${p}_b, ${p}_c1, ${p}_c4, ${p}_dp, ${p}_dn, ${p}_e"
finish
