/*
 * test_throttle_shard.c - the job-wide token bucket (runtime/throttle.h)
 * and "I/N" shard specifications (conf/shard.h).
 *
 * The bucket's arithmetic is driven through hf_throttle_reserve with the
 * test's own clock (no sleeping, no timing thresholds): no bucket without
 * a limit; it starts empty; many small takes add up exactly (the fraction
 * of a nanosecond is carried); a source that spends time reading between
 * takes still runs at the limit (the credit makes it up); after a stall at
 * most 1 s of the limit passes at once; a later start than the first take
 * is made up to 1 s only; with both limits the later time holds; 8 threads
 * taking at once get exactly the times one thread would, in some order;
 * and over any sequence of takes, everything taken by time t is at most
 * the limit times t. The real wait: a stop ends it early, the tick is
 * served between its slices, a take covered by credit returns at once.
 * Then DataX's byte size of a batch, and shard parsing refuses malformed
 * specifications and every split belongs to exactly one shard.
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
#include <stdlib.h>
#include <string.h>

#include "conf/shard.h"
#include "runtime/throttle.h"

#define SEC INT64_C(1000000000)
#define MS INT64_C(1000000)
#define T0 (100 * SEC) /* the test clock's start */

static struct hf_throttle *bucket(int64_t rps, int64_t bps)
{
    bool nomem = true;
    struct hf_throttle *th = hf_throttle_new(rps, bps, &nomem);
    assert_non_null(th);
    assert_false(nomem);
    hf_throttle_start(th, T0);
    return th;
}

static void test_no_limit_no_bucket(void **state)
{
    (void)state;
    bool nomem = true;
    assert_null(hf_throttle_new(0, 0, &nomem));
    assert_false(nomem);
}

static void test_starts_empty(void **state)
{
    (void)state;
    struct hf_throttle *th = bucket(1000, 0);
    /* nothing earned at the start: 100 rows at 1000/s are due 100 ms on */
    assert_true(hf_throttle_reserve(th, T0, 100, 0) == T0 + 100 * MS);
    /* the next 100 queue behind them */
    assert_true(hf_throttle_reserve(th, T0, 100, 0) == T0 + 200 * MS);
    /* no byte limit: bytes cost nothing */
    assert_true(hf_throttle_reserve(th, T0, 0, 1 << 30) == T0);
    hf_throttle_free(th);
}

static void test_fractions_add_up(void **state)
{
    (void)state;
    /* 3 rows/s: one row is 333333333.33 ns; 3000 takes of one row are
     * exactly 1000 s, not 999.999999 s */
    struct hf_throttle *th = bucket(3, 0);
    int64_t t = 0;
    for (int i = 0; i < 3000; i++)
        t = hf_throttle_reserve(th, T0, 1, 0);
    assert_true(t == T0 + 1000 * SEC);
    hf_throttle_free(th);
}

static void test_reading_time_made_up(void **state)
{
    (void)state;
    /* 6000 rows at 2000/s in batches of 100 (50 ms of the limit each),
     * by a source that spends 20 ms reading each batch and wakes 1 ms
     * late from each wait: the last batch is still due at exactly 3 s,
     * the limit, not 6000 / (50 + 21 ms per batch) */
    struct hf_throttle *th = bucket(2000, 0);
    int64_t now = T0, until = 0;
    for (int i = 0; i < 60; i++) {
        now += 20 * MS; /* reading */
        until = hf_throttle_reserve(th, now, 100, 0);
        assert_true(until >= T0 + (i + 1) * 50 * MS); /* never faster */
        if (until > now)
            now = until + 1 * MS; /* the wait, woken late */
    }
    assert_true(until == T0 + 3 * SEC);
    hf_throttle_free(th);
}

static void test_slow_source_never_waits(void **state)
{
    (void)state;
    /* a source slower than the limit (100 rows per 100 ms under
     * 2000/s) never waits: each batch is earned when it is read */
    struct hf_throttle *th = bucket(2000, 0);
    for (int i = 1; i <= 30; i++) {
        int64_t now = T0 + i * 100 * MS;
        assert_true(hf_throttle_reserve(th, now, 100, 0) <= now);
    }
    hf_throttle_free(th);
}

static void test_burst_after_stall_bounded(void **state)
{
    (void)state;
    struct hf_throttle *th = bucket(1000, 0);
    assert_true(hf_throttle_reserve(th, T0, 100, 0) == T0 + 100 * MS);
    /* a 10 s stall: 1 s of the limit (1000 rows) passes at once, no more */
    int64_t now = T0 + 10 * SEC;
    for (int i = 0; i < 10; i++)
        assert_true(hf_throttle_reserve(th, now, 100, 0) <= now);
    assert_true(hf_throttle_reserve(th, now, 100, 0) == now + 100 * MS);
    assert_true(hf_throttle_reserve(th, now, 100, 0) == now + 200 * MS);
    hf_throttle_free(th);
}

