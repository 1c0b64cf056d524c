/*
 * window_agg.c - the window aggregate: per window and group key, the
 * aggregate calls over the rows of that window, emitted once, as +I, when
 * the window is complete (Flink's window TVF aggregation and legacy group
 * windows, reference flink-stateful-sql.md §3.2, §3.3).
 *
 * Assignment (hf_window_assign, used by the window TVF node that feeds
 * this one, window_tvf.c): tumble start = ts - floorMod(ts - offset,
 * size); hop: every window of length size whose start is a multiple of
 * slide (+ offset) in (ts - size, ts]; cumulate: the windows [S, S+step),
 * [S, S+2 step), ... [S, S+size) of the tumble [S, S+size) that end after
 * ts. So each input row names its window in its window_start and
 * window_end columns (a HOP row comes once per window).
 *
 * State (env->open_state, "win"): key = window_end (8 bytes, big endian,
 * sign flipped so keys sort by time) || window_start (same) || the group
 * key (core/rowcodec.h); value = the calls' accumulators one after the
 * other (hf_agg_acc_save). A sorted array of the distinct pending window
 * ends, in memory, is the timer index; at open it is rebuilt from the
 * state (a restored checkpoint).
 *
 * Firing: a window fires when the watermark reaches window_end - 1 ms
 * (Flink's TimeWindowUtil.isWindowFired): every entry under its end is
 * read, emitted (key, window_start, window_end, window_time = window_end -
 * 1 ms, results) and removed; then the runtime forwards the watermark.
 * Processing-time windows fire when the processing-time progress reaches
 * window_end - 1 ms (op.h proc_progress): the marks the window TVF sends
 * behind the rows it stamped, and from its timer when no row comes
 * (window_tvf.c), so no row is still to come for a window that fires; at
 * the end of the input the last mark fires what the clock completed. A
 * row whose window has fired (event time) is late: dropped and counted (a
 * HOP or CUMULATE row once per fired window it names; its other windows
 * still count it, as Flink's slices do); the count is logged when it
 * grows (at most once a second) and at close.
 *
 * Output order: windows in end order; within one window the state's
 * iteration order (hashmap: unspecified), as Flink's is its state order.
 * Output rows, the late count and its log are window_emit.c's, shared
 * with session_agg.c.
 */
#include "ops/window_agg.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/rowcodec.h"
#include "core/tz.h"
#include "ops/window_emit.h"
#include "state/state.h"

#define KEY_MAX (1u << 20)
#define MS HF_WIN_MS

static int64_t floor_mod(int64_t a, int64_t b)
{
    int64_t m = a % b;
    return m < 0 ? m + b : m;
}

uint32_t hf_window_max_per_row(const struct hf_window_def *w)
{
    if (w->kind == HF_WIN_TUMBLE || w->kind == HF_WIN_SESSION)
        return 1;
    int64_t n = w->size / w->slide + 1;
    return n > 0 ? (uint32_t)n : 1;
}

uint32_t hf_window_assign(const struct hf_window_def *w, int64_t ts,
                          int64_t *starts, int64_t *ends, uint32_t cap)
{
    uint32_t n = 0;
    switch (w->kind) {
    case HF_WIN_TUMBLE: {
        int64_t s = ts - floor_mod(ts - w->offset, w->size);
        starts[0] = s;
        ends[0] = s + w->size;
        return 1;
    }
    case HF_WIN_SESSION:
        starts[0] = ts; /* merged into sessions by session_agg.c */
        ends[0] = ts + w->size;
        return 1;
    case HF_WIN_HOP: {
        int64_t last = ts - floor_mod(ts - w->offset, w->slide);
        for (int64_t s = last; s > ts - w->size && n < cap; s -= w->slide) {
            starts[n] = s;
            ends[n++] = s + w->size;
        }
        return n;
    }
    case HF_WIN_CUMULATE: {
        int64_t s = ts - floor_mod(ts - w->offset, w->size);
        for (int64_t e = s + w->slide; e <= s + w->size && n < cap;
             e += w->slide) {
            if (e > ts) {
                starts[n] = s;
                ends[n++] = e;
            }
        }
        return n;
    }
    }
    return 0;
}

int64_t hf_window_local(const struct hf_tz *tz, int64_t ts)
{
    return tz ? hf_tz_to_local(tz, ts) : ts;
}

