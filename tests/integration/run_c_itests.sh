#!/usr/bin/env bash
# run_c_itests.sh - runs every C integration test program (build/itest_*)
# against the private PostgreSQL whose settings (PGHOST, PGPORT, PGUSER,
# PGDATABASE) `make check` exports. Each program creates and drops its own
# tables. Fails if any program fails or if none was built.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
if [ -z "${PGHOST:-}" ]; then
    echo "run_c_itests: PGHOST is not set (run through make check or scripts/with-pg.sh)" >&2
    exit 1
fi
rc=0
n=0
for t in "$BUILD"/itest_*; do
    [ -x "$t" ] || continue
    n=$((n + 1))
    if ! "$t"; then
        echo "FAIL $t" >&2
        rc=1
    fi
done
if [ "$n" -eq 0 ]; then
    echo "run_c_itests: no itest_* programs in $BUILD" >&2
    exit 1
fi
exit $rc
