/*
 * test_state.c - keyed state and checkpoints (state/state.h), every test
 * with the hashmap backend, with rocksdb, and with rocksdb's incremental
 * checkpoints (a RocksDB checkpoint per state); a checkpoint restores into
 * the other backend: get/put/del and replacing values, growth, prefix
 * iteration and deleting while iterating, TTL by processing time, the
 * memory limit's error, and the checkpoint store: complete checkpoints
 * restore (entries, write times, source positions), an interrupted one
 * (state files written, never renamed) leaves the previous one in force,
 * retention keeps the newest N, a restore into other key-group ranges
 * splits the entries exactly, and a corrupt file is an error naming it.
 * The memory limit is the hashmap's only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* clang-format off: cmocka needs the headers above first */
#include <cmocka.h>
/* clang-format on */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/rowcodec.h"
#include "state/state.h"
#include "state/state_int.h"

static int64_t fake_now;
static int64_t fake_clock(void)
{
    return fake_now;
}

/* The backend under test: the whole group runs once per backend. */
static enum hf_state_backend_type backend = HF_STATE_HASHMAP;
static bool incremental; /* rocksdb: a database per state, hard links */

static struct hf_state_config mem_cfg(void)
{
    struct hf_state_config c = {0};
    c.type = backend;
    c.incremental = incremental;
    c.num_retained = 1;
    c.max_parallelism = 128;
    return c;
}

static int put_s(struct hf_state *s, const char *k, const char *v,
                 struct hf_error *err)
{
    return hf_state_put(s, k, strlen(k), v, strlen(v), err);
}

/* The value of k as a string in buf, or NULL when absent. */
static const char *get_s(struct hf_state *s, const char *k, char *buf,
                         size_t n)
{
    struct hf_error err;
    hf_error_clear(&err);
    const void *v;
    size_t vl;
    int rc = hf_state_get(s, k, strlen(k), &v, &vl, &err);
    assert_true(rc >= 0);
    if (rc == 0)
        return NULL;
    assert_true(vl < n);
    memcpy(buf, v, vl);
    buf[vl] = 0;
    return buf;
}

