#!/usr/bin/env bash
# holoflow sync loading a LIST-partitioned parent over several connections
# (sink.bulk-load.connections, from channels / maxConnectionCount) while
# staying all or nothing: each partition value's rows go into a staging
# table on one connection, and one final transaction attaches, swaps or
# copies them (docs/sync.md). Checked with psql against a reference table
# PostgreSQL loads itself from the same files:
#  - 2 and 4 connections into missing children (created by attaching);
#  - existing children with truncate (swapped), existing non-empty
#    children without truncate (rows appended), a child with a trigger of
#    its own (not swapped: copied, the trigger kept);
#  - keyed table with conflictMode replace over existing rows and a key
#    repeated inside the job;
#  - a failing sync (bad row, errorLimit 0; a failpoint in the final
#    transaction) leaves the table unchanged and no staging table;
#  - kill -9 mid-load and between the stages and the final transaction,
#    SIGINT mid-load, then a rerun: exact, no staging table left;
#  - holoflow run with a DATE partition column and a key: a child of two
#    values and a child with an index of its own are never swapped,
#    truncate-partition deletes only its value's rows;
#  - one connection (logged) where the result could differ: an INSERT row
#    trigger on the parent (fired for every row), an identity column,
#    errorLimit > 0 with an existing key (same as over one channel); a
#    view on a child under truncate: copied, not swapped, the view kept;
#  - cleanup leaves a live run's stage and a user table named like a
#    stage, drops a dead run's.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
export PGOPTIONS="-c client_min_messages=warning"
p=hf_pl_$$
URL="jdbc:postgresql://127.0.0.1:$PGPORT/$PGDATABASE"

same_rows() { # QUERY_A QUERY_B WHAT
    local n
    n=$("${PSQL[@]}" -c "SELECT count(*) FROM ((($1) EXCEPT ALL ($2)) UNION ALL (($2) EXCEPT ALL ($1))) d")
    [ "$n" = 0 ] || fail "$3: $n row(s) differ"
}
stages() { "${PSQL[@]}" -c "SELECT count(*) FROM pg_class WHERE relname LIKE 'hf\\_stage\\_%'"; }
no_stages() { [ "$(stages)" = 0 ] || fail "$1: staging tables left: $("${PSQL[@]}" -c "SELECT string_agg(relname, ' ') FROM pg_class WHERE relname LIKE 'hf\\_stage\\_%'")"; }
children() { "${PSQL[@]}" -c "SELECT count(*) FROM pg_inherits WHERE inhparent = '$1'::regclass"; }

# ---- data: 6 partitions x 2 sale_time directories
for d in 20261201 20261202 20261203 20261204 20261205 20261206; do
    for t in 10 11; do
        mkdir -p "$T/tree/sale_date=$d/sale_time=$t"
        awk -v d=$d -v t=$t 'BEGIN { for (i = 1; i <= 400; i++) printf "shop%d,c%s%s_%d,%d\n", i % 9, d, t, i, i * 3 + t }' \
            >"$T/tree/sale_date=$d/sale_time=$t/part-0.csv"
        awk -v d=$d -v t=$t '{ print $0 "," d "," t }' "$T/tree/sale_date=$d/sale_time=$t/part-0.csv" >>"$T/ref.csv"
    done
done
"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_ref (shop_name text, customer_id text, total_price int8, sale_date text, sale_time text);
\copy ${p}_ref FROM '$T/ref.csv' csv
SQL
REF="SELECT shop_name, customer_id, total_price, sale_date, sale_time FROM ${p}_ref"

mkparent() { # TABLE [extra DDL]
    "${PSQL[@]}" -c "DROP TABLE IF EXISTS $1; CREATE TABLE $1 (shop_name text, customer_id text, total_price int8 NOT NULL DEFAULT 0, sale_date text, sale_time text, CHECK (total_price >= 0)) PARTITION BY LIST (sale_date)"
}

