/*
 * test_kafka_murmur2.c - holoflow's murmur2 is Kafka's Utils.murmur2 bit for
 * bit, and the partition it picks is the Java default partitioner's.
 *
 * Expected hashes are Kafka's own test vectors (UtilsTest.testMurmur2:
 * "21", "foobar", "a-little-bit-long-string", ...), values other Kafka
 * clients check against the Java implementation ("1", "12", ... "12345"),
 * librdkafka's murmur2 vectors ("kafka", the empty key), and one key with
 * bytes >= 0x80 (signed bytes in Java: the tail must be read unsigned).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "connectors/kafka/kafka_int.h"

struct vec {
    const char *key;
    int32_t hash;
};

static void test_kafka_vectors(void **state)
{
    (void)state;
    static const struct vec v[] = {
        {"21", -973932308},
        {"foobar", -790332482},
        {"a-little-bit-long-string", -985981536},
        {"a-little-bit-longer-string", -1486304829},
        {"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971},
        {"abc", 479470107},
        {"1", -1993445489},
        {"12", 126087238},
        {"123", -267702483},
        {"1234", -1614185708},
        {"12345", -1188365604},
        {"kafka", -798503068},
        {"string-f-24-chars-length", 124730809},
        {"", 275646681},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        int32_t h = hf_kafka_murmur2(v[i].key, strlen(v[i].key));
        if (h != v[i].hash)
            fail_msg("murmur2(\"%s\") = %d, want %d", v[i].key, (int)h,
                     (int)v[i].hash);
    }
}

static void test_high_bytes(void **state)
{
    (void)state;
    const unsigned char k[] = {0xff, 0xfe, 0x80};
    assert_int_equal(hf_kafka_murmur2(k, sizeof k), -160726397);
}

static void test_partition(void **state)
{
    (void)state;
    /* (h & 0x7fffffff) % n, never negative. */
    assert_int_equal(hf_kafka_murmur2_partition("21", 2, 4), 0);
    assert_int_equal(hf_kafka_murmur2_partition("foobar", 6, 4), 2);
    assert_int_equal(hf_kafka_murmur2_partition("c1", 2, 4), 3);
    assert_int_equal(hf_kafka_murmur2_partition("c2", 2, 4), 1);
    assert_int_equal(hf_kafka_murmur2_partition("kafka", 5, 6), 4);
    assert_int_equal(hf_kafka_murmur2_partition("", 0, 6), 3);
    assert_int_equal(hf_kafka_murmur2_partition("abc", 3, 1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kafka_vectors),
        cmocka_unit_test(test_high_bytes),
        cmocka_unit_test(test_partition),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
