/*
 * rank.c - the Top-N operator: ROW_NUMBER() OVER (PARTITION BY k ORDER BY
 * o) filtered to rn <= N, with Flink's changelog (AppendOnlyTopNFunction
 * for insert-only input, RetractableTopNFunction for updating input).
 *
 * State: one entry per partition in the keyed state "rank" (state/state.h),
 * key = the partition columns (core/rowcodec.h), value = the partition's
 * rows in rank order: a u32 count, then per row a u32 length and the row's
 * encoding (all input columns). Rows with equal sort keys keep their
 * arrival order (an earlier row ranks higher), as in Flink. Over
 * insert-only input only the first N rows are kept (a row pushed beyond N
 * can never come back); over updating input every row of the partition is
 * kept, because retracting a row of the top N brings in the next one
 * (Flink keeps the same: its data state holds every row; it has no bounded
 * cache for this case either). A change costs a binary search over the
 * partition (decoding log2(size) rows) and a rewrite of the partition's
 * bytes: linear in the partition's size, which is fine for the usual
 * small N or small partitions and is documented in docs/sql.md.
 *
 * Emit rules (docs/sql.md, Flink's AppendOnlyTopNFunction and
 * RetractableTopNFunction):
 * - a row enters at position p (after every row with an equal or better
 *   sort key). With the row number: each slot s from p to N changes its
 *   occupant, -U(old, s) +U(new, s), and the first empty slot gets
 *   +I(row, s); without: -D of the row pushed out of the top N, then
 *   +I(row). Entering at p > N emits nothing.
 * - a row retracted (-U/-D of the input) at position p <= N: with the row
 *   number the slots after it shift up, -U(old, s) +U(next, s), and the
 *   last slot, when no row fills it, gets -D(last, s); without: -D(row)
 *   then +I of the row that moves up to rank N. A retraction of a row not
 *   in state is dropped (Flink's lenient mode, e.g. after TTL).
 * `emit_before` false drops the -U rows (a consumer that wants only +U).
 *
 * One input, keyed state: not chainable; it is the head of a task.
 */
#include <stdlib.h>
#include <string.h>

#include "core/decimal.h"
#include "core/log.h"
#include "core/rowcodec.h"
#include "ops/op.h"
#include "ops/rank.h"
#include "state/state.h"

#define ROW_MAX (64u << 20) /* one encoded row or key */
#define PART_MAX (1u << 30) /* one partition's bytes */

void hf_rank_spec_free(struct hf_rank_spec *s)
{
    if (s == NULL)
        return;
    free(s->part);
    free(s->order);
    free(s->desc);
    free(s->nulls_first);
    free(s);
}

/* One row of a partition: its encoding (borrowed from the state value or
 * the operator's buffers). */
struct slice {
    const char *p;
    uint32_t len;
};

struct rank {
    const struct hf_rank_spec *sp;
    const struct hf_node *node;
    const char *uid;
    struct hf_state *st;
    struct hf_rbuf_pool *pool;
    struct hf_type *types;  /* the input's column types */
    struct hf_type *ktypes; /* the partition columns' types */
    uint32_t ncols;         /* input columns */
    struct hf_strbuf key, row, val;
    struct slice *rows; /* the partition, in rank order */
    uint32_t nrows, caprows;
    struct hf_value *a, *b; /* scratch decoded rows */
    /* The batch being filled for the current input batch. */
    struct hf_rbuf *outb;
    struct hf_rbuf *in;
    uint64_t dropped_retractions;
};

/* ------------------------------------------------------------ comparing */

/* -1, 0 or 1 for two non-NULL values of type t (ORDER BY semantics). */
static int cmp_value(const struct hf_type *t, const struct hf_value *x,
                     const struct hf_value *y)
{
    switch (t->id) {
    case HF_BOOLEAN:
        return (x->v.b > y->v.b) - (x->v.b < y->v.b);
    case HF_FLOAT:
        return (x->v.f4 > y->v.f4) - (x->v.f4 < y->v.f4);
    case HF_DOUBLE:
        return (x->v.f8 > y->v.f8) - (x->v.f8 < y->v.f8);
    case HF_DECIMAL:
        return hf_dec_cmp(x->v.d, y->v.d);
    case HF_CHAR:
    case HF_VARCHAR:
    case HF_BYTES: {
        uint32_t n = x->v.s.len < y->v.s.len ? x->v.s.len : y->v.s.len;
        int c = n ? memcmp(x->v.s.ptr, y->v.s.ptr, n) : 0;
        if (c)
            return c < 0 ? -1 : 1;
        return (x->v.s.len > y->v.s.len) - (x->v.s.len < y->v.s.len);
    }
    default: /* integers, dates, times, timestamps, intervals */
        return (x->v.i > y->v.i) - (x->v.i < y->v.i);
    }
}

