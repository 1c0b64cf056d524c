/*
 * test_runtime.c - the checkpoint contract of the runtime over the operator
 * graph, observed through instrumented connectors: a source position is
 * committed only after every sink downstream flushed every row before it;
 * barriers are aligned where branches meet (a union's sink flushes exactly
 * the rows each source emitted before the barrier); a table read by two
 * INSERTs is read once and feeds both, and a slow sink holds its source
 * back; a stop request flushes and commits the last position; a sink
 * failure fails the job without a commit past it; checkpoint_now returns
 * with everything flushed and committed; in batch mode the end is the only
 * checkpoint. A two-input operator snapshots each checkpoint having seen
 * exactly the rows each source emitted before its barrier (a probe wrapped
 * around the union); one source feeding both inputs of a union (the graph
 * of t UNION ALL t) neither deadlocks nor loses alignment.
 *
 * Jobs are planned from SQL with datagen tables s1, s2 and blackhole tables
 * k1, k2, whose connectors are then swapped for the test's own. A union
 * graph is made by rewiring the graph of two INSERTs (the SQL front end
 * has no UNION ALL yet).
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

#include "ops/op.h"
#include "runtime/runtime.h"
#include "sql/planner.h"

#define MAX_CKPT 4096
#define MAX_FLUSH 8192
#define NS 3   /* sources s1, s2 (and a second reader of s1); sinks k1, k2 */
#define ROWS 7 /* rows per read */
#define TAG 1000000000LL /* value = source index * TAG + sequence */

struct src_w {
    int64_t total; /* rows the source emits */
    bool unbounded;
    int delay_us; /* sleep per read */
    atomic_int opens;
    const struct hf_run_ctx *ctx;
    atomic_int_fast64_t emitted;
    int64_t snap[MAX_CKPT]; /* position at checkpoint id */
    bool has_snap[MAX_CKPT];
    int64_t committed; /* last committed position */
    int ncommits;
    int violations;  /* commits ahead of a downstream sink's flushes */
    int64_t sync_at; /* checkpoint_now here (0 = never) */
    int sync_ok;     /* 1: returned with everything flushed and committed */
    bool feeds[NS];  /* which sinks its rows reach */
};

struct sink_w {
    int64_t recv[NS];                /* per source; sink thread only */
    atomic_int_fast64_t flushed[NS]; /* per source: durable rows */
    int64_t log[MAX_FLUSH][NS];      /* recv at each flush */
    int nflush;
    int64_t fail_after; /* fail when more rows than this came (0 = never) */
    int delay_us;       /* sleep per write */
    int order_errors;
    int64_t max_lead; /* largest emitted(s1) - recv[s1] seen at a write */
};

static struct {
    struct src_w s[NS];
    struct sink_w k[NS];
} w;

/* ------------------------------------------------------------ connectors */

