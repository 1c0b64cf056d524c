/*
 * expr_eval.c - evaluating bound expression trees over rows.
 *
 * A tree is walked recursively for each row. Values produced (strings,
 * arrays) go into the output batch's arena; the tree itself is never
 * written, so one tree may be evaluated by several threads. SQL NULL
 * propagates through operators and functions except where SQL says
 * otherwise (AND/OR three-valued logic, IS [NOT] NULL, COALESCE, CASE).
 *
 * Failures (division by zero, overflow, a string that is not a number in
 * CAST) return -1 with a message that names the expression as written and
 * where it is in the script; TRY_CAST turns a failed conversion into NULL.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include "core/decimal.h"
#include "core/strbuf.h"
#include "core/tz.h"
#include "core/valueconv.h"
#include "sql/expr_int.h"

/* ------------------------------------------------------------ helpers */

int hf_x_fail(const struct hf_expr *e, struct hf_error *err, hf_err_t code,
              const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char text[200];
    if (e->src) {
        size_t l = strlen(e->src);
        if (l > 120)
            snprintf(text, sizeof text, "%.117s...", e->src);
        else
            snprintf(text, sizeof text, "%s", e->src);
    } else {
        struct hf_strbuf sb;
        hf_strbuf_init(&sb, 4096);
        hf_expr_to_text(e, &sb);
        snprintf(text, sizeof text, "%s", sb.data ? sb.data : "?");
        hf_strbuf_free(&sb);
    }
    if (e->line > 0)
        return hf_error_set(err, code, "%s in '%s' (%s:%d:%d)", msg, text,
                            e->file ? e->file : "<sql>", e->line, e->col);
    return hf_error_set(err, code, "%s in '%s'", msg, text);
}

static int oom(struct hf_error *err)
{
    return hf_error_set(err, HF_ERR_NOMEM,
                        "out of memory evaluating an expression");
}

static void set_null(struct hf_value *res)
{
    memset(res, 0, sizeof *res);
    res->null = true;
}

static void set_bool(struct hf_value *res, bool b)
{
    memset(res, 0, sizeof *res);
    res->v.b = b;
}

/* Round a TIME/TIMESTAMP down to `precision` fraction digits. */
static int64_t trunc_usec(int64_t usec, int precision)
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

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

size_t hf_x_scalar_text(const struct hf_type *t, const struct hf_value *v,
                        char *buf, size_t n)
{
    int w;
    switch (t->id) {
    case HF_BOOLEAN:
        w = snprintf(buf, n, "%s", v->v.b ? "TRUE" : "FALSE");
        return w < 0 ? 0 : (size_t)w;
    case HF_TINYINT:
    case HF_SMALLINT:
    case HF_INT:
    case HF_BIGINT:
        w = snprintf(buf, n, "%lld", (long long)v->v.i);
        return w < 0 ? 0 : (size_t)w;
    case HF_FLOAT:
        return hf_float_to_text(v->v.f4, buf, n);
    case HF_DOUBLE:
        return hf_double_to_text(v->v.f8, buf, n);
    case HF_DECIMAL:
        return hf_dec_format(v->v.d, t->scale, buf, n);
    case HF_DATE:
        return hf_date_format(v->v.i, buf, n);
    case HF_TIME:
        return hf_time_format(v->v.i, t->precision, buf, n);
    case HF_TIMESTAMP:
    case HF_TIMESTAMP_LTZ:
        return hf_timestamp_format(v->v.i, t->precision, ' ', buf, n);
    default:
        return (size_t)-1;
    }
}

static bool is_time_family(enum hf_type_id id)
{
    return id == HF_DATE || id == HF_TIMESTAMP || id == HF_TIMESTAMP_LTZ;
}

static bool is_approx(enum hf_type_id id)
{
    return id == HF_FLOAT || id == HF_DOUBLE;
}

static double num_double(const struct hf_type *t, const struct hf_value *v)
{
    switch (t->id) {
    case HF_FLOAT:
        return v->v.f4;
    case HF_DOUBLE:
        return v->v.f8;
    case HF_DECIMAL:
        return hf_dec_to_double(v->v.d, t->scale);
    case HF_BOOLEAN:
        return v->v.b ? 1.0 : 0.0;
    default:
        return (double)v->v.i;
    }
}

/* ------------------------------------------------------------ compare */

bool hf_x_comparable(const struct hf_type *a, const struct hf_type *b)
{
    if (hf_type_is_numeric(a->id) && hf_type_is_numeric(b->id))
        return true;
    if (hf_type_is_string(a->id) && hf_type_is_string(b->id))
        return true;
    if (is_time_family(a->id) && is_time_family(b->id))
        return true;
    if (a->id == b->id &&
        (a->id == HF_BOOLEAN || a->id == HF_BYTES || a->id == HF_TIME))
        return true;
    return false;
}

