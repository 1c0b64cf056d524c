#!/usr/bin/env bash
# The jdbc connector's plan-time refusals (`holoflow check`, no database):
# Flink's JdbcDynamicTableFactory rules with Flink's messages (incomplete
# scan.partition options, lower > upper bound, negative retries, the
# legacy lookup cache pair, a PARTIAL cache without eviction, a sub-second
# max-retry-timeout), an unknown option with a suggestion, and holoflow's
# own refusals by name: URLs of other databases, a libpq URI, MySQL
# Connector/J URL properties, unknown URL parameters, a non-PostgreSQL
# driver, OceanBase's compatible modes, a non-numeric partition column, a
# changelog into a jdbc table without PRIMARY KEY, a lookup join. A URL's
# password never appears in a message. A valid table passes.
. "$(dirname "$0")/lib.sh"
set -e

# job WITH-OPTIONS [INSERT]: a job writing a jdbc table.
job() {
    cat >"$T/job.sql" <<SQL
CREATE TABLE src (id BIGINT, ts TIMESTAMP(3), name STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '3');
CREATE TABLE dst (id BIGINT, ts TIMESTAMP(3), name STRING) WITH ('connector' = 'jdbc', $1);
${2:-INSERT INTO dst SELECT * FROM src;}
SQL
}
base="'url' = 'jdbc:postgresql://db.example:5432/shop', 'table-name' = 'orders'"

# refused NAME WITH-OPTIONS EXPECTED [INSERT]
refused() {
    job "$2" "${4:-}"
    run_hf "$T/out" "$T/err" check "$T/job.sql"
    expect_rc 2 "$1"
    expect_grep "$3" "$T/err" "$1"
}

job "$base, 'username' = 'u', 'password' = 'p', 'driver' = 'org.postgresql.Driver',
  'scan.partition.column' = 'id', 'scan.partition.num' = '4',
  'scan.partition.lower-bound' = '1', 'scan.partition.upper-bound' = '100',
  'lookup.cache' = 'PARTIAL', 'lookup.partial-cache.max-rows' = '1000',
  'sink.buffer-flush.max-rows' = '0', 'sink.buffer-flush.interval' = '0'"
run_hf "$T/out" "$T/err" check "$T/job.sql"
expect_rc 0 "a valid jdbc table"
[ "$RC" -eq 0 ] || cat "$T/err" >&2

# Flink 1.10's legacy names ('connector.type' = 'jdbc', 'connector.url', ...)
# keep that version's sink defaults: 5000 rows, no flush timer.
cat >"$T/legacy.sql" <<SQL
CREATE TABLE src (id BIGINT, name STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '3');
CREATE TABLE dst (id BIGINT, name STRING) WITH ('connector.type' = 'jdbc',
  'connector.url' = 'jdbc:postgresql://h/db', 'connector.table' = 't', 'connector.username' = 'u',
  'connector.password' = 'p', 'connector.write.max-retries' = '2');
INSERT INTO dst SELECT * FROM src;
SQL
run_hf "$T/out" "$T/err" explain "$T/legacy.sql"
expect_rc 0 "legacy names"
expect_grep "sink.buffer-flush.max-rows = '5000'  (default of generation 1.10)" "$T/out" "legacy flush rows"
expect_grep "sink.buffer-flush.interval = '0s'  (default of generation 1.10)" "$T/out" "legacy flush timer"
expect_grep "sink.max-retries = '2'  (as 'connector.write.max-retries', generation 1.10)" "$T/out" "legacy spelling"

# Flink's rules and messages.
refused "partition options incomplete" "$base, 'scan.partition.column' = 'id', 'scan.partition.num' = '2'" \
    "Either all or none of the following options should be provided:"
expect_grep "scan.partition.upper-bound" "$T/err" "the partition options listed"
refused "lower > upper" "$base, 'scan.partition.column' = 'id', 'scan.partition.num' = '2',
  'scan.partition.lower-bound' = '9', 'scan.partition.upper-bound' = '1'" \
    "'scan.partition.lower-bound'='9' must not be larger than 'scan.partition.upper-bound'='1'."
refused "username without password" "$base, 'username' = 'u'" \
    "Either all or none of the following options should be provided:"
refused "negative lookup.max-retries" "$base, 'lookup.max-retries' = '-1'" \
    "The value of 'lookup.max-retries' option shouldn't be negative, but is -1."
refused "negative sink.max-retries" "$base, 'sink.max-retries' = '-2'" \
    "The value of 'sink.max-retries' option shouldn't be negative, but is -2."
