/*
 * fuzz_format.c - libFuzzer target for the format decoders and encoders
 * (src/formats/): csv, json, debezium-json, canal-json, maxwell-json, raw
 * and avro.
 *
 * Input layout: byte 0 is a selector, the rest is one record.
 *   bits 0-2  the format: csv, json, debezium-json, canal-json,
 *             maxwell-json, raw, avro, and csv again with other options
 *   bits 3-5  an option variant of that format (ignore-parse-errors, csv
 *             delimiters, quote, escape and null literal, json timestamp
 *             format, ...; see format_options())
 *   bits 6-7  the row type (see build_schema()): Flink's products table,
 *             every scalar type, arrays and time types, or one column (raw
 *             always reads exactly one column)
 *
 * Each record is decoded. Every row that decodes is encoded again with the
 * same format and options (with its RowKind) and the result decoded by a
 * second decoder: that must give exactly one row, equal to the first one
 * (same NULLs, same text of every value, and the RowKind the format keeps:
 * the CDC formats write +I/+U as an insert and -U/-D as a delete, the
 * others only inserts). A difference aborts, so libFuzzer keeps the input.
 * Rows that a format cannot represent by its documented rules are not
 * compared; lossless() lists each such case and why it is not a bug.
 *
 * Record framing (format.h, csv): the input framed whole and framed one
 * more byte per call, resuming, gives the same end and line breaks, and
 * an end found is a line end; every record the encoder writes, followed
 * by "\n", frames as exactly that record (unless it holds a line break
 * written as it is, with neither quotes nor an escape character to
 * protect it); and a line the decoder accepts
 * (as the filesystem source hands it over: no "\n", a last '\r' dropped)
 * is one that frame() ends at its line end, which is what lets that
 * source decode lines first and frame only lines that fail.
 *
 * Decode outcomes are checked too: a failure (-1, or HF_DECODE_SKIP only
 * with ignore-parse-errors) sets an error message and leaves no row in the
 * batch; success returns the number of rows appended, and every value
 * keeps the invariants of its type (value_broken()). With HF_FUZZ_VERBOSE
 * set in the environment each input's decode result is printed, to check
 * that seeds decode as meant.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/opt.h"
#include "core/batch.h"
#include "core/decimal.h"
#include "core/error.h"
#include "core/strbuf.h"
#include "core/types.h"
#include "core/valueconv.h"
#include "formats/format.h"
#include "fuzz_common.h"

/* ------------------------------------------------------------ set-up */

enum fz_format {
    FZ_CSV,
    FZ_JSON,
    FZ_DEBEZIUM,
    FZ_CANAL,
    FZ_MAXWELL,
    FZ_RAW,
    FZ_AVRO,
    FZ_CSV2
};

static const char *const format_names[8] = {
    "csv",          "json", "debezium-json", "canal-json",
    "maxwell-json", "raw",  "avro",          "csv"};

/* Option pairs (keys without the "<format>." prefix), NULL-terminated. */
struct fz_opts {
    const char *kv[24];
    size_t n; /* entries used in kv (2 per option) */
    bool ignore_errors;
    const char *null_literal; /* csv */
    char array_delim;         /* csv */
    bool allow_comments;      /* csv */
    bool raw_breaks; /* csv without quote and escape: a line break in a value
                        is written as it is, and ends a record in a file */
    bool name_filters;        /* canal-json database/table.include */
    bool schema_include;      /* debezium-json.schema-include */
};

static void opt(struct fz_opts *o, const char *k, const char *v)
{
    o->kv[o->n++] = k;
    o->kv[o->n++] = v;
}

