/*
 * avro_resolve.c - Avro schemas parsed with their logical types and
 * defaults, and records read with the writer's schema into the table's
 * columns (the rules are in avro_resolve.h).
 *
 * Parsing keeps every node of a schema in one list owned by the schema, so
 * named types referenced more than once (or recursively) are freed once.
 * Names follow the Avro specification: a name with a dot is a full name,
 * otherwise the explicit "namespace" or the enclosing one applies, and a
 * reference is looked up in the enclosing namespace first, then as given.
 *
 * Reading never trusts the record: a length or a block count is compared
 * with the bytes left before anything is copied or allocated, and values
 * land in the batch's arena (no malloc per value).
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include "core/decimal.h"
#include "core/valueconv.h"
#include "formats/avro_int.h"
#include "formats/avro_resolve.h"
#include "formats/format_int.h"

struct hf_avs_schema {
    struct hf_avs_node *root;
    struct hf_avs_node **nodes; /* every node, to free */
    size_t nnodes, cap;
};

/* ------------------------------------------------------------ parse */

struct parse {
    struct hf_avs_schema *s;
    struct hf_error *err;
    int depth;
};

static struct hf_avs_node *new_node(struct parse *ps, enum hf_avs_kind k)
{
    struct hf_avs_schema *s = ps->s;
    if (s->nnodes == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 16;
        struct hf_avs_node **a = realloc(s->nodes, nc * sizeof *a);
        if (a == NULL)
            return NULL;
        s->nodes = a;
        s->cap = nc;
    }
    struct hf_avs_node *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->kind = k;
    s->nodes[s->nnodes++] = t;
    return t;
}

static int oom(struct parse *ps)
{
    return hf_error_set(ps->err, HF_ERR_NOMEM, "avro schema: out of memory");
}

static const char *const prim_names[] = {"null",  "boolean", "int",   "long",
                                         "float", "double",  "bytes", "string"};

static int prim_kind(const char *name)
{
    for (int k = 0; k < (int)(sizeof prim_names / sizeof prim_names[0]); k++)
        if (strcmp(name, prim_names[k]) == 0)
            return k; /* HF_AVS_NULL .. HF_AVS_STRING in order */
    return -1;
}

/* The full name of `name` in namespace `ns` (malloc'ed). */
static char *full_name(const char *name, const char *ns)
{
    size_t nl = strlen(name), sl = ns ? strlen(ns) : 0;
    if (strchr(name, '.') != NULL || sl == 0)
        return strdup(name);
    char *f = malloc(sl + 1 + nl + 1);
    if (f == NULL)
        return NULL;
    memcpy(f, ns, sl);
    f[sl] = '.';
    memcpy(f + sl + 1, name, nl + 1);
    return f;
}

/* The namespace part of a full name (malloc'ed; "" when there is none). */
static char *name_space(const char *full)
{
    const char *dot = strrchr(full, '.');
    return strndup(full, dot ? (size_t)(dot - full) : 0);
}

static struct hf_avs_node *find_named(struct parse *ps, const char *full)
{
    for (size_t i = 0; i < ps->s->nnodes; i++) {
        struct hf_avs_node *t = ps->s->nodes[i];
        if (t->name && strcmp(t->name, full) == 0)
            return t;
    }
    return NULL;
}

static struct hf_avs_node *parse_type(struct parse *ps, json_object *j,
                                      const char *ns, const char *where);

static const char *jstr(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static void set_logical(struct hf_avs_node *t, json_object *o)
{
    const char *lt = jstr(o, "logicalType");
    if (lt == NULL)
        return;
    static const struct {
        const char *name;
        enum hf_avs_kind kind;
        enum hf_avs_logical l;
    } map[] = {
        {"date", HF_AVS_INT, HF_AVL_DATE},
        {"time-millis", HF_AVS_INT, HF_AVL_TIME_MILLIS},
        {"time-micros", HF_AVS_LONG, HF_AVL_TIME_MICROS},
        {"timestamp-millis", HF_AVS_LONG, HF_AVL_TS_MILLIS},
        {"timestamp-micros", HF_AVS_LONG, HF_AVL_TS_MICROS},
        {"local-timestamp-millis", HF_AVS_LONG, HF_AVL_LTS_MILLIS},
        {"local-timestamp-micros", HF_AVS_LONG, HF_AVL_LTS_MICROS},
    };
    /* As the specification says, a logical type that does not fit its
     * type is ignored. */
    if (strcmp(lt, "decimal") == 0 &&
        (t->kind == HF_AVS_BYTES || t->kind == HF_AVS_FIXED)) {
        json_object *p = NULL, *sc = NULL;
        if (!json_object_object_get_ex(o, "precision", &p) ||
            !json_object_is_type(p, json_type_int))
            return;
        int prec = json_object_get_int(p);
        int scale = 0;
        if (json_object_object_get_ex(o, "scale", &sc)) {
            if (!json_object_is_type(sc, json_type_int))
                return;
            scale = json_object_get_int(sc);
        }
        if (prec < 1 || scale < 0 || scale > prec)
            return;
        t->logical = HF_AVL_DECIMAL;
        t->precision = prec;
        t->scale = scale;
        return;
    }
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(lt, map[i].name) == 0 && t->kind == map[i].kind)
            t->logical = map[i].l;
}

