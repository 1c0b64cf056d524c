/*
 * test_rank.c - ROW_NUMBER() deduplication and Top-N: the planner's choice
 * of operator and its refusals, and the operators' exact changelogs on
 * small inputs (Flink's documented traces, flink-stateful-sql.md section
 * 2), driven as the runtime drives them with a hashmap state backend.
 *
 * Top-N over insert-only input with and without the row number (the
 * reference's five-row trace, ties with the worst row staying out), over
 * updating input (a retraction brings in the next row, or shifts the
 * slots up and deletes the last one), a retraction of a row never seen
 * (dropped); deduplication keep-first/keep-last on proctime and rowtime.
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
#include "ops/rank.h"
#include "sql/planner.h"
#include "state/state.h"

/* ------------------------------------------------------------ rig */

struct rig {
    struct hf_job *job;
    const struct hf_node *node;
    const struct hf_rank_spec *sp;
    struct hf_state_backend *be;
    struct hf_state *st;
    struct hf_rbuf_pool *in_pool, *out_pool;
    void *state;
    struct hf_op_out out;
    uint32_t show; /* input columns printed */
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
        uint32_t n = g->show;
        for (uint32_t c = 0; c <= n; c++) {
            uint32_t col = c;
            if (c == n) {
                if (g->node->op != &hf_op_rank || !g->sp->out_rn)
                    break;
                col = g->sp->in->ncols;
            }
            if (c)
                hf_strbuf_puts(&g->got, ", ");
            if (row[col].null)
                hf_strbuf_puts(&g->got, "NULL");
            else
                hf_value_to_text(&s->cols[col].type, &row[col], &g->got);
        }
        hf_strbuf_puts(&g->got, "] ");
    }
    return 0;
}

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
    for (uint32_t i = 0; i < g->job->graph.nnodes; i++) {
        const struct hf_node *n = &g->job->graph.nodes[i];
        if (n->op == &hf_op_rank || n->op == &hf_op_deduplicate)
            g->node = n;
    }
    assert_non_null(g->node);
    g->sp = g->node->spec;
    g->show = show;
    struct hf_state_config c = {0};
    c.type = HF_STATE_HASHMAP;
    c.num_retained = 1;
    c.max_parallelism = 128;
    assert_int_equal(hf_state_backend_open(&c, &g->be, &err), 0);
    g->in_pool = hf_rbuf_pool_new(g->sp->in->ncols, 8, 2);
    g->out_pool = hf_rbuf_pool_new(g->node->schema->ncols, 8, 2);
    struct hf_op_env env = {.node = g->node,
                            .uid = "n3-rank",
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

/* Push one row: kind, then the input columns as text ("NULL" for NULL),
 * and return what the operator emitted for it. */
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
    /* Trim the last blank. */
    if (g->got.len)
        g->got.data[--g->got.len] = '\0';
    return g->got.data ? g->got.data : "";
}

static void rig_close(struct rig *g)
{
    g->node->op->close(g->state);
    hf_state_close(g->st);
    hf_state_backend_close(g->be);
    hf_rbuf_pool_destroy(g->in_pool);
    hf_rbuf_pool_destroy(g->out_pool);
    hf_strbuf_free(&g->got);
    hf_job_free(g->job);
}

#define I HF_ROW_INSERT
#define UB HF_ROW_UPDATE_BEFORE
#define UA HF_ROW_UPDATE_AFTER
#define D HF_ROW_DELETE

static const char *const SHOP =
    "CREATE TABLE s (p STRING, sales BIGINT, cat STRING) WITH ("
    "'connector' = 'datagen');\n"
    "CREATE TABLE o3 (p STRING, sales BIGINT, rn BIGINT) WITH ('connector' "
    "= 'print');\n"
    "CREATE TABLE o2 (p STRING, sales BIGINT) WITH ('connector' = "
    "'print');\n";

static const char *const SHOP_CDC =
    "CREATE TABLE s (p STRING, sales BIGINT, cat STRING) WITH ("
    "'connector' = 'filesystem', 'path' = '/nonexistent', 'format' = "
    "'debezium-json');\n"
    "CREATE TABLE o3 (p STRING, sales BIGINT, rn BIGINT) WITH ('connector' "
    "= 'print');\n"
    "CREATE TABLE o2 (p STRING, sales BIGINT) WITH ('connector' = "
    "'print');\n";

