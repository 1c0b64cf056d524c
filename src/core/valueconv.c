/*
 * valueconv.c - the text form of every value type (see valueconv.h).
 *
 * Printing follows Flink's CAST(x AS STRING); parsing reads the same forms
 * back plus the usual variants (lower-case booleans, exponents, 'T' in
 * timestamps, time-zone suffixes on TIMESTAMP_LTZ). FLOAT and DOUBLE print
 * as Java's Float/Double.toString: the shortest digits that read back as
 * the same value, laid out plainly for 1e-3 <= |x| < 1e7 and in "d.dddEn"
 * notation otherwise, always with at least one fraction digit.
 *
 * Invariants: parsing never allocates from the heap except for absurdly
 * long numeric texts; strings and arrays go into the batch's arena; on
 * failure `out` is left NULL and err names the type and the text. BYTES
 * text is taken like a string (not trimmed, empty is empty, not NULL).
 * Parsed TIME/TIMESTAMP values are truncated to the type's precision, so a
 * TIMESTAMP(3) never carries microseconds. Elements
 * of an ARRAY have the scalar type hf_type_make(elem); when the ARRAY type
 * carries a precision (DECIMAL, TIME, TIMESTAMP elements) it applies to the
 * elements.
 */
#include "core/valueconv.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include "core/decimal.h"

/* Longest piece of offending text quoted in an error message. */
#define QUOTE_MAX 100

/* ------------------------------------------------------------------ helpers */

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
           c == '\v';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static void trim(const char **s, size_t *len)
{
    const char *p = *s;
    size_t n = *len;
    while (n > 0 && is_blank(p[0])) {
        p++;
        n--;
    }
    while (n > 0 && is_blank(p[n - 1]))
        n--;
    *s = p;
    *len = n;
}

