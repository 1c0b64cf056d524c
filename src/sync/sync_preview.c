/*
 * sync_preview.c - `holoflow sync --preview`: the first rows of a sync,
 * mapped to the writer's columns, printed as a table; nothing is written.
 *
 * The rows come from the sync's own SQL job (sync_sql.c) with `LIMIT N`
 * added to its INSERT ... SELECT, planned by the same planner and run by
 * the same runtime as the sync: the bounded source, its filter, the
 * mapping's CASTs and constants are exactly the sync's. Only the sink
 * changes: after planning, the sink table's connector is replaced by a
 * collecting sink (below) that keeps the rows as text, so the target is
 * never opened. The table is printed after the job ends: a header of the
 * writer's column names, a rule, one line per row, columns padded to
 * their widest value (NULL as "NULL").
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/connector.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "core/valueconv.h"
#include "holoflow.h"
#include "runtime/graph.h"
#include "runtime/plan.h"
#include "sql/planner.h"
#include "sync/sync_int.h"

/* ------------------------------------------------------------ collector */

struct collect {
    pthread_mutex_t lock;
    const struct hf_schema *schema;
    size_t max, n;   /* rows wanted, kept */
    uint32_t ncols;  /* physical columns */
    char **cells;    /* n * ncols strings */
    struct hf_job *job; /* stopped once the rows are in */
};

static int collect_open(const struct hf_table_def *t,
                        const struct hf_run_ctx *ctx, void **state,
                        struct hf_error *err)
{
    (void)ctx;
    (void)err;
    *state = t->priv;
    return 0;
}

static int collect_write(void *state, const struct hf_batch *in,
                         struct hf_error *err)
{
    struct collect *c = state;
    const struct hf_schema *sc = c->schema;
    int rc = 0;
    pthread_mutex_lock(&c->lock);
    for (uint32_t r = 0; r < in->nrows && c->n < c->max && rc == 0; r++) {
        const struct hf_value *row = hf_batch_row(in, r);
        uint32_t k = 0;
        for (uint32_t col = 0; col < sc->ncols && col < in->ncols; col++) {
            if (sc->cols[col].kind != HF_COL_PHYSICAL)
                continue;
            struct hf_strbuf b;
            hf_strbuf_init(&b, 0);
            if (row[col].null)
                hf_strbuf_puts(&b, "NULL");
            else
                hf_value_to_text(&sc->cols[col].type, &row[col], &b);
            if (!hf_strbuf_ok(&b)) {
                hf_strbuf_free(&b);
                rc = hf_error_set(err, HF_ERR_NOMEM, "out of memory");
                break;
            }
            /* one line per row: line breaks and tabs shown escaped */
            struct hf_strbuf e;
            hf_strbuf_init(&e, 0);
            for (size_t i = 0; i < b.len; i++) {
                char ch = b.data[i];
                if (ch == '\n')
                    hf_strbuf_puts(&e, "\\n");
                else if (ch == '\r')
                    hf_strbuf_puts(&e, "\\r");
                else if (ch == '\t')
                    hf_strbuf_puts(&e, "\\t");
                else
                    hf_strbuf_putc(&e, ch);
            }
            hf_strbuf_free(&b);
            if (!hf_strbuf_ok(&e) || e.data == NULL) {
                free(e.data);
                e.data = strdup("");
            }
            c->cells[c->n * c->ncols + k++] = e.data;
        }
        c->n++;
    }
    /* enough: the sources stop (a clean stop, as at their end) */
    if (c->n >= c->max && c->job != NULL)
        hf_job_stop(c->job);
    pthread_mutex_unlock(&c->lock);
    return rc;
}

static int collect_flush(void *state, struct hf_error *err)
{
    (void)state;
    (void)err;
    return 0;
}

static void collect_close(void *state)
{
    (void)state; /* owned by hf_sync_preview */
}

static bool collect_changelog(const struct hf_table_def *t)
{
    (void)t;
    return true;
}

static const struct hf_connector collect_connector = {
    .name = "sync-preview",
    .summary = "holoflow sync --preview: collects the first rows",
    .caps = HF_CONN_SINK,
    .accepts_changelog = collect_changelog,
    .sink_open = collect_open,
    .sink_write = collect_write,
    .sink_flush = collect_flush,
    .sink_close = collect_close,
};

/* ------------------------------------------------------------ printing */

/* Display width of a UTF-8 string: code points (no wide-glyph tables). */
static size_t width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

static void pad(FILE *f, size_t n)
{
    while (n--)
        fputc(' ', f);
}

