#!/usr/bin/env bash
# holoflow sync compatibility sweep: DataX / DataWorks job files whose
# reader is file-based (txtfilereader, hdfsreader, ossreader, ftpreader,
# DataWorks oss/hdfs/ftp/txtfile steps) or streamreader, written in the
# shapes DataX's and DataWorks' documentation show them (extra harmless
# parameters, comments, ["*"], index/value/type/format columns, encoding,
# gzip, skipHeader, "\t" and "\u0001" delimiters, path arrays and
# wildcards, fileType/fileFormat, csvReaderConfig, $var and ${var} with -p,
# key=value partition directories, channel settings), into hologres and
# postgresql writers on the private PostgreSQL. Every result is compared
# with psql against the table PostgreSQL computes itself from the same
# files (\copy into text columns, then its own casts). Jobs DataX refuses
# (bad JSON, unknown reader, a missing required parameter, an unsupported
# fileType) fail with an error naming FILE:LINE:COL in the job file.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
export PGOPTIONS="-c client_min_messages=warning"
p=hf_dxf_$$
URL="jdbc:postgresql://127.0.0.1:$PGPORT/$PGDATABASE"
D=$T/data
mkdir -p "$D"

# same CONTENTS (as multisets) of two queries, else fail
same_rows() { # QUERY_A QUERY_B WHAT
    local n
    n=$("${PSQL[@]}" -c "SELECT count(*) FROM ((($1) EXCEPT ALL ($2)) UNION ALL (($2) EXCEPT ALL ($1))) d") ||
        { fail "$3: query failed"; return; }
    [ "$n" = 0 ] || fail "$3: $n row(s) differ"
}
# sync JOB [ARGS...]: run it, expect exit 0
sync_ok() {
    local job=$1
    shift
    run_hf "$T/out" "$T/err" sync "$job" "$@"
    [ "$RC" -eq 0 ] || { fail "$(basename "$job"): exit $RC"; cat "$T/err" >&2; }
}
# sync_bad JOB RC LOC TEXT: refused with exit RC, FILE:LINE:COL and TEXT
sync_bad() {
    run_hf "$T/out" "$T/err" sync "$1"
    expect_rc "$2" "$(basename "$1") refused"
    expect_grep "$1:$3:" "$T/err" "$(basename "$1") names its line:col"
    expect_grep "$4" "$T/err" "$(basename "$1") says why"
}
W_PG() { # TABLE [COLUMNS]: a postgresqlwriter block
    echo "{\"name\": \"postgresqlwriter\", \"parameter\": {\"username\": \"$PGUSER\", \"password\": \"\",
      \"column\": ${2:-[\"*\"]}, \"preSql\": [\"delete from @table\"],
      \"connection\": [{\"jdbcUrl\": \"$URL\", \"table\": [\"$1\"]}]}}"
}
W_HOLO() { # TABLE [COLUMNS]
    echo "{\"name\": \"hologresjdbcwriter\", \"parameter\": {\"username\": \"$PGUSER\", \"password\": \"\",
      \"column\": ${2:-[\"*\"]}, \"writeMode\": \"REPLACE\", \"truncate\": true,
      \"connection\": [{\"jdbcUrl\": \"$URL\", \"table\": [\"$1\"]}]}}"
}

# ---- data: 60 people rows, raw text in PostgreSQL for the expected tables
awk 'BEGIN { for (i = 1; i <= 60; i++)
    printf "%d,name %d,%d.5,%s,2026.12.%02d,2026-12-%02d 10:%02d:%02d\n",
        i, i, i, (i % 2 ? "true" : "false"), 1 + i % 28, 1 + i % 28, i % 60, (i * 7) % 60 }' >"$D/people.csv"
head -30 "$D/people.csv" >"$D/people_a.csv"
tail -30 "$D/people.csv" >"$D/people_b.csv"
"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_raw (c0 text, c1 text, c2 text, c3 text, c4 text, c5 text);
\copy ${p}_raw FROM '$D/people.csv' csv
CREATE VIEW ${p}_exp AS SELECT c0::bigint AS id, c1 AS name, c2::float8 AS score,
    c3::boolean AS flag, to_date(c4, 'YYYY.MM.DD') AS day,
    to_timestamp(c5, 'YYYY-MM-DD HH24:MI:SS')::timestamp AS ts FROM ${p}_raw;
CREATE TABLE ${p}_people (id bigint, name text, score double precision, flag boolean, day date, ts timestamp);
CREATE TABLE ${p}_pk (id bigint PRIMARY KEY, name text, score double precision);
CREATE TABLE ${p}_txt (c0 text, c1 text, c2 text, c3 text, c4 text, c5 text);
CREATE TABLE ${p}_two (id bigint, name text);
SQL
EXP_PK="SELECT id, name, score FROM ${p}_exp"

