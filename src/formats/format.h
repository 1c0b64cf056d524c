/*
 * format.h - the contract of a format (json, csv, debezium-json, ...).
 *
 * A format turns one record (a Kafka message key or value, a line of a
 * file, or several lines for a csv record with a line break inside a
 * quoted value) into zero or more rows, and rows back into records. Its options
 * are one table, declared without the format-name prefix: the planner parses
 * them under "<name>." (csv.field-delimiter), "key.<name>."/"value.<name>." for
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
 *
 * Record framing. A source that reads a byte stream (the filesystem
 * source) must cut it into records before decode(). A format whose
 * records are lines (json, the CDC formats, raw, avro) leaves frame()
 * NULL: a record is a line, "\n" or "\r\n" ended. A format whose syntax
 * lets a record go on past a line end (csv: a line break inside a quoted
 * value, or after the escape character) sets frame(): handed the bytes
 * from a record's first byte on, it says where the record ends, or that
 * it needs more bytes. The filesystem source decodes lines as they come
 * and asks frame() only about a line that fails to decode, so such a
 * format's decode() must fail on a line that is only the start of a
 * record (csv: an unclosed quote, an escape character last): it accepts a
 * line exactly when frame() would end the record at that line's end.
 * Sources whose transport already delimits records (a Kafka message is
 * one record) never call frame(). The reader counts the line breaks
 * frame() reports so that a record's rows and errors name the line the
 * record starts on, and error_offset() (optional) lets it name the line
 * of the error too.
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

/* Where frame() got to in the record being framed. The reader sets it to
 * HF_FRAME_INIT at each record's first byte and otherwise leaves it
 * alone; `state` is the format's own (0 at the start). */
struct hf_frame {
    size_t pos;        /* bytes of the record scanned so far */
    int state;         /* the format's scanner state at `pos` */
    int64_t breaks;    /* line breaks ("\n") inside the record before pos */
    size_t open_quote; /* while `pos` is inside a quoted value: offset of
                          its opening quote; else SIZE_MAX */
};

#define HF_FRAME_INIT ((struct hf_frame){0, 0, 0, SIZE_MAX})

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
    int (*validate_encoder)(const struct hf_opts *o, const struct hf_schema *s,
                            struct hf_error *err);

    /* `cols` lists the schema columns the format reads, `ncols` of them. */
    int (*decoder_new)(const struct hf_schema *s, const uint32_t *cols,
                       uint32_t ncols, const struct hf_opts *o, void **dec,
                       struct hf_error *err);
    int (*decode)(void *dec, const char *rec, size_t len, int64_t origin,
                  struct hf_batch *out, struct hf_error *err);
    void (*decoder_free)(void *dec);

    /* Record framing (see the top of this file); NULL: records are lines.
     * `p` holds the `n` bytes available from the record's first byte (more
     * bytes may follow in a later call; those already passed do not
     * change). Resumes at f->pos. Returns 1 when p[0..n) holds the line
     * end that ends the record, with *len = the record's length without
     * that line end ("\n", or "\r\n" unless the format makes the '\r'
     * data) and the '\n' at or just after p[*len]; or 0 when it holds no
     * end yet: f says how far it got, and at the end of the input the
     * reader takes all n bytes as the record (a '\r' last is then the
     * decoder's to judge). */
    int (*frame)(void *dec, struct hf_frame *f, const char *p, size_t n,
                 size_t *len);
    /* Optional: the byte offset, in the record last given to decode(), of
     * the place the error decode() reported is about (the start of the bad
     * field, the opening quote of an unterminated value, the end of a short
     * record), or SIZE_MAX when not known. */
    size_t (*error_offset)(const void *dec);

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

    /* Optional (NULL: the format never sets a field to NULL on its own):
     * the notes of the decoder's last decode() call. Borrowed from `dec`
     * until its next decode(). */
    const struct hf_decode_notes *(*decode_notes)(void *dec);

    /* Metadata the format reads from a record, as Flink's format lists it
     * (DecodingFormat#listReadableMetadata), ended by an entry whose key is
     * NULL; NULL: none. A connector offers them under its prefix (kafka:
     * "value.source.timestamp"). */
    const struct hf_format_meta *meta;
    /* Decoders of a format with `meta`: from now on, fill in every row
     * decode() appends column cols[i] (of the schema given to
     * decoder_new) with metadata meta[keys[i]], converted to the column's
     * type (hf_format_meta_fits). Called at most once, right after
     * decoder_new. 0 or -1 with err. */
    int (*decoder_meta)(void *dec, const uint32_t *keys, const uint32_t *cols,
                        uint32_t n, struct hf_error *err);
};

