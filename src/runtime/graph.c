/*
 * graph.c - building, querying, explaining and freeing the operator graph
 * (see graph.h).
 */
#include "runtime/graph.h"

#include <stdlib.h>
#include <string.h>

#include "formats/format.h"
#include "ops/op.h"
#include "sql/expr.h"

struct hf_node *hf_graph_add(struct hf_graph *g, enum hf_node_kind kind,
                             const uint32_t *inputs, uint32_t ninputs)
{
    if (g->nnodes == g->cap) {
        uint32_t nc = g->cap ? g->cap * 2 : 8;
        struct hf_node *n = realloc(g->nodes, nc * sizeof *n);
        if (n == NULL)
            return NULL;
        g->nodes = n;
        g->cap = nc;
    }
    uint32_t *in = NULL;
    if (ninputs > 0) {
        in = malloc(ninputs * sizeof *in);
        if (in == NULL)
            return NULL;
        memcpy(in, inputs, ninputs * sizeof *in);
    }
    struct hf_node *n = &g->nodes[g->nnodes];
    memset(n, 0, sizeof *n);
    n->id = g->nnodes++;
    n->kind = kind;
    n->inputs = in;
    n->ninputs = ninputs;
    return n;
}

struct hf_node *hf_graph_find_source(struct hf_graph *g,
                                     const struct hf_table_def *t)
{
    for (uint32_t i = 0; i < g->nnodes; i++)
        if (g->nodes[i].kind == HF_NODE_SOURCE && g->nodes[i].table == t)
            return &g->nodes[i];
    return NULL;
}

uint32_t hf_graph_consumers(const struct hf_graph *g, uint32_t id)
{
    uint32_t n = 0;
    for (uint32_t i = id + 1; i < g->nnodes; i++)
        for (uint32_t k = 0; k < g->nodes[i].ninputs; k++)
            n += g->nodes[i].inputs[k] == id;
    return n;
}

uint32_t hf_graph_sources_of(const struct hf_graph *g, uint32_t id,
                             uint32_t *out)
{
    /* Mark every node upstream of id, walking back in reverse id order
     * (inputs always have smaller ids). */
    bool *up = calloc(g->nnodes ? g->nnodes : 1, sizeof *up);
    if (up == NULL)
        return 0;
    up[id] = true;
    for (uint32_t i = id + 1; i-- > 0;) {
        if (!up[i])
            continue;
        for (uint32_t k = 0; k < g->nodes[i].ninputs; k++)
            up[g->nodes[i].inputs[k]] = true;
    }
    uint32_t n = 0;
    for (uint32_t i = 0; i <= id; i++)
        if (up[i] && g->nodes[i].kind == HF_NODE_SOURCE)
            out[n++] = i;
    free(up);
    return n;
}

uint32_t hf_graph_nsinks(const struct hf_graph *g)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < g->nnodes; i++)
        n += g->nodes[i].kind == HF_NODE_SINK;
    return n;
}

const struct hf_node *hf_graph_sink(const struct hf_graph *g, uint32_t i)
{
    for (uint32_t k = 0; k < g->nnodes; k++)
        if (g->nodes[k].kind == HF_NODE_SINK && i-- == 0)
            return &g->nodes[k];
    return NULL;
}

static void explain_table(const struct hf_table_def *t, struct hf_strbuf *out)
{
    hf_strbuf_printf(out, "%s [%s%s%s]", t->name, t->connector->name,
                     t->format ? ", " : "", t->format ? t->format->name : "");
    if (t->note && strcmp(t->note, t->name) != 0)
        hf_strbuf_printf(out, " (%s)", t->note);
}

void hf_scan_hints_free(struct hf_scan_hints *h)
{
    if (h == NULL)
        return;
    free((bool *)h->used);
    for (uint32_t i = 0; i < h->nfilters; i++)
        hf_expr_free(h->filters[i]);
    free((struct hf_expr **)h->filters);
    free(h);
}

/* " [pushed down: columns a, b; filter (x > 1); limit 10]" */
static void explain_scan(const struct hf_node *n, struct hf_strbuf *out)
{
    const struct hf_scan_hints *h = n->scan;
    if (h == NULL)
        return;
    const char *sep = "";
    hf_strbuf_puts(out, " [pushed down: ");
    if (h->used) {
        hf_strbuf_puts(out, "columns ");
        uint32_t k = 0;
        for (uint32_t i = 0; i < n->schema->ncols; i++)
            if (h->used[i])
                hf_strbuf_printf(out, "%s%s", k++ ? ", " : "",
                                 n->schema->cols[i].name);
        if (k == 0)
            hf_strbuf_puts(out, "none");
        sep = "; ";
    }
    for (uint32_t i = 0; i < h->nfilters; i++) {
        hf_strbuf_printf(out, "%s%s", i ? " AND " : sep, i ? "" : "filter ");
        hf_strbuf_putc(out, '(');
        hf_expr_to_text(h->filters[i], out);
        hf_strbuf_putc(out, ')');
        sep = "; ";
    }
    if (h->limit >= 0)
        hf_strbuf_printf(out, "%slimit %lld", sep, (long long)h->limit);
    hf_strbuf_putc(out, ']');
}

void hf_graph_explain(const struct hf_graph *g, struct hf_strbuf *out)
{
    hf_strbuf_puts(out, "graph:\n");
    for (uint32_t i = 0; i < g->nnodes; i++) {
        const struct hf_node *n = &g->nodes[i];
        hf_strbuf_printf(out, "  n%u ", n->id + 1);
        switch (n->kind) {
        case HF_NODE_SOURCE:
            hf_strbuf_puts(out, "source: ");
            explain_table(n->table, out);
            explain_scan(n, out);
            break;
        case HF_NODE_OP:
            hf_strbuf_printf(out, "%s: ", n->op->name);
            if (n->op->explain)
                n->op->explain(n, out);
            break;
        case HF_NODE_SINK:
            hf_strbuf_puts(out, "sink: ");
            explain_table(n->table, out);
            hf_strbuf_printf(out, " (INSERT at line %d)", n->line);
            break;
        }
        for (uint32_t k = 0; k < n->ninputs; k++)
            hf_strbuf_printf(out, "%sn%u", k ? ", " : " <- ", n->inputs[k] + 1);
        hf_strbuf_putc(out, '\n');
    }
}

void hf_graph_free(struct hf_graph *g)
{
    for (uint32_t i = 0; i < g->nnodes; i++) {
        struct hf_node *n = &g->nodes[i];
        if (n->op && n->op->free_spec)
            n->op->free_spec(n->spec);
        free(n->inputs);
        if (n->own_schema) {
            hf_schema_free(n->own_schema);
            free(n->own_schema);
        }
        free(n->written);
        free(n->value_types);
        hf_scan_hints_free(n->scan);
    }
    free(g->nodes);
    memset(g, 0, sizeof *g);
}