# ---- 1. txtfilereader as its doc shows it: a "setting" beside "job",
#         path array, encoding, index/type columns, date with "format"
cat >"$T/01_doc.json" <<JSON
{
  "setting": {},
  "job": {
    "setting": {"speed": {"channel": 2}},
    "content": [{
      "reader": {
        "name": "txtfilereader",
        "parameter": {
          "path": ["$D/people.csv"],
          "encoding": "UTF-8",
          "column": [
            {"index": 0, "type": "long"},
            {"index": 1, "type": "string"},
            {"index": 2, "type": "double"},
            {"index": 3, "type": "boolean"},
            {"index": 4, "type": "date", "format": "yyyy.MM.dd"},
            {"index": 5, "type": "date", "format": "yyyy-MM-dd HH:mm:ss"}
          ],
          "fieldDelimiter": ","
        }
      },
      "writer": $(W_PG "${p}_people" '["id","name","score","flag","day","ts"]')
    }]
  }
}
JSON
sync_ok "$T/01_doc.json"
same_rows "TABLE ${p}_people" "TABLE ${p}_exp" "01 txtfilereader doc shape"

# ---- 2. column ["*"]: every field as a string, into text columns
cat >"$T/02_star.json" <<JSON
{"job": {"content": [{
  "reader": {"name": "txtfilereader", "parameter": {"path": ["$D/people.csv"], "column": ["*"],
     "encoding": "UTF-8", "fieldDelimiter": ","}},
  "writer": $(W_PG "${p}_txt")}]}}
JSON
sync_ok "$T/02_star.json"
same_rows "TABLE ${p}_txt" "TABLE ${p}_raw" "02 column [*]"

# ---- 3. constants and out-of-order indexes (ossreader doc shape)
"${PSQL[@]}" -c "CREATE TABLE ${p}_const (name text, id bigint, src text, n bigint)"
cat >"$T/03_oss.json" <<JSON
{"job": {"setting": {"speed": {"channel": 1}, "errorLimit": {"record": 0, "percentage": 0.02}},
  "content": [{
  "reader": {"name": "ossreader", "parameter": {
     "endpoint": "http://oss.aliyuncs.com", "accessId": "", "accessKey": "", "bucket": "myBucket",
     "object": ["$D/people.csv"],
     "column": [{"type": "string", "index": 1}, {"type": "long", "index": 0},
                {"type": "string", "value": "alibaba"}, {"type": "long", "value": 7}],
     "encoding": "UTF-8", "fieldDelimiter": ","}},
  "writer": $(W_PG "${p}_const" '["name","id","src","n"]')}]}}
JSON
sync_ok "$T/03_oss.json"
same_rows "TABLE ${p}_const" "SELECT name, id, 'alibaba', 7 FROM ${p}_exp" "03 ossreader constants"

# ---- 4. tab as a real tab in JSON ("\t") and as backslash-t ("\\t")
tr ',' '\t' <"$D/people.csv" >"$D/people.tsv"
for d in '\t' '\\t'; do
    cat >"$T/04_tab.json" <<JSON
{"job": {"content": [{
  "reader": {"name": "txtfilereader", "parameter": {"path": "$D/people.tsv", "fieldDelimiter": "$d",
     "column": ["*"]}},
  "writer": $(W_PG "${p}_txt")}]}}
JSON
    sync_ok "$T/04_tab.json"
    same_rows "TABLE ${p}_txt" "TABLE ${p}_raw" "04 fieldDelimiter $d"
done

# ---- 5. hdfsreader, Hive text files: \u0001, defaultFS, fileType text,
#         path wildcard over a directory of part files
mkdir -p "$D/warehouse/t5"
tr ',' '\001' <"$D/people_a.csv" >"$D/warehouse/t5/000000_0"
tr ',' '\001' <"$D/people_b.csv" >"$D/warehouse/t5/000001_0"
cat >"$T/05_hdfs.json" <<JSON
{"job": {"setting": {"speed": {"channel": 3}}, "content": [{
  "reader": {"name": "hdfsreader", "parameter": {
     "path": "$D/warehouse/t5/*", "defaultFS": "hdfs://namenode:8020",
     "column": [{"index": 0, "type": "long"}, {"index": 1, "type": "string"}, {"index": 2, "type": "double"}],
     "fileType": "text", "encoding": "UTF-8", "fieldDelimiter": "\u0001",
     "haveKerberos": false, "hadoopConfig": {}}},
  "writer": $(W_HOLO "${p}_pk" '["id","name","score"]')}]}}
JSON
sync_ok "$T/05_hdfs.json"
same_rows "TABLE ${p}_pk" "$EXP_PK" "05 hdfsreader \\u0001"

