/*
 * kafka_int.h - what the 'kafka' and 'upsert-kafka' connectors share.
 *
 * Both connectors are thin: an option table, plan-time checks and the
 * connector struct (kafka.c, upsert_kafka/upsert_kafka.c). The work is done
 * here, once, for both:
 *
 *   kafka_conf.c    librdkafka configuration from the table's options
 *                   ('properties.*', the legacy 'connector.properties.*'
 *                   and Flink 1.9's 'connector.properties.N.key'/'.value'
 *                   pairs; librdkafka's own error text forwarded, already
 *                   at plan time), topic lists,
 *                   'partition:0,offset:42;...' lists, log and error
 *                   callbacks, murmur2 and the sink partitioners.
 *   kafka_layout.c  which columns the key and the value carry, and their
 *                   format codecs ('key.fields' / PRIMARY KEY,
 *                   'key.fields-prefix', 'value.fields-include').
 *   kafka_source.c  the consumer: consumer group or manual assignment,
 *                   startup and bounded modes, one partition per batch,
 *                   checkpoints of {partition: next offset} committed only
 *                   when the runtime says every sink has flushed, rebalance
 *                   handled between batches (flush + commit before revoke).
 *   kafka_sink.c    the producer: acks=all, idempotent, explicit partitions,
 *                   flush waits for every delivery report.
 *   kafka_map.c     a byte-string hash map in insertion order (the upsert
 *                   sink's reduce buffer).
 *
 * Mode flags select the upsert behaviour (tombstones as -D with the key on
 * read, reduce buffer on write). The upsert-kafka source emits an upsert
 * stream; the planner completes it with a ChangelogNormalize operator
 * (ops/normalize.c) where a consumer needs that.
 */
#ifndef HF_CONNECTORS_KAFKA_INT_H
#define HF_CONNECTORS_KAFKA_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <librdkafka/rdkafka.h>

#include "connectors/connector.h"
#include "core/strbuf.h"
#include "formats/format.h"

/* ------------------------------------------------------------ murmur2 */

/* Kafka's Utils.murmur2 over `len` bytes (Java int arithmetic, seed
 * 0x9747b28c): the hash the Java producer's default partitioner uses. */
int32_t hf_kafka_murmur2(const void *data, size_t len);

/* The partition the Java default partitioner picks for a non-null key:
 * (murmur2(key) & 0x7fffffff) % npart. npart must be > 0. */
int32_t hf_kafka_murmur2_partition(const void *key, size_t len,
                                   int32_t npart);

/* ------------------------------------------------------------ options */

/* Option-table rows shared by both connectors (kafka.c, upsert_kafka.c). */
#define HFK_OPT_TOPIC                                                         \
    {.key = "topic",                                                          \
     .aliases = HF_ALIASES("connector.topic"),                                \
     .type = HF_OPT_LIST,                                                     \
     .doc = "Topic name(s), ';'-separated for a source; exactly one for a "   \
            "sink. Either this or 'topic-pattern'."}
#define HFK_OPT_TOPIC_PATTERN                                                 \
    {.key = "topic-pattern",                                                  \
     .type = HF_OPT_STRING,                                                   \
     .doc = "Sources: regular expression matching the whole topic name "      \
            "(instead of 'topic')."}
#define HFK_OPT_BOOTSTRAP                                                     \
    {.key = "properties.bootstrap.servers",                                   \
     .aliases = HF_ALIASES("connector.properties.bootstrap.servers"),         \
     .type = HF_OPT_STRING,                                                   \
     .flags = HF_OPTF_REQUIRED,                                               \
     .doc = "Kafka brokers, 'host:port[,host:port...]'."}
#define HFK_OPT_GROUP                                                         \
    {.key = "properties.group.id",                                            \
     .aliases = HF_ALIASES("connector.properties.group.id"),                  \
     .type = HF_OPT_STRING,                                                   \
     .doc = "Sources: consumer group. With a group, partitions are shared "   \
            "by every holoflow in the group and the group's committed "       \
            "offsets are the job's checkpoint; without one, every partition " \
            "is read and nothing is committed."}
