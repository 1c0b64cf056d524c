/*
 * plan_window.c - planning event-time and processing-time windows:
 * window table functions in FROM (TUMBLE, HOP, CUMULATE), the window
 * aggregate they feed (GROUP BY window_start, window_end, ...), and the
 * legacy group windows (GROUP BY TUMBLE(ts, ...) / HOP(ts, ...) with
 * TUMBLE_START, TUMBLE_END, TUMBLE_ROWTIME, HOP_START, HOP_END,
 * HOP_ROWTIME).
 *
 * A window TVF becomes a window TVF node (ops/window_tvf.c) over its
 * table: the table's columns, then window_start, window_end and
 * window_time. Its time column must be a time attribute, as in Flink: the
 * rowtime of a table with a WATERMARK (event time) or a PROCTIME()
 * column (processing time), read through views and subqueries unchanged.
 *
 * An aggregating SELECT over such a relation whose GROUP BY names both
 * window_start and window_end is a window aggregate (plan_agg.c calls
 * hf_plan_window_keys and builds ops/window_agg.c's node instead of a
 * group aggregate): it emits each window's final rows once, insert-only.
 * Any other GROUP BY over a window TVF is an ordinary (updating) group
 * aggregate, as in Flink.
 *
 * A legacy group window is rewritten into that form before plan_agg.c
 * plans the query (hf_plan_window_legacy): the FROM relation gets a window
 * TVF node of the group window's kind, the GROUP BY TUMBLE(...) becomes
 * GROUP BY $window_start, $window_end (names no query can write), and
 * TUMBLE_START/_END/_ROWTIME calls read those columns. SESSION windows
 * and the *_PROCTIME functions are refused by name.
 *
 * Memory: ASTs made here live in the planner's arena; specs belong to the
 * graph once their node is added.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/batch.h"
#include "core/tz.h"
#include "ops/calc.h"
#include "ops/join.h"
#include "ops/lookup_join.h"
#include "ops/over_agg.h"
#include "ops/window_agg.h"
#include "sql/expr.h"
#include "sql/plan_rel.h"

#define err_at hf_plan_err_at
#define oom hf_plan_oom
#define MS 1000

/* ------------------------------------------------------------ time */

/* Calc node `n` computes its column `col`: 1 when that is the computed
 * column a table's WATERMARK is for (the planner marks it when it expands
 * the table's definition; ts + INTERVAL '1' HOUR AS ts is not), else 0. */
static int computed_rowtime(const struct hf_node *n, uint32_t col)
{
    const struct hf_calc_spec *c = n->spec;
    return c->rowtime && col < c->nproj && c->rowtime[col] ? 1 : 0;
}

/* Is column `col` of node `id` a time attribute? 1 rowtime, 2 proctime,
 * 0 neither. Followed through calcs that pass the column unchanged.
 * (Also plan_join.c's, for interval joins: hf_plan_time_attr.) */
