/*
 * expr.h - typed scalar expressions of a query, bound to the source schema.
 *
 * The planner binds the parsed SELECT list and WHERE clause (ast.h) against
 * the source table's schema and gets one `struct hf_expr` tree per
 * projected column (already cast to the sink column's type) and one for the
 * filter. A tree is immutable after planning: evaluating it changes nothing
 * in it, so several threads may evaluate the same tree at once.
 *
 * Semantics follow Flink SQL: SQL three-valued logic for AND/OR/NOT,
 * comparisons and arithmetic yield NULL when an operand is NULL, DECIMAL
 * arithmetic is exact (128-bit unscaled values, Flink's result precision and
 * scale), integer arithmetic is checked for overflow (an overflow fails the
 * row, it never wraps), CAST of a bad string fails the row and TRY_CAST
 * yields NULL. The session time zone is UTC: TIMESTAMP and TIMESTAMP_LTZ
 * convert one into the other as UTC wall-clock time, and FROM_UNIXTIME,
 * DATE_FORMAT of a TIMESTAMP_LTZ print UTC.
 *
 * Evaluation does no malloc per value: strings and arrays a tree produces go
 * into the arena of the output batch; string values that are passed through
 * unchanged keep pointing at the input row's storage.
 */
#ifndef HF_SQL_EXPR_H
#define HF_SQL_EXPR_H

#include <stdbool.h>
#include <stdint.h>

#include "core/batch.h"
#include "core/error.h"
#include "core/strbuf.h"
#include "core/types.h"

struct hf_expr;

/* The type of the value `e` yields (borrowed from e). */
const struct hf_type *hf_expr_type(const struct hf_expr *e);

/* Evaluate `e` over `row` (the source row: one value per source column).
 * Strings and arrays it produces are allocated in `out`'s arena. Fills
 * `res` (SQL NULL sets res->null). Returns 0, or -1 with err naming the
 * expression and the reason (division by zero, overflow, bad CAST text);
 * the caller adds which row. Borrows everything. */
int hf_expr_eval(const struct hf_expr *e, const struct hf_value *row,
                 struct hf_batch *out, struct hf_value *res,
                 struct hf_error *err);

/* True if `e` is a bare reference to a source column (no cast, no
 * function); then *idx is the column index and the runtime may copy the
 * value without evaluating. */
bool hf_expr_column(const struct hf_expr *e, uint32_t *idx);
/* True if `e` is a table's PROCTIME() column (a time attribute). */
bool hf_expr_is_proctime(const struct hf_expr *e);

/* Append the canonical SQL text of `e` (implicit casts shown as CAST) to
 * `out`, for explain output and messages. */
void hf_expr_to_text(const struct hf_expr *e, struct hf_strbuf *out);

/* Free a tree. NULL is a no-op. Takes ownership of e. */
void hf_expr_free(struct hf_expr *e);

#endif
