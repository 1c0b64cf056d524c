/*
 * plan_join.c - joins in FROM into join nodes: `a [INNER] JOIN b ON ...`,
 * `LEFT|RIGHT|FULL [OUTER] JOIN`, comma joins (`FROM a, b WHERE a.k =
 * b.k`, an inner join whose condition is WHERE's, as Flink plans it),
 * chains of joins (left-deep), over tables, views, WITH queries and
 * subqueries, with aliases and qualified names.
 *
 * The condition (ON; for inner and comma joins also the conjuncts of
 * WHERE that span both sides) is split into conjuncts: an equality whose
 * operands each read one side (a.k = b.k, a.k + 1 = b.j) gives a key
 * pair; every other conjunct is the residual condition, evaluated on the
 * joined row (for an outer join it stays in the join: a row it rejects is
 * padded; WHERE applies after). A key operand that is not a column of its
 * side, or whose type differs from the other operand's, becomes a hidden
 * column of that side's calc, cast to the common type, so the operator
 * compares keys as bytes. A join with no key pair is refused, as Flink
 * refuses it in streaming.
 *
 * Names: a column is found among the joined tables by `t.col` (t the
 * alias or, without one, the table's name) or by `col` alone when exactly
 * one table has it; in two tables it is ambiguous, and the error names
 * both. SELECT * gives every table's columns in FROM order (a repeated
 * name gets a number, as Calcite's), `t.*` one table's.
 *
 * The join's rows are updates when an input's are, or when it is an
 * outer join in streaming mode (the padded row is retracted when a match
 * arrives); rel->clog_op then names the join for the sink check. An inner
 * join of two append-only inputs is append-only. In batch mode an outer
 * join pads only at the end, so its rows are inserts.
 *
 * Interval joins: in streaming mode, when both inputs are append-only and
 * the residual bounds one side's time attribute against the other's from
 * below and above (BETWEEN, >=, >, <=, < with constant INTERVAL offsets;
 * both rowtimes or both PROCTIME(), see plan_window.c's
 * hf_plan_time_attr), the node runs ops/interval_join.c with the bounds
 * of l.time - r.time in ms (exclusive ones moved by 1 ms, as Flink), and
 * its rows are inserts, outer or not. Other time bounds stay ordinary
 * conditions of a regular join, as in Flink.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/batch.h"
#include "conf/opt.h"
#include "core/log.h"
#include "ops/join.h"
#include "ops/upsert_materialize.h"
#include "ops/op.h"
#include "sql/expr.h"
#include "runtime/plan.h"
#include "sql/plan_rel.h"

#define err_at hf_plan_err_at
#define oom hf_plan_oom


/* ------------------------------------------------------------ names */

static int join_lookup(void *ctx, const char *qual, const char *name,
                       const struct hf_ast_expr *at, struct hf_error *err)
{
    const struct scope *s = ctx;
    const struct hf_schema *sch = s->in->out;
    const struct hf_sql_src *src = &s->p->src;
    if (qual) {
        for (uint32_t t = 0; t < s->ntabs; t++) {
            if (s->tabs[t].qual == NULL || strcmp(s->tabs[t].qual, qual) != 0)
                continue;
            for (uint32_t c = s->tabs[t].first;
                 c < s->tabs[t].first + s->tabs[t].n; c++)
                if (strcmp(sch->cols[c].name, name) == 0)
                    return (int)c;
            return hf_sql_error_at(err, HF_ERR_SQL, src, at->line, at->col,
                                   "unknown column '%s' in table '%s'", name,
                                   qual);
        }
        /* q.f may be field f of a ROW column q. */
        for (uint32_t c = 0; c < sch->ncols; c++)
            if (strcmp(sch->cols[c].name, qual) == 0)
                return -2;
        char list[300];
        size_t off = 0;
        list[0] = '\0';
        for (uint32_t t = 0; t < s->ntabs && off < sizeof list; t++) {
            if (s->tabs[t].qual == NULL)
                continue;
            int w = snprintf(list + off, sizeof list - off, "%s'%s'",
                             off ? ", " : "", s->tabs[t].qual);
            if (w > 0)
                off += (size_t)w;
        }
        return hf_sql_error_at(err, HF_ERR_SQL, src, at->line, at->col,
                               "unknown table '%s' in '%s.%s'; the join "
                               "reads %s",
                               qual, qual, name, list);
    }
    int found = -1;
    uint32_t ft = 0;
    for (uint32_t t = 0; t < s->ntabs; t++)
        for (uint32_t c = s->tabs[t].first; c < s->tabs[t].first + s->tabs[t].n;
             c++) {
            if (strcmp(sch->cols[c].name, name) != 0)
                continue;
            if (found >= 0) {
                const char *a = s->tabs[ft].qual, *b = s->tabs[t].qual;
                return hf_sql_error_at(
                    err, HF_ERR_SQL, src, at->line, at->col,
                    "column '%s' is ambiguous: tables '%s' and '%s' both "
                    "have it; qualify it (%s.%s)",
                    name, a ? a : "(subquery)", b ? b : "(subquery)",
                    a   ? a
                    : b ? b
                        : "t",
                    name);
            }
            found = (int)c;
            ft = t;
        }
    if (found >= 0)
        return found;
    return hf_sql_error_at(err, HF_ERR_SQL, src, at->line, at->col,
                           "unknown column '%s' in the tables of the join",
                           name);
}

