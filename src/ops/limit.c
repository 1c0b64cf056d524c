/*
 * limit.c - the limit operator (LIMIT n [OFFSET m], batch mode): skips the
 * first m rows it receives, passes the next n on and drops the rest.
 *
 * Without ORDER BY, Flink's batch LIMIT keeps whichever rows come first;
 * so does this operator, in the order its one input delivers them. A
 * batch wholly inside the window is passed on as it is; a batch cut by
 * the window is copied (value slots only: the output names the input as
 * its parent, so strings are not copied). The planner places it only in
 * batch mode and only on insert-only rows (a count over a changelog would
 * need state).
 *
 * One input, its count is its only state, and every call is on its
 * producer's thread: chainable.
 */
#include "ops/limit.h"

#include <stdlib.h>
#include <string.h>

#include "ops/op.h"

struct limit {
    const struct hf_limit_spec *spec;
    struct hf_rbuf_pool *pool;
    int64_t seen; /* rows received so far */
};

static void limit_explain(const struct hf_node *n, struct hf_strbuf *out)
{
    const struct hf_limit_spec *s = n->spec;
    if (s->limit != INT64_MAX)
        hf_strbuf_printf(out, "first %lld rows", (long long)s->limit);
    else
        hf_strbuf_puts(out, "all rows");
    if (s->offset)
        hf_strbuf_printf(out, " after skipping %lld", (long long)s->offset);
}

static void limit_free_spec(void *spec)
{
    free(spec);
}

static int limit_open(const struct hf_op_env *env, void **state,
                      struct hf_error *err)
{
    struct limit *l = calloc(1, sizeof *l);
    if (l == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    l->spec = env->node->spec;
    l->pool = env->pool;
    *state = l;
    return 0;
}

static int limit_process(void *state, uint32_t input, struct hf_rbuf *in,
                         struct hf_op_out *out, struct hf_error *err)
{
    (void)input;
    struct limit *l = state;
    const struct hf_batch *b = in->b;
    int64_t first = l->seen, end = l->seen + b->nrows;
    l->seen = end;
    /* The window of rows passed on: [offset, offset + limit). */
    int64_t lo = l->spec->offset;
    int64_t hi =
        l->spec->limit > INT64_MAX - lo ? INT64_MAX : lo + l->spec->limit;
    if (end <= lo || first >= hi || b->nrows == 0)
        return 0;
    if (first >= lo && end <= hi)
        return out->emit(out, in, err);
    struct hf_rbuf *r = hf_rbuf_get(l->pool, -1);
    if (r == NULL)
        return -1; /* the job is failing */
    struct hf_batch *o = r->b;
    o->src_name = b->src_name;
    o->src_part = b->src_part;
    int64_t from = lo > first ? lo - first : 0;
    int64_t to = hi < end ? hi - first : (int64_t)b->nrows;
    for (int64_t i = from; i < to; i++) {
        struct hf_value *row =
            hf_batch_add_row(o, (enum hf_rowkind)b->kinds[i], b->origin[i]);
        if (row == NULL) {
            hf_rbuf_release(r);
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        }
        memcpy(row, hf_batch_row(b, (uint32_t)i), b->ncols * sizeof *row);
    }
    hf_rbuf_set_parent(r, in);
    int rc = out->emit(out, r, err);
    hf_rbuf_release(r);
    return rc;
}

static void limit_close(void *state)
{
    free(state);
}

const struct hf_op_class hf_op_limit = {
    .name = "limit",
    .flags = HF_OP_CHAINABLE,
    .explain = limit_explain,
    .free_spec = limit_free_spec,
    .open = limit_open,
    .process = limit_process,
    .close = limit_close,
};
