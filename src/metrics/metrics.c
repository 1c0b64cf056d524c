/*
 * metrics.c - counters, gauges, histograms and the registry that renders
 * them in the Prometheus text exposition format (see metrics.h).
 *
 * A thread's counter slot is chosen once per thread (a thread-local index
 * handed out round-robin), so threads rarely share a slot; sharing one is
 * still correct, only slower.
 */
#include "metrics/metrics.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ values */

static atomic_uint next_slot;
static _Thread_local int my_slot = -1;

static int slot_index(void)
{
    if (my_slot < 0)
        my_slot = (int)(atomic_fetch_add(&next_slot, 1) % HF_COUNTER_SLOTS);
    return my_slot;
}

void hf_counter_add(struct hf_counter *c, uint64_t n)
{
    atomic_fetch_add_explicit(&c->slot[slot_index()].v, n,
                              memory_order_relaxed);
}

uint64_t hf_counter_read(const struct hf_counter *c)
{
    struct hf_counter *w = (struct hf_counter *)c;
    uint64_t s = 0;
    for (int i = 0; i < HF_COUNTER_SLOTS; i++)
        s += atomic_load_explicit(&w->slot[i].v, memory_order_relaxed);
    return s;
}

const int64_t hf_hist_latency_bounds[] = {
    1000,   2500,    5000,    10000,   25000,    50000,    100000,  250000,
    500000, 1000000, 2500000, 5000000, 10000000, 30000000, 60000000};
const uint32_t hf_hist_latency_nbounds =
    sizeof hf_hist_latency_bounds / sizeof hf_hist_latency_bounds[0];

void hf_hist_init(struct hf_hist *h, const int64_t *bounds, uint32_t n)
{
    memset(h, 0, sizeof *h);
    h->bounds = bounds;
    h->nbounds = n > HF_HIST_MAX_BUCKETS ? HF_HIST_MAX_BUCKETS : n;
}

static const int64_t *hist_bounds(const struct hf_hist *h, uint32_t *n)
{
    if (h->bounds == NULL) {
        *n = hf_hist_latency_nbounds;
        return hf_hist_latency_bounds;
    }
    *n = h->nbounds;
    return h->bounds;
}

void hf_hist_observe(struct hf_hist *h, int64_t usec)
{
    uint32_t n;
    const int64_t *b = hist_bounds(h, &n);
    if (usec < 0)
        usec = 0;
    uint32_t i = 0;
    while (i < n && usec > b[i])
        i++;
    atomic_fetch_add_explicit(&h->bucket[i], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&h->sum_usec, (uint64_t)usec,
                              memory_order_relaxed);
    atomic_fetch_add_explicit(&h->count, 1, memory_order_relaxed);
}

int64_t hf_hist_quantile(const struct hf_hist *h, double q)
{
    struct hf_hist *w = (struct hf_hist *)h;
    uint32_t n;
    const int64_t *b = hist_bounds(h, &n);
    uint64_t counts[HF_HIST_MAX_BUCKETS + 1], total = 0;
    for (uint32_t i = 0; i <= n; i++)
        total += counts[i] = atomic_load(&w->bucket[i]);
    if (total == 0)
        return -1;
    uint64_t rank = (uint64_t)ceil(q * (double)total), acc = 0;
    if (rank == 0)
        rank = 1;
    for (uint32_t i = 0; i < n; i++) {
        acc += counts[i];
        if (acc >= rank)
            return b[i];
    }
    return INT64_MAX;
}

/* ------------------------------------------------------------ registry */

enum src_kind { SRC_COUNTER, SRC_U64, SRC_GAUGE, SRC_FN, SRC_HIST, SRC_MULTI };

struct entry {
    char *name, *help, *labels;
    enum hf_metric_type type;
    enum src_kind kind;
    const void *p;
    double (*fn)(const void *arg);
    void (*mfn)(const void *arg, hf_metrics_emit_fn emit, void *ctx);
};

struct hf_metrics {
    pthread_mutex_t lock;
    struct entry *e;
    size_t n, cap;
};

struct hf_metrics *hf_metrics_new(void)
{
    struct hf_metrics *m = calloc(1, sizeof *m);
    if (m)
        pthread_mutex_init(&m->lock, NULL);
    return m;
}

void hf_metrics_destroy(struct hf_metrics *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->n; i++) {
        free(m->e[i].name);
        free(m->e[i].help);
        free(m->e[i].labels);
    }
    free(m->e);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

