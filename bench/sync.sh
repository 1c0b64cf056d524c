#!/usr/bin/env bash
# sync.sh - holoflow sync against the other ways of loading a Hive-style
# partitioned CSV tree into a LIST-partitioned PostgreSQL table (issue 11
# item 10).
#
# Self-contained: builds holoflow if needed (or uses $HOLOFLOW), starts its
# own private PostgreSQL 15 (scripts/pg-private.sh) in a temporary
# directory and stops it at exit. pgloader is used when installed, or
# installed with scripts/deps.sh pgloader (BENCH_PGLOADER=0 skips it; a
# failed install prints a message and skips it).
#
# Input: BENCH_ROWS (2,000,000) rows of 003_*'s odps_table (shop_name,
# customer_id, total_price) spread over BENCH_PARTS (20) directories
# sale_date=D/sale_time=10/part-0.csv. Target: holo_test (shop_name text,
# customer_id text, total_price int8, sale_date text, sale_time text)
# PARTITION BY LIST (sale_date), recreated with every child before each
# run (not timed). Methods:
#   (a) holoflow sync, a DataX job with 4 channels (4 threads reading the
#       files, and 4 load connections: sink.bulk-load.connections), path
#       .../*/*/*.csv and the partition columns from the directories; all
#       or nothing: each connection loads its partitions' staging tables,
#       one final transaction swaps them in. Its run starts as psql's do,
#       with every child created and empty (the reset below), so the sync
#       swaps each empty child for its stage (a sync into a parent without
#       children attaches the stages instead: the same work); (e) the same
#       with 1 channel (one connection, one transaction, rows COPYed
#       straight into the children);
#   (b) psql \copy binary into each child, serially (binary files made
#       beforehand from a loaded table, not timed: the server's limit);
#   (c) the same, 2 children at a time;
#   (d) pgloader (on by default), what a user would run: one command file
#       with a LOAD CSV per partition into its child, the partition values
#       as constant target columns (`sale_date text using "D"`; without
#       them every row breaks the child's partition constraint and
#       pgloader rejects it, still exiting 0), pgloader's default workers
#       and batch sizes (larger batches or more workers measured no
#       faster); (f) the same commands split over 2 pgloader processes
#       run at once (as (c) does for psql).
# Each method runs BENCH_REPEAT (3) times (pgloader once); the best wall
# time counts. Every method must leave the same table (count and md5 of
# the rows in order; pgloader's rejected rows are shown when it differs).
# Prints rows/s, the ratios (a)/(b), (a)/(c), (a)/(d), (a)/(f) and
# (a)/best pgloader, and holoflow's peak RSS; then (a) again throttled by
# a record limit and by a byte limit, each a quarter of the rate (a)
# reached (headroom on a shared machine), with the measured rate (the
# report's, over the transfer time) against the limit. Targets (issue 11): (a) >= 0.9 x best psql, >= 5 x best
# pgloader, throttled rates within 5% of the limit; BENCH_STRICT=1 exits
# 1 when one is missed.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
N=${BENCH_ROWS:-2000000}
PARTS=${BENCH_PARTS:-20}
REPEAT=${BENCH_REPEAT:-3}
PGL=${BENCH_PGLOADER:-1}
STRICT=${BENCH_STRICT:-0}

say() { printf '%s\n' "$*"; }
die() {
    echo "sync-bench: $*" >&2
    exit 1
}

if [ -n "${HOLOFLOW:-}" ] && [ -x "$HOLOFLOW" ]; then
    hf=$HOLOFLOW
else
    bdir=$root/build-bench-sync
    say "=== building holoflow in $bdir (RelWithDebInfo)"
    cmake -S "$root" -B "$bdir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DHF_TESTS=OFF >/dev/null
    cmake --build "$bdir" -j2 --target holoflow >/dev/null
    hf=$bdir/holoflow
