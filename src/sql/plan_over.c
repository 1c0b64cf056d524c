/*
 * plan_over.c - OVER aggregation: a SELECT whose items include
 * `agg(x) OVER (PARTITION BY ... ORDER BY t [ROWS|RANGE frame])` or
 * `agg(x) OVER w ... WINDOW w AS (...)`, planned into an over-aggregate
 * node (ops/over_agg.c) with Flink's rules (docs/aggregation.md, "OVER
 * aggregation"; Flink's over-agg.md and StreamPhysicalOverAggregateRule):
 *
 * - every OVER aggregate of the SELECT shares one window (same PARTITION
 *   BY, ORDER BY and frame), else "All aggregates must be computed on the
 *   same window";
 * - ORDER BY is exactly one time attribute (the table's WATERMARK column
 *   or a PROCTIME() column), ascending;
 * - the frame ends at CURRENT ROW and starts UNBOUNDED PRECEDING, at
 *   CURRENT ROW, or n PRECEDING (ROWS: a row count; RANGE: an INTERVAL);
 *   no frame written is RANGE UNBOUNDED PRECEDING (SQL's default);
 * - PARTITION BY is optional (then one instance holds every row);
 * - the input is insert-only: a changelog is refused, as Flink's
 *   OverAggregate "doesn't support consuming update and delete changes".
 * The output is append-only: the input's columns and one column per
 * aggregate, read by the SELECT's items through a relation over the node.
 *
 * The plan: the FROM relation after WHERE, plus one column per aggregate
 * argument, becomes a calc node; the over-aggregate node over it; the
 * items are bound over that node's columns (the input's names).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ops/op.h"
#include "ops/over_agg.h"
#include "runtime/plan.h"
#include "sql/expr.h"
#include "sql/plan_over.h"
#include "sql/plan_rel.h"

#define err_at hf_plan_err_at
#define oom hf_plan_oom

static bool is_ranking(const struct hf_ast_expr *f)
{
    return f->kind == HF_AST_FUNC && f->nargs == 0 &&
           (strcmp(f->text, "ROW_NUMBER") == 0 ||
            strcmp(f->text, "RANK") == 0 || strcmp(f->text, "DENSE_RANK") == 0);
}

/* One OVER call: the function, its window. */
struct ocall {
    const struct hf_ast_expr *f;
    const struct hf_ast_over *ov;
};

/* The calls f(...) OVER ... inside expression a, in order, into out (NULL:
 * count only); their number. */
static uint32_t nested_calls(const struct hf_ast_expr *a, struct ocall *out,
                             uint32_t n)
{
    if (a == NULL)
        return n;
    if (a->kind == HF_AST_FUNC && a->over) {
        if (out) {
            out[n].f = a;
            out[n].ov = a->over;
        }
        return n + 1;
    }
    for (uint32_t i = 0; i < a->nargs; i++)
        n = nested_calls(a->args[i], out, n);
    return n;
}

bool hf_plan_over_query(const struct hf_ast_query *q)
{
    if (q->kind != HF_QUERY_SELECT)
        return false;
    for (uint32_t i = 0; i < q->nitems; i++)
        if ((q->items[i].over && !is_ranking(q->items[i].expr)) ||
            (q->items[i].expr && nested_calls(q->items[i].expr, NULL, 0)))
            return true;
    return false;
}

/* A copy of a (in the arena) whose OVER calls are the columns "$o<j>"
 * (j: the call's index in calls). NULL when out of memory. */
static struct hf_ast_expr *over_cols(struct planner *p,
                                     const struct hf_ast_expr *a,
                                     const struct ocall *calls, uint32_t n)
{
    struct hf_ast_expr *c = hf_arena_alloc(&p->arena, sizeof *c);
    if (c == NULL)
        return NULL;
    *c = *a;
    if (a->kind == HF_AST_FUNC && a->over) {
        uint32_t j = 0;
        while (j < n && calls[j].f != a)
            j++;
        char nb[32];
        snprintf(nb, sizeof nb, "$o%u", j);
        memset(c, 0, sizeof *c);
        c->kind = HF_AST_COLUMN;
        c->line = a->line;
        c->col = a->col;
        c->off = a->off;
        c->end = a->end;
        c->depth = 1;
        c->text = hf_arena_strndup(&p->arena, nb, strlen(nb));
        return c->text ? c : NULL;
    }
    if (a->nargs) {
        c->args = hf_arena_alloc(&p->arena, a->nargs * sizeof *c->args);
        if (c->args == NULL)
            return NULL;
        for (uint32_t i = 0; i < a->nargs; i++)
            if ((c->args[i] = over_cols(p, a->args[i], calls, n)) == NULL)
                return NULL;
    }
    return c;
}

