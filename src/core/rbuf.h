/*
 * rbuf.h - row batches shared by reference, and the fixed pools they come
 * from: the unit that travels along the edges of the operator graph.
 *
 * One source batch may feed several branches of the graph (a table read by
 * several INSERTs), and an operator's output may keep pointing into its
 * input (a projection copies the 24-byte value slots, so strings stay in
 * the source batch's arena). Both are expressed by references:
 *
 *   - an rbuf is taken from its pool with one reference (the taker's);
 *     whoever hands it to another thread or keeps it past a call takes one
 *     more (hf_rbuf_ref) and drops it when done (hf_rbuf_release);
 *   - an rbuf whose values borrow another rbuf's arena names that one as
 *     its parent (hf_rbuf_set_parent) and holds a reference on it, so the
 *     parent lives as long as any batch that points into it;
 *   - at the last release the parent's reference is dropped and the rbuf
 *     goes back to its pool; the next taker resets the batch.
 *
 * A batch is written only by the thread that took it from the pool, before
 * it is handed on; after that every holder only reads it. A pool holds a
 * fixed number of batches, so taking from an empty pool blocks until one
 * comes back: that is how a slow consumer holds back its producers
 * (back-pressure) and what bounds the memory of a job.
 *
 * @locality any thread; the refcount is atomic, a pool has one mutex.
 */
#ifndef HF_CORE_RBUF_H
#define HF_CORE_RBUF_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/batch.h"

struct hf_rbuf_pool;

struct hf_rbuf {
    struct hf_batch *b;        /* owned by the pool */
    atomic_uint refs;          /* 0 while in the pool */
    struct hf_rbuf *parent;    /* the batch b's values may point into */
    struct hf_rbuf_pool *home; /* where it returns at the last release */
};

/* A pool of `count` batches of `ncols` columns, `rows` rows each (the
 * batch's "full" target). Returns NULL on out of memory. Caller owns;
 * hf_rbuf_pool_destroy once no rbuf of it is held any more. */
struct hf_rbuf_pool *hf_rbuf_pool_new(uint32_t ncols, uint32_t rows,
                                      uint32_t count);
void hf_rbuf_pool_destroy(struct hf_rbuf_pool *p);
/* Wake every waiter of hf_rbuf_get and make later calls fail (a failing
 * job). Releases still return batches to the pool. */
void hf_rbuf_pool_abort(struct hf_rbuf_pool *p);
/* Whether hf_rbuf_pool_abort was called (the job failed or was
 * cancelled): an operator that waits on its own thread stops. */
bool hf_rbuf_pool_aborted(struct hf_rbuf_pool *p);

/* Take a batch, reset and empty, with one reference owned by the caller.
 * Blocks up to `timeout_ms` (-1: until one is free). NULL on timeout or
 * after hf_rbuf_pool_abort. */
struct hf_rbuf *hf_rbuf_get(struct hf_rbuf_pool *p, int timeout_ms);

/* One more reference to `r` (the caller must already hold one). */
static inline void hf_rbuf_ref(struct hf_rbuf *r)
{
    atomic_fetch_add_explicit(&r->refs, 1, memory_order_relaxed);
}

/* Drop one reference; the last one returns `r` to its pool and drops the
 * reference on its parent. NULL is a no-op. */
void hf_rbuf_release(struct hf_rbuf *r);

/* `r`'s values may point into `parent`'s arena: `r` takes a reference on
 * `parent`, dropped when `r` goes back to its pool. At most one parent;
 * set before `r` is handed on. */
void hf_rbuf_set_parent(struct hf_rbuf *r, struct hf_rbuf *parent);

#endif
