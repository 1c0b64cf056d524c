/*
 * raw.c - the 'raw' format: a record's bytes are the value of one column.
 *
 * As Flink's raw format: the format reads and writes exactly one column.
 * Strings (CHAR, VARCHAR, STRING, JSON) are the record's bytes in
 * 'raw.charset' (only UTF-8: the bytes are taken as they are); BYTES are
 * the bytes; BOOLEAN is one byte (0 false, anything else true); TINYINT,
 * SMALLINT, INT, BIGINT, FLOAT and DOUBLE are 1, 2, 4, 8, 4 and 8 bytes
 * (two's complement, IEEE 754) in 'raw.endianness' (big-endian by
 * default). A record of the wrong size for a numeric column is an error;
 * raw has no ignore-parse-errors option, as in Flink. Other types are
 * rejected when the decoder or encoder is made.
 *
 * Differences from Flink, because a format here sees bytes and never a
 * Java null: an empty record decodes to NULL for non-string columns (an
 * empty string for string columns), and a NULL value encodes to an empty
 * record (Flink writes a null message, which upsert-kafka would turn into
 * a tombstone).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "formats/format.h"
#include "formats/format_int.h"

static const struct hf_opt_def raw_opts[] = {
    {"charset", NULL, HF_OPT_STRING, "UTF-8", 0, 0, NULL, 0,
     "Charset of string columns; holoflow supports UTF-8 only"},
    {"endianness", NULL, HF_OPT_ENUM, "big-endian", 0, 0,
     HF_VALUES("big-endian", "little-endian"), 0,
     "Byte order of numeric columns"},
};

struct raw_codec {
    uint32_t col;
    struct hf_type type;
    bool little;
};

static int raw_validate(const struct hf_opts *o, const struct hf_schema *s,
                        struct hf_error *err)
{
    (void)s;
    const char *cs = hf_opts_str(o, "charset", NULL);
    if (cs && strcasecmp(cs, "UTF-8") != 0 && strcasecmp(cs, "UTF8") != 0)
        return hf_error_set(err, HF_ERR_UNSUPPORTED,
                            "'%scharset' = '%s' is not supported; holoflow "
                            "reads and writes UTF-8 only",
                            o->prefix, cs);
    return 0;
}

/* Bytes of a numeric type, 0 for strings and BYTES, -1 if not supported. */
static int type_size(enum hf_type_id id)
{
    switch (id) {
    case HF_BOOLEAN:
    case HF_TINYINT:
        return 1;
    case HF_SMALLINT:
        return 2;
    case HF_INT:
    case HF_FLOAT:
        return 4;
    case HF_BIGINT:
    case HF_DOUBLE:
        return 8;
    case HF_CHAR:
    case HF_VARCHAR:
    case HF_JSON:
    case HF_JSONB:
    case HF_BYTES:
        return 0;
    default:
        return -1;
    }
}

static int raw_new(const struct hf_schema *s, const uint32_t *cols,
                   uint32_t ncols, const struct hf_opts *o, void **out,
                   struct hf_error *err)
{
    if (ncols != 1)
        return hf_error_set(err, HF_ERR_OPTION,
                            "format 'raw' reads and writes exactly one "
                            "column, but %u column%s would go through it; "
                            "declare one physical column (or move the others "
                            "to the key with 'value.fields-include' = "
                            "'EXCEPT_KEY')",
                            ncols, ncols == 1 ? "" : "s");
    const struct hf_column *c = &s->cols[cols[0]];
    if (type_size(c->type.id) < 0) {
        char tb[64];
        return hf_error_set(err, HF_ERR_TYPE,
                            "format 'raw': column '%s' has type %s; raw "
                            "supports strings, BYTES, BOOLEAN, TINYINT, "
                            "SMALLINT, INT, BIGINT, FLOAT and DOUBLE",
                            c->name, hf_type_name(&c->type, tb, sizeof tb));
    }
    struct raw_codec *r = calloc(1, sizeof *r);
    if (r == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "raw: out of memory");
    r->col = cols[0];
    r->type = c->type;
    r->little = hf_opts_enum(o, "endianness", NULL) == 1;
    *out = r;
    return 0;
}