static int cmp_bytes(const struct hf_value *a, const struct hf_value *b)
{
    uint32_t n = a->v.s.len < b->v.s.len ? a->v.s.len : b->v.s.len;
    int c = n ? memcmp(a->v.s.ptr, b->v.s.ptr, n) : 0;
    if (c != 0)
        return c < 0 ? -1 : 1;
    return a->v.s.len < b->v.s.len ? -1 : a->v.s.len > b->v.s.len ? 1 : 0;
}

static int64_t time_usec(const struct hf_type *t, const struct hf_value *v)
{
    return t->id == HF_DATE ? v->v.i * HF_USEC_PER_DAY : v->v.i;
}

int hf_x_compare(const struct hf_type *ta, const struct hf_value *a,
                 const struct hf_type *tb, const struct hf_value *b)
{
    if (hf_type_is_numeric(ta->id) && hf_type_is_numeric(tb->id)) {
        if (is_approx(ta->id) || is_approx(tb->id)) {
            double x = num_double(ta, a), y = num_double(tb, b);
            return x < y ? -1 : x > y ? 1 : 0;
        }
        if (ta->id == HF_DECIMAL || tb->id == HF_DECIMAL) {
            struct hf_dec x =
                ta->id == HF_DECIMAL ? a->v.d : hf_dec_from_i64(a->v.i);
            struct hf_dec y =
                tb->id == HF_DECIMAL ? b->v.d : hf_dec_from_i64(b->v.i);
            return hf_xdec_cmp(x, ta->id == HF_DECIMAL ? ta->scale : 0, y,
                               tb->id == HF_DECIMAL ? tb->scale : 0);
        }
        return a->v.i < b->v.i ? -1 : a->v.i > b->v.i ? 1 : 0;
    }
    if ((hf_type_is_string(ta->id) && hf_type_is_string(tb->id)) ||
        (ta->id == HF_BYTES && tb->id == HF_BYTES))
        return cmp_bytes(a, b);
    if (is_time_family(ta->id) && is_time_family(tb->id)) {
        int64_t x = time_usec(ta, a), y = time_usec(tb, b);
        return x < y ? -1 : x > y ? 1 : 0;
    }
    if (ta->id == HF_BOOLEAN)
        return (int)a->v.b - (int)b->v.b;
    return a->v.i < b->v.i ? -1 : a->v.i > b->v.i ? 1 : 0; /* TIME */
}

/* ------------------------------------------------------------ casts */

bool hf_x_cast_supported(const struct hf_type *from, const struct hf_type *to)
{
    enum hf_type_id f = from->id, t = to->id;
    bool fs = hf_type_is_string(f), ts = hf_type_is_string(t);
    if (f == t && f != HF_ARRAY)
        return true;
    if (t == HF_CHAR || t == HF_VARCHAR)
        return true; /* everything has a text form */
    if (t == HF_JSON || t == HF_JSONB)
        return fs;
    if (fs)
        return t != HF_ARRAY;
    if (f == HF_BYTES)
        return ts;
    if (t == HF_BYTES)
        return false;
    bool fn = hf_type_is_numeric(f) || f == HF_BOOLEAN;
    bool tn = hf_type_is_numeric(t) || t == HF_BOOLEAN;
    if (fn && tn)
        return true;
    if (is_time_family(f) && is_time_family(t))
        return true;
    if ((f == HF_TIMESTAMP || f == HF_TIMESTAMP_LTZ) && t == HF_TIME)
        return true;
    if (f == HF_ARRAY && t == HF_ARRAY) {
        struct hf_type fe = hf_type_make(from->elem),
                       te = hf_type_make(to->elem);
        return fe.id == te.id ||
               (hf_x_cast_supported(&fe, &te) &&
                !(fe.id == HF_VARCHAR && te.id != HF_VARCHAR));
    }
    return false;
}

/* UTF-8 prefix of at most `chars` characters: its byte length. */
static uint32_t utf8_prefix(const char *s, uint32_t len, int64_t chars)
{
    uint32_t i = 0;
    int64_t c = 0;
    while (i < len) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (c == chars)
                break;
            c++;
        }
        i++;
    }
    return i;
}

