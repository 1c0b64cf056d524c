/*
 * test_kafka_state.c - the per-key state of the Kafka connectors: the
 * insertion-ordered byte map, packed rows, ChangelogNormalize of the
 * upsert-kafka source, and 'partition:N,offset:M;...' lists.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/kafka/kafka_int.h"
#include "connectors/upsert_kafka/upsert_int.h"
#include "core/valueconv.h"

/* ------------------------------------------------------------ map */

static void test_map_basic(void **state)
{
    (void)state;
    struct hfk_map m;
    hfk_map_init(&m);
    assert_null(hfk_map_get(&m, "a", 1));
    assert_int_equal(hfk_map_put(&m, "a", 1, "one", 3, true), 0);
    assert_int_equal(hfk_map_put(&m, "b", 1, NULL, 0, false), 0);
    assert_int_equal(hfk_map_put(&m, "c", 1, "three", 5, true), 0);
    /* Replacing keeps the first position; a longer value fits. */
    assert_int_equal(hfk_map_put(&m, "a", 1, "uno-longer", 10, true), 0);
    const struct hfk_map_entry *e = hfk_map_get(&m, "a", 1);
    assert_non_null(e);
    assert_true(e->has_value);
    assert_int_equal(e->vlen, 10);
    assert_memory_equal(e->data + e->klen, "uno-longer", 10);
    e = hfk_map_get(&m, "b", 1);
    assert_non_null(e);
    assert_false(e->has_value);
    hfk_map_del(&m, "b", 1);
    assert_null(hfk_map_get(&m, "b", 1));
    assert_int_equal(m.live, 2);
    char order[8] = "";
    size_t n = 0;
    for (size_t i = 0; i < m.ne; i++)
        if (m.e[i].live)
            order[n++] = m.e[i].data[0];
    assert_string_equal(order, "ac");
    hfk_map_clear(&m);
    assert_null(hfk_map_get(&m, "a", 1));
    assert_int_equal(m.live, 0);
    hfk_map_free(&m);
    hfk_map_free(NULL);
}

static void test_map_many(void **state)
{
    (void)state;
    struct hfk_map m;
    hfk_map_init(&m);
    char k[32], v[32];
    for (int i = 0; i < 100000; i++) {
        int kl = snprintf(k, sizeof k, "key-%d", i);
        int vl = snprintf(v, sizeof v, "val-%d", i * 7);
        assert_int_equal(hfk_map_put(&m, k, (size_t)kl, v, (size_t)vl, true),
                         0);
    }
    /* Delete every key divisible by 3 (forces compaction and probe-run
     * repair), then update the odd ones that remain. */
    for (int i = 0; i < 100000; i += 3) {
        int kl = snprintf(k, sizeof k, "key-%d", i);
        hfk_map_del(&m, k, (size_t)kl);
    }
    for (int i = 1; i < 100000; i += 2) {
        if (i % 3 == 0)
            continue;
        int kl = snprintf(k, sizeof k, "key-%d", i);
        int vl = snprintf(v, sizeof v, "new-%d", i);
        assert_int_equal(hfk_map_put(&m, k, (size_t)kl, v, (size_t)vl, true),
                         0);
    }
    size_t live = 0;
    for (int i = 0; i < 100000; i++) {
        int kl = snprintf(k, sizeof k, "key-%d", i);
        const struct hfk_map_entry *e = hfk_map_get(&m, k, (size_t)kl);
        if (i % 3 == 0) {
            assert_null(e);
            continue;
        }
        live++;
        assert_non_null(e);
        int vl = i % 2 ? snprintf(v, sizeof v, "new-%d", i)
                       : snprintf(v, sizeof v, "val-%d", i * 7);
        assert_int_equal(e->vlen, vl);
        assert_memory_equal(e->data + e->klen, v, (size_t)vl);
    }
    assert_int_equal(m.live, live);
    /* Iteration order is still insertion order. */
    int last = -1;
    for (size_t i = 0; i < m.ne; i++) {
        if (!m.e[i].live)
            continue;
        int n = (int)strtol(m.e[i].data + 4, NULL, 10);
        assert_true(n > last);
        last = n;
    }
    hfk_map_free(&m);
}

/* ------------------------------------------------------------ normalize */

struct fixture {
    struct hf_schema s;
    uint32_t key[1];
    struct hf_batch *b;
    struct hfk_norm *n;
};

static void fx_init(struct fixture *f)
{
    memset(f, 0, sizeof *f);
    f->s.ncols = 3;
    f->s.cols = calloc(3, sizeof *f->s.cols);
    f->s.cols[0].name = strdup("id");
    f->s.cols[0].type = hf_type_make(HF_VARCHAR);
    f->s.cols[1].name = strdup("v");
    f->s.cols[1].type = hf_type_make(HF_INT);
    f->s.cols[2].name = strdup("tags");
    f->s.cols[2].type = hf_type_make(HF_ARRAY);
    f->s.cols[2].type.elem = HF_VARCHAR;
    f->key[0] = 0;
    f->b = hf_batch_new(3, 16);
    f->n = hfk_norm_new(&f->s, f->key, 1);
    assert_non_null(f->n);
}