#define HFK_OPT_PROPERTIES                                                    \
    {.key = "properties.",                                                    \
     .type = HF_OPT_STRING,                                                   \
     .flags = HF_OPTF_PREFIX,                                                 \
     .doc = "Any librdkafka property, without the prefix "                    \
            "('properties.security.protocol'); librdkafka's own message is "  \
            "shown for a bad one. Credentials among them (sasl.password, "    \
            "sasl.jaas.config, ssl.key.password, ssl.key.pem, ...: any name " \
            "with password, secret, token or key material) are secrets."}
#define HFK_OPT_LEGACY_PROPERTIES                                             \
    {.key = "connector.properties.",                                          \
     .type = HF_OPT_STRING,                                                   \
     .flags = HF_OPTF_PREFIX,                                                 \
     .doc = "Legacy spelling of 'properties.*'."}
#define HFK_OPT_LEGACY_PAIRS                                                  \
    {.key = "connector.properties.#.key",                                     \
     .type = HF_OPT_STRING,                                                   \
     .flags = HF_OPTF_PAIRS,                                                  \
     .doc = "Flink 1.9's pairs: 'connector.properties.N.key' = 'name' with "  \
            "'connector.properties.N.value' = 'v' (N = 0, 1, ...) is "        \
            "'connector.properties.name' = 'v' (so 'bootstrap.servers' and "  \
            "'group.id' pairs set those options); a half without the other "  \
            "is an error, and so is a property also set another way."}
#define HFK_OPT_KEY_FORMAT                                                    \
    {.key = "key.format",                                                     \
     .type = HF_OPT_STRING,                                                   \
     .doc = "Format of the message key (insert-only: json, csv, raw, "       \
            "avro)."}
#define HFK_OPT_KEY_PREFIX                                                    \
    {.key = "key.fields-prefix",                                              \
     .type = HF_OPT_STRING,                                                   \
     .doc = "Prefix of the key columns' names in the table, stripped in the " \
            "key format; needs 'value.fields-include' = 'EXCEPT_KEY'."}
#define HFK_OPT_VALUE_INCLUDE                                                 \
    {.key = "value.fields-include",                                           \
     .type = HF_OPT_ENUM,                                                     \
     .def = "ALL",                                                            \
     .values = HF_VALUES("ALL", "EXCEPT_KEY"),                                \
     .doc = "ALL: the value holds every physical column; EXCEPT_KEY: the "    \
            "key columns are only in the key."}
#define HFK_OPT_DISCOVERY                                                     \
    {.key = "scan.topic-partition-discovery.interval",                        \
     .type = HF_OPT_DURATION,                                                 \
     .doc = "How often new partitions and topics are looked for (librdkafka " \
            "topic.metadata.refresh.interval.ms); 0 disables."}
#define HFK_OPT_SCAN_PARALLELISM                                              \
    {.key = "scan.parallelism",                                               \
     .type = HF_OPT_INT,                                                      \
     .min = 1,                                                                \
     .max = INT32_MAX,                                                        \
     .flags = HF_OPTF_RANGE,                                                  \
     .doc = "Accepted for Flink compatibility; one consumer per holoflow "    \
            "(run more holoflow processes in one group to scale)."}
#define HFK_OPT_DIRTY_PATH                                                    \
    {.key = "scan.dirty-data.path",                                           \
     .type = HF_OPT_STRING,                                                   \
     .doc = "holoflow: file to which records skipped by the format's "        \
            "ignore-parse-errors are appended (one JSON line each: topic, "   \
            "partition, offset, reason, key, value), flushed before offsets " \
            "are committed."}
#define HFK_OPT_BOUNDED_MODE                                                  \
    {.key = "scan.bounded.mode",                                              \
     .type = HF_OPT_ENUM,                                                     \
     .def = "unbounded",                                                      \
     .values = HF_VALUES("unbounded", "latest-offset", "group-offsets",       \
                         "timestamp", "specific-offsets"),                    \
     .doc = "Where a bounded read stops: unbounded (default), the latest "    \
            "offsets at start, the group's committed offsets, a timestamp, "  \
            "or given offsets."}
#define HFK_OPT_BOUNDED_OFFSETS                                               \
    {.key = "scan.bounded.specific-offsets",                                  \
     .type = HF_OPT_STRING,                                                   \
     .doc = "With scan.bounded.mode = specific-offsets: "                     \
            "'partition:0,offset:42;partition:1,offset:300' (exclusive)."}
