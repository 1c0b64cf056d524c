/*
 * test_group_agg.c - the group aggregate operator (ops/group_agg.c) on
 * its own, driven as the runtime drives it: exact changelogs of
 * flink-stateful-sql.md §1 for `SELECT k, SUM(v), MAX(v) ... GROUP BY k`
 * over a retracting input with and without -U (a retract and an upsert
 * consumer), with TTL on (unchanged results are emitted), with mini-batch
 * (one change per key per bundle, leading retractions dropped, flushed by
 * size and by snapshot), in batch mode (final +I rows), and across a
 * checkpoint and a restart (the accumulators read back from state).
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

#include "core/strbuf.h"
#include "ops/group_agg.h"
#include "state/state.h"

struct box {
    struct hf_op_out out;
    struct hf_strbuf text; /* "+I[a, 5, 5]\n" per row */
};

static int collect(struct hf_op_out *out, struct hf_rbuf *rows,
                   struct hf_error *err)
{
    (void)err;
    struct box *b = (struct box *)out;
    const struct hf_batch *x = rows->b;
    for (uint32_t i = 0; i < x->nrows; i++) {
        const struct hf_value *r = hf_batch_row(x, i);
        hf_strbuf_printf(&b->text, "%s[",
                         hf_rowkind_short((enum hf_rowkind)x->kinds[i]));
        hf_strbuf_printf(&b->text, "%.*s", (int)r[0].v.s.len, r[0].v.s.ptr);
        for (uint32_t c = 1; c < x->ncols; c++) {
            if (r[c].null)
                hf_strbuf_puts(&b->text, ", null");
            else
                hf_strbuf_printf(&b->text, ", %lld", (long long)r[c].v.i);
        }
        hf_strbuf_puts(&b->text, "]\n");
    }
    return 0;
}

struct rig {
    struct hf_schema in, outs;
    struct hf_column incols[2], outcols[3];
    struct hf_group_agg_spec spec;
    struct hf_agg_call calls[2];
    uint32_t keys[1];
    struct hf_node node;
    struct hf_rbuf_pool *in_pool, *out_pool;
    struct box box;
    void *state;
    /* an external backend (open_state), or NULL for the operator's own */
    struct hf_state_backend *be;
    struct hf_state *st;
};

static int rig_open_state(const struct hf_op_env *env, const char *name,
                          struct hf_state **out, struct hf_error *err)
{
    struct rig *g = env->rt;
    int rc = hf_state_open(g->be, env->uid, name, 0, 127, out, err);
    if (rc == 0)
        g->st = *out;
    return rc;
}

/* SUM(v), MAX(v) grouped by k, over a retracting input. */
static void rig_init(struct rig *g, bool batch, bool ub, int64_t ttl,
                     int64_t mb_size, struct hf_state_backend *be)
{
    memset(g, 0, sizeof *g);
    g->incols[0].name = "k";
    g->incols[0].type = hf_type_make(HF_VARCHAR);
    g->incols[1].name = "v";
    g->incols[1].type = hf_type_make(HF_INT);
    g->in.cols = g->incols;
    g->in.ncols = 2;
    char why[100];
    assert_int_equal(hf_aggfn_init(&g->calls[0].fn, HF_AGG_SUM,
                                   &g->incols[1].type, false, true, why,
                                   sizeof why),
                     0);
    assert_int_equal(hf_aggfn_init(&g->calls[1].fn, HF_AGG_MAX,
                                   &g->incols[1].type, false, true, why,
                                   sizeof why),
                     0);
    for (int i = 0; i < 2; i++) {
        g->calls[i].arg = 1;
        g->calls[i].filter = -1;
    }
    g->outcols[0] = g->incols[0];
    g->outcols[1].name = "s";
    g->outcols[1].type = g->calls[0].fn.result;
    g->outcols[2].name = "m";
    g->outcols[2].type = g->calls[1].fn.result;
    g->outs.cols = g->outcols;
    g->outs.ncols = 3;
    g->spec.in = &g->in;
    g->spec.keys = g->keys;
    g->spec.nkeys = 1;
    g->spec.aggs = g->calls;
    g->spec.naggs = 2;
    g->spec.retract_input = true;
    g->spec.update_before = ub;
    g->spec.ttl_ms = ttl;
    g->spec.minibatch = mb_size > 0;
    g->spec.mb_size = mb_size;
    g->spec.mb_latency_ms = 3600 * 1000;
    g->node.kind = HF_NODE_OP;
    g->node.op = &hf_op_group_agg;
    g->node.spec = &g->spec;
    g->node.schema = &g->outs;
    g->in_pool = hf_rbuf_pool_new(2, 16, 2);
    g->out_pool = hf_rbuf_pool_new(3, 4, 4);
    g->box.out.emit = collect;
    hf_strbuf_init(&g->box.text, 1 << 20);
    g->be = be;
    struct hf_op_env env = {.node = &g->node,
                            .uid = "n2-group-aggregate",
                            .batch_mode = batch,
                            .pool = g->out_pool,
                            .open_state = be ? rig_open_state : NULL,
                            .rt = g};
    struct hf_error err;
    hf_error_clear(&err);
    if (hf_op_group_agg.open(&env, &g->state, &err) != 0)
        fail_msg("%s", err.msg);
}

