/*
 * format_util.c - small helpers shared by the formats (see format_int.h).
 *
 * Base64 (RFC 4648) for BYTES values in the JSON and CSV formats: encoding
 * always pads with '='; decoding accepts text with or without the padding
 * (Jackson, which Flink uses, writes padding and reads both) and rejects
 * any character outside the standard alphabet, so a typo in a record is
 * reported instead of silently producing other bytes.
 *
 * Element types of arrays and fraction truncation follow the rules of
 * core/valueconv.c, so a value reads the same from csv, json and a CAST.
 *
 * The bad-input log of the sources (format.h): the first events of a
 * source are warnings that say where, so a user sees what
 * ignore-parse-errors hid; the rest go to debug, and the summary counts
 * them all.
 */
#include "formats/format_int.h"

#include <stdint.h>
#include <string.h>

#include "core/log.h"

/* ------------------------------------------------------------ metadata */

bool hf_format_meta_fits(enum hf_meta_type m, const struct hf_type *t)
{
    switch (m) {
    case HF_META_STRING:
        return t->id == HF_VARCHAR || t->id == HF_CHAR;
    case HF_META_INT:
        return t->id == HF_INT || t->id == HF_BIGINT;
    case HF_META_BIGINT:
        return t->id == HF_BIGINT;
    case HF_META_TIMESTAMP3:
        return t->id == HF_TIMESTAMP_LTZ || t->id == HF_TIMESTAMP;
    case HF_META_STRING_ARRAY:
        return t->id == HF_ARRAY &&
               (t->elem == HF_VARCHAR || t->elem == HF_CHAR);
    default:
        return false;
    }
}

const struct hf_format_meta *hf_format_meta_find(const struct hf_format *f,
                                                 const char *key)
{
    for (const struct hf_format_meta *m = f ? f->meta : NULL; m && m->key; m++)
        if (strcmp(m->key, key) == 0)
            return m;
    return NULL;
}

/* ------------------------------------------------------------ bad input */

uint32_t hf_format_nulled(const struct hf_format *f, void *dec,
                          const char **why)
{
    const struct hf_decode_notes *n =
        f && f->decode_notes && dec ? f->decode_notes(dec) : NULL;
    if (why)
        *why = n && n->nulled ? n->first : "";
    return n ? n->nulled : 0;
}

void hf_bad_input_log(struct hf_bad_input_log *l, const char *table,
                      const char *where, const char *what, const char *why)
{
    if (l->warned >= HF_BAD_INPUT_WARN_MAX) {
        hf_log_debug("table '%s': %s: %s (ignore-parse-errors): %s", table,
                     where, what, why);
        return;
    }
    l->warned++;
    hf_log_warn("table '%s': %s: %s (ignore-parse-errors): %s%s", table, where,
                what, why,
                l->warned == HF_BAD_INPUT_WARN_MAX
                    ? "; further records skipped or fields set to NULL "
                      "are logged at debug level only (the summary "
                      "counts them)"
                    : "");
}

/* ------------------------------------------------------------ types */

struct hf_type hf_format_elem_type(const struct hf_type *t)
{
    struct hf_type e = hf_type_make(t->elem);
    switch (e.id) {
    case HF_DECIMAL:
    case HF_TIME:
    case HF_TIMESTAMP:
    case HF_TIMESTAMP_LTZ:
        if (t->precision != 0) {
            e.precision = t->precision;
            e.scale = t->scale;
        }
        break;
    default:
        break;
    }
    return e;
}

int64_t hf_format_truncate_usec(int64_t usec, int precision)
{
    if (precision >= 6)
        return usec;
    int64_t unit = 1;
    for (int k = precision < 0 ? 0 : precision; k < 6; k++)
        unit *= 10;
    int64_t q = usec / unit;
    if (usec % unit != 0 && usec < 0)
        q--; /* round toward the past, as for positive values */
    return q * unit;
}

/* ------------------------------------------------------------ base64 */

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void hf_base64_encode(const void *p, size_t len, struct hf_strbuf *out)
{
    const unsigned char *s = p;
    char *w = hf_strbuf_reserve(out, (len + 2) / 3 * 4);
    if (w == NULL)
        return;
    size_t o = 0, i = 0;
    for (; i + 3 <= len; i += 3) {
        uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
        w[o++] = b64_alphabet[v >> 18 & 63];
        w[o++] = b64_alphabet[v >> 12 & 63];
        w[o++] = b64_alphabet[v >> 6 & 63];
        w[o++] = b64_alphabet[v & 63];
    }
    if (len - i == 1) {
        uint32_t v = (uint32_t)s[i] << 16;
        w[o++] = b64_alphabet[v >> 18 & 63];
        w[o++] = b64_alphabet[v >> 12 & 63];
        w[o++] = '=';
        w[o++] = '=';
    } else if (len - i == 2) {
        uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8;
        w[o++] = b64_alphabet[v >> 18 & 63];
        w[o++] = b64_alphabet[v >> 12 & 63];
        w[o++] = b64_alphabet[v >> 6 & 63];
        w[o++] = '=';
    }
    hf_strbuf_commit(out, o);
}

static int b64_digit(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

long hf_base64_decode(const char *s, size_t len, unsigned char *dst)
{
    /* Up to two '=' at the end only. */
    size_t n = len;
    for (int k = 0; k < 2 && n > 0 && s[n - 1] == '='; k++)
        n--;
    if (n % 4 == 1)
        return -1;
    if (len != n && len % 4 != 0)
        return -1; /* padding present but the text is not a multiple of 4 */
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int d = b64_digit((unsigned char)s[i]);
        if (d < 0)
            return -1;
        acc = acc << 6 | (uint32_t)d;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            dst[o++] = (unsigned char)(acc >> bits & 0xff);
        }
    }
    return (long)o;
}
