/*
 * avro.c - the 'avro' format: Avro binary records (no container header, no
 * schema id) whose schema is derived from the table, as Flink's 'avro'
 * format does (AvroSchemaConverter.convertToSchema).
 *
 * The schema is a record named "record" in namespace
 * "org.apache.flink.avro.generated" with one field per column the format
 * reads, in schema order, named as the column:
 *
 *   BOOLEAN boolean            TINYINT SMALLINT INT int     BIGINT long
 *   FLOAT float                DOUBLE double                CHAR VARCHAR
 *   STRING JSON string         BYTES bytes                  DECIMAL(p,s)
 *   bytes (logicalType decimal: two's complement, big-endian, unscaled)
 *   DATE int (date)            TIME(p<=3) int (time-millis), else long
 *   (time-micros)              TIMESTAMP(p<=3) long (timestamp-millis),
 *   else timestamp-micros      TIMESTAMP_LTZ(p<=3) long
 *   (local-timestamp-millis), else local-timestamp-micros
 *   ARRAY<T> array of union(null, T)
 *
 * and every column that is not NOT NULL is union(null, T) with null first.
 * That is Flink's default mapping ('avro.timestamp_mapping.legacy' =
 * true); with false, TIMESTAMP and TIMESTAMP_LTZ swap their logical types.
 * The schema text is built here and parsed by avro-c (libavro), which does
 * the binary encoding and decoding through its generic values; writer and
 * reader schema are the same. 'avro.encoding' = 'json' is not supported;
 * 'avro.codec' only matters for files and is accepted.
 *
 * Decoding trusts nothing in the record. libavro allocates a string or
 * bytes value at the length the record declares before it finds the record
 * too short (1.11.1 has no limit to set), so a cheap pre-pass walks the
 * record with the same schema first: every declared length must fit in the
 * bytes left, and every array block count too (each element, a union, takes
 * at least one byte); only then does libavro read it. Numbers that become
 * DATE, TIME or TIMESTAMP values are scaled with an overflow check and must
 * lie in the range of the type (datetime.h: years 0001 to 9999, a time of
 * day); anything else is an error naming the field, to which the caller adds
 * the record's position.
 *
 * @locality a codec instance belongs to one thread (avro values are
 * reused between records).
 */
#include <avro.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include "core/decimal.h"
#include "core/valueconv.h"
#include "formats/format.h"
#include "formats/avro_int.h"
#include "formats/format_int.h"

static const struct hf_opt_def hfa_opts[] = {
    {"encoding", NULL, HF_OPT_ENUM, "binary", 0, 0,
     HF_VALUES("binary", "json"), 0,
     "Avro encoding; holoflow writes and reads binary only"},
    {"codec", NULL, HF_OPT_STRING, NULL, 0, 0, NULL, 0,
     "Compression of Avro files (filesystem only); no effect on Kafka "
     "records"},
    {"timestamp_mapping.legacy", NULL, HF_OPT_BOOL, "true", 0, 0, NULL, 0,
     "true: TIMESTAMP is timestamp-millis/micros and TIMESTAMP_LTZ "
     "local-timestamp-*; false: the other way round"},
};

struct hfa_field {
    uint32_t col;
    struct hf_type type;
    bool nullable;
};

struct hfa_codec {
    struct hfa_field *f;
    uint32_t nf;
    bool legacy;
    avro_schema_t schema;
    avro_value_iface_t *iface;
    avro_value_t val;
    bool has_val;
    avro_reader_t reader;
    avro_writer_t writer;
    char *sbuf; /* NUL-terminated copy of a string value */
    size_t scap;
    char *json; /* the schema's text (registered by avro-confluent) */
};

static int hfa_validate(const struct hf_opts *o, const struct hf_schema *s,
                         struct hf_error *err)
{
    (void)s;
    if (hf_opts_enum(o, "encoding", NULL) == 1)
        return hf_error_set(err, HF_ERR_UNSUPPORTED,
                            "'%sencoding' = 'json' is not supported; holoflow "
                            "reads and writes Avro binary",
                            o->prefix);
    return 0;
}

/* ------------------------------------------------------------ schema */

