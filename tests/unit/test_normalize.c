/*
 * test_normalize.c - ChangelogNormalize (ops/normalize.c): where the
 * planner puts it and the exact changelog it makes of an upsert stream,
 * driven as the runtime drives it with a hashmap state backend.
 *
 * Planning: after upsert-kafka before a GROUP BY (with -U), before a
 * retract sink (print), not before an upsert sink keyed by the source's
 * key (Flink 2.1+), but before one when a filter reads the rows (+U only);
 * one node shared by the consumers of a source; after a PK'd CDC source
 * only with table.exec.source.cdc-events-duplicate; after the hologres
 * binlog in UPSERT mode, not in ALL mode; an upsert source without a
 * PRIMARY KEY under a GROUP BY is refused by name.
 * Operator: Flink's processLastRowOnChangelog trace (first row +I, same
 * row dropped, another row -U/+U, tombstone -D with the full kept row,
 * tombstone of an unknown key dropped, -U treated as a delete), +U only
 * when no consumer needs -U, unchanged rows re-sent with state TTL on, the
 * kept rows surviving a checkpoint and restore, and mini-batch (the last
 * row per key of a bundle, flushed when full and at a barrier).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* clang-format off: cmocka needs the headers above first */
#include <cmocka.h>
/* clang-format on */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/valueconv.h"
#include "ops/normalize.h"
#include "ops/op.h"
#include "sql/planner.h"
#include "state/state.h"

/* ------------------------------------------------------------ rig */

struct rig {
    struct hf_job *job;
    const struct hf_node *node;
    const struct hf_normalize_spec *sp;
    struct hf_state_backend *be;
    struct hf_state *st;
    struct hf_rbuf_pool *in_pool, *out_pool;
    void *state;
    struct hf_op_out out;
    struct hf_strbuf got;
};

static int rig_open_state(const struct hf_op_env *env, const char *name,
                          struct hf_state **out, struct hf_error *err)
{
    struct rig *g = env->rt;
    int rc = hf_state_open(g->be, env->uid, name, 0, 127, out, err);
    g->st = *out;
    return rc;
}

/* Each emitted row as the print connector shows it: +I[a, 1]. */
static int collect(struct hf_op_out *out, struct hf_rbuf *rows,
                   struct hf_error *err)
{
    (void)err;
    struct rig *g = (struct rig *)((char *)out - offsetof(struct rig, out));
    const struct hf_batch *b = rows->b;
    const struct hf_schema *s = g->node->schema;
    for (uint32_t i = 0; i < b->nrows; i++) {
        const struct hf_value *row = hf_batch_row(b, i);
        hf_strbuf_printf(&g->got, "%s[",
                         hf_rowkind_short((enum hf_rowkind)b->kinds[i]));
        for (uint32_t c = 0; c < s->ncols; c++) {
            if (c)
                hf_strbuf_puts(&g->got, ", ");
            if (row[c].null)
                hf_strbuf_puts(&g->got, "NULL");
            else
                hf_value_to_text(&s->cols[c].type, &row[c], &g->got);
        }
        hf_strbuf_puts(&g->got, "] ");
    }
    return 0;
}

/* The normalize node of a planned job, or NULL; *count: how many. */
static const struct hf_node *find_norm(const struct hf_job *job,
                                       uint32_t *count)
{
    const struct hf_node *found = NULL;
    uint32_t n = 0;
    for (uint32_t i = 0; i < job->graph.nnodes; i++)
        if (job->graph.nodes[i].op == &hf_op_normalize) {
            found = &job->graph.nodes[i];
            n++;
        }
    if (count)
        *count = n;
    return found;
}

static struct hf_job *plan(const char *ddl, const char *insert)
{
    char sql[4096];
    snprintf(sql, sizeof sql, "%s\n%s\n", ddl, insert);
    struct hf_error err;
    hf_error_clear(&err);
    struct hf_job *job = NULL;
    if (hf_sql_plan_text("job.sql", sql, NULL, 0, &job, &err) != 0)
        fail_msg("%s", err.msg);
    return job;
}

static void rig_backend(struct rig *g, const char *dir)
{
    struct hf_error err;
    hf_error_clear(&err);
    struct hf_state_config c = {0};
    c.type = HF_STATE_HASHMAP;
    c.num_retained = 1;
    c.max_parallelism = 128;
    c.checkpoints_dir = dir;
    assert_int_equal(hf_state_backend_open(&c, &g->be, &err), 0);
}

