/*
 * decimal.c - exact DECIMAL(p,s) values on 128-bit unscaled integers (see
 * decimal.h).
 *
 * Internally every operation works on the magnitude as an `unsigned
 * __int128` plus a sign, so the most negative value needs no special case
 * and rounding HALF_UP is "round the magnitude half up". The storage form
 * struct hf_dec {lo, hi} is converted at the boundary by to_i128/from_i128.
 * Invariants: a value returned by a function that checks precision always
 * has |u| < 10^precision; no function here goes through double unless its
 * name says so; parsing never allocates and accepts any number of digits.
 */
#include "core/decimal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 u128;
typedef __int128 i128;

/* ------------------------------------------------------------------ helpers */

static i128 to_i128(struct hf_dec d)
{
    u128 u = ((u128)(uint64_t)d.hi << 64) | (u128)d.lo;
    return (i128)u;
}

static struct hf_dec from_i128(i128 v)
{
    struct hf_dec d;
    u128 u = (u128)v;
    d.lo = (uint64_t)u;
    d.hi = (int64_t)(uint64_t)(u >> 64);
    return d;
}

/* |v| as unsigned; correct for the most negative value too. */
static u128 magnitude(i128 v)
{
    return v < 0 ? (u128)0 - (u128)v : (u128)v;
}

static struct hf_dec from_sign_mag(bool neg, u128 m)
{
    return from_i128(neg ? (i128)((u128)0 - m) : (i128)m);
}

/* 10^n for 0 <= n <= 38 (10^38 < 2^128). */
static u128 pow10_u128(int n)
{
    u128 p = 1;
    for (int i = 0; i < n; i++)
        p *= 10;
    return p;
}

static bool valid_precision(int precision)
{
    return precision >= 1 && precision <= HF_DECIMAL_MAX_PRECISION;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Digits of m, most significant first, into buf (at least 40 bytes);
 * returns the count (0 prints as "0"). Not NUL-terminated. */
static int u128_digits(u128 m, char *buf)
{
    char tmp[40];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + (int)(m % 10));
        m /= 10;
    } while (m != 0);
    for (int i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    return n;
}

/* ------------------------------------------------------------------ parse */

/* The mantissa digits of a decimal text: `n_int` integer digits at `ip`
 * followed by `n_frac` fraction digits at `fp`, seen as one digit string. */
struct digit_run {
    const char *ip;
    size_t n_int;
    const char *fp;
    size_t n_frac;
};

static char digit_at(const struct digit_run *r, size_t k)
{
    return k < r->n_int ? r->ip[k] : r->fp[k - r->n_int];
}

int hf_dec_parse(const char *s, size_t len, int precision, int scale,
                 struct hf_dec *out)
{
    if (!valid_precision(precision) || scale < 0 ||
        scale > HF_DECIMAL_MAX_PRECISION)
        return -1;
    size_t i = 0;
    bool neg = false;
    if (i < len && (s[i] == '+' || s[i] == '-')) {
        neg = s[i] == '-';
        i++;
    }
    size_t int_start = i;
    while (i < len && is_digit(s[i]))
        i++;
    size_t int_end = i;
    size_t frac_start = i, frac_end = i;
    if (i < len && s[i] == '.') {
        i++;
        frac_start = i;
        while (i < len && is_digit(s[i]))
            i++;
        frac_end = i;
    }
    size_t n_int = int_end - int_start;
    size_t n_frac = frac_end - frac_start;
    if (n_int + n_frac == 0)
        return -1;
    int64_t exp = 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < len && (s[i] == '+' || s[i] == '-')) {
            eneg = s[i] == '-';
            i++;
        }
        if (i >= len || !is_digit(s[i]))
            return -1;
        while (i < len && is_digit(s[i])) {
            if (exp < INT64_C(1000000000)) /* saturate; far beyond any use */
                exp = exp * 10 + (s[i] - '0');
            i++;
        }
        if (eneg)
            exp = -exp;
    }
    if (i != len)
        return -1;

    /* Skip leading zeros of the mantissa digits. */
    struct digit_run run = {s + int_start, n_int, s + frac_start, n_frac};
    size_t nd = n_int + n_frac;
    size_t z = 0;
    while (z < nd && digit_at(&run, z) == '0')
        z++;
    int64_t sig = (int64_t)(nd - z);
    if (sig == 0) {
        *out = from_i128(0);
        return 0;
    }
    /* value = D * 10^(exp - n_frac); unscaled = D * 10^shift */
    int64_t shift = exp - (int64_t)n_frac + scale;
    int64_t keep = shift >= 0 ? sig : sig + shift;
    if (keep > precision || (shift > 0 && sig + shift > precision))
        return -2;
    u128 m = 0;
    for (int64_t k = 0; k < keep; k++)
        m = m * 10 + (u128)(digit_at(&run, z + (size_t)k) - '0');
    if (shift > 0) {
        m *= pow10_u128((int)shift);
    } else if (shift < 0 && keep >= 0 &&
               digit_at(&run, z + (size_t)keep) >= '5') {
        m += 1; /* HALF_UP on the magnitude */
    }
    if (m >= pow10_u128(precision))
        return -2;
    *out = from_sign_mag(neg, m);
    return 0;
}

