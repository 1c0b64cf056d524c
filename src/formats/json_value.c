/*
 * json_value.c - JSON <-> value conversions shared by the JSON formats (see
 * json_value.h for the rules).
 *
 * Invariants: every value written into a batch row is either NULL or fully
 * converted (a failed conversion leaves the slot NULL and returns -1);
 * strings and arrays go into the batch arena, never malloc'd per value; the
 * decoder's tokener is reset before each record, so one bad record never
 * affects the next.
 */
#include "formats/json_value.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/datetime.h"
#include "core/decimal.h"
#include "core/valueconv.h"
#include "formats/format.h"
#include "formats/format_int.h"

/* Nesting json-c accepts (its default is 32; JSON columns may go deeper). */
#define JSON_MAX_DEPTH 128

/* ------------------------------------------------------------ options */

void hf_json_cfg_read(const struct hf_opts *o, struct hf_json_cfg *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->ts = hf_opts_enum(o, "timestamp-format.standard", NULL) == 1
                  ? HF_JSON_TS_ISO8601
                  : HF_JSON_TS_SQL;
    cfg->ignore_parse_errors = hf_opts_bool(o, "ignore-parse-errors", NULL);
    cfg->skip_record = hf_opts_bool(o, "ignore-parse-errors.skip-record", NULL);
    cfg->decimal_plain =
        hf_opts_bool(o, "encode.decimal-as-plain-number", NULL);
}

/* ------------------------------------------------------------ codec */

int hf_json_codec_init(struct hf_json_codec *c, const char *fmt,
                       const struct hf_schema *s, const uint32_t *cols,
                       uint32_t ncols, const struct hf_json_cfg *cfg,
                       bool decoder, struct hf_error *err)
{
    memset(c, 0, sizeof *c);
    c->fmt = fmt;
    c->cfg = *cfg;
    c->fields = calloc(ncols ? ncols : 1, sizeof *c->fields);
    if (c->fields == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "%s: out of memory", fmt);
    for (uint32_t i = 0; i < ncols; i++) {
        if (cols[i] >= s->ncols)
            return hf_error_set(err, HF_ERR_USAGE,
                                "%s: column index %u is outside the schema "
                                "(%u columns)",
                                fmt, cols[i], s->ncols);
        const struct hf_column *col = &s->cols[cols[i]];
        c->fields[i].name = strdup(col->name);
        if (c->fields[i].name == NULL)
            return hf_error_set(err, HF_ERR_NOMEM, "%s: out of memory", fmt);
        c->fields[i].type = col->type;
        c->fields[i].col = cols[i];
        c->nfields = i + 1;
    }
    c->coltypes = calloc(s->ncols ? s->ncols : 1, sizeof *c->coltypes);
    if (c->coltypes == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "%s: out of memory", fmt);
    for (uint32_t i = 0; i < s->ncols; i++)
        c->coltypes[i] = s->cols[i].type;
    c->ncoltypes = s->ncols;
    if (decoder) {
        c->tok = json_tokener_new_ex(JSON_MAX_DEPTH);
        if (c->tok == NULL)
            return hf_error_set(err, HF_ERR_NOMEM, "%s: out of memory", fmt);
    }
    return 0;
}

void hf_json_codec_release(struct hf_json_codec *c)
{
    if (c == NULL)
        return;
    for (uint32_t i = 0; i < c->nfields; i++)
        free(c->fields[i].name);
    free(c->fields);
    c->fields = NULL;
    free(c->coltypes);
    c->coltypes = NULL;
    free(c->meta);
    c->meta = NULL;
    c->nmeta = 0;
    c->nfields = 0;
    if (c->tok)
        json_tokener_free(c->tok);
    c->tok = NULL;
}

/* ------------------------------------------------------------ parsing */

static bool is_blank(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* True when the text holds a run of 19+ digits: a number json-c may have
 * clamped to the 64-bit limits. */
static bool has_wide_digit_run(const char *s, size_t len)
{
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] >= '0' && s[i] <= '9') {
            if (++run >= 19)
                return true;
        } else {
            run = 0;
        }
    }
    return false;
}

int hf_json_parse(struct hf_json_codec *c, const char *rec, size_t len,
                  struct json_object **root, struct hf_error *err)
{
    *root = NULL;
    c->notes.nulled = 0;
    c->notes.first[0] = '\0';
    size_t b = 0, e = len;
    while (b < e && is_blank(rec[b]))
        b++;
    while (e > b && is_blank(rec[e - 1]))
        e--;
    if (b == e)
        return 0;
    if (len > (size_t)INT_MAX - 1)
        return hf_error_set(err, HF_ERR_DATA,
                            "%s: record of %zu bytes is too large to parse",
                            c->fmt, len);
    c->wide_ints = has_wide_digit_run(rec, len);

