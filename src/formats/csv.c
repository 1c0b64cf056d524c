/*
 * csv.c - the 'csv' format: one record per row, fields separated by
 * csv.field-delimiter.
 *
 * Decoding: fields may be quoted with csv.quote-character (RFC 4180: a
 * doubled quote inside a quoted field is one quote) unless csv.disable-
 * quote-character; with csv.escape-character, that character makes the next
 * one literal, inside or outside quotes, except that "0", "n", "r" and "t"
 * after it stand for NUL, LF, CR and TAB, as in Flink's reader (Jackson's
 * CsvDecoder). A record must have exactly as many
 * fields as the format has columns. Each field is converted with
 * hf_value_from_text() (blanks trimmed and empty = NULL for non-string
 * types), except BYTES, which Flink's csv reads as base64, and ARRAY. A
 * field equal to csv.null-literal (before unescaping when unquoted, so '\N'
 * works with '\' as the escape character) is NULL.
 *
 * ARRAY fields are read as Flink's csv reads them (Jackson's CsvParser
 * splits the field at csv.array-element-delimiter): an empty or blank field
 * without a delimiter is an empty array; an element equal to csv.null-literal
 * is a NULL element; a string element is its text as it is (an empty element
 * is the empty string), a BYTES element base64; any other element is parsed
 * like a field of its type. The writer puts a NULL element as the null
 * literal (or nothing), so with csv.null-literal set an array makes the round
 * trip exactly, NULL elements and empty strings included.
 *
 * With csv.allow-comments, a record starting with '#' gives
 * no row. An empty record gives no row. A trailing '\r' (CRLF files) is
 * dropped, unless the escape character before it makes it data. A record
 * given whole (a Kafka message) may end with its line end ("\n" or
 * "\r\n", not quoted or escaped), which is dropped; a line end outside
 * quotes before the end would start a second record and is an error
 * (Flink reads the first record and ignores the rest).
 *
 * Records and lines (csv_frame). A record ends at a line end, except
 * inside a quoted value and right after the escape character: there a
 * line break is data, as RFC 4180 and Flink's reader (Jackson's CsvParser
 * over the whole stream) have it, and the record goes on. frame() finds
 * where a record ends for a reader of a byte stream (the filesystem
 * source); a Kafka message is one record as it is. A quote opens a quoted
 * value only as the first character of a field, exactly as the decoder
 * reads it, so the two agree on what is quoted: the decoder accepts a line
 * exactly when frame() ends the record at that line's end (it fails on an
 * unclosed quote, and on an escape character with nothing after it),
 * which lets the filesystem source decode lines and frame only the lines
 * that fail (fs_reader.c). A comment record (csv.allow-comments) ends at
 * its line end whatever it holds. frame() finds a plain line with
 * memchr(); past a quote it jumps from quote to quote with memchr(), and
 * with an escape character it scans byte by byte, a character-class table
 * telling the few bytes that matter. A record whose quoted value is never
 * closed runs to the end of the input and fails there as "unterminated",
 * naming the field; error_offset() gives the reader the place of each
 * error (the bad field, the opening quote) so that it can name its line.
 *
 * csv.ignore-parse-errors, as in Flink (CsvRowDataSerDeSchemaTest): a
 * field that cannot be parsed is NULL and its row is kept ("Test,null,Test"
 * for (STRING, INT, STRING) is (Test, NULL, Test)), a record with fewer
 * fields than columns is kept with the missing ones NULL ("Test" is (Test,
 * NULL, NULL)); both noted for the caller to count and log (format.h
 * decode_notes). A record with more fields, or that cannot be split, is
 * skipped (decode returns HF_DECODE_SKIP). With
 * csv.ignore-parse-errors.skip-record (holoflow) a bad field or a short
 * record skips the record too. An ARRAY or ROW element that cannot be
 * parsed is a NULL element, as in Flink.
 *
 * ROW fields, as Flink's csv (CsvRowSchemaConverter): a ROW is written and
 * read like an ARRAY of its fields, in order, separated by
 * csv.array-element-delimiter ("Hello;42;false" for ROW<STRING, INT,
 * BOOLEAN>); a field with no element at all is a NULL row, and another
 * number of elements than fields is an error ("Row length mismatch", NULL
 * fields for the missing ones with ignore-parse-errors). Elements of an
 * ARRAY and fields of a ROW must be of a simple type (numbers, strings,
 * BYTES, BOOLEAN, dates and times); MAP, MULTISET and deeper nesting are
 * refused when the job is planned, with Flink's messages.
 *
 * Encoding: fields joined by the delimiter with no line end (Flink >= 1.12),
 * quoted when they contain the delimiter, the quote, the escape character
 * or a line break (a quote inside is doubled); with quoting disabled such
 * characters are preceded by the escape character instead. NULL is written
 * as nothing, or as csv.null-literal. BOOLEAN is true/false, BYTES base64,
 * TIME and TIMESTAMP with the minimal number of fraction digits and
 * TIMESTAMP_LTZ with a trailing 'Z', as Flink's csv writer does; every other
 * type as hf_value_to_text() prints it.
 *
 * The option `line-delimiter` exists for DDL written for Flink 1.11 and
 * older ('format.line-delimiter'); only a newline is accepted. A line
 * break cannot be the delimiter, the quote or the escape character.
 */
#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include "core/valueconv.h"
#include "formats/format.h"
#include "formats/format_int.h"

