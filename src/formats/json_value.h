/*
 * json_value.h - what the JSON family of formats shares: json, debezium-json,
 * canal-json and maxwell-json.
 *
 * A `struct hf_json_codec` holds the fields a format reads or writes (name,
 * type and column index of each, copied from the schema so the codec does
 * not depend on the schema's lifetime), the shared settings and, for
 * decoders, one json-c tokener reused for every record.
 *
 * Decoding goes record text -> json_object tree (json-c) -> values in the
 * batch. Conversions follow Flink's JSON format (JsonToRowDataConverters):
 * numbers may also come as JSON strings ("12", "3.5": canal-json writes
 * every value as a string); INT and BIGINT take a JSON number with its
 * fraction cut (112.013 is 112), TINYINT and SMALLINT only whole numbers;
 * BOOLEAN is true for true and for the text "true" in any case, false for
 * anything else; DECIMAL is parsed exactly from the number's text (json-c
 * keeps the text of a number with a fraction or exponent; integers are
 * exact in 64 bits); dates, times and timestamps only in the forms of
 * timestamp-format.standard (see json_to_temporal); a non-string JSON
 * value read into a STRING column is its JSON text, JSON and JSONB columns
 * get the JSON text of the value, BYTES come from base64.
 * Errors name the field: `field 'price': cannot parse "abc" as DECIMAL(10,
 * 2)`. With ignore-parse-errors, as in Flink, a value that cannot be
 * converted becomes NULL (an array element: a NULL element) and the row is
 * kept, noted in the codec's notes for the caller to count and log; a
 * record that cannot be read at all is skipped as a whole (its rows
 * already appended are removed), never half-converted. With
 * ignore-parse-errors.skip-record (holoflow's stricter mode) a bad value
 * skips its record too.
 *
 * Limitation: json-c clamps an integer literal outside the 64-bit range
 * before we see it. A record containing a run of 19 or more digits is
 * therefore flagged, and an integer at the clamp limits in it is reported as
 * out of range instead of being taken silently; write such numbers with a
 * fraction ("12345678901234567890123.0") or as strings for DECIMAL columns.
 *
 * Encoding writes compact JSON (no spaces) with fields in schema order, as
 * Flink's JSON writer does: timestamps with the minimal number of fraction
 * digits, FLOAT/DOUBLE as Java prints them (NaN and Infinity as strings),
 * DECIMAL as BigDecimal.toString() or plain with encode.decimal-as-plain-
 * number, BYTES as base64.
 *
 * @locality a codec is used by one thread at a time.
 */
#ifndef HF_FORMATS_JSON_VALUE_H
#define HF_FORMATS_JSON_VALUE_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

#include "conf/opt.h"
#include "core/batch.h"
#include "core/error.h"
#include "core/strbuf.h"
#include "core/types.h"
#include "formats/format.h"

/* ------------------------------------------------------------ options */

/* Option-table rows shared by the JSON family (keys without the format
 * prefix). Every family member declares ignore-parse-errors (and its
 * skip-record), timestamp-format.standard, map-null-key.mode/literal and
 * encode.decimal-as-plain-number, so hf_json_cfg_read() can read them from
 * any of their tables. */
#define HF_JSON_OPT_IGNORE_PARSE_ERRORS                                        \
    {                                                                          \
        "ignore-parse-errors", NULL, HF_OPT_BOOL, "false", 0, 0, NULL, 0,      \
            "As in Flink: a field that cannot be parsed is set to NULL and "   \
            "its row "                                                         \
            "is kept, a record that cannot be parsed at all is skipped, "      \
            "instead "                                                         \
            "of failing the job; both are counted in the summary and the "     \
            "first "                                                           \
            "are logged with their position"                                   \
    }
#define HF_JSON_OPT_SKIP_RECORD                                                \
    {                                                                          \
        "ignore-parse-errors.skip-record", NULL, HF_OPT_BOOL, "false", 0, 0,   \
            NULL, 0,                                                           \
            "holoflow: with ignore-parse-errors, skip the whole record when "  \
            "a "                                                               \
            "field cannot be parsed instead of setting the field to NULL (no " \
            "row "                                                             \
            "with a lost value reaches the sink)"                              \
    }