job() { # TABLE CHANNELS TRUNCATE(true|false) [TREE] [WRITER EXTRA JSON]
    cat <<JSON
{"job": {"setting": {"speed": {"channel": $2}, "errorLimit": {"record": 0}},
  "content": [{
    "reader": {"name": "txtfilereader", "parameter": {"path": ["${4:-$T/tree}/*/*/*.csv"], "fieldDelimiter": ",",
      "column": [{"index": 0, "type": "string"}, {"index": 1, "type": "string"}, {"index": 2, "type": "long"},
                 {"type": "partition", "name": "sale_date"}, {"type": "partition", "name": "sale_time"}]}},
    "writer": {"name": "postgresqlwriter", "parameter": {"username": "$PGUSER", "password": "", "truncate": $3,
      "column": ["shop_name", "customer_id", "total_price", "sale_date", "sale_time"]${5:-},
      "connection": [{"jdbcUrl": "$URL", "table": ["$1"]}]}}}]}}
JSON
}
Q() { echo "SELECT shop_name, customer_id, total_price, sale_date, sale_time FROM $1"; }

# ---- 1. missing children, 2 and 4 connections
for n in 2 4; do
    mkparent ${p}_m$n
    job ${p}_m$n $n false >"$T/m$n.json"
    "$HOLOFLOW" sync --print-sql "$T/m$n.json" >"$T/m$n.sql" 2>"$T/m$n.perr" || { cat "$T/m$n.perr" >&2; fail "print-sql $n"; }
    expect_grep "'sink.bulk-load.connections' = '$n'" "$T/m$n.sql" "--print-sql, $n channels"
    run_hf "$T/o" "$T/m$n.err" sync "$T/m$n.json" --log-level info
    expect_rc 0 "missing children, $n connections"
    [ "$RC" = 0 ] || cat "$T/m$n.err" >&2
    expect_grep "over $n connections committed" "$T/m$n.err" "$n connections used"
    expect_grep "6 partition(s) attached" "$T/m$n.err" "children attached"
    same_rows "$(Q ${p}_m$n)" "$REF" "missing children, $n connections"
    [ "$(children ${p}_m$n)" = 6 ] || fail "$n connections: $(children ${p}_m$n) children, want 6"
    [ "$("${PSQL[@]}" -c "SELECT count(*) FROM pg_constraint WHERE conname = 'hf_stage_bound'")" = 0 ] ||
        fail "$n connections: the staging bound constraint is left on a child"
    [ "$("${PSQL[@]}" -c "SELECT count(*) FROM pg_class WHERE relname = '${p}_m${n}_20261203'")" = 1 ] ||
        fail "$n connections: child not named <parent>_<value>"
    no_stages "missing children, $n connections"
done
# the printed SQL job runs with holoflow run: same result
mkparent ${p}_run
sed "s/'${p}_m4'/'${p}_run'/" "$T/m4.sql" >"$T/run.sql"
run_hf "$T/o" "$T/run.err" run "$T/run.sql" --log-level info
expect_rc 0 "holoflow run of the printed job"
expect_grep "over 4 connections committed" "$T/run.err" "holoflow run uses the connections"
same_rows "$(Q ${p}_run)" "$REF" "holoflow run of the printed job"

# ---- 2. existing children: truncate swaps them; without truncate rows are appended
mkparent ${p}_x
"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_x_20261201 PARTITION OF ${p}_x FOR VALUES IN ('20261201');
CREATE TABLE ${p}_x_20261202 PARTITION OF ${p}_x FOR VALUES IN ('20261202');
CREATE TABLE ${p}_x_other PARTITION OF ${p}_x FOR VALUES IN ('19990101');
INSERT INTO ${p}_x VALUES ('old', 'o1', 1, '20261201', '09'), ('old', 'o2', 2, '19990101', '09');
SQL
job ${p}_x 4 false >"$T/x.json"
run_hf "$T/o" "$T/x.err" sync "$T/x.json" --log-level info
expect_rc 0 "existing children, append"
expect_grep "copied from its staging table" "$T/x.err" "non-empty child: second pass"
expect_grep "swapped for its staging table" "$T/x.err" "empty child: swapped"
same_rows "$(Q ${p}_x)" "$REF UNION ALL SELECT 'old', 'o1', 1, '20261201', '09' UNION ALL SELECT 'old', 'o2', 2, '19990101', '09'" "existing children, append"
[ "$(children ${p}_x)" = 7 ] || fail "append: $(children ${p}_x) children, want 7"
no_stages "existing children, append"
# again with truncate: the whole table replaced (children swapped)
job ${p}_x 4 true >"$T/xt.json"
run_hf "$T/o" "$T/xt.err" sync "$T/xt.json" --log-level info
expect_rc 0 "existing children, truncate"
expect_grep "swapped for its staging table" "$T/xt.err" "truncate: children swapped"
same_rows "$(Q ${p}_x)" "$REF" "existing children, truncate"
no_stages "existing children, truncate"
# a child with a trigger of its own is not swapped (the trigger would be lost)
"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_audit (n int);
CREATE FUNCTION ${p}_f() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN INSERT INTO ${p}_audit VALUES (1); RETURN NULL; END \$\$;
CREATE TRIGGER ${p}_t AFTER INSERT ON ${p}_x_20261202 FOR EACH STATEMENT EXECUTE FUNCTION ${p}_f();
SQL
run_hf "$T/o" "$T/xg.err" sync "$T/xt.json" --log-level info
expect_rc 0 "truncate, child with a trigger"
expect_grep "not swapped: it has triggers of its own" "$T/xg.err" "child with a trigger: copied"
# the swap checks of all children run as one statement: each answer goes
# to its own child (the trigger's child copied, its neighbour swapped)
expect_grep "partition '20261202' (\"public\".\"${p}_x_20261202\", not swapped: it has triggers of its own)" \
    "$T/xg.err" "the trigger's child named with its reason"
