/*
 * lookup_join.c - the lookup join operator (lookup_join.h): each input
 * batch is answered by the dimension table's connector, in batches of
 * keys, and its rows go out in input order joined with their matches.
 *
 * Per input batch:
 *   1. every row's key is encoded (core/rowcodec.h); a key with a NULL
 *      matches nothing; a key found in the cache (PARTIAL or FULL) or
 *      already met in this batch is answered; the others, each once, are
 *      the batch's missing keys (a FULL cache asks nothing: a key not in
 *      it has no row);
 *   2. the missing keys go to the connector in requests of
 *      lookup.read.batch-size keys; with lookup.async up to
 *      lookup.read.batch-queue-size requests are in flight at once (the
 *      connector pipelines them on its connection), else one. The
 *      answer of a request is grouped by key (sorted by key bytes) into
 *      one value per key: the encoded dimension rows, none for a miss;
 *      these go into the batch's answer store and the cache (a miss only
 *      with cache-missing-key);
 *   3. each input row, in order, is joined with the rows of its key that
 *      pass the residual condition, or padded with NULLs (LEFT) when none
 *      does; the output keeps the input's row kind.
 * So the output order is the input order whatever the number of requests
 * in flight (Flink's ORDERED output mode, which holoflow always gives).
 *
 * Memory: the cache is bounded by lookup.partial-cache.max-rows and
 * max-bytes; the batch's answer store holds one batch's answers. One
 * input, no keyed state, its own task (it waits on the network).
 */
#include "ops/lookup_join.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/batch.h"
#include "core/log.h"
#include "core/rowcodec.h"
#include "core/strbuf.h"
#include "ops/lookup_cache.h"
#include "ops/op.h"

void hf_lookup_spec_free(struct hf_lookup_spec *s)
{
    if (s == NULL)
        return;
    free(s->lkeys);
    free(s->dkeys);
    free(s->dtypes);
    hf_expr_free(s->cond);
    free(s->text);
    free(s);
}

