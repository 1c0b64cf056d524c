/*
 * types.c - type names, PostgreSQL counterparts, assignability, schemas.
 */
#include "core/types.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"

static const char *const rowkind_short[] = {"+I", "-U", "+U", "-D"};

const char *hf_rowkind_short(enum hf_rowkind k)
{
    return (unsigned)k < 4 ? rowkind_short[k] : "?";
}

/* Flink name and PostgreSQL name of each scalar type. */
static const struct {
    const char *flink;
    const char *pg;
} type_names[HF_TYPE__COUNT] = {
    [HF_BOOLEAN] = {"BOOLEAN", "bool"},
    [HF_TINYINT] = {"TINYINT", "int2"},
    [HF_SMALLINT] = {"SMALLINT", "int2"},
    [HF_INT] = {"INT", "int4"},
    [HF_BIGINT] = {"BIGINT", "int8"},
    [HF_FLOAT] = {"FLOAT", "float4"},
    [HF_DOUBLE] = {"DOUBLE", "float8"},
    [HF_DECIMAL] = {"DECIMAL", "numeric"},
    [HF_CHAR] = {"CHAR", "text"},
    [HF_VARCHAR] = {"VARCHAR", "text"},
    [HF_BYTES] = {"BYTES", "bytea"},
    [HF_DATE] = {"DATE", "date"},
    [HF_TIME] = {"TIME", "time"},
    [HF_TIMESTAMP] = {"TIMESTAMP", "timestamp"},
    [HF_TIMESTAMP_LTZ] = {"TIMESTAMP_LTZ", "timestamptz"},
    [HF_ARRAY] = {"ARRAY", "array"},
    [HF_JSON] = {"JSON", "json"},
    [HF_JSONB] = {"JSONB", "jsonb"},
    [HF_INTERVAL_YM] = {"INTERVAL YEAR TO MONTH", "interval"},
    [HF_INTERVAL_DT] = {"INTERVAL DAY TO SECOND(3)", "interval"},
    [HF_ROW] = {"ROW", "jsonb"},
    [HF_MAP] = {"MAP", "jsonb"},
    [HF_MULTISET] = {"MULTISET", "jsonb"},
};

/* Appends to a fixed buffer, truncating (and always NUL-terminating). */
struct tbuf {
    char *p;
    size_t n, len;
};