expect_grep "partition '20261201' (\"public\".\"${p}_x_20261201\") swapped for its staging table" \
    "$T/xg.err" "the child without a trigger swapped"
same_rows "$(Q ${p}_x)" "$REF" "truncate, child with a trigger"
[ "$("${PSQL[@]}" -c "SELECT count(*) FROM pg_trigger WHERE tgname = '${p}_t'")" = 1 ] || fail "the child's trigger was lost"
no_stages "truncate, child with a trigger"

# ---- 3. a keyed table, conflictMode replace over existing rows (hologres writer)
"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_k (shop_name text, customer_id text, total_price int8, sale_date text, sale_time text, PRIMARY KEY (customer_id, sale_date)) PARTITION BY LIST (sale_date);
CREATE TABLE ${p}_k_20261201 PARTITION OF ${p}_k FOR VALUES IN ('20261201');
INSERT INTO ${p}_k VALUES ('old', 'c2026120110_1', -1, '20261201', '10'), ('old', 'keep', 5, '20261201', '10');
SQL
# a key repeated inside the job: the later row wins (one reader thread)
cp -r "$T/tree" "$T/kt"
echo "shopZ,c2026120310_5,999" >>"$T/kt/sale_date=20261203/sale_time=10/part-0.csv"
cat >"$T/k.json" <<JSON
{"type": "job", "version": "2.0", "steps": [
  {"stepType": "oss", "category": "reader", "name": "Reader", "parameter": {"path": "$T/kt/*/*/*.csv", "fieldDelimiter": ",",
    "column": [{"index": 0, "type": "string"}, {"index": 1, "type": "string"}, {"index": 2, "type": "long"},
               {"type": "partition", "name": "sale_date"}, {"type": "partition", "name": "sale_time"}]}},
  {"stepType": "holo", "category": "writer", "name": "Writer", "parameter": {"username": "$PGUSER", "password": "",
    "conflictMode": "replace", "maxConnectionCount": 3,
    "column": ["shop_name", "customer_id", "total_price", "sale_date", "sale_time"],
    "connection": [{"jdbcUrl": "$URL", "table": ["${p}_k"]}]}}],
 "setting": {"speed": {"concurrent": 1}, "errorLimit": {"record": 0}},
 "order": {"hops": [{"from": "Reader", "to": "Writer"}]}}
JSON
run_hf "$T/o" "$T/k.err" sync "$T/k.json" --log-level info
expect_rc 0 "keyed, replace"
[ "$RC" = 0 ] || cat "$T/k.err" >&2
expect_grep "over 3 connections committed" "$T/k.err" "maxConnectionCount sets the connections"
same_rows "$(Q ${p}_k)" "$REF WHERE customer_id <> 'c2026120310_5' UNION ALL SELECT 'shopZ', 'c2026120310_5', 999, '20261203', '10' UNION ALL SELECT 'old', 'keep', 5, '20261201', '10'" "keyed, replace"
no_stages "keyed, replace"

