/*
 * rowcodec.c - the canonical byte encoding of rows (core/rowcodec.h) and
 * the 64-bit key hash.
 *
 * Each value is a tag byte (0 NULL, 1 present) and, when present, its
 * bytes, by type:
 *
 *   BOOLEAN                          1 byte (0 or 1)
 *   TINYINT SMALLINT INT             1, 2, 4 bytes
 *   BIGINT DATE TIME TIMESTAMP(_LTZ) 8 bytes
 *   INTERVAL YEAR/DAY                8 bytes
 *   FLOAT DOUBLE                     4, 8 bytes of the IEEE bits, -0.0
 *                                    folded to 0.0 and every NaN to one
 *   DECIMAL(p,s)                     8 bytes when p <= 18, else 16: the
 *                                    unscaled value at the type's scale
 *   CHAR VARCHAR STRING JSON(B)      varint length, bytes
 *   BYTES
 *   ARRAY                            varint n, n items
 *   MAP MULTISET                     varint n entries, 2n items (key,
 *                                    value/count), in the value's order
 *   ROW                              one item per field of the type
 *
 * Integers are big-endian with the sign bit flipped, so for one fixed-width
 * column the byte order is the numeric order (useful to an ordered store;
 * nothing relies on it for strings). The encoding never depends on
 * anything but the values and the types, so equal keys are equal bytes.
 *
 * hf_key_hash is holoflow's own: 8-byte words multiplied and rotated into
 * a 64-bit lane with the length, then a final avalanche (xor-shift and two
 * multiplications) so that every input bit reaches every output bit.
 */
#include "core/rowcodec.h"

#include <math.h>
#include <string.h>

/* ------------------------------------------------------------------ encode */

static void put_be(struct hf_strbuf *out, uint64_t v, unsigned width)
{
    char *p = hf_strbuf_reserve(out, width);
    if (!p)
        return;
    for (unsigned i = 0; i < width; i++)
        p[i] = (char)(uint8_t)(v >> (8 * (width - 1 - i)));
    hf_strbuf_commit(out, width);
}

