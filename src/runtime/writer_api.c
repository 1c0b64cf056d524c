/*
 * writer_api.c - the public writer (holoflow.h: hf_writer_*).
 *
 * A writer is a one-table job without a source: the column list and the
 * options become a CREATE TABLE statement that goes through the same
 * planner as a script (so every option, alias, validation rule and type
 * is exactly what a job gets), and rows are fed to the connector's sink
 * callbacks in batches. Values arrive as text and are parsed with the
 * column's type (hf_value_from_text), into a batch whose arena holds them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/log.h"
#include "core/valueconv.h"
#include "holoflow.h"
#include "runtime/plan.h"
#include "sql/planner.h"

#define WRITER_BATCH_ROWS 1024

struct hf_writer {
    struct hf_job *job;
    const struct hf_table_def *t;
    struct hf_table_stats stats;
    struct hf_run_ctx ctx;
    atomic_int stopping;
    void *state;
    struct hf_batch *batch;
    uint64_t nput;
};

/* Append 'text' as a SQL string literal ('' doubles a quote). */
static void put_literal(struct hf_strbuf *sb, const char *s, size_t n)
{
    hf_strbuf_putc(sb, '\'');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\'')
            hf_strbuf_putc(sb, '\'');
        hf_strbuf_putc(sb, s[i]);
    }
    hf_strbuf_putc(sb, '\'');
}

static hf_writer_t *fail_new(hf_writer_t *w, const struct hf_error *err,
                             char *errstr, size_t errstr_size)
{
    struct hf_error e = *err;
    hf_scrub(e.msg, sizeof e.msg);
    hf_error_export(&e, NULL, errstr, errstr_size);
    if (w) {
        hf_batch_destroy(w->batch);
        hf_job_free(w->job);
        free(w);
    }
    return NULL;
}

hf_writer_t *hf_writer_new(const char *columns, const char *const *options,
                           size_t noptions, char *errstr, size_t errstr_size)
{
    struct hf_error err;
    hf_error_clear(&err);
    struct hf_strbuf sql;
    hf_strbuf_init(&sql, 0);
    hf_strbuf_printf(&sql, "CREATE TABLE `hf_writer` (%s) WITH (", columns);
    bool has_connector = false;
    for (size_t i = 0; i < noptions; i++) {
        const char *eq = strchr(options[i], '=');
        if (eq == NULL) {
            hf_strbuf_free(&sql);
            hf_error_set(&err, HF_ERR_OPTION,
                         "writer option %zu is not key=value", i + 1);
            return fail_new(NULL, &err, errstr, errstr_size);
        }
        size_t klen = (size_t)(eq - options[i]);
        if ((klen == 9 && strncasecmp(options[i], "connector", 9) == 0) ||
            (klen == 14 && strncasecmp(options[i], "connector.type", 14) == 0))
            has_connector = true;
        if (i)
            hf_strbuf_puts(&sql, ", ");
        put_literal(&sql, options[i], klen);
        hf_strbuf_puts(&sql, " = ");
        put_literal(&sql, eq + 1, strlen(eq + 1));
    }
    if (!has_connector)
        hf_strbuf_printf(&sql, "%s'connector' = 'hologres'",
                         noptions ? ", " : "");
    hf_strbuf_puts(&sql, ");\n");
    if (!hf_strbuf_ok(&sql)) {
        hf_strbuf_free(&sql);
        hf_error_set(&err, HF_ERR_NOMEM, "out of memory");
        return fail_new(NULL, &err, errstr, errstr_size);
    }

    hf_writer_t *w = calloc(1, sizeof *w);
    if (w == NULL) {
        hf_strbuf_free(&sql);
        hf_error_set(&err, HF_ERR_NOMEM, "out of memory");
        return fail_new(NULL, &err, errstr, errstr_size);
    }
    int rc = hf_sql_plan_text("writer", sql.data, NULL, 0, &w->job, &err);
    hf_strbuf_free(&sql);
    if (rc != 0)
        return fail_new(w, &err, errstr, errstr_size);
    w->t = w->job->tables[0];
    const struct hf_connector *c = w->t->connector;
    if (!(c->caps & HF_CONN_SINK) || c->sink_open == NULL) {
        hf_error_set(&err, HF_ERR_USAGE, "connector '%s' is not a sink",
                     c->name);
        return fail_new(w, &err, errstr, errstr_size);
    }
    if (hf_sql_check_sink_formats(w->t, &err) != 0)
        return fail_new(w, &err, errstr, errstr_size);
    w->batch = hf_batch_new(w->t->schema.ncols, WRITER_BATCH_ROWS);
    if (w->batch == NULL) {
        hf_error_set(&err, HF_ERR_NOMEM, "out of memory");
        return fail_new(w, &err, errstr, errstr_size);
    }
    w->batch->src_name = "hf_writer_put";
    w->ctx.stats = &w->stats;
    w->ctx.batch_rows = WRITER_BATCH_ROWS;
    w->ctx.stopping = &w->stopping;
    if (c->sink_open(w->t, &w->ctx, &w->state, &err) != 0)
        return fail_new(w, &err, errstr, errstr_size);
    return w;
}

