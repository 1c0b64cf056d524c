# tests/kafka/lib.sh - helpers for the Kafka integration tests: sourced
# after tests/e2e/lib.sh, not run.
#
# kafka_start_mock TOPIC:PARTS...   start hf_kafka_mock (librdkafka's mock
#                                   cluster) in the background; sets
#                                   KAFKA_BOOTSTRAP and MOCK_PID
# kafka_offsets TOPIC [GROUP]       "HIGH_SUM COMMITTED_SUM" of a topic
# kafka_wait_committed TOPIC GROUP N SECS
#                                   wait until GROUP committed N messages
# kafka_feed TOPIC GROUP FILE CHUNK start a background producer (FEED_PID)
#                                   that sends FILE ("key<TAB>value" lines)
#                                   in CHUNK-line steps, each only once GROUP
#                                   committed all but one step: the mock
#                                   broker keeps only ~5 MB per partition,
#                                   so a backlog must stay small
# gen_dbz_events N KEYS SEED KV TSV write N debezium-json change events over
#                                   KEYS keys: KV for kcat (key, message),
#                                   TSV (seq op id v p s) for PostgreSQL
# hf_start NAME JOB [ARGS]          start holoflow in the background, log in
#                                   $T/NAME.log; sets HF_PID
# wait_log FILE TEXT SECS           wait until FILE contains TEXT
#
# Every background process started here is killed by its pid at exit.
MOCK=${HF_KAFKA_MOCK:-$(dirname "$HOLOFLOW")/hf_kafka_mock}
KCAT=${KCAT:-kcat}
BG_PIDS=()

kafka_cleanup() {
    local p
    for p in "${BG_PIDS[@]}"; do
        kill -9 "$p" 2>/dev/null || true
    done
    for p in "${BG_PIDS[@]}"; do
        wait "$p" 2>/dev/null || true
    done
}
trap 'kafka_cleanup; rm -rf "$T"' EXIT

kafka_start_mock() {
    [ -x "$MOCK" ] || { echo "no $MOCK: build the tree first" >&2; exit 1; }
    "$MOCK" "$@" >"$T/mock.addr" 2>"$T/mock.err" &
    MOCK_PID=$!
    BG_PIDS+=("$MOCK_PID")
    # Wait while it lives: on a loaded machine creating the cluster can
    # take seconds; a mock that exits says why on its stderr.
    local i
    for i in $(seq 1 1200); do
        [ -s "$T/mock.addr" ] && break
        kill -0 "$MOCK_PID" 2>/dev/null || break
        sleep 0.05
    done
    KAFKA_BOOTSTRAP=$(head -n 1 "$T/mock.addr")
    [ -n "$KAFKA_BOOTSTRAP" ] || { echo "mock cluster did not start (hf_kafka_mock $*)" >&2; cat "$T/mock.err" >&2; exit 1; }
}

kafka_offsets() {
    "$MOCK" offsets "$KAFKA_BOOTSTRAP" "$@" | awk '$1 == "total" { print $2, $3 }'
}

kafka_wait_committed() {
    local topic=$1 group=$2 want=$3 secs=$4 i got
    for i in $(seq 1 $((secs * 5))); do
        got=$(kafka_offsets "$topic" "$group" | cut -d' ' -f2)
        [ "${got:-0}" -ge "$want" ] && return 0
        sleep 0.2
    done
    echo "group $group committed ${got:-0} of $want messages of $topic after ${secs}s" >&2
    return 1
}

kafka_feed() {
    local topic=$1 group=$2 file=$3 chunk=$4 extra=${5:-}
    mkdir -p "$T/feed"
    split -l "$chunk" -d -a 4 "$file" "$T/feed/part."
    (
        produced=0
        for f in "$T"/feed/part.*; do
            while :; do
                committed=$(kafka_offsets "$topic" "$group" | cut -d' ' -f2)
                [ $((produced - ${committed:-0})) -le "$chunk" ] && break
                sleep 0.2
            done
            # shellcheck disable=SC2086 # $extra: kcat flags
            "$KCAT" -b "$KAFKA_BOOTSTRAP" -P -t "$topic" -K $'\t' $extra \
                -X compression.codec=lz4 -X linger.ms=20 <"$f" || exit 1
            produced=$((produced + $(wc -l <"$f")))
        done
    ) &
    FEED_PID=$!
    BG_PIDS+=("$FEED_PID")
}

