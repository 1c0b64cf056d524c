/*
 * holo_dirty.c - rows the server (or the client-side checks) refuse.
 *
 * With sink.insert.dirty-data-strategy = EXCEPTION (the default) the job
 * fails with the row's key, its source position and the reason. With SKIP
 * the row is counted in the summary, logged, and appended as one JSON line
 * to the file named by sink.dirty-data.path:
 *   {"table":"public.t","source":"orders.json:17","kind":"+I",
 *    "row":{"id":"5","price":"1e40"},"reason":"numeric field overflow ..."}
 * Nothing is dropped without a trace.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "connectors/hologres/holo_writer_int.h"
#include "core/log.h"
#include "core/valueconv.h"

static void json_str(struct hf_strbuf *out, const char *s, size_t n)
{
    hf_strbuf_putc(out, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
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
    if (w->dirty == NULL)
        return 0;

    struct hf_strbuf line;
    hf_strbuf_init(&line, 0);
    hf_strbuf_puts(&line, "{\"table\":");
    char tname[512];
    snprintf(tname, sizeof tname, "%s.%s", w->meta.schema, w->meta.table);
    json_str(&line, tname, strlen(tname));
    hf_strbuf_puts(&line, ",\"source\":");
    char src[600];
    if (src_name)
        snprintf(src, sizeof src, "%s:%" PRId64, src_name, origin);
    else
        snprintf(src, sizeof src, "%" PRId64, origin);
    json_str(&line, src, strlen(src));
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
    json_str(&line, reason, strlen(reason));
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
    return rc;
}
