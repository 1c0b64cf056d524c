#!/usr/bin/env bash
# Bad rows (issue 3 item 7): 2000 good rows with bad ones mixed in, written
# with batch-size 100 over 4 connections into
#   (id bigint PRIMARY KEY, amount numeric(5,2), code varchar(3),
#    name text NOT NULL, qty int CHECK (qty >= 0))
# with sink.default-for-not-null-column.enabled off. The bad rows: numeric
# overflow, a value too long for varchar(3), NULL for the NOT NULL column,
# a CHECK violation, and invalid UTF-8.
#   EXCEPTION (default), one bad row at line 1001: the job exits 1 and the
#     message names the key, the source position, the column (the server
#     names none for overflow, length and encoding errors; the sink finds
#     it) or the constraint, and the server's reason.
#   SKIP with sink.dirty-data.path: the job succeeds; the table holds
#     exactly the good rows (compared with the good rows loaded by psql's
#     \copy); each bad row is one JSON line in the dirty file with its
#     source position and reason (the file is loaded and checked as jsonb
#     by psql); the summary counts 2000 written and 14 dirty. Five bad
#     rows are updates of good keys right after their good row (folded
#     into one buffer entry with it, two of them for one key): the good
#     row is still written and only the bad changes are dirty.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
tbl=hf_dirty_t_$$
ref=hf_dirty_ref_$$
dj=hf_dirty_json_$$
exp=hf_dirty_exp_$$
export PGOPTIONS="-c client_min_messages=warning"
# Drop the tables whatever happens (and remove $T, as lib.sh's trap does).
trap '"${PSQL[@]}" -c "DROP TABLE IF EXISTS $tbl, $ref, $dj, $exp" >/dev/null 2>&1; rm -rf "$T"' EXIT

# Good rows, one per line; all values fit.
awk 'BEGIN { for (i = 1; i <= 2000; i++)
    printf "%d,%d.%02d,c%02d,n\303\251v%d,%d\n", i, (i * 37) % 1000, i % 100, i % 100, i, i % 50 }' >"$T/good.csv"
# Bad rows (in file order): id, kind, the good row they follow, csv line. 300, 1200, 1500
# (twice) and 1800 are bad updates of good keys right after their good
# row (so, in one buffer, folded into it): the good row must still be
# written.
cat >"$T/bad.txt" <<'EOF'
9001	overflow	224	9001,12345.67,abc,n9001,1
300	toolong	300	300,1.00,abcd,n300,0
9002	overflow	436	9002,-1000.00,abc,n9002,1
9003	toolong	648	9003,1.00,abcd,n9003,1
9004	toolong	860	9004,1.00,ééééé,n9004,1
9005	notnull	1072	9005,1.00,abc,,1
1200	check	1200	1200,1.00,abc,n1200,-3
9006	notnull	1284	9006,2.00,abd,,2
9007	check	1496	9007,1.00,abc,n9007,-1
1500	toolong	1500	1500,1.00,wxyz,n1500,1
1500	check	1500	1500,1.00,abc,n1500,-1
9008	check	1708	9008,1.00,abc,n9008,-50
1800	overflow	1800	1800,5000.00,abc,n1800,1
9009	utf8	1920	9009,1.00,abc,nBAD,1
EOF
nbad=$(wc -l <"$T/bad.txt")
# The combined file; the line number of each bad row goes into
# $T/bad-lines.tsv.
awk -F'\t' -v good="$T/good.csv" -v lines="$T/bad-lines.tsv" '
    { after[NR] = $3; bad[NR] = $4; id[NR] = $1; kind[NR] = $2; nbad = NR }
    END {
        k = 1; n = 0; g = 0
        while ((getline row < good) > 0) {
            print row; n++; g++
            while (k <= nbad && g == after[k]) {
                print bad[k]; n++
                printf "%s\t%d\t%s\n", id[k], n, kind[k] > lines
                k++
            }
        }
    }' "$T/bad.txt" | sed 's/nBAD/n\xff\xfe/' >"$T/all.csv"
