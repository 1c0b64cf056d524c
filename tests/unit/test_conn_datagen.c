/*
 * test_conn_datagen.c - the datagen source: sequences, bounds, null rates,
 * random ranges, string shapes, throttling and option validation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <time.h>

#include "conn_test.h"
#include "core/datetime.h"
#include "core/decimal.h"

static const struct hf_connector *dg(void)
{
    const struct hf_connector *c = hf_connector_find("datagen");
    assert_non_null(c);
    return c;
}

/* Build a datagen table; asserts that option parsing succeeded. */
static void mk(struct ct_table *t, const struct ct_col *cols, uint32_t n,
               const char *const *kv)
{
    struct hf_error err;
    int rc = ct_table_init(t, "t", dg(), cols, n, NULL, kv, NULL, &err);
    if (rc != 0)
        fail_msg("options: %s", err.msg);
}

/* Validate a table expected to be rejected; returns its message. */
static void expect_invalid(const struct ct_col *cols, uint32_t n,
                           const char *const *kv, const char *needle)
{
    struct ct_table t;
    struct hf_error err;
    int rc = ct_table_init(&t, "t", dg(), cols, n, NULL, kv, NULL, &err);
    if (rc == 0) {
        hf_error_clear(&err);
        rc = dg()->validate(&t.def, &err);
    }
    assert_int_equal(rc, -1);
    if (strstr(err.msg, needle) == NULL)
        fail_msg("message '%s' lacks '%s'", err.msg, needle);
    ct_table_free(&t);
}

typedef void (*batch_fn)(const struct hf_batch *b, void *ctx);

/* Run the source to its end (or max_calls reads); returns rows produced. */
static uint64_t run(const struct hf_table_def *t, uint32_t batch_rows,
                    batch_fn fn, void *ctx, int max_calls)
{
    struct hf_table_stats stats;
    memset(&stats, 0, sizeof stats);
    atomic_int stop = 0;
    struct hf_run_ctx rc = {
        .stats = &stats, .batch_rows = batch_rows, .stopping = &stop};
    struct hf_error err;
    hf_error_clear(&err);
    void *st = NULL;
    if (dg()->source_open(t, &rc, &st, &err) != 0)
        fail_msg("open: %s", err.msg);
    struct hf_batch *b = hf_batch_new(t->schema.ncols, batch_rows);
    uint64_t total = 0;
    int r;
    for (int calls = 0; max_calls <= 0 || calls < max_calls; calls++) {
        hf_batch_reset(b);
        r = dg()->source_read(st, b, &err);
        if (r < 0)
            fail_msg("read: %s", err.msg);
        assert_true(b->nrows <= batch_rows);
        total += b->nrows;
        if (fn && b->nrows > 0)
            fn(b, ctx);
        if (r == 0)
            break;
    }
    assert_int_equal(atomic_load(&stats.rows_in), total);
    hf_batch_destroy(b);
    dg()->source_close(st);
    return total;
}

/* ------------------------------------------------------------------ sequences
 */

struct seq_ctx {
    int64_t next_id;
    int64_t next_s;
    uint64_t rows;
};

static void check_seq(const struct hf_batch *b, void *vctx)
{
    struct seq_ctx *c = vctx;
    for (uint32_t r = 0; r < b->nrows; r++) {
        const struct hf_value *row = hf_batch_row(b, r);
        assert_false(row[0].null);
        assert_int_equal(row[0].v.i, c->next_id);
        char want[32];
        snprintf(want, sizeof want, "%lld", (long long)c->next_s);
        assert_false(row[1].null);
        assert_int_equal(row[1].v.s.len, strlen(want));
        assert_memory_equal(row[1].v.s.ptr, want, strlen(want));
        assert_int_equal(b->kinds[r], HF_ROW_INSERT);
        c->next_id++;
        c->next_s++;
        c->rows++;
    }
}

