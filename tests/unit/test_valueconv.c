/*
 * test_valueconv.c - values to and from text: Java's Double/Float.toString,
 * every type's CAST(x AS STRING) spelling, parsing with trimming, NULLs,
 * range and precision errors, arrays with NULL elements.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include "core/decimal.h"
#include "core/valueconv.h"

/* ------------------------------------------------------------------ helpers */

static const char *dbl(double d)
{
    static char buf[64];
    size_t n = hf_double_to_text(d, buf, sizeof buf);
    assert_int_equal(n, strlen(buf));
    return buf;
}

static const char *flt(float f)
{
    static char buf[64];
    size_t n = hf_float_to_text(f, buf, sizeof buf);
    assert_int_equal(n, strlen(buf));
    return buf;
}

static struct hf_type ty(enum hf_type_id id)
{
    return hf_type_make(id);
}

static struct hf_type ty_dec(int p, int s)
{
    struct hf_type t = hf_type_make(HF_DECIMAL);
    t.precision = (uint8_t)p;
    t.scale = (uint8_t)s;
    return t;
}

static struct hf_type ty_prec(enum hf_type_id id, int p)
{
    struct hf_type t = hf_type_make(id);
    t.precision = (uint8_t)p;
    return t;
}

static struct hf_type ty_array(enum hf_type_id elem)
{
    struct hf_type t = hf_type_make(HF_ARRAY);
    t.elem = elem;
    return t;
}

