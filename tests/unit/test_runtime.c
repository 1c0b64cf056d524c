/*
 * test_runtime.c - the checkpoint contract of the runtime, observed through
 * instrumented connectors: a source position is committed only after the
 * sink flushed every row before it; a stop request flushes and commits the
 * last position; a sink failure fails the job without a commit past it.
 *
 * The job is planned from SQL with datagen/blackhole tables and their
 * connectors are then swapped for the test's own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "runtime/runtime.h"
#include "sql/planner.h"

#define MAX_CKPT 4096

/* Shared between the test source and sink (each runs on its own thread). */
static struct {
    int64_t total;             /* rows the source emits */
    atomic_int_fast64_t emitted;
    atomic_int_fast64_t flushed; /* rows the sink made durable */
    int64_t received;            /* sink thread only */
    int64_t snap[MAX_CKPT];      /* position at checkpoint id */
    int64_t committed;           /* last committed position */
    int ncommits;
    int violations;              /* commits ahead of the flushed rows */
    int fail_after;              /* sink fails when received passes this (0 = never) */
    bool unbounded;
    int64_t sync_at;             /* source calls checkpoint_now here (0 = never) */
    int sync_ok;                 /* checkpoint_now returned with all flushed */
} w;

static int src_open(const struct hf_table_def *t, const struct hf_run_ctx *ctx,
                    void **state, struct hf_error *err)
{
    (void)t, (void)err;
    *state = (void *)ctx;
    return 0;
}

static int src_read(void *state, struct hf_batch *out, struct hf_error *err)
{
    (void)state, (void)err;
    struct timespec ts = {0, 2000000};
    nanosleep(&ts, NULL);
    int64_t n = atomic_load(&w.emitted);
    /* A synchronous checkpoint covers every row returned before. */
    const struct hf_run_ctx *ctx = state;
    if (w.sync_at && n >= w.sync_at && !w.sync_ok) {
        struct hf_error e;
        hf_error_clear(&e);
        if (ctx->checkpoint_now(ctx, &e) == 0 && atomic_load(&w.flushed) == n &&
            w.committed == n)
            w.sync_ok = 1;
        else
            w.sync_ok = -1;
    }
    if (!w.unbounded && n >= w.total)
        return 0;
    for (int i = 0; i < 7 && (w.unbounded || n < w.total); i++, n++) {
        struct hf_value *row = hf_batch_add_row(out, HF_ROW_INSERT, n);
        row[0].null = false;
        row[0].v.i = n;
    }
    atomic_store(&w.emitted, n);
    return 1;
}

static int src_checkpoint(void *state, uint64_t id, struct hf_error *err)
{
    (void)state, (void)err;
    if (id < MAX_CKPT)
        w.snap[id] = atomic_load(&w.emitted);
    return 0;
}

static int src_commit(void *state, uint64_t id, struct hf_error *err)
{
    (void)state, (void)err;
    int64_t pos = id < MAX_CKPT ? w.snap[id] : -1;
    if (pos > atomic_load(&w.flushed))
        w.violations++;
    w.committed = pos;
    w.ncommits++;
    return 0;
}

static void src_close(void *state)
{
    (void)state;
}

static int sink_open(const struct hf_table_def *t, const struct hf_run_ctx *ctx,
                     void **state, struct hf_error *err)
{
    (void)t, (void)ctx, (void)err;
    *state = &w;
    return 0;
}

static int sink_write(void *state, const struct hf_batch *in,
                      struct hf_error *err)
{
    (void)state;
    for (uint32_t i = 0; i < in->nrows; i++) {
        /* Rows arrive in order. */
        if (hf_batch_row(in, i)[0].v.i != w.received)
            return hf_error_set(err, HF_ERR_FAIL, "out of order");
        w.received++;
    }
    if (w.fail_after && w.received > w.fail_after)
        return hf_error_set(err, HF_ERR_SERVER, "injected sink failure");
    return 0;
}

static int sink_flush(void *state, struct hf_error *err)
{
    (void)state, (void)err;
    atomic_store(&w.flushed, w.received);
    return 0;
}

static void sink_close(void *state)
{
    (void)state;
}

static const struct hf_connector test_source = {
    .name = "test-source", .caps = HF_CONN_SOURCE, .source_open = src_open,
    .source_read = src_read, .source_checkpoint = src_checkpoint,
    .source_commit = src_commit, .source_close = src_close};
