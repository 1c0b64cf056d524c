/*
 * holo_decode.c - PostgreSQL binary values into Flink values, for the
 * hologres source (see holo_decode.h for the mapping).
 *
 * holo_dec_plan() decides, once per column at open, which decoder reads
 * it and refuses pairs that would lose or misread values; holo_dec_value()
 * then reads each field with no lookups: big-endian integers and floats,
 * numeric's base-10000 digits scaled into the 128-bit DECIMAL exactly
 * (never through double), dates and timestamps moved from PostgreSQL's
 * 2000-01-01 epoch to 1970's, arrays (dimensions, NULL flag, element OID,
 * then length-prefixed elements) and records (attribute count, then OID,
 * length and bytes per attribute) recursively. Every length is checked
 * against the bytes there are: malformed data is an error, never a read
 * past the field.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "connectors/hologres/holo_decode.h"
#include "core/arena.h"
#include "formats/json_value.h"

#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_TEXT 25
#define OID_JSON 114
#define OID_FLOAT4 700
#define OID_FLOAT8 701
#define OID_BPCHAR 1042
#define OID_VARCHAR 1043
#define OID_DATE 1082
#define OID_TIME 1083
#define OID_TIMESTAMP 1114
#define OID_TIMESTAMPTZ 1184
#define OID_NUMERIC 1700
#define OID_JSONB 3802

/* Days and microseconds between 1970-01-01 and 2000-01-01. */
#define PG_EPOCH_DAYS 10957
#define PG_EPOCH_USEC INT64_C(946684800000000)

typedef unsigned __int128 u128;

/* ------------------------------------------------------------ planning */

/* Where values come from: a column, an array's element, an attribute. */
struct src {
    Oid oid;
    Oid elem; /* arrays: element type */
    const struct holo_composite *comp;
    int32_t typmod;
    const char *text; /* the PostgreSQL type as printed, for messages */
};

static int frac_digits(int32_t typmod)
{
    return typmod < 0 ? 6 : (int)typmod;
}

static bool numeric_mod(int32_t typmod, int *prec, int *scale)
{
    if (typmod < 4)
        return false;
    *prec = (int)(((uint32_t)(typmod - 4) >> 16) & 0xffff);
    *scale = (int)((typmod - 4) & 0x7ff);
    return true;
}

static bool is_text_oid(Oid o)
{
    return o == OID_TEXT || o == OID_VARCHAR || o == OID_BPCHAR;
}

/* Types with a Flink value of their own (the decoders above). */
static bool native_oid(Oid o)
{
    static const Oid n[] = {16,  17,  20,  21,   23,   25,   114,  700,
                            701, 1042, 1043, 1082, 1083, 1114, 1184, 1700,
                            3802};
    for (size_t i = 0; i < sizeof n / sizeof n[0]; i++)
        if (n[i] == o)
            return true;
    return false;
}

static int misfit(const struct hf_type *t, const struct src *s,
                  const char *column, const struct holo_dec_ctx *ctx,
                  const char *why, struct hf_error *err)
{
    char tn[128];
    return hf_error_set(err, HF_ERR_TYPE,
                        "table \"%s\".\"%s\": column \"%s\" of type %s cannot "
                        "be read as %s%s%s",
                        ctx->schema, ctx->table, column,
                        s->text ? s->text : "?", hf_type_name(t, tn, sizeof tn),
                        why ? ": " : "", why ? why : "");
}

static int plan(struct holo_dec *d, const struct src *s,
                const struct hf_type *t, char delim, const char *column,
                const struct holo_dec_ctx *ctx, int depth,
                struct hf_error *err);

