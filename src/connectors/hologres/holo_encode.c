/*
 * holo_encode.c - values in PostgreSQL's binary (send/recv) format.
 *
 * Each encoder appends exactly the bytes the server's *_recv function
 * reads for the wire type holo_wire_oid() names: big-endian integers and
 * IEEE floats (bit patterns copied, so NaN and infinities survive),
 * numeric as base-10000 digit groups aligned on the decimal point and
 * computed from the exact 128-bit DECIMAL, date and timestamps rebased
 * from the Unix epoch to PostgreSQL's 2000-01-01, text as its UTF-8 bytes
 * (a \0 byte cannot be stored in PostgreSQL text and is refused), jsonb
 * with its version byte, and one-dimensional arrays with their NULL flag
 * and element OID. Array columns also have a text-literal form
 * ({1,"a b",NULL}) because the upsert statements send them as elements of
 * a text[] parameter.
 *
 * Invariants: nothing here allocates except through the output buffer;
 * a failed call leaves whatever it appended in `out` (the caller resets
 * or discards the buffer) and fills err with HF_ERR_DATA naming the value.
 */
#include "connectors/hologres/holo_encode.h"

#include <stdio.h>
#include <string.h>

#include "core/datetime.h"
#include "core/decimal.h"
#include "core/valueconv.h"

/* Days from 1970-01-01 to 2000-01-01, and the same span in microseconds. */
#define PG_EPOCH_DAYS INT64_C(10957)
#define PG_EPOCH_USEC INT64_C(946684800000000)

#define NUMERIC_POS 0x0000
#define NUMERIC_NEG 0x4000

/* ------------------------------------------------------------ wire types */

/* OID, name, and array OID of the wire type of each scalar Flink type. */
static const struct {
    Oid oid;
    const char *name;
    Oid array_oid;
    const char *array_name;
} wire[HF_TYPE__COUNT] = {
    [HF_BOOLEAN] = {16, "bool", 1000, "bool[]"},
    [HF_TINYINT] = {21, "int2", 1005, "int2[]"},
    [HF_SMALLINT] = {21, "int2", 1005, "int2[]"},
    [HF_INT] = {23, "int4", 1007, "int4[]"},
    [HF_BIGINT] = {20, "int8", 1016, "int8[]"},
    [HF_FLOAT] = {700, "float4", 1021, "float4[]"},
    [HF_DOUBLE] = {701, "float8", 1022, "float8[]"},
    [HF_DECIMAL] = {1700, "numeric", 1231, "numeric[]"},
    [HF_CHAR] = {25, "text", 1009, "text[]"},
    [HF_VARCHAR] = {25, "text", 1009, "text[]"},
    [HF_BYTES] = {17, "bytea", 1001, "bytea[]"},
    [HF_DATE] = {1082, "date", 1182, "date[]"},
    [HF_TIME] = {1083, "time", 1183, "time[]"},
    [HF_TIMESTAMP] = {1114, "timestamp", 1115, "timestamp[]"},
    [HF_TIMESTAMP_LTZ] = {1184, "timestamptz", 1185, "timestamptz[]"},
    [HF_ARRAY] = {0, "?", 0, "?"},
    [HF_JSON] = {114, "json", 199, "json[]"},
    [HF_JSONB] = {3802, "jsonb", 3807, "jsonb[]"},
};

static bool scalar_id(enum hf_type_id id)
{
    return (unsigned)id < HF_TYPE__COUNT && id != HF_ARRAY;
}

Oid holo_wire_oid(const struct hf_type *t)
{
    if (t->id == HF_ARRAY)
        return scalar_id(t->elem) ? wire[t->elem].array_oid : 0;
    return scalar_id(t->id) ? wire[t->id].oid : 0;
}

const char *holo_wire_name(const struct hf_type *t)
{
    if (t->id == HF_ARRAY)
        return scalar_id(t->elem) ? wire[t->elem].array_name : "?";
    return scalar_id(t->id) ? wire[t->id].name : "?";
}

/* The scalar type of an ARRAY's elements; an ARRAY type carrying a
 * precision passes it on to DECIMAL/TIME/TIMESTAMP elements (valueconv.c
 * reads arrays the same way). */
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

