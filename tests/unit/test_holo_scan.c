/*
 * test_holo_scan.c - the hologres scan's SQL text and its binary decoder,
 * without a server.
 *
 * SQL: the statements of every kind of split (whole relation, ctid page
 * ranges on PostgreSQL, shard ranges on Hologres, with a filter and a
 * LIMIT, as COPY or as the SELECT of a cursor) and the range arithmetic;
 * Hologres is not available to the tests, so its SQL is checked here as
 * text. Decoder: numeric into DECIMAL exactly (digits below the scale
 * must be zero, overflow of the precision and NaN are errors naming the
 * column), integer widening, dates and timestamps across the epochs,
 * infinities refused, arrays of one and two dimensions, a record, and
 * malformed data (lengths past the end, wrong dimensions) refused
 * without reading past the field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/hologres/holo_decode.h"
#include "connectors/hologres/holo_scan.h"

static void sql_of(const struct holo_split *sp, const char *where,
                   int64_t limit, bool copy, const char *want)
{
    struct hf_strbuf b;
    hf_strbuf_init(&b, 0);
    holo_scan_split_sql(&b, sp, "\"a\", \"B\"\"x\"", where, limit, copy);
    assert_true(hf_strbuf_ok(&b));
    hf_strbuf_putc(&b, '\0');
    assert_string_equal(b.data, want);
    hf_strbuf_free(&b);
}

static void test_split_sql(void **state)
{
    (void)state;
    struct holo_split whole = {"public", "t", -1, -1, false};
    sql_of(&whole, NULL, -1, true,
           "COPY (SELECT \"a\", \"B\"\"x\" FROM \"public\".\"t\") TO STDOUT "
           "(FORMAT binary)");
    struct holo_split pages = {"s", "Odd\"Name", 10, 20, false};
    sql_of(&pages, "(\"a\" > $1::int8)", 5, true,
           "COPY (SELECT \"a\", \"B\"\"x\" FROM \"s\".\"Odd\"\"Name\" WHERE "
           "ctid >= '(10,0)'::tid AND ctid < '(20,0)'::tid AND ((\"a\" > "
           "$1::int8)) LIMIT 5) TO STDOUT (FORMAT binary)");
    struct holo_split last = {"s", "t", 20, -1, false};
    sql_of(&last, NULL, -1, false,
           "SELECT \"a\", \"B\"\"x\" FROM \"s\".\"t\" WHERE ctid >= "
           "'(20,0)'::tid");
    sql_of(&whole, "(\"a\" IS NULL)", -1, false,
           "SELECT \"a\", \"B\"\"x\" FROM \"public\".\"t\" WHERE ((\"a\" IS "
           "NULL))");
}

static void test_hologres_sql(void **state)
{
    (void)state;
    struct holo_split shards = {"public", "orders", 0, 8, true};
    sql_of(&shards, NULL, -1, true,
           "COPY (SELECT \"a\", \"B\"\"x\" FROM \"public\".\"orders\" WHERE "
           "hg_shard_id >= 0 AND hg_shard_id < 8) TO STDOUT (FORMAT binary)");
    struct holo_split more = {"public", "orders", 8, 16, true};
    sql_of(&more, "(\"a\" = $1::int8)", 100, false,
           "SELECT \"a\", \"B\"\"x\" FROM \"public\".\"orders\" WHERE "
           "hg_shard_id >= 8 AND hg_shard_id < 16 AND ((\"a\" = $1::int8)) "
           "LIMIT 100");
    assert_string_equal(holo_scan_shard_count_sql(),
                        "SELECT g.property_value::int8 "
                        "FROM hologres.hg_table_properties t "
                        "JOIN hologres.hg_table_group_properties g "
                        "ON g.tablegroup_name = t.property_value "
                        "WHERE t.table_namespace = $1 AND t.table_name = $2 "
                        "AND t.property_key = 'table_group' "
                        "AND g.property_key = 'shard_count'");
    assert_non_null(strstr(holo_scan_page_count_sql(), "pg_relation_size"));
}

static void test_ranges(void **state)
{
    (void)state;
    int64_t lo[8], hi[8];
    assert_int_equal(holo_scan_ranges(10, 4, true, lo, hi), 4);
    int64_t wl[] = {0, 3, 6, 8}, wh[] = {3, 6, 8, -1};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(lo[i], wl[i]);
        assert_int_equal(hi[i], wh[i]);
    }
    /* 24 shards over 4 readers: closed ranges of 6. */
    assert_int_equal(holo_scan_ranges(24, 4, false, lo, hi), 4);
    assert_int_equal(lo[3], 18);
    assert_int_equal(hi[3], 24);
    /* Fewer pages than readers: one range per page. */
    assert_int_equal(holo_scan_ranges(2, 4, true, lo, hi), 2);
    assert_int_equal(hi[1], -1);
}

/* ------------------------------------------------------------ decoder */

static struct holo_dec_ctx dctx = {"public", "t", NULL};

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)(v >> 32));
    put32(p + 4, (uint32_t)v);
}

