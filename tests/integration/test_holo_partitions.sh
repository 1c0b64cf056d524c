#!/usr/bin/env bash
# LIST-partitioned targets (issue 3 item 6):
#   rows written to the parent land in the right children, checked child
#   by child with SELECT ... FROM ONLY <child>; a changelog's updates and
#   deletes reach the child too;
#   with sink.create-missing-partition=true a missing child
#   <parent>_<value> is created on first sight (text values, names with
#   characters that are not [A-Za-z0-9_], mixed case, DATE values
#   <parent>_yyyymmdd), over 4 connections racing on the same new values,
#   and by two jobs running at the same time on the same new values;
#   with false (also spelled createparttable=false) the job fails with an
#   error naming the missing value and the column, creates no child, and
#   the flush holding the row leaves nothing: with one connection and
#   batch-size 10, whole earlier batches of rows (1..10 or 1..20) are in the table and
#   nothing of rows 21..30.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
p=hf_part_$$
export PGOPTIONS="-c client_min_messages=warning"
# Drop the tables whatever happens (and remove $T, as lib.sh's trap does).
trap '"${PSQL[@]}" -c "DROP TABLE IF EXISTS ${p}_t, ${p}_d, ${p}_r, ${p}_f CASCADE" >/dev/null 2>&1; rm -rf "$T"' EXIT

# jobfile FILE TABLE INPUT FORMAT "COLUMNS" "PK" "OPTIONS"
jobfile() {
    local spk=""
    case $4 in *debezium*) spk=", PRIMARY KEY ($6) NOT ENFORCED" ;; esac
    cat >"$1" <<SQL
CREATE TABLE src ($5$spk) WITH ('connector' = 'filesystem', 'path' = '$3', 'format' = '$4');
CREATE TABLE dst ($5, PRIMARY KEY ($6) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '$2', 'username' = '$PGUSER', 'password' = ''$7);
INSERT INTO dst SELECT * FROM src;
SQL
}

expect_table() {
    local got
    got=$("${PSQL[@]}" -c "$2")
    if [ "$got" != "$3" ]; then
        fail "$1: got
$got
expected
$3"
    fi
}

children_query() {
    echo "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = '$1'::regclass ORDER BY 1"
}

# ------------------------------------------------ routing, creation (text)
"${PSQL[@]}" <<SQL
DROP TABLE IF EXISTS ${p}_t CASCADE;
CREATE TABLE ${p}_t (id bigint, region text, v int, PRIMARY KEY (id, region)) PARTITION BY LIST (region);
CREATE TABLE ${p}_t_eu PARTITION OF ${p}_t FOR VALUES IN ('eu');
CREATE TABLE ${p}_t_other PARTITION OF ${p}_t FOR VALUES IN ('us', 'ca');
SQL
cat >"$T/t.json" <<'EOF'
{"id":1,"region":"eu","v":1}
{"id":2,"region":"us","v":2}
{"id":3,"region":"ca","v":3}
{"id":4,"region":"us-west","v":4}
{"id":5,"region":"Mixed Case","v":5}
{"id":6,"region":"eu","v":6}
{"id":7,"region":"us-west","v":7}
EOF
jobfile "$T/t.sql" "${p}_t" "$T/t.json" json "id BIGINT, region STRING, v INT" "id, region" \
    ", 'connection.pool.size' = '4'"
run_hf "$T/out" "$T/err" run "$T/t.sql"
expect_rc 0 "routing into existing and new children"
expect_table "children after the first job" "$(children_query "${p}_t")" \
"${p}_t_Mixed_Case
${p}_t_eu
${p}_t_other
${p}_t_us_west"
expect_table "rows of ONLY ${p}_t_eu" "SELECT id, region, v FROM ONLY ${p}_t_eu ORDER BY id" "1|eu|1
6|eu|6"
expect_table "rows of ONLY ${p}_t_other" "SELECT id, region, v FROM ONLY ${p}_t_other ORDER BY id" "2|us|2
3|ca|3"
expect_table "rows of ONLY ${p}_t_us_west" "SELECT id, region, v FROM ONLY ${p}_t_us_west ORDER BY id" "4|us-west|4
7|us-west|7"
expect_table "rows of ONLY \"${p}_t_Mixed_Case\"" "SELECT id, region, v FROM ONLY \"${p}_t_Mixed_Case\" ORDER BY id" "5|Mixed Case|5"
expect_table "nothing in the parent itself" "SELECT count(*) FROM ONLY ${p}_t" "0"
expect_table "the new child's bound" "SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = '${p}_t_us_west'" \
    "FOR VALUES IN ('us-west')"

