/*
 * type_nest.c - the children of nested types (ARRAY, MULTISET, MAP, ROW).
 *
 * A nested type's children live in a `struct hf_type_nest` that is interned
 * in one process-wide table: the same child list (names, types, parameters
 * and nullability, recursively) is built once and shared by every copy of
 * every type that has it. That keeps `struct hf_type` a plain value that
 * schemas, expression nodes and option tables copy without owning
 * anything, and makes type equality a pointer comparison for the nested
 * part. Entries are never freed: a process meets only the types its job
 * declares or derives, a bounded set, and the table stays reachable from a
 * static root until exit.
 *
 * @locality any thread; the table is guarded by a mutex (types are made
 * while planning and decoding schemas, never per row).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/types.h"

struct entry {
    struct entry *next;
    uint64_t hash;
    struct hf_type_nest nest; /* flexible: must stay last */
};

static pthread_mutex_t table_mu = PTHREAD_MUTEX_INITIALIZER;
static struct entry **table; /* the static root of every entry */
static size_t table_cap, table_count;

/* ------------------------------------------------------------ hashing */

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h;
}

static uint64_t hash_type(uint64_t h, const struct hf_type *t)
{
    h = mix(h, (uint64_t)t->id);
    h = mix(h, (uint64_t)t->elem);
    h = mix(h, (uint64_t)(uint32_t)t->length);
    h = mix(h, ((uint64_t)t->precision << 16) | ((uint64_t)t->scale << 8) |
                   (uint64_t)t->not_null);
    return mix(h, (uint64_t)(uintptr_t)t->nest);
}

static uint64_t hash_fields(uint32_t n, const struct hf_field *f)
{
    uint64_t h = mix(0x51ed2701ULL, n);
    for (uint32_t i = 0; i < n; i++) {
        if (f[i].name)
            for (const char *c = f[i].name; *c; c++)
                h = mix(h, (unsigned char)*c);
        else
            h = mix(h, 0xfeedULL);
        h = hash_type(h, &f[i].type);
    }
    return h;
}

/* Exact equality of two child types as the table sees them: every
 * parameter, and the (already interned) nest pointer. */
static bool same_child(const struct hf_type *a, const struct hf_type *b)
{
    return a->id == b->id && a->elem == b->elem && a->length == b->length &&
           a->precision == b->precision && a->scale == b->scale &&
           a->not_null == b->not_null && a->nest == b->nest;
}

static bool same_fields(const struct hf_type_nest *x, uint32_t n,
                        const struct hf_field *f)
{
    if (x->n != n)
        return false;
    for (uint32_t i = 0; i < n; i++) {
        const char *a = x->f[i].name, *b = f[i].name;
        if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0))
            return false;
        if (!same_child(&x->f[i].type, &f[i].type))
            return false;
    }
    return true;
}

/* Normalise a child before it goes into the table: parameters that mean
 * nothing for its type are zeroed, so equal types intern once. */
static struct hf_type norm(const struct hf_type *t)
{
    struct hf_type c = *t;
    if (c.id != HF_ARRAY)
        c.elem = HF_INT;
    if (c.id != HF_CHAR && c.id != HF_VARCHAR && c.id != HF_BYTES)
        c.length = HF_LEN_MAX;
    if (c.id != HF_DECIMAL && c.id != HF_TIME && c.id != HF_TIMESTAMP &&
        c.id != HF_TIMESTAMP_LTZ)
        c.precision = 0;
    if (c.id != HF_DECIMAL)
        c.scale = 0;
    if (!hf_type_is_nested(c.id))
        c.nest = NULL;
    return c;
}

