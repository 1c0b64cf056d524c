#!/usr/bin/env bash
# A stateful operator over an upsert changelog is refused by name, not run
# wrong. The hologres binlog source in its default change-log mode (UPSERT)
# emits +U without -U and -D with the key only; GROUP BY, joins and
# ROW_NUMBER() need every update's old row (Flink plans a
# ChangelogNormalize in front of them; holoflow does not yet), so
# `holoflow check` refuses them at the query's position and names the
# option that gives the complete changelog. The same jobs in mode ALL
# pass, and so does a plain copy of the upsert stream into a keyed sink.
. "$(dirname "$0")/lib.sh"
set -e

tables() {
    cat <<SQL
CREATE TABLE src (id BIGINT, grp INT, amount DECIMAL(10, 2), PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = 'h:1', 'dbname' = 'd', 'tablename' = 't',
      'username' = 'u', 'password' = 'p', 'source.binlog' = 'true'$1);
CREATE TABLE g (grp INT, n BIGINT, PRIMARY KEY (grp) NOT ENFORCED) WITH ('connector' = 'print');
CREATE TABLE o (id BIGINT, grp INT, amount DECIMAL(10, 2)) WITH ('connector' = 'print');
CREATE TABLE dim (grp INT, name STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '3');
CREATE TABLE j (id BIGINT, name STRING) WITH ('connector' = 'print');
SQL
}

# case NAME INSERT EXPECTED-ERROR (empty: must pass)
case_() {
    local name=$1 insert=$2 want=$3
    for mode in "" ", 'source.binlog.change-log-mode' = 'ALL'"; do
        { tables "$mode"; echo "$insert"; } >"$T/job.sql"
        run_hf "$T/out" "$T/err" check "$T/job.sql"
        if [ -n "$want" ] && [ -z "$mode" ]; then
            expect_rc 2 "$name (UPSERT)"
            expect_grep "$want" "$T/err" "$name (UPSERT)"
            expect_grep "set 'source.binlog.change-log-mode' = 'ALL'" "$T/err" "$name: the fix"
        else
            expect_rc 0 "$name${mode:+ (ALL)}"
            [ "$RC" -eq 0 ] || cat "$T/err" >&2
        fi
    done
}

case_ "GROUP BY" "INSERT INTO g SELECT grp, COUNT(*) FROM src GROUP BY grp;" \
    "job.sql:8:15: error: an aggregation over table 'src' is not supported: its changelog is an upsert stream"
case_ "join" "INSERT INTO j SELECT s.id, d.name FROM src s JOIN dim d ON s.grp = d.grp;" \
    "error: a join over table 'src' is not supported"
case_ "ROW_NUMBER" "INSERT INTO o SELECT id, grp, amount FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY grp ORDER BY amount DESC) AS rn FROM src) WHERE rn <= 2;" \
    "error: ROW_NUMBER() over table 'src' is not supported"
# A copy into a keyed sink needs no old rows.
{ tables ""; echo "CREATE TABLE k (id BIGINT, grp INT, amount DECIMAL(10, 2), PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'print');"
  echo "INSERT INTO k SELECT * FROM src;"; } >"$T/job.sql"
run_hf "$T/out" "$T/err" check "$T/job.sql"
expect_rc 0 "copy of the upsert stream"
[ "$RC" -eq 0 ] || cat "$T/err" >&2
finish