int64_t hf_window_time(const struct hf_tz *tz, int64_t end)
{
    return tz ? hf_tz_to_utc(tz, end - MS) : end - MS;
}

int64_t hf_window_fire_time(const struct hf_tz *tz, int64_t end)
{
    /* Flink's toEpochMillsForTimer(end - 1 ms) for a zone with daylight
     * saving: t1, t2 the instants of local l and l + 1 h; equal: l is in
     * a gap, fire at the hour the gap begins; more than an hour apart: l
     * is in an overlap, fire at the later instant. */
    const int64_t hour = 3600 * INT64_C(1000000);
    int64_t l = end - MS;
    if (tz == NULL)
        return l;
    int64_t t1 = hf_tz_to_utc(tz, l), t2 = hf_tz_to_utc(tz, l + hour);
    if (t1 == t2)
        return t1 - t1 % hour;
    if (t2 - t1 > hour)
        return t1 + hour;
    return t1;
}

void hf_window_agg_spec_free(struct hf_window_agg_spec *s)
{
    if (s == NULL)
        return;
    for (uint32_t i = 0; s->calls && i < s->ncalls; i++)
        free(s->calls[i].text);
    free(s->calls);
    free(s->keys);
    free(s->text);
    free(s);
}

/* ------------------------------------------------------------ state */

struct wagg {
    struct hf_win_emit e; /* first: window_emit.c's callbacks take the
                             state as theirs (spec, uid, output, late) */
    const struct hf_window_agg_spec *s;
    const char *uid;
    struct hf_state *st;
    struct hf_agg_acc *accs;
    struct hf_strbuf kbuf, vbuf;
    /* The timer index: distinct pending window ends, ascending. */
    int64_t *pending;
    uint32_t npending, pcap;
};

static int oom(struct hf_error *err)
{
    return hf_error_set(err, HF_ERR_NOMEM, "window aggregate: out of memory");
}

/* When windows fire: window_emit.c calls these back (output section). */
static int fire_until(void *state, int64_t t, struct hf_op_out *out,
                      struct hf_error *err);

static void put_be64(uint8_t *p, int64_t v)
{
    uint64_t u = (uint64_t)v ^ (UINT64_C(1) << 63);
    for (int i = 7; i >= 0; i--) {
        p[i] = (uint8_t)u;
        u >>= 8;
    }
}

static int64_t get_be64(const uint8_t *p)
{
    uint64_t u = 0;
    for (int i = 0; i < 8; i++)
        u = u << 8 | p[i];
    return (int64_t)(u ^ (UINT64_C(1) << 63));
}

/* Add `end` to the timer index (kept sorted, no duplicates). */
static int pending_add(struct wagg *g, int64_t end, struct hf_error *err)
{
    uint32_t lo = 0, hi = g->npending;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (g->pending[mid] < end)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < g->npending && g->pending[lo] == end)
        return 0;
    if (g->npending == g->pcap) {
        uint32_t nc = g->pcap ? g->pcap * 2 : 64;
        int64_t *v = realloc(g->pending, nc * sizeof *v);
        if (v == NULL)
            return oom(err);
        g->pending = v;
        g->pcap = nc;
    }
    memmove(g->pending + lo + 1, g->pending + lo,
            (g->npending - lo) * sizeof *g->pending);
    g->pending[lo] = end;
    g->npending++;
    return 0;
}

/* Rebuild the timer index from the state (after a restore). */
static int rebuild_pending(struct wagg *g, struct hf_error *err)
{
    struct hf_state_iter *it;
    if (hf_state_iter_open(g->st, NULL, 0, &it, err) != 0)
        return -1;
    const void *k, *v;
    size_t kl, vl;
    int rc;
    while ((rc = hf_state_iter_next(it, &k, &kl, &v, &vl, err)) == 1) {
        if (kl < 16) {
            rc = hf_error_set(err, HF_ERR_STATE,
                              "window aggregate '%s': a state key of %zu "
                              "bytes is not a window's",
                              g->uid, kl);
            break;
        }
        if (pending_add(g, get_be64(k), err) != 0) {
            rc = -1;
            break;
        }
    }
    hf_state_iter_close(it);
    return rc < 0 ? -1 : 0;
}

