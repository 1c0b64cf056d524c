#!/usr/bin/env bash
# -U rows of a CDC source into a hologres sink keyed otherwise (by email,
# the source by id): Flink's SinkUpsertMaterializer goes in front of the
# sink (table.exec.sink.upsert-materialize = AUTO, the source's key is not
# within the sink's). An update whose key stays the same reaches the sink
# as one +U (the columns the job does not write survive); an update that
# moves the row to another sink key deletes the old key with a -D. Run
# with batches of the default size and of one row (the materializer then
# holds the -D across batches), under CHANGELOG_STANDARD and under
# DELETE_ROW_ON_PK (which deletes on -D: the moved rows' old keys go too).
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
p=hf_retract_$$
export PGOPTIONS="-c client_min_messages=warning"

cat >"$T/ev.json" <<'JSON'
{"before":null,"after":{"id":1,"email":"a","n":1},"op":"c"}
{"before":{"id":1,"email":"a","n":1},"after":{"id":1,"email":"b","n":2},"op":"u"}
{"before":{"id":1,"email":"b","n":2},"after":{"id":1,"email":"b","n":3},"op":"u"}
{"before":null,"after":{"id":2,"email":"x","n":1},"op":"c"}
{"before":{"id":2,"email":"x","n":1},"after":{"id":2,"email":"y","n":1},"op":"u"}
{"before":{"id":2,"email":"y","n":1},"after":null,"op":"d"}
{"before":null,"after":{"id":3,"email":"k","n":5},"op":"c"}
{"before":{"id":3,"email":"k","n":5},"after":{"id":3,"email":"k","n":6},"op":"u"}
JSON

# run_case WHAT BATCH-ROWS STRATEGY WANT
run_case() {
    "${PSQL[@]}" <<SQL
DROP TABLE IF EXISTS $p;
CREATE TABLE $p (email text PRIMARY KEY, id bigint, n bigint, note text DEFAULT 'dflt');
INSERT INTO $p VALUES ('k', 3, 0, 'keep me');
SQL
    cat >"$T/job.sql" <<SQL
SET 'holoflow.batch.rows' = '$2';
CREATE TABLE src (id BIGINT, email STRING, n BIGINT, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'filesystem', 'path' = '$T/ev.json', 'format' = 'debezium-json');
CREATE TABLE dst (email STRING, id BIGINT, n BIGINT, PRIMARY KEY (email) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '$p', 'username' = '$PGUSER', 'password' = 'x',
      'sink.delete-strategy' = '$3');
INSERT INTO dst SELECT email, id, n FROM src;
SQL
    run_hf "$T/out" "$T/err" run "$T/job.sql"
    expect_rc 0 "$1"
    [ "$RC" -eq 0 ] || cat "$T/err" >&2
    local got
    got=$("${PSQL[@]}" -c "SELECT string_agg(email || '|' || id || '|' || n || '|' || note, ' ' ORDER BY email) FROM $p")
    [ "$got" = "$4" ] || fail "$1: table is '$got', expected '$4'"
}

want="b|1|3|dflt k|3|6|keep me"
run_case "changelog, default batches" 1024 CHANGELOG_STANDARD "$want"
run_case "changelog, one-row batches" 1 CHANGELOG_STANDARD "$want"
# DELETE_ROW_ON_PK deletes on -D: the materializer's -D of a moved row's
# old key deletes it as under CHANGELOG_STANDARD.
run_case "delete on -D only, default batches" 1024 DELETE_ROW_ON_PK "$want"
run_case "delete on -D only, one-row batches" 1 DELETE_ROW_ON_PK "$want"

"${PSQL[@]}" -c "DROP TABLE $p"
finish
