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
 * in flight (Flink's ORDERED output mode). The LOOKUP hint's retry on
 * lookup_miss waits on this thread without lookup.async (Flink's sync
 * retry sleeps too), per batch; with it, rows waiting to be asked again
 * are set aside and served by timers ("async retries" below), and
 * 'output-mode' allow_unordered lets +I rows go out ahead of them. A
 * row's 'timeout' spans its first request and its retries.
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
    /* Keys of one ask (their rows and key bytes). */
    struct askv *asks;
    uint32_t asks_cap;
    int64_t deadline; /* the connector's deadline (connector.h) */
    /* When resolve began with the current batch (CLOCK_MONOTONIC ms, and
     * the wall clock in µs): its rows' 'timeout' counts from there. */
    int64_t t0, wt0;
    int64_t dl_t0, dl_origin; /* whose l->deadline is (set_deadline) */
    /* Async retries (retry_misses' counterpart when lookup.async): keys
     * of this batch the server answered with no row, and the answers of
     * one round of asking again. */
    struct hf_lcache wset, rans;
    /* Rows held back, in input order (see "Async retries" below). */
    struct pend *head, *tail;
    uint64_t held_rows, held_bytes;
    const struct hf_type *ltypes; /* the input's column types (operator) */
    uint32_t nwaiting;
    int64_t wm_in; /* the last watermark come in (INT64_MIN: none) */
};

/* One key to ask: its row (the key values at spec->lkeys) and bytes. */
struct askv {
    const struct hf_value *row;
    const char *key;
    uint32_t klen;
};

/* A stretch of input rows held back (async retries): copies of the rows
 * in `rows` (their values own their strings, so the input batch goes
 * back to its pool at once), with their answers in `ans` (per row a
 * uint32 length, then the answer: uint32 count, then the encoded rows);
 * or one row waiting to ask its key again (`waiting`, its key in `key`).
 * `bytes`: what it holds, counted in l->held_bytes. */
struct pend {
    struct pend *next;
    struct hf_batch *rows;
    uint64_t bytes;
    bool waiting;
    bool insert_only; /* every row +I: may be overtaken / overtake */
    bool asked;       /* asked again in this round (serve) */
    uint32_t attempts; /* requests made for the waiting row so far */
    int64_t due, deadline; /* CLOCK_MONOTONIC ms */
    /* The same moments on the wall clock (µs since the epoch), fixed
     * when they are set: next_timer gives the same answer however often
     * it is asked, and on_timer serves what it said was due. */
    int64_t wdue, wdeadline;
    int64_t t0;     /* its first request (CLOCK_MONOTONIC ms) */
    int64_t origin; /* the input row's origin (batch.h), for messages */
    int64_t wm_before;     /* the watermark come in before these rows */
    struct hf_strbuf key, ans;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
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
    hf_lcache_free(&l->wset);
    hf_lcache_free(&l->rans);
    free(l->asks);
    free((void *)l->ltypes);
    while (l->head) {
        struct pend *e = l->head;
        l->head = e->next;
        hf_batch_destroy(e->rows);
        hf_strbuf_free(&e->key);
        hf_strbuf_free(&e->ans);
        free(e);
    }
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
    hf_lcache_init(&l->wset, 0, 0, 0, 0);
    l->wm_in = INT64_MIN;
    hf_lcache_init(&l->rans, 0, 0, 0, 0);
    l->cached = c->cache != HF_LCACHE_NONE;
    if (c->cache == HF_LCACHE_PARTIAL)
        hf_lcache_init(&l->cache, c->max_rows, c->max_bytes,
                       c->expire_write_ms, c->expire_access_ms);
    else
        hf_lcache_init(&l->cache, 0, c->max_bytes, 0, 0);
    struct hf_lookup_open_args a = {s->dkeys, s->nkeys, c, &s->stats.retries,
                                    &l->deadline};
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
    /* The output's first columns are the input's (join_row). */
    const struct hf_schema *sc = env->node->schema;
    if (sc == NULL || sc->ncols < l->spec->nleft) {
        hf_lk_free(l);
        return hf_error_set(err, HF_ERR_FAIL,
                            "internal: lookup join output narrower than "
                            "its input");
    }
    struct hf_type *lt = calloc(l->spec->nleft ? l->spec->nleft : 1,
                                sizeof *lt);
    if (lt == NULL) {
        hf_lk_free(l);
        return oom(err);
    }
    for (uint32_t c = 0; c < l->spec->nleft; c++)
        lt[c] = sc->cols[c].type;
    l->ltypes = lt;
    *state = l;
    return 0;
}