static void format_options(enum fz_format f, unsigned v, struct fz_opts *o)
{
    memset(o, 0, sizeof *o);
    o->array_delim = ';';
    switch (f) {
    case FZ_CSV:
        if (v & 1) {
            opt(o, "ignore-parse-errors", "true");
            o->ignore_errors = true;
        }
        switch (v >> 1) {
        case 1:
            opt(o, "field-delimiter", "|");
            opt(o, "quote-character", "'");
            break;
        case 2:
            opt(o, "disable-quote-character", "true");
            opt(o, "escape-character", "\\");
            break;
        case 3:
            opt(o, "field-delimiter", "\t");
            opt(o, "null-literal", "NULL");
            opt(o, "escape-character", "\\");
            opt(o, "allow-comments", "true");
            o->null_literal = "NULL";
            o->allow_comments = true;
            break;
        }
        break;
    case FZ_CSV2:
        switch (v & 3) {
        case 0: /* MySQL dump style */
            opt(o, "null-literal", "\\N");
            opt(o, "escape-character", "\\");
            o->null_literal = "\\N";
            break;
        case 1:
            opt(o, "field-delimiter", ";");
            opt(o, "array-element-delimiter", "|");
            opt(o, "quote-character", "*");
            o->array_delim = '|';
            break;
        case 2:
            opt(o, "disable-quote-character", "true");
            opt(o, "field-delimiter", "\\u0001");
            o->raw_breaks = true;
            break;
        case 3:
            opt(o, "line-delimiter", "\\n");
            opt(o, "null-literal", "n/a");
            o->null_literal = "n/a";
            break;
        }
        if (v & 4) {
            opt(o, "ignore-parse-errors", "true");
            o->ignore_errors = true;
        }
        break;
    case FZ_JSON:
    case FZ_DEBEZIUM:
    case FZ_CANAL:
    case FZ_MAXWELL:
        if (v & 1) {
            opt(o, "ignore-parse-errors", "true");
            o->ignore_errors = true;
        }
        if (v & 2)
            opt(o, "timestamp-format.standard", "ISO-8601");
        if (v & 4) {
            opt(o, "encode.decimal-as-plain-number", "true");
            /* Not both: a writer that leaves nulls out and a reader that
             * wants every field do not go together. */
            if (f == FZ_JSON && (v & 1))
                opt(o, "encode.ignore-null-fields", "true");
            if (f == FZ_JSON && !(v & 1))
                opt(o, "fail-on-missing-field", "true");
            if (f == FZ_DEBEZIUM) {
                opt(o, "schema-include", "true");
                o->schema_include = true;
            }
            if (f == FZ_CANAL) {
                opt(o, "database.include", "inv.*|");
                opt(o, "table.include", "prod[a-z]*|");
                o->name_filters = true;
            }
        }
        break;
    case FZ_RAW:
        if (v & 1)
            opt(o, "endianness", "little-endian");
        break;
    case FZ_AVRO:
        if (v & 1)
            opt(o, "timestamp_mapping.legacy", "false");
        if (v & 2)
            opt(o, "codec", "snappy");
        if (v & 4)
            opt(o, "encoding", "binary");
        break;
    }
}

static void col(struct hf_schema *s, const char *name, struct hf_type t)
{
    struct hf_column *c = realloc(s->cols, (s->ncols + 1) * sizeof *c);
    HF_FUZZ_CHECK(c != NULL);
    s->cols = c;
    c = &s->cols[s->ncols++];
    memset(c, 0, sizeof *c);
    c->name = strdup(name);
    HF_FUZZ_CHECK(c->name != NULL);
    c->type = t;
    c->kind = HF_COL_PHYSICAL;
}

static struct hf_type ty(enum hf_type_id id)
{
    return hf_type_make(id);
}

/* A type with precision and scale: DECIMAL(p, s), TIME(p), TIMESTAMP(p),
 * or ARRAY<elem> whose elements take them. */
static struct hf_type typs(enum hf_type_id id, enum hf_type_id elem, int p,
                           int s)
{
    struct hf_type t = hf_type_make(id);
    t.elem = elem;
    t.precision = (uint8_t)p;
    t.scale = (uint8_t)s;
    return t;
}

/* Column types of the one-column row type: the variant picks one of the
 * first 8 (the narrow integers are in the every-scalar row type); raw
 * picks among all 10. */
static const enum hf_type_id one_types[10] = {
    HF_VARCHAR, HF_BYTES,  HF_BOOLEAN, HF_INT,     HF_BIGINT,
    HF_FLOAT,   HF_DOUBLE, HF_JSON,    HF_TINYINT, HF_SMALLINT};

