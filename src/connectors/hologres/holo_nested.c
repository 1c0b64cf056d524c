/*
 * holo_nested.c - nested values in PostgreSQL's text and binary forms for
 * their target column (see holo_nested.h).
 *
 * A target is a (base type OID, element type OID, composite description)
 * triple taken from the catalog: a column, an array's element, or a
 * composite's attribute. Scalars inside nested values reuse the sink's
 * scalar encoders: the text form of holo_encode_text(), and for binary the
 * COPY plan of a scalar column of the target's type (so an INT field of an
 * int8 attribute goes as int8, a FLOAT into float8 widened, as for
 * top-level columns).
 *
 * Invariants: nothing is allocated except through the output buffers and
 * one scratch buffer per call; a failing call leaves partial bytes in
 * `out`, which the caller discards.
 */
#include "connectors/hologres/holo_nested.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "connectors/hologres/holo_copy_sql.h"
#include "connectors/hologres/holo_encode.h"
#include "core/valueconv.h"
#include "formats/json_value.h"

#define OID_JSON 114
#define OID_JSONB 3802
#define OID_FLOAT8 701

/* Nesting deeper than this is refused (the types a job declares are far
 * shallower; this bounds the recursion). */
#define MAX_DEPTH 64

struct target {
    Oid oid;
    Oid elem;
    const struct holo_composite *comp;
};

static struct target target_of(const struct holo_column *c)
{
    struct target g = {c->type_oid, c->elem_oid, c->comp};
    return g;
}

static struct target elem_target(struct target g)
{
    struct target e = {g.elem, 0, g.comp};
    return e;
}

bool holo_nested_col(const struct hf_type *t, const struct holo_column *col)
{
    if (!hf_type_is_nested(t->id))
        return false;
    if (t->id != HF_ARRAY || col->elem_oid == 0 || col->comp != NULL)
        return true;
    return hf_type_is_nested(hf_type_elem(t).id);
}

/* ------------------------------------------------------------ shape */

/* The dimensions of a (possibly multidimensional) array value: ARRAY
 * nesting levels of t are dimensions. A sub-array that is NULL, or of
 * another length than its siblings, cannot be stored. *ndim 0 when any
 * dimension is empty (an empty array). */
#define MAX_DIM 6 /* PostgreSQL's MAXDIM */

static int shape_level(const struct hf_type *t, const struct hf_value *v,
                       int level, int *ndim, int *dims, bool *seen,
                       struct hf_error *err)
{
    if (level >= MAX_DIM)
        return hf_error_set(err, HF_ERR_DATA,
                            "an array of more than %d dimensions cannot be "
                            "stored in PostgreSQL",
                            MAX_DIM);
    const struct hf_array *a = v->v.a;
    int n = a ? (int)a->n : 0;
    if (!seen[level]) {
        seen[level] = true;
        dims[level] = n;
        if (level + 1 > *ndim)
            *ndim = level + 1;
    } else if (dims[level] != n) {
        return hf_error_set(err, HF_ERR_DATA,
                            "sub-arrays of a multidimensional array must all "
                            "have the same length (found %d and %d); "
                            "PostgreSQL has no ragged arrays",
                            dims[level], n);
    }
    struct hf_type et = hf_type_elem(t);
    if (et.id != HF_ARRAY)
        return 0;
    for (int i = 0; i < n; i++) {
        if (a->items[i].null)
            return hf_error_set(err, HF_ERR_DATA,
                                "a multidimensional array cannot hold a NULL "
                                "sub-array");
        if (shape_level(&et, &a->items[i], level + 1, ndim, dims, seen, err) !=
            0)
            return -1;
    }
    return 0;
}

static int shape(const struct hf_type *t, const struct hf_value *v, int *ndim,
                 int *dims, struct hf_type *leaf, struct hf_error *err)
{
    bool seen[MAX_DIM] = {false};
    *ndim = 0;
    if (shape_level(t, v, 0, ndim, dims, seen, err) != 0)
        return -1;
    *leaf = hf_type_elem(t);
    while (leaf->id == HF_ARRAY)
        *leaf = hf_type_elem(leaf);
    for (int d = 0; d < *ndim; d++)
        if (dims[d] == 0)
            *ndim = 0;
    return 0;
}