static int wagg_open(const struct hf_op_env *env, void **state,
                     struct hf_error *err)
{
    const struct hf_window_agg_spec *s = env->node->spec;
    struct wagg *g = calloc(1, sizeof *g);
    if (g == NULL)
        return oom(err);
    *state = g;
    g->s = s;
    hf_strbuf_init(&g->kbuf, KEY_MAX);
    hf_strbuf_init(&g->vbuf, KEY_MAX * 4u);
    if (hf_win_emit_init(&g->e, env, "window-aggregate", "window aggregate",
                         "every window they belong to had fired (the "
                         "watermark passed its end); raise the WATERMARK "
                         "delay to keep them",
                         err) != 0)
        return -1;
    g->uid = g->e.uid;
    g->e.fire_until = fire_until;
    g->accs = calloc(s->ncalls ? s->ncalls : 1, sizeof *g->accs);
    if (g->accs == NULL)
        return oom(err);
    for (uint32_t i = 0; i < s->ncalls; i++)
        hf_agg_acc_init(&g->accs[i]);
    if (hf_win_open_state(&g->e, env, "win", &g->st, err) != 0)
        return -1;
    return rebuild_pending(g, err);
}

static void wagg_close(void *state)
{
    struct wagg *g = state;
    if (g == NULL)
        return;
    hf_win_close_state(&g->e, g->st);
    hf_win_emit_free(&g->e);
    for (uint32_t i = 0; g->accs && i < g->s->ncalls; i++)
        hf_agg_acc_free(&g->accs[i]);
    free(g->accs);
    free(g->pending);
    hf_strbuf_free(&g->kbuf);
    hf_strbuf_free(&g->vbuf);
    free(g);
}

/* ------------------------------------------------------------ output */

/* Emit every group of the window ending at `end` and remove them. */
static int fire(struct wagg *g, int64_t end, struct hf_op_out *out,
                struct hf_error *err)
{
    uint8_t prefix[8];
    put_be64(prefix, end);
    struct hf_state_iter *it;
    if (hf_state_iter_open(g->st, prefix, 8, &it, err) != 0)
        return -1;
    const void *k, *v;
    size_t kl, vl;
    int rc;
    while ((rc = hf_state_iter_next(it, &k, &kl, &v, &vl, err)) == 1) {
        const uint8_t *kb = k;
        if (hf_win_emit_row(&g->e, kb + 16, kl - 16, get_be64(kb + 8), end, v,
                            vl, out, err) != 0 ||
            hf_state_del(g->st, k, kl, err) != 0) {
            rc = -1;
            break;
        }
    }
    hf_state_iter_close(it);
    return rc < 0 ? -1 : 0;
}

/* Fire every pending window whose end - 1 ms is at or before `t`. */
static int fire_until(void *state, int64_t t, struct hf_op_out *out,
                      struct hf_error *err)
{
    struct wagg *g = state;
    uint32_t n = 0;
    while (n < g->npending &&
           hf_window_fire_time(g->s->shift_tz, g->pending[n]) <= t) {
        if (fire(g, g->pending[n], out, err) != 0)
            return -1;
        n++;
    }
    if (n == 0)
        return 0;
    memmove(g->pending, g->pending + n, (g->npending - n) * sizeof *g->pending);
    g->npending -= n;
    return hf_win_emit_flush(&g->e, out, err);
}

/* ------------------------------------------------------------ input */