static const struct hf_opt_def csv_opts[] = {
    {"field-delimiter", NULL, HF_OPT_CHAR, ",", 0, 0, NULL, 0,
     "Field delimiter, one character ('\\t' for tab)"},
    {"disable-quote-character", NULL, HF_OPT_BOOL, "false", 0, 0, NULL, 0,
     "Do not treat any character as a quote (quote-character must not be "
     "set then)"},
    {"quote-character", NULL, HF_OPT_CHAR, "\"", 0, 0, NULL, 0,
     "Character enclosing field values"},
    {"allow-comments", NULL, HF_OPT_BOOL, "false", 0, 0, NULL, 0,
     "Skip records starting with '#'"},
    {"ignore-extra-fields", NULL, HF_OPT_BOOL, "false", 0, 0, NULL, 0,
     "holoflow: fields after the declared ones are dropped instead of "
     "making the record bad (DataX's file readers read the fields their "
     "columns name and ignore the rest)"},
    {"ignore-parse-errors", NULL, HF_OPT_BOOL, "false", 0, 0, NULL, 0,
     "As in Flink: a field that cannot be parsed is set to NULL and its row "
     "is kept (missing fields too), a record that cannot be parsed at all or "
     "has too many fields is skipped, instead of failing the job; both are "
     "counted in the summary and the first are logged with their position"},
    {"ignore-parse-errors.skip-record", NULL, HF_OPT_BOOL, "false", 0, 0, NULL,
     0,
     "holoflow: with ignore-parse-errors, skip the whole record when a field "
     "cannot be parsed or is missing, instead of setting it to NULL"},
    {"array-element-delimiter", NULL, HF_OPT_STRING, ";", 0, 0, NULL, 0,
     "Separator of ARRAY elements inside a field (one character)"},
    {"escape-character", NULL, HF_OPT_CHAR, NULL, 0, 0, NULL, 0,
     "Character that makes the next character literal, a line break "
     "included; as in Flink, '0', 'n', 'r' and 't' after it stand for NUL, "
     "LF, CR and TAB (none by default)"},
    {"null-literal", NULL, HF_OPT_STRING, NULL, 0, 0, NULL, 0,
     "Field text read and written as NULL (none by default)"},
    {"line-delimiter", NULL, HF_OPT_STRING, NULL, 0, 0, NULL, 0,
     "Legacy (Flink 1.11 and older): records end at a line end ('\\n' or "
     "'\\r\\n' outside quotes), so only '\\n' is accepted"},
};

struct csv_field {
    char *name;
    struct hf_type type;
    uint32_t col;
};

/* One field of the record being decoded: its text after unquoting and
 * unescaping (in c->buf, or in the record itself when that needed no
 * change) and, for the null literal, its raw text. */
struct csv_span {
    size_t off, len;         /* in c->buf, or in the record with in_rec */
    size_t raw_off, raw_len; /* in the record */
    bool quoted;
    bool in_rec;
};

struct csv_codec {
    struct csv_field *fields;
    uint32_t nfields;
    char delim;
    char quote;  /* '\0': quoting disabled */
    char escape; /* '\0': none */
    char array_delim;
    bool allow_comments;
    bool ignore_extra; /* csv.ignore-extra-fields */
    bool ignore_errors;
    bool skip_record;             /* ignore-parse-errors.skip-record */
    struct hf_decode_notes notes; /* decoder: of the last record */
    char *null_literal; /* NULL: none */
    size_t null_len;
    bool special[256]; /* encoder: characters that make a field quoted
                          (escaped, with quoting disabled) */
    bool plain_ints;   /* encoder: integers never need quoting */
    /* framer: the bytes that matter outside and inside a quoted value */
    bool fr_unq[256];       /* delimiter, escape, '\n' */
    bool fr_q[256];         /* quote, escape, '\n' */
    size_t err_off;         /* decoder: where the last error is, or SIZE_MAX */
    size_t extra_off;       /* decoder: start of the first field too many */
    struct hf_strbuf buf;   /* decoder: unquoted field text; encoder: a value */
    struct csv_span *spans; /* decoder: the first nfields fields of a record */
};

/* ------------------------------------------------------------ options */

static bool is_newline_text(const char *s)
{
    return strcmp(s, "\n") == 0 || strcmp(s, "\\n") == 0;
}

/* Flink's "simple" types: what may be an element of an ARRAY or a field of
 * a ROW in csv. */
static bool csv_simple(enum hf_type_id id)
{
    return !hf_type_is_nested(id) && id != HF_INTERVAL_YM &&
           id != HF_INTERVAL_DT && id != HF_JSON && id != HF_JSONB;
}

/* The types Flink's CsvRowSchemaConverter takes, with its messages. */
static int csv_check_types(const struct hf_schema *s, struct hf_error *err)
{
    char tn[160];
    for (uint32_t i = 0; i < s->ncols; i++) {
        const struct hf_column *col = &s->cols[i];
        const struct hf_type *t = &col->type;
        if (col->kind != HF_COL_PHYSICAL || !hf_type_is_nested(t->id))
            continue;
        if (t->id == HF_MAP || t->id == HF_MULTISET)
            return hf_error_set(err, HF_ERR_UNSUPPORTED,
                                "csv: Unsupported type '%s' for field '%s'.",
                                hf_type_name(t, tn, sizeof tn), col->name);
        for (uint32_t k = 0; k < hf_type_arity(t); k++) {
            const struct hf_type *ct = hf_type_child(t, k);
            if (!csv_simple(ct->id))
                return hf_error_set(err, HF_ERR_UNSUPPORTED,
                                    "csv: Only simple types are supported in "
                                    "the second level nesting of fields '%s' "
                                    "but was: %s",
                                    col->name,
                                    hf_type_name(ct, tn, sizeof tn));
        }
    }
    return 0;
}

static int csv_validate(const struct hf_opts *o, const struct hf_schema *s,
                        struct hf_error *err)
{
    if (csv_check_types(s, err) != 0)
        return -1;
    const char *p = o->prefix;
    bool no_quote = hf_opts_bool(o, "disable-quote-character", NULL);
    if (no_quote && hf_opts_isset(o, "quote-character", NULL))
        return hf_error_set(err, HF_ERR_OPTION,
                            "'%sdisable-quote-character' is true, so "
                            "'%squote-character' must not be set",
                            p, p);
    const char *ad = hf_opts_str(o, "array-element-delimiter", NULL);
    if (ad == NULL || strlen(ad) != 1)
        return hf_error_set(err, HF_ERR_OPTION,
                            "'%sarray-element-delimiter' = '%s': expected "
                            "exactly one character",
                            p, ad ? ad : "");
    const char *ld = hf_opts_str(o, "line-delimiter", NULL);
    if (ld != NULL && !is_newline_text(ld))
        return hf_error_set(err, HF_ERR_OPTION,
                            "'%sline-delimiter' = '%s' is not supported: "
                            "records end at '\\n' (or '\\r\\n'); remove "
                            "the option",
                            p, ld);
    char delim = hf_opts_char(o, "field-delimiter", NULL);
    char quote = no_quote ? '\0' : hf_opts_char(o, "quote-character", NULL);
    if (quote != '\0' && quote == delim)
        return hf_error_set(err, HF_ERR_OPTION,
                            "'%sfield-delimiter' and '%squote-character' are "
                            "the same character '%c'",
                            p, p, delim);
    const struct hf_opt_val *esc = hf_opts_get(o, "escape-character", NULL);
    static const char *const chars[] = {"field-delimiter", "quote-character",
                                        "escape-character"};
    const char vals[] = {delim, quote, esc != NULL ? esc->v.c : '\0'};
    for (size_t i = 0; i < 3; i++) {
        if (vals[i] == '\n' || vals[i] == '\r')
            return hf_error_set(err, HF_ERR_OPTION,
                                "'%s%s' is a line break; a line break ends "
                                "records and cannot be a field delimiter, a "
                                "quote or an escape character",
                                p, chars[i]);
    }
    if (esc != NULL && esc->v.c == delim)
        return hf_error_set(err, HF_ERR_OPTION,
                            "'%sfield-delimiter' and '%sescape-character' are "
                            "the same character '%c'",
                            p, p, delim);
    return 0;
}

