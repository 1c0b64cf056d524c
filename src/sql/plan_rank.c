/*
 * plan_rank.c - ROW_NUMBER() OVER (PARTITION BY ... ORDER BY ...) into a
 * deduplication or Top-N node, with Flink's rules (reference:
 * flink-stateful-sql.md section 2; docs/sql.md, "Deduplication and
 * Top-N").
 *
 * The node is created by the SELECT holding the ranking, with the rank
 * operator's class and a spec whose range is not known yet; the track
 * (struct hf_rank_track) then follows the rn column through the queries
 * above (plan_query.c). The query reading rn gives the range from its
 * WHERE: `rn = 1`, `rn <= N`, `rn < N`, `rn BETWEEN 1 AND N`, `N >= rn`,
 * and `rn >= 1`/`rn > 0` alongside (a lower bound above 1, Flink's rank
 * offset, is refused by name, as is a ranking nobody filters: that would
 * be OVER aggregation). When the relation becomes a node or is written,
 * the operator is chosen:
 *
 * - deduplication (deduplicate.c) when the range is 1..1, the ORDER BY is
 *   one time attribute (a PROCTIME() column or the table's WATERMARK
 *   column) and rn is not read: keep first (ASC) or last (DESC). Its
 *   input must be insert-only, as in Flink.
 * - else Top-N (rank.c), with the row number as an output column exactly
 *   when something reads rn.
 *
 * RANK() and DENSE_RANK() are refused by name (Flink's streaming Top-N
 * supports ROW_NUMBER only). The changelog: proctime keep-first
 * deduplication is insert-only; everything else is updating (+I, -U, +U,
 * -D), with upsert key = the partition key (deduplication, Top-N without
 * rn) or partition key + rn (Top-N with rn).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/opt.h"
#include "ops/calc.h"
#include "ops/group_agg.h"
#include "ops/op.h"
#include "ops/rank.h"
#include "runtime/plan.h"
#include "sql/expr.h"
#include "sql/plan_rank.h"
#include "sql/plan_rel.h"

#define err_at hf_plan_err_at
#define oom hf_plan_oom

struct hf_rank_track {
    uint32_t node;
    struct hf_rank_spec *spec; /* owned by the node */
    enum hf_rank_time time;
    const char *func; /* ROW_NUMBER */
    int line, col;    /* of OVER */
    bool ranged, used, done, dedup;
    bool ub_forced;
    int64_t lo, hi;             /* the range so far: lo..hi */
    struct rupd *upd;           /* its output as an updating result */
    uint32_t *keys;             /* the upsert key's columns (arena) */
    struct hf_rank_track *next; /* the planner's list */
};

