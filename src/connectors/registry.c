/*
 * registry.c - the list of every connector this build knows.
 *
 * One line per connector: available ones (datagen, print, blackhole,
 * filesystem) and the ones that are declared but not usable yet
 * (unavailable.c), so the planner can tell "not in this build" apart from a
 * typo. Names are matched case-insensitively, as Flink matches the
 * 'connector' value. The list is constant and needs no initialization, so
 * both functions may be called from any thread.
 */
#include <stddef.h>
#include <strings.h>

#include "connectors/connector.h"

extern const struct hf_connector hf_connector_datagen;
extern const struct hf_connector hf_connector_print;
extern const struct hf_connector hf_connector_blackhole;
extern const struct hf_connector hf_connector_filesystem;
extern const struct hf_connector hf_connector_hologres;
extern const struct hf_connector hf_connector_kafka;
extern const struct hf_connector hf_connector_upsert_kafka;
extern const struct hf_connector hf_connector_jdbc;

/* clang-format off */
static const struct hf_connector *const all_connectors[] = {
    &hf_connector_datagen,
    &hf_connector_print,
    &hf_connector_blackhole,
    &hf_connector_filesystem,
    &hf_connector_hologres,
    &hf_connector_kafka,
    &hf_connector_upsert_kafka,
    &hf_connector_jdbc,
    NULL,
};
/* clang-format on */

/* Borrowed pointer to a static connector, or NULL when `name` is unknown. */
const struct hf_connector *hf_connector_find(const char *name)
{
    if (name == NULL)
        return NULL;
    for (size_t i = 0; all_connectors[i] != NULL; i++) {
        if (strcasecmp(all_connectors[i]->name, name) == 0)
            return all_connectors[i];
    }
    return NULL;
}

/* Borrowed, static, NULL-terminated. */
const struct hf_connector *const *hf_connector_list(void)
{
    return all_connectors;
}
