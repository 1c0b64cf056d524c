#!/usr/bin/env bash
# 'table.exec.source.cdc-events-duplicate' = 'true': a debezium-json source
# with a PRIMARY KEY whose events were delivered twice (at-least-once CDC)
# goes through a ChangelogNormalize, which drops a repeated insert and a
# repeated delete; an update (-U, +U) comes out as -D(kept), +I(new), its
# repeat again as -D, +I (the -U removes the kept row whatever it says):
# Flink's processLastRowOnChangelog, with the same final rows. Without the
# option every event passes, and explain shows no normalize.
. "$(dirname "$0")/lib.sh"
set -e

cat >"$T/ev.json" <<'JSON'
{"before":null,"after":{"id":1,"name":"a"},"op":"c"}
{"before":null,"after":{"id":1,"name":"a"},"op":"c"}
{"before":null,"after":{"id":2,"name":"b"},"op":"c"}
{"before":{"id":1,"name":"a"},"after":{"id":1,"name":"a2"},"op":"u"}
{"before":{"id":1,"name":"a"},"after":{"id":1,"name":"a2"},"op":"u"}
{"before":{"id":2,"name":"b"},"after":null,"op":"d"}
{"before":{"id":2,"name":"b"},"after":null,"op":"d"}
JSON
job() { # FILE SET-LINE
    cat >"$1" <<SQL
$2
CREATE TABLE src (id BIGINT, name STRING, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'filesystem', 'path' = '$T/ev.json', 'format' = 'debezium-json');
CREATE TABLE out (id BIGINT, name STRING) WITH ('connector' = 'print');
INSERT INTO out SELECT * FROM src;
SQL
}

job "$T/dup.sql" "SET 'table.exec.source.cdc-events-duplicate' = 'true';"
run_hf "$T/dup.out" "$T/dup.err" run "$T/dup.sql"
expect_rc 0 "cdc-events-duplicate job"
cat >"$T/dup.want" <<'OUT'
+I[1, a]
+I[2, b]
-D[1, a]
+I[1, a2]
-D[1, a2]
+I[1, a2]
-D[2, b]
OUT
expect_same "$T/dup.want" "$T/dup.out" "repeated events dropped"
run_hf "$T/x.out" "$T/x.err" explain "$T/dup.sql"
expect_grep "changelog-normalize: key id of 'src'; emits -U/+U <- n1" "$T/x.out" "explain: the normalize"

job "$T/plain.sql" ""
run_hf "$T/plain.out" "$T/plain.err" run "$T/plain.sql"
expect_rc 0 "plain CDC job"
[ "$(wc -l <"$T/plain.out")" = 9 ] || fail "without the option every event passes: $(wc -l <"$T/plain.out") rows, expected 9"
run_hf "$T/y.out" "$T/y.err" explain "$T/plain.sql"
! grep -q "changelog-normalize" "$T/y.out" || fail "explain: no normalize without the option"
finish