static void test_basic(void **state)
{
    (void)state;
    struct hf_state_config c = mem_cfg();
    struct hf_state_backend *b;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(hf_state_backend_open(&c, &b, &err), 0);
    assert_int_equal(hf_state_backend_restored_id(b), 0);
    struct hf_state *s;
    assert_int_equal(hf_state_open(b, "n1-test", "acc", 0, 127, &s, &err), 0);
    char buf[256];
    assert_null(get_s(s, "a", buf, sizeof buf));
    assert_int_equal(put_s(s, "a", "1", &err), 0);
    assert_string_equal(get_s(s, "a", buf, sizeof buf), "1");
    assert_int_equal(put_s(s, "a", "a longer value than before", &err), 0);
    assert_string_equal(get_s(s, "a", buf, sizeof buf),
                        "a longer value than before");
    assert_int_equal(put_s(s, "a", "", &err), 0);
    assert_string_equal(get_s(s, "a", buf, sizeof buf), "");
    assert_int_equal(hf_state_count(s), 1);
    /* many keys: growth, all found, deletes */
    for (int i = 0; i < 10000; i++) {
        char k[32], v[32];
        snprintf(k, sizeof k, "key%d", i);
        snprintf(v, sizeof v, "v%d", i * 3);
        assert_int_equal(put_s(s, k, v, &err), 0);
    }
    assert_int_equal(hf_state_count(s), 10001);
    for (int i = 0; i < 10000; i += 2) {
        char k[32];
        snprintf(k, sizeof k, "key%d", i);
        assert_int_equal(hf_state_del(s, k, strlen(k), &err), 0);
    }
    assert_int_equal(hf_state_del(s, "nope", 4, &err), 0);
    assert_int_equal(hf_state_count(s), 5001);
    for (int i = 0; i < 10000; i++) {
        char k[32], v[32];
        snprintf(k, sizeof k, "key%d", i);
        snprintf(v, sizeof v, "v%d", i * 3);
        const char *got = get_s(s, k, buf, sizeof buf);
        if (i % 2)
            assert_string_equal(got, v);
        else
            assert_null(got);
    }
    /* reinsert after delete (tombstones reused) */
    for (int round = 0; round < 5; round++) {
        for (int i = 0; i < 10000; i += 2) {
            char k[32];
            snprintf(k, sizeof k, "key%d", i);
            assert_int_equal(put_s(s, k, "x", &err), 0);
            assert_int_equal(hf_state_del(s, k, strlen(k), &err), 0);
        }
    }
    assert_int_equal(hf_state_count(s), 5001);

    /* prefix iteration; deleting the entry just returned */
    struct hf_state_iter *it;
    assert_int_equal(hf_state_iter_open(s, "key1", 4, &it, &err), 0);
    const void *k, *v;
    size_t kl, vl;
    int n = 0, rc;
    while ((rc = hf_state_iter_next(it, &k, &kl, &v, &vl, &err)) == 1) {
        assert_memory_equal(k, "key1", 4);
        n++;
        assert_int_equal(hf_state_del(s, k, kl, &err), 0);
    }
    assert_int_equal(rc, 0);
    hf_state_iter_close(it);
    /* odd keys starting with key1: key1, key11..key19 odd, 101.., 1001.. */
    int want = 0;
    for (int i = 1; i < 10000; i += 2) {
        char kk[32];
        snprintf(kk, sizeof kk, "key%d", i);
        want += strncmp(kk, "key1", 4) == 0;
    }
    assert_int_equal(n, want);
    assert_int_equal(hf_state_count(s), 5001 - want);
    assert_int_equal(hf_state_iter_open(s, NULL, 0, &it, &err), 0);
    n = 0;
    while (hf_state_iter_next(it, &k, &kl, &v, &vl, &err) == 1)
        n++;
    hf_state_iter_close(it);
    assert_int_equal(n, 5001 - want);
    /* a snapshot without a checkpoint directory is a no-op */
    assert_int_equal(hf_state_snapshot(s, 1, &err), 0);
    assert_int_equal(hf_state_backend_complete(b, 1, NULL, 0, &err), 0);
    hf_state_close(s);
    hf_state_backend_close(b);
}

static void test_ttl(void **state)
{
    (void)state;
    hf_state_set_clock(fake_clock);
    fake_now = 1000000;
    struct hf_state_config c = mem_cfg();
    c.ttl_ms = 1000;
    struct hf_state_backend *b;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(hf_state_backend_open(&c, &b, &err), 0);
    struct hf_state *s;
    assert_int_equal(hf_state_open(b, "n1-test", "acc", 0, 127, &s, &err), 0);
    char buf[64];
    assert_int_equal(put_s(s, "a", "1", &err), 0);
    assert_int_equal(put_s(s, "b", "2", &err), 0);
    assert_int_equal(put_s(s, "c", "3", &err), 0);
    fake_now += 600;
    assert_int_equal(put_s(s, "b", "22", &err), 0); /* a write renews */
    fake_now += 399;
    assert_string_equal(get_s(s, "a", buf, sizeof buf), "1"); /* 999 ms */
    fake_now += 1;
    assert_null(get_s(s, "a", buf, sizeof buf)); /* 1000 ms: gone */
    /* hashmap: dropped when met, c not yet; rocksdb counts live ones */
    assert_int_equal(hf_state_count(s), backend == HF_STATE_HASHMAP ? 2 : 1);
    /* a read does not renew (OnCreateAndWrite) */
    assert_string_equal(get_s(s, "b", buf, sizeof buf), "22");
    struct hf_state_iter *it;
    assert_int_equal(hf_state_iter_open(s, NULL, 0, &it, &err), 0);
    const void *k, *v;
    size_t kl, vl;
    assert_int_equal(hf_state_iter_next(it, &k, &kl, &v, &vl, &err), 1);
    assert_memory_equal(k, "b", 1); /* c expired, skipped */
    assert_int_equal(hf_state_iter_next(it, &k, &kl, &v, &vl, &err), 0);
    hf_state_iter_close(it);
    assert_int_equal(hf_state_count(s), 1);
    fake_now += 600;
    assert_null(get_s(s, "b", buf, sizeof buf));
    assert_int_equal(hf_state_count(s), 0);
    hf_state_close(s);
    hf_state_backend_close(b);
    hf_state_set_clock(NULL);
}

