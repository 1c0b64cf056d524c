#!/usr/bin/env bash
# sink-upsert.sh - the hologres sink (write mode INSERT) against the usual
# ways of upserting into PostgreSQL, on identical input (issue 3 item 11).
#
# Self-contained: builds holoflow if needed (or uses $HOLOFLOW), starts its
# own private PostgreSQL 15 (scripts/pg-private.sh) in a temporary
# directory, and stops it and removes the directory at exit. Everything
# runs on this machine, so PostgreSQL and the client share its cores.
#
# Upsert run. Table: the seed's (user_id bigint primary key, user_name
# text, price numeric(38,2), sale_timestamp timestamptz). Input: N
# (1,000,000) rows with distinct keys 1..N in a deterministic random order
# (Fisher-Yates with a Park-Miller generator in awk, so every awk makes the
# same file), written once as CSV. Before each method the table is reset
# identically from a template holding the N/2 even keys with other values
# (TRUNCATE, INSERT ... SELECT, VACUUM ANALYZE, CHECKPOINT), so half of
# the upserts update and half insert. Methods:
#   holoflow  filesystem csv -> hologres, default options (wall time of
#             `holoflow run`, and the rate its summary prints);
#   (a)       psql: \copy into a temp table, then one INSERT ... SELECT ...
#             ON CONFLICT DO UPDATE;
#   (b)       psql: 512-row multi-VALUES INSERT ... ON CONFLICT DO UPDATE
#             statements, autocommit, one session (the SQL file is made
#             beforehand; only psql running it is timed);
#   (c)       psql: single-row autocommit upserts, one session, on the first
#             SAMPLE (20,000) rows, extrapolated to rows/s.
# It prints rows/s of each, the ratios holoflow/(a), /(b), /(c) against the
# targets (>= 1.0x, >= 2x, >= 30x), and checks that holoflow, (a) and (b)
# leave identical tables (row count and md5 of the rows in key order).
#
# Changelog run: a debezium-json file of CL_EVENTS (1,000,000) events over
# CL_KEYS (200,000) keys (creates, updates with before/after, deletes,
# re-creates) through holoflow into the empty table; the final table must
# equal the last state per key computed independently in SQL from the
# same events (window function over the event sequence; a key whose last
# event is a delete is absent).
#
# Variants (BENCH_VARIANTS=0 skips them): holoflow with connection.pool.size
# 1, 2, 4 and sink.insert.batch-size 2048, 4096, 8192 on the upsert input,
# for choosing defaults and statement shapes by measurement; each must
# leave the same table as (a).
#
# Timing: each method runs BENCH_REPEAT (3) times, each on a freshly reset
# table, and the median wall time of the whole client command counts
# (holoflow: process start to exit, including reading the CSV; psql: the
# whole script, including \copy); the variants run BENCH_VARIANT_REPEAT (1)
# times. The machine is shared with the server, and other load on it shows
# up as spread between the runs, which is printed.
#
# All sessions use the cluster's defaults (synchronous_commit on, fsync on)
# and PGTZ=UTC. Environment: HOLOFLOW (binary to use), BENCH_ROWS,
# BENCH_SAMPLE, BENCH_CL_EVENTS, BENCH_CL_KEYS, BENCH_VARIANTS,
# BENCH_REPEAT, BENCH_VARIANT_REPEAT, BENCH_STRICT=1 (exit 1 when a target
# is missed; correctness failures always exit 1), BENCH_KEEP=1 (keep the
# temp directory and the cluster).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
N=${BENCH_ROWS:-1000000}
SAMPLE=${BENCH_SAMPLE:-20000}
CL_EVENTS=${BENCH_CL_EVENTS:-1000000}
CL_KEYS=${BENCH_CL_KEYS:-200000}
VARIANTS=${BENCH_VARIANTS:-1}
REPEAT=${BENCH_REPEAT:-3}
VREPEAT=${BENCH_VARIANT_REPEAT:-1}
STRICT=${BENCH_STRICT:-0}
[ "$SAMPLE" -le "$N" ] || SAMPLE=$N

say() { printf '%s\n' "$*"; }
die() {
    echo "sink-upsert: $*" >&2
    exit 1
}

