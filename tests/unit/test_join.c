/*
 * test_join.c - the regular join operator (ops/join.c) on its own, planned
 * from SQL and driven as the runtime drives it: rows pushed on the left
 * (0) or right (1) input one at a time, and the exact changelog it emits
 * compared with Flink's StreamingJoinOperator traces
 * (flink-stateful-sql.md §4.1): LEFT, RIGHT, FULL and INNER joins with
 * retractions (-D, -U/+U), a residual condition that leaves a key match
 * unmatched, NULL keys that never match, multiplicities, and batch
 * mode, where only the final rows are emitted and outer rows are padded
 * at the end; and the state restored from a checkpoint (a match retracted
 * after the restart brings the padded row back).
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

#include "core/valueconv.h"
#include "ops/join.h"
#include "ops/op.h"
#include "sql/planner.h"
#include "state/state.h"

struct rig {
    struct hf_op_out out;
    /* With a backend of the test's (checkpoints): the states opened. */
    struct hf_state_backend *be;
    struct hf_state *st[2];
    int nst;
    struct hf_job *job;
    const struct hf_node *join;
    struct hf_rbuf_pool *in_pool[2], *out_pool;
    void *state;
    struct hf_strbuf got; /* "+I[1, a, null, null]\n"... */
};

static int collect(struct hf_op_out *out, struct hf_rbuf *rows,
                   struct hf_error *err)
{
    (void)err;
    struct rig *g = (struct rig *)out;
    const struct hf_batch *b = rows->b;
    for (uint32_t i = 0; i < b->nrows; i++) {
        const struct hf_value *row = hf_batch_row(b, i);
        hf_strbuf_printf(&g->got, "%s[",
                         hf_rowkind_short((enum hf_rowkind)b->kinds[i]));
        for (uint32_t c = 0; c < b->ncols; c++) {
            if (c)
                hf_strbuf_puts(&g->got, ", ");
            if (row[c].null)
                hf_strbuf_puts(&g->got, "null");
            else
                hf_value_to_text(&g->join->schema->cols[c].type, &row[c],
                                 &g->got);
        }
        hf_strbuf_puts(&g->got, "]\n");
    }
    return 0;
}

static int open_state(const struct hf_op_env *env, const char *name,
                      struct hf_state **out, struct hf_error *err)
{
    struct rig *g = env->rt;
    if (hf_state_open(g->be, env->uid, name, 0, 127, out, err) != 0)
        return -1;
    g->st[g->nst++] = *out;
    return 0;
}

static void rig_open_be(struct rig *g, const char *select, const char *set,
                        struct hf_state_backend *be)
{
    memset(g, 0, sizeof *g);
    g->be = be;
    char sql[2048];
    snprintf(sql, sizeof sql,
             "CREATE TABLE o (id INT, v STRING) WITH ('connector' = "
             "'datagen', 'number-of-rows' = '1');\n"
             "CREATE TABLE p (pid INT, oid INT, amt INT) WITH "
             "('connector' = 'datagen', 'number-of-rows' = '1');\n"
             "CREATE TABLE k (a STRING) WITH ('connector' = 'print');\n"
             "INSERT INTO k SELECT CAST(o.id AS STRING) %s;\n",
             select);
    struct hf_error err;
    hf_error_clear(&err);
    const char *sets[1] = {set};
    if (hf_sql_plan_text("job.sql", sql, sets, set ? 1 : 0, &g->job, &err) != 0)
        fail_msg("%s", err.msg);
    for (uint32_t i = 0; i < g->job->graph.nnodes; i++)
        if (g->job->graph.nodes[i].op == &hf_op_join)
            g->join = &g->job->graph.nodes[i];
    assert_non_null(g->join);
    const struct hf_join_spec *s = g->join->spec;
    g->in_pool[0] = hf_rbuf_pool_new(s->nleft, 4, 2);
    g->in_pool[1] = hf_rbuf_pool_new(s->nright, 4, 2);
    g->out_pool = hf_rbuf_pool_new(g->join->schema->ncols, 2, 2);
    struct hf_op_env env = {.node = g->join,
                            .uid = "n3-join",
                            .open_state = be ? open_state : NULL,
                            .rt = g,
                            .pool = g->out_pool,
                            .batch_mode = set && strstr(set, "batch")};
    assert_int_equal(hf_op_join.open(&env, &g->state, &err), 0);
    g->out.emit = collect;
    hf_strbuf_init(&g->got, 0);
}

