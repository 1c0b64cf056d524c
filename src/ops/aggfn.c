/*
 * aggfn.c - the aggregate functions and their accumulators (see aggfn.h
 * for the semantics and the result types).
 *
 * A value kept by an accumulator (MIN/MAX's multiset, FIRST/LAST's and
 * LISTAGG's lists, DISTINCT's map) is stored as its canonical bytes: the
 * 8-byte integer of numbers and times, the bits of FLOAT/DOUBLE with -0.0
 * folded to 0.0 and every NaN to one NaN, the 16 bytes of a DECIMAL at its
 * type's scale, the bytes of a string. So two values are equal exactly when
 * their bytes are, and an entry is found with memcmp. Entries are
 * (u32 length, bytes, i64 count) in arrival order; a group holds few of
 * them typically, and finding one is a scan.
 *
 * Saved form (the state value), per kind: COUNT: n; SUM/AVG: n and the
 * sum; STDDEV/VAR: n, sum, sum of squares; insert-only MIN/MAX/FIRST/LAST:
 * a flag and the value; lists: their count, length and entries; DISTINCT
 * appends its map. Native byte order: checkpoints are read back on the
 * machine kind that wrote them (state.h's format is versioned).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/decimal.h"
#include "ops/aggfn.h"

typedef __int128 i128;
typedef unsigned __int128 u128;

#define BUF_MAX (256u << 20) /* one accumulator's bytes */

static const char *const NAMES[] = {
    [HF_AGG_COUNT_STAR] = "COUNT",     [HF_AGG_COUNT] = "COUNT",
    [HF_AGG_SUM] = "SUM",              [HF_AGG_AVG] = "AVG",
    [HF_AGG_MIN] = "MIN",              [HF_AGG_MAX] = "MAX",
    [HF_AGG_FIRST_VALUE] = "FIRST_VALUE",
    [HF_AGG_LAST_VALUE] = "LAST_VALUE", [HF_AGG_LISTAGG] = "LISTAGG",
    [HF_AGG_STDDEV_POP] = "STDDEV_POP", [HF_AGG_STDDEV_SAMP] = "STDDEV_SAMP",
    [HF_AGG_VAR_POP] = "VAR_POP",      [HF_AGG_VAR_SAMP] = "VAR_SAMP",
};

const char *hf_aggfn_name(enum hf_aggfn_kind k)
{
    return NAMES[k];
}

int hf_aggfn_lookup(const char *name, enum hf_aggfn_kind *out)
{
    for (int k = HF_AGG_COUNT; k <= HF_AGG_VAR_SAMP; k++)
        if (strcasecmp(name, NAMES[k]) == 0) {
            *out = (enum hf_aggfn_kind)k;
            return 0;
        }
    return -1;
}

bool hf_aggfn_is_name(const char *name)
{
    enum hf_aggfn_kind k;
    return name && hf_aggfn_lookup(name, &k) == 0;
}

static bool is_integral(enum hf_type_id id)
{
    return id == HF_TINYINT || id == HF_SMALLINT || id == HF_INT ||
           id == HF_BIGINT;
}

static bool is_numeric(enum hf_type_id id)
{
    return is_integral(id) || id == HF_FLOAT || id == HF_DOUBLE ||
           id == HF_DECIMAL;
}

/* Types whose values the accumulators can keep as canonical bytes. */
static bool is_scalar(enum hf_type_id id)
{
    return id != HF_ARRAY && id != HF_ROW && id != HF_MAP &&
           id != HF_MULTISET;
}

/* Types MIN/MAX can order. */
static bool is_ordered(enum hf_type_id id)
{
    return is_scalar(id) && id != HF_JSON && id != HF_JSONB;
}

