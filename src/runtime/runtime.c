/*
 * runtime.c - running a planned job: one source thread and one sink thread
 * per pipeline, bounded queues between them, checkpoint barriers.
 *
 * Data path of a pipeline:
 *
 *   source thread: read batch -> filter/project (project.c) -> data queue
 *   sink thread:   data queue -> write; barrier -> flush -> ack
 *
 * A queue item carries the source batch and the projected batch together,
 * so projected strings may point into the source batch's arena without a
 * copy; items return to the source through the free queue. The number of
 * items is fixed (holoflow.queue.batches + 2), which bounds memory and
 * blocks a source whose sink is slow.
 *
 * Start: every sink of the job opens before any source opens, so a sink
 * that refuses at open (a target table that does not fit the job) fails
 * the whole job before anything, in any table, is written.
 *
 * Checkpoints (the contract of ARCHITECTURE.md): the coordinator (the thread
 * in hf_runtime_run) raises the requested checkpoint id every
 * execution.checkpointing.interval in streaming mode. The source thread,
 * between reads, snapshots its position (source_checkpoint) and sends a
 * barrier behind the rows read so far. The sink thread flushes when the
 * barrier arrives and then publishes the id as acknowledged. Only then does
 * the source thread commit that position (source_commit). The end of input
 * and a stop request are a final barrier: the sink flushes everything and
 * the source commits its last position before both close.
 *
 * A failure in any thread records the first error, marks the job failed
 * and aborts every queue, which wakes and ends all threads without a final
 * flush (a failed job's position is not committed, so a restart replays).
 */
#include "runtime/runtime.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "runtime/project.h"
#include "runtime/queue.h"

enum item_kind { ITEM_DATA, ITEM_BARRIER, ITEM_END };

struct item {
    enum item_kind kind;
    uint64_t ckpt_id;
    struct hf_batch *in;  /* source rows */
    struct hf_batch *out; /* projected rows, sink schema */
};

struct prun {
    struct hf_runtime *rt;
    struct hf_pipeline *p;
    uint32_t index;
    void *src_state;
    void *sink_state;
    struct hf_run_ctx src_ctx;
    struct hf_run_ctx sink_ctx;
    struct hf_table_stats src_stats;
    struct hf_table_stats sink_stats;
    struct hf_queue data;
    struct hf_queue free_items;
    struct item *items;
    uint32_t nitems;
    struct item barriers[2]; /* alternated; a barrier is acked before reuse */
    struct item end_item;
    pthread_t src_th, sink_th;
    bool src_started, sink_started;
    atomic_uint_fast64_t ckpt_requested;
    atomic_uint_fast64_t ckpt_acked;
    uint64_t last_barrier; /* source thread: the last barrier id sent */
    uint64_t committed;    /* source thread: the last committed id */
    atomic_int done; /* both threads finished */
    atomic_int sink_done;
    struct hf_error err;
};

struct hf_runtime {
    struct hf_job *job;
    bool batch_mode;
    int64_t ckpt_interval_ms;
    uint32_t batch_rows;
    uint32_t queue_batches;
    bool drop_null_violations;
    struct prun *runs;
    uint32_t nruns;
    pthread_mutex_t err_lock;
    struct hf_error err;
    atomic_int failed;
    atomic_uint sinks_open; /* sinks whose sink_open succeeded */
    int64_t started_usec;
    int64_t ended_usec;
};

/* ------------------------------------------------------------ helpers */

static int64_t mono_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Record the first failure of the job and stop every pipeline. */
static void fail(struct prun *r, const struct hf_error *err)
{
    struct hf_runtime *rt = r->rt;
    pthread_mutex_lock(&rt->err_lock);
    if (!hf_error_is_set(&rt->err))
        rt->err = *err;
    pthread_mutex_unlock(&rt->err_lock);
    atomic_store(&rt->failed, 1);
    for (uint32_t i = 0; i < rt->nruns; i++) {
        hf_queue_abort(&rt->runs[i].data);
        hf_queue_abort(&rt->runs[i].free_items);
    }
}

static bool job_failed(const struct hf_runtime *rt)
{
    return atomic_load(&rt->failed) != 0;
}

/* ------------------------------------------------------------ source */

/* Wait until the sink acknowledged `id` (or the job failed). */
static bool wait_ack(struct prun *r, uint64_t id)
{
    while (atomic_load(&r->ckpt_acked) < id) {
        if (job_failed(r->rt))
            return false;
        sleep_ms(5);
    }
    return true;
}

static int commit_acked(struct prun *r, uint64_t *committed)
{
    const struct hf_connector *c = r->p->source->connector;
    uint64_t acked = atomic_load(&r->ckpt_acked);
    if (acked <= *committed)
        return 0;
    *committed = acked;
    if (c->source_commit && c->source_commit(r->src_state, acked, &r->err) != 0)
        return -1;
    return 0;
}

