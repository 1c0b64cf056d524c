/*
 * expr_time.c - the time functions: the clock, parsing and formatting,
 * EXTRACT, TIMESTAMPADD/TIMESTAMPDIFF, FLOOR/CEIL to a unit, CONVERT_TZ and
 * interval arithmetic.
 *
 * Values are microseconds (TIMESTAMP: wall clock; TIMESTAMP_LTZ: UTC
 * instant) or days (DATE), as in types.h. Anything that needs a calendar
 * reads a TIMESTAMP_LTZ as the wall clock of the session time zone
 * (e->tz, table.local-time-zone; NULL is UTC), as Flink does. Calendar
 * rules follow Flink's DateTimeUtils: months are added keeping the day of
 * the month, clamped to the month's last day; TIMESTAMPDIFF in months
 * counts whole months, a month not completed by the time of day does not
 * count; weeks of FLOOR start on Sunday, WEEK of EXTRACT is the ISO week.
 * Results outside years 0001-9999 fail the row instead of wrapping.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include "core/decimal.h"
#include "core/tz.h"
#include "sql/expr_int.h"

#define USEC_PER_MIN (60 * HF_USEC_PER_SEC)
#define USEC_PER_HOUR (3600 * HF_USEC_PER_SEC)

static int64_t fdiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

static int64_t fmod64(int64_t a, int64_t b)
{
    return a - fdiv(a, b) * b;
}

static void set_null(struct hf_value *res)
{
    memset(res, 0, sizeof *res);
    res->null = true;
}

static void set_i(struct hf_value *res, int64_t v)
{
    memset(res, 0, sizeof *res);
    res->v.i = v;
}

static int oom(struct hf_error *err)
{
    return hf_error_set(err, HF_ERR_NOMEM,
                        "out of memory evaluating a time function");
}

static int set_text(struct hf_batch *out, struct hf_value *res, const char *p,
                    size_t n, struct hf_error *err)
{
    memset(res, 0, sizeof *res);
    if (hf_value_set_str(out, res, p, n) != 0)
        return oom(err);
    return 0;
}

int64_t hf_x_ltz_to_local(const struct hf_expr *e, int64_t utc_usec)
{
    return hf_tz_to_local(e->tz, utc_usec);
}

int64_t hf_x_local_to_ltz(const struct hf_expr *e, int64_t local_usec)
{
    return hf_tz_to_utc(e->tz, local_usec);
}

static bool in_range(int64_t usec)
{
    return usec >= HF_TIMESTAMP_MIN_USEC && usec <= HF_TIMESTAMP_MAX_USEC;
}

/* A temporal argument as wall-clock microseconds (TIME: of day). */
static int64_t wall_usec(const struct hf_expr *e, const struct hf_type *t,
                         const struct hf_value *v)
{
    switch (t->id) {
    case HF_DATE:
        return v->v.i * HF_USEC_PER_DAY;
    case HF_TIMESTAMP_LTZ:
        return hf_x_ltz_to_local(e, v->v.i);
    default:
        return v->v.i;
    }
}

/* ------------------------------------------------------------ calendar */

