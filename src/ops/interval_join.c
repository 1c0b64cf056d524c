/*
 * interval_join.c - the interval join operator: an equi-join whose rows
 * match only when l.time - r.time lies within [lower, upper] ms
 * (join.h's time_kind, ltime, rtime, lower, upper), emitting exactly
 * what Flink's TimeIntervalJoin (RowTimeIntervalJoin, ProcTimeIntervalJoin)
 * emits (flink-stateful-sql.md, interval joins). Its inputs are
 * append-only and so is its output: inserts only, for INNER, LEFT, RIGHT
 * and FULL joins alike.
 *
 * With leftRel = -lower and rightRel = upper, a row of side i at time t
 * (its rowtime, or the clock's ms for processing time) meets the other
 * side o's cached rows of its key whose time lies in [t - rel[o],
 * t + rel[i]], unless that window has already expired (Flink's
 * expiration time of the other cache, operator time - rel[o] - 1, a
 * field of the operator, is not below t + rel[i]); while iterating, the
 * other cache's rows at or before its expiration time are removed, an
 * outer side's rows that never matched padded first. The row is cached
 * when the operator time (the watermark, at least 0; or the clock) is
 * below t + rel[i]; then, the side having no cleanup timer for the key,
 * one is set at t + rel[i] + min-cleanup-interval + 1 (the option
 * table.exec.interval-join.min-cleanup-interval, 0 by default). A row not
 * cached (late) that matched nothing is padded at once when its side is outer.
 *
 * Timers fire when the watermark (event time) or the clock (processing
 * time, checked at every input batch) reaches them, in time order (key
 * bytes among equal times): the right cache's timer first, then the
 * left's, each removing its cache's rows at or before operator time -
 * rel[side] - 1 (padding the outer side's unmatched ones) and setting a
 * new timer from the earliest row left, as Flink's removeExpiredRows.
 * So a side's state holds no row older than what the bounds still need.
 * The watermark forwarded is held back by the larger of the two relative
 * bounds (Flink's output delay), so a later window still sees the rows.
 *
 * State (state/state.h, keyed by the join key's bytes): "left" and
 * "right", each key's value { i64 timer (INT64_MIN: none), then entries
 * { i64 time ms, u32 matched, u32 len, len bytes of the row } } in time
 * order. A row whose key has a NULL matches nothing (an outer one is
 * padded when it expires); a row whose time is NULL matches nothing and
 * is padded at once when its side is outer.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/batch.h"
#include "core/rowcodec.h"
#include "core/strbuf.h"
#include "ops/join.h"
#include "ops/op.h"
#include "state/state.h"

#define KEY_MAX (64u << 20)
#define NO_TIMER INT64_MIN

struct irow {
    int64_t t;
    uint32_t matched;
    uint32_t enclen;
    const char *enc;
    struct hf_value *vals;
    bool gone;
};

struct iside {
    struct hf_state *st;
    const char *name;
    uint32_t ncols, off, tcol;
    const uint32_t *keys;
    struct hf_type *types, *ktypes;
    bool outer;
    int64_t rel;   /* leftRelativeSize / rightRelativeSize */
    int64_t exp;   /* Flink's expiration time of this cache */
    int64_t timer; /* of the key loaded */
    struct hf_strbuf blob, nb;
    struct irow *rows;
    uint32_t n, cap;
    struct hf_value *vals;
    uint32_t vcap;
};

struct ijoin {
    const struct hf_join_spec *spec;
    struct iside side[2];
    struct hf_state_backend *own_be;
    struct hf_rbuf_pool *pool;
    int64_t optime;    /* the watermark (>= 0) or the clock, ms */
    int64_t min_clean; /* min-cleanup-interval, ms */
    struct hf_strbuf kbuf, rbuf, timers;
    struct hf_value *joined;
    struct hf_batch *scratch;
    struct hf_rbuf *r;
    struct hf_op_out *out;
    const char *src_name;
    int32_t src_part;
};

static int oom(struct hf_error *err)
{
    return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
}

