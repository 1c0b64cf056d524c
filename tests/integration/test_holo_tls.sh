#!/usr/bin/env bash
# TLS test of the hologres connector's connection.ssl.mode (issue 3 item 8).
#
# Makes, in a temporary directory, a throwaway CA, an unrelated "wrong" CA
# and two server certificates signed by the CA: one for CN=localhost with
# SAN DNS:localhost and IP:127.0.0.1, one with SAN DNS:localhost only.
# Starts its own private PostgreSQL (scripts/pg-private.sh) in that
# directory, turns ssl on with the first certificate (key mode 0600, owned
# by the server's user) and restarts it; non-TLS connections stay allowed.
# Then runs build/itest_holo_tls, which connects with every ssl mode
# (disable, require, verify-ca with the right and the wrong CA, verify-ca
# without a root certificate, verify-full by IP and by name). It swaps in
# the second certificate (restarting the server) and runs the program
# again, where verify-full to 127.0.0.1 must now fail on the host name.
# The cluster is stopped and the directory removed on exit, whatever
# happens.
#
# Environment: BUILD (default: the directory of $HOLOFLOW, else build/).
# Prints `ok` on success; exits 1 on failure.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
pgp=$root/scripts/pg-private.sh
if [ -z "${BUILD:-}" ]; then
    if [ -n "${HOLOFLOW:-}" ]; then
        BUILD=$(dirname "$HOLOFLOW")
    else
        BUILD=$root/build
    fi
fi
prog=$BUILD/itest_holo_tls
psql=/usr/lib/postgresql/15/bin/psql
[ -x "$psql" ] || psql=psql

if [ ! -x "$prog" ]; then
    echo "test_holo_tls: $prog is not built (cmake --build $BUILD)" >&2
    exit 1
fi
command -v openssl >/dev/null || {
    echo "test_holo_tls: openssl not found" >&2
    exit 1
}

tmp=$(mktemp -d /tmp/hf-tls.XXXXXX)
chmod 0755 "$tmp"
cleanup()
{
    "$pgp" stop "$tmp/pg" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT

# ---------------------------------------------------------------- certificates
t=$tmp/tls
mkdir -p "$t"
q() { "$@" >/dev/null 2>&1; }

make_ca()
{
    q openssl req -x509 -newkey rsa:2048 -nodes -days 2 -sha256 \
        -subj "/CN=$2" -keyout "$t/$1.key" -out "$t/$1.crt" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign"
}

# make_server NAME SAN
make_server()
{
    q openssl req -new -newkey rsa:2048 -nodes -sha256 -subj "/CN=localhost" \
        -keyout "$t/$1.key" -out "$t/$1.csr"
    printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' \
        "$2" >"$t/$1.ext"
    q openssl x509 -req -in "$t/$1.csr" -CA "$t/ca.crt" -CAkey "$t/ca.key" \
        -CAcreateserial -days 2 -sha256 -extfile "$t/$1.ext" -out "$t/$1.crt"
}

make_ca ca "holoflow test CA"
make_ca wrong "some other CA"
make_server server_ip "DNS:localhost,IP:127.0.0.1"
make_server server_dns "DNS:localhost"
openssl verify -CAfile "$t/ca.crt" "$t/server_ip.crt" "$t/server_dns.crt" \
    >/dev/null

# ---------------------------------------------------------------- cluster
# start_pg: starts (or restarts) the private cluster and evaluates the first
# line it prints (the PG* settings). The whole output is captured before the
# first line is taken: piping into `head -n 1` would let the script die of
# SIGPIPE on its second line, a race that pipefail turns into a failure.
start_pg()
{
    local out
    out=$("$pgp" start "$tmp/pg" 2>"$tmp/start.log") || {
        cat "$tmp/start.log" >&2
        exit 1
    }
    eval "${out%%$'\n'*}"
}

start_pg
owner=$(stat -c %U "$tmp/pg/data")

# The server reads its certificate and key as $owner; the key must be 0600.
install_cert()
{
    cp "$t/$1.crt" "$tmp/pg/data/server.crt"
    cp "$t/$1.key" "$tmp/pg/data/server.key"
    chmod 0644 "$tmp/pg/data/server.crt"
    chmod 0600 "$tmp/pg/data/server.key"
    if [ "$(id -u)" -eq 0 ]; then
        chown "$owner:" "$tmp/pg/data/server.crt" "$tmp/pg/data/server.key"
    fi
}
install_cert server_ip
cat >>"$tmp/pg/data/postgresql.conf" <<EOF

# ---- test_holo_tls.sh ----
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
EOF
"$pgp" stop "$tmp/pg" >/dev/null 2>&1 || {
    echo "test_holo_tls: cannot stop the cluster to enable ssl" >&2
    exit 1
}
start_pg

ssl_on=$("$psql" -X -q -tA -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" \
    -d "$PGDATABASE" -c "show ssl")
if [ "$ssl_on" != on ]; then
    echo "test_holo_tls: the server did not enable ssl (log: $tmp/pg/log)" >&2
    tail -n 20 "$tmp/pg/log" >&2 || true
    exit 1
fi

run()
{
    HF_TLS_PORT=$PGPORT HF_TLS_USER=$PGUSER HF_TLS_DB=$PGDATABASE \
        HF_TLS_CA=$t/ca.crt HF_TLS_WRONG_CA=$t/wrong.crt HF_TLS_SAN_IP=$1 \
        "$prog"
}

rc=0
run 1 || rc=1

# Second certificate: no IP in the SAN.
# A restart rather than pg_reload_conf(): the next connection is then sure to
# see the new certificate, with no wait for the reload to be processed.
"$pgp" stop "$tmp/pg" >/dev/null 2>&1 || {
    echo "test_holo_tls: cannot stop the cluster to swap certificates" >&2
    exit 1
}
install_cert server_dns
start_pg
run 0 || rc=1

if [ "$rc" -ne 0 ]; then
    echo "test_holo_tls: FAILED" >&2
    exit 1
fi
echo ok
