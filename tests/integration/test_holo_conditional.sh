#!/usr/bin/env bash
# Conditional writes of the hologres sink (issue 3 item 5), checked by the
# exact table contents:
#   check-and-put (sink.check-and-put.column/operator/null-as): for each
#     operator an existing row changes only when `new <op> stored` holds
#     (IS_NULL / IS_NOT_NULL test the stored value); a stored NULL compares
#     as null-as when set; two changes of one key in one buffer are applied
#     one after the other (the second is checked against the first); a
#     delete is applied only when its row's value passes the check;
#   sink.insert.conflict-update-set ('cnt = old.cnt + excluded.cnt') and
#     sink.insert.conflict-where ('excluded.ver > old.ver'), with repeated
#     keys in one buffer: every change is applied in order, none is folded
#     away.
# The expected tables are written out by hand from the rules above.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
p=hf_cond_$$
export PGOPTIONS="-c client_min_messages=warning"
# Drop the tables whatever happens (and remove $T, as lib.sh's trap does).
trap '"${PSQL[@]}" -c "DROP TABLE IF EXISTS ${p}_cp, ${p}_cu, ${p}_cw" >/dev/null 2>&1; rm -rf "$T"' EXIT

# job TABLE INPUT FORMAT "COLUMNS" "OPTIONS": run a job; sets RC.
job() {
    local spk=""
    case $3 in *debezium*) spk=", PRIMARY KEY (id) NOT ENFORCED" ;; esac
    cat >"$T/job.sql" <<SQL
CREATE TABLE src ($4$spk) WITH ('connector' = 'filesystem', 'path' = '$2', 'format' = '$3');
CREATE TABLE dst ($4, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '$1', 'username' = '$PGUSER', 'password' = '',
      'connection.pool.size' = '3'$5);
INSERT INTO dst SELECT * FROM src;
SQL
    run_hf "$T/out" "$T/err" run "$T/job.sql"
    if [ "$RC" -ne 0 ]; then
        fail "job into $1 with$5: holoflow exited $RC"
        tail -3 "$T/err" >&2
    fi
}

expect_table() {
    local got
    got=$("${PSQL[@]}" -c "$2")
    if [ "$got" != "$3" ]; then
        fail "$1: got
$got
expected
$3"
    fi
}

# ------------------------------------------------ check-and-put
"${PSQL[@]}" -c "DROP TABLE IF EXISTS ${p}_cp; CREATE TABLE ${p}_cp (id bigint PRIMARY KEY, v int, payload text)"
cp_pre="TRUNCATE ${p}_cp; INSERT INTO ${p}_cp VALUES (1, 10, 'p1'), (2, 10, 'p2'), (3, 10, 'p3'), (6, NULL, 'p6')"
q_cp="SELECT id, coalesce(v::text, '<null>'), payload FROM ${p}_cp ORDER BY id"
# Stored v: 1->10, 2->10, 3->10, 6->NULL. New: 1: 5, 2: 10, 3: 15 then
# 12 (same buffer), 6: 7, 7: 1 (a new key, always inserted).
cat >"$T/cp.json" <<'EOF'
{"id":1,"v":5,"payload":"n1"}
{"id":2,"v":10,"payload":"n2"}
{"id":3,"v":15,"payload":"n3"}
{"id":6,"v":7,"payload":"n6"}
{"id":7,"v":1,"payload":"n7"}
{"id":3,"v":12,"payload":"n3b"}
EOF
cp_cols="id BIGINT, v INT, payload STRING"

# expected rows per key, by operator
declare -A want
want[GREATER]="1|10|p1 2|10|p2 3|15|n3 6|<null>|p6 7|1|n7"
want[GREATER_OR_EQUAL]="1|10|p1 2|10|n2 3|15|n3 6|<null>|p6 7|1|n7"
want[EQUAL]="1|10|p1 2|10|n2 3|10|p3 6|<null>|p6 7|1|n7"
want[NOT_EQUAL]="1|5|n1 2|10|p2 3|12|n3b 6|<null>|p6 7|1|n7"
want[LESS]="1|5|n1 2|10|p2 3|10|p3 6|<null>|p6 7|1|n7"
want[LESS_OR_EQUAL]="1|5|n1 2|10|n2 3|10|p3 6|<null>|p6 7|1|n7"
want[IS_NULL]="1|10|p1 2|10|p2 3|10|p3 6|7|n6 7|1|n7"
want[IS_NOT_NULL]="1|5|n1 2|10|n2 3|12|n3b 6|<null>|p6 7|1|n7"
for op in GREATER GREATER_OR_EQUAL EQUAL NOT_EQUAL LESS LESS_OR_EQUAL IS_NULL IS_NOT_NULL; do
    "${PSQL[@]}" -c "$cp_pre"
    job "${p}_cp" "$T/cp.json" json "$cp_cols" ", 'sink.check-and-put.column' = 'v', 'sink.check-and-put.operator' = '$op'"
    expect_table "check-and-put $op" "$q_cp" "$(tr ' ' '\n' <<<"${want[$op]}")"
done

