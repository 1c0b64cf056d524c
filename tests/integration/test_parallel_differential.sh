#!/usr/bin/env bash
# Keyed operators in parallel (parallelism.default, docs/parallelism.md),
# differential: random append-only orders and customers (csv files, NULL
# join keys among them) -> one statement set of a LEFT JOIN (padded rows
# retracted when the customer comes), an inner join feeding a GROUP BY on
# another key (join instances -> aggregate instances, every pair of them
# an edge), a Top-3 per customer and a deduplication (first order per
# customer) -> hologres (PostgreSQL) tables; and an event-time interval
# join of orders and shipments (watermarks from both files, the minimum
# over every edge into each instance); and the orders LEFT JOIN a
# customers changelog (debezium-json: renames, tier changes, deletes) on
# the customers' primary key, which runs in parallel (an update keeps its
# join key). Run at parallelism 1, 2 and
# 4 (4 with one-row batches: more interleavings across the instances);
# each run's tables must equal PostgreSQL's own queries over the same
# files, so parallelism N equals parallelism 1 equals PostgreSQL.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
p=hf_pd_$$
export PGOPTIONS="-c client_min_messages=warning"
SEED=${HF_TEST_SEED:-$RANDOM}
trap '"${PSQL[@]}" -c "DROP TABLE IF EXISTS ${p}_o, ${p}_c, ${p}_lj, ${p}_agg, ${p}_top, ${p}_first, ${p}_eo, ${p}_es, ${p}_ij, ${p}_cc, ${p}_cj, ${p}_on, ${p}_cn" >/dev/null 2>&1; rm -rf "$T"' EXIT

python3 - "$SEED" "$T" <<'PY'
import random, sys
rnd = random.Random(int(sys.argv[1]))
out = sys.argv[2]
with open(out + "/c.csv", "w") as f:
    for cid in rnd.sample(range(1, 400), 250):
        f.write("%d,name%d,%d\n" % (cid, cid, rnd.randrange(5)))
with open(out + "/o.csv", "w") as f:
    amts = rnd.sample(range(1, 10**6), 6000)  # distinct: Top-N has no ties
    for i in range(6000):
        cust = "" if rnd.random() < 0.03 else str(rnd.randrange(1, 400))
        f.write("%d,%s,%d\n" % (i + 1, cust, amts[i]))
# event time: orders every ~10 s, shipments of some order from 30 min
# before to 2 h after it, each file disordered by at most 20 min
import datetime
base = datetime.datetime(2024, 1, 1)
def ts(sec):
    return (base + datetime.timedelta(seconds=sec)).strftime("%Y-%m-%d %H:%M:%S")
orders = [(i, i * 10 + rnd.randrange(0, 1200)) for i in range(1, 2001)]
ships = []
for sid in range(1, 3001):
    oid = rnd.randrange(1, 2001)
    ships.append((sid, oid, oid * 10 + rnd.randrange(-1800, 7200)))
orders.sort(key=lambda r: r[1] + rnd.randrange(0, 1200))
ships.sort(key=lambda r: r[2] + rnd.randrange(0, 1200))
with open(out + "/eo.csv", "w") as f:
    for i, t in orders:
        f.write("%d,%s\n" % (i, ts(t)))
with open(out + "/es.csv", "w") as f:
    for sid, oid, t in ships:
        f.write("%d,%d,%s\n" % (sid, oid, ts(t)))
# a customers changelog; its final state as csv
import json
cur, ver = {}, {}
def name(cid):  # unique at every moment: renames move a customer's key
    ver[cid] = ver.get(cid, -1) + 1
    return "n%d_%d" % (cid, ver[cid])
