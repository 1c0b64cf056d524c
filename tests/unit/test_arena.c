/*
 * test_arena.c - the bump allocator of row batches (core/arena.c): the
 * inline fast path and the chunk path agree on alignment and accounting,
 * a reset hands the same memory out again (the first chunk, then the
 * chunks it set aside, up to its bound), and hf_text_has_nul (types.h)
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

static void test_alloc_and_reset(void **state)
{
    (void)state;
    struct hf_arena a;
    hf_arena_init(&a);
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
    /* 40 chunks of 1 MiB: a reset keeps at most 16 MiB of them, the
     * arena goes on handing out memory after it */
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 40; i++) {
            char *p = hf_arena_alloc(&a, 1 << 20);
            assert_non_null(p);
            p[0] = p[(1 << 20) - 1] = (char)i;
        }
        hf_arena_reset(&a);
    }
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
        cmocka_unit_test(test_strndup),
        cmocka_unit_test(test_has_nul),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
