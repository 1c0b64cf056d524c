/*
 * expr_nested.c - evaluating nested values: ROW field access (r.f), array
 * and map subscripts (a[i], m[k]), the constructors ROW(...), ARRAY[...]
 * and MAP[...], CAST between nested types, and the collection functions
 * CARDINALITY, ELEMENT and STR_TO_MAP.
 *
 * Semantics are Flink's: a subscript is 1-based, and an index outside the
 * array (0, negative, past the end) or a key the map does not hold gives
 * NULL, as Flink's generated ITEM code does; a field of a NULL row is NULL;
 * ELEMENT of an empty array is NULL and of an array with more than one
 * element fails the row. A MAP[...] with a repeated key keeps one entry,
 * at the key's first place, with its last value (a Java map's put).
 *
 * Values are built in the output batch's arena (hf_array_new); items that
 * are passed through (a field, an element) keep pointing where they were.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/valueconv.h"
#include "sql/expr_int.h"

static void set_null(struct hf_value *res)
{
    memset(res, 0, sizeof *res);
    res->null = true;
}

static int oom(const struct hf_expr *e, struct hf_error *err)
{
    return hf_x_fail(e, err, HF_ERR_NOMEM, "out of memory");
}

/* ------------------------------------------------------------ equality */

bool hf_x_value_equal(const struct hf_type *t, const struct hf_value *a,
                      const struct hf_value *b)
{
    if (a->null || b->null)
        return a->null && b->null;
    if (!hf_type_is_nested(t->id)) {
        if (!hf_x_comparable(t, t))
            return memcmp(&a->v, &b->v, sizeof a->v) == 0;
        return hf_x_compare(t, a, t, b) == 0;
    }
    const struct hf_array *x = a->v.a, *y = b->v.a;
    if (x == NULL || y == NULL)
        return x == y;
    if (x->n != y->n)
        return false;
    if (t->id == HF_MAP || t->id == HF_MULTISET) {
        /* Same entries in any order. */
        for (uint32_t i = 0; i < x->n; i++) {
            bool found = false;
            for (uint32_t j = 0; j < y->n && !found; j++)
                found =
                    hf_x_value_equal(hf_type_child(t, 0), &x->items[2 * i],
                                     &y->items[2 * j]) &&
                    hf_x_value_equal(hf_type_child(t, 1), &x->items[2 * i + 1],
                                     &y->items[2 * j + 1]);
            if (!found)
                return false;
        }
        return true;
    }
    for (uint32_t i = 0; i < x->n; i++)
        if (!hf_x_value_equal(hf_type_child(t, t->id == HF_ROW ? i : 0),
                              &x->items[i], &y->items[i]))
            return false;
    return true;
}

/* ------------------------------------------------------------ casts */

bool hf_x_cast_nested_supported(const struct hf_type *from,
                                const struct hf_type *to)
{
    if (from->id != to->id || !hf_type_is_nested(from->id))
        return false;
    uint32_t n = hf_type_arity(from);
    if (n != hf_type_arity(to))
        return false;
    for (uint32_t i = 0; i < n; i++) {
        const struct hf_type *f = hf_type_child(from, i),
                             *t = hf_type_child(to, i);
        if (!hf_x_cast_supported(f, t))
            return false;
    }
    return true;
}

int hf_x_cast_nested(const struct hf_type *from, const struct hf_type *to,
                     const struct hf_value *in, struct hf_batch *out,
                     struct hf_value *res, char *why, size_t n,
                     const struct hf_tz *tz)
{
    const struct hf_array *a = in->v.a;
    memset(res, 0, sizeof *res);
    if (a == NULL || hf_type_equal(from, to)) {
        res->v.a = a;
        return 0;
    }
    struct hf_array *r = hf_array_new(&out->arena, to, a->n);
    if (r == NULL) {
        snprintf(why, n, "out of memory");
        return -1;
    }
    uint32_t items = hf_array_nitems(from, a);
    uint32_t arity = hf_type_arity(from);
    for (uint32_t i = 0; i < items; i++) {
        uint32_t c = from->id == HF_ROW ? i : (arity == 2 ? i % 2 : 0);
        const struct hf_type *ft = hf_type_child(from, c),
                             *tt = hf_type_child(to, c);
        if (a->items[i].null) {
            if (tt->not_null) {
                char tn[64];
                snprintf(why, n, "a NULL cannot be part of %s",
                         hf_type_name(to, tn, sizeof tn));
                return -1;
            }
            continue;
        }
        if (hf_x_cast_value(ft, tt, false, &a->items[i], out, &r->items[i], why,
                            n, tz) != 0)
            return -1;
    }
    res->v.a = r;
    return 0;
}