/* Case-insensitive comparison of s[0..len) with the NUL-terminated word. */
static bool eq_nocase(const char *s, size_t len, const char *word)
{
    size_t wl = strlen(word);
    if (len != wl)
        return false;
    for (size_t i = 0; i < len; i++) {
        char a = s[i], b = word[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z')
            b = (char)(b - 'A' + 'a');
        if (a != b)
            return false;
    }
    return true;
}

static bool eq_exact(const char *s, size_t len, const char *word)
{
    return strlen(word) == len && memcmp(s, word, len) == 0;
}

/* Element type of an ARRAY type (see the file comment). */
static struct hf_type elem_type(const struct hf_type *t)
{
    struct hf_type e = hf_type_make(t->elem);
    switch (e.id) {
    case HF_DECIMAL:
    case HF_TIME:
    case HF_TIMESTAMP:
    case HF_TIMESTAMP_LTZ:
        if (t->precision != 0) {
            e.precision = t->precision;
            e.scale = t->scale;
        }
        break;
    default:
        break;
    }
    return e;
}

/* Fill err with "cannot parse '<text>' as <TYPE>". Returns -1. */
static int bad_text(struct hf_error *err, const struct hf_type *t,
                    const char *s, size_t len)
{
    char tn[64];
    hf_type_name(t, tn, sizeof tn);
    return hf_error_set(err, HF_ERR_DATA, "cannot parse '%.*s%s' as %s",
                        (int)(len > QUOTE_MAX ? QUOTE_MAX : len), s,
                        len > QUOTE_MAX ? "..." : "", tn);
}

/* ------------------------------------------------------------------ floats */

/* Digits and decimal exponent of "%.*e" text ("-1.25e+03" -> "125", 3). */
static int split_e_text(const char *e, char *digits, size_t cap, long *exp10)
{
    int nd = 0;
    const char *q = e;
    if (*q == '-')
        q++;
    while (*q != 'e' && *q != '\0') {
        if (is_digit(*q) && (size_t)nd < cap)
            digits[nd++] = *q;
        q++;
    }
    *exp10 = *q == 'e' ? strtol(q + 1, NULL, 10) : 0;
    return nd;
}

/* Java's Double/Float.toString of v (a float widened to double when
 * is_float): the shortest "%.*e" digits that read back as the same value (at
 * most 17 for a double, 9 for a float), laid out as Java does. */
static size_t java_fp_text(double v, bool is_float, char *buf, size_t n)
{
    char out[64];
    size_t o = 0;
    if (isnan(v)) {
        memcpy(out, "NaN", 3);
        o = 3;
    } else if (isinf(v)) {
        const char *w = v < 0 ? "-Infinity" : "Infinity";
        o = strlen(w);
        memcpy(out, w, o);
    } else if (v == 0) {
        const char *w = signbit(v) ? "-0.0" : "0.0";
        o = strlen(w);
        memcpy(out, w, o);
    } else {
        char e[48];
        int maxdig = is_float ? 9 : 17;
        for (int p = 1; p <= maxdig; p++) {
            snprintf(e, sizeof e, "%.*e", p - 1, v);
            bool same = is_float ? strtof(e, NULL) == (float)v
                                 : strtod(e, NULL) == v;
            if (same)
                break;
        }
        char digits[24];
        long exp10;
        int nd = split_e_text(e, digits, sizeof digits, &exp10);
        bool plain = exp10 >= -3 && exp10 < 7;
        if (!plain && nd == 1) {
            /* "d.dEn" shows two digits: take the closest two-digit form
             * (4.9E-324, not 5.0E-324). */
            snprintf(e, sizeof e, "%.1e", v);
            nd = split_e_text(e, digits, sizeof digits, &exp10);
        }
        while (nd > 1 && digits[nd - 1] == '0')
            nd--;
        if (v < 0)
            out[o++] = '-';
        if (plain && exp10 >= 0) {
            /* integer part: digits[0..exp10], padded with zeros */
            for (long k = 0; k <= exp10; k++)
                out[o++] = k < nd ? digits[k] : '0';
            out[o++] = '.';
            if (nd > exp10 + 1) {
                for (int k = (int)exp10 + 1; k < nd; k++)
                    out[o++] = digits[k];
            } else {
                out[o++] = '0';
            }
        } else if (plain) {
            out[o++] = '0';
            out[o++] = '.';
            for (long k = 0; k < -exp10 - 1; k++)
                out[o++] = '0';
            memcpy(out + o, digits, (size_t)nd);
            o += (size_t)nd;
        } else {
            out[o++] = digits[0];
            out[o++] = '.';
            if (nd > 1) {
                memcpy(out + o, digits + 1, (size_t)nd - 1);
                o += (size_t)nd - 1;
            } else {
                out[o++] = '0';
            }
            int r = snprintf(out + o, sizeof out - o, "E%ld", exp10);
            if (r > 0)
                o += (size_t)r;
        }
    }
    if (n == 0)
        return 0;
    if (o > n - 1)
        o = n - 1;
    memcpy(buf, out, o);
    buf[o] = '\0';
    return o;
}

size_t hf_double_to_text(double d, char *buf, size_t n)
{
    return java_fp_text(d, false, buf, n);
}

size_t hf_float_to_text(float f, char *buf, size_t n)
{
    return java_fp_text((double)f, true, buf, n);
}

/* True if s[0..len) is a number Java's Double.parseDouble reads, except
 * NaN/Infinity: [+-] digits [. digits] [e [+-] digits] [fFdD]. Sets
 * *num_len to the length without the type suffix. */
static bool fp_syntax(const char *s, size_t len, size_t *num_len)
{
    size_t i = 0, nd = 0;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        i++;
    while (i < len && is_digit(s[i])) {
        i++;
        nd++;
    }
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && is_digit(s[i])) {
            i++;
            nd++;
        }
    }
    if (nd == 0)
        return false;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= len || !is_digit(s[i]))
            return false;
        while (i < len && is_digit(s[i]))
            i++;
    }
    *num_len = i;
    if (i < len && (s[i] == 'f' || s[i] == 'F' || s[i] == 'd' || s[i] == 'D'))
        i++;
    return i == len;
}