# ------------------------------------------------------------------ build
if [ -n "${HOLOFLOW:-}" ]; then
    [ -x "$HOLOFLOW" ] || die "HOLOFLOW=$HOLOFLOW is not an executable"
    hf=$HOLOFLOW
else
    # An optimised build (-O2) with symbols, so perf can attribute time, in
    # its own directory so it never reconfigures the developer's build/.
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

# ------------------------------------------------------------------ cluster
W=$(mktemp -d /tmp/hf-bench.XXXXXX)
chmod 0755 "$W"
pgdir=$W/pg
cleanup() {
    if [ "${BENCH_KEEP:-0}" = 1 ]; then
        echo "sink-upsert: kept $W (stop: scripts/pg-private.sh stop $pgdir)" >&2
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

say "=== sink-upsert: $N upserts, $(nproc) cores, $(Q 'SHOW server_version'), synchronous_commit=$(Q 'SHOW synchronous_commit')"
say "    holoflow: $hf"

# ------------------------------------------------------------------ data
t0=$(now)
awk -v n="$N" '
function rnd() { seed = (seed * 16807) % 2147483647; return seed / 2147483647 }
BEGIN {
    seed = 20240101
    for (i = 1; i <= n; i++) k[i] = i
    for (i = n; i > 1; i--) { j = int(rnd() * i) + 1; t = k[i]; k[i] = k[j]; k[j] = t }
    for (i = 1; i <= n; i++) {
        printf "%d,u%d_%d,%d.%02d,2024-%02d-%02d %02d:%02d:%02d.%03d\n", k[i], k[i],
            int(rnd() * 1000), int(rnd() * 100000), int(rnd() * 100),
            int(rnd() * 12) + 1, int(rnd() * 28) + 1, int(rnd() * 24),
            int(rnd() * 60), int(rnd() * 60), int(rnd() * 1000)
    }
}' >"$W/upserts.csv"

set_clause="user_name = excluded.user_name, price = excluded.price, sale_timestamp = excluded.sale_timestamp"
# (b): 512 rows per statement. Names are [a-z0-9_] only, so no quoting.
awk -F, -v per=512 -v set="$set_clause" '
function flush() {
    if (nb) printf "INSERT INTO bench_t VALUES %s ON CONFLICT (user_id) DO UPDATE SET %s;\n", buf, set
    buf = ""; nb = 0
}
{
    v = sprintf("(%s,'\''%s'\'',%s,'\''%s'\'')", $1, $2, $3, $4)
    buf = nb ? buf "," v : v
    if (++nb == per) flush()
}
END { flush() }' "$W/upserts.csv" >"$W/multi.sql"
# (c): single-row statements for the first SAMPLE rows.
head -n "$SAMPLE" "$W/upserts.csv" | awk -F, -v set="$set_clause" '{
    printf "INSERT INTO bench_t VALUES (%s,'\''%s'\'',%s,'\''%s'\'') ON CONFLICT (user_id) DO UPDATE SET %s;\n", $1, $2, $3, $4, set
}' >"$W/single.sql"

"${PSQL[@]}" <<SQL
SET client_min_messages = warning;
CREATE TABLE bench_t (user_id bigint PRIMARY KEY, user_name text,
  price numeric(38,2), sale_timestamp timestamptz);
CREATE TABLE bench_tmpl (LIKE bench_t);
INSERT INTO bench_tmpl
  SELECT g, 'old' || g, (g % 100000) / 4.0,
         timestamptz '2023-01-01 00:00:00+00' + g * interval '1 second'
  FROM generate_series(2, $N, 2) g;
SQL
say "    input: $N rows ($(du -h "$W/upserts.csv" | cut -f1) CSV), template $(Q 'SELECT count(*) FROM bench_tmpl') rows; made in $(secs "$t0" "$(now)") s"

reset_table() {
    Q "TRUNCATE bench_t" >/dev/null
    Q "INSERT INTO bench_t SELECT * FROM bench_tmpl" >/dev/null
    Q "VACUUM ANALYZE bench_t" >/dev/null
    Q "CHECKPOINT" >/dev/null
}
table_sum() {
    Q "SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, E'\n' ORDER BY user_id)), '-') FROM bench_t t"
}

