#!/usr/bin/env bash
# Differential test of Top-N over a changelog: a random debezium-json
# changelog (inserts, updates that move rows across partitions and scores,
# deletes) -> ROW_NUMBER() Top-3 -> a hologres (PostgreSQL) table, compared
# with PostgreSQL's own ROW_NUMBER() over the final state of the source.
# Two sinks: PRIMARY KEY (cat, rn) with the row number (the upsert key:
# +U only), and PRIMARY KEY (cat, id) without it (Flink needs its upsert
# materializer there; SET 'table.exec.sink.upsert-materialize' = 'NONE'
# writes the -D/+I as they come, which a key of (cat, id) makes exact;
# once with the default AUTO, which puts the materializer there: exact
# too).
# Run with default batches and with one-row batches, with three seeds, and
# once with the rocksdb backend and checkpoints, once at parallelism 2.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
p=hf_topn_$$
export PGOPTIONS="-c client_min_messages=warning"

# gen SEED: $T/ev.json (the changelog) and $T/final.csv (the final rows).
gen() {
    python3 - "$1" "$T/ev.json" "$T/final.csv" <<'PY'
import json, random, sys
rnd = random.Random(int(sys.argv[1]))
rows = {}
with open(sys.argv[2], "w") as ev:
    for _ in range(3000):
        op = rnd.random()
        i = rnd.randrange(150)
        new = {"id": i, "cat": "c%d" % rnd.randrange(5),
               "score": rnd.randrange(60), "name": "n%d" % rnd.randrange(1000)}
        if i not in rows:
            rec = {"before": None, "after": new, "op": "c"}
            rows[i] = new
        elif op < 0.25:
            rec = {"before": rows.pop(i), "after": None, "op": "d"}
        else:
            if op < 0.5:  # same partition, new score
                new["cat"] = rows[i]["cat"]
            rec = {"before": rows[i], "after": new, "op": "u"}
            rows[i] = new
        ev.write(json.dumps(rec) + "\n")
with open(sys.argv[3], "w") as f:
    for r in rows.values():
        f.write("%d,%s,%d,%s\n" % (r["id"], r["cat"], r["score"], r["name"]))
PY
}

# run_case WHAT BATCH-ROWS [SET lines]
run_case() {
    "${PSQL[@]}" <<SQL
DROP TABLE IF EXISTS ${p}_rn, ${p}_id, ${p}_src;
CREATE TABLE ${p}_rn (cat text, rn bigint, id bigint, score bigint, name text, PRIMARY KEY (cat, rn));
CREATE TABLE ${p}_id (cat text, id bigint, score bigint, PRIMARY KEY (cat, id));
CREATE TABLE ${p}_src (id bigint PRIMARY KEY, cat text, score bigint, name text);
SQL
    "${PSQL[@]}" -c "\\copy ${p}_src FROM '$T/final.csv' WITH (FORMAT csv)"
    cat >"$T/job.sql" <<SQL
SET 'holoflow.batch.rows' = '$2';
SET 'table.exec.sink.upsert-materialize' = '${UMAT:-NONE}';
${3:-}
CREATE TABLE src (id BIGINT, cat STRING, score BIGINT, name STRING, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'filesystem', 'path' = '$T/ev.json', 'format' = 'debezium-json');
CREATE TABLE dst_rn (cat STRING, rn BIGINT, id BIGINT, score BIGINT, name STRING,
  PRIMARY KEY (cat, rn) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '${p}_rn', 'username' = '$PGUSER', 'password' = 'x');
CREATE TABLE dst_id (cat STRING, id BIGINT, score BIGINT, PRIMARY KEY (cat, id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '${p}_id', 'username' = '$PGUSER', 'password' = 'x');
CREATE VIEW ranked AS
SELECT *, ROW_NUMBER() OVER (PARTITION BY cat ORDER BY score DESC, id) AS rn FROM src;
INSERT INTO dst_rn SELECT cat, rn, id, score, name FROM ranked WHERE rn <= 3;
INSERT INTO dst_id SELECT cat, id, score FROM ranked WHERE rn <= 3;
SQL
    run_hf "$T/out" "$T/err" run "$T/job.sql"
    expect_rc 0 "$1"
    [ "$RC" -eq 0 ] || cat "$T/err" >&2
    local want got
    want=$("${PSQL[@]}" -c "SELECT string_agg(cat || '|' || rn || '|' || id || '|' || score || '|' || name, ' ' ORDER BY cat, rn) FROM (SELECT *, row_number() OVER (PARTITION BY cat ORDER BY score DESC, id) AS rn FROM ${p}_src) x WHERE rn <= 3")
    got=$("${PSQL[@]}" -c "SELECT string_agg(cat || '|' || rn || '|' || id || '|' || score || '|' || name, ' ' ORDER BY cat, rn) FROM ${p}_rn")
    [ -n "$want" ] || fail "$1: PostgreSQL's top 3 is empty"
    [ "$got" = "$want" ] || fail "$1: with rn: table is '$got', PostgreSQL says '$want'"
    want=$("${PSQL[@]}" -c "SELECT string_agg(cat || '|' || id || '|' || score, ' ' ORDER BY cat, id) FROM (SELECT *, row_number() OVER (PARTITION BY cat ORDER BY score DESC, id) AS rn FROM ${p}_src) x WHERE rn <= 3")
    got=$("${PSQL[@]}" -c "SELECT string_agg(cat || '|' || id || '|' || score, ' ' ORDER BY cat, id) FROM ${p}_id")
    [ "$got" = "$want" ] || fail "$1: without rn: table is '$got', PostgreSQL says '$want'"
}

for seed in 1 2 3; do
    gen "$seed"
    run_case "seed $seed, default batches" 1024
    run_case "seed $seed, one-row batches" 1
done
run_case "seed 3, parallelism 2" 16 "SET 'parallelism.default' = '2';"
UMAT=AUTO run_case "seed 3, AUTO: a SinkUpsertMaterializer at (cat, id), parallelism 2" 16 \
    "SET 'parallelism.default' = '2';"
"$HOLOFLOW" explain "$T/job.sql" | grep -q "upsert-materialize: on cat, id (SinkUpsertMaterializer for 'dst_id')" ||
    fail "AUTO: no materializer in front of dst_id"
rm -rf "$T/ckpt"
run_case "seed 3, rocksdb, checkpoints" 16 "SET 'state.backend.type' = 'rocksdb';
SET 'state.checkpoints.dir' = '$T/ckpt';
SET 'execution.checkpointing.interval' = '100 ms';"

"${PSQL[@]}" -c "DROP TABLE ${p}_rn, ${p}_id, ${p}_src"
finish