/* ------------------------------------------------------------ big-endian */

static void put_be(struct hf_strbuf *out, uint64_t v, int nbytes)
{
    char *p = hf_strbuf_reserve(out, (size_t)nbytes);
    if (p == NULL)
        return;
    for (int i = nbytes - 1; i >= 0; i--) {
        p[i] = (char)(v & 0xff);
        v >>= 8;
    }
    hf_strbuf_commit(out, (size_t)nbytes);
}

static void put16(struct hf_strbuf *out, uint16_t v)
{
    put_be(out, v, 2);
}

static void put32(struct hf_strbuf *out, uint32_t v)
{
    put_be(out, v, 4);
}

static void put64(struct hf_strbuf *out, uint64_t v)
{
    put_be(out, v, 8);
}

/* Overwrite 4 bytes at `off` (a length word reserved earlier). */
static void patch32(struct hf_strbuf *out, size_t off, uint32_t v)
{
    if (!hf_strbuf_ok(out) || off + 4 > out->len)
        return;
    unsigned char *p = (unsigned char *)out->data + off;
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* --------------------------------------------------------------- numeric */

/* numeric_send layout: int16 ndigits, int16 weight, uint16 sign, uint16
 * dscale, then ndigits base-10000 digits, most significant first; the
 * value is sum(d[i] * 10000^(weight - i)). Digit groups are aligned on the
 * decimal point, so the group holding 10^p is floor(p / 4). Leading and
 * trailing zero groups are dropped (zero itself has no digits). */
static void encode_numeric(struct hf_strbuf *out, struct hf_dec d, int scale)
{
    unsigned __int128 u = ((unsigned __int128)(uint64_t)d.hi << 64) | d.lo;
    bool neg = d.hi < 0;
    if (neg)
        u = ~u + 1; /* two's complement magnitude, also right for -2^127 */

    /* decimal digits of |d|, least significant first */
    uint8_t dig[40];
    int nd = 0;
    while ((u >> 64) != 0 && nd < (int)sizeof dig) {
        dig[nd++] = (uint8_t)(u % 10);
        u /= 10;
    }
    /* The rest in 64 bits: 128-bit division is a slow library call. */
    for (uint64_t x = (uint64_t)u; x != 0 && nd < (int)sizeof dig; x /= 10)
        dig[nd++] = (uint8_t)(x % 10);
    if (nd == 0) {
        put16(out, 0);
        put16(out, 0);
        put16(out, NUMERIC_POS);
        put16(out, (uint16_t)scale);
        return;
    }
    /* dig[k] holds the digit of 10^(k - scale). Group g covers powers
     * 4g .. 4g+3; floor division for negative powers. */
    int pmin = -scale, pmax = nd - 1 - scale;
    int gmin = pmin >= 0 ? pmin / 4 : -((-pmin + 3) / 4);
    int gmax = pmax >= 0 ? pmax / 4 : -((-pmax + 3) / 4);
    int16_t groups[16] = {0}; /* at most 12 groups for 40 digits */
    for (int k = 0; k < nd; k++) {
        int p = k - scale;
        int g = p >= 0 ? p / 4 : -((-p + 3) / 4);
        static const int16_t pow10[4] = {1, 10, 100, 1000};
        groups[g - gmin] =
            (int16_t)(groups[g - gmin] + dig[k] * pow10[p - 4 * g]);
    }
    /* The top group holds the leading nonzero digit; drop zero groups at
     * the low end. */
    int lo = 0;
    while (lo < gmax - gmin && groups[lo] == 0)
        lo++;
    int ndigits = gmax - gmin - lo + 1;
    put16(out, (uint16_t)ndigits);
    put16(out, (uint16_t)(int16_t)gmax);
    put16(out, neg ? NUMERIC_NEG : NUMERIC_POS);
    put16(out, (uint16_t)scale);
    for (int g = gmax - gmin; g >= lo; g--)
        put16(out, (uint16_t)groups[g]);
}

/* ----------------------------------------------------------------- values */

static int bad_text(struct hf_error *err, const struct hf_value *v)
{
    return hf_error_set(
        err, HF_ERR_DATA,
        "text value contains a \\0 byte (at byte %zu of %u); "
        "PostgreSQL text cannot store it: clean the data or "
        "set 'sink.remove-u0000-in-text.enabled'='true'",
        (size_t)((const char *)memchr(v->v.s.ptr, 0, v->v.s.len) - v->v.s.ptr),
        v->v.s.len);
}

static int encode_array_items(struct hf_strbuf *out, const struct hf_type *elem,
                              const struct hf_value *items,
                              const struct hf_value *const *ptrs, uint32_t n,
                              struct hf_error *err);

int holo_encode_value(struct hf_strbuf *out, const struct hf_type *t,
                      const struct hf_value *v, struct hf_error *err)
{
    char tn[64];
    switch (t->id) {
    case HF_BOOLEAN: {
        char b = v->v.b ? 1 : 0;
        hf_strbuf_append(out, &b, 1);
        return 0;
    }
    case HF_TINYINT:
    case HF_SMALLINT:
        if (v->v.i < INT16_MIN || v->v.i > INT16_MAX)
            goto range;
        put16(out, (uint16_t)(int16_t)v->v.i);
        return 0;
    case HF_INT:
        if (v->v.i < INT32_MIN || v->v.i > INT32_MAX)
            goto range;
        put32(out, (uint32_t)(int32_t)v->v.i);
        return 0;
    case HF_BIGINT:
        put64(out, (uint64_t)v->v.i);
        return 0;
    case HF_FLOAT: {
        uint32_t bits;
        memcpy(&bits, &v->v.f4, 4);
        put32(out, bits);
        return 0;
    }
    case HF_DOUBLE: {
        uint64_t bits;
        memcpy(&bits, &v->v.f8, 8);
        put64(out, bits);
        return 0;
    }
    case HF_DECIMAL:
        encode_numeric(out, v->v.d, t->scale);
        return 0;
    case HF_CHAR:
    case HF_VARCHAR:
    case HF_JSON:
        if (v->v.s.len > 0 && memchr(v->v.s.ptr, 0, v->v.s.len) != NULL)
            return bad_text(err, v);
        hf_strbuf_append(out, v->v.s.ptr, v->v.s.len);
        return 0;
    case HF_JSONB:
        if (v->v.s.len > 0 && memchr(v->v.s.ptr, 0, v->v.s.len) != NULL)
            return bad_text(err, v);
        hf_strbuf_putc(out, 1);
        hf_strbuf_append(out, v->v.s.ptr, v->v.s.len);
        return 0;
    case HF_BYTES:
        hf_strbuf_append(out, v->v.s.ptr, v->v.s.len);
        return 0;
    case HF_DATE: {
        int64_t d = v->v.i - PG_EPOCH_DAYS;
        if (v->v.i < INT32_MIN + PG_EPOCH_DAYS || d > INT32_MAX)
            goto range;
        put32(out, (uint32_t)(int32_t)d);
        return 0;
    }
    case HF_TIME:
        put64(out, (uint64_t)v->v.i);
        return 0;
    case HF_TIMESTAMP:
    case HF_TIMESTAMP_LTZ:
        if (v->v.i < INT64_MIN + PG_EPOCH_USEC)
            goto range;
        put64(out, (uint64_t)(v->v.i - PG_EPOCH_USEC));
        return 0;
    case HF_ARRAY: {
        if (!scalar_id(t->elem))
            return hf_error_set(err, HF_ERR_TYPE,
                                "array elements of type %s cannot be sent to "
                                "PostgreSQL",
                                hf_type_name(t, tn, sizeof tn));
        struct hf_type et = elem_type(t);
        const struct hf_array *a = v->v.a;
        return encode_array_items(out, &et, a ? a->items : NULL, NULL,
                                  a ? a->n : 0, err);
    }
    case HF_INTERVAL_YM: /* expression-only types never reach a sink */
    case HF_INTERVAL_DT:
    case HF_TYPE__COUNT:
        break;
    }
    return hf_error_set(err, HF_ERR_TYPE,
                        "no PostgreSQL wire format for type id %d", (int)t->id);
range:
    return hf_error_set(err, HF_ERR_DATA,
                        "value %lld is out of the range of %s on the wire",
                        (long long)v->v.i, hf_type_name(t, tn, sizeof tn));
}

int holo_encode_field(struct hf_strbuf *out, const struct hf_type *t,
                      const struct hf_value *v, struct hf_error *err)
{
    if (v->null) {
        put32(out, UINT32_MAX); /* -1 */
        return 0;
    }
    size_t off = out->len;
    put32(out, 0);
    if (holo_encode_value(out, t, v, err) != 0)
        return -1;
    if (!hf_strbuf_ok(out))
        return hf_error_set(err, HF_ERR_NOMEM,
                            "encoded values are over the buffer's limit of "
                            "%zu bytes (or out of memory)",
                            out->max);
    size_t n = out->len - off - 4;
    if (n > INT32_MAX)
        return hf_error_set(err, HF_ERR_DATA,
                            "value of %zu bytes is over PostgreSQL's 1 GB "
                            "limit",
                            n);
    patch32(out, off, (uint32_t)n);
    return 0;
}

/* Elements come either as a contiguous array (`items`, an ARRAY value) or
 * as pointers (`ptrs`, a batch column gathered by the caller). */
static int encode_array_items(struct hf_strbuf *out, const struct hf_type *elem,
                              const struct hf_value *items,
                              const struct hf_value *const *ptrs, uint32_t n,
                              struct hf_error *err)
{
    char tn[64];
    if (!scalar_id(elem->id))
        return hf_error_set(err, HF_ERR_TYPE,
                            "arrays of %s are not sent as one binary array "
                            "(array columns travel as text literals)",
                            hf_type_name(elem, tn, sizeof tn));
    if (n > INT32_MAX)
        return hf_error_set(err, HF_ERR_DATA,
                            "array of %u elements is too long", n);
    Oid eoid = holo_wire_oid(elem);
    if (n == 0) {
        put32(out, 0); /* ndim */
        put32(out, 0); /* flags */
        put32(out, eoid);
        return 0;
    }
    bool has_null = false;
    for (uint32_t i = 0; i < n && !has_null; i++)
        has_null = items ? items[i].null : ptrs[i]->null;
    put32(out, 1);
    put32(out, has_null ? 1 : 0);
    put32(out, eoid);
    put32(out, n);
    put32(out, 1); /* lower bound */
    for (uint32_t i = 0; i < n; i++) {
        const struct hf_value *v = items ? &items[i] : ptrs[i];
        if (holo_encode_field(out, elem, v, err) != 0) {
            hf_error_prefix(err, "array element %u: ", i + 1);
            return -1;
        }
    }
    return 0;
}

int holo_encode_array(struct hf_strbuf *out, const struct hf_type *elem,
                      const struct hf_value *const *values, uint32_t n,
                      struct hf_error *err)
{
    return encode_array_items(out, elem, NULL, values, n, err);
}

/* ---------------------------------------------------------- text literals */

/* PostgreSQL's text spelling of dates: years before 1 are written with
 * " BC" (year 0 is 1 BC), later years without sign or padding limit. */
static void put_pg_date(struct hf_strbuf *out, int64_t days, bool *bc)
{
    int64_t y;
    unsigned m, d;
    hf_civil_from_days(days, &y, &m, &d);
    *bc = y <= 0;
    if (*bc)
        y = 1 - y;
    hf_strbuf_printf(out, "%04lld-%02u-%02u", (long long)y, m, d);
}

static void put_pg_time(struct hf_strbuf *out, int64_t usec)
{
    int64_t days = usec >= 0
                       ? usec / HF_USEC_PER_DAY
                       : -((-usec + HF_USEC_PER_DAY - 1) / HF_USEC_PER_DAY);
    int64_t tod = usec - days * HF_USEC_PER_DAY;
    /* TIME 24:00:00 is a valid PostgreSQL time; keep it */
    if (days == 1 && tod == 0)
        tod = HF_USEC_PER_DAY;
    int64_t s = tod / HF_USEC_PER_SEC, us = tod % HF_USEC_PER_SEC;
    hf_strbuf_printf(out, "%02lld:%02lld:%02lld", (long long)(s / 3600),
                     (long long)(s / 60 % 60), (long long)(s % 60));
    if (us != 0) {
        /* PostgreSQL's spelling: no trailing zeros in the fraction */
        int digits = 6;
        while (us % 10 == 0) {
            us /= 10;
            digits--;
        }
        hf_strbuf_printf(out, ".%0*lld", digits, (long long)us);
    }
}

/* The element's text as PostgreSQL reads it, unquoted, into `tmp`. */
static int element_text(struct hf_strbuf *tmp, const struct hf_type *et,
                        const struct hf_value *v, struct hf_error *err)
{
    char buf[64];
    size_t n;
    switch (et->id) {
    case HF_BOOLEAN:
        hf_strbuf_putc(tmp, v->v.b ? 't' : 'f');
        return 0;
    case HF_TINYINT:
    case HF_SMALLINT:
    case HF_INT:
    case HF_BIGINT:
        hf_strbuf_printf(tmp, "%lld", (long long)v->v.i);
        return 0;
    case HF_FLOAT:
        n = hf_float_to_text(v->v.f4, buf, sizeof buf);
        hf_strbuf_append(tmp, buf, n);
        return 0;
    case HF_DOUBLE:
        n = hf_double_to_text(v->v.f8, buf, sizeof buf);
        hf_strbuf_append(tmp, buf, n);
        return 0;
    case HF_DECIMAL:
        n = hf_dec_format(v->v.d, et->scale, buf, sizeof buf);
        hf_strbuf_append(tmp, buf, n);
        return 0;
    case HF_CHAR:
    case HF_VARCHAR:
    case HF_JSON:
    case HF_JSONB:
        if (v->v.s.len > 0 && memchr(v->v.s.ptr, 0, v->v.s.len) != NULL)
            return bad_text(err, v);
        hf_strbuf_append(tmp, v->v.s.ptr, v->v.s.len);
        return 0;
    case HF_BYTES: {
        static const char hex[] = "0123456789abcdef";
        hf_strbuf_append(tmp, "\\x", 2);
        for (uint32_t i = 0; i < v->v.s.len; i++) {
            unsigned char c = (unsigned char)v->v.s.ptr[i];
            hf_strbuf_putc(tmp, hex[c >> 4]);
            hf_strbuf_putc(tmp, hex[c & 15]);
        }
        return 0;
    }
    case HF_DATE: {
        bool bc;
        put_pg_date(tmp, v->v.i, &bc);
        if (bc)
            hf_strbuf_puts(tmp, " BC");
        return 0;
    }
    case HF_TIME:
        put_pg_time(tmp, v->v.i);
        return 0;
    case HF_TIMESTAMP:
    case HF_TIMESTAMP_LTZ: {
        int64_t usec = v->v.i;
        int64_t days = usec >= 0 ? usec / HF_USEC_PER_DAY
                                 : -((-(usec + 1)) / HF_USEC_PER_DAY) - 1;
        bool bc;
        put_pg_date(tmp, days, &bc);
        hf_strbuf_putc(tmp, ' ');
        put_pg_time(tmp, usec - days * HF_USEC_PER_DAY);
        if (et->id == HF_TIMESTAMP_LTZ)
            hf_strbuf_puts(tmp, "+00");
        if (bc)
            hf_strbuf_puts(tmp, " BC");
        return 0;
    }
    case HF_ARRAY:
    case HF_INTERVAL_YM: /* expression-only types never reach a sink */
    case HF_INTERVAL_DT:
    case HF_TYPE__COUNT:
        break;
    }
    return hf_error_set(err, HF_ERR_TYPE,
                        "arrays of type id %d have no text literal",
                        (int)et->id);
}

/* array_in needs quotes around an element that is empty, spells NULL, or
 * holds a quote, backslash, brace, comma or white space. */
static bool needs_quotes(const char *s, size_t n)
{
    if (n == 0)
        return true;
    if (n == 4 && (s[0] | 0x20) == 'n' && (s[1] | 0x20) == 'u' &&
        (s[2] | 0x20) == 'l' && (s[3] | 0x20) == 'l')
        return true;
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '"':
        case '\\':
        case '{':
        case '}':
        case ',':
        case ' ':
        case '\t':
        case '\n':
        case '\r':
        case '\v':
        case '\f':
            return true;
        default:
            break;
        }
    }
    return false;
}

