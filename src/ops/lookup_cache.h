/*
 * lookup_cache.h - the lookup join's answer store: key bytes (rowcodec.h)
 * to value bytes (the dimension rows of that key, encoded), with LRU
 * order, two expiries and two bounds (entries, bytes). The lookup
 * operator uses one as its PARTIAL/FULL cache and one, unbounded and
 * cleared after every input batch, for the answers of that batch.
 *
 * Memory: every entry is one allocation holding key and value; `bytes`
 * counts them (plus a fixed overhead per entry) and never exceeds
 * max_bytes after a put. Single-threaded.
 */
#ifndef HF_OPS_LOOKUP_CACHE_H
#define HF_OPS_LOOKUP_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hf_lcache_entry {
    struct hf_lcache_entry *hnext;       /* bucket chain */
    struct hf_lcache_entry *prev, *next; /* LRU: head = most recent */
    uint64_t hash;
    int64_t written_ms, used_ms;
    uint32_t klen, vlen;
    unsigned char data[]; /* key, then value */
};

static inline const unsigned char *hf_lcache_val(const struct hf_lcache_entry *e)
{
    return e->data + e->klen;
}

struct hf_lcache {
    struct hf_lcache_entry **buckets;
    size_t nbuckets, n;
    struct hf_lcache_entry *head, *tail;
    int64_t max_rows;  /* 0: no bound */
    int64_t max_bytes; /* 0: no bound */
    int64_t expire_write_ms, expire_access_ms; /* 0: never */
    int64_t bytes;
    uint64_t hits, misses, evictions, expired;
};

/* Set up an empty store (no allocation yet). */
void hf_lcache_init(struct hf_lcache *c, int64_t max_rows, int64_t max_bytes,
                    int64_t expire_write_ms, int64_t expire_access_ms);
/* Free every entry; the store stays usable (and its counters). */
void hf_lcache_clear(struct hf_lcache *c);
void hf_lcache_free(struct hf_lcache *c);
/* The entry of key[0..klen) or NULL (an expired entry is dropped and is a
 * miss); a hit becomes the most recent and counts in hits, a miss in
 * misses. `now_ms` is the clock for expiry. The entry is borrowed until
 * the next put/clear. */
const struct hf_lcache_entry *hf_lcache_get(struct hf_lcache *c,
                                            const void *key, uint32_t klen,
                                            int64_t now_ms);
/* Store (or replace) the value of a key, evicting the least recently
 * used entries beyond the bounds. A value larger than max_bytes is not
 * stored (returns 1). 0, 1, or -1 out of memory. */
int hf_lcache_put(struct hf_lcache *c, const void *key, uint32_t klen,
                  const void *val, uint32_t vlen, int64_t now_ms);

#endif
