#!/usr/bin/env bash
# Nested values into PostgreSQL through the hologres sink, in every write
# mode (INSERT, COPY_STREAM and COPY_BULK_LOAD, binary and text COPY),
# read back with psql:
#   - ROW into jsonb and json (Flink's JSON text), MAP into jsonb, ROW into
#     a composite type whose attributes are a composite and a text[];
#   - ARRAY of TINYINT, DECIMAL, DATE, TIMESTAMP, TIMESTAMP_LTZ, FLOAT,
#     BOOLEAN, STRING (quoting), ROW into jsonb[] and into an array of the
#     composite type, ARRAY<ARRAY<INT>> into a 2-dimensional int4[];
#   - every mode stores exactly what INSERT stores, and INSERT's rows are
#     the literal expectation;
#   - a type that does not fit names the column, both types and the
#     reason (a composite's arity or attribute);
#   - a ragged ARRAY<ARRAY<INT>> or a NULL map key into jsonb is a dirty
#     row naming the column, in INSERT and COPY.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
p=hf_nest_$$
"${PSQL[@]}" -c "SET client_min_messages = warning;
  DROP TYPE IF EXISTS ${p}_comp CASCADE; DROP TYPE IF EXISTS ${p}_inner CASCADE;
  CREATE TYPE ${p}_inner AS (x float8, tags text[]);
  CREATE TYPE ${p}_comp AS (a int8, b text, c ${p}_inner);"

