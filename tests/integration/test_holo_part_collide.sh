#!/usr/bin/env bash
# Partition child names that collide, and server notices in the log.
#
# A missing child of a LIST-partitioned parent is created as
# "<parent>_<value>" with every character other than [A-Za-z0-9_] turned
# into '_', and PostgreSQL cuts identifiers to 63 bytes. So two values can
# map to one name: 'a b' and 'a_b', or two long values alike in their
# first 63 bytes. The second value's CREATE TABLE IF NOT EXISTS then does
# nothing, and the sink used to fail with "created but is not visible".
# Checked here: the job fails naming the parent, the partition column,
# both values and the child (with the uncut name when it was cut), and the
# parent keeps only the first child; a name taken by a table that is not a
# partition is named as such.
#
# The server's NOTICEs on the sink's connections (here "identifier ... will
# be truncated" and "relation ... already exists, skipping") go through
# holoflow's log: with --log-format json every line on stderr but the
# summary is a JSON object, one of them the truncation notice at INFO with
# its SQLSTATE, and no raw "NOTICE:" line from libpq appears.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
# Quiet psql only: holoflow's connections must see the notices.
unset PGOPTIONS
PSQL=(env PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -At)
p=hf_pcol_$$
trap '"${PSQL[@]}" -c "DROP TABLE IF EXISTS ${p}_t, ${p}_t_zz CASCADE" >/dev/null 2>&1; rm -rf "$T"' EXIT

children() {
    "${PSQL[@]}" -c "SELECT c.relname || ':' || pg_get_expr(c.relpartbound, c.oid)
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = '${p}_t'::regclass ORDER BY 1"
}

# run_values NAME VALUE... : a fresh parent, then a job writing one row per
# value (id 1, 2, ...) over one connection.
run_values() {
    local name=$1 i=0
    shift
    "${PSQL[@]}" <<SQL
DROP TABLE IF EXISTS ${p}_t CASCADE;
CREATE TABLE ${p}_t (id int, k text, PRIMARY KEY (id, k)) PARTITION BY LIST (k);
SQL
    : >"$T/$name.json"
    for v in "$@"; do
        i=$((i + 1))
        printf '{"id":%d,"k":"%s"}\n' "$i" "$v" >>"$T/$name.json"
    done
    cat >"$T/$name.sql" <<SQL
CREATE TABLE src (id INT, k STRING) WITH ('connector' = 'filesystem', 'path' = '$T/$name.json', 'format' = 'json');
CREATE TABLE dst (id INT, k STRING, PRIMARY KEY (id, k) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE',
      'tablename' = '${p}_t', 'username' = '$PGUSER', 'password' = '',
      'connection.pool.size' = '1');
INSERT INTO dst SELECT * FROM src;
SQL
    run_hf "$T/$name.out" "$T/$name.err" --log-format json run "$T/$name.sql"
}

how="(a child is named after the parent and the value, with every character other than a letter, digit or '_' turned into '_', cut to the server's identifier length); create the partition for"

# ------------------------------------------------ 'a b' and 'a_b'
run_values mapped "a b" "a_b"
expect_rc 1 "'a b' and 'a_b': the job fails"
expect_grep "holoflow: job failed: sink 'dst': writing to \"public\".\"${p}_t\": partition value 'a_b' of column 'k' maps to the child table \"public\".\"${p}_t_a_b\", which already holds value 'a b' $how 'a_b' yourself under another name (CREATE TABLE ... PARTITION OF \"public\".\"${p}_t\" FOR VALUES IN (...))" \
    "$T/mapped.err" "'a b' and 'a_b': message"
got=$(children)
[ "$got" = "${p}_t_a_b:FOR VALUES IN ('a b')" ] || fail "'a b' and 'a_b': children are '$got'"

# ------------------------------------------------ alike in the first 63 bytes
long=$(printf 'v%.0s' $(seq 1 70))
run_values cut "${long}1" "${long}2"
expect_rc 1 "two long values: the job fails"
full="${p}_t_${long}2"
stored=${full:0:63}
expect_grep "partition value '${long}2' of column 'k' maps to the child table \"public\".\"$stored\" (the name \"$full\" cut to 63 bytes), which already holds value '${long}1' $how '${long}2' yourself" \
    "$T/cut.err" "two long values: message"
got=$(children)
[ "$got" = "$stored:FOR VALUES IN ('${long}1')" ] || fail "two long values: children are '$got'"

# Notices: JSON log lines, none raw.
grep -q '^NOTICE:' "$T/cut.err" && fail "a raw NOTICE line on stderr:
$(grep '^NOTICE:' "$T/cut.err")"
python3 - "$T/cut.err" <<'EOF' || fail "stderr with --log-format json is not JSON lines (see above)"
import json, sys
bad = 0
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    # The summary and the final error are the CLI's own lines, not the log.
    if line.startswith("holoflow") or line.startswith("  "):
        continue
    try:
        json.loads(line)
    except ValueError:
        print("not JSON: " + line, file=sys.stderr)
        bad += 1
sys.exit(1 if bad else 0)
EOF
python3 - "$T/cut.err" "$full" "$stored" <<'EOF' || fail "the truncation NOTICE is not logged as JSON at INFO (see above)"
import json, sys
path, full, stored = sys.argv[1:]
want = ('server NOTICE: identifier "%s" will be truncated to "%s" '
        '(SQLSTATE 42622)' % (full, stored))
for line in open(path, encoding="utf-8"):
    if not line.startswith("{"):
        continue
    rec = json.loads(line)
    if rec.get("level") == "INFO" and rec.get("msg", "").endswith(want):
        sys.exit(0)
print("no INFO line ending in: " + want, file=sys.stderr)
sys.exit(1)
EOF

# ------------------------------------------------ a name taken by a plain table
"${PSQL[@]}" -c "DROP TABLE IF EXISTS ${p}_t_zz; CREATE TABLE ${p}_t_zz (id int, k text)"
run_values taken "zz"
expect_rc 1 "a name taken by a plain table: the job fails"
expect_grep "writing to \"public\".\"${p}_t\": the child table for value 'zz' of column 'k' would be \"public\".\"${p}_t_zz\", which already exists and is not a partition of \"public\".\"${p}_t\"; rename it, or create the partition for 'zz' yourself under another name" \
    "$T/taken.err" "a name taken by a plain table: message"
[ -z "$(children)" ] || fail "a name taken by a plain table: children are '$(children)'"

finish
