/*
 * canal_json.c - the 'canal-json' format: Alibaba Canal change messages.
 *
 * A record is {"data": [rows], "old": [partial rows], "type": "INSERT|
 * UPDATE|DELETE|CREATE|...", "database": ..., "table": ..., "isDdl": ...}.
 * Canal writes every value as a JSON string ("111", "5.18"), which the
 * shared conversions accept for numeric columns. Rows, as Flink emits them:
 *   INSERT   +I for each element of "data"
 *   UPDATE   for each i: -U(before), +U(data[i]), where before is old[i]
 *            with every field absent from old[i] taken from data[i]
 *            (Canal's "old" holds only the changed fields); a field present
 *            in old[i] keeps its old value, also when that is null: the
 *            value was NULL before the update (FLINK-19446)
 *   DELETE   -D for each element of "data"
 *   CREATE, and any message with "isDdl": true: no row (a DDL event)
 * Any other type is an error. An empty record or the literal null gives no
 * row. An UPDATE whose "old" is missing or has fewer elements than "data",
 * or whose old[i] is not an object, is an error, as in Flink.
 * With canal-json.database.include / table.include (regular
 * expressions that must match the whole name), records of other databases
 * or tables give no row; a record without the field is an error (Flink
 * fails on it too), a null one is matched as the text "null". The
 * expressions are POSIX extended regular expressions, which cover the
 * usual Java patterns ("inventory", "prod_.*", "a|b"); Java-only syntax
 * such as \d is not understood.
 *
 * Where Flink differs (docs/formats.md): Flink completes old[i] with the
 * fields absent from the whole "old" array (Jackson's findValue searches
 * every element), so in a multi-row UPDATE a field changed in one row and
 * not in another becomes NULL in the other's -U row; holoflow looks at
 * old[i] only. Flink fails on DDL messages other than CREATE; holoflow
 * gives no row for any message with "isDdl": true.
 *
 * Metadata (Flink's list, read from a Kafka value as "value.<key>"):
 * database, table, pk-names ("pkNames"), ingestion-timestamp ("ts") and
 * event-timestamp ("es", milliseconds). sql-type is a MAP<STRING, INT>,
 * which holoflow cannot declare yet.
 *
 * Encoding, as Flink's writer: +I and +U become {"data":[{row}],"type":
 * "INSERT"}, -U and -D {"data":[{row}],"type":"DELETE"}.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/format.h"
#include "formats/format_int.h"
#include "formats/json_value.h"

static const struct hf_opt_def canal_opts[] = {
    HF_JSON_OPT_IGNORE_PARSE_ERRORS,
    HF_JSON_OPT_SKIP_RECORD,
    HF_JSON_OPT_TIMESTAMP_FORMAT,
    HF_JSON_OPT_MAP_NULL_KEY_MODE,
    HF_JSON_OPT_MAP_NULL_KEY_LITERAL,
    HF_JSON_OPT_DECIMAL_PLAIN,
    {"database.include", NULL, HF_OPT_STRING, NULL, 0, 0, NULL, 0,
     "Read only records whose \"database\" matches this regular expression "
     "(whole name)"},
    {"table.include", NULL, HF_OPT_STRING, NULL, 0, 0, NULL, 0,
     "Read only records whose \"table\" matches this regular expression "
     "(whole name)"},
};

/* Flink's CanalJsonDecodingFormat.ReadableMetadata, in its order, with the
 * record field each is read from. */
static const struct hf_format_meta canal_meta[] = {
    {"database", HF_META_STRING, "STRING"},
    {"table", HF_META_STRING, "STRING"},
    {"sql-type", HF_META_MAP, "MAP<STRING, INT>"},
    {"pk-names", HF_META_STRING_ARRAY, "ARRAY<STRING>"},
    {"ingestion-timestamp", HF_META_TIMESTAMP3, "TIMESTAMP_LTZ(3)"},
    {"event-timestamp", HF_META_TIMESTAMP3, "TIMESTAMP_LTZ(3)"},
    {NULL, HF_META_STRING, NULL},
};
static const char *const canal_meta_field[] = {"database", "table", "sqlType",
                                               "pkNames",  "ts",    "es"};