/* ------------------------------------------------------------ codec */

static void csv_free(void *p)
{
    struct csv_codec *c = p;
    if (c == NULL)
        return;
    for (uint32_t i = 0; i < c->nfields; i++)
        free(c->fields[i].name);
    free(c->fields);
    free(c->spans);
    free(c->null_literal);
    hf_strbuf_free(&c->buf);
    free(c);
}

static int csv_new(const struct hf_schema *s, const uint32_t *cols,
                   uint32_t ncols, const struct hf_opts *o, void **out,
                   struct hf_error *err)
{
    if (csv_validate(o, s, err) != 0)
        return -1;
    struct csv_codec *c = calloc(1, sizeof *c);
    if (c == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "csv: out of memory");
    hf_strbuf_init(&c->buf, 0);
    c->fields = calloc(ncols ? ncols : 1, sizeof *c->fields);
    c->spans = calloc(ncols ? ncols : 1, sizeof *c->spans);
    if (c->fields == NULL || c->spans == NULL)
        goto oom;
    for (uint32_t i = 0; i < ncols; i++) {
        if (cols[i] >= s->ncols) {
            csv_free(c);
            return hf_error_set(err, HF_ERR_USAGE,
                                "csv: column index %u is outside the schema "
                                "(%u columns)",
                                cols[i], s->ncols);
        }
        c->fields[i].name = strdup(s->cols[cols[i]].name);
        if (c->fields[i].name == NULL)
            goto oom;
        c->fields[i].type = s->cols[cols[i]].type;
        c->fields[i].col = cols[i];
        c->nfields = i + 1;
    }
    c->delim = hf_opts_char(o, "field-delimiter", NULL);
    c->quote = hf_opts_bool(o, "disable-quote-character", NULL)
                   ? '\0'
                   : hf_opts_char(o, "quote-character", NULL);
    c->escape = hf_opts_char(o, "escape-character", NULL);
    if (c->escape == c->quote)
        c->escape = '\0'; /* escaping the quote is what doubling does */
    c->array_delim = hf_opts_str(o, "array-element-delimiter", NULL)[0];
    c->allow_comments = hf_opts_bool(o, "allow-comments", NULL);
    c->ignore_extra = hf_opts_bool(o, "ignore-extra-fields", NULL);
    c->ignore_errors = hf_opts_bool(o, "ignore-parse-errors", NULL);
    c->skip_record = hf_opts_bool(o, "ignore-parse-errors.skip-record", NULL);
    const char *nl = hf_opts_str(o, "null-literal", NULL);
    if (nl != NULL) {
        c->null_literal = strdup(nl);
        if (c->null_literal == NULL)
            goto oom;
        c->null_len = strlen(nl);
    }
    c->special[(unsigned char)c->delim] = true;
    c->special['\n'] = true;
    c->special['\r'] = true;
    if (c->quote != '\0')
        c->special[(unsigned char)c->quote] = true;
    if (c->escape != '\0')
        c->special[(unsigned char)c->escape] = true;
    c->fr_unq[(unsigned char)c->delim] = true;
    c->fr_unq['\n'] = true;
    c->fr_q['\n'] = true;
    if (c->quote != '\0')
        c->fr_q[(unsigned char)c->quote] = true;
    if (c->escape != '\0') {
        c->fr_unq[(unsigned char)c->escape] = true;
        c->fr_q[(unsigned char)c->escape] = true;
    }
    c->err_off = SIZE_MAX;
    c->plain_ints = !c->special['-'];
    for (char d = '0'; d <= '9'; d++)
        c->plain_ints = c->plain_ints && !c->special[(unsigned char)d];
    *out = c;
    return 0;
oom:
    csv_free(c);
    return hf_error_set(err, HF_ERR_NOMEM, "csv: out of memory");
}

/* ------------------------------------------------------------ decoding */

static const char *field_name(const struct csv_codec *c, size_t i)
{
    return i < c->nfields ? c->fields[i].name : "(extra field)";
}

/* Append rec[from, to) to the field buffer, resolving escapes. Stops at an
 * unescaped `stop` character (the delimiter or the quote); returns the
 * position reached, or len + 1 when the record ends with a lone escape
 * character (which would escape the line end: see split()). */
static size_t copy_run(struct csv_codec *c, const char *rec, size_t pos,
                       size_t len, char stop)
{
    while (pos < len) {
        size_t run = pos;
        while (run < len && rec[run] != stop &&
               (c->escape == '\0' || rec[run] != c->escape))
            run++;
        hf_strbuf_append(&c->buf, rec + pos, run - pos);
        pos = run;
        if (pos >= len || rec[pos] == stop)
            break;
        /* escape character: what follows is data, "0", "n", "r" and "t"
         * standing for NUL, LF, CR and TAB as in Flink's reader */
        if (pos + 1 >= len)
            return len + 1;
        char e = rec[pos + 1];
        hf_strbuf_putc(&c->buf, e == '0'   ? '\0'
                                : e == 'n' ? '\n'
                                : e == 'r' ? '\r'
                                : e == 't' ? '\t'
                                           : e);
        pos += 2;
    }
    return pos;
}

/* Split a record into fields: the first nfields go to c->spans (offsets in
 * c->buf). Returns the number of fields, or -1 with err. */
