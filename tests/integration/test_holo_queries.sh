#!/usr/bin/env bash
# Queries into the hologres sink on the private PostgreSQL, every result
# read back with psql:
#   INSERT INTO t VALUES (...), (...) with NULLs, typed by the columns
#     (a timestamp and a decimal given as literals), and with a column
#     list; a computed column of the sink table is not written;
#   a statement set whose INSERTs read one view over a csv file with
#     computed columns: one a filter, the other the UNION ALL of the view
#     and a VALUES clause, with an OPTIONS hint setting the sink's
#     on-conflict action for the second;
#   the expected contents are computed independently by PostgreSQL from
#     the same csv file (COPY into a scratch table, the same query in SQL).
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
p=hf_q_$$
export PGOPTIONS="-c client_min_messages=warning"
trap '"${PSQL[@]}" -c "DROP TABLE IF EXISTS ${p}_v, ${p}_a, ${p}_b, ${p}_raw" >/dev/null 2>&1; rm -rf "$T"' EXIT

expect_table() {
    local got
    got=$("${PSQL[@]}" -c "SET TimeZone = 'UTC'; $2")
    if [ "$got" != "$3" ]; then
        fail "$1: got
$got
expected
$3"
    fi
}

sink() { # NAME TABLE COLUMNS [OPTIONS]
    cat <<SQL
CREATE TABLE $1 ($3)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT',
      'dbname' = '$PGDATABASE', 'tablename' = '$2', 'username' = '$PGUSER',
      'password' = ''${4:-});
SQL
}

# ------------------------------------------------ INSERT ... VALUES
"${PSQL[@]}" -c "CREATE TABLE ${p}_v (id bigint PRIMARY KEY, name text,
  ts timestamp(3), amount numeric(10,2), note text DEFAULT 'd')"
{
    sink v "${p}_v" "id BIGINT, name STRING, ts TIMESTAMP(3), amount DECIMAL(10, 2),
  note STRING, twice AS id * 2, PRIMARY KEY (id) NOT ENFORCED"
    cat <<'SQL'
INSERT INTO v VALUES
  (1, 'one', '2024-03-01 10:20:30.5', 1.5, 'n1'),
  (2, NULL, NULL, NULL, NULL),
  (3, 'three', TIMESTAMP '2024-03-03 00:00:00', 3, 'n3');
INSERT INTO v (amount, id) VALUES (40.25, 4);
SQL
} >"$T/values.sql"
run_hf "$T/out" "$T/err" run "$T/values.sql"
expect_rc 0 "values job"
expect_table "INSERT VALUES" "SELECT id, coalesce(name, '-'), coalesce(ts::text, '-'),
  coalesce(amount::text, '-'), coalesce(note, '-') FROM ${p}_v ORDER BY id" \
"1|one|2024-03-01 10:20:30.5|1.50|n1
2|-|-|-|-
3|three|2024-03-03 00:00:00|3.00|n3
4|-|-|40.25|-"

# ------------------------------------------------ a view, UNION ALL, hint
cat >"$T/items.csv" <<'CSV'
1,apple,3,2.50
2,pear,0,1.25
3,fig,7,4.00
4,kiwi,2,0.75
5,plum,9,3.10
CSV
"${PSQL[@]}" -c "CREATE TABLE ${p}_a (id bigint PRIMARY KEY, label text, total numeric(12,2));
  CREATE TABLE ${p}_b (id bigint PRIMARY KEY, label text, total numeric(12,2));
  CREATE TABLE ${p}_raw (id int, name text, qty int, price numeric(5,2));"
"${PSQL[@]}" -c "\\copy ${p}_raw FROM '$T/items.csv' WITH (FORMAT csv)"
{
    cat <<SQL
CREATE TABLE items (id INT, name STRING, qty INT, price DECIMAL(5, 2),
  total AS qty * price, label AS UPPER(name) || '#' || CAST(id AS STRING))
WITH ('connector' = 'filesystem', 'path' = '$T/items.csv', 'format' = 'csv');
SQL
    sink a "${p}_a" "id BIGINT, label STRING, total DECIMAL(12, 2), PRIMARY KEY (id) NOT ENFORCED"
    sink b "${p}_b" "id BIGINT, label STRING, total DECIMAL(12, 2), PRIMARY KEY (id) NOT ENFORCED"
    cat <<'SQL'
CREATE TEMPORARY VIEW stocked AS SELECT id, label, total FROM items WHERE qty > 0;
EXECUTE STATEMENT SET BEGIN
INSERT INTO a SELECT * FROM stocked WHERE total > 5;
INSERT INTO b /*+ nothing here */ SELECT * FROM stocked;
END;
SQL
} >"$T/set.sql"
# A hint on the INSERT target is refused by name; the job without it runs.
run_hf "$T/out" "$T/err" check "$T/set.sql"
expect_rc 2 "hint on the target"
expect_grep "set.sql:15:15: error: hints on the INSERT's target are not supported" "$T/err" "hint on target"
sed -i 's|INSERT INTO b /\*+ nothing here \*/ SELECT \* FROM stocked;|INSERT INTO b SELECT * FROM stocked UNION ALL VALUES (100, '"'"'extra'"'"', 1.5);|' "$T/set.sql"
run_hf "$T/out" "$T/err" run "$T/set.sql"
expect_rc 0 "statement set job"
expect_grep "    source 'items': read once, shown under pipeline 1" "$T/err" "one reader"
want_a=$("${PSQL[@]}" -c "SELECT id, upper(name) || '#' || id, qty * price FROM ${p}_raw
  WHERE qty > 0 AND qty * price > 5 ORDER BY id")
want_b=$("${PSQL[@]}" -c "SELECT id, upper(name) || '#' || id, qty * price FROM ${p}_raw
  WHERE qty > 0 UNION ALL SELECT 100, 'extra', 1.50 ORDER BY 1")
[ -n "$want_a" ] || fail "expected rows for a"
expect_table "view into a" "SELECT id, label, total FROM ${p}_a ORDER BY id" "$want_a"
expect_table "view UNION ALL VALUES into b" "SELECT id, label, total FROM ${p}_b ORDER BY id" "$want_b"

# An OPTIONS hint on the source: a second run reads only the first line
# of a file given by the hint (a table of its own, same options otherwise).
printf '1,apple,30,2.50\n' >"$T/one.csv"
sed -i "s|FROM stocked WHERE total > 5|FROM (SELECT id, label, total FROM items /*+ OPTIONS('path' = '$T/one.csv') */) AS x|" "$T/set.sql"
run_hf "$T/out" "$T/err" run "$T/set.sql"
expect_rc 0 "hinted job"
expect_table "hinted source into a" "SELECT id, label, total FROM ${p}_a ORDER BY id" \
"$(printf '1|APPLE#1|75.00\n3|FIG#3|28.00\n5|PLUM#5|27.90')"
finish
