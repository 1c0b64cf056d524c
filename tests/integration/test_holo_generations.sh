#!/usr/bin/env bash
# The three generations of hologres connector options in the seeds write
# the same rows (issue 3, acceptance "jobs written with each of the three
# option generations ... leave the expected rows"):
#   (a) 002_* modern keys ('connector'='hologres', endpoint, dbname,
#       tablename, sink.on-conflict-action, sink.insert.batch-size...),
#   (b) the 000_* names (mutatetype=insertorupdate, ignoredelete,
#       connectionSize, jdbcWriteBatchSize, jdbcWriteFlushInterval,
#       partitionrouter, createparttable),
#   (c) the 001_* legacy form ('connector.type'='hologres',
#       connector.database/table/username/password/endpoint,
#       connector.upsert_type).
# Each job reads the same csv file (600 rows over 200 keys, repeated keys
# crossing batch boundaries, names with commas and quotes) through the
# filesystem source into the seed 000 table shape (user_id bigint primary
# key, user_name text, price numeric(38,2), sale_timestamp timestamptz)
# that already holds rows for keys 150..250. The expected table (the last
# row of each key from the file, plus the untouched pre-existing keys
# 201..250) is computed inside PostgreSQL from the same file loaded with
# \copy. Generation (a) runs twice: endpoint = the Unix-socket directory
# "$PGHOST:$PGPORT" and the TCP address 127.0.0.1:$PGPORT.
# Then: `holoflow explain` shows each old spelling resolved to its
# canonical option; INSERT_OR_IGNORE spelled mutatetype='insertorignore'
# and connector.upsert_type='insertorignore' keeps the stored rows and the
# first row of each new key; ignoredelete=true keeps a row a debezium-json
# delete removes (false deletes it).
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
tbl=hf_gen_t_$$
ref=hf_gen_ref_$$
raw=hf_gen_raw_$$
# Drop the tables whatever happens (and remove $T, as lib.sh's trap does).
trap '"${PSQL[@]}" -c "DROP TABLE IF EXISTS $tbl, $ref, $raw" >/dev/null 2>&1; rm -rf "$T"' EXIT

# --- input: 600 rows, keys 1..200, each key 3 times, spread out.
awk 'BEGIN {
    for (i = 0; i < 600; i++) {
        k = (i * 7) % 200 + 1
        name = (i % 5 == 0) ? sprintf("\"user, %d \"\"q\"\"\"", i) : sprintf("u%d_%d", k, i)
        printf "%d,%s,%d.%02d,2024-0%d-%02d %02d:%02d:%02d\n", k, name, i * 13 % 100000, i % 100, i % 9 + 1, i % 28 + 1, i % 24, i % 60, (i * 7) % 60
    }
}' >"$T/in.csv"

"${PSQL[@]}" <<SQL
SET TimeZone = 'UTC';
SET client_min_messages = warning;
DROP TABLE IF EXISTS $tbl, $ref, $raw;
CREATE TABLE $raw (seq serial, user_id bigint, user_name text, price numeric(38,2), sale_timestamp timestamptz);
\copy $raw (user_id, user_name, price, sale_timestamp) FROM '$T/in.csv' WITH (FORMAT csv)
CREATE TABLE $tbl (user_id bigint PRIMARY KEY, user_name text, price numeric(38,2), sale_timestamp timestamptz);
CREATE TABLE $ref (LIKE $tbl INCLUDING ALL);
INSERT INTO $ref SELECT g, 'pre' || g, g, '2000-01-01 00:00:00+00' FROM generate_series(150, 250) g;
INSERT INTO $ref SELECT DISTINCT ON (user_id) user_id, user_name, price, sale_timestamp FROM $raw ORDER BY user_id, seq DESC
  ON CONFLICT (user_id) DO UPDATE SET user_name = excluded.user_name, price = excluded.price, sale_timestamp = excluded.sale_timestamp;
SQL
[ "$("${PSQL[@]}" -c "SELECT count(*) FROM $raw")" = 600 ] || fail "the csv did not load 600 rows"
[ "$("${PSQL[@]}" -c "SELECT count(*) FROM $ref")" = 250 ] || fail "reference: expected 250 rows"

src="CREATE TABLE src (user_id BIGINT, user_name STRING, price DECIMAL(38, 2), sale_timestamp TIMESTAMP)
WITH ('connector' = 'filesystem', 'path' = '$T/in.csv', 'format' = 'csv');"

