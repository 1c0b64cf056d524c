/*
 * plan_query.c - queries into graph nodes: SELECT, VALUES, UNION [ALL],
 * WITH, views, subqueries in FROM, OPTIONS hints, DISTINCT and LIMIT; and
 * the INSERT that writes a query into a sink.
 *
 * A query is planned into a relation (struct rel): the rows of one graph
 * node, seen through projections and filters that are not nodes yet. Each
 * output column is either a column of that node or an expression of the
 * script bound in a scope whose names are the columns of the relation
 * below. Binding an expression over a relation composes it: a name that
 * stands for an expression of the relation below binds to that expression
 * (bind.h's resolve), again and again down to the node's own columns. So a
 * SELECT over a view over a subquery over a table with computed columns is
 * one projection and one filter over the table's rows, and the INSERT
 * makes them one calc node in front of its sink: a plain job pays for no
 * extra node. Filters compose in order (an outer condition runs only on
 * rows the inner ones keep, hf_expr_and_then).
 *
 * A relation becomes a node of its own only where one is needed: the
 * branches of a UNION (a calc casting each to the common column types,
 * unless it already has them, then one union node with every branch as an
 * input), DISTINCT and LIMIT (batch mode only: in streaming they need
 * state), and a relation whose projection calls RAND, RAND_INTEGER or UUID
 * (composing would draw a new value at every use). A view, a WITH query or
 * a VALUES clause read twice is planned twice, each time over the same
 * source node: a table read by several queries is one source (Flink's
 * source reuse), and so is a VALUES clause.
 *
 * Names as in Flink (Calcite): a WITH name hides a table or view of the
 * same name, and a WITH query sees only the WITH queries before it; an
 * output column is named by its alias, else by the column it reads, else
 * EXPR$<position>, and a repeated name gets a number (a, a0, a1); VALUES
 * columns are EXPR$0, EXPR$1, ...; a UNION takes its first query's names;
 * a view's or WITH query's column list and a FROM alias's column list
 * rename the columns in order.
 *
 * Memory: relations and scopes live in the planner's arena (their schemas'
 * strings too); nodes own copies of what they keep.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "connectors/values/values.h"
#include "core/log.h"
#include "formats/format.h"
#include "ops/calc.h"
#include "ops/limit.h"
#include "ops/normalize.h"
#include "ops/lookup_join.h"
#include "ops/op.h"
#include "ops/upsert_materialize.h"
#include "sql/bind.h"
#include "sql/expr.h"
#include "sql/plan_over.h"
#include "sql/plan_rank.h"
#include "sql/plan_rel.h"
#include "sql/planner.h"
#include "sql/planner_int.h"

#define err_at hf_plan_err_at
#define oom hf_plan_oom

#define MAX_NESTING 64 /* views and WITH queries inside each other */

/* The relations, scopes and query state: sql/plan_rel.h. */

static int cdc_sink_mat(struct planner *p, const struct rel *r,
                        const struct hf_table_def *sink,
                        const uint32_t *targets, uint32_t **ukey,
                        uint32_t *nukey);
static int sink_normalize(struct planner *p, struct rel *r,
                          const struct hf_table_def *sink,
                          const uint32_t *targets,
                          const struct hf_ast_insert *ins);

static void *aalloc(struct planner *p, size_t size)
{
    void *m = hf_arena_alloc(&p->arena, size ? size : 1);
    if (m == NULL) {
        oom(p);
        return NULL;
    }
    memset(m, 0, size ? size : 1);
    return m;
}

static char *astrdup(struct planner *p, const char *s)
{
    char *d = hf_arena_strndup(&p->arena, s, strlen(s));
    if (d == NULL)
        oom(p);
    return d;
}

/* A schema of n columns in the arena. */
static struct hf_schema *aschema(struct planner *p, uint32_t n)
{
    struct hf_schema *s = aalloc(p, sizeof *s);
    if (s == NULL)
        return NULL;
    s->cols = aalloc(p, n * sizeof *s->cols);
    if (s->cols == NULL)
        return NULL;
    s->ncols = n;
    return s;
}

static struct rel *new_rel(struct planner *p, uint32_t n)
{
    struct rel *r = aalloc(p, sizeof *r);
    if (r == NULL)
        return NULL;
    r->out = aschema(p, n);
    r->cols = aalloc(p, n * sizeof *r->cols);
    if (r->out == NULL || r->cols == NULL)
        return NULL;
    r->rn_col = UINT32_MAX;
    return r;
}

/* A relation that is exactly the rows of node `node` (columns `base`). */
static struct rel *node_rel(struct planner *p, uint32_t node,
                            const struct hf_schema *base, int line, int col)
{
    struct rel *r = new_rel(p, base->ncols);
    if (r == NULL)
        return NULL;
    r->node = node;
    r->base = base;
    for (uint32_t i = 0; i < base->ncols; i++) {
        r->out->cols[i].name = (char *)base->cols[i].name;
        r->out->cols[i].type = base->cols[i].type;
        r->cols[i].base = i;
        r->cols[i].line = line;
        r->cols[i].col = col;
    }
    return r;
}

/* The expression computing column i of r from r's node's rows: a new
 * tree, or NULL with the error set. */
static struct hf_expr *col_expr(struct planner *p, const struct rel *r,
                                uint32_t i)
{
    const struct rcol *c = &r->cols[i];
    if (c->ast)
        return hf_expr_bind(&c->scope->bs, c->ast, p->err);
    struct hf_expr *e = hf_expr_new_column(r->base, c->base);
    if (e == NULL)
        oom(p);
    return e;
}

static struct hf_expr *scope_resolve(void *ctx, uint32_t idx,
                                     const struct hf_ast_expr *at,
                                     struct hf_error *err)
{
    (void)at, (void)err;
    const struct scope *s = ctx;
    return col_expr(s->p, s->in, idx);
}

/* Names over relation `in`: `table` (its name, for messages and t.col),
 * `alias` (FROM ... AS alias, or NULL). */
static struct scope *new_scope(struct planner *p, const struct rel *in,
                               const char *table, const char *alias)
{
    struct scope *s = aalloc(p, sizeof *s);
    if (s == NULL)
        return NULL;
    s->p = p;
    s->in = in;
    s->bs.src = &p->src;
    s->bs.schema = in->out;
    s->bs.table = table;
    s->bs.alias = alias;
    s->bs.tz = p->tz;
    s->bs.resolve = scope_resolve;
    s->bs.resolve_ctx = s;
    return s;
}

/* The relation's filters as one expression (NULL: none); -1 on error. */
static int rel_filter(struct planner *p, const struct rel *r,
                      struct hf_expr **out)
{
    *out = NULL;
    for (uint32_t i = 0; i < r->nfilters; i++) {
        struct hf_expr *e =
            hf_expr_bind(&r->filters[i].scope->bs, r->filters[i].ast, p->err);
        if (e == NULL) {
            hf_expr_free(*out);
            *out = NULL;
            return -1;
        }
        if (*out == NULL) {
            *out = e;
        } else if ((*out = hf_expr_and_then(*out, e)) == NULL) {
            return oom(p);
        }
    }
    return 0;
}

static bool same_type(const struct hf_type *a, const struct hf_type *b)
{
    if (a->id != b->id)
        return false;
    switch (a->id) {
    case HF_DECIMAL:
        return a->precision == b->precision && a->scale == b->scale;
    case HF_CHAR:
    case HF_VARCHAR:
    case HF_BYTES:
        return a->length == b->length;
    case HF_TIME:
    case HF_TIMESTAMP:
    case HF_TIMESTAMP_LTZ:
        return a->precision == b->precision;
    case HF_ARRAY:
        return a->elem == b->elem;
    default:
        return true;
    }
}

/* Does r give its node's rows unchanged (types `to`, when given)? */
static bool rel_identity(const struct rel *r, const struct hf_type *to)
{
    if (r->nfilters || r->out->ncols != r->base->ncols)
        return false;
    for (uint32_t i = 0; i < r->out->ncols; i++) {
        if (r->cols[i].ast || r->cols[i].base != i ||
            r->base->cols[i].kind == HF_COL_PROCTIME ||
            r->base->cols[i].kind == HF_COL_COMPUTED)
            return false;
        if (to && !same_type(&r->base->cols[i].type, &to[i]))
            return false;
    }
    return true;
}

/* An owned copy of `s` for a node's output: names and types, every column
 * an ordinary one (a PROCTIME column's value is computed once, here). */
static struct hf_schema *own_schema(struct planner *p,
                                    const struct hf_schema *s)
{
    struct hf_schema *o = calloc(1, sizeof *o);
    if (o == NULL) {
        oom(p);
        return NULL;
    }
    o->cols = calloc(s->ncols ? s->ncols : 1, sizeof *o->cols);
    if (o->cols == NULL) {
        free(o);
        oom(p);
        return NULL;
    }
    for (uint32_t i = 0; i < s->ncols; i++) {
        o->cols[i].name = strdup(s->cols[i].name);
        o->cols[i].type = s->cols[i].type;
        o->ncols++;
        if (o->cols[i].name == NULL) {
            hf_schema_free(o);
            free(o);
            oom(p);
            return NULL;
        }
    }
    return o;
}

/* A ranking below r is settled once r's columns are final (r becomes a
 * node or is written): its operator is chosen (plan_rank.h). */
static int rel_settle(struct planner *p, struct rel *r)
{
    if (r->rank == NULL)
        return 0;
    if (hf_plan_rank_finish(p, r->rank, r->rn_col != UINT32_MAX) != 0)
        return -1;
    /* Keep-first proctime deduplication is insert-only. */
    if (r->upd && r->upd->rank == r->rank && !hf_plan_rank_updating(r->rank))
        r->upd = NULL;
    return 0;
}

static const struct hf_ast_create_table *table_ast(struct planner *p,
                                                   const struct hf_table_def *t);

/* Is column c of r the computed column a table's WATERMARK is for (ts AS
 * TO_TIMESTAMP_LTZ(ms, 3)), read through the queries between by name (a
 * rename keeps it)? Decided by the expression itself, the table's own
 * definition: `ts + INTERVAL '1' HOUR AS ts` is another value, not the
 * rowtime, as in Flink. */
static bool rel_computed_rowtime(struct planner *p, const struct rel *r,
                                 uint32_t c)
{
    for (int depth = 0; depth < 4 * MAX_NESTING; depth++) {
        const struct rcol *rc = &r->cols[c];
        if (rc->ast == NULL)
            return false;
        if (rc->ast->kind == HF_AST_COLUMN && !rc->ast->args) {
            int j = rc->scope ? hf_schema_find(rc->scope->in->out,
                                               rc->ast->text)
                              : -1;
            if (j < 0)
                return false;
            r = rc->scope->in;
            c = (uint32_t)j;
            continue;
        }
        const struct hf_node *nd = &p->g->nodes[r->node];
        if (nd->kind != HF_NODE_SOURCE || r->base != nd->schema)
            return false;
        const struct hf_table_def *t = nd->table;
        const struct hf_ast_create_table *ct = table_ast(p, t);
        return t->watermark && t->watermark->rowtime == c && ct &&
               c < ct->ncols && c < r->base->ncols &&
               r->base->cols[c].kind == HF_COL_COMPUTED &&
               rc->ast == ct->cols[c].expr;
    }
    return false;
}

/* Make r's rows a node of their own (a calc: its projections, cast to
 * `to` when given, and its filters), unless they already are; r then
 * reads that node unchanged. `what` names the query in messages. */
