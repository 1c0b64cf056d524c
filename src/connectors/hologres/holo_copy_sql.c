/*
 * holo_copy_sql.c - COPY statements and COPY data for the hologres sink's
 * COPY write modes (see holo_copy_sql.h).
 *
 * Invariants: statement builders append to `sql` and never read the
 * database; data encoders append exactly one field (binary: length word
 * and bytes; text: escaped text or \N) or fail with HF_ERR_DATA naming
 * the problem, leaving partial bytes the caller discards. Nothing here
 * allocates except through the output buffers.
 */
#include "connectors/hologres/holo_copy_sql.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/hologres/holo_encode.h"
#include "connectors/hologres/holo_nested.h"
#include "core/decimal.h"
#include "core/valueconv.h"

/* PostgreSQL type OIDs the plans target. */
enum {
    T_BOOL = 16,
    T_BYTEA = 17,
    T_INT8 = 20,
    T_INT2 = 21,
    T_INT4 = 23,
    T_TEXT = 25,
    T_JSON = 114,
    T_FLOAT4 = 700,
    T_FLOAT8 = 701,
    T_BPCHAR = 1042,
    T_VARCHAR = 1043,
    T_DATE = 1082,
    T_TIME = 1083,
    T_TIMESTAMP = 1114,
    T_TIMESTAMPTZ = 1184,
    T_NUMERIC = 1700,
    T_JSONB = 3802
};

/* ------------------------------------------------------------ plans */

static bool is_int(enum hf_type_id id)
{
    return id == HF_TINYINT || id == HF_SMALLINT || id == HF_INT ||
           id == HF_BIGINT;
}

static bool is_text(enum hf_type_id id)
{
    return id == HF_CHAR || id == HF_VARCHAR || id == HF_JSON || id == HF_JSONB;
}

/* The element type of an ARRAY, with the array's precision passed on the
 * way holo_encode and valueconv read arrays. */
static struct hf_type elem_of(const struct hf_type *t)
{
    return hf_type_elem(t);
}

int holo_copy_plan_col(uint32_t job_col, const struct hf_type *t,
                       const struct holo_column *col, struct holo_copy_col *out,
                       struct hf_error *err)
{
    char tn[64];
    memset(out, 0, sizeof *out);
    out->job_col = job_col;
    out->type = *t;
    if (holo_nested_col(t, col)) {
        out->nested = true;
        out->target = col;
        return 0;
    }
    out->array = t->id == HF_ARRAY;
    struct hf_type src = out->array ? elem_of(t) : *t;
    Oid target = out->array ? col->elem_oid : col->type_oid;
    if (out->array != (col->elem_oid != 0))
        goto bad;
    out->elem_oid = out->array ? col->elem_oid : 0;
    out->send = src;
    enum hf_type_id f = src.id;
    bool ok;
    switch (target) {
    case T_BOOL:
        ok = f == HF_BOOLEAN;
        break;
    case T_BYTEA:
        ok = f == HF_BYTES;
        break;
    case T_INT2:
    case T_INT4:
    case T_INT8:
        ok = is_int(f);
        out->send = hf_type_make(target == T_INT2   ? HF_SMALLINT
                                 : target == T_INT4 ? HF_INT
                                                    : HF_BIGINT);
        break;
    case T_NUMERIC:
        ok = is_int(f) || f == HF_DECIMAL;
        if (is_int(f)) {
            out->conv = HOLO_CONV_INT_NUMERIC;
            out->send = hf_type_make(HF_DECIMAL);
            out->send.precision = 19;
            out->send.scale = 0;
        }
        break;
    case T_FLOAT4:
        ok = f == HF_FLOAT;
        break;
    case T_FLOAT8:
        ok = f == HF_DOUBLE || f == HF_FLOAT || f == HF_DECIMAL;
        out->conv = f == HF_FLOAT     ? HOLO_CONV_F4_F8
                    : f == HF_DECIMAL ? HOLO_CONV_DEC_F8
                                      : HOLO_CONV_NONE;
        out->send = hf_type_make(HF_DOUBLE);
        break;
    case T_TEXT:
    case T_VARCHAR:
    case T_BPCHAR:
    case T_JSON:
        ok = is_text(f);
        out->send = hf_type_make(HF_VARCHAR); /* the bytes, as they are */
        break;
    case T_JSONB:
        ok = is_text(f);
        out->send = hf_type_make(HF_JSONB); /* version byte, then text */
        break;
    case T_DATE:
        ok = f == HF_DATE;
        break;
    case T_TIME:
        ok = f == HF_TIME;
        break;
    case T_TIMESTAMP:
    case T_TIMESTAMPTZ:
        /* Both are int64 microseconds since 2000-01-01 (UTC for
         * timestamptz; the session's time zone is UTC, as for a cast). */
        ok = f == HF_TIMESTAMP || f == HF_TIMESTAMP_LTZ;
        out->send = hf_type_make(target == T_TIMESTAMP ? HF_TIMESTAMP
                                                       : HF_TIMESTAMP_LTZ);
        break;
    default:
        ok = false;
        break;
    }
    if (ok)
        return 0;
bad:
    return hf_error_set(err, HF_ERR_TYPE,
                        "column \"%s\" of type %s cannot receive binary COPY "
                        "data from a value of type %s; use "
                        "'sink.copy.format'='text' or the INSERT write mode",
                        col->name, col->type_text ? col->type_text : "?",
                        hf_type_name(t, tn, sizeof tn));
}