struct lk {
    struct hf_lookup_spec *spec;
    const struct hf_connector *conn;
    void *cs; /* the connector's lookup state */
    struct hf_rbuf_pool *pool;
    struct hf_type *ktypes; /* the key columns' types */
    struct hf_lcache cache; /* PARTIAL or FULL */
    bool cached;
    struct hf_lcache ans;   /* this batch's answers */
    int64_t loaded_ms;      /* FULL: last load */
    struct hf_strbuf kbuf;  /* key bytes of the batch's rows */
    uint32_t *koff, *klen;  /* per input row; klen UINT32_MAX = NULL key */
    uint32_t cap;
    uint32_t *miss;         /* input rows whose keys are asked */
    struct hf_value *keyv;  /* key values of one request */
    struct hf_batch *res;   /* a request's answer rows */
    struct hf_batch *scratch;
    struct hf_strbuf grp;   /* encoded (key, row) pairs being grouped */
    struct hf_strbuf val;
    struct hf_value *joined;
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

/* ------------------------------------------------------------ grouping */

/* One (key, row) pair of grp: offsets into grp.data. */
struct pair {
    uint32_t koff, klen, roff, rlen;
};

static _Thread_local const char *grp_base;
static int pair_cmp(const void *a, const void *b)
{
    const struct pair *x = a, *y = b;
    uint32_t n = x->klen < y->klen ? x->klen : y->klen;
    int c = memcmp(grp_base + x->koff, grp_base + y->koff, n);
    if (c)
        return c;
    return x->klen < y->klen ? -1 : x->klen > y->klen;
}

/* Rows of `rows` (the dimension's width) grouped by key into `store`
 * (and, when `also` is not NULL, into it too). */
static int group_rows(struct lk *l, struct hf_batch *rows,
                      struct hf_lcache *store, struct hf_lcache *also,
                      struct hf_error *err)
{
    const struct hf_lookup_spec *s = l->spec;
    hf_strbuf_reset(&l->grp);
    struct pair *pr = calloc(rows->nrows ? rows->nrows : 1, sizeof *pr);
    if (pr == NULL)
        return oom(err);
    for (uint32_t i = 0; i < rows->nrows; i++) {
        const struct hf_value *row = hf_batch_row(rows, i);
        pr[i].koff = (uint32_t)l->grp.len;
        hf_row_encode_cols(s->dtypes, s->dkeys, row, s->nkeys, &l->grp);
        pr[i].klen = (uint32_t)l->grp.len - pr[i].koff;
        pr[i].roff = (uint32_t)l->grp.len;
        hf_row_encode(s->dtypes, row, s->ndim, &l->grp);
        pr[i].rlen = (uint32_t)l->grp.len - pr[i].roff;
    }
    if (!hf_strbuf_ok(&l->grp)) {
        free(pr);
        return oom(err);
    }
    grp_base = l->grp.data;
    qsort(pr, rows->nrows, sizeof *pr, pair_cmp);
    int64_t now = now_ms();
    for (uint32_t i = 0; i < rows->nrows;) {
        uint32_t j = i + 1;
        while (j < rows->nrows && pair_cmp(&pr[i], &pr[j]) == 0)
            j++;
        hf_strbuf_reset(&l->val);
        uint32_t n = j - i;
        hf_strbuf_append(&l->val, &n, sizeof n);
        for (uint32_t k = i; k < j; k++)
            hf_strbuf_append(&l->val, l->grp.data + pr[k].roff, pr[k].rlen);
        if (!hf_strbuf_ok(&l->val)) {
            free(pr);
            return oom(err);
        }
        const char *key = l->grp.data + pr[i].koff;
        if (hf_lcache_put(store, key, pr[i].klen, l->val.data,
                          (uint32_t)l->val.len, now) < 0 ||
            (also && hf_lcache_put(also, key, pr[i].klen, l->val.data,
                                   (uint32_t)l->val.len, now) < 0)) {
            free(pr);
            return oom(err);
        }
        i = j;
    }
    free(pr);
    return 0;
}

/* ------------------------------------------------------------ FULL */

static int full_each(void *arg, struct hf_batch *rows, struct hf_error *err)
{
    struct lk *l = arg;
    /* Rows of one key may span batches: merge with what is there. */
    for (uint32_t i = 0; i < rows->nrows; i++) {
        const struct hf_value *row = hf_batch_row(rows, i);
        hf_strbuf_reset(&l->grp);
        hf_row_encode_cols(l->spec->dtypes, l->spec->dkeys, row,
                           l->spec->nkeys, &l->grp);
        size_t klen = l->grp.len;
        hf_row_encode(l->spec->dtypes, row, l->spec->ndim, &l->grp);
        if (!hf_strbuf_ok(&l->grp))
            return oom(err);
        const struct hf_lcache_entry *e =
            hf_lcache_get(&l->cache, l->grp.data, (uint32_t)klen, 0);
        hf_strbuf_reset(&l->val);
        uint32_t n = 1;
        if (e) {
            memcpy(&n, hf_lcache_val(e), sizeof n);
            n++;
            hf_strbuf_append(&l->val, &n, sizeof n);
            hf_strbuf_append(&l->val, hf_lcache_val(e) + sizeof n,
                             e->vlen - sizeof n);
        } else {
            hf_strbuf_append(&l->val, &n, sizeof n);
        }
        hf_strbuf_append(&l->val, l->grp.data + klen, l->grp.len - klen);
        if (!hf_strbuf_ok(&l->val))
            return oom(err);
        int rc = hf_lcache_put(&l->cache, l->grp.data, (uint32_t)klen,
                               l->val.data, (uint32_t)l->val.len, 0);
        if (rc < 0)
            return oom(err);
        if (rc > 0 || l->cache.evictions > 0)
            return hf_error_set(err, HF_ERR_USAGE,
                                "lookup table '%s': the FULL cache does not "
                                "fit in lookup.partial-cache.max-bytes "
                                "(%" PRId64 " bytes); raise it or use "
                                "'lookup.cache'='PARTIAL'",
                                l->spec->dim->name, l->cache.max_bytes);
    }
    return 0;
}

static int full_load(struct lk *l, struct hf_error *err)
{
    if (l->conn->lookup_scan == NULL)
        return hf_error_set(err, HF_ERR_UNSUPPORTED,
                            "lookup table '%s': connector '%s' cannot load "
                            "a FULL cache",
                            l->spec->dim->name, l->conn->name);
    hf_lcache_clear(&l->cache);
    l->cache.evictions = 0;
    if (l->conn->lookup_scan(l->cs, full_each, l, err) != 0)
        return -1;
    l->loaded_ms = now_ms();
    atomic_fetch_add(&l->spec->stats.reloads, 1);
    return 0;
}

/* ------------------------------------------------------------ open */

static void lk_free(struct lk *l)
{
    if (l == NULL)
        return;
    if (l->cs)
        l->conn->lookup_close(l->cs);
    hf_lcache_free(&l->cache);
    hf_lcache_free(&l->ans);
    hf_strbuf_free(&l->kbuf);
    hf_strbuf_free(&l->grp);
    hf_strbuf_free(&l->val);
    free(l->koff);
    free(l->klen);
    free(l->miss);
    free(l->keyv);
    free(l->ktypes);
    free(l->joined);
    hf_batch_destroy(l->res);
    hf_batch_destroy(l->scratch);
    free(l);
}

struct lk *hf_lk_new(struct hf_lookup_spec *s, struct hf_error *err)
{
    struct lk *l = calloc(1, sizeof *l);
    if (l == NULL) {
        oom(err);
        return NULL;
    }
    l->spec = s;
    l->conn = s->dim->connector;
    hf_strbuf_init(&l->kbuf, 0);
    hf_strbuf_init(&l->grp, 0);
    hf_strbuf_init(&l->val, 0);
    const struct hf_lookup_conf *c = &s->conf;
    l->ktypes = calloc(s->nkeys, sizeof *l->ktypes);
    l->keyv = calloc((size_t)c->batch_size * s->nkeys, sizeof *l->keyv);
    l->joined = calloc(s->nleft + s->ndim, sizeof *l->joined);
    l->res = hf_batch_new(s->ndim, 1024);
    l->scratch = hf_batch_new(1, 1);
    if (!l->ktypes || !l->keyv || !l->joined || !l->res || !l->scratch) {
        lk_free(l);
        oom(err);
        return NULL;
    }
    for (uint32_t k = 0; k < s->nkeys; k++)
        l->ktypes[k] = s->dtypes[s->dkeys[k]];
    hf_lcache_init(&l->ans, 0, 0, 0, 0);
    l->cached = c->cache != HF_LCACHE_NONE;
    if (c->cache == HF_LCACHE_PARTIAL)
        hf_lcache_init(&l->cache, c->max_rows, c->max_bytes,
                       c->expire_write_ms, c->expire_access_ms);
    else
        hf_lcache_init(&l->cache, 0, c->max_bytes, 0, 0);
    struct hf_lookup_open_args a = {s->dkeys, s->nkeys, c, &s->stats.retries};
    if (l->conn->lookup_open(s->dim, &a, &l->cs, err) != 0) {
        l->cs = NULL;
        lk_free(l);
        return NULL;
    }
    if (c->cache == HF_LCACHE_FULL && full_load(l, err) != 0) {
        lk_free(l);
        return NULL;
    }
    return l;
}

void hf_lk_free(struct lk *l)
{
    lk_free(l);
}

static int lk_open(const struct hf_op_env *env, void **state,
                   struct hf_error *err)
{
    struct lk *l = hf_lk_new(env->node->spec, err);
    if (l == NULL)
        return -1;
    l->pool = env->pool;
    *state = l;
    return 0;
}

/* ------------------------------------------------------------ asking */

/* Receive the answer of the oldest request, whose keys are the input
 * rows miss[from, from + n) of batch b. */
static int take_answer(struct lk *l, const struct hf_batch *b, uint32_t from,
                       uint32_t n, struct hf_error *err)
{
    (void)b;
    const struct hf_lookup_spec *s = l->spec;
    hf_batch_reset(l->res);
    if (l->conn->lookup_recv(l->cs, l->res, err) < 0)
        return -1;
    if (group_rows(l, l->res, &l->ans, l->cached ? &l->cache : NULL, err) != 0)
        return -1;
    /* Keys without rows: an empty answer. */
    int64_t now = now_ms();
    uint32_t zero = 0;
    for (uint32_t j = from; j < from + n; j++) {
        uint32_t r = l->miss[j];
        const char *key = l->kbuf.data + l->koff[r];
        const struct hf_lcache_entry *e =
            hf_lcache_get(&l->ans, key, l->klen[r], now);
        if (e && e->vlen > 0)
            continue;
        if (hf_lcache_put(&l->ans, key, l->klen[r], &zero, sizeof zero, now) <
            0)
            return oom(err);
        if (l->cached && s->conf.cache_missing &&
            hf_lcache_put(&l->cache, key, l->klen[r], &zero, sizeof zero,
                          now) < 0)
            return oom(err);
    }
    return 0;
}

static int send_keys(struct lk *l, const struct hf_batch *b, uint32_t from,
                     uint32_t n, struct hf_error *err)
{
    const struct hf_lookup_spec *s = l->spec;
    for (uint32_t j = 0; j < n; j++) {
        const struct hf_value *row = hf_batch_row(b, l->miss[from + j]);
        for (uint32_t k = 0; k < s->nkeys; k++)
            l->keyv[(size_t)j * s->nkeys + k] = row[s->lkeys[k]];
    }
    atomic_fetch_add(&l->spec->stats.requests, 1);
    atomic_fetch_add(&l->spec->stats.keys_asked, n);
    return l->conn->lookup_send(l->cs, l->keyv, n, err);
}

static int ask(struct lk *l, const struct hf_batch *b, uint32_t nmiss,
               struct hf_error *err);
static int retry_misses(struct lk *l, const struct hf_batch *b,
                        uint32_t nmiss, struct hf_error *err);

/* Steps 1 and 2: every row's key answered in l->ans. */
static int resolve(struct lk *l, const struct hf_batch *b, struct hf_error *err)
{
    const struct hf_lookup_spec *s = l->spec;
    if (b->nrows > l->cap) {
        uint32_t cap = b->nrows;
        uint32_t *ko = realloc(l->koff, cap * sizeof *ko);
        if (ko)
            l->koff = ko;
        uint32_t *kl = realloc(l->klen, cap * sizeof *kl);
        if (kl)
            l->klen = kl;
        uint32_t *mi = realloc(l->miss, cap * sizeof *mi);
        if (mi)
            l->miss = mi;
        if (!ko || !kl || !mi)
            return oom(err);
        l->cap = cap;
    }
    hf_strbuf_reset(&l->kbuf);
    hf_lcache_clear(&l->ans);
    int64_t now = now_ms();
    if (s->conf.cache == HF_LCACHE_FULL && s->conf.reload_ms > 0 &&
        now - l->loaded_ms >= s->conf.reload_ms && full_load(l, err) != 0)
        return -1;
    uint32_t nmiss = 0;
    for (uint32_t i = 0; i < b->nrows; i++) {
        const struct hf_value *row = hf_batch_row(b, i);
        bool null = false;
        for (uint32_t k = 0; k < s->nkeys; k++)
            null |= row[s->lkeys[k]].null;
        if (null) {
            l->klen[i] = UINT32_MAX;
            continue;
        }
        l->koff[i] = (uint32_t)l->kbuf.len;
        hf_row_encode_cols(l->ktypes, s->lkeys, row, s->nkeys, &l->kbuf);
        if (!hf_strbuf_ok(&l->kbuf))
            return oom(err);
        l->klen[i] = (uint32_t)l->kbuf.len - l->koff[i];
        const char *key = l->kbuf.data + l->koff[i];
        uint64_t h0 = l->ans.hits;
        if (hf_lcache_get(&l->ans, key, l->klen[i], now))
            continue;
        (void)h0;
        if (l->cached) {
            const struct hf_lcache_entry *e =
                hf_lcache_get(&l->cache, key, l->klen[i], now);
            if (e == NULL && s->conf.cache == HF_LCACHE_FULL) {
                uint32_t zero = 0;
                if (hf_lcache_put(&l->ans, key, l->klen[i], &zero,
                                  sizeof zero, now) < 0)
                    return oom(err);
                continue;
            }
            if (e) {
                if (hf_lcache_put(&l->ans, key, l->klen[i], hf_lcache_val(e),
                                  e->vlen, now) < 0)
                    return oom(err);
                continue;
            }
        }
        /* Asked once per batch: a placeholder until the answer. */
        if (hf_lcache_put(&l->ans, key, l->klen[i], NULL, 0, now) < 0)
            return oom(err);
        l->miss[nmiss++] = i;
    }
    if (ask(l, b, nmiss, err) != 0)
        return -1;
    return retry_misses(l, b, nmiss, err);
}

/* Ask the keys of the input rows miss[0, nmiss) in requests of
 * lookup.read.batch-size keys, up to `depth` in flight; their answers go
 * to l->ans (and the cache). */
static int ask(struct lk *l, const struct hf_batch *b, uint32_t nmiss,
               struct hf_error *err)
{
    const struct hf_lookup_spec *s = l->spec;
    uint32_t bs = s->conf.batch_size;
    uint32_t depth = s->conf.async ? s->conf.queue_size : 1;
    if (depth < 1)
        depth = 1;
    uint32_t sent = 0, done = 0, inflight = 0;
    while (done < nmiss) {
        while (sent < nmiss && inflight < depth) {
            uint32_t n = nmiss - sent < bs ? nmiss - sent : bs;
            if (send_keys(l, b, sent, n, err) != 0)
                return -1;
            sent += n;
            inflight++;
        }
        uint32_t n = nmiss - done < bs ? nmiss - done : bs;
        if (take_answer(l, b, done, n, err) != 0)
            return -1;
        done += n;
        inflight--;
    }
    return 0;
}

/* The LOOKUP hint's retry on lookup_miss (fixed delay): the keys of
 * miss[0, nmiss) that the server answered with no row are asked again
 * after conf.retry_delay_ms, up to conf.retry_attempts times; each key
 * asked again counts as a retry. A cached "no row" answer is not asked
 * again (it was not asked of the server), as Flink's PARTIAL cache
 * answers before the retrying lookup function is called. */
static int retry_misses(struct lk *l, const struct hf_batch *b,
                        uint32_t nmiss, struct hf_error *err)
{
    struct hf_lookup_spec *s = l->spec;
    for (uint32_t attempt = 1;
         attempt <= s->conf.retry_attempts && nmiss > 0; attempt++) {
        int64_t now = now_ms();
        uint32_t nr = 0;
        for (uint32_t j = 0; j < nmiss; j++) {
            uint32_t r = l->miss[j];
            const struct hf_lcache_entry *e = hf_lcache_get(
                &l->ans, l->kbuf.data + l->koff[r], l->klen[r], now);
            uint32_t n = 0;
            if (e && e->vlen >= sizeof n)
                memcpy(&n, hf_lcache_val(e), sizeof n);
            if (n == 0)
                l->miss[nr++] = r;
        }
        nmiss = nr;
        if (nmiss == 0)
            break;
        hf_log_info("lookup table '%s': %u key(s) without a row; asking "
                    "again in %" PRId64 " ms (attempt %u of %u, LOOKUP "
                    "hint 'retry-predicate' = 'lookup_miss')",
                    s->dim->name, nmiss, s->conf.retry_delay_ms, attempt,
                    s->conf.retry_attempts);
        if (s->conf.retry_delay_ms > 0) {
            struct timespec ts = {
                (time_t)(s->conf.retry_delay_ms / 1000),
                (long)(s->conf.retry_delay_ms % 1000) * 1000000L};
            while (nanosleep(&ts, &ts) != 0)
                ;
        }
        atomic_fetch_add(&s->stats.retries, nmiss);
        now = now_ms();
        for (uint32_t j = 0; j < nmiss; j++) {
            uint32_t r = l->miss[j];
            if (hf_lcache_put(&l->ans, l->kbuf.data + l->koff[r], l->klen[r],
                              NULL, 0, now) < 0)
                return oom(err);
        }
        if (ask(l, b, nmiss, err) != 0)
            return -1;
    }
    return 0;
}

int hf_lk_resolve(struct lk *l, const struct hf_batch *b, struct hf_error *err)
{
    struct hf_lookup_spec *s = l->spec;
    atomic_fetch_add(&s->stats.rows_in, b->nrows);
    uint64_t h = l->cache.hits, m = l->cache.misses, ev = l->cache.evictions,
             ex = l->cache.expired;
    if (resolve(l, b, err) != 0)
        return -1;
    if (l->cached) {
        atomic_fetch_add(&s->stats.hits, l->cache.hits - h);
        atomic_fetch_add(&s->stats.misses, l->cache.misses - m);
        atomic_fetch_add(&s->stats.evictions, l->cache.evictions - ev);
        atomic_fetch_add(&s->stats.expired, l->cache.expired - ex);
        atomic_store(&s->stats.cached_keys, l->cache.n);
        atomic_store(&s->stats.cached_bytes, (uint64_t)l->cache.bytes);
    }
    return 0;
}

uint32_t hf_lk_answer(struct lk *l, uint32_t i, const void **rows,
                      size_t *len)
{
    *rows = NULL;
    *len = 0;
    if (l->klen[i] == UINT32_MAX)
        return 0;
    const struct hf_lcache_entry *e = hf_lcache_get(
        &l->ans, l->kbuf.data + l->koff[i], l->klen[i], now_ms());
    uint32_t n = 0;
    if (e == NULL || e->vlen < sizeof n)
        return 0;
    memcpy(&n, hf_lcache_val(e), sizeof n);
    *rows = hf_lcache_val(e) + sizeof n;
    *len = e->vlen - sizeof n;
    return n;
}

/* ------------------------------------------------------------ output */

static int emit_full(struct lk *l, struct hf_rbuf **r, struct hf_rbuf *in,
                     struct hf_op_out *out, struct hf_error *err)
{
    int rc = out->emit(out, *r, err);
    hf_rbuf_release(*r);
    *r = NULL;
    if (rc != 0)
        return -1;
    *r = hf_rbuf_get(l->pool, -1);
    if (*r == NULL)
        return -1;
    hf_rbuf_set_parent(*r, in);
    return 0;
}

static int lk_process(void *state, uint32_t input, struct hf_rbuf *in,
                      struct hf_op_out *out, struct hf_error *err)
{
    (void)input;
    struct lk *l = state;
    struct hf_lookup_spec *s = l->spec;
    const struct hf_batch *b = in->b;
    if (b->nrows == 0)
        return 0;
    if (hf_lk_resolve(l, b, err) != 0)
        return -1;
    struct hf_rbuf *r = hf_rbuf_get(l->pool, -1);
    if (r == NULL)
        return -1;
    hf_rbuf_set_parent(r, in);
    uint64_t nout = 0;
    int64_t now = now_ms();
    hf_batch_reset(l->scratch);
    for (uint32_t i = 0; i < b->nrows; i++) {
        const struct hf_value *irow = hf_batch_row(b, i);
        enum hf_rowkind kind = (enum hf_rowkind)b->kinds[i];
        uint32_t matched = 0;
        if (l->klen[i] != UINT32_MAX) {
            const struct hf_lcache_entry *e = hf_lcache_get(
                &l->ans, l->kbuf.data + l->koff[i], l->klen[i], now);
            uint32_t n = 0;
            const unsigned char *p = e ? hf_lcache_val(e) : NULL;
            size_t left = e ? e->vlen : 0;
            if (left >= sizeof n) {
                memcpy(&n, p, sizeof n);
                p += sizeof n;
                left -= sizeof n;
            }
            for (uint32_t k = 0; k < n; k++) {
                if (hf_batch_full(r->b) && emit_full(l, &r, in, out, err) != 0)
                    return -1;
                struct hf_value *o =
                    hf_batch_add_row(r->b, kind, b->origin[i]);
                if (o == NULL) {
                    hf_rbuf_release(r);
                    return oom(err);
                }
                memcpy(o, irow, s->nleft * sizeof *o);
                long used = hf_row_decode(s->dtypes, s->ndim, p, left,
                                          o + s->nleft, &r->b->arena, err);
                if (used < 0) {
                    hf_rbuf_release(r);
                    return -1;
                }
                p += used;
                left -= (size_t)used;
                if (s->cond) {
                    struct hf_value res;
                    if (hf_expr_eval(s->cond, o, l->scratch, &res, err) != 0) {
                        hf_rbuf_release(r);
                        return -1;
                    }
                    if (res.null || !res.v.b) {
                        hf_batch_drop_last(r->b);
                        continue;
                    }
                }
                matched++;
            }
        }
        if (matched == 0 && s->left) {
            if (hf_batch_full(r->b) && emit_full(l, &r, in, out, err) != 0)
                return -1;
            struct hf_value *o = hf_batch_add_row(r->b, kind, b->origin[i]);
            if (o == NULL) {
                hf_rbuf_release(r);
                return oom(err);
            }
            memcpy(o, irow, s->nleft * sizeof *o);
            matched = 1;
        }
        nout += matched;
    }
    atomic_fetch_add(&s->stats.rows_out, nout);
    int rc = r->b->nrows ? out->emit(out, r, err) : 0;
    hf_rbuf_release(r);
    return rc;
}

static void lk_close(void *state)
{
    lk_free(state);
}

static void lk_explain(const struct hf_node *n, struct hf_strbuf *out)
{
    const struct hf_lookup_spec *s = n->spec;
    hf_strbuf_puts(out, s->text);
}

static void lk_free_spec(void *spec)
{
    hf_lookup_spec_free(spec);
}

const struct hf_op_class hf_op_lookup_join = {
    .name = "lookup-join",
    .flags = 0,
    .explain = lk_explain,
    .free_spec = lk_free_spec,
    .open = lk_open,
    .process = lk_process,
    .close = lk_close,
};
