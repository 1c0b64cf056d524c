/*
 * debezium_json.c - the 'debezium-json' format: Debezium change events.
 *
 * A record is {"before": {...}, "after": {...}, "op": "c|r|u|d", ...}, or,
 * with debezium-json.schema-include = true (Kafka Connect's JsonConverter
 * with schemas.enable), {"schema": {...}, "payload": {that envelope}}.
 * Rows, as Flink emits them:
 *   op c (create) or r (snapshot read)  +I(after)
 *   op u                                -U(before), +U(after)
 *   op d                                -D(before)
 * A null "before" on u or d is an error: Debezium's PostgreSQL connector
 * only sends the old row when the table's REPLICA IDENTITY is FULL. Any
 * other op is an error. An empty record or the literal null (the tombstone
 * Debezium sends after a delete) gives no row.
 *
 * Metadata (Flink's list, read from a Kafka value as "value.<key>"):
 * schema (the record's Kafka Connect "schema" as JSON text),
 * ingestion-timestamp (the event's "ts_ms"), source.timestamp,
 * source.database, source.schema and source.table (the "ts_ms", "db",
 * "schema" and "table" of its "source"). source.properties is a
 * MAP<STRING, STRING>, which holoflow cannot declare yet.
 *
 * Encoding, as Flink's writer: +I and +U become {"before":null,"after":
 * {row},"op":"c"}, -U and -D become {"before":{row},"after":null,"op":"d"};
 * there is no combined update message, and no "schema"/"payload" envelope:
 * schema-include = true on a table that is written is refused when the job
 * is checked, as Flink's encoding format refuses it (ValidationException
 * "Debezium JSON serialization doesn't support ... been set to true", from
 * 1.12, when the writer came, to today).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/format.h"
#include "formats/format_int.h"
#include "formats/json_value.h"

static const struct hf_opt_def debezium_opts[] = {
    {"schema-include", NULL, HF_OPT_BOOL, "false", 0, 0, NULL, 0,
     "Records read carry a Kafka Connect schema: the change event is under "
     "\"payload\" (sources only; a table that is written must leave it "
     "false, as in Flink)"},
    HF_JSON_OPT_IGNORE_PARSE_ERRORS,
    HF_JSON_OPT_SKIP_RECORD,
    HF_JSON_OPT_TIMESTAMP_FORMAT,
    HF_JSON_OPT_MAP_NULL_KEY_MODE,
    HF_JSON_OPT_MAP_NULL_KEY_LITERAL,
    HF_JSON_OPT_DECIMAL_PLAIN,
};

/* Flink's DebeziumJsonDecodingFormat.ReadableMetadata, in its order. */
static const struct hf_format_meta debezium_meta[] = {
    {"schema", HF_META_STRING, "STRING"},
    {"ingestion-timestamp", HF_META_TIMESTAMP3, "TIMESTAMP_LTZ(3)"},
    {"source.timestamp", HF_META_TIMESTAMP3, "TIMESTAMP_LTZ(3)"},
    {"source.database", HF_META_STRING, "STRING"},
    {"source.schema", HF_META_STRING, "STRING"},
    {"source.table", HF_META_STRING, "STRING"},
    {"source.properties", HF_META_MAP, "MAP<STRING, STRING>"},
    {NULL, HF_META_STRING, NULL},
};

struct debezium_codec {
    struct hf_json_codec json;
    bool schema_include;
};

static int debezium_validate(const struct hf_opts *o,
                             const struct hf_schema *s, struct hf_error *err)
{
    (void)o;
    (void)s;
    (void)err;
    return 0;
}

static int debezium_validate_encoder(const struct hf_opts *o,
                                     const struct hf_schema *s,
                                     struct hf_error *err)
{
    (void)s;
    if (hf_opts_bool(o, "schema-include", NULL))
        return hf_error_set(err, HF_ERR_UNSUPPORTED,
                            "'%sschema-include' = 'true' only applies to "
                            "reading: debezium-json writes change events "
                            "without the Kafka Connect \"schema\"/\"payload\" "
                            "envelope (Flink refuses the option on a sink "
                            "too); remove it from the table that is written",
                            o->prefix);
    return 0;
}

static int debezium_new(const struct hf_schema *s, const uint32_t *cols,
                        uint32_t ncols, const struct hf_opts *o, bool decoder,
                        void **out, struct hf_error *err)
{
    struct hf_json_cfg cfg;
    hf_json_cfg_read(o, &cfg);
    struct debezium_codec *c = calloc(1, sizeof *c);
    if (c == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "debezium-json: out of memory");
    c->schema_include = hf_opts_bool(o, "schema-include", NULL);
    if (hf_json_codec_init(&c->json, "debezium-json", s, cols, ncols, &cfg,
                           decoder, err) != 0) {
        hf_json_codec_release(&c->json);
        free(c);
        return -1;
    }
    *out = c;
    return 0;
}

