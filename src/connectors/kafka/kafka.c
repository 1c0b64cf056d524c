/*
 * kafka.c - the 'kafka' connector: Kafka topics as an append-only source
 * (or a changelog through debezium-json, canal-json, maxwell-json) and an
 * append-only sink, with the options of Flink's 'kafka' connector and of
 * the legacy 'connector.type' = 'kafka' tables.
 *
 * This file holds only the option table, the plan-time checks and the
 * connector struct; the consumer is kafka_source.c and the producer
 * kafka_sink.c (see kafka_int.h). The sink accepts updates and deletes only
 * when its value format is a changelog format; the planner asks
 * accepts_changelog.
 */
#include <stdlib.h>
#include <string.h>

#include "connectors/kafka/kafka_int.h"

static const struct hf_opt_def kafka_opts[] = {
    HFK_OPT_TOPIC,
    HFK_OPT_TOPIC_PATTERN,
    HFK_OPT_BOOTSTRAP,
    HFK_OPT_GROUP,
    HFK_OPT_PROPERTIES,
    HFK_OPT_LEGACY_PROPERTIES,
    HFK_OPT_LEGACY_PAIRS,
    {.key = "format",
     .aliases = HF_ALIASES("value.format", "format.type"),
     .type = HF_OPT_STRING,
     .flags = HF_OPTF_REQUIRED,
     .doc = "Format of the message value: json, csv, raw, avro, "
            "debezium-json, canal-json, maxwell-json ('value.format' and "
            "legacy 'format.type' are the same option)."},
    HFK_OPT_KEY_FORMAT,
    {.key = "key.fields",
     .type = HF_OPT_LIST,
     .doc = "Columns of the message key, in order ('f1;f2'); needs "
            "'key.format'."},
    HFK_OPT_KEY_PREFIX,
    HFK_OPT_VALUE_INCLUDE,
    {.key = "scan.startup.mode",
     .aliases = HF_ALIASES("connector.startup-mode"),
     .type = HF_OPT_ENUM,
     .def = "group-offsets",
     .values = HF_VALUES("earliest-offset", "latest-offset", "group-offsets",
                         "timestamp", "specific-offsets"),
     .doc = "Where partitions without a committed offset start (a committed "
            "offset of the group always wins: it is the job's checkpoint)."},
    {.key = "scan.startup.specific-offsets",
     .aliases = HF_ALIASES("connector.specific-offsets"),
     .type = HF_OPT_STRING,
     .doc = "With specific-offsets: "
            "'partition:0,offset:42;partition:1,offset:300'."},
    {.key = "scan.startup.timestamp-millis",
     .aliases = HF_ALIASES("connector.startup-timestamp-millis"),
     .type = HF_OPT_INT,
     .doc = "With timestamp: start at the first message at or after this "
            "epoch millisecond."},
    HFK_OPT_BOUNDED_MODE,
    HFK_OPT_BOUNDED_OFFSETS,
    HFK_OPT_BOUNDED_TS,
    HFK_OPT_DISCOVERY,
    HFK_OPT_SCAN_PARALLELISM,
    HFK_OPT_DIRTY_PATH,
    {.key = "sink.partitioner",
     .aliases = HF_ALIASES("connector.sink-partitioner"),
     .type = HF_OPT_STRING,
     .def = "default",
     .doc = "default (Kafka's: murmur2 of the key), fixed (partition 0, "
            "Flink's FlinkFixedPartitioner), round-robin (Kafka's), or "
            "'custom' / a built-in name (murmur2, fixed, round-robin). "
            "Legacy tables default to fixed, as Flink 1.11."},
    {.key = "connector.sink-partitioner-class",
     .type = HF_OPT_STRING,
     .doc = "Legacy, with 'connector.sink-partitioner' = 'custom': a "
            "built-in partitioner (murmur2, fixed, round-robin, or the Java "
            "class names they stand for)."},
    HFK_OPT_DELIVERY,
    HFK_OPT_TXN_PREFIX,
    HFK_OPT_SINK_PARALLELISM,
    HFK_OPT_VERSION,
    HFK_OPT_PROPERTY_VERSION,
    HFK_OPT_UPDATE_MODE,
};

