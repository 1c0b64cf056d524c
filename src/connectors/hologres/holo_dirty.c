/*
 * holo_dirty.c - rows the server (or the client-side checks) refuse.
 *
 * With sink.insert.dirty-data-strategy = EXCEPTION (the default) the job
 * fails with the row's key, its source position and the reason. With SKIP
 * the row is counted in the summary, logged, and appended as one JSON line
 * to the file named by sink.dirty-data.path:
 *   {"table":"public.t","source":"orders.json:17","kind":"+I",
 *    "row":{"id":"5","price":"1e40"},"reason":"numeric field overflow ..."}
 * Nothing is dropped without a trace. The table, source and reason pass
 * through the secret scrubber (the row's values are data, kept as they
 * are). Strings in the line are valid UTF-8 (bytes that are not become U+FFFD). holo_describe_misfits()
 * names the columns of a refused row whose values are too long, too
 * wide or not UTF-8, for the server errors that name no column;
 * holo_dirty_entry() adds them to the reason of a buffered entry the
 * server refused (both write paths).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/hologres/holo_writer_int.h"
#include "core/log.h"
#include "core/valueconv.h"

/* Length of the well-formed UTF-8 sequence at s[0..n) (no overlong
 * forms, surrogates or code points over U+10FFFF), or 0 when s[0] does
 * not start one. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (len > n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t k = 2; k < len; k++)
        if ((s[k] & 0xC0) != 0x80)
            return 0;
    return len;
}

/* A JSON string. Bytes that are not UTF-8 become U+FFFD, so the line
 * stays valid JSON (the reason names the bad byte). */
static void json_str(struct hf_strbuf *out, const char *s, size_t n)
{
    hf_strbuf_putc(out, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            size_t len = utf8_seq((const unsigned char *)s + i, n - i);
            if (len == 0) {
                hf_strbuf_puts(out, "\\ufffd");
            } else {
                hf_strbuf_append(out, s + i, len);
                i += len - 1;
            }
        } else if (c == '"' || c == '\\') {
            hf_strbuf_putc(out, '\\');
            hf_strbuf_putc(out, (char)c);
        } else if (c < 0x20) {
            hf_strbuf_printf(out, "\\u%04x", c);
        } else {
            hf_strbuf_putc(out, (char)c);
        }
    }
    hf_strbuf_putc(out, '"');
}

/* json_str() of a message or name (not of row data): registered secrets
 * masked, as everywhere a message goes. */
static void json_str_scrubbed(struct hf_strbuf *out, const char *s)
{
    char *clean = hf_scrub_dup(s);
    if (clean == NULL) {
        hf_strbuf_puts(out, "\"(out of memory)\"");
        return;
    }
    json_str(out, clean, strlen(clean));
    free(clean);
}

void holo_describe_key(const struct holo_writer *w, const struct hf_value *row,
                       struct hf_strbuf *out)
{
    hf_strbuf_putc(out, '(');
    for (uint32_t k = 0; k < w->npk; k++) {
        uint32_t c = w->pk[k];
        hf_strbuf_printf(out, "%s%s=", k ? ", " : "", w->schema->cols[c].name);
        if (row[c].null)
            hf_strbuf_puts(out, "NULL");
        else
            hf_value_to_text(&w->schema->cols[c].type, &row[c], out);
    }
    hf_strbuf_putc(out, ')');
}

/* Whether the decimal text `t` ("-12.345") needs more than `intdigits`
 * digits before the point once rounded to `scale` places. Texts in other
 * shapes (exponents, NaN) return false: nothing is claimed. */
static bool numeric_too_wide(const char *t, int intdigits, int scale)
{
    if (*t == '-' || *t == '+')
        t++;
    while (*t == '0' && t[1] >= '0' && t[1] <= '9')
        t++;
    const char *dot = strchr(t, '.');
    size_t nint = dot ? (size_t)(dot - t) : strlen(t);
    for (const char *q = t; *q; q++)
        if ((*q < '0' || *q > '9') && q != dot)
            return false;
    if (nint == 1 && t[0] == '0')
        nint = 0;
    if ((int)nint > intdigits)
        return true;
    if ((int)nint < intdigits || dot == NULL ||
        strlen(dot + 1) <= (size_t)scale)
        return false;
    /* As many integer digits as allowed: rounding up can add one, when
     * every kept digit is 9 and the first dropped one is 5 or more. */
    if (dot[1 + scale] < '5')
        return false;
    for (const char *q = t; q < dot + 1 + scale; q++)
        if (q != dot && *q != '9')
            return false;
    return true;
}

