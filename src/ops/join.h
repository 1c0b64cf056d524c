/*
 * join.h - the plan of a regular join (join.c): what the planner
 * (sql/plan_join.c) decides and the operator runs.
 *
 * The join node has two inputs, left and right; its rows are a left row
 * followed by a right row (nleft + nright columns, the other side's
 * columns NULL in a padded row of an outer join). Rows match when their
 * key columns are equal (lkeys[i] of the left row, rkeys[i] of the right
 * row, of the same type; a NULL key never matches) and the residual
 * condition `cond` (NULL: none) is TRUE on the joined row.
 */
#ifndef HF_OPS_JOIN_H
#define HF_OPS_JOIN_H

#include <stdint.h>

#include "sql/expr.h"

enum hf_join_type {
    HF_JOINT_INNER,
    HF_JOINT_LEFT,
    HF_JOINT_RIGHT,
    HF_JOINT_FULL
};

struct hf_join_spec {
    enum hf_join_type type;
    uint32_t nleft, nright; /* the inputs' widths */
    uint32_t nkeys;
    uint32_t *lkeys, *rkeys; /* nkeys columns of each input (owned) */
    struct hf_expr *cond;    /* over the joined row, or NULL (owned) */
    char *text;              /* for explain: "LEFT, on (a.id = b.id)" */
    /* An interval join (ops/interval_join.c) when time_kind is 1 (event
     * time: ltime, rtime are rowtime columns) or 2 (processing time):
     * rows match only when l.time - r.time is within [lower, upper]
     * milliseconds (bounds inclusive, as Flink normalises them). */
    int time_kind;
    uint32_t ltime, rtime;
    int64_t lower, upper;
    /* table.exec.interval-join.min-cleanup-interval, ms */
    int64_t min_clean;
};

/* Free a spec and what it owns. NULL is a no-op. */
void hf_join_spec_free(struct hf_join_spec *s);

extern const struct hf_op_class hf_op_join;          /* join.c */
extern const struct hf_op_class hf_op_interval_join; /* interval_join.c */

#endif
