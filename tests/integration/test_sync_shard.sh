#!/usr/bin/env bash
# holoflow sync --shard I/N: N processes, each taking every N-th split,
# load one table together; the result must be exactly the table psql
# loads from the same data.
#  - file reader, two-level key=value tree (12 files, gzip among them):
#    --shard 0/2 and 1/2 run at the same time into a keyed table, and into
#    a LIST-partitioned parent whose children neither shard finds (both
#    create the same children concurrently);
#  - postgresqlreader over a partitioned parent (splits = its children)
#    and over a plain table (splits = page ranges), 2 channels x 3 shards;
#  - --print-sql carries source.shard / source.scan.shard;
#  - refused by name: truncate, preSql with N > 1, a streamreader, a
#    malformed I/N.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
export PGOPTIONS="-c client_min_messages=warning"
p=hf_shard_$$
URL="jdbc:postgresql://127.0.0.1:$PGPORT/$PGDATABASE"

same_rows() { # QUERY_A QUERY_B WHAT
    local n
    n=$("${PSQL[@]}" -c "SELECT count(*) FROM ((($1) EXCEPT ALL ($2)) UNION ALL (($2) EXCEPT ALL ($1))) d")
    [ "$n" = 0 ] || fail "$3: $n row(s) differ"
}
# run_shards N JOB [ARGS...]: N processes --shard 0/N .. N-1/N at once
run_shards() {
    local n=$1 job=$2 i pids=() rc
    shift 2
    for ((i = 0; i < n; i++)); do
        "$HOLOFLOW" sync "$job" --shard "$i/$n" --report-json "$T/rep$i.json" "$@" >"$T/out$i" 2>"$T/err$i" &
        pids+=($!)
    done
    for ((i = 0; i < n; i++)); do
        rc=0
        wait "${pids[$i]}" || rc=$?
        [ "$rc" = 0 ] || { fail "shard $i/$n of $job: exit $rc"; cat "$T/err$i" >&2; }
    done
}

# ---- data: 2 dates x 6 hours, 200 rows a file; one file gzip'd
for d in 20261202 20261203; do
    for t in 10 11 12 13 14 15; do
        mkdir -p "$T/tree/sale_date=$d/sale_time=$t"
        awk -v d=$d -v t=$t 'BEGIN { for (i = 1; i <= 200; i++) printf "shop%d,c%s%s%03d,%d\n", i % 9, d, t, i, i * 3 + t }' \
            >"$T/tree/sale_date=$d/sale_time=$t/part-0.csv"
    done
done
awk -F, -v OFS=, '{ split(FILENAME, a, "/"); for (k in a) { if (a[k] ~ /^sale_date=/) d = substr(a[k], 11); if (a[k] ~ /^sale_time=/) t = substr(a[k], 11) } print $0, d, t }' \
    "$T"/tree/*/*/part-0.csv >"$T/ref.csv"
gzip "$T/tree/sale_date=20261203/sale_time=12/part-0.csv"
"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_ref (shop_name text, customer_id text, total_price int8, sale_date text, sale_time text);
\copy ${p}_ref FROM '$T/ref.csv' csv
CREATE TABLE ${p}_keyed (shop_name text, customer_id text PRIMARY KEY, total_price int8, sale_date text, sale_time text);
CREATE TABLE ${p}_part (shop_name text, customer_id text, total_price int8, sale_date text, sale_time text) PARTITION BY LIST (sale_date);
SQL
[ "$("${PSQL[@]}" -c "SELECT count(*) FROM ${p}_ref")" = 2400 ] || fail "reference rows"

filejob() { # TABLE [EXTRA_WRITER_PARAMS]
    cat <<JSON
{"job": {"setting": {"speed": {"channel": 2}, "errorLimit": {"record": 0}},
  "content": [{
    "reader": {"name": "txtfilereader", "parameter": {"path": ["$T/tree/*/*/*"], "fieldDelimiter": ",",
      "column": [{"index": 0, "type": "string"}, {"index": 1, "type": "string"}, {"index": 2, "type": "long"},
                 {"type": "partition", "name": "sale_date"}, {"type": "partition", "name": "sale_time"}]}},
    "writer": {"name": "hologresjdbcwriter", "parameter": {"username": "$PGUSER", "password": "",
      "column": ["shop_name", "customer_id", "total_price", "sale_date", "sale_time"],
      "connection": [{"jdbcUrl": "$URL", "table": ["$1"]}], "writeMode": "REPLACE"${2:-}}}}]}}
JSON
}

# ---- 1. files -> keyed table, 2 shards at once
filejob "${p}_keyed" >"$T/keyed.json"
run_shards 2 "$T/keyed.json"
same_rows "TABLE ${p}_keyed" "TABLE ${p}_ref" "2 file shards -> keyed table"
for i in 0 1; do
    expect_grep "\"shard\": \"$i/2\"" "$T/rep$i.json" "report of shard $i"
    w=$(sed -n 's/.*"records_written": \([0-9]*\).*/\1/p' "$T/rep$i.json")
    [ "${w:-0}" -gt 0 ] && [ "$w" -lt 2400 ] || fail "shard $i/2 wrote $w rows: not a share"
done
expect_grep "shard 0/2 reads 6 of 12 files" "$T/err0" "shard 0 log line"

# ---- 2. files -> LIST-partitioned parent, children created by both
filejob "${p}_part" >"$T/part.json"
run_shards 2 "$T/part.json"
same_rows "TABLE ${p}_part" "TABLE ${p}_ref" "2 file shards -> LIST-partitioned parent"
n=$("${PSQL[@]}" -c "SELECT count(*) FROM pg_inherits WHERE inhparent = '${p}_part'::regclass")
[ "$n" = 2 ] || fail "children of ${p}_part: $n, expected 2"

