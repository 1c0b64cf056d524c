#!/usr/bin/env bash
# A statement set reading one table into two sinks (Flink's source reuse):
# datagen (20000 rows, sequence key, random names) -> print 'a' (every
# row) and print 'b' (id > 15000, name upper-cased). explain shows one
# source node feeding two calc/sink branches; both sinks get exactly their
# rows, the same generated row on both branches, in streaming mode with
# checkpoints every 20 ms and in batch mode; the summary counts one reader.
# With table.optimizer.reuse-source-enabled = false each INSERT reads the
# table itself.
. "$(dirname "$0")/lib.sh"
set -e
cat >"$T/job.sql" <<'SQL'
CREATE TABLE gen (id BIGINT, name STRING) WITH (
  'connector' = 'datagen',
  'number-of-rows' = '20000',
  'rows-per-second' = '50000',
  'fields.id.kind' = 'sequence',
  'fields.id.start' = '1',
  'fields.id.end' = '20000',
  'fields.name.length' = '6'
);
CREATE TABLE a (id BIGINT, name STRING) WITH ('connector' = 'print', 'print-identifier' = 'a');
CREATE TABLE b (id BIGINT, name STRING) WITH ('connector' = 'print', 'print-identifier' = 'b');
EXECUTE STATEMENT SET BEGIN
  INSERT INTO a SELECT * FROM gen;
  INSERT INTO b SELECT id, UPPER(name) FROM gen WHERE id > 15000;
END;
SQL

run_hf "$T/explain" "$T/err" explain "$T/job.sql"
expect_rc 0 "explain"
sed -n '/^graph:$/,$p' "$T/explain" >"$T/graph"
cat >"$T/graph.want" <<'TXT'
graph:
  n1 source: gen [datagen]
  n2 calc: id := id, name := name <- n1
  n3 sink: a [print] (INSERT at line 13) <- n2
  n4 calc: where (id > 15000); id := id, name := UPPER(name) <- n1
  n5 sink: b [print] (INSERT at line 14) <- n4
TXT
expect_same "$T/graph.want" "$T/graph" "explain graph"
expect_grep "table gen (source) connector 'datagen'" "$T/explain" "explain table role"

check_run() {
    local what=$1
    sed -n 's/^a> //p' "$T/out" >"$T/a"
    sed -n 's/^b> //p' "$T/out" >"$T/b"
    [ "$(wc -l <"$T/a")" -eq 20000 ] || fail "$what: sink a has $(wc -l <"$T/a") rows, expected 20000"
    [ "$(wc -l <"$T/b")" -eq 5000 ] || fail "$what: sink b has $(wc -l <"$T/b") rows, expected 5000"
    sed -E 's/^\+I\[([0-9]+), .*/\1/' "$T/a" >"$T/a.keys"
    seq 1 20000 >"$T/a.want"
    expect_same "$T/a.want" "$T/a.keys" "$what: sink a keys, in order"
    # b holds exactly a's rows above 15000, name upper-cased: the same
    # generated rows went down both branches.
    awk -F'[][, ]+' '$2 > 15000 { printf "+I[%s, %s]\n", $2, toupper($3) }' "$T/a" >"$T/b.want"
    expect_same "$T/b.want" "$T/b" "$what: sink b"
    expect_grep "    source 'gen': 20000 records read, 20000 rows passed on, 0 records skipped" "$T/err" "$what: summary source"
    expect_grep "    source 'gen': read once, shown under pipeline 1" "$T/err" "$what: summary one reader"
    expect_grep "    sink 'a': 20000 rows received, 20000 rows written, 0 dirty rows" "$T/err" "$what: summary a"
    expect_grep "    sink 'b': 5000 rows received, 5000 rows written, 0 dirty rows" "$T/err" "$what: summary b"
}

run_hf "$T/out" "$T/err" --log-level debug run "$T/job.sql" --set execution.checkpointing.interval=20ms
expect_rc 0 "streaming run"
check_run streaming
n=$(grep -c "checkpoint [0-9]* complete" "$T/err" || true)
[ "$n" -ge 5 ] || fail "streaming: only $n checkpoints completed, expected periodic ones"

run_hf "$T/out" "$T/err" --log-level debug run "$T/job.sql" --set execution.runtime-mode=batch
expect_rc 0 "batch run"
check_run batch
n=$(grep -c "checkpoint [0-9]* complete" "$T/err" || true)
[ "$n" -eq 1 ] || fail "batch: $n checkpoints completed, expected only the final one"

run_hf "$T/out" "$T/err" run "$T/job.sql" --set table.optimizer.reuse-source-enabled=false
expect_rc 0 "run without source reuse"
n=$(grep -c "    source 'gen': 20000 records read" "$T/err" || true)
[ "$n" -eq 2 ] || fail "without source reuse: $n readers, expected 2"
finish