static int plan_scalar(struct holo_dec *d, const struct src *s,
                       const struct hf_type *t, const char *column,
                       const struct holo_dec_ctx *ctx, struct hf_error *err)
{
    Oid o = s->oid;
    char why[160];
    d->oid = o;
    switch (t->id) {
    case HF_BOOLEAN:
        if (o == OID_BOOL) {
            d->kind = HOLO_DK_BOOL;
            return 0;
        }
        break;
    case HF_SMALLINT:
    case HF_INT:
    case HF_BIGINT:
        if (o == OID_INT2 || (o == OID_INT4 && t->id != HF_SMALLINT) ||
            (o == OID_INT8 && t->id == HF_BIGINT)) {
            d->kind = HOLO_DK_INT;
            return 0;
        }
        if (o == OID_INT4 || o == OID_INT8)
            return misfit(t, s, column, ctx,
                          "its values may not fit; declare a wider type", err);
        break;
    case HF_DECIMAL: {
        int need = o == OID_INT2 ? 5 : o == OID_INT4 ? 10 : o == OID_INT8 ? 19 : 0;
        if (need > 0) {
            if (t->precision - t->scale < need) {
                snprintf(why, sizeof why,
                         "it needs %d integer digits, the DECIMAL has %d",
                         need, t->precision - t->scale);
                return misfit(t, s, column, ctx, why, err);
            }
            d->kind = HOLO_DK_INT_DEC;
            return 0;
        }
        if (o == OID_NUMERIC) {
            int p, sc;
            if (numeric_mod(s->typmod, &p, &sc) &&
                (sc > t->scale || p - sc > t->precision - t->scale)) {
                snprintf(why, sizeof why,
                         "its values would round or overflow; declare "
                         "DECIMAL(%d, %d) or wider",
                         p - sc + (sc > t->scale ? sc : t->scale) > 38
                             ? 38
                             : p - sc + (sc > t->scale ? sc : t->scale),
                         sc > t->scale ? sc : t->scale);
                return misfit(t, s, column, ctx, why, err);
            }
            d->kind = HOLO_DK_NUMERIC;
            return 0;
        }
        break;
    }
    case HF_FLOAT:
        if (o == OID_FLOAT4) {
            d->kind = HOLO_DK_F4;
            return 0;
        }
        break;
    case HF_DOUBLE:
        if (o == OID_FLOAT4 || o == OID_FLOAT8) {
            d->kind = o == OID_FLOAT4 ? HOLO_DK_F4_F8 : HOLO_DK_F8;
            return 0;
        }
        break;
    case HF_CHAR:
    case HF_VARCHAR:
        if (is_text_oid(o) || o == OID_JSON || o == OID_JSONB) {
            d->kind = o == OID_JSONB ? HOLO_DK_JSONB : HOLO_DK_TEXT;
            return 0;
        }
        break;
    case HF_JSON:
    case HF_JSONB:
        if (o == OID_TEXT || o == OID_VARCHAR || o == OID_JSON ||
            o == OID_JSONB) {
            d->kind = o == OID_JSONB ? HOLO_DK_JSONB : HOLO_DK_TEXT;
            return 0;
        }
        break;
    case HF_BYTES:
        if (o == OID_BYTEA) {
            d->kind = HOLO_DK_BYTEA;
            return 0;
        }
        break;
    case HF_DATE:
        if (o == OID_DATE) {
            d->kind = HOLO_DK_DATE;
            return 0;
        }
        break;
    case HF_TIME:
    case HF_TIMESTAMP:
    case HF_TIMESTAMP_LTZ: {
        bool ok = t->id == HF_TIME ? o == OID_TIME
                                   : (o == OID_TIMESTAMP || o == OID_TIMESTAMPTZ);
        if (!ok)
            break;
        int q = frac_digits(s->typmod);
        if (q > t->precision) {
            snprintf(why, sizeof why,
                     "its values have %d fraction digits, the type %d; "
                     "declare precision %d",
                     q, t->precision, q);
            return misfit(t, s, column, ctx, why, err);
        }
        d->kind = t->id == HF_TIME ? HOLO_DK_TIME : HOLO_DK_TS;
        return 0;
    }
    default:
        break;
    }
    return misfit(t, s, column, ctx, NULL, err);
}