# holoflow job over the CSV; extra options as "'k' = 'v', ..." in $1.
write_job() {
    local extra=${1:-}
    cat >"$W/job.sql" <<SQL
SET 'pipeline.name' = 'bench-upsert';
CREATE TABLE src (user_id BIGINT, user_name STRING, price DECIMAL(38, 2),
  sale_timestamp TIMESTAMP(3))
WITH ('connector' = 'filesystem', 'path' = '$W/upserts.csv', 'format' = 'csv');
CREATE TABLE dst (user_id BIGINT, user_name STRING, price DECIMAL(38, 2),
  sale_timestamp TIMESTAMP(3), PRIMARY KEY (user_id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT',
  'dbname' = '$PGDATABASE', 'tablename' = 'bench_t', 'username' = '$PGUSER',
  'password' = '\${PGPASSWORD}'$extra);
INSERT INTO dst SELECT * FROM src;
SQL
}

# run_job FILE: runs holoflow on a job file; its summary goes to $W/hf.err.
run_job() {
    if ! "$hf" run "$1" >"$W/hf.out" 2>"$W/hf.err"; then
        cat "$W/hf.err" >&2
        die "holoflow run $1 failed"
    fi
    hf_summary=$(sed -n 's/^  total: .*(\([0-9]*\) rows\/s)$/\1/p' "$W/hf.err")
}
run_psql() { "${PSQL[@]}" -f "$1" >/dev/null; }

# median TIMES...: the median (the lower middle one for an even count).
median() {
    printf '%s\n' "$@" | sort -n |
        awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }'
}

# timed CMD...: runs CMD on a freshly reset table; sets t_secs.
timed() {
    local t1
    reset_table
    t1=$(now)
    "$@"
    t_secs=$(secs "$t1" "$(now)")
}

row() { printf '  %-52s %8s s %9s rows/s  %s\n' "$1" "$2" "$3" "${4:-}"; }

# ------------------------------------------------------------------ upserts
say ""
say "--- upsert run: $N rows, distinct keys in random order, $((N / 2)) keys present before each method"
say "    (median of $REPEAT rounds; a round runs every method once, each on a freshly"
say "    reset table, so load from elsewhere hits all methods alike; wall time of the"
say "    whole client command; load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
fails=0
missed=0

write_job ""
cp "$W/job.sql" "$W/job-default.sql"
cat >"$W/staging.sql" <<SQL
CREATE TEMP TABLE stage (LIKE bench_t);
\\copy stage FROM '$W/upserts.csv' (FORMAT csv)
INSERT INTO bench_t SELECT * FROM stage ON CONFLICT (user_id) DO UPDATE SET $set_clause;
SQL
t_hf=() t_a=() t_b=() t_c=() s_hf=()
for ((round = 1; round <= REPEAT; round++)); do
    timed run_job "$W/job-default.sql"
    t_hf+=("$t_secs")
    s_hf+=("$hf_summary")
    [ "$round" -lt "$REPEAT" ] || sum_hf=$(table_sum)
    timed run_psql "$W/staging.sql"
    t_a+=("$t_secs")
    [ "$round" -lt "$REPEAT" ] || sum_a=$(table_sum)
    timed run_psql "$W/multi.sql"
    t_b+=("$t_secs")
    [ "$round" -lt "$REPEAT" ] || sum_b=$(table_sum)
    timed run_psql "$W/single.sql"
    t_c+=("$t_secs")
done
m=$(median "${t_hf[@]}")
r_hf=$(rate "$N" "$m")
row "holoflow INSERT mode, default options" "$m" "$r_hf" "runs: ${t_hf[*]} s; summaries: ${s_hf[*]} rows/s"
m=$(median "${t_a[@]}")
r_a=$(rate "$N" "$m")
row "(a) psql \\copy to temp table + INSERT..SELECT upsert" "$m" "$r_a" "runs: ${t_a[*]} s"
m=$(median "${t_b[@]}")
r_b=$(rate "$N" "$m")
row "(b) psql 512-row multi-VALUES upserts, autocommit" "$m" "$r_b" "runs: ${t_b[*]} s"
m=$(median "${t_c[@]}")
r_c=$(rate "$SAMPLE" "$m")
row "(c) psql single-row autocommit upserts, $SAMPLE rows" "$m" "$r_c" "runs: ${t_c[*]} s (rate extrapolated)"

