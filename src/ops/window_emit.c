/*
 * window_emit.c - the part the window aggregate (window_agg.c) and the
 * session window aggregate (session_agg.c) share (window_emit.h): both
 * keep, per window and group key, the calls' saved accumulators, and both
 * emit a fired window the same way, as one +I row per group key whose
 * columns are the spec's key columns in order (window_start and
 * window_end at their places among them), one result per call, then
 * window_time = window_end - 1 ms. Rows are appended to one batch of the
 * operator's pool, emitted when full and at the end of a firing, so one
 * watermark that fires many windows sends few batches.
 *
 * Late rows (their window fired already) are dropped by the operators and
 * counted here; the count is logged as a warning when it grew, at most
 * once a second, and at close.
 *
 * When windows fire is shared too: in event time when the watermark
 * reaches window_end - 1 ms (Flink's TimeWindowUtil.isWindowFired); in
 * processing time when the processing-time progress does (op.h
 * proc_progress): the marks the window TVF that stamped the rows sends
 * behind them (window_tvf.c), not the aggregate's own clock, so a row
 * still in an edge when the clock passed its window's end is counted in
 * it, as in Flink, where the aggregate itself assigns processing-time
 * windows. At the end of the input the last mark (the TVF's clock then)
 * has fired what the clock completed.
 */
#include "ops/window_emit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/log.h"
#include "core/rowcodec.h"
#include "state/state.h"