static long split(struct csv_codec *c, const char *rec, size_t len,
                  struct hf_error *err)
{
    hf_strbuf_reset(&c->buf);
    size_t pos = 0;
    long nf = 0;
    for (;;) {
        size_t start = c->buf.len, raw_start = pos;
        bool quoted = c->quote != '\0' && pos < len && rec[pos] == c->quote;
        if (quoted) {
            pos++;
            bool closed = false;
            while (pos < len) {
                pos = copy_run(c, rec, pos, len, c->quote);
                if (pos >= len)
                    break;
                if (pos + 1 < len && rec[pos + 1] == c->quote) {
                    hf_strbuf_putc(&c->buf, c->quote);
                    pos += 2;
                    continue;
                }
                pos++;
                closed = true;
                break;
            }
            if (!closed) {
                c->err_off = raw_start;
                return hf_error_set(err, HF_ERR_DATA,
                                    "column '%s': unterminated quoted value: "
                                    "the record ends before its closing "
                                    "quote",
                                    field_name(c, (size_t)nf));
            }
            if (pos < len && rec[pos] != c->delim) {
                c->err_off = pos;
                return hf_error_set(err, HF_ERR_DATA,
                                    "column '%s': unexpected character '%c' "
                                    "after the closing quote",
                                    field_name(c, (size_t)nf), rec[pos]);
            }
        } else if (c->escape == '\0') {
            /* Unquoted without escapes: the text is the record's own. */
            while (pos < len && rec[pos] != c->delim)
                pos++;
        } else {
            pos = copy_run(c, rec, pos, len, c->delim);
            if (pos > len) {
                /* As Flink's reader: the escape character escapes what
                 * follows, a line end too; nothing follows here. */
                c->err_off = len - 1;
                return hf_error_set(err, HF_ERR_DATA,
                                    "column '%s': the record ends with the "
                                    "escape character '%c', which has "
                                    "nothing to escape",
                                    field_name(c, (size_t)nf), c->escape);
            }
        }
        if ((size_t)nf >= c->nfields) {
            if ((size_t)nf == c->nfields)
                c->extra_off = raw_start;
        } else {
            struct csv_span *sp = &c->spans[nf];
            sp->in_rec = !quoted && c->escape == '\0';
            sp->off = sp->in_rec ? raw_start : start;
            sp->len = sp->in_rec ? pos - raw_start : c->buf.len - start;
            sp->raw_off = raw_start;
            sp->raw_len = pos - raw_start;
            sp->quoted = quoted;
        }
        nf++;
        if (pos >= len)
            break;
        pos++; /* the delimiter; a field follows, maybe empty */
    }
    if (!hf_strbuf_ok(&c->buf))
        return hf_error_set(err, HF_ERR_NOMEM, "csv: record too large");
    return nf;
}

static bool is_null_literal(const struct csv_codec *c, const char *s, size_t n)
{
    return c->null_literal != NULL && n == c->null_len &&
           memcmp(s, c->null_literal, n) == 0;
}

/* Plain decimal text (an optional '-' and 1 to 18 digits, so no overflow)
 * as an integer: true and *v, or false for anything else, which then goes
 * through hf_value_from_text() (blanks, '+', long numbers, errors). */
static bool plain_int(const char *s, size_t n, int64_t *v)
{
    bool neg = n > 0 && s[0] == '-';
    size_t i = neg;
    if (n == i || n - i > 18)
        return false;
    int64_t m = 0;
    for (; i < n; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9)
            return false;
        m = m * 10 + (int64_t)d;
    }
    *v = neg ? -m : m;
    return true;
}

static void note_nulled(struct csv_codec *c, struct hf_error *err);

/* ARRAY or ROW field text `s` (`n` bytes, unquoted and unescaped) into
 * `out`, as the file's opening paragraph describes. */
static int decode_array(struct csv_codec *c, const struct csv_field *f,
                        const char *s, size_t n, struct hf_batch *b,
                        struct hf_value *out, struct hf_error *err)
{
    bool row = f->type.id == HF_ROW;
    bool lenient = c->ignore_errors && !c->skip_record;
    struct hf_type et = row ? hf_type_make(HF_VARCHAR)
                            : hf_format_elem_type(&f->type);
    size_t count = 1;
    bool blank = true;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == c->array_delim)
            count++;
        else if ((unsigned char)s[i] > ' ')
            blank = false;
    }
    if (count == 1 && blank)
        count = 0;
    uint32_t arity = row ? hf_type_arity(&f->type) : 0;
    if (row && count == 0)
        return 0; /* no element: a NULL row, as Flink's reader */
    if (row && count != arity) {
        char tn[160];
        struct hf_error e;
        hf_error_clear(&e);
        hf_error_set(&e, HF_ERR_DATA,
                     "column '%s': Row length mismatch. %u fields expected "
                     "but was %zu (%s)",
                     f->name, arity, count,
                     hf_type_name(&f->type, tn, sizeof tn));
        if (!lenient) {
            *err = e;
            return -1;
        }
        note_nulled(c, &e);
    }
    if (count > UINT32_MAX)
        return hf_error_set(err, HF_ERR_DATA,
                            "column '%s': the array has more than %u elements",
                            f->name, UINT32_MAX);
    struct hf_array *a = hf_array_new(&b->arena, &f->type,
                                      row ? arity : (uint32_t)count);
    if (a == NULL)
        return hf_error_set(err, HF_ERR_NOMEM,
                            "csv: out of memory for an array of %zu elements",
                            count);
    size_t start = 0;
    for (uint32_t k = 0; k < a->n && k < count; k++) {
        if (row)
            et = *hf_type_child(&f->type, k);
        size_t end = start;
        while (end < n && s[end] != c->array_delim)
            end++;
        const char *e = s + start;
        size_t len = end - start;
        struct hf_value *item = &a->items[k];
        memset(item, 0, sizeof *item);
        item->null = true;
        start = end + 1;
        if (is_null_literal(c, e, len))
            continue;
        if (hf_type_is_string(et.id)) {
            if (hf_value_set_str(b, item, e, len) != 0)
                return hf_error_set(err, HF_ERR_NOMEM, "csv: out of memory");
            continue;
        }
        if (et.id == HF_BYTES) {
            unsigned char *dst =
                hf_arena_alloc(&b->arena, hf_base64_max_decoded(len) + 1);
            if (dst == NULL)
                return hf_error_set(err, HF_ERR_NOMEM, "csv: out of memory");
            long got = hf_base64_decode(e, len, dst);
            if (got < 0) {
                hf_error_set(err, HF_ERR_DATA,
                             "column '%s': element %u: cannot parse "
                             "'%.*s' as BYTES (expected base64 text)",
                             f->name, k + 1, len > 100 ? 100 : (int)len, e);
                if (!lenient)
                    return -1;
                note_nulled(c, err); /* Flink: a NULL element */
                continue;
            }
            item->v.s.ptr = (const char *)dst;
            item->v.s.len = (uint32_t)got;
            item->null = false;
            continue;
        }
        struct hf_error ee;
        hf_error_clear(&ee);
        if (hf_value_from_text(&et, e, len, c->array_delim, b, item, &ee) !=
            0) {
            hf_error_set(err, ee.code == HF_OK ? HF_ERR_DATA : ee.code,
                         "column '%s': element %u: %s", f->name, k + 1,
                         ee.msg);
            if (!lenient || err->code != HF_ERR_DATA)
                return -1;
            item->null = true;
            note_nulled(c, err); /* Flink: a NULL element */
        }
    }
    out->v.a = a;
    out->null = false;
    return 0;
}