struct scope *hf_plan_join_scope(struct planner *p, const struct rel *r,
                                 const struct jtab *tabs, uint32_t ntabs)
{
    struct scope *s = hf_plan_new_scope(p, r, "(join)", NULL);
    if (s == NULL)
        return NULL;
    s->tabs = tabs;
    s->ntabs = ntabs;
    s->bs.lookup = join_lookup;
    return s;
}

/* Which sides (1 left, 2 right) the columns of `a` read, in the scope of
 * the two sides side by side (left's columns first, `nl` of them); -1 on
 * an unknown or ambiguous name. */
int hf_plan_sides_of(const struct scope *s, uint32_t nl,
                    const struct hf_ast_expr *a, struct hf_error *err)
{
    if (a == NULL)
        return 0;
    int m = 0;
    if (a->kind == HF_AST_COLUMN) {
        int i = join_lookup((void *)s, a->qual, a->text, a, err);
        if (i == -2)
            i = join_lookup((void *)s, NULL, a->qual, a, err);
        if (i < 0)
            return -1;
        return (uint32_t)i < nl ? 1 : 2;
    }
    for (uint32_t k = 0; k < a->nargs; k++) {
        int x = hf_plan_sides_of(s, nl, a->args[k], err);
        if (x < 0)
            return -1;
        m |= x;
    }
    return m;
}

/* A time operand of an interval join's bound: `col`, `col + INTERVAL
 * c` or `col - INTERVAL c` (c constant), the column a time attribute of
 * one side. *side (1 left, 2 right), *tk (1 rowtime, 2 proctime), *tc
 * (the column in the side's node) and *off (microseconds). false when
 * `a` is none. */
static bool time_operand(struct planner *p, const struct scope *js,
                         const struct rel *r, uint32_t nlb,
                         const struct rel *L, const struct rel *R,
                         const struct hf_ast_expr *a, int *side, int *tk,
                         uint32_t *tc, int64_t *off)
{
    *off = 0;
    if (a->kind == HF_AST_BINARY &&
        (a->op == HF_AOP_ADD || a->op == HF_AOP_SUB)) {
        const struct hf_ast_expr *c = a->args[0], *iv = a->args[1];
        if (a->op == HF_AOP_ADD && c->kind == HF_AST_INTERVAL) {
            c = a->args[1];
            iv = a->args[0];
        }
        if (c->kind != HF_AST_COLUMN || iv->kind != HF_AST_INTERVAL)
            return false;
        struct hf_error tmp = {0};
        struct hf_expr *e = hf_expr_bind(&js->bs, iv, &tmp);
        hf_error_clear(&tmp);
        if (e == NULL)
            return false;
        struct hf_batch *b = hf_batch_new(1, 1);
        struct hf_value v = {.null = true};
        bool ok = b && hf_expr_type(e)->id == HF_INTERVAL_DT &&
                  hf_expr_eval(e, NULL, b, &v, &tmp) == 0 && !v.null;
        hf_error_clear(&tmp);
        hf_batch_destroy(b);
        hf_expr_free(e);
        if (!ok)
            return false;
        *off = a->op == HF_AOP_SUB ? -v.v.i : v.v.i;
        a = c;
    }
    if (a->kind != HF_AST_COLUMN)
        return false;
    struct hf_error tmp = {0};
    int i = join_lookup((void *)js, a->qual, a->text, a, &tmp);
    hf_error_clear(&tmp);
    if (i < 0)
        return false;
    uint32_t base = r->cols[i].base;
    bool left = base < nlb;
    const struct rel *sr = left ? L : R;
    *side = left ? 1 : 2;
    *tc = left ? base : base - nlb;
    *tk = hf_plan_time_attr(p->g, sr->node, *tc);
    return *tk != 0;
}

/* Is `a` (a residual conjunct) a time bound between the two sides'
 * time attributes (l.ts BETWEEN r.ts - INTERVAL '10' SECOND AND r.ts,
 * l.ts >= r.ts - ..., l.ts < r.ts)? Then it narrows [*lo, *hi], the
 * bounds of l.ts - r.ts in milliseconds (an exclusive bound moves by
 * 1 ms, as Flink normalises it), and sets the time columns and kind,
 * which must agree with those already found (*tk 0: none yet). */