static int time_attr(const struct hf_graph *g, uint32_t id, uint32_t col)
{
    for (int depth = 0; depth < 256; depth++) {
        const struct hf_node *n = &g->nodes[id];
        if (n->kind == HF_NODE_SOURCE) {
            const struct hf_table_def *t = n->table;
            if (t->watermark && t->watermark->rowtime == col)
                return 1;
            if (col < t->schema.ncols &&
                t->schema.cols[col].kind == HF_COL_PROCTIME)
                return 2;
            return 0;
        }
        if (n->kind == HF_NODE_OP && n->op == &hf_op_interval_join) {
            /* Flink's interval join keeps both sides' time attributes
             * (its output watermark is held back for them). */
            const struct hf_join_spec *js = n->spec;
            bool right = col >= js->nleft;
            id = n->inputs[right ? 1 : 0];
            col -= right ? js->nleft : 0;
            continue;
        }
        if (n->kind != HF_NODE_OP || n->ninputs != 1)
            return 0;
        if (n->op == &hf_op_lookup_join) {
            /* The input row comes first, its time attributes kept (so
             * lookup joins chain on the same s.proc, as in Flink). */
            const struct hf_lookup_spec *ls = n->spec;
            if (col >= ls->nleft)
                return 0;
        } else if (n->op == &hf_op_calc) {
            const struct hf_calc_spec *c = n->spec;
            if (col >= c->nproj)
                return 0;
            uint32_t from;
            if (hf_expr_is_proctime(c->proj[col]))
                return 2;
            if (!hf_expr_column(c->proj[col], &from))
                return computed_rowtime(n, col);
            col = from;
        } else if (n->op == &hf_op_window_tvf) {
            const struct hf_window_tvf_spec *w = n->spec;
            if (col == w->in->ncols + 2) /* window_time */
                return w->time_col < 0 ? 2 : 1;
            if (col >= w->in->ncols)
                return 0;
        } else if (n->op == &hf_op_over_agg) {
            /* OVER aggregation keeps its input's time attributes, as
             * Flink's OverAggregate (its rows leave behind the watermark
             * that passes them). */
            const struct hf_over_spec *o = n->spec;
            if (col >= o->in->ncols)
                return 0;
        } else if (n->op->flags & HF_OP_PASSTHROUGH) {
            /* the same columns */
        } else {
            return 0;
        }
        id = n->inputs[0];
    }
    return 0;
}

int hf_plan_time_attr(const struct hf_graph *g, uint32_t id, uint32_t col)
{
    return time_attr(g, id, col);
}

/* The value of constant interval `a` in microseconds, checked to be a
 * positive (or, for an offset, any) whole number of milliseconds. */
static int interval_arg(struct planner *p, const struct scope *s,
                        const struct hf_ast_expr *a, const char *what,
                        bool offset, int64_t *out)
{
    const struct hf_ast_expr *col = hf_plan_ast_column(a);
    if (col)
        return err_at(p, HF_ERR_SQL, col->line, col->col,
                      "the %s of a window must be a constant INTERVAL; it "
                      "reads column '%s'",
                      what, col->text);
    struct hf_expr *e = hf_expr_bind(&s->bs, a, p->err);
    if (e == NULL)
        return -1;
    char tn[64];
    const struct hf_type *t = hf_expr_type(e);
    if (t->id != HF_INTERVAL_DT) {
        int rc = err_at(p, HF_ERR_TYPE, a->line, a->col,
                        "the %s of a window must be an INTERVAL DAY TO "
                        "SECOND constant (e.g. INTERVAL '1' MINUTE), found "
                        "%s",
                        what, hf_type_name(t, tn, sizeof tn));
        hf_expr_free(e);
        return rc;
    }
    struct hf_batch *b = hf_batch_new(1, 1);
    struct hf_value v = {.null = true};
    struct hf_error err;
    hf_error_clear(&err);
    int rc = b ? hf_expr_eval(e, NULL, b, &v, &err) : -1;
    hf_batch_destroy(b);
    hf_expr_free(e);
    if (rc != 0 || v.null)
        return err_at(p, HF_ERR_SQL, a->line, a->col,
                      "the %s of a window must be a constant INTERVAL%s%s",
                      what, rc ? ": " : "", rc ? err.msg : "");
    if ((!offset && v.v.i <= 0) || v.v.i % MS != 0)
        return err_at(p, HF_ERR_SQL, a->line, a->col,
                      "the %s of a window must be %sa whole number of "
                      "milliseconds",
                      what, offset ? "" : "positive and ");
    *out = v.v.i;
    return 0;
}

/* ------------------------------------------------------------ the TVF */

static const char *kind_name(enum hf_window_kind k)
{
    return k == HF_WIN_TUMBLE     ? "TUMBLE"
           : k == HF_WIN_HOP      ? "HOP"
           : k == HF_WIN_SESSION ? "SESSION"
                                  : "CUMULATE";
}

/* The window of `fn` over `data` (args: the intervals as the function
 * takes them). 0 or -1. */