# null-as: the stored NULL of key 6 compares as the given value.
"${PSQL[@]}" -c "$cp_pre"
job "${p}_cp" "$T/cp.json" json "$cp_cols" ", 'sink.check-and-put.column' = 'v', 'sink.check-and-put.operator' = 'GREATER', 'sink.check-and-put.null-as' = '0'"
expect_table "check-and-put GREATER, null-as 0 (7 > 0)" "$q_cp" "$(tr ' ' '\n' <<<"1|10|p1 2|10|p2 3|15|n3 6|7|n6 7|1|n7")"
"${PSQL[@]}" -c "$cp_pre"
job "${p}_cp" "$T/cp.json" json "$cp_cols" ", 'sink.check-and-put.column' = 'v', 'sink.check-and-put.operator' = 'LESS', 'sink.check-and-put.null-as' = '100'"
expect_table "check-and-put LESS, null-as 100 (7 < 100)" "$q_cp" "$(tr ' ' '\n' <<<"1|5|n1 2|10|p2 3|10|p3 6|7|n6 7|1|n7")"
"${PSQL[@]}" -c "$cp_pre"
job "${p}_cp" "$T/cp.json" json "$cp_cols" ", 'sink.check-and-put.column' = 'v', 'sink.check-and-put.operator' = 'GREATER', 'sink.check-and-put.null-as' = '100'"
expect_table "check-and-put GREATER, null-as 100 (7 > 100 is false)" "$q_cp" "$(tr ' ' '\n' <<<"${want[GREATER]}")"

# Deletes are checked too: under GREATER a -D whose v is not greater
# than the stored one leaves the row.
cat >"$T/cp-del.json" <<'EOF'
{"before":{"id":1,"v":5,"payload":"x"},"after":null,"op":"d"}
{"before":{"id":2,"v":20,"payload":"x"},"after":null,"op":"d"}
{"before":{"id":6,"v":1,"payload":"x"},"after":null,"op":"d"}
EOF
for nullas in "" ", 'sink.check-and-put.null-as' = '0'"; do
    "${PSQL[@]}" -c "$cp_pre"
    job "${p}_cp" "$T/cp-del.json" debezium-json "$cp_cols" ", 'sink.check-and-put.column' = 'v'$nullas"
    if [ -z "$nullas" ]; then
        expect_table "check-and-put GREATER on deletes" "$q_cp" "$(tr ' ' '\n' <<<"1|10|p1 3|10|p3 6|<null>|p6")"
    else
        expect_table "check-and-put GREATER on deletes, null-as 0" "$q_cp" "$(tr ' ' '\n' <<<"1|10|p1 3|10|p3")"
    fi
done

# ------------------------------------------------ conflict-update-set
"${PSQL[@]}" -c "DROP TABLE IF EXISTS ${p}_cu; CREATE TABLE ${p}_cu (id bigint PRIMARY KEY, cnt int, last text)"
cat >"$T/cu.json" <<'EOF'
{"id":1,"cnt":1,"last":"a"}
{"id":1,"cnt":2,"last":"b"}
{"id":2,"cnt":5,"last":"c"}
{"id":2,"cnt":6,"last":"d"}
{"id":1,"cnt":3,"last":"e"}
EOF
q_cu="SELECT id, cnt, last FROM ${p}_cu ORDER BY id"
for batch in "" ", 'sink.insert.batch-size' = '1'"; do
    "${PSQL[@]}" -c "TRUNCATE ${p}_cu; INSERT INTO ${p}_cu VALUES (1, 100, 'pre')"
    job "${p}_cu" "$T/cu.json" json "id BIGINT, cnt INT, last STRING" \
        ", 'sink.insert.conflict-update-set' = 'cnt = old.cnt + excluded.cnt, last = old.last || excluded.last'$batch"
    expect_table "conflict-update-set$batch: every change adds" "$q_cu" "1|106|preabe
2|11|cd"
done

# ------------------------------------------------ conflict-where
"${PSQL[@]}" -c "DROP TABLE IF EXISTS ${p}_cw; CREATE TABLE ${p}_cw (id bigint PRIMARY KEY, ver int, val text)"
cat >"$T/cw.json" <<'EOF'
{"id":1,"ver":7,"val":"b"}
{"id":1,"ver":6,"val":"c"}
{"id":2,"ver":1,"val":"x"}
{"id":2,"ver":3,"val":"y"}
{"id":2,"ver":2,"val":"z"}
{"id":3,"ver":1,"val":"q"}
EOF
q_cw="SELECT id, ver, val FROM ${p}_cw ORDER BY id"
for batch in "" ", 'sink.insert.batch-size' = '1'"; do
    "${PSQL[@]}" -c "TRUNCATE ${p}_cw; INSERT INTO ${p}_cw VALUES (1, 5, 'a'), (3, 9, 'keep')"
    job "${p}_cw" "$T/cw.json" json "id BIGINT, ver INT, val STRING" \
        ", 'sink.insert.conflict-where' = 'excluded.ver > old.ver'$batch"
    expect_table "conflict-where$batch: only newer versions apply, in order" "$q_cw" "1|7|b
2|3|y
3|9|keep"
done
# Both together: the SET expression applies only where the condition holds.
"${PSQL[@]}" -c "TRUNCATE ${p}_cw; INSERT INTO ${p}_cw VALUES (1, 5, 'a'), (3, 9, 'keep')"
job "${p}_cw" "$T/cw.json" json "id BIGINT, ver INT, val STRING" \
    ", 'sink.insert.conflict-update-set' = 'ver = excluded.ver, val = old.val || excluded.val', 'sink.insert.conflict-where' = 'excluded.ver > old.ver'"
expect_table "conflict-update-set with conflict-where" "$q_cw" "1|7|ab
2|3|xy
3|9|keep"

finish