static void test_sequence_exact(void **state)
{
    (void)state;
    struct ct_col cols[] = {{"id", ct_type(HF_INT)},
                            {"s", ct_type(HF_VARCHAR)}};
    const char *kv[] = {"fields.id.kind",
                        "sequence",
                        "fields.id.start",
                        "1",
                        "fields.id.end",
                        "10",
                        "fields.s.kind",
                        "sequence",
                        "fields.s.start",
                        "5",
                        "fields.s.end",
                        "100",
                        "rows-per-second",
                        "1000000",
                        NULL};
    struct ct_table t;
    mk(&t, cols, 2, kv);
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(dg()->validate(&t.def, &err), 0);
    assert_true(dg()->bounded(&t.def));
    struct seq_ctx c = {.next_id = 1, .next_s = 5};
    /* Batches of 3: 3+3+3+1; ends with the first exhausted sequence (id). */
    assert_int_equal(run(&t.def, 3, check_seq, &c, 0), 10);
    assert_int_equal(c.next_id, 11);
    assert_int_equal(c.next_s, 15);
    ct_table_free(&t);
}

static void dec_check(const struct hf_batch *b, void *vctx)
{
    int64_t *next = vctx; /* unscaled, scale 2 */
    for (uint32_t r = 0; r < b->nrows; r++) {
        const struct hf_value *row = hf_batch_row(b, r);
        assert_int_equal((int64_t)row[0].v.d.lo, *next);
        assert_int_equal(row[0].v.d.hi, 0);
        assert_true(row[1].v.f8 == (double)(*next / 100 - 1));
        *next += 100;
    }
}

static void test_sequence_decimal_double(void **state)
{
    (void)state;
    struct ct_col cols[] = {{"d", ct_decimal(10, 2)},
                            {"x", ct_type(HF_DOUBLE)}};
    const char *kv[] = {"fields.d.kind",
                        "sequence",
                        "fields.d.start",
                        "1.00",
                        "fields.d.end",
                        "4.50",
                        "fields.x.kind",
                        "sequence",
                        "fields.x.start",
                        "0",
                        "fields.x.end",
                        "1000",
                        "rows-per-second",
                        "1000000",
                        NULL};
    struct ct_table t;
    mk(&t, cols, 2, kv);
    int64_t next = 100;
    /* 1.00, 2.00, 3.00, 4.00; 5.00 would pass the end 4.50. */
    assert_int_equal(run(&t.def, 16, dec_check, &next, 0), 4);
    assert_int_equal(next, 500);
    ct_table_free(&t);
}

static void test_number_of_rows(void **state)
{
    (void)state;
    struct ct_col cols[] = {{"a", ct_type(HF_BIGINT)},
                            {"b", ct_type(HF_VARCHAR)}};
    const char *kv[] = {"number-of-rows", "25", "rows-per-second", "1000000",
                        NULL};
    struct ct_table t;
    mk(&t, cols, 2, kv);
    assert_true(dg()->bounded(&t.def));
    assert_int_equal(run(&t.def, 10, NULL, NULL, 0), 25);
    ct_table_free(&t);

    /* number-of-rows smaller than a sequence ends first. */
    const char *kv2[] = {"number-of-rows",
                         "4",
                         "fields.a.kind",
                         "sequence",
                         "fields.a.start",
                         "1",
                         "fields.a.end",
                         "100",
                         "rows-per-second",
                         "1000000",
                         NULL};
    mk(&t, cols, 2, kv2);
    assert_int_equal(run(&t.def, 10, NULL, NULL, 0), 4);
    ct_table_free(&t);

    /* number-of-rows = 0: an empty bounded table. */
    const char *kv3[] = {"number-of-rows", "0", NULL};
    mk(&t, cols, 2, kv3);
    assert_int_equal(run(&t.def, 10, NULL, NULL, 0), 0);
    ct_table_free(&t);
}

static void test_unbounded(void **state)
{
    (void)state;
    struct ct_col cols[] = {{"a", ct_type(HF_INT)}};
    const char *kv[] = {"rows-per-second", "1000000", NULL};
    struct ct_table t;
    mk(&t, cols, 1, kv);
    assert_false(dg()->bounded(&t.def));
    /* Keeps producing: 5 reads of full batches. */
    assert_int_equal(run(&t.def, 100, NULL, NULL, 5), 500);
    ct_table_free(&t);
}

/* ------------------------------------------------------------------ nulls */

struct null_ctx {
    uint64_t nulls[3];
    uint64_t rows;
};

static void count_nulls(const struct hf_batch *b, void *vctx)
{
    struct null_ctx *c = vctx;
    for (uint32_t r = 0; r < b->nrows; r++) {
        const struct hf_value *row = hf_batch_row(b, r);
        for (int i = 0; i < 3; i++)
            c->nulls[i] += row[i].null;
        c->rows++;
    }
}

