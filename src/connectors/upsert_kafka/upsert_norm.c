/*
 * upsert_norm.c - ChangelogNormalize for the upsert-kafka source, and the
 * packed row form its state uses.
 *
 * An upsert topic says, per key, "the row is now this" (a value) or "the
 * row is gone" (a tombstone). Flink's planner turns that into a full
 * changelog with a ChangelogNormalize operator keeping the last row per
 * key; this file is that operator, run inside the source on each message's
 * rows, so downstream sees exactly Flink's +I / -U / +U / -D sequence:
 *
 *   value, key unseen         -> +I(cur)                 state := cur
 *   value, equal to state     -> nothing
 *   value, differs            -> -U(prev), +U(cur)       state := cur
 *   tombstone, key seen       -> -D(prev)  (the full previous row)
 *   tombstone, key unseen     -> nothing
 *
 * Packed rows: per column one tag byte (0 NULL, 1 value) and then the
 * value: 1 byte BOOLEAN, 8 bytes for integers and date/time types, 4/8 for
 * FLOAT/DOUBLE, 16 for DECIMAL, u32 length + bytes for strings and BYTES,
 * u32 count + items (each tagged, packed by their own type, recursively)
 * for ARRAY, ROW, MAP and MULTISET (a map's items are key, value, key,
 * ...). Native byte order: the bytes never leave the process.
 */
#include <stdlib.h>
#include <string.h>

#include "connectors/upsert_kafka/upsert_int.h"

/* ------------------------------------------------------------ packing */

static bool bytes_type(enum hf_type_id id)
{
    return hf_type_is_string(id) || id == HF_BYTES;
}

static void pack_scalar(enum hf_type_id id, const struct hf_value *v,
                        struct hf_strbuf *out)
{
    if (v->null) {
        hf_strbuf_putc(out, 0);
        return;
    }
    hf_strbuf_putc(out, 1);
    switch (id) {
    case HF_BOOLEAN:
        hf_strbuf_putc(out, v->v.b ? 1 : 0);
        break;
    case HF_FLOAT:
        hf_strbuf_append(out, &v->v.f4, sizeof v->v.f4);
        break;
    case HF_DOUBLE:
        hf_strbuf_append(out, &v->v.f8, sizeof v->v.f8);
        break;
    case HF_DECIMAL:
        hf_strbuf_append(out, &v->v.d.lo, sizeof v->v.d.lo);
        hf_strbuf_append(out, &v->v.d.hi, sizeof v->v.d.hi);
        break;
    default:
        if (bytes_type(id)) {
            uint32_t n = v->v.s.len;
            hf_strbuf_append(out, &n, sizeof n);
            hf_strbuf_append(out, v->v.s.ptr, n);
        } else {
            hf_strbuf_append(out, &v->v.i, sizeof v->v.i);
        }
        break;
    }
}

static void pack_value(const struct hf_type *t, const struct hf_value *v,
                       struct hf_strbuf *out)
{
    if (!hf_type_is_nested(t->id) || v->null) {
        pack_scalar(hf_type_is_nested(t->id) ? HF_INT : t->id, v, out);
        return;
    }
    hf_strbuf_putc(out, 1);
    const struct hf_array *a = v->v.a;
    uint32_t n = a->n;
    hf_strbuf_append(out, &n, sizeof n);
    uint32_t items = hf_array_nitems(t, a);
    bool map = t->id == HF_MAP || t->id == HF_MULTISET;
    for (uint32_t k = 0; k < items; k++)
        pack_value(hf_type_child(t, t->id == HF_ROW ? k : map ? k % 2 : 0),
                   &a->items[k], out);
}

void hfk_row_pack(const struct hf_schema *s, const uint32_t *cols,
                  uint32_t ncols, const struct hf_value *row,
                  struct hf_strbuf *out)
{
    for (uint32_t i = 0; i < ncols; i++) {
        uint32_t c = cols ? cols[i] : i;
        pack_value(&s->cols[c].type, &row[c], out);
    }
}

struct reader {
    const unsigned char *p, *end;
};

static int take(struct reader *r, void *dst, size_t n)
{
    if ((size_t)(r->end - r->p) < n)
        return -1;
    memcpy(dst, r->p, n);
    r->p += n;
    return 0;
}

