/*
 * test_kafka_opts.c - options and plan-time rules of the 'kafka' and
 * 'upsert-kafka' connectors, through the real planner (no broker needed):
 * the seed 004 DDL, legacy and modern spellings, partitioner names, key and
 * value column layouts, format rules, startup/bounded options, metadata
 * columns, and librdkafka properties (its own error text forwarded).
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
#include "sql/planner.h"

static struct hf_job *plan(const char *sql, struct hf_error *err)
{
    struct hf_job *job = NULL;
    hf_error_clear(err);
    if (hf_sql_plan_text("t.sql", sql, NULL, 0, &job, err) != 0)
        return NULL;
    return job;
}

static void expect_ok(const char *sql, struct hf_job **out)
{
    struct hf_error err;
    struct hf_job *job = plan(sql, &err);
    if (job == NULL)
        fail_msg("planning failed: %s", err.msg);
    *out = job;
}

static void expect_err(const char *sql, const char *want)
{
    struct hf_error err;
    struct hf_job *job = plan(sql, &err);
    if (job != NULL) {
        hf_job_free(job);
        fail_msg("planning succeeded, expected an error with: %s", want);
    }
    if (strstr(err.msg, want) == NULL)
        fail_msg("error\n  %s\ndoes not contain\n  %s", err.msg, want);
}

#define SEED004                                                               \
    "create table upsertKafkaSink(\n"                                         \
    "  car_id STRING,\n"                                                      \
    "  car_owner STRING,\n"                                                   \
    "  car_brand STRING,\n"                                                   \
    "  car_speed INT,\n"                                                      \
    "  primary key (car_id) not enforced\n"                                   \
    ")\n"                                                                     \
    "with (\n"                                                                \
    "  'connector.type' = 'upsert-kafka',\n"                                  \
    "  'connector.version' = '0.11',\n"                                       \
    "  'connector.topic' = 'test-topic',\n"                                   \
    "  'connector.properties.bootstrap.servers' = '10.0.0.1:9092',\n"         \
    "  'format.type' = 'csv'"

static void test_seed_004(void **state)
{
    (void)state;
    struct hf_job *job;
    expect_ok(SEED004 ");", &job);
    const struct hf_table_def *t = job->tables[0];
    assert_string_equal(t->connector->name, "upsert-kafka");
    assert_true(hfk_is_legacy(t));
    assert_string_equal(t->format->name, "csv");
    assert_null(t->key_format);
    assert_true(t->connector->accepts_changelog(t));
    assert_false(t->connector->bounded(t));
    enum hfk_partitioner p;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(hfk_partitioner_of(t, &p, &err), 0);
    assert_int_equal(p, HFK_PART_FIXED);
    /* Legacy: the key is serialized with 'format.type'. */
    struct hfk_layout l;
    assert_int_equal(hfk_layout_init(&l, t, true, false, true, &err), 0);
    assert_int_equal(l.nkey, 1);
    assert_int_equal(l.key_cols[0], 0);
    assert_string_equal(l.kfmt->name, "csv");
    assert_int_equal(l.nval, 4);
    struct hf_strbuf k, v;
    hf_strbuf_init(&k, 0);
    hf_strbuf_init(&v, 0);
    struct hf_batch *b = hf_batch_new(4, 1);
    struct hf_value *row = hf_batch_add_row(b, HF_ROW_INSERT, 0);
    hf_value_set_str(b, &row[0], "c1", 2);
    hf_value_set_str(b, &row[1], "a, b", 4);
    row[3].null = false;
    row[3].v.i = 90;
    assert_int_equal(hfk_key_encode(&l, row, &k, &err), 0);
    assert_int_equal(hfk_value_encode(&l, row, HF_ROW_INSERT, &v, &err), 0);
    assert_string_equal(k.data, "c1");
    assert_string_equal(v.data, "c1,\"a, b\",,90");
    hf_strbuf_free(&k);
    hf_strbuf_free(&v);
    hf_batch_destroy(b);
    hfk_layout_free(&l);
    hf_job_free(job);
}