/* Push "+I a 5; -D a 7; ..." as one batch. */
static void push(struct rig *g, const char *rows)
{
    struct hf_rbuf *r = hf_rbuf_get(g->in_pool, 0);
    assert_non_null(r);
    const char *p = rows;
    char kind[3], key[16];
    int v, n;
    while (sscanf(p, " %2s %15s %d%n", kind, key, &v, &n) == 3) {
        p += n;
        if (*p == ';')
            p++;
        enum hf_rowkind k = kind[0] == '+'   ? kind[1] == 'I' ? HF_ROW_INSERT
                                                              : HF_ROW_UPDATE_AFTER
                            : kind[1] == 'U' ? HF_ROW_UPDATE_BEFORE
                                             : HF_ROW_DELETE;
        struct hf_value *row = hf_batch_add_row(r->b, k, -1);
        assert_non_null(row);
        assert_int_equal(hf_value_set_str(r->b, &row[0], key, strlen(key)), 0);
        row[1].null = false;
        row[1].v.i = v;
    }
    struct hf_error err;
    hf_error_clear(&err);
    if (hf_op_group_agg.process(g->state, 0, r, &g->box.out, &err) != 0)
        fail_msg("%s", err.msg);
    hf_rbuf_release(r);
}

/* What was emitted since the last call. */
static void expect(struct rig *g, const char *want)
{
    const char *got = g->box.text.data ? g->box.text.data : "";
    if (strcmp(got, want) != 0)
        fprintf(stderr, "got:\n%s\nwant:\n%s\n", got, want);
    assert_string_equal(got, want);
    hf_strbuf_reset(&g->box.text);
}

static void rig_close(struct rig *g)
{
    hf_op_group_agg.close(g->state);
    if (g->st)
        hf_state_close(g->st);
    hf_rbuf_pool_destroy(g->in_pool);
    hf_rbuf_pool_destroy(g->out_pool);
    hf_strbuf_free(&g->box.text);
}

static void end(struct rig *g)
{
    struct hf_error err;
    hf_error_clear(&err);
    if (hf_op_group_agg.end_input(g->state, 0, &g->box.out, &err) != 0)
        fail_msg("%s", err.msg);
}

static void test_example_c(void **state)
{
    (void)state;
    struct rig g;
    rig_init(&g, false, true, 0, 0, NULL);
    push(&g, "+I a 5");
    expect(&g, "+I[a, 5, 5]\n");
    push(&g, "+I a 7");
    expect(&g, "-U[a, 5, 5]\n+U[a, 12, 7]\n");
    push(&g, "-D a 7");
    expect(&g, "-U[a, 12, 7]\n+U[a, 5, 5]\n");
    push(&g, "-D a 5");
    expect(&g, "-D[a, 5, 5]\n");
    push(&g, "-D a 9");
    expect(&g, "");
    /* the key starts again from nothing */
    push(&g, "+U a 1; -U b 3; +I b 2");
    expect(&g, "+I[a, 1, 1]\n+I[b, 2, 2]\n");
    /* a retraction of a value never added: SUM goes on, MAX ignores it */
    push(&g, "+I a 2; -U a 4");
    expect(&g, "-U[a, 1, 1]\n+U[a, 3, 2]\n-U[a, 3, 2]\n+U[a, -1, 2]\n");
    rig_close(&g);
}

