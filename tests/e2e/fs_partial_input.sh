#!/usr/bin/env bash
# The filesystem source never reads part of its input silently: a directory
# entry it cannot examine (dangling or looping symbolic link, unsearchable
# or unlistable directory), an unreadable file and a damaged .gz
# (truncated, bad CRC, trailing garbage) fail the job, naming the path and
# the reason, before any row reaches the sink (the print sink's stdout
# stays empty). Concatenated gzip members are read whole. Permission cases need a user that permissions stop:
# run as root, they run the CLI as nobody (setpriv), or are skipped with a
# note when that is impossible.
. "$(dirname "$0")/lib.sh"
set -e

# job NAME PATH [FORMAT]: $T/NAME.sql copies (id INT, name STRING) rows of
# PATH to print.
job() {
    cat >"$T/$1.sql" <<SQL
CREATE TABLE src (id INT, name STRING)
WITH ('connector' = 'filesystem', 'path' = '$2', 'format' = '${3:-csv}');
CREATE TABLE out (id INT, name STRING) WITH ('connector' = 'print');
INSERT INTO out SELECT * FROM src;
SQL
}

# expect_failed WHAT NEEDLE...: the last run failed (exit 1), its message
# holds every NEEDLE, and no row was printed.
expect_failed() {
    local what=$1
    shift
    expect_rc 1 "$what"
    for needle in "$@"; do
        expect_grep "$needle" "$T/err" "$what"
    done
    [ ! -s "$T/out" ] || fail "$what: rows reached the sink: $(head -3 "$T/out")"
}

seq 1 3 | awk '{ print $1 ",n" $1 }' >"$T/rows3.csv"

# --- a dangling symbolic link next to a good file.
mkdir "$T/dangling"
cp "$T/rows3.csv" "$T/dangling/a.csv"
ln -s gone.csv "$T/dangling/b.csv"
ln -s /nonexistent "$T/dangling/.#lock" # hidden: not looked at
job dangling "$T/dangling"
run_hf "$T/out" "$T/err" run "$T/dangling.sql"
expect_failed "dangling symbolic link" "$T/dangling/b.csv" "No such file or directory"

# --- a symbolic link loop (ln -s loop loop) in a subdirectory.
mkdir -p "$T/loop/sub"
cp "$T/rows3.csv" "$T/loop/a.csv"
ln -s loop "$T/loop/sub/loop"
job loop "$T/loop"
run_hf "$T/out" "$T/err" run "$T/loop.sql"
expect_failed "symbolic link loop" "$T/loop/sub/loop" "Too many levels of symbolic links"

# --- the same tree without the bad entries reads every row.
rm "$T/dangling/b.csv" "$T/loop/sub/loop"
run_hf "$T/out" "$T/err" run "$T/dangling.sql"
expect_rc 0 "dangling link removed"
printf '+I[1, n1]\n+I[2, n2]\n+I[3, n3]\n' >"$T/rows3.expected"
expect_same "$T/rows3.expected" "$T/out" "rows without the dangling link"

# --- gzip: 100,000 rows; the whole file, then damaged copies of it.
seq 1 100000 | awk '{ print $1 ",n" $1 }' >"$T/rows.csv"
gzip -c "$T/rows.csv" >"$T/rows.csv.gz"
size=$(stat -c %s "$T/rows.csv.gz")
mkdir "$T/gz"
cp "$T/rows3.csv" "$T/gz/a.csv" # read first when nothing is wrong
job gz "$T/gz"
cp "$T/rows.csv.gz" "$T/gz/b.csv.gz"
run_hf "$T/out" "$T/err" run "$T/gz.sql"
expect_rc 0 "whole gzip file"
[ "$(wc -l <"$T/out")" -eq 100003 ] || fail "whole gzip file: $(wc -l <"$T/out") rows, expected 100003"

head -c $((size / 10)) "$T/rows.csv.gz" >"$T/gz/b.csv.gz"
run_hf "$T/out" "$T/err" run "$T/gz.sql"
expect_failed "truncated gzip" "$T/gz/b.csv.gz: truncated gzip file" "unexpected end of file"