static void fx_free(struct fixture *f)
{
    hfk_norm_free(f->n);
    hf_batch_destroy(f->b);
    hf_schema_free(&f->s);
}

/* A message's row: kind, id, v (-1 = NULL), one tag (NULL = no array). */
static void add(struct fixture *f, enum hf_rowkind k, const char *id, int v,
                const char *tag)
{
    struct hf_value *row = hf_batch_add_row(f->b, k, 7);
    assert_non_null(row);
    assert_int_equal(hf_value_set_str(f->b, &row[0], id, strlen(id)), 0);
    if (v >= 0) {
        row[1].null = false;
        row[1].v.i = v;
    }
    if (tag) {
        struct hf_array *a = hf_arena_alloc(&f->b->arena, sizeof *a);
        a->elem = HF_VARCHAR;
        a->n = 1;
        a->items = hf_arena_alloc(&f->b->arena, sizeof *a->items);
        memset(a->items, 0, sizeof *a->items);
        hf_value_set_str(f->b, &a->items[0], tag, strlen(tag));
        row[2].null = false;
        row[2].v.a = a;
    }
}

/* Apply one message (the rows added since `from`) and return all rows of
 * the batch as "+I[id, v, tags]" lines. */
static const char *apply(struct fixture *f, uint32_t from, bool emit)
{
    static char out[2048];
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(hfk_norm_apply(f->n, f->b, from, emit, &err), 0);
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    for (uint32_t r = 0; r < f->b->nrows; r++) {
        const struct hf_value *row = hf_batch_row(f->b, r);
        hf_strbuf_printf(&sb, "%s%s[", r ? " " : "",
                         hf_rowkind_short((enum hf_rowkind)f->b->kinds[r]));
        for (uint32_t c = 0; c < 3; c++) {
            if (c)
                hf_strbuf_puts(&sb, ", ");
            if (row[c].null)
                hf_strbuf_puts(&sb, "NULL");
            else
                hf_value_to_text(&f->s.cols[c].type, &row[c], &sb);
        }
        hf_strbuf_putc(&sb, ']');
        assert_int_equal(f->b->origin[r], 7);
    }
    snprintf(out, sizeof out, "%s", sb.data ? sb.data : "");
    hf_strbuf_free(&sb);
    return out;
}

static const char *step(struct fixture *f, enum hf_rowkind k, const char *id,
                        int v, const char *tag)
{
    hf_batch_reset(f->b);
    add(f, k, id, v, tag);
    return apply(f, 0, true);
}

static void test_normalize(void **state)
{
    (void)state;
    struct fixture f;
    fx_init(&f);
    assert_string_equal(step(&f, HF_ROW_INSERT, "k1", 1, "x"),
                        "+I[k1, 1, [x]]");
    assert_string_equal(step(&f, HF_ROW_INSERT, "k2", 2, NULL),
                        "+I[k2, 2, NULL]");
    /* The same row again: nothing. */
    assert_string_equal(step(&f, HF_ROW_INSERT, "k1", 1, "x"), "");
    /* A changed row: -U with the full previous row, then +U. */
    assert_string_equal(step(&f, HF_ROW_INSERT, "k1", 3, "y"),
                        "-U[k1, 1, [x]] +U[k1, 3, [y]]");
    /* Tombstone of an unseen key: nothing. */
    assert_string_equal(step(&f, HF_ROW_DELETE, "k3", -1, NULL), "");
    /* Tombstone (key only): -D with the full previous row. */
    assert_string_equal(step(&f, HF_ROW_DELETE, "k2", -1, NULL),
                        "-D[k2, 2, NULL]");
    assert_string_equal(step(&f, HF_ROW_INSERT, "k2", 4, NULL),
                        "+I[k2, 4, NULL]");
    assert_int_equal(hfk_norm_size(f.n), 2);

    /* Several rows of one message, after rows already in the batch. */
    hf_batch_reset(f.b);
    add(&f, HF_ROW_INSERT, "k9", 9, NULL);
    apply(&f, 0, true);
    add(&f, HF_ROW_INSERT, "k1", 5, NULL);
    add(&f, HF_ROW_DELETE, "k9", -1, NULL);
    add(&f, HF_ROW_INSERT, "k4", 4, NULL);
    assert_string_equal(apply(&f, 1, true),
                        "+I[k9, 9, NULL] -U[k1, 3, [y]] +U[k1, 5, NULL] "
                        "-D[k9, 9, NULL] +I[k4, 4, NULL]");
    fx_free(&f);
}

