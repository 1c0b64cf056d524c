#!/usr/bin/env bash
# An unbounded job stops cleanly on SIGTERM (exit 143) and SIGINT (exit 130),
# printing its summary.
. "$(dirname "$0")/lib.sh"
set -e
cat >"$T/job.sql" <<'SQL'
CREATE TABLE gen (id BIGINT, s STRING) WITH ('connector' = 'datagen', 'rows-per-second' = '50000');
CREATE TABLE sink (id BIGINT, s STRING) WITH ('connector' = 'blackhole');
INSERT INTO sink SELECT * FROM gen;
SQL
for sig in TERM INT; do
    "$HOLOFLOW" run "$T/job.sql" >"$T/out" 2>"$T/err" &
    pid=$!
    sleep 1
    kill -s "$sig" "$pid"
    set +e
    wait "$pid"
    RC=$?
    set -e
    if [ "$sig" = TERM ]; then expect_rc 143 "SIGTERM"; else expect_rc 130 "SIGINT"; fi
    expect_grep "STOPPED" "$T/err" "summary after SIG$sig"
    expect_grep "rows written" "$T/err" "row counts after SIG$sig"
done
finish
