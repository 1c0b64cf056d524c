#!/usr/bin/env bash
# Lookup joins against the private PostgreSQL: a stream table (read by the
# hologres bounded scan, with a PROCTIME() column) joined with dimension
# tables through the hologres connector as a lookup table, written back
# through the hologres sink; the result must equal the same join computed
# by PostgreSQL (EXCEPT ALL both ways). Covered: LEFT (missing keys give
# NULLs) and INNER, one-to-one (keys = primary key) and one-to-many (a
# two-column key that is not a key), a residual condition on the
# dimension, the LATERAL TABLE(dim(a)) form of seed 001 and its legacy
# connector.* DDL with a two-column key (both forms), a connection
# broken with requests in flight (failpoint holo.lookup.break-in-flight:
# lookup.max-retries resends them), each without
# cache, with a PARTIAL cache smaller than the key set, with the older
# cache='LRU' spelling and with a FULL cache, sync and async. Sizes:
# HF_LOOKUP_STREAM (default 100000) stream rows, HF_LOOKUP_DIM (10000)
# dimension rows; 1000000 and 100000 for the issue's scale.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
p=hf_lk_$$
NS=${HF_LOOKUP_STREAM:-100000}
ND=${HF_LOOKUP_DIM:-10000}

"${PSQL[@]}" <<SQL
SET client_min_messages = warning;
CREATE TABLE ${p}_s (id bigint, k int, k2 text);
CREATE TABLE ${p}_d (k int PRIMARY KEY, name text, v numeric(10, 2), ts timestamp(6));
CREATE TABLE ${p}_m (k int, k2 text, x int);
CREATE TABLE ${p}_o1 (id bigint, k int, name text, v numeric(10, 2), ts timestamp(6));
CREATE TABLE ${p}_o2 (id bigint, k int, k2 text, x int);
-- keys 0 and above ND*1.2 miss; some keys repeat a lot.
INSERT INTO ${p}_s SELECT i, CASE WHEN i % 10 = 0 THEN NULL WHEN i % 3 = 0 THEN i % 50
  ELSE (i::int8 * 7919) % ($ND * 6 / 5) END,
  'a' || (i % 3) FROM generate_series(1, $NS) i;
INSERT INTO ${p}_d SELECT i, 'n' || i || E'\t"q"', i / 4.0, timestamp '2020-01-01' + i * interval '1 second'
  FROM generate_series(1, $ND) i;
INSERT INTO ${p}_m SELECT i % ($ND / 4), 'a' || (i % 3), i FROM generate_series(1, $ND) i;
SQL

conn="'connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE', 'username' = '$PGUSER', 'password' = 'x'"
dcols="k INT, name STRING, v DECIMAL(10, 2), ts TIMESTAMP(6), PRIMARY KEY (k) NOT ENFORCED"

# The PostgreSQL answers.
"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_w1 AS SELECT s.id, s.k, d.name, d.v, d.ts FROM ${p}_s s LEFT JOIN ${p}_d d ON s.k = d.k;
CREATE TABLE ${p}_w2 AS SELECT s.id, s.k, s.k2, m.x FROM ${p}_s s JOIN ${p}_m m ON s.k = m.k AND s.k2 = m.k2 AND m.x % 7 <> 0;
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

run_case() { # label dim-options form
    local label=$1 dopts=$2 form=$3
    "${PSQL[@]}" -c "TRUNCATE ${p}_o1, ${p}_o2"
    local join1="LEFT JOIN d FOR SYSTEM_TIME AS OF s.proc AS dd ON s.k = dd.k"
    local sel1="s.id, s.k, dd.name, dd.v, dd.ts"
    if [ "$form" = lateral ]; then
        join1="LEFT JOIN LATERAL TABLE(d(s.k)) AS dd ON TRUE"
    fi
    cat >"$T/job.sql" <<SQL
CREATE TABLE s (id BIGINT, k INT, k2 STRING, proc AS PROCTIME())
  WITH ($conn, 'tablename' = '${p}_s', 'source.binlog' = 'false');
CREATE TABLE d ($dcols) WITH ($conn, 'tablename' = '${p}_d'$dopts);
CREATE TABLE m (k INT, k2 STRING, x INT) WITH ($conn, 'tablename' = '${p}_m'$dopts);
CREATE TABLE o1 (id BIGINT, k INT, name STRING, v DECIMAL(10, 2), ts TIMESTAMP(6))
  WITH ($conn, 'tablename' = '${p}_o1', 'sink.write-mode' = 'COPY_STREAM');
CREATE TABLE o2 (id BIGINT, k INT, k2 STRING, x INT)
  WITH ($conn, 'tablename' = '${p}_o2', 'sink.write-mode' = 'COPY_STREAM');
INSERT INTO o1 SELECT $sel1 FROM s $join1;
INSERT INTO o2 SELECT s.id, s.k, s.k2, mm.x FROM s
  JOIN m FOR SYSTEM_TIME AS OF s.proc AS mm ON mm.k = s.k AND s.k2 = mm.k2 AND mm.x % 7 <> 0;
SQL
    run_hf "$T/out" "$T/err" run "$T/job.sql"
    expect_rc 0 "$label"
    [ "$RC" -eq 0 ] || { tail -5 "$T/err" >&2; return; }
    compare "${p}_o1" "${p}_w1" "$label: LEFT one-to-one"
    compare "${p}_o2" "${p}_w2" "$label: INNER one-to-many"
}