/* ------------------------------------------------------------ asking */

static void sleep_ms(int64_t ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* The connector's deadline (l->deadline) and whose it is: the row that
 * set it, for the message when it runs out. */
static void set_deadline(struct lk *l, int64_t deadline, int64_t t0,
                         int64_t origin)
{
    l->deadline = deadline;
    l->dl_t0 = t0;
    l->dl_origin = origin;
}

/* A request failed: when the deadline passed, say whose it was. */
static int deadline_failed(struct lk *l, struct hf_error *err)
{
    if (l->deadline <= 0 || now_ms() < l->deadline)
        return -1;
    char at[48] = "";
    if (l->dl_origin >= 0)
        snprintf(at, sizeof at, " (origin %" PRId64 ")", l->dl_origin);
    hf_error_prefix(err,
                    "the 'timeout' of %" PRId64 " ms of the oldest row "
                    "waited for%s ran out %" PRId64 " ms after its first "
                    "request: ",
                    l->spec->conf.timeout_ms, at, now_ms() - l->dl_t0);
    return -1;
}

static int add_ask(struct lk *l, uint32_t *n, const struct hf_value *row,
                   const char *key, uint32_t klen, struct hf_error *err)
{
    if (*n >= l->asks_cap) {
        uint32_t cap = l->asks_cap ? l->asks_cap * 2 : 256;
        struct askv *a = realloc(l->asks, cap * sizeof *a);
        if (a == NULL)
            return oom(err);
        l->asks = a;
        l->asks_cap = cap;
    }
    l->asks[(*n)++] = (struct askv){row, key, klen};
    return 0;
}

/* Receive the answer of the oldest request, whose keys are asks[from,
 * from + n), into `store` (and the cache). */
static int take_answer(struct lk *l, uint32_t from, uint32_t n,
                       struct hf_lcache *store, struct hf_error *err)
{
    const struct hf_lookup_spec *s = l->spec;
    hf_batch_reset(l->res);
    if (l->conn->lookup_recv(l->cs, l->res, err) < 0)
        return -1;
    if (group_rows(l, l->res, store, l->cached ? &l->cache : NULL, err) != 0)
        return -1;
    /* Keys without rows: an empty answer. */
    int64_t now = now_ms();
    uint32_t zero = 0;
    for (uint32_t j = from; j < from + n; j++) {
        const struct askv *v = &l->asks[j];
        const struct hf_lcache_entry *e =
            hf_lcache_get(store, v->key, v->klen, now);
        if (e && e->vlen > 0)
            continue;
        if (hf_lcache_put(store, v->key, v->klen, &zero, sizeof zero, now) <
            0)
            return oom(err);
        if (l->cached && s->conf.cache_missing &&
            hf_lcache_put(&l->cache, v->key, v->klen, &zero, sizeof zero,
                          now) < 0)
            return oom(err);
    }
    return 0;
}

static int send_keys(struct lk *l, uint32_t from, uint32_t n,
                     struct hf_error *err)
{
    const struct hf_lookup_spec *s = l->spec;
    for (uint32_t j = 0; j < n; j++) {
        const struct hf_value *row = l->asks[from + j].row;
        for (uint32_t k = 0; k < s->nkeys; k++)
            l->keyv[(size_t)j * s->nkeys + k] = row[s->lkeys[k]];
    }
    atomic_fetch_add(&l->spec->stats.requests, 1);
    atomic_fetch_add(&l->spec->stats.keys_asked, n);
    return l->conn->lookup_send(l->cs, l->keyv, n, err);
}

/* Ask the keys asks[0, n) (distinct) in requests of
 * lookup.read.batch-size keys, up to `depth` in flight; their answers go
 * to `store` (and the cache). l->deadline bounds the wait. */
static int ask(struct lk *l, uint32_t n, struct hf_lcache *store,
               struct hf_error *err)
{
    const struct hf_lookup_spec *s = l->spec;
    uint32_t bs = s->conf.batch_size;
    uint32_t depth = s->conf.async ? s->conf.queue_size : 1;
    if (depth < 1)
        depth = 1;
    uint32_t sent = 0, done = 0, inflight = 0;
    while (done < n) {
        while (sent < n && inflight < depth) {
            uint32_t m = n - sent < bs ? n - sent : bs;
            if (send_keys(l, sent, m, err) != 0)
                return -1;
            sent += m;
            inflight++;
        }
        uint32_t m = n - done < bs ? n - done : bs;
        if (take_answer(l, done, m, store, err) != 0)
            return deadline_failed(l, err);
        done += m;
        inflight--;
    }
    return 0;
}

/* The count of rows of an answer value (0: none). */
static uint32_t answer_count(const struct hf_lcache_entry *e)
{
    uint32_t n = 0;
    if (e && e->vlen >= sizeof n)
        memcpy(&n, hf_lcache_val(e), sizeof n);
    return n;
}

/* The 'timeout' of a row that waits for a row ran out: `t0` is its
 * first request, `origin` its input row's origin (-1: unknown), and
 * `attempts` the requests made for it. */
static int timeout_error(struct lk *l, uint32_t nkeys, uint32_t attempts,
                         int64_t t0, int64_t origin, struct hf_error *err)
{
    char at[48] = "";
    if (origin >= 0)
        snprintf(at, sizeof at, " (origin %" PRId64 ")", origin);
    return hf_error_set(err, HF_ERR_IO,
                        "lookup table '%s': %u key(s) still without a row; "
                        "the oldest waiting row%s got no row in %u "
                        "request(s) and its 'timeout' of %" PRId64
                        " ms ran out %" PRId64 " ms after its first request "
                        "(the LOOKUP hint's 'timeout', else "
                        "table.exec.async-lookup.timeout, counted from a "
                        "row's first request through its retries); the job "
                        "fails, as Flink's does",
                        l->spec->dim->name, nkeys, at, attempts,
                        l->spec->conf.timeout_ms, now_ms() - t0);
}

static void log_retry(struct lk *l, uint32_t nkeys, uint32_t attempt)
{
    const struct hf_lookup_spec *s = l->spec;
    hf_log_info("lookup table '%s': %u key(s) without a row; asking "
                "again in %" PRId64 " ms (attempt %u of %u, LOOKUP "
                "hint 'retry-predicate' = 'lookup_miss')",
                s->dim->name, nkeys, s->conf.retry_delay_ms, attempt,
                s->conf.retry_attempts);
}

/* The LOOKUP hint's retry on lookup_miss (fixed delay), waiting on the
 * join's thread as Flink's synchronous retry does (its lookup function
 * sleeps between attempts): the keys of miss[0, nmiss) that the server
 * answered with no row are asked again after conf.retry_delay_ms, up to
 * conf.retry_attempts times; each key asked again counts as a retry. A
 * cached "no row" answer is not asked again (it was not asked of the
 * server), as Flink's PARTIAL cache answers before the retrying lookup
 * function is called. 'timeout' bounds each request here, not the
 * retries (Flink's synchronous lookup has no timeout; holoflow keeps
 * the one it had per request). */
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
            if (answer_count(hf_lcache_get(&l->ans,
                                           l->kbuf.data + l->koff[r],
                                           l->klen[r], now)) == 0)
                l->miss[nr++] = r;
        }
        nmiss = nr;
        if (nmiss == 0)
            break;
        log_retry(l, nmiss, attempt);
        sleep_ms(s->conf.retry_delay_ms);
        atomic_fetch_add(&s->stats.retries, nmiss);
        now = now_ms();
        uint32_t na = 0;
        for (uint32_t j = 0; j < nmiss; j++) {
            uint32_t r = l->miss[j];
            if (hf_lcache_put(&l->ans, l->kbuf.data + l->koff[r], l->klen[r],
                              NULL, 0, now) < 0 ||
                add_ask(l, &na, hf_batch_row(b, r), l->kbuf.data + l->koff[r],
                        l->klen[r], err) != 0)
                return oom(err);
        }
        set_deadline(l, 0, 0, -1); /* per request (the connector's) */
        if (ask(l, na, &l->ans, err) != 0)
            return -1;
    }
    return 0;
}

