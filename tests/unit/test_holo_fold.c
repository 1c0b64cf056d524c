/*
 * test_holo_fold.c - folding the changes of one key in a shard buffer: the
 * table of rules in holo_fold.h, deduplication off, tables without a key,
 * NUL removal and growth past the initial capacity.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "connectors/hologres/holo_fold.h"

/* Schema: id BIGINT (key), name STRING, price BIGINT. */
static struct hf_column cols[3];
static struct hf_schema schema;
static const uint32_t pk[] = {0};

static void setup_schema(void)
{
    cols[0] = (struct hf_column){.name = "id", .type = hf_type_make(HF_BIGINT)};
    cols[1] = (struct hf_column){.name = "name", .type = hf_type_make(HF_VARCHAR)};
    cols[2] = (struct hf_column){.name = "price", .type = hf_type_make(HF_BIGINT)};
    schema = (struct hf_schema){.ncols = 3, .cols = cols};
}

static void row(struct hf_value *r, int64_t id, const char *name, int64_t price)
{
    memset(r, 0, 3 * sizeof *r);
    r[0].v.i = id;
    r[1].null = name == NULL;
    if (name) {
        r[1].v.s.ptr = name;
        r[1].v.s.len = (uint32_t)strlen(name);
    }
    r[2].null = price < 0;
    r[2].v.i = price;
}

static struct holo_config cfg_with(enum holo_on_conflict oc, bool ignore_null,
                                   bool dedup)
{
    struct holo_config c;
    memset(&c, 0, sizeof c);
    c.on_conflict = oc;
    c.ignore_null_when_update = ignore_null;
    c.deduplication = dedup;
    c.remove_u0000 = true;
    return c;
}

static int put(struct holo_buffer *b, enum holo_action a, int64_t id,
               const char *name, int64_t price)
{
    struct hf_value r[3];
    row(r, id, name, price);
    return holo_buffer_put(b, a, HF_ROW_INSERT, r,
                           holo_key_hash(r, pk, 1, &schema, false), id, "t.json");
}

static const struct holo_entry *only(const struct holo_buffer *b)
{
    assert_int_equal(b->n, 1);
    return &b->entries[0];
}

static void assert_name(const struct holo_entry *e, const char *name)
{
    if (name == NULL) {
        assert_true(e->vals[1].null);
        return;
    }
    assert_false(e->vals[1].null);
    assert_int_equal(e->vals[1].v.s.len, strlen(name));
    assert_memory_equal(e->vals[1].v.s.ptr, name, strlen(name));
}

static void test_upsert_rules(void **state)
{
    (void)state;
    setup_schema();
    struct holo_buffer b;
    struct holo_config c;

    c = cfg_with(HOLO_OC_IGNORE, false, true);
    holo_buffer_init(&b, &schema, pk, 1, &c, 4);
    assert_int_equal(put(&b, HOLO_ACT_UPSERT, 1, "first", 10), 0);
    assert_int_equal(put(&b, HOLO_ACT_UPSERT, 1, "second", 20), 0);
    assert_name(only(&b), "first"); /* INSERT_OR_IGNORE keeps the first */
    assert_int_equal(b.nchanges, 2);
    holo_buffer_free(&b);

    c = cfg_with(HOLO_OC_UPDATE, false, true);
    holo_buffer_init(&b, &schema, pk, 1, &c, 4);
    put(&b, HOLO_ACT_UPSERT, 1, "first", 10);
    put(&b, HOLO_ACT_UPSERT, 1, NULL, 20);
    assert_name(only(&b), NULL); /* NULL overwrites without ignore-null */
    assert_int_equal(only(&b)->vals[2].v.i, 20);
    holo_buffer_free(&b);

    c = cfg_with(HOLO_OC_UPDATE, true, true);
    holo_buffer_init(&b, &schema, pk, 1, &c, 4);
    put(&b, HOLO_ACT_UPSERT, 1, "first", 10);
    put(&b, HOLO_ACT_UPSERT, 1, NULL, 20);
    assert_name(only(&b), "first"); /* ignore-null-when-update keeps it */
    assert_int_equal(only(&b)->vals[2].v.i, 20);
    holo_buffer_free(&b);

    c = cfg_with(HOLO_OC_REPLACE, false, true);
    holo_buffer_init(&b, &schema, pk, 1, &c, 4);
    put(&b, HOLO_ACT_UPSERT, 1, "first", 10);
    put(&b, HOLO_ACT_UPSERT, 1, "second", -1);
    assert_name(only(&b), "second");
    assert_true(only(&b)->vals[2].null);
    assert_int_equal(only(&b)->action, HOLO_ACT_UPSERT);
    holo_buffer_free(&b);
}