# ---- 4. failures leave the table unchanged and no staging table
mkparent ${p}_f
"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_f_20261201 PARTITION OF ${p}_f FOR VALUES IN ('20261201');
INSERT INTO ${p}_f VALUES ('old', 'o1', 1, '20261201', '09');
SQL
cp -r "$T/tree" "$T/bad"
echo "shopX,cX,notanumber" >>"$T/bad/sale_date=20261205/sale_time=11/part-0.csv"
job ${p}_f 4 true "$T/bad" >"$T/f.json"
run_hf "$T/o" "$T/f.err" sync "$T/f.json"
expect_rc 1 "bad row, errorLimit 0"
same_rows "$(Q ${p}_f)" "SELECT 'old', 'o1', 1::int8, '20261201', '09'" "bad row: table unchanged"
[ "$(children ${p}_f)" = 1 ] || fail "bad row: children changed"
no_stages "bad row"
job ${p}_f 4 true >"$T/f2.json"
HF_FAILPOINTS=holo.copy.par-final-fail=3 run_hf "$T/o" "$T/f2.err" sync "$T/f2.json"
expect_rc 1 "failure inside the final transaction"
expect_grep "staging tables dropped" "$T/f2.err" "final failure message"
same_rows "$(Q ${p}_f)" "SELECT 'old', 'o1', 1::int8, '20261201', '09'" "final failure: table unchanged"
[ "$(children ${p}_f)" = 1 ] || fail "final failure: children changed"
no_stages "final failure"

# ---- 5. kill -9 between the stages and the final transaction, then rerun
HF_FAILPOINTS=holo.copy.par-crash-before-final run_hf "$T/o" "$T/c.err" sync "$T/f2.json"
[ "$RC" -ge 128 ] || fail "crash failpoint: exit code $RC"
same_rows "$(Q ${p}_f)" "SELECT 'old', 'o1', 1::int8, '20261201', '09'" "killed: table unchanged"
[ "$(children ${p}_f)" = 1 ] || fail "killed: a staging table became a child"
[ "$(stages)" -gt 0 ] || fail "killed after committing the stages: none found (the test lost its point)"
run_hf "$T/o" "$T/c2.err" sync "$T/f2.json" --resume --log-level info
expect_rc 0 "rerun after kill -9"
expect_grep "left by an earlier load that did not finish" "$T/c2.err" "leftovers dropped"
same_rows "$(Q ${p}_f)" "$REF" "rerun after kill -9"
no_stages "rerun after kill -9"

# ---- 6. kill -9 mid-load (a staging table created and a buffer COPYed
# into it, in an open transaction: pg_stat_activity shows a session's last
# statement), then rerun
mkparent ${p}_g
job ${p}_g 2 false >"$T/g.json"
python3 - "$T/g.json" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
# slow (1000 rows/s) and small buffers: COPYs into the stages run early
j["job"]["setting"]["speed"] = {"record": 1000}
j["core"] = {"transport": {"channel": {"speed": {"record": 500}}}}
j["job"]["content"][0]["writer"]["parameter"]["batchSize"] = 100
json.dump(j, open(sys.argv[1], "w"))
EOF
"$HOLOFLOW" sync "$T/g.json" --log-level debug >/dev/null 2>"$T/g.err" &
pid=$!
for _ in $(seq 1 600); do
    n=0
    if grep -q "staged in" "$T/g.err"; then
        n=$("${PSQL[@]}" -c "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND state = 'idle in transaction' AND query = 'RELEASE SAVEPOINT hf_buffer'")
    fi
    [ "$n" -gt 0 ] && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.1
done
[ "$n" -gt 0 ] || { fail "mid-load: no COPY into a staging table seen"; cat "$T/g.err" >&2; }
kill -9 $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
[ "$("${PSQL[@]}" -c "SELECT count(*) FROM ${p}_g")" = 0 ] || fail "killed mid-load: rows visible"
[ "$(children ${p}_g)" = 0 ] || fail "killed mid-load: children visible"
# SIGINT mid-load: exit 130, nothing visible, no staging table
"$HOLOFLOW" sync "$T/g.json" --log-level debug >/dev/null 2>"$T/g.err" &
pid=$!
for _ in $(seq 1 600); do
    n=0
    if grep -q "staged in" "$T/g.err"; then
        n=$("${PSQL[@]}" -c "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND state = 'idle in transaction' AND query = 'RELEASE SAVEPOINT hf_buffer'")
    fi
    [ "$n" -gt 0 ] && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.1