/* An aggregate call in `a` (without OVER), or NULL. */
static const struct hf_ast_expr *some_agg(const struct hf_ast_expr *a)
{
    if (a == NULL || a->over)
        return NULL;
    if (a->kind == HF_AST_FUNC && a->text && hf_aggfn_is_name(a->text))
        return a;
    for (uint32_t i = 0; i < a->nargs; i++) {
        const struct hf_ast_expr *g = some_agg(a->args[i]);
        if (g)
            return g;
    }
    return NULL;
}

static bool text_same(const char *a, const char *b)
{
    return a == NULL || b == NULL ? a == b : strcasecmp(a, b) == 0;
}

/* Structural equality of two expressions as written: every field that
 * carries meaning (an INTERVAL's unit and a column's table are in qual;
 * IS, TRIM, TRY_CAST, SYMMETRIC, CASE's shape in the flags). */
static bool ast_same(const struct hf_ast_expr *a, const struct hf_ast_expr *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    if (a->kind != b->kind || a->op != b->op || a->is != b->is ||
        a->trim != b->trim || a->nargs != b->nargs ||
        a->negated != b->negated || a->try_cast != b->try_cast ||
        a->b != b->b || a->distinct != b->distinct ||
        a->has_operand != b->has_operand || a->has_else != b->has_else)
        return false;
    if (!text_same(a->text, b->text) || !text_same(a->qual, b->qual))
        return false;
    if (!hf_type_equal(&a->type, &b->type))
        return false;
    if (!ast_same(a->filter, b->filter) ||
        (a->over != NULL) != (b->over != NULL))
        return false;
    for (uint32_t i = 0; i < a->nargs; i++)
        if (!ast_same(a->args[i], b->args[i]))
            return false;
    return true;
}

static bool bound_same(const struct hf_ast_bound *a,
                       const struct hf_ast_bound *b)
{
    return a->kind == b->kind && ast_same(a->n, b->n);
}

/* The frame of `o` as written, no frame being SQL's default RANGE
 * BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW. */
static enum hf_ast_frame frame_norm(const struct hf_ast_over *o,
                                    struct hf_ast_bound *lo,
                                    struct hf_ast_bound *hi)
{
    if (o->frame != HF_FRAME_NONE) {
        *lo = o->lo;
        *hi = o->hi;
        return o->frame;
    }
    memset(lo, 0, sizeof *lo);
    memset(hi, 0, sizeof *hi);
    lo->kind = HF_BOUND_UNBOUNDED_PRECEDING;
    hi->kind = HF_BOUND_CURRENT_ROW;
    return HF_FRAME_RANGE;
}

static bool window_same(const struct hf_ast_over *a,
                        const struct hf_ast_over *b)
{
    struct hf_ast_bound alo, ahi, blo, bhi;
    if (a->npart != b->npart || a->norder != b->norder ||
        frame_norm(a, &alo, &ahi) != frame_norm(b, &blo, &bhi) ||
        !bound_same(&alo, &blo) || !bound_same(&ahi, &bhi))
        return false;
    for (uint32_t i = 0; i < a->npart; i++)
        if (!ast_same(a->part[i], b->part[i]))
            return false;
    for (uint32_t i = 0; i < a->norder; i++)
        if (a->order[i].desc != b->order[i].desc ||
            !ast_same(a->order[i].expr, b->order[i].expr))
            return false;
    return true;
}

/* Column `a` (a plain name, or qual.name) of `in`, else an error naming
 * `what` of `fn`. A qualified name is resolved as the scope resolves it:
 * in a join, y.k is y's k, not the first k. Used by OVER aggregates and
 * ROW_NUMBER() alike. */
