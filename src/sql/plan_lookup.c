/*
 * plan_lookup.c - lookup (dimension) joins into lookup-join nodes
 * (ops/lookup_join.h):
 *
 *   FROM s [LEFT] JOIN dim FOR SYSTEM_TIME AS OF s.proc [AS d]
 *        ON s.k = d.k [AND d.x = 1 AND s.y < d.y ...]
 *   FROM s, LATERAL TABLE(dim(s.a, s.b))           (seed 001)
 *   FROM s LEFT JOIN LATERAL TABLE(dim(s.a)) AS d ON TRUE
 *
 * `dim` must be a table whose connector offers lookups (HF_CONN_LOOKUP);
 * the time must be a processing-time attribute of the probe side (an
 * event-time temporal join is refused by name). The lookup keys are the
 * ON conjuncts `d.col = expr` where expr reads only the probe side (or
 * is a constant); every other conjunct is the residual condition over
 * the joined row. In the LATERAL form the arguments are the values of
 * the dimension's PRIMARY KEY columns, in order, and ON (when given) is
 * the residual. The join is one-to-one when the keys cover the primary
 * key, else one-to-many (every matching row joins). The probe side's
 * key expressions become hidden columns cast to the dimension column's
 * type when they are not already such columns. Rows keep their kind, so
 * a lookup join over a changelog stays one (Flink's processing-time
 * lookup does not revise earlier output).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/lookup_join.h"
#include "ops/op.h"
#include "runtime/plan.h"
#include "sql/expr.h"
#include "sql/plan_rel.h"

#define err_at hf_plan_err_at
#define oom hf_plan_oom

/* The dimension table named by f. */
static int dim_table(struct planner *p, const struct hf_ast_from *f,
                     struct hf_table_def **out)
{
    struct cat_entry *ce = hf_plan_lookup(p, f->name.name);
    if (ce == NULL) /* "lateral": the table-function hint (planner.c) */
        return hf_plan_unknown(p, &f->name, f->full,
                               f->lateral ? "lateral" : "lookup");
    if (ce->view || ce->table == NULL)
        return err_at(p, HF_ERR_SQL, f->line, f->col,
                      "'%s' is a view; a lookup join reads a table whose "
                      "connector answers lookups",
                      f->full);
    *out = ce->table;
    return 0;
}

/* Can dimension table t (named by f) answer the lookups? `kind`: what
 * the FOR SYSTEM_TIME AS OF column is (1 rowtime, 2 proctime, 0 neither
 * or no AS OF), which names the join Flink would plan otherwise. */
static int dim_check(struct planner *p, const struct hf_ast_from *f,
                     const struct hf_table_def *t, int kind)
{
    const struct hf_connector *c = t->connector;
    bool answers = (c->caps & HF_CONN_LOOKUP) && c->lookup_open != NULL;
    if (!answers && kind == 1 && t->watermark && t->schema.npk > 0)
        return err_at(p, HF_ERR_UNSUPPORTED, f->line, f->col,
                      "table '%s' is a versioned table (PRIMARY KEY and "
                      "WATERMARK): a join with it FOR SYSTEM_TIME AS OF a "
                      "rowtime is Flink's event-time temporal join, which is "
                      "not supported; connector '%s' does not answer lookups "
                      "either (hologres and jdbc do)",
                      f->full, c->name);
    if (!answers && kind == 1)
        return err_at(p, HF_ERR_UNSUPPORTED, f->line, f->col,
                      "table '%s' cannot be a lookup table: connector '%s' "
                      "does not answer lookups (hologres and jdbc do); FOR "
                      "SYSTEM_TIME AS OF a rowtime would be an event-time "
                      "temporal join, which is not supported and needs a "
                      "PRIMARY KEY and a WATERMARK on '%s' (Flink: "
                      "\"Event-Time Temporal Table Join requires both "
                      "primary key and row time attribute in versioned "
                      "table\")",
                      f->full, c->name, f->full);
    if (!answers && kind == 2)
        return err_at(p, HF_ERR_UNSUPPORTED, f->line, f->col,
                      "table '%s' cannot be a lookup table: connector '%s' "
                      "does not answer lookups (hologres and jdbc do); FOR "
                      "SYSTEM_TIME AS OF a processing-time attribute with "
                      "any other table is a processing-time temporal join, "
                      "which Flink does not support either (\"Processing-"
                      "time temporal join is not supported yet.\")",
                      f->full, c->name);
    if (!answers)
        return err_at(p, HF_ERR_UNSUPPORTED, f->line, f->col,
                      "table '%s' cannot be a lookup table: connector '%s' "
                      "does not answer lookups (hologres and jdbc do)",
                      f->full, c->name);
    for (uint32_t i = 0; i < t->schema.ncols; i++)
        if (t->schema.cols[i].kind != HF_COL_PHYSICAL)
            return err_at(p, HF_ERR_UNSUPPORTED, f->line, f->col,
                          "lookup table '%s': column '%s' is computed or "
                          "METADATA; a lookup table has physical columns "
                          "only",
                          f->full, t->schema.cols[i].name);
    return 0;
}