static int64_t get_i64(const char *p)
{
    int64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static uint32_t get_u32(const char *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static int64_t floor_ms(int64_t us)
{
    return us >= 0 ? us / 1000 : -((-(us + 1)) / 1000) - 1;
}

static int64_t clock_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* ------------------------------------------------------------ state */

/* Parse buf[0..len) into s (timer and rows, decoded). 0 or -1. */
static int side_parse(struct iside *s, const char *buf, size_t len,
                      struct hf_error *err)
{
    s->n = 0;
    s->timer = NO_TIMER;
    if (len < 8)
        return 0;
    s->timer = get_i64(buf);
    uint32_t n = 0;
    for (size_t o = 8; o + 16 <= len; n++)
        o += 16 + (size_t)get_u32(buf + o + 12);
    if (n > s->cap) {
        struct irow *r = realloc(s->rows, n * sizeof *r);
        if (r == NULL)
            return oom(err);
        s->rows = r;
        s->cap = n;
    }
    if (n > s->vcap) {
        struct hf_value *v =
            realloc(s->vals, (size_t)n * (s->ncols ? s->ncols : 1) * sizeof *v);
        if (v == NULL)
            return oom(err);
        s->vals = v;
        s->vcap = n;
    }
    size_t o = 8;
    for (uint32_t i = 0; i < n; i++) {
        struct irow *x = &s->rows[i];
        x->t = get_i64(buf + o);
        x->matched = get_u32(buf + o + 8);
        x->enclen = get_u32(buf + o + 12);
        x->enc = buf + o + 16;
        x->gone = false;
        if (o + 16 + x->enclen > len)
            return hf_error_set(err, HF_ERR_DATA,
                                "interval join: state '%s' holds a damaged "
                                "entry",
                                s->name);
        x->vals = s->vals + (size_t)i * s->ncols;
        if (hf_row_decode(s->types, s->ncols, x->enc, x->enclen, x->vals, NULL,
                          err) < 0)
            return -1;
        o += 16 + x->enclen;
    }
    s->n = n;
    return 0;
}

static int side_load(struct iside *s, const struct hf_strbuf *k,
                     struct hf_error *err)
{
    const void *v;
    size_t vlen;
    s->n = 0;
    s->timer = NO_TIMER;
    int rc =
        hf_state_get(s->st, k->data ? k->data : "", k->len, &v, &vlen, err);
    if (rc <= 0)
        return rc;
    hf_strbuf_reset(&s->blob);
    hf_strbuf_append(&s->blob, v, vlen);
    if (!hf_strbuf_ok(&s->blob))
        return oom(err);
    return side_parse(s, s->blob.data ? s->blob.data : "", vlen, err);
}

static void put_row(struct hf_strbuf *b, int64_t t, uint32_t matched,
                    const char *enc, uint32_t len)
{
    hf_strbuf_append(b, &t, sizeof t);
    hf_strbuf_append(b, &matched, sizeof matched);
    hf_strbuf_append(b, &len, sizeof len);
    hf_strbuf_append(b, enc, len);
}

/* Write s's timer and rows back (with `add`, a new row at time t, after
 * the rows of time <= t); no row and no timer: the key is removed. */
static int side_store(struct iside *s, const struct hf_strbuf *k,
                      const struct hf_strbuf *add, int64_t t, uint32_t matched,
                      struct hf_error *err)
{
    hf_strbuf_reset(&s->nb);
    hf_strbuf_append(&s->nb, &s->timer, sizeof s->timer);
    bool placed = add == NULL, any = false;
    for (uint32_t i = 0; i < s->n; i++) {
        const struct irow *x = &s->rows[i];
        if (!placed && x->t > t) {
            put_row(&s->nb, t, matched, add->data, (uint32_t)add->len);
            placed = any = true;
        }
        if (x->gone)
            continue;
        put_row(&s->nb, x->t, x->matched, x->enc, x->enclen);
        any = true;
    }
    if (!placed) {
        put_row(&s->nb, t, matched, add->data ? add->data : "",
                (uint32_t)add->len);
        any = true;
    }
    if (!hf_strbuf_ok(&s->nb))
        return hf_error_set(err, HF_ERR_DATA,
                            "interval join: the rows of one key on the %s "
                            "side exceed %u MiB",
                            s->name, (KEY_MAX * 4u) >> 20);
    const char *kd = k->data ? k->data : "";
    if (!any && s->timer == NO_TIMER)
        return hf_state_del(s->st, kd, k->len, err);
    return hf_state_put(s->st, kd, k->len, s->nb.data, s->nb.len, err);
}

/* ------------------------------------------------------------ output */

static int flush(struct ijoin *j, struct hf_error *err)
{
    if (j->r == NULL)
        return 0;
    struct hf_rbuf *r = j->r;
    j->r = NULL;
    r->b->src_name = j->src_name;
    r->b->src_part = j->src_part;
    int rc = j->out->emit(j->out, r, err);
    hf_rbuf_release(r);
    return rc;
}

/* +I of side `in`'s row `row` (NULL: NULLs) joined with the other side's
 * `other` (NULL: NULLs); values are copied. */
static int emit_row(struct ijoin *j, uint32_t in, const struct hf_value *row,
                    const struct hf_value *other, int64_t origin,
                    struct hf_error *err)
{
    if (j->r && hf_batch_full(j->r->b) && flush(j, err) != 0)
        return -1;
    if (j->r == NULL && (j->r = hf_rbuf_get(j->pool, -1)) == NULL)
        return -1;
    struct hf_value *o = hf_batch_add_row(j->r->b, HF_ROW_INSERT, origin);
    if (o == NULL)
        return oom(err);
    const struct iside *a = &j->side[in], *b = &j->side[1 - in];
    for (uint32_t c = 0; row && c < a->ncols; c++)
        if (hf_value_copy(&j->r->b->arena, &a->types[c], &o[a->off + c],
                          &row[c], false) < 0)
            return oom(err);
    for (uint32_t c = 0; other && c < b->ncols; c++)
        if (hf_value_copy(&j->r->b->arena, &b->types[c], &o[b->off + c],
                          &other[c], false) < 0)
            return oom(err);
    return 0;
}

static int cond_holds(struct ijoin *j, uint32_t in, const struct hf_value *row,
                      const struct hf_value *other, struct hf_error *err)
{
    if (j->spec->cond == NULL)
        return 1;
    const struct iside *a = &j->side[in], *b = &j->side[1 - in];
    memcpy(j->joined + a->off, row, a->ncols * sizeof *row);
    memcpy(j->joined + b->off, other, b->ncols * sizeof *other);
    hf_batch_reset(j->scratch);
    struct hf_value res;
    if (hf_expr_eval(j->spec->cond, j->joined, j->scratch, &res, err) != 0)
        return -1;
    return !res.null && res.v.b;
}

/* ------------------------------------------------------------ rows */

static int ij_row(struct ijoin *j, uint32_t in, const struct hf_value *row,
                  int64_t origin, struct hf_error *err)
{
    struct iside *me = &j->side[in], *ot = &j->side[1 - in];
    const struct hf_join_spec *s = j->spec;
    int64_t t;
    if (s->time_kind == 2) {
        t = j->optime;
    } else if (row[me->tcol].null) {
        /* No time: it can match nothing (Flink would fail the job). */
        return me->outer ? emit_row(j, in, row, NULL, origin, err) : 0;
    } else {
        t = floor_ms(row[me->tcol].v.i);
    }
    bool has_null = false;
    for (uint32_t k = 0; k < s->nkeys; k++)
        has_null |= row[me->keys[k]].null;
    hf_strbuf_reset(&j->kbuf);
    hf_strbuf_reset(&j->rbuf);
    hf_row_encode_cols(me->ktypes, me->keys, row, s->nkeys, &j->kbuf);
    hf_row_encode(me->types, row, me->ncols, &j->rbuf);
    if (!hf_strbuf_ok(&j->kbuf) || !hf_strbuf_ok(&j->rbuf))
        return hf_error_set(err, HF_ERR_DATA,
                            "interval join: a row is larger than %u MiB",
                            KEY_MAX >> 20);
    int64_t lo = t - ot->rel, hi = t + me->rel;
    bool emitted = false;
    if (ot->exp < hi) {
        ot->exp = j->optime - ot->rel - 1;
        if (!has_null && side_load(ot, &j->kbuf, err) != 0)
            return -1;
        bool changed = false;
        for (uint32_t i = 0; !has_null && i < ot->n; i++) {
            struct irow *x = &ot->rows[i];
            if (x->t >= lo && x->t <= hi) {
                int h = cond_holds(j, in, row, x->vals, err);
                if (h < 0)
                    return -1;
                if (h > 0) {
                    if (emit_row(j, in, row, x->vals, origin, err) != 0)
                        return -1;
                    emitted = true;
                    if (ot->outer && !x->matched) {
                        x->matched = 1;
                        changed = true;
                    }
                }
            }
            if (x->t <= ot->exp) {
                if (ot->outer && !x->matched &&
                    emit_row(j, 1 - in, x->vals, NULL, origin, err) != 0)
                    return -1;
                x->gone = true;
                changed = true;
            }
        }
        if (changed && side_store(ot, &j->kbuf, NULL, 0, 0, err) != 0)
            return -1;
    }
    if (j->optime < hi) {
        if (side_load(me, &j->kbuf, err) != 0)
            return -1;
        if (me->timer == NO_TIMER)
            me->timer = t + me->rel + j->min_clean + 1;
        return side_store(me, &j->kbuf, &j->rbuf, t, emitted ? 1 : 0, err);
    }
    if (!emitted && me->outer)
        return emit_row(j, in, row, NULL, origin, err);
    return 0;
}

/* Flink's removeExpiredRows for side si of the key in kbuf. */
static int expire(struct ijoin *j, uint32_t si, struct hf_error *err)
{
    struct iside *s = &j->side[si];
    s->exp = j->optime - s->rel - 1;
    if (side_load(s, &j->kbuf, err) != 0)
        return -1;
    int64_t earliest = -1;
    for (uint32_t i = 0; i < s->n; i++) {
        struct irow *x = &s->rows[i];
        if (x->t <= s->exp) {
            if (s->outer && !x->matched &&
                emit_row(j, 1 - si, NULL, x->vals, -1, err) != 0)
                return -1;
            x->gone = true;
        } else if (x->t < earliest || earliest < 0) {
            earliest = x->t;
        }
    }
    if (earliest > 0) {
        s->timer = earliest + s->rel + j->min_clean + 1;
    } else {
        s->timer = NO_TIMER;
        for (uint32_t i = 0; i < s->n; i++)
            s->rows[i].gone = true;
    }
    return side_store(s, &j->kbuf, NULL, 0, 0, err);
}

/* A fired timer: { i64 time, u32 klen, key bytes }. */
struct tref {
    int64_t t;
    const char *key;
    uint32_t klen;
};

static int tref_cmp(const void *a, const void *b)
{
    const struct tref *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    uint32_t m = x->klen < y->klen ? x->klen : y->klen;
    int c = memcmp(x->key, y->key, m);
    if (c)
        return c;
    return x->klen < y->klen ? -1 : x->klen > y->klen;
}

/* Fire every timer at or before j->optime, in time order. */
static int fire(struct ijoin *j, struct hf_error *err)
{
    hf_strbuf_reset(&j->timers);
    uint32_t n = 0;
    for (uint32_t si = 0; si < 2; si++) {
        struct hf_state_iter *it;
        if (hf_state_iter_open(j->side[si].st, NULL, 0, &it, err) != 0)
            return -1;
        int r;
        for (;;) {
            const void *k, *v;
            size_t klen, vlen;
            r = hf_state_iter_next(it, &k, &klen, &v, &vlen, err);
            if (r <= 0)
                break;
            if (vlen < 8)
                continue;
            int64_t t = get_i64(v);
            if (t == NO_TIMER || t > j->optime)
                continue;
            uint32_t kl = (uint32_t)klen;
            hf_strbuf_append(&j->timers, &t, sizeof t);
            hf_strbuf_append(&j->timers, &kl, sizeof kl);
            hf_strbuf_append(&j->timers, k, klen);
            n++;
        }
        hf_state_iter_close(it);
        if (r < 0)
            return -1;
    }
    if (n == 0)
        return 0;
    if (!hf_strbuf_ok(&j->timers))
        return oom(err);
    struct tref *tr = malloc(n * sizeof *tr);
    if (tr == NULL)
        return oom(err);
    const char *p = j->timers.data;
    for (uint32_t i = 0; i < n; i++) {
        tr[i].t = get_i64(p);
        tr[i].klen = get_u32(p + 8);
        tr[i].key = p + 12;
        p += 12 + tr[i].klen;
    }
    qsort(tr, n, sizeof *tr, tref_cmp);
    int rc = 0;
    for (uint32_t i = 0; i < n && rc == 0; i++) {
        if (i && tref_cmp(&tr[i], &tr[i - 1]) == 0)
            continue; /* one timer of the key for both sides */
        hf_strbuf_reset(&j->kbuf);
        hf_strbuf_append(&j->kbuf, tr[i].key, tr[i].klen);
        if (!hf_strbuf_ok(&j->kbuf)) {
            rc = oom(err);
            break;
        }
        /* Flink's onTimer: the right cache's timer, then the left's. */
        for (int si = 1; si >= 0 && rc == 0; si--) {
            struct iside *s = &j->side[si];
            if ((rc = side_load(s, &j->kbuf, err)) != 0)
                break;
            if (s->timer == tr[i].t)
                rc = expire(j, (uint32_t)si, err);
        }
    }
    free(tr);
    return rc;
}

/* ------------------------------------------------------------ operator */

static void ij_explain(const struct hf_node *n, struct hf_strbuf *out)
{
    const struct hf_join_spec *s = n->spec;
    hf_strbuf_puts(out, s->text);
}

static void ij_free_spec(void *spec)
{
    hf_join_spec_free(spec);
}

static int side_open(const struct hf_op_env *env, struct ijoin *j, uint32_t i,
                     struct hf_error *err)
{
    const struct hf_join_spec *s = j->spec;
    struct iside *d = &j->side[i];
    const struct hf_column *cols = env->node->schema->cols + (i ? s->nleft : 0);
    d->name = i ? "right" : "left";
    d->ncols = i ? s->nright : s->nleft;
    d->off = i ? s->nleft : 0;
    d->keys = i ? s->rkeys : s->lkeys;
    d->tcol = i ? s->rtime : s->ltime;
    d->rel = i ? s->upper : -s->lower;
    d->outer = i ? s->type == HF_JOINT_RIGHT || s->type == HF_JOINT_FULL
                 : s->type == HF_JOINT_LEFT || s->type == HF_JOINT_FULL;
    d->types = calloc(d->ncols ? d->ncols : 1, sizeof *d->types);
    d->ktypes = calloc(s->nkeys ? s->nkeys : 1, sizeof *d->ktypes);
    if (d->types == NULL || d->ktypes == NULL)
        return oom(err);
    for (uint32_t c = 0; c < d->ncols; c++)
        d->types[c] = cols[c].type;
    for (uint32_t k = 0; k < s->nkeys; k++)
        d->ktypes[k] = cols[d->keys[k]].type;
    hf_strbuf_init(&d->blob, 0);
    hf_strbuf_init(&d->nb, KEY_MAX * 4u);
    if (env->open_state)
        return env->open_state(env, d->name, &d->st, err);
    return hf_state_open(j->own_be, env->uid ? env->uid : "interval-join",
                         d->name, 0, 127, &d->st, err);
}

static int ij_open(const struct hf_op_env *env, void **state,
                   struct hf_error *err)
{
    const struct hf_join_spec *s = env->node->spec;
    struct ijoin *j = calloc(1, sizeof *j);
    if (j == NULL)
        return oom(err);
    *state = j;
    j->spec = s;
    j->pool = env->pool;
    uint32_t width = s->nleft + s->nright;
    hf_strbuf_init(&j->kbuf, KEY_MAX);
    hf_strbuf_init(&j->rbuf, KEY_MAX);
    hf_strbuf_init(&j->timers, 0);
    j->joined = calloc(width ? width : 1, sizeof *j->joined);
    j->scratch = hf_batch_new(1, 1);
    if (j->joined == NULL || j->scratch == NULL)
        return oom(err);
    if (env->open_state == NULL) {
        struct hf_state_config cfg = {.type = HF_STATE_HASHMAP,
                                      .num_retained = 1,
                                      .max_parallelism = 128};
        if (hf_state_backend_open(&cfg, &j->own_be, err) != 0)
            return -1;
    }
    if (side_open(env, j, 0, err) != 0 || side_open(env, j, 1, err) != 0)
        return -1;
    j->min_clean = s->min_clean;
    return 0;
}

static int finish(struct ijoin *j, int rc, struct hf_error *err)
{
    if (rc == 0)
        return flush(j, err);
    if (j->r) {
        hf_rbuf_release(j->r);
        j->r = NULL;
    }
    return rc;
}

static int ij_process(void *state, uint32_t input, struct hf_rbuf *in,
                      struct hf_op_out *out, struct hf_error *err)
{
    struct ijoin *j = state;
    const struct hf_batch *b = in->b;
    j->out = out;
    j->src_name = NULL;
    j->src_part = -1;
    int rc = 0;
    if (j->spec->time_kind == 2) {
        int64_t now = clock_ms();
        if (now > j->optime)
            j->optime = now;
        rc = fire(j, err);
        if (rc == 0)
            rc = flush(j, err);
    }
    j->src_name = b->src_name;
    j->src_part = b->src_part;
    for (uint32_t i = 0; i < b->nrows && rc == 0; i++)
        rc = ij_row(j, input ? 1 : 0, hf_batch_row(b, i), b->origin[i], err);
    return finish(j, rc, err);
}

static int ij_watermark(void *state, int64_t wm, struct hf_op_out *out,
                        struct hf_error *err)
{
    struct ijoin *j = state;
    if (j->spec->time_kind != 1)
        return 0;
    int64_t ms = floor_ms(wm);
    if (ms <= j->optime)
        return 0;
    j->optime = ms;
    j->out = out;
    j->src_name = NULL;
    j->src_part = -1;
    return finish(j, fire(j, err), err);
}

/* Flink's getMaxOutputDelay: rows emitted later may be this much older
 * than the watermark (event time only). */
static int64_t ij_watermark_out(void *state, int64_t wm)
{
    const struct ijoin *j = state;
    if (j->spec->time_kind != 1 || wm == INT64_MAX)
        return wm; /* the final watermark: every row has gone out */
    int64_t d =
        j->side[0].rel > j->side[1].rel ? j->side[0].rel : j->side[1].rel;
    if (d <= 0)
        return wm;
    d *= 1000;
    return wm > INT64_MIN + d ? wm - d : INT64_MIN + 1;
}

static void ij_close(void *state)
{
    struct ijoin *j = state;
    if (j == NULL)
        return;
    for (int i = 0; i < 2; i++) {
        struct iside *d = &j->side[i];
        if (j->own_be && d->st)
            hf_state_close(d->st);
        free(d->types);
        free(d->ktypes);
        free(d->rows);
        free(d->vals);
        hf_strbuf_free(&d->blob);
        hf_strbuf_free(&d->nb);
    }
    hf_state_backend_close(j->own_be);
    if (j->r)
        hf_rbuf_release(j->r);
    hf_strbuf_free(&j->kbuf);
    hf_strbuf_free(&j->rbuf);
    hf_strbuf_free(&j->timers);
    free(j->joined);
    if (j->scratch)
        hf_batch_destroy(j->scratch);
    free(j);
}

/* Keyed by the join key (the state key); the key columns of both sides
 * have one type, so equal keys route alike. */
static void ij_route_key(const struct hf_node *n, const struct hf_schema *in,
                           uint32_t port, const struct hf_value *row,
                           struct hf_strbuf *out)
{
    const struct hf_join_spec *s = n->spec;
    hf_row_encode_schema_cols(in, port ? s->rkeys : s->lkeys, row, s->nkeys,
                              out);
}

const struct hf_op_class hf_op_interval_join = {
    .name = "interval-join",
    .flags = 0,
    .explain = ij_explain,
    .free_spec = ij_free_spec,
    .open = ij_open,
    .process = ij_process,
    .watermark = ij_watermark,
    .watermark_out = ij_watermark_out,
    .close = ij_close,
    .route_key = ij_route_key,
};
