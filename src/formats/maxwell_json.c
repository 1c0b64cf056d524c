/*
 * maxwell_json.c - the 'maxwell-json' format: Maxwell's daemon change
 * messages.
 *
 * A record is {"database": ..., "table": ..., "type": "insert|update|
 * delete", "data": {row}, "old": {changed fields}, ...}. Rows, as Flink
 * emits them:
 *   insert  +I(data)
 *   update  -U(before), +U(data), where before is "old" with every field
 *           whose key is absent from "old" taken from "data"; a key present
 *           in "old" with null means the value was null and stays null
 *   delete  -D(data)
 * Any other type (Maxwell's bootstrap and DDL messages) is an error, as in
 * Flink, unless maxwell-json.ignore-parse-errors is on. An update without
 * "old" gives before = data. An empty record or the literal null gives no
 * row.
 *
 * Metadata (Flink's list, read from a Kafka value as "value.<key>"):
 * database, table, primary-key-columns ("primary_key_columns") and
 * ingestion-timestamp ("ts", seconds).
 *
 * Encoding, as Flink's writer: +I and +U become {"data":{row},"type":
 * "insert"}, -U and -D {"data":{row},"type":"delete"}.
 */
#include <stdlib.h>
#include <string.h>

#include "formats/format.h"
#include "formats/format_int.h"
#include "formats/json_value.h"

/* Flink's MaxwellJsonDecodingFormat.ReadableMetadata, in its order, with
 * the record field each is read from. */
static const struct hf_format_meta maxwell_meta[] = {
    {"database", HF_META_STRING, "STRING"},
    {"table", HF_META_STRING, "STRING"},
    {"primary-key-columns", HF_META_STRING_ARRAY, "ARRAY<STRING>"},
    {"ingestion-timestamp", HF_META_TIMESTAMP3, "TIMESTAMP_LTZ(3)"},
    {NULL, HF_META_STRING, NULL},
};
static const char *const maxwell_meta_field[] = {"database", "table",
                                                 "primary_key_columns", "ts"};

static const struct hf_opt_def maxwell_opts[] = {
    HF_JSON_OPT_IGNORE_PARSE_ERRORS,  HF_JSON_OPT_SKIP_RECORD,
    HF_JSON_OPT_TIMESTAMP_FORMAT,     HF_JSON_OPT_MAP_NULL_KEY_MODE,
    HF_JSON_OPT_MAP_NULL_KEY_LITERAL, HF_JSON_OPT_DECIMAL_PLAIN,
};

static int maxwell_validate(const struct hf_opts *o, const struct hf_schema *s,
                            struct hf_error *err)
{
    (void)o;
    (void)s;
    (void)err;
    return 0;
}

static int maxwell_new(const struct hf_schema *s, const uint32_t *cols,
                       uint32_t ncols, const struct hf_opts *o, bool decoder,
                       void **out, struct hf_error *err)
{
    struct hf_json_cfg cfg;
    hf_json_cfg_read(o, &cfg);
    struct hf_json_codec *c = calloc(1, sizeof *c);
    if (c == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "maxwell-json: out of memory");
    if (hf_json_codec_init(c, "maxwell-json", s, cols, ncols, &cfg, decoder,
                           err) != 0) {
        hf_json_codec_release(c);
        free(c);
        return -1;
    }
    *out = c;
    return 0;
}

static int maxwell_decoder_new(const struct hf_schema *s, const uint32_t *cols,
                               uint32_t ncols, const struct hf_opts *o,
                               void **dec, struct hf_error *err)
{
    return maxwell_new(s, cols, ncols, o, true, dec, err);
}

static int maxwell_encoder_new(const struct hf_schema *s, const uint32_t *cols,
                               uint32_t ncols, const struct hf_opts *o,
                               void **enc, struct hf_error *err)
{
    return maxwell_new(s, cols, ncols, o, false, enc, err);
}

static void maxwell_free(void *p)
{
    if (p == NULL)
        return;
    hf_json_codec_release(p);
    free(p);
}

static int emit(struct hf_json_codec *c, struct json_object *obj,
                struct json_object *fb, const char *key, enum hf_rowkind k,
                int64_t origin, struct hf_batch *out, struct hf_error *err)
{
    enum hf_json_merge m = fb ? HF_JSON_MERGE_ABSENT : HF_JSON_MERGE_NONE;
    if (hf_json_emit_row(c, obj, fb, m, k, origin, out, err) != 0) {
        hf_error_prefix(err, "maxwell-json \"%s\": ", key);
        return -1;
    }
    return 0;
}

