/*
 * plan_agg.c - planning aggregation: GROUP BY (columns and expressions),
 * aggregate calls (ops/aggfn.h, with DISTINCT and FILTER (WHERE ...)),
 * HAVING, global aggregation, streaming SELECT DISTINCT, and what an
 * updating result means for the INSERT that writes it.
 *
 * A SELECT that aggregates becomes three pieces:
 *   1. a calc over the FROM relation (its filters and WHERE) computing the
 *      group key expressions, then per call its argument and its FILTER
 *      condition, as plain columns;
 *   2. a group aggregate node (ops/group_agg.c) over it: output = the key
 *      columns, then one column per distinct call;
 *   3. a relation over that node whose columns are the SELECT items and
 *      whose filter is HAVING, each rewritten: a subexpression equal to a
 *      GROUP BY expression reads the key column, an aggregate call reads
 *      its result column. A column left over is neither grouped nor
 *      aggregated: refused at its place, as Flink ("Expression 'x' is not
 *      being grouped").
 *
 * Changelog (flink-stateful-sql.md §1.2, §1.8). In streaming mode the
 * result updates; its upsert key is the GROUP BY columns. An aggregate
 * whose input updates keeps a hidden COUNT(*) and makes its input's
 * aggregate emit -U, as does a filter over it (HAVING, an outer WHERE).
 * The INSERT decides the last aggregate's -U: a sink that takes only
 * inserts refuses the query (Flink's message: "doesn't support consuming
 * update changes which is produced by node GroupAggregate(...)"); an
 * upsert sink (hologres, jdbc or upsert-kafka with a PRIMARY KEY) whose
 * key is exactly the upsert key gets +U only; a key that strictly
 * contains the upsert key gets -U too (the sink deletes on it, as Flink's
 * upsert sinks do); any other key gets Flink's SinkUpsertMaterializer in
 * front of the sink (ops/upsert_materialize.c, matching rows on the
 * upsert key when the sink's columns hold it), which
 * table.exec.sink.upsert-materialize steers as Flink does: AUTO (the
 * default) as just said, FORCE for every key, NONE never (the changes go
 * to the sink as they come). Every other sink that takes updates (print,
 * blackhole, a kafka changelog format) is a retract sink: it gets -U and
 * never a materializer (FLINK-38201).
 * In batch mode the result is final rows, insert-only.
 *
 * Memory: ASTs made by the rewrite live in the planner's arena; the
 * aggregate's spec and output schema belong to the graph.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/strbuf.h"
#include "ops/group_agg.h"
#include "runtime/plan.h"
#include "sql/ast_eq.h"
#include "sql/expr.h"
#include "sql/plan_rank.h"
#include "sql/plan_rel.h"

#define err_at hf_plan_err_at
#define oom hf_plan_oom

static bool is_agg_call(const struct hf_ast_expr *a)
{
    return a && a->kind == HF_AST_FUNC && a->text && hf_aggfn_is_name(a->text);
}

static bool contains_agg(const struct hf_ast_expr *a)
{
    if (a == NULL)
        return false;
    if (is_agg_call(a))
        return true;
    for (uint32_t i = 0; i < a->nargs; i++)
        if (contains_agg(a->args[i]))
            return true;
    return false;
}

/* The first aggregate call in a, or NULL. */
static const struct hf_ast_expr *first_agg(const struct hf_ast_expr *a)
{
    if (a == NULL || is_agg_call(a))
        return a;
    for (uint32_t i = 0; i < a->nargs; i++) {
        const struct hf_ast_expr *f = first_agg(a->args[i]);
        if (f)
            return f;
    }
    return NULL;
}

bool hf_plan_agg_query(const struct hf_ast_query *q)
{
    if (q->kind != HF_QUERY_SELECT)
        return false;
    if (q->has_group || q->having)
        return true;
    for (uint32_t i = 0; i < q->nitems; i++)
        if (contains_agg(q->items[i].expr))
            return true;
    return false;
}

/* Structural equality of two expressions as written (a column's table
 * qualifier is ignored: one FROM). */
static bool ast_eq(const struct hf_ast_expr *a, const struct hf_ast_expr *b)
{
    return hf_ast_eq(a, b);
}

/* ------------------------------------------------------------ state */

struct aggp {
    struct planner *p;
    const struct hf_ast_query *q;
    /* GROUP BY expressions (deduplicated) and their output names */
    const struct hf_ast_expr **keys;
    const char **knames;
    uint32_t nkeys;
    /* distinct aggregate calls */
    const struct hf_ast_expr **calls;
    uint32_t ncalls, callcap;
    const struct hf_schema *post; /* the aggregate's output */
};

