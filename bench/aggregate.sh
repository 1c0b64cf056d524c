#!/usr/bin/env bash
# aggregate.sh - the streaming group aggregate against PostgreSQL doing the
# same aggregation (issue 9 item 8).
#
# Self-contained: builds holoflow if needed (or uses $HOLOFLOW), starts its
# own private PostgreSQL 15 (scripts/pg-private.sh) in a temporary
# directory, and stops it and removes the directory at exit. Everything
# runs on this machine, so PostgreSQL and the client share its cores.
#
# Input: a changelog of N (1,000,000) debezium-json events over source rows
# (id, g, v): 90% creates, 10% deletes of an earlier created row (a delete
# carries the row's before image), the group key g drawn from KEYS values,
# for KEYS = 10,000 and 1,000,000 (BENCH_KEYS). The same events as CSV
# (op, id, g, v) feed the anchors. Query:
#   SELECT g, COUNT(*), SUM(v) FROM events GROUP BY g
# into a table (g PRIMARY KEY, cnt, total). Methods:
#   holoflow   filesystem debezium-json -> GROUP BY -> hologres sink
#              (state.backend.type hashmap, the default; rocksdb when the
#              build has it), wall time of `holoflow run` and its peak RSS
#              (/usr/bin/time);
#   (a) psql incremental: per event one INSERT ... ON CONFLICT (g) DO
#              UPDATE SET cnt = cnt + 1, total = total + v (a delete:
#              UPDATE ... SET cnt = cnt - 1, total = total - v), in
#              transactions of 1,000 statements, one session, no trigger
#              (the SQL file is made beforehand; only psql running it is
#              timed). It runs about 3,000 statements/s here, so it runs
#              on the first BENCH_INC_SAMPLE (100,000) events and its rate
#              is extrapolated (its table is checked when it runs them
#              all);
#   holoflow, parallelism 2: each backend's job with SET
#              'parallelism.default' = '2' (two aggregate instances), its
#              events/s against parallelism 1;
#   (b) psql batch: \copy the events into a table, then one INSERT ...
#              SELECT g, sum(sign), sum(sign * v) ... GROUP BY g (the
#              server's limit for the same work).
# Printed: events/s of each, holoflow's peak RSS, and the ratios
# holoflow/(a) (target >= 1.0x) and holoflow/(b). The holoflow table must
# equal (b)'s result (groups whose count went back to 0 are absent in
# both: holoflow deletes them; (a) keeps them with cnt 0, so its check
# ignores those).
#
# Environment: HOLOFLOW, BENCH_EVENTS, BENCH_KEYS ("10000 1000000"),
# BENCH_INC_SAMPLE,
# BENCH_REPEAT (1; the median counts), BENCH_KEEP=1 (keep the temp dir).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
N=${BENCH_EVENTS:-1000000}
KEYS_LIST=${BENCH_KEYS:-"10000 1000000"}
REPEAT=${BENCH_REPEAT:-1}
SAMPLE=${BENCH_INC_SAMPLE:-100000}
[ "$SAMPLE" -le "$N" ] || SAMPLE=$N

say() { printf '%s\n' "$*"; }
die() {
    echo "aggregate: $*" >&2
    exit 1
}

# ------------------------------------------------------------------ build
if [ -n "${HOLOFLOW:-}" ]; then
    [ -x "$HOLOFLOW" ] || die "HOLOFLOW=$HOLOFLOW is not an executable"
    hf=$HOLOFLOW