static const struct hf_connector test_sink = {
    .name = "test-sink", .caps = HF_CONN_SINK, .sink_open = sink_open,
    .sink_write = sink_write, .sink_flush = sink_flush,
    .sink_close = sink_close};

static const char job_sql[] =
    "SET 'execution.checkpointing.interval' = '20ms';\n"
    "SET 'holoflow.queue.batches' = '2';\n"
    "CREATE TABLE s (id BIGINT) WITH ('connector' = 'datagen');\n"
    "CREATE TABLE k (id BIGINT) WITH ('connector' = 'blackhole');\n"
    "INSERT INTO k SELECT id FROM s;\n";

static struct hf_job *plan(void)
{
    struct hf_job *job = NULL;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(hf_sql_plan_text("job.sql", job_sql, NULL, 0, &job, &err),
                     0);
    job->pipes[0].source->connector = &test_source;
    job->pipes[0].sink->connector = &test_sink;
    return job;
}

static void reset(int64_t total)
{
    memset(&w, 0, sizeof w);
    w.total = total;
}

static void test_bounded_commits_follow_flushes(void **state)
{
    (void)state;
    reset(3000);
    struct hf_job *job = plan();
    struct hf_error err;
    hf_error_clear(&err);
    struct hf_runtime *rt = hf_runtime_new(job, &err);
    assert_non_null(rt);
    assert_int_equal(hf_runtime_run(rt, &err), 0);
    hf_runtime_destroy(rt);
    assert_int_equal(w.received, 3000);
    assert_int_equal(atomic_load(&w.flushed), 3000);
    assert_int_equal(w.violations, 0);
    assert_true(w.ncommits > 2); /* periodic checkpoints happened */
    assert_int_equal(w.committed, 3000); /* the final barrier commits all */
    hf_job_free(job);
}

static void *stop_later(void *arg)
{
    struct timespec ts = {0, 200000000};
    nanosleep(&ts, NULL);
    atomic_store(&((struct hf_job *)arg)->stopping, 1);
    return NULL;
}

static void test_stop_flushes_and_commits(void **state)
{
    (void)state;
    reset(0);
    w.unbounded = true;
    struct hf_job *job = plan();
    struct hf_error err;
    hf_error_clear(&err);
    struct hf_runtime *rt = hf_runtime_new(job, &err);
    pthread_t th;
    pthread_create(&th, NULL, stop_later, job);
    assert_int_equal(hf_runtime_run(rt, &err), 0);
    pthread_join(th, NULL);
    hf_runtime_destroy(rt);
    assert_true(w.received > 0);
    assert_int_equal(w.received, atomic_load(&w.emitted));
    assert_int_equal(atomic_load(&w.flushed), w.received);
    assert_int_equal(w.committed, w.received);
    assert_int_equal(w.violations, 0);
    hf_job_free(job);
}

static void test_sink_failure_fails_job(void **state)
{
    (void)state;
    reset(100000);
    w.fail_after = 500;
    struct hf_job *job = plan();
    struct hf_error err;
    hf_error_clear(&err);
    struct hf_runtime *rt = hf_runtime_new(job, &err);
    assert_int_equal(hf_runtime_run(rt, &err), -1);
    hf_runtime_destroy(rt);
    assert_non_null(strstr(err.msg, "sink 'k': injected sink failure"));
    assert_int_equal(w.violations, 0);
    assert_true(w.committed <= atomic_load(&w.flushed));
    assert_true(w.committed < 100000);
    hf_job_free(job);
}

static void test_checkpoint_now(void **state)
{
    (void)state;
    reset(2000);
    w.sync_at = 700;
    struct hf_job *job = plan();
    struct hf_error err;
    hf_error_clear(&err);
    struct hf_runtime *rt = hf_runtime_new(job, &err);
    assert_int_equal(hf_runtime_run(rt, &err), 0);
    hf_runtime_destroy(rt);
    assert_int_equal(w.sync_ok, 1); /* flushed and committed on return */
    assert_int_equal(w.violations, 0);
    assert_int_equal(w.committed, 2000);
    hf_job_free(job);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bounded_commits_follow_flushes),
        cmocka_unit_test(test_stop_flushes_and_commits),
        cmocka_unit_test(test_sink_failure_fails_job),
        cmocka_unit_test(test_checkpoint_now),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