static int window_def(struct planner *p, const struct scope *s, const char *fn,
                      int line, int col, struct hf_ast_expr *const *args,
                      uint32_t nargs, struct hf_window_def *w)
{
    memset(w, 0, sizeof *w);
    if (strcasecmp(fn, "SESSION") == 0) {
        w->kind = HF_WIN_SESSION;
        if (nargs != 1)
            return err_at(p, HF_ERR_SQL, line, col,
                          "SESSION takes one gap interval (and no offset)");
        if (interval_arg(p, s, args[0], "gap", false, &w->size) != 0)
            return -1;
        w->slide = w->size;
        return 0;
    }
    bool tumble = strcasecmp(fn, "TUMBLE") == 0;
    w->kind = tumble                       ? HF_WIN_TUMBLE
              : strcasecmp(fn, "HOP") == 0 ? HF_WIN_HOP
                                           : HF_WIN_CUMULATE;
    uint32_t need = tumble ? 1 : 2;
    if (nargs < need || nargs > need + 1)
        return err_at(p, HF_ERR_SQL, line, col,
                      "%s takes %s, and an optional offset", fn,
                      tumble                  ? "a size"
                      : w->kind == HF_WIN_HOP ? "a slide and a size"
                                              : "a step and a max size");
    if (tumble) {
        if (interval_arg(p, s, args[0], "size", false, &w->size) != 0)
            return -1;
        w->slide = w->size;
    } else {
        const char *first = w->kind == HF_WIN_HOP ? "slide" : "step";
        if (interval_arg(p, s, args[0], first, false, &w->slide) != 0 ||
            interval_arg(p, s, args[1], "size", false, &w->size) != 0)
            return -1;
        if (w->size % w->slide != 0)
            return err_at(p, HF_ERR_SQL, args[1]->line, args[1]->col,
                          "%s requires the size to be a whole multiple of "
                          "the %s (as Flink)",
                          fn, first);
    }
    if (nargs > need &&
        interval_arg(p, s, args[need], "offset", true, &w->offset) != 0)
        return -1;
    return 0;
}

/* Append the window's text: "TUMBLE(time_col=[ts], size=[60000 ms])". */
static void window_text(const struct hf_window_def *w, const char *tcol,
                        struct hf_strbuf *b)
{
    hf_strbuf_printf(b, "%s(time_col=[%s], ", kind_name(w->kind), tcol);
    if (w->kind == HF_WIN_SESSION) {
        hf_strbuf_printf(b, "gap=[%" PRId64 " ms])", w->size / MS);
        return;
    }
    if (w->kind == HF_WIN_HOP)
        hf_strbuf_printf(b, "slide=[%" PRId64 " ms], ", w->slide / MS);
    if (w->kind == HF_WIN_CUMULATE)
        hf_strbuf_printf(b, "step=[%" PRId64 " ms], ", w->slide / MS);
    hf_strbuf_printf(b, "size=[%" PRId64 " ms]", w->size / MS);
    if (w->offset)
        hf_strbuf_printf(b, ", offset=[%" PRId64 " ms]", w->offset / MS);
    hf_strbuf_puts(b, ")");
}

/* The window TVF node over `data` (made a node here) with window `w` on
 * its column `tcol`; the three columns get the names in names[]. */
