#!/usr/bin/env bash
# TLS needs TCP: libpq ignores sslmode on a Unix-domain socket, so a job
# asking for 'connection.ssl.mode' = require, verify-ca or verify-full with
# an endpoint that is a socket directory would run unencrypted, its server
# never checked, and say nothing. Against the private PostgreSQL's socket
# directory ($PGHOST): for each of those modes, `holoflow check` and
# `holoflow run` refuse the job (exit 2) with the message naming the
# option, its value and the endpoint and saying why, and the table stays
# empty; 'disable' over the same socket still writes the rows, and
# `require` over TCP (127.0.0.1) still passes check.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
p=hf_tlssock_$$
export PGOPTIONS="-c client_min_messages=warning"
trap '"${PSQL[@]}" -c "DROP TABLE IF EXISTS ${p}_t" >/dev/null 2>&1; rm -rf "$T"' EXIT

case $PGHOST in
/*) ;;
*)
    echo "test_holo_tls_socket: PGHOST ($PGHOST) is not a socket directory" >&2
    exit 1
    ;;
esac

"${PSQL[@]}" -c "CREATE TABLE ${p}_t (id int PRIMARY KEY)"
# Any readable file: the verify modes need one before anything else.
echo "not a certificate" >"$T/ca.pem"

# jobfile FILE ENDPOINT MODE
jobfile() {
    cat >"$1" <<SQL
CREATE TABLE src (id INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3',
    'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '3');
CREATE TABLE dst (id INT, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$2', 'dbname' = '$PGDATABASE',
      'tablename' = '${p}_t', 'username' = '$PGUSER', 'password' = '',
      'connection.ssl.mode' = '$3', 'connection.ssl.root-cert.location' = '$T/ca.pem');
INSERT INTO dst SELECT id FROM src;
SQL
}

endpoint="$PGHOST:$PGPORT"
for mode in require verify-ca verify-full; do
    jobfile "$T/$mode.sql" "$endpoint" "$mode"
    msg="option 'connection.ssl.mode' = '$mode' cannot be honoured with 'endpoint' = '$endpoint': that is a Unix-domain socket, and libpq never uses TLS over a Unix socket, so the connection would be neither encrypted nor checked against a certificate; connect over TCP ('host:port') to use TLS, or set 'connection.ssl.mode' = 'disable' for the local socket"
    run_hf "$T/$mode.check.out" "$T/$mode.check.err" check "$T/$mode.sql"
    expect_rc 2 "check with $mode over a socket"
    expect_grep "$msg" "$T/$mode.check.err" "check with $mode: message"
    run_hf "$T/$mode.run.out" "$T/$mode.run.err" run "$T/$mode.sql"
    expect_rc 2 "run with $mode over a socket"
    expect_grep "$msg" "$T/$mode.run.err" "run with $mode: message"
    got=$("${PSQL[@]}" -c "SELECT count(*) FROM ${p}_t")
    [ "$got" = 0 ] || fail "run with $mode over a socket wrote $got rows"
done

jobfile "$T/tcp.sql" "127.0.0.1:$PGPORT" require
run_hf "$T/tcp.out" "$T/tcp.err" check "$T/tcp.sql"
expect_rc 0 "check with require over TCP"

jobfile "$T/disable.sql" "$endpoint" disable
run_hf "$T/disable.out" "$T/disable.err" run "$T/disable.sql"
expect_rc 0 "run with disable over a socket"
got=$("${PSQL[@]}" -c "SELECT string_agg(id::text, ',' ORDER BY id) FROM ${p}_t")
[ "$got" = "1,2,3" ] || fail "run with disable over a socket: table holds '$got'"

finish
