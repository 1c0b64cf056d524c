/*
 * test_metrics_usage.c - the measurements behind issue 15's second round
 * of metrics: a Kafka source's per-partition lag table
 * (metrics/lag_parts.h: updated in place, revoked partitions dropped) and
 * its rendering as one gauge family with topic/partition labels
 * (hf_metrics_samples); hf_state_usage (entries and bytes of a state, for
 * hashmap and rocksdb, also of states sharing one RocksDB database, whose
 * rows may be in its table files or its memtables) and the size of a
 * completed checkpoint (hf_state_backend_last_size).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* clang-format off: cmocka needs the headers above first */
#include <cmocka.h>
/* clang-format on */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "metrics/lag_parts.h"
#include "metrics/metrics.h"
#include "state/state.h"
#include "state/state_int.h"

static void sum_lag(void *ctx, const char *topic, int32_t partition,
                    int64_t lag)
{
    (void)topic;
    (void)partition;
    *(int64_t *)ctx += lag;
}

static void emit_parts(const void *arg, hf_metrics_emit_fn emit, void *ctx)
{
    (void)arg;
    emit(ctx, "topic=\"t\",partition=\"0\"", 5);
    emit(ctx, "topic=\"t\",partition=\"1\"", 0);
}

static void test_lag_parts(void **state)
{
    (void)state;
    struct hf_lag_parts *_Atomic slot = NULL;
    struct hf_lag_parts *lp = hf_lag_parts_get(&slot);
    assert_non_null(lp);
    assert_ptr_equal(hf_lag_parts_get(&slot), lp);
    hf_lag_parts_begin(lp);
    hf_lag_parts_set(lp, "t", 0, 10);
    hf_lag_parts_set(lp, "t", 1, 20);
    hf_lag_parts_set(lp, "u", 0, 30);
    hf_lag_parts_end(lp);
    int64_t sum = 0;
    hf_lag_parts_each(lp, sum_lag, &sum);
    assert_int_equal(sum, 60);
    /* t/1 revoked, t/0 updated */
    hf_lag_parts_begin(lp);
    hf_lag_parts_set(lp, "t", 0, 1);
    hf_lag_parts_set(lp, "u", 0, 2);
    hf_lag_parts_end(lp);
    sum = 0;
    hf_lag_parts_each(lp, sum_lag, &sum);
    assert_int_equal(sum, 3);
    hf_lag_parts_destroy(lp);
    hf_lag_parts_destroy(NULL);

    struct hf_metrics *m = hf_metrics_new();
    assert_int_equal(hf_metrics_samples(m, "lag", "per partition", "job=\"j\"",
                                        emit_parts, NULL),
                     0);
    struct hf_strbuf out;
    hf_strbuf_init(&out, 0);
    hf_metrics_render(m, &out);
    assert_string_equal(out.data,
                        "# HELP lag per partition\n"
                        "# TYPE lag gauge\n"
                        "lag{job=\"j\",topic=\"t\",partition=\"0\"} 5\n"
                        "lag{job=\"j\",topic=\"t\",partition=\"1\"} 0\n");
    double v;
    assert_int_equal(hf_metrics_value(m, "lag", NULL, &v), -1);
    hf_strbuf_free(&out);
    hf_metrics_destroy(m);
}

