/*
 * group_agg.c - the group aggregate operator: GROUP BY (streaming and
 * batch), global aggregation, streaming SELECT DISTINCT. Its emit rules
 * are Flink's GroupAggFunction / MiniBatchGroupAggFunction, as
 * flink-stateful-sql.md §1 states them.
 *
 * State: one keyed state "acc", key = the group key's bytes
 * (core/rowcodec.h; the empty key for a global aggregate), value = the
 * hidden COUNT(*) when the input retracts, then every call's accumulator
 * (ops/aggfn.h). The operator opens it through env->open_state; when the
 * runtime offers none (a runtime without a state backend) it opens a
 * private in-memory hashmap backend, so it runs either way.
 *
 * Per input row (mini-batch off), §1.1:
 *   -U/-D of a key without state: dropped;
 *   +I/+U of a key without state: new accumulators ("first row");
 *   prev = result; accumulate (+I/+U) or retract (-U/-D); new = result;
 *   hidden count 0: -D(key, prev), the key's state removed;
 *   first row: +I(key, new);
 *   prev = new and TTL off: nothing (the state is still written);
 *   else -U(key, prev) when the consumer needs it, then +U(key, new).
 * FILTER (WHERE c) gates one call: the row still counts for the group.
 *
 * Mini-batch (§1.9): rows are folded per key into in-memory accumulators
 * loaded from state at the key's first row of the bundle; at a flush the
 * rules above run once per key over the whole bundle (one +I, one -U/+U
 * pair or one -D per key, nothing when the net result is unchanged),
 * keys in the order they first came in the bundle; leading retractions
 * of a key without state are dropped. A bundle is flushed when it holds
 * `size` rows, when a row arrives `allow-latency` after the bundle's first
 * (holoflow has no timer thread in operators: a quiet input is flushed at
 * the next checkpoint), before each checkpoint barrier (snapshot) and at
 * the end of the input.
 *
 * Batch mode: rows are folded into state without output; at the end of
 * the input every group is emitted once as +I (a global aggregate over no
 * rows gives one row: COUNT 0, the others NULL, as Flink's batch does).
 *
 * @locality one operator instance, its task's thread.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/rowcodec.h"
#include "ops/group_agg.h"
#include "state/state.h"

#define KEY_MAX (64u << 20)

/* One key of a mini-batch bundle. */
struct bent {
    char *key; /* in the bundle arena */
    uint32_t klen;
    uint64_t hash;
    bool existed; /* the key had state at the bundle's start */
    bool started; /* a row was applied */
    int64_t cnt;
    struct hf_value *prev; /* naggs: the result at the bundle's start */
    struct hf_agg_acc *accs;
};

struct gagg {
    const struct hf_group_agg_spec *s;
    struct hf_rbuf_pool *pool;
    bool batch;
    const char *uid;
    struct hf_state_backend *own_be;
    struct hf_state *st;
    struct hf_type *ktypes;
    struct hf_agg_acc *accs;
    struct hf_value *prev, *cur, *keyv;
    struct hf_arena prev_arena;
    struct hf_strbuf kbuf, vbuf;
    struct hf_rbuf *out;
    struct hf_rbuf *out_parent;
    /* mini-batch */
    struct bent *ents;
    uint32_t nents, entcap;
    uint32_t *slots; /* entry index + 1; 0 empty */
    uint32_t slotcap;
    int64_t mb_rows;
    int64_t mb_start_ms;
    struct hf_arena mb_arena;
};

void hf_group_agg_spec_free(struct hf_group_agg_spec *s)
{
    if (s == NULL)
        return;
    for (uint32_t i = 0; i < s->naggs; i++)
        free(s->aggs[i].text);
    free(s->aggs);
    free(s->keys);
    free(s->groupby_text);
    free(s);
}

static void gagg_free_spec(void *spec)
{
    hf_group_agg_spec_free(spec);
}