struct hf_rank_track *hf_plan_rank_new(struct planner *p, uint32_t in_node,
                                       const struct hf_schema *in,
                                       const uint32_t *part, uint32_t npart,
                                       const uint32_t *order, uint32_t norder,
                                       enum hf_rank_time time, bool updating,
                                       const struct hf_ast_select_item *it,
                                       uint32_t *node_out)
{
    const struct hf_ast_over *ov = it->over;
    const char *fn = it->expr->text;
    if (strcmp(fn, "ROW_NUMBER") != 0) {
        err_at(p, HF_ERR_UNSUPPORTED, it->expr->line, it->expr->col,
               "%s() OVER (...) is not supported (Flink's streaming Top-N "
               "supports ROW_NUMBER() only); use ROW_NUMBER()",
               fn);
        return NULL;
    }
    if (norder == 0) {
        err_at(p, HF_ERR_SQL, ov->line, ov->col,
               "ROW_NUMBER() OVER (...) needs an ORDER BY (Flink requires "
               "one for Top-N and deduplication)");
        return NULL;
    }
    struct hf_rank_track *t = hf_arena_alloc(&p->arena, sizeof *t);
    struct hf_rank_spec *sp = calloc(1, sizeof *sp);
    if (t == NULL || sp == NULL) {
        free(sp);
        oom(p);
        return NULL;
    }
    memset(t, 0, sizeof *t);
    sp->in = in;
    sp->npart = npart;
    sp->norder = norder;
    sp->part = calloc(npart + 1, sizeof *sp->part);
    sp->order = calloc(norder, sizeof *sp->order);
    sp->desc = calloc(norder, sizeof *sp->desc);
    sp->nulls_first = calloc(norder, sizeof *sp->nulls_first);
    if (sp->part == NULL || sp->order == NULL || sp->desc == NULL ||
        sp->nulls_first == NULL) {
        hf_rank_spec_free(sp);
        oom(p);
        return NULL;
    }
    if (npart)
        memcpy(sp->part, part, npart * sizeof *part);
    for (uint32_t i = 0; i < norder; i++) {
        const struct hf_ast_order_item *oi = &ov->order[i];
        sp->order[i] = order[i];
        sp->desc[i] = oi->desc;
        /* Flink's default null collation is LOW: NULLs sort first
         * ascending, last descending. */
        sp->nulls_first[i] = oi->nulls ? oi->nulls == 1 : !oi->desc;
    }
    sp->n = 1;
    sp->updating_input = updating;
    sp->emit_before = true;
    sp->insert_sensitive = true;
    /* table.exec.state.ttl > 0: keep-last sends an unchanged row again
     * (Flink refreshes the downstream TTLs). */
    const struct hf_opt_val *ttl =
        hf_opts_get(&p->job->settings, "table.exec.state.ttl", NULL);
    sp->ttl = ttl && ttl->v.i > 0;
    const struct hf_opt_val *ins = hf_opts_get(
        &p->job->settings,
        "table.exec.deduplicate.insert-update-after-sensitive-enabled", NULL);
    sp->insert_sensitive = ins == NULL || ins->v.b;
    /* The output: in's columns, then the row number. */
    struct hf_schema *os = calloc(1, sizeof *os);
    if (os)
        os->cols = calloc(in->ncols + 1, sizeof *os->cols);
    if (os == NULL || os->cols == NULL) {
        free(os);
        hf_rank_spec_free(sp);
        oom(p);
        return NULL;
    }
    for (uint32_t i = 0; i < in->ncols; i++) {
        os->cols[i].name = strdup(in->cols[i].name);
        os->cols[i].type = in->cols[i].type;
        os->ncols++;
        if (os->cols[i].name == NULL)
            break;
    }
    char rn[64];
    snprintf(rn, sizeof rn, "$rn%u", in->ncols);
    if (os->ncols == in->ncols) {
        os->cols[os->ncols].name = strdup(rn);
        os->cols[os->ncols].type = hf_type_make(HF_BIGINT);
        os->cols[os->ncols].type.not_null = true;
        os->ncols++;
    }
    struct hf_node *nd = NULL;
    if (os->ncols == in->ncols + 1 && os->cols[in->ncols].name)
        nd = hf_graph_add(p->g, HF_NODE_OP, &in_node, 1);
    if (nd == NULL) {
        hf_schema_free(os);
        free(os);
        hf_rank_spec_free(sp);
        oom(p);
        return NULL;
    }
    nd->op = &hf_op_rank;
    nd->spec = sp;
    nd->own_schema = os;
    nd->schema = os;
    t->node = nd->id;
    t->spec = sp;
    t->time = time;
    t->func = fn;
    t->line = ov->line;
    t->col = ov->col;
    t->lo = 1;
    t->hi = INT64_MAX;
    t->next = p->ranks;
    p->ranks = t;
    *node_out = nd->id;
    return t;
}

int hf_plan_rank_check(struct planner *p)
{
    for (struct hf_rank_track *t = p->ranks; t; t = t->next)
        if (!t->done && hf_plan_rank_finish(p, t, true) != 0)
            return -1;
    p->ranks = NULL;
    return 0;
}

void hf_plan_rank_forget(struct planner *p)
{
    p->ranks = NULL;
}

bool hf_plan_rank_ranged(const struct hf_rank_track *t)
{
    return t->ranged;
}

void hf_plan_rank_use(struct hf_rank_track *t)
{
    t->used = true;
}

bool hf_plan_rank_updating(const struct hf_rank_track *t)
{
    return !(t->dedup && !t->spec->keep_last && !t->spec->rowtime);
}

void hf_plan_rank_bind(struct hf_rank_track *t, struct rupd *u)
{
    t->upd = u;
    u->node_text = "Rank(rankType=[ROW_NUMBER])";
}

void hf_plan_rank_ub(struct hf_rank_track *t, bool need)
{
    if (need)
        t->ub_forced = true;
    t->spec->emit_before = need || t->ub_forced;
}

bool hf_plan_ast_reads(const struct hf_ast_expr *a, const char *name,
                       const char *qual)
{
    if (a == NULL)
        return false;
    if (a->kind == HF_AST_COLUMN && a->text && strcmp(a->text, name) == 0 &&
        (a->qual == NULL || (qual && strcmp(a->qual, qual) == 0)))
        return true;
    for (uint32_t i = 0; i < a->nargs; i++)
        if (hf_plan_ast_reads(a->args[i], name, qual))
            return true;
    return false;
}

