#!/usr/bin/env bash
# The COPY write modes of the hologres sink against PostgreSQL:
#  1. one CSV file (the 000_* schema, quotes and commas in names) loaded
#     in every COPY mode and both formats, into a table with and without
#     a primary key, leaves exactly the rows of the file (the reference is
#     the same file loaded by psql's \copy);
#  2. AUTO in a batch job: `holoflow explain` says what it becomes, the
#     log says what it became (COPY_BULK_LOAD_ON_CONFLICT with a key,
#     COPY_BULK_LOAD without), and the table is the file;
#  3. a COPY_BULK_LOAD that meets an existing key, or a bad value, fails,
#     names the row and its source line, and leaves the table unchanged;
#  4. COPY_BULK_LOAD_ON_CONFLICT and COPY_STREAM into a table holding half
#     of the keys apply each on-conflict action exactly as INSERT ... ON
#     CONFLICT does (the unwritten column keeps, or resets to, its value);
#  5. a changelog with updates and deletes of the same keys, crossing
#     buffer boundaries, through COPY_STREAM over 4 connections and through
#     COPY_BULK_LOAD_ON_CONFLICT, leaves what applying the events one by
#     one leaves (CHANGELOG_STANDARD and NON_PK_FIELD_TO_NULL);
#  6. with SKIP, bad rows are recorded in the dirty-data file with their
#     source line and every other row is written, in every COPY mode.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
p=hf_cp_$$
export PGOPTIONS="-c client_min_messages=warning"

# --- the file: 5000 rows; every 7th name has a comma and quotes.
awk 'BEGIN {
    srand(5)
    for (i = 1; i <= 5000; i++) {
        name = (i % 7 == 0) ? sprintf("\"n%d, \"\"q\"\"\"", i) : sprintf("n%d", i)
        printf "%d,%s,%d.%02d,20%02d-%02d-%02d %02d:%02d:%02d.%03d\n", i, name,
            int(rand() * 100000) - 50000, int(rand() * 100), int(rand() * 30),
            1 + int(rand() * 12), 1 + int(rand() * 28), int(rand() * 24),
            int(rand() * 60), int(rand() * 60), int(rand() * 1000)
    }
}' >"$T/sales.csv"

"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_ref (user_id bigint PRIMARY KEY, user_name text, price numeric(38, 2), sale_timestamp timestamp);
\copy ${p}_ref FROM '$T/sales.csv' csv
CREATE TABLE ${p}_pk (LIKE ${p}_ref INCLUDING ALL);
CREATE TABLE ${p}_nopk (LIKE ${p}_ref);
SQL

cols="user_id BIGINT, user_name STRING, price DECIMAL(38, 2), sale_timestamp TIMESTAMP"
conn="'connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE', 'username' = '$PGUSER', 'password' = 'x'"

# job FILE TABLE KEY(0|1) "extra options" [batch]
job() {
    local pk=""
    [ "$3" = 1 ] && pk=", PRIMARY KEY (user_id) NOT ENFORCED"
    {
        [ "${5:-}" = batch ] && echo "SET 'execution.runtime-mode' = 'batch';"
        cat <<SQL
CREATE TABLE src ($cols) WITH ('connector' = 'filesystem', 'path' = '$1', 'format' = 'csv');
CREATE TABLE dst ($cols$pk) WITH ($conn, 'tablename' = '$2'$4);
INSERT INTO dst SELECT * FROM src;
SQL
    } >"$T/job.sql"
}

same_as() { # TABLE REF WHAT
    local d
    d=$("${PSQL[@]}" -c "SELECT count(*) FROM ((TABLE $1 EXCEPT ALL TABLE $2) UNION ALL (TABLE $2 EXCEPT ALL TABLE $1)) x")
    [ "$d" = 0 ] || fail "$3: $d rows differ from $2"
}

# --- 1. every mode and format, with and without a key.
for tbl in pk nopk; do
    key=0
    [ $tbl = pk ] && key=1
    for mode in COPY_STREAM COPY_BULK_LOAD COPY_BULK_LOAD_ON_CONFLICT; do
        for fmt in binary text; do
            "${PSQL[@]}" -c "TRUNCATE ${p}_$tbl"
            job "$T/sales.csv" "${p}_$tbl" $key ", 'sink.write-mode' = '$mode', 'sink.copy.format' = '$fmt', 'sink.insert.batch-size' = '1500'"
            run_hf "$T/out" "$T/err" run "$T/job.sql"
            if [ "$RC" -ne 0 ]; then
                fail "$tbl/$mode/$fmt: exit $RC"
                tail -3 "$T/err" >&2
                continue
            fi
            expect_grep "5000 rows written" "$T/err" "$tbl/$mode/$fmt summary"
            same_as "${p}_$tbl" "${p}_ref" "$tbl/$mode/$fmt"
        done
    done
