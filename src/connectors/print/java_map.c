/*
 * java_map.c - Java hash codes and java.util.HashMap iteration order (see
 * java_map.h).
 *
 * HashMap keeps a power-of-two table (16 buckets at the first put), puts an
 * entry at the end of the list of bucket (h ^ h >>> 16) & (size - 1), and
 * doubles the table when the entry count passes 3/4 of its size, or when a
 * list reaches 8 entries while the table has fewer than 64 buckets.
 * Doubling keeps the relative order of the entries of a list, so the
 * iteration order is: by bucket of the final table, then by insertion.
 * (A list of 9 or more entries in a table of 64 buckets or more becomes a
 * tree, which reorders it; keys that collide that much do not occur in
 * practice and are not modelled.)
 */
#include "connectors/print/java_map.h"

#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"

/* ------------------------------------------------------------ hash codes */

static int32_t jint(uint32_t u)
{
    return (int32_t)u;
}

/* String.hashCode(): over UTF-16 code units of the UTF-8 text. */
static uint32_t string_hash(const char *s, uint32_t len)
{
    uint32_t h = 0;
    uint32_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp;
        uint32_t l = c < 0x80             ? 1
                     : (c & 0xE0) == 0xC0 ? 2
                     : (c & 0xF0) == 0xE0 ? 3
                     : (c & 0xF8) == 0xF0 ? 4
                                          : 1;
        if (i + l > len)
            l = 1;
        if (l == 1) {
            cp = c;
        } else {
            cp = c & (0x7F >> l);
            for (uint32_t k = 1; k < l; k++)
                cp = (cp << 6) | ((unsigned char)s[i + k] & 0x3F);
        }
        i += l;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            h = 31 * h + (0xD800 + (cp >> 10));
            h = 31 * h + (0xDC00 + (cp & 0x3FF));
        } else {
            h = 31 * h + cp;
        }
    }
    return h;
}

static uint32_t long_hash(int64_t v)
{
    uint64_t u = (uint64_t)v;
    return (uint32_t)(u ^ (u >> 32));
}

/* BigDecimal.hashCode(): 31 * unscaled.hashCode() + scale, where
 * BigInteger.hashCode() runs over the magnitude's 32-bit words from the
 * most significant, times the sign. */
static uint32_t decimal_hash(struct hf_dec d, int scale)
{
    bool neg = d.hi < 0;
    uint64_t lo = d.lo, hi = (uint64_t)d.hi;
    if (neg) {
        lo = ~lo + 1;
        hi = ~hi + (lo == 0 ? 1 : 0);
    }
    uint32_t w[4] = {(uint32_t)(hi >> 32), (uint32_t)hi, (uint32_t)(lo >> 32),
                     (uint32_t)lo};
    uint32_t h = 0;
    int k = 0;
    while (k < 4 && w[k] == 0)
        k++;
    for (; k < 4; k++)
        h = 31 * h + w[k];
    if (neg)
        h = (uint32_t)0 - h;
    return 31 * h + (uint32_t)scale;
}

static uint32_t date_hash(int64_t days)
{
    int64_t y;
    unsigned m, d;
    hf_civil_from_days(days, &y, &m, &d);
    uint32_t yv = (uint32_t)(int32_t)y;
    return (yv & 0xFFFFF800u) ^ ((yv << 11) + (m << 6) + d);
}