static int kafka_validate(const struct hf_table_def *t, struct hf_error *err)
{
    if (hfk_validate_common(t, false, err) != 0)
        return -1;
    const char *tn = hfk_tname(t);
    int mode = hf_opts_enum(&t->opts, "scan.startup.mode", NULL);
    if (mode == 3 &&
        !hf_opts_isset(&t->opts, "scan.startup.timestamp-millis", NULL))
        return hf_error_set(err, HF_ERR_OPTION,
                            "kafka table '%s': 'scan.startup.mode' = "
                            "'timestamp' needs "
                            "'scan.startup.timestamp-millis'",
                            tn);
    if (mode == 4 &&
        !hf_opts_isset(&t->opts, "scan.startup.specific-offsets", NULL))
        return hf_error_set(err, HF_ERR_OPTION,
                            "kafka table '%s': 'scan.startup.mode' = "
                            "'specific-offsets' needs "
                            "'scan.startup.specific-offsets'",
                            tn);
    const char *so = hf_opts_str(&t->opts, "scan.startup.specific-offsets",
                                 NULL);
    if (so) {
        int32_t *pv;
        int64_t *ov;
        size_t n;
        if (hfk_parse_specific_offsets("scan.startup.specific-offsets", so,
                                       &pv, &ov, &n, err) != 0)
            return -1;
        free(pv);
        free(ov);
    }
    if (hf_opts_isset(&t->opts, "update-mode", NULL) &&
        hf_opts_enum(&t->opts, "update-mode", NULL) != 0)
        return hf_error_set(err, HF_ERR_OPTION,
                            "kafka table '%s': the kafka connector is "
                            "append-only, so 'update-mode' must be 'append'; "
                            "use 'upsert-kafka' for updates and deletes",
                            tn);
    enum hfk_partitioner p;
    return hfk_partitioner_of(t, &p, err);
}

static bool kafka_accepts_changelog(const struct hf_table_def *t)
{
    return t->format != NULL && t->format->changelog;
}

static int kafka_source_open(const struct hf_table_def *t,
                             const struct hf_run_ctx *ctx, void **state,
                             struct hf_error *err)
{
    struct hfk_mode mode = {.upsert = false};
    return hfk_source_open(t, ctx, mode, state, err);
}

static int kafka_sink_open(const struct hf_table_def *t,
                           const struct hf_run_ctx *ctx, void **state,
                           struct hf_error *err)
{
    struct hfk_mode mode = {.upsert = false};
    return hfk_sink_open(t, ctx, mode, state, err);
}

const struct hf_connector hf_connector_kafka = {
    .name = "kafka",
    .summary = "Apache Kafka topics: append-only (or changelog-format) "
               "source with consumer groups and sink",
    .opts = kafka_opts,
    .nopts = sizeof kafka_opts / sizeof kafka_opts[0],
    .caps = HF_CONN_SOURCE | HF_CONN_SINK | HF_CONN_COUNTS_BYTES,
    .value_format_key = "format",
    .key_format_key = "key.format",
    .validate = kafka_validate,
    .bounded = hfk_bounded,
    .accepts_changelog = kafka_accepts_changelog,
    .source_group = hfk_source_group,
    .source_open = kafka_source_open,
    .source_read = hfk_source_read,
    .source_checkpoint = hfk_source_checkpoint,
    .source_commit = hfk_source_commit,
    .source_position = hfk_source_position,
    .source_close = hfk_source_close,
    .sink_open = kafka_sink_open,
    .sink_write = hfk_sink_write,
    .sink_flush = hfk_sink_flush,
    .sink_close = hfk_sink_close,
};
