#!/usr/bin/env bash
# GROUP BY over an upsert changelog equals PostgreSQL's GROUP BY over the
# rows it stands for. Upsert sources (upsert-kafka; the hologres binlog in
# its default change-log mode UPSERT) send +U without -U and -D with the
# key only; the planner completes them with a ChangelogNormalize
# (ops/normalize.c) in front of the aggregate, which then sees every old
# row (-U, full -D), and repeated values are dropped.
#   1. upsert-kafka, bounded: random upserts (groups and amounts change),
#      tombstones (some of keys never seen or already deleted) and exact
#      repeats of a key's value, on 2 partitions, into
#        SELECT grp, COUNT(*), SUM(amount), MAX(amount) ... GROUP BY grp
#      in a hologres (PostgreSQL) table, and the same topic copied into a
#      table keyed by id (no normalize there: an upsert sink by the
#      source's key). Both must equal the topic's final state as computed
#      independently (awk) and aggregated by PostgreSQL. explain shows
#      the normalize in front of the aggregate only.
#   2. the hologres binlog in UPSERT mode (no REPLICA IDENTITY FULL):
#      inserts, updates moving rows between groups and deletes keep
#      running while the same GROUP BY streams into a table; once caught
#      up it must equal PostgreSQL's GROUP BY over the source table.
# Sizes: UN_MSGS, UN_KEYS, UN_ROWS, UN_TXNS; seed HF_TEST_SEED.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../kafka/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
export PGOPTIONS="-c client_min_messages=warning"
P=hf_unorm
MSGS=${UN_MSGS:-6000}
KEYS=${UN_KEYS:-400}
ROWS=${UN_ROWS:-3000}
TXNS=${UN_TXNS:-600}
SEED=${HF_TEST_SEED:-11}
conn="'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE', 'username' = '$PGUSER', 'password' = 'x'"

# ------------------------------------------------------------ upsert-kafka
kafka_start_mock uk:2
K=$KAFKA_BOOTSTRAP
# Messages "key|value" (empty value: a tombstone) and the final state of
# every live key as CSV.
awk -v seed="$SEED" -v n="$MSGS" -v keys="$KEYS" -v st="$T/final.csv" 'BEGIN {
    srand(seed)
    for (i = 0; i < n; i++) {
        k = 1 + int(rand() * keys); r = rand()
        if (r < 0.15) {
            printf "{\"id\":%d}|\n", k
            live[k] = 0
        } else if (r < 0.30 && live[k]) {
            printf "{\"id\":%d}|{\"id\":%d,\"grp\":%d,\"amount\":%s}\n", k, k, grp[k], amt[k]
        } else {
            grp[k] = int(rand() * 12); amt[k] = sprintf("%.2f", int(rand() * 1000000) / 100)
            live[k] = 1
            printf "{\"id\":%d}|{\"id\":%d,\"grp\":%d,\"amount\":%s}\n", k, k, grp[k], amt[k]
        }
    }
    for (k in live) if (live[k]) printf "%d,%d,%s\n", k, grp[k], amt[k] > st
}' >"$T/msgs.txt"
"$KCAT" -b "$K" -P -t uk -K '|' -Z <"$T/msgs.txt"

"${PSQL[@]}" <<SQL
DROP TABLE IF EXISTS ${P}_ref, ${P}_agg, ${P}_copy;
CREATE TABLE ${P}_ref (id bigint PRIMARY KEY, grp int NOT NULL, amount numeric(12,2) NOT NULL);
CREATE TABLE ${P}_agg (grp int PRIMARY KEY, cnt bigint, total numeric(38,2), mx numeric(12,2));
CREATE TABLE ${P}_copy (id bigint PRIMARY KEY, grp int, amount numeric(12,2));
SQL
"${PSQL[@]}" -c "\\copy ${P}_ref FROM '$T/final.csv' WITH (FORMAT csv)"

cat >"$T/kafka.sql" <<SQL
CREATE TABLE src (id BIGINT, grp INT, amount DECIMAL(12, 2), PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'upsert-kafka', 'topic' = 'uk', 'properties.bootstrap.servers' = '$K',
      'key.format' = 'json', 'value.format' = 'json', 'scan.bounded.mode' = 'latest-offset');
