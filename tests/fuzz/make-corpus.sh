#!/usr/bin/env bash
# Rebuilds the seed corpora of the fuzz targets, tests/fuzz/corpus/<target>/,
# from what the project's own tests and examples use, and the dictionaries
# tests/fuzz/<target>.dict from the generated option docs.
#
# Usage: tests/fuzz/make-corpus.sh
#
# Only files named seed-* are written (and the old seed-* removed first);
# regression inputs kept after a fixed bug are named regress-* and are left
# alone. Seeds are small: each at most 4 KiB, tens per target.
#
#   sql     examples/*.sql, the SQL scripts written by tests/e2e/*.sh and
#           tests/integration/*.sh (here-documents ending in a line "SQL";
#           shell variables stay as they are, which is fine for a seed), and
#           a few scripts for syntax the tests do not spell out
#   format  one record per file after the selector byte (see
#           fuzz_format.c): csv, json, raw and avro records for each row
#           type, and the change events of Flink's own CDC format tests in
#           ../shared/testdata/flink-formats (when that directory exists;
#           HF_SHARED_DIR overrides where shared/ is) and examples/data
#   rowcodec the selector byte (see fuzz_rowcodec.c) and encoded rows of
#           each row type: scalars, NULLs, a group key, nested values
#   opts    the selector byte (see fuzz_opts.c) and key=value lines: each
#           WITH clause of the SQL seeds for its connector and format, and
#           every option with its default from docs/connectors/*.md and
#           docs/formats/*.md
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
shared=${HF_SHARED_DIR:-$root/../shared}
corpus=$here/corpus
max=4096

for t in sql format opts rowcodec sync; do
    mkdir -p "$corpus/$t"
    rm -f "$corpus/$t"/seed-*
done

# Writes stdin to corpus/$1/seed-$2, cut to $max bytes.
put() {
    head -c "$max" >"$corpus/$1/seed-$2"
}

# ------------------------------------------------------------------ sql