static void test_replay(void **state)
{
    (void)state;
    /* emit = false rebuilds the state and removes the rows. */
    struct fixture f;
    fx_init(&f);
    hf_batch_reset(f.b);
    add(&f, HF_ROW_INSERT, "a", 1, NULL);
    add(&f, HF_ROW_INSERT, "b", 2, NULL);
    add(&f, HF_ROW_DELETE, "a", -1, NULL);
    add(&f, HF_ROW_INSERT, "b", 3, NULL);
    assert_string_equal(apply(&f, 0, false), "");
    assert_int_equal(hfk_norm_size(f.n), 1);
    assert_string_equal(step(&f, HF_ROW_INSERT, "b", 4, NULL),
                        "-U[b, 3, NULL] +U[b, 4, NULL]");
    assert_string_equal(step(&f, HF_ROW_INSERT, "a", 5, NULL),
                        "+I[a, 5, NULL]");
    fx_free(&f);
}

static void test_pack_roundtrip(void **state)
{
    (void)state;
    struct hf_schema s = {0};
    enum hf_type_id ids[] = {HF_BOOLEAN, HF_BIGINT, HF_DOUBLE, HF_DECIMAL,
                             HF_BYTES,   HF_DATE,   HF_TIMESTAMP_LTZ};
    s.ncols = 7;
    s.cols = calloc(7, sizeof *s.cols);
    for (uint32_t i = 0; i < 7; i++) {
        s.cols[i].name = strdup("c");
        s.cols[i].type = hf_type_make(ids[i]);
    }
    struct hf_batch *b = hf_batch_new(7, 4);
    struct hf_value *r = hf_batch_add_row(b, HF_ROW_INSERT, 0);
    r[0].null = false;
    r[0].v.b = true;
    r[1].null = false;
    r[1].v.i = -5;
    r[2].null = false;
    r[2].v.f8 = 2.5;
    r[3].null = false;
    r[3].v.d.lo = 12345;
    r[3].v.d.hi = -1;
    hf_value_set_str(b, &r[4], "\0\1\2", 3);
    /* r[5] NULL */
    r[6].null = false;
    r[6].v.i = 1700000000000000;
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    hfk_row_pack(&s, NULL, 7, r, &sb);
    struct hf_value *r2 = hf_batch_add_row(b, HF_ROW_INSERT, 0);
    r = hf_batch_row(b, 0);
    assert_int_equal(hfk_row_unpack(&s, sb.data, sb.len, b, r2), 0);
    assert_true(r2[0].v.b);
    assert_int_equal(r2[1].v.i, -5);
    assert_true(r2[2].v.f8 == 2.5);
    assert_int_equal(r2[3].v.d.lo, 12345);
    assert_int_equal(r2[3].v.d.hi, -1);
    assert_int_equal(r2[4].v.s.len, 3);
    assert_memory_equal(r2[4].v.s.ptr, "\0\1\2", 3);
    assert_true(r2[5].null);
    assert_int_equal(r2[6].v.i, 1700000000000000);
    /* Truncated input is rejected. */
    assert_int_equal(hfk_row_unpack(&s, sb.data, sb.len - 1, b, r2), -1);
    hf_strbuf_free(&sb);
    hf_batch_destroy(b);
    hf_schema_free(&s);
}

/* ------------------------------------------------------------ offsets */

static void test_specific_offsets(void **state)
{
    (void)state;
    struct hf_error err;
    int32_t *p;
    int64_t *o;
    size_t n;
    hf_error_clear(&err);
    assert_int_equal(hfk_parse_specific_offsets(
                         "k", "partition:0,offset:42; partition : 1 , "
                              "offset : 300;",
                         &p, &o, &n, &err),
                     0);
    assert_int_equal(n, 2);
    assert_int_equal(p[0], 0);
    assert_int_equal(o[0], 42);
    assert_int_equal(p[1], 1);
    assert_int_equal(o[1], 300);
    free(p);
    free(o);

    assert_int_equal(hfk_parse_specific_offsets("scan.startup.specific-offsets",
                                                "partition:0,offset:x", &p, &o,
                                                &n, &err),
                     -1);
    assert_string_equal(err.msg,
                        "option 'scan.startup.specific-offsets': cannot read "
                        "'partition:0,offset:x'; write "
                        "'partition:0,offset:42;partition:1,offset:300'");
    hf_error_clear(&err);
    assert_int_equal(hfk_parse_specific_offsets(
                         "k", "partition:1,offset:1;partition:1,offset:2", &p,
                         &o, &n, &err),
                     -1);
    assert_string_equal(err.msg, "option 'k': partition 1 is given twice");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map_basic),
        cmocka_unit_test(test_map_many),
        cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_replay),
        cmocka_unit_test(test_pack_roundtrip),
        cmocka_unit_test(test_specific_offsets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
