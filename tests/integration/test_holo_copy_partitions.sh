#!/usr/bin/env bash
# COPY into a LIST-partitioned parent: in every COPY mode and format the
# rows land in the child of their value (COPY goes straight into the
# children), missing children are created when sink.create-missing-partition
# is true (also for a DATE partition key), and with false the job fails
# naming the value. A bulk load is one transaction over all children: when
# it fails, the children it created are gone too and the existing ones are
# unchanged.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
p=hf_cpp_$$
export PGOPTIONS="-c client_min_messages=warning"

awk 'BEGIN {
    split("eu us asia la tam", r, " ")
    regions[0] = "eu"; regions[1] = "us"; regions[2] = "asia"; regions[3] = "la tam"; regions[4] = "x-y"
    for (i = 1; i <= 3000; i++)
        printf "%d,%s,%d.%02d,2024-0%d-1%d\n", i, regions[i % 5], i, i % 100, 1 + i % 3, i % 2
}' >"$T/rows.csv"

"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_ref (id bigint, region text, amount numeric(12, 2), day date);
\copy ${p}_ref FROM '$T/rows.csv' csv
CREATE TABLE $p (id bigint, region text, amount numeric(12, 2), day date, PRIMARY KEY (id, region)) PARTITION BY LIST (region);
CREATE TABLE ${p}_d (id bigint, region text, amount numeric(12, 2), day date, PRIMARY KEY (id, day)) PARTITION BY LIST (day);
SQL

# Drop every child, then create eu and us (and one day).
reset_children() {
    "${PSQL[@]}" -c "SELECT string_agg(format('DROP TABLE %I;', c.relname), ' ') FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class pc ON pc.oid = i.inhparent WHERE pc.relname IN ('$p', '${p}_d')" >"$T/drop.sql"
    "${PSQL[@]}" -f "$T/drop.sql"
    "${PSQL[@]}" <<SQL
CREATE TABLE ${p}_eu PARTITION OF $p FOR VALUES IN ('eu');
CREATE TABLE ${p}_us PARTITION OF $p FOR VALUES IN ('us');
CREATE TABLE ${p}_d_20240110 PARTITION OF ${p}_d FOR VALUES IN ('2024-01-10');
SQL
}

# What each child holds: "child|value|rows".
children() {
    "${PSQL[@]}" -F '|' -c "SELECT tableoid::regclass::text, $2, count(*) FROM $1 GROUP BY 1, 2 ORDER BY 1, 2"
}

cols="id BIGINT, region STRING, amount DECIMAL(20, 2), day DATE"
job() { # TABLE "options"
    cat >"$T/job.sql" <<SQL
SET 'execution.runtime-mode' = 'batch';
CREATE TABLE src ($cols) WITH ('connector' = 'filesystem', 'path' = '$T/rows.csv', 'format' = 'csv');
CREATE TABLE dst ($cols) WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT',
  'dbname' = '$PGDATABASE', 'tablename' = '$1', 'username' = '$PGUSER', 'password' = 'x',
  'connection.pool.size' = '3', 'sink.insert.batch-size' = '400'$2);
INSERT INTO dst SELECT * FROM src;
SQL
}

printf '%s\n' "${p}_asia|asia|600" "${p}_eu|eu|600" "${p}_la_tam|la tam|600" \
    "${p}_us|us|600" "${p}_x_y|x-y|600" >"$T/want_region"
printf '%s\n' "${p}_d_20240110|2024-01-10|500" "${p}_d_20240111|2024-01-11|500" \
    "${p}_d_20240210|2024-02-10|500" "${p}_d_20240211|2024-02-11|500" \
    "${p}_d_20240310|2024-03-10|500" "${p}_d_20240311|2024-03-11|500" >"$T/want_day"

