/*
 * project.c - filter and projection, row by row over a batch.
 *
 * A projection that is a bare column reference of the same type copies the
 * 24-byte value slot (strings keep pointing into the source batch's arena);
 * anything else is evaluated by the expression tree, whose results go into
 * the output batch's arena.
 */
#include "runtime/project.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sql/expr.h"

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

static void where_of(const struct hf_batch *in, uint32_t i, char *buf,
                     size_t n)
{
    if (in->src_name && in->origin[i] >= 0)
        snprintf(buf, n, " (from %s:%" PRId64 ")", in->src_name,
                 in->origin[i]);
    else
        buf[0] = '\0';
}

/* An expression failed on row i: say which query and which input row. */
static int row_fail(const struct hf_pipeline *p, const struct hf_batch *in,
                    uint32_t i, struct hf_error *err)
{
    char where[300];
    where_of(in, i, where, sizeof where);
    hf_error_prefix(err, "INSERT INTO '%s'%s: ", p->sink->name, where);
    return -1;
}

int hf_project_batch(const struct hf_pipeline *p, const struct hf_batch *in,
                     struct hf_batch *out, bool drop_null_violations,
                     struct hf_error *err)
{
    const struct hf_schema *src = &p->source->schema;
    const struct hf_schema *dst = &p->sink->schema;
    uint32_t copy_from[dst->ncols ? dst->ncols : 1];
    bool direct[dst->ncols ? dst->ncols : 1];
    for (uint32_t c = 0; c < p->nproj; c++) {
        uint32_t idx;
        direct[c] = hf_expr_column(p->proj[c], &idx) &&
                    same_type(&src->cols[idx].type, &dst->cols[c].type);
        copy_from[c] = direct[c] ? idx : 0;
    }
    out->src_name = in->src_name;
    out->src_part = in->src_part;

    for (uint32_t i = 0; i < in->nrows; i++) {
        const struct hf_value *row = hf_batch_row(in, i);
        if (p->filter) {
            struct hf_value keep;
            if (hf_expr_eval(p->filter, row, out, &keep, err) != 0)
                return row_fail(p, in, i, err);
            if (keep.null || !keep.v.b)
                continue;
        }
        struct hf_value *o = hf_batch_add_row(
            out, (enum hf_rowkind)in->kinds[i], in->origin[i]);
        if (o == NULL)
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        for (uint32_t c = 0; c < p->nproj; c++) {
            if (direct[c]) {
                o[c] = row[copy_from[c]];
            } else if (hf_expr_eval(p->proj[c], row, out, &o[c], err) != 0) {
                hf_batch_drop_last(out);
                return row_fail(p, in, i, err);
            }
            if (o[c].null && dst->cols[c].type.not_null) {
                if (drop_null_violations) {
                    hf_batch_drop_last(out);
                    break;
                }
                char where[300];
                where_of(in, i, where, sizeof where);
                hf_batch_drop_last(out);
                return hf_error_set(
                    err, HF_ERR_DATA,
                    "column '%s' of table '%s' is NOT NULL but the query "
                    "produced NULL%s; set 'table.exec.sink.not-null-enforcer' "
                    "= 'DROP' to drop such rows",
                    dst->cols[c].name, p->sink->name, where);
            }
        }
    }
    return 0;
}
