/*
 * session_agg.c - the session window aggregate: per group key, rows whose
 * windows [ts, ts + gap) touch or overlap merge into one session; each
 * session's aggregate calls are emitted once, as +I, when the watermark
 * (or, in processing time, the progress marks of the window TVF that
 * stamped the rows, op.h proc_progress) passes the session's end - 1 ms.
 * Flink's legacy GROUP BY SESSION(ts, gap) and the SESSION window table
 * function (reference flink-stateful-sql.md §3.2, §3.3).
 *
 * Input: rows whose own window is already assigned by the window TVF node
 * in front (window_tvf.c with HF_WIN_SESSION: window_start = ts,
 * window_end = ts + gap), so the spec is the window aggregate's
 * (ops/window_agg.h) and so is the output row. Merging follows Flink's
 * TimeWindow: two windows merge when start1 <= end2 and end1 >= start2
 * (windows that only touch merge too), and a new row may bridge two
 * sessions into one; the accumulators merge with hf_agg_acc_merge.
 *
 * Late rows: a row is dropped (and counted) when the session it ends up
 * in would already have fired: merged end - 1 ms <= watermark (Flink's
 * WindowOperator.isWindowLate with no allowed lateness). A row that joins
 * a pending session is never late.
 *
 * State (env->open_state, "session"): key = the group key
 * (core/rowcodec.h); value = u32 count, then per session i64 start, i64
 * end, u32 length and the calls' accumulators (hf_agg_acc_save), all
 * little endian. Timers: an in-memory min-heap of (end, group key),
 * rebuilt from the state at open (a restored checkpoint); a timer fires
 * the key's session ending exactly there, so sessions fire in end order
 * as Flink's timers do. A session that grows leaves its old timer behind;
 * popping it finds no session ending there and does nothing. The heap is
 * rebuilt from the state when such stale entries outnumber the live sessions.
 *
 * Output rows, the late count and its log are window_emit.c's, shared
 * with window_agg.c.
 *
 * Parallel (route_key): keyed by the group key, one instance per key
 * group range at parallelism.default > 1, each with the timers of its own
 * keys (rebuilt at open from the key groups it owns, so a checkpoint
 * restores at another parallelism); every instance sees every watermark.
 *
 * Ownership: the operator owns its buffers and heap; the spec belongs to
 * the graph.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/rowcodec.h"
#include "ops/window_agg.h"
#include "ops/window_emit.h"
#include "state/state.h"

#define KEY_MAX (1u << 20)
#define MS HF_WIN_MS

struct timer {
    int64_t end;
    uint8_t *key;
    uint32_t klen;
};

/* One session of a key, pointing into the decoded state value. */
struct sess {
    int64_t start, end;
    const uint8_t *acc; /* saved accumulators */
    uint32_t acclen;
    bool merged; /* folded into the row's session */
};

struct sagg {
    struct hf_win_emit e; /* first: window_emit.c's callbacks take the
                             state as theirs (spec, uid, output, late) */
    const struct hf_window_agg_spec *s;
    const char *uid;
    struct hf_state *st;
    struct hf_agg_acc *accs, *tmp; /* the session being built; scratch */
    struct hf_strbuf kbuf, vbuf, old, accbuf;
    struct sess *sess;
    uint32_t scap;
    struct timer *heap;
    uint32_t nheap, hcap;
    uint64_t live; /* sessions in the state */
};

/* When sessions fire: window_emit.c calls these back (below). */
static int fire_until(void *state, int64_t t, struct hf_op_out *out,
                      struct hf_error *err);

static int oom(struct hf_error *err)
{
    return hf_error_set(err, HF_ERR_NOMEM,
                        "session window aggregate: out of memory");
}

static void put_u32(struct hf_strbuf *b, uint32_t v)
{
    uint8_t p[4];
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
    hf_strbuf_append(b, p, 4);
}

