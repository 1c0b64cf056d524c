#!/usr/bin/env bash
# The jdbc connector ('connector' = 'jdbc', jdbc:postgresql:// URLs) against
# the private PostgreSQL, every result checked with psql:
# 1. Scans: the whole table, and partitioned by scan.partition.* (Flink's
#    BETWEEN ranges, logged per split), print exactly the rows psql
#    selects: with the partition options only the rows whose column lies
#    in [lower-bound, upper-bound] (NULLs and rows out of the bounds are
#    not read, as in Flink); with a filter pushed down too.
# 2. Upsert sink: a GROUP BY over a CSV file (a changelog of -U/+U) into a
#    table with a PRIMARY KEY, flushing every 7 rows over 3 connections,
#    equals PostgreSQL's own GROUP BY over the same file; a row of another
#    key is left alone and a column the job does not declare is kept.
# 3. Deletes: a debezium-json changelog (inserts, updates, deletes) equals
#    the events applied one by one inside PostgreSQL.
# 4. Append: without a PRIMARY KEY every row is INSERTed (duplicates kept);
#    into a table whose own key then conflicts the job fails with
#    PostgreSQL's duplicate-key error, as Flink's JDBC sink does.
# 5. The URL's user parameter and currentSchema are honoured; a URL with
#    the password in it never shows it in logs or errors.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
p=hf_jdbc_$$
url="jdbc:postgresql://127.0.0.1:$PGPORT/$PGDATABASE"
cred="'username' = '$PGUSER', 'password' = 'x'"

"${PSQL[@]}" <<SQL
SET client_min_messages = warning;
CREATE TABLE ${p}_t (id bigint, name text, v numeric(10, 2), f float8);
INSERT INTO ${p}_t SELECT i, 'n' || i, i / 4.0, i * 1.5 FROM generate_series(1, 5000) i;
INSERT INTO ${p}_t VALUES (NULL, 'no id', 1, 1), (NULL, 'no id 2', 2, 2),
  (0, 'zero', 0, 0), (-3, 'neg', 1, 1), (4001, 'just above', 1, 1);
CREATE SCHEMA ${p}_s;
CREATE TABLE ${p}_s.agg (k text PRIMARY KEY, cnt bigint, total numeric(20, 2),
  note text DEFAULT 'kept');
CREATE TABLE ${p}_in (k text, amount numeric(10, 2));
CREATE TABLE ${p}_app (id bigint, name text);
CREATE TABLE ${p}_pk (id bigint PRIMARY KEY, name text);
SQL

# --- 1. scans.
scan() { # NAME WITH-EXTRA WHERE
    cat >"$T/scan.sql" <<SQL
SET 'execution.runtime-mode' = 'batch';
CREATE TABLE src (id BIGINT, name STRING, v DECIMAL(10, 2), f DOUBLE) WITH (
  'connector' = 'jdbc', 'url' = '$url', 'table-name' = '${p}_t', $cred $2);
CREATE TABLE out (id BIGINT, name STRING, v DECIMAL(10, 2), f DOUBLE) WITH ('connector' = 'print');
INSERT INTO out SELECT * FROM src $3;
SQL
    run_hf "$T/out" "$T/err.$1" --log-level debug run "$T/scan.sql"
    expect_rc 0 "scan $1"
    [ "$RC" -eq 0 ] || tail -3 "$T/err.$1" >&2
    sed -E 's/^\+I\[(.*)\]$/\1/' "$T/out" | sort >"$T/got.$1"
}
# psql rows in print's form: NULL as null, floats as Java prints them.
ref() { # NAME WHERE
    "${PSQL[@]}" -F ', ' -c "SELECT coalesce(id::text, 'null'), name, v,
        CASE WHEN f = trunc(f) THEN trunc(f)::bigint || '.0' ELSE f::text END
        FROM ${p}_t $2" | sort >"$T/ref.$1"
}
part="'scan.partition.column' = 'id', 'scan.partition.num' = '7',
  'scan.partition.lower-bound' = '1', 'scan.partition.upper-bound' = '4000'"
scan all "" ""
ref all ""
expect_same "$T/ref.all" "$T/got.all" "whole-table scan"
scan part ", $part" ""
ref part "WHERE id BETWEEN 1 AND 4000"
expect_same "$T/ref.part" "$T/got.part" "partitioned scan"
[ "$(wc -l <"$T/got.part")" -eq 4000 ] || fail "partitioned scan: $(wc -l <"$T/got.part") rows, expected 4000"
# Flink's arithmetic for 7 splits of [1, 4000]: 572 values in the first 3
# splits, 571 in the others.
for r in "1 AND 572" "573 AND 1144" "1145 AND 1716" "1717 AND 2287" \
    "2288 AND 2858" "2859 AND 3429" "3430 AND 4000"; do
    expect_grep "WHERE (\"id\" BETWEEN $r)" "$T/err.part" "split [$r]"