static int rel_node(struct planner *p, struct rel *r, const struct hf_type *to,
                    const char *what)
{
    /* Any operator over an upsert source reads its complete changelog. */
    if (hf_plan_normalize(p, r, true, r->out->ncols ? r->cols[0].line : 0,
                          r->out->ncols ? r->cols[0].col : 0) != 0)
        return -1;
    if (rel_settle(p, r) != 0)
        return -1;
    if (rel_identity(r, to))
        return 0;
    uint32_t n = r->out->ncols;
    struct hf_calc_spec *calc = calloc(1, sizeof *calc);
    if (calc)
        calc->proj = calloc(n ? n : 1, sizeof *calc->proj);
    if (calc == NULL || calc->proj == NULL) {
        free(calc);
        return oom(p);
    }
    calc->nproj = n;
    int rc = 0;
    for (uint32_t i = 0; i < n && rc == 0; i++) {
        struct hf_expr *e = col_expr(p, r, i);
        if (e == NULL) {
            rc = -1;
            break;
        }
        if (to) {
            char why[300], t1[64], t2[64];
            struct hf_type from = *hf_expr_type(e);
            bool null_lit = hf_expr_is_untyped_null(e);
            int c = hf_expr_coerce(&e, &to[i], why, sizeof why);
            if (c == -2) {
                rc = oom(p);
            } else if (c != 0) {
                rc = err_at(p, HF_ERR_TYPE, r->cols[i].line, r->cols[i].col,
                            "%s: column '%s' is %s, which cannot be cast to "
                            "%s%s%s%s",
                            what, r->out->cols[i].name,
                            null_lit ? "NULL"
                                     : hf_type_name(&from, t1, sizeof t1),
                            hf_type_name(&to[i], t2, sizeof t2),
                            why[0] ? " (" : "", why, why[0] ? ")" : "");
                hf_expr_free(e);
                e = NULL;
            }
        } else if (hf_expr_is_untyped_null(e)) {
            rc = err_at(p, HF_ERR_TYPE, r->cols[i].line, r->cols[i].col,
                        "%s: column '%s' is NULL of no type; write "
                        "CAST(NULL AS <type>)",
                        what, r->out->cols[i].name);
            hf_expr_free(e);
            e = NULL;
        }
        calc->proj[i] = e;
        if (e)
            r->out->cols[i].type = *hf_expr_type(e);
        if (e && rel_computed_rowtime(p, r, i)) {
            if (calc->rowtime == NULL)
                calc->rowtime = calloc(n, sizeof *calc->rowtime);
            if (calc->rowtime == NULL)
                rc = oom(p);
            else
                calc->rowtime[i] = true;
        }
    }
    if (rc == 0)
        rc = rel_filter(p, r, &calc->filter);
    /* Every column read as it is (SELECT a, b FROM t): no node needed. */
    bool same = rc == 0 && calc->filter == NULL && n == r->base->ncols;
    for (uint32_t i = 0; same && i < n; i++) {
        uint32_t idx;
        same = hf_expr_column(calc->proj[i], &idx) && idx == i &&
               same_type(hf_expr_type(calc->proj[i]), &r->base->cols[i].type);
    }
    if (same) {
        hf_op_calc.free_spec(calc);
        for (uint32_t i = 0; i < n; i++) {
            r->cols[i].ast = NULL;
            r->cols[i].scope = NULL;
            r->cols[i].base = i;
        }
        r->nfilters = 0;
        return 0;
    }
    struct hf_schema *os = rc == 0 ? own_schema(p, r->out) : NULL;
    if (os == NULL) {
        hf_op_calc.free_spec(calc);
        return -1;
    }
    calc->in = r->base;
    calc->out = os;
    struct hf_node *nd = hf_graph_add(p->g, HF_NODE_OP, &r->node, 1);
    if (nd == NULL) {
        hf_op_calc.free_spec(calc);
        hf_schema_free(os);
        free(os);
        return oom(p);
    }
    nd->op = &hf_op_calc;
    nd->spec = calc;
    nd->own_schema = os;
    nd->schema = os;
    r->node = nd->id;
    r->base = os;
    for (uint32_t i = 0; i < n; i++) {
        r->cols[i].ast = NULL;
        r->cols[i].scope = NULL;
        r->cols[i].base = i;
    }
    r->nfilters = 0;
    return 0;
}

/* A node of operator `op` (spec owned from here) over r's node, r's
 * columns passing through; r then reads it. */
static int rel_op(struct planner *p, struct rel *r,
                  const struct hf_op_class *op, void *spec)
{
    struct hf_schema *os = own_schema(p, r->base);
    struct hf_node *nd =
        os ? hf_graph_add(p->g, HF_NODE_OP, &r->node, 1) : NULL;
    if (nd == NULL) {
        op->free_spec(spec);
        if (os) {
            hf_schema_free(os);
            free(os);
        }
        return os ? oom(p) : -1;
    }
    nd->op = op;
    nd->spec = spec;
    nd->own_schema = os;
    nd->schema = os;
    r->node = nd->id;
    r->base = os;
    return 0;
}

/* ------------------------------------------------------------ names */

/* Calcite's uniquify: `name`, else name0, name1, ... not among the first
 * n names of s. */
static const char *unique_name(struct planner *p, const struct hf_schema *s,
                               uint32_t n, const char *name)
{
    for (long k = -1;; k++) {
        char buf[300];
        const char *cand = name;
        if (k >= 0) {
            snprintf(buf, sizeof buf, "%s%ld", name, k);
            cand = buf;
        }
        bool used = false;
        for (uint32_t i = 0; i < n && !used; i++)
            used = strcmp(s->cols[i].name, cand) == 0;
        if (!used)
            return k < 0 ? name : astrdup(p, cand);
    }
}

/* Rename r's columns with `names` (a view's, WITH query's or alias's
 * column list); `what` and (line, col) for the count error. */
static int rename_cols(struct planner *p, struct rel *r,
                       const struct hf_ast_ident *names, uint32_t n,
                       const char *what, int line, int col)
{
    if (n == 0)
        return 0;
    if (n != r->out->ncols)
        return err_at(p, HF_ERR_SQL, line, col,
                      "%s names %u column%s but its query gives %u", what, n,
                      n == 1 ? "" : "s", r->out->ncols);
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < i; j++)
            if (strcmp(names[i].name, names[j].name) == 0)
                return err_at(p, HF_ERR_SQL, names[i].line, names[i].col,
                              "column '%s' is named twice in %s", names[i].name,
                              what);
    struct hf_schema *o = aschema(p, n);
    if (o == NULL)
        return -1;
    for (uint32_t i = 0; i < n; i++) {
        o->cols[i] = r->out->cols[i];
        o->cols[i].name = (char *)names[i].name;
    }
    r->out = o;
    return 0;
}

/* ------------------------------------------------------------ sources */

static int plan_query(struct qstate *qs, const struct env *env,
                      const struct hf_ast_query *q, struct rel **out);

/* The source node reading t: the one already there when sources are
 * reused, else a new one. */
static int source_node(struct qstate *qs, struct hf_table_def *t, uint32_t *id)
{
    struct planner *p = qs->p;
    struct hf_node *n = p->reuse_source ? hf_graph_find_source(p->g, t) : NULL;
    if (n == NULL) {
        n = hf_graph_add(p->g, HF_NODE_SOURCE, NULL, 0);
        if (n == NULL)
            return oom(p);
        n->table = t;
        n->schema = &t->schema;
        n->line = qs->stmt_line;
    }
    *id = n->id;
    return 0;
}

/* The columns of table t as a relation (node not set): computed columns
 * stand for their expressions over the other columns. */
static struct rel *table_cols(struct planner *p, const struct hf_table_def *t,
                              const struct hf_ast_create_table *ct, int line,
                              int col)
{
    struct rel *r = node_rel(p, 0, &t->schema, line, col);
    if (r == NULL)
        return NULL;
    /* Computed columns see the table's other columns as they are. */
    struct rel *raw = node_rel(p, 0, &t->schema, line, col);
    struct scope *s = raw ? new_scope(p, raw, t->name, NULL) : NULL;
    if (s == NULL)
        return NULL;
    for (uint32_t i = 0; ct && i < t->schema.ncols && i < ct->ncols; i++) {
        if (t->schema.cols[i].kind != HF_COL_COMPUTED)
            continue;
        r->cols[i].ast = ct->cols[i].expr;
        r->cols[i].scope = s;
    }
    return r;
}

struct hf_expr *hf_plan_bind_over_table(struct planner *p,
                                        const struct hf_table_def *t,
                                        const struct hf_ast_create_table *ct,
                                        const struct hf_ast_expr *a)
{
    struct rel *r = table_cols(p, t, ct, a->line, a->col);
    struct scope *s = r ? new_scope(p, r, t->name, NULL) : NULL;
    if (s == NULL)
        return NULL;
    return hf_expr_bind(&s->bs, a, p->err);
}

static const struct hf_ast_create_table *table_ast(struct planner *p,
                                                   const struct hf_table_def *t)
{
    for (uint32_t i = 0; i < p->job->ntables; i++)
        if (p->job->tables[i] == t)
            return p->tdefs[i];
    return NULL;
}

struct rel *hf_plan_table_cols(struct planner *p, const struct hf_table_def *t,
                               int line, int col)
{
    return table_cols(p, t, table_ast(p, t), line, col);
}

/* A table read by a query, at `id`. */
static int table_rel(struct qstate *qs, struct hf_table_def *t,
                     const struct hf_ast_ident *id, const char *full,
                     struct rel **out)
{
    struct planner *p = qs->p;
    const struct hf_connector *c = t->connector;
    if (!(c->caps & HF_CONN_SOURCE))
        return err_at(p, HF_ERR_SQL, id->line, id->col,
                      "table '%s' cannot be read: connector '%s' is sink-only",
                      full, c->name);
    if (p->batch_mode && (c->bounded == NULL || !c->bounded(t)))
        return err_at(p, HF_ERR_SQL, id->line, id->col,
                      "execution.runtime-mode is 'batch' but table '%s' "
                      "(connector '%s') is unbounded; make it bounded or run "
                      "in streaming mode",
                      full, c->name);
    struct rel *r = table_cols(p, t, table_ast(p, t), id->line, id->col);
    if (r == NULL || source_node(qs, t, &r->node) != 0)
        return -1;
    if (t->format && t->format->changelog) {
        r->clog = t;
        r->clog_format = true;
    } else if (c->produces_changelog && c->produces_changelog(t)) {
        r->clog = t;
    }
    *out = r;
    return 0;
}

/* Table `e` with the OPTIONS hint of `f`: a table of its own, built from
 * its definition with the hint's options over its own (a key given in
 * both takes the hint's value), checked by the same option tables. */
static int hinted_table(struct qstate *qs, struct cat_entry *e,
                        const struct hf_ast_from *f, struct hf_table_def **out)
{
    struct planner *p = qs->p;
    if (!p->dynamic_options)
        return err_at(p, HF_ERR_SQL, f->hint_line, f->hint_col,
                      "OPTIONS hints are off: 'table.dynamic-table-options."
                      "enabled' is 'false'");
    struct hf_strbuf key;
    hf_strbuf_init(&key, 0);
    for (uint32_t i = 0; i < f->nhints; i++)
        hf_strbuf_printf(&key, "%s%c%s%c", f->hints[i].key.name, 1,
                         f->hints[i].value, 1);
    if (!hf_strbuf_ok(&key)) {
        hf_strbuf_free(&key);
        return oom(p);
    }
    const char *k = key.data ? key.data : "";
    for (uint32_t i = 0; i < p->nhints; i++)
        if (p->hints[i].base == e->table && strcmp(p->hints[i].key, k) == 0) {
            *out = p->hints[i].table;
            hf_strbuf_free(&key);
            return 0;
        }
    const struct hf_ast_create_table *base = e->ct;
    struct hf_ast_create_table *ct = hf_arena_alloc(&p->ast->arena, sizeof *ct);
    struct hf_ast_option *opts = hf_arena_alloc(
        &p->ast->arena, (base->nopts + f->nhints + 1) * sizeof *opts);
    if (ct == NULL || opts == NULL) {
        hf_strbuf_free(&key);
        return oom(p);
    }
    *ct = *base;
    uint32_t n = base->nopts;
    if (n)
        memcpy(opts, base->opts, n * sizeof *opts);
    for (uint32_t i = 0; i < f->nhints; i++) {
        uint32_t j = 0;
        while (j < base->nopts &&
               strcmp(opts[j].key.name, f->hints[i].key.name) != 0)
            j++;
        opts[j < base->nopts ? j : n++] = f->hints[i];
    }
    ct->opts = opts;
    ct->nopts = n;
    ct->has_with = true;
    char note[80];
    snprintf(note, sizeof note, "with the OPTIONS hint at line %d",
             f->hint_line);
    struct hf_table_def *t;
    if (hf_plan_table(p, ct, e->line, e->col, note, &t) != 0) {
        hf_strbuf_free(&key);
        return -1;
    }
    if (p->nhints == p->hintcap) {
        uint32_t nc = p->hintcap ? p->hintcap * 2 : 4;
        struct hinted *h = realloc(p->hints, nc * sizeof *h);
        if (h == NULL) {
            hf_strbuf_free(&key);
            return oom(p);
        }
        p->hints = h;
        p->hintcap = nc;
    }
    struct hinted *h = &p->hints[p->nhints++];
    h->base = e->table;
    h->table = t;
    h->key = strdup(k);
    hf_strbuf_free(&key);
    if (h->key == NULL) {
        p->nhints--;
        return oom(p);
    }
    *out = t;
    return 0;
}

/* A name in FROM: a WITH query, a view or a table. *name gets the name
 * its columns are qualified by. */