static struct holo_column column(const char *name, Oid oid, Oid elem,
                                 int32_t typmod, const char *text)
{
    struct holo_column c;
    memset(&c, 0, sizeof c);
    c.name = (char *)name;
    c.type_oid = oid;
    c.elem_oid = elem;
    c.typmod = typmod;
    c.type_text = (char *)text;
    return c;
}

/* numeric binary: digits in base 10000. */
static size_t numeric(uint8_t *p, int16_t weight, uint16_t sign,
                      const uint16_t *digits, int n)
{
    put16(p, (uint16_t)n);
    put16(p + 2, (uint16_t)weight);
    put16(p + 4, sign);
    put16(p + 6, 0);
    for (int i = 0; i < n; i++)
        put16(p + 8 + 2 * i, digits[i]);
    return 8 + 2 * (size_t)n;
}

static int dec(const struct holo_column *col, const struct hf_type *t,
               const uint8_t *p, uint32_t len, struct hf_batch *b,
               struct hf_value *v, struct hf_error *err)
{
    struct holo_dec d;
    hf_error_clear(err);
    if (holo_dec_plan(&d, col, t, ',', &dctx, err) != 0)
        return -2;
    memset(v, 0, sizeof *v);
    int rc = holo_dec_value(&d, p, len, b, v, col->name, &dctx, err);
    holo_dec_free(&d);
    return rc;
}

static void test_numeric(void **state)
{
    (void)state;
    struct hf_batch *b = hf_batch_new(1, 1);
    struct hf_error err;
    struct hf_value v;
    uint8_t buf[64];
    struct holo_column n = column("n", 1700, 0, -1, "numeric");
    struct hf_type d10_2 = hf_type_make(HF_DECIMAL);
    d10_2.precision = 10;
    d10_2.scale = 2;
    /* -12345.67 = -(1 2345 . 6700): weight 1 */
    uint16_t dg[] = {1, 2345, 6700};
    size_t len = numeric(buf, 1, 0x4000, dg, 3);
    assert_int_equal(dec(&n, &d10_2, buf, (uint32_t)len, b, &v, &err), 0);
    assert_int_equal(v.v.d.hi, -1);
    assert_int_equal((int64_t)v.v.d.lo, -1234567);
    /* 0.001 does not fit scale 2 */
    uint16_t small[] = {10};
    len = numeric(buf, -1, 0, small, 1);
    assert_int_equal(dec(&n, &d10_2, buf, (uint32_t)len, b, &v, &err), -1);
    assert_non_null(strstr(err.msg, "column \"n\": a value with more than 2 "
                                    "fraction digits would round"));
    /* 0.0100 fits: trailing zeros below the scale are fine */
    uint16_t cent[] = {100};
    len = numeric(buf, -1, 0, cent, 1);
    assert_int_equal(dec(&n, &d10_2, buf, (uint32_t)len, b, &v, &err), 0);
    assert_int_equal((int64_t)v.v.d.lo, 1);
    /* 10^8 has 9 integer digits: overflows DECIMAL(10, 2) */
    uint16_t big[] = {1, 0, 0};
    len = numeric(buf, 2, 0, big, 3);
    assert_int_equal(dec(&n, &d10_2, buf, (uint32_t)len, b, &v, &err), -1);
    assert_non_null(strstr(err.msg, "more than 8 integer digits"));
    /* NaN */
    len = numeric(buf, 0, 0xC000, NULL, 0);
    assert_int_equal(dec(&n, &d10_2, buf, (uint32_t)len, b, &v, &err), -1);
    assert_non_null(strstr(err.msg, "has no value for NaN"));
    /* a length that does not match the digit count */
    assert_int_equal(dec(&n, &d10_2, buf, 6, b, &v, &err), -1);
    /* numeric(12, 4) into DECIMAL(10, 2) is refused at plan time */
    struct holo_column n124 = column("m", 1700, 0, ((12 << 16) | 4) + 4,
                                     "numeric(12,4)");
    assert_int_equal(dec(&n124, &d10_2, buf, 0, b, &v, &err), -2);
    assert_non_null(strstr(err.msg, "table \"public\".\"t\": column \"m\" of "
                                    "type numeric(12,4) cannot be read as "
                                    "DECIMAL(10, 2)"));
    hf_batch_destroy(b);
}