/* ------------------------------------------------------------ binary */

static void put32(struct hf_strbuf *out, uint32_t v)
{
    char *p = hf_strbuf_reserve(out, 4);
    if (p == NULL)
        return;
    p[0] = (char)(v >> 24);
    p[1] = (char)(v >> 16);
    p[2] = (char)(v >> 8);
    p[3] = (char)v;
    hf_strbuf_commit(out, 4);
}

/* `v` (not NULL, of Flink type `src`) converted for plan `c`: `v` itself
 * or `tmp`. */
static const struct hf_value *convert(const struct holo_copy_col *c,
                                      const struct hf_type *src,
                                      const struct hf_value *v,
                                      struct hf_value *tmp)
{
    switch (c->conv) {
    case HOLO_CONV_NONE:
        return v;
    case HOLO_CONV_F4_F8:
        tmp->null = false;
        tmp->v.f8 = (double)v->v.f4;
        return tmp;
    case HOLO_CONV_INT_NUMERIC:
        tmp->null = false;
        tmp->v.d = hf_dec_from_i64(v->v.i);
        return tmp;
    case HOLO_CONV_DEC_F8: {
        /* Through the decimal text, as numeric -> float8 does: strtod
         * rounds correctly. */
        char buf[64];
        size_t n = hf_dec_format(v->v.d, src->scale, buf, sizeof buf);
        buf[n < sizeof buf ? n : sizeof buf - 1] = '\0';
        tmp->null = false;
        tmp->v.f8 = strtod(buf, NULL);
        return tmp;
    }
    }
    return v;
}

/* Write `len` then the `n`-byte big-endian `v` at p. */
static void be_field(char *p, uint64_t v, int n)
{
    p[0] = p[1] = p[2] = 0;
    p[3] = (char)n;
    for (int i = n - 1; i >= 0; i--) {
        p[4 + i] = (char)(v & 0xff);
        v >>= 8;
    }
}

/* A DECIMAL whose unscaled value is below 2^53 in magnitude (almost all
 * of them), as numeric_send writes it: base-10000 digit groups aligned on
 * the decimal point, leading and trailing zero groups dropped, in 64-bit
 * arithmetic. 1 when written, 0 to use the general encoder. */
