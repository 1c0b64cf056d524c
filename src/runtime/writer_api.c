/*
 * writer_api.c - the public writer (holoflow.h: hf_writer_*).
 *
 * A writer is a one-table job without a source: the column list and the
 * options become a CREATE TABLE statement that goes through the same
 * planner as a script (so every option, alias, validation rule and type
 * is exactly what a job gets), and rows are fed to the connector's sink
 * callbacks in batches. Values arrive as text and are parsed with the
 * column's type (hf_value_from_text), into a batch whose arena holds them;
 * writer_columns.c adds them column by column from typed vectors instead.
 *
 * A writer opened with HF_WRITER_BOUNDED runs as a batch job's sink (write
 * mode AUTO resolves as for a bounded job; a bulk load commits at the
 * flush). hf_writer_stop() sets the run's stop flag, which the sink reads
 * before committing a bulk load. hf_writer_describe_target() plans the
 * same statement and asks the sink for the target table's columns, so an
 * embedding program (the Python module) can choose column types that fit
 * the table; hf_option_canonical() resolves an option's spellings.
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
#include "runtime/writer_int.h"
#include "sql/planner.h"

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
                             hf_err_t *errp, char *errstr, size_t errstr_size)
{
    if (errp)
        *errp = err->code ? err->code : HF_ERR_FAIL;
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

/* Plan "CREATE TABLE hf_writer (columns) WITH (options)" (connector
 * hologres unless the options name one) into *job: every option rule is
 * checked, nothing connects. 0, or -1 with err. */
int hf_api_plan_table(const char *src, const char *name, const char *columns,
                      const char *const *options, size_t noptions,
                      struct hf_job **job, struct hf_error *err)
{
    struct hf_strbuf sql;
    hf_strbuf_init(&sql, 0);
    hf_strbuf_printf(&sql, "CREATE TABLE `%s` (%s) WITH (", name, columns);
    bool has_connector = false;
    for (size_t i = 0; i < noptions; i++) {
        const char *eq = strchr(options[i], '=');
        if (eq == NULL) {
            hf_strbuf_free(&sql);
            return hf_error_set(err, HF_ERR_OPTION,
                                "writer option %zu is not key=value", i + 1);
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
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    int rc = hf_sql_plan_text(src, sql.data, NULL, 0, job, err);
    hf_strbuf_free(&sql);
    return rc;
}

static int plan_writer_job(const char *columns, const char *const *options,
                           size_t noptions, struct hf_job **job,
                           struct hf_error *err)
{
    if (hf_api_plan_table("writer", "hf_writer", columns, options, noptions, job, err) !=
        0)
        return -1;
    const struct hf_table_def *t = (*job)->tables[0];
    const struct hf_connector *c = t->connector;
    if (!(c->caps & HF_CONN_SINK) || c->sink_open == NULL)
        return hf_error_set(err, HF_ERR_USAGE, "connector '%s' is not a sink",
                            c->name);
    return hf_sql_check_sink_formats(t, err);
}

hf_writer_t *hf_writer_new(const char *columns, const char *const *options,
                           size_t noptions, char *errstr, size_t errstr_size)
{
    return hf_writer_open(columns, options, noptions, 0, NULL, errstr,
                          errstr_size);
}

hf_writer_t *hf_writer_open(const char *columns, const char *const *options,
                            size_t noptions, unsigned flags, hf_err_t *errp,
                            char *errstr, size_t errstr_size)
{
    struct hf_error err;
    hf_error_clear(&err);
    if (flags & ~HF_WRITER_BOUNDED) {
        hf_error_set(&err, HF_ERR_USAGE, "hf_writer_open: unknown flags 0x%x",
                     flags & ~HF_WRITER_BOUNDED);
        return fail_new(NULL, &err, errp, errstr, errstr_size);
    }
    hf_writer_t *w = calloc(1, sizeof *w);
    if (w == NULL) {
        hf_error_set(&err, HF_ERR_NOMEM, "out of memory");
        return fail_new(NULL, &err, errp, errstr, errstr_size);
    }
    w->flags = flags;
    if (plan_writer_job(columns, options, noptions, &w->job, &err) != 0)
        return fail_new(w, &err, errp, errstr, errstr_size);
    w->t = w->job->tables[0];
    const struct hf_connector *c = w->t->connector;
    w->batch = hf_batch_new(w->t->schema.ncols, HF_WRITER_BATCH_ROWS);
    if (w->batch == NULL) {
        hf_error_set(&err, HF_ERR_NOMEM, "out of memory");
        return fail_new(w, &err, errp, errstr, errstr_size);
    }
    w->batch->src_name = "hf_writer_put";
    w->ctx.stats = &w->stats;
    w->ctx.batch_rows = HF_WRITER_BATCH_ROWS;
    w->ctx.stopping = &w->stopping;
    w->ctx.batch_mode = (flags & HF_WRITER_BOUNDED) != 0;
    if (c->sink_open(w->t, &w->ctx, &w->state, &err) != 0)
        return fail_new(w, &err, errp, errstr, errstr_size);
    return w;
}

hf_err_t hf_writer_export(struct hf_error *err, char *errstr,
                          size_t errstr_size)
{
    hf_scrub(err->msg, sizeof err->msg);
    hf_error_export(err, NULL, errstr, errstr_size);
    return err->code;
}

int hf_writer_write_batch(hf_writer_t *w, struct hf_error *err)
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
        return hf_writer_export(&err, errstr, errstr_size);
    }
    const struct hf_schema *s = &w->t->schema;
    struct hf_value *row = hf_batch_add_row(w->batch, (enum hf_rowkind)kind,
                                            (int64_t)++w->nput);
    if (row == NULL) {
        hf_error_set(&err, HF_ERR_NOMEM, "out of memory");
        return hf_writer_export(&err, errstr, errstr_size);
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
            return hf_writer_export(&err, errstr, errstr_size);
        }
    }
    if (hf_batch_full(w->batch) && hf_writer_write_batch(w, &err) != 0)
        return hf_writer_export(&err, errstr, errstr_size);
    return HF_OK;
}

