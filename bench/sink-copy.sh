#!/usr/bin/env bash
# sink-copy.sh - the hologres sink's COPY write modes against the other
# ways of loading a file into PostgreSQL (issue 4 item 7), and the numbers
# behind what sink.write-mode AUTO picks on PostgreSQL.
#
# Self-contained: builds holoflow if needed (or uses $HOLOFLOW), installs
# pgloader with scripts/deps.sh when it is missing (BENCH_PGLOADER=0 skips
# that method), starts its own private PostgreSQL 15 (scripts/pg-private.sh)
# in a temporary directory, and stops it and removes the directory at exit.
# Everything runs on this machine, so the server and the clients share its
# cores.
#
# Load run. Input: N (1,000,000) rows of the 000_* schema (user_id bigint,
# user_name text, price numeric(38,2), sale_timestamp timestamp), distinct
# keys, made by awk with a Park-Miller generator (so every awk makes the
# same file), written once as CSV. Table: the same columns without a key.
# Methods:
#   (a) holoflow filesystem csv -> hologres, sink.write-mode COPY_STREAM
#       (default options: binary COPY over connection.pool.size = 5);
#   (b) holoflow, COPY_BULK_LOAD (one connection, one transaction);
#   (c) psql \copy ... csv from the CSV file;
#   (d) psql \copy ... binary from a binary COPY file made beforehand from
#       the loaded table (not timed): no parsing on either side, the
#       server's limit for one connection;
#   (e) pgloader (Debian package) on the same CSV file, default batches.
# Before every run the table is emptied (TRUNCATE, CHECKPOINT, not timed).
# Each method runs BENCH_REPEAT (5) times, interleaved with the others so
# load from elsewhere on the machine hits all of them alike (pgloader:
# BENCH_PGLOADER_REPEAT, 1, it is slow); the best wall time of the whole
# client command counts (holoflow: process start to exit, including reading
# and converting the CSV; psql: the whole \copy), the median is printed
# too. Targets: (a) >= 0.9 x (d) and (a) >= 3 x (e). Every method must
# leave the identical table (row count and md5 of the rows in key order).
#
# Upsert runs, for AUTO (table with PRIMARY KEY (user_id)): the same file
# into (u1) a table holding half of the keys (the even ones, with other
# values; reset identically before every run) and (u2) an empty table, by
# holoflow COPY_STREAM (straight COPY while no key conflicts, else the
# staging table and INSERT ... SELECT ... ON CONFLICT), COPY_BULK_LOAD_ON_
# CONFLICT (one connection, one transaction), INSERT (what a streaming job
# uses) and AUTO in a batch job (it prints what AUTO resolved to),
# BENCH_REPEAT times each; all must leave identical tables, and the ratios
# over INSERT are printed: they are the measurement AUTO's PostgreSQL rule
# rests on.
#
# All sessions use the cluster's defaults (synchronous_commit on, fsync on)
# and PGTZ=UTC. Environment: HOLOFLOW, BENCH_ROWS, BENCH_REPEAT,
# BENCH_PGLOADER (0 = skip), BENCH_PGLOADER_REPEAT, BENCH_UPSERT (0 =
# skip), BENCH_STRICT=1 (exit 1 when a target is missed; a correctness
# failure always exits 1), BENCH_KEEP=1 (keep the temp directory and the
# cluster).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
N=${BENCH_ROWS:-1000000}
REPEAT=${BENCH_REPEAT:-5}
PGL=${BENCH_PGLOADER:-1}
PGL_REPEAT=${BENCH_PGLOADER_REPEAT:-1}
UPSERT=${BENCH_UPSERT:-1}
STRICT=${BENCH_STRICT:-0}

say() { printf '%s\n' "$*"; }
die() {
    echo "sink-copy: $*" >&2
    exit 1
}

# ------------------------------------------------------------------ build
if [ -n "${HOLOFLOW:-}" ] && [ -x "$HOLOFLOW" ]; then
    hf=$HOLOFLOW
else
    bdir=$root/build-bench-copy
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
        say "    pgloader could not be installed: method (e) skipped"
        PGL=0
    }
fi