fi
command -v psql >/dev/null || die "psql not found (scripts/deps.sh)"
if [ "$PGL" = 1 ] && ! command -v pgloader >/dev/null; then
    "$root/scripts/deps.sh" pgloader >&2 || true
    command -v pgloader >/dev/null || {
        say "    pgloader could not be installed: method (d) skipped"
        PGL=0
    }
fi

W=$(mktemp -d /tmp/hf-bench-sync.XXXXXX)
chmod 0755 "$W"
pgdir=$W/pg
cleanup() {
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
best() { sort -g "$1" | head -n 1; }

say "=== sync bench: $N rows in $PARTS partitions, $(nproc) cores, $(Q 'SHOW server_version')"

# ------------------------------------------------------------------ data
dates=()
for i in $(seq 1 "$PARTS"); do dates+=("$((20261100 + i))"); done
per=$(( (N + PARTS - 1) / PARTS ))
i=0
for d in "${dates[@]}"; do
    mkdir -p "$W/tree/sale_date=$d/sale_time=10"
    awk -v n="$per" -v base="$((i * per))" -v total="$N" 'BEGIN {
        for (k = 1; k <= n && base + k <= total; k++)
            printf "shop%d,cust%d,%d\n", (base + k) % 997, base + k, (base + k) % 100000
    }' >"$W/tree/sale_date=$d/sale_time=10/part-0.csv"
    i=$((i + 1))
done

reset_table() {
    {
        echo "DROP TABLE IF EXISTS holo_test;"
        echo "CREATE TABLE holo_test (shop_name text, customer_id text, total_price int8, sale_date text, sale_time text) PARTITION BY LIST (sale_date);"
        for d in "${dates[@]}"; do
            echo "CREATE TABLE holo_test_$d PARTITION OF holo_test FOR VALUES IN ('$d');"
        done
        echo "CHECKPOINT;"
    } | "${PSQL[@]}"
}
digest() { Q "SELECT count(*) || ' ' || md5(string_agg(t::text, ',' ORDER BY customer_id)) FROM holo_test t"; }

mkjob() { # SPEED_JSON CORE_JSON
    cat <<JSON
{"job": {"setting": {"speed": $1, "errorLimit": {"record": 0}},
  "content": [{
    "reader": {"name": "txtfilereader", "parameter": {"path": ["$W/tree/*/*/*.csv"], "fieldDelimiter": ",",
      "column": [{"index": 0, "type": "string"}, {"index": 1, "type": "string"}, {"index": 2, "type": "long"},
                 {"type": "partition", "name": "sale_date"}, {"type": "partition", "name": "sale_time"}]}},
    "writer": {"name": "postgresqlwriter", "parameter": {"username": "$PGUSER", "password": "",
      "column": ["shop_name", "customer_id", "total_price", "sale_date", "sale_time"],
      "connection": [{"jdbcUrl": "jdbc:postgresql://127.0.0.1:$PGPORT/$PGDATABASE", "table": ["holo_test"]}]}}}]},
 "core": {"transport": {"channel": {"speed": $2}}}}
JSON
}
mkjob '{"channel": 4}' '{}' >"$W/job.json"
mkjob '{"channel": 1}' '{}' >"$W/job1.json"

# binary files per child, for (b) and (c): load once, dump each child
reset_table
"$hf" sync "$W/job.json" >/dev/null 2>"$W/first.err" || { cat "$W/first.err" >&2; die "holoflow sync failed"; }
want=$(digest)
for d in "${dates[@]}"; do
    "${PSQL[@]}" -c "\\copy holo_test_$d TO '$W/$d.bin' binary"
done

# pgloader: one command file, one LOAD CSV per partition into its child,
# the partition values as constant target columns (`sale_date text using
# "D"`: they are not in the files, and a row without them violates the
# child's partition constraint, which pgloader reports and skips); for
# (f) the same commands split over two files, one pgloader process each
i=0
for d in "${dates[@]}"; do
    cat <<EOF >>"$W/pgl-$((i % 2)).load"
