/*
 * test_holo_encode.c - PostgreSQL binary send formats of every value type
 * (exact bytes as hex), numeric digit groups, binary arrays with NULL
 * elements and empty arrays, array text literals with quoting, and the
 * binary COPY header and trailer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "connectors/hologres/holo_encode.h"
#include "core/datetime.h"
#include "core/decimal.h"

/* Lower-case hex of buf's bytes, spaces removed from `want` before
 * comparing so expectations can be grouped for reading. */
static void assert_hex(const struct hf_strbuf *b, const char *want)
{
    static const char hx[] = "0123456789abcdef";
    char got[2048];
    char w[2048];
    size_t n = 0;
    assert_true(hf_strbuf_ok(b));
    assert_true(b->len * 2 < sizeof got);
    for (size_t i = 0; i < b->len; i++) {
        unsigned char c = (unsigned char)b->data[i];
        got[n++] = hx[c >> 4];
        got[n++] = hx[c & 15];
    }
    got[n] = '\0';
    n = 0;
    for (const char *p = want; *p; p++)
        if (*p != ' ')
            w[n++] = *p;
    w[n] = '\0';
    assert_string_equal(got, w);
}

static struct hf_value ival(int64_t i)
{
    struct hf_value v = {.null = false};
    v.v.i = i;
    return v;
}

static struct hf_value sval(const char *s, size_t n)
{
    struct hf_value v = {.null = false};
    v.v.s.ptr = s;
    v.v.s.len = (uint32_t)n;
    return v;
}

/* Encode v of type id (default parameters) and compare the bytes. */
static void check(enum hf_type_id id, struct hf_value v, const char *want)
{
    struct hf_type t = hf_type_make(id);
    struct hf_strbuf b;
    struct hf_error err;
    hf_error_clear(&err);
    hf_strbuf_init(&b, 0);
    assert_int_equal(holo_encode_value(&b, &t, &v, &err), 0);
    assert_hex(&b, want);
    hf_strbuf_free(&b);
}

static void check_dec(const char *text, int p, int s, const char *want)
{
    struct hf_type t = hf_type_make(HF_DECIMAL);
    t.precision = (uint8_t)p;
    t.scale = (uint8_t)s;
    struct hf_value v = {.null = false};
    assert_int_equal(hf_dec_parse(text, strlen(text), p, s, &v.v.d), 0);
    struct hf_strbuf b;
    struct hf_error err;
    hf_error_clear(&err);
    hf_strbuf_init(&b, 0);
    assert_int_equal(holo_encode_value(&b, &t, &v, &err), 0);
    assert_hex(&b, want);
    hf_strbuf_free(&b);
}

