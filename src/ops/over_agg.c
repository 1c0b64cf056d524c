/*
 * over_agg.c - the OVER aggregation operator: for every input row, the
 * aggregates over the rows of its partition within its frame, emitted as
 * +I(row, results) (Flink's OverAggregate; docs/aggregation.md, "OVER
 * aggregation"). One window per operator (the planner, sql/plan_over.c,
 * refuses several, as Flink does).
 *
 * - Rowtime (ORDER BY the table's WATERMARK column): a row waits in keyed
 *   state until the watermark reaches its timestamp; rows are then
 *   emitted in timestamp order, across keys too (arrival order among
 *   equal timestamps of a key).
 *   Late rows are dropped and counted, with Flink's two rules: UNBOUNDED
 *   PRECEDING drops a row whose timestamp is <= the current watermark on
 *   arrival (AbstractRowTimeUnboundedPrecedingOver); a bounded frame drops
 *   a row whose timestamp is <= the last timestamp its key fired (the
 *   newest row of its frame; RowTimeRows/RangeBoundedPrecedingFunction),
 *   and takes one merely behind the watermark, firing it at the next
 *   watermark.
 * - Proctime: a row is aggregated and emitted on arrival, its time the
 *   wall clock.
 * - ROWS frames count rows, the current row included: `n PRECEDING` keeps
 *   n + 1 rows. RANGE frames are over time: the rows whose time is in
 *   [t - interval, t]; on rowtime the rows of one timestamp are peers and
 *   all get the result that includes every one of them. UNBOUNDED
 *   PRECEDING keeps only the accumulators.
 *
 * State (state/state.h), keyed by the PARTITION BY columns:
 *   "over":   key -> [u32 npend] npend x ([i64 ts][u32 len][row])
 *                    [u32 nframe] nframe x ([i64 ts][u32 len][args])
 *                    then each aggregate's accumulator (aggfn.h);
 *             pending rows (rowtime) in timestamp order, then the rows of
 *             a bounded frame (their aggregate arguments only), oldest
 *             first: a row leaves the frame - and the state - when the
 *             frame passes it, its arguments retracted from the
 *             accumulators. An entry is removed when it holds nothing.
 *   "timers": key -> [i64 ts], the earliest pending timestamp of the key
 *             (rowtime): the watermark fires the keys it has reached.
 * Everything lives in the backend, so a checkpoint is the backend's
 * snapshot and nothing more. One input, keyed state: not chainable.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include "core/log.h"
#include "core/rowcodec.h"
#include "ops/op.h"
#include "ops/over_agg.h"
#include "state/state.h"

#define ROW_MAX (64u << 20)

struct over {
    const struct hf_over_spec *sp;
    const char *uid;
    struct hf_state *st, *tm;
    struct hf_rbuf_pool *pool;
    struct hf_type *types, *ktypes, *atypes, *otypes;
    uint32_t *acols; /* argument columns of the aggregates with one */
    uint32_t nacols, ncols;
    struct hf_strbuf key, blob, pend, frame, tmp;
    /* Firing several keys: their output rows, ([i64 ts][u32 len][row])*,
     * emitted in timestamp order once all have fired (sorted: out_order). */
    struct hf_strbuf obuf;
    bool buffering;
    struct hf_value *orow;
    uint32_t npend, nframe;
    size_t head;    /* offset of the oldest live frame entry */
    bool had_timer; /* at load: the key had waiting rows, the earliest at */
    int64_t timer_ts;
    struct hf_agg_acc *acc;
    struct hf_value *argv, *res;
    struct hf_rbuf *outb, *in;
    struct hf_op_out *out;
    int64_t wm;
    uint64_t late, late_logged;
    int64_t late_log_usec;
};

void hf_over_spec_free(struct hf_over_spec *s)
{
    if (s == NULL)
        return;
    free(s->part);
    free(s->aggs);
    free(s);
}