static void test_null_rate(void **state)
{
    (void)state;
    struct ct_col cols[] = {{"a", ct_type(HF_INT)},
                            {"b", ct_type(HF_VARCHAR)},
                            {"c", ct_type(HF_DOUBLE)}};
    const char *kv[] = {"number-of-rows",
                        "4000",
                        "rows-per-second",
                        "10000000",
                        "fields.a.null-rate",
                        "1.0",
                        "fields.b.null-rate",
                        "0.5",
                        NULL};
    struct ct_table t;
    mk(&t, cols, 3, kv);
    struct null_ctx c = {{0}, 0};
    assert_int_equal(run(&t.def, 512, count_nulls, &c, 0), 4000);
    assert_int_equal(c.nulls[0], 4000);      /* null-rate 1.0: all NULL */
    assert_in_range(c.nulls[1], 1600, 2400); /* about half */
    assert_int_equal(c.nulls[2], 0);         /* default 0: never NULL */
    ct_table_free(&t);
}

/* ------------------------------------------------------------------ ranges */

struct range_ctx {
    int seen[7];        /* INT values -3..3 */
    int64_t tmin, tmax; /* TINYINT observed */
    double dmin, dmax;  /* DOUBLE observed */
    int64_t umin, umax; /* DECIMAL(5,2) unscaled observed */
    bool bool_seen[2];
    float fmin, fmax;
};

static void check_ranges(const struct hf_batch *b, void *vctx)
{
    struct range_ctx *c = vctx;
    for (uint32_t r = 0; r < b->nrows; r++) {
        const struct hf_value *row = hf_batch_row(b, r);
        assert_in_range(row[0].v.i + 3, 0, 6);
        c->seen[row[0].v.i + 3]++;
        if (row[1].v.i < c->tmin)
            c->tmin = row[1].v.i;
        if (row[1].v.i > c->tmax)
            c->tmax = row[1].v.i;
        assert_true(row[2].v.f8 >= 1.5 && row[2].v.f8 <= 2.5);
        if (row[2].v.f8 < c->dmin)
            c->dmin = row[2].v.f8;
        if (row[2].v.f8 > c->dmax)
            c->dmax = row[2].v.f8;
        assert_int_equal(row[3].v.d.hi, 0);
        int64_t u = (int64_t)row[3].v.d.lo;
        assert_in_range(u, 100, 200);
        if (u < c->umin)
            c->umin = u;
        if (u > c->umax)
            c->umax = u;
        c->bool_seen[row[4].v.b ? 1 : 0] = true;
        assert_true(row[5].v.f4 >= -1.0f && row[5].v.f4 <= 1.0f);
    }
}

static void test_min_max(void **state)
{
    (void)state;
    struct ct_col cols[] = {
        {"i", ct_type(HF_INT)},     {"t", ct_type(HF_TINYINT)},
        {"d", ct_type(HF_DOUBLE)},  {"m", ct_decimal(5, 2)},
        {"b", ct_type(HF_BOOLEAN)}, {"f", ct_type(HF_FLOAT)}};
    const char *kv[] = {"number-of-rows",
                        "20000",
                        "rows-per-second",
                        "100000000",
                        "fields.i.min",
                        "-3",
                        "fields.i.max",
                        "3",
                        "fields.d.min",
                        "1.5",
                        "fields.d.max",
                        "2.5",
                        "fields.m.min",
                        "1",
                        "fields.m.max",
                        "2.00",
                        "fields.f.min",
                        "-1",
                        "fields.f.max",
                        "1",
                        NULL};
    struct ct_table t;
    mk(&t, cols, 6, kv);
    struct range_ctx c;
    memset(&c, 0, sizeof c);
    c.tmin = 1000;
    c.tmax = -1000;
    c.dmin = 1e9;
    c.dmax = -1e9;
    c.umin = 1000000;
    c.umax = -1;
    assert_int_equal(run(&t.def, 1024, check_ranges, &c, 0), 20000);
    for (int i = 0; i < 7; i++)
        assert_in_range(c.seen[i], 2000, 3800); /* uniform over 7 values */
    /* TINYINT default: its whole range, both ends reachable. */
    assert_true(c.tmin >= -128 && c.tmin < -120);
    assert_true(c.tmax <= 127 && c.tmax > 120);
    assert_true(c.dmin < 1.55 && c.dmax > 2.45);
    assert_int_equal(c.umin, 100); /* 1.00 and 2.00 both reached */
    assert_int_equal(c.umax, 200);
    assert_true(c.bool_seen[0] && c.bool_seen[1]);
    ct_table_free(&t);
}

