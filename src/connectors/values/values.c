/*
 * values.c - the source of a VALUES clause (INSERT INTO t VALUES (...), a
 * subquery (VALUES ...) AS v(a, b), SELECT without FROM): a bounded table
 * of rows written in the script.
 *
 * The planner makes one such table per VALUES clause (hf_values_table_new)
 * with the values bound as constant expressions, already cast to the
 * column types; the source evaluates them when it is read, row after row,
 * each row with its 1-based position in the clause as its origin, and
 * ends. It is not in the connector registry: no CREATE TABLE can name it.
 *
 * @locality an instance is used by its source's thread only.
 */
#include "connectors/values/values.h"

#include <stdlib.h>
#include <string.h>

#include "sql/expr.h"

static const struct hf_opt_def no_opts[1];

struct values_data {
    struct hf_expr **v; /* nrows * ncols, row-major */
    uint32_t nrows, ncols;
};

struct values_state {
    const struct values_data *d;
    const struct hf_table_def *t;
    struct hf_table_stats *stats;
    uint32_t next;
    uint32_t batch_rows;
};

static void values_free(void *priv)
{
    struct values_data *d = priv;
    if (d == NULL)
        return;
    for (size_t i = 0; i < (size_t)d->nrows * d->ncols; i++)
        hf_expr_free(d->v[i]);
    free(d->v);
    free(d);
}

static bool values_bounded(const struct hf_table_def *t)
{
    (void)t;
    return true;
}

static int values_open(const struct hf_table_def *t,
                       const struct hf_run_ctx *ctx, void **state,
                       struct hf_error *err)
{
    struct values_state *s = calloc(1, sizeof *s);
    if (s == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    s->d = t->priv;
    s->t = t;
    s->stats = ctx ? ctx->stats : NULL;
    s->batch_rows = ctx && ctx->batch_rows ? ctx->batch_rows : 1024;
    *state = s;
    return 0;
}

static int values_read(void *state, struct hf_batch *out, struct hf_error *err)
{
    struct values_state *s = state;
    const struct values_data *d = s->d;
    out->src_name = s->t->name;
    uint32_t n = 0;
    while (s->next < d->nrows && n < s->batch_rows) {
        struct hf_value *row =
            hf_batch_add_row(out, HF_ROW_INSERT, (int64_t)s->next + 1);
        if (row == NULL)
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        struct hf_expr *const *v = d->v + (size_t)s->next * d->ncols;
        for (uint32_t c = 0; c < d->ncols; c++) {
            if (hf_expr_eval(v[c], NULL, out, &row[c], err) != 0) {
                hf_error_prefix(err, "%s, row %u: ", s->t->name, s->next + 1);
                return -1;
            }
        }
        s->next++;
        n++;
    }
    if (s->stats)
        atomic_fetch_add(&s->stats->rows_in, n);
    return s->next < d->nrows ? 1 : 0;
}

static void values_close(void *state)
{
    free(state);
}

const struct hf_connector hf_connector_values = {
    .name = "values",
    .summary = "the rows of a VALUES clause (made by the planner)",
    .opts = no_opts,
    .nopts = 0,
    .caps = HF_CONN_SOURCE,
    .bounded = values_bounded,
    .source_open = values_open,
    .source_read = values_read,
    .source_close = values_close,
};

struct hf_table_def *hf_values_table_new(const char *name,
                                         const struct hf_schema *schema,
                                         struct hf_expr **v, uint32_t nrows,
                                         int line, int col)
{
    struct hf_table_def *t = calloc(1, sizeof *t);
    struct values_data *d = calloc(1, sizeof *d);
    if (t == NULL || d == NULL || (t->name = strdup(name)) == NULL ||
        (t->note = strdup(name)) == NULL ||
        hf_schema_copy(&t->schema, schema) != 0) {
        if (t) {
            free(t->name);
            free(t->note);
        }
        free(t);
        free(d);
        return NULL;
    }
    d->v = v;
    d->nrows = nrows;
    d->ncols = schema->ncols;
    t->connector = &hf_connector_values;
    t->line = line;
    t->col = col;
    t->priv = d;
    t->priv_free = values_free;
    return t;
}
