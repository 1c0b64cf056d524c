/*
 * test_state_runtime.c - keyed state in a running job (runtime.c with
 * state/state.h): an operator opens its state through env->open_state
 * under a stable uid, the runtime snapshots it at every aligned barrier
 * and stores the source's position (source_position) in the same
 * checkpoint, and a new run restores both: the operator's counts equal
 * the restored source position exactly, after a clean stop and after a
 * failure that leaves checkpoints half-done, and the checkpoint ids go on
 * after the restored one. Without state.checkpoints.dir a run starts
 * empty. The same with state.backend.type = rocksdb, with and without
 * incremental checkpoints.
 *
 * The job is planned from SQL (datagen -> blackhole) and rewired into
 * source -> calc -> counter -> sink with the test's own source (ids
 * 0, 1, 2, ... from its restored position on), a counting operator
 * (per key id % 10, a BIGINT count in state "cnt") and a sink that can
 * fail on cue.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* clang-format off: cmocka needs the headers above first */
#include <cmocka.h>
/* clang-format on */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/rowcodec.h"
#include "ops/op.h"
#include "runtime/runtime.h"
#include "sql/planner.h"
#include "state/state.h"

static struct {
    _Atomic int64_t start; /* where the source began (restored position) */
    atomic_bool src_opened;
    bool restored;   /* the source got a position */
    atomic_int_fast64_t emitted;
    int64_t snap;
    int64_t fail_after; /* sink fails after this many rows (0 = never) */
    int64_t sunk;
    /* what the counter saw in its restored state at open, and held at
     * close */
    int64_t state_at_open, state_at_close;
    char uid[64];
    int nsnapshots;
} g;