# ------------------------------------------------------------------ cluster
W=$(mktemp -d /tmp/hf-bench-copy.XXXXXX)
chmod 0755 "$W"
pgdir=$W/pg
cleanup() {
    if [ "${BENCH_KEEP:-0}" = 1 ]; then
        echo "sink-copy: kept $W (stop: scripts/pg-private.sh stop $pgdir)" >&2
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
# best / median of the times in a file, one per line
best() { sort -g "$1" | head -n 1; }
median() { sort -g "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

say "=== sink-copy: $N rows, $(nproc) cores, $(Q 'SHOW server_version'), synchronous_commit=$(Q 'SHOW synchronous_commit')"
say "    holoflow: $hf"

# ------------------------------------------------------------------ data
t0=$(now)
awk -v n="$N" '
function rnd() { seed = (seed * 16807) % 2147483647; return seed / 2147483647 }
BEGIN {
    seed = 4242
    for (i = 1; i <= n; i++)
        printf "%d,user_%d,%d.%02d,20%02d-%02d-%02d %02d:%02d:%02d.%03d\n", i, int(rnd() * 1000000),
            int(rnd() * 100000), int(rnd() * 100), int(rnd() * 25),
            int(rnd() * 12) + 1, int(rnd() * 28) + 1, int(rnd() * 24),
            int(rnd() * 60), int(rnd() * 60), int(rnd() * 1000)
}' >"$W/data.csv"

"${PSQL[@]}" <<SQL
SET client_min_messages = warning;
CREATE TABLE bench_c (user_id bigint, user_name text, price numeric(38,2),
  sale_timestamp timestamp);
CREATE TABLE bench_u (LIKE bench_c, PRIMARY KEY (user_id));
CREATE TABLE bench_tmpl (LIKE bench_c);
INSERT INTO bench_tmpl
  SELECT g, 'old' || g, (g % 100000) / 4.0,
         timestamp '2023-01-01 00:00:00' + g * interval '1 second'
  FROM generate_series(2, $N, 2) g;
SQL
say "    input: $N rows ($(du -h "$W/data.csv" | cut -f1) CSV); made in $(secs "$t0" "$(now)") s"

empty_table() {
    Q "TRUNCATE $1" >/dev/null
    Q "CHECKPOINT" >/dev/null
}
table_sum() {
    Q "SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, E'\n' ORDER BY user_id, user_name)), '-') FROM $1 t"
}

# holoflow job: TABLE KEY(0|1) "extra options" [batch]
write_job() {
    local pk=""
    [ "$2" = 1 ] && pk=", PRIMARY KEY (user_id) NOT ENFORCED"
    {
        [ "${4:-}" = batch ] && echo "SET 'execution.runtime-mode' = 'batch';"
        cat <<SQL
SET 'pipeline.name' = 'bench-copy';
CREATE TABLE src (user_id BIGINT, user_name STRING, price DECIMAL(38, 2),
  sale_timestamp TIMESTAMP(3))
WITH ('connector' = 'filesystem', 'path' = '$W/data.csv', 'format' = 'csv');
CREATE TABLE dst (user_id BIGINT, user_name STRING, price DECIMAL(38, 2),
  sale_timestamp TIMESTAMP(3)$pk)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT',
  'dbname' = '$PGDATABASE', 'tablename' = '$1', 'username' = '$PGUSER',
  'password' = '\${PGPASSWORD}'$3);
INSERT INTO dst SELECT * FROM src;
SQL
    } >"$W/job-$5.sql"
}

cat >"$W/pgloader.load" <<EOF
LOAD CSV
     FROM '$W/data.csv' (user_id, user_name, price, sale_timestamp)
     INTO postgresql://$PGUSER@127.0.0.1:$PGPORT/$PGDATABASE
     TARGET TABLE bench_c (user_id, user_name, price, sale_timestamp)
     WITH fields terminated by ',', fields optionally enclosed by '"'
     SET client_encoding to 'utf8';
EOF

# Run one method once; its wall time is appended to $W/t-NAME.
run_method() {
    local name=$1 t1 t2
    t1=$(now)
    case $name in
    c) "${PSQL[@]}" -c "\\copy bench_c FROM '$W/data.csv' csv" ;;
    d) "${PSQL[@]}" -c "\\copy bench_c FROM '$W/data.bin' binary" ;;
    e) pgloader --quiet --root-dir "$W/pgloader" "$W/pgloader.load" >"$W/pgl.out" 2>&1 ||
        { cat "$W/pgl.out" >&2; die "pgloader failed"; } ;;
    *) "$hf" run "$W/job-$name.sql" >"$W/hf.out" 2>"$W/hf.err" ||
        { cat "$W/hf.err" >&2; die "holoflow run (method $name) failed"; } ;;
    esac
    t2=$(now)
    echo "$(secs "$t1" "$t2")" >>"$W/t-$name"
}

declare -A label sums sums_from
fail_sum=0
check_sum() { # METHOD TABLE
    local s
    s=$(table_sum "$2")
    if [ -z "${sums[$2]:-}" ]; then
        sums[$2]=$s
        sums_from[$2]=$1
    elif [ "$s" != "${sums[$2]}" ]; then
        say "    MISMATCH: method $1 left $2 = $s, method ${sums_from[$2]} left ${sums[$2]}"
        fail_sum=1
    fi
}

report() { # METHOD
    local b m
    b=$(best "$W/t-$1")
    m=$(median "$W/t-$1")
    printf '    %-8s %-52s best %7.3f s %9s rows/s   median %7.3f s\n' "$1" "${label[$1]}" "$b" "$(rate "$N" "$b")" "$m"
}

# ------------------------------------------------------------------ load run
label[a]="holoflow COPY_STREAM (binary, 5 connections)"
label[b]="holoflow COPY_BULK_LOAD (one transaction)"
label[c]="psql \\copy csv"
label[d]="psql \\copy binary (pre-made file: the server's limit)"
label[e]="pgloader csv"
write_job bench_c 0 ", 'sink.write-mode' = 'COPY_STREAM'" "" a
write_job bench_c 0 ", 'sink.write-mode' = 'COPY_BULK_LOAD'" "" b

