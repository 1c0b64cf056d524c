#!/usr/bin/env bash
# The csv format on Kafka, where a message is one record: line breaks in
# it are data wherever the filesystem source would continue a record, and
# a message may end with its line end, against the mock cluster:
#   1. messages produced by kcat (split at 0x1e, so they may hold line
#      breaks) with a quoted LF, a quoted CRLF and doubled quotes, an
#      escaped line break (csv.escape-character), a last "\n" or "\r\n"
#      (dropped, as Flink's reader stops there), give exactly these rows;
#      a message holding two records fails, naming topic, partition and
#      offset;
#   2. a csv file whose records span lines goes through the kafka sink
#      (csv) and back through the kafka source: the rows read back are the
#      file's, line breaks and all, as the filesystem source reads them.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../kafka/lib.sh"
set -e
kafka_start_mock ml:1 mle:1 bad:1 rt:1
K=$KAFKA_BOOTSTRAP

# --- 1. messages with line breaks.
printf '1,"two\nlines",a\x1e2,"crlf\r\nin ""q""",b\r\n\x1e3,plain,c\n\x1e4,"",d' |
    "$KCAT" -b "$K" -P -t ml -D '\x1e'
printf '5,x\\\ny,e\x1e6,"z\\\n",f\n' | "$KCAT" -b "$K" -P -t mle -D '\x1e'
read_job() { # TOPIC "format options"
    cat >"$T/read.sql" <<SQL
CREATE TABLE k (id INT, s STRING, t STRING) WITH ('connector' = 'kafka', 'topic' = '$1',
  'properties.bootstrap.servers' = '$K', 'scan.startup.mode' = 'earliest-offset',
  'scan.bounded.mode' = 'latest-offset', 'format' = 'csv'$2);
CREATE TABLE p (id INT, s STRING, t STRING) WITH ('connector' = 'print');
INSERT INTO p SELECT * FROM k;
SQL
}
read_job ml ""
run_hf "$T/ml.out" "$T/ml.err" run "$T/read.sql"
expect_rc 0 "messages with line breaks"
[ "$RC" -eq 0 ] || cat "$T/ml.err" >&2
printf '+I[1, two\nlines, a]\n+I[2, crlf\r\nin "q", b]\n+I[3, plain, c]\n+I[4, , d]\n' >"$T/ml.want"
expect_same "$T/ml.want" "$T/ml.out" "messages with quoted line breaks"
read_job mle ", 'csv.escape-character' = '\\\\'"
run_hf "$T/mle.out" "$T/mle.err" run "$T/read.sql"
expect_rc 0 "messages with escaped line breaks"
[ "$RC" -eq 0 ] || cat "$T/mle.err" >&2
printf '+I[5, x\ny, e]\n+I[6, z\n, f]\n' >"$T/mle.want"
expect_same "$T/mle.want" "$T/mle.out" "messages with escaped line breaks"

printf '7,g,h\x1e8,i,j\n9,k,l\n' | "$KCAT" -b "$K" -P -t bad -D '\x1e'
read_job bad ""
run_hf "$T/bad.out" "$T/bad.err" run "$T/read.sql"
expect_rc 1 "a message of two records"
expect_grep "topic 'bad' partition 0 offset 1: the record holds more than one csv record: a line end outside quotes after 5 bytes is followed by 6 more" "$T/bad.err" "two records in a message"
echo "  1. messages: line breaks are data, a last line end is dropped"

# --- 2. a file of records across lines, through the kafka sink and back.
printf '1,"a\r\nb",x\r\n2,"say ""hi""\n\nbye",y\r\n3,"",z\r\n4,"trailing\n",w\r\n' >"$T/in.csv"
cat >"$T/fs.sql" <<SQL
CREATE TABLE f (id INT, s STRING, t STRING) WITH ('connector' = 'filesystem', 'path' = '$T/in.csv', 'format' = 'csv');
CREATE TABLE p (id INT, s STRING, t STRING) WITH ('connector' = 'print');
INSERT INTO p SELECT * FROM f;
SQL
run_hf "$T/fs.out" "$T/fs.err" run "$T/fs.sql"
expect_rc 0 "file read"
cat >"$T/w.sql" <<SQL
CREATE TABLE f (id INT, s STRING, t STRING) WITH ('connector' = 'filesystem', 'path' = '$T/in.csv', 'format' = 'csv');
CREATE TABLE k (id INT, s STRING, t STRING) WITH ('connector' = 'kafka', 'topic' = 'rt',
  'properties.bootstrap.servers' = '$K', 'format' = 'csv');
INSERT INTO k SELECT * FROM f;
SQL
run_hf "$T/w.out" "$T/w.err" run "$T/w.sql"
expect_rc 0 "kafka sink"
[ "$RC" -eq 0 ] || cat "$T/w.err" >&2
n=$("$KCAT" -b "$K" -C -t rt -e -o beginning -q -D '\x1e' | tr -cd '\036' | wc -c)
[ "$n" = 4 ] || fail "the kafka sink wrote $n messages, expected 4"
read_job rt ""
run_hf "$T/rt.out" "$T/rt.err" run "$T/read.sql"
expect_rc 0 "kafka source"
expect_same "$T/fs.out" "$T/rt.out" "rows back from kafka"
grep -q 'say "hi"' "$T/rt.out" || fail "the round trip lost the quotes"
echo "  2. a file of records across lines, through kafka and back: the same rows"
finish
