#!/usr/bin/env bash
# Legacy hologres options that change how rows travel (issue 16), against
# the private PostgreSQL and a PostgreSQL database dressed as Hologres:
#   1. field_delimiter / arrayDelimiter: STRING columns written into
#      bigint[] and text[] columns are split, with the default U+0002 and
#      with ',', over INSERT and text COPY; binary COPY refuses clearly.
#   2. sink.reshuffle-by-holo-distribution-key.enabled: on PostgreSQL
#      accepted and logged; on a fake Hologres (a database with
#      hg_version() and hologres.hg_table_properties) the rows of one
#      distribution-key value all arrive over one connection (a trigger
#      records pg_backend_pid()), while by primary key they spread; and a
#      fixed connection (sdkMode jdbc_fixed) is asked for with the startup
#      option type=fixed, which that PostgreSQL refuses by name.
#   3. jdbcConnectionMaxIdleMs replaces an idle connection before the next
#      write (distinct backend pids), the default keeps one connection.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
arr=hf_ar_arr_$$
pid=hf_ar_pid_$$
fake=hf_ar_fake_$$
cleanup() {
    "${PSQL[@]}" -c "DROP TABLE IF EXISTS $arr, $pid CASCADE;
      DROP FUNCTION IF EXISTS ${pid}_f()" >/dev/null 2>&1
    "${PSQL[@]}" -c "DROP DATABASE IF EXISTS $fake" >/dev/null 2>&1
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
"${PSQL[@]}" -c "CREATE TABLE $arr (id bigint PRIMARY KEY, tags bigint[], names text[])"
cat >"$T/arr.json" <<'EOF'
{"id":1,"tags":"1\u00022\u00023","names":"x\u0002y z\u0002\"q\""}
{"id":2,"tags":"","names":"only"}
{"id":3,"tags":null,"names":"a\u0002\u0002b\u0002\u0002"}
EOF
cat >"$T/arr2.json" <<'EOF'
{"id":1,"tags":"4,5","names":"p,,q,,"}
{"id":2,"tags":"6","names":"NULL,{}"}
EOF
src_arr="CREATE TABLE src (id BIGINT, tags STRING, names STRING) WITH ('connector' = 'filesystem', 'path' = '$T/arr.json', 'format' = 'json');"
src_arr2="CREATE TABLE src (id BIGINT, tags STRING, names STRING) WITH ('connector' = 'filesystem', 'path' = '$T/arr2.json', 'format' = 'json');"
want1='1|{1,2,3}|{x,"y z","\"q\""}
2|{}|{only}
3||{a,"",b}'
want2='1|{4,5}|{p,"",q}
2|{6}|{"NULL","{}"}'
while IFS='|' read -r what src extra want; do
    "${PSQL[@]}" -c "TRUNCATE $arr"
    job arr "${!src}" "id BIGINT, tags STRING, names STRING, PRIMARY KEY (id) NOT ENFORCED" \
        "$conn, 'tablename' = '$arr'$extra"
    run_hf "$T/out" "$T/err" run "$T/arr.sql"
    expect_rc 0 "$what"
    got=$("${PSQL[@]}" -c "SELECT id, tags, names FROM $arr ORDER BY id")
    if [ "$got" = "${!want}" ]; then
        echo "  $what: split as expected"
    else
        fail "$what: table is
$got
expected
${!want}"
    fi
done <<EOF
default U+0002, INSERT|src_arr||want1
arrayDelimiter ',', INSERT|src_arr2|, 'arrayDelimiter' = ','|want2
field_delimiter ',', text COPY|src_arr2|, 'field_delimiter' = ',', 'sink.write-mode' = 'COPY_STREAM', 'sink.copy.format' = 'text'|want2
EOF
job arr "$src_arr2" "id BIGINT, tags STRING, names STRING, PRIMARY KEY (id) NOT ENFORCED" \
    "$conn, 'tablename' = '$arr', 'sink.write-mode' = 'COPY_STREAM'"
run_hf "$T/out" "$T/err" run "$T/arr.sql"
[ "$RC" -ne 0 ] || fail "binary COPY of a split column succeeded"
expect_grep "of type bigint[] cannot receive binary COPY data from a value of type STRING; use 'sink.copy.format'='text' or the INSERT write mode" "$T/err" "binary COPY split"

# ---------------------------------------------------------------- 2
seq 0 299 | awk '{ printf "%d,%d,v%d\n", $1 % 3, $1, $1 }' >"$T/grp.csv"
src_grp="CREATE TABLE src (grp INT, id BIGINT, v STRING) WITH ('connector' = 'filesystem', 'path' = '$T/grp.csv', 'format' = 'csv');"
pidddl="CREATE TABLE $pid (grp int, id bigint, v text, writer_pid int, PRIMARY KEY (grp, id));
CREATE FUNCTION ${pid}_f() RETURNS trigger LANGUAGE plpgsql AS \$f\$
BEGIN NEW.writer_pid := pg_backend_pid(); RETURN NEW; END \$f\$;
CREATE TRIGGER ${pid}_t BEFORE INSERT ON $pid FOR EACH ROW EXECUTE FUNCTION ${pid}_f();"
"${PSQL[@]}" -c "$pidddl"
grp_cols="grp INT, id BIGINT, v STRING, PRIMARY KEY (grp, id) NOT ENFORCED"
job grp "$src_grp" "$grp_cols" "$conn, 'tablename' = '$pid', 'connection.pool.size' = '4',
  'sink.reshuffle-by-holo-distribution-key.enabled' = 'true'"
run_hf "$T/out" "$T/err" run "$T/grp.sql"
expect_rc 0 "reshuffle on PostgreSQL"
expect_grep "PostgreSQL has no distribution key; rows go to connections by primary key" "$T/err" "reshuffle on PostgreSQL"
[ "$("${PSQL[@]}" -c "SELECT count(*) FROM $pid")" = 300 ] || fail "reshuffle on PostgreSQL: rows missing"

# A fake Hologres: hg_version() answers, and the distribution key is
# recorded where Hologres keeps it.
"${PSQL[@]}" -c "CREATE DATABASE $fake"
psql -X -q -v ON_ERROR_STOP=1 -d "$fake" <<SQL
SET client_min_messages = warning;
CREATE FUNCTION hg_version() RETURNS text LANGUAGE sql AS \$\$ SELECT 'Hologres 3.0.10 (fake, PostgreSQL inside)' \$\$;
CREATE SCHEMA hologres;
CREATE TABLE hologres.hg_table_properties (table_namespace text, table_name text, property_key text, property_value text);
INSERT INTO hologres.hg_table_properties VALUES ('public', '$pid', 'distribution_key', 'grp');
$pidddl
SQL
fakeconn="'connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$fake', 'username' = '$PGUSER', 'password' = '', 'tablename' = '$pid', 'connection.pool.size' = '4'"
spread() {
    psql -X -q -At -d "$fake" -c "SELECT max(n) FROM (SELECT count(DISTINCT writer_pid) n FROM $pid GROUP BY grp) x"
}
for mode in true false; do
    psql -X -q -d "$fake" -c "TRUNCATE $pid"
    job grp "$src_grp" "$grp_cols" "$fakeconn, 'sink.reshuffle-by-holo-distribution-key.enabled' = '$mode'"
    run_hf "$T/out" "$T/err" run "$T/grp.sql"
    expect_rc 0 "fake Hologres, reshuffle $mode"
    [ "$(psql -X -q -At -d "$fake" -c "SELECT count(*) FROM $pid")" = 300 ] || fail "fake Hologres: rows missing"
    s=$(spread)
    if [ "$mode" = true ]; then
        expect_grep "rows go to connections by the distribution key (grp)" "$T/err" "fake Hologres reshuffle"
        [ "$s" = 1 ] || fail "reshuffle: a distribution-key value arrived over $s connections"
    else
        [ "$s" -gt 1 ] || fail "by primary key: every group arrived over one connection ($s)"
    fi
    echo "  fake Hologres, reshuffle $mode: at most $s connection(s) per distribution-key value"
done
job grp "$src_grp" "$grp_cols" "$fakeconn, 'sdkMode' = 'jdbc_fixed', 'jdbcRetryCount' = '1', 'jdbcRetrySleepStepMs' = '10'"
run_hf "$T/out" "$T/err" run "$T/grp.sql"
[ "$RC" -ne 0 ] || fail "fixed connection on a fake Hologres: PostgreSQL accepted type=fixed?"
expect_grep "fixed connections (startup option type=fixed)" "$T/err" "fixed on Hologres"
expect_grep "type=fixed" <(grep -v "startup option" "$T/err") "fixed refused by name"

# ---------------------------------------------------------------- 3
"${PSQL[@]}" -c "TRUNCATE $pid"
src_slow="CREATE TABLE src (grp INT, id BIGINT, v STRING) WITH ('connector' = 'datagen',
  'rows-per-second' = '2', 'number-of-rows' = '8', 'fields.grp.kind' = 'sequence',
  'fields.grp.start' = '1', 'fields.grp.end' = '8', 'fields.id.kind' = 'sequence',
  'fields.id.start' = '1', 'fields.id.end' = '8');"
for idle in default 200; do
    "${PSQL[@]}" -c "TRUNCATE $pid"
    extra=""
    [ "$idle" = default ] || extra=", 'jdbcConnectionMaxIdleMs' = '$idle'"
    job idle "$src_slow" "$grp_cols" "$conn, 'tablename' = '$pid', 'connectionSize' = '1',
  'jdbcWriteFlushInterval' = '50'$extra"
    run_hf "$T/out" "$T/err" run "$T/idle.sql"
    expect_rc 0 "max idle $idle"
    n=$("${PSQL[@]}" -c "SELECT count(*) || ' ' || count(DISTINCT writer_pid) FROM $pid")
    if [ "$idle" = default ]; then
        [ "$n" = "8 1" ] || fail "max idle default: rows/connections $n, expected 8 1"
    else
        [ "${n% *}" = 8 ] && [ "${n#* }" -ge 3 ] || fail "max idle 200 ms: rows/connections $n, expected 8 and >= 3"
    fi
    echo "  jdbcConnectionMaxIdleMs $idle: rows, connections = $n"
done


finish
