/*
 * datetime.c - calendar arithmetic, parsing and printing of DATE, TIME,
 * TIMESTAMP and TIMESTAMP_LTZ values (see datetime.h).
 *
 * The calendar is the proleptic Gregorian one for every year, as java.time
 * uses. Day numbers are computed from 400-year eras (146097 days each) with
 * a year that starts on March 1st, so the leap day is the last day of the
 * shifted year and no table of month lengths is needed; floor division
 * keeps the formulas right for days before 1970 and years before 1.
 * Invariants: parsers never read past `len` and never need a NUL; they
 * reject anything but the whole text; formatters always NUL-terminate and
 * never write more than `n` bytes.
 */
#include "core/datetime.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* ---------------------------------------------------------------- calendar */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(int64_t y, unsigned m)
{
    static const unsigned len[12] = {31, 28, 31, 30, 31, 30,
                                     31, 31, 30, 31, 30, 31};
    if (m == 2 && is_leap(y))
        return 29;
    return len[m - 1];
}

/* Days from 0000-03-01 to 1970-01-01. */
#define EPOCH_SHIFT INT64_C(719468)
#define DAYS_PER_ERA INT64_C(146097)

int64_t hf_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    /* Count years from March so February (and its leap day) ends a year. */
    if (m <= 2)
        y -= 1;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;                    /* 0..399 */
    int64_t mp = (m + 9) % 12;                      /* March = 0 */
    int64_t doy = (153 * mp + 2) / 5 + (int64_t)d - 1; /* 0..365 */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* 0..146096 */
    return era * DAYS_PER_ERA + doe - EPOCH_SHIFT;
}

void hf_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t z = days + EPOCH_SHIFT;
    int64_t era = floor_div(z, DAYS_PER_ERA);
    int64_t doe = z - era * DAYS_PER_ERA; /* 0..146096 */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100); /* 0..365 */
    int64_t mp = (5 * doy + 2) / 153;                      /* March = 0 */
    unsigned day = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    unsigned mon = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    int64_t year = yoe + era * 400 + (mon <= 2 ? 1 : 0);
    *y = year;
    *m = mon;
    *d = day;
}

/* ------------------------------------------------------------------ parsing */

/* A read position in a text that is not NUL-terminated. */
struct cursor {
    const char *s;
    size_t len;
    size_t i;
};

static bool at_end(const struct cursor *c)
{
    return c->i >= c->len;
}

static bool peek_is(const struct cursor *c, char ch)
{
    return c->i < c->len && c->s[c->i] == ch;
}

static bool take(struct cursor *c, char ch)
{
    if (!peek_is(c, ch))
        return false;
    c->i++;
    return true;
}

/* Read between min and max decimal digits into *val. */
static bool take_digits(struct cursor *c, int min, int max, int64_t *val)
{
    int n = 0;
    int64_t v = 0;
    while (n < max && c->i < c->len && c->s[c->i] >= '0' &&
           c->s[c->i] <= '9') {
        v = v * 10 + (c->s[c->i] - '0');
        c->i++;
        n++;
    }
    if (n < min)
        return false;
    *val = v;
    return true;
}

static bool parse_date_part(struct cursor *c, int64_t *days)
{
    int64_t y, m, d;
    if (!take_digits(c, 4, 4, &y) || !take(c, '-') ||
        !take_digits(c, 1, 2, &m) || !take(c, '-') ||
        !take_digits(c, 1, 2, &d))
        return false;
    if (y < 1 || m < 1 || m > 12 || d < 1 ||
        d > (int64_t)days_in_month(y, (unsigned)m))
        return false;
    *days = hf_days_from_civil(y, (unsigned)m, (unsigned)d);
    return true;
}

/* HH:mm[:ss[.fffffffff]] -> microseconds since midnight. */
static bool parse_time_part(struct cursor *c, int64_t *usec)
{
    int64_t h, mi, sec = 0, frac = 0;
    if (!take_digits(c, 1, 2, &h) || !take(c, ':') ||
        !take_digits(c, 1, 2, &mi))
        return false;
    if (take(c, ':')) {
        if (!take_digits(c, 1, 2, &sec))
            return false;
        if (take(c, '.')) {
            size_t start = c->i;
            int64_t f;
            if (!take_digits(c, 1, 9, &f))
                return false;
            int nd = (int)(c->i - start);
            if (c->i < c->len && c->s[c->i] >= '0' && c->s[c->i] <= '9')
                return false; /* more than nanoseconds */
            /* scale to nanoseconds, then truncate to microseconds */
            for (int k = nd; k < 9; k++)
                f *= 10;
            frac = f / 1000;
        }
    }
    if (h > 23 || mi > 59 || sec > 59)
        return false;
    *usec = ((h * 60 + mi) * 60 + sec) * HF_USEC_PER_SEC + frac;
    return true;
}

/* date[( |T)time]; a date alone is midnight. */
static bool parse_timestamp_part(struct cursor *c, int64_t *usec)
{
    int64_t days, tod = 0;
    if (!parse_date_part(c, &days))
        return false;
    if (take(c, ' ') || take(c, 'T')) {
        if (!parse_time_part(c, &tod))
            return false;
    }
    *usec = days * HF_USEC_PER_DAY + tod;
    return true;
}

int hf_date_parse(const char *s, size_t len, int64_t *days)
{
    struct cursor c = {s, len, 0};
    int64_t v;
    if (!parse_date_part(&c, &v) || !at_end(&c))
        return -1;
    *days = v;
    return 0;
}