void holo_encode_split_literal(struct hf_strbuf *out, const char *s, size_t n,
                               char delim)
{
    /* Trailing empty elements go, as with Java's String.split. */
    while (n > 0 && s[n - 1] == delim)
        n--;
    hf_strbuf_putc(out, '{');
    size_t start = 0;
    for (size_t i = 0; n > 0 && i <= n; i++) {
        if (i < n && s[i] != delim)
            continue;
        if (start > 0)
            hf_strbuf_putc(out, ',');
        hf_strbuf_putc(out, '"');
        for (size_t k = start; k < i; k++) {
            if (s[k] == '"' || s[k] == '\\')
                hf_strbuf_putc(out, '\\');
            hf_strbuf_putc(out, s[k]);
        }
        hf_strbuf_putc(out, '"');
        start = i + 1;
    }
    hf_strbuf_putc(out, '}');
}

int holo_encode_array_literal(struct hf_strbuf *out, const struct hf_type *t,
                              const struct hf_value *v, struct hf_error *err)
{
    char tn[64];
    if (t->id != HF_ARRAY || !scalar_id(t->elem))
        return hf_error_set(
            err, HF_ERR_TYPE,
            "an array literal needs an ARRAY of scalars, not %s",
            hf_type_name(t, tn, sizeof tn));
    struct hf_type et = elem_type(t);
    const struct hf_array *a = v->v.a;
    uint32_t n = a ? a->n : 0;
    struct hf_strbuf tmp;
    hf_strbuf_init(&tmp, 0);
    int rc = 0;
    hf_strbuf_putc(out, '{');
    for (uint32_t i = 0; i < n && rc == 0; i++) {
        if (i > 0)
            hf_strbuf_putc(out, ',');
        if (a->items[i].null) {
            hf_strbuf_append(out, "NULL", 4);
            continue;
        }
        hf_strbuf_reset(&tmp);
        rc = element_text(&tmp, &et, &a->items[i], err);
        if (rc != 0) {
            hf_error_prefix(err, "array element %u: ", i + 1);
            break;
        }
        if (!hf_strbuf_ok(&tmp)) {
            rc = hf_error_set(err, HF_ERR_NOMEM,
                              "out of memory writing array element %u", i + 1);
            break;
        }
        if (!needs_quotes(tmp.data, tmp.len)) {
            hf_strbuf_append(out, tmp.data, tmp.len);
            continue;
        }
        hf_strbuf_putc(out, '"');
        for (size_t k = 0; k < tmp.len; k++) {
            if (tmp.data[k] == '"' || tmp.data[k] == '\\')
                hf_strbuf_putc(out, '\\');
            hf_strbuf_putc(out, tmp.data[k]);
        }
        hf_strbuf_putc(out, '"');
    }
    if (rc == 0)
        hf_strbuf_putc(out, '}');
    hf_strbuf_free(&tmp);
    return rc;
}

int holo_encode_text(struct hf_strbuf *out, const struct hf_type *t,
                     const struct hf_value *v, struct hf_error *err)
{
    if (t->id == HF_ARRAY)
        return holo_encode_array_literal(out, t, v, err);
    return element_text(out, t, v, err);
}

/* ----------------------------------------------------------------- COPY */

void holo_copy_header(struct hf_strbuf *out)
{
    static const char sig[11] = {'P',  'G',    'C',  'O',  'P', 'Y',
                                 '\n', '\377', '\r', '\n', '\0'};
    hf_strbuf_append(out, sig, sizeof sig);
    put32(out, 0); /* flags: no OIDs */
    put32(out, 0); /* header extension length */
}

void holo_copy_trailer(struct hf_strbuf *out)
{
    put16(out, UINT16_MAX); /* -1 */
}