struct tbound {
    int tk; /* 0 none yet */
    uint32_t lt, rt;
    int64_t lo, hi;
    bool has_lo, has_hi;
};

static bool one_bound(struct planner *p, const struct scope *js,
                      const struct rel *r, uint32_t nlb, const struct rel *L,
                      const struct rel *R, const struct hf_ast_expr *x,
                      enum hf_ast_op op, const struct hf_ast_expr *y,
                      struct tbound *tb)
{
    int sx, sy, kx, ky;
    uint32_t cx, cy;
    int64_t ox, oy;
    if (!time_operand(p, js, r, nlb, L, R, x, &sx, &kx, &cx, &ox) ||
        !time_operand(p, js, r, nlb, L, R, y, &sy, &ky, &cy, &oy) ||
        sx == sy || kx != ky)
        return false;
    /* x + ox op y + oy, as l - r op c. */
    int64_t c;
    if (sx == 2) {
        op = op == HF_AOP_LT   ? HF_AOP_GT
             : op == HF_AOP_LE ? HF_AOP_GE
             : op == HF_AOP_GT ? HF_AOP_LT
                               : HF_AOP_LE;
        c = ox - oy;
    } else {
        c = oy - ox;
    }
    uint32_t lt = sx == 1 ? cx : cy, rt = sx == 1 ? cy : cx;
    if (tb->tk && (tb->tk != kx || tb->lt != lt || tb->rt != rt))
        return false;
    tb->tk = kx;
    tb->lt = lt;
    tb->rt = rt;
    /* Milliseconds, rounded as Flink's (its intervals are ms). */
    int64_t ms = c >= 0 ? c / 1000 : -((-c + 999) / 1000);
    if (op == HF_AOP_GE || op == HF_AOP_GT) {
        int64_t lo = op == HF_AOP_GT ? ms + 1 : ms;
        if (!tb->has_lo || lo > tb->lo)
            tb->lo = lo;
        tb->has_lo = true;
    } else {
        int64_t hi = op == HF_AOP_LT ? ms - 1 : ms;
        if (!tb->has_hi || hi < tb->hi)
            tb->hi = hi;
        tb->has_hi = true;
    }
    return true;
}

static bool time_bound(struct planner *p, const struct scope *js,
                       const struct rel *r, uint32_t nlb, const struct rel *L,
                       const struct rel *R, const struct hf_ast_expr *a,
                       struct tbound *tb)
{
    if (a->kind == HF_AST_BINARY &&
        (a->op == HF_AOP_LT || a->op == HF_AOP_LE || a->op == HF_AOP_GT ||
         a->op == HF_AOP_GE))
        return one_bound(p, js, r, nlb, L, R, a->args[0], a->op, a->args[1],
                         tb);
    if (a->kind == HF_AST_BETWEEN && !a->negated && a->nargs == 3) {
        struct tbound t2 = *tb;
        if (!one_bound(p, js, r, nlb, L, R, a->args[0], HF_AOP_GE, a->args[1],
                       &t2) ||
            !one_bound(p, js, r, nlb, L, R, a->args[0], HF_AOP_LE, a->args[2],
                       &t2))
            return false;
        *tb = t2;
        return true;
    }
    return false;
}

/* ------------------------------------------------------------ planning */

void hf_plan_split_on(const struct hf_ast_expr *a, const struct hf_ast_expr **c,
                     uint32_t *n)
{
    if (a->kind == HF_AST_BINARY && a->op == HF_AOP_AND) {
        hf_plan_split_on(a->args[0], c, n);
        hf_plan_split_on(a->args[1], c, n);
        return;
    }
    c[(*n)++] = a;
}

uint32_t hf_plan_count_on(const struct hf_ast_expr *a)
{
    if (a->kind == HF_AST_BINARY && a->op == HF_AOP_AND)
        return hf_plan_count_on(a->args[0]) + hf_plan_count_on(a->args[1]);
    return 1;
}

/* Do values of types a and b encode alike as keys? */
static bool key_alike(const struct hf_type *a, const struct hf_type *b)
{
    if (a->id != b->id || hf_type_is_nested(a->id))
        return false;
    if (a->id == HF_DECIMAL)
        return a->scale == b->scale;
    return true;
}

static const char *join_word(enum hf_ast_join_kind k)
{
    switch (k) {
    case HF_JOIN_LEFT:
        return "LEFT JOIN";
    case HF_JOIN_RIGHT:
        return "RIGHT JOIN";
    case HF_JOIN_FULL:
        return "FULL JOIN";
    case HF_JOIN_COMMA:
        return "join (FROM a, b)";
    default:
        return "JOIN";
    }
}