/* ------------------------------------------------------------------ format */

size_t hf_dec_format(struct hf_dec d, int scale, char *buf, size_t n)
{
    char digits[40];
    char tmp[96];
    i128 v = to_i128(d);
    int nd = u128_digits(magnitude(v), digits);
    if (scale < 0)
        scale = 0;
    if (scale > HF_DECIMAL_MAX_PRECISION)
        scale = HF_DECIMAL_MAX_PRECISION;
    size_t o = 0;
    if (v < 0)
        tmp[o++] = '-';
    if (nd <= scale) {
        /* 0.000ddd */
        tmp[o++] = '0';
        tmp[o++] = '.';
        for (int k = 0; k < scale - nd; k++)
            tmp[o++] = '0';
        memcpy(tmp + o, digits, (size_t)nd);
        o += (size_t)nd;
    } else {
        int n_int = nd - scale;
        memcpy(tmp + o, digits, (size_t)n_int);
        o += (size_t)n_int;
        if (scale > 0) {
            tmp[o++] = '.';
            memcpy(tmp + o, digits + n_int, (size_t)scale);
            o += (size_t)scale;
        }
    }
    if (n == 0)
        return 0;
    if (o > n - 1)
        o = n - 1;
    memcpy(buf, tmp, o);
    buf[o] = '\0';
    return o;
}

/* ------------------------------------------------------------------ rescale */

int hf_dec_rescale(struct hf_dec d, int from_scale, int to_precision,
                   int to_scale, struct hf_dec *out)
{
    if (!valid_precision(to_precision))
        return -2;
    i128 v = to_i128(d);
    bool neg = v < 0;
    u128 m = magnitude(v);
    u128 limit = pow10_u128(to_precision); /* exclusive */
    if (to_scale > from_scale) {
        int diff = to_scale - from_scale;
        if (m != 0) {
            if (diff > HF_DECIMAL_MAX_PRECISION)
                return -2;
            u128 p = pow10_u128(diff);
            if (m > (limit - 1) / p)
                return -2;
            m *= p;
        }
    } else if (to_scale < from_scale) {
        int diff = from_scale - to_scale;
        if (diff > HF_DECIMAL_MAX_PRECISION) {
            m = 0; /* |m| < 2^127 < 10^39 / 2: rounds to zero */
        } else {
            u128 p = pow10_u128(diff);
            u128 r = m % p;
            m /= p;
            if (r >= p - r) /* r >= p/2 without overflow: HALF_UP */
                m += 1;
        }
    }
    if (m >= limit)
        return -2;
    *out = from_sign_mag(neg, m);
    return 0;
}

/* ------------------------------------------------------------------ ints */

struct hf_dec hf_dec_from_i64(int64_t v)
{
    return from_i128((i128)v);
}

int hf_dec_to_i64(struct hf_dec d, int scale, int64_t *out)
{
    i128 v = to_i128(d);
    bool neg = v < 0;
    u128 m = magnitude(v);
    if (scale > 0)
        m = scale > HF_DECIMAL_MAX_PRECISION ? 0 : m / pow10_u128(scale);
    if (neg) {
        if (m > (u128)INT64_MAX + 1)
            return -2;
        *out = m == (u128)INT64_MAX + 1 ? INT64_MIN : -(int64_t)m;
    } else {
        if (m > (u128)INT64_MAX)
            return -2;
        *out = (int64_t)m;
    }
    return 0;
}

/* ------------------------------------------------------------------ double */

double hf_dec_to_double(struct hf_dec d, int scale)
{
    /* Through text so the result is the correctly rounded double. */
    char buf[96];
    hf_dec_format(d, scale, buf, sizeof buf);
    return strtod(buf, NULL);
}

int hf_dec_from_double(double v, int precision, int scale, struct hf_dec *out)
{
    if (!isfinite(v))
        return -1;
    /* As BigDecimal.valueOf(double): the shortest text that reads back as
     * v, then rounded HALF_UP to the scale. */
    char buf[64];
    int len = 0;
    for (int p = 1; p <= 17; p++) {
        len = snprintf(buf, sizeof buf, "%.*e", p - 1, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    if (len <= 0 || (size_t)len >= sizeof buf)
        return -1;
    return hf_dec_parse(buf, (size_t)len, precision, scale, out);
}

/* ------------------------------------------------------------------ misc */

int hf_dec_cmp(struct hf_dec a, struct hf_dec b)
{
    i128 x = to_i128(a), y = to_i128(b);
    return x < y ? -1 : x > y ? 1 : 0;
}

bool hf_dec_is_neg(struct hf_dec d)
{
    return d.hi < 0;
}

int hf_dec_digits(struct hf_dec d)
{
    char digits[40];
    return u128_digits(magnitude(to_i128(d)), digits);
}
