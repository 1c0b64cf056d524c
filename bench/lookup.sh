#!/usr/bin/env bash
# lookup.sh - lookup join throughput (keys/s) with a cold cache against
# pgbench running the same lookups (issue 10 item 7).
#
# Self-contained: builds holoflow if needed (or uses $HOLOFLOW), starts its
# own private PostgreSQL 15 (scripts/pg-private.sh) in a temporary
# directory, and stops it and removes the directory at exit. Server and
# clients share this machine's cores.
#
# Dimension: D (100,000) rows (k int PRIMARY KEY, name text, v numeric,
# ts timestamp); stream: N (200,000) rows whose keys are spread over the
# dimension so that most keys of a batch are distinct. Methods:
#   (a) holoflow: hologres scan of the stream -> LEFT lookup join with the
#       dimension ('lookup.cache' NONE: every key is asked; async,
#       lookup.read.batch-size 128, 8 requests in flight) -> blackhole;
#       keys/s = N / wall time of the whole run (process start to exit,
#       the scan included);
#   (b) pgbench -M prepared -c 2 -j 2: `SELECT * FROM dim WHERE k =
#       ANY(ARRAY[:k1, ..., :k32])` with 32 random keys; keys/s = 32 x tps;
#   (c) pgbench -M prepared -c 1: one key per query `WHERE k = :k`, the
#       lookup Flink's non-batched sync lookup function makes; keys/s = tps.
# pgbench runs BENCH_SECS (10) seconds each; holoflow BENCH_REPEAT (3)
# times, best counts. Targets: (a) >= 0.5 x (b), (a) >= 5 x (c).
# Environment: HOLOFLOW, BENCH_ROWS, BENCH_DIM, BENCH_REPEAT, BENCH_SECS,
# BENCH_STRICT=1 (exit 1 when a target is missed), BENCH_KEEP=1.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
N=${BENCH_ROWS:-200000}
D=${BENCH_DIM:-100000}
REPEAT=${BENCH_REPEAT:-3}
SECS=${BENCH_SECS:-10}
STRICT=${BENCH_STRICT:-0}

say() { printf '%s\n' "$*"; }
die() {
    echo "lookup: $*" >&2
    exit 1
}

# ------------------------------------------------------------------ build
if [ -n "${HOLOFLOW:-}" ] && [ -x "$HOLOFLOW" ]; then
    hf=$HOLOFLOW
else
    bdir=$root/build-bench-lookup
    say "=== building holoflow in $bdir (RelWithDebInfo)"
    cmake -S "$root" -B "$bdir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DHF_TESTS=OFF >/dev/null
    cmake --build "$bdir" -j2 --target holoflow >/dev/null
    hf=$bdir/holoflow
fi
command -v psql >/dev/null || die "psql not found (scripts/deps.sh)"
command -v pgbench >/dev/null || die "pgbench not found (scripts/deps.sh)"

# ------------------------------------------------------------------ cluster
W=$(mktemp -d /tmp/hf-bench-lookup.XXXXXX)
chmod 0755 "$W"
pgdir=$W/pg
cleanup() {
    if [ "${BENCH_KEEP:-0}" = 1 ]; then
        echo "lookup: kept $W (stop: scripts/pg-private.sh stop $pgdir)" >&2
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
export PGTZ=UTC PGPASSWORD=unused
unset PGOPTIONS
PSQL=(psql -X -q -v ON_ERROR_STOP=1)
Q() { "${PSQL[@]}" -At -c "$1"; }

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

say "=== lookup: $N stream rows x $D dimension rows, $(nproc) cores, $(Q 'SHOW server_version')"
say "    holoflow: $hf"
"${PSQL[@]}" <<SQL
SET client_min_messages = warning;
CREATE TABLE dim (k int PRIMARY KEY, name text, v numeric(12, 2), ts timestamp);
INSERT INTO dim SELECT g, 'name ' || g, g / 3.0, timestamp '2020-01-01' + g * interval '1 minute'
  FROM generate_series(1, $D) g;
CREATE TABLE stream (id bigint, k int);
INSERT INTO stream SELECT g, 1 + (g::int8 * 7919) % $D FROM generate_series(1, $N) g;
VACUUM ANALYZE dim;
VACUUM ANALYZE stream;
SQL

# ------------------------------------------------------------------ (a)
cat >"$W/job.sql" <<SQL
SET 'pipeline.name' = 'bench-lookup';
CREATE TABLE s (id BIGINT, k INT, proc AS PROCTIME())
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
  'tablename' = 'stream', 'username' = '$PGUSER', 'password' = '\${PGPASSWORD}',
  'source.binlog' = 'false');