/* ------------------------------------------------------------------ strings */

struct str_ctx {
    uint32_t min_len[6], max_len[6];
};

static bool all_hex(const char *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
            return false;
    return true;
}

static void check_strings(const struct hf_batch *b, void *vctx)
{
    struct str_ctx *c = vctx;
    for (uint32_t r = 0; r < b->nrows; r++) {
        const struct hf_value *row = hf_batch_row(b, r);
        for (int i = 0; i < 6; i++) {
            assert_false(row[i].null);
            uint32_t n = row[i].v.s.len;
            if (i != 5)
                assert_true(all_hex(row[i].v.s.ptr, n));
            if (n < c->min_len[i])
                c->min_len[i] = n;
            if (n > c->max_len[i])
                c->max_len[i] = n;
        }
    }
}

static void test_strings(void **state)
{
    (void)state;
    struct hf_type bytes = ct_type(HF_BYTES);
    struct ct_col cols[] = {
        {"s", ct_type(HF_VARCHAR)}, {"v", ct_varchar(10)},
        {"l", ct_type(HF_VARCHAR)}, {"var", ct_type(HF_VARCHAR)},
        {"c", ct_char(5)},          {"by", bytes}};
    const char *kv[] = {"number-of-rows",
                        "2000",
                        "rows-per-second",
                        "100000000",
                        "fields.l.length",
                        "7",
                        "fields.var.length",
                        "20",
                        "fields.var.var-len",
                        "true",
                        "fields.by.length",
                        "16",
                        NULL};
    struct ct_table t;
    mk(&t, cols, 6, kv);
    struct str_ctx c;
    for (int i = 0; i < 6; i++) {
        c.min_len[i] = UINT32_MAX;
        c.max_len[i] = 0;
    }
    assert_int_equal(run(&t.def, 256, check_strings, &c, 0), 2000);
    assert_int_equal(c.min_len[0], 100); /* STRING: 100 */
    assert_int_equal(c.max_len[0], 100);
    assert_int_equal(c.min_len[1], 10); /* VARCHAR(10): 10 */
    assert_int_equal(c.max_len[1], 10);
    assert_int_equal(c.min_len[2], 7); /* length 7 */
    assert_int_equal(c.max_len[2], 7);
    assert_int_equal(c.min_len[3], 1); /* var-len: 1..20 */
    assert_int_equal(c.max_len[3], 20);
    assert_int_equal(c.min_len[4], 5); /* CHAR(5) */
    assert_int_equal(c.max_len[4], 5);
    assert_int_equal(c.min_len[5], 16); /* BYTES length 16 */
    assert_int_equal(c.max_len[5], 16);
    ct_table_free(&t);
}

/* ------------------------------------------------------------------ time,
 * arrays */

struct time_ctx {
    int64_t lo_ltz, hi_ltz; /* bounds for TIMESTAMP_LTZ */
    int64_t today_lo, today_hi;
    uint64_t rows;
};

static void check_times(const struct hf_batch *b, void *vctx)
{
    struct time_ctx *c = vctx;
    for (uint32_t r = 0; r < b->nrows; r++) {
        const struct hf_value *row = hf_batch_row(b, r);
        /* LTZ(3) within [now - 10 s, now], whole milliseconds. */
        assert_true(row[0].v.i >= c->lo_ltz - 1000 && row[0].v.i <= c->hi_ltz);
        assert_int_equal(row[0].v.i % 1000, 0);
        /* DATE: today (local). */
        assert_in_range(row[1].v.i, c->today_lo, c->today_hi);
        /* TIME(0): whole seconds within a day. */
        assert_in_range(row[2].v.i, 0, HF_USEC_PER_DAY - 1);
        assert_int_equal(row[2].v.i % HF_USEC_PER_SEC, 0);
        /* ARRAY<INT>: 3 elements in [1, 2]. */
        const struct hf_array *a = row[3].v.a;
        assert_non_null(a);
        assert_int_equal(a->n, 3);
        assert_int_equal(a->elem, HF_INT);
        for (uint32_t i = 0; i < a->n; i++) {
            assert_false(a->items[i].null);
            assert_in_range(a->items[i].v.i, 1, 2);
        }
        c->rows++;
    }
}

