/*
 * test_window.c - window assignment (hf_window_assign) against Flink's
 * rules (flink-stateful-sql.md §3.2): tumble start = ts - floorMod(ts -
 * offset, size), also before 1970; hop: every window of `size` whose start
 * is a multiple of `slide` (+ offset) in (ts - size, ts]; cumulate: the
 * windows of the tumble that end after ts. And the window aggregate
 * operator driven as the runtime drives it: rows folded per window and
 * key, nothing emitted before the watermark reaches window_end - 1 ms,
 * then one +I per key, a late row dropped. Processing time: the window
 * TVF's progress marks (rows stamped after the last mark, a mark at every
 * window end, one at the end of the input), and the aggregate firing on
 * them alone, so a row whose window ended long ago by the wall clock is
 * still counted.
 * And the shift of windows over a TIMESTAMP_LTZ time attribute into the
 * session time zone, checked against the instants Flink's TimeWindowUtil
 * documents for America/Los_Angeles's 2021 daylight-saving changes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* clang-format off: cmocka needs the headers above first */
#include <cmocka.h>
/* clang-format on */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/rbuf.h"
#include "core/tz.h"
#include "ops/window_agg.h"

#define MIN_US (60 * INT64_C(1000000))

static void test_tumble(void **st)
{
    (void)st;
    struct hf_window_def w = {
        .kind = HF_WIN_TUMBLE, .size = 10 * MIN_US, .slide = 10 * MIN_US};
    int64_t s[4], e[4];
    assert_int_equal(hf_window_assign(&w, 7 * MIN_US, s, e, 4), 1);
    assert_true(s[0] == 0 && e[0] == 10 * MIN_US);
    /* the end is exclusive: ts = 10 min is in the next window */
    hf_window_assign(&w, 10 * MIN_US, s, e, 4);
    assert_true(s[0] == 10 * MIN_US);
    /* before the epoch: floorMod, not % */
    hf_window_assign(&w, -1, s, e, 4);
    assert_true(s[0] == -10 * MIN_US && e[0] == 0);
    w.offset = 5 * MIN_US;
    hf_window_assign(&w, 4 * MIN_US, s, e, 4);
    assert_true(s[0] == -5 * MIN_US && e[0] == 5 * MIN_US);
}

static void test_hop_cumulate(void **st)
{
    (void)st;
    struct hf_window_def h = {
        .kind = HF_WIN_HOP, .size = 10 * MIN_US, .slide = 5 * MIN_US};
    int64_t s[4], e[4];
    assert_int_equal(hf_window_max_per_row(&h), 3);
    assert_int_equal(hf_window_assign(&h, 7 * MIN_US, s, e, 4), 2);
    assert_true(s[0] == 5 * MIN_US && e[0] == 15 * MIN_US);
    assert_true(s[1] == 0 && e[1] == 10 * MIN_US);
    struct hf_window_def c = {
        .kind = HF_WIN_CUMULATE, .size = 10 * MIN_US, .slide = 2 * MIN_US};
    int64_t cs[8], ce[8];
    /* 08:05 of a tumble [08:00, 08:10): ends 6, 8, 10 */
    assert_int_equal(hf_window_assign(&c, 5 * MIN_US, cs, ce, 8), 3);
    assert_true(cs[0] == 0 && ce[0] == 6 * MIN_US && ce[2] == 10 * MIN_US);
    /* exactly on a step boundary: that window has ended */
    assert_int_equal(hf_window_assign(&c, 6 * MIN_US, cs, ce, 8), 2);
    assert_true(ce[0] == 8 * MIN_US);
}

/* ------------------------------------------------------------ operator */

struct box {
    struct hf_op_out out;
    struct hf_rbuf *got[8];
    int n;
};

static int collect(struct hf_op_out *out, struct hf_rbuf *rows,
                   struct hf_error *err)
{
    (void)err;
    struct box *b = (struct box *)out;
    assert_true(b->n < 8);
    hf_rbuf_ref(rows);
    b->got[b->n++] = rows;
    return 0;
}

static void row(struct hf_batch *b, int64_t ws, int64_t we, int64_t k,
                int64_t v)
{
    struct hf_value *r = hf_batch_add_row(b, HF_ROW_INSERT, -1);
    int64_t x[4] = {ws, we, k, v};
    for (int i = 0; i < 4; i++) {
        r[i].null = false;
        r[i].v.i = x[i];
    }
}

