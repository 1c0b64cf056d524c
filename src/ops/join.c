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
 * State: held in memory by this operator, per side a hash table from the
 * key's bytes to its rows (deep copies in a per-key arena, released when
 * the key has no row left). It is not yet in checkpoints: a restarted job
 * starts with empty join state (docs/sql.md).
 */
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/batch.h"
#include "core/strbuf.h"
#include "core/valueconv.h"
#include "ops/join.h"
#include "ops/op.h"

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

struct jrow {
    struct hf_value *vals; /* the side's width, in the group's arena */
    char *enc;             /* the row's bytes, for equality */
    uint32_t enclen;
    uint32_t count; /* multiplicity */
    uint32_t assoc; /* outer side: matches of one copy */
};

struct jgroup {
    uint64_t hash;
    char *key;
    uint32_t klen;
    struct jrow *rows;
    uint32_t n, cap;
    struct hf_arena arena;
    bool live_arena;
};

struct jside {
    struct jgroup **slots;
    uint64_t cap, count;
    uint32_t ncols, off; /* its columns in the joined row */
    const uint32_t *keys;
    const struct hf_column *cols; /* its columns' types (node schema) */
    bool outer;
};

struct join {
    const struct hf_join_spec *spec;
    struct jside side[2];
    struct hf_rbuf_pool *pool;
    bool batch;
    uint32_t width;
    struct hf_strbuf kbuf, rbuf;
    struct hf_value *joined; /* scratch joined row */
    struct hf_batch *scratch; /* the condition's values */
    uint32_t ended;
    /* The output being filled. */
    struct hf_rbuf *r;
    struct hf_rbuf *parent;
    struct hf_op_out *out;
    const char *src_name;
    int32_t src_part;
};

static void put_u32(struct hf_strbuf *b, uint32_t v)
{
    hf_strbuf_append(b, &v, sizeof v);
}

/* Canonical bytes of a non-NULL value (as grouping compares them). */
static void put_value(struct hf_strbuf *b, const struct hf_type *t,
                      enum hf_type_id id, const struct hf_value *v)
{
    switch (id) {
    case HF_BOOLEAN:
        hf_strbuf_putc(b, v->v.b ? 1 : 0);
        return;
    case HF_TINYINT:
    case HF_SMALLINT:
    case HF_INT:
    case HF_BIGINT:
    case HF_DATE:
    case HF_TIME:
    case HF_TIMESTAMP:
    case HF_TIMESTAMP_LTZ:
    case HF_INTERVAL_YM:
    case HF_INTERVAL_DT:
        hf_strbuf_append(b, &v->v.i, sizeof v->v.i);
        return;
    case HF_FLOAT: {
        float f = v->v.f4 == 0.0f ? 0.0f : v->v.f4;
        if (f != f)
            f = __builtin_nanf("");
        hf_strbuf_append(b, &f, sizeof f);
        return;
    }
    case HF_DOUBLE: {
        double d = v->v.f8 == 0.0 ? 0.0 : v->v.f8;
        if (d != d)
            d = __builtin_nan("");
        hf_strbuf_append(b, &d, sizeof d);
        return;
    }
    case HF_DECIMAL:
        hf_strbuf_append(b, &v->v.d.lo, sizeof v->v.d.lo);
        hf_strbuf_append(b, &v->v.d.hi, sizeof v->v.d.hi);
        return;
    case HF_CHAR:
    case HF_VARCHAR:
    case HF_BYTES:
    case HF_JSON:
    case HF_JSONB:
        put_u32(b, v->v.s.len);
        hf_strbuf_append(b, v->v.s.ptr, v->v.s.len);
        return;
    default: {
        /* Nested values: their text, which names them exactly. */
        struct hf_strbuf tx;
        hf_strbuf_init(&tx, KEY_MAX);
        hf_value_to_text(t, v, &tx);
        put_u32(b, (uint32_t)tx.len);
        hf_strbuf_append(b, tx.data ? tx.data : "", tx.len);
        hf_strbuf_free(&tx);
        return;
    }
    }
}

