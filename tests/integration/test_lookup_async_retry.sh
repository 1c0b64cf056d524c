#!/usr/bin/env bash
# The LOOKUP hint's retry on lookup_miss with 'async' = 'true', and its
# 'timeout' over a row's retries, against the private PostgreSQL (jdbc
# tables; the sink table numbers the rows in the order they arrive):
# 1. allow_unordered: the first input row's key has no dimension row yet;
#    while it waits to be asked again, the other 500 rows go out (the test
#    waits until they are all in the sink table: a join that held them
#    behind the waiting row never gets there), then inserts the late row,
#    which the next retry finds. The late row arrives last; the output
#    equals PostgreSQL's join.
# 2. ordered: the same input; when holoflow logs that it asks again,
#    nothing has arrived (every row waits behind the first; the sink
#    writes each row as it comes, 'sink.buffer-flush.max-rows' = '1', so
#    none is merely buffered), the late row is inserted, and it arrives
#    first, the others after it in order. (Test 1 waits for all 500 other
#    rows in the table, written one by one.)
# 3. 'timeout' = '1s' with 'fixed-delay' = '300ms' and 'max-attempts' =
#    '10': each request is answered at once, but with async the row's
#    retries outlast the timeout, so the job fails naming the table and
#    the row's elapsed time (Flink counts 'timeout' from the first request
#    through the retries and fails with a TimeoutException); with
#    'async' = 'false' the timeout bounds each request (Flink's sync
#    lookup has none), so the job ends with the row padded.
# 4. Retries served by timers while the input goes on: a datagen source
#    of keys 1..60 at 20 rows/s (so at least 2.95 s of input) and a
#    dimension without key 3, retried twice 100 ms apart: with
#    allow_unordered the padded row of key 3 comes out among the others,
#    before key 60 and after key 4 (not at the end of the input, where a
#    join that waited for the end would put it); with ordered, in place.
#    Either way key 60 goes out at least 1 s after key 1 (each row stamped
#    with CURRENT_TIMESTAMP as it leaves the join), so rows go out as the
#    input comes, not all at its end.
# 5. A retry served by the operator's timer with no input after it: a
#    kafka topic gets keys 1, 2, 3 (3 has no dimension row, retried twice
#    100 ms apart) and nothing more; the job runs without an end, so the
#    padded row of key 3 can only go out from a timer (not from a next
#    batch, nor from the end of the input); it must appear while the job
#    still runs, its string column intact (rows set aside are copies).
# 6. The final watermark does not overtake rows set aside: a bounded
#    jdbc source with a WATERMARK sends the largest watermark before its
#    end; the row of key 3 (no dimension row, retried) goes out at the
#    end of the input, and a TUMBLE window after the join must count it
#    (3 rows, 2 named), not drop it as late.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../kafka/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
p=hf_lkar_$$
url="jdbc:postgresql://127.0.0.1:$PGPORT/$PGDATABASE"
jdbc="'connector' = 'jdbc', 'url' = '$url', 'username' = '$PGUSER', 'password' = 'x'"

"${PSQL[@]}" <<SQL
SET client_min_messages = warning;
CREATE TABLE ${p}_s (id bigint, k int);
INSERT INTO ${p}_s VALUES (0, 7777);
INSERT INTO ${p}_s SELECT i, i % 50 + 1 FROM generate_series(1, 500) i;
CREATE TABLE ${p}_d (k int PRIMARY KEY, name text);
INSERT INTO ${p}_d SELECT i, 'n' || i FROM generate_series(1, 50) i;
CREATE TABLE ${p}_o (seq bigserial, id bigint, k int, name text);
SQL