static enum hfk_partitioner partitioner(const char *extra)
{
    char sql[2048];
    snprintf(sql, sizeof sql, SEED004 "%s);", extra);
    struct hf_job *job;
    expect_ok(sql, &job);
    enum hfk_partitioner p;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(hfk_partitioner_of(job->tables[0], &p, &err), 0);
    hf_job_free(job);
    return p;
}

static void test_partitioners(void **state)
{
    (void)state;
    assert_int_equal(partitioner(",'connector.sink-partitioner'='fixed'"),
                     HFK_PART_FIXED);
    assert_int_equal(
        partitioner(",'connector.sink-partitioner'='round-robin'"),
        HFK_PART_DEFAULT);
    assert_int_equal(partitioner(",'connector.sink-partitioner'='custom',"
                                 "'connector.sink-partitioner-class'="
                                 "'murmur2'"),
                     HFK_PART_MURMUR2);
    assert_int_equal(partitioner(",'connector.sink-partitioner'='custom',"
                                 "'connector.sink-partitioner-class'='org."
                                 "apache.kafka.clients.producer.internals."
                                 "DefaultPartitioner'"),
                     HFK_PART_MURMUR2);
    assert_int_equal(partitioner(",'connector.sink-partitioner'='custom',"
                                 "'connector.sink-partitioner-class'='org."
                                 "apache.flink.streaming.connectors.kafka."
                                 "partitioner.FlinkFixedPartitioner'"),
                     HFK_PART_FIXED);
    expect_err(SEED004 ",'connector.sink-partitioner'='custom',"
                       "'connector.sink-partitioner-class'='org.my.P');",
               "kafka table 'upsertKafkaSink': option "
               "'connector.sink-partitioner-class' = 'org.my.P' is not one of "
               "holoflow's built-in partitioners (holoflow cannot load Java "
               "classes): murmur2");
    expect_err(SEED004 ",'connector.sink-partitioner'='custom');",
               "'connector.sink-partitioner' = 'custom' needs "
               "'connector.sink-partitioner-class'");
    expect_err(SEED004 ",'connector.sink-partitioner'='hash');",
               "'hash'");
    expect_err(SEED004 ",'connector.sink-partitioner-class'='murmur2');",
               "'connector.sink-partitioner-class' needs "
               "'connector.sink-partitioner' = 'custom'");
}

#define MODERN(cols, extra)                                                   \
    "CREATE TABLE t (" cols ") WITH ('connector'='upsert-kafka',"             \
    "'topic'='x','properties.bootstrap.servers'='h:1'" extra ");"

