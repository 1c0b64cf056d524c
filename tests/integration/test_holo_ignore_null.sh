#!/usr/bin/env bash
# sink.ignore-null-when-update with NOT NULL columns that
# sink.default-for-not-null-column.enabled fills: a NULL in an update keeps
# the stored value (it must not become the default), a NULL in a new row
# gets the column default or the type's zero value; nullable columns as
# before. Checked with psql against the expected rows, for a buffer that
# folds several changes of a key and for one change per flush.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
p=hf_ignull_$$
export PGOPTIONS="-c client_min_messages=warning"

cat >"$T/ev.json" <<'JSON'
{"id":1,"a":null,"b":"B","c":null}
{"id":2,"a":null,"b":"x","c":null}
{"id":3,"a":"three","b":null,"c":3}
{"id":3,"a":null,"b":"later","c":null}
JSON

run_case() { # WHAT EXTRA-OPTIONS
    "${PSQL[@]}" <<SQL
DROP TABLE IF EXISTS $p;
CREATE TABLE $p (id bigint PRIMARY KEY, a text NOT NULL, b text, c int NOT NULL DEFAULT 42);
INSERT INTO $p VALUES (1, 'keep', 'b', 7);
SQL
    cat >"$T/job.sql" <<SQL
CREATE TABLE src (id BIGINT, a STRING, b STRING, c INT) WITH ('connector' = 'filesystem', 'path' = '$T/ev.json', 'format' = 'json');
CREATE TABLE dst (id BIGINT, a STRING, b STRING, c INT, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '$p', 'username' = '$PGUSER', 'password' = 'x',
      'sink.ignore-null-when-update.enabled' = 'true'$2);
INSERT INTO dst SELECT * FROM src;
SQL
    run_hf "$T/out" "$T/err" run "$T/job.sql"
    expect_rc 0 "$1"
    [ "$RC" -eq 0 ] || cat "$T/err" >&2
    local got
    got=$("${PSQL[@]}" -c "SELECT string_agg(id || '|' || a || '|' || coalesce(b, 'NULL') || '|' || c, ' ' ORDER BY id) FROM $p")
    local want="1|keep|B|7 2||x|42 3|three|later|3"
    [ "$got" = "$want" ] || fail "$1: table is '$got', expected '$want'"
}

run_case "folded in one buffer" ""
run_case "one change per flush" ", 'sink.deduplication.enabled' = 'false', 'sink.insert.batch-size' = '1'"

"${PSQL[@]}" -c "DROP TABLE $p"
finish