static hf_err_t export(struct hf_error *err, char *errstr, size_t errstr_size)
{
    hf_scrub(err->msg, sizeof err->msg);
    hf_error_export(err, NULL, errstr, errstr_size);
    return err->code;
}

static int write_batch(hf_writer_t *w, struct hf_error *err)
{
    if (w->batch->nrows == 0)
        return 0;
    atomic_fetch_add(&w->stats.rows_in, w->batch->nrows);
    int rc = w->t->connector->sink_write(w->state, w->batch, err);
    hf_batch_reset(w->batch);
    return rc;
}

hf_err_t hf_writer_put(hf_writer_t *w, hf_rowkind_t kind,
                       const char *const *values, char *errstr,
                       size_t errstr_size)
{
    struct hf_error err;
    hf_error_clear(&err);
    if ((unsigned)kind > HF_ROWKIND_DELETE) {
        hf_error_set(&err, HF_ERR_USAGE, "invalid row kind %d", (int)kind);
        return export(&err, errstr, errstr_size);
    }
    const struct hf_schema *s = &w->t->schema;
    struct hf_value *row = hf_batch_add_row(w->batch, (enum hf_rowkind)kind,
                                            (int64_t)++w->nput);
    if (row == NULL) {
        hf_error_set(&err, HF_ERR_NOMEM, "out of memory");
        return export(&err, errstr, errstr_size);
    }
    for (uint32_t c = 0; c < s->ncols; c++) {
        if (values[c] == NULL)
            continue;
        if (hf_value_from_text(&s->cols[c].type, values[c], strlen(values[c]),
                               ';', w->batch, &row[c], &err) != 0) {
            hf_batch_drop_last(w->batch);
            hf_error_prefix(&err, "row %" PRIu64 ", column '%s': ", w->nput,
                            s->cols[c].name);
            err.code = HF_ERR_DATA;
            return export(&err, errstr, errstr_size);
        }
    }
    if (hf_batch_full(w->batch) && write_batch(w, &err) != 0)
        return export(&err, errstr, errstr_size);
    return HF_OK;
}

hf_err_t hf_writer_flush(hf_writer_t *w, char *errstr, size_t errstr_size)
{
    struct hf_error err;
    hf_error_clear(&err);
    if (write_batch(w, &err) != 0 ||
        (w->t->connector->sink_flush &&
         w->t->connector->sink_flush(w->state, &err) != 0))
        return export(&err, errstr, errstr_size);
    return HF_OK;
}

void hf_writer_counters(const hf_writer_t *w, uint64_t *written,
                        uint64_t *dirty)
{
    if (written)
        *written = atomic_load(&w->stats.rows_out);
    if (dirty)
        *dirty = atomic_load(&w->stats.dirty);
}

hf_err_t hf_writer_close(hf_writer_t *w, char *errstr, size_t errstr_size)
{
    if (w == NULL)
        return HF_OK;
    hf_err_t rc = hf_writer_flush(w, errstr, errstr_size);
    if (w->t->connector->sink_close)
        w->t->connector->sink_close(w->state);
    hf_batch_destroy(w->batch);
    hf_job_free(w->job);
    free(w);
    return rc;
}
