#!/usr/bin/env bash
# GROUPING SETS / ROLLUP / CUBE, differential against PostgreSQL: a random
# debezium-json changelog (inserts, updates that move rows between groups,
# deletes) goes through each form into a print sink; the changelog folded
# into its final rows must equal PostgreSQL's same query (GROUPING() and
# the NULLs of the columns not in a set included) over the source's final
# state. The seed is printed on failure (HF_GS_SEED to replay).
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
p=hf_gsdiff_$$
export PGOPTIONS="-c client_min_messages=warning"
SEED=${HF_GS_SEED:-$RANDOM}

python3 - "$SEED" "$T/ev.json" "$T/final.sql" "$p" <<'PY'
import json, random, sys
seed, evpath, finpath, p = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
rnd = random.Random(seed)
rows, nid = {}, 1
out = open(evpath, "w")
for _ in range(1500):
    r = rnd.random()
    if r < 0.5 or not rows:
        row = {"id": nid, "a": rnd.randrange(5), "b": rnd.choice(["x", "y", "z", None]),
               "v": rnd.choice([None] + list(range(-20, 21)))}
        nid += 1
        rows[row["id"]] = row
        out.write(json.dumps({"before": None, "after": row, "op": "c"}) + "\n")
    elif r < 0.8:
        old = rows[rnd.choice(list(rows))]
        new = dict(old, a=rnd.randrange(5), v=rnd.choice([None] + list(range(-20, 21))))
        rows[old["id"]] = new
        out.write(json.dumps({"before": old, "after": new, "op": "u"}) + "\n")
    else:
        old = rows.pop(rnd.choice(list(rows)))
        out.write(json.dumps({"before": old, "after": None, "op": "d"}) + "\n")
out.close()
with open(finpath, "w") as f:
    f.write("CREATE TABLE %s_src (id bigint, a int, b text, v int);\n" % p)
    for row in rows.values():
        vals = ["NULL" if row[k] is None else (str(row[k]) if k != "b" else "'%s'" % row[k])
                for k in ("id", "a", "b", "v")]
        f.write("INSERT INTO %s_src VALUES (%s);\n" % (p, ", ".join(vals)))
PY
"${PSQL[@]}" -c "DROP TABLE IF EXISTS ${p}_src"
"${PSQL[@]}" -f "$T/final.sql"

# fold CHANGELOG: the rows left (+I/+U add, -U/-D take away), sorted.
fold() {
    python3 - "$1" <<'PY'
import collections, sys
c = collections.Counter()
for line in open(sys.argv[1]):
    if len(line) > 3 and line[0] in "+-" and line[2] == "[":
        body = line[3:].rstrip("\n")[:-1]
        c[body] += 1 if line[0] == "+" else -1
bad = [k for k, n in c.items() if n < 0]
if bad:
    print("RETRACTED MORE THAN INSERTED:", bad[:3])
for k in sorted(k for k, n in c.items() for _ in range(max(n, 0))):
    print(k)
PY
}

# run_case WHAT "GROUP BY tail" [SET lines]
run_case() {
    # PostgreSQL has no GROUPING_ID: its GROUPING(a, b) is the same mask
    local sel="a, b, GROUPING(a), GROUPING_ID(a, b), COUNT(*), SUM(v), MAX(v)"
    local pgsel="a, b, GROUPING(a), GROUPING(a, b), COUNT(*), SUM(v), MAX(v)"
    cat >"$T/job.sql" <<SQL
${3:-}
CREATE TABLE src (id BIGINT, a INT, b STRING, v INT, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'filesystem', 'path' = '$T/ev.json', 'format' = 'debezium-json');
CREATE TABLE out (a INT, b STRING, ga BIGINT, gid BIGINT, c BIGINT, s INT, m INT)
WITH ('connector' = 'print');
INSERT INTO out SELECT $sel FROM src GROUP BY $2;
SQL
    run_hf "$T/out" "$T/err" run "$T/job.sql"
    expect_rc 0 "$1"
    [ "$RC" -eq 0 ] || cat "$T/err" >&2
    fold "$T/out" >"$T/got"
    "${PSQL[@]}" -F ', ' -P null=null -c "SELECT $pgsel FROM ${p}_src GROUP BY $2" |
        sort >"$T/want"
    LC_ALL=C sort -o "$T/got" "$T/got"
    LC_ALL=C sort -o "$T/want" "$T/want"
    if ! diff -u "$T/want" "$T/got" >"$T/diff"; then
        fail "$1 (seed $SEED): final rows differ from PostgreSQL's"
        head -20 "$T/diff" >&2
    fi
    [ -s "$T/want" ] || fail "$1: PostgreSQL gave no rows"
}

run_case "GROUPING SETS" "GROUPING SETS ((a, b), (a), (b), ())"
run_case "ROLLUP" "ROLLUP (a, b)"
run_case "CUBE" "CUBE (a, b)"
run_case "a, ROLLUP (b)" "a, ROLLUP (b)"
run_case "CUBE, one-row batches, parallelism 2" "CUBE (a, b)" "SET 'holoflow.batch.rows' = '1';
SET 'parallelism.default' = '2';"

"${PSQL[@]}" -c "DROP TABLE ${p}_src"
finish