/* Parse a FLOAT/DOUBLE text (already trimmed). Returns 0 or -1. */
static int parse_fp(const char *s, size_t len, bool is_float, double *out)
{
    if (eq_exact(s, len, "NaN")) {
        *out = NAN;
        return 0;
    }
    if (eq_exact(s, len, "Infinity") || eq_exact(s, len, "+Infinity")) {
        *out = INFINITY;
        return 0;
    }
    if (eq_exact(s, len, "-Infinity")) {
        *out = -INFINITY;
        return 0;
    }
    size_t nl;
    if (!fp_syntax(s, len, &nl))
        return -1;
    char local[128];
    char *z = nl < sizeof local ? local : malloc(nl + 1);
    if (z == NULL)
        return -1;
    memcpy(z, s, nl);
    z[nl] = '\0';
    /* Overflow gives +-Infinity and underflow 0, as in Java. */
    if (is_float)
        *out = (double)strtof(z, NULL);
    else
        *out = strtod(z, NULL);
    if (z != local)
        free(z);
    return 0;
}

/* ------------------------------------------------------------------ ints */

int hf_int_in_range(enum hf_type_id id, int64_t v)
{
    switch (id) {
    case HF_TINYINT: return v >= INT8_MIN && v <= INT8_MAX;
    case HF_SMALLINT: return v >= INT16_MIN && v <= INT16_MAX;
    case HF_INT: return v >= INT32_MIN && v <= INT32_MAX;
    case HF_BIGINT: return 1;
    default: return 0;
    }
}

/* [+-]digits into *v. Returns 0, -1 if not an integer, -2 if it does not
 * fit int64. */
static int parse_i64(const char *s, size_t len, int64_t *v)
{
    size_t i = 0;
    bool neg = false;
    if (i < len && (s[i] == '+' || s[i] == '-')) {
        neg = s[i] == '-';
        i++;
    }
    if (i == len)
        return -1;
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t m = 0;
    bool over = false;
    for (; i < len; i++) {
        if (!is_digit(s[i]))
            return -1;
        unsigned dgt = (unsigned)(s[i] - '0');
        if (m > (limit - dgt) / 10)
            over = true;
        else
            m = m * 10 + dgt;
    }
    if (over)
        return -2;
    *v = neg ? (m == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)m)
             : (int64_t)m;
    return 0;
}

/* ------------------------------------------------------------------ to text */

static void put_hex_bytes(struct hf_strbuf *out, const char *p, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    hf_strbuf_append(out, "x'", 2);
    char *w = hf_strbuf_reserve(out, len * 2);
    if (w != NULL) {
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)p[i];
            w[2 * i] = hex[c >> 4];
            w[2 * i + 1] = hex[c & 15];
        }
        hf_strbuf_commit(out, len * 2);
    }
    hf_strbuf_putc(out, '\'');
}

char *hf_int_text(int64_t i, char tmp[HF_INT_TEXT_MAX])
{
    static const char pairs[] = "00010203040506070809"
                                "10111213141516171819"
                                "20212223242526272829"
                                "30313233343536373839"
                                "40414243444546474849"
                                "50515253545556575859"
                                "60616263646566676869"
                                "70717273747576777879"
                                "80818283848586878889"
                                "90919293949596979899";
    char *p = tmp + HF_INT_TEXT_MAX;
    uint64_t u = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
    while (u >= 100) {
        const char *d = pairs + (u % 100) * 2;
        u /= 100;
        *--p = d[1];
        *--p = d[0];
    }
    if (u >= 10) {
        *--p = pairs[u * 2 + 1];
        *--p = pairs[u * 2];
    } else {
        *--p = (char)('0' + u);
    }
    if (i < 0)
        *--p = '-';
    return p;
}

/* Decimal digits of an int64 (the text encoders call this once per
 * integer value). */
static void put_int(struct hf_strbuf *out, int64_t i)
{
    char tmp[HF_INT_TEXT_MAX];
    const char *p = hf_int_text(i, tmp);
    hf_strbuf_append(out, p, (size_t)(tmp + HF_INT_TEXT_MAX - p));
}