int hf_aggfn_init(struct hf_aggfn *fn, enum hf_aggfn_kind kind,
                  const struct hf_type *arg, bool distinct, bool retract,
                  char *why, size_t whylen)
{
    memset(fn, 0, sizeof *fn);
    fn->kind = kind;
    fn->distinct = distinct && kind != HF_AGG_COUNT_STAR;
    fn->retract = retract;
    fn->sep[0] = ',';
    fn->seplen = 1;
    if (arg)
        fn->arg = *arg;
    char tn[64];
    const char *name = NAMES[kind];
    if (kind != HF_AGG_COUNT_STAR && arg == NULL) {
        snprintf(why, whylen, "%s needs an argument", name);
        return -1;
    }
    if (arg && fn->distinct && !is_scalar(arg->id)) {
        snprintf(why, whylen, "%s(DISTINCT ...) over %s is not supported",
                 name, hf_type_name(arg, tn, sizeof tn));
        return -1;
    }
    struct hf_type r = arg ? *arg : hf_type_make(HF_BIGINT);
    r.not_null = false;
    switch (kind) {
    case HF_AGG_COUNT_STAR:
    case HF_AGG_COUNT:
        r = hf_type_make(HF_BIGINT);
        r.not_null = true;
        break;
    case HF_AGG_SUM:
    case HF_AGG_AVG:
        if (!is_numeric(arg->id)) {
            snprintf(why, whylen, "%s needs a numeric argument, found %s",
                     name, hf_type_name(arg, tn, sizeof tn));
            return -1;
        }
        if (arg->id == HF_DECIMAL) {
            r.precision = HF_DECIMAL_MAX_PRECISION;
            if (kind == HF_AGG_AVG && r.scale < 6)
                r.scale = 6;
        }
        break;
    case HF_AGG_STDDEV_POP:
    case HF_AGG_STDDEV_SAMP:
    case HF_AGG_VAR_POP:
    case HF_AGG_VAR_SAMP:
        if (!is_numeric(arg->id)) {
            snprintf(why, whylen, "%s needs a numeric argument, found %s",
                     name, hf_type_name(arg, tn, sizeof tn));
            return -1;
        }
        if (arg->id == HF_DECIMAL) { /* as AVG: Calcite's AVG_AGG_FUNCTION */
            r.precision = HF_DECIMAL_MAX_PRECISION;
            if (r.scale < 6)
                r.scale = 6;
        }
        break;
    case HF_AGG_MIN:
    case HF_AGG_MAX:
        if (!is_ordered(arg->id)) {
            snprintf(why, whylen, "%s over %s is not supported", name,
                     hf_type_name(arg, tn, sizeof tn));
            return -1;
        }
        break;
    case HF_AGG_FIRST_VALUE:
    case HF_AGG_LAST_VALUE:
        if (!is_scalar(arg->id)) {
            snprintf(why, whylen, "%s over %s is not supported", name,
                     hf_type_name(arg, tn, sizeof tn));
            return -1;
        }
        break;
    case HF_AGG_LISTAGG:
        if (arg->id != HF_VARCHAR && arg->id != HF_CHAR) {
            snprintf(why, whylen,
                     "LISTAGG needs a string argument, found %s; CAST it to "
                     "STRING",
                     hf_type_name(arg, tn, sizeof tn));
            return -1;
        }
        r = hf_type_make(HF_VARCHAR);
        r.length = HF_LEN_MAX;
        break;
    }
    r.not_null = kind == HF_AGG_COUNT || kind == HF_AGG_COUNT_STAR;
    fn->result = r;
    return 0;
}

/* ------------------------------------------------------------ values */

/* The canonical bytes of non-NULL v of type t, appended to b. */
static void put_val(const struct hf_type *t, const struct hf_value *v,
                    struct hf_strbuf *b)
{
    switch (t->id) {
    case HF_BOOLEAN:
        hf_strbuf_putc(b, v->v.b ? 1 : 0);
        return;
    case HF_FLOAT: {
        float f = v->v.f4;
        if (f == 0.0f)
            f = 0.0f;
        if (isnan(f))
            f = NAN;
        hf_strbuf_append(b, &f, sizeof f);
        return;
    }
    case HF_DOUBLE: {
        double f = v->v.f8;
        if (f == 0.0)
            f = 0.0;
        if (isnan(f))
            f = NAN;
        hf_strbuf_append(b, &f, sizeof f);
        return;
    }
    case HF_DECIMAL:
        hf_strbuf_append(b, &v->v.d, sizeof v->v.d);
        return;
    case HF_CHAR:
    case HF_VARCHAR:
    case HF_BYTES:
    case HF_JSON:
    case HF_JSONB:
        hf_strbuf_append(b, v->v.s.ptr, v->v.s.len);
        return;
    default:
        hf_strbuf_append(b, &v->v.i, sizeof v->v.i);
        return;
    }
}

