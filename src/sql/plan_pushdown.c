/*
 * plan_pushdown.c - what the planner hands a source so it can read less:
 * the columns the job uses, the filter conjuncts the source takes over,
 * and a row limit (connector.h, struct hf_scan_hints).
 *
 * Runs once over the finished graph (hf_plan_pushdown). For each source
 * node whose connector prunes (source_prunes) and whose consumers are all
 * calc nodes: `used` marks the columns any consumer's projections or
 * remaining filter read (every column when the table has computed,
 * metadata or PROCTIME columns or a watermark, which may read others).
 * With exactly one consumer, the conjuncts of that calc's filter the
 * connector accepts (source_pushable) move into the hints and out of the
 * calc's filter; the rest stay in the calc, so a conjunct the source
 * cannot take is still applied. When no filter is left and the calc (or
 * the source itself) feeds a LIMIT operator alone, the source is told
 * that LIMIT + OFFSET rows are enough.
 */
#include <stdlib.h>
#include <string.h>

#include "ops/calc.h"
#include "ops/limit.h"
#include "ops/op.h"
#include "runtime/graph.h"
#include "sql/bind.h"
#include "sql/expr_int.h"
#include "sql/planner_int.h"

static void mark_columns(const struct hf_expr *e, bool *used, uint32_t n)
{
    if (e == NULL)
        return;
    if (e->op == HF_X_COLUMN && e->column < n)
        used[e->column] = true;
    for (uint32_t i = 0; i < e->nargs; i++)
        mark_columns(e->args[i], used, n);
}

/* Split a filter into its conjuncts, taking the AND shells apart (they
 * are freed; the leaves are moved to out). A conjunct keeps a row only
 * when TRUE, so IS TRUE over an AND is an AND of conjuncts too. */
static int split_and(struct hf_expr *e, struct hf_expr ***out, uint32_t *n,
                     uint32_t *cap)
{
    if (e->op == HF_X_AND ||
        (e->op == HF_X_IS_TRUE && !e->negated && e->args[0]->op == HF_X_AND)) {
        for (uint32_t i = 0; i < e->nargs; i++) {
            struct hf_expr *c = e->args[i];
            e->args[i] = NULL;
            if (split_and(c, out, n, cap) != 0) {
                hf_expr_free(c);
                hf_expr_free(e);
                return -1;
            }
        }
        hf_expr_free(e);
        return 0;
    }
    if (*n == *cap) {
        uint32_t nc = *cap ? *cap * 2 : 8;
        struct hf_expr **x = realloc(*out, nc * sizeof *x);
        if (x == NULL) {
            hf_expr_free(e);
            return -1;
        }
        *out = x;
        *cap = nc;
    }
    (*out)[(*n)++] = e;
    return 0;
}

static bool needs_all_columns(const struct hf_table_def *t)
{
    if (t->watermark != NULL)
        return true;
    for (uint32_t i = 0; i < t->schema.ncols; i++)
        if (t->schema.cols[i].kind != HF_COL_PHYSICAL)
            return true;
    return false;
}

/* The single consumer of node id, or NULL. */
static struct hf_node *only_consumer(struct hf_graph *g, uint32_t id)
{
    if (hf_graph_consumers(g, id) != 1)
        return NULL;
    for (uint32_t i = 0; i < g->nnodes; i++)
        for (uint32_t k = 0; k < g->nodes[i].ninputs; k++)
            if (g->nodes[i].inputs[k] == id)
                return &g->nodes[i];
    return NULL;
}