static int add_tvf(struct planner *p, struct rel *data, uint32_t tcol,
                   int tkind, const struct hf_window_def *w,
                   const struct hf_ast_wtvf *f, const char *const names[3],
                   int line, int col, struct rel **out)
{
    uint32_t n = data->out->ncols;
    struct hf_schema *s = hf_plan_aschema(p, n + 3);
    if (s == NULL)
        return -1;
    for (uint32_t i = 0; i < n; i++)
        s->cols[i] = data->out->cols[i];
    for (uint32_t i = 0; i < 3; i++) {
        s->cols[n + i].name =
            (char *)hf_plan_unique_name(p, s, n + i, names[i]);
        if (s->cols[n + i].name == NULL)
            return -1;
        s->cols[n + i].type = (struct hf_type){
            .id = HF_TIMESTAMP, .precision = 3, .not_null = true};
    }
    /* window_time: a time attribute of the time column's type. */
    const struct hf_type *tt = &data->out->cols[tcol].type;
    struct hf_window_def wd = *w;
    if (tkind == 2 || tt->id == HF_TIMESTAMP_LTZ) {
        s->cols[n + 2].type.id = HF_TIMESTAMP_LTZ;
        /* Aligned in the session time zone (window_agg.h). */
        wd.shift_tz = p->tz && p->tz != hf_tz_utc() ? p->tz : NULL;
    }
    w = &wd;
    struct hf_window_tvf_spec *spec = calloc(1, sizeof *spec);
    if (spec == NULL)
        return oom(p);
    spec->win = *w;
    spec->time_col = tkind == 2 ? -1 : (int32_t)tcol;
    spec->line = line;
    spec->col = col;
    struct hf_strbuf tb;
    hf_strbuf_init(&tb, 4096);
    window_text(w, data->out->cols[tcol].name, &tb);
    if (w->shift_tz)
        hf_strbuf_printf(&tb, ", time zone=[%s]", hf_tz_id(w->shift_tz));
    if (tkind == 2)
        hf_strbuf_puts(&tb, ", processing time");
    spec->text = tb.data ? strdup(tb.data) : NULL;
    hf_strbuf_free(&tb);
    bool have_text = spec->text != NULL;
    struct hf_schema *os = have_text ? hf_plan_own_schema(p, s) : NULL;
    if (os == NULL) {
        free(spec->text);
        free(spec);
        return have_text ? -1 : oom(p);
    }
    struct hf_node *nd = hf_graph_add(p->g, HF_NODE_OP, &data->node, 1);
    if (nd == NULL) {
        free(spec->text);
        free(spec);
        hf_schema_free(os);
        free(os);
        return oom(p);
    }
    spec->in = data->base;
    nd->op = &hf_op_window_tvf;
    nd->spec = spec;
    nd->own_schema = os;
    nd->schema = os;
    struct rel *r = hf_plan_node_rel(p, nd->id, os, line, col);
    if (r == NULL)
        return -1;
    r->clog = data->clog;
    r->clog_format = data->clog_format;
    r->upd = data->upd;
    struct rwin *rw = hf_plan_aalloc(p, sizeof *rw);
    if (rw == NULL)
        return -1;
    rw->start = n;
    rw->end = n + 1;
    rw->time = n + 2;
    rw->proctime = tkind == 2;
    rw->def = *w;
    rw->tvf_node = nd->id;
    rw->legacy = f == NULL;
    if (f) {
        rw->part = f->part;
        rw->npart = f->npart;
    }
    r->win = rw;
    *out = r;
    return 0;
}

int hf_plan_window_tvf(struct planner *p, const struct hf_ast_wtvf *f,
                       const char *table, struct rel *data, struct rel **out)
{
    if (data->upd)
        return err_at(p, HF_ERR_UNSUPPORTED, f->line, f->col,
                      "a window function over an updating query (an "
                      "aggregate) is not supported");
    if (hf_plan_normalize(p, data, true, f->line, f->col) != 0)
        return -1;
    int idx = hf_schema_find(data->out, f->timecol.name);
    if (idx < 0)
        return err_at(p, HF_ERR_SQL, f->timecol.line, f->timecol.col,
                      "DESCRIPTOR(%s): '%s' has no column '%s'",
                      f->timecol.name, table, f->timecol.name);
    struct scope *s = hf_plan_new_scope(p, data, table, NULL);
    if (s == NULL)
        return -1;
    struct hf_window_def w;
    if (window_def(p, s, f->fn, f->line, f->col, f->args, f->nargs, &w) != 0)
        return -1;
    if (hf_plan_rel_node(p, data, NULL, "the window function's table") != 0)
        return -1;
    int tk = time_attr(p->g, data->node, (uint32_t)idx);
    if (tk == 0) {
        char tn[64];
        return err_at(p, HF_ERR_SQL, f->timecol.line, f->timecol.col,
                      "the window function requires the time column to be "
                      "a time attribute (the rowtime of a table with a "
                      "WATERMARK, or a PROCTIME() column), but '%s' is %s",
                      f->timecol.name,
                      hf_type_name(&data->out->cols[idx].type, tn, sizeof tn));
    }
    if (tk == 2 && p->batch_mode)
        return err_at(p, HF_ERR_UNSUPPORTED, f->timecol.line, f->timecol.col,
                      "processing-time windows are not supported in batch "
                      "mode (as in Flink)");
    static const char *const names[3] = {"window_start", "window_end",
                                         "window_time"};
    for (uint32_t i = 0; i < f->npart; i++)
        if (hf_schema_find(data->out, f->part[i].name) < 0)
            return err_at(p, HF_ERR_SQL, f->part[i].line, f->part[i].col,
                          "PARTITION BY %s: '%s' has no column '%s'",
                          f->part[i].name, table, f->part[i].name);
    return add_tvf(p, data, (uint32_t)idx, tk, &w, f, names, f->line, f->col,
                   out);
}

