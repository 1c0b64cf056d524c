/*
 * window_tvf.c - a window table function (TUMBLE, HOP, CUMULATE) read
 * without a window aggregate: each input row is emitted once per window it
 * belongs to (hf_window_assign), its columns followed by window_start,
 * window_end and window_time (window_end - 1 ms), keeping its RowKind.
 * Nothing is held back and nothing is dropped: Flink's window TVF assigns
 * windows only, the operators reading it (aggregate, top-N, join) decide
 * about lateness. Processing time: the wall clock when the row arrives.
 *
 * Stateless and one-input: chainable. Output values are copied slots that
 * point into the input's arena, so an output batch names its input as
 * parent.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ops/window_agg.h"

#define MS 1000

struct wtvf {
    const struct hf_window_tvf_spec *s;
    struct hf_rbuf_pool *pool;
    int64_t *starts, *ends;
    uint32_t wcap;
};

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
    if (s->time_col < 0) {
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        now = (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000000 * MS;
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
    return r ? emit_one(&r, out, err) : 0;
}

static void wtvf_close(void *state)
{
    struct wtvf *w = state;
    if (w == NULL)
        return;
    free(w->starts);
    free(w->ends);
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
    .close = wtvf_close,
};