#define HF_JSON_OPT_TIMESTAMP_FORMAT                                          \
    {"timestamp-format.standard", NULL, HF_OPT_ENUM, "SQL", 0, 0,             \
     HF_VALUES("SQL", "ISO-8601"), 0,                                         \
     "Timestamp text read and written: SQL 'yyyy-MM-dd HH:mm:ss[.fff]' or "   \
     "ISO-8601 'yyyy-MM-ddTHH:mm[:ss[.fff]]'; TIMESTAMP_LTZ adds 'Z'. Text "  \
     "in another form is a parse error, as in Flink"}
#define HF_JSON_OPT_MAP_NULL_KEY_MODE                                         \
    {"map-null-key.mode", NULL, HF_OPT_ENUM, "FAIL", 0, 0,                    \
     HF_VALUES("FAIL", "DROP", "LITERAL"), 0,                                 \
     "Null map keys when writing MAP values (accepted for compatibility; "    \
     "holoflow has no MAP type)"}
#define HF_JSON_OPT_MAP_NULL_KEY_LITERAL                                      \
    {"map-null-key.literal", NULL, HF_OPT_STRING, "null", 0, 0, NULL, 0,      \
     "Key written for a null map key when map-null-key.mode is LITERAL"}
#define HF_JSON_OPT_DECIMAL_PLAIN                                             \
    {"encode.decimal-as-plain-number", NULL, HF_OPT_BOOL, "false", 0, 0,      \
     NULL, 0,                                                                 \
     "Write DECIMAL always as a plain number (0.000000027) instead of "       \
     "Java's BigDecimal text (2.7E-8)"}

enum hf_json_ts { HF_JSON_TS_SQL = 0, HF_JSON_TS_ISO8601 = 1 };

struct hf_json_cfg {
    enum hf_json_ts ts;
    bool ignore_parse_errors;
    bool skip_record;        /* ignore-parse-errors.skip-record */
    bool decimal_plain;      /* encode.decimal-as-plain-number */
    bool fail_on_missing;    /* json only */
    bool ignore_null_fields; /* json encoder only */
};

/* Read the shared options (see above) from `o` into `cfg`; the json-only
 * ones are left false. Borrows both. */
void hf_json_cfg_read(const struct hf_opts *o, struct hf_json_cfg *cfg);

/* ------------------------------------------------------------ codec */

struct hf_json_field {
    char *name; /* owned */
    struct hf_type type;
    uint32_t col; /* index of the column in the schema and batch row */
};

/* A metadata column a CDC decoder fills (format.h decoder_meta). */
struct hf_json_meta {
    const struct hf_format_meta *m; /* the key, in the format's table */
    uint32_t col;                   /* schema column */
    struct hf_type type;            /* its declared type */
};

struct hf_json_codec {
    struct hf_json_field *fields; /* owned */
    uint32_t nfields;
    struct hf_json_cfg cfg;
    struct json_tokener *tok; /* decoders only; owned */
    bool wide_ints;           /* current record may hold clamped integers */
    const char *fmt;          /* format name, for messages */
    struct hf_decode_notes notes; /* of the current record (decoders) */
    struct hf_type *coltypes;     /* every schema column's type (owned) */
    uint32_t ncoltypes;
    struct hf_json_meta *meta; /* metadata columns (owned), nmeta of them */
    uint32_t nmeta;
};

/* Set up `c` for the schema columns `cols[0..ncols)`; `decoder` adds a
 * tokener. Copies what it needs from `s` (borrowed). Returns 0, or -1 with
 * err; release with hf_json_codec_release either way. */
int hf_json_codec_init(struct hf_json_codec *c, const char *fmt,
                       const struct hf_schema *s, const uint32_t *cols,
                       uint32_t ncols, const struct hf_json_cfg *cfg,
                       bool decoder, struct hf_error *err);
/* decoder_meta for a JSON-family format whose metadata table is `table`:
 * checks each column's type (hf_format_meta_fits; a MAP is refused: no
 * MAP type) and keeps the list in c->meta. 0 or -1 with err naming the
 * column. */
int hf_json_codec_set_meta(struct hf_json_codec *c,
                           const struct hf_format_meta *table,
                           const uint32_t *keys, const uint32_t *cols,
                           uint32_t n, struct hf_error *err);

/* How a metadata value is read from the record. */
enum hf_json_meta_read {
    HF_JSON_META_FIELD,     /* a field of the record, through the same
                             * conversions as the rows (a bad value is an
                             * error, or NULL with ignore-parse-errors) */
    HF_JSON_META_LONG_TEXT, /* a value of a string map (Debezium's
                             * "source"): its text as a whole number of
                             * milliseconds; anything else fails the
                             * record, as Long.parseLong in Flink */
};

