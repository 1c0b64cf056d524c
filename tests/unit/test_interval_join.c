/*
 * test_interval_join.c - the interval join operator (ops/interval_join.c)
 * planned from SQL and driven as the runtime drives it: rows pushed on the
 * left (0) or right (1) input, watermarks raised in between, and the exact
 * rows it emits compared with what Flink's RowTimeIntervalJoin emits for
 * the same sequence (worked by hand from its processElement / onTimer /
 * removeExpiredRows rules): matches within the bounds, LEFT padding when
 * a row's cleanup timer fires, a late row padded at once, RIGHT padding
 * during the other side's join loop (eager expiry), FULL joins, the state
 * emptied once the watermark passes (entries counted), and the planner's
 * choice: time attributes give an interval join (bounds normalised as
 * Flink does), plain timestamps a regular join.
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
    struct hf_state_backend *be;
    struct hf_state *st[2];
    int nst;
    struct hf_job *job;
    const struct hf_node *join;
    struct hf_rbuf_pool *in_pool[2], *out_pool;
    void *state;
    struct hf_strbuf got;
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

/* Plan `INSERT INTO k SELECT ... <from>` over o (id, ts) and p (oid, pts),
 * both with a WATERMARK (unless `plain`); *node the join node. */
static struct hf_job *plan(const char *from, bool plain, const char *set,
                           const struct hf_node **node)
{
    char sql[2048];
    const char *wo = plain ? "" : ", WATERMARK FOR ts AS ts";
    const char *wp = plain ? "" : ", WATERMARK FOR pts AS pts";
    snprintf(sql, sizeof sql,
             "CREATE TABLE o (id INT, ts TIMESTAMP(3)%s) WITH ('connector' = "
             "'datagen', 'number-of-rows' = '1');\n"
             "CREATE TABLE p (oid INT, pts TIMESTAMP(3)%s) WITH "
             "('connector' = 'datagen', 'number-of-rows' = '1');\n"
             "CREATE TABLE k (a STRING) WITH ('connector' = 'print');\n"
             "INSERT INTO k SELECT CAST(o.id AS STRING) %s;\n",
             wo, wp, from);
    struct hf_error err;
    hf_error_clear(&err);
    struct hf_job *job = NULL;
    const char *sets[1] = {set};
    if (hf_sql_plan_text("job.sql", sql, sets, set ? 1 : 0, &job, &err) != 0)
        fail_msg("%s", err.msg);
    *node = NULL;
    for (uint32_t i = 0; i < job->graph.nnodes; i++)
        if (job->graph.nodes[i].op == &hf_op_join ||
            job->graph.nodes[i].op == &hf_op_interval_join)
            *node = &job->graph.nodes[i];
    assert_non_null(*node);
    return job;
}

static void rig_open_set(struct rig *g, const char *from, const char *set)
{
    memset(g, 0, sizeof *g);
    struct hf_state_config cfg = {
        .type = HF_STATE_HASHMAP, .num_retained = 1, .max_parallelism = 128};
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(hf_state_backend_open(&cfg, &g->be, &err), 0);
    g->job = plan(from, false, set, &g->join);
    assert_ptr_equal(g->join->op, &hf_op_interval_join);
    const struct hf_join_spec *s = g->join->spec;
    g->in_pool[0] = hf_rbuf_pool_new(s->nleft, 4, 2);
    g->in_pool[1] = hf_rbuf_pool_new(s->nright, 4, 2);
    g->out_pool = hf_rbuf_pool_new(g->join->schema->ncols, 2, 2);
    struct hf_op_env env = {.node = g->join,
                            .uid = "n3-interval-join",
                            .open_state = open_state,
                            .rt = g,
                            .pool = g->out_pool};
    assert_int_equal(hf_op_interval_join.open(&env, &g->state, &err), 0);
    g->out.emit = collect;
    hf_strbuf_init(&g->got, 0);
}

static void rig_open(struct rig *g, const char *from)
{
    rig_open_set(g, from, NULL);
}

/* Push (key, "2024-01-01 00:00:SS" with SS = sec) on input `side`. */
static void push(struct rig *g, uint32_t side, int key, int sec)
{
    struct hf_rbuf *r = hf_rbuf_get(g->in_pool[side], 0);
    assert_non_null(r);
    struct hf_value *row = hf_batch_add_row(r->b, HF_ROW_INSERT, 1);
    row[0].v.i = key;
    row[0].null = false;
    row[1].v.i = 1704067200000000LL + (int64_t)sec * 1000000;
    row[1].null = false;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(
        hf_op_interval_join.process(g->state, side, r, &g->out, &err), 0);
    hf_rbuf_release(r);
}