/* ------------------------------------------------------------ legacy */

static const char *const legacy_names[3] = {"$window_start", "$window_end",
                                            "$window_time"};

static bool is_group_window(const struct hf_ast_expr *g)
{
    return g->kind == HF_AST_FUNC && g->text &&
           (strcasecmp(g->text, "TUMBLE") == 0 ||
            strcasecmp(g->text, "HOP") == 0 ||
            strcasecmp(g->text, "SESSION") == 0);
}

static struct hf_ast_expr *
col_ast(struct planner *p, const struct hf_ast_expr *at, const char *name)
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

/* e with TUMBLE_START(...) etc. of group window `fn` replaced by column
 * references; -1 on a refused function (error set), NULL out on oom. */
static int rewrite_aux(struct planner *p, const char *fn,
                       const struct hf_ast_expr *e, struct hf_ast_expr **out)
{
    *out = NULL;
    if (e == NULL)
        return 0;
    if (e->kind == HF_AST_FUNC && e->text) {
        static const char *const pfx[] = {"TUMBLE_", "HOP_", "SESSION_"};
        for (size_t k = 0; k < 3; k++) {
            size_t pl = strlen(pfx[k]);
            if (strncasecmp(e->text, pfx[k], pl) != 0)
                continue;
            const char *what = e->text + pl;
            if (strncasecmp(e->text, fn, strlen(fn)) != 0 ||
                e->text[strlen(fn)] != '_')
                return err_at(p, HF_ERR_SQL, e->line, e->col,
                              "%s does not match the group window %s of "
                              "GROUP BY",
                              e->text, fn);
            int c = strcasecmp(what, "START") == 0     ? 0
                    : strcasecmp(what, "END") == 0     ? 1
                    : strcasecmp(what, "ROWTIME") == 0 ? 2
                                                       : -1;
            if (c < 0)
                return err_at(p, HF_ERR_UNSUPPORTED, e->line, e->col,
                              "%s is not supported; %s_START, %s_END and "
                              "%s_ROWTIME are",
                              e->text, fn, fn, fn);
            *out = col_ast(p, e, legacy_names[c]);
            return *out ? 0 : oom(p);
        }
    }
    struct hf_ast_expr *c = hf_plan_aalloc(p, sizeof *c);
    if (c == NULL)
        return -1;
    *c = *e;
    if (e->nargs) {
        c->args = hf_plan_aalloc(p, e->nargs * sizeof *c->args);
        if (c->args == NULL)
            return -1;
        for (uint32_t i = 0; i < e->nargs; i++)
            if (rewrite_aux(p, fn, e->args[i], &c->args[i]) != 0)
                return -1;
    }
    if (e->filter && rewrite_aux(p, fn, e->filter, &c->filter) != 0)
        return -1;
    *out = c;
    return 0;
}