done
echo "  1. every COPY mode and format, with and without a key: the file's rows"

# --- 2. AUTO in a batch job.
job "$T/sales.csv" "${p}_pk" 1 "" batch
run_hf "$T/out" "$T/err" explain "$T/job.sql"
expect_grep "  write mode: AUTO -> a COPY mode (batch job), decided at open: COPY_BULK_LOAD into a table without a primary key; with one, COPY_BULK_LOAD_ON_CONFLICT into an empty table, else COPY_STREAM" "$T/out" "explain AUTO"
"${PSQL[@]}" -c "TRUNCATE ${p}_pk"
run_hf "$T/out" "$T/err" run "$T/job.sql"
expect_rc 0 "AUTO batch"
expect_grep "write mode AUTO resolved to COPY_BULK_LOAD_ON_CONFLICT (bounded job into an empty table with a primary key" "$T/err" "AUTO log"
expect_grep "straight into the empty table" "$T/err" "AUTO empty table"
same_as "${p}_pk" "${p}_ref" "AUTO batch, key"
# The table has rows now: COPY_STREAM, the same rows again.
run_hf "$T/out" "$T/err" run "$T/job.sql"
expect_grep "write mode AUTO resolved to COPY_STREAM (bounded job into a table with a primary key that has rows" "$T/err" "AUTO log, rows"
same_as "${p}_pk" "${p}_ref" "AUTO batch, key, again"
"${PSQL[@]}" -c "TRUNCATE ${p}_nopk"
job "$T/sales.csv" "${p}_nopk" 0 "" batch
run_hf "$T/out" "$T/err" run "$T/job.sql"
expect_grep "write mode AUTO resolved to COPY_BULK_LOAD (bounded job into a table without a primary key" "$T/err" "AUTO log, no key"
same_as "${p}_nopk" "${p}_ref" "AUTO batch, no key"
job "$T/sales.csv" "${p}_pk" 1 ""
run_hf "$T/out" "$T/err" explain "$T/job.sql"
expect_grep "  write mode: AUTO -> INSERT (streaming job)" "$T/out" "explain AUTO streaming"
echo "  2. AUTO: explained, resolved by the key, loaded"

# --- 3. a failing bulk load leaves the table unchanged.
"${PSQL[@]}" -c "TRUNCATE ${p}_pk; INSERT INTO ${p}_pk SELECT g, 'pre', g, '2001-01-01' FROM generate_series(4990, 5010) g"
before=$("${PSQL[@]}" -c "SELECT md5(string_agg(t::text, ',' ORDER BY user_id)) FROM ${p}_pk t")
job "$T/sales.csv" "${p}_pk" 1 ", 'sink.write-mode' = 'COPY_BULK_LOAD', 'sink.insert.batch-size' = '1000'"
run_hf "$T/out" "$T/err" run "$T/job.sql"
expect_rc 1 "conflicting bulk load"
expect_grep "COPY_BULK_LOAD into \"public\".\"${p}_pk\" failed and was rolled back (the table is unchanged)" "$T/err" "conflict: rolled back"
expect_grep "+I row with key (user_id=4990) from $T/sales.csv:4990 cannot be written: duplicate key value violates unique constraint \"${p}_pk_pkey\" (SQLSTATE 23505): Key (user_id)=(4990) already exists." "$T/err" "conflict: the row"
after=$("${PSQL[@]}" -c "SELECT md5(string_agg(t::text, ',' ORDER BY user_id)) FROM ${p}_pk t")
[ "$before" = "$after" ] || fail "conflicting bulk load changed the table"
# A bad value (numeric overflow) in a bulk load.
"${PSQL[@]}" -c "CREATE TABLE ${p}_small (user_id bigint PRIMARY KEY, user_name varchar(12), price numeric(7, 2), sale_timestamp timestamp)"
"${PSQL[@]}" -c "INSERT INTO ${p}_small VALUES (0, 'keep', 1, '2000-01-01')"
sed -e '3000s/^3000,n3000,[-0-9.]*,/3000,n3000,123456.78,/' "$T/sales.csv" | awk -F, '$3 + 0 < 99999 && $3 + 0 > -99999 || NR == 3000' >"$T/bad.csv"
line=$(grep -n '^3000,' "$T/bad.csv" | cut -d: -f1)
job "$T/bad.csv" "${p}_small" 1 ", 'sink.write-mode' = 'COPY_BULK_LOAD', 'sink.copy.format' = 'text'"
run_hf "$T/out" "$T/err" run "$T/job.sql"
expect_rc 1 "bad value in a bulk load"
expect_grep "+I row with key (user_id=3000) from $T/bad.csv:$line cannot be written: numeric field overflow" "$T/err" "bad value: the row"
n=$("${PSQL[@]}" -c "SELECT string_agg(user_name, ',') FROM ${p}_small")
[ "$n" = keep ] || fail "bad bulk load left '$n' in the table"
echo "  3. a conflicting or bad bulk load fails, names the row, changes nothing"