/* ------------------------------------------------------------ JSON */

static int json_text(struct hf_strbuf *out, const struct hf_type *t,
                     const struct hf_value *v, struct hf_error *err)
{
    /* Flink's JSON format with its defaults: SQL timestamps, a NULL map
     * key fails. Only the configuration of the codec is read. */
    static const struct hf_json_codec defaults;
    if (hf_type_is_string(t->id)) /* a string is JSON text already */
        return holo_encode_text(out, t, v, err);
    size_t start = out->len;
    if (hf_json_put_value(&defaults, t, v, out, err) != 0)
        return -1;
    if (hf_strbuf_ok(out) && out->len > start &&
        memchr(out->data + start, 0, out->len - start) != NULL)
        return hf_error_set(err, HF_ERR_DATA,
                            "JSON text with a NUL character cannot be stored");
    return 0;
}

/* ------------------------------------------------------------ text */

static int text_value(struct hf_strbuf *out, struct target g,
                      const struct hf_type *t, const struct hf_value *v,
                      int depth, struct hf_error *err);

/* Array element or record field quoting. */
static bool array_needs_quotes(const char *s, size_t n)
{
    if (n == 0)
        return true;
    if (n == 4 && strncasecmp(s, "NULL", 4) == 0)
        return true;
    for (size_t i = 0; i < n; i++)
        if (strchr("\"\\{},", s[i]) || isspace((unsigned char)s[i]))
            return true;
    return false;
}

static bool record_needs_quotes(const char *s, size_t n)
{
    if (n == 0)
        return true;
    for (size_t i = 0; i < n; i++)
        if (strchr("\"\\(),", s[i]) || isspace((unsigned char)s[i]))
            return true;
    return false;
}

/* Append s quoted: array_in takes a backslash escape, record_in a
 * doubled quote or backslash (record_out doubles both). */
static void put_quoted(struct hf_strbuf *out, const char *s, size_t n,
                       bool record)
{
    hf_strbuf_putc(out, '"');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"' || s[i] == '\\')
            hf_strbuf_putc(out, record ? s[i] : '\\');
        hf_strbuf_putc(out, s[i]);
    }
    hf_strbuf_putc(out, '"');
}

/* One dimension of an array literal: `{e1,e2}`, sub-arrays unquoted. */
static int array_level(struct hf_strbuf *out, struct target eg,
                       const struct hf_type *t, const struct hf_value *v,
                       int depth, struct hf_strbuf *tmp, struct hf_error *err)
{
    const struct hf_array *a = v->v.a;
    struct hf_type et = hf_type_elem(t);
    hf_strbuf_putc(out, '{');
    for (uint32_t i = 0; a && i < a->n; i++) {
        if (i > 0)
            hf_strbuf_putc(out, ',');
        const struct hf_value *x = &a->items[i];
        if (et.id == HF_ARRAY) {
            if (array_level(out, eg, &et, x, depth + 1, tmp, err) != 0)
                return -1;
            continue;
        }
        if (x->null) {
            hf_strbuf_append(out, "NULL", 4);
            continue;
        }
        hf_strbuf_reset(tmp);
        if (text_value(tmp, eg, &et, x, depth + 1, err) != 0) {
            hf_error_prefix(err, "array element %u: ", i + 1);
            return -1;
        }
        const char *s = tmp->data ? tmp->data : "";
        if (array_needs_quotes(s, tmp->len))
            put_quoted(out, s, tmp->len, false);
        else
            hf_strbuf_append(out, s, tmp->len);
    }
    hf_strbuf_putc(out, '}');
    return 0;
}

