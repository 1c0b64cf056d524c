#!/usr/bin/env bash
# The COPY write modes store every type exactly as INSERT mode does, in the
# binary and in the text format: one JSON file (NULLs, NaN and infinities,
# -0.0, negative numerics with many digits, dates and timestamps before
# 1970 and 2000 and in year 9999, arrays with NULL elements and empty
# arrays, text with tabs, newlines, carriage returns, backslashes, quotes,
# the text delimiter U+0002 and the literal "\N", bytea, jsonb, and
# columns whose table type differs from the Flink type: INT into bigint
# and numeric, FLOAT into double precision, ARRAY<INT> into bigint[],
# STRING into varchar(40)) is written with INSERT (the reference), and
# with COPY_BULK_LOAD / COPY_STREAM / COPY_BULK_LOAD_ON_CONFLICT in both
# formats; every table must equal the reference row for row, and the
# special values are checked against literal expectations.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
p=hf_ct_$$

# --- the data: special rows, then 3000 generated ones.
cat >"$T/rows.json" <<'EOF'
{"id":1,"d":"NaN","f":1.5,"f8":0.1,"n":"-12345678901234567890.1234567890","dt":"1899-12-31","ts":"1900-01-01 00:00:00.123456","ltz":"9999-12-31 23:59:59Z","b":true,"s":"tab\there\nnew\rcr \\ back \"q\" 'a' \u0002 delim","vc":"\\N","ai":[1,null,3],"ai8":[null,-2147483648],"ss":["a b",null,"c\"d","e\\f","t\tn","NULL",""],"by":"AP8K","j":"{\"k\": [1, 2], \"t\": \"x\\ty\"}","sm":-32768,"i8":2147483647,"nm":-7,"ti":"23:59:59"}
{"id":2,"d":"-Infinity","f":"Infinity","f8":"NaN","n":"0.0000000001","dt":"0001-01-01","ts":"1969-12-31 23:59:59.999999","ltz":"1970-01-01 00:00:00Z","b":false,"s":"","vc":"","ai":[],"ai8":[],"ss":[],"by":"","j":"[]","sm":0,"i8":-2147483648,"nm":0,"ti":"00:00:00"}
{"id":3,"d":null,"f":null,"f8":null,"n":null,"dt":null,"ts":null,"ltz":null,"b":null,"s":null,"vc":null,"ai":null,"ai8":null,"ss":null,"by":null,"j":null,"sm":null,"i8":null,"nm":null,"ti":null}
{"id":4,"d":-0.0,"f":-3.4028235E38,"f8":1.0E-45,"n":"-9999999999999999999999999999.9999999999","dt":"9999-12-31","ts":"9999-12-31 23:59:59.999999","ltz":"1900-06-30 12:00:00.5Z","b":true,"s":"€ ünïcödé ✓ \\\\double \\t not a tab","vc":"1234567890123456789012345678901234567890","ai":[null],"ai8":[9],"ss":[null,null],"by":"XA==","j":"{\"a\":null}","sm":32767,"i8":0,"nm":123456,"ti":"12:34:56"}
EOF
awk 'BEGIN {
    srand(11)
    for (i = 5; i <= 3004; i++) {
        neg = rand() < 0.5 ? "-" : ""
        printf "{\"id\":%d,\"d\":%.17g,\"f\":%.6g,\"f8\":%.6g,\"n\":\"%s%d.%010d\",", i, (rand() - 0.5) * 1e6, rand() * 1000, rand(), neg, int(rand() * 1e9), int(rand() * 1e9)
        printf "\"dt\":\"%04d-%02d-%02d\",\"ts\":\"%04d-%02d-%02d %02d:%02d:%02d.%06d\",", 1800 + int(rand() * 400), 1 + int(rand() * 12), 1 + int(rand() * 28), 1800 + int(rand() * 400), 1 + int(rand() * 12), 1 + int(rand() * 28), int(rand() * 24), int(rand() * 60), int(rand() * 60), int(rand() * 1000000)
        printf "\"ltz\":\"%04d-%02d-%02d 0%d:00:00Z\",\"b\":%s,", 1950 + int(rand() * 100), 1 + int(rand() * 12), 1 + int(rand() * 28), int(rand() * 10), rand() < 0.5 ? "true" : "false"
        printf "\"s\":\"row %d\\t%s\\\\%d\\n\",\"vc\":\"v%d\",", i, rand() < 0.5 ? "\\\"q\\\"" : "x", i % 7, i
        printf "\"ai\":[%d,null,%d],\"ai8\":[%d],\"ss\":[\"s%d\",null,\"a,b\"],\"by\":\"AQID\",", i, -i, i * 1000, i
        printf "\"j\":\"{\\\"i\\\": %d}\",\"sm\":%d,\"i8\":%d,\"nm\":%d,\"ti\":\"%02d:%02d:%02d\"}\n", i, i % 30000, i * 7, -i, i % 24, i % 60, (i * 7) % 60
    }
}' >>"$T/rows.json"