# --- 4. on-conflict actions against existing keys (half of them).
"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_oc (user_id bigint PRIMARY KEY, user_name text, price numeric(38, 2), sale_timestamp timestamp, extra text DEFAULT 'dflt');
CREATE TABLE ${p}_ocref (LIKE ${p}_oc INCLUDING ALL);
SQL
for mode in COPY_BULK_LOAD_ON_CONFLICT COPY_STREAM; do
    for oc in INSERT_OR_UPDATE INSERT_OR_IGNORE INSERT_OR_REPLACE; do
        case $oc in
        INSERT_OR_UPDATE) act="DO UPDATE SET user_name = excluded.user_name, price = excluded.price, sale_timestamp = excluded.sale_timestamp" ;;
        INSERT_OR_IGNORE) act="DO NOTHING" ;;
        INSERT_OR_REPLACE) act="DO UPDATE SET user_name = excluded.user_name, price = excluded.price, sale_timestamp = excluded.sale_timestamp, extra = DEFAULT" ;;
        esac
        "${PSQL[@]}" <<SQL
TRUNCATE ${p}_oc, ${p}_ocref;
INSERT INTO ${p}_oc SELECT g, 'pre', -1, '1999-01-01', 'pre' FROM generate_series(1, 5000, 2) g;
INSERT INTO ${p}_ocref TABLE ${p}_oc;
INSERT INTO ${p}_ocref (user_id, user_name, price, sale_timestamp) SELECT * FROM ${p}_ref ON CONFLICT (user_id) $act;
SQL
        job "$T/sales.csv" "${p}_oc" 1 ", 'sink.write-mode' = '$mode', 'sink.on-conflict-action' = '$oc', 'sink.insert.batch-size' = '900', 'connection.pool.size' = '3'"
        run_hf "$T/out" "$T/err" run "$T/job.sql"
        if [ "$RC" -ne 0 ]; then
            fail "$mode/$oc: exit $RC"
            tail -3 "$T/err" >&2
            continue
        fi
        same_as "${p}_oc" "${p}_ocref" "$mode/$oc"
    done
done
echo "  4. on-conflict actions through staging: as INSERT ... ON CONFLICT"

# --- 5. a changelog with deletes (as test_holo_changelog.sh).
awk -v seed=7 'BEGIN {
    srand(seed); n = 0
    for (i = 0; i < 4000; i++) {
        k = int(rand() * 300) + 1
        name = sprintf("n%d_%d", k, i); price = sprintf("%d.%02d", int(rand()*1000), int(rand()*100)); qty = int(rand()*50)
        after = sprintf("{\"id\":%d,\"name\":\"%s\",\"price\":\"%s\",\"qty\":%d}", k, name, price, qty)
        if (!(k in cur)) {
            printf "{\"before\":null,\"after\":%s,\"op\":\"c\"}\n", after
            printf "%d\t+I\t%d\t%s\t%s\t%d\n", ++n, k, name, price, qty > "/dev/stderr"
            cur[k] = after
        } else if (rand() < 0.7) {
            printf "{\"before\":%s,\"after\":%s,\"op\":\"u\"}\n", cur[k], after
            printf "%d\t+U\t%d\t%s\t%s\t%d\n", ++n, k, name, price, qty > "/dev/stderr"
            cur[k] = after
        } else {
            printf "{\"before\":%s,\"after\":null,\"op\":\"d\"}\n", cur[k]
            printf "%d\t-D\t%d\t\\N\t\\N\t\\N\n", ++n, k > "/dev/stderr"
            delete cur[k]
        }
    }
}' >"$T/events.json" 2>"$T/events.tsv"
"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_ev (seq int, op text, id bigint, name text, price numeric(12,2), qty int);
\copy ${p}_ev FROM '$T/events.tsv'
CREATE TABLE ${p}_clref (id bigint PRIMARY KEY, name text, price numeric(12,2), qty int);
CREATE TABLE ${p}_cl (LIKE ${p}_clref INCLUDING ALL);
CREATE FUNCTION ${p}_apply(ds text) RETURNS void AS \$\$
DECLARE e record;
BEGIN
  TRUNCATE ${p}_clref;
  INSERT INTO ${p}_clref SELECT g, 'pre', 1.00, 1 FROM generate_series(1, 300, 3) g;
  FOR e IN SELECT * FROM ${p}_ev ORDER BY seq LOOP
    IF e.op IN ('+I', '+U') THEN
      INSERT INTO ${p}_clref VALUES (e.id, e.name, e.price, e.qty)
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, price = excluded.price, qty = excluded.qty;
    ELSIF ds = 'CHANGELOG_STANDARD' THEN
      DELETE FROM ${p}_clref WHERE id = e.id;
    ELSE
      UPDATE ${p}_clref SET name = NULL, price = NULL, qty = NULL WHERE id = e.id;
    END IF;
  END LOOP;