static bool scalar_json(const struct hf_type *t, bool legacy,
                        struct hf_strbuf *b)
{
    bool ms = t->precision <= 3;
    switch (t->id) {
    case HF_BOOLEAN:
        hf_strbuf_puts(b, "\"boolean\"");
        return true;
    case HF_TINYINT:
    case HF_SMALLINT:
    case HF_INT:
        hf_strbuf_puts(b, "\"int\"");
        return true;
    case HF_BIGINT:
        hf_strbuf_puts(b, "\"long\"");
        return true;
    case HF_FLOAT:
        hf_strbuf_puts(b, "\"float\"");
        return true;
    case HF_DOUBLE:
        hf_strbuf_puts(b, "\"double\"");
        return true;
    case HF_CHAR:
    case HF_VARCHAR:
    case HF_JSON:
    case HF_JSONB:
        hf_strbuf_puts(b, "\"string\"");
        return true;
    case HF_BYTES:
        hf_strbuf_puts(b, "\"bytes\"");
        return true;
    case HF_DECIMAL:
        hf_strbuf_printf(b,
                         "{\"type\":\"bytes\",\"logicalType\":\"decimal\","
                         "\"precision\":%d,\"scale\":%d}",
                         t->precision, t->scale);
        return true;
    case HF_DATE:
        hf_strbuf_puts(b, "{\"type\":\"int\",\"logicalType\":\"date\"}");
        return true;
    case HF_TIME:
        hf_strbuf_puts(b, ms ? "{\"type\":\"int\",\"logicalType\":"
                               "\"time-millis\"}"
                             : "{\"type\":\"long\",\"logicalType\":"
                               "\"time-micros\"}");
        return true;
    case HF_TIMESTAMP:
    case HF_TIMESTAMP_LTZ: {
        bool local = (t->id == HF_TIMESTAMP_LTZ) == legacy;
        hf_strbuf_printf(b, "{\"type\":\"long\",\"logicalType\":\"%s%s\"}",
                         local ? "local-timestamp-" : "timestamp-",
                         ms ? "millis" : "micros");
        return true;
    }
    default:
        return false;
    }
}

/* The logical type scalar_json() gives a DATE/TIME/TIMESTAMP type `t`. */
static const char *logical_name(const struct hf_type *t, bool legacy)
{
    bool ms = t->precision <= 3;
    switch (t->id) {
    case HF_DATE:
        return "date";
    case HF_TIME:
        return ms ? "time-millis" : "time-micros";
    default:
        if ((t->id == HF_TIMESTAMP_LTZ) == legacy)
            return ms ? "local-timestamp-millis" : "local-timestamp-micros";
        return ms ? "timestamp-millis" : "timestamp-micros";
    }
}

/* The Avro schema (JSON) of fields `f`. 0 or -1 (type not supported). */
static int schema_json(const struct hf_schema *s, const struct hfa_field *f,
                       uint32_t nf, bool legacy, const char *name,
                       struct hf_strbuf *b, struct hf_error *err)
{
    if (name == NULL)
        hf_strbuf_puts(b, "{\"type\":\"record\",\"name\":\"record\","
                          "\"namespace\":\"org.apache.flink.avro.generated\","
                          "\"fields\":[");
    else
        hf_strbuf_printf(b, "{\"type\":\"record\",\"name\":\"%s\","
                            "\"fields\":[",
                         name);
    for (uint32_t i = 0; i < nf; i++) {
        const struct hf_column *c = &s->cols[f[i].col];
        hf_strbuf_printf(b, "%s{\"name\":\"%s\",\"type\":", i ? "," : "",
                         c->name);
        if (f[i].nullable)
            hf_strbuf_puts(b, "[\"null\",");
        bool ok;
        if (c->type.id == HF_ARRAY) {
            struct hf_type et = hf_format_elem_type(&c->type);
            hf_strbuf_puts(b, "{\"type\":\"array\",\"items\":[\"null\",");
            ok = scalar_json(&et, legacy, b);
            hf_strbuf_puts(b, "]}");
        } else {
            ok = scalar_json(&c->type, legacy, b);
        }
        if (!ok) {
            char tb[64];
            return hf_error_set(err, HF_ERR_TYPE,
                                "format 'avro': column '%s' has type %s, "
                                "which has no Avro mapping",
                                c->name, hf_type_name(&c->type, tb, sizeof tb));
        }
        /* Flink gives a nullable field the default null. */
        if (f[i].nullable)
            hf_strbuf_puts(b, "],\"default\":null");
        hf_strbuf_putc(b, '}');
    }
    hf_strbuf_puts(b, "]}");
    return 0;
}

