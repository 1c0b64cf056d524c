#!/usr/bin/env bash
# csv records that span lines, loaded by holoflow through every write mode
# of the hologres sink, against what `psql \copy ... csv` loads.
#
# One set of 3000 rows is written twice:
#  A. as RFC 4180 csv, the way a database export writes it: CRLF line ends;
#     values with a line break (LF, CRLF, several, a last one), a comma or
#     a quote quoted, quotes doubled, the empty string as "", NULL as an
#     empty unquoted field, UTF-8 text, a value ending in CR;
#  B. without any quoting, every line break, CR, comma, quote and
#     backslash escaped with '\' (csv.escape-character), LF line ends.
# psql \copy ... csv loads A into the reference table. holoflow loads A
# with the csv defaults and B with 'csv.escape-character' = '\', each with
# sink.write-mode INSERT, COPY_STREAM and COPY_BULK_LOAD (COPY in binary
# and text), and each table must hold exactly the reference's rows (EXCEPT
# ALL both ways, and the md5 of all rows in key order). The job's summary
# must count 3000 records read: one per record, not per line.
#
# Also: a record whose value cannot be written (too long for its column)
# fails the job naming the file and the line the record starts on.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
p=hf_ml_$$
export PGOPTIONS="-c client_min_messages=warning"
N=3000

python3 - "$T/a.csv" "$T/b.csv" "$N" <<'EOF'
import sys

a_path, b_path, n = sys.argv[1], sys.argv[2], int(sys.argv[3])


def name(i):
    return [
        f"plain {i}",
        f"two\nlines {i}",
        f"crlf\r\ninside {i}",
        f'say "hi" {i}',
        f"comma, {i}",
        "",
        f"multi\n\nline\n{i}\n",
        f"h\u00e9llo \u4e16\u754c {i}",
    ][i % 8]


def note(i):
    if i % 5 == 0:
        return f'# not a comment\n"quoted" at a line start\n\\ back {i}'
    return f"n{i}"


def tail(i):
    return f"ends with cr {i}\r" if i % 6 == 0 else f"t{i}"


def rows():
    for i in range(1, n + 1):
        qty = None if i % 7 == 0 else str(i % 1000)
        yield [str(i), name(i), note(i), f"{i}.{i % 100:02d}", qty, tail(i)]


def rfc(v):
    if v is None:
        return ""
    if v == "" or any(c in v for c in ',"\r\n'):
        return '"' + v.replace('"', '""') + '"'
    return v


def esc(v):
    if v is None:
        return ""
    return "".join("\\" + c if c in '\\,"\r\n' else c for c in v)


with open(a_path, "w", encoding="utf-8", newline="") as a, open(
    b_path, "w", encoding="utf-8", newline=""
) as b:
    for r in rows():
        a.write(",".join(rfc(v) for v in r) + "\r\n")
        b.write(",".join(esc(v) for v in r) + "\n")
EOF
[ "$(grep -c . "$T/a.csv")" -gt "$N" ] || fail "the file has no records of several lines"

"${PSQL[@]}" <<SQL
CREATE TABLE ${p}_ref (id bigint PRIMARY KEY, name text, note text, price numeric(38, 2), qty int, tail text);
\copy ${p}_ref FROM '$T/a.csv' csv
CREATE TABLE ${p}_t (LIKE ${p}_ref INCLUDING ALL);
SQL
ref_n=$("${PSQL[@]}" -c "SELECT count(*) FROM ${p}_ref")
[ "$ref_n" = "$N" ] || fail "psql loaded $ref_n rows, expected $N"
# The reference holds what the file says (psql's reading checked once).
got=$("${PSQL[@]}" -c "SELECT name = E'multi\n\nline\n6\n' AND qty = 6 FROM ${p}_ref WHERE id = 6")
[ "$got" = t ] || fail "psql reference row 6: $got"
got=$("${PSQL[@]}" -c "SELECT count(*) FROM ${p}_ref WHERE name = '' AND qty IS NULL")
[ "$got" -gt 0 ] || fail "psql reference: no empty name with a NULL qty"

