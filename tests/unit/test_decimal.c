/*
 * test_decimal.c - DECIMAL(p,s) parsing, printing, HALF_UP rounding,
 * precision overflow, rescaling and the int64/double conversions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "core/decimal.h"

/* Parse `text` as DECIMAL(p,s) and return the printed form in buf; the
 * parse must succeed. */
static const char *roundtrip(const char *text, int p, int s, char *buf,
                             size_t n)
{
    struct hf_dec d;
    int rc = hf_dec_parse(text, strlen(text), p, s, &d);
    assert_int_equal(rc, 0);
    size_t len = hf_dec_format(d, s, buf, n);
    assert_int_equal(len, strlen(buf));
    return buf;
}

static int parse_rc(const char *text, int p, int s)
{
    struct hf_dec d;
    return hf_dec_parse(text, strlen(text), p, s, &d);
}

static void test_parse_format_basic(void **state)
{
    (void)state;
    char b[64];
    assert_string_equal(roundtrip("12.3", 10, 2, b, sizeof b), "12.30");
    assert_string_equal(roundtrip("-0.05", 10, 2, b, sizeof b), "-0.05");
    assert_string_equal(roundtrip("7", 10, 0, b, sizeof b), "7");
    assert_string_equal(roundtrip("+7", 10, 0, b, sizeof b), "7");
    assert_string_equal(roundtrip("0", 10, 3, b, sizeof b), "0.000");
    assert_string_equal(roundtrip(".5", 10, 1, b, sizeof b), "0.5");
    assert_string_equal(roundtrip("5.", 10, 1, b, sizeof b), "5.0");
    assert_string_equal(roundtrip("000123.4500", 10, 4, b, sizeof b),
                        "123.4500");
    assert_string_equal(roundtrip("-1", 5, 4, b, sizeof b), "-1.0000");
}

static void test_negative_zero(void **state)
{
    (void)state;
    char b[64];
    struct hf_dec d;
    assert_string_equal(roundtrip("-0", 10, 2, b, sizeof b), "0.00");
    assert_string_equal(roundtrip("-0.000", 10, 2, b, sizeof b), "0.00");
    /* rounds to zero: no sign left */
    assert_string_equal(roundtrip("-0.004", 10, 2, b, sizeof b), "0.00");
    assert_int_equal(hf_dec_parse("-0.004", 6, 10, 2, &d), 0);
    assert_false(hf_dec_is_neg(d));
    assert_int_equal(d.lo, 0);
    assert_int_equal(d.hi, 0);
}

static void test_38_digits(void **state)
{
    (void)state;
    char b[64];
    assert_string_equal(
        roundtrip("-12345678901234567890123456.789012345678", 38, 12, b,
                  sizeof b),
        "-12345678901234567890123456.789012345678");
    assert_string_equal(
        roundtrip("99999999999999999999999999999999999999", 38, 0, b,
                  sizeof b),
        "99999999999999999999999999999999999999");
    assert_string_equal(
        roundtrip("-99999999999999999999999999999999999999", 38, 0, b,
                  sizeof b),
        "-99999999999999999999999999999999999999");
    assert_string_equal(
        roundtrip("0.00000000000000000000000000000000000001", 38, 38, b,
                  sizeof b),
        "0.00000000000000000000000000000000000001");
    assert_string_equal(
        roundtrip("-0.99999999999999999999999999999999999999", 38, 38, b,
                  sizeof b),
        "-0.99999999999999999999999999999999999999");
    struct hf_dec d;
    assert_int_equal(hf_dec_parse("-12345678901234567890123456.789012345678",
                                  40, 38, 12, &d),
                     0);
    assert_true(hf_dec_is_neg(d));
    assert_int_equal(hf_dec_digits(d), 38);
}

static void test_rounding_half_up(void **state)
{
    (void)state;
    char b[64];
    assert_string_equal(roundtrip("1.005", 10, 2, b, sizeof b), "1.01");
    assert_string_equal(roundtrip("1.0049999", 10, 2, b, sizeof b), "1.00");
    assert_string_equal(roundtrip("-1.005", 10, 2, b, sizeof b), "-1.01");
    assert_string_equal(roundtrip("-1.0049", 10, 2, b, sizeof b), "-1.00");
    assert_string_equal(roundtrip("2.5", 10, 0, b, sizeof b), "3");
    assert_string_equal(roundtrip("-2.5", 10, 0, b, sizeof b), "-3");
    assert_string_equal(roundtrip("0.5", 10, 0, b, sizeof b), "1");
    assert_string_equal(roundtrip("0.49", 10, 0, b, sizeof b), "0");
    assert_string_equal(roundtrip("0.05", 10, 0, b, sizeof b), "0");
    /* rounding carries into a new digit */
    assert_string_equal(roundtrip("999.995", 6, 2, b, sizeof b), "1000.00");
    /* many fraction digits beyond what fits 128 bits */
    assert_string_equal(
        roundtrip("0.12345678901234567890123456789012345678901234567890", 5,
                  4, b, sizeof b),
        "0.1235");
}