gen_dbz_events() {
    local n=$1 keys=$2 seed=$3 kv=$4 tsv=$5
    awk -v n="$n" -v nk="$keys" -v seed="$seed" -v tsv="$tsv" 'BEGIN {
        srand(seed)
        for (i = 1; i <= n; i++) {
            k = int(rand() * nk) + 1
            p = sprintf("%d.%02d", i % 100000, i % 97)
            after = sprintf("{\"id\":%d,\"v\":%d,\"p\":%s,\"s\":\"s%d\"}", k, i, p, i)
            if (!(k in cur)) {
                printf "%d\t{\"before\":null,\"after\":%s,\"op\":\"c\"}\n", k, after
                printf "%d\tc\t%d\t%d\t%s\ts%d\n", i, k, i, p, i > tsv
                cur[k] = after
            } else if (rand() < 0.8) {
                printf "%d\t{\"before\":%s,\"after\":%s,\"op\":\"u\"}\n", k, cur[k], after
                printf "%d\tu\t%d\t%d\t%s\ts%d\n", i, k, i, p, i > tsv
                cur[k] = after
            } else {
                printf "%d\t{\"before\":%s,\"after\":null,\"op\":\"d\"}\n", k, cur[k]
                printf "%d\td\t%d\t\\N\t\\N\t\\N\n", i, k > tsv
                delete cur[k]
            }
        }
    }' >"$kv"
}

# dbz_setup PREFIX GROUP SEED POOL [EXTRA-SOURCE-OPTIONS]: the crash-safety
# scenario shared by test_kafka_crash.sh and test_kafka_group.sh. Makes
# $NEV debezium events over $NKEYS keys (seed SEED), starts a mock cluster
# with topic 'events' of 4 partitions, loads the events into PostgreSQL as
# PREFIX_ev and computes there the expected final table PREFIX_ref (last
# event per key, deleted keys absent), creates the target PREFIX_t, writes
# $T/job.sql (kafka group GROUP -> hologres with POOL connections, 1 s
# checkpoints) and starts feeding the topic in steps of 50k.
dbz_setup() {
    local pfx=$1 group=$2 seed=$3 pool=$4 extra=${5:-}
    gen_dbz_events "$NEV" "$NKEYS" "$seed" "$T/ev.kv" "$T/ev.tsv"
    kafka_start_mock events:4
    "${PSQL[@]}" <<SQL
DROP TABLE IF EXISTS ${pfx}_ev, ${pfx}_ref, ${pfx}_t;
CREATE TABLE ${pfx}_ev (seq bigint, op text, id bigint, v bigint, p numeric(10,2), s text);
\copy ${pfx}_ev FROM '$T/ev.tsv'
CREATE TABLE ${pfx}_ref AS
  SELECT id, v, p, s FROM (SELECT DISTINCT ON (id) * FROM ${pfx}_ev ORDER BY id, seq DESC) last
  WHERE op <> 'd';
CREATE TABLE ${pfx}_t (id bigint PRIMARY KEY, v bigint, p numeric(10,2), s text);
SQL
    cat >"$T/job.sql" <<SQL
SET 'execution.checkpointing.interval' = '1s';
CREATE TABLE events (id BIGINT, v BIGINT, p DECIMAL(10, 2), s STRING)
WITH ('connector' = 'kafka', 'topic' = 'events',
      'properties.bootstrap.servers' = '$KAFKA_BOOTSTRAP',
      'properties.group.id' = '$group',
      'properties.session.timeout.ms' = '6000',
      'properties.heartbeat.interval.ms' = '500',$extra
      'scan.startup.mode' = 'earliest-offset',
      'format' = 'debezium-json');
CREATE TABLE dst (id BIGINT, v BIGINT, p DECIMAL(10, 2), s STRING, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = 'public.${pfx}_t', 'username' = '$PGUSER', 'password' = 'unused',
      'connection.pool.size' = '$pool');
INSERT INTO dst SELECT * FROM events;
SQL
    kafka_feed events "$group" "$T/ev.kv" 50000
}

# dbz_compare PREFIX: PREFIX_t must equal PREFIX_ref (zero missing, zero
# extra or different rows); sets MISSING, EXTRA, NREF and drops the tables.
dbz_compare() {
    local pfx=$1
    MISSING=$("${PSQL[@]}" -c "SELECT count(*) FROM (TABLE ${pfx}_ref EXCEPT ALL TABLE ${pfx}_t) d")
    EXTRA=$("${PSQL[@]}" -c "SELECT count(*) FROM (TABLE ${pfx}_t EXCEPT ALL TABLE ${pfx}_ref) d")
    NREF=$("${PSQL[@]}" -c "SELECT count(*) FROM ${pfx}_ref")
    [ "$MISSING" = 0 ] || fail "$MISSING rows of the reference are missing or differ"
    [ "$EXTRA" = 0 ] || fail "$EXTRA rows in the table are extra or differ"
    "${PSQL[@]}" -c "DROP TABLE ${pfx}_ev, ${pfx}_ref, ${pfx}_t"
}

hf_start() {
    local name=$1
    shift
    "$HOLOFLOW" "$@" >"$T/$name.out" 2>"$T/$name.log" &
    HF_PID=$!
    BG_PIDS+=("$HF_PID")
}

wait_log() {
    local file=$1 text=$2 secs=$3 i
    for i in $(seq 1 $((secs * 10))); do
        grep -qF -- "$text" "$file" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}
