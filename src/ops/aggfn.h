/*
 * aggfn.h - the aggregate functions of SQL (COUNT, SUM, MIN, MAX, AVG,
 * FIRST_VALUE, LAST_VALUE, LISTAGG, STDDEV_POP/SAMP, VAR_POP/SAMP, each
 * optionally DISTINCT): their result types, and their accumulators -
 * create, accumulate, retract, get the value, and save to / load from
 * bytes (the value of an operator's keyed state, state/state.h).
 *
 * Used by the group aggregate (group_agg.c) and the window aggregates. The
 * semantics are Flink's (reference: flink-stateful-sql.md §1.3):
 * - NULL arguments are ignored (COUNT(*) counts rows);
 * - SUM/AVG are NULL while no non-NULL value is held; under retraction SUM
 *   keeps the count of values beside the sum;
 * - MIN/MAX with retraction keep every value with its multiplicity (Flink's
 *   map view), held inside the accumulator's bytes: retracting the current
 *   extreme falls back to the next value; a retraction of a value never
 *   seen is kept as a negative count that does not count;
 * - FIRST_VALUE/LAST_VALUE/LISTAGG with retraction keep their values in
 *   arrival order (Flink orders FIRST/LAST by wall-clock millis with ties
 *   by arrival: holoflow's order is arrival, which is the same except when
 *   a retraction re-orders rows within one millisecond); a retraction
 *   removes the oldest equal element;
 * - agg(DISTINCT x) keeps a map x -> count; the inner function sees x only
 *   when its count goes 0 -> 1 (accumulate) or 1 -> 0 (retract).
 * Without retraction (insert-only input) MIN/MAX/FIRST/LAST keep one value.
 *
 * Result types (Flink's): COUNT BIGINT NOT NULL; SUM of TINYINT, SMALLINT,
 * INT, BIGINT, FLOAT, DOUBLE its input type, of DECIMAL(p,s)
 * DECIMAL(38,s); AVG the input type for integers and floating point
 * (integer division, as Flink: AVG(1,2) over INT is 1), DECIMAL(38,
 * max(6,s)) for DECIMAL(p,s); MIN/MAX/FIRST_VALUE/LAST_VALUE the input
 * type; LISTAGG STRING; STDDEV_POP/SAMP and VAR_POP/SAMP the input type as
 * AVG types it (Calcite's AVG_AGG_FUNCTION: an integer type gives the
 * value truncated, DECIMAL(p,s) gives DECIMAL(38, max(6,s)), computed in
 * double). All nullable except COUNT.
 *
 * Memory: an accumulator owns its buffers (hf_agg_acc_free); reusing one
 * across groups (hf_agg_acc_reset, hf_agg_acc_load) keeps its memory, so
 * the hot path does not allocate per row. Values returned by
 * hf_agg_acc_value may point into the accumulator (strings): valid until
 * the next call on it.
 */
#ifndef HF_OPS_AGGFN_H
#define HF_OPS_AGGFN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/strbuf.h"
#include "core/types.h"

enum hf_aggfn_kind {
    HF_AGG_COUNT_STAR, /* COUNT(*), COUNT(1): rows */
    HF_AGG_COUNT,      /* COUNT(x): non-NULL x */
    HF_AGG_SUM,
    HF_AGG_AVG,
    HF_AGG_MIN,
    HF_AGG_MAX,
    HF_AGG_FIRST_VALUE,
    HF_AGG_LAST_VALUE,
    HF_AGG_LISTAGG,
    HF_AGG_STDDEV_POP,
    HF_AGG_STDDEV_SAMP,
    HF_AGG_VAR_POP,
    HF_AGG_VAR_SAMP
};

/* One aggregate call, planned. Plain data: copy freely. */
struct hf_aggfn {
    enum hf_aggfn_kind kind;
    struct hf_type arg;    /* the argument's type (COUNT(*): unused) */
    struct hf_type result; /* see above */
    bool distinct;         /* agg(DISTINCT x) */
    bool retract;          /* the input may retract (updating input) */
    /* LISTAGG's separator (a constant; ',' by default). */
    char sep[64];
    uint32_t seplen;
};

