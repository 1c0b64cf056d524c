#!/usr/bin/env bash
# source.sh - the hologres source's bounded scan against psql's binary COPY
# out of the same table (issue 10 item 7).
#
# Self-contained: builds holoflow if needed (or uses $HOLOFLOW), starts its
# own private PostgreSQL 15 (scripts/pg-private.sh) in a temporary
# directory, and stops it and removes the directory at exit. Server and
# clients share this machine's cores.
#
# Table: N (1,000,000) rows of the 000_* schema (user_id bigint, user_name
# text, price numeric(38,2), sale_timestamp timestamp), made by
# generate_series, VACUUMed and read once before timing (so every method
# reads from shared buffers / the page cache). Methods:
#   (a) holoflow: hologres source -> blackhole, one reader (binary COPY,
#       decoded into batches: DECIMAL, TIMESTAMP and STRING values built);
#   (b) holoflow, source.scan.split-count = BENCH_SPLITS (default: the
#       number of cores, at least 2): readers sharing one exported snapshot
#       over ctid page ranges;
#   (c) psql -c "\copy (SELECT ...) TO /dev/null binary": the server's
#       binary COPY on one connection, bytes written away without parsing.
# Each method runs BENCH_REPEAT (5) times, interleaved; the best wall time
# of the whole client command counts (holoflow: process start to exit),
# the median is printed too. Targets: (a) >= 0.9 x (c), (b) > 1 x (c).
# holoflow must report N records read every run.
# Environment: HOLOFLOW, BENCH_ROWS, BENCH_REPEAT, BENCH_SPLITS,
# BENCH_STRICT=1 (exit 1 when a target is missed), BENCH_KEEP=1.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
N=${BENCH_ROWS:-1000000}
REPEAT=${BENCH_REPEAT:-5}
SPLITS=${BENCH_SPLITS:-$(nproc)}
[ "$SPLITS" -ge 2 ] || SPLITS=2
STRICT=${BENCH_STRICT:-0}

say() { printf '%s\n' "$*"; }
die() {
    echo "source: $*" >&2
    exit 1
}

# ------------------------------------------------------------------ build
if [ -n "${HOLOFLOW:-}" ] && [ -x "$HOLOFLOW" ]; then
    hf=$HOLOFLOW
else
    bdir=$root/build-bench-source
    say "=== building holoflow in $bdir (RelWithDebInfo)"
    cmake -S "$root" -B "$bdir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DHF_TESTS=OFF >/dev/null
    cmake --build "$bdir" -j2 --target holoflow >/dev/null
    hf=$bdir/holoflow
fi
command -v psql >/dev/null || die "psql not found (scripts/deps.sh)"

# ------------------------------------------------------------------ cluster
W=$(mktemp -d /tmp/hf-bench-source.XXXXXX)
chmod 0755 "$W"
pgdir=$W/pg
cleanup() {
    if [ "${BENCH_KEEP:-0}" = 1 ]; then
        echo "source: kept $W (stop: scripts/pg-private.sh stop $pgdir)" >&2
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
best() { sort -g "$1" | head -n 1; }
median() { sort -g "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

say "=== source: $N rows, $(nproc) cores, $(Q 'SHOW server_version'), $SPLITS splits for (b)"
say "    holoflow: $hf"

t0=$(now)
"${PSQL[@]}" <<SQL
SET client_min_messages = warning;
CREATE TABLE bench_s (user_id bigint, user_name text, price numeric(38,2),
  sale_timestamp timestamp);
INSERT INTO bench_s
  SELECT g, 'user_' || (g::int8 * 7919 % 1000003), (g::int8 * 31 % 10000000) / 100.0,
         timestamp '2020-01-01 00:00:00' + g * interval '1.237 second'
  FROM generate_series(1, $N) g;
VACUUM ANALYZE bench_s;
SQL
Q "SELECT count(*) FROM bench_s" >/dev/null
say "    table: $(Q "SELECT pg_size_pretty(pg_relation_size('bench_s'))"); made in $(secs "$t0" "$(now)") s"

write_job() { # NAME SPLITS
    cat >"$W/job-$1.sql" <<SQL
SET 'execution.runtime-mode' = 'batch';
SET 'pipeline.name' = 'bench-source';
CREATE TABLE src (user_id BIGINT, user_name STRING, price DECIMAL(38, 2),
  sale_timestamp TIMESTAMP(6))
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT',
  'dbname' = '$PGDATABASE', 'tablename' = 'bench_s', 'username' = '$PGUSER',
  'password' = '\${PGPASSWORD}', 'source.binlog' = 'false', 'source.scan.split-count' = '$2');
CREATE TABLE dst (user_id BIGINT, user_name STRING, price DECIMAL(38, 2),
  sale_timestamp TIMESTAMP(6)) WITH ('connector' = 'blackhole');
INSERT INTO dst SELECT * FROM src;
SQL
}
write_job a 1
write_job b "$SPLITS"

run_method() {
    local name=$1 t1 t2
    t1=$(now)
    case $name in
    c) "${PSQL[@]}" -c "\\copy (SELECT user_id, user_name, price, sale_timestamp FROM bench_s) TO '/dev/null' binary" ;;
    *) "$hf" run "$W/job-$name.sql" >"$W/hf.out" 2>"$W/hf.err" ||
        { cat "$W/hf.err" >&2; die "holoflow run (method $name) failed"; }
       grep -q "source 'src': $N records read" "$W/hf.err" ||
        { cat "$W/hf.err" >&2; die "method $name did not read $N records"; } ;;
    esac
    t2=$(now)
    echo "$(secs "$t1" "$t2")" >>"$W/t-$name"
}

for _ in $(seq "$REPEAT"); do
    for m in a b c; do
        run_method "$m"
    done
done

declare -A label=([a]="holoflow hologres -> blackhole, 1 reader"
    [b]="holoflow hologres -> blackhole, $SPLITS readers"
    [c]="psql \\copy (SELECT ...) TO /dev/null binary")
for m in a b c; do
    b=$(best "$W/t-$m")
    printf '    (%s) %-48s best %7.3f s  median %7.3f s  %9s rows/s\n' "$m" "${label[$m]}" \
        "$b" "$(median "$W/t-$m")" "$(rate "$N" "$b")"
done
ra=$(ratio "$(best "$W/t-c")" "$(best "$W/t-a")")
rb=$(ratio "$(best "$W/t-c")" "$(best "$W/t-b")")
say "    ratio (a)/(c): ${ra}x (target >= 0.9)"
say "    ratio (b)/(c): ${rb}x (target > 1)"
miss=0
awk -v r="$ra" 'BEGIN { exit !(r >= 0.9) }' || { say "    target missed: (a) < 0.9 x (c)"; miss=1; }
awk -v r="$rb" 'BEGIN { exit !(r > 1) }' || { say "    target missed: (b) <= 1 x (c)"; miss=1; }
if [ "$STRICT" = 1 ] && [ "$miss" = 1 ]; then
    exit 1
fi
exit 0