# ---- 6. GBK-encoded file
printf '1,北京\n2,上海\n3,深圳 南山\n' >"$D/cities.utf8"
iconv -f UTF-8 -t GBK "$D/cities.utf8" >"$D/cities.gbk.csv"
cat >"$T/06_gbk.json" <<JSON
{"job": {"content": [{
  "reader": {"name": "txtfilereader", "parameter": {"path": ["$D/cities.gbk.csv"], "encoding": "GBK",
     "column": [{"index": 0, "type": "long"}, {"index": 1, "type": "string"}]}},
  "writer": $(W_PG "${p}_two" '["id","name"]')}]}}
JSON
sync_ok "$T/06_gbk.json"
same_rows "TABLE ${p}_two" "VALUES (1::bigint, '北京'), (2, '上海'), (3, '深圳 南山')" "06 encoding GBK"

# ---- 7. compress gzip, file names with and without .gz, skipHeader as a string
mkdir -p "$D/gz"
{ echo "id,name,score"; cut -d, -f1-3 "$D/people_a.csv"; } | gzip >"$D/gz/a.csv.gz"
{ echo "id,name,score"; cut -d, -f1-3 "$D/people_b.csv"; } | gzip >"$D/gz/b.csv"
cat >"$T/07_gzip.json" <<JSON
{"job": {"content": [{
  "reader": {"name": "txtfilereader", "parameter": {"path": ["$D/gz/*"], "compress": "gzip",
     "skipHeader": "true", "encoding": "utf-8",
     "column": [{"index": 0, "type": "long"}, {"index": 1, "type": "string"}, {"index": 2, "type": "double"}]}},
  "writer": $(W_HOLO "${p}_pk" '["id","name","score"]')}]}}
JSON
sync_ok "$T/07_gzip.json"
same_rows "TABLE ${p}_pk" "$EXP_PK" "07 compress gzip + skipHeader"

# ---- 8. nullFormat "\\N" and DataWorks' nullFormat "" (empty is NULL)
printf '1,\\N\n2,b\n3,\n' >"$D/nulls.csv"
cat >"$T/08_null.json" <<JSON
{"job": {"content": [{
  "reader": {"name": "txtfilereader", "parameter": {"path": ["$D/nulls.csv"], "nullFormat": "\\\\N",
     "column": [{"index": 0, "type": "long"}, {"index": 1, "type": "string"}]}},
  "writer": $(W_PG "${p}_two" '["id","name"]')}]}}
JSON
sync_ok "$T/08_null.json"
same_rows "TABLE ${p}_two" "VALUES (1::bigint, NULL::text), (2, 'b'), (3, '')" "08 nullFormat \\N"
sed 's/"nullFormat": "[^"]*"/"nullFormat": ""/' "$T/08_null.json" >"$T/08b_null.json"
sync_ok "$T/08b_null.json"
same_rows "TABLE ${p}_two" "VALUES (1::bigint, '\\N'::text), (2, 'b'), (3, NULL)" "08b nullFormat empty"

# ---- 9. path array of two files and a wildcard
cat >"$T/09_paths.json" <<JSON
{"job": {"setting": {"speed": {"channel": 2}}, "content": [{
  "reader": {"name": "txtfilereader", "parameter": {"path": ["$D/people_a.csv", "$D/people_b.c*v"],
     "column": [{"index": 0, "type": "long"}, {"index": 1, "type": "string"}, {"index": 2, "type": "double"}]}},
  "writer": $(W_HOLO "${p}_pk" '["id","name","score"]')}]}}
JSON
sync_ok "$T/09_paths.json"
same_rows "TABLE ${p}_pk" "$EXP_PK" "09 path array"

# ---- 10. comments, as DataX's JSON parser allows them
cat >"$T/10_comments.json" <<JSON
// a DataX job with comments
{"job": {
  /* one channel */
  "setting": {"speed": {"channel": 1}},
  "content": [{
    "reader": {"name": "txtfilereader", "parameter": {"path": ["$D/people.csv"], // the file
       "column": ["*"]}},
    "writer": $(W_PG "${p}_txt")}]}}
JSON
sync_ok "$T/10_comments.json"
same_rows "TABLE ${p}_txt" "TABLE ${p}_raw" "10 comments"

# ---- 11. csv quoting and csvReaderConfig
printf '1,"a, quoted ""name"""\n2,plain\n3,"two\nlines"\n' >"$D/quoted.csv"
cat >"$T/11_csvcfg.json" <<JSON
{"job": {"content": [{
  "reader": {"name": "txtfilereader", "parameter": {"path": ["$D/quoted.csv"], "fileFormat": "csv",
     "csvReaderConfig": {"safetySwitch": false, "skipEmptyRecords": false, "useTextQualifier": true,
                         "textQualifier": "\"", "escapeMode": 1},
     "column": [{"index": 0, "type": "long"}, {"index": 1, "type": "string"}]}},
  "writer": $(W_PG "${p}_two" '["id","name"]')}]}}
JSON
sync_ok "$T/11_csvcfg.json"
same_rows "TABLE ${p}_two" "VALUES (1::bigint, 'a, quoted \"name\"'), (2, 'plain'), (3, E'two\\nlines')" "11 csvReaderConfig"