with open(out + "/cc.json", "w") as f:
    for _ in range(3000):
        cid = rnd.randrange(1, 400)
        if cid not in cur:
            row = {"cid": cid, "name": name(cid), "tier": rnd.randrange(5)}
            cur[cid] = row
            f.write(json.dumps({"before": None, "after": row, "op": "c"}) + "\n")
        elif rnd.random() < 0.8:
            row = dict(cur[cid], name=name(cid), tier=rnd.randrange(5))
            f.write(json.dumps({"before": cur[cid], "after": row, "op": "u"}) + "\n")
            cur[cid] = row
        else:
            f.write(json.dumps({"before": cur.pop(cid), "after": None, "op": "d"}) + "\n")
with open(out + "/cc.csv", "w") as f:
    for row in cur.values():
        f.write("%d,%s,%d\n" % (row["cid"], row["name"], row["tier"]))
# orders naming a customer by one of its names (past, current or never)
with open(out + "/on.csv", "w") as f:
    for i in range(1, 4001):
        cid = rnd.randrange(1, 400)
        f.write("%d,n%d_%d\n" % (i, cid, rnd.randrange(0, ver.get(cid, 0) + 2)))
PY

"${PSQL[@]}" <<SQL
DROP TABLE IF EXISTS ${p}_o, ${p}_c;
CREATE TABLE ${p}_o (id int, cust int, amt int);
CREATE TABLE ${p}_c (cid int, name text, tier int);
\copy ${p}_o FROM '$T/o.csv' WITH (FORMAT csv)
\copy ${p}_c FROM '$T/c.csv' WITH (FORMAT csv)
SQL

q_lj="SELECT o.id, o.cust, o.amt, c.name FROM ${p}_o o LEFT JOIN ${p}_c c ON o.cust = c.cid"
q_agg="SELECT c.tier, count(*), sum(o.amt)::bigint, max(o.amt) FROM ${p}_o o JOIN ${p}_c c ON o.cust = c.cid GROUP BY c.tier"
q_top="SELECT cust, rn, id, amt FROM (SELECT *, row_number() OVER (PARTITION BY cust ORDER BY amt DESC) rn FROM ${p}_o WHERE cust IS NOT NULL) x WHERE rn <= 3"
q_first="SELECT DISTINCT ON (cust) cust, id, amt FROM ${p}_o WHERE cust IS NOT NULL ORDER BY cust, id"

digest() {
    "${PSQL[@]}" -c "SELECT count(*) || ':' || coalesce(md5(string_agg(d::text, ';' ORDER BY d::text)), '') FROM ($1) d"
}

