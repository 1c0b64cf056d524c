/*
 * test_writer_columns.c - hf_writer_put_columns (holoflow.h): typed column
 * vectors become exactly the values their columns' types hold, checked
 * through the print sink's lines (Flink's text of each value): integers
 * with null masks, NaN as NULL, floats into DECIMAL rounded HALF_UP from
 * their shortest text, datetime64 ticks of any unit into TIMESTAMP,
 * TIMESTAMP_LTZ and DATE, timedelta into TIME, text parsed by the
 * column's type, bytes into strings, lists into arrays, row kinds; and a
 * value that does not fit stops at the first bad row in row order with a
 * message naming the column, the row and the value, the rows before it
 * kept. Runs without a server, also under ASan+UBSan.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "holoflow.h"

struct capture {
    int saved;
    char path[64];
};

static void capture_begin(struct capture *c)
{
    fflush(stdout);
    snprintf(c->path, sizeof c->path, "/tmp/hf_wcols_XXXXXX");
    int tmp = mkstemp(c->path);
    assert_true(tmp >= 0);
    c->saved = dup(1);
    assert_true(dup2(tmp, 1) >= 0);
    close(tmp);
}

static char *capture_end(struct capture *c)
{
    fflush(stdout);
    dup2(c->saved, 1);
    close(c->saved);
    FILE *f = fopen(c->path, "rb");
    assert_non_null(f);
    static char buf[16384];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    unlink(c->path);
    return buf;
}

static const char *const print_opts[] = {"connector=print"};

static hf_writer_t *open_writer(const char *columns)
{
    char err[512];
    hf_writer_t *w = hf_writer_open(columns, print_opts, 1, 0, NULL, err,
                                    sizeof err);
    if (w == NULL)
        fail_msg("hf_writer_open: %s", err);
    return w;
}

static void test_numbers(void **state)
{
    (void)state;
    hf_writer_t *w = open_writer("i INT, b BIGINT, d DECIMAL(10, 2), "
                                 "x DOUBLE, f FLOAT, t BOOLEAN, s STRING");
    int64_t i64[] = {1, -2147483648LL, 7};
    uint8_t inull[] = {0, 0, 1};
    int16_t i16[] = {-32768, 0, 32767};
    double dd[] = {2.675, 1.005, NAN};
    double xx[] = {0.1, NAN, 1e300};
    float ff[] = {1.5f, -0.25f, 3.0f};
    uint8_t tt[] = {1, 0, 1};
    double ss[] = {2.5, 3.0, -0.0};
    hf_vec_t cols[] = {
        {.type = HF_VEC_INT64, .data = i64, .nulls = inull},
        {.type = HF_VEC_INT16, .data = i16},
        {.type = HF_VEC_FLOAT64, .data = dd, .nan_is_null = 1},
        {.type = HF_VEC_FLOAT64, .data = xx, .nan_is_null = 1},
        {.type = HF_VEC_FLOAT32, .data = ff},
        {.type = HF_VEC_BOOL, .data = tt},
        {.type = HF_VEC_FLOAT64, .data = ss},
    };
    uint8_t kinds[] = {HF_ROWKIND_INSERT, HF_ROWKIND_UPDATE_AFTER,
                       HF_ROWKIND_DELETE};
    char err[512];
    struct capture c;
    capture_begin(&c);
    hf_err_t rc = hf_writer_put_columns(w, 3, cols, kinds, 0, NULL, err,
                                        sizeof err);
    hf_err_t rc2 = hf_writer_close(w, err, sizeof err);
    const char *out = capture_end(&c);
    assert_int_equal(rc, HF_OK);
    assert_int_equal(rc2, HF_OK);
    assert_string_equal(out,
                        "+I[1, -32768, 2.68, 0.1, 1.5, true, 2.5]\n"
                        "+U[-2147483648, 0, 1.01, null, -0.25, false, 3.0]\n"
                        "-D[null, 32767, null, 1.0E300, 3.0, true, -0.0]\n");
}

static void test_times(void **state)
{
    (void)state;
    hf_writer_t *w = open_writer("ts TIMESTAMP(6), ltz TIMESTAMP_LTZ(3), "
                                 "d DATE, t TIME(3), s TIMESTAMP(0)");
    /* 2024-01-01 08:00:00.123456789 in ns; 1969-12-31 23:59:59.9999995 */
    int64_t ns[] = {INT64_C(1704096000123456789), INT64_C(-500), INT64_MIN};
    int64_t ms[] = {INT64_C(1704096000123), INT64_C(-1), INT64_C(0)};
    int64_t days_s[] = {INT64_C(1704067200), INT64_C(0), INT64_C(-86400)};
    int64_t td_ns[] = {INT64_C(37230500000000), INT64_C(0), INT64_MIN};
    int64_t sec[] = {INT64_C(59), INT64_C(1704096000), INT64_C(-1)};
    hf_vec_t cols[] = {
        {.type = HF_VEC_DATETIME64, .data = ns, .unit_ns = 1},
        {.type = HF_VEC_DATETIME64, .data = ms, .unit_ns = 1000000},
        {.type = HF_VEC_DATETIME64, .data = days_s, .unit_ns = 1000000000},
        {.type = HF_VEC_TIMEDELTA64, .data = td_ns, .unit_ns = 1},
        {.type = HF_VEC_DATETIME64, .data = sec, .unit_ns = 1000000000},
    };
    char err[512];
    struct capture c;
    capture_begin(&c);
    hf_err_t rc = hf_writer_put_columns(w, 3, cols, NULL, 0, NULL, err,
                                        sizeof err);
    hf_err_t rc2 = hf_writer_close(w, err, sizeof err);
    const char *out = capture_end(&c);
    assert_int_equal(rc, HF_OK);
    assert_int_equal(rc2, HF_OK);
    assert_string_equal(
        out, "+I[2024-01-01T08:00:00.123456, 2024-01-01T08:00:00.123Z, "
             "2024-01-01, 10:20:30.500, 1970-01-01T00:00:59]\n"
             "+I[1969-12-31T23:59:59.999999, 1969-12-31T23:59:59.999Z, "
             "1970-01-01, 00:00, 2024-01-01T08:00]\n"
             "+I[null, 1970-01-01T00:00:00Z, 1969-12-31, null, "
             "1969-12-31T23:59:59]\n");
}