static uint32_t utf8_count(const char *s, uint32_t len)
{
    uint32_t c = 0;
    for (uint32_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            c++;
    return c;
}

/* Set `res` to the string [p, p+len) for a CHAR/VARCHAR target of an
 * explicit CAST: VARCHAR(n) truncates, CHAR(n) truncates and pads. */
static int string_to_string(const struct hf_type *to, bool explicit_cast,
                            const char *p, uint32_t len, struct hf_batch *out,
                            struct hf_value *res, char *why, size_t n)
{
    memset(res, 0, sizeof *res);
    res->v.s.ptr = p;
    res->v.s.len = len;
    if (!explicit_cast || to->length == HF_LEN_MAX ||
        (to->id != HF_CHAR && to->id != HF_VARCHAR))
        return 0;
    res->v.s.len = utf8_prefix(p, len, to->length);
    if (to->id == HF_CHAR) {
        uint32_t have = utf8_count(p, res->v.s.len);
        if (have < (uint32_t)to->length) {
            uint32_t pad = (uint32_t)to->length - have;
            char *buf = hf_arena_alloc(&out->arena, (size_t)res->v.s.len + pad);
            if (buf == NULL) {
                snprintf(why, n, "out of memory");
                return -1;
            }
            memcpy(buf, p, res->v.s.len);
            memset(buf + res->v.s.len, ' ', pad);
            res->v.s.ptr = buf;
            res->v.s.len += pad;
        }
    }
    return 0;
}

static int to_text(const struct hf_type *from, const struct hf_value *in,
                   const struct hf_type *to, bool explicit_cast,
                   struct hf_batch *out, struct hf_value *res, char *why,
                   size_t n)
{
    char buf[128];
    size_t len = hf_x_scalar_text(from, in, buf, sizeof buf);
    char *copy;
    if (len != (size_t)-1) {
        copy = hf_arena_strndup(&out->arena, buf, len);
    } else {
        /* BYTES, ARRAY: through the general formatter (rare). */
        struct hf_strbuf sb;
        hf_strbuf_init(&sb, 0);
        hf_value_to_text(from, in, &sb);
        if (!hf_strbuf_ok(&sb)) {
            hf_strbuf_free(&sb);
            snprintf(why, n, "out of memory");
            return -1;
        }
        len = sb.len;
        copy = hf_arena_strndup(&out->arena, sb.data ? sb.data : "", len);
        hf_strbuf_free(&sb);
    }
    if (copy == NULL) {
        snprintf(why, n, "out of memory");
        return -1;
    }
    return string_to_string(to, explicit_cast, copy, (uint32_t)len, out, res,
                            why, n);
}

static int int_out_of_range(const struct hf_type *to, const char *val,
                            char *why, size_t n)
{
    char tn[64];
    snprintf(why, n, "value %s is out of range for %s", val,
             hf_type_name(to, tn, sizeof tn));
    return -1;
}

/* Numeric/BOOLEAN to numeric/BOOLEAN. */
static int numeric_cast(const struct hf_type *from, const struct hf_type *to,
                        const struct hf_value *in, struct hf_value *res,
                        char *why, size_t n)
{
    char tn[64], vb[128];
    enum hf_type_id f = from->id, t = to->id;
    memset(res, 0, sizeof *res);
    if (t == HF_BOOLEAN) {
        if (f == HF_BOOLEAN)
            res->v.b = in->v.b;
        else if (f == HF_DECIMAL)
            res->v.b = in->v.d.lo != 0 || in->v.d.hi != 0;
        else if (is_approx(f))
            res->v.b = num_double(from, in) != 0.0;
        else
            res->v.b = in->v.i != 0;
        return 0;
    }
    if (f == HF_BOOLEAN || hf_type_is_integer(f)) {
        int64_t v = f == HF_BOOLEAN ? (in->v.b ? 1 : 0) : in->v.i;
        if (hf_type_is_integer(t)) {
            if (!hf_int_in_range(t, v)) {
                snprintf(vb, sizeof vb, "%lld", (long long)v);
                return int_out_of_range(to, vb, why, n);
            }
            res->v.i = v;
        } else if (t == HF_DECIMAL) {
            if (hf_dec_rescale(hf_dec_from_i64(v), 0, to->precision, to->scale,
                               &res->v.d) != 0) {
                snprintf(why, n, "value %lld does not fit %s", (long long)v,
                         hf_type_name(to, tn, sizeof tn));
                return -1;
            }
        } else if (t == HF_FLOAT) {
            res->v.f4 = (float)v;
        } else {
            res->v.f8 = (double)v;
        }
        return 0;
    }
    if (f == HF_DECIMAL) {
        if (hf_type_is_integer(t)) {
            int64_t v;
            if (hf_dec_to_i64(in->v.d, from->scale, &v) != 0 ||
                !hf_int_in_range(t, v)) {
                hf_dec_format(in->v.d, from->scale, vb, sizeof vb);
                return int_out_of_range(to, vb, why, n);
            }
            res->v.i = v;
        } else if (t == HF_DECIMAL) {
            if (hf_dec_rescale(in->v.d, from->scale, to->precision, to->scale,
                               &res->v.d) != 0) {
                hf_dec_format(in->v.d, from->scale, vb, sizeof vb);
                snprintf(why, n, "value %s does not fit %s", vb,
                         hf_type_name(to, tn, sizeof tn));
                return -1;
            }
        } else if (t == HF_FLOAT) {
            res->v.f4 = (float)hf_dec_to_double(in->v.d, from->scale);
        } else {
            res->v.f8 = hf_dec_to_double(in->v.d, from->scale);
        }
        return 0;
    }
    /* FLOAT / DOUBLE */
    double d = num_double(from, in);
    if (hf_type_is_integer(t)) {
        if (!isfinite(d) || d >= 9223372036854775808.0 ||
            d < -9223372036854775808.0) {
            hf_double_to_text(d, vb, sizeof vb);
            return int_out_of_range(to, vb, why, n);
        }
        int64_t v = (int64_t)d; /* truncates toward zero, as Java */
        if (!hf_int_in_range(t, v)) {
            hf_double_to_text(d, vb, sizeof vb);
            return int_out_of_range(to, vb, why, n);
        }
        res->v.i = v;
    } else if (t == HF_DECIMAL) {
        if (hf_dec_from_double(d, to->precision, to->scale, &res->v.d) != 0) {
            hf_double_to_text(d, vb, sizeof vb);
            snprintf(why, n, "value %s does not fit %s", vb,
                     hf_type_name(to, tn, sizeof tn));
            return -1;
        }
    } else if (t == HF_FLOAT) {
        res->v.f4 = (float)d;
    } else {
        res->v.f8 = d;
    }
    return 0;
}

static int array_cast(const struct hf_type *from, const struct hf_type *to,
                      const struct hf_value *in, struct hf_batch *out,
                      struct hf_value *res, char *why, size_t n,
                      const struct hf_tz *tz)
{
    const struct hf_array *a = in->v.a;
    memset(res, 0, sizeof *res);
    if (from->elem == to->elem || a == NULL) {
        res->v.a = a;
        return 0;
    }
    struct hf_array *r = hf_arena_alloc(
        &out->arena, sizeof *r + (size_t)a->n * sizeof(struct hf_value));
    if (r == NULL) {
        snprintf(why, n, "out of memory");
        return -1;
    }
    r->elem = to->elem;
    r->n = a->n;
    r->items = (struct hf_value *)(r + 1);
    struct hf_type fe = hf_type_make(from->elem), te = hf_type_make(to->elem);
    for (uint32_t i = 0; i < a->n; i++) {
        if (a->items[i].null) {
            set_null(&r->items[i]);
            continue;
        }
        if (hf_x_cast_value(&fe, &te, false, &a->items[i], out, &r->items[i],
                            why, n, tz) != 0)
            return -1;
    }
    res->v.a = r;
    return 0;
}

int hf_x_cast_value(const struct hf_type *from, const struct hf_type *to,
                    bool explicit_cast, const struct hf_value *in,
                    struct hf_batch *out, struct hf_value *res, char *why,
                    size_t n, const struct hf_tz *tz)
{
    enum hf_type_id f = from->id, t = to->id;
    char tn[64];
    if (in->null) {
        set_null(res);
        return 0;
    }
    bool fs = hf_type_is_string(f);
    if (fs || f == HF_BYTES) {
        if (hf_type_is_string(t) || t == HF_BYTES)
            return string_to_string(to, explicit_cast, in->v.s.ptr, in->v.s.len,
                                    out, res, why, n);
        /* Parse the text. An empty (or blank) text is not a value. */
        const char *p = in->v.s.ptr;
        uint32_t len = in->v.s.len;
        uint32_t k = 0;
        while (k < len &&
               (p[k] == ' ' || p[k] == '\t' || p[k] == '\n' || p[k] == '\r'))
            k++;
        if (k == len) {
            snprintf(why, n, "cannot CAST '%.*s' to %s: the string is empty",
                     (int)(len > 40 ? 40 : len), p,
                     hf_type_name(to, tn, sizeof tn));
            return -1;
        }
        if (t == HF_TIMESTAMP_LTZ && tz != NULL) {
            /* Text without a zone is a wall-clock time of the session
             * zone. */
            uint32_t e2 = len;
            while (e2 > k && (p[e2 - 1] == ' ' || p[e2 - 1] == '\t'))
                e2--;
            int64_t local;
            if (hf_timestamp_parse(p + k, e2 - k, &local) == 0) {
                memset(res, 0, sizeof *res);
                res->v.i = trunc_usec(hf_tz_to_utc(tz, local), to->precision);
                return 0;
            }
        }
        struct hf_error e;
        hf_error_clear(&e);
        if (hf_value_from_text(to, p, len, ';', out, res, &e) != 0) {
            snprintf(why, n, "cannot CAST '%.*s%s' to %s: %s",
                     (int)(len > 60 ? 60 : len), p, len > 60 ? "..." : "",
                     hf_type_name(to, tn, sizeof tn), e.msg);
            return -1;
        }
        return 0;
    }
    if ((t == HF_CHAR || t == HF_VARCHAR) && f == HF_TIMESTAMP_LTZ &&
        tz != NULL) {
        struct hf_value local = *in;
        local.v.i = hf_tz_to_local(tz, in->v.i);
        return to_text(from, &local, to, explicit_cast, out, res, why, n);
    }
    if (t == HF_CHAR || t == HF_VARCHAR)
        return to_text(from, in, to, explicit_cast, out, res, why, n);
    if ((hf_type_is_numeric(f) || f == HF_BOOLEAN) &&
        (hf_type_is_numeric(t) || t == HF_BOOLEAN))
        return numeric_cast(from, to, in, res, why, n);
    memset(res, 0, sizeof *res);
    if (is_time_family(f) && is_time_family(t)) {
        int64_t u = f == HF_DATE ? in->v.i * HF_USEC_PER_DAY : in->v.i;
        if (f == HF_TIMESTAMP_LTZ && t != HF_TIMESTAMP_LTZ)
            u = hf_tz_to_local(tz, u);
        else if (f != HF_TIMESTAMP_LTZ && t == HF_TIMESTAMP_LTZ)
            u = hf_tz_to_utc(tz, u);
        if (t == HF_DATE)
            res->v.i = floor_div(u, HF_USEC_PER_DAY);
        else
            res->v.i = trunc_usec(u, to->precision);
        return 0;
    }
    if (t == HF_TIME && (f == HF_TIMESTAMP || f == HF_TIMESTAMP_LTZ)) {
        int64_t l =
            f == HF_TIMESTAMP_LTZ ? hf_tz_to_local(tz, in->v.i) : in->v.i;
        int64_t u = l - floor_div(l, HF_USEC_PER_DAY) * HF_USEC_PER_DAY;
        res->v.i = trunc_usec(u, to->precision);
        return 0;
    }
    if (f == HF_TIME && t == HF_TIME) {
        res->v.i = trunc_usec(in->v.i, to->precision);
        return 0;
    }
    if (f == HF_ARRAY && t == HF_ARRAY)
        return array_cast(from, to, in, out, res, why, n, tz);
    if (f == t) {
        *res = *in;
        return 0;
    }
    char fnm[64];
    snprintf(why, n, "cannot CAST %s to %s",
             hf_type_name(from, fnm, sizeof fnm),
             hf_type_name(to, tn, sizeof tn));
    return -1;
}

/* ------------------------------------------------------------ arithmetic */

static int overflow(const struct hf_expr *e, struct hf_error *err,
                    const char *detail)
{
    char tn[64];
    return hf_x_fail(e, err, HF_ERR_DATA,
                     "numeric overflow: %s does not fit %s (CAST an operand "
                     "to a wider type)",
                     detail, hf_type_name(&e->type, tn, sizeof tn));
}

static int eval_int_arith(const struct hf_expr *e, int64_t x, int64_t y,
                          struct hf_value *res, struct hf_error *err)
{
    int64_t r = 0;
    bool of = false;
    switch (e->op) {
    case HF_X_ADD:
        of = __builtin_add_overflow(x, y, &r);
        break;
    case HF_X_SUB:
        of = __builtin_sub_overflow(x, y, &r);
        break;
    case HF_X_MUL:
        of = __builtin_mul_overflow(x, y, &r);
        break;
    case HF_X_DIV:
        if (y == 0)
            return hf_x_fail(e, err, HF_ERR_DATA, "division by zero");
        if (x == INT64_MIN && y == -1)
            of = true;
        else
            r = x / y;
        break;
    case HF_X_MOD:
        if (y == 0)
            return hf_x_fail(e, err, HF_ERR_DATA, "division by zero");
        r = (y == -1) ? 0 : x % y;
        break;
    case HF_X_NEG:
        if (x == INT64_MIN)
            of = true;
        else
            r = -x;
        break;
    default:
        break;
    }
    char d[96];
    if (of) {
        snprintf(d, sizeof d, "the result");
        return overflow(e, err, d);
    }
    if (!hf_int_in_range(e->type.id, r) && e->type.id != HF_INTERVAL_YM &&
        e->type.id != HF_INTERVAL_DT) {
        snprintf(d, sizeof d, "the result %lld", (long long)r);
        return overflow(e, err, d);
    }
    memset(res, 0, sizeof *res);
    res->v.i = r;
    return 0;
}

static int eval_arith(const struct hf_expr *e, const struct hf_value *row,
                      struct hf_batch *out, struct hf_value *res,
                      struct hf_error *err)
{
    struct hf_value a, b;
    memset(&b, 0, sizeof b);
    if (hf_expr_eval(e->args[0], row, out, &a, err) != 0)
        return -1;
    if (a.null) {
        set_null(res);
        return 0;
    }
    if (e->op != HF_X_NEG) {
        if (hf_expr_eval(e->args[1], row, out, &b, err) != 0)
            return -1;
        if (b.null) {
            set_null(res);
            return 0;
        }
    }
    enum hf_type_id id = e->type.id;
    if (hf_type_is_integer(id) || id == HF_INTERVAL_YM || id == HF_INTERVAL_DT)
        return eval_int_arith(e, a.v.i, b.v.i, res, err);
    memset(res, 0, sizeof *res);
    if (is_approx(id)) {
        const struct hf_type *ta = &e->args[0]->type;
        double x = num_double(ta, &a);
        double y = e->op == HF_X_NEG ? 0 : num_double(&e->args[1]->type, &b);
        double r;
        switch (e->op) {
        case HF_X_ADD:
            r = x + y;
            break;
        case HF_X_SUB:
            r = x - y;
            break;
        case HF_X_MUL:
            r = x * y;
            break;
        case HF_X_DIV:
            r = x / y;
            break;
        case HF_X_MOD:
            r = fmod(x, y);
            break;
        default:
            r = -x;
            break;
        }
        if (id == HF_FLOAT)
            res->v.f4 = (float)r;
        else
            res->v.f8 = r;
        return 0;
    }
    /* DECIMAL */
    const struct hf_type *ta = &e->args[0]->type;
    int p = e->type.precision, s = e->type.scale;
    int rc;
    if (e->op == HF_X_NEG) {
        struct hf_dec zero = hf_dec_from_i64(0);
        rc = hf_xdec_add(zero, ta->scale, a.v.d, ta->scale, true, p, s,
                         &res->v.d);
    } else {
        const struct hf_type *tb = &e->args[1]->type;
        switch (e->op) {
        case HF_X_ADD:
        case HF_X_SUB:
            rc = hf_xdec_add(a.v.d, ta->scale, b.v.d, tb->scale,
                             e->op == HF_X_SUB, p, s, &res->v.d);
            break;
        case HF_X_MUL:
            rc = hf_xdec_mul(a.v.d, ta->scale, b.v.d, tb->scale, p, s,
                             &res->v.d);
            break;
        case HF_X_DIV:
            rc = hf_xdec_div(a.v.d, ta->scale, b.v.d, tb->scale, p, s,
                             &res->v.d);
            break;
        default:
            rc = hf_xdec_mod(a.v.d, ta->scale, b.v.d, tb->scale, p, s,
                             &res->v.d);
            break;
        }
    }
    if (rc == -1)
        return hf_x_fail(e, err, HF_ERR_DATA, "division by zero");
    if (rc != 0)
        return overflow(e, err, "the result");
    return 0;
}

/* ------------------------------------------------------------ strings */

static int eval_concat(const struct hf_expr *e, const struct hf_value *row,
                       struct hf_batch *out, struct hf_value *res,
                       struct hf_error *err)
{
    struct hf_value vals[e->nargs ? e->nargs : 1];
    size_t total = 0;
    for (uint32_t i = 0; i < e->nargs; i++) {
        if (hf_expr_eval(e->args[i], row, out, &vals[i], err) != 0)
            return -1;
        if (vals[i].null) {
            set_null(res);
            return 0;
        }
        total += vals[i].v.s.len;
    }
    if (total > UINT32_MAX)
        return hf_x_fail(e, err, HF_ERR_DATA, "string result too long");
    char *buf = hf_arena_alloc(&out->arena, total ? total : 1);
    if (buf == NULL)
        return oom(err);
    size_t off = 0;
    for (uint32_t i = 0; i < e->nargs; i++) {
        if (vals[i].v.s.len)
            memcpy(buf + off, vals[i].v.s.ptr, vals[i].v.s.len);
        off += vals[i].v.s.len;
    }
    memset(res, 0, sizeof *res);
    res->v.s.ptr = buf;
    res->v.s.len = (uint32_t)total;
    return 0;
}

static size_t utf8_len(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0)
        return 2;
    if ((c & 0xF0) == 0xE0)
        return 3;
    if ((c & 0xF8) == 0xF0)
        return 4;
    return 1;
}

