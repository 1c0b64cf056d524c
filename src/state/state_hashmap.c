/*
 * state_hashmap.c - the in-memory state backend (state.backend.type =
 * hashmap): one open-addressing hash table per state.
 *
 * Slots hold pointers to entries (linear probing over a power-of-two
 * table, at most 70% full counting tombstones). An entry is one
 * allocation: header, key bytes, value bytes with some spare room, so a
 * put that replaces a value of the same or smaller size (an accumulator
 * updated in place) allocates nothing. A delete leaves a tombstone, so an
 * iterator may delete the entry it just returned; tombstones go at the
 * next resize. Every entry's bytes are counted against the backend's
 * memory limit (state.c).
 *
 * TTL: an entry carries the processing time of its last write; when
 * expired it reads as absent and is dropped when a get, an iterator or a
 * snapshot meets it. Prefix iteration is a full scan.
 *
 * @locality the thread of the state's operator instance.
 */
#include <stdlib.h>
#include <string.h>

#include "core/rowcodec.h"
#include "state/state_int.h"

struct hm_entry {
    uint64_t hash;
    int64_t ts;
    uint32_t klen, vlen, vcap;
    char data[]; /* key, then value (vcap bytes) */
};

#define TOMB ((struct hm_entry *)(uintptr_t)1)
#define ENTRY_OVERHEAD (sizeof(struct hm_entry) + 2 * sizeof(void *))

struct hm_state {
    struct hf_state *s;
    struct hm_entry **slots;
    size_t cap, live, used; /* used: live + tombstones */
};

struct hm_iter {
    struct hf_state_iter it;
    size_t pos;
    size_t plen;
    char prefix[];
};

static inline bool is_live(const struct hm_entry *e)
{
    return e != NULL && e != TOMB;
}

static uint64_t entry_bytes(const struct hm_entry *e)
{
    return ENTRY_OVERHEAD + e->klen + e->vcap;
}

/* The slot holding key, or the slot where it would go (*found false). */
static size_t find(const struct hm_state *h, uint64_t hash, const void *key,
                   size_t klen, bool *found)
{
    size_t mask = h->cap - 1, i = (size_t)hash & mask, tomb = SIZE_MAX;
    for (;;) {
        struct hm_entry *e = h->slots[i];
        if (e == NULL) {
            *found = false;
            return tomb != SIZE_MAX ? tomb : i;
        }
        if (e == TOMB) {
            if (tomb == SIZE_MAX)
                tomb = i;
        } else if (e->hash == hash && e->klen == klen &&
                   memcmp(e->data, key, klen) == 0) {
            *found = true;
            return i;
        }
        i = (i + 1) & mask;
    }
}

static int resize(struct hm_state *h, size_t cap, struct hf_error *err)
{
    struct hm_entry **slots = calloc(cap, sizeof *slots);
    if (!slots)
        return hf_error_set(err, HF_ERR_NOMEM,
                            "operator %s, state '%s': out of memory",
                            h->s->uid, h->s->name);
    size_t old = h->cap;
    struct hm_entry **os = h->slots;
    /* the slot array counts against the limit too */
    if (cap > old && hf_state_mem_reserve(h->s, (cap - old) * sizeof *slots,
                                          err) < 0) {
        free(slots);
        return -1;
    }
    if (cap < old)
        hf_state_mem_release(h->s, (old - cap) * sizeof *slots);
    for (size_t i = 0; i < old; i++) {
        struct hm_entry *e = os[i];
        if (!is_live(e))
            continue;
        size_t j = (size_t)e->hash & (cap - 1);
        while (slots[j])
            j = (j + 1) & (cap - 1);
        slots[j] = e;
    }
    free(os);
    h->slots = slots;
    h->cap = cap;
    h->used = h->live;
    return 0;
}

static void remove_at(struct hm_state *h, size_t i)
{
    struct hm_entry *e = h->slots[i];
    hf_state_mem_release(h->s, entry_bytes(e));
    free(e);
    h->slots[i] = TOMB;
    h->live--;
}

