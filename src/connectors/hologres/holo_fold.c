/*
 * holo_fold.c - per-key folding shard buffer (rules in holo_fold.h).
 *
 * Entries sit in arrival order in `entries`; `slots` is an open-addressing
 * index from key hash to entry, sized to at least twice the entry count so
 * probes stay short. Values are deep-copied into the buffer's arena with
 * one bump allocation per row plus one per string.
 */
#include "connectors/hologres/holo_fold.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HOLO_ARENA_SPARE ((size_t)16 * 1024 * 1024)

/* ------------------------------------------------------------ hashing */

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h *= 0xff51afd7ed558ccdULL;
    return h ^ (h >> 33);
}

/* FNV-1a of n bytes; with skip_nul the NUL bytes are left out (text
 * whose U+0000 the sink removes hashes as the text it writes). */
static uint64_t hash_bytes(uint64_t h, const void *p, size_t n, bool skip_nul)
{
    const unsigned char *s = p;
    uint64_t x = 0xcbf29ce484222325ULL;
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (skip_nul && s[i] == 0)
            continue;
        x ^= s[i];
        x *= 0x100000001b3ULL;
        kept++;
    }
    return mix(h, x ^ kept);
}

static uint64_t hash_value(uint64_t h, const struct hf_type *t,
                           const struct hf_value *v, bool strip_nul)
{
    if (v->null)
        return mix(h, 0x6e756c6cULL);
    switch (t->id) {
    case HF_BOOLEAN:
        return mix(h, v->v.b ? 1 : 2);
    case HF_FLOAT: {
        double d = v->v.f4;
        return hash_bytes(h, &d, sizeof d, false);
    }
    case HF_DOUBLE:
        return hash_bytes(h, &v->v.f8, sizeof v->v.f8, false);
    case HF_DECIMAL:
        return mix(mix(h, v->v.d.lo), (uint64_t)v->v.d.hi);
    case HF_CHAR:
    case HF_VARCHAR:
    case HF_BYTES:
    case HF_JSON:
    case HF_JSONB:
        return hash_bytes(h, v->v.s.ptr, v->v.s.len,
                          strip_nul && t->id != HF_BYTES);
    case HF_ARRAY:
    case HF_ROW:
    case HF_MAP:
    case HF_MULTISET:
        /* nested values are never key columns; their size suffices */
        return mix(h, v->v.a ? v->v.a->n : 0);
    default:
        return mix(h, (uint64_t)v->v.i);
    }
}

uint64_t holo_key_hash(const struct hf_value *row, const uint32_t *pk,
                       uint32_t npk, const struct hf_schema *schema,
                       bool strip_nul)
{
    uint64_t h = 0x243f6a8885a308d3ULL;
    for (uint32_t k = 0; k < npk; k++)
        h = hash_value(h, &schema->cols[pk[k]].type, &row[pk[k]], strip_nul);
    return h;
}

/* Text a (as buffered: NULs already removed) equals text b once b's NUL
 * bytes are left out. */
static bool eq_without_nul(const struct hf_value *a, const struct hf_value *b)
{
    uint32_t i = 0;
    for (uint32_t j = 0; j < b->v.s.len; j++) {
        if (b->v.s.ptr[j] == '\0')
            continue;
        if (i == a->v.s.len || a->v.s.ptr[i] != b->v.s.ptr[j])
            return false;
        i++;
    }
    return i == a->v.s.len;
}