/* Fold row `row` of kind `kind` into window [start, end). */
static int fold(struct wagg *g, const struct hf_value *row, bool retract,
                int64_t start, int64_t end, struct hf_error *err)
{
    const struct hf_window_agg_spec *s = g->s;
    hf_strbuf_reset(&g->kbuf);
    uint8_t tb[16];
    put_be64(tb, end);
    put_be64(tb + 8, start);
    hf_strbuf_append(&g->kbuf, tb, 16);
    hf_row_encode_cols(g->e.ktypes, g->e.gkeys, row, g->e.ngkeys, &g->kbuf);
    if (!hf_strbuf_ok(&g->kbuf))
        return hf_error_set(err, HF_ERR_NOMEM,
                            "window aggregate %s: a group key is larger "
                            "than %u bytes",
                            g->uid, KEY_MAX);
    const void *v;
    size_t vl;
    int got = hf_state_get(g->st, g->kbuf.data, g->kbuf.len, &v, &vl, err);
    if (got < 0)
        return -1;
    const uint8_t *vp = v;
    for (uint32_t i = 0; i < s->ncalls; i++) {
        if (got == 0) {
            hf_agg_acc_reset(&g->accs[i]);
            continue;
        }
        long used = hf_agg_acc_load(&s->calls[i].fn, &g->accs[i], vp, vl, err);
        if (used < 0)
            return -1;
        vp += used;
        vl -= (size_t)used;
    }
    if (got == 0 && retract)
        return 0; /* a retraction of nothing: Flink ignores it too */
    hf_strbuf_reset(&g->vbuf);
    for (uint32_t i = 0; i < s->ncalls; i++) {
        const struct hf_agg_call *c = &s->calls[i];
        if (c->filter >= 0 && (row[c->filter].null || !row[c->filter].v.b))
            ; /* FILTER (WHERE ...) does not hold: unchanged */
        else {
            const struct hf_value *a = c->arg >= 0 ? &row[c->arg] : NULL;
            int rc = retract ? hf_agg_acc_retract(&c->fn, &g->accs[i], a, err)
                             : hf_agg_acc_add(&c->fn, &g->accs[i], a, err);
            if (rc != 0)
                return -1;
        }
        hf_agg_acc_save(&c->fn, &g->accs[i], &g->vbuf);
    }
    if (!hf_strbuf_ok(&g->vbuf))
        return oom(err);
    if (hf_state_put(g->st, g->kbuf.data, g->kbuf.len, g->vbuf.data,
                     g->vbuf.len, err) != 0)
        return -1;
    return got == 0 ? pending_add(g, end, err) : 0;
}

static int wagg_process(void *state, uint32_t input, struct hf_rbuf *in,
                        struct hf_op_out *out, struct hf_error *err)
{
    (void)input;
    (void)out; /* rows fire nothing: the watermark or the progress does */
    struct wagg *g = state;
    const struct hf_window_agg_spec *s = g->s;
    const struct hf_batch *b = in->b;
    int64_t progress = hf_win_progress(&g->e);
    uint32_t cs = s->keys[s->start_key], ce = s->keys[s->end_key];
    for (uint32_t r = 0; r < b->nrows; r++) {
        const struct hf_value *row = hf_batch_row(b, r);
        bool retract =
            b->kinds[r] == HF_ROW_UPDATE_BEFORE || b->kinds[r] == HF_ROW_DELETE;
        if (retract && !s->retract_input)
            return hf_error_set(err, HF_ERR_FAIL,
                                "internal: window aggregate %s got a "
                                "retraction from an insert-only input",
                                g->uid);
        if (row[cs].null || row[ce].null)
            return hf_error_set(err, HF_ERR_DATA,
                                "window aggregate %s: a row without a window "
                                "(%s row %" PRId64 ")",
                                g->uid, b->src_name ? b->src_name : "input",
                                b->origin ? b->origin[r] : -1);
        int64_t end = row[ce].v.i;
        if (hf_window_fire_time(s->shift_tz, end) <= progress) {
            g->e.late++; /* its window has fired */
            continue;
        }
        if (fold(g, row, retract, row[cs].v.i, end, err) != 0)
            return -1;
    }
    hf_win_late_log(&g->e, false);
    return 0;
}

/* Keyed by the whole state key (window end, window start, group key, as
 * fold() builds it): a window's rows of one group meet in one instance. */
static void wagg_route_key(const struct hf_node *n, const struct hf_schema *in,
                           uint32_t port, const struct hf_value *row,
                           struct hf_strbuf *out)
{
    const struct hf_window_agg_spec *s = n->spec;
    (void)in;
    (void)port;
    uint8_t tb[16];
    put_be64(tb, row[s->keys[s->end_key]].v.i);
    put_be64(tb + 8, row[s->keys[s->start_key]].v.i);
    hf_strbuf_append(out, tb, 16);
    for (uint32_t i = 0; i < s->nkeys; i++)
        if (i != s->start_key && i != s->end_key)
            hf_row_encode_schema_cols(s->in, &s->keys[i], row, 1, out);
}

const struct hf_op_class hf_op_window_agg = {
    .name = "window-aggregate",
    .flags = 0,
    .explain = hf_win_op_explain,
    .free_spec = hf_win_op_free_spec,
    .open = wagg_open,
    .process = wagg_process,
    .watermark = hf_win_op_watermark,
    .end_input = hf_win_op_end_input,
    .proc_progress = hf_win_op_proc_progress,
    .close = wagg_close,
    .route_key = wagg_route_key,
};
