/*
 * throttle.h - a job-wide rate limit on what sources read.
 *
 * The job options holoflow.throttle.records-per-second and
 * holoflow.throttle.bytes-per-second (holoflow sync's DataX
 * job.setting.speed.record / .byte and DataWorks' throttle + mbps) bound
 * the rows and bytes every source of the job reads, together: one bucket
 * shared by all source tasks, so the limits hold across channels. A
 * source task takes its batch's rows and bytes from the bucket after
 * reading the batch and before passing it on, and waits until the bucket
 * has earned them. The bucket keeps no credit (a source that reads slower
 * than the limit cannot burst later), so rows passed on by any time t
 * after the first read never exceed the limit times t: the rate measured
 * over a whole job is at most the limit. Unset (0), the runtime holds no
 * bucket and the source loop does not call here.
 */
#ifndef HF_RUNTIME_THROTTLE_H
#define HF_RUNTIME_THROTTLE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/batch.h"
#include "core/types.h"

struct hf_throttle {
    pthread_mutex_t lock;
    int64_t records_per_sec; /* 0 = no limit */
    int64_t bytes_per_sec;   /* 0 = no limit */
    /* The earliest time (monotonic, in microseconds, as doubles so that
     * sub-microsecond costs add up) the next row / byte may pass. */
    double tat_rows, tat_bytes;
};

/* A bucket with these limits (0 = none); NULL when both are 0 or out of
 * memory (*nomem set then). */
struct hf_throttle *hf_throttle_new(int64_t records_per_sec,
                                    int64_t bytes_per_sec, bool *nomem);
void hf_throttle_free(struct hf_throttle *th);

/* Called between the slices of a wait: does the caller's due work (a
 * source task runs its chained operators' processing-time timers, so
 * their progress marks go out while the source waits) and returns the
 * microseconds until it wants to be called again (INT64_MAX: no wish), or
 * a negative number to end the wait early (an error, kept by the caller). */
typedef int64_t (*hf_throttle_tick)(void *arg);

/* Take `rows` rows and `bytes` bytes from the bucket: returns once they
 * are earned, or early (false) when *stop or *stop2 becomes non-zero or
 * `tick` (may be NULL) fails. Sleeps in slices of at most 100 ms, shorter
 * when `tick` asks (at least 1 ms), to look at the stop flags and call
 * `tick`. @locality any thread. */
bool hf_throttle_take(struct hf_throttle *th, uint64_t rows, uint64_t bytes,
                      const atomic_int *stop, const atomic_int *stop2,
                      hf_throttle_tick tick, void *arg);

/* DataX's byte size of a batch's rows, for sources that do not count the
 * bytes they read: strings and bytes their length, numbers, dates and
 * times 8, booleans 1, NULL 0, nested values the sum of their items. */
uint64_t hf_batch_byte_size(const struct hf_batch *b,
                            const struct hf_schema *schema);

#endif