static void usage_of(enum hf_state_backend_type type)
{
    char dir[] = "/tmp/hf-usage-XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct hf_state_config c = {0};
    c.type = type;
    c.num_retained = 1;
    c.max_parallelism = 128;
    c.checkpoints_dir = dir;
    struct hf_state_backend *b;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(hf_state_backend_open(&c, &b, &err), 0);
    assert_int_equal(hf_state_backend_last_size(b), 0);
    struct hf_state *s;
    assert_int_equal(hf_state_open(b, "n2-agg", "acc", 0, 127, &s, &err), 0);
    uint64_t e, bytes, bytes1;
    hf_state_usage(s, &e, &bytes);
    assert_int_equal(e, 0);
    for (int i = 0; i < 100; i++) {
        char k[16];
        snprintf(k, sizeof k, "k%d", i);
        assert_int_equal(hf_state_put(s, k, strlen(k), "value", 5, &err), 0);
    }
    hf_state_usage(s, &e, &bytes1);
    assert_int_equal(e, 100); /* rocksdb's estimate: exact for new keys */
    assert_true(bytes1 > bytes && bytes1 >= 100 * (2 + 5));
    if (type == HF_STATE_ROCKSDB) {
        /* rewriting keys still in the memtable: the estimate counts each
         * put (RocksDB's estimate-num-keys), bounded by the puts */
        for (int i = 0; i < 100; i++) {
            char k[16];
            snprintf(k, sizeof k, "k%d", i);
            assert_int_equal(hf_state_put(s, k, strlen(k), "value", 5, &err),
                             0);
        }
        hf_state_usage(s, &e, &bytes);
        assert_true(e >= 100 && e <= 200);
    }
    assert_int_equal(hf_state_del(s, "k0", 2, &err), 0);
    if (type == HF_STATE_HASHMAP) {
        hf_state_usage(s, &e, &bytes);
        assert_int_equal(e, 99);
        assert_true(bytes < bytes1);
    }
    assert_int_equal(hf_state_snapshot(s, 1, &err), 0);
    /* after a snapshot that scanned the state: its exact counts (rocksdb
     * takes them from the scan; no scan of its own) */
    hf_state_usage(s, &e, &bytes);
    assert_int_equal(e, 99);
    if (type == HF_STATE_ROCKSDB) /* keys, values, 14 bytes of header */
        assert_true(bytes >= 99 * (2 + 5 + 14) && bytes <= 99 * (3 + 5 + 14));
    assert_int_equal(hf_state_backend_complete(b, 1, NULL, 0, &err), 0);
    assert_true(hf_state_backend_last_size(b) > 99 * 7);
    hf_state_close(s);
    hf_state_backend_close(b);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_state_usage(void **state)
{
    (void)state;
    usage_of(HF_STATE_HASHMAP);
    usage_of(HF_STATE_ROCKSDB);
}

/* States sharing a RocksDB database: each its own rows, from the
 * memtables (by the writes' share) and the table files (by the key
 * range's share). */
static void test_state_usage_shared(void **state)
{
    (void)state;
    struct hf_state_config c = {0};
    c.type = HF_STATE_ROCKSDB;
    c.num_retained = 1;
    c.max_parallelism = 128;
    struct hf_state_backend *b;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(hf_state_backend_open(&c, &b, &err), 0);
    struct hf_state *s1, *s2;
    assert_int_equal(hf_state_open(b, "n1-agg", "acc", 0, 127, &s1, &err), 0);
    assert_int_equal(hf_state_open(b, "n2-agg", "acc", 0, 127, &s2, &err), 0);
    uint64_t e, bytes;
    for (int i = 0; i < 100; i++) {
        char k[16];
        snprintf(k, sizeof k, "k%d", i);
        assert_int_equal(hf_state_put(s1, k, strlen(k), "value", 5, &err), 0);
    }
    hf_state_usage(s1, &e, &bytes);
    assert_int_equal(e, 100);
    assert_true(bytes >= 100 * (2 + 5));
    hf_state_usage(s2, &e, &bytes); /* nothing written: nothing */
    assert_int_equal(e, 0);
    assert_int_equal(bytes, 0);
    for (int i = 0; i < 50; i++) {
        char k[16];
        snprintf(k, sizeof k, "k%d", i);
        assert_int_equal(hf_state_put(s2, k, strlen(k), "value", 5, &err), 0);
    }
    hf_state_usage(s2, &e, &bytes);
    assert_int_equal(e, 50);
    assert_true(bytes > 0);
    hf_state_usage(s1, &e, &bytes);
    assert_int_equal(e, 100);
    hf_state_close(s1);
    hf_state_close(s2);
    hf_state_backend_close(b);

    /* the arithmetic: a state whose rows are all in the memtable while
     * the table files hold another state's (its key range holds no file
     * bytes) still counts its rows */
    struct hf_rocksdb_usage u = {0};
    u.keys = 1000 + 40;
    u.sst_bytes = 64000;
    u.mem_bytes = 4000;
    u.mem_entries = 40;
    u.range_ok = true;
    u.range_own = 0;
    u.range_all = 64000;
    u.writes_own = 40;
    u.writes_all = 1040;
    u.nopen = 2;
    /* its 40 writes are all memtable entries: the memtable is its own */
    hf_rocksdb_apportion(&u, &e, &bytes);
    assert_int_equal(e, 40);
    assert_int_equal(bytes, 4000);
    /* the other state: the table files' rows and the rest */
    u.range_own = 64000;
    u.writes_own = 1000;
    hf_rocksdb_apportion(&u, &e, &bytes);
    assert_true(e >= 1000 && e <= 1040);
    assert_true(bytes >= 64000 && bytes <= 68000);
    /* deletes in the memtable cancel their puts (as estimate-num-keys);
     * RocksDB's range sizes unknown: an equal share */
    u.mem_entries = 60;
    u.mem_deletes = 10;
    u.range_ok = false;
    u.writes_own = 0;
    u.writes_all = 0;
    hf_rocksdb_apportion(&u, &e, &bytes);
    assert_int_equal(e, 520); /* (1000 + 40) / 2 */
    assert_int_equal(bytes, 34000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lag_parts),
        cmocka_unit_test(test_state_usage),
        cmocka_unit_test(test_state_usage_shared),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