/* Convert field `sp` of record `rec` into `out`. The null literal matches
 * the unescaped text, or the raw text of an unquoted field (so '\N' is NULL
 * even with '\' as the escape character, as in MySQL dumps). */
static int decode_field(struct csv_codec *c, const struct csv_field *f,
                        const char *rec, const struct csv_span *sp,
                        struct hf_batch *b, struct hf_value *out,
                        struct hf_error *err)
{
    const char *s = (sp->in_rec    ? rec
                     : c->buf.data ? c->buf.data
                                   : "") +
                    sp->off;
    size_t n = sp->len;
    out->null = true;
    if (is_null_literal(c, s, n) ||
        (!sp->quoted && is_null_literal(c, rec + sp->raw_off, sp->raw_len)))
        return 0;
    if (f->type.id == HF_ARRAY || f->type.id == HF_ROW)
        return decode_array(c, f, s, n, b, out, err);
    if (f->type.id == HF_BYTES) {
        if (n == 0)
            return 0;
        unsigned char *dst =
            hf_arena_alloc(&b->arena, hf_base64_max_decoded(n) + 1);
        if (dst == NULL)
            return hf_error_set(err, HF_ERR_NOMEM, "csv: out of memory");
        long got = hf_base64_decode(s, n, dst);
        if (got < 0)
            return hf_error_set(err, HF_ERR_DATA,
                                "column '%s': cannot parse '%.*s' as BYTES "
                                "(expected base64 text)",
                                f->name, n > 100 ? 100 : (int)n, s);
        out->v.s.ptr = (const char *)dst;
        out->v.s.len = (uint32_t)got;
        out->null = false;
        return 0;
    }
    if (hf_type_is_string(f->type.id) && n <= UINT32_MAX) {
        /* hf_value_from_text()'s own first step, without its calls */
        memset(out, 0, sizeof *out);
        if (hf_value_set_str(b, out, s, n) != 0) {
            out->null = true;
            return hf_error_set(err, HF_ERR_NOMEM,
                                "column '%s': out of memory copying %zu "
                                "bytes of text",
                                f->name, n);
        }
        return 0;
    }
    int64_t iv;
    if (hf_type_is_integer(f->type.id) && plain_int(s, n, &iv) &&
        hf_int_in_range(f->type.id, iv)) {
        memset(out, 0, sizeof *out);
        out->v.i = iv;
        return 0;
    }
    struct hf_error e;
    hf_error_clear(&e);
    if (hf_value_from_text(&f->type, s, n, c->array_delim, b, out, &e) != 0) {
        out->null = true;
        return hf_error_set(err, e.code == HF_OK ? HF_ERR_DATA : e.code,
                            "column '%s': %s", f->name, e.msg);
    }
    return 0;
}

static int csv_frame(void *dec, struct hf_frame *f, const char *p, size_t n,
                     size_t *len);

/* A record handed over whole (a Kafka message) may end with its line end,
 * as a producer writing lines sends it: drop it, as Flink's reader stops
 * there. A line end outside quotes before that would start a second
 * record, which Flink ignores without a word: an error here. 0 or -1. */
__attribute__((noinline)) static int drop_line_end(struct csv_codec *c,
                                                   const char *rec, size_t *len,
                                                   struct hf_error *err)
{
    struct hf_frame f = HF_FRAME_INIT;
    size_t rl;
    if (!csv_frame(c, &f, rec, *len, &rl))
        return 0; /* the '\n' is data: quoted or escaped */
    size_t end = rl + (rec[rl] == '\n' ? 1 : 2);
    if (end == *len) {
        *len = rl;
        return 0;
    }
    c->err_off = end;
    return hf_error_set(err, HF_ERR_DATA,
                        "the record holds more than one csv record: a line "
                        "end outside quotes after %zu bytes is followed by "
                        "%zu more; give one record per message",
                        rl, *len - end);
}

/* A field set to NULL under ignore-parse-errors: note it (the first
 * reason of the record is kept) and clear err. */
static void note_nulled(struct csv_codec *c, struct hf_error *err)
{
    if (c->notes.nulled++ == 0) {
        size_t n = strnlen(err->msg, sizeof c->notes.first - 1);
        memcpy(c->notes.first, err->msg, n);
        c->notes.first[n] = '\0';
    }
    hf_error_clear(err);
}

