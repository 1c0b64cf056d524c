#!/usr/bin/env bash
# Differential test of the regular joins: two random debezium-json
# changelogs (orders and customers: inserts, updates that move orders to
# other customers or change a customer's columns, deletes, NULL keys) ->
# LEFT / comma (inner) / RIGHT / FULL join -> a hologres table with a
# primary key; the table must equal PostgreSQL's own join of the two
# tables' final states (no missing, extra or different row). Each job runs
# with the default batches and with one-row batches (more interleavings
# of the two inputs), for two seeds; once at parallelism 2 (with an upsert
# materializer in front of the sink).
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
p=hf_join_$$
export PGOPTIONS="-c client_min_messages=warning"

# gen SEED: $T/o.json, $T/c.json (changelogs), $T/o.csv, $T/c.csv (final)
gen() {
    python3 - "$1" "$T" <<'PY'
import json, random, sys
rnd = random.Random(int(sys.argv[1]))
out = sys.argv[2]
def run(name, n_ids, n_events, make, mutate):
    state, ev = {}, []
    for _ in range(n_events):
        i = rnd.randrange(1, n_ids + 1)
        if i not in state:
            row = make(i)
            state[i] = row
            ev.append({"before": None, "after": row, "op": "c"})
        elif rnd.random() < 0.25:
            ev.append({"before": state.pop(i), "after": None, "op": "d"})
        else:
            new = mutate(dict(state[i]))
            ev.append({"before": state[i], "after": new, "op": "u"})
            state[i] = new
    with open(f"{out}/{name}.json", "w") as f:
        for e in ev:
            f.write(json.dumps(e) + "\n")
    with open(f"{out}/{name}.csv", "w") as f:
        for i in sorted(state):
            f.write(",".join("" if v is None else str(v)
                             for v in state[i].values()) + "\n")
def cust():
    return None if rnd.random() < 0.05 else rnd.randrange(1, 26)
def order(i):
    return {"id": i, "cust": cust(), "amt": rnd.randrange(1, 100)}
def order_mut(r):
    if rnd.random() < 0.6:
        r["cust"] = cust()
    else:
        r["amt"] = rnd.randrange(1, 100)
    return r
def customer(i):
    return {"cid": i, "name": "n%d" % rnd.randrange(5), "tier": rnd.randrange(3)}
def customer_mut(r):
    if rnd.random() < 0.5:
        r["tier"] = rnd.randrange(3)
    else:
        r["name"] = "n%d" % rnd.randrange(5)
    return r
run("o", 120, 900, order, order_mut)
run("c", 30, 300, customer, customer_mut)
PY
}

"${PSQL[@]}" <<SQL
DROP TABLE IF EXISTS ${p}_o, ${p}_c;
CREATE TABLE ${p}_o (id int PRIMARY KEY, cust int, amt int);
CREATE TABLE ${p}_c (cid int PRIMARY KEY, name text, tier int);
SQL

# case NAME SINK-DDL(pg) SINK-COLUMNS(flink) SELECT(flink) SELECT(pg) BATCH
run_case() {
    local name=$1 pgddl=$2 cols=$3 fsel=$4 psel=$5 rows=$6 par=${7:-1}
    "${PSQL[@]}" -c "DROP TABLE IF EXISTS ${p}_d" -c "CREATE TABLE ${p}_d ($pgddl)"
    cat >"$T/job.sql" <<SQL
SET 'holoflow.batch.rows' = '$rows';
SET 'parallelism.default' = '$par';
CREATE TABLE o (id INT, cust INT, amt INT, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'filesystem', 'path' = '$T/o.json', 'format' = 'debezium-json');
CREATE TABLE c (cid INT, name STRING, tier INT, PRIMARY KEY (cid) NOT ENFORCED)
WITH ('connector' = 'filesystem', 'path' = '$T/c.json', 'format' = 'debezium-json');
CREATE TABLE d ($cols)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '${p}_d', 'username' = '$PGUSER', 'password' = 'x',
      'sink.delete-strategy' = 'CHANGELOG_STANDARD');