static void test_text_bytes_lists(void **state)
{
    (void)state;
    hf_writer_t *w = open_writer("n INT, dec DECIMAL(38, 0), s STRING, "
                                 "a ARRAY<INT>, b BOOLEAN");
    const char *txt[] = {"42", " -7 ", NULL};
    size_t tlen[] = {2, 4, 0};
    const char *big[] = {"99999999999999999999999999999999999999", "1E+2",
                         "-0"};
    size_t blen[] = {38, 4, 2};
    const char *str[] = {"h\xc3\xa9llo", "", NULL};
    size_t slen[] = {6, 0, 0};
    int64_t elems[] = {1, 0, 3, 4};
    uint8_t enull[] = {0, 1, 0, 0};
    int64_t offs[] = {0, 3, 3, 4};
    hf_vec_t child = {.type = HF_VEC_INT64, .data = elems, .nulls = enull};
    const char *bools[] = {"true", "FALSE", ""};
    size_t boollen[] = {4, 5, 0};
    hf_vec_t cols[] = {
        {.type = HF_VEC_TEXT, .data = txt, .lens = tlen},
        {.type = HF_VEC_TEXT, .data = big, .lens = blen},
        {.type = HF_VEC_BINARY, .data = str, .lens = slen},
        {.type = HF_VEC_LIST, .offsets = offs, .child = &child},
        {.type = HF_VEC_TEXT, .data = bools, .lens = boollen},
    };
    char err[512];
    struct capture c;
    capture_begin(&c);
    hf_err_t rc = hf_writer_put_columns(w, 3, cols, NULL, 0, NULL, err,
                                        sizeof err);
    hf_err_t rc2 = hf_writer_close(w, err, sizeof err);
    const char *out = capture_end(&c);
    assert_int_equal(rc, HF_OK);
    assert_int_equal(rc2, HF_OK);
    assert_string_equal(out,
                        "+I[42, 99999999999999999999999999999999999999, "
                        "h\xc3\xa9llo, [1, null, 3], true]\n"
                        "+I[-7, 100, , [], false]\n"
                        "+I[null, 0, null, [4], null]\n");
}

/* The first bad row in row order wins, whatever column it is in; the
 * rows before it are written. */
