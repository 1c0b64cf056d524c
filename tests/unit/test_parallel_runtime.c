/*
 * test_parallel_runtime.c - keyed operators in several instances inside a
 * running job (runtime.c with runtime/exchange.c, docs/parallelism.md),
 * run under ThreadSanitizer by `make check` (TSAN_TESTS): a bounded
 * datagen sequence -> GROUP BY (id % 7) and a self-join on id % 5 feeding
 * a GROUP BY on another key -> the test's sinks, which fold +I/+U/-U/-D
 * per key. At parallelism 1, 2 and 3, with checkpoints every few
 * milliseconds into a directory (barriers aligned across every edge of
 * every instance) and one-row and larger batches (and once with the
 * rocksdb backend), the folded results are
 * the exact counts and sums of the sequence, and the checkpoints hold one
 * state file per instance and key-group range (kg64-127 for the second of
 * two instances, kg86-127 for the third of three). A sink failing at
 * parallelism 3 fails the job with its error and ends every thread.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* clang-format off: cmocka needs the headers above first */
#include <cmocka.h>
/* clang-format on */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ops/op.h"
#include "runtime/runtime.h"
#include "sql/planner.h"

#define ROWS 3000
#define K1 7 /* GROUP BY id % 7 */
#define K2 5 /* join on id % 5, then GROUP BY the right id % 3 */

/* Per sink: the folded value (columns 1 and 2) per key (column 0). */
struct fold {
    pthread_mutex_t lock; /* one sink thread each, but read by the test */
    int64_t c[16], s[16];
    bool live[16];
    int errors;
    int64_t rows, fail_after; /* fail_after > 0: fail past that many rows */
};
static struct fold f1, f2;

static int sink_open(const struct hf_table_def *t, const struct hf_run_ctx *ctx,
                     void **state, struct hf_error *err)
{
    (void)ctx, (void)err;
    *state = strcmp(t->name, "k1") == 0 ? &f1 : &f2;
    return 0;
}

static int sink_write(void *state, const struct hf_batch *in,
                      struct hf_error *err)
{
    struct fold *f = state;
    pthread_mutex_lock(&f->lock);
    f->rows += in->nrows;
    if (f->fail_after > 0 && f->rows > f->fail_after) {
        pthread_mutex_unlock(&f->lock);
        return hf_error_set(err, HF_ERR_SERVER, "injected sink failure");
    }
    for (uint32_t i = 0; i < in->nrows; i++) {
        const struct hf_value *v = hf_batch_row(in, i);
        int64_t k = v[0].v.i;
        if (k < 0 || k >= 16) {
            f->errors++;
            continue;
        }
        switch (in->kinds[i]) {
        case HF_ROW_INSERT:
        case HF_ROW_UPDATE_AFTER:
            f->live[k] = true;
            f->c[k] = v[1].v.i;
            f->s[k] = v[2].v.i;
            break;
        case HF_ROW_UPDATE_BEFORE:
            break; /* an upsert sink ignores it */
        case HF_ROW_DELETE:
            f->live[k] = false;
            break;
        }
    }
    pthread_mutex_unlock(&f->lock);
    return 0;
}

static void sink_close(void *state)
{
    (void)state;
}

static const struct hf_connector test_sink = {.name = "test-sink",
                                              .caps = HF_CONN_SINK,
                                              .sink_open = sink_open,
                                              .sink_write = sink_write,
                                              .sink_close = sink_close};

static char dir[64];

static int64_t fail_k1; /* k1's fail_after for the next run */

