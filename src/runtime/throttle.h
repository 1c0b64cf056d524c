/*
 * throttle.h - a job-wide rate limit on what sources read.
 *
 * The job options holoflow.throttle.records-per-second and
 * holoflow.throttle.bytes-per-second (holoflow sync's DataX
 * job.setting.speed.record / .byte and DataWorks' throttle + mbps) bound
 * the rows and bytes every source of the job reads, together: one token
 * bucket per limit, shared by all source tasks, so the limits hold across
 * channels. A source task takes its batch's rows and bytes from the
 * bucket after reading the batch and before passing it on, and waits
 * until the bucket has earned them.
 *
 * The bucket, per limit (a generic cell rate algorithm: the state is the
 * time `tat` at which everything taken so far is earned):
 *  - it starts empty at hf_throttle_start (the engine's start): by any
 *    time t after it, at most limit x t units have passed, so the rate
 *    measured from the engine's start never exceeds the limit;
 *  - it fills at the limit while nobody takes, up to HF_THROTTLE_BURST_NS
 *    (1 s) of the limit: the time a source spends reading a batch, a
 *    late wake-up, a slow start are made up afterwards (so a source
 *    faster than the limit runs at the limit, not below it), but after a
 *    longer stall at most 1 s of the limit passes at once;
 *  - a take is never refused: the units are reserved at once (tat moves
 *    on by units / limit), and the caller waits until tat. Several
 *    threads taking at once queue up behind each other's reservations.
 * Unset (0), the runtime holds no bucket and the source loop does not
 * call here.
 */
#ifndef HF_RUNTIME_THROTTLE_H
#define HF_RUNTIME_THROTTLE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/batch.h"
#include "core/types.h"

/* The most credit a bucket holds: 1 s of its limit. */
#define HF_THROTTLE_BURST_NS INT64_C(1000000000)

/* One limit's schedule. */
struct hf_throttle_lim {
    int64_t rate;  /* units per second; 0 = no limit */
    int64_t tat;   /* ns: when everything taken so far is earned */
    uint64_t frac; /* units x 1e9 not yet turned into a whole ns (< rate) */
};

struct hf_throttle {
    pthread_mutex_t lock;
    int64_t records_per_sec; /* 0 = no limit */
    int64_t bytes_per_sec;   /* 0 = no limit */
    struct hf_throttle_lim rows, bytes;
    bool started; /* hf_throttle_start was called (or a first take) */
};

/* A bucket with these limits (0 = none), returned owned (free with
 * hf_throttle_free); NULL when both are 0 or out of memory (*nomem set
 * then). */
struct hf_throttle *hf_throttle_new(int64_t records_per_sec,
                                    int64_t bytes_per_sec, bool *nomem);
void hf_throttle_free(struct hf_throttle *th);

/* The monotonic clock the bucket runs on, in ns. */
int64_t hf_throttle_now(void);

/* Empty the bucket at `now` (ns, hf_throttle_now's clock): the runtime
 * calls it when the job starts. Without it, the first take starts the
 * bucket, empty, at its own time. @locality any thread. */
void hf_throttle_start(struct hf_throttle *th, int64_t now);

/* The arithmetic of a take, without waiting: reserve `rows` and `bytes`
 * at time `now` (ns) and return the time (ns) they are earned (now or
 * earlier: they may pass at once). Deterministic; the unit tests drive it
 * with their own clock. @locality any thread (takes the lock). */
int64_t hf_throttle_reserve(struct hf_throttle *th, int64_t now, uint64_t rows,
                            uint64_t bytes);

/* Called between the slices of a wait: does the caller's due work (a
 * source task runs its chained operators' processing-time timers, so
 * their progress marks go out while the source waits) and returns the
 * microseconds until it wants to be called again (INT64_MAX: no wish), or
 * a negative number to end the wait early (an error, kept by the caller). */
typedef int64_t (*hf_throttle_tick)(void *arg);

/* Take `rows` rows and `bytes` bytes from the bucket: reserves them
 * (hf_throttle_reserve at the clock's now) and returns once they are
 * earned, or early (false) when *stop or *stop2 becomes non-zero or
 * `tick` (may be NULL) fails; the reservation stays taken then. Sleeps
 * until the exact time they are earned (an absolute monotonic deadline),
 * in slices of at most 100 ms, shorter when `tick` asks (at least 1 ms),
 * to look at the stop flags and call `tick`. @locality any thread. */
bool hf_throttle_take(struct hf_throttle *th, uint64_t rows, uint64_t bytes,
                      const atomic_int *stop, const atomic_int *stop2,
                      hf_throttle_tick tick, void *arg);

/* DataX's byte size of a batch's rows, for sources that do not count the
 * bytes they read: strings and bytes their length, numbers, dates and
 * times 8, booleans 1, NULL 0, nested values the sum of their items. */
uint64_t hf_batch_byte_size(const struct hf_batch *b,
                            const struct hf_schema *schema);

#endif