/* Snapshot the position and send a barrier (or the end item) behind the
 * rows already queued. */
static int send_barrier(struct prun *r, uint64_t id, bool end)
{
    const struct hf_connector *c = r->p->source->connector;
    if (c->source_checkpoint &&
        c->source_checkpoint(r->src_state, id, &r->err) != 0)
        return -1;
    struct item *it = end ? &r->end_item : &r->barriers[id % 2];
    it->kind = end ? ITEM_END : ITEM_BARRIER;
    it->ckpt_id = id;
    if (!hf_queue_push(&r->data, it))
        return -1;
    return 0;
}

/* checkpoint_now for sources (see connector.h): on the source thread. */
static int checkpoint_now(const struct hf_run_ctx *ctx, struct hf_error *err)
{
    struct prun *r = ctx->runtime;
    if (r->last_barrier > 0 && !wait_ack(r, r->last_barrier))
        return -1;
    uint64_t id = r->last_barrier + 1;
    /* Keep ids above any periodic request already seen. */
    uint64_t want = atomic_load(&r->ckpt_requested);
    if (want >= id)
        id = want + 1;
    if (send_barrier(r, id, false) != 0) {
        if (err && hf_error_is_set(&r->err))
            *err = r->err;
        return -1;
    }
    r->last_barrier = id;
    if (!wait_ack(r, id))
        return -1;
    if (commit_acked(r, &r->committed) != 0) {
        if (err)
            *err = r->err;
        return -1;
    }
    return 0;
}

static void *source_main(void *arg)
{
    struct prun *r = arg;
    struct hf_runtime *rt = r->rt;
    const struct hf_table_def *t = r->p->source;
    const struct hf_connector *c = t->connector;
    bool eof = false;

    /* Nothing is read before every sink of the job is open: a sink that
     * refuses at open (the hologres sink checks the target table then)
     * fails the job before any table of it has been written. */
    while (atomic_load(&rt->sinks_open) < rt->nruns) {
        if (job_failed(rt))
            return NULL;
        sleep_ms(2);
    }
    if (c->source_open(t, &r->src_ctx, &r->src_state, &r->err) != 0) {
        hf_error_prefix(&r->err, "source '%s': ", t->name);
        fail(r, &r->err);
        return NULL;
    }
    while (!eof && !job_failed(rt) && !atomic_load(&rt->job->stopping)) {
        uint64_t want = atomic_load(&r->ckpt_requested);
        if (want > r->last_barrier) {
            /* Only one barrier in flight: wait for the previous ack. */
            if (r->last_barrier > 0 && !wait_ack(r, r->last_barrier))
                break;
            if (send_barrier(r, want, false) != 0)
                goto failed;
            r->last_barrier = want;
        }
        if (commit_acked(r, &r->committed) != 0)
            goto failed;
        struct item *it = hf_queue_pop(&r->free_items, 100);
        if (it == NULL)
            continue;
        hf_batch_reset(it->in);
        hf_batch_reset(it->out);
        int rc = c->source_read(r->src_state, it->in, &r->err);
        if (rc < 0) {
            hf_queue_push(&r->free_items, it);
            goto failed;
        }
        if (rc == 0)
            eof = true;
        if (hf_project_batch(r->p, it->in, it->out, rt->drop_null_violations,
                             &r->err) != 0) {
            hf_queue_push(&r->free_items, it);
            goto failed;
        }
        atomic_fetch_add(&r->src_stats.rows_out, it->out->nrows);
        if (it->out->nrows > 0) {
            if (!hf_queue_push(&r->data, it))
                break;
        } else {
            hf_queue_push(&r->free_items, it);
        }
    }
    if (!job_failed(rt)) {
        /* Final barrier: everything read is flushed, then committed. */
        if (r->last_barrier > 0 && !wait_ack(r, r->last_barrier))
            goto out;
        uint64_t final_id = r->last_barrier + 1;
        if (send_barrier(r, final_id, true) != 0)
            goto failed;
        if (wait_ack(r, final_id) && commit_acked(r, &r->committed) != 0)
            goto failed;
    }
    goto out;
failed:
    if (hf_error_is_set(&r->err)) {
        if (r->err.code != HF_ERR_SQL)
            hf_error_prefix(&r->err, "source '%s': ", t->name);
        fail(r, &r->err);
    }
out:
    if (c->source_close)
        c->source_close(r->src_state);
    r->src_state = NULL;
    return NULL;
}

/* ------------------------------------------------------------ sink */