static void test_memory_limit(void **state)
{
    (void)state;
    if (backend != HF_STATE_HASHMAP)
        skip();
    struct hf_state_config c = mem_cfg();
    c.memory_limit = 64 * 1024;
    struct hf_state_backend *b;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(hf_state_backend_open(&c, &b, &err), 0);
    struct hf_state *s, *s2;
    assert_int_equal(hf_state_open(b, "n4-group-aggregate", "acc", 0, 127, &s,
                                   &err),
                     0);
    assert_int_equal(hf_state_open(b, "n7-join", "left", 0, 127, &s2, &err),
                     0);
    char val[1000];
    memset(val, 'v', sizeof val);
    int i, rc = 0;
    for (i = 0; i < 1000 && rc == 0; i++) {
        char k[32];
        snprintf(k, sizeof k, "k%d", i);
        rc = hf_state_put(i % 2 ? s : s2, k, strlen(k), val, sizeof val, &err);
    }
    assert_int_equal(rc, -1);
    assert_true(i > 40 && i < 66); /* both states count against one limit */
    assert_int_equal(err.code, HF_ERR_NOMEM);
    assert_non_null(strstr(err.msg, "state.backend.hashmap.memory-limit = "
                                    "64 kb"));
    assert_non_null(strstr(err.msg, "'state.backend.type' = 'rocksdb'"));
    assert_true(strstr(err.msg, "n4-group-aggregate") ||
                strstr(err.msg, "n7-join"));
    /* freeing makes room again; closing gives everything back */
    hf_state_close(s);
    hf_error_clear(&err);
    assert_int_equal(hf_state_put(s2, "again", 5, val, sizeof val, &err), 0);
    hf_state_close(s2);
    assert_int_equal(atomic_load(&b->mem_used), 0);
    hf_state_backend_close(b);
}

/* ------------------------------------------------------------------ store */

static char tmpl[64];

static const char *fresh_dir(void)
{
    snprintf(tmpl, sizeof tmpl, "/tmp/hf-test-state-XXXXXX");
    assert_non_null(mkdtemp(tmpl));
    return tmpl;
}

static void rm_rf(const char *dir)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static bool exists(const char *dir, const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    struct stat st;
    return stat(p, &st) == 0;
}

/* Open a backend on dir with one state (uid "n4-agg", "acc", range). */
static struct hf_state_backend *open_dir(const char *dir, uint32_t retained,
                                         struct hf_error *err)
{
    struct hf_state_config c = mem_cfg();
    c.checkpoints_dir = dir;
    c.num_retained = retained;
    struct hf_state_backend *b = NULL;
    if (hf_state_backend_open(&c, &b, err) < 0)
        return NULL;
    return b;
}

static void fill(struct hf_state *s, int from, int to, const char *tag)
{
    struct hf_error err;
    hf_error_clear(&err);
    for (int i = from; i < to; i++) {
        char k[32], v[32];
        snprintf(k, sizeof k, "k%d", i);
        snprintf(v, sizeof v, "%s%d", tag, i);
        assert_int_equal(put_s(s, k, v, &err), 0);
    }
}

