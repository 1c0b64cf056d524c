/*
 * test_rowcodec.c - the row codec (core/rowcodec.h): every type round
 * trips through its bytes; equal grouping keys give equal bytes (NULL and
 * NULL, -0.0 and 0.0, every NaN) and different ones different bytes
 * (string boundaries, NULL and zero); short or bad input is an error; the
 * key hash spreads keys over key groups.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* clang-format off: cmocka needs the headers above first */
#include <cmocka.h>
/* clang-format on */
#include <math.h>
#include <string.h>

#include "core/arena.h"
#include "core/rowcodec.h"
#include "state/state.h"

static struct hf_value vi(int64_t i)
{
    struct hf_value v = {0};
    v.v.i = i;
    return v;
}

static struct hf_value vs(const char *s)
{
    struct hf_value v = {0};
    v.v.s.ptr = s;
    v.v.s.len = (uint32_t)strlen(s);
    return v;
}

static struct hf_value vnull(void)
{
    struct hf_value v = {0};
    v.null = true;
    return v;
}

/* Encode n values, return the bytes in sb (caller frees). */
static void enc(const struct hf_type *t, const struct hf_value *v, uint32_t n,
                struct hf_strbuf *sb)
{
    hf_strbuf_init(sb, 0);
    hf_row_encode(t, v, n, sb);
    assert_true(hf_strbuf_ok(sb));
}

static bool same_bytes(const struct hf_type *t, const struct hf_value *a,
                       const struct hf_value *b, uint32_t n)
{
    struct hf_strbuf x, y;
    enc(t, a, n, &x);
    enc(t, b, n, &y);
    bool eq = x.len == y.len && memcmp(x.data, y.data, x.len) == 0;
    hf_strbuf_free(&x);
    hf_strbuf_free(&y);
    return eq;
}

static void test_scalars_round_trip(void **state)
{
    (void)state;
    struct hf_type t[16];
    struct hf_value v[16];
    uint32_t n = 0;
    struct hf_type dec10 = hf_type_make(HF_DECIMAL), dec38 = dec10;
    dec10.precision = 10;
    dec10.scale = 2;
    dec38.precision = 38;
    dec38.scale = 4;
    t[n] = hf_type_make(HF_BOOLEAN), v[n] = vi(0), v[n++].v.b = true;
    t[n] = hf_type_make(HF_TINYINT), v[n++] = vi(-128);
    t[n] = hf_type_make(HF_SMALLINT), v[n++] = vi(-32768);
    t[n] = hf_type_make(HF_INT), v[n++] = vi(INT32_MIN);
    t[n] = hf_type_make(HF_BIGINT), v[n++] = vi(INT64_MIN);
    t[n] = hf_type_make(HF_FLOAT), v[n] = vi(0), v[n++].v.f4 = -1.5f;
    t[n] = hf_type_make(HF_DOUBLE), v[n] = vi(0), v[n++].v.f8 = 3.25e300;
    t[n] = dec10, v[n] = vi(0), v[n].v.d.lo = (uint64_t)-12345,
    v[n++].v.d.hi = -1;
    t[n] = dec38, v[n] = vi(0), v[n].v.d.lo = 42, v[n++].v.d.hi = INT64_MAX;
    t[n] = hf_type_make(HF_VARCHAR), v[n++] = vs("héllo");
    t[n] = hf_type_make(HF_BYTES), v[n] = vs("a\0b"), v[n++].v.s.len = 3;
    t[n] = hf_type_make(HF_DATE), v[n++] = vi(-719162);
    t[n] = hf_type_make(HF_TIMESTAMP_LTZ), v[n++] = vi(1700000000123456);
    t[n] = hf_type_make(HF_INT), v[n++] = vnull();
    t[n] = hf_type_make(HF_VARCHAR), v[n++] = vs("");
    t[n] = hf_type_make(HF_CHAR), v[n++] = vnull();

    struct hf_strbuf sb;
    enc(t, v, n, &sb);
    struct hf_value out[16];
    struct hf_error err;
    hf_error_clear(&err);
    struct hf_arena a;
    hf_arena_init(&a);
    long used = hf_row_decode(t, n, sb.data, sb.len, out, &a, &err);
    assert_int_equal(used, (long)sb.len);
    assert_true(out[0].v.b);
    assert_int_equal(out[1].v.i, -128);
    assert_int_equal(out[2].v.i, -32768);
    assert_int_equal(out[3].v.i, INT32_MIN);
    assert_true(out[4].v.i == INT64_MIN);
    assert_true(out[5].v.f4 == -1.5f);
    assert_true(out[6].v.f8 == 3.25e300);
    assert_true(out[7].v.d.lo == (uint64_t)-12345 && out[7].v.d.hi == -1);
    assert_true(out[8].v.d.lo == 42 && out[8].v.d.hi == INT64_MAX);
    assert_int_equal(out[9].v.s.len, strlen("héllo"));
    assert_memory_equal(out[9].v.s.ptr, "héllo", out[9].v.s.len);
    assert_true(out[9].v.s.ptr < sb.data || out[9].v.s.ptr >= sb.data + sb.len);
    assert_int_equal(out[10].v.s.len, 3);
    assert_memory_equal(out[10].v.s.ptr, "a\0b", 3);
    assert_int_equal(out[11].v.i, -719162);
    assert_int_equal(out[12].v.i, 1700000000123456);
    assert_true(out[13].null);
    assert_false(out[14].null);
    assert_int_equal(out[14].v.s.len, 0);
    assert_true(out[15].null);
    for (uint32_t i = 0; i < 13; i++)
        assert_false(out[i].null);

    /* without an arena, strings point into the bytes */
    used = hf_row_decode(t, n, sb.data, sb.len, out, NULL, &err);
    assert_int_equal(used, (long)sb.len);
    assert_true(out[9].v.s.ptr >= sb.data && out[9].v.s.ptr < sb.data + sb.len);

    /* every cut short is an error, never a misread */
    for (size_t cut = 0; cut < sb.len; cut++) {
        hf_error_clear(&err);
        assert_int_equal(hf_row_decode(t, n, sb.data, cut, out, &a, &err), -1);
        assert_non_null(strstr(err.msg, "row decoding"));
    }
    hf_strbuf_free(&sb);
    hf_arena_free(&a);
}

