#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster living in one directory, for tests,
# demos and benches.
#
# Usage: scripts/pg-private.sh start|stop|env|status [DIR]   (DIR: $PWD/.pg)
#
# Layout: DIR/data is the cluster (initdb'd on first start: trust auth for
# local sockets and 127.0.0.1, superuser `holoflow`, UTF8, locale C),
# DIR/.s.PGSQL.<port> its Unix socket, DIR/log the server log, DIR/port the
# last port used (reused on the next start when still free). The server
# listens on 127.0.0.1 only, on a free port picked at start, so several
# clusters in different directories run side by side.
#
# `start` prints the connection settings on stdout, one line of shell
# assignments and one comment line, so that
#     eval "export $(scripts/pg-private.sh start DIR)"
# points psql and libpq at the cluster; `env` prints the same for a running
# cluster. Everything else goes to stderr. `stop` is idempotent (no cluster
# or not running: exit 0). `status` exits 0 when the server accepts
# connections.
#
# PostgreSQL refuses to run as root: when invoked as root the server runs as
# the `postgres` system user (or a `holoflow` system user created for the
# purpose) and DIR is chowned to it, so DIR must be reachable by that user.
# Exit codes: 0 ok, 1 error, 2 usage, 3 DIR not reachable by the server user.
#
# Fsync stays on: the crash-safety tests depend on durable commits.
# wal_level=logical with 32 replication slots and WAL senders: the CDC source
# (logical replication, pgoutput) runs against this cluster.
# Environment: HF_PG_BINDIR overrides the server binaries directory,
# HF_PG_TIMEOUT (seconds, default 60) bounds the wait for readiness.
set -euo pipefail

prog=${0##*/}
die()
{
    echo "$prog: $*" >&2
    exit 1
}
usage()
{
    echo "usage: $prog start|stop|env|status [DIR]   (default DIR: \$PWD/.pg)" >&2
    exit 2
}

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    usage
fi
cmd=$1
dir=${2:-$PWD/.pg}
case $cmd in
start | stop | env | status) ;;
*) usage ;;
esac

# Settings from the caller's environment must not redirect our own psql,
# pg_isready and pg_ctl calls to another server.
unset PGHOSTADDR PGSERVICE PGSERVICEFILE PGOPTIONS PGDATA PGSSLMODE \
    PGPASSFILE PGTARGETSESSIONATTRS 2>/dev/null || true

bindir=${HF_PG_BINDIR:-/usr/lib/postgresql/15/bin}
timeout_s=${HF_PG_TIMEOUT:-60}
pguser=holoflow
pgdb=holoflow

# ---------------------------------------------------------------- helpers