for f in "$root"/examples/*.sql; do
    put sql "example-$(basename "$f")" <"$f"
done

# Here-documents "<<'SQL'" / "<<SQL" ... "SQL" of the shell tests.
for f in "$root"/tests/e2e/*.sh "$root"/tests/integration/*.sh; do
    [ -e "$f" ] || continue
    awk -v dir="$corpus/sql" -v base="$(basename "$f" .sh)" '
        /<<.?SQL.?$/ { inside = 1; n++; file = dir "/seed-" base "-" n ".sql"; next }
        inside && /^SQL$/ { inside = 0; close(file); next }
        inside { print > file }
    ' "$f"
done
# Keep the corpus small: at most 2 scripts from each test.
for f in "$corpus"/sql/seed-*-[3-9].sql "$corpus"/sql/seed-*-[1-9][0-9].sql; do
    [ -e "$f" ] && rm -f "$f"
done
for f in "$corpus"/sql/seed-*; do
    [ "$(wc -c <"$f")" -le "$max" ] || truncate -s "$max" "$f"
done

put sql statement-set.sql <<'SQL'
SET 'execution.runtime-mode' = 'batch';
SET pipeline.name = fuzz;
CREATE TEMPORARY TABLE IF NOT EXISTS src (
  id BIGINT NOT NULL,
  name VARCHAR(20) COMMENT 'the name',
  price DECIMAL(10, 2),
  tags ARRAY<STRING>,
  ts TIMESTAMP(3),
  pt AS PROCTIME(),
  PRIMARY KEY (id) NOT ENFORCED
) WITH ('connector' = 'datagen', 'number-of-rows' = '10',
        'fields.id.kind' = 'sequence', 'fields.id.start' = '1',
        'fields.id.end' = '10');
CREATE TABLE out1 (id BIGINT, n STRING, p DOUBLE) WITH ('connector' = 'print');
CREATE TABLE out2 WITH ('connector' = 'blackhole') LIKE src;
EXECUTE STATEMENT SET BEGIN
INSERT INTO out1 SELECT id, UPPER(name) || '-x', CAST(price AS DOUBLE) * 2 FROM src WHERE id > 3 AND name IS NOT NULL;
INSERT INTO out1 (id, n) SELECT id + 1, COALESCE(name, 'none') FROM src;
END;
SQL

put sql expressions.sql <<'SQL'
CREATE TABLE s (a INT, b STRING, c DECIMAL(38, 18), d TIMESTAMP_LTZ(3), e BYTES, f BOOLEAN)
WITH ('connector' = 'datagen', 'number-of-rows' = '5');
CREATE TABLE k (x STRING, y BIGINT, z DATE) WITH ('connector' = 'print', 'print-identifier' = 'p');
INSERT INTO k
SELECT CASE WHEN a % 2 = 0 THEN 'even' WHEN a IS NULL THEN NULL ELSE SUBSTRING(b, 2, 3) END,
       CAST(c * 1000 AS BIGINT) + ABS(-a) - (a / 3),
       CAST(d AS DATE)
FROM s
WHERE (a BETWEEN -10 AND 10 OR b LIKE 'a%' OR b IN ('x', 'y''z'))
  AND NOT f AND CHAR_LENGTH(b) <> 0 AND e IS NOT NULL;
SQL

put sql legacy.sql <<'SQL'
BEGIN STATEMENT SET;
CREATE TABLE f (id INT, `name with space` STRING) WITH (
  'connector.type' = 'filesystem', 'connector.path' = '/nonexistent/x.csv',
  'format.type' = 'csv', 'format.field-delimiter' = '|');
CREATE TABLE o (id INT, n STRING) WITH ('connector' = 'blackhole');
INSERT INTO o SELECT id, `name with space` FROM f;
END;
SQL

put sql kafka-cdc.sql <<'SQL'
-- A Kafka changelog into Hologres, with metadata columns.
CREATE TABLE src (
  id BIGINT, name STRING, weight DECIMAL(10, 2),
  part INT METADATA FROM 'partition' VIRTUAL,
  off BIGINT METADATA FROM 'offset' VIRTUAL,
  PRIMARY KEY (id) NOT ENFORCED
) WITH ('connector' = 'kafka', 'topic' = 'products',
        'properties.bootstrap.servers' = '127.0.0.1:9092',
        'properties.group.id' = 'g1', 'scan.startup.mode' = 'earliest-offset',
        'format' = 'debezium-json', 'debezium-json.schema-include' = 'true');
CREATE TABLE dst (id BIGINT, name STRING, weight DECIMAL(10, 2),
                  PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '127.0.0.1:5432', 'dbname' = 'db',
      'tablename' = 'public.dst', 'username' = 'u', 'password' = '${PGPASSWORD}',
      'mutatetype' = 'insertorupdate', 'sink.delete-strategy' = 'DELETE_ROW_ON_PK');
INSERT INTO dst SELECT id, name, weight FROM src;
SQL

put sql queries.sql <<'SQL'
SET 'execution.runtime-mode' = 'batch';
CREATE TABLE s (id INT, name STRING, ms BIGINT, ts AS TO_TIMESTAMP_LTZ(ms, 3),
  up AS UPPER(name), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
WITH ('connector' = 'datagen', 'number-of-rows' = '5');
CREATE TABLE s2 WITH ('number-of-rows' = '2') LIKE s (EXCLUDING WATERMARKS OVERWRITING OPTIONS);
CREATE TABLE o (id BIGINT, n STRING, c AS id * 2) WITH ('connector' = 'print');
CREATE TEMPORARY VIEW IF NOT EXISTS v (i, n) AS SELECT id, up FROM s WHERE id > 0;
EXECUTE STATEMENT SET BEGIN
INSERT INTO o WITH w AS (SELECT i, n FROM v), x (a, b) AS (SELECT * FROM w)
  SELECT a, b FROM x UNION ALL SELECT id, name FROM s2 /*+ OPTIONS('rows-per-second' = '5') */ AS t
  UNION ALL VALUES (1, 'a'), (NULL, NULL);
