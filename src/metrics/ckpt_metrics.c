/*
 * ckpt_metrics.c - the checkpoint coordinator's record of its checkpoints
 * (see ckpt_metrics.h): counts, a duration histogram and the last ten.
 */
#include "metrics/ckpt_metrics.h"

#include <string.h>
#include <time.h>

static int64_t mono_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void hf_ckpt_metrics_init(struct hf_ckpt_metrics *c)
{
    memset(c, 0, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
}

void hf_ckpt_metrics_fini(struct hf_ckpt_metrics *c)
{
    pthread_mutex_destroy(&c->lock);
}

void hf_ckpt_metrics_started(struct hf_ckpt_metrics *c, uint64_t id)
{
    pthread_mutex_lock(&c->lock);
    if (c->nhist == HF_CKPT_HISTORY) {
        memmove(c->hist, c->hist + 1, (HF_CKPT_HISTORY - 1) * sizeof *c->hist);
        c->nhist--;
    }
    c->hist[c->nhist++] = (struct hf_ckpt_record){.id = id,
                                                  .trigger_ms = wall_ms(),
                                                  .status = HF_CKPT_IN_PROGRESS,
                                                  .start_usec = mono_usec()};
    pthread_mutex_unlock(&c->lock);
    atomic_fetch_add(&c->triggered, 1);
}

void hf_ckpt_metrics_completed(struct hf_ckpt_metrics *c, uint64_t id)
{
    int64_t now = mono_usec();
    pthread_mutex_lock(&c->lock);
    for (uint32_t i = 0; i < c->nhist; i++) {
        struct hf_ckpt_record *r = &c->hist[i];
        if (r->status != HF_CKPT_IN_PROGRESS || r->id > id)
            continue;
        r->status = HF_CKPT_COMPLETED;
        int64_t us = now - r->start_usec;
        r->duration_ms = us / 1000;
        hf_hist_observe(&c->duration, us);
        atomic_fetch_add(&c->completed, 1);
        hf_gauge_set(&c->last_duration_ms, r->duration_ms);
        hf_gauge_set(&c->last_id, (int64_t)r->id);
        hf_gauge_set(&c->last_completed_ms, wall_ms());
    }
    pthread_mutex_unlock(&c->lock);
}

void hf_ckpt_metrics_sized(struct hf_ckpt_metrics *c, uint64_t id,
                           uint64_t bytes)
{
    pthread_mutex_lock(&c->lock);
    for (uint32_t i = 0; i < c->nhist; i++)
        if (c->hist[i].id == id)
            c->hist[i].size_bytes = (int64_t)bytes;
    pthread_mutex_unlock(&c->lock);
    hf_gauge_set(&c->last_size, (int64_t)bytes);
}

uint32_t hf_ckpt_metrics_copy(struct hf_ckpt_metrics *c,
                              struct hf_ckpt_record *out)
{
    int64_t now = mono_usec();
    pthread_mutex_lock(&c->lock);
    uint32_t n = c->nhist;
    memcpy(out, c->hist, n * sizeof *out);
    pthread_mutex_unlock(&c->lock);
    for (uint32_t i = 0; i < n; i++)
        if (out[i].status == HF_CKPT_IN_PROGRESS)
            out[i].duration_ms = (now - out[i].start_usec) / 1000;
    return n;
}
