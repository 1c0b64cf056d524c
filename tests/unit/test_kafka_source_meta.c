/*
 * test_kafka_source_meta.c - the Kafka source's metadata columns against a
 * librdkafka mock cluster in this process (loopback only, nothing to
 * start): a record timestamp, which any producer may set to any number of
 * milliseconds, reaches a TIMESTAMP_LTZ(3) 'timestamp' column up to the
 * last millisecond of 9999; one past it, or one whose microseconds would
 * overflow, fails the read with the topic, partition, offset and column
 * (it used to wrap into a wrong timestamp, and UBSan stopped on it).
 * The value format's metadata (Flink's "value." keys: debezium-json's
 * value.source.timestamp, value.source.table, ...) reaches its columns
 * next to the connector's topic, partition, offset and leader-epoch, in
 * every row a change event gives; keys that do not exist, types that
 * cannot hold a key, and MAP keys are refused when the job is planned.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "core/valueconv.h"
#include "metrics/lag_parts.h"
#include "sql/planner.h"

/* A producer handle hosting a one-broker mock cluster with topics t1, t2. */
struct mock {
    rd_kafka_t *host;
    rd_kafka_mock_cluster_t *mc;
    rd_kafka_t *prod;
    char bootstrap[256];
};

static void mock_start(struct mock *m)
{
    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    assert_int_equal(rd_kafka_conf_set(conf, "log_level", "3", errstr,
                                       sizeof errstr),
                     RD_KAFKA_CONF_OK);
    m->host = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    assert_non_null(m->host);
    m->mc = rd_kafka_mock_cluster_new(m->host, 1);
    assert_non_null(m->mc);
    snprintf(m->bootstrap, sizeof m->bootstrap, "%s",
             rd_kafka_mock_cluster_bootstraps(m->mc));
    assert_int_equal(rd_kafka_mock_topic_create(m->mc, "t1", 1, 1), 0);
    assert_int_equal(rd_kafka_mock_topic_create(m->mc, "t2", 1, 1), 0);
    conf = rd_kafka_conf_new();
    assert_int_equal(rd_kafka_conf_set(conf, "bootstrap.servers",
                                       m->bootstrap, errstr, sizeof errstr),
                     RD_KAFKA_CONF_OK);
    assert_int_equal(rd_kafka_conf_set(conf, "log_level", "3", errstr,
                                       sizeof errstr),
                     RD_KAFKA_CONF_OK);
    m->prod = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    assert_non_null(m->prod);
}

static void produce(struct mock *m, const char *topic, const char *value,
                    int64_t ts_ms)
{
    assert_int_equal(rd_kafka_producev(m->prod, RD_KAFKA_V_TOPIC(topic),
                                       RD_KAFKA_V_PARTITION(0),
                                       RD_KAFKA_V_VALUE((void *)value,
                                                        strlen(value)),
                                       RD_KAFKA_V_TIMESTAMP(ts_ms),
                                       RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                       RD_KAFKA_V_END),
                     RD_KAFKA_RESP_ERR_NO_ERROR);
}

static void mock_stop(struct mock *m)
{
    rd_kafka_destroy(m->prod);
    rd_kafka_mock_cluster_destroy(m->mc);
    rd_kafka_destroy(m->host);
}

/* Read topic `topic` from the earliest to the latest offset through the
 * planned source of a job; the rows as "v, ts" lines into `rows`. Returns
 * the last source_read() result (0: read to the end, -1: err set). */
