/*
 * format_legacy.c - the legacy format schema options checked against the
 * DDL (see format_legacy.h).
 *
 * Nothing here changes how a record is read or written: the checks only
 * make sure that an old job's separate format schema says the same as its
 * DDL, so that the rows holoflow produces are the rows the job was written
 * for. A declared field list (fields.N.* or schema) is precise, so a
 * difference is an error; a JSON Schema may describe more than the table
 * uses and says less about types, so a difference is a warning. Every
 * message carries the option's file:line:col.
 */
#include "formats/format_legacy.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "core/log.h"
#include "core/strbuf.h"
#include "sql/parser.h"

#define LEGACY_PREFIX "format."

/* ------------------------------------------------------------ lookups */

/* The user's entry of plain option `key`, or NULL when the format's table
 * has no such option or it is not set. */
static const struct hf_opt_val *set_opt(const struct hf_opts *o,
                                        const char *key)
{
    for (size_t i = 0; i < o->ndefs; i++)
        if (strcmp(o->defs[i].key, key) == 0) {
            const struct hf_opt_val *v = hf_opts_get(o, key, NULL);
            return v && v->set ? v : NULL;
        }
    return NULL;
}

static bool has_def(const struct hf_opts *o, const char *key)
{
    for (size_t i = 0; i < o->ndefs; i++)
        if (strcmp(o->defs[i].key, key) == 0)
            return true;
    return false;
}

static const char *key_of(const struct hf_opt_val *v)
{
    return v->kv ? hf_kv_shown(v->kv) : v->key_used ? v->key_used : "?";
}

static void where(const struct hf_opt_val *v, char *buf, size_t n)
{
    hf_kv_where(v ? v->kv : NULL, buf, n);
}

/* "a, b, c": the physical columns, for messages. */
static void column_list(const struct hf_schema *s, char *buf, size_t n)
{
    size_t off = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < s->ncols && off < n; i++) {
        if (s->cols[i].kind != HF_COL_PHYSICAL)
            continue;
        int w = snprintf(buf + off, n - off, "%s%s", off ? ", " : "",
                         s->cols[i].name);
        if (w < 0)
            break;
        off += (size_t)w;
    }
}

/* The physical column named `name`, or -1. */
static int physical_col(const struct hf_schema *s, const char *name)
{
    int i = hf_schema_find(s, name);
    return i >= 0 && s->cols[i].kind == HF_COL_PHYSICAL ? i : -1;
}

/* ------------------------------------------------------------ types */

static const struct {
    const char *name;
    enum hf_type_id id;
} legacy_names[] = {
    {"VARCHAR", HF_VARCHAR},
    {"STRING", HF_VARCHAR},
    {"BOOLEAN", HF_BOOLEAN},
    {"BOOL", HF_BOOLEAN},
    {"BYTE", HF_TINYINT},
    {"TINYINT", HF_TINYINT},
    {"SHORT", HF_SMALLINT},
    {"SMALLINT", HF_SMALLINT},
    {"INT", HF_INT},
    {"INTEGER", HF_INT},
    {"LONG", HF_BIGINT},
    {"BIGINT", HF_BIGINT},
    {"FLOAT", HF_FLOAT},
    {"DOUBLE", HF_DOUBLE},
    {"DECIMAL", HF_DECIMAL},
    {"BIG_DEC", HF_DECIMAL},
    {"SQL_DATE", HF_DATE},
    {"DATE", HF_DATE},
    {"LOCAL_DATE", HF_DATE},
    {"SQL_TIME", HF_TIME},
    {"TIME", HF_TIME},
    {"LOCAL_TIME", HF_TIME},
    {"SQL_TIMESTAMP", HF_TIMESTAMP},
    {"TIMESTAMP", HF_TIMESTAMP},
    {"LOCAL_DATE_TIME", HF_TIMESTAMP},
};

/* `text` without blanks around it, into buf; false when too long. */
static bool trimmed(const char *text, size_t len, char *buf, size_t n)
{
    while (len > 0 && isspace((unsigned char)*text)) {
        text++;
        len--;
    }
    while (len > 0 && isspace((unsigned char)text[len - 1]))
        len--;
    if (len >= n)
        return false;
    memcpy(buf, text, len);
    buf[len] = '\0';
    return true;
}

