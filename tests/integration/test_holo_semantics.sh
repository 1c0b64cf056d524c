#!/usr/bin/env bash
# Row semantics of the hologres sink (issue 3 item 5), each checked by the
# exact contents of a table read back with psql:
#   sink.default-for-not-null-column.enabled: NULL into a NOT NULL column
#     becomes the column default, else the type's zero value; off, the row
#     is dirty (EXCEPTION: the job fails naming key and column; SKIP: the
#     row goes to the dirty-data file and the others are written);
#   sink.remove-u0000-in-text.enabled: U+0000 inside JSON strings is
#     removed; off, the row is dirty with a message naming the column;
#   sink.partial-insert.enabled: INSERT INTO t (id, a) leaves the other
#     columns of existing rows untouched (new rows get their defaults, a
#     NOT NULL column without one its zero value); with INSERT_OR_REPLACE
#     the unlisted columns get their defaults; off, the unlisted columns
#     are written as NULL;
#   sink.ignore-null-when-update.enabled: an update keeps stored values
#     where the new value is NULL, also when two changes of one key fold
#     in one buffer and when they travel in separate flushes;
#   on-conflict INSERT_OR_UPDATE / INSERT_OR_REPLACE / INSERT_OR_IGNORE on
#     a table with columns the job does not write;
#   a table without a primary key: plain append; running the job again
#     appends the rows again (at-least-once); a changelog into it is
#     refused at check time unless deletes are ignored (IGNORE_DELETE).
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
p=hf_sem_$$
export PGOPTIONS="-c client_min_messages=warning"
# Drop the tables whatever happens (and remove $T, as lib.sh's trap does).
trap '"${PSQL[@]}" -c "DROP TABLE IF EXISTS ${p}_nn, ${p}_u0, ${p}_pi, ${p}_in, ${p}_oc, ${p}_np" >/dev/null 2>&1; rm -rf "$T"' EXIT

# job TABLE INPUT FORMAT "COLUMNS" "PK" "OPTIONS" ["INSERT"]: write and
# run a job reading INPUT into TABLE; sets RC, output in $T/out, $T/err.
job() {
    local table=$1 input=$2 format=$3 cols=$4 pk=$5 opts=$6
    local insert=${7:-INSERT INTO dst SELECT * FROM src}
    local pkc="" spk=""
    if [ -n "$pk" ]; then
        pkc=", PRIMARY KEY ($pk) NOT ENFORCED"
        case $format in *debezium*) spk=$pkc ;; esac
    fi
    cat >"$T/job.sql" <<SQL
CREATE TABLE src ($cols$spk) WITH ('connector' = 'filesystem', 'path' = '$input', 'format' = '$format');
CREATE TABLE dst ($cols$pkc)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '$table', 'username' = '$PGUSER', 'password' = '',
      'connection.pool.size' = '2'$opts);
$insert;
SQL
    run_hf "$T/out" "$T/err" run "$T/job.sql"
}

# expect_table WHAT QUERY EXPECTED
expect_table() {
    local got
    got=$("${PSQL[@]}" -c "SET TimeZone = 'UTC'; $2")
    if [ "$got" != "$3" ]; then
        fail "$1: got
$got
expected
$3"
    fi
}

expect_ok() {
    if [ "$RC" -ne 0 ]; then
        fail "$1: holoflow exited $RC"
        tail -3 "$T/err" >&2
    fi
}

# ------------------------------------------------ default-for-not-null
"${PSQL[@]}" -c "DROP TABLE IF EXISTS ${p}_nn; CREATE TABLE ${p}_nn (
  id bigint PRIMARY KEY, a text NOT NULL DEFAULT 'dflt', b int NOT NULL,
  c numeric(10,2) NOT NULL, d timestamptz NOT NULL, e boolean NOT NULL,
  f text, g varchar(5) NOT NULL DEFAULT 'zz', h date NOT NULL DEFAULT '2001-02-03')"
cat >"$T/nn.json" <<'EOF'
{"id":1,"a":null,"b":null,"c":null,"d":null,"e":null,"f":null,"g":null,"h":null}
{"id":2,"a":"x","b":3,"c":"1.5","d":"2024-01-01 10:00:00Z","e":true,"f":"f","g":"gg","h":"2024-05-06"}
{"id":3,"a":null,"b":null,"c":"2.25","d":"2024-01-02 00:00:00Z","e":false,"f":"f3","g":null,"h":null}
EOF
nn_cols="id BIGINT, a STRING, b INT, c DECIMAL(10, 2), d TIMESTAMP_LTZ(6), e BOOLEAN, f STRING, g STRING, h DATE"
nn_pre="TRUNCATE ${p}_nn; INSERT INTO ${p}_nn VALUES (3, 'old3', 33, 3.00, '2020-01-01', true, 'o', 'old', '2020-01-01')"
q_nn="SELECT id, a, b, c, d, e, coalesce(f, '<null>'), g, h FROM ${p}_nn ORDER BY id"