job() { # HINT JOIN
    cat >"$T/job.sql" <<SQL
CREATE TABLE s (id BIGINT, k INT, proc AS PROCTIME()) WITH ($jdbc, 'table-name' = '${p}_s');
CREATE TABLE d (k INT, name STRING, PRIMARY KEY (k) NOT ENFORCED)
  WITH ($jdbc, 'table-name' = '${p}_d');
CREATE TABLE o (id BIGINT, k INT, name STRING) WITH ($jdbc, 'table-name' = '${p}_o',
  'sink.buffer-flush.max-rows' = '1');
INSERT INTO o SELECT /*+ LOOKUP('table' = 'd', 'async' = 'true', $1) */ s.id, s.k, dd.name
  FROM s $2 JOIN d FOR SYSTEM_TIME AS OF s.proc AS dd ON s.k = dd.k;
SQL
}
retry="'retry-predicate' = 'lookup_miss', 'retry-strategy' = 'fixed_delay'"
same_as_pg() { # WHAT
    local d
    d=$("${PSQL[@]}" -c "SELECT count(*) FROM ((SELECT id, k, name FROM ${p}_o EXCEPT ALL
        SELECT s.id, s.k, d.name FROM ${p}_s s JOIN ${p}_d d ON s.k = d.k) UNION ALL
        (SELECT s.id, s.k, d.name FROM ${p}_s s JOIN ${p}_d d ON s.k = d.k EXCEPT ALL
        SELECT id, k, name FROM ${p}_o)) x")
    [ "$d" = 0 ] || fail "$1: $d rows differ from PostgreSQL's join"
}

# --- 1 and 2: a late row found by an async retry.
for mode in allow_unordered ordered; do
    "${PSQL[@]}" -c "TRUNCATE ${p}_o; DELETE FROM ${p}_d WHERE k = 7777"
    job "'output-mode' = '$mode', $retry, 'fixed-delay' = '200ms', 'max-attempts' = '600'" ""
    "$HOLOFLOW" run "$T/job.sql" >"$T/out" 2>"$T/err" &
    hf=$!
    inserted=0
    for _ in $(seq 1200); do
        if grep -q "key(s) without a row; asking again" "$T/err"; then
            n=$("${PSQL[@]}" -c "SELECT count(*) FROM ${p}_o")
            if [ $mode = ordered ]; then
                [ "$n" = 0 ] || fail "ordered: $n rows went out ahead of the waiting row"
            elif [ "$n" != 500 ]; then
                kill -0 $hf 2>/dev/null || break
                sleep 0.1
                continue
            fi
            "${PSQL[@]}" -c "INSERT INTO ${p}_d VALUES (7777, 'late')"
            inserted=1
            break
        fi
        kill -0 $hf 2>/dev/null || break
        sleep 0.1
    done
    [ $inserted = 1 ] || kill $hf 2>/dev/null || true
    set +e
    wait $hf
    RC=$?
    set -e
    [ $inserted = 1 ] || fail "$mode: the other rows did not go out while the first waited"
    expect_rc 0 "$mode"
    [ "$RC" -eq 0 ] || tail -5 "$T/err" >&2
    same_as_pg "$mode"
    first=$("${PSQL[@]}" -c "SELECT id FROM ${p}_o ORDER BY seq LIMIT 1")
    last=$("${PSQL[@]}" -c "SELECT id FROM ${p}_o ORDER BY seq DESC LIMIT 1")
    inorder=$("${PSQL[@]}" -c "SELECT bool_and(id < nid) FROM (SELECT id,
        lead(id) OVER (ORDER BY seq) nid FROM ${p}_o WHERE id > 0) x WHERE nid IS NOT NULL")
    if [ $mode = ordered ]; then
        [ "$first" = 0 ] || fail "ordered: row $first arrived first, not the late row"
    else
        [ "$last" = 0 ] || fail "allow_unordered: row $last arrived last, not the late row"
    fi
    [ "$inorder" = t ] || fail "$mode: the other rows are not in input order"
    grep -Eq "lookup 'd': 501 rows in, 501 rows out, .*, [1-9][0-9]* retries" "$T/err" ||
        fail "$mode: summary counts the retries"
done

# --- 3. the timeout spans the retries with async; without, it bounds
# each request (Flink's sync lookup has no timeout), so the retries run
# their course and the row goes out padded.
"${PSQL[@]}" -c "TRUNCATE ${p}_o; DELETE FROM ${p}_d WHERE k = 7777"
for a in true false; do
    job "$retry, 'fixed-delay' = '300ms', 'max-attempts' = '10', 'timeout' = '1s'" LEFT
    sed -i "s/'async' = 'true'/'async' = '$a'/" "$T/job.sql"
    run_hf "$T/out" "$T/err" run "$T/job.sql"
    if [ $a = true ]; then
        [ "$RC" -ne 0 ] || fail "timeout (async): the job did not fail"
        grep -Eq "lookup table 'd': 1 key\(s\) still without a row; the oldest waiting row( \(origin [0-9]+\))? got no row in [1-9][0-9]* request\(s\) and its 'timeout' of 1000 ms ran out [0-9]+ ms after its first request" "$T/err" ||
            { fail "timeout (async): the error names the table and the row's time"; tail -3 "$T/err" >&2; }
    else
        expect_rc 0 "timeout per request (sync)"
        n=$("${PSQL[@]}" -c "SELECT count(*) FROM ${p}_o WHERE id = 0 AND name IS NULL")
        [ "$n" = 1 ] || fail "sync: the row of key 7777 did not go out padded after its retries"
        grep -Eq "lookup 'd': 501 rows in, 501 rows out, .*, 10 retries" "$T/err" ||
            fail "sync: summary counts 10 retries"
    fi