void hf_value_to_text(const struct hf_type *t, const struct hf_value *v,
                      struct hf_strbuf *out)
{
    char buf[96];
    size_t n;
    switch (t->id) {
    case HF_BOOLEAN:
        hf_strbuf_puts(out, v->v.b ? "TRUE" : "FALSE");
        break;
    case HF_TINYINT:
    case HF_SMALLINT:
    case HF_INT:
    case HF_BIGINT:
        put_int(out, v->v.i);
        break;
    case HF_FLOAT:
        n = hf_float_to_text(v->v.f4, buf, sizeof buf);
        hf_strbuf_append(out, buf, n);
        break;
    case HF_DOUBLE:
        n = hf_double_to_text(v->v.f8, buf, sizeof buf);
        hf_strbuf_append(out, buf, n);
        break;
    case HF_DECIMAL:
        n = hf_dec_format(v->v.d, t->scale, buf, sizeof buf);
        hf_strbuf_append(out, buf, n);
        break;
    case HF_INTERVAL_YM:
        n = hf_interval_ym_format(v->v.i, buf, sizeof buf);
        hf_strbuf_append(out, buf, n);
        break;
    case HF_INTERVAL_DT:
        n = hf_interval_dt_format(v->v.i, buf, sizeof buf);
        hf_strbuf_append(out, buf, n);
        break;
    case HF_CHAR:
    case HF_VARCHAR:
    case HF_JSON:
    case HF_JSONB:
        hf_strbuf_append(out, v->v.s.ptr, v->v.s.len);
        break;
    case HF_BYTES:
        put_hex_bytes(out, v->v.s.ptr, v->v.s.len);
        break;
    case HF_DATE:
        n = hf_date_format(v->v.i, buf, sizeof buf);
        hf_strbuf_append(out, buf, n);
        break;
    case HF_TIME:
        n = hf_time_format(v->v.i, t->precision, buf, sizeof buf);
        hf_strbuf_append(out, buf, n);
        break;
    case HF_TIMESTAMP:
    case HF_TIMESTAMP_LTZ:
        n = hf_timestamp_format(v->v.i, t->precision, ' ', buf, sizeof buf);
        hf_strbuf_append(out, buf, n);
        break;
    case HF_ARRAY: {
        struct hf_type et = elem_type(t);
        const struct hf_array *a = v->v.a;
        hf_strbuf_putc(out, '[');
        for (uint32_t i = 0; a != NULL && i < a->n; i++) {
            if (i > 0)
                hf_strbuf_append(out, ", ", 2);
            if (a->items[i].null)
                hf_strbuf_append(out, "NULL", 4);
            else
                hf_value_to_text(&et, &a->items[i], out);
        }
        hf_strbuf_putc(out, ']');
        break;
    }
    case HF_TYPE__COUNT:
        break;
    }
}

/* --------------------------------------------------------------- from text */

/* Round a TIME/TIMESTAMP value down to `precision` fraction digits. */
static int64_t truncate_usec(int64_t usec, int precision)
{
    if (precision >= 6)
        return usec;
    int64_t unit = 1;
    for (int k = precision; k < 6; k++)
        unit *= 10;
    int64_t q = usec / unit;
    if (usec % unit != 0 && usec < 0)
        q--;
    return q * unit;
}

static int array_from_text(const struct hf_type *t, const char *s, size_t len,
                           char delim, struct hf_batch *b,
                           struct hf_value *out, struct hf_error *err)
{
    struct hf_type et = elem_type(t);
    uint32_t n = 1;
    for (size_t i = 0; i < len; i++)
        if (s[i] == delim)
            n++;
    struct hf_array *a = hf_arena_alloc(
        &b->arena, sizeof *a + (size_t)n * sizeof(struct hf_value));
    if (a == NULL)
        return hf_error_set(err, HF_ERR_NOMEM,
                            "out of memory parsing an array of %u elements",
                            n);
    a->elem = et.id;
    a->n = n;
    a->items = (struct hf_value *)(a + 1);
    size_t start = 0;
    for (uint32_t k = 0; k < n; k++) {
        size_t end = start;
        while (end < len && s[end] != delim)
            end++;
        struct hf_value *item = &a->items[k];
        memset(item, 0, sizeof *item);
        item->null = true;
        if (end > start) {
            struct hf_error eerr;
            hf_error_clear(&eerr);
            if (hf_value_from_text(&et, s + start, end - start, delim, b, item,
                                   &eerr) != 0) {
                char tn[64];
                hf_type_name(t, tn, sizeof tn);
                return hf_error_set(err, eerr.code,
                                    "element %u of %s '%.*s%s': %s", k + 1,
                                    tn,
                                    (int)(len > QUOTE_MAX ? QUOTE_MAX : len),
                                    s, len > QUOTE_MAX ? "..." : "", eerr.msg);
            }
        }
        start = end + 1;
    }
    out->v.a = a;
    out->null = false;
    return 0;
}

