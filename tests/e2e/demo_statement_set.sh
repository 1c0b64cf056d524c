#!/usr/bin/env bash
# The demo job: a statement set of two pipelines. The changelog pipeline's
# filtered, computed rows are exact; the datagen pipeline writes 1,000,000
# rows into blackhole.
. "$(dirname "$0")/lib.sh"
set -e
cd "$(dirname "$0")/../.."
cat >"$T/expected" <<'OUT'
big_orders> +I[1, ALICE, 21.99]
big_orders> -U[1, ALICE, 21.99]
big_orders> +U[1, ALICE, 19.24]
big_orders> +I[3, CAROL, 132.00]
OUT
run_hf "$T/out" "$T/err" run examples/demo.sql
expect_rc 0 "demo job"
expect_same "$T/expected" "$T/out" "demo changelog output"
expect_grep "sink 'discard': 1000000 rows received, 1000000 rows written" "$T/err" "datagen pipeline count"
expect_grep "sink 'big_orders': 4 rows received, 4 rows written" "$T/err" "changelog pipeline count"
finish