static int read_topic(const struct mock *m, const char *topic, char *rows,
                      size_t nrows, struct hf_error *err)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "CREATE TABLE k (v STRING, ts TIMESTAMP_LTZ(3) METADATA FROM "
             "'timestamp') WITH ('connector' = 'kafka', 'topic' = '%s', "
             "'properties.bootstrap.servers' = '%s', 'scan.startup.mode' = "
             "'earliest-offset', 'scan.bounded.mode' = 'latest-offset', "
             "'format' = 'raw');\n"
             "CREATE TABLE b (v STRING, ts TIMESTAMP_LTZ(3)) WITH "
             "('connector' = 'blackhole');\n"
             "INSERT INTO b SELECT * FROM k;\n",
             topic, m->bootstrap);
    struct hf_job *job = NULL;
    hf_error_clear(err);
    if (hf_sql_plan_text("t.sql", sql, NULL, 0, &job, err) != 0)
        fail_msg("planning failed: %s", err->msg);
    const struct hf_table_def *t = job->tables[0];
    struct hf_table_stats stats;
    memset(&stats, 0, sizeof stats);
    atomic_int stopping = 0;
    struct hf_run_ctx ctx = {.stats = &stats,
                             .batch_rows = 16,
                             .stopping = &stopping};
    void *st = NULL;
    if (t->connector->source_open(t, &ctx, &st, err) != 0)
        fail_msg("source_open failed: %s", err->msg);
    struct hf_batch *b = hf_batch_new(t->schema.ncols, 16);
    assert_non_null(b);
    struct hf_strbuf text;
    hf_strbuf_init(&text, 0);
    int rc;
    for (int i = 0; i < 200; i++) {
        rc = t->connector->source_read(st, b, err);
        for (uint32_t r = 0; r < b->nrows; r++) {
            const struct hf_value *row = hf_batch_row(b, r);
            for (uint32_t c = 0; c < 2; c++) {
                if (c)
                    hf_strbuf_puts(&text, ", ");
                if (row[c].null)
                    hf_strbuf_puts(&text, "NULL");
                else
                    hf_value_to_text(&t->schema.cols[c].type, &row[c], &text);
            }
            hf_strbuf_putc(&text, '\n');
        }
        hf_batch_reset(b);
        if (rc <= 0)
            break;
    }
    snprintf(rows, nrows, "%s", text.data ? text.data : "");
    hf_strbuf_free(&text);
    hf_batch_destroy(b);
    t->connector->source_close(st);
    hf_lag_parts_destroy(atomic_load(&stats.lag_parts)); /* ours */
    hf_job_free(job);
    return rc;
}

/* Plan `sql` (its first table is the kafka source), read it to the end,
 * and return the rows as "+I(a, b, ...)" lines of every column. */
static int read_job(const char *sql, char *rows, size_t nrows,
                    struct hf_error *err)
{
    struct hf_job *job = NULL;
    hf_error_clear(err);
    if (hf_sql_plan_text("t.sql", sql, NULL, 0, &job, err) != 0)
        fail_msg("planning failed: %s", err->msg);
    const struct hf_table_def *t = job->tables[0];
    struct hf_table_stats stats;
    memset(&stats, 0, sizeof stats);
    atomic_int stopping = 0;
    struct hf_run_ctx ctx = {
        .stats = &stats, .batch_rows = 16, .stopping = &stopping};
    void *st = NULL;
    if (t->connector->source_open(t, &ctx, &st, err) != 0)
        fail_msg("source_open failed: %s", err->msg);
    struct hf_batch *b = hf_batch_new(t->schema.ncols, 16);
    assert_non_null(b);
    struct hf_strbuf text;
    hf_strbuf_init(&text, 0);
    int rc;
    for (int i = 0; i < 200; i++) {
        rc = t->connector->source_read(st, b, err);
        for (uint32_t r = 0; r < b->nrows; r++) {
            const struct hf_value *row = hf_batch_row(b, r);
            hf_strbuf_printf(&text, "%s(",
                             hf_rowkind_short((enum hf_rowkind)b->kinds[r]));
            for (uint32_t c = 0; c < t->schema.ncols; c++) {
                if (c)
                    hf_strbuf_puts(&text, ", ");
                if (row[c].null)
                    hf_strbuf_puts(&text, "NULL");
                else
                    hf_value_to_text(&t->schema.cols[c].type, &row[c], &text);
            }
            hf_strbuf_puts(&text, ")\n");
        }
        hf_batch_reset(b);
        if (rc <= 0)
            break;
    }
    snprintf(rows, nrows, "%s", text.data ? text.data : "");
    hf_strbuf_free(&text);
    hf_batch_destroy(b);
    t->connector->source_close(st);
    hf_lag_parts_destroy(atomic_load(&stats.lag_parts)); /* ours */
    hf_job_free(job);
    return rc;
}