static int plan(struct holo_dec *d, const struct src *s,
                const struct hf_type *t, char delim, const char *column,
                const struct holo_dec_ctx *ctx, int depth, struct hf_error *err)
{
    memset(d, 0, sizeof *d);
    d->t = *t;
    if (depth > 32)
        return misfit(t, s, column, ctx, "nested too deep", err);
    if (s->elem != 0) {
        /* An array column. */
        if ((t->id == HF_VARCHAR || t->id == HF_CHAR) && depth == 0) {
            d->kind = HOLO_DK_JOIN;
            d->oid = OID_TEXT;
            d->delim = delim;
            return 0;
        }
        if (t->id != HF_ARRAY)
            return misfit(t, s, column, ctx, NULL, err);
        uint32_t n = 1;
        struct hf_type e = hf_type_elem(t);
        while (e.id == HF_ARRAY) {
            e = hf_type_elem(&e);
            n++;
        }
        d->kind = HOLO_DK_ARRAY;
        d->depth = n;
        d->oid = s->elem;
        d->sub = calloc(1, sizeof *d->sub);
        if (d->sub == NULL)
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        d->nsub = 1;
        struct src es = {s->elem, 0, s->comp, s->typmod, s->text};
        return plan(&d->sub[0], &es, &e, delim, column, ctx, depth + 1, err);
    }
    if (s->comp != NULL) {
        if (t->id != HF_ROW)
            return misfit(t, s, column, ctx, NULL, err);
        uint32_t k = hf_type_arity(t);
        if (k != s->comp->n) {
            char why[128];
            snprintf(why, sizeof why, "the ROW has %u fields, %s has %u", k,
                     s->comp->name, s->comp->n);
            return misfit(t, s, column, ctx, why, err);
        }
        d->kind = HOLO_DK_RECORD;
        d->oid = s->oid;
        d->sub = calloc(k ? k : 1, sizeof *d->sub);
        if (d->sub == NULL)
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        d->nsub = k;
        for (uint32_t i = 0; i < k; i++) {
            const struct holo_column *a = &s->comp->attrs[i];
            struct src as = {a->type_oid, a->elem_oid, a->comp, a->typmod,
                             a->type_text};
            if (plan(&d->sub[i], &as, hf_type_child(t, i), delim, column, ctx,
                     depth + 1, err) != 0)
                return -1;
        }
        return 0;
    }
    if (depth == 0 && (t->id == HF_VARCHAR || t->id == HF_CHAR) &&
        !native_oid(s->oid)) {
        /* a type holoflow has no value of (inet, money, bit, uuid,
         * interval, an enum, ...) read as a string: the scan selects it
         * as its text form, "col"::text (DataX's advice for such columns
         * is a_inet::varchar) */
        d->kind = HOLO_DK_CAST_TEXT;
        d->oid = OID_TEXT;
        return 0;
    }
    if (hf_type_is_nested(t->id)) {
        if (s->oid != OID_JSON && s->oid != OID_JSONB)
            return misfit(t, s, column, ctx, NULL, err);
        d->kind = HOLO_DK_JSON;
        d->oid = s->oid;
        d->jsonb = s->oid == OID_JSONB;
        d->json = ctx->json;
        if (d->json == NULL)
            return hf_error_set(err, HF_ERR_FAIL, "no JSON codec");
        return 0;
    }
    return plan_scalar(d, s, t, column, ctx, err);
}

int holo_dec_plan(struct holo_dec *d, const struct holo_column *col,
                  const struct hf_type *t, char delim,
                  const struct holo_dec_ctx *ctx, struct hf_error *err)
{
    struct src s = {col->type_oid, col->elem_oid, col->comp, col->typmod,
                    col->type_text};
    return plan(d, &s, t, delim, col->name, ctx, 0, err);
}

void holo_dec_free(struct holo_dec *d)
{
    if (d == NULL)
        return;
    for (uint32_t i = 0; i < d->nsub; i++)
        holo_dec_free(&d->sub[i]);
    free(d->sub);
    d->sub = NULL;
    d->nsub = 0;
}

/* ------------------------------------------------------------ reading */

static inline uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

static inline uint64_t rd64(const uint8_t *p)
{
    return (uint64_t)rd32(p) << 32 | rd32(p + 4);
}

