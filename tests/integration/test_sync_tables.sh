#!/usr/bin/env bash
# holoflow sync with several reader tables (DataX's sharded tables:
# connection[] with several entries, table[] with several names, several
# querySql): every table is a bounded source of its own and their rows go
# UNION ALL into the one writer, on the same engine as holoflow run.
#  - 3 sharded source tables (one of them empty) over 2 connection[]
#    entries, whose first jdbcUrl array starts with an unreachable URL
#    (the first reachable is used, as in DataX), into a keyed table with
#    channel 1 and channel 3: exactly the rows psql computes;
#  - --shard 0/2 and 1/2 at once: exact together, each a share;
#  - --print-sql: three sources, UNION ALL; the printed job run with
#    holoflow run gives the same table;
#  - querySql with several queries, also in two shards (one each);
#  - --preview and --create-table (from the first table);
#  - tables agree by engine type (text and varchar) for the sync and
#    --create-table alike; queries of another column count refused by both;
#  - refused, naming the table and the column: a table whose mapped column
#    has another type, or lacks it (also for --create-table); a writer with
#    several tables or several URLs; two unreachable URLs (each listed as
#    host:port/db, no query string; a URL's port and database its own); a
#    URL without a database; a non-PostgreSQL URL (no query string shown);
#    a connection[] entry without a table (named).
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
export PGOPTIONS="-c client_min_messages=warning"
p=hf_tabs_$$
URL="jdbc:postgresql://127.0.0.1:$PGPORT/$PGDATABASE"
# a port nothing listens on: PostgreSQL's own port on a closed socket
DEAD=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BAD="jdbc:postgresql://127.0.0.1:$DEAD/$PGDATABASE"

same_rows() { # QUERY_A QUERY_B WHAT
    local n
    n=$("${PSQL[@]}" -c "SELECT count(*) FROM ((($1) EXCEPT ALL ($2)) UNION ALL (($2) EXCEPT ALL ($1))) d")
    [ "$n" = 0 ] || fail "$3: $n row(s) differ"
}

"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_s0 (id int8 PRIMARY KEY, name text, amount numeric(10,2), d date);
CREATE TABLE ${p}_s1 (LIKE ${p}_s0 INCLUDING ALL);
CREATE TABLE ${p}_s2 (LIKE ${p}_s0 INCLUDING ALL);
INSERT INTO ${p}_s0 SELECT g, 'n' || g, g / 4.0, DATE '2026-12-01' + (g % 30) FROM generate_series(1, 20000) g;
INSERT INTO ${p}_s1 SELECT g, NULL, g / 8.0, NULL FROM generate_series(20001, 31000) g;
CREATE TABLE ${p}_ref AS SELECT * FROM ${p}_s0 UNION ALL SELECT * FROM ${p}_s1 UNION ALL SELECT * FROM ${p}_s2;
CREATE TABLE ${p}_dst (LIKE ${p}_s0 INCLUDING ALL);
SQL

