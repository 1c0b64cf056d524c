/*
 * calc.c - the calc operator: filter, projection and cast, row by row over
 * a batch (spec in calc.h).
 *
 * A projection that is a bare column reference of a type the output column
 * holds unchanged copies the 24-byte value slot, so strings keep pointing
 * into the input batch's arena: the output batch then names the input as
 * its parent (rbuf.h) and no string is copied. Anything else is evaluated
 * by the expression tree, whose results go into the output batch's arena
 * or are one of its arguments as they are (COALESCE(s, 'x') gives back the
 * input's string): so the output names the input as its parent then too.
 * Each output row keeps its input row's RowKind and origin.
 *
 * A calc that only passes every column on, in order and unchanged, with no
 * filter (INSERT INTO t SELECT * FROM s, or the same columns listed), is
 * an identity: it emits its input batch itself, so a plain projection job
 * copies no value at all. Only when a NOT NULL column of its target holds
 * a NULL does it take the copying path, which drops or refuses the row.
 *
 * Stateless and one-input: chainable, so it runs in its producer's thread
 * (after a source, in the source's thread: the projection works in
 * parallel with the sink's writing, as before the graph existed).
 */
#include "ops/calc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/op.h"
#include "sql/expr.h"

struct calc {
    const struct hf_calc_spec *spec;
    struct hf_rbuf_pool *pool;
    bool drop_null_violations;
    bool borrows;        /* some column is copied: outputs borrow inputs */
    bool identity;       /* output == input: emit the input batch */
    uint32_t *copy_from; /* per output column: input column, or UINT32_MAX */
};

/* ------------------------------------------------------------ plan */

static void calc_explain(const struct hf_node *n, struct hf_strbuf *out)
{
    const struct hf_calc_spec *s = n->spec;
    if (s->filter) {
        hf_strbuf_puts(out, "where ");
        hf_expr_to_text(s->filter, out);
        hf_strbuf_puts(out, "; ");
    }
    for (uint32_t c = 0; c < s->nproj; c++) {
        hf_strbuf_printf(out, "%s%s := ", c ? ", " : "", s->out->cols[c].name);
        hf_expr_to_text(s->proj[c], out);
    }
}

static void calc_free_spec(void *spec)
{
    struct hf_calc_spec *s = spec;
    if (s == NULL)
        return;
    for (uint32_t c = 0; s->proj && c < s->nproj; c++)
        hf_expr_free(s->proj[c]);
    free(s->proj);
    free(s->rowtime);
    hf_expr_free(s->filter);
    free(s);
}

/* ------------------------------------------------------------ run */

static bool same_type(const struct hf_type *a, const struct hf_type *b)
{
    if (a->id != b->id)
        return false;
    if (a->id == HF_DECIMAL)
        return a->scale == b->scale && a->precision <= b->precision;
    if (hf_type_is_nested(a->id))
        return hf_type_equal(a, b); /* children exactly as declared */
    if (a->id == HF_VARCHAR || a->id == HF_CHAR)
        return b->length == HF_LEN_MAX || a->length <= b->length;
    return true;
}