struct canal_codec {
    struct hf_json_codec json;
    regex_t db_re, table_re;
    bool has_db_re, has_table_re;
};

/* Compile `re` anchored at both ends. Returns 0, or -1 with err naming the
 * option. */
static int compile_filter(const struct hf_opts *o, const char *key,
                          regex_t *out, bool *has, struct hf_error *err)
{
    *has = false;
    const char *re = hf_opts_str(o, key, NULL);
    if (re == NULL)
        return 0;
    size_t n = strlen(re) + 5;
    char *anchored = malloc(n);
    if (anchored == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "canal-json: out of memory");
    snprintf(anchored, n, "^(%s)$", re);
    int rc = regcomp(out, anchored, REG_EXTENDED | REG_NOSUB);
    free(anchored);
    if (rc != 0) {
        char msg[256];
        regerror(rc, out, msg, sizeof msg);
        return hf_error_set(err, HF_ERR_OPTION,
                            "option '%s%s' = '%s' is not a valid regular "
                            "expression: %s",
                            o->prefix, key, re, msg);
    }
    *has = true;
    return 0;
}

static int canal_validate(const struct hf_opts *o, const struct hf_schema *s,
                          struct hf_error *err)
{
    (void)s;
    regex_t re;
    bool has;
    if (compile_filter(o, "database.include", &re, &has, err) != 0)
        return -1;
    if (has)
        regfree(&re);
    if (compile_filter(o, "table.include", &re, &has, err) != 0)
        return -1;
    if (has)
        regfree(&re);
    return 0;
}

static void canal_free(void *p)
{
    struct canal_codec *c = p;
    if (c == NULL)
        return;
    if (c->has_db_re)
        regfree(&c->db_re);
    if (c->has_table_re)
        regfree(&c->table_re);
    hf_json_codec_release(&c->json);
    free(c);
}

static int canal_new(const struct hf_schema *s, const uint32_t *cols,
                     uint32_t ncols, const struct hf_opts *o, bool decoder,
                     void **out, struct hf_error *err)
{
    struct hf_json_cfg cfg;
    hf_json_cfg_read(o, &cfg);
    struct canal_codec *c = calloc(1, sizeof *c);
    if (c == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "canal-json: out of memory");
    if (hf_json_codec_init(&c->json, "canal-json", s, cols, ncols, &cfg,
                           decoder, err) != 0 ||
        (decoder && (compile_filter(o, "database.include", &c->db_re,
                                    &c->has_db_re, err) != 0 ||
                     compile_filter(o, "table.include", &c->table_re,
                                    &c->has_table_re, err) != 0))) {
        canal_free(c);
        return -1;
    }
    *out = c;
    return 0;
}

static int canal_decoder_new(const struct hf_schema *s, const uint32_t *cols,
                             uint32_t ncols, const struct hf_opts *o,
                             void **dec, struct hf_error *err)
{
    return canal_new(s, cols, ncols, o, true, dec, err);
}

static int canal_encoder_new(const struct hf_schema *s, const uint32_t *cols,
                             uint32_t ncols, const struct hf_opts *o,
                             void **enc, struct hf_error *err)
{
    return canal_new(s, cols, ncols, o, false, enc, err);
}

/* Whether the record passes the include filter on `key`: 1 yes, 0 no, -1
 * (err set) when the record has no such field. The field's text is
 * matched as Flink's asText() gives it: a string as it is, null as "null",
 * a number or boolean as its JSON text, an object or array as "". */