[ "$(wc -l <"$T/all.csv")" = $((2000 + nbad)) ] || fail "the input should have $((2000 + nbad)) lines"

"${PSQL[@]}" <<SQL
DROP TABLE IF EXISTS $tbl, $ref, $dj, $exp;
CREATE TABLE $tbl (id bigint PRIMARY KEY, amount numeric(5,2), code varchar(3),
  name text NOT NULL, qty int CONSTRAINT ${tbl}_qty_nonneg CHECK (qty >= 0));
CREATE TABLE $ref (LIKE $tbl INCLUDING ALL);
\copy $ref FROM '$T/good.csv' WITH (FORMAT csv)
CREATE TABLE $dj (line jsonb);
CREATE TABLE $exp (id text, line int, kind text);
\copy $exp FROM '$T/bad-lines.tsv'
SQL

job() { # INPUT EXTRA-OPTIONS
    cat >"$T/job.sql" <<SQL
CREATE TABLE src (id BIGINT, amount DECIMAL(10, 2), code STRING, name STRING, qty INT)
WITH ('connector' = 'filesystem', 'path' = '$1', 'format' = 'csv', 'csv.null-literal' = '');
CREATE TABLE dst (id BIGINT, amount DECIMAL(10, 2), code STRING, name STRING, qty INT,
  PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '$tbl', 'username' = '$PGUSER', 'password' = '',
      'connection.pool.size' = '4', 'sink.insert.batch-size' = '100',
      'sink.default-for-not-null-column.enabled' = 'false'$2);
INSERT INTO dst SELECT * FROM src;
SQL
    run_hf "$T/out" "$T/err" run "$T/job.sql"
}

# ------------------------------------------------ EXCEPTION
# what must the message say, per kind (besides key and position)
declare -A says
says[overflow]="numeric field overflow (SQLSTATE 22003)|column 'amount' value 12345.67 does not fit its type numeric(5,2)"
says[toolong]="value too long for type character varying(3) (SQLSTATE 22001)|column 'code' has 4 characters, more than its type character varying(3) holds"
says[notnull]="column 'name' is NOT NULL in the table but the row has NULL"
says[check]="violates check constraint \"${tbl}_qty_nonneg\" (SQLSTATE 23514)"
says[utf8]="invalid byte sequence for encoding \"UTF8\": 0xff (SQLSTATE 22021)|column 'name' is not valid UTF-8 (byte 0xff at offset 1)"
for kind in overflow toolong notnull check utf8; do
    line=$(awk -F'\t' -v k=$kind '$2 == k && $1 > 9000 { print $4; exit }' "$T/bad.txt" | sed 's/nBAD/n\xff\xfe/')
    id=${line%%,*}
    { head -n 1000 "$T/good.csv"; printf '%s\n' "$line"; tail -n +1001 "$T/good.csv"; } >"$T/$kind.csv"
    "${PSQL[@]}" -c "TRUNCATE $tbl"
    job "$T/$kind.csv" ""
    expect_rc 1 "EXCEPTION, $kind"
    expect_grep "+I row with key (id=$id) from $T/$kind.csv:1001 cannot be written: " "$T/err" "EXCEPTION, $kind: key and position"
    IFS='|' read -r -a parts <<<"${says[$kind]}"
    for s in "${parts[@]}"; do
        expect_grep "$s" "$T/err" "EXCEPTION, $kind: reason"
    done
    expect_grep "'sink.insert.dirty-data-strategy'='SKIP'" "$T/err" "EXCEPTION, $kind: the hint"
    [ "$("${PSQL[@]}" -c "SELECT count(*) FROM $tbl WHERE id = $id")" = 0 ] ||
        fail "EXCEPTION, $kind: the bad row is in the table"
done