# ---- 3. database reader: partitioned parent (children) and plain table
# (page ranges), 2 channels x 3 shards
"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_src (LIKE ${p}_ref);
INSERT INTO ${p}_src SELECT shop_name, customer_id || '-' || g, total_price + g, sale_date, sale_time
  FROM ${p}_ref, generate_series(1, 10) g;
CREATE TABLE ${p}_psrc (LIKE ${p}_ref) PARTITION BY LIST (sale_time);
SQL
for t in 10 11 12 13 14 15; do "${PSQL[@]}" -c "CREATE TABLE ${p}_psrc_$t PARTITION OF ${p}_psrc FOR VALUES IN ('$t')"; done
"${PSQL[@]}" -c "INSERT INTO ${p}_psrc SELECT * FROM ${p}_src; CREATE TABLE ${p}_dst (LIKE ${p}_ref)"
dbjob() { # SOURCE
    cat <<JSON
{"job": {"setting": {"speed": {"channel": 2}},
  "content": [{
    "reader": {"name": "postgresqlreader", "parameter": {"username": "$PGUSER", "password": "",
      "column": ["*"], "splitPk": "total_price", "connection": [{"jdbcUrl": ["$URL"], "table": ["$1"]}]}},
    "writer": {"name": "postgresqlwriter", "parameter": {"username": "$PGUSER", "password": "",
      "column": ["*"], "connection": [{"jdbcUrl": "$URL", "table": ["${p}_dst"]}]}}}]}}
JSON
}
for src in "${p}_psrc" "${p}_src"; do
    "${PSQL[@]}" -c "TRUNCATE ${p}_dst"
    dbjob "$src" >"$T/db.json"
    run_shards 3 "$T/db.json"
    same_rows "TABLE ${p}_dst" "TABLE ${p}_src" "3 database shards from $src"
    for i in 0 1 2; do
        w=$(sed -n 's/.*"records_written": \([0-9]*\).*/\1/p' "$T/rep$i.json")
        [ "${w:-0}" -gt 0 ] && [ "$w" -lt 24000 ] || fail "$src: shard $i/3 wrote $w rows: not a share"
    done
done

# ---- 4. --print-sql carries the shard
run_hf "$T/job.sql" "$T/err" sync "$T/keyed.json" --shard 1/2 --print-sql
expect_rc 0 "print-sql --shard (files)"
expect_grep "'source.shard' = '1/2'" "$T/job.sql" "print-sql files shard"
run_hf "$T/job.sql" "$T/err" sync "$T/db.json" --shard 2/3 --print-sql
expect_rc 0 "print-sql --shard (database)"
expect_grep "'source.scan.shard' = '2/3'" "$T/job.sql" "print-sql database shard"
"${PSQL[@]}" -c "TRUNCATE ${p}_dst"
run_hf "$T/out" "$T/err" run "$T/job.sql"
expect_rc 0 "printed shard job runs"
n=$("${PSQL[@]}" -c "SELECT count(*) FROM ${p}_dst")
[ "$n" -gt 0 ] && [ "$n" -lt 24000 ] || fail "printed shard 2/3 job wrote $n rows"

# ---- 5. refusals, by name, before anything runs
"${PSQL[@]}" -c "INSERT INTO ${p}_keyed VALUES ('keep', 'keep', 1, 'x', 'y')"
filejob "${p}_keyed" ', "truncate": true' >"$T/trunc.json"
run_hf "$T/out" "$T/err" sync "$T/trunc.json" --shard 0/2
expect_rc 2 "truncate with --shard"
expect_grep "truncate cannot be sharded" "$T/err" "truncate refusal"
filejob "${p}_keyed" ', "preSql": ["DELETE FROM @table"]' >"$T/pre.json"
run_hf "$T/out" "$T/err" sync "$T/pre.json" --shard 1/2
expect_rc 2 "preSql with --shard"
expect_grep "preSql would run once in every shard" "$T/err" "preSql refusal"
[ "$("${PSQL[@]}" -c "SELECT count(*) FROM ${p}_keyed WHERE customer_id = 'keep'")" = 1 ] || fail "a refused shard touched the table"
run_hf "$T/out" "$T/err" sync "$T/trunc.json" --shard 0/1 --print-sql
expect_rc 0 "truncate with --shard 0/1 (the whole job)"
run_hf "$T/out" "$T/err" sync "$T/keyed.json" --shard 2/2
expect_rc 2 "--shard 2/2"
expect_grep "--shard takes I/N" "$T/err" "malformed shard"
cat >"$T/stream.json" <<JSON
{"job": {"content": [{
  "reader": {"name": "streamreader", "parameter": {"sliceRecordCount": 7, "column": [{"type": "long", "value": "1"}]}},
  "writer": {"name": "postgresqlwriter", "parameter": {"username": "$PGUSER", "password": "",
    "column": ["total_price"], "connection": [{"jdbcUrl": "$URL", "table": ["${p}_dst"]}]}}}]}}
JSON
run_hf "$T/out" "$T/err" sync "$T/stream.json" --shard 0/2
expect_rc 2 "streamreader with --shard"
expect_grep "has no splits to share out" "$T/err" "streamreader refusal"

"${PSQL[@]}" -c "DROP TABLE ${p}_ref, ${p}_keyed, ${p}_part, ${p}_src, ${p}_psrc, ${p}_dst"
finish