bool holo_value_eq(const struct hf_type *t, const struct hf_value *a,
                   const struct hf_value *b)
{
    if (a->null || b->null)
        return a->null && b->null;
    switch (t->id) {
    case HF_BOOLEAN:
        return a->v.b == b->v.b;
    case HF_FLOAT:
        return memcmp(&a->v.f4, &b->v.f4, sizeof a->v.f4) == 0;
    case HF_DOUBLE:
        return memcmp(&a->v.f8, &b->v.f8, sizeof a->v.f8) == 0;
    case HF_DECIMAL:
        return a->v.d.lo == b->v.d.lo && a->v.d.hi == b->v.d.hi;
    case HF_CHAR:
    case HF_VARCHAR:
    case HF_BYTES:
    case HF_JSON:
    case HF_JSONB:
        return a->v.s.len == b->v.s.len &&
               memcmp(a->v.s.ptr, b->v.s.ptr, a->v.s.len) == 0;
    case HF_ARRAY:
    case HF_ROW:
    case HF_MAP:
    case HF_MULTISET: {
        /* Item by item (maps in entry order: a value compared with itself
         * or its copy). */
        const struct hf_array *x = a->v.a, *y = b->v.a;
        if (x == NULL || y == NULL || x->n != y->n)
            return x == y;
        uint32_t items = hf_array_nitems(t, x);
        bool map = t->id == HF_MAP || t->id == HF_MULTISET;
        for (uint32_t i = 0; i < items; i++) {
            const struct hf_type *ct =
                t->id == HF_ARRAY ? NULL
                                  : hf_type_child(t, t->id == HF_ROW ? i
                                                     : map           ? i % 2
                                                                     : 0);
            struct hf_type et;
            if (ct == NULL) {
                et = hf_type_elem(t);
                ct = &et;
            }
            if (!holo_value_eq(ct, &x->items[i], &y->items[i]))
                return false;
        }
        return true;
    }
    default:
        return a->v.i == b->v.i;
    }
}

/* ------------------------------------------------------------ storage */

static int64_t mono_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static uint32_t pow2_at_least(uint32_t n)
{
    uint32_t p = 16;
    while (p < n)
        p <<= 1;
    return p;
}

/* How copy_row() copies a column: the value alone (8 or 16 bytes
 * accounted), its text or bytes too, or through hf_value_copy(). */
enum { COPY_FIXED, COPY_DECIMAL, COPY_TEXT, COPY_TEXT_STRIP };

/* b->col_copy for the buffer's columns (text whose NULs are removed:
 * COPY_TEXT_STRIP); left NULL (every column through hf_value_copy())
 * when a column is nested. 0 or -1. */
static int set_col_copy(struct holo_buffer *b)
{
    b->col_copy = NULL;
    for (uint32_t c = 0; c < b->ncols; c++)
        if (hf_type_is_nested(b->schema->cols[c].type.id))
            return 0;
    b->col_copy = malloc(b->ncols ? b->ncols : 1);
    if (b->col_copy == NULL)
        return -1;
    for (uint32_t c = 0; c < b->ncols; c++) {
        enum hf_type_id id = b->schema->cols[c].type.id;
        b->col_copy[c] = hf_type_is_string(id)
                             ? (b->remove_u0000 ? COPY_TEXT_STRIP : COPY_TEXT)
                         : id == HF_BYTES   ? COPY_TEXT
                         : id == HF_DECIMAL ? COPY_DECIMAL
                                            : COPY_FIXED;
    }
    return 0;
}

int holo_buffer_init(struct holo_buffer *b, const struct hf_schema *schema,
                     const uint32_t *pk, uint32_t npk,
                     const struct holo_config *cfg, uint32_t cap)
{
    memset(b, 0, sizeof *b);
    b->ncols = schema->ncols;
    b->schema = schema;
    b->pk = pk;
    b->npk = npk;
    b->on_conflict = cfg->on_conflict;
    b->ignore_null = cfg->ignore_null_when_update;
    /* Check-and-put and conflict expressions read the stored row, so
     * every change of a key must reach the server in order. */
    b->fold = cfg->deduplication && cfg->cap_column == NULL &&
              cfg->conflict_update_set == NULL && cfg->conflict_where == NULL;
    b->remove_u0000 = cfg->remove_u0000;
    if (set_col_copy(b) != 0)
        return -1;
    b->cap = cap ? cap : 16;
    b->entries = calloc(b->cap, sizeof *b->entries);
    b->nslots = pow2_at_least(b->cap * 2);
    b->slots = calloc(b->nslots, sizeof *b->slots);
    hf_arena_init(&b->arena);
    /* The buffer's arena grows to a whole COPY's rows every round: a
     * reset keeps what it grew to (up to 16 MiB), memory this buffer
     * holds anyway at its peak, instead of a malloc and fresh pages per
     * chunk per round. */
    hf_arena_set_spare_max(&b->arena, HOLO_ARENA_SPARE);
    if (b->entries == NULL || b->slots == NULL) {
        holo_buffer_free(b);
        return -1;
    }
    return 0;
}

void holo_buffer_free(struct holo_buffer *b)
{
    free(b->col_copy);
    b->col_copy = NULL;
    free(b->entries);
    free(b->slots);
    hf_arena_free(&b->arena);
    b->entries = NULL;
    b->slots = NULL;
    b->n = 0;
}