static void put_varint(struct hf_strbuf *out, uint64_t v)
{
    char *p = hf_strbuf_reserve(out, 10);
    if (!p)
        return;
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (char)(uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (char)(uint8_t)v;
    hf_strbuf_commit(out, n);
}

/* Width in bytes of an integer-valued type, 0 for the others. */
static unsigned int_width(enum hf_type_id id)
{
    switch (id) {
    case HF_TINYINT:
        return 1;
    case HF_SMALLINT:
        return 2;
    case HF_INT:
        return 4;
    case HF_BIGINT:
    case HF_DATE:
    case HF_TIME:
    case HF_TIMESTAMP:
    case HF_TIMESTAMP_LTZ:
    case HF_INTERVAL_YM:
    case HF_INTERVAL_DT:
        return 8;
    default:
        return 0;
    }
}

static void encode_value(const struct hf_type *t, const struct hf_value *v,
                         struct hf_strbuf *out);

static void encode_items(const struct hf_type *t, const struct hf_array *a,
                         struct hf_strbuf *out)
{
    if (t->id == HF_ROW) {
        uint32_t n = hf_type_arity(t);
        for (uint32_t i = 0; i < n; i++) {
            if (i < a->n) {
                encode_value(hf_type_child(t, i), &a->items[i], out);
            } else {
                hf_strbuf_putc(out, 0); /* a short row: NULL fields */
            }
        }
        return;
    }
    put_varint(out, a->n);
    if (t->id == HF_ARRAY) {
        struct hf_type et = hf_type_elem(t);
        for (uint32_t i = 0; i < a->n; i++)
            encode_value(&et, &a->items[i], out);
        return;
    }
    /* MAP, MULTISET: key/element then value/count */
    const struct hf_type *kt = hf_type_child(t, 0);
    const struct hf_type *vt = hf_type_child(t, 1);
    for (uint32_t i = 0; i < a->n; i++) {
        encode_value(kt, &a->items[2 * i], out);
        encode_value(vt, &a->items[2 * i + 1], out);
    }
}

static void encode_value(const struct hf_type *t, const struct hf_value *v,
                         struct hf_strbuf *out)
{
    if (v->null) {
        hf_strbuf_putc(out, 0);
        return;
    }
    hf_strbuf_putc(out, 1);
    unsigned w = int_width(t->id);
    if (w) {
        uint64_t u = (uint64_t)v->v.i ^ ((uint64_t)1 << (8 * w - 1));
        put_be(out, u, w);
        return;
    }
    switch (t->id) {
    case HF_BOOLEAN:
        hf_strbuf_putc(out, v->v.b ? 1 : 0);
        break;
    case HF_FLOAT: {
        float f = v->v.f4;
        uint32_t bits;
        if (isnan(f)) {
            bits = 0x7fc00000u;
        } else {
            if (f == 0.0f)
                f = 0.0f; /* -0.0 */
            memcpy(&bits, &f, 4);
        }
        put_be(out, bits, 4);
        break;
    }
    case HF_DOUBLE: {
        double d = v->v.f8;
        uint64_t bits;
        if (isnan(d)) {
            bits = 0x7ff8000000000000ull;
        } else {
            if (d == 0.0)
                d = 0.0;
            memcpy(&bits, &d, 8);
        }
        put_be(out, bits, 8);
        break;
    }
    case HF_DECIMAL:
        if (t->precision <= 18) {
            put_be(out, v->v.d.lo ^ ((uint64_t)1 << 63), 8);
        } else {
            put_be(out, (uint64_t)v->v.d.hi ^ ((uint64_t)1 << 63), 8);
            put_be(out, v->v.d.lo, 8);
        }
        break;
    case HF_CHAR:
    case HF_VARCHAR:
    case HF_BYTES:
    case HF_JSON:
    case HF_JSONB:
        put_varint(out, v->v.s.len);
        hf_strbuf_append(out, v->v.s.ptr, v->v.s.len);
        break;
    case HF_ARRAY:
    case HF_MAP:
    case HF_MULTISET:
    case HF_ROW:
        encode_items(t, v->v.a, out);
        break;
    default:
        out->broken = true; /* a type without an encoding: never silent */
        break;
    }
}

void hf_row_encode(const struct hf_type *types, const struct hf_value *vals,
                   uint32_t n, struct hf_strbuf *out)
{
    for (uint32_t i = 0; i < n; i++)
        encode_value(&types[i], &vals[i], out);
}

void hf_row_encode_cols(const struct hf_type *types, const uint32_t *cols,
                        const struct hf_value *row, uint32_t n,
                        struct hf_strbuf *out)
{
    for (uint32_t i = 0; i < n; i++)
        encode_value(&types[i], &row[cols[i]], out);
}

void hf_row_encode_schema_cols(const struct hf_schema *schema,
                               const uint32_t *cols,
                               const struct hf_value *row, uint32_t n,
                               struct hf_strbuf *out)
{
    for (uint32_t i = 0; i < n; i++)
        encode_value(&schema->cols[cols[i]].type, &row[cols[i]], out);
}

/* ------------------------------------------------------------------ decode */

struct reader {
    const uint8_t *p, *end;
    struct hf_arena *arena;
    struct hf_error *err;
    int depth;
};

static int short_input(struct reader *r, const char *what)
{
    return hf_error_set(r->err, HF_ERR_DATA,
                        "row decoding: the bytes end inside %s", what);
}

static int get_be(struct reader *r, unsigned width, uint64_t *out)
{
    if ((size_t)(r->end - r->p) < width)
        return short_input(r, "a fixed-width value");
    uint64_t v = 0;
    for (unsigned i = 0; i < width; i++)
        v = (v << 8) | r->p[i];
    r->p += width;
    *out = v;
    return 0;
}

static int get_varint(struct reader *r, uint64_t *out)
{
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (r->p >= r->end)
            return short_input(r, "a length");
        uint8_t c = *r->p++;
        v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *out = v;
            return 0;
        }
    }
    return hf_error_set(r->err, HF_ERR_DATA,
                        "row decoding: a length longer than 10 bytes");
}

static int decode_value(struct reader *r, const struct hf_type *t,
                        struct hf_value *v);

static int decode_items(struct reader *r, const struct hf_type *t,
                        struct hf_value *v)
{
    if (!r->arena)
        return hf_error_set(r->err, HF_ERR_FAIL,
                            "row decoding: a nested value needs an arena");
    if (++r->depth > 64)
        return hf_error_set(r->err, HF_ERR_DATA,
                            "row decoding: values nested deeper than 64");
    uint64_t n;
    if (t->id == HF_ROW) {
        n = hf_type_arity(t);
    } else if (get_varint(r, &n) < 0) {
        return -1;
    }
    /* every item takes at least its tag byte */
    uint64_t per = (t->id == HF_MAP || t->id == HF_MULTISET) ? 2 : 1;
    if (t->id != HF_ROW && n > (uint64_t)(r->end - r->p) / per)
        return short_input(r, "a nested value");
    struct hf_array *a = hf_array_new(r->arena, t, (uint32_t)n);
    if (!a)
        return hf_error_set(r->err, HF_ERR_NOMEM,
                            "row decoding: out of memory");
    if (t->id == HF_ARRAY) {
        struct hf_type et = hf_type_elem(t);
        for (uint32_t i = 0; i < a->n; i++)
            if (decode_value(r, &et, &a->items[i]) < 0)
                return -1;
    } else if (t->id == HF_ROW) {
        for (uint32_t i = 0; i < a->n; i++)
            if (decode_value(r, hf_type_child(t, i), &a->items[i]) < 0)
                return -1;
    } else {
        const struct hf_type *kt = hf_type_child(t, 0);
        const struct hf_type *vt = hf_type_child(t, 1);
        for (uint32_t i = 0; i < a->n; i++) {
            if (decode_value(r, kt, &a->items[2 * i]) < 0 ||
                decode_value(r, vt, &a->items[2 * i + 1]) < 0)
                return -1;
        }
    }
    r->depth--;
    v->v.a = a;
    return 0;
}