static int add_call(struct aggp *a, const struct hf_ast_expr *e)
{
    for (uint32_t i = 0; i < a->ncalls; i++)
        if (ast_eq(a->calls[i], e))
            return 0;
    if (a->ncalls == a->callcap) {
        uint32_t nc = a->callcap ? a->callcap * 2 : 8;
        const struct hf_ast_expr **n =
            hf_plan_aalloc(a->p, nc * sizeof *n);
        if (n == NULL)
            return -1;
        if (a->ncalls)
            memcpy(n, a->calls, a->ncalls * sizeof *n);
        a->calls = n;
        a->callcap = nc;
    }
    a->calls[a->ncalls++] = e;
    return 0;
}

/* Collect the aggregate calls of e (none nested in another). */
static int collect(struct aggp *a, const struct hf_ast_expr *e, bool inside)
{
    if (e == NULL)
        return 0;
    if (is_agg_call(e)) {
        if (inside)
            return err_at(a->p, HF_ERR_SQL, e->line, e->col,
                          "aggregate function %s cannot be inside another "
                          "aggregate function",
                          e->text);
        for (uint32_t i = 0; i < e->nargs; i++)
            if (collect(a, e->args[i], true) != 0)
                return -1;
        if (collect(a, e->filter, true) != 0)
            return -1;
        return add_call(a, e);
    }
    for (uint32_t i = 0; i < e->nargs; i++)
        if (collect(a, e->args[i], inside) != 0)
            return -1;
    return 0;
}

static struct hf_ast_expr *col_ref(struct planner *p,
                                   const struct hf_ast_expr *at,
                                   const char *name)
{
    struct hf_ast_expr *c = hf_plan_aalloc(p, sizeof *c);
    if (c == NULL)
        return NULL;
    c->kind = HF_AST_COLUMN;
    c->line = at->line;
    c->col = at->col;
    c->off = at->off;
    c->end = at->end;
    c->text = name;
    c->depth = 1;
    return c;
}

/* e with grouped expressions and aggregate calls replaced by references
 * to the aggregate's output columns. */
static struct hf_ast_expr *rewrite(struct aggp *a, const struct hf_ast_expr *e)
{
    if (e == NULL)
        return NULL;
    for (uint32_t i = 0; i < a->nkeys; i++)
        if (ast_eq(a->keys[i], e))
            return col_ref(a->p, e, a->knames[i]);
    if (is_agg_call(e)) {
        for (uint32_t i = 0; i < a->ncalls; i++)
            if (ast_eq(a->calls[i], e))
                return col_ref(a->p, e, a->post->cols[a->nkeys + i].name);
    }
    struct hf_ast_expr *c = hf_plan_aalloc(a->p, sizeof *c);
    if (c == NULL)
        return NULL;
    *c = *e;
    if (e->nargs) {
        c->args = hf_plan_aalloc(a->p, e->nargs * sizeof *c->args);
        if (c->args == NULL)
            return NULL;
        for (uint32_t i = 0; i < e->nargs; i++)
            if ((c->args[i] = rewrite(a, e->args[i])) == NULL)
                return NULL;
    }
    return c;
}

/* A column still read after the rewrite is neither grouped nor inside an
 * aggregate call. */
static int check_grouped(struct aggp *a, const struct hf_ast_expr *e)
{
    if (e == NULL)
        return 0;
    if (e->kind == HF_AST_COLUMN &&
        hf_schema_find(a->post, e->text) < 0) {
        const struct hf_sql_src *src = &a->p->src;
        int len = (int)(e->end > e->off ? e->end - e->off : 0);
        const char *txt = src->text && e->end <= src->len
                              ? src->text + e->off
                              : e->text;
        if (txt == e->text)
            len = (int)strlen(e->text);
        return err_at(a->p, HF_ERR_SQL, e->line, e->col,
                      "Expression '%.*s' is not being grouped: a column of "
                      "an aggregating query must be in GROUP BY or inside "
                      "an aggregate function",
                      len, txt);
    }
    for (uint32_t i = 0; i < e->nargs; i++)
        if (check_grouped(a, e->args[i]) != 0)
            return -1;
    return 0;
}

/* The text of e as written. */
static void put_text(struct planner *p, const struct hf_ast_expr *e,
                     struct hf_strbuf *b)
{
    if (p->src.text && e->end > e->off && e->end <= p->src.len)
        hf_strbuf_append(b, p->src.text + e->off, e->end - e->off);
    else if (e->text)
        hf_strbuf_puts(b, e->text);
}

/* ------------------------------------------------------------ options */

/* A job option's value when the job option table has the key (another
 * branch may add it), else `def`. */
static const struct hf_opt_val *job_opt(struct planner *p, const char *key)
{
    for (size_t i = 0; i < hf_job_opt_ndefs; i++)
        if (strcmp(hf_job_opt_defs[i].key, key) == 0)
            return hf_opts_get(&p->job->settings, key, NULL);
    return NULL;
}

