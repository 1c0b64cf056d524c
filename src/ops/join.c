/*
 * join.c - the regular (unbounded) join operator: INNER, LEFT, RIGHT and
 * FULL equi-joins over changelogs, emitting exactly what Flink's
 * StreamingJoinOperator emits (flink-stateful-sql.md §4.1).
 *
 * Each side keeps, per join key, the rows it has received with their
 * multiplicity (a +I/+U adds one, a -U/-D removes one) and, on an outer
 * side, the number of rows of the other side each one currently matches
 * (its associations). A row arriving on one side meets the other side's
 * rows of its key for which the residual condition holds:
 *
 *   add, input side outer:   no match: +I(row, NULLs), stored with 0
 *                            associations; else, other side outer: -D of
 *                            the padded row of every match that had 0
 *                            associations; then +I(row, match) for each
 *   add, input side inner:   stored; other side outer: as above (-D of
 *                            the padded rows, then +I); other side inner
 *                            (INNER JOIN): the input's kind (+I or +U)
 *   retract (-U/-D):         removed; no match: -D(row, NULLs) if the
 *                            input side is outer; else for each match -D
 *                            (input side outer) or the input's kind, then
 *                            +I(NULLs, match) for each match of an outer
 *                            other side whose associations drop to 0
 *
 * A match with multiplicity n is n joined rows (Flink's state views
 * repeat a record as often as it was added). A row with a NULL key is
 * kept (an outer row is padded) but never matches, as Flink's null
 * filter. The joined rows for one input row follow the stored rows'
 * order, which Flink does not fix either (§4.1: state iteration order).
 *
 * Batch mode (inputs are inserts): joined rows are emitted as they are
 * found and the outer sides' rows that never matched are padded once
 * both inputs have ended, so the output is inserts only, as Flink's batch
 * joins give.
 *
 * State (state/state.h, keyed by the join key's bytes, core/rowcodec.h):
 * "left" and "right", each mapping a key to the list of its side's rows,
 * every entry its multiplicity, its associations and the row's bytes (the
 * canonical encoding, so equal rows are equal bytes). So the join's
 * state is in every checkpoint and comes back with the job. Without a
 * runtime (unit tests) the operator opens a hashmap backend of its own.
 */
#include <stdlib.h>
#include <string.h>

#include "core/batch.h"
#include "core/rowcodec.h"
#include "core/strbuf.h"
#include "ops/join.h"
#include "ops/op.h"
#include "state/state.h"

#define KEY_MAX (64u << 20)

void hf_join_spec_free(struct hf_join_spec *s)
{
    if (s == NULL)
        return;
    free(s->lkeys);
    free(s->rkeys);
    hf_expr_free(s->cond);
    free(s->text);
    free(s);
}

/* ------------------------------------------------------------ state */

/* One stored row of a key: an entry of the key's value, which is
 * { u32 count, u32 assoc, u32 len, len bytes of the row }*. */
struct jrow {
    struct hf_value *vals; /* decoded (pointing into the value read) */
    const char *enc;       /* the row's bytes */
    uint32_t enclen;
    uint32_t count; /* multiplicity; 0: removed */
    uint32_t assoc; /* outer side: matches of one copy */
};

struct jside {
    struct hf_state *st;
    const char *name;    /* "left", "right" */
    uint32_t ncols, off; /* its columns in the joined row */
    const uint32_t *keys;
    struct hf_type *types, *ktypes;
    bool outer;
    /* The rows of the key read last. */
    struct hf_strbuf blob; /* a copy of its value */
    struct jrow *rows;
    uint32_t n, cap;
    struct hf_value *vals;
    uint32_t vcap;       /* rows' worth of values */
    struct hf_strbuf nb; /* a value being rebuilt */
};