static void test_checkpoint_restore(void **state)
{
    (void)state;
    const char *dir = fresh_dir();
    struct hf_error err;
    hf_error_clear(&err);
    struct hf_state_backend *b = open_dir(dir, 1, &err);
    assert_non_null(b);
    struct hf_state *s, *t;
    assert_int_equal(hf_state_open(b, "n4-agg", "acc", 0, 127, &s, &err), 0);
    assert_int_equal(hf_state_open(b, "n4-agg", "other", 0, 127, &t, &err), 0);
    fill(s, 0, 1000, "a");
    fill(t, 0, 3, "t");
    assert_int_equal(hf_state_snapshot(s, 1, &err), 0);
    assert_int_equal(hf_state_snapshot(t, 1, &err), 0);
    struct hf_state_position pos[2] = {{"n1-kafka", "p:1", 3},
                                       {"n2-fs", "", 0}};
    assert_int_equal(hf_state_backend_complete(b, 1, pos, 2, &err), 0);
    assert_true(exists(dir, "chk-1/_metadata"));
    assert_false(exists(dir, "chk-1.tmp"));

    /* checkpoint 2 is written but the job dies before it completes */
    fill(s, 0, 1000, "b");
    assert_int_equal(hf_state_snapshot(s, 2, &err), 0);
    assert_int_equal(hf_state_snapshot(t, 2, &err), 0);
    assert_true(exists(dir, "chk-2.tmp"));
    hf_state_close(s);
    hf_state_close(t);
    hf_state_backend_close(b);

    b = open_dir(dir, 1, &err);
    assert_non_null(b);
    assert_false(exists(dir, "chk-2.tmp")); /* the leftover is removed */
    assert_int_equal(hf_state_backend_restored_id(b), 1);
    const void *p;
    size_t pl;
    assert_int_equal(hf_state_backend_position(b, "n1-kafka", &p, &pl), 1);
    assert_int_equal(pl, 3);
    assert_memory_equal(p, "p:1", 3);
    assert_int_equal(hf_state_backend_position(b, "n2-fs", &p, &pl), 1);
    assert_int_equal(pl, 0);
    assert_int_equal(hf_state_backend_position(b, "n9", &p, &pl), 0);
    assert_int_equal(hf_state_open(b, "n4-agg", "acc", 0, 127, &s, &err), 0);
    assert_int_equal(hf_state_count(s), 1000);
    char buf[64];
    assert_string_equal(get_s(s, "k7", buf, sizeof buf), "a7"); /* not b7 */
    assert_int_equal(hf_state_open(b, "n4-agg", "other", 0, 127, &t, &err), 0);
    assert_int_equal(hf_state_count(t), 3);
    struct hf_state *u;
    assert_int_equal(hf_state_open(b, "n5-new", "acc", 0, 127, &u, &err), 0);
    assert_int_equal(hf_state_count(u), 0); /* an operator new to the job */
    hf_state_close(u);

    /* next ids continue; an empty state is a file too */
    struct hf_state *e;
    assert_int_equal(hf_state_open(b, "n6-empty", "acc", 0, 127, &e, &err),
                     0);
    fill(s, 0, 10, "c");
    assert_int_equal(hf_state_snapshot(s, 2, &err), 0);
    assert_int_equal(hf_state_snapshot(t, 2, &err), 0);
    assert_int_equal(hf_state_snapshot(e, 2, &err), 0);
    assert_int_equal(hf_state_backend_complete(b, 2, NULL, 0, &err), 0);
    assert_false(exists(dir, "chk-1")); /* num-retained 1 */
    assert_true(exists(dir, "chk-2"));
    hf_state_close(s);
    hf_state_close(t);
    hf_state_close(e);
    hf_state_backend_close(b);

    b = open_dir(dir, 1, &err);
    assert_non_null(b);
    assert_int_equal(hf_state_backend_restored_id(b), 2);
    assert_int_equal(hf_state_backend_position(b, "n1-kafka", &p, &pl), 0);
    assert_int_equal(hf_state_open(b, "n4-agg", "acc", 0, 127, &s, &err), 0);
    assert_string_equal(get_s(s, "k7", buf, sizeof buf), "c7");
    assert_string_equal(get_s(s, "k17", buf, sizeof buf), "a17");
    assert_int_equal(hf_state_open(b, "n6-empty", "acc", 0, 127, &e, &err),
                     0);
    assert_int_equal(hf_state_count(e), 0);
    hf_state_close(s);
    hf_state_close(e);
    hf_state_backend_close(b);
    rm_rf(dir);
}