/* The waiting row whose deadline comes first, or NULL. */
static const struct pend *waiting_oldest(const struct lk *l)
{
    const struct pend *o = NULL;
    for (const struct pend *e = l->head; e; e = e->next)
        if (e->waiting && (o == NULL || e->deadline < o->deadline))
            o = e;
    return o;
}

/* Steps 1 and 2: every row's key answered in l->ans. With `wait_retries`
 * the keys the server had no row for are asked again here (sync), else
 * they are left in l->wset for the async retries. */
static int resolve(struct lk *l, const struct hf_batch *b, bool wait_retries,
                   struct hf_error *err)
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
    hf_lcache_clear(&l->wset);
    int64_t now = now_ms();
    /* A row's 'timeout' counts from here (Flink: from processElement). */
    l->t0 = now;
    l->wt0 = wall_us();
    int64_t deadline = now + s->conf.timeout_ms;
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
        if (hf_lcache_get(&l->ans, key, l->klen[i], now))
            continue;
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
    /* kbuf is complete: the key pointers stay valid. */
    uint32_t na = 0;
    for (uint32_t j = 0; j < nmiss; j++) {
        uint32_t r = l->miss[j];
        if (add_ask(l, &na, hf_batch_row(b, r), l->kbuf.data + l->koff[r],
                    l->klen[r], err) != 0)
            return -1;
    }
    /* Async: the rows' deadline spans their requests (and retries);
     * sync: 'timeout' bounds each request (the connector's). */
    const struct pend *o = waiting_oldest(l);
    if (!s->conf.async)
        set_deadline(l, 0, 0, -1);
    else if (o && o->deadline < deadline)
        set_deadline(l, o->deadline, o->t0, o->origin);
    else
        set_deadline(l, deadline, now, -1);
    if (ask(l, na, &l->ans, err) != 0)
        return -1;
    if (s->conf.retry_attempts == 0)
        return 0;
    if (wait_retries)
        return retry_misses(l, b, nmiss, err);
    now = now_ms();
    for (uint32_t j = 0; j < nmiss; j++) {
        uint32_t r = l->miss[j];
        const char *key = l->kbuf.data + l->koff[r];
        if (answer_count(hf_lcache_get(&l->ans, key, l->klen[r], now)) == 0 &&
            hf_lcache_put(&l->wset, key, l->klen[r], NULL, 0, now) < 0)
            return oom(err);
    }
    return 0;
}

