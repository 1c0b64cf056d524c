/*
 * expr_json.c - the JSON functions: JSON_VALUE, JSON_QUERY, JSON_EXISTS,
 * JSON_STRING, JSON_OBJECT, JSON_ARRAY and IS JSON.
 *
 * Paths are the subset of SQL/JSON paths Flink's docs use: an optional
 * mode ('lax', the default, or 'strict'), '$', then steps .key, ."key",
 * ['key'], ["key"], .['key'], [n], [*] and .*. A path is compiled once at
 * plan time (it must be a literal). A path with a wildcard selects a list
 * of values, as Flink's path engine does; without one, at most one value.
 * In lax mode a missing member or element selects nothing (the ON EMPTY
 * behaviour applies); in strict mode it is an error (ON ERROR). Text that
 * is not JSON is an error too. Input is parsed with json-c (strictly: no
 * comments, no single quotes); output is compact JSON, as Jackson writes
 * it, with '/' not escaped.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include "core/strbuf.h"
#include "core/valueconv.h"
#include "sql/expr_int.h"

/* Behaviour codes (the binder's beh_code order). */
enum {
    B_NULL,
    B_ERROR,
    B_DEFAULT,
    B_EMPTY_ARRAY,
    B_EMPTY_OBJECT,
    B_TRUE,
    B_FALSE,
    B_UNKNOWN,
    B_WITHOUT,
    B_CONDITIONAL,
    B_UNCONDITIONAL
};

/* ------------------------------------------------------------ paths */

enum step_kind { S_KEY, S_INDEX, S_ANY_MEMBER, S_ANY_INDEX };

struct step {
    enum step_kind k;
    int64_t index;
    char *key;
};

struct jpath {
    bool strict;
    bool indefinite; /* has a wildcard */
    uint32_t n;
    struct step steps[];
};

void hf_x_jpath_free(void *p)
{
    struct jpath *jp = p;
    if (jp == NULL)
        return;
    for (uint32_t i = 0; i < jp->n; i++)
        free(jp->steps[i].key);
    free(jp);
}

/* A quoted name at s[*i] ('...' or "..."); a malloc'd copy or NULL. */
static char *quoted(const char *s, size_t len, size_t *i)
{
    char q = s[*i];
    size_t st = ++*i;
    while (*i < len && s[*i] != q)
        ++*i;
    if (*i >= len)
        return NULL;
    char *k = strndup(s + st, *i - st);
    ++*i;
    return k;
}

int hf_x_jpath_compile(struct hf_expr *e, const char *s, size_t len, char *why,
                       size_t n)
{
    struct jpath *jp = calloc(1, sizeof *jp + (len + 1) * sizeof(struct step));
    if (jp == NULL) {
        snprintf(why, n, "out of memory");
        return -1;
    }
    size_t i = 0;
    while (i < len && s[i] == ' ')
        i++;
    if (len - i >= 6 && strncmp(s + i, "strict", 6) == 0) {
        jp->strict = true;
        i += 6;
    } else if (len - i >= 3 && strncmp(s + i, "lax", 3) == 0) {
        i += 3;
    }
    while (i < len && s[i] == ' ')
        i++;
    if (i >= len || s[i] != '$') {
        snprintf(why, n,
                 "a path starts with '$' (optionally 'lax' or "
                 "'strict' first)");
        hf_x_jpath_free(jp);
        return -1;
    }
    i++;
    while (i < len) {
        struct step *st = &jp->steps[jp->n];
        if (s[i] == ' ') {
            i++;
            continue;
        }
        if (s[i] == '.' && i + 1 < len && s[i + 1] == '[')
            i++; /* '.[' as '[' (Flink's docs write $.['a b']) */
        if (s[i] == '.') {
            i++;
            if (i < len && s[i] == '*') {
                st->k = S_ANY_MEMBER;
                jp->indefinite = true;
                i++;
            } else if (i < len && (s[i] == '"' || s[i] == '\'')) {
                st->k = S_KEY;
                if ((st->key = quoted(s, len, &i)) == NULL)
                    goto bad;
            } else {
                size_t b = i;
                while (i < len && s[i] != '.' && s[i] != '[' && s[i] != ' ')
                    i++;
                if (i == b)
                    goto bad;
                st->k = S_KEY;
                if ((st->key = strndup(s + b, i - b)) == NULL)
                    goto bad;
            }
        } else if (s[i] == '[') {
            i++;
            while (i < len && s[i] == ' ')
                i++;
            if (i < len && s[i] == '*') {
                st->k = S_ANY_INDEX;
                jp->indefinite = true;
                i++;
            } else if (i < len && (s[i] == '"' || s[i] == '\'')) {
                st->k = S_KEY;
                if ((st->key = quoted(s, len, &i)) == NULL)
                    goto bad;
            } else {
                char *end;
                long long x = strtoll(s + i, &end, 10);
                if (end == s + i || x < 0)
                    goto bad;
                st->k = S_INDEX;
                st->index = x;
                i = (size_t)(end - s);
            }
            while (i < len && s[i] == ' ')
                i++;
            if (i >= len || s[i] != ']')
                goto bad;
            i++;
        } else {
            goto bad;
        }
        jp->n++;
    }
    hf_x_jpath_free(e->jpath);
    e->jpath = jp;
    return 0;
bad:
    snprintf(why, n,
             "cannot read the path at offset %zu (supported: $, .key, "
             "['key'], [n], [*], .*)",
             i);
    hf_x_jpath_free(jp);
    return -1;
}