static void test_operator(void **st)
{
    (void)st;
    /* input: window_start, window_end, k BIGINT, v BIGINT */
    struct hf_column cols[4] = {
        {.name = "ws", .type = {.id = HF_TIMESTAMP, .precision = 3}},
        {.name = "we", .type = {.id = HF_TIMESTAMP, .precision = 3}},
        {.name = "k", .type = {.id = HF_BIGINT}},
        {.name = "v", .type = {.id = HF_BIGINT}}};
    struct hf_schema in = {.cols = cols, .ncols = 4};
    struct hf_window_agg_spec *spec = calloc(1, sizeof *spec);
    spec->in = &in;
    spec->keys = calloc(3, sizeof *spec->keys);
    spec->keys[0] = 0, spec->keys[1] = 1, spec->keys[2] = 2;
    spec->nkeys = 3;
    spec->start_key = 0;
    spec->end_key = 1;
    spec->calls = calloc(2, sizeof *spec->calls);
    spec->ncalls = 2;
    char why[200];
    assert_int_equal(hf_aggfn_init(&spec->calls[0].fn, HF_AGG_COUNT_STAR, NULL,
                                   false, false, why, sizeof why),
                     0);
    spec->calls[0].arg = -1;
    spec->calls[0].filter = -1;
    assert_int_equal(hf_aggfn_init(&spec->calls[1].fn, HF_AGG_SUM,
                                   &cols[3].type, false, false, why,
                                   sizeof why),
                     0);
    spec->calls[1].arg = 3;
    spec->calls[1].filter = -1;
    struct hf_node node = {.id = 3, .kind = HF_NODE_OP, .spec = spec};
    struct hf_rbuf_pool *ip = hf_rbuf_pool_new(4, 16, 2);
    struct hf_rbuf_pool *op = hf_rbuf_pool_new(6, 16, 4);
    struct hf_op_env env = {.node = &node, .pool = op};
    void *state = NULL;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(hf_op_window_agg.open(&env, &state, &err), 0);
    struct box box = {.out.emit = collect};

    int64_t W = 10 * MIN_US;
    struct hf_rbuf *r = hf_rbuf_get(ip, 0);
    row(r->b, 0, W, 1, 4);
    row(r->b, 0, W, 2, 5);
    row(r->b, 0, W, 1, 2);
    row(r->b, W, 2 * W, 1, 3);
    assert_int_equal(hf_op_window_agg.process(state, 0, r, &box.out, &err), 0);
    hf_rbuf_release(r);
    /* one microsecond before window_end - 1 ms: nothing */
    assert_int_equal(
        hf_op_window_agg.watermark(state, W - 1001, &box.out, &err), 0);
    assert_int_equal(box.n, 0);
    assert_int_equal(
        hf_op_window_agg.watermark(state, W - 1000, &box.out, &err), 0);
    assert_int_equal(box.n, 1);
    const struct hf_batch *o = box.got[0]->b;
    assert_int_equal(o->nrows, 2);
    int64_t sum1 = -1, sum2 = -1;
    for (uint32_t i = 0; i < o->nrows; i++) {
        const struct hf_value *x = hf_batch_row(o, i);
        assert_int_equal(o->kinds[i], HF_ROW_INSERT);
        assert_true(x[0].v.i == 0 && x[1].v.i == W);
        assert_true(x[5].v.i == W - 1000); /* window_time */
        if (x[2].v.i == 1) {
            assert_int_equal(x[3].v.i, 2);
            sum1 = x[4].v.i;
        } else {
            assert_int_equal(x[3].v.i, 1);
            sum2 = x[4].v.i;
        }
    }
    assert_true(sum1 == 6 && sum2 == 5);
    /* a late row for the fired window is dropped */
    r = hf_rbuf_get(ip, 0);
    row(r->b, 0, W, 1, 100);
    assert_int_equal(hf_op_window_agg.process(state, 0, r, &box.out, &err), 0);
    hf_rbuf_release(r);
    assert_int_equal(
        hf_op_window_agg.watermark(state, INT64_MAX, &box.out, &err), 0);
    assert_int_equal(box.n, 2);
    o = box.got[1]->b;
    assert_int_equal(o->nrows, 1);
    assert_true(hf_batch_row(o, 0)[0].v.i == W &&
                hf_batch_row(o, 0)[4].v.i == 3);
    for (int i = 0; i < box.n; i++)
        hf_rbuf_release(box.got[i]);
    hf_op_window_agg.close(state);
    hf_window_agg_spec_free(spec);
    hf_rbuf_pool_destroy(ip);
    hf_rbuf_pool_destroy(op);
}

/* The spec of test_operator's aggregate (COUNT(*), SUM(v) per window and
 * k over ws, we, k, v). */