static void test_delete_rules(void **state)
{
    (void)state;
    setup_schema();
    struct holo_buffer b;
    struct holo_config c = cfg_with(HOLO_OC_UPDATE, false, true);
    holo_buffer_init(&b, &schema, pk, 1, &c, 4);

    put(&b, HOLO_ACT_UPSERT, 1, "a", 1);
    put(&b, HOLO_ACT_DELETE, 1, "a", 1);
    assert_int_equal(only(&b)->action, HOLO_ACT_DELETE);
    put(&b, HOLO_ACT_UPSERT, 1, "b", 2);
    assert_int_equal(only(&b)->action, HOLO_ACT_REPLACE);
    assert_name(only(&b), "b");
    put(&b, HOLO_ACT_UPSERT, 1, "c", 3); /* stays a replacement */
    assert_int_equal(only(&b)->action, HOLO_ACT_REPLACE);
    assert_name(only(&b), "c");
    put(&b, HOLO_ACT_DELETE, 1, "c", 3);
    assert_int_equal(only(&b)->action, HOLO_ACT_DELETE);

    /* Nullify: of an upsert -> upsert with non-key columns NULL. */
    put(&b, HOLO_ACT_UPSERT, 2, "x", 9);
    put(&b, HOLO_ACT_NULLIFY, 2, "x", 9);
    assert_int_equal(b.n, 2);
    assert_int_equal(b.entries[1].action, HOLO_ACT_UPSERT);
    assert_true(b.entries[1].vals[1].null && b.entries[1].vals[2].null);
    assert_int_equal(b.entries[1].vals[0].v.i, 2);
    /* An upsert after a nullify cannot be folded: flush first. */
    put(&b, HOLO_ACT_NULLIFY, 3, "y", 1);
    assert_int_equal(b.entries[2].action, HOLO_ACT_NULLIFY);
    assert_int_equal(put(&b, HOLO_ACT_UPSERT, 3, "z", 2), 1);
    assert_int_equal(b.n, 3);
    holo_buffer_free(&b);

    /* INSERT_OR_IGNORE: nullify after upsert must flush first. */
    c = cfg_with(HOLO_OC_IGNORE, false, true);
    holo_buffer_init(&b, &schema, pk, 1, &c, 4);
    put(&b, HOLO_ACT_UPSERT, 1, "a", 1);
    assert_int_equal(put(&b, HOLO_ACT_NULLIFY, 1, "a", 1), 1);
    holo_buffer_free(&b);
}

