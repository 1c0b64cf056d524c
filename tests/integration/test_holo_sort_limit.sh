#!/usr/bin/env bash
# Differential test of streaming `ORDER BY ... LIMIT n` (a Top-N without
# partition keys, no row number) over a changelog: a random debezium-json
# changelog (inserts, updates of scores, deletes) -> the top 5 -> a
# hologres (PostgreSQL) table, compared with PostgreSQL's own
# `ORDER BY score DESC, id LIMIT 5` over the final state of the source.
# The sink's PRIMARY KEY (id) is the input's upsert key (the source's
# key), so the Rank's -D/+I land as they come; once with
# 'upsert-materialize' = 'NONE', once with the default AUTO, and once at
# parallelism 2 (the rank runs as one instance).
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
p=hf_sortlim_$$
export PGOPTIONS="-c client_min_messages=warning"

# gen SEED: $T/ev.json (the changelog) and $T/final.csv (the final rows).
gen() {
    python3 - "$1" "$T/ev.json" "$T/final.csv" <<'PY'
import json, random, sys
rnd = random.Random(int(sys.argv[1]))
rows = {}
with open(sys.argv[2], "w") as ev:
    for _ in range(2000):
        op = rnd.random()
        i = rnd.randrange(100)
        new = {"id": i, "score": rnd.randrange(200), "name": "n%d" % rnd.randrange(1000)}
        if i not in rows:
            rec = {"before": None, "after": new, "op": "c"}
            rows[i] = new
        elif op < 0.3:
            rec = {"before": rows.pop(i), "after": None, "op": "d"}
        else:
            rec = {"before": rows[i], "after": new, "op": "u"}
            rows[i] = new
        ev.write(json.dumps(rec) + "\n")
with open(sys.argv[3], "w") as f:
    for r in rows.values():
        f.write("%d,%d,%s\n" % (r["id"], r["score"], r["name"]))
PY
}

# run_case WHAT [SET lines]
run_case() {
    "${PSQL[@]}" <<SQL
DROP TABLE IF EXISTS ${p}_top, ${p}_src;
CREATE TABLE ${p}_top (id bigint PRIMARY KEY, score bigint, name text);
CREATE TABLE ${p}_src (id bigint PRIMARY KEY, score bigint, name text);
SQL
    "${PSQL[@]}" -c "\\copy ${p}_src FROM '$T/final.csv' WITH (FORMAT csv)"
    cat >"$T/job.sql" <<SQL
SET 'table.exec.sink.upsert-materialize' = '${UMAT:-NONE}';
${2:-}
CREATE TABLE src (id BIGINT, score BIGINT, name STRING, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'filesystem', 'path' = '$T/ev.json', 'format' = 'debezium-json');
CREATE TABLE dst (id BIGINT, score BIGINT, name STRING, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '${p}_top', 'username' = '$PGUSER', 'password' = 'x');
INSERT INTO dst SELECT id, score, name FROM src ORDER BY score DESC, id LIMIT 5;
SQL
    run_hf "$T/out" "$T/err" run "$T/job.sql"
    expect_rc 0 "$1"
    [ "$RC" -eq 0 ] || cat "$T/err" >&2
    local want got
    want=$("${PSQL[@]}" -c "SELECT string_agg(id || '|' || score || '|' || name, ' ' ORDER BY score DESC, id) FROM (SELECT * FROM ${p}_src ORDER BY score DESC, id LIMIT 5) x")
    got=$("${PSQL[@]}" -c "SELECT string_agg(id || '|' || score || '|' || name, ' ' ORDER BY score DESC, id) FROM ${p}_top")
    [ -n "$want" ] || fail "$1: PostgreSQL's top 5 is empty"
    [ "$got" = "$want" ] || fail "$1: table is '$got', PostgreSQL says '$want'"
}

for seed in 1 2; do
    gen "$seed"
    run_case "seed $seed"
done
UMAT=AUTO run_case "seed 2, AUTO"
run_case "seed 2, parallelism 2" "SET 'parallelism.default' = '2';"
"${PSQL[@]}" -c "DROP TABLE ${p}_top, ${p}_src"
finish