static unsigned month_days(int64_t y, unsigned m)
{
    static const unsigned len[12] = {31, 28, 31, 30, 31, 30,
                                     31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : len[m - 1];
}

/* Days + n months, the day clamped to the target month's length. */
static int64_t add_months_days(int64_t days, int64_t n)
{
    int64_t y;
    unsigned m, d;
    hf_civil_from_days(days, &y, &m, &d);
    int64_t mm = (int64_t)m - 1 + n;
    y += fdiv(mm, 12);
    m = (unsigned)(fmod64(mm, 12) + 1);
    if (d > month_days(y, m))
        d = month_days(y, m);
    return hf_days_from_civil(y, m, d);
}

static int64_t add_months_usec(int64_t usec, int64_t n)
{
    int64_t days = fdiv(usec, HF_USEC_PER_DAY);
    int64_t tod = usec - days * HF_USEC_PER_DAY;
    return add_months_days(days, n) * HF_USEC_PER_DAY + tod;
}

/* Whole months from date1 to date0 (Flink's subtractMonths). */
static int64_t months_between_days(int64_t d0, int64_t d1)
{
    if (d0 < d1)
        return -months_between_days(d1, d0);
    int64_t m = (d0 - d1) / 31;
    for (;;) {
        int64_t d2 = add_months_days(d1, m);
        if (d2 >= d0)
            return m;
        if (add_months_days(d1, m + 1) > d0)
            return m;
        m++;
    }
}

static int64_t months_between(int64_t t0, int64_t t1)
{
    int64_t u0 = fmod64(t0, HF_USEC_PER_DAY), u1 = fmod64(t1, HF_USEC_PER_DAY);
    int64_t d0 = fdiv(t0, HF_USEC_PER_DAY), d1 = fdiv(t1, HF_USEC_PER_DAY);
    int64_t x = months_between_days(d0, d1);
    if (add_months_days(d1, x) == d0 && u0 < u1)
        x--;
    return x;
}

/* ISO-8601 week number and week-based year of a day. */
static void iso_week(int64_t days, int64_t *week, int64_t *year)
{
    int64_t y;
    unsigned m, d;
    hf_civil_from_days(days, &y, &m, &d);
    int64_t isodow = fmod64(days + 3, 7) + 1; /* Monday = 1 */
    int64_t doy = days - hf_days_from_civil(y, 1, 1) + 1;
    int64_t w = (doy - isodow + 10) / 7;
    if (w < 1) {
        y--;
        int64_t dec31 = hf_days_from_civil(y, 12, 31);
        iso_week(dec31, &w, &y);
    } else {
        int64_t jan1dow = fmod64(hf_days_from_civil(y, 1, 1) + 3, 7) + 1;
        bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        int64_t weeks = (jan1dow == 4 || (leap && jan1dow == 3)) ? 53 : 52;
        if (w > weeks) {
            w = 1;
            y++;
        }
    }
    *week = w;
    *year = y;
}

static int64_t extract_date(int unit, int64_t days)
{
    int64_t y, wk, iy;
    unsigned m, d;
    hf_civil_from_days(days, &y, &m, &d);
    switch (unit) {
    case HF_TU_YEAR:
        return y;
    case HF_TU_MONTH:
        return m;
    case HF_TU_DAY:
        return d;
    case HF_TU_QUARTER:
        return (m + 2) / 3;
    case HF_TU_DOW:
        return fmod64(days + 4, 7) + 1;
    case HF_TU_ISODOW:
        return fmod64(days + 3, 7) + 1;
    case HF_TU_DOY:
        return days - hf_days_from_civil(y, 1, 1) + 1;
    case HF_TU_WEEK:
        iso_week(days, &wk, &iy);
        return wk;
    case HF_TU_ISOYEAR:
        iso_week(days, &wk, &iy);
        return iy;
    case HF_TU_DECADE:
        return y / 10;
    case HF_TU_CENTURY:
        return y > 0 ? (y + 99) / 100 : (y - 99) / 100;
    case HF_TU_MILLENNIUM:
        return y > 0 ? (y + 999) / 1000 : (y - 999) / 1000;
    default:
        return 0;
    }
}

static int64_t extract(const struct hf_expr *e, const struct hf_type *t,
                       const struct hf_value *v)
{
    int unit = e->unit;
    if (t->id == HF_INTERVAL_YM) {
        return unit == HF_TU_YEAR      ? v->v.i / 12
               : unit == HF_TU_MONTH   ? v->v.i % 12
               : unit == HF_TU_QUARTER ? (v->v.i % 12) / 3 + 1
                                       : 0;
    }
    if (t->id == HF_INTERVAL_DT) {
        int64_t u = v->v.i;
        switch (unit) {
        case HF_TU_DAY:
            return u / HF_USEC_PER_DAY;
        case HF_TU_HOUR:
            return u / USEC_PER_HOUR % 24;
        case HF_TU_MINUTE:
            return u / USEC_PER_MIN % 60;
        case HF_TU_SECOND:
            return u / HF_USEC_PER_SEC % 60;
        case HF_TU_MILLISECOND:
            return u / 1000 % 60000;
        case HF_TU_MICROSECOND:
            return u % USEC_PER_MIN;
        case HF_TU_EPOCH:
            return u / HF_USEC_PER_SEC;
        default:
            return 0;
        }
    }
    int64_t w = wall_usec(e, t, v);
    switch (unit) {
    case HF_TU_HOUR:
        return fmod64(w, HF_USEC_PER_DAY) / USEC_PER_HOUR;
    case HF_TU_MINUTE:
        return fmod64(w, USEC_PER_HOUR) / USEC_PER_MIN;
    case HF_TU_SECOND:
        return fmod64(w, USEC_PER_MIN) / HF_USEC_PER_SEC;
    case HF_TU_MILLISECOND:
        return fmod64(w, USEC_PER_MIN) / 1000;
    case HF_TU_MICROSECOND:
        return fmod64(w, USEC_PER_MIN);
    case HF_TU_NANOSECOND:
        return fmod64(w, USEC_PER_MIN) * 1000;
    case HF_TU_EPOCH:
        return fdiv(w, HF_USEC_PER_SEC);
    default:
        return extract_date(unit, fdiv(w, HF_USEC_PER_DAY));
    }
}

static int64_t unit_usec(int unit)
{
    switch (unit) {
    case HF_TU_WEEK:
        return 7 * HF_USEC_PER_DAY;
    case HF_TU_DAY:
        return HF_USEC_PER_DAY;
    case HF_TU_HOUR:
        return USEC_PER_HOUR;
    case HF_TU_MINUTE:
        return USEC_PER_MIN;
    case HF_TU_SECOND:
        return HF_USEC_PER_SEC;
    case HF_TU_MILLISECOND:
        return 1000;
    case HF_TU_MICROSECOND:
        return 1;
    default:
        return 0;
    }
}

static int64_t unit_months(int unit)
{
    return unit == HF_TU_YEAR      ? 12
           : unit == HF_TU_QUARTER ? 3
           : unit == HF_TU_MONTH   ? 1
                                   : 0;
}

static int out_of_range(const struct hf_expr *e, struct hf_error *err)
{
    return hf_x_fail(e, err, HF_ERR_DATA,
                     "the result is outside years 0001-9999");
}

/* t (of type e->type's source) plus n units; the result in e->type. */
static int add_units(const struct hf_expr *e, const struct hf_type *t,
                     const struct hf_value *tv, int64_t n, int unit,
                     int64_t extra_usec, struct hf_value *res,
                     struct hf_error *err)
{
    int64_t months = unit_months(unit), step = unit_usec(unit), delta = 0;
    if (months) {
        if (__builtin_mul_overflow(n, months, &months) || months > 120000 ||
            months < -120000)
            return out_of_range(e, err);
    } else if (__builtin_mul_overflow(n, step, &delta) ||
               __builtin_add_overflow(delta, extra_usec, &delta)) {
        return out_of_range(e, err);
    }
    memset(res, 0, sizeof *res);
    switch (t->id) {
    case HF_TIME: {
        res->v.i =
            fmod64(tv->v.i + fmod64(delta, HF_USEC_PER_DAY), HF_USEC_PER_DAY);
        return 0;
    }
    case HF_DATE:
        if (months) {
            res->v.i = add_months_days(tv->v.i, months);
        } else if (e->type.id == HF_DATE) {
            res->v.i = tv->v.i + delta / HF_USEC_PER_DAY;
        } else {
            int64_t u = tv->v.i * HF_USEC_PER_DAY + delta;
            if (!in_range(u))
                return out_of_range(e, err);
            res->v.i = u;
            return 0;
        }
        if (res->v.i < HF_DATE_MIN_DAYS || res->v.i > HF_DATE_MAX_DAYS)
            return out_of_range(e, err);
        return 0;
    case HF_TIMESTAMP_LTZ:
        if (months) {
            int64_t l = add_months_usec(hf_x_ltz_to_local(e, tv->v.i), months);
            if (!in_range(l))
                return out_of_range(e, err);
            res->v.i = hf_x_local_to_ltz(e, l);
        } else {
            res->v.i = tv->v.i + delta;
        }
        break;
    default:
        res->v.i = months ? add_months_usec(tv->v.i, months) : tv->v.i + delta;
        break;
    }
    if (!in_range(res->v.i))
        return out_of_range(e, err);
    return 0;
}

/* FLOOR/CEIL of wall-clock microseconds to a unit. */
static int64_t round_to_unit(int64_t w, int unit, bool up)
{
    int64_t step = unit_usec(unit);
    if (step && unit != HF_TU_WEEK) {
        int64_t f = fdiv(w, step) * step;
        return up && f != w ? f + step : f;
    }
    int64_t days = fdiv(w, HF_USEC_PER_DAY);
    bool exact = w == days * HF_USEC_PER_DAY;
    int64_t y;
    unsigned m, d;
    hf_civil_from_days(days, &y, &m, &d);
    int64_t f; /* the floor, in days */
    int64_t next;
    switch (unit) {
    case HF_TU_WEEK: {
        f = days - fmod64(days + 4, 7); /* back to Sunday */
        next = f + 7;
        break;
    }
    case HF_TU_MONTH:
        f = hf_days_from_civil(y, m, 1);
        next = add_months_days(f, 1);
        break;
    case HF_TU_QUARTER:
        f = hf_days_from_civil(y, (m - 1) / 3 * 3 + 1, 1);
        next = add_months_days(f, 3);
        break;
    case HF_TU_YEAR:
        f = hf_days_from_civil(y, 1, 1);
        next = hf_days_from_civil(y + 1, 1, 1);
        break;
    case HF_TU_DECADE:
        f = hf_days_from_civil(y / 10 * 10, 1, 1);
        next = hf_days_from_civil(y / 10 * 10 + 10, 1, 1);
        break;
    case HF_TU_CENTURY: {
        int64_t c = (y + 99) / 100 * 100 - 99;
        f = hf_days_from_civil(c, 1, 1);
        next = hf_days_from_civil(c + 100, 1, 1);
        break;
    }
    default: { /* MILLENNIUM */
        int64_t c = (y + 999) / 1000 * 1000 - 999;
        f = hf_days_from_civil(c, 1, 1);
        next = hf_days_from_civil(c + 1000, 1, 1);
        break;
    }
    }
    if (up && !(exact && f == days))
        return next * HF_USEC_PER_DAY;
    return f * HF_USEC_PER_DAY;
}

static int floor_time(const struct hf_expr *e, const struct hf_value *v,
                      struct hf_value *res, struct hf_error *err)
{
    const struct hf_type *t = &e->args[0]->type;
    bool up = e->negated;
    memset(res, 0, sizeof *res);
    switch (t->id) {
    case HF_TIME:
        res->v.i =
            fmod64(round_to_unit(v[0].v.i, e->unit, up), HF_USEC_PER_DAY);
        return 0;
    case HF_DATE:
        res->v.i = fdiv(round_to_unit(v[0].v.i * HF_USEC_PER_DAY, e->unit, up),
                        HF_USEC_PER_DAY);
        return 0;
    case HF_TIMESTAMP_LTZ: {
        /* In the session zone, keeping the offset of the value. */
        int64_t off = (int64_t)hf_tz_offset(e->tz, v[0].v.i) * HF_USEC_PER_SEC;
        res->v.i = round_to_unit(v[0].v.i + off, e->unit, up) - off;
        break;
    }
    default:
        res->v.i = round_to_unit(v[0].v.i, e->unit, up);
        break;
    }
    if (!in_range(res->v.i))
        return out_of_range(e, err);
    return 0;
}

static int timestampdiff(const struct hf_expr *e, const struct hf_value *v,
                         struct hf_value *res, struct hf_error *err)
{
    const struct hf_type *t1 = &e->args[0]->type, *t2 = &e->args[1]->type;
    int64_t months = unit_months(e->unit), r;
    if (months) {
        int64_t a = wall_usec(e, t1, &v[0]), b = wall_usec(e, t2, &v[1]);
        r = months_between(b, a) / months;
    } else {
        /* Instants: a TIMESTAMP_LTZ as is, the others as wall clock. */
        int64_t a = t1->id == HF_TIMESTAMP_LTZ ? v[0].v.i
                    : t1->id == HF_DATE        ? v[0].v.i * HF_USEC_PER_DAY
                                               : v[0].v.i;
        int64_t b = t2->id == HF_TIMESTAMP_LTZ ? v[1].v.i
                    : t2->id == HF_DATE        ? v[1].v.i * HF_USEC_PER_DAY
                                               : v[1].v.i;
        if ((t1->id == HF_TIMESTAMP_LTZ) != (t2->id == HF_TIMESTAMP_LTZ)) {
            a = wall_usec(e, t1, &v[0]);
            b = wall_usec(e, t2, &v[1]);
        }
        r = (b - a) / unit_usec(e->unit);
    }
    if (r < INT32_MIN || r > INT32_MAX)
        return hf_x_fail(e, err, HF_ERR_DATA,
                         "numeric overflow: %lld %sS does not fit INT",
                         (long long)r, hf_x_unit_name(e->unit));
    set_i(res, r);
    return 0;
}

/* ------------------------------------------------------------ parsing */

static void trim_blanks(const char **s, size_t *len)
{
    while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
    while (*len > 0 && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*len)--;
    }
}