/* ------------------------------------------------------------ the range */

static bool is_rn(const struct hf_ast_expr *a, const char *name,
                  const char *qual)
{
    return a->kind == HF_AST_COLUMN && strcmp(a->text, name) == 0 &&
           (a->qual == NULL || (qual && strcmp(a->qual, qual) == 0));
}

static bool int_lit(const struct hf_ast_expr *a, int64_t *v)
{
    if (a->kind != HF_AST_INT)
        return false;
    char *end;
    long long x = strtoll(a->text, &end, 10);
    if (*end != '\0')
        return false;
    *v = x;
    return true;
}

/* Apply `rn op v` to the range. */
static void bound(struct hf_rank_track *t, enum hf_ast_op op, int64_t v)
{
    switch (op) {
    case HF_AOP_EQ:
        if (v > t->lo)
            t->lo = v;
        if (v < t->hi)
            t->hi = v;
        break;
    case HF_AOP_LE:
        if (v < t->hi)
            t->hi = v;
        break;
    case HF_AOP_LT:
        if (v - 1 < t->hi)
            t->hi = v - 1;
        break;
    case HF_AOP_GE:
        if (v > t->lo)
            t->lo = v;
        break;
    case HF_AOP_GT:
        if (v + 1 > t->lo)
            t->lo = v + 1;
        break;
    default:
        break;
    }
}

static enum hf_ast_op flip(enum hf_ast_op op)
{
    switch (op) {
    case HF_AOP_LT:
        return HF_AOP_GT;
    case HF_AOP_LE:
        return HF_AOP_GE;
    case HF_AOP_GT:
        return HF_AOP_LT;
    case HF_AOP_GE:
        return HF_AOP_LE;
    default:
        return op;
    }
}

/* 1 if term `a` bounds rn (taken), 0 if it is another condition. */
static int take_term(struct hf_rank_track *t, const struct hf_ast_expr *a,
                     const char *name, const char *qual)
{
    int64_t v, w;
    if (a->kind == HF_AST_BINARY &&
        (a->op == HF_AOP_EQ || a->op == HF_AOP_LE || a->op == HF_AOP_LT ||
         a->op == HF_AOP_GE || a->op == HF_AOP_GT)) {
        if (is_rn(a->args[0], name, qual) && int_lit(a->args[1], &v)) {
            bound(t, a->op, v);
            return 1;
        }
        if (is_rn(a->args[1], name, qual) && int_lit(a->args[0], &v)) {
            bound(t, flip(a->op), v);
            return 1;
        }
        return 0;
    }
    if (a->kind == HF_AST_BETWEEN && !a->negated && !a->b &&
        is_rn(a->args[0], name, qual) && int_lit(a->args[1], &v) &&
        int_lit(a->args[2], &w)) {
        bound(t, HF_AOP_GE, v);
        bound(t, HF_AOP_LE, w);
        return 1;
    }
    return 0;
}

static int terms(struct planner *p, struct hf_rank_track *t,
                 const struct hf_ast_expr *a, const char *name,
                 const char *qual, const struct hf_ast_expr **rest,
                 uint32_t *nrest, bool *took)
{
    if (a->kind == HF_AST_BINARY && a->op == HF_AOP_AND)
        return terms(p, t, a->args[0], name, qual, rest, nrest, took) ||
               terms(p, t, a->args[1], name, qual, rest, nrest, took);
    if (take_term(t, a, name, qual)) {
        *took = true;
        return 0;
    }
    rest[(*nrest)++] = a;
    return 0;
}

static uint32_t count_terms(const struct hf_ast_expr *a)
{
    if (a->kind == HF_AST_BINARY && a->op == HF_AOP_AND)
        return count_terms(a->args[0]) + count_terms(a->args[1]);
    return 1;
}