static void sleep_us(int us)
{
    struct timespec ts = {us / 1000000, (long)(us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

static int src_open(const struct hf_table_def *t, const struct hf_run_ctx *ctx,
                    void **state, struct hf_error *err)
{
    (void)err;
    struct src_w *s = &w.s[t->name[1] - '1'];
    /* With source reuse off, s1's second reader gets the third slot. */
    if (atomic_fetch_add(&s->opens, 1) > 0)
        s = &w.s[2];
    s->ctx = ctx;
    *state = s;
    return 0;
}

static bool all_flushed(const struct src_w *s, int64_t n)
{
    int i = (int)(s - w.s);
    for (int k = 0; k < NS; k++)
        if (s->feeds[k] && atomic_load(&w.k[k].flushed[i]) < n)
            return false;
    return true;
}

static int src_read(void *state, struct hf_batch *out, struct hf_error *err)
{
    (void)err;
    struct src_w *s = state;
    sleep_us(s->delay_us ? s->delay_us : 2000);
    int64_t n = atomic_load(&s->emitted);
    /* A synchronous checkpoint covers every row returned before. */
    if (s->sync_at && n >= s->sync_at && !s->sync_ok) {
        struct hf_error e;
        hf_error_clear(&e);
        if (s->ctx->checkpoint_now(s->ctx, &e) == 0 && all_flushed(s, n) &&
            s->committed == n)
            s->sync_ok = 1;
        else
            s->sync_ok = -1;
    }
    if (!s->unbounded && n >= s->total)
        return 0;
    int64_t tag = (int64_t)(s - w.s) * TAG;
    for (int i = 0; i < ROWS && (s->unbounded || n < s->total); i++, n++) {
        struct hf_value *row = hf_batch_add_row(out, HF_ROW_INSERT, n);
        row[0].null = false;
        row[0].v.i = tag + n;
    }
    atomic_fetch_add(&s->ctx->stats->rows_in, out->nrows);
    atomic_store(&s->emitted, n);
    return 1;
}

static int src_checkpoint(void *state, uint64_t id, struct hf_error *err)
{
    (void)err;
    struct src_w *s = state;
    if (id < MAX_CKPT) {
        s->snap[id] = atomic_load(&s->emitted);
        s->has_snap[id] = true;
    }
    return 0;
}

static int src_commit(void *state, uint64_t id, struct hf_error *err)
{
    (void)err;
    struct src_w *s = state;
    int64_t pos = id < MAX_CKPT && s->has_snap[id] ? s->snap[id] : -1;
    if (pos < 0 || !all_flushed(s, pos))
        s->violations++;
    s->committed = pos;
    s->ncommits++;
    return 0;
}

static void src_close(void *state)
{
    (void)state;
}

static int sink_open(const struct hf_table_def *t, const struct hf_run_ctx *ctx,
                     void **state, struct hf_error *err)
{
    (void)ctx, (void)err;
    *state = &w.k[t->name[1] - '1'];
    return 0;
}

static int sink_write(void *state, const struct hf_batch *in,
                      struct hf_error *err)
{
    struct sink_w *k = state;
    if (k->delay_us)
        sleep_us(k->delay_us);
    int64_t lead = atomic_load(&w.s[0].emitted) - k->recv[0];
    if (lead > k->max_lead)
        k->max_lead = lead;
    for (uint32_t i = 0; i < in->nrows; i++) {
        int64_t v = hf_batch_row(in, i)[0].v.i;
        int src = (int)(v / TAG);
        /* Each source's rows arrive in order, none twice. */
        if (src < 0 || src >= NS || v % TAG != k->recv[src])
            k->order_errors++;
        else
            k->recv[src]++;
    }
    int64_t all = k->recv[0] + k->recv[1] + k->recv[2];
    if (k->fail_after && all > k->fail_after)
        return hf_error_set(err, HF_ERR_SERVER, "injected sink failure");
    return 0;
}

static int sink_flush(void *state, struct hf_error *err)
{
    (void)err;
    struct sink_w *k = state;
    for (int i = 0; i < NS; i++)
        atomic_store(&k->flushed[i], k->recv[i]);
    if (k->nflush < MAX_FLUSH) {
        for (int i = 0; i < NS; i++)
            k->log[k->nflush][i] = k->recv[i];
        k->nflush++;
    }
    return 0;
}

static void sink_close(void *state)
{
    (void)state;
}

static const struct hf_connector test_source = {.name = "test-source",
                                                .caps = HF_CONN_SOURCE,
                                                .source_open = src_open,
                                                .source_read = src_read,
                                                .source_checkpoint =
                                                    src_checkpoint,
                                                .source_commit = src_commit,
                                                .source_close = src_close};
static const struct hf_connector test_sink = {.name = "test-sink",
                                              .caps = HF_CONN_SINK,
                                              .sink_open = sink_open,
                                              .sink_write = sink_write,
                                              .sink_flush = sink_flush,
                                              .sink_close = sink_close};

/* ------------------------------------------------------------ jobs */

#define TABLES                                                                 \
    "SET 'execution.checkpointing.interval' = '20ms';\n"                       \
    "SET 'holoflow.queue.batches' = '2';\n"                                    \
    "CREATE TABLE s1 (id BIGINT) WITH ('connector' = 'datagen', "              \
    "'number-of-rows' = '10');\n"                                              \
    "CREATE TABLE s2 (id BIGINT) WITH ('connector' = 'datagen', "              \
    "'number-of-rows' = '10');\n"                                              \
    "CREATE TABLE k1 (id BIGINT) WITH ('connector' = 'blackhole');\n"          \
    "CREATE TABLE k2 (id BIGINT) WITH ('connector' = 'blackhole');\n"

static const char single_sql[] = TABLES "INSERT INTO k1 SELECT id FROM s1;\n";
static const char fanout_sql[] = TABLES "EXECUTE STATEMENT SET BEGIN\n"
                                        "INSERT INTO k1 SELECT id FROM s1;\n"
                                        "INSERT INTO k2 SELECT id FROM s1;\n"
                                        "END;\n";
static const char two_sql[] = TABLES "EXECUTE STATEMENT SET BEGIN\n"
                                     "INSERT INTO k1 SELECT id FROM s1;\n"
                                     "INSERT INTO k2 SELECT id FROM s2;\n"
                                     "END;\n";
/* The second branch tags its rows as source 3's (TAG * 2 + sequence). */
static const char self_sql[] = TABLES "EXECUTE STATEMENT SET BEGIN\n"
                                      "INSERT INTO k1 SELECT id FROM s1;\n"
                                      "INSERT INTO k2 SELECT id + 2000000000 "
                                      "FROM s1;\n"
                                      "END;\n";

static struct hf_job *plan(const char *sql, const char *set)
{
    struct hf_job *job = NULL;
    struct hf_error err;
    hf_error_clear(&err);
    const char *sets[1] = {set};
    if (hf_sql_plan_text("job.sql", sql, sets, set ? 1 : 0, &job, &err) != 0)
        fail_msg("%s", err.msg);
    for (uint32_t i = 0; i < job->ntables; i++)
        job->tables[i]->connector =
            job->tables[i]->name[0] == 's' ? &test_source : &test_sink;
    return job;
}

/* Copy node `o` of an old graph into `g` with the given inputs, taking
 * its spec. */
static void move_node(struct hf_graph *g, struct hf_node *o,
                      const uint32_t *inputs, uint32_t ninputs)
{
    struct hf_node *n = hf_graph_add(g, o->kind, inputs, ninputs);
    assert_non_null(n);
    n->table = o->table;
    n->schema = o->schema;
    n->line = o->line;
    n->op = o->op;
    n->spec = o->spec;
    o->spec = NULL;
}

/* The union node `u` (inputs 1 and 3 of the new graph) and k1's sink fed
 * by it; old node 2 is k1's sink, whose arrays move; `old` is freed. */
static void finish_union(struct hf_job *job, struct hf_graph *g,
                         const struct hf_op_class *u, uint32_t a, uint32_t b)
{
    struct hf_graph *old = &job->graph;
    uint32_t ins[2] = {a, b};
    struct hf_node *n = hf_graph_add(g, HF_NODE_OP, ins, 2);
    n->op = u;
    n->schema = old->nodes[2].schema;
    uint32_t in = g->nnodes - 1;
    n = hf_graph_add(g, HF_NODE_SINK, &in, 1);
    struct hf_node *k1 = &old->nodes[2];
    n->table = k1->table;
    n->schema = k1->schema;
    n->line = k1->line;
    n->value_types = k1->value_types;
    k1->value_types = NULL;
    hf_graph_free(old);
    job->graph = *g;
}

/* two_sql's graph (s1 -> calc -> k1, s2 -> calc -> k2) rewired into
 * s1 -> calc \
 *             union -> k1
 * s2 -> calc /
 * moving the calc specs and k1's sink arrays into the new graph; `u` is
 * the union or a probe around it. */
static void make_union_of(struct hf_job *job, const struct hf_op_class *u)
{
    struct hf_graph *old = &job->graph, g;
    memset(&g, 0, sizeof g);
    assert_int_equal(old->nnodes, 6);
    static const uint32_t from[] = {0, 1, 3, 4};
    for (int i = 0; i < 4; i++) {
        uint32_t in = (uint32_t)i - 1;
        move_node(&g, &old->nodes[from[i]], &in, i % 2);
    }
    finish_union(job, &g, u, 1, 3);
}

static void make_union(struct hf_job *job)
{
    make_union_of(job, &hf_op_union);
}

/* self_sql's graph (s1 -> calc -> k1, s1 -> calc' -> k2) rewired into
 * s1 -> calc  \
 *  \           union -> k1
 *   -> calc' /
 * : one source feeding both inputs of the union. */
static void make_self_union(struct hf_job *job)
{
    struct hf_graph *old = &job->graph, g;
    memset(&g, 0, sizeof g);
    assert_int_equal(old->nnodes, 5);
    uint32_t src = 0;
    move_node(&g, &old->nodes[0], NULL, 0);
    move_node(&g, &old->nodes[1], &src, 1);
    move_node(&g, &old->nodes[3], &src, 1);
    finish_union(job, &g, &hf_op_union, 1, 2);
}

/* ------------------------------------------------------------ probe */

/* A two-input operator around the union that records, at each snapshot,
 * how many rows it had processed from each input, and which inputs ended
 * and when (on the union's task thread; read after the run). */
static struct {
    int64_t seen[2];
    int64_t at[MAX_CKPT][2];
    bool snapped[MAX_CKPT];
    int nsnaps;
    uint64_t last_id;
    int order_errors; /* snapshot ids not increasing */
    int ended[2];
    int errors; /* an input out of range, an end before all its rows */
    bool opened_batch_mode;
} probe;

static int probe_open(const struct hf_op_env *env, void **state,
                      struct hf_error *err)
{
    probe.opened_batch_mode = env->batch_mode;
    return hf_op_union.open(env, state, err);
}

static int probe_process(void *state, uint32_t input, struct hf_rbuf *in,
                         struct hf_op_out *out, struct hf_error *err)
{
    if (input >= 2) {
        probe.errors++;
        input = 0;
    }
    probe.seen[input] += in->b->nrows;
    return hf_op_union.process(state, input, in, out, err);
}

static int probe_snapshot(void *state, uint64_t id, struct hf_op_out *out,
                          struct hf_error *err)
{
    (void)state, (void)out, (void)err;
    if (id <= probe.last_id)
        probe.order_errors++;
    probe.last_id = id;
    if (id < MAX_CKPT) {
        probe.at[id][0] = probe.seen[0];
        probe.at[id][1] = probe.seen[1];
        probe.snapped[id] = true;
    }
    probe.nsnaps++;
    return 0;
}

static int probe_end_input(void *state, uint32_t input, struct hf_op_out *out,
                           struct hf_error *err)
{
    (void)state, (void)out, (void)err;
    if (input >= 2) {
        probe.errors++;
        return 0;
    }
    probe.ended[input]++;
    /* Every row of that input came before its end. */
    if (probe.seen[input] != atomic_load(&w.s[input].emitted))
        probe.errors++;
    return 0;
}

static const struct hf_op_class probe_union = {
    .name = "probe",
    .flags = HF_OP_PASSTHROUGH,
    .explain = NULL,
    .free_spec = NULL,
    .open = probe_open,
    .process = probe_process,
    .snapshot = probe_snapshot,
    .end_input = probe_end_input,
    .close = NULL,
};

static void reset(void)
{
    memset(&w, 0, sizeof w);
    memset(&probe, 0, sizeof probe);
}

/* Run `job` (stopping it after `stop_ms` when > 0); returns
 * hf_runtime_run's result, err holding its error, and the summary in
 * `summary` (when not NULL, freed by the caller). */
static void *stop_later(void *arg)
{
    sleep_us(200000);
    atomic_store(&((struct hf_job *)arg)->stopping, 1);
    return NULL;
}

static int run(struct hf_job *job, bool stop, struct hf_error *err,
               char **summary)
{
    hf_error_clear(err);
    struct hf_runtime *rt = hf_runtime_new(job, err);
    assert_non_null(rt);
    pthread_t th;
    if (stop)
        pthread_create(&th, NULL, stop_later, job);
    int rc = hf_runtime_run(rt, err);
    if (stop)
        pthread_join(th, NULL);
    if (summary) {
        size_t len;
        FILE *f = open_memstream(summary, &len);
        hf_runtime_summary(rt, f);
        fclose(f);
    }
    hf_runtime_destroy(rt);
    return rc;
}

/* Every checkpoint both sources snapshotted was flushed by the sink with
 * exactly the rows each had emitted before it: the barriers were aligned. */
static void assert_aligned(const struct sink_w *k)
{
    int checked = 0;
    for (int id = 1; id < MAX_CKPT; id++) {
        if (!w.s[0].has_snap[id] || !w.s[1].has_snap[id])
            continue;
        bool found = false;
        for (int f = 0; f < k->nflush && !found; f++)
            found = k->log[f][0] == w.s[0].snap[id] &&
                    k->log[f][1] == w.s[1].snap[id];
        if (!found)
            fail_msg("checkpoint %d: no flush with exactly %lld + %lld rows",
                     id, (long long)w.s[0].snap[id],
                     (long long)w.s[1].snap[id]);
        checked++;
    }
    assert_true(checked > 2);
}

/* ------------------------------------------------------------ one pipeline */

static void test_bounded_commits_follow_flushes(void **state)
{
    (void)state;
    reset();
    w.s[0].total = 3000;
    w.s[0].feeds[0] = true;
    struct hf_job *job = plan(single_sql, NULL);
    struct hf_error err;
    assert_int_equal(run(job, false, &err, NULL), 0);
    assert_int_equal(w.k[0].recv[0], 3000);
    assert_int_equal(w.k[0].order_errors, 0);
    assert_int_equal(atomic_load(&w.k[0].flushed[0]), 3000);
    assert_int_equal(w.s[0].violations, 0);
    assert_true(w.s[0].ncommits > 2); /* periodic checkpoints happened */
    assert_int_equal(w.s[0].committed, 3000); /* the final one commits all */
    hf_job_free(job);
}

static void test_stop_flushes_and_commits(void **state)
{
    (void)state;
    reset();
    w.s[0].unbounded = true;
    w.s[0].feeds[0] = true;
    struct hf_job *job = plan(single_sql, NULL);
    struct hf_error err;
    assert_int_equal(run(job, true, &err, NULL), 0);
    assert_true(w.k[0].recv[0] > 0);
    assert_int_equal(w.k[0].recv[0], atomic_load(&w.s[0].emitted));
    assert_int_equal(atomic_load(&w.k[0].flushed[0]), w.k[0].recv[0]);
    assert_int_equal(w.s[0].committed, w.k[0].recv[0]);
    assert_int_equal(w.s[0].violations, 0);
    hf_job_free(job);
}

static void test_sink_failure_fails_job(void **state)
{
    (void)state;
    reset();
    w.s[0].total = 100000;
    w.s[0].feeds[0] = true;
    w.k[0].fail_after = 500;
    struct hf_job *job = plan(single_sql, NULL);
    struct hf_error err;
    assert_int_equal(run(job, false, &err, NULL), -1);
    assert_non_null(strstr(err.msg, "sink 'k1': injected sink failure"));
    assert_int_equal(w.s[0].violations, 0);
    assert_true(w.s[0].committed <= atomic_load(&w.k[0].flushed[0]));
    assert_true(w.s[0].committed < 100000);
    hf_job_free(job);
}

static void test_checkpoint_now(void **state)
{
    (void)state;
    reset();
    w.s[0].total = 2000;
    w.s[0].sync_at = 700;
    w.s[0].feeds[0] = true;
    struct hf_job *job = plan(single_sql, NULL);
    struct hf_error err;
    assert_int_equal(run(job, false, &err, NULL), 0);
    assert_int_equal(w.s[0].sync_ok, 1); /* flushed and committed on return */
    assert_int_equal(w.s[0].violations, 0);
    assert_int_equal(w.s[0].committed, 2000);
    hf_job_free(job);
}

/* ------------------------------------------------------------ fan-out */

/* One table, two INSERTs: one reader feeds both sinks; each gets every
 * row in order; a position is committed only once both sinks flushed it. */
static void test_fanout_one_reader(void **state)
{
    (void)state;
    reset();
    w.s[0].total = 3000;
    w.s[0].feeds[0] = w.s[0].feeds[1] = true;
    struct hf_job *job = plan(fanout_sql, NULL);
    assert_int_equal(job->graph.nnodes, 5); /* s1, 2 x (calc, sink) */
    struct hf_error err;
    char *sum = NULL;
    assert_int_equal(run(job, false, &err, &sum), 0);
    assert_int_equal(atomic_load(&w.s[0].opens), 1);
    assert_int_equal(atomic_load(&w.s[0].emitted), 3000);
    for (int k = 0; k < 2; k++) {
        assert_int_equal(w.k[k].recv[0], 3000);
        assert_int_equal(w.k[k].order_errors, 0);
        assert_int_equal(atomic_load(&w.k[k].flushed[0]), 3000);
    }
    assert_int_equal(w.s[0].violations, 0);
    assert_true(w.s[0].ncommits > 2);
    assert_int_equal(w.s[0].committed, 3000);
    assert_non_null(
        strstr(sum, "  pipeline 1: s1 -> k1\n"
                    "    source 's1': 3000 records read, 3000 rows "
                    "passed on, 0 records skipped, 0 fields set to NULL\n"));
    assert_non_null(strstr(sum, "  pipeline 2: s1 -> k2\n"
                                "    source 's1': read once, shown under "
                                "pipeline 1\n"
                                "    sink 'k2': 3000 rows received"));
    free(sum);
    hf_job_free(job);
}

/* With source reuse off, each INSERT has its own reader. */
static void test_fanout_reuse_off(void **state)
{
    (void)state;
    reset();
    w.s[0].total = w.s[2].total = 700;
    w.s[0].feeds[0] = w.s[0].feeds[1] = true;
    struct hf_job *job =
        plan(fanout_sql, "table.optimizer.reuse-source-enabled=false");
    assert_int_equal(job->graph.nnodes, 6);
    struct hf_error err;
    assert_int_equal(run(job, false, &err, NULL), 0);
    assert_int_equal(atomic_load(&w.s[0].opens), 2);
    /* Each reader fed one INSERT, all of the table. */
    assert_int_equal(w.k[0].recv[0] + w.k[0].recv[2], 700);
    assert_int_equal(w.k[1].recv[0] + w.k[1].recv[2], 700);
    assert_int_equal(w.k[0].order_errors + w.k[1].order_errors, 0);
    hf_job_free(job);
}

/* A slow sink holds the shared source back: the source never runs more
 * than the bounded batches ahead of it, and the fast sink waits too. */
static void test_fanout_backpressure(void **state)
{
    (void)state;
    reset();
    w.s[0].total = 1400;
    w.s[0].delay_us = 1;
    w.s[0].feeds[0] = w.s[0].feeds[1] = true;
    w.k[1].delay_us = 3000;
    struct hf_job *job = plan(fanout_sql, NULL);
    struct hf_error err;
    assert_int_equal(run(job, false, &err, NULL), 0);
    assert_int_equal(w.k[1].recv[0], 1400);
    /* holoflow.queue.batches = 2: at most 2 + 2 source batches in flight
     * (credit), one being read, ROWS rows each. */
    assert_true(w.k[1].max_lead <= 5 * ROWS);
    assert_true(w.k[0].max_lead <= 5 * ROWS);
    assert_int_equal(w.s[0].violations, 0);
    hf_job_free(job);
}

static void test_fanout_checkpoint_now(void **state)
{
    (void)state;
    reset();
    w.s[0].total = 2000;
    w.s[0].sync_at = 700;
    w.s[0].feeds[0] = w.s[0].feeds[1] = true;
    w.k[1].delay_us = 500;
    struct hf_job *job = plan(fanout_sql, NULL);
    struct hf_error err;
    assert_int_equal(run(job, false, &err, NULL), 0);
    assert_int_equal(w.s[0].sync_ok, 1); /* both sinks flushed, committed */
    assert_int_equal(w.s[0].violations, 0);
    assert_int_equal(w.s[0].committed, 2000);
    hf_job_free(job);
}

/* One branch fails: the job fails, and nothing is committed past what the
 * failing sink flushed, whatever the other one did. */
static void test_fanout_sink_failure(void **state)
{
    (void)state;
    reset();
    w.s[0].total = 100000;
    w.s[0].feeds[0] = w.s[0].feeds[1] = true;
    w.k[1].fail_after = 500;
    struct hf_job *job = plan(fanout_sql, NULL);
    struct hf_error err;
    assert_int_equal(run(job, false, &err, NULL), -1);
    assert_non_null(strstr(err.msg, "sink 'k2': injected sink failure"));
    assert_int_equal(w.s[0].violations, 0);
    assert_true(w.s[0].committed <= atomic_load(&w.k[1].flushed[0]));
    assert_true(w.s[0].committed < 100000);
    hf_job_free(job);
}

/* Batch mode: no periodic checkpoint; each sink flushes once at the end
 * and the source commits once. */
static void test_batch_mode_final_only(void **state)
{
    (void)state;
    reset();
    w.s[0].total = 2000;
    w.s[0].feeds[0] = w.s[0].feeds[1] = true;
    struct hf_job *job = plan(fanout_sql, "execution.runtime-mode=batch");
    struct hf_error err;
    assert_int_equal(run(job, false, &err, NULL), 0);
    assert_int_equal(w.s[0].ncommits, 1);
    assert_int_equal(w.s[0].committed, 2000);
    assert_int_equal(w.s[0].violations, 0);
    for (int k = 0; k < 2; k++) {
        assert_int_equal(w.k[k].nflush, 1);
        assert_int_equal(w.k[k].recv[0], 2000);
    }
    hf_job_free(job);
}

/* ------------------------------------------------------------ union */

/* Two sources of different speeds and lengths into one sink through a
 * union: every row of each arrives once and in order; at every checkpoint
 * the sink flushed exactly what each source had emitted before its barrier
 * (alignment, including after the shorter source ended); each source
 * commits only what the sink flushed. */
static void test_union_aligned(void **state)
{
    (void)state;
    reset();
    w.s[0].total = 3000;
    w.s[0].delay_us = 1000;
    w.s[1].total = 700;
    w.s[1].delay_us = 4000;
    w.s[0].feeds[0] = w.s[1].feeds[0] = true;
    struct hf_job *job = plan(two_sql, NULL);
    make_union(job);
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    hf_graph_explain(&job->graph, &sb);
    assert_non_null(strstr(sb.data, "  n5 union: all of 2 inputs <- n2, n4\n"
                                    "  n6 sink: k1 [test-sink]"));
    hf_strbuf_free(&sb);
    struct hf_error err;
    char *sum = NULL;
    assert_int_equal(run(job, false, &err, &sum), 0);
    assert_int_equal(w.k[0].recv[0], 3000);
    assert_int_equal(w.k[0].recv[1], 700);
    assert_int_equal(w.k[0].order_errors, 0);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(w.s[i].violations, 0);
        assert_int_equal(w.s[i].committed, w.s[i].total);
    }
    assert_aligned(&w.k[0]);
    assert_non_null(strstr(sum, "  pipeline 1: s1, s2 -> k1\n"));
    assert_non_null(strstr(sum, "    sink 'k1': 3700 rows received"));
    free(sum);
    hf_job_free(job);
}

/* A stop ends both sources; the union's sink flushes everything and both
 * commit their last positions. */
static void test_union_stop(void **state)
{
    (void)state;
    reset();
    w.s[0].unbounded = w.s[1].unbounded = true;
    w.s[1].delay_us = 3000;
    w.s[0].feeds[0] = w.s[1].feeds[0] = true;
    struct hf_job *job = plan(two_sql, NULL);
    make_union(job);
    struct hf_error err;
    assert_int_equal(run(job, true, &err, NULL), 0);
    for (int i = 0; i < 2; i++) {
        assert_true(w.k[0].recv[i] > 0);
        assert_int_equal(w.k[0].recv[i], atomic_load(&w.s[i].emitted));
        assert_int_equal(w.s[i].committed, w.k[0].recv[i]);
        assert_int_equal(w.s[i].violations, 0);
    }
    hf_job_free(job);
}

/* checkpoint_now from one source of a union: the other source injects the
 * same checkpoint, the sink aligns, and the caller returns committed. */
static void test_union_checkpoint_now(void **state)
{
    (void)state;
    reset();
    w.s[0].total = 2000;
    w.s[0].sync_at = 700;
    w.s[1].total = 1000;
    w.s[1].delay_us = 3000;
    w.s[0].feeds[0] = w.s[1].feeds[0] = true;
    struct hf_job *job = plan(two_sql, NULL);
    make_union(job);
    struct hf_error err;
    assert_int_equal(run(job, false, &err, NULL), 0);
    assert_int_equal(w.s[0].sync_ok, 1);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(w.s[i].violations, 0);
        assert_int_equal(w.s[i].committed, w.s[i].total);
    }
    hf_job_free(job);
}

/* The operator where the two branches meet snapshots each checkpoint
 * after the barrier came on both inputs: having processed exactly the
 * rows each source emitted before its barrier, never one more (including
 * the checkpoints after the shorter source ended, whose input then counts
 * as aligned); ids increase; each input ends once, after all its rows. */
static void test_union_operator_snapshots(void **state)
{
    (void)state;
    reset();
    w.s[0].total = 3000;
    w.s[0].delay_us = 1000;
    w.s[1].total = 700;
    w.s[1].delay_us = 4000;
    w.s[0].feeds[0] = w.s[1].feeds[0] = true;
    struct hf_job *job = plan(two_sql, NULL);
    make_union_of(job, &probe_union);
    struct hf_error err;
    assert_int_equal(run(job, false, &err, NULL), 0);
    assert_int_equal(probe.errors, 0);
    assert_int_equal(probe.order_errors, 0);
    assert_int_equal(probe.ended[0], 1);
    assert_int_equal(probe.ended[1], 1);
    assert_false(probe.opened_batch_mode);
    int checked = 0, after_end = 0;
    for (int id = 1; id < MAX_CKPT; id++) {
        if (!probe.snapped[id])
            continue;
        for (int i = 0; i < 2; i++) {
            /* A source that ended and committed its end takes no more
             * snapshots: its input is then complete. */
            int64_t want = w.s[i].has_snap[id] ? w.s[i].snap[id] : w.s[i].total;
            if (probe.at[id][i] != want)
                fail_msg("checkpoint %d: the union had %lld rows of s%d, "
                         "expected %lld",
                         id, (long long)probe.at[id][i], i + 1,
                         (long long)want);
        }
        after_end += probe.at[id][1] == w.s[1].total && probe.at[id][0] < 3000;
        checked++;
    }
    assert_int_equal(checked, probe.nsnaps);
    assert_true(checked > 2);
    assert_true(after_end > 0); /* s2 had ended, s1 still ran */
    assert_int_equal(w.k[0].recv[0], 3000);
    assert_int_equal(w.k[0].recv[1], 700);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(w.s[i].violations, 0);
        assert_int_equal(w.s[i].committed, w.s[i].total);
    }
    hf_job_free(job);
}