/* Fill metadata column `mc` of rows [from, b->nrows) from the JSON value
 * `j` (borrowed; NULL = absent or null) of the record field named `field`
 * (for messages). A TIMESTAMP_LTZ(3) key is a count of `unit_ms`
 * milliseconds (1, or 1000 for Maxwell's seconds). 0 or -1 with err. */
int hf_json_put_meta(struct hf_json_codec *c, const struct hf_json_meta *mc,
                     const char *field, struct json_object *j,
                     enum hf_json_meta_read how, int64_t unit_ms,
                     struct hf_batch *b, uint32_t from, struct hf_error *err);

/* Free what `c` owns; NULL and a zeroed codec are no-ops. */
void hf_json_codec_release(struct hf_json_codec *c);

/* ------------------------------------------------------------ decoding */

/* Parse one record (`len` bytes, need not be NUL-terminated); starts the
 * record's notes afresh. Returns 1 and
 * sets *root (caller owns it: json_object_put; NULL for the JSON literal
 * null), 0 when the record is empty or only blanks, -1 with err giving the
 * position of a syntax error. */
int hf_json_parse(struct hf_json_codec *c, const char *rec, size_t len,
                  struct json_object **root, struct hf_error *err);

/* How a partial object is completed from a second one (CDC "old" images). */
enum hf_json_merge {
    HF_JSON_MERGE_NONE,  /* take `obj` only */
    HF_JSON_MERGE_ABSENT /* a key absent from obj comes from fb; a key
                          * present with null stays null */
};

/* Fill the codec's columns of `row` (a row of `b`) from the JSON object
 * `obj` (borrowed), completed from `fb` per `merge`. A missing key gives
 * NULL, or an error with cfg.fail_on_missing. Returns 0 or -1 with err
 * naming the field. */
int hf_json_fill_row(struct hf_json_codec *c, struct json_object *obj,
                     struct json_object *fb, enum hf_json_merge merge,
                     struct hf_batch *b, struct hf_value *row,
                     struct hf_error *err);

/* Append a row of kind `k` filled from `obj` (see hf_json_fill_row). On
 * error the row is removed again. Returns 0 or -1. */
int hf_json_emit_row(struct hf_json_codec *c, struct json_object *obj,
                     struct json_object *fb, enum hf_json_merge merge,
                     enum hf_rowkind k, int64_t origin, struct hf_batch *b,
                     struct hf_error *err);

/* Convert one JSON value `j` (borrowed; NULL = JSON null) to type `t` into
 * `out`; strings go into `b`'s arena. `field` names the value in messages.
 * Returns 0 or -1 with err; with ignore-parse-errors (and not skip-record)
 * a value that does not convert is NULL, noted in c->notes, and 0. */
int hf_json_to_value(struct hf_json_codec *c, const struct hf_type *t,
                     const char *field, struct json_object *j,
                     struct hf_batch *b, struct hf_value *out,
                     struct hf_error *err);

/* End of a decode call: on failure (rc < 0) drop the rows appended since
 * `start` and return HF_DECODE_SKIP when ignore-parse-errors is on (err keeps
 * the reason), else -1; on success return rc. */
int hf_json_decode_done(const struct hf_json_codec *c, struct hf_batch *b,
                        uint32_t start, int rc);

/* The notes of the codec's last record (format.h's decode_notes). */
const struct hf_decode_notes *hf_json_notes(struct hf_json_codec *c);

/* The string value of key `key` of object `obj`, or NULL when absent, null
 * or not a string. Borrowed from obj. */
const char *hf_json_get_str(struct json_object *obj, const char *key);

/* Short JSON text of `j` for messages (at most about 100 characters). */
void hf_json_snippet(struct json_object *j, char *buf, size_t n);

/* ------------------------------------------------------------ encoding */

/* Append `len` bytes of `s` as a JSON string literal (quotes, escapes). */
void hf_json_put_string(struct hf_strbuf *out, const char *s, size_t len);
/* Append one value (NULL as null) of type `t`. */
void hf_json_put_value(const struct hf_json_codec *c, const struct hf_type *t,
                       const struct hf_value *v, struct hf_strbuf *out);
/* Append the codec's fields of `row` (all schema columns) as a compact JSON
 * object, in schema order; null fields as null, or left out with
 * cfg.ignore_null_fields. */
void hf_json_put_row(const struct hf_json_codec *c, const struct hf_value *row,
                     struct hf_strbuf *out);

#endif