static void *sink_main(void *arg)
{
    struct prun *r = arg;
    const struct hf_table_def *t = r->p->sink;
    const struct hf_connector *c = t->connector;
    struct hf_error err;
    hf_error_clear(&err);

    if (c->sink_open(t, &r->sink_ctx, &r->sink_state, &err) != 0)
        goto failed;
    atomic_fetch_add(&r->rt->sinks_open, 1);
    for (;;) {
        struct item *it = hf_queue_pop(&r->data, -1);
        if (it == NULL)
            break; /* aborted */
        if (it->kind == ITEM_DATA) {
            atomic_fetch_add(&r->sink_stats.rows_in, it->out->nrows);
            if (c->sink_write(r->sink_state, it->out, &err) != 0) {
                hf_queue_push(&r->free_items, it);
                goto failed;
            }
            if (!hf_queue_push(&r->free_items, it))
                break;
            continue;
        }
        if (c->sink_flush && c->sink_flush(r->sink_state, &err) != 0)
            goto failed;
        /* Read the item before acknowledging: the source may reuse it for
         * its next barrier as soon as it sees the acknowledgement. */
        bool end = it->kind == ITEM_END;
        atomic_store(&r->ckpt_acked, it->ckpt_id);
        if (end)
            break;
    }
    goto out;
failed:
    hf_error_prefix(&err, "sink '%s': ", t->name);
    fail(r, &err);
out:
    if (c->sink_close && r->sink_state)
        c->sink_close(r->sink_state);
    r->sink_state = NULL;
    atomic_store(&r->sink_done, 1);
    return NULL;
}

/* ------------------------------------------------------------ setup */

