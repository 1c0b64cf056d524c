/*
 * window_tvf.c - a window table function (TUMBLE, HOP, CUMULATE) read
 * without a window aggregate: each input row is emitted once per window it
 * belongs to (hf_window_assign), its columns followed by window_start,
 * window_end and window_time (window_end - 1 ms), keeping its RowKind.
 * Nothing is held back and nothing is dropped: Flink's window TVF assigns
 * windows only, the operators reading it (aggregate, top-N, join) decide
 * about lateness.
 *
 * Processing time (a PROCTIME() time column): the row's time is the wall
 * clock, in whole milliseconds, when the row arrives here, and this node
 * is where processing time is decided, so it also tells the operators
 * after it how far that time has got (op.h out->progress, proc_marks): a
 * mark t says every row stamped from now on is later than t (a stamp is
 * never at or below the last mark, even if the clock steps back). Marks
 * follow the rows they cover through the exchange to the window
 * aggregate, which fires a window when a mark reaches its end - 1 ms, so
 * a row queued behind back-pressure is never late. A mark goes out when
 * it completes a window: TUMBLE, HOP and CUMULATE windows end on a grid
 * (offset + k * slide/step/size), and a mark is sent when the clock
 * passes the next grid point, after a batch or from a processing-time
 * timer when no row comes (every instance sends one at every grid point,
 * so a parallel aggregate's minimum over its inputs keeps moving). A
 * SESSION row's window ends at its time + gap: those ends, rounded up to
 * SESS_GRID (up to SESS_MAX distinct ones pending; later ones are merged
 * into the last, which only delays a mark) are timers too, and a mark goes out
 * at least every SESS_TICK for the instances that had no row. The first mark
 * goes out at once (the first timer), so the windows a restored checkpoint
 * holds fire as soon as the clock has passed them. At the end of the
 * input a last mark says the clock then, or the latest stamp if that is
 * later (no row comes after it).
 *
 * Stateless (the marks sent are not checkpointed: a restarted job starts
 * from the clock) and one-input: chainable. Output values are copied slots
 * that point into the input's arena, so an output batch names its input
 * as parent.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ops/window_agg.h"

#define MS 1000
#define SESS_MAX 1024u                /* pending session ends kept */
#define SESS_TICK (200 * (int64_t)MS) /* Flink's default watermark interval */
#define SESS_GRID (20 * (int64_t)MS)  /* session ends rounded up to this */

struct wtvf {
    const struct hf_window_tvf_spec *s;
    struct hf_rbuf_pool *pool;
    int64_t *starts, *ends;
    uint32_t wcap;
    /* Processing time: the last mark sent (at open: the clock - 1 ms, not
     * sent), and the pending session ends (a ring, ascending). */
    bool proc;
    bool sent; /* a mark went out (the first is due at once) */
    int64_t mark;
    int64_t stamped; /* the latest stamp */
    int64_t *pend;
    uint32_t phead, pcount;
};

static int64_t floor_mod(int64_t a, int64_t b)
{
    int64_t m = a % b;
    return m < 0 ? m + b : m;
}

/* The wall clock in whole milliseconds, as microseconds. */
static int64_t clock_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000000 * MS;
}

/* When (wall clock) the next mark completes something: the next grid
 * point E with E - 1 ms > mark; for sessions the earliest pending end or
 * the tick. */
static int64_t next_due(const struct wtvf *w)
{
    const struct hf_window_def *d = &w->s->win;
    if (!w->sent)
        return 0;
    if (d->kind == HF_WIN_SESSION) {
        int64_t due = w->mark + MS + SESS_TICK;
        if (w->pcount > 0 && w->pend[w->phead] < due)
            due = w->pend[w->phead];
        return due;
    }
    /* The grid is in local time when the windows are (hf_window_local);
     * the mark due is the instant the window ending there fires at. */
    int64_t grid = d->kind == HF_WIN_TUMBLE ? d->size : d->slide;
    int64_t base = hf_window_local(d->shift_tz, w->mark + MS);
    int64_t end = base + (grid - floor_mod(base - d->offset, grid));
    return hf_window_fire_time(d->shift_tz, end) + MS;
}