static int put_numeric_fast(struct hf_strbuf *out, struct hf_dec d, int scale)
{
    static const uint64_t pow10[4] = {1, 10, 100, 1000};
    if (scale < 0 || scale > 38)
        return 0;
    bool neg = d.hi < 0;
    uint64_t mag;
    if (!neg && d.hi == 0 && d.lo < (UINT64_C(1) << 53))
        mag = d.lo;
    else if (neg && d.hi == -1 && d.lo != 0 && -d.lo < (UINT64_C(1) << 53))
        mag = -d.lo;
    else
        return 0;
    int pad = (4 - scale % 4) % 4;
    uint64_t x = mag * pow10[pad]; /* < 2^63: fits */
    int fg = (scale + pad) / 4;    /* groups after the decimal point */
    uint16_t g[8];                 /* least significant first */
    int k = 0;
    for (; x != 0; x /= 10000)
        g[k++] = (uint16_t)(x % 10000);
    int lo = 0;
    while (lo < k && g[lo] == 0)
        lo++;
    int ndigits = k - lo;
    int weight = k == 0 ? 0 : k - 1 - fg;
    size_t len = 8 + 2 * (size_t)ndigits;
    char *p = hf_strbuf_reserve(out, 4 + len);
    if (p == NULL)
        return 0;
    p[0] = p[1] = p[2] = 0;
    p[3] = (char)len;
    p[4] = (char)(ndigits >> 8);
    p[5] = (char)ndigits;
    p[6] = (char)((uint16_t)(int16_t)weight >> 8);
    p[7] = (char)(uint16_t)(int16_t)weight;
    p[8] = neg && k > 0 ? 0x40 : 0; /* sign: 0x4000 negative */
    p[9] = 0;
    p[10] = (char)(scale >> 8);
    p[11] = (char)scale;
    char *q = p + 12;
    for (int i = k - 1; i >= lo; i--) {
        *q++ = (char)(g[i] >> 8);
        *q++ = (char)g[i];
    }
    hf_strbuf_commit(out, 4 + len);
    return 1;
}

/* The common fixed-width and text fields written in one step (the hot
 * path of a load). Returns 1 when done, 0 when the general encoder must
 * handle the value (other types, conversions, out-of-range values). */
static int put_fast(struct hf_strbuf *out, const struct holo_copy_col *c,
                    const struct hf_value *v)
{
    if (c->array || (c->conv != HOLO_CONV_NONE && c->conv != HOLO_CONV_F4_F8))
        return 0;
    int64_t i = v->v.i;
    uint64_t bits;
    int n;
    switch (c->send.id) {
    case HF_BIGINT:
    case HF_TIME:
        bits = (uint64_t)i;
        n = 8;
        break;
    case HF_TIMESTAMP:
    case HF_TIMESTAMP_LTZ:
        if (i < INT64_MIN + INT64_C(946684800000000))
            return 0;
        bits = (uint64_t)(i - INT64_C(946684800000000));
        n = 8;
        break;
    case HF_INT:
        if (i < INT32_MIN || i > INT32_MAX)
            return 0;
        bits = (uint32_t)(int32_t)i;
        n = 4;
        break;
    case HF_SMALLINT:
        if (i < INT16_MIN || i > INT16_MAX)
            return 0;
        bits = (uint16_t)(int16_t)i;
        n = 2;
        break;
    case HF_DATE:
        if (i < INT32_MIN + INT64_C(10957) || i - 10957 > INT32_MAX)
            return 0;
        bits = (uint32_t)(int32_t)(i - 10957);
        n = 4;
        break;
    case HF_DOUBLE: {
        double d = c->conv == HOLO_CONV_F4_F8 ? (double)v->v.f4 : v->v.f8;
        memcpy(&bits, &d, 8);
        n = 8;
        break;
    }
    case HF_FLOAT: {
        uint32_t b32;
        memcpy(&b32, &v->v.f4, 4);
        bits = b32;
        n = 4;
        break;
    }
    case HF_BOOLEAN:
        bits = v->v.b ? 1 : 0;
        n = 1;
        break;
    case HF_DECIMAL:
        return c->conv == HOLO_CONV_NONE &&
               put_numeric_fast(out, v->v.d, c->send.scale);
    case HF_VARCHAR: {
        uint32_t len = v->v.s.len;
        if (len > INT32_MAX || hf_text_has_nul(v->v.s.ptr, len))
            return 0; /* the general encoder names the problem */
        char *p = hf_strbuf_reserve(out, 4 + (size_t)len);
        if (p == NULL)
            return 0;
        p[0] = (char)(len >> 24);
        p[1] = (char)(len >> 16);
        p[2] = (char)(len >> 8);
        p[3] = (char)len;
        if (len)
            memcpy(p + 4, v->v.s.ptr, len);
        hf_strbuf_commit(out, 4 + (size_t)len);
        return 1;
    }
    default:
        return 0;
    }
    char *p = hf_strbuf_reserve(out, 4 + (size_t)n);
    if (p == NULL)
        return 0;
    be_field(p, bits, n);
    hf_strbuf_commit(out, 4 + (size_t)n);
    return 1;
}