END \$\$ LANGUAGE plpgsql;
SQL
clcols="id BIGINT, name STRING, price DECIMAL(12, 2), qty INT"
for mode in COPY_STREAM COPY_BULK_LOAD_ON_CONFLICT; do
    for ds in CHANGELOG_STANDARD NON_PK_FIELD_TO_NULL; do
        for fmt in binary text; do
            "${PSQL[@]}" -c "TRUNCATE ${p}_cl; INSERT INTO ${p}_cl SELECT g, 'pre', 1.00, 1 FROM generate_series(1, 300, 3) g; SELECT ${p}_apply('$ds')" >/dev/null
            cat >"$T/job.sql" <<SQL
CREATE TABLE src ($clcols, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'filesystem', 'path' = '$T/events.json', 'format' = 'debezium-json');
CREATE TABLE dst ($clcols, PRIMARY KEY (id) NOT ENFORCED)
WITH ($conn, 'tablename' = '${p}_cl', 'connection.pool.size' = '4', 'sink.insert.batch-size' = '7',
      'sink.write-mode' = '$mode', 'sink.delete-strategy' = '$ds', 'sink.copy.format' = '$fmt');
INSERT INTO dst SELECT * FROM src;
SQL
            run_hf "$T/out" "$T/err" run "$T/job.sql"
            if [ "$RC" -ne 0 ]; then
                fail "$mode/$ds/$fmt: exit $RC"
                tail -3 "$T/err" >&2
                continue
            fi
            same_as "${p}_cl" "${p}_clref" "changelog $mode/$ds/$fmt"
        done
    done
done
echo "  5. a changelog with deletes: the table of the events applied in order"

# --- 6. SKIP: bad rows recorded, the others written.
awk -F, 'NR == 17 { $3 = "100000.00" } NR == 2500 { $2 = "a-name-longer-than-twelve" } NR == 3999 { $3 = "-123456" } { print }' OFS=, \
    <(awk -F, '$3 + 0 < 99999 && $3 + 0 > -99999' "$T/sales.csv" | grep -v '"') >"$T/dirty.csv"
good=$(($(wc -l <"$T/dirty.csv") - 3))
for mode in COPY_BULK_LOAD COPY_STREAM COPY_BULK_LOAD_ON_CONFLICT; do
    for fmt in binary text; do
        rm -f "$T/dirty.jsonl"
        "${PSQL[@]}" -c "TRUNCATE ${p}_small"
        job "$T/dirty.csv" "${p}_small" 1 ", 'sink.write-mode' = '$mode', 'sink.copy.format' = '$fmt', 'sink.insert.dirty-data-strategy' = 'SKIP', 'sink.dirty-data.path' = '$T/dirty.jsonl', 'sink.insert.batch-size' = '1000'"
        run_hf "$T/out" "$T/err" run "$T/job.sql"
        if [ "$RC" -ne 0 ]; then
            fail "SKIP $mode/$fmt: exit $RC"
            tail -3 "$T/err" >&2
            continue
        fi
        expect_grep "$good rows written, 3 dirty rows" "$T/err" "SKIP $mode/$fmt summary"
        n=$("${PSQL[@]}" -c "SELECT count(*) FROM ${p}_small")
        [ "$n" = "$good" ] || fail "SKIP $mode/$fmt: $n rows, expected $good"
        for l in 17 2500 3999; do
            grep -q "\"source\":\"$T/dirty.csv:$l\"" "$T/dirty.jsonl" ||
                fail "SKIP $mode/$fmt: line $l not in the dirty-data file"
        done
        [ "$(wc -l <"$T/dirty.jsonl")" = 3 ] || fail "SKIP $mode/$fmt: $(wc -l <"$T/dirty.jsonl") dirty records"
        grep -q '"reason":"value too long for type character varying(12)' "$T/dirty.jsonl" ||
            fail "SKIP $mode/$fmt: no reason recorded"
    done
done
echo "  6. SKIP: bad rows in the dirty-data file, every other row written"

"${PSQL[@]}" -c "DROP TABLE ${p}_ref, ${p}_pk, ${p}_nopk, ${p}_small, ${p}_oc, ${p}_ocref, ${p}_ev, ${p}_clref, ${p}_cl; DROP FUNCTION ${p}_apply(text)"
finish
