#!/usr/bin/env bash
# datagen (100000 rows, sequence key) into print: exactly 100000 lines, each
# an insert, keys 1..100000 each once, and the summary counts them.
. "$(dirname "$0")/lib.sh"
set -e
cat >"$T/job.sql" <<'SQL'
CREATE TABLE gen (
  id BIGINT,
  name STRING,
  price DECIMAL(10, 2)
) WITH (
  'connector' = 'datagen',
  'number-of-rows' = '100000',
  'rows-per-second' = '100000000',
  'fields.id.kind' = 'sequence',
  'fields.id.start' = '1',
  'fields.id.end' = '1000000',
  'fields.name.length' = '8',
  'fields.price.min' = '1',
  'fields.price.max' = '100'
);
CREATE TABLE out (id BIGINT, name STRING, price DECIMAL(10, 2))
WITH ('connector' = 'print');
INSERT INTO out SELECT * FROM gen;
SQL
run_hf "$T/out" "$T/err" run "$T/job.sql"
expect_rc 0 "datagen -> print"
n=$(wc -l <"$T/out")
[ "$n" -eq 100000 ] || fail "expected 100000 lines, got $n"
bad=$(grep -cv '^+I\[' "$T/out" || true)
[ "$bad" -eq 0 ] || fail "$bad lines do not start with +I["
# Keys 1..100000, each exactly once.
sed -E 's/^\+I\[([0-9]+),.*/\1/' "$T/out" | sort -n >"$T/keys"
seq 1 100000 >"$T/expected_keys"
expect_same "$T/expected_keys" "$T/keys" "sequence keys"
# Every name is 8 lowercase hex digits, every price within [1, 100] with 2 decimals.
bad=$(grep -cvE '^\+I\[[0-9]+, [0-9a-f]{8}, ([1-9][0-9]?|100)\.[0-9]{2}\]$' "$T/out" || true)
[ "$bad" -eq 0 ] || { fail "$bad lines with unexpected name/price"; grep -vE '^\+I\[[0-9]+, [0-9a-f]{8}, ([1-9][0-9]?|100)\.[0-9]{2}\]$' "$T/out" | head -3 >&2; }
expect_grep "100000 rows written" "$T/err" "summary"
finish