static void test_small_ints_sign(void **state)
{
    (void)state;
    enum hf_type_id ids[] = {HF_TINYINT, HF_SMALLINT, HF_INT, HF_BIGINT};
    int64_t vals[] = {-1, 0, 1, 127, -100};
    struct hf_error err;
    hf_error_clear(&err);
    for (size_t i = 0; i < 4; i++) {
        for (size_t j = 0; j < 5; j++) {
            struct hf_type t = hf_type_make(ids[i]);
            struct hf_value v = vi(vals[j]), o;
            struct hf_strbuf sb;
            enc(&t, &v, 1, &sb);
            assert_int_equal(hf_row_decode(&t, 1, sb.data, sb.len, &o, NULL,
                                           &err),
                             (long)sb.len);
            assert_int_equal(o.v.i, vals[j]);
            hf_strbuf_free(&sb);
        }
    }
    /* order of one fixed-width column is the numeric order */
    struct hf_type t = hf_type_make(HF_INT);
    struct hf_value a = vi(-5), b = vi(3);
    struct hf_strbuf x, y;
    enc(&t, &a, 1, &x);
    enc(&t, &b, 1, &y);
    assert_true(memcmp(x.data, y.data, x.len) < 0);
    hf_strbuf_free(&x);
    hf_strbuf_free(&y);
}