static void tput(struct tbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void tput(struct tbuf *b, const char *fmt, ...)
{
    if (b->n == 0 || b->len >= b->n - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(b->p + b->len, b->n - b->len, fmt, ap);
    va_end(ap);
    if (w > 0)
        b->len += (size_t)w;
    if (b->len > b->n - 1)
        b->len = b->n - 1;
}

static void flink_name(struct tbuf *b, const struct hf_type *t, bool nested)
{
    switch (t->id) {
    case HF_DECIMAL:
        tput(b, "DECIMAL(%d, %d)", t->precision, t->scale);
        break;
    case HF_VARCHAR:
        if (t->length == HF_LEN_MAX)
            tput(b, "STRING");
        else
            tput(b, "VARCHAR(%d)", (int)t->length);
        break;
    case HF_CHAR:
        tput(b, "CHAR(%d)", (int)t->length);
        break;
    case HF_TIME:
    case HF_TIMESTAMP:
    case HF_TIMESTAMP_LTZ:
        tput(b, "%s(%d)", type_names[t->id].flink, t->precision);
        break;
    case HF_ARRAY:
    case HF_MULTISET:
    case HF_MAP:
    case HF_ROW: {
        tput(b, "%s<", type_names[t->id].flink);
        uint32_t n = hf_type_arity(t);
        if (t->id == HF_MULTISET)
            n = 1;
        for (uint32_t i = 0; i < n; i++) {
            if (i > 0)
                tput(b, ", ");
            const char *fname = hf_type_field_name(t, i);
            if (fname)
                tput(b, "`%s` ", fname);
            flink_name(b, hf_type_child(t, i), true);
        }
        tput(b, ">");
        break;
    }
    default:
        if ((unsigned)t->id < HF_TYPE__COUNT)
            tput(b, "%s", type_names[t->id].flink);
        else
            tput(b, "?");
    }
    if (nested && t->not_null)
        tput(b, " NOT NULL");
}

const char *hf_type_name(const struct hf_type *t, char *buf, size_t n)
{
    struct tbuf b = {buf, n, 0};
    if (n)
        buf[0] = '\0';
    flink_name(&b, t, false);
    return buf;
}

const char *hf_type_pg_name(const struct hf_type *t, char *buf, size_t n)
{
    switch (t->id) {
    case HF_DECIMAL:
        snprintf(buf, n, "numeric(%d,%d)", t->precision, t->scale);
        break;
    case HF_ARRAY: {
        const struct hf_type *e = hf_type_child(t, 0);
        while (e->id == HF_ARRAY)
            e = hf_type_child(e, 0);
        char inner[32];
        hf_type_pg_name(e, inner, sizeof inner);
        snprintf(buf, n, "%.31s[]", inner);
        break;
    }
    default:
        snprintf(buf, n, "%s", (unsigned)t->id < HF_TYPE__COUNT
                                   ? type_names[t->id].pg
                                   : "?");
    }
    return buf;
}

struct hf_type hf_type_make(enum hf_type_id id)
{
    struct hf_type t = {.id = id, .elem = HF_INT, .length = HF_LEN_MAX};
    switch (id) {
    case HF_DECIMAL:
        t.precision = 10;
        t.scale = 0;
        break;
    case HF_CHAR:
        t.length = 1;
        break;
    case HF_TIME:
        t.precision = 0;
        break;
    case HF_TIMESTAMP:
    case HF_TIMESTAMP_LTZ:
        t.precision = 6;
        break;
    default:
        break;
    }
    return t;
}

bool hf_type_is_integer(enum hf_type_id id)
{
    return id == HF_TINYINT || id == HF_SMALLINT || id == HF_INT ||
           id == HF_BIGINT;
}

bool hf_type_is_numeric(enum hf_type_id id)
{
    return hf_type_is_integer(id) || id == HF_FLOAT || id == HF_DOUBLE ||
           id == HF_DECIMAL;
}

bool hf_type_is_nested(enum hf_type_id id)
{
    return id == HF_ARRAY || id == HF_MULTISET || id == HF_MAP || id == HF_ROW;
}

bool hf_type_is_string(enum hf_type_id id)
{
    return id == HF_CHAR || id == HF_VARCHAR || id == HF_JSON ||
           id == HF_JSONB;
}

static int int_rank(enum hf_type_id id)
{
    switch (id) {
    case HF_TINYINT: return 1;
    case HF_SMALLINT: return 2;
    case HF_INT: return 3;
    case HF_BIGINT: return 4;
    default: return 0;
    }
}

bool hf_type_assignable(const struct hf_type *from, const struct hf_type *to)
{
    if (from->id == to->id) {
        if (!hf_type_is_nested(from->id))
            return true; /* lengths/precision are checked per value */
        /* Nested: child by child (ROW fields by position, names aside, as
         * Flink's implicit casts of ROW do). */
        uint32_t n = hf_type_arity(from);
        if (n != hf_type_arity(to))
            return false;
        for (uint32_t i = 0; i < n; i++)
            if (!hf_type_assignable(hf_type_child(from, i),
                                    hf_type_child(to, i)))
                return false;
        return true;
    }
    if (hf_type_is_integer(from->id) && hf_type_is_integer(to->id))
        return int_rank(from->id) <= int_rank(to->id);
    if (hf_type_is_integer(from->id) &&
        (to->id == HF_DECIMAL || to->id == HF_DOUBLE || to->id == HF_FLOAT))
        return true;
    if (from->id == HF_FLOAT && to->id == HF_DOUBLE)
        return true;
    if (from->id == HF_DECIMAL && to->id == HF_DOUBLE)
        return true;
    if (hf_type_is_string(from->id) && hf_type_is_string(to->id))
        return true;
    if ((from->id == HF_TIMESTAMP || from->id == HF_TIMESTAMP_LTZ) &&
        (to->id == HF_TIMESTAMP || to->id == HF_TIMESTAMP_LTZ))
        return true;
    return false;
}

int hf_schema_find(const struct hf_schema *s, const char *name)
{
    for (uint32_t i = 0; i < s->ncols; i++)
        if (strcmp(s->cols[i].name, name) == 0)
            return (int)i;
    return -1;
}

void hf_schema_free(struct hf_schema *s)
{
    if (s == NULL)
        return;
    for (uint32_t i = 0; i < s->ncols; i++) {
        free(s->cols[i].name);
        free(s->cols[i].meta_key);
        free(s->cols[i].comment);
        free(s->cols[i].expr);
    }
    free(s->cols);
    free(s->pk);
    free(s->part);
    memset(s, 0, sizeof *s);
}

static char *dup_or_null(const char *s, bool *fail)
{
    if (s == NULL)
        return NULL;
    char *d = strdup(s);
    if (d == NULL)
        *fail = true;
    return d;
}

int hf_schema_copy(struct hf_schema *dst, const struct hf_schema *src)
{
    bool fail = false;
    memset(dst, 0, sizeof *dst);
    dst->ncols = src->ncols;
    dst->cols = calloc(src->ncols ? src->ncols : 1, sizeof *dst->cols);
    dst->pk = calloc(src->npk ? src->npk : 1, sizeof *dst->pk);
    dst->part = calloc(src->npart ? src->npart : 1, sizeof *dst->part);
    if (!dst->cols || !dst->pk || !dst->part) {
        hf_schema_free(dst);
        return -1;
    }
    for (uint32_t i = 0; i < src->ncols; i++) {
        dst->cols[i] = src->cols[i];
        dst->cols[i].name = dup_or_null(src->cols[i].name, &fail);
        dst->cols[i].meta_key = dup_or_null(src->cols[i].meta_key, &fail);
        dst->cols[i].comment = dup_or_null(src->cols[i].comment, &fail);
        dst->cols[i].expr = dup_or_null(src->cols[i].expr, &fail);
    }
    dst->npk = src->npk;
    if (src->npk)
        memcpy(dst->pk, src->pk, src->npk * sizeof *dst->pk);
    dst->npart = src->npart;
    if (src->npart)
        memcpy(dst->part, src->part, src->npart * sizeof *dst->part);
    if (fail) {
        hf_schema_free(dst);
        return -1;
    }
    return 0;
}

long hf_value_copy(struct hf_arena *a, const struct hf_type *t,
                   struct hf_value *dst, const struct hf_value *src,
                   bool strip_nul)
{
    *dst = *src;
    if (src->null)
        return 1;
    if (hf_type_is_string(t->id) || t->id == HF_BYTES) {
        uint32_t len = src->v.s.len;
        char *p = hf_arena_alloc(a, len ? len : 1);
        if (p == NULL)
            return -1;
        if (strip_nul && t->id != HF_BYTES) {
            uint32_t o = 0;
            for (uint32_t i = 0; i < len; i++)
                if (src->v.s.ptr[i] != '\0')
                    p[o++] = src->v.s.ptr[i];
            len = o;
        } else if (len) {
            memcpy(p, src->v.s.ptr, len);
        }
        dst->v.s.ptr = p;
        dst->v.s.len = len;
        return (long)len + 4;
    }
    if (hf_type_is_nested(t->id) && src->v.a) {
        const struct hf_array *sa = src->v.a;
        struct hf_array *arr = hf_array_new(a, t, sa->n);
        if (arr == NULL)
            return -1;
        uint32_t items = hf_array_nitems(t, sa);
        uint32_t arity = hf_type_arity(t);
        long total = 16;
        for (uint32_t i = 0; i < items; i++) {
            /* ARRAY: child 0 for every item; ROW: field i; MAP: key, value
             * alternating. */
            uint32_t c = t->id == HF_ROW ? i : (arity == 2 ? i % 2 : 0);
            long n = hf_value_copy(a, hf_type_child(t, c), &arr->items[i],
                                   &sa->items[i], strip_nul);
            if (n < 0)
                return -1;
            total += n;
        }
        arr->elem = sa->elem;
        dst->v.a = arr;
        return total;
    }
    return t->id == HF_DECIMAL ? 16 : 8;
}

uint32_t hf_array_nitems(const struct hf_type *t, const struct hf_array *x)
{
    return (t->id == HF_MAP || t->id == HF_MULTISET) ? 2 * x->n : x->n;
}

struct hf_array *hf_array_new(struct hf_arena *a, const struct hf_type *t,
                              uint32_t n)
{
    size_t items = (t->id == HF_MAP || t->id == HF_MULTISET) ? 2 * (size_t)n
                                                             : (size_t)n;
    struct hf_array *arr =
        hf_arena_alloc(a, sizeof *arr + items * sizeof(struct hf_value));
    if (arr == NULL)
        return NULL;
    arr->elem = t->id == HF_ARRAY ? hf_type_child(t, 0)->id : t->id;
    arr->n = n;
    arr->items = (struct hf_value *)(arr + 1);
    for (size_t i = 0; i < items; i++) {
        memset(&arr->items[i], 0, sizeof arr->items[i]);
        arr->items[i].null = true;
    }
    return arr;
}