/* The values a path selects: borrowed json-c objects (NULL = JSON null). */
struct matches {
    json_object **v;
    size_t n, cap;
    bool error; /* strict mode: a step did not apply */
    bool oom;
};

static void add_match(struct matches *m, json_object *o)
{
    if (m->n == m->cap) {
        size_t nc = m->cap ? 2 * m->cap : 8;
        json_object **a = realloc(m->v, nc * sizeof *a);
        if (a == NULL) {
            m->oom = true;
            return;
        }
        m->v = a;
        m->cap = nc;
    }
    m->v[m->n++] = o;
}

static void walk(const struct jpath *jp, uint32_t k, json_object *o,
                 struct matches *m)
{
    if (m->error || m->oom)
        return;
    if (k == jp->n) {
        add_match(m, o);
        return;
    }
    const struct step *st = &jp->steps[k];
    switch (st->k) {
    case S_KEY: {
        json_object *c;
        if (o && json_object_is_type(o, json_type_object) &&
            json_object_object_get_ex(o, st->key, &c))
            walk(jp, k + 1, c, m);
        else if (jp->strict)
            m->error = true;
        return;
    }
    case S_INDEX:
        if (o && json_object_is_type(o, json_type_array) &&
            (size_t)st->index < json_object_array_length(o))
            walk(jp, k + 1, json_object_array_get_idx(o, (size_t)st->index), m);
        else if (jp->strict)
            m->error = true;
        return;
    case S_ANY_INDEX:
        if (o && json_object_is_type(o, json_type_array)) {
            size_t len = json_object_array_length(o);
            for (size_t i = 0; i < len; i++)
                walk(jp, k + 1, json_object_array_get_idx(o, i), m);
        } else if (jp->strict) {
            m->error = true;
        }
        return;
    case S_ANY_MEMBER:
        if (o && json_object_is_type(o, json_type_object)) {
            json_object_object_foreach(o, key, val)
            {
                (void)key;
                walk(jp, k + 1, val, m);
            }
        } else if (jp->strict) {
            m->error = true;
        }
        return;
    }
}

/* ------------------------------------------------------------ parsing */

/* Parse `len` bytes of JSON strictly (the whole text). NULL when it is not
 * JSON; *ok tells a JSON null from an error. */
static json_object *parse(const char *s, size_t len, bool *ok)
{
    *ok = false;
    json_tokener *tok = json_tokener_new_ex(512);
    if (tok == NULL)
        return NULL;
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    json_object *o = json_tokener_parse_ex(tok, s, (int)len);
    enum json_tokener_error je = json_tokener_get_error(tok);
    size_t used = json_tokener_get_parse_end(tok);
    if (je == json_tokener_continue) {
        /* A bare number at the end needs to see the end of input. */
        o = json_tokener_parse_ex(tok, "", 1);
        je = json_tokener_get_error(tok);
        used = len;
    }
    json_tokener_free(tok);
    if (je != json_tokener_success) {
        json_object_put(o);
        return NULL;
    }
    for (size_t i = used; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r') {
            json_object_put(o);
            return NULL;
        }
    *ok = true;
    return o;
}

static bool is_scalar(json_object *o)
{
    return o && !json_object_is_type(o, json_type_object) &&
           !json_object_is_type(o, json_type_array);
}