INSERT INTO o SELECT DISTINCT id, name FROM (SELECT * FROM s) AS q (id, name, ms, ts, up) LIMIT 2 OFFSET 1;
INSERT INTO o SELECT 1, 'x' UNION SELECT id, name FROM s ORDER BY 1;
END;
DROP TEMPORARY VIEW IF EXISTS v;
DROP TABLE s2;
SQL

put sql upsert-kafka.sql <<'SQL'
CREATE TABLE g (id INT, v STRING) WITH ('connector' = 'datagen');
CREATE TABLE u (id INT, v STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = 't',
  'properties.bootstrap.servers' = 'localhost:9092',
  'key.format' = 'csv', 'value.format' = 'json',
  'value.json.ignore-parse-errors' = 'true', 'sink.buffer-flush.interval' = '1 s');
INSERT INTO u SELECT * FROM g;
SQL

# ------------------------------------------------------------------ format

# fmt NAME SELECTOR-HEX: the selector byte and then stdin.
fmt() {
    { printf "\\x$2"; cat; } | put format "$1"
}

# csv (selector: format 0 or 7 | variant << 3 | row type << 6; csv
# variants: bit 0 ignore-parse-errors, bits 1-2 delimiters/quote/escape)
printf '101,scooter,Small 2-wheel scooter,3.14' | fmt csv-products 00
printf '102,"car, battery","12V ""car"" battery",8.10' | fmt csv-products-quoted 00
printf '103,,,\r' | fmt csv-products-nulls 08
printf "104|'ham|mer'|x|0.75" | fmt csv-pipe-quote 10
printf '105,a\\,b,c\\\\d,1.00' | fmt csv-noquote-escape 20
printf '106\thammer\tNULL\t1.00' | fmt csv-tab-null 30
printf '# a comment' | fmt csv-comment 30
printf '107,\\N,a\\,b,2.00' | fmt csv2-mysql-null 07
printf '108;x y;*a**b;c*;1.5' | fmt csv2-star-quote 0f
printf 'true,1,2,3,4,1.5,2.25,123.4567890123,str,aGVsbG8=,2024-01-02,10:11:12.123,2024-01-02 10:11:12.123,2024-01-02 10:11:12.123456Z' \
    | fmt csv-scalars 40
printf 'false,-128,-32768,-2147483648,-9223372036854775808,NaN,-Infinity,-0.0000000001, ,,1970-01-01,00:00:00,1969-12-31 23:59:59.999,1970-01-01 00:00:00Z' \
    | fmt csv-scalars-limits 40
printf '1,a;b;c,1;2;;3,1.50;2.25,2024-01-01 00:00:00.001;2024-02-29 23:59:59,12:00:00,2024-01-01 00:00:00.123456789,2024-01-01 00:00:00.123Z,"{""k"": [1,2]}"' \
    | fmt csv-arrays 80
