#!/usr/bin/env bash
# Lookup joins at plan time (no server: `holoflow explain` and `check`
# only): both syntaxes (`JOIN dim FOR SYSTEM_TIME AS OF s.proc` and seed
# 001's `LATERAL TABLE(dim(a))`) give a lookup-join node whose explain
# line names the join type, the key pairs, one-to-one vs one-to-many,
# the residual, the batch size, sync/async and the cache (from each
# spelling: lookup.cache, cache=LRU/ALL); and the refusals, by name:
# event time, no key equality, RIGHT/FULL, a connector without lookups,
# LATERAL without a primary key or with the wrong number of arguments,
# FOR SYSTEM_TIME AS OF outside a join, a key type with no common type.
# tests/integration/test_holo_lookup.sh runs the joins against PostgreSQL.
. "$(dirname "$0")/lib.sh"
set -e

conn="'connector' = 'hologres', 'endpoint' = '127.0.0.1:9', 'dbname' = 'db', 'username' = 'u', 'password' = 'p'"
# job DIM-OPTIONS QUERY
job() {
    cat >"$T/job.sql" <<SQL
CREATE TABLE s (id BIGINT, k INT, k2 STRING, ts TIMESTAMP(3), proc AS PROCTIME(),
  WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'number-of-rows' = '1');
CREATE TABLE d (k INT, name STRING, x INT, PRIMARY KEY (k) NOT ENFORCED)
  WITH ($conn, 'tablename' = 'd'$1);
CREATE TABLE m (k INT, k2 STRING, x INT) WITH ($conn, 'tablename' = 'm'$1);
CREATE TABLE f (k INT, name STRING) WITH ('connector' = 'datagen');
CREATE TABLE out (id BIGINT, name STRING) WITH ('connector' = 'blackhole');
$2
SQL
}
# plan WHAT DIM-OPTIONS QUERY EXPECTED-NODE-LINE
plan() {
    job "$2" "$3"
    run_hf "$T/out" "$T/err" explain "$T/job.sql"
    expect_rc 0 "$1"
    [ "$RC" -eq 0 ] || cat "$T/err" >&2
    expect_grep "$4" "$T/out" "$1"
}
# refuse WHAT QUERY MESSAGE
refuse() {
    job "" "$2"
    run_hf "$T/out" "$T/err" check "$T/job.sql"
    expect_rc 2 "$1"
    expect_grep "$3" "$T/err" "$1"
}

plan "LEFT, primary key: one-to-one" "" \
    "INSERT INTO out SELECT s.id, dd.name FROM s LEFT JOIN d FOR SYSTEM_TIME AS OF s.proc AS dd ON s.k = dd.k;" \
    "lookup-join: LEFT, table d, key (k = s.k), one-to-one, batch 128, sync, cache NONE <- n2"
plan "INNER, two keys (one a constant), residual: one-to-many" \
    ", 'lookup.cache' = 'PARTIAL', 'lookup.async' = 'true', 'lookup.read.batch-size' = '32'" \
    "INSERT INTO out SELECT s.id, mm.k2 FROM s JOIN m FOR SYSTEM_TIME AS OF s.proc AS mm ON mm.k = s.k + 1 AND s.k2 = mm.k2 AND mm.x > s.id;" \
    "lookup-join: INNER, table m, key (k = s.k + 1, k2 = s.k2), one-to-many, where mm.x > s.id, batch 32, async (64 in flight), cache PARTIAL"
plan "LATERAL TABLE (seed 001), older cache spelling" ", 'cache' = 'LRU', 'cacheSize' = '5'" \
    "INSERT INTO out SELECT s.id, h.name FROM s, LATERAL TABLE(d(s.k)) AS h;" \
    "lookup-join: INNER, table d, key (k = s.k), one-to-one, batch 128, sync, cache PARTIAL"
plan "LEFT JOIN LATERAL ... ON TRUE, cache ALL" ", 'cache' = 'ALL'" \
    "INSERT INTO out SELECT s.id, h.name FROM s LEFT JOIN LATERAL TABLE(d(s.k)) AS h ON TRUE;" \
    "lookup-join: LEFT, table d, key (k = s.k), one-to-one, where TRUE, batch 128, sync, cache FULL"
plan "lookup.cache wins over cache" ", 'cache' = 'LRU', 'lookup.cache' = 'NONE'" \
    "INSERT INTO out SELECT s.id, h.name FROM s, LATERAL TABLE(d(s.k)) AS h;" \
    "one-to-one, batch 128, sync, cache NONE"

refuse "event time" \
    "INSERT INTO out SELECT s.id, dd.name FROM s JOIN d FOR SYSTEM_TIME AS OF s.ts AS dd ON s.k = dd.k;" \
    "event-time temporal joins are not supported"
refuse "no key" \
    "INSERT INTO out SELECT s.id, dd.name FROM s JOIN d FOR SYSTEM_TIME AS OF s.proc AS dd ON s.k > dd.k;" \
    "needs an equality between a column of 'dd' and the left side"
refuse "RIGHT" \
    "INSERT INTO out SELECT s.id, dd.name FROM s RIGHT JOIN d FOR SYSTEM_TIME AS OF s.proc AS dd ON s.k = dd.k;" \
    "a lookup join is INNER or LEFT"
refuse "connector without lookups" \
    "INSERT INTO out SELECT s.id, ff.name FROM s JOIN f FOR SYSTEM_TIME AS OF s.proc AS ff ON s.k = ff.k;" \
    "table 'f' cannot be a lookup table: connector 'datagen' does not answer lookups"
refuse "proctime temporal join with a non-lookup table is named so" \
    "INSERT INTO out SELECT s.id, ff.name FROM s JOIN f FOR SYSTEM_TIME AS OF s.proc AS ff ON s.k = ff.k;" \
    "a processing-time temporal join, which Flink does not support either"
refuse "rowtime temporal join with a non-lookup table is named so" \
    "INSERT INTO out SELECT s.id, ff.name FROM s JOIN f FOR SYSTEM_TIME AS OF s.ts AS ff ON s.k = ff.k;" \
    "FOR SYSTEM_TIME AS OF a rowtime would be an event-time temporal join"
refuse "LATERAL without primary key" \
    "INSERT INTO out SELECT s.id, h.k2 FROM s, LATERAL TABLE(m(s.k)) AS h;" \
    "passes the values of the PRIMARY KEY of 'm', which declares none"
refuse "LATERAL argument count" \
    "INSERT INTO out SELECT s.id, h.name FROM s, LATERAL TABLE(d(s.k, s.k2)) AS h;" \
    "LATERAL TABLE(d(...)) takes 1 argument, the values of its PRIMARY KEY, not 2"
refuse "FOR SYSTEM_TIME outside a join" \
    "INSERT INTO out SELECT 1, name FROM d FOR SYSTEM_TIME AS OF PROCTIME();" \
    "FOR SYSTEM_TIME AS OF belongs to the right side of a join"
refuse "key types" \
    "INSERT INTO out SELECT s.id, dd.name FROM s JOIN d FOR SYSTEM_TIME AS OF s.proc AS dd ON s.k2 = dd.k;" \
    "the lookup join compares STRING with column 'k' of 'd' (INT); add a CAST"
finish