static int bad(const char *column, const struct holo_dec_ctx *ctx,
               struct hf_error *err, const char *what)
{
    return hf_error_set(err, HF_ERR_DATA, "table \"%s\".\"%s\": column \"%s\": %s",
                        ctx->schema, ctx->table, column, what);
}

static int want(uint32_t len, uint32_t n, const char *column,
                const struct holo_dec_ctx *ctx, struct hf_error *err)
{
    if (len == n)
        return 0;
    char why[96];
    snprintf(why, sizeof why, "a field of %u bytes where %u were expected", len,
             n);
    return bad(column, ctx, err, why);
}

static const u128 pow10_tab[] = {
    1u,
    10u,
    100u,
    1000u,
    10000u,
    100000u,
    1000000u,
    10000000u,
    100000000u,
    1000000000u,
    10000000000u,
    100000000000u,
    1000000000000u,
    10000000000000u,
    100000000000000u,
    1000000000000000u,
    10000000000000000u,
    100000000000000000u,
    1000000000000000000u,
    (u128)1000000000000000000u * 10u,
};

static u128 pow10_u(int e)
{
    u128 r = 1;
    while (e > 19) {
        r *= pow10_tab[19];
        e -= 19;
    }
    return r * pow10_tab[e];
}

static void set_dec(struct hf_value *v, u128 mag, bool neg)
{
    u128 x = neg ? (u128)0 - mag : mag;
    v->v.d.lo = (uint64_t)x;
    v->v.d.hi = (int64_t)(uint64_t)(x >> 64);
}

/* numeric's binary form into DECIMAL(p, s), exactly or not at all. */
static int dec_numeric(const struct holo_dec *d, const uint8_t *p, uint32_t len,
                       struct hf_value *v, const char *column,
                       const struct holo_dec_ctx *ctx, struct hf_error *err)
{
    if (len < 8)
        return bad(column, ctx, err, "a numeric shorter than its header");
    int ndigits = rd16(p);
    int weight = (int16_t)rd16(p + 2);
    uint16_t sign = rd16(p + 4);
    if (len != 8u + 2u * (uint32_t)ndigits)
        return bad(column, ctx, err, "a numeric of the wrong length");
    if (sign == 0xC000 || sign == 0xD000 || sign == 0xF000) {
        char why[160];
        char tn[64];
        snprintf(why, sizeof why, "%s has no value for %s",
                 hf_type_name(&d->t, tn, sizeof tn),
                 sign == 0xC000   ? "NaN"
                 : sign == 0xD000 ? "Infinity"
                                  : "-Infinity");
        return bad(column, ctx, err, why);
    }
    int scale = d->t.scale;
    u128 limit = pow10_u(d->t.precision);
    u128 acc = 0;
    for (int i = 0; i < ndigits; i++) {
        uint32_t dig = rd16(p + 8 + 2 * i);
        if (dig == 0)
            continue;
        int e = 4 * (weight - i) + scale; /* power of ten of this digit */
        if (e < 0) {
            int cut = -e;
            if (cut >= 4 || dig % (uint32_t)pow10_tab[cut] != 0)
                goto rounds;
            acc += dig / (uint32_t)pow10_tab[cut];
        } else {
            if (e > 38)
                goto overflows;
            u128 add = (u128)dig * pow10_u(e);
            if (add >= limit || acc >= limit - add)
                goto overflows;
            acc += add;
        }
    }
    if (acc >= limit)
        goto overflows;
    set_dec(v, acc, sign == 0x4000);
    return 0;
rounds: {
    char why[160], tn[64];
    snprintf(why, sizeof why,
             "a value with more than %d fraction digits would round in %s",
             scale, hf_type_name(&d->t, tn, sizeof tn));
    return bad(column, ctx, err, why);
}
overflows: {
    char why[160], tn[64];
    snprintf(why, sizeof why,
             "a value with more than %d integer digits does not fit %s",
             d->t.precision - scale, hf_type_name(&d->t, tn, sizeof tn));
    return bad(column, ctx, err, why);
}
}