"${PSQL[@]}" -c "$nn_pre"
job "${p}_nn" "$T/nn.json" json "$nn_cols" id ""
expect_ok "default-for-not-null on (default)"
expect_table "default-for-not-null on: NULLs become the default or the zero value" "$q_nn" \
"1|dflt|0|0.00|1970-01-01 00:00:00+00|f|<null>|zz|2001-02-03
2|x|3|1.50|2024-01-01 10:00:00+00|t|f|gg|2024-05-06
3|dflt|0|2.25|2024-01-02 00:00:00+00|f|f3|zz|2001-02-03"

"${PSQL[@]}" -c "$nn_pre"
job "${p}_nn" "$T/nn.json" json "$nn_cols" id ", 'sink.default-for-not-null-column.enabled' = 'false'"
expect_rc 1 "default-for-not-null off, EXCEPTION"
expect_grep "key (id=1)" "$T/err" "default-for-not-null off: the key"
expect_grep "column 'a' is NOT NULL" "$T/err" "default-for-not-null off: the column"
expect_grep "nn.json:1" "$T/err" "default-for-not-null off: the source position"
[ "$("${PSQL[@]}" -c "SELECT count(*) FROM ${p}_nn WHERE id = 1")" = 0 ] ||
    fail "default-for-not-null off: the dirty row 1 was written"

"${PSQL[@]}" -c "$nn_pre"
rm -f "$T/nn.dirty"
job "${p}_nn" "$T/nn.json" json "$nn_cols" id ", 'sink.default-for-not-null-column.enabled' = 'false',
  'sink.insert.dirty-data-strategy' = 'SKIP', 'sink.dirty-data.path' = '$T/nn.dirty'"
expect_ok "default-for-not-null off, SKIP"
expect_table "default-for-not-null off, SKIP: the good row is written, the dirty ones are not" "$q_nn" \
"2|x|3|1.50|2024-01-01 10:00:00+00|t|f|gg|2024-05-06
3|old3|33|3.00|2020-01-01 00:00:00+00|t|o|old|2020-01-01"
grep -Eq "sink 'dst':.* 1 rows? written, 2 dirty rows" "$T/err" ||
    fail "default-for-not-null off, SKIP: the summary does not show 1 row written and 2 dirty"
[ "$(wc -l <"$T/nn.dirty")" = 2 ] || fail "default-for-not-null off, SKIP: dirty file has $(wc -l <"$T/nn.dirty") lines, expected 2"
expect_grep '"source":"'"$T"'/nn.json:1","kind":"+I","row":{"id":"1","a":null,' "$T/nn.dirty" "dirty record of row 1"
expect_grep '"source":"'"$T"'/nn.json:3"' "$T/nn.dirty" "dirty record of row 3"
expect_grep "\"reason\":\"column 'a' is NOT NULL in the table but the row has NULL" "$T/nn.dirty" "dirty reason"

# ------------------------------------------------ remove-u0000-in-text
"${PSQL[@]}" -c "DROP TABLE IF EXISTS ${p}_u0; CREATE TABLE ${p}_u0 (id bigint PRIMARY KEY, s text, v varchar(4), j jsonb)"
cat >"$T/u0.json" <<'EOF'
{"id":1,"s":"a\u0000b\u0000","v":"\u0000xy\u0000z","j":"{\"k\": \"v\"}"}
{"id":2,"s":"ok","v":"ok","j":null}
EOF
u0_cols="id BIGINT, s STRING, v STRING, j STRING"
q_u0="SELECT id, s, length(s), v, length(v), coalesce(j::text, '<null>') FROM ${p}_u0 ORDER BY id"
job "${p}_u0" "$T/u0.json" json "$u0_cols" id ""
expect_ok "remove-u0000 on (default)"
expect_table "remove-u0000 on: NUL characters are removed" "$q_u0" \
'1|ab|2|xyz|3|{"k": "v"}
2|ok|2|ok|2|<null>'

