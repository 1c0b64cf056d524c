/*
 * test_datetime.c - the proleptic Gregorian calendar, DATE/TIME/TIMESTAMP
 * parsing (separators, optional seconds, fractions, zones) and printing
 * (fixed and minimal precision), before 1970, before 1900 and up to 9999.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <time.h>

#include "core/datetime.h"

#define SEC HF_USEC_PER_SEC
#define DAY HF_USEC_PER_DAY

static int date_p(const char *s, int64_t *v)
{
    return hf_date_parse(s, strlen(s), v);
}

static int time_p(const char *s, int64_t *v)
{
    return hf_time_parse(s, strlen(s), v);
}

static int ts_p(const char *s, int64_t *v)
{
    return hf_timestamp_parse(s, strlen(s), v);
}

static int ltz_p(const char *s, int64_t *v)
{
    return hf_timestamp_ltz_parse(s, strlen(s), v);
}

static void test_days_from_civil(void **state)
{
    (void)state;
    assert_int_equal(hf_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(hf_days_from_civil(1969, 12, 31), -1);
    assert_int_equal(hf_days_from_civil(2000, 2, 29), 11016);
    assert_int_equal(hf_days_from_civil(1900, 2, 28), -25509);
    assert_int_equal(hf_days_from_civil(1900, 3, 1), -25508);
    assert_int_equal(hf_days_from_civil(1899, 12, 31), -25568);
    assert_int_equal(hf_days_from_civil(1600, 2, 29), -135081);
    assert_int_equal(hf_days_from_civil(1, 1, 1), -719162);
    assert_int_equal(hf_days_from_civil(9999, 12, 31), 2932896);
    /* The range constants are those days, and parse as the range's ends. */
    assert_int_equal(HF_DATE_MIN_DAYS, hf_days_from_civil(1, 1, 1));
    assert_int_equal(HF_DATE_MAX_DAYS, hf_days_from_civil(9999, 12, 31));
    int64_t u;
    assert_int_equal(hf_timestamp_parse("0001-01-01 00:00:00", 19, &u), 0);
    assert_true(u == HF_TIMESTAMP_MIN_USEC);
    assert_int_equal(
        hf_timestamp_parse("9999-12-31 23:59:59.999999", 26, &u), 0);
    assert_true(u == HF_TIMESTAMP_MAX_USEC);
}

static void test_civil_from_days(void **state)
{
    (void)state;
    int64_t y;
    unsigned m, d;
    hf_civil_from_days(-25509 + 1, &y, &m, &d); /* 1900-02-28 + 1 day */
    assert_int_equal(y, 1900);
    assert_int_equal(m, 3);
    assert_int_equal(d, 1);
    hf_civil_from_days(11016, &y, &m, &d);
    assert_int_equal(y, 2000);
    assert_int_equal(m, 2);
    assert_int_equal(d, 29);
    hf_civil_from_days(-1, &y, &m, &d);
    assert_int_equal(y, 1969);
    assert_int_equal(m, 12);
    assert_int_equal(d, 31);
    hf_civil_from_days(-719162, &y, &m, &d);
    assert_int_equal(y, 1);
    assert_int_equal(m, 1);
    assert_int_equal(d, 1);
    hf_civil_from_days(-719163, &y, &m, &d); /* proleptic year 0 */
    assert_int_equal(y, 0);
    assert_int_equal(m, 12);
    assert_int_equal(d, 31);
}

/* Every day of years 1..9999 maps back to itself and follows its
 * predecessor. */
static void test_calendar_exhaustive(void **state)
{
    (void)state;
    int64_t py = 0;
    unsigned pm = 12, pd = 31;
    int64_t leap_days = 0;
    for (int64_t days = -719162; days <= 2932896; days++) {
        int64_t y;
        unsigned m, d;
        hf_civil_from_days(days, &y, &m, &d);
        assert_int_equal(hf_days_from_civil(y, m, d), days);
        if (d == 1) {
            assert_true(m == pm + 1 || (m == 1 && pm == 12 && y == py + 1));
        } else {
            assert_int_equal(y, py);
            assert_int_equal(m, pm);
            assert_int_equal(d, pd + 1);
        }
        if (m == 2 && d == 29)
            leap_days++;
        py = y;
        pm = m;
        pd = d;
    }
    assert_int_equal(py, 9999);
    /* 9999/4 - 9999/100 + 9999/400 leap years */
    assert_int_equal(leap_days, 2499 - 99 + 24);
}

