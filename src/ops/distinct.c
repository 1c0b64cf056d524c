/*
 * distinct.c - the distinct operator (SELECT DISTINCT and UNION without
 * ALL, batch mode): passes on the first row of every distinct value of
 * its columns and drops the repeats.
 *
 * Every row is encoded into a key (per column: a NULL flag, then the
 * value's bytes: fixed width for numbers and times, length and bytes for
 * strings and arrays), looked up in an open-addressing hash set and
 * passed on if new. Two rows are the same when their encodings are, so
 * NULL equals NULL, as DISTINCT wants; FLOAT and DOUBLE compare by bits
 * (Flink's binary rows do too). Keys live in the operator's arena until
 * the end: the state is every distinct row, held in memory (Flink's batch
 * aggregation would spill to disk; holoflow does not, see
 * docs/decisions.md). The first occurrence is passed on at once, so the
 * output is what Flink's batch job gives, in arrival order rather than
 * after the end.
 *
 * The planner places it only in batch mode and only on insert-only rows:
 * in streaming mode, or over updates and deletes, DISTINCT needs keyed
 * state and retractions (issue 8 part 2). One input, and every call on the
 * producer's thread: chainable.
 */
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/strbuf.h"
#include "core/valueconv.h"
#include "ops/op.h"

#define KEY_MAX (64u << 20) /* one row's key; beyond, the row fails */

struct slot {
    uint64_t hash;
    const char *key; /* NULL: empty */
    uint32_t len;
};

struct distinct {
    const struct hf_schema *schema;
    struct hf_rbuf_pool *pool;
    struct slot *slots;
    uint64_t cap, count;
    struct hf_arena keys;
    struct hf_strbuf buf;
};

static void distinct_explain(const struct hf_node *n, struct hf_strbuf *out)
{
    hf_strbuf_puts(out, "on ");
    for (uint32_t c = 0; c < n->schema->ncols; c++)
        hf_strbuf_printf(out, "%s%s", c ? ", " : "", n->schema->cols[c].name);
}

static void distinct_free_spec(void *spec)
{
    (void)spec; /* none: the node's columns say it all */
}

static int distinct_open(const struct hf_op_env *env, void **state,
                         struct hf_error *err)
{
    struct distinct *d = calloc(1, sizeof *d);
    if (d)
        d->slots = calloc(1024, sizeof *d->slots);
    if (d == NULL || d->slots == NULL) {
        free(d);
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    d->cap = 1024;
    d->schema = env->node->schema;
    d->pool = env->pool;
    hf_arena_init(&d->keys);
    hf_strbuf_init(&d->buf, KEY_MAX);
    *state = d;
    return 0;
}

static void put_u32(struct hf_strbuf *b, uint32_t v)
{
    hf_strbuf_append(b, &v, sizeof v);
}

/* The bytes of one non-NULL value of type `t`. */
static void put_value(struct hf_strbuf *b, const struct hf_type *t,
                      enum hf_type_id id, const struct hf_value *v)
{
    switch (id) {
    case HF_BOOLEAN:
        hf_strbuf_putc(b, v->v.b ? 1 : 0);
        return;
    case HF_TINYINT:
    case HF_SMALLINT:
    case HF_INT:
    case HF_BIGINT:
    case HF_DATE:
    case HF_TIME:
    case HF_TIMESTAMP:
    case HF_TIMESTAMP_LTZ:
    case HF_INTERVAL_YM:
    case HF_INTERVAL_DT:
        hf_strbuf_append(b, &v->v.i, sizeof v->v.i);
        return;
    case HF_FLOAT:
        hf_strbuf_append(b, &v->v.f4, sizeof v->v.f4);
        return;
    case HF_DOUBLE:
        hf_strbuf_append(b, &v->v.f8, sizeof v->v.f8);
        return;
    case HF_DECIMAL:
        hf_strbuf_append(b, &v->v.d.lo, sizeof v->v.d.lo);
        hf_strbuf_append(b, &v->v.d.hi, sizeof v->v.d.hi);
        return;
    case HF_CHAR:
    case HF_VARCHAR:
    case HF_BYTES:
    case HF_JSON:
    case HF_JSONB:
        put_u32(b, v->v.s.len);
        hf_strbuf_append(b, v->v.s.ptr, v->v.s.len);
        return;
    case HF_ARRAY: {
        const struct hf_array *a = v->v.a;
        uint32_t n = a ? a->n : 0;
        put_u32(b, n);
        for (uint32_t i = 0; i < n; i++) {
            hf_strbuf_putc(b, a->items[i].null ? 0 : 1);
            if (!a->items[i].null)
                put_value(b, t, t->elem, &a->items[i]);
        }
        return;
    }
    default: {
        /* Any other type: its text, which names the value exactly. */
        struct hf_strbuf tx;
        hf_strbuf_init(&tx, KEY_MAX);
        hf_value_to_text(t, v, &tx);
        put_u32(b, (uint32_t)tx.len);
        hf_strbuf_append(b, tx.data ? tx.data : "", tx.len);
        hf_strbuf_free(&tx);
        return;
    }
    }
}

static uint64_t hash_bytes(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ULL;
    }
    return h ^ (h >> 29);
}

