/*
 * rbuf.c - shared row batches and their pools (see rbuf.h).
 *
 * A pool is a stack of free rbufs under one mutex; all of its batches are
 * allocated at creation and freed at destruction, so a running job does
 * no allocation for batches (their arenas keep their first chunk across
 * resets, batch.h).
 */
#include "core/rbuf.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

struct hf_rbuf_pool {
    pthread_mutex_t lock;
    pthread_cond_t freed;
    struct hf_rbuf *bufs; /* count */
    struct hf_rbuf **free_stack;
    uint32_t count, nfree;
    bool aborted;
};

struct hf_rbuf_pool *hf_rbuf_pool_new(uint32_t ncols, uint32_t rows,
                                      uint32_t count)
{
    struct hf_rbuf_pool *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->bufs = calloc(count ? count : 1, sizeof *p->bufs);
    p->free_stack = calloc(count ? count : 1, sizeof *p->free_stack);
    pthread_mutex_init(&p->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&p->freed, &attr);
    pthread_condattr_destroy(&attr);
    if (p->bufs == NULL || p->free_stack == NULL) {
        hf_rbuf_pool_destroy(p);
        return NULL;
    }
    for (uint32_t i = 0; i < count; i++) {
        struct hf_rbuf *r = &p->bufs[i];
        r->b = hf_batch_new(ncols, rows);
        if (r->b == NULL) {
            hf_rbuf_pool_destroy(p);
            return NULL;
        }
        r->home = p;
        atomic_init(&r->refs, 0);
        p->count++;
        p->free_stack[p->nfree++] = r;
    }
    return p;
}

void hf_rbuf_pool_destroy(struct hf_rbuf_pool *p)
{
    if (p == NULL)
        return;
    for (uint32_t i = 0; p->bufs && i < p->count; i++)
        hf_batch_destroy(p->bufs[i].b);
    free(p->bufs);
    free(p->free_stack);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->freed);
    free(p);
}

void hf_rbuf_pool_abort(struct hf_rbuf_pool *p)
{
    pthread_mutex_lock(&p->lock);
    p->aborted = true;
    pthread_cond_broadcast(&p->freed);
    pthread_mutex_unlock(&p->lock);
}

bool hf_rbuf_pool_aborted(struct hf_rbuf_pool *p)
{
    pthread_mutex_lock(&p->lock);
    bool a = p->aborted;
    pthread_mutex_unlock(&p->lock);
    return a;
}

struct hf_rbuf *hf_rbuf_get(struct hf_rbuf_pool *p, int timeout_ms)
{
    struct timespec deadline;
    if (timeout_ms > 0) {
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        deadline.tv_sec += timeout_ms / 1000;
        deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
        if (deadline.tv_nsec >= 1000000000L) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000L;
        }
    }
    pthread_mutex_lock(&p->lock);
    while (p->nfree == 0 && !p->aborted && timeout_ms != 0) {
        if (timeout_ms < 0)
            pthread_cond_wait(&p->freed, &p->lock);
        else if (pthread_cond_timedwait(&p->freed, &p->lock, &deadline) ==
                 ETIMEDOUT)
            break;
    }
    struct hf_rbuf *r = NULL;
    if (p->nfree > 0 && !p->aborted)
        r = p->free_stack[--p->nfree];
    pthread_mutex_unlock(&p->lock);
    if (r) {
        atomic_store_explicit(&r->refs, 1, memory_order_relaxed);
        r->parent = NULL;
        hf_batch_reset(r->b);
        r->b->src_name = NULL;
        r->b->src_part = -1;
    }
    return r;
}

void hf_rbuf_set_parent(struct hf_rbuf *r, struct hf_rbuf *parent)
{
    if (parent == NULL || r->parent == parent)
        return;
    hf_rbuf_ref(parent);
    r->parent = parent;
}

void hf_rbuf_release(struct hf_rbuf *r)
{
    /* Iterative: a chain of parents is released without recursion. */
    while (r != NULL) {
        if (atomic_fetch_sub_explicit(&r->refs, 1, memory_order_acq_rel) != 1)
            return;
        struct hf_rbuf *parent = r->parent;
        struct hf_rbuf_pool *p = r->home;
        r->parent = NULL;
        pthread_mutex_lock(&p->lock);
        p->free_stack[p->nfree++] = r;
        pthread_cond_signal(&p->freed);
        pthread_mutex_unlock(&p->lock);
        r = parent;
    }
}