static void build_schema(enum fz_format f, unsigned variant, unsigned rt,
                         struct hf_schema *s)
{
    memset(s, 0, sizeof *s);
    if (f == FZ_RAW) {
        /* variant bit 0 is the byte order (format_options) */
        col(s, "v", ty(one_types[((variant >> 1) | (rt << 2)) % 10]));
        return;
    }
    switch (rt) {
    case 0: /* the products table of Flink's CDC format docs */
        col(s, "id", ty(HF_BIGINT));
        col(s, "name", ty(HF_VARCHAR));
        col(s, "description", ty(HF_VARCHAR));
        col(s, "weight", typs(HF_DECIMAL, HF_BOOLEAN, 10, 2));
        break;
    case 1: /* every scalar type */
        col(s, "b", ty(HF_BOOLEAN));
        col(s, "ti", ty(HF_TINYINT));
        col(s, "si", ty(HF_SMALLINT));
        col(s, "i", ty(HF_INT));
        col(s, "bi", ty(HF_BIGINT));
        col(s, "f", ty(HF_FLOAT));
        col(s, "d", ty(HF_DOUBLE));
        col(s, "dec", typs(HF_DECIMAL, HF_BOOLEAN, 38, 10));
        col(s, "s", ty(HF_VARCHAR));
        col(s, "by", ty(HF_BYTES));
        col(s, "dt", ty(HF_DATE));
        col(s, "tm", typs(HF_TIME, HF_BOOLEAN, 3, 0));
        col(s, "ts", typs(HF_TIMESTAMP, HF_BOOLEAN, 3, 0));
        col(s, "ltz", typs(HF_TIMESTAMP_LTZ, HF_BOOLEAN, 6, 0));
        break;
    case 2: /* arrays and time types */
        col(s, "id", ty(HF_INT));
        col(s, "tags", typs(HF_ARRAY, HF_VARCHAR, 0, 0));
        col(s, "nums", typs(HF_ARRAY, HF_BIGINT, 0, 0));
        col(s, "prices", typs(HF_ARRAY, HF_DECIMAL, 10, 2));
        col(s, "times", typs(HF_ARRAY, HF_TIMESTAMP, 3, 0));
        col(s, "t0", typs(HF_TIME, HF_BOOLEAN, 0, 0));
        col(s, "ts9", typs(HF_TIMESTAMP, HF_BOOLEAN, 9, 0));
        col(s, "ltz3", typs(HF_TIMESTAMP_LTZ, HF_BOOLEAN, 3, 0));
        col(s, "doc", ty(HF_JSON));
        break;
    default:
        col(s, "v", ty(one_types[variant]));
        break;
    }
}

/* A format instance: resolved options, codecs over all columns. */
struct fz_codec {
    const struct hf_format *f;
    struct hf_kv kvs[12];
    char keys[12][64];
    struct hf_opts opts;
    void *dec;  /* decodes the input */
    void *dec2; /* decodes the re-encoded rows */
    void *enc;  /* NULL when the options allow no encoder */
};

/* 0, or -1 when the options or the schema are refused (not a finding: the
 * option variants and row types are fixed, and each either works or not). */
static int codec_open(struct fz_codec *c, const char *name,
                      const struct fz_opts *fo, const struct hf_schema *s,
                      struct hf_error *err)
{
    memset(c, 0, sizeof *c);
    c->f = hf_format_find(name);
    HF_FUZZ_CHECK(c->f != NULL);
    size_t nkv = fo->n / 2;
    for (size_t i = 0; i < nkv; i++) {
        snprintf(c->keys[i], sizeof c->keys[i], "%s.%s", name, fo->kv[2 * i]);
        c->kvs[i].key = c->keys[i];
        c->kvs[i].value = (char *)fo->kv[2 * i + 1];
    }
    char prefix[32];
    snprintf(prefix, sizeof prefix, "%s.", name);
    if (hf_opts_parse(&c->opts, name, prefix, c->f->opts, c->f->nopts, c->kvs,
                      nkv, err) != 0)
        return -1;
    const struct hf_opts *tables[] = {&c->opts};
    if (hf_opts_check_unclaimed(c->kvs, nkv, name, tables, 1, err) != 0)
        return -1;
    if (c->f->validate && c->f->validate(&c->opts, s, err) != 0)
        return -1;
    uint32_t cols[16];
    HF_FUZZ_CHECK(s->ncols <= 16);
    for (uint32_t i = 0; i < s->ncols; i++)
        cols[i] = i;
    if (c->f->decoder_new(s, cols, s->ncols, &c->opts, &c->dec, err) != 0)
        return -1;
    if (c->f->decoder_new(s, cols, s->ncols, &c->opts, &c->dec2, err) != 0)
        return -1;
    struct hf_error eerr;
    hf_error_clear(&eerr);
    if (c->f->encoder_new &&
        c->f->encoder_new(s, cols, s->ncols, &c->opts, &c->enc, &eerr) != 0)
        c->enc = NULL;
    return 0;
}

