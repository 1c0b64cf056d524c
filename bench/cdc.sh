#!/usr/bin/env bash
# cdc.sh - the hologres binlog (CDC) source on PostgreSQL against
# pg_recvlogical, on the same changes (issue 10 item 7, CDC part).
#
# Self-contained: uses $HOLOFLOW (default build/holoflow), starts its own
# private PostgreSQL 15 (scripts/pg-private.sh, wal_level=logical) in a
# temporary directory and removes it at exit. Both clients run on this
# machine next to the server.
#
# Changes: CDC_ROWS (200,000) inserts in transactions of 100 rows, then
# as many updates (same batching), all committed BEFORE the clients start,
# so each client drains the same WAL from a slot created before the
# changes (pgoutput, one publication). Measured per client, wall time from
# process start until the whole stream is consumed:
#   pg_recvlogical: `--start --endpos=<end LSN> -o proto_version=1
#       -o publication_names=...` writing pgoutput's raw messages to a file
#       (no decoding of values at all): the floor of the protocol;
#   holoflow: the binlog source (EARLIEST_OFFSET, change-log mode ALL on a
#       REPLICA IDENTITY FULL table, so every update is -U/+U) decoding
#       every value into rows, into the blackhole sink, 200 ms checkpoints;
#       done when the slot's confirmed position (moved only at committed
#       checkpoints) reaches the end LSN — i.e. end to end to durable.
# Prints changes/s for both and the ratio (first run here: pg_recvlogical
# 40k changes/s, holoflow 23k changes/s, ratio 0.58). Results vary with the shared
# cores; run on an idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
HOLOFLOW=${HOLOFLOW:-$PWD/build/holoflow}
N=${CDC_ROWS:-200000}
dir=$(mktemp -d "${TMPDIR:-/tmp}/hf-bench-cdc.XXXXXX")
chmod 755 "$dir"
cleanup() {
    [ -z "${HF_PID:-}" ] || kill -9 "$HF_PID" 2>/dev/null || true
    scripts/pg-private.sh stop "$dir/pg" >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap cleanup EXIT
mkdir -p "$dir/pg"
eval "export $(scripts/pg-private.sh start "$dir/pg" | head -1)"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
now() { date +%s.%N; }

"${PSQL[@]}" >/dev/null <<SQL
CREATE TABLE b (id bigint PRIMARY KEY, v bigint, s text, n numeric(12,2), ts timestamptz);
ALTER TABLE b REPLICA IDENTITY FULL;
CREATE PUBLICATION bench_pub FOR TABLE b;
SELECT pg_create_logical_replication_slot('bench_recv', 'pgoutput');
SELECT pg_create_logical_replication_slot('bench_hf', 'pgoutput');
DO \$\$
BEGIN
  FOR i IN 0 .. $N / 100 - 1 LOOP
    INSERT INTO b SELECT g, g, 's' || g, g / 3.0, now() FROM generate_series(i * 100 + 1, i * 100 + 100) g;
    COMMIT;
  END LOOP;
  FOR i IN 0 .. $N / 100 - 1 LOOP
    UPDATE b SET v = v + 1, s = s || 'x' WHERE id BETWEEN i * 100 + 1 AND i * 100 + 100;
    COMMIT;
  END LOOP;
END
\$\$;
SQL
end=$("${PSQL[@]}" -c "SELECT pg_current_wal_lsn()")
changes=$((2 * N))

# pg_recvlogical
t0=$(now)
pg_recvlogical -d "$PGDATABASE" --slot bench_recv --start --endpos "$end" \
    -o proto_version=1 -o publication_names=bench_pub -f "$dir/recv.out" 2>/dev/null || true
t1=$(now)
recv_s=$(echo "$t1 - $t0" | bc -l)

# holoflow
cat >"$dir/job.sql" <<SQL
SET 'execution.checkpointing.interval' = '200ms';
CREATE TABLE src (id BIGINT, v BIGINT, s STRING, n DECIMAL(12, 2), ts TIMESTAMP_LTZ(6),
  PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = 'public.b', 'username' = '$PGUSER', 'password' = 'x',
      'slot.name' = 'bench_hf', 'publication.name' = 'bench_pub',
      'source.binlog.change-log-mode' = 'ALL', 'source.binlog.startup-mode' = 'EARLIEST_OFFSET',
      'source.binlog.batch-size' = '4096');
CREATE TABLE sink (id BIGINT, v BIGINT, s STRING, n DECIMAL(12, 2), ts TIMESTAMP_LTZ(6))
WITH ('connector' = 'blackhole');
INSERT INTO sink SELECT * FROM src;
SQL
t0=$(now)
"$HOLOFLOW" run "$dir/job.sql" >/dev/null 2>"$dir/hf.log" &
HF_PID=$!
while :; do
    done_=$("${PSQL[@]}" -c "SELECT confirmed_flush_lsn >= '$end' FROM pg_replication_slots WHERE slot_name = 'bench_hf'")
    [ "$done_" = t ] && break
    kill -0 "$HF_PID" 2>/dev/null || { echo "holoflow ended early:" >&2; tail -5 "$dir/hf.log" >&2; exit 1; }
    sleep 0.02
done
t1=$(now)
kill -TERM "$HF_PID"
wait "$HF_PID" 2>/dev/null || true
HF_PID=
hf_s=$(echo "$t1 - $t0" | bc -l)
rows=$(sed -n "s/.*source 'src': \([0-9]*\) records read.*/\1/p" "$dir/hf.log" | head -1)

printf 'changes: %d (%d inserts + %d updates), WAL to %s\n' "$changes" "$N" "$N" "$end"
printf 'pg_recvlogical (raw pgoutput to a file): %.2f s, %.0f changes/s\n' "$recv_s" "$(echo "$changes / $recv_s" | bc -l)"
printf 'holoflow (decoded rows, confirmed):       %.2f s, %.0f changes/s (%s rows: +I, -U/+U)\n' \
    "$hf_s" "$(echo "$changes / $hf_s" | bc -l)" "${rows:-?}"
printf 'ratio holoflow / pg_recvlogical: %.2f\n' "$(echo "$recv_s / $hf_s" | bc -l)"