done
kill -INT $pid 2>/dev/null || true
set +e
wait $pid
RC=$?
set -e
expect_rc 130 "SIGINT mid-load"
[ "$("${PSQL[@]}" -c "SELECT count(*) FROM ${p}_g")" = 0 ] || fail "SIGINT mid-load: rows visible"
[ "$(children ${p}_g)" = 0 ] || fail "SIGINT mid-load: children visible"
no_stages "SIGINT mid-load"
job ${p}_g 2 false >"$T/g2.json"
run_hf "$T/o" "$T/g2.err" sync "$T/g2.json" --resume
expect_rc 0 "rerun after kill -9 mid-load"
same_rows "$(Q ${p}_g)" "$REF" "rerun after kill -9 mid-load"
no_stages "rerun after kill -9 mid-load (and SIGINT)"

# ---- 7. holoflow run: a DATE partition column with a key, a child holding
# two values and a child with an index of its own (never swapped),
# truncate-partition deleting only its value's rows
printf '%s\n' "a,1,2026-12-01" "b,2,2026-12-02" "c,3,2026-12-03" "d,4,2026-12-04" "a,10,2026-12-01" >"$T/d.csv"
"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_d (id text, v int8, d date, PRIMARY KEY (id, d)) PARTITION BY LIST (d);
CREATE TABLE ${p}_d_ab PARTITION OF ${p}_d FOR VALUES IN ('2026-12-01', '2026-12-02');
CREATE TABLE ${p}_d_c PARTITION OF ${p}_d FOR VALUES IN ('2026-12-03');
CREATE INDEX ${p}_d_c_v ON ${p}_d_c (v);
INSERT INTO ${p}_d VALUES ('a', 0, '2026-12-01'), ('x', 0, '2026-12-01'), ('y', 0, '2026-12-02'), ('c', 0, '2026-12-03'), ('z', 0, '2026-12-03');
SQL
dsql() { # EXTRA OPTIONS
    cat <<EOF
SET 'execution.runtime-mode' = 'batch';
CREATE TEMPORARY TABLE src (id STRING, v BIGINT, d DATE) WITH ('connector' = 'filesystem', 'path' = '$T/d.csv', 'format' = 'csv');
CREATE TEMPORARY TABLE dst (id STRING, v BIGINT, d DATE, PRIMARY KEY (id, d) NOT ENFORCED) WITH ('connector' = 'hologres',
  'endpoint' = '127.0.0.1:$PGPORT', 'dbname' = '$PGDATABASE', 'tablename' = '${p}_d', 'username' = '$PGUSER', 'password' = '',
  'sink.write-mode' = 'COPY_BULK_LOAD_ON_CONFLICT', 'sink.bulk-load.connections' = '3'$1);
INSERT INTO dst SELECT * FROM src;
EOF
}
DQ="SELECT tableoid::regclass::text, id, v, d::text FROM ${p}_d"
dsql "" >"$T/d1.sql"
run_hf "$T/o" "$T/d1.err" run "$T/d1.sql" --log-level info
expect_rc 0 "date partitions, append"
expect_grep "1 partition(s) attached, 0 swapped, 3 copied" "$T/d1.err" "date partitions: attach and copy"
same_rows "$DQ" "VALUES ('${p}_d_ab', 'a', 10::int8, '2026-12-01'), ('${p}_d_ab', 'x', 0, '2026-12-01'), ('${p}_d_ab', 'y', 0, '2026-12-02'), ('${p}_d_ab', 'b', 2, '2026-12-02'), ('${p}_d_c', 'c', 3, '2026-12-03'), ('${p}_d_c', 'z', 0, '2026-12-03'), ('${p}_d_20261204', 'd', 4, '2026-12-04')" "date partitions, append"
dsql ", 'sink.bulk-load.truncate-partition' = '2026-12-03'" >"$T/d2.sql"
run_hf "$T/o" "$T/d2.err" run "$T/d2.sql" --log-level info
expect_rc 0 "truncate-partition, child with an index"
expect_grep "not swapped: it has indexes of its own" "$T/d2.err" "own index: not swapped"
dsql ", 'sink.bulk-load.truncate-partition' = '2026-12-01'" >"$T/d3.sql"
run_hf "$T/o" "$T/d3.err" run "$T/d3.sql" --log-level info
expect_rc 0 "truncate-partition, child of two values"
expect_grep "not swapped: it holds 2 values" "$T/d3.err" "two values: not swapped"
same_rows "$DQ" "VALUES ('${p}_d_ab', 'a', 10::int8, '2026-12-01'), ('${p}_d_ab', 'y', 0, '2026-12-02'), ('${p}_d_ab', 'b', 2, '2026-12-02'), ('${p}_d_c', 'c', 3, '2026-12-03'), ('${p}_d_20261204', 'd', 4, '2026-12-04')" "truncate-partition"
[ "$("${PSQL[@]}" -c "SELECT count(*) FROM pg_class WHERE relname IN ('${p}_d_c_v', '${p}_d_20261204_pkey')")" = 2 ] || fail "indexes: the child's own index kept, the attached stage's renamed"
no_stages "date partitions"

