/*
 * bind.h - giving parsed expressions their meaning: names resolved against
 * the source table's schema, types derived with Flink's rules, implicit
 * casts made explicit in the tree.
 *
 * Used by the planner (projections, WHERE) and by tests. Binding errors are
 * reported at the expression's place in the script (lexer.h format): an
 * unknown column with a suggestion, an unknown function, operands that
 * cannot be combined ("cannot apply '+' to STRING and INT; add a CAST").
 */
#ifndef HF_SQL_BIND_H
#define HF_SQL_BIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/types.h"
#include "sql/ast.h"
#include "sql/expr.h"
#include "sql/lexer.h"

/* What a query's names refer to. All borrowed; `src->file` must outlive
 * the bound trees (runtime messages name it). */
struct hf_bind_scope {
    const struct hf_sql_src *src;
    const struct hf_schema *schema; /* the source table's columns */
    const char *table;              /* the source table's name */
    const char *alias;              /* FROM t AS alias, or NULL */
};

/* Bind `a` (borrowed). Returns a new tree owned by the caller, or NULL
 * with err set (HF_ERR_SQL / HF_ERR_TYPE, with file:line:col and caret). */
struct hf_expr *hf_expr_bind(const struct hf_bind_scope *sc,
                             const struct hf_ast_expr *a, struct hf_error *err);

/* A reference to column `idx` of `s` (a PROCTIME column reads the clock),
 * for SELECT * expansion. NULL on out of memory. Caller owns. */
struct hf_expr *hf_expr_new_column(const struct hf_schema *s, uint32_t idx);

/* A NULL of type `t` (sink columns an INSERT's column list leaves out).
 * NULL on out of memory. Caller owns. */
struct hf_expr *hf_expr_new_null(const struct hf_type *t);

/* Make *ep produce values of type `to` for writing into a column: leaves it
 * alone when the types already agree, wraps it in an implicit cast when
 * `from` is assignable to `to` (hf_type_assignable), and converts constant
 * literals at plan time when their value fits (1 into TINYINT, '2024-01-01'
 * into DATE). Returns 0; -1 when not assignable, *ep unchanged, with why
 * holding a detail for constants ("value 300 is out of range for TINYINT")
 * or empty; -2 on out of memory (*ep freed and NULL). Takes ownership of
 * *ep and may replace it. */
int hf_expr_coerce(struct hf_expr **ep, const struct hf_type *to, char *why,
                   size_t n);

/* True if e is a NULL literal not yet given a type. */
bool hf_expr_is_untyped_null(const struct hf_expr *e);

#endif