static int from_name(struct qstate *qs, const struct env *env,
                     const struct hf_ast_from *f, struct rel **out)
{
    struct planner *p = qs->p;
    const char *name = f->name.name;
    for (const struct env *e = env; e; e = e->up) {
        for (uint32_t i = e->n; i-- > 0;) {
            const struct hf_ast_cte *c = &e->ctes[i];
            if (strcmp(c->name.name, name) != 0)
                continue;
            if (f->has_hint)
                return err_at(p, HF_ERR_SQL, f->hint_line, f->hint_col,
                              "'%s' is a WITH query; OPTIONS hints apply "
                              "to tables",
                              name);
            if (++qs->depth > MAX_NESTING)
                return err_at(p, HF_ERR_SQL, f->line, f->col,
                              "views and WITH queries nested more than %d "
                              "deep",
                              MAX_NESTING);
            struct env inner = {.ctes = e->ctes, .n = i, .up = e->up};
            if (plan_query(qs, &inner, c->query, out) != 0)
                return -1;
            qs->depth--;
            char what[200];
            snprintf(what, sizeof what, "WITH query '%s'", name);
            return rename_cols(p, *out, c->cols, c->ncols, what, c->name.line,
                               c->name.col);
        }
    }
    struct cat_entry *ce = hf_plan_lookup(p, name);
    if (ce == NULL)
        return hf_plan_unknown(p, &f->name, f->full, "source");
    if (ce->view) {
        const struct hf_ast_create_view *v = ce->vdef;
        if (f->has_hint)
            return err_at(p, HF_ERR_SQL, f->hint_line, f->hint_col,
                          "'%s' is a view; OPTIONS hints apply to tables "
                          "(as in Flink)",
                          f->full);
        if (++qs->depth > MAX_NESTING)
            return err_at(p, HF_ERR_SQL, f->line, f->col,
                          "views and WITH queries nested more than %d deep "
                          "(does view '%s' read itself?)",
                          MAX_NESTING, f->full);
        if (plan_query(qs, NULL, v->query, out) != 0)
            return -1;
        qs->depth--;
        char what[200];
        snprintf(what, sizeof what, "view '%s'", v->full_name);
        return rename_cols(p, *out, v->cols, v->ncols, what, v->name.line,
                           v->name.col);
    }
    struct hf_table_def *t = ce->table;
    if (f->has_hint && hinted_table(qs, ce, f, &t) != 0)
        return -1;
    return table_rel(qs, t, &f->name, f->full, out);
}

/* ------------------------------------------------------------ VALUES */

/* The source of a VALUES clause (one per clause; a clause planned again,
 * as in a view read twice, reads the same table). `hidden`: the clause is
 * the single row of one unnamed column standing for a missing FROM. */
static int values_table(struct qstate *qs, const struct hf_ast_query *q,
                        struct hf_table_def **out)
{
    struct planner *p = qs->p;
    for (uint32_t i = 0; i < p->nvalues; i++)
        if (p->vq[i] == q) {
            *out = p->vt[i];
            return 0;
        }
    uint32_t ncols = q->rows[0].n, nrows = q->nrows;
    struct hf_schema empty = {0};
    struct hf_bind_scope sc = {
        .src = &p->src, .schema = &empty, .table = "VALUES", .tz = p->tz};
    struct hf_schema *s = aschema(p, ncols);
    if (s == NULL)
        return -1;
    /* Each column's type: the common type of its values, or, right under
     * an INSERT, the type of the column it fills. */
    const struct hf_type *want = q == qs->values_q ? qs->values_types : NULL;
    for (uint32_t c = 0; c < ncols; c++) {
        struct hf_type t = {0};
        bool have = false;
        if (want) {
            t = want[c];
            t.not_null = false;
            have = true;
        }
        for (uint32_t r = 0; r < (want ? 0 : nrows); r++) {
            const struct hf_ast_expr *a = q->rows[r].v[c];
            struct hf_expr *e = hf_expr_bind(&sc, a, p->err);
            if (e == NULL)
                return -1;
            bool nl = hf_expr_is_untyped_null(e);
            struct hf_type et = *hf_expr_type(e);
            hf_expr_free(e);
            if (nl) {
                t.not_null = false;
                continue;
            }
            struct hf_type m;
            if (!have) {
                m = et;
                if (r > 0)
                    m.not_null = false; /* an earlier row was NULL */
            } else if (!hf_expr_type_common(&t, false, &et, false, &m)) {
                char t1[64], t2[64];
                return err_at(p, HF_ERR_TYPE, a->line, a->col,
                              "VALUES: column %u is %s in an earlier row and "
                              "%s here; add a CAST",
                              c + 1, hf_type_name(&t, t1, sizeof t1),
                              hf_type_name(&et, t2, sizeof t2));
            }
            if (have && !t.not_null)
                m.not_null = false;
            t = m;
            have = true;
        }
        if (!have)
            return err_at(p, HF_ERR_TYPE, q->rows[0].v[c]->line,
                          q->rows[0].v[c]->col,
                          "VALUES: column %u is NULL in every row, so it has "
                          "no type; write CAST(NULL AS <type>)",
                          c + 1);
        char name[32];
        snprintf(name, sizeof name, "EXPR$%u", c);
        s->cols[c].name = astrdup(p, name);
        s->cols[c].type = t;
        if (s->cols[c].name == NULL)
            return -1;
    }
    size_t nv = (size_t)nrows * ncols;
    struct hf_expr **v = calloc(nv ? nv : 1, sizeof *v);
    if (v == NULL)
        return oom(p);
    int rc = 0;
    for (uint32_t r = 0; r < nrows && rc == 0; r++) {
        for (uint32_t c = 0; c < ncols && rc == 0; c++) {
            const struct hf_ast_expr *a = q->rows[r].v[c];
            struct hf_expr *e = hf_expr_bind(&sc, a, p->err);
            char why[300];
            int k =
                e ? hf_expr_coerce(&e, &s->cols[c].type, why, sizeof why) : -1;
            if (k == -2) {
                rc = oom(p);
            } else if (k != 0 && e) {
                char t1[64], t2[64];
                rc = err_at(p, HF_ERR_TYPE, a->line, a->col,
                            "VALUES: cannot cast %s to %s%s%s%s",
                            hf_type_name(hf_expr_type(e), t1, sizeof t1),
                            hf_type_name(&s->cols[c].type, t2, sizeof t2),
                            why[0] ? " (" : "", why, why[0] ? ")" : "");
                hf_expr_free(e);
            } else if (k != 0) {
                rc = -1;
            } else {
                v[(size_t)r * ncols + c] = e;
            }
        }
    }
    char name[64];
    snprintf(name, sizeof name, "VALUES at %d:%d", q->line, q->col);
    struct hf_table_def *t =
        rc == 0 ? hf_values_table_new(name, s, v, nrows, q->line, q->col)
                : NULL;
    if (t == NULL) {
        for (size_t i = 0; i < nv; i++)
            hf_expr_free(v[i]);
        free(v);
        return rc ? -1 : oom(p);
    }
    t->file = p->job->path;
    if (hf_plan_add_table(p, t, NULL) != 0)
        return -1;
    if (p->nvalues == p->vcap) {
        uint32_t nc = p->vcap ? p->vcap * 2 : 4;
        const struct hf_ast_query **a = realloc(p->vq, nc * sizeof *a);
        if (a)
            p->vq = a;
        struct hf_table_def **b = realloc(p->vt, nc * sizeof *b);
        if (b)
            p->vt = b;
        if (a == NULL || b == NULL)
            return oom(p);
        p->vcap = nc;
    }
    p->vq[p->nvalues] = q;
    p->vt[p->nvalues++] = t;
    *out = t;
    return 0;
}

static int plan_values(struct qstate *qs, const struct hf_ast_query *q,
                       struct rel **out)
{
    struct hf_table_def *t;
    if (values_table(qs, q, &t) != 0)
        return -1;
    struct rel *r = node_rel(qs->p, 0, &t->schema, q->line, q->col);
    if (r == NULL || source_node(qs, t, &r->node) != 0)
        return -1;
    for (uint32_t c = 0; c < r->out->ncols; c++) {
        r->cols[c].line = q->rows[0].v[c]->line;
        r->cols[c].col = q->rows[0].v[c]->col;
    }
    *out = r;
    return 0;
}

/* The one row a SELECT without FROM reads: a VALUES of one unnamed
 * column that no name can reach. */
static int no_from(struct qstate *qs, const struct hf_ast_query *q,
                   struct rel **out)
{
    struct planner *p = qs->p;
    struct hf_ast_query *v = hf_arena_alloc(&p->ast->arena, sizeof *v);
    struct hf_ast_row *row = hf_arena_alloc(&p->ast->arena, sizeof *row);
    struct hf_ast_expr **vals = hf_arena_alloc(&p->ast->arena, sizeof *vals);
    struct hf_ast_expr *one = hf_arena_alloc(&p->ast->arena, sizeof *one);
    if (v == NULL || row == NULL || vals == NULL || one == NULL)
        return oom(p);
    memset(v, 0, sizeof *v);
    memset(row, 0, sizeof *row);
    memset(one, 0, sizeof *one);
    one->kind = HF_AST_INT;
    one->text = "0";
    one->line = q->line;
    one->col = q->col;
    one->depth = 1;
    vals[0] = one;
    row->v = vals;
    row->n = 1;
    v->kind = HF_QUERY_VALUES;
    v->line = q->line;
    v->col = q->col;
    v->rows = row;
    v->nrows = 1;
    /* One such source per SELECT: found again by the SELECT's address. */
    for (uint32_t i = 0; i < p->nvalues; i++)
        if (p->vq[i] == q) {
            struct hf_table_def *t = p->vt[i];
            struct rel *r = node_rel(p, 0, &t->schema, q->line, q->col);
            if (r == NULL || source_node(qs, t, &r->node) != 0)
                return -1;
            r->out->cols[0].name = "";
            *out = r;
            return 0;
        }
    struct hf_table_def *t;
    if (values_table(qs, v, &t) != 0)
        return -1;
    p->vq[p->nvalues - 1] = q;
    struct rel *r = node_rel(p, 0, &t->schema, q->line, q->col);
    if (r == NULL || source_node(qs, t, &r->node) != 0)
        return -1;
    r->out->cols[0].name = ""; /* no identifier is empty */
    *out = r;
    return 0;
}

/* ------------------------------------------------------------ SELECT */

static bool ast_random(const struct hf_ast_expr *a)
{
    if (a == NULL)
        return false;
    if (a->kind == HF_AST_FUNC && a->text &&
        (strcmp(a->text, "RAND") == 0 || strcmp(a->text, "RAND_INTEGER") == 0 ||
         strcmp(a->text, "UUID") == 0))
        return true;
    for (uint32_t i = 0; i < a->nargs; i++)
        if (ast_random(a->args[i]))
            return true;
    return false;
}

static bool rel_random(const struct rel *r)
{
    for (uint32_t i = 0; i < r->out->ncols; i++)
        if (r->cols[i].ast && ast_random(r->cols[i].ast))
            return true;
    return false;
}

/* DISTINCT (SELECT DISTINCT, UNION): batch mode, insert-only rows. */
static int rel_distinct(struct qstate *qs, struct rel *r, const char *what,
                        int line, int col)
{
    struct planner *p = qs->p;
    if (!p->batch_mode || r->clog || r->upd)
        return hf_plan_agg_distinct(p, r, what, line, col);
    if (rel_node(p, r, NULL, what) != 0)
        return -1;
    return rel_op(p, r, &hf_op_distinct, NULL);
}

/* ------------------------------------------------------------ ROW_NUMBER */

/* What column c of `in` is as a time attribute: a PROCTIME() column or
 * the rowtime of the table's WATERMARK (a physical or computed column),
 * read as it is through the queries between (a name for a name). */
static void rank_time(struct planner *p, const struct rel *in, uint32_t c,
                      enum hf_rank_time *out)
{
    *out = HF_RANK_NOT_TIME;
    const struct rel *r = in;
    for (int depth = 0; depth < 4 * MAX_NESTING; depth++) {
        const struct rcol *rc = &r->cols[c];
        const struct hf_node *nd = &p->g->nodes[r->node];
        const struct hf_watermark *wm =
            nd->kind == HF_NODE_SOURCE ? nd->table->watermark : NULL;
        if (rc->ast == NULL) {
            if (r->base->cols[rc->base].kind == HF_COL_PROCTIME)
                *out = HF_RANK_PROCTIME;
            else if (wm && wm->rowtime == rc->base)
                *out = HF_RANK_ROWTIME;
            return;
        }
        if (rc->ast->kind != HF_AST_COLUMN || rc->ast->args) {
            /* A computed column of the table itself. */
            if (wm && rel_computed_rowtime(p, r, c))
                *out = HF_RANK_ROWTIME;
            return;
        }
        int j =
            rc->scope ? hf_schema_find(rc->scope->in->out, rc->ast->text) : -1;
        if (j < 0)
            return;
        r = rc->scope->in;
        c = (uint32_t)j;
    }
}

/* SELECT items, ROW_NUMBER() OVER (...) FROM in [WHERE ...] (r: the
 * select as planned over `in`, item column over_k the row number): the
 * ranking becomes a node over in's rows after WHERE, and r reads it. */