/* The ranking reads every column of s (p, sales, cat); the rig shows
 * the first two. */
#define TOPN_RN                                                                \
    "INSERT INTO o3 SELECT p, sales, rn FROM (SELECT p, sales, cat, "          \
    "ROW_NUMBER() OVER (PARTITION BY cat ORDER BY sales DESC) AS rn FROM s) "  \
    "WHERE rn <= 3;"
#define TOPN                                                                   \
    "INSERT INTO o2 SELECT p, sales FROM (SELECT p, sales, cat, "              \
    "ROW_NUMBER() OVER (PARTITION BY cat ORDER BY sales DESC) AS rn FROM s) "  \
    "WHERE rn <= 3;"

static const char *shop(struct rig *g, enum hf_rowkind k, const char *p,
                        const char *sales)
{
    return push(g, k, p, sales, "c");
}

/* ------------------------------------------------------------ Top-N */

static void test_topn_append_rownum(void **st)
{
    (void)st;
    struct rig g;
    rig_open(&g, SHOP, TOPN_RN, 2);
    assert_ptr_equal(g.node->op, &hf_op_rank);
    assert_true(g.sp->out_rn);
    assert_false(g.sp->updating_input);
    assert_int_equal(g.sp->n, 3);
    assert_string_equal(shop(&g, I, "p1", "10"), "+I[p1, 10, 1]");
    assert_string_equal(shop(&g, I, "p2", "30"),
                        "-U[p1, 10, 1] +U[p2, 30, 1] +I[p1, 10, 2]");
    assert_string_equal(shop(&g, I, "p3", "20"),
                        "-U[p1, 10, 2] +U[p3, 20, 2] +I[p1, 10, 3]");
    assert_string_equal(shop(&g, I, "p4", "40"),
                        "-U[p2, 30, 1] +U[p4, 40, 1] -U[p3, 20, 2] "
                        "+U[p2, 30, 2] -U[p1, 10, 3] +U[p3, 20, 3]");
    /* Ties the worst row: stays out. */
    assert_string_equal(shop(&g, I, "p5", "20"), "");
    /* Insert-only input keeps N rows per partition only. */
    assert_int_equal(hf_state_count(g.st), 1);
    rig_close(&g);
}

static void test_topn_append_no_rownum(void **st)
{
    (void)st;
    struct rig g;
    rig_open(&g, SHOP, TOPN, 2);
    assert_ptr_equal(g.node->op, &hf_op_rank);
    assert_false(g.sp->out_rn);
    assert_string_equal(shop(&g, I, "p1", "10"), "+I[p1, 10]");
    assert_string_equal(shop(&g, I, "p2", "30"), "+I[p2, 30]");
    assert_string_equal(shop(&g, I, "p3", "20"), "+I[p3, 20]");
    assert_string_equal(shop(&g, I, "p4", "40"), "-D[p1, 10] +I[p4, 40]");
    assert_string_equal(shop(&g, I, "p5", "20"), "");
    /* Another partition ranks on its own. */
    assert_string_equal(push(&g, I, "q1", "1", "d"), "+I[q1, 1]");
    rig_close(&g);
}

static void test_topn_retract_rownum(void **st)
{
    (void)st;
    struct rig g;
    rig_open(&g, SHOP_CDC, TOPN_RN, 2);
    assert_true(g.sp->updating_input);
    assert_true(g.sp->out_rn);
    shop(&g, I, "p1", "10");
    shop(&g, I, "p2", "30");
    shop(&g, I, "p3", "20");
    shop(&g, I, "p4", "40");
    /* p2 leaves: the slots after it shift up, p1 comes back at 3. */
    assert_string_equal(shop(&g, D, "p2", "30"),
                        "-U[p2, 30, 2] +U[p3, 20, 2] -U[p3, 20, 3] "
                        "+U[p1, 10, 3]");
    /* p4 leaves: nobody fills slot 3. */
    assert_string_equal(shop(&g, UB, "p4", "40"),
                        "-U[p4, 40, 1] +U[p3, 20, 1] -U[p3, 20, 2] "
                        "+U[p1, 10, 2] -D[p1, 10, 3]");
    /* and comes back updated. */
    assert_string_equal(shop(&g, UA, "p4", "15"),
                        "-U[p1, 10, 2] +U[p4, 15, 2] +I[p1, 10, 3]");
    /* A row never seen: dropped; a row beyond N: nothing emitted. */
    assert_string_equal(shop(&g, D, "p9", "99"), "");
    assert_string_equal(shop(&g, I, "p6", "5"), "");
    assert_string_equal(shop(&g, D, "p6", "5"), "");
    rig_close(&g);
}