static int passes(const regex_t *re, bool has, struct json_object *root,
                  const char *key, struct hf_error *err)
{
    if (!has)
        return 1;
    struct json_object *v = NULL;
    if (!json_object_object_get_ex(root, key, &v))
        return hf_error_set(
            err, HF_ERR_DATA,
            "canal-json: the record has no \"%s\" field, "
            "which 'canal-json.%s.include' filters on",
            key, strcmp(key, "database") == 0 ? "database" : "table");
    const char *name;
    switch (json_object_get_type(v)) {
    case json_type_null:
        name = "null";
        break;
    case json_type_object:
    case json_type_array:
        name = "";
        break;
    default:
        name = json_object_get_string(v);
    }
    return regexec(re, name, 0, NULL, 0) == 0;
}

/* The "data" (or "old") array; NULL when absent or not an array. */
static struct json_object *rows_of(struct json_object *root, const char *key)
{
    struct json_object *v = NULL;
    json_object_object_get_ex(root, key, &v);
    return json_object_is_type(v, json_type_array) ? v : NULL;
}

static int emit_all(struct canal_codec *c, struct json_object *data,
                    enum hf_rowkind k, int64_t origin, struct hf_batch *out,
                    struct hf_error *err)
{
    size_t n = json_object_array_length(data);
    for (size_t i = 0; i < n; i++) {
        if (hf_json_emit_row(&c->json, json_object_array_get_idx(data, i),
                             NULL, HF_JSON_MERGE_NONE, k, origin, out,
                             err) != 0) {
            hf_error_prefix(err, "canal-json \"data\"[%zu]: ", i);
            return -1;
        }
    }
    return (int)n;
}

static int emit_updates(struct canal_codec *c, struct json_object *data,
                        struct json_object *old, int64_t origin,
                        struct hf_batch *out, struct hf_error *err)
{
    size_t n = json_object_array_length(data);
    size_t nold = old ? json_object_array_length(old) : 0;
    if (nold < n)
        return hf_error_set(err, HF_ERR_DATA,
                            "canal-json: UPDATE message has %zu \"data\" rows "
                            "but %s",
                            n, old ? "fewer \"old\" rows" : "no \"old\" array");
    for (size_t i = 0; i < n; i++) {
        struct json_object *after = json_object_array_get_idx(data, i);
        struct json_object *before = json_object_array_get_idx(old, i);
        if (hf_json_emit_row(&c->json, before, after, HF_JSON_MERGE_ABSENT,
                             HF_ROW_UPDATE_BEFORE, origin, out, err) != 0) {
            hf_error_prefix(err, "canal-json \"old\"[%zu]: ", i);
            return -1;
        }
        if (hf_json_emit_row(&c->json, after, NULL, HF_JSON_MERGE_NONE,
                             HF_ROW_UPDATE_AFTER, origin, out, err) != 0) {
            hf_error_prefix(err, "canal-json \"data\"[%zu]: ", i);
            return -1;
        }
    }
    return (int)(2 * n);
}

static int decode_message(struct canal_codec *c, struct json_object *root,
                          int64_t origin, struct hf_batch *out,
                          struct hf_error *err)
{
    if (!json_object_is_type(root, json_type_object))
        return hf_error_set(err, HF_ERR_DATA,
                            "canal-json: expected a JSON object with "
                            "\"data\" and \"type\"");
    int ok = passes(&c->db_re, c->has_db_re, root, "database", err);
    if (ok > 0)
        ok = passes(&c->table_re, c->has_table_re, root, "table", err);
    if (ok <= 0)
        return ok;
    struct json_object *ddl = NULL;
    if (json_object_object_get_ex(root, "isDdl", &ddl) &&
        json_object_is_type(ddl, json_type_boolean) &&
        json_object_get_boolean(ddl))
        return 0;
    const char *type = hf_json_get_str(root, "type");
    if (type == NULL)
        return hf_error_set(err, HF_ERR_DATA,
                            "canal-json: the record has no \"type\" string");
    if (strcmp(type, "CREATE") == 0)
        return 0;
    bool ins = strcmp(type, "INSERT") == 0;
    bool upd = strcmp(type, "UPDATE") == 0;
    bool del = strcmp(type, "DELETE") == 0;
    if (!ins && !upd && !del)
        return hf_error_set(err, HF_ERR_DATA,
                            "canal-json: unknown \"type\" value \"%s\" "
                            "(expected INSERT, UPDATE, DELETE or CREATE)",
                            type);
    struct json_object *data = rows_of(root, "data");
    if (data == NULL)
        return hf_error_set(err, HF_ERR_DATA,
                            "canal-json: %s message without a \"data\" array",
                            type);
    if (ins)
        return emit_all(c, data, HF_ROW_INSERT, origin, out, err);
    if (del)
        return emit_all(c, data, HF_ROW_DELETE, origin, out, err);
    return emit_updates(c, data, rows_of(root, "old"), origin, out, err);
}