/* A debezium-json topic read with the format's metadata and the
 * connector's: an update gives two rows, both with the event's metadata. */
static void test_value_format_metadata(void **state)
{
    (void)state;
    struct mock m;
    mock_start(&m);
    produce(&m, "t1",
            "{\"before\":null,\"after\":{\"id\":1,\"v\":\"a\"},\"source\":"
            "{\"db\":\"inventory\",\"table\":\"products\",\"ts_ms\":"
            "1589355606000},\"op\":\"c\",\"ts_ms\":1589355606100}",
            1000);
    produce(&m, "t1",
            "{\"before\":{\"id\":1,\"v\":\"a\"},\"after\":{\"id\":1,\"v\":"
            "\"b\"},\"source\":{\"db\":\"inventory\",\"table\":\"orders\","
            "\"ts_ms\":1589355607000},\"op\":\"u\",\"ts_ms\":1589355607500}",
            2000);
    assert_int_equal(rd_kafka_flush(m.prod, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
    char sql[2048];
    snprintf(sql, sizeof sql,
             "CREATE TABLE k (id INT, v STRING,"
             " src_ts TIMESTAMP_LTZ(3) METADATA FROM 'value.source.timestamp'"
             " VIRTUAL,"
             " tbl STRING METADATA FROM 'value.source.table' VIRTUAL,"
             " db STRING METADATA FROM 'value.source.database' VIRTUAL,"
             " ing TIMESTAMP_LTZ(3) METADATA FROM 'value.ingestion-timestamp'"
             " VIRTUAL,"
             " topic STRING METADATA VIRTUAL, `partition` INT METADATA"
             " VIRTUAL, `offset` BIGINT METADATA VIRTUAL,"
             " epoch INT METADATA FROM 'leader-epoch' VIRTUAL)"
             " WITH ('connector' = 'kafka', 'topic' = 't1',"
             " 'properties.bootstrap.servers' = '%s', 'scan.startup.mode' ="
             " 'earliest-offset', 'scan.bounded.mode' = 'latest-offset',"
             " 'format' = 'debezium-json');\n"
             "CREATE TABLE b (id INT, v STRING) WITH ('connector' = "
             "'print');\n"
             "INSERT INTO b SELECT id, v FROM k;\n",
             m.bootstrap);
    char rows[2048];
    struct hf_error err;
    assert_int_equal(read_job(sql, rows, sizeof rows, &err), 0);
    /* librdkafka 2.0 does not give the leader epoch: NULL, as Flink for a
     * record without one */
    assert_string_equal(
        rows,
        "+I(1, a, 2020-05-13 07:40:06.000, products, inventory, 2020-05-13 "
        "07:40:06.100, t1, 0, 0, NULL)\n"
        "-U(1, a, 2020-05-13 07:40:07.000, orders, inventory, 2020-05-13 "
        "07:40:07.500, t1, 0, 1, NULL)\n"
        "+U(1, b, 2020-05-13 07:40:07.000, orders, inventory, 2020-05-13 "
        "07:40:07.500, t1, 0, 1, NULL)\n");
    mock_stop(&m);
}

/* Plan-time checks of metadata keys: the message names the column, the
 * key, and what to do. */
static void expect_plan_error(const char *cols, const char *format,
                              const char *msg)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "CREATE TABLE k (id INT, %s) WITH ('connector' = 'kafka', "
             "'topic' = 't', 'properties.bootstrap.servers' = 'x:1', "
             "'format' = '%s');\n"
             "CREATE TABLE b (id INT) WITH ('connector' = 'print');\n"
             "INSERT INTO b SELECT id FROM k;\n",
             cols, format);
    struct hf_job *job = NULL;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_not_equal(hf_sql_plan_text("t.sql", sql, NULL, 0, &job, &err),
                         0);
    if (strstr(err.msg, msg) == NULL)
        fail_msg("'%s' not in '%s'", msg, err.msg);
}