static void test_topn_retract_no_rownum(void **st)
{
    (void)st;
    struct rig g;
    rig_open(&g, SHOP_CDC, TOPN, 2);
    assert_false(g.sp->out_rn);
    shop(&g, I, "p1", "10");
    shop(&g, I, "p2", "30");
    shop(&g, I, "p3", "20");
    assert_string_equal(shop(&g, I, "p4", "40"), "-D[p1, 10] +I[p4, 40]");
    /* The row below the top N moves up. */
    assert_string_equal(shop(&g, D, "p2", "30"), "-D[p2, 30] +I[p1, 10]");
    assert_string_equal(shop(&g, D, "p4", "40"), "-D[p4, 40]");
    assert_string_equal(shop(&g, D, "p3", "20"), "-D[p3, 20]");
    assert_string_equal(shop(&g, D, "p1", "10"), "-D[p1, 10]");
    /* The partition is empty: its state entry is gone. */
    assert_int_equal(hf_state_count(g.st), 0);
    rig_close(&g);
}

/* Equal sort keys rank by arrival; a retraction removes the row equal in
 * every column, not the first of its sort key. */
static void test_topn_ties(void **st)
{
    (void)st;
    struct rig g;
    rig_open(&g, SHOP_CDC, TOPN_RN, 2);
    assert_string_equal(shop(&g, I, "a", "5"), "+I[a, 5, 1]");
    assert_string_equal(shop(&g, I, "b", "5"), "+I[b, 5, 2]");
    assert_string_equal(shop(&g, I, "c", "5"), "+I[c, 5, 3]");
    assert_string_equal(shop(&g, I, "d", "5"), "");
    assert_string_equal(shop(&g, D, "b", "5"),
                        "-U[b, 5, 2] +U[c, 5, 2] -U[c, 5, 3] +U[d, 5, 3]");
    rig_close(&g);
}

/* ------------------------------------------------------------ dedup */

static const char *const CLICKS =
    "CREATE TABLE s (k STRING, v STRING, pt AS PROCTIME()) WITH ("
    "'connector' = 'datagen');\n"
    "CREATE TABLE o (k STRING, v STRING) WITH ('connector' = 'print');\n";

static void test_dedup_proctime_last(void **st)
{
    (void)st;
    struct rig g;
    rig_open(&g, CLICKS,
             "INSERT INTO o SELECT k, v FROM (SELECT *, ROW_NUMBER() OVER "
             "(PARTITION BY k ORDER BY pt DESC) AS rn FROM s) WHERE rn = 1;",
             2);
    assert_ptr_equal(g.node->op, &hf_op_deduplicate);
    assert_true(g.sp->keep_last);
    assert_false(g.sp->rowtime);
    const char *t = "2026-01-01 00:00:00";
    assert_string_equal(push(&g, I, "k1", "a", t), "+I[k1, a]");
    assert_string_equal(push(&g, I, "k1", "b", t), "-U[k1, a] +U[k1, b]");
    assert_string_equal(push(&g, I, "k1", "b", t), "");
    assert_string_equal(push(&g, I, "k2", "c", t), "+I[k2, c]");
    rig_close(&g);
}

/* With table.exec.state.ttl on, an unchanged row is sent again (Flink
 * refreshes the TTLs downstream). */
static void test_dedup_proctime_last_ttl(void **st)
{
    (void)st;
    struct rig g;
    char ddl[1024];
    snprintf(ddl, sizeof ddl, "SET 'table.exec.state.ttl' = '1 h';\n%s",
             CLICKS);
    rig_open(&g, ddl,
             "INSERT INTO o SELECT k, v FROM (SELECT *, ROW_NUMBER() OVER "
             "(PARTITION BY k ORDER BY pt DESC) AS rn FROM s) WHERE rn = 1;",
             2);
    assert_true(g.sp->ttl);
    const char *t = "2026-01-01 00:00:00";
    assert_string_equal(push(&g, I, "k1", "a", t), "+I[k1, a]");
    assert_string_equal(push(&g, I, "k1", "a", t), "-U[k1, a] +U[k1, a]");
    rig_close(&g);
}