CREATE TABLE agg (grp INT, cnt BIGINT, total DECIMAL(38, 2), mx DECIMAL(12, 2),
  PRIMARY KEY (grp) NOT ENFORCED)
WITH ('connector' = 'hologres', $conn, 'tablename' = '${P}_agg');
CREATE TABLE cp (id BIGINT, grp INT, amount DECIMAL(12, 2), PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', $conn, 'tablename' = '${P}_copy');
INSERT INTO agg SELECT grp, COUNT(*), SUM(amount), MAX(amount) FROM src GROUP BY grp;
INSERT INTO cp SELECT * FROM src;
SQL
run_hf "$T/explain.out" "$T/explain.err" explain "$T/kafka.sql"
expect_rc 0 "explain"
# n1 source, n2 normalize, then the aggregate path; the copy reads n1.
expect_grep "n2 changelog-normalize: key id of 'src'; emits -U/+U <- n1" "$T/explain.out" "explain: the normalize"
expect_grep "group-aggregate" "$T/explain.out" "explain: the aggregate"
[ "$(grep -c 'changelog-normalize' "$T/explain.out")" = 1 ] || fail "explain: one normalize expected"
grep -A1 "calc: id := id" "$T/explain.out" | grep -q "<- n1$" || fail "explain: the copy should read the source itself"

run_hf "$T/k.out" "$T/k.err" run "$T/kafka.sql"
expect_rc 0 "upsert-kafka GROUP BY"
[ "$RC" -eq 0 ] || tail -5 "$T/k.err" >&2
diff_agg() {
    "${PSQL[@]}" -c "WITH want AS (SELECT grp, count(*)::bigint AS cnt, sum(amount)::numeric(38,2) AS total, max(amount) AS mx FROM $1 GROUP BY grp)
        SELECT (SELECT count(*) FROM (TABLE want EXCEPT ALL TABLE $2) a) || ' ' ||
               (SELECT count(*) FROM (TABLE $2 EXCEPT ALL TABLE want) b)"
}
read -r missing extra <<<"$(diff_agg ${P}_ref ${P}_agg)"
[ "$missing$extra" = 00 ] || fail "upsert-kafka GROUP BY: $missing groups missing or different, $extra extra"
read -r missing extra <<<"$("${PSQL[@]}" -c "SELECT (SELECT count(*) FROM (TABLE ${P}_ref EXCEPT ALL TABLE ${P}_copy) a) || ' ' || (SELECT count(*) FROM (TABLE ${P}_copy EXCEPT ALL TABLE ${P}_ref) b)")"
[ "$missing$extra" = 00 ] || fail "upsert-kafka copy: $missing rows missing or different, $extra extra"
ngrp=$("${PSQL[@]}" -c "SELECT count(*) FROM ${P}_agg")
[ "$ngrp" -gt 5 ] || fail "upsert-kafka GROUP BY: only $ngrp groups"
echo "  upsert-kafka: $MSGS messages over $KEYS keys, $(wc -l <"$T/final.csv") live, $ngrp groups"

# ------------------------------------------------------------ binlog UPSERT
"${PSQL[@]}" -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name LIKE 'holoflow\_public\_${P}\_%'" >/dev/null
"${PSQL[@]}" <<SQL
DROP PUBLICATION IF EXISTS ${P}_pub;
DROP TABLE IF EXISTS ${P}_src, ${P}_dst;
CREATE TABLE ${P}_src (id bigint PRIMARY KEY, grp int NOT NULL, amount numeric(12,2) NOT NULL, note text);
INSERT INTO ${P}_src SELECT g, g % 10, (g * 37 % 100000) / 100.0, 'n' || g FROM generate_series(1, $ROWS) g;
CREATE TABLE ${P}_dst (grp int PRIMARY KEY, cnt bigint, total numeric(38,2), mx numeric(12,2));
SQL
awk -v seed="$SEED" -v n="$ROWS" -v p="$P" -v txns="$TXNS" 'BEGIN {
    srand(seed)
    for (t = 0; t < txns; t++) {
        print "BEGIN;"
        m = 1 + int(rand() * 3)
        for (j = 0; j < m; j++) {
            k = 1 + int(rand() * n * 1.2); r = rand()
            g = int(rand() * 10); a = int(rand() * 10000000) / 100
            if (r < 0.3)
                printf "INSERT INTO %s_src VALUES (%d, %d, %.2f, %s) ON CONFLICT (id) DO UPDATE SET amount = EXCLUDED.amount, grp = EXCLUDED.grp;\n", p, k, g, a, "'\''i" t "'\''"
            else if (r < 0.5)
                printf "UPDATE %s_src SET amount = %.2f WHERE id = %d;\n", p, a, k
            else if (r < 0.65)
                printf "UPDATE %s_src SET note = %s WHERE id = %d;\n", p, "'\''u" t "'\''", k
            else if (r < 0.85)
                printf "UPDATE %s_src SET grp = %d WHERE id = %d;\n", p, g, k
            else
                printf "DELETE FROM %s_src WHERE id = %d;\n", p, k
        }
        print "COMMIT;"
        if (t % 20 == 0) print "SELECT pg_sleep(0.02);"
    }
}' >"$T/changes.sql"