static struct hf_window_agg_spec *agg_spec(struct hf_schema *in)
{
    struct hf_window_agg_spec *spec = calloc(1, sizeof *spec);
    spec->in = in;
    spec->keys = calloc(3, sizeof *spec->keys);
    spec->keys[0] = 0, spec->keys[1] = 1, spec->keys[2] = 2;
    spec->nkeys = 3;
    spec->start_key = 0;
    spec->end_key = 1;
    spec->calls = calloc(2, sizeof *spec->calls);
    spec->ncalls = 2;
    char why[200];
    assert_int_equal(hf_aggfn_init(&spec->calls[0].fn, HF_AGG_COUNT_STAR, NULL,
                                   false, false, why, sizeof why),
                     0);
    spec->calls[0].arg = -1;
    spec->calls[0].filter = -1;
    assert_int_equal(hf_aggfn_init(&spec->calls[1].fn, HF_AGG_SUM,
                                   &in->cols[3].type, false, false, why,
                                   sizeof why),
                     0);
    spec->calls[1].arg = 3;
    spec->calls[1].filter = -1;
    return spec;
}

/* Processing time: rows of windows the wall clock passed long ago (1970)
 * are not late; only the progress fires (watermarks do not), and the end
 * of the input fires up to the last progress only. */
static void test_proctime_operator(void **st)
{
    (void)st;
    struct hf_column cols[4] = {
        {.name = "ws", .type = {.id = HF_TIMESTAMP, .precision = 3}},
        {.name = "we", .type = {.id = HF_TIMESTAMP, .precision = 3}},
        {.name = "k", .type = {.id = HF_BIGINT}},
        {.name = "v", .type = {.id = HF_BIGINT}}};
    struct hf_schema in = {.cols = cols, .ncols = 4};
    struct hf_window_agg_spec *spec = agg_spec(&in);
    spec->proctime = true;
    struct hf_node node = {.id = 3, .kind = HF_NODE_OP, .spec = spec};
    struct hf_rbuf_pool *ip = hf_rbuf_pool_new(4, 16, 2);
    struct hf_rbuf_pool *op = hf_rbuf_pool_new(6, 16, 4);
    struct hf_op_env env = {.node = &node, .pool = op};
    void *state = NULL;
    struct hf_error err;
    hf_error_clear(&err);
    const struct hf_op_class *c = &hf_op_window_agg;
    assert_int_equal(c->open(&env, &state, &err), 0);
    assert_null(c->next_timer); /* no clock of its own */
    struct box box = {.out.emit = collect};
    int64_t W = 1000000; /* 1 s windows in 1970 */
    assert_int_equal(c->proc_progress(state, W / 2, &box.out, &err), 0);
    struct hf_rbuf *r = hf_rbuf_get(ip, 0);
    row(r->b, 0, W, 1, 4);
    row(r->b, 0, W, 1, 2);
    row(r->b, W, 2 * W, 1, 3);
    assert_int_equal(c->process(state, 0, r, &box.out, &err), 0);
    hf_rbuf_release(r);
    assert_int_equal(c->watermark(state, INT64_MAX, &box.out, &err), 0);
    assert_int_equal(box.n, 0);
    assert_int_equal(c->proc_progress(state, W - 1001, &box.out, &err), 0);
    assert_int_equal(box.n, 0);
    assert_int_equal(c->proc_progress(state, W - 1000, &box.out, &err), 0);
    assert_int_equal(box.n, 1);
    const struct hf_batch *o = box.got[0]->b;
    assert_int_equal(o->nrows, 1);
    assert_true(hf_batch_row(o, 0)[3].v.i == 2 &&
                hf_batch_row(o, 0)[4].v.i == 6);
    /* the end fires what the progress completed: not [W, 2W) */
    assert_int_equal(c->end_input(state, 0, &box.out, &err), 0);
    assert_int_equal(box.n, 1);
    for (int i = 0; i < box.n; i++)
        hf_rbuf_release(box.got[i]);
    c->close(state);
    hf_window_agg_spec_free(spec);
    hf_rbuf_pool_destroy(ip);
    hf_rbuf_pool_destroy(op);
}

/* An output that keeps the processing-time marks too. */
struct mbox {
    struct box b;
    int64_t marks[16];
    int nmarks;
};

static int mark(struct hf_op_out *out, int64_t t, struct hf_error *err)
{
    (void)err;
    struct mbox *m = (struct mbox *)out;
    assert_true(m->nmarks < 16);
    assert_true(m->nmarks == 0 || t > m->marks[m->nmarks - 1]);
    m->marks[m->nmarks++] = t;
    return 0;
}

static int64_t wall_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000000 * 1000;
}