static void test_dedup_proctime_first(void **st)
{
    (void)st;
    struct rig g;
    rig_open(&g, CLICKS,
             "INSERT INTO o SELECT k, v FROM (SELECT *, ROW_NUMBER() OVER "
             "(PARTITION BY k ORDER BY pt ASC) AS rn FROM s) WHERE rn <= 1;",
             2);
    assert_ptr_equal(g.node->op, &hf_op_deduplicate);
    assert_false(g.sp->keep_last);
    const char *t = "2026-01-01 00:00:00";
    assert_string_equal(push(&g, I, "k1", "a", t), "+I[k1, a]");
    assert_string_equal(push(&g, I, "k1", "b", t), "");
    assert_string_equal(push(&g, I, "k2", "c", t), "+I[k2, c]");
    rig_close(&g);
}

static const char *const EVENTS =
    "CREATE TABLE s (k STRING, ts TIMESTAMP(3), v STRING, WATERMARK FOR ts "
    "AS ts - INTERVAL '5' SECOND) WITH ('connector' = 'datagen');\n"
    "CREATE TABLE o (k STRING, ts TIMESTAMP(3), v STRING) WITH ('connector' "
    "= 'print');\n";

static void test_dedup_rowtime_last(void **st)
{
    (void)st;
    struct rig g;
    rig_open(&g, EVENTS,
             "INSERT INTO o SELECT k, ts, v FROM (SELECT *, ROW_NUMBER() "
             "OVER (PARTITION BY k ORDER BY ts DESC) AS rn FROM s) WHERE rn "
             "= 1;",
             3);
    assert_ptr_equal(g.node->op, &hf_op_deduplicate);
    assert_true(g.sp->rowtime);
    assert_true(g.sp->keep_last);
    const char *t10 = "2026-01-01 00:00:10", *t8 = "2026-01-01 00:00:08";
    assert_string_equal(push(&g, I, "k1", t10, "a"),
                        "+I[k1, 2026-01-01 00:00:10.000, a]");
    assert_string_equal(push(&g, I, "k1", t8, "b"), "");
    assert_string_equal(push(&g, I, "k1", t10, "c"),
                        "-U[k1, 2026-01-01 00:00:10.000, a] "
                        "+U[k1, 2026-01-01 00:00:10.000, c]");
    /* No equality check on rowtime: the same row again is an update. */
    assert_string_equal(push(&g, I, "k1", t10, "c"),
                        "-U[k1, 2026-01-01 00:00:10.000, c] "
                        "+U[k1, 2026-01-01 00:00:10.000, c]");
    rig_close(&g);
}

static void test_dedup_rowtime_first(void **st)
{
    (void)st;
    struct rig g;
    rig_open(&g, EVENTS,
             "INSERT INTO o SELECT k, ts, v FROM (SELECT *, ROW_NUMBER() "
             "OVER (PARTITION BY k ORDER BY ts) AS rn FROM s) WHERE rn = 1;",
             3);
    assert_ptr_equal(g.node->op, &hf_op_deduplicate);
    assert_true(g.sp->rowtime);
    assert_false(g.sp->keep_last);
    assert_string_equal(push(&g, I, "k1", "2026-01-01 00:00:10", "a"),
                        "+I[k1, 2026-01-01 00:00:10.000, a]");
    assert_string_equal(push(&g, I, "k1", "2026-01-01 00:00:08", "b"),
                        "-U[k1, 2026-01-01 00:00:10.000, a] "
                        "+U[k1, 2026-01-01 00:00:08.000, b]");
    assert_string_equal(push(&g, I, "k2", "2026-01-01 00:00:30", "c"),
                        "+I[k2, 2026-01-01 00:00:30.000, c]");
    assert_string_equal(push(&g, I, "k1", "2026-01-01 00:00:09", "d"), "");
    /* A tie keeps the incumbent. */
    assert_string_equal(push(&g, I, "k1", "2026-01-01 00:00:08", "e"), "");
    rig_close(&g);
}

/* ------------------------------------------------------------ planning */