static void over_explain(const struct hf_node *n, struct hf_strbuf *out)
{
    const struct hf_over_spec *sp = n->spec;
    hf_strbuf_puts(out, "partition by ");
    for (uint32_t i = 0; i < sp->npart; i++)
        hf_strbuf_printf(out, "%s%s", i ? ", " : "",
                         sp->in->cols[sp->part[i]].name);
    if (sp->npart == 0)
        hf_strbuf_puts(out, "(no key)");
    hf_strbuf_printf(out, " order by %s (%s) %s ", sp->in->cols[sp->tcol].name,
                     sp->rowtime ? "rowtime" : "proctime",
                     sp->range ? "RANGE" : "ROWS");
    if (sp->unbounded)
        hf_strbuf_puts(out, "UNBOUNDED PRECEDING");
    else if (sp->range)
        hf_strbuf_printf(out, "%" PRId64 " ms PRECEDING", sp->preceding / 1000);
    else
        hf_strbuf_printf(out, "%" PRId64 " PRECEDING", sp->preceding);
    hf_strbuf_puts(out, ": ");
    for (uint32_t i = 0; i < sp->naggs; i++) {
        const struct hf_over_call *c = &sp->aggs[i];
        hf_strbuf_printf(out, "%s%s(%s%s)", i ? ", " : "",
                         hf_aggfn_name(c->fn.kind),
                         c->fn.distinct ? "DISTINCT " : "",
                         c->arg < 0 ? "*" : sp->in->cols[c->arg].name);
    }
}

static void over_free_spec(void *spec)
{
    hf_over_spec_free(spec);
}

static void over_close(void *state)
{
    struct over *o = state;
    if (o == NULL)
        return;
    if (o->late > o->late_logged)
        hf_log_warn("over aggregate %s: %" PRIu64 " late row(s) dropped "
                    "(their rowtime was not above the watermark)",
                    o->uid, o->late);
    for (uint32_t i = 0; o->acc && i < o->sp->naggs; i++)
        hf_agg_acc_free(&o->acc[i]);
    free(o->acc);
    free(o->types);
    free(o->otypes);
    free(o->orow);
    hf_strbuf_free(&o->obuf);
    free(o->ktypes);
    free(o->atypes);
    free(o->acols);
    free(o->argv);
    free(o->res);
    hf_strbuf_free(&o->key);
    hf_strbuf_free(&o->blob);
    hf_strbuf_free(&o->pend);
    hf_strbuf_free(&o->frame);
    hf_strbuf_free(&o->tmp);
    free(o);
}

