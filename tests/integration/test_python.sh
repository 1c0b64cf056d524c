#!/usr/bin/env bash
# The Python package's tests (tests/python, pytest from Debian's
# python3-pytest) against the private PostgreSQL that `make check` starts,
# importing holoflow from the build tree (<build>/python, built by `make`).
# Debian's /usr/bin/python3 on purpose: the module is built against
# python3-dev, whatever other python3 comes first in PATH.
#
# Environment: BUILD (default: the directory of $HOLOFLOW, else build/),
# PYTEST_ARGS (extra pytest arguments, e.g. "-k types").
set -euo pipefail
: "${PGHOST:?run with the private PostgreSQL (make check)}"
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ -z "${BUILD:-}" ]; then
    if [ -n "${HOLOFLOW:-}" ]; then
        BUILD=$(dirname "$HOLOFLOW")
    else
        BUILD=$root/build
    fi
fi
PY=${PYTHON:-/usr/bin/python3}
if ! ls "$BUILD"/python/holoflow/_native*.so >/dev/null 2>&1; then
    echo "test_python: $BUILD/python/holoflow is not built (make)" >&2
    exit 1
fi
cd "$root"
export PYTHONPATH="$BUILD/python${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONDONTWRITEBYTECODE=1
# shellcheck disable=SC2086
exec "$PY" -m pytest -p no:cacheprovider -q tests/python ${PYTEST_ARGS:-}