int hf_plan_join_side(struct qstate *qs, const struct env *env,
                     const struct hf_ast_from *f, struct pushed_conj *pushed,
                     uint32_t npushed, struct jside *out)
{
    if (f->join != HF_JOIN_NONE)
        return hf_plan_join(qs, env, f, pushed, npushed, &out->rel, &out->tabs,
                            &out->ntabs);
    const char *qual, *table;
    if (hf_plan_from_item(qs, env, f, &out->rel, &qual, &table) != 0)
        return -1;
    out->tabs = hf_plan_aalloc(qs->p, sizeof *out->tabs);
    if (out->tabs == NULL)
        return -1;
    out->tabs[0].qual = qual;
    out->tabs[0].first = 0;
    out->tabs[0].n = out->rel->out->ncols;
    out->ntabs = 1;
    return 0;
}

/* Whether no update of side `sd` changes its join key (the columns
 * `keys`, nk of them, of its node), so that with parallelism.default > 1
 * an update's -U and +U meet in one join instance: an append-only side
 * has no updates; a side that reads a changelog table directly (its node
 * is the table's source, no operator between) whose join key holds the
 * table's whole PRIMARY KEY keeps its key (Flink: the input's upsert key
 * is in the join key). */
static bool side_keeps_key(struct planner *p, const struct jside *sd,
                           const uint32_t *keys, uint32_t nk)
{
    const struct rel *r = sd->rel;
    if (r->clog == NULL && r->clog_op == NULL && r->upd == NULL)
        return true;
    if (r->clog == NULL || r->clog_op != NULL || r->upd != NULL)
        return false;
    const struct hf_node *src = &p->g->nodes[r->node];
    const struct hf_schema *ts = &r->clog->schema;
    if (src->kind != HF_NODE_SOURCE || src->table != r->clog ||
        src->schema != ts || ts->npk == 0)
        return false;
    for (uint32_t i = 0; i < ts->npk; i++) {
        bool in = false;
        for (uint32_t k = 0; k < nk && !in; k++)
            in = keys[k] == ts->pk[i];
        if (!in)
            return false;
    }
    return true;
}

uint32_t hf_plan_moving_join(const struct hf_graph *g, uint32_t id)
{
    const struct hf_node *n = &g->nodes[id];
    while (n->kind == HF_NODE_OP && n->op == &hf_op_calc && n->ninputs == 1)
        n = &g->nodes[n->inputs[0]];
    return n->kind == HF_NODE_OP && n->op == &hf_op_join && n->single
               ? n->id
               : UINT32_MAX;
}

/* Whether every path from node `id` ends in an upsert materializer or a
 * keyed operator before any sink (calcs between). */
static bool paths_covered(const struct hf_graph *g, uint32_t id, int depth)
{
    if (depth > 64)
        return false;
    for (uint32_t i = id + 1; i < g->nnodes; i++) {
        const struct hf_node *c = &g->nodes[i];
        bool feeds = false;
        for (uint32_t k = 0; k < c->ninputs; k++)
            feeds |= c->inputs[k] == id;
        if (!feeds)
            continue;
        if (c->kind != HF_NODE_OP)
            return false; /* a sink, unmaterialized */
        if (c->op == &hf_op_upsert_materialize ||
            (c->op->route_key && c->op != &hf_op_upsert_materialize))
            continue;
        if (c->op != &hf_op_calc || !paths_covered(g, i, depth + 1))
            return false;
    }
    return true;
}

void hf_plan_unsingle_joins(struct hf_graph *g)
{
    for (uint32_t i = 0; i < g->nnodes; i++) {
        struct hf_node *n = &g->nodes[i];
        if (n->kind == HF_NODE_OP && n->op == &hf_op_join && n->single &&
            paths_covered(g, i, 0))
            n->single = NULL;
    }
}

/* Side `sd` materialized as a node, with `nx` key expressions `x`
 * (bound in scope `sc` over it) appended as hidden columns of types `xt`
 * when needed: key k then reads column keys[k]. */