struct join {
    const struct hf_join_spec *spec;
    struct jside side[2];
    struct hf_state_backend *own_be; /* no runtime: a backend of its own */
    struct hf_rbuf_pool *pool;
    bool batch;
    uint32_t width;
    struct hf_strbuf kbuf, rbuf;
    struct hf_value *joined;  /* scratch joined row */
    struct hf_batch *scratch; /* the condition's values */
    uint32_t ended;
    /* The output being filled. */
    struct hf_rbuf *r;
    struct hf_rbuf *parent;
    struct hf_op_out *out;
    const char *src_name;
    int32_t src_part;
};

static int oom(struct hf_error *err)
{
    return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
}

static uint32_t get_u32(const char *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static void put_u32(struct hf_strbuf *b, uint32_t v)
{
    hf_strbuf_append(b, &v, sizeof v);
}

/* Parse the value buf[0..len) of side s into s->rows (with `decode`, the
 * values decoded pointing into buf; else only their bytes). 0 or -1. */
static int side_parse(struct jside *s, const char *buf, size_t len, bool decode,
                      struct hf_error *err)
{
    uint32_t n = 0;
    for (size_t o = 0; o + 12 <= len; n++)
        o += 12 + (size_t)get_u32(buf + o + 8);
    if (n > s->cap) {
        struct jrow *r = realloc(s->rows, n * sizeof *r);
        if (r == NULL)
            return oom(err);
        s->rows = r;
        s->cap = n;
    }
    if (decode && n > s->vcap) {
        struct hf_value *v =
            realloc(s->vals, (size_t)n * (s->ncols ? s->ncols : 1) * sizeof *v);
        if (v == NULL)
            return oom(err);
        s->vals = v;
        s->vcap = n;
    }
    size_t o = 0;
    for (uint32_t i = 0; i < n; i++) {
        struct jrow *x = &s->rows[i];
        x->count = get_u32(buf + o);
        x->assoc = get_u32(buf + o + 4);
        x->enclen = get_u32(buf + o + 8);
        x->enc = buf + o + 12;
        if (o + 12 + x->enclen > len)
            return hf_error_set(err, HF_ERR_DATA,
                                "join: state '%s' holds a damaged entry",
                                s->name);
        x->vals = decode ? s->vals + (size_t)i * s->ncols : NULL;
        if (decode && hf_row_decode(s->types, s->ncols, x->enc, x->enclen,
                                    x->vals, NULL, err) < 0)
            return -1;
        o += 12 + x->enclen;
    }
    s->n = n;
    return 0;
}

/* Read the rows of key k into s->rows (none when absent; decoded with
 * `decode`). 0 or -1. */
static int side_load(struct jside *s, const struct hf_strbuf *k, bool decode,
                     struct hf_error *err)
{
    const void *v;
    size_t vlen;
    s->n = 0;
    int rc =
        hf_state_get(s->st, k->data ? k->data : "", k->len, &v, &vlen, err);
    if (rc <= 0)
        return rc;
    hf_strbuf_reset(&s->blob);
    hf_strbuf_append(&s->blob, v, vlen);
    if (!hf_strbuf_ok(&s->blob))
        return oom(err);
    return side_parse(s, s->blob.data ? s->blob.data : "", vlen, decode, err);
}

/* Write s->rows back as key k's value (removed when no row is left). */
static int side_store(struct jside *s, const struct hf_strbuf *k,
                      struct hf_error *err)
{
    hf_strbuf_reset(&s->nb);
    for (uint32_t i = 0; i < s->n; i++) {
        const struct jrow *x = &s->rows[i];
        if (x->count == 0)
            continue;
        put_u32(&s->nb, x->count);
        put_u32(&s->nb, x->assoc);
        put_u32(&s->nb, x->enclen);
        hf_strbuf_append(&s->nb, x->enc, x->enclen);
    }
    if (!hf_strbuf_ok(&s->nb))
        return hf_error_set(err, HF_ERR_DATA,
                            "join: the rows of one key on the %s side "
                            "exceed %u MiB",
                            s->name, (KEY_MAX * 4u) >> 20);
    const char *kd = k->data ? k->data : "";
    if (s->nb.len == 0)
        return hf_state_del(s->st, kd, k->len, err);
    return hf_state_put(s->st, kd, k->len, s->nb.data, s->nb.len, err);
}

/* One more copy of the row encoded in rb, with `assoc` associations
 * (Flink's addRecord: an existing row's count grows and its associations
 * are set). 0 or -1. */
static int side_add(struct jside *s, const struct hf_strbuf *rb, uint32_t assoc,
                    struct hf_error *err)
{
    for (uint32_t i = 0; i < s->n; i++) {
        struct jrow *x = &s->rows[i];
        if (x->count && x->enclen == rb->len &&
            memcmp(x->enc, rb->data, rb->len) == 0) {
            x->count++;
            x->assoc = assoc;
            return 0;
        }
    }
    if (s->n == s->cap) {
        uint32_t nc = s->cap ? s->cap * 2 : 4;
        struct jrow *r = realloc(s->rows, nc * sizeof *r);
        if (r == NULL)
            return oom(err);
        s->rows = r;
        s->cap = nc;
    }
    s->rows[s->n++] = (struct jrow){.enc = rb->data ? rb->data : "",
                                    .enclen = (uint32_t)rb->len,
                                    .count = 1,
                                    .assoc = assoc};
    return 0;
}

/* One copy fewer of the row encoded in rb (absent: nothing). */
static void side_retract(struct jside *s, const struct hf_strbuf *rb)
{
    for (uint32_t i = 0; i < s->n; i++) {
        struct jrow *x = &s->rows[i];
        if (x->count && x->enclen == rb->len &&
            memcmp(x->enc, rb->data, rb->len) == 0) {
            x->count--;
            return;
        }
    }
}

/* ------------------------------------------------------------ output */

static int flush(struct join *j, struct hf_error *err)
{
    if (j->r == NULL)
        return 0;
    struct hf_rbuf *r = j->r;
    j->r = NULL;
    r->b->src_name = j->src_name;
    r->b->src_part = j->src_part;
    if (j->parent)
        hf_rbuf_set_parent(r, j->parent);
    int rc = j->out->emit(j->out, r, err);
    hf_rbuf_release(r);
    return rc;
}

/* A joined row of kind k: `row` of side `in` (NULL for NULLs; borrowed
 * from the input batch, or copied when `stored`) and `other` of the other
 * side (stored: copied; NULL for NULLs). */
static int emit_row(struct join *j, enum hf_rowkind k, uint32_t in,
                    const struct hf_value *row, bool stored,
                    const struct hf_value *other, int64_t origin,
                    struct hf_error *err)
{
    if (j->r && hf_batch_full(j->r->b) && flush(j, err) != 0)
        return -1;
    if (j->r == NULL && (j->r = hf_rbuf_get(j->pool, -1)) == NULL)
        return -1; /* the job is failing */
    struct hf_value *o = hf_batch_add_row(j->r->b, k, origin);
    if (o == NULL)
        return oom(err);
    const struct jside *a = &j->side[in], *b = &j->side[1 - in];
    if (row && !stored)
        memcpy(o + a->off, row, a->ncols * sizeof *o);
    for (uint32_t c = 0; row && stored && c < a->ncols; c++)
        if (hf_value_copy(&j->r->b->arena, &a->types[c], &o[a->off + c],
                          &row[c], false) < 0)
            return oom(err);
    for (uint32_t c = 0; other && c < b->ncols; c++)
        if (hf_value_copy(&j->r->b->arena, &b->types[c], &o[b->off + c],
                          &other[c], false) < 0)
            return oom(err);
    /* hf_batch_add_row left every other value NULL. */
    return 0;
}

/* Does the residual hold for `row` of side `in` joined with `other`? */
static int cond_holds(struct join *j, uint32_t in, const struct hf_value *row,
                      const struct hf_value *other, struct hf_error *err)
{
    if (j->spec->cond == NULL)
        return 1;
    const struct jside *a = &j->side[in], *b = &j->side[1 - in];
    memcpy(j->joined + a->off, row, a->ncols * sizeof *row);
    memcpy(j->joined + b->off, other, b->ncols * sizeof *other);
    struct hf_value res;
    if (hf_expr_eval(j->spec->cond, j->joined, j->scratch, &res, err) != 0)
        return -1;
    return !res.null && res.v.b;
}

/* ------------------------------------------------------------ operator */

static void join_explain(const struct hf_node *n, struct hf_strbuf *out)
{
    const struct hf_join_spec *s = n->spec;
    hf_strbuf_puts(out, s->text);
}

static void join_free_spec(void *spec)
{
    hf_join_spec_free(spec);
}

static int side_open(const struct hf_op_env *env, struct join *j, uint32_t i,
                     struct hf_error *err)
{
    const struct hf_join_spec *s = j->spec;
    struct jside *d = &j->side[i];
    const struct hf_column *cols = env->node->schema->cols + (i ? s->nleft : 0);
    d->name = i ? "right" : "left";
    d->ncols = i ? s->nright : s->nleft;
    d->off = i ? s->nleft : 0;
    d->keys = i ? s->rkeys : s->lkeys;
    d->outer = i ? s->type == HF_JOINT_RIGHT || s->type == HF_JOINT_FULL
                 : s->type == HF_JOINT_LEFT || s->type == HF_JOINT_FULL;
    d->types = calloc(d->ncols ? d->ncols : 1, sizeof *d->types);
    d->ktypes = calloc(s->nkeys ? s->nkeys : 1, sizeof *d->ktypes);
    if (d->types == NULL || d->ktypes == NULL)
        return oom(err);
    for (uint32_t c = 0; c < d->ncols; c++)
        d->types[c] = cols[c].type;
    for (uint32_t k = 0; k < s->nkeys; k++)
        d->ktypes[k] = cols[d->keys[k]].type;
    hf_strbuf_init(&d->blob, 0);
    hf_strbuf_init(&d->nb, KEY_MAX * 4u);
    if (env->open_state)
        return env->open_state(env, d->name, &d->st, err);
    return hf_state_open(j->own_be, env->uid ? env->uid : "join", d->name, 0,
                         127, &d->st, err);
}

static int join_open(const struct hf_op_env *env, void **state,
                     struct hf_error *err)
{
    const struct hf_join_spec *s = env->node->spec;
    struct join *j = calloc(1, sizeof *j);
    if (j == NULL)
        return oom(err);
    *state = j;
    j->spec = s;
    j->pool = env->pool;
    j->batch = env->batch_mode;
    j->width = s->nleft + s->nright;
    hf_strbuf_init(&j->kbuf, KEY_MAX);
    hf_strbuf_init(&j->rbuf, KEY_MAX);
    j->joined = calloc(j->width ? j->width : 1, sizeof *j->joined);
    j->scratch = hf_batch_new(1, 1);
    if (j->joined == NULL || j->scratch == NULL)
        return oom(err);
    if (env->open_state == NULL) {
        struct hf_state_config cfg = {.type = HF_STATE_HASHMAP,
                                      .num_retained = 1,
                                      .max_parallelism = 128};
        if (hf_state_backend_open(&cfg, &j->own_be, err) != 0)
            return -1;
    }
    if (side_open(env, j, 0, err) != 0 || side_open(env, j, 1, err) != 0)
        return -1;
    return 0;
}

static int join_row(struct join *j, uint32_t in, enum hf_rowkind kind,
                    const struct hf_value *row, int64_t origin,
                    struct hf_error *err)
{
    struct jside *me = &j->side[in], *ot = &j->side[1 - in];
    const struct hf_join_spec *s = j->spec;
    bool has_null = false;
    for (uint32_t k = 0; k < s->nkeys; k++)
        has_null |= row[me->keys[k]].null;
    hf_strbuf_reset(&j->kbuf);
    hf_strbuf_reset(&j->rbuf);
    hf_row_encode_cols(me->ktypes, me->keys, row, s->nkeys, &j->kbuf);
    hf_row_encode(me->types, row, me->ncols, &j->rbuf);
    if (!hf_strbuf_ok(&j->kbuf) || !hf_strbuf_ok(&j->rbuf))
        return hf_error_set(err, HF_ERR_DATA,
                            "join: a row is larger than %u MiB", KEY_MAX >> 20);
    /* The other side's rows of the key (the key types are one: its bytes
     * are the same), and which of them match: a NULL key matches none. */
    ot->n = 0;
    if (!has_null && side_load(ot, &j->kbuf, true, err) != 0)
        return -1;
    if (side_load(me, &j->kbuf, false, err) != 0)
        return -1;
    uint32_t nm = 0;
    hf_batch_reset(j->scratch);
    bool hitbuf[64], *hit = hitbuf;
    if (ot->n > 64 && (hit = calloc(ot->n, sizeof *hit)) == NULL)
        return oom(err);
    int rc = 0;
    for (uint32_t i = 0; i < ot->n && rc == 0; i++) {
        int h = cond_holds(j, in, row, ot->rows[i].vals, err);
        if (h < 0)
            rc = -1;
        hit[i] = h > 0;
        if (h > 0)
            nm += ot->rows[i].count;
    }
    if (rc != 0)
        goto done;
    bool pad = !j->batch;
    bool ot_changed = false;
    if (kind == HF_ROW_INSERT || kind == HF_ROW_UPDATE_AFTER) {
        if (side_add(me, &j->rbuf, nm, err) != 0 ||
            side_store(me, &j->kbuf, err) != 0) {
            rc = -1;
            goto done;
        }
        if (nm == 0) {
            if (me->outer && pad)
                rc = emit_row(j, HF_ROW_INSERT, in, row, false, NULL, origin,
                              err);
            goto done;
        }
        if (ot->outer) {
            for (uint32_t i = 0; i < ot->n && rc == 0; i++) {
                struct jrow *x = &ot->rows[i];
                if (!hit[i])
                    continue;
                for (uint32_t c = 0;
                     pad && x->assoc == 0 && c < x->count && rc == 0; c++)
                    rc = emit_row(j, HF_ROW_DELETE, 1 - in, x->vals, true, NULL,
                                  origin, err);
                x->assoc++;
                ot_changed = true;
            }
        }
        enum hf_rowkind ok = me->outer || ot->outer ? HF_ROW_INSERT : kind;
        for (uint32_t i = 0; i < ot->n && rc == 0; i++)
            for (uint32_t c = 0; hit[i] && c < ot->rows[i].count && rc == 0;
                 c++)
                rc = emit_row(j, ok, in, row, false, ot->rows[i].vals, origin,
                              err);
    } else {
        side_retract(me, &j->rbuf);
        if (side_store(me, &j->kbuf, err) != 0) {
            rc = -1;
            goto done;
        }
        if (nm == 0) {
            if (me->outer && pad)
                rc = emit_row(j, HF_ROW_DELETE, in, row, false, NULL, origin,
                              err);
            goto done;
        }
        enum hf_rowkind ok = me->outer ? HF_ROW_DELETE : kind;
        for (uint32_t i = 0; i < ot->n && rc == 0; i++)
            for (uint32_t c = 0; hit[i] && c < ot->rows[i].count && rc == 0;
                 c++)
                rc = emit_row(j, ok, in, row, false, ot->rows[i].vals, origin,
                              err);
        if (ot->outer) {
            for (uint32_t i = 0; i < ot->n && rc == 0; i++) {
                struct jrow *x = &ot->rows[i];
                if (!hit[i])
                    continue;
                for (uint32_t c = 0;
                     pad && x->assoc == 1 && c < x->count && rc == 0; c++)
                    rc = emit_row(j, HF_ROW_INSERT, 1 - in, x->vals, true, NULL,
                                  origin, err);
                if (x->assoc > 0)
                    x->assoc--;
                ot_changed = true;
            }
        }
    }
    if (rc == 0 && ot_changed)
        rc = side_store(ot, &j->kbuf, err);
done:
    if (hit != hitbuf)
        free(hit);
    return rc;
}

static int join_process(void *state, uint32_t input, struct hf_rbuf *in,
                        struct hf_op_out *out, struct hf_error *err)
{
    struct join *j = state;
    const struct hf_batch *b = in->b;
    j->out = out;
    j->parent = in;
    j->src_name = b->src_name;
    j->src_part = b->src_part;
    int rc = 0;
    for (uint32_t i = 0; i < b->nrows && rc == 0; i++)
        rc = join_row(j, input ? 1 : 0, (enum hf_rowkind)b->kinds[i],
                      hf_batch_row(b, i), b->origin[i], err);
    if (rc == 0) {
        rc = flush(j, err);
    } else if (j->r) {
        hf_rbuf_release(j->r);
        j->r = NULL;
    }
    j->parent = NULL;
    return rc;
}

/* Batch mode, both inputs ended: pad the outer rows that never matched. */
static int join_end_input(void *state, uint32_t input, struct hf_op_out *out,
                          struct hf_error *err)
{
    (void)input;
    struct join *j = state;
    if (++j->ended < 2 || !j->batch)
        return 0;
    j->out = out;
    j->parent = NULL;
    j->src_name = NULL;
    j->src_part = -1;
    int rc = 0;
    for (uint32_t si = 0; si < 2 && rc == 0; si++) {
        struct jside *s = &j->side[si];
        if (!s->outer)
            continue;
        struct hf_state_iter *it;
        if (hf_state_iter_open(s->st, NULL, 0, &it, err) != 0)
            return -1;
        for (;;) {
            const void *k, *v;
            size_t klen, vlen;
            int r = hf_state_iter_next(it, &k, &klen, &v, &vlen, err);
            if (r <= 0) {
                rc = r;
                break;
            }
            if (side_parse(s, v, vlen, true, err) != 0) {
                rc = -1;
                break;
            }
            for (uint32_t i = 0; i < s->n && rc == 0; i++)
                for (uint32_t c = 0;
                     s->rows[i].assoc == 0 && c < s->rows[i].count && rc == 0;
                     c++)
                    rc = emit_row(j, HF_ROW_INSERT, 1 - si, NULL, false,
                                  s->rows[i].vals, -1, err);
            if (rc != 0)
                break;
        }
        hf_state_iter_close(it);
    }
    if (rc == 0) {
        rc = flush(j, err);
    } else if (j->r) {
        hf_rbuf_release(j->r);
        j->r = NULL;
    }
    return rc;
}

static void join_close(void *state)
{
    struct join *j = state;
    if (j == NULL)
        return;
    for (int i = 0; i < 2; i++) {
        struct jside *d = &j->side[i];
        if (j->own_be && d->st)
            hf_state_close(d->st);
        free(d->types);
        free(d->ktypes);
        free(d->rows);
        free(d->vals);
        hf_strbuf_free(&d->blob);
        hf_strbuf_free(&d->nb);
    }
    hf_state_backend_close(j->own_be);
    if (j->r)
        hf_rbuf_release(j->r);
    hf_strbuf_free(&j->kbuf);
    hf_strbuf_free(&j->rbuf);
    free(j->joined);
    if (j->scratch)
        hf_batch_destroy(j->scratch);
    free(j);
}

/* Keyed by the join key (the state key); the key columns of both sides
 * have one type, so equal keys route alike. */
static void join_route_key(const struct hf_node *n, const struct hf_schema *in,
                           uint32_t port, const struct hf_value *row,
                           struct hf_strbuf *out)
{
    const struct hf_join_spec *s = n->spec;
    hf_row_encode_schema_cols(in, port ? s->rkeys : s->lkeys, row, s->nkeys,
                              out);
}

const struct hf_op_class hf_op_join = {
    .name = "join",
    .flags = 0,
    .explain = join_explain,
    .free_spec = join_free_spec,
    .open = join_open,
    .process = join_process,
    .end_input = join_end_input,
    .close = join_close,
    .route_key = join_route_key,
};