static void test_metadata_key_checks(void **state)
{
    (void)state;
    expect_plan_error("x STRING METADATA FROM 'value.source.nope'",
                      "debezium-json",
                      "column 'x' reads metadata 'value.source.nope', which "
                      "the kafka connector with format debezium-json does "
                      "not provide; valid keys: value.schema, "
                      "value.ingestion-timestamp, value.source.timestamp, "
                      "value.source.database, value.source.schema, "
                      "value.source.table, value.source.properties, topic, "
                      "partition, headers, leader-epoch, offset, timestamp, "
                      "timestamp-type");
    /* json has no metadata of its own */
    expect_plan_error("x STRING METADATA FROM 'value.table'", "json",
                      "valid keys: topic, partition, headers");
    expect_plan_error("x STRING METADATA FROM 'value.source.properties'",
                      "debezium-json",
                      "metadata column 'x' ('value.source.properties') is "
                      "declared STRING; declare it MAP<STRING, STRING>");
    expect_plan_error("x STRING METADATA FROM 'value.sql-type'", "canal-json",
                      "declare it MAP<STRING, INT>");
    expect_plan_error("x MAP<STRING, STRING> METADATA FROM 'value.sql-type'",
                      "canal-json", "declare it MAP<STRING, INT>");
    expect_plan_error("x BIGINT METADATA FROM 'value.source.timestamp'",
                      "debezium-json",
                      "metadata column 'x' ('value.source.timestamp') is "
                      "declared BIGINT; declare it TIMESTAMP_LTZ(3)");
    expect_plan_error("x STRING METADATA FROM 'value.pk-names'", "canal-json",
                      "declare it ARRAY<STRING>");
    expect_plan_error("x STRING METADATA FROM 'leader-epoch'", "json",
                      "declare it INT");
}

static void test_record_timestamp_range(void **state)
{
    (void)state;
    struct mock m;
    mock_start(&m);
    produce(&m, "t1", "a", 1500);
    produce(&m, "t1", "b", INT64_C(253402300799999)); /* 9999-12-31 ... */
    produce(&m, "t1", "c", INT64_C(253402300800000)); /* 10000-01-01 */
    produce(&m, "t2", "d", INT64_MAX);                /* * 1000 overflows */
    assert_int_equal(rd_kafka_flush(m.prod, 10000),
                     RD_KAFKA_RESP_ERR_NO_ERROR);

    char rows[512];
    struct hf_error err;
    assert_int_equal(read_topic(&m, "t1", rows, sizeof rows, &err), -1);
    assert_string_equal(rows, "a, 1970-01-01 00:00:01.500\n"
                              "b, 9999-12-31 23:59:59.999\n");
    assert_string_equal(err.msg,
                        "topic 't1' partition 0 offset 2: metadata column "
                        "'ts': the record's timestamp 253402300800000 ms is "
                        "after 9999-12-31, outside the range of "
                        "TIMESTAMP_LTZ(3)");
    assert_int_equal(read_topic(&m, "t2", rows, sizeof rows, &err), -1);
    assert_string_equal(rows, "");
    assert_string_equal(err.msg,
                        "topic 't2' partition 0 offset 0: metadata column "
                        "'ts': the record's timestamp 9223372036854775807 ms "
                        "is after 9999-12-31, outside the range of "
                        "TIMESTAMP_LTZ(3)");
    mock_stop(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_timestamp_range),
        cmocka_unit_test(test_value_format_metadata),
        cmocka_unit_test(test_metadata_key_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