static void rig_start(struct rig *g)
{
    struct hf_error err;
    hf_error_clear(&err);
    struct hf_op_env env = {.node = g->node,
                            .uid = "n2-changelog-normalize",
                            .max_parallelism = 128,
                            .kg_last = 127,
                            .open_state = rig_open_state,
                            .rt = g,
                            .pool = g->out_pool};
    if (g->node->op->open(&env, &g->state, &err) != 0)
        fail_msg("%s", err.msg);
}

static void rig_open(struct rig *g, const char *ddl, const char *insert,
                     const char *dir)
{
    memset(g, 0, sizeof *g);
    g->job = plan(ddl, insert);
    g->node = find_norm(g->job, NULL);
    assert_non_null(g->node);
    g->sp = g->node->spec;
    rig_backend(g, dir);
    g->in_pool = hf_rbuf_pool_new(g->sp->in->ncols, 8, 2);
    g->out_pool = hf_rbuf_pool_new(g->node->schema->ncols, 8, 2);
    hf_strbuf_init(&g->got, 1 << 20);
    g->out.emit = collect;
    rig_start(g);
}

/* Push one row: kind, then the columns as text ("NULL" for NULL), and
 * return what the operator emitted for it. */
static const char *push(struct rig *g, enum hf_rowkind kind, ...)
{
    struct hf_rbuf *r = hf_rbuf_get(g->in_pool, 0);
    assert_non_null(r);
    struct hf_value *row = hf_batch_add_row(r->b, kind, -1);
    va_list ap;
    va_start(ap, kind);
    struct hf_error err;
    hf_error_clear(&err);
    for (uint32_t c = 0; c < g->sp->in->ncols; c++) {
        const char *t = va_arg(ap, const char *);
        if (strcmp(t, "NULL") == 0) {
            row[c].null = true;
            continue;
        }
        if (hf_value_from_text(&g->sp->in->cols[c].type, t, strlen(t), ';',
                               r->b, &row[c], &err) != 0)
            fail_msg("%s", err.msg);
    }
    va_end(ap);
    hf_strbuf_reset(&g->got);
    if (g->node->op->process(g->state, 0, r, &g->out, &err) != 0)
        fail_msg("%s", err.msg);
    hf_rbuf_release(r);
    if (g->got.len)
        g->got.data[--g->got.len] = '\0';
    return g->got.data ? g->got.data : "";
}

static void rig_stop(struct rig *g)
{
    g->node->op->close(g->state);
    hf_state_close(g->st);
    hf_state_backend_close(g->be);
    g->state = NULL;
    g->st = NULL;
    g->be = NULL;
}

static void rig_close(struct rig *g)
{
    if (g->be)
        rig_stop(g);
    hf_rbuf_pool_destroy(g->in_pool);
    hf_rbuf_pool_destroy(g->out_pool);
    hf_strbuf_free(&g->got);
    hf_job_free(g->job);
}

#define I HF_ROW_INSERT
#define UB HF_ROW_UPDATE_BEFORE
#define UA HF_ROW_UPDATE_AFTER
#define D HF_ROW_DELETE

#define UPSERT_SRC                                                             \
    "CREATE TABLE s (id BIGINT, v STRING, PRIMARY KEY (id) NOT ENFORCED) "     \
    "WITH ('connector' = 'upsert-kafka', 'topic' = 't', "                      \
    "'properties.bootstrap.servers' = 'h:9092', 'key.format' = 'json', "       \
    "'value.format' = 'json');\n"
#define PRINT_SINK                                                             \
    "CREATE TABLE p (id BIGINT, v STRING) WITH ('connector' = 'print');\n"
#define KEYED_SINK(name, key)                                                  \
    "CREATE TABLE " name " (id BIGINT, v STRING, PRIMARY KEY (" key            \
    ") NOT ENFORCED) WITH ('connector' = 'upsert-kafka', 'topic' = 'o', "      \
    "'properties.bootstrap.servers' = 'h:9092', 'key.format' = 'json', "       \
    "'value.format' = 'json');\n"
#define AGG_SINK                                                               \
    "CREATE TABLE g (v STRING, n BIGINT) WITH ('connector' = 'print');\n"

