/* GROUP BY GROUPING SETS / ROLLUP / CUBE as a rewrite of the parsed
 * SELECT: one GROUP BY per grouping set, joined by UNION ALL. Each branch
 * groups by its set; outside aggregate calls a grouping expression that is
 * not in the set reads as NULL (NULLIF(e, e), so it keeps e's type) and
 * GROUPING(e...) / GROUPING_ID(e...) become the BIGINT bit mask of the
 * expressions not in the set, as Flink's Expand + aggregate computes them. */
#ifndef HF_SQL_GROUPING_SETS_H
#define HF_SQL_GROUPING_SETS_H

#include "core/arena.h"
#include "sql/ast.h"

/* Rewrite q (a SELECT with q->ngsets > 0) in place into that UNION ALL
 * (a SELECT again when there is one set). src is the script text the
 * expressions' spans point into. 0, or -1 when out of memory. */
int hf_grouping_sets_expand(struct hf_arena *a, const char *src,
                            struct hf_ast_query *q);

/* The first argument of a GROUPING() / GROUPING_ID() call in e that is
 * not one of q's GROUP BY keys, or NULL; *uses is set when e calls either
 * (so a plain GROUP BY using them is expanded as its one grouping set). */
const struct hf_ast_expr *hf_grouping_ungrouped(const struct hf_ast_query *q,
                                                const struct hf_ast_expr *e,
                                                bool *uses);

#endif