/* Lenient timestamp text: 'yyyy-MM-dd[ HH:mm[:ss[.fff]]]'. */
static int parse_ts_default(const char *s, size_t len, int64_t *usec)
{
    trim_blanks(&s, &len);
    if (hf_timestamp_parse(s, len, usec) == 0)
        return 0;
    int64_t days;
    if (hf_date_parse(s, len, &days) == 0) {
        *usec = days * HF_USEC_PER_DAY;
        return 0;
    }
    return -1;
}

/* 'yyyy-MM-dd HH:mm:ss' read as java.text.SimpleDateFormat does: from the
 * start, ignoring what follows the seconds. */
static int parse_ts_prefix(const char *s, size_t len, int64_t *usec)
{
    trim_blanks(&s, &len);
    if (hf_timestamp_parse(s, len, usec) == 0)
        return 0;
    for (size_t n = len < 19 ? len : 19; n >= 16; n--)
        if (hf_timestamp_parse(s, n, usec) == 0)
            return 0;
    return -1;
}

static int64_t trunc_ms(int64_t usec)
{
    return fdiv(usec, 1000) * 1000;
}

static int to_timestamp_ltz(const struct hf_expr *e, const struct hf_value *v,
                            struct hf_value *res)
{
    const struct hf_type *t = &e->args[0]->type;
    int64_t ms;
    bool bad = false;
    if (hf_type_is_integer(t->id)) {
        if (e->precision_arg == 0) {
            bad = v[0].v.i < INT64_C(-62167219200) ||
                  v[0].v.i > INT64_C(253402300799);
            ms = bad ? 0 : v[0].v.i * 1000;
        } else {
            ms = v[0].v.i;
        }
    } else if (t->id == HF_DECIMAL) {
        int64_t w;
        bad = hf_dec_to_i64(v[0].v.d, t->scale, &w) != 0 ||
              (e->precision_arg == 0 && __builtin_mul_overflow(w, 1000, &w));
        ms = w;
    } else {
        double d = t->id == HF_FLOAT ? v[0].v.f4 : v[0].v.f8;
        double x = e->precision_arg == 0 ? d * 1000.0 : d;
        bad = !(x > -9.2e18 && x < 9.2e18);
        ms = bad ? 0 : (int64_t)x; /* toward zero, as Java's (long) */
    }
    if (bad || ms < INT64_C(-62167219200000) || ms > INT64_C(253402300799999)) {
        set_null(res); /* Flink: NULL outside years 0000-9999 */
        return 0;
    }
    set_i(res, ms * 1000);
    return 0;
}