# ---- 12. \$var and \${var} with -p (DataX -p"-Da=1 -Db=2" too)
mkdir -p "$D/daily/20261203"
cp "$D/people.csv" "$D/daily/20261203/people_10.csv"
cat >"$T/12_vars.json" <<JSON
{"job": {"content": [{
  "reader": {"name": "txtfilereader", "parameter": {"path": ["$D/daily/\$bizdate/people_\${hour}.csv"],
     "column": [{"index": 0, "type": "long"}, {"index": 1, "type": "string"}, {"index": 2, "type": "double"}]}},
  "writer": $(W_HOLO "${p}_pk" '["id","name","score"]')}]}}
JSON
"${PSQL[@]}" -c "TRUNCATE ${p}_pk"
sync_ok "$T/12_vars.json" -p bizdate=20261203 -p hour=10
same_rows "TABLE ${p}_pk" "$EXP_PK" "12 \$var -p"
"${PSQL[@]}" -c "TRUNCATE ${p}_pk"
sync_ok "$T/12_vars.json" -p "-Dbizdate=20261203 -Dhour=10"
same_rows "TABLE ${p}_pk" "$EXP_PK" "12 DataX -p\"-Da -Db\""

# ---- 13. DataWorks v2: oss step, object array, fileFormat, partition
#          writer from key=value directories, concurrent, throttle
for d in 20261202 20261203; do
    for h in 01 02; do
        mkdir -p "$D/sales/ds=$d/hh=$h"
        awk -v d=$d -v h=$h 'BEGIN { for (i = 1; i <= 20; i++) printf "shop%d|%s%s%d|%d\n", i % 4, d, h, i, i * 3 }' \
            >"$D/sales/ds=$d/hh=$h/data.txt"
    done