say ""
target() { # NAME RATIO TARGET
    local verdict
    if awk -v r="$2" -v t="$3" 'BEGIN { exit !(r >= t) }'; then
        verdict="ok"
    else
        verdict="BELOW TARGET"
        missed=$((missed + 1))
    fi
    printf '  %-16s %8sx   target >= %sx   %s\n' "$1" "$2" "$3" "$verdict"
}
target "holoflow / (a)" "$(ratio "$r_hf" "$r_a")" 1.0
target "holoflow / (b)" "$(ratio "$r_hf" "$r_b")" 2
target "holoflow / (c)" "$(ratio "$r_hf" "$r_c")" 30

say ""
if [ "$sum_hf" = "$sum_a" ] && [ "$sum_a" = "$sum_b" ] &&
    [ "${sum_hf%% *}" = "$N" ]; then
    say "  identical tables: holoflow = (a) = (b): ${sum_hf%% *} rows, md5 ${sum_hf#* }"
else
    say "  TABLES DIFFER: holoflow: $sum_hf"
    say "                 (a):      $sum_a"
    say "                 (b):      $sum_b"
    fails=$((fails + 1))
fi

# ------------------------------------------------------------------ changelog
say ""
say "--- changelog run: $CL_EVENTS debezium-json events over $CL_KEYS keys into the empty table"
awk -v n="$CL_EVENTS" -v nk="$CL_KEYS" -v tsv="$W/events.tsv" '
function rnd() { seed = (seed * 16807) % 2147483647; return seed / 2147483647 }
BEGIN {
    seed = 777; nc = 0; nu = 0; nd = 0
    for (i = 1; i <= n; i++) {
        k = int(rnd() * nk) + 1
        name = "c" k "_" i
        price = sprintf("%d.%02d", int(rnd() * 100000), int(rnd() * 100))
        ts = sprintf("2024-%02d-%02d %02d:%02d:%02d.%03d", int(rnd() * 12) + 1,
            int(rnd() * 28) + 1, int(rnd() * 24), int(rnd() * 60),
            int(rnd() * 60), int(rnd() * 1000))
        after = sprintf("{\"user_id\":%d,\"user_name\":\"%s\",\"price\":%s,\"sale_timestamp\":\"%s\"}", k, name, price, ts)
        if (!(k in cur)) {
            printf "{\"before\":null,\"after\":%s,\"op\":\"c\"}\n", after
            op = "c"; nc++
        } else if (rnd() < 0.75) {
            printf "{\"before\":%s,\"after\":%s,\"op\":\"u\"}\n", cur[k], after
            op = "u"; nu++
        } else {
            printf "{\"before\":%s,\"after\":null,\"op\":\"d\"}\n", cur[k]
            op = "d"; nd++
        }
        printf "%d\t%s\t%d\t%s\t%s\t%s\n", i, op, k, name, price, ts > tsv
        if (op == "d") delete cur[k]; else cur[k] = after
    }
    printf "%d creates, %d updates, %d deletes\n", nc, nu, nd > "/dev/stderr"
}' >"$W/events.json" 2>"$W/events.stats"
"${PSQL[@]}" <<SQL
SET client_min_messages = warning;
CREATE TABLE bench_ev (seq int, op text, user_id bigint, user_name text,
  price numeric(38,2), sale_timestamp timestamptz);
\\copy bench_ev FROM '$W/events.tsv'
CREATE TABLE bench_expected AS
  SELECT user_id, user_name, price, sale_timestamp FROM (
    SELECT e.*, row_number() OVER (PARTITION BY user_id ORDER BY seq DESC) AS rn
    FROM bench_ev e) last
  WHERE rn = 1 AND op <> 'd';