bool hf_rank_sortable(const struct hf_type *t)
{
    switch (t->id) {
    case HF_BOOLEAN:
    case HF_TINYINT:
    case HF_SMALLINT:
    case HF_INT:
    case HF_BIGINT:
    case HF_FLOAT:
    case HF_DOUBLE:
    case HF_DECIMAL:
    case HF_CHAR:
    case HF_VARCHAR:
    case HF_BYTES:
    case HF_DATE:
    case HF_TIME:
    case HF_TIMESTAMP:
    case HF_TIMESTAMP_LTZ:
        return true;
    default:
        return false;
    }
}

/* Compare rows x and y by the ORDER BY: < 0 when x ranks before y. */
static int cmp_rows(const struct rank *k, const struct hf_value *x,
                    const struct hf_value *y)
{
    const struct hf_rank_spec *sp = k->sp;
    for (uint32_t i = 0; i < sp->norder; i++) {
        uint32_t c = sp->order[i];
        const struct hf_value *u = &x[c], *v = &y[c];
        int r;
        if (u->null || v->null) {
            if (u->null && v->null)
                continue;
            /* A NULL ranks first under NULLS FIRST. */
            r = u->null ? -1 : 1;
            if (!sp->nulls_first[i])
                r = -r;
            return r;
        }
        r = cmp_value(&k->types[c], u, v);
        if (sp->desc[i])
            r = -r;
        if (r)
            return r;
    }
    return 0;
}

/* ------------------------------------------------------------ output */

