/*
 * plan_over.h - planning OVER aggregation (plan_over.c): plan_query.c
 * hands it a SELECT whose items hold `agg(...) OVER ...`.
 */
#ifndef HF_SQL_PLAN_OVER_H
#define HF_SQL_PLAN_OVER_H

#include <stdbool.h>

#include "sql/ast.h"
#include "sql/planner_int.h"

struct rel;
struct scope;

/* Does SELECT q hold an aggregate function OVER a window (not a ranking
 * function)? */
bool hf_plan_over_query(const struct hf_ast_query *q);

/* Plan SELECT q, whose FROM is `in` (named `table`, scope s, WHERE not yet
 * applied), into *out: the over-aggregate node and the relation of the
 * SELECT's items over it. 0, or -1 with the error at file:line:col. */
int hf_plan_over(struct planner *p, const struct hf_ast_query *q,
                 struct rel *in, struct scope *s, const char *table,
                 struct rel **out);

#endif
