/*
 * progress.c - the progress line of a running job (progress.h): rows
 * written by every sink, rows/s since the last line, bytes read (and of
 * how many, for files), percent and ETA when every source knows its total,
 * splits done of all (files, scan ranges) when sources count them, dirty
 * rows (rows the sinks rejected and bad records the sources skipped). On a terminal one line rewritten in place twice a second;
 * otherwise a line every interval, for logs.
 *
 * It reads the runtime's counters (hf_table_stats) from its own thread;
 * nothing is added to the hot path.
 */
#include "metrics/progress.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "runtime/plan.h"
#include "runtime/runtime.h"

struct hf_progress {
    struct hf_job *job;
    struct hf_runtime *rt;
    FILE *out;
    bool tty;
    int64_t tick_usec;
    pthread_t th;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool stop;
    bool shown; /* a tty line is on screen */
    int64_t start_usec, last_usec;
    uint64_t last_rows;
};

static int64_t mono_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void human_bytes(char *buf, size_t n, double b)
{
    static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (b >= 1024 && u < 4) {
        b /= 1024;
        u++;
    }
    snprintf(buf, n, u ? "%.1f %s" : "%.0f %s", b, unit[u]);
}

static void human_secs(char *buf, size_t n, double s)
{
    long t = (long)(s + 0.5);
    snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
}

void hf_progress_line(struct hf_job *job, struct hf_runtime *rt,
                      double elapsed_s, double rate, struct hf_strbuf *out,
                      uint64_t *rows_written)
{
    uint64_t rows = 0, dirty = 0, bytes = 0, recs = 0, sdone = 0;
    int64_t stotal = 0;
    uint64_t sent = 0; /* rows handed to the sinks */
    int64_t tbytes = 0, trecs = 0;
    bool all_bytes = true, all_recs = true, any_src = false;
    const struct hf_graph *g = &job->graph;
    for (uint32_t i = 0; i < g->nnodes; i++) {
        struct hf_table_stats *st = hf_runtime_node_stats(rt, i);
        if (g->nodes[i].kind == HF_NODE_SINK) {
            rows += atomic_load(&st->rows_out);
            sent += atomic_load(&st->rows_in);
            dirty += atomic_load(&st->dirty);
        } else if (g->nodes[i].kind == HF_NODE_SOURCE) {
            any_src = true;
            bytes += atomic_load(&st->bytes_in);
            recs += atomic_load(&st->rows_in);
            sdone += atomic_load(&st->splits_done);
            stotal += atomic_load(&st->splits_total);
            dirty += atomic_load(&st->skipped);
            int64_t tb = atomic_load(&st->total_bytes);
            int64_t tr = atomic_load(&st->total_records);
            all_bytes = all_bytes && tb > 0;
            all_recs = all_recs && tr > 0;
            tbytes += tb;
            trecs += tr;
        }
    }
    /* a bulk load commits at the end: until then, the rows sent */
    if (rows == 0 && sent > 0)
        hf_strbuf_printf(out, "%" PRIu64 " rows sent (committed at the end), "
                              "%.0f rows/s",
                         sent, rate);
    else
        hf_strbuf_printf(out, "%" PRIu64 " rows written, %.0f rows/s", rows,
                         rate);
    char a[32], b[32];
    double frac = -1;
    if (any_src && all_bytes) {
        human_bytes(a, sizeof a, (double)bytes);
        human_bytes(b, sizeof b, (double)tbytes);
        hf_strbuf_printf(out, ", read %s of %s", a, b);
        frac = (double)bytes / (double)tbytes;
    } else {
        if (bytes > 0) {
            human_bytes(a, sizeof a, (double)bytes);
            hf_strbuf_printf(out, ", read %s", a);
        }
        if (any_src && all_recs) {
            hf_strbuf_printf(out, ", %" PRIu64 " of %" PRId64 " records read",
                             recs, trecs);
            frac = (double)recs / (double)trecs;
        }
    }
    if (frac >= 0) {
        if (frac > 1)
            frac = 1;
        hf_strbuf_printf(out, ", %.1f%%", frac * 100);
        if (frac > 0.001 && frac < 1) {
            human_secs(a, sizeof a, elapsed_s * (1 - frac) / frac);
            hf_strbuf_printf(out, ", ETA %s", a);
        }
    }
    if (stotal > 0)
        hf_strbuf_printf(out, ", splits %" PRIu64 "/%" PRId64, sdone, stotal);
    hf_strbuf_printf(out, ", %" PRIu64 " dirty rows", dirty);
    if (rows_written)
        *rows_written = rows == 0 ? sent : rows;
}

static void show(struct hf_progress *p)
{
    int64_t now = mono_usec();
    uint64_t rows = 0;
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    /* the rate over the last interval needs the rows first */
    struct hf_strbuf probe;
    hf_strbuf_init(&probe, 0);
    hf_progress_line(p->job, p->rt, 0, 0, &probe, &rows);
    hf_strbuf_free(&probe);
    double dt = (double)(now - p->last_usec) / 1e6;
    double rate = dt > 0 ? (double)(rows - p->last_rows) / dt : 0;
    hf_progress_line(p->job, p->rt, (double)(now - p->start_usec) / 1e6, rate,
                     &sb, NULL);
    p->last_usec = now;
    p->last_rows = rows;
    if (hf_strbuf_ok(&sb)) {
        if (p->tty) {
            fprintf(p->out, "\r%s\033[K", sb.data);
            p->shown = true;
        } else {
            char el[32];
            human_secs(el, sizeof el, (double)(now - p->start_usec) / 1e6);
            hf_log_info("progress %s: %s", el, sb.data);
        }
        fflush(p->out);
    }
    hf_strbuf_free(&sb);
}

static void *progress_main(void *arg)
{
    struct hf_progress *p = arg;
    pthread_mutex_lock(&p->lock);
    while (!p->stop) {
        int64_t until = mono_usec() + p->tick_usec;
        struct timespec ts = {.tv_sec = until / 1000000,
                              .tv_nsec = (long)(until % 1000000) * 1000};
        while (!p->stop && pthread_cond_timedwait(&p->cond, &p->lock, &ts) == 0)
            ;
        if (!p->stop)
            show(p);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

struct hf_progress *hf_progress_start(struct hf_job *job, struct hf_runtime *rt,
                                      int64_t interval_ms, bool tty, FILE *out)
{
    struct hf_progress *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->job = job;
    p->rt = rt;
    p->out = out;
    p->tty = tty;
    p->tick_usec = tty ? 500000 : interval_ms * 1000;
    p->start_usec = p->last_usec = mono_usec();
    pthread_mutex_init(&p->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&p->cond, &attr);
    pthread_condattr_destroy(&attr);
    if (pthread_create(&p->th, NULL, progress_main, p) != 0) {
        pthread_cond_destroy(&p->cond);
        pthread_mutex_destroy(&p->lock);
        free(p);
        return NULL;
    }
    return p;
}

void hf_progress_stop(struct hf_progress *p)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&p->lock);
    p->stop = true;
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->lock);
    pthread_join(p->th, NULL);
    if (p->shown) { /* the summary follows on a clean line */
        fputs("\r\033[K", p->out);
        fflush(p->out);
    }
    pthread_cond_destroy(&p->cond);
    pthread_mutex_destroy(&p->lock);
    free(p);
}