static int64_t wall_usec(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

int hf_win_oom(const struct hf_win_emit *e, struct hf_error *err)
{
    return hf_error_set(err, HF_ERR_NOMEM, "%s: out of memory", e->what);
}

int hf_win_emit_init(struct hf_win_emit *e, const struct hf_op_env *env,
                     const char *kind, const char *what, const char *late_why,
                     struct hf_error *err)
{
    const struct hf_window_agg_spec *s = env->node->spec;
    e->s = s;
    e->pool = env->pool;
    e->what = what;
    e->late_why = late_why;
    snprintf(e->uidbuf, sizeof e->uidbuf, "n%u-%s",
             env->node ? env->node->id + 1 : 0, kind);
    e->uid = env->uid ? env->uid : e->uidbuf;
    e->wm = INT64_MIN;
    e->pt = INT64_MIN;
    uint32_t nk = s->nkeys ? s->nkeys : 1, nc = s->ncalls ? s->ncalls : 1;
    e->gkeys = calloc(nk, sizeof *e->gkeys);
    e->ktypes = calloc(nk, sizeof *e->ktypes);
    e->kv = calloc(nk, sizeof *e->kv);
    e->accs = calloc(nc, sizeof *e->accs);
    if (!e->gkeys || !e->ktypes || !e->kv || !e->accs)
        return hf_win_oom(e, err);
    for (uint32_t i = 0; i < s->nkeys; i++) {
        if (i == s->start_key || i == s->end_key)
            continue;
        e->ktypes[e->ngkeys] = s->in->cols[s->keys[i]].type;
        e->gkeys[e->ngkeys++] = s->keys[i];
    }
    for (uint32_t i = 0; i < s->ncalls; i++)
        hf_agg_acc_init(&e->accs[i]);
    return 0;
}

void hf_win_emit_free(struct hf_win_emit *e)
{
    hf_win_late_log(e, true);
    hf_rbuf_release(e->out);
    e->out = NULL;
    hf_state_backend_close(e->own_be);
    e->own_be = NULL;
    for (uint32_t i = 0; e->accs && i < e->s->ncalls; i++)
        hf_agg_acc_free(&e->accs[i]);
    free(e->accs);
    free(e->ktypes);
    free(e->gkeys);
    free(e->kv);
    e->accs = NULL;
    e->ktypes = NULL;
    e->gkeys = NULL;
    e->kv = NULL;
}

int hf_win_open_state(struct hf_win_emit *e, const struct hf_op_env *env,
                      const char *name, struct hf_state **st,
                      struct hf_error *err)
{
    if (env->open_state)
        return env->open_state(env, name, st, err);
    struct hf_state_config cfg = {
        .type = HF_STATE_HASHMAP, .num_retained = 1, .max_parallelism = 128};
    if (hf_state_backend_open(&cfg, &e->own_be, err) != 0 ||
        hf_state_open(e->own_be, e->uid, name, 0, 127, st, err) != 0)
        return -1;
    return 0;
}

void hf_win_close_state(struct hf_win_emit *e, struct hf_state *st)
{
    if (st && e->own_be)
        hf_state_close(st);
}

int hf_win_load_accs(const struct hf_win_emit *e, struct hf_agg_acc *accs,
                     const void *p, size_t len, struct hf_error *err)
{
    const uint8_t *vp = p;
    for (uint32_t i = 0; i < e->s->ncalls; i++) {
        long used = hf_agg_acc_load(&e->s->calls[i].fn, &accs[i], vp, len, err);
        if (used < 0)
            return -1;
        vp += used;
        len -= (size_t)used;
    }
    return 0;
}

int hf_win_emit_flush(struct hf_win_emit *e, struct hf_op_out *out,
                      struct hf_error *err)
{
    if (e->out == NULL)
        return 0;
    struct hf_rbuf *r = e->out;
    e->out = NULL;
    int rc = r->b->nrows ? out->emit(out, r, err) : 0;
    hf_rbuf_release(r);
    return rc;
}

static bool is_text(const struct hf_type *t)
{
    return t->id == HF_CHAR || t->id == HF_VARCHAR || t->id == HF_BYTES;
}

int hf_win_emit_row(struct hf_win_emit *e, const void *gkey, size_t gklen,
                    int64_t start, int64_t end, const void *acc, size_t acclen,
                    struct hf_op_out *out, struct hf_error *err)
{
    const struct hf_window_agg_spec *s = e->s;
    if (e->out && hf_batch_full(e->out->b) && hf_win_emit_flush(e, out, err))
        return -1;
    if (e->out == NULL) {
        e->out = hf_rbuf_get(e->pool, -1);
        if (e->out == NULL)
            return -1; /* the job is failing */
    }
    struct hf_batch *b = e->out->b;
    struct hf_value *row = hf_batch_add_row(b, HF_ROW_INSERT, -1);
    if (row == NULL)
        return hf_win_oom(e, err);
    /* The group key decoded into the key places other than the window's,
     * which come from start and end. */
    if (e->ngkeys > 0 && hf_row_decode(e->ktypes, e->ngkeys, gkey, gklen, e->kv,
                                       &b->arena, err) < 0)
        return -1;
    for (uint32_t i = s->nkeys, j = e->ngkeys; i-- > 0;) {
        if (i == s->start_key)
            row[i] = (struct hf_value){.v.i = start};
        else if (i == s->end_key)
            row[i] = (struct hf_value){.v.i = end};
        else
            row[i] = e->kv[--j];
    }
    row[s->nkeys + s->ncalls] =
        (struct hf_value){.v.i = hf_window_time(s->shift_tz, end)};
    if (hf_win_load_accs(e, e->accs, acc, acclen, err) != 0)
        return -1;
    for (uint32_t i = 0; i < s->ncalls; i++) {
        struct hf_value *res = &row[s->nkeys + i];
        hf_agg_acc_value(&s->calls[i].fn, &e->accs[i], res);
        if (!res->null && is_text(&s->calls[i].fn.result) &&
            hf_value_set_str(b, res, res->v.s.ptr, res->v.s.len) != 0)
            return hf_win_oom(e, err);
    }
    return 0;
}

void hf_win_late_log(struct hf_win_emit *e, bool final)
{
    if (e->late == e->late_logged)
        return;
    int64_t now = wall_usec();
    if (!final && now - e->late_log_usec < 1000000)
        return;
    e->late_log_usec = now;
    e->late_logged = e->late;
    hf_log_warn("%s %s: %" PRIu64 " late row(s) dropped so far: %s", e->what,
                e->uid, e->late,
                e->s->proctime ? "processing time: they came after the "
                                 "progress mark that fired their window "
                                 "(internal: marks follow the rows they "
                                 "cover)"
                               : e->late_why);
}

/* ------------------------------------------------------------ firing */

int64_t hf_win_progress(const struct hf_win_emit *e)
{
    return e->s->proctime ? e->pt : e->wm;
}

int hf_win_op_watermark(void *state, int64_t wm, struct hf_op_out *out,
                        struct hf_error *err)
{
    struct hf_win_emit *e = state;
    if (e->s->proctime)
        return 0; /* processing time: the progress marks fire */
    if (wm > e->wm)
        e->wm = wm;
    return e->fire_until(state, e->wm, out, err);
}

int hf_win_op_proc_progress(void *state, int64_t t, struct hf_op_out *out,
                            struct hf_error *err)
{
    struct hf_win_emit *e = state;
    if (!e->s->proctime || t <= e->pt)
        return 0; /* event time: the watermark fires */
    e->pt = t;
    return e->fire_until(state, t, out, err);
}

int hf_win_op_end_input(void *state, uint32_t input, struct hf_op_out *out,
                        struct hf_error *err)
{
    (void)input;
    struct hf_win_emit *e = state;
    if (e->s->proctime && e->pt != INT64_MIN &&
        e->fire_until(state, e->pt, out, err) != 0)
        return -1;
    return hf_win_emit_flush(e, out, err);
}

void hf_win_op_explain(const struct hf_node *n, struct hf_strbuf *out)
{
    const struct hf_window_agg_spec *s = n->spec;
    hf_strbuf_puts(out, s->text ? s->text : "");
}

void hf_win_op_free_spec(void *spec)
{
    hf_window_agg_spec_free(spec);
}
