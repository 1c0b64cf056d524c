/*
 * test_lookup.c - the lookup join's pieces that need no server: the
 * answer store (ops/lookup_cache.c: hits and misses, LRU eviction by keys
 * and by bytes, expiry after write and after access, replacement, a value
 * too large for the bound) and the folding of every lookup option
 * spelling of the hologres table into struct hf_lookup_conf
 * (ops/lookup_conf.c: lookup.cache / partial-cache.*, the older cache=LRU
 * / ALL with cachesize, cacheTTLMs, cacheempty, async, jdbcReadBatchSize;
 * an explicit lookup.cache overriding cache).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "connectors/hologres/holo_config.h"
#include "ops/lookup_cache.h"
#include "ops/lookup_join.h"

static const char *val(const struct hf_lcache_entry *e)
{
    return (const char *)hf_lcache_val(e);
}

static void test_cache_lru(void **state)
{
    (void)state;
    struct hf_lcache c;
    hf_lcache_init(&c, 2, 0, 0, 0);
    assert_null(hf_lcache_get(&c, "a", 1, 0));
    assert_int_equal(hf_lcache_put(&c, "a", 1, "1", 2, 0), 0);
    assert_int_equal(hf_lcache_put(&c, "b", 1, "2", 2, 0), 0);
    /* a used: b is the least recent and goes when c arrives. */
    assert_string_equal(val(hf_lcache_get(&c, "a", 1, 1)), "1");
    assert_int_equal(hf_lcache_put(&c, "c", 1, "3", 2, 2), 0);
    assert_null(hf_lcache_get(&c, "b", 1, 3));
    assert_string_equal(val(hf_lcache_get(&c, "a", 1, 3)), "1");
    assert_string_equal(val(hf_lcache_get(&c, "c", 1, 3)), "3");
    assert_int_equal(c.n, 2);
    assert_int_equal(c.evictions, 1);
    assert_int_equal(c.hits, 3);
    assert_int_equal(c.misses, 2);
    /* Replacing keeps one entry. */
    assert_int_equal(hf_lcache_put(&c, "a", 1, "9", 2, 4), 0);
    assert_string_equal(val(hf_lcache_get(&c, "a", 1, 4)), "9");
    assert_int_equal(c.n, 2);
    /* Many keys: the table grows, the bound holds. */
    hf_lcache_free(&c);
    hf_lcache_init(&c, 1000, 0, 0, 0);
    for (int i = 0; i < 5000; i++)
        assert_int_equal(hf_lcache_put(&c, &i, sizeof i, &i, sizeof i, 0), 0);
    assert_int_equal(c.n, 1000);
    for (int i = 4000; i < 5000; i++) {
        const struct hf_lcache_entry *e = hf_lcache_get(&c, &i, sizeof i, 0);
        assert_non_null(e);
        assert_memory_equal(hf_lcache_val(e), &i, sizeof i);
    }
    int old = 3999;
    assert_null(hf_lcache_get(&c, &old, sizeof old, 0));
    hf_lcache_free(&c);
}

static void test_cache_bytes_and_expiry(void **state)
{
    (void)state;
    struct hf_lcache c;
    char big[1000];
    memset(big, 'x', sizeof big);
    hf_lcache_init(&c, 0, 2500, 0, 0);
    assert_int_equal(hf_lcache_put(&c, "a", 1, big, sizeof big, 0), 0);
    assert_int_equal(hf_lcache_put(&c, "b", 1, big, sizeof big, 0), 0);
    assert_int_equal(hf_lcache_put(&c, "c", 1, big, sizeof big, 0), 0);
    assert_true(c.bytes <= 2500);
    assert_int_equal(c.n, 2);
    assert_null(hf_lcache_get(&c, "a", 1, 0));
    /* A value larger than the bound is not kept. */
    char huge[3000] = {0};
    assert_int_equal(hf_lcache_put(&c, "h", 1, huge, sizeof huge, 0), 1);
    assert_null(hf_lcache_get(&c, "h", 1, 0));
    hf_lcache_free(&c);

    hf_lcache_init(&c, 0, 0, 100, 0); /* expire 100 ms after write */
    hf_lcache_put(&c, "k", 1, "v", 2, 1000);
    assert_non_null(hf_lcache_get(&c, "k", 1, 1099));
    assert_null(hf_lcache_get(&c, "k", 1, 1100));
    assert_int_equal(c.expired, 1);
    assert_int_equal(c.n, 0);
    hf_lcache_free(&c);

    hf_lcache_init(&c, 0, 0, 0, 100); /* 100 ms after the last access */
    hf_lcache_put(&c, "k", 1, "v", 2, 0);
    assert_non_null(hf_lcache_get(&c, "k", 1, 90));
    assert_non_null(hf_lcache_get(&c, "k", 1, 180));
    assert_null(hf_lcache_get(&c, "k", 1, 281));
    hf_lcache_free(&c);
}