/* ------------------------------------------------------------ output */

/* Append s as a JSON string literal. */
static void put_json_string(struct hf_strbuf *b, const char *s, size_t n)
{
    hf_strbuf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"':
            hf_strbuf_puts(b, "\\\"");
            break;
        case '\\':
            hf_strbuf_puts(b, "\\\\");
            break;
        case '\n':
            hf_strbuf_puts(b, "\\n");
            break;
        case '\r':
            hf_strbuf_puts(b, "\\r");
            break;
        case '\t':
            hf_strbuf_puts(b, "\\t");
            break;
        case '\b':
            hf_strbuf_puts(b, "\\b");
            break;
        case '\f':
            hf_strbuf_puts(b, "\\f");
            break;
        default:
            if (c < 0x20)
                hf_strbuf_printf(b, "\\u%04X", c);
            else
                hf_strbuf_putc(b, (char)c);
        }
    }
    hf_strbuf_putc(b, '"');
}

/* Append value v of type t as JSON; `raw` when v is JSON text already. */
static void put_json_value(struct hf_strbuf *b, const struct hf_type *t,
                           const struct hf_value *v, bool raw)
{
    char buf[64];
    if (v->null) {
        hf_strbuf_puts(b, "null");
        return;
    }
    if (raw) {
        hf_strbuf_append(b, v->v.s.ptr, v->v.s.len);
        return;
    }
    switch (t->id) {
    case HF_BOOLEAN:
        hf_strbuf_puts(b, v->v.b ? "true" : "false");
        return;
    case HF_TINYINT:
    case HF_SMALLINT:
    case HF_INT:
    case HF_BIGINT:
    case HF_FLOAT:
    case HF_DOUBLE:
    case HF_DECIMAL: {
        size_t n = hf_x_scalar_text(t, v, buf, sizeof buf);
        hf_strbuf_append(b, buf, n);
        return;
    }
    case HF_TIMESTAMP:
    case HF_TIMESTAMP_LTZ: {
        size_t n = hf_timestamp_format(v->v.i, -1, 'T', buf, sizeof buf);
        put_json_string(b, buf, n);
        return;
    }
    case HF_CHAR:
    case HF_VARCHAR:
    case HF_JSON:
    case HF_JSONB:
        put_json_string(b, v->v.s.ptr, v->v.s.len);
        return;
    case HF_ARRAY: {
        const struct hf_array *a = v->v.a;
        struct hf_type et = hf_type_make(a ? a->elem : t->elem);
        hf_strbuf_putc(b, '[');
        for (uint32_t i = 0; a && i < a->n; i++) {
            if (i)
                hf_strbuf_putc(b, ',');
            put_json_value(b, &et, &a->items[i], false);
        }
        hf_strbuf_putc(b, ']');
        return;
    }
    default: {
        struct hf_strbuf tmp;
        hf_strbuf_init(&tmp, 0);
        hf_value_to_text(t, v, &tmp);
        put_json_string(b, tmp.data ? tmp.data : "", tmp.len);
        hf_strbuf_free(&tmp);
        return;
    }
    }
}

static int oom(struct hf_error *err)
{
    return hf_error_set(err, HF_ERR_NOMEM,
                        "out of memory evaluating a JSON function");
}

static int finish(struct hf_strbuf *b, struct hf_batch *out,
                  struct hf_value *res, struct hf_error *err)
{
    memset(res, 0, sizeof *res);
    int rc =
        hf_strbuf_ok(b) &&
                hf_value_set_str(out, res, b->data ? b->data : "", b->len) == 0
            ? 0
            : oom(err);
    hf_strbuf_free(b);
    return rc;
}