int hf_plan_window_legacy(struct planner *p, const struct hf_ast_query **qp,
                          struct rel **inp, struct scope **sp,
                          const char *table)
{
    const struct hf_ast_query *q = *qp;
    const struct hf_ast_expr *gw = NULL;
    uint32_t gi = 0;
    for (uint32_t i = 0; i < q->ngroup; i++) {
        if (!is_group_window(q->group[i]))
            continue;
        if (gw)
            return err_at(p, HF_ERR_SQL, q->group[i]->line, q->group[i]->col,
                          "GROUP BY has more than one group window");
        gw = q->group[i];
        gi = i;
    }
    if (gw == NULL)
        return 0;
    const char *fn = strcasecmp(gw->text, "TUMBLE") == 0    ? "TUMBLE"
                     : strcasecmp(gw->text, "SESSION") == 0 ? "SESSION"
                                                            : "HOP";
    if (fn[0] == 'S') {
        if (gw->nargs != 2)
            return err_at(p, HF_ERR_SQL, gw->line, gw->col,
                          "SESSION(time, gap) takes 2 arguments");
    } else {
        uint32_t need = fn[0] == 'T' ? 2 : 3;
        if (gw->nargs < need || gw->nargs > need + 1)
            return err_at(p, HF_ERR_SQL, gw->line, gw->col,
                          "%s(time, %s[, offset]) takes %u or %u arguments",
                          fn, need == 2 ? "size" : "slide, size", need,
                          need + 1);
    }
    const struct hf_ast_expr *ta = gw->args[0];
    if (ta->kind != HF_AST_COLUMN)
        return err_at(p, HF_ERR_SQL, ta->line, ta->col,
                      "the first argument of %s must be a time attribute "
                      "column",
                      fn);
    struct rel *in = *inp;
    /* The FROM relation's filters stay below the window. */
    int idx = hf_schema_find(in->out, ta->text);
    if (idx < 0)
        return err_at(p, HF_ERR_SQL, ta->line, ta->col,
                      "'%s' has no column '%s'", table, ta->text);
    struct hf_window_def w;
    /* Legacy HOP is (slide, size); the TVF takes the same order. */
    if (window_def(p, *sp, fn, gw->line, gw->col, gw->args + 1, gw->nargs - 1,
                   &w) != 0)
        return -1;
    if (q->where) {
        /* WHERE applies before the window: fold it into the relation. */
        struct rfilter *f = hf_plan_aalloc(p, (in->nfilters + 1) * sizeof *f);
        if (f == NULL)
            return -1;
        memcpy(f, in->filters, in->nfilters * sizeof *f);
        f[in->nfilters].ast = q->where;
        f[in->nfilters].scope = *sp;
        struct rel *c = hf_plan_new_rel(p, 0);
        if (c == NULL)
            return -1;
        *c = *in;
        c->filters = f;
        c->nfilters = in->nfilters + 1;
        in = c;
    }
    if (hf_plan_rel_node(p, in, NULL, "the group window's input") != 0)
        return -1;
    int tk = time_attr(p->g, in->node, (uint32_t)idx);
    if (tk == 0)
        return err_at(p, HF_ERR_SQL, ta->line, ta->col,
                      "the group window's time '%s' must be a time "
                      "attribute (the rowtime of a table with a WATERMARK, "
                      "or a PROCTIME() column)",
                      ta->text);
    if (tk == 2 && p->batch_mode)
        return err_at(p, HF_ERR_UNSUPPORTED, ta->line, ta->col,
                      "processing-time windows are not supported in batch "
                      "mode (as in Flink)");
    struct rel *win;
    if (add_tvf(p, in, (uint32_t)idx, tk, &w, NULL, legacy_names, gw->line,
                gw->col, &win) != 0)
        return -1;
    /* The query, rewritten over the window's columns. */
    struct hf_ast_query *nq = hf_plan_aalloc(p, sizeof *nq);
    if (nq == NULL)
        return -1;
    *nq = *q;
    nq->where = NULL;
    nq->group = hf_plan_aalloc(p, (q->ngroup + 1) * sizeof *nq->group);
    nq->items = hf_plan_aalloc(p, (q->nitems + 1) * sizeof *nq->items);
    if (nq->group == NULL || nq->items == NULL)
        return -1;
    nq->ngroup = 0;
    for (uint32_t i = 0; i < q->ngroup; i++) {
        if (i != gi) {
            nq->group[nq->ngroup++] = q->group[i];
            continue;
        }
        nq->group[nq->ngroup] = col_ast(p, gw, legacy_names[0]);
        nq->group[nq->ngroup + 1] = col_ast(p, gw, legacy_names[1]);
        if (nq->group[nq->ngroup] == NULL || nq->group[nq->ngroup + 1] == NULL)
            return -1;
        /* explain shows them by name, not as the TUMBLE(...) written */
        for (int k = 0; k < 2; k++)
            nq->group[nq->ngroup + k]->off = nq->group[nq->ngroup + k]->end =
                0;
        nq->ngroup += 2;
    }
    for (uint32_t i = 0; i < q->nitems; i++) {
        nq->items[i] = q->items[i];
        if (q->items[i].expr == NULL)
            continue;
        if (rewrite_aux(p, fn, q->items[i].expr, &nq->items[i].expr) != 0)
            return -1;
        /* A column's name stays; a call is EXPR$i, as before. */
        if (nq->items[i].alias.name == NULL &&
            q->items[i].expr->kind != HF_AST_COLUMN) {
            char nb[32];
            snprintf(nb, sizeof nb, "EXPR$%u", i);
            nq->items[i].alias.name =
                hf_arena_strndup(&p->arena, nb, strlen(nb));
            if (nq->items[i].alias.name == NULL)
                return oom(p);
        }
    }
    if (q->having && rewrite_aux(p, fn, q->having, &nq->having) != 0)
        return -1;
    struct scope *ns = hf_plan_new_scope(p, win, table, q->from.alias.name);
    if (ns == NULL)
        return -1;
    *qp = nq;
    *inp = win;
    *sp = ns;
    return 0;
}