static void test_times_and_arrays(void **state)
{
    (void)state;
    struct ct_col cols[] = {{"ts", ct_prec(HF_TIMESTAMP_LTZ, 3)},
                            {"d", ct_type(HF_DATE)},
                            {"tm", ct_prec(HF_TIME, 0)},
                            {"arr", ct_array(HF_INT)}};
    const char *kv[] = {"number-of-rows",
                        "300",
                        "rows-per-second",
                        "100000000",
                        "fields.ts.max-past",
                        "10 s",
                        "fields.arr.element.min",
                        "1",
                        "fields.arr.element.max",
                        "2",
                        NULL};
    struct ct_table t;
    mk(&t, cols, 4, kv);
    struct hf_error err;
    hf_error_clear(&err);
    if (dg()->validate(&t.def, &err) != 0)
        fail_msg("validate: %s", err.msg);
    struct time_ctx c = {0};
    int64_t now = hf_now_usec();
    c.lo_ltz = now - 10 * HF_USEC_PER_SEC;
    /* Local date may differ from the UTC date by a day either way. */
    c.today_lo = now / HF_USEC_PER_DAY - 1;
    c.today_hi = now / HF_USEC_PER_DAY + 1;
    c.hi_ltz = now + 5 * HF_USEC_PER_SEC;
    assert_int_equal(run(&t.def, 64, check_times, &c, 0), 300);
    assert_int_equal(c.rows, 300);
    ct_table_free(&t);
}

/* ------------------------------------------------------------------ throttle
 */

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_rows_per_second(void **state)
{
    (void)state;
    struct ct_col cols[] = {{"a", ct_type(HF_INT)}};
    const char *kv[] = {"number-of-rows", "25", "rows-per-second", "20", NULL};
    struct ct_table t;
    mk(&t, cols, 1, kv);
    double t0 = mono_now();
    /* A burst of 20, then 5 more at 20/s: about 0.25 s. */
    assert_int_equal(run(&t.def, 100, NULL, NULL, 0), 25);
    double dt = mono_now() - t0;
    assert_true(dt >= 0.2);
    assert_true(dt < 2.0);
    ct_table_free(&t);

    /* A slow source returns from read() within ~200 ms with no rows, and
     * stops as soon as it is asked to. */
    const char *kv2[] = {"rows-per-second", "1", NULL};
    mk(&t, cols, 1, kv2);
    struct hf_table_stats stats;
    memset(&stats, 0, sizeof stats);
    atomic_int stop = 0;
    struct hf_run_ctx rc = {
        .stats = &stats, .batch_rows = 10, .stopping = &stop};
    struct hf_error err;
    hf_error_clear(&err);
    void *st = NULL;
    assert_int_equal(dg()->source_open(&t.def, &rc, &st, &err), 0);
    struct hf_batch *b = hf_batch_new(1, 10);
    assert_int_equal(dg()->source_read(st, b, &err), 1);
    assert_int_equal(b->nrows, 1); /* the initial token */
    hf_batch_reset(b);
    t0 = mono_now();
    assert_int_equal(dg()->source_read(st, b, &err), 1);
    dt = mono_now() - t0;
    assert_int_equal(b->nrows, 0);
    assert_true(dt < 0.3);
    atomic_store(&stop, 1);
    hf_batch_reset(b);
    assert_int_equal(dg()->source_read(st, b, &err), 0);
    hf_batch_destroy(b);
    dg()->source_close(st);
    ct_table_free(&t);
}

/* ------------------------------------------------------------------ validation
 */