/* ------------------------------------------------------------ access */

static int eval_field(const struct hf_expr *e, const struct hf_value *row,
                      struct hf_batch *out, struct hf_value *res,
                      struct hf_error *err)
{
    struct hf_value r;
    if (hf_expr_eval(e->args[0], row, out, &r, err) != 0)
        return -1;
    if (r.null || r.v.a == NULL || e->column >= r.v.a->n) {
        set_null(res);
        return 0;
    }
    *res = r.v.a->items[e->column];
    return 0;
}

static int eval_item(const struct hf_expr *e, const struct hf_value *row,
                     struct hf_batch *out, struct hf_value *res,
                     struct hf_error *err)
{
    struct hf_value base, key;
    if (hf_expr_eval(e->args[0], row, out, &base, err) != 0 ||
        hf_expr_eval(e->args[1], row, out, &key, err) != 0)
        return -1;
    set_null(res);
    if (base.null || key.null || base.v.a == NULL)
        return 0;
    const struct hf_array *a = base.v.a;
    const struct hf_type *bt = &e->args[0]->type;
    if (bt->id == HF_ARRAY) {
        if (key.v.i >= 1 && key.v.i <= (int64_t)a->n)
            *res = a->items[key.v.i - 1];
        return 0;
    }
    const struct hf_type *kt = hf_type_child(bt, 0);
    for (uint32_t i = 0; i < a->n; i++)
        if (hf_x_value_equal(kt, &a->items[2 * i], &key)) {
            *res = a->items[2 * i + 1];
            break;
        }
    return 0;
}

/* ------------------------------------------------------------ constructors */

static int eval_ctor(const struct hf_expr *e, const struct hf_value *row,
                     struct hf_batch *out, struct hf_value *res,
                     struct hf_error *err)
{
    bool map = e->op == HF_X_MAP_CTOR;
    uint32_t n = map ? e->nargs / 2 : e->nargs;
    struct hf_array *a = hf_array_new(&out->arena, &e->type, n);
    if (a == NULL)
        return oom(e, err);
    if (!map) {
        for (uint32_t i = 0; i < n; i++)
            if (hf_expr_eval(e->args[i], row, out, &a->items[i], err) != 0)
                return -1;
    } else {
        const struct hf_type *kt = hf_type_child(&e->type, 0);
        uint32_t k = 0;
        for (uint32_t i = 0; i < n; i++) {
            struct hf_value key, val;
            if (hf_expr_eval(e->args[2 * i], row, out, &key, err) != 0 ||
                hf_expr_eval(e->args[2 * i + 1], row, out, &val, err) != 0)
                return -1;
            uint32_t j = 0;
            while (j < k && !hf_x_value_equal(kt, &a->items[2 * j], &key))
                j++;
            if (j == k) {
                a->items[2 * k] = key;
                k++;
            }
            a->items[2 * j + 1] = val;
        }
        a->n = k;
    }
    memset(res, 0, sizeof *res);
    res->v.a = a;
    return 0;
}

/* ------------------------------------------------------------ functions */

static int eval_cardinality(const struct hf_expr *e, const struct hf_value *v,
                            struct hf_value *res)
{
    (void)e;
    memset(res, 0, sizeof *res);
    res->v.i = v->v.a ? (int64_t)v->v.a->n : 0;
    return 0;
}

static int eval_element(const struct hf_expr *e, const struct hf_value *v,
                        struct hf_value *res, struct hf_error *err)
{
    const struct hf_array *a = v->v.a;
    if (a == NULL || a->n == 0) {
        set_null(res);
        return 0;
    }
    if (a->n > 1)
        return hf_x_fail(e, err, HF_ERR_DATA,
                         "ELEMENT of an array with %u elements (it takes an "
                         "array of at most one)",
                         a->n);
    *res = a->items[0];
    return 0;
}

/* STR_TO_MAP(text [, list delimiter, key-value delimiter]): Flink splits
 * the text with Java's String.split on both delimiters (regular
 * expressions, ',' and '=' by default); a pair without the key-value
 * delimiter maps the whole pair to NULL. */