static void test_upsert_rules(void **state)
{
    (void)state;
    expect_err(MODERN("id INT, v INT",
                      ",'key.format'='json','value.format'='json'"),
               "upsert-kafka table 't' needs a PRIMARY KEY");
    expect_err(MODERN("id INT, v INT, PRIMARY KEY (id) NOT ENFORCED",
                      ",'value.format'='json'"),
               "upsert-kafka table 't' needs 'key.format'");
    expect_err(MODERN("id INT, v INT, PRIMARY KEY (id) NOT ENFORCED",
                      ",'key.format'='json'"),
               "missing required option 'value.format'");
    expect_err(MODERN("id INT, v INT, PRIMARY KEY (id) NOT ENFORCED",
                      ",'key.format'='json','value.format'='debezium-json'"),
               "value format 'debezium-json' is a changelog format");
    expect_err(MODERN("k_id INT, v INT, PRIMARY KEY (k_id) NOT ENFORCED",
                      ",'key.format'='json','value.format'='json',"
                      "'key.fields-prefix'='k_'"),
               "'key.fields-prefix' = 'k_' needs 'value.fields-include' = "
               "'EXCEPT_KEY'");
    expect_err(MODERN("id INT, v INT, PRIMARY KEY (id) NOT ENFORCED",
                      ",'key.format'='json','value.format'='json',"
                      "'key.fields-prefix'='k_',"
                      "'value.fields-include'='EXCEPT_KEY'"),
               "key column 'id' does not start with 'key.fields-prefix' "
               "'k_'");
    expect_err(MODERN("id INT, v INT, PRIMARY KEY (id) NOT ENFORCED",
                      ",'key.format'='json','value.format'='json',"
                      "'sink.buffer-flush.interval'='1s'"),
               "'sink.buffer-flush.max-rows' and 'sink.buffer-flush.interval' "
               "must be set to be greater than zero together");
    expect_err(MODERN("id INT, v INT, PRIMARY KEY (id) NOT ENFORCED",
                      ",'key.format'='json','value.format'='json',"
                      "'sink.delivery-guarantee'='exactly-once'"),
               "'exactly-once' (Kafka transactions) is not supported");
    expect_err(MODERN("id INT, v INT, PRIMARY KEY (id) NOT ENFORCED",
                      ",'key.format'='raw','value.format'='raw'"),
               "format 'raw' reads and writes exactly one column, but 2 "
               "columns would go through it");

    /* EXCEPT_KEY with a prefix: the key format sees 'id'. */
    struct hf_job *job;
    expect_ok(MODERN("k_id INT, v INT, w STRING, PRIMARY KEY (k_id) NOT "
                     "ENFORCED",
                     ",'key.format'='json','value.format'='json',"
                     "'key.fields-prefix'='k_',"
                     "'value.fields-include'='EXCEPT_KEY',"
                     "'sink.buffer-flush.max-rows'='10',"
                     "'sink.buffer-flush.interval'='1s'"),
              &job);
    const struct hf_table_def *t = job->tables[0];
    struct hf_error err;
    hf_error_clear(&err);
    struct hfk_layout l;
    assert_int_equal(hfk_layout_init(&l, t, true, true, true, &err), 0);
    assert_int_equal(l.nkey, 1);
    assert_string_equal(l.key_schema.cols[0].name, "id");
    assert_int_equal(l.nval, 2);
    assert_int_equal(l.val_cols[0], 1);
    assert_int_equal(l.val_cols[1], 2);
    struct hf_batch *b = hf_batch_new(3, 1);
    struct hf_value *row = hf_batch_add_row(b, HF_ROW_INSERT, 0);
    row[0].null = false;
    row[0].v.i = 7;
    row[1].null = false;
    row[1].v.i = 8;
    struct hf_strbuf k, v;
    hf_strbuf_init(&k, 0);
    hf_strbuf_init(&v, 0);
    assert_int_equal(hfk_key_encode(&l, row, &k, &err), 0);
    assert_int_equal(hfk_value_encode(&l, row, HF_ROW_INSERT, &v, &err), 0);
    assert_string_equal(k.data, "{\"id\":7}");
    assert_string_equal(v.data, "{\"v\":8,\"w\":null}");
    /* Decoding a key back into the table's column. */
    assert_int_equal(hfk_key_decode(&l, "{\"id\":42}", 9, 3, &err), 1);
    struct hf_value *r2 = hf_batch_add_row(b, HF_ROW_INSERT, 0);
    assert_int_equal(hfk_key_copy(&l, b, r2, &err), 0);
    assert_false(r2[0].null);
    assert_int_equal(r2[0].v.i, 42);
    assert_true(r2[1].null);
    hf_strbuf_free(&k);
    hf_strbuf_free(&v);
    hf_batch_destroy(b);
    hfk_layout_free(&l);
    hf_job_free(job);
}

#define KAFKA(cols, extra)                                                    \
    "CREATE TABLE t (" cols ") WITH ('connector'='kafka',"                    \
    "'properties.bootstrap.servers'='h:1'" extra ");"

