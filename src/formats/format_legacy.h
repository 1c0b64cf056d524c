/*
 * format_legacy.h - the schema options of Flink 1.9/1.10's legacy
 * 'format.type' tables, for the formats that had them.
 *
 * Flink 1.9 let a format declare its own schema next to the table's:
 * 'format.fields.N.name' with 'format.fields.N.type' (or, in 1.10,
 * '.data-type'), 'format.schema' (a row type such as 'ROW<a INT, b
 * VARCHAR>') or, for json, 'format.json-schema' (a JSON Schema document);
 * 'format.derive-schema' = 'true' (the default from 1.10) said "use the
 * table's". In holoflow the DDL is always the schema. These options are
 * accepted so that old jobs run, checked against the DDL, and never used
 * to read or write:
 *
 *   derive-schema       true: what holoflow does anyway. false needs one of
 *                       the others, as in Flink.
 *   fields.N.*, schema  must name exactly the DDL's physical columns, each
 *                       with a type of the same kind (VARCHAR for CHAR, any
 *                       precision); anything else is an error naming the
 *                       column (or the field N without its other half).
 *   json-schema         must be valid JSON (an error otherwise); each
 *                       property that is not a column, column that is not
 *                       a property, or type that disagrees is one warning
 *                       naming it.
 *   property-version    the descriptor's version stamp: accepted with a
 *                       warning, it means nothing here.
 *
 * They belong to the legacy syntax: set under any other prefix than
 * 'format.' ('json.derive-schema') they are an error.
 */
#ifndef HF_FORMATS_FORMAT_LEGACY_H
#define HF_FORMATS_FORMAT_LEGACY_H

#include "conf/opt.h"
#include "core/error.h"
#include "core/types.h"

/* Option-table rows: every format that had a legacy schema. */
#define HF_FMT_LEGACY_SCHEMA_OPTS                                             \
    {.key = "derive-schema",                                                  \
     .type = HF_OPT_BOOL,                                                     \
     .doc = "Legacy 'format.type' tables (Flink 1.9/1.10): take the "         \
            "format's schema from the table; true is what holoflow always "   \
            "does (the DDL is the schema); false needs 'format.fields.#.*' "  \
            "or 'format.schema', which are checked against the DDL."},        \
    {.key = "schema",                                                         \
     .type = HF_OPT_STRING,                                                   \
     .doc = "Legacy: the format's row type ('ROW<a INT, b VARCHAR>'); "       \
            "checked against the DDL's columns (an error naming the column "  \
            "that differs), not used otherwise."},                            \
    {.key = "fields.#.name",                                                  \
     .type = HF_OPT_STRING,                                                   \
     .flags = HF_OPTF_PATTERN | HF_OPTF_INDEX,                                \
     .doc = "Legacy (Flink 1.9): name of the format's field N (0, 1, ...), "  \
            "with 'format.fields.N.type'; the fields must be the DDL's "      \
            "columns, each with a type of the same kind."},                   \
    {.key = "fields.#.type",                                                  \
     .type = HF_OPT_STRING,                                                   \
     .flags = HF_OPTF_PATTERN | HF_OPTF_INDEX,                                \
     .doc = "Legacy: type of field N ('VARCHAR', 'INT', 'SQL_TIMESTAMP', "    \
            "'DECIMAL', ...)."},                                              \
    {.key = "fields.#.data-type",                                             \
     .type = HF_OPT_STRING,                                                   \
     .flags = HF_OPTF_PATTERN | HF_OPTF_INDEX,                                \
     .doc = "Legacy (Flink 1.10): type of field N as a SQL type "             \
            "('VARCHAR(10)', 'TIMESTAMP(3)')."},                              \
    {.key = "property-version",                                               \
     .type = HF_OPT_STRING,                                                   \
     .doc = "Legacy descriptor version stamp: accepted with a warning, "      \
            "it means nothing to holoflow."}

#define HF_FMT_LEGACY_JSON_SCHEMA_OPT                                         \
    {.key = "json-schema",                                                    \
     .type = HF_OPT_STRING,                                                   \
     .doc = "Legacy: a JSON Schema of the records. Must be valid JSON; its "  \
            "properties are compared with the DDL's columns (a warning for "  \
            "each difference); holoflow reads the DDL's columns."}

/* Check the legacy schema options of format options `o` (parsed with a
 * table holding HF_FMT_LEGACY_SCHEMA_OPTS, and HF_FMT_LEGACY_JSON_SCHEMA_OPT
 * if the format had it) against the table's schema `s`. Logs the warnings
 * described above. 0, or -1 with err at the option's file:line:col. */
int hf_format_legacy_validate(const struct hf_opts *o,
                              const struct hf_schema *s,
                              struct hf_error *err);

/* Read a legacy type spelling of Flink 1.9/1.10 ('VARCHAR', 'LONG',
 * 'SQL_TIMESTAMP', 'PRIMITIVE_ARRAY(INT)', or a SQL type such as
 * 'DECIMAL(10, 2)') into `t`. 0 or -1 (not a type holoflow has). */
int hf_format_legacy_type(const char *text, struct hf_type *t);

#endif
