/*
 * lookup_conf.c - a lookup table's options, whatever its connector, into
 * one struct hf_lookup_conf (connectors/connector.h).
 *
 * A connector offering lookups declares the entries it supports under
 * their canonical keys (hologres: holo_lookup_opts.inc); a key its table
 * lacks keeps the default below. The older spellings fold in here:
 * `cache`=LRU is PARTIAL with `cachesize` rows, `cachettlms` as
 * expire-after-write and `cacheempty` as cache-missing-key; `cache`=ALL
 * is FULL with `cachettlms` as reload interval. A Flink `lookup.cache`
 * set explicitly wins over `cache`.
 *
 * A table that declares the deprecated `lookup.cache.max-rows` (the jdbc
 * connector) follows Flink JDBC's getLookupCache instead: the legacy pair
 * `lookup.cache.max-rows` > 0 and `lookup.cache.ttl` > 0 is a PARTIAL
 * cache of that many rows expiring after write (missing keys kept as
 * `lookup.cache.caching-missing-key` says); `lookup.cache`=PARTIAL
 * replaces it with the `lookup.partial-cache.*` settings; FULL is
 * accepted and runs without a cache, as Flink's JDBC connector does.
 */
#include "ops/lookup_join.h"

#include <string.h>

static const struct hf_opt_val *get(const struct hf_opts *o, const char *key)
{
    for (size_t i = 0; i < o->ndefs; i++)
        if (strcmp(o->defs[i].key, key) == 0)
            return hf_opts_get(o, key, NULL);
    return NULL;
}

static bool is_set(const struct hf_opts *o, const char *key)
{
    const struct hf_opt_val *v = get(o, key);
    return v && v->set;
}

/* Flink's lookup.partial-cache.* keys that are set, over c. */
static void partial_cache_opts(const struct hf_opts *o,
                               struct hf_lookup_conf *c)
{
    const struct hf_opt_val *v;
    if ((v = get(o, "lookup.partial-cache.max-rows")))
        c->max_rows = v->v.i;
    if ((v = get(o, "lookup.partial-cache.expire-after-write")))
        c->expire_write_ms = v->v.i;
    if ((v = get(o, "lookup.partial-cache.expire-after-access")))
        c->expire_access_ms = v->v.i;
    if ((v = get(o, "lookup.partial-cache.cache-missing-key")))
        c->cache_missing = v->v.b;
}

void hf_lookup_conf_read(const struct hf_opts *o, struct hf_lookup_conf *c)
{
    const struct hf_opt_val *v;
    memset(c, 0, sizeof *c);
    c->batch_size = 128;
    c->queue_size = 256;
    c->max_retries = 3;
    c->cache_missing = true;
    c->max_bytes = 64ll << 20;
    c->timeout_ms = 180000;
    if ((v = get(o, "lookup.read.batch-size")))
        c->batch_size = (uint32_t)v->v.i;
    if ((v = get(o, "lookup.read.batch-queue-size")))
        c->queue_size = (uint32_t)v->v.i;
    if (c->queue_size > HF_LOOKUP_MAX_INFLIGHT)
        c->queue_size = HF_LOOKUP_MAX_INFLIGHT;
    if ((v = get(o, "lookup.async")))
        c->async = v->v.b;
    if ((v = get(o, "lookup.max-retries")))
        c->max_retries = (uint32_t)v->v.i;
    if ((v = get(o, "lookup.partial-cache.max-bytes")))
        c->max_bytes = v->v.i;
    /* Older spellings first; Flink's keys set explicitly override. */
    if ((v = get(o, "cache")) && v->v.i != 0) {
        c->cache = v->v.i == 1 ? HF_LCACHE_PARTIAL : HF_LCACHE_FULL;
        const struct hf_opt_val *ttl = get(o, "cachettlms");
        if (c->cache == HF_LCACHE_PARTIAL) {
            const struct hf_opt_val *sz = get(o, "cachesize");
            c->max_rows = sz ? sz->v.i : 10000;
            if (ttl)
                c->expire_write_ms = ttl->v.i;
            const struct hf_opt_val *ce = get(o, "cacheempty");
            c->cache_missing = ce ? ce->v.b : true;
        } else if (ttl) {
            c->reload_ms = ttl->v.i;
        }
    }
    if (get(o, "lookup.cache.max-rows") != NULL) {
        const struct hf_opt_val *mr = get(o, "lookup.cache.max-rows");
        const struct hf_opt_val *ttl = get(o, "lookup.cache.ttl");
        const struct hf_opt_val *cm =
            get(o, "lookup.cache.caching-missing-key");
        if (mr->v.i > 0 && ttl && ttl->v.i > 0) {
            c->cache = HF_LCACHE_PARTIAL;
            c->max_rows = mr->v.i;
            c->expire_write_ms = ttl->v.i;
            c->cache_missing = cm ? cm->v.b : true;
        }
        v = get(o, "lookup.cache");
        if (v && v->v.i == HF_LCACHE_PARTIAL) {
            c->cache = HF_LCACHE_PARTIAL;
            c->max_rows = 0;
            c->expire_write_ms = 0;
            partial_cache_opts(o, c);
        }
        return;
    }
    if (is_set(o, "lookup.cache") || c->cache == HF_LCACHE_NONE) {
        if ((v = get(o, "lookup.cache")))
            c->cache = (enum hf_lookup_cache)v->v.i;
        partial_cache_opts(o, c);
        if ((v = get(o, "lookup.full-cache.periodic-reload.interval")))
            c->reload_ms = v->v.i;
    }
}