static int decode_message(struct hf_json_codec *c, struct json_object *root,
                          int64_t origin, struct hf_batch *out,
                          struct hf_error *err)
{
    if (!json_object_is_type(root, json_type_object))
        return hf_error_set(err, HF_ERR_DATA,
                            "maxwell-json: expected a JSON object with "
                            "\"data\" and \"type\"");
    const char *type = hf_json_get_str(root, "type");
    if (type == NULL)
        return hf_error_set(err, HF_ERR_DATA,
                            "maxwell-json: the record has no \"type\" string");
    struct json_object *data = NULL;
    json_object_object_get_ex(root, "data", &data);
    if (strcmp(type, "insert") == 0) {
        if (emit(c, data, NULL, "data", HF_ROW_INSERT, origin, out, err) != 0)
            return -1;
        return 1;
    }
    if (strcmp(type, "update") == 0) {
        struct json_object *old = NULL;
        json_object_object_get_ex(root, "old", &old);
        if (!json_object_is_type(old, json_type_object))
            old = data;
        if (emit(c, old, data, "old", HF_ROW_UPDATE_BEFORE, origin, out,
                 err) != 0 ||
            emit(c, data, NULL, "data", HF_ROW_UPDATE_AFTER, origin, out,
                 err) != 0)
            return -1;
        return 2;
    }
    if (strcmp(type, "delete") == 0) {
        if (emit(c, data, NULL, "data", HF_ROW_DELETE, origin, out, err) != 0)
            return -1;
        return 1;
    }
    return hf_error_set(err, HF_ERR_DATA,
                        "maxwell-json: unknown \"type\" value \"%s\" "
                        "(expected insert, update or delete)",
                        type);
}

static int maxwell_decoder_meta(void *dec, const uint32_t *keys,
                                const uint32_t *cols, uint32_t n,
                                struct hf_error *err)
{
    return hf_json_codec_set_meta(dec, maxwell_meta, keys, cols, n, err);
}

/* The metadata columns of the record's rows [from, nrows); Maxwell's "ts"
 * is in seconds. */
static int put_meta(struct hf_json_codec *c, struct json_object *root,
                    struct hf_batch *out, uint32_t from, struct hf_error *err)
{
    for (uint32_t i = 0; i < c->nmeta; i++) {
        const struct hf_json_meta *mc = &c->meta[i];
        const char *field = maxwell_meta_field[mc->m - maxwell_meta];
        struct json_object *v = NULL;
        json_object_object_get_ex(root, field, &v);
        if (hf_json_put_meta(c, mc, field, v, HF_JSON_META_FIELD,
                             mc->m->type == HF_META_TIMESTAMP3 ? 1000 : 1, out,
                             from, err) != 0)
            return -1;
    }
    return 0;
}

static int maxwell_decode(void *dec, const char *rec, size_t len,
                          int64_t origin, struct hf_batch *out,
                          struct hf_error *err)
{
    struct hf_json_codec *c = dec;
    uint32_t start = out->nrows;
    struct json_object *root;
    int rc = hf_json_parse(c, rec, len, &root, err);
    if (rc > 0) {
        rc = root ? decode_message(c, root, origin, out, err) : 0;
        if (rc > 0 && c->nmeta > 0 && put_meta(c, root, out, start, err) != 0)
            rc = -1;
        json_object_put(root);
    }
    return hf_json_decode_done(c, out, start, rc);
}

static const struct hf_decode_notes *maxwell_notes(void *dec)
{
    return hf_json_notes(dec);
}

static int maxwell_encode(void *enc, const struct hf_value *row,
                          enum hf_rowkind kind, struct hf_strbuf *out,
                          struct hf_error *err)
{
    hf_strbuf_puts(out, "{\"data\":");
    hf_json_put_row(enc, row, out);
    hf_strbuf_puts(out, kind == HF_ROW_INSERT || kind == HF_ROW_UPDATE_AFTER
                            ? ",\"type\":\"insert\"}"
                            : ",\"type\":\"delete\"}");
    if (!hf_strbuf_ok(out))
        return hf_error_set(err, HF_ERR_NOMEM,
                            "maxwell-json: record too large or out of memory");
    return 0;
}

const struct hf_format hf_format_maxwell_json = {
    .name = "maxwell-json",
    .summary = "Maxwell change messages in JSON (data/old/type)",
    .opts = maxwell_opts,
    .nopts = sizeof maxwell_opts / sizeof maxwell_opts[0],
    .changelog = true,
    .validate = maxwell_validate,
    .decoder_new = maxwell_decoder_new,
    .decode = maxwell_decode,
    .decoder_free = maxwell_free,
    .encoder_new = maxwell_encoder_new,
    .encode = maxwell_encode,
    .encoder_free = maxwell_free,
    .decode_notes = maxwell_notes,
    .meta = maxwell_meta,
    .decoder_meta = maxwell_decoder_meta,
};