/* The value of bytes p[0..len) (strings point into p). */
static void get_val(const struct hf_type *t, const char *p, uint32_t len,
                    struct hf_value *v)
{
    memset(v, 0, sizeof *v);
    switch (t->id) {
    case HF_BOOLEAN:
        v->v.b = len && p[0];
        return;
    case HF_FLOAT:
        memcpy(&v->v.f4, p, sizeof v->v.f4);
        return;
    case HF_DOUBLE:
        memcpy(&v->v.f8, p, sizeof v->v.f8);
        return;
    case HF_DECIMAL:
        memcpy(&v->v.d, p, sizeof v->v.d);
        return;
    case HF_CHAR:
    case HF_VARCHAR:
    case HF_BYTES:
    case HF_JSON:
    case HF_JSONB:
        v->v.s.ptr = p;
        v->v.s.len = len;
        return;
    default:
        memcpy(&v->v.i, p, sizeof v->v.i);
        return;
    }
}

static i128 dec_i128(struct hf_dec d)
{
    return (i128)(((u128)(uint64_t)d.hi << 64) | d.lo);
}

static struct hf_dec dec_of(i128 v)
{
    struct hf_dec d;
    d.lo = (uint64_t)(u128)v;
    d.hi = (int64_t)((u128)v >> 64);
    return d;
}

static const i128 DEC_LIMIT =
    (i128)10000000000000000000ULL * (i128)10000000000000000000ULL; /* 1e38 */

/* -1, 0, 1: x against y, both non-NULL of type t (Flink's order: numbers
 * by value, strings and bytes by unsigned bytes, BOOLEAN false < true). */
static int cmp_val(const struct hf_type *t, const struct hf_value *x,
                   const struct hf_value *y)
{
    switch (t->id) {
    case HF_BOOLEAN:
        return (int)x->v.b - (int)y->v.b;
    case HF_FLOAT:
        return x->v.f4 < y->v.f4 ? -1 : x->v.f4 > y->v.f4 ? 1 : 0;
    case HF_DOUBLE:
        return x->v.f8 < y->v.f8 ? -1 : x->v.f8 > y->v.f8 ? 1 : 0;
    case HF_DECIMAL:
        return hf_dec_cmp(x->v.d, y->v.d);
    case HF_CHAR:
    case HF_VARCHAR:
    case HF_BYTES:
    case HF_JSON:
    case HF_JSONB: {
        uint32_t n = x->v.s.len < y->v.s.len ? x->v.s.len : y->v.s.len;
        int c = n ? memcmp(x->v.s.ptr, y->v.s.ptr, n) : 0;
        if (c)
            return c < 0 ? -1 : 1;
        return x->v.s.len < y->v.s.len ? -1 : x->v.s.len > y->v.s.len ? 1 : 0;
    }
    default:
        return x->v.i < y->v.i ? -1 : x->v.i > y->v.i ? 1 : 0;
    }
}

bool hf_agg_value_eq(const struct hf_type *t, const struct hf_value *x,
                     const struct hf_value *y)
{
    if (x->null || y->null)
        return x->null == y->null;
    switch (t->id) {
    case HF_FLOAT:
        return memcmp(&x->v.f4, &y->v.f4, sizeof x->v.f4) == 0;
    case HF_DOUBLE:
        return memcmp(&x->v.f8, &y->v.f8, sizeof x->v.f8) == 0;
    case HF_DECIMAL:
        return x->v.d.lo == y->v.d.lo && x->v.d.hi == y->v.d.hi;
    case HF_CHAR:
    case HF_VARCHAR:
    case HF_BYTES:
    case HF_JSON:
    case HF_JSONB:
        return x->v.s.len == y->v.s.len &&
               (x->v.s.len == 0 ||
                memcmp(x->v.s.ptr, y->v.s.ptr, x->v.s.len) == 0);
    case HF_BOOLEAN:
        return x->v.b == y->v.b;
    default:
        if (!is_scalar(t->id))
            return x->v.a == y->v.a; /* nested results are not produced */
        return x->v.i == y->v.i;
    }
}

/* ------------------------------------------------------------ entries */

/* Entries in an entry list: u32 length, bytes, i64 count. */
struct entry {
    size_t off; /* of the length */
    uint32_t len;
    const char *bytes;
    int64_t count;
};

static bool entry_at(const struct hf_strbuf *l, size_t off, struct entry *e)
{
    if (off + 4 > l->len)
        return false;
    e->off = off;
    memcpy(&e->len, l->data + off, 4);
    e->bytes = l->data + off + 4;
    memcpy(&e->count, l->data + off + 4 + e->len, 8);
    return true;
}

static size_t entry_next(const struct entry *e)
{
    return e->off + 4 + e->len + 8;
}