static int decode_record(struct csv_codec *c, const char *rec, size_t len,
                         int64_t origin, struct hf_batch *out,
                         struct hf_error *err)
{
    if (len > 0 && rec[len - 1] == '\n' && drop_line_end(c, rec, &len, err))
        return -1;
    if (len > 0 && rec[len - 1] == '\r') {
        /* A CRLF line end's '\r', unless the escape character makes it
         * data (an odd number of escapes before it). */
        size_t k = len - 1;
        while (c->escape != '\0' && k > 0 && rec[k - 1] == c->escape)
            k--;
        if ((len - 1 - k) % 2 == 0)
            len--;
    }
    if (len == 0)
        return 0;
    if (c->allow_comments && rec[0] == '#')
        return 0;
    long nf = split(c, rec, len, err);
    if (nf < 0)
        return -1;
    bool lenient = c->ignore_errors && !c->skip_record;
    if ((size_t)nf != c->nfields && !(lenient && (size_t)nf < c->nfields) &&
        !(c->ignore_extra && (size_t)nf > c->nfields)) {
        c->err_off = (size_t)nf > c->nfields ? c->extra_off : len;
        return hf_error_set(
            err, HF_ERR_DATA, "the record has %ld field%s, expected %u (%s%s)",
            nf, nf == 1 ? "" : "s", c->nfields,
            c->nfields ? c->fields[0].name : "", c->nfields > 1 ? ", ..." : "");
    }
    struct hf_value *row = hf_batch_add_row(out, HF_ROW_INSERT, origin);
    if (row == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "csv: out of memory for a row");
    for (uint32_t i = 0; i < c->nfields; i++) {
        const struct csv_field *f = &c->fields[i];
        if (i >= (size_t)nf) { /* short record, ignore-parse-errors */
            hf_error_set(err, HF_ERR_DATA,
                         "the record has %ld field%s, expected %u: column "
                         "'%s' is missing",
                         nf, nf == 1 ? "" : "s", c->nfields, f->name);
            note_nulled(c, err);
            continue;
        }
        if (decode_field(c, f, rec, &c->spans[i], out, &row[f->col], err) !=
            0) {
            if (lenient && err->code == HF_ERR_DATA) {
                row[f->col].null = true;
                note_nulled(c, err);
                continue;
            }
            c->err_off = c->spans[i].raw_off;
            hf_batch_drop_last(out);
            return -1;
        }
    }
    return 1;
}

static int csv_decode(void *dec, const char *rec, size_t len, int64_t origin,
                      struct hf_batch *out, struct hf_error *err)
{
    struct csv_codec *c = dec;
    c->err_off = SIZE_MAX;
    c->notes.nulled = 0;
    int rc = decode_record(c, rec, len, origin, out, err);
    if (rc < 0 && c->ignore_errors)
        return HF_DECODE_SKIP; /* err keeps the reason for the caller */
    return rc;
}

static const struct hf_decode_notes *csv_notes(void *dec)
{
    return &((struct csv_codec *)dec)->notes;
}

static size_t csv_error_offset(const void *dec)
{
    const struct csv_codec *c = dec;
    return c->err_off;
}

/* ------------------------------------------------------------ framing */

/* Scanner states (struct hf_frame.state); FR_START is 0, a record's
 * first byte. */
enum {
    FR_START = 0,
    FR_LINE,       /* a comment: ends at the line end, whatever it holds */
    FR_PLAIN,      /* no quote or escape character in the record so far */
    FR_FIELD,      /* at a field's first byte */
    FR_UNQ,        /* in an unquoted field (or after a closing quote) */
    FR_ESC_UNQ,    /* after the escape character, outside quotes */
    FR_ESC_CR,     /* after an escaped '\r' outside quotes: a '\n' next
                      ends the record, the '\r' staying data */
    FR_QUOTED,     /* in a quoted value */
    FR_QUOTE_SEEN, /* after a quote in a quoted value: doubled, or closed */
    FR_ESC_Q       /* after the escape character, inside quotes */
};

static bool has_special(const struct csv_codec *c, const char *p, size_t n)
{
    return (c->quote != '\0' && memchr(p, c->quote, n) != NULL) ||
           (c->escape != '\0' && memchr(p, c->escape, n) != NULL);
}

/* Where the first quote or escape character in p[0..n) is, or n. */
static size_t first_special(const struct csv_codec *c, const char *p, size_t n)
{
    size_t k = n;
    const char *e;
    if (c->quote != '\0' && (e = memchr(p, c->quote, n)) != NULL)
        k = (size_t)(e - p);
    if (c->escape != '\0' && (e = memchr(p, c->escape, k)) != NULL)
        k = (size_t)(e - p);
    return k;
}

static int64_t count_breaks(const char *p, size_t n)
{
    int64_t k = 0;
    const char *e = p + n, *q;
    while (p < e && (q = memchr(p, '\n', (size_t)(e - p))) != NULL) {
        k++;
        p = q + 1;
    }
    return k;
}

/* The length of a record whose line end's '\n' is p[nl]: without a '\r'
 * before it, which is then the line end's too. */
static size_t without_cr(const char *p, size_t nl)
{
    return nl > 0 && p[nl - 1] == '\r' ? nl - 1 : nl;
}

/* The exact scan with quotes and no escape character: from quote to quote
 * with memchr(), as a quote matters only where it opens a value (a field's
 * first byte), doubles, or closes. `*i` and `*st` in and out; `nl` is the
 * first '\n' at or after *i (n: none before n), or SIZE_MAX when not
 * known. 1 with *len at the record's end, else 0 at n. */
static int scan_quotes(const struct csv_codec *c, struct hf_frame *f,
                       const char *p, size_t n, size_t *ip, int *stp,
                       size_t *len, size_t nl)
{
    const char q = c->quote;
    size_t i = *ip;
    int st = *stp;
    const char *e;
    for (;;) {
        if (nl == SIZE_MAX || nl < i) {
            e = i < n ? memchr(p + i, '\n', n - i) : NULL;
            nl = e != NULL ? (size_t)(e - p) : n;
        }
        if (st == FR_QUOTED) {
            e = i < n ? memchr(p + i, q, n - i) : NULL;
            size_t stop = e != NULL ? (size_t)(e - p) : n;
            if (nl < stop) { /* line breaks inside the value */
                f->breaks += count_breaks(p + nl, stop - nl);
                nl = SIZE_MAX;
            }
            i = stop;
            if (e == NULL)
                break;
            i++;
            st = FR_QUOTE_SEEN;
        }
        if (st == FR_QUOTE_SEEN) {
            if (i >= n)
                break;
            if (p[i] == q) {
                i++;
                st = FR_QUOTED;
                continue;
            }
            f->open_quote = SIZE_MAX; /* closed; what follows is unquoted */
            st = FR_UNQ;
        }
        if (nl == SIZE_MAX || nl < i) {
            e = i < n ? memchr(p + i, '\n', n - i) : NULL;
            nl = e != NULL ? (size_t)(e - p) : n;
        }
        /* Unquoted (FR_FIELD: p[i] starts a field): the next quote that
         * opens a value, before the line end. */
        size_t k = i;
        bool opens = false;
        while (k < nl && (e = memchr(p + k, q, nl - k)) != NULL) {
            k = (size_t)(e - p);
            if (k == i ? st == FR_FIELD : p[k - 1] == c->delim) {
                opens = true;
                break;
            }
            k++;
        }
        if (opens) {
            f->open_quote = k;
            i = k + 1;
            st = FR_QUOTED;
            continue;
        }
        if (nl < n) {
            *len = without_cr(p, nl);
            *ip = i;
            *stp = st;
            return 1;
        }
        if (n > i)
            st = p[n - 1] == c->delim ? FR_FIELD : FR_UNQ;
        i = n;
        break;
    }
    *ip = i;
    *stp = st;
    return 0;
}

