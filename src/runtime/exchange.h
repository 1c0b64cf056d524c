/*
 * exchange.h - the sending end of the edges from one producer instance to
 * every instance of one consumer node: how rows reach keyed operators that
 * run in parallel (parallelism.default > 1, docs/parallelism.md).
 *
 * An exchange has one target per consumer instance: that instance's task
 * inbox (chan.h) and the edge's index in it. Rows go one of two ways:
 *
 *   - forward (one target): every batch as it is, one reference each;
 *   - keyed (a consumer whose operator has route_key, op.h): each row to
 *     the instance owning its key group (state/state.h: key group =
 *     murmur(hash) % max parallelism, instance = key group * n / max
 *     parallelism). A batch whose rows all go to one instance goes whole;
 *     otherwise it is split into one batch per instance, from a pool of
 *     the exchange's own (credit + 2 per target), whose value slots are
 *     copied and whose strings still point into the input (its parent).
 *
 * Rows of one producer for one key keep their order: they go to one
 * target, in order, and an inbox keeps each edge's order. Barriers,
 * watermarks and end markers go to every target (broadcast), behind every
 * row sent before them, so each consumer instance aligns barriers and
 * takes the minimum watermark over all its input edges (runtime.c).
 *
 * Generic over keyed operators: nothing here knows an operator; the key
 * is the consumer's route_key.
 *
 * @locality one producer thread per exchange; the inboxes are thread-safe.
 */
#ifndef HF_RUNTIME_EXCHANGE_H
#define HF_RUNTIME_EXCHANGE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/rbuf.h"
#include "core/strbuf.h"
#include "runtime/chan.h"
#include "runtime/graph.h"

struct hf_exchange_target {
    struct hf_chan *chan;       /* the consumer instance's inbox (borrowed) */
    uint32_t input;             /* the edge's index in that inbox */
    struct hf_rbuf_pool *pool;  /* keyed with several targets: split
                                   batches (owned) */
};

struct hf_exchange {
    struct hf_exchange_target *t;
    uint32_t ntargets;
    /* Keyed: the consumer node (its op's route_key), its input `port`
     * and the producer's columns; NULL `to`: forward. */
    const struct hf_node *to;
    const struct hf_schema *in;
    uint32_t port, max_parallelism;
    struct hf_strbuf key;
    uint32_t *dest; /* per row of the batch being routed */
    uint32_t destcap;
    uint64_t rows_routed; /* counters (tests, logs) */
    uint64_t batches_split;
};

/* An exchange to `ntargets` targets (filled by the caller: chan and input;
 * the pools are made here when keyed). `to` NULL: forward (ntargets must
 * be 1). ncols and batch_rows size the split batches, credit their pools.
 * Caller owns *x (hf_exchange_destroy). 0, or -1 on out of memory. */
int hf_exchange_init(struct hf_exchange *x, uint32_t ntargets,
                     const struct hf_node *to, const struct hf_schema *in,
                     uint32_t port, uint32_t max_parallelism,
                     uint32_t batch_rows, uint32_t credit);
void hf_exchange_destroy(struct hf_exchange *x);
/* The target of `row` (keyed) or 0. */
uint32_t hf_exchange_route(struct hf_exchange *x, const struct hf_value *row);
/* Send the rows of `rows` (borrowed) to their targets. 0, or -1 when an
 * inbox or pool was aborted (the job is failing). */
int hf_exchange_data(struct hf_exchange *x, struct hf_rbuf *rows);
/* Send `m` (a barrier, watermark or end; its `input` is set per target)
 * to every target. 0, or -1 when aborted. */
int hf_exchange_broadcast(struct hf_exchange *x, const struct hf_msg *m);
/* Wake a producer blocked on a split pool (a failing job). */
void hf_exchange_abort(struct hf_exchange *x);

#endif