static void rig_open(struct rig *g, const char *select, const char *set)
{
    rig_open_be(g, select, set, NULL);
}

/* Push one row on input `side`: kind ("+I", "-U", ...) and values
 * "1,a" ("N" is NULL), typed by the input's columns. */
static void push(struct rig *g, uint32_t side, const char *kind,
                 const char *vals)
{
    const struct hf_join_spec *s = g->join->spec;
    uint32_t off = side ? s->nleft : 0, n = side ? s->nright : s->nleft;
    struct hf_rbuf *r = hf_rbuf_get(g->in_pool[side], 0);
    assert_non_null(r);
    enum hf_rowkind k =
        kind[0] == '+'
            ? (kind[1] == 'I' ? HF_ROW_INSERT : HF_ROW_UPDATE_AFTER)
            : (kind[1] == 'U' ? HF_ROW_UPDATE_BEFORE : HF_ROW_DELETE);
    struct hf_value *row = hf_batch_add_row(r->b, k, 1);
    char buf[200];
    snprintf(buf, sizeof buf, "%s", vals);
    char *save = NULL, *tok = strtok_r(buf, ",", &save);
    for (uint32_t c = 0; c < n; c++, tok = strtok_r(NULL, ",", &save)) {
        assert_non_null(tok);
        const struct hf_type *t = &g->join->schema->cols[off + c].type;
        if (strcmp(tok, "N") == 0) {
            row[c].null = true;
            continue;
        }
        struct hf_error err;
        hf_error_clear(&err);
        assert_int_equal(
            hf_value_from_text(t, tok, strlen(tok), ';', r->b, &row[c], &err),
            0);
    }
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(hf_op_join.process(g->state, side, r, &g->out, &err), 0);
    hf_rbuf_release(r);
}

/* What was emitted since the last call equals `want`. */
static void expect(struct rig *g, const char *want)
{
    const char *got = g->got.data ? g->got.data : "";
    if (strcmp(got, want) != 0)
        fail_msg("got:\n%s\nwant:\n%s", got, want);
    hf_strbuf_reset(&g->got);
}

static void end_all(struct rig *g)
{
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(hf_op_join.end_input(g->state, 0, &g->out, &err), 0);
    assert_int_equal(hf_op_join.end_input(g->state, 1, &g->out, &err), 0);
}

static void rig_close(struct rig *g)
{
    hf_op_join.close(g->state);
    for (int i = 0; i < g->nst; i++)
        hf_state_close(g->st[i]);
    for (int i = 0; i < 2; i++)
        hf_rbuf_pool_destroy(g->in_pool[i]);
    hf_rbuf_pool_destroy(g->out_pool);
    hf_strbuf_free(&g->got);
    hf_job_free(g->job);
}

/* §4.1's LEFT JOIN trace. o: (id, v); p: (pid, oid, amt). */
static void test_left(void **state)
{
    (void)state;
    struct rig g;
    rig_open(&g, "FROM o LEFT JOIN p ON o.id = p.oid", NULL);
    assert_int_equal(((struct hf_join_spec *)g.join->spec)->type,
                     HF_JOINT_LEFT);
    push(&g, 0, "+I", "1,o1");
    expect(&g, "+I[1, o1, null, null, null]\n");
    push(&g, 1, "+I", "10,1,5");
    expect(&g, "-D[1, o1, null, null, null]\n+I[1, o1, 10, 1, 5]\n");
    push(&g, 1, "+I", "11,1,6");
    expect(&g, "+I[1, o1, 11, 1, 6]\n");
    push(&g, 1, "-D", "10,1,5");
    expect(&g, "-D[1, o1, 10, 1, 5]\n");
    push(&g, 1, "-U", "11,1,6");
    expect(&g, "-U[1, o1, 11, 1, 6]\n+I[1, o1, null, null, null]\n");
    push(&g, 0, "-D", "1,o1");
    expect(&g, "-D[1, o1, null, null, null]\n");
    /* A right row without a left one: nothing (the right side is inner). */
    push(&g, 1, "+I", "12,2,7");
    expect(&g, "");
    /* An update of the outer row: -D of its joined rows, +I of the new. */
    push(&g, 0, "+I", "2,a");
    expect(&g, "+I[2, a, 12, 2, 7]\n");
    push(&g, 0, "-U", "2,a");
    expect(&g, "-D[2, a, 12, 2, 7]\n");
    push(&g, 0, "+U", "2,b");
    expect(&g, "+I[2, b, 12, 2, 7]\n");
    rig_close(&g);
}