static const char *plan_err(const char *ddl, const char *insert)
{
    static char msg[HF_ERRMSG_MAX];
    char sql[2048];
    snprintf(sql, sizeof sql, "%s%s\n", ddl, insert);
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

static void test_plan_choices(void **st)
{
    (void)st;
    struct rig g;
    /* rn selected: Top-N with rn, even for rn = 1 on a time attribute. */
    rig_open(&g,
             "CREATE TABLE s (k STRING, v STRING, pt AS PROCTIME()) WITH ("
             "'connector' = 'datagen');\n"
             "CREATE TABLE o (k STRING, v STRING, rn BIGINT) WITH "
             "('connector' = 'print');\n",
             "INSERT INTO o SELECT k, v, rn FROM (SELECT k, v, ROW_NUMBER() "
             "OVER (PARTITION BY k ORDER BY pt DESC) AS rn FROM s) WHERE rn "
             "= 1;",
             2);
    assert_ptr_equal(g.node->op, &hf_op_rank);
    assert_true(g.sp->out_rn);
    assert_int_equal(g.sp->n, 1);
    rig_close(&g);
    /* A view selecting * whose reader drops rn: deduplication (Flink
     * prunes the unused rn). */
    rig_open(&g, CLICKS,
             "CREATE VIEW v AS SELECT * FROM (SELECT *, ROW_NUMBER() OVER "
             "(PARTITION BY k ORDER BY pt) AS rn FROM s) WHERE rn = 1;\n"
             "INSERT INTO o SELECT k, v FROM v;",
             2);
    assert_ptr_equal(g.node->op, &hf_op_deduplicate);
    rig_close(&g);
    /* rn < 4, BETWEEN 1 AND 3, 3 >= rn: top 3; WITH query. */
    const char *forms[] = {"rn < 4", "rn BETWEEN 1 AND 3", "3 >= rn",
                           "rn <= 3 AND rn >= 1"};
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        char q[512];
        snprintf(q, sizeof q,
                 "INSERT INTO o2 WITH r AS (SELECT p, sales, cat, "
                 "ROW_NUMBER() OVER (PARTITION BY cat ORDER BY sales DESC) "
                 "AS rn FROM s) SELECT p, sales FROM r WHERE %s;",
                 forms[i]);
        rig_open(&g, SHOP, q, 2);
        assert_int_equal(g.sp->n, 3);
        assert_false(g.sp->out_rn);
        rig_close(&g);
    }
}

static const char *const HOLO =
    "CREATE TABLE s (p STRING, sales BIGINT, cat STRING) WITH ("
    "'connector' = 'datagen');\n"
    "CREATE TABLE h (cat STRING, rn BIGINT, p STRING, sales BIGINT, PRIMARY "
    "KEY (cat, rn) NOT ENFORCED) WITH ('connector' = 'hologres', 'endpoint' "
    "= 'h:5432', 'dbname' = 'd', 'tablename' = 't', 'username' = 'u', "
    "'password' = 'x');\n"
    "CREATE TABLE h2 (p STRING, sales BIGINT, cat STRING, PRIMARY KEY (p) "
    "NOT ENFORCED) WITH ('connector' = 'hologres', 'endpoint' = 'h:5432', "
    "'dbname' = 'd', 'tablename' = 't', 'username' = 'u', 'password' = "
    "'x');\n";

/* -U or not (flink-stateful-sql.md 1.2): a retract sink gets -U; an
 * upsert sink keyed exactly by the upsert key (partition key + rn) gets
 * +U only, unless a filter between needs -U. */
static void test_plan_update_before(void **st)
{
    (void)st;
    struct rig g;
    rig_open(&g, HOLO,
             "INSERT INTO h SELECT cat, rn, p, sales FROM (SELECT *, "
             "ROW_NUMBER() OVER (PARTITION BY cat ORDER BY sales DESC) AS rn "
             "FROM s) WHERE rn <= 3;",
             2);
    assert_true(g.sp->out_rn);
    assert_false(g.sp->emit_before);
    /* Without -U the shifted slots are +U only. */
    assert_string_equal(push(&g, I, "p1", "10", "c"), "+I[p1, 10, 1]");
    assert_string_equal(push(&g, I, "p2", "30", "c"),
                        "+U[p2, 30, 1] +I[p1, 10, 2]");
    rig_close(&g);
    rig_open(&g, HOLO,
             "INSERT INTO h SELECT cat, rn, p, sales FROM (SELECT *, "
             "ROW_NUMBER() OVER (PARTITION BY cat ORDER BY sales DESC) AS rn "
             "FROM s) WHERE rn <= 3 AND p <> 'x';",
             2);
    assert_true(g.sp->emit_before);
    rig_close(&g);
    rig_open(&g, SHOP, TOPN_RN, 2);
    assert_true(g.sp->emit_before);
    rig_close(&g);
}

