/*
 * fs_parallel.c - the filesystem source's parallel readers
 * (source.reader-threads; see fs_int.h).
 *
 * Worker threads run the connector's sequential read over worker states
 * that share one file counter, so a free worker takes the next unread
 * file. Each fills batches of its own; a filled batch goes on a FIFO,
 * from which the source's thread takes it by swapping the batch contents
 * (rows, values, their arena) with the runtime's empty batch, so rows are
 * decoded once and never copied. The number of batches (two per worker)
 * bounds the memory and makes the workers wait when the load is slower
 * than the reading: back-pressure as on every other edge. Workers wait
 * for a free batch on one condition, the source's thread for a filled one
 * on another, so a batch handed either way wakes one thread, not all.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "connectors/filesystem/fs_int.h"

#define PER_WORKER 2

struct hf_fs_par {
    uint32_t n;
    void **states;
    hf_fs_par_read_fn read;
    const atomic_int *stopping;
    pthread_t *th;
    uint32_t nthreads; /* started */
    bool started;
    pthread_mutex_t lock;
    pthread_cond_t cond;      /* workers: a free batch, or quit/failed */
    pthread_cond_t cond_full; /* the reader: a filled batch, or an end */
    /* all batches; free ones on `free_`, filled ones in `full` (FIFO) */
    struct hf_batch **all, **free_, **full;
    uint32_t nall, nfree, nfull, head;
    uint32_t active; /* workers not yet ended */
    bool quit;       /* destroy: workers leave */
    bool failed;
    struct hf_error err;
};

struct worker_arg {
    struct hf_fs_par *p;
    uint32_t k;
};

static bool stopping(const struct hf_fs_par *p)
{
    return p->stopping != NULL && atomic_load(p->stopping) != 0;
}

static void *worker(void *arg)
{
    struct worker_arg *wa = arg;
    struct hf_fs_par *p = wa->p;
    void *state = p->states[wa->k];
    free(wa);
    struct hf_error err;
    hf_error_clear(&err);
    for (;;) {
        pthread_mutex_lock(&p->lock);
        while (p->nfree == 0 && !p->quit && !p->failed)
            pthread_cond_wait(&p->cond, &p->lock);
        if (p->quit || p->failed) {
            pthread_mutex_unlock(&p->lock);
            break;
        }
        struct hf_batch *b = p->free_[--p->nfree];
        pthread_mutex_unlock(&p->lock);
        hf_batch_reset(b);
        int rc = p->read(state, b, &err);
        pthread_mutex_lock(&p->lock);
        if (rc < 0) {
            if (!p->failed) {
                p->failed = true;
                p->err = err;
            }
            p->free_[p->nfree++] = b;
            pthread_cond_broadcast(&p->cond); /* every worker leaves */
            pthread_cond_signal(&p->cond_full);
        } else if (b->nrows > 0) {
            p->full[(p->head + p->nfull) % p->nall] = b;
            p->nfull++;
            pthread_cond_signal(&p->cond_full);
        } else {
            p->free_[p->nfree++] = b;
            pthread_cond_signal(&p->cond);
        }
        pthread_mutex_unlock(&p->lock);
        if (rc <= 0)
            break;
    }
    pthread_mutex_lock(&p->lock);
    p->active--;
    if (p->active == 0)
        pthread_cond_signal(&p->cond_full);
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

struct hf_fs_par *hf_fs_par_new(uint32_t n, void **states,
                                hf_fs_par_read_fn read,
                                const atomic_int *stopping_flag)
{
    struct hf_fs_par *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->n = n;
    p->states = states;
    p->read = read;
    p->stopping = stopping_flag;
    p->nall = n * PER_WORKER;
    pthread_mutex_init(&p->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&p->cond, NULL);
    pthread_cond_init(&p->cond_full, &attr);
    pthread_condattr_destroy(&attr);
    hf_error_clear(&p->err);
    p->th = calloc(n, sizeof *p->th);
    p->all = calloc(p->nall, sizeof *p->all);
    p->free_ = calloc(p->nall, sizeof *p->free_);
    p->full = calloc(p->nall, sizeof *p->full);
    if (p->th == NULL || p->all == NULL || p->free_ == NULL ||
        p->full == NULL) {
        hf_fs_par_destroy(p);
        return NULL;
    }
    return p;
}

static int start(struct hf_fs_par *p, const struct hf_batch *shape,
                 struct hf_error *err)
{
    for (uint32_t i = 0; i < p->nall; i++) {
        p->all[i] = hf_batch_new(shape->ncols, shape->cap);
        if (p->all[i] == NULL)
            return hf_error_set(err, HF_ERR_NOMEM,
                                "filesystem: out of memory");
        p->free_[p->nfree++] = p->all[i];
    }
    p->started = true;
    for (uint32_t k = 0; k < p->n; k++) {
        struct worker_arg *wa = malloc(sizeof *wa);
        if (wa == NULL)
            return hf_error_set(err, HF_ERR_NOMEM,
                                "filesystem: out of memory");
        wa->p = p;
        wa->k = k;
        pthread_mutex_lock(&p->lock);
        p->active++;
        pthread_mutex_unlock(&p->lock);
        if (pthread_create(&p->th[p->nthreads], NULL, worker, wa) != 0) {
            free(wa);
            pthread_mutex_lock(&p->lock);
            p->active--;
            pthread_mutex_unlock(&p->lock);
            return hf_error_set(err, HF_ERR_FAIL,
                                "filesystem: cannot start a reader thread");
        }
        p->nthreads++;
    }
    return 0;
}

static void swap_batches(struct hf_batch *a, struct hf_batch *b)
{
    struct hf_batch t = *a;
    *a = *b;
    *b = t;
}

int hf_fs_par_read(struct hf_fs_par *p, struct hf_batch *out,
                   struct hf_error *err)
{
    if (!p->started && start(p, out, err) != 0)
        return -1;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        if (p->failed) {
            *err = p->err;
            pthread_mutex_unlock(&p->lock);
            return -1;
        }
        if (p->nfull > 0)
            break;
        if (p->active == 0 || stopping(p)) {
            pthread_mutex_unlock(&p->lock);
            return 0;
        }
        /* wake now and then to see a stop */
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_nsec += 100 * 1000 * 1000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&p->cond_full, &p->lock, &ts);
    }
    struct hf_batch *b = p->full[p->head];
    p->head = (p->head + 1) % p->nall;
    p->nfull--;
    pthread_mutex_unlock(&p->lock);
    swap_batches(out, b); /* out's old contents are reset on reuse */
    pthread_mutex_lock(&p->lock);
    p->free_[p->nfree++] = b;
    pthread_cond_signal(&p->cond);
    pthread_mutex_unlock(&p->lock);
    return 1;
}

void hf_fs_par_destroy(struct hf_fs_par *p)
{
    if (p == NULL)
        return;
    if (p->started) {
        pthread_mutex_lock(&p->lock);
        p->quit = true;
        pthread_cond_broadcast(&p->cond);
        pthread_mutex_unlock(&p->lock);
        for (uint32_t k = 0; k < p->nthreads; k++)
            pthread_join(p->th[k], NULL);
    }
    if (p->all)
        for (uint32_t i = 0; i < p->nall; i++)
            hf_batch_destroy(p->all[i]);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->cond);
    pthread_cond_destroy(&p->cond_full);
    free(p->th);
    free(p->all);
    free(p->free_);
    free(p->full);
    free(p);
}