static int dec_int(const struct holo_dec *d, const uint8_t *p, uint32_t len,
                   int64_t *out, const char *column,
                   const struct holo_dec_ctx *ctx, struct hf_error *err)
{
    uint32_t n = d->oid == OID_INT2 ? 2 : d->oid == OID_INT4 ? 4 : 8;
    if (want(len, n, column, ctx, err) != 0)
        return -1;
    *out = n == 2   ? (int16_t)rd16(p)
           : n == 4 ? (int32_t)rd32(p)
                    : (int64_t)rd64(p);
    return 0;
}

static int dec_array(const struct holo_dec *d, const uint8_t *p, uint32_t len,
                     struct hf_batch *b, struct hf_value *v,
                     const char *column, const struct holo_dec_ctx *ctx,
                     struct hf_error *err);
static int dec_join(const struct holo_dec *d, const uint8_t *p, uint32_t len,
                    struct hf_batch *b, struct hf_value *v, const char *column,
                    const struct holo_dec_ctx *ctx, struct hf_error *err);
static int dec_record(const struct holo_dec *d, const uint8_t *p, uint32_t len,
                      struct hf_batch *b, struct hf_value *v,
                      const char *column, const struct holo_dec_ctx *ctx,
                      struct hf_error *err);

static int dec_json(const struct holo_dec *d, const uint8_t *p, uint32_t len,
                    struct hf_batch *b, struct hf_value *v, const char *column,
                    const struct holo_dec_ctx *ctx, struct hf_error *err)
{
    if (d->jsonb) {
        if (len < 1 || p[0] != 1)
            return bad(column, ctx, err, "a jsonb of an unknown version");
        p++;
        len--;
    }
    struct json_object *root = NULL;
    if (hf_json_parse(d->json, (const char *)p, len, &root, err) < 0)
        return bad(column, ctx, err, "JSON that does not parse");
    int rc = hf_json_to_value(d->json, &d->t, column, root, b, v, err);
    json_object_put(root);
    return rc;
}

int holo_dec_value(const struct holo_dec *d, const uint8_t *p, uint32_t len,
                   struct hf_batch *b, struct hf_value *v, const char *column,
                   const struct holo_dec_ctx *ctx, struct hf_error *err)
{
    v->null = false;
    switch (d->kind) {
    case HOLO_DK_BOOL:
        if (want(len, 1, column, ctx, err) != 0)
            return -1;
        v->v.b = p[0] != 0;
        return 0;
    case HOLO_DK_INT:
        return dec_int(d, p, len, &v->v.i, column, ctx, err);
    case HOLO_DK_INT_DEC: {
        int64_t x;
        if (dec_int(d, p, len, &x, column, ctx, err) != 0)
            return -1;
        u128 mag = (u128)(x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x);
        set_dec(v, mag * pow10_u(d->t.scale), x < 0);
        return 0;
    }
    case HOLO_DK_F4:
    case HOLO_DK_F4_F8: {
        if (want(len, 4, column, ctx, err) != 0)
            return -1;
        uint32_t u = rd32(p);
        float f;
        memcpy(&f, &u, sizeof f);
        if (d->kind == HOLO_DK_F4)
            v->v.f4 = f;
        else
            v->v.f8 = f;
        return 0;
    }
    case HOLO_DK_F8: {
        if (want(len, 8, column, ctx, err) != 0)
            return -1;
        uint64_t u = rd64(p);
        memcpy(&v->v.f8, &u, sizeof v->v.f8);
        return 0;
    }
    case HOLO_DK_NUMERIC:
        return dec_numeric(d, p, len, v, column, ctx, err);
    case HOLO_DK_JSONB:
        if (len < 1 || p[0] != 1)
            return bad(column, ctx, err, "a jsonb of an unknown version");
        p++;
        len--;
        /* fall through */
    case HOLO_DK_TEXT:
    case HOLO_DK_CAST_TEXT:
    case HOLO_DK_BYTEA:
        if (hf_value_set_str(b, v, (const char *)p, len) != 0)
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        return 0;
    case HOLO_DK_DATE: {
        if (want(len, 4, column, ctx, err) != 0)
            return -1;
        int32_t days = (int32_t)rd32(p);
        if (days == INT32_MAX || days == INT32_MIN)
            return bad(column, ctx, err, "DATE has no value for infinity");
        v->v.i = (int64_t)days + PG_EPOCH_DAYS;
        return 0;
    }
    case HOLO_DK_TIME:
        if (want(len, 8, column, ctx, err) != 0)
            return -1;
        v->v.i = (int64_t)rd64(p);
        return 0;
    case HOLO_DK_TS: {
        if (want(len, 8, column, ctx, err) != 0)
            return -1;
        int64_t us = (int64_t)rd64(p);
        if (us == INT64_MAX || us == INT64_MIN)
            return bad(column, ctx, err, "a timestamp has no value for infinity");
        v->v.i = us + PG_EPOCH_USEC;
        return 0;
    }
    case HOLO_DK_ARRAY:
        return dec_array(d, p, len, b, v, column, ctx, err);
    case HOLO_DK_JOIN:
        return dec_join(d, p, len, b, v, column, ctx, err);
    case HOLO_DK_RECORD:
        return dec_record(d, p, len, b, v, column, ctx, err);
    case HOLO_DK_JSON:
        return dec_json(d, p, len, b, v, column, ctx, err);
    }
    return hf_error_set(err, HF_ERR_FAIL, "unknown decoder");
}