static int unpack_scalar(enum hf_type_id id, struct reader *r,
                         struct hf_batch *b, struct hf_value *v)
{
    unsigned char tag;
    memset(v, 0, sizeof *v);
    if (take(r, &tag, 1) != 0)
        return -1;
    if (tag == 0) {
        v->null = true;
        return 0;
    }
    switch (id) {
    case HF_BOOLEAN: {
        unsigned char c;
        if (take(r, &c, 1) != 0)
            return -1;
        v->v.b = c != 0;
        return 0;
    }
    case HF_FLOAT:
        return take(r, &v->v.f4, sizeof v->v.f4);
    case HF_DOUBLE:
        return take(r, &v->v.f8, sizeof v->v.f8);
    case HF_DECIMAL:
        if (take(r, &v->v.d.lo, sizeof v->v.d.lo) != 0)
            return -1;
        return take(r, &v->v.d.hi, sizeof v->v.d.hi);
    default:
        break;
    }
    if (bytes_type(id)) {
        uint32_t n;
        if (take(r, &n, sizeof n) != 0 || (size_t)(r->end - r->p) < n)
            return -1;
        if (hf_value_set_str(b, v, (const char *)r->p, n) != 0)
            return -1;
        r->p += n;
        return 0;
    }
    return take(r, &v->v.i, sizeof v->v.i);
}

static int unpack_value(const struct hf_type *t, struct reader *r,
                        struct hf_batch *b, struct hf_value *v, int depth)
{
    if (!hf_type_is_nested(t->id))
        return unpack_scalar(t->id, r, b, v);
    unsigned char tag;
    memset(v, 0, sizeof *v);
    if (depth > 64 || take(r, &tag, 1) != 0)
        return -1;
    if (tag == 0) {
        v->null = true;
        return 0;
    }
    uint32_t n;
    if (take(r, &n, sizeof n) != 0 || n > (size_t)(r->end - r->p))
        return -1;
    struct hf_array *a = hf_array_new(&b->arena, t, n);
    if (a == NULL)
        return -1;
    uint32_t items = hf_array_nitems(t, a);
    bool map = t->id == HF_MAP || t->id == HF_MULTISET;
    for (uint32_t k = 0; k < items; k++)
        if (unpack_value(hf_type_child(t, t->id == HF_ROW ? k : map ? k % 2 : 0),
                         r, b, &a->items[k], depth + 1) != 0)
            return -1;
    v->v.a = a;
    return 0;
}

int hfk_row_unpack(const struct hf_schema *s, const void *p, size_t len,
                   struct hf_batch *b, struct hf_value *row)
{
    struct reader r = {p, (const unsigned char *)p + len};
    for (uint32_t c = 0; c < s->ncols; c++)
        if (unpack_value(&s->cols[c].type, &r, b, &row[c], 0) != 0)
            return -1;
    return r.p == r.end ? 0 : -1;
}

/* ------------------------------------------------------------ normalize */

struct hfk_norm {
    const struct hf_schema *s;
    const uint32_t *key_cols;
    uint32_t nkey;
    struct hfk_map state; /* packed key -> packed row */
    struct hf_strbuf kbuf, rbuf;
};

struct hfk_norm *hfk_norm_new(const struct hf_schema *s,
                              const uint32_t *key_cols, uint32_t nkey)
{
    struct hfk_norm *n = calloc(1, sizeof *n);
    if (n == NULL)
        return NULL;
    n->s = s;
    n->key_cols = key_cols;
    n->nkey = nkey;
    hfk_map_init(&n->state);
    hf_strbuf_init(&n->kbuf, 0);
    hf_strbuf_init(&n->rbuf, 0);
    return n;
}

void hfk_norm_free(struct hfk_norm *n)
{
    if (n == NULL)
        return;
    hfk_map_free(&n->state);
    hf_strbuf_free(&n->kbuf);
    hf_strbuf_free(&n->rbuf);
    free(n);
}

size_t hfk_norm_size(const struct hfk_norm *n)
{
    return n ? n->state.live : 0;
}

/* Remove row i of `b`, moving the later rows down. */
static void remove_row(struct hf_batch *b, uint32_t i)
{
    size_t nc = b->ncols;
    uint32_t after = b->nrows - i - 1;
    if (after > 0) {
        memmove(b->vals + (size_t)i * nc, b->vals + (size_t)(i + 1) * nc,
                (size_t)after * nc * sizeof *b->vals);
        memmove(b->kinds + i, b->kinds + i + 1, after * sizeof *b->kinds);
        memmove(b->origin + i, b->origin + i + 1, after * sizeof *b->origin);
    }
    b->nrows--;
}

