/*
 * over_agg.h - the plan of the OVER aggregation operator (over_agg.c,
 * planned by sql/plan_over.c): `agg(x) OVER (PARTITION BY k ORDER BY t
 * ROWS|RANGE BETWEEN ... PRECEDING AND CURRENT ROW)`, every aggregate of
 * the SELECT over one window, as Flink requires.
 *
 * Column indexes are the input's. The output is the input's columns, then
 * one column per aggregate (its result type, aggfn.h). Insert-only in,
 * insert-only out.
 */
#ifndef HF_OPS_OVER_AGG_H
#define HF_OPS_OVER_AGG_H

#include <stdbool.h>
#include <stdint.h>

#include "core/types.h"
#include "ops/aggfn.h"

struct hf_over_call {
    struct hf_aggfn fn;
    int32_t arg; /* its argument's column, -1 for COUNT(*) */
};

struct hf_over_spec {
    const struct hf_schema *in; /* the input node's columns (borrowed) */
    uint32_t *part;             /* PARTITION BY columns (owned) */
    uint32_t npart;
    uint32_t tcol;  /* the ORDER BY time attribute */
    bool rowtime;   /* else proctime */
    bool range;     /* RANGE frame, else ROWS */
    bool unbounded; /* UNBOUNDED PRECEDING */
    /* Bounded: ROWS - the rows before the current one; RANGE - the
     * microseconds before the current row's time. */
    int64_t preceding;
    struct hf_over_call *aggs; /* owned */
    uint32_t naggs;
    /* The proctime clock (microseconds); NULL: the wall clock. Set by
     * unit tests to drive proctime frames deterministically. */
    int64_t (*now)(void);
};

void hf_over_spec_free(struct hf_over_spec *s);

extern const struct hf_op_class hf_op_over_agg;

#endif
