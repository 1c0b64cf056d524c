/*
 * upsert_materialize.h - the plan of a SinkUpsertMaterializer
 * (upsert_materialize.c): the planner puts one in front of a sink with a
 * PRIMARY KEY when changes for one key may reach it out of order (a join
 * whose updates move rows between join keys, run in parallel;
 * docs/parallelism.md), or when the query's upsert key (an aggregate's
 * GROUP BY columns, a ranking's partition key) is not contained in that
 * key (table.exec.sink.upsert-materialize; docs/aggregation.md).
 *
 * Ownership: the graph owns the spec (freed through the class).
 */
#ifndef HF_OPS_UPSERT_MATERIALIZE_H
#define HF_OPS_UPSERT_MATERIALIZE_H

#include <stdbool.h>
#include <stdint.h>

#include "ops/op.h"

struct hf_upsert_mat_spec {
    const struct hf_schema *in; /* the sink's columns (borrowed) */
    uint32_t *pk;               /* its PRIMARY KEY columns (owned) */
    uint32_t npk;
    /* The input's upsert key as sink columns (owned; nukey 0: none known):
     * rows are matched on it instead of on all columns, and an add
     * replaces the key's row in place, as Flink's materializer does when
     * it knows the input's upsert key. */
    uint32_t *ukey;
    uint32_t nukey;
    char *sink; /* the sink table's name, for explain (owned) */
    /* The sink overwrites a key's row in place on +U (the connector's
     * sink_upserts_in_place) and the input has an upsert key: a source
     * row's -U then +U under one sink key may be written as one +U. */
    bool fold;
};

void hf_upsert_mat_spec_free(struct hf_upsert_mat_spec *sp);

extern const struct hf_op_class hf_op_upsert_materialize;

#endif