void holo_describe_misfits(const struct holo_writer *w,
                           const struct hf_value *row, struct hf_strbuf *out)
{
    struct hf_strbuf v;
    hf_strbuf_init(&v, 0);
    for (uint32_t i = 0; i < w->ncols; i++) {
        uint32_t c = w->cols[i];
        const struct holo_column *mc = &w->meta.cols[w->map[c]];
        const struct hf_type *t = &w->schema->cols[c].type;
        if (row[c].null)
            continue;
        if (t->id == HF_VARCHAR || t->id == HF_CHAR || t->id == HF_JSON ||
            t->id == HF_JSONB) {
            const unsigned char *p = (const unsigned char *)row[c].v.s.ptr;
            size_t n = row[c].v.s.len, k = 0, len;
            while (k < n && (len = utf8_seq(p + k, n - k)) > 0)
                k += len;
            if (k < n)
                hf_strbuf_printf(out,
                                 "; column '%s' is not valid UTF-8 (byte "
                                 "0x%02x at offset %zu)",
                                 w->schema->cols[c].name, p[k], k);
        }
        if (mc->typmod < 4)
            continue;
        int32_t mod = mc->typmod - 4;
        if ((mc->type_oid == 1043 || mc->type_oid == 1042) &&
            (t->id == HF_VARCHAR || t->id == HF_CHAR)) {
            /* Excess trailing spaces are cut without an error. */
            uint32_t len = row[c].v.s.len, nchars = 0;
            while (len > 0 && row[c].v.s.ptr[len - 1] == ' ')
                len--;
            for (uint32_t k = 0; k < len; k++)
                if (((unsigned char)row[c].v.s.ptr[k] & 0xC0) != 0x80)
                    nchars++;
            if (nchars > (uint32_t)mod)
                hf_strbuf_printf(out,
                                 "; column '%s' has %u characters, more than "
                                 "its type %s holds",
                                 w->schema->cols[c].name, nchars,
                                 mc->type_text);
        } else if (mc->type_oid == 1700 && t->id >= HF_TINYINT &&
                   t->id <= HF_DECIMAL) {
            int prec = (mod >> 16) & 0xFFFF, scale = mod & 0xFFFF;
            if (scale > prec)
                continue; /* PostgreSQL 15's negative or large scales */
            hf_strbuf_reset(&v);
            hf_value_to_text(t, &row[c], &v);
            if (hf_strbuf_ok(&v) && v.data &&
                numeric_too_wide(v.data, prec - scale, scale))
                hf_strbuf_printf(out,
                                 "; column '%s' value %s does not fit its "
                                 "type %s",
                                 w->schema->cols[c].name, v.data,
                                 mc->type_text);
        }
    }
    hf_strbuf_free(&v);
}

