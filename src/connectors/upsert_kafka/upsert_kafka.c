/*
 * upsert_kafka.c - the 'upsert-kafka' connector: a Kafka topic as a table
 * keyed by its PRIMARY KEY, with the options of Flink's 'upsert-kafka'
 * connector and of the legacy 'connector.type' = 'upsert-kafka' tables
 * (Huawei DLI's Flink 1.10 dialect: 'connector.topic',
 * 'connector.properties.*', 'connector.sink-partitioner' (+ '-class'),
 * 'connector.sink.ignore-retraction', 'update-mode', 'format.type').
 *
 * Sink: the key is the primary-key columns in key order ('key.format';
 * legacy tables use 'format.type' for both), +I/+U write the value, -U/-D
 * write a tombstone unless retractions are ignored; optional reduce buffer
 * ('sink.buffer-flush.*'). Source: a value is +I, a tombstone a -D with
 * only the key columns set: an upsert stream, which the planner completes
 * with a ChangelogNormalize where a consumer needs it (ops/normalize.c);
 * without a restored checkpoint reading starts at the earliest offset.
 * The work is shared with 'kafka' in src/connectors/kafka/.
 */
#include <string.h>

#include "connectors/kafka/kafka_int.h"

static const struct hf_opt_def upsert_opts[] = {
    HFK_OPT_TOPIC,
    HFK_OPT_TOPIC_PATTERN,
    HFK_OPT_BOOTSTRAP,
    HFK_OPT_GROUP,
    HFK_OPT_PROPERTIES,
    HFK_OPT_LEGACY_PROPERTIES,
    HFK_OPT_LEGACY_PAIRS,
    {.key = "value.format",
     .aliases = HF_ALIASES("format.type"),
     .type = HF_OPT_STRING,
     .flags = HF_OPTF_REQUIRED,
     .doc = "Format of the message value (insert-only: json, csv, raw, "
            "avro); legacy 'format.type' also formats the key."},
    HFK_OPT_KEY_FORMAT,
    HFK_OPT_KEY_PREFIX,
    HFK_OPT_VALUE_INCLUDE,
    HFK_OPT_BOUNDED_MODE,
    HFK_OPT_BOUNDED_OFFSETS,
    HFK_OPT_BOUNDED_TS,
    HFK_OPT_DISCOVERY,
    HFK_OPT_SCAN_PARALLELISM,
    HFK_OPT_DIRTY_PATH,
    {.key = "sink.buffer-flush.max-rows",
     .type = HF_OPT_INT,
     .def = "0",
     .doc = "With sink.buffer-flush.interval: keep the last message per key "
            "and produce when this many keys are buffered; 0 disables."},
    {.key = "sink.buffer-flush.interval",
     .type = HF_OPT_DURATION,
     .def = "0",
     .doc = "With sink.buffer-flush.max-rows: produce the buffered messages "
            "at least this often (and at every checkpoint); 0 disables."},
    HFK_OPT_SINK_PARALLELISM,
    HFK_OPT_DELIVERY,
    HFK_OPT_TXN_PREFIX,
    HFK_OPT_VERSION,
    HFK_OPT_PROPERTY_VERSION,
    {.key = "connector.sink-partitioner",
     .type = HF_OPT_ENUM,
     .values = HF_VALUES("fixed", "round-robin", "custom"),
     .doc = "Legacy: fixed (partition 0, the default of legacy tables), "
            "round-robin (Kafka's partitioner: murmur2 of the key), custom "
            "(see connector.sink-partitioner-class). Modern tables use "
            "Kafka's partitioner."},
    {.key = "connector.sink-partitioner-class",
     .type = HF_OPT_STRING,
     .doc = "Legacy, with custom: a built-in partitioner: murmur2 (Kafka's "
            "default partitioner: the partition a Java producer picks), "
            "fixed, round-robin, or the Java class names they stand for."},
    {.key = "connector.sink.ignore-retraction",
     .type = HF_OPT_BOOL,
     .def = "false",
     .doc = "Legacy: true drops -U/-D rows instead of writing tombstones."},
    HFK_OPT_UPDATE_MODE,
};

static int upsert_validate(const struct hf_table_def *t, struct hf_error *err)
{
    if (hfk_validate_common(t, true, err) != 0)
        return -1;
    int64_t rows = hf_opts_int(&t->opts, "sink.buffer-flush.max-rows", NULL);
    int64_t ms = hf_opts_int(&t->opts, "sink.buffer-flush.interval", NULL);
    if ((rows > 0) != (ms > 0))
        return hf_error_set(err, HF_ERR_OPTION,
                            "upsert-kafka table '%s': "
                            "'sink.buffer-flush.max-rows' and "
                            "'sink.buffer-flush.interval' must be set to be "
                            "greater than zero together to enable sink buffer "
                            "flushing",
                            hfk_tname(t));
    enum hfk_partitioner p;
    return hfk_partitioner_of(t, &p, err);
}

static bool upsert_accepts_changelog(const struct hf_table_def *t)
{
    return !(hf_opts_isset(&t->opts, "update-mode", NULL) &&
             hf_opts_enum(&t->opts, "update-mode", NULL) == 0);
}

/* A +U is the key's new value, as a -D's tombstone then +I would leave
 * it (connector.h, sink_upserts_in_place). */
static bool upsert_in_place(const struct hf_table_def *t)
{
    return t->schema.npk > 0;
}

static bool upsert_produces_changelog(const struct hf_table_def *t)
{
    (void)t;
    return true;
}

static bool upsert_upsert_source(const struct hf_table_def *t)
{
    (void)t;
    return true;
}

static int upsert_source_open(const struct hf_table_def *t,
                              const struct hf_run_ctx *ctx, void **state,
                              struct hf_error *err)
{
    struct hfk_mode mode = {.upsert = true};
    return hfk_source_open(t, ctx, mode, state, err);
}

static int upsert_sink_open(const struct hf_table_def *t,
                            const struct hf_run_ctx *ctx, void **state,
                            struct hf_error *err)
{
    struct hfk_mode mode = {.upsert = true};
    return hfk_sink_open(t, ctx, mode, state, err);
}

const struct hf_connector hf_connector_upsert_kafka = {
    .name = "upsert-kafka",
    .summary = "Apache Kafka topics as a changelog keyed by the primary key "
               "(tombstones delete); also the legacy connector.type syntax",
    .opts = upsert_opts,
    .nopts = sizeof upsert_opts / sizeof upsert_opts[0],
    .caps = HF_CONN_SOURCE | HF_CONN_SINK | HF_CONN_COUNTS_BYTES,
    .value_format_key = "value.format",
    .key_format_key = "key.format",
    .validate = upsert_validate,
    .bounded = hfk_bounded,
    .accepts_changelog = upsert_accepts_changelog,
    .sink_upserts_in_place = upsert_in_place,
    .produces_changelog = upsert_produces_changelog,
    .upsert_source = upsert_upsert_source,
    .source_group = hfk_source_group,
    .source_open = upsert_source_open,
    .source_read = hfk_source_read,
    .source_checkpoint = hfk_source_checkpoint,
    .source_commit = hfk_source_commit,
    .source_position = hfk_source_position,
    .source_close = hfk_source_close,
    .sink_open = upsert_sink_open,
    .sink_write = hfk_sink_write,
    .sink_flush = hfk_sink_flush,
    .sink_close = hfk_sink_close,
};