static void test_late_first_take(void **state)
{
    (void)state;
    struct hf_throttle *th = bucket(1000, 0);
    /* the first take 300 ms after the start: 300 ms are earned */
    assert_true(hf_throttle_reserve(th, T0 + 300 * MS, 1000, 0) ==
                T0 + 1 * SEC);
    hf_throttle_free(th);
    /* 5 s after the start: only 1 s is earned */
    th = bucket(1000, 0);
    assert_true(hf_throttle_reserve(th, T0 + 5 * SEC, 3000, 0) == T0 + 7 * SEC);
    hf_throttle_free(th);
    /* never started: the first take starts it, empty */
    bool nomem;
    th = hf_throttle_new(1000, 0, &nomem);
    assert_true(hf_throttle_reserve(th, T0, 500, 0) == T0 + 500 * MS);
    hf_throttle_free(th);
}

static void test_both_limits(void **state)
{
    (void)state;
    struct hf_throttle *th = bucket(1000, 10000);
    /* 10 rows (10 ms) of 5000 bytes (500 ms): the bytes bind */
    assert_true(hf_throttle_reserve(th, T0, 10, 5000) == T0 + 500 * MS);
    /* 900 rows (to 910 ms) of 10 bytes (to 501 ms): the rows bind */
    assert_true(hf_throttle_reserve(th, T0, 900, 10) == T0 + 910 * MS);
    hf_throttle_free(th);
}

struct taker {
    struct hf_throttle *th;
    int64_t until[10];
};

static void *take_ten(void *arg)
{
    struct taker *t = arg;
    for (int i = 0; i < 10; i++)
        t->until[i] = hf_throttle_reserve(t->th, T0, 100, 0);
    return NULL;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static void test_threads_share_one_bucket(void **state)
{
    (void)state;
    /* 8 threads x 10 takes of 100 rows at 4000/s, all at the start:
     * together exactly the 80 slots 25 ms apart one thread would get */
    struct hf_throttle *th = bucket(4000, 0);
    struct taker t[8];
    pthread_t p[8];
    for (int i = 0; i < 8; i++) {
        t[i].th = th;
        assert_int_equal(pthread_create(&p[i], NULL, take_ten, &t[i]), 0);
    }
    int64_t all[80];
    for (int i = 0; i < 8; i++) {
        pthread_join(p[i], NULL);
        memcpy(&all[i * 10], t[i].until, sizeof t[i].until);
    }
    qsort(all, 80, sizeof all[0], cmp_i64);
    for (int k = 0; k < 80; k++)
        assert_true(all[k] == T0 + (k + 1) * 25 * MS);
    hf_throttle_free(th);
}

static void test_never_over_the_limit(void **state)
{
    (void)state;
    /* random batch sizes at random times (stalls included): whatever
     * is due by time t is at most the limit times (t - start), and no
     * batch gets more than 1 s of credit: it is due at least its own
     * cost minus 1 s after it was taken */
    struct hf_throttle *th = bucket(1500, 0);
    uint64_t x = 88172645463325252u, taken = 0;
    int64_t now = T0;
    for (int i = 0; i < 5000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        now += (int64_t)(x % 400) * MS / (x % 7 == 0 ? 1 : 20);
        uint64_t n = 1 + (x >> 20) % 300;
        int64_t until = hf_throttle_reserve(th, now, n, 0);
        taken += n;
        /* everything taken so far is earned at `until` at the earliest */
        assert_true((__int128)(until - T0) * 1500 >=
                    (__int128)taken * SEC - 1500);
        assert_true((__int128)(until - now + SEC) * 1500 >=
                    (__int128)n * SEC - 1500);
        if (until > now)
            now = until;
    }
    hf_throttle_free(th);
}

static void test_stop_ends_wait(void **state)
{
    (void)state;
    bool nomem;
    struct hf_throttle *th = hf_throttle_new(1, 0, &nomem);
    assert_non_null(th);
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

static void test_take_with_credit(void **state)
{
    (void)state;
    /* started 2 s ago: 1 s of credit covers 500 rows at 1000/s, so the
     * real take returns true without any stop flag or tick */
    struct hf_throttle *th = bucket(1000, 0);
    hf_throttle_start(th, hf_throttle_now() - 2 * SEC);
    assert_true(hf_throttle_take(th, 500, 0, NULL, NULL, NULL, NULL));
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
    const char *bad[] = {"3/3", "1/0", "-1/2", "1",    "1/",
                         "/2",  "a/b", "1/2x", " 1/2", "0/99999"};
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
        cmocka_unit_test(test_starts_empty),
        cmocka_unit_test(test_fractions_add_up),
        cmocka_unit_test(test_reading_time_made_up),
        cmocka_unit_test(test_slow_source_never_waits),
        cmocka_unit_test(test_burst_after_stall_bounded),
        cmocka_unit_test(test_late_first_take),
        cmocka_unit_test(test_both_limits),
        cmocka_unit_test(test_threads_share_one_bucket),
        cmocka_unit_test(test_never_over_the_limit),
        cmocka_unit_test(test_stop_ends_wait),
        cmocka_unit_test(test_tick_between_slices),
        cmocka_unit_test(test_take_with_credit),
        cmocka_unit_test(test_batch_byte_size),
        cmocka_unit_test(test_shard_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