static void test_canonical_keys(void **state)
{
    (void)state;
    struct hf_type d = hf_type_make(HF_DOUBLE), f = hf_type_make(HF_FLOAT);
    struct hf_value a = vi(0), b = vi(0);
    a.v.f8 = 0.0;
    b.v.f8 = -0.0;
    assert_true(same_bytes(&d, &a, &b, 1));
    a.v.f8 = NAN;
    b.v.f8 = -NAN;
    assert_true(same_bytes(&d, &a, &b, 1));
    uint64_t other = 0x7ff0000000000123ull; /* another NaN payload */
    memcpy(&b.v.f8, &other, 8);
    assert_true(isnan(b.v.f8));
    assert_true(same_bytes(&d, &a, &b, 1));
    a.v.f4 = 0.0f;
    b.v.f4 = -0.0f;
    assert_true(same_bytes(&f, &a, &b, 1));
    a.v.f4 = NAN;
    b.v.f4 = -NAN;
    assert_true(same_bytes(&f, &a, &b, 1));
    a.v.f8 = 1.0;
    b.v.f8 = 2.0;
    assert_false(same_bytes(&d, &a, &b, 1));

    /* NULL equals NULL; NULL is not 0 nor "" */
    struct hf_type it = hf_type_make(HF_INT), st = hf_type_make(HF_VARCHAR);
    struct hf_value n1 = vnull(), n2 = vnull(), z = vi(0), e = vs("");
    n2.v.i = 99; /* garbage under a NULL does not matter */
    assert_true(same_bytes(&it, &n1, &n2, 1));
    assert_false(same_bytes(&it, &n1, &z, 1));
    assert_false(same_bytes(&st, &n1, &e, 1));

    /* string boundaries are part of the key */
    struct hf_type two[2] = {st, st};
    struct hf_value k1[2] = {vs("a"), vs("bc")}, k2[2] = {vs("ab"), vs("c")};
    assert_false(same_bytes(two, k1, k2, 2));

    /* a DECIMAL key is its unscaled value at the type's scale */
    struct hf_type dt = hf_type_make(HF_DECIMAL);
    dt.precision = 10;
    dt.scale = 2;
    struct hf_value d1 = vi(0), d2 = vi(0);
    d1.v.d.lo = 150; /* 1.50 */
    d2.v.d.lo = 150;
    assert_true(same_bytes(&dt, &d1, &d2, 1));
    d2.v.d.lo = 15;
    assert_false(same_bytes(&dt, &d1, &d2, 1));
}

static void test_nested_round_trip(void **state)
{
    (void)state;
    struct hf_type it = hf_type_make(HF_INT), st = hf_type_make(HF_VARCHAR);
    struct hf_type arr, map, row, ms, arr_row;
    assert_int_equal(hf_type_array(&arr, &it), 0);
    assert_int_equal(hf_type_map(&map, &st, &it), 0);
    const char *names[] = {"a", "b"};
    struct hf_type rt[2] = {it, st};
    assert_int_equal(hf_type_row(&row, 2, names, rt), 0);
    assert_int_equal(hf_type_multiset(&ms, &st), 0);
    assert_int_equal(hf_type_array(&arr_row, &row), 0);

    struct hf_arena a;
    hf_arena_init(&a);
    struct hf_value v[5] = {0};
    struct hf_array *x = hf_array_new(&a, &arr, 3);
    x->items[0] = vi(1);
    x->items[1] = vnull();
    x->items[2] = vi(-3);
    v[0].v.a = x;
    x = hf_array_new(&a, &map, 2);
    x->items[0] = vs("k1");
    x->items[1] = vi(10);
    x->items[2] = vs("k2");
    x->items[3] = vnull();
    v[1].v.a = x;
    x = hf_array_new(&a, &row, 2);
    x->items[0] = vi(7);
    x->items[1] = vs("seven");
    v[2].v.a = x;
    x = hf_array_new(&a, &ms, 1);
    x->items[0] = vs("m");
    x->items[1] = vi(2);
    v[3].v.a = x;
    x = hf_array_new(&a, &arr_row, 2);
    x->items[0].null = false;
    x->items[0].v.a = v[2].v.a;
    x->items[1] = vnull();
    v[4].v.a = x;
    struct hf_type types[5] = {arr, map, row, ms, arr_row};

    struct hf_strbuf sb;
    enc(types, v, 5, &sb);
    struct hf_arena b;
    hf_arena_init(&b);
    struct hf_value o[5];
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(hf_row_decode(types, 5, sb.data, sb.len, o, &b, &err),
                     (long)sb.len);
    assert_int_equal(o[0].v.a->n, 3);
    assert_int_equal(o[0].v.a->items[0].v.i, 1);
    assert_true(o[0].v.a->items[1].null);
    assert_int_equal(o[0].v.a->items[2].v.i, -3);
    assert_int_equal(o[1].v.a->n, 2);
    assert_memory_equal(o[1].v.a->items[2].v.s.ptr, "k2", 2);
    assert_int_equal(o[1].v.a->items[1].v.i, 10);
    assert_true(o[1].v.a->items[3].null);
    assert_int_equal(o[2].v.a->items[0].v.i, 7);
    assert_memory_equal(o[2].v.a->items[1].v.s.ptr, "seven", 5);
    assert_int_equal(o[3].v.a->n, 1);
    assert_int_equal(o[3].v.a->items[1].v.i, 2);
    assert_int_equal(o[4].v.a->n, 2);
    assert_memory_equal(o[4].v.a->items[0].v.a->items[1].v.s.ptr, "seven", 5);
    assert_true(o[4].v.a->items[1].null);

    /* re-encoding the decoded row gives the same bytes */
    struct hf_strbuf sb2;
    enc(types, o, 5, &sb2);
    assert_int_equal(sb2.len, sb.len);
    assert_memory_equal(sb2.data, sb.data, sb.len);

    /* nested values need an arena to decode into */
    hf_error_clear(&err);
    assert_int_equal(hf_row_decode(types, 5, sb.data, sb.len, o, NULL, &err),
                     -1);
    assert_non_null(strstr(err.msg, "arena"));

    /* a corrupt length is an error, not a huge allocation */
    sb.data[1] = (char)0xff;
    sb.data[2] = (char)0xff;
    hf_error_clear(&err);
    assert_int_equal(hf_row_decode(types, 1, sb.data, sb.len, o, &b, &err),
                     -1);
    hf_strbuf_free(&sb);
    hf_strbuf_free(&sb2);
    hf_arena_free(&a);
    hf_arena_free(&b);
}