/* "name" of a named type, registered under its full name. */
static struct hf_avs_node *named(struct parse *ps, json_object *o,
                                 enum hf_avs_kind k, const char *ns,
                                 const char *where, char **own_ns)
{
    const char *name = jstr(o, "name");
    if (name == NULL || name[0] == '\0') {
        hf_error_set(ps->err, HF_ERR_DATA,
                     "avro schema: %s: a %s needs a \"name\"", where,
                     k == HF_AVS_RECORD ? "record"
                     : k == HF_AVS_ENUM ? "enum"
                                        : "fixed");
        return NULL;
    }
    const char *explicit_ns = jstr(o, "namespace");
    char *full = full_name(name, explicit_ns ? explicit_ns : ns);
    if (full == NULL) {
        oom(ps);
        return NULL;
    }
    if (find_named(ps, full) != NULL) {
        hf_error_set(ps->err, HF_ERR_DATA,
                     "avro schema: %s: the name '%s' is defined twice", where,
                     full);
        free(full);
        return NULL;
    }
    struct hf_avs_node *t = new_node(ps, k);
    if (t == NULL) {
        free(full);
        oom(ps);
        return NULL;
    }
    t->name = full;
    *own_ns = name_space(full);
    if (*own_ns == NULL) {
        oom(ps);
        return NULL;
    }
    return t;
}

static int parse_record(struct parse *ps, struct hf_avs_node *t, json_object *o,
                        const char *ns, const char *where)
{
    json_object *fields = NULL;
    if (!json_object_object_get_ex(o, "fields", &fields) ||
        !json_object_is_type(fields, json_type_array))
        return hf_error_set(ps->err, HF_ERR_DATA,
                            "avro schema: %s: record '%s' needs an array "
                            "\"fields\"",
                            where, t->name);
    size_t n = json_object_array_length(fields);
    t->sub = calloc(n ? n : 1, sizeof *t->sub);
    t->names = calloc(n ? n : 1, sizeof *t->names);
    t->defaults = calloc(n ? n : 1, sizeof *t->defaults);
    if (t->sub == NULL || t->names == NULL || t->defaults == NULL)
        return oom(ps);
    for (size_t i = 0; i < n; i++) {
        json_object *f = json_object_array_get_idx(fields, i);
        const char *fname =
            json_object_is_type(f, json_type_object) ? jstr(f, "name") : NULL;
        if (fname == NULL)
            return hf_error_set(ps->err, HF_ERR_DATA,
                                "avro schema: %s: field %zu of record '%s' "
                                "has no \"name\"",
                                where, i + 1, t->name);
        for (uint32_t k = 0; k < t->n; k++)
            if (strcmp(t->names[k], fname) == 0)
                return hf_error_set(ps->err, HF_ERR_DATA,
                                    "avro schema: %s: record '%s' has two "
                                    "fields named '%s'",
                                    where, t->name, fname);
        json_object *ft = NULL, *def = NULL;
        if (!json_object_object_get_ex(f, "type", &ft))
            return hf_error_set(ps->err, HF_ERR_DATA,
                                "avro schema: %s: field '%s' of record '%s' "
                                "has no \"type\"",
                                where, fname, t->name);
        t->names[t->n] = strdup(fname);
        if (t->names[t->n] == NULL)
            return oom(ps);
        if (json_object_object_get_ex(f, "default", &def)) {
            const char *txt =
                json_object_to_json_string_ext(def, JSON_C_TO_STRING_PLAIN);
            t->defaults[t->n] = strdup(txt ? txt : "null");
            if (t->defaults[t->n] == NULL) {
                free(t->names[t->n]);
                return oom(ps);
            }
        }
        t->n++;
        char fw[256];
        snprintf(fw, sizeof fw, "%s.%s", where, fname);
        t->sub[t->n - 1] = parse_type(ps, ft, ns, fw);
        if (t->sub[t->n - 1] == NULL)
            return -1;
    }
    return 0;
}