/* The first entry equal to key[0..klen), or false. */
static bool entry_find(const struct hf_strbuf *l, const char *key,
                       uint32_t klen, struct entry *e)
{
    for (size_t off = 0; entry_at(l, off, e); off = entry_next(e))
        if (e->len == klen && (klen == 0 || memcmp(e->bytes, key, klen) == 0))
            return true;
    return false;
}

static void entry_set_count(struct hf_strbuf *l, const struct entry *e,
                            int64_t c)
{
    memcpy(l->data + e->off + 4 + e->len, &c, 8);
}

static void entry_remove(struct hf_strbuf *l, uint32_t *n,
                         const struct entry *e)
{
    size_t end = entry_next(e);
    memmove(l->data + e->off, l->data + end, l->len - end);
    l->len -= end - e->off;
    l->data[l->len] = 0;
    (*n)--;
}

static void entry_append(struct hf_strbuf *l, uint32_t *n, const char *key,
                         uint32_t klen, int64_t count)
{
    hf_strbuf_append(l, &klen, 4);
    hf_strbuf_append(l, key, klen);
    hf_strbuf_append(l, &count, 8);
    (*n)++;
}

/* Add `delta` to the count of key in l: a new entry when absent, removed
 * when the count reaches 0. Returns the count before. */
static int64_t entry_bump(struct hf_strbuf *l, uint32_t *n, const char *key,
                          uint32_t klen, int64_t delta)
{
    struct entry e;
    if (!entry_find(l, key, klen, &e)) {
        entry_append(l, n, key, klen, delta);
        return 0;
    }
    int64_t before = e.count;
    if (before + delta == 0)
        entry_remove(l, n, &e);
    else
        entry_set_count(l, &e, before + delta);
    return before;
}

/* ------------------------------------------------------------ accumulators */

void hf_agg_acc_init(struct hf_agg_acc *a)
{
    memset(a, 0, sizeof *a);
    hf_strbuf_init(&a->vbuf, BUF_MAX);
    hf_strbuf_init(&a->list, BUF_MAX);
    hf_strbuf_init(&a->dist, BUF_MAX);
    hf_strbuf_init(&a->tmp, BUF_MAX);
    hf_strbuf_init(&a->dkey, BUF_MAX);
}

void hf_agg_acc_reset(struct hf_agg_acc *a)
{
    a->n = 0;
    a->isum = 0;
    a->fsum = a->f2 = 0;
    a->dsum = dec_of(0);
    a->has = false;
    memset(&a->v, 0, sizeof a->v);
    hf_strbuf_reset(&a->vbuf);
    hf_strbuf_reset(&a->list);
    hf_strbuf_reset(&a->dist);
    a->nlist = a->ndist = 0;
}

void hf_agg_acc_free(struct hf_agg_acc *a)
{
    hf_strbuf_free(&a->vbuf);
    hf_strbuf_free(&a->list);
    hf_strbuf_free(&a->dist);
    hf_strbuf_free(&a->tmp);
    hf_strbuf_free(&a->dkey);
}

/* Does fn keep its values in `list`? */
static bool uses_list(const struct hf_aggfn *fn)
{
    switch (fn->kind) {
    case HF_AGG_LISTAGG:
        return true;
    case HF_AGG_MIN:
    case HF_AGG_MAX:
    case HF_AGG_FIRST_VALUE:
    case HF_AGG_LAST_VALUE:
        return fn->retract;
    default:
        return false;
    }
}

static double as_double(const struct hf_type *t, const struct hf_value *v)
{
    switch (t->id) {
    case HF_FLOAT:
        return v->v.f4;
    case HF_DOUBLE:
        return v->v.f8;
    case HF_DECIMAL:
        return hf_dec_to_double(v->v.d, t->scale);
    default:
        return (double)v->v.i;
    }
}

/* Keep v (non-NULL) as the single value of an insert-only accumulator. */
static void keep_value(const struct hf_aggfn *fn, struct hf_agg_acc *a,
                       const struct hf_value *v)
{
    hf_strbuf_reset(&a->vbuf);
    put_val(&fn->arg, v, &a->vbuf);
    get_val(&fn->arg, a->vbuf.data ? a->vbuf.data : "", (uint32_t)a->vbuf.len,
            &a->v);
    a->has = true;
}

/* The inner function: x (non-NULL unless COUNT(*)) added (sign 1) or
 * removed (sign -1). */