int hf_plan_window_col(struct planner *p, const struct rel *in,
                       const struct scope *s, const struct hf_ast_expr *a,
                       const char *what, const char *fn, uint32_t *idx)
{
    int c = -1;
    if (a->kind == HF_AST_COLUMN && a->args == NULL &&
        s->bs.schema == in->out) {
        if (s->bs.lookup) {
            c = s->bs.lookup(s->bs.resolve_ctx, a->qual, a->text, a, p->err);
            if (c == -1)
                return -1;
        } else {
            const char *t = s->bs.alias ? s->bs.alias : s->bs.table;
            if (a->qual == NULL || (t && strcmp(a->qual, t) == 0))
                c = hf_schema_find(in->out, a->text);
        }
    }
    if (c >= 0) {
        *idx = (uint32_t)c;
        return 0;
    }
    struct hf_expr *e = hf_expr_bind(&s->bs, a, p->err);
    if (e == NULL)
        return -1;
    hf_expr_free(e);
    return err_at(p, HF_ERR_UNSUPPORTED, a->line, a->col,
                  "%s of %s must name a column; an expression is not "
                  "supported (compute it as a column in a subquery)",
                  what, fn);
}

/* The constant `a` of a frame bound: a row count (ROWS) or an interval
 * in microseconds (RANGE). */
static int frame_offset(struct planner *p, const struct scope *s,
                        const struct hf_ast_over *ov, int64_t *out)
{
    const struct hf_ast_expr *a = ov->lo.n;
    bool rows = ov->frame == HF_FRAME_ROWS;
    const struct hf_ast_expr *col = hf_plan_ast_column(a);
    if (col)
        return err_at(p, HF_ERR_SQL, col->line, col->col,
                      "the %s frame's offset must be a constant; it reads "
                      "column '%s'",
                      rows ? "ROWS" : "RANGE", col->text);
    struct hf_expr *e = hf_expr_bind(&s->bs, a, p->err);
    if (e == NULL)
        return -1;
    const struct hf_type *t = hf_expr_type(e);
    bool ok = rows ? (t->id == HF_TINYINT || t->id == HF_SMALLINT ||
                      t->id == HF_INT || t->id == HF_BIGINT)
                   : t->id == HF_INTERVAL_DT;
    struct hf_value v = {.null = true};
    int rc = -1;
    if (ok) {
        struct hf_batch *b = hf_batch_new(1, 1);
        struct hf_error err;
        hf_error_clear(&err);
        rc = b ? hf_expr_eval(e, NULL, b, &v, &err) : -1;
        hf_batch_destroy(b);
    }
    hf_expr_free(e);
    if (rc != 0 || v.null || v.v.i < 0)
        return err_at(p, HF_ERR_SQL, a->line, a->col,
                      rows ? "the ROWS frame's offset must be a constant "
                             "non-negative integer (ROWS BETWEEN 2 PRECEDING "
                             "AND CURRENT ROW)"
                           : "the RANGE frame's offset must be a constant "
                             "INTERVAL (RANGE BETWEEN INTERVAL '1' HOUR "
                             "PRECEDING AND CURRENT ROW), as the ORDER BY is "
                             "a time attribute");
    /* A ROWS frame never holds more rows than a partition's state can
     * (ROW_MAX bytes, over_agg.c): a larger offset is that frame, and the
     * operator's `preceding + 1` cannot overflow. */
    *out = rows && v.v.i > INT32_MAX ? INT32_MAX : v.v.i;
    return 0;
}

/* Check the window and fill the frame of sp. */
static int frame_of(struct planner *p, const struct scope *s,
                    const struct hf_ast_over *ov, struct hf_over_spec *sp)
{
    sp->range = ov->frame != HF_FRAME_ROWS;
    if (ov->frame == HF_FRAME_NONE) {
        sp->unbounded = true;
        return 0;
    }
    if (ov->hi.kind != HF_BOUND_CURRENT_ROW)
        return err_at(p, HF_ERR_UNSUPPORTED, ov->hi.line, ov->hi.col,
                      "an OVER window must end at CURRENT ROW (Flink: OVER "
                      "RANGE FOLLOWING windows are not supported yet)");
    switch (ov->lo.kind) {
    case HF_BOUND_UNBOUNDED_PRECEDING:
        sp->unbounded = true;
        return 0;
    case HF_BOUND_CURRENT_ROW:
        sp->preceding = 0;
        return 0;
    case HF_BOUND_PRECEDING:
        return frame_offset(p, s, ov, &sp->preceding);
    default:
        return err_at(p, HF_ERR_UNSUPPORTED, ov->lo.line, ov->lo.col,
                      "an OVER window must start at UNBOUNDED PRECEDING, n "
                      "PRECEDING or CURRENT ROW (Flink supports no FOLLOWING "
                      "bound)");
    }
}