    json_tokener_reset(c->tok);
    struct json_object *obj = json_tokener_parse_ex(c->tok, rec, (int)len);
    enum json_tokener_error je = json_tokener_get_error(c->tok);
    size_t end = json_tokener_get_parse_end(c->tok);
    if (obj == NULL && je == json_tokener_continue) {
        /* A bare literal or number at the very end: json-c needs to see the
         * end of input to finish it. */
        obj = json_tokener_parse_ex(c->tok, "", 1);
        je = json_tokener_get_error(c->tok);
        end = len;
    }
    if (je != json_tokener_success) {
        json_object_put(obj);
        return hf_error_set(err, HF_ERR_DATA,
                            "%s: invalid JSON at offset %zu: %s", c->fmt,
                            end, json_tokener_error_desc(je));
    }
    for (size_t i = end; i < len; i++) {
        if (!is_blank(rec[i])) {
            json_object_put(obj);
            return hf_error_set(err, HF_ERR_DATA,
                                "%s: invalid JSON at offset %zu: unexpected "
                                "text after the end of the JSON value",
                                c->fmt, i);
        }
    }
    *root = obj;
    return 1;
}

/* ------------------------------------------------------------ messages */

void hf_json_snippet(struct json_object *j, char *buf, size_t n)
{
    const char *s =
        j ? json_object_to_json_string_ext(
                j, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
          : "null";
    size_t len = strlen(s);
    if (len > 100)
        snprintf(buf, n, "%.97s...", s);
    else
        snprintf(buf, n, "%s", s);
}

static int bad_value(const char *field, struct json_object *j,
                     const struct hf_type *t, struct hf_error *err)
{
    char snip[128], tn[64];
    hf_json_snippet(j, snip, sizeof snip);
    return hf_error_set(err, HF_ERR_DATA, "field '%s': cannot parse %s as %s",
                        field, snip, hf_type_name(t, tn, sizeof tn));
}

static int out_of_range(const char *field, struct json_object *j,
                        const struct hf_type *t, struct hf_error *err)
{
    char snip[128], tn[64];
    hf_json_snippet(j, snip, sizeof snip);
    return hf_error_set(err, HF_ERR_DATA,
                        "field '%s': %s is out of range for %s", field, snip,
                        hf_type_name(t, tn, sizeof tn));
}

/* ------------------------------------------------------------ conversions */

const char *hf_json_get_str(struct json_object *obj, const char *key)
{
    struct json_object *v;
    if (obj == NULL || !json_object_object_get_ex(obj, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

/* Text of a JSON string with blanks trimmed. */
static const char *trimmed(struct json_object *j, size_t *len)
{
    const char *s = json_object_get_string(j);
    size_t n = (size_t)json_object_get_string_len(j);
    while (n > 0 && is_blank(*s)) {
        s++;
        n--;
    }
    while (n > 0 && is_blank(s[n - 1]))
        n--;
    *len = n;
    return s;
}

/* Copy len bytes into buf as a C string; false when it does not fit. */
static bool to_cstr(const char *s, size_t len, char *buf, size_t n)
{
    if (len >= n)
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    return true;
}

static bool int_fits(enum hf_type_id id, int64_t v)
{
    switch (id) {
    case HF_TINYINT:
        return v >= INT8_MIN && v <= INT8_MAX;
    case HF_SMALLINT:
        return v >= INT16_MIN && v <= INT16_MAX;
    case HF_INT:
        return v >= INT32_MIN && v <= INT32_MAX;
    default:
        return true;
    }
}

/* A JSON integer json-c may have clamped (see json_value.h). */
static bool maybe_clamped(const struct hf_json_codec *c, struct json_object *j)
{
    if (!c->wide_ints)
        return false;
    int64_t i = json_object_get_int64(j);
    if (i == INT64_MIN)
        return true;
    return i == INT64_MAX && json_object_get_uint64(j) == UINT64_MAX;
}

/* The original text of a JSON number with a fraction or exponent. */
static const char *double_text(struct json_object *j)
{
    const char *s = json_object_get_userdata(j);
    return s ? s : json_object_get_string(j);
}

/* An integer in text (Java's Integer.parseInt after trim(): an optional
 * sign and decimal digits, nothing else). 0, -1 not an integer, -2 beyond
 * 64 bits. */
static int text_to_i64(const char *s, size_t n, int64_t *v)
{
    size_t i = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    if (i == n)
        return -1;
    for (size_t k = i; k < n; k++)
        if (s[k] < '0' || s[k] > '9')
            return -1;
    char buf[32];
    if (!to_cstr(s, n, buf, sizeof buf))
        return -2; /* 31+ characters of digits: far beyond 64 bits */
    errno = 0;
    long long x = strtoll(buf, NULL, 10);
    if (errno == ERANGE)
        return -2;
    *v = x;
    return 0;
}

/* Integer types, as Flink's JSON reader converts them: TINYINT and
 * SMALLINT parse the value's text (so a JSON number with a fraction is an
 * error); INT and BIGINT take a JSON number that lies within the type's
 * range with its fraction cut toward zero (112.013 is 112), and parse the
 * text of anything else. 0, -1 not an integer, -2 out of range, -3 a
 * literal json-c clamped. */
static int json_to_int(const struct hf_json_codec *c, enum hf_type_id id,
                       struct json_object *j, int64_t *v)
{
    switch (json_object_get_type(j)) {
    case json_type_int: {
        if (maybe_clamped(c, j))
            return -3;
        int64_t i = json_object_get_int64(j);
        if (i == INT64_MAX && json_object_get_uint64(j) > (uint64_t)INT64_MAX)
            return -2;
        *v = i;
        return int_fits(id, i) ? 0 : -2;
    }
    case json_type_double: {
        if (id == HF_TINYINT || id == HF_SMALLINT)
            return -1;
        double d = json_object_get_double(j);
        double lo = id == HF_INT ? (double)INT32_MIN : -9223372036854775808.0;
        bool in =
            id == HF_INT ? d <= (double)INT32_MAX : d < 9223372036854775808.0;
        if (!(d >= lo && in))
            return isfinite(d) ? -2 : -1;
        *v = (int64_t)trunc(d);
        return 0;
    }
    case json_type_string: {
        size_t n;
        const char *s = trimmed(j, &n);
        int rc = text_to_i64(s, n, v);
        if (rc != 0)
            return rc;
        return int_fits(id, *v) ? 0 : -2;
    }
    default:
        return -1;
    }
}

/* Floating-point text as Java's Double.parseDouble reads it after trim():
 * an optional sign, then NaN, Infinity, or a decimal number with an
 * optional exponent and an optional type suffix (f, F, d, D). Hexadecimal
 * floating-point literals are not read. */
static int text_to_double(const char *s, size_t n, bool as_float, double *v)
{
    char buf[128];
    if (n == 0 || !to_cstr(s, n, buf, sizeof buf))
        return -1;
    size_t i = 0;
    bool neg = false;
    if (buf[i] == '+' || buf[i] == '-')
        neg = buf[i++] == '-';
    if (strcmp(buf + i, "NaN") == 0) {
        *v = NAN;
        return 0;
    }
    if (strcmp(buf + i, "Infinity") == 0) {
        *v = neg ? -INFINITY : INFINITY;
        return 0;
    }
    size_t k = i, digits = 0;
    while (buf[k] >= '0' && buf[k] <= '9')
        k++, digits++;
    if (buf[k] == '.') {
        k++;
        while (buf[k] >= '0' && buf[k] <= '9')
            k++, digits++;
    }
    if (digits == 0)
        return -1;
    if (buf[k] == 'e' || buf[k] == 'E') {
        k++;
        if (buf[k] == '+' || buf[k] == '-')
            k++;
        if (buf[k] < '0' || buf[k] > '9')
            return -1;
        while (buf[k] >= '0' && buf[k] <= '9')
            k++;
    }
    if (buf[k] == 'f' || buf[k] == 'F' || buf[k] == 'd' || buf[k] == 'D')
        buf[k++] = '\0';
    else if (buf[k] != '\0')
        return -1;
    if (buf[k] != '\0')
        return -1;
    *v = as_float ? (double)strtof(buf, NULL) : strtod(buf, NULL);
    return 0;
}

/* FLOAT and DOUBLE: a JSON number, or text Double.parseDouble reads. */
static int json_to_double(struct json_object *j, bool as_float, double *v)
{
    switch (json_object_get_type(j)) {
    case json_type_int:
    case json_type_double:
        *v = json_object_get_double(j);
        return 0;
    case json_type_string: {
        size_t n;
        const char *s = trimmed(j, &n);
        return text_to_double(s, n, as_float, v);
    }
    default:
        return -1;
    }
}

/* DECIMAL: 0, -1 not a number, -2 does not fit, -3 a literal json-c
 * clamped. */
static int json_to_dec(const struct hf_json_codec *c, struct json_object *j,
                       const struct hf_type *t, struct hf_dec *out)
{
    switch (json_object_get_type(j)) {
    case json_type_int: {
        if (maybe_clamped(c, j))
            return -3;
        int64_t i = json_object_get_int64(j);
        if (i == INT64_MAX) {
            char buf[32];
            int n = snprintf(buf, sizeof buf, "%" PRIu64,
                             json_object_get_uint64(j));
            return hf_dec_parse(buf, (size_t)n, t->precision, t->scale, out);
        }
        return hf_dec_rescale(hf_dec_from_i64(i), 0, t->precision, t->scale,
                              out);
    }
    case json_type_double: {
        const char *s = double_text(j);
        return hf_dec_parse(s, strlen(s), t->precision, t->scale, out);
    }
    case json_type_string: {
        /* as Java's new BigDecimal(text): no blanks around the number */
        size_t n = (size_t)json_object_get_string_len(j);
        if (n == 0)
            return -1;
        return hf_dec_parse(json_object_get_string(j), n, t->precision,
                            t->scale, out);
    }
    default:
        return -1;
    }
}

/* BOOLEAN as Flink's JSON reader converts it: a JSON boolean is itself;
 * anything else is true when its text is "true" in any case (blanks
 * around it ignored) and false otherwise, as Boolean.parseBoolean reads
 * it. Never an error: {"b": "trueA"} is false in Flink too. */
static void json_to_bool(struct json_object *j, bool *v)
{
    if (json_object_is_type(j, json_type_boolean)) {
        *v = json_object_get_boolean(j);
        return;
    }
    *v = false;
    if (json_object_is_type(j, json_type_string)) {
        size_t n;
        const char *s = trimmed(j, &n);
        *v = n == 4 && strncasecmp(s, "true", 4) == 0;
    }
}

static int json_to_array(struct hf_json_codec *c, const struct hf_type *t,
                         const char *field, struct json_object *j,
                         struct hf_batch *b, struct hf_value *out,
                         struct hf_error *err)
{
    if (!json_object_is_type(j, json_type_array))
        return bad_value(field, j, t, err);
    size_t n = json_object_array_length(j);
    if (n > UINT32_MAX)
        return bad_value(field, j, t, err);
    struct hf_array *a = hf_arena_alloc(&b->arena, sizeof *a);
    struct hf_value *items =
        n ? hf_arena_alloc(&b->arena, n * sizeof *items) : NULL;
    if (a == NULL || (n && items == NULL))
        return hf_error_set(err, HF_ERR_NOMEM,
                            "field '%s': out of memory for an array of %zu",
                            field, n);
    struct hf_type et = hf_format_elem_type(t);
    if (et.id == HF_ARRAY)
        return bad_value(field, j, t, err); /* nested arrays: not a type */
    for (size_t i = 0; i < n; i++) {
        char name[256];
        snprintf(name, sizeof name, "%s[%zu]", field, i);
        items[i].null = true;
        if (hf_json_to_value(c, &et, name, json_object_array_get_idx(j, i), b,
                             &items[i], err) != 0)
            return -1;
    }
    a->elem = t->elem;
    a->n = (uint32_t)n;
    a->items = items;
    out->v.a = a;
    return 0;
}

static int set_json_text(const char *field, struct json_object *j,
                         struct hf_batch *b, struct hf_value *out,
                         struct hf_error *err)
{
    size_t n;
    const char *s = json_object_to_json_string_length(
        j, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
    if (s == NULL || hf_value_set_str(b, out, s, n) != 0)
        return hf_error_set(err, HF_ERR_NOMEM, "field '%s': out of memory",
                            field);
    return 0;
}

/* ------------------------------------------------------------ temporal */

/* The text forms Flink's JSON reader takes (its TimeFormats and
 * java.time's ISO formatters), exactly:
 *   DATE           yyyy-MM-dd
 *   TIME           HH:mm:ss[.f]                  (either standard)
 *   TIMESTAMP      SQL      yyyy-MM-dd HH:mm:ss[.f]
 *                  ISO-8601 yyyy-MM-ddTHH:mm[:ss[.f]]
 *   TIMESTAMP_LTZ  SQL      yyyy-MM-dd HH:mm:ss[.f]Z
 *                  ISO-8601 yyyy-MM-ddTHH:mm[:ss[.f]]Z
 * where [.f] is a point and up to nine digits. Nothing else: no blanks
 * around the text, no other zone than the letter Z (no offset), the 'T'
 * only in ISO-8601 and the blank only in SQL. Dates must exist (Flink's
 * timestamp formats would move 2019-02-30 to 02-28; holoflow refuses it,
 * see docs/formats.md). Fractions beyond microseconds are cut. */

/* `n` digits at s[*i]; advances *i. */
static bool take_digits(const char *s, size_t len, size_t *i, int n, int *out)
{
    int v = 0;
    for (int k = 0; k < n; k++) {
        if (*i >= len || s[*i] < '0' || s[*i] > '9')
            return false;
        v = v * 10 + (s[(*i)++] - '0');
    }
    *out = v;
    return true;
}

static bool take_char(const char *s, size_t len, size_t *i, char ch)
{
    if (*i >= len || s[*i] != ch)
        return false;
    (*i)++;
    return true;
}

/* yyyy-MM-dd, a date that exists, years 0001-9999. */
static bool take_date(const char *s, size_t len, size_t *i, int64_t *days)
{
    int y, m, d;
    if (!take_digits(s, len, i, 4, &y) || !take_char(s, len, i, '-') ||
        !take_digits(s, len, i, 2, &m) || !take_char(s, len, i, '-') ||
        !take_digits(s, len, i, 2, &d))
        return false;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
        (m == 2 && d == 29 && !leap))
        return false;
    *days = hf_days_from_civil(y, (unsigned)m, (unsigned)d);
    return true;
}

/* HH:mm:ss[.f], or with `sec_optional` HH:mm[:ss[.f]]; microseconds. */
static bool take_time(const char *s, size_t len, size_t *i, bool sec_optional,
                      int64_t *usec)
{
    int h, mi, sec = 0;
    if (!take_digits(s, len, i, 2, &h) || !take_char(s, len, i, ':') ||
        !take_digits(s, len, i, 2, &mi) || h > 23 || mi > 59)
        return false;
    int64_t frac = 0;
    if (take_char(s, len, i, ':')) {
        if (!take_digits(s, len, i, 2, &sec) || sec > 59)
            return false;
        if (take_char(s, len, i, '.')) {
            int64_t scale = 100000;
            for (int k = 0; k < 9 && *i < len && s[*i] >= '0' && s[*i] <= '9';
                 k++, (*i)++) {
                frac += (s[*i] - '0') * scale;
                scale /= 10;
            }
        }
    } else if (!sec_optional) {
        return false;
    }
    *usec = ((int64_t)h * 3600 + mi * 60 + sec) * HF_USEC_PER_SEC + frac;
    return true;
}

/* DATE, TIME, TIMESTAMP, TIMESTAMP_LTZ from a JSON string, in the form of
 * the codec's timestamp-format.standard. 0 or -1. */
static int json_to_temporal(const struct hf_json_codec *c,
                            const struct hf_type *t, struct json_object *j,
                            int64_t *v)
{
    if (!json_object_is_type(j, json_type_string))
        return -1;
    const char *s = json_object_get_string(j);
    size_t len = (size_t)json_object_get_string_len(j), i = 0;
    bool iso = c->cfg.ts == HF_JSON_TS_ISO8601;
    bool ok;
    int64_t days = 0, usec = 0;
    switch (t->id) {
    case HF_DATE:
        ok = take_date(s, len, &i, v);
        return ok && i == len ? 0 : -1;
    case HF_TIME:
        ok = take_time(s, len, &i, false, &usec);
        break;
    default:
        /* ISO-8601 local date-times take 't' too (java.time's
         * ISO_LOCAL_DATE_TIME parses case-insensitively); with a zone,
         * Flink's own formatter wants 'T' and 'Z' as written. */
        ok = take_date(s, len, &i, &days) &&
             (iso ? take_char(s, len, &i, 'T') ||
                        (t->id == HF_TIMESTAMP && take_char(s, len, &i, 't'))
                  : take_char(s, len, &i, ' ')) &&
             take_time(s, len, &i, iso, &usec) &&
             (t->id == HF_TIMESTAMP || take_char(s, len, &i, 'Z'));
        usec += days * HF_USEC_PER_DAY;
    }
    if (!ok || i != len)
        return -1;
    *v = hf_format_truncate_usec(usec, t->precision);
    return 0;
}

/* Why a temporal text was refused: the forms the standard takes. */
static int bad_temporal(const struct hf_json_codec *c, const char *field,
                        struct json_object *j, const struct hf_type *t,
                        struct hf_error *err)
{
    char snip[128], tn[64];
    hf_json_snippet(j, snip, sizeof snip);
    bool iso = c->cfg.ts == HF_JSON_TS_ISO8601;
    const char *form;
    switch (t->id) {
    case HF_DATE:
        form = "yyyy-MM-dd";
        break;
    case HF_TIME:
        form = "HH:mm:ss[.fffffffff]";
        break;
    case HF_TIMESTAMP:
        form = iso ? "yyyy-MM-ddTHH:mm[:ss[.fffffffff]]"
                   : "yyyy-MM-dd HH:mm:ss[.fffffffff]";
        break;
    default:
        form = iso ? "yyyy-MM-ddTHH:mm[:ss[.fffffffff]]Z"
                   : "yyyy-MM-dd HH:mm:ss[.fffffffff]Z";
    }
    char why[96] = "";
    if (t->id == HF_TIMESTAMP || t->id == HF_TIMESTAMP_LTZ)
        snprintf(why, sizeof why, " ('%s.timestamp-format.standard' = '%s')",
                 c->fmt, iso ? "ISO-8601" : "SQL");
    return hf_error_set(err, HF_ERR_DATA,
                        "field '%s': cannot parse %s as %s: expected '%s'%s",
                        field, snip, hf_type_name(t, tn, sizeof tn), form, why);
}

/* A value set to NULL under ignore-parse-errors: note the reason in err
 * (the first one of the record is kept, cut if long) and clear err. */
static void note_nulled(struct hf_json_codec *c, struct hf_error *err)
{
    if (c->notes.nulled++ == 0) {
        size_t n = strnlen(err->msg, sizeof c->notes.first - 1);
        memcpy(c->notes.first, err->msg, n);
        c->notes.first[n] = '\0';
    }
    hf_error_clear(err);
}

/* One value, without ignore-parse-errors (see hf_json_to_value). */
static int to_value(struct hf_json_codec *c, const struct hf_type *t,
                    const char *field, struct json_object *j,
                    struct hf_batch *b, struct hf_value *out,
                    struct hf_error *err)
{
    out->null = true;
    if (j == NULL)
        return 0;
    struct hf_value v;
    memset(&v, 0, sizeof v);
    char tn[64];
    int rc;
    switch (t->id) {
    case HF_BOOLEAN:
        json_to_bool(j, &v.v.b);
        break;
    case HF_TINYINT:
    case HF_SMALLINT:
    case HF_INT:
    case HF_BIGINT:
        rc = json_to_int(c, t->id, j, &v.v.i);
        if (rc == -1)
            return bad_value(field, j, t, err);
        if (rc == -3)
            return hf_error_set(err, HF_ERR_DATA,
                                "field '%s': integer literal beyond 64 bits "
                                "is out of range for %s",
                                field, hf_type_name(t, tn, sizeof tn));
        if (rc == -2)
            return out_of_range(field, j, t, err);
        break;
    case HF_FLOAT:
    case HF_DOUBLE: {
        double d;
        if (json_to_double(j, t->id == HF_FLOAT, &d) != 0)
            return bad_value(field, j, t, err);
        if (t->id == HF_FLOAT)
            v.v.f4 = (float)d;
        else
            v.v.f8 = d;
        break;
    }
    case HF_DECIMAL:
        rc = json_to_dec(c, j, t, &v.v.d);
        if (rc == -3)
            return hf_error_set(err, HF_ERR_DATA,
                                "field '%s': integer literal beyond 64 bits "
                                "cannot be read exactly as %s; write it with "
                                "a fraction (123.0) or as a JSON string",
                                field, hf_type_name(t, tn, sizeof tn));
        if (rc == -2) {
            char snip[128];
            hf_json_snippet(j, snip, sizeof snip);
            return hf_error_set(err, HF_ERR_DATA,
                                "field '%s': %s does not fit %s", field, snip,
                                hf_type_name(t, tn, sizeof tn));
        }
        if (rc != 0)
            return bad_value(field, j, t, err);
        break;
    case HF_CHAR:
    case HF_VARCHAR:
        if (json_object_is_type(j, json_type_string)) {
            if (hf_value_set_str(b, out, json_object_get_string(j),
                                 (size_t)json_object_get_string_len(j)) != 0)
                return hf_error_set(err, HF_ERR_NOMEM,
                                    "field '%s': out of memory", field);
            return 0;
        }
        return set_json_text(field, j, b, out, err);
    case HF_JSON:
    case HF_JSONB:
        return set_json_text(field, j, b, out, err);
    case HF_BYTES: {
        if (!json_object_is_type(j, json_type_string))
            return bad_value(field, j, t, err);
        const char *s = json_object_get_string(j);
        size_t n = (size_t)json_object_get_string_len(j);
        unsigned char *dst =
            hf_arena_alloc(&b->arena, hf_base64_max_decoded(n) + 1);
        if (dst == NULL)
            return hf_error_set(err, HF_ERR_NOMEM, "field '%s': out of memory",
                                field);
        long got = hf_base64_decode(s, n, dst);
        if (got < 0) {
            char snip[128];
            hf_json_snippet(j, snip, sizeof snip);
            return hf_error_set(err, HF_ERR_DATA,
                                "field '%s': cannot parse %s as BYTES "
                                "(expected base64 text)",
                                field, snip);
        }
        out->v.s.ptr = (const char *)dst;
        out->v.s.len = (uint32_t)got;
        out->null = false;
        return 0;
    }
    case HF_DATE:
    case HF_TIME:
    case HF_TIMESTAMP:
    case HF_TIMESTAMP_LTZ:
        if (json_to_temporal(c, t, j, &v.v.i) != 0)
            return bad_temporal(c, field, j, t, err);
        break;
    case HF_ARRAY:
        if (json_to_array(c, t, field, j, b, &v, err) != 0)
            return -1;
        break;
    default:
        return bad_value(field, j, t, err);
    }
    v.null = false;
    *out = v;
    return 0;
}

int hf_json_to_value(struct hf_json_codec *c, const struct hf_type *t,
                     const char *field, struct json_object *j,
                     struct hf_batch *b, struct hf_value *out,
                     struct hf_error *err)
{
    if (to_value(c, t, field, j, b, out, err) == 0)
        return 0;
    if (!c->cfg.ignore_parse_errors || c->cfg.skip_record ||
        err->code != HF_ERR_DATA)
        return -1;
    /* Flink's ignore-parse-errors: the value is NULL, the row is kept. */
    out->null = true;
    note_nulled(c, err);
    return 0;
}

const struct hf_decode_notes *hf_json_notes(struct hf_json_codec *c)
{
    return &c->notes;
}

/* ------------------------------------------------------------ rows */

int hf_json_fill_row(struct hf_json_codec *c, struct json_object *obj,
                     struct json_object *fb, enum hf_json_merge merge,
                     struct hf_batch *b, struct hf_value *row,
                     struct hf_error *err)
{
    if (!json_object_is_type(obj, json_type_object)) {
        char snip[128];
        hf_json_snippet(obj, snip, sizeof snip);
        return hf_error_set(err, HF_ERR_DATA,
                            "expected a JSON object, got %s", snip);
    }
    if (fb != NULL && !json_object_is_type(fb, json_type_object))
        fb = NULL;
    for (uint32_t i = 0; i < c->nfields; i++) {
        const struct hf_json_field *f = &c->fields[i];
        struct json_object *v = NULL;
        bool found = json_object_object_get_ex(obj, f->name, &v);
        if (fb != NULL && merge == HF_JSON_MERGE_ABSENT && !found)
            found = json_object_object_get_ex(fb, f->name, &v);
        if (!found && c->cfg.fail_on_missing)
            return hf_error_set(err, HF_ERR_DATA,
                                "field '%s' is missing from the JSON object "
                                "(fail-on-missing-field is true)",
                                f->name);
        if (hf_json_to_value(c, &f->type, f->name, v, b, &row[f->col], err) !=
            0)
            return -1;
    }
    return 0;
}

int hf_json_emit_row(struct hf_json_codec *c, struct json_object *obj,
                     struct json_object *fb, enum hf_json_merge merge,
                     enum hf_rowkind k, int64_t origin, struct hf_batch *b,
                     struct hf_error *err)
{
    struct hf_value *row = hf_batch_add_row(b, k, origin);
    if (row == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "%s: out of memory for a row",
                            c->fmt);
    if (hf_json_fill_row(c, obj, fb, merge, b, row, err) != 0) {
        hf_batch_drop_last(b);
        return -1;
    }
    return 0;
}

int hf_json_decode_done(const struct hf_json_codec *c, struct hf_batch *b,
                        uint32_t start, int rc)
{
    if (rc >= 0)
        return rc;
    while (b->nrows > start)
        hf_batch_drop_last(b);
    return c->cfg.ignore_parse_errors ? HF_DECODE_SKIP : -1;
}

/* ------------------------------------------------------------ metadata */

int hf_json_codec_set_meta(struct hf_json_codec *c,
                           const struct hf_format_meta *table,
                           const uint32_t *keys, const uint32_t *cols,
                           uint32_t n, struct hf_error *err)
{
    size_t ntable = 0;
    while (table && table[ntable].key)
        ntable++;
    free(c->meta);
    c->nmeta = 0;
    c->meta = calloc(n ? n : 1, sizeof *c->meta);
    if (c->meta == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "%s: out of memory", c->fmt);
    for (uint32_t i = 0; i < n; i++) {
        if (keys[i] >= ntable || cols[i] >= c->ncoltypes)
            return hf_error_set(err, HF_ERR_USAGE,
                                "%s: metadata %u for column %u is not in "
                                "the format's table or the schema",
                                c->fmt, keys[i], cols[i]);
        const struct hf_format_meta *m = &table[keys[i]];
        if (!hf_format_meta_fits(m->type, &c->coltypes[cols[i]])) {
            char tn[64];
            return hf_error_set(
                err, HF_ERR_TYPE,
                "%s metadata '%s' is %s; a column of type %s "
                "cannot hold it%s",
                c->fmt, m->key, m->flink_type,
                hf_type_name(&c->coltypes[cols[i]], tn, sizeof tn),
                m->type == HF_META_MAP ? " (holoflow has no MAP type yet)"
                                       : "");
        }
        c->meta[i].m = m;
        c->meta[i].col = cols[i];
        c->meta[i].type = c->coltypes[cols[i]];
        c->nmeta = i + 1;
    }
    return 0;
}

/* Java's Long.parseLong: an optional sign and digits, nothing else. */
static bool parse_long_text(const char *s, size_t n, int64_t *v)
{
    return text_to_i64(s, n, v) == 0;
}

int hf_json_put_meta(struct hf_json_codec *c, const struct hf_json_meta *mc,
                     const char *field, struct json_object *j,
                     enum hf_json_meta_read how, int64_t unit_ms,
                     struct hf_batch *b, uint32_t from, struct hf_error *err)
{
    struct hf_value v;
    memset(&v, 0, sizeof v);
    v.null = true;
    if (mc->m->type != HF_META_TIMESTAMP3) {
        /* STRING, ARRAY<STRING>: the column's own type reads it */
        if (hf_json_to_value(c, &mc->type, field, j, b, &v, err) != 0)
            return -1;
    } else if (j != NULL) {
        int64_t n = 0;
        bool have = false;
        if (how == HF_JSON_META_LONG_TEXT) {
            const char *t = json_object_get_string(j);
            size_t len = t ? strlen(t) : 0;
            if (!parse_long_text(t ? t : "", len, &n)) {
                char snip[128];
                hf_json_snippet(j, snip, sizeof snip);
                return hf_error_set(err, HF_ERR_DATA,
                                    "%s: metadata '%s': \"%s\" = %s is not "
                                    "a whole number of milliseconds",
                                    c->fmt, mc->m->key, field, snip);
            }
            have = true;
        } else {
            struct hf_type bt = hf_type_make(HF_BIGINT);
            struct hf_value bv;
            if (hf_json_to_value(c, &bt, field, j, b, &bv, err) != 0)
                return -1;
            have = !bv.null;
            n = bv.v.i;
        }
        int64_t us;
        if (have &&
            (__builtin_mul_overflow(n, unit_ms * 1000, &us) ||
             us < HF_TIMESTAMP_MIN_USEC || us > HF_TIMESTAMP_MAX_USEC)) {
            char snip[128];
            hf_json_snippet(j, snip, sizeof snip);
            hf_error_set(err, HF_ERR_DATA,
                         "field '%s': %s %s is outside the years 0001-9999 "
                         "of TIMESTAMP_LTZ(3) (metadata '%s')",
                         field, snip,
                         unit_ms == 1000 ? "seconds" : "milliseconds",
                         mc->m->key);
            if (!c->cfg.ignore_parse_errors || c->cfg.skip_record ||
                how == HF_JSON_META_LONG_TEXT)
                return -1;
            note_nulled(c, err);
            have = false;
        }
        if (have) {
            v.null = false;
            v.v.i = hf_format_truncate_usec(us, mc->type.precision);
        }
    }
    for (uint32_t r = from; r < b->nrows; r++)
        hf_batch_row(b, r)[mc->col] = v;
    return 0;
}

/* ------------------------------------------------------------ encoding */

void hf_json_put_string(struct hf_strbuf *out, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    hf_strbuf_putc(out, '"');
    size_t run = 0; /* start of the pending run of plain bytes */
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch != '"' && ch != '\\')
            continue;
        hf_strbuf_append(out, s + run, i - run);
        run = i + 1;
        switch (ch) {
        case '"': hf_strbuf_append(out, "\\\"", 2); break;
        case '\\': hf_strbuf_append(out, "\\\\", 2); break;
        case '\n': hf_strbuf_append(out, "\\n", 2); break;
        case '\r': hf_strbuf_append(out, "\\r", 2); break;
        case '\t': hf_strbuf_append(out, "\\t", 2); break;
        case '\b': hf_strbuf_append(out, "\\b", 2); break;
        case '\f': hf_strbuf_append(out, "\\f", 2); break;
        default: {
            char u[6] = {'\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15]};
            hf_strbuf_append(out, u, sizeof u);
        }
        }
    }
    hf_strbuf_append(out, s + run, len - run);
    hf_strbuf_putc(out, '"');
}

/* Java's BigDecimal.toString(): plain unless the adjusted exponent is below
 * -6 (scale > 0 always here), then d.dddE-n. */
static void put_decimal(struct hf_dec d, int scale, bool plain,
                        struct hf_strbuf *out)
{
    char buf[64];
    size_t n = hf_dec_format(d, scale, buf, sizeof buf);
    if (plain || scale == 0) {
        hf_strbuf_append(out, buf, n);
        return;
    }
    char digits[64];
    size_t nd = 0;
    bool neg = false;
    for (size_t i = 0; i < n; i++) {
        if (buf[i] == '-')
            neg = true;
        else if (buf[i] >= '0' && buf[i] <= '9' && (nd > 0 || buf[i] != '0'))
            digits[nd++] = buf[i];
    }
    if (nd == 0)
        digits[nd++] = '0';
    long adjusted = (long)nd - 1 - scale;
    if (adjusted >= -6) {
        hf_strbuf_append(out, buf, n);
        return;
    }
    if (neg)
        hf_strbuf_putc(out, '-');
    hf_strbuf_putc(out, digits[0]);
    if (nd > 1) {
        hf_strbuf_putc(out, '.');
        hf_strbuf_append(out, digits + 1, nd - 1);
    }
    hf_strbuf_printf(out, "E%ld", adjusted);
}

/* NaN and infinities are not JSON numbers: Jackson writes them as strings. */
static bool put_non_finite(double d, struct hf_strbuf *out)
{
    if (isnan(d))
        hf_strbuf_puts(out, "\"NaN\"");
    else if (isinf(d))
        hf_strbuf_puts(out, d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    else
        return false;
    return true;
}

void hf_json_put_value(const struct hf_json_codec *c, const struct hf_type *t,
                       const struct hf_value *v, struct hf_strbuf *out)
{
    if (v->null) {
        hf_strbuf_append(out, "null", 4);
        return;
    }
    char buf[64];
    size_t n;
    switch (t->id) {
    case HF_BOOLEAN:
        hf_strbuf_puts(out, v->v.b ? "true" : "false");
        break;
    case HF_TINYINT:
    case HF_SMALLINT:
    case HF_INT:
    case HF_BIGINT:
        hf_strbuf_printf(out, "%" PRId64, v->v.i);
        break;
    case HF_FLOAT:
        if (!put_non_finite(v->v.f4, out)) {
            n = hf_float_to_text(v->v.f4, buf, sizeof buf);
            hf_strbuf_append(out, buf, n);
        }
        break;
    case HF_DOUBLE:
        if (!put_non_finite(v->v.f8, out)) {
            n = hf_double_to_text(v->v.f8, buf, sizeof buf);
            hf_strbuf_append(out, buf, n);
        }
        break;
    case HF_DECIMAL:
        put_decimal(v->v.d, t->scale, c->cfg.decimal_plain, out);
        break;
    case HF_CHAR:
    case HF_VARCHAR:
        hf_json_put_string(out, v->v.s.ptr, v->v.s.len);
        break;
    case HF_JSON:
    case HF_JSONB:
        /* The column holds JSON text: embed it as is. */
        if (v->v.s.len == 0)
            hf_strbuf_append(out, "null", 4);
        else
            hf_strbuf_append(out, v->v.s.ptr, v->v.s.len);
        break;
    case HF_BYTES:
        hf_strbuf_putc(out, '"');
        hf_base64_encode(v->v.s.ptr, v->v.s.len, out);
        hf_strbuf_putc(out, '"');
        break;
    case HF_DATE:
        n = hf_date_format(v->v.i, buf, sizeof buf);
        hf_strbuf_putc(out, '"');
        hf_strbuf_append(out, buf, n);
        hf_strbuf_putc(out, '"');
        break;
    case HF_TIME:
        n = hf_time_format(v->v.i, -1, buf, sizeof buf);
        hf_strbuf_putc(out, '"');
        hf_strbuf_append(out, buf, n);
        hf_strbuf_putc(out, '"');
        break;
    case HF_TIMESTAMP:
    case HF_TIMESTAMP_LTZ:
        n = hf_timestamp_format(v->v.i, -1,
                                c->cfg.ts == HF_JSON_TS_ISO8601 ? 'T' : ' ',
                                buf, sizeof buf);
        hf_strbuf_putc(out, '"');
        hf_strbuf_append(out, buf, n);
        if (t->id == HF_TIMESTAMP_LTZ)
            hf_strbuf_putc(out, 'Z');
        hf_strbuf_putc(out, '"');
        break;
    case HF_ARRAY: {
        struct hf_type et = hf_format_elem_type(t);
        const struct hf_array *a = v->v.a;
        hf_strbuf_putc(out, '[');
        for (uint32_t i = 0; a && i < a->n; i++) {
            if (i > 0)
                hf_strbuf_putc(out, ',');
            hf_json_put_value(c, &et, &a->items[i], out);
        }
        hf_strbuf_putc(out, ']');
        break;
    }
    default:
        hf_strbuf_append(out, "null", 4);
    }
}

void hf_json_put_row(const struct hf_json_codec *c, const struct hf_value *row,
                     struct hf_strbuf *out)
{
    hf_strbuf_putc(out, '{');
    bool first = true;
    for (uint32_t i = 0; i < c->nfields; i++) {
        const struct hf_json_field *f = &c->fields[i];
        const struct hf_value *v = &row[f->col];
        if (v->null && c->cfg.ignore_null_fields)
            continue;
        if (!first)
            hf_strbuf_putc(out, ',');
        first = false;
        hf_json_put_string(out, f->name, strlen(f->name));
        hf_strbuf_putc(out, ':');
        hf_json_put_value(c, &f->type, v, out);
    }
    hf_strbuf_putc(out, '}');
}
