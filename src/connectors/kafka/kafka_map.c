/*
 * kafka_map.c - a hash map from byte strings to byte strings that iterates
 * in insertion order.
 *
 * Used for the per-key state of upsert-kafka: the last row of each key
 * (ChangelogNormalize, on read) and the last message of each key in the
 * reduce buffer (on write). Entries live in an array in insertion order;
 * an open-addressing index (linear probing, power-of-two size, at most
 * half full) maps a key's hash to its entry. Removing a key marks its entry
 * dead and re-inserts the rest of its probe run into the index; dead
 * entries are dropped from the array when they outnumber the live ones.
 * Each entry owns one malloc'd block holding its key and value, replaced
 * in place when a new value does not fit.
 *
 * @locality one thread (the source's or the sink's).
 */
#include <stdlib.h>
#include <string.h>

#include "connectors/kafka/kafka_int.h"

/* FNV-1a, 64-bit. */
static uint64_t hash_bytes(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ull;
    }
    return h ^ (h >> 29);
}

void hfk_map_init(struct hfk_map *m)
{
    memset(m, 0, sizeof *m);
}

void hfk_map_clear(struct hfk_map *m)
{
    for (size_t i = 0; i < m->ne; i++)
        free(m->e[i].data);
    m->ne = 0;
    m->live = 0;
    if (m->slots)
        memset(m->slots, 0, m->nslots * sizeof *m->slots);
}

void hfk_map_free(struct hfk_map *m)
{
    if (m == NULL)
        return;
    hfk_map_clear(m);
    free(m->e);
    free(m->slots);
    memset(m, 0, sizeof *m);
}

static bool entry_is(const struct hfk_map_entry *e, uint64_t h,
                     const void *key, size_t klen)
{
    return e->live && e->hash == h && e->klen == klen &&
           memcmp(e->data, key, klen) == 0;
}

/* Slot index holding `key`, or the empty slot where it would go. */
static size_t find_slot(const struct hfk_map *m, uint64_t h, const void *key,
                        size_t klen)
{
    size_t mask = m->nslots - 1;
    size_t i = (size_t)h & mask;
    while (m->slots[i] != 0) {
        if (entry_is(&m->e[m->slots[i] - 1], h, key, klen))
            return i;
        i = (i + 1) & mask;
    }
    return i;
}

/* Rebuild the index with `nslots` slots from the live entries, dropping
 * dead entries from the array. */
static int rebuild(struct hfk_map *m, size_t nslots)
{
    uint32_t *slots = calloc(nslots, sizeof *slots);
    if (slots == NULL)
        return -1;
    size_t w = 0;
    for (size_t r = 0; r < m->ne; r++) {
        if (!m->e[r].live) {
            free(m->e[r].data);
            continue;
        }
        m->e[w++] = m->e[r];
    }
    m->ne = w;
    free(m->slots);
    m->slots = slots;
    m->nslots = nslots;
    size_t mask = nslots - 1;
    for (size_t k = 0; k < m->ne; k++) {
        size_t i = (size_t)m->e[k].hash & mask;
        while (m->slots[i] != 0)
            i = (i + 1) & mask;
        m->slots[i] = (uint32_t)(k + 1);
    }
    return 0;
}

const struct hfk_map_entry *hfk_map_get(const struct hfk_map *m,
                                        const void *key, size_t klen)
{
    if (m->nslots == 0 || m->live == 0)
        return NULL;
    uint64_t h = hash_bytes(key, klen);
    size_t i = find_slot(m, h, key, klen);
    return m->slots[i] ? &m->e[m->slots[i] - 1] : NULL;
}

/* Store key and value in e->data, reusing the block when it is big
 * enough. `key` may point into the old block. */
static int set_data(struct hfk_map_entry *e, const void *key, size_t klen,
                    const void *value, size_t vlen, bool has_value)
{
    size_t need = klen + (has_value ? vlen : 0);
    size_t have = e->data ? (size_t)e->klen + (e->has_value ? e->vlen : 0) : 0;
    if (e->data == NULL || need > have) {
        char *d = malloc(need ? need : 1);
        if (d == NULL)
            return -1;
        memcpy(d, key, klen);
        if (has_value && vlen)
            memcpy(d + klen, value, vlen);
        free(e->data);
        e->data = d;
    } else {
        memmove(e->data, key, klen);
        if (has_value && vlen)
            memmove(e->data + klen, value, vlen);
    }
    e->klen = (uint32_t)klen;
    e->vlen = has_value ? (uint32_t)vlen : 0;
    e->has_value = has_value;
    return 0;
}

int hfk_map_put(struct hfk_map *m, const void *key, size_t klen,
                const void *value, size_t vlen, bool has_value)
{
    if (klen > UINT32_MAX || vlen > UINT32_MAX)
        return -1;
    if ((m->ne + 1) * 2 > m->nslots) {
        size_t n = m->nslots ? m->nslots : 64;
        while ((m->live + 1) * 4 > n && n < ((size_t)1 << 40))
            n *= 2;
        if (rebuild(m, n) != 0)
            return -1;
    }
    uint64_t h = hash_bytes(key, klen);
    size_t i = find_slot(m, h, key, klen);
    if (m->slots[i] != 0) {
        struct hfk_map_entry *e = &m->e[m->slots[i] - 1];
        return set_data(e, key, klen, value, vlen, has_value);
    }
    if (m->ne == m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 64;
        struct hfk_map_entry *ne = realloc(m->e, nc * sizeof *ne);
        if (ne == NULL)
            return -1;
        m->e = ne;
        m->cap = nc;
    }
    struct hfk_map_entry *e = &m->e[m->ne];
    memset(e, 0, sizeof *e);
    if (set_data(e, key, klen, value, vlen, has_value) != 0)
        return -1;
    e->hash = h;
    e->live = true;
    m->ne++;
    m->live++;
    m->slots[i] = (uint32_t)m->ne;
    return 0;
}

void hfk_map_del(struct hfk_map *m, const void *key, size_t klen)
{
    if (m->nslots == 0 || m->live == 0)
        return;
    uint64_t h = hash_bytes(key, klen);
    size_t mask = m->nslots - 1;
    size_t i = find_slot(m, h, key, klen);
    if (m->slots[i] == 0)
        return;
    struct hfk_map_entry *e = &m->e[m->slots[i] - 1];
    e->live = false;
    free(e->data);
    e->data = NULL;
    m->live--;
    m->slots[i] = 0;
    /* Re-insert the rest of the probe run so lookups still find it. */
    size_t j = (i + 1) & mask;
    while (m->slots[j] != 0) {
        uint32_t idx = m->slots[j];
        m->slots[j] = 0;
        size_t k = (size_t)m->e[idx - 1].hash & mask;
        while (m->slots[k] != 0)
            k = (k + 1) & mask;
        m->slots[k] = idx;
        j = (j + 1) & mask;
    }
    if (m->ne > 64 && m->ne - m->live > m->live)
        rebuild(m, m->nslots); /* on failure the map stays valid */
}