/* The input's description when it is a changelog, else NULL. */
static const char *changelog_of(const struct rel *in, char *buf, size_t n)
{
    if (in->clog) {
        snprintf(buf, n, "table '%s'", in->clog->name);
        return buf;
    }
    if (in->upd) {
        snprintf(buf, n, "%s", in->upd->node_text);
        return buf;
    }
    if (in->clog_op) {
        snprintf(buf, n, "%s", in->clog_op);
        return buf;
    }
    return NULL;
}

int hf_plan_over(struct planner *p, const struct hf_ast_query *q,
                 struct rel *in, struct scope *s, const char *table,
                 struct rel **out)
{
    /* The OVER calls (whole items, and inside items' expressions); the
     * window of the first is the window. */
    uint32_t naggs = 0;
    for (uint32_t i = 0; i < q->nitems; i++)
        naggs += q->items[i].over ? 1 : nested_calls(q->items[i].expr, NULL, 0);
    struct ocall *calls = hf_plan_aalloc(p, (naggs + 1) * sizeof *calls);
    if (calls == NULL)
        return -1;
    naggs = 0;
    for (uint32_t i = 0; i < q->nitems; i++) {
        if (q->items[i].over) {
            calls[naggs].f = q->items[i].expr;
            calls[naggs].ov = q->items[i].over;
            naggs++;
        } else {
            naggs = nested_calls(q->items[i].expr, calls, naggs);
        }
    }
    const struct ocall *first = NULL;
    for (uint32_t i = 0; i < naggs; i++) {
        const struct hf_ast_expr *f = calls[i].f;
        const struct hf_ast_over *ow = calls[i].ov;
        if (is_ranking(f))
            return err_at(p, HF_ERR_UNSUPPORTED, f->line, f->col,
                          "%s() and OVER aggregation in one SELECT are not "
                          "supported, nor %s() inside an expression; rank in "
                          "an outer query",
                          f->text, f->text);
        enum hf_aggfn_kind k;
        if (hf_aggfn_lookup(f->text, &k) != 0)
            return err_at(p, HF_ERR_UNSUPPORTED, f->line, f->col,
                          "%s(...) OVER (...): OVER takes an aggregate "
                          "function (COUNT, SUM, MIN, MAX, AVG, ...) or "
                          "ROW_NUMBER()",
                          f->text);
        if (f->filter)
            return err_at(p, HF_ERR_UNSUPPORTED, f->filter->line,
                          f->filter->col,
                          "FILTER (WHERE ...) on an OVER aggregate is not "
                          "supported");
        if (first == NULL)
            first = &calls[i];
        else if (!window_same(first->ov, ow))
            return err_at(p, HF_ERR_UNSUPPORTED, ow->line, ow->col,
                          "all OVER aggregates of a SELECT must be computed "
                          "on the same window, as in Flink (\"Over Agg: "
                          "Unsupported use of OVER windows. All aggregates "
                          "must be computed on the same window.\"); this "
                          "window differs from the one at line %d, column "
                          "%d: compute the other in its own query",
                          first->ov->line, first->ov->col);
    }
    const struct hf_ast_over *ov = first->ov;
    if (q->has_group || q->having)
        return err_at(p, HF_ERR_UNSUPPORTED, ov->line, ov->col,
                      "OVER aggregation in a SELECT with GROUP BY or HAVING "
                      "is not supported; aggregate in an inner query");
    if (q->distinct)
        return err_at(p, HF_ERR_UNSUPPORTED, q->distinct_line, q->distinct_col,
                      "SELECT DISTINCT with OVER aggregation is not "
                      "supported");
    if (p->batch_mode)
        return err_at(p, HF_ERR_UNSUPPORTED, ov->line, ov->col,
                      "OVER aggregation is supported in streaming mode only");
    if (in->rank)
        return err_at(p, HF_ERR_UNSUPPORTED, ov->line, ov->col,
                      "OVER aggregation over a ROW_NUMBER() ranking is not "
                      "supported");
    for (uint32_t i = 0; i < q->nitems; i++) {
        const struct hf_ast_select_item *it = &q->items[i];
        const struct hf_ast_expr *g = it->over ? NULL : some_agg(it->expr);
        if (g)
            return err_at(p, HF_ERR_UNSUPPORTED, g->line, g->col,
                          "%s without OVER beside OVER aggregates is not "
                          "supported (it would need GROUP BY)",
                          g->text);
    }
    char cl[300];
    if (changelog_of(in, cl, sizeof cl))
        return err_at(p, HF_ERR_UNSUPPORTED, ov->line, ov->col,
                      "OVER aggregation does not support consuming update "
                      "and delete changes (nor does Flink's OverAggregate); "
                      "its input, %s, is a changelog",
                      cl);