static void test_exponent(void **state)
{
    (void)state;
    char b[64];
    assert_string_equal(roundtrip("1e3", 10, 0, b, sizeof b), "1000");
    assert_string_equal(roundtrip("1E3", 10, 2, b, sizeof b), "1000.00");
    assert_string_equal(roundtrip("1.5E-2", 10, 3, b, sizeof b), "0.015");
    assert_string_equal(roundtrip("1.5e-2", 10, 2, b, sizeof b), "0.02");
    assert_string_equal(roundtrip("-2.5e+1", 10, 1, b, sizeof b), "-25.0");
    assert_string_equal(roundtrip("123e-5", 10, 5, b, sizeof b), "0.00123");
    assert_string_equal(roundtrip("0e999999", 10, 2, b, sizeof b), "0.00");
    assert_string_equal(roundtrip("5e-999999999999", 10, 2, b, sizeof b),
                        "0.00");
    assert_int_equal(parse_rc("1e99999999999", 10, 2), -2);
    assert_int_equal(parse_rc("1e38", 38, 0), -2);
    assert_string_equal(roundtrip("1e37", 38, 0, b, sizeof b),
                        "10000000000000000000000000000000000000");
}

static void test_overflow(void **state)
{
    (void)state;
    assert_int_equal(parse_rc("12345.6", 5, 2), -2);
    assert_int_equal(parse_rc("1000", 5, 2), -2);
    assert_int_equal(parse_rc("999.99", 5, 2), 0);
    assert_int_equal(parse_rc("999.995", 5, 2), -2); /* rounds to 1000.00 */
    assert_int_equal(parse_rc("-999.994", 5, 2), 0);
    assert_int_equal(parse_rc("100000000000000000000000000000000000000", 38,
                              0),
                     -2);
    assert_int_equal(parse_rc("1", 38, 38), -2);
    assert_int_equal(parse_rc("0.1", 1, 1), 0);
}

