/*
 * normalize.c - ChangelogNormalize: an upsert stream (or a changelog that
 * may repeat events) in, a complete changelog out, as Flink's operator of
 * that name (its DeduplicateFunctionHelper.processLastRowOnChangelog).
 *
 * State: keyed state "last" (state/state.h), key = the PRIMARY KEY
 * columns, value = the last row of the key (core/rowcodec.h). So it is in
 * every checkpoint and restored with the sources' positions, and
 * table.exec.state.ttl expires idle keys as for the other operators.
 * Per input row, by its key:
 *
 *   +I/+U, no row kept          -> +I(row)                  keep row
 *   +I/+U, equal to the kept    -> nothing (TTL off)        keep row
 *   +I/+U, another row          -> [-U(kept)] +U(row)       keep row
 *   -D/-U, a row kept           -> -D(kept), the whole row  drop the key
 *   -D/-U, no row kept          -> nothing
 *
 * -U(kept) is emitted only when a consumer needs update-befores (the
 * planner's update_before). "Equal" compares every column, not the row
 * kind: Flink's equaliser did compare the kind before FLINK-38217 (2025),
 * which made a +U equal to a kept +I pass; upsert-kafka's rows come as
 * inserts, so that made no difference there. With TTL on, an equal row is
 * sent again (-U/+U) so that downstream state is refreshed, as Flink does.
 * A -D for an unknown key is dropped: it is a tombstone for a key never
 * seen (or expired), and its other columns are unknown.
 *
 * One input, keyed state: not chainable.
 */
#include <stdlib.h>
#include <string.h>

#include "core/rowcodec.h"
#include "ops/normalize.h"
#include "ops/op.h"
#include "state/state.h"

#define ROW_MAX (64u << 20)

void hf_normalize_spec_free(struct hf_normalize_spec *s)
{
    if (s == NULL)
        return;
    free(s->key);
    free(s);
}

struct norm {
    const struct hf_normalize_spec *sp;
    const char *uid;
    struct hf_state *st;
    struct hf_rbuf_pool *pool;
    struct hf_type *types, *ktypes;
    uint32_t ncols;
    struct hf_strbuf key, row;
    struct hf_rbuf *outb, *in;
};

static void norm_explain(const struct hf_node *n, struct hf_strbuf *out)
{
    const struct hf_normalize_spec *sp = n->spec;
    hf_strbuf_puts(out, "key ");
    for (uint32_t i = 0; i < sp->nkey; i++)
        hf_strbuf_printf(out, "%s%s", i ? ", " : "",
                         sp->in->cols[sp->key[i]].name);
    hf_strbuf_printf(out, " of '%s'; emits %s", sp->table ? sp->table : "?",
                     sp->update_before ? "-U/+U" : "+U only");
    if (sp->ttl)
        hf_strbuf_puts(out, ", unchanged rows too (state TTL)");
}

static void norm_free_spec(void *spec)
{
    hf_normalize_spec_free(spec);
}

static void norm_close(void *state)
{
    struct norm *d = state;
    if (d == NULL)
        return;
    free(d->types);
    free(d->ktypes);
    hf_strbuf_free(&d->key);
    hf_strbuf_free(&d->row);
    free(d);
}

