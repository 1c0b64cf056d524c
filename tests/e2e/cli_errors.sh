#!/usr/bin/env bash
# Usage, option and SQL errors exit 2 with a clear message; nothing runs.
. "$(dirname "$0")/lib.sh"
set -e

cat >"$T/typo.sql" <<'SQL'
CREATE TABLE gen (id INT) WITH (
  'connector' = 'datagen',
  'rows-per-secnd' = '10'
);
CREATE TABLE out (id INT) WITH ('connector' = 'blackhole');
INSERT INTO out SELECT id FROM gen;
SQL
run_hf "$T/out" "$T/err" check "$T/typo.sql"
expect_rc 2 "misspelled option"
expect_grep "typo.sql:3:3: error: unknown option 'rows-per-secnd' for connector 'datagen'; did you mean 'rows-per-second'?" "$T/err" "did-you-mean"

cat >"$T/syntax.sql" <<'SQL'
CREATE TABLE gen (id INT) WITH ('connector' = 'datagen');
INSERT INTO out SELEC id FROM gen;
SQL
run_hf "$T/out" "$T/err" check "$T/syntax.sql"
expect_rc 2 "syntax error"
expect_grep "syntax.sql:2:17:" "$T/err" "file:line:col of the syntax error"
expect_grep "^" "$T/err" "caret line"
grep -q '^ *\^' "$T/err" || fail "no caret line under the error"

for conn in kafka upsert-kafka; do
    cat >"$T/$conn.sql" <<SQL
CREATE TABLE t (id INT, PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = '$conn');
SQL
    run_hf "$T/out" "$T/err" check "$T/$conn.sql"
    expect_rc 2 "$conn without brokers"
    expect_grep "missing required option 'properties.bootstrap.servers' for table 't' (connector '$conn')" "$T/err" "$conn message"
done

# The legacy form names a connector the same way.
cat >"$T/legacy.sql" <<'SQL'
CREATE TABLE t (name VARCHAR, age BIGINT) WITH ('connector.type' = 'upsert-kafka', 'connector.topic' = 'x');
SQL
run_hf "$T/out" "$T/err" check "$T/legacy.sql"
expect_rc 2 "legacy upsert-kafka without brokers"
expect_grep "missing required option 'properties.bootstrap.servers' for table 't' (connector 'upsert-kafka')" "$T/err" "legacy message"

# The hologres sink's COPY format 'binaryrow' (Hologres 4.1) is not
# implemented; a text COPY format needs an explicit COPY mode (002_*).
cat >"$T/copy.sql" <<'SQL'
CREATE TABLE t (id INT, PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'hologres',
  'endpoint' = 'h:5432', 'dbname' = 'd', 'tablename' = 't', 'username' = 'u',
  'password' = 'p', 'sink.write-mode' = 'COPY_STREAM', 'sink.copy.format' = 'binaryrow');
SQL
run_hf "$T/out" "$T/err" check "$T/copy.sql"
expect_rc 2 "COPY format binaryrow"
expect_grep "option 'sink.copy.format' = 'binaryrow' (a Hologres 4.1 COPY_STREAM format) is not implemented by holoflow" "$T/err" "binaryrow message"
sed -i "s/'sink.write-mode' = 'COPY_STREAM', 'sink.copy.format' = 'binaryrow'/'sink.copy.format' = 'text'/" "$T/copy.sql"
run_hf "$T/out" "$T/err" check "$T/copy.sql"
expect_rc 2 "COPY format text with AUTO"
expect_grep "option 'sink.copy.format' = 'text' needs a COPY write mode: with 'sink.write-mode' = 'AUTO' only 'binary' is allowed" "$T/err" "text with AUTO message"

cat >"$T/mismatch.sql" <<'SQL'
CREATE TABLE gen (id INT, name STRING) WITH ('connector' = 'datagen');
CREATE TABLE out (id INT) WITH ('connector' = 'print');
INSERT INTO out SELECT id, name FROM gen;
SQL
run_hf "$T/out" "$T/err" check "$T/mismatch.sql"
expect_rc 2 "column count mismatch"
expect_grep "mismatch.sql:3:" "$T/err" "location of the mismatch"

run_hf "$T/out" "$T/err" frobnicate
expect_rc 2 "unknown command"
run_hf "$T/out" "$T/err" run
expect_rc 2 "missing job file"
run_hf "$T/out" "$T/err" run "$T/does-not-exist.sql"
expect_rc 2 "missing job file on disk"
expect_grep "does-not-exist.sql" "$T/err" "names the missing file"
run_hf "$T/out" "$T/err" --version
expect_rc 0 "--version"
expect_grep "holoflow " "$T/out" "version text"
run_hf "$T/out" "$T/err" run --help
expect_rc 0 "run --help"
expect_grep "usage: holoflow run" "$T/out" "run help"
finish
