/*
 * test_kafka_state.c - the per-key state of the Kafka connectors: the
 * insertion-ordered byte map (the upsert-kafka sink's reduce buffer) and
 * 'partition:N,offset:M;...' lists. (The upsert-kafka source's
 * ChangelogNormalize is an operator now: ops/normalize.c.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/kafka/kafka_int.h"
#include "core/valueconv.h"

/* ------------------------------------------------------------ map */

static void test_map_basic(void **state)
{
    (void)state;
    struct hfk_map m;
    hfk_map_init(&m);
    assert_null(hfk_map_get(&m, "a", 1));
    assert_int_equal(hfk_map_put(&m, "a", 1, "one", 3, true), 0);
    assert_int_equal(hfk_map_put(&m, "b", 1, NULL, 0, false), 0);
    assert_int_equal(hfk_map_put(&m, "c", 1, "three", 5, true), 0);
    /* Replacing keeps the first position; a longer value fits. */
    assert_int_equal(hfk_map_put(&m, "a", 1, "uno-longer", 10, true), 0);
    const struct hfk_map_entry *e = hfk_map_get(&m, "a", 1);
    assert_non_null(e);
    assert_true(e->has_value);
    assert_int_equal(e->vlen, 10);
    assert_memory_equal(e->data + e->klen, "uno-longer", 10);
    e = hfk_map_get(&m, "b", 1);
    assert_non_null(e);
    assert_false(e->has_value);
    hfk_map_del(&m, "b", 1);
    assert_null(hfk_map_get(&m, "b", 1));
    assert_int_equal(m.live, 2);
    char order[8] = "";
    size_t n = 0;
    for (size_t i = 0; i < m.ne; i++)
        if (m.e[i].live)
            order[n++] = m.e[i].data[0];
    assert_string_equal(order, "ac");
    hfk_map_clear(&m);
    assert_null(hfk_map_get(&m, "a", 1));
    assert_int_equal(m.live, 0);
    hfk_map_free(&m);
    hfk_map_free(NULL);
}

static void test_map_many(void **state)
{
    (void)state;
    struct hfk_map m;
    hfk_map_init(&m);
    char k[32], v[32];
    for (int i = 0; i < 100000; i++) {
        int kl = snprintf(k, sizeof k, "key-%d", i);
        int vl = snprintf(v, sizeof v, "val-%d", i * 7);
        assert_int_equal(hfk_map_put(&m, k, (size_t)kl, v, (size_t)vl, true),
                         0);
    }
    /* Delete every key divisible by 3 (forces compaction and probe-run
     * repair), then update the odd ones that remain. */
    for (int i = 0; i < 100000; i += 3) {
        int kl = snprintf(k, sizeof k, "key-%d", i);
        hfk_map_del(&m, k, (size_t)kl);
    }
    for (int i = 1; i < 100000; i += 2) {
        if (i % 3 == 0)
            continue;
        int kl = snprintf(k, sizeof k, "key-%d", i);
        int vl = snprintf(v, sizeof v, "new-%d", i);
        assert_int_equal(hfk_map_put(&m, k, (size_t)kl, v, (size_t)vl, true),
                         0);
    }
    size_t live = 0;
    for (int i = 0; i < 100000; i++) {
        int kl = snprintf(k, sizeof k, "key-%d", i);
        const struct hfk_map_entry *e = hfk_map_get(&m, k, (size_t)kl);
        if (i % 3 == 0) {
            assert_null(e);
            continue;
        }
        live++;
        assert_non_null(e);
        int vl = i % 2 ? snprintf(v, sizeof v, "new-%d", i)
                       : snprintf(v, sizeof v, "val-%d", i * 7);
        assert_int_equal(e->vlen, vl);
        assert_memory_equal(e->data + e->klen, v, (size_t)vl);
    }
    assert_int_equal(m.live, live);
    /* Iteration order is still insertion order. */
    int last = -1;
    for (size_t i = 0; i < m.ne; i++) {
        if (!m.e[i].live)
            continue;
        int n = (int)strtol(m.e[i].data + 4, NULL, 10);
        assert_true(n > last);
        last = n;
    }
    hfk_map_free(&m);
}

/* ------------------------------------------------------------ offsets */

static void test_specific_offsets(void **state)
{
    (void)state;
    struct hf_error err;
    int32_t *p;
    int64_t *o;
    size_t n;
    hf_error_clear(&err);
    assert_int_equal(hfk_parse_specific_offsets(
                         "k", "partition:0,offset:42; partition : 1 , "
                              "offset : 300;",
                         &p, &o, &n, &err),
                     0);
    assert_int_equal(n, 2);
    assert_int_equal(p[0], 0);
    assert_int_equal(o[0], 42);
    assert_int_equal(p[1], 1);
    assert_int_equal(o[1], 300);
    free(p);
    free(o);

    assert_int_equal(hfk_parse_specific_offsets("scan.startup.specific-offsets",
                                                "partition:0,offset:x", &p, &o,
                                                &n, &err),
                     -1);
    assert_string_equal(err.msg,
                        "option 'scan.startup.specific-offsets': cannot read "
                        "'partition:0,offset:x'; write "
                        "'partition:0,offset:42;partition:1,offset:300'");
    hf_error_clear(&err);
    assert_int_equal(hfk_parse_specific_offsets(
                         "k", "partition:1,offset:1;partition:1,offset:2", &p,
                         &o, &n, &err),
                     -1);
    assert_string_equal(err.msg, "option 'k': partition 1 is given twice");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map_basic),
        cmocka_unit_test(test_map_many),
        cmocka_unit_test(test_specific_offsets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