static void put_i64(struct hf_strbuf *b, int64_t v)
{
    uint8_t p[8];
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)((uint64_t)v >> (8 * i));
    hf_strbuf_append(b, p, 8);
}

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static int64_t get_i64(const uint8_t *p)
{
    uint64_t u = 0;
    for (int i = 7; i >= 0; i--)
        u = u << 8 | p[i];
    return (int64_t)u;
}

/* ------------------------------------------------------------ timers */

static int heap_push(struct sagg *g, int64_t end, const void *key,
                     uint32_t klen, struct hf_error *err)
{
    if (g->nheap == g->hcap) {
        uint32_t nc = g->hcap ? g->hcap * 2 : 256;
        struct timer *h = realloc(g->heap, nc * sizeof *h);
        if (h == NULL)
            return oom(err);
        g->heap = h;
        g->hcap = nc;
    }
    uint8_t *k = malloc(klen ? klen : 1);
    if (k == NULL)
        return oom(err);
    memcpy(k, key, klen);
    uint32_t i = g->nheap++;
    while (i > 0 && g->heap[(i - 1) / 2].end > end) {
        g->heap[i] = g->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    g->heap[i] = (struct timer){.end = end, .key = k, .klen = klen};
    return 0;
}

/* Remove the earliest timer into *t (its key is the caller's to free). */
static void heap_pop(struct sagg *g, struct timer *t)
{
    *t = g->heap[0];
    struct timer last = g->heap[--g->nheap];
    uint32_t i = 0;
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= g->nheap)
            break;
        if (c + 1 < g->nheap && g->heap[c + 1].end < g->heap[c].end)
            c++;
        if (g->heap[c].end >= last.end)
            break;
        g->heap[i] = g->heap[c];
        i = c;
    }
    if (g->nheap > 0)
        g->heap[i] = last;
}

static void heap_clear(struct sagg *g)
{
    for (uint32_t i = 0; i < g->nheap; i++)
        free(g->heap[i].key);
    g->nheap = 0;
}

/* Decode the state value v into g->sess; the number of sessions, or -1. */
static long decode(struct sagg *g, const uint8_t *v, size_t vl,
                   struct hf_error *err)
{
    if (vl < 4)
        goto bad;
    uint32_t n = get_u32(v);
    if (n > g->scap) {
        struct sess *s = realloc(g->sess, n * sizeof *s);
        if (s == NULL)
            return oom(err);
        g->sess = s;
        g->scap = n;
    }
    size_t off = 4;
    for (uint32_t i = 0; i < n; i++) {
        if (vl - off < 20)
            goto bad;
        struct sess *s = &g->sess[i];
        s->start = get_i64(v + off);
        s->end = get_i64(v + off + 8);
        s->acclen = get_u32(v + off + 16);
        off += 20;
        if (vl - off < s->acclen)
            goto bad;
        s->acc = v + off;
        s->merged = false;
        off += s->acclen;
    }
    if (off != vl)
        goto bad;
    return (long)n;
bad:
    return hf_error_set(err, HF_ERR_STATE,
                        "session window aggregate '%s': a state value of "
                        "%zu bytes is not a list of sessions",
                        g->uid, vl);
}

/* Rebuild the timers from the state: one per session. */
static int rebuild_timers(struct sagg *g, struct hf_error *err)
{
    heap_clear(g);
    g->live = 0;
    struct hf_state_iter *it;
    if (hf_state_iter_open(g->st, NULL, 0, &it, err) != 0)
        return -1;
    const void *k, *v;
    size_t kl, vl;
    int rc;
    while ((rc = hf_state_iter_next(it, &k, &kl, &v, &vl, err)) == 1) {
        long n = decode(g, v, vl, err);
        if (n < 0) {
            rc = -1;
            break;
        }
        for (long i = 0; i < n; i++)
            if (heap_push(g, g->sess[i].end, k, (uint32_t)kl, err) != 0) {
                rc = -1;
                break;
            }
        if (rc < 0)
            break;
        g->live += (uint64_t)n;
    }
    hf_state_iter_close(it);
    return rc < 0 ? -1 : 0;
}

/* ------------------------------------------------------------ open */