static int inner(const struct hf_aggfn *fn, struct hf_agg_acc *a,
                 const struct hf_value *v, int sign, struct hf_error *err)
{
    const struct hf_type *t = &fn->arg;
    switch (fn->kind) {
    case HF_AGG_COUNT_STAR:
    case HF_AGG_COUNT:
        a->n += sign;
        return 0;
    case HF_AGG_SUM:
    case HF_AGG_AVG:
        a->n += sign;
        if (t->id == HF_FLOAT || t->id == HF_DOUBLE) {
            a->fsum += sign * as_double(t, v);
        } else if (t->id == HF_DECIMAL) {
            i128 s = dec_i128(a->dsum), x = dec_i128(v->v.d);
            s = sign > 0 ? s + x : s - x;
            if (s >= DEC_LIMIT || s <= -DEC_LIMIT)
                return hf_error_set(err, HF_ERR_DATA,
                                    "%s overflows DECIMAL(38, %u)",
                                    NAMES[fn->kind], t->scale);
            a->dsum = dec_of(s);
        } else {
            /* Java's long arithmetic: wraps. */
            a->isum = (int64_t)((uint64_t)a->isum +
                                (uint64_t)(sign > 0 ? v->v.i : -v->v.i));
        }
        return 0;
    case HF_AGG_STDDEV_POP:
    case HF_AGG_STDDEV_SAMP:
    case HF_AGG_VAR_POP:
    case HF_AGG_VAR_SAMP: {
        double x = as_double(t, v);
        a->n += sign;
        a->fsum += sign * x;
        a->f2 += sign * x * x;
        if (a->n == 0)
            a->fsum = a->f2 = 0; /* no drift once every value is gone */
        return 0;
    }
    case HF_AGG_MIN:
    case HF_AGG_MAX:
        if (!fn->retract) {
            if (sign < 0)
                return 0;
            int c = a->has ? cmp_val(t, v, &a->v) : 0;
            if (!a->has || (fn->kind == HF_AGG_MIN ? c < 0 : c > 0))
                keep_value(fn, a, v);
            return 0;
        }
        hf_strbuf_reset(&a->tmp);
        put_val(t, v, &a->tmp);
        entry_bump(&a->list, &a->nlist, a->tmp.data ? a->tmp.data : "",
                   (uint32_t)a->tmp.len, sign);
        return 0;
    case HF_AGG_FIRST_VALUE:
    case HF_AGG_LAST_VALUE:
    case HF_AGG_LISTAGG:
        if (!uses_list(fn)) {
            if (sign < 0)
                return 0;
            if (!a->has || fn->kind == HF_AGG_LAST_VALUE)
                keep_value(fn, a, v);
            return 0;
        }
        hf_strbuf_reset(&a->tmp);
        put_val(t, v, &a->tmp);
        if (sign > 0) {
            entry_append(&a->list, &a->nlist, a->tmp.data ? a->tmp.data : "",
                         (uint32_t)a->tmp.len, 1);
        } else {
            struct entry e;
            if (entry_find(&a->list, a->tmp.data ? a->tmp.data : "",
                           (uint32_t)a->tmp.len, &e))
                entry_remove(&a->list, &a->nlist, &e);
        }
        return 0;
    }
    return 0;
}

static int step(const struct hf_aggfn *fn, struct hf_agg_acc *a,
                const struct hf_value *v, int sign, struct hf_error *err)
{
    if (fn->kind != HF_AGG_COUNT_STAR && (v == NULL || v->null))
        return 0; /* NULLs are ignored */
    int rc = 0;
    if (fn->distinct) {
        struct hf_strbuf *kb = &a->dkey;
        hf_strbuf_reset(kb);
        put_val(&fn->arg, v, kb);
        const char *k = kb->data ? kb->data : "";
        uint32_t klen = (uint32_t)kb->len;
        struct entry e;
        if (sign > 0) {
            int64_t before = entry_bump(&a->dist, &a->ndist, k, klen, 1);
            if (before == 0)
                rc = inner(fn, a, v, 1, err);
        } else if (entry_find(&a->dist, k, klen, &e)) {
            if (e.count == 1) {
                entry_remove(&a->dist, &a->ndist, &e);
                rc = inner(fn, a, v, -1, err);
            } else {
                entry_set_count(&a->dist, &e, e.count - 1);
            }
        }
        if (!hf_strbuf_ok(kb))
            rc = hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    } else {
        rc = inner(fn, a, v, sign, err);
    }
    if (rc == 0 && (!hf_strbuf_ok(&a->list) || !hf_strbuf_ok(&a->dist) ||
                    !hf_strbuf_ok(&a->vbuf) || !hf_strbuf_ok(&a->tmp)))
        rc = hf_error_set(err, HF_ERR_NOMEM,
                          "%s: an accumulator is larger than %u MiB",
                          NAMES[fn->kind], BUF_MAX >> 20);
    return rc;
}

