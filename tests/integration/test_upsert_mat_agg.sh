#!/usr/bin/env bash
# Flink's SinkUpsertMaterializer after an aggregate or a ranking whose
# upsert key the sink's PRIMARY KEY does not contain
# (table.exec.sink.upsert-materialize; docs/aggregation.md):
#   - the plan: AUTO puts one in front of an upsert sink (hologres, jdbc,
#     upsert-kafka) whose key does not contain the GROUP BY columns, none
#     where it does; FORCE in front of every upsert sink fed updates (not
#     insert-only rows); NONE nowhere; a retract sink (print) never gets
#     one (FLINK-38201);
#   - the exact changelog it writes: a debezium changelog -> GROUP BY k
#     -> upsert-kafka keyed on the count (mock cluster, one partition),
#     read back with kcat: each +I/+U/tombstone the materializer's rules
#     give (worked out by hand below), where the raw -U/+U would have
#     deleted another group's row;
#   - a random debezium changelog -> GROUP BY k1 -> hologres (PostgreSQL)
#     keyed on another column (one name per k1) and a dedup keyed on a
#     non-partition column: the tables equal PostgreSQL's own GROUP BY and
#     DISTINCT ON over the final source state, at parallelism 1 and 2,
#     with rocksdb and checkpoints, and with FORCE.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../kafka/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
export PGOPTIONS="-c client_min_messages=warning"
p=hf_umat_$$
kafka_start_mock t_cnt:1

dbz() { # OP K: one debezium-json line for table (k STRING, v INT)
    local row="{\"k\":\"$2\",\"v\":1}"
    case $1 in
    c) echo "{\"before\":null,\"after\":$row,\"op\":\"c\"}" ;;
    d) echo "{\"before\":$row,\"after\":null,\"op\":\"d\"}" ;;
    esac
}
{ dbz c a; dbz c b; dbz c a; dbz d b; dbz c b; dbz c b; dbz d a; } >"$T/ab.json"
SRC="CREATE TABLE T (k STRING, v INT) WITH (
  'connector' = 'filesystem', 'path' = '$T/ab.json', 'format' = 'debezium-json');"

# --- the plan
# plan NAME SINK-WITH PK [SET lines]: explain; the graph in $T/NAME.out
plan() {
    cat >"$T/$1.sql" <<SQL
${4:-}
$SRC
CREATE TABLE out (k STRING, c BIGINT${3:+, PRIMARY KEY ($3) NOT ENFORCED}) WITH ($2);
INSERT INTO out SELECT k, COUNT(*) FROM T GROUP BY k;
SQL
    run_hf "$T/$1.out" "$T/$1.err" explain "$T/$1.sql"
    expect_rc 0 "$1: explain"
    [ "$RC" -eq 0 ] || cat "$T/$1.err" >&2
}
UK="'connector' = 'upsert-kafka', 'topic' = 't', 'properties.bootstrap.servers' = 'localhost:1',
  'key.format' = 'json', 'value.format' = 'json'"
