#!/usr/bin/env bash
# Progress of bounded jobs and --summary-json (docs/operability.md):
#   - on a terminal (script(1) gives the job a pty) one line rewritten in
#     place ("\r...\033[K"): rows written rising, percent and ETA from
#     datagen's number-of-rows, cleared before the summary;
#   - without a terminal, a batch job over a file logs "progress" lines
#     (here every 10 ms) with bytes read of the file's size and a percent;
#   - --summary-json writes the summary as JSON: rows and bytes equal the
#     input (the file's exact size), status FINISHED; a failing job writes
#     FAILED with its error;
#   - a streaming job without a terminal and without --progress-interval
#     logs no progress line.
. "$(dirname "$0")/lib.sh"
set -e

# --- terminal: datagen throttled to ~2 s of run, ticks every 0.5 s.
cat >"$T/dg.sql" <<'SQL'
SET 'execution.runtime-mode' = 'batch';
CREATE TABLE src (id BIGINT, name STRING)
WITH ('connector' = 'datagen', 'number-of-rows' = '400000', 'rows-per-second' = '200000');
CREATE TABLE dst (id BIGINT, name STRING) WITH ('connector' = 'blackhole');
INSERT INTO dst SELECT id, name FROM src;
SQL
if command -v script >/dev/null; then
    timeout 120 script -qc "'$HOLOFLOW' run '$T/dg.sql'" /dev/null >"$T/tty.out" || fail "job on a pty failed"
    python3 - "$T/tty.out" <<'PY' || fail "terminal progress: $(tr '\r' '\n' <"$T/tty.out" | head -20)"
import re, sys
out = open(sys.argv[1], encoding="utf-8", newline="").read()
lines = re.findall(r"\r(\d+) rows written, \d+ rows/s, (\d+) of 400000 records read, ([\d.]+)%, (?:ETA \d+:\d\d:\d\d, )?0 dirty rows\x1b\[K", out)
assert len(lines) >= 2, lines
rows = [int(l[0]) for l in lines]
assert rows == sorted(rows) and rows[-1] > rows[0], rows
assert any("ETA" in m for m in re.findall(r"\r[^\r\n]*", out)), "no ETA"
# cleared before the summary, which starts a clean line
assert "\r\x1b[Kholoflow summary: job" in out, out[-300:]
assert "400000 rows written" in out
PY
else
    echo "  script(1) not found: terminal progress not checked"
fi

# --- no terminal: a file, progress lines and the JSON summary.
python3 -c '
import sys
with open(sys.argv[1], "w") as f:
    for i in range(200000):
        f.write("%d,name-%d\n" % (i, i))
' "$T/in.csv"
size=$(stat -c %s "$T/in.csv")
cat >"$T/fs.sql" <<SQL
SET 'execution.runtime-mode' = 'batch';
CREATE TABLE src (id BIGINT, name STRING)
WITH ('connector' = 'filesystem', 'path' = '$T/in.csv', 'format' = 'csv');
CREATE TABLE dst (id BIGINT, name STRING) WITH ('connector' = 'blackhole');
INSERT INTO dst SELECT id, name FROM src;
SQL
run_hf "$T/fs.out" "$T/fs.err" run "$T/fs.sql" --set holoflow.progress.interval=10ms \
    --summary-json "$T/sum.json"
expect_rc 0 "file job"
grep -q 'INFO  progress [0-9:]*: [0-9]* rows written, [0-9]* rows/s, read .* of 3\.[0-9] MiB, [0-9.]*%' "$T/fs.err" ||
    fail "no progress line with bytes of the file's size: $(head -5 "$T/fs.err")"
python3 - "$T/sum.json" "$size" <<'PY' || fail "summary json: $(cat "$T/sum.json")"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["status"] == "FINISHED" and s["error"] is None, s
assert s["sources"][0]["table"] == "src" and s["sources"][0]["connector"] == "filesystem"
assert s["sources"][0]["records_read"] == 200000, s
assert s["sources"][0]["bytes_read"] == int(sys.argv[2]), s
assert s["sinks"][0]["rows_written"] == 200000, s
assert s["total"]["rows_written"] == 200000 and s["total"]["dirty_rows"] == 0, s
PY
# the summary on stderr says the same
expect_grep "sink 'dst': 200000 rows received, 200000 rows written, 0 dirty rows" "$T/fs.err" "stderr summary"

# --- a failing job: FAILED with its error.
printf '1,a\nx,b\n' >"$T/bad.csv"
sed "s|$T/in.csv|$T/bad.csv|" "$T/fs.sql" >"$T/bad.sql"
run_hf "$T/bad.out" "$T/bad.err" run "$T/bad.sql" --summary-json "$T/bad.json"
expect_rc 1 "failing job"
python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
assert s["status"] == "FAILED", s
assert "bad.csv" in s["error"], s
' "$T/bad.json" || fail "failed summary: $(cat "$T/bad.json")"

# --- a bad interval is refused by the option table.
run_hf "$T/iv.out" "$T/iv.err" run "$T/fs.sql" --progress-interval abc
expect_rc 2 "bad --progress-interval"
expect_grep "holoflow.progress.interval" "$T/iv.err" "bad interval names the option"

# --- streaming, no terminal, no interval: no progress lines.
cat >"$T/st.sql" <<'SQL'
CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');
CREATE TABLE dst (id BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO dst SELECT id FROM src;
SQL
run_hf "$T/st.out" "$T/st.err" run "$T/st.sql"
expect_rc 0 "streaming job"
if grep -q 'progress' "$T/st.err"; then fail "progress line in a streaming job's log"; fi
finish