static int out_row(struct rank *k, enum hf_rowkind kind,
                   const struct hf_value *vals, bool decode,
                   const struct slice *enc, int64_t rn, struct hf_error *err)
{
    if (kind == HF_ROW_UPDATE_BEFORE && !k->sp->emit_before)
        return 0;
    if (k->outb == NULL) {
        if ((k->outb = hf_rbuf_get(k->pool, -1)) == NULL)
            return -1; /* the job is failing */
        hf_rbuf_set_parent(k->outb, k->in);
    }
    struct hf_batch *b = k->outb->b;
    struct hf_value *o = hf_batch_add_row(b, kind, -1);
    if (o == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    if (decode) {
        if (hf_row_decode(k->types, k->ncols, enc->p, enc->len, o, &b->arena,
                          err) < 0)
            return -1;
    } else {
        memcpy(o, vals, k->ncols * sizeof *o);
    }
    if (k->sp->out_rn) {
        o[k->ncols].null = false;
        o[k->ncols].v.i = rn;
    }
    return 0;
}

static int out_enc(struct rank *k, enum hf_rowkind kind, const struct slice *s,
                   int64_t rn, struct hf_error *err)
{
    return out_row(k, kind, NULL, true, s, rn, err);
}

/* ------------------------------------------------------------ state */

/* The partition key (empty without PARTITION BY). */
static const char *kdata(const struct rank *k)
{
    return k->key.data ? k->key.data : "";
}

static int reserve_rows(struct rank *k, uint32_t n, struct hf_error *err)
{
    if (n <= k->caprows)
        return 0;
    uint32_t nc = k->caprows ? k->caprows : 16;
    while (nc < n)
        nc *= 2;
    struct slice *r = realloc(k->rows, nc * sizeof *r);
    if (r == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    k->rows = r;
    k->caprows = nc;
    return 0;
}

static uint32_t get_u32(const char *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static int corrupt(struct rank *k, struct hf_error *err)
{
    return hf_error_set(err, HF_ERR_DATA,
                        "%s: the state of a partition is corrupt (run with "
                        "a fresh checkpoint directory)",
                        k->uid);
}

/* Load the partition whose key is in k->key into k->rows (borrowed from
 * the state until the next state call). */
static int load(struct rank *k, struct hf_error *err)
{
    const void *v;
    size_t vlen;
    k->nrows = 0;
    int got = hf_state_get(k->st, kdata(k), k->key.len, &v, &vlen, err);
    if (got <= 0)
        return got;
    const char *p = v, *end = p + vlen;
    if (vlen < 4)
        return corrupt(k, err);
    uint32_t n = get_u32(p);
    p += 4;
    if (reserve_rows(k, n, err) != 0)
        return -1;
    for (uint32_t i = 0; i < n; i++) {
        if (end - p < 4)
            return corrupt(k, err);
        uint32_t len = get_u32(p);
        p += 4;
        if ((size_t)(end - p) < len)
            return corrupt(k, err);
        k->rows[i].p = p;
        k->rows[i].len = len;
        p += len;
    }
    k->nrows = n;
    return 1;
}

/* Write k->rows[0..n) (skipping index `skip`, UINT32_MAX for none, and
 * inserting `ins` before index `at`, UINT32_MAX for none) back. */
static int store(struct rank *k, uint32_t n, uint32_t skip, uint32_t at,
                 const struct slice *ins, struct hf_error *err)
{
    struct hf_strbuf *v = &k->val;
    hf_strbuf_reset(v);
    uint32_t cnt = n - (skip < n ? 1 : 0) + (ins ? 1 : 0);
    if (!k->sp->updating_input && cnt > (uint64_t)k->sp->n)
        cnt = (uint32_t)k->sp->n;
    if (cnt == 0)
        return hf_state_del(k->st, kdata(k), k->key.len, err);
    hf_strbuf_append(v, &cnt, 4);
    uint32_t put = 0;
    for (uint32_t i = 0; i <= n && put < cnt; i++) {
        if (ins && i == at) {
            hf_strbuf_append(v, &ins->len, 4);
            hf_strbuf_append(v, ins->p, ins->len);
            put++;
        }
        if (i == n || i == skip || put == cnt)
            continue;
        hf_strbuf_append(v, &k->rows[i].len, 4);
        hf_strbuf_append(v, k->rows[i].p, k->rows[i].len);
        put++;
    }
    if (!hf_strbuf_ok(v))
        return hf_error_set(err, HF_ERR_DATA,
                            "%s: a partition holds more than %u MiB of rows",
                            k->uid, PART_MAX >> 20);
    return hf_state_put(k->st, kdata(k), k->key.len, v->data, v->len, err);
}

static int decode_into(struct rank *k, const struct slice *s,
                       struct hf_value *vals, struct hf_error *err)
{
    return hf_row_decode(k->types, k->ncols, s->p, s->len, vals, NULL, err) < 0
               ? -1
               : 0;
}

/* The first position whose row ranks after `row` (ties: after them). */
static int upper_bound(struct rank *k, const struct hf_value *row,
                       uint32_t *pos, struct hf_error *err)
{
    uint32_t lo = 0, hi = k->nrows;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (decode_into(k, &k->rows[mid], k->a, err) != 0)
            return -1;
        if (cmp_rows(k, k->a, row) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *pos = lo;
    return 0;
}

/* The first position whose row does not rank before `row`. */
static int lower_bound(struct rank *k, const struct hf_value *row,
                       uint32_t *pos, struct hf_error *err)
{
    uint32_t lo = 0, hi = k->nrows;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (decode_into(k, &k->rows[mid], k->a, err) != 0)
            return -1;
        if (cmp_rows(k, k->a, row) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *pos = lo;
    return 0;
}

/* ------------------------------------------------------------ changes */

static int accumulate(struct rank *k, const struct hf_value *row,
                      struct hf_error *err)
{
    const struct hf_rank_spec *sp = k->sp;
    uint32_t pos;
    if (upper_bound(k, row, &pos, err) != 0)
        return -1;
    uint64_t n = (uint64_t)sp->n, cnt = k->nrows;
    struct slice me = {k->row.data, (uint32_t)k->row.len};
    if (pos < n) {
        if (sp->out_rn) {
            /* Slots pos+1 .. min(cnt, n) change occupant. */
            const struct slice *cur = NULL; /* NULL: the new row */
            uint64_t s = pos;
            for (; s < cnt && s < n; s++) {
                if (out_enc(k, HF_ROW_UPDATE_BEFORE, &k->rows[s],
                            (int64_t)s + 1, err) != 0)
                    return -1;
                int rc = cur ? out_enc(k, HF_ROW_UPDATE_AFTER, cur,
                                       (int64_t)s + 1, err)
                             : out_row(k, HF_ROW_UPDATE_AFTER, row, false, NULL,
                                       (int64_t)s + 1, err);
                if (rc != 0)
                    return -1;
                cur = &k->rows[s];
            }
            if (s < n) {
                int rc =
                    cur ? out_enc(k, HF_ROW_INSERT, cur, (int64_t)s + 1, err)
                        : out_row(k, HF_ROW_INSERT, row, false, NULL,
                                  (int64_t)s + 1, err);
                if (rc != 0)
                    return -1;
            }
        } else {
            if (cnt >= n &&
                out_enc(k, HF_ROW_DELETE, &k->rows[n - 1], 0, err) != 0)
                return -1;
            if (out_row(k, HF_ROW_INSERT, row, false, NULL, 0, err) != 0)
                return -1;
        }
    } else if (!sp->updating_input) {
        return 0; /* beyond the top N forever: not kept */
    }
    return store(k, k->nrows, UINT32_MAX, pos, &me, err);
}

static int retract(struct rank *k, const struct hf_value *row,
                   struct hf_error *err)
{
    const struct hf_rank_spec *sp = k->sp;
    uint32_t lo, hi;
    if (lower_bound(k, row, &lo, err) != 0 || upper_bound(k, row, &hi, err))
        return -1;
    uint32_t idx = UINT32_MAX;
    for (uint32_t i = lo; i < hi && idx == UINT32_MAX; i++)
        if (k->rows[i].len == k->row.len &&
            memcmp(k->rows[i].p, k->row.data, k->row.len) == 0)
            idx = i;
    if (idx == UINT32_MAX) {
        /* Not in state: expired, or never seen (Flink: lenient, skip). */
        if (k->dropped_retractions++ == 0)
            hf_log_warn("%s: a retraction of a row that is not in state "
                        "was dropped (state expired, or the input retracts "
                        "a row it never sent)",
                        k->uid);
        return 0;
    }
    uint64_t n = (uint64_t)sp->n, cnt = k->nrows;
    if (idx < n) {
        if (sp->out_rn) {
            uint64_t s = idx;
            for (; s + 1 < cnt && s < n; s++)
                if (out_enc(k, HF_ROW_UPDATE_BEFORE, &k->rows[s],
                            (int64_t)s + 1, err) != 0 ||
                    out_enc(k, HF_ROW_UPDATE_AFTER, &k->rows[s + 1],
                            (int64_t)s + 1, err) != 0)
                    return -1;
            if (cnt <= n && out_enc(k, HF_ROW_DELETE, &k->rows[cnt - 1],
                                    (int64_t)cnt, err) != 0)
                return -1;
        } else {
            if (out_row(k, HF_ROW_DELETE, row, false, NULL, 0, err) != 0)
                return -1;
            if (cnt > n && out_enc(k, HF_ROW_INSERT, &k->rows[n], 0, err) != 0)
                return -1;
        }
    }
    return store(k, k->nrows, idx, UINT32_MAX, NULL, err);
}

/* ------------------------------------------------------------ operator */

static void rank_explain(const struct hf_node *n, struct hf_strbuf *out)
{
    const struct hf_rank_spec *sp = n->spec;
    hf_strbuf_puts(out, "ROW_NUMBER() over (partition by ");
    for (uint32_t i = 0; i < sp->npart; i++)
        hf_strbuf_printf(out, "%s%s", i ? ", " : "",
                         sp->in->cols[sp->part[i]].name);
    if (sp->npart == 0)
        hf_strbuf_puts(out, "(none)");
    hf_strbuf_puts(out, " order by ");
    for (uint32_t i = 0; i < sp->norder; i++)
        hf_strbuf_printf(out, "%s%s %s nulls %s", i ? ", " : "",
                         sp->in->cols[sp->order[i]].name,
                         sp->desc[i] ? "desc" : "asc",
                         sp->nulls_first[i] ? "first" : "last");
    hf_strbuf_printf(out, ") <= %lld; %s; %s input", (long long)sp->n,
                     sp->out_rn ? "row number output" : "no row number",
                     sp->updating_input ? "updating" : "insert-only");
}

static void rank_free_spec(void *spec)
{
    hf_rank_spec_free(spec);
}

static void rank_close(void *state)
{
    struct rank *k = state;
    if (k == NULL)
        return;
    free(k->types);
    free(k->ktypes);
    free(k->rows);
    free(k->a);
    free(k->b);
    hf_strbuf_free(&k->key);
    hf_strbuf_free(&k->row);
    hf_strbuf_free(&k->val);
    free(k);
}

static int rank_open(const struct hf_op_env *env, void **state,
                     struct hf_error *err)
{
    const struct hf_rank_spec *sp = env->node->spec;
    if (env->open_state == NULL)
        return hf_error_set(err, HF_ERR_UNSUPPORTED,
                            "%s: Top-N needs keyed state, which this runtime "
                            "does not provide",
                            env->uid ? env->uid : "rank");
    struct rank *k = calloc(1, sizeof *k);
    if (k == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    *state = k;
    k->sp = sp;
    k->node = env->node;
    k->uid = env->uid ? env->uid : "rank";
    k->pool = env->pool;
    k->ncols = sp->in->ncols;
    k->types = calloc(k->ncols + 1, sizeof *k->types);
    k->ktypes = calloc(sp->npart + 1, sizeof *k->ktypes);
    k->a = calloc(k->ncols + 1, sizeof *k->a);
    k->b = calloc(k->ncols + 1, sizeof *k->b);
    hf_strbuf_init(&k->key, ROW_MAX);
    hf_strbuf_init(&k->row, ROW_MAX);
    hf_strbuf_init(&k->val, PART_MAX);
    if (k->types == NULL || k->ktypes == NULL || k->a == NULL || k->b == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    for (uint32_t c = 0; c < k->ncols; c++)
        k->types[c] = sp->in->cols[c].type;
    for (uint32_t i = 0; i < sp->npart; i++)
        k->ktypes[i] = sp->in->cols[sp->part[i]].type;
    return env->open_state(env, "rank", &k->st, err);
}

static int flush_out(struct rank *k, struct hf_op_out *out,
                     struct hf_error *err)
{
    struct hf_rbuf *r = k->outb;
    k->outb = NULL;
    if (r == NULL)
        return 0;
    int rc = out->emit(out, r, err);
    hf_rbuf_release(r);
    return rc;
}

static int rank_process(void *state, uint32_t input, struct hf_rbuf *in,
                        struct hf_op_out *out, struct hf_error *err)
{
    (void)input;
    struct rank *k = state;
    const struct hf_batch *b = in->b;
    k->in = in;
    int rc = 0;
    for (uint32_t i = 0; i < b->nrows && rc == 0; i++) {
        const struct hf_value *row = hf_batch_row(b, i);
        hf_strbuf_reset(&k->key);
        hf_strbuf_reset(&k->row);
        hf_row_encode_cols(k->ktypes, k->sp->part, row, k->sp->npart, &k->key);
        hf_row_encode(k->types, row, k->ncols, &k->row);
        if (!hf_strbuf_ok(&k->key) || !hf_strbuf_ok(&k->row)) {
            rc = hf_error_set(err, HF_ERR_DATA,
                              "%s: a row is larger than %u MiB", k->uid,
                              ROW_MAX >> 20);
            break;
        }
        if (load(k, err) < 0) {
            rc = -1;
            break;
        }
        enum hf_rowkind kind = (enum hf_rowkind)b->kinds[i];
        if (kind == HF_ROW_INSERT || kind == HF_ROW_UPDATE_AFTER)
            rc = accumulate(k, row, err);
        else
            rc = retract(k, row, err);
    }
    k->in = NULL;
    if (rc != 0) {
        hf_rbuf_release(k->outb);
        k->outb = NULL;
        return -1;
    }
    return flush_out(k, out, err);
}

/* Keyed by the partition columns (the state key). */
static void rank_route_key(const struct hf_node *n, const struct hf_schema *in,
                           uint32_t port, const struct hf_value *row,
                           struct hf_strbuf *out)
{
    const struct hf_rank_spec *s = n->spec;
    (void)in;
    (void)port;
    hf_row_encode_schema_cols(s->in, s->part, row, s->npart, out);
}

const struct hf_op_class hf_op_rank = {
    .name = "rank",
    .flags = 0,
    .explain = rank_explain,
    .free_spec = rank_free_spec,
    .open = rank_open,
    .process = rank_process,
    .close = rank_close,
    .route_key = rank_route_key,
};
