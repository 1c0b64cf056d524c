/*
 * test_over_agg.c - OVER aggregation: what the planner makes of a window
 * (the spec: partition, time attribute, frame, aggregates) and what it
 * refuses, and the operator's exact output on small inputs, driven as the
 * runtime drives it (rows, then watermarks) with a hashmap backend:
 * rowtime ROWS and RANGE frames (peers, rows leaving the frame and the
 * state), rows waiting for the watermark in timestamp order, late rows
 * (Flink's rule for bounded frames and for UNBOUNDED PRECEDING),
 * UNBOUNDED PRECEDING, proctime ROWS and RANGE (a controlled clock), rows
 * of several keys in timestamp order, TTL; the planner's window
 * comparison and refusals.
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

#include "core/valueconv.h"
#include "ops/op.h"
#include "ops/over_agg.h"
#include "sql/planner.h"
#include "state/state.h"
#include "state/state_int.h"

/* ------------------------------------------------------------ rig */

struct rig {
    struct hf_job *job;
    const struct hf_node *node;
    const struct hf_over_spec *sp;
    struct hf_state_backend *be;
    struct hf_state *st[2];
    uint32_t nst;
    struct hf_rbuf_pool *in_pool, *out_pool;
    void *state;
    struct hf_op_out out;
    uint32_t show; /* input columns printed before the results */
    struct hf_strbuf got;
};

