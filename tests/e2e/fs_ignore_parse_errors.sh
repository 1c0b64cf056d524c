#!/usr/bin/env bash
# ignore-parse-errors with Flink's meaning, through the CLI: a field that
# cannot be parsed becomes NULL and its row is written; a record that is
# not JSON at all is skipped. The summary counts both apart ("records
# skipped", "fields set to NULL") and the log names each with file:line.
# The input is JsonBatchFileSystemITCase.testParseError's file (two good
# lines around one that is not JSON) plus a line with a bad INT and a
# DATE in the wrong form. holoflow's stricter mode
# (ignore-parse-errors.skip-record) skips the line with the bad values too.
. "$(dirname "$0")/lib.sh"
set -e

printf '%s\n' '{"x":"x5","y":5,"a":1,"b":1}' '{I am a wrong json.}' \
    '{"x":"x5","y":5,"a":1,"b":1}' '{"x":"x6","y":"six","a":2,"b":2,"d":"2024/01/02"}' \
    >"$T/in.json"
job() { # FILE EXTRA-FORMAT-OPTIONS
    cat >"$1" <<SQL
CREATE TABLE src (x STRING, y INT, a INT, b INT, d DATE)
WITH ('connector' = 'filesystem', 'path' = '$T/in.json', 'format' = 'json',
      'json.ignore-parse-errors' = 'true'$2);
CREATE TABLE out (x STRING, y INT, a INT, b INT, d DATE) WITH ('connector' = 'print');
INSERT INTO out SELECT * FROM src;
SQL
}

job "$T/flink.sql" ""
run_hf "$T/out" "$T/err" run "$T/flink.sql"
expect_rc 0 "ignore-parse-errors job"
printf '%s\n' '+I[x5, 5, 1, 1, null]' '+I[x5, 5, 1, 1, null]' '+I[x6, null, 2, 2, null]' >"$T/flink.expected"
expect_same "$T/flink.expected" "$T/out" "bad fields NULL, the broken line skipped"
expect_grep "source 'src': 4 records read, 3 rows passed on, 1 records skipped, 2 fields set to NULL" \
    "$T/err" "both counters in the summary"
expect_grep "WARN  table 'src': $T/in.json:2: record skipped (ignore-parse-errors): json: invalid JSON at offset 1" \
    "$T/err" "the skipped record logged with file:line"
expect_grep "WARN  table 'src': $T/in.json:4: 2 fields set to NULL (ignore-parse-errors): field 'y': cannot parse \"six\" as INT" \
    "$T/err" "the nulled fields logged with file:line and the first reason"

job "$T/strict.sql" ", 'json.ignore-parse-errors.skip-record' = 'true'"
run_hf "$T/out" "$T/err" run "$T/strict.sql"
expect_rc 0 "skip-record job"
printf '%s\n' '+I[x5, 5, 1, 1, null]' '+I[x5, 5, 1, 1, null]' >"$T/strict.expected"
expect_same "$T/strict.expected" "$T/out" "skip-record: the line with bad values is skipped too"
expect_grep "4 records read, 2 rows passed on, 2 records skipped, 0 fields set to NULL" \
    "$T/err" "skip-record counters"
finish