PR="'connector' = 'print'"
MAT="upsert-materialize: on c, upsert key k (SinkUpsertMaterializer for 'out')"
plan auto "$UK" c
expect_grep "$MAT" "$T/auto.out" "AUTO, key (c): materializer"
expect_grep "emits -U/+U" "$T/auto.out" "AUTO, key (c): the aggregate emits -U"
plan auto_eq "$UK" k
grep -q "upsert-materialize:" "$T/auto_eq.out" && fail "AUTO, key (k): no materializer expected"
expect_grep "emits +U only" "$T/auto_eq.out" "AUTO, key (k): +U only"
plan auto_super "$UK" "k, c"
grep -q "upsert-materialize:" "$T/auto_super.out" && fail "AUTO, key (k, c): no materializer expected"
plan force_eq "$UK" k "SET 'table.exec.sink.upsert-materialize' = 'FORCE';"
expect_grep "upsert-materialize: on k, upsert key k (SinkUpsertMaterializer for 'out')" "$T/force_eq.out" "FORCE, key (k): materializer"
expect_grep "emits +U only" "$T/force_eq.out" "FORCE, key (k): +U only"
plan none "$UK" c "SET 'table.exec.sink.upsert-materialize' = 'NONE';"
grep -q "upsert-materialize:" "$T/none.out" && fail "NONE: no materializer expected"
plan print_auto "$PR" c
grep -q "upsert-materialize:" "$T/print_auto.out" && fail "print (a retract sink), AUTO: no materializer expected"
plan print_force "$PR" c "SET 'table.exec.sink.upsert-materialize' = 'FORCE';"
grep -q "upsert-materialize:" "$T/print_force.out" && fail "print (a retract sink), FORCE: no materializer expected"
# FORCE over an updating input without an aggregate (the changelog
# source itself): one, matching whole rows; over insert-only input
# (keep-first deduplication on processing time) none (FLINK-40334)
cat >"$T/cdc.sql" <<SQL
SET 'table.exec.sink.upsert-materialize' = 'FORCE';
$SRC
CREATE TABLE out (k STRING, v INT, PRIMARY KEY (k) NOT ENFORCED) WITH ($UK);
INSERT INTO out SELECT k, v FROM T;
SQL
run_hf "$T/cdc.out" "$T/cdc.err" explain "$T/cdc.sql"
expect_grep "upsert-materialize: on k (SinkUpsertMaterializer for 'out')" "$T/cdc.out" "FORCE over a changelog source"
cat >"$T/first.sql" <<SQL
SET 'table.exec.sink.upsert-materialize' = 'FORCE';
CREATE TABLE s (k STRING, v STRING, pt AS PROCTIME()) WITH ('connector' = 'datagen');
CREATE TABLE out (k STRING, v STRING, PRIMARY KEY (v) NOT ENFORCED) WITH ($UK);
INSERT INTO out SELECT k, v FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY pt) AS rn FROM s) WHERE rn = 1;
SQL
run_hf "$T/first.out" "$T/first.err" explain "$T/first.sql"
expect_rc 0 "FORCE over keep-first deduplication"
grep -q "upsert-materialize:" "$T/first.out" && fail "FORCE over insert-only rows: no materializer expected"
plan par2 "$UK" c "SET 'parallelism.default' = '2';"
expect_grep "n5 upsert-materialize: 2 instances" "$T/par2.out" "parallelism 2: two materializer instances"

# --- the exact changelog: k's counts a1 b1 a2 b0 b1 b2 a1 under key c
cat >"$T/ab.sql" <<SQL
$SRC
CREATE TABLE out (k STRING, c BIGINT, PRIMARY KEY (c) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = 't_cnt',
  'properties.bootstrap.servers' = '$KAFKA_BOOTSTRAP',
  'key.format' = 'json', 'value.format' = 'json');
INSERT INTO out SELECT k, COUNT(*) FROM T GROUP BY k;
SQL
run_hf "$T/ab.out" "$T/ab.err" run "$T/ab.sql"
expect_rc 0 "upsert-kafka job"
[ "$RC" -eq 0 ] || cat "$T/ab.err" >&2
"$KCAT" -b "$KAFKA_BOOTSTRAP" -C -t t_cnt -e -o beginning -q -Z -f '%k %s\n' >"$T/ab.got"
# +I(a,1); +U(b,1) (c=1 holds a, b); a's -U(a,1) removes an older row:
# nothing, its +U(a,2) is +I at c=2; -D(b,1) empties c=1; +I(b,1); b's
# -U(b,1) empties c=1 again, +U(b,2) joins a at c=2; a's -U(a,2) removes
# the older row at c=2: nothing, its +U(a,1) is +I at c=1.
cat >"$T/ab.want" <<'OUT'
{"c":1} {"k":"a","c":1}
{"c":1} {"k":"b","c":1}
{"c":2} {"k":"a","c":2}
{"c":1} NULL
{"c":1} {"k":"b","c":1}
{"c":1} NULL
{"c":2} {"k":"b","c":2}
{"c":1} {"k":"a","c":1}
OUT
expect_same "$T/ab.want" "$T/ab.got" "materialized changelog in the topic"

# --- differential against PostgreSQL
python3 - 7 "$T/ev.json" "$T/final.csv" <<'PY'
import json, random, sys
rnd = random.Random(int(sys.argv[1]))
rows = {}
with open(sys.argv[2], "w") as ev:
    for _ in range(4000):
        i = rnd.randrange(300)
        g = rnd.randrange(40)
        new = {"id": i, "k1": g, "name": "g%02d" % g, "v": rnd.randrange(1000)}
        if i not in rows:
            rec = {"before": None, "after": new, "op": "c"}
            rows[i] = new
        elif rnd.random() < 0.25:
            rec = {"before": rows.pop(i), "after": None, "op": "d"}
        else:
            if rnd.random() < 0.4:  # same group, new value
                new["k1"], new["name"] = rows[i]["k1"], rows[i]["name"]
            rec = {"before": rows[i], "after": new, "op": "u"}
            rows[i] = new
        ev.write(json.dumps(rec) + "\n")
