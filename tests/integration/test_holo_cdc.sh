#!/usr/bin/env bash
# The hologres binlog (CDC) source on PostgreSQL: logical replication with
# pgoutput.
#
# A. Exact changelogs (print sink) for every change-log mode and replica
#    identity: UPSERT (the VVR 11 default) under REPLICA IDENTITY DEFAULT
#    (+U without -U, key-only -D, a primary-key change as -D + +I), which
#    a print sink gets through the planner's ChangelogNormalize as Flink
#    prints it (-U with the old row, -D with the whole row); ALL
#    under DEFAULT fails at the first update like Flink's postgres-cdc
#    (with the fix in the message); ALL under FULL (-U with the whole old
#    row, full -D, an unchanged TOASTed column filled from the old row);
#    VVR 8's 'binlog'='true' alone: append-only from the earliest offset
#    (no snapshot), every change +I with hg_binlog_event_type 5/3/7/2;
#    UPSERT under DEFAULT with an unchanged TOASTed value fails with the
#    fix. The snapshot rows come first, then the changes.
# B. Snapshot + stream without gap or overlap: 20000 rows, random inserts,
#    updates (some moving the primary key) and deletes running while the
#    job takes its initial snapshot and after; the job replicates into
#    another table through the hologres sink; at the end the two tables
#    are equal (zero missing, extra or different rows), and the slot's
#    confirmed position moved (flush_lsn advanced at checkpoints).
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
P=hf_cdc
HF_PID=
cleanup() {
    [ -z "$HF_PID" ] || kill -9 "$HF_PID" 2>/dev/null || true
    [ -z "${GEN_PID:-}" ] || kill "$GEN_PID" 2>/dev/null || true
    rm -rf "$T"
}
trap cleanup EXIT

[ "$("${PSQL[@]}" -c "SHOW wal_level")" = logical ] ||
    fail "the private PostgreSQL runs without wal_level=logical (scripts/pg-private.sh)"