/* SQL LIKE: '%' any run, '_' one character, `esc` makes the next pattern
 * character literal. Iterative with one backtrack point. */
static bool like_match(const char *s, size_t sn, const char *p, size_t pn,
                       char esc)
{
    size_t si = 0, pi = 0, star_p = SIZE_MAX, star_s = 0;
    while (si < sn) {
        if (pi < pn) {
            char c = p[pi];
            size_t plen = 1;
            bool literal = false;
            if (esc && c == esc && pi + 1 < pn) {
                c = p[pi + 1];
                plen = 2;
                literal = true;
            }
            if (!literal && c == '%') {
                star_p = ++pi;
                star_s = si;
                continue;
            }
            if (!literal && c == '_') {
                si += utf8_len((unsigned char)s[si]);
                pi++;
                continue;
            }
            if (s[si] == c) {
                si++;
                pi += plen;
                continue;
            }
        }
        if (star_p != SIZE_MAX) {
            star_s += utf8_len((unsigned char)s[star_s]);
            si = star_s;
            pi = star_p;
            continue;
        }
        return false;
    }
    while (pi < pn && p[pi] == '%')
        pi++;
    return pi == pn;
}

/* ------------------------------------------------------------ logic */

/* Three-valued truth: 0 false, 1 true, -1 unknown. */
static int truth(const struct hf_value *v)
{
    return v->null ? -1 : v->v.b ? 1 : 0;
}

