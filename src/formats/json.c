/*
 * json.c - the 'json' format: one JSON object per record, fields by column
 * name.
 *
 * Decoding: a record is one JSON object whose keys are the column names
 * (case-sensitive, as in Flink); a missing key is NULL, or an error with
 * json.fail-on-missing-field; keys that are not columns are ignored. A
 * top-level JSON array of objects gives one row per element (null elements
 * are skipped). An empty record (a Kafka tombstone) and the literal `null`
 * give no row. Value conversions are in json_value.c.
 *
 * Encoding: a compact JSON object with the fields in schema order, null
 * fields as `null` (left out with json.encode.ignore-null-fields). The
 * RowKind is not written: json is an insert-only format.
 *
 * json.ignore-parse-errors, as in Flink: a value that does not convert is
 * NULL and its row is kept (noted for the caller to count and log, see
 * json_value.h); a record with a syntax error or that is not an object is
 * skipped (decode returns HF_DECODE_SKIP, err keeps the reason for the
 * dirty-data record). json.ignore-parse-errors.skip-record (holoflow)
 * skips the record in the first case too.
 *
 * json.map-null-key.* are accepted for compatibility and have no effect:
 * holoflow has no MAP type.
 *
 * Legacy 'format.type' = 'json' tables may carry Flink 1.9/1.10's schema
 * options (format.derive-schema, format.json-schema, format.schema,
 * format.fields.N.*): checked against the DDL, see format_legacy.h.
 */
#include <stdlib.h>
#include <string.h>

#include "formats/format.h"
#include "formats/format_int.h"
#include "formats/format_legacy.h"
#include "formats/json_value.h"

static const struct hf_opt_def json_opts[] = {
    {"fail-on-missing-field", NULL, HF_OPT_BOOL, "false", 0, 0, NULL, 0,
     "Fail when a column has no key in the JSON object (otherwise NULL)"},
    HF_JSON_OPT_IGNORE_PARSE_ERRORS,
    HF_JSON_OPT_SKIP_RECORD,
    HF_JSON_OPT_TIMESTAMP_FORMAT,
    HF_JSON_OPT_MAP_NULL_KEY_MODE,
    HF_JSON_OPT_MAP_NULL_KEY_LITERAL,
    HF_JSON_OPT_DECIMAL_PLAIN,
    {"encode.ignore-null-fields", NULL, HF_OPT_BOOL, "false", 0, 0, NULL, 0,
     "Leave null fields out of written objects instead of writing null"},
    HF_FMT_LEGACY_SCHEMA_OPTS,
    HF_FMT_LEGACY_JSON_SCHEMA_OPT,
};

static int json_validate(const struct hf_opts *o, const struct hf_schema *s,
                         struct hf_error *err)
{
    if (hf_format_legacy_validate(o, s, err) != 0)
        return -1;
    if (hf_opts_bool(o, "fail-on-missing-field", NULL) &&
        hf_opts_bool(o, "ignore-parse-errors", NULL))
        return hf_error_set(err, HF_ERR_OPTION,
                            "'%sfail-on-missing-field' and "
                            "'%signore-parse-errors' shouldn't both be true; "
                            "set one of them to false",
                            o->prefix, o->prefix);
    return 0;
}

static void read_cfg(const struct hf_opts *o, struct hf_json_cfg *cfg)
{
    hf_json_cfg_read(o, cfg);
    cfg->fail_on_missing = hf_opts_bool(o, "fail-on-missing-field", NULL);
    cfg->ignore_null_fields =
        hf_opts_bool(o, "encode.ignore-null-fields", NULL);
}

static int codec_new(const struct hf_schema *s, const uint32_t *cols,
                     uint32_t ncols, const struct hf_opts *o, bool decoder,
                     void **out, struct hf_error *err)
{
    struct hf_json_cfg cfg;
    read_cfg(o, &cfg);
    struct hf_json_codec *c = calloc(1, sizeof *c);
    if (c == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "json: out of memory");
    if (hf_json_codec_init(c, "json", s, cols, ncols, &cfg, decoder, err) !=
        0) {
        hf_json_codec_release(c);
        free(c);
        return -1;
    }
    *out = c;
    return 0;
}

static int json_decoder_new(const struct hf_schema *s, const uint32_t *cols,
                            uint32_t ncols, const struct hf_opts *o,
                            void **dec, struct hf_error *err)
{
    return codec_new(s, cols, ncols, o, true, dec, err);
}

static int json_encoder_new(const struct hf_schema *s, const uint32_t *cols,
                            uint32_t ncols, const struct hf_opts *o,
                            void **enc, struct hf_error *err)
{
    return codec_new(s, cols, ncols, o, false, enc, err);
}

static void json_codec_free(void *p)
{
    if (p == NULL)
        return;
    hf_json_codec_release(p);
    free(p);
}

/* Rows of one parsed record: an object, or an array of objects. */
static int decode_root(struct hf_json_codec *c, struct json_object *root,
                       int64_t origin, struct hf_batch *out,
                       struct hf_error *err)
{
    if (root == NULL)
        return 0;
    if (!json_object_is_type(root, json_type_array)) {
        if (hf_json_emit_row(c, root, NULL, HF_JSON_MERGE_NONE, HF_ROW_INSERT,
                             origin, out, err) != 0)
            return -1;
        return 1;
    }
    int n = 0;
    size_t len = json_object_array_length(root);
    for (size_t i = 0; i < len; i++) {
        struct json_object *e = json_object_array_get_idx(root, i);
        if (e == NULL)
            continue;
        if (hf_json_emit_row(c, e, NULL, HF_JSON_MERGE_NONE, HF_ROW_INSERT,
                             origin, out, err) != 0) {
            hf_error_prefix(err, "array element %zu: ", i);
            return -1;
        }
        n++;
    }
    return n;
}

static int json_decode(void *dec, const char *rec, size_t len, int64_t origin,
                       struct hf_batch *out, struct hf_error *err)
{
    struct hf_json_codec *c = dec;
    uint32_t start = out->nrows;
    struct json_object *root;
    int rc = hf_json_parse(c, rec, len, &root, err);
    if (rc > 0) {
        rc = decode_root(c, root, origin, out, err);
        json_object_put(root);
    }
    return hf_json_decode_done(c, out, start, rc);
}

static const struct hf_decode_notes *json_notes(void *dec)
{
    return hf_json_notes(dec);
}

static int json_encode(void *enc, const struct hf_value *row,
                       enum hf_rowkind kind, struct hf_strbuf *out,
                       struct hf_error *err)
{
    (void)kind;
    hf_json_put_row(enc, row, out);
    if (!hf_strbuf_ok(out))
        return hf_error_set(err, HF_ERR_NOMEM,
                            "json: record too large or out of memory");
    return 0;
}

const struct hf_format hf_format_json = {
    .name = "json",
    .summary = "One JSON object per record, fields by column name",
    .opts = json_opts,
    .nopts = sizeof json_opts / sizeof json_opts[0],
    .changelog = false,
    .validate = json_validate,
    .decoder_new = json_decoder_new,
    .decode = json_decode,
    .decoder_free = json_codec_free,
    .encoder_new = json_encoder_new,
    .encode = json_encode,
    .encoder_free = json_codec_free,
    .decode_notes = json_notes,
};