static int plan_ranked(struct qstate *qs, const struct hf_ast_query *q,
                       struct rel *in, const char *table, struct rel *r,
                       uint32_t over_k)
{
    struct planner *p = qs->p;
    const struct hf_ast_from *f = &q->from;
    const struct hf_ast_select_item *it = NULL;
    for (uint32_t i = 0; i < q->nitems && it == NULL; i++)
        if (q->items[i].over)
            it = &q->items[i];
    const struct hf_ast_over *ov = it->over;
    if (p->batch_mode)
        return err_at(p, HF_ERR_UNSUPPORTED, ov->line, ov->col,
                      "ROW_NUMBER() OVER (...) is supported in streaming "
                      "mode only (deduplication and Top-N emit a "
                      "changelog)");
    struct scope *s = new_scope(p, in, table, f->alias.name);
    uint32_t *part = aalloc(p, (ov->npart + 1) * sizeof *part);
    uint32_t *order = aalloc(p, (ov->norder + 1) * sizeof *order);
    if (s == NULL || part == NULL || order == NULL)
        return -1;
    /* A PARTITION BY expression (DATE_FORMAT(ts, 'yyyyMMdd')) is computed
     * as a hidden column of the ranking's input, as Flink's planner
     * projects it below the window; the query above does not see it. */
    const struct hf_ast_expr **xp =
        aalloc(p, (ov->npart + ov->norder + 1) * sizeof *xp);
    struct hf_type *xt = aalloc(p, (ov->npart + ov->norder + 1) * sizeof *xt);
    uint32_t nx = 0;
    if (xp == NULL || xt == NULL)
        return -1;
    for (uint32_t i = 0; i < ov->npart; i++) {
        const struct hf_ast_expr *a = ov->part[i];
        int c = a->kind == HF_AST_COLUMN && a->args == NULL
                    ? hf_schema_find(in->out, a->text)
                    : -1;
        if (c >= 0 || a->kind == HF_AST_COLUMN) {
            if (hf_plan_window_col(p, in, s, a, "PARTITION BY",
                                   "ROW_NUMBER()", &part[i]) != 0)
                return -1;
            continue;
        }
        struct hf_expr *e = hf_expr_bind(&s->bs, a, p->err);
        if (e == NULL)
            return -1;
        xt[nx] = *hf_expr_type(e);
        hf_expr_free(e);
        xp[nx] = a;
        part[i] = in->out->ncols + nx++;
    }
    /* ORDER BY expressions (COALESCE(score, 0)) likewise; a time
     * attribute is a column, so these rank as Top-N. */
    for (uint32_t i = 0; i < ov->norder; i++) {
        const struct hf_ast_expr *a = ov->order[i].expr;
        int c = a->kind == HF_AST_COLUMN && a->args == NULL
                    ? hf_schema_find(in->out, a->text)
                    : -1;
        if (c >= 0 || a->kind == HF_AST_COLUMN) {
            if (hf_plan_window_col(p, in, s, a, "ORDER BY",
                                   "ROW_NUMBER()", &order[i]) != 0)
                return -1;
            continue;
        }
        struct hf_expr *e = hf_expr_bind(&s->bs, a, p->err);
        if (e == NULL)
            return -1;
        xt[nx] = *hf_expr_type(e);
        hf_expr_free(e);
        xp[nx] = a;
        order[i] = in->out->ncols + nx++;
    }
    enum hf_rank_time time = HF_RANK_NOT_TIME;
    if (ov->norder && order[0] < in->out->ncols)
        rank_time(p, in, order[0], &time);

    /* The ranking's input: in's columns after the WHERE (and the hidden
     * PARTITION BY expressions), as a node. */
    struct rel *pre = new_rel(p, in->out->ncols + nx);
    if (pre == NULL)
        return -1;
    pre->node = in->node;
    pre->base = in->base;
    pre->clog = in->clog;
    pre->clog_format = in->clog_format;
    pre->clog_op = in->clog_op;
    pre->rank = in->rank;
    pre->rn_col = in->rn_col;
    pre->upd = in->upd;
    for (uint32_t i = 0; i < in->out->ncols; i++) {
        pre->out->cols[i] = in->out->cols[i];
        pre->cols[i] = in->cols[i];
    }
    for (uint32_t j = 0; j < nx; j++) {
        struct hf_column *oc = &pre->out->cols[in->out->ncols + j];
        char nm[32];
        snprintf(nm, sizeof nm, "$part%u", j);
        const char *an = astrdup(p, nm); /* unique_name may return it */
        oc->name = an ? (char *)unique_name(p, pre->out, in->out->ncols + j, an)
                      : NULL;
        if (oc->name == NULL)
            return -1;
        oc->type = xt[j];
        struct rcol *rc = &pre->cols[in->out->ncols + j];
        rc->ast = xp[j];
        rc->scope = s;
        rc->line = xp[j]->line;
        rc->col = xp[j]->col;
    }
    pre->filters = r->filters;
    pre->nfilters = r->nfilters;
    if (rel_node(p, pre, NULL, "the query with ROW_NUMBER()") != 0)
        return -1;
    bool updating = pre->clog != NULL || pre->upd != NULL;
    uint32_t nid;
    struct hf_rank_track *t =
        hf_plan_rank_new(p, pre->node, pre->base, part, ov->npart, order,
                         ov->norder, time, updating, it, &nid);
    if (t == NULL)
        return -1;

    /* The items over the ranking's output: in's names, its columns; the
     * row number is its last column. */
    const struct hf_schema *rs = p->g->nodes[nid].schema;
    uint32_t n = in->out->ncols;
    struct rel *post = new_rel(p, n);
    if (post == NULL)
        return -1;
    post->node = nid;
    post->base = rs;
    for (uint32_t i = 0; i < n; i++) {
        post->out->cols[i] = in->out->cols[i];
        post->out->cols[i].type = rs->cols[i].type;
        post->cols[i].base = i;
        post->cols[i].line = in->cols[i].line;
        post->cols[i].col = in->cols[i].col;
    }
    struct scope *s2 = new_scope(p, post, table, f->alias.name);
    if (s2 == NULL)
        return -1;
    uint32_t k = 0;
    for (uint32_t i = 0; i < q->nitems; i++) {
        const struct hf_ast_select_item *x = &q->items[i];
        if (x->over) {
            r->cols[k].ast = NULL;
            r->cols[k].scope = NULL;
            r->cols[k].base = rs->ncols - 1; /* after any hidden column */
            k++;
        } else if (x->expr == NULL) {
            for (uint32_t c = 0; c < n; c++, k++) {
                r->cols[k] = post->cols[c];
                r->cols[k].line = x->line;
                r->cols[k].col = x->col;
            }
        } else {
            r->cols[k].scope = s2;
            k++;
        }
    }
    r->node = nid;
    r->base = rs;
    r->nfilters = 0;
    r->clog = pre->clog;
    r->clog_format = pre->clog_format;
    struct rupd *u = aalloc(p, sizeof *u);
    if (u == NULL)
        return -1;
    u->agg_node = nid;
    u->rank = t;
    hf_plan_rank_bind(t, u);
    r->rank = t;
    r->rn_col = over_k;
    r->upd = u;
    return 0;
}

/* An aggregating SELECT over a ranking not yet given its range: the
 * range comes from its WHERE, which keeps the other terms (*q becomes a
 * copy in the arena), and the ranking is settled by what the aggregate
 * reads. */
static int rank_under_agg(struct planner *p, const struct hf_ast_query **q,
                          struct rel *in, const char *qual)
{
    const struct hf_ast_query *q0 = *q;
    const char *rn = in->out->cols[in->rn_col].name;
    const struct hf_ast_expr **conds;
    uint32_t n;
    if (hf_plan_rank_range(p, in->rank, q0->where, rn, qual, q0->line, q0->col,
                           &conds, &n) != 0)
        return -1;
    struct hf_ast_query *c = aalloc(p, sizeof *c);
    if (c == NULL)
        return -1;
    *c = *q0;
    c->where = NULL;
    bool used = false;
    for (uint32_t i = 0; i < n; i++) {
        used = used || hf_plan_ast_reads(conds[i], rn, qual);
        struct hf_ast_expr *x = (struct hf_ast_expr *)conds[i];
        if (c->where) {
            struct hf_ast_expr *a = aalloc(p, sizeof *a);
            struct hf_ast_expr **args = aalloc(p, 2 * sizeof *args);
            if (a == NULL || args == NULL)
                return -1;
            a->kind = HF_AST_BINARY;
            a->op = HF_AOP_AND;
            a->line = c->where->line;
            a->col = c->where->col;
            a->off = c->where->off;
            a->end = x->end;
            args[0] = c->where;
            args[1] = x;
            a->args = args;
            a->nargs = 2;
            a->depth =
                1 + (x->depth > c->where->depth ? x->depth : c->where->depth);
            x = a;
        }
        c->where = x;
    }
    for (uint32_t i = 0; i < q0->nitems; i++)
        used = used || (q0->items[i].expr == NULL ||
                        hf_plan_ast_reads(q0->items[i].expr, rn, qual));
    for (uint32_t i = 0; i < q0->ngroup; i++)
        used = used || hf_plan_ast_reads(q0->group[i], rn, qual);
    used = used || hf_plan_ast_reads(q0->having, rn, qual);
    if (used)
        hf_plan_rank_use(in->rank);
    in->rn_col = UINT32_MAX;
    if (rel_settle(p, in) != 0)
        return -1;
    *q = c;
    return 0;
}

int hf_plan_from_item(struct qstate *qs, const struct env *env,
                      const struct hf_ast_from *f, struct rel **out,
                      const char **qual, const char **table)
{
    struct planner *p = qs->p;
    struct rel *in = NULL;
    if (f->systime)
        return err_at(p, HF_ERR_SQL, f->systime_line, f->systime_col,
                      "FOR SYSTEM_TIME AS OF belongs to the right side of a "
                      "join: FROM s JOIN %s FOR SYSTEM_TIME AS OF s.proctime "
                      "AS d ON s.k = d.k",
                      f->full);
    if (f->lateral)
        return err_at(p, HF_ERR_SQL, f->line, f->col,
                      "LATERAL TABLE(%s(...)) needs a table before it: FROM "
                      "s, LATERAL TABLE(%s(s.a))",
                      f->full, f->full);
    if (f->tvf) {
        /* FROM TABLE(TUMBLE(TABLE t, ...)): plan_window.c. */
        const struct hf_ast_from *d = &f->tvf->data;
        if ((d->sub ? plan_query(qs, env, d->sub, &in)
                    : from_name(qs, env, d, &in)) != 0)
            return -1;
        *table = d->sub ? "(subquery)" : d->name.name;
        if (hf_plan_window_tvf(p, f->tvf, *table, in, &in) != 0)
            return -1;
        *qual = f->alias.name ? f->alias.name : *table;
        if (f->alias.name)
            *table = f->alias.name;
    } else if (f->sub) {
        if (plan_query(qs, env, f->sub, &in) != 0)
            return -1;
        *table = f->alias.name ? f->alias.name : "(subquery)";
        *qual = f->alias.name;
    } else {
        if (from_name(qs, env, f, &in) != 0)
            return -1;
        *table = f->name.name;
        *qual = f->alias.name ? f->alias.name : f->name.name;
    }
    if (f->nalias_cols &&
        rename_cols(p, in, f->alias_cols, f->nalias_cols, "the alias",
                    f->alias.line, f->alias.col) != 0)
        return -1;
    /* Composing a random value would draw it anew at every use. */
    if (rel_random(in) && rel_node(p, in, NULL, "the query") != 0)
        return -1;
    *out = in;
    return 0;
}

/* WHERE's conjuncts (a AND b AND c), for joins to take. */
static uint32_t count_conj(const struct hf_ast_expr *a)
{
    if (a->kind == HF_AST_BINARY && a->op == HF_AOP_AND)
        return count_conj(a->args[0]) + count_conj(a->args[1]);
    return 1;
}

static void split_conj(const struct hf_ast_expr *a, struct pushed_conj *c,
                       uint32_t *n)
{
    if (a->kind == HF_AST_BINARY && a->op == HF_AOP_AND) {
        split_conj(a->args[0], c, n);
        split_conj(a->args[1], c, n);
        return;
    }
    c[*n].ast = a;
    c[*n].taken = false;
    (*n)++;
}