/* Batch mode through a union: no checkpoint until the end, the operator
 * told it runs in batch mode, each input ended once, the sink flushed once
 * and each source committed its whole input once. */
static void test_union_batch_mode(void **state)
{
    (void)state;
    reset();
    w.s[0].total = 2000;
    w.s[1].total = 900;
    w.s[0].feeds[0] = w.s[1].feeds[0] = true;
    struct hf_job *job = plan(two_sql, "execution.runtime-mode=batch");
    make_union_of(job, &probe_union);
    struct hf_error err;
    assert_int_equal(run(job, false, &err, NULL), 0);
    assert_true(probe.opened_batch_mode);
    assert_int_equal(probe.nsnaps, 0);
    assert_int_equal(probe.errors, 0);
    assert_int_equal(probe.ended[0], 1);
    assert_int_equal(probe.ended[1], 1);
    assert_int_equal(w.k[0].nflush, 1);
    assert_int_equal(w.k[0].recv[0], 2000);
    assert_int_equal(w.k[0].recv[1], 900);
    assert_int_equal(w.k[0].order_errors, 0);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(w.s[i].ncommits, 1);
        assert_int_equal(w.s[i].committed, w.s[i].total);
        assert_int_equal(w.s[i].violations, 0);
    }
    hf_job_free(job);
}