static int over_open(const struct hf_op_env *env, void **state,
                     struct hf_error *err)
{
    const struct hf_over_spec *sp = env->node->spec;
    if (env->open_state == NULL)
        return hf_error_set(err, HF_ERR_UNSUPPORTED,
                            "%s: OVER aggregation needs keyed state, which "
                            "this runtime does not provide",
                            env->uid ? env->uid : "over-aggregate");
    struct over *o = calloc(1, sizeof *o);
    if (o == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    *state = o;
    o->sp = sp;
    o->uid = env->uid ? env->uid : "over-aggregate";
    o->pool = env->pool;
    o->ncols = sp->in->ncols;
    o->wm = INT64_MIN;
    o->types = calloc(o->ncols + 1, sizeof *o->types);
    o->otypes = calloc(o->ncols + sp->naggs + 1, sizeof *o->otypes);
    o->orow = calloc(o->ncols + sp->naggs + 1, sizeof *o->orow);
    hf_strbuf_init(&o->obuf, (size_t)1 << 34);
    o->ktypes = calloc(sp->npart + 1, sizeof *o->ktypes);
    o->atypes = calloc(sp->naggs + 1, sizeof *o->atypes);
    o->acols = calloc(sp->naggs + 1, sizeof *o->acols);
    o->argv = calloc(sp->naggs + 1, sizeof *o->argv);
    o->res = calloc(sp->naggs + 1, sizeof *o->res);
    o->acc = calloc(sp->naggs + 1, sizeof *o->acc);
    hf_strbuf_init(&o->key, ROW_MAX);
    hf_strbuf_init(&o->blob, ROW_MAX);
    hf_strbuf_init(&o->pend, ROW_MAX);
    hf_strbuf_init(&o->frame, ROW_MAX);
    hf_strbuf_init(&o->tmp, ROW_MAX);
    if (o->types == NULL || o->otypes == NULL || o->orow == NULL ||
        o->ktypes == NULL || o->atypes == NULL ||
        o->acols == NULL || o->argv == NULL || o->res == NULL || o->acc == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    for (uint32_t c = 0; c < o->ncols; c++)
        o->types[c] = o->otypes[c] = sp->in->cols[c].type;
    for (uint32_t i = 0; i < sp->naggs; i++)
        o->otypes[o->ncols + i] = sp->aggs[i].fn.result;
    for (uint32_t i = 0; i < sp->npart; i++)
        o->ktypes[i] = sp->in->cols[sp->part[i]].type;
    for (uint32_t i = 0; i < sp->naggs; i++) {
        hf_agg_acc_init(&o->acc[i]);
        if (sp->aggs[i].arg >= 0) {
            o->acols[o->nacols] = (uint32_t)sp->aggs[i].arg;
            o->atypes[o->nacols] = sp->in->cols[sp->aggs[i].arg].type;
            o->nacols++;
        }
    }
    if (env->open_state(env, "over", &o->st, err) != 0)
        return -1;
    if (sp->rowtime && env->open_state(env, "timers", &o->tm, err) != 0)
        return -1;
    return 0;
}

/* ------------------------------------------------------------ entries */

static int64_t rd_i64(const char *p)
{
    int64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static uint32_t rd_u32(const char *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static void put_entry(struct hf_strbuf *b, int64_t ts, const void *data,
                      uint32_t len)
{
    hf_strbuf_append(b, &ts, sizeof ts);
    hf_strbuf_append(b, &len, sizeof len);
    hf_strbuf_append(b, data, len);
}

/* The size of the entry at b[off] (12 + its data), 0 when truncated. */
static size_t entry_size(const struct hf_strbuf *b, size_t off)
{
    if (off + 12 > b->len)
        return 0;
    size_t n = 12 + (size_t)rd_u32(b->data + off + 8);
    return off + n > b->len ? 0 : n;
}

static int corrupt(struct over *o, struct hf_error *err)
{
    return hf_error_set(err, HF_ERR_DATA,
                        "%s: a state entry is not one of an OVER aggregate",
                        o->uid);
}

/* Copy n entries from p[0..len) into b; the bytes used, or -1. */
static long take_entries(const char *p, size_t len, uint32_t n,
                         struct hf_strbuf *b)
{
    size_t off = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (off + 12 > len)
            return -1;
        size_t e = 12 + (size_t)rd_u32(p + off + 8);
        if (off + e > len)
            return -1;
        off += e;
    }
    hf_strbuf_append(b, p, off);
    return (long)off;
}

/* Load the current key's state (empty when it has none). 0 or -1. */
static int load(struct over *o, struct hf_error *err)
{
    const struct hf_over_spec *sp = o->sp;
    hf_strbuf_reset(&o->pend);
    hf_strbuf_reset(&o->frame);
    o->npend = o->nframe = 0;
    o->head = 0;
    o->had_timer = false;
    for (uint32_t i = 0; i < sp->naggs; i++)
        hf_agg_acc_reset(&o->acc[i]);
    const void *v;
    size_t vlen;
    int got = hf_state_get(o->st, o->key.data ? o->key.data : "", o->key.len,
                           &v, &vlen, err);
    if (got <= 0)
        return got;
    const char *p = v;
    size_t left = vlen;
    if (left < 4)
        return corrupt(o, err);
    o->npend = rd_u32(p);
    p += 4, left -= 4;
    long n = take_entries(p, left, o->npend, &o->pend);
    if (n < 0 || left - (size_t)n < 4)
        return corrupt(o, err);
    p += n, left -= (size_t)n;
    if (o->npend) {
        o->had_timer = true;
        o->timer_ts = rd_i64(o->pend.data);
    }
    o->nframe = rd_u32(p);
    p += 4, left -= 4;
    if ((n = take_entries(p, left, o->nframe, &o->frame)) < 0)
        return corrupt(o, err);
    p += n, left -= (size_t)n;
    for (uint32_t i = 0; i < sp->naggs; i++) {
        long c = hf_agg_acc_load(&sp->aggs[i].fn, &o->acc[i], p, left, err);
        if (c < 0)
            return -1;
        p += c, left -= (size_t)c;
    }
    if (!hf_strbuf_ok(&o->pend) || !hf_strbuf_ok(&o->frame))
        return hf_error_set(err, HF_ERR_NOMEM, "%s: out of memory", o->uid);
    return 0;
}

/* Store the current key's state (or remove it when it holds nothing a
 * later row needs), and its timer. 0 or -1. */
static int save(struct over *o, struct hf_error *err)
{
    const struct hf_over_spec *sp = o->sp;
    const char *key = o->key.data ? o->key.data : "";
    if (o->tm) {
        /* The timer, written when it changes; with a TTL on every save
         * (as the "over" entry is), else it could expire while the rows
         * it fires wait and the key would never fire. */
        if (o->npend) {
            int64_t ts = rd_i64(o->pend.data);
            if ((!o->had_timer || ts != o->timer_ts ||
                 hf_state_has_ttl(o->tm)) &&
                hf_state_put(o->tm, key, o->key.len, &ts, sizeof ts, err) != 0)
                return -1;
        } else if (o->had_timer &&
                   hf_state_del(o->tm, key, o->key.len, err) != 0) {
            return -1;
        }
    }
    uint32_t nlive = o->nframe;
    bool accs_needed = sp->unbounded;
    if (o->npend == 0 && nlive == 0 && !accs_needed)
        return hf_state_del(o->st, key, o->key.len, err);
    hf_strbuf_reset(&o->blob);
    hf_strbuf_append(&o->blob, &o->npend, 4);
    hf_strbuf_append(&o->blob, o->pend.data ? o->pend.data : "", o->pend.len);
    hf_strbuf_append(&o->blob, &nlive, 4);
    hf_strbuf_append(&o->blob, o->frame.data ? o->frame.data + o->head : "",
                     o->frame.len - o->head);
    for (uint32_t i = 0; i < sp->naggs; i++)
        hf_agg_acc_save(&sp->aggs[i].fn, &o->acc[i], &o->blob);
    if (!hf_strbuf_ok(&o->blob))
        return hf_error_set(err, HF_ERR_DATA,
                            "%s: the state of one partition is larger than "
                            "%u MiB",
                            o->uid, ROW_MAX >> 20);
    return hf_state_put(o->st, key, o->key.len, o->blob.data, o->blob.len, err);
}

/* ------------------------------------------------------------ aggregates */

/* Add (retract false) or retract the arguments `args` (decoded into
 * o->argv, one per aggregate with an argument). */
static int apply(struct over *o, bool retract, struct hf_error *err)
{
    const struct hf_over_spec *sp = o->sp;
    uint32_t k = 0;
    for (uint32_t i = 0; i < sp->naggs; i++) {
        const struct hf_value *v = sp->aggs[i].arg >= 0 ? &o->argv[k++] : NULL;
        int rc = retract
                     ? hf_agg_acc_retract(&sp->aggs[i].fn, &o->acc[i], v, err)
                     : hf_agg_acc_add(&sp->aggs[i].fn, &o->acc[i], v, err);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* Drop the oldest frame entry, retracting its arguments. */
static int pop_frame(struct over *o, struct hf_error *err)
{
    size_t e = entry_size(&o->frame, o->head);
    if (e == 0)
        return corrupt(o, err);
    if (hf_row_decode(o->atypes, o->nacols, o->frame.data + o->head + 12,
                      e - 12, o->argv, NULL, err) < 0)
        return -1;
    if (apply(o, true, err) != 0)
        return -1;
    o->head += e;
    o->nframe--;
    return 0;
}

/* Accumulate one row (its argument bytes enc[0..len), decoded into
 * o->argv) at time ts; a bounded frame keeps it. */
static int accumulate(struct over *o, int64_t ts, const void *enc, uint32_t len,
                      struct hf_error *err)
{
    if (apply(o, false, err) != 0)
        return -1;
    if (o->sp->unbounded)
        return 0;
    if (o->head > 0 && o->head >= o->frame.len / 2) {
        /* Compact: drop what left the frame. */
        memmove(o->frame.data, o->frame.data + o->head, o->frame.len - o->head);
        o->frame.len -= o->head;
        o->head = 0;
    }
    put_entry(&o->frame, ts, enc, len);
    o->nframe++;
    if (!hf_strbuf_ok(&o->frame))
        return hf_error_set(err, HF_ERR_DATA,
                            "%s: the frame of one partition is larger than "
                            "%u MiB",
                            o->uid, ROW_MAX >> 20);
    return 0;
}

/* RANGE bounded: retract the rows older than t - preceding. ROWS
 * bounded: retract until preceding + 1 rows remain. */
static int evict(struct over *o, int64_t t, struct hf_error *err)
{
    const struct hf_over_spec *sp = o->sp;
    if (sp->unbounded)
        return 0;
    if (sp->range) {
        while (o->nframe > 0 &&
               rd_i64(o->frame.data + o->head) < t - sp->preceding)
            if (pop_frame(o, err) != 0)
                return -1;
        return 0;
    }
    while ((int64_t)o->nframe > sp->preceding + 1)
        if (pop_frame(o, err) != 0)
            return -1;
    return 0;
}

/* ------------------------------------------------------------ output */

static int flush(struct over *o, struct hf_error *err)
{
    struct hf_rbuf *r = o->outb;
    o->outb = NULL;
    if (r == NULL)
        return 0;
    int rc = o->out->emit(o->out, r, err);
    hf_rbuf_release(r);
    return rc;
}

/* Buffering (several keys fire): the output row - the encoded input
 * row enc[0..len), then the aggregates' current results - into o->obuf
 * at time ts. */
static int buffer_row(struct over *o, int64_t ts, const void *enc, size_t len,
                      struct hf_error *err)
{
    const struct hf_over_spec *sp = o->sp;
    if (hf_row_decode(o->types, o->ncols, enc, len, o->orow, NULL, err) < 0)
        return -1;
    for (uint32_t i = 0; i < sp->naggs; i++)
        hf_agg_acc_value(&sp->aggs[i].fn, &o->acc[i], &o->orow[o->ncols + i]);
    size_t at = o->obuf.len;
    uint32_t n = 0;
    hf_strbuf_append(&o->obuf, &ts, sizeof ts);
    hf_strbuf_append(&o->obuf, &n, sizeof n);
    hf_row_encode(o->otypes, o->orow, o->ncols + sp->naggs, &o->obuf);
    if (!hf_strbuf_ok(&o->obuf))
        return hf_error_set(err, HF_ERR_NOMEM,
                            "%s: out of memory holding the rows one "
                            "watermark fires",
                            o->uid);
    n = (uint32_t)(o->obuf.len - at - 12);
    memcpy(o->obuf.data + at + 8, &n, sizeof n);
    return 0;
}

/* A new output row: the input row `vals`, or (vals NULL) the encoded row
 * enc[0..len) at time ts, then the aggregates' current results. */
static int emit_row(struct over *o, const struct hf_value *vals,
                    const void *enc, size_t len, int64_t ts,
                    struct hf_error *err)
{
    const struct hf_over_spec *sp = o->sp;
    if (vals == NULL && o->buffering)
        return buffer_row(o, ts, enc, len, err);
    if (o->outb && hf_batch_full(o->outb->b) && flush(o, err) != 0)
        return -1;
    if (o->outb == NULL) {
        if ((o->outb = hf_rbuf_get(o->pool, -1)) == NULL)
            return -1; /* the job is failing */
        if (o->in)
            hf_rbuf_set_parent(o->outb, o->in);
    }
    struct hf_batch *b = o->outb->b;
    struct hf_value *row = hf_batch_add_row(b, HF_ROW_INSERT, -1);
    if (row == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    if (vals) {
        memcpy(row, vals, o->ncols * sizeof *row);
    } else if (hf_row_decode(o->types, o->ncols, enc, len, row, &b->arena,
                             err) < 0) {
        return -1;
    }
    for (uint32_t i = 0; i < sp->naggs; i++) {
        struct hf_value *v = &row[o->ncols + i];
        hf_agg_acc_value(&sp->aggs[i].fn, &o->acc[i], v);
        enum hf_type_id id = sp->aggs[i].fn.result.id;
        if (!v->null && (id == HF_VARCHAR || id == HF_CHAR || id == HF_BYTES ||
                         id == HF_JSON || id == HF_JSONB)) {
            char *c = hf_arena_strndup(&b->arena, v->v.s.ptr, v->v.s.len);
            if (c == NULL)
                return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
            v->v.s.ptr = c;
        }
    }
    return 0;
}

/* The argument bytes of `row` into o->tmp and decoded into o->argv. */
static int args_of(struct over *o, const struct hf_value *row,
                   struct hf_error *err)
{
    hf_strbuf_reset(&o->tmp);
    hf_row_encode_cols(o->atypes, o->acols, row, o->nacols, &o->tmp);
    if (!hf_strbuf_ok(&o->tmp))
        return hf_error_set(err, HF_ERR_DATA, "%s: a row is larger than %u MiB",
                            o->uid, ROW_MAX >> 20);
    for (uint32_t k = 0; k < o->nacols; k++)
        o->argv[k] = row[o->acols[k]];
    return 0;
}

/* ------------------------------------------------------------ rowtime */

/* Emit the current key's pending rows with ts <= wm, in order. */
static int fire_key(struct over *o, int64_t wm, struct hf_error *err)
{
    const struct hf_over_spec *sp = o->sp;
    size_t off = 0;
    uint32_t done = 0;
    struct hf_value *row = NULL;
    while (done < o->npend) {
        size_t e = entry_size(&o->pend, off);
        if (e == 0)
            return corrupt(o, err);
        int64_t ts = rd_i64(o->pend.data + off);
        if (ts > wm)
            break;
        /* The group: this row alone (ROWS), or its peers (RANGE). */
        size_t gend = off + e;
        uint32_t gn = 1;
        while (sp->range && done + gn < o->npend) {
            size_t f = entry_size(&o->pend, gend);
            if (f == 0)
                return corrupt(o, err);
            if (rd_i64(o->pend.data + gend) != ts)
                break;
            gend += f;
            gn++;
        }
        if (sp->range && evict(o, ts, err) != 0)
            return -1;
        for (size_t q = off; q < gend; q += entry_size(&o->pend, q)) {
            const char *enc = o->pend.data + q + 12;
            uint32_t len = rd_u32(o->pend.data + q + 8);
            if (row == NULL &&
                (row = calloc(o->ncols + 1, sizeof *row)) == NULL)
                return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
            if (hf_row_decode(o->types, o->ncols, enc, len, row, NULL, err) <
                    0 ||
                args_of(o, row, err) != 0 ||
                accumulate(o, ts, o->tmp.data ? o->tmp.data : "",
                           (uint32_t)o->tmp.len, err) != 0 ||
                (!sp->range && evict(o, ts, err) != 0)) {
                free(row);
                return -1;
            }
            if (!sp->range && emit_row(o, NULL, enc, len, ts, err) != 0) {
                free(row);
                return -1;
            }
        }
        if (sp->range)
            for (size_t q = off; q < gend; q += entry_size(&o->pend, q))
                if (emit_row(o, NULL, o->pend.data + q + 12,
                             rd_u32(o->pend.data + q + 8), ts, err) != 0) {
                    free(row);
                    return -1;
                }
        off = gend;
        done += gn;
    }
    free(row);
    if (off > 0) {
        memmove(o->pend.data, o->pend.data + off, o->pend.len - off);
        o->pend.len -= off;
        o->npend -= done;
    }
    return 0;
}

/* Queue a row of the current key (loaded) in timestamp order. */
static int queue_row(struct over *o, int64_t ts, const struct hf_value *row,
                     struct hf_error *err)
{
    hf_strbuf_reset(&o->tmp);
    hf_row_encode(o->types, row, o->ncols, &o->tmp);
    if (!hf_strbuf_ok(&o->tmp))
        return hf_error_set(err, HF_ERR_DATA, "%s: a row is larger than %u MiB",
                            o->uid, ROW_MAX >> 20);
    /* After every entry with a timestamp <= ts (usually: at the end). */
    size_t off = 0, at = 0;
    for (uint32_t i = 0; i < o->npend; i++) {
        size_t e = entry_size(&o->pend, off);
        if (e == 0)
            return corrupt(o, err);
        if (rd_i64(o->pend.data + off) <= ts)
            at = off + e;
        off += e;
    }
    if (at == o->pend.len) {
        put_entry(&o->pend, ts, o->tmp.data ? o->tmp.data : "",
                  (uint32_t)o->tmp.len);
    } else {
        struct hf_strbuf nb;
        hf_strbuf_init(&nb, ROW_MAX);
        hf_strbuf_append(&nb, o->pend.data, at);
        put_entry(&nb, ts, o->tmp.data ? o->tmp.data : "",
                  (uint32_t)o->tmp.len);
        hf_strbuf_append(&nb, o->pend.data + at, o->pend.len - at);
        hf_strbuf_free(&o->pend);
        o->pend = nb;
    }
    o->npend++;
    if (!hf_strbuf_ok(&o->pend))
        return hf_error_set(err, HF_ERR_DATA,
                            "%s: the rows waiting for the watermark in one "
                            "partition pass %u MiB",
                            o->uid, ROW_MAX >> 20);
    return 0;
}

static void late_log(struct over *o, bool final)
{
    if (o->late == o->late_logged)
        return;
    int64_t now = hf_now_usec();
    if (!final && now - o->late_log_usec < 1000000)
        return;
    o->late_log_usec = now;
    o->late_logged = o->late;
    hf_log_warn("over aggregate %s: %" PRIu64 " late row(s) dropped so far "
                "(their rowtime was not above the watermark)",
                o->uid, o->late);
}

/* The time of the newest row of the frame (nframe > 0): the last time
 * the key fired. */
static int64_t last_fired(const struct over *o)
{
    size_t off = o->head, last = o->head;
    for (uint32_t i = 0; i < o->nframe; i++) {
        size_t e = entry_size(&o->frame, off);
        if (e == 0)
            break;
        last = off;
        off += e;
    }
    return rd_i64(o->frame.data + last);
}

/* ------------------------------------------------------------ callbacks */

static int one_row(struct over *o, const struct hf_value *row,
                   struct hf_error *err)
{
    const struct hf_over_spec *sp = o->sp;
    if (sp->rowtime) {
        if (row[sp->tcol].null)
            return hf_error_set(err, HF_ERR_DATA,
                                "%s: the rowtime column '%s' is NULL (Flink "
                                "fails the job too)",
                                o->uid, sp->in->cols[sp->tcol].name);
        int64_t ts = row[sp->tcol].v.i;
        if (sp->unbounded && ts <= o->wm) {
            o->late++;
            late_log(o, false);
            return 0;
        }
        if (load(o, err) != 0)
            return -1;
        if (!sp->unbounded && o->nframe > 0 && ts <= last_fired(o)) {
            o->late++;
            late_log(o, false);
            return 0;
        }
        if (queue_row(o, ts, row, err) != 0)
            return -1;
        return save(o, err);
    }
    /* Proctime: now. Evict first: pop_frame decodes the rows leaving
     * into o->argv, which args_of then fills with this row's. */
    int64_t now = sp->now ? sp->now() : hf_now_usec();
    if (load(o, err) != 0)
        return -1;
    if (sp->range && evict(o, now, err) != 0)
        return -1;
    if (args_of(o, row, err) != 0)
        return -1;
    if (accumulate(o, now, o->tmp.data ? o->tmp.data : "", (uint32_t)o->tmp.len,
                   err) != 0)
        return -1;
    if (!sp->range && evict(o, now, err) != 0)
        return -1;
    if (emit_row(o, row, NULL, 0, now, err) != 0)
        return -1;
    return save(o, err);
}

static int set_key(struct over *o, const struct hf_value *row,
                   struct hf_error *err)
{
    hf_strbuf_reset(&o->key);
    hf_row_encode_cols(o->ktypes, o->sp->part, row, o->sp->npart, &o->key);
    if (!hf_strbuf_ok(&o->key))
        return hf_error_set(err, HF_ERR_DATA, "%s: a key is larger than %u MiB",
                            o->uid, ROW_MAX >> 20);
    return 0;
}

static int over_process(void *state, uint32_t input, struct hf_rbuf *in,
                        struct hf_op_out *out, struct hf_error *err)
{
    (void)input;
    struct over *o = state;
    const struct hf_batch *b = in->b;
    o->in = in;
    o->out = out;
    int rc = 0;
    for (uint32_t i = 0; i < b->nrows && rc == 0; i++) {
        const struct hf_value *row = hf_batch_row(b, i);
        if (b->kinds && b->kinds[i] != HF_ROW_INSERT &&
            b->kinds[i] != HF_ROW_UPDATE_AFTER)
            rc = hf_error_set(err, HF_ERR_DATA,
                              "%s: OVER aggregation got a retraction; its "
                              "input must be insert-only",
                              o->uid);
        else
            rc = set_key(o, row, err) != 0 ? -1 : one_row(o, row, err);
    }
    if (rc != 0) {
        hf_rbuf_release(o->outb);
        o->outb = NULL;
        o->in = NULL;
        return -1;
    }
    rc = flush(o, err);
    o->in = NULL;
    return rc;
}

struct due {
    int64_t ts;
    size_t off; /* of the key in the list */
    uint32_t len;
};

static int due_cmp(const void *a, const void *b)
{
    const struct due *x = a, *y = b;
    return x->ts < y->ts ? -1 : x->ts > y->ts ? 1 : 0;
}

/* A buffered output row (o->obuf). */
struct orow {
    int64_t ts;
    size_t off; /* of its entry in o->obuf: the firing order */
};

static int orow_cmp(const void *a, const void *b)
{
    const struct orow *x = a, *y = b;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return x->off < y->off ? -1 : x->off > y->off;
}

/* Emit the buffered rows in timestamp order (equal timestamps: in the
 * order they fired - arrival order within a key, key by key). */
static int emit_buffered(struct over *o, struct hf_error *err)
{
    size_t n = 0, e;
    for (size_t off = 0; (e = entry_size(&o->obuf, off)) != 0; off += e)
        n++;
    struct orow *v = malloc((n + 1) * sizeof *v);
    if (v == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    n = 0;
    for (size_t off = 0; (e = entry_size(&o->obuf, off)) != 0; off += e) {
        v[n].ts = rd_i64(o->obuf.data + off);
        v[n].off = off;
        n++;
    }
    qsort(v, n, sizeof *v, orow_cmp);
    int rc = 0;
    uint32_t w = o->ncols + o->sp->naggs;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (o->outb && hf_batch_full(o->outb->b) && flush(o, err) != 0) {
            rc = -1;
            break;
        }
        if (o->outb == NULL) {
            if ((o->outb = hf_rbuf_get(o->pool, -1)) == NULL) {
                rc = -1; /* the job is failing */
                break;
            }
            if (o->in)
                hf_rbuf_set_parent(o->outb, o->in);
        }
        struct hf_batch *b = o->outb->b;
        struct hf_value *row = hf_batch_add_row(b, HF_ROW_INSERT, -1);
        const char *en = o->obuf.data + v[i].off;
        if (row == NULL)
            rc = hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        else if (hf_row_decode(o->otypes, w, en + 12, rd_u32(en + 8), row,
                               &b->arena, err) < 0)
            rc = -1;
    }
    free(v);
    hf_strbuf_reset(&o->obuf);
    return rc;
}

/* Fire every key whose earliest pending row is <= wm, earliest first.
 * With several keys their rows are emitted in timestamp order across the
 * keys, as Flink's timer queue fires them (each key computes its rows
 * in one load and save; the rows wait in o->obuf, then are sorted). */
static int fire(struct over *o, int64_t wm, struct hf_error *err)
{
    struct hf_strbuf keys;
    hf_strbuf_init(&keys, (size_t)1 << 34);
    struct due *d = NULL;
    size_t nd = 0, cap = 0;
    struct hf_state_iter *it = NULL;
    int rc = hf_state_iter_open(o->tm, NULL, 0, &it, err);
    while (rc == 0) {
        const void *k, *v;
        size_t klen, vlen;
        int got = hf_state_iter_next(it, &k, &klen, &v, &vlen, err);
        if (got <= 0) {
            rc = got;
            break;
        }
        if (vlen != 8 || rd_i64(v) > wm)
            continue;
        if (nd == cap) {
            size_t nc = cap ? cap * 2 : 64;
            struct due *nd2 = realloc(d, nc * sizeof *d);
            if (nd2 == NULL) {
                rc = hf_error_set(err, HF_ERR_NOMEM, "out of memory");
                break;
            }
            d = nd2;
            cap = nc;
        }
        d[nd].ts = rd_i64(v);
        d[nd].off = keys.len;
        d[nd].len = (uint32_t)klen;
        hf_strbuf_append(&keys, k, klen);
        nd++;
    }
    hf_state_iter_close(it);
    if (rc == 0 && !hf_strbuf_ok(&keys))
        rc = hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    if (rc == 0 && nd > 1)
        qsort(d, nd, sizeof *d, due_cmp);
    o->buffering = nd > 1;
    hf_strbuf_reset(&o->obuf);
    for (size_t i = 0; i < nd && rc == 0; i++) {
        hf_strbuf_reset(&o->key);
        hf_strbuf_append(&o->key, keys.data + d[i].off, d[i].len);
        if (load(o, err) != 0 || fire_key(o, wm, err) != 0 || save(o, err) != 0)
            rc = -1;
    }
    o->buffering = false;
    if (rc == 0 && o->obuf.len > 0)
        rc = emit_buffered(o, err);
    hf_strbuf_reset(&o->obuf);
    free(d);
    hf_strbuf_free(&keys);
    if (rc == 0)
        rc = flush(o, err);
    else {
        hf_rbuf_release(o->outb);
        o->outb = NULL;
    }
    return rc;
}

static int over_watermark(void *state, int64_t wm, struct hf_op_out *out,
                          struct hf_error *err)
{
    struct over *o = state;
    if (wm <= o->wm)
        return 0;
    o->wm = wm;
    o->out = out;
    if (!o->sp->rowtime)
        return 0;
    late_log(o, false);
    return fire(o, wm, err);
}

/* The end of the input: a bounded source's last watermark (the maximum)
 * has fired every waiting row; on a stop the waiting rows stay in the
 * state for the next run (as open windows do), so only the late count is
 * logged. */
static int over_end_input(void *state, uint32_t input, struct hf_op_out *out,
                          struct hf_error *err)
{
    (void)input;
    (void)out;
    (void)err;
    late_log(state, true);
    return 0;
}

/* Keyed by the partition columns (the state key). */
static void over_route_key(const struct hf_node *n, const struct hf_schema *in,
                           uint32_t port, const struct hf_value *row,
                           struct hf_strbuf *out)
{
    const struct hf_over_spec *s = n->spec;
    (void)in;
    (void)port;
    hf_row_encode_schema_cols(s->in, s->part, row, s->npart, out);
}

const struct hf_op_class hf_op_over_agg = {
    .name = "over-aggregate",
    .flags = 0,
    .explain = over_explain,
    .free_spec = over_free_spec,
    .open = over_open,
    .process = over_process,
    .end_input = over_end_input,
    .watermark = over_watermark,
    .close = over_close,
    .route_key = over_route_key,
};