done
expect_grep "jdbc source 'src': reading \"public\".\"${p}_t\" (4 columns, 7 splits, 7 readers" "$T/err.part" "split and reader count"
scan filt ", $part" "WHERE v > 100 AND name <> 'n777'"
ref filt "WHERE id BETWEEN 1 AND 4000 AND v > 100 AND name <> 'n777'"
expect_same "$T/ref.filt" "$T/got.filt" "partitioned scan with a pushed-down filter"
expect_grep "AND (" "$T/err.filt" "filter pushed down next to the range"
# More splits than values: one split per value.
scan many ", 'scan.partition.column' = 'id', 'scan.partition.num' = '50',
  'scan.partition.lower-bound' = '-3', 'scan.partition.upper-bound' = '1'" ""
ref many "WHERE id BETWEEN -3 AND 1"
expect_same "$T/ref.many" "$T/got.many" "5 values in 50 splits"
expect_grep "5 splits" "$T/err.many" "splits capped at the value count"

# --- 2. upsert sink from a GROUP BY changelog.
awk 'BEGIN { srand(11); for (i = 0; i < 4000; i++)
    printf "k%d,%d.%02d\n", int(rand() * 60), int(rand() * 1000), int(rand() * 100) }' >"$T/in.csv"
"${PSQL[@]}" -c "\\copy ${p}_in FROM '$T/in.csv' (FORMAT csv)"
"${PSQL[@]}" -c "INSERT INTO ${p}_s.agg VALUES ('other', 1, 1, 'x'), ('k1', 999, 999, 'kept')"
cat >"$T/agg.sql" <<SQL
CREATE TABLE src (k STRING, amount DECIMAL(10, 2)) WITH (
  'connector' = 'filesystem', 'path' = '$T/in.csv', 'format' = 'csv');
CREATE TABLE dst (k STRING, cnt BIGINT, total DECIMAL(20, 2), PRIMARY KEY (k) NOT ENFORCED) WITH (
  'connector' = 'jdbc', 'url' = '$url?currentSchema=${p}_s&user=$PGUSER', 'table-name' = 'agg',
  'sink.buffer-flush.max-rows' = '7', 'sink.parallelism' = '3');
INSERT INTO dst SELECT k, COUNT(*), SUM(amount) FROM src GROUP BY k;
SQL
run_hf "$T/out" "$T/err" run "$T/agg.sql"
expect_rc 0 "GROUP BY into the upsert sink"
[ "$RC" -eq 0 ] || tail -3 "$T/err" >&2
d=$("${PSQL[@]}" -c "SELECT count(*) FROM (
  (SELECT k, cnt, total, note FROM ${p}_s.agg EXCEPT ALL
   (SELECT k, count(*), sum(amount), 'kept' FROM ${p}_in GROUP BY k UNION ALL SELECT 'other', 1, 1, 'x'))
  UNION ALL
  ((SELECT k, count(*), sum(amount), 'kept' FROM ${p}_in GROUP BY k UNION ALL SELECT 'other', 1, 1, 'x')
   EXCEPT ALL SELECT k, cnt, total, note FROM ${p}_s.agg)) x")
[ "$d" = 0 ] || fail "upsert sink: $d rows differ from PostgreSQL's GROUP BY"

# --- 3. deletes: a debezium-json changelog.
awk 'BEGIN {
    srand(5)
    for (i = 0; i < 3000; i++) {
        k = int(rand() * 150) + 1; name = sprintf("n%d_%d", k, i)
        after = sprintf("{\"id\":%d,\"name\":\"%s\"}", k, name)
        if (!(k in cur)) {
            printf "{\"before\":null,\"after\":%s,\"op\":\"c\"}\n", after
            printf "%d\tU\t%d\t%s\n", i, k, name > "/dev/stderr"; cur[k] = after
        } else if (rand() < 0.6) {
            printf "{\"before\":%s,\"after\":%s,\"op\":\"u\"}\n", cur[k], after
            printf "%d\tU\t%d\t%s\n", i, k, name > "/dev/stderr"; cur[k] = after
        } else {
            printf "{\"before\":%s,\"after\":null,\"op\":\"d\"}\n", cur[k]
            printf "%d\tD\t%d\t\\N\n", i, k > "/dev/stderr"; delete cur[k]
        }
    }
}' >"$T/events.json" 2>"$T/events.tsv"
"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_ev (seq int, op text, id bigint, name text);
\copy ${p}_ev FROM '$T/events.tsv'
CREATE TABLE ${p}_ref (id bigint PRIMARY KEY, name text);
DO \$\$ DECLARE e record; BEGIN
  FOR e IN SELECT * FROM ${p}_ev ORDER BY seq LOOP
    IF e.op = 'U' THEN
      INSERT INTO ${p}_ref VALUES (e.id, e.name) ON CONFLICT (id) DO UPDATE SET name = excluded.name;
    ELSE DELETE FROM ${p}_ref WHERE id = e.id; END IF;
  END LOOP; END \$\$;