    /* ORDER BY: one ascending time attribute. */
    if (ov->norder == 0)
        return err_at(p, HF_ERR_UNSUPPORTED, ov->line, ov->col,
                      "an OVER window needs ORDER BY a time attribute in "
                      "streaming mode (Flink: OVER windows' ordering in "
                      "stream mode must be defined on a time attribute)");
    if (ov->norder > 1)
        return err_at(p, HF_ERR_UNSUPPORTED, ov->order[1].line,
                      ov->order[1].col,
                      "an OVER window can only be ordered by a single time "
                      "column, as in Flink");
    if (ov->order[0].desc)
        return err_at(p, HF_ERR_UNSUPPORTED, ov->order[0].line,
                      ov->order[0].col,
                      "an OVER window can only be ordered in ASCENDING "
                      "mode, as in Flink");
    uint32_t n = in->out->ncols;
    struct hf_over_spec *sp = calloc(1, sizeof *sp);
    if (sp == NULL)
        return oom(p);
    sp->part = calloc(ov->npart + 1, sizeof *sp->part);
    sp->aggs = calloc(naggs + 1, sizeof *sp->aggs);
    sp->npart = ov->npart;
    sp->naggs = naggs;
    int rc = sp->part && sp->aggs ? 0 : oom(p);
    for (uint32_t i = 0; i < ov->npart && rc == 0; i++)
        rc = hf_plan_window_col(p, in, s, ov->part[i], "PARTITION BY",
                                "an OVER window", &sp->part[i]);
    if (rc == 0)
        rc = hf_plan_window_col(p, in, s, ov->order[0].expr, "ORDER BY",
                                "an OVER window", &sp->tcol);
    if (rc == 0)
        rc = frame_of(p, s, ov, sp);