static void test_kafka_rules(void **state)
{
    (void)state;
    expect_err(KAFKA("id INT", ",'format'='json'"),
               "kafka table 't': set exactly one of 'topic' and "
               "'topic-pattern'");
    expect_err(KAFKA("id INT", ",'topic'='a','topic-pattern'='b.*',"
                               "'format'='json'"),
               "set exactly one of 'topic' and 'topic-pattern'");
    expect_err(KAFKA("id INT", ",'topic'='a'"),
               "missing required option 'format'");
    expect_err(KAFKA("id INT, v INT", ",'topic'='a','format'='json',"
                                      "'key.format'='json'"),
               "'key.format' needs the key columns in 'key.fields'");
    expect_err(KAFKA("id INT, v INT", ",'topic'='a','format'='json',"
                                      "'key.fields'='id'"),
               "'key.fields' can only be set with a key format");
    expect_err(KAFKA("id INT, v INT", ",'topic'='a','format'='json',"
                                      "'key.format'='json',"
                                      "'key.fields'='id;nope'"),
               "'key.fields' names 'nope', which is not a physical column");
    expect_err(KAFKA("id INT", ",'topic'='a','format'='json',"
                               "'scan.startup.mode'='timestamp'"),
               "'scan.startup.mode' = 'timestamp' needs "
               "'scan.startup.timestamp-millis'");
    expect_err(KAFKA("id INT", ",'topic'='a','format'='json',"
                               "'scan.startup.mode'='specific-offsets',"
                               "'scan.startup.specific-offsets'='p:0'"),
               "option 'scan.startup.specific-offsets': cannot read 'p:0'");
    expect_err(KAFKA("id INT", ",'topic'='a','format'='json',"
                               "'scan.startup.mode'='newest'"),
               "newest");
    expect_err(KAFKA("id INT", ",'topic'='a','format'='json',"
                               "'update-mode'='retract'"),
               "the kafka connector is append-only, so 'update-mode' must be "
               "'append'");
    expect_err(KAFKA("id INT, o INT METADATA FROM 'offset'",
                     ",'topic'='a','format'='json'"),
               "metadata column 'o' ('offset') is declared INT; declare it "
               "BIGINT");
    expect_err(KAFKA("id INT, h STRING METADATA FROM 'headers'",
                     ",'topic'='a','format'='json'"),
               "metadata column 'h' reads 'headers', which is MAP<STRING, "
               "BYTES> in Flink; holoflow has no MAP type yet");
    expect_err(KAFKA("id INT", ",'topic'='a','format'='json',"
                               "'scan.bounded.mode'='group-offsets'"),
               "'scan.bounded.mode' = 'group-offsets' needs "
               "'properties.group.id'");

    struct hf_job *job;
    /* 'value.format' is the same option as 'format'; its options are
     * 'value.json.*'. Legacy names map onto the modern ones. */
    expect_ok(KAFKA("id INT, p INT METADATA FROM 'partition', `offset` "
                    "BIGINT METADATA, ts TIMESTAMP_LTZ(3) METADATA FROM "
                    "'timestamp'",
                    ",'topic'='a;b','value.format'='json',"
                    "'value.json.fail-on-missing-field'='true',"
                    "'scan.startup.mode'='specific-offsets',"
                    "'scan.startup.specific-offsets'='partition:0,offset:4',"
                    "'scan.bounded.mode'='latest-offset'"),
              &job);
    const struct hf_table_def *t = job->tables[0];
    assert_string_equal(t->format->name, "json");
    assert_true(hf_opts_bool(&t->format_opts, "fail-on-missing-field", NULL));
    assert_true(t->connector->bounded(t));
    assert_false(t->connector->accepts_changelog(t));
    struct hf_error err;
    size_t n = 0;
    const char **topics = hfk_topics(t, &n, &err);
    assert_int_equal(n, 2);
    assert_string_equal(topics[0], "a");
    assert_string_equal(topics[1], "b");
    free(topics);
    hf_job_free(job);

    expect_ok("CREATE TABLE t (id INT) WITH ('connector.type'='kafka',"
              "'connector.version'='universal','connector.topic'='a',"
              "'connector.properties.bootstrap.servers'='h:1',"
              "'connector.properties.group.id'='g',"
              "'connector.startup-mode'='earliest-offset',"
              "'update-mode'='append','format.type'='debezium-json');",
              &job);
    t = job->tables[0];
    assert_true(t->connector->accepts_changelog(t));
    assert_string_equal(hf_opts_str(&t->opts, "properties.group.id", NULL),
                        "g");
    assert_int_equal(hf_opts_enum(&t->opts, "scan.startup.mode", NULL), 0);
    enum hfk_partitioner p;
    hf_error_clear(&err);
    assert_int_equal(hfk_partitioner_of(t, &p, &err), 0);
    assert_int_equal(p, HFK_PART_FIXED);
    hf_job_free(job);
}