int hf_plan_lookup_join(struct qstate *qs, const struct env *env,
                        const struct hf_ast_from *f, struct pushed_conj *pushed,
                        uint32_t npushed, struct rel **out, struct jtab **tabs,
                        uint32_t *ntabs)
{
    struct planner *p = qs->p;
    const struct hf_ast_from *d = f->right;
    if (f->join != HF_JOIN_INNER && f->join != HF_JOIN_LEFT &&
        f->join != HF_JOIN_COMMA)
        return err_at(p, HF_ERR_UNSUPPORTED, f->join_line, f->join_col,
                      "a lookup join is INNER or LEFT; RIGHT and FULL joins "
                      "with a lookup table are not supported (as in Flink)");
    if (d->lateral && f->join == HF_JOIN_INNER && f->on == NULL)
        return err_at(p, HF_ERR_SQL, f->join_line, f->join_col,
                      "JOIN LATERAL TABLE(...) needs ON (ON TRUE)");
    if (d->systime && f->join == HF_JOIN_COMMA)
        return err_at(p, HF_ERR_SQL, d->systime_line, d->systime_col,
                      "FOR SYSTEM_TIME AS OF needs JOIN ... ON, not a comma "
                      "join");
    struct hf_table_def *dim = NULL;
    if (dim_table(p, d, &dim) != 0)
        return -1;
    bool inner = f->join != HF_JOIN_LEFT;
    struct jside L = {0};
    if (hf_plan_join_side(qs, env, f->left, inner ? pushed : NULL,
                          inner ? npushed : 0, &L) != 0)
        return -1;
    /* The time: a processing-time attribute of the probe side. */
    int kind = 0;
    bool proc = false;
    if (d->systime) {
        struct scope *ts = hf_plan_join_scope(p, L.rel, L.tabs, L.ntabs);
        if (ts == NULL)
            return -1;
        struct hf_expr *te = hf_expr_bind(&ts->bs, d->systime, p->err);
        if (te == NULL)
            return -1;
        uint32_t tc;
        if (hf_expr_column(te, &tc))
            kind = hf_plan_time_attr(p->g, L.rel->node, L.rel->cols[tc].base);
        if (hf_expr_is_proctime(te))
            kind = 2;
        proc = kind == 2;
        hf_expr_free(te);
    }
    if (dim_check(p, d, dim, kind) != 0)
        return -1;
    if (d->systime && !proc)
        return err_at(p, HF_ERR_UNSUPPORTED, d->systime_line, d->systime_col,
                      "FOR SYSTEM_TIME AS OF needs a processing-time "
                      "attribute of the left table (a PROCTIME() column); "
                      "event-time temporal joins are not supported");
    /* The probe side a node of its own, as a regular join's sides are:
     * its computed columns (a view's CURRENT_TIMESTAMP, a PROCTIME()
     * column) and its filters (a view's WHERE) are evaluated there; the
     * lookup node passes the node's columns on as they are. */
    if (hf_plan_rel_node(p, L.rel, NULL, "the lookup join's input") != 0)
        return -1;
    uint32_t nl = L.rel->out->ncols, nd = dim->schema.ncols;
    const char *dqual = d->alias.name ? d->alias.name : d->name.name;

    /* Both sides side by side, to place names. */
    struct rel *drel = hf_plan_table_cols(p, dim, d->line, d->col);
    struct rel *both = hf_plan_new_rel(p, nl + nd);
    struct jtab *bt = hf_plan_aalloc(p, (L.ntabs + 1) * sizeof *bt);
    if (drel == NULL || both == NULL || bt == NULL)
        return -1;
    for (uint32_t c = 0; c < nl; c++)
        both->out->cols[c] = L.rel->out->cols[c];
    for (uint32_t c = 0; c < nd; c++)
        both->out->cols[nl + c] = drel->out->cols[c];
    for (uint32_t t = 0; t < L.ntabs; t++) {
        bt[t] = L.tabs[t];
        if (bt[t].qual && strcmp(bt[t].qual, dqual) == 0)
            return err_at(p, HF_ERR_SQL, f->join_line, f->join_col,
                          "table name '%s' is used twice in the join; give "
                          "one of them an alias",
                          dqual);
    }
    bt[L.ntabs] = (struct jtab){dqual, nl, nd};
    struct scope *bs = hf_plan_join_scope(p, both, bt, L.ntabs + 1);
    struct scope *ls = hf_plan_join_scope(p, L.rel, L.tabs, L.ntabs);
    if (bs == NULL || ls == NULL)
        return -1;

    /* Keys and residual. */
    uint32_t cap = (f->on ? hf_plan_count_on(f->on) : 0) + d->nlargs + 1;
    const struct hf_ast_expr **conj = hf_plan_aalloc(p, cap * sizeof *conj);
    const struct hf_ast_expr **lx = hf_plan_aalloc(p, cap * sizeof *lx);
    const struct hf_ast_expr **res = hf_plan_aalloc(p, cap * sizeof *res);
    uint32_t *dk = hf_plan_aalloc(p, cap * sizeof *dk);
    struct hf_type *kt = hf_plan_aalloc(p, cap * sizeof *kt);
    if (!conj || !lx || !res || !dk || !kt)
        return -1;
    uint32_t nconj = 0, nk = 0, nres = 0;
    if (f->on)
        hf_plan_split_on(f->on, conj, &nconj);
    if (d->lateral) {
        if (dim->schema.npk == 0)
            return err_at(p, HF_ERR_SQL, d->line, d->col,
                          "LATERAL TABLE(%s(...)) passes the values of the "
                          "PRIMARY KEY of '%s', which declares none; add "
                          "PRIMARY KEY (...) NOT ENFORCED or write JOIN %s "
                          "FOR SYSTEM_TIME AS OF ... ON ...",
                          d->full, d->full, d->full);
        if (d->nlargs != dim->schema.npk)
            return err_at(p, HF_ERR_SQL, d->line, d->col,
                          "LATERAL TABLE(%s(...)) takes %u argument%s, the "
                          "values of its PRIMARY KEY, not %u",
                          d->full, dim->schema.npk,
                          dim->schema.npk == 1 ? "" : "s", d->nlargs);
        for (uint32_t k = 0; k < d->nlargs; k++) {
            int m = hf_plan_sides_of(ls, nl, d->largs[k], p->err);
            if (m < 0)
                return -1;
            lx[nk] = d->largs[k];
            dk[nk++] = dim->schema.pk[k];
        }
        for (uint32_t i = 0; i < nconj; i++)
            res[nres++] = conj[i];
    } else {
        for (uint32_t i = 0; i < nconj; i++) {
            const struct hf_ast_expr *a = conj[i];
            if (a->kind == HF_AST_BINARY && a->op == HF_AOP_EQ) {
                int m0 = hf_plan_sides_of(bs, nl, a->args[0], p->err);
                int m1 = m0 < 0 ? -1 : hf_plan_sides_of(bs, nl, a->args[1], p->err);
                if (m0 < 0 || m1 < 0)
                    return -1;
                for (int w = 0; w < 2; w++) {
                    const struct hf_ast_expr *dc = a->args[w], *o = a->args[1 - w];
                    int md = w ? m1 : m0, mo = w ? m0 : m1;
                    if (md != 2 || mo == 2 || mo == 3 ||
                        dc->kind != HF_AST_COLUMN)
                        continue;
                    int idx = hf_schema_find(&dim->schema, dc->text);
                    if (idx < 0)
                        continue;
                    lx[nk] = o;
                    dk[nk++] = (uint32_t)idx;
                    a = NULL;
                    break;
                }
                if (a == NULL)
                    continue;
            }
            res[nres++] = a;
        }
        if (nk == 0)
            return err_at(p, HF_ERR_UNSUPPORTED, f->join_line, f->join_col,
                          "the lookup join with '%s' needs an equality "
                          "between a column of '%s' and the left side (ON "
                          "s.k = %s.k)",
                          d->full, dqual, dqual);
    }
    for (uint32_t k = 0; k < nk; k++) {
        kt[k] = dim->schema.cols[dk[k]].type;
        kt[k].not_null = false;
        if (hf_type_is_nested(kt[k].id))
            return err_at(p, HF_ERR_UNSUPPORTED, lx[k]->line, lx[k]->col,
                          "lookup key '%s' of '%s' is of a nested type",
                          dim->schema.cols[dk[k]].name, d->full);
        struct hf_expr *e = hf_expr_bind(&ls->bs, lx[k], p->err);
        if (e == NULL)
            return -1;
        struct hf_type ct;
        bool ok = hf_expr_is_untyped_null(e) ||
                  (hf_expr_type_common(hf_expr_type(e), false, &kt[k], false,
                                       &ct) &&
                   ct.id == kt[k].id);
        char t1[64], t2[64];
        if (!ok)
            err_at(p, HF_ERR_TYPE, lx[k]->line, lx[k]->col,
                   "the lookup join compares %s with column '%s' of '%s' "
                   "(%s); add a CAST",
                   hf_type_name(hf_expr_type(e), t1, sizeof t1),
                   dim->schema.cols[dk[k]].name, d->full,
                   hf_type_name(&kt[k], t2, sizeof t2));
        hf_expr_free(e);
        if (!ok)
            return -1;
    }

    struct hf_lookup_spec *spec = calloc(1, sizeof *spec);
    if (spec == NULL)
        return oom(p);
    spec->lkeys = calloc(nk, sizeof *spec->lkeys);
    spec->dkeys = calloc(nk, sizeof *spec->dkeys);
    spec->dtypes = calloc(nd ? nd : 1, sizeof *spec->dtypes);
    if (!spec->lkeys || !spec->dkeys || !spec->dtypes) {
        hf_lookup_spec_free(spec);
        return oom(p);
    }
    spec->nkeys = nk;
    memcpy(spec->dkeys, dk, nk * sizeof *dk);
    spec->left = f->join == HF_JOIN_LEFT;
    spec->dim = dim;
    spec->ndim = nd;
    for (uint32_t c = 0; c < nd; c++)
        spec->dtypes[c] = dim->schema.cols[c].type;
    hf_lookup_conf_read(&dim->opts, &spec->conf);
    const struct hf_opt_val *to = hf_opts_get(
        &p->job->settings, "table.exec.async-lookup.timeout", NULL);
    if (to && to->v.i > 0)
        spec->conf.timeout_ms = to->v.i;
    const struct hf_opt_val *om = hf_opts_get(
        &p->job->settings, "table.exec.async-lookup.output-mode", NULL);
    spec->conf.unordered = om && om->v.i == 1;
    /* One-to-one when the keys cover the primary key. */
    spec->one_to_one = dim->schema.npk > 0;
    for (uint32_t i = 0; i < dim->schema.npk; i++) {
        bool in = false;
        for (uint32_t k = 0; k < nk; k++)
            in |= dk[k] == dim->schema.pk[i];
        spec->one_to_one &= in;
    }
    if (hf_plan_side_node(p, &L, ls, lx, kt, nk, spec->lkeys,
                          "a key of the lookup join's input") != 0) {
        hf_lookup_spec_free(spec);
        return -1;
    }
    uint32_t nlb = L.rel->base->ncols;
    spec->nleft = nlb;

    /* The node: an input row, then a dimension row. */
    struct hf_schema *js = hf_plan_aalloc(p, sizeof *js);
    if (js)
        js->cols = hf_plan_aalloc(p, (nlb + nd) * sizeof *js->cols);
    if (js == NULL || js->cols == NULL) {
        hf_lookup_spec_free(spec);
        return -1;
    }
    js->ncols = nlb + nd;
    for (uint32_t c = 0; c < nlb; c++) {
        js->cols[c].name = L.rel->base->cols[c].name;
        js->cols[c].type = L.rel->base->cols[c].type;
    }
    for (uint32_t c = 0; c < nd; c++) {
        js->cols[nlb + c].name = dim->schema.cols[c].name;
        js->cols[nlb + c].type = dim->schema.cols[c].type;
        if (spec->left)
            js->cols[nlb + c].type.not_null = false;
    }
    struct hf_schema *os = hf_plan_own_schema(p, js);
    uint32_t ids[1] = {L.rel->node};
    struct hf_node *node = os ? hf_graph_add(p->g, HF_NODE_OP, ids, 1) : NULL;
    if (node == NULL) {
        hf_lookup_spec_free(spec);
        if (os) {
            hf_schema_free(os);
            free(os);
        }
        return os ? oom(p) : -1;
    }
    node->op = &hf_op_lookup_join;
    node->spec = spec;
    node->own_schema = os;
    node->schema = os;

    struct rel *r = hf_plan_new_rel(p, nl + nd);
    if (r == NULL)
        return -1;
    r->node = node->id;
    r->base = os;
    for (uint32_t c = 0; c < nl; c++) {
        r->out->cols[c] = L.rel->out->cols[c];
        r->out->cols[c].type = os->cols[L.rel->cols[c].base].type;
        r->cols[c].base = L.rel->cols[c].base;
        r->cols[c].line = f->line;
        r->cols[c].col = f->col;
    }
    for (uint32_t c = 0; c < nd; c++) {
        r->out->cols[nl + c] = drel->out->cols[c];
        r->out->cols[nl + c].type = os->cols[nlb + c].type;
        r->out->cols[nl + c].kind = HF_COL_PHYSICAL;
        r->cols[nl + c].base = nlb + c;
        r->cols[nl + c].line = f->line;
        r->cols[nl + c].col = f->col;
    }
    r->clog = L.rel->clog;
    r->clog_format = L.rel->clog_format;
    r->clog_op = L.rel->clog_op;
    r->upd = L.rel->upd;
    struct scope *js2 = hf_plan_join_scope(p, r, bt, L.ntabs + 1);
    if (js2 == NULL)
        return -1;
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
        if (spec->cond == NULL)
            spec->cond = e;
        else if ((spec->cond = hf_expr_and_then(spec->cond, e)) == NULL)
            return oom(p);
    }

    struct hf_strbuf tx;
    hf_strbuf_init(&tx, 0);
    hf_strbuf_printf(&tx, "%s, table %s, key (", spec->left ? "LEFT" : "INNER",
                     dim->name);
    for (uint32_t k = 0; k < nk; k++) {
        if (k)
            hf_strbuf_puts(&tx, ", ");
        hf_strbuf_printf(&tx, "%s = ", dim->schema.cols[dk[k]].name);
        hf_plan_cond_text(p, lx[k], &tx);
    }
    hf_strbuf_printf(&tx, "), %s", spec->one_to_one ? "one-to-one" : "one-to-many");
    for (uint32_t i = 0; i < nres; i++) {
        hf_strbuf_puts(&tx, i ? " AND " : ", where ");
        hf_plan_cond_text(p, res[i], &tx);
    }
    /* The LOOKUP hint, here where nothing can fail before htext is
     * freed. */
    struct hf_strbuf htext;
    hf_strbuf_init(&htext, 0);
    hf_plan_lookup_hint_apply(qs, d->full, d->alias.name, &spec->conf, &htext);
    const struct hf_lookup_conf *c = &spec->conf;
    static const char *const cn[] = {"NONE", "PARTIAL", "FULL"};
    hf_strbuf_printf(&tx, ", batch %u, %s", c->batch_size,
                     c->async ? "async" : "sync");
    if (c->async)
        hf_strbuf_printf(&tx, " (%u in flight)", c->queue_size);
    hf_strbuf_printf(&tx, ", cache %s", cn[c->cache]);
    if (htext.len)
        hf_strbuf_append(&tx, htext.data, htext.len);
    hf_strbuf_free(&htext);
    if (!hf_strbuf_ok(&tx)) {
        hf_strbuf_free(&tx);
        return oom(p);
    }
    spec->text = tx.data ? tx.data : strdup("");
    if (spec->text == NULL)
        return oom(p);
    *out = r;
    *tabs = bt;
    *ntabs = L.ntabs + 1;
    return 0;
}