wait_log() {
    local file=$1 text=$2 secs=$3 i
    for i in $(seq 1 $((secs * 10))); do
        grep -qF -- "$text" "$file" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# Drop this test's slots and publications (the documented way).
drop_slots() {
    "${PSQL[@]}" -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name LIKE 'holoflow\_%${P}%' AND NOT active" >/dev/null
    "${PSQL[@]}" -c "SELECT pubname FROM pg_publication WHERE pubname LIKE 'holoflow\_pub\_%${P}%'" |
        while read -r pub; do "${PSQL[@]}" -c "DROP PUBLICATION $pub"; done
}
drop_slots

conn="'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE', 'username' = '$PGUSER', 'password' = 'x'"

# run_changes NAME TABLE "EXTRA OPTIONS" "COLUMNS" "CHANGES SQL" NLINES
# Starts a job printing the table's changelog, waits until it streams,
# applies the changes, waits for NLINES output lines (or the job's end),
# stops the job. Output in $T/NAME.out, log in $T/NAME.log.
run_changes() {
    local name=$1 tbl=$2 extra=$3 cols=$4 changes=$5 nlines=$6 i
    cat >"$T/$name.sql" <<SQL
SET 'execution.checkpointing.interval' = '500ms';
CREATE TABLE src ($cols) WITH ('connector' = 'hologres', $conn, 'tablename' = '$tbl'$extra);
CREATE TABLE out ($cols) WITH ('connector' = 'print');
INSERT INTO out SELECT * FROM src;
SQL
    "$HOLOFLOW" run "$T/$name.sql" >"$T/$name.out" 2>"$T/$name.log" &
    HF_PID=$!
    if ! wait_log "$T/$name.log" "streaming changes" 30; then
        fail "$name: the job did not start streaming"
        cat "$T/$name.log" >&2
    fi
    "${PSQL[@]}" <<<"$changes" # one transaction per statement
    for i in $(seq 1 300); do
        [ "$(wc -l <"$T/$name.out")" -ge "$nlines" ] && break
        kill -0 "$HF_PID" 2>/dev/null || break
        sleep 0.1
    done
    sleep 0.3
    kill -TERM "$HF_PID" 2>/dev/null || true
    set +e
    wait "$HF_PID"
    RC=$?
    set -e
    HF_PID=
}

# ---------------------------------------------------------------- A
"${PSQL[@]}" <<SQL
DROP TABLE IF EXISTS ${P}_a, ${P}_f, ${P}_t, ${P}_v8;
CREATE TABLE ${P}_a (id bigint PRIMARY KEY, v int, s text, tags text[]);
INSERT INTO ${P}_a VALUES (1, 10, 'one', '{a,"b c"}'), (2, 20, NULL, '{}');
CREATE TABLE ${P}_f (id bigint PRIMARY KEY, v int, big text);
ALTER TABLE ${P}_f ALTER COLUMN big SET STORAGE EXTERNAL; -- stored out of line
ALTER TABLE ${P}_f REPLICA IDENTITY FULL;
INSERT INTO ${P}_f VALUES (1, 10, repeat('x', 9000)), (2, 20, 'small');
CREATE TABLE ${P}_t (id bigint PRIMARY KEY, v int, big text);
ALTER TABLE ${P}_t ALTER COLUMN big SET STORAGE EXTERNAL;
INSERT INTO ${P}_t VALUES (1, 10, repeat('y', 9000));
CREATE TABLE ${P}_v8 (id bigint PRIMARY KEY, v int);
INSERT INTO ${P}_v8 VALUES (1, 10);
SQL
acols="id BIGINT, v INT, s STRING, tags ARRAY<STRING>, PRIMARY KEY (id) NOT ENFORCED"
achg="INSERT INTO ${P}_a VALUES (3, 30, 'three', NULL);
UPDATE ${P}_a SET v = 11, tags = '{x,NULL}' WHERE id = 1;
UPDATE ${P}_a SET id = 4 WHERE id = 3;
DELETE FROM ${P}_a WHERE id = 2;"

# UPSERT under DEFAULT
run_changes upsert "${P}_a" "" "$acols" "$achg" 8
expect_rc 143 "upsert: stopped by SIGTERM"
cat >"$T/upsert.want" <<'EOF'
+I[1, 10, one, [a, b c]]
+I[2, 20, null, []]
+I[3, 30, three, null]
-U[1, 10, one, [a, b c]]
+U[1, 11, one, [x, null]]
-D[3, 30, three, null]
+I[4, 30, three, null]
-D[2, 20, null, []]
EOF
expect_same "$T/upsert.want" "$T/upsert.out" "UPSERT changelog under REPLICA IDENTITY DEFAULT"
expect_grep "initial snapshot done and committed" "$T/upsert.log" "upsert: snapshot then slot"
expect_grep "CREATE PUBLICATION \"holoflow_pub_public_${P}_a_" "$T/upsert.log" "upsert: the publication is created"

# ALL under DEFAULT: fails at the first update, as Flink's postgres-cdc.
"${PSQL[@]}" -c "DELETE FROM ${P}_a; INSERT INTO ${P}_a VALUES (1, 10, 'one', '{a}')"
run_changes all_default "${P}_a" ", 'source.binlog.change-log-mode' = 'ALL', 'slot.name' = 'holoflow_${P}_alld'" \
    "$acols" "INSERT INTO ${P}_a VALUES (5, 50, 'five', NULL); UPDATE ${P}_a SET v = 12 WHERE id = 1;" 2
expect_rc 1 "ALL under DEFAULT: the job fails"
expect_grep "needs the old row of every update" "$T/all_default.log" "ALL under DEFAULT: warned at open"
expect_grep "without its old row" "$T/all_default.log" "ALL under DEFAULT: the failure"
expect_grep "REPLICA IDENTITY FULL" "$T/all_default.log" "ALL under DEFAULT: the fix"
# The snapshot row, maybe the insert (if its batch went out before the
# update failed the job), never an update.
head -1 "$T/all_default.out" >"$T/all_default.head"
printf '%s\n' "+I[1, 10, one, [a]]" >"$T/all_default.want"
expect_same "$T/all_default.want" "$T/all_default.head" "ALL under DEFAULT: the snapshot row"
grep -q "^[+-]U" "$T/all_default.out" && fail "ALL under DEFAULT: an update was emitted"

# ALL under FULL: -U with the old row; an unchanged TOASTed value filled.
fcols="id BIGINT, v INT, big STRING, PRIMARY KEY (id) NOT ENFORCED"
run_changes all_full "${P}_f" ", 'source.binlog.change-log-mode' = 'ALL'" "$fcols" \
    "UPDATE ${P}_f SET v = 11 WHERE id = 1; DELETE FROM ${P}_f WHERE id = 2; UPDATE ${P}_f SET id = 3 WHERE id = 1;" 7
expect_rc 143 "all_full: stopped by SIGTERM"
big=$(printf 'x%.0s' $(seq 1 9000))
cat >"$T/all_full.want" <<EOF
+I[1, 10, $big]
+I[2, 20, small]
-U[1, 10, $big]
+U[1, 11, $big]
-D[2, 20, small]
-U[1, 11, $big]
+U[3, 11, $big]
EOF
expect_same "$T/all_full.want" "$T/all_full.out" "ALL changelog under REPLICA IDENTITY FULL"

# UPSERT under DEFAULT, unchanged TOASTed value: no old row to take it from.
tcols="id BIGINT, v INT, big STRING, PRIMARY KEY (id) NOT ENFORCED"
run_changes toast "${P}_t" "" "$tcols" "UPDATE ${P}_t SET v = 11 WHERE id = 1;" 2
expect_rc 1 "toast under DEFAULT: the job fails"
expect_grep "TOASTed value unchanged" "$T/toast.log" "toast under DEFAULT: the reason"
expect_grep "ALTER TABLE public.${P}_t REPLICA IDENTITY FULL" "$T/toast.log" "toast under DEFAULT: the fix"

# VVR 8: binlog=true alone = append-only, earliest offset (no snapshot).
v8cols="hg_binlog_lsn BIGINT, hg_binlog_event_type BIGINT, hg_binlog_timestamp_us BIGINT, id BIGINT, v INT"
cat >"$T/v8.sql" <<SQL
SET 'execution.checkpointing.interval' = '500ms';
CREATE TABLE src ($v8cols) WITH ('connector' = 'hologres', $conn, 'tablename' = '${P}_v8', 'binlog' = 'true');
CREATE TABLE out (ev BIGINT, id BIGINT, v INT, lsn_ok BOOLEAN, ts_ok BOOLEAN) WITH ('connector' = 'print');
INSERT INTO out SELECT hg_binlog_event_type, id, v, hg_binlog_lsn > 0,
  hg_binlog_timestamp_us > 1600000000000000 FROM src;
SQL
"$HOLOFLOW" run "$T/v8.sql" >"$T/v8.out" 2>"$T/v8.log" &
HF_PID=$!
wait_log "$T/v8.log" "streaming changes" 30 || fail "v8: not streaming"
"${PSQL[@]}" -c "INSERT INTO ${P}_v8 VALUES (2, 20); UPDATE ${P}_v8 SET v = 11 WHERE id = 1; DELETE FROM ${P}_v8 WHERE id = 2;"
for i in $(seq 1 300); do [ "$(wc -l <"$T/v8.out")" -ge 4 ] && break; sleep 0.1; done
sleep 0.3
kill -TERM "$HF_PID" 2>/dev/null || { fail "v8: the job ended early:"; tail -5 "$T/v8.log" >&2; }
wait "$HF_PID" || true
HF_PID=
cat >"$T/v8.want" <<'EOF'
+I[5, 2, 20, true, true]
+I[7, 1, 11, true, true]
+I[2, 2, null, true, true]
EOF
expect_same "$T/v8.want" "$T/v8.out" "VVR 8 binlog=true: append-only changes with event types"
grep -q "initial snapshot" "$T/v8.log" && fail "v8: took a snapshot (VVR 8 starts at the earliest offset)"

# ---------------------------------------------------------------- B
N=20000
"${PSQL[@]}" <<SQL
DROP TABLE IF EXISTS ${P}_src, ${P}_dst;
CREATE TABLE ${P}_src (id bigint PRIMARY KEY, v bigint, s text, n numeric(12,2), ts timestamptz, arr int[]);
INSERT INTO ${P}_src SELECT g, g * 3, 's' || g, g / 7.0, '2024-01-01'::timestamptz + g * interval '1 min', ARRAY[g, g + 1]
  FROM generate_series(1, $N) g;
CREATE TABLE ${P}_dst (id bigint PRIMARY KEY, v bigint, s text, n numeric(12,2), ts timestamptz, arr int[]);
SQL
# Random changes in small transactions: upserts, updates, primary-key
# moves, deletes.
awk -v seed="${HF_TEST_SEED:-11}" -v n="$N" -v p="$P" 'BEGIN {
    srand(seed); moved = 0
    for (t = 0; t < 3000; t++) {
        print "BEGIN;"
        m = 1 + int(rand() * 4)
        for (j = 0; j < m; j++) {
            k = 1 + int(rand() * n * 1.2); r = rand()
            if (r < 0.35)
                printf "INSERT INTO %s_src VALUES (%d, %d, %s, %d.%02d, now(), ARRAY[%d]) ON CONFLICT (id) DO UPDATE SET v = EXCLUDED.v, s = EXCLUDED.s;\n", p, k, t, "'\''i" t "'\''", t, j, j
            else if (r < 0.7)
                printf "UPDATE %s_src SET v = v + 1, s = %s, arr = arr || %d WHERE id = %d;\n", p, "'\''u" t "'\''", t, k
            else if (r < 0.8)
                printf "UPDATE %s_src SET id = %d WHERE id = %d;\n", p, 1000000 + (++moved), k
            else
                printf "DELETE FROM %s_src WHERE id = %d;\n", p, k
        }
        print "COMMIT;"
        if (t % 50 == 0) print "SELECT pg_sleep(0.02);"
    }
}' >"$T/changes.sql"