static void hfa_free(void *p)
{
    struct hfa_codec *c = p;
    if (c == NULL)
        return;
    if (c->has_val)
        avro_value_decref(&c->val);
    if (c->iface)
        avro_value_iface_decref(c->iface);
    if (c->schema)
        avro_schema_decref(c->schema);
    if (c->reader)
        avro_reader_free(c->reader);
    if (c->writer)
        avro_writer_free(c->writer);
    free(c->sbuf);
    free(c->json);
    free(c->f);
    free(c);
}

static int codec_new(const struct hf_schema *s, const uint32_t *cols,
                     uint32_t ncols, bool legacy, const char *name, void **out,
                     struct hf_error *err)
{
    struct hfa_codec *c = calloc(1, sizeof *c);
    if (c == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "avro: out of memory");
    c->legacy = legacy;
    c->f = calloc(ncols ? ncols : 1, sizeof *c->f);
    if (c->f == NULL) {
        hfa_free(c);
        return hf_error_set(err, HF_ERR_NOMEM, "avro: out of memory");
    }
    for (uint32_t i = 0; i < ncols; i++) {
        c->f[i].col = cols[i];
        c->f[i].type = s->cols[cols[i]].type;
        c->f[i].nullable = !s->cols[cols[i]].type.not_null;
    }
    c->nf = ncols;
    struct hf_strbuf js;
    hf_strbuf_init(&js, 0);
    if (schema_json(s, c->f, c->nf, c->legacy, name, &js, err) != 0) {
        hf_strbuf_free(&js);
        hfa_free(c);
        return -1;
    }
    if (!hf_strbuf_ok(&js) ||
        avro_schema_from_json_length(js.data, js.len, &c->schema) != 0) {
        hf_error_set(err, HF_ERR_TYPE,
                     "format 'avro': the schema derived from the table is "
                     "not valid Avro (column names must be letters, digits "
                     "and '_', not starting with a digit): %s; schema: %s",
                     avro_strerror(), js.data ? js.data : "");
        c->schema = NULL;
        hf_strbuf_free(&js);
        hfa_free(c);
        return -1;
    }
    c->json = strndup(js.data, js.len);
    hf_strbuf_free(&js);
    if (c->json == NULL) {
        hfa_free(c);
        return hf_error_set(err, HF_ERR_NOMEM, "avro: out of memory");
    }
    c->iface = avro_generic_class_from_schema(c->schema);
    if (c->iface == NULL || avro_generic_value_new(c->iface, &c->val) != 0) {
        hfa_free(c);
        return hf_error_set(err, HF_ERR_NOMEM, "avro: %s", avro_strerror());
    }
    c->has_val = true;
    c->reader = avro_reader_memory("", 0);
    c->writer = avro_writer_memory("", 0);
    if (c->reader == NULL || c->writer == NULL) {
        hfa_free(c);
        return hf_error_set(err, HF_ERR_NOMEM, "avro: out of memory");
    }
    *out = c;
    return 0;
}

static int hfa_new(const struct hf_schema *s, const uint32_t *cols,
                    uint32_t ncols, const struct hf_opts *o, void **out,
                    struct hf_error *err)
{
    return codec_new(s, cols, ncols,
                     hf_opts_bool(o, "timestamp_mapping.legacy", NULL), NULL,
                     out, err);
}

/* ------------------------------------------------------------ decimals */

/* Two's complement big-endian bytes of the unscaled value, minimal. */
static size_t dec_to_bytes(struct hf_dec d, unsigned char out[16])
{
    unsigned char b[16];
    uint64_t hi = (uint64_t)d.hi, lo = d.lo;
    for (int i = 0; i < 8; i++) {
        b[7 - i] = (unsigned char)(hi >> (8 * i));
        b[15 - i] = (unsigned char)(lo >> (8 * i));
    }
    size_t start = 0;
    while (start < 15) {
        bool redundant = (b[start] == 0x00 && !(b[start + 1] & 0x80)) ||
                         (b[start] == 0xff && (b[start + 1] & 0x80));
        if (!redundant)
            break;
        start++;
    }
    memcpy(out, b + start, 16 - start);
    return 16 - start;
}