static void codec_close(struct fz_codec *c)
{
    if (c->dec)
        c->f->decoder_free(c->dec);
    if (c->dec2)
        c->f->decoder_free(c->dec2);
    if (c->enc)
        c->f->encoder_free(c->enc);
    hf_opts_free(&c->opts);
}

/* ------------------------------------------------------------ compare */

static bool is_text_type(enum hf_type_id id)
{
    return hf_type_is_string(id);
}

static bool text_equals(const struct hf_value *v, const char *lit)
{
    return lit != NULL && v->v.s.len == strlen(lit) &&
           memcmp(v->v.s.ptr, lit, v->v.s.len) == 0;
}

/* Whether `row` can survive encode -> decode in format `f` by the format's
 * documented rules. Every `return false` is a limit of the format, not a
 * bug: the same value reads back differently in Flink too. */
static bool lossless(enum fz_format f, const struct fz_opts *fo,
                     const struct hf_schema *s, const struct hf_value *row,
                     const char *enc, size_t enc_len)
{
    if (f == FZ_RAW) {
        /* raw: NULL encodes to an empty record, which is an empty string
         * for string columns (raw.c). */
        return !(row[0].null && (is_text_type(s->cols[0].type.id) ||
                                 s->cols[0].type.id == HF_BYTES));
    }
    /* canal-json writes no "database" and "table" (as Flink's writer), so
     * with database.include / table.include its own records are not
     * read back. */
    if (f == FZ_CANAL && fo->name_filters)
        return false;
    /* debezium-json writes the plain envelope without a Kafka Connect
     * schema (Flink refuses schema-include for writing), which the reader
     * with schema-include rejects. */
    if (f == FZ_DEBEZIUM && fo->schema_include)
        return false;
    if (f != FZ_CSV && f != FZ_CSV2)
        return true;
    /* csv: an empty record gives no row (one column holding "" or NULL). */
    if (enc_len == 0)
        return false;
    /* csv.allow-comments: a record whose text starts with '#' is a
     * comment, whatever the column. */
    if (fo->allow_comments && enc[0] == '#')
        return false;
    for (uint32_t i = 0; i < s->ncols; i++) {
        const struct hf_type *t = &s->cols[i].type;
        const struct hf_value *v = &row[i];
        if (v->null) {
            /* NULL without a null literal is an empty field, which is ""
             * for a string column and [] for an ARRAY (a NULL array comes
             * from a bad field under ignore-parse-errors). */
            if (fo->null_literal == NULL &&
                (is_text_type(t->id) || t->id == HF_ARRAY))
                return false;
            continue;
        }
        /* A string spelled like the null literal reads back as NULL. */
        if ((is_text_type(t->id)) && text_equals(v, fo->null_literal))
            return false;
        if (t->id != HF_ARRAY)
            continue;
        const struct hf_array *a = v->v.a;
        /* An array of one NULL is written as an empty field (or as the
         * null literal), which reads back as an empty (or a NULL) array;
         * so is an array of one empty string. */
        if (a->n == 1 && (a->items[0].null ||
                          (is_text_type(a->elem) && a->items[0].v.s.len == 0)))
            return false;
        for (uint32_t k = 0; k < a->n; k++) {
            const struct hf_value *e = &a->items[k];
            if (e->null || !is_text_type(a->elem))
                continue;
            /* Text elements: the element delimiter inside an element
             * cannot be escaped, and an element spelled like the null
             * literal reads back as NULL. */
            if (memchr(e->v.s.ptr, fo->array_delim, e->v.s.len) != NULL ||
                text_equals(e, fo->null_literal))
                return false;
        }
    }
    return true;
}

/* The RowKind a row of kind `k` has after encode -> decode in `f`. */
static enum hf_rowkind kind_after(enum fz_format f, enum hf_rowkind k)
{
    if (f != FZ_DEBEZIUM && f != FZ_CANAL && f != FZ_MAXWELL)
        return HF_ROW_INSERT;
    return k == HF_ROW_INSERT || k == HF_ROW_UPDATE_AFTER ? HF_ROW_INSERT
                                                          : HF_ROW_DELETE;
}