static int rig_open_state(const struct hf_op_env *env, const char *name,
                          struct hf_state **out, struct hf_error *err)
{
    struct rig *g = env->rt;
    int rc = hf_state_open(g->be, env->uid, name, 0, 127, out, err);
    g->st[g->nst++] = *out;
    return rc;
}

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
        uint32_t n = 0;
        for (uint32_t c = 0; c < s->ncols; c++) {
            if (c >= g->show && c < g->sp->in->ncols)
                continue;
            if (n++)
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

/* table.exec.state.ttl of the next rig_open (0: off). */
static int64_t rig_ttl_ms;

static void rig_open(struct rig *g, const char *ddl, const char *insert,
                     uint32_t show)
{
    memset(g, 0, sizeof *g);
    char sql[2048];
    snprintf(sql, sizeof sql, "%s\n%s\n", ddl, insert);
    struct hf_error err;
    hf_error_clear(&err);
    if (hf_sql_plan_text("job.sql", sql, NULL, 0, &g->job, &err) != 0)
        fail_msg("%s", err.msg);
    for (uint32_t i = 0; i < g->job->graph.nnodes; i++)
        if (g->job->graph.nodes[i].op == &hf_op_over_agg)
            g->node = &g->job->graph.nodes[i];
    assert_non_null(g->node);
    g->sp = g->node->spec;
    g->show = show;
    struct hf_state_config c = {0};
    c.type = HF_STATE_HASHMAP;
    c.num_retained = 1;
    c.max_parallelism = 128;
    c.ttl_ms = rig_ttl_ms;
    assert_int_equal(hf_state_backend_open(&c, &g->be, &err), 0);
    g->in_pool = hf_rbuf_pool_new(g->sp->in->ncols, 8, 2);
    g->out_pool = hf_rbuf_pool_new(g->node->schema->ncols, 8, 2);
    struct hf_op_env env = {.node = g->node,
                            .uid = "n3-over-aggregate",
                            .max_parallelism = 128,
                            .kg_last = 127,
                            .open_state = rig_open_state,
                            .rt = g,
                            .pool = g->out_pool};
    hf_strbuf_init(&g->got, 1 << 20);
    g->out.emit = collect;
    if (g->node->op->open(&env, &g->state, &err) != 0)
        fail_msg("%s", err.msg);
}

static const char *trimmed(struct rig *g)
{
    if (g->got.len)
        g->got.data[--g->got.len] = '\0';
    return g->got.data ? g->got.data : "";
}

/* Push one row (the first input columns as text, then NULL; the columns
 * not given are NULL) and return what came out. The planner's calc
 * computes the aggregates' arguments ($oa<i>) after the table's columns:
 * every aggregate here takes `amount` (column 3), copied there. */
#define push(g, ...) push_row(g, __VA_ARGS__, (const char *)NULL)
static const char *push_row(struct rig *g, ...)
{
    struct hf_rbuf *r = hf_rbuf_get(g->in_pool, 0);
    assert_non_null(r);
    struct hf_value *row = hf_batch_add_row(r->b, HF_ROW_INSERT, -1);
    va_list ap;
    va_start(ap, g);
    struct hf_error err;
    hf_error_clear(&err);
    for (uint32_t c = 0; c < g->sp->in->ncols; c++) {
        const char *t = va_arg(ap, const char *);
        if (t == NULL) {
            for (; c < g->sp->in->ncols; c++)
                row[c].null = true;
            break;
        }
        if (strcmp(t, "NULL") == 0) {
            row[c].null = true;
            continue;
        }
        if (hf_value_from_text(&g->sp->in->cols[c].type, t, strlen(t), ';',
                               r->b, &row[c], &err) != 0)
            fail_msg("%s", err.msg);
    }
    va_end(ap);
    for (uint32_t c = 0; c < g->sp->in->ncols; c++)
        if (strncmp(g->sp->in->cols[c].name, "$oa", 3) == 0)
            row[c] = row[3];
    hf_strbuf_reset(&g->got);
    if (g->node->op->process(g->state, 0, r, &g->out, &err) != 0)
        fail_msg("%s", err.msg);
    hf_rbuf_release(r);
    return trimmed(g);
}

/* The watermark rises to `ts` (text of a TIMESTAMP): what came out. */
static const char *wm(struct rig *g, const char *ts)
{
    struct hf_type t = hf_type_make(HF_TIMESTAMP);
    t.precision = 3;
    struct hf_batch *b = hf_batch_new(1, 1);
    struct hf_value v;
    struct hf_error err;
    hf_error_clear(&err);
    if (hf_value_from_text(&t, ts, strlen(ts), ';', b, &v, &err) != 0)
        fail_msg("%s", err.msg);
    hf_batch_destroy(b);
    hf_strbuf_reset(&g->got);
    if (g->node->op->watermark(g->state, v.v.i, &g->out, &err) != 0)
        fail_msg("%s", err.msg);
    return trimmed(g);
}

static void rig_close(struct rig *g)
{
    g->node->op->close(g->state);
    for (uint32_t i = 0; i < g->nst; i++)
        hf_state_close(g->st[i]);
    hf_state_backend_close(g->be);
    hf_rbuf_pool_destroy(g->in_pool);
    hf_rbuf_pool_destroy(g->out_pool);
    hf_strbuf_free(&g->got);
    hf_job_free(g->job);
}

static const char *const ORDERS =
    "CREATE TABLE Orders (id STRING, product STRING, t TIMESTAMP(3), "
    "amount INT, pt AS PROCTIME(), WATERMARK FOR t AS t) WITH ("
    "'connector' = 'datagen');\n"
    "CREATE TABLE o (id STRING, a BIGINT, b BIGINT) WITH ('connector' = "
    "'print');\n";

/* ------------------------------------------------------------ rowtime */

static void test_rowtime_rows(void **st)
{
    (void)st;
    struct rig g;
    rig_open(&g, ORDERS,
             "INSERT INTO o SELECT id, SUM(amount) OVER w, COUNT(*) OVER w "
             "FROM Orders WINDOW w AS (PARTITION BY product ORDER BY t ROWS "
             "BETWEEN 1 PRECEDING AND CURRENT ROW);",
             1);
    assert_true(g.sp->rowtime);
    assert_false(g.sp->range);
    assert_false(g.sp->unbounded);
    assert_int_equal(g.sp->preceding, 1);
    assert_int_equal(g.sp->npart, 1);
    assert_int_equal(g.sp->naggs, 2);
    /* Rows wait for the watermark, then come out in time order. */
    assert_string_equal(push(&g, "o1", "A", "2026-01-01 10:00:02", "1"), "");
    assert_string_equal(push(&g, "o2", "A", "2026-01-01 10:00:01", "10"), "");
    assert_string_equal(push(&g, "o3", "A", "2026-01-01 10:00:03", "100"), "");
    assert_string_equal(wm(&g, "2026-01-01 10:00:02"),
                        "+I[o2, 10, 1] +I[o1, 11, 2]");
    assert_string_equal(wm(&g, "2026-01-01 10:00:05"), "+I[o3, 101, 2]");
    /* Behind the watermark but after the key's last fired time: taken
     * (Flink's bounded frames), fired at the next watermark. */
    assert_string_equal(push(&g, "o4", "A", "2026-01-01 10:00:05", "7"), "");
    assert_string_equal(wm(&g, "2026-01-01 10:00:09"), "+I[o4, 107, 2]");
    /* At or before the key's last fired time: late, dropped. */
    assert_string_equal(push(&g, "o5", "A", "2026-01-01 10:00:05", "1"), "");
    assert_string_equal(wm(&g, "2026-01-01 10:00:19"), "");
    /* The frame keeps two rows' arguments; no timer is left. */
    assert_int_equal(hf_state_count(g.st[0]), 1);
    assert_int_equal(hf_state_count(g.st[1]), 0);
    rig_close(&g);
}

static void test_rowtime_range_peers(void **st)
{
    (void)st;
    struct rig g;
    rig_open(&g, ORDERS,
             "INSERT INTO o SELECT id, SUM(amount) OVER (PARTITION BY product "
             "ORDER BY t RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND "
             "CURRENT ROW), MAX(amount) OVER (PARTITION BY product ORDER BY "
             "t RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW) "
             "FROM Orders;",
             1);
    assert_true(g.sp->range);
    assert_int_equal(g.sp->preceding, 3600LL * 1000000);
    push(&g, "o1", "A", "2026-01-01 10:00:00", "50");
    push(&g, "o2", "A", "2026-01-01 10:30:00", "20");
    push(&g, "o3", "A", "2026-01-01 10:30:00", "1");
    push(&g, "o4", "B", "2026-01-01 10:45:00", "5");
    /* o2 and o3 are peers: both see each other. */
    assert_string_equal(wm(&g, "2026-01-01 10:59:59"),
                        "+I[o1, 50, 50] +I[o2, 71, 50] +I[o3, 71, 50] "
                        "+I[o4, 5, 5]");
    /* o1 leaves the frame at 11:00:00.001; its MAX goes with it. */
    push(&g, "o5", "A", "2026-01-01 11:00:00", "2");
    push(&g, "o6", "A", "2026-01-01 11:00:01", "3");
    assert_string_equal(wm(&g, "2026-01-01 11:00:01"),
                        "+I[o5, 73, 50] +I[o6, 26, 20]");
    /* After 12:00:01 nothing of A is in the frame: the next row alone. */
    push(&g, "o7", "A", "2026-01-01 13:00:00", "4");
    assert_string_equal(wm(&g, "2026-01-01 13:00:00"), "+I[o7, 4, 4]");
    rig_close(&g);
}

/* Rows of several keys due under one watermark come out in timestamp
 * order across the keys (Flink's timer queue), not key by key. */
static void test_rowtime_keys_interleave(void **st)
{
    (void)st;
    struct rig g;
    rig_open(&g, ORDERS,
             "INSERT INTO o SELECT id, SUM(amount) OVER w, COUNT(*) OVER w "
             "FROM Orders WINDOW w AS (PARTITION BY product ORDER BY t ROWS "
             "BETWEEN 1 PRECEDING AND CURRENT ROW);",
             1);
    push(&g, "a1", "A", "2026-01-01 10:00:01", "1");
    push(&g, "a3", "A", "2026-01-01 10:00:03", "3");
    push(&g, "a4", "A", "2026-01-01 10:00:04", "4");
    push(&g, "b2", "B", "2026-01-01 10:00:02", "20");
    push(&g, "b5", "B", "2026-01-01 10:00:05", "50");
    push(&g, "c9", "C", "2026-01-01 10:00:09", "90");
    assert_string_equal(wm(&g, "2026-01-01 10:00:06"),
                        "+I[a1, 1, 1] +I[b2, 20, 1] +I[a3, 4, 2] "
                        "+I[a4, 7, 2] +I[b5, 70, 2]");
    assert_string_equal(wm(&g, "2026-01-01 10:00:09"), "+I[c9, 90, 1]");
    assert_int_equal(hf_state_count(g.st[1]), 0);
    rig_close(&g);
}

/* The TTL clock of test_rowtime_ttl (milliseconds). */
static int64_t fake_ms;

static int64_t fake_clock_ms(void)
{
    return fake_ms;
}

/* With table.exec.state.ttl, a key's timer lives as long as its rows:
 * rows keep coming for it, so it fires at the watermark. */
static void test_rowtime_ttl(void **st)
{
    (void)st;
    struct rig g;
    hf_state_set_clock(fake_clock_ms);
    fake_ms = 1000000;
    rig_ttl_ms = 1000;
    rig_open(&g, ORDERS,
             "INSERT INTO o SELECT id, SUM(amount) OVER w, COUNT(*) OVER w "
             "FROM Orders WINDOW w AS (PARTITION BY product ORDER BY t ROWS "
             "BETWEEN 1 PRECEDING AND CURRENT ROW);",
             1);
    rig_ttl_ms = 0;
    push(&g, "a1", "A", "2026-01-01 10:00:05", "1");
    fake_ms += 600;
    push(&g, "a2", "A", "2026-01-01 10:00:06", "2");
    fake_ms += 600;
    assert_string_equal(wm(&g, "2026-01-01 10:00:10"),
                        "+I[a1, 1, 1] +I[a2, 3, 2]");
    rig_close(&g);
    hf_state_set_clock(NULL);
}

/* ROWS BETWEEN 9223372036854775807 PRECEDING: every row so far. */
static void test_rows_huge_offset(void **st)
{
    (void)st;
    struct rig g;
    rig_open(&g, ORDERS,
             "INSERT INTO o SELECT id, SUM(amount) OVER w, COUNT(*) OVER w "
             "FROM Orders WINDOW w AS (ORDER BY t ROWS BETWEEN "
             "9223372036854775807 PRECEDING AND CURRENT ROW);",
             1);
    push(&g, "a1", "A", "2026-01-01 10:00:01", "1");
    push(&g, "a2", "B", "2026-01-01 10:00:02", "2");
    push(&g, "a3", "A", "2026-01-01 10:00:03", "4");
    assert_string_equal(wm(&g, "2026-01-01 10:00:03"),
                        "+I[a1, 1, 1] +I[a2, 3, 2] +I[a3, 7, 3]");
    rig_close(&g);
}

static void test_unbounded(void **st)
{
    (void)st;
    struct rig g;
    rig_open(&g, ORDERS,
             "INSERT INTO o SELECT id, SUM(amount) OVER w, COUNT(amount) OVER "
             "w FROM Orders WINDOW w AS (ORDER BY t);",
             1);
    assert_true(g.sp->range);
    assert_true(g.sp->unbounded);
    assert_int_equal(g.sp->npart, 0);
    push(&g, "o1", "A", "2026-01-01 10:00:00", "1");
    push(&g, "o2", "B", "2026-01-01 10:00:00", "NULL");
    push(&g, "o3", "A", "2026-01-01 10:00:01", "4");
    assert_string_equal(wm(&g, "2026-01-01 10:00:00"),
                        "+I[o1, 1, 1] +I[o2, 1, 1]");
    assert_string_equal(wm(&g, "2026-01-01 10:00:01"), "+I[o3, 5, 2]");
    /* UNBOUNDED PRECEDING: a row at or behind the watermark is late. */
    assert_string_equal(push(&g, "o4", "B", "2026-01-01 10:00:01", "7"), "");
    assert_string_equal(push(&g, "o5", "B", "2026-01-01 10:00:02", "1"), "");
    assert_string_equal(wm(&g, "2026-01-01 10:00:05"), "+I[o5, 6, 3]");
    rig_close(&g);
}

/* ------------------------------------------------------------ proctime */

static void test_proctime_rows(void **st)
{
    (void)st;
    struct rig g;
    rig_open(&g, ORDERS,
             "INSERT INTO o SELECT id, SUM(amount) OVER w, MIN(amount) OVER w "
             "FROM Orders WINDOW w AS (PARTITION BY product ORDER BY pt "
             "ROWS BETWEEN 2 PRECEDING AND CURRENT ROW);",
             1);
    assert_false(g.sp->rowtime);
    const char *ts = "2026-01-01 10:00:00";
    assert_string_equal(push(&g, "o1", "A", ts, "5"), "+I[o1, 5, 5]");
    assert_string_equal(push(&g, "o2", "A", ts, "1"), "+I[o2, 6, 1]");
    assert_string_equal(push(&g, "o3", "B", ts, "9"), "+I[o3, 9, 9]");
    assert_string_equal(push(&g, "o4", "A", ts, "7"), "+I[o4, 13, 1]");
    /* o1 leaves; then o2 (the minimum) leaves. */
    assert_string_equal(push(&g, "o5", "A", ts, "8"), "+I[o5, 16, 1]");
    assert_string_equal(push(&g, "o6", "A", ts, "9"), "+I[o6, 24, 7]");
    rig_close(&g);
}

/* The proctime clock of test_proctime_range (microseconds). */
static int64_t fake_now;

static int64_t fake_clock(void)
{
    return fake_now;
}

static void test_proctime_range(void **st)
{
    (void)st;
    struct rig g;
    rig_open(&g, ORDERS,
             "INSERT INTO o SELECT id, SUM(amount) OVER w, MAX(amount) OVER w "
             "FROM Orders WINDOW w AS (PARTITION BY product ORDER BY pt "
             "RANGE BETWEEN INTERVAL '1' SECOND PRECEDING AND CURRENT ROW);",
             1);
    assert_false(g.sp->rowtime);
    assert_true(g.sp->range);
    ((struct hf_over_spec *)g.sp)->now = fake_clock;
    const char *ts = "2026-01-01 10:00:00";
    fake_now = 1000000000;
    assert_string_equal(push(&g, "o1", "A", ts, "5"), "+I[o1, 5, 5]");
    fake_now += 500000;
    assert_string_equal(push(&g, "o2", "A", ts, "1"), "+I[o2, 6, 5]");
    /* o1 leaves the frame (older than now - 1 s): the current row's
     * value, not o1's, is added. */
    fake_now += 600000;
    assert_string_equal(push(&g, "o3", "A", ts, "10"), "+I[o3, 11, 10]");
    /* Both o2 and o3 leave. */
    fake_now += 2000000;
    assert_string_equal(push(&g, "o4", "A", ts, "3"), "+I[o4, 3, 3]");
    rig_close(&g);
}

/* ------------------------------------------------------------ planner */

static const char *plan_err(const char *insert)
{
    static char msg[HF_ERRMSG_MAX];
    char sql[2048];
    snprintf(sql, sizeof sql, "%s%s\n", ORDERS, insert);
    struct hf_job *job = NULL;
    struct hf_error err;
    hf_error_clear(&err);
    int rc = hf_sql_plan_text("job.sql", sql, NULL, 0, &job, &err);
    hf_job_free(job);
    if (rc == 0)
        return "(planned)";
    snprintf(msg, sizeof msg, "%s", err.msg);
    return msg;
}

static void want_err(const char *got, const char *prefix)
{
    if (strncmp(got, prefix, strlen(prefix)) != 0)
        fail_msg("got:  %s\nwant: %s", got, prefix);
}

static void test_plan_refusals(void **st)
{
    (void)st;
    want_err(plan_err("INSERT INTO o SELECT id, SUM(amount) OVER (ORDER BY "
                      "t), COUNT(*) OVER (ORDER BY pt) FROM Orders;"),
             "job.sql:3:66: error: all OVER aggregates of a SELECT must be "
             "computed on the same window");
    want_err(plan_err("INSERT INTO o SELECT id, SUM(amount) OVER (ORDER BY t, "
                      "pt), 1 FROM Orders;"),
             "job.sql:3:56: error: an OVER window can only be ordered by a "
             "single time column");
    want_err(plan_err("INSERT INTO o SELECT id, SUM(amount) OVER (ORDER BY "
                      "product), 1 FROM Orders;"),
             "job.sql:3:53: error: ORDER BY column 'product' of the OVER "
             "window is not a time attribute");
    want_err(plan_err("INSERT INTO o SELECT id, SUM(amount) OVER (ORDER BY t "
                      "ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED "
                      "FOLLOWING), 1 FROM Orders;"),
             "job.sql:3:92: error: an OVER window must end at CURRENT ROW");
    want_err(plan_err("INSERT INTO o SELECT id, SUM(amount) OVER (ORDER BY t "
                      "ROWS BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT "
                      "ROW), 1 FROM Orders;"),
             "job.sql:3:68: error: the ROWS frame's offset must be a "
             "constant non-negative integer");
    want_err(plan_err("INSERT INTO o SELECT id, UPPER(id) OVER (ORDER BY t), 1 "
                      "FROM Orders;"),
             "job.sql:3:26: error: UPPER(...) OVER (...): OVER takes an "
             "aggregate function");
    want_err(plan_err("INSERT INTO o SELECT id, SUM(amount) OVER (ORDER BY t), "
                      "COUNT(*) FROM Orders;"),
             "job.sql:3:57: error: COUNT without OVER beside OVER aggregates "
             "is not supported");
    want_err(plan_err("INSERT INTO o SELECT product, SUM(amount) OVER (ORDER "
                      "BY t), 1 FROM Orders GROUP BY product;"),
             "job.sql:3:43: error: OVER aggregation in a SELECT with GROUP BY");
    assert_string_equal(
        plan_err("INSERT INTO o SELECT id, SUM(amount) OVER w, "
                 "COUNT(*) OVER w FROM Orders WINDOW w AS "
                 "(PARTITION BY product ORDER BY t ROWS CURRENT ROW);"),
        "(planned)");
}

/* ROW_NUMBER() takes no frame, inline or from the WINDOW it names. */
static void test_plan_ranking_frame(void **st)
{
    (void)st;
    want_err(plan_err("INSERT INTO o SELECT id, rn, 1 FROM (SELECT id, "
                      "ROW_NUMBER() OVER (PARTITION BY product ORDER BY t "
                      "ROWS 2 PRECEDING) AS rn FROM Orders) WHERE rn <= 1;"),
             "job.sql:3:100: error: a window frame (ROWS/RANGE) is not "
             "supported with ROW_NUMBER");
    want_err(plan_err("INSERT INTO o SELECT id, rn, 1 FROM (SELECT id, "
                      "ROW_NUMBER() OVER w AS rn FROM Orders WINDOW w AS "
                      "(PARTITION BY product ORDER BY t ROWS 2 PRECEDING)) "
                      "WHERE rn <= 1;"),
             "job.sql:3:132: error: a window frame (ROWS/RANGE) is not "
             "supported with ROW_NUMBER");
}

/* A frame offset (or a window TVF's size) that reads a column is refused
 * where it reads it, not evaluated without a row. */
static void test_plan_offset_reads_column(void **st)
{
    (void)st;
    want_err(plan_err("INSERT INTO o SELECT id, SUM(amount) OVER (PARTITION "
                      "BY product ORDER BY t ROWS BETWEEN amount PRECEDING AND "
                      "CURRENT ROW), 1 FROM Orders;"),
             "job.sql:3:89: error: the ROWS frame's offset must be a "
             "constant; it reads column 'amount'");
    want_err(plan_err("INSERT INTO o SELECT id, SUM(amount) OVER (ORDER BY t "
                      "RANGE BETWEEN INTERVAL '1' SECOND * amount PRECEDING "
                      "AND CURRENT ROW), 1 FROM Orders;"),
             "job.sql:3:91: error: the RANGE frame's offset must be a "
             "constant; it reads column 'amount'");
    want_err(plan_err("INSERT INTO o SELECT id, 1, 2 FROM TABLE(TUMBLE(TABLE "
                      "Orders, DESCRIPTOR(t), INTERVAL '1' MINUTE * amount));"),
             "job.sql:3:100: error: the size of a window must be a constant "
             "INTERVAL; it reads column 'amount'");
}

/* Two windows that differ only in an INTERVAL's unit or a column's
 * table are two windows. */
static void test_plan_windows_differ(void **st)
{
    (void)st;
    want_err(plan_err("INSERT INTO o SELECT id, SUM(amount) OVER (ORDER BY t "
                      "RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT "
                      "ROW), COUNT(*) OVER (ORDER BY t RANGE BETWEEN INTERVAL "
                      "'1' MINUTE PRECEDING AND CURRENT ROW) FROM Orders;"),
             "job.sql:3:124: error: all OVER aggregates of a SELECT must be "
             "computed on the same window");
    want_err(plan_err("INSERT INTO o SELECT x.id, COUNT(*) OVER (PARTITION BY "
                      "x.product ORDER BY x.t), COUNT(*) OVER (PARTITION BY "
                      "y.product ORDER BY x.t) FROM Orders x, Orders y WHERE "
                      "x.id = y.id AND x.t BETWEEN y.t - INTERVAL '1' HOUR "
                      "AND y.t;"),
             "job.sql:3:90: error: all OVER aggregates of a SELECT must be "
             "computed on the same window");
}

/* No frame is RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW: one
 * window. */
static void test_plan_default_frame_same(void **st)
{
    (void)st;
    assert_string_equal(
        plan_err("INSERT INTO o SELECT id, COUNT(*) OVER (ORDER BY t), "
                 "COUNT(amount) OVER (ORDER BY t RANGE BETWEEN UNBOUNDED "
                 "PRECEDING AND CURRENT ROW) FROM Orders;"),
        "(planned)");
    assert_string_equal(
        plan_err("INSERT INTO o SELECT id, COUNT(*) OVER (ORDER BY t RANGE "
                 "UNBOUNDED PRECEDING), COUNT(amount) OVER (ORDER BY t) FROM "
                 "Orders;"),
        "(planned)");
    want_err(plan_err("INSERT INTO o SELECT id, COUNT(*) OVER (ORDER BY t), "
                      "COUNT(amount) OVER (ORDER BY t ROWS BETWEEN UNBOUNDED "
                      "PRECEDING AND CURRENT ROW) FROM Orders;"),
             "job.sql:3:68: error: all OVER aggregates of a SELECT must be "
             "computed on the same window");
}

/* PARTITION BY y.k over a join is y's k, not the first k. */
static void test_plan_qualified_partition(void **st)
{
    (void)st;
    struct rig g;
    rig_open(&g, ORDERS,
             "INSERT INTO o SELECT x.id, COUNT(*) OVER (PARTITION BY "
             "y.product ORDER BY x.t), 1 FROM Orders x, Orders y WHERE x.id "
             "= y.id AND x.t BETWEEN y.t - INTERVAL '1' HOUR AND y.t;",
             1);
    assert_int_equal(g.sp->npart, 1);
    /* x: id product t amount pt; y: id product t amount pt. */
    assert_int_equal(g.sp->part[0], 6);
    assert_int_equal(g.sp->tcol, 2);
    rig_close(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rowtime_rows),
        cmocka_unit_test(test_rowtime_range_peers),
        cmocka_unit_test(test_rowtime_keys_interleave),
        cmocka_unit_test(test_rowtime_ttl),
        cmocka_unit_test(test_rows_huge_offset),
        cmocka_unit_test(test_unbounded),
        cmocka_unit_test(test_proctime_rows),
        cmocka_unit_test(test_proctime_range),
        cmocka_unit_test(test_plan_refusals),
        cmocka_unit_test(test_plan_windows_differ),
        cmocka_unit_test(test_plan_default_frame_same),
        cmocka_unit_test(test_plan_offset_reads_column),
        cmocka_unit_test(test_plan_ranking_frame),
        cmocka_unit_test(test_plan_qualified_partition),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
