/*
 * chan.c - a task's inbox with per-edge credits (see chan.h).
 */
#include "runtime/chan.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

int hf_chan_init(struct hf_chan *c, uint32_t ninputs, uint32_t credit)
{
    c->ninputs = ninputs;
    c->credit = credit ? credit : 1;
    c->cap = ninputs * (c->credit + 2);
    c->head = c->count = 0;
    c->aborted = false;
    c->ring = calloc(c->cap ? c->cap : 1, sizeof *c->ring);
    c->inflight = calloc(ninputs ? ninputs : 1, sizeof *c->inflight);
    if (c->ring == NULL || c->inflight == NULL) {
        free(c->ring);
        free(c->inflight);
        c->ring = NULL;
        c->inflight = NULL;
        return -1;
    }
    pthread_mutex_init(&c->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&c->not_empty, &attr);
    pthread_cond_init(&c->space, &attr);
    pthread_condattr_destroy(&attr);
    return 0;
}

void hf_chan_destroy(struct hf_chan *c)
{
    if (c->ring == NULL)
        return;
    pthread_mutex_destroy(&c->lock);
    pthread_cond_destroy(&c->not_empty);
    pthread_cond_destroy(&c->space);
    free(c->ring);
    free(c->inflight);
    c->ring = NULL;
    c->inflight = NULL;
}

bool hf_chan_push(struct hf_chan *c, const struct hf_msg *m)
{
    bool data = m->kind == HF_MSG_DATA || m->kind == HF_MSG_WATERMARK;
    pthread_mutex_lock(&c->lock);
    while (!c->aborted &&
           (c->count == c->cap || (data && c->inflight[m->input] >= c->credit)))
        pthread_cond_wait(&c->space, &c->lock);
    if (c->aborted) {
        pthread_mutex_unlock(&c->lock);
        return false;
    }
    if (data)
        c->inflight[m->input]++;
    c->ring[(c->head + c->count) % c->cap] = *m;
    c->count++;
    pthread_cond_signal(&c->not_empty);
    pthread_mutex_unlock(&c->lock);
    return true;
}

/* Under the lock: a data message of `input` is processed. Only a producer
 * whose edge was out of credit can be waiting. */
static void done_locked(struct hf_chan *c, uint32_t input)
{
    if (c->inflight[input] > 0 && c->inflight[input]-- == c->credit)
        pthread_cond_broadcast(&c->space);
}

bool hf_chan_pop(struct hf_chan *c, struct hf_msg *m, int timeout_ms,
                 int64_t done)
{
    struct timespec deadline;
    if (timeout_ms >= 0) {
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        deadline.tv_sec += timeout_ms / 1000;
        deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
        if (deadline.tv_nsec >= 1000000000L) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000L;
        }
    }
    pthread_mutex_lock(&c->lock);
    if (done >= 0 && (uint64_t)done < c->ninputs)
        done_locked(c, (uint32_t)done);
    while (c->count == 0 && !c->aborted) {
        if (timeout_ms < 0)
            pthread_cond_wait(&c->not_empty, &c->lock);
        else if (pthread_cond_timedwait(&c->not_empty, &c->lock, &deadline) ==
                 ETIMEDOUT)
            break;
    }
    bool got = c->count > 0 && !c->aborted;
    if (got) {
        *m = c->ring[c->head];
        c->head = (c->head + 1) % c->cap;
        if (c->count-- == c->cap)
            pthread_cond_broadcast(&c->space); /* it was full */
    }
    pthread_mutex_unlock(&c->lock);
    return got;
}

void hf_chan_done(struct hf_chan *c, uint32_t input)
{
    pthread_mutex_lock(&c->lock);
    done_locked(c, input);
    pthread_mutex_unlock(&c->lock);
}

void hf_chan_abort(struct hf_chan *c)
{
    pthread_mutex_lock(&c->lock);
    c->aborted = true;
    pthread_cond_broadcast(&c->not_empty);
    pthread_cond_broadcast(&c->space);
    pthread_mutex_unlock(&c->lock);
}

bool hf_chan_aborted(struct hf_chan *c)
{
    pthread_mutex_lock(&c->lock);
    bool a = c->aborted;
    pthread_mutex_unlock(&c->lock);
    return a;
}
