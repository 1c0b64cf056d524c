/*
 * group_agg.h - the plan of a group aggregate node (GROUP BY, global
 * aggregation, streaming SELECT DISTINCT): which input columns are the
 * group key, which aggregate calls it computes over which input columns,
 * and how it emits (see group_agg.c).
 *
 * The planner puts a calc in front that computes the key expressions,
 * the arguments and the FILTER conditions as plain columns, so the spec
 * only names input columns. The output row is the key columns followed by
 * one column per call.
 *
 * Ownership: the spec owns keys, aggs (and each call's text) and
 * groupby_text; `in` and `out` are borrowed from the graph (the input
 * node's schema and this node's own_schema).
 */
#ifndef HF_OPS_GROUP_AGG_H
#define HF_OPS_GROUP_AGG_H

#include <stdbool.h>
#include <stdint.h>

#include "core/types.h"
#include "ops/aggfn.h"
#include "ops/op.h"

struct hf_agg_call {
    struct hf_aggfn fn;
    int32_t arg;    /* input column of the argument; -1: COUNT(*) */
    int32_t filter; /* input BOOLEAN column of FILTER (WHERE ...); -1 */
    char *text;     /* "SUM(v)", for explain (owned) */
};

struct hf_group_agg_spec {
    const struct hf_schema *in;
    uint32_t *keys; /* input columns of the group key, in output order */
    uint32_t nkeys;
    struct hf_agg_call *aggs;
    uint32_t naggs;
    /* The input may retract (-U/-D): a hidden COUNT(*) says when a group
     * is empty (reference §1.1). */
    bool retract_input;
    /* Emit -U before +U (the consumer needs update-befores: a retract
     * sink, HAVING, another aggregate; §1.2). */
    bool update_before;
    bool ub_forced; /* planner: a filter or an aggregate consumes it */
    int64_t ttl_ms; /* table.exec.state.ttl: unchanged results are emitted */
    /* table.exec.mini-batch.*: fold per key in memory, flush every `size`
     * rows, when `latency_ms` has passed since the bundle's first row (at
     * the next row or checkpoint), before each checkpoint barrier and at
     * the end of the input. */
    bool minibatch;
    int64_t mb_latency_ms;
    int64_t mb_size;
    char *groupby_text; /* "groupBy=[k], select=[k, COUNT(*)]" (owned) */
};

extern const struct hf_op_class hf_op_group_agg; /* group_agg.c */

/* Free a spec (and what it owns). NULL is a no-op. */
void hf_group_agg_spec_free(struct hf_group_agg_spec *s);

#endif