"${PSQL[@]}" -c "TRUNCATE ${p}_u0"
job "${p}_u0" "$T/u0.json" json "$u0_cols" id ", 'sink.remove-u0000-in-text.enabled' = 'false'"
expect_rc 1 "remove-u0000 off, EXCEPTION"
expect_grep "key (id=1)" "$T/err" "remove-u0000 off: the key"
expect_grep "column 's'" "$T/err" "remove-u0000 off: the column"
expect_grep "contains a \\0 byte" "$T/err" "remove-u0000 off: the reason"
[ "$("${PSQL[@]}" -c "SELECT count(*) FROM ${p}_u0 WHERE id = 1")" = 0 ] ||
    fail "remove-u0000 off: row 1 was written"

"${PSQL[@]}" -c "TRUNCATE ${p}_u0"
rm -f "$T/u0.dirty"
job "${p}_u0" "$T/u0.json" json "$u0_cols" id ", 'sink.remove-u0000-in-text.enabled' = 'false',
  'sink.insert.dirty-data-strategy' = 'SKIP', 'sink.dirty-data.path' = '$T/u0.dirty'"
expect_ok "remove-u0000 off, SKIP"
expect_table "remove-u0000 off, SKIP: only the clean row" "$q_u0" '2|ok|2|ok|2|<null>'
[ "$(wc -l <"$T/u0.dirty")" = 1 ] || fail "remove-u0000 off, SKIP: dirty file has $(wc -l <"$T/u0.dirty") lines, expected 1"
expect_grep '"row":{"id":"1","s":"a\u0000b\u0000","v":"\u0000xy\u0000z"' "$T/u0.dirty" "remove-u0000 off, SKIP: the dirty row keeps its NULs, escaped"

# ------------------------------------------------ partial insert
# d is NOT NULL without a default: a new row gets the zero value (default-
# for-not-null is on), an existing row keeps its value.
"${PSQL[@]}" -c "DROP TABLE IF EXISTS ${p}_pi; CREATE TABLE ${p}_pi (id bigint PRIMARY KEY, a text, b text, c int DEFAULT 7, d int NOT NULL)"
cat >"$T/pi.json" <<'EOF'
{"id":1,"a":"A1","b":"B1"}
{"id":3,"a":"A3","b":"B3"}
EOF
pi_pre="TRUNCATE ${p}_pi; INSERT INTO ${p}_pi VALUES (1, 'a1', 'b1', 1, 11), (2, 'a2', 'b2', 2, 22)"
q_pi="SELECT id, a, coalesce(b, '<null>'), coalesce(c::text, '<null>'), d FROM ${p}_pi ORDER BY id"
for mode in on off on-replace; do
    "${PSQL[@]}" -c "$pi_pre"
    case $mode in
    on) opts=", 'sink.partial-insert.enabled' = 'true'" ;;
    off) opts=", 'sink.partial-insert.enabled' = 'false'" ;;
    on-replace) opts=", 'sink.partial-insert.enabled' = 'true', 'sink.on-conflict-action' = 'INSERT_OR_REPLACE'" ;;
    esac
    job "${p}_pi" "$T/pi.json" json "id BIGINT, a STRING, b STRING, c INT, d INT" id \
        "$opts" "INSERT INTO dst (id, a) SELECT id, a FROM src"
    expect_ok "partial-insert $mode"
    case $mode in
    on) expect_table "partial-insert on: b, c, d untouched, new rows get defaults" "$q_pi" \
"1|A1|b1|1|11
2|a2|b2|2|22
3|A3|<null>|7|0" ;;
    off) expect_table "partial-insert off: unlisted columns written as NULL (d: its zero value)" "$q_pi" \
"1|A1|<null>|<null>|0
2|a2|b2|2|22
3|A3|<null>|<null>|0" ;;
    on-replace) expect_table "partial-insert with INSERT_OR_REPLACE: unlisted columns get their default" "$q_pi" \
"1|A1|<null>|7|0
2|a2|b2|2|22
3|A3|<null>|7|0" ;;
    esac
done

# ------------------------------------------------ ignore-null-when-update
"${PSQL[@]}" -c "DROP TABLE IF EXISTS ${p}_in; CREATE TABLE ${p}_in (id bigint PRIMARY KEY, a text, b text)"
cat >"$T/in.json" <<'EOF'
{"id":1,"a":null,"b":"B1"}
{"id":2,"a":null,"b":"B2"}
{"id":3,"a":"X","b":null}
{"id":3,"a":null,"b":"Y"}
EOF
in_pre="TRUNCATE ${p}_in; INSERT INTO ${p}_in VALUES (1, 'a1', 'b1'), (3, 'a3', 'b3')"
q_in="SELECT id, coalesce(a, '<null>'), coalesce(b, '<null>') FROM ${p}_in ORDER BY id"
# Folded in one buffer (default) and one change per flush (batch-size 1).
for batch in "" ", 'sink.insert.batch-size' = '1', 'sink.deduplication.enabled' = 'false'"; do
    for on in true false; do
        "${PSQL[@]}" -c "$in_pre"
        job "${p}_in" "$T/in.json" json "id BIGINT, a STRING, b STRING" id \
            ", 'sink.ignore-null-when-update.enabled' = '$on'$batch"
        expect_ok "ignore-null-when-update $on$batch"
        if [ $on = true ]; then
            expect_table "ignore-null-when-update on$batch" "$q_in" \