static int64_t job_int(struct planner *p, const char *key, int64_t def)
{
    const struct hf_opt_val *v = job_opt(p, key);
    return v ? v->v.i : def;
}

/* TTL and mini-batch settings into s; -1 when mini-batch is on without
 * its latency or size. */
static int settings(struct planner *p, struct hf_group_agg_spec *s, int line,
                    int col)
{
    s->ttl_ms = job_int(p, "table.exec.state.ttl", 0);
    const struct hf_opt_val *en = job_opt(p, "table.exec.mini-batch.enabled");
    if (en == NULL || !en->v.b || p->batch_mode)
        return 0;
    s->minibatch = true;
    s->mb_latency_ms = job_int(p, "table.exec.mini-batch.allow-latency", 0);
    s->mb_size = job_int(p, "table.exec.mini-batch.size", -1);
    if (s->mb_latency_ms <= 0 || s->mb_size <= 0)
        return err_at(p, HF_ERR_OPTION, line, col,
                      "table.exec.mini-batch.enabled is true: "
                      "table.exec.mini-batch.allow-latency and "
                      "table.exec.mini-batch.size must both be set above 0 "
                      "(as Flink requires)");
    return 0;
}

/* ------------------------------------------------------------ the node */

static struct rupd *new_upd(struct planner *p, uint32_t node,
                            struct hf_group_agg_spec *spec, const char *text)
{
    struct rupd *u = hf_plan_aalloc(p, sizeof *u);
    if (u == NULL)
        return NULL;
    u->agg_node = node;
    u->agg = spec;
    u->nkeys = spec->nkeys;
    u->node_text = text;
    return u;
}

void hf_plan_agg_force_ub(const struct rupd *u)
{
    if (u->rank) { /* a ranking (plan_rank.c) */
        hf_plan_rank_ub(u->rank, true);
        return;
    }
    u->agg->update_before = true;
    u->agg->ub_forced = true;
}

/* Add the aggregate node for spec over pre's node; out schema os (owned
 * from here). */
static int add_node(struct planner *p, struct rel *pre,
                    struct hf_group_agg_spec *spec, struct hf_schema *os,
                    uint32_t *id)
{
    struct hf_node *nd = hf_graph_add(p->g, HF_NODE_OP, &pre->node, 1);
    if (nd == NULL) {
        hf_group_agg_spec_free(spec);
        hf_schema_free(os);
        free(os);
        return oom(p);
    }
    nd->op = &hf_op_group_agg;
    nd->spec = spec;
    nd->own_schema = os;
    nd->schema = os;
    *id = nd->id;
    return 0;
}

static bool nested_type(enum hf_type_id id)
{
    return id == HF_ARRAY || id == HF_ROW || id == HF_MAP ||
           id == HF_MULTISET;
}

/* Bind e in s for its type; -1 with the error. */
static int type_of(struct planner *p, const struct scope *s,
                   const struct hf_ast_expr *e, struct hf_type *t, bool *nul)
{
    struct hf_expr *x = hf_expr_bind(&s->bs, e, p->err);
    if (x == NULL)
        return -1;
    *t = *hf_expr_type(x);
    if (nul)
        *nul = hf_expr_is_untyped_null(x);
    hf_expr_free(x);
    return 0;
}

int hf_plan_agg(struct planner *p, const struct hf_ast_query *q,
                struct rel *in, struct scope *s, const char *table,
                struct rel **out)
{
    /* GROUP BY TUMBLE(ts, ...): over a window TVF (plan_window.c). */
    if (hf_plan_window_legacy(p, &q, &in, &s, table) != 0)
        return -1;
    struct aggp a = {.p = p, .q = q};
    if (hf_plan_normalize(p, in, true, q->line, q->col) != 0)
        return -1;
    bool retract = in->clog != NULL || in->upd != NULL || in->clog_op;

    /* WHERE joins the input's filters. */
    struct rel *w = hf_plan_new_rel(p, 0);
    if (w == NULL)
        return -1;
    *w = *in;
    w->filters = hf_plan_aalloc(p, (in->nfilters + 1) * sizeof *w->filters);
    if (w->filters == NULL)
        return -1;
    if (in->nfilters)
        memcpy(w->filters, in->filters, in->nfilters * sizeof *w->filters);
    if (q->where) {
        struct hf_type wt;
        bool nl;
        const struct hf_ast_expr *fa = first_agg(q->where);
        if (fa)
            return err_at(p, HF_ERR_SQL, fa->line, fa->col,
                          "aggregate functions are not allowed in WHERE; "
                          "use HAVING");
        if (type_of(p, s, q->where, &wt, &nl) != 0)
            return -1;
        if (wt.id != HF_BOOLEAN || nl)
            return err_at(p, HF_ERR_TYPE, q->where->line, q->where->col,
                          "WHERE needs a BOOLEAN condition");
        w->filters[w->nfilters].ast = q->where;
        w->filters[w->nfilters].scope = s;
        w->nfilters++;
        if (in->upd)
            hf_plan_agg_force_ub(in->upd);
    }