# run_gen NAME WITH-CLAUSE
run_gen() {
    local name=$1 with=$2
    "${PSQL[@]}" -c "TRUNCATE $tbl; INSERT INTO $tbl SELECT g, 'pre' || g, g, '2000-01-01 00:00:00+00' FROM generate_series(150, 250) g;"
    cat >"$T/job.sql" <<SQL
$src
CREATE TABLE sink (user_id BIGINT, user_name STRING, price DECIMAL(38, 2), sale_timestamp TIMESTAMP,
  PRIMARY KEY (user_id) NOT ENFORCED)
WITH ($with);
INSERT INTO sink SELECT * FROM src;
SQL
    run_hf "$T/out" "$T/err" run "$T/job.sql"
    if [ "$RC" -ne 0 ]; then
        fail "$name: holoflow exited $RC"
        tail -5 "$T/err" >&2
        return
    fi
    local d n
    d=$("${PSQL[@]}" -c "SELECT count(*) FROM ((TABLE $tbl EXCEPT ALL TABLE $ref) UNION ALL (TABLE $ref EXCEPT ALL TABLE $tbl)) x")
    n=$("${PSQL[@]}" -c "SELECT count(*) FROM $tbl")
    [ "$d" = 0 ] || {
        fail "$name: $d rows differ from the reference"
        "${PSQL[@]}" -c "SET TimeZone='UTC'; (TABLE $tbl EXCEPT ALL TABLE $ref) ORDER BY 1 LIMIT 5" >&2
    }
    [ "$n" = 250 ] || fail "$name: $n rows, expected 250"
    # Spot checks with exact values: a quoted name with a comma, a key
    # written three times (the last wins), an untouched pre-existing row.
    local got
    got=$("${PSQL[@]}" -c "SET TimeZone='UTC'; SELECT user_id, user_name, price, sale_timestamp FROM $tbl WHERE user_id IN (1, 201) ORDER BY 1")
    # key 1 is written by rows i = 0, 200, 400; i = 400 is last:
    # name "user, 400 "q"", price 400*13 % 100000 . 00 = 5200.00,
    # 2024-0(400%9+1=5)-(400%28+1=9) (400%24=16):(400%60=40):(2800%60=40)
    local want='1|user, 400 "q"|5200.00|2024-05-09 16:40:40+00
201|pre201|201.00|2000-01-01 00:00:00+00'
    [ "$got" = "$want" ] || fail "$name: rows 1 and 201 are
$got
expected
$want"
    echo "  $name: $n rows, identical to the reference"
}

common_modern="'connector' = 'hologres', 'dbname' = '$PGDATABASE', 'tablename' = 'public.$tbl',
  'username' = '$PGUSER', 'password' = '', 'sink.on-conflict-action' = 'INSERT_OR_UPDATE',
  'connection.pool.size' = '3', 'sink.insert.batch-size' = '64', 'sink.insert.flush-interval-ms' = '1000'"
run_gen "002 modern keys, socket endpoint" "$common_modern, 'endpoint' = '$PGHOST:$PGPORT'"
run_gen "002 modern keys, tcp endpoint" "$common_modern, 'endpoint' = '127.0.0.1:$PGPORT'"

run_gen "000 names" "'connector' = 'hologres', 'endpoint' = '127.0.0.1:$PGPORT', 'dbname' = '$PGDATABASE',
  'tablename' = '$tbl', 'username' = '$PGUSER', 'password' = 'x',
  'mutatetype' = 'insertorupdate', 'ignoredelete' = 'true', 'connectionSize' = '3',
  'jdbcWriteBatchSize' = '64', 'jdbcWriteFlushInterval' = '1000',
  'partitionrouter' = 'false', 'createparttable' = 'false'"

run_gen "001 legacy connector.* form" "'connector.type' = 'hologres', 'connector.database' = '$PGDATABASE',
  'connector.table' = '$tbl', 'connector.username' = '$PGUSER', 'connector.password' = 'x',
  'connector.endpoint' = '$PGHOST:$PGPORT', 'connector.upsert_type' = 'insertorupdate'"

# The resolved options: every old spelling lands on its canonical option.
explain_has() {
    grep -qF -- "$1" "$T/explain" || fail "$2: explain lacks \"$1\""
}
run_hf "$T/explain" "$T/err" explain "$T/job.sql" # the 001 job, run last
expect_rc 0 "explain 001"
explain_has "sink.on-conflict-action = 'insertorupdate'" "001 connector.upsert_type"
explain_has "endpoint = '$PGHOST:$PGPORT'" "001 connector.endpoint"
explain_has "tablename = '$tbl'" "001 connector.table"
explain_has "dbname = '$PGDATABASE'" "001 connector.database"

# INSERT_OR_IGNORE through the old spellings (mutatetype, whose 000
# default is 'insertorignore'; connector.upsert_type): the pre-existing
# rows stay and each new key keeps the first row of the file.
"${PSQL[@]}" <<SQL
TRUNCATE $ref;
INSERT INTO $ref SELECT g, 'pre' || g, g, '2000-01-01 00:00:00+00' FROM generate_series(150, 250) g;
INSERT INTO $ref SELECT DISTINCT ON (user_id) user_id, user_name, price, sale_timestamp FROM $raw ORDER BY user_id, seq
  ON CONFLICT (user_id) DO NOTHING;