int holo_dirty_row(struct holo_writer *w, const struct hf_value *row,
                   enum hf_rowkind kind, int64_t origin, const char *src_name,
                   const char *reason, struct hf_error *err)
{
    struct hf_strbuf key;
    hf_strbuf_init(&key, 0);
    if (w->npk)
        holo_describe_key(w, row, &key);
    char where[512] = "";
    if (src_name && origin >= 0)
        snprintf(where, sizeof where, " from %s:%" PRId64, src_name, origin);

    if (w->cfg->dirty_strategy == HOLO_DIRTY_EXCEPTION) {
        hf_error_set(err, HF_ERR_DATA,
                     "table \"%s\".\"%s\": %s row%s%s%s cannot be written: %s "
                     "(set 'sink.insert.dirty-data-strategy'='SKIP' to record "
                     "such rows and go on)",
                     w->meta.schema, w->meta.table, hf_rowkind_short(kind),
                     w->npk ? " with key " : "", key.data ? key.data : "",
                     where, reason);
        hf_strbuf_free(&key);
        return -1;
    }

    atomic_fetch_add(&w->stats->dirty, 1);
    hf_log_warn("table \"%s\".\"%s\": skipped dirty %s row%s%s%s: %s",
                w->meta.schema, w->meta.table, hf_rowkind_short(kind),
                w->npk ? " with key " : "", key.data ? key.data : "", where,
                reason);
    hf_strbuf_free(&key);
    char budget_where[700];
    snprintf(budget_where, sizeof budget_where, "table \"%s\".\"%s\"%s: %s",
             w->meta.schema, w->meta.table, where, reason);
    if (w->dirty == NULL)
        return hf_dirty_budget_add(w->stats, budget_where, err);

    struct hf_strbuf line;
    hf_strbuf_init(&line, 0);
    hf_strbuf_puts(&line, "{\"table\":");
    char tname[512];
    snprintf(tname, sizeof tname, "%s.%s", w->meta.schema, w->meta.table);
    json_str_scrubbed(&line, tname);
    hf_strbuf_puts(&line, ",\"source\":");
    char src[600];
    if (src_name)
        snprintf(src, sizeof src, "%s:%" PRId64, src_name, origin);
    else
        snprintf(src, sizeof src, "%" PRId64, origin);
    json_str_scrubbed(&line, src);
    hf_strbuf_printf(&line, ",\"kind\":\"%s\",\"row\":{",
                     hf_rowkind_short(kind));
    struct hf_strbuf v;
    hf_strbuf_init(&v, 0);
    for (uint32_t c = 0; c < w->schema->ncols; c++) {
        if (c)
            hf_strbuf_putc(&line, ',');
        json_str(&line, w->schema->cols[c].name,
                 strlen(w->schema->cols[c].name));
        hf_strbuf_putc(&line, ':');
        if (row[c].null) {
            hf_strbuf_puts(&line, "null");
            continue;
        }
        hf_strbuf_reset(&v);
        hf_value_to_text(&w->schema->cols[c].type, &row[c], &v);
        json_str(&line, v.data ? v.data : "", v.len);
    }
    hf_strbuf_free(&v);
    hf_strbuf_puts(&line, "},\"reason\":");
    json_str_scrubbed(&line, reason);
    hf_strbuf_puts(&line, "}\n");
    int rc = 0;
    pthread_mutex_lock(&w->dirty_lock);
    if (!hf_strbuf_ok(&line) ||
        fwrite(line.data, 1, line.len, w->dirty) != line.len ||
        fflush(w->dirty) != 0)
        rc = hf_error_set(err, HF_ERR_IO,
                          "cannot write the dirty-data file '%s'",
                          w->cfg->dirty_data_path);
    pthread_mutex_unlock(&w->dirty_lock);
    hf_strbuf_free(&line);
    if (rc == 0)
        rc = hf_dirty_budget_add(w->stats, budget_where, err);
    return rc;
}

int holo_dirty_entry(struct holo_writer *w, const struct holo_entry *en,
                     const char *reason, struct hf_error *err)
{
    /* The server names no column for overflow or an over-long value:
     * find the values that do not fit. */
    struct hf_strbuf why, mis;
    hf_strbuf_init(&why, 0);
    hf_strbuf_init(&mis, 0);
    if (!strstr(reason, ", column \""))
        holo_describe_misfits(w, en->vals, &mis);
    size_t len = strlen(reason);
    if (mis.len > 0 && len > 0 && reason[len - 1] == '.')
        len--; /* "...less than 10^3; column 'a' ..." */
    hf_strbuf_append(&why, reason, len);
    hf_strbuf_append(&why, mis.data, mis.len);
    int rc = holo_dirty_row(
        w, en->vals, (enum hf_rowkind)en->kind, en->origin, en->src_name,
        hf_strbuf_ok(&why) && why.data ? why.data : reason, err);
    hf_strbuf_free(&why);
    hf_strbuf_free(&mis);
    return rc;
}