printf '2\ta;NULL\t1;NULL\t\t\t\t\t\tNULL' | fmt csv-arrays-null-literal b0
printf 'hello' | fmt csv-one-string c0
printf 'AAEC/w==' | fmt csv-one-bytes c8
printf ' TRUE ' | fmt csv-one-boolean d0
printf '1.0E10' | fmt csv-one-float e8
if [ -d "$shared/testdata/flink-formats/inputs" ]; then
    in=$shared/testdata/flink-formats/inputs
    # one-column row type: variant 3 = INT, 4 = BIGINT, 6 = DOUBLE
    for pair in csv-field-integers.csv:d8 csv-field-bigint.csv:e0 \
        csv-field-double.csv:f0 csv-field-string.csv:c0 \
        csv-field-boolean.csv:d0 csv-field-bytes.csv:c8; do
        f=${pair%%:*} sel=${pair##*:}
        [ -f "$in/$f" ] || continue
        # Flink's records are BEGIN,<value>,END: the value alone
        grep -v ',null,' "$in/$f" | head -n 1 | sed 's/^BEGIN,//; s/,END$//' |
            tr -d '\n' | fmt "flink-${f%.csv}" "$sel"
    done
fi

# json family
printf '{"id":101,"name":"scooter","description":null,"weight":3.14}' | fmt json-products 01
printf '[{"id":1},null,{"id":2,"name":"x","weight":"2.50"}]' | fmt json-array 01
printf '{"id":"12345678901234567890","weight":1e400}' | fmt json-wide-number 09
printf '{"b":true,"ti":1,"si":-2,"i":3,"bi":9223372036854775807,"f":1.5,"d":"NaN","dec":123.4567890123,"s":"\\u00e9\\n","by":"aGVsbG8=","dt":"2024-01-02","tm":"10:11:12.123","ts":"2024-01-02 10:11:12.123","ltz":"2024-01-02 10:11:12.123456Z"}' \
    | fmt json-scalars 41
printf '{"b":false,"ts":"2024-01-02T10:11:12.123","ltz":"2024-01-02T10:11:12Z","dec":1E-8}' | fmt json-iso 51
printf '{"id":1,"tags":["a","b",null],"nums":[1,2,null],"prices":[1.5,"2.25"],"times":["2024-01-01 00:00:00.001"],"t0":"12:00:00","ts9":"2024-01-01T00:00:00.123456789","ltz3":"2024-01-01 00:00:00.123Z","doc":{"k":[1,2.5,"x"]}}' \
    | fmt json-arrays 81
printf '{"v":{"a":[1,{"b":null}]}}' | fmt json-one-json f9
# nested columns of row type 2 (JSON formats): r ROW<a, s, l ARRAY<DOUBLE>>,
# m MAP<STRING, ARRAY<INT>>, aa ARRAY<ARRAY<SMALLINT>>, ae ARRAY<ROW<k, d>>
printf '{"id":1,"r":{"a":1,"s":"x","l":[1.5,null,"NaN"]},"m":{"k":[1,null],"e":[],"n":null},"aa":[[1,2],[],null,[-3]],"ae":[{"k":"a","d":1.5},null,{"k":null,"d":"2.25"}]}' \
    | fmt json-nested 81
printf '{"id":2,"r":[1],"m":[1],"aa":[1,[2]],"ae":[{"d":"x"}]}' | fmt json-nested-bad 89
printf '{"before":{"id":1,"r":{"a":1}},"after":{"id":1,"r":{"a":2,"l":[]},"m":{"q":[7]}},"op":"u"}' \
    | fmt debezium-nested 82
printf '{"data":[{"id":"1","r":{"a":"2","s":"y"},"aa":[["1"]]}],"type":"INSERT"}' | fmt canal-nested 83
printf '{"type":"insert","data":{"id":1,"ae":[{"k":"z","d":0.01}],"m":{}}}' | fmt maxwell-nested 84
printf '{"before":null,"after":{"id":1,"name":"a","description":"b","weight":1.5},"op":"c"}' | fmt debezium-insert 02
printf '{"before":{"id":1,"name":"a"},"after":{"id":1,"name":"b"},"op":"u"}' | fmt debezium-update 02
printf '{"before":{"id":1},"after":null,"op":"d"}' | fmt debezium-delete 0a
printf '{"schema":{},"payload":{"before":null,"after":{"id":2},"op":"r"}}' | fmt debezium-schema 22
printf '{"data":[{"id":"1","weight":"5.18"}],"old":[{"weight":"5.17"}],"type":"UPDATE","database":"inv","table":"products"}' \
    | fmt canal-update 03
printf '{"data":[{"id":"1"}],"type":"DELETE","database":"inventory","table":"products"}' | fmt canal-filter 23
printf '{"data":null,"type":"CREATE","isDdl":true}' | fmt canal-ddl 03
printf '{"database":"test","table":"product","type":"update","data":{"id":1,"name":"x"},"old":{"name":null}}' \
    | fmt maxwell-update 04
printf '{"type":"delete","data":{"id":7,"weight":0.1}}' | fmt maxwell-delete 14
if [ -d "$shared/testdata/flink-formats/flink" ]; then
    fl=$shared/testdata/flink-formats/flink
    n=0
    for spec in debezium-data-schema-exclude.txt:02 \
        debezium-postgres-data-replica-identity.txt:02 \
        debezium-data-schema-include.txt:22 canal-data.txt:03 \
        canal-data-filter-table.txt:23 maxwell-data.txt:04; do
        f=${spec%%:*} sel=${spec##*:}
        [ -f "$fl/$f" ] || continue
        n=0
        while IFS= read -r line && [ "$n" -lt 3 ]; do
            n=$((n + 1))
            printf '%s' "$line" | fmt "flink-${f%.txt}-$n" "$sel"
        done <"$fl/$f"
    done
fi
n=0
while IFS= read -r line && [ "$n" -lt 3 ]; do
    n=$((n + 1))
    printf '%s' "$line" | fmt "example-orders-debezium-$n" 02
done <"$root/examples/data/orders.debezium.json"

# raw: the type is one_types[((variant >> 1) | (row type << 2)) % 10]
printf 'hello raw' | fmt raw-string 05
printf '\x00\xff\x10' | fmt raw-bytes 15
printf '\x00\x00\x01\x00' | fmt raw-int 35
printf '\x80\x00\x00\x00\x00\x00\x00\x01' | fmt raw-bigint 45
printf '\x01\x00\x00\x00\x00\x00\x00\x80' | fmt raw-bigint-le 4d
printf '\x40\x09\x21\xfb\x54\x44\x2d\x18' | fmt raw-double 65
printf '\xff\xfe' | fmt raw-smallint 95
printf '' | fmt raw-empty 85

# avro: every column is union(null, T): branch 0 is null, 2 (zig-zag 1) T
printf '\x02\x02\x02\x06abc\x00\x02\x04\x01\xf4' | fmt avro-products 06
printf '\x00\x00\x00\x00' | fmt avro-products-nulls 0e
printf '\x02\x01\x02\x02\x02\x04\x02\x06\x02\x08\x02\x00\x00\xc0\x3f\x02\x00\x00\x00\x00\x00\x00\x02\x40\x02\x02\x7b\x02\x06abc\x02\x04\x00\xff\x02\x02\x02\x02\x02\x02\x02\x02' \
    | fmt avro-scalars 46
# then the nested columns: r (1, "x", [1.5]), m {k=[2]}, aa NULL, ae NULL
printf '\x02\x02\x02\x04\x02\x02a\x00\x00\x02\x02\x02\x04\x00\x00\x00\x00\x00\x00\x02\x0e{"k":1}\x02\x02\x02\x02\x02x\x02\x02\x02\x00\x00\x00\x00\x00\x00\xf8\x3f\x00\x02\x02\x02k\x02\x02\x02\x04\x00\x00\x00\x00' \
    | fmt avro-arrays 86
printf '\x02\x06abc' | fmt avro-one-string c6

# ------------------------------------------------------------------ opts

# Selector of a table: connectors 0-7 in registry order, formats 8-14,
# the job's SET keys 15.
sel_of() {
    case $1 in
    datagen) echo 00 ;; print) echo 01 ;; blackhole) echo 02 ;;
    filesystem) echo 03 ;; hologres) echo 04 ;; kafka) echo 05 ;;
    upsert-kafka) echo 06 ;; jdbc) echo 07 ;; csv) echo 08 ;;
    json) echo 09 ;; debezium-json) echo 0a ;; canal-json) echo 0b ;;
    maxwell-json) echo 0c ;; raw) echo 0d ;; avro) echo 0e ;; job) echo 0f ;;
    *) echo "" ;;
    esac
}

