/*
 * lag_parts.c - a Kafka source's lag per partition (see lag_parts.h): a
 * small array under a mutex, updated in place so that a steady assignment
 * allocates nothing after its first batch.
 */
#include "metrics/lag_parts.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct part {
    char topic[250];
    int32_t partition;
    int64_t lag;
    bool seen;
};

struct hf_lag_parts {
    pthread_mutex_t lock;
    struct part *p;
    size_t n, cap;
};

struct hf_lag_parts *hf_lag_parts_get(struct hf_lag_parts *_Atomic *slot)
{
    struct hf_lag_parts *lp = atomic_load(slot);
    if (lp)
        return lp;
    struct hf_lag_parts *fresh = calloc(1, sizeof *fresh);
    if (fresh == NULL)
        return NULL;
    pthread_mutex_init(&fresh->lock, NULL);
    if (atomic_compare_exchange_strong(slot, &lp, fresh))
        return fresh;
    hf_lag_parts_destroy(fresh); /* another thread was first: lp is its */
    return lp;
}

void hf_lag_parts_destroy(struct hf_lag_parts *lp)
{
    if (lp == NULL)
        return;
    pthread_mutex_destroy(&lp->lock);
    free(lp->p);
    free(lp);
}

void hf_lag_parts_begin(struct hf_lag_parts *lp)
{
    pthread_mutex_lock(&lp->lock);
    for (size_t i = 0; i < lp->n; i++)
        lp->p[i].seen = false;
}

void hf_lag_parts_set(struct hf_lag_parts *lp, const char *topic,
                      int32_t partition, int64_t lag)
{
    for (size_t i = 0; i < lp->n; i++) {
        struct part *q = &lp->p[i];
        if (q->partition == partition &&
            strncmp(q->topic, topic, sizeof q->topic - 1) == 0) {
            q->lag = lag;
            q->seen = true;
            return;
        }
    }
    if (lp->n == lp->cap) {
        size_t cap = lp->cap ? lp->cap * 2 : 8;
        struct part *p = realloc(lp->p, cap * sizeof *p);
        if (p == NULL)
            return; /* the partition is left out of the metrics */
        lp->p = p;
        lp->cap = cap;
    }
    struct part *q = &lp->p[lp->n++];
    memset(q, 0, sizeof *q);
    strncpy(q->topic, topic, sizeof q->topic - 1);
    q->partition = partition;
    q->lag = lag;
    q->seen = true;
}

void hf_lag_parts_end(struct hf_lag_parts *lp)
{
    size_t k = 0;
    for (size_t i = 0; i < lp->n; i++)
        if (lp->p[i].seen)
            lp->p[k++] = lp->p[i];
    lp->n = k;
    pthread_mutex_unlock(&lp->lock);
}

void hf_lag_parts_each(struct hf_lag_parts *lp,
                       void (*fn)(void *ctx, const char *topic,
                                  int32_t partition, int64_t lag),
                       void *ctx)
{
    pthread_mutex_lock(&lp->lock);
    for (size_t i = 0; i < lp->n; i++)
        fn(ctx, lp->p[i].topic, lp->p[i].partition, lp->p[i].lag);
    pthread_mutex_unlock(&lp->lock);
}
