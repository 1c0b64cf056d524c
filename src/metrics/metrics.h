/*
 * metrics.h - the metrics of a running job: counters, gauges and
 * histograms, and a registry that names them and renders them in the
 * Prometheus text exposition format (docs/operability.md).
 *
 * Hot path. Recording never takes a lock: a counter is split into
 * cache-line-sized slots, each thread adding to the slot of its own
 * (a relaxed atomic add, uncontended), and a read sums the slots; a gauge
 * and every histogram bucket are one atomic each. Reads may run on any
 * thread at any time (the HTTP server's) and see each value as it was at
 * some instant of the read, not one consistent snapshot of all of them.
 *
 * Registry. A metric is registered once (name, help, type, labels) with a
 * pointer to where its value lives: a counter, gauge or histogram of this
 * file, a plain atomic the runtime already keeps (hf_table_stats), or a
 * callback. The registry borrows these; they must outlive it. Registering
 * takes the registry's lock and is meant for start-up; rendering takes it
 * too. Several metrics may share a name with different labels: they are
 * one family, rendered together under one HELP/TYPE.
 *
 * @locality record: any thread; register/render: any thread (locked).
 */
#ifndef HF_METRICS_METRICS_H
#define HF_METRICS_METRICS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

#define HF_COUNTER_SLOTS 16
#define HF_HIST_MAX_BUCKETS 16

/* ------------------------------------------------------------ values */

struct hf_counter {
    struct {
        _Alignas(64) atomic_uint_fast64_t v;
    } slot[HF_COUNTER_SLOTS];
};

void hf_counter_add(struct hf_counter *c, uint64_t n);
uint64_t hf_counter_read(const struct hf_counter *c);

struct hf_gauge {
    atomic_int_fast64_t v;
};

static inline void hf_gauge_set(struct hf_gauge *g, int64_t v)
{
    atomic_store_explicit(&g->v, v, memory_order_relaxed);
}
static inline void hf_gauge_add(struct hf_gauge *g, int64_t d)
{
    atomic_fetch_add_explicit(&g->v, d, memory_order_relaxed);
}
static inline int64_t hf_gauge_read(const struct hf_gauge *g)
{
    return atomic_load_explicit(&((struct hf_gauge *)g)->v,
                                memory_order_relaxed);
}

/* A histogram of durations with fixed upper bounds (microseconds,
 * ascending; an implicit +Inf bucket follows). Zero-initialised it uses
 * hf_hist_latency_bounds; hf_hist_init picks other bounds. */
struct hf_hist {
    const int64_t *bounds; /* NULL = hf_hist_latency_bounds */
    uint32_t nbounds;
    atomic_uint_fast64_t bucket[HF_HIST_MAX_BUCKETS + 1]; /* not cumulative */
    atomic_uint_fast64_t count;
    atomic_uint_fast64_t sum_usec;
};

/* 1 ms .. 60 s, for flushes and checkpoints. */
extern const int64_t hf_hist_latency_bounds[];
extern const uint32_t hf_hist_latency_nbounds;

/* bounds: borrowed, at most HF_HIST_MAX_BUCKETS, ascending. */
void hf_hist_init(struct hf_hist *h, const int64_t *bounds, uint32_t n);
void hf_hist_observe(struct hf_hist *h, int64_t usec);
/* The value below which a fraction q (0..1) of the observations fall,
 * as the upper bound of the bucket holding it (microseconds); -1 when
 * empty; INT64_MAX when it is in the +Inf bucket. */
int64_t hf_hist_quantile(const struct hf_hist *h, double q);

/* ------------------------------------------------------------ registry */

enum hf_metric_type {
    HF_METRIC_COUNTER,
    HF_METRIC_GAUGE,
    HF_METRIC_HISTOGRAM,
};

struct hf_metrics;

/* Returns a new empty registry, or NULL on out of memory. */
struct hf_metrics *hf_metrics_new(void);
void hf_metrics_destroy(struct hf_metrics *m);

/* Every register call copies name, help and labels; `labels` is the
 * inside of {} already escaped (see hf_metrics_label), may be "". It
 * returns 0, or -1 on out of memory or a name that is not a valid
 * Prometheus metric name. The value pointer is borrowed. */
int hf_metrics_counter(struct hf_metrics *m, const char *name, const char *help,
                       const char *labels, const struct hf_counter *c);
/* A counter kept as one plain atomic elsewhere (hf_table_stats). */
int hf_metrics_counter_u64(struct hf_metrics *m, const char *name,
                           const char *help, const char *labels,
                           const atomic_uint_fast64_t *v);
int hf_metrics_gauge(struct hf_metrics *m, const char *name, const char *help,
                     const char *labels, const struct hf_gauge *g);
/* A gauge (or, with type COUNTER, a counter) computed at read time by
 * fn(arg); a NaN result leaves the sample out. */
int hf_metrics_callback(struct hf_metrics *m, enum hf_metric_type type,
                        const char *name, const char *help, const char *labels,
                        double (*fn)(const void *arg), const void *arg);
int hf_metrics_histogram(struct hf_metrics *m, const char *name,
                         const char *help, const char *labels,
                         const struct hf_hist *h);

/* A gauge family whose set of samples is known only at read time (one
 * per Kafka partition assigned now): fn(arg, emit, ctx) calls
 * emit(ctx, extra, value) once per sample, `extra` being more labels
 * (built with hf_metrics_label) appended to `labels`. fn runs under the
 * registry's lock on the reading thread. hf_metrics_value skips them. */
typedef void (*hf_metrics_emit_fn)(void *ctx, const char *extra, double v);
int hf_metrics_samples(struct hf_metrics *m, const char *name, const char *help,
                       const char *labels,
                       void (*fn)(const void *arg, hf_metrics_emit_fn emit,
                                  void *ctx),
                       const void *arg);

/* Appends `key="value"` (with a leading comma when `out` is not empty)
 * to out, escaping \, " and newline as the exposition format requires. */
void hf_metrics_label(struct hf_strbuf *out, const char *key,
                      const char *value);

/* Appends every metric in the text exposition format (version 0.0.4):
 * per family "# HELP", "# TYPE", then its samples; histograms as
 * _bucket{le=...} (cumulative, seconds), _sum (seconds) and _count. */
void hf_metrics_render(struct hf_metrics *m, struct hf_strbuf *out);

/* The current value of the first sample named `name` whose labels
 * contain `labels_part` (NULL: any), for tests and the progress line;
 * histograms give their count. Returns 0 and sets *out, or -1. */
int hf_metrics_value(struct hf_metrics *m, const char *name,
                     const char *labels_part, double *out);

#endif