static int sagg_open(const struct hf_op_env *env, void **state,
                     struct hf_error *err)
{
    const struct hf_window_agg_spec *s = env->node->spec;
    struct sagg *g = calloc(1, sizeof *g);
    if (g == NULL)
        return oom(err);
    *state = g;
    g->s = s;
    hf_strbuf_init(&g->kbuf, KEY_MAX);
    hf_strbuf_init(&g->vbuf, SIZE_MAX / 4);
    hf_strbuf_init(&g->old, SIZE_MAX / 4);
    hf_strbuf_init(&g->accbuf, SIZE_MAX / 4);
    if (hf_win_emit_init(&g->e, env, "session-window-aggregate",
                         "session window aggregate",
                         "the session they belong to had ended before the "
                         "watermark; raise the WATERMARK delay to keep them",
                         err) != 0)
        return -1;
    g->uid = g->e.uid;
    g->e.fire_until = fire_until;
    uint32_t nc = s->ncalls ? s->ncalls : 1;
    g->accs = calloc(nc, sizeof *g->accs);
    g->tmp = calloc(nc, sizeof *g->tmp);
    if (!g->accs || !g->tmp)
        return oom(err);
    for (uint32_t i = 0; i < s->ncalls; i++) {
        hf_agg_acc_init(&g->accs[i]);
        hf_agg_acc_init(&g->tmp[i]);
    }
    if (hf_win_open_state(&g->e, env, "session", &g->st, err) != 0)
        return -1;
    return rebuild_timers(g, err);
}

static void sagg_close(void *state)
{
    struct sagg *g = state;
    if (g == NULL)
        return;
    hf_win_close_state(&g->e, g->st);
    hf_win_emit_free(&g->e);
    for (uint32_t i = 0; g->accs && g->tmp && i < g->s->ncalls; i++) {
        hf_agg_acc_free(&g->accs[i]);
        hf_agg_acc_free(&g->tmp[i]);
    }
    free(g->accs);
    free(g->tmp);
    free(g->sess);
    heap_clear(g);
    free(g->heap);
    hf_strbuf_free(&g->kbuf);
    hf_strbuf_free(&g->vbuf);
    hf_strbuf_free(&g->old);
    hf_strbuf_free(&g->accbuf);
    free(g);
}

/* ------------------------------------------------------------ output */

/* Write sessions of g->sess (those not marked merged) plus, when `extra`,
 * the one in accs [xs, xe) as the value of key kb; an empty list deletes
 * the key. */
static int store(struct sagg *g, const void *kb, size_t kl, long n, bool extra,
                 int64_t xs, int64_t xe, struct hf_error *err)
{
    uint32_t keep = 0;
    for (long i = 0; i < n; i++)
        keep += !g->sess[i].merged;
    if (keep == 0 && !extra)
        return hf_state_del(g->st, kb, kl, err);
    hf_strbuf_reset(&g->vbuf);
    put_u32(&g->vbuf, keep + (extra ? 1 : 0));
    for (long i = 0; i < n; i++) {
        const struct sess *se = &g->sess[i];
        if (se->merged)
            continue;
        put_i64(&g->vbuf, se->start);
        put_i64(&g->vbuf, se->end);
        put_u32(&g->vbuf, se->acclen);
        hf_strbuf_append(&g->vbuf, se->acc, se->acclen);
    }
    if (extra) {
        hf_strbuf_reset(&g->accbuf);
        for (uint32_t i = 0; i < g->s->ncalls; i++)
            hf_agg_acc_save(&g->s->calls[i].fn, &g->accs[i], &g->accbuf);
        put_i64(&g->vbuf, xs);
        put_i64(&g->vbuf, xe);
        put_u32(&g->vbuf, (uint32_t)g->accbuf.len);
        hf_strbuf_append(&g->vbuf, g->accbuf.data, g->accbuf.len);
    }
    if (!hf_strbuf_ok(&g->vbuf) || !hf_strbuf_ok(&g->accbuf))
        return oom(err);
    return hf_state_put(g->st, kb, kl, g->vbuf.data, g->vbuf.len, err);
}

