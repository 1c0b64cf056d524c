#!/usr/bin/env bash
# OVER aggregation, randomized and differential: random rows (a key, an
# event time with ties, a nullable value), slightly out of order within the
# watermark's delay, go through three OVER aggregations into hologres
# tables keyed by the row id; each must equal PostgreSQL's window functions
# over the same rows:
#   ROWS BETWEEN 2 PRECEDING AND CURRENT ROW      (ties in arrival order,
#                                                  PostgreSQL: ORDER BY ts, id)
#   RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW  (ties: peers)
#   RANGE UNBOUNDED PRECEDING, without PARTITION BY
# Run plain, with one-row batches and a watermark after every row, with
# rocksdb and checkpoints, and at parallelism 3; the seed is printed on
# failure (HF_OVER_SEED to replay).
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
p=hf_overdiff_$$
export PGOPTIONS="-c client_min_messages=warning"
SEED=${HF_OVER_SEED:-$RANDOM}

python3 - "$SEED" "$T/rows.csv" "$T/src.sql" "$p" <<'PY'
import random, sys, datetime
seed, csvp, sqlp, p = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
rnd = random.Random(seed)
base = datetime.datetime(2026, 1, 1)
rows, t = [], 0
for i in range(2500):
    t += rnd.choice([0, 0, 1, 5, 60, 300, 900])  # seconds; 0 makes ties
    rows.append([t, rnd.randrange(12), rnd.choice([None] + list(range(-40, 41)))])
rows.sort(key=lambda r: r[0])
# ids in time order (ties in file order), then out of order by less than the 10 s delay (a row at the watermark is late)
out = [[i + 1] + r for i, r in enumerate(rows)]
for i in range(len(out) - 1):
    a, b = out[i], out[i + 1]
    if a[1] != b[1] and b[1] - a[1] < 10 and rnd.random() < 0.3:
        out[i], out[i + 1] = b, a
with open(csvp, "w") as f, open(sqlp, "w") as s:
    s.write("CREATE TABLE %s_src (id bigint, ts timestamp(3), k int, x int);\n" % p)
    for r in out:
        ts = (base + datetime.timedelta(seconds=r[1])).strftime("%Y-%m-%d %H:%M:%S")
        x = "" if r[3] is None else str(r[3])
        f.write("%d,%s,%d,%s\n" % (r[0], ts, r[2], x))
        s.write("INSERT INTO %s_src VALUES (%d, '%s', %d, %s);\n" % (p, r[0], ts, r[2], "NULL" if r[3] is None else x))
PY
"${PSQL[@]}" -c "DROP TABLE IF EXISTS ${p}_src"
"${PSQL[@]}" -f "$T/src.sql"

aggs() { # $1 = window
    echo "sum(x) OVER $1, count(x) OVER $1, count(*) OVER $1, min(x) OVER $1, max(x) OVER $1, trunc(avg(x) OVER $1)::int"
}
W1="(PARTITION BY k ORDER BY ts, id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)"
W2="(PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '1 hour' PRECEDING AND CURRENT ROW)"
W3="(ORDER BY ts RANGE UNBOUNDED PRECEDING)"
want() { # $1 = window
    "${PSQL[@]}" -c "SELECT string_agg(r, ' ' ORDER BY id) FROM (SELECT id, concat_ws('|', id, $(aggs "$1")) r FROM ${p}_src) x"
}
want1=$(want "$W1")
want2=$(want "$W2")
want3=$(want "$W3")

conn="'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE', 'username' = '$PGUSER', 'password' = 'x'"
run_case() { # $1 = what, $2 = SET lines
    local i
    for i in 1 2 3; do
        "${PSQL[@]}" -c "DROP TABLE IF EXISTS ${p}_$i" \
            -c "CREATE TABLE ${p}_$i (id bigint PRIMARY KEY, s int, c bigint, cs bigint, mi int, ma int, av int)"
    done
    {
        echo "$2"
        cat <<SQL
CREATE TABLE src (id BIGINT, ts TIMESTAMP(3), k INT, x INT,
  WATERMARK FOR ts AS ts - INTERVAL '10' SECOND)
WITH ('connector' = 'filesystem', 'path' = '$T/rows.csv', 'format' = 'csv');
SQL
        for i in 1 2 3; do
            echo "CREATE TABLE d$i (id BIGINT, s INT, c BIGINT, cs BIGINT, mi INT, ma INT, av INT, PRIMARY KEY (id) NOT ENFORCED)"
            echo "WITH ('connector' = 'hologres', $conn, 'tablename' = '${p}_$i');"
        done
        cat <<'SQL'
EXECUTE STATEMENT SET BEGIN
INSERT INTO d1 SELECT id, SUM(x) OVER w, COUNT(x) OVER w, COUNT(*) OVER w, MIN(x) OVER w, MAX(x) OVER w, AVG(x) OVER w
FROM src WINDOW w AS (PARTITION BY k ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW);
INSERT INTO d2 SELECT id, SUM(x) OVER w, COUNT(x) OVER w, COUNT(*) OVER w, MIN(x) OVER w, MAX(x) OVER w, AVG(x) OVER w
FROM src WINDOW w AS (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW);
INSERT INTO d3 SELECT id, SUM(x) OVER w, COUNT(x) OVER w, COUNT(*) OVER w, MIN(x) OVER w, MAX(x) OVER w, AVG(x) OVER w
FROM src WINDOW w AS (ORDER BY ts RANGE UNBOUNDED PRECEDING);
END;
SQL
    } >"$T/job.sql"
    run_hf "$T/out" "$T/err" run "$T/job.sql"
    expect_rc 0 "$1"
    [ "$RC" -eq 0 ] || cat "$T/err" >&2
    ! grep -q "late row" "$T/err" || fail "$1: late rows: $(grep 'late row' "$T/err")"
    local got want
    for i in 1 2 3; do
        got=$("${PSQL[@]}" -c "SELECT string_agg(concat_ws('|', id, s, c, cs, mi, ma, av), ' ' ORDER BY id) FROM ${p}_$i")
        eval "want=\$want$i"
        [ "$got" = "$want" ] || {
            fail "$1 (seed $SEED): window $i differs from PostgreSQL"
            diff <(tr ' ' '\n' <<<"$want") <(tr ' ' '\n' <<<"$got") | head -10 >&2
        }
    done
}

run_case "over aggregate" ""
run_case "over aggregate, one-row batches, a watermark per row" "SET 'holoflow.batch.rows' = '1';
SET 'pipeline.auto-watermark-interval' = '0';"
run_case "over aggregate, rocksdb, checkpoints" "SET 'state.backend.type' = 'rocksdb';
SET 'state.checkpoints.dir' = '$T/ckpt';
SET 'execution.checkpointing.interval' = '100 ms';
SET 'holoflow.batch.rows' = '7';
SET 'pipeline.auto-watermark-interval' = '0';"
run_case "over aggregate, parallelism 3" "SET 'parallelism.default' = '3';"

"${PSQL[@]}" -c "DROP TABLE ${p}_1; DROP TABLE ${p}_2; DROP TABLE ${p}_3; DROP TABLE ${p}_src"
finish