int hf_plan_side_node(struct planner *p, struct jside *sd,
                     const struct scope *sc, const struct hf_ast_expr **x,
                     const struct hf_type *xt, uint32_t nx, uint32_t *keys,
                     const char *what)
{
    struct rel *r = sd->rel;
    uint32_t nb = r->base->ncols, extra = 0;
    bool *ext = hf_plan_aalloc(p, (nx ? nx : 1) * sizeof *ext);
    if (ext == NULL)
        return -1;
    for (uint32_t k = 0; k < nx; k++) {
        struct hf_expr *e = hf_expr_bind(&sc->bs, x[k], p->err);
        if (e == NULL)
            return -1;
        uint32_t idx;
        if (hf_expr_column(e, &idx) && key_alike(hf_expr_type(e), &xt[k])) {
            keys[k] = idx;
        } else {
            ext[k] = true;
            keys[k] = nb + extra++;
        }
        hf_expr_free(e);
    }
    if (extra == 0)
        return 0;
    struct rel *w = hf_plan_new_rel(p, nb + extra);
    struct hf_type *to = hf_plan_aalloc(p, (nb + extra) * sizeof *to);
    if (w == NULL || to == NULL)
        return -1;
    w->node = r->node;
    w->base = r->base;
    for (uint32_t c = 0; c < nb; c++) {
        w->out->cols[c] = r->base->cols[c];
        w->out->cols[c].kind = HF_COL_PHYSICAL;
        w->cols[c].base = c;
        w->cols[c].line = r->cols[c].line;
        w->cols[c].col = r->cols[c].col;
        to[c] = r->base->cols[c].type;
    }
    for (uint32_t k = 0, j = nb; k < nx; k++) {
        if (!ext[k])
            continue;
        char name[32];
        snprintf(name, sizeof name, "$key%u", k);
        w->out->cols[j].name = hf_arena_strndup(&p->arena, name, strlen(name));
        if (w->out->cols[j].name == NULL)
            return oom(p);
        w->out->cols[j].type = xt[k];
        w->cols[j].ast = x[k];
        w->cols[j].scope = sc;
        w->cols[j].line = x[k]->line;
        w->cols[j].col = x[k]->col;
        to[j] = xt[k];
        j++;
    }
    if (hf_plan_rel_node(p, w, to, what) != 0)
        return -1;
    /* The side's own columns stay the first nb of the new node. */
    struct rel *nr = hf_plan_new_rel(p, nb);
    if (nr == NULL)
        return -1;
    nr->node = w->node;
    nr->base = w->base;
    for (uint32_t c = 0; c < nb; c++) {
        nr->out->cols[c] = r->out->cols[c];
        nr->cols[c].base = c;
        nr->cols[c].line = r->cols[c].line;
        nr->cols[c].col = r->cols[c].col;
    }
    nr->clog = r->clog;
    nr->clog_format = r->clog_format;
    nr->clog_op = r->clog_op;
    nr->upd = r->upd;
    sd->rel = nr;
    return 0;
}

/* The text explain shows for a condition. */
void hf_plan_cond_text(struct planner *p, const struct hf_ast_expr *a,
                      struct hf_strbuf *out)
{
    if (p->src.text && a->end > a->off && a->end <= p->src.len)
        hf_strbuf_append(out, p->src.text + a->off, a->end - a->off);
    else
        hf_strbuf_puts(out, "?");
}