/* ------------------------------------------------------------ operator */

static void test_trace(void **st)
{
    (void)st;
    struct rig g;
    rig_open(&g, UPSERT_SRC PRINT_SINK, "INSERT INTO p SELECT * FROM s;", NULL);
    assert_true(g.sp->update_before);
    assert_false(g.sp->ttl);
    assert_string_equal(push(&g, I, "1", "a"), "+I[1, a]");
    assert_string_equal(push(&g, I, "1", "a"), "");
    assert_string_equal(push(&g, UA, "1", "a"), ""); /* kind not compared */
    assert_string_equal(push(&g, I, "1", "b"), "-U[1, a] +U[1, b]");
    assert_string_equal(push(&g, I, "2", "x"), "+I[2, x]");
    /* A tombstone carries the key only: the kept row is deleted. */
    assert_string_equal(push(&g, D, "1", "NULL"), "-D[1, b]");
    assert_string_equal(push(&g, D, "1", "NULL"), "");
    assert_string_equal(push(&g, D, "9", "NULL"), "");
    assert_string_equal(push(&g, I, "1", "c"), "+I[1, c]");
    /* -U is a delete: there may be no +U after it. */
    assert_string_equal(push(&g, UB, "2", "x"), "-D[2, x]");
    assert_string_equal(push(&g, UA, "2", "y"), "+I[2, y]");
    /* NULL values compare equal. */
    assert_string_equal(push(&g, I, "3", "NULL"), "+I[3, NULL]");
    assert_string_equal(push(&g, I, "3", "NULL"), "");
    rig_close(&g);
}

/* A consumer that takes +U without -U: an upsert sink keyed by id, read
 * through a filter (so the normalize stays, Flink's filterCondition). */
static void test_update_after_only(void **st)
{
    (void)st;
    struct rig g;
    rig_open(&g, UPSERT_SRC KEYED_SINK("k", "id"),
             "INSERT INTO k SELECT * FROM s WHERE v <> 'z';", NULL);
    assert_false(g.sp->update_before);
    assert_string_equal(push(&g, I, "1", "a"), "+I[1, a]");
    assert_string_equal(push(&g, I, "1", "b"), "+U[1, b]");
    assert_string_equal(push(&g, D, "1", "NULL"), "-D[1, b]");
    rig_close(&g);
}

/* table.exec.state.ttl on: an unchanged row is sent again. */
static void test_ttl(void **st)
{
    (void)st;
    struct rig g;
    rig_open(&g, "SET 'table.exec.state.ttl' = '1 h';\n" UPSERT_SRC PRINT_SINK,
             "INSERT INTO p SELECT * FROM s;", NULL);
    assert_true(g.sp->ttl);
    assert_string_equal(push(&g, I, "1", "a"), "+I[1, a]");
    assert_string_equal(push(&g, I, "1", "a"), "-U[1, a] +U[1, a]");
    rig_close(&g);
}

/* The kept rows are in the checkpoint: after a restore an update of a
 * key seen before is -U/+U, and a tombstone deletes the full old row. */