static int debezium_decoder_new(const struct hf_schema *s,
                                const uint32_t *cols, uint32_t ncols,
                                const struct hf_opts *o, void **dec,
                                struct hf_error *err)
{
    return debezium_new(s, cols, ncols, o, true, dec, err);
}

static int debezium_encoder_new(const struct hf_schema *s,
                                const uint32_t *cols, uint32_t ncols,
                                const struct hf_opts *o, void **enc,
                                struct hf_error *err)
{
    return debezium_new(s, cols, ncols, o, false, enc, err);
}

static void debezium_free(void *p)
{
    struct debezium_codec *c = p;
    if (c == NULL)
        return;
    hf_json_codec_release(&c->json);
    free(c);
}

/* The "before" or "after" image; NULL when absent or null. */
static struct json_object *image(struct json_object *env, const char *key)
{
    struct json_object *v = NULL;
    json_object_object_get_ex(env, key, &v);
    return v;
}

static int emit(struct debezium_codec *c, struct json_object *img,
                const char *key, enum hf_rowkind k, int64_t origin,
                struct hf_batch *out, struct hf_error *err)
{
    if (hf_json_emit_row(&c->json, img, NULL, HF_JSON_MERGE_NONE, k, origin,
                         out, err) != 0) {
        hf_error_prefix(err, "debezium-json \"%s\": ", key);
        return -1;
    }
    return 0;
}

static int decode_envelope(struct debezium_codec *c, struct json_object *root,
                           int64_t origin, struct hf_batch *out,
                           struct hf_error *err)
{
    if (!json_object_is_type(root, json_type_object))
        return hf_error_set(err, HF_ERR_DATA,
                            "debezium-json: expected a JSON object with "
                            "\"before\", \"after\" and \"op\"");
    struct json_object *env = root;
    if (c->schema_include) {
        env = image(root, "payload");
        if (!json_object_is_type(env, json_type_object))
            return hf_error_set(err, HF_ERR_DATA,
                                "debezium-json: the record has no \"payload\" "
                                "object, but 'debezium-json.schema-include' "
                                "is true; set it to false if the records "
                                "carry no Kafka Connect schema");
    }
    struct json_object *opv = image(env, "op");
    if (opv == NULL) {
        if (!c->schema_include && image(root, "payload") != NULL &&
            json_object_object_get_ex(root, "schema", NULL))
            return hf_error_set(err, HF_ERR_DATA,
                                "debezium-json: the record has \"schema\" "
                                "and \"payload\" fields; set "
                                "'debezium-json.schema-include' = 'true'");
        return hf_error_set(err, HF_ERR_DATA,
                            "debezium-json: the record has no \"op\" field");
    }
    const char *op = json_object_is_type(opv, json_type_string)
                         ? json_object_get_string(opv)
                         : NULL;
    if (op != NULL && (strcmp(op, "c") == 0 || strcmp(op, "r") == 0)) {
        if (emit(c, image(env, "after"), "after", HF_ROW_INSERT, origin, out,
                 err) != 0)
            return -1;
        return 1;
    }
    if (op != NULL && strcmp(op, "u") == 0) {
        struct json_object *before = image(env, "before");
        if (before == NULL)
            return hf_error_set(
                err, HF_ERR_DATA,
                "debezium-json: the \"before\" field of an UPDATE (\"op\":"
                "\"u\") message is null; with Debezium's PostgreSQL "
                "connector, set REPLICA IDENTITY FULL on the source table "
                "(ALTER TABLE ... REPLICA IDENTITY FULL)");
        if (emit(c, before, "before", HF_ROW_UPDATE_BEFORE, origin, out,
                 err) != 0 ||
            emit(c, image(env, "after"), "after", HF_ROW_UPDATE_AFTER, origin,
                 out, err) != 0)
            return -1;
        return 2;
    }
    if (op != NULL && strcmp(op, "d") == 0) {
        struct json_object *before = image(env, "before");
        if (before == NULL)
            return hf_error_set(
                err, HF_ERR_DATA,
                "debezium-json: the \"before\" field of a DELETE (\"op\":"
                "\"d\") message is null; with Debezium's PostgreSQL "
                "connector, set REPLICA IDENTITY FULL on the source table "
                "(ALTER TABLE ... REPLICA IDENTITY FULL)");
        if (emit(c, before, "before", HF_ROW_DELETE, origin, out, err) != 0)
            return -1;
        return 1;
    }
    char snip[128];
    hf_json_snippet(opv, snip, sizeof snip);
    return hf_error_set(err, HF_ERR_DATA,
                        "debezium-json: unknown \"op\" value %s (expected "
                        "\"c\", \"r\", \"u\" or \"d\")",
                        snip);
}