static uint32_t time_hash(int64_t usec_of_day)
{
    return long_hash(usec_of_day * 1000); /* LocalTime: nanos of day */
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

bool hf_java_hash(const struct hf_type *t, const struct hf_value *v, int32_t *h)
{
    switch (t->id) {
    case HF_BOOLEAN:
        *h = v->v.b ? 1231 : 1237;
        return true;
    case HF_TINYINT:
    case HF_SMALLINT:
    case HF_INT:
        *h = (int32_t)v->v.i;
        return true;
    case HF_BIGINT:
        *h = jint(long_hash(v->v.i));
        return true;
    case HF_FLOAT: {
        uint32_t bits;
        float f = v->v.f4;
        if (f != f)
            bits = 0x7fc00000u; /* floatToIntBits: one NaN */
        else
            memcpy(&bits, &f, 4);
        *h = jint(bits);
        return true;
    }
    case HF_DOUBLE: {
        uint64_t bits;
        double d = v->v.f8;
        if (d != d)
            bits = 0x7ff8000000000000ull;
        else
            memcpy(&bits, &d, 8);
        *h = jint((uint32_t)(bits ^ (bits >> 32)));
        return true;
    }
    case HF_DECIMAL:
        *h = jint(decimal_hash(v->v.d, t->scale));
        return true;
    case HF_CHAR:
    case HF_VARCHAR:
    case HF_JSON:
    case HF_JSONB:
        *h = jint(string_hash(v->v.s.ptr, v->v.s.len));
        return true;
    case HF_DATE:
        *h = jint(date_hash(v->v.i));
        return true;
    case HF_TIME:
        *h = jint(time_hash(v->v.i));
        return true;
    case HF_TIMESTAMP: {
        int64_t days = floor_div(v->v.i, HF_USEC_PER_DAY);
        *h = jint(date_hash(days) ^ time_hash(v->v.i - days * HF_USEC_PER_DAY));
        return true;
    }
    case HF_TIMESTAMP_LTZ: {
        /* Instant: ((int) (seconds ^ seconds >>> 32)) + 51 * nanos */
        int64_t secs = floor_div(v->v.i, HF_USEC_PER_SEC);
        int64_t nanos = (v->v.i - secs * HF_USEC_PER_SEC) * 1000;
        *h = jint(long_hash(secs) + 51u * (uint32_t)nanos);
        return true;
    }
    default:
        return false;
    }
}

/* ------------------------------------------------------------ HashMap */

static uint32_t spread(int32_t h)
{
    uint32_t u = (uint32_t)h;
    return u ^ (u >> 16);
}

struct slot {
    uint32_t hash;
    uint32_t entry;
};

static int by_bucket(const void *a, const void *b, void *mask)
{
    const struct slot *x = a, *y = b;
    uint32_t m = *(const uint32_t *)mask;
    uint32_t bx = x->hash & m, by = y->hash & m;
    if (bx != by)
        return bx < by ? -1 : 1;
    return x->entry < y->entry ? -1 : x->entry > y->entry ? 1 : 0;
}

/* Insertion sort by (bucket, insertion): n is small, and qsort_r is not
 * portable. */
static void sort_slots(struct slot *s, uint32_t n, uint32_t mask)
{
    for (uint32_t i = 1; i < n; i++) {
        struct slot x = s[i];
        uint32_t j = i;
        while (j > 0 && by_bucket(&s[j - 1], &x, &mask) > 0) {
            s[j] = s[j - 1];
            j--;
        }
        s[j] = x;
    }
}

void hf_java_hashmap_order(const struct hf_type *kt, const struct hf_array *a,
                           uint32_t *order)
{
    uint32_t n = a->n;
    for (uint32_t i = 0; i < n; i++)
        order[i] = i;
    if (n < 2)
        return;
    struct slot *s = malloc((size_t)n * sizeof *s);
    if (s == NULL)
        return;
    for (uint32_t i = 0; i < n; i++) {
        const struct hf_value *k = &a->items[2 * i];
        int32_t h = 0;
        if (!k->null && !hf_java_hash(kt, k, &h)) {
            free(s);
            return;
        }
        s[i].hash = spread(h);
        s[i].entry = i;
    }
    /* Replay the puts to find the final table size. */
    uint32_t cap = 16;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t chain = 0;
        for (uint32_t j = 0; j < i; j++)
            if ((s[j].hash & (cap - 1)) == (s[i].hash & (cap - 1)))
                chain++;
        if (chain >= 8 && cap < 64)
            cap *= 2; /* treeifyBin on a small table resizes */
        if (i + 1 > cap / 4 * 3)
            cap *= 2;
    }
    sort_slots(s, n, cap - 1);
    for (uint32_t i = 0; i < n; i++)
        order[i] = s[i].entry;
    free(s);
}