SQL
for with in \
    "'connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE', 'tablename' = '$tbl', 'username' = '$PGUSER', 'password' = 'x', 'mutatetype' = 'insertorignore', 'jdbcWriteBatchSize' = '50', 'connectionSize' = '2'" \
    "'connector.type' = 'hologres', 'connector.endpoint' = '127.0.0.1:$PGPORT', 'connector.database' = '$PGDATABASE', 'connector.table' = '$tbl', 'connector.username' = '$PGUSER', 'connector.password' = 'x', 'connector.upsert_type' = 'insertorignore'"; do
    what=$(grep -o "'[a-z_.]*' = 'insertorignore'" <<<"$with")
    "${PSQL[@]}" -c "TRUNCATE $tbl; INSERT INTO $tbl SELECT g, 'pre' || g, g, '2000-01-01 00:00:00+00' FROM generate_series(150, 250) g;"
    cat >"$T/job.sql" <<SQL
$src
CREATE TABLE sink (user_id BIGINT, user_name STRING, price DECIMAL(38, 2), sale_timestamp TIMESTAMP,
  PRIMARY KEY (user_id) NOT ENFORCED)
WITH ($with);
INSERT INTO sink SELECT * FROM src;
SQL
    run_hf "$T/out" "$T/err" run "$T/job.sql"
    expect_rc 0 "$what"
    d=$("${PSQL[@]}" -c "SELECT count(*) FROM ((TABLE $tbl EXCEPT ALL TABLE $ref) UNION ALL (TABLE $ref EXCEPT ALL TABLE $tbl)) x")
    [ "$d" = 0 ] || fail "$what: $d rows differ from the reference"
    got=$("${PSQL[@]}" -c "SELECT user_name FROM $tbl WHERE user_id IN (1, 150) ORDER BY user_id")
    [ "$got" = 'user, 0 "q"
pre150' ] || fail "$what: names of keys 1, 150 are '$got'"
    echo "  $what: identical to the reference"
done

# The 000 names' ignoredelete=true keeps the rows a changelog deletes
# (false deletes them), and their batch/pool/interval names resolve to
# the canonical options.
cat >"$T/cl.json" <<'EOF'
{"before":null,"after":{"user_id":1,"user_name":"a","price":"1.50","sale_timestamp":"2024-01-01 00:00:00"},"op":"c"}
{"before":null,"after":{"user_id":2,"user_name":"b","price":"2.50","sale_timestamp":"2024-01-02 00:00:00"},"op":"c"}
{"before":{"user_id":1,"user_name":"a","price":"1.50","sale_timestamp":"2024-01-01 00:00:00"},"after":null,"op":"d"}
EOF
for ign in true false; do
    "${PSQL[@]}" -c "TRUNCATE $tbl"
    cat >"$T/job.sql" <<SQL
CREATE TABLE src (user_id BIGINT, user_name STRING, price DECIMAL(38, 2), sale_timestamp TIMESTAMP,
  PRIMARY KEY (user_id) NOT ENFORCED)
WITH ('connector' = 'filesystem', 'path' = '$T/cl.json', 'format' = 'debezium-json');
CREATE TABLE sink (user_id BIGINT, user_name STRING, price DECIMAL(38, 2), sale_timestamp TIMESTAMP,
  PRIMARY KEY (user_id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '127.0.0.1:$PGPORT', 'dbname' = '$PGDATABASE',
  'tablename' = '$tbl', 'username' = '$PGUSER', 'password' = 'x', 'mutatetype' = 'insertorupdate',
  'ignoredelete' = '$ign', 'connectionSize' = '3', 'jdbcWriteBatchSize' = '64',
  'jdbcWriteFlushInterval' = '1000', 'partitionrouter' = 'true', 'createparttable' = 'false');
INSERT INTO sink SELECT * FROM src;
SQL
    run_hf "$T/out" "$T/err" run "$T/job.sql"
    expect_rc 0 "000 ignoredelete=$ign"
    got=$("${PSQL[@]}" -c "SET TimeZone='UTC'; SELECT user_id, user_name, price, sale_timestamp FROM $tbl ORDER BY 1")
    if [ "$ign" = true ]; then
        want='1|a|1.50|2024-01-01 00:00:00+00
2|b|2.50|2024-01-02 00:00:00+00'
    else
        want='2|b|2.50|2024-01-02 00:00:00+00'
    fi
    [ "$got" = "$want" ] || fail "000 ignoredelete=$ign: table is
$got
expected
$want"
done
run_hf "$T/explain" "$T/err" explain "$T/job.sql"
explain_has "connection.pool.size = '3'" "000 connectionSize"
explain_has "sink.insert.batch-size = '64'" "000 jdbcWriteBatchSize"
explain_has "sink.insert.flush-interval-ms = '1000'" "000 jdbcWriteFlushInterval"
explain_has "sink.create-missing-partition = 'false'" "000 createparttable"
explain_has "sink.on-conflict-action = 'insertorupdate'" "000 mutatetype"
explain_has "partitionrouter = 'true'" "000 partitionrouter"

finish