# A changelog: updates and deletes go to the right child.
cat >"$T/t-cl.json" <<'EOF'
{"before":{"id":1,"region":"eu","v":1},"after":{"id":1,"region":"eu","v":100},"op":"u"}
{"before":{"id":4,"region":"us-west","v":4},"after":null,"op":"d"}
{"before":null,"after":{"id":8,"region":"eu","v":8},"op":"c"}
{"before":{"id":2,"region":"us","v":2},"after":null,"op":"d"}
{"before":null,"after":{"id":9,"region":"af","v":9},"op":"c"}
EOF
jobfile "$T/t-cl.sql" "${p}_t" "$T/t-cl.json" debezium-json "id BIGINT, region STRING, v INT" "id, region" \
    ", 'connection.pool.size' = '4'"
run_hf "$T/out" "$T/err" run "$T/t-cl.sql"
expect_rc 0 "a changelog into the partitioned parent"
expect_table "ONLY ${p}_t_eu after the changelog" "SELECT id, v FROM ONLY ${p}_t_eu ORDER BY id" "1|100
6|6
8|8"
expect_table "ONLY ${p}_t_other after the changelog" "SELECT id, v FROM ONLY ${p}_t_other ORDER BY id" "3|3"
expect_table "ONLY ${p}_t_us_west after the changelog" "SELECT id, v FROM ONLY ${p}_t_us_west ORDER BY id" "7|7"
expect_table "ONLY ${p}_t_af (created by the changelog)" "SELECT id, v FROM ONLY ${p}_t_af ORDER BY id" "9|9"

# ------------------------------------------------ DATE partitions
"${PSQL[@]}" <<SQL
DROP TABLE IF EXISTS ${p}_d CASCADE;
CREATE TABLE ${p}_d (id bigint, ds date, v int, PRIMARY KEY (id, ds)) PARTITION BY LIST (ds);
CREATE TABLE ${p}_d_old PARTITION OF ${p}_d FOR VALUES IN ('2023-12-31');
SQL
cat >"$T/d.json" <<'EOF'
{"id":1,"ds":"2024-01-02","v":1}
{"id":2,"ds":"2023-12-31","v":2}
{"id":3,"ds":"2024-01-03","v":3}
{"id":4,"ds":"2024-01-02","v":4}
EOF
jobfile "$T/d.sql" "${p}_d" "$T/d.json" json "id BIGINT, ds DATE, v INT" "id, ds" ", 'connection.pool.size' = '3'"
run_hf "$T/out" "$T/err" run "$T/d.sql"
expect_rc 0 "DATE partitions"
expect_table "ONLY ${p}_d_20240102" "SELECT id, ds, v FROM ONLY ${p}_d_20240102 ORDER BY id" "1|2024-01-02|1
4|2024-01-02|4"
expect_table "ONLY ${p}_d_20240103" "SELECT id, ds, v FROM ONLY ${p}_d_20240103 ORDER BY id" "3|2024-01-03|3"
expect_table "ONLY ${p}_d_old" "SELECT id, ds, v FROM ONLY ${p}_d_old ORDER BY id" "2|2023-12-31|2"

# ------------------------------------------------ racing creators
# 7000 rows over 70 new values, keys spread over 4 connections (so each
# connection writes to more children than it keeps prepared statements
# for, 64); then two jobs on the same file at once. Every row lands once,
# in its child.
"${PSQL[@]}" <<SQL
DROP TABLE IF EXISTS ${p}_r CASCADE;
CREATE TABLE ${p}_r (id bigint, tag text, v int, PRIMARY KEY (id, tag)) PARTITION BY LIST (tag);
SQL
awk 'BEGIN { for (i = 1; i <= 7000; i++) printf "{\"id\":%d,\"tag\":\"t%02d\",\"v\":%d}\n", i, i % 70, i * 3 }' >"$T/r.json"
jobfile "$T/r.sql" "${p}_r" "$T/r.json" json "id BIGINT, tag STRING, v INT" "id, tag" \
    ", 'connection.pool.size' = '4', 'sink.insert.batch-size' = '16'"