/* One source into both inputs of a union (t UNION ALL t): the source
 * puts each barrier on both edges before any later row, so the union
 * aligns, and a slow sink holding both edges full does not deadlock. The
 * sink gets every row twice (the second branch's tagged as source 3's), in
 * order, and at every checkpoint flushed exactly the rows before it on
 * both branches. */
static void test_self_union(void **state)
{
    (void)state;
    reset();
    w.s[0].total = 3000;
    w.s[0].delay_us = 1;
    w.s[0].feeds[0] = true;
    w.k[0].delay_us = 300;
    struct hf_job *job = plan(self_sql, NULL);
    make_self_union(job);
    struct hf_error err;
    assert_int_equal(run(job, false, &err, NULL), 0);
    assert_int_equal(atomic_load(&w.s[0].opens), 1);
    assert_int_equal(w.k[0].recv[0], 3000);
    assert_int_equal(w.k[0].recv[2], 3000);
    assert_int_equal(w.k[0].order_errors, 0);
    assert_int_equal(w.s[0].violations, 0);
    assert_int_equal(w.s[0].committed, 3000);
    int checked = 0;
    for (int id = 1; id < MAX_CKPT; id++) {
        if (!w.s[0].has_snap[id] || w.s[0].snap[id] == 3000)
            continue;
        bool found = false;
        for (int f = 0; f < w.k[0].nflush && !found; f++)
            found = w.k[0].log[f][0] == w.s[0].snap[id] &&
                    w.k[0].log[f][2] == w.s[0].snap[id];
        if (!found)
            fail_msg("checkpoint %d: no flush with %lld rows of each branch",
                     id, (long long)w.s[0].snap[id]);
        checked++;
    }
    assert_true(checked > 2);
    hf_job_free(job);
}

