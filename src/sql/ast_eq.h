/* Structural equality of two parsed expressions, as the planner compares
 * GROUP BY keys with the select list: same kinds, operators, flags and
 * arguments; identifiers and literals compare exactly (case matters),
 * function and symbol names case-insensitively; a column's table qualifier
 * is ignored (one FROM). Shared by the planner and the GROUP BY parsing
 * (duplicate keys, grouping sets) so both agree on "the same expression". */
#ifndef HF_SQL_AST_EQ_H
#define HF_SQL_AST_EQ_H

#include <stdbool.h>

#include "sql/ast.h"

bool hf_ast_eq(const struct hf_ast_expr *a, const struct hf_ast_expr *b);

#endif