int hf_time_parse(const char *s, size_t len, int64_t *usec)
{
    struct cursor c = {s, len, 0};
    int64_t v;
    if (!parse_time_part(&c, &v) || !at_end(&c))
        return -1;
    *usec = v;
    return 0;
}

int hf_timestamp_parse(const char *s, size_t len, int64_t *usec)
{
    struct cursor c = {s, len, 0};
    int64_t v;
    if (!parse_timestamp_part(&c, &v) || !at_end(&c))
        return -1;
    *usec = v;
    return 0;
}

int hf_timestamp_ltz_parse(const char *s, size_t len, int64_t *usec)
{
    struct cursor c = {s, len, 0};
    int64_t v, offset_min = 0;
    if (!parse_timestamp_part(&c, &v))
        return -1;
    if (take(&c, 'Z')) {
        /* UTC */
    } else if (peek_is(&c, '+') || peek_is(&c, '-')) {
        bool neg = c.s[c.i] == '-';
        int64_t hh, mm = 0;
        c.i++;
        if (!take_digits(&c, 2, 2, &hh))
            return -1;
        if (take(&c, ':')) {
            if (!take_digits(&c, 2, 2, &mm))
                return -1;
        } else if (!at_end(&c)) {
            if (!take_digits(&c, 2, 2, &mm))
                return -1;
        }
        if (hh > 18 || mm > 59 || (hh == 18 && mm != 0))
            return -1;
        offset_min = (hh * 60 + mm) * (neg ? -1 : 1);
    }
    if (!at_end(&c))
        return -1;
    /* local = UTC + offset */
    *usec = v - offset_min * 60 * HF_USEC_PER_SEC;
    return 0;
}

/* ------------------------------------------------------------------ format */

/* Clamp a snprintf result to what was actually stored. */
static size_t written(int r, size_t n)
{
    if (r < 0 || n == 0)
        return 0;
    return (size_t)r < n ? (size_t)r : n - 1;
}

static size_t format_date(int64_t days, char *buf, size_t n)
{
    int64_t y;
    unsigned m, d;
    hf_civil_from_days(days, &y, &m, &d);
    int r;
    if (y > 9999)
        r = snprintf(buf, n, "+%lld-%02u-%02u", (long long)y, m, d);
    else if (y < 0)
        r = snprintf(buf, n, "-%04lld-%02u-%02u", -(long long)y, m, d);
    else
        r = snprintf(buf, n, "%04lld-%02u-%02u", (long long)y, m, d);
    return written(r, n);
}

static size_t format_time(int64_t usec, int precision, char *buf, size_t n)
{
    int64_t days = floor_div(usec, HF_USEC_PER_DAY);
    int64_t tod = usec - days * HF_USEC_PER_DAY;
    int64_t sec = tod / HF_USEC_PER_SEC;
    int64_t micro = tod % HF_USEC_PER_SEC;
    char frac[16] = "";
    size_t nf = 0;
    if (precision > 9)
        precision = 9;
    if (precision < 0) {
        /* minimal: strip trailing zeros, nothing when zero */
        if (micro != 0) {
            snprintf(frac, sizeof frac, "%06lld", (long long)micro);
            nf = 6;
            while (nf > 0 && frac[nf - 1] == '0')
                nf--;
        }
    } else if (precision > 0) {
        snprintf(frac, sizeof frac, "%06lld000", (long long)micro);
        nf = (size_t)precision;
    }
    int r = snprintf(buf, n, "%02lld:%02lld:%02lld%s%.*s",
                     (long long)(sec / 3600), (long long)(sec / 60 % 60),
                     (long long)(sec % 60), nf > 0 ? "." : "", (int)nf, frac);
    return written(r, n);
}

size_t hf_date_format(int64_t days, char *buf, size_t n)
{
    return format_date(days, buf, n);
}

size_t hf_time_format(int64_t usec, int precision, char *buf, size_t n)
{
    return format_time(usec, precision, buf, n);
}

size_t hf_timestamp_format(int64_t usec, int precision, char sep, char *buf,
                           size_t n)
{
    int64_t days = floor_div(usec, HF_USEC_PER_DAY);
    size_t o = format_date(days, buf, n);
    if (o + 1 >= n)
        return o;
    buf[o++] = sep;
    buf[o] = '\0';
    return o + format_time(usec - days * HF_USEC_PER_DAY, precision, buf + o,
                           n - o);
}

size_t hf_interval_ym_format(int64_t months, char *buf, size_t n)
{
    uint64_t m = months < 0 ? (uint64_t)0 - (uint64_t)months : (uint64_t)months;
    int r = snprintf(buf, n, "%c%llu-%02llu", months < 0 ? '-' : '+',
                     (unsigned long long)(m / 12), (unsigned long long)(m % 12));
    return written(r, n);
}

size_t hf_interval_dt_format(int64_t usec, char *buf, size_t n)
{
    uint64_t u = usec < 0 ? (uint64_t)0 - (uint64_t)usec : (uint64_t)usec;
    uint64_t ms = u / 1000 + (u % 1000 >= 500 ? 1 : 0); /* milliseconds */
    int r = snprintf(buf, n, "%c%llu %02llu:%02llu:%02llu.%03llu",
                     usec < 0 ? '-' : '+', (unsigned long long)(ms / 86400000),
                     (unsigned long long)(ms / 3600000 % 24),
                     (unsigned long long)(ms / 60000 % 60),
                     (unsigned long long)(ms / 1000 % 60),
                     (unsigned long long)(ms % 1000));
    return written(r, n);
}

int64_t hf_now_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * HF_USEC_PER_SEC + ts.tv_nsec / 1000;
}