static void wm(struct rig *g, int sec)
{
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(hf_op_interval_join.watermark(
                         g->state, 1704067200000000LL + (int64_t)sec * 1000000,
                         &g->out, &err),
                     0);
}

static void expect(struct rig *g, const char *want)
{
    const char *got = g->got.data ? g->got.data : "";
    if (strcmp(got, want) != 0)
        fail_msg("got:\n%s\nwant:\n%s", got, want);
    hf_strbuf_reset(&g->got);
}

/* Keys held in the left and right states. */
static int entries(struct rig *g)
{
    int n = 0;
    for (int i = 0; i < g->nst; i++) {
        struct hf_state_iter *it;
        struct hf_error err;
        hf_error_clear(&err);
        assert_int_equal(hf_state_iter_open(g->st[i], NULL, 0, &it, &err), 0);
        const void *k, *v;
        size_t kl, vl;
        while (hf_state_iter_next(it, &k, &kl, &v, &vl, &err) > 0)
            n++;
        hf_state_iter_close(it);
    }
    return n;
}

static void rig_close(struct rig *g)
{
    hf_op_interval_join.close(g->state);
    for (int i = 0; i < g->nst; i++)
        hf_state_close(g->st[i]);
    hf_state_backend_close(g->be);
    for (int i = 0; i < 2; i++)
        hf_rbuf_pool_destroy(g->in_pool[i]);
    hf_rbuf_pool_destroy(g->out_pool);
    hf_strbuf_free(&g->got);
    hf_job_free(g->job);
}

#define TS(s) "2024-01-01 00:00:" #s ".000"

static void test_left(void **state)
{
    (void)state;
    struct rig g;
    rig_open(&g, "FROM o LEFT JOIN p ON o.id = p.oid AND p.pts BETWEEN "
                 "o.ts - INTERVAL '5' SECOND AND o.ts + INTERVAL '5' SECOND");
    const struct hf_join_spec *s = g.join->spec;
    assert_int_equal(s->time_kind, 1);
    assert_int_equal(s->lower, -5000);
    assert_int_equal(s->upper, 5000);
    push(&g, 0, 1, 10); /* cached; its timer at 15.001 */
    expect(&g, "");
    push(&g, 1, 1, 12); /* matches [7, 17]; timer at 17.001 */
    expect(&g, "+I[1, " TS(10) ", 1, " TS(12) "]\n");
    push(&g, 1, 2, 30);
    push(&g, 0, 3, 31);
    expect(&g, "");
    assert_int_equal(entries(&g), 4);
    wm(&g, 15); /* nothing before 15.001 */
    assert_int_equal(entries(&g), 4);
    wm(&g, 16); /* left key 1 expires: it matched, no padding */
    expect(&g, "");
    assert_int_equal(entries(&g), 3);
    wm(&g, 23); /* right key 1 expires */
    assert_int_equal(entries(&g), 2);
    /* Late: 13 + 5 is behind the watermark: not cached, padded at once. */
    push(&g, 0, 1, 13);
    expect(&g, "+I[1, " TS(13) ", null, null]\n");
    assert_int_equal(entries(&g), 2);
    /* 35.001 (right key 2, inner: dropped), then 36.001 (left key 3,
     * never matched: padded). */
    wm(&g, 37);
    expect(&g, "+I[3, " TS(31) ", null, null]\n");
    assert_int_equal(entries(&g), 0);
    rig_close(&g);
}

/* min-cleanup-interval delays the timers: a row may then expire in the
 * other side's join loop (Flink's eager removal), padded there. */