for mode in COPY_STREAM COPY_BULK_LOAD COPY_BULK_LOAD_ON_CONFLICT; do
    for fmt in binary text; do
        reset_children
        for tbl in "$p" "${p}_d"; do
            # partitionrouter is a 000 name: its table keeps createparttable's
            # 000 default (false) unless told otherwise.
            job "$tbl" ", 'sink.write-mode' = '$mode', 'sink.copy.format' = '$fmt', 'partitionrouter' = 'true', 'sink.create-missing-partition' = 'true'"
            run_hf "$T/out" "$T/err" run "$T/job.sql"
            if [ "$RC" -ne 0 ]; then
                fail "$mode/$fmt/$tbl: exit $RC"
                tail -3 "$T/err" >&2
                continue
            fi
            d=$("${PSQL[@]}" -c "SELECT count(*) FROM ((TABLE $tbl EXCEPT ALL TABLE ${p}_ref) UNION ALL (TABLE ${p}_ref EXCEPT ALL TABLE $tbl)) x")
            [ "$d" = 0 ] || fail "$mode/$fmt/$tbl: $d rows differ from the file"
        done
        children "$p" region >"$T/got"
        expect_same "$T/want_region" "$T/got" "$mode/$fmt children by region"
        children "${p}_d" day >"$T/got"
        expect_same "$T/want_day" "$T/got" "$mode/$fmt children by day"
    done
done
echo "  every mode and format: rows in the child of their value, missing children created"

# Missing children may not be created: the job fails naming the value.
for mode in COPY_STREAM COPY_BULK_LOAD COPY_BULK_LOAD_ON_CONFLICT; do
    reset_children
    job "$p" ", 'sink.write-mode' = '$mode', 'sink.create-missing-partition' = 'false'"
    run_hf "$T/out" "$T/err" run "$T/job.sql"
    expect_rc 1 "$mode without create-missing-partition"
    # A bulk load meets 'asia' first (line 2); COPY_STREAM's shards race.
    grep -qE "has no partition for value '(asia|la tam|x-y)' of column 'region', and sink.create-missing-partition is false" "$T/err" ||
        fail "$mode missing child: no message naming the value"
    if [ "$mode" != COPY_STREAM ]; then
        expect_grep "value 'asia'" "$T/err" "$mode names the first missing value"
        n=$("${PSQL[@]}" -c "SELECT count(*) FROM $p")
        [ "$n" = 0 ] || fail "$mode: the failed load left $n rows"
    fi
done
echo "  create-missing-partition false: the job fails naming the value"

# A bulk load that fails after creating children: all of it rolls back.
reset_children
"${PSQL[@]}" -c "INSERT INTO $p VALUES (1, 'eu', 1.00, '2000-01-01')"
sed -e '2999s/,[0-9.]*,2024/,1234567890123.45,2024/' "$T/rows.csv" >"$T/bad.csv"
job "$p" ", 'sink.write-mode' = 'COPY_BULK_LOAD_ON_CONFLICT'"
sed -i "s|'path' = '$T/rows.csv'|'path' = '$T/bad.csv'|" "$T/job.sql"
run_hf "$T/out" "$T/err" run "$T/job.sql"
expect_rc 1 "failing bulk load into a parent"
expect_grep "from $T/bad.csv:2999 cannot be written: numeric field overflow" "$T/err" "failing bulk load names the row"
expect_grep "creating partition \"public\".\"${p}_asia\"" "$T/err" "children were created during the load"
children "$p" region >"$T/got"
echo "${p}_eu|eu|1" >"$T/want"
expect_same "$T/want" "$T/got" "after the failed bulk load"
n=$("${PSQL[@]}" -c "SELECT count(*) FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent WHERE pc.relname = '$p'")
[ "$n" = 2 ] || fail "after the failed bulk load the parent has $n children, expected the 2 it had"
echo "  a failed bulk load: children it created are gone, the others unchanged"

reset_children
"${PSQL[@]}" -c "DROP TABLE $p, ${p}_d, ${p}_ref"
finish