static int decode_value(struct reader *r, const struct hf_type *t,
                        struct hf_value *v)
{
    memset(v, 0, sizeof *v);
    if (r->p >= r->end)
        return short_input(r, "a value");
    uint8_t tag = *r->p++;
    if (tag == 0) {
        v->null = true;
        return 0;
    }
    if (tag != 1)
        return hf_error_set(r->err, HF_ERR_DATA,
                            "row decoding: bad value tag %u", tag);
    uint64_t u = 0, u2 = 0;
    unsigned w = int_width(t->id);
    if (w) {
        if (get_be(r, w, &u) < 0)
            return -1;
        u ^= (uint64_t)1 << (8 * w - 1);
        if (w < 8) { /* sign-extend */
            uint64_t sign = (uint64_t)1 << (8 * w - 1);
            u = (u ^ sign) - sign;
        }
        v->v.i = (int64_t)u;
        return 0;
    }
    switch (t->id) {
    case HF_BOOLEAN:
        if (get_be(r, 1, &u) < 0)
            return -1;
        v->v.b = u != 0;
        return 0;
    case HF_FLOAT: {
        if (get_be(r, 4, &u) < 0)
            return -1;
        uint32_t bits = (uint32_t)u;
        memcpy(&v->v.f4, &bits, 4);
        return 0;
    }
    case HF_DOUBLE:
        if (get_be(r, 8, &u) < 0)
            return -1;
        memcpy(&v->v.f8, &u, 8);
        return 0;
    case HF_DECIMAL:
        if (t->precision <= 18) {
            if (get_be(r, 8, &u) < 0)
                return -1;
            int64_t s = (int64_t)(u ^ ((uint64_t)1 << 63));
            v->v.d.lo = (uint64_t)s;
            v->v.d.hi = s < 0 ? -1 : 0;
        } else {
            if (get_be(r, 8, &u) < 0 || get_be(r, 8, &u2) < 0)
                return -1;
            v->v.d.hi = (int64_t)(u ^ ((uint64_t)1 << 63));
            v->v.d.lo = u2;
        }
        return 0;
    case HF_CHAR:
    case HF_VARCHAR:
    case HF_BYTES:
    case HF_JSON:
    case HF_JSONB: {
        if (get_varint(r, &u) < 0)
            return -1;
        if (u > (uint64_t)(r->end - r->p) || u > UINT32_MAX)
            return short_input(r, "a string");
        const char *s = (const char *)r->p;
        if (r->arena) {
            s = hf_arena_strndup(r->arena, s, (size_t)u);
            if (!s)
                return hf_error_set(r->err, HF_ERR_NOMEM,
                                    "row decoding: out of memory");
        }
        v->v.s.ptr = s;
        v->v.s.len = (uint32_t)u;
        r->p += u;
        return 0;
    }
    case HF_ARRAY:
    case HF_MAP:
    case HF_MULTISET:
    case HF_ROW:
        return decode_items(r, t, v);
    default:
        return hf_error_set(r->err, HF_ERR_FAIL,
                            "row decoding: type %d has no encoding", t->id);
    }
}

long hf_row_decode(const struct hf_type *types, uint32_t n, const void *buf,
                   size_t len, struct hf_value *vals, struct hf_arena *arena,
                   struct hf_error *err)
{
    struct reader r = {(const uint8_t *)buf, (const uint8_t *)buf + len,
                       arena, err, 0};
    for (uint32_t i = 0; i < n; i++)
        if (decode_value(&r, &types[i], &vals[i]) < 0)
            return -1;
    return (long)(r.p - (const uint8_t *)buf);
}

/* ------------------------------------------------------------------ hash */

#define HK1 0x9e3779b97f4a7c15ull
#define HK2 0xd6e8feb86659fd93ull
#define HK3 0xc2b2ae3d27d4eb4full

static inline uint64_t rotl64(uint64_t x, unsigned r)
{
    return (x << r) | (x >> (64 - r));
}

static inline uint64_t avalanche(uint64_t h)
{
    h ^= h >> 32;
    h *= HK2;
    h ^= h >> 29;
    h *= HK3;
    h ^= h >> 32;
    return h;
}

uint64_t hf_key_hash(const void *key, size_t len)
{
    const uint8_t *p = key;
    uint64_t a = HK1 ^ ((uint64_t)len * HK3), b = HK2 + len;
    while (len >= 16) {
        uint64_t w1, w2;
        memcpy(&w1, p, 8);
        memcpy(&w2, p + 8, 8);
        a = rotl64(a ^ (w1 * HK2), 31) * HK1;
        b = rotl64(b ^ (w2 * HK3), 29) * HK1;
        p += 16;
        len -= 16;
    }
    if (len >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        a = rotl64(a ^ (w * HK2), 31) * HK1;
        p += 8;
        len -= 8;
    }
    if (len) {
        uint64_t w = 0;
        memcpy(&w, p, len);
        b = rotl64(b ^ ((w + len) * HK3), 27) * HK1;
    }
    return avalanche(a ^ rotl64(b, 17) ^ avalanche(b));
}