/* Move the pushable conjuncts of calc c's filter into h. */
static int push_filter(const struct hf_table_def *t, struct hf_calc_spec *c,
                       struct hf_scan_hints *h, struct hf_error *err)
{
    if (c->filter == NULL || t->connector->source_pushable == NULL)
        return 0;
    struct hf_expr **conj = NULL;
    uint32_t n = 0, cap = 0;
    struct hf_expr *f = c->filter;
    c->filter = NULL;
    if (split_and(f, &conj, &n, &cap) != 0)
        goto oom;
    struct hf_expr **pushed = calloc(n ? n : 1, sizeof *pushed);
    if (pushed == NULL)
        goto oom;
    uint32_t np = 0;
    struct hf_expr *rest = NULL;
    for (uint32_t i = 0; i < n; i++) {
        if (t->connector->source_pushable(t, conj[i])) {
            pushed[np++] = conj[i];
            continue;
        }
        rest = rest ? hf_expr_and_then(rest, conj[i]) : conj[i];
        if (rest == NULL) {
            for (uint32_t k = i + 1; k < n; k++)
                hf_expr_free(conj[k]);
            for (uint32_t k = 0; k < np; k++)
                hf_expr_free(pushed[k]);
            free(pushed);
            free(conj);
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        }
    }
    free(conj);
    c->filter = rest;
    if (np == 0) {
        free(pushed);
        return 0;
    }
    h->filters = pushed;
    h->nfilters = np;
    return 0;
oom:
    for (uint32_t k = 0; k < n; k++)
        hf_expr_free(conj[k]);
    free(conj);
    return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
}

/* LIMIT + OFFSET when node `from` (whose rows are exactly the source's)
 * feeds a LIMIT alone, else -1. */
static int64_t limit_after(struct hf_graph *g, uint32_t from)
{
    struct hf_node *c = only_consumer(g, from);
    if (c == NULL || c->kind != HF_NODE_OP || c->op != &hf_op_limit)
        return -1;
    const struct hf_limit_spec *ls = c->spec;
    if (ls->limit == INT64_MAX || ls->limit < 0 || ls->offset < 0 ||
        ls->offset > INT64_MAX - ls->limit)
        return -1;
    return ls->limit + ls->offset;
}

static int push_source(struct hf_graph *g, uint32_t s, struct hf_scan_hints *h,
                       struct hf_error *err)
{
    struct hf_node *src = &g->nodes[s];
    const struct hf_table_def *t = src->table;
    uint32_t ncols = src->schema->ncols;
    uint32_t nconsumers = hf_graph_consumers(g, s);
    bool all_calc = nconsumers > 0;
    for (uint32_t i = s + 1; i < g->nnodes && all_calc; i++)
        for (uint32_t k = 0; k < g->nodes[i].ninputs; k++)
            if (g->nodes[i].inputs[k] == s &&
                (g->nodes[i].kind != HF_NODE_OP ||
                 g->nodes[i].op != &hf_op_calc))
                all_calc = false;
    if (!all_calc) {
        if (nconsumers == 1)
            h->limit = limit_after(g, s);
        return 0;
    }
    struct hf_node *only = nconsumers == 1 ? only_consumer(g, s) : NULL;
    if (only != NULL &&
        push_filter(t, (struct hf_calc_spec *)only->spec, h, err) != 0)
        return -1;
    if (only != NULL && ((struct hf_calc_spec *)only->spec)->filter == NULL)
        h->limit = limit_after(g, only->id);
    if (needs_all_columns(t))
        return 0;
    bool *used = calloc(ncols ? ncols : 1, sizeof *used);
    if (used == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    for (uint32_t i = s + 1; i < g->nnodes; i++)
        for (uint32_t k = 0; k < g->nodes[i].ninputs; k++) {
            if (g->nodes[i].inputs[k] != s)
                continue;
            const struct hf_calc_spec *c = g->nodes[i].spec;
            mark_columns(c->filter, used, ncols);
            for (uint32_t j = 0; j < c->nproj; j++)
                mark_columns(c->proj[j], used, ncols);
        }
    bool all = true;
    for (uint32_t i = 0; i < ncols; i++)
        all = all && used[i];
    if (all)
        free(used);
    else
        h->used = used;
    return 0;
}

int hf_plan_pushdown(struct hf_graph *g, struct hf_error *err)
{
    for (uint32_t s = 0; s < g->nnodes; s++) {
        struct hf_node *src = &g->nodes[s];
        if (src->kind != HF_NODE_SOURCE || src->table == NULL ||
            !src->table->connector->source_prunes)
            continue;
        struct hf_scan_hints *h = calloc(1, sizeof *h);
        if (h == NULL)
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        h->limit = -1;
        if (push_source(g, s, h, err) != 0) {
            hf_scan_hints_free(h);
            return -1;
        }
        if (h->used == NULL && h->nfilters == 0 && h->limit < 0)
            hf_scan_hints_free(h);
        else
            g->nodes[s].scan = h;
    }
    return 0;
}