# ---- 8. where the result could differ, one connection (logged), same result
# an INSERT row trigger on the parent: fired for every row
mkparent ${p}_tr
"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_tra (n int);
CREATE FUNCTION ${p}_trf() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN INSERT INTO ${p}_tra VALUES (1); RETURN NEW; END \$\$;
CREATE TRIGGER ${p}_trt BEFORE INSERT ON ${p}_tr FOR EACH ROW EXECUTE FUNCTION ${p}_trf();
SQL
job ${p}_tr 4 false >"$T/tr.json"
run_hf "$T/o" "$T/tr.err" sync "$T/tr.json" --log-level info
expect_rc 0 "parent with a row trigger"
expect_grep "not used (the table or a partition has INSERT row triggers)" "$T/tr.err" "row trigger: one connection"
same_rows "$(Q ${p}_tr)" "$REF" "parent with a row trigger"
[ "$("${PSQL[@]}" -c "SELECT count(*) FROM ${p}_tra")" = "$("${PSQL[@]}" -c "SELECT count(*) FROM ${p}_ref")" ] ||
    fail "row trigger: fired $("${PSQL[@]}" -c "SELECT count(*) FROM ${p}_tra") times"
no_stages "parent with a row trigger"
# an identity column the job does not write: as over one connection (on
# PostgreSQL before 17 a partition does not take the parent's identity, and
# the rows go straight into the partitions, so both fail the same way)
for n in 1 4; do
    "${PSQL[@]}" -c "CREATE TABLE ${p}_id$n (id int8 GENERATED ALWAYS AS IDENTITY, shop_name text, customer_id text, total_price int8, sale_date text, sale_time text) PARTITION BY LIST (sale_date)"
    job ${p}_id$n $n false >"$T/id$n.json"
    run_hf "$T/o" "$T/id$n.err" sync "$T/id$n.json" --log-level info
    echo "$RC" >"$T/id$n.rc"
done
[ "$(cat "$T/id1.rc")" = "$(cat "$T/id4.rc")" ] || fail "identity: exit $(cat "$T/id4.rc") over 4 channels, $(cat "$T/id1.rc") over 1"
expect_grep "not used (the table has identity or generated columns)" "$T/id4.err" "identity: one connection"
same_rows "$(Q ${p}_id4)" "$(Q ${p}_id1)" "identity column: as over one connection"
[ "$(children ${p}_id4)" = "$(children ${p}_id1)" ] || fail "identity: children differ"
# errorLimit above 0 and a key already in the table: as over one connection
for n in 1 4; do
    "${PSQL[@]}" <<SQL
CREATE TABLE ${p}_e$n (shop_name text, customer_id text, total_price int8, sale_date text, sale_time text, PRIMARY KEY (customer_id, sale_date)) PARTITION BY LIST (sale_date);
CREATE TABLE ${p}_e${n}_20261202 PARTITION OF ${p}_e$n FOR VALUES IN ('20261202');
INSERT INTO ${p}_e$n VALUES ('old', 'c2026120210_7', -1, '20261202', '10');
SQL
    job ${p}_e$n $n false >"$T/e$n.json"
    sed -i 's/"errorLimit": {"record": 0}/"errorLimit": {"record": 5}/' "$T/e$n.json"
    run_hf "$T/o" "$T/e$n.err" sync "$T/e$n.json" --log-level info
    echo "$RC" >"$T/e$n.rc"