# Absolute path of $dir without requiring it to exist (stop/env/status must
# not create it).
abs_dir()
{
    case $dir in
    /*) ;;
    *) dir=$PWD/$dir ;;
    esac
    if [ -d "$dir" ]; then
        dir=$(cd "$dir" && pwd -P)
    fi
    dir=${dir%/}
}

# The user the server runs as: ourselves, or an unprivileged user for root.
pick_run_user()
{
    if [ "$(id -u)" -ne 0 ]; then
        run_user=$(id -un)
        return
    fi
    if id -u postgres >/dev/null 2>&1; then
        run_user=postgres
    else
        if ! id -u holoflow >/dev/null 2>&1; then
            echo "$prog: creating system user 'holoflow' to run PostgreSQL" >&2
            useradd --system --user-group --no-create-home \
                --home-dir /nonexistent --shell /usr/sbin/nologin holoflow ||
                die "cannot create system user 'holoflow' (useradd failed)"
        fi
        run_user=holoflow
    fi
}

# Runs "$@" as $run_user (directly when that is us), with DIR as cwd so the
# PostgreSQL tools do not complain about an unreadable working directory.
as_user()
{
    (
        cd "$dir" 2>/dev/null || cd /
        exec 9>&- # the DIR lock must not be inherited by the postmaster
        if [ "$(id -u)" -ne 0 ]; then
            exec "$@"
        elif command -v runuser >/dev/null 2>&1; then
            exec runuser -u "$run_user" -- "$@"
        else
            exec su -s /bin/sh "$run_user" -c "$(printf '%q ' "$@")"
        fi
    )
}

# Fields of DIR/data/postmaster.pid (line 4: port, line 5: socket dir).
pid_field()
{
    sed -n "${1}p" "$dir/data/postmaster.pid" 2>/dev/null || true
}

# True when the server of DIR accepts connections; sets $port.
is_running()
{
    [ -f "$dir/data/postmaster.pid" ] || return 1
    port=$(pid_field 4 | tr -d '[:space:]')
    case $port in
    '' | *[!0-9]*) return 1 ;;
    esac
    "$bindir/pg_isready" -q -h "$dir" -p "$port" -U "$pguser" \
        -d postgres -t 2 >/dev/null 2>&1
}

port_in_use()
{
    local p=$1
    if command -v ss >/dev/null 2>&1; then
        [ -n "$(ss -Hltn "( sport = :$p )" 2>/dev/null)" ]
    else
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null
    fi
}

# Sets $port to a free TCP port: the previous one if still free, otherwise
# a random one in 20000..59999.
pick_port()
{
    local p i
    if [ -z "${tried_saved_port:-}" ] && [ -f "$dir/port" ]; then
        tried_saved_port=1
        p=$(tr -d '[:space:]' <"$dir/port")
        case $p in
        '' | *[!0-9]*) ;;
        *)
            if ! port_in_use "$p"; then
                port=$p
                return
            fi
            ;;
        esac
    fi
    for i in $(seq 1 200); do
        p=$((20000 + (RANDOM * 32768 + RANDOM + $$ + i) % 40000))
        if ! port_in_use "$p"; then
            port=$p
            return
        fi
    done
    die "no free TCP port found on 127.0.0.1 in 20000..59999"
}

print_env()
{
    printf 'PGHOST=%q PGPORT=%s PGUSER=%s PGDATABASE=%s\n' \
        "$dir" "$port" "$pguser" "$pgdb"
    printf '# tcp: host=127.0.0.1 port=%s user=%s dbname=%s' \
        "$port" "$pguser" "$pgdb"
    printf ' (postgresql://%s@127.0.0.1:%s/%s)\n' "$pguser" "$port" "$pgdb"
}

check_bindir()
{
    local b
    for b in postgres pg_ctl initdb psql pg_isready; do
        [ -x "$bindir/$b" ] ||
            die "PostgreSQL 15 server binaries not found in $bindir" \
                "(no $b); run scripts/deps.sh (Debian package" \
                "postgresql-15) or set HF_PG_BINDIR"
    done
}

# Explains which ancestor of DIR the server user cannot enter, and exits 3.
check_reachable()
{
    if as_user test -d "$dir" -a -x "$dir" -a -w "$dir" 2>/dev/null; then
        return
    fi
    local a=$dir blocker=$dir
    while [ "$a" != / ] && [ -n "$a" ]; do
        a=$(dirname "$a")
        if ! as_user test -x "$a" 2>/dev/null; then
            blocker=$a
        fi
    done
    echo "$prog: PostgreSQL cannot run as root, so it runs as user" \
        "'$run_user', which cannot reach $dir ($blocker is not" \
        "searchable by it). Use a directory under /tmp (for example" \
        "'$0 start /tmp/holoflow-pg') or make the parent directories" \
        "traversable (chmod o+x $blocker)." >&2
    exit 3
}

# Unix socket paths are limited to 107 bytes (sun_path); the socket is
# DIR/.s.PGSQL.NNNNN.
check_socket_path()
{
    if [ $((${#dir} + 15)) -gt 107 ]; then
        die "directory path too long for a Unix socket (${#dir} bytes," \
            "max 92): $dir; use a shorter directory such as /tmp/hf-pg"
    fi
}

# ---------------------------------------------------------------- commands

do_start()
{
    check_bindir
    abs_dir
    check_socket_path
    mkdir -p "$dir"
    abs_dir
    check_socket_path

    # Serialise concurrent starts/stops of the same DIR.
    exec 9>>"$dir/.lock"
    if command -v flock >/dev/null 2>&1; then
        flock -w 120 9 || die "timed out waiting for the lock on $dir/.lock"
    fi

    if is_running; then
        echo "$prog: already running in $dir on port $port" >&2
        print_env
        return
    fi

    pick_run_user
    if [ "$(id -u)" -eq 0 ]; then
        chown "$run_user:" "$dir" "$dir/.lock"
        chmod 0755 "$dir"
        check_reachable
        if [ -e "$dir/data" ] &&
            [ "$(stat -c %U "$dir/data")" != "$run_user" ]; then
            chown -R "$run_user:" "$dir/data"
        fi
        if [ -e "$dir/log" ]; then
            chown "$run_user:" "$dir/log"
        fi
    fi

    if [ -f "$dir/data/PG_VERSION" ]; then
        local v
        v=$(cat "$dir/data/PG_VERSION")
        [ "$v" = 15 ] ||
            die "$dir/data holds a PostgreSQL $v cluster, not 15;" \
                "remove $dir or use another directory"
    else
        [ ! -e "$dir/data" ] || [ -z "$(ls -A "$dir/data")" ] ||
            die "$dir/data exists but is not a PostgreSQL cluster;" \
                "remove it or use another directory"
        echo "$prog: initdb in $dir/data (user $pguser, trust auth)" >&2
        if ! as_user "$bindir/initdb" -D "$dir/data" -U "$pguser" \
            -A trust -E UTF8 --locale=C --no-sync \
            >"$dir/initdb.log" 2>&1; then
            cat "$dir/initdb.log" >&2
            die "initdb failed in $dir/data (output above)"
        fi
        cat >>"$dir/data/postgresql.conf" <<EOF

# ---- holoflow private cluster (scripts/pg-private.sh) ----
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 100
shared_buffers = 256MB
max_wal_size = 4GB
EOF
    fi

    # Logical replication for the CDC source (hologres 'source.binlog' on
    # PostgreSQL): given on the command line, so clusters initdb'd before
    # this setting existed get it too. wal_level needs a restart.
    local repl_opts="-c wal_level=logical -c max_replication_slots=32"
    repl_opts="$repl_opts -c max_wal_senders=32"
    local attempt log_before started=0
    for attempt in 1 2 3 4 5 6; do
        pick_port
        log_before=0
        [ -f "$dir/log" ] && log_before=$(stat -c %s "$dir/log")
        echo "$prog: starting PostgreSQL 15 in $dir on 127.0.0.1:$port" >&2
        if as_user "$bindir/pg_ctl" start -D "$dir/data" -l "$dir/log" \
            -w -t "$timeout_s" -s -o "-p $port $repl_opts" >/dev/null 2>&1; then
            started=1
            break
        fi
        if tail -c "+$((log_before + 1))" "$dir/log" 2>/dev/null |
            grep -q -e 'could not bind' -e 'Address already in use' \
                -e 'could not create any TCP/IP sockets'; then
            echo "$prog: port $port was taken meanwhile (attempt" \
                "$attempt), retrying" >&2
            continue
        fi
        tail -n 30 "$dir/log" >&2 2>/dev/null || true
        die "PostgreSQL failed to start in $dir (log: $dir/log, above)"
    done
    [ "$started" = 1 ] ||
        die "PostgreSQL in $dir found no free port after $attempt attempts" \
            "(log: $dir/log)"

    local waited=0
    until is_running; do
        if [ "$waited" -ge "$timeout_s" ]; then
            tail -n 30 "$dir/log" >&2 2>/dev/null || true
            die "PostgreSQL in $dir not ready after ${timeout_s}s" \
                "(log: $dir/log)"
        fi
        sleep 1
        waited=$((waited + 1))
    done
    echo "$port" >"$dir/port"

    local have
    have=$("$bindir/psql" -X -q -h "$dir" -p "$port" -U "$pguser" \
        -d postgres -tAc "select 1 from pg_database where datname = '$pgdb'")
    if [ "$have" != 1 ]; then
        "$bindir/psql" -X -q -h "$dir" -p "$port" -U "$pguser" -d postgres \
            -v ON_ERROR_STOP=1 -c "create database $pgdb" >/dev/null ||
            die "cannot create database $pgdb in $dir"
    fi
    print_env
}

do_stop()
{
    abs_dir
    [ -f "$dir/data/postmaster.pid" ] || return 0
    check_bindir
    pick_run_user
    if [ -w "$dir/.lock" ]; then
        exec 9>>"$dir/.lock"
        if command -v flock >/dev/null 2>&1; then
            flock -w 120 9 || die "timed out waiting for the lock on $dir/.lock"
        fi
    fi
    [ -f "$dir/data/postmaster.pid" ] || return 0
    if ! as_user "$bindir/pg_ctl" status -D "$dir/data" >/dev/null 2>&1; then
        return 0 # stale pid file: nothing runs
    fi
    as_user "$bindir/pg_ctl" stop -D "$dir/data" -m fast -w \
        -t "$timeout_s" -s >&2 ||
        die "pg_ctl stop failed for $dir (log: $dir/log)"
}

do_env()
{
    abs_dir
    if ! is_running; then
        die "no PostgreSQL running in $dir; start it with: $prog start $dir"
    fi
    print_env
}

do_status()
{
    abs_dir
    if is_running; then
        echo "running: $dir port $port"
        return 0
    fi
    echo "not running: $dir"
    return 1
}

case $cmd in
start) do_start ;;
stop) do_stop ;;
env) do_env ;;
status) do_status ;;
esac