static void encode(struct hf_strbuf *b, const struct hf_column *cols,
                   const uint32_t *idx, uint32_t n, const struct hf_value *row,
                   bool *has_null)
{
    hf_strbuf_reset(b);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t c = idx ? idx[i] : i;
        hf_strbuf_putc(b, row[c].null ? 0 : 1);
        if (row[c].null) {
            if (has_null)
                *has_null = true;
            continue;
        }
        put_value(b, &cols[c].type, cols[c].type.id, &row[c]);
    }
}

static uint64_t hash_bytes(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ULL;
    }
    return h ^ (h >> 29);
}

static int side_grow(struct jside *s)
{
    uint64_t nc = s->cap * 2;
    struct jgroup **ns = calloc(nc, sizeof *ns);
    if (ns == NULL)
        return -1;
    for (uint64_t i = 0; i < s->cap; i++) {
        if (s->slots[i] == NULL)
            continue;
        uint64_t j = s->slots[i]->hash & (nc - 1);
        while (ns[j])
            j = (j + 1) & (nc - 1);
        ns[j] = s->slots[i];
    }
    free(s->slots);
    s->slots = ns;
    s->cap = nc;
    return 0;
}

/* The group of key k[0..len) (create: add it when absent). NULL when
 * absent, or on out of memory when creating (*oom set). */
static struct jgroup *side_find(struct jside *s, const char *k, uint32_t len,
                                bool create, bool *oom)
{
    uint64_t h = hash_bytes(k, len);
    uint64_t j = h & (s->cap - 1);
    while (s->slots[j]) {
        struct jgroup *g = s->slots[j];
        if (g->hash == h && g->klen == len && memcmp(g->key, k, len) == 0)
            return g;
        j = (j + 1) & (s->cap - 1);
    }
    if (!create)
        return NULL;
    struct jgroup *g = calloc(1, sizeof *g);
    char *kc = malloc(len ? len : 1);
    if (g == NULL || kc == NULL) {
        free(g);
        free(kc);
        *oom = true;
        return NULL;
    }
    memcpy(kc, k, len);
    g->hash = h;
    g->key = kc;
    g->klen = len;
    s->slots[j] = g;
    s->count++;
    if (s->count * 4 >= s->cap * 3 && side_grow(s) != 0) {
        *oom = true;
        return NULL;
    }
    return g;
}

/* Add one copy of row (encoded in rb) to g, with `assoc` associations
 * (Flink's addRecord: an existing row's count grows and its associations
 * are set). 0 or -1 (out of memory). */
static int group_add(struct jside *s, struct jgroup *g, const struct hf_value *row,
                     const struct hf_strbuf *rb, uint32_t assoc)
{
    for (uint32_t i = 0; i < g->n; i++) {
        struct jrow *x = &g->rows[i];
        if (x->enclen == rb->len && memcmp(x->enc, rb->data, rb->len) == 0) {
            x->count++;
            x->assoc = assoc;
            return 0;
        }
    }
    if (g->n == g->cap) {
        uint32_t nc = g->cap ? g->cap * 2 : 2;
        struct jrow *nr = realloc(g->rows, nc * sizeof *nr);
        if (nr == NULL)
            return -1;
        g->rows = nr;
        g->cap = nc;
    }
    if (!g->live_arena) {
        hf_arena_init(&g->arena);
        g->live_arena = true;
    }
    struct jrow *x = &g->rows[g->n];
    x->vals = hf_arena_alloc(&g->arena, s->ncols * sizeof *x->vals);
    x->enc = hf_arena_alloc(&g->arena, rb->len ? rb->len : 1);
    if (x->vals == NULL || x->enc == NULL)
        return -1;
    memcpy(x->enc, rb->data, rb->len);
    x->enclen = (uint32_t)rb->len;
    for (uint32_t c = 0; c < s->ncols; c++)
        if (hf_value_copy(&g->arena, &s->cols[c].type, &x->vals[c], &row[c],
                          false) < 0)
            return -1;
    x->count = 1;
    x->assoc = assoc;
    g->n++;
    return 0;
}

