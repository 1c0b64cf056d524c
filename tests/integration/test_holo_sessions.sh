#!/usr/bin/env bash
# Differential test of session windows: 3000 random events (20 keys, a time
# that runs forward with up to 40 s of disorder and a 10-minute pause every
# 150 events) in a csv file -> sessions with a 90 s gap, as the SESSION
# window TVF (PARTITION BY k) and as the legacy GROUP BY k, SESSION(...),
# written by the hologres sink; compared with PostgreSQL's gaps-and-islands
# over the same events: per key, sorted by time, a new session starts where
# a row is more than the gap after the previous one (windows [ts, ts+gap)
# that touch merge, as Flink's TimeWindow.intersects). The watermark delay
# (1 min) exceeds the disorder and no row can join a session after it
# fired, so nothing is late; watermarks follow every batch of 97 rows, so
# sessions fire while the file is read. Run on the hashmap and the rocksdb
# backends, at parallelism 1 and 2 (session aggregates keyed by k, two
# instances: the same tables).
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
p=hf_sess_$$
export PGOPTIONS="-c client_min_messages=warning"
trap '"${PSQL[@]}" -c "DROP TABLE IF EXISTS ${p}_raw, ${p}_t, ${p}_l" >/dev/null 2>&1; rm -rf "$T"' EXIT

"${PSQL[@]}" -F, -c "SELECT setseed(0.17)" -c "
  SELECT to_char(to_timestamp(1700000000 + i * 3 + 600 * (i / 150)
                              + floor(random() * 40))
           AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
         'k' || floor(random() * 20)::int, floor(random() * 1000)::int - 200
  FROM generate_series(0, 2999) AS i" | grep -v '^$' >"$T/events.csv"
[ "$(wc -l <"$T/events.csv")" -eq 3000 ] || fail "events: $(wc -l <"$T/events.csv") lines"

"${PSQL[@]}" -c "CREATE TABLE ${p}_raw (ts timestamp(3), k text, v int)"
"${PSQL[@]}" -c "\\copy ${p}_raw FROM '$T/events.csv' WITH (FORMAT csv)"
"${PSQL[@]}" -c "SELECT k, min(ts), max(ts) + interval '90 seconds', count(*), sum(v), max(v)
  FROM (SELECT *, count(*) FILTER (WHERE d IS NULL OR d > interval '90 seconds')
                    OVER (PARTITION BY k ORDER BY ts ROWS UNBOUNDED PRECEDING) AS sid
        FROM (SELECT *, ts - lag(ts) OVER (PARTITION BY k ORDER BY ts) AS d
              FROM ${p}_raw) o) s
  GROUP BY k, sid ORDER BY 1, 2" >"$T/want"
[ "$(wc -l <"$T/want")" -gt 200 ] || fail "too few sessions: $(wc -l <"$T/want")"

for run in hashmap:1 rocksdb:1 hashmap:2 rocksdb:2; do
    backend=${run%:*} par=${run#*:}
    "${PSQL[@]}" -c "DROP TABLE IF EXISTS ${p}_t, ${p}_l;
      CREATE TABLE ${p}_t (k text, ws timestamp(3), we timestamp(3), cnt bigint,
        total bigint, mx int, PRIMARY KEY (k, ws));
      CREATE TABLE ${p}_l (k text, ws timestamp(3), we timestamp(3), cnt bigint,
        total bigint, mx int, PRIMARY KEY (k, ws))"
    cat >"$T/job.sql" <<SQL
SET 'pipeline.auto-watermark-interval' = '0';
SET 'holoflow.batch.rows' = '97';
SET 'state.backend.type' = '$backend';
SET 'state.checkpoints.dir' = '$T/ck-$backend-$par';
SET 'parallelism.default' = '$par';
CREATE TABLE ev (ts TIMESTAMP(3), k STRING, v INT,
  WATERMARK FOR ts AS ts - INTERVAL '1' MINUTE)
WITH ('connector' = 'filesystem', 'path' = '$T/events.csv', 'format' = 'csv');
CREATE TABLE tvf (k STRING, ws TIMESTAMP(3), we TIMESTAMP(3), cnt BIGINT,
  total BIGINT, mx INT, PRIMARY KEY (k, ws) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT',
  'dbname' = '$PGDATABASE', 'tablename' = '${p}_t', 'username' = '$PGUSER',
  'password' = '');
CREATE TABLE leg (k STRING, ws TIMESTAMP(3), we TIMESTAMP(3), cnt BIGINT,
  total BIGINT, mx INT, PRIMARY KEY (k, ws) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT',
  'dbname' = '$PGDATABASE', 'tablename' = '${p}_l', 'username' = '$PGUSER',
  'password' = '');
BEGIN STATEMENT SET;
INSERT INTO tvf SELECT k, window_start, window_end, COUNT(*), SUM(CAST(v AS BIGINT)), MAX(v)
FROM TABLE(SESSION(TABLE ev PARTITION BY k, DESCRIPTOR(ts), INTERVAL '90' SECONDS))
GROUP BY k, window_start, window_end;
INSERT INTO leg SELECT k, SESSION_START(ts, INTERVAL '90' SECOND),
  SESSION_END(ts, INTERVAL '90' SECOND), COUNT(*), SUM(CAST(v AS BIGINT)), MAX(v)
FROM ev GROUP BY k, SESSION(ts, INTERVAL '90' SECOND);
END;
SQL
    if [ "$par" -gt 1 ]; then
        run_hf "$T/out" "$T/err" explain "$T/job.sql"
        [ "$(grep -c "session-window-aggregate: $par instances" "$T/out")" = 2 ] ||
            fail "$run: the two session aggregates do not run $par instances"
    fi
    run_hf "$T/out" "$T/err" run "$T/job.sql"
    expect_rc 0 "$run: session job"
    if grep -q "late row" "$T/err"; then fail "$run: rows were late:"; cat "$T/err" >&2; fi
    "${PSQL[@]}" -c "SELECT k, ws, we, cnt, total, mx FROM ${p}_t ORDER BY 1, 2" >"$T/got_t"
    expect_same "$T/want" "$T/got_t" "$run: SESSION TVF vs gaps-and-islands"
    "${PSQL[@]}" -c "SELECT k, ws, we, cnt, total, mx FROM ${p}_l ORDER BY 1, 2" >"$T/got_l"
    expect_same "$T/want" "$T/got_l" "$run: GROUP BY SESSION vs gaps-and-islands"
done
finish