/* The conf of a hologres table with options kv (pairs, NULL-ended). */
static void conf_of(const char *const *kv, struct hf_lookup_conf *out)
{
    struct hf_kv kvs[32];
    size_t n = 0;
    memset(kvs, 0, sizeof kvs);
    static const char *const base[] = {"endpoint", "h:5432", "dbname", "d",
                                       "tablename", "t", "username", "u",
                                       "password", "p"};
    for (size_t i = 0; i < 10; i += 2, n++) {
        kvs[n].key = (char *)base[i];
        kvs[n].value = (char *)base[i + 1];
    }
    for (size_t i = 0; kv[i]; i += 2, n++) {
        kvs[n].key = (char *)kv[i];
        kvs[n].value = (char *)kv[i + 1];
    }
    struct hf_opts o;
    struct hf_error err;
    hf_error_clear(&err);
    int rc = hf_opts_parse(&o, "connector 'hologres'", "", hf_holo_opt_defs,
                           hf_holo_opt_ndefs, kvs, n, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    hf_lookup_conf_read(&o, out);
    hf_opts_free(&o);
}

static void test_conf_spellings(void **state)
{
    (void)state;
    struct hf_lookup_conf c;
    conf_of((const char *const[]){NULL}, &c);
    assert_int_equal(c.cache, HF_LCACHE_NONE);
    assert_int_equal(c.batch_size, 128);
    assert_false(c.async);
    assert_int_equal(c.max_retries, 3);

    conf_of((const char *const[]){"lookup.cache", "partial",
                                  "lookup.partial-cache.max-rows", "77",
                                  "lookup.partial-cache.expire-after-write",
                                  "10s",
                                  "lookup.partial-cache.expire-after-access",
                                  "1 min",
                                  "lookup.partial-cache.cache-missing-key",
                                  "false", "lookup.async", "true",
                                  "lookup.read.batch-queue-size", "1000",
                                  NULL},
            &c);
    assert_int_equal(c.cache, HF_LCACHE_PARTIAL);
    assert_int_equal(c.max_rows, 77);
    assert_int_equal(c.expire_write_ms, 10000);
    assert_int_equal(c.expire_access_ms, 60000);
    assert_false(c.cache_missing);
    assert_true(c.async);
    assert_int_equal(c.queue_size, HF_LOOKUP_MAX_INFLIGHT);

    /* VVR 8 spellings, case as Alibaba's docs write them. */
    conf_of((const char *const[]){"cache", "LRU", "cacheSize", "500",
                                  "cacheTTLMs", "2000", "cacheEmpty", "false",
                                  "async", "true", "jdbcReadBatchSize", "64",
                                  NULL},
            &c);
    assert_int_equal(c.cache, HF_LCACHE_PARTIAL);
    assert_int_equal(c.max_rows, 500);
    assert_int_equal(c.expire_write_ms, 2000);
    assert_false(c.cache_missing);
    assert_true(c.async);
    assert_int_equal(c.batch_size, 64);

    conf_of((const char *const[]){"cache", "ALL", "cachettlms", "3600000",
                                  NULL},
            &c);
    assert_int_equal(c.cache, HF_LCACHE_FULL);
    assert_int_equal(c.reload_ms, 3600000);

    /* An explicit lookup.cache wins. */
    conf_of((const char *const[]){"cache", "LRU", "lookup.cache", "NONE",
                                  NULL},
            &c);
    assert_int_equal(c.cache, HF_LCACHE_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cache_lru),
        cmocka_unit_test(test_cache_bytes_and_expiry),
        cmocka_unit_test(test_conf_spellings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