static void set_truth(struct hf_value *res, int t)
{
    if (t < 0)
        set_null(res);
    else
        set_bool(res, t == 1);
}

static int eval_cmp(const struct hf_expr *e, const struct hf_value *row,
                    struct hf_batch *out, struct hf_value *res,
                    struct hf_error *err)
{
    struct hf_value a, b;
    if (hf_expr_eval(e->args[0], row, out, &a, err) != 0 ||
        hf_expr_eval(e->args[1], row, out, &b, err) != 0)
        return -1;
    if (a.null || b.null) {
        set_null(res);
        return 0;
    }
    int c = hf_x_compare(&e->args[0]->type, &a, &e->args[1]->type, &b);
    bool r;
    switch (e->op) {
    case HF_X_EQ:
        r = c == 0;
        break;
    case HF_X_NE:
        r = c != 0;
        break;
    case HF_X_LT:
        r = c < 0;
        break;
    case HF_X_LE:
        r = c <= 0;
        break;
    case HF_X_GT:
        r = c > 0;
        break;
    default:
        r = c >= 0;
        break;
    }
    set_bool(res, r);
    return 0;
}

static int eval_andor(const struct hf_expr *e, const struct hf_value *row,
                      struct hf_batch *out, struct hf_value *res,
                      struct hf_error *err)
{
    bool is_and = e->op == HF_X_AND;
    struct hf_value a, b;
    if (hf_expr_eval(e->args[0], row, out, &a, err) != 0)
        return -1;
    int ta = truth(&a);
    if (is_and && ta == 0) {
        set_bool(res, false);
        return 0;
    }
    if (!is_and && ta == 1) {
        set_bool(res, true);
        return 0;
    }
    if (hf_expr_eval(e->args[1], row, out, &b, err) != 0)
        return -1;
    int tb = truth(&b);
    int r;
    if (is_and)
        r = tb == 0 ? 0 : (ta < 0 || tb < 0) ? -1 : 1;
    else
        r = tb == 1 ? 1 : (ta < 0 || tb < 0) ? -1 : 0;
    set_truth(res, r);
    return 0;
}