INSERT INTO ${p}_pk SELECT g, 'stale' FROM generate_series(1, 150, 2) g;
DELETE FROM ${p}_ref WHERE false;
SQL
# Keys the changelog never touches keep their stale row in both tables.
"${PSQL[@]}" -c "INSERT INTO ${p}_ref SELECT id, name FROM ${p}_pk WHERE id NOT IN (SELECT id FROM ${p}_ev)"
cat >"$T/del.sql" <<SQL
CREATE TABLE src (id BIGINT, name STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'filesystem', 'path' = '$T/events.json', 'format' = 'debezium-json');
CREATE TABLE dst (id BIGINT, name STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'jdbc', 'url' = '$url', 'table-name' = 'public.${p}_pk', $cred,
  'sink.buffer-flush.max-rows' = '13', 'sink.parallelism' = '2');
INSERT INTO dst SELECT * FROM src;
SQL
run_hf "$T/out" "$T/err" run "$T/del.sql"
expect_rc 0 "changelog into the upsert sink"
[ "$RC" -eq 0 ] || tail -3 "$T/err" >&2
d=$("${PSQL[@]}" -c "SELECT count(*) FROM ((TABLE ${p}_pk EXCEPT ALL TABLE ${p}_ref) UNION ALL (TABLE ${p}_ref EXCEPT ALL TABLE ${p}_pk)) x")
[ "$d" = 0 ] || fail "deletes: $d rows differ from the events applied in PostgreSQL"
n=$("${PSQL[@]}" -c "SELECT count(*) FROM ${p}_ev WHERE op = 'D'")
[ "$n" -gt 100 ] || fail "deletes: only $n deletes in the changelog"

# --- 4. append.
printf '1,a\n2,b\n1,a\n3,c\n' >"$T/app.csv"
app() { # TABLE
    cat >"$T/app.sql" <<SQL
CREATE TABLE src (id BIGINT, name STRING) WITH (
  'connector' = 'filesystem', 'path' = '$T/app.csv', 'format' = 'csv');
CREATE TABLE dst (id BIGINT, name STRING) WITH (
  'connector' = 'jdbc', 'url' = '$url', 'table-name' = '$1', $cred);
INSERT INTO dst SELECT * FROM src;
SQL
    run_hf "$T/out" "$T/err" run "$T/app.sql"
}
app "${p}_app"
expect_rc 0 "append"
[ "$("${PSQL[@]}" -c "SELECT string_agg(id || name, ' ' ORDER BY id, name) FROM ${p}_app")" = "1a 1a 2b 3c" ] ||
    fail "append: $("${PSQL[@]}" -c "TABLE ${p}_app")"
"${PSQL[@]}" -c "TRUNCATE ${p}_pk"
app "${p}_pk"
expect_rc 1 "append of a duplicate key into a table with its own key"
expect_grep "duplicate key" "$T/err" "PostgreSQL's duplicate-key error"

# --- 5. the password in the URL is never shown.
secret="S3cr3t-$$"
cat >"$T/pw.sql" <<SQL
CREATE TABLE src (id BIGINT, name STRING) WITH (
  'connector' = 'filesystem', 'path' = '$T/app.csv', 'format' = 'csv');
CREATE TABLE dst (id BIGINT, name STRING) WITH (
  'connector' = 'jdbc', 'url' = '$url?user=$PGUSER&password=$secret', 'table-name' = 'no_such_table_$p');
INSERT INTO dst SELECT * FROM src;
SQL
run_hf "$T/out" "$T/err" --log-level debug run "$T/pw.sql"
expect_rc 1 "missing table"
expect_grep "no_such_table_$p" "$T/err" "missing table named"
if grep -q "$secret" "$T/out" "$T/err"; then fail "the URL's password was printed"; fi
run_hf "$T/out" "$T/err" explain "$T/pw.sql"
if grep -q "$secret" "$T/out" "$T/err"; then fail "explain printed the URL's password"; fi

"${PSQL[@]}" -c "DROP TABLE ${p}_t, ${p}_in, ${p}_app, ${p}_pk, ${p}_ev, ${p}_ref; DROP SCHEMA ${p}_s CASCADE" >/dev/null
finish