# opt NAME SELECTOR-HEX: the selector byte and then the lines of stdin.
opt() {
    { printf "\\x$2"; cat; } | put opts "$1"
}

# The WITH clauses of the SQL seeds: pairs other than 'connector' for the
# connector's table (format options included, as the planner offers them).
for f in "$corpus"/sql/seed-*; do
    stmts=$(tr '\n' ' ' <"$f" | sed 's/;/\n/g' | grep -i 'with *(') || continue
    while IFS= read -r stmt; do
        pairs=$(grep -oE "'[^']*' *= *'[^']*'" <<<"$stmt" |
            sed -E "s/^'([^']*)' *= *'([^']*)'$/\1=\2/") || continue
        conn=$(sed -n 's/^connector=//p' <<<"$pairs" | head -n 1)
        s=$(sel_of "$conn")
        [ -n "$s" ] || continue
        name=$(basename "$f" .sql | sed 's/^seed-//')
        grep -v '^connector=' <<<"$pairs" | opt "with-$name-$conn" "$s" || true
    done <<<"$stmts"
done

# Every documented option with its default, per table.
for d in "$root"/docs/connectors/*.md "$root"/docs/formats/*.md; do
    [ -e "$d" ] || continue
    name=$(basename "$d" .md)
    s=$(sel_of "$name")
    [ -n "$s" ] || continue
    grep -E '^\| `[^`]+` ' "$d" |
        awk -F'|' '{
            key = $2; def = $5
            gsub(/^ *`|` *$/, "", key); gsub(/^ *| *$/, "", def)
            if (key == "connector" || key ~ /[#*]/ || def !~ /^`.*`$/) next
            gsub(/`/, "", def)
            print key "=" def
        }' | opt "defaults-$name" "$s"
done

printf 'fields.id.kind=sequence\nfields.id.start=1\nfields.id.end=10\nfields.name.length=5\nnumber-of-rows=3\nrows-per-second=1 000' \
    | opt datagen-fields 00
printf 'path=/nonexistent\nformat=csv\ncsv.field-delimiter=\\t\ncsv.quote-character=\\u0027\nsource.monitor-interval=1 min\npartition.default-name=x' \
    | opt filesystem-csv 03
printf 'endpoint=127.0.0.1:5432\ndbname=db\ntablename=t\nusername=u\npassword=secret-password\njdbcWriteBatchSize=2mb\njdbcWriteFlushInterval=500ms\nmutatetype=insertorignore' \
    | opt hologres-basic 04
printf 'topic=a;b\nproperties.bootstrap.servers=h:1\nproperties.security.protocol=SASL_SSL\nproperties.sasl.password=pw-pw-pw\nformat=avro\nscan.startup.mode=specific-offsets\nscan.startup.specific-offsets=partition:0,offset:42;partition:1,offset:300' \
    | opt kafka-offsets 05
printf 'csv.field-delimiter=|\ncsv.null-literal=\\N\ncsv.escape-character=\\\\\ncsv.array-element-delimiter=;' \
    | opt csv-options 08
printf 'value.json.timestamp-format.standard=iso_8601\nvalue.json.fail-on-missing-field=TRUE' | opt json-value-prefix 19
printf 'format.ignore-parse-errors=true\nformat.schema-include=false' | opt debezium-legacy-prefix 3a
printf 'execution.runtime-mode=BATCH\nexecution.checkpointing.interval=2 min\nholoflow.batch.rows=4096\ntable.exec.sink.not-null-enforcer=drop' \
    | opt job-settings 0f

# ------------------------------------------------------------------ dicts

# Option keys and enum values of every table, for -dict= (fuzz_opts and,
# as WITH keys, fuzz_sql).
{
    for d in "$root"/docs/connectors/*.md "$root"/docs/formats/*.md; do
        [ -e "$d" ] || continue
        grep -E '^\| `[^`]+` ' "$d" | awk -F'|' '{
            key = $2; vals = $6
            gsub(/^ *`|` *$/, "", key)
            print "\"" key "=\""
            n = split(vals, v, ",")
            for (i = 1; i <= n; i++) {
                gsub(/^ *| *$/, "", v[i])
                if (v[i] ~ /^[A-Za-z_-]+$/) print "\"" v[i] "\""
            }
        }'
    done
} | sort -u >"$here/opts.dict"
{
    for w in SET CREATE TEMPORARY TABLE IF NOT EXISTS WITH INSERT INTO SELECT \
        FROM WHERE AND OR NOT NULL IS CAST AS CASE WHEN THEN ELSE END \
        EXECUTE STATEMENT BEGIN PRIMARY KEY ENFORCED METADATA VIRTUAL \
        PROCTIME COMMENT LIKE BETWEEN IN TRUE FALSE PARTITIONED BY \
        BOOLEAN TINYINT SMALLINT INT BIGINT FLOAT DOUBLE DECIMAL CHAR \
        VARCHAR STRING BYTES VARBINARY DATE TIME TIMESTAMP TIMESTAMP_LTZ \
        ARRAY JSON JSONB VIEW DROP UNION ALL DISTINCT VALUES LIMIT OFFSET \
        FETCH OVERWRITE OPTIONS INCLUDING EXCLUDING OVERWRITING GENERATED \
        CONSTRAINTS PARTITIONS WATERMARKS WATERMARK FOR ROW \
        MATCH_RECOGNIZE GROUP HAVING FILTER COUNT SUM AVG MIN MAX \
        FIRST_VALUE LAST_VALUE LISTAGG STDDEV_POP VAR_SAMP; do
        echo "\"$w\""
    done
    for s in "'connector' = '" "'format' = '" "(" ")" "," ";" "<" ">" "''" \
        "\`" "--" "/*" "/*+" "*/" "\${" "||" "<>"; do
        printf '"%s"\n' "$(sed 's/\\/\\\\/g; s/"/\\"/g' <<<"$s")"
    done
    sed -n 's/^"\([^=]*\)="$/"'"'"'\1'"'"'"/p' "$here/opts.dict"
} | sort -u >"$here/sql.dict"