const struct hf_format *hf_format_find(const char *name);
const struct hf_format *const *hf_format_list(void); /* NULL-terminated */

/* ------------------------------------------------------------ metadata */

/* The type Flink gives a metadata key. */
enum hf_meta_type {
    HF_META_STRING,       /* STRING */
    HF_META_INT,          /* INT */
    HF_META_BIGINT,       /* BIGINT */
    HF_META_TIMESTAMP3,   /* TIMESTAMP_LTZ(3) */
    HF_META_STRING_ARRAY, /* ARRAY<STRING> */
    HF_META_MAP           /* a MAP: holoflow has no MAP type (yet) */
};

struct hf_format_meta {
    const char *key; /* "source.timestamp" */
    enum hf_meta_type type;
    const char *flink_type; /* Flink's spelling, for messages and docs */
};

/* Whether a column of type `t` can hold metadata of type `m`: the type
 * itself or one Flink casts it to without surprises (STRING in CHAR or
 * VARCHAR, INT in BIGINT, TIMESTAMP_LTZ(3) in TIMESTAMP_LTZ or TIMESTAMP of
 * any precision, cut to it as a CAST does, the instant taken in UTC);
 * never for HF_META_MAP. */
bool hf_format_meta_fits(enum hf_meta_type m, const struct hf_type *t);

/* The entry of `f`'s meta named `key`, or NULL. */
const struct hf_format_meta *hf_format_meta_find(const struct hf_format *f,
                                                 const char *key);

/* ------------------------------------------------------------ bad input */

/* ignore-parse-errors has Flink's meaning: a field that cannot be parsed
 * becomes NULL and its row is kept; only a record that cannot be read at
 * all (broken syntax, a wrong envelope) is skipped. A decoder that nulled
 * fields returns its rows as usual and says so in its notes
 * (decode_notes); the caller counts them (hf_table_stats.nulled) and logs
 * them with the record's position, as it does skipped records
 * (hf_bad_input_log). */
struct hf_decode_notes {
    uint32_t nulled; /* fields set to NULL by the last decode() */
    char first[256]; /* why the first was: "field 'y': cannot parse ..." */
};

/* The number of fields the last decode() of `dec` (a decoder of `f`) set
 * to NULL, 0 when none or when the format never does; *why (may be NULL)
 * gets the first one's reason, borrowed from the decoder. */
uint32_t hf_format_nulled(const struct hf_format *f, void *dec,
                          const char **why);

/* How many bad-input events (records skipped, fields set to NULL) one
 * source logs as warnings, with their position, before it logs them at
 * debug level only; the summary counts them all. */
#define HF_BAD_INPUT_WARN_MAX 10

/* Per-source state of that logging. Zero-initialise. */
struct hf_bad_input_log {
    uint32_t warned;
};

/* Log one bad-input event of table `table` at `where` ("file.csv:12", or
 * "topic 't' partition 0 offset 7"): `what` is "record skipped" or "3
 * fields set to NULL", `why` the reason (the first one's). The first
 * HF_BAD_INPUT_WARN_MAX are warnings, and the last of them says that
 * later ones go to debug. @locality the source's thread. */
void hf_bad_input_log(struct hf_bad_input_log *l, const char *table,
                      const char *where, const char *what, const char *why);

#endif