static void test_retention(void **state)
{
    (void)state;
    const char *dir = fresh_dir();
    struct hf_error err;
    hf_error_clear(&err);
    struct hf_state_backend *b = open_dir(dir, 2, &err);
    assert_non_null(b);
    struct hf_state *s;
    assert_int_equal(hf_state_open(b, "n4-agg", "acc", 0, 127, &s, &err), 0);
    for (uint64_t id = 1; id <= 5; id++) {
        fill(s, 0, (int)id, "x");
        assert_int_equal(hf_state_snapshot(s, id, &err), 0);
        if (id == 3)
            continue; /* declined: never completed */
        assert_int_equal(hf_state_backend_complete(b, id, NULL, 0, &err), 0);
    }
    assert_false(exists(dir, "chk-1"));
    assert_false(exists(dir, "chk-2"));
    assert_false(exists(dir, "chk-3"));
    assert_false(exists(dir, "chk-3.tmp")); /* superseded, removed */
    assert_true(exists(dir, "chk-4"));
    assert_true(exists(dir, "chk-5"));
    hf_state_close(s);
    hf_state_backend_close(b);
    b = open_dir(dir, 2, &err);
    assert_int_equal(hf_state_backend_restored_id(b), 5);
    hf_state_backend_close(b);
    rm_rf(dir);
}

static void test_rescale(void **state)
{
    (void)state;
    const char *dir = fresh_dir();
    struct hf_error err;
    hf_error_clear(&err);
    struct hf_state_backend *b = open_dir(dir, 1, &err);
    assert_non_null(b);
    /* written by two instances, restored by three */
    struct hf_state *s0, *s1;
    assert_int_equal(hf_state_open(b, "n4-agg", "acc", 0, 63, &s0, &err), 0);
    assert_int_equal(hf_state_open(b, "n4-agg", "acc", 64, 127, &s1, &err),
                     0);
    int n0 = 0;
    for (int i = 0; i < 2000; i++) {
        char k[32];
        snprintf(k, sizeof k, "k%d", i);
        uint32_t kg = hf_state_key_group(hf_key_hash(k, strlen(k)), 128);
        n0 += kg <= 63;
        assert_int_equal(put_s(kg <= 63 ? s0 : s1, k, k, &err), 0);
    }
    assert_int_equal(hf_state_snapshot(s0, 7, &err), 0);
    assert_int_equal(hf_state_snapshot(s1, 7, &err), 0);
    assert_int_equal(hf_state_backend_complete(b, 7, NULL, 0, &err), 0);
    assert_int_equal(hf_state_count(s0), n0);
    hf_state_close(s0);
    hf_state_close(s1);
    hf_state_backend_close(b);

    b = open_dir(dir, 1, &err);
    assert_non_null(b);
    uint32_t lo[3] = {0, 40, 90}, hi[3] = {39, 89, 127};
    struct hf_state *r[3];
    uint64_t total = 0;
    for (int j = 0; j < 3; j++) {
        assert_int_equal(hf_state_open(b, "n4-agg", "acc", lo[j], hi[j], &r[j],
                                       &err),
                         0);
        total += hf_state_count(r[j]);
        struct hf_state_iter *it;
        assert_int_equal(hf_state_iter_open(r[j], NULL, 0, &it, &err), 0);
        const void *k, *v;
        size_t kl, vl;
        while (hf_state_iter_next(it, &k, &kl, &v, &vl, &err) == 1) {
            uint32_t kg = hf_state_key_group(hf_key_hash(k, kl), 128);
            assert_true(kg >= lo[j] && kg <= hi[j]);
        }
        hf_state_iter_close(it);
    }
    assert_int_equal(total, 2000);
    for (int j = 0; j < 3; j++)
        hf_state_close(r[j]);
    hf_state_backend_close(b);

    /* another max parallelism cannot read these key groups */
    struct hf_state_config c = mem_cfg();
    c.checkpoints_dir = dir;
    c.max_parallelism = 256;
    assert_int_equal(hf_state_backend_open(&c, &b, &err), 0);
    assert_int_equal(hf_state_open(b, "n4-agg", "acc", 0, 255, &s0, &err), -1);
    assert_non_null(strstr(err.msg, "pipeline.max-parallelism = 128"));
    hf_state_backend_close(b);
    rm_rf(dir);
}

/* Routing part of "p<n>|<rest>": up to and including the '|'. */
static size_t upto_bar(void *ctx, const void *key, size_t klen)
{
    (void)ctx;
    const char *bar = memchr(key, '|', klen);
    return bar ? (size_t)(bar - (const char *)key) + 1 : 0;
}

