/*
 * deduplicate.c - the deduplication operator: ROW_NUMBER() OVER
 * (PARTITION BY k ORDER BY <time attribute> ASC|DESC) filtered to rn = 1,
 * the row number not selected. Flink's emit rules (its
 * DeduplicateFunctionHelper and RowTimeDeduplicateFunctionHelper; the
 * table in docs/sql.md):
 *
 * - proctime, keep first (ASC): the first row of a key passes as it came
 *   (+I), every later one is dropped. Insert-only output. State: a flag.
 * - proctime, keep last (DESC): the first row +I, each later row
 *   -U(previous) +U(row); a row equal to the previous one emits nothing
 *   (TTL off). With insert_sensitive off and no -U wanted, every row is
 *   +U. State: the last row.
 * - rowtime, keep last: a row replaces the kept one when its rowtime is
 *   >= the kept one's (a tie: the newer wins), emitting +I for the first,
 *   then -U(kept) +U(row); an older row is ignored; no equality check.
 * - rowtime, keep first (Flink's classic operator, before FLINK-37005): a
 *   row replaces the kept one only when its rowtime is strictly earlier,
 *   -U(kept) +U(row): an updating stream.
 *
 * The input is insert-only (the planner refuses an updating one, as
 * Flink does). State: keyed state "dedup" (state/state.h), key = the
 * partition columns, value = the kept row's encoding (core/rowcodec.h),
 * or one byte for proctime keep-first. One input, keyed state: not
 * chainable.
 */
#include <stdlib.h>
#include <string.h>

#include "core/rowcodec.h"
#include "ops/op.h"
#include "ops/rank.h"
#include "state/state.h"

#define ROW_MAX (64u << 20)

struct dedup {
    const struct hf_rank_spec *sp;
    const char *uid;
    struct hf_state *st;
    struct hf_rbuf_pool *pool;
    struct hf_type *types, *ktypes;
    uint32_t ncols;
    uint32_t tcol; /* the time attribute (rowtime) column */
    struct hf_strbuf key, row;
    struct hf_value *prev; /* scratch decoded row */
    struct hf_rbuf *outb, *in;
};

static void dedup_explain(const struct hf_node *n, struct hf_strbuf *out)
{
    const struct hf_rank_spec *sp = n->spec;
    hf_strbuf_printf(out, "keep %s row on %s by ",
                     sp->keep_last ? "last" : "first",
                     sp->rowtime ? "rowtime" : "proctime");
    for (uint32_t i = 0; i < sp->npart; i++)
        hf_strbuf_printf(out, "%s%s", i ? ", " : "",
                         sp->in->cols[sp->part[i]].name);
    if (sp->npart == 0)
        hf_strbuf_puts(out, "(no key)");
    hf_strbuf_printf(out, " order by %s", sp->in->cols[sp->order[0]].name);
}

static void dedup_free_spec(void *spec)
{
    hf_rank_spec_free(spec);
}

static void dedup_close(void *state)
{
    struct dedup *d = state;
    if (d == NULL)
        return;
    free(d->types);
    free(d->ktypes);
    free(d->prev);
    hf_strbuf_free(&d->key);
    hf_strbuf_free(&d->row);
    free(d);
}