static int grow_table(void)
{
    size_t ncap = table_cap ? table_cap * 2 : 64;
    struct entry **nt = calloc(ncap, sizeof *nt);
    if (nt == NULL)
        return -1;
    for (size_t i = 0; i < table_cap; i++) {
        struct entry *e = table[i];
        while (e) {
            struct entry *next = e->next;
            size_t k = (size_t)(e->hash & (ncap - 1));
            e->next = nt[k];
            nt[k] = e;
            e = next;
        }
    }
    free(table);
    table = nt;
    table_cap = ncap;
    return 0;
}

/* The interned child list equal to f[0..n) (NULL when out of memory). */
static const struct hf_type_nest *intern(uint32_t n, const struct hf_field *in)
{
    struct hf_field f[n ? n : 1];
    for (uint32_t i = 0; i < n; i++) {
        f[i].name = in[i].name;
        f[i].type = norm(&in[i].type);
    }
    uint64_t h = hash_fields(n, f);
    const struct hf_type_nest *found = NULL;
    pthread_mutex_lock(&table_mu);
    if (table_cap) {
        for (struct entry *e = table[h & (table_cap - 1)]; e; e = e->next)
            if (e->hash == h && same_fields(&e->nest, n, f)) {
                found = &e->nest;
                break;
            }
    }
    if (found == NULL &&
        (table_count + 1 <= table_cap / 2 || grow_table() == 0)) {
        size_t names = 0;
        for (uint32_t i = 0; i < n; i++)
            if (f[i].name)
                names += strlen(f[i].name) + 1;
        size_t head =
            sizeof(struct entry) + (size_t)n * sizeof(struct hf_field);
        struct entry *e = calloc(1, head + names);
        if (e != NULL) {
            char *p = (char *)e + head;
            e->hash = h;
            e->nest.n = n;
            for (uint32_t i = 0; i < n; i++) {
                e->nest.f[i].type = f[i].type;
                e->nest.f[i].name = NULL;
                if (f[i].name) {
                    size_t l = strlen(f[i].name) + 1;
                    memcpy(p, f[i].name, l);
                    e->nest.f[i].name = p;
                    p += l;
                }
            }
            size_t k = (size_t)(h & (table_cap - 1));
            e->next = table[k];
            table[k] = e;
            table_count++;
            found = &e->nest;
        }
    }
    pthread_mutex_unlock(&table_mu);
    return found;
}

/* ------------------------------------------------------------ makers */

static int make(struct hf_type *out, enum hf_type_id id, uint32_t n,
                const struct hf_field *f)
{
    const struct hf_type_nest *x = intern(n, f);
    if (x == NULL)
        return -1;
    *out = hf_type_make(id);
    out->nest = x;
    if (id == HF_ARRAY)
        out->elem = f[0].type.id;
    return 0;
}

int hf_type_array(struct hf_type *out, const struct hf_type *elem)
{
    struct hf_field f = {.name = NULL, .type = *elem};
    return make(out, HF_ARRAY, 1, &f);
}

int hf_type_multiset(struct hf_type *out, const struct hf_type *elem)
{
    struct hf_field f = {.name = NULL, .type = *elem};
    return make(out, HF_MULTISET, 1, &f);
}

int hf_type_map(struct hf_type *out, const struct hf_type *key,
                const struct hf_type *value)
{
    struct hf_field f[2] = {{.name = NULL, .type = *key},
                            {.name = NULL, .type = *value}};
    return make(out, HF_MAP, 2, f);
}

int hf_type_row(struct hf_type *out, uint32_t n, const char *const *names,
                const struct hf_type *types)
{
    struct hf_field f[n ? n : 1];
    char gen[n ? n : 1][16];
    for (uint32_t i = 0; i < n; i++) {
        if (names) {
            f[i].name = names[i];
        } else {
            snprintf(gen[i], sizeof gen[i], "EXPR$%u", i);
            f[i].name = gen[i];
        }
        f[i].type = types[i];
    }
    return make(out, HF_ROW, n, f);
}

/* ------------------------------------------------------------ access */

static pthread_once_t defaults_once = PTHREAD_ONCE_INIT;
static struct hf_type default_elem[HF_TYPE__COUNT];
static struct hf_type count_type;

