/*
 * registry.c - the list of formats, looked up by name.
 *
 * Adding a format means one file defining its `const struct hf_format` and
 * one line in `formats` below. Names match case-insensitively ('JSON' is
 * 'json'), as Flink's factory lookup does for the 'format' option. Formats
 * planned but not built yet are listed with `unavailable` set, so the
 * planner can say so instead of "unknown format".
 */
#include <stddef.h>
#include <strings.h>

#include "formats/format.h"
#include "formats/format_int.h"

/* raw.c, avro.c, avro_confluent.c */
extern const struct hf_format hf_format_raw;
extern const struct hf_format hf_format_avro;
extern const struct hf_format hf_format_avro_confluent;
extern const struct hf_format hf_format_debezium_avro_confluent;

static const struct hf_format *const formats[] = {
    &hf_format_csv,
    &hf_format_json,
    &hf_format_debezium_json,
    &hf_format_canal_json,
    &hf_format_maxwell_json,
    &hf_format_raw,
    &hf_format_avro,
    &hf_format_avro_confluent,
    &hf_format_debezium_avro_confluent,
    NULL,
};

const struct hf_format *hf_format_find(const char *name)
{
    if (name == NULL)
        return NULL;
    for (size_t i = 0; formats[i] != NULL; i++)
        if (strcasecmp(formats[i]->name, name) == 0)
            return formats[i];
    return NULL;
}

const struct hf_format *const *hf_format_list(void)
{
    return formats;
}