/* Read key kb's sessions into g->sess (the value copied to g->old, so
 * state writes do not move it); the count, 0 when absent, -1. */
static long load_key(struct sagg *g, const void *kb, size_t kl,
                     struct hf_error *err)
{
    const void *v;
    size_t vl;
    int got = hf_state_get(g->st, kb, kl, &v, &vl, err);
    if (got <= 0)
        return got;
    hf_strbuf_reset(&g->old);
    hf_strbuf_append(&g->old, v, vl);
    if (!hf_strbuf_ok(&g->old))
        return oom(err);
    return decode(g, (const uint8_t *)g->old.data, g->old.len, err);
}

/* Fire every session whose end - 1 ms is at or before t. */
static int fire_until(void *state, int64_t t, struct hf_op_out *out,
                      struct hf_error *err)
{
    struct sagg *g = state;
    bool any = false;
    while (g->nheap > 0 &&
           hf_window_fire_time(g->s->shift_tz, g->heap[0].end) <= t) {
        struct timer tm;
        heap_pop(g, &tm);
        long n = load_key(g, tm.key, tm.klen, err);
        int rc = n < 0 ? -1 : 0;
        uint32_t fired = 0;
        for (long i = 0; rc == 0 && i < n; i++) {
            struct sess *se = &g->sess[i];
            if (se->end != tm.end)
                continue; /* a stale timer, or another session's */
            if (hf_win_emit_row(&g->e, tm.key, tm.klen, se->start, se->end,
                                se->acc, se->acclen, out, err) != 0)
                rc = -1;
            se->merged = true; /* leaves the state */
            fired++;
        }
        if (rc == 0 && fired > 0)
            rc = store(g, tm.key, tm.klen, n, false, 0, 0, err);
        free(tm.key);
        if (rc != 0)
            return -1;
        g->live -= fired;
        any = any || fired > 0;
    }
    if (g->nheap > 2 * g->live + 1024 && rebuild_timers(g, err) != 0)
        return -1;
    return any ? hf_win_emit_flush(&g->e, out, err) : 0;
}

/* ------------------------------------------------------------ input */

static bool intersects(int64_t s1, int64_t e1, int64_t s2, int64_t e2)
{
    return s1 <= e2 && e1 >= s2; /* Flink's TimeWindow.intersects */
}

/* Put the row's window [start, end) into its key's sessions. */
static int add_row(struct sagg *g, const struct hf_value *row, int64_t start,
                   int64_t end, int64_t progress, struct hf_error *err)
{
    const struct hf_window_agg_spec *s = g->s;
    hf_strbuf_reset(&g->kbuf);
    hf_row_encode_cols(g->e.ktypes, g->e.gkeys, row, g->e.ngkeys, &g->kbuf);
    if (!hf_strbuf_ok(&g->kbuf))
        return hf_error_set(err, HF_ERR_NOMEM,
                            "session window aggregate %s: a group key is "
                            "larger than %u bytes",
                            g->uid, KEY_MAX);
    long n = load_key(g, g->kbuf.data, g->kbuf.len, err);
    if (n < 0)
        return -1;
    /* Merge until no session touches the growing window (a row may
     * bridge two sessions). */
    int64_t ms = start, me = end, old_end = INT64_MIN;
    uint32_t nmerged = 0;
    for (bool again = true; again;) {
        again = false;
        for (long i = 0; i < n; i++) {
            struct sess *se = &g->sess[i];
            if (se->merged || !intersects(ms, me, se->start, se->end))
                continue;
            se->merged = true;
            nmerged++;
            ms = se->start < ms ? se->start : ms;
            me = se->end > me ? se->end : me;
            old_end = se->end > old_end ? se->end : old_end;
            again = true;
        }
    }
    if (hf_window_fire_time(g->s->shift_tz, me) <= progress) {
        g->e.late++; /* its session has ended already */
        return 0;
    }
    for (uint32_t i = 0; i < s->ncalls; i++)
        hf_agg_acc_reset(&g->accs[i]);
    for (long i = 0; i < n; i++) {
        const struct sess *se = &g->sess[i];
        if (!se->merged)
            continue;
        if (hf_win_load_accs(&g->e, g->tmp, se->acc, se->acclen, err) != 0)
            return -1;
        for (uint32_t c = 0; c < s->ncalls; c++)
            if (hf_agg_acc_merge(&s->calls[c].fn, &g->accs[c], &g->tmp[c],
                                 err) != 0)
                return -1;
    }
    for (uint32_t i = 0; i < s->ncalls; i++) {
        const struct hf_agg_call *c = &s->calls[i];
        if (c->filter >= 0 && (row[c->filter].null || !row[c->filter].v.b))
            continue; /* FILTER (WHERE ...) does not hold */
        const struct hf_value *a = c->arg >= 0 ? &row[c->arg] : NULL;
        if (hf_agg_acc_add(&c->fn, &g->accs[i], a, err) != 0)
            return -1;
    }
    if (store(g, g->kbuf.data, g->kbuf.len, n, true, ms, me, err) != 0)
        return -1;
    g->live = g->live + 1 - nmerged;
    /* A new end needs a timer; an unchanged one has it already. */
    if (me != old_end &&
        heap_push(g, me, g->kbuf.data, (uint32_t)g->kbuf.len, err) != 0)
        return -1;
    return 0;
}

