/*
 * ckpt_metrics.h - what the checkpoint coordinator records about its
 * checkpoints for the metrics and the REST API (Flink's
 * numberOfCompletedCheckpoints, lastCheckpointDuration, the checkpoint
 * history of /jobs/<id>/checkpoints).
 *
 * The coordinator thread calls started/completed; any thread may read
 * under `lock` (hf_ckpt_metrics_copy) or read the atomics directly.
 *
 * @locality started/completed: the coordinator; reads: any thread.
 */
#ifndef HF_METRICS_CKPT_METRICS_H
#define HF_METRICS_CKPT_METRICS_H

#include <pthread.h>
#include <stdint.h>

#include "metrics/metrics.h"

#define HF_CKPT_HISTORY 10

enum hf_ckpt_status { HF_CKPT_IN_PROGRESS, HF_CKPT_COMPLETED };

struct hf_ckpt_record {
    uint64_t id;
    int64_t trigger_ms;  /* wall clock, ms since the epoch */
    int64_t duration_ms; /* completed: trigger to complete; else so far */
    enum hf_ckpt_status status;
    int64_t start_usec; /* monotonic, for the duration */
    int64_t size_bytes; /* completed: its files' bytes (0 without a dir) */
};

struct hf_ckpt_metrics {
    pthread_mutex_t lock;
    atomic_uint_fast64_t triggered;
    atomic_uint_fast64_t completed;
    struct hf_hist duration;
    struct hf_gauge last_duration_ms;
    struct hf_gauge last_completed_ms; /* wall clock; 0 = none yet */
    struct hf_gauge last_id;
    struct hf_gauge last_size; /* bytes of the last completed one */
    /* Newest last; at most HF_CKPT_HISTORY, under lock. */
    struct hf_ckpt_record hist[HF_CKPT_HISTORY];
    uint32_t nhist;
};

void hf_ckpt_metrics_init(struct hf_ckpt_metrics *c);
void hf_ckpt_metrics_fini(struct hf_ckpt_metrics *c);
void hf_ckpt_metrics_started(struct hf_ckpt_metrics *c, uint64_t id);
/* Checkpoint `id` is about to be reported complete and its files hold
 * `bytes` (hf_state_backend_last_size): recorded for it and as the last
 * size. Call before hf_ckpt_metrics_completed(c, id). */
void hf_ckpt_metrics_sized(struct hf_ckpt_metrics *c, uint64_t id,
                           uint64_t bytes);
/* Every checkpoint up to `id` is complete. */
void hf_ckpt_metrics_completed(struct hf_ckpt_metrics *c, uint64_t id);
/* Copies the history (newest last) into out (room for HF_CKPT_HISTORY);
 * in-progress records get their duration so far. Returns how many. */
uint32_t hf_ckpt_metrics_copy(struct hf_ckpt_metrics *c,
                              struct hf_ckpt_record *out);

#endif
