/*
 * lookup_cache.c - the lookup join's answer store (lookup_cache.h): a
 * chained hash table of single-allocation entries threaded on an LRU
 * list. Eviction takes the list's tail; expiry is checked on access (an
 * expired entry found by get is dropped), so no timer thread is needed.
 */
#include "ops/lookup_cache.h"

#include <stdlib.h>
#include <string.h>

#include "core/rowcodec.h"

#define OVERHEAD ((int64_t)sizeof(struct hf_lcache_entry) + 16)

void hf_lcache_init(struct hf_lcache *c, int64_t max_rows, int64_t max_bytes,
                    int64_t expire_write_ms, int64_t expire_access_ms)
{
    memset(c, 0, sizeof *c);
    c->max_rows = max_rows;
    c->max_bytes = max_bytes;
    c->expire_write_ms = expire_write_ms;
    c->expire_access_ms = expire_access_ms;
}

static void unlink_lru(struct hf_lcache *c, struct hf_lcache_entry *e)
{
    if (e->prev)
        e->prev->next = e->next;
    else
        c->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        c->tail = e->prev;
    e->prev = e->next = NULL;
}

static void push_head(struct hf_lcache *c, struct hf_lcache_entry *e)
{
    e->prev = NULL;
    e->next = c->head;
    if (c->head)
        c->head->prev = e;
    c->head = e;
    if (c->tail == NULL)
        c->tail = e;
}

static void drop(struct hf_lcache *c, struct hf_lcache_entry *e)
{
    struct hf_lcache_entry **pp = &c->buckets[e->hash & (c->nbuckets - 1)];
    while (*pp != e)
        pp = &(*pp)->hnext;
    *pp = e->hnext;
    unlink_lru(c, e);
    c->bytes -= OVERHEAD + e->klen + e->vlen;
    c->n--;
    free(e);
}

void hf_lcache_clear(struct hf_lcache *c)
{
    struct hf_lcache_entry *e = c->head;
    while (e) {
        struct hf_lcache_entry *n = e->next;
        free(e);
        e = n;
    }
    if (c->buckets)
        memset(c->buckets, 0, c->nbuckets * sizeof *c->buckets);
    c->head = c->tail = NULL;
    c->n = 0;
    c->bytes = 0;
}

void hf_lcache_free(struct hf_lcache *c)
{
    hf_lcache_clear(c);
    free(c->buckets);
    c->buckets = NULL;
    c->nbuckets = 0;
}

static struct hf_lcache_entry *find(struct hf_lcache *c, const void *key,
                                    uint32_t klen, uint64_t h)
{
    if (c->nbuckets == 0)
        return NULL;
    for (struct hf_lcache_entry *e = c->buckets[h & (c->nbuckets - 1)]; e;
         e = e->hnext)
        if (e->hash == h && e->klen == klen && memcmp(e->data, key, klen) == 0)
            return e;
    return NULL;
}

static bool expired(const struct hf_lcache *c, const struct hf_lcache_entry *e,
                    int64_t now)
{
    return (c->expire_write_ms > 0 && now - e->written_ms >= c->expire_write_ms) ||
           (c->expire_access_ms > 0 && now - e->used_ms >= c->expire_access_ms);
}

const struct hf_lcache_entry *hf_lcache_get(struct hf_lcache *c,
                                            const void *key, uint32_t klen,
                                            int64_t now_ms)
{
    uint64_t h = hf_key_hash(key, klen);
    struct hf_lcache_entry *e = find(c, key, klen, h);
    if (e && expired(c, e, now_ms)) {
        drop(c, e);
        c->expired++;
        e = NULL;
    }
    if (e == NULL) {
        c->misses++;
        return NULL;
    }
    c->hits++;
    e->used_ms = now_ms;
    if (c->head != e) {
        unlink_lru(c, e);
        push_head(c, e);
    }
    return e;
}

static int grow(struct hf_lcache *c)
{
    size_t nb = c->nbuckets ? c->nbuckets * 2 : 1024;
    struct hf_lcache_entry **b = calloc(nb, sizeof *b);
    if (b == NULL)
        return -1;
    for (struct hf_lcache_entry *e = c->head; e; e = e->next) {
        e->hnext = b[e->hash & (nb - 1)];
        b[e->hash & (nb - 1)] = e;
    }
    free(c->buckets);
    c->buckets = b;
    c->nbuckets = nb;
    return 0;
}

int hf_lcache_put(struct hf_lcache *c, const void *key, uint32_t klen,
                  const void *val, uint32_t vlen, int64_t now_ms)
{
    uint64_t h = hf_key_hash(key, klen);
    struct hf_lcache_entry *old = find(c, key, klen, h);
    if (old)
        drop(c, old);
    int64_t need = OVERHEAD + klen + vlen;
    if (c->max_bytes > 0 && need > c->max_bytes)
        return 1;
    while (c->tail && ((c->max_bytes > 0 && c->bytes + need > c->max_bytes) ||
                       (c->max_rows > 0 && (int64_t)c->n >= c->max_rows))) {
        drop(c, c->tail);
        c->evictions++;
    }
    if (c->n + 1 > c->nbuckets && grow(c) != 0)
        return -1;
    struct hf_lcache_entry *e = malloc(sizeof *e + klen + vlen);
    if (e == NULL)
        return -1;
    memset(e, 0, sizeof *e);
    e->hash = h;
    e->klen = klen;
    e->vlen = vlen;
    e->written_ms = e->used_ms = now_ms;
    memcpy(e->data, key, klen);
    if (vlen)
        memcpy(e->data + klen, val, vlen);
    e->hnext = c->buckets[h & (c->nbuckets - 1)];
    c->buckets[h & (c->nbuckets - 1)] = e;
    push_head(c, e);
    c->n++;
    c->bytes += need;
    return 0;
}