void holo_buffer_reset(struct holo_buffer *b)
{
    if (b->n)
        memset(b->slots, 0, b->nslots * sizeof *b->slots);
    b->n = 0;
    b->bytes = 0;
    b->nchanges = 0;
    b->first_usec = 0;
    hf_arena_reset(&b->arena);
}

static int grow(struct holo_buffer *b)
{
    uint32_t cap = b->cap * 2;
    struct holo_entry *e = realloc(b->entries, cap * sizeof *e);
    if (e == NULL)
        return -1;
    b->entries = e;
    b->cap = cap;
    uint32_t nslots = pow2_at_least(cap * 2);
    uint32_t *slots = calloc(nslots, sizeof *slots);
    if (slots == NULL)
        return -1;
    free(b->slots);
    b->slots = slots;
    b->nslots = nslots;
    if (b->npk == 0)
        return 0;
    for (uint32_t i = 0; i < b->n; i++) {
        uint32_t s = (uint32_t)b->entries[i].hash & (nslots - 1);
        while (slots[s])
            s = (s + 1) & (nslots - 1);
        slots[s] = i + 1;
    }
    return 0;
}

/* Copy one value into the arena (NULs removed from text when the sink
 * removes them); returns bytes accounted, or -1. */
static long copy_value(struct holo_buffer *b, const struct hf_type *t,
                       struct hf_value *dst, const struct hf_value *src)
{
    /* NULLs and fixed-width values in place, as hf_value_copy() would */
    if (src->null) {
        *dst = *src;
        return 1;
    }
    if (!hf_type_is_string(t->id) && t->id != HF_BYTES &&
        !hf_type_is_nested(t->id)) {
        *dst = *src;
        return t->id == HF_DECIMAL ? 16 : 8;
    }
    return hf_value_copy(&b->arena, t, dst, src, b->remove_u0000);
}

/* Copy text s[0..n) to d (n below 64: eight or four bytes at a time,
 * the tail as the overlapping word that ends at n) and say whether it
 * holds a NUL byte, both in one pass over the bytes (from 64 bytes on,
 * looked for only when `check`). */
static inline bool copy_text_has_nul(char *d, const char *s, uint32_t n,
                                     bool check)
{
#define ZERO_IN_(w, one, high) ((((w) - (one)) & ~(w) & (high)) != 0)
    if (n >= 64) {
        memcpy(d, s, n);
        return check && memchr(s, 0, n) != NULL;
    }
    if (n >= 8) {
        const uint64_t one = UINT64_C(0x0101010101010101),
                       high = UINT64_C(0x8080808080808080);
        uint64_t w, z = 0;
        uint32_t i = 0;
        for (; i + 8 <= n; i += 8) {
            memcpy(&w, s + i, 8);
            memcpy(d + i, &w, 8);
            z |= ZERO_IN_(w, one, high);
        }
        if (i < n) {
            memcpy(&w, s + n - 8, 8);
            memcpy(d + n - 8, &w, 8);
            z |= ZERO_IN_(w, one, high);
        }
        return z != 0;
    }
    if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        memcpy(d, &a, 4);
        memcpy(d + n - 4, &b, 4);
        return ZERO_IN_(a, UINT32_C(0x01010101), UINT32_C(0x80808080)) ||
               ZERO_IN_(b, UINT32_C(0x01010101), UINT32_C(0x80808080));
    }
    bool z = false;
    for (uint32_t i = 0; i < n; i++) {
        d[i] = s[i];
        z |= s[i] == '\0';
    }
    return z;
#undef ZERO_IN_
}

