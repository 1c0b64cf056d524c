#!/usr/bin/env bash
# cdc_lag.sh - end-to-end lag of CDC replication at a fixed change rate:
# a row committed on a source table, until it is visible in a target table
# (issue 10 item 7, "CDC end-to-end lag p50/p99 at a fixed 10k changes/s").
#
# Self-contained: uses $HOLOFLOW (default build/holoflow), starts its own
# private PostgreSQL 15 (wal_level=logical) in a temporary directory and
# removes it at exit. Everything runs on this machine.
#
# Load: pgbench inserts LAG_RATE rows/s (default 10,000) for LAG_SECONDS
# (default 20) into src(id, v, t0 DEFAULT clock_timestamp()), 10 rows per
# transaction, throttled with pgbench -R. Each target table has one more
# column, t1 DEFAULT clock_timestamp(), filled when the row is written
# there; the lag of a row is t1 - t0. Consumers, one at a time on the same
# load (so they do not share the cores with each other):
#   subscription:      PostgreSQL's own logical replication (CREATE
#                      SUBSCRIPTION into a second database, pgoutput) — the
#                      native anchor;
#   holoflow defaults: hologres binlog source -> hologres sink with the
#                      sink's default flush rules (batch size / 10 s);
#   holoflow aggressive: the same with 'sink.aggressive.enabled' = 'true'
#                      (flush as soon as the connection is idle).
# Prints p50/p99/max lag in ms per consumer and the ratios to the
# subscription. With the defaults the sink writes its buffers at each
# checkpoint (1 s here) unless a batch fills first, so the lag is spread
# over the checkpoint interval (p50 ~ half of it); aggressive mode writes
# as soon as the connection is idle. A run here (2 cores shared with other
# work, 2000/s x 5 s): subscription p50 0.5 / p99 1.4 ms, holoflow defaults
# 495 / 1048 ms, aggressive 2.0 / 6.6 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
HOLOFLOW=${HOLOFLOW:-$PWD/build/holoflow}
RATE=${LAG_RATE:-10000}
SECS=${LAG_SECONDS:-20}
BATCH=10
dir=$(mktemp -d "${TMPDIR:-/tmp}/hf-bench-lag.XXXXXX")
chmod 755 "$dir"
HF_PID=
cleanup() {
    [ -z "$HF_PID" ] || kill -9 "$HF_PID" 2>/dev/null || true
    scripts/pg-private.sh stop "$dir/pg" >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap cleanup EXIT
mkdir -p "$dir/pg"
eval "export $(scripts/pg-private.sh start "$dir/pg" | head -1)"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
chmod 755 "$dir"

"${PSQL[@]}" >/dev/null <<SQL
CREATE TABLE src (id bigserial PRIMARY KEY, v text, t0 timestamptz DEFAULT clock_timestamp());
CREATE TABLE dst (id bigint PRIMARY KEY, v text, t0 timestamptz, t1 timestamptz DEFAULT clock_timestamp());
CREATE PUBLICATION lag_pub FOR TABLE src;
CREATE DATABASE lagsub;
SQL
"${PSQL[@]}" -d lagsub >/dev/null <<SQL
CREATE TABLE src (id bigint PRIMARY KEY, v text, t0 timestamptz, t1 timestamptz DEFAULT clock_timestamp());
SQL
cat >"$dir/load.sql" <<SQL
INSERT INTO src (v) SELECT 'row ' || g FROM generate_series(1, $BATCH) g;
SQL

# load: pgbench at RATE rows/s for SECS seconds
load() {
    pgbench -n -c 2 -j 2 -T "$SECS" -R $((RATE / BATCH)) -f "$dir/load.sql" \
        >"$dir/pgbench.out" 2>&1 || { cat "$dir/pgbench.out" >&2; exit 1; }
}

# wait_rows DB TABLE N: until the target holds N rows (at most 120 s)
wait_rows() {
    local i
    for i in $(seq 1 1200); do
        [ "$("${PSQL[@]}" -d "$1" -c "SELECT count(*) FROM $2")" -ge "$3" ] && return 0
        sleep 0.1
    done
    echo "cdc_lag: $1.$2 did not reach $3 rows" >&2
    exit 1
}

# lag DB TABLE: "p50 p99 max" in ms over the rows of TABLE
lag() {
    "${PSQL[@]}" -d "$1" -F ' ' -c "
        SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1),
               round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)::numeric, 1),
               round(max(ms)::numeric, 1)
        FROM (SELECT extract(epoch FROM t1 - t0) * 1000 AS ms FROM $2) l"
}