else
    bdir=$root/build-bench
    say "=== building holoflow in $bdir (RelWithDebInfo)"
    mkdir -p "$bdir"
    if ! { cmake -S "$root" -B "$bdir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DHF_TESTS=OFF && cmake --build "$bdir" -j2 --target holoflow; } \
        >"$bdir/bench-build.log" 2>&1; then
        tail -n 30 "$bdir/bench-build.log" >&2
        die "the build failed (log: $bdir/bench-build.log)"
    fi
    hf=$bdir/holoflow
fi
command -v psql >/dev/null || die "psql not found (scripts/deps.sh)"
[ -x /usr/bin/time ] || die "/usr/bin/time not found (Debian package time)"

# ------------------------------------------------------------------ cluster
W=$(mktemp -d /tmp/hf-bench-agg.XXXXXX)
chmod 0755 "$W"
pgdir=$W/pg
cleanup() {
    if [ "${BENCH_KEEP:-0}" = 1 ]; then
        echo "aggregate: kept $W (stop: scripts/pg-private.sh stop $pgdir)" >&2
        return
    fi
    "$root/scripts/pg-private.sh" stop "$pgdir" >/dev/null 2>&1 || true
    rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
pg_env=$("$root/scripts/pg-private.sh" start "$pgdir" 2>/dev/null) ||
    die "the private PostgreSQL did not start in $pgdir"
eval "export $(head -n 1 <<<"$pg_env")"
export PGTZ=UTC PGPASSWORD=unused PGOPTIONS="-c client_min_messages=warning"
PSQL=(psql -X -q -v ON_ERROR_STOP=1)
Q() { "${PSQL[@]}" -At -c "$1"; }

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
median() {
    printf '%s\n' "$@" | sort -n |
        awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }'
}

backends="hashmap"
job_opts=$("$hf" options job 2>/dev/null || true)
if grep -A3 "state.backend.type" <<<"$job_opts" | grep -q rocksdb; then
    backends="hashmap rocksdb"
fi

say "=== aggregate: $N events, keys: $KEYS_LIST; $(nproc) cores, $(Q 'SHOW server_version'); backends: $backends"
say "    holoflow: $hf"

"${PSQL[@]}" <<'SQL'
CREATE TABLE agg (g bigint PRIMARY KEY, cnt bigint, total bigint);
CREATE TABLE events (op text, id bigint, g bigint, v bigint);
SQL

reset_agg() {
    Q "TRUNCATE agg" >/dev/null
    Q "VACUUM ANALYZE agg" >/dev/null
    Q "CHECKPOINT" >/dev/null
}
row() { printf '  %-44s %8s s %10s events/s  %s\n' "$1" "$2" "$3" "${4:-}"; }

for K in $KEYS_LIST; do
    # ---------------------------------------------------------- data
    t0=$(now)
    awk -v n="$N" -v k="$K" -v sample="$SAMPLE" -v j="$W/ev.json" -v c="$W/ev.csv" -v s="$W/inc.sql" '
    function rnd() { seed = (seed * 16807) % 2147483647; return seed / 2147483647 }
    BEGIN {
        seed = 4242 + k; live = 0; id = 0
        print "BEGIN;" > s
        for (i = 1; i <= n; i++) {
            if (live > 0 && rnd() < 0.1) {
                x = int(rnd() * live) + 1
                did = ids[x]; dg = gs[did]; dv = vs[did]
                ids[x] = ids[live]; live--
                printf "{\"before\":{\"id\":%d,\"g\":%d,\"v\":%d},\"after\":null,\"op\":\"d\"}\n", did, dg, dv > j
                printf "d,%d,%d,%d\n", did, dg, dv > c
                if (i <= sample) printf "UPDATE agg SET cnt = cnt - 1, total = total - %d WHERE g = %d;\n", dv, dg > s
            } else {
                id++; g = int(rnd() * k); v = int(rnd() * 1000)
                gs[id] = g; vs[id] = v; ids[++live] = id
                printf "{\"before\":null,\"after\":{\"id\":%d,\"g\":%d,\"v\":%d},\"op\":\"c\"}\n", id, g, v > j
                printf "c,%d,%d,%d\n", id, g, v > c
                if (i <= sample) printf "INSERT INTO agg VALUES (%d, 1, %d) ON CONFLICT (g) DO UPDATE SET cnt = agg.cnt + 1, total = agg.total + excluded.total;\n", g, v > s
            }
            if (i % 1000 == 0 && i <= sample) print "COMMIT; BEGIN;" > s
            if (i == sample) print "COMMIT;" > s
        }
    }'
    say ""
    say "--- $K keys: $N events ($(du -h "$W/ev.json" | cut -f1) debezium-json), made in $(secs "$t0" "$(now)") s"

    # ---------------------------------------------------------- (b) batch
    cat >"$W/batch.sql" <<SQL
TRUNCATE events;
\\copy events FROM '$W/ev.csv' (FORMAT csv)
TRUNCATE agg;
INSERT INTO agg SELECT g, sum(CASE op WHEN 'c' THEN 1 ELSE -1 END) cnt,
  sum(CASE op WHEN 'c' THEN v ELSE -v END) total FROM events GROUP BY g
  HAVING sum(CASE op WHEN 'c' THEN 1 ELSE -1 END) > 0;
SQL
    tb=()
    for ((r = 1; r <= REPEAT; r++)); do
        reset_agg
        t1=$(now)
        "${PSQL[@]}" -f "$W/batch.sql" >/dev/null
        tb+=("$(secs "$t1" "$(now)")")
    done
    want=$(Q "SELECT count(*) || ' ' || md5(string_agg(g || ',' || cnt || ',' || total, ';' ORDER BY g)) FROM agg")

    # ---------------------------------------------------------- (a) incremental
    ta=()
    for ((r = 1; r <= REPEAT; r++)); do
        reset_agg
        t1=$(now)
        "${PSQL[@]}" -f "$W/inc.sql" >/dev/null
        ta+=("$(secs "$t1" "$(now)")")
    done
    if [ "$SAMPLE" -eq "$N" ]; then
        got_a=$(Q "SELECT count(*) || ' ' || md5(string_agg(g || ',' || cnt || ',' || total, ';' ORDER BY g)) FROM agg WHERE cnt > 0")
        [ "$got_a" = "$want" ] || die "$K keys: the incremental SQL's table differs from the batch one"
    fi

    # ---------------------------------------------------------- holoflow
    for be in $backends; do
        set_be=""
        [ "$be" = hashmap ] || set_be="SET 'state.backend.type' = '$be';"
        cat >"$W/job.sql" <<SQL
$set_be
CREATE TABLE src (id BIGINT, g BIGINT, v BIGINT, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'filesystem', 'path' = '$W/ev.json', 'format' = 'debezium-json');
CREATE TABLE dst (g BIGINT, cnt BIGINT, total BIGINT, PRIMARY KEY (g) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT',
  'dbname' = '$PGDATABASE', 'tablename' = 'agg', 'username' = '$PGUSER',
  'password' = '\${PGPASSWORD}');
INSERT INTO dst SELECT g, COUNT(*), SUM(v) FROM src GROUP BY g;
SQL
        th=() rss=()
        for ((r = 1; r <= REPEAT; r++)); do
            reset_agg
            t1=$(now)
            if ! /usr/bin/time -f "%M" -o "$W/rss" "$hf" run "$W/job.sql" >"$W/hf.out" 2>"$W/hf.err"; then
                cat "$W/hf.err" >&2
                die "holoflow run failed"
            fi
            th+=("$(secs "$t1" "$(now)")")
            rss+=("$(tail -n 1 "$W/rss")")
        done
        got=$(Q "SELECT count(*) || ' ' || md5(string_agg(g || ',' || cnt || ',' || total, ';' ORDER BY g)) FROM agg")
        [ "$got" = "$want" ] || die "$K keys, $be: holoflow's table ($got) differs from PostgreSQL's GROUP BY ($want)"
        m_h=$(median "${th[@]}")
        r_h=$(rate "$N" "$m_h")
        row "holoflow GROUP BY -> hologres ($be)" "$m_h" "$r_h" "peak RSS $(( $(median "${rss[@]}") / 1024 )) MiB; groups $(cut -d' ' -f1 <<<"$got")"
        eval "r_h_$be=$r_h"
    done
    # ---------------------------------------------------------- parallelism 2
    # Each backend's job with two aggregate instances (docs/parallelism.md):
    # rows routed by key group from the source thread to two aggregate
    # threads, whose changes meet in the sink's thread.
    for be in $backends; do
        set_be=""
        [ "$be" = hashmap ] || set_be="SET 'state.backend.type' = '$be';"
        grep -v "state.backend.type" "$W/job.sql" |
            sed "1i SET 'parallelism.default' = '2';${set_be:+\\
$set_be}" >"$W/job-p2.sql"
        tp=()
        for ((r = 1; r <= REPEAT; r++)); do
            reset_agg
            t1=$(now)
            if ! /usr/bin/time -f "%M" -o "$W/rss" "$hf" run "$W/job-p2.sql" >"$W/hf.out" 2>"$W/hf.err"; then
                cat "$W/hf.err" >&2
                die "holoflow run at parallelism 2 ($be) failed"
            fi
            tp+=("$(secs "$t1" "$(now)")")
        done
        got=$(Q "SELECT count(*) || ' ' || md5(string_agg(g || ',' || cnt || ',' || total, ';' ORDER BY g)) FROM agg")
        [ "$got" = "$want" ] || die "$K keys, parallelism 2 ($be): holoflow's table ($got) differs from PostgreSQL's GROUP BY ($want)"
        m_p=$(median "${tp[@]}")
        r_p=$(rate "$N" "$m_p")
        row "holoflow GROUP BY, parallelism 2 ($be)" "$m_p" "$r_p" "peak RSS $(( $(tail -n 1 "$W/rss") / 1024 )) MiB"
        eval "r=\$r_h_$be"
        say "  parallelism 2 / parallelism 1 ($be) = $(ratio "$r_p" "$r")x events/s ($(nproc) cores shared with PostgreSQL)"
    done

    # ---------------------------------------------------------- checkpoints
    # The same job (hashmap) checkpointing every 200 ms into a directory:
    # the pause each checkpoint costs the aggregate (its snapshot behind the
    # aligned barrier, from the runtime's debug log), p50/p99/max, and peak
    # RSS against the state's size (the bytes of the last checkpoint).
    rm -rf "$W/ckpt"
    sed "1i SET 'execution.checkpointing.interval' = '200ms';\\