static int hm_get(struct hf_state *s, const void *key, size_t klen,
                  const void **val, size_t *vlen, struct hf_error *err)
{
    (void)err;
    struct hm_state *h = (struct hm_state *)s->priv;
    bool found;
    size_t i = find(h, hf_key_hash(key, klen), key, klen, &found);
    if (!found)
        return 0;
    struct hm_entry *e = h->slots[i];
    if (s->b->cfg.ttl_ms > 0 &&
        hf_state_expired(s, e->ts, hf_state_now_ms())) {
        remove_at(h, i);
        return 0;
    }
    *val = e->data + e->klen;
    *vlen = e->vlen;
    return 1;
}

static int insert(struct hm_state *h, uint64_t hash, const void *key,
                  size_t klen, const void *val, size_t vlen, int64_t ts,
                  struct hf_error *err)
{
    if (klen > UINT32_MAX || vlen > UINT32_MAX / 2)
        return hf_error_set(err, HF_ERR_NOMEM,
                            "operator %s, state '%s': an entry of %zu bytes "
                            "is too large",
                            h->s->uid, h->s->name, klen + vlen);
    bool found;
    size_t i = find(h, hash, key, klen, &found);
    if (found) {
        struct hm_entry *e = h->slots[i];
        if (vlen > e->vcap) {
            uint32_t ncap = (uint32_t)(vlen + vlen / 4);
            if (hf_state_mem_reserve(h->s, ncap - e->vcap, err) < 0)
                return -1;
            struct hm_entry *n =
                realloc(e, sizeof *e + e->klen + (size_t)ncap);
            if (!n) {
                hf_state_mem_release(h->s, ncap - e->vcap);
                return hf_error_set(err, HF_ERR_NOMEM,
                                    "operator %s, state '%s': out of memory",
                                    h->s->uid, h->s->name);
            }
            n->vcap = ncap;
            h->slots[i] = e = n;
        }
        memcpy(e->data + e->klen, val, vlen);
        e->vlen = (uint32_t)vlen;
        e->ts = ts;
        return 0;
    }
    if ((h->used + 1) * 10 > h->cap * 7) {
        size_t ncap = h->cap;
        if ((h->live + 1) * 10 > h->cap * 7 / 2) /* mostly live: grow */
            ncap *= 2;
        if (resize(h, ncap, err) < 0)
            return -1;
        i = find(h, hash, key, klen, &found);
    }
    struct hm_entry *e = malloc(sizeof *e + klen + vlen);
    if (!e)
        return hf_error_set(err, HF_ERR_NOMEM,
                            "operator %s, state '%s': out of memory",
                            h->s->uid, h->s->name);
    e->hash = hash;
    e->ts = ts;
    e->klen = (uint32_t)klen;
    e->vlen = e->vcap = (uint32_t)vlen;
    if (hf_state_mem_reserve(h->s, entry_bytes(e), err) < 0) {
        free(e);
        return -1;
    }
    if (klen) /* a global (keyless) operator's key is empty and may be NULL */
        memcpy(e->data, key, klen);
    if (vlen)
        memcpy(e->data + klen, val, vlen);
    if (h->slots[i] == NULL)
        h->used++;
    h->slots[i] = e;
    h->live++;
    return 0;
}

static int hm_put(struct hf_state *s, const void *key, size_t klen,
                  const void *val, size_t vlen, struct hf_error *err)
{
    return insert((struct hm_state *)s->priv, hf_key_hash(key, klen), key, klen,
                  val, vlen, s->b->cfg.ttl_ms > 0 ? hf_state_now_ms() : 0,
                  err);
}

static int hm_del(struct hf_state *s, const void *key, size_t klen,
                  struct hf_error *err)
{
    (void)err;
    struct hm_state *h = (struct hm_state *)s->priv;
    bool found;
    size_t i = find(h, hf_key_hash(key, klen), key, klen, &found);
    if (found)
        remove_at(h, i);
    return 0;
}

static uint64_t hm_count(const struct hf_state *s)
{
    return ((const struct hm_state *)s->priv)->live;
}

static int hm_iter_open(struct hf_state *s, const void *prefix, size_t plen,
                        struct hf_state_iter **out, struct hf_error *err)
{
    struct hm_iter *it = malloc(sizeof *it + plen + 1);
    if (!it)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    it->it.s = s;
    it->pos = 0;
    it->plen = plen;
    if (plen)
        memcpy(it->prefix, prefix, plen);
    *out = &it->it;
    return 0;
}

