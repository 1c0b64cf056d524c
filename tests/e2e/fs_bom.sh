#!/usr/bin/env bash
# A UTF-8 byte order mark (EF BB BF) at the start of a file, as spreadsheet
# exports write it, is not data for the csv and json formats (also inside a
# .gz); a BOM later in a file is, and the raw format keeps every byte.
. "$(dirname "$0")/lib.sh"
set -e

bom=$'\xEF\xBB\xBF'
mkdir "$T/csv" "$T/json"
printf '%sapple,1\npear,2\n' "$bom" >"$T/csv/a.csv"
printf '%skiwi,3\n%sfig,4\n' "$bom" "$bom" | gzip -c >"$T/csv/b.csv.gz"
printf '%s{"name":"plum","n":5}\n' "$bom" >"$T/json/a.json"

cat >"$T/job.sql" <<SQL
CREATE TABLE c (name STRING, n INT)
WITH ('connector' = 'filesystem', 'path' = '$T/csv', 'format' = 'csv');
CREATE TABLE j (name STRING, n INT)
WITH ('connector' = 'filesystem', 'path' = '$T/json', 'format' = 'json');
CREATE TABLE r (line STRING)
WITH ('connector' = 'filesystem', 'path' = '$T/json', 'format' = 'raw');
CREATE TABLE out (name STRING, n INT) WITH ('connector' = 'print');
CREATE TABLE out_raw (line STRING) WITH ('connector' = 'print', 'print-identifier' = 'raw');
EXECUTE STATEMENT SET BEGIN
INSERT INTO out SELECT * FROM c;
INSERT INTO out SELECT * FROM j;
INSERT INTO out_raw SELECT * FROM r;
END;
SQL
run_hf "$T/out" "$T/err" run "$T/job.sql"
expect_rc 0 "files with a BOM"
# The pipelines print concurrently: compare sorted.
sort "$T/out" >"$T/out.sorted"
{
    printf '+I[apple, 1]\n+I[pear, 2]\n+I[kiwi, 3]\n+I[%sfig, 4]\n' "$bom"
    printf '+I[plum, 5]\n'
    printf 'raw> +I[%s{"name":"plum","n":5}]\n' "$bom"
} | sort >"$T/expected"
expect_same "$T/expected" "$T/out.sorted" "rows of files with a BOM"
finish