/* Send the mark `m` (when it rises) and forget the session ends it
 * covers. */
static int send_mark(struct wtvf *w, int64_t m, struct hf_op_out *out,
                     struct hf_error *err)
{
    if (m <= w->mark && w->sent)
        return 0;
    if (m > w->mark)
        w->mark = m;
    w->sent = true;
    while (w->pcount > 0 && w->pend[w->phead] - MS <= m) {
        w->phead = (w->phead + 1) % SESS_MAX;
        w->pcount--;
    }
    return out->progress ? out->progress(out, w->mark, err) : 0;
}

/* A session row's window ends at `end`: a mark is due then, or rather at
 * the next multiple of SESS_GRID (wall clock) from it, so that rows
 * stamped in every millisecond make at most one mark per SESS_GRID (each
 * goes to every aggregate instance) and all instances send theirs at the
 * same times. The window fires that much later, never early. */
static void pend_add(struct wtvf *w, int64_t end)
{
    int64_t r = floor_mod(end, SESS_GRID);
    if (r != 0)
        end += SESS_GRID - r;
    if (w->pcount > 0) {
        int64_t *last = &w->pend[(w->phead + w->pcount - 1) % SESS_MAX];
        if (end <= *last)
            return; /* stamps only rise: covered by the last */
        if (w->pcount == SESS_MAX) {
            *last = end;
            return;
        }
    }
    w->pend[(w->phead + w->pcount) % SESS_MAX] = end;
    w->pcount++;
}