"1|a1|B1
2|<null>|B2
3|X|Y"
        else
            expect_table "ignore-null-when-update off$batch" "$q_in" \
"1|<null>|B1
2|<null>|B2
3|<null>|Y"
        fi
    done
done

# ------------------------------------------------ on-conflict with unwritten columns
"${PSQL[@]}" -c "DROP TABLE IF EXISTS ${p}_oc; CREATE TABLE ${p}_oc (id bigint PRIMARY KEY, a text, extra text DEFAULT 'dflt', n int)"
cat >"$T/oc.json" <<'EOF'
{"id":1,"a":"A1"}
{"id":2,"a":"A2"}
{"id":2,"a":"A2b"}
EOF
q_oc="SELECT id, a, coalesce(extra, '<null>'), coalesce(n::text, '<null>') FROM ${p}_oc ORDER BY id"
for oc in INSERT_OR_UPDATE INSERT_OR_REPLACE INSERT_OR_IGNORE; do
    "${PSQL[@]}" -c "TRUNCATE ${p}_oc; INSERT INTO ${p}_oc VALUES (1, 'a1', 'keep', 5)"
    job "${p}_oc" "$T/oc.json" json "id BIGINT, a STRING" id ", 'sink.on-conflict-action' = '$oc'"
    expect_ok "$oc"
    case $oc in
    INSERT_OR_UPDATE) want="1|A1|keep|5
2|A2b|dflt|<null>" ;;
    INSERT_OR_REPLACE) want="1|A1|dflt|<null>
2|A2b|dflt|<null>" ;;
    INSERT_OR_IGNORE) want="1|a1|keep|5
2|A2|dflt|<null>" ;;
    esac
    expect_table "$oc on a table with columns the job does not write" "$q_oc" "$want"
done

# ------------------------------------------------ no primary key
"${PSQL[@]}" -c "DROP TABLE IF EXISTS ${p}_np; CREATE TABLE ${p}_np (id bigint, a text)"
cat >"$T/np.json" <<'EOF'
{"id":1,"a":"x"}
{"id":1,"a":"y"}
{"id":2,"a":"z"}
EOF
q_np="SELECT id, a, count(*) FROM ${p}_np GROUP BY id, a ORDER BY id, a"
job "${p}_np" "$T/np.json" json "id BIGINT, a STRING" "" ""
expect_ok "no primary key, run 1"
expect_table "no primary key: every row appended" "$q_np" "1|x|1
1|y|1
2|z|1"
job "${p}_np" "$T/np.json" json "id BIGINT, a STRING" "" ""
expect_ok "no primary key, run 2"
expect_table "no primary key: a second run appends again (at-least-once)" "$q_np" "1|x|2
1|y|2
2|z|2"
# A changelog into a table without key: deletes need IGNORE_DELETE.
cat >"$T/np-cl.json" <<'EOF'
{"before":null,"after":{"id":7,"a":"c"},"op":"c"}
{"before":{"id":7,"a":"c"},"after":null,"op":"d"}
EOF
"${PSQL[@]}" -c "TRUNCATE ${p}_np"
job "${p}_np" "$T/np-cl.json" debezium-json "id BIGINT, a STRING" "" ", 'sink.delete-strategy' = 'IGNORE_DELETE'"
expect_ok "no primary key, IGNORE_DELETE"
expect_table "no primary key, IGNORE_DELETE: the insert is appended, the delete dropped" "$q_np" "7|c|1"
job "${p}_np" "$T/np-cl.json" debezium-json "id BIGINT, a STRING" "" ""
expect_rc 2 "no primary key, CHANGELOG_STANDARD: a changelog into a table without key is refused at check time"
expect_grep "table 'dst' (connector 'hologres') accepts only inserts" "$T/err" "no primary key: the refusal"
expect_table "no primary key, refused changelog: nothing more written" "$q_np" "7|c|1"

finish