static void run_job(int par, int batch_rows, const char *backend)
{
    char sql[4096];
    snprintf(
        sql, sizeof sql,
        "SET 'state.backend.type' = '%s';\n"
        "SET 'parallelism.default' = '%d';\n"
        "SET 'holoflow.batch.rows' = '%d';\n"
        "SET 'execution.checkpointing.interval' = '10ms';\n"
        "SET 'state.checkpoints.dir' = '%s/p%d-%d-%s';\n"
        "CREATE TABLE s (id BIGINT) WITH ('connector' = 'datagen', "
        "'fields.id.kind' = 'sequence', 'fields.id.start' = '1', "
        "'fields.id.end' = '%d');\n"
        "CREATE TABLE k1 (k BIGINT, c BIGINT, s BIGINT, PRIMARY KEY (k) NOT "
        "ENFORCED) WITH ('connector' = 'blackhole');\n"
        "CREATE TABLE k2 (k BIGINT, c BIGINT, s BIGINT, PRIMARY KEY (k) NOT "
        "ENFORCED) WITH ('connector' = 'blackhole');\n"
        "BEGIN STATEMENT SET;\n"
        "INSERT INTO k1 SELECT id %% %d, COUNT(*), SUM(id) FROM s GROUP BY id "
        "%% %d;\n"
        "INSERT INTO k2 SELECT rk, COUNT(*), SUM(lid) FROM (SELECT a.id AS "
        "lid, MOD(b.id, 3) AS rk FROM (SELECT id, MOD(id, %d) AS j FROM s "
        "WHERE id <= 60) a JOIN (SELECT id, MOD(id, %d) AS j FROM s WHERE id "
        "<= 30) b ON a.j = b.j) GROUP BY rk;\n"
        "END;\n",
        backend, par, batch_rows, dir, par, batch_rows, backend, ROWS, K1, K1,
        K2, K2);
    struct hf_job *job = NULL;
    struct hf_error err;
    hf_error_clear(&err);
    if (hf_sql_plan_text("job.sql", sql, NULL, 0, &job, &err) != 0)
        fail_msg("%s", err.msg);
    for (uint32_t i = 0; i < job->ntables; i++)
        if (job->tables[i]->name[0] == 'k')
            job->tables[i]->connector = &test_sink;
    memset(&f1, 0, sizeof f1);
    memset(&f2, 0, sizeof f2);
    pthread_mutex_init(&f1.lock, NULL);
    pthread_mutex_init(&f2.lock, NULL);
    f1.fail_after = fail_k1;
    struct hf_runtime *rt = hf_runtime_new(job, &err);
    if (rt == NULL)
        fail_msg("%s", err.msg);
    int rc = hf_runtime_run(rt, &err);
    hf_runtime_destroy(rt);
    hf_job_free(job);
    if (fail_k1 > 0) {
        /* the failure ends every instance's thread and names the sink */
        assert_int_equal(rc, -1);
        assert_non_null(strstr(err.msg, "injected sink failure"));
        assert_non_null(strstr(err.msg, "sink 'k1'"));
        pthread_mutex_destroy(&f1.lock);
        pthread_mutex_destroy(&f2.lock);
        return;
    }
    if (rc != 0)
        fail_msg("parallelism %d: %s", par, err.msg);

    /* GROUP BY id % 7 over 1..ROWS */
    assert_int_equal(f1.errors, 0);
    for (int k = 0; k < K1; k++) {
        int64_t c = 0, s = 0;
        for (int64_t id = 1; id <= ROWS; id++)
            if (id % K1 == k)
                c++, s += id;
        assert_true(f1.live[k]);
        assert_int_equal(f1.c[k], c);
        assert_int_equal(f1.s[k], s);
    }
    /* the join's pairs, grouped by the right side's id % 3 */
    assert_int_equal(f2.errors, 0);
    for (int k = 0; k < 3; k++) {
        int64_t c = 0, s = 0;
        for (int64_t a = 1; a <= 60; a++)
            for (int64_t b = 1; b <= 30; b++)
                if (a % K2 == b % K2 && b % 3 == k)
                    c++, s += a;
        assert_true(f2.live[k]);
        assert_int_equal(f2.c[k], c);
        assert_int_equal(f2.s[k], s);
    }
    pthread_mutex_destroy(&f1.lock);
    pthread_mutex_destroy(&f2.lock);
    if (par > 1) {
        char cmd[256], line[256];
        snprintf(cmd, sizeof cmd, "ls %s/p%d-%d-%s/chk-*/", dir, par,
                 batch_rows, backend);
        FILE *ls = popen(cmd, "r");
        assert_non_null(ls);
        bool found = false;
        const char *want = par == 2 ? "group-aggregate.acc.kg64-127\n"
                                    : "group-aggregate.acc.kg86-127\n";
        while (fgets(line, sizeof line, ls))
            if (strstr(line, want))
                found = true;
        pclose(ls);
        assert_true(found);
    }
}

static void test_parallelism_1_2_3(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/hf-test-par-XXXXXX");
    assert_non_null(mkdtemp(dir));
    for (int par = 1; par <= 3; par++) {
        run_job(par, 64, "hashmap");
        run_job(par, 1, "hashmap");
    }
    run_job(2, 16, "rocksdb");
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_sink_failure(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/hf-test-par-XXXXXX");
    assert_non_null(mkdtemp(dir));
    fail_k1 = 3;
    run_job(3, 1, "hashmap");
    fail_k1 = 0;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_too_parallel(void **state)
{
    (void)state;
    struct hf_job *job = NULL;
    struct hf_error err;
    hf_error_clear(&err);
    const char *sql =
        "SET 'parallelism.default' = '9';\n"
        "SET 'pipeline.max-parallelism' = '8';\n"
        "CREATE TABLE s (id BIGINT) WITH ('connector' = 'datagen', "
        "'number-of-rows' = '5');\n"
        "CREATE TABLE k1 (k BIGINT, c BIGINT, s BIGINT, PRIMARY KEY (k) NOT "
        "ENFORCED) WITH ('connector' = 'blackhole');\n"
        "INSERT INTO k1 SELECT id, COUNT(*), SUM(id) FROM s GROUP BY id;\n";
    if (hf_sql_plan_text("job.sql", sql, NULL, 0, &job, &err) != 0)
        fail_msg("%s", err.msg);
    assert_null(hf_runtime_new(job, &err));
    assert_non_null(strstr(err.msg, "parallelism.default = 9 is larger than "
                                    "pipeline.max-parallelism = 8"));
    hf_job_free(job);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parallelism_1_2_3),
        cmocka_unit_test(test_sink_failure),
        cmocka_unit_test(test_too_parallel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