/* Insert an empty row before row i (moving rows i.. up); returns it. */
static struct hf_value *insert_row(struct hf_batch *b, uint32_t i,
                                   enum hf_rowkind k, int64_t origin)
{
    if (hf_batch_add_row(b, k, origin) == NULL)
        return NULL;
    size_t nc = b->ncols;
    uint32_t moved = b->nrows - 1 - i;
    if (moved > 0) {
        memmove(b->vals + (size_t)(i + 1) * nc, b->vals + (size_t)i * nc,
                (size_t)moved * nc * sizeof *b->vals);
        memmove(b->kinds + i + 1, b->kinds + i, moved * sizeof *b->kinds);
        memmove(b->origin + i + 1, b->origin + i, moved * sizeof *b->origin);
    }
    struct hf_value *row = hf_batch_row(b, i);
    for (uint32_t c = 0; c < nc; c++) {
        memset(&row[c], 0, sizeof row[c]);
        row[c].null = true;
    }
    b->kinds[i] = (uint8_t)k;
    b->origin[i] = origin;
    return row;
}

static int oom(struct hf_error *err)
{
    return hf_error_set(err, HF_ERR_NOMEM,
                        "upsert-kafka: out of memory keeping the last row of "
                        "each key");
}

int hfk_norm_apply(struct hfk_norm *n, struct hf_batch *out, uint32_t from,
                   bool emit, struct hf_error *err)
{
    uint32_t i = from;
    while (i < out->nrows) {
        struct hf_value *row = hf_batch_row(out, i);
        enum hf_rowkind kind = (enum hf_rowkind)out->kinds[i];
        int64_t origin = out->origin[i];
        hf_strbuf_reset(&n->kbuf);
        hfk_row_pack(n->s, n->key_cols, n->nkey, row, &n->kbuf);
        if (!hf_strbuf_ok(&n->kbuf))
            return oom(err);
        const struct hfk_map_entry *prev =
            hfk_map_get(&n->state, n->kbuf.data, n->kbuf.len);
        if (kind == HF_ROW_DELETE || kind == HF_ROW_UPDATE_BEFORE) {
            if (prev == NULL || !emit) {
                if (prev)
                    hfk_map_del(&n->state, n->kbuf.data, n->kbuf.len);
                remove_row(out, i);
                continue;
            }
            if (hfk_row_unpack(n->s, prev->data + prev->klen, prev->vlen, out,
                               row) != 0)
                return oom(err);
            out->kinds[i] = HF_ROW_DELETE;
            hfk_map_del(&n->state, n->kbuf.data, n->kbuf.len);
            i++;
            continue;
        }
        hf_strbuf_reset(&n->rbuf);
        hfk_row_pack(n->s, NULL, n->s->ncols, row, &n->rbuf);
        if (!hf_strbuf_ok(&n->rbuf))
            return oom(err);
        if (prev && prev->vlen == n->rbuf.len &&
            memcmp(prev->data + prev->klen, n->rbuf.data, n->rbuf.len) == 0) {
            remove_row(out, i); /* the same row again: nothing changes */
            continue;
        }
        if (!emit) {
            if (hfk_map_put(&n->state, n->kbuf.data, n->kbuf.len,
                            n->rbuf.data, n->rbuf.len, true) != 0)
                return oom(err);
            remove_row(out, i);
            continue;
        }
        if (prev == NULL) {
            out->kinds[i] = HF_ROW_INSERT;
        } else {
            struct hf_value *before =
                insert_row(out, i, HF_ROW_UPDATE_BEFORE, origin);
            if (before == NULL ||
                hfk_row_unpack(n->s, prev->data + prev->klen, prev->vlen, out,
                               before) != 0)
                return oom(err);
            i++;
            out->kinds[i] = HF_ROW_UPDATE_AFTER;
        }
        if (hfk_map_put(&n->state, n->kbuf.data, n->kbuf.len, n->rbuf.data,
                        n->rbuf.len, true) != 0)
            return oom(err);
        i++;
    }
    return 0;
}