static int debezium_decoder_meta(void *dec, const uint32_t *keys,
                                 const uint32_t *cols, uint32_t n,
                                 struct hf_error *err)
{
    struct debezium_codec *c = dec;
    return hf_json_codec_set_meta(&c->json, debezium_meta, keys, cols, n, err);
}

/* The metadata columns of the record's rows [from, nrows), read as Flink
 * reads them: "schema" of the record (with schema-include), "ts_ms" and
 * "source" of the change event; "source" is a map of strings, whose
 * "ts_ms", "db", "schema" and "table" are the source keys. */
static int put_meta(struct debezium_codec *c, struct json_object *root,
                    struct hf_batch *out, uint32_t from, struct hf_error *err)
{
    struct json_object *env = c->schema_include ? image(root, "payload") : root;
    struct json_object *src = image(env, "source");
    if (!json_object_is_type(src, json_type_object))
        src = NULL; /* Flink: an empty map, every source key null */
    for (uint32_t i = 0; i < c->json.nmeta; i++) {
        const struct hf_json_meta *mc = &c->json.meta[i];
        const char *k = mc->m->key;
        int rc;
        if (strcmp(k, "schema") == 0)
            rc = hf_json_put_meta(&c->json, mc, "schema", image(root, "schema"),
                                  HF_JSON_META_FIELD, 1, out, from, err);
        else if (strcmp(k, "ingestion-timestamp") == 0)
            rc = hf_json_put_meta(&c->json, mc, "ts_ms", image(env, "ts_ms"),
                                  HF_JSON_META_FIELD, 1, out, from, err);
        else if (strcmp(k, "source.timestamp") == 0)
            rc = hf_json_put_meta(&c->json, mc, "source.ts_ms",
                                  image(src, "ts_ms"), HF_JSON_META_LONG_TEXT,
                                  1, out, from, err);
        else {
            const char *sk = strcmp(k, "source.database") == 0 ? "db"
                             : strcmp(k, "source.schema") == 0 ? "schema"
                                                               : "table";
            char name[32];
            snprintf(name, sizeof name, "source.%s", sk);
            rc = hf_json_put_meta(&c->json, mc, name, image(src, sk),
                                  HF_JSON_META_FIELD, 1, out, from, err);
        }
        if (rc != 0)
            return -1;
    }
    return 0;
}

static int debezium_decode(void *dec, const char *rec, size_t len,
                           int64_t origin, struct hf_batch *out,
                           struct hf_error *err)
{
    struct debezium_codec *c = dec;
    uint32_t start = out->nrows;
    struct json_object *root;
    int rc = hf_json_parse(&c->json, rec, len, &root, err);
    if (rc > 0) {
        rc = root ? decode_envelope(c, root, origin, out, err) : 0;
        if (rc > 0 && c->json.nmeta > 0 &&
            put_meta(c, root, out, start, err) != 0)
            rc = -1;
        json_object_put(root);
    }
    return hf_json_decode_done(&c->json, out, start, rc);
}

static const struct hf_decode_notes *debezium_notes(void *dec)
{
    return hf_json_notes(&((struct debezium_codec *)dec)->json);
}

static int debezium_encode(void *enc, const struct hf_value *row,
                           enum hf_rowkind kind, struct hf_strbuf *out,
                           struct hf_error *err)
{
    struct debezium_codec *c = enc;
    if (kind == HF_ROW_INSERT || kind == HF_ROW_UPDATE_AFTER) {
        hf_strbuf_puts(out, "{\"before\":null,\"after\":");
        hf_json_put_row(&c->json, row, out);
        hf_strbuf_puts(out, ",\"op\":\"c\"}");
    } else {
        hf_strbuf_puts(out, "{\"before\":");
        hf_json_put_row(&c->json, row, out);
        hf_strbuf_puts(out, ",\"after\":null,\"op\":\"d\"}");
    }
    if (!hf_strbuf_ok(out))
        return hf_error_set(err, HF_ERR_NOMEM,
                            "debezium-json: record too large or out of memory");
    return 0;
}

const struct hf_format hf_format_debezium_json = {
    .name = "debezium-json",
    .summary = "Debezium change events in JSON (before/after/op)",
    .opts = debezium_opts,
    .nopts = sizeof debezium_opts / sizeof debezium_opts[0],
    .changelog = true,
    .validate = debezium_validate,
    .validate_encoder = debezium_validate_encoder,
    .decode = debezium_decode,
    .decoder_new = debezium_decoder_new,
    .decoder_free = debezium_free,
    .encoder_new = debezium_encoder_new,
    .encode = debezium_encode,
    .encoder_free = debezium_free,
    .decode_notes = debezium_notes,
    .meta = debezium_meta,
    .decoder_meta = debezium_decoder_meta,
};
