#!/usr/bin/env bash
# Integration test of scripts/pg-private.sh and scripts/with-pg.sh.
#
# Starts two private clusters in two temporary directories at the same time
# and checks that each answers `select 1` over its Unix socket and over TCP
# 127.0.0.1:port, that their ports differ, that `env` repeats what `start`
# printed, that the server does not run as root, and that with-pg.sh
# propagates exit codes and honours HF_PG_STOP=1. Then stops both twice
# (stop is idempotent) and checks they are down. Works as root (the server
# then runs as an unprivileged user) and as a normal user. Ignores any
# PGHOST/PGPORT the caller exported: every connection is explicit.
# Prints `ok` on success; otherwise the failed checks, and exits 1.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
pgp=$root/scripts/pg-private.sh
withpg=$root/scripts/with-pg.sh
psql=/usr/lib/postgresql/15/bin/psql
[ -x "$psql" ] || psql=psql

failures=0
fail()
{
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

tmp=$(mktemp -d /tmp/hf-pgtest.XXXXXX)
chmod 0755 "$tmp"
a=$tmp/a
b=$tmp/b
cleanup()
{
    "$pgp" stop "$a" >/dev/null 2>&1
    "$pgp" stop "$b" >/dev/null 2>&1
    rm -rf "$tmp"
}
trap cleanup EXIT

# --- start both at once -------------------------------------------------
"$pgp" start "$a" >"$tmp/a.env" 2>"$tmp/a.err" &
pa=$!
"$pgp" start "$b" >"$tmp/b.env" 2>"$tmp/b.err" &
pb=$!
wait "$pa" || fail "start $a: $(cat "$tmp/a.err")"
wait "$pb" || fail "start $b: $(cat "$tmp/b.err")"
if [ "$failures" -ne 0 ]; then
    exit 1
fi

# Checks the form of one start output and evaluates it (sets PGHOST etc.
# in this shell, unexported).
read_env()
{
    local name=$1 file=$2 line
    line=$(head -n 1 "$file")
    case $line in
    PGHOST=*' PGPORT='*' PGUSER=holoflow PGDATABASE=holoflow') ;;
    *) fail "$name: unexpected first line of start output: '$line'" ;;
    esac
    grep -q '^# tcp: host=127.0.0.1 port=' "$file" ||
        fail "$name: no '# tcp:' comment line in start output"
    unset PGHOST PGPORT
    eval "$line"
}
read_env a "$tmp/a.env"
host_a=${PGHOST:-} port_a=${PGPORT:-}
read_env b "$tmp/b.env"
host_b=${PGHOST:-} port_b=${PGPORT:-}
unset PGHOST PGPORT PGUSER PGDATABASE PGHOSTADDR PGSERVICE

[ "$host_a" = "$a" ] || fail "a: PGHOST is '$host_a', expected '$a'"
[ "$host_b" = "$b" ] || fail "b: PGHOST is '$host_b', expected '$b'"
[ "$port_a" != "$port_b" ] || fail "both clusters got port $port_a"

# --- both answer over socket and TCP ------------------------------------
check_select()
{
    local what=$1 host=$2 port=$3 out
    out=$("$psql" -X -tA -h "$host" -p "$port" -U holoflow -d holoflow \
        -c 'select 1' 2>&1)
    [ "$out" = 1 ] || fail "$what: select 1 via $host:$port gave '$out'"
}
check_select "a socket" "$host_a" "$port_a"
check_select "b socket" "$host_b" "$port_b"
check_select "a tcp" 127.0.0.1 "$port_a"
check_select "b tcp" 127.0.0.1 "$port_b"

# The two are distinct servers: a table made in a is absent from b.
"$psql" -X -q -h "$a" -p "$port_a" -U holoflow -d holoflow \
    -c 'create table only_in_a (x int)' >/dev/null 2>&1 ||
    fail "create table in a"
n=$("$psql" -X -tA -h "$b" -p "$port_b" -U holoflow -d holoflow \
    -c "select count(*) from pg_tables where tablename = 'only_in_a'" 2>&1)
[ "$n" = 0 ] || fail "table created in a is visible in b ('$n')"

# --- env, status, server user -------------------------------------------
"$pgp" env "$a" >"$tmp/a.env2" 2>/dev/null || fail "env $a failed"
cmp -s "$tmp/a.env" "$tmp/a.env2" ||
    fail "env output differs from start output for a"
"$pgp" status "$a" >/dev/null || fail "status $a: not running"
"$pgp" status "$b" >/dev/null || fail "status $b: not running"
"$pgp" start "$a" >"$tmp/a.env3" 2>/dev/null ||
    fail "second start of a (already running) failed"
cmp -s "$tmp/a.env" "$tmp/a.env3" ||
    fail "start of a running cluster printed different settings"

pid=$(head -n 1 "$a/data/postmaster.pid" 2>/dev/null)
user=$(ps -o user= -p "$pid" 2>/dev/null | tr -d ' ')
if [ -z "$user" ]; then
    fail "cannot find the postmaster of a (pid '$pid')"
elif [ "$user" = root ]; then
    fail "the postmaster of a runs as root"
fi

# --- with-pg.sh ---------------------------------------------------------
# shellcheck disable=SC2016 # expanded by the inner sh, with with-pg's env
out=$("$withpg" "$a" -- sh -c 'echo "$PGHOST $PGPORT $PGUSER $PGDATABASE"' \
    2>/dev/null)
[ "$out" = "$a $port_a holoflow holoflow" ] ||
    fail "with-pg.sh exported '$out'"
"$withpg" "$a" -- sh -c 'exit 7' 2>/dev/null
rc=$?
[ "$rc" = 7 ] || fail "with-pg.sh returned $rc, expected CMD's 7"
HF_PG_STOP=1 "$withpg" "$b" -- "$psql" -X -tA -c 'select 2' \
    >"$tmp/w.out" 2>/dev/null || fail "with-pg.sh psql on b failed"
[ "$(cat "$tmp/w.out")" = 2 ] || fail "with-pg.sh psql printed '$(cat "$tmp/w.out")'"
if "$pgp" status "$b" >/dev/null 2>&1; then
    fail "b still running after HF_PG_STOP=1"
fi

# --- stop twice, both down ----------------------------------------------
for round in 1 2; do
    "$pgp" stop "$a" 2>/dev/null || fail "stop $a (round $round) failed"
    "$pgp" stop "$b" 2>/dev/null || fail "stop $b (round $round) failed"
done
for d in "$a" "$b"; do
    if "$pgp" status "$d" >/dev/null 2>&1; then
        fail "$d still reports running after stop"
    fi
    if "$pgp" env "$d" >/dev/null 2>&1; then
        fail "env $d succeeded after stop"
    fi
done
if "$psql" -X -tA -h 127.0.0.1 -p "$port_a" -U holoflow -d holoflow \
    -c 'select 1' >/dev/null 2>&1; then
    fail "a still answers on TCP port $port_a after stop"
fi
"$pgp" stop "$tmp/never-started" 2>/dev/null ||
    fail "stop of a directory without a cluster failed"

if [ "$failures" -ne 0 ]; then
    echo "test_pg_private: $failures check(s) failed" >&2
    exit 1
fi
echo ok