static void cache_stats(struct lk *l, uint64_t h, uint64_t m, uint64_t ev,
                        uint64_t ex)
{
    struct hf_lookup_spec *s = l->spec;
    if (!l->cached)
        return;
    atomic_fetch_add(&s->stats.hits, l->cache.hits - h);
    atomic_fetch_add(&s->stats.misses, l->cache.misses - m);
    atomic_fetch_add(&s->stats.evictions, l->cache.evictions - ev);
    atomic_fetch_add(&s->stats.expired, l->cache.expired - ex);
    atomic_store(&s->stats.cached_keys, l->cache.n);
    atomic_store(&s->stats.cached_bytes, (uint64_t)l->cache.bytes);
}

int hf_lk_resolve(struct lk *l, const struct hf_batch *b, struct hf_error *err)
{
    struct hf_lookup_spec *s = l->spec;
    atomic_fetch_add(&s->stats.rows_in, b->nrows);
    uint64_t h = l->cache.hits, m = l->cache.misses, ev = l->cache.evictions,
             ex = l->cache.expired;
    if (resolve(l, b, true, err) != 0)
        return -1;
    cache_stats(l, h, m, ev, ex);
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
    /* `in` NULL: the rows are copies (held rows), no parent. */
    int rc = out->emit(out, *r, err);
    hf_rbuf_release(*r);
    *r = NULL;
    if (rc != 0)
        return -1;
    *r = hf_rbuf_get(l->pool, -1);
    if (*r == NULL)
        return -1;
    if (in)
        hf_rbuf_set_parent(*r, in);
    return 0;
}

/* The input row's values into o: borrowed from the input batch (the
 * output's parent), or copied into the output when `in` is NULL (held
 * rows, whose copies are freed once out). */
static int left_values(struct lk *l, struct hf_rbuf *r, struct hf_rbuf *in,
                       struct hf_value *o, const struct hf_value *irow,
                       struct hf_error *err)
{
    memcpy(o, irow, l->spec->nleft * sizeof *o);
    if (in)
        return 0;
    for (uint32_t c = 0; c < l->spec->nleft; c++)
        if (hf_value_copy(&r->b->arena, &l->ltypes[c], &o[c], &irow[c],
                          false) < 0)
            return oom(err);
    return 0;
}

/* Step 3 for row i of `b` (of the input batch `in`, or held when `in` is
 * NULL), whose answer is p[0, left) (a count, then the encoded rows;
 * NULL: no match): its joined rows into *r (emitted when full). The
 * number of rows out, or -1 (*r released). */