static void test_validation_errors(void **state)
{
    (void)state;
    struct ct_col cols[] = {{"name", ct_type(HF_VARCHAR)},
                            {"id", ct_type(HF_INT)},
                            {"b", ct_type(HF_BOOLEAN)},
                            {"v", ct_varchar(10)}};

    const char *kv1[] = {"fields.nme.kind", "random", NULL};
    expect_invalid(cols, 4, kv1,
                   "datagen option 'fields.nme.kind': table 't' has no "
                   "column 'nme'");

    const char *kv2[] = {"fields.id.kind", "sequence", "fields.id.start", "1",
                         NULL};
    expect_invalid(cols, 4, kv2, "'fields.id.end' is missing");

    const char *kv3[] = {"fields.id.kind",
                         "sequence",
                         "fields.id.start",
                         "10",
                         "fields.id.end",
                         "5",
                         NULL};
    expect_invalid(cols, 4, kv3,
                   "datagen option 'fields.id.end' = '5' of table 't' is less "
                   "than 'fields.id.start' = '10'");

    const char *kv4[] = {"fields.id.min", "10", "fields.id.max", "5", NULL};
    expect_invalid(cols, 4, kv4,
                   "'fields.id.min' = '10' of table 't' is greater than "
                   "'fields.id.max' = '5'");

    const char *kv5[] = {"fields.b.kind",
                         "sequence",
                         "fields.b.start",
                         "1",
                         "fields.b.end",
                         "2",
                         NULL};
    expect_invalid(cols, 4, kv5, "Unsupported generator kind 'sequence'");

    const char *kv6[] = {"fields.id.null-rate", "1.5", NULL};
    expect_invalid(cols, 4, kv6, "it must be between 0 and 1");

    const char *kv7[] = {"fields.id.length", "5", NULL};
    expect_invalid(cols, 4, kv7,
                   "'fields.id.length' of table 't' does not "
                   "apply to column 'id' of type INT");

    const char *kv8[] = {"fields.id.min", "abc", NULL};
    expect_invalid(cols, 4, kv8, "'fields.id.min' = 'abc'");

    const char *kv9[] = {"fields.id.max", "3000000000", NULL};
    expect_invalid(cols, 4, kv9, "out of range");

    const char *kv10[] = {"fields.v.length", "11", NULL};
    expect_invalid(cols, 4, kv10,
                   "is longer than column 'v' of type "
                   "VARCHAR(10)");

    const char *kv11[] = {"fields.id.start", "1", NULL};
    expect_invalid(cols, 4, kv11, "start and end need 'kind' = 'sequence'");

    /* Not an allowed kind: rejected by the option table itself. */
    const char *kv12[] = {"fields.id.kind", "foo", NULL};
    expect_invalid(cols, 4, kv12, "foo");

    const char *kv13[] = {"rows-per-second", "0", NULL};
    expect_invalid(cols, 4, kv13, "rows-per-second");

    const char *kv14[] = {"fields.id.kind",
                          "sequence",
                          "fields.id.start",
                          "1",
                          "fields.id.end",
                          "5",
                          "fields.id.min",
                          "0",
                          NULL};
    expect_invalid(cols, 4, kv14, "applies to 'kind' = 'random' only");

    /* Array element options exist only for ARRAY columns. */
    const char *kv15[] = {"fields.id.element.min", "1", NULL};
    expect_invalid(cols, 4, kv15, "table 't' has no column 'id.element'");
    struct ct_col acols[] = {{"arr", ct_array(HF_INT)}, {"j", ct_type(HF_INT)}};
    const char *kv16[] = {"fields.arr.element.kind", "sequence", NULL};
    expect_invalid(acols, 2, kv16,
                   "Unsupported generator kind 'sequence' "
                   "for array elements of column 'arr'");
    struct ct_col jcols[] = {{"doc", ct_type(HF_JSON)}};
    expect_invalid(jcols, 1, NULL, "cannot generate column 'doc' of type JSON");
    struct ct_col mcols[] = {
        {"id", ct_type(HF_INT)},
        {"m", ct_type(HF_VARCHAR), HF_COL_METADATA, "topic"}};
    expect_invalid(mcols, 2, NULL, "column 'm' is declared METADATA");

    /* A valid table passes. */
    struct ct_table t;
    const char *ok[] = {"fields.id.kind",
                        "sequence",
                        "fields.id.start",
                        "1",
                        "fields.id.end",
                        "1",
                        "fields.name.length",
                        "3",
                        "scan.parallelism",
                        "1",
                        NULL};
    mk(&t, cols, 4, ok);
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(dg()->validate(&t.def, &err), 0);
    ct_table_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sequence_exact),
        cmocka_unit_test(test_sequence_decimal_double),
        cmocka_unit_test(test_number_of_rows),
        cmocka_unit_test(test_unbounded),
        cmocka_unit_test(test_null_rate),
        cmocka_unit_test(test_min_max),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_times_and_arrays),
        cmocka_unit_test(test_rows_per_second),
        cmocka_unit_test(test_validation_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
