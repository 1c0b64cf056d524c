#!/usr/bin/env bash
# kafka.sh - the Kafka connectors against their anchors (issue 5 item 8).
#
# Self-contained: uses $HOLOFLOW (default: an optimised build made in
# build-bench/) and hf_kafka_mock next to it (librdkafka's mock cluster, 3
# brokers, in its own process), starts its own private PostgreSQL 15
# (scripts/pg-private.sh) in a temporary directory, and stops everything
# and removes the directory at exit. Everything runs on this machine: the
# brokers, PostgreSQL and the clients share its cores, and the mock broker
# is an in-memory stand-in, so the figures compare clients, not clusters.
#
# (a) upsert-kafka sink throughput. Input: N (1,000,000) rows (id BIGINT,
#     v BIGINT, s STRING), distinct keys, as a CSV file. holoflow runs
#     filesystem csv -> upsert-kafka (key csv = the id, value csv = the
#     row; the Java default partitioner); the anchor is `kcat -P` producing
#     the same pre-encoded messages (key TAB value lines) with the same
#     producer settings (acks=all, idempotence, murmur2 partitioner) to the
#     same cluster. Both write 8-partition topics; each runs BENCH_REPEAT
#     (3) times, interleaved; the best wall time counts (holoflow: process
#     start to exit, including reading and encoding the CSV; kcat: the
#     whole command); the median wall time and the median CPU time (user +
#     sys, all threads) are printed too, as the machine's 2 cores are
#     shared by both clients' threads and the mock brokers, so wall times
#     vary from run to run. After the runs the two topics must hold identical
#     messages in identical partitions (sorted kcat dumps compared).
# (b) kafka -> hologres end to end: a job reading an 8-partition topic
#     (json values, consumer group, 1 s checkpoints) into a PostgreSQL
#     table whose column visible_at defaults to clock_timestamp() (the time
#     the sink's INSERT wrote the row) and whose produced_at is the Kafka
#     message timestamp (metadata column). `hf_kafka_mock produce` feeds
#     BENCH_RATE (20,000) messages/s for BENCH_SECONDS (30) s while the job
#     runs; then the same as fast as possible (BENCH_E2E_ROWS, 500,000).
#     Printed: rows/s (rows / (last visible - first produced)) and the
#     p50/p99/max latency from produce time to the write. Every row must
#     arrive exactly once.
# (c) low-latency mode (issue 15 item 6): (b) at BENCH_RATE with
#     'sink.aggressive.enabled' = 'true' and 200 ms checkpoints: the same
#     figures (target: p99 <= 100 ms at 20,000 rows/s). The consumer gets
#     'properties.fetch.wait.max.ms' = '5' (BENCH_LOW_SRC overrides): the
#     mock broker holds a fetch for up to fetch.wait.max.ms (500 ms). On
#     this machine: p50 10 ms, p99 18 ms; without aggressive flushing (same
#     fetch wait, 200 ms checkpoints) p50 61 ms, p99 224 ms; defaults
#     p50 313 ms, p99 572 ms. BENCH_ONLY_LOW=1 runs only (c).
#
# Environment: HOLOFLOW, BENCH_ROWS, BENCH_REPEAT, BENCH_RATE,
# BENCH_SECONDS, BENCH_E2E_ROWS, BENCH_PARTS (which parts run: "ab", the
# default, "a" or "b"), BENCH_KEEP=1 (keep the temp directory).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
N=${BENCH_ROWS:-1000000}
REPEAT=${BENCH_REPEAT:-3}
RATE=${BENCH_RATE:-20000}
SECONDS_AT_RATE=${BENCH_SECONDS:-30}
E2E_ROWS=${BENCH_E2E_ROWS:-500000}
PARTS=${BENCH_PARTS:-ab}
KCAT=${KCAT:-kcat}

say() { echo "$*"; }
die() { echo "kafka.sh: $*" >&2; exit 1; }

if [ -z "${HOLOFLOW:-}" ]; then
    # An optimised build (-O2) with symbols, in its own directory so it
    # never reconfigures the developer's build/.
    bdir=$root/build-bench
    say "=== building holoflow and hf_kafka_mock in $bdir (RelWithDebInfo)"
    mkdir -p "$bdir"
    if ! { cmake -S "$root" -B "$bdir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DHF_TESTS=OFF && cmake --build "$bdir" -j2 --target holoflow hf_kafka_mock; } \
        >"$bdir/bench-kafka-build.log" 2>&1; then
        tail -n 30 "$bdir/bench-kafka-build.log" >&2
        die "the build failed (log: $bdir/bench-kafka-build.log)"
    fi
    HOLOFLOW=$bdir/holoflow
fi
[ -x "$HOLOFLOW" ] || die "no $HOLOFLOW"
MOCK=${HF_KAFKA_MOCK:-$(dirname "$HOLOFLOW")/hf_kafka_mock}
[ -x "$MOCK" ] || die "no $MOCK (build the tree)"
command -v "$KCAT" >/dev/null || die "kcat not found (scripts/deps.sh)"
command -v psql >/dev/null || die "psql not found (scripts/deps.sh)"

W=$(mktemp -d /tmp/hf-bench-kafka.XXXXXX)
chmod 0755 "$W"
pgdir=$W/pg
pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    if [ "${BENCH_KEEP:-0}" = 1 ]; then
        echo "kafka.sh: kept $W (stop: scripts/pg-private.sh stop $pgdir)" >&2
        return
    fi
    "$root/scripts/pg-private.sh" stop "$pgdir" >/dev/null 2>&1 || true
    rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }
