/*
 * test_throttle_shard.c - the job-wide token bucket (runtime/throttle.h)
 * and "I/N" shard specifications (conf/shard.h): no bucket when no limit
 * is set; taking rows or bytes never goes faster than the limit (a lower
 * bound on the elapsed time only), also from several threads at once; a
 * stop ends a wait early; DataX's byte size of a batch; shard parsing
 * refuses malformed specifications and every split belongs to exactly one
 * shard.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* clang-format off: cmocka needs the headers above first */
#include <cmocka.h>
/* clang-format on */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "conf/shard.h"
#include "runtime/throttle.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_no_limit_no_bucket(void **state)
{
    (void)state;
    bool nomem = true;
    assert_null(hf_throttle_new(0, 0, &nomem));
    assert_false(nomem);
}

struct taker {
    struct hf_throttle *th;
    int rounds;
};

static void *take_rows(void *arg)
{
    struct taker *t = arg;
    for (int i = 0; i < t->rounds; i++)
        hf_throttle_take(t->th, 50, 0, NULL, NULL, NULL, NULL);
    return NULL;
}

static void test_rate_bound_across_threads(void **state)
{
    (void)state;
    bool nomem;
    /* 4 threads x 5 x 50 rows = 1000 rows at 4000/s: >= 0.25 s */
    struct hf_throttle *th = hf_throttle_new(4000, 0, &nomem);
    assert_non_null(th);
    struct taker t = {th, 5};
    pthread_t p[4];
    double t0 = now_s();
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&p[i], NULL, take_rows, &t), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(p[i], NULL);
    assert_true(now_s() - t0 >= 0.25);
    hf_throttle_free(th);
}

static void test_bytes_and_both(void **state)
{
    (void)state;
    bool nomem;
    /* bytes: 30000 at 100000/s >= 0.3 s; the record limit is loose */
    struct hf_throttle *th = hf_throttle_new(1000000, 100000, &nomem);
    double t0 = now_s();
    for (int i = 0; i < 3; i++)
        assert_true(hf_throttle_take(th, 1, 10000, NULL, NULL, NULL, NULL));
    assert_true(now_s() - t0 >= 0.3);
    hf_throttle_free(th);
}

static void test_stop_ends_wait(void **state)
{
    (void)state;
    bool nomem;
    struct hf_throttle *th = hf_throttle_new(1, 0, &nomem);
    atomic_int stop = 1;
    /* a 1000 s wait, ended at once by the stop flag */
    assert_false(hf_throttle_take(th, 1000, 0, &stop, NULL, NULL, NULL));
    hf_throttle_free(th);
}

static int64_t counting_tick(void *arg)
{
    int *n = arg;
    return ++*n >= 3 ? -1 : 1000; /* the third call ends the wait */
}

static void test_tick_between_slices(void **state)
{
    (void)state;
    bool nomem;
    struct hf_throttle *th = hf_throttle_new(1, 0, &nomem);
    int n = 0;
    /* a 1000 s wait: the tick is called between its slices (a source
     * task serves its timers there) and its failure ends the wait */
    assert_false(hf_throttle_take(th, 1000, 0, NULL, NULL, counting_tick, &n));
    assert_int_equal(n, 3);
    hf_throttle_free(th);
}

static void test_batch_byte_size(void **state)
{
    (void)state;
    struct hf_column cols[3];
    memset(cols, 0, sizeof cols);
    cols[0].type.id = HF_VARCHAR;
    cols[1].type.id = HF_BIGINT;
    cols[2].type.id = HF_BOOLEAN;
    struct hf_schema sc = {.ncols = 3, .cols = cols};
    struct hf_batch *b = hf_batch_new(3, 4);
    struct hf_value *r = hf_batch_add_row(b, HF_ROW_INSERT, -1);
    assert_int_equal(hf_value_set_str(b, &r[0], "hello", 5), 0);
    r[1].null = false;
    r[1].v.i = 7;
    r[2].null = false;
    r[2].v.b = true;
    r = hf_batch_add_row(b, HF_ROW_INSERT, -1); /* all NULL: 0 */
    assert_int_equal(hf_batch_byte_size(b, &sc), 5 + 8 + 1);
    hf_batch_destroy(b);
}

static void test_shard_parse(void **state)
{
    (void)state;
    uint32_t i, n;
    assert_int_equal(hf_shard_parse(NULL, &i, &n), 0);
    assert_int_equal(i, 0);
    assert_int_equal(n, 1);
    assert_int_equal(hf_shard_parse("1/3", &i, &n), 0);
    assert_int_equal(i, 1);
    assert_int_equal(n, 3);
    const char *bad[] = {"3/3", "1/0", "-1/2", "1", "1/", "/2", "a/b",
                         "1/2x", " 1/2", "0/99999"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        assert_int_equal(hf_shard_parse(bad[k], &i, &n), -1);
    /* every split in exactly one shard */
    for (uint64_t split = 0; split < 50; split++) {
        int owners = 0;
        for (uint32_t s = 0; s < 7; s++)
            owners += hf_shard_owns(split, s, 7);
        assert_int_equal(owners, 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_limit_no_bucket),
        cmocka_unit_test(test_rate_bound_across_threads),
        cmocka_unit_test(test_bytes_and_both),
        cmocka_unit_test(test_stop_ends_wait),
        cmocka_unit_test(test_tick_between_slices),
        cmocka_unit_test(test_batch_byte_size),
        cmocka_unit_test(test_shard_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