cat >"$T/repl.sql" <<SQL
SET 'execution.checkpointing.interval' = '500ms';
CREATE TABLE src (id BIGINT, v BIGINT, s STRING, n DECIMAL(12, 2), ts TIMESTAMP_LTZ(6), arr ARRAY<INT>,
  PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', $conn, 'tablename' = '${P}_src', 'source.binlog.batch-size' = '1000');
CREATE TABLE dst (id BIGINT, v BIGINT, s STRING, n DECIMAL(12, 2), ts TIMESTAMP_LTZ(6), arr ARRAY<INT>,
  PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', $conn, 'tablename' = '${P}_dst');
INSERT INTO dst SELECT * FROM src;
SQL
# The changes start before the job and run through its snapshot.
psql -X -q -v ON_ERROR_STOP=1 -f "$T/changes.sql" >/dev/null &
GEN_PID=$!
sleep 0.2
"$HOLOFLOW" run "$T/repl.sql" >"$T/repl.out" 2>"$T/repl.log" &
HF_PID=$!
wait "$GEN_PID" || fail "the change generator failed"
GEN_PID=
diffs() {
    "${PSQL[@]}" -c "SELECT (SELECT count(*) FROM (TABLE ${P}_src EXCEPT ALL TABLE ${P}_dst) a) || ' ' ||
                            (SELECT count(*) FROM (TABLE ${P}_dst EXCEPT ALL TABLE ${P}_src) b)"
}
for i in $(seq 1 300); do
    [ "$(diffs)" = "0 0" ] && break
    kill -0 "$HF_PID" 2>/dev/null || break
    sleep 0.2
done
sleep 1.5 # a checkpoint or two more: the slot position moves
kill -TERM "$HF_PID" 2>/dev/null || true
set +e
wait "$HF_PID"
RC=$?
set -e
HF_PID=
expect_rc 143 "replication: stopped by SIGTERM"
read -r missing extra <<<"$(diffs)"
[ "$missing" = 0 ] || fail "replication: $missing source rows missing or different in the target"
[ "$extra" = 0 ] || fail "replication: $extra target rows extra or different"
grep -q "job failed" "$T/repl.log" && { fail "replication: the job failed"; tail -5 "$T/repl.log" >&2; }
expect_grep "initial snapshot done and committed" "$T/repl.log" "replication: snapshot"
slot=$("${PSQL[@]}" -c "SELECT slot_name FROM pg_replication_slots WHERE slot_name LIKE 'holoflow_public_${P}_src_%'")
[ -n "$slot" ] || fail "replication: no slot left for the next run"
behind=$("${PSQL[@]}" -c "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn) < 1000000 FROM pg_replication_slots WHERE slot_name = '$slot'")
[ "$behind" = t ] || fail "replication: the slot's confirmed position did not follow the stream"
echo "  $N rows + 3000 change transactions: target equals source ($("${PSQL[@]}" -c "SELECT count(*) FROM ${P}_dst") rows)"

drop_slots
[ "$("${PSQL[@]}" -c "SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'holoflow\_%${P}%'")" = 0 ] ||
    fail "slots left after dropping them"
"${PSQL[@]}" -c "DROP TABLE ${P}_a, ${P}_f, ${P}_t, ${P}_v8, ${P}_src, ${P}_dst"
finish