int hf_plan_rank_range(struct planner *p, struct hf_rank_track *t,
                       const struct hf_ast_expr *where, const char *rn_name,
                       const char *qual, int line, int col,
                       const struct hf_ast_expr ***rest, uint32_t *nrest)
{
    *rest = NULL;
    *nrest = 0;
    bool took = false;
    if (where) {
        uint32_t n = count_terms(where);
        *rest = hf_arena_alloc(&p->arena, n * sizeof **rest);
        if (*rest == NULL)
            return oom(p);
        if (terms(p, t, where, rn_name, qual, *rest, nrest, &took) != 0)
            return -1;
    }
    if (!took || t->hi == INT64_MAX)
        return err_at(p, HF_ERR_UNSUPPORTED, line, col,
                      "%s() OVER (...) at line %d needs the query reading it "
                      "to keep a top range: WHERE %s <= N (or %s = 1); any "
                      "other use is OVER aggregation, which is not supported",
                      t->func, t->line, rn_name, rn_name);
    if (t->lo > 1 && t->lo <= t->hi)
        return err_at(p, HF_ERR_UNSUPPORTED, line, col,
                      "a rank range starting above 1 (%s >= %" PRId64
                      ") is not supported; only the top N (%s <= N)",
                      rn_name, t->lo, rn_name);
    if (t->hi < t->lo || t->hi < 1)
        return err_at(p, HF_ERR_UNSUPPORTED, line, col,
                      "the condition on %s keeps no rows (range %" PRId64
                      "..%" PRId64 ")",
                      rn_name, t->lo, t->hi);
    t->ranged = true;
    t->spec->n = t->hi;
    return 0;
}

void hf_plan_rank_top(struct hf_rank_track *t, int64_t n)
{
    t->lo = 1;
    t->hi = n;
    t->ranged = true;
    t->spec->n = n;
}

/* ------------------------------------------------------------ the operator */

/* The upsert key of node `id`'s rows as its columns (out[0..*n), room
 * for the node's width): a group aggregate's GROUP BY columns, a source's
 * PRIMARY KEY (through a ChangelogNormalize), carried through calcs that
 * keep every key column unchanged (Flink's FlinkRelMdUpsertKeys for these
 * nodes). false when none is known. */
static bool node_upsert_key(const struct hf_graph *g, uint32_t id,
                            uint32_t *out, uint32_t *n, int depth)
{
    const struct hf_node *nd = &g->nodes[id];
    if (depth > 64)
        return false;
    if (nd->kind == HF_NODE_SOURCE) {
        const struct hf_table_def *t = nd->table;
        if (t == NULL || t->schema.npk == 0 || nd->schema != &t->schema)
            return false;
        memcpy(out, t->schema.pk, t->schema.npk * sizeof *out);
        *n = t->schema.npk;
        return true;
    }
    if (nd->kind != HF_NODE_OP || nd->ninputs != 1)
        return false;
    if (nd->op == &hf_op_normalize)
        return node_upsert_key(g, nd->inputs[0], out, n, depth + 1);
    if (nd->op == &hf_op_group_agg) {
        const struct hf_group_agg_spec *ga = nd->spec;
        if (ga->nkeys == 0)
            return false; /* one row: {} (no partition key contains) */
        for (uint32_t k = 0; k < ga->nkeys; k++)
            out[k] = k; /* the output's first columns */
        *n = ga->nkeys;
        return true;
    }
    if (nd->op != &hf_op_calc)
        return false;
    const struct hf_calc_spec *c = nd->spec;
    uint32_t in_n = c->in ? c->in->ncols : 0;
    uint32_t *ik = malloc((in_n ? in_n : 1) * sizeof *ik);
    uint32_t nik = 0;
    bool ok = ik && node_upsert_key(g, nd->inputs[0], ik, &nik, depth + 1);
    for (uint32_t k = 0; ok && k < nik; k++) {
        bool found = false;
        for (uint32_t j = 0; j < c->nproj && !found; j++) {
            uint32_t col;
            if (hf_expr_column(c->proj[j], &col) && col == ik[k]) {
                out[k] = j;
                found = true;
            }
        }
        ok = found;
    }
    *n = nik;
    free(ik);
    return ok;
}

/* The updating-result record once the operator is chosen: Flink's node
 * text for messages, and the upsert key (flink-stateful-sql.md 1.8):
 * the partition key for deduplication and Top-1, partition key + rn with
 * the row number; for Top-N without it the input's upsert key when that
 * contains the partition key (FlinkRelMdUpsertKeys: Rank filters its
 * input's keys by the partition key), else none. */