LOAD CSV
     FROM '$W/tree/sale_date=$d/sale_time=10/part-0.csv' (shop_name, customer_id, total_price)
     INTO postgresql://$PGUSER@127.0.0.1:$PGPORT/$PGDATABASE
     TARGET TABLE holo_test_$d
     TARGET COLUMNS (shop_name, customer_id, total_price, sale_date text using "$d", sale_time text using "10")
     WITH fields terminated by ','
     SET client_encoding to 'utf8';
EOF
    i=$((i + 1))
done
cat "$W/pgl-0.load" "$W/pgl-1.load" >"$W/pgl.load"

run_method() {
    local m=$1 t1 t2
    reset_table
    t1=$(now)
    case $m in
    a) /usr/bin/time -f '%M' -o "$W/rss" "$hf" sync "$W/job.json" >/dev/null 2>"$W/hf.err" ||
        { cat "$W/hf.err" >&2; die "holoflow sync failed"; } ;;
    e) "$hf" sync "$W/job1.json" >/dev/null 2>"$W/hf.err" ||
        { cat "$W/hf.err" >&2; die "holoflow sync (1 channel) failed"; } ;;
    b) for d in "${dates[@]}"; do "${PSQL[@]}" -c "\\copy holo_test_$d FROM '$W/$d.bin' binary"; done ;;
    c) printf '%s\n' "${dates[@]}" | xargs -P 2 -I{} "${PSQL[@]}" -c "\\copy holo_test_{} FROM '$W/{}.bin' binary" ;;
    d) timeout 900 pgloader --on-error-stop --root-dir "$W/pgloader" "$W/pgl.load" >"$W/pgl.out" 2>&1 ||
           { cat "$W/pgl.out" >&2; echo "pgloader failed" >&2; return 1; } ;;
    f) timeout 900 pgloader --on-error-stop --root-dir "$W/pgloader-0" "$W/pgl-0.load" >"$W/pgl-0.out" 2>&1 &
       timeout 900 pgloader --on-error-stop --root-dir "$W/pgloader-1" "$W/pgl-1.load" >"$W/pgl-1.out" 2>&1 ||
           { cat "$W/pgl-1.out" >&2; echo "pgloader failed" >&2; wait; return 1; }
       wait $! || { cat "$W/pgl-0.out" >&2; echo "pgloader failed" >&2; return 1; }
       cat "$W/pgl-0.out" "$W/pgl-1.out" >"$W/pgl.out" ;;
    esac
    t2=$(now)
    echo "$(secs "$t1" "$t2")" >>"$W/t-$m"
    if [ "$(digest)" != "$want" ]; then
        # pgloader exits 0 after rejecting rows: show why
        case $m in d | f) grep -m 3 -A 2 ERROR "$W/pgl.out" >&2 || true ;; esac
        die "method $m left a different table"
    fi
}

for _ in $(seq 1 "$REPEAT"); do
    for m in a e b c; do run_method $m; done
done
if [ "$PGL" = 1 ]; then
    for m in d f; do
        run_method $m || { say "    pgloader failed: method ($m) skipped"; rm -f "$W/t-$m"; }
    done
fi

declare -A label=([a]="holoflow sync, 4 channels" [e]="holoflow sync, 1 channel" [b]="psql \\copy binary per child, serial"
    [c]="psql \\copy binary per child, 2 at a time" [d]="pgloader, LOAD CSV per partition, serial"
    [f]="pgloader, 2 processes at a time")
say ""
printf '%-44s %9s %12s\n' method "best s" "rows/s"
for m in a e b c d f; do
    [ -f "$W/t-$m" ] || continue
    t=$(best "$W/t-$m")
    printf '%-44s %9s %12s\n' "${label[$m]}" "$t" "$(rate "$N" "$t")"