done
"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_sraw (shop text, cust text, price text, ds text, hh text);
CREATE TABLE ${p}_sales (shop text, cust text, price int, ds text, hh text) PARTITION BY LIST (ds);
SQL
for f in "$D"/sales/*/*/data.txt; do
    dir=$(dirname "$f"); h=${dir##*=}; d=$(dirname "$dir"); d=${d##*=}
    sed "s/\$/|$d|$h/" "$f" >>"$D/sales_ref.txt"
done
"${PSQL[@]}" -c "\\copy ${p}_sraw FROM '$D/sales_ref.txt' (FORMAT text, DELIMITER '|')"
cat >"$T/13_dw.json" <<JSON
{
    "type": "job",
    "version": "2.0",
    "steps": [
        {
            "stepType": "oss",
            "parameter": {
                "nullFormat": "",
                "compress": "",
                "datasource": "oss_ds",
                "column": [
                    {"index": 0, "type": "string"},
                    {"index": 1, "type": "string"},
                    {"index": 2, "type": "long"},
                    {"type": "partition", "name": "hh"}
                ],
                "skipHeader": "false",
                "encoding": "UTF-8",
                "fieldDelimiter": "|",
                "fileFormat": "text",
                "object": ["$D/sales/ds=\${bizdate}/*/*"]
            },
            "name": "Reader",
            "category": "reader"
        },
        {
            "stepType": "holo",
            "parameter": {
                "datasource": "holo_ds",
                "table": "${p}_sales",
                "column": ["shop", "cust", "price", "hh"],
                "partition": "ds=\${bizdate}",
                "writeMode": "insert",
                "conflictMode": "replace",
                "truncate": true
            },
            "name": "Writer",
            "category": "writer"
        }
    ],
    "setting": {
        "errorLimit": {"record": "0"},
        "speed": {"throttle": false, "concurrent": 2, "mbps": "12"}
    },
    "order": {"hops": [{"from": "Reader", "to": "Writer"}]}
}
JSON
for d in 20261202 20261203; do
    sync_ok "$T/13_dw.json" -p bizdate=$d
done
same_rows "TABLE ${p}_sales" "SELECT shop, cust, price::int, ds, hh FROM ${p}_sraw" "13 DataWorks oss -> partitioned"
got=$("${PSQL[@]}" -c "SELECT string_agg(DISTINCT tableoid::regclass::text, ' ') FROM ${p}_sales")
[ "$got" = "${p}_sales_20261202 ${p}_sales_20261203" ] || fail "13 children: $got"

# ---- 14. every partition, partition columns read from the directories
"${PSQL[@]}" -c "CREATE TABLE ${p}_sflat (shop text, cust text, price bigint, ds text, hh text)"
cat >"$T/14_parts.json" <<JSON
{"job": {"setting": {"speed": {"channel": 4}}, "content": [{
  "reader": {"name": "hdfsreader", "parameter": {"path": "$D/sales/*/*/*", "fileType": "TEXT",
     "defaultFS": "file:///", "fieldDelimiter": "|",
     "column": [{"index": 0, "type": "string"}, {"index": 1, "type": "string"}, {"index": 2, "type": "long"},
                {"type": "partition", "name": "ds"}, {"type": "partition", "name": "hh"}]}},
  "writer": $(W_PG "${p}_sflat" '["shop","cust","price","ds","hh"]')}]}}
JSON
sync_ok "$T/14_parts.json"
same_rows "TABLE ${p}_sflat" "SELECT shop, cust, price::bigint, ds, hh FROM ${p}_sraw" "14 partition columns"

# ---- 15. ftpreader (local path), speed.byte with the per-channel limit
cat >"$T/15_ftp.json" <<JSON
{"job": {"setting": {"speed": {"byte": 104857600}, "errorLimit": {"record": 0}},
  "content": [{
  "reader": {"name": "ftpreader", "parameter": {"protocol": "sftp", "host": "127.0.0.1", "port": 22,
     "username": "xx", "password": "xxx", "path": ["$D/people.csv"],
     "column": [{"index": 0, "type": "long"}, {"index": 1, "type": "string"}, {"index": 2, "type": "double"}],
     "encoding": "UTF-8", "fieldDelimiter": ","}},
  "writer": $(W_HOLO "${p}_pk" '["id","name","score"]')}]},
 "core": {"transport": {"channel": {"speed": {"byte": 52428800}}}}}
JSON
"${PSQL[@]}" -c "TRUNCATE ${p}_pk"
sync_ok "$T/15_ftp.json"
same_rows "TABLE ${p}_pk" "$EXP_PK" "15 ftpreader"

# ---- 16. DataWorks txtfile-like step (ftp stepType), date format to timestamp
cat >"$T/16_dwftp.json" <<JSON
{"type": "job", "version": "2.0",
 "steps": [
  {"stepType": "ftp", "name": "Reader", "category": "reader", "parameter": {
     "datasource": "ftp_ds", "path": ["$D/people.csv"], "fileFormat": "csv", "fieldDelimiter": ",",
     "encoding": "UTF-8", "nullFormat": "", "skipHeader": "false",
     "column": [{"index": 0, "type": "long"}, {"index": 1, "type": "string"}, {"index": 2, "type": "double"},
                {"index": 3, "type": "boolean"}, {"index": 4, "type": "date", "format": "yyyy.MM.dd"},
                {"index": 5, "type": "date", "format": "yyyy-MM-dd HH:mm:ss"}]}},
  {"stepType": "postgresql", "name": "Writer", "category": "writer", "parameter": {
     "datasource": "pg_ds", "table": "${p}_people", "preSql": ["delete from ${p}_people"],
     "column": ["id", "name", "score", "flag", "day", "ts"]}}],
 "setting": {"errorLimit": {"record": ""}, "speed": {"throttle": false, "concurrent": 1}},
 "order": {"hops": [{"from": "Reader", "to": "Writer"}]}}
JSON
sync_ok "$T/16_dwftp.json"
same_rows "TABLE ${p}_people" "TABLE ${p}_exp" "16 DataWorks ftp step"

# ---- 17. streamreader as its doc shows it: numbers and booleans as JSON
#          values; sliceRecordCount records per channel
"${PSQL[@]}" -c "CREATE TABLE ${p}_stream (s text, n bigint, d timestamp, b boolean, y bytea)"
cat >"$T/17_stream.json" <<JSON
{"job": {"setting": {"speed": {"channel": 3}},
  "content": [{
  "reader": {"name": "streamreader", "parameter": {
     "column": [{"value": "DataX", "type": "string"}, {"value": 19890604, "type": "long"},
                {"value": "1989-06-04 00:00:00", "type": "date"}, {"value": true, "type": "bool"},
                {"value": "test", "type": "bytes"}],
     "sliceRecordCount": 10}},
  "writer": $(W_PG "${p}_stream" '["s","n","d","b","y"]')}]}}
JSON
sync_ok "$T/17_stream.json"
same_rows "TABLE ${p}_stream" "SELECT 'DataX', 19890604::bigint, '1989-06-04 00:00:00'::timestamp, true, 'test'::bytea FROM generate_series(1, 30)" "17 streamreader"

# ---- 18. DataWorks stream step
cat >"$T/18_dwstream.json" <<JSON
{"type": "job", "version": "2.0",
 "steps": [
  {"stepType": "stream", "name": "Reader", "category": "reader", "parameter": {
     "column": [{"value": "field", "type": "string"}, {"value": 100, "type": "long"}],
     "sliceRecordCount": "5"}},
  {"stepType": "postgresql", "name": "Writer", "category": "writer", "parameter": {
     "datasource": "pg_ds", "table": "${p}_two", "truncate": true, "column": ["name", "id"]}}],
 "setting": {"errorLimit": {"record": "0"}, "speed": {"concurrent": 2, "throttle": false}},
 "order": {"hops": [{"from": "Reader", "to": "Writer"}]}}
JSON
"${PSQL[@]}" -c "TRUNCATE ${p}_two"
sync_ok "$T/18_dwstream.json"
same_rows "TABLE ${p}_two" "SELECT 100::bigint, 'field' FROM generate_series(1, 10)" "18 DataWorks stream"

# ---- 19. fileType csv spelled in capitals, a header with skipHeader true
{ echo "id,name,score"; cut -d, -f1-3 "$D/people.csv"; } >"$D/header.csv"
cat >"$T/19_header.json" <<JSON
{"job": {"content": [{
  "reader": {"name": "txtfilereader", "parameter": {"path": ["$D/header.csv"], "fileType": "CSV",
     "skipHeader": true, "column": [{"index": 0, "type": "long"}, {"index": 1, "type": "string"},
     {"index": 2, "type": "double"}]}},
  "writer": $(W_HOLO "${p}_pk" '["id","name","score"]')}]}}
JSON
sync_ok "$T/19_header.json"
same_rows "TABLE ${p}_pk" "$EXP_PK" "19 skipHeader"

# ---- 20. wildcard in a directory component and "?"
mkdir -p "$D/multi/day1" "$D/multi/day2"
cp "$D/people_a.csv" "$D/multi/day1/p1.csv"
cp "$D/people_b.csv" "$D/multi/day2/p2.csv"
echo "junk that must not be read" >"$D/multi/day1/readme.txt"
cat >"$T/20_glob.json" <<JSON
{"job": {"setting": {"speed": {"channel": 2}}, "content": [{
  "reader": {"name": "txtfilereader", "parameter": {"path": ["$D/multi/day?/*.csv"],
     "column": [{"index": 0, "type": "long"}, {"index": 1, "type": "string"}, {"index": 2, "type": "double"}]}},
  "writer": $(W_HOLO "${p}_pk" '["id","name","score"]')}]}}
JSON
sync_ok "$T/20_glob.json"
same_rows "TABLE ${p}_pk" "$EXP_PK" "20 directory wildcards"

# ---- 21. the writer's column list in another order than the table
"${PSQL[@]}" -c "CREATE TABLE ${p}_rev (score double precision, id bigint, name text)"
cat >"$T/21_order.json" <<JSON
{"job": {"content": [{
  "reader": {"name": "txtfilereader", "parameter": {"path": ["$D/people.csv"],
     "column": [{"index": 0, "type": "long"}, {"index": 2, "type": "double"}, {"index": 1, "type": "string"}]}},
  "writer": $(W_PG "${p}_rev" '["id","score","name"]')}]}}
JSON
sync_ok "$T/21_order.json"
same_rows "SELECT id, name, score FROM ${p}_rev" "$EXP_PK" "21 column order"

# ---- 22. a string-typed field into numeric / date columns (the writer parses)
cat >"$T/22_strings.json" <<JSON
{"job": {"content": [{
  "reader": {"name": "txtfilereader", "parameter": {"path": ["$D/people.csv"],
     "column": [{"index": 0, "type": "string"}, {"index": 1, "type": "string"}, {"index": 2, "type": "string"}]}},
  "writer": $(W_HOLO "${p}_pk" '["id","name","score"]')}]}}
JSON
sync_ok "$T/22_strings.json"
same_rows "TABLE ${p}_pk" "$EXP_PK" "22 string fields"

# ---- 23. compress bzip2: DataX reads it, holoflow refuses it by name
mkdir -p "$D/bz"
cut -d, -f1-3 "$D/people.csv" | bzip2 >"$D/bz/p.csv.bz2"
cat >"$T/23_bzip2.json" <<JSON
{"job": {"content": [{
  "reader": {"name": "txtfilereader", "parameter": {"path": ["$D/bz/*"],
     "compress": "bzip2",
     "column": [{"index": 0, "type": "long"}, {"index": 1, "type": "string"}, {"index": 2, "type": "double"}]}},
  "writer": $(W_HOLO "${p}_pk" '["id","name","score"]')}]}}
JSON
sync_bad "$T/23_bzip2.json" 2 "3:18" "compress: 'bzip2' is not available in holoflow"

# ---- 23b. a path array of a directory (trailing '/': every file below)
#          and a file elsewhere
mkdir -p "$D/dirs/x/y" "$D/other"
cp "$D/people_a.csv" "$D/dirs/x/y/part-0"
cp "$D/people_b.csv" "$D/other/b.csv"
cat >"$T/23b_dirs.json" <<JSON
{"job": {"content": [{
  "reader": {"name": "txtfilereader", "parameter": {"path": ["$D/dirs/", "$D/other/b.csv"],
     "column": [{"index": 0, "type": "long"}, {"index": 1, "type": "string"}, {"index": 2, "type": "double"}]}},
  "writer": $(W_HOLO "${p}_pk" '["id","name","score"]')}]}}
JSON
sync_ok "$T/23b_dirs.json"
same_rows "TABLE ${p}_pk" "$EXP_PK" "23b directory in a path array"

# ---- 24. json lines (fileType json), reader columns by name
awk -F, '{ printf "{\"id\": %s, \"name\": \"%s\", \"score\": %s}\n", $1, $2, $3 }' "$D/people.csv" >"$D/people.json"
cat >"$T/24_json.json" <<JSON
{"job": {"content": [{
  "reader": {"name": "hdfsreader", "parameter": {"path": "$D/people.json", "fileType": "json", "column": ["*"]}},
  "writer": $(W_HOLO "${p}_pk" '["id","name","score"]')}]}}
JSON
sync_ok "$T/24_json.json"
same_rows "TABLE ${p}_pk" "$EXP_PK" "24 json lines"

# ---- 25. --print-sql of a file job runs under holoflow run
run_hf "$T/job.sql" "$T/err" sync "$T/01_doc.json" --print-sql
expect_rc 0 "25 print-sql"
"${PSQL[@]}" -c "DELETE FROM ${p}_people"
run_hf "$T/out" "$T/err" run "$T/job.sql"
expect_rc 0 "25 printed job runs"
same_rows "TABLE ${p}_people" "TABLE ${p}_exp" "25 printed job"

# ---- 26. a date its format does not parse fails the sync naming the
#          file and line; the table keeps its rows
printf '1,name 1,1.5,true,2026.12.02,2026-12-02 10:00:00\n2,name 2,2.5,false,2026.13.45,2026-12-02 10:00:00\n' >"$D/baddate.csv"
sed "s#$D/people.csv#$D/baddate.csv#" "$T/01_doc.json" | sed 's/"preSql": \[[^]]*\],//' >"$T/26_baddate.json"
before=$("${PSQL[@]}" -c "SELECT count(*) FROM ${p}_people")
run_hf "$T/out" "$T/err" sync "$T/26_baddate.json"
expect_rc 1 "26 unparsable date"
expect_grep "baddate.csv:2" "$T/err" "26 names the file and line"
expect_grep "2026.13.45" "$T/err" "26 names the value"
[ "$("${PSQL[@]}" -c "SELECT count(*) FROM ${p}_people")" = "$before" ] || fail "26 the table changed"

# ---- 27. streamreader: a date constant with a time into a date column
"${PSQL[@]}" -c "CREATE TABLE ${p}_sdate (d date, x double precision)"
cat >"$T/27_sdate.json" <<JSON
{"job": {"setting": {"speed": {"channel": "2"}}, "content": [{
  "reader": {"name": "streamreader", "parameter": {"sliceRecordCount": 2,
     "column": [{"value": "1989-06-04 00:00:00", "type": "date"}, {"value": 1.5, "type": "double"}]}},
  "writer": $(W_PG "${p}_sdate" '["d","x"]')}]}}
JSON
sync_ok "$T/27_sdate.json"
same_rows "TABLE ${p}_sdate" "SELECT date '1989-06-04', 1.5::float8 FROM generate_series(1, 4)" "27 stream date"

# ---- 28. DataWorks oss: objects relative to a bucket that is a local
#          directory, Hive spellings of the column types
cat >"$T/28_bucket.json" <<JSON
{"type": "job", "version": "2.0",
 "steps": [
  {"stepType": "oss", "name": "Reader", "category": "reader", "parameter": {
     "datasource": "oss_ds", "bucket": "$D", "object": ["multi/day1/p1.csv", "multi/day2/*"],
     "fileFormat": "csv", "fieldDelimiter": ",", "encoding": "UTF-8", "compress": "none",
     "column": [{"index": 0, "type": "BIGINT"}, {"index": 1, "type": "varchar"}, {"index": 2, "type": "float"}]}},
  {"stepType": "holo", "name": "Writer", "category": "writer", "parameter": {
     "datasource": "holo_ds", "table": "${p}_pk", "truncate": true, "conflictMode": "replace",
     "column": ["id", "name", "score"]}}],
 "setting": {"errorLimit": {"record": "0"}, "speed": {"concurrent": 2, "throttle": true, "mbps": "100"}},
 "order": {"hops": [{"from": "Reader", "to": "Writer"}]}}
JSON
sync_ok "$T/28_bucket.json"
same_rows "TABLE ${p}_pk" "$EXP_PK" "28 oss bucket + relative objects"

# ---- 29. records with more fields than the columns name are read (DataX
#          reads the fields it names); a record short of a named field is
#          a dirty record: counted under errorLimit, else the sync fails
printf '1,a\n2,b,extra,more\n3\n4,d,x\n' >"$D/ragged.csv"
cat >"$T/29_ragged.json" <<JSON
{"job": {"setting": {"errorLimit": {"record": 1}}, "content": [{
  "reader": {"name": "txtfilereader", "parameter": {"path": ["$D/ragged.csv"],
     "column": [{"index": 0, "type": "long"}, {"index": 1, "type": "string"}]}},
  "writer": $(W_PG "${p}_two" '["id","name"]')}]}}
JSON
sync_ok "$T/29_ragged.json"
same_rows "TABLE ${p}_two" "VALUES (1::bigint, 'a'), (2, 'b'), (4, 'd')" "29 extra fields"
expect_grep "ragged.csv:3" "$T/err" "29 the short record is logged"
sed 's/"record": 1/"record": 0/' "$T/29_ragged.json" >"$T/29b_ragged.json"
run_hf "$T/out" "$T/err" sync "$T/29b_ragged.json"
expect_rc 1 "29b a short record with errorLimit 0"
expect_grep "ragged.csv:3" "$T/err" "29b names the file and line"

# ---- 30. paths that match no file fail the sync (DataX: nothing to read)
sed "s#\"$D/ragged.csv\"#\"$D/multi/*/*.nomatch\"#" "$T/29b_ragged.json" >"$T/30_nomatch.json"
"${PSQL[@]}" -c "INSERT INTO ${p}_two VALUES (9, 'kept')"
run_hf "$T/out" "$T/err" sync "$T/30_nomatch.json"
[ "$RC" -ne 0 ] || fail "30 a path matching no file succeeded"
expect_grep "no file matches the path '$D/multi/*/*.nomatch'" "$T/err" "30 names the path"
[ "$("${PSQL[@]}" -c "SELECT count(*) FROM ${p}_two WHERE name = 'kept'")" = 1 ] || fail "30 preSql ran"

# ---- refusals: FILE:LINE:COL of the offending JSON
printf '{"job": {\n  "content": [{\n    "reader": {"name": "txtfilereader" "parameter": {}}\n  }]}}\n' >"$T/bad_json.json"
sync_bad "$T/bad_json.json" 2 "3:40" "not valid JSON"
cat >"$T/bad_reader.json" <<JSON
{"job": {"content": [{
  "reader": {"name": "mysqlreader", "parameter": {"column": ["*"]}},
  "writer": $(W_PG "${p}_two")}]}}
JSON
sync_bad "$T/bad_reader.json" 2 "2:22" "reader 'mysqlreader' is not available"
cat >"$T/bad_path.json" <<JSON
{"job": {"content": [{
  "reader": {"name": "txtfilereader",
    "parameter": {"column": ["*"], "fieldDelimiter": ","}},
  "writer": $(W_PG "${p}_two")}]}}
JSON
sync_bad "$T/bad_path.json" 2 "3:18" "path: required"
cat >"$T/bad_type.json" <<JSON
{"job": {"content": [{
  "reader": {"name": "hdfsreader", "parameter": {"path": "$D/people.csv",
      "fileType": "orc", "column": ["*"]}},
  "writer": $(W_PG "${p}_two")}]}}
JSON
sync_bad "$T/bad_type.json" 2 "3:19" "fileType: 'orc' is not available"
cat >"$T/bad_col.json" <<JSON
{"job": {"content": [{
  "reader": {"name": "txtfilereader", "parameter": {"path": "$D/people.csv",
      "column": [{"index": 0, "type": "long"}, {"index": 1, "type": "struct"}]}},
  "writer": $(W_PG "${p}_two")}]}}
JSON
sync_bad "$T/bad_col.json" 2 "3:69" "'struct' is not a column type"
cat >"$T/bad_writer.json" <<JSON
{"type": "job", "version": "2.0",
 "steps": [
  {"stepType": "stream", "name": "Reader", "category": "reader", "parameter": {
     "column": [{"value": "x", "type": "string"}], "sliceRecordCount": 1}},
  {"stepType": "mysql", "name": "Writer", "category": "writer", "parameter": {"table": "t"}}],
 "order": {"hops": [{"from": "Reader", "to": "Writer"}]}}
JSON
sync_bad "$T/bad_writer.json" 2 "5:16" "writer 'mysql' is not available"
cat >"$T/bad_random.json" <<JSON
{"job": {"content": [{
  "reader": {"name": "streamreader", "parameter": {"sliceRecordCount": 3,
     "column": [{"random": "1,10", "type": "long"}]}},
  "writer": $(W_PG "${p}_two" '["id"]')}]}}
JSON
sync_bad "$T/bad_random.json" 2 "3:28" "generated columns are not available"
cat >"$T/bad_eof.json" <<JSON
{"job": {"content": [{
  "reader": {"name": "streamreader", "parameter": {"sliceRecordCount": 3,
JSON
sync_bad "$T/bad_eof.json" 2 "3" "the file ends inside the job"

"${PSQL[@]}" -c "DROP VIEW ${p}_exp; DROP TABLE ${p}_raw, ${p}_people, ${p}_pk, ${p}_txt, ${p}_two, ${p}_const, ${p}_sraw, ${p}_sales, ${p}_sflat, ${p}_stream, ${p}_rev, ${p}_sdate"
finish