int holo_copy_put_binary(struct hf_strbuf *out, const struct holo_copy_col *c,
                         const struct hf_value *v, struct hf_error *err)
{
    struct hf_value tmp;
    if (v->null) {
        char *p = hf_strbuf_reserve(out, 4);
        if (p != NULL) {
            memset(p, 0xff, 4);
            hf_strbuf_commit(out, 4);
        }
        return 0;
    }
    if (c->nested)
        return holo_nested_binary(out, c->target, &c->type, v, err);
    if (put_fast(out, c, v))
        return 0;
    if (!c->array) {
        struct hf_type src = c->type;
        return holo_encode_field(out, &c->send, convert(c, &src, v, &tmp), err);
    }
    /* An array: the header names the target's element type, which may
     * differ from the wire type of the job's element type (varchar[],
     * int8[] for ARRAY<INT>...). */
    struct hf_type src = elem_of(&c->type);
    const struct hf_array *a = v->v.a;
    uint32_t n = a ? a->n : 0;
    size_t off = out->len;
    put32(out, 0); /* length, patched below */
    if (n == 0) {
        put32(out, 0); /* ndim */
        put32(out, 0); /* flags */
        put32(out, c->elem_oid);
    } else {
        bool has_null = false;
        for (uint32_t i = 0; i < n && !has_null; i++)
            has_null = a->items[i].null;
        put32(out, 1);
        put32(out, has_null ? 1 : 0);
        put32(out, c->elem_oid);
        put32(out, n);
        put32(out, 1); /* lower bound */
        for (uint32_t i = 0; i < n; i++) {
            const struct hf_value *e = &a->items[i];
            if (!e->null)
                e = convert(c, &src, e, &tmp);
            if (holo_encode_field(out, &c->send, e, err) != 0) {
                hf_error_prefix(err, "array element %u: ", i + 1);
                return -1;
            }
        }
    }
    if (!hf_strbuf_ok(out))
        return hf_error_set(err, HF_ERR_NOMEM,
                            "out of memory encoding an array");
    size_t len = out->len - off - 4;
    if (len > INT32_MAX)
        return hf_error_set(err, HF_ERR_DATA,
                            "array value of %zu bytes is over PostgreSQL's "
                            "1 GB limit",
                            len);
    unsigned char *p = (unsigned char *)out->data + off;
    p[0] = (unsigned char)(len >> 24);
    p[1] = (unsigned char)(len >> 16);
    p[2] = (unsigned char)(len >> 8);
    p[3] = (unsigned char)len;
    return 0;
}