#define HFK_OPT_BOUNDED_TS                                                    \
    {.key = "scan.bounded.timestamp-millis",                                  \
     .type = HF_OPT_INT,                                                      \
     .doc = "With scan.bounded.mode = timestamp: stop before the first "      \
            "message at or after this epoch millisecond."}
#define HFK_OPT_SINK_PARALLELISM                                              \
    {.key = "sink.parallelism",                                               \
     .type = HF_OPT_INT,                                                      \
     .min = 1,                                                                \
     .max = INT32_MAX,                                                        \
     .flags = HF_OPTF_RANGE,                                                  \
     .doc = "Accepted for Flink compatibility; holoflow produces from one "   \
            "idempotent producer."}
#define HFK_OPT_DELIVERY                                                      \
    {.key = "sink.delivery-guarantee",                                        \
     .aliases = HF_ALIASES("sink.semantic"),                                  \
     .type = HF_OPT_ENUM,                                                     \
     .def = "at-least-once",                                                  \
     .values = HF_VALUES("none", "at-least-once", "exactly-once"),            \
     .doc = "at-least-once (and none): every checkpoint waits until the "     \
            "brokers acknowledged all messages; exactly-once (Kafka "         \
            "transactions) is not supported."}
#define HFK_OPT_TXN_PREFIX                                                    \
    {.key = "sink.transactional-id-prefix",                                   \
     .type = HF_OPT_STRING,                                                   \
     .doc = "Only meaningful with exactly-once, which holoflow does not "     \
            "support."}
#define HFK_OPT_VERSION                                                       \
    {.key = "connector.version",                                              \
     .type = HF_OPT_STRING,                                                   \
     .doc = "Legacy: Kafka version ('0.11', 'universal', ...); accepted, "    \
            "librdkafka negotiates the protocol."}
#define HFK_OPT_PROPERTY_VERSION                                              \
    {.key = "connector.property-version",                                     \
     .type = HF_OPT_STRING,                                                   \
     .doc = "Legacy descriptor version stamp: accepted with a warning, it "   \
            "means nothing to holoflow."}
#define HFK_OPT_UPDATE_MODE                                                   \
    {.key = "update-mode",                                                    \
     .type = HF_OPT_ENUM,                                                     \
     .values = HF_VALUES("append", "retract", "upsert"),                      \
     .doc = "Legacy: append accepts inserts only; retract and upsert accept " \
            "updates and deletes."}

/* The metadata keys of a Kafka source (kafka_meta.c): the connector's own,
 * in Flink's order (KafkaDynamicSource.ReadableMetadata), and those of the
 * value format under "value." (Flink's format metadata, e.g.
 * "value.source.timestamp" of debezium-json). */
enum hfk_meta {
    HFK_META_TOPIC,
    HFK_META_PARTITION,
    HFK_META_HEADERS, /* MAP<STRING, BYTES>: the record's headers */
    HFK_META_LEADER_EPOCH,
    HFK_META_OFFSET,
    HFK_META_TIMESTAMP,
    HFK_META_TIMESTAMP_TYPE,
    HFK_META__N,
    /* HFK_META_VALUE + i: the value format's meta[i] */
    HFK_META_VALUE = 1000
};

/* The table's name for messages ("?" when unnamed). Borrowed. */
const char *hfk_tname(const struct hf_table_def *t);

/* Which metadata key column `c` reads: an hfk_meta (HFK_META_VALUE + i for
 * the value format's key i), or -1 with err: an unknown key (the message
 * lists the valid ones), a declared type that cannot hold it, or a MAP
 * key. */
int hfk_meta_of(const struct hf_table_def *t, const struct hf_column *c,
                struct hf_error *err);

/* Plan-time checks both connectors share: topic/topic-pattern, the
 * librdkafka properties (built into a configuration as at run time, each
 * refused one naming its option; warnings for ignored ones), the value and
 * key formats, the column layout, metadata columns, dirty path. `upsert`
 * selects upsert-kafka's rules. 0 or -1. */
int hfk_validate_common(const struct hf_table_def *t, bool upsert,
                        struct hf_error *err);

/* Does the table use the legacy 'connector.*' spelling? */
bool hfk_is_legacy(const struct hf_table_def *t);

