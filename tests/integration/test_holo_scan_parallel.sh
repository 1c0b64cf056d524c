#!/usr/bin/env bash
# Parallel hologres scans (source.scan.split-count): readers share one
# exported snapshot and split the table by child partition and page range.
# 1. A static table, a partitioned parent and a table with a pushed-down
#    filter read with 1 and with 4 readers print the same rows.
# 2. Consistency under concurrent writes: 400000 accounts of balance 100;
#    while holoflow scans them with 4 readers, a writer commits
#    transactions that move 1 from an account in the first pages to one in
#    the last pages (the new row versions land at the end of the heap, in
#    another reader's range) and that replace an account by a new row with
#    a new id. Every snapshot has exactly 400000 accounts, distinct ids and
#    a total of 40000000; the scan must show exactly that, although the
#    table changed during the scan (its final content differs from what
#    was read), and the log must show one snapshot imported by every
#    reader.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
p=hf_spar_$$
conn="'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE', 'username' = '$PGUSER', 'password' = 'x', 'source.binlog' = 'false'"
"${PSQL[@]}" <<SQL
SET client_min_messages = warning;
CREATE TABLE ${p}_s (id bigint, v text, n numeric(12, 3));
INSERT INTO ${p}_s SELECT i, md5(i::text), i / 7.0 FROM generate_series(1, 50000) i;
CREATE TABLE ${p}_p (id bigint, region int, v text) PARTITION BY LIST (region);
CREATE TABLE ${p}_p1 PARTITION OF ${p}_p FOR VALUES IN (1);
CREATE TABLE ${p}_p2 PARTITION OF ${p}_p FOR VALUES IN (2);
CREATE TABLE ${p}_p3 PARTITION OF ${p}_p FOR VALUES IN (3);
INSERT INTO ${p}_p SELECT i, 1 + i % 3, 'r' || i FROM generate_series(1, 30000) i;
CREATE TABLE ${p}_acct (id bigint PRIMARY KEY, bal bigint, pad text) WITH (fillfactor = 100);
INSERT INTO ${p}_acct SELECT i, 100, repeat('x', 40) FROM generate_series(1, 400000) i;
VACUUM ANALYZE ${p}_acct;
SQL

# scan TABLE COLS SPLITS [WHERE]: rows printed, sorted, into $T/scan.<SPLITS>
scan() {
    cat >"$T/job.sql" <<SQL
SET 'execution.runtime-mode' = 'batch';
CREATE TABLE src ($2) WITH ('connector' = 'hologres', $conn, 'tablename' = '$1',
  'source.scan.split-count' = '$3', 'source.filter-push-down.enabled' = 'true');
CREATE TABLE out ($2) WITH ('connector' = 'print');
INSERT INTO out SELECT * FROM src ${4:-};
SQL
    run_hf "$T/out" "$T/err" --log-level debug run "$T/job.sql"
    expect_rc 0 "scan of $1 with $3 readers"
    [ "$RC" -eq 0 ] || tail -3 "$T/err" >&2
    sort "$T/out" >"$T/scan.$3"
}

# --- 1. the same rows with 1 and 4 readers.
for t in "${p}_s|id BIGINT, v STRING, n DECIMAL(12, 3)|" \
         "${p}_p|id BIGINT, region INT, v STRING|" \
         "${p}_s|id BIGINT, v STRING, n DECIMAL(12, 3)|WHERE id % 3 = 0 AND n > 100 AND v <> 'x'"; do
    IFS='|' read -r tab cols where <<<"$t"
    scan "$tab" "$cols" 1 "$where"
    scan "$tab" "$cols" 4 "$where"
    expect_same "$T/scan.1" "$T/scan.4" "$tab $where: 4 readers vs 1"
    [ -s "$T/scan.4" ] || fail "$tab: no rows"
    expect_grep "4 readers share snapshot" "$T/err" "$tab: shared snapshot"
done
# The partitioned parent is read child by child, each cut into page ranges.
scan "${p}_p" "id BIGINT, region INT, v STRING" 4
expect_grep "FROM \"public\".\"${p}_p2\" WHERE ctid >= '(0,0)'::tid AND ctid < '(" "$T/err" "split by child and pages"
expect_grep "12 splits, 4 readers" "$T/err" "split count"

# --- 2. concurrent writes during a 4-reader scan.
awk -v p="${p}_acct" 'BEGIN {
    srand(7); next_id = 1000000
    for (i = 0; i < 40000; i++) {
        a = 1 + int(rand() * 20000); b = 380001 + int(rand() * 20000)
        printf "BEGIN; UPDATE %s SET bal = bal - 1 WHERE id = %d; UPDATE %s SET bal = bal + 1 WHERE id = %d; COMMIT;\n", p, a, p, b
        if (i % 4 == 0) {
            x = 20001 + int(rand() * 360000)
            printf "WITH d AS (DELETE FROM %s WHERE id = %d RETURNING bal) INSERT INTO %s SELECT %d, bal, %c%s%c FROM d;\n", p, x, p, next_id++, 39, "moved", 39
        }
    }
}' >"$T/writes.sql"
psql -X -q -v ON_ERROR_STOP=0 -f "$T/writes.sql" >/dev/null 2>"$T/writer.err" &
writer=$!
sleep 1
before=$("${PSQL[@]}" -c "SELECT md5(string_agg(id || ':' || bal, ',' ORDER BY id)) FROM ${p}_acct")
cat >"$T/job.sql" <<SQL
SET 'execution.runtime-mode' = 'batch';
CREATE TABLE src (id BIGINT, bal BIGINT) WITH ('connector' = 'hologres', $conn,
  'tablename' = '${p}_acct', 'source.scan.split-count' = '4');
CREATE TABLE out (id BIGINT, bal BIGINT) WITH ('connector' = 'print');
INSERT INTO out SELECT * FROM src;
SQL
run_hf "$T/out" "$T/err" --log-level debug run "$T/job.sql"
expect_rc 0 "scan under writes"
alive=0
kill -0 "$writer" 2>/dev/null && alive=1
after=$("${PSQL[@]}" -c "SELECT md5(string_agg(id || ':' || bal, ',' ORDER BY id)) FROM ${p}_acct")
kill "$writer" 2>/dev/null || true
wait "$writer" 2>/dev/null || true
[ "$alive" = 1 ] || fail "the writer ended before the scan did: no concurrency shown"
[ "$before" != "$after" ] || fail "the table did not change during the scan"
sed 's/^+I\[//; s/\]$//' "$T/out" | awk -F', ' '{ n++; s += $2; if (seen[$1]++) d++ } END { printf "%d %d %d\n", n, s, d + 0 }' >"$T/sum"
[ "$(cat "$T/sum")" = "400000 40000000 0" ] ||
    fail "scan under writes: rows, total, duplicate ids = $(cat "$T/sum"), expected 400000 40000000 0"
expect_grep "4 readers share snapshot" "$T/err" "one exported snapshot"
n=$(grep -c "reader [0-3]: COPY" "$T/err" || true)
[ "$n" -ge 4 ] || fail "expected COPY statements on 4 readers, saw $n"
for r in 0 1 2 3; do
    grep -q "reader $r: COPY" "$T/err" || fail "reader $r read nothing"
done

"${PSQL[@]}" -c "DROP TABLE ${p}_s, ${p}_p, ${p}_acct"
finish