static int calc_open(const struct hf_op_env *env, void **state,
                     struct hf_error *err)
{
    const struct hf_calc_spec *s = env->node->spec;
    struct calc *c = calloc(1, sizeof *c);
    if (c)
        c->copy_from = calloc(s->nproj ? s->nproj : 1, sizeof *c->copy_from);
    if (c == NULL || c->copy_from == NULL) {
        free(c);
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    c->spec = s;
    c->pool = env->pool;
    c->drop_null_violations = env->drop_null_violations;
    for (uint32_t i = 0; i < s->nproj; i++) {
        uint32_t idx;
        c->copy_from[i] = UINT32_MAX;
        if (hf_expr_column(s->proj[i], &idx) &&
            same_type(&s->in->cols[idx].type, &s->out->cols[i].type)) {
            c->copy_from[i] = idx;
            c->borrows = true;
        } else {
            /* An expression's result may be one of its arguments as it
             * is (COALESCE, IF, CASE, NULLIF give back a column's string
             * without copying it): it borrows the input too. */
            c->borrows = true;
        }
    }
    c->identity = s->filter == NULL && s->nproj == s->in->ncols;
    for (uint32_t i = 0; c->identity && i < s->nproj; i++)
        c->identity = c->copy_from[i] == i;
    *state = c;
    return 0;
}

/* Is output column k a NOT NULL column of the target that gets written?
 * (A computed or VIRTUAL column of a sink is not written: its NULL
 * placeholder is no violation.) */
static bool enforced(const struct hf_calc_spec *s, uint32_t k)
{
    const struct hf_column *c = &s->out->cols[k];
    return s->target && c->type.not_null &&
           (c->kind == HF_COL_PHYSICAL ||
            (c->kind == HF_COL_METADATA && !c->is_virtual));
}

/* An identity calc may pass `in` on unless a NOT NULL column of its
 * target holds a NULL. */
static bool pass_through(const struct calc *c, const struct hf_batch *in)
{
    const struct hf_calc_spec *s = c->spec;
    if (!c->identity)
        return false;
    if (s->target == NULL)
        return true;
    for (uint32_t k = 0; k < s->nproj; k++) {
        if (!enforced(s, k))
            continue;
        for (uint32_t i = 0; i < in->nrows; i++)
            if (hf_batch_row(in, i)[k].null)
                return false;
    }
    return true;
}

static void where_of(const struct hf_batch *in, uint32_t i, char *buf, size_t n)
{
    if (in->src_name && in->origin[i] >= 0)
        snprintf(buf, n, " (from %s:%" PRId64 ")", in->src_name, in->origin[i]);
    else
        buf[0] = '\0';
}

/* An expression failed on row i: say which query and which input row. */
static int row_fail(const struct calc *c, const struct hf_batch *in, uint32_t i,
                    struct hf_error *err)
{
    char where[300];
    where_of(in, i, where, sizeof where);
    if (c->spec->target)
        hf_error_prefix(err, "INSERT INTO '%s'%s: ", c->spec->target, where);
    else
        hf_error_prefix(err, "query%s: ", where);
    return -1;
}

/* Filter and project `in` into `out`. 0 or -1. */
static int project(const struct calc *c, const struct hf_batch *in,
                   struct hf_batch *out, struct hf_error *err)
{
    const struct hf_calc_spec *s = c->spec;
    const struct hf_schema *dst = s->out;
    out->src_name = in->src_name;
    out->src_part = in->src_part;
    for (uint32_t i = 0; i < in->nrows; i++) {
        const struct hf_value *row = hf_batch_row(in, i);
        if (s->filter) {
            struct hf_value keep;
            if (hf_expr_eval(s->filter, row, out, &keep, err) != 0)
                return row_fail(c, in, i, err);
            if (keep.null || !keep.v.b)
                continue;
        }
        struct hf_value *o =
            hf_batch_add_row(out, (enum hf_rowkind)in->kinds[i], in->origin[i]);
        if (o == NULL)
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        for (uint32_t k = 0; k < s->nproj; k++) {
            if (c->copy_from[k] != UINT32_MAX) {
                o[k] = row[c->copy_from[k]];
            } else if (hf_expr_eval(s->proj[k], row, out, &o[k], err) != 0) {
                hf_batch_drop_last(out);
                return row_fail(c, in, i, err);
            }
            if (!o[k].null || !enforced(s, k))
                continue;
            hf_batch_drop_last(out);
            if (c->drop_null_violations)
                break;
            char where[300];
            where_of(in, i, where, sizeof where);
            return hf_error_set(
                err, HF_ERR_DATA,
                "column '%s' of table '%s' is NOT NULL but the query "
                "produced NULL%s; set 'table.exec.sink.not-null-enforcer' "
                "= 'DROP' to drop such rows",
                dst->cols[k].name, s->target, where);
        }
    }
    return 0;
}

static int calc_process(void *state, uint32_t input, struct hf_rbuf *in,
                        struct hf_op_out *out, struct hf_error *err)
{
    (void)input;
    struct calc *c = state;
    if (pass_through(c, in->b))
        return out->emit(out, in, err);
    struct hf_rbuf *r = hf_rbuf_get(c->pool, -1);
    if (r == NULL)
        return -1; /* the job is failing */
    if (project(c, in->b, r->b, err) != 0) {
        hf_rbuf_release(r);
        return -1;
    }
    int rc = 0;
    if (r->b->nrows > 0) {
        if (c->borrows)
            hf_rbuf_set_parent(r, in);
        rc = out->emit(out, r, err);
    }
    hf_rbuf_release(r);
    return rc;
}

static void calc_close(void *state)
{
    struct calc *c = state;
    if (c == NULL)
        return;
    free(c->copy_from);
    free(c);
}

const struct hf_op_class hf_op_calc = {
    .name = "calc",
    .flags = HF_OP_CHAINABLE | HF_OP_REPLICABLE,
    .explain = calc_explain,
    .free_spec = calc_free_spec,
    .open = calc_open,
    .process = calc_process,
    .close = calc_close,
};