/* The array header: dimensions and where the elements start. */
struct arr_head {
    uint32_t ndim;
    uint32_t dims[6];
    uint32_t nitems;
    const uint8_t *data;
    const uint8_t *end;
};

static int arr_head(const uint8_t *p, uint32_t len, struct arr_head *h,
                    const char *column, const struct holo_dec_ctx *ctx,
                    struct hf_error *err)
{
    if (len < 12)
        return bad(column, ctx, err, "an array shorter than its header");
    h->ndim = rd32(p);
    if (h->ndim > 6)
        return bad(column, ctx, err, "an array of more than 6 dimensions");
    if (len < 12 + 8 * h->ndim)
        return bad(column, ctx, err, "an array shorter than its dimensions");
    uint64_t n = h->ndim ? 1 : 0;
    for (uint32_t i = 0; i < h->ndim; i++) {
        h->dims[i] = rd32(p + 12 + 8 * i);
        n *= h->dims[i];
        if (n > UINT32_MAX)
            return bad(column, ctx, err, "an array too large");
    }
    h->nitems = (uint32_t)n;
    h->data = p + 12 + 8 * h->ndim;
    h->end = p + len;
    return 0;
}

/* The next element: *ep, *elen (-1 = NULL). */
static int arr_next(const uint8_t **cur, const uint8_t *end,
                    const uint8_t **ep, int32_t *elen, const char *column,
                    const struct holo_dec_ctx *ctx, struct hf_error *err)
{
    if (end - *cur < 4)
        return bad(column, ctx, err, "an array cut short");
    *elen = (int32_t)rd32(*cur);
    *cur += 4;
    *ep = *cur;
    if (*elen >= 0) {
        if (end - *cur < *elen)
            return bad(column, ctx, err, "an array element cut short");
        *cur += *elen;
    }
    return 0;
}

/* Level `lvl` of a multidimensional array of Flink type t. */
static int arr_level(const struct holo_dec *d, const struct hf_type *t,
                     const struct arr_head *h, uint32_t lvl,
                     const uint8_t **cur, struct hf_batch *b,
                     struct hf_value *v, const char *column,
                     const struct holo_dec_ctx *ctx, struct hf_error *err)
{
    uint32_t n = h->ndim ? h->dims[lvl] : 0;
    struct hf_array *a = hf_array_new(&b->arena, t, n);
    if (a == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    v->null = false;
    v->v.a = a;
    if (lvl + 1 < d->depth) {
        struct hf_type et = hf_type_elem(t);
        for (uint32_t i = 0; i < n; i++)
            if (arr_level(d, &et, h, lvl + 1, cur, b, &a->items[i], column, ctx,
                          err) != 0)
                return -1;
        return 0;
    }
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *ep = NULL;
        int32_t elen = -1;
        if (arr_next(cur, h->end, &ep, &elen, column, ctx, err) != 0)
            return -1;
        if (elen < 0) {
            a->items[i].null = true;
            continue;
        }
        if (holo_dec_value(&d->sub[0], ep, (uint32_t)elen, b, &a->items[i],
                           column, ctx, err) != 0)
            return -1;
    }
    return 0;
}