/* Every row of `got` is stamped after `after`: its window ends after
 * after + 1 ms (an aggregate that saw the mark `after` fired no window
 * it belongs to). */
static void stamped_after(const struct hf_batch *b, int64_t after)
{
    for (uint32_t i = 0; i < b->nrows; i++)
        assert_true(hf_batch_row(b, i)[2].v.i - 1000 > after);
}

/* The window TVF over processing time: a mark at the next window end
 * (its timer), rows stamped after the last mark even when the clock is
 * behind it, a last mark at the end of the input. */
static void test_tvf_marks(void **st)
{
    (void)st;
    struct hf_column cols[1] = {{.name = "k", .type = {.id = HF_BIGINT}}};
    struct hf_schema in = {.cols = cols, .ncols = 1};
    struct hf_window_tvf_spec spec = {
        .win = {.kind = HF_WIN_TUMBLE, .size = 1000000, .slide = 1000000},
        .in = &in,
        .time_col = -1};
    struct hf_node node = {.id = 2, .kind = HF_NODE_OP, .spec = &spec};
    const struct hf_op_class *c = &hf_op_window_tvf;
    assert_true(c->proc_marks(&node));
    struct hf_rbuf_pool *ip = hf_rbuf_pool_new(1, 16, 2);
    struct hf_rbuf_pool *op = hf_rbuf_pool_new(4, 16, 4);
    struct hf_op_env env = {.node = &node, .pool = op};
    void *state = NULL;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(c->open(&env, &state, &err), 0);
    struct mbox m = {.b.out = {.emit = collect, .progress = mark}};
    /* The first mark at once (windows restored from a checkpoint fire
     * as soon as the clock has passed them), then the timer is the next
     * whole second (a window end). */
    int64_t now = wall_ms();
    assert_true(c->next_timer(state) <= now);
    assert_int_equal(c->on_timer(state, now, &m.b.out, &err), 0);
    assert_int_equal(m.nmarks, 1);
    int64_t due = c->next_timer(state);
    assert_true(due % 1000000 == 0 && due >= now && due <= now + 1000000);
    assert_int_equal(c->on_timer(state, due, &m.b.out, &err), 0);
    assert_int_equal(m.nmarks, 2);
    assert_true(m.marks[1] == due - 1000);
    assert_true(c->next_timer(state) == due + 1000000);
    /* A timer an hour ahead (the clock stepped back since): rows are
     * stamped after its mark all the same. */
    int64_t ahead = due + 3600 * INT64_C(1000000);
    assert_int_equal(c->on_timer(state, ahead, &m.b.out, &err), 0);
    assert_int_equal(m.nmarks, 3);
    struct hf_rbuf *r = hf_rbuf_get(ip, 0);
    for (int i = 0; i < 3; i++) {
        struct hf_value *v = hf_batch_add_row(r->b, HF_ROW_INSERT, i);
        v->null = false;
        v->v.i = i;
    }
    assert_int_equal(c->process(state, 0, r, &m.b.out, &err), 0);
    hf_rbuf_release(r);
    assert_int_equal(m.b.n, 1);
    assert_int_equal(m.b.got[0]->b->nrows, 3);
    stamped_after(m.b.got[0]->b, m.marks[2]);
    /* The end of the input: a last mark, at or after every stamp (the
     * rows were stamped marks[2] + 1 ms, the clock being behind it). */
    assert_int_equal(c->end_input(state, 0, &m.b.out, &err), 0);
    assert_int_equal(m.nmarks, 4);
    assert_true(m.marks[3] >= m.marks[2] + 1000);
    hf_rbuf_release(m.b.got[0]);
    c->close(state);
    hf_rbuf_pool_destroy(ip);
    hf_rbuf_pool_destroy(op);
}

/* SESSION over processing time: a row's session end (stamp + gap) is a
 * timer rounded up to the next 20 ms, so rows in every millisecond make at
 * most one mark per 20 ms; the mark at that time covers the end. */