/* ------------------------------------------------------------ aggregate */

int hf_plan_window_keys(const struct rel *in,
                        const struct hf_ast_expr *const *keys, uint32_t nkeys,
                        uint32_t *start_key, uint32_t *end_key)
{
    if (in->win == NULL)
        return 0;
    const char *sn = in->out->cols[in->win->start].name;
    const char *en = in->out->cols[in->win->end].name;
    int s = -1, e = -1;
    for (uint32_t i = 0; i < nkeys; i++) {
        const struct hf_ast_expr *k = keys[i];
        if (k->kind != HF_AST_COLUMN || k->text == NULL)
            continue;
        if (s < 0 && strcmp(k->text, sn) == 0)
            s = (int)i;
        else if (e < 0 && strcmp(k->text, en) == 0)
            e = (int)i;
    }
    if (s < 0 || e < 0)
        return 0;
    *start_key = (uint32_t)s;
    *end_key = (uint32_t)e;
    return 1;
}

int hf_plan_window_agg_node(struct planner *p, const struct rel *in,
                            struct rel *pre, struct hf_group_agg_spec *g,
                            uint32_t start_key, uint32_t end_key,
                            struct hf_schema *os, const char *groupby,
                            uint32_t *id)
{
    struct hf_window_agg_spec *s = calloc(1, sizeof *s);
    if (s == NULL) {
        hf_group_agg_spec_free(g);
        hf_schema_free(os);
        free(os);
        return oom(p);
    }
    /* The group aggregate's planned keys and calls move over. */
    s->in = g->in;
    s->keys = g->keys;
    s->nkeys = g->nkeys;
    s->calls = g->aggs;
    s->ncalls = g->naggs;
    s->retract_input = g->retract_input;
    g->keys = NULL;
    g->aggs = NULL;
    g->naggs = 0;
    s->start_key = start_key;
    s->end_key = end_key;
    s->proctime = in->win->proctime;
    const struct hf_window_tvf_spec *tv0 =
        p->g->nodes[in->win->tvf_node].spec;
    s->shift_tz = tv0->win.shift_tz;
    if (tv0->win.kind == HF_WIN_SESSION && s->retract_input) {
        hf_window_agg_spec_free(s);
        hf_group_agg_spec_free(g);
        hf_schema_free(os);
        free(os);
        return err_at(p, HF_ERR_UNSUPPORTED, tv0->line, tv0->col,
                      "session windows over an updating input (a "
                      "changelog source or an aggregate) are not "
                      "supported; TUMBLE, HOP and CUMULATE windows take "
                      "retractions");
    }
    struct hf_strbuf tb;
    hf_strbuf_init(&tb, 1 << 16);
    hf_strbuf_puts(&tb, "window=[");
    const struct hf_window_tvf_spec *tv = p->g->nodes[in->win->tvf_node].spec;
    hf_strbuf_puts(&tb, tv->text);
    hf_strbuf_printf(&tb, "], %s", groupby ? groupby : "");
    s->text = tb.data ? strdup(tb.data) : NULL;
    hf_strbuf_free(&tb);
    hf_group_agg_spec_free(g); /* groupby may be its text */
    struct hf_node *nd =
        s->text ? hf_graph_add(p->g, HF_NODE_OP, &pre->node, 1) : NULL;
    if (nd == NULL) {
        hf_window_agg_spec_free(s);
        hf_schema_free(os);
        free(os);
        return oom(p);
    }
    nd->op = &hf_op_window_agg;
    if (tv->win.kind == HF_WIN_SESSION) {
        nd->op = &hf_op_session_agg;
        ((struct hf_window_tvf_spec *)tv)->consumed = true;
    }
    nd->spec = s;
    nd->own_schema = os;
    nd->schema = os;
    *id = nd->id;
    return 0;
}

