/*
 * test_reader_api.c - the public reader (holoflow.h: hf_reader_*) without
 * a server: the script a reader plans (identifiers backquoted, options as
 * literals, the WHERE on lines of its own), the planned graph it accepts
 * (the hologres source takes every conjunct of a supported WHERE, with the
 * columns used as hints; the projection maps output columns to table
 * columns) and what it refuses (a function the source cannot apply, a
 * WHERE that smuggles in another statement or query shape); option errors
 * before any connection, a refused connection without the password in the
 * message, and the accessors on NULL or out-of-range indexes. The scan
 * itself is tested against PostgreSQL by
 * tests/integration/test_reader_api.sh.
 */
/* cmocka.h needs these first */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <stdlib.h>
#include <string.h>

#include "connectors/connector.h"
#include "holoflow.h"
#include "runtime/graph.h"
#include "runtime/reader_int.h"
#include "sql/planner.h"

static hf_column_info_t info[] = {
    {.name = "id", .type = "BIGINT", .pg_type = "bigint"},
    {.name = "na`me", .type = "STRING", .pg_type = "text"},
    {.name = "pt", .type = NULL, .pg_type = "point"},
    {.name = "amount", .type = "DECIMAL(38, 2)", .pg_type = "numeric(38,2)"},
    {.name = "d", .type = "DOUBLE", .pg_type = "double precision"},
};

static const char *const opts[] = {
    "connector=hologres",  "endpoint=127.0.0.1:1",
    "dbname=db",           "tablename=public.t",
    "username=u",          "password=it's",
    "source.binlog=false", "source.filter-push-down.enabled=true"};

/* Plan the reader's script for columns sel and `where`: 0 and the job,
 * or -1 with err. */
static int plan(const size_t *sel, size_t nsel, const char *where,
                struct hf_job **job, struct hf_error *err)
{
    struct hf_strbuf sql;
    hf_strbuf_init(&sql, 0);
    int rc =
        hf_reader_script(info, 5, sel, NULL, nsel, opts, 8, where, &sql, err);
    if (rc == 0)
        rc = hf_sql_plan_text("reader", sql.data, NULL, 0, job, err);
    hf_strbuf_free(&sql);
    return rc;
}

static void test_script_text(void **st)
{
    (void)st;
    struct hf_strbuf sql;
    struct hf_error err;
    hf_error_clear(&err);
    hf_strbuf_init(&sql, 0);
    const size_t sel[] = {1, 0};
    assert_int_equal(
        hf_reader_script(info, 5, sel, NULL, 2, opts, 8, "id > 1", &sql, &err),
        0);
    assert_non_null(strstr(sql.data, "CREATE TABLE `hf_reader` (`id` BIGINT, "
                                     "`na``me` STRING, `amount` DECIMAL(38, "
                                     "2), `d` DOUBLE) WITH ("));
    assert_non_null(strstr(sql.data, "'password' = 'it''s'"));
    assert_non_null(strstr(sql.data, "CREATE TABLE `hf_reader_out` "
                                     "(`na``me` STRING, `id` BIGINT) WITH "
                                     "('connector' = 'blackhole');"));
    assert_non_null(strstr(sql.data, "SELECT `na``me`, `id` FROM "
                                     "`hf_reader`\nWHERE (\nid > 1\n);\n"));
    assert_null(strstr(sql.data, "`pt`"));
    hf_strbuf_free(&sql);

    /* A blank WHERE is none; an option without '=' is refused. */
    hf_strbuf_init(&sql, 0);
    assert_int_equal(
        hf_reader_script(info, 5, sel, NULL, 1, opts, 1, " \n", &sql, &err), 0);
    assert_null(strstr(sql.data, "WHERE"));
    hf_strbuf_free(&sql);
    const char *bad[] = {"endpoint"};
    hf_strbuf_init(&sql, 0);
    assert_int_equal(
        hf_reader_script(info, 5, sel, NULL, 1, bad, 1, NULL, &sql, &err), -1);
    assert_int_equal(err.code, HF_ERR_OPTION);
    hf_strbuf_free(&sql);
}

static void test_plan_pushes_where(void **st)
{
    (void)st;
    struct hf_job *job = NULL;
    struct hf_error err;
    hf_error_clear(&err);
    const size_t sel[] = {3, 0};
    assert_int_equal(plan(sel, 2,
                          "id BETWEEN 1 AND 9 AND (`na``me` IN "
                          "('a', 'b') OR amount IS NULL) AND d > 0.5",
                          &job, &err),
                     0);
    uint32_t map[2];
    struct hf_node *src = NULL;
    assert_int_equal(hf_reader_check_plan(job, 2, map, &src, &err), 0);
    /* hf_reader's columns: id, na`me, amount, d (pt has no type). */
    assert_int_equal(map[0], 2);
    assert_int_equal(map[1], 0);
    assert_non_null(src);
    assert_non_null(src->scan);
    assert_int_equal(src->scan->nfilters, 3);
    assert_non_null(src->scan->used);
    /* The projection's columns; the pushed conjuncts' columns are the
     * source's own business (it reads what it evaluates itself). */
    assert_true(src->scan->used[0] && src->scan->used[2]);
    assert_false(src->scan->used[1]);
    hf_job_free(job);

    /* No WHERE: no filter, only the selected columns used. */
    job = NULL;
    assert_int_equal(plan(sel, 1, NULL, &job, &err), 0);
    assert_int_equal(hf_reader_check_plan(job, 1, map, &src, &err), 0);
    assert_int_equal(map[0], 2);
    assert_non_null(src->scan);
    assert_int_equal(src->scan->nfilters, 0);
    assert_false(src->scan->used[0]);
    assert_true(src->scan->used[2]);
    hf_job_free(job);
}