/* ------------------------------------------------------------ progress */

/* Processing-time progress through the runtime: a marker around the calc
 * after a source stamps processing time (op.h proc_marks) and sends as
 * its mark the rows it has seen; a probe around the union fires on the
 * progress (op.h proc_progress), the minimum over its channels that
 * carry marks, and checks it against what the open markers sent. */
static struct {
    const struct hf_op_class *calc;
    bool marks[2];               /* which calc is a marker */
    atomic_int_fast64_t sent[2]; /* a marker's last mark */
    atomic_int ended[2]; /* a marker's input ended (its order, 1 or 2) */
    atomic_int nends;
    int64_t pt[4096]; /* the probe's progress, on its thread */
    int npt;
    int errors; /* progress above an open marker's mark, or not rising */
} pm;

struct marker {
    void *inner;
    int i;
};

static int marker_open(const struct hf_op_env *env, void **state,
                       struct hf_error *err)
{
    struct marker *m = calloc(1, sizeof *m);
    assert_non_null(m);
    m->i = env->node->id == 1 ? 0 : 1;
    *state = m;
    return pm.calc->open(env, &m->inner, err);
}

static int marker_process(void *state, uint32_t input, struct hf_rbuf *in,
                          struct hf_op_out *out, struct hf_error *err)
{
    struct marker *m = state;
    int64_t n = in->b->nrows;
    if (pm.calc->process(m->inner, input, in, out, err) != 0)
        return -1;
    if (!pm.marks[m->i])
        return 0; /* a plain calc */
    int64_t t = atomic_load(&pm.sent[m->i]) + n;
    atomic_store(&pm.sent[m->i], t);
    return out->progress(out, t, err);
}