static int eval_str_to_map(const struct hf_expr *e, const struct hf_value *v,
                           struct hf_batch *out, struct hf_value *res,
                           struct hf_error *err)
{
    const char *s = v[0].v.s.ptr;
    size_t len = v[0].v.s.len;
    const char *ld = ",", *kd = "=";
    size_t ldn = 1, kdn = 1;
    if (e->nargs == 3) {
        ld = v[1].v.s.ptr;
        ldn = v[1].v.s.len;
        kd = v[2].v.s.ptr;
        kdn = v[2].v.s.len;
    }
    memset(res, 0, sizeof *res);
    if (len == 0) {
        res->v.a = hf_array_new(&out->arena, &e->type, 0);
        return res->v.a ? 0 : oom(e, err);
    }
    uint32_t *parts =
        hf_arena_alloc(&out->arena, (len + 2) * 2 * sizeof *parts);
    if (parts == NULL)
        return oom(e, err);
    uint32_t np;
    char why[200];
    if (hf_x_split(ld, ldn, s, len, 0, parts, &np, why, sizeof why) != 0)
        return hf_x_fail(e, err, HF_ERR_DATA, "bad list delimiter: %s", why);
    struct hf_array *a = hf_array_new(&out->arena, &e->type, np);
    if (a == NULL)
        return oom(e, err);
    const struct hf_type *kt = hf_type_child(&e->type, 0);
    uint32_t k = 0;
    for (uint32_t i = 0; i < np; i++) {
        const char *pair = s + parts[2 * i];
        size_t plen = parts[2 * i + 1];
        uint32_t kv[8];
        uint32_t nkv = 1;
        kv[0] = 0;
        kv[1] = (uint32_t)plen;
        if (plen > 0 &&
            hf_x_split(kd, kdn, pair, plen, 2, kv, &nkv, why, sizeof why) != 0)
            return hf_x_fail(e, err, HF_ERR_DATA, "bad key-value delimiter: %s",
                             why);
        struct hf_value key, val;
        memset(&key, 0, sizeof key);
        memset(&val, 0, sizeof val);
        val.null = true;
        key.v.s.ptr = pair + kv[0];
        key.v.s.len = kv[1];
        if (nkv >= 2) {
            val.null = false;
            val.v.s.ptr = pair + kv[2];
            val.v.s.len = kv[3];
        } else {
            key.v.s.ptr = pair;
            key.v.s.len = (uint32_t)plen;
        }
        uint32_t j = 0;
        while (j < k && !hf_x_value_equal(kt, &a->items[2 * j], &key))
            j++;
        if (j == k) {
            a->items[2 * k] = key;
            k++;
        }
        a->items[2 * j + 1] = val;
    }
    a->n = k;
    res->v.a = a;
    return 0;
}

static int eval_func(const struct hf_expr *e, const struct hf_value *row,
                     struct hf_batch *out, struct hf_value *res,
                     struct hf_error *err)
{
    struct hf_value v[3];
    memset(v, 0, sizeof v);
    for (uint32_t i = 0; i < e->nargs && i < 3; i++) {
        if (hf_expr_eval(e->args[i], row, out, &v[i], err) != 0)
            return -1;
        if (v[i].null) {
            set_null(res);
            return 0;
        }
    }
    switch (e->fn) {
    case HF_FN_CARDINALITY:
        return eval_cardinality(e, &v[0], res);
    case HF_FN_ELEMENT:
        return eval_element(e, &v[0], res, err);
    case HF_FN_STR_TO_MAP:
        return eval_str_to_map(e, v, out, res, err);
    default:
        return hf_x_fail(e, err, HF_ERR_FAIL, "not a collection function");
    }
}

int hf_x_eval_nested(const struct hf_expr *e, const struct hf_value *row,
                     struct hf_batch *out, struct hf_value *res,
                     struct hf_error *err)
{
    switch (e->op) {
    case HF_X_FIELD:
        return eval_field(e, row, out, res, err);
    case HF_X_ITEM:
        return eval_item(e, row, out, res, err);
    case HF_X_ROW_CTOR:
    case HF_X_ARRAY_CTOR:
    case HF_X_MAP_CTOR:
        return eval_ctor(e, row, out, res, err);
    case HF_X_FUNC:
        return eval_func(e, row, out, res, err);
    default:
        return hf_x_fail(e, err, HF_ERR_FAIL, "not a nested expression");
    }
}