/* [a-zA-Z_:][a-zA-Z0-9_:]* */
static int valid_name(const char *s)
{
    if (s == NULL || *s == '\0' || (*s >= '0' && *s <= '9'))
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '_' || *s == ':'))
            return 0;
    return 1;
}

static int add(struct hf_metrics *m, enum hf_metric_type type,
               enum src_kind kind, const char *name, const char *help,
               const char *labels, const void *p, double (*fn)(const void *arg),
               void (*mfn)(const void *arg, hf_metrics_emit_fn emit,
                           void *ctx))
{
    if (!valid_name(name))
        return -1;
    pthread_mutex_lock(&m->lock);
    int rc = -1;
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 32;
        struct entry *e = realloc(m->e, cap * sizeof *e);
        if (e == NULL)
            goto out;
        m->e = e;
        m->cap = cap;
    }
    struct entry *e = &m->e[m->n];
    e->name = strdup(name);
    e->help = strdup(help ? help : "");
    e->labels = strdup(labels ? labels : "");
    if (!e->name || !e->help || !e->labels) {
        free(e->name);
        free(e->help);
        free(e->labels);
        goto out;
    }
    e->type = type;
    e->kind = kind;
    e->p = p;
    e->fn = fn;
    e->mfn = mfn;
    m->n++;
    rc = 0;
out:
    pthread_mutex_unlock(&m->lock);
    return rc;
}

int hf_metrics_counter(struct hf_metrics *m, const char *name, const char *help,
                       const char *labels, const struct hf_counter *c)
{
    return add(m, HF_METRIC_COUNTER, SRC_COUNTER, name, help, labels, c, NULL, NULL);
}

int hf_metrics_counter_u64(struct hf_metrics *m, const char *name,
                           const char *help, const char *labels,
                           const atomic_uint_fast64_t *v)
{
    return add(m, HF_METRIC_COUNTER, SRC_U64, name, help, labels, v, NULL, NULL);
}

int hf_metrics_gauge(struct hf_metrics *m, const char *name, const char *help,
                     const char *labels, const struct hf_gauge *g)
{
    return add(m, HF_METRIC_GAUGE, SRC_GAUGE, name, help, labels, g, NULL, NULL);
}

int hf_metrics_callback(struct hf_metrics *m, enum hf_metric_type type,
                        const char *name, const char *help, const char *labels,
                        double (*fn)(const void *arg), const void *arg)
{
    if (type == HF_METRIC_HISTOGRAM)
        return -1;
    return add(m, type, SRC_FN, name, help, labels, arg, fn, NULL);
}

int hf_metrics_histogram(struct hf_metrics *m, const char *name,
                         const char *help, const char *labels,
                         const struct hf_hist *h)
{
    return add(m, HF_METRIC_HISTOGRAM, SRC_HIST, name, help, labels, h, NULL, NULL);
}

int hf_metrics_samples(struct hf_metrics *m, const char *name, const char *help,
                       const char *labels,
                       void (*fn)(const void *arg, hf_metrics_emit_fn emit,
                                  void *ctx),
                       const void *arg)
{
    return add(m, HF_METRIC_GAUGE, SRC_MULTI, name, help, labels, arg, NULL,
               fn);
}

void hf_metrics_label(struct hf_strbuf *out, const char *key, const char *value)
{
    if (out->len > 0)
        hf_strbuf_putc(out, ',');
    hf_strbuf_printf(out, "%s=\"", key);
    for (const char *s = value ? value : ""; *s; s++) {
        if (*s == '\\')
            hf_strbuf_puts(out, "\\\\");
        else if (*s == '"')
            hf_strbuf_puts(out, "\\\"");
        else if (*s == '\n')
            hf_strbuf_puts(out, "\\n");
        else
            hf_strbuf_putc(out, *s);
    }
    hf_strbuf_putc(out, '"');
}

static double scalar(const struct entry *e)
{
    switch (e->kind) {
    case SRC_COUNTER:
        return (double)hf_counter_read(e->p);
    case SRC_U64:
        return (double)atomic_load((atomic_uint_fast64_t *)e->p);
    case SRC_GAUGE:
        return (double)hf_gauge_read(e->p);
    case SRC_FN:
        return e->fn(e->p);
    case SRC_HIST:
        return (double)atomic_load(&((struct hf_hist *)e->p)->count);
    case SRC_MULTI:
        return NAN;
    }
    return NAN;
}

