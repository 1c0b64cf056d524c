#!/usr/bin/env bash
# OVER aggregation on rowtime across kill -9 (docs/aggregation.md, "OVER
# aggregation"): kafka (json rows keyed by the partition key, 4 partitions
# of the mock cluster, each partition in event-time order) -> two OVER
# aggregations (ROWS BETWEEN 5 PRECEDING, RANGE BETWEEN INTERVAL '1' HOUR
# PRECEDING, PARTITION BY k) -> hologres (PostgreSQL, upserts on the row
# id). holoflow runs with checkpoints and is killed with SIGKILL at random
# points several times and restarted; each restart restores the rows
# waiting for the watermark, the frames and the accumulators together with
# the Kafka offsets; a last run goes on until every row is out. Both
# tables must equal PostgreSQL's window functions over the same rows: zero
# missing, extra or different rows. Rows at a far-future time, produced
# only once the last run started, end every partition so the watermark
# passes the last real row. Once with the hashmap backend, once with
# rocksdb.
#
# Sizes: OVER_ROWS, OVER_KILLS; seed HF_TEST_SEED.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../kafka/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
N=${OVER_ROWS:-60000}
KILLS=${OVER_KILLS:-3}
RANDOM=${HF_TEST_SEED:-4243}
P=hf_oc
export PGOPTIONS="-c client_min_messages=warning"

# Rows in time order (ties included); key k -> one partition, so each
# partition is in time order and no row is ever late.
awk -v n="$N" -v seed="$RANDOM" -v tsv="$T/rows.tsv" -v end="$T/end.kv" 'BEGIN {
    srand(seed); t = 0
    split("0 0 1 5 30 60 120", step, " ")
    for (i = 1; i <= n; i++) {
        t += step[1 + int(rand() * 7)]
        k = int(rand() * 50); x = int(rand() * 201) - 100
        ts = strftime("%Y-%m-%d %H:%M:%S", 1767225600 + t, 1)
        printf "%d\t{\"id\":%d,\"k\":%d,\"ts\":\"%s\",\"x\":%d}\n", k, i, k, ts, x
        printf "%d\t%s\t%d\t%d\n", i, ts, k, x > tsv
    }
    for (k = 1000; k < 1040; k++)  # end every partition far in the future
        printf "%d\t{\"id\":%d,\"k\":%d,\"ts\":\"2030-01-01 00:00:00\",\"x\":0}\n", k, n + k, k > end
}' >"$T/rows.kv"
"${PSQL[@]}" <<SQL
DROP TABLE IF EXISTS ${P}_src, ${P}_ref1, ${P}_ref2;
CREATE TABLE ${P}_src (id bigint, ts timestamp(3), k int, x int);
\copy ${P}_src FROM '$T/rows.tsv'
CREATE TABLE ${P}_ref1 AS SELECT id, sum(x) OVER w AS s, count(*) OVER w AS c, min(x) OVER w AS mi, max(x) OVER w AS ma
  FROM ${P}_src WINDOW w AS (PARTITION BY k ORDER BY ts, id ROWS BETWEEN 5 PRECEDING AND CURRENT ROW);
CREATE TABLE ${P}_ref2 AS SELECT id, sum(x) OVER w AS s, count(*) OVER w AS c, min(x) OVER w AS mi, max(x) OVER w AS ma
  FROM ${P}_src WINDOW w AS (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '1 hour' PRECEDING AND CURRENT ROW);
SQL

for backend in hashmap rocksdb; do
    echo "  backend $backend"
    GROUP=hf-over-$backend
    CK=$T/ckpt-$backend
    "${PSQL[@]}" <<SQL
DROP TABLE IF EXISTS ${P}_1, ${P}_2;
CREATE TABLE ${P}_1 (id bigint PRIMARY KEY, s int, c bigint, mi int, ma int);
CREATE TABLE ${P}_2 (id bigint PRIMARY KEY, s int, c bigint, mi int, ma int);
SQL
    kafka_cleanup
    BG_PIDS=()
    kafka_start_mock rows:4
    conn="'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE', 'username' = '$PGUSER', 'password' = 'unused', 'connection.pool.size' = '2'"
    cat >"$T/job.sql" <<SQL