static void print_row(const char *what, const struct hf_schema *s,
                      const struct hf_value *row, enum hf_rowkind k)
{
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    hf_strbuf_printf(&sb, "%s(", hf_rowkind_short(k));
    for (uint32_t i = 0; i < s->ncols; i++) {
        if (i)
            hf_strbuf_puts(&sb, ", ");
        if (row[i].null)
            hf_strbuf_puts(&sb, "NULL");
        else
            hf_value_to_text(&s->cols[i].type, &row[i], &sb);
    }
    hf_strbuf_putc(&sb, ')');
    fprintf(stderr, "%s: %.*s\n", what, (int)sb.len, sb.data ? sb.data : "");
    hf_strbuf_free(&sb);
}

/* Index of the first column that differs, or -1. */
static int row_diff(const struct hf_schema *s, const struct hf_value *a,
                    const struct hf_value *b)
{
    struct hf_strbuf ta, tb;
    hf_strbuf_init(&ta, 0);
    hf_strbuf_init(&tb, 0);
    int diff = -1;
    for (uint32_t i = 0; i < s->ncols && diff < 0; i++) {
        if (a[i].null != b[i].null) {
            diff = (int)i;
            break;
        }
        if (a[i].null)
            continue;
        hf_strbuf_reset(&ta);
        hf_strbuf_reset(&tb);
        hf_value_to_text(&s->cols[i].type, &a[i], &ta);
        hf_value_to_text(&s->cols[i].type, &b[i], &tb);
        HF_FUZZ_CHECK(hf_strbuf_ok(&ta) && hf_strbuf_ok(&tb));
        if (ta.len != tb.len ||
            (ta.len && memcmp(ta.data, tb.data, ta.len) != 0))
            diff = (int)i;
    }
    hf_strbuf_free(&ta);
    hf_strbuf_free(&tb);
    return diff;
}

/* ------------------------------------------------------------ values */

#define USEC_PER_DAY INT64_C(86400000000)

/* Whether `v` keeps the invariants of its type (types.h, valueconv.h):
 * integers in the type's range, DECIMAL within its precision, TIME inside
 * one day, TIME and TIMESTAMP truncated to their precision, array
 * elements the same way. Returns the reason, or NULL. */
static const char *value_broken(const struct hf_type *t,
                                const struct hf_value *v)
{
    if (v->null)
        return NULL;
    int p = t->precision < 6 ? t->precision : 6;
    int64_t unit = 1;
    for (int k = p; k < 6; k++)
        unit *= 10;
    switch (t->id) {
    case HF_TINYINT:
    case HF_SMALLINT:
    case HF_INT:
        return hf_int_in_range(t->id, v->v.i) ? NULL : "integer out of range";
    case HF_DECIMAL:
        return hf_dec_digits(v->v.d) <= t->precision
                   ? NULL
                   : "DECIMAL has more digits than its precision";
    case HF_TIME:
        if (v->v.i < 0 || v->v.i >= USEC_PER_DAY)
            return "TIME outside one day";
        return v->v.i % unit == 0 ? NULL : "TIME finer than its precision";
    case HF_TIMESTAMP:
    case HF_TIMESTAMP_LTZ:
        return v->v.i % unit == 0 ? NULL : "TIMESTAMP finer than its precision";
    case HF_ARRAY: {
        struct hf_type et = hf_type_make(t->elem);
        if (t->precision != 0) {
            et.precision = t->precision;
            et.scale = t->scale;
        }
        if (v->v.a == NULL)
            return "ARRAY without elements pointer";
        for (uint32_t i = 0; i < v->v.a->n; i++) {
            const char *why = value_broken(&et, &v->v.a->items[i]);
            if (why)
                return why;
        }
        return NULL;
    }
    default:
        return NULL;
    }
}

/* ------------------------------------------------------------ target */

/* HF_FUZZ_VERBOSE set: say what each input decoded to (checking seeds). */
static bool verbose(void)
{
    static int v = -1;
    if (v < 0)
        v = getenv("HF_FUZZ_VERBOSE") != NULL;
    return v;
}