int hf_value_from_text(const struct hf_type *t, const char *s, size_t len,
                       char array_delim, struct hf_batch *b,
                       struct hf_value *out, struct hf_error *err)
{
    char tn[64];
    memset(out, 0, sizeof *out);
    out->null = true;

    /* Strings and bytes: the text as it is. */
    if (hf_type_is_string(t->id) || t->id == HF_BYTES) {
        if (len > UINT32_MAX)
            return hf_error_set(err, HF_ERR_DATA,
                                "text of %zu bytes is too long for %s", len,
                                hf_type_name(t, tn, sizeof tn));
        if (hf_value_set_str(b, out, s, len) != 0)
            return hf_error_set(err, HF_ERR_NOMEM,
                                "out of memory copying %zu bytes of text",
                                len);
        return 0;
    }

    trim(&s, &len);
    if (len == 0)
        return 0; /* NULL */

    switch (t->id) {
    case HF_BOOLEAN:
        if (eq_nocase(s, len, "true"))
            out->v.b = true;
        else if (eq_nocase(s, len, "false"))
            out->v.b = false;
        else
            return bad_text(err, t, s, len);
        break;
    case HF_TINYINT:
    case HF_SMALLINT:
    case HF_INT:
    case HF_BIGINT: {
        int64_t v;
        int rc = parse_i64(s, len, &v);
        if (rc == -1)
            return bad_text(err, t, s, len);
        if (rc == -2 || !hf_int_in_range(t->id, v))
            return hf_error_set(err, HF_ERR_DATA,
                                "value %.*s%s out of range for %s",
                                (int)(len > QUOTE_MAX ? QUOTE_MAX : len), s,
                                len > QUOTE_MAX ? "..." : "",
                                hf_type_name(t, tn, sizeof tn));
        out->v.i = v;
        break;
    }
    case HF_FLOAT:
    case HF_DOUBLE: {
        double d;
        if (parse_fp(s, len, t->id == HF_FLOAT, &d) != 0)
            return bad_text(err, t, s, len);
        if (t->id == HF_FLOAT)
            out->v.f4 = (float)d;
        else
            out->v.f8 = d;
        break;
    }
    case HF_DECIMAL: {
        int rc = hf_dec_parse(s, len, t->precision, t->scale, &out->v.d);
        if (rc == -1)
            return bad_text(err, t, s, len);
        if (rc == -2)
            return hf_error_set(err, HF_ERR_DATA, "'%.*s%s' does not fit %s",
                                (int)(len > QUOTE_MAX ? QUOTE_MAX : len), s,
                                len > QUOTE_MAX ? "..." : "",
                                hf_type_name(t, tn, sizeof tn));
        break;
    }
    case HF_DATE:
        if (hf_date_parse(s, len, &out->v.i) != 0)
            return bad_text(err, t, s, len);
        break;
    case HF_TIME:
        if (hf_time_parse(s, len, &out->v.i) != 0)
            return bad_text(err, t, s, len);
        out->v.i = truncate_usec(out->v.i, t->precision);
        break;
    case HF_TIMESTAMP:
        if (hf_timestamp_parse(s, len, &out->v.i) != 0)
            return bad_text(err, t, s, len);
        out->v.i = truncate_usec(out->v.i, t->precision);
        break;
    case HF_TIMESTAMP_LTZ:
        if (hf_timestamp_ltz_parse(s, len, &out->v.i) != 0)
            return bad_text(err, t, s, len);
        out->v.i = truncate_usec(out->v.i, t->precision);
        break;
    case HF_ARRAY:
        return array_from_text(t, s, len, array_delim ? array_delim : ';', b,
                               out, err);
    default:
        return hf_error_set(err, HF_ERR_UNSUPPORTED,
                            "cannot parse text as %s: type not supported",
                            hf_type_name(t, tn, sizeof tn));
    }
    out->null = false;
    return 0;
}