static void init_defaults(void)
{
    for (int i = 0; i < HF_TYPE__COUNT; i++)
        default_elem[i] = hf_type_make((enum hf_type_id)i);
    count_type = hf_type_make(HF_INT);
    count_type.not_null = true;
}

uint32_t hf_type_arity(const struct hf_type *t)
{
    switch (t->id) {
    case HF_ARRAY:
    case HF_MULTISET:
        return 1;
    case HF_MAP:
        return 2;
    case HF_ROW:
        return t->nest ? t->nest->n : 0;
    default:
        return 0;
    }
}

const struct hf_type *hf_type_child(const struct hf_type *t, uint32_t i)
{
    if (t->id == HF_MULTISET && i == 1) {
        pthread_once(&defaults_once, init_defaults);
        return &count_type;
    }
    if (t->nest && i < t->nest->n)
        return &t->nest->f[i].type;
    pthread_once(&defaults_once, init_defaults);
    if (t->id == HF_ARRAY && (unsigned)t->elem < HF_TYPE__COUNT)
        return &default_elem[t->elem];
    return &default_elem[HF_VARCHAR];
}

struct hf_type hf_type_elem(const struct hf_type *t)
{
    if (t->nest || t->id != HF_ARRAY)
        return *hf_type_child(t, 0);
    struct hf_type e = hf_type_make(t->elem);
    if ((e.id == HF_DECIMAL || e.id == HF_TIME || e.id == HF_TIMESTAMP ||
         e.id == HF_TIMESTAMP_LTZ) &&
        t->precision != 0) {
        e.precision = t->precision;
        e.scale = t->scale;
    }
    return e;
}

const char *hf_type_field_name(const struct hf_type *t, uint32_t i)
{
    if (t->id != HF_ROW || t->nest == NULL || i >= t->nest->n)
        return NULL;
    return t->nest->f[i].name;
}

int hf_type_row_find(const struct hf_type *t, const char *name)
{
    if (t->id != HF_ROW || t->nest == NULL)
        return -1;
    for (uint32_t i = 0; i < t->nest->n; i++)
        if (t->nest->f[i].name && strcmp(t->nest->f[i].name, name) == 0)
            return (int)i;
    return -1;
}

bool hf_type_equal(const struct hf_type *a, const struct hf_type *b)
{
    if (a->id != b->id)
        return false;
    switch (a->id) {
    case HF_DECIMAL:
        return a->precision == b->precision && a->scale == b->scale;
    case HF_CHAR:
    case HF_VARCHAR:
    case HF_BYTES:
        return a->length == b->length;
    case HF_TIME:
    case HF_TIMESTAMP:
    case HF_TIMESTAMP_LTZ:
        return a->precision == b->precision;
    case HF_ARRAY:
    case HF_MULTISET:
    case HF_MAP:
    case HF_ROW: {
        if (a->nest == b->nest && a->elem == b->elem)
            return true;
        uint32_t n = hf_type_arity(a);
        if (n != hf_type_arity(b))
            return false;
        for (uint32_t i = 0; i < n; i++) {
            const struct hf_type *x = hf_type_child(a, i),
                                 *y = hf_type_child(b, i);
            if (x->not_null != y->not_null || !hf_type_equal(x, y))
                return false;
            const char *nx = hf_type_field_name(a, i),
                       *ny = hf_type_field_name(b, i);
            if (nx && ny && strcmp(nx, ny) != 0)
                return false;
        }
        return true;
    }
    default:
        return true;
    }
}

bool hf_type_contains(const struct hf_type *t, enum hf_type_id id)
{
    if (t->id == id)
        return true;
    uint32_t n = hf_type_arity(t);
    for (uint32_t i = 0; i < n; i++)
        if (hf_type_contains(hf_type_child(t, i), id))
            return true;
    return false;
}