# ------------------------------------------------------------------ rowcodec
# The selector byte (a row type of fuzz_rowcodec.c), then encoded rows.
rc() { printf "$2" | put rowcodec "$1"; }
rc scalars '\x00\x01\x01\x01\x7f\x01\x80\x05\x01\x80\x00\x00\x00\x00\x00\x00\x2a\x01\xbf\xc0\x00\x00\x01\x7f\xf8\x00\x00\x00\x00\x00\x00\x01\x03a\x00b\x01\x80\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x07'
rc nulls '\x00\x00\x00\x00\x00\x00\x00\x00\x00'
rc group-key '\x01\x01\x05Alice\x01\x80\x00\x00\x03\x01\x80\x00\x00\x00\x00\x00\x01\x2c\x01\x80\x06\x0e\x1b\xf1\x2c\x40\x00'
rc nested '\x02\x01\x02\x01\x80\x00\x00\x01\x00\x01\x01\x01\x02k1\x01\x80\x00\x00\x0a\x01\x01\x80\x00\x00\x07\x01\x05seven\x01\x01\x01\x01m\x01\x80\x00\x00\x02\x01\x01\x01\x01\x80\x00\x00\x07\x00'
rc deep '\x03\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x02\x01\x80\x00\x00\x01\x00\x01\x02hi'