    /* GROUP BY keys. */
    a.keys = hf_plan_aalloc(p, (q->ngroup + 1) * sizeof *a.keys);
    a.knames = hf_plan_aalloc(p, (q->ngroup + 1) * sizeof *a.knames);
    if (a.keys == NULL || a.knames == NULL)
        return -1;
    for (uint32_t i = 0; i < q->ngroup; i++) {
        const struct hf_ast_expr *g = q->group[i];
        const struct hf_ast_expr *fa = first_agg(g);
        if (fa)
            return err_at(p, HF_ERR_SQL, fa->line, fa->col,
                          "aggregate functions are not allowed in GROUP BY");
        if (g->kind == HF_AST_FUNC && g->text &&
            (strcasecmp(g->text, "TUMBLE") == 0 ||
             strcasecmp(g->text, "HOP") == 0 ||
             strcasecmp(g->text, "SESSION") == 0))
            return err_at(p, HF_ERR_UNSUPPORTED, g->line, g->col,
                          "group windows (GROUP BY %s(...)) are not "
                          "supported; use the window TVFs",
                          g->text);
        bool dup = false;
        for (uint32_t j = 0; j < a.nkeys && !dup; j++)
            dup = ast_eq(a.keys[j], g);
        if (dup)
            continue;
        char nb[32];
        const char *name = g->kind == HF_AST_COLUMN ? g->text : NULL;
        for (uint32_t j = 0; name && j < a.nkeys; j++)
            if (strcmp(a.knames[j], name) == 0)
                name = NULL; /* a.k and b.k: distinct names needed */
        if (name == NULL) {
            snprintf(nb, sizeof nb, "$k%u", a.nkeys);
            name = hf_arena_strndup(&p->arena, nb, strlen(nb));
            if (name == NULL)
                return oom(p);
        }
        a.keys[a.nkeys] = g;
        a.knames[a.nkeys++] = name;
    }

    /* GROUP BY window_start, window_end over a window TVF: a window
     * aggregate (plan_window.c), insert-only. */
    uint32_t wsk = 0, wek = 0;
    bool windowed = hf_plan_window_keys(in, a.keys, a.nkeys, &wsk, &wek);
    if (windowed && hf_plan_window_session_keys(p, in, a.keys, a.nkeys, wsk,
                                                wek) != 0)
        return -1;

    /* Aggregate calls of the items and HAVING. */
    for (uint32_t i = 0; i < q->nitems; i++) {
        if (q->items[i].expr == NULL)
            return err_at(p, HF_ERR_UNSUPPORTED, q->items[i].line,
                          q->items[i].col,
                          "SELECT * in an aggregating query is not "
                          "supported; name the grouped columns");
        if (collect(&a, q->items[i].expr, false) != 0)
            return -1;
    }
    if (q->having && collect(&a, q->having, false) != 0)
        return -1;