static void test_no_dedup_and_no_key(void **state)
{
    (void)state;
    setup_schema();
    struct holo_buffer b;
    struct holo_config c = cfg_with(HOLO_OC_UPDATE, false, false);
    holo_buffer_init(&b, &schema, pk, 1, &c, 4);
    assert_int_equal(put(&b, HOLO_ACT_UPSERT, 1, "a", 1), 0);
    assert_int_equal(put(&b, HOLO_ACT_UPSERT, 2, "b", 1), 0);
    assert_int_equal(put(&b, HOLO_ACT_UPSERT, 1, "c", 1), 1); /* flush first */
    assert_int_equal(b.n, 2);
    holo_buffer_free(&b);

    /* Check-and-put also never folds. */
    c = cfg_with(HOLO_OC_UPDATE, false, true);
    c.cap_column = "price";
    holo_buffer_init(&b, &schema, pk, 1, &c, 4);
    put(&b, HOLO_ACT_UPSERT, 1, "a", 1);
    assert_int_equal(put(&b, HOLO_ACT_UPSERT, 1, "a", 2), 1);
    holo_buffer_free(&b);

    /* No key: every row is appended, and the buffer grows. */
    c = cfg_with(HOLO_OC_UPDATE, false, true);
    holo_buffer_init(&b, &schema, NULL, 0, &c, 2);
    for (int i = 0; i < 100; i++)
        assert_int_equal(put(&b, HOLO_ACT_UPSERT, 1, "same", i), 0);
    assert_int_equal(b.n, 100);
    assert_int_equal(b.entries[99].vals[2].v.i, 99);
    holo_buffer_free(&b);
}

static void test_many_keys_and_copies(void **state)
{
    (void)state;
    setup_schema();
    struct holo_buffer b;
    struct holo_config c = cfg_with(HOLO_OC_UPDATE, false, true);
    holo_buffer_init(&b, &schema, pk, 1, &c, 2);
    char name[32];
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 1000; i++) {
            snprintf(name, sizeof name, "n%d-%d", i, round);
            assert_int_equal(put(&b, HOLO_ACT_UPSERT, i, name, round), 0);
        }
    }
    assert_int_equal(b.n, 1000);
    assert_int_equal(b.nchanges, 3000);
    for (int i = 0; i < 1000; i++) {
        snprintf(name, sizeof name, "n%d-2", i);
        assert_int_equal(b.entries[i].vals[0].v.i, i);
        assert_name(&b.entries[i], name); /* copied, not borrowed */
    }
    holo_buffer_reset(&b);
    assert_int_equal(b.n, 0);
    assert_int_equal(put(&b, HOLO_ACT_UPSERT, 5, "again", 1), 0);
    assert_int_equal(b.n, 1);

    /* NUL bytes are removed from text on the way in. */
    struct hf_value r[3];
    row(r, 7, NULL, 1);
    r[1].null = false;
    r[1].v.s.ptr = "a\0b";
    r[1].v.s.len = 3;
    holo_buffer_put(&b, HOLO_ACT_UPSERT, HF_ROW_INSERT, r,
                    holo_key_hash(r, pk, 1, &schema, false), 0, NULL);
    assert_name(&b.entries[1], "ab");
    holo_buffer_free(&b);
}

/* Review findings: a NULLIFY after an UPSERT under ignore-null must not
 * fold (the NULLs would keep the stored values); an INSERT_OR_IGNORE fold
 * leaves the entry standing for its first change (dirty records name that
 * change); text keys that differ only by U+0000 are one key when NULs are
 * removed. */
