/*
 * parser.h - recursive-descent parser for the Flink SQL subset.
 *
 * Statements: SET, CREATE [TEMPORARY] TABLE [IF NOT EXISTS] ... WITH (...),
 * INSERT INTO ... SELECT ... FROM ... [WHERE ...], EXECUTE STATEMENT SET
 * BEGIN ... END and the older BEGIN STATEMENT SET; ... END. Anything else
 * Flink knows (views, functions, joins, GROUP BY, ...) is reported as "not
 * supported" at its place rather than as a bare syntax error.
 *
 * Errors are HF_ERR_SQL (HF_ERR_UNSUPPORTED for known-but-unsupported
 * syntax) with "file:line:col: error: ..." and a caret (lexer.h).
 */
#ifndef HF_SQL_PARSER_H
#define HF_SQL_PARSER_H

#include "core/error.h"
#include "core/types.h"
#include "sql/ast.h"
#include "sql/lexer.h"

/* Parse a whole script. `src` is borrowed and must outlive the tree. On
 * success *out is a new tree owned by the caller (hf_ast_script_free);
 * on failure *out is NULL and err says where and what. */
int hf_sql_parse(const struct hf_sql_src *src, struct hf_ast_script **out,
                 struct hf_error *err);

/* Parse a lone expression (tests, tools). Same ownership as hf_sql_parse;
 * *expr points into *out. */
int hf_sql_parse_expr(const struct hf_sql_src *src, struct hf_ast_script **out,
                      struct hf_ast_expr **expr, struct hf_error *err);

/* Parse a type spelling such as "DECIMAL(38, 2) NOT NULL" or
 * "ARRAY<BIGINT>" (for job files that declare column types). 0 or -1. */
int hf_sql_parse_type(const char *text, struct hf_type *t,
                      struct hf_error *err);

void hf_ast_script_free(struct hf_ast_script *s); /* NULL is a no-op */

#endif