static void test_not_a_number(void **state)
{
    (void)state;
    const char *bad[] = {"",    "-",    "+",  ".",    "abc", "1.2.3",
                         "1e",  "1e+",  " 7", "7 ",   "1,5", "--1",
                         "e5",  "0x10", "1f", "NaN",  "1.5e2.0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(parse_rc(bad[i], 10, 2), -1);
    /* bad precision */
    assert_int_equal(parse_rc("1", 0, 0), -1);
    assert_int_equal(parse_rc("1", 39, 0), -1);
}

static void test_format_buffer(void **state)
{
    (void)state;
    struct hf_dec d = hf_dec_from_i64(-123456);
    char b[42];
    assert_int_equal(hf_dec_format(d, 3, b, sizeof b), 8);
    assert_string_equal(b, "-123.456");
    /* truncates to the buffer, always NUL-terminated */
    char small[5];
    assert_int_equal(hf_dec_format(d, 3, small, sizeof small), 4);
    assert_string_equal(small, "-123");
    assert_int_equal(hf_dec_format(hf_dec_from_i64(5), 3, b, sizeof b), 5);
    assert_string_equal(b, "0.005");
}

static void test_rescale(void **state)
{
    (void)state;
    struct hf_dec d, r;
    char b[64];
    assert_int_equal(hf_dec_parse("12.345", 6, 10, 3, &d), 0);
    assert_int_equal(hf_dec_rescale(d, 3, 10, 2, &r), 0);
    hf_dec_format(r, 2, b, sizeof b);
    assert_string_equal(b, "12.35");
    assert_int_equal(hf_dec_rescale(d, 3, 10, 5, &r), 0);
    hf_dec_format(r, 5, b, sizeof b);
    assert_string_equal(b, "12.34500");
    assert_int_equal(hf_dec_rescale(d, 3, 10, 0, &r), 0);
    hf_dec_format(r, 0, b, sizeof b);
    assert_string_equal(b, "12");
    assert_int_equal(hf_dec_parse("-12.5", 5, 10, 1, &d), 0);
    assert_int_equal(hf_dec_rescale(d, 1, 10, 0, &r), 0);
    hf_dec_format(r, 0, b, sizeof b);
    assert_string_equal(b, "-13");
    /* overflow of the target precision */
    assert_int_equal(hf_dec_parse("12.345", 6, 10, 3, &d), 0);
    assert_int_equal(hf_dec_rescale(d, 3, 4, 3, &r), -2);
    assert_int_equal(hf_dec_rescale(d, 3, 4, 2, &r), 0);
    assert_int_equal(hf_dec_parse("99.995", 6, 10, 3, &d), 0);
    assert_int_equal(hf_dec_rescale(d, 3, 4, 2, &r), -2); /* 100.00 */
    /* up-scaling a 38-digit value overflows */
    assert_int_equal(hf_dec_parse("9999999999999999999999999999999999999",
                                  37, 38, 0, &d),
                     0);
    assert_int_equal(hf_dec_rescale(d, 0, 38, 1, &r), 0);
    assert_int_equal(hf_dec_rescale(d, 0, 38, 2, &r), -2);
    /* zero rescales to any scale */
    assert_int_equal(hf_dec_rescale(hf_dec_from_i64(0), 0, 38, 38, &r), 0);
    assert_int_equal(hf_dec_cmp(r, hf_dec_from_i64(0)), 0);
}

static void test_i64(void **state)
{
    (void)state;
    struct hf_dec d;
    int64_t v;
    d = hf_dec_from_i64(INT64_MIN);
    assert_true(hf_dec_is_neg(d));
    assert_int_equal(hf_dec_to_i64(d, 0, &v), 0);
    assert_true(v == INT64_MIN);
    char b[64];
    hf_dec_format(d, 0, b, sizeof b);
    assert_string_equal(b, "-9223372036854775808");
    hf_dec_format(hf_dec_from_i64(INT64_MAX), 2, b, sizeof b);
    assert_string_equal(b, "92233720368547758.07");

    /* truncation toward zero */
    assert_int_equal(hf_dec_parse("-12.99", 6, 10, 2, &d), 0);
    assert_int_equal(hf_dec_to_i64(d, 2, &v), 0);
    assert_int_equal(v, -12);
    assert_int_equal(hf_dec_parse("12.99", 5, 10, 2, &d), 0);
    assert_int_equal(hf_dec_to_i64(d, 2, &v), 0);
    assert_int_equal(v, 12);
    /* int64 overflow */
    assert_int_equal(hf_dec_parse("9223372036854775808", 19, 20, 0, &d), 0);
    assert_int_equal(hf_dec_to_i64(d, 0, &v), -2);
    assert_int_equal(hf_dec_parse("-9223372036854775809", 20, 20, 0, &d), 0);
    assert_int_equal(hf_dec_to_i64(d, 0, &v), -2);
    assert_int_equal(hf_dec_parse("9223372036854775807.9", 21, 38, 1, &d), 0);
    assert_int_equal(hf_dec_to_i64(d, 1, &v), 0);
    assert_true(v == INT64_MAX);
}

static void test_double(void **state)
{
    (void)state;
    struct hf_dec d;
    char b[64];
    assert_int_equal(hf_dec_parse("12.34", 5, 10, 2, &d), 0);
    assert_true(hf_dec_to_double(d, 2) == 12.34);
    assert_int_equal(hf_dec_parse("-0.1", 4, 10, 1, &d), 0);
    assert_true(hf_dec_to_double(d, 1) == -0.1);

    /* from double goes through the shortest text, as BigDecimal.valueOf */
    assert_int_equal(hf_dec_from_double(0.1, 10, 3, &d), 0);
    hf_dec_format(d, 3, b, sizeof b);
    assert_string_equal(b, "0.100");
    assert_int_equal(hf_dec_from_double(2.675, 10, 2, &d), 0);
    hf_dec_format(d, 2, b, sizeof b);
    assert_string_equal(b, "2.68"); /* 2.675 HALF_UP, not 2.67499999... */
    assert_int_equal(hf_dec_from_double(-1e3, 10, 1, &d), 0);
    hf_dec_format(d, 1, b, sizeof b);
    assert_string_equal(b, "-1000.0");
    assert_int_equal(hf_dec_from_double(1e20, 10, 0, &d), -2);
    assert_int_equal(hf_dec_from_double(NAN, 10, 0, &d), -1);
    assert_int_equal(hf_dec_from_double(INFINITY, 10, 0, &d), -1);
}

static void test_cmp_digits(void **state)
{
    (void)state;
    struct hf_dec a, b;
    assert_int_equal(hf_dec_parse("-1.50", 5, 10, 2, &a), 0);
    assert_int_equal(hf_dec_parse("1.49", 4, 10, 2, &b), 0);
    assert_int_equal(hf_dec_cmp(a, b), -1);
    assert_int_equal(hf_dec_cmp(b, a), 1);
    assert_int_equal(hf_dec_cmp(a, a), 0);
    assert_int_equal(hf_dec_parse("-20000000000000000000.5", 23, 38, 1, &a),
                     0);
    assert_int_equal(hf_dec_parse("-19999999999999999999.5", 23, 38, 1, &b),
                     0);
    assert_int_equal(hf_dec_cmp(a, b), -1);
    assert_int_equal(hf_dec_digits(hf_dec_from_i64(0)), 1);
    assert_int_equal(hf_dec_digits(hf_dec_from_i64(-9)), 1);
    assert_int_equal(hf_dec_digits(hf_dec_from_i64(10)), 2);
    assert_int_equal(hf_dec_digits(hf_dec_from_i64(INT64_MIN)), 19);
    assert_int_equal(hf_dec_digits(a), 21);
    assert_false(hf_dec_is_neg(hf_dec_from_i64(0)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_format_basic),
        cmocka_unit_test(test_negative_zero),
        cmocka_unit_test(test_38_digits),
        cmocka_unit_test(test_rounding_half_up),
        cmocka_unit_test(test_exponent),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_not_a_number),
        cmocka_unit_test(test_format_buffer),
        cmocka_unit_test(test_rescale),
        cmocka_unit_test(test_i64),
        cmocka_unit_test(test_double),
        cmocka_unit_test(test_cmp_digits),
    };
    return cmocka_run_group_tests(tests, 0, 0);
}
