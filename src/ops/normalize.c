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
 * Mini-batch (table.exec.mini-batch.*, Flink's
 * ProcTimeMiniBatchDeduplicateKeepLastRowFunction): a bundle keeps only
 * the last row of each key (its bytes, kind and origin); at a flush the
 * rules above run once per key on that row, keys in the order they first
 * came in the bundle (Flink: its hash map's order). So +I then -D of a new
 * key in one bundle emit nothing, and several values of a key one -U/+U.
 *
 * One input, keyed state: not chainable.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
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

/* One key of a mini-batch bundle (key and row in the bundle's arena). */
struct bent {
    char *key, *row;
    uint32_t klen, rlen;
    uint64_t hash;
    uint8_t kind;
    int64_t origin;
};

struct norm {
    const struct hf_normalize_spec *sp;
    const char *uid;
    struct hf_state *st;
    struct hf_rbuf_pool *pool;
    struct hf_type *types, *ktypes;
    uint32_t ncols;
    struct hf_strbuf key, row;
    struct hf_rbuf *outb, *in;
    /* mini-batch */
    struct bent *ents;
    uint32_t nents, entcap;
    uint32_t *slots; /* open addressing: entry index + 1, 0 empty */
    uint32_t slotcap;
    int64_t mb_rows, mb_start_ms;
    struct hf_arena mb_arena;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int oom(struct hf_error *err)
{
    return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
}

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
    if (sp->minibatch)
        hf_strbuf_printf(out, "; mini-batch (%lld ms, %lld rows)",
                         (long long)sp->mb_latency_ms, (long long)sp->mb_size);
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
    free(d->ents);
    free(d->slots);
    hf_arena_free(&d->mb_arena);
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
    hf_arena_init(&d->mb_arena);
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
            return -1;                      /* the job is failing */
        hf_rbuf_set_parent(d->outb, d->in); /* NULL: no input */
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

/* The rules for one row of key key[0..klen): kind, and for +I/+U the
 * row's encoding enc[0..elen), with its values `vals` when at hand (else
 * decoded from enc when emitted). */
static int one_row(struct norm *d, enum hf_rowkind kind, const char *key,
                   size_t klen, const struct hf_value *vals, const char *enc,
                   size_t elen, int64_t origin, struct hf_error *err)
{
    const void *pv;
    size_t plen;
    int got = hf_state_get(d->st, key, klen, &pv, &plen, err);
    if (got < 0)
        return -1;
    if (kind == HF_ROW_DELETE || kind == HF_ROW_UPDATE_BEFORE) {
        if (!got)
            return 0; /* removing a row never seen: nothing */
        if (emit_row(d, HF_ROW_DELETE, NULL, pv, plen, origin, err) != 0)
            return -1;
        return hf_state_del(d->st, key, klen, err);
    }
    if (!got) {
        if (emit_row(d, HF_ROW_INSERT, vals, enc, elen, origin, err) != 0)
            return -1;
    } else {
        if (!d->sp->ttl && plen == elen && memcmp(pv, enc, plen) == 0)
            return 0; /* the same row again */
        if (d->sp->update_before &&
            emit_row(d, HF_ROW_UPDATE_BEFORE, NULL, pv, plen, origin, err) != 0)
            return -1;
        if (emit_row(d, HF_ROW_UPDATE_AFTER, vals, enc, elen, origin, err) != 0)
            return -1;
    }
    return hf_state_put(d->st, key, klen, enc, elen, err);
}

/* Encode row `row` into d->row. 0 or -1. */
static int encode_row(struct norm *d, const struct hf_value *row,
                      struct hf_error *err)
{
    hf_strbuf_reset(&d->row);
    hf_row_encode(d->types, row, d->ncols, &d->row);
    if (!hf_strbuf_ok(&d->row))
        return hf_error_set(err, HF_ERR_DATA, "%s: a row is larger than %u MiB",
                            d->uid, ROW_MAX >> 20);
    return 0;
}

/* Emit what the rows so far produced (d->outb), if anything. */
static int flush_out(struct norm *d, struct hf_op_out *out,
                     struct hf_error *err)
{
    struct hf_rbuf *r = d->outb;
    d->outb = NULL;
    if (r == NULL)
        return 0;
    int rc = out->emit(out, r, err);
    hf_rbuf_release(r);
    return rc;
}

/* ------------------------------------------------------------ mini-batch */

static int mb_grow_slots(struct norm *d)
{
    uint32_t nc = d->slotcap ? d->slotcap * 2 : 1024;
    uint32_t *ns = calloc(nc, sizeof *ns);
    if (ns == NULL)
        return -1;
    for (uint32_t i = 0; i < d->nents; i++) {
        uint32_t j = (uint32_t)(d->ents[i].hash & (nc - 1));
        while (ns[j])
            j = (j + 1) & (nc - 1);
        ns[j] = i + 1;
    }
    free(d->slots);
    d->slots = ns;
    d->slotcap = nc;
    return 0;
}

/* Keep row i of b (key in d->key) as its key's last row in the bundle. */
static int mb_row(struct norm *d, const struct hf_batch *b, uint32_t i,
                  struct hf_error *err)
{
    enum hf_rowkind kind = (enum hf_rowkind)b->kinds[i];
    bool upsert = kind == HF_ROW_INSERT || kind == HF_ROW_UPDATE_AFTER;
    if (upsert && encode_row(d, hf_batch_row(b, i), err) != 0)
        return -1;
    const char *k = d->key.data ? d->key.data : "";
    uint32_t klen = (uint32_t)d->key.len;
    uint64_t h = hf_key_hash(k, klen);
    if ((d->nents + 1) * 2 > d->slotcap && mb_grow_slots(d) != 0)
        return oom(err);
    uint32_t j = (uint32_t)(h & (d->slotcap - 1));
    struct bent *e = NULL;
    while (d->slots[j]) {
        struct bent *c = &d->ents[d->slots[j] - 1];
        if (c->hash == h && c->klen == klen && memcmp(c->key, k, klen) == 0) {
            e = c;
            break;
        }
        j = (j + 1) & (d->slotcap - 1);
    }
    if (e == NULL) {
        if (d->nents == d->entcap) {
            uint32_t nc = d->entcap ? d->entcap * 2 : 64;
            struct bent *ne = realloc(d->ents, nc * sizeof *ne);
            if (ne == NULL)
                return oom(err);
            d->ents = ne;
            d->entcap = nc;
        }
        e = &d->ents[d->nents];
        e->key = hf_arena_alloc(&d->mb_arena, klen ? klen : 1);
        if (e->key == NULL)
            return oom(err);
        memcpy(e->key, k, klen);
        e->klen = klen;
        e->hash = h;
        d->slots[j] = ++d->nents;
    }
    e->kind = (uint8_t)kind;
    e->origin = b->origin[i];
    e->rlen = upsert ? (uint32_t)d->row.len : 0;
    e->row = NULL;
    if (upsert) {
        e->row = hf_arena_alloc(&d->mb_arena, e->rlen ? e->rlen : 1);
        if (e->row == NULL)
            return oom(err);
        memcpy(e->row, d->row.data ? d->row.data : "", e->rlen);
    }
    if (d->mb_rows++ == 0)
        d->mb_start_ms = now_ms();
    return 0;
}

static int mb_flush(struct norm *d, struct hf_op_out *out, struct hf_error *err)
{
    for (uint32_t i = 0; i < d->nents; i++) {
        const struct bent *e = &d->ents[i];
        if (one_row(d, (enum hf_rowkind)e->kind, e->key, e->klen, NULL,
                    e->row ? e->row : "", e->rlen, e->origin, err) != 0)
            return -1;
    }
    d->nents = 0;
    d->mb_rows = 0;
    if (d->slots)
        memset(d->slots, 0, d->slotcap * sizeof *d->slots);
    hf_arena_reset(&d->mb_arena);
    return flush_out(d, out, err);
}

/* ------------------------------------------------------------ callbacks */

static int norm_process(void *state, uint32_t input, struct hf_rbuf *in,
                        struct hf_op_out *out, struct hf_error *err)
{
    (void)input;
    struct norm *d = state;
    const struct hf_batch *b = in->b;
    bool mb = d->sp->minibatch;
    d->in = in;
    int rc = 0;
    for (uint32_t i = 0; i < b->nrows && rc == 0; i++) {
        const struct hf_value *row = hf_batch_row(b, i);
        enum hf_rowkind kind = (enum hf_rowkind)b->kinds[i];
        hf_strbuf_reset(&d->key);
        hf_row_encode_cols(d->ktypes, d->sp->key, row, d->sp->nkey, &d->key);
        if (!hf_strbuf_ok(&d->key)) {
            rc = hf_error_set(err, HF_ERR_DATA,
                              "%s: a key is larger than %u MiB", d->uid,
                              ROW_MAX >> 20);
        } else if (mb) {
            rc = mb_row(d, b, i, err);
            if (rc == 0 && d->mb_rows >= d->sp->mb_size)
                rc = mb_flush(d, out, err);
        } else if (kind == HF_ROW_INSERT || kind == HF_ROW_UPDATE_AFTER) {
            rc = encode_row(d, row, err);
            if (rc == 0)
                rc = one_row(d, kind, d->key.data ? d->key.data : "",
                             d->key.len, row, d->row.data ? d->row.data : "",
                             d->row.len, b->origin[i], err);
        } else {
            rc = one_row(d, kind, d->key.data ? d->key.data : "", d->key.len,
                         NULL, "", 0, b->origin[i], err);
        }
    }
    if (rc == 0 && mb && d->mb_rows > 0 &&
        now_ms() - d->mb_start_ms >= d->sp->mb_latency_ms)
        rc = mb_flush(d, out, err);
    d->in = NULL;
    if (rc != 0) {
        hf_rbuf_release(d->outb);
        d->outb = NULL;
        return -1;
    }
    return flush_out(d, out, err);
}

/* Before a checkpoint barrier and at the end: the bundle is emitted. */
static int norm_snapshot(void *state, uint64_t ckpt_id, struct hf_op_out *out,
                         struct hf_error *err)
{
    (void)ckpt_id;
    struct norm *d = state;
    return d->sp->minibatch && d->mb_rows > 0 ? mb_flush(d, out, err) : 0;
}

static int norm_end_input(void *state, uint32_t input, struct hf_op_out *out,
                          struct hf_error *err)
{
    (void)input;
    struct norm *d = state;
    return d->sp->minibatch && d->mb_rows > 0 ? mb_flush(d, out, err) : 0;
}

const struct hf_op_class hf_op_normalize = {
    .name = "changelog-normalize",
    .flags = 0,
    .explain = norm_explain,
    .free_spec = norm_free_spec,
    .open = norm_open,
    .process = norm_process,
    .snapshot = norm_snapshot,
    .end_input = norm_end_input,
    .close = norm_close,
};
