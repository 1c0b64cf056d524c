/*
 * throttle.c - the job-wide token bucket of holoflow.throttle.* (see
 * throttle.h): a generic cell rate algorithm per limit, no burst credit,
 * waits taken outside the lock in slices that watch the job's stop flag
 * and serve the caller's timers (the tick).
 */
#include <stdlib.h>
#include <time.h>

#include "runtime/throttle.h"

static double now_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
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
    return th;
}

void hf_throttle_free(struct hf_throttle *th)
{
    if (th == NULL)
        return;
    pthread_mutex_destroy(&th->lock);
    free(th);
}

/* Reserve `n` units at `rate` per second on the schedule *tat: the time
 * they are earned. */
static double reserve(double *tat, double now, uint64_t n, int64_t rate)
{
    if (*tat < now)
        *tat = now; /* no credit for the time nothing was taken */
    *tat += (double)n * 1e6 / (double)rate;
    return *tat;
}

bool hf_throttle_take(struct hf_throttle *th, uint64_t rows, uint64_t bytes,
                      const atomic_int *stop, const atomic_int *stop2,
                      hf_throttle_tick tick, void *arg)
{
    pthread_mutex_lock(&th->lock);
    double now = now_usec();
    double until = now;
    if (th->records_per_sec > 0 && rows > 0) {
        double t = reserve(&th->tat_rows, now, rows, th->records_per_sec);
        if (t > until)
            until = t;
    }
    if (th->bytes_per_sec > 0 && bytes > 0) {
        double t = reserve(&th->tat_bytes, now, bytes, th->bytes_per_sec);
        if (t > until)
            until = t;
    }
    pthread_mutex_unlock(&th->lock);
    for (;;) {
        if ((stop && atomic_load(stop)) || (stop2 && atomic_load(stop2)))
            return false;
        double left = until - now_usec();
        if (left <= 0)
            return true;
        if (left > 100000)
            left = 100000;
        if (tick) {
            int64_t want = tick(arg);
            if (want < 0)
                return false;
            if (want < 1000)
                want = 1000; /* a timer that stays due does not spin */
            if ((double)want < left)
                left = (double)want;
        }
        struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)(left * 1000)};
        nanosleep(&ts, NULL);
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
