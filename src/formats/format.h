/*
 * format.h - the contract of a format (json, csv, debezium-json, ...).
 *
 * A format turns one record (a line of a file, a Kafka message key or value)
 * into zero or more rows, and rows back into records. Its options are one
 * table, declared without the format-name prefix: the planner parses them
 * under "<name>." (csv.field-delimiter), "key.<name>."/"value.<name>." for
 * key/value formats, or "format." for the legacy 'format.type' syntax.
 *
 * decode() appends rows to `out`, filling only the columns listed at
 * decoder_new() (the format's fields, in schema order; other columns are the
 * connector's: metadata, partition values). It returns the number of rows
 * appended, HF_DECODE_SKIP when the record is bad and the format's
 * ignore-parse-errors option is on (the caller counts it), or -1 with `err`
 * naming the field and the reason; the caller prefixes the location (file
 * and line, or topic, partition and offset). After HF_DECODE_SKIP `err`
 * holds the reason (for a dirty-data record) and the caller must clear it
 * before the next call, since the first error set wins.
 */
#ifndef HF_FORMATS_FORMAT_H
#define HF_FORMATS_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/opt.h"
#include "core/batch.h"
#include "core/error.h"
#include "core/strbuf.h"
#include "core/types.h"

#define HF_DECODE_SKIP (-2)

struct hf_format {
    const char *name;
    const char *summary;
    const struct hf_opt_def *opts;
    size_t nopts;
    bool changelog;          /* decodes/encodes -U, +U, -D */
    const char *unavailable; /* non-NULL: not usable in this build */

    int (*validate)(const struct hf_opts *o, const struct hf_schema *s,
                    struct hf_error *err);
    /* Rules only a writer has (Flink's validateEncodingFormatOptions),
     * checked for each table an INSERT or a writer (holoflow.h) writes, after
     * validate(); encoder_new() does not repeat them, since a connector may
     * make an encoder for a table only read, to check its layout. May be
     * NULL. */
    int (*validate_encoder)(const struct hf_opts *o,
                            const struct hf_schema *s, struct hf_error *err);

    /* `cols` lists the schema columns the format reads, `ncols` of them. */
    int (*decoder_new)(const struct hf_schema *s, const uint32_t *cols,
                       uint32_t ncols, const struct hf_opts *o, void **dec,
                       struct hf_error *err);
    int (*decode)(void *dec, const char *rec, size_t len, int64_t origin,
                  struct hf_batch *out, struct hf_error *err);
    void (*decoder_free)(void *dec);

    /* Encoding (sinks). `row` has the schema's columns; appends one record
     * to `out`. May be NULL for decode-only formats. */
    int (*encoder_new)(const struct hf_schema *s, const uint32_t *cols,
                       uint32_t ncols, const struct hf_opts *o, void **enc,
                       struct hf_error *err);
    int (*encode)(void *enc, const struct hf_value *row, enum hf_rowkind kind,
                  struct hf_strbuf *out, struct hf_error *err);
    void (*encoder_free)(void *enc);

    /* The Kafka topic an encoder writes to and whether it writes message
     * keys, told by the kafka and upsert-kafka sinks right after
     * encoder_new() when the table names one topic (Flink's Kafka
     * connector derives a schema registry's subject from it). May be NULL;
     * 0 or -1 with err. */
    int (*bind_topic)(void *enc, const char *topic, bool key,
                      struct hf_error *err);
};

const struct hf_format *hf_format_find(const char *name);
const struct hf_format *const *hf_format_list(void); /* NULL-terminated */

#endif
