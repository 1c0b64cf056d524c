/* GROUPING SETS, ROLLUP and CUBE: the parser reads the sets, this file
 * rewrites the SELECT into a UNION ALL of one GROUP BY per set (see
 * grouping_sets.h). Every branch is an ordinary group aggregate, so the
 * changelog (retractions included) is the one of a plain GROUP BY per
 * grouping set, as Flink's Expand operator feeding one aggregate gives. */
#include "sql/grouping_sets.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ops/aggfn.h"
#include "sql/ast_eq.h"

struct gs {
    struct hf_arena *a;
    const char *src;
    struct hf_ast_query *q;
    struct hf_ast_expr **set; /* the current set */
    uint32_t nset;
    struct hf_ast_expr **nul; /* per q->group[i] not in the set: its
                                 NULLIF(e, e), also a (constant) key */
};

static void *zalloc(struct gs *g, size_t n)
{
    void *m = hf_arena_alloc(g->a, n ? n : 1);
    if (m)
        memset(m, 0, n ? n : 1);
    return m;
}

/* Same expression: as the planner compares GROUP BY keys (hf_ast_eq). */
static bool same(const struct gs *g, const struct hf_ast_expr *x,
                 const struct hf_ast_expr *y)
{
    (void)g;
    return hf_ast_eq(x, y);
}

static bool in_list(const struct gs *g, struct hf_ast_expr *const *l,
                    uint32_t n, const struct hf_ast_expr *e)
{
    for (uint32_t i = 0; i < n; i++)
        if (same(g, l[i], e))
            return true;
    return false;
}

static struct hf_ast_expr *mask_lit(struct gs *g, const struct hf_ast_expr *at,
                                    uint64_t mask)
{
    struct hf_ast_expr *lit = zalloc(g, sizeof *lit);
    struct hf_ast_expr *c = zalloc(g, sizeof *c);
    struct hf_ast_expr **args = zalloc(g, sizeof *args);
    char buf[24];
    int n = snprintf(buf, sizeof buf, "%llu", (unsigned long long)mask);
    char *t = hf_arena_alloc(g->a, (size_t)n + 1);
    if (!lit || !c || !args || !t)
        return NULL;
    memcpy(t, buf, (size_t)n + 1);
    *lit = *at;
    lit->kind = HF_AST_INT;
    lit->text = t;
    lit->args = NULL;
    lit->nargs = 0;
    lit->depth = 1;
    lit->filter = NULL;
    lit->over = NULL;
    *c = *lit;
    c->kind = HF_AST_CAST;
    c->text = "CAST";
    memset(&c->type, 0, sizeof c->type);
    c->type.id = HF_BIGINT;
    args[0] = lit;
    c->args = args;
    c->nargs = 1;
    c->depth = 2;
    return c;
}

static struct hf_ast_expr *rw_args(struct gs *g, struct hf_ast_expr *e,
                                   bool *err);
static bool is_grouping_call(const struct hf_ast_expr *e);

/* e rewritten for the current set (e itself when nothing changes); *err
 * on out of memory. */
static struct hf_ast_expr *rw(struct gs *g, struct hf_ast_expr *e, bool *err)
{
    if (e == NULL || *err)
        return e;
    if (e->kind == HF_AST_FUNC && e->text && e->over == NULL &&
        hf_aggfn_is_name(e->text))
        return e; /* an aggregate sees the input row */
    if (e->kind == HF_AST_FUNC && e->text && e->nargs > 0 &&
        (strcasecmp(e->text, "GROUPING") == 0 ||
         strcasecmp(e->text, "GROUPING_ID") == 0)) {
        uint64_t m = 0;
        for (uint32_t i = 0; i < e->nargs; i++)
            m = (m << 1) | (in_list(g, g->set, g->nset, e->args[i]) ? 0 : 1);
        struct hf_ast_expr *r = mask_lit(g, e, m);
        if (r == NULL)
            *err = true;
        return r;
    }
    if (in_list(g, g->set, g->nset, e))
        return e; /* a key of this set: as is, whatever it contains */
    for (uint32_t i = 0; i < g->q->ngroup; i++)
        if (g->nul[i] && same(g, g->q->group[i], e))
            return g->nul[i];
    return rw_args(g, e, err);
}

/* NULLIF(e, e): NULL with e's type. */
static struct hf_ast_expr *null_of(struct gs *g, struct hf_ast_expr *e,
                                   bool *err)
{
    struct hf_ast_expr *n = zalloc(g, sizeof *n);
    struct hf_ast_expr **args = zalloc(g, 2 * sizeof *args);
    if (!n || !args) {
        *err = true;
        return e;
    }
    *n = *e;
    n->kind = HF_AST_FUNC;
    n->text = "NULLIF";
    n->qual = NULL;
    n->filter = NULL;
    n->over = NULL;
    args[0] = args[1] = e;
    n->args = args;
    n->nargs = 2;
    n->depth = e->depth + 1;
    return n;
}