static struct hf_avs_node *parse_object(struct parse *ps, json_object *o,
                                        const char *ns, const char *where)
{
    const char *type = jstr(o, "type");
    json_object *tv = NULL;
    if (type == NULL) {
        /* {"type": {...}} or {"type": [...]}: the inner type. */
        if (json_object_object_get_ex(o, "type", &tv))
            return parse_type(ps, tv, ns, where);
        hf_error_set(ps->err, HF_ERR_DATA,
                     "avro schema: %s: an object without \"type\"", where);
        return NULL;
    }
    int pk = prim_kind(type);
    if (pk >= 0) {
        struct hf_avs_node *t = new_node(ps, (enum hf_avs_kind)pk);
        if (t == NULL) {
            oom(ps);
            return NULL;
        }
        set_logical(t, o);
        return t;
    }
    char *own = NULL;
    struct hf_avs_node *t = NULL;
    if (strcmp(type, "record") == 0 || strcmp(type, "error") == 0) {
        t = named(ps, o, HF_AVS_RECORD, ns, where, &own);
        if (t != NULL && parse_record(ps, t, o, own, where) != 0)
            t = NULL;
    } else if (strcmp(type, "enum") == 0) {
        t = named(ps, o, HF_AVS_ENUM, ns, where, &own);
        json_object *syms = NULL;
        if (t != NULL && (!json_object_object_get_ex(o, "symbols", &syms) ||
                          !json_object_is_type(syms, json_type_array))) {
            hf_error_set(ps->err, HF_ERR_DATA,
                         "avro schema: %s: enum '%s' needs an array "
                         "\"symbols\"",
                         where, t->name);
            t = NULL;
        }
        if (t != NULL) {
            size_t n = json_object_array_length(syms);
            t->names = calloc(n ? n : 1, sizeof *t->names);
            if (t->names == NULL) {
                oom(ps);
                t = NULL;
            }
            for (size_t i = 0; t != NULL && i < n; i++) {
                json_object *sy = json_object_array_get_idx(syms, i);
                const char *txt = json_object_is_type(sy, json_type_string)
                                      ? json_object_get_string(sy)
                                      : NULL;
                if (txt == NULL) {
                    hf_error_set(ps->err, HF_ERR_DATA,
                                 "avro schema: %s: enum '%s': symbol %zu is "
                                 "not a string",
                                 where, t->name, i + 1);
                    t = NULL;
                } else if ((t->names[t->n] = strdup(txt)) == NULL) {
                    oom(ps);
                    t = NULL;
                } else {
                    t->n++;
                }
            }
        }
    } else if (strcmp(type, "fixed") == 0) {
        t = named(ps, o, HF_AVS_FIXED, ns, where, &own);
        json_object *sz = NULL;
        if (t != NULL && (!json_object_object_get_ex(o, "size", &sz) ||
                          !json_object_is_type(sz, json_type_int) ||
                          json_object_get_int64(sz) < 0)) {
            hf_error_set(ps->err, HF_ERR_DATA,
                         "avro schema: %s: fixed '%s' needs a \"size\" of 0 "
                         "or more",
                         where, t->name);
            t = NULL;
        }
        if (t != NULL) {
            t->size = json_object_get_int64(sz);
            set_logical(t, o);
        }
    } else if (strcmp(type, "array") == 0 || strcmp(type, "map") == 0) {
        bool arr = type[0] == 'a';
        json_object *it = NULL;
        if (!json_object_object_get_ex(o, arr ? "items" : "values", &it)) {
            hf_error_set(ps->err, HF_ERR_DATA,
                         "avro schema: %s: an %s needs \"%s\"", where,
                         arr ? "array" : "map", arr ? "items" : "values");
            return NULL;
        }
        t = new_node(ps, arr ? HF_AVS_ARRAY : HF_AVS_MAP);
        if (t == NULL || (t->sub = calloc(1, sizeof *t->sub)) == NULL) {
            oom(ps);
            return NULL;
        }
        t->n = 1;
        t->sub[0] = parse_type(ps, it, ns, where);
        if (t->sub[0] == NULL)
            return NULL;
        return t;
    } else {
        /* {"type": "SomeName"}: a reference. */
        return parse_type(ps, json_object_object_get(o, "type"), ns, where);
    }
    free(own);
    return t;
}

static struct hf_avs_node *parse_type(struct parse *ps, json_object *j,
                                      const char *ns, const char *where)
{
    if (++ps->depth > HF_AVS_MAX_DEPTH) {
        hf_error_set(ps->err, HF_ERR_DATA,
                     "avro schema: %s: nested more than %d levels", where,
                     HF_AVS_MAX_DEPTH);
        return NULL;
    }
    struct hf_avs_node *t = NULL;
    switch (json_object_get_type(j)) {
    case json_type_string: {
        const char *name = json_object_get_string(j);
        int pk = prim_kind(name);
        if (pk >= 0) {
            t = new_node(ps, (enum hf_avs_kind)pk);
            if (t == NULL)
                oom(ps);
            break;
        }
        char *full = full_name(name, ns);
        if (full == NULL) {
            oom(ps);
            break;
        }
        t = find_named(ps, full);
        if (t == NULL)
            t = find_named(ps, name);
        if (t == NULL)
            hf_error_set(ps->err, HF_ERR_DATA,
                         "avro schema: %s: unknown type '%s'", where, name);
        free(full);
        break;
    }
    case json_type_array: {
        size_t n = json_object_array_length(j);
        t = new_node(ps, HF_AVS_UNION);
        if (t == NULL || (t->sub = calloc(n ? n : 1, sizeof *t->sub)) == NULL) {
            oom(ps);
            t = NULL;
            break;
        }
        for (size_t i = 0; i < n; i++) {
            t->sub[i] =
                parse_type(ps, json_object_array_get_idx(j, i), ns, where);
            if (t->sub[i] == NULL) {
                t = NULL;
                break;
            }
            if (t->sub[i]->kind == HF_AVS_UNION) {
                hf_error_set(ps->err, HF_ERR_DATA,
                             "avro schema: %s: a union inside a union", where);
                t = NULL;
                break;
            }
            t->n++;
        }
        if (t != NULL && t->n == 0) {
            hf_error_set(ps->err, HF_ERR_DATA, "avro schema: %s: empty union",
                         where);
            t = NULL;
        }
        break;
    }
    case json_type_object:
        t = parse_object(ps, j, ns, where);
        break;
    default:
        hf_error_set(ps->err, HF_ERR_DATA,
                     "avro schema: %s: a type must be a name, an object or "
                     "an array (union)",
                     where);
        break;
    }
    ps->depth--;
    return t;
}

int hf_avs_parse(const char *json, size_t len, struct hf_avs_schema **out,
                 struct hf_error *err)
{
    struct json_tokener *tok = json_tokener_new_ex(HF_AVS_MAX_DEPTH * 4);
    if (tok == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "avro schema: out of memory");
    json_object *j = json_tokener_parse_ex(tok, json, (int)len);
    enum json_tokener_error je = json_tokener_get_error(tok);
    size_t off = tok->char_offset;
    json_tokener_free(tok);
    if (j == NULL || je != json_tokener_success) {
        if (j)
            json_object_put(j);
        return hf_error_set(err, HF_ERR_DATA,
                            "avro schema: not JSON at byte %zu: %s", off,
                            json_tokener_error_desc(je));
    }
    struct hf_avs_schema *s = calloc(1, sizeof *s);
    if (s == NULL) {
        json_object_put(j);
        return hf_error_set(err, HF_ERR_NOMEM, "avro schema: out of memory");
    }
    struct parse ps = {s, err, 0};
    s->root = parse_type(&ps, j, NULL, "schema");
    json_object_put(j);
    if (s->root == NULL) {
        hf_avs_free(s);
        return -1;
    }
    *out = s;
    return 0;
}