cols="id BIGINT, d DOUBLE, f FLOAT, f8 FLOAT, n DECIMAL(38, 10), dt DATE, ts TIMESTAMP(6),
  ltz TIMESTAMP_LTZ(6), b BOOLEAN, s STRING, vc STRING, ai ARRAY<INT>, ai8 ARRAY<INT>,
  ss ARRAY<STRING>, \`by\` BYTES, j STRING, sm SMALLINT, i8 INT, nm INT, ti TIME"

table_ddl() {
    echo "SET client_min_messages = warning; DROP TABLE IF EXISTS $1; CREATE TABLE $1 (id bigint PRIMARY KEY, d double precision,
      f real, f8 double precision, n numeric(38, 10), dt date, ts timestamp(6), ltz timestamptz,
      b boolean, s text, vc varchar(40), ai int4[], ai8 int8[], ss text[], by bytea, j jsonb,
      sm smallint, i8 bigint, nm numeric, ti time);"
}

# load TABLE MODE FORMAT
load() {
    "${PSQL[@]}" -c "$(table_ddl "$1")"
    cat >"$T/job.sql" <<SQL
SET 'execution.runtime-mode' = 'batch';
CREATE TABLE src ($cols) WITH ('connector' = 'filesystem', 'path' = '$T/rows.json', 'format' = 'json');
CREATE TABLE dst ($cols, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '$1', 'username' = '$PGUSER', 'password' = 'x',
      'connection.pool.size' = '3', 'sink.write-mode' = '$2', 'sink.copy.format' = '$3',
      'sink.insert.batch-size' = '700');
INSERT INTO dst SELECT * FROM src;
SQL
    run_hf "$T/out" "$T/err" run "$T/job.sql"
    if [ "$RC" -ne 0 ]; then
        fail "$2/$3: holoflow exited $RC"
        tail -5 "$T/err" >&2
        return
    fi
    expect_grep "3004 rows written" "$T/err" "$2/$3 summary"
}

load "${p}_ref" INSERT binary
for mode in COPY_BULK_LOAD COPY_STREAM COPY_BULK_LOAD_ON_CONFLICT; do
    for fmt in binary text; do
        t="${p}_$(echo "$mode" | tr 'A-Z' 'a-z')_$fmt"
        load "$t" "$mode" "$fmt"
        n=$("${PSQL[@]}" -c "SELECT count(*) FROM $t")
        [ "$n" = 3004 ] || fail "$mode/$fmt: $n rows, expected 3004"
        d=$("${PSQL[@]}" -c "SELECT count(*) FROM ((TABLE $t EXCEPT ALL TABLE ${p}_ref) UNION ALL (TABLE ${p}_ref EXCEPT ALL TABLE $t)) x")
        [ "$d" = 0 ] || {
            fail "$mode/$fmt: $d rows differ from the INSERT-mode table"
            "${PSQL[@]}" -c "(TABLE $t EXCEPT ALL TABLE ${p}_ref) LIMIT 3" >&2
        }
        # The special rows, against literal values (not only against INSERT).
        "${PSQL[@]}" -F '|' >"$T/special" <<SQL
SELECT id, d, f, f8, n, dt, ts, ltz, b, replace(replace(replace(s, E'\t', '<TAB>'), E'\n', '<NL>'), E'\r', '<CR>'),
       vc, ai, ai8, ss, encode(by, 'hex'), j, sm, i8, nm, ti
FROM $t WHERE id <= 4 ORDER BY id;
SQL
        printf '%s\n' \
            "1|NaN|1.5|0.10000000149011612|-12345678901234567890.1234567890|1899-12-31|1900-01-01 00:00:00.123456|9999-12-31 23:59:59+00|t|tab<TAB>here<NL>new<CR>cr \\ back \"q\" 'a' "$'\x02'" delim|\\N|{1,NULL,3}|{NULL,-2147483648}|{\"a b\",NULL,\"c\\\"d\",\"e\\\\f\",\"t"$'\t'"n\",\"NULL\",\"\"}|00ff0a|{\"k\": [1, 2], \"t\": \"x\\ty\"}|-32768|2147483647|-7|23:59:59" \
            "2|-Infinity|Infinity|NaN|0.0000000001|0001-01-01|1969-12-31 23:59:59.999999|1970-01-01 00:00:00+00|f|||{}|{}|{}||[]|0|-2147483648|0|00:00:00" \
            "3|||||||||||||||||||" \
            "4|-0|-3.4028235e+38|1.401298464324817e-45|-9999999999999999999999999999.9999999999|9999-12-31|9999-12-31 23:59:59.999999|1900-06-30 12:00:00.5+00|t|€ ünïcödé ✓ \\\\double \\t not a tab|1234567890123456789012345678901234567890|{NULL}|{9}|{NULL,NULL}|5c|{\"a\": null}|32767|0|123456|12:34:56" \
            >"$T/want"
        before=$FAILS
        expect_same "$T/want" "$T/special" "$mode/$fmt special rows"
        [ "$FAILS" != "$before" ] ||
            echo "  $mode / $fmt: 3004 rows identical to INSERT mode, special values exact"
    done
done
"${PSQL[@]}" -c "SELECT string_agg(format('DROP TABLE %I;', tablename), ' ') FROM pg_tables WHERE tablename LIKE '${p}%'" >"$T/drop.sql"
"${PSQL[@]}" -f "$T/drop.sql"
finish