SET 'state.checkpoints.dir' = '$W/ckpt';" "$W/job.sql" | grep -v "state.backend.type" >"$W/job-ck.sql"
    reset_agg
    t1=$(now)
    if ! /usr/bin/time -f "%M" -o "$W/rss" "$hf" --log-level debug run "$W/job-ck.sql" >"$W/hf.out" 2>"$W/hf-ck.err"; then
        tail -5 "$W/hf-ck.err" >&2
        die "holoflow run with checkpoints failed"
    fi
    t_ck=$(secs "$t1" "$(now)")
    got=$(Q "SELECT count(*) || ' ' || md5(string_agg(g || ',' || cnt || ',' || total, ';' ORDER BY g)) FROM agg")
    [ "$got" = "$want" ] || die "$K keys, checkpointed: holoflow's table differs from PostgreSQL's GROUP BY"
    pauses=$(grep -o 'group-aggregate paused [0-9.]* ms' "$W/hf-ck.err" | awk '{print $3}' | sort -n)
    npause=$(grep -c . <<<"$pauses" || true)
    pct() { awk -v p="$1" '{v[NR] = $1} END { if (NR == 0) { print "-"; exit } i = int(NR * p / 100 + 0.999); if (i < 1) i = 1; printf "%.2f", v[i] }' <<<"$pauses"; }
    last=$(ls -d "$W/ckpt"/chk-* 2>/dev/null | sort -t- -k2 -n | tail -n 1)
    sbytes=$(du -sb "$last" 2>/dev/null | cut -f1)
    rss_k=$(tail -n 1 "$W/rss")
    row "holoflow, checkpoints every 200 ms (hashmap)" "$t_ck" "$(rate "$N" "$t_ck")" "peak RSS $((rss_k / 1024)) MiB"
    say "  checkpoint pause of the aggregate over $npause checkpoints: p50 $(pct 50) ms, p99 $(pct 99) ms, max $(pct 100) ms (target p99 <= 100 ms at 10k keys)"
    say "  state in the last checkpoint: $((sbytes / 1024)) KiB; peak RSS / state = $(ratio "$((rss_k * 1024))" "$sbytes")x (target <= 2x; RSS includes the binary, libraries and batch pools)"

    m_a=$(median "${ta[@]}")
    r_a=$(rate "$SAMPLE" "$m_a")
    row "(a) psql incremental ON CONFLICT DO UPDATE" "$m_a" "$r_a" "1,000 statements per transaction; first $SAMPLE events"
    m_b=$(median "${tb[@]}")
    r_b=$(rate "$N" "$m_b")
    row "(b) psql \\copy + INSERT ... SELECT GROUP BY" "$m_b" "$r_b"
    for be in $backends; do
        eval "r=\$r_h_$be"
        say "  ratio holoflow($be)/(a) = $(ratio "$r" "$r_a")x (target >= 1.0x); holoflow($be)/(b) = $(ratio "$r" "$r_b")x"
    done
done