static int prun_init(struct hf_runtime *rt, struct prun *r,
                     struct hf_pipeline *p, uint32_t index,
                     struct hf_error *err)
{
    memset(r, 0, sizeof *r);
    r->rt = rt;
    r->p = p;
    r->index = index;
    hf_error_clear(&r->err);
    r->src_ctx.batch_mode = rt->batch_mode;
    r->src_ctx.stats = &r->src_stats;
    r->src_ctx.batch_rows = rt->batch_rows;
    r->src_ctx.stopping = &rt->job->stopping;
    r->src_ctx.checkpoint_now = checkpoint_now;
    r->src_ctx.runtime = r;
    r->sink_ctx = r->src_ctx;
    r->sink_ctx.checkpoint_now = NULL;
    r->sink_ctx.stats = &r->sink_stats;
    r->sink_ctx.written = p->written;
    r->sink_ctx.value_types = p->value_types;
    r->nitems = rt->queue_batches + 2;
    if (hf_queue_init(&r->data, r->nitems + 2) != 0 ||
        hf_queue_init(&r->free_items, r->nitems) != 0)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    r->items = calloc(r->nitems, sizeof *r->items);
    if (r->items == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    for (uint32_t i = 0; i < r->nitems; i++) {
        struct item *it = &r->items[i];
        it->kind = ITEM_DATA;
        it->in = hf_batch_new(p->source->schema.ncols, rt->batch_rows);
        it->out = hf_batch_new(p->sink->schema.ncols, rt->batch_rows);
        if (it->in == NULL || it->out == NULL)
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        hf_queue_push(&r->free_items, it);
    }
    return 0;
}

static void prun_free(struct prun *r)
{
    for (uint32_t i = 0; r->items && i < r->nitems; i++) {
        hf_batch_destroy(r->items[i].in);
        hf_batch_destroy(r->items[i].out);
    }
    free(r->items);
    hf_queue_destroy(&r->data);
    hf_queue_destroy(&r->free_items);
}

struct hf_runtime *hf_runtime_new(struct hf_job *job, struct hf_error *err)
{
    struct hf_runtime *rt = calloc(1, sizeof *rt);
    if (rt == NULL) {
        hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        return NULL;
    }
    rt->job = job;
    pthread_mutex_init(&rt->err_lock, NULL);
    hf_error_clear(&rt->err);
    const struct hf_opts *s = &job->settings;
    rt->batch_mode = hf_opts_enum(s, "execution.runtime-mode", NULL) == 1;
    rt->ckpt_interval_ms = hf_opts_int(s, "execution.checkpointing.interval",
                                       NULL);
    rt->batch_rows = (uint32_t)hf_opts_int(s, "holoflow.batch.rows", NULL);
    rt->queue_batches = (uint32_t)hf_opts_int(s, "holoflow.queue.batches",
                                              NULL);
    rt->drop_null_violations =
        hf_opts_enum(s, "table.exec.sink.not-null-enforcer", NULL) == 1;
    rt->nruns = job->npipes;
    rt->runs = calloc(job->npipes ? job->npipes : 1, sizeof *rt->runs);
    if (rt->runs == NULL) {
        hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        hf_runtime_destroy(rt);
        return NULL;
    }
    for (uint32_t i = 0; i < job->npipes; i++) {
        if (prun_init(rt, &rt->runs[i], &job->pipes[i], i, err) != 0) {
            hf_runtime_destroy(rt);
            return NULL;
        }
    }
    return rt;
}

void hf_runtime_destroy(struct hf_runtime *rt)
{
    if (rt == NULL)
        return;
    for (uint32_t i = 0; rt->runs && i < rt->nruns; i++)
        prun_free(&rt->runs[i]);
    free(rt->runs);
    pthread_mutex_destroy(&rt->err_lock);
    free(rt);
}

/* ------------------------------------------------------------ run */

static bool all_done(struct hf_runtime *rt)
{
    for (uint32_t i = 0; i < rt->nruns; i++)
        if (!atomic_load(&rt->runs[i].sink_done))
            return false;
    return true;
}

int hf_runtime_run(struct hf_runtime *rt, struct hf_error *err)
{
    rt->started_usec = mono_usec();
    for (uint32_t i = 0; i < rt->nruns; i++) {
        struct prun *r = &rt->runs[i];
        if (pthread_create(&r->sink_th, NULL, sink_main, r) != 0) {
            hf_error_set(&r->err, HF_ERR_FAIL, "cannot start a thread");
            fail(r, &r->err);
            break;
        }
        r->sink_started = true;
        if (pthread_create(&r->src_th, NULL, source_main, r) != 0) {
            hf_error_set(&r->err, HF_ERR_FAIL, "cannot start a thread");
            fail(r, &r->err);
            break;
        }
        r->src_started = true;
    }

    uint64_t ckpt_id = 0;
    int64_t next_ckpt = mono_usec() + rt->ckpt_interval_ms * 1000;
    while (!all_done(rt) && !job_failed(rt)) {
        sleep_ms(20);
        if (!rt->batch_mode && mono_usec() >= next_ckpt) {
            ckpt_id++;
            for (uint32_t i = 0; i < rt->nruns; i++)
                atomic_store(&rt->runs[i].ckpt_requested, ckpt_id);
            next_ckpt = mono_usec() + rt->ckpt_interval_ms * 1000;
            hf_log_debug("checkpoint %" PRIu64 " requested", ckpt_id);
        }
    }
    for (uint32_t i = 0; i < rt->nruns; i++) {
        struct prun *r = &rt->runs[i];
        if (r->src_started)
            pthread_join(r->src_th, NULL);
        if (r->sink_started)
            pthread_join(r->sink_th, NULL);
    }
    rt->ended_usec = mono_usec();
    if (job_failed(rt)) {
        *err = rt->err;
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------ summary */

void hf_runtime_summary(const struct hf_runtime *rt, FILE *out)
{
    double secs = (double)(rt->ended_usec - rt->started_usec) / 1e6;
    if (secs <= 0)
        secs = 1e-6;
    /* Built whole, then scrubbed: table names and paths are user text. */
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    const char *name = hf_opts_str(&rt->job->settings, "pipeline.name", NULL);
    hf_strbuf_printf(&sb, "holoflow summary: job '%s' %s after %.3f s\n",
            name ? name : rt->job->path,
            job_failed(rt)                        ? "FAILED"
            : atomic_load(&rt->job->stop_signal) ? "STOPPED"
                                                  : "FINISHED",
            secs);
    uint64_t total_out = 0;
    for (uint32_t i = 0; i < rt->nruns; i++) {
        const struct prun *r = &rt->runs[i];
        uint64_t s_in = atomic_load(&r->src_stats.rows_in);
        uint64_t s_out = atomic_load(&r->src_stats.rows_out);
        uint64_t skipped = atomic_load(&r->src_stats.skipped);
        uint64_t nulled = atomic_load(&r->src_stats.nulled);
        uint64_t k_in = atomic_load(&r->sink_stats.rows_in);
        uint64_t k_out = atomic_load(&r->sink_stats.rows_out);
        uint64_t dirty = atomic_load(&r->sink_stats.dirty) +
                         atomic_load(&r->src_stats.dirty);
        total_out += k_out;
        hf_strbuf_printf(&sb,
                "  pipeline %u: %s -> %s\n"
                "    source '%s': %" PRIu64 " records read, %" PRIu64
                " rows passed on, %" PRIu64 " records skipped, %" PRIu64
                " fields set to NULL\n"
                "    sink '%s': %" PRIu64 " rows received, %" PRIu64
                " rows written, %" PRIu64 " dirty rows\n"
                "    rate: %.0f rows/s\n",
                i + 1, r->p->source->name, r->p->sink->name,
                r->p->source->name, s_in, s_out, skipped, nulled,
                r->p->sink->name,
                k_in, k_out, dirty, (double)k_out / secs);
    }
    hf_strbuf_printf(&sb, "  total: %" PRIu64 " rows written in %.3f s (%.0f rows/s)\n",
            total_out, secs, (double)total_out / secs);
    if (hf_strbuf_ok(&sb) && sb.data)
        hf_fputs_scrubbed(sb.data, out);
    hf_strbuf_free(&sb);
}