static int plan_select(struct qstate *qs, const struct env *env,
                       const struct hf_ast_query *q, struct rel **out)
{
    struct planner *p = qs->p;
    const struct hf_ast_from *f = &q->from;
    struct rel *in = NULL;
    const char *table = NULL, *qual = NULL;
    bool has_from = f->name.name || f->sub || f->tvf ||
                    f->join != HF_JOIN_NONE;
    struct jtab *tabs = NULL;
    uint32_t ntabs = 0;
    struct pushed_conj *conj = NULL;
    uint32_t nconj = 0;
    /* This SELECT's LOOKUP hints, for the lookup joins of its FROM. */
    const struct hf_ast_query *outer_hq = qs->hint_q;
    uint32_t outer_used = qs->hints_used;
    if (q->nlookup_hints > 0 && hf_plan_lookup_hints_check(p, q) != 0)
        return -1;
    qs->hint_q = q;
    qs->hints_used = 0;
    if (f->join != HF_JOIN_NONE) {
        if (q->where) {
            conj = aalloc(p, count_conj(q->where) * sizeof *conj);
            if (conj == NULL)
                return -1;
            split_conj(q->where, conj, &nconj);
        }
        if (hf_plan_join(qs, env, f, conj, nconj, &in, &tabs, &ntabs) != 0)
            return -1;
        table = "(join)";
    } else if (has_from) {
        if (hf_plan_from_item(qs, env, f, &in, &qual, &table) != 0)
            return -1;
    } else {
        if (no_from(qs, q, &in) != 0)
            return -1;
        table = "(no FROM)";
    }
    if (hf_plan_lookup_hints_unused(qs, q) != 0)
        return -1;
    qs->hint_q = outer_hq;
    qs->hints_used = outer_used;
    struct scope *s = tabs ? hf_plan_join_scope(p, in, tabs, ntabs)
                           : new_scope(p, in, table, f->alias.name);
    if (s == NULL)
        return -1;
    if (hf_plan_over_query(q)) /* OVER aggregation: plan_over.c */
        return hf_plan_over(p, q, in, s, table, out);
    if (hf_plan_agg_query(q)) {
        for (uint32_t i = 0; i < q->nitems; i++)
            if (q->items[i].over)
                return err_at(p, HF_ERR_UNSUPPORTED, q->items[i].line,
                              q->items[i].col,
                              "ROW_NUMBER() in an aggregating SELECT is not "
                              "supported; rank the aggregate's result in an "
                              "outer query");
        if (in->rank && !hf_plan_rank_ranged(in->rank) &&
            rank_under_agg(p, &q, in, f->alias.name ? f->alias.name : table) !=
                0)
            return -1;
        return hf_plan_agg(p, q, in, s, table, out);
    }

    /* The output columns, '*' expanded. */
    uint32_t n = 0;
    for (uint32_t i = 0; i < q->nitems; i++) {
        const char *sq = q->items[i].star_qual;
        uint32_t t = 0;
        while (sq && t < ntabs &&
               (tabs[t].qual == NULL || strcmp(tabs[t].qual, sq) != 0))
            t++;
        n += q->items[i].expr          ? 1
             : sq && tabs && t < ntabs ? tabs[t].n
                                       : in->out->ncols;
    }
    struct rel *r = new_rel(p, n);
    if (r == NULL)
        return -1;
    r->node = in->node;
    r->base = in->base;
    r->clog = in->clog;
    r->clog_format = in->clog_format;
    r->clog_op = in->clog_op;
    r->rank = in->rank;
    r->upd = in->upd;
    /* The row number of a ranking below: where it goes (plan_rank.h). */
    const char *rn_name = in->rank && in->rn_col != UINT32_MAX
                              ? in->out->cols[in->rn_col].name
                              : NULL;
    const char *rn_qual = f->alias.name ? f->alias.name : table;
    uint32_t k = 0, over_k = UINT32_MAX;
    for (uint32_t i = 0; i < q->nitems; i++) {
        const struct hf_ast_select_item *it = &q->items[i];
        if (it->over) {
            if (over_k != UINT32_MAX)
                return err_at(p, HF_ERR_UNSUPPORTED, it->line, it->col,
                              "a second ranking function in one SELECT is "
                              "not supported");
            over_k = k;
            r->out->cols[k].type = hf_type_make(HF_BIGINT);
            r->out->cols[k].type.not_null = true;
        } else if (it->expr == NULL) {
            if (!has_from)
                return err_at(p, HF_ERR_SQL, it->line, it->col,
                              "SELECT * needs a FROM clause");
            uint32_t c0 = 0, c1 = in->out->ncols;
            if (it->star_qual && tabs) {
                uint32_t t = 0;
                while (t < ntabs && (tabs[t].qual == NULL ||
                                     strcmp(tabs[t].qual, it->star_qual) != 0))
                    t++;
                if (t == ntabs)
                    return err_at(p, HF_ERR_SQL, it->line, it->col,
                                  "unknown table '%s' in '%s.*'", it->star_qual,
                                  it->star_qual);
                c0 = tabs[t].first;
                c1 = c0 + tabs[t].n;
            } else if (it->star_qual &&
                       (qual == NULL || strcmp(it->star_qual, qual) != 0)) {
                return err_at(p, HF_ERR_SQL, it->line, it->col,
                              "unknown table '%s' in '%s.*'; the query reads "
                              "'%s'",
                              it->star_qual, it->star_qual,
                              qual ? qual : table);
            }
            for (uint32_t c = c0; c < c1; c++, k++) {
                r->cols[k] = in->cols[c];
                r->cols[k].line = it->line;
                r->cols[k].col = it->col;
                r->out->cols[k] = in->out->cols[c];
                r->out->cols[k].name =
                    (char *)unique_name(p, r->out, k, in->out->cols[c].name);
                if (r->out->cols[k].name == NULL)
                    return -1;
                if (c == in->rn_col && in->rank) {
                    if (r->rn_col != UINT32_MAX)
                        hf_plan_rank_use(in->rank);
                    r->rn_col = k;
                }
            }
            continue;
        } else {
            struct hf_expr *e = hf_expr_bind(&s->bs, it->expr, p->err);
            if (e == NULL)
                return -1;
            r->out->cols[k].type = *hf_expr_type(e);
            hf_expr_free(e);
            if (rn_name && hf_plan_ast_reads(it->expr, rn_name, rn_qual)) {
                if (it->expr->kind == HF_AST_COLUMN && r->rn_col == UINT32_MAX)
                    r->rn_col = k;
                else
                    hf_plan_rank_use(in->rank);
            }
        }
        const char *name = it->alias.name;
        char buf[32];
        if (name == NULL && it->expr->kind == HF_AST_COLUMN && !it->over)
            name = it->expr->text;
        if (name == NULL) {
            snprintf(buf, sizeof buf, "EXPR$%u", k);
            name = astrdup(p, buf);
            if (name == NULL)
                return -1;
        }
        r->out->cols[k].name = (char *)unique_name(p, r->out, k, name);
        if (r->out->cols[k].name == NULL)
            return -1;
        r->cols[k].ast = it->expr;
        r->cols[k].scope = s;
        r->cols[k].line = it->line;
        r->cols[k].col = it->col;
        k++;
    }

    /* Filters: the input's, then WHERE. */
    r->filters = aalloc(p, (in->nfilters + 1 + nconj) * sizeof *r->filters);
    if (r->filters == NULL)
        return -1;
    for (uint32_t i = 0; i < in->nfilters; i++)
        r->filters[r->nfilters++] = in->filters[i];
    /* WHERE: one condition; or, over a ranking not yet given its range,
     * the terms left once those bounding rn are taken. */
    const struct hf_ast_expr *one = q->where, **conds = &one;
    uint32_t nconds = q->where ? 1 : 0;
    if (in->rank && !hf_plan_rank_ranged(in->rank)) {
        if (hf_plan_rank_range(p, in->rank, q->where, rn_name, rn_qual, q->line,
                               q->col, &conds, &nconds) != 0)
            return -1;
        r->filters =
            aalloc(p, (in->nfilters + nconds + 1) * sizeof *r->filters);
        if (r->filters == NULL)
            return -1;
        for (uint32_t i = 0; i < in->nfilters; i++)
            r->filters[i] = in->filters[i];
    }
    for (uint32_t i = 0; i < nconds; i++) {
        const struct hf_ast_expr *cond = conds[i];
        struct hf_expr *w = hf_expr_bind(&s->bs, cond, p->err);
        if (w == NULL)
            return -1;
        const struct hf_type *wt = hf_expr_type(w);
        bool nl = hf_expr_is_untyped_null(w);
        char t1[64];
        if (wt->id != HF_BOOLEAN || nl) {
            int rc = err_at(p, HF_ERR_TYPE, cond->line, cond->col,
                            "WHERE needs a BOOLEAN condition, found %s",
                            nl ? "NULL" : hf_type_name(wt, t1, sizeof t1));
            hf_expr_free(w);
            return rc;
        }
        hf_expr_free(w);
        if (conj == NULL) {
            if (rn_name && hf_plan_ast_reads(cond, rn_name, rn_qual))
                hf_plan_rank_use(in->rank);
            r->filters[r->nfilters].ast = cond;
            r->filters[r->nfilters].scope = s;
            r->nfilters++;
        }
        if (in->upd) /* a filter over updates needs -U (reference §1.2) */
            hf_plan_agg_force_ub(in->upd);
    }
    /* Over a join: WHERE's conjuncts its inner joins did not take. */
    for (uint32_t i = 0; i < nconj; i++) {
        if (conj[i].taken)
            continue;
        r->filters[r->nfilters].ast = conj[i].ast;
        r->filters[r->nfilters].scope = s;
        r->nfilters++;
    }
    if (over_k != UINT32_MAX && tabs)
        return err_at(p, HF_ERR_UNSUPPORTED, q->items[0].line, q->items[0].col,
                      "ROW_NUMBER() over a join in the same SELECT is not "
                      "supported; rank the join's rows in an outer query "
                      "(SELECT ..., ROW_NUMBER() OVER (...) FROM (the join))");
    if (over_k != UINT32_MAX) {
        if (q->distinct)
            return err_at(p, HF_ERR_UNSUPPORTED, q->distinct_line,
                          q->distinct_col,
                          "SELECT DISTINCT with ROW_NUMBER() is not "
                          "supported");
        if (plan_ranked(qs, q, in, table, r, over_k) != 0)
            return -1;
    }
    if (q->distinct && rel_distinct(qs, r, "SELECT DISTINCT", q->distinct_line,
                                    q->distinct_col) != 0)
        return -1;
    *out = r;
    return 0;
}

/* ------------------------------------------------------------ UNION */

static int plan_union(struct qstate *qs, const struct env *env,
                      const struct hf_ast_query *q, struct rel **out)
{
    struct planner *p = qs->p;
    if (q->ninputs == 1)
        return plan_query(qs, env, q->inputs[0], out);
    const char *what = q->all ? "UNION ALL" : "UNION";
    struct rel **in = aalloc(p, q->ninputs * sizeof *in);
    if (in == NULL)
        return -1;
    for (uint32_t i = 0; i < q->ninputs; i++) {
        if (plan_query(qs, env, q->inputs[i], &in[i]) != 0)
            return -1;
        if (in[i]->out->ncols != in[0]->out->ncols)
            return err_at(p, HF_ERR_SQL, q->inputs[i]->line, q->inputs[i]->col,
                          "each query of a %s must give the same number of "
                          "columns: the first gives %u, query %u gives %u",
                          what, in[0]->out->ncols, i + 1, in[i]->out->ncols);
    }
    uint32_t n = in[0]->out->ncols;
    struct hf_type *to = aalloc(p, n * sizeof *to);
    struct hf_schema *us = aschema(p, n);
    if (to == NULL || us == NULL)
        return -1;
    /* Each column's type: the common type of the queries' (Flink's least
     * restrictive type), NOT NULL only if it is in every query. */
    for (uint32_t c = 0; c < n; c++) {
        bool have = false;
        for (uint32_t i = 0; i < q->ninputs; i++) {
            struct hf_expr *e = col_expr(p, in[i], c);
            if (e == NULL)
                return -1;
            bool nl = hf_expr_is_untyped_null(e);
            struct hf_type et = *hf_expr_type(e);
            hf_expr_free(e);
            if (nl) {
                to[c].not_null = false;
                if (!have)
                    to[c].id = HF_TYPE__COUNT; /* none yet */
                continue;
            }
            struct hf_type m = et;
            if (have && !hf_expr_type_common(&to[c], false, &et, false, &m)) {
                char t1[64], t2[64];
                return err_at(p, HF_ERR_TYPE, in[i]->cols[c].line,
                              in[i]->cols[c].col,
                              "%s: column %u ('%s') is %s in the first "
                              "queries and %s in query %u; add a CAST",
                              what, c + 1, in[0]->out->cols[c].name,
                              hf_type_name(&to[c], t1, sizeof t1),
                              hf_type_name(&et, t2, sizeof t2), i + 1);
            }
            if (i > 0 && (!have || !to[c].not_null))
                m.not_null = false;
            to[c] = m;
            have = true;
        }
        if (!have)
            return err_at(p, HF_ERR_TYPE, in[0]->cols[c].line,
                          in[0]->cols[c].col,
                          "%s: column %u is NULL in every query, so it has "
                          "no type; write CAST(NULL AS <type>)",
                          what, c + 1);
        us->cols[c].name = in[0]->out->cols[c].name;
        us->cols[c].type = to[c];
    }
    uint32_t *ids = aalloc(p, q->ninputs * sizeof *ids);
    if (ids == NULL)
        return -1;
    const struct hf_table_def *clog = NULL;
    bool clog_format = false;
    const char *clog_op = NULL;
    const struct rupd *upd = NULL;
    for (uint32_t i = 0; i < q->ninputs; i++) {
        char w[64];
        snprintf(w, sizeof w, "query %u of the %s", i + 1, what);
        if (rel_node(p, in[i], to, w) != 0)
            return -1;
        ids[i] = in[i]->node;
        if (clog == NULL && in[i]->clog) {
            clog = in[i]->clog;
            clog_format = in[i]->clog_format;
        }
        if (clog_op == NULL)
            clog_op = in[i]->clog_op;
        if (upd == NULL)
            upd = in[i]->upd;
    }
    struct hf_schema *os = own_schema(p, us);
    struct hf_node *nd =
        os ? hf_graph_add(p->g, HF_NODE_OP, ids, q->ninputs) : NULL;
    if (nd == NULL) {
        if (os) {
            hf_schema_free(os);
            free(os);
        }
        return os ? oom(p) : -1;
    }
    nd->op = &hf_op_union;
    nd->own_schema = os;
    nd->schema = os;
    struct rel *r = node_rel(p, nd->id, os, q->union_line, q->union_col);
    if (r == NULL)
        return -1;
    r->clog_op = clog_op;
    r->clog = clog;
    r->clog_format = clog_format;
    r->upd = upd;
    if (!q->all && rel_distinct(qs, r, "UNION (without ALL)", q->union_line,
                                q->union_col) != 0)
        return -1;
    *out = r;
    return 0;
}