static void test_scalars(void **state)
{
    (void)state;
    struct hf_batch *b = hf_batch_new(1, 1);
    struct hf_error err;
    struct hf_value v;
    uint8_t buf[16];
    /* int2 widened to BIGINT */
    struct holo_column i2 = column("s", 21, 0, -1, "smallint");
    struct hf_type big = hf_type_make(HF_BIGINT);
    put16(buf, 0xFFFE);
    assert_int_equal(dec(&i2, &big, buf, 2, b, &v, &err), 0);
    assert_int_equal(v.v.i, -2);
    /* a wrong length is an error, not a read past the field */
    assert_int_equal(dec(&i2, &big, buf, 4, b, &v, &err), -1);
    /* int8 into INT is refused */
    struct holo_column i8 = column("l", 20, 0, -1, "bigint");
    struct hf_type in = hf_type_make(HF_INT);
    assert_int_equal(dec(&i8, &in, buf, 8, b, &v, &err), -2);
    /* date: 2000-01-01 is day 10957 since 1970 */
    struct holo_column dt = column("d", 1082, 0, -1, "date");
    struct hf_type date = hf_type_make(HF_DATE);
    put32(buf, 0);
    assert_int_equal(dec(&dt, &date, buf, 4, b, &v, &err), 0);
    assert_int_equal(v.v.i, 10957);
    put32(buf, 0x7FFFFFFF);
    assert_int_equal(dec(&dt, &date, buf, 4, b, &v, &err), -1);
    assert_non_null(strstr(err.msg, "infinity"));
    /* timestamptz -1 us before 2000 */
    struct holo_column ts = column("t", 1184, 0, 6, "timestamptz(6)");
    struct hf_type ltz = hf_type_make(HF_TIMESTAMP_LTZ);
    ltz.precision = 6;
    put64(buf, (uint64_t)-1);
    assert_int_equal(dec(&ts, &ltz, buf, 8, b, &v, &err), 0);
    assert_int_equal(v.v.i, INT64_C(946684800000000) - 1);
    /* TIMESTAMP(3) cannot hold timestamp(6) */
    ltz.precision = 3;
    assert_int_equal(dec(&ts, &ltz, buf, 8, b, &v, &err), -2);
    /* jsonb as STRING: the version byte dropped */
    struct holo_column jb = column("j", 3802, 0, -1, "jsonb");
    struct hf_type str = hf_type_make(HF_VARCHAR);
    str.length = HF_LEN_MAX;
    memcpy(buf, "\001{}", 3);
    assert_int_equal(dec(&jb, &str, buf, 3, b, &v, &err), 0);
    assert_int_equal(v.v.s.len, 2);
    assert_memory_equal(v.v.s.ptr, "{}", 2);
    buf[0] = 2;
    assert_int_equal(dec(&jb, &str, buf, 3, b, &v, &err), -1);
    hf_batch_destroy(b);
}

static void test_arrays(void **state)
{
    (void)state;
    struct hf_batch *b = hf_batch_new(1, 1);
    struct hf_error err;
    struct hf_value v;
    uint8_t buf[128];
    struct holo_column ai = column("a", 1007, 23, -1, "integer[]");
    struct hf_type ti = hf_type_make(HF_INT);
    struct hf_type arr;
    assert_int_equal(hf_type_array(&arr, &ti), 0);
    /* {7,NULL}: ndim 1, has nulls, oid 23, dim 2 lb 1 */
    put32(buf, 1);
    put32(buf + 4, 1);
    put32(buf + 8, 23);
    put32(buf + 12, 2);
    put32(buf + 16, 1);
    put32(buf + 20, 4);
    put32(buf + 24, 7);
    put32(buf + 28, (uint32_t)-1);
    assert_int_equal(dec(&ai, &arr, buf, 32, b, &v, &err), 0);
    assert_int_equal(v.v.a->n, 2);
    assert_int_equal(v.v.a->items[0].v.i, 7);
    assert_true(v.v.a->items[1].null);
    /* cut short: the second element's length word is missing */
    assert_int_equal(dec(&ai, &arr, buf, 30, b, &v, &err), -1);
    /* an element length past the end */
    put32(buf + 20, 400);
    assert_int_equal(dec(&ai, &arr, buf, 32, b, &v, &err), -1);
    put32(buf + 20, 4);
    /* a 2-dimensional array does not fit ARRAY<INT> */
    put32(buf, 2);
    assert_int_equal(dec(&ai, &arr, buf, 32, b, &v, &err), -1);
    assert_non_null(strstr(err.msg, "2-dimensional array does not fit"));
    /* the same array as STRING joined by ',' is read as text[] */
    struct holo_column at = column("a", 1009, 25, -1, "text[]");
    struct hf_type str = hf_type_make(HF_VARCHAR);
    str.length = HF_LEN_MAX;
    put32(buf, 1);
    put32(buf + 8, 25);
    put32(buf + 12, 3);
    put32(buf + 20, 1);
    memcpy(buf + 24, "x", 1);
    put32(buf + 25, (uint32_t)-1);
    put32(buf + 29, 2);
    memcpy(buf + 33, "yz", 2);
    assert_int_equal(dec(&at, &str, buf, 35, b, &v, &err), 0);
    assert_int_equal(v.v.s.len, 5);
    assert_memory_equal(v.v.s.ptr, "x,,yz", 5);
    hf_batch_destroy(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_sql),  cmocka_unit_test(test_hologres_sql),
        cmocka_unit_test(test_ranges),     cmocka_unit_test(test_numeric),
        cmocka_unit_test(test_scalars),    cmocka_unit_test(test_arrays),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