done

# --- 4. retries served by timers while the input goes on.
"${PSQL[@]}" -c "CREATE TABLE ${p}_g (k int PRIMARY KEY, name text);
    INSERT INTO ${p}_g SELECT i, 'n' || i FROM generate_series(1, 60) i WHERE i <> 3"
for mode in allow_unordered ordered; do
    cat >"$T/job.sql" <<SQL
CREATE TABLE s (k INT, proc AS PROCTIME()) WITH ('connector' = 'datagen',
  'rows-per-second' = '20', 'fields.k.kind' = 'sequence', 'fields.k.start' = '1',
  'fields.k.end' = '60');
CREATE TABLE d (k INT, name STRING, PRIMARY KEY (k) NOT ENFORCED)
  WITH ($jdbc, 'table-name' = '${p}_g');
CREATE TABLE o (k INT, name STRING, t TIMESTAMP_LTZ(3)) WITH ('connector' = 'print');
INSERT INTO o SELECT /*+ LOOKUP('table' = 'd', 'async' = 'true', 'output-mode' = '$mode',
  $retry, 'fixed-delay' = '100ms', 'max-attempts' = '2') */ s.k, dd.name, CURRENT_TIMESTAMP
  FROM s LEFT JOIN d FOR SYSTEM_TIME AS OF s.proc AS dd ON s.k = dd.k;
SQL
    run_hf "$T/out.t" "$T/err" run "$T/job.sql"
    expect_rc 0 "timers ($mode)"
    # Rows go out as they come, not at the end: datagen gives 20 rows a
    # second, so key 60 comes about 2 s after key 1 and goes out at least
    # 1 s after it (a join holding every row to the end emits them
    # together).
    t1=$(sed -n 's/^+I\[1, .*, \(.*\)Z\]$/\1/p' "$T/out.t")
    t60=$(sed -n 's/^+I\[60, .*, \(.*\)Z\]$/\1/p' "$T/out.t")
    ms1=$(date -u -d "${t1/T/ }" +%s%3N 2>/dev/null || echo 0)
    ms60=$(date -u -d "${t60/T/ }" +%s%3N 2>/dev/null || echo 0)
    [ "$ms1" -gt 0 ] && [ $((ms60 - ms1)) -ge 1000 ] ||
        fail "timers ($mode): key 1 out at $t1, key 60 at $t60: not as the input came"
    sed 's/, [^,]*\]$/]/' "$T/out.t" >"$T/out"
    sort -t'[' -k2n "$T/out" >"$T/sorted"
    for i in $(seq 60); do
        if [ "$i" = 3 ]; then echo "+I[3, null]"; else echo "+I[$i, n$i]"; fi
    done >"$T/want"
    cmp -s "$T/sorted" "$T/want" || fail "timers ($mode): rows differ from the expected join"
    at3=$(grep -n '^+I\[3, ' "$T/out" | cut -d: -f1)
    at4=$(grep -n '^+I\[4, ' "$T/out" | cut -d: -f1)
    at60=$(grep -n '^+I\[60, ' "$T/out" | cut -d: -f1)
    if [ $mode = ordered ]; then
        sort -t'[' -k2n -c "$T/out" 2>/dev/null || fail "ordered: output not in input order"
    else
        [ "${at3:-0}" -gt "${at4:-0}" ] && [ "${at3:-0}" -lt "${at60:-0}" ] ||
            fail "allow_unordered: key 3 at line $at3 (key 4 at $at4, key 60 at $at60)"
    fi
done

