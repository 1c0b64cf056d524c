/*
 * lookup_join.h - the plan of a lookup (dimension) join (lookup_join.c):
 * `JOIN dim FOR SYSTEM_TIME AS OF s.proctime AS d ON s.k = d.k [AND ...]`
 * and `LATERAL TABLE(dim(a, b))`, as sql/plan_lookup.c decides it.
 *
 * The node has one input (the probe side); its rows are an input row
 * followed by a row of the dimension table (nleft + ndim columns; the
 * dimension's NULL in the padded row of a LEFT join). For each input row
 * the operator asks the dimension table's connector (its lookup_*
 * callbacks, connector.h) for the rows whose key columns dkeys[] equal
 * the input's columns lkeys[] (already cast to the key columns' types
 * ktypes[]); `cond`, over the joined row, filters them. A NULL key value
 * matches nothing and is not asked.
 */
#ifndef HF_OPS_LOOKUP_JOIN_H
#define HF_OPS_LOOKUP_JOIN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "connectors/connector.h"
#include "sql/expr.h"

/* Requests in flight at most, whatever lookup.read.batch-queue-size. */
#define HF_LOOKUP_MAX_INFLIGHT 64

/* What one lookup join did, for the job summary. */
struct hf_lookup_counters {
    atomic_uint_fast64_t rows_in, rows_out;
    atomic_uint_fast64_t keys_asked, requests, retries;
    atomic_uint_fast64_t hits, misses, evictions, expired;
    atomic_uint_fast64_t cached_keys, cached_bytes, reloads;
};

struct hf_lookup_spec {
    bool left;              /* LEFT: an unmatched row is padded */
    bool one_to_one;        /* the keys are the dimension's primary key */
    uint32_t nleft, ndim;   /* widths of the input and of the dimension */
    uint32_t nkeys;
    uint32_t *lkeys;        /* input columns (owned) */
    uint32_t *dkeys;        /* dimension columns (owned) */
    struct hf_type *dtypes; /* the dimension's column types (owned) */
    struct hf_expr *cond;   /* over the joined row, or NULL (owned) */
    const struct hf_table_def *dim; /* borrowed from the job */
    struct hf_lookup_conf conf;
    char *text; /* for explain */
    struct hf_lookup_counters stats;
};

void hf_lookup_spec_free(struct hf_lookup_spec *s);

/* lookup_conf.c: the table's lookup options (connector-neutral keys). */
void hf_lookup_conf_read(const struct hf_opts *o, struct hf_lookup_conf *c);

extern const struct hf_op_class hf_op_lookup_join; /* lookup_join.c */

/* The operator's engine, shared with the C API (runtime/lookup_api.c):
 * hf_lk_new opens the connector's lookup (and loads a FULL cache) for
 * `spec` (borrowed, must outlive it); hf_lk_resolve answers every row of
 * `b` (its columns spec->lkeys hold the keys, of the key columns' types),
 * batching, pipelining and caching as the operator does; hf_lk_answer
 * gives row i's matches: their count, and their encoding (rowcodec.h,
 * spec->ndim values of spec->dtypes each, one after the other), borrowed
 * until the next hf_lk_resolve. No residual condition applies. */
struct lk;
struct lk *hf_lk_new(struct hf_lookup_spec *spec, struct hf_error *err);
int hf_lk_resolve(struct lk *l, const struct hf_batch *b, struct hf_error *err);
uint32_t hf_lk_answer(struct lk *l, uint32_t i, const void **rows,
                      size_t *len);
void hf_lk_free(struct lk *l); /* NULL is a no-op */

#endif