static void sleep_us(int us)
{
    struct timespec ts = {us / 1000000, (long)(us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

/* ------------------------------------------------------------ connectors */

static int src_open(const struct hf_table_def *t, const struct hf_run_ctx *ctx,
                    void **state, struct hf_error *err)
{
    (void)t, (void)err;
    g.start = 0;
    g.restored = false;
    if (ctx->restore_pos) {
        char buf[32];
        size_t n = ctx->restore_pos_len < 31 ? ctx->restore_pos_len : 31;
        memcpy(buf, ctx->restore_pos, n);
        buf[n] = 0;
        g.start = strtoll(buf, NULL, 10);
        g.restored = true;
    }
    atomic_store(&g.emitted, g.start);
    atomic_store(&g.src_opened, true);
    *state = &g;
    return 0;
}

static int src_read(void *state, struct hf_batch *out, struct hf_error *err)
{
    (void)state, (void)err;
    sleep_us(1000);
    int64_t n = atomic_load(&g.emitted);
    for (int i = 0; i < 5; i++, n++) {
        struct hf_value *row = hf_batch_add_row(out, HF_ROW_INSERT, n);
        row[0].null = false;
        row[0].v.i = n;
    }
    atomic_store(&g.emitted, n);
    return 1;
}

static int src_checkpoint(void *state, uint64_t id, struct hf_error *err)
{
    (void)state, (void)id, (void)err;
    g.snap = atomic_load(&g.emitted);
    return 0;
}

static int src_position(void *state, struct hf_strbuf *out,
                        struct hf_error *err)
{
    (void)state, (void)err;
    hf_strbuf_printf(out, "%lld", (long long)g.snap);
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
    g.sunk = 0;
    *state = &g;
    return 0;
}

static int sink_write(void *state, const struct hf_batch *in,
                      struct hf_error *err)
{
    (void)state;
    g.sunk += in->nrows;
    if (g.fail_after && g.sunk > g.fail_after)
        return hf_error_set(err, HF_ERR_SERVER, "injected sink failure");
    return 0;
}

static void sink_close(void *state)
{
    (void)state;
}

static const struct hf_connector test_source = {
    .name = "test-source",
    .caps = HF_CONN_SOURCE,
    .source_open = src_open,
    .source_read = src_read,
    .source_checkpoint = src_checkpoint,
    .source_position = src_position,
    .source_close = src_close};
static const struct hf_connector test_sink = {.name = "test-sink",
                                              .caps = HF_CONN_SINK,
                                              .sink_open = sink_open,
                                              .sink_write = sink_write,
                                              .sink_close = sink_close};

/* ------------------------------------------------------------ counter */

struct counter {
    struct hf_state *st;
};

static int64_t state_total(struct hf_state *st)
{
    struct hf_state_iter *it;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(hf_state_iter_open(st, NULL, 0, &it, &err), 0);
    const void *k, *v;
    size_t kl, vl;
    int64_t sum = 0;
    while (hf_state_iter_next(it, &k, &kl, &v, &vl, &err) == 1) {
        int64_t c;
        assert_int_equal(vl, sizeof c);
        memcpy(&c, v, sizeof c);
        sum += c;
    }
    hf_state_iter_close(it);
    return sum;
}

static int counter_open(const struct hf_op_env *env, void **state,
                        struct hf_error *err)
{
    struct counter *c = calloc(1, sizeof *c);
    snprintf(g.uid, sizeof g.uid, "%s", env->uid);
    assert_int_equal(env->kg_first, 0);
    assert_int_equal(env->kg_last, env->max_parallelism - 1);
    if (env->open_state(env, "cnt", &c->st, err) != 0) {
        free(c);
        return -1;
    }
    g.state_at_open = state_total(c->st);
    *state = c;
    return 0;
}

static int counter_process(void *state, uint32_t input, struct hf_rbuf *in,
                           struct hf_op_out *out, struct hf_error *err)
{
    (void)input;
    struct counter *c = state;
    struct hf_type t = hf_type_make(HF_BIGINT);
    for (uint32_t i = 0; i < in->b->nrows; i++) {
        struct hf_value key = hf_batch_row(in->b, i)[0];
        key.v.i %= 10;
        struct hf_strbuf sb;
        hf_strbuf_init(&sb, 0);
        hf_row_encode(&t, &key, 1, &sb);
        const void *v;
        size_t vl;
        int64_t n = 0;
        int rc = hf_state_get(c->st, sb.data, sb.len, &v, &vl, err);
        if (rc < 0)
            return -1;
        if (rc == 1)
            memcpy(&n, v, sizeof n);
        n++;
        rc = hf_state_put(c->st, sb.data, sb.len, &n, sizeof n, err);
        hf_strbuf_free(&sb);
        if (rc != 0)
            return -1;
    }
    return out->emit(out, in, err);
}

static int counter_snapshot(void *state, uint64_t id, struct hf_op_out *out,
                            struct hf_error *err)
{
    (void)state, (void)id, (void)out, (void)err;
    g.nsnapshots++;
    return 0;
}

static void counter_close(void *state)
{
    struct counter *c = state;
    g.state_at_close = state_total(c->st);
    free(c);
}

static const struct hf_op_class counter_op = {
    .name = "counter",
    .flags = HF_OP_PASSTHROUGH,
    .open = counter_open,
    .process = counter_process,
    .snapshot = counter_snapshot,
    .close = counter_close,
};

/* ------------------------------------------------------------ jobs */

static char dir[64];
static const char *backend_sql = ""; /* a SET of state.backend.type */

static struct hf_job *plan(bool with_dir)
{
    char sql[2048];
    snprintf(sql, sizeof sql,
             "SET 'execution.checkpointing.interval' = '15ms';\n"
             "%s%s%s%s"
             "CREATE TABLE s1 (id BIGINT) WITH ('connector' = 'datagen');\n"
             "CREATE TABLE k1 (id BIGINT) WITH ('connector' = "
             "'blackhole');\n"
             "INSERT INTO k1 SELECT id FROM s1;\n",
             with_dir ? "SET 'state.checkpoints.dir' = 'file://" : "",
             with_dir ? dir : "", with_dir ? "';\n" : "", backend_sql);
    struct hf_job *job = NULL;
    struct hf_error err;
    hf_error_clear(&err);
    if (hf_sql_plan_text("job.sql", sql, NULL, 0, &job, &err) != 0)
        fail_msg("%s", err.msg);
    for (uint32_t i = 0; i < job->ntables; i++)
        job->tables[i]->connector =
            job->tables[i]->name[0] == 's' ? &test_source : &test_sink;
    /* s1 -> calc -> k1 becomes s1 -> calc -> counter -> k1 */
    struct hf_graph *old = &job->graph, ng;
    memset(&ng, 0, sizeof ng);
    assert_int_equal(old->nnodes, 3);
    for (uint32_t i = 0; i < 2; i++) {
        struct hf_node *o = &old->nodes[i];
        uint32_t in = i - 1;
        struct hf_node *n = hf_graph_add(&ng, o->kind, &in, i);
        n->table = o->table;
        n->schema = o->schema;
        n->line = o->line;
        n->op = o->op;
        n->spec = o->spec;
        o->spec = NULL;
    }
    uint32_t in = 1;
    struct hf_node *n = hf_graph_add(&ng, HF_NODE_OP, &in, 1);
    n->op = &counter_op;
    n->schema = old->nodes[1].schema;
    in = 2;
    n = hf_graph_add(&ng, HF_NODE_SINK, &in, 1);
    struct hf_node *k1 = &old->nodes[2];
    n->table = k1->table;
    n->schema = k1->schema;
    n->line = k1->line;
    n->value_types = k1->value_types;
    k1->value_types = NULL;
    hf_graph_free(old);
    job->graph = ng;
    return job;
}

static void *stop_later(void *arg)
{
    sleep_us(150000);
    /* (opening a backend may take long on a busy machine: read some) */
    for (int i = 0; i < 500 && (!atomic_load(&g.src_opened) ||
                                atomic_load(&g.emitted) < g.start + 20);
         i++)
        sleep_us(10000);
    atomic_store(&((struct hf_job *)arg)->stopping, 1);
    return NULL;
}

/* One run of the job until stopped after 150 ms, or until it fails. */
static int run(bool with_dir, bool stop, struct hf_error *err)
{
    struct hf_job *job = plan(with_dir);
    hf_error_clear(err);
    atomic_store(&g.src_opened, false);
    struct hf_runtime *rt = hf_runtime_new(job, err);
    assert_non_null(rt);
    pthread_t th;
    if (stop)
        pthread_create(&th, NULL, stop_later, job);
    int rc = hf_runtime_run(rt, err);
    if (rc != 0 && getenv("HF_TEST_VERBOSE"))
        fprintf(stderr, "run: %s\n", err->msg);
    if (stop)
        pthread_join(th, NULL);
    hf_runtime_destroy(rt);
    hf_job_free(job);
    return rc;
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/hf-test-strt-XXXXXX");
    assert_non_null(mkdtemp(dir));
    memset(&g, 0, sizeof g);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

static void test_stop_and_restore(void **state)
{
    (void)state;
    struct hf_error err;
    assert_int_equal(run(true, true, &err), 0);
    assert_false(g.restored);
    assert_string_equal(g.uid, "n3-counter");
    int64_t first = atomic_load(&g.emitted);
    assert_true(first > 0);
    /* a stop checkpoints everything read */
    assert_int_equal(g.state_at_close, first);

    assert_int_equal(run(true, true, &err), 0);
    assert_true(g.restored);
    assert_int_equal(g.start, first);
    assert_int_equal(g.state_at_open, first);
    assert_int_equal(g.state_at_close, atomic_load(&g.emitted));
    assert_true(atomic_load(&g.emitted) > first);
}

static void test_failure_restores_one_checkpoint(void **state)
{
    (void)state;
    struct hf_error err;
    int64_t total = 0;
    for (int i = 0; i < 4; i++) {
        /* fail somewhere inside the run: the last complete checkpoint
         * holds a position and the counts of exactly the rows before it */
        g.fail_after = 300 + 170 * i;
        assert_int_equal(run(true, false, &err), -1);
        assert_non_null(strstr(err.msg, "injected sink failure"));
        if (i > 0) {
            assert_true(g.restored);
            assert_int_equal(g.state_at_open, g.start);
            assert_true(g.start >= total); /* never goes back */
        }
        total = g.start;
    }
    g.fail_after = 0;
    assert_int_equal(run(true, true, &err), 0);
    assert_int_equal(g.state_at_open, g.start);
    assert_int_equal(g.state_at_close, atomic_load(&g.emitted));
}

static void test_rocksdb(void **state)
{
    backend_sql = "SET 'state.backend.type' = 'rocksdb';\n";
    test_stop_and_restore(state);
    test_failure_restores_one_checkpoint(state);
    backend_sql = "";
}

static void test_rocksdb_incremental(void **state)
{
    backend_sql = "SET 'state.backend.type' = 'rocksdb';\n"
                  "SET 'state.backend.incremental' = 'true';\n";
    test_stop_and_restore(state);
    test_failure_restores_one_checkpoint(state);
    backend_sql = "";
}

static void test_no_dir_starts_empty(void **state)
{
    (void)state;
    struct hf_error err;
    assert_int_equal(run(false, true, &err), 0);
    assert_int_equal(g.state_at_open, 0);
    assert_int_equal(run(false, true, &err), 0);
    assert_false(g.restored);
    assert_int_equal(g.state_at_open, 0);
    assert_int_equal(g.state_at_close, atomic_load(&g.emitted));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_stop_and_restore, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_failure_restores_one_checkpoint,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_dir_starts_empty, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_rocksdb, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rocksdb_incremental, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