static void test_encode_cols(void **state)
{
    (void)state;
    struct hf_value row[3] = {vs("x"), vi(5), vs("y")};
    struct hf_type kt[2] = {hf_type_make(HF_VARCHAR), hf_type_make(HF_VARCHAR)};
    uint32_t cols[2] = {2, 0};
    struct hf_value kv[2] = {vs("y"), vs("x")};
    struct hf_strbuf a, b;
    hf_strbuf_init(&a, 0);
    hf_row_encode_cols(kt, cols, row, 2, &a);
    enc(kt, kv, 2, &b);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    hf_strbuf_free(&a);
    hf_strbuf_free(&b);
}

static void test_hash_and_key_groups(void **state)
{
    (void)state;
    assert_true(hf_key_hash("abc", 3) == hf_key_hash("abc", 3));
    assert_true(hf_key_hash("abc", 3) != hf_key_hash("abd", 3));
    assert_true(hf_key_hash("", 0) != hf_key_hash("\0", 1));
    assert_true(hf_key_hash("\0", 1) != hf_key_hash("\0\0", 2));
    /* 128 key groups over 64k sequential keys: each within 20% of even */
    uint32_t count[128] = {0};
    for (uint32_t i = 0; i < 65536; i++) {
        struct hf_type t = hf_type_make(HF_BIGINT);
        struct hf_value v = vi(i);
        struct hf_strbuf sb;
        enc(&t, &v, 1, &sb);
        uint32_t kg = hf_state_key_group(hf_key_hash(sb.data, sb.len), 128);
        assert_true(kg < 128);
        count[kg]++;
        hf_strbuf_free(&sb);
    }
    for (int i = 0; i < 128; i++) {
        assert_true(count[i] > 512 * 8 / 10);
        assert_true(count[i] < 512 * 12 / 10);
    }
    /* every bit of a long key matters */
    char k[40];
    memset(k, 'a', sizeof k);
    uint64_t h0 = hf_key_hash(k, sizeof k);
    for (size_t i = 0; i < sizeof k; i++) {
        k[i] ^= 1;
        assert_true(hf_key_hash(k, sizeof k) != h0);
        k[i] ^= 1;
    }
    /* the 64-bit hash folds to Flink's int hash (high xor low), then
     * murmur % max parallelism (test_exchange.c checks murmur itself) */
    assert_int_equal(hf_state_key_group(0, 128), 593689054u % 128);
    assert_int_equal(hf_state_key_group(UINT64_MAX, 128), 593689054u % 128);
    assert_int_equal(hf_state_key_group(UINT64_C(0x100000000), 128),
                     68075478u % 128);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scalars_round_trip),
        cmocka_unit_test(test_small_ints_sign),
        cmocka_unit_test(test_canonical_keys),
        cmocka_unit_test(test_nested_round_trip),
        cmocka_unit_test(test_encode_cols),
        cmocka_unit_test(test_hash_and_key_groups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