static int hm_iter_next(struct hf_state_iter *iter, const void **key,
                        size_t *klen, const void **val, size_t *vlen,
                        struct hf_error *err)
{
    (void)err;
    struct hm_iter *it = (struct hm_iter *)iter;
    struct hm_state *h = (struct hm_state *)iter->s->priv;
    bool ttl = h->s->b->cfg.ttl_ms > 0;
    int64_t now = ttl ? hf_state_now_ms() : 0;
    while (it->pos < h->cap) {
        size_t i = it->pos++;
        struct hm_entry *e = h->slots[i];
        if (!is_live(e))
            continue;
        if (e->klen < it->plen || memcmp(e->data, it->prefix, it->plen) != 0)
            continue;
        if (ttl && hf_state_expired(h->s, e->ts, now)) {
            remove_at(h, i);
            continue;
        }
        *key = e->data;
        *klen = e->klen;
        *val = e->data + e->klen;
        *vlen = e->vlen;
        return 1;
    }
    return 0;
}

static void hm_iter_close(struct hf_state_iter *it)
{
    free(it);
}

struct kg_ref {
    uint32_t kg;
    struct hm_entry *e;
};

static int cmp_kg(const void *a, const void *b)
{
    const struct kg_ref *x = a, *y = b;
    return x->kg < y->kg ? -1 : x->kg > y->kg;
}

static int hm_scan(struct hf_state *s, hf_state_scan_fn fn, void *ctx,
                   struct hf_error *err)
{
    struct hm_state *h = (struct hm_state *)s->priv;
    bool ttl = s->b->cfg.ttl_ms > 0;
    int64_t now = ttl ? hf_state_now_ms() : 0;
    struct kg_ref *refs = malloc((h->live ? h->live : 1) * sizeof *refs);
    if (!refs)
        return hf_error_set(err, HF_ERR_NOMEM,
                            "operator %s, state '%s': out of memory for the "
                            "snapshot",
                            s->uid, s->name);
    size_t n = 0;
    for (size_t i = 0; i < h->cap; i++) {
        struct hm_entry *e = h->slots[i];
        if (!is_live(e))
            continue;
        if (ttl && hf_state_expired(s, e->ts, now)) {
            remove_at(h, i);
            continue;
        }
        refs[n].kg = hf_state_entry_kg(s, e->data, e->klen, e->hash);
        refs[n++].e = e;
    }
    qsort(refs, n, sizeof *refs, cmp_kg);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct hm_entry *e = refs[i].e;
        rc = fn(ctx, refs[i].kg, e->data, e->klen, e->data + e->klen, e->vlen,
                e->ts, err);
    }
    free(refs);
    return rc;
}

static int hm_load(struct hf_state *s, uint32_t kg, const void *key,
                   size_t klen, const void *val, size_t vlen, int64_t ts,
                   struct hf_error *err)
{
    (void)kg;
    return insert((struct hm_state *)s->priv, hf_key_hash(key, klen), key, klen,
                  val, vlen, ts, err);
}

static void hm_close(struct hf_state *s)
{
    struct hm_state *h = (struct hm_state *)s->priv;
    uint64_t bytes = h->cap * sizeof *h->slots;
    for (size_t i = 0; i < h->cap; i++) {
        if (is_live(h->slots[i])) {
            bytes += entry_bytes(h->slots[i]);
            free(h->slots[i]);
        }
    }
    hf_state_mem_release(s, bytes);
    free(h->slots);
    free(h);
}

static const struct hf_state_impl hashmap_impl = {
    hm_get,       hm_put,  hm_del,  hm_count, hm_iter_open, hm_iter_next,
    hm_iter_close, hm_scan, hm_load, hm_close,
};

int hf_state_hashmap_init(struct hf_state *s, struct hf_error *err)
{
    struct hm_state *h = calloc(1, sizeof *h);
    if (h)
        h->slots = calloc(16, sizeof *h->slots);
    if (!h || !h->slots) {
        free(h);
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    h->s = s;
    h->cap = 16;
    if (hf_state_mem_reserve(s, 16 * sizeof *h->slots, err) < 0) {
        free(h->slots);
        free(h);
        return -1;
    }
    s->priv = h;
    s->impl = &hashmap_impl;
    return 0;
}