refused "legacy cache half" "$base, 'lookup.cache.max-rows' = '10'" \
    "Either all or none of the following options should be provided:"
refused "partial cache without eviction" "$base, 'lookup.cache' = 'PARTIAL'" \
    "Missing 'lookup.partial-cache.expire-after-access', 'lookup.partial-cache.expire-after-write' or 'lookup.partial-cache.max-rows' in the configuration."
refused "max-retry-timeout under 1s" "$base, 'connection.max-retry-timeout' = '500ms'" \
    "The value of 'connection.max-retry-timeout' option must be in second granularity and shouldn't be smaller than 1 second, but is 500ms."
refused "unknown option" "$base, 'sink.buffer-flush.max-row' = '5'" \
    "unknown option 'sink.buffer-flush.max-row'"
expect_grep "did you mean 'sink.buffer-flush.max-rows'" "$T/err" "suggestion"
refused "missing url" "'table-name' = 't'" "missing required option 'url'"

# Refused by name.
refused "mysql url" "'url' = 'jdbc:mysql://h:3306/db?password=hush1', 'table-name' = 't'" \
    "MySQL URLs are not supported: holoflow's jdbc connector speaks PostgreSQL only"
if grep -q hush1 "$T/err"; then fail "the URL's password was printed"; fi
refused "oracle url" "'url' = 'jdbc:oracle:thin:@h:1521:x', 'table-name' = 't'" "Oracle URLs are not supported"
refused "unknown dialect" "'url' = 'jdbc:foo://h/db', 'table-name' = 't'" "no JDBC dialect for 'jdbc:foo:'"
refused "libpq uri" "'url' = 'postgresql://h:5432/db', 'table-name' = 't'" "is not a JDBC URL"
expect_grep "this is a libpq URI" "$T/err" "libpq URI hint"
refused "mysql url property" "'url' = 'jdbc:postgresql://h/db?serverTimezone=UTC&password=hush2', 'table-name' = 't'" \
    "'serverTimezone' is a MySQL Connector/J property"
if grep -q hush2 "$T/err"; then fail "the URL's password was printed"; fi
refused "unknown url parameter" "'url' = 'jdbc:postgresql://h/db?colour=red', 'table-name' = 't'" \
    "unknown connection parameter 'colour'"
refused "client certificate" "'url' = 'jdbc:postgresql://h/db?sslcert=/c.pem', 'table-name' = 't'" \
    "connection parameter 'sslcert' is not supported"
refused "bad sslmode" "'url' = 'jdbc:postgresql://h/db?sslmode=maybe', 'table-name' = 't'" \
    "sslmode 'maybe' is not one of"
refused "bad port" "'url' = 'jdbc:postgresql://h:99999/db', 'table-name' = 't'" \
    "the port '99999' is not a number from 1 to 65535"
refused "no slash" "'url' = 'jdbc:postgresql://h:5432', 'table-name' = 't'" \
    "'/database' (or '/') must follow the host"
refused "several hosts" "'url' = 'jdbc:postgresql://a:1,b:2/db', 'table-name' = 't'" \
    "several hosts (pgjdbc's failover list) are not supported"
refused "mysql driver" "$base, 'driver' = 'com.mysql.cj.jdbc.Driver'" \
    "option 'driver' = 'com.mysql.cj.jdbc.Driver' (a MySQL/MariaDB driver)"
refused "compatible-mode mysql" "$base, 'compatible-mode' = 'mysql'" \
    "option 'compatible-mode' = 'mysql'"
refused "timestamp partition column" "$base, 'scan.partition.column' = 'ts', 'scan.partition.num' = '2',
  'scan.partition.lower-bound' = '1', 'scan.partition.upper-bound' = '5'" \
    "option 'scan.partition.column' = 'ts' is a TIMESTAMP(3) column"
refused "changelog without key" "$base" "doesn't support consuming update changes" \
    "INSERT INTO dst SELECT MAX(id), CAST(NULL AS TIMESTAMP(3)), name FROM src GROUP BY name;"
expect_grep "please declare primary key for sink table when query contains update/delete record." "$T/err" "Flink's words"
refused "lookup join" "$base" "FOR SYSTEM_TIME AS OF" \
    "INSERT INTO dst SELECT s.id, s.ts, d.name FROM src AS s JOIN dst FOR SYSTEM_TIME AS OF s.ts AS d ON s.id = d.id;"
finish