/* Decode `len` bytes with decoder `dec` into the empty batch `b`; checks
 * the outcome contract of format.h and returns the rows appended (0 on a
 * failure). */
static uint32_t decode_checked(const struct fz_codec *c, void *dec,
                               bool ignore_errors, const char *rec, size_t len,
                               struct hf_batch *b, int *rcp)
{
    struct hf_error err;
    hf_error_clear(&err);
    HF_FUZZ_CHECK(b->nrows == 0);
    int rc = c->f->decode(dec, rec, len, 1, b, &err);
    *rcp = rc;
    if (rc >= 0) {
        HF_FUZZ_CHECK((uint32_t)rc == b->nrows);
        /* a field set to NULL leaves no error behind, and only
         * ignore-parse-errors sets one */
        HF_FUZZ_CHECK(!hf_error_is_set(&err));
        HF_FUZZ_CHECK(ignore_errors || hf_format_nulled(c->f, dec, NULL) == 0);
        return (uint32_t)rc;
    }
    HF_FUZZ_CHECK(rc == -1 || (rc == HF_DECODE_SKIP && ignore_errors));
    HF_FUZZ_CHECK(hf_error_is_set(&err) && err.msg[0] != '\0');
    HF_FUZZ_CHECK(b->nrows == 0);
    return 0;
}

/* The framing contract on arbitrary bytes (see the top). */
static void frame_checked(const struct fz_codec *c, const char *p, size_t n)
{
    if (c->f->frame == NULL)
        return;
    struct hf_frame a = HF_FRAME_INIT, b = HF_FRAME_INIT;
    size_t la = 0, lb = 0;
    int ga = c->f->frame(c->dec, &a, p, n, &la);
    int gb = 0;
    for (size_t k = 0; k <= n && !gb; k++)
        gb = c->f->frame(c->dec, &b, p, k, &lb);
    HF_FUZZ_CHECK(ga == gb);
    HF_FUZZ_CHECK(a.breaks == b.breaks);
    if (ga) {
        HF_FUZZ_CHECK(la == lb && la < n);
        HF_FUZZ_CHECK(p[la] == '\n' ||
                      (p[la] == '\r' && la + 1 < n && p[la + 1] == '\n'));
    }
}

/* A line the decoder accepts is a whole record to frame() (see the top). */
static void line_checked(const struct fz_codec *c, const struct hf_schema *s,
                         const char *p, size_t n)
{
    if (c->f->frame == NULL || memchr(p, '\n', n) != NULL)
        return;
    size_t ln = n > 0 && p[n - 1] == '\r' ? n - 1 : n;
    struct hf_batch *b = hf_batch_new(s->ncols, 4);
    HF_FUZZ_CHECK(b != NULL);
    struct hf_error err;
    hf_error_clear(&err);
    int rc = c->f->decode(c->dec2, p, ln, 1, b, &err);
    hf_batch_destroy(b);
    if (rc < 0)
        return;
    char *in = malloc(n + 1);
    HF_FUZZ_CHECK(in != NULL);
    memcpy(in, p, n);
    in[n] = '\n';
    struct hf_frame f = HF_FRAME_INIT;
    size_t len = 0;
    int got = c->f->frame(c->dec, &f, in, n + 1, &len);
    if (!got || len != ln || f.breaks != 0) {
        fprintf(stderr, "the line [%.*s] decodes (%d) but frames as %d/%zu\n",
                (int)n, p, rc, got, len);
        abort();
    }
    free(in);
}

