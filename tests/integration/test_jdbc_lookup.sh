#!/usr/bin/env bash
# The jdbc connector as a lookup (dimension) table against the private
# PostgreSQL: a stream read by a jdbc scan (with a PROCTIME() column) is
# joined with `JOIN dim FOR SYSTEM_TIME AS OF s.proc` where dim is a
# 'connector' = 'jdbc' table, written back by the jdbc sink, and the
# result must equal the same join computed by PostgreSQL (EXCEPT ALL both
# ways). Covered: LEFT one-to-one (missing and NULL keys give NULLs) and
# INNER one-to-many with a residual condition, for each of Flink JDBC's
# cache settings: none, 'lookup.cache' = 'PARTIAL' with
# lookup.partial-cache.* (smaller than the key set: evictions), the
# deprecated lookup.cache.max-rows/.ttl pair (a cache, shown by explain
# and the summary), 'lookup.cache' = 'FULL' (accepted, run uncached as in
# Flink, with a note), and the Flink 1.10 'connector.type' = 'jdbc' DDL
# with connector.lookup.cache.*; two lookup joins chained on the same
# s.proc; plus lookup.max-retries resending
# requests over a connection broken in flight (failpoint
# holo.lookup.break-in-flight), counted as retries in the summary. The
# JSON summary (--summary-json) has the lookup's counters as the text does.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
p=hf_jlk_$$
url="jdbc:postgresql://127.0.0.1:$PGPORT/$PGDATABASE"
cred="'username' = '$PGUSER', 'password' = 'x'"
NS=${HF_LOOKUP_STREAM:-20000}
ND=${HF_LOOKUP_DIM:-2000}

"${PSQL[@]}" <<SQL
SET client_min_messages = warning;
CREATE TABLE ${p}_s (id bigint, k int, k2 text);
CREATE TABLE ${p}_d (k int PRIMARY KEY, name text, v numeric(10, 2));
CREATE TABLE ${p}_m (k int, k2 text, x int);
CREATE TABLE ${p}_o1 (id bigint, k int, name text, v numeric(10, 2));
CREATE TABLE ${p}_o2 (id bigint, k int, k2 text, x int);
INSERT INTO ${p}_s SELECT i, CASE WHEN i % 10 = 0 THEN NULL WHEN i % 3 = 0 THEN i % 50
  ELSE (i::int8 * 7919) % ($ND * 6 / 5) END, 'a' || (i % 3) FROM generate_series(1, $NS) i;
INSERT INTO ${p}_d SELECT i, 'n' || i, i / 4.0 FROM generate_series(1, $ND) i;
INSERT INTO ${p}_m SELECT i % ($ND / 4), 'a' || (i % 3), i FROM generate_series(1, $ND) i;
CREATE TABLE ${p}_w1 AS SELECT s.id, s.k, d.name, d.v FROM ${p}_s s LEFT JOIN ${p}_d d ON s.k = d.k;
CREATE TABLE ${p}_w2 AS SELECT s.id, s.k, s.k2, m.x FROM ${p}_s s
  JOIN ${p}_m m ON s.k = m.k AND s.k2 = m.k2 AND m.x % 7 <> 0;
SQL

compare() { # table want label
    local d
    d=$("${PSQL[@]}" -c "SELECT count(*) FROM ((SELECT * FROM $1 EXCEPT ALL SELECT * FROM $2)
      UNION ALL (SELECT * FROM $2 EXCEPT ALL SELECT * FROM $1)) x")
    [ "$d" = 0 ] || {
        fail "$3: $d rows differ from PostgreSQL's join"
        "${PSQL[@]}" -c "(SELECT * FROM $2 EXCEPT ALL SELECT * FROM $1) LIMIT 3" >&2
    }
}