void hf_avs_free(struct hf_avs_schema *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->nnodes; i++) {
        struct hf_avs_node *t = s->nodes[i];
        if (t->names) {
            uint32_t nn =
                t->kind == HF_AVS_RECORD || t->kind == HF_AVS_ENUM ? t->n : 0;
            for (uint32_t k = 0; k < nn; k++)
                free(t->names[k]);
        }
        if (t->defaults)
            for (uint32_t k = 0; k < t->n; k++)
                free(t->defaults[k]);
        free(t->names);
        free(t->defaults);
        free(t->sub);
        free((char *)t->name);
        free(t);
    }
    free(s->nodes);
    free(s);
}

const struct hf_avs_node *hf_avs_root(const struct hf_avs_schema *s)
{
    return s->root;
}

static const char *logical_text(enum hf_avs_logical l)
{
    static const char *const names[] = {
        NULL,
        "decimal",
        "date",
        "time-millis",
        "time-micros",
        "timestamp-millis",
        "timestamp-micros",
        "local-timestamp-millis",
        "local-timestamp-micros",
    };
    return names[l];
}

static const char *kind_text(enum hf_avs_kind k)
{
    static const char *const names[] = {
        "null",   "boolean", "int",  "long",  "float", "double", "bytes",
        "string", "record",  "enum", "array", "map",   "union",  "fixed",
    };
    return names[k];
}

const char *hf_avs_describe(const struct hf_avs_node *t, char *buf, size_t n)
{
    if (t->logical == HF_AVL_DECIMAL)
        snprintf(buf, n, "%s (decimal(%d, %d))", kind_text(t->kind),
                 t->precision, t->scale);
    else if (t->logical != HF_AVL_NONE)
        snprintf(buf, n, "%s (%s)", kind_text(t->kind),
                 logical_text(t->logical));
    else if (t->name)
        snprintf(buf, n, "%s %s", kind_text(t->kind), t->name);
    else if (t->kind == HF_AVS_UNION) {
        size_t k = (size_t)snprintf(buf, n, "union [");
        for (uint32_t i = 0; i < t->n && k < n; i++)
            k += (size_t)snprintf(buf + k, n - k, "%s%s", i ? ", " : "",
                                  t->sub[i]->name ? t->sub[i]->name
                                                  : kind_text(t->sub[i]->kind));
        if (k < n)
            snprintf(buf + k, n - k, "]");
    } else
        snprintf(buf, n, "%s", kind_text(t->kind));
    return buf;
}

const struct hf_avs_node *hf_avs_nonnull(const struct hf_avs_node *t)
{
    if (t->kind != HF_AVS_UNION)
        return t;
    if (t->n != 2)
        return NULL;
    if (t->sub[0]->kind == HF_AVS_NULL && t->sub[1]->kind != HF_AVS_NULL)
        return t->sub[1];
    if (t->sub[1]->kind == HF_AVS_NULL && t->sub[0]->kind != HF_AVS_NULL)
        return t->sub[0];
    return NULL;
}

/* ------------------------------------------------------------ reading */

static int ends(struct hf_avs_cursor *c, size_t want, struct hf_error *err)
{
    return hf_error_set(err, HF_ERR_DATA,
                        "the record ends inside a %zu-byte value (%zu byte%s "
                        "left at byte %zu)",
                        want, c->n - c->i, c->n - c->i == 1 ? "" : "s", c->i);
}

int hf_avs_read_long(struct hf_avs_cursor *c, int64_t *v, struct hf_error *err)
{
    uint64_t u = 0;
    for (int k = 0; k < 10; k++) {
        if (c->i >= c->n)
            return hf_error_set(err, HF_ERR_DATA,
                                "the record ends inside a number (at byte "
                                "%zu)",
                                c->i);
        unsigned char b = c->p[c->i++];
        u |= (uint64_t)(b & 0x7f) << (7 * k);
        if (!(b & 0x80)) {
            *v = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
            return 0;
        }
    }
    return hf_error_set(err, HF_ERR_DATA,
                        "a number is longer than 10 bytes (at byte %zu)", c->i);
}

static int read_int(struct hf_avs_cursor *c, int32_t *v, struct hf_error *err)
{
    int64_t l;
    if (hf_avs_read_long(c, &l, err) != 0)
        return -1;
    if (l < INT32_MIN || l > INT32_MAX)
        return hf_error_set(err, HF_ERR_DATA,
                            "an Avro int holds %lld, more than 32 bits",
                            (long long)l);
    *v = (int32_t)l;
    return 0;
}

int hf_avs_read_bytes(struct hf_avs_cursor *c, const unsigned char **p,
                      size_t *n, struct hf_error *err)
{
    int64_t l;
    if (hf_avs_read_long(c, &l, err) != 0)
        return -1;
    if (l < 0 || (uint64_t)l > c->n - c->i)
        return hf_error_set(err, HF_ERR_DATA,
                            "the value declares a length of %lld bytes, but "
                            "the record has %zu byte%s left",
                            (long long)l, c->n - c->i,
                            c->n - c->i == 1 ? "" : "s");
    *p = c->p + c->i;
    *n = (size_t)l;
    c->i += (size_t)l;
    return 0;
}