results=()
# 1. PostgreSQL's own subscription (slot created here: a subscription to
# the same cluster cannot create its slot itself)
"${PSQL[@]}" -c "SELECT pg_create_logical_replication_slot('lag_sub', 'pgoutput')" >/dev/null
"${PSQL[@]}" -d lagsub -c "CREATE SUBSCRIPTION lag_sub
    CONNECTION 'host=$PGHOST port=$PGPORT dbname=$PGDATABASE user=$PGUSER'
    PUBLICATION lag_pub WITH (create_slot = false, slot_name = 'lag_sub', copy_data = false)" >/dev/null
for i in $(seq 1 300); do
    [ "$("${PSQL[@]}" -c "SELECT active FROM pg_replication_slots WHERE slot_name = 'lag_sub'")" = t ] && break
    sleep 0.1
done
before=$("${PSQL[@]}" -c "SELECT count(*) FROM src")
load
total=$("${PSQL[@]}" -c "SELECT count(*) FROM src")
n=$((total - before))
wait_rows lagsub src "$n"
results+=("subscription|$(lag lagsub src)")
"${PSQL[@]}" -d lagsub -c "ALTER SUBSCRIPTION lag_sub DISABLE" >/dev/null
"${PSQL[@]}" -d lagsub -c "ALTER SUBSCRIPTION lag_sub SET (slot_name = NONE)" >/dev/null
"${PSQL[@]}" -d lagsub -c "DROP SUBSCRIPTION lag_sub" >/dev/null
"${PSQL[@]}" -c "SELECT pg_drop_replication_slot('lag_sub')" >/dev/null

# 2./3. holoflow: binlog source -> hologres sink
run_hf() { # NAME EXTRA_SINK_OPTIONS
    local name=$1 extra=$2 slot=lag_$1
    "${PSQL[@]}" -c "TRUNCATE dst" >/dev/null
    "${PSQL[@]}" -c "SELECT pg_create_logical_replication_slot('$slot', 'pgoutput')" >/dev/null
    cat >"$dir/$name.sql" <<SQL
SET 'execution.checkpointing.interval' = '1s';
CREATE TABLE s (id BIGINT, v STRING, t0 TIMESTAMP_LTZ(6), PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = 'public.src', 'username' = '$PGUSER', 'password' = 'x',
      'slot.name' = '$slot', 'publication.name' = 'lag_pub',
      'source.binlog.startup-mode' = 'EARLIEST_OFFSET');
CREATE TABLE d (id BIGINT, v STRING, t0 TIMESTAMP_LTZ(6), PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = 'public.dst', 'username' = '$PGUSER', 'password' = 'x'$extra);
INSERT INTO d SELECT id, v, t0 FROM s;
SQL
    "$HOLOFLOW" run "$dir/$name.sql" >/dev/null 2>"$dir/$name.log" &
    HF_PID=$!
    for i in $(seq 1 300); do
        [ "$("${PSQL[@]}" -c "SELECT active FROM pg_replication_slots WHERE slot_name = '$slot'")" = t ] && break
        kill -0 "$HF_PID" 2>/dev/null || { echo "holoflow ended:" >&2; tail -5 "$dir/$name.log" >&2; exit 1; }
        sleep 0.1
    done
    before=$("${PSQL[@]}" -c "SELECT count(*) FROM src")
    load
    total=$("${PSQL[@]}" -c "SELECT count(*) FROM src")
    wait_rows "$PGDATABASE" "dst WHERE id > $before" $((total - before))
    kill -TERM "$HF_PID"
    wait "$HF_PID" 2>/dev/null || true
    HF_PID=
    "${PSQL[@]}" -c "DELETE FROM dst WHERE id <= $before" >/dev/null
    results+=("holoflow $name|$(lag "$PGDATABASE" dst)")
    "${PSQL[@]}" -c "SELECT pg_drop_replication_slot('$slot')" >/dev/null
}
run_hf defaults ""
run_hf aggressive ", 'sink.aggressive.enabled' = 'true'"

printf 'load: %d rows/s for %d s (%d rows per transaction, pgbench -R)\n' "$RATE" "$SECS" "$BATCH"
printf '%-22s %10s %10s %10s\n' consumer 'p50 ms' 'p99 ms' 'max ms'
sub_p50= sub_p99=
for r in "${results[@]}"; do
    name=${r%%|*}
    read -r p50 p99 mx <<<"${r#*|}"
    printf '%-22s %10s %10s %10s\n' "$name" "$p50" "$p99" "$mx"
    if [ -z "$sub_p50" ]; then sub_p50=$p50 sub_p99=$p99; fi
done
for r in "${results[@]:1}"; do
    name=${r%%|*}
    read -r p50 p99 _ <<<"${r#*|}"
    printf 'ratio %s / subscription: p50 %.1fx, p99 %.1fx\n' "$name" \
        "$(echo "$p50 / $sub_p50" | bc -l)" "$(echo "$p99 / $sub_p99" | bc -l)"
done