    /* The calc before the aggregate: keys, then per call its argument and
     * its FILTER condition. */
    uint32_t ncol = a.nkeys;
    struct hf_group_agg_spec *spec = calloc(1, sizeof *spec);
    if (spec == NULL)
        return oom(p);
    spec->aggs = calloc(a.ncalls ? a.ncalls : 1, sizeof *spec->aggs);
    spec->keys = calloc(a.nkeys ? a.nkeys : 1, sizeof *spec->keys);
    if (spec->aggs == NULL || spec->keys == NULL) {
        hf_group_agg_spec_free(spec);
        return oom(p);
    }
    spec->naggs = a.ncalls;
    for (uint32_t i = 0; i < a.ncalls; i++) {
        const struct hf_ast_expr *c = a.calls[i];
        spec->aggs[i].arg = -1;
        spec->aggs[i].filter = -1;
        bool star = c->nargs == 1 && c->args[0]->kind == HF_AST_STAR;
        if (c->nargs >= 1 && !star)
            spec->aggs[i].arg = (int32_t)ncol++;
        if (c->filter)
            spec->aggs[i].filter = (int32_t)ncol++;
    }
    struct rel *pre = hf_plan_new_rel(p, ncol);
    if (pre == NULL) {
        hf_group_agg_spec_free(spec);
        return -1;
    }
    pre->node = w->node;
    pre->base = w->base;
    pre->filters = w->filters;
    pre->nfilters = w->nfilters;
    int rc = 0;
    char why[300], tn[64];
    for (uint32_t i = 0; i < a.nkeys && rc == 0; i++) {
        char nb[32];
        snprintf(nb, sizeof nb, "$k%u", i);
        pre->out->cols[i].name = hf_arena_strndup(&p->arena, nb, strlen(nb));
        pre->cols[i].ast = a.keys[i];
        pre->cols[i].scope = s;
        pre->cols[i].line = a.keys[i]->line;
        pre->cols[i].col = a.keys[i]->col;
        rc = type_of(p, s, a.keys[i], &pre->out->cols[i].type, NULL);
        if (rc == 0 && nested_type(pre->out->cols[i].type.id))
            rc = err_at(p, HF_ERR_UNSUPPORTED, a.keys[i]->line,
                        a.keys[i]->col,
                        "GROUP BY over %s is not supported",
                        hf_type_name(&pre->out->cols[i].type, tn, sizeof tn));
        spec->keys[i] = i;
    }
    for (uint32_t i = 0; i < a.ncalls && rc == 0; i++) {
        const struct hf_ast_expr *c = a.calls[i];
        struct hf_agg_call *ac = &spec->aggs[i];
        enum hf_aggfn_kind kind;
        hf_aggfn_lookup(c->text, &kind);
        bool star = c->nargs == 1 && c->args[0]->kind == HF_AST_STAR;
        uint32_t maxargs = kind == HF_AGG_LISTAGG ? 2 : 1;
        if (c->nargs == 0 || c->nargs > maxargs) {
            rc = err_at(p, HF_ERR_SQL, c->line, c->col,
                        "%s takes %s argument%s", hf_aggfn_name(kind),
                        maxargs == 2 ? "one or two" : "one",
                        maxargs == 2 ? "s" : "");
            break;
        }
        if (star && kind != HF_AGG_COUNT) {
            rc = err_at(p, HF_ERR_SQL, c->line, c->col,
                        "%s(*) is not allowed; only COUNT(*)",
                        hf_aggfn_name(kind));
            break;
        }
        if (star && c->distinct) {
            rc = err_at(p, HF_ERR_SQL, c->line, c->col,
                        "COUNT(DISTINCT *) is not allowed");
            break;
        }
        struct hf_type at = {0};
        if (ac->arg >= 0) {
            uint32_t k = (uint32_t)ac->arg;
            char nb[32];
            snprintf(nb, sizeof nb, "$a%u", i);
            pre->out->cols[k].name =
                hf_arena_strndup(&p->arena, nb, strlen(nb));
            pre->cols[k].ast = c->args[0];
            pre->cols[k].scope = s;
            pre->cols[k].line = c->args[0]->line;
            pre->cols[k].col = c->args[0]->col;
            bool nl = false;
            if ((rc = type_of(p, s, c->args[0], &at, &nl)) != 0)
                break;
            if (nl) {
                rc = err_at(p, HF_ERR_TYPE, c->args[0]->line,
                            c->args[0]->col,
                            "%s over NULL of no type; write CAST(NULL AS "
                            "<type>)",
                            hf_aggfn_name(kind));
                break;
            }
            pre->out->cols[k].type = at;
        }
        if (ac->filter >= 0) {
            uint32_t k = (uint32_t)ac->filter;
            char nb[32];
            snprintf(nb, sizeof nb, "$f%u", i);
            pre->out->cols[k].name =
                hf_arena_strndup(&p->arena, nb, strlen(nb));
            pre->cols[k].ast = c->filter;
            pre->cols[k].scope = s;
            pre->cols[k].line = c->filter->line;
            pre->cols[k].col = c->filter->col;
            bool nl = false;
            if ((rc = type_of(p, s, c->filter, &pre->out->cols[k].type,
                              &nl)) != 0)
                break;
            if (pre->out->cols[k].type.id != HF_BOOLEAN || nl) {
                rc = err_at(p, HF_ERR_TYPE, c->filter->line, c->filter->col,
                            "FILTER (WHERE ...) needs a BOOLEAN condition");
                break;
            }
        }
        if (kind == HF_AGG_COUNT && star)
            kind = HF_AGG_COUNT_STAR;
        if (hf_aggfn_init(&ac->fn, kind, ac->arg >= 0 ? &at : NULL,
                          c->distinct, retract, why, sizeof why) != 0) {
            rc = err_at(p, HF_ERR_TYPE, c->line, c->col, "%s", why);
            break;
        }
        if (kind == HF_AGG_LISTAGG && c->nargs == 2) {
            const struct hf_ast_expr *sep = c->args[1];
            if (sep->kind != HF_AST_STRING ||
                strlen(sep->text) >= sizeof ac->fn.sep) {
                rc = err_at(p, HF_ERR_SQL, sep->line, sep->col,
                            "LISTAGG's separator must be a string literal "
                            "(at most %zu bytes)",
                            sizeof ac->fn.sep - 1);
                break;
            }
            ac->fn.seplen = (uint32_t)strlen(sep->text);
            memcpy(ac->fn.sep, sep->text, ac->fn.seplen);
        }
    }
    for (uint32_t i = 0; i < ncol && rc == 0; i++)
        if (pre->out->cols[i].name == NULL)
            rc = oom(p);
    if (rc == 0)
        rc = hf_plan_rel_node(p, pre, NULL, "the aggregate's input");
    if (rc != 0) {
        hf_group_agg_spec_free(spec);
        return -1;
    }
    spec->nkeys = a.nkeys;
    spec->in = pre->base;
    spec->retract_input = retract;
    spec->update_before = true; /* until the INSERT decides (§1.2) */
    if (settings(p, spec, q->line, q->col) != 0) {
        hf_group_agg_spec_free(spec);
        return -1;
    }

