#!/usr/bin/env bash
# Group aggregation, randomized and differential: a random debezium-json
# changelog (inserts, updates that move rows between groups, deletes that
# empty groups) goes through GROUP BY into a hologres table keyed by the
# group; the table must equal PostgreSQL's GROUP BY over the source's final
# state (groups emptied by deletes are gone: their -D reached the sink).
# Run plain, with one-row batches, with the rocksdb backend and
# checkpoints, at parallelism 2 and 3 (keyed instances, docs/parallelism.md), with mini-batch, each with a global aggregate beside; the seed is printed on failure (HF_AGG_SEED to replay).
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
p=hf_aggdiff_$$
export PGOPTIONS="-c client_min_messages=warning"
SEED=${HF_AGG_SEED:-$RANDOM}

# The changelog and the final state (as SQL inserts) of a random run.
python3 - "$SEED" "$T/ev.json" "$T/final.sql" "$p" <<'PY'
import json, random, sys
seed, evpath, finpath, p = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
rnd = random.Random(seed)
rows = {}
out = open(evpath, "w")
next_id = 1
for _ in range(3000):
    r = rnd.random()
    if r < 0.45 or not rows:
        row = {"id": next_id, "g": rnd.randrange(40), "v": rnd.choice([None] + list(range(-50, 51))),
               "s": rnd.choice(["a", "b", "c", "d", None])}
        next_id += 1
        rows[row["id"]] = row
        out.write(json.dumps({"before": None, "after": row, "op": "c"}) + "\n")
    elif r < 0.8:
        old = rows[rnd.choice(list(rows))]
        new = dict(old)
        if rnd.random() < 0.5:
            new["g"] = rnd.randrange(40)
        new["v"] = rnd.choice([None] + list(range(-50, 51)))
        rows[old["id"]] = new
        out.write(json.dumps({"before": old, "after": new, "op": "u"}) + "\n")
    else:
        old = rows.pop(rnd.choice(list(rows)))
        out.write(json.dumps({"before": old, "after": None, "op": "d"}) + "\n")
out.close()
with open(finpath, "w") as f:
    f.write("CREATE TABLE %s_src (id bigint, g int, v int, s text);\n" % p)
    for row in rows.values():
        vals = ["NULL" if row[k] is None else (repr(row[k]) if k != "s" else "'%s'" % row[k])
                for k in ("id", "g", "v", "s")]
        f.write("INSERT INTO %s_src VALUES (%s);\n" % (p, ", ".join(vals)))
PY
"${PSQL[@]}" -c "DROP TABLE IF EXISTS ${p}_src"
"${PSQL[@]}" -f "$T/final.sql"

COLS="g, count(*), count(v), sum(v), min(v), max(v), trunc(sum(v)::numeric / nullif(count(v), 0))::int, count(DISTINCT v), count(*) FILTER (WHERE v > 0), min(s), max(s)"
want=$("${PSQL[@]}" -c "SELECT string_agg(r, ' ' ORDER BY g) FROM (SELECT g, concat_ws('|', $COLS) r FROM ${p}_src GROUP BY g) x")
want_global=$("${PSQL[@]}" -c "SELECT concat_ws('|', count(*), sum(v), max(v)) FROM ${p}_src")

# run_case WHAT SET-LINES
run_case() {
    "${PSQL[@]}" <<SQL
DROP TABLE IF EXISTS $p;
CREATE TABLE $p (g int PRIMARY KEY, c bigint, cv bigint, sv int, mi int, ma int, av int, cd bigint, cf bigint, smin text, smax text);
DROP TABLE IF EXISTS ${p}_g;
CREATE TABLE ${p}_g (one int PRIMARY KEY, c bigint, sv int, ma int);
SQL
    cat >"$T/job.sql" <<SQL
$2
CREATE TABLE src (id BIGINT, g INT, v INT, s STRING, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'filesystem', 'path' = '$T/ev.json', 'format' = 'debezium-json');
CREATE TABLE dst (g INT, c BIGINT, cv BIGINT, sv INT, mi INT, ma INT, av INT, cd BIGINT, cf BIGINT,
                  smin STRING, smax STRING, PRIMARY KEY (g) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '$p', 'username' = '$PGUSER', 'password' = 'x');
CREATE TABLE glob (one INT, c BIGINT, sv INT, ma INT, PRIMARY KEY (one) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '${p}_g', 'username' = '$PGUSER', 'password' = 'x');
EXECUTE STATEMENT SET BEGIN
INSERT INTO dst SELECT g, COUNT(*), COUNT(v), SUM(v), MIN(v), MAX(v), AVG(v), COUNT(DISTINCT v),
  COUNT(*) FILTER (WHERE v > 0), MIN(s), MAX(s) FROM src GROUP BY g;
INSERT INTO glob SELECT 1, c, sv, ma FROM (SELECT COUNT(*) c, SUM(v) sv, MAX(v) ma FROM src);
END;
SQL
    run_hf "$T/out" "$T/err" run "$T/job.sql"
    expect_rc 0 "$1"
    [ "$RC" -eq 0 ] || cat "$T/err" >&2
    local got
    got=$("${PSQL[@]}" -c "SELECT string_agg(concat_ws('|', g, c, cv, sv, mi, ma, av, cd, cf, smin, smax), ' ' ORDER BY g) FROM $p")
    [ "$got" = "$want" ] || fail "$1 (seed $SEED): table is
$got
expected
$want"
    got=$("${PSQL[@]}" -c "SELECT concat_ws('|', c, sv, ma) FROM ${p}_g")
    [ "$got" = "$want_global" ] || fail "$1 (seed $SEED): global is '$got', expected '$want_global'"
}

run_case "group aggregate" ""
run_case "group aggregate, one-row batches" "SET 'holoflow.batch.rows' = '1';"
run_case "group aggregate, rocksdb, checkpoints" "SET 'state.backend.type' = 'rocksdb';
SET 'state.checkpoints.dir' = '$T/ckpt';
SET 'execution.checkpointing.interval' = '100 ms';"
run_case "group aggregate, parallelism 2" "SET 'parallelism.default' = '2';"
run_case "group aggregate, parallelism 3, one-row batches, rocksdb" "SET 'parallelism.default' = '3';
SET 'holoflow.batch.rows' = '1';
SET 'state.backend.type' = 'rocksdb';
SET 'state.checkpoints.dir' = '$T/ckpt3';
SET 'execution.checkpointing.interval' = '100 ms';"
run_case "group aggregate, mini-batch" "SET 'table.exec.mini-batch.enabled' = 'true';
SET 'table.exec.mini-batch.allow-latency' = '1 s';
SET 'table.exec.mini-batch.size' = '97';"

"${PSQL[@]}" -c "DROP TABLE $p; DROP TABLE ${p}_g; DROP TABLE ${p}_src"
finish