INSERT INTO d $fsel;
SQL
    run_hf "$T/out" "$T/err" run "$T/job.sql"
    expect_rc 0 "$name"
    [ "$RC" -eq 0 ] || cat "$T/err" >&2
    local got want
    got=$("${PSQL[@]}" -c "SELECT count(*) || ':' || coalesce(md5(string_agg(d::text, ';' ORDER BY d::text)), '') FROM ${p}_d d")
    want=$("${PSQL[@]}" -c "SELECT count(*) || ':' || coalesce(md5(string_agg(d::text, ';' ORDER BY d::text)), '') FROM ($psel) d")
    if [ "$got" != "$want" ]; then
        fail "$name: table ($got) differs from PostgreSQL's join ($want)"
        "${PSQL[@]}" -c "($psel) EXCEPT ALL SELECT * FROM ${p}_d" | head -5 | sed 's/^/  missing: /' >&2
        "${PSQL[@]}" -c "SELECT * FROM ${p}_d EXCEPT ALL ($psel)" | head -5 | sed 's/^/  extra: /' >&2
    fi
}

for seed in 7 42; do
    gen "$seed"
    "${PSQL[@]}" -c "TRUNCATE ${p}_o, ${p}_c" \
        -c "\\copy ${p}_o FROM '$T/o.csv' WITH (FORMAT csv)" \
        -c "\\copy ${p}_c FROM '$T/c.csv' WITH (FORMAT csv)"
    for rows in 1024 1; do
        run_case "LEFT JOIN with a residual, seed $seed, batches of $rows" \
            "id int PRIMARY KEY, cust int, amt int, cid int, name text" \
            "id INT, cust INT, amt INT, cid INT, name STRING, PRIMARY KEY (id) NOT ENFORCED" \
            "SELECT o.id, o.cust, o.amt, c.cid, c.name FROM o LEFT JOIN c ON o.cust = c.cid AND c.tier > 0" \
            "SELECT o.id, o.cust, o.amt, c.cid, c.name FROM ${p}_o o LEFT JOIN ${p}_c c ON o.cust = c.cid AND c.tier > 0" \
            "$rows"
        run_case "comma join, seed $seed, batches of $rows" \
            "id int PRIMARY KEY, amt int, name text, tier int" \
            "id INT, amt INT, name STRING, tier INT, PRIMARY KEY (id) NOT ENFORCED" \
            "SELECT id, amt, name, tier FROM o, c WHERE cust = cid AND amt > 20" \
            "SELECT id, amt, name, tier FROM ${p}_o, ${p}_c WHERE cust = cid AND amt > 20" \
            "$rows"
        run_case "RIGHT JOIN, seed $seed, batches of $rows" \
            "id int PRIMARY KEY, cid int, tier int" \
            "id INT, cid INT, tier INT, PRIMARY KEY (id) NOT ENFORCED" \
            "SELECT o.id, c.cid, c.tier FROM c RIGHT JOIN o ON c.cid = o.cust" \
            "SELECT o.id, c.cid, c.tier FROM ${p}_c c RIGHT JOIN ${p}_o o ON c.cid = o.cust" \
            "$rows"
        run_case "FULL JOIN, seed $seed, batches of $rows" \
            "k int PRIMARY KEY, id int, cid int, name text" \
            "k INT, id INT, cid INT, name STRING, PRIMARY KEY (k) NOT ENFORCED" \
            "SELECT COALESCE(o.id, -c.cid), o.id, c.cid, c.name FROM o FULL JOIN c ON o.cust = c.cid" \
            "SELECT COALESCE(o.id, -c.cid), o.id, c.cid, c.name FROM ${p}_o o FULL JOIN ${p}_c c ON o.cust = c.cid" \
            "$rows"
    done
done
# At parallelism 2 an update moving an order to another customer sends
# its -U and +U through two join instances, so the sink (keyed by the
# order) could get them out of order: Flink's SinkUpsertMaterializer in
# front of the sink puts them back (the join runs in two instances).
run_case "LEFT JOIN, parallelism 2, seed 42" \
    "id int PRIMARY KEY, cust int, amt int, cid int, name text" \
    "id INT, cust INT, amt INT, cid INT, name STRING, PRIMARY KEY (id) NOT ENFORCED" \
    "SELECT o.id, o.cust, o.amt, c.cid, c.name FROM o LEFT JOIN c ON o.cust = c.cid" \
    "SELECT o.id, o.cust, o.amt, c.cid, c.name FROM ${p}_o o LEFT JOIN ${p}_c c ON o.cust = c.cid" \
    1 2
grep -q " join runs 2 instances" "$T/err" ||
    fail "parallelism 2: the join did not run 2 instances"
grep -q " upsert-materialize runs 2 instances" "$T/err" ||
    fail "parallelism 2: no upsert materializer in 2 instances"

"${PSQL[@]}" -c "DROP TABLE ${p}_o, ${p}_c, ${p}_d"
finish