static void test_date_parse(void **state)
{
    (void)state;
    int64_t v;
    assert_int_equal(date_p("1970-01-01", &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(date_p("2000-02-29", &v), 0);
    assert_int_equal(v, 11016);
    assert_int_equal(date_p("1899-12-31", &v), 0);
    assert_int_equal(v, -25568);
    assert_int_equal(date_p("0001-01-01", &v), 0);
    assert_int_equal(v, -719162);
    assert_int_equal(date_p("9999-12-31", &v), 0);
    assert_int_equal(v, 2932896);
    assert_int_equal(date_p("2020-1-5", &v), 0);
    assert_int_equal(v, hf_days_from_civil(2020, 1, 5));

    const char *bad[] = {"",           "2021-02-29", "1900-02-29",
                         "0000-01-01", "2020-13-01", "2020-00-10",
                         "2020-04-31", "2020-01-00", "20200101",
                         "2020-01-01x", " 2020-01-01", "2020/01/01",
                         "99-01-01",   "2020-01-001", "2020-01-01 00:00"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(date_p(bad[i], &v), -1);
    /* never reads past len */
    assert_int_equal(hf_date_parse("2020-01-012", 10, &v), 0);
    assert_int_equal(v, hf_days_from_civil(2020, 1, 1));
}

static void test_time_parse(void **state)
{
    (void)state;
    int64_t v;
    assert_int_equal(time_p("00:00:00", &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(time_p("12:34", &v), 0);
    assert_int_equal(v, (12 * 3600 + 34 * 60) * SEC);
    assert_int_equal(time_p("12:34:56", &v), 0);
    assert_int_equal(v, (12 * 3600 + 34 * 60 + 56) * SEC);
    assert_int_equal(time_p("12:34:56.1", &v), 0);
    assert_int_equal(v, (12 * 3600 + 34 * 60 + 56) * SEC + 100000);
    assert_int_equal(time_p("12:34:56.123", &v), 0);
    assert_int_equal(v, (12 * 3600 + 34 * 60 + 56) * SEC + 123000);
    assert_int_equal(time_p("12:34:56.123456", &v), 0);
    assert_int_equal(v, (12 * 3600 + 34 * 60 + 56) * SEC + 123456);
    /* nanoseconds are truncated, not rounded */
    assert_int_equal(time_p("12:34:56.123456999", &v), 0);
    assert_int_equal(v, (12 * 3600 + 34 * 60 + 56) * SEC + 123456);
    assert_int_equal(time_p("23:59:59.999999", &v), 0);
    assert_int_equal(v, DAY - 1);

    const char *bad[] = {"",         "24:00:00",   "12:60",
                         "12:00:60", "12:34:56.",  "12:34:56.1234567891",
                         "12",       "12:34.5",    "12:34:56Z",
                         "ab:cd",    "12:34:56 ",  "-1:00"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(time_p(bad[i], &v), -1);
}

static void test_timestamp_parse(void **state)
{
    (void)state;
    int64_t v;
    assert_int_equal(ts_p("2020-01-01 12:00:00", &v), 0);
    assert_int_equal(v, INT64_C(1577880000) * SEC);
    assert_int_equal(ts_p("2020-01-01T12:00:00", &v), 0);
    assert_int_equal(v, INT64_C(1577880000) * SEC);
    assert_int_equal(ts_p("2020-01-01T12:00", &v), 0);
    assert_int_equal(v, INT64_C(1577880000) * SEC);
    assert_int_equal(ts_p("2020-01-01", &v), 0); /* midnight */
    assert_int_equal(v, INT64_C(1577836800) * SEC);
    assert_int_equal(ts_p("1900-01-01 00:00:00", &v), 0);
    assert_int_equal(v, INT64_C(-2208988800) * SEC);
    assert_int_equal(ts_p("1234-05-06 07:08:09.5", &v), 0);
    assert_int_equal(v, INT64_C(-23215049511) * SEC + 500000);
    assert_int_equal(ts_p("1969-12-31 23:59:59.999999", &v), 0);
    assert_int_equal(v, -1);
    assert_int_equal(ts_p("1969-12-31 23:59:59.5", &v), 0);
    assert_int_equal(v, -500000);
    assert_int_equal(ts_p("2020-01-01 12:00:00.12", &v), 0);
    assert_int_equal(v, INT64_C(1577880000) * SEC + 120000);
    assert_int_equal(ts_p("2020-01-01 12:00:00.000000001", &v), 0);
    assert_int_equal(v, INT64_C(1577880000) * SEC);
    assert_int_equal(ts_p("9999-12-31 23:59:59.999999", &v), 0);
    assert_int_equal(v, INT64_C(2932897) * DAY - 1);

    const char *bad[] = {"2020-01-01 12:00:00Z", "2020-01-01  12:00:00",
                         "2020-01-01x12:00:00",  "2020-01-01 ",
                         "2020-01-01 25:00:00",  "2020-02-30 00:00:00",
                         "2020-01-01 12:00:00+01:00"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(ts_p(bad[i], &v), -1);
}

static void test_ltz_parse(void **state)
{
    (void)state;
    int64_t v;
    const int64_t noon = INT64_C(1577880000) * SEC;
    assert_int_equal(ltz_p("2020-01-01 12:00:00", &v), 0); /* UTC */
    assert_int_equal(v, noon);
    assert_int_equal(ltz_p("2020-01-01 12:00:00Z", &v), 0);
    assert_int_equal(v, noon);
    assert_int_equal(ltz_p("2020-01-01T12:00:00.123Z", &v), 0);
    assert_int_equal(v, noon + 123000);
    assert_int_equal(ltz_p("2020-01-01 12:00:00+08:00", &v), 0);
    assert_int_equal(v, noon - 8 * 3600 * SEC);
    assert_int_equal(ltz_p("2020-01-01 12:00:00+0800", &v), 0);
    assert_int_equal(v, noon - 8 * 3600 * SEC);
    assert_int_equal(ltz_p("2020-01-01 12:00:00+08", &v), 0);
    assert_int_equal(v, noon - 8 * 3600 * SEC);
    assert_int_equal(ltz_p("2020-01-01T12:00-05:30", &v), 0);
    assert_int_equal(v, noon + (5 * 3600 + 30 * 60) * SEC);
    assert_int_equal(ltz_p("2020-01-01 12:00:00.5-0530", &v), 0);
    assert_int_equal(v, noon + (5 * 3600 + 30 * 60) * SEC + 500000);
    assert_int_equal(ltz_p("1970-01-01 00:00:00+01:00", &v), 0);
    assert_int_equal(v, -3600 * SEC);
    assert_int_equal(ltz_p("2020-01-01 12:00:00+18:00", &v), 0);

    const char *bad[] = {"2020-01-01 12:00:00+19:00", "2020-01-01 12:00:00+8",
                         "2020-01-01 12:00:00+08:0",
                         "2020-01-01 12:00:00+08:60",
                         "2020-01-01 12:00:00ZZ",     "2020-01-01 12:00:00 Z",
                         "2020-01-01 12:00:00+18:30", "2020-01-01 12:00:00+"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(ltz_p(bad[i], &v), -1);
}

static void test_date_format(void **state)
{
    (void)state;
    char b[40];
    assert_int_equal(hf_date_format(0, b, sizeof b), 10);
    assert_string_equal(b, "1970-01-01");
    hf_date_format(-1, b, sizeof b);
    assert_string_equal(b, "1969-12-31");
    hf_date_format(-25508, b, sizeof b);
    assert_string_equal(b, "1900-03-01");
    hf_date_format(11016, b, sizeof b);
    assert_string_equal(b, "2000-02-29");
    hf_date_format(-719162, b, sizeof b);
    assert_string_equal(b, "0001-01-01");
    hf_date_format(2932896, b, sizeof b);
    assert_string_equal(b, "9999-12-31");
    hf_date_format(2932897, b, sizeof b);
    assert_string_equal(b, "+10000-01-01");
    /* small buffers are truncated and NUL-terminated */
    char s[5];
    assert_int_equal(hf_date_format(0, s, sizeof s), 4);
    assert_string_equal(s, "1970");
}

static void test_time_format(void **state)
{
    (void)state;
    char b[40];
    int64_t t = (12 * 3600 + 34 * 60 + 56) * SEC + 120000;
    assert_int_equal(hf_time_format(t, 0, b, sizeof b), 8);
    assert_string_equal(b, "12:34:56");
    hf_time_format(t, 1, b, sizeof b);
    assert_string_equal(b, "12:34:56.1");
    hf_time_format(t, 3, b, sizeof b);
    assert_string_equal(b, "12:34:56.120");
    hf_time_format(t, 6, b, sizeof b);
    assert_string_equal(b, "12:34:56.120000");
    hf_time_format(t, 9, b, sizeof b);
    assert_string_equal(b, "12:34:56.120000000");
    hf_time_format(t, -1, b, sizeof b);
    assert_string_equal(b, "12:34:56.12");
    hf_time_format(t - 120000, -1, b, sizeof b);
    assert_string_equal(b, "12:34:56");
    hf_time_format(1, -1, b, sizeof b);
    assert_string_equal(b, "00:00:00.000001");
    hf_time_format(DAY - 1, 6, b, sizeof b);
    assert_string_equal(b, "23:59:59.999999");
    hf_time_format(DAY - 1, 2, b, sizeof b); /* truncated, not rounded */
    assert_string_equal(b, "23:59:59.99");
}

static void test_timestamp_format(void **state)
{
    (void)state;
    char b[40];
    const int64_t noon = INT64_C(1577880000) * SEC;
    assert_int_equal(hf_timestamp_format(noon, 3, ' ', b, sizeof b), 23);
    assert_string_equal(b, "2020-01-01 12:00:00.000");
    hf_timestamp_format(noon, 0, ' ', b, sizeof b);
    assert_string_equal(b, "2020-01-01 12:00:00");
    hf_timestamp_format(noon, -1, 'T', b, sizeof b);
    assert_string_equal(b, "2020-01-01T12:00:00");
    hf_timestamp_format(noon + 123400, -1, 'T', b, sizeof b);
    assert_string_equal(b, "2020-01-01T12:00:00.1234");
    hf_timestamp_format(noon + 123456, 6, ' ', b, sizeof b);
    assert_string_equal(b, "2020-01-01 12:00:00.123456");
    hf_timestamp_format(-1, 6, ' ', b, sizeof b);
    assert_string_equal(b, "1969-12-31 23:59:59.999999");
    hf_timestamp_format(-500000, 3, ' ', b, sizeof b);
    assert_string_equal(b, "1969-12-31 23:59:59.500");
    hf_timestamp_format(INT64_C(-2208988800) * SEC, 0, ' ', b, sizeof b);
    assert_string_equal(b, "1900-01-01 00:00:00");
    hf_timestamp_format(INT64_C(-23215049511) * SEC + 500000, -1, ' ', b,
                        sizeof b);
    assert_string_equal(b, "1234-05-06 07:08:09.5");
    hf_timestamp_format(INT64_C(2932897) * DAY - 1, 6, ' ', b, sizeof b);
    assert_string_equal(b, "9999-12-31 23:59:59.999999");
    hf_timestamp_format(INT64_C(-719162) * DAY, 1, 'T', b, sizeof b);
    assert_string_equal(b, "0001-01-01T00:00:00.0");
    /* parse and format agree */
    int64_t v;
    assert_int_equal(ts_p("1850-06-30 01:02:03.000456", &v), 0);
    hf_timestamp_format(v, 6, ' ', b, sizeof b);
    assert_string_equal(b, "1850-06-30 01:02:03.000456");
    /* truncation to the buffer */
    char s[12];
    assert_int_equal(hf_timestamp_format(noon, 3, ' ', s, sizeof s), 11);
    assert_string_equal(s, "2020-01-01 ");
}

static void test_now(void **state)
{
    (void)state;
    int64_t now = hf_now_usec();
    int64_t t = (int64_t)time(NULL) * SEC;
    assert_true(now > t - 5 * SEC && now < t + 5 * SEC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_days_from_civil),
        cmocka_unit_test(test_civil_from_days),
        cmocka_unit_test(test_calendar_exhaustive),
        cmocka_unit_test(test_date_parse),
        cmocka_unit_test(test_time_parse),
        cmocka_unit_test(test_timestamp_parse),
        cmocka_unit_test(test_ltz_parse),
        cmocka_unit_test(test_date_format),
        cmocka_unit_test(test_time_format),
        cmocka_unit_test(test_timestamp_format),
        cmocka_unit_test(test_now),
    };
    return cmocka_run_group_tests(tests, 0, 0);
}