/* The exact scan with an escape character: byte by byte, a class table
 * telling the bytes that matter. As scan_quotes(). */
static int scan_bytes(const struct csv_codec *c, struct hf_frame *f,
                      const char *p, size_t n, size_t *ip, int *stp,
                      size_t *len)
{
    size_t i = *ip;
    int st = *stp;
    int64_t breaks = f->breaks;
    size_t oq = f->open_quote;
    int found = 0;
    while (i < n && !found) {
        char ch;
        switch (st) {
        case FR_FIELD:
            if (c->quote != '\0' && p[i] == c->quote) {
                oq = i++;
                st = FR_QUOTED;
                break;
            }
            st = FR_UNQ;
            /* fall through */
        case FR_UNQ:
            while (i < n && !c->fr_unq[(unsigned char)p[i]])
                i++;
            if (i == n)
                break;
            ch = p[i];
            if (ch == '\n') {
                /* A '\r' before it is the line end's: an escaped one
                 * would have left the scan in FR_ESC_CR. */
                *len = without_cr(p, i);
                found = 1;
                break;
            }
            i++;
            st = ch == c->delim ? FR_FIELD : FR_ESC_UNQ;
            break;
        case FR_ESC_UNQ:
            ch = p[i++];
            breaks += ch == '\n';
            st = ch == '\r' ? FR_ESC_CR : FR_UNQ;
            break;
        case FR_ESC_CR:
            if (p[i] == '\n') {
                *len = i;
                found = 1;
                break;
            }
            st = FR_UNQ;
            break;
        case FR_QUOTED:
            while (i < n && !c->fr_q[(unsigned char)p[i]])
                i++;
            if (i == n)
                break;
            ch = p[i++];
            if (ch == '\n')
                breaks++;
            else
                st = ch == c->quote ? FR_QUOTE_SEEN : FR_ESC_Q;
            break;
        case FR_ESC_Q:
            breaks += p[i++] == '\n';
            st = FR_QUOTED;
            break;
        default: /* FR_QUOTE_SEEN */
            if (p[i] == c->quote) {
                i++;
                st = FR_QUOTED;
            } else {
                oq = SIZE_MAX; /* closed; what follows is unquoted */
                st = FR_UNQ;
            }
            break;
        }
    }
    f->breaks = breaks;
    f->open_quote = found ? SIZE_MAX : oq;
    *ip = i;
    *stp = st;
    return found;
}

/* The exact scan from p[i] in state st, the first '\n' at or after p[i]
 * being p[nl] (SIZE_MAX: not known); keeps f up to date. */
static int scan(const struct csv_codec *c, struct hf_frame *f, const char *p,
                size_t n, size_t i, int st, size_t *len, size_t nl)
{
    int found = c->escape == '\0' ? scan_quotes(c, f, p, n, &i, &st, len, nl)
                                  : scan_bytes(c, f, p, n, &i, &st, len);
    if (found) {
        f->open_quote = SIZE_MAX;
        return 1;
    }
    f->pos = n;
    f->state = st;
    return 0;
}

/* A record whose first line holds a quote or escape character, the first
 * at p[k], its line end at p[nl]: the exact scan from there (no special
 * character before k, so p[k] starts a field when p[k - 1] ends one). */
__attribute__((noinline)) static int
frame_exact(const struct csv_codec *c, struct hf_frame *f, const char *p,
            size_t n, size_t k, size_t nl, size_t *len)
{
    int st = k == 0 || p[k - 1] == c->delim ? FR_FIELD : FR_UNQ;
    return scan(c, f, p, n, k, st, len, nl);
}

/* Everything but a plain line at a record's start (csv_frame). Kept out
 * of line so that the common case stays a small function. */
__attribute__((noinline)) static int frame_slow(const struct csv_codec *c,
                                                struct hf_frame *f,
                                                const char *p, size_t n,
                                                size_t *len)
{
    size_t i = f->pos;
    int st = f->state;
    if (st <= FR_PLAIN) {
        if (st == FR_START) {
            if (n == 0)
                return 0;
            st = c->allow_comments && p[0] == '#' ? FR_LINE : FR_PLAIN;
        }
        const char *nl = i < n ? memchr(p + i, '\n', n - i) : NULL;
        size_t stop = nl != NULL ? (size_t)(nl - p) : n;
        if (st == FR_LINE || !has_special(c, p + i, stop - i)) {
            if (nl != NULL) {
                *len = without_cr(p, stop);
                return 1;
            }
            f->pos = n;
            f->state = st;
            return 0;
        }
        /* A quote or an escape on the line: scan it exactly, from the
         * record's start (no line break has been passed yet). */
        i = 0;
        st = FR_FIELD;
    }
    return scan(c, f, p, n, i, st, len, SIZE_MAX);
}

static int csv_frame(void *dec, struct hf_frame *f, const char *p, size_t n,
                     size_t *len)
{
    const struct csv_codec *c = dec;
    /* Most records: a line without a quote or escape character, at a
     * record's start. */
    if (f->state == FR_START && n > 0 && !(c->allow_comments && p[0] == '#')) {
        const char *nl = memchr(p, '\n', n);
        if (nl != NULL) {
            size_t stop = (size_t)(nl - p);
            size_t k = first_special(c, p, stop);
            if (k == stop) {
                *len = without_cr(p, stop);
                return 1;
            }
            return frame_exact(c, f, p, n, k, stop, len);
        }
    }
    return frame_slow(c, f, p, n, len);
}

/* ------------------------------------------------------------ encoding */