static void test_changelog_rules(void **state)
{
    (void)state;
    /* An upsert-kafka source emits updates and deletes: an append-only
     * sink is rejected before running; a changelog format or an upsert
     * sink is fine. */
    const char *src =
        "CREATE TABLE u (id STRING, v INT, PRIMARY KEY (id) NOT ENFORCED) "
        "WITH ('connector'='upsert-kafka','topic'='up',"
        "'properties.bootstrap.servers'='h:1','key.format'='raw',"
        "'value.format'='json');\n";
    char sql[1024];
    snprintf(sql, sizeof sql,
             "%sCREATE TABLE k (id STRING, v INT) WITH ('connector'='kafka',"
             "'topic'='o','properties.bootstrap.servers'='h:1',"
             "'format'='json');\nINSERT INTO k SELECT * FROM u;",
             src);
    expect_err(sql, "table 'u' produces a changelog (connector "
                    "'upsert-kafka' emits updates and deletes) but table 'k' "
                    "(connector 'kafka') accepts only inserts");
    struct hf_job *job;
    snprintf(sql, sizeof sql,
             "%sCREATE TABLE k (id STRING, v INT) WITH ('connector'='kafka',"
             "'topic'='o','properties.bootstrap.servers'='h:1',"
             "'format'='canal-json');\nINSERT INTO k SELECT * FROM u;",
             src);
    expect_ok(sql, &job);
    hf_job_free(job);
    /* A debezium-json kafka source into legacy update-mode 'append'. */
    expect_err("CREATE TABLE d (id STRING, v INT) WITH ('connector'='kafka',"
               "'topic'='i','properties.bootstrap.servers'='h:1',"
               "'format'='debezium-json');\n" SEED004
               ",'update-mode'='append');\n"
               "INSERT INTO upsertKafkaSink SELECT id, 'o', 'b', v FROM d;",
               "accepts only inserts");
}

static void test_properties(void **state)
{
    (void)state;
    struct hf_job *job;
    /* librdkafka checks each property at plan time (holoflow check), with
     * its own message, at the option's position. */
    expect_err(KAFKA("id INT", ",'topic'='a','format'='json',"
                               "'properties.no.such.thing'='1',"
                               "'properties.fetch.max.bytes'='1000'"),
               "t.sql:1:116: error: kafka table 't': option "
               "'properties.no.such.thing' = '1': librdkafka says: "
               "No such configuration property: \"no.such.thing\"");
    expect_err(KAFKA("id INT", ",'topic'='a','format'='json',"
                               "'properties.enable.auto.commit'='true'"),
               "option 'properties.enable.auto.commit' = 'true' is not "
               "allowed: holoflow commits offsets itself");
    struct hf_error err;
    rd_kafka_conf_t *conf;

    expect_ok(KAFKA("id INT", ",'topic'='a','format'='json',"
                              "'properties.client.id'='me',"
                              "'properties.sasl.password'='hunter22',"
                              "'scan.topic-partition-discovery.interval'="
                              "'30s'"),
              &job);
    hf_error_clear(&err);
    static const char *const defaults[] = {"client.id", "holoflow", NULL,
                                           NULL};
    conf = hfk_conf_new(job->tables[0], defaults, &err);
    assert_non_null(conf);
    char buf[256];
    size_t sz = sizeof buf;
    assert_int_equal(rd_kafka_conf_get(conf, "client.id", buf, &sz),
                     RD_KAFKA_CONF_OK);
    assert_string_equal(buf, "me"); /* the user's value wins */
    sz = sizeof buf;
    assert_int_equal(rd_kafka_conf_get(conf, "bootstrap.servers", buf, &sz),
                     RD_KAFKA_CONF_OK);
    assert_string_equal(buf, "h:1");
    sz = sizeof buf;
    assert_int_equal(rd_kafka_conf_get(conf,
                                       "topic.metadata.refresh.interval.ms",
                                       buf, &sz),
                     RD_KAFKA_CONF_OK);
    assert_string_equal(buf, "30000");
    rd_kafka_conf_destroy(conf);
    hf_job_free(job);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_004),
        cmocka_unit_test(test_partitioners),
        cmocka_unit_test(test_upsert_rules),
        cmocka_unit_test(test_kafka_rules),
        cmocka_unit_test(test_changelog_rules),
        cmocka_unit_test(test_properties),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