static int describe(struct planner *p, struct hf_rank_track *t)
{
    const struct hf_rank_spec *sp = t->spec;
    if (t->upd == NULL)
        return 0;
    struct hf_strbuf b;
    hf_strbuf_init(&b, 4096);
    if (t->dedup) {
        hf_strbuf_printf(&b, "Deduplicate(keep=[%s], key=[",
                         sp->keep_last ? "LastRow" : "FirstRow");
    } else {
        hf_strbuf_printf(&b,
                         "Rank(rankType=[ROW_NUMBER], rankRange=[rankStart=1, "
                         "rankEnd=%" PRId64 "], partitionBy=[",
                         sp->n);
    }
    for (uint32_t i = 0; i < sp->npart; i++)
        hf_strbuf_printf(&b, "%s%s", i ? ", " : "",
                         sp->in->cols[sp->part[i]].name);
    if (t->dedup) {
        hf_strbuf_printf(&b, "], order=[%s])",
                         sp->rowtime ? "ROWTIME" : "PROCTIME");
    } else {
        hf_strbuf_puts(&b, "], orderBy=[");
        for (uint32_t i = 0; i < sp->norder; i++)
            hf_strbuf_printf(&b, "%s%s%s", i ? ", " : "",
                             sp->in->cols[sp->order[i]].name,
                             sp->desc[i] ? " DESC" : " ASC");
        hf_strbuf_printf(&b, "], outputRankNumber=[%s])",
                         sp->out_rn ? "true" : "false");
    }
    char *text = hf_strbuf_ok(&b) && b.data
                     ? hf_arena_strndup(&p->arena, b.data, b.len)
                     : NULL;
    hf_strbuf_free(&b);
    t->keys = hf_arena_alloc(&p->arena, (sp->npart + 1) * sizeof *t->keys);
    if (text == NULL || t->keys == NULL)
        return oom(p);
    t->upd->node_text = text;
    uint32_t nk = 0;
    bool keyed = t->dedup || sp->out_rn || sp->n == 1;
    if (keyed) {
        for (uint32_t i = 0; i < sp->npart; i++)
            t->keys[nk++] = sp->part[i];
        if (sp->out_rn)
            t->keys[nk++] = sp->in->ncols;
    } else {
        const struct hf_node *rn = &p->g->nodes[t->node];
        uint32_t *ik = hf_arena_alloc(&p->arena,
                                      (sp->in->ncols + 1) * sizeof *ik);
        if (ik == NULL)
            return oom(p);
        uint32_t nik = 0;
        if (rn->ninputs == 1 && p->g->nodes[rn->inputs[0]].schema == sp->in &&
            node_upsert_key(p->g, rn->inputs[0], ik, &nik, 0)) {
            keyed = true;
            for (uint32_t i = 0; i < sp->npart && keyed; i++) {
                bool in = false;
                for (uint32_t k = 0; k < nik; k++)
                    in = in || ik[k] == sp->part[i];
                keyed = in;
            }
        }
        if (keyed) {
            t->keys = ik;
            nk = nik;
        }
    }
    t->upd->keys = t->keys;
    t->upd->nkeys = nk;
    t->upd->no_key = !keyed;
    return 0;
}

int hf_plan_rank_finish(struct planner *p, struct hf_rank_track *t, bool rn_out)
{
    if (t->done)
        return 0;
    if (!t->ranged)
        return err_at(p, HF_ERR_UNSUPPORTED, t->line, t->col,
                      "%s() OVER (...) needs the query reading it to keep a "
                      "top range (WHERE rn <= N, or rn = 1); any other use "
                      "is OVER aggregation, which is not supported",
                      t->func);
    t->done = true;
    struct hf_rank_spec *sp = t->spec;
    bool used = t->used || rn_out;
    if (!used && sp->n == 1 && sp->norder == 1 && t->time != HF_RANK_NOT_TIME) {
        if (sp->updating_input)
            return err_at(p, HF_ERR_UNSUPPORTED, t->line, t->col,
                          "deduplication (ROW_NUMBER() ... ORDER BY a time "
                          "attribute, rn = 1) does not support consuming "
                          "update and delete changes (nor does Flink's "
                          "Deduplicate); its input is a changelog");
        t->dedup = true;
        sp->keep_last = sp->desc[0];
        sp->rowtime = t->time == HF_RANK_ROWTIME;
        struct hf_node *nd = &p->g->nodes[t->node];
        nd->op = &hf_op_deduplicate;
        return describe(p, t);
    }
    sp->out_rn = used;
    const struct hf_type *ty = &sp->in->cols[sp->order[0]].type;
    for (uint32_t i = 0; i < sp->norder; i++) {
        ty = &sp->in->cols[sp->order[i]].type;
        if (!hf_rank_sortable(ty)) {
            char tn[64];
            return err_at(p, HF_ERR_UNSUPPORTED, t->line, t->col,
                          "ORDER BY column '%s' of ROW_NUMBER() is %s, "
                          "which Top-N cannot order by",
                          sp->in->cols[sp->order[i]].name,
                          hf_type_name(ty, tn, sizeof tn));
        }
    }
    return describe(p, t);
}