    /* The input: in's columns after WHERE, then the arguments. */
    uint32_t nargs = 0;
    for (uint32_t i = 0; i < naggs; i++) {
        const struct hf_ast_expr *f = calls[i].f;
        if (f->nargs >= 1 &&
            !(f->nargs == 1 && f->args[0]->kind == HF_AST_STAR))
            nargs++;
    }
    struct rel *pre = rc == 0 ? hf_plan_new_rel(p, n + nargs) : NULL;
    if (pre == NULL) {
        hf_over_spec_free(sp);
        return -1;
    }
    pre->node = in->node;
    pre->base = in->base;
    pre->win = in->win;
    for (uint32_t i = 0; i < n; i++) {
        pre->out->cols[i] = in->out->cols[i];
        pre->cols[i] = in->cols[i];
    }
    pre->filters = hf_plan_aalloc(p, (in->nfilters + 1) * sizeof *pre->filters);
    if (pre->filters == NULL) {
        hf_over_spec_free(sp);
        return -1;
    }
    for (uint32_t i = 0; i < in->nfilters; i++)
        pre->filters[pre->nfilters++] = in->filters[i];
    if (q->where) {
        struct hf_expr *w = hf_expr_bind(&s->bs, q->where, p->err);
        bool okw = w && hf_expr_type(w)->id == HF_BOOLEAN &&
                   !hf_expr_is_untyped_null(w);
        bool bound = w != NULL; /* taken before w is freed */
        hf_expr_free(w);
        if (!okw) {
            hf_over_spec_free(sp);
            return !bound
                       ? -1
                       : err_at(p, HF_ERR_TYPE, q->where->line, q->where->col,
                                "WHERE needs a BOOLEAN condition");
        }
        pre->filters[pre->nfilters].ast = q->where;
        pre->filters[pre->nfilters].scope = s;
        pre->nfilters++;
    }
    char why[300];
    uint32_t a = 0, k = n;
    for (uint32_t i = 0; i < naggs && rc == 0; i++) {
        const struct hf_ast_expr *f = calls[i].f;
        struct hf_over_call *c = &sp->aggs[a++];
        enum hf_aggfn_kind kind;
        hf_aggfn_lookup(f->text, &kind);
        bool star = f->nargs == 1 && f->args[0]->kind == HF_AST_STAR;
        uint32_t maxargs = kind == HF_AGG_LISTAGG ? 2 : 1;
        if (f->nargs == 0 || f->nargs > maxargs) {
            rc =
                err_at(p, HF_ERR_SQL, f->line, f->col, "%s takes %s argument%s",
                       hf_aggfn_name(kind), maxargs == 2 ? "one or two" : "one",
                       maxargs == 2 ? "s" : "");
            break;
        }
        if (star && (kind != HF_AGG_COUNT || f->distinct)) {
            rc = err_at(p, HF_ERR_SQL, f->line, f->col,
                        "%s(*) is not allowed; only COUNT(*)",
                        hf_aggfn_name(kind));
            break;
        }
        struct hf_type at = {0};
        c->arg = -1;
        if (!star) {
            char nb[32];
            snprintf(nb, sizeof nb, "$oa%u", a - 1);
            pre->out->cols[k].name =
                hf_arena_strndup(&p->arena, nb, strlen(nb));
            pre->cols[k].ast = f->args[0];
            pre->cols[k].scope = s;
            pre->cols[k].line = f->args[0]->line;
            pre->cols[k].col = f->args[0]->col;
            struct hf_expr *x = hf_expr_bind(&s->bs, f->args[0], p->err);
            if (x == NULL) {
                rc = -1;
                break;
            }
            at = *hf_expr_type(x);
            bool nl = hf_expr_is_untyped_null(x);
            hf_expr_free(x);
            if (nl) {
                rc = err_at(p, HF_ERR_TYPE, f->args[0]->line, f->args[0]->col,
                            "%s over NULL of no type; write CAST(NULL AS "
                            "<type>)",
                            hf_aggfn_name(kind));
                break;
            }
            pre->out->cols[k].type = at;
            c->arg = (int32_t)k++;
        } else {
            kind = HF_AGG_COUNT_STAR;
        }
        if (hf_aggfn_init(&c->fn, kind, star ? NULL : &at, f->distinct,
                          !sp->unbounded, why, sizeof why) != 0) {
            rc = err_at(p, HF_ERR_TYPE, f->line, f->col, "%s", why);
            break;
        }
        if (kind == HF_AGG_LISTAGG && f->nargs == 2) {
            const struct hf_ast_expr *sep = f->args[1];
            if (sep->kind != HF_AST_STRING ||
                strlen(sep->text) >= sizeof c->fn.sep) {
                rc = err_at(p, HF_ERR_SQL, sep->line, sep->col,
                            "LISTAGG's separator must be a string literal");
                break;
            }
            c->fn.seplen = (uint32_t)strlen(sep->text);
            memcpy(c->fn.sep, sep->text, c->fn.seplen);
        }
    }
    if (rc == 0)
        rc = hf_plan_rel_node(p, pre, NULL, "the OVER aggregation's input");
    if (rc == 0) {
        int ta = hf_plan_time_attr(p->g, pre->node, sp->tcol);
        if (ta == 0)
            rc = err_at(p, HF_ERR_UNSUPPORTED, ov->order[0].line,
                        ov->order[0].col,
                        "ORDER BY column '%s' of the OVER window is not a time "
                        "attribute: OVER windows' ordering in stream mode "
                        "must be defined on a time attribute (the table's "
                        "WATERMARK column or a PROCTIME() column), as in "
                        "Flink",
                        in->out->cols[sp->tcol].name);
        sp->rowtime = ta == 1;
    }
    if (rc != 0) {
        hf_over_spec_free(sp);
        return -1;
    }
    sp->in = pre->base;

    /* The node: pre's columns, then the results. */
    uint32_t pn = pre->base->ncols;
    struct hf_schema *os = calloc(1, sizeof *os);
    if (os)
        os->cols = calloc(pn + naggs + 1, sizeof *os->cols);
    if (os == NULL || os->cols == NULL) {
        free(os);
        hf_over_spec_free(sp);
        return oom(p);
    }
    for (uint32_t i = 0; i < pn + naggs; i++) {
        char nb[32];
        snprintf(nb, sizeof nb, "$o%u", i - pn);
        os->cols[i].name = strdup(i < pn ? pre->base->cols[i].name : nb);
        os->cols[i].type =
            i < pn ? pre->base->cols[i].type : sp->aggs[i - pn].fn.result;
        os->ncols++;
        if (os->cols[i].name == NULL)
            break;
    }
    struct hf_node *nd = NULL;
    if (os->ncols == pn + naggs && os->cols[pn + naggs - 1].name)
        nd = hf_graph_add(p->g, HF_NODE_OP, &pre->node, 1);
    if (nd == NULL) {
        hf_schema_free(os);
        free(os);
        hf_over_spec_free(sp);
        return oom(p);
    }
    nd->op = &hf_op_over_agg;
    nd->spec = sp;
    nd->own_schema = os;
    nd->schema = os;

