/*
 * kafka_meta.c - the metadata columns a Kafka source reads, and their
 * declared types.
 *
 * The keys are Flink's (KafkaDynamicSource): the connector's own (topic,
 * partition, headers, leader-epoch, offset, timestamp, timestamp-type) and
 * the value format's, each under "value." (debezium-json's
 * value.source.timestamp, canal-json's value.table, ...: the format's
 * table in format.h). A column names its key with METADATA FROM 'key' or
 * by its own name. Its declared type must hold the key's values
 * (hf_format_meta_fits: STRING in CHAR or VARCHAR, INT in BIGINT,
 * TIMESTAMP_LTZ(3) in TIMESTAMP_LTZ or TIMESTAMP); a key whose Flink type is
 * a MAP (headers, value.source.properties, value.sql-type) is refused with
 * the reason, since holoflow has no MAP type yet. An unknown key is
 * refused listing every key the table can read, as Flink's message does.
 * The key format has no metadata in Flink; neither here.
 */
#include <string.h>

#include "connectors/kafka/kafka_int.h"

static const struct hf_format_meta kafka_meta[HFK_META__N] = {
    {"topic", HF_META_STRING, "STRING"},
    {"partition", HF_META_INT, "INT"},
    {"headers", HF_META_MAP, "MAP<STRING, BYTES>"},
    {"leader-epoch", HF_META_INT, "INT"},
    {"offset", HF_META_BIGINT, "BIGINT"},
    {"timestamp", HF_META_TIMESTAMP3, "TIMESTAMP_LTZ(3)"},
    {"timestamp-type", HF_META_STRING, "STRING"},
};

#define VALUE_PREFIX "value."

/* Check `c`'s type against metadata `m` read as `key`. 0 or -1. */
static int check_type(const struct hf_table_def *t, const struct hf_column *c,
                      const char *key, const struct hf_format_meta *m,
                      struct hf_error *err)
{
    if (m->type == HF_META_MAP)
        return hf_error_set(err, HF_ERR_UNSUPPORTED,
                            "kafka table '%s': metadata column '%s' reads "
                            "'%s', which is %s in Flink; holoflow has no MAP "
                            "type yet, so it cannot be read",
                            hfk_tname(t), c->name, key, m->flink_type);
    if (hf_format_meta_fits(m->type, &c->type))
        return 0;
    char tb[64];
    return hf_error_set(err, HF_ERR_TYPE,
                        "kafka table '%s': metadata column '%s' ('%s') is "
                        "declared %s; declare it %s",
                        hfk_tname(t), c->name, key,
                        hf_type_name(&c->type, tb, sizeof tb), m->flink_type);
}

int hfk_meta_of(const struct hf_table_def *t, const struct hf_column *c,
                struct hf_error *err)
{
    const char *key = c->meta_key ? c->meta_key : c->name;
    const struct hf_format *vf = t->format;
    if (strncmp(key, VALUE_PREFIX, strlen(VALUE_PREFIX)) == 0) {
        const struct hf_format_meta *m =
            hf_format_meta_find(vf, key + strlen(VALUE_PREFIX));
        if (m != NULL) {
            if (check_type(t, c, key, m, err) != 0)
                return -1;
            return HFK_META_VALUE + (int)(m - vf->meta);
        }
    }
    for (int i = 0; i < HFK_META__N; i++) {
        if (strcmp(key, kafka_meta[i].key) != 0)
            continue;
        if (check_type(t, c, key, &kafka_meta[i], err) != 0)
            return -1;
        return i;
    }
    /* Unknown: list what this table can read, the format's keys first. */
    struct hf_strbuf b;
    hf_strbuf_init(&b, 0);
    for (const struct hf_format_meta *m = vf ? vf->meta : NULL; m && m->key;
         m++)
        hf_strbuf_printf(&b, VALUE_PREFIX "%s, ", m->key);
    for (int i = 0; i < HFK_META__N; i++)
        hf_strbuf_printf(&b, "%s%s", kafka_meta[i].key,
                         i + 1 < HFK_META__N ? ", " : "");
    hf_error_set(err, HF_ERR_OPTION,
                 "kafka table '%s': column '%s' reads metadata '%s', which "
                 "the kafka connector%s%s does not provide; valid keys: %s",
                 hfk_tname(t), c->name, key, vf ? " with format " : "",
                 vf ? vf->name : "", hf_strbuf_ok(&b) ? b.data : "?");
    hf_strbuf_free(&b);
    return -1;
}