static void value_text(const struct csv_codec *c, const struct hf_type *t,
                       const struct hf_value *v, struct hf_strbuf *out)
{
    char buf[64];
    size_t n;
    switch (t->id) {
    case HF_BOOLEAN:
        hf_strbuf_puts(out, v->v.b ? "true" : "false");
        break;
    case HF_BYTES:
        hf_base64_encode(v->v.s.ptr, v->v.s.len, out);
        break;
    case HF_TIME:
        n = hf_time_format(v->v.i, -1, buf, sizeof buf);
        hf_strbuf_append(out, buf, n);
        break;
    case HF_TIMESTAMP:
    case HF_TIMESTAMP_LTZ:
        n = hf_timestamp_format(v->v.i, -1, ' ', buf, sizeof buf);
        hf_strbuf_append(out, buf, n);
        if (t->id == HF_TIMESTAMP_LTZ)
            hf_strbuf_putc(out, 'Z');
        break;
    case HF_ARRAY:
    case HF_ROW: {
        /* A ROW is written as the array of its fields, as Flink's csv. */
        struct hf_type et = t->id == HF_ARRAY ? hf_format_elem_type(t)
                                              : hf_type_make(HF_VARCHAR);
        const struct hf_array *a = v->v.a;
        for (uint32_t i = 0; a && i < a->n; i++) {
            if (i > 0)
                hf_strbuf_putc(out, c->array_delim);
            if (a->items[i].null) {
                if (c->null_literal)
                    hf_strbuf_append(out, c->null_literal, c->null_len);
            } else {
                value_text(c, t->id == HF_ROW ? hf_type_child(t, i) : &et,
                           &a->items[i], out);
            }
        }
        break;
    }
    default:
        hf_value_to_text(t, v, out);
    }
}

static bool needs_quoting(const struct csv_codec *c, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (c->special[(unsigned char)s[i]])
            return true;
    return false;
}

/* Append the delimiter (unless `first`) and `n` bytes of `s`. */
static void put_raw(const struct csv_codec *c, bool first, const char *s,
                    size_t n, struct hf_strbuf *out)
{
    char *w = hf_strbuf_reserve(out, n + !first);
    if (w == NULL)
        return;
    if (!first)
        *w++ = c->delim;
    memcpy(w, s, n);
    hf_strbuf_commit(out, n + !first);
}

static void put_field(const struct csv_codec *c, const char *s, size_t n,
                      struct hf_strbuf *out)
{
    if (!needs_quoting(c, s, n)) {
        hf_strbuf_append(out, s, n);
        return;
    }
    if (c->quote != '\0') {
        hf_strbuf_putc(out, c->quote);
        for (size_t i = 0; i < n; i++) {
            if (s[i] == c->quote)
                hf_strbuf_putc(out, c->quote);
            else if (c->escape != '\0' && s[i] == c->escape)
                hf_strbuf_putc(out, c->escape);
            hf_strbuf_putc(out, s[i]);
        }
        hf_strbuf_putc(out, c->quote);
        return;
    }
    /* No quoting: escape what would split the field, if we can. */
    for (size_t i = 0; i < n; i++) {
        if (c->escape != '\0' && (s[i] == c->delim || s[i] == '\n' ||
                                  s[i] == '\r' || s[i] == c->escape))
            hf_strbuf_putc(out, c->escape);
        hf_strbuf_putc(out, s[i]);
    }
}

static int csv_encoder_new(const struct hf_schema *s, const uint32_t *cols,
                           uint32_t ncols, const struct hf_opts *o, void **enc,
                           struct hf_error *err)
{
    return csv_new(s, cols, ncols, o, enc, err);
}

static int csv_decoder_new(const struct hf_schema *s, const uint32_t *cols,
                           uint32_t ncols, const struct hf_opts *o, void **dec,
                           struct hf_error *err)
{
    return csv_new(s, cols, ncols, o, dec, err);
}

static int csv_encode(void *enc, const struct hf_value *row,
                      enum hf_rowkind kind, struct hf_strbuf *out,
                      struct hf_error *err)
{
    (void)kind;
    struct csv_codec *c = enc;
    for (uint32_t i = 0; i < c->nfields; i++) {
        const struct csv_field *f = &c->fields[i];
        const struct hf_value *v = &row[f->col];
        /* The common types straight into `out`, with the delimiter; the
         * rest through c->buf and the quoting check. */
        if (!v->null) {
            switch (f->type.id) {
            case HF_TINYINT:
            case HF_SMALLINT:
            case HF_INT:
            case HF_BIGINT:
                if (c->plain_ints) {
                    char tmp[HF_INT_TEXT_MAX];
                    const char *t = hf_int_text(v->v.i, tmp);
                    put_raw(c, i == 0, t, (size_t)(tmp + HF_INT_TEXT_MAX - t),
                            out);
                    continue;
                }
                break;
            case HF_CHAR:
            case HF_VARCHAR:
                if (!needs_quoting(c, v->v.s.ptr, v->v.s.len)) {
                    put_raw(c, i == 0, v->v.s.ptr ? v->v.s.ptr : "", v->v.s.len,
                            out);
                    continue;
                }
                break;
            default:
                break;
            }
        }
        if (i > 0)
            hf_strbuf_putc(out, c->delim);
        if (v->null) {
            if (c->null_literal)
                hf_strbuf_append(out, c->null_literal, c->null_len);
            continue;
        }
        hf_strbuf_reset(&c->buf);
        value_text(c, &f->type, v, &c->buf);
        put_field(c, c->buf.data ? c->buf.data : "", c->buf.len, out);
    }
    if (!hf_strbuf_ok(out) || !hf_strbuf_ok(&c->buf))
        return hf_error_set(err, HF_ERR_NOMEM,
                            "csv: record too large or out of memory");
    return 0;
}

const struct hf_format hf_format_csv = {
    .name = "csv",
    .summary = "Delimiter-separated values, one record per line (a line "
               "break inside quotes or after the escape character is data)",
    .opts = csv_opts,
    .nopts = sizeof csv_opts / sizeof csv_opts[0],
    .changelog = false,
    .validate = csv_validate,
    .decoder_new = csv_decoder_new,
    .decode = csv_decode,
    .decoder_free = csv_free,
    .frame = csv_frame,
    .error_offset = csv_error_offset,
    .encoder_new = csv_encoder_new,
    .encode = csv_encode,
    .encoder_free = csv_free,
    .decode_notes = csv_notes,
};
