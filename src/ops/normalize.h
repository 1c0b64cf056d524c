/*
 * normalize.h - the plan of the ChangelogNormalize operator (normalize.c),
 * which the planner puts after a source whose changelog is an upsert
 * stream (upsert-kafka; the hologres binlog in UPSERT mode: +U without
 * -U, -D carrying the key only), or after a CDC source with a PRIMARY KEY
 * when 'table.exec.source.cdc-events-duplicate' is true, wherever a
 * consumer needs a complete changelog (sql/plan_query.c, "normalize").
 *
 * Its output has its input's columns; column indexes are the input's.
 */
#ifndef HF_OPS_NORMALIZE_H
#define HF_OPS_NORMALIZE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/types.h"

struct hf_normalize_spec {
    const struct hf_schema *in; /* the source's columns (borrowed from the
                                   table, which outlives the graph) */
    uint32_t *key;              /* the PRIMARY KEY columns (owned) */
    uint32_t nkey;
    const char *table;  /* the source table's name, for explain (borrowed) */
    bool update_before; /* emit -U(prev) before +U (a consumer needs it) */
    bool ttl;           /* table.exec.state.ttl > 0: equal rows pass */
    /* table.exec.mini-batch.*: keep the last row per key in memory and
     * normalize only that one at a flush: every `mb_size` rows, when a
     * row arrives `mb_latency_ms` after the bundle's first, before each
     * checkpoint barrier and at the end of the input. */
    bool minibatch;
    int64_t mb_latency_ms;
    int64_t mb_size;
};

/* Free a spec and what it owns (NULL: no-op). */
void hf_normalize_spec_free(struct hf_normalize_spec *s);

#endif