static void test_checkpoint_restore(void **st)
{
    (void)st;
    char dir[] = "/tmp/hf-normalize-XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct rig g;
    rig_open(&g, UPSERT_SRC PRINT_SINK, "INSERT INTO p SELECT * FROM s;", dir);
    assert_string_equal(push(&g, I, "1", "a"), "+I[1, a]");
    assert_string_equal(push(&g, I, "2", "b"), "+I[2, b]");
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(hf_state_snapshot(g.st, 1, &err), 0);
    assert_int_equal(hf_state_backend_complete(g.be, 1, NULL, 0, &err), 0);
    /* Not in checkpoint 1: lost with the crash. */
    assert_string_equal(push(&g, I, "3", "c"), "+I[3, c]");
    rig_stop(&g);
    rig_backend(&g, dir);
    assert_int_equal(hf_state_backend_restored_id(g.be), 1);
    rig_start(&g);
    assert_string_equal(push(&g, I, "1", "a2"), "-U[1, a] +U[1, a2]");
    assert_string_equal(push(&g, D, "2", "NULL"), "-D[2, b]");
    assert_string_equal(push(&g, I, "3", "c"), "+I[3, c]");
    rig_close(&g);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* What the operator emits at checkpoint barrier `id`. */
static const char *barrier(struct rig *g, uint64_t id)
{
    struct hf_error err;
    hf_error_clear(&err);
    hf_strbuf_reset(&g->got);
    if (g->node->op->snapshot(g->state, id, &g->out, &err) != 0)
        fail_msg("%s", err.msg);
    if (g->got.len)
        g->got.data[--g->got.len] = '\0';
    return g->got.data ? g->got.data : "";
}

/* Mini-batch: the last row per key of a bundle, normalized at a flush (a
 * full bundle, a checkpoint barrier), keys in first-arrival order. */
static void test_minibatch(void **st)
{
    (void)st;
    struct rig g;
    rig_open(&g,
             "SET 'table.exec.mini-batch.enabled' = 'true';\n"
             "SET 'table.exec.mini-batch.allow-latency' = '1 h';\n"
             "SET 'table.exec.mini-batch.size' = '3';\n" UPSERT_SRC PRINT_SINK,
             "INSERT INTO p SELECT * FROM s;", NULL);
    assert_true(g.sp->minibatch);
    assert_string_equal(push(&g, I, "1", "a"), "");
    assert_string_equal(push(&g, I, "1", "b"), "");
    assert_string_equal(push(&g, I, "2", "x"), "+I[1, b] +I[2, x]");
    assert_string_equal(push(&g, I, "1", "c"), "");
    assert_string_equal(push(&g, D, "2", "NULL"), "");
    assert_string_equal(barrier(&g, 1), "-U[1, b] +U[1, c] -D[2, x]");
    /* A key inserted and deleted within one bundle: nothing. */
    assert_string_equal(push(&g, I, "3", "z"), "");
    assert_string_equal(push(&g, D, "3", "NULL"), "");
    assert_string_equal(barrier(&g, 2), "");
    /* Back to the kept value within a bundle: nothing either. */
    assert_string_equal(push(&g, I, "1", "d"), "");
    assert_string_equal(push(&g, I, "1", "c"), "");
    assert_string_equal(barrier(&g, 3), "");
    assert_string_equal(barrier(&g, 4), "");
    rig_close(&g);
}

/* ------------------------------------------------------------ planning */

static void test_plan_placement(void **st)
{
    (void)st;
    uint32_t n;
    struct hf_job *job;
    /* GROUP BY over upsert-kafka: normalize with -U in front of it. */
    job = plan(UPSERT_SRC AGG_SINK,
               "INSERT INTO g SELECT v, COUNT(*) FROM s GROUP BY v;");
    const struct hf_node *nd = find_norm(job, &n);
    assert_int_equal(n, 1);
    assert_true(((const struct hf_normalize_spec *)nd->spec)->update_before);
    assert_int_equal(job->graph.nodes[nd->inputs[0]].kind, HF_NODE_SOURCE);
    hf_job_free(job);
    /* A copy into an upsert sink keyed by the source's key: none. */
    job = plan(UPSERT_SRC KEYED_SINK("k", "id"),
               "INSERT INTO k SELECT * FROM s;");
    assert_null(find_norm(job, &n));
    hf_job_free(job);
    /* A NOT NULL value column: a key-only -D would not pass its check,
     * so the normalize stays (without -U). */
    job = plan(UPSERT_SRC
               "CREATE TABLE k (id BIGINT, v STRING NOT NULL, PRIMARY KEY "
               "(id) NOT ENFORCED) WITH ('connector' = 'upsert-kafka', "
               "'topic' = 'o', 'properties.bootstrap.servers' = 'h:9092', "
               "'key.format' = 'json', 'value.format' = 'json');\n",
               "INSERT INTO k SELECT * FROM s;");
    nd = find_norm(job, &n);
    assert_non_null(nd);
    assert_false(((const struct hf_normalize_spec *)nd->spec)->update_before);
    hf_job_free(job);
    /* Keyed by another column: the sink needs -U. */
    job =
        plan(UPSERT_SRC KEYED_SINK("k", "v"), "INSERT INTO k SELECT * FROM s;");
    nd = find_norm(job, &n);
    assert_non_null(nd);
    assert_true(((const struct hf_normalize_spec *)nd->spec)->update_before);
    hf_job_free(job);
    /* The key written from a computed value: normalize. */
    job = plan(UPSERT_SRC KEYED_SINK("k", "id"),
               "INSERT INTO k SELECT id + 1, v FROM s;");
    assert_non_null(find_norm(job, &n));
    hf_job_free(job);
    /* Two consumers of one source share one normalize. */
    job = plan(UPSERT_SRC AGG_SINK PRINT_SINK,
               "INSERT INTO g SELECT v, COUNT(*) FROM s GROUP BY v;\n"
               "INSERT INTO p SELECT * FROM s;");
    find_norm(job, &n);
    assert_int_equal(n, 1);
    hf_job_free(job);
}

#define CDC_SRC(pk)                                                            \
    "CREATE TABLE s (id BIGINT, v STRING" pk ") WITH ('connector' = "          \
    "'filesystem', 'path' = '/nonexistent', 'format' = 'debezium-json');\n"

static void test_plan_cdc_duplicate(void **st)
{
    (void)st;
    uint32_t n;
    struct hf_job *job;
    /* A CDC source: no normalize by default. */
    job = plan(CDC_SRC(", PRIMARY KEY (id) NOT ENFORCED") PRINT_SINK,
               "INSERT INTO p SELECT * FROM s;");
    assert_null(find_norm(job, &n));
    hf_job_free(job);
    /* cdc-events-duplicate: one, even into an upsert sink by the key
     * (FLINK-37691), there without -U. */
    job =
        plan("SET 'table.exec.source.cdc-events-duplicate' = 'true';\n" CDC_SRC(
                 ", PRIMARY KEY (id) NOT ENFORCED") KEYED_SINK("k", "id"),
             "INSERT INTO k SELECT * FROM s;");
    const struct hf_node *nd = find_norm(job, &n);
    assert_non_null(nd);
    assert_false(((const struct hf_normalize_spec *)nd->spec)->update_before);
    hf_job_free(job);
    /* Without a primary key it does not apply. */
    job = plan(
        "SET 'table.exec.source.cdc-events-duplicate' = 'true';\n" CDC_SRC("")
            PRINT_SINK,
        "INSERT INTO p SELECT * FROM s;");
    assert_null(find_norm(job, &n));
    hf_job_free(job);
}

#define HOLO_SRC(mode, pk)                                                     \
    "CREATE TABLE s (id BIGINT, v STRING" pk ") WITH ('connector' = "          \
    "'hologres', 'endpoint' = 'h:1', 'dbname' = 'd', 'tablename' = 't', "      \
    "'username' = 'u', 'password' = 'p', 'source.binlog' = 'true'" mode ");\n"

static void test_plan_binlog(void **st)
{
    (void)st;
    uint32_t n;
    struct hf_job *job;
    job = plan(HOLO_SRC("", ", PRIMARY KEY (id) NOT ENFORCED") AGG_SINK,
               "INSERT INTO g SELECT v, COUNT(*) FROM s GROUP BY v;");
    assert_non_null(find_norm(job, &n));
    hf_job_free(job);
    job = plan(HOLO_SRC(", 'source.binlog.change-log-mode' = 'ALL'",
                        ", PRIMARY KEY (id) NOT ENFORCED") AGG_SINK,
               "INSERT INTO g SELECT v, COUNT(*) FROM s GROUP BY v;");
    assert_null(find_norm(job, &n));
    hf_job_free(job);
    /* An upsert stream without a key cannot be completed. */
    char sql[2048];
    snprintf(sql, sizeof sql, "%s%s%s\n", HOLO_SRC("", ""), AGG_SINK,
             "INSERT INTO g SELECT v, COUNT(*) FROM s GROUP BY v;");
    struct hf_error err;
    hf_error_clear(&err);
    job = NULL;
    assert_int_not_equal(hf_sql_plan_text("job.sql", sql, NULL, 0, &job, &err),
                         0);
    hf_job_free(job);
    if (strstr(err.msg, "table 's' is an upsert source") == NULL ||
        strstr(err.msg, "needs a PRIMARY KEY") == NULL)
        fail_msg("got: %s", err.msg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trace),
        cmocka_unit_test(test_update_after_only),
        cmocka_unit_test(test_ttl),
        cmocka_unit_test(test_checkpoint_restore),
        cmocka_unit_test(test_minibatch),
        cmocka_unit_test(test_plan_placement),
        cmocka_unit_test(test_plan_cdc_duplicate),
        cmocka_unit_test(test_plan_binlog),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