jdbc="'connector' = 'jdbc', 'url' = '$url', $cred"
# job DIM-WITH (the whole WITH of the dimension tables, '%T' for the table)
job() {
    local dw1=${1//%T/${p}_d} dw2=${1//%T/${p}_m}
    cat >"$T/job.sql" <<SQL
CREATE TABLE s (id BIGINT, k INT, k2 STRING, proc AS PROCTIME())
  WITH ($jdbc, 'table-name' = '${p}_s');
CREATE TABLE d (k INT, name STRING, v DECIMAL(10, 2), PRIMARY KEY (k) NOT ENFORCED)
  WITH ($dw1);
CREATE TABLE m (k INT, k2 STRING, x INT) WITH ($dw2);
CREATE TABLE o1 (id BIGINT, k INT, name STRING, v DECIMAL(10, 2))
  WITH ($jdbc, 'table-name' = '${p}_o1', 'sink.buffer-flush.max-rows' = '5000');
CREATE TABLE o2 (id BIGINT, k INT, k2 STRING, x INT)
  WITH ($jdbc, 'table-name' = '${p}_o2', 'sink.buffer-flush.max-rows' = '5000');
INSERT INTO o1 SELECT s.id, s.k, dd.name, dd.v FROM s
  LEFT JOIN d FOR SYSTEM_TIME AS OF s.proc AS dd ON s.k = dd.k;
INSERT INTO o2 SELECT s.id, s.k, s.k2, mm.x FROM s
  JOIN m FOR SYSTEM_TIME AS OF s.proc AS mm ON mm.k = s.k AND s.k2 = mm.k2 AND mm.x % 7 <> 0;
SQL
}

run_case() { # label dim-with explain-cache
    local label=$1
    "${PSQL[@]}" -c "TRUNCATE ${p}_o1, ${p}_o2"
    job "$2"
    run_hf "$T/exp" "$T/err" explain "$T/job.sql"
    expect_rc 0 "$label: explain"
    expect_grep "lookup-join: LEFT, table d, key (k = s.k), one-to-one, batch 128, sync, cache $3" "$T/exp" "$label: explain"
    run_hf "$T/out" "$T/err" run "$T/job.sql" --summary-json "$T/summary.json"
    expect_rc 0 "$label"
    [ "$RC" -eq 0 ] || { tail -5 "$T/err" >&2; return; }
    compare "${p}_o1" "${p}_w1" "$label: LEFT one-to-one"
    compare "${p}_o2" "${p}_w2" "$label: INNER one-to-many"
}

run_case "no cache" "$jdbc, 'table-name' = '%T'" NONE
grep -q "lookup 'd': $NS rows in, $NS rows out, [0-9]* keys asked in [0-9]* requests$" "$T/err" ||
    fail "no cache: summary line of lookup 'd' (no cache part)"
run_case "PARTIAL" "$jdbc, 'table-name' = '%T', 'lookup.cache' = 'PARTIAL',
  'lookup.partial-cache.max-rows' = '1000', 'lookup.partial-cache.expire-after-write' = '1h',
  'lookup.partial-cache.cache-missing-key' = 'false'" PARTIAL
grep -Eq "lookup 'd': $NS rows in, $NS rows out, .*cache: [1-9][0-9]* hits, [0-9]+ misses, [1-9][0-9]* evictions, 0 expired, 1000 keys" "$T/err" ||
    fail "PARTIAL: summary shows hits and evictions with 1000 keys held"
# The JSON summary's lookups hold the same counters as the text line.
line=$(grep "lookup 'd':" "$T/err")
python3 - "$T/summary.json" "$line" <<'PY' || fail "PARTIAL: JSON summary's lookups differ from the text summary"
import json, re, sys
d = [l for l in json.load(open(sys.argv[1]))["lookups"] if l["table"] == "d"][0]
m = re.search(r"(\d+) rows in, (\d+) rows out, (\d+) keys asked in (\d+) requests; "
              r"cache: (\d+) hits, (\d+) misses, (\d+) evictions, (\d+) expired, "
              r"(\d+) keys in (\d+) bytes", sys.argv[2])
want = dict(zip(["rows_in", "rows_out", "keys_asked", "requests", "cache_hits",
                 "cache_misses", "cache_evictions", "cache_expired",
                 "cache_records", "cache_bytes"], map(int, m.groups())))
got = {k: d[k] for k in want}
assert d["cache"] == "PARTIAL" and d["connector"] == "jdbc" and got == want, (got, want)
PY
run_case "deprecated lookup.cache.max-rows/.ttl" "$jdbc, 'table-name' = '%T',
  'lookup.cache.max-rows' = '1000', 'lookup.cache.ttl' = '10min'" PARTIAL
grep -Eq "lookup 'd': .*cache: [1-9][0-9]* hits, .* 1000 keys" "$T/err" ||
    fail "deprecated pair: a cache of 1000 rows"
run_case "FULL (run uncached, as Flink's JDBC)" "$jdbc, 'table-name' = '%T', 'lookup.cache' = 'FULL'" NONE
expect_grep "'lookup.cache' = 'FULL' is accepted and the lookups run without a cache" "$T/err" "FULL: note"
run_case "Flink 1.10 connector.type DDL" "'connector.type' = 'jdbc', 'connector.url' = '$url',
  'connector.table' = '%T', 'connector.username' = '$PGUSER', 'connector.password' = 'x',
  'connector.lookup.cache.max-rows' = '100', 'connector.lookup.cache.ttl' = '1min',
  'connector.lookup.max-retries' = '2'" PARTIAL
# A connection broken with requests in flight: lookup.max-retries resends.
export HF_FAILPOINTS=holo.lookup.break-in-flight=3
run_case "connection broken in flight" "$jdbc, 'table-name' = '%T', 'lookup.max-retries' = '2'" NONE
unset HF_FAILPOINTS
expect_grep "reconnecting and sending" "$T/err" "broken connection: retried"
grep -Eq "lookup '[dm]': .* [1-9][0-9]* retries" "$T/err" ||
    fail "broken connection: the retry is counted in the summary"

# Two lookup joins chained on the same s.proc (LEFT one-to-one, then
# INNER one-to-many), equal to PostgreSQL's join.
"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_o3 (id bigint, name text, x int);
CREATE TABLE ${p}_w3 AS SELECT s.id, d.name, m.x FROM ${p}_s s LEFT JOIN ${p}_d d ON s.k = d.k
  JOIN ${p}_m m ON m.k = s.k AND m.k2 = s.k2;
SQL
cat >"$T/chain.sql" <<SQL
CREATE TABLE s (id BIGINT, k INT, k2 STRING, proc AS PROCTIME()) WITH ($jdbc, 'table-name' = '${p}_s');
CREATE TABLE d (k INT, name STRING, v DECIMAL(10, 2), PRIMARY KEY (k) NOT ENFORCED)
  WITH ($jdbc, 'table-name' = '${p}_d');
CREATE TABLE m (k INT, k2 STRING, x INT) WITH ($jdbc, 'table-name' = '${p}_m');
CREATE TABLE o3 (id BIGINT, name STRING, x INT) WITH ($jdbc, 'table-name' = '${p}_o3');
INSERT INTO o3 SELECT s.id, dd.name, mm.x FROM s
  LEFT JOIN d FOR SYSTEM_TIME AS OF s.proc AS dd ON s.k = dd.k
  JOIN m FOR SYSTEM_TIME AS OF s.proc AS mm ON mm.k = s.k AND mm.k2 = s.k2;
SQL
run_hf "$T/out" "$T/err" run "$T/chain.sql"
expect_rc 0 "chained lookup joins"
[ "$RC" -eq 0 ] || tail -5 "$T/err" >&2
compare "${p}_o3" "${p}_w3" "chained lookup joins"
"${PSQL[@]}" -c "DROP TABLE ${p}_o3, ${p}_w3"

# Plan-time rules of Flink's JDBC factory still apply to a lookup table.
job "$jdbc, 'table-name' = '%T', 'lookup.cache' = 'PARTIAL'"
run_hf "$T/out" "$T/err" check "$T/job.sql"
expect_rc 2 "PARTIAL without eviction refused"
expect_grep "The cache will not have evictions" "$T/err" "PARTIAL without eviction refused"

"${PSQL[@]}" -c "DROP TABLE ${p}_s, ${p}_d, ${p}_m, ${p}_o1, ${p}_o2, ${p}_w1, ${p}_w2"
finish
