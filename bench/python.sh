#!/usr/bin/env bash
# python.sh - holoflow's Python module against the usual ways of getting a
# pandas DataFrame into PostgreSQL (issue 12 item 7): write_hologres with
# COPY_STREAM and with INSERT upsert, psycopg2 copy_expert of the frame as
# CSV, psycopg2 execute_values upsert, and pandas to_sql (method='multi',
# chunks of 1000). What is measured and how: bench/python_bench.py.
#
# Self-contained: installs the Debian packages it needs (scripts/deps.sh:
# python3-dev, python3-pandas, python3-numpy, python3-sqlalchemy,
# python3-psycopg2), builds the module in build-bench-python/ (or uses
# BUILD=<dir> when <dir>/python/holoflow is built), starts its own private
# PostgreSQL 15 in a temporary directory and removes it at exit. The
# server and the clients share this machine's cores.
#
# The read group times read_hologres (1 and 2 readers) against pandas
# read_sql of the same table and prints the ratio.
#
# Environment: BUILD, BENCH_ROWS (1000000), BENCH_REPEAT (3), BENCH_ONLY
# (groups to run, e.g. "read" or "load,upsert"),
# BENCH_TOSQL_REPEAT (1), BENCH_STRICT=1 (exit 1 when a target ratio is
# missed; tables that differ between methods always fail), BENCH_KEEP=1.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-/usr/bin/python3}
die() {
    echo "python.sh: $*" >&2
    exit 1
}

"$root/scripts/deps.sh" >&2 || die "scripts/deps.sh failed"
if [ -n "${BUILD:-}" ] && ls "$BUILD"/python/holoflow/_native*.so >/dev/null 2>&1; then
    bdir=$BUILD
else
    bdir=$root/build-bench-python
    echo "=== building the Python module in $bdir (RelWithDebInfo)"
    cmake -S "$root" -B "$bdir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DHF_TESTS=OFF >/dev/null
    cmake --build "$bdir" -j2 --target holoflow_python holoflow_python_files \
        >/dev/null
fi

W=$(mktemp -d /tmp/hf-bench-python.XXXXXX)
chmod 0755 "$W"
pgdir=$W/pg
cleanup() {
    if [ "${BENCH_KEEP:-0}" = 1 ]; then
        echo "python.sh: kept $W (stop: scripts/pg-private.sh stop $pgdir)" >&2
        return
    fi
    "$root/scripts/pg-private.sh" stop "$pgdir" >/dev/null 2>&1 || true
    rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
pg_env=$("$root/scripts/pg-private.sh" start "$pgdir" 2>/dev/null) ||
    die "the private PostgreSQL did not start in $pgdir"
eval "export $(head -n 1 <<<"$pg_env")"
export PGTZ=UTC PGPASSWORD=unused
unset PGOPTIONS
export PYTHONPATH="$bdir/python${PYTHONPATH:+:$PYTHONPATH}"
echo "=== python bench: $(nproc) cores, $("$PY" --version), module in $bdir/python"
"$PY" "$root/bench/python_bench.py" driver