int hf_avro_dec_from_bytes(const unsigned char *p, size_t n, struct hf_dec *d)
{
    if (n == 0 || n > 16)
        return -1;
    unsigned char b[16];
    memset(b, (p[0] & 0x80) ? 0xff : 0x00, sizeof b);
    memcpy(b + 16 - n, p, n);
    uint64_t hi = 0, lo = 0;
    for (int i = 0; i < 8; i++) {
        hi = hi << 8 | b[i];
        lo = lo << 8 | b[8 + i];
    }
    d->hi = (int64_t)hi;
    d->lo = lo;
    return 0;
}

/* ------------------------------------------------------------ encode */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int put_str(struct hfa_codec *c, avro_value_t *v, const char *p,
                   size_t n)
{
    if (n + 1 > c->scap) {
        size_t cap = (n + 1) * 2;
        char *nb = realloc(c->sbuf, cap);
        if (nb == NULL)
            return -1;
        c->sbuf = nb;
        c->scap = cap;
    }
    memcpy(c->sbuf, p, n);
    c->sbuf[n] = '\0';
    return avro_value_set_string_len(v, c->sbuf, n + 1);
}

static int set_scalar(struct hfa_codec *c, const struct hf_type *t,
                      const struct hf_value *x, avro_value_t *v)
{
    bool ms = t->precision <= 3;
    switch (t->id) {
    case HF_BOOLEAN:
        return avro_value_set_boolean(v, x->v.b ? 1 : 0);
    case HF_TINYINT:
    case HF_SMALLINT:
    case HF_INT:
    case HF_DATE:
        return avro_value_set_int(v, (int32_t)x->v.i);
    case HF_BIGINT:
        return avro_value_set_long(v, x->v.i);
    case HF_FLOAT:
        return avro_value_set_float(v, x->v.f4);
    case HF_DOUBLE:
        return avro_value_set_double(v, x->v.f8);
    case HF_BYTES:
        return avro_value_set_bytes(v, (void *)x->v.s.ptr, x->v.s.len);
    case HF_DECIMAL: {
        unsigned char b[16];
        size_t n = dec_to_bytes(x->v.d, b);
        return avro_value_set_bytes(v, b, n);
    }
    case HF_TIME:
        return ms ? avro_value_set_int(v, (int32_t)(x->v.i / 1000))
                  : avro_value_set_long(v, x->v.i);
    case HF_TIMESTAMP:
    case HF_TIMESTAMP_LTZ:
        return avro_value_set_long(v, ms ? floor_div(x->v.i, 1000) : x->v.i);
    default:
        return put_str(c, v, x->v.s.ptr, x->v.s.len);
    }
}

/* Set `v` (a union when nullable) to value x of type t. */
static int set_field(struct hfa_codec *c, const struct hf_type *t,
                     bool nullable, const struct hf_value *x, avro_value_t *v)
{
    avro_value_t b;
    avro_value_t *target = v;
    if (nullable) {
        if (avro_value_set_branch(v, x->null ? 0 : 1, &b) != 0)
            return -1;
        if (x->null)
            return avro_value_set_null(&b);
        target = &b;
    } else if (x->null) {
        return -2;
    }
    if (t->id != HF_ARRAY)
        return set_scalar(c, t, x, target);
    struct hf_type et = hf_format_elem_type(t);
    const struct hf_array *a = x->v.a;
    for (uint32_t i = 0; i < a->n; i++) {
        avro_value_t e, eb;
        if (avro_value_append(target, &e, NULL) != 0 ||
            avro_value_set_branch(&e, a->items[i].null ? 0 : 1, &eb) != 0)
            return -1;
        int rc = a->items[i].null ? avro_value_set_null(&eb)
                                  : set_scalar(c, &et, &a->items[i], &eb);
        if (rc != 0)
            return -1;
    }
    return 0;
}