/* Remove one copy of the row encoded in rb from g (absent: nothing). */
static void group_retract(struct jgroup *g, const struct hf_strbuf *rb)
{
    for (uint32_t i = 0; i < g->n; i++) {
        struct jrow *x = &g->rows[i];
        if (x->enclen != rb->len || memcmp(x->enc, rb->data, rb->len) != 0)
            continue;
        if (--x->count == 0)
            g->rows[i] = g->rows[--g->n];
        break;
    }
    if (g->n == 0 && g->live_arena) {
        hf_arena_free(&g->arena);
        g->live_arena = false;
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
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    const struct jside *a = &j->side[in], *b = &j->side[1 - in];
    if (row && !stored)
        memcpy(o + a->off, row, a->ncols * sizeof *o);
    for (uint32_t c = 0; row && stored && c < a->ncols; c++)
        if (hf_value_copy(&j->r->b->arena, &a->cols[c].type, &o[a->off + c],
                          &row[c], false) < 0)
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    if (other)
        for (uint32_t c = 0; c < b->ncols; c++)
            if (hf_value_copy(&j->r->b->arena, &b->cols[c].type,
                              &o[b->off + c], &other[c], false) < 0)
                return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
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

static int join_open(const struct hf_op_env *env, void **state,
                     struct hf_error *err)
{
    const struct hf_join_spec *s = env->node->spec;
    struct join *j = calloc(1, sizeof *j);
    if (j == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    *state = j;
    j->spec = s;
    j->pool = env->pool;
    j->batch = env->batch_mode;
    j->width = s->nleft + s->nright;
    const struct hf_column *cols = env->node->schema->cols;
    j->side[0] = (struct jside){.ncols = s->nleft,
                                .off = 0,
                                .keys = s->lkeys,
                                .cols = cols,
                                .outer = s->type == HF_JOINT_LEFT ||
                                         s->type == HF_JOINT_FULL};
    j->side[1] = (struct jside){.ncols = s->nright,
                                .off = s->nleft,
                                .keys = s->rkeys,
                                .cols = cols + s->nleft,
                                .outer = s->type == HF_JOINT_RIGHT ||
                                         s->type == HF_JOINT_FULL};
    hf_strbuf_init(&j->kbuf, KEY_MAX);
    hf_strbuf_init(&j->rbuf, KEY_MAX);
    j->joined = calloc(j->width ? j->width : 1, sizeof *j->joined);
    j->scratch = hf_batch_new(1, 1);
    for (int i = 0; i < 2; i++) {
        j->side[i].cap = 64;
        j->side[i].slots = calloc(64, sizeof *j->side[i].slots);
    }
    if (j->joined == NULL || j->scratch == NULL || j->side[0].slots == NULL ||
        j->side[1].slots == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    return 0;
}

static int join_row(struct join *j, uint32_t in, enum hf_rowkind kind,
                    const struct hf_value *row, int64_t origin,
                    struct hf_error *err)
{
    struct jside *me = &j->side[in], *ot = &j->side[1 - in];
    bool has_null = false;
    encode(&j->kbuf, me->cols, me->keys, j->spec->nkeys, row, &has_null);
    encode(&j->rbuf, me->cols, NULL, me->ncols, row, NULL);
    if (!hf_strbuf_ok(&j->kbuf) || !hf_strbuf_ok(&j->rbuf))
        return hf_error_set(err, HF_ERR_DATA,
                            "join: a row is larger than %u MiB", KEY_MAX >> 20);
    /* The other side's key bytes are the same (keys have one type). */
    struct jgroup *og =
        has_null ? NULL
                 : side_find(ot, j->kbuf.data ? j->kbuf.data : "",
                             (uint32_t)j->kbuf.len, false, NULL);
    /* The matches: marked by the condition, counted with multiplicity. */
    uint32_t nm = 0;
    hf_batch_reset(j->scratch);
    bool *hit = NULL;
    bool hitbuf[64];
    if (og && og->n) {
        hit = og->n <= 64 ? hitbuf : calloc(og->n, sizeof *hit);
        if (hit == NULL)
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        for (uint32_t i = 0; i < og->n; i++) {
            int h = cond_holds(j, in, row, og->rows[i].vals, err);
            if (h < 0) {
                if (hit != hitbuf)
                    free(hit);
                return -1;
            }
            hit[i] = h;
            if (h)
                nm += og->rows[i].count;
        }
    }
    int rc = 0;
    bool acc = kind == HF_ROW_INSERT || kind == HF_ROW_UPDATE_AFTER;
    bool pad = !j->batch;
    if (acc) {
        bool oom = false;
        struct jgroup *g =
            side_find(me, j->kbuf.data ? j->kbuf.data : "",
                      (uint32_t)j->kbuf.len, true, &oom);
        if (g == NULL || group_add(me, g, row, &j->rbuf, nm) != 0) {
            rc = hf_error_set(err, HF_ERR_NOMEM,
                              "join: out of memory holding its state");
            goto done;
        }
        if (nm == 0) {
            if (me->outer && pad)
                rc = emit_row(j, HF_ROW_INSERT, in, row, false, NULL, origin, err);
            goto done;
        }
        if (ot->outer) {
            for (uint32_t i = 0; i < og->n && rc == 0; i++) {
                struct jrow *x = &og->rows[i];
                if (!hit[i])
                    continue;
                for (uint32_t c = 0; pad && x->assoc == 0 && c < x->count &&
                                     rc == 0;
                     c++)
                    rc = emit_row(j, HF_ROW_DELETE, 1 - in, x->vals, true,
                                  NULL, origin, err);
                x->assoc++;
            }
        }
        enum hf_rowkind ok =
            me->outer || ot->outer ? HF_ROW_INSERT : kind;
        for (uint32_t i = 0; i < og->n && rc == 0; i++)
            for (uint32_t c = 0; hit[i] && c < og->rows[i].count && rc == 0;
                 c++)
                rc = emit_row(j, ok, in, row, false, og->rows[i].vals, origin,
                              err);
        goto done;
    }
    /* Retract. */
    {
        struct jgroup *g = side_find(me, j->kbuf.data ? j->kbuf.data : "",
                                     (uint32_t)j->kbuf.len, false, NULL);
        if (g)
            group_retract(g, &j->rbuf);
        if (nm == 0) {
            if (me->outer && pad)
                rc = emit_row(j, HF_ROW_DELETE, in, row, false, NULL, origin, err);
            goto done;
        }
        enum hf_rowkind ok = me->outer ? HF_ROW_DELETE : kind;
        for (uint32_t i = 0; i < og->n && rc == 0; i++)
            for (uint32_t c = 0; hit[i] && c < og->rows[i].count && rc == 0;
                 c++)
                rc = emit_row(j, ok, in, row, false, og->rows[i].vals, origin,
                              err);
        if (ot->outer) {
            for (uint32_t i = 0; i < og->n && rc == 0; i++) {
                struct jrow *x = &og->rows[i];
                if (!hit[i])
                    continue;
                for (uint32_t c = 0; pad && x->assoc == 1 && c < x->count &&
                                     rc == 0;
                     c++)
                    rc = emit_row(j, HF_ROW_INSERT, 1 - in, x->vals, true,
                                  NULL, origin, err);
                if (x->assoc > 0)
                    x->assoc--;
            }
        }
    }
done:
    if (hit && hit != hitbuf)
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
    if (rc == 0)
        rc = flush(j, err);
    else if (j->r) {
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
        for (uint64_t k = 0; k < s->cap && rc == 0; k++) {
            struct jgroup *g = s->slots[k];
            for (uint32_t i = 0; g && i < g->n && rc == 0; i++)
                for (uint32_t c = 0; g->rows[i].assoc == 0 &&
                                     c < g->rows[i].count && rc == 0;
                     c++)
                    rc = emit_row(j, HF_ROW_INSERT, 1 - si, NULL, false,
                                  g->rows[i].vals, -1, err);
        }
    }
    if (rc == 0)
        rc = flush(j, err);
    else if (j->r) {
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
        for (uint64_t k = 0; j->side[i].slots && k < j->side[i].cap; k++) {
            struct jgroup *g = j->side[i].slots[k];
            if (g == NULL)
                continue;
            if (g->live_arena)
                hf_arena_free(&g->arena);
            free(g->rows);
            free(g->key);
            free(g);
        }
        free(j->side[i].slots);
    }
    if (j->r)
        hf_rbuf_release(j->r);
    hf_strbuf_free(&j->kbuf);
    hf_strbuf_free(&j->rbuf);
    free(j->joined);
    if (j->scratch)
        hf_batch_destroy(j->scratch);
    free(j);
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
};
