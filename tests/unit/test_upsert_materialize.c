/*
 * test_upsert_materialize.c - the SinkUpsertMaterializer
 * (ops/upsert_materialize.c) over a key's changes in the orders two join
 * instances can deliver them: a row is written +I when it is the key's
 * only one and +U otherwise; retracting an older row writes nothing,
 * retracting the newest writes the one before it as +U, retracting the
 * last writes -D; a retraction of a row not held is dropped. So a +U of a
 * key's new row arriving before the -U of its old row leaves the new row
 * written, as the in-order pair does. With the input's upsert key known
 * (an aggregate's GROUP BY column, the sink keyed on another column) rows
 * match on it and an add replaces the matching row in place; into a sink
 * that upserts in place a row's -U/+U in one batch is one +U. Its state
 * survives a checkpoint and routes by the primary key.
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

#include "core/rowcodec.h"
#include "ops/upsert_materialize.h"
#include "state/state.h"

struct rig {
    struct hf_op_out out; /* first: collect() finds the rig from it */
    struct hf_column cols[2];
    struct hf_schema schema;
    uint32_t pk[1], ukey[1];
    struct hf_upsert_mat_spec spec;
    struct hf_node node;
    struct hf_state_backend *be;
    struct hf_state *st;
    struct hf_rbuf_pool *in_pool, *out_pool;
    void *state;
    char got[4096];
};

static int rig_open_state(const struct hf_op_env *env, const char *name,
                          struct hf_state **out, struct hf_error *err)
{
    struct rig *g = env->rt;
    int rc = hf_state_open(g->be, env->uid, name, 0, 127, out, err);
    g->st = *out;
    return rc;
}

static int collect(struct hf_op_out *out, struct hf_rbuf *rows,
                   struct hf_error *err)
{
    (void)err;
    struct rig *g = (struct rig *)out;
    const struct hf_batch *b = rows->b;
    for (uint32_t i = 0; i < b->nrows; i++) {
        const struct hf_value *v = hf_batch_row(b, i);
        char one[64];
        snprintf(one, sizeof one, "%s[%lld, %lld] ",
                 hf_rowkind_short((enum hf_rowkind)b->kinds[i]),
                 (long long)v[0].v.i, (long long)v[1].v.i);
        strncat(g->got, one, sizeof g->got - strlen(g->got) - 1);
    }
    return 0;
}

/* pkcol: the sink key's column; ukcol: the upsert key's, or -1 (none). */
static void rig_open_keys(struct rig *g, uint32_t pkcol, int ukcol)
{
    memset(g, 0, sizeof *g);
    g->cols[0].name = "id";
    g->cols[0].type = hf_type_make(HF_BIGINT);
    g->cols[1].name = "v";
    g->cols[1].type = hf_type_make(HF_BIGINT);
    g->schema.ncols = 2;
    g->schema.cols = g->cols;
    g->spec.in = &g->schema;
    g->pk[0] = pkcol;
    g->spec.pk = g->pk;
    g->spec.npk = 1;
    if (ukcol >= 0) {
        g->ukey[0] = (uint32_t)ukcol;
        g->spec.ukey = g->ukey;
        g->spec.nukey = 1;
    }
    g->node.kind = HF_NODE_OP;
    g->node.op = &hf_op_upsert_materialize;
    g->node.spec = &g->spec;
    g->node.schema = &g->schema;
    struct hf_error err;
    hf_error_clear(&err);
    struct hf_state_config c = {.type = HF_STATE_HASHMAP,
                                .num_retained = 1,
                                .max_parallelism = 128};
    assert_int_equal(hf_state_backend_open(&c, &g->be, &err), 0);
    g->in_pool = hf_rbuf_pool_new(2, 8, 2);
    g->out_pool = hf_rbuf_pool_new(2, 8, 2);
    struct hf_op_env env = {.node = &g->node,
                            .uid = "n5-upsert-materialize",
                            .max_parallelism = 128,
                            .kg_last = 127,
                            .open_state = rig_open_state,
                            .rt = g,
                            .pool = g->out_pool};
    g->out.emit = collect;
    if (g->node.op->open(&env, &g->state, &err) != 0)
        fail_msg("%s", err.msg);
}

static void rig_open(struct rig *g)
{
    rig_open_keys(g, 0, -1);
}

static void rig_close(struct rig *g)
{
    g->node.op->close(g->state);
    hf_state_close(g->st);
    hf_state_backend_close(g->be);
    hf_rbuf_pool_destroy(g->in_pool);
    hf_rbuf_pool_destroy(g->out_pool);
}

/* Feed one change; returns what was written. */
static const char *feed(struct rig *g, enum hf_rowkind k, int64_t id,
                        int64_t v)
{
    g->got[0] = 0;
    struct hf_rbuf *r = hf_rbuf_get(g->in_pool, 0);
    assert_non_null(r);
    struct hf_value *row = hf_batch_add_row(r->b, k, -1);
    row[0].null = row[1].null = false;
    row[0].v.i = id;
    row[1].v.i = v;
    struct hf_error err;
    hf_error_clear(&err);
    if (g->node.op->process(g->state, 0, r, &g->out, &err) != 0)
        fail_msg("%s", err.msg);
    hf_rbuf_release(r);
    return g->got;
}