run_case "no cache, sync" "" on
run_case "no cache, async" ", 'lookup.async' = 'true', 'lookup.read.batch-size' = '32', 'lookup.read.batch-queue-size' = '8'" on
run_case "PARTIAL cache, sync" ", 'lookup.cache' = 'PARTIAL', 'lookup.partial-cache.max-rows' = '500'" on
grep -q "lookup 'd': $NS rows in, $NS rows out, .* evictions" "$T/err" ||
    fail "PARTIAL: no summary line for lookup 'd'"
run_case "LRU (older spelling), async" ", 'cache' = 'LRU', 'cacheSize' = '1000', 'cacheTTLMs' = '60000', 'async' = 'true'" on
run_case "FULL cache" ", 'lookup.cache' = 'FULL'" on
run_case "LATERAL TABLE, no cache" "" lateral
# The connection breaks with requests in flight: they are sent again.
export HF_FAILPOINTS=holo.lookup.break-in-flight=7
run_case "connection broken in flight, async" ", 'lookup.async' = 'true', 'lookup.read.batch-size' = '64', 'lookup.read.batch-queue-size' = '4'" on
unset HF_FAILPOINTS
expect_grep "reconnecting and sending" "$T/err" "broken connection: retried"

# Seed 001's legacy DDL (connector.type, connector.*) for a dimension
# with a two-column primary key, in both of its forms.
"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_h (a int, b text, c text, PRIMARY KEY (a, b));
INSERT INTO ${p}_h SELECT i % 400, 'a' || (i % 3), 'c' || i FROM generate_series(1, 1200) i;
CREATE TABLE ${p}_w3 AS SELECT s.id, h.a, h.b, h.c FROM ${p}_s s JOIN ${p}_h h ON s.k = h.a AND s.k2 = h.b;
CREATE TABLE ${p}_o3 (id bigint, a int, b text, c text);
CREATE TABLE ${p}_s3 AS SELECT id, k AS x, k2 AS y FROM ${p}_s;
SQL
for form in join lateral; do
    "${PSQL[@]}" -c "TRUNCATE ${p}_o3"
    if [ $form = join ]; then
        q="SELECT src.id, h.a, h.b, h.c FROM src JOIN hologreslookup FOR SYSTEM_TIME AS OF src.proc as h ON src.x = h.a AND src.y = h.b"
    else
        q="SELECT id, a, b, c FROM src, LATERAL TABLE(hologreslookup(x, y))"
    fi
    cat >"$T/legacy.sql" <<SQL
CREATE TABLE src (id BIGINT, x INT, y STRING, proc AS PROCTIME())
  WITH ($conn, 'tablename' = '${p}_s3', 'source.binlog' = 'false');
CREATE TABLE hologreslookup (a INT, b STRING, c STRING, PRIMARY KEY (a, b) NOT ENFORCED) WITH (
  'connector.type' = 'hologres', 'connector.database' = '$PGDATABASE',
  'connector.table' = '${p}_h', 'connector.username' = '$PGUSER',
  'connector.password' = 'x', 'connector.endpoint' = '$PGHOST:$PGPORT');
CREATE TABLE o3 (id BIGINT, a INT, b STRING, c STRING)
  WITH ($conn, 'tablename' = '${p}_o3', 'sink.write-mode' = 'COPY_STREAM');
INSERT INTO o3 $q;
SQL
    run_hf "$T/out" "$T/err" run "$T/legacy.sql"
    expect_rc 0 "seed 001 legacy lookup ($form)"
    [ "$RC" -eq 0 ] || tail -5 "$T/err" >&2
    compare "${p}_o3" "${p}_w3" "seed 001 legacy lookup ($form)"
done
"${PSQL[@]}" -c "DROP TABLE ${p}_h, ${p}_w3, ${p}_o3, ${p}_s3"

# Refusals, by name.
cat >"$T/bad.sql" <<SQL
CREATE TABLE s (id BIGINT, k INT, ts TIMESTAMP(3), proc AS PROCTIME(), WATERMARK FOR ts AS ts)
  WITH ('connector' = 'datagen', 'number-of-rows' = '1');
CREATE TABLE d ($dcols) WITH ($conn, 'tablename' = '${p}_d');
CREATE TABLE o (id BIGINT, name STRING) WITH ('connector' = 'blackhole');
INSERT INTO o SELECT s.id, dd.name FROM s JOIN d FOR SYSTEM_TIME AS OF s.ts AS dd ON s.k = dd.k;
SQL
run_hf "$T/out" "$T/err" check "$T/bad.sql"
expect_rc 2 "event time refused"
expect_grep "event-time temporal joins are not supported" "$T/err" "event time refused"
sed -i 's/AS OF s.ts AS dd ON s.k = dd.k/AS OF s.proc AS dd ON s.id > 0/' "$T/bad.sql"
run_hf "$T/out" "$T/err" check "$T/bad.sql"
expect_rc 2 "no key refused"
expect_grep "needs an equality between a column of 'dd'" "$T/err" "no key refused"

"${PSQL[@]}" -c "DROP TABLE ${p}_s, ${p}_d, ${p}_m, ${p}_o1, ${p}_o2, ${p}_w1, ${p}_w2"
finish