/* Keep-last deduplication into an upsert sink keyed by the partition
 * key: +U without -U; the first row +I, or +U when
 * table.exec.deduplicate.insert-update-after-sensitive-enabled is false. */
static void test_dedup_upsert_sink(void **st)
{
    (void)st;
    static const char *const sets[] = {
        "",
        "SET 'table.exec.deduplicate.insert-update-after-sensitive-enabled' "
        "= 'false';\n"};
    static const char *const first[] = {"+I[k1, a]", "+U[k1, a]"};
    for (int i = 0; i < 2; i++) {
        char ddl[1024];
        snprintf(ddl, sizeof ddl,
                 "%sCREATE TABLE s (k STRING, v STRING, pt AS PROCTIME()) "
                 "WITH ('connector' = 'datagen');\n"
                 "CREATE TABLE h (k STRING, v STRING, PRIMARY KEY (k) NOT "
                 "ENFORCED) WITH ('connector' = 'hologres', 'endpoint' = "
                 "'h:5432', 'dbname' = 'd', 'tablename' = 't', 'username' = "
                 "'u', 'password' = 'x');\n",
                 sets[i]);
        struct rig g;
        rig_open(&g, ddl,
                 "INSERT INTO h SELECT k, v FROM (SELECT *, ROW_NUMBER() "
                 "OVER (PARTITION BY k ORDER BY pt DESC) AS rn FROM s) WHERE "
                 "rn = 1;",
                 2);
        assert_false(g.sp->emit_before);
        const char *t = "2026-01-01 00:00:00";
        assert_string_equal(push(&g, I, "k1", "a", t), first[i]);
        assert_string_equal(push(&g, I, "k1", "b", t), "+U[k1, b]");
        rig_close(&g);
    }
}