/* ------------------------------------------------------------ ORDER BY */

/* How many explicit SELECT items of q are output under the name x. */
static uint32_t order_named(const struct hf_ast_query *q, const char *x)
{
    uint32_t n = 0;
    if (q->kind != HF_QUERY_SELECT)
        return 0;
    for (uint32_t i = 0; i < q->nitems; i++) {
        const struct hf_ast_select_item *it = &q->items[i];
        const char *name = it->alias.name ? it->alias.name
                           : it->expr && it->expr->kind == HF_AST_COLUMN
                               ? it->expr->text
                               : NULL;
        n += name && strcmp(name, x) == 0;
    }
    return n;
}

/* Whether the qualified ORDER BY key a (t.x) is the output column x: the
 * query is a SELECT over one table (or subquery) named or aliased t, and no
 * SELECT item other than the column x itself is output as x. */
static bool order_qual_ok(const struct hf_ast_query *q,
                          const struct hf_ast_expr *a)
{
    if (q->kind != HF_QUERY_SELECT || q->from.join != HF_JOIN_NONE)
        return false;
    const char *t = q->from.alias.name ? q->from.alias.name
                                       : q->from.name.name;
    if (t == NULL || strcmp(t, a->qual) != 0)
        return false;
    for (uint32_t i = 0; i < q->nitems; i++) {
        const struct hf_ast_select_item *it = &q->items[i];
        const struct hf_ast_expr *e = it->expr;
        if (e == NULL) {
            if (it->star_qual && strcmp(it->star_qual, a->qual) != 0)
                return false;
            continue;
        }
        bool col = e->kind == HF_AST_COLUMN && e->args == NULL &&
                   strcmp(e->text, a->text) == 0 &&
                   (e->qual == NULL || strcmp(e->qual, a->qual) == 0);
        const char *name = it->alias.name ? it->alias.name
                           : e->kind == HF_AST_COLUMN ? e->text
                                                      : NULL;
        if (name && strcmp(name, a->text) == 0 && !col)
            return false;
    }
    return true;
}

/* `query ORDER BY keys LIMIT n` in streaming mode: Flink's SortLimit,
 * planned as its Rank without partition keys (every row one group, so
 * the node runs at parallelism 1) and without a row number: the top n
 * rows, -D for a row pushed out and +I for the new one. The keys name
 * columns of the query's output. ORDER BY without LIMIT (Flink's
 * temporal sort), OFFSET, and ORDER BY in batch mode are refused. */
static int plan_sort_limit(struct planner *p, const struct hf_ast_query *q,
                           struct rel *r)
{
    if (p->batch_mode)
        return err_at(p, HF_ERR_UNSUPPORTED, q->order_line, q->order_col,
                      "ORDER BY is not supported in batch mode");
    if (!q->has_limit)
        return err_at(p, HF_ERR_UNSUPPORTED, q->order_line, q->order_col,
                      "ORDER BY without LIMIT is not supported in streaming "
                      "mode (Flink's sort on a time attribute); add LIMIT n "
                      "for a Top-N");
    if (q->offset > 0)
        return err_at(p, HF_ERR_UNSUPPORTED, q->limit_line, q->limit_col,
                      "OFFSET with ORDER BY ... LIMIT is not supported in "
                      "streaming mode (a rank range starting above 1)");
    if (q->limit < 1)
        return err_at(p, HF_ERR_UNSUPPORTED, q->limit_line, q->limit_col,
                      "LIMIT 0 keeps no rows");
    uint32_t *order = aalloc(p, q->norder * sizeof *order);
    if (order == NULL)
        return -1;
    for (uint32_t i = 0; i < q->norder; i++) {
        const struct hf_ast_expr *a = q->order[i].expr;
        int c = a->kind == HF_AST_COLUMN && a->args == NULL
                    ? hf_schema_find(r->out, a->text)
                    : -1;
        if (c >= 0) {
            uint32_t named = 0;
            for (uint32_t j = 0; j < r->out->ncols; j++)
                named += strcmp(r->out->cols[j].name, a->text) == 0;
            if (named < 2)
                named = order_named(q, a->text);
            if (named > 1)
                return err_at(p, HF_ERR_SQL, a->line, a->col,
                              "ORDER BY key '%s' is ambiguous: the "
                              "SELECT list has more than one column of "
                              "that name",
                              a->text);
            if (a->qual && !order_qual_ok(q, a))
                return err_at(p, HF_ERR_UNSUPPORTED, a->line, a->col,
                              "ORDER BY %s.%s: a qualified key must be a "
                              "column of the one FROM table that the SELECT "
                              "list outputs unchanged; order by the output "
                              "column's name",
                              a->qual, a->text);
        }
        if (c < 0)
            return err_at(p, HF_ERR_UNSUPPORTED, a->line, a->col,
                          "ORDER BY of a query must name a column of its "
                          "SELECT list; an expression or another column is "
                          "not supported (select it, or compute it in a "
                          "subquery)");
        order[i] = (uint32_t)c;
    }
    if (rel_node(p, r, NULL, "the query with ORDER BY ... LIMIT") != 0)
        return -1;
    struct hf_ast_expr *fe = aalloc(p, sizeof *fe);
    struct hf_ast_over *ov = aalloc(p, sizeof *ov);
    struct hf_ast_select_item *it = aalloc(p, sizeof *it);
    if (fe == NULL || ov == NULL || it == NULL)
        return -1;
    fe->kind = HF_AST_FUNC;
    fe->text = "ROW_NUMBER";
    fe->line = ov->line = it->line = q->order_line;
    fe->col = ov->col = it->col = q->order_col;
    ov->order = q->order;
    ov->norder = q->norder;
    it->expr = fe;
    it->over = ov;
    bool updating = r->clog != NULL || r->upd != NULL;
    uint32_t nid;
    /* Not a time attribute, whatever the first key: Flink's SortLimit is
     * a Rank, never a deduplication. */
    struct hf_rank_track *t =
        hf_plan_rank_new(p, r->node, r->base, NULL, 0, order, q->norder,
                         HF_RANK_NOT_TIME, updating, it, &nid);
    if (t == NULL)
        return -1;
    hf_plan_rank_top(t, q->limit);
    p->g->nodes[nid].single = "a Top-N without partition keys (ORDER BY ... "
                              "LIMIT) is one group";
    struct rupd *u = aalloc(p, sizeof *u);
    if (u == NULL)
        return -1;
    u->agg_node = nid;
    u->rank = t;
    hf_plan_rank_bind(t, u);
    r->node = nid;
    r->base = p->g->nodes[nid].schema;
    r->rank = t;
    r->rn_col = UINT32_MAX;
    r->upd = u;
    return rel_settle(p, r);
}

/* ------------------------------------------------------------ queries */

static int plan_query(struct qstate *qs, const struct env *env,
                      const struct hf_ast_query *q, struct rel **out)
{
    struct planner *p = qs->p;
    struct env here = {.ctes = q->ctes, .n = q->nctes, .up = env};
    for (uint32_t i = 0; i < q->nctes; i++)
        for (uint32_t j = 0; j < i; j++)
            if (strcmp(q->ctes[i].name.name, q->ctes[j].name.name) == 0)
                return err_at(
                    p, HF_ERR_SQL, q->ctes[i].name.line, q->ctes[i].name.col,
                    "WITH name '%s' is given twice", q->ctes[i].name.name);
    const struct env *e = q->nctes ? &here : env;
    int rc;
    switch (q->kind) {
    case HF_QUERY_SELECT:
        rc = plan_select(qs, e, q, out);
        break;
    case HF_QUERY_VALUES:
        rc = plan_values(qs, q, out);
        break;
    default:
        rc = plan_union(qs, e, q, out);
        break;
    }
    if (rc != 0)
        return rc;
    if (q->norder)
        return plan_sort_limit(p, q, *out);
    if (!q->has_limit)
        return 0;
    struct rel *r = *out;
    if (!p->batch_mode)
        return err_at(p, HF_ERR_UNSUPPORTED, q->limit_line, q->limit_col,
                      "LIMIT is not supported in streaming mode: it needs "
                      "state (a later issue); it works with SET "
                      "'execution.runtime-mode' = 'batch'");
    if (r->clog)
        return err_at(p, HF_ERR_UNSUPPORTED, q->limit_line, q->limit_col,
                      "LIMIT over table '%s', whose rows are updates and "
                      "deletes, is not supported",
                      r->clog->name);
    if (r->upd)
        return err_at(p, HF_ERR_UNSUPPORTED, q->limit_line, q->limit_col,
                      "LIMIT over an updating result (%s) is not supported",
                      r->upd->node_text);
    struct hf_limit_spec *ls = calloc(1, sizeof *ls);
    if (ls == NULL)
        return oom(p);
    ls->limit = q->limit;
    ls->offset = q->offset;
    if (rel_node(p, r, NULL, "the query with LIMIT") != 0) {
        free(ls);
        return -1;
    }
    return rel_op(p, r, &hf_op_limit, ls);
}

int hf_plan_view_check(struct planner *p, const struct hf_ast_create_view *v)
{
    struct hf_graph scratch = {0};
    struct hf_graph *keep = p->g;
    p->g = &scratch;
    struct qstate qs = {.p = p, .depth = 1, .stmt_line = v->name.line};
    struct rel *r;
    char what[200];
    snprintf(what, sizeof what, "view '%s'", v->full_name);
    int rc = plan_query(&qs, NULL, v->query, &r);
    if (rc == 0)
        rc = rename_cols(p, r, v->cols, v->ncols, what, v->name.line,
                         v->name.col);
    hf_plan_rank_forget(p);
    p->g = keep;
    hf_graph_free(&scratch);
    return rc;
}

void hf_plan_query_free(struct planner *p)
{
    for (uint32_t i = 0; i < p->nhints; i++)
        free(p->hints[i].key);
    free(p->hints);
    free(p->vq);
    free(p->vt);
}

/* ------------------------------------------------------------ INSERT */

static bool writable(const struct hf_column *c)
{
    return c->kind == HF_COL_PHYSICAL ||
           (c->kind == HF_COL_METADATA && !c->is_virtual);
}

/* hf_sql_check_sink_formats() for the table the INSERT writes; an error
 * points at the INSERT's target. */
static int check_sink_formats(struct planner *p, const struct hf_table_def *t,
                              const struct hf_ast_insert *ins)
{
    if (hf_sql_check_sink_formats(t, p->err) == 0)
        return 0;
    char why[HF_ERRMSG_MAX];
    memcpy(why, p->err->msg, sizeof why);
    hf_err_t code = p->err->code;
    hf_error_clear(p->err);
    return err_at(p, code, ins->target.line, ins->target.col, "%s", why);
}

/* The sink table of an INSERT. */
static struct hf_table_def *sink_table(struct planner *p,
                                       const struct hf_ast_insert *ins)
{
    struct cat_entry *e = hf_plan_lookup(p, ins->target.name);
    if (e == NULL) {
        hf_plan_unknown(p, &ins->target, ins->target_full, "sink");
        return NULL;
    }
    if (e->view) {
        err_at(p, HF_ERR_SQL, ins->target.line, ins->target.col,
               "'%s' is a view; INSERT writes into a table", ins->target_full);
        return NULL;
    }
    struct hf_table_def *t = e->table;
    if (!(t->connector->caps & HF_CONN_SINK)) {
        err_at(p, HF_ERR_SQL, ins->target.line, ins->target.col,
               "table '%s' cannot be written to: connector '%s' is "
               "source-only",
               ins->target_full, t->connector->name);
        return NULL;
    }
    if (ins->overwrite && !(t->connector->caps & HF_CONN_OVERWRITE)) {
        err_at(p, HF_ERR_UNSUPPORTED, ins->overwrite_line, ins->overwrite_col,
               "INSERT OVERWRITE is not supported by table '%s': connector "
               "'%s' cannot replace what the table holds (nor can Flink's); "
               "use INSERT INTO",
               ins->target_full, t->connector->name);
        return NULL;
    }
    return t;
}