# ------------------------------------------------------------------ sync
# The job files ("<<JSON" here-documents) of the sync integration tests,
# their shell variables given plausible values, then hand-written jobs for
# what the tests do not write. After a NUL byte: -p variables and the
# target's "@path=", "@shard=", "@fields=" settings (fuzz_sync.c).
for f in "$root"/tests/integration/test_sync*.sh; do
    [ -e "$f" ] || continue
    base=$(basename "$f" .sh)
    awk -v dir="$corpus/sync" -v base="$base" '
        /<<.?JSON.?$/ { inside = 1; n++; file = dir "/seed-" base "-" n ".json"; next }
        inside && /^JSON$/ { inside = 0; close(file); next }
        inside { print > file }
    ' "$f"
done
for f in "$corpus"/sync/seed-*.json; do
    sed -i -e 's/\\\$/$/g' -e 's#\$URL#jdbc:postgresql://localhost:5432/db#g' \
        -e 's#\${*T}*/#/tmp/hf/#g' -e 's/\${*PGUSER}*/postgres/g' \
        -e 's/\${*PGHOST}*/localhost/g' -e 's/\${*PGPORT}*/5432/g' \
        -e 's/\${p}/t/g' "$f"
done
sj() { printf '%b' "$2" | put sync "$1"; }
sj querysql '{"job": {"content": [{"reader": {"name": "postgresqlreader", "parameter": {"username": "u", "password": "pw",\n "connection": [{"jdbcUrl": ["jdbc:postgresql://h:5432/db?ssl=1"], "querySql": ["SELECT id, v FROM t WHERE id > ${lo}", "SELECT id, v FROM t2"]}]}},\n "writer": {"name": "hologresjdbcwriter", "parameter": {"username": "u", "password": "pw", "column": ["id", "v"], "schema": "s",\n "connection": [{"jdbcUrl": "jdbc:hologres://h:80/db", "table": ["t"]}]}}}]}}\0lo=5'
sj tables-where '{"job": {"setting": {"speed": {"byte": 1048576, "record": 1000}, "errorLimit": {"percentage": 0.1}},\n "content": [{"reader": {"name": "postgresqlreader", "parameter": {"username": "u", "password": "",\n "column": ["id", "name", {"value": "7", "type": "long"}], "where": "id > $lo AND name <> \x27x\x27",\n "connection": [{"jdbcUrl": "jdbc:postgresql://h/db", "table": ["a", "b"]}, {"jdbcUrl": "jdbc:postgresql://h2:1/db2", "table": ["c"]}]}},\n "writer": {"name": "postgresqlwriter", "parameter": {"username": "u", "password": "p",\n "column": ["id", "name", "k"], "preSql": ["DELETE FROM @table WHERE id > 0"], "postSql": ["ANALYZE @table"],\n "connection": [{"jdbcUrl": "jdbc:postgresql://h/db", "table": ["Out"]}]}}}]},\n "core": {"transport": {"channel": {"speed": {"byte": 65536, "record": 100}}}}}\0lo=3\0@shard=1/3'
sj json-files '{"type": "job", "version": "2.0", "steps": [{"stepType": "hdfs", "category": "reader", "parameter": {\n "path": "/tmp/hf/in/k=${d}/*.json", "fileType": "json", "compress": "gzip", "nullFormat": "\\\\N",\n "column": [{"index": 0, "name": "a", "type": "long"}, {"index": 1, "name": "b", "type": "string"}, {"type": "partition", "name": "k"}]}},\n {"stepType": "holo", "category": "writer", "parameter": {"datasource": "ds", "table": "\\"S\\".\\"T\\"", "truncate": true, "partition": "k=${d}",\n "column": ["a", "b", "k"], "conflictMode": "update", "maxConnectionCount": 4}}],\n "setting": {"speed": {"concurrent": 3, "throttle": true, "mbps": "2"}, "errorLimit": {"record": 5}}}\0d=20261203\0@path=/jobs/j.json'
sj text-star '{"job": {"setting": {"speed": {"channel": 4}}, "content": [{"reader": {"name": "txtfilereader", "parameter": {\n "path": ["/tmp/hf/t?t/*.txt"], "fileType": "text", "fieldDelimiter": "\\\\t", "skipHeader": "true"}},\n "writer": {"name": "holo", "parameter": {"connection": {"jdbcUrl": "postgresql://h:1/d", "table": "x"}, "column": ["*"], "writeMode": "update"}}}]}}\0@fields=3'
sj avro '{"job": {"content": [{"reader": {"name": "ossreader", "parameter": {"path": "/d/*.avro", "fileType": "avro",\n "column": [{"index": 0, "name": "id", "type": "long"}, {"value": "${v}", "type": "string"}]}},\n "writer": {"name": "hologreswriter", "parameter": {"jdbcUrl": "jdbc:postgresql://h:5432/db", "table": "public.t", "column": ["id", "c"], "batchSize": "512",\n "client": {"writeThreadSize": 3}}}}]}}\0v=it\x27s'
sj stream '{"job": {"setting": {"errorLimit": {"record": "2"}}, "content": [{"reader": {"name": "streamreader", "parameter": {"sliceRecordCount": "100",\n "column": [{"value": "1", "type": "long"}, {"value": "2026-12-03", "type": "date"}, {"value": "true", "type": "bool"}, {"value": "x", "type": "bytes"}]}},\n "writer": {"name": "postgresqlwriter", "parameter": {"jdbcUrl": "jdbc:postgresql://h/db", "table": "t", "column": ["a", "d", "b", "y"]}}}]}}'

for t in sql format opts rowcodec sync; do
    echo "corpus/$t: $(find "$corpus/$t" -type f | wc -l) files," \
        "$(cat "$corpus/$t"/* | wc -c) bytes"
done