cols="id BIGINT, name STRING, note STRING, price DECIMAL(38, 2), qty INT, tail STRING"
conn="'connector' = 'hologres', 'endpoint' = '$PGHOST:$PGPORT', 'dbname' = '$PGDATABASE', 'username' = '$PGUSER', 'password' = 'x'"

# job FILE "source options" "sink options"
job() {
    cat >"$T/job.sql" <<SQL
CREATE TABLE src ($cols) WITH ('connector' = 'filesystem', 'path' = '$1', 'format' = 'csv'$2);
CREATE TABLE dst ($cols, PRIMARY KEY (id) NOT ENFORCED) WITH ($conn, 'tablename' = '${p}_t'$3);
INSERT INTO dst SELECT * FROM src;
SQL
}

same_as_ref() { # WHAT
    local d a b
    d=$("${PSQL[@]}" -c "SELECT count(*) FROM ((TABLE ${p}_t EXCEPT ALL TABLE ${p}_ref) UNION ALL (TABLE ${p}_ref EXCEPT ALL TABLE ${p}_t)) x")
    [ "$d" = 0 ] || fail "$1: $d rows differ from psql's \\copy"
    a=$("${PSQL[@]}" -c "SELECT md5(string_agg(t::text, E'\n' ORDER BY id)) FROM ${p}_t t")
    b=$("${PSQL[@]}" -c "SELECT md5(string_agg(t::text, E'\n' ORDER BY id)) FROM ${p}_ref t")
    [ "$a" = "$b" ] || fail "$1: md5 $a, psql's \\copy $b"
}

for src in a b; do
    sopt=""
    [ $src = b ] && sopt=", 'csv.escape-character' = '\\\\'"
    for mode in INSERT COPY_STREAM/binary COPY_STREAM/text COPY_BULK_LOAD/binary COPY_BULK_LOAD/text; do
        wm=${mode%/*}
        kopt=", 'sink.write-mode' = '$wm', 'sink.insert.batch-size' = '700'"
        [ "$wm" != "$mode" ] && kopt="$kopt, 'sink.copy.format' = '${mode#*/}'"
        "${PSQL[@]}" -c "TRUNCATE ${p}_t"
        job "$T/$src.csv" "$sopt" "$kopt"
        run_hf "$T/out" "$T/err" run "$T/job.sql"
        if [ "$RC" -ne 0 ]; then
            fail "$src.csv/$mode: exit $RC"
            tail -3 "$T/err" >&2
            continue
        fi
        expect_grep "source 'src': $N records read, $N rows passed on" "$T/err" "$src.csv/$mode summary"
        expect_grep "$N rows written" "$T/err" "$src.csv/$mode summary"
        same_as_ref "$src.csv/$mode"
    done
done
echo "  1. both files, every write mode: exactly psql's rows"

# --- a row the table refuses names the line its record starts on.
"${PSQL[@]}" -c "CREATE TABLE ${p}_short (id bigint PRIMARY KEY, name varchar(8), note text, price numeric(38, 2), qty int, tail text)"
printf '1,ok,a,1,1,x\r\n2,"toolong\r\nname",b,2,2,y\r\n' >"$T/c.csv"
cat >"$T/job.sql" <<SQL
CREATE TABLE src ($cols) WITH ('connector' = 'filesystem', 'path' = '$T/c.csv', 'format' = 'csv');
CREATE TABLE dst ($cols, PRIMARY KEY (id) NOT ENFORCED) WITH ($conn, 'tablename' = '${p}_short', 'sink.write-mode' = 'COPY_BULK_LOAD');
INSERT INTO dst SELECT * FROM src;
SQL
run_hf "$T/out" "$T/err" run "$T/job.sql"
expect_rc 1 "value too long"
expect_grep "from $T/c.csv:2 cannot be written" "$T/err" "the record's first line"
echo "  2. a row that cannot be written names its record's first line"

"${PSQL[@]}" -c "DROP TABLE ${p}_ref, ${p}_t, ${p}_short"
finish