static int type_of(const char *text, size_t len, struct hf_type *t)
{
    char buf[256];
    if (!trimmed(text, len, buf, sizeof buf) || buf[0] == '\0')
        return -1;
    for (size_t i = 0; i < sizeof legacy_names / sizeof legacy_names[0]; i++)
        if (strcasecmp(buf, legacy_names[i].name) == 0) {
            *t = hf_type_make(legacy_names[i].id);
            return 0;
        }
    static const char *const arrays[] = {"PRIMITIVE_ARRAY", "OBJECT_ARRAY"};
    for (size_t i = 0; i < 2; i++) {
        size_t al = strlen(arrays[i]);
        size_t bl = strlen(buf);
        if (strncasecmp(buf, arrays[i], al) != 0 || bl < al + 2 ||
            buf[al] != '(' || buf[bl - 1] != ')')
            continue;
        struct hf_type elem;
        if (type_of(buf + al + 1, bl - al - 2, &elem) != 0)
            return -1;
        if (i == 0 && elem.id == HF_TINYINT) {
            *t = hf_type_make(HF_BYTES); /* byte[] */
            return 0;
        }
        *t = hf_type_make(HF_ARRAY);
        t->elem = elem.id;
        return 0;
    }
    struct hf_error e;
    hf_error_clear(&e);
    return hf_sql_parse_type(buf, t, &e);
}

int hf_format_legacy_type(const char *text, struct hf_type *t)
{
    return type_of(text, strlen(text), t);
}

static enum hf_type_id kind_of(enum hf_type_id id)
{
    return id == HF_CHAR ? HF_VARCHAR : id;
}

/* Same kind of type: the same type ignoring length and precision, CHAR and
 * VARCHAR alike, arrays by their elements. */
static bool same_kind(const struct hf_type *a, const struct hf_type *b)
{
    if (kind_of(a->id) != kind_of(b->id))
        return false;
    return a->id != HF_ARRAY || kind_of(a->elem) == kind_of(b->elem);
}

/* ------------------------------------------------------------ field lists */

/* One field of a declared field list. */
struct field {
    char name[256];
    const char *type; /* its type text */
    size_t tlen;
    const struct hf_opt_val *at;      /* the option that names it */
    const struct hf_opt_val *type_at; /* the option that types it */
    const char *what;                 /* how messages name it (quoted) */
};

/* Check declared fields against the DDL: each names a physical column
 * once, with a type of the same kind, and every physical column is
 * declared. `at`/`what` locate and name the list for "is not among". */
static int check_fields(const struct field *f, size_t n,
                        const struct hf_schema *s, const struct hf_opt_val *at,
                        const char *what, struct hf_error *err)
{
    char w[512], cols[1024];
    column_list(s, cols, sizeof cols);
    for (size_t i = 0; i < n; i++) {
        where(f[i].at, w, sizeof w);
        int c = physical_col(s, f[i].name);
        if (c < 0)
            return hf_error_set(err, HF_ERR_OPTION,
                                "%s'%s' declares field '%s', which is not a "
                                "column of the table; the DDL's columns "
                                "are: %s",
                                w, f[i].what, f[i].name, cols);
        for (size_t j = 0; j < i; j++)
            if (strcmp(f[j].name, f[i].name) == 0)
                return hf_error_set(err, HF_ERR_OPTION,
                                    "%s'%s' declares column '%s' a second "
                                    "time (also '%s')",
                                    w, f[i].what, f[i].name, f[j].what);
        struct hf_type t;
        where(f[i].type_at, w, sizeof w);
        if (type_of(f[i].type, f[i].tlen, &t) != 0)
            return hf_error_set(err, HF_ERR_OPTION,
                                "%s'%s': cannot read type '%.*s' of column "
                                "'%s'",
                                w, key_of(f[i].type_at), (int)f[i].tlen,
                                f[i].type, f[i].name);
        if (!same_kind(&t, &s->cols[c].type)) {
            char a[64], b[64];
            return hf_error_set(
                err, HF_ERR_OPTION,
                "%scolumn '%s' is %s in the DDL, but '%s' "
                "declares it %s; make them agree (holoflow "
                "reads the DDL's type)",
                w, f[i].name, hf_type_name(&s->cols[c].type, a, sizeof a),
                key_of(f[i].type_at), hf_type_name(&t, b, sizeof b));
        }
    }
    for (uint32_t c = 0; c < s->ncols; c++) {
        if (s->cols[c].kind != HF_COL_PHYSICAL)
            continue;
        size_t i = 0;
        while (i < n && strcmp(f[i].name, s->cols[c].name) != 0)
            i++;
        if (i == n) {
            where(at, w, sizeof w);
            return hf_error_set(err, HF_ERR_OPTION,
                                "%scolumn '%s' of the DDL is not among the "
                                "fields of '%s'; declare it there too, or "
                                "remove the format's field list (the DDL is "
                                "the schema)",
                                w, s->cols[c].name, what);
        }
    }
    return 0;
}