static long join_row(struct lk *l, struct hf_rbuf **r, struct hf_rbuf *in,
                     const struct hf_batch *b, uint32_t i,
                     const unsigned char *p, size_t left,
                     struct hf_op_out *out, struct hf_error *err)
{
    const struct hf_lookup_spec *s = l->spec;
    const struct hf_value *irow = hf_batch_row(b, i);
    enum hf_rowkind kind = (enum hf_rowkind)b->kinds[i];
    uint32_t matched = 0, n = 0;
    if (p && left >= sizeof n) {
        memcpy(&n, p, sizeof n);
        p += sizeof n;
        left -= sizeof n;
    }
    for (uint32_t k = 0; k < n; k++) {
        if (hf_batch_full((*r)->b) && emit_full(l, r, in, out, err) != 0)
            return -1;
        struct hf_value *o = hf_batch_add_row((*r)->b, kind, b->origin[i]);
        if (o == NULL)
            return oom(err);
        if (left_values(l, *r, in, o, irow, err) != 0)
            return -1;
        long used = hf_row_decode(s->dtypes, s->ndim, p, left, o + s->nleft,
                                  &(*r)->b->arena, err);
        if (used < 0)
            return -1;
        p += used;
        left -= (size_t)used;
        if (s->cond) {
            struct hf_value res;
            if (hf_expr_eval(s->cond, o, l->scratch, &res, err) != 0)
                return -1;
            if (res.null || !res.v.b) {
                hf_batch_drop_last((*r)->b);
                continue;
            }
        }
        matched++;
    }
    if (matched == 0 && s->left) {
        if (hf_batch_full((*r)->b) && emit_full(l, r, in, out, err) != 0)
            return -1;
        struct hf_value *o = hf_batch_add_row((*r)->b, kind, b->origin[i]);
        if (o == NULL)
            return oom(err);
        if (left_values(l, *r, in, o, irow, err) != 0)
            return -1;
        matched = 1;
    }
    return matched;
}

/* The answer of row i of the current batch (in l->ans), or NULL. */
static const struct hf_lcache_entry *row_answer(struct lk *l, uint32_t i,
                                                int64_t now)
{
    if (l->klen[i] == UINT32_MAX)
        return NULL;
    return hf_lcache_get(&l->ans, l->kbuf.data + l->koff[i], l->klen[i], now);
}

/* Rows [from, to) out, joined: of the input batch `in` with answers
 * from l->ans when `e` is NULL, else of the held stretch e (its copies,
 * its answers). */
static int emit_rows(struct lk *l, struct hf_rbuf *in, uint32_t from,
                     uint32_t to, const struct pend *e,
                     struct hf_op_out *out, struct hf_error *err)
{
    const struct hf_batch *b = e ? e->rows : in->b;
    if (e)
        in = NULL;
    struct hf_rbuf *r = hf_rbuf_get(l->pool, -1);
    if (r == NULL)
        return -1;
    if (in)
        hf_rbuf_set_parent(r, in);
    uint64_t nout = 0;
    int64_t now = now_ms();
    hf_batch_reset(l->scratch);
    size_t off = 0;
    for (uint32_t i = from; i < to; i++) {
        const unsigned char *p = NULL;
        size_t len = 0;
        if (e == NULL) {
            const struct hf_lcache_entry *a = row_answer(l, i, now);
            if (a) {
                p = hf_lcache_val(a);
                len = a->vlen;
            }
        } else {
            uint32_t n;
            memcpy(&n, e->ans.data + off, sizeof n);
            off += sizeof n;
            p = n ? (const unsigned char *)e->ans.data + off : NULL;
            len = n;
            off += n;
        }
        long m = join_row(l, &r, in, b, i, p, len, out, err);
        if (m < 0) {
            if (r)
                hf_rbuf_release(r);
            return -1;
        }
        nout += (uint64_t)m;
    }
    atomic_fetch_add(&l->spec->stats.rows_out, nout);
    int rc = r->b->nrows ? out->emit(out, r, err) : 0;
    hf_rbuf_release(r);
    return rc;
}

/* ------------------------------------------------------------ async retries
 *
 * With lookup.async (or the hint's 'async' = 'true') a row whose key the
 * server answered with no row waits to be asked again without holding
 * the join, as Flink's AsyncWaitOperator re-fires a retry from a timer:
 * the row is held back in l->head (a `pend`, due conf.retry_delay_ms
 * later) and the join goes on with the next input. Rows behind it are
 * held too (stretches with their answers), and go out when the rows
 * before them have: 'output-mode' 'ordered' keeps the input order; with
 * 'allow_unordered' a stretch of +I rows goes out at once, ahead of
 * waiting +I rows (any other row kind keeps its place, as Flink uses
 * the unordered mode only where the order does not change the result).
 * next_timer/on_timer ask the due keys again (each key once however many
 * rows wait for it), each round in requests as usual; a row whose answer
 * has rows, or whose attempts are done, becomes a stretch of one row.
 * A row's deadline, its first request plus 'timeout', spans all of its
 * attempts: a row still waiting when it passes fails the job (Flink's
 * default AsyncFunction#timeout completes the row with a
 * TimeoutException), as does a request unanswered then (the connector's
 * deadline is the earliest of the rows waited for). The rows held are
 * copies (pend_add_row): the input batch goes back to its pool at once,
 * so rows waiting do not hold the source's few buffers. They are bounded
 * by the in-flight capacity (queue_size x batch_size rows) and by
 * HELD_BYTES_MAX: at a bound, the join waits for the oldest retries. A watermark is held
 * behind the rows set aside (lk_watermark_out). A checkpoint
 * barrier and the end of the input wait for every held row to go out
 * (holoflow keeps no state for them). */

