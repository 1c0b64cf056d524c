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
    expect_rc 2 "$conn unavailable"
    expect_grep "connector '$conn' is not available in this build" "$T/err" "$conn message"
done

# The legacy form names a connector the same way.
cat >"$T/legacy.sql" <<'SQL'
CREATE TABLE t (name VARCHAR, age BIGINT) WITH ('connector.type' = 'upsert-kafka', 'connector.topic' = 'x');
SQL
run_hf "$T/out" "$T/err" check "$T/legacy.sql"
expect_rc 2 "legacy upsert-kafka unavailable"
expect_grep "connector 'upsert-kafka' is not available in this build" "$T/err" "legacy message"

# A COPY write mode of the hologres sink is not in this build yet.
cat >"$T/copy.sql" <<'SQL'
CREATE TABLE t (id INT, PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'hologres',
  'endpoint' = 'h:5432', 'dbname' = 'd', 'tablename' = 't', 'username' = 'u',
  'password' = 'p', 'sink.write-mode' = 'COPY_STREAM');
SQL
run_hf "$T/out" "$T/err" check "$T/copy.sql"
expect_rc 2 "COPY_STREAM not yet"
expect_grep "sink.write-mode COPY_STREAM is not available in this build yet" "$T/err" "COPY message"

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