static void test_review_cases(void **state)
{
    (void)state;
    struct holo_buffer b;
    struct holo_config c = cfg_with(HOLO_OC_UPDATE, true, true);
    assert_int_equal(holo_buffer_init(&b, &schema, pk, 1, &c, 4), 0);
    assert_int_equal(put(&b, HOLO_ACT_UPSERT, 1, "new", 6), 0);
    assert_int_equal(put(&b, HOLO_ACT_NULLIFY, 1, "new", 6), 1);
    holo_buffer_free(&b);

    c = cfg_with(HOLO_OC_IGNORE, false, true);
    assert_int_equal(holo_buffer_init(&b, &schema, pk, 1, &c, 4), 0);
    struct hf_value r[3];
    row(r, 7, "first", 1);
    assert_int_equal(holo_buffer_put(&b, HOLO_ACT_UPSERT, HF_ROW_INSERT, r,
                                     holo_key_hash(r, pk, 1, &schema, false),
                                     11, "a.json"),
                     0);
    row(r, 7, "second", 2);
    assert_int_equal(holo_buffer_put(&b, HOLO_ACT_UPSERT, HF_ROW_UPDATE_AFTER,
                                     r, holo_key_hash(r, pk, 1, &schema, false),
                                     12, "a.json"),
                     0);
    assert_name(only(&b), "first");
    assert_int_equal(only(&b)->origin, 11);
    assert_int_equal(only(&b)->kind, HF_ROW_INSERT);
    holo_buffer_free(&b);

    /* Key column text: schema with a STRING key. */
    struct hf_column kc[2] = {
        {.name = "k", .type = hf_type_make(HF_VARCHAR)},
        {.name = "v", .type = hf_type_make(HF_BIGINT)},
    };
    struct hf_schema ks = {.ncols = 2, .cols = kc};
    c = cfg_with(HOLO_OC_UPDATE, false, true); /* remove_u0000 on */
    assert_int_equal(holo_buffer_init(&b, &ks, pk, 1, &c, 4), 0);
    struct hf_value a[2], d[2];
    memset(a, 0, sizeof a);
    memset(d, 0, sizeof d);
    a[0].v.s.ptr = "a\0b";
    a[0].v.s.len = 3;
    a[1].v.i = 1;
    d[0].v.s.ptr = "ab";
    d[0].v.s.len = 2;
    uint64_t ha = holo_key_hash(a, pk, 1, &ks, true);
    assert_int_equal(ha, holo_key_hash(d, pk, 1, &ks, true));
    assert_int_not_equal(ha, holo_key_hash(a, pk, 1, &ks, false));
    assert_int_equal(holo_buffer_put(&b, HOLO_ACT_UPSERT, HF_ROW_INSERT, a, ha,
                                     1, NULL),
                     0);
    /* The same key again, with its NUL: folds into the entry. */
    assert_int_equal(holo_buffer_put(&b, HOLO_ACT_DELETE, HF_ROW_DELETE, a, ha,
                                     2, NULL),
                     0);
    assert_int_equal(b.n, 1);
    assert_int_equal(b.entries[0].action, HOLO_ACT_DELETE);
    assert_int_equal(b.entries[0].vals[0].v.s.len, 2);
    /* "ab" without a NUL is the same key. */
    assert_int_equal(holo_buffer_put(&b, HOLO_ACT_UPSERT, HF_ROW_INSERT, d, ha,
                                     3, NULL),
                     0);
    assert_int_equal(b.n, 1);
    assert_int_equal(b.entries[0].action, HOLO_ACT_REPLACE);
    holo_buffer_free(&b);
}

/* copy_row()'s one-allocation copy keeps what hf_value_copy() gives:
 * the values, text with its NULs removed or kept (BYTES always kept), and
 * the bytes accounted. A nested column is test_copy_row_nested's. */