static int norm_open(const struct hf_op_env *env, void **state,
                     struct hf_error *err)
{
    const struct hf_normalize_spec *sp = env->node->spec;
    if (env->open_state == NULL)
        return hf_error_set(err, HF_ERR_UNSUPPORTED,
                            "%s: ChangelogNormalize needs keyed state, which "
                            "this runtime does not provide",
                            env->uid ? env->uid : "changelog-normalize");
    struct norm *d = calloc(1, sizeof *d);
    if (d == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    *state = d;
    d->sp = sp;
    d->uid = env->uid ? env->uid : "changelog-normalize";
    d->pool = env->pool;
    d->ncols = sp->in->ncols;
    d->types = calloc(d->ncols + 1, sizeof *d->types);
    d->ktypes = calloc(sp->nkey + 1, sizeof *d->ktypes);
    hf_strbuf_init(&d->key, ROW_MAX);
    hf_strbuf_init(&d->row, ROW_MAX);
    if (d->types == NULL || d->ktypes == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    for (uint32_t c = 0; c < d->ncols; c++)
        d->types[c] = sp->in->cols[c].type;
    for (uint32_t i = 0; i < sp->nkey; i++)
        d->ktypes[i] = sp->in->cols[sp->key[i]].type;
    return env->open_state(env, "last", &d->st, err);
}

/* Emit a row: the input row `vals`, or (vals NULL) the encoded row
 * enc[0..len) decoded into the output batch. */
static int emit_row(struct norm *d, enum hf_rowkind kind,
                    const struct hf_value *vals, const void *enc, size_t len,
                    int64_t origin, struct hf_error *err)
{
    if (d->outb == NULL) {
        if ((d->outb = hf_rbuf_get(d->pool, -1)) == NULL)
            return -1; /* the job is failing */
        hf_rbuf_set_parent(d->outb, d->in);
    }
    struct hf_batch *b = d->outb->b;
    struct hf_value *o = hf_batch_add_row(b, kind, origin);
    if (o == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    if (vals) {
        memcpy(o, vals, d->ncols * sizeof *o);
        return 0;
    }
    return hf_row_decode(d->types, d->ncols, enc, len, o, &b->arena, err) < 0
               ? -1
               : 0;
}

static int one_row(struct norm *d, enum hf_rowkind kind,
                   const struct hf_value *row, int64_t origin,
                   struct hf_error *err)
{
    const char *key = d->key.data ? d->key.data : "";
    const void *pv;
    size_t plen;
    int got = hf_state_get(d->st, key, d->key.len, &pv, &plen, err);
    if (got < 0)
        return -1;
    if (kind == HF_ROW_DELETE || kind == HF_ROW_UPDATE_BEFORE) {
        if (!got)
            return 0; /* removing a row never seen: nothing */
        if (emit_row(d, HF_ROW_DELETE, NULL, pv, plen, origin, err) != 0)
            return -1;
        return hf_state_del(d->st, key, d->key.len, err);
    }
    hf_strbuf_reset(&d->row);
    hf_row_encode(d->types, row, d->ncols, &d->row);
    if (!hf_strbuf_ok(&d->row))
        return hf_error_set(err, HF_ERR_DATA, "%s: a row is larger than %u MiB",
                            d->uid, ROW_MAX >> 20);
    const char *me = d->row.data ? d->row.data : "";
    if (!got) {
        if (emit_row(d, HF_ROW_INSERT, row, NULL, 0, origin, err) != 0)
            return -1;
    } else {
        if (!d->sp->ttl && plen == d->row.len && memcmp(pv, me, plen) == 0)
            return 0; /* the same row again */
        if (d->sp->update_before &&
            emit_row(d, HF_ROW_UPDATE_BEFORE, NULL, pv, plen, origin, err) != 0)
            return -1;
        if (emit_row(d, HF_ROW_UPDATE_AFTER, row, NULL, 0, origin, err) != 0)
            return -1;
    }
    return hf_state_put(d->st, key, d->key.len, me, d->row.len, err);
}

static int norm_process(void *state, uint32_t input, struct hf_rbuf *in,
                        struct hf_op_out *out, struct hf_error *err)
{
    (void)input;
    struct norm *d = state;
    const struct hf_batch *b = in->b;
    d->in = in;
    int rc = 0;
    for (uint32_t i = 0; i < b->nrows && rc == 0; i++) {
        const struct hf_value *row = hf_batch_row(b, i);
        hf_strbuf_reset(&d->key);
        hf_row_encode_cols(d->ktypes, d->sp->key, row, d->sp->nkey, &d->key);
        if (!hf_strbuf_ok(&d->key))
            rc = hf_error_set(err, HF_ERR_DATA,
                              "%s: a key is larger than %u MiB", d->uid,
                              ROW_MAX >> 20);
        else
            rc = one_row(d, (enum hf_rowkind)b->kinds[i], row, b->origin[i],
                         err);
    }
    d->in = NULL;
    struct hf_rbuf *r = d->outb;
    d->outb = NULL;
    if (rc != 0) {
        hf_rbuf_release(r);
        return -1;
    }
    if (r == NULL)
        return 0;
    rc = out->emit(out, r, err);
    hf_rbuf_release(r);
    return rc;
}

const struct hf_op_class hf_op_normalize = {
    .name = "changelog-normalize",
    .flags = 0,
    .explain = norm_explain,
    .free_spec = norm_free_spec,
    .open = norm_open,
    .process = norm_process,
    .close = norm_close,
};