static void test_first_bad_row(void **state)
{
    (void)state;
    hf_writer_t *w = open_writer("a SMALLINT, b INT");
    int64_t a[] = {1, 2, 3, 70000};
    double b[] = {1.0, 2.0, 2.5, 4.0};
    hf_vec_t cols[] = {
        {.type = HF_VEC_INT64, .data = a},
        {.type = HF_VEC_FLOAT64, .data = b},
    };
    char err[512];
    size_t bad = 99;
    struct capture c;
    capture_begin(&c);
    hf_err_t rc = hf_writer_put_columns(w, 4, cols, NULL, 100, &bad, err,
                                        sizeof err);
    hf_err_t rc2 = hf_writer_close(w, err + 256, 256);
    const char *out = capture_end(&c);
    assert_int_equal(rc, HF_ERR_DATA);
    assert_int_equal(rc2, HF_OK);
    assert_int_equal(bad, 2);
    assert_non_null(strstr(err, "column 'b', row 102, value 2.5"));
    assert_non_null(strstr(err, "whole numbers"));
    assert_string_equal(out, "+I[1, 1]\n+I[2, 2]\n");
}

static void test_wrong_vector_type(void **state)
{
    (void)state;
    hf_writer_t *w = open_writer("a INT");
    int64_t t[] = {1};
    hf_vec_t cols[] = {{.type = HF_VEC_DATETIME64, .data = t, .unit_ns = 1}};
    char err[512];
    hf_err_t rc = hf_writer_put_columns(w, 1, cols, NULL, 0, NULL, err,
                                        sizeof err);
    assert_int_equal(rc, HF_ERR_USAGE);
    assert_non_null(strstr(err, "column 'a' of type INT cannot take a "
                                "DATETIME64 vector"));
    uint8_t kinds[] = {9};
    hf_vec_t ok[] = {{.type = HF_VEC_INT64, .data = t}};
    rc = hf_writer_put_columns(w, 1, ok, kinds, 0, NULL, err, sizeof err);
    assert_int_equal(rc, HF_ERR_USAGE);
    hf_writer_abort(w);
}

/* More rows than a batch holds, in one call: every row arrives once. */
static void test_many_rows(void **state)
{
    (void)state;
    hf_writer_t *w = open_writer("a BIGINT");
    enum { N = 5000 };
    int64_t *a = malloc(N * sizeof *a);
    for (int i = 0; i < N; i++)
        a[i] = i;
    hf_vec_t cols[] = {{.type = HF_VEC_INT64, .data = a}};
    char err[512];
    struct capture c;
    capture_begin(&c);
    hf_err_t rc = hf_writer_put_columns(w, N, cols, NULL, 0, NULL, err,
                                        sizeof err);
    hf_err_t rc2 = hf_writer_close(w, err, sizeof err);
    const char *out = capture_end(&c);
    assert_int_equal(rc, HF_OK);
    assert_int_equal(rc2, HF_OK);
    free(a);
    /* the capture keeps the first 16 KiB: lines in order */
    assert_true(strncmp(out, "+I[0]\n+I[1]\n+I[2]\n", 18) == 0);
    assert_non_null(strstr(out, "+I[1023]\n+I[1024]\n+I[1025]\n"));
}

static void test_option_canonical(void **state)
{
    (void)state;
    char buf[128];
    assert_int_equal(hf_option_canonical("hologres", "jdbcWriteBatchSize",
                                         buf, sizeof buf),
                     HF_OK);
    assert_string_equal(buf, "sink.insert.batch-size");
    assert_int_equal(hf_option_canonical("hologres", "MUTATETYPE", buf,
                                         sizeof buf),
                     HF_OK);
    assert_string_equal(buf, "sink.on-conflict-action");
    assert_int_equal(hf_option_canonical("hologres", "no.such", buf,
                                         sizeof buf),
                     HF_ERR_OPTION);
    assert_string_equal(buf, "");
    assert_int_equal(hf_option_canonical("nope", "x", buf, sizeof buf),
                     HF_ERR_USAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_text_bytes_lists),
        cmocka_unit_test(test_first_bad_row),
        cmocka_unit_test(test_wrong_vector_type),
        cmocka_unit_test(test_many_rows),
        cmocka_unit_test(test_option_canonical),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
