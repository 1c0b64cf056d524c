/*
 * test_ops.c - the operators on their own (ops/op.h), driven as the
 * runtime drives them: calc nodes planned from SQL, batches pushed in,
 * what they emit collected.
 *
 * calc: an identity projection passes its input batch on (same batch, no
 * copy); a NULL in a NOT NULL column of the sink fails naming the column
 * and the input row (table.exec.sink.not-null-enforcer = ERROR) or drops
 * just that row (DROP), on the identity path as on the copying one; a
 * projection computes into a batch of its own whose copied strings borrow
 * the input (the input is its parent); a filter keeps the rows it holds
 * for, and emits nothing when none pass. union: every input batch passed
 * on as it is. distinct: the first row of each value passes, repeats
 * (NULL equal to NULL) do not, across batches. limit: the window after
 * the offset passes, a batch wholly inside it as the same batch, one cut
 * by it as a copy borrowing the input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* clang-format off: cmocka needs the headers above first */
#include <cmocka.h>
/* clang-format on */
#include <stdio.h>
#include <string.h>

#include "ops/calc.h"
#include "ops/limit.h"
#include "ops/op.h"
#include "sql/planner.h"

/* What an operator emitted: references kept until the test looks. */
struct sinkbox {
    struct hf_op_out out;
    struct hf_rbuf *got[8];
    int n;
};

static int collect(struct hf_op_out *out, struct hf_rbuf *rows,
                   struct hf_error *err)
{
    (void)err;
    struct sinkbox *s = (struct sinkbox *)out;
    assert_true(s->n < 8);
    hf_rbuf_ref(rows);
    s->got[s->n++] = rows;
    return 0;
}

static void drain(struct sinkbox *s)
{
    for (int i = 0; i < s->n; i++)
        hf_rbuf_release(s->got[i]);
    s->n = 0;
}

static struct hf_job *plan(const char *insert, const char *set)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "CREATE TABLE s (id BIGINT, name STRING) WITH ('connector' = "
             "'datagen');\n"
             "CREATE TABLE k (id BIGINT NOT NULL, name STRING) WITH "
             "('connector' = 'blackhole');\n"
             "CREATE TABLE k2 (n STRING, id2 BIGINT) WITH ('connector' = "
             "'blackhole');\n%s\n",
             insert);
    struct hf_job *job = NULL;
    struct hf_error err;
    hf_error_clear(&err);
    const char *sets[1] = {set};
    if (hf_sql_plan_text("job.sql", sql, sets, set ? 1 : 0, &job, &err) != 0)
        fail_msg("%s", err.msg);
    return job;
}

/* The calc node of the job's only INSERT. */
static const struct hf_node *calc_node(const struct hf_job *job)
{
    const struct hf_node *k = hf_graph_sink(&job->graph, 0);
    const struct hf_node *c = &job->graph.nodes[k->inputs[0]];
    assert_ptr_equal(c->op, &hf_op_calc);
    return c;
}

/* An input batch: (1, 'a'), (NULL, 'b'), (3, 'c'), rows 10, 11, 12 of
 * "in.csv". */
static struct hf_rbuf *input(struct hf_rbuf_pool *p, bool with_null)
{
    struct hf_rbuf *r = hf_rbuf_get(p, 0);
    assert_non_null(r);
    r->b->src_name = "in.csv";
    static const char *const names[] = {"a", "b", "c"};
    for (int i = 0; i < 3; i++) {
        struct hf_value *row = hf_batch_add_row(r->b, HF_ROW_INSERT, 10 + i);
        row[0].null = with_null && i == 1;
        row[0].v.i = i + 1;
        assert_int_equal(hf_value_set_str(r->b, &row[1], names[i], 1), 0);
    }
    return r;
}

struct rig {
    struct hf_job *job;
    struct hf_rbuf_pool *in_pool, *out_pool;
    void *state;
    struct sinkbox box;
};