/* The function called `name` (upper case, e.g. "SUM"), or -1 when there
 * is no aggregate function of that name. */
int hf_aggfn_lookup(const char *name, enum hf_aggfn_kind *out);
/* Is `name` (any case) an aggregate function's name? */
bool hf_aggfn_is_name(const char *name);
/* Fill fn for `kind` over an argument of type `arg` (NULL for COUNT(*)):
 * the result type, or 0/-1 with why[] saying why the type does not fit
 * ("SUM needs a numeric argument, found VARCHAR"). */
int hf_aggfn_init(struct hf_aggfn *fn, enum hf_aggfn_kind kind,
                  const struct hf_type *arg, bool distinct, bool retract,
                  char *why, size_t whylen);
/* The SQL name of a kind ("COUNT", "SUM", ...). */
const char *hf_aggfn_name(enum hf_aggfn_kind k);

/* An accumulator of one aggregate call for one group. */
struct hf_agg_acc {
    int64_t n;       /* values held (COUNT: the count) */
    int64_t isum;    /* integer SUM/AVG */
    double fsum, f2; /* floating SUM/AVG; STDDEV/VAR: sum and sum of squares */
    struct hf_dec dsum; /* DECIMAL SUM/AVG (at the argument's scale) */
    bool has;           /* insert-only MIN/MAX/FIRST/LAST: v is set */
    struct hf_value v;  /* its value; strings in vbuf */
    struct hf_strbuf vbuf;
    /* MIN/MAX/FIRST/LAST/LISTAGG with retraction, and LISTAGG always:
     * entries (u32 length, value bytes, i64 count), in arrival order. */
    struct hf_strbuf list;
    uint32_t nlist;
    /* DISTINCT: entries (u32 length, value bytes, i64 count). */
    struct hf_strbuf dist;
    uint32_t ndist;
    struct hf_strbuf tmp; /* scratch: one value's bytes, LISTAGG's text */
    struct hf_strbuf dkey; /* scratch: the DISTINCT value's bytes */
};

/* An empty accumulator (as after create). */
void hf_agg_acc_init(struct hf_agg_acc *a);
/* Back to empty, keeping memory. */
void hf_agg_acc_reset(struct hf_agg_acc *a);
void hf_agg_acc_free(struct hf_agg_acc *a);

/* Add (accumulate) or remove (retract) the value `v` (NULL pointer for
 * COUNT(*)). 0, or -1 with err (out of memory, a decimal sum beyond 38
 * digits). */
int hf_agg_acc_add(const struct hf_aggfn *fn, struct hf_agg_acc *a,
                   const struct hf_value *v, struct hf_error *err);
int hf_agg_acc_retract(const struct hf_aggfn *fn, struct hf_agg_acc *a,
                       const struct hf_value *v, struct hf_error *err);
/* Merge b into a (both of fn): for a local/global split or window panes.
 * 0 or -1. */
int hf_agg_acc_merge(const struct hf_aggfn *fn, struct hf_agg_acc *a,
                     const struct hf_agg_acc *b, struct hf_error *err);
/* The current result into *out (strings borrowed from a). */
void hf_agg_acc_value(const struct hf_aggfn *fn, struct hf_agg_acc *a,
                      struct hf_value *out);

/* Append a's bytes to out (a broken strbuf reports a failure). */
void hf_agg_acc_save(const struct hf_aggfn *fn, const struct hf_agg_acc *a,
                     struct hf_strbuf *out);
/* Load a from buf (as saved); returns the bytes consumed or -1 with err
 * when the bytes are not an accumulator of fn. Copies what it keeps. */
long hf_agg_acc_load(const struct hf_aggfn *fn, struct hf_agg_acc *a,
                     const void *buf, size_t len, struct hf_error *err);

/* Equality of two results of type t as the group aggregate's "no change,
 * no output" rule needs (NULL equals NULL; strings by bytes). */
bool hf_agg_value_eq(const struct hf_type *t, const struct hf_value *x,
                     const struct hf_value *y);

#endif