static int text_value(struct hf_strbuf *out, struct target g,
                      const struct hf_type *t, const struct hf_value *v,
                      int depth, struct hf_error *err)
{
    if (depth > MAX_DEPTH)
        return hf_error_set(err, HF_ERR_DATA, "value nested too deeply");
    if (g.elem != 0) {
        int ndim, dims[MAX_DIM];
        struct hf_type leaf;
        if (t->id != HF_ARRAY)
            return hf_error_set(err, HF_ERR_TYPE, "not an array value");
        if (shape(t, v, &ndim, dims, &leaf, err) != 0)
            return -1;
        if (ndim == 0) {
            hf_strbuf_append(out, "{}", 2);
            return 0;
        }
        struct hf_strbuf tmp;
        hf_strbuf_init(&tmp, 0);
        int rc = array_level(out, elem_target(g), t, v, depth, &tmp, err);
        hf_strbuf_free(&tmp);
        return rc;
    }
    if (g.comp != NULL) {
        if (t->id != HF_ROW)
            return hf_error_set(err, HF_ERR_TYPE, "not a ROW value");
        const struct hf_array *a = v->v.a;
        struct hf_strbuf tmp;
        hf_strbuf_init(&tmp, 0);
        hf_strbuf_putc(out, '(');
        int rc = 0;
        for (uint32_t i = 0; a && i < a->n && i < g.comp->n && rc == 0; i++) {
            if (i > 0)
                hf_strbuf_putc(out, ',');
            if (a->items[i].null)
                continue; /* an empty field is NULL */
            hf_strbuf_reset(&tmp);
            rc = text_value(&tmp, target_of(&g.comp->attrs[i]),
                            hf_type_child(t, i), &a->items[i], depth + 1, err);
            if (rc != 0) {
                hf_error_prefix(err, "field '%s': ", hf_type_field_name(t, i));
                break;
            }
            const char *s = tmp.data ? tmp.data : "";
            if (record_needs_quotes(s, tmp.len))
                put_quoted(out, s, tmp.len, true);
            else
                hf_strbuf_append(out, s, tmp.len);
        }
        hf_strbuf_putc(out, ')');
        hf_strbuf_free(&tmp);
        return rc;
    }
    if (g.oid == OID_JSON || g.oid == OID_JSONB)
        return json_text(out, t, v, err);
    if (t->id == HF_FLOAT && g.oid == OID_FLOAT8) {
        /* widened first, as the binary format and a cast do */
        char buf[64];
        size_t n = hf_double_to_text((double)v->v.f4, buf, sizeof buf);
        hf_strbuf_append(out, buf, n);
        return 0;
    }
    if (hf_type_is_nested(t->id))
        return hf_error_set(err, HF_ERR_TYPE,
                            "a nested value cannot go to a column of type "
                            "OID %u",
                            (unsigned)g.oid);
    return holo_encode_text(out, t, v, err);
}

int holo_nested_text(struct hf_strbuf *out, const struct holo_column *col,
                     const struct hf_type *t, const struct hf_value *v,
                     struct hf_error *err)
{
    return text_value(out, target_of(col), t, v, 0, err);
}

/* ------------------------------------------------------------ binary */

static void put32(struct hf_strbuf *out, uint32_t v)
{
    char *p = hf_strbuf_reserve(out, 4);
    if (p == NULL)
        return;
    p[0] = (char)(v >> 24);
    p[1] = (char)(v >> 16);
    p[2] = (char)(v >> 8);
    p[3] = (char)v;
    hf_strbuf_commit(out, 4);
}

/* Patch the length word at `off` with the bytes written after it. */
static int patch_len(struct hf_strbuf *out, size_t off, struct hf_error *err)
{
    if (!hf_strbuf_ok(out))
        return hf_error_set(err, HF_ERR_NOMEM,
                            "out of memory encoding a nested value");
    size_t len = out->len - off - 4;
    if (len > INT32_MAX)
        return hf_error_set(err, HF_ERR_DATA,
                            "value of %zu bytes is over PostgreSQL's 1 GB "
                            "limit",
                            len);
    unsigned char *p = (unsigned char *)out->data + off;
    p[0] = (unsigned char)(len >> 24);
    p[1] = (unsigned char)(len >> 16);
    p[2] = (unsigned char)(len >> 8);
    p[3] = (unsigned char)len;
    return 0;
}

static int bin_value(struct hf_strbuf *out, struct target g,
                     const struct hf_type *t, const struct hf_value *v,
                     int depth, struct hf_error *err);

/* The leaves of an array value in row-major order, each as a field. */
static int bin_leaves(struct hf_strbuf *out, struct target eg,
                      const struct hf_type *t, const struct hf_value *v,
                      int depth, struct hf_error *err)
{
    const struct hf_array *a = v->v.a;
    struct hf_type et = hf_type_elem(t);
    for (uint32_t i = 0; a && i < a->n; i++) {
        int rc = et.id == HF_ARRAY
                     ? bin_leaves(out, eg, &et, &a->items[i], depth + 1, err)
                     : bin_value(out, eg, &et, &a->items[i], depth + 1, err);
        if (rc != 0) {
            if (et.id != HF_ARRAY)
                hf_error_prefix(err, "array element %u: ", i + 1);
            return -1;
        }
    }
    return 0;
}