int hf_plan_join(struct qstate *qs, const struct env *env,
                 const struct hf_ast_from *f, struct pushed_conj *pushed,
                 uint32_t npushed, struct rel **out, struct jtab **tabs,
                 uint32_t *ntabs)
{
    struct planner *p = qs->p;
    if (f->right->systime || f->right->lateral)
        return hf_plan_lookup_join(qs, env, f, pushed, npushed, out, tabs,
                                   ntabs);
    bool inner = f->join == HF_JOIN_INNER || f->join == HF_JOIN_COMMA;
    struct jside L = {0}, R = {0};
    /* WHERE's conjuncts reach through inner joins only. */
    if (hf_plan_join_side(qs, env, f->left, inner ? pushed : NULL, inner ? npushed : 0,
                  &L) != 0 ||
        hf_plan_join_side(qs, env, f->right, inner ? pushed : NULL, inner ? npushed : 0,
                  &R) != 0)
        return -1;
    uint32_t nl = L.rel->out->ncols, nr = R.rel->out->ncols;

    /* Both sides side by side, to place the condition's names. */
    struct rel *both = hf_plan_new_rel(p, nl + nr);
    struct jtab *bt = hf_plan_aalloc(p, (L.ntabs + R.ntabs) * sizeof *bt);
    if (both == NULL || bt == NULL)
        return -1;
    for (uint32_t c = 0; c < nl; c++)
        both->out->cols[c] = L.rel->out->cols[c];
    for (uint32_t c = 0; c < nr; c++)
        both->out->cols[nl + c] = R.rel->out->cols[c];
    for (uint32_t t = 0; t < L.ntabs; t++)
        bt[t] = L.tabs[t];
    for (uint32_t t = 0; t < R.ntabs; t++) {
        bt[L.ntabs + t] = R.tabs[t];
        bt[L.ntabs + t].first += nl;
    }
    for (uint32_t i = 0; i < L.ntabs; i++)
        for (uint32_t j = 0; j < R.ntabs; j++)
            if (bt[i].qual && bt[L.ntabs + j].qual &&
                strcmp(bt[i].qual, bt[L.ntabs + j].qual) == 0)
                return err_at(p, HF_ERR_SQL, f->join_line, f->join_col,
                              "table name '%s' is used twice in the join; "
                              "give one of them an alias",
                              bt[i].qual);
    struct scope *bs = hf_plan_join_scope(p, both, bt, L.ntabs + R.ntabs);
    if (bs == NULL)
        return -1;

    /* The conjuncts: ON's, and WHERE's that span both sides. */
    uint32_t cap = (f->on ? hf_plan_count_on(f->on) : 0) + (inner ? npushed : 0);
    const struct hf_ast_expr **conj =
        hf_plan_aalloc(p, (cap ? cap : 1) * sizeof *conj);
    if (conj == NULL)
        return -1;
    uint32_t nconj = 0;
    if (f->on)
        hf_plan_split_on(f->on, conj, &nconj);
    for (uint32_t i = 0; inner && i < npushed; i++) {
        if (pushed[i].taken)
            continue;
        struct hf_error tmp = {0};
        int m = hf_plan_sides_of(bs, nl, pushed[i].ast, &tmp);
        hf_error_clear(&tmp);
        if (m == 3) {
            conj[nconj++] = pushed[i].ast;
            pushed[i].taken = true;
        }
    }

    /* Key pairs and the residual. */
    const struct hf_ast_expr **lx = hf_plan_aalloc(p, (nconj + 1) * sizeof *lx);
    const struct hf_ast_expr **rx = hf_plan_aalloc(p, (nconj + 1) * sizeof *rx);
    const struct hf_ast_expr **res =
        hf_plan_aalloc(p, (nconj + 1) * sizeof *res);
    struct hf_type *kt = hf_plan_aalloc(p, (nconj + 1) * sizeof *kt);
    if (lx == NULL || rx == NULL || res == NULL || kt == NULL)
        return -1;
    uint32_t nk = 0, nres = 0;
    for (uint32_t i = 0; i < nconj; i++) {
        const struct hf_ast_expr *a = conj[i];
        if (a->kind == HF_AST_BINARY && a->op == HF_AOP_EQ) {
            int m0 = hf_plan_sides_of(bs, nl, a->args[0], p->err);
            int m1 = m0 < 0 ? -1 : hf_plan_sides_of(bs, nl, a->args[1], p->err);
            if (m0 < 0 || m1 < 0)
                return -1;
            if ((m0 == 1 && m1 == 2) || (m0 == 2 && m1 == 1)) {
                lx[nk] = m0 == 1 ? a->args[0] : a->args[1];
                rx[nk] = m0 == 1 ? a->args[1] : a->args[0];
                nk++;
                continue;
            }
        }
        res[nres++] = a;
    }
    if (nk == 0)
        return err_at(p, HF_ERR_UNSUPPORTED, f->join_line, f->join_col,
                      "%s without an equality condition between its two "
                      "sides is not supported (Flink's streaming joins need "
                      "one: ON a.k = b.k)",
                      join_word(f->join));

    /* Each side a node; the key types: the common type of each pair. */
    if (hf_plan_rel_node(p, L.rel, NULL, "the join's left input") != 0 ||
        hf_plan_rel_node(p, R.rel, NULL, "the join's right input") != 0)
        return -1;
    struct scope *ls = hf_plan_join_scope(p, L.rel, L.tabs, L.ntabs);
    struct scope *rs = hf_plan_join_scope(p, R.rel, R.tabs, R.ntabs);
    if (ls == NULL || rs == NULL)
        return -1;
    for (uint32_t k = 0; k < nk; k++) {
        struct hf_expr *a = hf_expr_bind(&ls->bs, lx[k], p->err);
        struct hf_expr *b = a ? hf_expr_bind(&rs->bs, rx[k], p->err) : NULL;
        if (b == NULL) {
            hf_expr_free(a);
            return -1;
        }
        bool ok = hf_expr_type_common(hf_expr_type(a), false, hf_expr_type(b),
                                      false, &kt[k]);
        char t1[64], t2[64];
        if (!ok || hf_type_is_nested(kt[k].id))
            err_at(p, HF_ERR_TYPE, lx[k]->line, lx[k]->col,
                   "the join compares %s with %s; add a CAST",
                   hf_type_name(hf_expr_type(a), t1, sizeof t1),
                   hf_type_name(hf_expr_type(b), t2, sizeof t2));
        kt[k].not_null = false;
        hf_expr_free(a);
        hf_expr_free(b);
        if (!ok || hf_type_is_nested(kt[k].id))
            return -1;
    }
    struct hf_join_spec *spec = calloc(1, sizeof *spec);
    if (spec == NULL)
        return oom(p);
    spec->lkeys = calloc(nk, sizeof *spec->lkeys);
    spec->rkeys = calloc(nk, sizeof *spec->rkeys);
    spec->nkeys = nk;
    if (spec->lkeys == NULL || spec->rkeys == NULL) {
        hf_join_spec_free(spec);
        return oom(p);
    }
    spec->type = f->join == HF_JOIN_LEFT    ? HF_JOINT_LEFT
                 : f->join == HF_JOIN_RIGHT ? HF_JOINT_RIGHT
                 : f->join == HF_JOIN_FULL  ? HF_JOINT_FULL
                                            : HF_JOINT_INNER;
    if (hf_plan_side_node(p, &L, ls, lx, kt, nk, spec->lkeys,
                  "a key of the join's left input") != 0 ||
        hf_plan_side_node(p, &R, rs, rx, kt, nk, spec->rkeys,
                  "a key of the join's right input") != 0) {
        hf_join_spec_free(spec);
        return -1;
    }
    uint32_t nlb = L.rel->base->ncols, nrb = R.rel->base->ncols;
    spec->nleft = nlb;
    spec->nright = nrb;

    /* The join node: a left row, then a right row. */
    struct hf_schema *js = hf_plan_aalloc(p, sizeof *js);
    if (js)
        js->cols = hf_plan_aalloc(p, (nlb + nrb) * sizeof *js->cols);
    if (js == NULL || js->cols == NULL) {
        hf_join_spec_free(spec);
        return -1;
    }
    js->ncols = nlb + nrb;
    bool pad_l = spec->type == HF_JOINT_RIGHT || spec->type == HF_JOINT_FULL;
    bool pad_r = spec->type == HF_JOINT_LEFT || spec->type == HF_JOINT_FULL;
    for (uint32_t c = 0; c < nlb; c++) {
        js->cols[c].name = L.rel->base->cols[c].name;
        js->cols[c].type = L.rel->base->cols[c].type;
        if (pad_l)
            js->cols[c].type.not_null = false;
    }
    for (uint32_t c = 0; c < nrb; c++) {
        js->cols[nlb + c].name = R.rel->base->cols[c].name;
        js->cols[nlb + c].type = R.rel->base->cols[c].type;
        if (pad_r)
            js->cols[nlb + c].type.not_null = false;
    }
    struct hf_schema *os = hf_plan_own_schema(p, js);
    uint32_t ids[2] = {L.rel->node, R.rel->node};
    struct hf_node *nd = os ? hf_graph_add(p->g, HF_NODE_OP, ids, 2) : NULL;
    if (nd == NULL) {
        hf_join_spec_free(spec);
        if (os) {
            hf_schema_free(os);
            free(os);
        }
        return os ? oom(p) : -1;
    }
    nd->op = &hf_op_join;
    nd->spec = spec;
    nd->own_schema = os;
    nd->schema = os;

    /* The join's relation: the sides' own columns, hidden keys left out. */
    struct rel *r = hf_plan_new_rel(p, nl + nr);
    if (r == NULL)
        return -1;
    r->node = nd->id;
    r->base = os;
    for (uint32_t c = 0; c < nl; c++) {
        r->out->cols[c] = L.rel->out->cols[c];
        r->out->cols[c].type = os->cols[L.rel->cols[c].base].type;
        r->cols[c].base = L.rel->cols[c].base;
        r->cols[c].line = f->line;
        r->cols[c].col = f->col;
    }
    for (uint32_t c = 0; c < nr; c++) {
        r->out->cols[nl + c] = R.rel->out->cols[c];
        r->out->cols[nl + c].type = os->cols[nlb + R.rel->cols[c].base].type;
        r->cols[nl + c].base = nlb + R.rel->cols[c].base;
        r->cols[nl + c].line = f->line;
        r->cols[nl + c].col = f->col;
    }
    r->clog = L.rel->clog ? L.rel->clog : R.rel->clog;
    r->clog_format = L.rel->clog ? L.rel->clog_format : R.rel->clog_format;
    r->clog_op = L.rel->clog_op ? L.rel->clog_op : R.rel->clog_op;
    /* An aggregate's updates reach the join as -U/+U pairs (the join
     * needs the old row to retract its matches). */
    bool upd_in = L.rel->upd || R.rel->upd;
    if (L.rel->upd)
        hf_plan_agg_force_ub(L.rel->upd);
    if (R.rel->upd)
        hf_plan_agg_force_ub(R.rel->upd);
    if ((upd_in || (spec->type != HF_JOINT_INNER && !p->batch_mode)) &&
        r->clog == NULL && r->clog_op == NULL) {
        char w[120];
        snprintf(w, sizeof w, "the %s at line %d, column %d",
                 join_word(f->join), f->join_line, f->join_col);
        r->clog_op = hf_arena_strndup(&p->arena, w, strlen(w));
        if (r->clog_op == NULL)
            return oom(p);
    }
    struct scope *js2 = hf_plan_join_scope(p, r, bt, L.ntabs + R.ntabs);
    if (js2 == NULL)
        return -1;

    /* A join bounded in time between two append-only inputs' time
     * attributes (both rowtime or both proctime), with a lower and an
     * upper bound: Flink's interval join (ops/interval_join.c), whose
     * state the watermark (or the clock) cleans. The bounds stay in the
     * residual too (they hold for every pair the operator meets). */
    bool append = L.rel->clog == NULL && R.rel->clog == NULL &&
                  L.rel->clog_op == NULL && R.rel->clog_op == NULL && !upd_in;
    struct tbound tb = {0};
    for (uint32_t i = 0; append && !p->batch_mode && i < nres; i++)
        (void)time_bound(p, js2, r, nlb, L.rel, R.rel, res[i], &tb);
    if (tb.tk && tb.has_lo && tb.has_hi) {
        spec->time_kind = tb.tk;
        spec->ltime = tb.lt;
        spec->rtime = tb.rt;
        spec->lower = tb.lo;
        spec->upper = tb.hi;
        const struct hf_opt_val *mc = hf_opts_get(
            &p->job->settings, "table.exec.interval-join.min-cleanup-interval",
            NULL);
        spec->min_clean = mc ? mc->v.i : 0;
        nd->op = &hf_op_interval_join;
        /* Its rows are inserts only, outer or not. */
        if (L.rel->clog_op == NULL && R.rel->clog_op == NULL)
            r->clog_op = NULL;
    }

    /* With parallelism.default > 1 an update of an input row may change
     * its join key, so its -U and +U go to two instances and their joined
     * rows reach the sink out of order: such a join runs as one instance,
     * unless every path from it reaches a SinkUpsertMaterializer (put in
     * front of each primary-key sink, plan_query.c) or a keyed operator
     * first (hf_plan_unsingle_joins; docs/parallelism.md). */
    if (nd->op == &hf_op_join && !append &&
        !(side_keeps_key(p, &L, spec->lkeys, nk) &&
          side_keeps_key(p, &R, spec->rkeys, nk)))
        nd->single = "an input of the join updates and its join key does "
                     "not hold the input's primary key (per-key order at "
                     "the sink would need a SinkUpsertMaterializer)";

    /* The residual, bound over the joined row. */
    for (uint32_t i = 0; i < nres; i++) {
        struct hf_expr *e = hf_expr_bind(&js2->bs, res[i], p->err);
        if (e == NULL)
            return -1;
        const struct hf_type *t = hf_expr_type(e);
        if (t->id != HF_BOOLEAN || hf_expr_is_untyped_null(e)) {
            char t1[64];
            hf_type_name(t, t1, sizeof t1); /* t is e's: name it first */
            hf_expr_free(e);
            return err_at(p, HF_ERR_TYPE, res[i]->line, res[i]->col,
                          "the join condition needs BOOLEAN conditions, "
                          "found %s",
                          t1);
        }
        if (spec->cond == NULL) {
            spec->cond = e;
        } else if ((spec->cond = hf_expr_and_then(spec->cond, e)) == NULL) {
            return oom(p);
        }
    }

    /* For explain. */
    struct hf_strbuf tx;
    hf_strbuf_init(&tx, 0);
    hf_strbuf_puts(&tx, spec->type == HF_JOINT_LEFT    ? "LEFT"
                        : spec->type == HF_JOINT_RIGHT ? "RIGHT"
                        : spec->type == HF_JOINT_FULL  ? "FULL"
                                                       : "INNER");
    hf_strbuf_puts(&tx, ", key (");
    for (uint32_t k = 0; k < nk; k++) {
        if (k)
            hf_strbuf_puts(&tx, ", ");
        hf_plan_cond_text(p, lx[k], &tx);
        hf_strbuf_puts(&tx, " = ");
        hf_plan_cond_text(p, rx[k], &tx);
    }
    hf_strbuf_puts(&tx, ")");
    if (spec->time_kind)
        hf_strbuf_printf(&tx,
                         ", interval %s time, l.%s - r.%s in [%" PRId64
                         ", %" PRId64 "] ms",
                         spec->time_kind == 1 ? "event" : "processing",
                         os->cols[spec->ltime].name,
                         os->cols[nlb + spec->rtime].name, spec->lower,
                         spec->upper);
    for (uint32_t i = 0; i < nres; i++) {
        hf_strbuf_puts(&tx, i ? " AND " : ", where ");
        hf_plan_cond_text(p, res[i], &tx);
    }
    if (!hf_strbuf_ok(&tx)) {
        hf_strbuf_free(&tx);
        return oom(p);
    }
    spec->text = tx.data ? tx.data : strdup("");
    if (spec->text == NULL)
        return oom(p);

    *out = r;
    *tabs = bt;
    *ntabs = L.ntabs + R.ntabs;
    return 0;
}
