/*
 * test_metrics.c - the metrics registry (metrics/metrics.h): counters
 * summed over per-thread slots lose no increment when many threads add at
 * once (also run under ThreadSanitizer, TSAN_TESTS), histogram buckets and
 * quantiles, and the exact text exposition output: one HELP/TYPE per
 * family, escaped label values, cumulative buckets in seconds with +Inf,
 * _sum and _count.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* clang-format off: cmocka needs the headers above first */
#include <cmocka.h>
/* clang-format on */
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "metrics/metrics.h"

#define NTHREADS 8
#define NADDS 100000

struct shared {
    struct hf_counter c;
    struct hf_gauge g;
    struct hf_hist h;
    struct hf_metrics *m;
};

static void *adder(void *arg)
{
    struct shared *s = arg;
    for (int i = 0; i < NADDS; i++) {
        hf_counter_add(&s->c, 1);
        hf_gauge_add(&s->g, 2);
        if (i % 100 == 0)
            hf_hist_observe(&s->h, i);
    }
    return NULL;
}

static void *reader(void *arg)
{
    struct shared *s = arg;
    for (int i = 0; i < 200; i++) {
        struct hf_strbuf sb;
        hf_strbuf_init(&sb, 0);
        hf_metrics_render(s->m, &sb);
        assert_true(hf_strbuf_ok(&sb));
        hf_strbuf_free(&sb);
    }
    return NULL;
}

static void test_threads_sum(void **state)
{
    (void)state;
    static struct shared s;
    memset(&s, 0, sizeof s);
    s.m = hf_metrics_new();
    assert_non_null(s.m);
    assert_int_equal(hf_metrics_counter(s.m, "t_total", "adds", "", &s.c), 0);
    assert_int_equal(hf_metrics_gauge(s.m, "t_gauge", "twice", "", &s.g), 0);
    assert_int_equal(hf_metrics_histogram(s.m, "t_seconds", "h", "", &s.h), 0);
    pthread_t th[NTHREADS + 1];
    for (int i = 0; i < NTHREADS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, adder, &s), 0);
    assert_int_equal(pthread_create(&th[NTHREADS], NULL, reader, &s), 0);
    for (int i = 0; i <= NTHREADS; i++)
        pthread_join(th[i], NULL);
    assert_int_equal(hf_counter_read(&s.c), (uint64_t)NTHREADS * NADDS);
    assert_int_equal(hf_gauge_read(&s.g), (int64_t)NTHREADS * NADDS * 2);
    double v;
    assert_int_equal(hf_metrics_value(s.m, "t_total", NULL, &v), 0);
    assert_true(v == (double)NTHREADS * NADDS);
    assert_int_equal(hf_metrics_value(s.m, "t_seconds", NULL, &v), 0);
    assert_true(v == (double)NTHREADS * (NADDS / 100));
    hf_metrics_destroy(s.m);
}

static void test_hist_quantile(void **state)
{
    (void)state;
    struct hf_hist h;
    memset(&h, 0, sizeof h);
    assert_int_equal(hf_hist_quantile(&h, 0.5), -1);
    for (int i = 0; i < 98; i++)
        hf_hist_observe(&h, 800);  /* <= 1 ms */
    hf_hist_observe(&h, 40000);    /* <= 50 ms */
    hf_hist_observe(&h, 90000000); /* +Inf */
    assert_int_equal(hf_hist_quantile(&h, 0.5), 1000);
    assert_int_equal(hf_hist_quantile(&h, 0.99), 50000);
    assert_int_equal(hf_hist_quantile(&h, 1.0), INT64_MAX);
    assert_int_equal(atomic_load(&h.count), 100);
}

static double fixed(const void *arg)
{
    return *(const double *)arg;
}

static void test_exposition(void **state)
{
    (void)state;
    struct hf_metrics *m = hf_metrics_new();
    struct hf_counter c;
    memset(&c, 0, sizeof c);
    atomic_uint_fast64_t u = 7;
    static const int64_t bounds[] = {1000, 500000};
    struct hf_hist h;
    hf_hist_init(&h, bounds, 2);
    hf_hist_observe(&h, 1000);   /* le 0.001 */
    hf_hist_observe(&h, 250000); /* le 0.5 */
    hf_hist_observe(&h, 750000); /* +Inf */
    hf_counter_add(&c, 3);
    double nan = NAN, half = 0.5;

    struct hf_strbuf l1, l2;
    hf_strbuf_init(&l1, 0);
    hf_strbuf_init(&l2, 0);
    hf_metrics_label(&l1, "job", "j");
    hf_metrics_label(&l1, "table", "a\"b\\c\nd");
    hf_metrics_label(&l2, "job", "j");
    hf_metrics_label(&l2, "table", "t2");
    assert_string_equal(l1.data, "job=\"j\",table=\"a\\\"b\\\\c\\nd\"");

    assert_int_equal(
        hf_metrics_counter(m, "x_rows_total", "Rows\\n", l1.data, &c), 0);
    assert_int_equal(
        hf_metrics_histogram(m, "x_flush_seconds", "Flush", "", &h), 0);
    assert_int_equal(
        hf_metrics_counter_u64(m, "x_rows_total", "Rows\\n", l2.data, &u), 0);
    assert_int_equal(hf_metrics_callback(m, HF_METRIC_GAUGE, "x_gone", "NaN",
                                         "", fixed, &nan),
                     0);
    assert_int_equal(hf_metrics_callback(m, HF_METRIC_GAUGE, "x_half", "h", "",
                                         fixed, &half),
                     0);
    assert_int_equal(hf_metrics_counter(m, "9bad", "", "", &c), -1);
    assert_int_equal(hf_metrics_counter(m, "bad-name", "", "", &c), -1);

    struct hf_strbuf out;
    hf_strbuf_init(&out, 0);
    hf_metrics_render(m, &out);
    const char *want = "# HELP x_rows_total Rows\\\\n\n"
                       "# TYPE x_rows_total counter\n"
                       "x_rows_total{job=\"j\",table=\"a\\\"b\\\\c\\nd\"} 3\n"
                       "x_rows_total{job=\"j\",table=\"t2\"} 7\n"
                       "# HELP x_flush_seconds Flush\n"
                       "# TYPE x_flush_seconds histogram\n"
                       "x_flush_seconds_bucket{le=\"0.001\"} 1\n"
                       "x_flush_seconds_bucket{le=\"0.5\"} 2\n"
                       "x_flush_seconds_bucket{le=\"+Inf\"} 3\n"
                       "x_flush_seconds_sum 1.0009999999999999\n"
                       "x_flush_seconds_count 3\n"
                       "# HELP x_gone NaN\n"
                       "# TYPE x_gone gauge\n"
                       "# HELP x_half h\n"
                       "# TYPE x_half gauge\n"
                       "x_half 0.5\n";
    assert_string_equal(out.data, want);
    double v;
    assert_int_equal(hf_metrics_value(m, "x_rows_total", "t2", &v), 0);
    assert_true(v == 7);
    assert_int_equal(hf_metrics_value(m, "x_rows_total", "nope", &v), -1);
    hf_strbuf_free(&out);
    hf_strbuf_free(&l1);
    hf_strbuf_free(&l2);
    hf_metrics_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_sum),
        cmocka_unit_test(test_hist_quantile),
        cmocka_unit_test(test_exposition),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