static int eval_between(const struct hf_expr *e, const struct hf_value *row,
                        struct hf_batch *out, struct hf_value *res,
                        struct hf_error *err)
{
    struct hf_value v[3];
    for (int i = 0; i < 3; i++)
        if (hf_expr_eval(e->args[i], row, out, &v[i], err) != 0)
            return -1;
    int ge = -1, le = -1;
    if (e->symmetric && !v[1].null && !v[2].null &&
        hf_x_compare(&e->args[1]->type, &v[1], &e->args[2]->type, &v[2]) > 0) {
        struct hf_value t = v[1];
        v[1] = v[2];
        v[2] = t;
    }
    if (!v[0].null && !v[1].null)
        ge = hf_x_compare(&e->args[0]->type, &v[0], &e->args[1]->type, &v[1]) >=
             0;
    if (!v[0].null && !v[2].null)
        le = hf_x_compare(&e->args[0]->type, &v[0], &e->args[2]->type, &v[2]) <=
             0;
    int r = (ge == 0 || le == 0) ? 0 : (ge < 0 || le < 0) ? -1 : 1;
    if (e->negated && r >= 0)
        r = !r;
    set_truth(res, r);
    return 0;
}

static int eval_in(const struct hf_expr *e, const struct hf_value *row,
                   struct hf_batch *out, struct hf_value *res,
                   struct hf_error *err)
{
    struct hf_value x;
    if (hf_expr_eval(e->args[0], row, out, &x, err) != 0)
        return -1;
    if (x.null) {
        set_null(res);
        return 0;
    }
    int r = 0;
    for (uint32_t i = 1; i < e->nargs; i++) {
        struct hf_value y;
        if (hf_expr_eval(e->args[i], row, out, &y, err) != 0)
            return -1;
        if (y.null) {
            r = -1;
            continue;
        }
        if (hf_x_compare(&e->args[0]->type, &x, &e->args[i]->type, &y) == 0) {
            r = 1;
            break;
        }
    }
    if (e->negated && r >= 0)
        r = !r;
    set_truth(res, r);
    return 0;
}