static int read_fixed(struct hf_avs_cursor *c, size_t size,
                      const unsigned char **p, struct hf_error *err)
{
    if (size > c->n - c->i)
        return ends(c, size, err);
    *p = c->p + c->i;
    c->i += size;
    return 0;
}

/* Elements of zero bytes (null, an empty record) an array or map block may
 * declare: a count cannot make a loop or an allocation without input. */
#define MAX_EMPTY_ELEMENTS (1 << 16)

/* The next block of an array or map: its element count (0 ends), having
 * checked that each element's `min` bytes fit in what is left. */
static int read_block(struct hf_avs_cursor *c, size_t min, int64_t *count,
                      struct hf_error *err)
{
    int64_t size;
    if (hf_avs_read_long(c, count, err) != 0)
        return -1;
    if (*count < 0) {
        if (hf_avs_read_long(c, &size, err) != 0)
            return -1;
        if (size < 0 || (uint64_t)size > c->n - c->i)
            return hf_error_set(err, HF_ERR_DATA,
                                "a block declares a size of %lld bytes, but "
                                "the record has %zu byte%s left",
                                (long long)size, c->n - c->i,
                                c->n - c->i == 1 ? "" : "s");
        *count = *count == INT64_MIN ? INT64_MAX : -*count;
    }
    if (min > 0 && (uint64_t)*count > (c->n - c->i) / min)
        return hf_error_set(err, HF_ERR_DATA,
                            "a block declares %lld elements, but the record "
                            "has %zu byte%s left",
                            (long long)*count, c->n - c->i,
                            c->n - c->i == 1 ? "" : "s");
    if (min == 0 && *count > MAX_EMPTY_ELEMENTS)
        return hf_error_set(err, HF_ERR_DATA,
                            "a block declares %lld elements of no bytes (at "
                            "most %d are read)",
                            (long long)*count, MAX_EMPTY_ELEMENTS);
    return 0;
}

/* The least number of bytes a value of `t` takes. */
static size_t min_size_depth(const struct hf_avs_node *t, int depth)
{
    switch (t->kind) {
    case HF_AVS_NULL:
        return 0;
    case HF_AVS_RECORD: {
        size_t sum = 0;
        if (depth > 8)
            return 0; /* an underestimate is safe */
        for (uint32_t i = 0; i < t->n; i++)
            sum += min_size_depth(t->sub[i], depth + 1);
        return sum;
    }
    case HF_AVS_FLOAT:
        return 4;
    case HF_AVS_DOUBLE:
        return 8;
    case HF_AVS_FIXED:
        return (size_t)t->size;
    default:
        return 1;
    }
}

static size_t min_size(const struct hf_avs_node *t)
{
    return min_size_depth(t, 0);
}

static int skip_depth(struct hf_avs_cursor *c, const struct hf_avs_node *t,
                      int depth, struct hf_error *err)
{
    int64_t v;
    const unsigned char *p;
    size_t n;
    if (depth > HF_AVS_MAX_DEPTH)
        return hf_error_set(err, HF_ERR_DATA,
                            "the record nests more than %d levels",
                            HF_AVS_MAX_DEPTH);
    switch (t->kind) {
    case HF_AVS_NULL:
        return 0;
    case HF_AVS_BOOLEAN:
        return read_fixed(c, 1, &p, err);
    case HF_AVS_FLOAT:
        return read_fixed(c, 4, &p, err);
    case HF_AVS_DOUBLE:
        return read_fixed(c, 8, &p, err);
    case HF_AVS_INT:
    case HF_AVS_LONG:
    case HF_AVS_ENUM:
        return hf_avs_read_long(c, &v, err);
    case HF_AVS_BYTES:
    case HF_AVS_STRING:
        return hf_avs_read_bytes(c, &p, &n, err);
    case HF_AVS_FIXED:
        return read_fixed(c, (size_t)t->size, &p, err);
    case HF_AVS_RECORD:
        for (uint32_t i = 0; i < t->n; i++)
            if (skip_depth(c, t->sub[i], depth + 1, err) != 0)
                return -1;
        return 0;
    case HF_AVS_UNION:
        if (hf_avs_read_long(c, &v, err) != 0)
            return -1;
        if (v < 0 || v >= t->n)
            return hf_error_set(err, HF_ERR_DATA,
                                "union branch %lld does not exist (the "
                                "union has %u)",
                                (long long)v, t->n);
        return skip_depth(c, t->sub[v], depth + 1, err);
    case HF_AVS_ARRAY:
    case HF_AVS_MAP: {
        bool map = t->kind == HF_AVS_MAP;
        size_t min = min_size(t->sub[0]) + (map ? 1 : 0);
        for (;;) {
            int64_t count;
            if (read_block(c, min, &count, err) != 0)
                return -1;
            if (count == 0)
                return 0;
            for (int64_t k = 0; k < count; k++) {
                if (map && hf_avs_read_bytes(c, &p, &n, err) != 0)
                    return -1;
                if (skip_depth(c, t->sub[0], depth + 1, err) != 0)
                    return -1;
            }
        }
    }
    }
    return 0;
}

int hf_avs_skip(struct hf_avs_cursor *c, const struct hf_avs_node *t,
                struct hf_error *err)
{
    return skip_depth(c, t, 0, err);
}

/* ------------------------------------------------------------ resolving */

struct hf_avr_plan {
    const struct hf_avs_node *rec;
    int32_t *wmap; /* per writer field: target index, or -1 */
    struct hf_avr_target *t;
    uint32_t nt;
    bool *from_default; /* per target: the writer lacks it */
};

/* Can a value of writer type `w` (no union) become column type `t`? NULL,
 * or why not. */
