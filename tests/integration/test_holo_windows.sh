#!/usr/bin/env bash
# Differential test of event-time windows: 3000 random events (a key, a
# value, a time that runs forward with up to 40 s of disorder) in a csv
# file -> TUMBLE 5 min window counts and sums per key (window TVF) and per
# window (legacy GROUP BY TUMBLE), written by the hologres sink; compared
# with PostgreSQL's own date_bin groups over the same events (COPY of the
# same file). The watermark delay (1 min) exceeds the disorder, so no row
# is late; watermarks are emitted after every batch of 97 rows, so windows
# fire while the file is read, not only at its end. Run at parallelism 1
# and 2 (window aggregates in two instances, docs/parallelism.md).
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
p=hf_w_$$
export PGOPTIONS="-c client_min_messages=warning"
trap '"${PSQL[@]}" -c "DROP TABLE IF EXISTS ${p}_raw, ${p}_k, ${p}_w" >/dev/null 2>&1; rm -rf "$T"' EXIT

# The events, drawn by PostgreSQL with a fixed seed (one session).
"${PSQL[@]}" -F, -c "SELECT setseed(0.42)" -c "
  SELECT to_char(to_timestamp(1700000000 + i * 2 + floor(random() * 40))
           AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
         'k' || floor(random() * 5)::int, floor(random() * 1000)::int - 200
  FROM generate_series(0, 2999) AS i" | grep -v '^$' >"$T/events.csv"
[ "$(wc -l <"$T/events.csv")" -eq 3000 ] || fail "events: $(wc -l <"$T/events.csv") lines"

"${PSQL[@]}" -c "CREATE TABLE ${p}_raw (ts timestamp(3), k text, v int);
  CREATE TABLE ${p}_k (ws timestamp(3), we timestamp(3), k text, cnt bigint,
    total bigint, PRIMARY KEY (ws, k));
  CREATE TABLE ${p}_w (ws timestamp(3), we timestamp(3), cnt bigint,
    total bigint, mx int, PRIMARY KEY (ws))"
"${PSQL[@]}" -c "\\copy ${p}_raw FROM '$T/events.csv' WITH (FORMAT csv)"

for par in 1 2; do
"${PSQL[@]}" -c "TRUNCATE ${p}_k, ${p}_w"
cat >"$T/job.sql" <<SQL
SET 'pipeline.auto-watermark-interval' = '0';
SET 'parallelism.default' = '$par';
SET 'holoflow.batch.rows' = '97';
CREATE TABLE ev (ts TIMESTAMP(3), k STRING, v INT,
  WATERMARK FOR ts AS ts - INTERVAL '1' MINUTE)
WITH ('connector' = 'filesystem', 'path' = '$T/events.csv', 'format' = 'csv');
CREATE TABLE byk (ws TIMESTAMP(3), we TIMESTAMP(3), k STRING, cnt BIGINT,
  total BIGINT, PRIMARY KEY (ws, k) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT',
  'dbname' = '$PGDATABASE', 'tablename' = '${p}_k', 'username' = '$PGUSER',
  'password' = '');
CREATE TABLE byw (ws TIMESTAMP(3), we TIMESTAMP(3), cnt BIGINT,
  total BIGINT, mx INT, PRIMARY KEY (ws) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT',
  'dbname' = '$PGDATABASE', 'tablename' = '${p}_w', 'username' = '$PGUSER',
  'password' = '');
BEGIN STATEMENT SET;
INSERT INTO byk SELECT window_start, window_end, k, COUNT(*), SUM(CAST(v AS BIGINT))
FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '5' MINUTES))
GROUP BY window_start, window_end, k;
INSERT INTO byw SELECT TUMBLE_START(ts, INTERVAL '5' MINUTE),
  TUMBLE_END(ts, INTERVAL '5' MINUTE), COUNT(*), SUM(CAST(v AS BIGINT)), MAX(v)
FROM ev GROUP BY TUMBLE(ts, INTERVAL '5' MINUTE);
END;
SQL
run_hf "$T/out" "$T/err" run "$T/job.sql"
expect_rc 0 "window job, parallelism $par"
if grep -q "late row" "$T/err"; then fail "rows were late:"; cat "$T/err" >&2; fi

"${PSQL[@]}" -c "SELECT ws, we, k, cnt, total FROM ${p}_k ORDER BY ws, k" >"$T/got_k"
"${PSQL[@]}" -c "SELECT date_bin('5 minutes', ts, '2000-01-01'),
    date_bin('5 minutes', ts, '2000-01-01') + interval '5 minutes', k,
    count(*), sum(v) FROM ${p}_raw GROUP BY 1, 2, 3 ORDER BY 1, 3" >"$T/want_k"
[ "$(wc -l <"$T/want_k")" -gt 100 ] || fail "too few groups: $(wc -l <"$T/want_k")"
expect_same "$T/want_k" "$T/got_k" "TUMBLE counts and sums per key vs date_bin, parallelism $par"

"${PSQL[@]}" -c "SELECT ws, we, cnt, total, mx FROM ${p}_w ORDER BY ws" >"$T/got_w"
"${PSQL[@]}" -c "SELECT date_bin('5 minutes', ts, '2000-01-01'),
    date_bin('5 minutes', ts, '2000-01-01') + interval '5 minutes',
    count(*), sum(v), max(v) FROM ${p}_raw GROUP BY 1, 2 ORDER BY 1" >"$T/want_w"
expect_same "$T/want_w" "$T/got_w" "GROUP BY TUMBLE per window vs date_bin, parallelism $par"
done
finish