static void test_plan_refusals(void **st)
{
    (void)st;
    struct hf_job *job = NULL;
    struct hf_error err;
    const size_t sel[] = {0};
    uint32_t map[1];
    struct hf_node *src = NULL;

    /* A function stays in the calc: refused, naming what is taken. */
    hf_error_clear(&err);
    assert_int_equal(plan(sel, 1, "UPPER(`na``me`) = 'X'", &job, &err), 0);
    assert_int_equal(hf_reader_check_plan(job, 1, map, &src, &err), -1);
    assert_int_equal(err.code, HF_ERR_USAGE);
    assert_non_null(strstr(err.msg, "cannot apply all of the where clause"));
    hf_job_free(job);

    /* Another statement after the WHERE changes the graph: refused. */
    job = NULL;
    hf_error_clear(&err);
    int rc = plan(sel, 1,
                  "id > 1);\nINSERT INTO `hf_reader_out` SELECT id "
                  "FROM `hf_reader` WHERE (id < 0",
                  &job, &err);
    if (rc == 0) {
        assert_int_equal(hf_reader_check_plan(job, 1, map, &src, &err), -1);
        assert_int_equal(err.code, HF_ERR_USAGE);
    }
    hf_job_free(job);

    /* An unknown column is the planner's error, naming it. */
    job = NULL;
    hf_error_clear(&err);
    assert_int_equal(plan(sel, 1, "nope = 1", &job, &err), -1);
    assert_non_null(strstr(err.msg, "nope"));
    assert_null(job);
}

static void test_open_errors(void **st)
{
    (void)st;
    char msg[512];
    hf_err_t e = HF_OK;
    /* An option error is found before connecting. */
    const char *bad[] = {
        "endpoint=127.0.0.1:1", "dbname=db",
        "tablename=t",          "username=u",
        "password=s3cr3tpw",    "source.scan.split-count=zero"};
    assert_null(
        hf_reader_open(bad, 6, NULL, NULL, 0, NULL, &e, msg, sizeof msg));
    assert_int_equal(e, HF_ERR_OPTION);
    assert_non_null(strstr(msg, "source.scan.split-count"));
    /* Nothing listens on port 1: a connection error, password hidden. */
    e = HF_OK;
    assert_null(
        hf_reader_open(bad, 5, NULL, NULL, 0, NULL, &e, msg, sizeof msg));
    assert_int_equal(e, HF_ERR_CONNECT);
    assert_null(strstr(msg, "s3cr3tpw"));
    /* The listed binlog option is honoured, so the source is unbounded:
     * the option check still comes first (bad value). */
    const char *binlog[] = {"endpoint=127.0.0.1:1", "dbname=db", "tablename=t",
                            "source.binlog=maybe"};
    e = HF_OK;
    assert_null(
        hf_reader_open(binlog, 4, NULL, NULL, 0, NULL, &e, msg, sizeof msg));
    assert_int_equal(e, HF_ERR_OPTION);
}

static void test_null_reader(void **st)
{
    (void)st;
    hf_reader_close(NULL);
    hf_reader_stop(NULL);
    assert_int_equal(hf_reader_ncols(NULL), 0);
    assert_null(hf_reader_col_name(NULL, 0));
    assert_null(hf_reader_col_type(NULL, 0));
    int64_t unit = 7;
    assert_int_equal(hf_reader_col_vec(NULL, 0, &unit), HF_VEC_NULL);
    assert_int_equal(unit, 0);
    assert_true(hf_reader_is_null(NULL, 0, 0));
    assert_int_equal(hf_reader_get_int64(NULL, 0, 0), 0);
    assert_null(hf_reader_get_text(NULL, 0, 0, NULL));
    assert_int_equal(hf_reader_get_column(NULL, 0, NULL, NULL), HF_ERR_USAGE);
    assert_int_equal(hf_reader_rows(NULL), 0);
    size_t n = 5;
    char msg[128];
    assert_int_equal(hf_reader_next(NULL, &n, msg, sizeof msg), HF_ERR_STATE);
    assert_int_equal(n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_script_text),
        cmocka_unit_test(test_plan_pushes_where),
        cmocka_unit_test(test_plan_refusals),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_null_reader),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