/* Copy a whole row into fresh arena storage. */
static struct hf_value *copy_row(struct holo_buffer *b,
                                 const struct hf_value *row, size_t *bytes)
{
    if (b->col_copy != NULL) {
        /* One allocation: the values, then the bytes of their text. The
         * bytes accounted are hf_value_copy()'s. */
        size_t text = 0;
        for (uint32_t c = 0; c < b->ncols; c++)
            if (b->col_copy[c] >= COPY_TEXT && !row[c].null)
                text += row[c].v.s.len;
        struct hf_value *dst =
            hf_arena_alloc(&b->arena, b->ncols * sizeof *dst + text);
        if (dst == NULL)
            return NULL;
        char *p = (char *)(dst + b->ncols);
        size_t total = 0;
        for (uint32_t c = 0; c < b->ncols; c++) {
            dst[c] = row[c];
            if (row[c].null) {
                total += 1;
                continue;
            }
            switch (b->col_copy[c]) {
            case COPY_TEXT:
            case COPY_TEXT_STRIP: {
                uint32_t len = row[c].v.s.len;
                bool strip = b->col_copy[c] == COPY_TEXT_STRIP;
                if (copy_text_has_nul(p, row[c].v.s.ptr, len, strip) &&
                    strip) {
                    uint32_t o = 0;
                    for (uint32_t i = 0; i < len; i++)
                        if (p[i] != '\0')
                            p[o++] = p[i];
                    len = o;
                    dst[c].v.s.len = len;
                }
                dst[c].v.s.ptr = p;
                p += len;
                total += (size_t)len + 4;
                break;
            }
            case COPY_DECIMAL:
                total += 16;
                break;
            default:
                total += 8;
                break;
            }
        }
        *bytes = total;
        return dst;
    }
    struct hf_value *dst = hf_arena_alloc(&b->arena, b->ncols * sizeof *dst);
    if (dst == NULL)
        return NULL;
    size_t total = 0;
    for (uint32_t c = 0; c < b->ncols; c++) {
        long n = copy_value(b, &b->schema->cols[c].type, &dst[c], &row[c]);
        if (n < 0)
            return NULL;
        total += (size_t)n;
    }
    *bytes = total;
    return dst;
}

static struct holo_entry *find(struct holo_buffer *b, uint64_t hash,
                               const struct hf_value *row, uint32_t **slotp)
{
    uint32_t s = (uint32_t)hash & (b->nslots - 1);
    while (b->slots[s]) {
        struct holo_entry *e = &b->entries[b->slots[s] - 1];
        if (e->hash == hash) {
            bool same = true;
            for (uint32_t k = 0; k < b->npk && same; k++) {
                uint32_t c = b->pk[k];
                const struct hf_type *t = &b->schema->cols[c].type;
                if (b->remove_u0000 && hf_type_is_string(t->id) && !e->vals[c].null &&
                    !row[c].null)
                    same = eq_without_nul(&e->vals[c], &row[c]);
                else
                    same = holo_value_eq(t, &e->vals[c], &row[c]);
            }
            if (same) {
                *slotp = &b->slots[s];
                return e;
            }
        }
        s = (s + 1) & (b->nslots - 1);
    }
    *slotp = &b->slots[s];
    return NULL;
}

static bool is_pk(const struct holo_buffer *b, uint32_t c)
{
    for (uint32_t k = 0; k < b->npk; k++)
        if (b->pk[k] == c)
            return true;
    return false;
}

/* NULL every non-key value of an entry (NON_PK_FIELD_TO_NULL). */
static void null_non_pk(struct holo_buffer *b, struct hf_value *vals)
{
    for (uint32_t c = 0; c < b->ncols; c++)
        if (!is_pk(b, c))
            vals[c].null = true;
}

/* Fold upsert `row` into the values of entry e (UPDATE semantics). */
static int merge_update(struct holo_buffer *b, struct holo_entry *e,
                        const struct hf_value *row, size_t *bytes)
{
    size_t total = 0;
    for (uint32_t c = 0; c < b->ncols; c++) {
        if (b->ignore_null && row[c].null)
            continue;
        long n = copy_value(b, &b->schema->cols[c].type, &e->vals[c], &row[c]);
        if (n < 0)
            return -1;
        total += (size_t)n;
    }
    *bytes = total;
    return 0;
}

/* Before a fold changes entry e: keep a copy of it as e->prior and give e
 * its own copy of the value array (strings stay shared: they are never
 * changed). 0 or -1 (out of memory). */
static int remember(struct holo_buffer *b, struct holo_entry *e, size_t *bytes)
{
    struct holo_entry *p = hf_arena_alloc(&b->arena, sizeof *p);
    struct hf_value *v = hf_arena_alloc(&b->arena, b->ncols * sizeof *v);
    if (p == NULL || v == NULL)
        return -1;
    *p = *e;
    memcpy(v, e->vals, b->ncols * sizeof *v);
    e->prior = p;
    e->vals = v;
    *bytes += sizeof *p + b->ncols * sizeof *v;
    return 0;
}