/* The bytes of rows set aside (their copies and answers) past which the
 * join waits for the oldest retries, whatever the row bound. */
#define HELD_BYTES_MAX ((uint64_t)64 << 20)

static void pend_free(struct pend *e)
{
    hf_batch_destroy(e->rows);
    hf_strbuf_free(&e->key);
    hf_strbuf_free(&e->ans);
    free(e);
}

static struct pend *pend_new(struct lk *l)
{
    struct pend *e = calloc(1, sizeof *e);
    if (e == NULL)
        return NULL;
    e->rows = hf_batch_new(l->spec->nleft, 16);
    if (e->rows == NULL) {
        free(e);
        return NULL;
    }
    e->insert_only = true;
    e->wm_before = l->wm_in;
    hf_strbuf_init(&e->key, 0);
    hf_strbuf_init(&e->ans, 0);
    if (l->tail)
        l->tail->next = e;
    else
        l->head = e;
    l->tail = e;
    return e;
}

static int pend_put_answer(struct lk *l, struct pend *e,
                           const struct hf_lcache_entry *a)
{
    uint32_t n = a ? a->vlen : 0;
    hf_strbuf_append(&e->ans, &n, sizeof n);
    if (n)
        hf_strbuf_append(&e->ans, hf_lcache_val(a), n);
    e->bytes += sizeof n + n;
    l->held_bytes += sizeof n + n;
    return hf_strbuf_ok(&e->ans) ? 0 : -1;
}

/* Row i of `b` copied into e (the input batch is not kept). */
static int pend_add_row(struct lk *l, struct pend *e, const struct hf_batch *b,
                        uint32_t i)
{
    struct hf_value *o =
        hf_batch_add_row(e->rows, (enum hf_rowkind)b->kinds[i], b->origin[i]);
    if (o == NULL)
        return -1;
    const struct hf_value *row = hf_batch_row(b, i);
    uint64_t bytes = l->spec->nleft * sizeof *o;
    for (uint32_t c = 0; c < l->spec->nleft; c++) {
        long n = hf_value_copy(&e->rows->arena, &l->ltypes[c], &o[c], &row[c],
                               false);
        if (n < 0)
            return -1;
        bytes += (uint64_t)n;
    }
    e->insert_only &= b->kinds[i] == HF_ROW_INSERT;
    e->bytes += bytes;
    l->held_bytes += bytes;
    l->held_rows++;
    return 0;
}

/* Emit what may go out: the head when it is answered, and with
 * allow_unordered any answered +I stretch that only waiting +I rows
 * precede. */
static int drain(struct lk *l, struct hf_op_out *out, struct hf_error *err)
{
    bool pass = true;
    struct pend *prev = NULL, *e = l->head;
    while (e) {
        bool go = !e->waiting &&
                  (prev == NULL ||
                   (l->spec->conf.unordered && pass && e->insert_only));
        if (!go) {
            if (!e->waiting && !l->spec->conf.unordered)
                break;
            pass &= e->insert_only && e->waiting;
            prev = e;
            e = e->next;
            continue;
        }
        struct pend *next = e->next;
        if (prev)
            prev->next = next;
        else
            l->head = next;
        if (l->tail == e)
            l->tail = prev;
        l->held_rows -= e->rows->nrows;
        l->held_bytes -= e->bytes;
        int rc = emit_rows(l, NULL, 0, e->rows->nrows, e, out, err);
        pend_free(e);
        if (rc != 0)
            return -1;
        e = next;
    }
    return 0;
}

/* Ask again the keys of the waiting rows due at `now` (or, for a timer,
 * at the wall clock `wall`; INT64_MIN: none); fail when a row's
 * deadline has passed. */