    /* The aggregate's output: keys, then calls. */
    struct hf_schema *post =
        hf_plan_aschema(p, a.nkeys + a.ncalls + (windowed ? 1 : 0));
    if (post && windowed) /* last: window_time, which the items may name */
        post->cols[a.nkeys + a.ncalls] = in->out->cols[in->win->time];
    if (post == NULL) {
        hf_group_agg_spec_free(spec);
        return -1;
    }
    struct hf_strbuf txt;
    hf_strbuf_init(&txt, 1 << 16);
    hf_strbuf_puts(&txt, "groupBy=[");
    for (uint32_t i = 0; i < a.nkeys; i++) {
        post->cols[i].name = (char *)a.knames[i];
        post->cols[i].type = pre->base->cols[i].type;
        hf_strbuf_puts(&txt, i ? ", " : "");
        put_text(p, a.keys[i], &txt);
    }
    hf_strbuf_puts(&txt, "], select=[");
    for (uint32_t i = 0; i < a.nkeys; i++) {
        hf_strbuf_puts(&txt, i ? ", " : "");
        put_text(p, a.keys[i], &txt);
    }
    for (uint32_t i = 0; i < a.ncalls; i++) {
        char nb[32];
        snprintf(nb, sizeof nb, "$agg%u", i);
        post->cols[a.nkeys + i].name =
            hf_arena_strndup(&p->arena, nb, strlen(nb));
        post->cols[a.nkeys + i].type = spec->aggs[i].fn.result;
        struct hf_strbuf ct;
        hf_strbuf_init(&ct, 1 << 16);
        put_text(p, a.calls[i], &ct);
        spec->aggs[i].text = strdup(ct.data ? ct.data : "");
        hf_strbuf_free(&ct);
        hf_strbuf_puts(&txt, a.nkeys + i ? ", " : "");
        hf_strbuf_puts(&txt, spec->aggs[i].text ? spec->aggs[i].text : "");
        if (post->cols[a.nkeys + i].name == NULL ||
            spec->aggs[i].text == NULL)
            rc = oom(p);
    }
    hf_strbuf_puts(&txt, "]");
    spec->groupby_text = strdup(txt.data ? txt.data : "");
    char *ntext = NULL;
    if (txt.data) {
        size_t n = txt.len + 32;
        ntext = hf_plan_aalloc(p, n);
        if (ntext)
            snprintf(ntext, n, "GroupAggregate(%s)", txt.data);
    }
    hf_strbuf_free(&txt);
    if (rc != 0 || spec->groupby_text == NULL || ntext == NULL) {
        hf_group_agg_spec_free(spec);
        return rc ? -1 : oom(p);
    }
    a.post = post;
    struct hf_schema *os = hf_plan_own_schema(p, post);
    if (os == NULL) {
        hf_group_agg_spec_free(spec);
        return -1;
    }
    uint32_t id;
    if (windowed) {
        if (hf_plan_window_agg_node(p, in, pre, spec, wsk, wek, os,
                                    spec->groupby_text, &id) != 0)
            return -1;
        spec = NULL;
    } else if (add_node(p, pre, spec, os, &id) != 0)
        return -1;
    /* An aggregate over updates needs its input's -U (§1.2). */
    if (in->upd)
        hf_plan_agg_force_ub(in->upd);