static int dedup_open(const struct hf_op_env *env, void **state,
                      struct hf_error *err)
{
    const struct hf_rank_spec *sp = env->node->spec;
    if (env->open_state == NULL)
        return hf_error_set(err, HF_ERR_UNSUPPORTED,
                            "%s: deduplication needs keyed state, which "
                            "this runtime does not provide",
                            env->uid ? env->uid : "deduplicate");
    struct dedup *d = calloc(1, sizeof *d);
    if (d == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    *state = d;
    d->sp = sp;
    d->uid = env->uid ? env->uid : "deduplicate";
    d->pool = env->pool;
    d->ncols = sp->in->ncols;
    d->tcol = sp->order[0];
    d->types = calloc(d->ncols + 1, sizeof *d->types);
    d->ktypes = calloc(sp->npart + 1, sizeof *d->ktypes);
    d->prev = calloc(d->ncols + 1, sizeof *d->prev);
    hf_strbuf_init(&d->key, ROW_MAX);
    hf_strbuf_init(&d->row, ROW_MAX);
    if (d->types == NULL || d->ktypes == NULL || d->prev == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    for (uint32_t c = 0; c < d->ncols; c++)
        d->types[c] = sp->in->cols[c].type;
    for (uint32_t i = 0; i < sp->npart; i++)
        d->ktypes[i] = sp->in->cols[sp->part[i]].type;
    return env->open_state(env, "dedup", &d->st, err);
}

/* Emit a row: the input row `vals`, or (vals NULL) the encoded row
 * enc[0..len) decoded into the output batch. */
static int emit_row(struct dedup *d, enum hf_rowkind kind,
                    const struct hf_value *vals, const void *enc, size_t len,
                    struct hf_error *err)
{
    if (d->outb == NULL) {
        if ((d->outb = hf_rbuf_get(d->pool, -1)) == NULL)
            return -1; /* the job is failing */
        hf_rbuf_set_parent(d->outb, d->in);
    }
    struct hf_batch *b = d->outb->b;
    struct hf_value *o = hf_batch_add_row(b, kind, -1);
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

static int one_row(struct dedup *d, const struct hf_value *row,
                   struct hf_error *err)
{
    const struct hf_rank_spec *sp = d->sp;
    const char *key = d->key.data ? d->key.data : "";
    const void *pv;
    size_t plen;
    int got = hf_state_get(d->st, key, d->key.len, &pv, &plen, err);
    if (got < 0)
        return -1;
    if (!sp->keep_last && !sp->rowtime) {
        /* proctime keep-first: the first row only. */
        if (got)
            return 0;
        if (emit_row(d, HF_ROW_INSERT, row, NULL, 0, err) != 0)
            return -1;
        return hf_state_put(d->st, key, d->key.len, "", 1, err);
    }
    if (sp->rowtime && row[d->tcol].null)
        return hf_error_set(err, HF_ERR_DATA,
                            "%s: the rowtime column '%s' is NULL (Flink fails "
                            "the job too)",
                            d->uid, sp->in->cols[d->tcol].name);
    hf_strbuf_reset(&d->row);
    hf_row_encode(d->types, row, d->ncols, &d->row);
    if (!hf_strbuf_ok(&d->row))
        return hf_error_set(err, HF_ERR_DATA, "%s: a row is larger than %u MiB",
                            d->uid, ROW_MAX >> 20);
    const char *me = d->row.data ? d->row.data : "";
    if (!got) {
        enum hf_rowkind k = HF_ROW_INSERT;
        if (!sp->rowtime && !sp->emit_before && !sp->insert_sensitive)
            k = HF_ROW_UPDATE_AFTER;
        if (emit_row(d, k, row, NULL, 0, err) != 0)
            return -1;
        return hf_state_put(d->st, key, d->key.len, me, d->row.len, err);
    }
    if (sp->rowtime) {
        if (hf_row_decode(d->types, d->ncols, pv, plen, d->prev, NULL, err) < 0)
            return -1;
        int64_t pt = d->prev[d->tcol].v.i, ct = row[d->tcol].v.i;
        bool replace = sp->keep_last ? ct >= pt : ct < pt;
        if (!replace)
            return 0;
    } else if (!sp->ttl && plen == d->row.len && memcmp(pv, me, plen) == 0) {
        return 0; /* the same row again */
    }
    if (sp->emit_before &&
        emit_row(d, HF_ROW_UPDATE_BEFORE, NULL, pv, plen, err) != 0)
        return -1;
    if (emit_row(d, HF_ROW_UPDATE_AFTER, row, NULL, 0, err) != 0)
        return -1;
    return hf_state_put(d->st, key, d->key.len, me, d->row.len, err);
}

static int dedup_process(void *state, uint32_t input, struct hf_rbuf *in,
                         struct hf_op_out *out, struct hf_error *err)
{
    (void)input;
    struct dedup *d = state;
    const struct hf_batch *b = in->b;
    d->in = in;
    int rc = 0;
    for (uint32_t i = 0; i < b->nrows && rc == 0; i++) {
        const struct hf_value *row = hf_batch_row(b, i);
        hf_strbuf_reset(&d->key);
        hf_row_encode_cols(d->ktypes, d->sp->part, row, d->sp->npart, &d->key);
        if (!hf_strbuf_ok(&d->key))
            rc = hf_error_set(err, HF_ERR_DATA,
                              "%s: a key is larger than %u MiB", d->uid,
                              ROW_MAX >> 20);
        else
            rc = one_row(d, row, err);
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

/* Keyed by the partition columns (the state key). */
static void dedup_route_key(const struct hf_node *n, const struct hf_schema *in,
                            uint32_t port, const struct hf_value *row,
                            struct hf_strbuf *out)
{
    const struct hf_rank_spec *s = n->spec;
    (void)in;
    (void)port;
    hf_row_encode_schema_cols(s->in, s->part, row, s->npart, out);
}

const struct hf_op_class hf_op_deduplicate = {
    .name = "deduplicate",
    .flags = 0,
    .explain = dedup_explain,
    .free_spec = dedup_free_spec,
    .open = dedup_open,
    .process = dedup_process,
    .close = dedup_close,
    .route_key = dedup_route_key,
};