static void test_tvf_session_marks(void **st)
{
    (void)st;
    struct hf_column cols[1] = {{.name = "k", .type = {.id = HF_BIGINT}}};
    struct hf_schema in = {.cols = cols, .ncols = 1};
    struct hf_window_tvf_spec spec = {
        .win = {.kind = HF_WIN_SESSION, .size = 5000000},
        .in = &in,
        .time_col = -1};
    struct hf_node node = {.id = 2, .kind = HF_NODE_OP, .spec = &spec};
    const struct hf_op_class *c = &hf_op_window_tvf;
    struct hf_rbuf_pool *ip = hf_rbuf_pool_new(1, 16, 2);
    struct hf_rbuf_pool *op = hf_rbuf_pool_new(4, 16, 4);
    struct hf_op_env env = {.node = &node, .pool = op};
    void *state = NULL;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(c->open(&env, &state, &err), 0);
    struct mbox m = {.b.out = {.emit = collect, .progress = mark}};
    int64_t now = wall_ms();
    assert_int_equal(c->on_timer(state, now, &m.b.out, &err), 0);
    assert_int_equal(m.nmarks, 1);
    struct hf_rbuf *r = hf_rbuf_get(ip, 0);
    struct hf_value *v = hf_batch_add_row(r->b, HF_ROW_INSERT, 0);
    v->null = false;
    v->v.i = 1;
    assert_int_equal(c->process(state, 0, r, &m.b.out, &err), 0);
    hf_rbuf_release(r);
    assert_int_equal(m.b.n, 1);
    /* the session's end: window_end of the row (stamp + gap) */
    int64_t end = hf_batch_row(m.b.got[0]->b, 0)[2].v.i;
    /* a tick 150 ms before the end: the next tick (200 ms after it)
     * comes after the pending end, which is due first */
    assert_int_equal(c->on_timer(state, end - 150000, &m.b.out, &err), 0);
    int64_t due = c->next_timer(state);
    assert_true(due >= end && due < end + 20000 && due % 20000 == 0);
    assert_int_equal(c->on_timer(state, due, &m.b.out, &err), 0);
    assert_true(m.marks[m.nmarks - 1] >= end - 1000);
    hf_rbuf_release(m.b.got[0]);
    c->close(state);
    hf_rbuf_pool_destroy(ip);
    hf_rbuf_pool_destroy(op);
}

#define MS_US(ms) ((int64_t)(ms) * 1000)

static void test_shift_tz(void **st)
{
    (void)st;
    char why[128];
    const struct hf_tz *la = hf_tz_find("America/Los_Angeles", why, sizeof why);
    const struct hf_tz *sh = hf_tz_find("Asia/Shanghai", why, sizeof why);
    assert_non_null(la);
    assert_non_null(sh);
    /* no zone: nothing shifts, fires at end - 1 ms */
    assert_true(hf_window_local(NULL, 5) == 5);
    assert_true(hf_window_fire_time(NULL, MS_US(10)) == MS_US(9));
    assert_true(hf_window_time(NULL, MS_US(10)) == MS_US(9));
    /* Shanghai: 2021-04-15 15:30Z is 23:30 local; the local day ending
     * 04-16 00:00 fires and is timed at 15:59:59.999Z */
    assert_true(hf_window_local(sh, MS_US(1618500600000)) ==
                MS_US(1618529400000));
    assert_true(hf_window_fire_time(sh, MS_US(1618531200000)) ==
                MS_US(1618502399999));
    assert_true(hf_window_time(sh, MS_US(1618531200000)) ==
                MS_US(1618502399999));
    /* LA spring 2021-03-14: local 02:00..02:59:59.999 does not exist; a
     * window ending at 03:00 fires at 1615716000000 (the gap's start),
     * its window_time is 02:59:59.999 moved past the gap */
    int64_t d14 = MS_US(1615680000000); /* local 2021-03-14 00:00 */
    assert_true(hf_window_fire_time(la, d14 + MS_US(3 * 3600000)) ==
                MS_US(1615716000000));
    assert_true(hf_window_time(la, d14 + MS_US(3 * 3600000)) ==
                MS_US(1615719599999));
    /* before the gap: plain */
    assert_true(hf_window_fire_time(la, d14 + MS_US(3600000)) ==
                MS_US(1615712399999));
    /* LA fall 2021-11-07: local 01:00 happens twice; a window ending at
     * 01:00:00.001 fires at the later instant, window_time is the earlier */
    int64_t n07 = MS_US(1636243200000); /* local 2021-11-07 00:00 */
    assert_true(hf_window_fire_time(la, n07 + MS_US(3600001)) ==
                MS_US(1636275600000));
    assert_true(hf_window_time(la, n07 + MS_US(3600001)) ==
                MS_US(1636272000000));
    /* a local day across the change: [11-07, 11-08) fires at 08:00Z - 1 ms
     * of 11-08 (PST) */
    assert_true(hf_window_fire_time(la, n07 + MS_US(86400000)) ==
                MS_US(1636358400000 - 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tumble),
        cmocka_unit_test(test_hop_cumulate),
        cmocka_unit_test(test_operator),
        cmocka_unit_test(test_proctime_operator),
        cmocka_unit_test(test_tvf_marks),
        cmocka_unit_test(test_tvf_session_marks),
        cmocka_unit_test(test_shift_tz),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