static void gagg_explain(const struct hf_node *n, struct hf_strbuf *out)
{
    const struct hf_group_agg_spec *s = n->spec;
    hf_strbuf_puts(out, s->groupby_text ? s->groupby_text : "");
    if (s->retract_input)
        hf_strbuf_puts(out, "; input retracts (hidden COUNT(*))");
    hf_strbuf_puts(out, s->update_before ? "; emits -U/+U" : "; emits +U only");
    if (s->minibatch)
        hf_strbuf_printf(out, "; mini-batch %lld ms / %lld rows",
                         (long long)s->mb_latency_ms, (long long)s->mb_size);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int oom(struct hf_error *err)
{
    return hf_error_set(err, HF_ERR_NOMEM, "group aggregate: out of memory");
}

static int gagg_open(const struct hf_op_env *env, void **state,
                     struct hf_error *err)
{
    const struct hf_group_agg_spec *s = env->node->spec;
    struct gagg *g = calloc(1, sizeof *g);
    if (g == NULL)
        return oom(err);
    *state = g;
    g->s = s;
    g->pool = env->pool;
    g->batch = env->batch_mode;
    g->uid = env->uid ? env->uid : "group-aggregate";
    uint32_t na = s->naggs ? s->naggs : 1, nk = s->nkeys ? s->nkeys : 1;
    g->ktypes = calloc(nk, sizeof *g->ktypes);
    g->accs = calloc(na, sizeof *g->accs);
    g->prev = calloc(na, sizeof *g->prev);
    g->cur = calloc(na, sizeof *g->cur);
    g->keyv = calloc(nk, sizeof *g->keyv);
    if (!g->ktypes || !g->accs || !g->prev || !g->cur || !g->keyv)
        return oom(err);
    for (uint32_t i = 0; i < s->nkeys; i++)
        g->ktypes[i] = s->in->cols[s->keys[i]].type;
    for (uint32_t i = 0; i < s->naggs; i++)
        hf_agg_acc_init(&g->accs[i]);
    hf_arena_init(&g->prev_arena);
    hf_arena_init(&g->mb_arena);
    hf_strbuf_init(&g->kbuf, KEY_MAX);
    hf_strbuf_init(&g->vbuf, KEY_MAX * 4u);
    if (env->open_state)
        return env->open_state(env, "acc", &g->st, err);
    struct hf_state_config cfg = {.type = HF_STATE_HASHMAP,
                                  .num_retained = 1,
                                  .max_parallelism = 128};
    if (hf_state_backend_open(&cfg, &g->own_be, err) != 0)
        return -1;
    return hf_state_open(g->own_be, g->uid, "acc", 0, 127, &g->st, err);
}

/* ------------------------------------------------------------ output */

static int flush_out(struct gagg *g, struct hf_op_out *out,
                     struct hf_error *err)
{
    if (g->out == NULL)
        return 0;
    struct hf_rbuf *r = g->out;
    g->out = NULL;
    int rc = r->b->nrows ? out->emit(out, r, err) : 0;
    hf_rbuf_release(r);
    return rc;
}

static int put_val(struct hf_batch *b, struct hf_value *dst,
                   const struct hf_type *t, const struct hf_value *v)
{
    *dst = *v;
    if (v->null)
        return 0;
    switch (t->id) {
    case HF_CHAR:
    case HF_VARCHAR:
    case HF_BYTES:
    case HF_JSON:
    case HF_JSONB:
        return hf_value_set_str(b, dst, v->v.s.ptr, v->v.s.len);
    default:
        return 0;
    }
}

/* One output row: the key values `kv`, the results `av`. */
static int emit_row(struct gagg *g, struct hf_op_out *out,
                    enum hf_rowkind kind, const struct hf_value *kv,
                    const struct hf_value *av, struct hf_error *err)
{
    if (g->out && hf_batch_full(g->out->b) && flush_out(g, out, err) != 0)
        return -1;
    if (g->out == NULL && (g->out = hf_rbuf_get(g->pool, -1)) == NULL)
        return -1; /* the job is failing */
    struct hf_batch *b = g->out->b;
    struct hf_value *o = hf_batch_add_row(b, kind, -1);
    if (o == NULL)
        return oom(err);
    const struct hf_group_agg_spec *s = g->s;
    int rc = 0;
    for (uint32_t i = 0; i < s->nkeys; i++)
        rc |= put_val(b, &o[i], &g->ktypes[i], &kv[i]);
    for (uint32_t i = 0; i < s->naggs; i++)
        rc |= put_val(b, &o[s->nkeys + i], &s->aggs[i].fn.result, &av[i]);
    return rc ? oom(err) : 0;
}

/* ------------------------------------------------------------ state */

static int load(struct gagg *g, struct hf_agg_acc *accs, const void *val,
                size_t vlen, int64_t *cnt, struct hf_error *err)
{
    const char *p = val;
    size_t off = 0;
    *cnt = 0;
    if (g->s->retract_input) {
        if (vlen < 8)
            return hf_error_set(err, HF_ERR_DATA,
                                "%s: a stored group is truncated", g->uid);
        memcpy(cnt, p, 8);
        off = 8;
    }
    for (uint32_t i = 0; i < g->s->naggs; i++) {
        long n = hf_agg_acc_load(&g->s->aggs[i].fn, &accs[i], p + off,
                                 vlen - off, err);
        if (n < 0)
            return -1;
        off += (size_t)n;
    }
    return 0;
}

static int store(struct gagg *g, const struct hf_agg_acc *accs, int64_t cnt,
                 const void *key, size_t klen, struct hf_error *err)
{
    hf_strbuf_reset(&g->vbuf);
    if (g->s->retract_input)
        hf_strbuf_append(&g->vbuf, &cnt, 8);
    for (uint32_t i = 0; i < g->s->naggs; i++)
        hf_agg_acc_save(&g->s->aggs[i].fn, &accs[i], &g->vbuf);
    if (!hf_strbuf_ok(&g->vbuf))
        return hf_error_set(err, HF_ERR_NOMEM,
                            "%s: a group's accumulators are too large", g->uid);
    return hf_state_put(g->st, key, klen, g->vbuf.data ? g->vbuf.data : "",
                        g->vbuf.len, err);
}

/* The results of accs into vals; with `arena`, strings are copied there
 * (the accumulators change afterwards). */
static void results(struct gagg *g, struct hf_agg_acc *accs,
                    struct hf_value *vals, struct hf_arena *arena)
{
    for (uint32_t i = 0; i < g->s->naggs; i++) {
        hf_agg_acc_value(&g->s->aggs[i].fn, &accs[i], &vals[i]);
        if (arena && !vals[i].null) {
            enum hf_type_id id = g->s->aggs[i].fn.result.id;
            if (id == HF_VARCHAR || id == HF_CHAR || id == HF_BYTES ||
                id == HF_JSON || id == HF_JSONB) {
                char *c = hf_arena_strndup(arena, vals[i].v.s.ptr,
                                           vals[i].v.s.len);
                vals[i].v.s.ptr = c ? c : "";
                if (c == NULL)
                    vals[i].v.s.len = 0;
            }
        }
    }
}

static bool same_results(struct gagg *g, const struct hf_value *a,
                         const struct hf_value *b)
{
    for (uint32_t i = 0; i < g->s->naggs; i++)
        if (!hf_agg_value_eq(&g->s->aggs[i].fn.result, &a[i], &b[i]))
            return false;
    return true;
}

/* Apply one input row to accs. */
static int apply(struct gagg *g, struct hf_agg_acc *accs,
                 const struct hf_value *row, bool acc, struct hf_error *err)
{
    for (uint32_t i = 0; i < g->s->naggs; i++) {
        const struct hf_agg_call *c = &g->s->aggs[i];
        if (c->filter >= 0 && (row[c->filter].null || !row[c->filter].v.b))
            continue;
        const struct hf_value *v = c->arg >= 0 ? &row[c->arg] : NULL;
        int rc = acc ? hf_agg_acc_add(&c->fn, &accs[i], v, err)
                     : hf_agg_acc_retract(&c->fn, &accs[i], v, err);
        if (rc != 0) {
            hf_error_prefix(err, "%s: ", g->uid);
            return -1;
        }
    }
    return 0;
}

static void reset_accs(struct gagg *g, struct hf_agg_acc *accs)
{
    for (uint32_t i = 0; i < g->s->naggs; i++)
        hf_agg_acc_reset(&accs[i]);
}

static int encode_key(struct gagg *g, const struct hf_value *row,
                      struct hf_error *err)
{
    hf_strbuf_reset(&g->kbuf);
    if (g->s->nkeys == 0)
        hf_strbuf_putc(&g->kbuf, 0); /* the one group of a global agg */
    else
        hf_row_encode_cols(g->ktypes, g->s->keys, row, g->s->nkeys, &g->kbuf);
    if (!hf_strbuf_ok(&g->kbuf))
        return hf_error_set(err, HF_ERR_DATA,
                            "%s: a group key is larger than %u MiB", g->uid,
                            KEY_MAX >> 20);
    return 0;
}

/* Key values of a key's bytes (borrowed from them). */
static int decode_key(struct gagg *g, const void *key, size_t klen,
                      struct hf_error *err)
{
    if (g->s->nkeys == 0)
        return 0;
    return hf_row_decode(g->ktypes, g->s->nkeys, key, klen, g->keyv, NULL,
                         err) < 0
               ? -1
               : 0;
}

/* ------------------------------------------------------------ per row */

static int one_row(struct gagg *g, const struct hf_value *row,
                   enum hf_rowkind kind, struct hf_op_out *out,
                   struct hf_error *err)
{
    const struct hf_group_agg_spec *s = g->s;
    bool acc = kind == HF_ROW_INSERT || kind == HF_ROW_UPDATE_AFTER;
    if (encode_key(g, row, err) != 0)
        return -1;
    const void *val;
    size_t vlen;
    int rc = hf_state_get(g->st, g->kbuf.data, g->kbuf.len, &val, &vlen, err);
    if (rc < 0)
        return -1;
    bool first = rc == 0;
    if (first && !acc)
        return 0; /* nothing to retract from */
    int64_t cnt = 0;
    hf_arena_reset(&g->prev_arena);
    if (first) {
        reset_accs(g, g->accs);
    } else {
        if (load(g, g->accs, val, vlen, &cnt, err) != 0)
            return -1;
        if (!g->batch)
            results(g, g->accs, g->prev, &g->prev_arena);
    }
    if (apply(g, g->accs, row, acc, err) != 0)
        return -1;
    cnt += acc ? 1 : -1;
    /* Output key values: the row's own key columns. */
    for (uint32_t i = 0; i < s->nkeys; i++)
        g->keyv[i] = row[s->keys[i]];
    if (s->retract_input && cnt <= 0) {
        if (hf_state_del(g->st, g->kbuf.data, g->kbuf.len, err) != 0)
            return -1;
        if (!first && !g->batch)
            return emit_row(g, out, HF_ROW_DELETE, g->keyv, g->prev, err);
        return 0;
    }
    if (store(g, g->accs, cnt, g->kbuf.data, g->kbuf.len, err) != 0)
        return -1;
    if (g->batch)
        return 0;
    results(g, g->accs, g->cur, NULL);
    if (first)
        return emit_row(g, out, HF_ROW_INSERT, g->keyv, g->cur, err);
    if (s->ttl_ms <= 0 && same_results(g, g->prev, g->cur))
        return 0;
    if (s->update_before &&
        emit_row(g, out, HF_ROW_UPDATE_BEFORE, g->keyv, g->prev, err) != 0)
        return -1;
    return emit_row(g, out, HF_ROW_UPDATE_AFTER, g->keyv, g->cur, err);
}

/* ------------------------------------------------------------ mini-batch */

static uint64_t hashb(const char *p, size_t n)
{
    return hf_key_hash(p, n);
}

static int mb_grow_slots(struct gagg *g)
{
    uint32_t nc = g->slotcap ? g->slotcap * 2 : 1024;
    uint32_t *ns = calloc(nc, sizeof *ns);
    if (ns == NULL)
        return -1;
    for (uint32_t i = 0; i < g->nents; i++) {
        uint32_t j = (uint32_t)(g->ents[i].hash & (nc - 1));
        while (ns[j])
            j = (j + 1) & (nc - 1);
        ns[j] = i + 1;
    }
    free(g->slots);
    g->slots = ns;
    g->slotcap = nc;
    return 0;
}

/* The bundle entry of the key in kbuf, created (and loaded) if new. */
static struct bent *mb_entry(struct gagg *g, struct hf_error *err)
{
    const char *k = g->kbuf.data;
    uint32_t klen = (uint32_t)g->kbuf.len;
    uint64_t h = hashb(k, klen);
    if ((g->nents + 1) * 2 > g->slotcap && mb_grow_slots(g) != 0) {
        oom(err);
        return NULL;
    }
    uint32_t j = (uint32_t)(h & (g->slotcap - 1));
    while (g->slots[j]) {
        struct bent *e = &g->ents[g->slots[j] - 1];
        if (e->hash == h && e->klen == klen && memcmp(e->key, k, klen) == 0)
            return e;
        j = (j + 1) & (g->slotcap - 1);
    }
    if (g->nents == g->entcap) {
        uint32_t nc = g->entcap ? g->entcap * 2 : 64;
        struct bent *ne = realloc(g->ents, nc * sizeof *ne);
        if (ne == NULL) {
            oom(err);
            return NULL;
        }
        memset(ne + g->entcap, 0, (nc - g->entcap) * sizeof *ne);
        g->ents = ne;
        g->entcap = nc;
    }
    struct bent *e = &g->ents[g->nents];
    uint32_t na = g->s->naggs ? g->s->naggs : 1;
    if (e->accs == NULL) { /* kept across bundles */
        e->accs = calloc(na, sizeof *e->accs);
        e->prev = calloc(na, sizeof *e->prev);
        if (e->accs == NULL || e->prev == NULL) {
            oom(err);
            return NULL;
        }
        for (uint32_t i = 0; i < g->s->naggs; i++)
            hf_agg_acc_init(&e->accs[i]);
    }
    e->key = hf_arena_alloc(&g->mb_arena, klen ? klen : 1);
    if (e->key == NULL) {
        oom(err);
        return NULL;
    }
    memcpy(e->key, k, klen);
    e->klen = klen;
    e->hash = h;
    e->started = false;
    e->cnt = 0;
    const void *val;
    size_t vlen;
    int rc = hf_state_get(g->st, k, klen, &val, &vlen, err);
    if (rc < 0)
        return NULL;
    e->existed = rc == 1;
    if (e->existed) {
        if (load(g, e->accs, val, vlen, &e->cnt, err) != 0)
            return NULL;
        results(g, e->accs, e->prev, &g->mb_arena);
    } else {
        reset_accs(g, e->accs);
    }
    g->slots[j] = ++g->nents;
    return e;
}

static int mb_flush(struct gagg *g, struct hf_op_out *out, struct hf_error *err)
{
    const struct hf_group_agg_spec *s = g->s;
    for (uint32_t i = 0; i < g->nents; i++) {
        struct bent *e = &g->ents[i];
        if (!e->existed && !e->started)
            continue;
        if (decode_key(g, e->key, e->klen, err) != 0)
            return -1;
        if (s->retract_input && e->cnt <= 0) {
            if (!e->existed)
                continue;
            if (hf_state_del(g->st, e->key, e->klen, err) != 0 ||
                emit_row(g, out, HF_ROW_DELETE, g->keyv, e->prev, err) != 0)
                return -1;
            continue;
        }
        if (store(g, e->accs, e->cnt, e->key, e->klen, err) != 0)
            return -1;
        results(g, e->accs, g->cur, NULL);
        if (!e->existed) {
            if (emit_row(g, out, HF_ROW_INSERT, g->keyv, g->cur, err) != 0)
                return -1;
            continue;
        }
        if (s->ttl_ms <= 0 && same_results(g, e->prev, g->cur))
            continue;
        if (s->update_before &&
            emit_row(g, out, HF_ROW_UPDATE_BEFORE, g->keyv, e->prev, err) != 0)
            return -1;
        if (emit_row(g, out, HF_ROW_UPDATE_AFTER, g->keyv, g->cur, err) != 0)
            return -1;
    }
    g->nents = 0;
    g->mb_rows = 0;
    if (g->slots)
        memset(g->slots, 0, g->slotcap * sizeof *g->slots);
    hf_arena_reset(&g->mb_arena);
    return flush_out(g, out, err);
}

static int mb_row(struct gagg *g, const struct hf_value *row,
                  enum hf_rowkind kind, struct hf_op_out *out,
                  struct hf_error *err)
{
    bool acc = kind == HF_ROW_INSERT || kind == HF_ROW_UPDATE_AFTER;
    if (encode_key(g, row, err) != 0)
        return -1;
    struct bent *e = mb_entry(g, err);
    if (e == NULL)
        return -1;
    if (g->mb_rows++ == 0)
        g->mb_start_ms = now_ms();
    if (!e->existed && !e->started && !acc)
        return 0; /* a leading retraction of a key without state */
    e->started = true;
    if (apply(g, e->accs, row, acc, err) != 0)
        return -1;
    e->cnt += acc ? 1 : -1;
    if (g->mb_rows >= g->s->mb_size)
        return mb_flush(g, out, err);
    return 0;
}

/* ------------------------------------------------------------ callbacks */

static int gagg_process(void *state, uint32_t input, struct hf_rbuf *in,
                        struct hf_op_out *out, struct hf_error *err)
{
    (void)input;
    struct gagg *g = state;
    const struct hf_batch *b = in->b;
    bool mb = g->s->minibatch && !g->batch;
    for (uint32_t i = 0; i < b->nrows; i++) {
        const struct hf_value *row = hf_batch_row(b, i);
        enum hf_rowkind k = (enum hf_rowkind)b->kinds[i];
        if ((mb ? mb_row(g, row, k, out, err) : one_row(g, row, k, out, err)) !=
            0) {
            hf_rbuf_release(g->out);
            g->out = NULL;
            return -1;
        }
    }
    if (mb && g->mb_rows > 0 && now_ms() - g->mb_start_ms >= g->s->mb_latency_ms)
        return mb_flush(g, out, err);
    return flush_out(g, out, err);
}

static int gagg_snapshot(void *state, uint64_t id, struct hf_op_out *out,
                         struct hf_error *err)
{
    (void)id;
    struct gagg *g = state;
    if (g->s->minibatch && !g->batch)
        return mb_flush(g, out, err);
    return 0;
}

/* Batch mode: every group once, as +I. */
static int batch_emit(struct gagg *g, struct hf_op_out *out,
                      struct hf_error *err)
{
    struct hf_state_iter *it;
    if (hf_state_iter_open(g->st, NULL, 0, &it, err) != 0)
        return -1;
    const void *k, *v;
    size_t klen, vlen;
    int rc;
    uint64_t groups = 0;
    while ((rc = hf_state_iter_next(it, &k, &klen, &v, &vlen, err)) == 1) {
        int64_t cnt;
        if (load(g, g->accs, v, vlen, &cnt, err) != 0 ||
            decode_key(g, k, klen, err) != 0) {
            rc = -1;
            break;
        }
        results(g, g->accs, g->cur, NULL);
        if (emit_row(g, out, HF_ROW_INSERT, g->keyv, g->cur, err) != 0) {
            rc = -1;
            break;
        }
        groups++;
    }
    hf_state_iter_close(it);
    if (rc < 0)
        return -1;
    if (groups == 0 && g->s->nkeys == 0) {
        reset_accs(g, g->accs);
        results(g, g->accs, g->cur, NULL);
        if (emit_row(g, out, HF_ROW_INSERT, g->keyv, g->cur, err) != 0)
            return -1;
    }
    return flush_out(g, out, err);
}

static int gagg_end_input(void *state, uint32_t input, struct hf_op_out *out,
                          struct hf_error *err)
{
    (void)input;
    struct gagg *g = state;
    if (g->batch)
        return batch_emit(g, out, err);
    if (g->s->minibatch)
        return mb_flush(g, out, err);
    return 0;
}

static void gagg_close(void *state)
{
    struct gagg *g = state;
    if (g == NULL)
        return;
    hf_rbuf_release(g->out);
    if (g->accs)
        for (uint32_t i = 0; i < g->s->naggs; i++)
            hf_agg_acc_free(&g->accs[i]);
    for (uint32_t i = 0; i < g->entcap; i++) {
        if (g->ents[i].accs)
            for (uint32_t j = 0; j < g->s->naggs; j++)
                hf_agg_acc_free(&g->ents[i].accs[j]);
        free(g->ents[i].accs);
        free(g->ents[i].prev);
    }
    free(g->ents);
    free(g->slots);
    if (g->own_be) {
        hf_state_close(g->st);
        hf_state_backend_close(g->own_be);
    }
    free(g->ktypes);
    free(g->accs);
    free(g->prev);
    free(g->cur);
    free(g->keyv);
    hf_arena_free(&g->prev_arena);
    hf_arena_free(&g->mb_arena);
    hf_strbuf_free(&g->kbuf);
    hf_strbuf_free(&g->vbuf);
    free(g);
}

/* Keyed by the group key, encoded as encode_key() does. */
static void gagg_route_key(const struct hf_node *n, const struct hf_schema *in,
                           uint32_t port, const struct hf_value *row,
                           struct hf_strbuf *out)
{
    const struct hf_group_agg_spec *s = n->spec;
    (void)in;
    (void)port;
    if (s->nkeys == 0)
        hf_strbuf_putc(out, 0);
    else
        hf_row_encode_schema_cols(s->in, s->keys, row, s->nkeys, out);
}

const struct hf_op_class hf_op_group_agg = {
    .name = "group-aggregate",
    .flags = 0,
    .explain = gagg_explain,
    .free_spec = gagg_free_spec,
    .open = gagg_open,
    .process = gagg_process,
    .snapshot = gagg_snapshot,
    .end_input = gagg_end_input,
    .close = gagg_close,
    .route_key = gagg_route_key,
};