hf_err_t hf_writer_flush(hf_writer_t *w, char *errstr, size_t errstr_size)
{
    struct hf_error err;
    hf_error_clear(&err);
    if (hf_writer_write_batch(w, &err) != 0 ||
        (w->t->connector->sink_flush &&
         w->t->connector->sink_flush(w->state, &err) != 0))
        return hf_writer_export(&err, errstr, errstr_size);
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

void hf_writer_stop(hf_writer_t *w)
{
    if (w)
        atomic_store(&w->stopping, 1);
}

void hf_writer_abort(hf_writer_t *w)
{
    if (w == NULL)
        return;
    /* The stop flag first: a bulk load the sink finishes while closing
     * rolls back rather than commits. */
    atomic_store(&w->stopping, 1);
    if (w->t->connector->sink_close)
        w->t->connector->sink_close(w->state);
    hf_batch_destroy(w->batch);
    hf_job_free(w->job);
    free(w);
}

/* ------------------------------------------------------------ the target */

hf_err_t hf_writer_describe_target(const char *columns,
                                   const char *const *options, size_t noptions,
                                   hf_column_info_t **cols, size_t *ncols,
                                   char *errstr, size_t errstr_size)
{
    struct hf_error err;
    hf_error_clear(&err);
    struct hf_job *job = NULL;
    *cols = NULL;
    *ncols = 0;
    if (plan_writer_job(columns, options, noptions, &job, &err) == 0) {
        const struct hf_table_def *t = job->tables[0];
        if (t->connector->sink_describe_target == NULL)
            hf_error_set(&err, HF_ERR_UNSUPPORTED,
                         "connector '%s' cannot describe its target table",
                         t->connector->name);
        else
            t->connector->sink_describe_target(t, cols, ncols, &err);
    }
    hf_job_free(job);
    if (hf_error_is_set(&err))
        return hf_writer_export(&err, errstr, errstr_size);
    return HF_OK;
}

void hf_column_info_free(hf_column_info_t *cols, size_t ncols)
{
    if (cols == NULL)
        return;
    for (size_t i = 0; i < ncols; i++) {
        free(cols[i].name);
        free(cols[i].type);
        free(cols[i].pg_type);
    }
    free(cols);
}

/* ------------------------------------------------------------ options */

static bool key_in(const char *key, const char *const *list)
{
    for (size_t i = 0; list && list[i]; i++)
        if (strcasecmp(key, list[i]) == 0)
            return true;
    return false;
}

hf_err_t hf_option_canonical(const char *connector, const char *key, char *buf,
                             size_t size)
{
    if (size)
        buf[0] = '\0';
    const struct hf_connector *c = hf_connector_find(connector);
    if (c == NULL)
        return HF_ERR_USAGE;
    for (size_t i = 0; i < c->nopts; i++) {
        const struct hf_opt_def *d = &c->opts[i];
        if (d->flags & (HF_OPTF_PREFIX | HF_OPTF_PATTERN | HF_OPTF_PAIRS))
            continue;
        bool match = strcasecmp(key, d->key) == 0 || key_in(key, d->aliases);
        for (const struct hf_opt_gen *g = d->gens; !match && g && g->gen; g++)
            match = key_in(key, g->keys);
        if (match) {
            snprintf(buf, size, "%s", d->key);
            return HF_OK;
        }
    }
    return HF_ERR_OPTION;
}