best() { printf '%s\n' "$@" | sort -g | head -n 1; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

topics=()
for r in $(seq 1 "$REPEAT"); do topics+=("hf_a_$r:8" "kcat_a_$r:8"); done
"$MOCK" -b 3 "${topics[@]}" e2e_rate:8 e2e_max:8 >"$W/mock.addr" 2>"$W/mock.err" &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$W/mock.addr" ] && break; sleep 0.05; done
K=$(head -n 1 "$W/mock.addr")
[ -n "$K" ] || die "the mock cluster did not start: $(cat "$W/mock.err")"
say "=== kafka.sh: $(nproc) cores, librdkafka mock cluster (3 brokers) at $K"

# ------------------------------------------------------------------ (a)
if [[ $PARTS == *a* ]]; then
awk -v n="$N" 'BEGIN { for (i = 1; i <= n; i++) printf "%d,%d,s%d\n", i, i * 7 % 1000003, i }' >"$W/in.csv"
awk -F, '{ printf "%s\t%s\n", $1, $0 }' "$W/in.csv" >"$W/msgs.kv"
t_hf=()
t_kc=()
c_hf=() # CPU seconds (user + sys) of each run, from bash's time
c_kc=()
TIMEFORMAT='%U %S'
for r in $(seq 1 "$REPEAT"); do
    cat >"$W/a$r.sql" <<SQL
CREATE TABLE src (id BIGINT, v BIGINT, s STRING)
WITH ('connector' = 'filesystem', 'path' = '$W/in.csv', 'format' = 'csv');
CREATE TABLE dst (id BIGINT, v BIGINT, s STRING, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'upsert-kafka', 'topic' = 'hf_a_$r',
      'properties.bootstrap.servers' = '$K',
      'key.format' = 'csv', 'value.format' = 'csv');
INSERT INTO dst SELECT * FROM src;
SQL
    t0=$(now)
    { time "$HOLOFLOW" run "$W/a$r.sql" >"$W/a$r.out" 2>"$W/a$r.err"; } 2>"$W/cpu" ||
        { cat "$W/a$r.err" >&2; die "holoflow run $r failed"; }
    t1=$(now)
    t_hf+=("$(secs "$t0" "$t1")")
    c_hf+=("$(awk '{ print $1 + $2 }' "$W/cpu")")
    t0=$(now)
    { time "$KCAT" -b "$K" -P -t "kcat_a_$r" -K $'\t' -X acks=all -X enable.idempotence=true \
        -X topic.partitioner=murmur2 <"$W/msgs.kv"; } 2>"$W/cpu" || die "kcat run $r failed"
    t1=$(now)
    t_kc+=("$(secs "$t0" "$t1")")
    c_kc+=("$(awk '{ print $1 + $2 }' "$W/cpu")")
done
for t in hf_a_1 kcat_a_1; do
    got=$("$MOCK" offsets "$K" "$t" | awk '$1 == "total" { print $2 }')
    [ "$got" = "$N" ] || die "topic $t holds $got messages, expected $N"
done
# The mock broker keeps ~5 MB per partition: compare the newest messages
# that both topics still hold, partition by partition, by offset.
for t in hf_a_1 kcat_a_1; do
    "$KCAT" -b "$K" -C -t "$t" -e -o -5000 -q -f '%p %o %k %s\n' | sort -k1,1n -k2,2n >"$W/$t.dump"
done
cmp -s "$W/hf_a_1.dump" "$W/kcat_a_1.dump" ||
    die "holoflow and kcat wrote different messages or partitions (see $W/*.dump with BENCH_KEEP=1)"
bh=$(best "${t_hf[@]}")
bk=$(best "${t_kc[@]}")
say ""
say "(a) upsert-kafka sink, $N rows (8 partitions, acks=all, idempotent, murmur2):"
mh=$(median "${t_hf[@]}")
mk=$(median "${t_kc[@]}")
printf '    %-44s %8s s  %9s rows/s  (median %s s, CPU %s s)\n' "holoflow filesystem csv -> upsert-kafka" "$bh" "$(rate "$N" "$bh")" "$mh" "$(median "${c_hf[@]}")"
printf '    %-44s %8s s  %9s rows/s  (median %s s, CPU %s s)\n' "kcat -P, same pre-encoded messages" "$bk" "$(rate "$N" "$bk")" "$mk" "$(median "${c_kc[@]}")"
printf '    holoflow / kcat: %s x (medians: %s x; identical topics: yes)\n' \
    "$(awk -v a="$bk" -v b="$bh" 'BEGIN { printf "%.2f", a / b }')" \
    "$(awk -v a="$mk" -v b="$mh" 'BEGIN { printf "%.2f", a / b }')"
fi
[[ $PARTS == *b* ]] || exit 0

# ------------------------------------------------------------------ (b)
pg_env=$("$root/scripts/pg-private.sh" start "$pgdir" 2>/dev/null) ||
    die "the private PostgreSQL did not start in $pgdir"
eval "export $(head -n 1 <<<"$pg_env")"
export PGTZ=UTC
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)