static void rig_open(struct rig *g, const char *insert, const char *set)
{
    memset(g, 0, sizeof *g);
    g->job = plan(insert, set);
    const struct hf_node *n = calc_node(g->job);
    g->in_pool = hf_rbuf_pool_new(2, 4, 2);
    g->out_pool = hf_rbuf_pool_new(n->schema->ncols, 4, 2);
    struct hf_op_env env = {.node = n,
                            .drop_null_violations = set && strstr(set, "DROP"),
                            .pool = g->out_pool};
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(hf_op_calc.open(&env, &g->state, &err), 0);
    g->box.out.emit = collect;
}

static int rig_push(struct rig *g, bool with_null, struct hf_error *err)
{
    struct hf_rbuf *in = input(g->in_pool, with_null);
    hf_error_clear(err);
    int rc = hf_op_calc.process(g->state, 0, in, &g->box.out, err);
    hf_rbuf_release(in);
    return rc;
}

static void rig_close(struct rig *g)
{
    drain(&g->box);
    hf_op_calc.close(g->state);
    /* Every batch went home: both pools are full again. */
    for (int i = 0; i < 2; i++) {
        assert_non_null(hf_rbuf_get(g->in_pool, 0));
        assert_non_null(hf_rbuf_get(g->out_pool, 0));
    }
    hf_rbuf_pool_destroy(g->in_pool);
    hf_rbuf_pool_destroy(g->out_pool);
    hf_job_free(g->job);
}

static void test_calc_identity(void **state)
{
    (void)state;
    struct rig g;
    rig_open(&g, "INSERT INTO k SELECT * FROM s;", NULL);
    struct hf_error err;
    assert_int_equal(rig_push(&g, false, &err), 0);
    assert_int_equal(g.box.n, 1);
    /* The input batch itself. */
    assert_int_equal(g.box.got[0]->b->nrows, 3);
    assert_ptr_equal(g.box.got[0]->home, g.in_pool);
    assert_null(g.box.got[0]->parent);
    assert_string_equal(g.box.got[0]->b->src_name, "in.csv");
    rig_close(&g);
}

static void test_calc_not_null(void **state)
{
    (void)state;
    struct rig g;
    struct hf_error err;
    /* ERROR: on the identity path. */
    rig_open(&g, "INSERT INTO k SELECT * FROM s;", NULL);
    assert_int_equal(rig_push(&g, true, &err), -1);
    assert_int_equal(err.code, HF_ERR_DATA);
    assert_string_equal(err.msg,
                        "column 'id' of table 'k' is NOT NULL but the query "
                        "produced NULL (from in.csv:11); set "
                        "'table.exec.sink.not-null-enforcer' = 'DROP' to "
                        "drop such rows");
    assert_int_equal(g.box.n, 0);
    rig_close(&g);
    /* DROP: the row goes, the others are copied out, borrowing the
     * input's strings. */
    rig_open(&g, "INSERT INTO k SELECT * FROM s;",
             "table.exec.sink.not-null-enforcer=DROP");
    assert_int_equal(rig_push(&g, true, &err), 0);
    assert_int_equal(g.box.n, 1);
    const struct hf_batch *b = g.box.got[0]->b;
    assert_int_equal(b->nrows, 2);
    assert_int_equal(b->origin[0], 10);
    assert_int_equal(b->origin[1], 12);
    assert_int_equal(hf_batch_row(b, 1)[0].v.i, 3);
    assert_memory_equal(hf_batch_row(b, 1)[1].v.s.ptr, "c", 1);
    assert_non_null(g.box.got[0]->parent);
    rig_close(&g);
}