struct collect {
    const struct hf_opt_val *v[512];
    size_t n;
};

static void collect_one(const struct hf_opt_val *v, void *ctx)
{
    struct collect *c = ctx;
    if (c->n < sizeof c->v / sizeof c->v[0])
        c->v[c->n++] = v;
}

/* 'format.fields.N.name' with '.type' / '.data-type'. */
static int check_field_options(const struct hf_opts *o,
                               const struct hf_schema *s, struct hf_error *err)
{
    struct collect names = {.n = 0}, types = {.n = 0}, dtypes = {.n = 0};
    hf_opts_each(o, "fields.#.name", collect_one, &names);
    hf_opts_each(o, "fields.#.type", collect_one, &types);
    hf_opts_each(o, "fields.#.data-type", collect_one, &dtypes);
    if (names.n + types.n + dtypes.n == 0)
        return 0;
    char w[512];
    /* A type without its name. */
    for (int k = 0; k < 2; k++) {
        struct collect *c = k ? &dtypes : &types;
        for (size_t i = 0; i < c->n; i++) {
            if (hf_opts_get(o, "fields.#.name", c->v[i]->arg) != NULL)
                continue;
            where(c->v[i], w, sizeof w);
            return hf_error_set(err, HF_ERR_OPTION,
                                "%soption '%s' has no '%sfields.%s.name': "
                                "field %s needs a name and a type",
                                w, key_of(c->v[i]), o->prefix, c->v[i]->arg,
                                c->v[i]->arg);
        }
    }
    struct field *f = calloc(names.n ? names.n : 1, sizeof *f);
    if (f == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    int rc = 0;
    for (size_t i = 0; i < names.n && rc == 0; i++) {
        const struct hf_opt_val *nv = names.v[i];
        const struct hf_opt_val *tv =
            hf_opts_get(o, "fields.#.data-type", nv->arg);
        if (tv == NULL)
            tv = hf_opts_get(o, "fields.#.type", nv->arg);
        if (tv == NULL) {
            where(nv, w, sizeof w);
            rc = hf_error_set(err, HF_ERR_OPTION,
                              "%soption '%s' has no '%sfields.%s.type': "
                              "field %s needs a name and a type",
                              w, key_of(nv), o->prefix, nv->arg, nv->arg);
            break;
        }
        if (!trimmed(nv->text, strlen(nv->text), f[i].name, sizeof f[i].name)) {
            where(nv, w, sizeof w);
            rc = hf_error_set(err, HF_ERR_OPTION,
                              "%soption '%s': the name is too long", w,
                              key_of(nv));
            break;
        }
        f[i].type = tv->text;
        f[i].tlen = strlen(tv->text);
        f[i].at = nv;
        f[i].type_at = tv;
        f[i].what = key_of(nv);
    }
    char what[128];
    snprintf(what, sizeof what, "%sfields.#.name", o->prefix);
    if (rc == 0)
        rc = check_fields(f, names.n, s, names.v[0], what, err);
    free(f);
    return rc;
}

/* Split 'ROW<a INT, b VARCHAR>' (or 'ROW(...)') into fields. Returns the
 * number of fields, or -1 when the text is not such a row type. */
static long split_row(const struct hf_opt_val *v, struct field *f, size_t max)
{
    const char *t = v->text;
    while (isspace((unsigned char)*t))
        t++;
    if (strncasecmp(t, "ROW", 3) != 0)
        return -1;
    t += 3;
    while (isspace((unsigned char)*t))
        t++;
    char open = *t, close = open == '<' ? '>' : open == '(' ? ')' : 0;
    size_t len = strlen(t);
    while (len > 0 && isspace((unsigned char)t[len - 1]))
        len--;
    if (close == 0 || len < 2 || t[len - 1] != close)
        return -1;
    const char *p = t + 1, *end = t + len - 1;
    size_t n = 0;
    while (p < end) {
        /* One field: up to the next comma outside <> and (). */
        const char *q = p;
        int depth = 0;
        while (q < end && (depth > 0 || *q != ',')) {
            depth += (*q == '<' || *q == '(') - (*q == '>' || *q == ')');
            q++;
        }
        const char *a = p;
        while (a < q && isspace((unsigned char)*a))
            a++;
        const char *ne;
        const char *ns = a;
        if (a < q && (*a == '`' || *a == '\'' || *a == '"')) {
            ns = a + 1;
            ne = memchr(ns, *a, (size_t)(q - ns));
            if (ne == NULL)
                return -1;
            a = ne + 1;
        } else {
            ne = a;
            while (ne < q && !isspace((unsigned char)*ne))
                ne++;
            a = ne;
        }
        if (n == max || ne == ns || (size_t)(ne - ns) >= sizeof f[n].name)
            return -1;
        memcpy(f[n].name, ns, (size_t)(ne - ns));
        f[n].name[ne - ns] = '\0';
        f[n].type = a;
        f[n].tlen = (size_t)(q - a);
        f[n].at = v;
        f[n].type_at = v;
        f[n].what = key_of(v);
        n++;
        p = q < end ? q + 1 : q;
    }
    return (long)n;
}

static int check_row_schema(const struct hf_opt_val *v,
                            const struct hf_schema *s, struct hf_error *err)
{
    struct field *f = calloc(s->ncols + 64, sizeof *f);
    if (f == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    long n = split_row(v, f, s->ncols + 64);
    int rc;
    if (n < 0) {
        char w[512];
        where(v, w, sizeof w);
        rc = hf_error_set(err, HF_ERR_OPTION,
                          "%soption '%s' = '%s' is not a row type; write "
                          "'ROW<name TYPE, ...>' (or leave it out: the DDL "
                          "is the schema)",
                          w, key_of(v), v->text);
    } else {
        rc = check_fields(f, (size_t)n, s, v, key_of(v), err);
    }
    free(f);
    return rc;
}

/* ------------------------------------------------------------ JSON Schema */

/* Does JSON Schema type `jt` ("string", "integer", ...) fit column type
 * `t`? Unknown names fit anything (nothing to compare). */
static bool json_type_fits(const char *jt, const struct hf_type *t)
{
    enum hf_type_id id = t->id;
    bool integral = id == HF_TINYINT || id == HF_SMALLINT || id == HF_INT ||
                    id == HF_BIGINT;
    if (strcmp(jt, "string") == 0)
        return id == HF_VARCHAR || id == HF_CHAR || id == HF_DATE ||
               id == HF_TIME || id == HF_TIMESTAMP || id == HF_TIMESTAMP_LTZ ||
               id == HF_BYTES || id == HF_DECIMAL || id == HF_JSON ||
               id == HF_JSONB;
    if (strcmp(jt, "integer") == 0)
        return integral || id == HF_DECIMAL;
    if (strcmp(jt, "number") == 0)
        return integral || id == HF_DECIMAL || id == HF_FLOAT ||
               id == HF_DOUBLE;
    if (strcmp(jt, "boolean") == 0)
        return id == HF_BOOLEAN;
    if (strcmp(jt, "array") == 0)
        return id == HF_ARRAY || id == HF_JSON || id == HF_JSONB;
    if (strcmp(jt, "object") == 0)
        return id == HF_JSON || id == HF_JSONB;
    return true;
}

/* Whether the property's "type" (a name or a list of names; "null"
 * ignored) fits the column; *shown gets the type text for the warning. */
static bool prop_fits(struct json_object *prop, const struct hf_type *t,
                      const char **shown)
{
    struct json_object *jt = NULL;
    *shown = NULL;
    if (!json_object_is_type(prop, json_type_object) ||
        !json_object_object_get_ex(prop, "type", &jt))
        return true;
    *shown = json_object_to_json_string_ext(jt, JSON_C_TO_STRING_PLAIN);
    if (json_object_is_type(jt, json_type_string))
        return strcmp(json_object_get_string(jt), "null") == 0 ||
               json_type_fits(json_object_get_string(jt), t);
    if (!json_object_is_type(jt, json_type_array))
        return true;
    size_t n = json_object_array_length(jt);
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        struct json_object *e = json_object_array_get_idx(jt, i);
        if (!json_object_is_type(e, json_type_string) ||
            strcmp(json_object_get_string(e), "null") == 0)
            continue;
        any = true;
        if (json_type_fits(json_object_get_string(e), t))
            return true;
    }
    return !any;
}

static int check_json_schema(const struct hf_opt_val *v,
                             const struct hf_schema *s, struct hf_error *err)
{
    char w[512];
    where(v, w, sizeof w);
    const char *name = key_of(v);
    struct json_tokener *tok = json_tokener_new();
    if (tok == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    size_t len = strlen(v->text);
    struct json_object *root = json_tokener_parse_ex(tok, v->text, (int)len);
    enum json_tokener_error je = json_tokener_get_error(tok);
    size_t used = (size_t)json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (root == NULL || je != json_tokener_success) {
        json_object_put(root);
        return hf_error_set(
            err, HF_ERR_OPTION, "%soption '%s' is not valid JSON: %s", w, name,
            je == json_tokener_continue ? "the text ends inside the document"
                                        : json_tokener_error_desc(je));
    }
    while (used < len && isspace((unsigned char)v->text[used]))
        used++;
    if (used < len || !json_object_is_type(root, json_type_object)) {
        json_object_put(root);
        return hf_error_set(err, HF_ERR_OPTION,
                            "%soption '%s' is not one JSON Schema object "
                            "('{\"type\": \"object\", \"properties\": "
                            "{...}}')",
                            w, name);
    }
    struct json_object *props = NULL;
    if (!json_object_object_get_ex(root, "properties", &props) ||
        !json_object_is_type(props, json_type_object)) {
        hf_log_warn("%swarning: option '%s' has no \"properties\" to compare "
                    "with the DDL; holoflow reads the DDL's columns",
                    w, name);
        json_object_put(root);
        return 0;
    }
    json_object_object_foreach(props, key, prop)
    {
        int c = physical_col(s, key);
        if (c < 0) {
            hf_log_warn("%swarning: option '%s': property '%s' is not a "
                        "column of the table; holoflow reads the DDL's "
                        "columns and ignores it",
                        w, name, key);
            continue;
        }
        const char *shown;
        if (!prop_fits(prop, &s->cols[c].type, &shown)) {
            char tb[64];
            hf_log_warn("%swarning: option '%s': property '%s' has type %s, "
                        "column '%s' is %s; holoflow reads the DDL's type",
                        w, name, key, shown ? shown : "?", key,
                        hf_type_name(&s->cols[c].type, tb, sizeof tb));
        }
    }
    for (uint32_t c = 0; c < s->ncols; c++) {
        struct json_object *p;
        if (s->cols[c].kind == HF_COL_PHYSICAL &&
            !json_object_object_get_ex(props, s->cols[c].name, &p))
            hf_log_warn("%swarning: option '%s': column '%s' is not among "
                        "its properties; holoflow reads it as the DDL "
                        "declares it",
                        w, name, s->cols[c].name);
    }
    json_object_put(root);
    return 0;
}

/* ------------------------------------------------------------ the check */

/* Is a legacy option set under another prefix than 'format.'? */
static int legacy_only(const struct hf_opts *o, struct hf_error *err)
{
    if (strcasecmp(o->prefix, LEGACY_PREFIX) == 0)
        return 0;
    for (size_t i = o->ndefs; i < o->nvals; i++) {
        const char *k = o->vals[i].def->key;
        if (strncmp(k, "fields.#.", 9) != 0)
            continue;
        char w[512];
        where(&o->vals[i], w, sizeof w);
        return hf_error_set(err, HF_ERR_OPTION,
                            "%soption '%s' belongs to Flink 1.9/1.10's "
                            "legacy tables ('format.type' = '...'); a table "
                            "with '%sformat' takes its format's schema from "
                            "the DDL: remove it",
                            w, key_of(&o->vals[i]),
                            strncmp(o->prefix, "key.", 4) == 0     ? "key."
                            : strncmp(o->prefix, "value.", 6) == 0 ? "value."
                                                                   : "");
    }
    static const char *const plain[] = {"derive-schema", "schema",
                                        "json-schema", "property-version"};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        const struct hf_opt_val *v = set_opt(o, plain[i]);
        if (v == NULL)
            continue;
        char w[512];
        where(v, w, sizeof w);
        return hf_error_set(err, HF_ERR_OPTION,
                            "%soption '%s' belongs to Flink 1.9/1.10's "
                            "legacy tables ('format.type' = '...'); a table "
                            "with '%sformat' takes its format's schema from "
                            "the DDL: remove it",
                            w, key_of(v),
                            strncmp(o->prefix, "key.", 4) == 0     ? "key."
                            : strncmp(o->prefix, "value.", 6) == 0 ? "value."
                                                                   : "");
    }
    return 0;
}

int hf_format_legacy_validate(const struct hf_opts *o,
                              const struct hf_schema *s, struct hf_error *err)
{
    if (legacy_only(o, err) != 0)
        return -1;
    const struct hf_opt_val *derive = set_opt(o, "derive-schema");
    const struct hf_opt_val *row = set_opt(o, "schema");
    const struct hf_opt_val *js = set_opt(o, "json-schema");
    const struct hf_opt_val *pv = set_opt(o, "property-version");
    bool fields = false;
    for (size_t i = o->ndefs; i < o->nvals && !fields; i++)
        fields = strncmp(o->vals[i].def->key, "fields.#.", 9) == 0;
    char w[512];
    if (pv) {
        where(pv, w, sizeof w);
        hf_log_warn("%swarning: option '%s' is ignored: it stamps the version "
                    "of Flink's property descriptor and means nothing to "
                    "holoflow",
                    w, key_of(pv));
    }
    if (derive && !derive->v.b) {
        where(derive, w, sizeof w);
        if (!row && !js && !fields)
            return hf_error_set(err, HF_ERR_OPTION,
                                "%s'%s' = 'false' needs the format's own "
                                "schema ('%sfields.#.name' / '.type', "
                                "'%sschema'%s%s%s), as in Flink; holoflow "
                                "checks it against the DDL (or leave both "
                                "out: the DDL is the schema)",
                                w, key_of(derive), o->prefix, o->prefix,
                                has_def(o, "json-schema") ? " or '" : "",
                                has_def(o, "json-schema") ? o->prefix : "",
                                has_def(o, "json-schema") ? "json-schema'"
                                                          : "");
        if (row && js)
            return hf_error_set(err, HF_ERR_OPTION,
                                "%s'%s' = 'false' with both '%s' and '%s': "
                                "give one schema, as in Flink",
                                w, key_of(derive), key_of(row), key_of(js));
    }
    if (check_field_options(o, s, err) != 0)
        return -1;
    if (row && check_row_schema(row, s, err) != 0)
        return -1;
    if (js && check_json_schema(js, s, err) != 0)
        return -1;
    return 0;
}