static int hfa_encode(void *enc, const struct hf_value *row,
                       enum hf_rowkind kind, struct hf_strbuf *out,
                       struct hf_error *err)
{
    (void)kind;
    struct hfa_codec *c = enc;
    avro_value_reset(&c->val);
    for (uint32_t i = 0; i < c->nf; i++) {
        avro_value_t fv;
        if (avro_value_get_by_index(&c->val, i, &fv, NULL) != 0)
            return hf_error_set(err, HF_ERR_FAIL, "avro: %s",
                                avro_strerror());
        int rc = set_field(c, &c->f[i].type, c->f[i].nullable,
                           &row[c->f[i].col], &fv);
        if (rc == -2)
            return hf_error_set(err, HF_ERR_DATA,
                                "avro: field %u is NOT NULL but the value is "
                                "NULL",
                                i + 1);
        if (rc != 0)
            return hf_error_set(err, HF_ERR_FAIL, "avro: field %u: %s", i + 1,
                                avro_strerror());
    }
    size_t size = 0;
    if (avro_value_sizeof(&c->val, &size) != 0)
        return hf_error_set(err, HF_ERR_FAIL, "avro: %s", avro_strerror());
    char *p = size ? hf_strbuf_reserve(out, size) : NULL;
    if (size && p == NULL)
        return hf_error_set(err, HF_ERR_NOMEM,
                            "avro: record too large or out of memory");
    if (size) {
        avro_writer_memory_set_dest(c->writer, p, (int64_t)size);
        if (avro_value_write(c->writer, &c->val) != 0)
            return hf_error_set(err, HF_ERR_FAIL, "avro: %s",
                                avro_strerror());
        hf_strbuf_commit(out, size);
    }
    return 0;
}

/* ------------------------------------------------------------ pre-pass */

/* A read position in the record being checked. */
struct hfa_scan {
    const unsigned char *p;
    size_t n, i;
};

/* A zig-zag varint, at most 10 bytes, as libavro reads it. */
static int scan_long(struct hfa_scan *s, int64_t *v, struct hf_error *err)
{
    uint64_t u = 0;
    for (int k = 0; k < 10; k++) {
        if (s->i >= s->n)
            return hf_error_set(err, HF_ERR_DATA,
                                "the record ends inside a number");
        unsigned char b = s->p[s->i++];
        u |= (uint64_t)(b & 0x7f) << (7 * k);
        if (!(b & 0x80)) {
            *v = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
            return 0;
        }
    }
    return hf_error_set(err, HF_ERR_DATA,
                        "a number is longer than 10 bytes");
}

static int scan_skip(struct hfa_scan *s, size_t n, struct hf_error *err)
{
    if (n > s->n - s->i)
        return hf_error_set(err, HF_ERR_DATA,
                            "the record ends inside a %zu-byte value", n);
    s->i += n;
    return 0;
}

/* One value of scalar type `t` (its encoding as scalar_json() maps it). */
static int scan_scalar(struct hfa_scan *s, const struct hf_type *t,
                       struct hf_error *err)
{
    int64_t v;
    switch (t->id) {
    case HF_BOOLEAN:
        return scan_skip(s, 1, err);
    case HF_FLOAT:
        return scan_skip(s, 4, err);
    case HF_DOUBLE:
        return scan_skip(s, 8, err);
    case HF_TINYINT:
    case HF_SMALLINT:
    case HF_INT:
    case HF_BIGINT:
    case HF_DATE:
    case HF_TIME:
    case HF_TIMESTAMP:
    case HF_TIMESTAMP_LTZ:
        return scan_long(s, &v, err);
    default: /* string, bytes, decimal: a length, then that many bytes */
        if (scan_long(s, &v, err) != 0)
            return -1;
        if (v < 0 || (uint64_t)v > s->n - s->i)
            return hf_error_set(err, HF_ERR_DATA,
                                "the value declares a length of %lld bytes, "
                                "but the record has %zu byte%s left",
                                (long long)v, s->n - s->i,
                                s->n - s->i == 1 ? "" : "s");
        s->i += (size_t)v;
        return 0;
    }
}

/* A union(null, T): its branch number. */
static int scan_branch(struct hfa_scan *s, bool *is_null, struct hf_error *err)
{
    int64_t b;
    if (scan_long(s, &b, err) != 0)
        return -1;
    if (b != 0 && b != 1)
        return hf_error_set(err, HF_ERR_DATA,
                            "union branch %lld does not exist (0 is null, 1 "
                            "the value)",
                            (long long)b);
    *is_null = b == 0;
    return 0;
}

