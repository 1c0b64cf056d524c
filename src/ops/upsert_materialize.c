/*
 * upsert_materialize.c - Flink's SinkUpsertMaterializer: in front of a
 * sink with a PRIMARY KEY, it turns changes that may arrive for one key in
 * any order between two producers (the instances of a join whose updates
 * move rows between join keys, docs/parallelism.md), or that belong to
 * several rows of the query sharing one sink key (an aggregate or ranking
 * whose upsert key the key does not contain, docs/aggregation.md), into
 * the upserts and deletes the sink would have seen in order.
 *
 * State "rows" (state/state.h): key = the sink's primary key columns
 * (core/rowcodec.h), value = the rows currently live under that key, in
 * arrival order: per row a u32 length and its entry. Without an upsert
 * key the entry is the row's encoding (all columns) and rows match when
 * their encodings are equal; with one (spec ukey) the entry is a u32
 * length, the upsert key's encoding, then the row's, and rows match on
 * the upsert key. A row +I/+U is written (+I when the key held no row,
 * +U otherwise) and stored: appended, or with an upsert key in place of
 * the first matching row (else appended). A retraction -U/-D removes the
 * first matching row: the key's last row gone writes -D (the retraction's
 * row), the newest row removed writes the row now newest as +U, another
 * row removed writes nothing. A retraction of a row not held (state
 * expired) is dropped, as Flink does. So whatever order the producers'
 * changes interleave in, the sink ends with the newest live row of each
 * key. Output: +I, +U, -D only.
 *
 * One fold (spec fold: the planner says the sink overwrites a key's row
 * in place on +U, and the input has an upsert key): when a -U takes a
 * key's last row, its -D is held back (in memory, not state). If the next
 * row of the same batch is the +U of the same input row (the same upsert
 * key) under the same sink key, the pair is written as one +U, where
 * Flink writes -D then +I: the sink ends with the same row, and an upsert
 * sink does not wipe the columns the job does not write
 * (docs/hologres-sink.md). Any other next row, and the end of the batch,
 * write the held -D first, so no old key waits for a checkpoint. Without
 * fold (INSERT_OR_IGNORE, ignore-null-when-update, check-and-put, a
 * conflict condition, where +U and -D,+I differ) the -D is written at
 * once, as Flink does.
 *
 * Keyed by the primary key (route_key): one instance per key group range
 * at parallelism.default > 1. One input.
 */
#include "ops/upsert_materialize.h"

#include <stdlib.h>
#include <string.h>

#include "core/rowcodec.h"
#include "state/state.h"

#define ROW_MAX (64u << 20)

struct umat {
    const struct hf_upsert_mat_spec *sp;
    const char *uid;
    struct hf_state *st;
    struct hf_rbuf_pool *pool;
    struct hf_type *types, *ktypes, *utypes;
    uint32_t ncols;
    struct hf_strbuf key, row, val, ent;
    struct hf_rbuf *outb, *in;
    /* The -D held back (see above): its key and its row, encoded. */
    bool held;
    struct hf_strbuf held_key, held_row, held_ukey, ukey;
};

static void umat_explain(const struct hf_node *n, struct hf_strbuf *out)
{
    const struct hf_upsert_mat_spec *sp = n->spec;
    hf_strbuf_puts(out, "on ");
    for (uint32_t i = 0; i < sp->npk; i++)
        hf_strbuf_printf(out, "%s%s", i ? ", " : "",
                         sp->in->cols[sp->pk[i]].name);
    for (uint32_t i = 0; i < sp->nukey; i++)
        hf_strbuf_printf(out, "%s%s", i ? ", " : ", upsert key ",
                         sp->in->cols[sp->ukey[i]].name);
    hf_strbuf_printf(out, " (SinkUpsertMaterializer for '%s')",
                     sp->sink ? sp->sink : "");
}

void hf_upsert_mat_spec_free(struct hf_upsert_mat_spec *sp)
{
    if (sp == NULL)
        return;
    free(sp->pk);
    free(sp->ukey);
    free(sp->sink);
    free(sp);
}

static void umat_free_spec(void *spec)
{
    hf_upsert_mat_spec_free(spec);
}