    /* The items and HAVING over the aggregate's output. */
    struct rel *agg = hf_plan_node_rel(p, id, os, q->line, q->col);
    if (agg == NULL)
        return -1;
    agg->out = post;
    struct scope *s2 = hf_plan_new_scope(p, agg, table, q->from.alias.name);
    struct rel *r = hf_plan_new_rel(p, q->nitems);
    if (s2 == NULL || r == NULL)
        return -1;
    r->node = id;
    r->base = os;
    for (uint32_t i = 0; i < q->nitems; i++) {
        const struct hf_ast_select_item *it = &q->items[i];
        struct hf_ast_expr *e = rewrite(&a, it->expr);
        if (e == NULL)
            return oom(p);
        if (check_grouped(&a, e) != 0 ||
            type_of(p, s2, e, &r->out->cols[i].type, NULL) != 0)
            return -1;
        const char *name = it->alias.name;
        char buf[32];
        if (name == NULL && it->expr->kind == HF_AST_COLUMN)
            name = it->expr->text;
        if (name == NULL) {
            snprintf(buf, sizeof buf, "EXPR$%u", i);
            name = hf_arena_strndup(&p->arena, buf, strlen(buf));
            if (name == NULL)
                return oom(p);
        }
        r->out->cols[i].name = (char *)hf_plan_unique_name(p, r->out, i, name);
        if (r->out->cols[i].name == NULL)
            return -1;
        r->cols[i].ast = e;
        r->cols[i].scope = s2;
        r->cols[i].line = it->line;
        r->cols[i].col = it->col;
    }
    if (q->having) {
        struct hf_ast_expr *h = rewrite(&a, q->having);
        struct hf_type ht;
        bool nl;
        if (h == NULL)
            return oom(p);
        if (check_grouped(&a, h) != 0 || type_of(p, s2, h, &ht, &nl) != 0)
            return -1;
        if (ht.id != HF_BOOLEAN || nl)
            return err_at(p, HF_ERR_TYPE, q->having->line, q->having->col,
                          "HAVING needs a BOOLEAN condition");
        r->filters = hf_plan_aalloc(p, sizeof *r->filters);
        if (r->filters == NULL)
            return -1;
        r->filters[0].ast = h;
        r->filters[0].scope = s2;
        r->nfilters = 1;
        if (spec) {
            spec->update_before = true; /* §1.5: HAVING forces -U */
            spec->ub_forced = true;
        }
    }
    if (!p->batch_mode && spec &&
        (r->upd = new_upd(p, id, spec, ntext)) == NULL)
        return -1;
    *out = r;
    if (q->distinct)
        return hf_plan_agg_distinct(p, r, "SELECT DISTINCT", q->distinct_line,
                                    q->distinct_col);
    return 0;
}

int hf_plan_agg_distinct(struct planner *p, struct rel *r, const char *what,
                         int line, int col)
{
    bool retract = r->clog != NULL || r->upd != NULL || r->clog_op;
    if (r->upd)
        hf_plan_agg_force_ub(r->upd);
    if (hf_plan_rel_node(p, r, NULL, what) != 0)
        return -1;
    uint32_t n = r->base->ncols;
    for (uint32_t i = 0; i < n; i++)
        if (nested_type(r->base->cols[i].type.id)) {
            char tn[64];
            return err_at(p, HF_ERR_UNSUPPORTED, line, col,
                          "%s over a column of type %s is not supported", what,
                          hf_type_name(&r->base->cols[i].type, tn, sizeof tn));
        }
    struct hf_group_agg_spec *spec = calloc(1, sizeof *spec);
    if (spec)
        spec->keys = calloc(n ? n : 1, sizeof *spec->keys);
    if (spec == NULL || spec->keys == NULL) {
        hf_group_agg_spec_free(spec);
        return oom(p);
    }
    spec->nkeys = n;
    for (uint32_t i = 0; i < n; i++)
        spec->keys[i] = i;
    spec->in = r->base;
    spec->retract_input = retract;
    spec->update_before = true;
    if (settings(p, spec, line, col) != 0) {
        hf_group_agg_spec_free(spec);
        return -1;
    }
    struct hf_strbuf txt;
    hf_strbuf_init(&txt, 1 << 16);
    hf_strbuf_puts(&txt, "groupBy=[");
    for (uint32_t i = 0; i < n; i++)
        hf_strbuf_printf(&txt, "%s%s", i ? ", " : "", r->base->cols[i].name);
    hf_strbuf_puts(&txt, "], select=[");
    for (uint32_t i = 0; i < n; i++)
        hf_strbuf_printf(&txt, "%s%s", i ? ", " : "", r->base->cols[i].name);
    hf_strbuf_puts(&txt, "]");
    spec->groupby_text = strdup(txt.data ? txt.data : "");
    size_t tl = txt.len + 32;
    char *ntext = hf_plan_aalloc(p, tl);
    if (ntext)
        snprintf(ntext, tl, "GroupAggregate(%s)", txt.data ? txt.data : "");
    hf_strbuf_free(&txt);
    struct hf_schema *os = hf_plan_own_schema(p, r->base);
    if (spec->groupby_text == NULL || ntext == NULL || os == NULL) {
        hf_group_agg_spec_free(spec);
        if (os) {
            hf_schema_free(os);
            free(os);
        }
        return oom(p);
    }
    uint32_t id;
    if (add_node(p, r, spec, os, &id) != 0)
        return -1;
    r->node = id;
    r->base = os;
    r->clog = NULL;
    r->upd = NULL;
    if (!p->batch_mode && (r->upd = new_upd(p, id, spec, ntext)) == NULL)
        return -1;
    return 0;
}

/* ------------------------------------------------------------ the sink */