static void test_wire_types(void **state)
{
    (void)state;
    static const struct {
        enum hf_type_id id;
        Oid oid;
        const char *name;
        Oid aoid;
        const char *aname;
    } cases[] = {
        {HF_BOOLEAN, 16, "bool", 1000, "bool[]"},
        {HF_TINYINT, 21, "int2", 1005, "int2[]"},
        {HF_SMALLINT, 21, "int2", 1005, "int2[]"},
        {HF_INT, 23, "int4", 1007, "int4[]"},
        {HF_BIGINT, 20, "int8", 1016, "int8[]"},
        {HF_FLOAT, 700, "float4", 1021, "float4[]"},
        {HF_DOUBLE, 701, "float8", 1022, "float8[]"},
        {HF_DECIMAL, 1700, "numeric", 1231, "numeric[]"},
        {HF_CHAR, 25, "text", 1009, "text[]"},
        {HF_VARCHAR, 25, "text", 1009, "text[]"},
        {HF_BYTES, 17, "bytea", 1001, "bytea[]"},
        {HF_DATE, 1082, "date", 1182, "date[]"},
        {HF_TIME, 1083, "time", 1183, "time[]"},
        {HF_TIMESTAMP, 1114, "timestamp", 1115, "timestamp[]"},
        {HF_TIMESTAMP_LTZ, 1184, "timestamptz", 1185, "timestamptz[]"},
        {HF_JSON, 114, "json", 199, "json[]"},
        {HF_JSONB, 3802, "jsonb", 3807, "jsonb[]"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct hf_type t = hf_type_make(cases[i].id);
        assert_int_equal(holo_wire_oid(&t), cases[i].oid);
        assert_string_equal(holo_wire_name(&t), cases[i].name);
        struct hf_type a = hf_type_make(HF_ARRAY);
        a.elem = cases[i].id;
        assert_int_equal(holo_wire_oid(&a), cases[i].aoid);
        assert_string_equal(holo_wire_name(&a), cases[i].aname);
    }
}

static void test_scalars(void **state)
{
    (void)state;
    struct hf_value b = {.null = false};
    b.v.b = true;
    check(HF_BOOLEAN, b, "01");
    b.v.b = false;
    check(HF_BOOLEAN, b, "00");
    check(HF_TINYINT, ival(5), "0005");
    check(HF_TINYINT, ival(-128), "ff80");
    check(HF_SMALLINT, ival(-2), "fffe");
    check(HF_SMALLINT, ival(32767), "7fff");
    check(HF_INT, ival(0x01020304), "01020304");
    check(HF_INT, ival(-1), "ffffffff");
    check(HF_INT, ival(INT32_MIN), "80000000");
    check(HF_BIGINT, ival(1), "0000000000000001");
    check(HF_BIGINT, ival(INT64_MIN), "8000000000000000");
    check(HF_BIGINT, ival(INT64_MAX), "7fffffffffffffff");
}

static void test_floats(void **state)
{
    (void)state;
    struct hf_value v = {.null = false};
    v.v.f4 = 1.5f;
    check(HF_FLOAT, v, "3fc00000");
    v.v.f4 = -INFINITY;
    check(HF_FLOAT, v, "ff800000");
    v.v.f4 = INFINITY;
    check(HF_FLOAT, v, "7f800000");
    v.v.f4 = NAN;
    check(HF_FLOAT, v, "7fc00000");
    v.v.f8 = 1.0;
    check(HF_DOUBLE, v, "3ff0000000000000");
    v.v.f8 = -0.0;
    check(HF_DOUBLE, v, "8000000000000000");
    v.v.f8 = INFINITY;
    check(HF_DOUBLE, v, "7ff0000000000000");
    v.v.f8 = -INFINITY;
    check(HF_DOUBLE, v, "fff0000000000000");
    v.v.f8 = NAN;
    check(HF_DOUBLE, v, "7ff8000000000000");
}

static void test_numeric(void **state)
{
    (void)state;
    /* ndigits weight sign dscale digits... */
    check_dec("0", 10, 2, "0000 0000 0000 0002");
    check_dec("-0.00", 10, 2, "0000 0000 0000 0002");
    check_dec("1", 10, 0, "0001 0000 0000 0000 0001");
    check_dec("-1", 10, 0, "0001 0000 4000 0000 0001");
    check_dec("12345.678", 10, 3, "0003 0001 0000 0003 0001 0929 1a7c");
    check_dec("0.0001", 10, 4, "0001 ffff 0000 0004 0001");
    check_dec("-0.0001", 10, 4, "0001 ffff 4000 0004 0001");
    check_dec("0.5", 10, 1, "0001 ffff 0000 0001 1388");
    check_dec("0.00001", 10, 5, "0001 fffe 0000 0005 03e8");
    /* trailing zero groups dropped, weight kept */
    check_dec("10000", 10, 0, "0001 0001 0000 0000 0001");
    check_dec("10000.0000", 12, 4, "0001 0001 0000 0004 0001");
    /* zero groups in the middle stay */
    check_dec("100000000.00000001", 18, 8,
              "0005 0002 0000 0008 0001 0000 0000 0000 0001");
    check_dec("12345678901234567890123456.789012345678", 38, 12,
              "000a 0006 0000 000c 000c 0d80 1ed2 04d2 162e 2334 0d80 1ed2 "
              "04d2 162e");
    check_dec("-99999999999999999999999999999999999999", 38, 0,
              "000a 0009 4000 0000 0063 270f 270f 270f 270f 270f 270f 270f "
              "270f 270f");
    check_dec("-1234567890123456789012.3456789012345678", 38, 16,
              "000a 0005 4000 0010 000c 0d80 1ed2 04d2 162e 2334 0d80 1ed2 "
              "04d2 162e");
    check_dec("0.00000000000000000000000000000000000001", 38, 38,
              "0001 fff6 0000 0026 0064");
    check_dec("-0.12345678901234567890123456789012345678", 38, 38,
              "000a ffff 4000 0026 04d2 162e 2334 0d80 1ed2 04d2 162e 2334 "
              "0d80 1e78");
}

static void test_strings_and_bytes(void **state)
{
    (void)state;
    check(HF_VARCHAR, sval("h\xc3\xa9llo", 6), "68 c3a9 6c6c6f");
    check(HF_VARCHAR, sval("", 0), "");
    check(HF_CHAR, sval("ab", 2), "6162");
    check(HF_JSON, sval("{\"a\":1}", 7), "7b 22 61 22 3a 31 7d");
    check(HF_JSONB, sval("{\"a\":1}", 7), "01 7b 22 61 22 3a 31 7d");
    /* bytea is raw, \0 included */
    check(HF_BYTES, sval("\x00\xff\x10", 3), "00ff10");
}

static void test_text_with_nul_refused(void **state)
{
    (void)state;
    static const enum hf_type_id ids[] = {HF_VARCHAR, HF_CHAR, HF_JSON,
                                          HF_JSONB};
    for (size_t i = 0; i < 4; i++) {
        struct hf_type t = hf_type_make(ids[i]);
        struct hf_value v = sval("ab\0c", 4);
        struct hf_strbuf b;
        struct hf_error err;
        hf_error_clear(&err);
        hf_strbuf_init(&b, 0);
        assert_int_equal(holo_encode_value(&b, &t, &v, &err), -1);
        assert_int_equal(err.code, HF_ERR_DATA);
        assert_non_null(strstr(err.msg, "text value contains a \\0 byte"));
        assert_non_null(strstr(err.msg, "at byte 2 of 4"));
        assert_non_null(strstr(err.msg, "sink.remove-u0000-in-text.enabled"));
        hf_strbuf_free(&b);
    }
}

static void test_dates_and_times(void **state)
{
    (void)state;
    check(HF_DATE, ival(0), "ffffd533");     /* 1970-01-01 */
    check(HF_DATE, ival(10957), "00000000"); /* 2000-01-01 */
    check(HF_DATE, ival(-1), "ffffd532");    /* 1969-12-31 */
    check(HF_DATE, ival(10958), "00000001");
    check(HF_TIME, ival(1000000), "00000000000f4240");
    check(HF_TIME, ival(0), "0000000000000000");
    check(HF_TIMESTAMP, ival(0), "fffca2fec4c82000");
    check(HF_TIMESTAMP, ival(INT64_C(946684800000000)), "0000000000000000");
    check(HF_TIMESTAMP, ival(INT64_C(946684800000001)), "0000000000000001");
    check(HF_TIMESTAMP_LTZ, ival(0), "fffca2fec4c82000");
    check(HF_TIMESTAMP_LTZ, ival(INT64_C(946684799999999)), "ffffffffffffffff");
}

static void test_out_of_range(void **state)
{
    (void)state;
    struct hf_type t = hf_type_make(HF_INT);
    struct hf_value v = ival(INT64_C(1) << 40);
    struct hf_strbuf b;
    struct hf_error err;
    hf_error_clear(&err);
    hf_strbuf_init(&b, 0);
    assert_int_equal(holo_encode_value(&b, &t, &v, &err), -1);
    assert_int_equal(err.code, HF_ERR_DATA);
    assert_non_null(strstr(err.msg, "1099511627776"));
    hf_error_clear(&err);
    t = hf_type_make(HF_TIMESTAMP);
    v = ival(INT64_MIN);
    assert_int_equal(holo_encode_value(&b, &t, &v, &err), -1);
    assert_int_equal(err.code, HF_ERR_DATA);
    hf_strbuf_free(&b);
}

static void test_fields(void **state)
{
    (void)state;
    struct hf_type t = hf_type_make(HF_INT);
    struct hf_value v = ival(7);
    struct hf_value n = {.null = true};
    struct hf_strbuf b;
    struct hf_error err;
    hf_error_clear(&err);
    hf_strbuf_init(&b, 0);
    assert_int_equal(holo_encode_field(&b, &t, &v, &err), 0);
    assert_int_equal(holo_encode_field(&b, &t, &n, &err), 0);
    struct hf_type s = hf_type_make(HF_VARCHAR);
    struct hf_value e = sval("", 0);
    assert_int_equal(holo_encode_field(&b, &s, &e, &err), 0);
    struct hf_value x = sval("xyz", 3);
    assert_int_equal(holo_encode_field(&b, &s, &x, &err), 0);
    assert_hex(&b, "00000004 00000007  ffffffff  00000000  00000003 78797a");
    hf_strbuf_free(&b);
}

static void test_binary_arrays(void **state)
{
    (void)state;
    struct hf_type t = hf_type_make(HF_INT);
    struct hf_value a = ival(1), c = ival(3), nul = {.null = true};
    const struct hf_value *vals[] = {&a, &nul, &c};
    struct hf_strbuf b;
    struct hf_error err;
    hf_error_clear(&err);
    hf_strbuf_init(&b, 0);
    assert_int_equal(holo_encode_array(&b, &t, vals, 3, &err), 0);
    assert_hex(&b, "00000001 00000001 00000017 00000003 00000001"
                   " 00000004 00000001  ffffffff  00000004 00000003");

    /* no NULL: flag 0 */
    hf_strbuf_reset(&b);
    const struct hf_value *two[] = {&a, &c};
    assert_int_equal(holo_encode_array(&b, &t, two, 2, &err), 0);
    assert_hex(&b, "00000001 00000000 00000017 00000002 00000001"
                   " 00000004 00000001  00000004 00000003");

    /* empty: ndim 0, flags 0, element OID */
    hf_strbuf_reset(&b);
    assert_int_equal(holo_encode_array(&b, &t, NULL, 0, &err), 0);
    assert_hex(&b, "00000000 00000000 00000017");

    /* text elements have OID 25 */
    hf_strbuf_reset(&b);
    struct hf_type st = hf_type_make(HF_VARCHAR);
    struct hf_value s1 = sval("ab", 2);
    const struct hf_value *sv[] = {&s1, &nul};
    assert_int_equal(holo_encode_array(&b, &st, sv, 2, &err), 0);
    assert_hex(&b, "00000001 00000001 00000019 00000002 00000001"
                   " 00000002 6162  ffffffff");

    /* an element error names the element */
    hf_strbuf_reset(&b);
    struct hf_value bad = sval("a\0", 2);
    const struct hf_value *bv[] = {&s1, &bad};
    assert_int_equal(holo_encode_array(&b, &st, bv, 2, &err), -1);
    assert_non_null(strstr(err.msg, "array element 2: "));
    hf_strbuf_free(&b);
}

static void test_array_value_binary(void **state)
{
    (void)state;
    struct hf_type t = hf_type_make(HF_ARRAY);
    t.elem = HF_BIGINT;
    struct hf_value items[2] = {ival(5), {.null = true}};
    struct hf_array arr = {.elem = HF_BIGINT, .n = 2, .items = items};
    struct hf_value v = {.null = false};
    v.v.a = &arr;
    struct hf_strbuf b;
    struct hf_error err;
    hf_error_clear(&err);
    hf_strbuf_init(&b, 0);
    assert_int_equal(holo_encode_value(&b, &t, &v, &err), 0);
    assert_hex(&b, "00000001 00000001 00000014 00000002 00000001"
                   " 00000008 0000000000000005  ffffffff");
    hf_strbuf_reset(&b);
    arr.n = 0;
    assert_int_equal(holo_encode_value(&b, &t, &v, &err), 0);
    assert_hex(&b, "00000000 00000000 00000014");
    hf_strbuf_free(&b);
}

/* The array literal of `n` items of element type `elem`. */
static void check_literal(enum hf_type_id elem, struct hf_value *items,
                          uint32_t n, const char *want)
{
    struct hf_type t = hf_type_make(HF_ARRAY);
    t.elem = elem;
    struct hf_array arr = {.elem = elem, .n = n, .items = items};
    struct hf_value v = {.null = false};
    v.v.a = &arr;
    struct hf_strbuf b;
    struct hf_error err;
    hf_error_clear(&err);
    hf_strbuf_init(&b, 0);
    assert_int_equal(holo_encode_array_literal(&b, &t, &v, &err), 0);
    assert_true(hf_strbuf_ok(&b));
    assert_string_equal(b.data, want);
    hf_strbuf_free(&b);
}

static void test_array_literals(void **state)
{
    (void)state;
    struct hf_value ints[] = {ival(1), ival(-2), {.null = true}};
    check_literal(HF_INT, ints, 3, "{1,-2,NULL}");
    check_literal(HF_INT, ints, 0, "{}");
    check_literal(HF_BIGINT, ints, 1, "{1}");

    struct hf_value strs[] = {
        sval("a b", 3),          sval("c\"d", 3),      sval("", 0),
        sval("NULL", 4),         sval("null", 4),      sval("back\\slash", 10),
        sval("x,y", 3),          sval("{z}", 3),       {.null = true},
        sval("plain", 5),        sval("tab\there", 8), sval("line\nbreak", 10),
        sval("\xe4\xb8\xad", 3), sval("Nullable", 8),
    };
    check_literal(
        HF_VARCHAR, strs, 14,
        "{\"a b\",\"c\\\"d\",\"\",\"NULL\",\"null\",\"back\\\\slash\","
        "\"x,y\",\"{z}\",NULL,plain,\"tab\there\",\"line\nbreak\","
        "\xe4\xb8\xad,Nullable}");

    struct hf_value fl[4] = {{.null = false}};
    fl[0].v.f8 = 1.5;
    fl[1].v.f8 = NAN;
    fl[2].v.f8 = -INFINITY;
    fl[3].v.f8 = 1e20;
    check_literal(HF_DOUBLE, fl, 4, "{1.5,NaN,-Infinity,1.0E20}");
    struct hf_value f4[2] = {{.null = false}};
    f4[0].v.f4 = 0.1f;
    f4[1].v.f4 = INFINITY;
    check_literal(HF_FLOAT, f4, 2, "{0.1,Infinity}");

    struct hf_value bo[2] = {{.null = false}};
    bo[0].v.b = true;
    bo[1].v.b = false;
    check_literal(HF_BOOLEAN, bo, 2, "{t,f}");

    struct hf_value by[] = {sval("\x0a\xff", 2), sval("", 0)};
    check_literal(HF_BYTES, by, 2, "{\"\\\\x0aff\",\"\\\\x\"}");

    struct hf_value dates[] = {ival(0), ival(hf_days_from_civil(0, 1, 1)),
                               ival(hf_days_from_civil(12000, 2, 29))};
    check_literal(HF_DATE, dates, 3,
                  "{1970-01-01,\"0001-01-01 BC\",12000-02-29}");
    struct hf_value ts[] = {
        ival(INT64_C(1500)),
        ival(hf_days_from_civil(1940, 1, 1) * HF_USEC_PER_DAY - 1)};
    check_literal(HF_TIMESTAMP, ts, 2,
                  "{\"1970-01-01 00:00:00.0015\",\"1939-12-31 "
                  "23:59:59.999999\"}");
    check_literal(HF_TIMESTAMP_LTZ, ts, 1, "{\"1970-01-01 00:00:00.0015+00\"}");
    struct hf_value tm[] = {ival(HF_USEC_PER_SEC * 3661), ival(5)};
    check_literal(HF_TIME, tm, 2, "{01:01:01,00:00:00.000005}");
}

static void test_array_literal_decimal(void **state)
{
    (void)state;
    struct hf_type t = hf_type_make(HF_ARRAY);
    t.elem = HF_DECIMAL;
    t.precision = 10;
    t.scale = 2;
    struct hf_value items[2] = {{.null = false}, {.null = true}};
    assert_int_equal(hf_dec_parse("-3.5", 4, 10, 2, &items[0].v.d), 0);
    struct hf_array arr = {.elem = HF_DECIMAL, .n = 2, .items = items};
    struct hf_value v = {.null = false};
    v.v.a = &arr;
    struct hf_strbuf b;
    struct hf_error err;
    hf_error_clear(&err);
    hf_strbuf_init(&b, 0);
    assert_int_equal(holo_encode_array_literal(&b, &t, &v, &err), 0);
    assert_string_equal(b.data, "{-3.50,NULL}");
    hf_strbuf_free(&b);
}

static void test_array_literal_nul_refused(void **state)
{
    (void)state;
    struct hf_type t = hf_type_make(HF_ARRAY);
    t.elem = HF_VARCHAR;
    struct hf_value items[] = {sval("ok", 2), sval("x\0y", 3)};
    struct hf_array arr = {.elem = HF_VARCHAR, .n = 2, .items = items};
    struct hf_value v = {.null = false};
    v.v.a = &arr;
    struct hf_strbuf b;
    struct hf_error err;
    hf_error_clear(&err);
    hf_strbuf_init(&b, 0);
    assert_int_equal(holo_encode_array_literal(&b, &t, &v, &err), -1);
    assert_int_equal(err.code, HF_ERR_DATA);
    assert_non_null(strstr(err.msg, "array element 2: text value contains"));
    hf_strbuf_free(&b);
}

static void test_copy_framing(void **state)
{
    (void)state;
    struct hf_strbuf b;
    hf_strbuf_init(&b, 0);
    holo_copy_header(&b);
    assert_int_equal(b.len, 19);
    assert_hex(&b, "5047434f50590aff0d0a00 00000000 00000000");
    hf_strbuf_reset(&b);
    holo_copy_trailer(&b);
    assert_hex(&b, "ffff");
    hf_strbuf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wire_types),
        cmocka_unit_test(test_scalars),
        cmocka_unit_test(test_floats),
        cmocka_unit_test(test_numeric),
        cmocka_unit_test(test_strings_and_bytes),
        cmocka_unit_test(test_text_with_nul_refused),
        cmocka_unit_test(test_dates_and_times),
        cmocka_unit_test(test_out_of_range),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_binary_arrays),
        cmocka_unit_test(test_array_value_binary),
        cmocka_unit_test(test_array_literals),
        cmocka_unit_test(test_array_literal_decimal),
        cmocka_unit_test(test_array_literal_nul_refused),
        cmocka_unit_test(test_copy_framing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