static int canal_decoder_meta(void *dec, const uint32_t *keys,
                              const uint32_t *cols, uint32_t n,
                              struct hf_error *err)
{
    struct canal_codec *c = dec;
    return hf_json_codec_set_meta(&c->json, canal_meta, keys, cols, n, err);
}

/* The metadata columns of the record's rows [from, nrows). */
static int put_meta(struct canal_codec *c, struct json_object *root,
                    struct hf_batch *out, uint32_t from, struct hf_error *err)
{
    for (uint32_t i = 0; i < c->json.nmeta; i++) {
        const struct hf_json_meta *mc = &c->json.meta[i];
        const char *field = canal_meta_field[mc->m - canal_meta];
        struct json_object *v = NULL;
        json_object_object_get_ex(root, field, &v);
        if (hf_json_put_meta(&c->json, mc, field, v, HF_JSON_META_FIELD, 1, out,
                             from, err) != 0)
            return -1;
    }
    return 0;
}

static int canal_decode(void *dec, const char *rec, size_t len, int64_t origin,
                        struct hf_batch *out, struct hf_error *err)
{
    struct canal_codec *c = dec;
    uint32_t start = out->nrows;
    struct json_object *root;
    int rc = hf_json_parse(&c->json, rec, len, &root, err);
    if (rc > 0) {
        rc = root ? decode_message(c, root, origin, out, err) : 0;
        if (rc > 0 && c->json.nmeta > 0 &&
            put_meta(c, root, out, start, err) != 0)
            rc = -1;
        json_object_put(root);
    }
    return hf_json_decode_done(&c->json, out, start, rc);
}

static const struct hf_decode_notes *canal_notes(void *dec)
{
    return hf_json_notes(&((struct canal_codec *)dec)->json);
}

static int canal_encode(void *enc, const struct hf_value *row,
                        enum hf_rowkind kind, struct hf_strbuf *out,
                        struct hf_error *err)
{
    struct canal_codec *c = enc;
    hf_strbuf_puts(out, "{\"data\":[");
    hf_json_put_row(&c->json, row, out);
    hf_strbuf_puts(out, kind == HF_ROW_INSERT || kind == HF_ROW_UPDATE_AFTER
                            ? "],\"type\":\"INSERT\"}"
                            : "],\"type\":\"DELETE\"}");
    if (!hf_strbuf_ok(out))
        return hf_error_set(err, HF_ERR_NOMEM,
                            "canal-json: record too large or out of memory");
    return 0;
}

const struct hf_format hf_format_canal_json = {
    .name = "canal-json",
    .summary = "Canal change messages in JSON (data/old/type)",
    .opts = canal_opts,
    .nopts = sizeof canal_opts / sizeof canal_opts[0],
    .changelog = true,
    .validate = canal_validate,
    .decoder_new = canal_decoder_new,
    .decode = canal_decode,
    .decoder_free = canal_free,
    .encoder_new = canal_encoder_new,
    .encode = canal_encode,
    .encoder_free = canal_free,
    .decode_notes = canal_notes,
    .meta = canal_meta,
    .decoder_meta = canal_decoder_meta,
};
