/*
 * throttle.c - the job-wide token bucket of holoflow.throttle.* (see
 * throttle.h): a generic cell rate algorithm per limit in integer
 * nanoseconds (the fraction of a nanosecond carried, so many small takes
 * add up exactly), credit capped at 1 s of the limit, waits taken outside
 * the lock until an absolute deadline, in slices that watch the job's
 * stop flags and serve the caller's timers (the tick).
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "runtime/throttle.h"

int64_t hf_throttle_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

struct hf_throttle *hf_throttle_new(int64_t records_per_sec,
                                    int64_t bytes_per_sec, bool *nomem)
{
    *nomem = false;
    if (records_per_sec <= 0 && bytes_per_sec <= 0)
        return NULL;
    struct hf_throttle *th = calloc(1, sizeof *th);
    if (th == NULL) {
        *nomem = true;
        return NULL;
    }
    pthread_mutex_init(&th->lock, NULL);
    th->records_per_sec = records_per_sec > 0 ? records_per_sec : 0;
    th->bytes_per_sec = bytes_per_sec > 0 ? bytes_per_sec : 0;
    th->rows.rate = th->records_per_sec;
    th->bytes.rate = th->bytes_per_sec;
    return th;
}

void hf_throttle_free(struct hf_throttle *th)
{
    if (th == NULL)
        return;
    pthread_mutex_destroy(&th->lock);
    free(th);
}

/* Under the lock: empty both buckets at `now`. */
static void start_locked(struct hf_throttle *th, int64_t now)
{
    th->rows.tat = th->bytes.tat = now;
    th->rows.frac = th->bytes.frac = 0;
    th->started = true;
}

void hf_throttle_start(struct hf_throttle *th, int64_t now)
{
    pthread_mutex_lock(&th->lock);
    start_locked(th, now);
    pthread_mutex_unlock(&th->lock);
}

/* Reserve `n` units of `l` at `now`: the time they are earned. The credit
 * (now - tat, when tat is behind) is at most the burst: tat never lags
 * more than 1 s behind now. */
static int64_t reserve(struct hf_throttle_lim *l, int64_t now, uint64_t n)
{
    if (l->tat < now - HF_THROTTLE_BURST_NS) {
        l->tat = now - HF_THROTTLE_BURST_NS;
        l->frac = 0;
    }
    unsigned __int128 q =
        (unsigned __int128)n * 1000000000u + (unsigned __int128)l->frac;
    unsigned __int128 ns = q / (uint64_t)l->rate;
    l->frac = (uint64_t)(q % (uint64_t)l->rate);
    /* a take of more than ~292 years of the limit saturates */
    if (ns > (unsigned __int128)(INT64_MAX - l->tat))
        l->tat = INT64_MAX;
    else
        l->tat += (int64_t)ns;
    return l->tat;
}

int64_t hf_throttle_reserve(struct hf_throttle *th, int64_t now, uint64_t rows,
                            uint64_t bytes)
{
    pthread_mutex_lock(&th->lock);
    if (!th->started)
        start_locked(th, now);
    int64_t until = now;
    if (th->rows.rate > 0 && rows > 0) {
        int64_t t = reserve(&th->rows, now, rows);
        if (t > until)
            until = t;
    }
    if (th->bytes.rate > 0 && bytes > 0) {
        int64_t t = reserve(&th->bytes, now, bytes);
        if (t > until)
            until = t;
    }
    pthread_mutex_unlock(&th->lock);
    return until;
}

bool hf_throttle_take(struct hf_throttle *th, uint64_t rows, uint64_t bytes,
                      const atomic_int *stop, const atomic_int *stop2,
                      hf_throttle_tick tick, void *arg)
{
    int64_t until = hf_throttle_reserve(th, hf_throttle_now(), rows, bytes);
    for (;;) {
        if ((stop && atomic_load(stop)) || (stop2 && atomic_load(stop2)))
            return false;
        int64_t now = hf_throttle_now();
        if (now >= until)
            return true;
        int64_t wake = until - now > 100000000 ? now + 100000000 : until;
        if (tick) {
            int64_t want = tick(arg); /* microseconds */
            if (want < 0)
                return false;
            if (want < 1000)
                want = 1000; /* a timer that stays due does not spin */
            if (want < (wake - now) / 1000)
                wake = now + want * 1000;
        }
        struct timespec ts = {.tv_sec = wake / 1000000000,
                              .tv_nsec = wake % 1000000000};
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
               EINTR)
            ;
    }
}

static uint64_t value_bytes(const struct hf_value *v, enum hf_type_id id,
                            enum hf_type_id elem)
{
    if (v->null)
        return 0;
    switch (id) {
    case HF_BOOLEAN:
        return 1;
    case HF_CHAR:
    case HF_VARCHAR:
    case HF_BYTES:
    case HF_JSON:
    case HF_JSONB:
        return v->v.s.len;
    case HF_ARRAY:
    case HF_ROW:
    case HF_MAP:
    case HF_MULTISET: {
        uint64_t n = 0;
        const struct hf_array *a = v->v.a;
        if (a == NULL)
            return 0;
        /* an ARRAY's items have its element type; other nested values
         * count 8 per item (their field types are not at hand here) */
        uint32_t items = id == HF_MAP || id == HF_MULTISET ? 2 * a->n : a->n;
        for (uint32_t i = 0; i < items; i++)
            n += id == HF_ARRAY ? value_bytes(&a->items[i], elem, elem)
                                : (a->items[i].null ? 0 : 8);
        return n;
    }
    default:
        return 8;
    }
}

uint64_t hf_batch_byte_size(const struct hf_batch *b,
                            const struct hf_schema *schema)
{
    uint64_t n = 0;
    uint32_t nc = b->ncols < schema->ncols ? b->ncols : schema->ncols;
    for (uint32_t r = 0; r < b->nrows; r++) {
        const struct hf_value *row = hf_batch_row(b, r);
        for (uint32_t c = 0; c < nc; c++)
            n += value_bytes(&row[c], schema->cols[c].type.id,
                             schema->cols[c].type.elem);
    }
    return n;
}