static void test_full_eager(void **state)
{
    (void)state;
    struct rig g;
    rig_open_set(&g,
                 "FROM o FULL JOIN p ON o.id = p.oid AND o.ts >= p.pts - "
                 "INTERVAL '5' SECOND AND o.ts < p.pts + INTERVAL '5' "
                 "SECOND",
                 "table.exec.interval-join.min-cleanup-interval=5 s");
    const struct hf_join_spec *s = g.join->spec;
    /* l - r >= -5 s, l - r < 5 s: [-5000, 4999] ms, as Flink. */
    assert_int_equal(s->lower, -5000);
    assert_int_equal(s->upper, 4999);
    assert_int_equal(s->min_clean, 5000);
    push(&g, 1, 5, 50); /* right timer at 50 + 4.999 + 5 + 0.001 */
    wm(&g, 56);         /* before it: nothing */
    expect(&g, "");
    /* Left 60 meets right [55, 64.999]; right 50 is at or before its
     * expiration (56 - 4.999 - 0.001): padded and removed in the loop. */
    push(&g, 0, 5, 60);
    expect(&g, "+I[null, null, 5, " TS(50) "]\n");
    push(&g, 1, 5, 58);
    expect(&g, "+I[5, 2024-01-01 00:01:00.000, 5, " TS(58) "]\n");
    push(&g, 1, 6, 57);
    expect(&g, "");
    /* The end of input: every timer fires, unmatched rows padded. */
    wm(&g, 59 + 60);
    expect(&g, "+I[null, null, 6, " TS(57) "]\n");
    assert_int_equal(entries(&g), 0);
    rig_close(&g);
}

/* RIGHT, §4.2's bounds (o.ts BETWEEN p.pts - 10 s AND p.pts): a right
 * row that never matched is padded once the watermark passes its time +
 * 0 + 1 ms; a left row never is. */
static void test_right(void **state)
{
    (void)state;
    struct rig g;
    rig_open(&g, "FROM o RIGHT JOIN p ON o.id = p.oid AND o.ts BETWEEN "
                 "p.pts - INTERVAL '10' SECOND AND p.pts");
    const struct hf_join_spec *s = g.join->spec;
    assert_int_equal(s->lower, -10000);
    assert_int_equal(s->upper, 0);
    push(&g, 0, 1, 0);
    push(&g, 1, 1, 5);
    expect(&g, "+I[1, " TS(00) ", 1, " TS(05) "]\n");
    push(&g, 1, 2, 1); /* timer at 01 + 0 + 0 + 0.001 */
    push(&g, 0, 3, 2); /* left, never matched: dropped at 12.001 */
    wm(&g, 1);
    expect(&g, "");
    wm(&g, 2);
    expect(&g, "+I[null, null, 2, " TS(01) "]\n");
    /* left 1 (timer 10.001), right 1 (5.001), left 3 (12.001) */
    assert_int_equal(entries(&g), 3);
    wm(&g, 13);
    expect(&g, "");
    assert_int_equal(entries(&g), 0);
    rig_close(&g);
}

/* Inner: 1000 keys flow by with the watermark: the state stays small. */
static void test_state_bounded(void **state)
{
    (void)state;
    struct rig g;
    rig_open(&g, "FROM o JOIN p ON o.id = p.oid AND o.ts BETWEEN p.pts AND "
                 "p.pts + INTERVAL '2' SECOND");
    int max = 0;
    for (int i = 0; i < 1000; i++) {
        push(&g, 0, i, i);
        push(&g, 1, i, i);
        wm(&g, i);
        int n = entries(&g);
        if (n > max)
            max = n;
    }
    /* One inner match per key. */
    size_t lines = 0;
    for (size_t i = 0; i < g.got.len; i++)
        lines += g.got.data[i] == '\n';
    assert_int_equal(lines, 1000);
    /* Rows live 2 s past their time, then their timer fires. */
    assert_true(max <= 8);
    hf_strbuf_reset(&g.got);
    wm(&g, 5000);
    assert_int_equal(entries(&g), 0);
    expect(&g, "");
    rig_close(&g);
}

/* Without time attributes the same condition is a regular join. */
static void test_plain_timestamps(void **state)
{
    (void)state;
    const struct hf_node *n;
    struct hf_job *job =
        plan("FROM o JOIN p ON o.id = p.oid AND o.ts BETWEEN p.pts AND "
             "p.pts + INTERVAL '2' SECOND",
             true, NULL, &n);
    assert_ptr_equal(n->op, &hf_op_join);
    hf_job_free(job);
    /* One bound only: a regular join too, as Flink. */
    job = plan("FROM o JOIN p ON o.id = p.oid AND o.ts >= p.pts", false, NULL,
               &n);
    assert_ptr_equal(n->op, &hf_op_join);
    hf_job_free(job);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_left),
        cmocka_unit_test(test_full_eager),
        cmocka_unit_test(test_right),
        cmocka_unit_test(test_state_bounded),
        cmocka_unit_test(test_plain_timestamps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