static void test_right(void **state)
{
    (void)state;
    struct rig g;
    rig_open(&g, "FROM o RIGHT JOIN p ON o.id = p.oid", NULL);
    push(&g, 1, "+I", "10,1,5");
    expect(&g, "+I[null, null, 10, 1, 5]\n");
    push(&g, 0, "+I", "1,o1");
    expect(&g, "-D[null, null, 10, 1, 5]\n+I[1, o1, 10, 1, 5]\n");
    push(&g, 0, "+I", "1,o2");
    expect(&g, "+I[1, o2, 10, 1, 5]\n");
    push(&g, 0, "-D", "1,o1");
    expect(&g, "-D[1, o1, 10, 1, 5]\n");
    push(&g, 0, "-U", "1,o2");
    expect(&g, "-U[1, o2, 10, 1, 5]\n+I[null, null, 10, 1, 5]\n");
    push(&g, 1, "-D", "10,1,5");
    expect(&g, "-D[null, null, 10, 1, 5]\n");
    rig_close(&g);
}

static void test_full(void **state)
{
    (void)state;
    struct rig g;
    rig_open(&g, "FROM o FULL OUTER JOIN p ON o.id = p.oid", NULL);
    push(&g, 0, "+I", "1,o1");
    expect(&g, "+I[1, o1, null, null, null]\n");
    push(&g, 1, "+I", "10,1,5");
    expect(&g, "-D[1, o1, null, null, null]\n+I[1, o1, 10, 1, 5]\n");
    push(&g, 0, "-D", "1,o1");
    expect(&g, "-D[1, o1, 10, 1, 5]\n+I[null, null, 10, 1, 5]\n");
    /* Both sides outer: a retraction on either side gives -D. */
    push(&g, 0, "+I", "1,o1");
    expect(&g, "-D[null, null, 10, 1, 5]\n+I[1, o1, 10, 1, 5]\n");
    push(&g, 1, "-U", "10,1,5");
    expect(&g, "-D[1, o1, 10, 1, 5]\n+I[1, o1, null, null, null]\n");
    push(&g, 1, "+U", "10,1,6");
    expect(&g, "-D[1, o1, null, null, null]\n+I[1, o1, 10, 1, 6]\n");
    rig_close(&g);
}

static void test_inner(void **state)
{
    (void)state;
    struct rig g;
    rig_open(&g, "FROM o JOIN p ON o.id = p.oid", NULL);
    push(&g, 0, "+I", "1,o1");
    expect(&g, "");
    push(&g, 1, "+I", "10,1,5");
    expect(&g, "+I[1, o1, 10, 1, 5]\n");
    push(&g, 1, "-U", "10,1,5");
    expect(&g, "-U[1, o1, 10, 1, 5]\n");
    push(&g, 1, "+U", "10,1,6");
    expect(&g, "+U[1, o1, 10, 1, 6]\n");
    /* Multiplicity: the same left row twice joins twice. */
    push(&g, 0, "+I", "1,o1");
    expect(&g, "+I[1, o1, 10, 1, 6]\n");
    push(&g, 1, "-D", "10,1,6");
    expect(&g, "-D[1, o1, 10, 1, 6]\n-D[1, o1, 10, 1, 6]\n");
    /* A NULL key never matches. */
    push(&g, 0, "+I", "N,x");
    push(&g, 1, "+I", "11,N,1");
    expect(&g, "");
    rig_close(&g);
}

/* The residual condition stays in an outer join: a key match it rejects
 * leaves the row padded. */