done
ta=$(best "$W/t-a")
tb=$(best "$W/t-b")
tc=$(best "$W/t-c")
tpsql=$(awk -v b="$tb" -v c="$tc" 'BEGIN { print (b < c ? b : c) }')
say ""
say "4 channels / 1 channel:       $(ratio "$(best "$W/t-e")" "$ta")x (files read by 4 threads vs 1)"
say "holoflow / psql serial:      $(ratio "$tb" "$ta")x"
say "holoflow / psql 2 at a time: $(ratio "$tc" "$ta")x"
say "holoflow / best psql:        $(ratio "$tpsql" "$ta")x (target >= 0.9)"
miss=0
if awk -v r="$(ratio "$tpsql" "$ta")" 'BEGIN { exit !(r < 0.9) }'; then miss=1; fi
if [ -f "$W/t-d" ] || [ -f "$W/t-f" ]; then
    tpgl=$(cat "$W"/t-[df] | sort -g | head -n 1)
    if [ -f "$W/t-d" ]; then say "holoflow / pgloader serial:   $(ratio "$(best "$W/t-d")" "$ta")x"; fi
    if [ -f "$W/t-f" ]; then say "holoflow / pgloader 2 at a time: $(ratio "$(best "$W/t-f")" "$ta")x"; fi
    r=$(ratio "$tpgl" "$ta")
    say "holoflow / best pgloader:    ${r}x (target >= 5)"
    if awk -v r="$r" 'BEGIN { exit !(r < 5) }'; then miss=1; fi
else
    say "holoflow / pgloader:         skipped (pgloader not available)"
fi
say "holoflow peak RSS:           $(cat "$W/rss") KiB"

# ------------------------------------------------------------------ throttled
# The same job under DataX's job.setting.speed.record, then .byte (the
# job-wide token bucket, holoflow.throttle.*), each at a quarter of the
# rate (a) reached (at half, a machine shared with other work could not
# always keep up, and a limit the load cannot reach measures the load):
# the measured rate from the report (records_passed or bytes_read over
# transfer_seconds, the engine's start to the commit) against the limit,
# which the issue wants within 5% both ways, and the table checked again.
jnum() { sed -n "s/.*\"$2\": *\([0-9.]*\).*/\1/p" "$1"; }
throttled() { # KIND(record|byte) FIELD LIMIT
    local n s r rd
    # 4 channels: the per-channel limit is a quarter of the total
    mkjob "{\"$1\": $3}" "{\"$1\": $(($3 / 4 > 0 ? $3 / 4 : 1))}" >"$W/job-$1.json"
    reset_table
    "$hf" sync "$W/job-$1.json" --report-json "$W/rep-$1.json" >/dev/null 2>"$W/hf.err" ||
        { cat "$W/hf.err" >&2; die "throttled holoflow sync failed"; }
    [ "$(digest)" = "$want" ] || die "the $1-throttled sync left a different table"
    n=$(jnum "$W/rep-$1.json" "$2")
    s=$(jnum "$W/rep-$1.json" transfer_seconds)
    r=$(rate "$n" "$s")
    rd=$(jnum "$W/rep-$1.json" read_seconds)
    say "throttled, $1 limit $3/s: $r/s measured over ${s}s to the commit (ratio $(ratio "$r" "$3"), must be within 0.95..1.05); the readers alone: $(ratio "$(rate "$n" "$rd")" "$3") over ${rd}s"
    if awk -v x="$(ratio "$r" "$3")" 'BEGIN { exit (x >= 0.95 && x <= 1.05) }'; then miss=1; fi
}
bytes=$(cat "$W"/tree/*/*/*.csv | wc -c)
say ""
throttled record records_passed "$(awk -v n="$N" -v t="$ta" 'BEGIN { printf "%d", n / t / 4 }')"
throttled byte bytes_read "$(awk -v n="$bytes" -v t="$ta" 'BEGIN { printf "%d", n / t / 4 }')"
if [ "$STRICT" = 1 ] && [ "$miss" = 1 ]; then
    exit 1
fi
