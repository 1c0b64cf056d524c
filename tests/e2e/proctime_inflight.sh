#!/usr/bin/env bash
# Processing-time windows lose no row that is still in flight when the
# clock passes its window's end (issue 9; docs/sql.md "Window
# aggregation"). The window TVF stamps each row with the clock and sends
# processing-time progress behind the rows it stamped; the aggregate fires
# on that progress, not on its own clock. The failpoint exchange.delay
# holds the one batch of stamped rows 2.5 s in the exchange between the TVF
# and the aggregate (as a full edge would), longer than any window here
# (at most 2 s), so the clock has passed every window's end when the rows
# reach the aggregate: before the fix all of them were dropped as late.
# The bounded input then ends, and the end fires what the clock completed,
# which is every window. Checked per key: the counts and sums over the
# windows (TUMBLE and SESSION count each row once, HOP twice, CUMULATE's
# 2-second windows once), at parallelism 1 and 2 (the aggregate in two
# instances behind a keyed exchange), and with two stamping instances
# (after a parallel interval join).
. "$(dirname "$0")/lib.sh"
set -e

for i in $(seq 1 100); do echo "k$((i % 3)),$i"; done >"$T/in.csv"

job() { # $1 = parallelism, $2 = window function call
    cat <<SQL
SET 'parallelism.default' = '$1';
CREATE TABLE ev (k STRING, v INT, pt AS PROCTIME())
WITH ('connector' = 'filesystem', 'path' = '$T/in.csv', 'format' = 'csv');
CREATE TABLE o (k STRING, len BIGINT, n BIGINT, total INT)
WITH ('connector' = 'print');
INSERT INTO o SELECT k, TIMESTAMPDIFF(SECOND, window_start, window_end),
  COUNT(*), SUM(v)
FROM TABLE($2) GROUP BY window_start, window_end, k;
SQL
}

# "key count sum" summed over the printed windows (CUMULATE: its 2-second
# windows only), times `mult`.
sums() { # $1 = output, $2 = only windows of this length (0: all)
    awk -F'[][, ]+' -v len="$2" '$1 == "+I" && (len == 0 || $3 == len) {
        n[$2] += $4; s[$2] += $5 }
        END { for (k in n) print k, n[k], s[k] }' "$1" | sort
}
want() { # $1 = how many windows count each row
    awk -F, -v m="$1" '{ n[$1] += m; s[$1] += m * $2 }
        END { for (k in n) print k, n[k], s[k] }' "$T/in.csv" | sort
}

for par in 1 2; do
    for w in tumble hop cumulate session; do
        case $w in
        tumble) call="TUMBLE(TABLE ev, DESCRIPTOR(pt), INTERVAL '1' SECOND)"
            mult=1 len=0 ;;
        hop) call="HOP(TABLE ev, DESCRIPTOR(pt), INTERVAL '1' SECOND, INTERVAL '2' SECOND)"
            mult=2 len=0 ;;
        cumulate) call="CUMULATE(TABLE ev, DESCRIPTOR(pt), INTERVAL '1' SECOND, INTERVAL '2' SECOND)"
            mult=1 len=2 ;;
        session) call="SESSION(TABLE ev PARTITION BY k, DESCRIPTOR(pt), INTERVAL '1' SECOND)"
            mult=1 len=0 ;;
        esac
        job "$par" "$call" >"$T/job.sql"
        export HF_FAILPOINTS=exchange.delay
        run_hf "$T/out" "$T/err" run "$T/job.sql"
        unset HF_FAILPOINTS
        expect_rc 0 "$w, parallelism $par"
        sums "$T/out" "$len" >"$T/got"
        want "$mult" >"$T/want"
        expect_same "$T/want" "$T/got" "$w windows held in the exchange, parallelism $par"
        if grep -q "late row" "$T/err"; then
            fail "$w, parallelism $par: rows dropped as late"
            grep "late row" "$T/err" >&2
        fi
    done
done

# Several stamping instances: TUMBLE over a processing-time interval
# join (keyed, so at parallelism 2 the window TVF after it runs once per
# join instance and each aggregate instance has two input channels, whose
# progress it merges by minimum). The third batch to enter an exchange is
# the first a join instance emits (after one batch of each source): it is
# held, and the other instance's marks must not fire its windows.
for par in 1 2; do
    cat >"$T/ij.sql" <<SQL
SET 'parallelism.default' = '$par';
CREATE TABLE a (k STRING, v INT, pt AS PROCTIME())
WITH ('connector' = 'filesystem', 'path' = '$T/in.csv', 'format' = 'csv');
CREATE TABLE b (k STRING, w INT, pt AS PROCTIME())
WITH ('connector' = 'filesystem', 'path' = '$T/in.csv', 'format' = 'csv');
CREATE VIEW j AS SELECT a.k, a.v, a.pt FROM a JOIN b ON a.k = b.k AND a.v = b.w
  AND a.pt BETWEEN b.pt - INTERVAL '1' HOUR AND b.pt + INTERVAL '1' HOUR;
CREATE TABLE o (k STRING, len BIGINT, n BIGINT, total INT)
WITH ('connector' = 'print');
INSERT INTO o SELECT k, TIMESTAMPDIFF(SECOND, window_start, window_end),
  COUNT(*), SUM(v)
FROM TABLE(TUMBLE(TABLE j, DESCRIPTOR(pt), INTERVAL '1' SECOND))
GROUP BY window_start, window_end, k;
SQL
    export HF_FAILPOINTS=exchange.delay=3
    run_hf "$T/out" "$T/err" run "$T/ij.sql"
    unset HF_FAILPOINTS
    expect_rc 0 "interval join then TUMBLE, parallelism $par"
    sums "$T/out" 0 >"$T/got"
    want 1 >"$T/want"
    expect_same "$T/want" "$T/got" "interval join then TUMBLE, one join instance held, parallelism $par"
    if grep -q "late row" "$T/err"; then
        fail "interval join then TUMBLE, parallelism $par: rows dropped as late"
    fi
done

# Without aggregation, a processing-time TVF passes every row (its
# progress marks go nowhere a sink sees).
cat >"$T/tvf.sql" <<SQL
CREATE TABLE ev (k STRING, v INT, pt AS PROCTIME())
WITH ('connector' = 'filesystem', 'path' = '$T/in.csv', 'format' = 'csv');
CREATE TABLE o (k STRING, v INT) WITH ('connector' = 'print');
INSERT INTO o SELECT k, v
FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(pt), INTERVAL '1' SECOND));
SQL
run_hf "$T/out" "$T/err" run "$T/tvf.sql"
expect_rc 0 "processing-time TVF without aggregation"
[ "$(grep -c '^+I' "$T/out")" -eq 100 ] ||
    fail "processing-time TVF without aggregation: $(grep -c '^+I' "$T/out") rows, expected 100"

finish