static void test_calc_projection_and_filter(void **state)
{
    (void)state;
    struct rig g;
    struct hf_error err;
    rig_open(&g, "INSERT INTO k2 SELECT name, id * 10 FROM s WHERE id <> 1;",
             NULL);
    assert_int_equal(rig_push(&g, false, &err), 0);
    assert_int_equal(g.box.n, 1);
    const struct hf_batch *b = g.box.got[0]->b;
    assert_int_equal(b->ncols, 2);
    assert_int_equal(b->nrows, 2);
    assert_memory_equal(hf_batch_row(b, 0)[0].v.s.ptr, "b", 1);
    assert_int_equal(hf_batch_row(b, 0)[1].v.i, 20);
    assert_int_equal(hf_batch_row(b, 1)[1].v.i, 30);
    assert_non_null(g.box.got[0]->parent); /* 'name' is borrowed */
    drain(&g.box);
    rig_close(&g);
    /* No row passes: nothing is emitted. */
    rig_open(&g, "INSERT INTO k2 SELECT name, id FROM s WHERE id > 5;", NULL);
    assert_int_equal(rig_push(&g, false, &err), 0);
    assert_int_equal(g.box.n, 0);
    rig_close(&g);
}

static void test_union_passes_batches(void **state)
{
    (void)state;
    struct hf_rbuf_pool *p = hf_rbuf_pool_new(2, 4, 2);
    struct sinkbox box = {.out.emit = collect};
    struct hf_error err;
    hf_error_clear(&err);
    void *st = NULL;
    struct hf_op_env env = {0};
    assert_int_equal(hf_op_union.open(&env, &st, &err), 0);
    struct hf_rbuf *a = input(p, false), *b = input(p, true);
    assert_int_equal(hf_op_union.process(st, 0, a, &box.out, &err), 0);
    assert_int_equal(hf_op_union.process(st, 1, b, &box.out, &err), 0);
    assert_int_equal(box.n, 2);
    assert_ptr_equal(box.got[0], a);
    assert_ptr_equal(box.got[1], b);
    hf_rbuf_release(a);
    hf_rbuf_release(b);
    drain(&box);
    hf_op_union.close(st);
    assert_non_null(hf_rbuf_get(p, 0));
    assert_non_null(hf_rbuf_get(p, 0));
    hf_rbuf_pool_destroy(p);
}

/* A node of `op` over rows (id BIGINT, name STRING). */
static struct hf_node two_cols_node(const struct hf_op_class *op, void *spec,
                                    struct hf_schema *s, struct hf_column *cols)
{
    memset(cols, 0, 2 * sizeof *cols);
    cols[0].name = "id";
    cols[0].type = hf_type_make(HF_BIGINT);
    cols[1].name = "name";
    cols[1].type = hf_type_make(HF_VARCHAR);
    memset(s, 0, sizeof *s);
    s->cols = cols;
    s->ncols = 2;
    struct hf_node n = {
        .kind = HF_NODE_OP, .op = op, .spec = spec, .schema = s};
    return n;
}

static void test_distinct(void **state)
{
    (void)state;
    struct hf_schema sc;
    struct hf_column cols[2];
    struct hf_node n = two_cols_node(&hf_op_distinct, NULL, &sc, cols);
    struct hf_rbuf_pool *in = hf_rbuf_pool_new(2, 4, 2);
    struct hf_rbuf_pool *out = hf_rbuf_pool_new(2, 4, 2);
    struct hf_op_env env = {.node = &n, .batch_mode = true, .pool = out};
    struct sinkbox box = {.out.emit = collect};
    struct hf_error err;
    hf_error_clear(&err);
    void *st = NULL;
    assert_int_equal(hf_op_distinct.open(&env, &st, &err), 0);
    struct hf_rbuf *a = input(in, true); /* (1, a), (NULL, b), (3, c) */
    assert_int_equal(hf_op_distinct.process(st, 0, a, &box.out, &err), 0);
    hf_rbuf_release(a);
    assert_int_equal(box.n, 1);
    const struct hf_batch *o = box.got[0]->b;
    assert_int_equal(o->nrows, 3);
    assert_true(hf_batch_row(o, 1)[0].null);
    assert_int_equal(o->origin[2], 12);
    drain(&box);
    /* The same rows again: nothing; a new one among them: only it. */
    a = input(in, true);
    assert_int_equal(hf_op_distinct.process(st, 0, a, &box.out, &err), 0);
    hf_rbuf_release(a);
    assert_int_equal(box.n, 0);
    a = input(in, false); /* (2, b) is new, (1, a) and (3, c) are not */
    assert_int_equal(hf_op_distinct.process(st, 0, a, &box.out, &err), 0);
    hf_rbuf_release(a);
    assert_int_equal(box.n, 1);
    o = box.got[0]->b;
    assert_int_equal(o->nrows, 1);
    assert_int_equal(hf_batch_row(o, 0)[0].v.i, 2);
    assert_int_equal(hf_batch_row(o, 0)[1].v.s.len, 1);
    assert_memory_equal(hf_batch_row(o, 0)[1].v.s.ptr, "b", 1);
    drain(&box);
    hf_op_distinct.close(st);
    for (int i = 0; i < 2; i++) {
        assert_non_null(hf_rbuf_get(in, 0));
        assert_non_null(hf_rbuf_get(out, 0));
    }
    hf_rbuf_pool_destroy(in);
    hf_rbuf_pool_destroy(out);
}