/* ------------------------------------------------------------ dispatch */

int hf_x_eval_time(const struct hf_expr *e, const struct hf_value *v,
                   struct hf_batch *out, struct hf_value *res,
                   struct hf_error *err)
{
    char buf[160];
    switch (e->fn) {
    case HF_FN_NOW:
        set_i(res, trunc_ms(hf_now_usec()));
        return 0;
    case HF_FN_LOCALTIMESTAMP:
        set_i(res, trunc_ms(hf_x_ltz_to_local(e, hf_now_usec())));
        return 0;
    case HF_FN_CURRENT_DATE:
        set_i(res, fdiv(hf_x_ltz_to_local(e, hf_now_usec()), HF_USEC_PER_DAY));
        return 0;
    case HF_FN_CURRENT_TIME: {
        int64_t l = hf_x_ltz_to_local(e, hf_now_usec());
        set_i(res, fdiv(fmod64(l, HF_USEC_PER_DAY), HF_USEC_PER_SEC) *
                       HF_USEC_PER_SEC);
        return 0;
    }
    case HF_FN_TO_TIMESTAMP:
    case HF_FN_TO_DATE: {
        int64_t u;
        const char *s = v[0].v.s.ptr;
        size_t len = v[0].v.s.len;
        int rc = e->fmt ? hf_dtfmt_parse(e->fmt, s, len, &u) : -1;
        if (rc != 0) /* Flink falls back to the default forms */
            rc = parse_ts_default(s, len, &u);
        if (rc != 0) {
            set_null(res);
            return 0;
        }
        set_i(res,
              e->fn == HF_FN_TO_DATE ? fdiv(u, HF_USEC_PER_DAY) : trunc_ms(u));
        return 0;
    }
    case HF_FN_UNIX_TIMESTAMP: {
        if (e->nargs == 0) {
            set_i(res, fdiv(hf_now_usec(), HF_USEC_PER_SEC));
            return 0;
        }
        int64_t u;
        int rc = e->fmt ? hf_dtfmt_parse(e->fmt, v[0].v.s.ptr, v[0].v.s.len, &u)
                        : parse_ts_prefix(v[0].v.s.ptr, v[0].v.s.len, &u);
        /* Flink: Long.MIN_VALUE for text that does not parse. */
        set_i(res, rc != 0 ? INT64_MIN
                           : fdiv(hf_x_local_to_ltz(e, u), HF_USEC_PER_SEC));
        return 0;
    }
    case HF_FN_TO_TIMESTAMP_LTZ:
        return to_timestamp_ltz(e, v, res);
    case HF_FN_FROM_UNIXTIME: {
        int64_t u;
        if (__builtin_mul_overflow(v[0].v.i, HF_USEC_PER_SEC, &u) ||
            !in_range(u)) {
            set_null(res);
            return 0;
        }
        u = hf_x_ltz_to_local(e, u);
        if (!in_range(u)) {
            set_null(res);
            return 0;
        }
        size_t n = hf_dtfmt_format(e->fmt, u, buf, sizeof buf);
        return set_text(out, res, buf, n, err);
    }
    case HF_FN_DATE_FORMAT: {
        const struct hf_type *t = &e->args[0]->type;
        int64_t u;
        if (hf_type_is_string(t->id)) {
            if (parse_ts_prefix(v[0].v.s.ptr, v[0].v.s.len, &u) != 0) {
                set_null(res);
                return 0;
            }
        } else {
            u = wall_usec(e, t, &v[0]);
        }
        size_t n = hf_dtfmt_format(e->fmt, u, buf, sizeof buf);
        return set_text(out, res, buf, n, err);
    }
    case HF_FN_EXTRACT:
        set_i(res, extract(e, &e->args[0]->type, &v[0]));
        return 0;
    case HF_FN_TIMESTAMPADD:
        return add_units(e, &e->args[1]->type, &v[1], v[0].v.i, e->unit, 0, res,
                         err);
    case HF_FN_TIMESTAMPDIFF:
        return timestampdiff(e, v, res, err);
    case HF_FN_FLOOR_TIME:
        return floor_time(e, v, res, err);
    case HF_FN_CONVERT_TZ: {
        char zf[128], zt[128], why[200];
        snprintf(zf, sizeof zf, "%.*s", (int)v[1].v.s.len, v[1].v.s.ptr);
        snprintf(zt, sizeof zt, "%.*s", (int)v[2].v.s.len, v[2].v.s.ptr);
        /* java.util.TimeZone reads an unknown zone as GMT. */
        const struct hf_tz *from = hf_tz_find(zf, why, sizeof why);
        const struct hf_tz *to = hf_tz_find(zt, why, sizeof why);
        int64_t l;
        if (parse_ts_prefix(v[0].v.s.ptr, v[0].v.s.len, &l) != 0) {
            set_null(res);
            return 0;
        }
        int64_t r = hf_tz_to_local(to, hf_tz_to_utc(from, l));
        size_t n = hf_timestamp_format(r, 0, ' ', buf, sizeof buf);
        return set_text(out, res, buf, n, err);
    }
    case HF_FN_PLUS_INTERVAL: {
        const struct hf_type *it = &e->args[1]->type;
        int64_t iv = v[1].v.i;
        if (e->negated) {
            if (iv == INT64_MIN)
                return out_of_range(e, err);
            iv = -iv;
        }
        if (it->id == HF_INTERVAL_YM)
            return add_units(e, &e->args[0]->type, &v[0], iv, HF_TU_MONTH, 0,
                             res, err);
        return add_units(e, &e->args[0]->type, &v[0], 0, HF_TU_MICROSECOND, iv,
                         res, err);
    }
    case HF_FN_INTERVAL_MUL: {
        int64_t r;
        if (__builtin_mul_overflow(v[0].v.i, v[1].v.i, &r))
            return hf_x_fail(e, err, HF_ERR_DATA, "interval overflow");
        set_i(res, r);
        return 0;
    }
    default:
        break;
    }
    return hf_x_fail(e, err, HF_ERR_FAIL, "function %s not implemented",
                     hf_x_fn_name(e));
}