    /* The items over the node: in's names for its first n columns, then
     * the results as $o<j> (an OVER call inside an expression reads it). */
    struct rel *post = hf_plan_new_rel(p, n + naggs);
    if (post == NULL)
        return -1;
    post->node = nd->id;
    post->base = os;
    for (uint32_t i = 0; i < n; i++) {
        post->out->cols[i] = in->out->cols[i];
        post->out->cols[i].type = os->cols[i].type;
        post->cols[i].base = i;
        post->cols[i].line = in->cols[i].line;
        post->cols[i].col = in->cols[i].col;
    }
    for (uint32_t j = 0; j < naggs; j++) {
        post->out->cols[n + j] = os->cols[pn + j];
        post->cols[n + j].base = pn + j;
    }
    struct scope *s2 =
        s->tabs ? hf_plan_join_scope(p, post, s->tabs, s->ntabs)
                : hf_plan_new_scope(p, post, table, q->from.alias.name);
    if (s2 == NULL)
        return -1;
    uint32_t nout = 0;
    for (uint32_t i = 0; i < q->nitems; i++)
        nout += q->items[i].expr ? 1 : n;
    struct rel *r = hf_plan_new_rel(p, nout);
    if (r == NULL)
        return -1;
    r->node = nd->id;
    r->base = os;
    k = 0;
    a = 0;
    for (uint32_t i = 0; i < q->nitems; i++) {
        const struct hf_ast_select_item *it = &q->items[i];
        if (it->expr == NULL) {
            if (it->star_qual && s->tabs == NULL && q->from.alias.name &&
                strcmp(it->star_qual, q->from.alias.name) != 0)
                return err_at(p, HF_ERR_SQL, it->line, it->col,
                              "unknown table '%s' in '%s.*'", it->star_qual,
                              it->star_qual);
            for (uint32_t c = 0; c < n; c++, k++) {
                r->cols[k] = post->cols[c];
                r->cols[k].line = it->line;
                r->cols[k].col = it->col;
                r->out->cols[k] = post->out->cols[c];
                r->out->cols[k].name = (char *)hf_plan_unique_name(
                    p, r->out, k, post->out->cols[c].name);
                if (r->out->cols[k].name == NULL)
                    return -1;
            }
            continue;
        }
        if (it->over) {
            r->cols[k].ast = NULL;
            r->cols[k].scope = NULL;
            r->cols[k].base = pn + a;
            r->out->cols[k].type = sp->aggs[a].fn.result;
            a++;
        } else {
            const struct hf_ast_expr *x = it->expr;
            uint32_t nn = nested_calls(x, NULL, 0);
            if (nn && s->tabs)
                return err_at(p, HF_ERR_UNSUPPORTED, it->line, it->col,
                              "an OVER aggregate inside an expression over a "
                              "join is not supported; compute it in an outer "
                              "query");
            if (nn && (x = over_cols(p, x, calls, naggs)) == NULL)
                return oom(p);
            a += nn;
            struct hf_expr *e = hf_expr_bind(&s2->bs, x, p->err);
            if (e == NULL)
                return -1;
            r->out->cols[k].type = *hf_expr_type(e);
            hf_expr_free(e);
            r->cols[k].ast = x;
            r->cols[k].scope = s2;
        }
        const char *name = it->alias.name;
        char buf[32];
        if (name == NULL && it->expr->kind == HF_AST_COLUMN && !it->over)
            name = it->expr->text;
        if (name == NULL) {
            snprintf(buf, sizeof buf, "EXPR$%u", k);
            name = hf_arena_strndup(&p->arena, buf, strlen(buf));
            if (name == NULL)
                return oom(p);
        }
        r->out->cols[k].name = (char *)hf_plan_unique_name(p, r->out, k, name);
        if (r->out->cols[k].name == NULL)
            return -1;
        r->cols[k].line = it->line;
        r->cols[k].col = it->col;
        k++;
    }
    r->rn_col = UINT32_MAX;
    *out = r;
    return 0;
}