/* Build a librdkafka configuration from the table's options for a
 * consumer or producer: `defaults` (NULL-terminated key, value pairs) are
 * set first, then every 'properties.*' / 'connector.properties.*' option.
 * A property librdkafka rejects fails with its own message, naming the
 * option. Sets the log callback (librdkafka logs go to holoflow's log).
 * Returns a new conf (caller owns; rd_kafka_new takes it) or NULL. */
rd_kafka_conf_t *hfk_conf_new(const struct hf_table_def *t,
                              const char *const *defaults,
                              struct hf_error *err);

/* Was librdkafka property `name` set by the user (either prefix)? */
bool hfk_prop_isset(const struct hf_table_def *t, const char *name);

/* 'sasl.jaas.config' read for librdkafka (kafka_jaas.c): the username and
 * password of a PlainLoginModule or ScramLoginModule entry. */
struct hfk_jaas {
    char *username;
    char *password;
};
/* 0, or -1 with the reason in `why` (other modules are refused by name). */
int hfk_jaas_parse(const char *text, struct hfk_jaas *out, char *why,
                   size_t n);
void hfk_jaas_free(struct hfk_jaas *j);

/* The topics of option 'topic': a NULL-terminated array of borrowed
 * strings in a malloc'd block (caller frees the array only). NULL when the
 * option is not set (or on out of memory: err set). */
const char **hfk_topics(const struct hf_table_def *t, size_t *n,
                        struct hf_error *err);

/* Parse 'partition:0,offset:42;partition:1,offset:300' into parallel
 * arrays (malloc'd, caller frees both). 0, or -1 with err naming `key` and
 * the bad part. */
int hfk_parse_specific_offsets(const char *key, const char *text,
                               int32_t **parts, int64_t **offsets, size_t *n,
                               struct hf_error *err);

/* ------------------------------------------------------------ layout */

/* The columns carried by the key and the value of a message, and their
 * codecs. Key columns: the PRIMARY KEY (upsert-kafka) or 'key.fields'
 * (kafka), in that order; the key format sees them under names without
 * 'key.fields-prefix'. Value columns: every physical column (ALL) or every
 * physical column that is not a key column (EXCEPT_KEY). */
struct hfk_layout {
    const struct hf_table_def *t;
    uint32_t nkey;
    uint32_t *key_cols; /* schema indexes, key order */
    uint32_t nval;
    uint32_t *val_cols; /* schema indexes, schema order */
    struct hf_schema key_schema; /* nkey columns, prefix stripped (owned) */
    uint32_t *key_idx;           /* 0..nkey-1, for the key codecs */
    const struct hf_format *kfmt, *vfmt;
    const struct hf_opts *kopts, *vopts;
    void *kdec, *vdec, *kenc, *venc;
    struct hf_batch *kbatch; /* decoded key (one row, key_schema columns) */
    struct hf_value *krow;   /* key values gathered for encoding */
};

/* Work out the columns (both roles) of table `t`; with `decode` / `encode`
 * create the decoders / encoders. `l` is zeroed first; release it with
 * hfk_layout_free either way. 0 or -1 (err names the column or option). */
int hfk_layout_init(struct hfk_layout *l, const struct hf_table_def *t,
                    bool upsert, bool decode, bool encode,
                    struct hf_error *err);
void hfk_layout_free(struct hfk_layout *l);

/* Decode key bytes into l->kbatch (row 0). Returns 1, HF_DECODE_SKIP, or
 * -1 (err has the reason; the caller adds where). A NULL key or a key the
 * format turns into no row leaves every key value NULL and returns 1. */
int hfk_key_decode(struct hfk_layout *l, const void *key, size_t len,
                   int64_t origin, struct hf_error *err);

/* Copy the decoded key (l->kbatch row 0) into the key columns of `row`,
 * a row of batch `out` (strings into its arena). 0 or -1 (out of memory). */
int hfk_key_copy(struct hfk_layout *l, struct hf_batch *out,
                 struct hf_value *row, struct hf_error *err);

/* Encode the key / the value columns of `row` (the table's columns) onto
 * `out` (appended). 0 or -1. */
int hfk_key_encode(struct hfk_layout *l, const struct hf_value *row,
                   struct hf_strbuf *out, struct hf_error *err);
int hfk_value_encode(struct hfk_layout *l, const struct hf_value *row,
                     enum hf_rowkind kind, struct hf_strbuf *out,
                     struct hf_error *err);

