#!/usr/bin/env bash
# The legacy and Alibaba Cloud spellings of hologres sink options, where
# they reach the database (issue 16). Each part writes real rows into the
# private PostgreSQL and asserts what landed:
#   1. the legacy write-protocol switches: sdkMode jdbc / rpc / jdbc_fixed
#      write with INSERT, sdkMode jdbc_copy, jdbcCopyWriteMode STREAM and
#      bulkLoad with COPY. A statement-level trigger records the command of
#      every statement that inserts into the table (current_query()), so
#      the test sees COPY or INSERT, not just the rows. rpc warns once that
#      the RPC mode is retired; jdbc_fixed notes that PostgreSQL has no
#      fixed connections.
#   2. generation defaults change what lands: one debezium changelog
#      (insert 1 and 2, update 1, delete 2) written by tables spelled with
#      current names (1 updated, 2 deleted), 000 names (mutateType's
#      insertOrIgnore keeps 1 as first written, ignoreDelete's true keeps
#      2), 000 names with mutatetype=insertorupdate, 000 names with both
#      switched, insertOrUpdate=true, and 001 names (insertorignore,
#      deletes applied); a 000 table does not create a missing partition
#      (createparttable false), a current one does. explain says which
#      generation's default applied.
#   3. Alibaba Cloud-only options are accepted (check passes, rows land),
#      explained, and logged exactly once each.
#   4. statement-timeout-seconds cancels a statement that runs too long;
#      the 000 default (28800000 s, beyond PostgreSQL's limit) is no limit.
# Arrays from delimited strings, distribution-key routing, fixed
# connections and idle connections: test_holo_arrays_routing.sh.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
tbl=hf_sp_t_$$
log=hf_sp_log_$$
par=hf_sp_par_$$
slow=hf_sp_slow_$$
cleanup() {
    "${PSQL[@]}" -c "DROP TABLE IF EXISTS $tbl, $log, $par, $slow CASCADE;
      DROP FUNCTION IF EXISTS ${log}_f(), ${slow}_f()" >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT

# One line: the tables of cases below are read line by line.
conn="'connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE', 'username' = '$PGUSER', 'password' = ''"

# job NAME SOURCE-DDL SINK-COLUMNS WITH [SETTINGS]: writes $T/NAME.sql.
job() {
    cat >"$T/$1.sql" <<SQL
${5:-}
$2
CREATE TABLE sink ($3) WITH ($4);
INSERT INTO sink SELECT * FROM src;
SQL
}

# ---------------------------------------------------------------- 1
"${PSQL[@]}" <<SQL
SET client_min_messages = warning;
CREATE TABLE $tbl (id bigint PRIMARY KEY, name text);
CREATE TABLE $log (cmd text);
CREATE FUNCTION ${log}_f() RETURNS trigger LANGUAGE plpgsql AS \$f\$
BEGIN
  INSERT INTO $log VALUES (upper(split_part(ltrim(current_query()), ' ', 1)));
  RETURN NULL;
END \$f\$;
CREATE TRIGGER ${log}_t AFTER INSERT ON $tbl FOR EACH STATEMENT EXECUTE FUNCTION ${log}_f();
SQL
seq 1 200 | awk '{ printf "%d,n%d\n", $1, $1 }' >"$T/rows.csv"
src_csv="CREATE TABLE src (id BIGINT, name STRING) WITH ('connector' = 'filesystem', 'path' = '$T/rows.csv', 'format' = 'csv');"
for spec in "sdkMode=jdbc INSERT" "sdkMode=rpc INSERT" "sdkMode=jdbc_fixed INSERT" \
    "sdkMode=jdbc_copy COPY" "jdbcCopyWriteMode=STREAM COPY" "bulkLoad=true COPY"; do
    kv=${spec% *} want=${spec#* }
    key=${kv%=*} val=${kv#*=}
    "${PSQL[@]}" -c "TRUNCATE $tbl, $log"
    job proto "$src_csv" "id BIGINT, name STRING, PRIMARY KEY (id) NOT ENFORCED" \
        "$conn, 'tablename' = '$tbl', 'connectionSize' = '2', '$key' = '$val'"
    run_hf "$T/out" "$T/err" run "$T/proto.sql"
    expect_rc 0 "$kv"
    n=$("${PSQL[@]}" -c "SELECT count(*) || '|' || sum(id) || '|' || count(*) FILTER (WHERE name = 'n' || id) FROM $tbl")
    [ "$n" = "200|20100|200" ] || fail "$kv: table holds $n, expected 200|20100|200"
    got=$("${PSQL[@]}" -c "SELECT string_agg(DISTINCT cmd, ',') FROM $log")
    [ "$got" = "$want" ] || fail "$kv: rows arrived by '$got', expected $want"
    case $val in
    rpc)
        c=$(grep -c "the RPC write mode is retired" "$T/err" || true)
        [ "$c" = 1 ] || fail "rpc: the retirement warning appears $c times"
        grep -q "WARN" <(grep "RPC write mode" "$T/err") || fail "rpc: not a warning"
        ;;
    jdbc_fixed)
        expect_grep "PostgreSQL has none, so it gets plain connections" "$T/err" "jdbc_fixed note"
        ;;
    esac
    echo "  $kv: 200 rows by $got"
done

# ---------------------------------------------------------------- 2
cat >"$T/cl.json" <<'EOF'
{"before":null,"after":{"id":1,"name":"a"},"op":"c"}
{"before":null,"after":{"id":2,"name":"b"},"op":"c"}
{"before":{"id":1,"name":"a"},"after":{"id":1,"name":"a2"},"op":"u"}
{"before":{"id":2,"name":"b"},"after":null,"op":"d"}
EOF
src_cl="CREATE TABLE src (id BIGINT, name STRING, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'filesystem', 'path' = '$T/cl.json', 'format' = 'debezium-json');"
cur="$conn, 'tablename' = '$tbl'"
old001="'connector.type' = 'hologres', 'connector.endpoint' = '$PGHOST:$PGPORT', 'connector.database' = '$PGDATABASE', 'connector.table' = '$tbl', 'connector.username' = '$PGUSER', 'connector.password' = ''"
while IFS='|' read -r what with want; do
    "${PSQL[@]}" -c "TRUNCATE $tbl"
    job gen "$src_cl" "id BIGINT, name STRING, PRIMARY KEY (id) NOT ENFORCED" "$with"
    run_hf "$T/out" "$T/err" run "$T/gen.sql"
    expect_rc 0 "$what"
    got=$("${PSQL[@]}" -c "SELECT string_agg(id || '=' || name, ' ' ORDER BY id) FROM $tbl")
    [ "$got" = "$want" ] || fail "$what: table is '$got', expected '$want'"
    echo "  $what: $got"
done <<EOF
current names|$cur|1=a2
000 names (connectionSize)|$cur, 'connectionSize' = '2'|1=a 2=b
000 names, mutatetype=insertorupdate|$cur, 'mutatetype' = 'insertorupdate'|1=a2 2=b
000 names, mutateType=insertOrUpdate, ignoreDelete=false|$cur, 'mutateType' = 'insertOrUpdate', 'ignoreDelete' = 'false'|1=a2
000 names, insertOrUpdate=true|$cur, 'insertOrUpdate' = 'true'|1=a2 2=b
001 names|$old001|1=a
EOF
job gen "$src_cl" "id BIGINT, name STRING, PRIMARY KEY (id) NOT ENFORCED" "$cur, 'connectionSize' = '2'"
run_hf "$T/explain" "$T/err" explain "$T/gen.sql"
expect_rc 0 "explain 000"
for line in \
    "(option names of generation 000, as 'connectionSize': options left unset take that generation's defaults)" \
    "connection.pool.size = '2'  (as 'connectionSize', generation 000)" \
    "sink.on-conflict-action = 'INSERT_OR_IGNORE'  (default of generation 000)" \
    "sink.ignore-delete = 'true'  (default of generation 000)" \
    "sink.write-mode = 'INSERT'  (default of generation 000)" \
    "warning: sink.ignore-delete is true by default in generation 000"; do
    expect_grep "$line" "$T/explain" "explain 000"
done

# A missing partition: a 000 table keeps createparttable's false.
"${PSQL[@]}" -c "SET client_min_messages = warning; CREATE TABLE $par (id bigint, region text, PRIMARY KEY (id, region)) PARTITION BY LIST (region)"
printf '1,eu\n2,us\n' >"$T/par.csv"
src_par="CREATE TABLE src (id BIGINT, region STRING) WITH ('connector' = 'filesystem', 'path' = '$T/par.csv', 'format' = 'csv');"
job part "$src_par" "id BIGINT, region STRING, PRIMARY KEY (id, region) NOT ENFORCED" "$conn, 'tablename' = '$par', 'jdbcWriteBatchSize' = '10'"
run_hf "$T/out" "$T/err" run "$T/part.sql"
[ "$RC" -ne 0 ] || fail "000 partition: the job created a partition"
grep -qE "has no partition for value '(eu|us)' of column 'region', and sink.create-missing-partition is false" "$T/err" ||
    fail "000 partition: no message naming the missing partition's value"
[ "$("${PSQL[@]}" -c "SELECT count(*) FROM pg_inherits WHERE inhparent = '$par'::regclass")" = 0 ] ||
    fail "000 partition: children exist"
job part "$src_par" "id BIGINT, region STRING, PRIMARY KEY (id, region) NOT ENFORCED" "$conn, 'tablename' = '$par', 'sink.insert.batch-size' = '10'"
run_hf "$T/out" "$T/err" run "$T/part.sql"
expect_rc 0 "current partition"
[ "$("${PSQL[@]}" -c "SELECT count(*) FROM $par")" = 2 ] || fail "current partition: rows missing"

# ---------------------------------------------------------------- 3
"${PSQL[@]}" -c "TRUNCATE $tbl"
job cloud "$src_csv" "id BIGINT, name STRING, PRIMARY KEY (id) NOT ENFORCED" \
    "$cur, 'jdbcDirectConnect' = 'true', 'serverless-computing.enabled' = 'true',
  'serverless-computing-query-priority' = '5', 'connection.akv4.enabled' = 'true',
  'connection.akv4.region' = 'cn-hangzhou', 'connectionPoolName' = 'shared'"
run_hf "$T/out" "$T/err" check "$T/cloud.sql"
expect_rc 0 "check with Alibaba Cloud options"
run_hf "$T/explain" "$T/err" explain "$T/cloud.sql"
expect_grep "note: option 'jdbcDirectConnect' = 'true' is for Alibaba Cloud only and has no effect here" "$T/explain" "explain cloud"
expect_grep "note: option 'connectionPoolName' = 'shared' is accepted without effect" "$T/explain" "explain cloud"
run_hf "$T/out" "$T/err" run "$T/cloud.sql"
expect_rc 0 "run with Alibaba Cloud options"
[ "$("${PSQL[@]}" -c "SELECT count(*) FROM $tbl")" = 200 ] || fail "cloud: rows missing"
for k in jdbcDirectConnect serverless-computing.enabled serverless-computing-query-priority \
    connection.akv4.enabled connection.akv4.region; do
    c=$(grep -c "option '$k' = '[^']*' is for Alibaba Cloud only" "$T/err" || true)
    [ "$c" = 1 ] || fail "cloud: '$k' logged $c times, expected once"
done
echo "  Alibaba Cloud options: accepted, explained, logged once each"

# ---------------------------------------------------------------- 4
"${PSQL[@]}" <<SQL
CREATE TABLE $slow (id bigint PRIMARY KEY, name text);
CREATE FUNCTION ${slow}_f() RETURNS trigger LANGUAGE plpgsql AS \$f\$
BEGIN PERFORM pg_sleep(2); RETURN NULL; END \$f\$;
CREATE TRIGGER ${slow}_t AFTER INSERT ON $slow FOR EACH STATEMENT EXECUTE FUNCTION ${slow}_f();
SQL
printf '1,a\n' >"$T/one.csv"
src_one="CREATE TABLE src (id BIGINT, name STRING) WITH ('connector' = 'filesystem', 'path' = '$T/one.csv', 'format' = 'csv');"
job slow "$src_one" "id BIGINT, name STRING, PRIMARY KEY (id) NOT ENFORCED" "$conn, 'tablename' = '$slow', 'statement-timeout-seconds' = '1'"
run_hf "$T/out" "$T/err" run "$T/slow.sql"
[ "$RC" -ne 0 ] || fail "statement-timeout-seconds 1: a 2 s statement was not cancelled"
expect_grep "canceling statement due to statement timeout" "$T/err" "statement timeout"
[ "$("${PSQL[@]}" -c "SELECT count(*) FROM $slow")" = 0 ] || fail "statement timeout: the row landed"
# 000 names: 28800000 s, beyond PostgreSQL's limit: no timeout at all.
job slow "$src_one" "id BIGINT, name STRING, PRIMARY KEY (id) NOT ENFORCED" "$conn, 'tablename' = '$slow', 'connectionSize' = '1'"
run_hf "$T/out" "$T/err" run "$T/slow.sql"
expect_rc 0 "000 statement timeout"
[ "$("${PSQL[@]}" -c "SELECT count(*) FROM $slow")" = 1 ] || fail "000 statement timeout: the row is missing"
echo "  statement-timeout-seconds: 1 s cancels a 2 s statement; the 000 default does not"

finish