# --- 5. a retry served by the timer while no input comes.
kafka_start_mock lk:1
printf '%s\n' '{"k":1,"v":"a"}' '{"k":2,"v":"b"}' '{"k":3,"v":"c"}' | "$KCAT" -b "$KAFKA_BOOTSTRAP" -P -t lk -p 0
for mode in allow_unordered ordered; do
    cat >"$T/job.sql" <<SQL
CREATE TABLE s (k INT, v STRING, proc AS PROCTIME()) WITH ('connector' = 'kafka', 'topic' = 'lk',
  'properties.bootstrap.servers' = '$KAFKA_BOOTSTRAP', 'scan.startup.mode' = 'earliest-offset',
  'format' = 'json');
CREATE TABLE d (k INT, name STRING, PRIMARY KEY (k) NOT ENFORCED)
  WITH ($jdbc, 'table-name' = '${p}_g');
CREATE TABLE o (k INT, v STRING, name STRING) WITH ('connector' = 'print');
INSERT INTO o SELECT /*+ LOOKUP('table' = 'd', 'async' = 'true', 'output-mode' = '$mode',
  $retry, 'fixed-delay' = '100ms', 'max-attempts' = '2') */ s.k, s.v, dd.name
  FROM s LEFT JOIN d FOR SYSTEM_TIME AS OF s.proc AS dd ON s.k = dd.k;
SQL
    "$HOLOFLOW" run "$T/job.sql" >"$T/out" 2>"$T/err" &
    hf=$!
    BG_PIDS+=("$hf")
    for _ in $(seq 600); do
        grep -q '^+I\[3, c, null\]' "$T/out" && break
        kill -0 $hf 2>/dev/null || break
        sleep 0.1
    done
    kill -0 $hf 2>/dev/null || fail "timer ($mode): the job ended early: $(tail -3 "$T/err")"
    grep -q '^+I\[3, c, null\]' "$T/out" ||
        fail "timer ($mode): the retried row did not go out without further input"
    kill -TERM $hf
    wait $hf || true
    printf '+I[1, a, n1]\n+I[2, b, n2]\n+I[3, c, null]\n' >"$T/want"
    expect_same "$T/want" "$T/out" "timer ($mode): output"
done

# --- 6. the final watermark waits for the rows set aside.
"${PSQL[@]}" -c "CREATE TABLE ${p}_w (k int, ts timestamp(3));
    INSERT INTO ${p}_w VALUES (1, '2026-01-01 00:00:01'), (2, '2026-01-01 00:00:02'),
    (3, '2026-01-01 00:00:03')"
for mode in allow_unordered ordered; do
    cat >"$T/job.sql" <<SQL
CREATE TABLE s (k INT, ts TIMESTAMP(3), proc AS PROCTIME(), WATERMARK FOR ts AS ts)
  WITH ($jdbc, 'table-name' = '${p}_w');
CREATE TABLE d (k INT, name STRING, PRIMARY KEY (k) NOT ENFORCED)
  WITH ($jdbc, 'table-name' = '${p}_g');
CREATE TABLE o (ws TIMESTAMP(3), n BIGINT, named BIGINT) WITH ('connector' = 'print');
CREATE TEMPORARY VIEW j AS SELECT /*+ LOOKUP('table' = 'd', 'async' = 'true',
  'output-mode' = '$mode', $retry, 'fixed-delay' = '100ms', 'max-attempts' = '2') */
  s.k, s.ts, dd.name FROM s LEFT JOIN d FOR SYSTEM_TIME AS OF s.proc AS dd ON s.k = dd.k;
INSERT INTO o SELECT window_start, COUNT(*), COUNT(name)
  FROM TABLE(TUMBLE(TABLE j, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
  GROUP BY window_start, window_end;
SQL
    run_hf "$T/out" "$T/err" run "$T/job.sql"
    expect_rc 0 "watermark ($mode)"
    echo "+I[2026-01-01T00:00, 3, 2]" >"$T/want"
    expect_same "$T/want" "$T/out" "watermark ($mode): the window counts the row set aside"
    if grep -q "late row" "$T/err"; then fail "watermark ($mode): $(grep 'late row' "$T/err")"; fi
done

"${PSQL[@]}" -c "DROP TABLE ${p}_s, ${p}_d, ${p}_o, ${p}_g, ${p}_w"
finish