static int dec_array(const struct holo_dec *d, const uint8_t *p, uint32_t len,
                     struct hf_batch *b, struct hf_value *v,
                     const char *column, const struct holo_dec_ctx *ctx,
                     struct hf_error *err)
{
    struct arr_head h;
    if (arr_head(p, len, &h, column, ctx, err) != 0)
        return -1;
    if (h.ndim != 0 && h.ndim != d->depth) {
        char why[160], tn[96];
        snprintf(why, sizeof why, "a %u-dimensional array does not fit %s",
                 h.ndim, hf_type_name(&d->t, tn, sizeof tn));
        return bad(column, ctx, err, why);
    }
    if (h.ndim == 0) {
        struct hf_array *a = hf_array_new(&b->arena, &d->t, 0);
        if (a == NULL)
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        v->v.a = a;
        return 0;
    }
    const uint8_t *cur = h.data;
    return arr_level(d, &d->t, &h, 0, &cur, b, v, column, ctx, err);
}

/* text[] of any dimensions, flattened, joined by the delimiter. */
static int dec_join(const struct holo_dec *d, const uint8_t *p, uint32_t len,
                    struct hf_batch *b, struct hf_value *v, const char *column,
                    const struct holo_dec_ctx *ctx, struct hf_error *err)
{
    struct arr_head h;
    if (arr_head(p, len, &h, column, ctx, err) != 0)
        return -1;
    /* The joined text is no longer than the elements plus delimiters. */
    size_t cap = len + h.nitems + 1;
    char *out = hf_arena_alloc(&b->arena, cap);
    if (out == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    size_t n = 0;
    const uint8_t *cur = h.data;
    for (uint32_t i = 0; i < h.nitems; i++) {
        const uint8_t *ep = NULL;
        int32_t elen = -1;
        if (arr_next(&cur, h.end, &ep, &elen, column, ctx, err) != 0)
            return -1;
        if (i > 0)
            out[n++] = d->delim;
        if (elen > 0) {
            memcpy(out + n, ep, (size_t)elen);
            n += (size_t)elen;
        }
    }
    v->v.s.ptr = out;
    v->v.s.len = (uint32_t)n;
    return 0;
}

static int dec_record(const struct holo_dec *d, const uint8_t *p, uint32_t len,
                      struct hf_batch *b, struct hf_value *v,
                      const char *column, const struct holo_dec_ctx *ctx,
                      struct hf_error *err)
{
    if (len < 4)
        return bad(column, ctx, err, "a record shorter than its header");
    uint32_t n = rd32(p);
    if (n != d->nsub)
        return bad(column, ctx, err,
                   "a record with another number of attributes than its type");
    struct hf_array *a = hf_array_new(&b->arena, &d->t, n);
    if (a == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    v->v.a = a;
    const uint8_t *cur = p + 4, *end = p + len;
    for (uint32_t i = 0; i < n; i++) {
        if (end - cur < 8)
            return bad(column, ctx, err, "a record cut short");
        int32_t flen = (int32_t)rd32(cur + 4);
        cur += 8;
        if (flen < 0) {
            a->items[i].null = true;
            continue;
        }
        if (end - cur < flen)
            return bad(column, ctx, err, "a record attribute cut short");
        if (holo_dec_value(&d->sub[i], cur, (uint32_t)flen, b, &a->items[i],
                           column, ctx, err) != 0)
            return -1;
        cur += flen;
    }
    return 0;
}
