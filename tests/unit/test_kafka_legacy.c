/*
 * test_kafka_legacy.c - Flink 1.9/1.10 Kafka option styles through the real
 * planner (no broker): 'connector.properties.N.key' / '.value' pairs mapped
 * to the librdkafka properties they name (bootstrap.servers and group.id
 * to their options), each error naming the pair at file:line:col, a
 * property set twice, properties that mean nothing accepted with one
 * warning, and librdkafka's own verdict on every property at plan time
 * (holoflow check) instead of only when the job runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the four above first */
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "connectors/kafka/kafka_int.h"
#include "core/log.h"
#include "sql/planner.h"

/* ------------------------------------------------------------ helpers */

/* stderr (where warnings go) into a file while planning. */
struct capture {
    char path[32];
    int fd, saved;
};

static void capture_start(struct capture *c)
{
    snprintf(c->path, sizeof c->path, "/tmp/hf-kl-XXXXXX");
    c->fd = mkstemp(c->path);
    assert_true(c->fd >= 0);
    fflush(stderr);
    c->saved = dup(2);
    assert_true(dup2(c->fd, 2) >= 0);
}

/* Stop capturing; returns what was written (caller frees). */
static char *capture_end(struct capture *c)
{
    fflush(stderr);
    dup2(c->saved, 2);
    close(c->saved);
    off_t n = lseek(c->fd, 0, SEEK_END);
    char *buf = calloc(1, (size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(pread(c->fd, buf, (size_t)n, 0), n);
    close(c->fd);
    unlink(c->path);
    return buf;
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* Plan `sql` (file t.sql); the job or NULL with err set. Warnings of the
 * planning go to *warnings when not NULL (caller frees). */
static struct hf_job *plan(const char *sql, struct hf_error *err,
                           char **warnings)
{
    struct capture c;
    capture_start(&c);
    struct hf_job *job = NULL;
    hf_error_clear(err);
    int rc = hf_sql_plan_text("t.sql", sql, NULL, 0, &job, err);
    char *w = capture_end(&c);
    if (warnings)
        *warnings = w;
    else
        free(w);
    return rc == 0 ? job : NULL;
}

static void expect_err(const char *sql, const char *want)
{
    struct hf_error err;
    struct hf_job *job = plan(sql, &err, NULL);
    if (job != NULL) {
        hf_job_free(job);
        fail_msg("planning succeeded, expected an error with: %s", want);
    }
    if (strstr(err.msg, want) == NULL)
        fail_msg("error\n  %s\ndoes not contain\n  %s", err.msg, want);
}

/* A Flink 1.9 source table: the first line is line 1 of t.sql, each option
 * on its own line from line 2 ("  'k' = 'v',\n"). */
#define LEGACY_HEAD                                                            \
    "CREATE TABLE src (id INT, name STRING) WITH (\n"                          \
    "  'connector.type' = 'kafka',\n"                                          \
    "  'connector.version' = 'universal',\n"                                   \
    "  'connector.topic' = 'in',\n"                                            \
    "  'format.type' = 'json',\n"                                              \
    "  'update-mode' = 'append'"
/* LEGACY_HEAD ends on line 6; extra options start on line 7. */
#define LEGACY(extra) LEGACY_HEAD extra ");\n"

#define BOOTSTRAP_PAIR                                                         \
    ",\n  'connector.properties.0.key' = 'bootstrap.servers',\n"               \
    "  'connector.properties.0.value' = 'h:1'"

static char *conf_get(rd_kafka_conf_t *conf, const char *name)
{
    static char buf[256];
    size_t sz = sizeof buf;
    if (rd_kafka_conf_get(conf, name, buf, &sz) != RD_KAFKA_CONF_OK)
        return NULL;
    return buf;
}

/* ------------------------------------------------------------ mappings */

static void test_pairs_map(void **state)
{
    (void)state;
    struct hf_error err;
    char *warn = NULL;
    struct hf_job *job =
        plan(LEGACY(",\n  'connector.properties.0.key' = 'zookeeper.connect',\n"
                    "  'connector.properties.0.value' = 'zk:2181',\n"
                    "  'connector.properties.1.key' = 'bootstrap.servers',\n"
                    "  'connector.properties.1.value' = 'h:1,h:2',\n"
                    "  'connector.properties.2.key' = 'group.id',\n"
                    "  'connector.properties.2.value' = 'g1',\n"
                    "  'connector.properties.3.key' = 'fetch.max.bytes',\n"
                    "  'connector.properties.3.value' = '1000',\n"
                    "  'connector.properties.4.key' = 'sasl.password',\n"
                    "  'connector.properties.4.value' = 'pair-pw-77',\n"
                    "  'connector.property-version' = '1'"),
             &err, &warn);
    if (job == NULL)
        fail_msg("planning failed: %s", err.msg);
    const struct hf_table_def *t = job->tables[0];
    /* bootstrap.servers and group.id are the connector's own options. */
    assert_string_equal(
        hf_opts_str(&t->opts, "properties.bootstrap.servers", NULL), "h:1,h:2");
    assert_string_equal(hf_opts_str(&t->opts, "properties.group.id", NULL),
                        "g1");
    assert_string_equal(t->connector->source_group(t), "g1");
    assert_true(hfk_is_legacy(t)); /* Flink 1.10 defaults (fixed partitioner) */
    assert_true(hfk_prop_isset(t, "fetch.max.bytes"));
    /* What librdkafka gets. */
    rd_kafka_conf_t *conf = hfk_conf_new(t, NULL, &err);
    assert_non_null(conf);
    assert_string_equal(conf_get(conf, "bootstrap.servers"), "h:1,h:2");
    assert_string_equal(conf_get(conf, "fetch.max.bytes"), "1000");
    assert_null(conf_get(conf, "zookeeper.connect")); /* not a property */
    rd_kafka_conf_destroy(conf);
    /* One warning for each option that means nothing, at its position. */
    assert_int_equal(count(warn, "warning:"), 2);
    assert_non_null(strstr(warn, "t.sql:17:3: warning: kafka table 'src': "
                                 "option 'connector.property-version' is "
                                 "ignored: it stamps the version of Flink's "
                                 "property descriptor"));
    assert_non_null(strstr(warn, "t.sql:7:3: warning: kafka table 'src': "
                                 "option 'connector.properties.0.key' = "
                                 "'zookeeper.connect' is ignored: only Kafka "
                                 "0.8 clients found their brokers through "
                                 "ZooKeeper"));
    free(warn);
    /* explain names each pair; the password stays masked. */
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    hf_opts_describe(&t->opts, 0, &sb);
    assert_non_null(strstr(sb.data, "properties.bootstrap.servers = "
                                    "'h:1,h:2'  (as "
                                    "'connector.properties.1.key')\n"));
    assert_non_null(strstr(sb.data, "connector.properties.sasl.password = "
                                    "'******'  (as "
                                    "'connector.properties.4.key')\n"));
    assert_null(strstr(sb.data, "pair-pw-77"));
    hf_strbuf_free(&sb);
    hf_job_free(job);
}

static void test_upsert_kafka_pairs(void **state)
{
    (void)state;
    struct hf_error err;
    struct hf_job *job = plan(
        "CREATE TABLE u (id STRING, v INT, PRIMARY KEY (id) NOT ENFORCED)\n"
        "WITH ('connector.type' = 'upsert-kafka', 'connector.topic' = 't',\n"
        "  'connector.properties.0.key' = 'bootstrap.servers',\n"
        "  'connector.properties.0.value' = 'h:1',\n"
        "  'connector.properties.1.key' = 'linger.ms',\n"
        "  'connector.properties.1.value' = '7',\n"
        "  'format.type' = 'csv');\n",
        &err, NULL);
    if (job == NULL)
        fail_msg("planning failed: %s", err.msg);
    rd_kafka_conf_t *conf = hfk_conf_new(job->tables[0], NULL, &err);
    assert_non_null(conf);
    assert_string_equal(conf_get(conf, "linger.ms"), "7");
    rd_kafka_conf_destroy(conf);
    hf_job_free(job);
}

/* ------------------------------------------------------------ errors */

static void test_pair_errors(void **state)
{
    (void)state;
    expect_err(LEGACY(BOOTSTRAP_PAIR
                      ",\n  'connector.properties.3.key' = 'linger.ms'"),
               "t.sql:9:3: error: option 'connector.properties.3.key' of "
               "table 'src' (connector 'kafka') has no "
               "'connector.properties.3.value': pair 3 of "
               "'connector.properties.#.key' / '.value' needs both halves");
    expect_err(
        LEGACY(BOOTSTRAP_PAIR ",\n  'connector.properties.5.value' = '3'"),
        "t.sql:9:3: error: option 'connector.properties.5.value' of "
        "table 'src' (connector 'kafka') has no "
        "'connector.properties.5.key'");
    /* Set twice: with the exact option, the legacy prefix, the modern
     * prefix, or another pair. */
    expect_err(LEGACY(BOOTSTRAP_PAIR
                      ",\n  'connector.properties.bootstrap.servers' = 'h:2'"),
               "t.sql:7:3: error: option 'connector.properties.0.key' of "
               "table 'src' (connector 'kafka') is set twice (also as "
               "'connector.properties.bootstrap.servers'); "
               "'connector.properties.0.key' (with its '.value') stands for "
               "'connector.properties.bootstrap.servers'");
    expect_err(LEGACY(BOOTSTRAP_PAIR
                      ",\n  'properties.linger.ms' = '5',\n"
                      "  'connector.properties.1.key' = 'linger.ms',\n"
                      "  'connector.properties.1.value' = '6'"),
               "t.sql:10:3: error: kafka table 'src': Kafka property "
               "'linger.ms' is set twice: option "
               "'connector.properties.1.key' = 'linger.ms' and option "
               "'properties.linger.ms'; keep one");
    expect_err(LEGACY(BOOTSTRAP_PAIR
                      ",\n  'connector.properties.linger.ms' = '5',\n"
                      "  'properties.linger.ms' = '6'"),
               "t.sql:10:3: error: kafka table 'src': Kafka property "
               "'linger.ms' is set twice: option 'properties.linger.ms' and "
               "option 'connector.properties.linger.ms'; keep one");
    expect_err(LEGACY(BOOTSTRAP_PAIR
                      ",\n  'connector.properties.1.key' = 'linger.ms',\n"
                      "  'connector.properties.1.value' = '6',\n"
                      "  'connector.properties.2.key' = 'linger.ms',\n"
                      "  'connector.properties.2.value' = '7'"),
               "t.sql:11:3: error: option 'connector.properties.2.key' of "
               "table 'src' (connector 'kafka') is set twice (also as "
               "'connector.properties.1.key')");
}

/* librdkafka's verdict at plan time, naming the option (and the pair). */
static void test_librdkafka_at_check(void **state)
{
    (void)state;
    expect_err(LEGACY(BOOTSTRAP_PAIR
                      ",\n  'connector.properties.1.key' = 'no.such.prop',\n"
                      "  'connector.properties.1.value' = '1'"),
               "t.sql:9:3: error: kafka table 'src': option "
               "'connector.properties.1.key' = 'no.such.prop' with "
               "'connector.properties.1.value' = '1': librdkafka says: No "
               "such configuration property: \"no.such.prop\"");
    expect_err(LEGACY(BOOTSTRAP_PAIR
                      ",\n  'connector.properties.fetch.max.bytes' = 'lots'"),
               "t.sql:9:3: error: kafka table 'src': option "
               "'connector.properties.fetch.max.bytes' = 'lots': librdkafka "
               "says: Invalid value for configuration property "
               "\"fetch.max.bytes\"");
    expect_err(LEGACY(BOOTSTRAP_PAIR
                      ",\n  'connector.properties.1.key' = "
                      "'enable.auto.commit',\n"
                      "  'connector.properties.1.value' = 'true'"),
               "t.sql:9:3: error: kafka table 'src': option "
               "'connector.properties.1.key' = 'enable.auto.commit' with "
               "'connector.properties.1.value' = 'true' is not allowed");
    /* A value librdkafka refuses, next to a pair. */
    expect_err(LEGACY(BOOTSTRAP_PAIR
                      ",\n  'connector.properties.1.key' = "
                      "'sasl.mechanisms',\n"
                      "  'connector.properties.1.value' = 'PLAIN',\n"
                      "  'properties.security.protocol' = 'bogus-proto'"),
               "option 'properties.security.protocol' = 'bogus-proto': "
               "librdkafka says: Invalid value \"bogus-proto\" for "
               "configuration property \"security.protocol\"");
    /* The modern spelling too, and the sink-only table. */
    expect_err("CREATE TABLE k (id INT) WITH ('connector' = 'kafka',\n"
               "  'topic' = 'o', 'properties.bootstrap.servers' = 'h:1',\n"
               "  'format' = 'json', 'properties.acks' = 'most');\n",
               "t.sql:3:22: error: kafka table 'k': option 'properties.acks' "
               "= 'most': librdkafka says: Invalid value for configuration "
               "property \"request.required.acks\"");
}

/* The (de)serializers: Flink overrides them; accepted with a warning each. */
static void test_ignored_properties(void **state)
{
    (void)state;
    struct hf_error err;
    char *warn = NULL;
    struct hf_job *job = plan(
        LEGACY(BOOTSTRAP_PAIR
               ",\n  'connector.properties.key.deserializer' = "
               "'org.apache.kafka.common.serialization.StringDeserializer',\n"
               "  'properties.value.serializer' = 'x.Y'"),
        &err, &warn);
    if (job == NULL)
        fail_msg("planning failed: %s", err.msg);
    assert_int_equal(count(warn, "warning:"), 2);
    assert_non_null(strstr(warn, "t.sql:9:3: warning: kafka table 'src': "
                                 "option "
                                 "'connector.properties.key.deserializer' "
                                 "is ignored: messages are read as bytes"));
    assert_non_null(strstr(warn, "t.sql:10:3: warning: kafka table 'src': "
                                 "option 'properties.value.serializer' is "
                                 "ignored"));
    free(warn);
    rd_kafka_conf_t *conf = hfk_conf_new(job->tables[0], NULL, &err);
    assert_non_null(conf);
    rd_kafka_conf_destroy(conf);
    hf_job_free(job);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pairs_map),
        cmocka_unit_test(test_upsert_kafka_pairs),
        cmocka_unit_test(test_pair_errors),
        cmocka_unit_test(test_librdkafka_at_check),
        cmocka_unit_test(test_ignored_properties),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