static const char *compat(const struct hf_avs_node *w, const struct hf_type *t)
{
    if (w->kind == HF_AVS_NULL)
        return NULL;
    switch (t->id) {
    case HF_BOOLEAN:
        return w->kind == HF_AVS_BOOLEAN ? NULL : "";
    case HF_TINYINT:
    case HF_SMALLINT:
    case HF_INT:
        return w->kind == HF_AVS_INT ? NULL : "";
    case HF_BIGINT:
        return w->kind == HF_AVS_INT || w->kind == HF_AVS_LONG ? NULL : "";
    case HF_FLOAT:
        return w->kind == HF_AVS_INT || w->kind == HF_AVS_LONG ||
                       w->kind == HF_AVS_FLOAT
                   ? NULL
                   : "";
    case HF_DOUBLE:
        return w->kind == HF_AVS_INT || w->kind == HF_AVS_LONG ||
                       w->kind == HF_AVS_FLOAT || w->kind == HF_AVS_DOUBLE
                   ? NULL
                   : "";
    case HF_CHAR:
    case HF_VARCHAR:
    case HF_JSON:
    case HF_JSONB:
        return w->kind == HF_AVS_STRING || w->kind == HF_AVS_BYTES ||
                       w->kind == HF_AVS_ENUM
                   ? NULL
                   : "";
    case HF_BYTES:
        return w->kind == HF_AVS_BYTES || w->kind == HF_AVS_STRING ||
                       w->kind == HF_AVS_FIXED
                   ? NULL
                   : "";
    case HF_DECIMAL:
        if (w->kind != HF_AVS_BYTES && w->kind != HF_AVS_FIXED)
            return "";
        if (w->logical == HF_AVL_DECIMAL && w->scale > t->scale)
            return " (the writer's scale is larger: holoflow does not round "
                   "silently)";
        return NULL;
    case HF_DATE:
        return w->kind == HF_AVS_INT ? NULL : "";
    case HF_TIME:
        return w->kind == HF_AVS_INT || w->kind == HF_AVS_LONG ? NULL : "";
    case HF_TIMESTAMP:
    case HF_TIMESTAMP_LTZ:
        return w->kind == HF_AVS_LONG ? NULL : "";
    case HF_ARRAY: {
        if (w->kind != HF_AVS_ARRAY)
            return "";
        struct hf_type et = hf_format_elem_type(t);
        const struct hf_avs_node *it = w->sub[0];
        if (it->kind != HF_AVS_UNION)
            return compat(it, &et);
        for (uint32_t i = 0; i < it->n; i++)
            if (it->sub[i]->kind != HF_AVS_NULL && compat(it->sub[i], &et))
                return " (an element type does not match)";
        return NULL;
    }
    default:
        return "";
    }
}

/* Check writer type `w` (maybe a union) against column type `t`: every
 * branch of a union must match (a branch that cannot would fail on the
 * first record that uses it). 0 or -1 with err. */
static int check_field(const char *name, const struct hf_avs_node *w,
                       const struct hf_type *t, struct hf_error *err)
{
    const struct hf_avs_node *bad = NULL;
    const char *why = NULL;
    if (w->kind == HF_AVS_UNION) {
        for (uint32_t i = 0; i < w->n && bad == NULL; i++)
            if ((why = compat(w->sub[i], t)) != NULL)
                bad = w->sub[i];
    } else if ((why = compat(w, t)) != NULL) {
        bad = w;
    }
    if (bad == NULL)
        return 0;
    char wb[160], tb[64];
    return hf_error_set(err, HF_ERR_TYPE,
                        "field '%s': the writer's %s cannot be read as %s%s",
                        name, hf_avs_describe(bad, wb, sizeof wb),
                        hf_type_name(t, tb, sizeof tb), why);
}

int hf_avr_plan_new(const struct hf_avs_node *rec,
                    const struct hf_avr_target *t, uint32_t nt,
                    struct hf_avr_plan **out, struct hf_error *err)
{
    if (rec->kind != HF_AVS_RECORD) {
        char wb[160];
        return hf_error_set(err, HF_ERR_TYPE,
                            "the writer's schema is %s, not a record",
                            hf_avs_describe(rec, wb, sizeof wb));
    }
    struct hf_avr_plan *p = calloc(1, sizeof *p);
    if (p == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "avro: out of memory");
    p->rec = rec;
    p->nt = nt;
    p->wmap = malloc((rec->n ? rec->n : 1) * sizeof *p->wmap);
    p->t = calloc(nt ? nt : 1, sizeof *p->t);
    p->from_default = calloc(nt ? nt : 1, sizeof *p->from_default);
    if (p->wmap == NULL || p->t == NULL || p->from_default == NULL) {
        hf_avr_plan_free(p);
        return hf_error_set(err, HF_ERR_NOMEM, "avro: out of memory");
    }
    memcpy(p->t, t, nt * sizeof *t);
    for (uint32_t w = 0; w < rec->n; w++)
        p->wmap[w] = -1;
    for (uint32_t k = 0; k < nt; k++) {
        uint32_t w = 0;
        while (w < rec->n && strcmp(rec->names[w], t[k].name) != 0)
            w++;
        if (w == rec->n) {
            p->from_default[k] = true;
            bool null_def = t[k].def == NULL || strcmp(t[k].def, "null") == 0;
            if (null_def && !t[k].type.not_null)
                continue;
            char tb[64];
            const char *name = rec->name ? rec->name : "";
            int rc;
            if (t[k].def != NULL && t[k].def[0] == '\0')
                rc = hf_error_set(err, HF_ERR_TYPE,
                                  "the writer's record %s has no field '%s', "
                                  "and the reader's schema gives it no "
                                  "default",
                                  name, t[k].name);
            else if (null_def)
                rc = hf_error_set(err, HF_ERR_TYPE,
                                  "the writer's record %s has no field '%s', "
                                  "and column '%s' %s is NOT NULL",
                                  name, t[k].name, t[k].name,
                                  hf_type_name(&t[k].type, tb, sizeof tb));
            else
                rc = hf_error_set(err, HF_ERR_UNSUPPORTED,
                                  "the writer's record %s has no field '%s'; "
                                  "its default %s in the reader's schema is "
                                  "not supported (only null defaults are)",
                                  name, t[k].name, t[k].def);
            hf_avr_plan_free(p);
            return rc;
        }
        if (p->wmap[w] != -1) {
            hf_avr_plan_free(p);
            return hf_error_set(err, HF_ERR_TYPE,
                                "two columns read the writer's field '%s'",
                                t[k].name);
        }
        if (check_field(t[k].name, rec->sub[w], &t[k].type, err) != 0) {
            hf_avr_plan_free(p);
            return -1;
        }
        p->wmap[w] = (int32_t)k;
    }
    *out = p;
    return 0;
}