static int umat_open(const struct hf_op_env *env, void **state,
                     struct hf_error *err)
{
    const struct hf_upsert_mat_spec *sp = env->node->spec;
    struct umat *u = calloc(1, sizeof *u);
    if (u == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    *state = u;
    u->sp = sp;
    u->uid = env->uid;
    u->pool = env->pool;
    u->ncols = sp->in->ncols;
    u->types = calloc(u->ncols + 1, sizeof *u->types);
    u->ktypes = calloc(sp->npk + 1, sizeof *u->ktypes);
    u->utypes = calloc(sp->nukey + 1, sizeof *u->utypes);
    hf_strbuf_init(&u->key, ROW_MAX);
    hf_strbuf_init(&u->row, ROW_MAX);
    hf_strbuf_init(&u->val, 0);
    hf_strbuf_init(&u->ent, 0);
    hf_strbuf_init(&u->held_key, 0);
    hf_strbuf_init(&u->held_row, 0);
    hf_strbuf_init(&u->held_ukey, 0);
    hf_strbuf_init(&u->ukey, 0);
    if (u->types == NULL || u->ktypes == NULL || u->utypes == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    for (uint32_t c = 0; c < u->ncols; c++)
        u->types[c] = sp->in->cols[c].type;
    for (uint32_t i = 0; i < sp->npk; i++)
        u->ktypes[i] = sp->in->cols[sp->pk[i]].type;
    for (uint32_t i = 0; i < sp->nukey; i++)
        u->utypes[i] = sp->in->cols[sp->ukey[i]].type;
    if (env->open_state == NULL)
        return hf_error_set(err, HF_ERR_FAIL,
                            "internal: the upsert materializer needs state");
    return env->open_state(env, "rows", &u->st, err);
}

/* Emit the input row `vals`, or (vals NULL) the encoded row enc[0..len). */
static int emit_row(struct umat *u, enum hf_rowkind kind,
                    const struct hf_value *vals, const void *enc, size_t len,
                    struct hf_error *err)
{
    if (u->outb == NULL) {
        if ((u->outb = hf_rbuf_get(u->pool, -1)) == NULL)
            return -1; /* the job is failing */
        hf_rbuf_set_parent(u->outb, u->in);
    }
    struct hf_batch *b = u->outb->b;
    struct hf_value *o = hf_batch_add_row(b, kind, -1);
    if (o == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    if (vals) {
        memcpy(o, vals, u->ncols * sizeof *o);
        return 0;
    }
    return hf_row_decode(u->types, u->ncols, enc, len, o, &b->arena, err) < 0
               ? -1
               : 0;
}

static uint32_t get_u32(const char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* An entry e[0..l) of the key's list: the bytes rows match on and the
 * row's encoding. -1 when it is malformed. */
static int entry_parts(const struct umat *u, const char *e, uint32_t l,
                       const char **mp, uint32_t *ml, const char **rp,
                       uint32_t *rl)
{
    if (u->sp->nukey == 0) {
        *mp = *rp = e;
        *ml = *rl = l;
        return 0;
    }
    if (l < 4)
        return -1;
    uint32_t kl = get_u32(e);
    if (kl > l - 4)
        return -1;
    *mp = e + 4;
    *ml = kl;
    *rp = e + 4 + kl;
    *rl = l - 4 - kl;
    return 0;
}

static void put_u32(struct hf_strbuf *b, uint32_t v)
{
    char lb[4];
    memcpy(lb, &v, 4);
    hf_strbuf_append(b, lb, 4);
}

/* Write the held -D, if any. */
static int release_held(struct umat *u, struct hf_error *err)
{
    if (!u->held)
        return 0;
    u->held = false;
    return emit_row(u, HF_ROW_DELETE, NULL, u->held_row.data,
                    u->held_row.len, err);
}

static int one_row(struct umat *u, enum hf_rowkind kind,
                   const struct hf_value *row, struct hf_error *err)
{
    const struct hf_upsert_mat_spec *sp = u->sp;
    const char *key = u->key.data ? u->key.data : "";
    bool add = kind == HF_ROW_INSERT || kind == HF_ROW_UPDATE_AFTER;
    bool folded = false; /* the +U of a held -D's update */
    if (u->held && kind == HF_ROW_UPDATE_AFTER) {
        hf_strbuf_reset(&u->ukey);
        hf_row_encode_cols(u->utypes, sp->ukey, row, sp->nukey, &u->ukey);
        if (!hf_strbuf_ok(&u->ukey))
            return hf_error_set(err, HF_ERR_NOMEM,
                                "%s: out of memory for a key", u->uid);
    }
    if (u->held && kind == HF_ROW_UPDATE_AFTER &&
        u->held_key.len == u->key.len &&
        memcmp(u->held_key.data ? u->held_key.data : "", key,
               u->key.len) == 0 &&
        u->held_ukey.len == u->ukey.len &&
        memcmp(u->held_ukey.data ? u->held_ukey.data : "",
               u->ukey.data ? u->ukey.data : "", u->ukey.len) == 0) {
        u->held = false;
        folded = true;
    } else if (release_held(u, err) != 0) {
        return -1;
    }
    const void *pv;
    size_t plen;
    int got = hf_state_get(u->st, key, u->key.len, &pv, &plen, err);
    if (got < 0)
        return -1;
    if (!got)
        plen = 0;
    /* this row's entry, and the bytes it matches on */
    hf_strbuf_reset(&u->row);
    hf_strbuf_reset(&u->ent);
    if (sp->nukey) {
        hf_row_encode_cols(u->utypes, sp->ukey, row, sp->nukey, &u->row);
        put_u32(&u->ent, (uint32_t)u->row.len);
        if (u->row.len)
            hf_strbuf_append(&u->ent, u->row.data, u->row.len);
        hf_row_encode(u->types, row, u->ncols, &u->ent);
    } else {
        hf_row_encode(u->types, row, u->ncols, &u->row);
        if (u->row.len)
            hf_strbuf_append(&u->ent, u->row.data, u->row.len);
    }
    if (!hf_strbuf_ok(&u->row) || !hf_strbuf_ok(&u->ent) ||
        u->ent.len > ROW_MAX)
        return hf_error_set(err, HF_ERR_DATA, "%s: a row is larger than %u MiB",
                            u->uid, ROW_MAX >> 20);
    const char *me = u->row.data ? u->row.data : "";
    uint32_t mlen = (uint32_t)u->row.len;
    /* the key's rows, copied: pv is the state's until the next call */
    hf_strbuf_reset(&u->val);
    if (plen)
        hf_strbuf_append(&u->val, pv, plen);
    if (!hf_strbuf_ok(&u->val))
        return hf_error_set(err, HF_ERR_NOMEM,
                            "%s: out of memory for a key's rows", u->uid);
    /* the first matching entry, and the last one */
    const char *v = u->val.data ? u->val.data : "";
    size_t vl = u->val.len, at = 0, found = SIZE_MAX, last = 0;
    while (at + 4 <= vl) {
        uint32_t l = get_u32(v + at);
        const char *mp, *rp;
        uint32_t ml, rl;
        if (at + 4 + l > vl ||
            entry_parts(u, v + at + 4, l, &mp, &ml, &rp, &rl) != 0)
            return hf_error_set(err, HF_ERR_FAIL, "%s: corrupt state entry",
                                u->uid);
        if (found == SIZE_MAX && ml == mlen && memcmp(mp, me, ml) == 0)
            found = at;
        last = at;
        at += 4 + l;
    }
    if (add) {
        if (emit_row(u, plen || folded ? HF_ROW_UPDATE_AFTER : HF_ROW_INSERT,
                     row, NULL, 0, err) != 0)
            return -1;
        if (sp->nukey && found != SIZE_MAX) {
            /* in place of the matching row */
            size_t fend = found + 4 + get_u32(v + found);
            struct hf_strbuf nv;
            hf_strbuf_init(&nv, 0);
            hf_strbuf_append(&nv, v, found);
            put_u32(&nv, (uint32_t)u->ent.len);
            hf_strbuf_append(&nv, u->ent.data, u->ent.len);
            hf_strbuf_append(&nv, v + fend, vl - fend);
            int rc = hf_strbuf_ok(&nv)
                         ? hf_state_put(u->st, key, u->key.len, nv.data,
                                        nv.len, err)
                         : hf_error_set(err, HF_ERR_NOMEM,
                                        "%s: out of memory for a key's rows",
                                        u->uid);
            hf_strbuf_free(&nv);
            return rc;
        }
        put_u32(&u->val, (uint32_t)u->ent.len);
        hf_strbuf_append(&u->val, u->ent.data, u->ent.len);
        if (!hf_strbuf_ok(&u->val))
            return hf_error_set(err, HF_ERR_NOMEM,
                                "%s: out of memory for a key's rows", u->uid);
        return hf_state_put(u->st, key, u->key.len, u->val.data, u->val.len,
                            err);
    }
    /* a retraction: the first matching row */
    if (found == SIZE_MAX)
        return 0; /* not held (its state expired): dropped, as Flink */
    uint32_t flen = get_u32(v + found);
    size_t fend = found + 4 + flen;
    if (found == 0 && fend == vl) {
        if (kind == HF_ROW_UPDATE_BEFORE && sp->fold && sp->nukey) {
            /* held: see above */
            hf_strbuf_reset(&u->held_key);
            hf_strbuf_reset(&u->held_row);
            hf_strbuf_reset(&u->held_ukey);
            hf_strbuf_append(&u->held_key, key, u->key.len);
            hf_row_encode(u->types, row, u->ncols, &u->held_row);
            hf_row_encode_cols(u->utypes, sp->ukey, row, sp->nukey,
                               &u->held_ukey);
            if (!hf_strbuf_ok(&u->held_key) || !hf_strbuf_ok(&u->held_row) ||
                !hf_strbuf_ok(&u->held_ukey))
                return hf_error_set(err, HF_ERR_NOMEM,
                                    "%s: out of memory for a held row",
                                    u->uid);
            u->held = true;
        } else if (emit_row(u, HF_ROW_DELETE, row, NULL, 0, err) != 0) {
            return -1;
        }
        return hf_state_del(u->st, key, u->key.len, err);
    }
    if (found == last) {
        /* the newest row goes: the one before it is written */
        size_t prev = 0;
        for (at = 0; at < found; at += 4 + get_u32(v + at))
            prev = at;
        const char *mp = NULL, *rp = NULL;
        uint32_t ml = 0, rl = 0;
        (void)entry_parts(u, v + prev + 4, get_u32(v + prev), &mp, &ml, &rp,
                          &rl);
        if (emit_row(u, HF_ROW_UPDATE_AFTER, NULL, rp, rl, err) != 0)
            return -1;
    }
    memmove(u->val.data + found, u->val.data + fend, vl - fend);
    u->val.len = vl - (fend - found);
    return hf_state_put(u->st, key, u->key.len, u->val.data, u->val.len, err);
}

static int umat_process(void *state, uint32_t input, struct hf_rbuf *in,
                        struct hf_op_out *out, struct hf_error *err)
{
    (void)input;
    struct umat *u = state;
    const struct hf_batch *b = in->b;
    u->in = in;
    int rc = 0;
    for (uint32_t i = 0; i < b->nrows && rc == 0; i++) {
        const struct hf_value *row = hf_batch_row(b, i);
        hf_strbuf_reset(&u->key);
        hf_row_encode_cols(u->ktypes, u->sp->pk, row, u->sp->npk, &u->key);
        if (!hf_strbuf_ok(&u->key))
            rc = hf_error_set(err, HF_ERR_DATA,
                              "%s: a key is larger than %u MiB", u->uid,
                              ROW_MAX >> 20);
        else
            rc = one_row(u, (enum hf_rowkind)b->kinds[i], row, err);
    }
    /* Nothing follows in this batch: a held -D goes now (the next batch
     * may be long in coming, and the old key must not wait for it). */
    if (rc == 0)
        rc = release_held(u, err);
    u->in = NULL;
    struct hf_rbuf *r = u->outb;
    u->outb = NULL;
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

/* A checkpoint barrier or the end of the input: the held -D goes now. */
static int umat_flush_held(struct umat *u, struct hf_op_out *out,
                           struct hf_error *err)
{
    if (!u->held)
        return 0;
    int rc = release_held(u, err);
    struct hf_rbuf *r = u->outb;
    u->outb = NULL;
    if (rc == 0 && r)
        rc = out->emit(out, r, err);
    hf_rbuf_release(r);
    return rc;
}

static int umat_snapshot(void *state, uint64_t ckpt_id, struct hf_op_out *out,
                         struct hf_error *err)
{
    (void)ckpt_id;
    return umat_flush_held(state, out, err);
}

static int umat_end_input(void *state, uint32_t input, struct hf_op_out *out,
                          struct hf_error *err)
{
    (void)input;
    return umat_flush_held(state, out, err);
}

static void umat_close(void *state)
{
    struct umat *u = state;
    if (u == NULL)
        return;
    free(u->types);
    free(u->ktypes);
    free(u->utypes);
    hf_strbuf_free(&u->key);
    hf_strbuf_free(&u->row);
    hf_strbuf_free(&u->val);
    hf_strbuf_free(&u->ent);
    hf_strbuf_free(&u->held_key);
    hf_strbuf_free(&u->held_row);
    hf_strbuf_free(&u->held_ukey);
    hf_strbuf_free(&u->ukey);
    free(u);
}

/* Keyed by the sink's primary key (the state key). */
static void umat_route_key(const struct hf_node *n, const struct hf_schema *in,
                           uint32_t port, const struct hf_value *row,
                           struct hf_strbuf *out)
{
    const struct hf_upsert_mat_spec *sp = n->spec;
    (void)in;
    (void)port;
    hf_row_encode_schema_cols(sp->in, sp->pk, row, sp->npk, out);
}

const struct hf_op_class hf_op_upsert_materialize = {
    .name = "upsert-materialize",
    .flags = 0,
    .explain = umat_explain,
    .free_spec = umat_free_spec,
    .open = umat_open,
    .process = umat_process,
    .snapshot = umat_snapshot,
    .end_input = umat_end_input,
    .close = umat_close,
    .route_key = umat_route_key,
};