CONNS='[{"jdbcUrl": ["'$BAD'", "'$URL'"], "table": ["'${p}_s0'", "'${p}_s1'"]}, {"jdbcUrl": ["'$URL'"], "table": ["'${p}_s2'"]}]'
job() { # CHANNELS [READER_CONNECTION_JSON] [WRITER_TABLES]
    local conns=${2:-$CONNS} wt=${3:-\"${p}_dst\"}
    cat <<JSON
{"job": {"setting": {"speed": {"channel": $1}, "errorLimit": {"record": 0}},
  "content": [{
    "reader": {"name": "postgresqlreader", "parameter": {"username": "$PGUSER", "password": "",
      "column": ["id", "name", "amount", "d"], "splitPk": "id",
      "connection": $conns}},
    "writer": {"name": "postgresqlwriter", "parameter": {"username": "$PGUSER", "password": "",
      "column": ["id", "name", "amount", "d"],
      "connection": [{"jdbcUrl": "$URL", "table": [$wt]}]}}}]}}
JSON
}

# ---- 1. three tables (one empty), channel 1 and channel 3
for ch in 1 3; do
    "${PSQL[@]}" -c "TRUNCATE ${p}_dst"
    job "$ch" >"$T/job$ch.json"
    run_hf "$T/out" "$T/err" sync "$T/job$ch.json"
    expect_rc 0 "3 tables, channel $ch"
    same_rows "TABLE ${p}_dst" "TABLE ${p}_ref" "3 tables, channel $ch"
    expect_grep "Total records written     :              31000" "$T/err" "channel $ch report"
done

# ---- 2. two shards at once
"${PSQL[@]}" -c "TRUNCATE ${p}_dst"
pids=()
for i in 0 1; do
    "$HOLOFLOW" sync "$T/job3.json" --shard "$i/2" --report-json "$T/rep$i.json" >"$T/out$i" 2>"$T/err$i" &
    pids+=($!)
done
for i in 0 1; do
    rc=0
    wait "${pids[$i]}" || rc=$?
    [ "$rc" = 0 ] || { fail "shard $i/2: exit $rc"; cat "$T/err$i" >&2; }
    w=$(sed -n 's/.*"records_written": \([0-9]*\).*/\1/p' "$T/rep$i.json")
    [ "${w:-0}" -gt 0 ] && [ "$w" -lt 31000 ] || fail "shard $i/2 wrote $w rows: not a share"
done
same_rows "TABLE ${p}_dst" "TABLE ${p}_ref" "3 tables, --shard 0/2 + 1/2"
# split k of table t belongs to shard (k + t) mod N: the second table
# starts one shard further
expect_grep "'sync_src_2': shard 1/2 reads" "$T/err0" "shard 0 reads table 2 from shard 1/2's splits"

# ---- 3. --print-sql: the same table with holoflow run
run_hf "$T/job.sql" "$T/err" sync "$T/job3.json" --print-sql
expect_rc 0 "print-sql"
[ "$(grep -c '^CREATE TEMPORARY TABLE sync_src' "$T/job.sql")" = 3 ] || fail "print-sql: not 3 sources"
[ "$(grep -c '^UNION ALL$' "$T/job.sql")" = 2 ] || fail "print-sql: not 2 UNION ALL"
expect_grep "'tablename' = '${p}_s2'" "$T/job.sql" "print-sql third table"
expect_grep "'endpoint' = '127.0.0.1:$PGPORT'" "$T/job.sql" "print-sql reachable URL"
"${PSQL[@]}" -c "TRUNCATE ${p}_dst"
run_hf "$T/out" "$T/err" run "$T/job.sql"
expect_rc 0 "printed job runs"
same_rows "TABLE ${p}_dst" "TABLE ${p}_ref" "printed job"

# ---- 4. several querySql
"${PSQL[@]}" -c "TRUNCATE ${p}_dst"
job 2 "[{\"jdbcUrl\": [\"$URL\"], \"querySql\": [\"SELECT id, name, amount, d FROM ${p}_s0 WHERE id <= 100\", \"SELECT id, name, amount, d FROM ${p}_s1 WHERE id > 30990\"]}]" >"$T/q.json"
run_hf "$T/out" "$T/err" sync "$T/q.json"
expect_rc 0 "two queries"
same_rows "TABLE ${p}_dst" "SELECT * FROM ${p}_ref WHERE id <= 100 OR id > 30990" "two queries"
# one split per query: query t goes to shard t mod N
"${PSQL[@]}" -c "TRUNCATE ${p}_dst"
for i in 0 1; do
    run_hf "$T/out" "$T/err$i" sync "$T/q.json" --shard "$i/2"
    expect_rc 0 "two queries, shard $i/2"
done
expect_grep "Total records written     :                100" "$T/err0" "shard 0/2 reads the first query"
expect_grep "Total records written     :                 10" "$T/err1" "shard 1/2 reads the second query"
same_rows "TABLE ${p}_dst" "SELECT * FROM ${p}_ref WHERE id <= 100 OR id > 30990" "two queries in two shards"

# ---- 5. --preview and --create-table
run_hf "$T/out" "$T/err" sync "$T/job1.json" --preview --preview-rows 3
expect_rc 0 "preview"
expect_grep "(3 rows)" "$T/out" "preview rows"
run_hf "$T/out" "$T/err" sync "$T/job1.json" --create-table
expect_rc 0 "create-table"
expect_grep '"amount" NUMERIC(10,2)' "$T/out" "create-table from the first table"
# tables agree by their engine types, as the sync checks them:
# varchar(40) and text are both STRING
"${PSQL[@]}" -c "ALTER TABLE ${p}_s1 ALTER COLUMN name TYPE varchar(40)"
run_hf "$T/out" "$T/err" sync "$T/job1.json" --create-table
expect_rc 0 "create-table, text and varchar"
run_hf "$T/out" "$T/err" sync "$T/job1.json" --print-sql
expect_rc 0 "sync, text and varchar"
# queries with another column count: refused by both
job 2 "[{\"jdbcUrl\": \"$URL\", \"querySql\": [\"SELECT id, name, amount, d FROM ${p}_s0\", \"SELECT id, name, amount FROM ${p}_s1\"]}]" >"$T/q3.json"
for opt in --create-table --print-sql; do
    run_hf "$T/out" "$T/err" sync "$T/q3.json" $opt
    expect_rc 2 "queries of 4 and 3 columns, $opt"
    expect_grep "querySql[1]: 3 columns, querySql[0] has 4" "$T/err" "column count, $opt"
done

# ---- 6. refusals
"${PSQL[@]}" -c "ALTER TABLE ${p}_s2 ALTER COLUMN amount TYPE float8"
"${PSQL[@]}" -c "TRUNCATE ${p}_dst; INSERT INTO ${p}_dst VALUES (-1, 'keep', 0, NULL)"
run_hf "$T/out" "$T/err" sync "$T/job1.json"
expect_rc 2 "a table with another column type"
expect_grep "table '${p}_s2' column 'amount': double precision, the first has numeric(10,2)" "$T/err" "type mismatch names table and column"
run_hf "$T/out" "$T/err" sync "$T/job1.json" --create-table
expect_rc 2 "create-table with disagreeing tables"
expect_grep "table '${p}_s2' column 'amount'" "$T/err" "create-table mismatch"
"${PSQL[@]}" -c "ALTER TABLE ${p}_s2 DROP COLUMN amount"
run_hf "$T/out" "$T/err" sync "$T/job1.json"
expect_rc 2 "a table without a mapped column"
expect_grep "table '${p}_s2': no column 'amount'" "$T/err" "missing column names table and column"
[ "$("${PSQL[@]}" -c "SELECT count(*) FROM ${p}_dst")" = 1 ] || fail "a refused sync wrote"
job 1 "" "\"${p}_dst\", \"${p}_ref\"" >"$T/w.json"
run_hf "$T/out" "$T/err" sync "$T/w.json"
expect_rc 2 "several writer tables"
expect_grep "holoflow writes one table per job (DataX's rdbms writers spread the rows" "$T/err" "writer refusal"
# two unreachable URLs: both probed, each listed as host:port/db (the
# second's port its own default, not the first's; no query string)
job 1 "[{\"jdbcUrl\": [\"$BAD\", \"jdbc:postgresql://127.0.0.3/nodb_$$?password=sekret\"], \"table\": [\"${p}_s0\"]}]" >"$T/dead.json"
run_hf "$T/out" "$T/err" sync "$T/dead.json" --print-sql
expect_rc 2 "two unreachable jdbcUrls"
expect_grep "connection[0].jdbcUrl: none of the 2 URLs is reachable (127.0.0.1:$DEAD/$PGDATABASE, 127.0.0.3:5432/nodb_$$;" "$T/err" "unreachable URLs listed"
grep -q sekret "$T/err" && fail "the URL's query string was printed"
# a URL naming no database takes none from the URL before it
job 1 "[{\"jdbcUrl\": [\"$BAD\", \"jdbc:postgresql://127.0.0.1:$PGPORT\"], \"table\": [\"${p}_s0\"]}]" >"$T/nodb.json"
run_hf "$T/out" "$T/err" sync "$T/nodb.json" --print-sql
expect_rc 2 "a jdbcUrl without a database"
expect_grep "connection[0].jdbcUrl[1]: 'jdbc:postgresql://127.0.0.1:$PGPORT' names no host or database" "$T/err" "no database inherited"
# not a PostgreSQL URL: printed without its query string
job 1 "[{\"jdbcUrl\": \"jdbc:mysql://127.0.0.1/db?user=u&password=sekret\", \"table\": [\"${p}_s0\"]}]" >"$T/my.json"
run_hf "$T/out" "$T/err" sync "$T/my.json" --print-sql
expect_rc 2 "a mysql URL"
expect_grep "'jdbc:mysql://127.0.0.1/db' is not a jdbc:postgresql" "$T/err" "mysql URL refused"
grep -q sekret "$T/err" && fail "the URL's password was printed"
# a writer takes one URL
job 1 | sed "s|\"jdbcUrl\": \"$URL\", \"table\": \[\"${p}_dst\"\]|\"jdbcUrl\": [\"$URL\", \"$URL\"], \"table\": [\"${p}_dst\"]|" >"$T/w2.json"
grep -q "\[\"$URL\", \"$URL\"\]" "$T/w2.json" || fail "test: writer URL array not made"
run_hf "$T/out" "$T/err" sync "$T/w2.json" --print-sql
expect_rc 2 "a writer with two URLs"
expect_grep "writer.parameter.connection[0].jdbcUrl: 2 URLs; a writer takes one" "$T/err" "writer URL array refused"
# a connection[] entry without a table is named
job 1 "[{\"jdbcUrl\": \"$URL\", \"table\": [\"${p}_s0\"]}, {\"jdbcUrl\": \"$URL\"}]" >"$T/notab.json"
run_hf "$T/out" "$T/err" sync "$T/notab.json" --print-sql
expect_rc 2 "a connection without a table"
expect_grep "connection[1]: no table given" "$T/err" "connection without a table named"

"${PSQL[@]}" -c "DROP TABLE ${p}_s0, ${p}_s1, ${p}_s2, ${p}_ref, ${p}_dst"
finish