SET 'execution.checkpointing.interval' = '700ms';
SET 'state.checkpoints.dir' = '$CK';
SET 'state.backend.type' = '$backend';
CREATE TABLE src (id BIGINT, k INT, ts TIMESTAMP(3), x INT,
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
WITH ('connector' = 'kafka', 'topic' = 'rows',
      'properties.bootstrap.servers' = '$KAFKA_BOOTSTRAP',
      'properties.group.id' = '$GROUP',
      'properties.session.timeout.ms' = '6000',
      'properties.heartbeat.interval.ms' = '500',
      'scan.startup.mode' = 'earliest-offset',
      'format' = 'json');
CREATE TABLE d1 (id BIGINT, s INT, c BIGINT, mi INT, ma INT, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', $conn, 'tablename' = 'public.${P}_1');
CREATE TABLE d2 (id BIGINT, s INT, c BIGINT, mi INT, ma INT, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', $conn, 'tablename' = 'public.${P}_2');
EXECUTE STATEMENT SET BEGIN
INSERT INTO d1 SELECT id, SUM(x) OVER w, COUNT(*) OVER w, MIN(x) OVER w, MAX(x) OVER w
FROM src WINDOW w AS (PARTITION BY k ORDER BY ts ROWS BETWEEN 5 PRECEDING AND CURRENT ROW);
INSERT INTO d2 SELECT id, SUM(x) OVER w, COUNT(*) OVER w, MIN(x) OVER w, MAX(x) OVER w
FROM src WINDOW w AS (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW);
END;
SQL
    kafka_feed rows "$GROUP" "$T/rows.kv" 20000
    for r in $(seq 1 "$KILLS"); do
        name=$backend-run$r
        hf_start "$name" --log-level debug run "$T/job.sql"
        if ! wait_log "$T/$name.log" "assigned" 60; then
            fail "$name: no partitions assigned within 60 s"
            tail -20 "$T/$name.log" >&2
            break
        fi
        ms=$((500 + RANDOM % 2500))
        sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
        kill -9 "$HF_PID"
        wait "$HF_PID" 2>/dev/null || true
        if grep -q 'job failed' "$T/$name.log"; then
            fail "$name failed before it was killed:"
            grep 'job failed' "$T/$name.log" >&2
        fi
        [ "$r" -eq 1 ] || grep -q "checkpoint: restoring checkpoint" "$T/$name.log" ||
            fail "$name: no checkpoint restored"
        n=$(sed -n "s/.*checkpoint: restoring checkpoint \([0-9]*\) .*/\1/p" "$T/$name.log")
        echo "    kill $r after ${ms} ms: restored checkpoint ${n:-none}; committed $(kafka_offsets rows "$GROUP" | cut -d' ' -f2) of $((N + 40)); $("${PSQL[@]}" -c "SELECT count(*) FROM ${P}_1") rows out"
    done
    hf_start "$backend-final" --log-level debug run "$T/job.sql"
    wait_log "$T/$backend-final.log" "assigned" 120 || fail "$backend final run: no partitions assigned"
    # The rows at the end of time only now: until then rows wait in the
    # state across the kills (a restored job gets no watermark before new
    # rows come, as in Flink).
    wait "$FEED_PID" || fail "$backend: the producer failed"
    "$KCAT" -b "$KAFKA_BOOTSTRAP" -P -t rows -K $'\t' <"$T/end.kv"
    kafka_wait_committed rows "$GROUP" "$((N + 40))" 600 || fail "$backend: the final run did not commit every row"
    for i in $(seq 1 600); do
        [ "$("${PSQL[@]}" -c "SELECT (SELECT count(*) FROM ${P}_1 WHERE id <= $N) + (SELECT count(*) FROM ${P}_2 WHERE id <= $N)")" = $((2 * N)) ] && break
        sleep 0.2
    done
    kill -TERM "$HF_PID"
    rc=0
    wait "$HF_PID" || rc=$?
    [ "$rc" -eq 143 ] || fail "$backend final run: exit code $rc after SIGTERM, expected 143"
    grep -q "checkpoint: restoring checkpoint" "$T/$backend-final.log" ||
        fail "$backend final run: no checkpoint restored"
    ! grep -q "late row" "$T"/"$backend"-*.log || fail "$backend: late rows: $(grep -h 'late row' "$T"/"$backend"-*.log | head -3)"
    for i in 1 2; do
        missing=$("${PSQL[@]}" -c "SELECT count(*) FROM (TABLE ${P}_ref$i EXCEPT ALL SELECT * FROM ${P}_$i WHERE id <= $N) d")
        extra=$("${PSQL[@]}" -c "SELECT count(*) FROM (SELECT * FROM ${P}_$i WHERE id <= $N EXCEPT ALL TABLE ${P}_ref$i) d")
        [ "$missing" = 0 ] || fail "$backend: window $i: $missing rows of PostgreSQL's result are missing or differ"
        [ "$extra" = 0 ] || fail "$backend: window $i: $extra rows are extra or differ"
        echo "    window $i: $N rows as PostgreSQL computes them, missing $missing, extra $extra"
    done
done
"${PSQL[@]}" -c "DROP TABLE ${P}_src, ${P}_ref1, ${P}_ref2, ${P}_1, ${P}_2"
finish
