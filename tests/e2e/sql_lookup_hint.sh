#!/usr/bin/env bash
# Flink's LOOKUP query hint at plan time (no server: `holoflow explain` and
# `check` only). SELECT /*+ LOOKUP('table' = 'd', ...) */ applies to the
# lookup join of table d in that SELECT: explain shows what it changed
# (async, capacity as requests in flight, timeout, the retry on
# lookup_miss; no retry over a FULL cache), on a hologres and on a jdbc
# dimension; several LOOKUP hints in one block, each for its table. The
# refusals name the option or the hint at file:line:col: an unknown
# option, a value of the wrong kind, a missing 'table', an incomplete
# retry strategy, another predicate or strategy, an option given twice, a
# hint naming no lookup table of its SELECT (a name that is neither the
# table nor its alias, a table of another
# SELECT), Flink's other query hints (BROADCAST ...) and a second hint
# block. tests/integration/test_lookup_hint.sh runs the retry and the
# timeout against PostgreSQL.
. "$(dirname "$0")/lib.sh"
set -e

holo="'connector' = 'hologres', 'endpoint' = '127.0.0.1:9', 'dbname' = 'db', 'username' = 'u', 'password' = 'p'"
jdbc="'connector' = 'jdbc', 'url' = 'jdbc:postgresql://127.0.0.1:9/db', 'username' = 'u', 'password' = 'p'"
# job DIM-OPTIONS QUERY (the query on line 6)
job() {
    cat >"$T/job.sql" <<SQL
CREATE TABLE s (id BIGINT, k INT, k2 STRING, proc AS PROCTIME()) WITH ('connector' = 'datagen', 'number-of-rows' = '1');
CREATE TABLE d (k INT, name STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ($holo, 'tablename' = 'd'$1);
CREATE TABLE j (k INT, name STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ($jdbc, 'table-name' = 'j');
CREATE TABLE out (id BIGINT, name STRING) WITH ('connector' = 'blackhole');
CREATE TABLE out2 (id BIGINT, name STRING, name2 STRING) WITH ('connector' = 'blackhole');
$2
SQL
}
plan() { # WHAT DIM-OPTIONS QUERY EXPECTED
    job "$2" "$3"
    run_hf "$T/out" "$T/err" explain "$T/job.sql"
    expect_rc 0 "$1"
    [ "$RC" -eq 0 ] || cat "$T/err" >&2
    expect_grep "$4" "$T/out" "$1"
}
refuse() { # WHAT QUERY MESSAGE-WITH-POSITION
    job "" "$2"
    run_hf "$T/out" "$T/err" check "$T/job.sql"
    expect_rc 2 "$1"
    expect_grep "$3" "$T/err" "$1"
}
J="FROM s JOIN d FOR SYSTEM_TIME AS OF s.proc AS dd ON s.k = dd.k"

plan "async, capacity, timeout, retry" "" \
    "INSERT INTO out SELECT /*+ LOOKUP('table' = 'd', 'async' = 'true', 'output-mode' = 'allow_unordered', 'capacity' = '300', 'timeout' = '20s', 'retry-predicate' = 'lookup_miss', 'retry-strategy' = 'fixed_delay', 'fixed-delay' = '10s', 'max-attempts' = '3') */ s.id, dd.name $J;" \
    "lookup-join: INNER, table d, key (k = s.k), one-to-one, batch 128, async (3 in flight), cache NONE, LOOKUP hint (async, output allow_unordered, capacity 300 (3 requests), timeout 20000 ms, retry on lookup_miss every 10000 ms, 3 more attempts)"
plan "sync over the table's lookup.async" ", 'lookup.async' = 'true'" \
    "INSERT INTO out SELECT /*+ LOOKUP('table' = 'd', 'async' = 'false') */ s.id, dd.name $J;" \
    "batch 128, sync, cache NONE, LOOKUP hint (sync)"
plan "FULL cache: no retry" ", 'lookup.cache' = 'FULL'" \
    "INSERT INTO out SELECT /*+ LOOKUP('table' = 'd', 'retry-predicate' = 'LOOKUP_MISS', 'retry-strategy' = 'FIXED_DELAY', 'fixed-delay' = '1s', 'max-attempts' = '1') */ s.id, dd.name $J;" \
    "cache FULL, LOOKUP hint (no retry (FULL cache))"
plan "two hints, jdbc dimension" "" \
    "INSERT INTO out2 SELECT /*+ LOOKUP('table' = 'j', 'retry-predicate' = 'lookup_miss', 'retry-strategy' = 'fixed_delay', 'fixed-delay' = '500ms', 'max-attempts' = '1'), LOOKUP('table' = 'd', 'timeout' = '1 min') */ s.id, dd.name, jj.name $J LEFT JOIN LATERAL TABLE(j(s.k)) AS jj ON TRUE;" \
    "LEFT, table j, key (k = s.k), one-to-one, where TRUE, batch 128, sync, cache NONE, LOOKUP hint (retry on lookup_miss every 500 ms, 1 more attempt)"
expect_grep "table d, key (k = s.k), one-to-one, batch 128, sync, cache NONE, LOOKUP hint (timeout 60000 ms)" "$T/out" "two hints: d"
plan "no hint: unchanged" "" "INSERT INTO out SELECT s.id, dd.name $J;" \
    "batch 128, sync, cache NONE <- n2"

refuse "unknown option" \
    "INSERT INTO out SELECT /*+ LOOKUP('table' = 'd', 'retries' = '3') */ s.id, dd.name $J;" \
    "job.sql:6:50: error: LOOKUP hint: unknown option 'retries'; the options are 'table', 'async'"
refuse "bad boolean" \
    "INSERT INTO out SELECT /*+ LOOKUP('table' = 'd', 'async' = 'yes') */ s.id, dd.name $J;" \
    "job.sql:6:60: error: LOOKUP hint: 'async' = 'yes' is not valid; expected 'true' or 'false'"
refuse "bad output mode" \
    "INSERT INTO out SELECT /*+ LOOKUP('table' = 'd', 'output-mode' = 'unordered') */ s.id, dd.name $J;" \
    "LOOKUP hint: 'output-mode' = 'unordered' is not valid; expected 'ordered' or 'allow_unordered'"
refuse "bad capacity" \
    "INSERT INTO out SELECT /*+ LOOKUP('table' = 'd', 'capacity' = '0') */ s.id, dd.name $J;" \
    "LOOKUP hint: 'capacity' = '0' is not valid; expected a positive integer"
refuse "bad timeout" \
    "INSERT INTO out SELECT /*+ LOOKUP('table' = 'd', 'timeout' = 'soon') */ s.id, dd.name $J;" \
    "LOOKUP hint: 'timeout' = 'soon' is not valid; expected a duration"
refuse "no table" \
    "INSERT INTO out SELECT /*+ LOOKUP('async' = 'true') */ s.id, dd.name $J;" \
    "job.sql:6:28: error: LOOKUP hint: 'table' is required"
refuse "incomplete retry" \
    "INSERT INTO out SELECT /*+ LOOKUP('table' = 'd', 'retry-predicate' = 'lookup_miss', 'max-attempts' = '3') */ s.id, dd.name $J;" \
    "LOOKUP hint: 'retry-strategy' is missing; a retry needs all of"
refuse "other predicate" \
    "INSERT INTO out SELECT /*+ LOOKUP('table' = 'd', 'retry-predicate' = 'error', 'retry-strategy' = 'fixed_delay', 'fixed-delay' = '1s', 'max-attempts' = '3') */ s.id, dd.name $J;" \
    "LOOKUP hint: 'retry-predicate' = 'error' is not valid; the only retry predicate is 'lookup_miss'"
refuse "other strategy" \
    "INSERT INTO out SELECT /*+ LOOKUP('table' = 'd', 'retry-predicate' = 'lookup_miss', 'retry-strategy' = 'exponential', 'fixed-delay' = '1s', 'max-attempts' = '3') */ s.id, dd.name $J;" \
    "the only retry strategy is 'fixed_delay'"
refuse "option twice" \
    "INSERT INTO out SELECT /*+ LOOKUP('table' = 'd', 'async' = 'true', 'async' = 'false') */ s.id, dd.name $J;" \
    "LOOKUP hint: option 'async' is given twice"
plan "the alias names the table (Flink, FLINK-28850)" "" \
    "INSERT INTO out SELECT /*+ LOOKUP('table' = 'dd', 'timeout' = '5s') */ s.id, dd.name $J;" \
    "table d, key (k = s.k), one-to-one, batch 128, sync, cache NONE, LOOKUP hint (timeout 5000 ms)"
refuse "a name that is neither" \
    "INSERT INTO out SELECT /*+ LOOKUP('table' = 'ddd') */ s.id, dd.name $J;" \
    "job.sql:6:28: error: LOOKUP hint: 'table' = 'ddd' names no lookup table of this SELECT"
refuse "table of another SELECT" \
    "INSERT INTO out SELECT /*+ LOOKUP('table' = 'd') */ x.id, x.name FROM (SELECT s.id, dd.name $J) x;" \
    "LOOKUP hint: 'table' = 'd' names no lookup table of this SELECT"
refuse "other query hint" \
    "INSERT INTO out SELECT /*+ BROADCAST(d) */ s.id, dd.name $J;" \
    "job.sql:6:28: error: query hint BROADCAST is not supported; holoflow knows the LOOKUP hint"
refuse "two hint blocks" \
    "INSERT INTO out SELECT /*+ LOOKUP('table' = 'd') */ /*+ LOOKUP('table' = 'd') */ s.id, dd.name $J;" \
    "only one hint block follows SELECT"
finish
