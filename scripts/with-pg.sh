#!/usr/bin/env bash
# Runs one command with the private PostgreSQL of a directory available.
#
# Usage: scripts/with-pg.sh [DIR] -- CMD [ARG...]      (default DIR: $PWD/.pg)
#
# Starts the cluster in DIR with scripts/pg-private.sh unless it already
# runs, exports PGHOST, PGPORT, PGUSER, PGDATABASE (and HF_PG_DIR=DIR) for
# CMD, runs CMD and exits with CMD's exit status. The cluster keeps running
# afterwards, so repeated runs are fast; with HF_PG_STOP=1 it is stopped
# after CMD, whatever CMD's outcome.
set -euo pipefail

prog=${0##*/}
here=$(cd "$(dirname "$0")" && pwd)

dir=$PWD/.pg
if [ $# -ge 1 ] && [ "$1" != -- ]; then
    dir=$1
    shift
fi
if [ $# -lt 2 ] || [ "$1" != -- ]; then
    echo "usage: $prog [DIR] -- CMD [ARG...]" >&2
    exit 2
fi
shift

settings=$("$here/pg-private.sh" start "$dir")
eval "export $settings"
export HF_PG_DIR=$PGHOST

if [ "${HF_PG_STOP:-0}" = 1 ]; then
    trap '"$here/pg-private.sh" stop "$HF_PG_DIR" || true' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    rc=0
    "$@" || rc=$?
    exit "$rc"
fi
exec "$@"