static const char *to_json(json_object *o)
{
    return json_object_to_json_string_ext(
        o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

static void set_null(struct hf_value *res)
{
    memset(res, 0, sizeof *res);
    res->null = true;
}

/* Is args[i] a JSON_OBJECT / JSON_ARRAY call (inserted as JSON)? */
static bool nested_json(const struct hf_expr *e, uint32_t i)
{
    const struct hf_expr *x = e->args[i];
    return x->op == HF_X_FUNC &&
           (x->fn == HF_FN_JSON_OBJECT || x->fn == HF_FN_JSON_ARRAY);
}

/* ------------------------------------------------------------ functions */

static int json_value(const struct hf_expr *e, const struct hf_value *row,
                      struct hf_value *v, struct hf_batch *out,
                      struct hf_value *res, struct hf_error *err)
{
    if (v[0].null) {
        set_null(res);
        return 0;
    }
    const struct jpath *jp = e->jpath;
    bool ok;
    json_object *doc = parse(v[0].v.s.ptr, v[0].v.s.len, &ok);
    struct matches m = {0};
    int outcome = 0; /* 0 value, 1 empty, 2 error */
    const char *why = "the input is not JSON";
    json_object *val = NULL;
    if (!ok) {
        outcome = 2;
    } else {
        walk(jp, 0, doc, &m);
        if (m.oom) {
            free(m.v);
            json_object_put(doc);
            return oom(err);
        }
        if (m.error) {
            outcome = 2;
            why = "the path selects nothing (strict mode)";
        } else if (jp->indefinite || m.n == 0 || m.v[0] == NULL) {
            outcome = jp->strict && jp->indefinite && m.n ? 2 : 1;
            why = "a scalar value is required";
        } else if (!is_scalar(m.v[0])) {
            outcome = jp->strict ? 2 : 1;
            why = "a scalar value is required";
        } else {
            val = m.v[0];
        }
    }
    int rc = 0;
    if (outcome == 0) {
        const char *txt = json_object_get_string(val);
        struct hf_value sv;
        memset(&sv, 0, sizeof sv);
        if (hf_value_set_str(out, &sv, txt, strlen(txt)) != 0) {
            rc = oom(err);
        } else {
            struct hf_type st = hf_type_make(HF_VARCHAR);
            char cwhy[300];
            if (hf_x_cast_value(&st, &e->type, false, &sv, out, res, cwhy,
                                sizeof cwhy, e->tz) != 0) {
                outcome = 2;
                why = "the value does not convert to the RETURNING type";
            }
        }
    }
    free(m.v);
    json_object_put(doc);
    if (rc != 0 || outcome == 0)
        return rc;
    int beh = e->beh[outcome == 1 ? 0 : 1];
    if (beh == B_ERROR)
        return hf_x_fail(e, err, HF_ERR_DATA, "JSON_VALUE: %s",
                         outcome == 1 ? "the path selects no value" : why);
    if (beh == B_DEFAULT)
        return hf_expr_eval(e->args[outcome == 1 ? 1 : 2], row, out, res, err);
    set_null(res);
    return 0;
}

static int json_query(const struct hf_expr *e, const struct hf_value *v,
                      struct hf_batch *out, struct hf_value *res,
                      struct hf_error *err)
{
    const struct jpath *jp = e->jpath;
    bool ok;
    json_object *doc = parse(v[0].v.s.ptr, v[0].v.s.len, &ok);
    struct matches m = {0};
    int outcome = 0;
    struct hf_strbuf b;
    hf_strbuf_init(&b, 0);
    if (!ok) {
        outcome = 2;
    } else {
        walk(jp, 0, doc, &m);
        if (m.oom) {
            free(m.v);
            json_object_put(doc);
            return oom(err);
        }
        if (m.error) {
            outcome = 2;
        } else if (!jp->indefinite && (m.n == 0 || m.v[0] == NULL)) {
            outcome = 1;
        } else {
            /* The selected value: one value, or the list of a wildcard. */
            bool list = jp->indefinite;
            json_object *one = list ? NULL : m.v[0];
            bool wrap = e->beh[2] == B_UNCONDITIONAL ||
                        (e->beh[2] == B_CONDITIONAL &&
                         !(list || json_object_is_type(one, json_type_array)));
            bool scalar = !list && is_scalar(one) && !wrap;
            if (scalar) {
                outcome = jp->strict ? 2 : 1;
            } else {
                if (wrap)
                    hf_strbuf_putc(&b, '[');
                if (list) {
                    hf_strbuf_putc(&b, '[');
                    for (size_t i = 0; i < m.n; i++) {
                        if (i)
                            hf_strbuf_putc(&b, ',');
                        hf_strbuf_puts(&b, m.v[i] ? to_json(m.v[i]) : "null");
                    }
                    hf_strbuf_putc(&b, ']');
                } else {
                    hf_strbuf_puts(&b, to_json(one));
                }
                if (wrap)
                    hf_strbuf_putc(&b, ']');
            }
        }
    }
    free(m.v);
    json_object_put(doc);
    if (outcome == 0)
        return finish(&b, out, res, err);
    hf_strbuf_free(&b);
    int beh = e->beh[outcome == 1 ? 0 : 1];
    switch (beh) {
    case B_ERROR:
        return hf_x_fail(e, err, HF_ERR_DATA, "JSON_QUERY: %s",
                         outcome == 1 ? "the path selects no value"
                         : ok         ? "the path does not apply"
                                      : "the input is not JSON");
    case B_EMPTY_ARRAY:
        return hf_value_set_str(out, memset(res, 0, sizeof *res), "[]", 2)
                   ? oom(err)
                   : 0;
    case B_EMPTY_OBJECT:
        return hf_value_set_str(out, memset(res, 0, sizeof *res), "{}", 2)
                   ? oom(err)
                   : 0;
    default:
        set_null(res);
        return 0;
    }
}

static int json_exists(const struct hf_expr *e, const struct hf_value *v,
                       struct hf_value *res, struct hf_error *err)
{
    bool ok;
    json_object *doc = parse(v[0].v.s.ptr, v[0].v.s.len, &ok);
    struct matches m = {0};
    bool error = !ok;
    if (ok) {
        walk(e->jpath, 0, doc, &m);
        error = m.error;
    }
    bool found = m.n > 0;
    free(m.v);
    json_object_put(doc);
    if (m.oom)
        return oom(err);
    memset(res, 0, sizeof *res);
    if (!error) {
        res->v.b = found;
        return 0;
    }
    switch (e->beh[1]) {
    case B_TRUE:
        res->v.b = true;
        return 0;
    case B_UNKNOWN:
        res->null = true;
        return 0;
    case B_ERROR:
        return hf_x_fail(e, err, HF_ERR_DATA, "JSON_EXISTS: %s",
                         ok ? "the path does not apply"
                            : "the input is not JSON");
    default:
        res->v.b = false;
        return 0;
    }
}

int hf_x_eval_json(const struct hf_expr *e, const struct hf_value *row,
                   struct hf_value *v, struct hf_batch *out,
                   struct hf_value *res, struct hf_error *err)
{
    switch (e->fn) {
    case HF_FN_JSON_VALUE:
        return json_value(e, row, v, out, res, err);
    case HF_FN_JSON_QUERY:
        return json_query(e, v, out, res, err);
    case HF_FN_JSON_EXISTS:
        return json_exists(e, v, res, err);
    case HF_FN_JSON_STRING: {
        struct hf_strbuf b;
        hf_strbuf_init(&b, 0);
        put_json_value(&b, &e->args[0]->type, &v[0], false);
        return finish(&b, out, res, err);
    }
    case HF_FN_JSON_OBJECT:
    case HF_FN_JSON_ARRAY: {
        bool object = e->fn == HF_FN_JSON_OBJECT, absent = e->beh[0];
        struct hf_strbuf b;
        hf_strbuf_init(&b, 0);
        hf_strbuf_putc(&b, object ? '{' : '[');
        bool first = true;
        for (uint32_t i = 0; i < e->nargs; i += object ? 2 : 1) {
            uint32_t vi = object ? i + 1 : i;
            if (v[vi].null && absent)
                continue;
            if (!first)
                hf_strbuf_putc(&b, ',');
            first = false;
            if (object) {
                put_json_string(&b, v[i].v.s.ptr, v[i].v.s.len);
                hf_strbuf_putc(&b, ':');
            }
            put_json_value(&b, &e->args[vi]->type, &v[vi], nested_json(e, vi));
        }
        hf_strbuf_putc(&b, object ? '}' : ']');
        return finish(&b, out, res, err);
    }
    case HF_FN_IS_JSON: {
        bool is = false;
        if (!v[0].null) {
            bool ok;
            json_object *o = parse(v[0].v.s.ptr, v[0].v.s.len, &ok);
            enum json_type t =
                ok && o ? json_object_get_type(o) : json_type_null;
            is = ok && (e->unit == 0 ||
                        (e->unit == 1 && t != json_type_object &&
                         t != json_type_array) ||
                        (e->unit == 2 && t == json_type_array) ||
                        (e->unit == 3 && t == json_type_object));
            json_object_put(o);
        }
        memset(res, 0, sizeof *res);
        res->v.b = is != e->negated;
        return 0;
    }
    default:
        return hf_x_fail(e, err, HF_ERR_FAIL, "not a JSON function");
    }
}