static void test_plan_refusals(void **st)
{
    (void)st;
    want_err(plan_err(SHOP, "INSERT INTO o2 SELECT p, sales FROM (SELECT *, "
                            "RANK() OVER (PARTITION BY cat ORDER BY sales) "
                            "AS r FROM s) WHERE r <= 3;"),
             "job.sql:4:48: error: RANK() OVER (...) is not supported");
    want_err(plan_err(SHOP, "INSERT INTO o3 SELECT p, sales, SUM(sales) OVER "
                            "(PARTITION BY cat) FROM s;"),
             "job.sql:4:44: error: an OVER window needs ORDER BY a time "
             "attribute in streaming mode");
    want_err(plan_err(SHOP, "INSERT INTO o3 SELECT p, sales, ROW_NUMBER() "
                            "OVER (PARTITION BY cat ORDER BY sales) FROM s;"),
             "job.sql:4:46: error: ROW_NUMBER() OVER (...) needs the query "
             "reading it to keep a top range");
    want_err(plan_err(SHOP, "INSERT INTO o2 SELECT p, sales FROM (SELECT *, "
                            "ROW_NUMBER() OVER (PARTITION BY cat ORDER BY "
                            "sales) AS rn FROM s) WHERE rn > 1 AND rn <= 3;"),
             "job.sql:4:16: error: a rank range starting above 1 (rn >= 2) "
             "is not supported");
    want_err(plan_err(SHOP, "INSERT INTO o2 SELECT p, sales FROM (SELECT *, "
                            "ROW_NUMBER() OVER (PARTITION BY cat ORDER BY "
                            "sales) AS rn FROM s) WHERE p <> 'x';"),
             "job.sql:4:16: error: ROW_NUMBER() OVER (...) at line 4 needs "
             "the query reading it to keep a top range");
    want_err(plan_err(SHOP, "INSERT INTO o2 SELECT p, sales FROM (SELECT *, "
                            "ROW_NUMBER() OVER (PARTITION BY cat ORDER BY "
                            "sales ROWS BETWEEN UNBOUNDED PRECEDING AND "
                            "CURRENT ROW) AS rn FROM s) WHERE rn = 1;"),
             "job.sql:4:99: error: a window frame (ROWS/RANGE) is not "
             "supported");
    want_err(plan_err(SHOP, "INSERT INTO o2 SELECT cat, COUNT(*) FROM "
                            "(SELECT cat, ROW_NUMBER() OVER (ORDER BY cat) "
                            "AS rn FROM s GROUP BY cat) WHERE rn = 1 GROUP "
                            "BY cat;"),
             "job.sql:4:55: error: ROW_NUMBER() in an aggregating SELECT is "
             "not supported");
    /* Updates into a sink that takes only inserts. */
    want_err(plan_err("CREATE TABLE s (cat STRING, p STRING, sales BIGINT) "
                      "WITH ('connector' = 'datagen');\n"
                      "CREATE TABLE f (p STRING, sales BIGINT) WITH "
                      "('connector' = 'kafka', 'topic' = 't', "
                      "'properties.bootstrap.servers' = 'h:9092', "
                      "'format' = 'json');\n",
                      "INSERT INTO f SELECT p, sales FROM (SELECT *, "
                      "ROW_NUMBER() OVER (PARTITION BY cat ORDER BY sales) "
                      "AS rn FROM s) WHERE rn <= 2;"),
             "job.sql:3:13: error: Table sink 'f' (connector 'kafka') "
             "doesn't support consuming update changes which is produced by "
             "node Rank(rankType=[ROW_NUMBER], rankRange=[rankStart=1, "
             "rankEnd=2], partitionBy=[cat], orderBy=[sales ASC], "
             "outputRankNumber=[false])");
    /* An upsert sink whose key is not the query's upsert key: planned,
     * with a SinkUpsertMaterializer (tests/unit/test_sql_queries.c). */
    assert_string_equal(
        plan_err(HOLO, "INSERT INTO h2 SELECT p, sales, cat FROM (SELECT *, "
                       "ROW_NUMBER() OVER (PARTITION BY cat ORDER BY sales) "
                       "AS rn FROM s) WHERE rn <= 2;"),
        "(planned)");
    /* ... while keep-first proctime deduplication is insert-only. */
    assert_string_equal(
        plan_err("CREATE TABLE s (k STRING, v STRING, pt AS PROCTIME()) WITH "
                 "('connector' = 'datagen');\n"
                 "CREATE TABLE f (k STRING, v STRING) WITH ('connector' = "
                 "'kafka', 'topic' = 't', 'properties.bootstrap.servers' = "
                 "'h:9092', 'format' = 'json');\n",
                 "INSERT INTO f SELECT k, v FROM (SELECT *, ROW_NUMBER() "
                 "OVER (PARTITION BY k ORDER BY pt) AS rn FROM s) WHERE rn = "
                 "1;"),
        "(planned)");
    /* Deduplication over a changelog: refused, as Flink does. */
    want_err(
        plan_err("CREATE TABLE s (k STRING, v STRING, pt AS PROCTIME()) WITH "
                 "('connector' = 'filesystem', 'path' = '/x', 'format' = "
                 "'debezium-json');\n"
                 "CREATE TABLE o (k STRING, v STRING) WITH ('connector' = "
                 "'print');\n",
                 "INSERT INTO o SELECT k, v FROM (SELECT *, ROW_NUMBER() OVER "
                 "(PARTITION BY k ORDER BY pt) AS rn FROM s) WHERE rn = 1;"),
        "job.sql:3:56: error: deduplication (ROW_NUMBER() ... ORDER BY a "
        "time attribute, rn = 1) does not support consuming update and "
        "delete changes");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_topn_append_rownum),
        cmocka_unit_test(test_topn_append_no_rownum),
        cmocka_unit_test(test_topn_retract_rownum),
        cmocka_unit_test(test_topn_retract_no_rownum),
        cmocka_unit_test(test_topn_ties),
        cmocka_unit_test(test_dedup_proctime_last),
        cmocka_unit_test(test_dedup_proctime_last_ttl),
        cmocka_unit_test(test_dedup_proctime_first),
        cmocka_unit_test(test_dedup_rowtime_last),
        cmocka_unit_test(test_dedup_rowtime_first),
        cmocka_unit_test(test_plan_choices),
        cmocka_unit_test(test_plan_update_before),
        cmocka_unit_test(test_dedup_upsert_sink),
        cmocka_unit_test(test_plan_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