static int serve(struct lk *l, int64_t wall, struct hf_op_out *out,
                 struct hf_error *err)
{
    struct hf_lookup_spec *s = l->spec;
    if (l->nwaiting == 0)
        return 0;
    int64_t now = now_ms();
    uint32_t late = 0;
    const struct pend *oldest = NULL;
    for (struct pend *e = l->head; e; e = e->next)
        if (e->waiting && (e->deadline <= now || e->wdeadline <= wall)) {
            late++;
            if (oldest == NULL || e->t0 < oldest->t0)
                oldest = e;
        }
    if (late)
        return timeout_error(l, late, oldest->attempts, oldest->t0,
                             oldest->origin, err);
    hf_lcache_clear(&l->rans);
    uint32_t na = 0;
    for (struct pend *e = l->head; e; e = e->next) {
        e->asked = e->waiting && (e->due <= now || e->wdue <= wall);
        if (!e->asked)
            continue;
        const char *key = e->key.data;
        uint32_t klen = (uint32_t)e->key.len;
        if (hf_lcache_get(&l->rans, key, klen, now))
            continue;
        if (hf_lcache_put(&l->rans, key, klen, NULL, 0, now) < 0 ||
            add_ask(l, &na, hf_batch_row(e->rows, 0), key, klen,
                    err) != 0)
            return oom(err);
    }
    if (na == 0)
        return 0;
    atomic_fetch_add(&s->stats.retries, na);
    uint64_t h = l->cache.hits, m = l->cache.misses, ev = l->cache.evictions,
             ex = l->cache.expired;
    const struct pend *o = waiting_oldest(l);
    set_deadline(l, o->deadline, o->t0, o->origin);
    if (ask(l, na, &l->rans, err) != 0)
        return -1;
    cache_stats(l, h, m, ev, ex);
    now = now_ms();
    uint32_t again = 0, attempt = 0;
    hf_lcache_clear(&l->wset);
    for (struct pend *e = l->head; e; e = e->next) {
        if (!e->waiting || !e->asked)
            continue;
        const struct hf_lcache_entry *a = hf_lcache_get(
            &l->rans, e->key.data, (uint32_t)e->key.len, now);
        if (a == NULL || a->vlen == 0)
            continue; /* not asked in this round */
        e->attempts++;
        if (answer_count(a) > 0 || e->attempts > s->conf.retry_attempts) {
            if (pend_put_answer(l, e, a) != 0)
                return oom(err);
            e->waiting = false;
            l->nwaiting--;
            continue;
        }
        e->due = now + s->conf.retry_delay_ms;
        e->wdue = wall_us() + s->conf.retry_delay_ms * 1000;
        if (!hf_lcache_get(&l->wset, e->key.data, (uint32_t)e->key.len,
                           now)) {
            if (hf_lcache_put(&l->wset, e->key.data, (uint32_t)e->key.len,
                              NULL, 0, now) < 0)
                return oom(err);
            again++;
            attempt = e->attempts;
        }
    }
    if (again)
        log_retry(l, again, attempt);
    return drain(l, out, err);
}

/* The next moment the waiting rows need (CLOCK_MONOTONIC ms), or
 * INT64_MAX. */
static int64_t next_due(const struct lk *l)
{
    int64_t t = INT64_MAX;
    for (const struct pend *e = l->head; e; e = e->next)
        if (e->waiting) {
            if (e->due < t)
                t = e->due;
            if (e->deadline < t)
                t = e->deadline;
        }
    return t;
}

/* Serve the retries, waiting on this thread, until at most `rows` rows
 * and `bytes` bytes are held (0: none). */
static int wait_until_held(struct lk *l, uint64_t rows, uint64_t bytes,
                           struct hf_op_out *out, struct hf_error *err)
{
    while ((l->held_rows > rows || l->held_bytes > bytes) &&
           l->nwaiting > 0) {
        /* In slices, to stop when the job fails or is cancelled. */
        int64_t left = next_due(l) - now_ms();
        if (l->pool && hf_rbuf_pool_aborted(l->pool))
            return hf_error_set(err, HF_ERR_FAIL,
                                "lookup table '%s': the job stopped while "
                                "rows waited to be asked again",
                                l->spec->dim->name);
        if (left > 0) {
            sleep_ms(left < 50 ? left : 50);
            continue;
        }
        if (serve(l, INT64_MIN, out, err) != 0)
            return -1;
    }
    return l->held_rows > rows || l->held_bytes > bytes ? drain(l, out, err)
                                                        : 0;
}