static void test_key_prefix(void **state)
{
    (void)state;
    const char *dir = fresh_dir();
    struct hf_error err;
    hf_error_clear(&err);
    struct hf_state_backend *b = open_dir(dir, 1, &err);
    struct hf_state *s;
    assert_int_equal(hf_state_open(b, "n4-rank", "rows", 0, 127, &s, &err), 0);
    hf_state_set_key_prefix(s, upto_bar, NULL);
    for (int p = 0; p < 50; p++) {
        for (int r = 9; r >= 0; r--) {
            char k[32];
            snprintf(k, sizeof k, "p%d|%d", p, r);
            assert_int_equal(put_s(s, k, "v", &err), 0);
        }
    }
    /* a partition's entries, whatever the backend's order */
    struct hf_state_iter *it;
    assert_int_equal(hf_state_iter_open(s, "p7|", 3, &it, &err), 0);
    const void *k, *v;
    size_t kl, vl;
    int n = 0;
    while (hf_state_iter_next(it, &k, &kl, &v, &vl, &err) == 1) {
        assert_int_equal(kl, 4);
        assert_memory_equal(k, "p7|", 3);
        if (backend == HF_STATE_ROCKSDB) /* one key group: key order */
            assert_int_equal(((const char *)k)[3], '0' + n);
        n++;
    }
    hf_state_iter_close(it);
    assert_int_equal(n, 10);
    assert_int_equal(hf_state_snapshot(s, 1, &err), 0);
    assert_int_equal(hf_state_backend_complete(b, 1, NULL, 0, &err), 0);
    hf_state_close(s);
    hf_state_backend_close(b);

    /* restored by two instances: a partition stays whole */
    b = open_dir(dir, 1, &err);
    struct hf_state *r[2];
    uint32_t lo[2] = {0, 64}, hi[2] = {63, 127};
    int parts[2] = {0, 0};
    for (int j = 0; j < 2; j++) {
        assert_int_equal(hf_state_open(b, "n4-rank", "rows", lo[j], hi[j],
                                       &r[j], &err),
                         0);
        hf_state_set_key_prefix(r[j], upto_bar, NULL);
    }
    for (int p = 0; p < 50; p++) {
        char pre[16];
        snprintf(pre, sizeof pre, "p%d|", p);
        uint32_t kg =
            hf_state_key_group(hf_key_hash(pre, strlen(pre)), 128);
        int owner = kg <= 63 ? 0 : 1;
        for (int j = 0; j < 2; j++) {
            assert_int_equal(hf_state_iter_open(r[j], pre, strlen(pre), &it,
                                                &err),
                             0);
            n = 0;
            while (hf_state_iter_next(it, &k, &kl, &v, &vl, &err) == 1)
                n++;
            hf_state_iter_close(it);
            assert_int_equal(n, j == owner ? 10 : 0);
        }
        parts[owner]++;
    }
    assert_true(parts[0] > 0 && parts[1] > 0);
    assert_int_equal(hf_state_count(r[0]) + hf_state_count(r[1]), 500);
    hf_state_close(r[0]);
    hf_state_close(r[1]);
    hf_state_backend_close(b);
    rm_rf(dir);
}

/* Flip one byte in the middle of dir/chk-1/<file>. */
static void corrupt(const char *dir, const char *file)
{
    char p[512];
    snprintf(p, sizeof p, "%s/chk-1/%s", dir, file);
    FILE *f = fopen(p, "r+b");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, n / 2, SEEK_SET);
    int c = fgetc(f);
    fseek(f, n / 2, SEEK_SET);
    fputc(c ^ 0x40, f);
    fclose(f);
}