CREATE TABLE d (k INT, name STRING, v DECIMAL(12, 2), ts TIMESTAMP(6), PRIMARY KEY (k) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
  'tablename' = 'dim', 'username' = '$PGUSER', 'password' = '\${PGPASSWORD}',
  'lookup.cache' = 'NONE', 'lookup.async' = 'true', 'lookup.read.batch-size' = '128',
  'lookup.read.batch-queue-size' = '8');
CREATE TABLE o (id BIGINT, k INT, name STRING, v DECIMAL(12, 2), ts TIMESTAMP(6))
WITH ('connector' = 'blackhole');
INSERT INTO o SELECT s.id, s.k, d.name, d.v, d.ts FROM s
  LEFT JOIN d FOR SYSTEM_TIME AS OF s.proc AS d ON s.k = d.k;
SQL
besta=
for _ in $(seq "$REPEAT"); do
    t1=$(now)
    "$hf" run "$W/job.sql" >"$W/hf.out" 2>"$W/hf.err" ||
        { cat "$W/hf.err" >&2; die "holoflow run failed"; }
    t2=$(now)
    grep -q "lookup 'd': $N rows in, $N rows out" "$W/hf.err" ||
        { cat "$W/hf.err" >&2; die "holoflow did not join $N rows"; }
    t=$(secs "$t1" "$t2")
    if [ -z "$besta" ] || awk -v a="$t" -v b="$besta" 'BEGIN { exit !(a < b) }'; then
        besta=$t
    fi
done
ka=$(rate "$N" "$besta")
asked=$(sed -n "s/.*lookup 'd': .* \([0-9]*\) keys asked in \([0-9]*\) requests.*/\1 keys in \2 requests/p" "$W/hf.err")

# ------------------------------------------------------------------ (b), (c)
{
    for i in $(seq 32); do echo "\\set k$i random(1, $D)"; done
    printf 'SELECT * FROM dim WHERE k = ANY(ARRAY['
    for i in $(seq 32); do printf '%s:k%d' "$([ "$i" = 1 ] || echo ', ')" "$i"; done
    printf ']::int[]);\n'
} >"$W/batch.pgb"
printf '\\set k random(1, %d)\nSELECT * FROM dim WHERE k = :k;\n' "$D" >"$W/one.pgb"
tps() { sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$1" | head -n 1; }
pgbench -n -M prepared -c 2 -j 2 -T "$SECS" -f "$W/batch.pgb" >"$W/b.out" 2>&1 ||
    { cat "$W/b.out" >&2; die "pgbench (b) failed"; }
pgbench -n -M prepared -c 1 -j 1 -T "$SECS" -f "$W/one.pgb" >"$W/c.out" 2>&1 ||
    { cat "$W/c.out" >&2; die "pgbench (c) failed"; }
kb=$(awk -v t="$(tps "$W/b.out")" 'BEGIN { printf "%.0f", 32 * t }')
kc=$(awk -v t="$(tps "$W/c.out")" 'BEGIN { printf "%.0f", t }')

printf '    (a) %-58s %9s keys/s  (best of %d: %s s; %s)\n' \
    "holoflow LEFT lookup join, no cache, async, batch 128" "$ka" "$REPEAT" "$besta" "$asked"
printf '    (b) %-58s %9s keys/s\n' "pgbench -c 2, prepared = ANY(32 keys)" "$kb"
printf '    (c) %-58s %9s keys/s\n' "pgbench -c 1, prepared, one key per query" "$kc"
rb=$(ratio "$ka" "$kb")
rc=$(ratio "$ka" "$kc")
say "    ratio (a)/(b): ${rb}x (target >= 0.5)"
say "    ratio (a)/(c): ${rc}x (target >= 5)"
miss=0
awk -v r="$rb" 'BEGIN { exit !(r >= 0.5) }' || { say "    target missed: (a) < 0.5 x (b)"; miss=1; }
awk -v r="$rc" 'BEGIN { exit !(r >= 5) }' || { say "    target missed: (a) < 5 x (c)"; miss=1; }
if [ "$STRICT" = 1 ] && [ "$miss" = 1 ]; then
    exit 1
fi
exit 0