static void test_limit(void **state)
{
    (void)state;
    struct hf_limit_spec spec = {.offset = 1, .limit = 3};
    struct hf_schema sc;
    struct hf_column cols[2];
    struct hf_node n = two_cols_node(&hf_op_limit, &spec, &sc, cols);
    struct hf_rbuf_pool *in = hf_rbuf_pool_new(2, 4, 2);
    struct hf_rbuf_pool *out = hf_rbuf_pool_new(2, 4, 2);
    struct hf_op_env env = {.node = &n, .batch_mode = true, .pool = out};
    struct sinkbox box = {.out.emit = collect};
    struct hf_error err;
    hf_error_clear(&err);
    void *st = NULL;
    assert_int_equal(hf_op_limit.open(&env, &st, &err), 0);
    /* Rows 1-3: the first is skipped, 2 and 3 pass (a copy). */
    struct hf_rbuf *a = input(in, false);
    assert_int_equal(hf_op_limit.process(st, 0, a, &box.out, &err), 0);
    assert_int_equal(box.n, 1);
    assert_ptr_not_equal(box.got[0], a);
    assert_ptr_equal(box.got[0]->parent, a);
    assert_int_equal(box.got[0]->b->nrows, 2);
    assert_int_equal(hf_batch_row(box.got[0]->b, 0)[0].v.i, 2);
    assert_int_equal(box.got[0]->b->origin[1], 12);
    hf_rbuf_release(a);
    drain(&box);
    /* Rows 4-6: only 4 is left of the limit; rows 7-9: none. */
    a = input(in, false);
    assert_int_equal(hf_op_limit.process(st, 0, a, &box.out, &err), 0);
    hf_rbuf_release(a);
    assert_int_equal(box.n, 1);
    assert_int_equal(box.got[0]->b->nrows, 1);
    assert_int_equal(hf_batch_row(box.got[0]->b, 0)[0].v.i, 1);
    drain(&box);
    a = input(in, false);
    assert_int_equal(hf_op_limit.process(st, 0, a, &box.out, &err), 0);
    hf_rbuf_release(a);
    assert_int_equal(box.n, 0);
    hf_op_limit.close(st);
    /* A batch wholly inside the window passes as it is. */
    struct hf_limit_spec all = {.offset = 0, .limit = 10};
    n.spec = &all;
    assert_int_equal(hf_op_limit.open(&env, &st, &err), 0);
    a = input(in, false);
    assert_int_equal(hf_op_limit.process(st, 0, a, &box.out, &err), 0);
    assert_int_equal(box.n, 1);
    assert_ptr_equal(box.got[0], a);
    hf_rbuf_release(a);
    drain(&box);
    hf_op_limit.close(st);
    for (int i = 0; i < 2; i++) {
        assert_non_null(hf_rbuf_get(in, 0));
        assert_non_null(hf_rbuf_get(out, 0));
    }
    hf_rbuf_pool_destroy(in);
    hf_rbuf_pool_destroy(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calc_identity),
        cmocka_unit_test(test_calc_not_null),
        cmocka_unit_test(test_calc_projection_and_filter),
        cmocka_unit_test(test_union_passes_batches),
        cmocka_unit_test(test_distinct),
        cmocka_unit_test(test_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