int holo_copy_put_row_binary(struct hf_strbuf *out,
                             const struct holo_copy_col *plan, uint32_t n,
                             const struct hf_value *vals, uint32_t *failed,
                             struct hf_error *err)
{
    char *p = hf_strbuf_reserve(out, 2);
    if (p != NULL) {
        p[0] = (char)(n >> 8);
        p[1] = (char)n;
        hf_strbuf_commit(out, 2);
    }
    for (uint32_t i = 0; i < n; i++) {
        const struct holo_copy_col *c = &plan[i];
        const struct hf_value *v = &vals[c->job_col];
        /* Text and BIGINT, the most common, written here as put_fast
         * would; the other fast types through it; the rest as one field
         * would go. */
        if (!v->null && !c->nested && !c->array && c->conv == HOLO_CONV_NONE) {
            if (c->send.id == HF_VARCHAR) {
                uint32_t len = v->v.s.len;
                char *q;
                if (len <= INT32_MAX && !hf_text_has_nul(v->v.s.ptr, len) &&
                    (q = hf_strbuf_reserve(out, 4 + (size_t)len)) != NULL) {
                    q[0] = (char)(len >> 24);
                    q[1] = (char)(len >> 16);
                    q[2] = (char)(len >> 8);
                    q[3] = (char)len;
                    if (len)
                        memcpy(q + 4, v->v.s.ptr, len);
                    hf_strbuf_commit(out, 4 + (size_t)len);
                    continue;
                }
            } else if (c->send.id == HF_BIGINT) {
                char *q = hf_strbuf_reserve(out, 12);
                if (q != NULL) {
                    uint64_t b = (uint64_t)v->v.i;
                    q[0] = q[1] = q[2] = 0;
                    q[3] = 8;
                    for (int k = 7; k >= 0; k--, b >>= 8)
                        q[4 + k] = (char)(b & 0xff);
                    hf_strbuf_commit(out, 12);
                    continue;
                }
            }
        }
        if (!v->null && !c->nested && put_fast(out, c, v))
            continue;
        if (holo_copy_put_binary(out, c, v, err) != 0) {
            *failed = i;
            return -1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------ text */

void holo_copy_escape(struct hf_strbuf *out, const char *s, size_t n,
                      char delim)
{
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        const char *esc = NULL;
        char oct[5];
        switch (ch) {
        case '\\':
            esc = "\\\\";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        case '\t':
            esc = "\\t";
            break;
        default:
            if (ch == delim) {
                snprintf(oct, sizeof oct, "\\%03o", (unsigned char)ch);
                esc = oct;
            }
            break;
        }
        if (esc == NULL)
            continue;
        hf_strbuf_append(out, s + start, i - start);
        hf_strbuf_puts(out, esc);
        start = i + 1;
    }
    hf_strbuf_append(out, s + start, n - start);
}

bool holo_copy_delim_ok(char delim)
{
    unsigned char d = (unsigned char)delim;
    if (d == 0 || d >= 0x80 || d == '\n' || d == '\r' || d == '\\' ||
        d == '.' || d == 'N')
        return false;
    return !(islower(d) || isdigit(d));
}

/* The literal of a FLOAT array sent to a double precision[] column:
 * elements widened first, as in the binary format. */
static void float_array_as_double(struct hf_strbuf *out,
                                  const struct hf_value *v)
{
    const struct hf_array *a = v->v.a;
    hf_strbuf_putc(out, '{');
    for (uint32_t i = 0; a && i < a->n; i++) {
        if (i > 0)
            hf_strbuf_putc(out, ',');
        if (a->items[i].null) {
            hf_strbuf_puts(out, "NULL");
            continue;
        }
        char buf[64];
        size_t k = hf_double_to_text((double)a->items[i].v.f4, buf, sizeof buf);
        hf_strbuf_append(out, buf, k);
    }
    hf_strbuf_putc(out, '}');
}

int holo_copy_put_text(struct hf_strbuf *out, const struct holo_copy_col *c,
                       const struct hf_value *v, char delim,
                       struct hf_strbuf *tmp, struct hf_error *err)
{
    if (v->null) {
        hf_strbuf_append(out, "\\N", 2);
        return 0;
    }
    hf_strbuf_reset(tmp);
    int rc = 0;
    if (c->nested) {
        rc = holo_nested_text(tmp, c->target, &c->type, v, err);
    } else if (c->conv == HOLO_CONV_F4_F8 && c->array) {
        float_array_as_double(tmp, v);
    } else if (c->conv == HOLO_CONV_F4_F8) {
        struct hf_value w;
        struct hf_type src = c->type;
        rc = holo_encode_text(tmp, &c->send, convert(c, &src, v, &w), err);
    } else {
        /* Integers, decimals and text are read by the target's input
         * function exactly as a cast would convert them. */
        rc = holo_encode_text(tmp, &c->type, v, err);
    }
    if (rc != 0)
        return -1;
    if (!hf_strbuf_ok(tmp))
        return hf_error_set(err, HF_ERR_NOMEM,
                            "out of memory encoding a "
                            "value as text");
    holo_copy_escape(out, tmp->data, tmp->len, delim);
    return 0;
}

/* ------------------------------------------------------------ statements */

static void put_target(struct hf_strbuf *sql, const struct holo_stmt_spec *s)
{
    hf_strbuf_put_ident(sql, s->schema);
    hf_strbuf_putc(sql, '.');
    hf_strbuf_put_ident(sql, s->table);
}

static int put_columns(struct hf_strbuf *sql, const struct holo_stmt_spec *s,
                       struct hf_error *err)
{
    if (s->ncols == 0)
        return hf_error_set(err, HF_ERR_USAGE,
                            "nothing to COPY into \"%s\".\"%s\": no columns",
                            s->schema, s->table);
    for (uint32_t i = 0; i < s->ncols; i++) {
        uint32_t j = s->cols[i];
        if (j >= s->job->ncols || s->map[j] >= s->meta->ncols)
            return hf_error_set(err, HF_ERR_USAGE,
                                "COPY statement builder: written column %u "
                                "has no table column",
                                j);
        if (i > 0)
            hf_strbuf_puts(sql, ", ");
        hf_strbuf_put_ident(sql, s->meta->cols[s->map[j]].name);
    }
    return 0;
}

/* DELIMITER ',' for a plain printable character, else E'\xHH'. */
static void put_delimiter(struct hf_strbuf *sql, char delim)
{
    unsigned char d = (unsigned char)delim;
    if (d >= 0x20 && d < 0x7f && d != '\'' && d != '\\')
        hf_strbuf_printf(sql, "DELIMITER '%c'", delim);
    else
        hf_strbuf_printf(sql, "DELIMITER E'\\x%02x'", d);
}

static int finish(struct hf_strbuf *sql, struct hf_error *err)
{
    if (!hf_strbuf_ok(sql))
        return hf_error_set(err, HF_ERR_NOMEM,
                            "out of memory building a COPY statement");
    return 0;
}

int holo_copy_sql(const struct holo_stmt_spec *s, enum holo_write_mode mode,
                  bool conflict, struct hf_strbuf *sql, struct hf_error *err)
{
    if (s == NULL || s->meta == NULL || s->job == NULL || s->map == NULL ||
        s->cfg == NULL || s->schema == NULL || s->table == NULL)
        return hf_error_set(err, HF_ERR_USAGE,
                            "COPY statement builder: incomplete spec");
    bool text = s->cfg->copy_format == HOLO_COPY_TEXT;
    hf_strbuf_puts(sql, "COPY ");
    put_target(sql, s);
    hf_strbuf_puts(sql, " (");
    if (put_columns(sql, s, err) != 0)
        return -1;
    hf_strbuf_puts(sql, ") FROM STDIN WITH (");
    if (!s->hologres) {
        hf_strbuf_puts(sql, text ? "FORMAT text, " : "FORMAT binary");
        if (text)
            put_delimiter(sql, s->cfg->field_delimiter);
        hf_strbuf_putc(sql, ')');
        return finish(sql, err);
    }
    if (mode == HOLO_WM_COPY_STREAM)
        hf_strbuf_puts(sql, "stream_mode true, ");
    hf_strbuf_puts(sql, text ? "format text, " : "format binary");
    if (text)
        put_delimiter(sql, s->cfg->field_delimiter);
    if (conflict && s->meta->npk > 0 && mode != HOLO_WM_COPY_BULK_LOAD)
        hf_strbuf_puts(sql, s->cfg->on_conflict == HOLO_OC_IGNORE
                                ? ", on_conflict ignore"
                                : ", on_conflict update");
    hf_strbuf_putc(sql, ')');
    return finish(sql, err);
}

int holo_copy_stage_sql(const struct holo_stmt_spec *s, struct hf_strbuf *sql,
                        struct hf_error *err)
{
    if (s == NULL || s->meta == NULL || s->job == NULL || s->map == NULL ||
        s->schema == NULL || s->table == NULL)
        return hf_error_set(err, HF_ERR_USAGE,
                            "staging statement builder: incomplete spec");
    hf_strbuf_puts(sql, "CREATE TEMP TABLE IF NOT EXISTS \"" HOLO_COPY_STAGE
                        "\" AS SELECT ");
    if (put_columns(sql, s, err) != 0)
        return -1;
    hf_strbuf_puts(sql, " FROM ");
    put_target(sql, s);
    hf_strbuf_puts(sql, " WITH NO DATA");
    return finish(sql, err);
}

const char *const *holo_copy_session_sql(bool hologres,
                                         enum holo_write_mode mode, size_t *n)
{
    static const char *const on_conflict[] = {
        "SET hg_experimental_copy_enable_on_conflict = on",
        "SET hg_experimental_affect_row_multiple_times_keep_last = on",
    };
    if (hologres && mode == HOLO_WM_COPY_BULK_LOAD_ON_CONFLICT) {
        *n = sizeof on_conflict / sizeof on_conflict[0];
        return on_conflict;
    }
    *n = 0;
    return NULL;
}

/* ------------------------------------------------------------ AUTO */

long holo_copy_hg_version(const char *text)
{
    for (const char *p = text; p != NULL && *p; p++) {
        if (!isdigit((unsigned char)*p) ||
            (p > text && (isdigit((unsigned char)p[-1]) || p[-1] == '.')))
            continue;
        char *end;
        long major = strtol(p, &end, 10);
        if (*end != '.' || !isdigit((unsigned char)end[1]))
            continue;
        long minor = strtol(end + 1, &end, 10);
        long patch = 0;
        if (*end == '.' && isdigit((unsigned char)end[1]))
            patch = strtol(end + 1, &end, 10);
        if (minor > 99)
            minor = 99;
        if (patch > 99)
            patch = 99;
        return major * 10000 + minor * 100 + patch;
    }
    return -1;
}

const char *holo_copy_mode_name(enum holo_write_mode m)
{
    switch (m) {
    case HOLO_WM_AUTO:
        return "AUTO";
    case HOLO_WM_INSERT:
        return "INSERT";
    case HOLO_WM_COPY_STREAM:
        return "COPY_STREAM";
    case HOLO_WM_COPY_BULK_LOAD:
        return "COPY_BULK_LOAD";
    case HOLO_WM_COPY_BULK_LOAD_ON_CONFLICT:
        return "COPY_BULK_LOAD_ON_CONFLICT";
    }
    return "?";
}

enum holo_write_mode holo_copy_resolve_auto(bool bounded, bool hologres,
                                            long hg, uint32_t npk, bool empty,
                                            char *why, size_t n)
{
    if (!bounded) {
        snprintf(why, n, "a streaming job writes with INSERT");
        return HOLO_WM_INSERT;
    }
    if (hologres && hg < 30100) {
        snprintf(why, n, "bounded job, but Hologres before 3.1: INSERT");
        return HOLO_WM_INSERT;
    }
    if (npk == 0) {
        snprintf(why, n,
                 "bounded job into a table without a primary key: plain COPY "
                 "in one transaction");
        return HOLO_WM_COPY_BULK_LOAD;
    }
    if (!hologres && empty) {
        snprintf(why, n,
                 "bounded job into an empty table with a primary key: COPY "
                 "straight into it in one transaction, conflicts within the "
                 "input resolved by the on-conflict action");
        return HOLO_WM_COPY_BULK_LOAD_ON_CONFLICT;
    }
    snprintf(why, n,
             "bounded job into a table with a primary key%s: COPY over every "
             "connection, keys resolved by the on-conflict action",
             hologres ? "" : " that has rows");
    return HOLO_WM_COPY_STREAM;
}