int hf_agg_acc_add(const struct hf_aggfn *fn, struct hf_agg_acc *a,
                   const struct hf_value *v, struct hf_error *err)
{
    return step(fn, a, v, 1, err);
}

int hf_agg_acc_retract(const struct hf_aggfn *fn, struct hf_agg_acc *a,
                       const struct hf_value *v, struct hf_error *err)
{
    return step(fn, a, v, -1, err);
}

int hf_agg_acc_merge(const struct hf_aggfn *fn, struct hf_agg_acc *a,
                     const struct hf_agg_acc *b, struct hf_error *err)
{
    struct entry e;
    struct hf_value v;
    if (fn->distinct) {
        /* The inner function sees the values new to a. */
        for (size_t off = 0; entry_at(&b->dist, off, &e); off = entry_next(&e)) {
            if (e.count <= 0)
                continue;
            get_val(&fn->arg, e.bytes, e.len, &v);
            int64_t before = entry_bump(&a->dist, &a->ndist, e.bytes, e.len,
                                        e.count);
            if (before <= 0 && before + e.count > 0 &&
                inner(fn, a, &v, 1, err) != 0)
                return -1;
        }
        return 0;
    }
    switch (fn->kind) {
    case HF_AGG_MIN:
    case HF_AGG_MAX:
        if (!fn->retract) {
            if (b->has)
                return inner(fn, a, &b->v, 1, err);
            return 0;
        }
        for (size_t off = 0; entry_at(&b->list, off, &e); off = entry_next(&e))
            entry_bump(&a->list, &a->nlist, e.bytes, e.len, e.count);
        return 0;
    case HF_AGG_FIRST_VALUE:
    case HF_AGG_LAST_VALUE:
    case HF_AGG_LISTAGG:
        if (!uses_list(fn)) {
            if (b->has && (!a->has || fn->kind == HF_AGG_LAST_VALUE))
                keep_value(fn, a, &b->v);
            return 0;
        }
        for (size_t off = 0; entry_at(&b->list, off, &e); off = entry_next(&e))
            entry_append(&a->list, &a->nlist, e.bytes, e.len, e.count);
        return 0;
    default:
        a->n += b->n;
        a->isum = (int64_t)((uint64_t)a->isum + (uint64_t)b->isum);
        a->fsum += b->fsum;
        a->f2 += b->f2;
        {
            i128 s = dec_i128(a->dsum) + dec_i128(b->dsum);
            if (s >= DEC_LIMIT || s <= -DEC_LIMIT)
                return hf_error_set(err, HF_ERR_DATA,
                                    "%s overflows DECIMAL(38, %u)",
                                    NAMES[fn->kind], fn->arg.scale);
            a->dsum = dec_of(s);
        }
        return 0;
    }
}

/* Wrap an integer to the width of t (Java's narrowing). */
static int64_t narrow(enum hf_type_id id, int64_t x)
{
    switch (id) {
    case HF_TINYINT:
        return (int8_t)x;
    case HF_SMALLINT:
        return (int16_t)x;
    case HF_INT:
        return (int32_t)x;
    default:
        return x;
    }
}

/* A double into the result type r (integers truncate toward zero). */
static void from_double(const struct hf_type *r, double x, struct hf_value *out)
{
    if (r->id == HF_DECIMAL)
        out->null = isnan(x) || hf_dec_from_double(x, r->precision, r->scale,
                                                   &out->v.d) != 0;
    else if (r->id == HF_FLOAT)
        out->v.f4 = (float)x;
    else if (r->id == HF_DOUBLE)
        out->v.f8 = x;
    else if (isnan(x))
        out->null = true;
    else
        out->v.i = narrow(r->id, (int64_t)x);
}