/* Deep-copy value `src` of type `t` into `dst`, strings and arrays into
 * the arena of batch `b`. 0 or -1 (out of memory). */
int hfk_value_copy(struct hf_batch *b, const struct hf_type *t,
                   struct hf_value *dst, const struct hf_value *src);

/* ------------------------------------------------------------ map */

/* A hash map from byte strings to byte strings (or to "no value"), which
 * iterates in insertion order. Keys and values are copied in. */
struct hfk_map_entry {
    uint64_t hash;
    uint32_t klen;
    uint32_t vlen;
    bool has_value;
    bool live;
    char *data; /* key bytes then value bytes (owned) */
};

struct hfk_map {
    struct hfk_map_entry *e; /* entries in insertion order (some dead) */
    size_t ne, cap;
    size_t live;
    uint32_t *slots; /* 0 = empty, else entry index + 1 */
    size_t nslots;   /* power of two */
};

void hfk_map_init(struct hfk_map *m);
void hfk_map_free(struct hfk_map *m);
void hfk_map_clear(struct hfk_map *m);
/* The entry for `key`, or NULL. Borrowed until the next change. */
const struct hfk_map_entry *hfk_map_get(const struct hfk_map *m,
                                        const void *key, size_t klen);
/* Insert or replace (a replaced entry keeps its place in the order).
 * `value` NULL with has_value false stores "no value". 0 or -1 (out of
 * memory). */
int hfk_map_put(struct hfk_map *m, const void *key, size_t klen,
                const void *value, size_t vlen, bool has_value);
/* Remove `key` if present. */
void hfk_map_del(struct hfk_map *m, const void *key, size_t klen);

/* ------------------------------------------------------------ source/sink */

/* Mode of a source or sink instance. */
struct hfk_mode {
    bool upsert; /* upsert-kafka */
};

/* The connector callbacks (connector.h), shared by both connectors; `mode`
 * picks upsert-kafka's behaviour. open borrows `t` and `ctx` (they outlive
 * the instance) and returns a new state in *state, released by close
 * (close(NULL) is a no-op). All calls of one instance on one thread. */
int hfk_source_open(const struct hf_table_def *t, const struct hf_run_ctx *ctx,
                    struct hfk_mode mode, void **state, struct hf_error *err);
int hfk_source_read(void *state, struct hf_batch *out, struct hf_error *err);
int hfk_source_checkpoint(void *state, uint64_t id, struct hf_error *err);
int hfk_source_commit(void *state, uint64_t id, struct hf_error *err);
/* The position of the last checkpoint for the job's checkpoint (see
 * kafka_source.c: "Checkpoint positions"); appended to out. */
int hfk_source_position(void *state, struct hf_strbuf *out,
                        struct hf_error *err);
void hfk_source_close(void *state);
/* Is the table bounded ('scan.bounded.mode' other than unbounded)? */
bool hfk_bounded(const struct hf_table_def *t);
/* The source's 'properties.group.id', or NULL (hf_connector.source_group). */
const char *hfk_source_group(const struct hf_table_def *t);

int hfk_sink_open(const struct hf_table_def *t, const struct hf_run_ctx *ctx,
                  struct hfk_mode mode, void **state, struct hf_error *err);
int hfk_sink_write(void *state, const struct hf_batch *in,
                   struct hf_error *err);
int hfk_sink_flush(void *state, struct hf_error *err);
void hfk_sink_close(void *state);

/* ------------------------------------------------------------ partitioners */

enum hfk_partitioner {
    HFK_PART_DEFAULT,     /* Kafka's: murmur2 of the key; no key: librdkafka */
    HFK_PART_MURMUR2,     /* murmur2 of the key (no key: partition 0) */
    HFK_PART_FIXED,       /* Flink's FlinkFixedPartitioner: partition 0 */
    HFK_PART_ROUND_ROBIN, /* each message to the next partition */
};

/* The partitioner a sink table asks for ('sink.partitioner', legacy
 * 'connector.sink-partitioner' + '-class'); a Java class name that is not
 * one of the built-in ones is an error naming them. 0 or -1. */
int hfk_partitioner_of(const struct hf_table_def *t,
                       enum hfk_partitioner *out, struct hf_error *err);

#endif