# ------------------------------------------------ SKIP
"${PSQL[@]}" -c "TRUNCATE $tbl"
rm -f "$T/dirty.jsonl"
job "$T/all.csv" ", 'sink.insert.dirty-data-strategy' = 'SKIP', 'sink.dirty-data.path' = '$T/dirty.jsonl'"
expect_rc 0 "SKIP"
grep -Eq "sink 'dst':.* 2000 rows? written, $nbad dirty rows?" "$T/err" ||
    { fail "SKIP: the summary does not show 2000 written and $nbad dirty:"; grep "sink 'dst'" "$T/err" >&2 || true; }
d=$("${PSQL[@]}" -c "SELECT count(*) FROM ((TABLE $tbl EXCEPT ALL TABLE $ref) UNION ALL (TABLE $ref EXCEPT ALL TABLE $tbl)) x")
[ "$d" = 0 ] || fail "SKIP: $d rows differ from the good rows"
[ "$("${PSQL[@]}" -c "SELECT count(*), sum(id) FROM $tbl")" = "2000|2001000" ] || fail "SKIP: count or sum of keys wrong"
[ "$(wc -l <"$T/dirty.jsonl")" = "$nbad" ] || fail "SKIP: the dirty file has $(wc -l <"$T/dirty.jsonl") lines, expected $nbad"
# Every line is JSON (psql parses it as jsonb: the load fails otherwise).
"${PSQL[@]}" -c "\\copy $dj FROM '$T/dirty.jsonl' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')" ||
    fail "SKIP: the dirty file is not JSON lines"
# One line per bad row, with its source position and kind.
expect_dirty() { # WHAT QUERY-RETURNING-COUNT-OF-MISMATCHES
    local n
    n=$("${PSQL[@]}" -c "$2")
    [ "$n" = 0 ] || fail "SKIP dirty file: $1 ($n mismatches)"
}
expect_dirty "the rows are exactly the bad ones, at their lines" \
    "SELECT count(*) FROM ((SELECT line->'row'->>'id', line->>'source', line->>'kind', line->>'table' FROM $dj
        EXCEPT ALL SELECT id, '$T/all.csv:' || line, '+I', 'public.$tbl' FROM $exp)
     UNION ALL (SELECT id, '$T/all.csv:' || line, '+I', 'public.$tbl' FROM $exp
        EXCEPT ALL SELECT line->'row'->>'id', line->>'source', line->>'kind', line->>'table' FROM $dj)) x"
expect_dirty "each reason fits its kind" \
    "SELECT count(*) FROM $dj j JOIN $exp e ON '$T/all.csv:' || e.line = j.line->>'source' WHERE NOT CASE e.kind
        WHEN 'overflow' THEN j.line->>'reason' LIKE 'numeric field overflow%column ''amount'' value % does not fit its type numeric(5,2)'
        WHEN 'toolong' THEN j.line->>'reason' LIKE 'value too long for type character varying(3)%column ''code'' has % characters, more than its type character varying(3) holds'
        WHEN 'notnull' THEN j.line->>'reason' LIKE 'column ''name'' is NOT NULL in the table but the row has NULL%'
        WHEN 'check' THEN j.line->>'reason' LIKE '%violates check constraint \"${tbl}_qty_nonneg\"%'
        WHEN 'utf8' THEN j.line->>'reason' LIKE 'invalid byte sequence for encoding \"UTF8\"%column ''name'' is not valid UTF-8%'
        END"
expect_dirty "the values of the bad rows are recorded" \
    "SELECT count(*) FROM $dj WHERE NOT (line->'row' @> '{\"id\":\"9001\",\"amount\":\"12345.67\",\"code\":\"abc\",\"name\":\"n9001\",\"qty\":\"1\"}'
        OR line->'row'->>'id' <> '9001')
     OR NOT (line->'row' @> '{\"id\":\"9004\",\"code\":\"ééééé\"}' OR line->'row'->>'id' <> '9004')
     OR NOT (line->'row' @> '{\"id\":\"9005\",\"name\":null}' OR line->'row'->>'id' <> '9005')
     OR NOT (line->'row' @> '{\"id\":\"9009\",\"name\":\"n\\ufffd\\ufffd\"}' OR line->'row'->>'id' <> '9009')"

finish