void hf_agg_acc_value(const struct hf_aggfn *fn, struct hf_agg_acc *a,
                      struct hf_value *out)
{
    const struct hf_type *t = &fn->arg;
    memset(out, 0, sizeof *out);
    struct entry e;
    switch (fn->kind) {
    case HF_AGG_COUNT_STAR:
    case HF_AGG_COUNT:
        out->v.i = a->n;
        return;
    case HF_AGG_SUM:
        if (a->n <= 0) {
            out->null = true;
            return;
        }
        if (t->id == HF_FLOAT)
            out->v.f4 = (float)a->fsum;
        else if (t->id == HF_DOUBLE)
            out->v.f8 = a->fsum;
        else if (t->id == HF_DECIMAL)
            out->v.d = a->dsum;
        else
            out->v.i = narrow(t->id, a->isum);
        return;
    case HF_AGG_AVG:
        if (a->n <= 0) {
            out->null = true;
            return;
        }
        if (t->id == HF_FLOAT || t->id == HF_DOUBLE) {
            from_double(&fn->result, a->fsum / (double)a->n, out);
        } else if (t->id == HF_DECIMAL) {
            i128 s = dec_i128(a->dsum);
            for (int k = t->scale; k < fn->result.scale; k++)
                s *= 10; /* |sum| < 1e38, scale up by at most 6: fits */
            i128 q = s / a->n, rem = s % a->n;
            if ((rem < 0 ? -rem : rem) * 2 >= (i128)a->n)
                q += s < 0 ? -1 : 1; /* HALF_UP */
            out->v.d = dec_of(q);
        } else {
            out->v.i = narrow(t->id, a->isum / a->n);
        }
        return;
    case HF_AGG_STDDEV_POP:
    case HF_AGG_STDDEV_SAMP:
    case HF_AGG_VAR_POP:
    case HF_AGG_VAR_SAMP: {
        bool samp = fn->kind == HF_AGG_STDDEV_SAMP ||
                    fn->kind == HF_AGG_VAR_SAMP;
        if (a->n <= 0 || (samp && a->n == 1)) {
            out->null = true;
            return;
        }
        double n = (double)a->n;
        double var = (a->f2 - a->fsum * a->fsum / n) / (samp ? n - 1 : n);
        if (var < 0)
            var = 0; /* rounding */
        if (fn->kind == HF_AGG_STDDEV_POP || fn->kind == HF_AGG_STDDEV_SAMP)
            var = sqrt(var);
        from_double(&fn->result, var, out);
        return;
    }
    case HF_AGG_MIN:
    case HF_AGG_MAX:
        if (!fn->retract) {
            if (a->has)
                *out = a->v;
            else
                out->null = true;
            return;
        }
        out->null = true;
        for (size_t off = 0; entry_at(&a->list, off, &e); off = entry_next(&e)) {
            if (e.count <= 0)
                continue;
            struct hf_value v;
            get_val(t, e.bytes, e.len, &v);
            int c = out->null ? 0 : cmp_val(t, &v, out);
            if (out->null || (fn->kind == HF_AGG_MIN ? c < 0 : c > 0))
                *out = v;
        }
        return;
    case HF_AGG_FIRST_VALUE:
    case HF_AGG_LAST_VALUE:
        if (!fn->retract) {
            if (a->has)
                *out = a->v;
            else
                out->null = true;
            return;
        }
        out->null = true;
        for (size_t off = 0; entry_at(&a->list, off, &e); off = entry_next(&e)) {
            get_val(t, e.bytes, e.len, out);
            if (fn->kind == HF_AGG_FIRST_VALUE)
                return;
        }
        return;
    case HF_AGG_LISTAGG: {
        if (a->nlist == 0) {
            out->null = true;
            return;
        }
        hf_strbuf_reset(&a->tmp);
        bool first = true;
        for (size_t off = 0; entry_at(&a->list, off, &e); off = entry_next(&e)) {
            if (!first)
                hf_strbuf_append(&a->tmp, fn->sep, fn->seplen);
            hf_strbuf_append(&a->tmp, e.bytes, e.len);
            first = false;
        }
        out->v.s.ptr = a->tmp.data ? a->tmp.data : "";
        out->v.s.len = (uint32_t)a->tmp.len;
        return;
    }
    }
}

/* ------------------------------------------------------------ bytes */

static void put_list(struct hf_strbuf *out, const struct hf_strbuf *l,
                     uint32_t n)
{
    uint32_t len = (uint32_t)l->len;
    hf_strbuf_append(out, &n, 4);
    hf_strbuf_append(out, &len, 4);
    hf_strbuf_append(out, l->data ? l->data : "", len);
}