static int grow(struct distinct *d)
{
    uint64_t nc = d->cap * 2;
    struct slot *ns = calloc(nc, sizeof *ns);
    if (ns == NULL)
        return -1;
    for (uint64_t i = 0; i < d->cap; i++) {
        if (d->slots[i].key == NULL)
            continue;
        uint64_t j = d->slots[i].hash & (nc - 1);
        while (ns[j].key)
            j = (j + 1) & (nc - 1);
        ns[j] = d->slots[i];
    }
    free(d->slots);
    d->slots = ns;
    d->cap = nc;
    return 0;
}

/* 1 if the key in d->buf is new (and now kept), 0 if seen, -1 on out of
 * memory. */
static int insert_key(struct distinct *d)
{
    const char *k = d->buf.data ? d->buf.data : "";
    uint32_t len = (uint32_t)d->buf.len;
    uint64_t h = hash_bytes(k, len);
    uint64_t j = h & (d->cap - 1);
    while (d->slots[j].key) {
        if (d->slots[j].hash == h && d->slots[j].len == len &&
            memcmp(d->slots[j].key, k, len) == 0)
            return 0;
        j = (j + 1) & (d->cap - 1);
    }
    char *copy = hf_arena_alloc(&d->keys, len ? len : 1);
    if (copy == NULL)
        return -1;
    memcpy(copy, k, len);
    d->slots[j].hash = h;
    d->slots[j].key = copy;
    d->slots[j].len = len;
    d->count++;
    if (d->count * 4 >= d->cap * 3 && grow(d) != 0)
        return -1;
    return 1;
}

static int distinct_process(void *state, uint32_t input, struct hf_rbuf *in,
                            struct hf_op_out *out, struct hf_error *err)
{
    (void)input;
    struct distinct *d = state;
    const struct hf_batch *b = in->b;
    struct hf_rbuf *r = NULL;
    for (uint32_t i = 0; i < b->nrows; i++) {
        const struct hf_value *row = hf_batch_row(b, i);
        hf_strbuf_reset(&d->buf);
        for (uint32_t c = 0; c < b->ncols; c++) {
            hf_strbuf_putc(&d->buf, row[c].null ? 0 : 1);
            if (!row[c].null)
                put_value(&d->buf, &d->schema->cols[c].type,
                          d->schema->cols[c].type.id, &row[c]);
        }
        if (!hf_strbuf_ok(&d->buf)) {
            hf_rbuf_release(r);
            return hf_error_set(err, HF_ERR_DATA,
                                "DISTINCT: a row is larger than %u MiB",
                                KEY_MAX >> 20);
        }
        int isnew = insert_key(d);
        if (isnew < 0) {
            hf_rbuf_release(r);
            return hf_error_set(err, HF_ERR_NOMEM,
                                "DISTINCT: out of memory holding %llu "
                                "distinct rows",
                                (unsigned long long)d->count);
        }
        if (!isnew)
            continue;
        if (r == NULL && (r = hf_rbuf_get(d->pool, -1)) == NULL)
            return -1; /* the job is failing */
        struct hf_value *o =
            hf_batch_add_row(r->b, (enum hf_rowkind)b->kinds[i], b->origin[i]);
        if (o == NULL) {
            hf_rbuf_release(r);
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        }
        memcpy(o, row, b->ncols * sizeof *o);
    }
    if (r == NULL)
        return 0;
    r->b->src_name = b->src_name;
    r->b->src_part = b->src_part;
    hf_rbuf_set_parent(r, in);
    int rc = out->emit(out, r, err);
    hf_rbuf_release(r);
    return rc;
}

static void distinct_close(void *state)
{
    struct distinct *d = state;
    if (d == NULL)
        return;
    free(d->slots);
    hf_arena_free(&d->keys);
    hf_strbuf_free(&d->buf);
    free(d);
}

const struct hf_op_class hf_op_distinct = {
    .name = "distinct",
    .flags = HF_OP_CHAINABLE,
    .explain = distinct_explain,
    .free_spec = distinct_free_spec,
    .open = distinct_open,
    .process = distinct_process,
    .close = distinct_close,
};