static void test_orders(void **state)
{
    (void)state;
    struct rig g;
    rig_open(&g);
    /* in order: -U old, +U new: no upsert key, no fold: -D then +I */
    assert_string_equal(feed(&g, HF_ROW_INSERT, 1, 10), "+I[1, 10] ");
    assert_string_equal(feed(&g, HF_ROW_UPDATE_BEFORE, 1, 10), "-D[1, 10] ");
    assert_string_equal(feed(&g, HF_ROW_UPDATE_AFTER, 1, 11), "+I[1, 11] ");
    /* out of order: +U new before -U old: the new row stays written */
    assert_string_equal(feed(&g, HF_ROW_INSERT, 2, 20), "+I[2, 20] ");
    assert_string_equal(feed(&g, HF_ROW_UPDATE_AFTER, 2, 21), "+U[2, 21] ");
    assert_string_equal(feed(&g, HF_ROW_UPDATE_BEFORE, 2, 20), "");
    assert_string_equal(feed(&g, HF_ROW_DELETE, 2, 21), "-D[2, 21] ");
    /* the newest retracted: the one before it is written again */
    assert_string_equal(feed(&g, HF_ROW_INSERT, 3, 30), "+I[3, 30] ");
    assert_string_equal(feed(&g, HF_ROW_INSERT, 3, 31), "+U[3, 31] ");
    assert_string_equal(feed(&g, HF_ROW_INSERT, 3, 32), "+U[3, 32] ");
    assert_string_equal(feed(&g, HF_ROW_DELETE, 3, 32), "+U[3, 31] ");
    assert_string_equal(feed(&g, HF_ROW_DELETE, 3, 30), "");
    assert_string_equal(feed(&g, HF_ROW_DELETE, 3, 31), "-D[3, 31] ");
    /* equal rows are counted: the first equal one goes (the sink keeps
     * the same row written) */
    assert_string_equal(feed(&g, HF_ROW_INSERT, 4, 40), "+I[4, 40] ");
    assert_string_equal(feed(&g, HF_ROW_INSERT, 4, 40), "+U[4, 40] ");
    assert_string_equal(feed(&g, HF_ROW_DELETE, 4, 40), "");
    assert_string_equal(feed(&g, HF_ROW_DELETE, 4, 40), "-D[4, 40] ");
    /* a retraction of a row not held (expired state) is dropped */
    assert_string_equal(feed(&g, HF_ROW_DELETE, 5, 50), "");
    assert_string_equal(feed(&g, HF_ROW_INSERT, 6, 60), "+I[6, 60] ");
    assert_string_equal(feed(&g, HF_ROW_DELETE, 6, 61), "");
    /* only keys with live rows are in state: 1 and 6 */
    assert_int_equal(hf_state_count(g.st), 2);
    rig_close(&g);
}

/* SELECT id, COUNT(*) v ... GROUP BY id into a sink keyed on v: rows
 * (id, v) keyed by v, matched on id. */
static void test_upsert_key(void **state)
{
    (void)state;
    struct rig g;
    rig_open_keys(&g, 1, 0);
    assert_string_equal(feed(&g, HF_ROW_INSERT, 1, 1), "+I[1, 1] ");
    assert_string_equal(feed(&g, HF_ROW_INSERT, 2, 1), "+U[2, 1] ");
    /* id 1 counts 2: its -U at key 1 is an older row (nothing written),
     * its +U the first row at key 2 */
    assert_string_equal(feed(&g, HF_ROW_UPDATE_BEFORE, 1, 1), "");
    assert_string_equal(feed(&g, HF_ROW_UPDATE_AFTER, 1, 2), "+I[1, 2] ");
    /* id 2 counts 2 too: its -U removes key 1's last row (-D), its +U
     * adds to another key */
    assert_string_equal(feed(&g, HF_ROW_UPDATE_BEFORE, 2, 1), "-D[2, 1] ");
    assert_string_equal(feed(&g, HF_ROW_UPDATE_AFTER, 2, 2), "+U[2, 2] ");
    /* an add whose upsert key is held replaces that row in place: the
     * list stays [1, 2], so retracting 2 writes 1 and retracting 1 -D */
    assert_string_equal(feed(&g, HF_ROW_UPDATE_AFTER, 1, 2), "+U[1, 2] ");
    assert_string_equal(feed(&g, HF_ROW_DELETE, 2, 2), "+U[1, 2] ");
    assert_string_equal(feed(&g, HF_ROW_DELETE, 1, 2), "-D[1, 2] ");
    assert_int_equal(hf_state_count(g.st), 0);
    /* a retraction of an upsert key not held is dropped */
    assert_string_equal(feed(&g, HF_ROW_INSERT, 3, 5), "+I[3, 5] ");
    assert_string_equal(feed(&g, HF_ROW_DELETE, 4, 5), "");
    assert_int_equal(hf_state_count(g.st), 1);
    rig_close(&g);
}