/* Apply change N to the existing entry E: 0 folded, 2 folded without
 * changing E (INSERT_OR_IGNORE: the first row wins), 1 cannot fold (flush
 * first), -1 out of memory. */
static int fold_into(struct holo_buffer *b, struct holo_entry *e,
                     enum holo_action n, const struct hf_value *row)
{
    size_t bytes = 0;
    enum holo_action ea = (enum holo_action)e->action;
    /* Changes that leave the entry as it is need no prior state. */
    bool same = (n == HOLO_ACT_UPSERT && ea != HOLO_ACT_DELETE &&
                 ea != HOLO_ACT_NULLIFY && b->on_conflict == HOLO_OC_IGNORE) ||
                (n == HOLO_ACT_NULLIFY &&
                 (ea == HOLO_ACT_DELETE || ea == HOLO_ACT_NULLIFY)) ||
                (n == HOLO_ACT_DELETE && ea == HOLO_ACT_DELETE);
    /* NULLIFY after an UPSERT cannot become one UPSERT with NULLs when
     * the upsert ignores NULLs (they would keep the stored values), nor
     * with INSERT_OR_IGNORE (an existing row would not be touched). */
    if ((n == HOLO_ACT_UPSERT && ea == HOLO_ACT_NULLIFY) ||
        (n == HOLO_ACT_NULLIFY && ea == HOLO_ACT_UPSERT &&
         (b->on_conflict == HOLO_OC_IGNORE || b->ignore_null)))
        return 1;
    if (!same && remember(b, e, &bytes) != 0)
        return -1;
    switch (n) {
    case HOLO_ACT_UPSERT:
        if (ea == HOLO_ACT_DELETE) {
            struct hf_value *v = copy_row(b, row, &bytes);
            if (v == NULL)
                return -1;
            e->vals = v;
            e->action = HOLO_ACT_REPLACE;
            break;
        }
        /* UPSERT or REPLACE entry: keep its action. */
        if (b->on_conflict == HOLO_OC_IGNORE)
            return 2; /* the first row wins: the entry is unchanged */
        if (b->on_conflict == HOLO_OC_REPLACE && !b->ignore_null) {
            struct hf_value *v = copy_row(b, row, &bytes);
            if (v == NULL)
                return -1;
            e->vals = v;
            break;
        }
        if (merge_update(b, e, row, &bytes) != 0)
            return -1;
        break;
    case HOLO_ACT_DELETE:
        e->action = HOLO_ACT_DELETE;
        break;
    case HOLO_ACT_NULLIFY:
        if (ea == HOLO_ACT_DELETE || ea == HOLO_ACT_NULLIFY)
            break;
        null_non_pk(b, e->vals);
        break;
    default:
        return 1;
    }
    b->bytes += bytes;
    return 0;
}

int holo_buffer_put(struct holo_buffer *b, enum holo_action action,
                    enum hf_rowkind kind, const struct hf_value *row,
                    uint64_t hash, int64_t origin, const char *src_name)
{
    uint32_t *slot = NULL;
    if (b->npk > 0) {
        struct holo_entry *e = find(b, hash, row, &slot);
        if (e != NULL) {
            if (!b->fold)
                return 1;
            int rc = fold_into(b, e, action, row);
            if (rc == 2) { /* unchanged: it still stands for its change */
                b->nchanges++;
                return 0;
            }
            if (rc == 0) {
                b->nchanges++;
                e->kind = (uint8_t)kind;
                e->origin = origin;
                e->src_name = src_name;
            }
            return rc;
        }
    }
    if (b->n == b->cap) {
        if (grow(b) != 0)
            return -1;
        if (b->npk > 0)
            find(b, hash, row, &slot); /* slot moved with the new table */
    }
    size_t bytes = 0;
    struct hf_value *vals = copy_row(b, row, &bytes);
    if (vals == NULL)
        return -1;
    if (action == HOLO_ACT_NULLIFY)
        null_non_pk(b, vals);
    struct holo_entry *e = &b->entries[b->n];
    e->action = (uint8_t)action;
    e->kind = (uint8_t)kind;
    e->origin = origin;
    e->src_name = src_name;
    e->hash = hash;
    e->vals = vals;
    e->prior = NULL;
    b->n++;
    if (slot)
        *slot = b->n;
    if (b->first_usec == 0)
        b->first_usec = mono_usec();
    b->bytes += bytes + 16;
    b->nchanges++;
    return 0;
}