e2e() { # TOPIC ROWS RATE LABEL [SINK-OPTIONS [CHECKPOINT-INTERVAL [SOURCE-OPTIONS]]]
    local topic=$1 rows=$2 rate=$3 label=$4 sinkopts=${5:-} ckpt=${6:-1s} srcopts=${7:-}
    "${PSQL[@]}" -c "DROP TABLE IF EXISTS lat; CREATE TABLE lat (id bigint PRIMARY KEY, v bigint, s text,
        produced_at timestamptz, visible_at timestamptz DEFAULT clock_timestamp())"
    cat >"$W/$topic.sql" <<SQL
SET 'execution.checkpointing.interval' = '$ckpt';
CREATE TABLE src (id BIGINT, v BIGINT, s STRING, produced_at TIMESTAMP_LTZ(3) METADATA FROM 'timestamp')
WITH ('connector' = 'kafka', 'topic' = '$topic', 'properties.bootstrap.servers' = '$K',
      'properties.group.id' = 'bench-$topic', 'scan.startup.mode' = 'earliest-offset',
      'format' = 'json'$srcopts);
CREATE TABLE lat (id BIGINT, v BIGINT, s STRING, produced_at TIMESTAMP_LTZ(3), PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = 'public.lat', 'username' = '$PGUSER', 'password' = 'unused'$sinkopts);
INSERT INTO lat SELECT * FROM src;
SQL
    "$HOLOFLOW" run "$W/$topic.sql" >"$W/$topic.out" 2>"$W/$topic.err" &
    local hf=$!
    pids+=("$hf")
    for _ in $(seq 1 300); do grep -q 'assigned' "$W/$topic.err" && break; sleep 0.1; done
    grep -q 'assigned' "$W/$topic.err" || die "$label: the job got no partitions"
    awk -v n="$rows" 'BEGIN { for (i = 1; i <= n; i++) printf "%d\t{\"id\":%d,\"v\":%d,\"s\":\"s%d\"}\n", i, i, i * 7 % 1000003, i }' |
        "$MOCK" produce "$K" "$topic" "$rate" compression.codec=lz4 >"$W/$topic.prod"
    local got=0
    for _ in $(seq 1 1200); do
        got=$("${PSQL[@]}" -c "SELECT count(*) FROM lat")
        [ "$got" -ge "$rows" ] && break
        sleep 0.25
    done
    kill -TERM "$hf"
    wait "$hf" || true
    [ "$got" = "$rows" ] || die "$label: the table has $got rows, expected $rows"
    "${PSQL[@]}" -F ' ' -c "SELECT count(*),
        round(count(*) / extract(epoch FROM max(visible_at) - min(produced_at))),
        round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM visible_at - produced_at)) * 1000)::numeric, 1),
        round((percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM visible_at - produced_at)) * 1000)::numeric, 1),
        round((max(extract(epoch FROM visible_at - produced_at)) * 1000)::numeric, 1)
      FROM lat" >"$W/$topic.res"
    read -r n rps p50 p99 pmax <"$W/$topic.res"
    printf '    %-34s %8s rows  %9s rows/s  latency p50 %7s ms  p99 %7s ms  max %7s ms\n' \
        "$label" "$n" "$rps" "$p50" "$p99" "$pmax"
    say "      producer: $(cat "$W/$topic.prod")"
}
say ""
say "(b) kafka (json, 8 partitions) -> hologres (PostgreSQL 15), 1 s checkpoints:"
[ -n "${BENCH_ONLY_LOW:-}" ] || e2e e2e_rate $((RATE * SECONDS_AT_RATE)) "$RATE" "fixed rate $RATE msg/s"
[ -n "${BENCH_ONLY_LOW:-}" ] || e2e e2e_max "$E2E_ROWS" 0 "as fast as possible"
say ""
say "(c) low-latency mode: the same at $RATE msg/s with 'sink.aggressive.enabled' = 'true'"
say "    (flush whenever the connection is idle), 200 ms checkpoints, fetch.wait.max.ms 5:"
e2e e2e_low $((RATE * SECONDS_AT_RATE)) "$RATE" "aggressive, fixed rate $RATE msg/s" \
    ", 'sink.aggressive.enabled' = 'true'" 200ms \
    "${BENCH_LOW_SRC-, 'properties.fetch.wait.max.ms' = '5'}"