static int wtvf_open(const struct hf_op_env *env, void **state,
                     struct hf_error *err)
{
    const struct hf_window_tvf_spec *s = env->node->spec;
    struct wtvf *w = calloc(1, sizeof *w);
    if (w)
        w->wcap = hf_window_max_per_row(&s->win);
    if (w) {
        w->starts = calloc(w->wcap, sizeof *w->starts);
        w->ends = calloc(w->wcap, sizeof *w->ends);
    }
    *state = w;
    if (w == NULL || w->starts == NULL || w->ends == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    w->s = s;
    w->pool = env->pool;
    w->proc = s->time_col < 0;
    w->mark = clock_ms() - MS;
    if (w->proc && s->win.kind == HF_WIN_SESSION) {
        w->pend = calloc(SESS_MAX, sizeof *w->pend);
        if (w->pend == NULL)
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    return 0;
}

static int emit_one(struct hf_rbuf **r, struct hf_op_out *out,
                    struct hf_error *err)
{
    int rc = (*r)->b->nrows ? out->emit(out, *r, err) : 0;
    hf_rbuf_release(*r);
    *r = NULL;
    return rc;
}

static int wtvf_process(void *state, uint32_t input, struct hf_rbuf *in,
                        struct hf_op_out *out, struct hf_error *err)
{
    (void)input;
    struct wtvf *w = state;
    const struct hf_window_tvf_spec *s = w->s;
    const struct hf_batch *b = in->b;
    uint32_t nin = s->in->ncols;
    int64_t now = 0;
    if (w->proc) {
        /* Never at or below a mark already sent. */
        now = clock_ms();
        if (now <= w->mark)
            now = w->mark + MS;
        if (b->nrows > 0)
            w->stamped = now;
        if (w->pend && b->nrows > 0)
            pend_add(w, now + s->win.size);
    }
    struct hf_rbuf *r = NULL;
    for (uint32_t i = 0; i < b->nrows; i++) {
        const struct hf_value *row = hf_batch_row(b, i);
        int64_t ts = now;
        if (s->time_col >= 0) {
            if (row[s->time_col].null) {
                hf_rbuf_release(r);
                return hf_error_set(
                    err, HF_ERR_DATA,
                    "%s: the time column '%s' is NULL in a row (%s row "
                    "%" PRId64 "); a window needs a time",
                    s->text ? s->text : "window function",
                    s->in->cols[s->time_col].name,
                    b->src_name ? b->src_name : "input",
                    b->origin ? b->origin[i] : -1);
            }
            ts = row[s->time_col].v.i;
        }
        ts = hf_window_local(s->win.shift_tz, ts);
        uint32_t n = hf_window_assign(&s->win, ts, w->starts, w->ends, w->wcap);
        for (uint32_t k = 0; k < n; k++) {
            if (r && hf_batch_full(r->b) && emit_one(&r, out, err) != 0)
                return -1;
            if (r == NULL) {
                r = hf_rbuf_get(w->pool, -1);
                if (r == NULL)
                    return -1; /* the job is failing */
                hf_rbuf_set_parent(r, in);
                r->b->src_name = b->src_name;
                r->b->src_part = b->src_part;
            }
            struct hf_value *o = hf_batch_add_row(
                r->b, (enum hf_rowkind)b->kinds[i], b->origin[i]);
            if (o == NULL) {
                hf_rbuf_release(r);
                return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
            }
            memcpy(o, row, nin * sizeof *o);
            for (uint32_t c = 0; c < 3; c++)
                o[nin + c].null = false;
            o[nin].v.i = w->starts[k];
            o[nin + 1].v.i = w->ends[k];
            o[nin + 2].v.i = hf_window_time(s->win.shift_tz, w->ends[k]);
        }
    }
    if (r && emit_one(&r, out, err) != 0)
        return -1;
    if (w->proc) {
        /* Behind those rows: how far the clock has got, if that completes
         * a window. */
        int64_t c = clock_ms();
        if (c >= next_due(w))
            return send_mark(w, c - MS, out, err);
    }
    return 0;
}

static int64_t wtvf_next_timer(void *state)
{
    const struct wtvf *w = state;
    return w->proc ? next_due(w) : INT64_MAX;
}

static int wtvf_on_timer(void *state, int64_t now, struct hf_op_out *out,
                         struct hf_error *err)
{
    struct wtvf *w = state;
    return send_mark(w, now / MS * MS - MS, out, err);
}

/* No row comes after the end: the clock now is a mark (the aggregate then
 * fires what it completed, as a stop in Flink does). */
static int wtvf_end_input(void *state, uint32_t input, struct hf_op_out *out,
                          struct hf_error *err)
{
    (void)input;
    struct wtvf *w = state;
    if (!w->proc)
        return 0;
    int64_t c = clock_ms();
    return send_mark(w, c > w->stamped ? c : w->stamped, out, err);
}

static bool wtvf_proc_marks(const struct hf_node *n)
{
    const struct hf_window_tvf_spec *s = n->spec;
    return s->time_col < 0;
}

static void wtvf_close(void *state)
{
    struct wtvf *w = state;
    if (w == NULL)
        return;
    free(w->starts);
    free(w->ends);
    free(w->pend);
    free(w);
}

static void wtvf_explain(const struct hf_node *n, struct hf_strbuf *out)
{
    const struct hf_window_tvf_spec *s = n->spec;
    hf_strbuf_puts(out, s->text ? s->text : "");
}

static void wtvf_free_spec(void *spec)
{
    struct hf_window_tvf_spec *s = spec;
    if (s == NULL)
        return;
    free(s->text);
    free(s);
}

const struct hf_op_class hf_op_window_tvf = {
    .name = "window-tvf",
    .flags = HF_OP_CHAINABLE | HF_OP_REPLICABLE,
    .explain = wtvf_explain,
    .free_spec = wtvf_free_spec,
    .open = wtvf_open,
    .process = wtvf_process,
    .end_input = wtvf_end_input,
    .next_timer = wtvf_next_timer,
    .on_timer = wtvf_on_timer,
    .proc_marks = wtvf_proc_marks,
    .close = wtvf_close,
};