static void test_copy_row_forms(void **state)
{
    (void)state;
    struct hf_column fc[6] = {
        {.name = "t", .type = hf_type_make(HF_VARCHAR)},
        {.name = "b", .type = hf_type_make(HF_BYTES)},
        {.name = "d", .type = hf_type_make(HF_DECIMAL)},
        {.name = "i", .type = hf_type_make(HF_BIGINT)},
        {.name = "u", .type = hf_type_make(HF_VARCHAR)},
        {.name = "e", .type = hf_type_make(HF_VARCHAR)},
    };
    struct hf_schema fs = {.ncols = 6, .cols = fc};
    static const char long_text[] = "0123456789abcdef0123456789abcdef"
                                    "0123456789abcdef0123456789\0bcdef!";
    for (int strip = 0; strip <= 1; strip++) {
        struct holo_config c = cfg_with(HOLO_OC_UPDATE, false, false);
        c.remove_u0000 = strip;
        struct holo_buffer b;
        assert_int_equal(holo_buffer_init(&b, &fs, NULL, 0, &c, 4), 0);
        struct hf_value r[6];
        memset(r, 0, sizeof r);
        r[0].v.s.ptr = "a\0b\0\0c";
        r[0].v.s.len = 6;
        r[1].v.s.ptr = "x\0y";
        r[1].v.s.len = 3;
        r[2].v.d.lo = 12345;
        r[3].null = true;
        r[4].v.s.ptr = long_text;
        r[4].v.s.len = sizeof long_text - 1;
        r[5].v.s.ptr = "";
        r[5].v.s.len = 0;
        /* the reference: hf_value_copy() column by column */
        struct hf_arena ra;
        hf_arena_init(&ra);
        struct hf_value want[6];
        size_t want_bytes = 16;
        for (int k = 0; k < 6; k++)
            want_bytes +=
                (size_t)hf_value_copy(&ra, &fc[k].type, &want[k], &r[k], strip);
        for (int n = 0; n < 3; n++)
            assert_int_equal(holo_buffer_put(&b, HOLO_ACT_UPSERT, HF_ROW_INSERT,
                                             r, 0, n, NULL),
                             0);
        assert_int_equal(b.n, 3);
        assert_int_equal(b.bytes, 3 * want_bytes);
        for (uint32_t n = 0; n < b.n; n++) {
            const struct hf_value *got = b.entries[n].vals;
            for (int k = 0; k < 6; k++) {
                assert_int_equal(got[k].null, want[k].null);
                if (k == 2)
                    assert_int_equal(got[k].v.d.lo, 12345);
                if (got[k].null || k == 2 || k == 3)
                    continue;
                assert_int_equal(got[k].v.s.len, want[k].v.s.len);
                assert_memory_equal(got[k].v.s.ptr, want[k].v.s.ptr,
                                    want[k].v.s.len);
                assert_ptr_not_equal(got[k].v.s.ptr, r[k].v.s.ptr);
            }
        }
        assert_int_equal(b.entries[0].vals[0].v.s.len, strip ? 3 : 6);
        assert_int_equal(b.entries[0].vals[1].v.s.len, 3);
        hf_arena_free(&ra);
        holo_buffer_free(&b);
    }
}

/* copy_row() copies short text a word at a time and finds NULs in the
 * same pass: every length up to past the 64-byte switch to memcpy, with
 * no NUL and with one at each position, gives hf_value_copy()'s bytes. */
static void test_copy_row_lengths(void **state)
{
    (void)state;
    struct hf_column fc[1] = {{.name = "t", .type = hf_type_make(HF_VARCHAR)}};
    struct hf_schema fs = {.ncols = 1, .cols = fc};
    char src[100];
    for (int strip = 0; strip <= 1; strip++) {
        struct holo_config c = cfg_with(HOLO_OC_UPDATE, false, false);
        c.remove_u0000 = strip;
        for (uint32_t n = 0; n < 80; n++) {
            for (uint32_t z = 0; z <= n; z++) { /* z == n: no NUL */
                for (uint32_t i = 0; i < sizeof src; i++)
                    src[i] = (char)('a' + i % 26);
                if (z < n)
                    src[z] = '\0';
                struct hf_value r = {.v.s = {.ptr = src, .len = n}};
                struct hf_arena ra;
                hf_arena_init(&ra);
                struct hf_value want;
                hf_value_copy(&ra, &fc[0].type, &want, &r, strip);
                struct holo_buffer b;
                assert_int_equal(holo_buffer_init(&b, &fs, NULL, 0, &c, 4), 0);
                assert_int_equal(holo_buffer_put(&b, HOLO_ACT_UPSERT,
                                                 HF_ROW_INSERT, &r, 0, 0, NULL),
                                 0);
                const struct hf_value *got = &b.entries[0].vals[0];
                assert_int_equal(got->v.s.len, want.v.s.len);
                assert_int_equal(got->v.s.len, strip && z < n ? n - 1 : n);
                if (want.v.s.len)
                    assert_memory_equal(got->v.s.ptr, want.v.s.ptr,
                                        want.v.s.len);
                holo_buffer_free(&b);
                hf_arena_free(&ra);
            }
        }
    }
}