# The binary file for (d), from the table (c) makes.
empty_table bench_c
"${PSQL[@]}" -c "\\copy bench_c FROM '$W/data.csv' csv"
"${PSQL[@]}" -c "\\copy bench_c TO '$W/data.bin' binary"
say "    binary COPY file: $(du -h "$W/data.bin" | cut -f1)"

say "=== load: $N rows into a table without a key, best of $REPEAT (interleaved)"
methods=(a b c d)
for r in $(seq 1 "$REPEAT"); do
    for m in "${methods[@]}"; do
        empty_table bench_c
        run_method "$m"
        [ "$r" = 1 ] && check_sum "$m" bench_c
    done
done
if [ "$PGL" = 1 ]; then
    for r in $(seq 1 "$PGL_REPEAT"); do
        empty_table bench_c
        run_method e
        [ "$r" = 1 ] && check_sum e bench_c
    done
    methods+=(e)
fi
for m in "${methods[@]}"; do report "$m"; done

ta=$(best "$W/t-a")
td=$(best "$W/t-d")
ra_d=$(ratio "$td" "$ta")
say "    ratios (rows/s): (a)/(d) = $ra_d  (target >= 0.9)   (b)/(d) = $(ratio "$td" "$(best "$W/t-b")")   (a)/(c) = $(ratio "$(best "$W/t-c")" "$ta")"
missed=0
awk -v r="$ra_d" 'BEGIN { exit !(r >= 0.9) }' || missed=1
if [ "$PGL" = 1 ]; then
    ra_e=$(ratio "$(best "$W/t-e")" "$ta")
    say "                     (a)/(e) = $ra_e  (target >= 3)"
    awk -v r="$ra_e" 'BEGIN { exit !(r >= 3) }' || missed=1
fi
[ "$fail_sum" = 0 ] && say "    identical tables: every method left $(cut -d' ' -f1 <<<"${sums[bench_c]}") rows, md5 $(cut -d' ' -f2 <<<"${sums[bench_c]}")"

# ------------------------------------------------------------------ upserts
if [ "$UPSERT" = 1 ]; then
    label[u-stream]="holoflow COPY_STREAM (5 connections)"
    label[u-bulk]="holoflow COPY_BULK_LOAD_ON_CONFLICT (one transaction)"
    label[u-insert]="holoflow INSERT (5 connections)"
    label[u-auto]="holoflow AUTO in a batch job"
    write_job bench_u 1 ", 'sink.write-mode' = 'COPY_STREAM'" "" u-stream
    write_job bench_u 1 ", 'sink.write-mode' = 'COPY_BULK_LOAD_ON_CONFLICT'" batch u-bulk
    write_job bench_u 1 ", 'sink.write-mode' = 'INSERT'" "" u-insert
    write_job bench_u 1 "" batch u-auto
    umethods=(u-stream u-bulk u-insert u-auto)
    for case in half empty; do
        if [ $case = half ]; then
            say "=== upsert: $N rows into a table with a key holding half of them (even keys), best of $REPEAT"
        else
            say "=== upsert: $N rows into an empty table with a key, best of $REPEAT"
        fi
        for m in "${umethods[@]}"; do rm -f "$W/t-$m"; done
        sums[bench_u]=""
        for r in $(seq 1 "$REPEAT"); do
            for m in "${umethods[@]}"; do
                Q "TRUNCATE bench_u" >/dev/null
                [ $case = half ] && Q "INSERT INTO bench_u SELECT * FROM bench_tmpl" >/dev/null
                Q "VACUUM ANALYZE bench_u" >/dev/null
                Q "CHECKPOINT" >/dev/null
                run_method "$m"
                [ "$r" = 1 ] && check_sum "$m" bench_u
                [ "$m" = u-auto ] && auto=$(sed -n 's/.*write mode AUTO resolved to \([A-Z_]*\).*/\1/p' "$W/hf.err")
            done
        done
        label[u-auto]="holoflow AUTO in a batch job (-> $auto)"
        for m in "${umethods[@]}"; do report "$m"; done
        ti=$(best "$W/t-u-insert")
        say "    ratios over INSERT: COPY_STREAM $(ratio "$ti" "$(best "$W/t-u-stream")"), COPY_BULK_LOAD_ON_CONFLICT $(ratio "$ti" "$(best "$W/t-u-bulk")"), AUTO ($auto) $(ratio "$ti" "$(best "$W/t-u-auto")")"
    done
    say "    AUTO on PostgreSQL, bounded job: COPY_BULK_LOAD without a key; with one, COPY_BULK_LOAD_ON_CONFLICT"
    say "    into an empty table, COPY_STREAM into one that has rows; a streaming job writes INSERT."
fi

[ "$fail_sum" = 0 ] || die "the methods left different tables"
if [ "$missed" = 1 ]; then
    say "    a target was missed"
    [ "$STRICT" = 1 ] && exit 1
fi
say "=== done"