/* Which key column of u's aggregate r's column i is (-1: none). */
static int key_of(const struct rupd *u, const struct rel *r, uint32_t i,
                  int depth)
{
    if (depth > 64)
        return -1;
    const struct rcol *c = &r->cols[i];
    if (c->ast == NULL && u->keys) { /* a ranking: its key columns */
        for (uint32_t k = 0; r->node == u->agg_node && k < u->nkeys; k++)
            if (u->keys[k] == c->base)
                return (int)k;
        return -1;
    }
    if (c->ast == NULL)
        return r->node == u->agg_node && c->base < u->nkeys ? (int)c->base
                                                            : -1;
    if (c->ast->kind != HF_AST_COLUMN || c->scope == NULL)
        return -1;
    const struct rel *in = c->scope->in;
    int j = hf_schema_find(in->out, c->ast->text);
    if (j < 0)
        return -1;
    return key_of(u, in, (uint32_t)j, depth + 1);
}

static const char *ENUM_NONE = "NONE";

bool hf_plan_upsert_sink(const struct hf_table_def *sink)
{
    const char *cn = sink->connector->name;
    return sink->schema.npk > 0 &&
           (strcmp(cn, "upsert-kafka") == 0 || strcmp(cn, "hologres") == 0 ||
            strcmp(cn, "jdbc") == 0);
}

int hf_plan_agg_sink(struct planner *p, const struct rel *r,
                     const struct hf_table_def *sink, const uint32_t *targets,
                     const struct hf_ast_insert *ins, bool *mat,
                     uint32_t **ukey, uint32_t *nukey)
{
    const struct rupd *u = r->upd;
    const struct hf_connector *cn = sink->connector;
    *mat = false;
    *ukey = NULL;
    *nukey = 0;
    if (cn->accepts_changelog == NULL || !cn->accepts_changelog(sink))
        return err_at(p, HF_ERR_SQL, ins->target.line, ins->target.col,
                      "Table sink '%s' (connector '%s') doesn't support "
                      "consuming update changes which is produced by node "
                      "%s%s%s",
                      ins->target_full, cn->name, u->node_text,
                      cn->changelog_refusal ? ": " : "",
                      cn->changelog_refusal ? cn->changelog_refusal : "");
    if (!hf_plan_upsert_sink(sink))
        return 0; /* a retract sink: -U as planned, never materialized */
    uint32_t nc = sink->schema.ncols;
    bool inkey[nc ? nc : 1], inpk[nc ? nc : 1];
    memset(inkey, 0, sizeof inkey);
    memset(inpk, 0, sizeof inpk);
    uint32_t found = 0;
    uint32_t where[u->nkeys ? u->nkeys : 1]; /* key k: sink column */
    bool seen[u->nkeys ? u->nkeys : 1];
    memset(seen, 0, sizeof seen);
    for (uint32_t i = 0; i < r->out->ncols; i++) {
        int k = key_of(u, r, i, 0);
        if (k >= 0 && !seen[k]) {
            seen[k] = true;
            where[k] = targets[i];
            found++;
            inkey[targets[i]] = true;
        } else if (k >= 0) {
            inkey[targets[i]] = true;
        }
    }
    for (uint32_t i = 0; i < sink->schema.npk; i++)
        inpk[sink->schema.pk[i]] = true;
    bool complete = !u->no_key &&
                    found == u->nkeys; /* a global aggregate: {} */
    bool subset = complete, equal = complete;
    for (uint32_t c = 0; c < nc; c++) {
        if (inkey[c] && !inpk[c])
            subset = equal = false;
        if (inpk[c] && !inkey[c])
            equal = false;
    }
    /* table.exec.sink.upsert-materialize (flink-stateful-sql.md §1.8):
     * AUTO materializes when the upsert key is not within the primary
     * key, FORCE always (the sink has one), NONE never. */
    const struct hf_opt_val *m =
        job_opt(p, "table.exec.sink.upsert-materialize");
    const char *mode = m && m->text ? m->text : "AUTO";
    *mat = strcasecmp(mode, "FORCE") == 0 ||
           (strcasecmp(mode, ENUM_NONE) != 0 && !subset);
    if (*mat && complete && u->nkeys > 0) {
        if ((*ukey = malloc(u->nkeys * sizeof **ukey)) == NULL)
            return oom(p);
        memcpy(*ukey, where, u->nkeys * sizeof **ukey);
        *nukey = u->nkeys;
    }
    /* The rows' -U: not needed when the key is exactly the upsert key
     * (§1.2, Flink asks for ONLY_UPDATE_AFTER then); else it flows: to
     * the materializer, which retracts the row with it, or to the sink,
     * which deletes on it (a key that strictly contains the upsert key,
     * §1.8; or NONE). */
    if (equal && u->rank)
        hf_plan_rank_ub(u->rank, false); /* +U only, unless forced */
    else if (equal && !u->agg->ub_forced)
        u->agg->update_before = false;
    return 0;
}