int hf_plan_insert(struct planner *p, const struct hf_ast_stmt *st)
{
    const struct hf_ast_insert *ins = &st->u.insert;
    struct hf_table_def *sink = sink_table(p, ins);
    if (sink == NULL || check_sink_formats(p, sink, ins) != 0)
        return -1;
    const struct hf_schema *ds = &sink->schema;

    /* Target columns: the list, else every writable column (computed and
     * VIRTUAL metadata columns are not written, as in Flink). */
    uint32_t targets[ds->ncols ? ds->ncols : 1];
    uint32_t ntargets = 0;
    bool *written = NULL;
    if (ins->has_cols) {
        for (uint32_t i = 0; i < ins->ncols; i++) {
            const struct hf_ast_ident *id = &ins->cols[i];
            int idx = hf_schema_find(ds, id->name);
            if (idx < 0)
                return err_at(p, HF_ERR_SQL, id->line, id->col,
                              "unknown column '%s' in table '%s'", id->name,
                              ins->target_full);
            if (!writable(&ds->cols[idx]))
                return err_at(p, HF_ERR_SQL, id->line, id->col,
                              "column '%s' of table '%s' is %s and cannot be "
                              "written",
                              id->name, ins->target_full,
                              ds->cols[idx].kind == HF_COL_METADATA
                                  ? "a VIRTUAL metadata column"
                                  : "a computed column");
            for (uint32_t j = 0; j < ntargets; j++)
                if (targets[j] == (uint32_t)idx)
                    return err_at(p, HF_ERR_SQL, id->line, id->col,
                                  "column '%s' is listed twice", id->name);
            targets[ntargets++] = (uint32_t)idx;
        }
        for (uint32_t c = 0; c < ds->ncols; c++) {
            if (!writable(&ds->cols[c]) || !ds->cols[c].type.not_null)
                continue;
            bool listed = false;
            for (uint32_t j = 0; j < ntargets; j++)
                listed = listed || targets[j] == c;
            if (!listed)
                return err_at(p, HF_ERR_SQL, ins->target.line, ins->target.col,
                              "column '%s' of table '%s' is NOT NULL but is "
                              "missing from the INSERT's column list",
                              ds->cols[c].name, ins->target_full);
        }
        written = calloc(ds->ncols ? ds->ncols : 1, sizeof *written);
        if (written == NULL)
            return oom(p);
        for (uint32_t j = 0; j < ntargets; j++)
            written[targets[j]] = true;
    } else {
        for (uint32_t c = 0; c < ds->ncols; c++)
            if (writable(&ds->cols[c]))
                targets[ntargets++] = c;
    }

    struct qstate qs = {.p = p, .stmt_line = st->line};
    const struct hf_ast_query *q = ins->query;
    struct hf_type want[ntargets ? ntargets : 1];
    if (q->kind == HF_QUERY_VALUES && !q->has_limit &&
        q->rows[0].n == ntargets) {
        for (uint32_t i = 0; i < ntargets; i++)
            want[i] = ds->cols[targets[i]].type;
        qs.values_q = q;
        qs.values_types = want;
    }
    struct rel *r;
    if (plan_query(&qs, NULL, ins->query, &r) != 0) {
        free(written);
        return -1;
    }
    if (rel_settle(p, r) != 0 || hf_plan_rank_check(p) != 0) {
        free(written);
        return -1;
    }
    if (r->out->ncols != ntargets) {
        free(written);
        return err_at(p, HF_ERR_SQL, ins->target.line, ins->target.col,
                      "INSERT into '%s' has %u column%s but the query "
                      "produces %u",
                      ins->target_full, ntargets, ntargets == 1 ? "" : "s",
                      r->out->ncols);
    }
    if (sink_normalize(p, r, sink, targets, ins) != 0) {
        free(written);
        return -1;
    }

    /* The calc in front of the sink: every sink column, cast to its type
     * (a column the list leaves out gets NULL), and the query's filters. */
    struct hf_calc_spec *calc = calloc(1, sizeof *calc);
    struct hf_type *vt = calloc(ds->ncols ? ds->ncols : 1, sizeof *vt);
    if (calc)
        calc->proj = calloc(ds->ncols ? ds->ncols : 1, sizeof *calc->proj);
    if (calc == NULL || calc->proj == NULL || vt == NULL) {
        if (calc)
            free(calc->proj);
        free(calc);
        free(vt);
        free(written);
        return oom(p);
    }
    calc->nproj = ds->ncols;
    calc->in = r->base;
    calc->out = ds;
    calc->target = sink->name;
    int rc = 0;
    for (uint32_t c = 0; c < ds->ncols; c++)
        hf_expr_value_bound(NULL, &ds->cols[c].type, &vt[c]);
    for (uint32_t i = 0; i < ntargets && rc == 0; i++) {
        const struct hf_column *col = &ds->cols[targets[i]];
        struct hf_expr *e = col_expr(p, r, i);
        if (e == NULL) {
            rc = -1;
            break;
        }
        char why[300];
        struct hf_type from = *hf_expr_type(e);
        bool null_lit = hf_expr_is_untyped_null(e);
        hf_expr_value_bound(e, &col->type, &vt[targets[i]]);
        int k = hf_expr_coerce(&e, &col->type, why, sizeof why);
        if (k == -2) {
            rc = oom(p);
        } else if (k != 0) {
            char t1[64], t2[64];
            rc = err_at(p, HF_ERR_TYPE, r->cols[i].line, r->cols[i].col,
                        "column '%s': cannot write %s into %s of table "
                        "'%s'%s%s%s; add a CAST",
                        col->name,
                        null_lit ? "NULL" : hf_type_name(&from, t1, sizeof t1),
                        hf_type_name(&col->type, t2, sizeof t2),
                        ins->target_full, why[0] ? " (" : "", why,
                        why[0] ? ")" : "");
            hf_expr_free(e);
        } else {
            calc->proj[targets[i]] = e;
        }
    }
    for (uint32_t c = 0; c < ds->ncols && rc == 0; c++)
        if (calc->proj[c] == NULL &&
            (calc->proj[c] = hf_expr_new_null(&ds->cols[c].type)) == NULL)
            rc = oom(p);
    if (rc == 0)
        rc = rel_filter(p, r, &calc->filter);
    struct hf_node *n =
        rc == 0 ? hf_graph_add(p->g, HF_NODE_OP, &r->node, 1) : NULL;
    if (n == NULL) {
        hf_op_calc.free_spec(calc);
        free(vt);
        free(written);
        return rc ? -1 : oom(p);
    }
    n->op = &hf_op_calc;
    n->spec = calc;
    n->schema = ds;
    uint32_t calc_id = n->id;
    /* Flink's SinkUpsertMaterializer in front of a sink with a PRIMARY
     * KEY (ops/upsert_materialize.c, table.exec.sink.upsert-materialize):
     * for an aggregate or ranking whose upsert key the key does not
     * contain (hf_plan_agg_sink decides, and the aggregate's -U); for a
     * join whose updates move rows between join keys (plan_join.c marks
     * it `single`), so that the join may run in parallel
     * (hf_plan_unsingle_joins; docs/parallelism.md); with FORCE for any
     * updating query into an upsert sink. */
    uint32_t sink_in = calc_id;
    bool mat = false;
    uint32_t *ukey = NULL, nukey = 0;
    const struct hf_opt_val *mo = hf_opts_get(
        &p->job->settings, "table.exec.sink.upsert-materialize", NULL);
    const char *mode = mo && mo->text ? mo->text : "AUTO";
    if (r->upd) {
        if (hf_plan_agg_sink(p, r, sink, targets, ins, &mat, &ukey, &nukey) !=
            0) {
            free(vt);
            free(written);
            return -1;
        }
    } else if (sink->schema.npk > 0 && strcasecmp(mode, "NONE") != 0) {
        mat = hf_plan_moving_join(p->g, calc_id) != UINT32_MAX ||
              (strcasecmp(mode, "FORCE") == 0 && !p->batch_mode &&
               hf_plan_upsert_sink(sink) && (r->clog || r->clog_op));
        if (!mat && !p->batch_mode && hf_plan_upsert_sink(sink)) {
            int k = cdc_sink_mat(p, r, sink, targets, &ukey, &nukey);
            if (k == -2) {
                free(vt);
                free(written);
                return oom(p);
            }
            mat = k == 1;
        }
    }
    if (mat) {
        struct hf_upsert_mat_spec *ms = calloc(1, sizeof *ms);
        if (ms) {
            ms->in = ds;
            ms->npk = sink->schema.npk;
            ms->pk = calloc(ms->npk, sizeof *ms->pk);
            ms->sink = strdup(sink->name);
            ms->ukey = ukey;
            ms->nukey = nukey;
            ms->fold = sink->connector->sink_upserts_in_place &&
                       sink->connector->sink_upserts_in_place(sink);
            ukey = NULL;
        }
        free(ukey);
        if (ms == NULL || ms->pk == NULL || ms->sink == NULL) {
            hf_upsert_mat_spec_free(ms);
            free(vt);
            free(written);
            return oom(p);
        }
        memcpy(ms->pk, sink->schema.pk, ms->npk * sizeof *ms->pk);
        n = hf_graph_add(p->g, HF_NODE_OP, &calc_id, 1);
        if (n == NULL) {
            hf_upsert_mat_spec_free(ms);
            free(vt);
            free(written);
            return oom(p);
        }
        n->op = &hf_op_upsert_materialize;
        n->spec = ms;
        n->schema = ds;
        sink_in = n->id;
    }
    n = hf_graph_add(p->g, HF_NODE_SINK, &sink_in, 1);
    if (n == NULL) {
        free(vt);
        free(written);
        return oom(p);
    }
    n->table = sink;
    n->schema = ds;
    n->line = st->line;
    n->written = written;
    n->value_types = vt;

    /* Updates and deletes need a sink that takes them. */
    const char *refusal = sink->connector->changelog_refusal;
    if (r->upd)
        return 0; /* decided above */
    if (r->clog == NULL && r->clog_op &&
        (sink->connector->accepts_changelog == NULL ||
         !sink->connector->accepts_changelog(sink)))
        return err_at(p, HF_ERR_SQL, ins->target.line, ins->target.col,
                      "the query produces a changelog (%s emits updates and "
                      "deletes) but table '%s' (connector '%s') accepts only "
                      "inserts%s%s",
                      r->clog_op, ins->target_full, sink->connector->name,
                      refusal ? ": " : "", refusal ? refusal : "");
    if (r->clog && (sink->connector->accepts_changelog == NULL ||
                    !sink->connector->accepts_changelog(sink)))
        return err_at(p, HF_ERR_SQL, ins->target.line, ins->target.col,
                      "table '%s' produces a changelog (%s '%s' emits "
                      "updates and deletes) but table '%s' (connector '%s') "
                      "accepts only inserts%s%s",
                      r->clog->name, r->clog_format ? "format" : "connector",
                      r->clog_format ? r->clog->format->name
                                     : r->clog->connector->name,
                      ins->target_full, sink->connector->name,
                      refusal ? ": " : "", refusal ? refusal : "");
    return 0;
}

/* ------------------------------------------------------------ for plan_agg.c,
 * plan_join.c */

void *hf_plan_aalloc(struct planner *p, size_t size)
{
    return aalloc(p, size);
}

struct hf_schema *hf_plan_aschema(struct planner *p, uint32_t n)
{
    return aschema(p, n);
}

struct rel *hf_plan_new_rel(struct planner *p, uint32_t n)
{
    return new_rel(p, n);
}

struct rel *hf_plan_node_rel(struct planner *p, uint32_t node,
                             const struct hf_schema *base, int line, int col)
{
    return node_rel(p, node, base, line, col);
}

struct scope *hf_plan_new_scope(struct planner *p, const struct rel *in,
                                const char *table, const char *alias)
{
    return new_scope(p, in, table, alias);
}

int hf_plan_rel_node(struct planner *p, struct rel *r, const struct hf_type *to,
                     const char *what)
{
    return rel_node(p, r, to, what);
}

struct hf_schema *hf_plan_own_schema(struct planner *p,
                                     const struct hf_schema *s)
{
    return own_schema(p, s);
}

const char *hf_plan_unique_name(struct planner *p, const struct hf_schema *s,
                                uint32_t n, const char *name)
{
    return unique_name(p, s, n, name);
}

/* ------------------------------------------------------------ normalize
 *
 * ChangelogNormalize (ops/normalize.c) goes between a source and the
 * consumers that need a complete changelog, as Flink's planner decides:
 * after a source whose changelog is an upsert stream (connector.h
 * upsert_source: +U without -U, -D with the key only), and after a CDC
 * source with a PRIMARY KEY when 'table.exec.source.cdc-events-duplicate'
 * is true (the events may repeat). Flink places it after every such scan
 * (StreamPhysicalTableSourceScanRule) and, since FLINK-37475 (2.1),
 * removes it again where no consumer needs it: an upsert sink keyed by the
 * source's primary key, taking no -U, with no filter pushed into the
 * normalize and no metadata column read (ChangelogNormalizeRequirement-
 * Resolver), never with cdc-events-duplicate (FLINK-37691). holoflow adds
 * it only where it is needed: before every operator (rel_node), and in
 * front of a sink unless the sink is such an upsert sink.
 */

/* 1: node `id` is a source whose changelog is an upsert stream; 2: a CDC
 * source with a primary key whose events may repeat; 0: neither. */
