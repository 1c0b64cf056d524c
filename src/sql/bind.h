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
#include "core/tz.h"
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
    const struct hf_tz *tz; /* the session time zone (table.local-time-zone,
                               core/tz.h); NULL is UTC */
    /* Optional: what a column of `schema` stands for. When set, a
     * reference to column i binds to resolve(resolve_ctx, i, at, err): a
     * new tree (the binder's caller owns it) that computes the column
     * from the rows the expression will really be evaluated on, or NULL
     * with err set. The planner composes a query over a view, a subquery
     * or a computed column into one expression this way. */
    struct hf_expr *(*resolve)(void *ctx, uint32_t idx,
                               const struct hf_ast_expr *at,
                               struct hf_error *err);
    void *resolve_ctx;
    /* Optional: names over several tables (a join's). A column reference
     * `at` ([qual.]name; qual NULL when unqualified) is looked up as
     * lookup(resolve_ctx, qual, name, at, err): the index of its column in
     * `schema`, -2 when `qual` names no table (the binder then reads
     * qual.name as field `name` of ROW column `qual`), or -1 with err set
     * (an unknown or ambiguous name). */
    int (*lookup)(void *ctx, const char *qual, const char *name,
                  const struct hf_ast_expr *at, struct hf_error *err);
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

/* The type that bounds every value `e` (borrowed, not yet coerced) gives
 * when it is written into a column of type `to` through hf_expr_coerce:
 * `to` itself, narrowed where e's own type is narrower and no value can
 * exceed it. DECIMAL: the smaller scale and the fewer integer digits
 * (DECIMAL(10,2) written into DECIMAL(10,4) gives DECIMAL(8,2); INT into
 * DECIMAL(20,2) gives DECIMAL(10,0)); TIME/TIMESTAMP/TIMESTAMP_LTZ: the
 * smaller precision. Other types, strings included, are `to` (an
 * implicit cast does not cut a string to the declared length, so no
 * string bound is known). The id is always to->id. A sink compares this
 * with its physical column (the hologres sink refuses columns that would
 * round such values). */
void hf_expr_value_bound(const struct hf_expr *e, const struct hf_type *to,
                         struct hf_type *out);

/* The type CASE, COALESCE and UNION give values of types `a` and `b`
 * (Flink's least restrictive type; a_null/b_null: that side is an untyped
 * NULL literal, whose type is ignored). False when there is none. */
bool hf_expr_type_common(const struct hf_type *a, bool a_null,
                         const struct hf_type *b, bool b_null,
                         struct hf_type *out);

/* `a AND b` for a filter made of two (both BOOLEAN): b is evaluated only
 * for rows where a is TRUE, so b never fails on a row a drops. Takes
 * ownership of both; NULL on out of memory (both freed). */
struct hf_expr *hf_expr_and_then(struct hf_expr *a, struct hf_expr *b);

/* True if e is a NULL literal not yet given a type. */
bool hf_expr_is_untyped_null(const struct hf_expr *e);

#endif