static int eval_case(const struct hf_expr *e, const struct hf_value *row,
                     struct hf_batch *out, struct hf_value *res,
                     struct hf_error *err)
{
    uint32_t i = 0;
    struct hf_value op;
    if (e->has_operand) {
        if (hf_expr_eval(e->args[0], row, out, &op, err) != 0)
            return -1;
        i = 1;
    }
    uint32_t end = e->nargs - (e->has_else ? 1 : 0);
    for (; i + 1 < end; i += 2) {
        struct hf_value w;
        if (hf_expr_eval(e->args[i], row, out, &w, err) != 0)
            return -1;
        bool hit;
        if (e->has_operand)
            hit = !op.null && !w.null &&
                  hf_x_compare(&e->args[0]->type, &op, &e->args[i]->type, &w) ==
                      0;
        else
            hit = !w.null && w.v.b;
        if (hit)
            return hf_expr_eval(e->args[i + 1], row, out, res, err);
    }
    if (e->has_else)
        return hf_expr_eval(e->args[e->nargs - 1], row, out, res, err);
    set_null(res);
    return 0;
}

/* ------------------------------------------------------------ entry */

int hf_expr_eval(const struct hf_expr *e, const struct hf_value *row,
                 struct hf_batch *out, struct hf_value *res,
                 struct hf_error *err)
{
    switch (e->op) {
    case HF_X_COLUMN:
        *res = row[e->column];
        return 0;
    case HF_X_LITERAL:
        *res = e->lit;
        return 0;
    case HF_X_PROCTIME:
        memset(res, 0, sizeof *res);
        res->v.i = trunc_usec(hf_now_usec(), 3);
        return 0;
    case HF_X_CAST: {
        struct hf_value a;
        if (hf_expr_eval(e->args[0], row, out, &a, err) != 0)
            return -1;
        char why[400];
        if (hf_x_cast_value(&e->args[0]->type, &e->type, e->explicit_cast, &a,
                            out, res, why, sizeof why, e->tz) == 0)
            return 0;
        if (e->try_cast) {
            set_null(res);
            return 0;
        }
        return hf_x_fail(e, err, HF_ERR_DATA, "%s", why);
    }
    case HF_X_NEG:
    case HF_X_ADD:
    case HF_X_SUB:
    case HF_X_MUL:
    case HF_X_DIV:
    case HF_X_MOD:
        return eval_arith(e, row, out, res, err);
    case HF_X_CONCAT:
        return eval_concat(e, row, out, res, err);
    case HF_X_EQ:
    case HF_X_NE:
    case HF_X_LT:
    case HF_X_LE:
    case HF_X_GT:
    case HF_X_GE:
        return eval_cmp(e, row, out, res, err);
    case HF_X_AND:
    case HF_X_OR:
        return eval_andor(e, row, out, res, err);
    case HF_X_NOT: {
        struct hf_value a;
        if (hf_expr_eval(e->args[0], row, out, &a, err) != 0)
            return -1;
        int t = truth(&a);
        set_truth(res, t < 0 ? -1 : !t);
        return 0;
    }
    case HF_X_IS_NULL:
    case HF_X_IS_TRUE:
    case HF_X_IS_FALSE: {
        struct hf_value a;
        if (hf_expr_eval(e->args[0], row, out, &a, err) != 0)
            return -1;
        bool r = e->op == HF_X_IS_NULL   ? a.null
                 : e->op == HF_X_IS_TRUE ? (!a.null && a.v.b)
                                         : (!a.null && !a.v.b);
        set_bool(res, r != e->negated);
        return 0;
    }
    case HF_X_BETWEEN:
        return eval_between(e, row, out, res, err);
    case HF_X_IN:
        return eval_in(e, row, out, res, err);
    case HF_X_LIKE: {
        struct hf_value s, p;
        if (hf_expr_eval(e->args[0], row, out, &s, err) != 0 ||
            hf_expr_eval(e->args[1], row, out, &p, err) != 0)
            return -1;
        if (s.null || p.null) {
            set_null(res);
            return 0;
        }
        bool m;
        if (e->similar) {
            int r = hf_x_similar(e, &s, &p, err);
            if (r < 0)
                return -1;
            m = r == 1;
        } else {
            m = like_match(s.v.s.ptr, s.v.s.len, p.v.s.ptr, p.v.s.len, e->esc);
        }
        set_bool(res, m != e->negated);
        return 0;
    }
    case HF_X_DISTINCT: {
        struct hf_value x, y;
        if (hf_expr_eval(e->args[0], row, out, &x, err) != 0 ||
            hf_expr_eval(e->args[1], row, out, &y, err) != 0)
            return -1;
        bool distinct;
        if (x.null || y.null)
            distinct = x.null != y.null;
        else
            distinct =
                hf_x_compare(&e->args[0]->type, &x, &e->args[1]->type, &y) != 0;
        set_bool(res, distinct != e->negated);
        return 0;
    }
    case HF_X_CASE:
        return eval_case(e, row, out, res, err);
    case HF_X_COALESCE:
        for (uint32_t i = 0; i < e->nargs; i++) {
            if (hf_expr_eval(e->args[i], row, out, res, err) != 0)
                return -1;
            if (!res->null)
                return 0;
        }
        set_null(res);
        return 0;
    case HF_X_FUNC:
        return hf_x_eval_func(e, row, out, res, err);
    }
    return hf_x_fail(e, err, HF_ERR_FAIL, "unknown expression node");
}