static int normalize_kind(struct planner *p, uint32_t id)
{
    const struct hf_node *n = &p->g->nodes[id];
    if (n->kind != HF_NODE_SOURCE || n->table == NULL)
        return 0;
    const struct hf_table_def *t = n->table;
    const struct hf_connector *c = t->connector;
    bool fmt = t->format && t->format->changelog;
    if (!fmt && c->upsert_source && c->upsert_source(t))
        return 1;
    bool clog = fmt || (c->produces_changelog && c->produces_changelog(t));
    const struct hf_opt_val *dup = hf_opts_get(
        &p->job->settings, "table.exec.source.cdc-events-duplicate", NULL);
    if (clog && t->schema.npk > 0 && dup && dup->v.b)
        return 2;
    return 0;
}

int hf_plan_normalize(struct planner *p, struct rel *r, bool update_before,
                      int line, int col)
{
    uint32_t src = r->node;
    int kind = normalize_kind(p, src);
    if (kind == 0)
        return 0;
    struct hf_table_def *t = p->g->nodes[src].table;
    if (t->schema.npk == 0)
        return err_at(p, HF_ERR_SQL, line, col,
                      "table '%s' is an upsert source (its changelog has +U "
                      "without -U and -D with the key only) and needs a "
                      "PRIMARY KEY for the ChangelogNormalize that completes "
                      "it for this query; declare PRIMARY KEY (...) NOT "
                      "ENFORCED",
                      t->name);
    /* One normalize per source, shared by its consumers (FLINK-38086). */
    for (uint32_t i = src + 1; i < p->g->nnodes; i++) {
        struct hf_node *n = &p->g->nodes[i];
        if (n->op == &hf_op_normalize && n->ninputs == 1 &&
            n->inputs[0] == src) {
            struct hf_normalize_spec *sp = n->spec;
            sp->update_before = sp->update_before || update_before;
            r->node = i;
            return 0;
        }
    }
    struct hf_normalize_spec *sp = calloc(1, sizeof *sp);
    if (sp)
        sp->key = calloc(t->schema.npk, sizeof *sp->key);
    if (sp == NULL || sp->key == NULL) {
        hf_normalize_spec_free(sp);
        return oom(p);
    }
    sp->in = &t->schema;
    sp->nkey = t->schema.npk;
    memcpy(sp->key, t->schema.pk, sp->nkey * sizeof *sp->key);
    sp->table = t->name;
    sp->update_before = update_before;
    const struct hf_opt_val *ttl =
        hf_opts_get(&p->job->settings, "table.exec.state.ttl", NULL);
    sp->ttl = ttl && ttl->v.i > 0;
    /* Mini-batch: Flink's ProcTimeMiniBatchDeduplicateKeepLastRowFunction
     * (the aggregate's settings and checks, plan_agg.c). */
    const struct hf_opt_val *mb =
        hf_opts_get(&p->job->settings, "table.exec.mini-batch.enabled", NULL);
    if (mb && mb->v.b && !p->batch_mode) {
        const struct hf_opt_val *lat = hf_opts_get(
            &p->job->settings, "table.exec.mini-batch.allow-latency", NULL);
        const struct hf_opt_val *size =
            hf_opts_get(&p->job->settings, "table.exec.mini-batch.size", NULL);
        sp->minibatch = true;
        sp->mb_latency_ms = lat ? lat->v.i : 0;
        sp->mb_size = size ? size->v.i : -1;
        if (sp->mb_latency_ms <= 0 || sp->mb_size <= 0) {
            hf_normalize_spec_free(sp);
            return err_at(p, HF_ERR_OPTION, line, col,
                          "table.exec.mini-batch.enabled is true: "
                          "table.exec.mini-batch.allow-latency and "
                          "table.exec.mini-batch.size must both be set above "
                          "0 (as Flink requires)");
        }
    }
    struct hf_node *nd = hf_graph_add(p->g, HF_NODE_OP, &src, 1);
    if (nd == NULL) {
        hf_normalize_spec_free(sp);
        return oom(p);
    }
    nd->op = &hf_op_normalize;
    nd->spec = sp;
    nd->schema = &t->schema;
    r->node = nd->id;
    return 0;
}

/* The column of source node `src` that r's column i is, read unchanged
 * through views and subqueries; -1 when it is computed. */
static int src_col_of(const struct rel *r, uint32_t i, uint32_t src, int depth)
{
    if (depth > 64)
        return -1;
    const struct rcol *c = &r->cols[i];
    if (c->ast == NULL)
        return r->node == src ? (int)c->base : -1;
    if (c->ast->kind != HF_AST_COLUMN || c->ast->args || c->scope == NULL)
        return -1;
    const struct rel *in = c->scope->in;
    int j = hf_schema_find(in->out, c->ast->text);
    if (j < 0)
        return -1;
    return src_col_of(in, (uint32_t)j, src, depth + 1);
}

/* Column col of node id read down to node `to` through the nodes
 * between (calcs reading a column as it is, lookup joins' input columns,
 * ChangelogNormalize): to's column, or -1 when it is computed. */
static int node_col_down(const struct hf_graph *g, uint32_t id, uint32_t col,
                         uint32_t to)
{
    for (int depth = 0; depth < 256; depth++) {
        if (id == to)
            return (int)col;
        const struct hf_node *n = &g->nodes[id];
        if (n->kind != HF_NODE_OP || n->ninputs != 1)
            return -1;
        if (n->op == &hf_op_calc) {
            const struct hf_calc_spec *c = n->spec;
            uint32_t from;
            if (col >= c->nproj || !hf_expr_column(c->proj[col], &from))
                return -1;
            col = from;
        } else if (n->op == &hf_op_lookup_join) {
            const struct hf_lookup_spec *ls = n->spec;
            if (col >= ls->nleft)
                return -1;
        } else if (n->op != &hf_op_normalize) {
            return -1;
        }
        id = n->inputs[0];
    }
    return -1;
}

/* table.exec.sink.upsert-materialize = AUTO for a CDC source read into
 * upsert sink `sink` through views, subqueries, filters, projections, a
 * ChangelogNormalize and lookup joins: Flink adds its
 * SinkUpsertMaterializer when the input's upsert key (the source's
 * PRIMARY KEY, its columns written unchanged) is not within the sink's
 * primary key, or the input has none (flink-stateful-sql.md §1.8): the
 * source has none (not here, below), a lookup join may match several dimension rows (its
 * keys not the dimension's PRIMARY KEY; FlinkRelMdUpsertKeys keeps the
 * input's key only when they are), or a UNION ALL is read (no upsert
 * key). 1: materialize, with *ukey (sink columns, malloc'd; *nukey) the
 * source key when the rows carry it; 0: not needed; -1: r is not such a
 * query (a join, an aggregate: decided elsewhere); -2: out of memory. */
static int cdc_sink_mat(struct planner *p, const struct rel *r,
                        const struct hf_table_def *sink,
                        const uint32_t *targets, uint32_t **ukey,
                        uint32_t *nukey)
{
    if (r->clog == NULL || r->clog_op || r->upd || r->rank || r->win)
        return -1;
    /* the nodes from r's down to the scan */
    uint32_t chain[64], nchain = 0, scan = r->node;
    bool keyed = true;
    for (;;) {
        const struct hf_node *n = &p->g->nodes[scan];
        if (nchain == 64)
            return -1;
        chain[nchain++] = scan;
        if (n->kind == HF_NODE_SOURCE)
            break;
        if (n->kind != HF_NODE_OP)
            return -1;
        if (n->op == &hf_op_union)
            return 1; /* no upsert key */
        if (n->ninputs != 1)
            return -1;
        if (n->op == &hf_op_lookup_join) {
            const struct hf_lookup_spec *ls = n->spec;
            keyed = keyed && ls->one_to_one;
        } else if (n->op != &hf_op_calc && n->op != &hf_op_normalize) {
            return -1;
        }
        scan = n->inputs[0];
    }
    const struct hf_node *n = &p->g->nodes[scan];
    if (n->table != r->clog)
        return -1;
    const struct hf_table_def *t = r->clog;
    if (!keyed)
        return 1;
    /* A deviation from Flink (docs/aggregation.md): a CDC source without
     * a PRIMARY KEY (debezium-json read as it is) gets no materializer.
     * Its rows carry every column, the sink's key among them, and reach
     * the sink in the order of the source, so the upsert sink applies
     * them as they come. A materializer would hold the live rows in
     * state, and that state is empty after a restart without
     * state.checkpoints.dir (offsets resume from the consumer group) and
     * in the other process after a rebalance moves a partition between
     * holoflow processes of one group (docs/kafka.md): every -D of a row
     * written before would find no row and be dropped, leaving rows the
     * source deleted in the table. */
    if (t->schema.npk == 0)
        return -1;
    uint32_t where[t->schema.npk]; /* source key column k: sink column */
    bool found[t->schema.npk];
    memset(found, 0, sizeof found);
    for (uint32_t i = 0; i < r->out->ncols; i++) {
        /* (the relations below a node still read the node below it) */
        int s = -1;
        for (uint32_t c = 0; s < 0 && c < nchain; c++) {
            int at = src_col_of(r, i, chain[c], 0);
            if (at >= 0)
                s = node_col_down(p->g, chain[c], (uint32_t)at, scan);
        }
        for (uint32_t k = 0; s >= 0 && k < t->schema.npk; k++)
            if (t->schema.pk[k] == (uint32_t)s && !found[k]) {
                found[k] = true;
                where[k] = targets[i];
            }
    }
    bool carried = true, within = true;
    for (uint32_t k = 0; k < t->schema.npk; k++) {
        bool in_pk = false;
        for (uint32_t j = 0; found[k] && j < sink->schema.npk; j++)
            in_pk = in_pk || sink->schema.pk[j] == where[k];
        carried = carried && found[k];
        within = within && in_pk;
    }
    if (within)
        return 0;
    if (carried) {
        if ((*ukey = malloc(t->schema.npk * sizeof **ukey)) == NULL)
            return -2;
        memcpy(*ukey, where, t->schema.npk * sizeof **ukey);
        *nukey = t->schema.npk;
    }
    return 1;
}

/* In front of sink `sink`: the normalize, unless r reads an upsert source
 * straight into an upsert sink keyed by the source's primary key (each
 * key column written from the same source key column, no metadata column
 * read, no filter): then neither -U, full deletes nor dropping repeated
 * rows is needed, and Flink 2.1+ plans none either. Also kept (without
 * -U) when the sink has a NOT NULL column outside its key: a key-only -D
 * would hold NULL there, which the NOT NULL check refuses. */
static int sink_normalize(struct planner *p, struct rel *r,
                          const struct hf_table_def *sink,
                          const uint32_t *targets,
                          const struct hf_ast_insert *ins)
{
    uint32_t src = r->node;
    int kind = normalize_kind(p, src);
    if (kind == 0)
        return 0;
    const struct hf_table_def *t = p->g->nodes[src].table;
    const struct hf_connector *cn = sink->connector;
    bool upsert =
        sink->schema.npk > 0 && (strcmp(cn->name, "upsert-kafka") == 0 ||
                                 strcmp(cn->name, "hologres") == 0);
    bool same_key = upsert && t->schema.npk == sink->schema.npk;
    bool meta = false, src_meta = false;
    for (uint32_t c = 0; c < t->schema.ncols; c++)
        src_meta = src_meta || t->schema.cols[c].kind == HF_COL_METADATA;
    uint32_t nc = sink->schema.ncols;
    int from[nc ? nc : 1]; /* sink column -> source column, -1 */
    for (uint32_t c = 0; c < nc; c++)
        from[c] = -1;
    for (uint32_t i = 0; i < r->out->ncols; i++) {
        int s = src_col_of(r, i, src, 0);
        from[targets[i]] = s;
        /* (an expression may read a metadata column) */
        if (s >= 0 ? t->schema.cols[s].kind == HF_COL_METADATA : src_meta)
            meta = true;
    }
    bool not_null = false;
    for (uint32_t c = 0; c < nc; c++) {
        const struct hf_column *col = &sink->schema.cols[c];
        bool key = false;
        for (uint32_t k = 0; k < sink->schema.npk; k++)
            key = key || sink->schema.pk[k] == c;
        if (!key && col->type.not_null && col->kind == HF_COL_PHYSICAL)
            not_null = true;
    }
    for (uint32_t k = 0; same_key && k < sink->schema.npk; k++) {
        int s = from[sink->schema.pk[k]];
        bool is_pk = false;
        for (uint32_t j = 0; s >= 0 && j < t->schema.npk; j++)
            is_pk = is_pk || t->schema.pk[j] == (uint32_t)s;
        same_key = is_pk;
        for (uint32_t j = 0; same_key && j < k; j++)
            same_key = from[sink->schema.pk[j]] != s;
    }
    if (kind == 1 && same_key && !meta && !not_null && r->nfilters == 0)
        return 0; /* the upsert stream as it is */
    int line = ins->target.line, col = ins->target.col;
    return hf_plan_normalize(p, r, !same_key, line, col);
}