static void test_upsert_consumer(void **state)
{
    (void)state;
    struct rig g;
    rig_init(&g, false, false, 0, 0, NULL);
    push(&g, "+I a 5; +I a 7; +I a 3; -D a 3; -D a 7; -D a 5");
    expect(&g, "+I[a, 5, 5]\n+U[a, 12, 7]\n+U[a, 15, 7]\n+U[a, 12, 7]\n"
               "+U[a, 5, 5]\n-D[a, 5, 5]\n");
    rig_close(&g);
}

static void test_ttl_emits_unchanged(void **state)
{
    (void)state;
    struct rig g;
    rig_init(&g, false, true, 3600 * 1000, 0, NULL);
    push(&g, "+I a 5; +I a 0");
    expect(&g, "+I[a, 5, 5]\n-U[a, 5, 5]\n+U[a, 5, 5]\n");
    rig_close(&g);
    rig_init(&g, false, true, 0, 0, NULL);
    push(&g, "+I a 5; +I a 0");
    expect(&g, "+I[a, 5, 5]\n");
    rig_close(&g);
}

static void test_minibatch(void **state)
{
    (void)state;
    struct rig g;
    rig_init(&g, false, true, 0, 4, NULL);
    /* 4 rows: one bundle; a's net result +I, b's leading -D dropped */
    push(&g, "-D b 1; +I a 5; +I a 7; -D a 7");
    expect(&g, "+I[a, 5, 5]\n");
    /* unchanged net result: nothing; then the bundle is flushed by a
     * snapshot (before the barrier) */
    push(&g, "+I a 3; -D a 3; +I b 2");
    expect(&g, "");
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(hf_op_group_agg.snapshot(g.state, 1, &g.box.out, &err),
                     0);
    expect(&g, "+I[b, 2, 2]\n");
    /* a's last row goes: -D; b changes: one -U/+U pair; at the end */
    push(&g, "-D a 5; +I b 4; +I b 6");
    expect(&g, "");
    end(&g);
    expect(&g, "-D[a, 5, 5]\n-U[b, 2, 2]\n+U[b, 12, 6]\n");
    rig_close(&g);
}

static void test_batch_mode(void **state)
{
    (void)state;
    struct rig g;
    rig_init(&g, true, true, 0, 0, NULL);
    push(&g, "+I a 5; +I a 7; +I b 1; -D b 1");
    expect(&g, "");
    end(&g);
    expect(&g, "+I[a, 12, 7]\n");
    rig_close(&g);
}

static void test_restart_from_checkpoint(void **state)
{
    (void)state;
    char dir[] = "/tmp/hf-gagg-XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct hf_state_config cfg = {.type = HF_STATE_HASHMAP,
                                  .checkpoints_dir = dir,
                                  .num_retained = 1,
                                  .max_parallelism = 128};
    struct hf_error err;
    hf_error_clear(&err);
    struct hf_state_backend *be;
    assert_int_equal(hf_state_backend_open(&cfg, &be, &err), 0);
    struct rig g;
    rig_init(&g, false, true, 0, 0, be);
    push(&g, "+I a 5; +I a 7; +I b 1");
    expect(&g, "+I[a, 5, 5]\n-U[a, 5, 5]\n+U[a, 12, 7]\n+I[b, 1, 1]\n");
    assert_int_equal(hf_op_group_agg.snapshot(g.state, 1, &g.box.out, &err),
                     0);
    assert_int_equal(hf_state_snapshot(g.st, 1, &err), 0);
    assert_int_equal(hf_state_backend_complete(be, 1, NULL, 0, &err), 0);
    push(&g, "+I a 100"); /* after the checkpoint: lost at the restart */
    expect(&g, "-U[a, 12, 7]\n+U[a, 112, 100]\n");
    rig_close(&g);
    hf_state_backend_close(be);

    assert_int_equal(hf_state_backend_open(&cfg, &be, &err), 0);
    assert_int_equal(hf_state_backend_restored_id(be), 1);
    rig_init(&g, false, true, 0, 0, be);
    push(&g, "-D a 7; +I b 1");
    expect(&g, "-U[a, 12, 7]\n+U[a, 5, 5]\n-U[b, 1, 1]\n+U[b, 2, 1]\n");
    rig_close(&g);
    hf_state_backend_close(be);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example_c),
        cmocka_unit_test(test_upsert_consumer),
        cmocka_unit_test(test_ttl_emits_unchanged),
        cmocka_unit_test(test_minibatch),
        cmocka_unit_test(test_batch_mode),
        cmocka_unit_test(test_restart_from_checkpoint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
