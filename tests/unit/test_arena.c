/*
 * test_arena.c - the bump allocator of row batches (core/arena.c): the
 * inline fast path and the chunk path agree on alignment and accounting,
 * a reset hands the same memory out again (the first chunk, then, when
 * the arena asked for spares, the chunks it set aside, up to its bound;
 * under ASan they are poisoned while set aside), and hf_text_has_nul (types.h)
 * finds a NUL at every position of short and long text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/arena.h"
#include "core/types.h"

#if defined(__SANITIZE_ADDRESS__)
#define T_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define T_ASAN 1
#endif
#endif
#ifdef T_ASAN
#include <sanitizer/asan_interface.h>
#endif

#define MIB ((size_t)1 << 20)

static void test_alloc_and_reset(void **state)
{
    (void)state;
    struct hf_arena a;
    hf_arena_init(&a);
    hf_arena_set_spare_max(&a, 16 * MIB);
    /* sizes round up to 8, every pointer is 8-aligned */
    char *p0 = hf_arena_alloc(&a, 1);
    char *p1 = hf_arena_alloc(&a, 9);
    char *p2 = hf_arena_alloc(&a, 0);
    assert_non_null(p0);
    assert_ptr_equal(p1, p0 + 8);
    assert_ptr_equal(p2, p1 + 16);
    assert_int_equal(a.used_total, 24);
    /* fill past the first chunk (64 KiB) into others, and a large one */
    char *first[3000];
    for (int i = 0; i < 3000; i++) {
        first[i] = hf_arena_alloc(&a, 100);
        assert_non_null(first[i]);
        assert_int_equal((uintptr_t)first[i] % 8, 0);
        memset(first[i], i & 0xff, 100);
    }
    char *big = hf_arena_alloc(&a, 1 << 20);
    assert_non_null(big);
    memset(big, 1, 1 << 20);
    for (int i = 0; i < 3000; i++)
        assert_int_equal((unsigned char)first[i][99], i & 0xff);
    /* a reset starts over in the first chunk, then reuses the chunks it
     * kept: the same addresses again */
    hf_arena_reset(&a);
    assert_int_equal(a.used_total, 0);
    assert_true(hf_arena_spare_bytes(&a) > (1 << 20));
#ifdef T_ASAN
    /* set aside: a use after the reset is reported */
    assert_true(__asan_address_is_poisoned(first[2999]));
    assert_true(__asan_address_is_poisoned(big));
#endif
    assert_ptr_equal(hf_arena_alloc(&a, 1), p0);
    assert_ptr_equal(hf_arena_alloc(&a, 9), p1);
    (void)hf_arena_alloc(&a, 0);
    int same = 0;
    for (int i = 0; i < 3000; i++) {
        char *p = hf_arena_alloc(&a, 100);
        assert_non_null(p);
        same += p == first[i];
    }
    assert_true(same > 2900); /* kept chunks come back in another order */
    assert_non_null(hf_arena_alloc(&a, 1 << 20));
    assert_int_equal(a.used_total, 24 + 3000 * 104 + (1 << 20));
    hf_arena_free(&a);
    /* usable again after init */
    hf_arena_init(&a);
    assert_non_null(hf_arena_alloc(&a, 16));
    hf_arena_free(&a);
}

static void test_spare_bound(void **state)
{
    (void)state;
    struct hf_arena a;
    hf_arena_init(&a);
    hf_arena_set_spare_max(&a, 16 * MIB);
    /* 40 chunks of 1 MiB: a reset keeps 16 MiB of the 39 after the
     * first, every round, and the arena goes on handing out memory */
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 40; i++) {
            char *p = hf_arena_alloc(&a, MIB);
            assert_non_null(p);
            p[0] = p[MIB - 1] = (char)i;
        }
        assert_int_equal(hf_arena_spare_bytes(&a), 0);
        hf_arena_reset(&a);
        assert_int_equal(hf_arena_spare_bytes(&a), 16 * MIB);
    }
    hf_arena_free(&a);
    assert_int_equal(hf_arena_spare_bytes(&a), 0);
}

static void test_no_spare_by_default(void **state)
{
    (void)state;
    /* a batch's arena: a reset keeps the first chunk only */
    struct hf_arena a;
    hf_arena_init(&a);
    char *p0 = hf_arena_alloc(&a, 8);
    for (int i = 0; i < 10; i++)
        assert_non_null(hf_arena_alloc(&a, MIB));
    hf_arena_reset(&a);
    assert_int_equal(hf_arena_spare_bytes(&a), 0);
    assert_ptr_equal(hf_arena_alloc(&a, 8), p0);
    hf_arena_free(&a);
}

static void test_spare_too_small(void **state)
{
    (void)state;
    struct hf_arena a;
    hf_arena_init(&a);
    hf_arena_set_spare_max(&a, 16 * MIB);
    /* the first chunk (64 KiB) and a second one of 64 KiB */
    assert_non_null(hf_arena_alloc(&a, 60 * 1024));
    char *second = hf_arena_alloc(&a, 60 * 1024);
    assert_non_null(second);
    hf_arena_reset(&a);
    assert_int_equal(hf_arena_spare_bytes(&a), 64 * 1024);
    /* a request larger than the spare chunk gets a chunk of its own, the
     * spare stays set aside */
    assert_non_null(hf_arena_alloc(&a, 60 * 1024)); /* first chunk */
    char *big = hf_arena_alloc(&a, 128 * 1024);
    assert_non_null(big);
    assert_ptr_not_equal(big, second);
    memset(big, 1, 128 * 1024);
    assert_int_equal(hf_arena_spare_bytes(&a), 64 * 1024);
    /* one that fits takes it */
    char *again = hf_arena_alloc(&a, 60 * 1024);
    assert_ptr_equal(again, second);
    assert_int_equal(hf_arena_spare_bytes(&a), 0);
    memset(again, 2, 60 * 1024);
    hf_arena_free(&a);
}

static void test_strndup(void **state)
{
    (void)state;
    struct hf_arena a;
    hf_arena_init(&a);
    char *s = hf_arena_strndup(&a, "abcdef", 3);
    assert_string_equal(s, "abc");
    assert_string_equal(hf_arena_strndup(&a, "", 0), "");
    hf_arena_free(&a);
}

static void test_has_nul(void **state)
{
    (void)state;
    char buf[200];
    for (size_t n = 0; n < sizeof buf; n++) {
        memset(buf, 'x', sizeof buf);
        assert_false(hf_text_has_nul(buf, n));
        for (size_t k = 0; k < n; k++) {
            buf[k] = '\0';
            assert_true(hf_text_has_nul(buf, n));
            buf[k] = 'x';
        }
        buf[n] = '\0'; /* just past the end: not seen */
        assert_false(hf_text_has_nul(buf, n));
    }
    /* bytes that a word test could mistake for zero */
    const char hi[] = "\x80\x81\xff\x01\x7f\x80\x01\x01\x80\xff";
    assert_false(hf_text_has_nul(hi, sizeof hi - 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alloc_and_reset),
        cmocka_unit_test(test_spare_bound),
        cmocka_unit_test(test_no_spare_by_default),
        cmocka_unit_test(test_spare_too_small),
        cmocka_unit_test(test_strndup),
        cmocka_unit_test(test_has_nul),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