struct fx {
    struct hf_batch *b;
    struct hf_strbuf sb;
    struct hf_error err;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->b = hf_batch_new(1, 4);
    assert_non_null(f->b);
    hf_strbuf_init(&f->sb, 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    hf_batch_destroy(f->b);
    hf_strbuf_free(&f->sb);
    free(f);
    return 0;
}

/* Parse `text` as `t`; must succeed. */
static struct hf_value parse_ok(struct fx *f, const struct hf_type *t,
                                const char *text)
{
    struct hf_value v;
    hf_error_clear(&f->err);
    int rc = hf_value_from_text(t, text, strlen(text), ';', f->b, &v, &f->err);
    if (rc != 0)
        fail_msg("parse of '%s' failed: %s", text, f->err.msg);
    return v;
}

/* Parse `text` as `t`; must fail; returns the message. */
static const char *parse_err(struct fx *f, const struct hf_type *t,
                             const char *text)
{
    struct hf_value v;
    hf_error_clear(&f->err);
    int rc = hf_value_from_text(t, text, strlen(text), ';', f->b, &v, &f->err);
    assert_int_equal(rc, -1);
    assert_true(v.null);
    assert_int_equal(f->err.code, HF_ERR_DATA);
    return f->err.msg;
}

static const char *to_text(struct fx *f, const struct hf_type *t,
                           const struct hf_value *v)
{
    hf_strbuf_reset(&f->sb);
    hf_value_to_text(t, v, &f->sb);
    assert_true(hf_strbuf_ok(&f->sb));
    return f->sb.data;
}

/* Parse then print: the canonical text of `text` as `t`. */
static const char *canon(struct fx *f, const struct hf_type *t,
                         const char *text)
{
    struct hf_value v = parse_ok(f, t, text);
    assert_false(v.null);
    return to_text(f, t, &v);
}

/* ------------------------------------------------------------------ floats */

static void test_double_java(void **state)
{
    (void)state;
    assert_string_equal(dbl(1.0), "1.0");
    assert_string_equal(dbl(100.0), "100.0");
    assert_string_equal(dbl(-1.5), "-1.5");
    assert_string_equal(dbl(1.0e7), "1.0E7");
    assert_string_equal(dbl(9999999.0), "9999999.0");
    assert_string_equal(dbl(12345678.9), "1.23456789E7");
    assert_string_equal(dbl(0.001), "0.001");
    assert_string_equal(dbl(0.0012345), "0.0012345");
    assert_string_equal(dbl(1.0e-4), "1.0E-4");
    assert_string_equal(dbl(1.234e-5), "1.234E-5");
    assert_string_equal(dbl(1.0e10), "1.0E10");
    assert_string_equal(dbl(-2.5e100), "-2.5E100");
    assert_string_equal(dbl(3.14), "3.14");
    assert_string_equal(dbl(0.1), "0.1");
    assert_string_equal(dbl(0.1 + 0.2), "0.30000000000000004");
    assert_string_equal(dbl(123456.789), "123456.789");
    assert_string_equal(dbl(1.0 / 3), "0.3333333333333333");
    assert_string_equal(dbl(0.0), "0.0");
    assert_string_equal(dbl(-0.0), "-0.0");
    assert_string_equal(dbl(NAN), "NaN");
    assert_string_equal(dbl(INFINITY), "Infinity");
    assert_string_equal(dbl(-INFINITY), "-Infinity");
    assert_string_equal(dbl(DBL_MAX), "1.7976931348623157E308");
    assert_string_equal(dbl(4.9e-324), "4.9E-324");
    assert_string_equal(dbl(DBL_MIN), "2.2250738585072014E-308");
    assert_string_equal(dbl(9007199254740993.0), "9.007199254740992E15");
    /* truncation to a small buffer */
    char s[4];
    assert_int_equal(hf_double_to_text(3.14159, s, sizeof s), 3);
    assert_string_equal(s, "3.1");
}

static void test_float_java(void **state)
{
    (void)state;
    assert_string_equal(flt(1.1f), "1.1");
    assert_string_equal(flt(0.1f), "0.1");
    assert_string_equal(flt(1.0f), "1.0");
    assert_string_equal(flt(-3.75f), "-3.75");
    assert_string_equal(flt(1.0f / 3), "0.33333334");
    assert_string_equal(flt(1.0e7f), "1.0E7");
    assert_string_equal(flt(16777216.0f), "1.6777216E7");
    assert_string_equal(flt(9999999.0f), "9999999.0");
    assert_string_equal(flt(1.0e-4f), "1.0E-4");
    assert_string_equal(flt(FLT_MAX), "3.4028235E38");
    assert_string_equal(flt(1.4e-45f), "1.4E-45");
    assert_string_equal(flt(-0.0f), "-0.0");
    assert_string_equal(flt(NAN), "NaN");
    assert_string_equal(flt(-INFINITY), "-Infinity");
}

/* ------------------------------------------------------------------ scalars */

static void test_boolean(void **state)
{
    struct fx *f = *state;
    struct hf_type t = ty(HF_BOOLEAN);
    assert_string_equal(canon(f, &t, "true"), "TRUE");
    assert_string_equal(canon(f, &t, "TRUE"), "TRUE");
    assert_string_equal(canon(f, &t, " False "), "FALSE");
    assert_string_equal(canon(f, &t, "fAlSe"), "FALSE");
    assert_string_equal(parse_err(f, &t, "yes"),
                        "cannot parse 'yes' as BOOLEAN");
    assert_string_equal(parse_err(f, &t, "1"), "cannot parse '1' as BOOLEAN");
}

static void test_integers(void **state)
{
    struct fx *f = *state;
    struct hf_type ti = ty(HF_TINYINT), ts = ty(HF_SMALLINT), tn = ty(HF_INT),
                   tb = ty(HF_BIGINT);
    struct hf_value v = parse_ok(f, &tn, "  -42\t");
    assert_false(v.null);
    assert_int_equal(v.v.i, -42);
    assert_string_equal(to_text(f, &tn, &v), "-42");
    assert_string_equal(canon(f, &tn, "+7"), "7");
    assert_string_equal(canon(f, &tn, "007"), "7");
    assert_string_equal(canon(f, &ti, "-128"), "-128");
    assert_string_equal(canon(f, &ti, "127"), "127");
    assert_string_equal(canon(f, &ts, "-32768"), "-32768");
    assert_string_equal(canon(f, &tn, "2147483647"), "2147483647");
    assert_string_equal(canon(f, &tb, "-9223372036854775808"),
                        "-9223372036854775808");
    assert_string_equal(canon(f, &tb, "9223372036854775807"),
                        "9223372036854775807");

    assert_string_equal(parse_err(f, &ti, "300"),
                        "value 300 out of range for TINYINT");
    assert_string_equal(parse_err(f, &ti, "-129"),
                        "value -129 out of range for TINYINT");
    assert_string_equal(parse_err(f, &ts, "32768"),
                        "value 32768 out of range for SMALLINT");
    assert_string_equal(parse_err(f, &tn, "-2147483649"),
                        "value -2147483649 out of range for INT");
    assert_string_equal(parse_err(f, &tb, "9223372036854775808"),
                        "value 9223372036854775808 out of range for BIGINT");
    assert_string_equal(parse_err(f, &tb, "-99999999999999999999999"),
                        "value -99999999999999999999999 out of range for "
                        "BIGINT");
    assert_string_equal(parse_err(f, &tn, "abc"),
                        "cannot parse 'abc' as INT");
    assert_string_equal(parse_err(f, &tn, "1.5"),
                        "cannot parse '1.5' as INT");
    assert_string_equal(parse_err(f, &tn, "1 2"),
                        "cannot parse '1 2' as INT");
    assert_string_equal(parse_err(f, &tn, "-"), "cannot parse '-' as INT");

    /* empty or blank text is NULL */
    v = parse_ok(f, &tn, "");
    assert_true(v.null);
    v = parse_ok(f, &tn, "   ");
    assert_true(v.null);
}

static void test_int_in_range(void **state)
{
    (void)state;
    assert_true(hf_int_in_range(HF_TINYINT, 127));
    assert_false(hf_int_in_range(HF_TINYINT, 128));
    assert_true(hf_int_in_range(HF_TINYINT, -128));
    assert_false(hf_int_in_range(HF_TINYINT, -129));
    assert_true(hf_int_in_range(HF_SMALLINT, 32767));
    assert_false(hf_int_in_range(HF_SMALLINT, -32769));
    assert_true(hf_int_in_range(HF_INT, INT32_MIN));
    assert_false(hf_int_in_range(HF_INT, (int64_t)INT32_MAX + 1));
    assert_true(hf_int_in_range(HF_BIGINT, INT64_MIN));
    assert_true(hf_int_in_range(HF_BIGINT, INT64_MAX));
    assert_false(hf_int_in_range(HF_VARCHAR, 0));
}

static void test_float_double_values(void **state)
{
    struct fx *f = *state;
    struct hf_type td = ty(HF_DOUBLE), tf = ty(HF_FLOAT);
    assert_string_equal(canon(f, &td, "1"), "1.0");
    assert_string_equal(canon(f, &td, " 1e7 "), "1.0E7");
    assert_string_equal(canon(f, &td, "-0.0001"), "-1.0E-4");
    assert_string_equal(canon(f, &td, "3.14"), "3.14");
    assert_string_equal(canon(f, &td, ".5"), "0.5");
    assert_string_equal(canon(f, &td, "2.5d"), "2.5");
    assert_string_equal(canon(f, &td, "NaN"), "NaN");
    assert_string_equal(canon(f, &td, "-Infinity"), "-Infinity");
    assert_string_equal(canon(f, &td, "+Infinity"), "Infinity");
    assert_string_equal(canon(f, &td, "1e999"), "Infinity");
    assert_string_equal(canon(f, &td, "-0"), "-0.0");
    assert_string_equal(canon(f, &td, "1.7976931348623157E308"),
                        "1.7976931348623157E308");
    assert_string_equal(canon(f, &tf, "1.1"), "1.1");
    assert_string_equal(canon(f, &tf, "0.1f"), "0.1");
    assert_string_equal(canon(f, &tf, "3.4028235E38"), "3.4028235E38");
    struct hf_value v = parse_ok(f, &tf, "1.1");
    assert_true(v.v.f4 == 1.1f);
    v = parse_ok(f, &td, "0.1");
    assert_true(v.v.f8 == 0.1);

    assert_string_equal(parse_err(f, &td, "abc"),
                        "cannot parse 'abc' as DOUBLE");
    assert_string_equal(parse_err(f, &td, "1e"), "cannot parse '1e' as DOUBLE");
    assert_string_equal(parse_err(f, &td, "inf"),
                        "cannot parse 'inf' as DOUBLE");
    assert_string_equal(parse_err(f, &td, "0x10"),
                        "cannot parse '0x10' as DOUBLE");
    assert_string_equal(parse_err(f, &tf, "1,5"),
                        "cannot parse '1,5' as FLOAT");
}

static void test_decimal_values(void **state)
{
    struct fx *f = *state;
    struct hf_type t = ty_dec(5, 2);
    assert_string_equal(canon(f, &t, "12.3"), "12.30");
    assert_string_equal(canon(f, &t, " -0.005 "), "-0.01");
    assert_string_equal(canon(f, &t, "0.004"), "0.00");
    assert_string_equal(canon(f, &t, "1.5E2"), "150.00");
    assert_string_equal(canon(f, &t, "999.994"), "999.99");
    assert_string_equal(parse_err(f, &t, "12345.6"),
                        "'12345.6' does not fit DECIMAL(5, 2)");
    assert_string_equal(parse_err(f, &t, "999.995"),
                        "'999.995' does not fit DECIMAL(5, 2)");
    assert_string_equal(parse_err(f, &t, "1.2.3"),
                        "cannot parse '1.2.3' as DECIMAL(5, 2)");
    struct hf_type big = ty_dec(38, 12);
    assert_string_equal(
        canon(f, &big, "-12345678901234567890123456.789012345678"),
        "-12345678901234567890123456.789012345678");
    struct hf_type t0 = ty_dec(10, 0);
    assert_string_equal(canon(f, &t0, "-2.5"), "-3");
    struct hf_value v = parse_ok(f, &t0, "");
    assert_true(v.null);
}

static void test_strings_and_bytes(void **state)
{
    struct fx *f = *state;
    struct hf_type ts = ty(HF_VARCHAR), tj = ty(HF_JSON), tb = ty(HF_BYTES);
    char text[] = "  hello, world ";
    struct hf_value v = parse_ok(f, &ts, text);
    assert_false(v.null);
    assert_int_equal(v.v.s.len, strlen(text));
    /* copied into the arena, not pointing at the input */
    assert_true(v.v.s.ptr != text);
    text[2] = 'J';
    assert_memory_equal(v.v.s.ptr, "  hello, world ", v.v.s.len);
    assert_string_equal(to_text(f, &ts, &v), "  hello, world ");
    /* an empty string is a string, not NULL */
    v = parse_ok(f, &ts, "");
    assert_false(v.null);
    assert_int_equal(v.v.s.len, 0);
    assert_string_equal(to_text(f, &ts, &v), "");
    assert_string_equal(canon(f, &tj, "{\"a\": [1, 2]}"), "{\"a\": [1, 2]}");

    /* bytes from text are the UTF-8 bytes; printed as x'..' */
    v = parse_ok(f, &tb, "A\n\xc3\xa9");
    assert_int_equal(v.v.s.len, 4);
    assert_string_equal(to_text(f, &tb, &v), "x'410ac3a9'");
    struct hf_value raw = {.null = false};
    raw.v.s.ptr = "\x0a\x1b\xff";
    raw.v.s.len = 3;
    assert_string_equal(to_text(f, &tb, &raw), "x'0a1bff'");
    raw.v.s.len = 0;
    assert_string_equal(to_text(f, &tb, &raw), "x''");
}

static void test_date_time_values(void **state)
{
    struct fx *f = *state;
    struct hf_type td = ty(HF_DATE);
    struct hf_value v = parse_ok(f, &td, " 1900-03-01 ");
    assert_int_equal(v.v.i, -25508);
    assert_string_equal(to_text(f, &td, &v), "1900-03-01");
    assert_string_equal(canon(f, &td, "2000-2-29"), "2000-02-29");
    assert_string_equal(parse_err(f, &td, "2021-02-29"),
                        "cannot parse '2021-02-29' as DATE");

    struct hf_type t0 = ty_prec(HF_TIME, 0), t3 = ty_prec(HF_TIME, 3);
    assert_string_equal(canon(f, &t0, "12:34"), "12:34:00");
    assert_string_equal(canon(f, &t0, "12:34:56.789"), "12:34:56");
    assert_string_equal(canon(f, &t3, "12:34:56.7"), "12:34:56.700");
    assert_string_equal(canon(f, &t3, "12:34:56.123999"), "12:34:56.123");
    /* the value itself is truncated to the type's precision */
    v = parse_ok(f, &t3, "00:00:00.123999");
    assert_int_equal(v.v.i, 123000);
    assert_string_equal(parse_err(f, &t0, "25:00"),
                        "cannot parse '25:00' as TIME(0)");

    struct hf_type ts0 = ty_prec(HF_TIMESTAMP, 0);
    struct hf_type ts3 = ty_prec(HF_TIMESTAMP, 3);
    struct hf_type ts6 = ty_prec(HF_TIMESTAMP, 6);
    assert_string_equal(canon(f, &ts3, "2020-01-01 12:00:00"),
                        "2020-01-01 12:00:00.000");
    assert_string_equal(canon(f, &ts3, "2020-01-01T12:00"),
                        "2020-01-01 12:00:00.000");
    assert_string_equal(canon(f, &ts0, "2020-01-01 12:00:00.999"),
                        "2020-01-01 12:00:00");
    assert_string_equal(canon(f, &ts6, "1969-12-31 23:59:59.9999999"),
                        "1969-12-31 23:59:59.999999");
    assert_string_equal(canon(f, &ts3, "1969-12-31 23:59:59.9999"),
                        "1969-12-31 23:59:59.999");
    v = parse_ok(f, &ts3, "1969-12-31 23:59:59.9999");
    assert_int_equal(v.v.i, -1000);
    assert_string_equal(canon(f, &ts6, "1899-12-31 01:02:03.4"),
                        "1899-12-31 01:02:03.400000");
    assert_string_equal(canon(f, &ts6, "9999-12-31 23:59:59.999999"),
                        "9999-12-31 23:59:59.999999");
    assert_string_equal(parse_err(f, &ts3, "2020-01-01 12:00:00Z"),
                        "cannot parse '2020-01-01 12:00:00Z' as "
                        "TIMESTAMP(3)");

    struct hf_type tl = ty_prec(HF_TIMESTAMP_LTZ, 3);
    assert_string_equal(canon(f, &tl, "2020-01-01 12:00:00+08:00"),
                        "2020-01-01 04:00:00.000");
    assert_string_equal(canon(f, &tl, "2020-01-01T00:30:00.5-01"),
                        "2020-01-01 01:30:00.500");
    assert_string_equal(canon(f, &tl, "2020-01-01 00:30:00Z"),
                        "2020-01-01 00:30:00.000");
    assert_string_equal(canon(f, &tl, "2020-01-01 02:00:00+0300"),
                        "2019-12-31 23:00:00.000");
    assert_string_equal(parse_err(f, &tl, "2020-01-01 12:00:00+25:00"),
                        "cannot parse '2020-01-01 12:00:00+25:00' as "
                        "TIMESTAMP_LTZ(3)");
}

/* ------------------------------------------------------------------ arrays */

static void test_arrays(void **state)
{
    struct fx *f = *state;
    struct hf_type ti = ty_array(HF_INT);
    struct hf_value v = parse_ok(f, &ti, "1;2;;-3");
    assert_false(v.null);
    assert_int_equal(v.v.a->n, 4);
    assert_int_equal(v.v.a->elem, HF_INT);
    assert_int_equal(v.v.a->items[0].v.i, 1);
    assert_true(v.v.a->items[2].null);
    assert_string_equal(to_text(f, &ti, &v), "[1, 2, NULL, -3]");
    assert_string_equal(canon(f, &ti, " 1 ; 2 ;  "), "[1, 2, NULL]");
    assert_string_equal(canon(f, &ti, "5"), "[5]");
    assert_string_equal(canon(f, &ti, ";"), "[NULL, NULL]");
    v = parse_ok(f, &ti, "  ");
    assert_true(v.null);

    struct hf_type ts = ty_array(HF_VARCHAR);
    assert_string_equal(canon(f, &ts, "a;b c;;d"), "[a, b c, NULL, d]");
    v = parse_ok(f, &ts, "x;;y");
    assert_true(v.v.a->items[1].null);
    assert_int_equal(v.v.a->items[2].v.s.len, 1);

    struct hf_type tb = ty_array(HF_BOOLEAN);
    assert_string_equal(canon(f, &tb, "true;FALSE"), "[TRUE, FALSE]");
    struct hf_type td = ty_array(HF_DOUBLE);
    assert_string_equal(canon(f, &td, "1;0.5;1e10"), "[1.0, 0.5, 1.0E10]");
    struct hf_type tdate = ty_array(HF_DATE);
    assert_string_equal(canon(f, &tdate, "2020-01-01;1899-12-31"),
                        "[2020-01-01, 1899-12-31]");
    /* DECIMAL elements take the ARRAY type's precision and scale */
    struct hf_type tdec = ty_array(HF_DECIMAL);
    tdec.precision = 6;
    tdec.scale = 2;
    assert_string_equal(canon(f, &tdec, "1.005;-2"), "[1.01, -2.00]");

    /* another delimiter */
    struct hf_value w;
    hf_error_clear(&f->err);
    assert_int_equal(hf_value_from_text(&ti, "7|8", 3, '|', f->b, &w, &f->err),
                     0);
    assert_string_equal(to_text(f, &ti, &w), "[7, 8]");

    /* element errors name the element and the text */
    assert_string_equal(parse_err(f, &ti, "1;x;3"),
                        "element 2 of ARRAY<INT> '1;x;3': cannot parse 'x' "
                        "as INT");
    struct hf_type tt = ty_array(HF_TINYINT);
    assert_string_equal(parse_err(f, &tt, "1;300"),
                        "element 2 of ARRAY<TINYINT> '1;300': value 300 out "
                        "of range for TINYINT");

    /* an array built by hand prints the same way */
    struct hf_value items[3];
    memset(items, 0, sizeof items);
    items[0].v.i = 10;
    items[1].null = true;
    items[2].v.i = -1;
    struct hf_array arr = {.elem = HF_BIGINT, .n = 3, .items = items};
    struct hf_type tbig = ty_array(HF_BIGINT);
    struct hf_value av = {.null = false};
    av.v.a = &arr;
    assert_string_equal(to_text(f, &tbig, &av), "[10, NULL, -1]");
    arr.n = 0;
    assert_string_equal(to_text(f, &tbig, &av), "[]");
}

static void test_long_text_in_errors(void **state)
{
    struct fx *f = *state;
    struct hf_type t = ty(HF_INT);
    char text[300];
    memset(text, 'z', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    const char *msg = parse_err(f, &t, text);
    /* quoted text is cut at 100 characters */
    assert_int_equal(strlen(msg), strlen("cannot parse '' as INT") + 100 + 3);
    assert_true(strstr(msg, "zzz...' as INT") != NULL);
    /* a long numeric text still parses */
    struct hf_type td = ty(HF_DOUBLE);
    char num[200];
    memset(num, '0', sizeof num);
    num[1] = '.';
    num[sizeof num - 2] = '5'; /* 197 fraction digits */
    num[sizeof num - 1] = '\0';
    struct hf_value v = parse_ok(f, &td, num);
    assert_true(v.v.f8 == 5e-197);
}

static void expect_int_text(int64_t v, const char *want)
{
    char tmp[HF_INT_TEXT_MAX];
    const char *p = hf_int_text(v, tmp);
    size_t n = (size_t)(tmp + HF_INT_TEXT_MAX - p);
    assert_int_equal(n, strlen(want));
    assert_memory_equal(p, want, n);
}

static void test_int_text(void **state)
{
    (void)state;
    expect_int_text(0, "0");
    expect_int_text(7, "7");
    expect_int_text(10, "10");
    expect_int_text(99, "99");
    expect_int_text(100, "100");
    expect_int_text(-1, "-1");
    expect_int_text(-100, "-100");
    expect_int_text(1234567, "1234567");
    expect_int_text(INT64_MAX, "9223372036854775807");
    expect_int_text(INT64_MIN, "-9223372036854775808");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_int_text),
        cmocka_unit_test(test_double_java),
        cmocka_unit_test(test_float_java),
        cmocka_unit_test_setup_teardown(test_boolean, setup, teardown),
        cmocka_unit_test_setup_teardown(test_integers, setup, teardown),
        cmocka_unit_test(test_int_in_range),
        cmocka_unit_test_setup_teardown(test_float_double_values, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_decimal_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_strings_and_bytes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_date_time_values, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_arrays, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_text_in_errors, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, 0, 0);
}