check_race() {
    expect_table "$1: rows" "SELECT count(*), sum(id), sum(v) FROM ${p}_r" "7000|24503500|73510500"
    expect_table "$1: children" "SELECT count(*) FROM pg_inherits WHERE inhparent = '${p}_r'::regclass" "70"
    expect_table "$1: every row in the child named by its tag" \
        "SELECT count(*) FROM ${p}_r WHERE tableoid::regclass::text <> '${p}_r_' || tag OR tag <> 't' || lpad((id % 70)::text, 2, '0') OR v <> id * 3" "0"
    expect_table "$1: rows per child" "SELECT min(n), max(n) FROM (SELECT count(*) n FROM ${p}_r GROUP BY tableoid) x" "100|100"
}
run_hf "$T/out" "$T/err" run "$T/r.sql"
expect_rc 0 "one job, 4 connections racing on 70 new values"
check_race "one job, 4 connections"

"${PSQL[@]}" -c "DROP TABLE ${p}_r CASCADE; CREATE TABLE ${p}_r (id bigint, tag text, v int, PRIMARY KEY (id, tag)) PARTITION BY LIST (tag)"
set +e
"$HOLOFLOW" run "$T/r.sql" >"$T/out1" 2>"$T/err1" &
pid1=$!
"$HOLOFLOW" run "$T/r.sql" >"$T/out2" 2>"$T/err2" &
pid2=$!
wait $pid1
rc1=$?
wait $pid2
rc2=$?
set -e
[ $rc1 = 0 ] || { fail "two racing jobs: job 1 exited $rc1"; tail -3 "$T/err1" >&2; }
[ $rc2 = 0 ] || { fail "two racing jobs: job 2 exited $rc2"; tail -3 "$T/err2" >&2; }
check_race "two racing jobs"

# ------------------------------------------------ create-missing-partition=false
"${PSQL[@]}" <<SQL
DROP TABLE IF EXISTS ${p}_f CASCADE;
CREATE TABLE ${p}_f (id bigint, region text, v int, PRIMARY KEY (id, region)) PARTITION BY LIST (region);
CREATE TABLE ${p}_f_eu PARTITION OF ${p}_f FOR VALUES IN ('eu');
CREATE TABLE ${p}_f_us PARTITION OF ${p}_f FOR VALUES IN ('us');
SQL
awk 'BEGIN { for (i = 1; i <= 30; i++) printf "{\"id\":%d,\"region\":\"%s\",\"v\":%d}\n", i, i == 25 ? "mars" : (i % 2 ? "eu" : "us"), i }' >"$T/f.json"
for key in "sink.create-missing-partition" "createparttable"; do
    "${PSQL[@]}" -c "TRUNCATE ${p}_f"
    jobfile "$T/f.sql" "${p}_f" "$T/f.json" json "id BIGINT, region STRING, v INT" "id, region" \
        ", 'connection.pool.size' = '1', 'sink.insert.batch-size' = '10', '$key' = 'false'"
    run_hf "$T/out" "$T/err" run "$T/f.sql"
    expect_rc 1 "$key=false"
    expect_grep "has no partition for value 'mars' of column 'region'" "$T/err" "$key=false: the error"
    expect_grep "sink.create-missing-partition is false" "$T/err" "$key=false: the option"
    expect_table "$key=false: no child created" "SELECT count(*) FROM pg_class WHERE relname = '${p}_f_mars'" "0"
    # Earlier flushes are whole batches of the input's first rows (1..10,
    # or 1..20 when the worker was free in time; a busy shard's buffer keeps
    # growing), and nothing of the failed flush (the one holding row 25).
    expect_table "$key=false: the earlier flushes are in, nothing of the failed flush" \
        "SELECT count(*) > 0 AND count(*) = max(id) AND min(id) = 1 AND max(id) < 25 AND count(*) % 10 = 0 FROM ${p}_f" "t"
done

finish