void hf_avr_plan_free(struct hf_avr_plan *p)
{
    if (p == NULL)
        return;
    free(p->wmap);
    free(p->t);
    free(p->from_default);
    free(p);
}

static int read_value(struct hf_avs_cursor *c, const struct hf_avs_node *w,
                      const struct hf_type *t, struct hf_batch *b,
                      struct hf_value *x, struct hf_error *err);

static int read_scalar(struct hf_avs_cursor *c, const struct hf_avs_node *w,
                       const struct hf_type *t, struct hf_batch *b,
                       struct hf_value *x, struct hf_error *err)
{
    int32_t i32 = 0;
    int64_t i64 = 0;
    const unsigned char *p;
    size_t n;
    x->null = false;
    switch (w->kind) {
    case HF_AVS_BOOLEAN:
        if (read_fixed(c, 1, &p, err) != 0)
            return -1;
        if (p[0] > 1)
            return hf_error_set(err, HF_ERR_DATA,
                                "a boolean is byte %u, not 0 or 1", p[0]);
        x->v.b = p[0] == 1;
        return 0;
    case HF_AVS_INT:
        if (read_int(c, &i32, err) != 0)
            return -1;
        i64 = i32;
        break;
    case HF_AVS_LONG:
        if (hf_avs_read_long(c, &i64, err) != 0)
            return -1;
        break;
    case HF_AVS_FLOAT: {
        if (read_fixed(c, 4, &p, err) != 0)
            return -1;
        uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
                     (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        float f;
        memcpy(&f, &u, 4);
        if (t->id == HF_FLOAT)
            x->v.f4 = f;
        else
            x->v.f8 = f;
        return 0;
    }
    case HF_AVS_DOUBLE: {
        if (read_fixed(c, 8, &p, err) != 0)
            return -1;
        uint64_t u = 0;
        for (int k = 7; k >= 0; k--)
            u = u << 8 | p[k];
        memcpy(&x->v.f8, &u, 8);
        return 0;
    }
    case HF_AVS_ENUM: {
        if (hf_avs_read_long(c, &i64, err) != 0)
            return -1;
        if (i64 < 0 || i64 >= w->n)
            return hf_error_set(err, HF_ERR_DATA,
                                "enum %s has no symbol %lld (it has %u)",
                                w->name, (long long)i64, w->n);
        const char *sym = w->names[i64];
        if (hf_value_set_str(b, x, sym, strlen(sym)) != 0)
            return hf_error_set(err, HF_ERR_NOMEM, "avro: out of memory");
        return 0;
    }
    case HF_AVS_BYTES:
    case HF_AVS_STRING:
    case HF_AVS_FIXED:
        if (w->kind == HF_AVS_FIXED) {
            n = (size_t)w->size;
            if (read_fixed(c, n, &p, err) != 0)
                return -1;
        } else if (hf_avs_read_bytes(c, &p, &n, err) != 0) {
            return -1;
        }
        if (t->id != HF_DECIMAL) {
            if (n > UINT32_MAX)
                return hf_error_set(err, HF_ERR_DATA, "a value of %zu bytes",
                                    n);
            if (hf_value_set_str(b, x, (const char *)p, n) != 0)
                return hf_error_set(err, HF_ERR_NOMEM, "avro: out of memory");
            return 0;
        }
        {
            int wscale = w->logical == HF_AVL_DECIMAL ? w->scale : t->scale;
            struct hf_dec d;
            if (hf_avro_dec_from_bytes(p, n, &d) != 0 ||
                (wscale != t->scale &&
                 hf_dec_rescale(d, wscale, t->precision, t->scale, &d) != 0) ||
                hf_dec_digits(d) > t->precision)
                return hf_error_set(err, HF_ERR_DATA,
                                    "the decimal (%zu bytes, scale %d) does "
                                    "not fit DECIMAL(%d, %d)",
                                    n, wscale, t->precision, t->scale);
            x->v.d = d;
        }
        return 0;
    default:
        return hf_error_set(err, HF_ERR_TYPE, "cannot read a %s here",
                            kind_text(w->kind));
    }
    /* An int or a long, into the column's type. */
    switch (t->id) {
    case HF_TINYINT:
    case HF_SMALLINT:
    case HF_INT:
        if (!hf_int_in_range(t->id, i64))
            return hf_error_set(err, HF_ERR_DATA, "value %lld is out of range",
                                (long long)i64);
        x->v.i = i64;
        return 0;
    case HF_BIGINT:
        x->v.i = i64;
        return 0;
    case HF_FLOAT:
        x->v.f4 = (float)i64;
        return 0;
    case HF_DOUBLE:
        x->v.f8 = (double)i64;
        return 0;
    case HF_DATE:
        return hf_avro_temporal(t, "date", false, i64, &x->v.i, err);
    case HF_TIME: {
        bool ms = w->kind == HF_AVS_INT;
        if (hf_avro_temporal(t, ms ? "time-millis" : "time-micros", ms, i64,
                             &x->v.i, err) != 0)
            return -1;
        x->v.i = hf_format_truncate_usec(x->v.i, t->precision);
        return 0;
    }
    default: { /* TIMESTAMP, TIMESTAMP_LTZ */
        bool ms;
        switch (w->logical) {
        case HF_AVL_TS_MILLIS:
        case HF_AVL_LTS_MILLIS:
            ms = true;
            break;
        case HF_AVL_TS_MICROS:
        case HF_AVL_LTS_MICROS:
            ms = false;
            break;
        default:
            ms = t->precision <= 3;
            break;
        }
        const char *ln = logical_text(w->logical);
        if (hf_avro_temporal(t,
                             ln ? ln : (ms ? "long (millis)" : "long (micros)"),
                             ms, i64, &x->v.i, err) != 0)
            return -1;
        x->v.i = hf_format_truncate_usec(x->v.i, t->precision);
        return 0;
    }
    }
}

static int read_array(struct hf_avs_cursor *c, const struct hf_avs_node *w,
                      const struct hf_type *t, struct hf_batch *b,
                      struct hf_value *x, struct hf_error *err)
{
    struct hf_type et = hf_format_elem_type(t);
    const struct hf_avs_node *it = w->sub[0];
    size_t min = min_size(it);
    struct hf_value *items = NULL;
    uint64_t n = 0, cap = 0;
    for (;;) {
        int64_t count;
        if (read_block(c, min, &count, err) != 0)
            return -1;
        if (count == 0)
            break;
        if ((uint64_t)count > UINT32_MAX - n)
            return hf_error_set(err, HF_ERR_DATA,
                                "an array of more than "
                                "2^32 elements");
        if (n + (uint64_t)count > cap) {
            uint64_t nc = (n + (uint64_t)count) * 2;
            struct hf_value *a = hf_arena_alloc(&b->arena, nc * sizeof *a);
            if (a == NULL)
                return hf_error_set(err, HF_ERR_NOMEM, "avro: out of memory");
            if (n)
                memcpy(a, items, n * sizeof *a);
            items = a;
            cap = nc;
        }
        for (int64_t k = 0; k < count; k++, n++) {
            memset(&items[n], 0, sizeof items[n]);
            if (read_value(c, it, &et, b, &items[n], err) != 0) {
                hf_error_prefix(err,
                                "element %llu: ", (unsigned long long)n + 1);
                return -1;
            }
        }
    }
    struct hf_array *a = hf_arena_alloc(&b->arena, sizeof *a);
    if (a == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "avro: out of memory");
    a->elem = et.id;
    a->n = (uint32_t)n;
    a->items = items;
    x->null = false;
    x->v.a = a;
    return 0;
}

static int read_value(struct hf_avs_cursor *c, const struct hf_avs_node *w,
                      const struct hf_type *t, struct hf_batch *b,
                      struct hf_value *x, struct hf_error *err)
{
    if (w->kind == HF_AVS_UNION) {
        int64_t br;
        if (hf_avs_read_long(c, &br, err) != 0)
            return -1;
        if (br < 0 || br >= w->n)
            return hf_error_set(err, HF_ERR_DATA,
                                "union branch %lld does not exist (the union "
                                "has %u)",
                                (long long)br, w->n);
        w = w->sub[br];
    }
    if (w->kind == HF_AVS_NULL) {
        x->null = true;
        return 0;
    }
    const char *why = compat(w, t);
    if (why != NULL) {
        char wb[160], tb[64];
        return hf_error_set(err, HF_ERR_DATA,
                            "the writer's %s cannot be read as %s%s",
                            hf_avs_describe(w, wb, sizeof wb),
                            hf_type_name(t, tb, sizeof tb), why);
    }
    if (t->id == HF_ARRAY)
        return read_array(c, w, t, b, x, err);
    return read_scalar(c, w, t, b, x, err);
}

int hf_avr_read(const struct hf_avr_plan *p, struct hf_avs_cursor *c,
                struct hf_batch *b, struct hf_value *row, struct hf_error *err)
{
    for (uint32_t k = 0; k < p->nt; k++)
        if (p->from_default[k]) {
            memset(&row[p->t[k].col], 0, sizeof row[p->t[k].col]);
            row[p->t[k].col].null = true;
        }
    for (uint32_t w = 0; w < p->rec->n; w++) {
        int32_t k = p->wmap[w];
        int rc;
        if (k < 0) {
            rc = hf_avs_skip(c, p->rec->sub[w], err);
        } else {
            struct hf_value *x = &row[p->t[k].col];
            memset(x, 0, sizeof *x);
            rc = read_value(c, p->rec->sub[w], &p->t[k].type, b, x, err);
            if (rc == 0 && x->null && p->t[k].type.not_null)
                rc = hf_error_set(err, HF_ERR_DATA,
                                  "the value is null, but the column is NOT "
                                  "NULL");
        }
        if (rc != 0) {
            hf_error_prefix(err, "field '%s': ", p->rec->names[w]);
            return -1;
        }
    }
    return 0;
}