static int marker_end_input(void *state, uint32_t input, struct hf_op_out *out,
                            struct hf_error *err)
{
    struct marker *m = state;
    atomic_store(&pm.ended[m->i], atomic_fetch_add(&pm.nends, 1) + 1);
    return pm.calc->end_input ? pm.calc->end_input(m->inner, input, out, err)
                              : 0;
}

static void marker_close(void *state)
{
    struct marker *m = state;
    if (m == NULL)
        return;
    if (pm.calc->close)
        pm.calc->close(m->inner);
    free(m);
}

static bool marker_marks(const struct hf_node *n)
{
    return pm.marks[n->id == 1 ? 0 : 1];
}

static struct hf_op_class marker_class;

static int pprobe_progress(void *state, int64_t t, struct hf_op_out *out,
                           struct hf_error *err)
{
    (void)state, (void)out, (void)err;
    /* An open marker channel holds the minimum at or below its mark (an
     * ended one, or one without marks, does not). */
    for (int i = 0; i < 2; i++)
        if (pm.marks[i] && !atomic_load(&pm.ended[i]) &&
            t > atomic_load(&pm.sent[i]))
            pm.errors++;
    if (pm.npt > 0 && t <= pm.pt[pm.npt - 1])
        pm.errors++;
    if (pm.npt < 4096)
        pm.pt[pm.npt++] = t;
    return 0;
}