done
[ "$(cat "$T/e1.rc")" = "$(cat "$T/e4.rc")" ] || fail "errorLimit 5: exit $(cat "$T/e4.rc") over 4 channels, $(cat "$T/e1.rc") over 1"
expect_grep "not used (dirty rows are skipped" "$T/e4.err" "errorLimit > 0: one connection"
same_rows "$(Q ${p}_e4)" "$(Q ${p}_e1)" "errorLimit 5, existing key: as over one connection"
no_stages "errorLimit 5"
# a view on a child under truncate (and a repeatable-read server default):
# not swapped, its rows replaced, the view kept
mkparent ${p}_v
"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_v_20261203 PARTITION OF ${p}_v FOR VALUES IN ('20261203');
INSERT INTO ${p}_v VALUES ('old', 'o1', 1, '20261203', '09');
CREATE VIEW ${p}_vv AS SELECT * FROM ${p}_v_20261203;
SQL
job ${p}_v 4 true >"$T/v.json"
PGOPTIONS="$PGOPTIONS -c default_transaction_isolation=repeatable\\ read" run_hf "$T/o" "$T/v.err" sync "$T/v.json" --log-level info
expect_rc 0 "truncate, a view on a child"
[ "$RC" = 0 ] || cat "$T/v.err" >&2
expect_grep "over 4 connections committed" "$T/v.err" "view on a child: several connections"
expect_grep "not swapped: objects depend on it" "$T/v.err" "view on a child: copied"
same_rows "$(Q ${p}_v)" "$REF" "truncate, a view on a child"
same_rows "SELECT shop_name, customer_id, total_price, sale_date, sale_time FROM ${p}_vv" "$REF WHERE sale_date = '20261203'" "the view on the child"
no_stages "truncate, a view on a child"
# cleanup: a live run's stage and a user's table named like a stage stay,
# a dead run's stage goes
oid=$("${PSQL[@]}" -c "SELECT '${p}_v'::regclass::oid")
"${PSQL[@]}" -c "CREATE TABLE hf_stage_${oid}_backup (n int); CREATE TABLE hf_stage_${oid}_7654321_abc_1 (n int); CREATE TABLE hf_stage_${oid}_7654322_abc_1 (n int)"
psql -X -q -At -c "SELECT pg_advisory_lock(hashtext('holoflow.bulk-load-stage'), 7654321)" -c "SELECT pg_sleep(600)" >/dev/null 2>&1 &
lockpid=$!
for _ in $(seq 1 100); do
    [ "$("${PSQL[@]}" -c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 7654321 AND granted")" = 1 ] && break
    sleep 0.1
done
run_hf "$T/o" "$T/s.err" sync "$T/v.json" --log-level info
kill $lockpid 2>/dev/null || true
wait $lockpid 2>/dev/null || true
expect_rc 0 "cleanup next to a live run's stage"
same_rows "$(Q ${p}_v)" "$REF" "cleanup next to a live run's stage"
[ "$("${PSQL[@]}" -c "SELECT string_agg(relname, ' ' ORDER BY relname) FROM pg_class WHERE relname LIKE 'hf\\_stage\\_${oid}\\_%'")" = "hf_stage_${oid}_7654321_abc_1 hf_stage_${oid}_backup" ] ||
    fail "cleanup: left $("${PSQL[@]}" -c "SELECT string_agg(relname, ' ' ORDER BY relname) FROM pg_class WHERE relname LIKE 'hf\\_stage\\_${oid}\\_%'")"
"${PSQL[@]}" -c "DROP TABLE hf_stage_${oid}_backup, hf_stage_${oid}_7654321_abc_1"
"${PSQL[@]}" -c "DROP VIEW ${p}_vv; DROP TABLE ${p}_v, ${p}_e1, ${p}_e4, ${p}_id1, ${p}_id4, ${p}_tr, ${p}_tra; DROP FUNCTION ${p}_trf()"

"${PSQL[@]}" -c "DROP TABLE ${p}_d; DROP TABLE ${p}_ref, ${p}_m2, ${p}_m4, ${p}_run, ${p}_x, ${p}_k, ${p}_f, ${p}_g, ${p}_audit; DROP FUNCTION ${p}_f()"
finish