void hf_agg_acc_save(const struct hf_aggfn *fn, const struct hf_agg_acc *a,
                     struct hf_strbuf *out)
{
    switch (fn->kind) {
    case HF_AGG_COUNT_STAR:
    case HF_AGG_COUNT:
        hf_strbuf_append(out, &a->n, 8);
        break;
    case HF_AGG_SUM:
    case HF_AGG_AVG:
        hf_strbuf_append(out, &a->n, 8);
        if (fn->arg.id == HF_FLOAT || fn->arg.id == HF_DOUBLE)
            hf_strbuf_append(out, &a->fsum, 8);
        else if (fn->arg.id == HF_DECIMAL)
            hf_strbuf_append(out, &a->dsum, 16);
        else
            hf_strbuf_append(out, &a->isum, 8);
        break;
    case HF_AGG_STDDEV_POP:
    case HF_AGG_STDDEV_SAMP:
    case HF_AGG_VAR_POP:
    case HF_AGG_VAR_SAMP:
        hf_strbuf_append(out, &a->n, 8);
        hf_strbuf_append(out, &a->fsum, 8);
        hf_strbuf_append(out, &a->f2, 8);
        break;
    default:
        if (uses_list(fn)) {
            put_list(out, &a->list, a->nlist);
        } else {
            hf_strbuf_putc(out, a->has ? 1 : 0);
            if (a->has) {
                uint32_t len = (uint32_t)a->vbuf.len;
                hf_strbuf_append(out, &len, 4);
                hf_strbuf_append(out, a->vbuf.data ? a->vbuf.data : "", len);
            }
        }
        break;
    }
    if (fn->distinct)
        put_list(out, &a->dist, a->ndist);
}

struct rd {
    const char *p;
    size_t len, off;
    bool bad;
};

static void rd_get(struct rd *r, void *dst, size_t n)
{
    if (r->bad || r->off + n > r->len) {
        r->bad = true;
        memset(dst, 0, n);
        return;
    }
    memcpy(dst, r->p + r->off, n);
    r->off += n;
}

static void rd_list(struct rd *r, struct hf_strbuf *l, uint32_t *n)
{
    uint32_t len = 0;
    rd_get(r, n, 4);
    rd_get(r, &len, 4);
    if (r->bad || r->off + len > r->len) {
        r->bad = true;
        return;
    }
    hf_strbuf_append(l, r->p + r->off, len);
    r->off += len;
}

long hf_agg_acc_load(const struct hf_aggfn *fn, struct hf_agg_acc *a,
                     const void *buf, size_t len, struct hf_error *err)
{
    hf_agg_acc_reset(a);
    struct rd r = {.p = buf, .len = len};
    switch (fn->kind) {
    case HF_AGG_COUNT_STAR:
    case HF_AGG_COUNT:
        rd_get(&r, &a->n, 8);
        break;
    case HF_AGG_SUM:
    case HF_AGG_AVG:
        rd_get(&r, &a->n, 8);
        if (fn->arg.id == HF_FLOAT || fn->arg.id == HF_DOUBLE)
            rd_get(&r, &a->fsum, 8);
        else if (fn->arg.id == HF_DECIMAL)
            rd_get(&r, &a->dsum, 16);
        else
            rd_get(&r, &a->isum, 8);
        break;
    case HF_AGG_STDDEV_POP:
    case HF_AGG_STDDEV_SAMP:
    case HF_AGG_VAR_POP:
    case HF_AGG_VAR_SAMP:
        rd_get(&r, &a->n, 8);
        rd_get(&r, &a->fsum, 8);
        rd_get(&r, &a->f2, 8);
        break;
    default:
        if (uses_list(fn)) {
            rd_list(&r, &a->list, &a->nlist);
        } else {
            uint8_t has = 0;
            rd_get(&r, &has, 1);
            if (has) {
                uint32_t vlen = 0;
                rd_get(&r, &vlen, 4);
                if (r.bad || r.off + vlen > r.len) {
                    r.bad = true;
                    break;
                }
                hf_strbuf_append(&a->vbuf, r.p + r.off, vlen);
                r.off += vlen;
                get_val(&fn->arg, a->vbuf.data ? a->vbuf.data : "", vlen,
                        &a->v);
                a->has = true;
            }
        }
        break;
    }
    if (fn->distinct)
        rd_list(&r, &a->dist, &a->ndist);
    if (r.bad)
        return hf_error_set(err, HF_ERR_DATA,
                            "%s: the stored accumulator is truncated or of "
                            "another function",
                            NAMES[fn->kind]);
    if (!hf_strbuf_ok(&a->list) || !hf_strbuf_ok(&a->dist) ||
        !hf_strbuf_ok(&a->vbuf))
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    return (long)r.off;
}