TRUNCATE bench_t;
VACUUM ANALYZE bench_t;
CHECKPOINT;
SQL
cat >"$W/cl.sql" <<SQL
SET 'pipeline.name' = 'bench-changelog';
CREATE TABLE src (user_id BIGINT, user_name STRING, price DECIMAL(38, 2),
  sale_timestamp TIMESTAMP(3), PRIMARY KEY (user_id) NOT ENFORCED)
WITH ('connector' = 'filesystem', 'path' = '$W/events.json',
  'format' = 'debezium-json');
CREATE TABLE dst (user_id BIGINT, user_name STRING, price DECIMAL(38, 2),
  sale_timestamp TIMESTAMP(3), PRIMARY KEY (user_id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT',
  'dbname' = '$PGDATABASE', 'tablename' = 'bench_t', 'username' = '$PGUSER',
  'password' = '\${PGPASSWORD}');
INSERT INTO dst SELECT * FROM src;
SQL
t1=$(now)
run_job "$W/cl.sql"
cl_secs=$(secs "$t1" "$(now)")
cl_rows=$(sed -n "s/^    sink 'dst': .* \([0-9]*\) rows written.*/\1/p" "$W/hf.err")
say "  events: $(cat "$W/events.stats") ($(du -h "$W/events.json" | cut -f1))"
printf '  %-52s %8s s %9s events/s  (summary: %s rows written, %s rows/s)\n' \
    "holoflow debezium-json -> hologres, defaults" "$cl_secs" \
    "$(rate "$CL_EVENTS" "$cl_secs")" "${cl_rows:-?}" "${hf_summary:-?}"
diff_rows=$(Q "SELECT count(*) FROM ((TABLE bench_t EXCEPT ALL TABLE bench_expected) UNION ALL (TABLE bench_expected EXCEPT ALL TABLE bench_t)) d")
n_exp=$(Q "SELECT count(*) FROM bench_expected")
if [ "$diff_rows" = 0 ]; then
    say "  final table = last state per key computed in SQL: $n_exp rows"
else
    say "  FINAL TABLE DIFFERS from the last state per key: $diff_rows rows differ (expected $n_exp rows, table has $(Q 'SELECT count(*) FROM bench_t'))"
    fails=$((fails + 1))
fi

# ------------------------------------------------------------------ variants
if [ "$VARIANTS" = 1 ]; then
    say ""
    say "--- holoflow variants on the upsert run (defaults: connection.pool.size 5, sink.insert.batch-size 512; $VREPEAT run(s) each)"
    # The defaults run again in the same rounds, as the baseline.
    variants=("(defaults)" "connection.pool.size=1" "connection.pool.size=2"
        "connection.pool.size=4" "sink.insert.batch-size=2048"
        "sink.insert.batch-size=4096" "sink.insert.batch-size=8192")
    declare -A vt=()
    for ((i = 0; i < ${#variants[@]}; i++)); do
        v=${variants[i]}
        if [ "$i" = 0 ]; then
            write_job ""
        else
            write_job ", '${v%%=*}' = '${v#*=}'"
        fi
        cp "$W/job.sql" "$W/job-v$i.sql"
        vt[$i]=""
    done
    for ((round = 1; round <= VREPEAT; round++)); do
        for ((i = 0; i < ${#variants[@]}; i++)); do
            timed run_job "$W/job-v$i.sql"
            vt[$i]+="$t_secs "
            [ "$round" = "$VREPEAT" ] || continue
            s=$(table_sum)
            if [ "$s" != "$sum_a" ]; then
                say "  TABLE DIFFERS from (a) after ${variants[i]}: $s"
                fails=$((fails + 1))
            fi
        done
    done
    for ((i = 0; i < ${#variants[@]}; i++)); do
        # shellcheck disable=SC2086 # word splitting of the list is wanted
        m=$(median ${vt[$i]})
        row "holoflow ${variants[i]}" "$m" "$(rate "$N" "$m")" "runs: ${vt[$i]}s"
    done
fi

say ""
if [ "$fails" -gt 0 ]; then
    say "sink-upsert: $fails correctness check(s) FAILED"
    exit 1
fi
if [ "$missed" -gt 0 ]; then
    say "sink-upsert: $missed target(s) missed"
    [ "$STRICT" = 1 ] && exit 1
    exit 0
fi
say "sink-upsert: all targets met, all tables checked"