/* ------------------------------------------------------------ sessions */

/* Is key k (an AST expression) the column named `name`? */
static bool key_is(const struct hf_ast_expr *k, const char *name)
{
    return k->kind == HF_AST_COLUMN && k->text &&
           strcasecmp(k->text, name) == 0;
}

int hf_plan_window_session_keys(struct planner *p, const struct rel *in,
                                const struct hf_ast_expr *const *keys,
                                uint32_t nkeys, uint32_t start_key,
                                uint32_t end_key)
{
    const struct rwin *w = in->win;
    if (w == NULL || w->def.kind != HF_WIN_SESSION || w->legacy)
        return 0;
    const struct hf_window_tvf_spec *tv = p->g->nodes[w->tvf_node].spec;
    for (uint32_t i = 0; i < nkeys; i++) {
        if (i == start_key || i == end_key)
            continue;
        bool found = false;
        for (uint32_t j = 0; j < w->npart && !found; j++)
            found = key_is(keys[i], w->part[j].name);
        if (!found)
            return err_at(p, HF_ERR_UNSUPPORTED, keys[i]->line, keys[i]->col,
                          "GROUP BY over a SESSION window takes "
                          "window_start, window_end and the SESSION's "
                          "PARTITION BY columns only; add this key to "
                          "PARTITION BY (sessions are kept per partition)");
    }
    for (uint32_t j = 0; j < w->npart; j++) {
        bool found = false;
        for (uint32_t i = 0; i < nkeys && !found; i++)
            found = i != start_key && i != end_key &&
                    key_is(keys[i], w->part[j].name);
        if (!found)
            return err_at(p, HF_ERR_UNSUPPORTED, w->part[j].line,
                          w->part[j].col,
                          "the SESSION window is partitioned by %s, but "
                          "the GROUP BY over it does not name it",
                          w->part[j].name);
    }
    (void)tv;
    return 0;
}

int hf_plan_window_check_sessions(struct planner *p)
{
    for (uint32_t i = 0; i < p->g->nnodes; i++) {
        const struct hf_node *n = &p->g->nodes[i];
        if (n->kind != HF_NODE_OP || n->op != &hf_op_window_tvf)
            continue;
        const struct hf_window_tvf_spec *tv = n->spec;
        if (tv->win.kind == HF_WIN_SESSION && !tv->consumed)
            return err_at(p, HF_ERR_UNSUPPORTED, tv->line, tv->col,
                          "the SESSION window function is supported only "
                          "under GROUP BY window_start, window_end (a "
                          "session window aggregate): its rows' sessions "
                          "are known only when they close");
    }
    return 0;
}
