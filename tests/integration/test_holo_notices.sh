#!/usr/bin/env bash
# Server notices on the hologres sink's connections go through holoflow's
# log, from the first message of the session on.
#
# A database whose default_text_search_config names a configuration that
# does not exist makes the server send a WARNING as each session starts,
# before the connection is even up. libpq's default notice processor would
# print it raw on stderr ("WARNING:  invalid value for parameter ...");
# with --log-format json it must instead be a JSON log line at WARN, with
# its SQLSTATE, and every other stderr line but the CLI's summary must be
# JSON too. The job itself is unaffected: its rows are in the table.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
unset PGOPTIONS
PSQL=(env PGOPTIONS="-c client_min_messages=error" psql -X -q -v ON_ERROR_STOP=1 -At)
db=hf_notice_$$
trap '"${PSQL[@]}" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1; rm -rf "$T"' EXIT

"${PSQL[@]}" -c "CREATE DATABASE $db"
"${PSQL[@]}" -d "$db" -c "CREATE TABLE t (id int PRIMARY KEY)" \
    -c "ALTER DATABASE $db SET default_text_search_config = 'public.no_such_config'"

cat >"$T/job.sql" <<SQL
CREATE TABLE src (id INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3',
    'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '3');
CREATE TABLE dst (id INT, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$db',
      'tablename' = 't', 'username' = '$PGUSER', 'password' = '',
      'connection.pool.size' = '2');
INSERT INTO dst SELECT id FROM src;
SQL
run_hf "$T/out" "$T/err" --log-format json run "$T/job.sql"
expect_rc 0 "the job runs"
got=$("${PSQL[@]}" -d "$db" -c "SELECT string_agg(id::text, ',' ORDER BY id) FROM t")
[ "$got" = "1,2,3" ] || fail "the table holds '$got'"

if grep -Eq '^(WARNING|NOTICE):' "$T/err"; then
    fail "raw notices on stderr:
$(grep -E '^(WARNING|NOTICE):' "$T/err")"
fi
python3 - "$T/err" <<'EOF' || fail "stderr is not JSON log lines with the startup WARNING (see above)"
import json, sys
want = ('server WARNING: invalid value for parameter '
        '"default_text_search_config": "public.no_such_config" '
        '(SQLSTATE 22023)')
bad, found = 0, 0
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    # The summary is the CLI's own text, not the log.
    if line.startswith("holoflow") or line.startswith("  "):
        continue
    try:
        rec = json.loads(line)
    except ValueError:
        print("not JSON: " + line, file=sys.stderr)
        bad += 1
        continue
    if rec.get("level") == "WARN" and rec.get("msg", "").endswith(want):
        found += 1
# One per connection: the pool has two.
if found < 2:
    print("%d WARN lines ending in: %s" % (found, want), file=sys.stderr)
sys.exit(1 if bad or found < 2 else 0)
EOF

finish