static struct hf_ast_expr *rw_args(struct gs *g, struct hf_ast_expr *e,
                                   bool *err)
{
    struct hf_ast_expr **na = NULL;
    for (uint32_t i = 0; i < e->nargs; i++) {
        struct hf_ast_expr *r = rw(g, e->args[i], err);
        if (*err)
            return e;
        if (r != e->args[i] && na == NULL) {
            na = zalloc(g, e->nargs * sizeof *na);
            if (na == NULL) {
                *err = true;
                return e;
            }
            memcpy(na, e->args, e->nargs * sizeof *na);
        }
        if (na)
            na[i] = r;
    }
    if (na == NULL)
        return e;
    struct hf_ast_expr *n = zalloc(g, sizeof *n);
    if (n == NULL) {
        *err = true;
        return e;
    }
    *n = *e;
    n->args = na;
    uint32_t d = 0;
    for (uint32_t i = 0; i < n->nargs; i++)
        if (na[i] && na[i]->depth > d)
            d = na[i]->depth;
    n->depth = d + 1;
    return n;
}

static struct hf_ast_query *branch(struct gs *g, uint32_t k)
{
    const struct hf_ast_query *q = g->q;
    struct hf_ast_query *b = zalloc(g, sizeof *b);
    if (b == NULL)
        return NULL;
    *b = *q;
    b->ctes = NULL;
    b->nctes = 0;
    b->has_limit = false;
    /* SELECT DISTINCT dedups across the sets: the UNION does it */
    b->distinct = q->ngsets == 1 && q->distinct;
    b->gsets = NULL;
    b->gset_len = NULL;
    b->ngsets = 0;
    g->set = q->gsets[k];
    g->nset = q->gset_len[k];
    bool err = false;
    b->has_group = true;
    b->group = zalloc(g, (q->ngroup + 1) * sizeof *b->group);
    g->nul = zalloc(g, (q->ngroup + 1) * sizeof *g->nul);
    if (b->group == NULL || g->nul == NULL)
        return NULL;
    b->ngroup = 0;
    for (uint32_t i = 0; i < g->nset; i++)
        b->group[b->ngroup++] = g->set[i];
    for (uint32_t i = 0; i < q->ngroup; i++)
        if (!in_list(g, g->set, g->nset, q->group[i])) {
            g->nul[i] = null_of(g, q->group[i], &err);
            b->group[b->ngroup++] = g->nul[i];
        }
    b->items = zalloc(g, q->nitems * sizeof *b->items);
    if (b->items == NULL)
        return NULL;
    for (uint32_t i = 0; i < q->nitems; i++) {
        b->items[i] = q->items[i];
        struct hf_ast_expr *e = q->items[i].expr;
        b->items[i].expr = rw(g, e, &err);
        /* keep the column's name when it reads as NULL */
        if (e && e->kind == HF_AST_COLUMN && b->items[i].alias.name == NULL) {
            b->items[i].alias.name = e->text;
            b->items[i].alias.line = e->line;
            b->items[i].alias.col = e->col;
        }
    }
    b->having = rw(g, q->having, &err);
    return err ? NULL : b;
}

static bool is_grouping_call(const struct hf_ast_expr *e)
{
    return e->kind == HF_AST_FUNC && e->text && e->nargs > 0 &&
           (strcasecmp(e->text, "GROUPING") == 0 ||
            strcasecmp(e->text, "GROUPING_ID") == 0);
}

const struct hf_ast_expr *hf_grouping_ungrouped(const struct hf_ast_query *q,
                                                const struct hf_ast_expr *e,
                                                bool *uses)
{
    if (e == NULL)
        return NULL;
    if (is_grouping_call(e)) {
        *uses = true;
        for (uint32_t i = 0; i < e->nargs; i++) {
            bool found = false;
            for (uint32_t j = 0; j < q->ngroup && !found; j++)
                found = hf_ast_eq(q->group[j], e->args[i]);
            if (!found)
                return e->args[i];
        }
        return NULL;
    }
    const struct hf_ast_expr *bad = hf_grouping_ungrouped(q, e->filter, uses);
    for (uint32_t i = 0; i < e->nargs && bad == NULL; i++)
        bad = hf_grouping_ungrouped(q, e->args[i], uses);
    return bad;
}

int hf_grouping_sets_expand(struct hf_arena *a, const char *src,
                            struct hf_ast_query *q)
{
    struct gs g = {.a = a, .src = src, .q = q};
    uint32_t n = q->ngsets;
    struct hf_ast_query **in = zalloc(&g, n * sizeof *in);
    if (in == NULL)
        return -1;
    for (uint32_t k = 0; k < n; k++)
        if ((in[k] = branch(&g, k)) == NULL)
            return -1;
    if (n == 1) {
        struct hf_ast_cte *ctes = q->ctes;
        uint32_t nctes = q->nctes;
        *q = *in[0];
        q->ctes = ctes;
        q->nctes = nctes;
        return 0;
    }
    struct hf_ast_query u;
    memset(&u, 0, sizeof u);
    u.kind = HF_QUERY_UNION;
    u.line = q->line;
    u.col = q->col;
    u.off = q->off;
    u.end = q->end;
    u.all = !q->distinct;
    u.union_line = q->group_line;
    u.union_col = q->group_col;
    u.inputs = in;
    u.ninputs = n;
    u.ctes = q->ctes;
    u.nctes = q->nctes;
    *q = u;
    return 0;
}