# run_case PARALLELISM BATCH-ROWS
run_case() {
    local what="parallelism $1, batches of $2 (seed $SEED)"
    "${PSQL[@]}" <<SQL
DROP TABLE IF EXISTS ${p}_lj, ${p}_agg, ${p}_top, ${p}_first;
CREATE TABLE ${p}_lj (id int PRIMARY KEY, cust int, amt int, name text);
CREATE TABLE ${p}_agg (tier int PRIMARY KEY, n bigint, s bigint, mx int);
CREATE TABLE ${p}_top (cust int, rn bigint, id int, amt int, PRIMARY KEY (cust, rn));
CREATE TABLE ${p}_first (cust int PRIMARY KEY, id int, amt int);
SQL
    local w="'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE', 'username' = '$PGUSER', 'password' = 'x'"
    cat >"$T/job.sql" <<SQL
SET 'parallelism.default' = '$1';
SET 'holoflow.batch.rows' = '$2';
CREATE TABLE o (id INT, cust INT, amt INT, pt AS PROCTIME())
WITH ('connector' = 'filesystem', 'path' = '$T/o.csv', 'format' = 'csv');
CREATE TABLE c (cid INT, name STRING, tier INT)
WITH ('connector' = 'filesystem', 'path' = '$T/c.csv', 'format' = 'csv');
CREATE TABLE lj (id INT, cust INT, amt INT, name STRING, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', $w, 'tablename' = '${p}_lj');
CREATE TABLE agg (tier INT, n BIGINT, s BIGINT, mx INT, PRIMARY KEY (tier) NOT ENFORCED)
WITH ('connector' = 'hologres', $w, 'tablename' = '${p}_agg');
CREATE TABLE top3 (cust INT, rn BIGINT, id INT, amt INT, PRIMARY KEY (cust, rn) NOT ENFORCED)
WITH ('connector' = 'hologres', $w, 'tablename' = '${p}_top');
CREATE TABLE firsts (cust INT, id INT, amt INT, PRIMARY KEY (cust) NOT ENFORCED)
WITH ('connector' = 'hologres', $w, 'tablename' = '${p}_first');
BEGIN STATEMENT SET;
INSERT INTO lj SELECT o.id, o.cust, o.amt, c.name FROM o LEFT JOIN c ON o.cust = c.cid;
INSERT INTO agg SELECT c.tier, COUNT(*), SUM(CAST(o.amt AS BIGINT)), MAX(o.amt)
  FROM o JOIN c ON o.cust = c.cid GROUP BY c.tier;
INSERT INTO top3 SELECT cust, rn, id, amt FROM (
  SELECT cust, id, amt, ROW_NUMBER() OVER (PARTITION BY cust ORDER BY amt DESC) AS rn
  FROM o WHERE cust IS NOT NULL) WHERE rn <= 3;
INSERT INTO firsts SELECT cust, id, amt FROM (
  SELECT cust, id, amt, ROW_NUMBER() OVER (PARTITION BY cust ORDER BY pt) AS rn
  FROM o WHERE cust IS NOT NULL) WHERE rn = 1;
END;
SQL
    run_hf "$T/out" "$T/err" run "$T/job.sql"
    expect_rc 0 "$what"
    [ "$RC" -eq 0 ] || { cat "$T/err" >&2; return; }
    if [ "$1" -gt 1 ]; then
        for op in join group-aggregate rank deduplicate; do
            grep -q " $op runs $1 instances" "$T/err" ||
                fail "$what: $op did not run $1 instances"
        done
    fi
    local t q got want
    for t in lj agg top first; do
        case $t in
        lj) q=$q_lj ;; agg) q=$q_agg ;; top) q=$q_top ;; first) q=$q_first ;;
        esac
        got=$(digest "SELECT * FROM ${p}_$t")
        want=$(digest "$q")
        [ "${want%%:*}" -gt 0 ] || fail "$what: PostgreSQL's $t is empty"
        if [ "$got" != "$want" ]; then
            fail "$what: ${p}_$t ($got) differs from PostgreSQL's ($want)"
            "${PSQL[@]}" -c "($q) EXCEPT ALL SELECT * FROM ${p}_$t" | head -3 | sed 's/^/  missing: /' >&2
            "${PSQL[@]}" -c "SELECT * FROM ${p}_$t EXCEPT ALL ($q)" | head -3 | sed 's/^/  extra: /' >&2
        fi
    done
}

run_case 1 1024
run_case 2 1024
run_case 4 1