static void raw_free(void *p)
{
    free(p);
}

static uint64_t load(const unsigned char *p, int n, bool little)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++) {
        int k = little ? n - 1 - i : i;
        v = v << 8 | p[k];
    }
    return v;
}

static void store(unsigned char *p, uint64_t v, int n, bool little)
{
    for (int i = 0; i < n; i++) {
        int k = little ? i : n - 1 - i;
        p[k] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
}

static int raw_decode(void *dec, const char *rec, size_t len, int64_t origin,
                      struct hf_batch *out, struct hf_error *err)
{
    struct raw_codec *r = dec;
    struct hf_value *row = hf_batch_add_row(out, HF_ROW_INSERT, origin);
    if (row == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "raw: out of memory");
    struct hf_value *v = &row[r->col];
    int size = type_size(r->type.id);
    if (size == 0) {
        if (hf_value_set_str(out, v, rec, len) != 0) {
            hf_batch_drop_last(out);
            return hf_error_set(err, HF_ERR_NOMEM, "raw: out of memory");
        }
        return 1;
    }
    if (len == 0)
        return 1; /* NULL */
    if (len != (size_t)size) {
        hf_batch_drop_last(out);
        char tb[64];
        return hf_error_set(err, HF_ERR_DATA,
                            "raw: a %s value is %d bytes, but the record has "
                            "%zu",
                            hf_type_name(&r->type, tb, sizeof tb), size, len);
    }
    uint64_t u = load((const unsigned char *)rec, size, r->little);
    v->null = false;
    switch (r->type.id) {
    case HF_BOOLEAN:
        v->v.b = u != 0;
        break;
    case HF_TINYINT:
        v->v.i = (int8_t)u;
        break;
    case HF_SMALLINT:
        v->v.i = (int16_t)u;
        break;
    case HF_INT:
        v->v.i = (int32_t)u;
        break;
    case HF_FLOAT: {
        uint32_t w = (uint32_t)u;
        memcpy(&v->v.f4, &w, sizeof w);
        break;
    }
    case HF_DOUBLE:
        memcpy(&v->v.f8, &u, sizeof u);
        break;
    default:
        v->v.i = (int64_t)u;
        break;
    }
    return 1;
}

static int raw_encode(void *enc, const struct hf_value *row,
                      enum hf_rowkind kind, struct hf_strbuf *out,
                      struct hf_error *err)
{
    (void)kind;
    struct raw_codec *r = enc;
    const struct hf_value *v = &row[r->col];
    if (v->null)
        return 0;
    int size = type_size(r->type.id);
    if (size == 0) {
        hf_strbuf_append(out, v->v.s.ptr, v->v.s.len);
    } else {
        uint64_t u;
        switch (r->type.id) {
        case HF_BOOLEAN:
            u = v->v.b ? 1 : 0;
            break;
        case HF_FLOAT: {
            uint32_t w;
            memcpy(&w, &v->v.f4, sizeof w);
            u = w;
            break;
        }
        case HF_DOUBLE:
            memcpy(&u, &v->v.f8, sizeof u);
            break;
        default:
            u = (uint64_t)v->v.i;
            break;
        }
        unsigned char b[8];
        store(b, u, size, r->little);
        hf_strbuf_append(out, b, (size_t)size);
    }
    if (!hf_strbuf_ok(out))
        return hf_error_set(err, HF_ERR_NOMEM,
                            "raw: record too large or out of memory");
    return 0;
}

const struct hf_format hf_format_raw = {
    .name = "raw",
    .summary = "The record's bytes as one column",
    .opts = raw_opts,
    .nopts = sizeof raw_opts / sizeof raw_opts[0],
    .changelog = false,
    .validate = raw_validate,
    .decoder_new = raw_new,
    .decode = raw_decode,
    .decoder_free = raw_free,
    .encoder_new = raw_new,
    .encode = raw_encode,
    .encoder_free = raw_free,
};