/* Feed two changes as one batch; returns what was written. */
static const char *feed2(struct rig *g, enum hf_rowkind k1, int64_t id1,
                         int64_t v1, enum hf_rowkind k2, int64_t id2,
                         int64_t v2)
{
    g->got[0] = 0;
    struct hf_rbuf *r = hf_rbuf_get(g->in_pool, 0);
    assert_non_null(r);
    struct hf_value *row = hf_batch_add_row(r->b, k1, -1);
    row[0].null = row[1].null = false;
    row[0].v.i = id1;
    row[1].v.i = v1;
    row = hf_batch_add_row(r->b, k2, -1);
    row[0].null = row[1].null = false;
    row[0].v.i = id2;
    row[1].v.i = v2;
    struct hf_error err;
    hf_error_clear(&err);
    if (g->node.op->process(g->state, 0, r, &g->out, &err) != 0)
        fail_msg("%s", err.msg);
    hf_rbuf_release(r);
    return g->got;
}

/* The fold: rows (id, v) keyed by v, upsert key id. Only into a sink that
 * upserts in place (spec fold), only a -U then the +U of the same id in
 * one batch become one +U; otherwise -D then +I, as Flink. A -U that ends
 * a batch writes its -D with the batch (no old key waits). */
static void test_fold(void **state)
{
    (void)state;
    struct rig g;
    rig_open_keys(&g, 1, 0);
    g.spec.fold = true;
    assert_string_equal(feed(&g, HF_ROW_INSERT, 1, 5), "+I[1, 5] ");
    assert_string_equal(feed2(&g, HF_ROW_UPDATE_BEFORE, 1, 5,
                              HF_ROW_UPDATE_AFTER, 1, 5),
                        "+U[1, 5] ");
    /* another input row under the same sink key: not folded */
    assert_string_equal(feed2(&g, HF_ROW_UPDATE_BEFORE, 1, 5,
                              HF_ROW_UPDATE_AFTER, 2, 5),
                        "-D[1, 5] +I[2, 5] ");
    /* a -U ending the batch: its -D goes with it */
    assert_string_equal(feed(&g, HF_ROW_UPDATE_BEFORE, 2, 5), "-D[2, 5] ");
    assert_string_equal(feed(&g, HF_ROW_UPDATE_AFTER, 2, 5), "+I[2, 5] ");
    struct hf_error err;
    hf_error_clear(&err);
    g.got[0] = 0;
    assert_int_equal(g.node.op->snapshot(g.state, 1, &g.out, &err), 0);
    assert_int_equal(g.node.op->end_input(g.state, 0, &g.out, &err), 0);
    assert_string_equal(g.got, "");
    /* a -D (not -U) is written at once */
    assert_string_equal(feed(&g, HF_ROW_DELETE, 2, 5), "-D[2, 5] ");
    rig_close(&g);
    /* a sink that does not upsert in place (INSERT_OR_IGNORE...) */
    rig_open_keys(&g, 1, 0);
    assert_string_equal(feed(&g, HF_ROW_INSERT, 1, 5), "+I[1, 5] ");
    assert_string_equal(feed2(&g, HF_ROW_UPDATE_BEFORE, 1, 5,
                              HF_ROW_UPDATE_AFTER, 1, 5),
                        "-D[1, 5] +I[1, 5] ");
    rig_close(&g);
}

static void test_route_key(void **state)
{
    (void)state;
    struct rig g;
    rig_open(&g);
    /* routes by the primary key only: the same id, any v, one key */
    struct hf_value a[2] = {{.v.i = 7}, {.v.i = 1}}, b[2] = {{.v.i = 7},
                                                            {.v.i = 2}};
    struct hf_strbuf ka, kb;
    hf_strbuf_init(&ka, 0);
    hf_strbuf_init(&kb, 0);
    g.node.op->route_key(&g.node, &g.schema, 0, a, &ka);
    g.node.op->route_key(&g.node, &g.schema, 0, b, &kb);
    assert_int_equal(ka.len, kb.len);
    assert_memory_equal(ka.data, kb.data, ka.len);
    struct hf_strbuf want;
    hf_strbuf_init(&want, 0);
    hf_row_encode(&g.cols[0].type, &a[0], 1, &want);
    assert_int_equal(want.len, ka.len);
    assert_memory_equal(want.data, ka.data, ka.len);
    hf_strbuf_free(&ka);
    hf_strbuf_free(&kb);
    hf_strbuf_free(&want);
    rig_close(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_orders),
        cmocka_unit_test(test_upsert_key),
        cmocka_unit_test(test_fold),
        cmocka_unit_test(test_route_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