static void test_residual(void **state)
{
    (void)state;
    struct rig g;
    rig_open(&g,
             "FROM o LEFT JOIN p ON o.id = p.oid AND p.amt > 5 AND "
             "o.v <> 'no'",
             NULL);
    push(&g, 0, "+I", "1,o1");
    expect(&g, "+I[1, o1, null, null, null]\n");
    push(&g, 1, "+I", "10,1,5");
    expect(&g, "");
    push(&g, 1, "+I", "11,1,6");
    expect(&g, "-D[1, o1, null, null, null]\n+I[1, o1, 11, 1, 6]\n");
    push(&g, 0, "+I", "1,no");
    expect(&g, "+I[1, no, null, null, null]\n");
    /* A NULL key on the outer side is padded, never matched. */
    push(&g, 0, "+I", "N,z");
    expect(&g, "+I[null, z, null, null, null]\n");
    push(&g, 0, "-D", "N,z");
    expect(&g, "-D[null, z, null, null, null]\n");
    rig_close(&g);
}

/* Batch mode: joined rows as found, the unmatched outer rows at the end. */
static void test_batch_left(void **state)
{
    (void)state;
    struct rig g;
    rig_open(&g, "FROM o LEFT JOIN p ON o.id = p.oid",
             "execution.runtime-mode=batch");
    push(&g, 0, "+I", "1,o1");
    push(&g, 0, "+I", "2,o2");
    push(&g, 1, "+I", "10,1,5");
    expect(&g, "+I[1, o1, 10, 1, 5]\n");
    end_all(&g);
    expect(&g, "+I[2, o2, null, null, null]\n");
    rig_close(&g);
}

/* The join's state is in checkpoints: a job restored from one goes on
 * where the state was (the padded row comes back when its match goes). */
static void test_restore(void **state)
{
    (void)state;
    char dir[] = "/tmp/hf-join-XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct hf_state_config c = {.type = HF_STATE_HASHMAP,
                                .checkpoints_dir = dir,
                                .num_retained = 1,
                                .max_parallelism = 128};
    struct hf_error err;
    hf_error_clear(&err);
    struct hf_state_backend *be;
    assert_int_equal(hf_state_backend_open(&c, &be, &err), 0);
    struct rig g;
    rig_open_be(&g, "FROM o LEFT JOIN p ON o.id = p.oid", NULL, be);
    push(&g, 0, "+I", "1,o1");
    push(&g, 1, "+I", "10,1,5");
    push(&g, 1, "+I", "11,1,6");
    expect(&g, "+I[1, o1, null, null, null]\n-D[1, o1, null, null, null]\n"
               "+I[1, o1, 10, 1, 5]\n+I[1, o1, 11, 1, 6]\n");
    for (int i = 0; i < g.nst; i++)
        assert_int_equal(hf_state_snapshot(g.st[i], 1, &err), 0);
    assert_int_equal(hf_state_backend_complete(be, 1, NULL, 0, &err), 0);
    /* After the checkpoint: lost with the crash. */
    push(&g, 1, "-D", "10,1,5");
    expect(&g, "-D[1, o1, 10, 1, 5]\n");
    rig_close(&g);
    hf_state_backend_close(be);

    assert_int_equal(hf_state_backend_open(&c, &be, &err), 0);
    assert_int_equal(hf_state_backend_restored_id(be), 1);
    rig_open_be(&g, "FROM o LEFT JOIN p ON o.id = p.oid", NULL, be);
    push(&g, 1, "-D", "10,1,5");
    expect(&g, "-D[1, o1, 10, 1, 5]\n");
    push(&g, 1, "-D", "11,1,6");
    expect(&g, "-D[1, o1, 11, 1, 6]\n+I[1, o1, null, null, null]\n");
    push(&g, 0, "-D", "1,o1");
    expect(&g, "-D[1, o1, null, null, null]\n");
    rig_close(&g);
    hf_state_backend_close(be);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_left),     cmocka_unit_test(test_right),
        cmocka_unit_test(test_full),     cmocka_unit_test(test_inner),
        cmocka_unit_test(test_residual), cmocka_unit_test(test_batch_left),
        cmocka_unit_test(test_restore),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