static bool any_null_leaf(const struct hf_type *t, const struct hf_value *v)
{
    const struct hf_array *a = v->v.a;
    struct hf_type et = hf_type_elem(t);
    for (uint32_t i = 0; a && i < a->n; i++) {
        if (et.id == HF_ARRAY ? any_null_leaf(&et, &a->items[i])
                              : a->items[i].null)
            return true;
    }
    return false;
}

static int bin_value(struct hf_strbuf *out, struct target g,
                     const struct hf_type *t, const struct hf_value *v,
                     int depth, struct hf_error *err)
{
    if (v->null) {
        put32(out, UINT32_MAX);
        return 0;
    }
    if (depth > MAX_DEPTH)
        return hf_error_set(err, HF_ERR_DATA, "value nested too deeply");
    size_t off = out->len;
    if (g.elem != 0) {
        /* array_recv: ndim, has-null flag, element OID, then per
         * dimension its length and lower bound, then the elements. */
        int ndim, dims[MAX_DIM];
        struct hf_type leaf;
        if (t->id != HF_ARRAY)
            return hf_error_set(err, HF_ERR_TYPE, "not an array value");
        if (shape(t, v, &ndim, dims, &leaf, err) != 0)
            return -1;
        put32(out, 0);
        put32(out, (uint32_t)ndim);
        put32(out, ndim > 0 && any_null_leaf(t, v) ? 1 : 0);
        put32(out, g.elem);
        for (int d = 0; d < ndim; d++) {
            put32(out, (uint32_t)dims[d]);
            put32(out, 1);
        }
        if (ndim > 0 && bin_leaves(out, elem_target(g), t, v, depth, err) != 0)
            return -1;
        return patch_len(out, off, err);
    }
    if (g.comp != NULL) {
        /* record_recv: attribute count, then per attribute its declared
         * type OID and the field. */
        if (t->id != HF_ROW)
            return hf_error_set(err, HF_ERR_TYPE, "not a ROW value");
        const struct hf_array *a = v->v.a;
        put32(out, 0);
        put32(out, g.comp->n);
        for (uint32_t i = 0; i < g.comp->n; i++) {
            const struct holo_column *at = &g.comp->attrs[i];
            put32(out, at->decl_oid ? at->decl_oid : at->type_oid);
            const struct hf_value *x = a && i < a->n ? &a->items[i] : NULL;
            struct hf_value none = {.null = true};
            if (bin_value(out, target_of(at), hf_type_child(t, i),
                          x ? x : &none, depth + 1, err) != 0) {
                hf_error_prefix(err, "field '%s': ", hf_type_field_name(t, i));
                return -1;
            }
        }
        return patch_len(out, off, err);
    }
    if (g.oid == OID_JSON || g.oid == OID_JSONB) {
        put32(out, 0);
        if (g.oid == OID_JSONB)
            hf_strbuf_putc(out, 1); /* jsonb's format version */
        if (json_text(out, t, v, err) != 0)
            return -1;
        return patch_len(out, off, err);
    }
    if (hf_type_is_nested(t->id))
        return hf_error_set(err, HF_ERR_TYPE,
                            "a nested value cannot go to a column of type "
                            "OID %u",
                            (unsigned)g.oid);
    /* A scalar: as a column of the target's type would take it. */
    struct holo_column pseudo;
    memset(&pseudo, 0, sizeof pseudo);
    pseudo.name = "field";
    pseudo.type_oid = g.oid;
    pseudo.type_text = "the field's type";
    struct holo_copy_col plan;
    if (holo_copy_plan_col(0, t, &pseudo, &plan, err) != 0)
        return -1;
    return holo_copy_put_binary(out, &plan, v, err);
}

int holo_nested_binary(struct hf_strbuf *out, const struct holo_column *col,
                       const struct hf_type *t, const struct hf_value *v,
                       struct hf_error *err)
{
    return bin_value(out, target_of(col), t, v, 0, err);
}