/* An array of union(null, element): blocks of a count (negative: followed
 * by the block's size in bytes) until a count of 0. */
static int scan_array(struct hfa_scan *s, const struct hf_type *et,
                      struct hf_error *err)
{
    uint64_t index = 0;
    for (;;) {
        int64_t count, size;
        if (scan_long(s, &count, err) != 0)
            return -1;
        if (count == 0)
            return 0;
        if (count < 0) {
            if (scan_long(s, &size, err) != 0)
                return -1;
            if (size < 0 || (uint64_t)size > s->n - s->i)
                return hf_error_set(err, HF_ERR_DATA,
                                    "an array block declares a size of %lld "
                                    "bytes, but the record has %zu byte%s "
                                    "left",
                                    (long long)size, s->n - s->i,
                                    s->n - s->i == 1 ? "" : "s");
            count = count == INT64_MIN ? INT64_MAX : -count;
        }
        if ((uint64_t)count > s->n - s->i)
            return hf_error_set(err, HF_ERR_DATA,
                                "an array block declares %lld elements, but "
                                "the record has %zu byte%s left (each "
                                "element takes at least one)",
                                (long long)count, s->n - s->i,
                                s->n - s->i == 1 ? "" : "s");
        for (int64_t k = 0; k < count; k++) {
            bool is_null = false;
            index++;
            if (scan_branch(s, &is_null, err) != 0 ||
                (!is_null && scan_scalar(s, et, err) != 0)) {
                hf_error_prefix(err, "element %llu: ",
                                (unsigned long long)index);
                return -1;
            }
        }
    }
}

/* Walk record `rec` with the codec's schema before libavro reads it: 0, or
 * -1 with err naming the field whose declared length, element count or
 * encoding does not fit the record. Reads each byte at most once and
 * allocates nothing. */