with open(sys.argv[3], "w") as f:
    for r in rows.values():
        f.write("%d,%d,%s,%d\n" % (r["id"], r["k1"], r["name"], r["v"]))
PY
"${PSQL[@]}" <<SQL
DROP TABLE IF EXISTS ${p}_src;
CREATE TABLE ${p}_src (id bigint PRIMARY KEY, k1 int, name text, v bigint);
\copy ${p}_src FROM '$T/final.csv' WITH (FORMAT csv)
SQL

# diff_case WHAT [SET lines]
diff_case() {
    "${PSQL[@]}" <<SQL
DROP TABLE IF EXISTS ${p}_agg, ${p}_dd;
CREATE TABLE ${p}_agg (k1 int, name text PRIMARY KEY, n bigint, sv bigint, mv bigint);
CREATE TABLE ${p}_dd (id bigint, k1 int, v bigint, name text PRIMARY KEY);
SQL
    cat >"$T/job.sql" <<SQL
SET 'holoflow.batch.rows' = '16';
${2:-}
CREATE TABLE src (id BIGINT, k1 INT, name STRING, v BIGINT, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'filesystem', 'path' = '$T/ev.json', 'format' = 'debezium-json');
CREATE TABLE agg (k1 INT, name STRING, n BIGINT, sv BIGINT, mv BIGINT,
  PRIMARY KEY (name) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '${p}_agg', 'username' = '$PGUSER', 'password' = 'x');
CREATE TABLE dd (id BIGINT, k1 INT, v BIGINT, name STRING, PRIMARY KEY (name) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '${p}_dd', 'username' = '$PGUSER', 'password' = 'x');
BEGIN STATEMENT SET;
INSERT INTO agg SELECT k1, MAX(name), COUNT(*), SUM(v), MAX(v) FROM src GROUP BY k1;
INSERT INTO dd SELECT id, k1, v, name FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY k1 ORDER BY v DESC, id) AS rn FROM src)
WHERE rn = 1;
END;
SQL
    run_hf "$T/out" "$T/err" run "$T/job.sql"
    expect_rc 0 "$1"
    [ "$RC" -eq 0 ] || cat "$T/err" >&2
    local want got
    want=$("${PSQL[@]}" -c "SELECT string_agg(concat_ws('|', k1, name, n, sv, mv), ' ' ORDER BY name) FROM (SELECT k1, max(name) AS name, count(*) AS n, sum(v) AS sv, max(v) AS mv FROM ${p}_src GROUP BY k1) x")
    got=$("${PSQL[@]}" -c "SELECT string_agg(concat_ws('|', k1, name, n, sv, mv), ' ' ORDER BY name) FROM ${p}_agg")
    [ -n "$want" ] || fail "$1: PostgreSQL's GROUP BY is empty"
    [ "$got" = "$want" ] || fail "$1: GROUP BY table is '$got', PostgreSQL says '$want'"
    want=$("${PSQL[@]}" -c "SELECT string_agg(concat_ws('|', id, k1, v, name), ' ' ORDER BY name) FROM (SELECT DISTINCT ON (k1) * FROM ${p}_src ORDER BY k1, v DESC, id) x")
    got=$("${PSQL[@]}" -c "SELECT string_agg(concat_ws('|', id, k1, v, name), ' ' ORDER BY name) FROM ${p}_dd")
    [ "$got" = "$want" ] || fail "$1: dedup table is '$got', PostgreSQL says '$want'"
}
diff_case "parallelism 1"
diff_case "parallelism 2" "SET 'parallelism.default' = '2';"
rm -rf "$T/ckpt"
diff_case "parallelism 2, rocksdb, checkpoints" "SET 'parallelism.default' = '2';
SET 'state.backend.type' = 'rocksdb';
SET 'state.checkpoints.dir' = '$T/ckpt';
SET 'execution.checkpointing.interval' = '100 ms';"
diff_case "FORCE" "SET 'table.exec.sink.upsert-materialize' = 'FORCE';"

"$HOLOFLOW" explain "$T/job.sql" | grep -c "upsert-materialize:" >"$T/nmat" || true
[ "$(cat "$T/nmat")" = 2 ] || fail "the differential job has $(cat "$T/nmat") materializers, expected 2"
"${PSQL[@]}" -c "DROP TABLE ${p}_agg, ${p}_dd, ${p}_src"
finish