static void test_corrupt(void **state)
{
    (void)state;
    const char *dir = fresh_dir();
    struct hf_error err;
    hf_error_clear(&err);
    struct hf_state_backend *b = open_dir(dir, 1, &err);
    struct hf_state *s;
    assert_int_equal(hf_state_open(b, "n4-agg", "acc", 0, 127, &s, &err), 0);
    fill(s, 0, 100, "a");
    assert_int_equal(hf_state_snapshot(s, 1, &err), 0);
    assert_int_equal(hf_state_backend_complete(b, 1, NULL, 0, &err), 0);
    hf_state_close(s);
    hf_state_backend_close(b);

    /* one job per directory */
    struct hf_state_backend *b2 = open_dir(dir, 1, &err);
    hf_error_clear(&err);
    assert_null(open_dir(dir, 1, &err));
    assert_non_null(strstr(err.msg, "is in use by another holoflow job"));
    hf_state_backend_close(b2);
    hf_error_clear(&err);

    if (incremental) {
        /* a RocksDB checkpoint whose CURRENT names no manifest */
        corrupt(dir, "n4-agg.acc.kg0-127.rocksdb/CURRENT");
        b = open_dir(dir, 1, &err);
        assert_non_null(b);
        assert_int_equal(
            hf_state_open(b, "n4-agg", "acc", 0, 127, &s, &err), -1);
        assert_non_null(strstr(err.msg, "chk-1/n4-agg.acc.kg0-127.rocksdb "
                                        "cannot be read"));
    } else {
        corrupt(dir, "n4-agg.acc.kg0-127");
        b = open_dir(dir, 1, &err);
        assert_non_null(b);
        assert_int_equal(
            hf_state_open(b, "n4-agg", "acc", 0, 127, &s, &err), -1);
        assert_non_null(
            strstr(err.msg, "chk-1/n4-agg.acc.kg0-127 is corrupt"));
    }
    hf_state_backend_close(b);

    corrupt(dir, "_metadata");
    hf_error_clear(&err);
    assert_null(open_dir(dir, 1, &err));
    assert_non_null(strstr(err.msg, "chk-1/_metadata is corrupt"));
    rm_rf(dir);
}

/* A checkpoint written by this group's backend restores into the other
 * backend, entries and write times alike. */
static void test_cross_backend(void **state)
{
    (void)state;
    hf_state_set_clock(fake_clock);
    fake_now = 5000000;
    const char *dir = fresh_dir();
    struct hf_error err;
    hf_error_clear(&err);
    struct hf_state_config c = mem_cfg();
    c.checkpoints_dir = dir;
    c.ttl_ms = 1000;
    struct hf_state_backend *b;
    assert_int_equal(hf_state_backend_open(&c, &b, &err), 0);
    struct hf_state *s;
    assert_int_equal(hf_state_open(b, "n4-agg", "acc", 0, 127, &s, &err), 0);
    fill(s, 0, 300, "x");
    fake_now += 500;
    fill(s, 300, 600, "y");
    assert_int_equal(hf_state_snapshot(s, 3, &err), 0);
    assert_int_equal(hf_state_backend_complete(b, 3, NULL, 0, &err), 0);
    hf_state_close(s);
    hf_state_backend_close(b);

    c.type = backend == HF_STATE_HASHMAP ? HF_STATE_ROCKSDB : HF_STATE_HASHMAP;
    c.incremental = false;
    assert_int_equal(hf_state_backend_open(&c, &b, &err), 0);
    assert_int_equal(hf_state_open(b, "n4-agg", "acc", 0, 127, &s, &err), 0);
    assert_int_equal(hf_state_count(s), 600);
    char buf[64];
    assert_string_equal(get_s(s, "k299", buf, sizeof buf), "x299");
    assert_string_equal(get_s(s, "k599", buf, sizeof buf), "y599");
    fake_now += 600; /* the first 300 were written 1100 ms ago */
    assert_null(get_s(s, "k0", buf, sizeof buf));
    assert_string_equal(get_s(s, "k300", buf, sizeof buf), "y300");
    hf_state_close(s);
    hf_state_backend_close(b);
    hf_state_set_clock(NULL);
    rm_rf(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_ttl),
        cmocka_unit_test(test_memory_limit),
        cmocka_unit_test(test_checkpoint_restore),
        cmocka_unit_test(test_retention),
        cmocka_unit_test(test_rescale),
        cmocka_unit_test(test_key_prefix),
        cmocka_unit_test(test_corrupt),
        cmocka_unit_test(test_cross_backend),
    };
    int rc = cmocka_run_group_tests_name("hashmap", tests, NULL, NULL);
    backend = HF_STATE_ROCKSDB;
    rc |= cmocka_run_group_tests_name("rocksdb", tests, NULL, NULL);
    incremental = true;
    return rc | cmocka_run_group_tests_name("rocksdb incremental", tests, NULL,
                                            NULL);
}
