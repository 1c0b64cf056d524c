# lib.sh - helpers for the end-to-end tests: sourced, not run.
#
# Each test runs the real CLI ($HOLOFLOW, default build/holoflow) on job
# files it writes into a fresh temp dir, and compares exact output. fail()
# records a failure and goes on, so one run shows every broken expectation;
# finish() exits non-zero if anything failed.
set -u
HOLOFLOW=${HOLOFLOW:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/holoflow}
T=$(mktemp -d "${TMPDIR:-/tmp}/hf-e2e.XXXXXX")
trap 'rm -rf "$T"' EXIT
FAILS=0
TEST_NAME=$(basename "$0" .sh)

fail() {
    echo "FAIL [$TEST_NAME]: $*" >&2
    FAILS=$((FAILS + 1))
}

# run_hf OUTFILE ERRFILE ARGS... ; sets RC
run_hf() {
    local out=$1 err=$2
    shift 2
    set +e
    "$HOLOFLOW" "$@" >"$out" 2>"$err"
    RC=$?
    set -e
}

expect_rc() {
    [ "$RC" -eq "$1" ] || fail "$2: exit code $RC, expected $1"
}

# expect_same EXPECTED_FILE ACTUAL_FILE WHAT
expect_same() {
    if ! diff -u "$1" "$2" >"$T/diff.txt"; then
        fail "$3 differs from expected:"
        cat "$T/diff.txt" >&2
    fi
}

expect_grep() {
    grep -qF -- "$1" "$2" || { fail "$3: '$1' not found in output:"; cat "$2" >&2; }
}

finish() {
    if [ "$FAILS" -ne 0 ]; then
        echo "$TEST_NAME: $FAILS failure(s)" >&2
        exit 1
    fi
    echo "$TEST_NAME: ok"
}

# restart_pg: restart the private PostgreSQL whose directory is $PGHOST
# (scripts/pg-private.sh: socket there, cluster in data/, log in log) with
# `pg_ctl restart -m fast`, as the cluster's owner. 0 when it is back.
restart_pg() {
    local dir=$PGHOST bindir=${HF_PG_BINDIR:-/usr/lib/postgresql/15/bin}
    local cmd=("$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" restart -m fast -w -t 60 -s)
    (
        cd "$dir"
        if [ "$(id -u)" -eq 0 ]; then
            exec runuser -u "$(stat -c %U "$dir/data")" -- "${cmd[@]}"
        else
            exec "${cmd[@]}"
        fi
    ) >/dev/null
}