/* HELP text escapes \ and newline only. */
static void put_help(struct hf_strbuf *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\')
            hf_strbuf_puts(out, "\\\\");
        else if (*s == '\n')
            hf_strbuf_puts(out, "\\n");
        else
            hf_strbuf_putc(out, *s);
    }
}

static void put_value(struct hf_strbuf *out, double v)
{
    if (isinf(v))
        hf_strbuf_puts(out, v > 0 ? "+Inf" : "-Inf");
    else if (v == (double)(int64_t)v && fabs(v) < 9e15)
        hf_strbuf_printf(out, "%lld", (long long)v);
    else
        hf_strbuf_printf(out, "%.17g", v);
}

static void sample(struct hf_strbuf *out, const char *name, const char *suffix,
                   const char *labels, const char *extra, double v)
{
    hf_strbuf_printf(out, "%s%s", name, suffix);
    if (*labels || *extra)
        hf_strbuf_printf(out, "{%s%s%s}", labels, *labels && *extra ? "," : "",
                         extra);
    hf_strbuf_putc(out, ' ');
    put_value(out, v);
    hf_strbuf_putc(out, '\n');
}

static void render_hist(struct hf_strbuf *out, const struct entry *e)
{
    struct hf_hist *h = (struct hf_hist *)e->p;
    uint32_t n;
    const int64_t *b = hist_bounds(h, &n);
    uint64_t acc = 0;
    char le[48];
    for (uint32_t i = 0; i <= n; i++) {
        acc += atomic_load(&h->bucket[i]);
        if (i < n)
            snprintf(le, sizeof le, "le=\"%.6g\"", (double)b[i] / 1e6);
        else
            snprintf(le, sizeof le, "le=\"+Inf\"");
        sample(out, e->name, "_bucket", e->labels, le, (double)acc);
    }
    /* count = the +Inf bucket, read once so that they agree */
    sample(out, e->name, "_sum", e->labels, "",
           (double)atomic_load(&h->sum_usec) / 1e6);
    sample(out, e->name, "_count", e->labels, "", (double)acc);
}

struct multi_ctx {
    struct hf_strbuf *out;
    const struct entry *e;
};

static void multi_emit(void *ctx, const char *extra, double v)
{
    struct multi_ctx *c = ctx;
    if (!isnan(v))
        sample(c->out, c->e->name, "", c->e->labels, extra ? extra : "", v);
}

static const char *type_name(enum hf_metric_type t)
{
    return t == HF_METRIC_COUNTER ? "counter"
           : t == HF_METRIC_GAUGE ? "gauge"
                                  : "histogram";
}

void hf_metrics_render(struct hf_metrics *m, struct hf_strbuf *out)
{
    pthread_mutex_lock(&m->lock);
    for (size_t i = 0; i < m->n; i++) {
        const struct entry *f = &m->e[i];
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(m->e[j].name, f->name) == 0;
        if (seen)
            continue;
        hf_strbuf_printf(out, "# HELP %s ", f->name);
        put_help(out, f->help);
        hf_strbuf_printf(out, "\n# TYPE %s %s\n", f->name, type_name(f->type));
        for (size_t j = i; j < m->n; j++) {
            const struct entry *e = &m->e[j];
            if (strcmp(e->name, f->name) != 0)
                continue;
            if (e->kind == SRC_HIST) {
                render_hist(out, e);
                continue;
            }
            if (e->kind == SRC_MULTI) {
                struct multi_ctx c = {out, e};
                if (e->mfn)
                    e->mfn(e->p, multi_emit, &c);
                continue;
            }
            double v = scalar(e);
            if (!isnan(v))
                sample(out, e->name, "", e->labels, "", v);
        }
    }
    pthread_mutex_unlock(&m->lock);
}

int hf_metrics_value(struct hf_metrics *m, const char *name,
                     const char *labels_part, double *out)
{
    int rc = -1;
    pthread_mutex_lock(&m->lock);
    for (size_t i = 0; i < m->n && rc != 0; i++) {
        const struct entry *e = &m->e[i];
        if (strcmp(e->name, name) != 0 || e->kind == SRC_MULTI ||
            (labels_part && strstr(e->labels, labels_part) == NULL))
            continue;
        *out = scalar(e);
        rc = 0;
    }
    pthread_mutex_unlock(&m->lock);
    return rc;
}