static int scan_record(const struct hfa_codec *c, const char *rec, size_t len,
                       struct hf_error *err)
{
    struct hfa_scan s = {(const unsigned char *)rec, len, 0};
    for (uint32_t i = 0; i < c->nf; i++) {
        const struct hfa_field *f = &c->f[i];
        bool is_null = false;
        int rc = f->nullable ? scan_branch(&s, &is_null, err) : 0;
        if (rc == 0 && !is_null) {
            if (f->type.id == HF_ARRAY) {
                struct hf_type et = hf_format_elem_type(&f->type);
                rc = scan_array(&s, &et, err);
            } else {
                rc = scan_scalar(&s, &f->type, err);
            }
        }
        if (rc != 0) {
            const char *name = avro_schema_record_field_name(c->schema, (int)i);
            hf_error_prefix(err, "field '%s': ", name ? name : "?");
            return -1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------ decode */

int hf_avro_temporal(const struct hf_type *t, const char *logical, bool ms,
                     int64_t n, int64_t *out, struct hf_error *err)
{
    char tb[64];
    int64_t v = n;
    bool ok;
    switch (t->id) {
    case HF_DATE:
        ok = n >= HF_DATE_MIN_DAYS && n <= HF_DATE_MAX_DAYS;
        break;
    case HF_TIME:
        ok = !(ms && __builtin_mul_overflow(n, 1000, &v)) && v >= 0 &&
             v < HF_USEC_PER_DAY;
        if (!ok)
            return hf_error_set(err, HF_ERR_DATA,
                                "%s value %lld is not a time of day (%s holds "
                                "00:00:00 to 23:59:59.999999)",
                                logical, (long long)n,
                                hf_type_name(t, tb, sizeof tb));
        break;
    default:
        ok = !(ms && __builtin_mul_overflow(n, 1000, &v)) &&
             v >= HF_TIMESTAMP_MIN_USEC && v <= HF_TIMESTAMP_MAX_USEC;
        break;
    }
    if (!ok)
        return hf_error_set(err, HF_ERR_DATA,
                            "%s value %lld is outside the range of %s (years "
                            "0001 to 9999)",
                            logical, (long long)n,
                            hf_type_name(t, tb, sizeof tb));
    *out = v;
    return 0;
}

/* A DATE/TIME/TIMESTAMP value read as number `n` of the logical type the
 * table's schema gives column type `t`. */
static int get_temporal(const struct hf_type *t, bool legacy, int64_t n,
                        int64_t *out, struct hf_error *err)
{
    return hf_avro_temporal(t, logical_name(t, legacy), t->precision <= 3, n,
                            out, err);
}

static int get_scalar(const struct hfa_codec *c, const struct hf_type *t,
                      avro_value_t *v, struct hf_batch *out,
                      struct hf_value *x, struct hf_error *err)
{
    bool ms = t->precision <= 3;
    int32_t i32 = 0;
    int64_t i64 = 0;
    int rc = 0;
    x->null = false;
    switch (t->id) {
    case HF_BOOLEAN: {
        int b = 0;
        rc = avro_value_get_boolean(v, &b);
        x->v.b = b != 0;
        break;
    }
    case HF_TINYINT:
    case HF_SMALLINT:
    case HF_INT:
        rc = avro_value_get_int(v, &i32);
        x->v.i = i32;
        if (rc == 0 && !hf_int_in_range(t->id, i32))
            return hf_error_set(err, HF_ERR_DATA,
                                "value %d is out of range", (int)i32);
        break;
    case HF_BIGINT:
        rc = avro_value_get_long(v, &x->v.i);
        break;
    case HF_FLOAT:
        rc = avro_value_get_float(v, &x->v.f4);
        break;
    case HF_DOUBLE:
        rc = avro_value_get_double(v, &x->v.f8);
        break;
    case HF_DATE:
    case HF_TIME:
    case HF_TIMESTAMP:
    case HF_TIMESTAMP_LTZ:
        if (t->id == HF_DATE || (t->id == HF_TIME && ms)) {
            rc = avro_value_get_int(v, &i32);
            i64 = i32;
        } else {
            rc = avro_value_get_long(v, &i64);
        }
        if (rc == 0 && get_temporal(t, c->legacy, i64, &x->v.i, err) != 0)
            return -1;
        break;
    case HF_DECIMAL:
    case HF_BYTES: {
        const void *p = NULL;
        size_t n = 0;
        rc = avro_value_get_bytes(v, &p, &n);
        if (rc != 0)
            break;
        if (t->id == HF_BYTES) {
            if (hf_value_set_str(out, x, p, n) != 0)
                return hf_error_set(err, HF_ERR_NOMEM, "avro: out of memory");
            break;
        }
        if (hf_avro_dec_from_bytes(p, n, &x->v.d) != 0 ||
            hf_dec_digits(x->v.d) > t->precision)
            return hf_error_set(err, HF_ERR_DATA,
                                "the decimal (%zu bytes) does not fit "
                                "DECIMAL(%d, %d)",
                                n, t->precision, t->scale);
        break;
    }
    default: {
        const char *p = NULL;
        size_t n = 0;
        rc = avro_value_get_string(v, &p, &n);
        if (rc != 0)
            break;
        if (n > 0)
            n--; /* avro-c counts the NUL */
        if (hf_value_set_str(out, x, p ? p : "", n) != 0)
            return hf_error_set(err, HF_ERR_NOMEM, "avro: out of memory");
        break;
    }
    }
    if (rc != 0)
        return hf_error_set(err, HF_ERR_DATA, "%s", avro_strerror());
    /* As the text formats: no finer than the column's precision. */
    if (t->id == HF_TIME || t->id == HF_TIMESTAMP ||
        t->id == HF_TIMESTAMP_LTZ)
        x->v.i = hf_format_truncate_usec(x->v.i, t->precision);
    return 0;
}

static int get_field(const struct hfa_codec *c, const struct hf_type *t,
                     bool nullable, avro_value_t *v, struct hf_batch *out,
                     struct hf_value *x, struct hf_error *err)
{
    avro_value_t b;
    avro_value_t *src = v;
    if (nullable) {
        int disc = 0;
        if (avro_value_get_discriminant(v, &disc) != 0)
            return hf_error_set(err, HF_ERR_DATA, "%s", avro_strerror());
        if (disc == 0) {
            x->null = true;
            return 0;
        }
        if (avro_value_get_current_branch(v, &b) != 0)
            return hf_error_set(err, HF_ERR_DATA, "%s", avro_strerror());
        src = &b;
    }
    if (t->id != HF_ARRAY)
        return get_scalar(c, t, src, out, x, err);
    struct hf_type et = hf_format_elem_type(t);
    size_t n = 0;
    if (avro_value_get_size(src, &n) != 0)
        return hf_error_set(err, HF_ERR_DATA, "%s", avro_strerror());
    struct hf_array *a = hf_arena_alloc(&out->arena, sizeof *a);
    if (a == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "avro: out of memory");
    a->elem = et.id;
    a->n = (uint32_t)n;
    a->items = n ? hf_arena_alloc(&out->arena, n * sizeof *a->items) : NULL;
    if (n && a->items == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "avro: out of memory");
    for (size_t i = 0; i < n; i++) {
        avro_value_t e;
        memset(&a->items[i], 0, sizeof a->items[i]);
        if (avro_value_get_by_index(src, i, &e, NULL) != 0 ||
            get_field(c, &et, true, &e, out, &a->items[i], err) != 0) {
            if (!hf_error_is_set(err))
                hf_error_set(err, HF_ERR_DATA, "%s", avro_strerror());
            hf_error_prefix(err, "element %zu: ", i + 1);
            return -1;
        }
    }
    x->null = false;
    x->v.a = a;
    return 0;
}

static int hfa_decode(void *dec, const char *rec, size_t len, int64_t origin,
                       struct hf_batch *out, struct hf_error *err)
{
    struct hfa_codec *c = dec;
    if (len == 0)
        return 0; /* a tombstone / empty message: no row */
    if (scan_record(c, rec, len, err) != 0) {
        hf_error_prefix(err,
                        "avro: cannot decode the record (%zu bytes) with the "
                        "table's schema: ",
                        len);
        return -1;
    }
    avro_reader_memory_set_source(c->reader, rec, (int64_t)len);
    avro_value_reset(&c->val);
    if (avro_value_read(c->reader, &c->val) != 0)
        return hf_error_set(err, HF_ERR_DATA,
                            "avro: cannot decode the record (%zu bytes) with "
                            "the table's schema: %s",
                            len, avro_strerror());
    struct hf_value *row = hf_batch_add_row(out, HF_ROW_INSERT, origin);
    if (row == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "avro: out of memory");
    for (uint32_t i = 0; i < c->nf; i++) {
        avro_value_t fv;
        const char *name = NULL;
        if (avro_value_get_by_index(&c->val, i, &fv, &name) != 0 ||
            get_field(c, &c->f[i].type, c->f[i].nullable, &fv, out,
                      &row[c->f[i].col], err) != 0) {
            hf_batch_drop_last(out);
            if (!hf_error_is_set(err))
                hf_error_set(err, HF_ERR_DATA, "%s", avro_strerror());
            hf_error_prefix(err, "field '%s': ", name ? name : "?");
            return -1;
        }
    }
    return 1;
}

/* ------------------------------------------------------------ shared */

int hf_avro_codec_new(const struct hf_schema *s, const uint32_t *cols,
                      uint32_t ncols, bool legacy, const char *name,
                      struct hf_avro_codec **out, struct hf_error *err)
{
    void *c = NULL;
    if (codec_new(s, cols, ncols, legacy, name, &c, err) != 0)
        return -1;
    *out = c;
    return 0;
}

const char *hf_avro_codec_schema(const struct hf_avro_codec *c)
{
    return ((const struct hfa_codec *)(const void *)c)->json;
}

int hf_avro_codec_encode(struct hf_avro_codec *c, const struct hf_value *row,
                         struct hf_strbuf *out, struct hf_error *err)
{
    return hfa_encode(c, row, HF_ROW_INSERT, out, err);
}

void hf_avro_codec_free(struct hf_avro_codec *c)
{
    hfa_free(c);
}

const struct hf_format hf_format_avro = {
    .name = "avro",
    .summary = "Avro binary records with a schema derived from the table",
    .opts = hfa_opts,
    .nopts = sizeof hfa_opts / sizeof hfa_opts[0],
    .changelog = false,
    .validate = hfa_validate,
    .decoder_new = hfa_new,
    .decode = hfa_decode,
    .decoder_free = hfa_free,
    .encoder_new = hfa_new,
    .encode = hfa_encode,
    .encoder_free = hfa_free,
};