/* A schema with a nested column has no one-allocation plan (col_copy
 * NULL): every column goes through hf_value_copy(), deep (the array's
 * items copied), text with its NULs removed or kept, inside the array
 * too, and the bytes accounted as hf_value_copy() counts them. */
static void test_copy_row_nested(void **state)
{
    (void)state;
    struct hf_type at = hf_type_make(HF_ARRAY);
    at.elem = HF_VARCHAR;
    struct hf_column nc[2] = {
        {.name = "k", .type = hf_type_make(HF_VARCHAR)},
        {.name = "a", .type = at},
    };
    struct hf_schema ns = {.ncols = 2, .cols = nc};
    for (int strip = 0; strip <= 1; strip++) {
        struct holo_config c = cfg_with(HOLO_OC_UPDATE, false, false);
        c.remove_u0000 = strip;
        struct holo_buffer b;
        assert_int_equal(holo_buffer_init(&b, &ns, NULL, 0, &c, 4), 0);
        assert_null(b.col_copy);
        struct hf_value items[3];
        memset(items, 0, sizeof items);
        items[0].v.s.ptr = "p\0q";
        items[0].v.s.len = 3;
        items[1].null = true;
        items[2].v.s.ptr = "r";
        items[2].v.s.len = 1;
        struct hf_array arr = {.elem = HF_VARCHAR, .n = 3, .items = items};
        struct hf_value r[2];
        memset(r, 0, sizeof r);
        r[0].v.s.ptr = "x\0y";
        r[0].v.s.len = 3;
        r[1].v.a = &arr;
        struct hf_arena ra;
        hf_arena_init(&ra);
        struct hf_value want[2];
        size_t want_bytes = 16;
        for (int k = 0; k < 2; k++)
            want_bytes +=
                (size_t)hf_value_copy(&ra, &nc[k].type, &want[k], &r[k], strip);
        assert_int_equal(
            holo_buffer_put(&b, HOLO_ACT_UPSERT, HF_ROW_INSERT, r, 0, 1, NULL),
            0);
        assert_int_equal(b.n, 1);
        assert_int_equal(b.bytes, want_bytes);
        const struct hf_value *got = b.entries[0].vals;
        assert_int_equal(got[0].v.s.len, strip ? 2 : 3);
        assert_memory_equal(got[0].v.s.ptr, strip ? "xy" : "x\0y",
                            got[0].v.s.len);
        assert_ptr_not_equal(got[0].v.s.ptr, r[0].v.s.ptr);
        const struct hf_array *ga = got[1].v.a;
        assert_false(got[1].null);
        assert_ptr_not_equal(ga, &arr);
        assert_ptr_not_equal(ga->items, items);
        assert_int_equal(ga->n, 3);
        assert_int_equal(ga->items[0].v.s.len, strip ? 2 : 3);
        assert_memory_equal(ga->items[0].v.s.ptr, strip ? "pq" : "p\0q",
                            ga->items[0].v.s.len);
        assert_ptr_not_equal(ga->items[0].v.s.ptr, items[0].v.s.ptr);
        assert_true(ga->items[1].null);
        assert_int_equal(ga->items[2].v.s.len, 1);
        assert_memory_equal(ga->items[2].v.s.ptr, "r", 1);
        hf_arena_free(&ra);
        holo_buffer_free(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_upsert_rules),
        cmocka_unit_test(test_delete_rules),
        cmocka_unit_test(test_no_dedup_and_no_key),
        cmocka_unit_test(test_many_keys_and_copies),
        cmocka_unit_test(test_review_cases),
        cmocka_unit_test(test_copy_row_forms),
        cmocka_unit_test(test_copy_row_lengths),
        cmocka_unit_test(test_copy_row_nested),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