static int sagg_process(void *state, uint32_t input, struct hf_rbuf *in,
                        struct hf_op_out *out, struct hf_error *err)
{
    (void)input;
    (void)out; /* rows fire nothing: the watermark or the progress does */
    struct sagg *g = state;
    const struct hf_window_agg_spec *s = g->s;
    const struct hf_batch *b = in->b;
    int64_t progress = hf_win_progress(&g->e);
    uint32_t cs = s->keys[s->start_key], ce = s->keys[s->end_key];
    for (uint32_t r = 0; r < b->nrows; r++) {
        const struct hf_value *row = hf_batch_row(b, r);
        if (b->kinds[r] == HF_ROW_UPDATE_BEFORE || b->kinds[r] == HF_ROW_DELETE)
            return hf_error_set(err, HF_ERR_FAIL,
                                "internal: session window aggregate %s got "
                                "a retraction",
                                g->uid);
        if (row[cs].null || row[ce].null)
            return hf_error_set(err, HF_ERR_DATA,
                                "session window aggregate %s: a row without "
                                "a time (%s row %" PRId64 ")",
                                g->uid, b->src_name ? b->src_name : "input",
                                b->origin ? b->origin[r] : -1);
        if (add_row(g, row, row[cs].v.i, row[ce].v.i, progress, err) != 0)
            return -1;
    }
    hf_win_late_log(&g->e, false);
    return 0;
}

/* Keyed by the state key: the group key (PARTITION BY / GROUP BY columns
 * other than the window's), encoded as add_row encodes it, so a key's
 * rows and its sessions meet in the instance owning its key group. A
 * session window without a group key routes every row to one instance. */
static void sagg_route_key(const struct hf_node *n, const struct hf_schema *in,
                           uint32_t port, const struct hf_value *row,
                           struct hf_strbuf *out)
{
    const struct hf_window_agg_spec *s = n->spec;
    (void)in;
    (void)port;
    for (uint32_t i = 0; i < s->nkeys; i++)
        if (i != s->start_key && i != s->end_key)
            hf_row_encode_schema_cols(s->in, &s->keys[i], row, 1, out);
}

const struct hf_op_class hf_op_session_agg = {
    .name = "session-window-aggregate",
    .flags = 0,
    .explain = hf_win_op_explain,
    .free_spec = hf_win_op_free_spec,
    .open = sagg_open,
    .process = sagg_process,
    .watermark = hf_win_op_watermark,
    .end_input = hf_win_op_end_input,
    .proc_progress = hf_win_op_proc_progress,
    .close = sagg_close,
    .route_key = sagg_route_key,
};