cat >"$T/binlog.sql" <<SQL
SET 'execution.checkpointing.interval' = '300ms';
CREATE TABLE src (id BIGINT, grp INT, amount DECIMAL(12, 2), note STRING,
  PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', $conn, 'tablename' = '${P}_src',
      'publication.name' = '${P}_pub', 'source.binlog' = 'true');
CREATE TABLE dst (grp INT, cnt BIGINT, total DECIMAL(38, 2), mx DECIMAL(12, 2),
  PRIMARY KEY (grp) NOT ENFORCED)
WITH ('connector' = 'hologres', $conn, 'tablename' = '${P}_dst');
INSERT INTO dst SELECT grp, COUNT(*), SUM(amount), MAX(amount) FROM src GROUP BY grp;
SQL
run_hf "$T/bexplain.out" "$T/bexplain.err" explain "$T/binlog.sql"
expect_grep "changelog-normalize: key id of 'src'; emits -U/+U <- n1" "$T/bexplain.out" "binlog explain: the normalize"

hf_start binlog --log-level debug run "$T/binlog.sql"
wait_log "$T/binlog.log" "streaming changes" 120 || { fail "binlog: not streaming"; tail -5 "$T/binlog.log" >&2; }
psql -X -q -v ON_ERROR_STOP=1 -f "$T/changes.sql" >/dev/null 2>"$T/gen.err" || fail "change generator: $(cat "$T/gen.err")"
for i in $(seq 1 600); do
    [ "$(diff_agg ${P}_src ${P}_dst)" = "0 0" ] && break
    kill -0 "$HF_PID" 2>/dev/null || break
    sleep 0.2
done
kill -TERM "$HF_PID" 2>/dev/null || true
rc=0
wait "$HF_PID" || rc=$?
[ "$rc" -eq 143 ] || { fail "binlog: exit code $rc after SIGTERM, expected 143"; grep -E 'failed|ERROR' "$T/binlog.log" | tail -5 >&2; }
read -r missing extra <<<"$(diff_agg ${P}_src ${P}_dst)"
[ "$missing$extra" = 00 ] || {
    fail "binlog UPSERT GROUP BY: $missing groups missing or different, $extra extra"
    "${PSQL[@]}" -c "SELECT 'want', grp, count(*), sum(amount), max(amount) FROM ${P}_src GROUP BY grp ORDER BY grp LIMIT 4" -c "SELECT 'got', * FROM ${P}_dst ORDER BY grp LIMIT 4" >&2
}
echo "  binlog UPSERT: $ROWS rows, $TXNS change transactions: missing $missing, extra $extra"

"${PSQL[@]}" -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name LIKE 'holoflow\_public\_${P}\_%'" >/dev/null
"${PSQL[@]}" -c "DROP PUBLICATION ${P}_pub; DROP TABLE ${P}_src, ${P}_dst, ${P}_ref, ${P}_agg, ${P}_copy"
finish