static struct hf_op_class pprobe_class;

static void run_progress(bool mark2)
{
    reset();
    memset(&pm, 0, sizeof pm);
    w.s[0].total = 70;
    w.s[1].total = 1400;
    w.s[0].feeds[0] = w.s[1].feeds[0] = true;
    struct hf_job *job = plan(two_sql, NULL);
    make_union(job);
    struct hf_graph *g = &job->graph;
    pm.calc = g->nodes[1].op;
    marker_class = *pm.calc;
    marker_class.name = "marker";
    marker_class.open = marker_open;
    marker_class.process = marker_process;
    marker_class.end_input = marker_end_input;
    marker_class.close = marker_close;
    marker_class.proc_marks = marker_marks;
    pprobe_class = hf_op_union;
    pprobe_class.name = "progress-probe";
    pprobe_class.proc_progress = pprobe_progress;
    pm.marks[0] = true;
    pm.marks[1] = mark2;
    g->nodes[1].op = g->nodes[3].op = &marker_class;
    g->nodes[4].op = &pprobe_class;
    struct hf_error err;
    if (run(job, false, &err, NULL) != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(w.k[0].recv[0], 70);
    assert_int_equal(w.k[0].recv[1], 1400);
    assert_int_equal(pm.errors, 0);
    assert_true(pm.npt > 0);
    /* The last progress: the last mark of the marker that ended last (an
     * ended channel and a channel without marks do not hold it back). */
    int last = !mark2 || atomic_load(&pm.ended[0]) == 2 ? 0 : 1;
    assert_int_equal(pm.pt[pm.npt - 1], atomic_load(&pm.sent[last]));
    hf_job_free(job);
}

/* s2's channel carries no marks: the progress is s1's marks alone. */
static void test_progress_channel_without_marks(void **state)
{
    (void)state;
    run_progress(false);
}

/* Both channels carry marks: the minimum while both are open, the
 * later's marks after the other ended. */
static void test_progress_min_and_ended(void **state)
{
    (void)state;
    run_progress(true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bounded_commits_follow_flushes),
        cmocka_unit_test(test_stop_flushes_and_commits),
        cmocka_unit_test(test_sink_failure_fails_job),
        cmocka_unit_test(test_checkpoint_now),
        cmocka_unit_test(test_fanout_one_reader),
        cmocka_unit_test(test_fanout_reuse_off),
        cmocka_unit_test(test_fanout_backpressure),
        cmocka_unit_test(test_fanout_checkpoint_now),
        cmocka_unit_test(test_fanout_sink_failure),
        cmocka_unit_test(test_batch_mode_final_only),
        cmocka_unit_test(test_union_aligned),
        cmocka_unit_test(test_progress_channel_without_marks),
        cmocka_unit_test(test_progress_min_and_ended),
        cmocka_unit_test(test_union_stop),
        cmocka_unit_test(test_union_checkpoint_now),
        cmocka_unit_test(test_union_operator_snapshots),
        cmocka_unit_test(test_union_batch_mode),
        cmocka_unit_test(test_self_union),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