"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_eo (id int, ts timestamp(3));
CREATE TABLE ${p}_es (sid int, oid int, ts timestamp(3));
\copy ${p}_eo FROM '$T/eo.csv' WITH (FORMAT csv)
\copy ${p}_es FROM '$T/es.csv' WITH (FORMAT csv)
SQL
q_ij="SELECT o.id, s.sid, o.ts, s.ts FROM ${p}_eo o JOIN ${p}_es s ON o.id = s.oid AND s.ts BETWEEN o.ts AND o.ts + interval '1 hour'"
# interval_case PARALLELISM BATCH-ROWS
interval_case() {
    local what="interval join, parallelism $1, batches of $2 (seed $SEED)"
    "${PSQL[@]}" -c "DROP TABLE IF EXISTS ${p}_ij" \
        -c "CREATE TABLE ${p}_ij (id int, sid int, ots timestamp(3), sts timestamp(3), PRIMARY KEY (id, sid))"
    cat >"$T/ij.sql" <<SQL
SET 'parallelism.default' = '$1';
SET 'holoflow.batch.rows' = '$2';
SET 'pipeline.auto-watermark-interval' = '0';
CREATE TABLE eo (id INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' HOUR)
WITH ('connector' = 'filesystem', 'path' = '$T/eo.csv', 'format' = 'csv');
CREATE TABLE es (sid INT, oid INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' HOUR)
WITH ('connector' = 'filesystem', 'path' = '$T/es.csv', 'format' = 'csv');
CREATE TABLE ij (id INT, sid INT, ots TIMESTAMP(3), sts TIMESTAMP(3), PRIMARY KEY (id, sid) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'username' = '$PGUSER', 'password' = 'x', 'tablename' = '${p}_ij');
INSERT INTO ij SELECT o.id, s.sid, o.ts, s.ts FROM eo o JOIN es s
  ON o.id = s.oid AND s.ts BETWEEN o.ts AND o.ts + INTERVAL '1' HOUR;
SQL
    run_hf "$T/out" "$T/err" run "$T/ij.sql"
    expect_rc 0 "$what"
    [ "$RC" -eq 0 ] || { cat "$T/err" >&2; return; }
    [ "$1" = 1 ] || grep -q " interval-join runs $1 instances" "$T/err" ||
        fail "$what: the interval join did not run $1 instances"
    local got want
    got=$(digest "SELECT * FROM ${p}_ij")
    want=$(digest "$q_ij")
    [ "${want%%:*}" -gt 100 ] || fail "$what: PostgreSQL's join has only ${want%%:*} rows"
    [ "$got" = "$want" ] || fail "$what: ${p}_ij ($got) differs from PostgreSQL's ($want)"
}
interval_case 1 1024
interval_case 2 97
interval_case 3 1

"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_cc (cid int, name text, tier int);
\copy ${p}_cc FROM '$T/cc.csv' WITH (FORMAT csv)
SQL
q_cj="SELECT o.id, o.cust, c.name, c.tier FROM ${p}_o o LEFT JOIN ${p}_cc c ON o.cust = c.cid"
# changelog_case PARALLELISM BATCH-ROWS
changelog_case() {
    local what="LEFT JOIN a changelog on its key, parallelism $1, batches of $2 (seed $SEED)"
    "${PSQL[@]}" -c "DROP TABLE IF EXISTS ${p}_cj" \
        -c "CREATE TABLE ${p}_cj (id int PRIMARY KEY, cust int, name text, tier int)"
    cat >"$T/cj.sql" <<SQL
SET 'parallelism.default' = '$1';
SET 'holoflow.batch.rows' = '$2';
CREATE TABLE o (id INT, cust INT, amt INT)
WITH ('connector' = 'filesystem', 'path' = '$T/o.csv', 'format' = 'csv');
CREATE TABLE cc (cid INT, name STRING, tier INT, PRIMARY KEY (cid) NOT ENFORCED)
WITH ('connector' = 'filesystem', 'path' = '$T/cc.json', 'format' = 'debezium-json');
CREATE TABLE cj (id INT, cust INT, name STRING, tier INT, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'username' = '$PGUSER', 'password' = 'x', 'tablename' = '${p}_cj',
      'sink.delete-strategy' = 'CHANGELOG_STANDARD');
INSERT INTO cj SELECT o.id, o.cust, c.name, c.tier FROM o LEFT JOIN cc c ON o.cust = c.cid;
SQL
    run_hf "$T/out" "$T/err" run "$T/cj.sql"
    expect_rc 0 "$what"
    [ "$RC" -eq 0 ] || { cat "$T/err" >&2; return; }
    [ "$1" = 1 ] || grep -q " join runs $1 instances" "$T/err" ||
        fail "$what: the join did not run $1 instances"
    local got want
    got=$(digest "SELECT * FROM ${p}_cj")
    want=$(digest "$q_cj")
    [ "$got" = "$want" ] || fail "$what: ${p}_cj ($got) differs from PostgreSQL's ($want)"
}
changelog_case 1 1024
changelog_case 2 64
changelog_case 3 1

# Joined on the name, which renames change: an update's -U and +U go to
# two join instances, so the planner puts an upsert materializer (keyed by
# the order) in front of the sink and the join runs in parallel; the table
# must stay exact through it. (test_holo_join.sh's parallel case is the
# one whose orders move between join keys, the disorder it repairs.)
"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_on (id int, cname text);
\copy ${p}_on FROM '$T/on.csv' WITH (FORMAT csv)
SQL
q_cn="SELECT o.id, o.cname, c.cid, c.tier FROM ${p}_on o LEFT JOIN ${p}_cc c ON o.cname = c.name"
# moving_case PARALLELISM BATCH-ROWS
moving_case() {
    local what="LEFT JOIN a changelog on a column updates change, parallelism $1, batches of $2 (seed $SEED)"
    "${PSQL[@]}" -c "DROP TABLE IF EXISTS ${p}_cn" \
        -c "CREATE TABLE ${p}_cn (id int PRIMARY KEY, cname text, cid int, tier int)"
    cat >"$T/cn.sql" <<SQL
SET 'parallelism.default' = '$1';
SET 'holoflow.batch.rows' = '$2';
CREATE TABLE o (id INT, cname STRING)
WITH ('connector' = 'filesystem', 'path' = '$T/on.csv', 'format' = 'csv');
CREATE TABLE cc (cid INT, name STRING, tier INT, PRIMARY KEY (cid) NOT ENFORCED)
WITH ('connector' = 'filesystem', 'path' = '$T/cc.json', 'format' = 'debezium-json');
CREATE TABLE cn (id INT, cname STRING, cid INT, tier INT, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'username' = '$PGUSER', 'password' = 'x', 'tablename' = '${p}_cn');
INSERT INTO cn SELECT o.id, o.cname, c.cid, c.tier FROM o LEFT JOIN cc c ON o.cname = c.name;
SQL
    run_hf "$T/out" "$T/err" run "$T/cn.sql"
    expect_rc 0 "$what"
    [ "$RC" -eq 0 ] || { cat "$T/err" >&2; return; }
    if [ "$1" -gt 1 ]; then
        grep -q " join runs $1 instances" "$T/err" || fail "$what: the join did not run $1 instances"
        grep -q " upsert-materialize runs $1 instances" "$T/err" ||
            fail "$what: no upsert materializer in $1 instances"
    fi
    local got want
    got=$(digest "SELECT * FROM ${p}_cn")
    want=$(digest "$q_cn")
    [ "$got" = "$want" ] || fail "$what: ${p}_cn ($got) differs from PostgreSQL's ($want)"
}
moving_case 1 1024
moving_case 2 64
moving_case 3 1
moving_case 4 16

# explain says how many instances each keyed operator runs
run_hf "$T/out" "$T/err" explain "$T/cj.sql" --set parallelism.default=3
expect_rc 0 "explain at parallelism 3"
expect_grep "join: 3 instances" "$T/out" "explain: the join runs 3 instances"
run_hf "$T/out" "$T/err" explain "$T/cn.sql" --set parallelism.default=3
expect_grep "upsert-materialize: on id (SinkUpsertMaterializer for 'cn')" "$T/out" "explain: the materializer"
expect_grep "join: 3 instances" "$T/out" "explain: the join with a materializer runs 3 instances"
# without the materializer (NONE) such a join runs once
sed -i "1i SET 'table.exec.sink.upsert-materialize' = 'NONE';" "$T/cn.sql"
run_hf "$T/out" "$T/err" explain "$T/cn.sql" --set parallelism.default=3
expect_grep "join: one instance (an input of the join updates and its join key does not hold the input's primary key" "$T/out" "explain: NONE: the join runs once"
finish