head -c $((size - 8)) "$T/rows.csv.gz" >"$T/gz/b.csv.gz"
run_hf "$T/out" "$T/err" run "$T/gz.sql"
expect_failed "gzip without its trailer" "$T/gz/b.csv.gz: truncated gzip file"

# Flip the bits of the first CRC32 byte of the trailer.
crc0=$(tail -c 8 "$T/rows.csv.gz" | head -c 1 | od -An -tu1 | tr -d ' ')
{ head -c $((size - 8)) "$T/rows.csv.gz"
  printf "\\$(printf '%03o' $((crc0 ^ 255)))"
  tail -c 7 "$T/rows.csv.gz"; } >"$T/gz/b.csv.gz"
run_hf "$T/out" "$T/err" run "$T/gz.sql"
expect_failed "gzip with a bad CRC" "$T/gz/b.csv.gz: corrupt gzip file: bad CRC"

{ cat "$T/rows.csv.gz"; printf 'trailing text\n'; } >"$T/gz/b.csv.gz"
run_hf "$T/out" "$T/err" run "$T/gz.sql"
expect_failed "gzip with trailing garbage" "$T/gz/b.csv.gz: trailing garbage after gzip member 1"

# cat a.gz b.gz: both members are read (gzip -d does the same).
printf '100001,x\n' | gzip -c >"$T/more.gz"
cat "$T/rows.csv.gz" "$T/more.gz" >"$T/gz/b.csv.gz"
run_hf "$T/out" "$T/err" run "$T/gz.sql"
expect_rc 0 "two gzip members"
[ "$(wc -l <"$T/out")" -eq 100004 ] || fail "two gzip members: $(wc -l <"$T/out") rows, expected 100004"
[ "$(tail -1 "$T/out")" = "+I[100001, x]" ] || fail "two gzip members: last row $(tail -1 "$T/out")"

# --- permissions: run as a user they stop.
as_user=()
if [ "$(id -u)" -eq 0 ]; then
    chmod 755 "$T"
    as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
    if ! "${as_user[@]}" test -x "$HOLOFLOW" 2>/dev/null; then
        echo "$TEST_NAME: running as root and nobody cannot run $HOLOFLOW: permission cases skipped"
        as_user=(skip)
    fi
fi
if [ "${as_user[0]:-}" != skip ]; then
    run_as() {
        local out=$1 err=$2
        shift 2
        set +e
        "${as_user[@]}" "$HOLOFLOW" "$@" >"$out" 2>"$err"
        RC=$?
        set -e
    }
    # An unreadable file after a readable one.
    mkdir -m 755 "$T/perm-file"
    cp "$T/rows3.csv" "$T/perm-file/a.csv"
    cp "$T/rows3.csv" "$T/perm-file/b.csv"
    chmod 644 "$T/perm-file/a.csv"
    chmod 000 "$T/perm-file/b.csv"
    job perm-file "$T/perm-file"
    run_as "$T/out" "$T/err" run "$T/perm-file.sql"
    expect_failed "unreadable file" "$T/perm-file/b.csv" "Permission denied"

    # A subdirectory that can be listed but not searched.
    mkdir -m 755 "$T/perm-dir" "$T/perm-dir/sub"
    cp "$T/rows3.csv" "$T/perm-dir/a.csv"
    cp "$T/rows3.csv" "$T/perm-dir/sub/b.csv"
    chmod 644 "$T/perm-dir/a.csv" "$T/perm-dir/sub/b.csv"
    chmod 644 "$T/perm-dir/sub"
    job perm-dir "$T/perm-dir"
    run_as "$T/out" "$T/err" run "$T/perm-dir.sql"
    expect_failed "unsearchable directory" "$T/perm-dir/sub/b.csv" "Permission denied"
    chmod 755 "$T/perm-dir/sub"
    run_as "$T/out" "$T/err" run "$T/perm-dir.sql"
    expect_rc 0 "searchable again"
    [ "$(wc -l <"$T/out")" -eq 6 ] || fail "searchable again: $(wc -l <"$T/out") rows, expected 6"
fi

finish