/* The batch `in`, resolved without waiting for retries, out or held. */
static int process_async(struct lk *l, struct hf_rbuf *in,
                         struct hf_op_out *out, struct hf_error *err)
{
    struct hf_lookup_spec *s = l->spec;
    const struct hf_batch *b = in->b;
    if (serve(l, INT64_MIN, out, err) != 0)
        return -1;
    atomic_fetch_add(&s->stats.rows_in, b->nrows);
    uint64_t h = l->cache.hits, m = l->cache.misses, ev = l->cache.evictions,
             ex = l->cache.expired;
    if (resolve(l, b, false, err) != 0)
        return -1;
    cache_stats(l, h, m, ev, ex);
    int64_t now = now_ms();
    if (l->head == NULL && l->wset.n == 0)
        return emit_rows(l, in, 0, b->nrows, NULL, out, err);
    /* The deadline counts from before the first request (resolve). */
    int64_t deadline = l->t0 + s->conf.timeout_ms, wnow = wall_us();
    struct pend *run = NULL;
    for (uint32_t i = 0; i < b->nrows; i++) {
        bool wait = l->klen[i] != UINT32_MAX &&
                    hf_lcache_get(&l->wset, l->kbuf.data + l->koff[i],
                                  l->klen[i], now) != NULL;
        if (wait) {
            struct pend *e = pend_new(l);
            if (e == NULL || pend_add_row(l, e, b, i) != 0)
                return oom(err);
            e->waiting = true;
            e->attempts = 1;
            e->due = now + s->conf.retry_delay_ms;
            e->deadline = deadline;
            e->wdue = wnow + s->conf.retry_delay_ms * 1000;
            e->wdeadline = l->wt0 + s->conf.timeout_ms * 1000;
            e->t0 = l->t0;
            e->origin = b->origin[i];
            hf_strbuf_append(&e->key, l->kbuf.data + l->koff[i], l->klen[i]);
            if (!hf_strbuf_ok(&e->key))
                return oom(err);
            e->bytes += e->key.len;
            l->held_bytes += e->key.len;
            l->nwaiting++;
            run = NULL;
            continue;
        }
        if (run == NULL && (run = pend_new(l)) == NULL)
            return oom(err);
        if (pend_add_row(l, run, b, i) != 0 ||
            pend_put_answer(l, run, row_answer(l, i, now)) != 0)
            return oom(err);
    }
    if (l->wset.n)
        log_retry(l, (uint32_t)l->wset.n, 1);
    if (drain(l, out, err) != 0)
        return -1;
    uint64_t cap = (uint64_t)s->conf.queue_size * s->conf.batch_size;
    return wait_until_held(l, cap > b->nrows ? cap : b->nrows, HELD_BYTES_MAX,
                           out, err);
}

static int lk_process(void *state, uint32_t input, struct hf_rbuf *in,
                      struct hf_op_out *out, struct hf_error *err)
{
    (void)input;
    struct lk *l = state;
    const struct hf_batch *b = in->b;
    if (b->nrows == 0)
        return 0;
    if (l->spec->conf.async && l->spec->conf.retry_attempts > 0)
        return process_async(l, in, out, err);
    if (hf_lk_resolve(l, b, err) != 0)
        return -1;
    return emit_rows(l, in, 0, b->nrows, NULL, out, err);
}

/* A barrier or the end of the input: every held row out first. */
static int lk_snapshot(void *state, uint64_t id, struct hf_op_out *out,
                       struct hf_error *err)
{
    (void)id;
    return wait_until_held(state, 0, 0, out, err);
}

static int lk_end_input(void *state, uint32_t input, struct hf_op_out *out,
                        struct hf_error *err)
{
    (void)input;
    return wait_until_held(state, 0, 0, out, err);
}

/* The wall-clock moments fixed when the rows were set aside or last
 * asked (the same answer every call: the runtime asks twice). */
static int64_t lk_next_timer(void *state)
{
    struct lk *l = state;
    int64_t t = INT64_MAX;
    for (const struct pend *e = l->head; e; e = e->next)
        if (e->waiting) {
            if (e->wdue < t)
                t = e->wdue;
            if (e->wdeadline < t)
                t = e->wdeadline;
        }
    return t;
}

/* Event time: a watermark does not pass rows set aside (they would be
 * late downstream); it is held at the one come in before the oldest of
 * them, as Flink's async queue keeps a watermark behind the rows before
 * it. The final one (INT64_MAX, a bounded source's end) is held too;
 * the runtime asks again after the rows go out (op.h) and forwards the
 * watermark released then. */
static int64_t lk_watermark_out(void *state, int64_t wm)
{
    struct lk *l = state;
    l->wm_in = wm;
    return l->head ? l->head->wm_before : wm;
}

static int lk_on_timer(void *state, int64_t now, struct hf_op_out *out,
                       struct hf_error *err)
{
    return serve(state, now, out, err);
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
    .snapshot = lk_snapshot,
    .end_input = lk_end_input,
    .watermark_out = lk_watermark_out,
    .next_timer = lk_next_timer,
    .on_timer = lk_on_timer,
    .close = lk_close,
};