static void round_trip(enum fz_format f, const struct fz_opts *fo,
                       struct fz_codec *c, const struct hf_schema *s,
                       const struct hf_value *row, enum hf_rowkind kind)
{
    struct hf_strbuf rec;
    hf_strbuf_init(&rec, 0);
    struct hf_error err;
    hf_error_clear(&err);
    int rc = c->f->encode(c->enc, row, kind, &rec, &err);
    if (rc != 0) {
        fprintf(stderr, "encode failed: %s\n", err.msg);
        print_row("row", s, row, kind);
    }
    HF_FUZZ_CHECK(rc == 0);
    HF_FUZZ_CHECK(hf_strbuf_ok(&rec));
    const char *text = rec.data ? rec.data : "";
    if (!lossless(f, fo, s, row, text, rec.len)) {
        if (verbose())
            fprintf(stderr, "  not compared: %.*s\n", (int)rec.len, text);
        hf_strbuf_free(&rec);
        return;
    }
    if (c->f->frame != NULL &&
        !(fo->raw_breaks && (memchr(text, '\n', rec.len) != NULL ||
                             memchr(text, '\r', rec.len) != NULL))) {
        hf_strbuf_putc(&rec, '\n');
        HF_FUZZ_CHECK(hf_strbuf_ok(&rec));
        struct hf_frame fr = HF_FRAME_INIT;
        size_t fl = 0;
        int got = c->f->frame(c->dec, &fr, rec.data, rec.len, &fl);
        if (!got || fl != rec.len - 1) {
            fprintf(stderr,
                    "format %s: the record written frames as %d/%zu "
                    "of %zu bytes\n",
                    format_names[f], got, fl, rec.len - 1);
            fprintf(stderr, "encoded: %.*s\n", (int)rec.len - 1, rec.data);
            abort();
        }
        rec.len--;
        text = rec.data;
    }
    struct hf_batch *b2 = hf_batch_new(s->ncols, 4);
    HF_FUZZ_CHECK(b2 != NULL);
    int rc2;
    uint32_t n2 =
        decode_checked(c, c->dec2, fo->ignore_errors, text, rec.len, b2, &rc2);
    int diff = -2;
    enum hf_rowkind want = kind_after(f, kind);
    if (n2 == 1 && (enum hf_rowkind)b2->kinds[0] == want)
        diff = row_diff(s, row, hf_batch_row(b2, 0));
    if (diff != -1) {
        fprintf(stderr,
                "format %s: round trip changed the row (decode gave %d, %u "
                "rows; first differing column %d)\n",
                format_names[f], rc2, n2, diff);
        print_row("decoded", s, row, kind);
        fprintf(stderr, "encoded: %.*s\n", (int)rec.len, text);
        if (n2 > 0)
            print_row("decoded again", s, hf_batch_row(b2, 0),
                      (enum hf_rowkind)b2->kinds[0]);
        abort();
    }
    if (verbose())
        fprintf(stderr, "  round trip ok: %.*s\n", (int)rec.len, text);
    hf_batch_destroy(b2);
    hf_strbuf_free(&rec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hf_fuzz_init();
    if (size < 1)
        return 0;
    enum fz_format f = (enum fz_format)(data[0] & 7);
    unsigned variant = (data[0] >> 3) & 7;
    unsigned rt = data[0] >> 6;
    const char *rec = (const char *)data + 1;
    size_t len = size - 1;

    struct fz_opts fo;
    format_options(f, variant, &fo);
    struct hf_schema s;
    build_schema(f, variant, rt, &s);
    struct fz_codec c;
    struct hf_error err;
    hf_error_clear(&err);
    if (codec_open(&c, format_names[f], &fo, &s, &err) != 0) {
        fprintf(stderr, "format %s variant %u row type %u refused: %s\n",
                format_names[f], variant, rt, err.msg);
        abort(); /* every variant is meant to be valid */
    }
    frame_checked(&c, rec, len);
    line_checked(&c, &s, rec, len);
    struct hf_batch *b = hf_batch_new(s.ncols, 4);
    HF_FUZZ_CHECK(b != NULL);
    int rc;
    uint32_t n = decode_checked(&c, c.dec, fo.ignore_errors, rec, len, b, &rc);
    if (verbose())
        fprintf(stderr, "format %s variant %u row type %u: decode %d\n",
                format_names[f], variant, rt, rc);
    for (uint32_t r = 0; r < n; r++) {
        const struct hf_value *row = hf_batch_row(b, r);
        for (uint32_t i = 0; i < s.ncols; i++) {
            const char *why = value_broken(&s.cols[i].type, &row[i]);
            if (why != NULL) {
                fprintf(stderr, "format %s: column '%s': %s\n", format_names[f],
                        s.cols[i].name, why);
                print_row("decoded", &s, row, (enum hf_rowkind)b->kinds[r]);
                abort();
            }
        }
    }
    for (uint32_t r = 0; r < n && c.enc != NULL; r++)
        round_trip(f, &fo, &c, &s, hf_batch_row(b, r),
                   (enum hf_rowkind)b->kinds[r]);
    hf_batch_destroy(b);
    codec_close(&c);
    hf_schema_free(&s);
    return 0;
}