static void print_table(const struct collect *c, FILE *f)
{
    const struct hf_schema *sc = c->schema;
    const char **names = calloc(c->ncols ? c->ncols : 1, sizeof *names);
    size_t *w = calloc(c->ncols ? c->ncols : 1, sizeof *w);
    if (names == NULL || w == NULL) {
        free(names);
        free(w);
        return;
    }
    uint32_t k = 0;
    for (uint32_t i = 0; i < sc->ncols; i++)
        if (sc->cols[i].kind == HF_COL_PHYSICAL && k < c->ncols)
            names[k++] = sc->cols[i].name;
    for (uint32_t j = 0; j < c->ncols; j++) {
        w[j] = width(names[j]);
        for (size_t r = 0; r < c->n; r++) {
            const char *cell = c->cells[r * c->ncols + j];
            size_t cw = cell ? width(cell) : 0;
            if (cw > w[j])
                w[j] = cw;
        }
    }
    for (uint32_t j = 0; j < c->ncols; j++) {
        fputs(j ? " | " : " ", f);
        fputs(names[j], f);
        if (j + 1 < c->ncols)
            pad(f, w[j] - width(names[j]));
    }
    fputc('\n', f);
    for (uint32_t j = 0; j < c->ncols; j++) {
        fputs(j ? "-+-" : "-", f);
        for (size_t i = 0; i < w[j]; i++)
            fputc('-', f);
    }
    fputc('\n', f);
    for (size_t r = 0; r < c->n; r++) {
        for (uint32_t j = 0; j < c->ncols; j++) {
            const char *cell = c->cells[r * c->ncols + j];
            fputs(j ? " | " : " ", f);
            fputs(cell ? cell : "", f);
            if (j + 1 < c->ncols)
                pad(f, w[j] - (cell ? width(cell) : 0));
        }
        fputc('\n', f);
    }
    fprintf(f, "(%zu row%s)\n", c->n, c->n == 1 ? "" : "s");
    free(names);
    free(w);
}

/* ------------------------------------------------------------ public */

hf_err_t hf_sync_preview(hf_sync_t *s, size_t nrows, void *outp,
                         char *errstr, size_t errstr_size)
{
    FILE *out = outp;
    struct hf_error err;
    hf_error_clear(&err);
    const struct sync_job *j = sync_job_of(s);
    struct hf_job *job = NULL;
    struct collect c;
    memset(&c, 0, sizeof c);
    pthread_mutex_init(&c.lock, NULL);
    hf_err_t rc = HF_OK;
    struct hf_strbuf sql;
    hf_strbuf_init(&sql, 0);

    /* the sync's job, its INSERT ... SELECT limited to N rows */
    const char *text = sync_sql_of(s);
    size_t len = strlen(text);
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' '))
        len--;
    if (len > 0 && text[len - 1] == ';')
        len--;
    hf_strbuf_append(&sql, text, len);
    hf_strbuf_printf(&sql, "\nLIMIT %zu;\n", nrows);
    char limit[64];
    snprintf(limit, sizeof limit, "holoflow.dirty.max-records=%lld",
             (long long)(j->err_record >= 0 ? j->err_record
                         : j->err_pct > 0   ? -1
                                            : 0));
    const char *sets[] = {limit, "holoflow.progress.interval=0"};
    if (!hf_strbuf_ok(&sql)) {
        rc = hf_error_set(&err, HF_ERR_NOMEM, "out of memory");
        goto done;
    }
    if (hf_sql_plan_text(j->path, sql.data, sets, 2, &job, &err) != 0) {
        rc = err.code;
        goto done;
    }

    /* the sink collects instead of writing */
    struct hf_graph *g = &job->graph;
    for (uint32_t i = 0; i < g->nnodes; i++) {
        if (g->nodes[i].kind != HF_NODE_SINK)
            continue;
        struct hf_table_def *t = g->nodes[i].table;
        if (c.schema == NULL) {
            c.schema = &t->schema;
            for (uint32_t k = 0; k < t->schema.ncols; k++)
                c.ncols += t->schema.cols[k].kind == HF_COL_PHYSICAL;
        }
        t->connector = &collect_connector;
        t->priv = &c;
        t->priv_free = NULL;
    }
    if (c.schema == NULL) {
        rc = hf_error_set(&err, HF_ERR_USAGE, "preview: the job has no sink");
        goto done;
    }
    c.max = nrows;
    c.job = job;
    c.cells = calloc(nrows * (c.ncols ? c.ncols : 1), sizeof *c.cells);
    if (c.cells == NULL) {
        rc = hf_error_set(&err, HF_ERR_NOMEM, "out of memory");
        goto done;
    }
    char runerr[HF_ERRMSG_MAX];
    rc = hf_job_run(job, 1, runerr, sizeof runerr);
    if (rc != HF_OK) {
        hf_error_set(&err, rc, "%s", runerr);
        goto done;
    }
    print_table(&c, out);
    fflush(out);
done:
    if (job) { /* the sink tables' priv is ours */
        for (uint32_t i = 0; i < job->graph.nnodes; i++)
            if (job->graph.nodes[i].kind == HF_NODE_SINK)
                job->graph.nodes[i].table->priv = NULL;
    }
    hf_job_free(job);
    if (c.cells)
        for (size_t i = 0; i < c.n * c.ncols; i++)
            free(c.cells[i]);
    free(c.cells);
    pthread_mutex_destroy(&c.lock);
    hf_strbuf_free(&sql);
    if (rc != HF_OK) {
        hf_scrub(err.msg, sizeof err.msg);
        hf_error_export(&err, NULL, errstr, errstr_size);
    }
    return rc;
}