cat >"$T/rows.json" <<'JSON'
{"id":1,"r":{"a":1,"b":"x\"y, (z)","c":{"x":1.5,"tags":["p","q r",null]}},"m":{"k":1,"j":null},"ti":[1,-2,null],"dec":["1.50",null,"-0.01"],"dts":["2024-01-31"],"tss":["2024-01-02 03:04:05.123"],"ltz":["2024-01-02 03:04:05Z"],"rows":[{"a":1,"b":"p","c":null},null],"grid":[[1,2],[3,null]],"f4":[1.5],"b":[true,null],"vc":["a,b","{}","NULL",""]}
{"id":2,"r":null,"m":{},"ti":[],"grid":[],"rows":[]}
{"id":3,"r":{"a":null,"b":null,"c":{"x":null,"tags":[]}},"m":{"é":2}}
JSON
ROWT='ROW<a BIGINT, b STRING, c ROW<x DOUBLE, tags ARRAY<STRING>>>'
src_cols="id INT, r $ROWT, m MAP<STRING, INT>, ti ARRAY<TINYINT>, \`dec\` ARRAY<DECIMAL(10, 2)>,
  dts ARRAY<DATE>, tss ARRAY<TIMESTAMP(3)>, ltz ARRAY<TIMESTAMP_LTZ(3)>, \`rows\` ARRAY<$ROWT>,
  grid ARRAY<ARRAY<INT>>, f4 ARRAY<FLOAT>, b ARRAY<BOOLEAN>, vc ARRAY<STRING>"
dst_cols="id INT, r $ROWT, rj $ROWT, m MAP<STRING, INT>, c $ROWT, ti ARRAY<TINYINT>,
  \`dec\` ARRAY<DECIMAL(10, 2)>, dts ARRAY<DATE>, tss ARRAY<TIMESTAMP(3)>,
  ltz ARRAY<TIMESTAMP_LTZ(3)>, \`rows\` ARRAY<$ROWT>, comps ARRAY<$ROWT>,
  grid ARRAY<ARRAY<INT>>, f4 ARRAY<FLOAT>, b ARRAY<BOOLEAN>, vc ARRAY<STRING>"

# load TABLE MODE FORMAT
load() {
    "${PSQL[@]}" -c "SET client_min_messages = warning; DROP TABLE IF EXISTS $1;
      CREATE TABLE $1 (id int PRIMARY KEY, r jsonb, rj json, m jsonb, c ${p}_comp,
        ti int2[], dec numeric(10,2)[], dts date[], tss timestamp(3)[], ltz timestamptz[],
        rows jsonb[], comps ${p}_comp[], grid int4[], f4 float4[], b bool[], vc varchar[])"
    cat >"$T/job.sql" <<SQL
SET 'execution.runtime-mode' = 'batch';
CREATE TABLE src ($src_cols) WITH ('connector' = 'filesystem', 'path' = '$T/rows.json', 'format' = 'json');
CREATE TABLE dst ($dst_cols, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '$1', 'username' = '$PGUSER', 'password' = 'x',
      'sink.write-mode' = '$2', 'sink.copy.format' = '$3');
INSERT INTO dst SELECT id, r, r, m, r, ti, \`dec\`, dts, tss, ltz, \`rows\`, \`rows\`, grid, f4, b, vc
FROM src;
SQL
    run_hf "$T/$1.out" "$T/$1.err" run "$T/job.sql"
    expect_rc 0 "load $2 $3"
    [ "$RC" -eq 0 ] || cat "$T/$1.err" >&2
    "${PSQL[@]}" -c "SELECT * FROM $1 ORDER BY id" >"$T/$1.rows"
}

load ${p}_ins INSERT binary
cat >"$T/want" <<'OUT'
1|{"a": 1, "b": "x\"y, (z)", "c": {"x": 1.5, "tags": ["p", "q r", null]}}|{"a":1,"b":"x\"y, (z)","c":{"x":1.5,"tags":["p","q r",null]}}|{"j": null, "k": 1}|(1,"x""y, (z)","(1.5,""{p,""""q r"""",NULL}"")")|{1,-2,NULL}|{1.50,NULL,-0.01}|{2024-01-31}|{"2024-01-02 03:04:05.123"}|{"2024-01-02 03:04:05+00"}|{"{\"a\": 1, \"b\": \"p\", \"c\": null}",NULL}|{"(1,p,)",NULL}|{{1,2},{3,NULL}}|{1.5}|{t,NULL}|{"a,b","{}","NULL",""}
2|||{}||{}|||||{}|{}|{}|||
3|{"a": null, "b": null, "c": {"x": null, "tags": []}}|{"a":null,"b":null,"c":{"x":null,"tags":[]}}|{"é": 2}|(,,"(,{})")|||||||||||
OUT
expect_same "$T/want" "$T/${p}_ins.rows" "INSERT rows"
# the composite is a real one: its attributes read back as values
"${PSQL[@]}" -c "SELECT (c).a, (c).b, ((c).c).x, ((c).c).tags[2], (comps[1]).b, grid[2][1], r->'c'->>'x' FROM ${p}_ins WHERE id = 1" >"$T/attrs"
echo '1|x"y, (z)|1.5|q r|p|3|1.5' >"$T/attrs.want"
expect_same "$T/attrs.want" "$T/attrs" "composite attributes"

for spec in COPY_STREAM:binary COPY_STREAM:text COPY_BULK_LOAD:binary COPY_BULK_LOAD:text \
    COPY_BULK_LOAD_ON_CONFLICT:binary; do
    mode=${spec%%:*} fmt=${spec##*:}
    t=${p}_$(echo "$mode$fmt" | tr 'A-Z' 'a-z' | tr -cd 'a-z')
    load "$t" "$mode" "$fmt"
    expect_same "$T/${p}_ins.rows" "$T/$t.rows" "$mode $fmt rows"
    "${PSQL[@]}" -c "DROP TABLE $t"
done

# --- types that do not fit: by column, with both types and the reason.
"${PSQL[@]}" -c "CREATE TABLE ${p}_m (id int PRIMARY KEY, c ${p}_comp, x int, arr int4[])"
misfit() { # DST-COLUMN-DECL EXPECTED-TEXT
    cat >"$T/mis.sql" <<SQL
CREATE TABLE src (id INT) WITH ('connector' = 'datagen', 'number-of-rows' = '1');
CREATE TABLE dst (id INT, $1, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '${p}_m', 'username' = '$PGUSER', 'password' = 'x');
INSERT INTO dst SELECT id, NULL FROM src;
SQL
    run_hf "$T/mis.out" "$T/mis.err" run "$T/mis.sql"
    expect_rc 1 "misfit $1"
    expect_grep "$2" "$T/mis.err" "misfit $1"
}
misfit "c ROW<a BIGINT, b STRING>" "column 'c' of the job has type ROW<\`a\` BIGINT, \`b\` STRING>, which does not fit column \"c\" of type ${p}_comp in table \"public\".\"${p}_m\" (the ROW has 2 fields, composite type ${p}_comp has 3;"
misfit "c ROW<a BIGINT, b STRING, c ROW<x STRING, tags ARRAY<STRING>>>" "field 'x' (STRING) does not fit attribute \"x\" (double precision) of composite type ${p}_inner"
misfit "x ROW<a INT>" "which does not fit column \"x\" of type integer in table \"public\".\"${p}_m\" (ROW<\`a\` INT> can be written to: json, jsonb, a composite type of as many fields)"
misfit "c MAP<STRING, INT>" "(MAP<STRING, INT> can be written to: json, jsonb)"
misfit "arr ARRAY<ROW<a INT>>" "which does not fit column \"arr\" of type integer[]"

# --- values PostgreSQL cannot hold are dirty rows naming the column.
printf '%s\n' '{"id":5,"grid":[[1],[2,3]]}' '{"id":6,"grid":[[1]]}' >"$T/bad.json"
for mode in INSERT COPY_BULK_LOAD; do
    cat >"$T/bad.sql" <<SQL
SET 'execution.runtime-mode' = 'batch';
CREATE TABLE src (id INT, grid ARRAY<ARRAY<INT>>) WITH ('connector' = 'filesystem', 'path' = '$T/bad.json', 'format' = 'json');
CREATE TABLE dst (id INT, grid ARRAY<ARRAY<INT>>, m MAP<STRING, INT>, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '${p}_ins', 'username' = '$PGUSER', 'password' = 'x',
      'sink.write-mode' = '$mode', 'sink.insert.dirty-data-strategy' = 'SKIP');
INSERT INTO dst SELECT id, grid, CASE WHEN id = 6 THEN MAP[CAST(NULL AS STRING), 1] ELSE MAP['k', 2] END FROM src;
SQL
    run_hf "$T/bad.out" "$T/bad.err" run "$T/bad.sql"
    expect_rc 0 "dirty rows $mode"
    expect_grep "column 'grid': sub-arrays of a multidimensional array must all have the same length (found 1 and 2)" "$T/bad.err" "ragged $mode"
    expect_grep "column 'm': JSON format doesn't support to serialize map data with null keys" "$T/bad.err" "null key $mode"
    expect_grep "2 dirty rows" "$T/bad.err" "dirty count $mode"
done
[ "$("${PSQL[@]}" -c "SELECT count(*) FROM ${p}_ins WHERE id IN (5, 6)")" = 0 ] || fail "a dirty row was written"

"${PSQL[@]}" -c "SET client_min_messages = warning; DROP TABLE ${p}_ins, ${p}_m; DROP TYPE ${p}_comp CASCADE; DROP TYPE ${p}_inner CASCADE"
finish
