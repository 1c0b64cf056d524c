/*
 * parser.c - recursive descent over the token array, building the AST.
 *
 * One function per grammar rule, each consuming exactly the tokens of its
 * rule and leaving the cursor on the first token after it. The cursor never
 * moves past the final HF_TK_EOF token, so peeking is always safe. Every
 * error names what was expected, after what, and what was found instead
 * ("expected ')' after column list, found 'WITH'"), at the found token.
 *
 * Everything the tree points to lives in the script's two arenas (tokens
 * and nodes); arrays grow by re-allocating in the arena, the old copy is
 * simply abandoned until the whole tree is freed.
 */
#include "sql/parser.h"
#include "sql/ast_eq.h"
#include "sql/grouping_sets.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/log.h"
#include "core/strbuf.h"

#define MAX_DEPTH 200   /* nested parentheses, NOT, unary minus */
#define MAX_HEIGHT 1000 /* height of an expression tree (a + b + c ...) */
#define MAX_ARGS 256    /* arguments of one function call */
#define MAX_WHENS 1000  /* WHEN branches of one CASE */

struct parser {
    struct hf_ast_script *s;
    const struct hf_token *t;
    uint32_t i, n;
    struct hf_error *err;
    int depth;
    int in_items; /* parsing a SELECT's items: f(...) OVER is a window */
};

/* ------------------------------------------------------------ cursor */

static const struct hf_token *peek(const struct parser *p)
{
    return &p->t[p->i];
}

static const struct hf_token *peek_at(const struct parser *p, uint32_t k)
{
    uint32_t j = p->i + k;
    return &p->t[j < p->n ? j : p->n - 1];
}

static const struct hf_token *next(struct parser *p)
{
    const struct hf_token *tok = &p->t[p->i];
    if (p->i + 1 < p->n)
        p->i++;
    return tok;
}

/* End offset of the last consumed token. */
static uint32_t last_end(const struct parser *p)
{
    if (p->i == 0)
        return 0;
    const struct hf_token *t = &p->t[p->i - 1];
    return t->off + t->len;
}

static bool tok_is_kw(const struct hf_token *t, enum hf_kw kw)
{
    return t->kind == HF_TK_IDENT && t->kw == kw;
}

static bool is_kw(const struct parser *p, enum hf_kw kw)
{
    return tok_is_kw(peek(p), kw);
}

static bool accept_kw(struct parser *p, enum hf_kw kw)
{
    if (!is_kw(p, kw))
        return false;
    next(p);
    return true;
}

static bool accept(struct parser *p, enum hf_tok kind)
{
    if (peek(p)->kind != kind)
        return false;
    next(p);
    return true;
}

/* ------------------------------------------------------------ errors */

/* How a token is shown in messages: 'WITH', 'abc', end of input. */
static void found_text(const struct parser *p, const struct hf_token *t,
                       char *buf, size_t n)
{
    if (t->kind == HF_TK_EOF) {
        snprintf(buf, n, "end of input");
        return;
    }
    const char *s = p->s->src.text + t->off;
    size_t len = t->len;
    if (len > 40)
        snprintf(buf, n, "'%.37s...'", s);
    else
        snprintf(buf, n, "'%.*s'", (int)len, s);
}

static int err_at(struct parser *p, const struct hf_token *t, hf_err_t code,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int err_at(struct parser *p, const struct hf_token *t, hf_err_t code,
                  const char *fmt, ...)
{
    char msg[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return hf_sql_error_at(p->err, code, &p->s->src, t->line, t->col, "%s",
                           msg);
}

/* "expected <what> <ctx>, found <token>" at the current token. */
static int expected(struct parser *p, const char *what, const char *ctx)
{
    if (peek(p)->kind == HF_TK_HINT_BEGIN)
        return err_at(p, peek(p), HF_ERR_UNSUPPORTED,
                      "a hint here is not supported; holoflow reads table "
                      "hints right after a table name in FROM: FROM t /*+ "
                      "OPTIONS('k' = 'v') */");
    char f[64];
    found_text(p, peek(p), f, sizeof f);
    return err_at(p, peek(p), HF_ERR_SQL, "expected %s%s%s, found %s", what,
                  ctx && ctx[0] ? " " : "", ctx ? ctx : "", f);
}

static int expect(struct parser *p, enum hf_tok kind, const char *ctx)
{
    if (accept(p, kind))
        return 0;
    return expected(p, hf_tok_kind_name(kind), ctx);
}

static int expect_kw(struct parser *p, enum hf_kw kw, const char *ctx)
{
    if (accept_kw(p, kw))
        return 0;
    return expected(p, hf_kw_name(kw), ctx);
}

static int unsupported(struct parser *p, const struct hf_token *t,
                       const char *what)
{
    return err_at(p, t, HF_ERR_UNSUPPORTED, "%s", what);
}

static int oom(struct parser *p)
{
    return hf_error_set(p->err, HF_ERR_NOMEM,
                        "out of memory while parsing the SQL script");
}

/* ------------------------------------------------------------ memory */

static void *alloc(struct parser *p, size_t size)
{
    void *m = hf_arena_alloc(&p->s->arena, size);
    if (m == NULL) {
        oom(p);
        return NULL;
    }
    memset(m, 0, size);
    return m;
}

static char *dup_span(struct parser *p, uint32_t off, uint32_t end)
{
    char *d = hf_arena_strndup(&p->s->arena, p->s->src.text + off,
                               end > off ? end - off : 0);
    if (d == NULL)
        oom(p);
    return d;
}

static int grow_impl(struct parser *p, void **arr, uint32_t *cap, uint32_t n,
                     size_t elem)
{
    if (n < *cap)
        return 0;
    uint32_t nc = *cap ? *cap * 2 : 4;
    void *na = hf_arena_alloc(&p->s->arena, nc * elem);
    if (na == NULL)
        return oom(p);
    if (n)
        memcpy(na, *arr, n * elem);
    *arr = na;
    *cap = nc;
    return 0;
}

#define GROW(p, arr, cap, n)                                                   \
    grow_impl((p), (void **)&(arr), &(cap), (n), sizeof *(arr))

/* ------------------------------------------------------------ names */

/* An identifier. Reserved words are names only when `any_word` is set
 * (column names in DDL), or when backquoted. */
static int ident(struct parser *p, bool any_word, const char *what,
                 const char *ctx, struct hf_ast_ident *out)
{
    const struct hf_token *t = peek(p);
    if (t->kind == HF_TK_QIDENT ||
        (t->kind == HF_TK_IDENT && (any_word || !hf_kw_reserved(t->kw)))) {
        out->name = t->text;
        out->line = t->line;
        out->col = t->col;
        next(p);
        return 0;
    }
    if (t->kind == HF_TK_IDENT)
        return err_at(p, t, HF_ERR_SQL,
                      "expected %s %s, found reserved word '%s'; write `%s` "
                      "to use it as a name",
                      what, ctx, t->text, t->text);
    return expected(p, what, ctx);
}

/* name [. name]*: the last part in *out, the whole spelling in *full. */
static int dotted_name(struct parser *p, const char *what, const char *ctx,
                       struct hf_ast_ident *out, const char **full)
{
    uint32_t off = peek(p)->off;
    if (ident(p, false, what, ctx, out) != 0)
        return -1;
    size_t flen = strlen(out->name);
    const char *parts[3] = {out->name, NULL, NULL};
    int np = 1;
    while (peek(p)->kind == HF_TK_DOT) {
        next(p);
        if (ident(p, true, what, "after '.'", out) != 0)
            return -1;
        if (np == 3)
            return err_at(p, &p->t[p->i - 1], HF_ERR_SQL,
                          "%s '%.*s' has too many parts (at most "
                          "catalog.database.table)",
                          what, (int)(last_end(p) - off), p->s->src.text + off);
        parts[np++] = out->name;
        flen += 1 + strlen(out->name);
    }
    char *f = hf_arena_alloc(&p->s->arena, flen + 1);
    if (f == NULL)
        return oom(p);
    size_t o = 0;
    for (int k = 0; k < np; k++) {
        size_t l = strlen(parts[k]);
        if (k)
            f[o++] = '.';
        memcpy(f + o, parts[k], l);
        o += l;
    }
    f[o] = '\0';
    *full = f;
    return 0;
}

/* '(' name {, name} ')' */
static int name_list(struct parser *p, const char *what, const char *ctx,
                     struct hf_ast_ident **list, uint32_t *count)
{
    uint32_t cap = 0;
    *list = NULL;
    *count = 0;
    if (expect(p, HF_TK_LPAREN, ctx) != 0)
        return -1;
    for (;;) {
        if (GROW(p, *list, cap, *count) != 0)
            return -1;
        if (ident(p, true, what, *count ? "after ','" : "after '('",
                  &(*list)[*count]) != 0)
            return -1;
        (*count)++;
        if (!accept(p, HF_TK_COMMA))
            break;
    }
    char ctx2[80];
    snprintf(ctx2, sizeof ctx2, "after %s list", what);
    return expect(p, HF_TK_RPAREN, ctx2);
}

static int string_lit(struct parser *p, const char *what, const char *ctx,
                      const char **out)
{
    const struct hf_token *t = peek(p);
    if (t->kind != HF_TK_STRING)
        return expected(p, what, ctx);
    *out = t->text;
    next(p);
    return 0;
}

/* ------------------------------------------------------------ types */

static int int_param(struct parser *p, const char *what, long lo, long hi,
                     long *out)
{
    const struct hf_token *t = peek(p);
    if (t->kind != HF_TK_INTEGER)
        return expected(p, "an integer", what);
    char *end;
    long v = strtol(t->text, &end, 10);
    if (*end != '\0' || v < lo || v > hi)
        return err_at(p, t, HF_ERR_SQL,
                      "%s must be between %ld and %ld, "
                      "found %s",
                      what, lo, hi, t->text);
    next(p);
    *out = v;
    return 0;
}

/* Optional "(n)". */
static int opt_length(struct parser *p, const char *what, long lo, long hi,
                      long def, long *out)
{
    *out = def;
    if (!accept(p, HF_TK_LPAREN))
        return 0;
    if (int_param(p, what, lo, hi, out) != 0)
        return -1;
    return expect(p, HF_TK_RPAREN, "after the length");
}

static int parse_type(struct parser *p, struct hf_type *t,
                      bool allow_null_spec);

static int type_oom(struct parser *p)
{
    return oom(p);
}

/* ARRAY<elem> / elem ARRAY; MULTISET likewise. Every element type is
 * allowed (Flink's are), intervals aside: they exist in expressions only. */
static int collection_of(struct parser *p, const struct hf_token *at,
                         enum hf_type_id id, const struct hf_type *elem,
                         struct hf_type *t)
{
    if (elem->id == HF_INTERVAL_YM || elem->id == HF_INTERVAL_DT) {
        char nb[64];
        return err_at(p, at, HF_ERR_UNSUPPORTED,
                      "%s<%s> is not supported: intervals are not column "
                      "types",
                      id == HF_ARRAY ? "ARRAY" : "MULTISET",
                      hf_type_name(elem, nb, sizeof nb));
    }
    int rc = id == HF_ARRAY ? hf_type_array(t, elem) : hf_type_multiset(t, elem);
    return rc == 0 ? 0 : type_oom(p);
}

/* '>' closing a type's parameter list. */
static int close_angle(struct parser *p, const char *ctx)
{
    return expect(p, HF_TK_GT, ctx);
}

/* The fields of ROW<...> or ROW(...): name type ['description'], ... The
 * cursor is after '<' or '('; `close` is the closing token. */
static int row_fields(struct parser *p, const struct hf_token *at,
                      enum hf_tok close, struct hf_type *t)
{
    uint32_t n = 0, cap = 0;
    const char **names = NULL;
    struct hf_type *types = NULL;
    uint32_t tcap = 0;
    if (peek(p)->kind != close) {
        for (;;) {
            if (n >= MAX_ARGS * 16)
                return err_at(p, peek(p), HF_ERR_SQL,
                              "ROW type with too many fields");
            if (GROW(p, names, cap, n) != 0 || GROW(p, types, tcap, n) != 0)
                return -1;
            struct hf_ast_ident name;
            if (ident(p, true, "a field name", n ? "after ','" : "in ROW",
                      &name) != 0)
                return -1;
            for (uint32_t k = 0; k < n; k++)
                if (strcmp(names[k], name.name) == 0)
                    return err_at(p, &p->t[p->i - 1], HF_ERR_SQL,
                                  "field '%s' appears twice in ROW",
                                  name.name);
            names[n] = name.name;
            if (parse_type(p, &types[n], true) != 0)
                return -1;
            /* A field may carry a description: kept by Flink for docs. */
            if (peek(p)->kind == HF_TK_STRING)
                next(p);
            n++;
            if (!accept(p, HF_TK_COMMA))
                break;
        }
    }
    if (expect(p, close, close == HF_TK_GT ? "after the ROW fields"
                                           : "after the ROW fields") != 0)
        return -1;
    (void)at;
    if (hf_type_row(t, n, names, types) != 0)
        return type_oom(p);
    return 0;
}

static const struct {
    const char *name;
    const char *hint;
} type_hints[] = {
    {"TEXT", "STRING"},
    {"INT2", "SMALLINT"},
    {"INT4", "INT"},
    {"INT8", "BIGINT"},
    {"LONG", "BIGINT"},
    {"SHORT", "SMALLINT"},
    {"BYTE", "TINYINT"},
    {"FLOAT4", "FLOAT"},
    {"FLOAT8", "DOUBLE"},
    {"NUMBER", "DECIMAL(p, s)"},
    {"DATETIME", "TIMESTAMP(3)"},
    {"TIMESTAMPTZ", "TIMESTAMP_LTZ"},
    {"BOOL", "BOOLEAN"},
    {"BYTEA", "BYTES"},
    {"BLOB", "BYTES"},
    {"CLOB", "STRING"},
    {"UUID", "STRING"},
    {"BIT", "BOOLEAN"},
};

/* TIME/TIMESTAMP precision: 0..9 accepted, kept up to microseconds. */
static int time_precision(struct parser *p, long def, struct hf_type *t)
{
    long prec;
    if (opt_length(p, "the fractional-second precision", 0, 9, def, &prec) != 0)
        return -1;
    t->precision = (uint8_t)(prec > 6 ? 6 : prec);
    return 0;
}

static int parse_type(struct parser *p, struct hf_type *t, bool allow_null_spec)
{
    const struct hf_token *at = peek(p);
    if (at->kind != HF_TK_IDENT)
        return expected(p, "a data type", "");
    long len;
    next(p);
    switch (at->kw) {
    case HF_KW_BOOLEAN:
        *t = hf_type_make(HF_BOOLEAN);
        break;
    case HF_KW_TINYINT:
        *t = hf_type_make(HF_TINYINT);
        break;
    case HF_KW_SMALLINT:
        *t = hf_type_make(HF_SMALLINT);
        break;
    case HF_KW_INT:
    case HF_KW_INTEGER:
        *t = hf_type_make(HF_INT);
        break;
    case HF_KW_BIGINT:
        *t = hf_type_make(HF_BIGINT);
        break;
    case HF_KW_FLOAT:
    case HF_KW_REAL:
        *t = hf_type_make(HF_FLOAT);
        break;
    case HF_KW_DOUBLE:
        accept_kw(p, HF_KW_PRECISION);
        *t = hf_type_make(HF_DOUBLE);
        break;
    case HF_KW_DECIMAL:
    case HF_KW_DEC:
    case HF_KW_NUMERIC: {
        *t = hf_type_make(HF_DECIMAL);
        if (accept(p, HF_TK_LPAREN)) {
            long prec, scale = 0;
            if (int_param(p, "DECIMAL precision", 1, HF_DECIMAL_MAX_PRECISION,
                          &prec) != 0)
                return -1;
            if (accept(p, HF_TK_COMMA)) {
                const struct hf_token *st = peek(p);
                if (st->kind != HF_TK_INTEGER)
                    return expected(p, "an integer", "DECIMAL scale");
                char *end;
                scale = strtol(st->text, &end, 10);
                if (*end != '\0' || scale < 0 || scale > prec)
                    return err_at(p, st, HF_ERR_SQL,
                                  "DECIMAL scale must be between 0 and the "
                                  "precision (%ld), found %s",
                                  prec, st->text);
                next(p);
            }
            if (expect(p, HF_TK_RPAREN, "after DECIMAL precision and scale") !=
                0)
                return -1;
            t->precision = (uint8_t)prec;
            t->scale = (uint8_t)scale;
        }
        break;
    }
    case HF_KW_CHAR:
    case HF_KW_CHARACTER:
        if (is_kw(p, HF_KW_NONE) && peek(p)->kind == HF_TK_IDENT &&
            strcasecmp(peek(p)->text, "VARYING") == 0) {
            next(p);
            *t = hf_type_make(HF_VARCHAR);
            if (opt_length(p, "VARCHAR length", 1, HF_LEN_MAX, HF_LEN_MAX,
                           &len) != 0)
                return -1;
            t->length = (int32_t)len;
            break;
        }
        *t = hf_type_make(HF_CHAR);
        if (opt_length(p, "CHAR length", 1, HF_LEN_MAX, 1, &len) != 0)
            return -1;
        t->length = (int32_t)len;
        break;
    case HF_KW_VARCHAR:
        *t = hf_type_make(HF_VARCHAR);
        /* Flink's DDL reads a bare VARCHAR as STRING. */
        if (opt_length(p, "VARCHAR length", 1, HF_LEN_MAX, HF_LEN_MAX, &len) !=
            0)
            return -1;
        t->length = (int32_t)len;
        break;
    case HF_KW_STRING:
        *t = hf_type_make(HF_VARCHAR);
        break;
    case HF_KW_BYTES:
        *t = hf_type_make(HF_BYTES);
        break;
    case HF_KW_BINARY:
    case HF_KW_VARBINARY:
        *t = hf_type_make(HF_BYTES);
        if (opt_length(p, "BINARY length", 1, HF_LEN_MAX,
                       at->kw == HF_KW_BINARY ? 1 : HF_LEN_MAX, &len) != 0)
            return -1;
        t->length = (int32_t)len;
        break;
    case HF_KW_DATE:
        *t = hf_type_make(HF_DATE);
        break;
    case HF_KW_TIME:
        *t = hf_type_make(HF_TIME);
        if (time_precision(p, 0, t) != 0)
            return -1;
        if (accept_kw(p, HF_KW_WITHOUT)) {
            if (expect_kw(p, HF_KW_TIME, "after WITHOUT") != 0 ||
                expect_kw(p, HF_KW_ZONE, "after WITHOUT TIME") != 0)
                return -1;
        }
        break;
    case HF_KW_TIMESTAMP:
        *t = hf_type_make(HF_TIMESTAMP);
        if (time_precision(p, 6, t) != 0)
            return -1;
        if (accept_kw(p, HF_KW_WITHOUT)) {
            if (expect_kw(p, HF_KW_TIME, "after WITHOUT") != 0 ||
                expect_kw(p, HF_KW_ZONE, "after WITHOUT TIME") != 0)
                return -1;
        } else if (is_kw(p, HF_KW_WITH)) {
            const struct hf_token *w = next(p);
            if (accept_kw(p, HF_KW_LOCAL)) {
                if (expect_kw(p, HF_KW_TIME, "after WITH LOCAL") != 0 ||
                    expect_kw(p, HF_KW_ZONE, "after WITH LOCAL TIME") != 0)
                    return -1;
                t->id = HF_TIMESTAMP_LTZ;
            } else if (is_kw(p, HF_KW_TIME)) {
                return err_at(p, w, HF_ERR_UNSUPPORTED,
                              "TIMESTAMP WITH TIME ZONE is not supported (nor "
                              "by Flink); use TIMESTAMP WITH LOCAL TIME ZONE "
                              "or TIMESTAMP_LTZ");
            } else {
                return expected(p, "LOCAL TIME ZONE", "after TIMESTAMP WITH");
            }
        }
        break;
    case HF_KW_TIMESTAMP_LTZ:
        *t = hf_type_make(HF_TIMESTAMP_LTZ);
        if (time_precision(p, 6, t) != 0)
            return -1;
        break;
    case HF_KW_JSON:
        *t = hf_type_make(HF_JSON);
        break;
    case HF_KW_JSONB:
        *t = hf_type_make(HF_JSONB);
        break;
    case HF_KW_ARRAY:
    case HF_KW_MULTISET: {
        enum hf_type_id cid = at->kw == HF_KW_ARRAY ? HF_ARRAY : HF_MULTISET;
        if (expect(p, HF_TK_LT,
                   cid == HF_ARRAY ? "after ARRAY (write ARRAY<INT>)"
                                   : "after MULTISET (write MULTISET<INT>)") !=
            0)
            return -1;
        if (++p->depth > MAX_DEPTH)
            return err_at(p, at, HF_ERR_SQL, "type nested too deeply");
        const struct hf_token *et = peek(p);
        struct hf_type elem;
        if (parse_type(p, &elem, true) != 0)
            return -1;
        p->depth--;
        if (close_angle(p, cid == HF_ARRAY ? "after the ARRAY element type"
                                           : "after the MULTISET element "
                                             "type") != 0)
            return -1;
        if (collection_of(p, et, cid, &elem, t) != 0)
            return -1;
        break;
    }
    case HF_KW_MAP: {
        if (expect(p, HF_TK_LT, "after MAP (write MAP<STRING, INT>)") != 0)
            return -1;
        if (++p->depth > MAX_DEPTH)
            return err_at(p, at, HF_ERR_SQL, "type nested too deeply");
        struct hf_type kt, vt;
        if (parse_type(p, &kt, true) != 0)
            return -1;
        if (expect(p, HF_TK_COMMA, "after the MAP key type") != 0)
            return -1;
        if (parse_type(p, &vt, true) != 0)
            return -1;
        p->depth--;
        if (close_angle(p, "after the MAP value type") != 0)
            return -1;
        if (hf_type_map(t, &kt, &vt) != 0)
            return type_oom(p);
        break;
    }
    case HF_KW_ROW: {
        if (++p->depth > MAX_DEPTH)
            return err_at(p, at, HF_ERR_SQL, "type nested too deeply");
        if (peek(p)->kind == HF_TK_NE) { /* ROW<> */
            next(p);
            if (hf_type_row(t, 0, NULL, NULL) != 0)
                return type_oom(p);
        } else if (accept(p, HF_TK_LT)) {
            if (row_fields(p, at, HF_TK_GT, t) != 0)
                return -1;
        } else if (accept(p, HF_TK_LPAREN)) {
            if (row_fields(p, at, HF_TK_RPAREN, t) != 0)
                return -1;
        } else {
            return expected(p, "'<' or '('",
                            "after ROW (write ROW<a INT, b STRING>)");
        }
        p->depth--;
        break;
    }
    case HF_KW_RAW:
    case HF_KW_INTERVAL:
        return err_at(p, at, HF_ERR_UNSUPPORTED,
                      "data type %s is not supported; supported types are "
                      "the scalar types, ARRAY, MULTISET, MAP, ROW, JSON and "
                      "JSONB",
                      hf_kw_name(at->kw));
    default:
        for (size_t k = 0; k < sizeof type_hints / sizeof type_hints[0]; k++)
            if (strcasecmp(at->text, type_hints[k].name) == 0)
                return err_at(p, at, HF_ERR_SQL,
                              "unknown data type '%s'; use %s", at->text,
                              type_hints[k].hint);
        return err_at(p, at, HF_ERR_SQL, "unknown data type '%s'", at->text);
    }
    /* Postfix forms: INT ARRAY, STRING MULTISET, INT ARRAY ARRAY. A NOT
     * NULL of the element comes first: INT NOT NULL ARRAY. */
    for (;;) {
        bool nn = false;
        if (is_kw(p, HF_KW_NOT) && tok_is_kw(peek_at(p, 1), HF_KW_NULL) &&
            (tok_is_kw(peek_at(p, 2), HF_KW_ARRAY) ||
             tok_is_kw(peek_at(p, 2), HF_KW_MULTISET)))
            nn = true;
        const struct hf_token *post = peek_at(p, nn ? 2 : 0);
        if (!(tok_is_kw(post, HF_KW_ARRAY) || tok_is_kw(post, HF_KW_MULTISET)) ||
            peek_at(p, nn ? 3 : 1)->kind == HF_TK_LT)
            break;
        if (nn) {
            next(p);
            next(p);
            t->not_null = true;
        }
        next(p);
        struct hf_type elem = *t;
        if (collection_of(p, at,
                          tok_is_kw(post, HF_KW_ARRAY) ? HF_ARRAY : HF_MULTISET,
                          &elem, t) != 0)
            return -1;
    }
    if (allow_null_spec) {
        if (is_kw(p, HF_KW_NOT) && tok_is_kw(peek_at(p, 1), HF_KW_NULL)) {
            next(p);
            next(p);
            t->not_null = true;
        } else if (accept_kw(p, HF_KW_NULL)) {
            t->not_null = false;
        }
    }
    return 0;
}

/* ------------------------------------------------------------ expressions */

static struct hf_ast_expr *mk(struct parser *p, enum hf_ast_kind kind,
                              const struct hf_token *at)
{
    struct hf_ast_expr *e = alloc(p, sizeof *e);
    if (e == NULL)
        return NULL;
    e->kind = kind;
    e->depth = 1;
    e->line = at->line;
    e->col = at->col;
    e->off = at->off;
    e->end = at->off + at->len;
    return e;
}

static int set_args(struct parser *p, struct hf_ast_expr *e,
                    struct hf_ast_expr *const *args, uint32_t n)
{
    e->args = hf_arena_alloc(&p->s->arena, (n ? n : 1) * sizeof *e->args);
    if (e->args == NULL)
        return oom(p);
    uint32_t h = 0;
    for (uint32_t k = 0; k < n; k++) {
        e->args[k] = args[k];
        if (args[k] && args[k]->depth > h)
            h = args[k]->depth;
    }
    e->nargs = n;
    e->depth = h + 1;
    /* Binding, evaluation and freeing recurse over the tree. */
    if (e->depth > MAX_HEIGHT)
        return hf_sql_error_at(p->err, HF_ERR_SQL, &p->s->src, e->line, e->col,
                               "expression too deeply nested (more than %d "
                               "levels)",
                               MAX_HEIGHT);
    return 0;
}

static struct hf_ast_expr *parse_expr(struct parser *p);
static struct hf_ast_expr *parse_concat(struct parser *p);
static struct hf_ast_expr *parse_add(struct parser *p);
static int over_clause(struct parser *p, const struct hf_ast_expr *f,
                       struct hf_ast_over **out);
static int push_arg(struct parser *p, struct hf_ast_expr ***args,
                    uint32_t *cap, uint32_t *n, struct hf_ast_expr *a);
static int rest_args(struct parser *p, struct hf_ast_expr ***args,
                     uint32_t *cap, uint32_t *n);

/* A binary node over l and r, positioned at the operator token. */
static struct hf_ast_expr *binary(struct parser *p, enum hf_ast_op op,
                                  const struct hf_token *optok,
                                  struct hf_ast_expr *l, struct hf_ast_expr *r)
{
    struct hf_ast_expr *e = mk(p, HF_AST_BINARY, optok);
    if (e == NULL)
        return NULL;
    e->op = op;
    e->off = l->off;
    e->end = r->end;
    struct hf_ast_expr *a[2] = {l, r};
    if (set_args(p, e, a, 2) != 0)
        return NULL;
    return e;
}

/* Argument list after '(' up to and including ')'. */
static int call_args(struct parser *p, struct hf_ast_expr *f)
{
    struct hf_ast_expr **args = NULL;
    uint32_t n = 0, cap = 0;
    if (!accept(p, HF_TK_RPAREN)) {
        if (accept_kw(p, HF_KW_DISTINCT))
            f->distinct = true;
        else
            accept_kw(p, HF_KW_ALL);
        for (;;) {
            struct hf_ast_expr *a;
            if (peek(p)->kind == HF_TK_STAR) {
                a = mk(p, HF_AST_STAR, peek(p));
                next(p);
            } else {
                a = parse_expr(p);
            }
            if (a == NULL)
                return -1;
            if (n == MAX_ARGS)
                return err_at(p, peek(p), HF_ERR_SQL,
                              "too many arguments for %s (at most %d)", f->text,
                              MAX_ARGS);
            if (GROW(p, args, cap, n) != 0)
                return -1;
            args[n++] = a;
            if (!accept(p, HF_TK_COMMA))
                break;
        }
        char ctx[96];
        snprintf(ctx, sizeof ctx, "after the arguments of %s", f->text);
        if (expect(p, HF_TK_RPAREN, ctx) != 0)
            return -1;
    }
    f->end = last_end(p);
    return set_args(p, f, args, n);
}

/* TRIM([BOTH|LEADING|TRAILING] [chars] FROM s) or TRIM(s). */
static struct hf_ast_expr *parse_trim(struct parser *p, struct hf_ast_expr *f)
{
    f->trim = HF_ATRIM_BOTH;
    bool mode = true;
    if (accept_kw(p, HF_KW_BOTH))
        f->trim = HF_ATRIM_BOTH;
    else if (accept_kw(p, HF_KW_LEADING))
        f->trim = HF_ATRIM_LEADING;
    else if (accept_kw(p, HF_KW_TRAILING))
        f->trim = HF_ATRIM_TRAILING;
    else
        mode = false;
    struct hf_ast_expr *chars = NULL, *str;
    if (accept_kw(p, HF_KW_FROM)) {
        str = parse_expr(p);
    } else {
        struct hf_ast_expr *e1 = parse_expr(p);
        if (e1 == NULL)
            return NULL;
        if (accept_kw(p, HF_KW_FROM)) {
            chars = e1;
            str = parse_expr(p);
        } else if (mode) {
            expected(p, "FROM", "in TRIM");
            return NULL;
        } else {
            str = e1;
        }
    }
    if (str == NULL)
        return NULL;
    if (expect(p, HF_TK_RPAREN, "after TRIM arguments") != 0)
        return NULL;
    struct hf_ast_expr *a[2] = {str, chars};
    if (set_args(p, f, a, chars ? 2 : 1) != 0)
        return NULL;
    f->end = last_end(p);
    return f;
}

static struct hf_ast_expr *parse_case(struct parser *p,
                                      const struct hf_token *at)
{
    struct hf_ast_expr *e = mk(p, HF_AST_CASE, at);
    if (e == NULL)
        return NULL;
    struct hf_ast_expr **args = NULL;
    uint32_t n = 0, cap = 0;
    if (!is_kw(p, HF_KW_WHEN)) {
        struct hf_ast_expr *op = parse_expr(p);
        if (op == NULL || GROW(p, args, cap, n) != 0)
            return NULL;
        args[n++] = op;
        e->has_operand = true;
    }
    if (!is_kw(p, HF_KW_WHEN)) {
        expected(p, "WHEN", "in CASE");
        return NULL;
    }
    while (is_kw(p, HF_KW_WHEN)) {
        if (n >= 2 * MAX_WHENS) {
            err_at(p, peek(p), HF_ERR_SQL,
                   "too many WHEN branches in CASE (at most %d)", MAX_WHENS);
            return NULL;
        }
        next(p);
        struct hf_ast_expr *w = parse_expr(p);
        if (w == NULL)
            return NULL;
        if (expect_kw(p, HF_KW_THEN, "after the WHEN condition") != 0)
            return NULL;
        struct hf_ast_expr *th = parse_expr(p);
        if (th == NULL)
            return NULL;
        if (GROW(p, args, cap, n) != 0)
            return NULL;
        args[n++] = w;
        if (GROW(p, args, cap, n) != 0)
            return NULL;
        args[n++] = th;
    }
    if (accept_kw(p, HF_KW_ELSE)) {
        struct hf_ast_expr *el = parse_expr(p);
        if (el == NULL || GROW(p, args, cap, n) != 0)
            return NULL;
        args[n++] = el;
        e->has_else = true;
    }
    if (expect_kw(p, HF_KW_END, "to close CASE") != 0)
        return NULL;
    if (set_args(p, e, args, n) != 0)
        return NULL;
    e->end = last_end(p);
    return e;
}

/* A literal or parenthesised expression (the token cases of primary). */
static struct hf_ast_expr *parse_token_primary(struct parser *p)
{
    const struct hf_token *t = peek(p);
    struct hf_ast_expr *e;
    switch (t->kind) {
    case HF_TK_INTEGER:
    case HF_TK_DECIMAL:
    case HF_TK_DOUBLE:
        e = mk(p,
               t->kind == HF_TK_INTEGER   ? HF_AST_INT
               : t->kind == HF_TK_DECIMAL ? HF_AST_DECIMAL
                                          : HF_AST_DOUBLE,
               t);
        if (e)
            e->text = t->text;
        next(p);
        return e;
    case HF_TK_STRING:
        e = mk(p, HF_AST_STRING, t);
        if (e)
            e->text = t->text;
        next(p);
        return e;
    case HF_TK_LPAREN:
        next(p);
        if (is_kw(p, HF_KW_SELECT)) {
            unsupported(p, peek(p), "subqueries are not supported");
            return NULL;
        }
        e = parse_expr(p);
        if (e == NULL)
            return NULL;
        if (peek(p)->kind == HF_TK_COMMA) {
            /* (a, b, ...): Flink's implicit row constructor. */
            struct hf_ast_expr *r = mk(p, HF_AST_ROW, t);
            struct hf_ast_expr **args = NULL;
            uint32_t n = 0, cap = 0;
            if (r == NULL || push_arg(p, &args, &cap, &n, e) != 0 ||
                rest_args(p, &args, &cap, &n) != 0)
                return NULL;
            if (expect(p, HF_TK_RPAREN, "after the values of a row") != 0 ||
                set_args(p, r, args, n) != 0)
                return NULL;
            r->end = last_end(p);
            return r;
        }
        if (expect(p, HF_TK_RPAREN, "to close '('") != 0)
            return NULL;
        /* Keep the node's own position; widen the span to the parens. */
        e->off = t->off;
        e->end = last_end(p);
        return e;
    case HF_TK_LBRACKET:
        unsupported(p, t,
                    "'[' starts no expression; write an array as "
                    "ARRAY[1, 2]");
        return NULL;
    default:
        expected(p, "an expression", "");
        return NULL;
    }
}

/* CAST(x AS type) / TRY_CAST(x AS type); the cursor is on CAST. */
static struct hf_ast_expr *parse_cast(struct parser *p)
{
    const struct hf_token *t = next(p);
    struct hf_ast_expr *e = mk(p, HF_AST_CAST, t);
    if (e == NULL)
        return NULL;
    e->try_cast = t->kw == HF_KW_TRY_CAST;
    e->text = e->try_cast ? "TRY_CAST" : "CAST";
    next(p); /* '(' */
    struct hf_ast_expr *a = parse_expr(p);
    if (a == NULL)
        return NULL;
    char ctx[40];
    snprintf(ctx, sizeof ctx, "in %s", e->text);
    if (expect_kw(p, HF_KW_AS, ctx) != 0)
        return NULL;
    if (parse_type(p, &e->type, false) != 0)
        return NULL;
    snprintf(ctx, sizeof ctx, "to close %s", e->text);
    if (expect(p, HF_TK_RPAREN, ctx) != 0)
        return NULL;
    if (set_args(p, e, &a, 1) != 0)
        return NULL;
    e->end = last_end(p);
    return e;
}


/* ---- function-call syntax with keywords inside the parentheses */

/* Is `t` the word `w` (a keyword or a plain identifier, any case)? */
static bool tok_word(const struct hf_token *t, const char *w)
{
    return t->kind == HF_TK_IDENT && strcasecmp(t->text, w) == 0;
}

static bool accept_word(struct parser *p, const char *w)
{
    if (!tok_word(peek(p), w))
        return false;
    next(p);
    return true;
}

static int expect_word(struct parser *p, const char *w, const char *ctx)
{
    if (accept_word(p, w))
        return 0;
    return expected(p, w, ctx);
}

/* A SYMBOL node with the given upper-case text, placed at `at`. */
static struct hf_ast_expr *symbol(struct parser *p, const struct hf_token *at,
                                  const char *text)
{
    struct hf_ast_expr *e = mk(p, HF_AST_SYMBOL, at);
    if (e)
        e->text = text;
    return e;
}

/* The word at the cursor as a SYMBOL (upper-cased): a time unit. */
static struct hf_ast_expr *unit_symbol(struct parser *p, const char *ctx)
{
    const struct hf_token *t = peek(p);
    if (t->kind != HF_TK_IDENT) {
        expected(p, "a time unit such as DAY or HOUR", ctx);
        return NULL;
    }
    char *up = hf_arena_strndup(&p->s->arena, t->text, t->text_len);
    if (up == NULL) {
        oom(p);
        return NULL;
    }
    for (char *c = up; *c; c++)
        if (*c >= 'a' && *c <= 'z')
            *c = (char)(*c - 'a' + 'A');
    next(p);
    return symbol(p, t, up);
}

/* Close a call whose arguments are args[0..n): ')' and the node. */
static struct hf_ast_expr *finish_call(struct parser *p, struct hf_ast_expr *f,
                                       struct hf_ast_expr **args, uint32_t n)
{
    char ctx[96];
    snprintf(ctx, sizeof ctx, "after the arguments of %s", f->text);
    if (expect(p, HF_TK_RPAREN, ctx) != 0)
        return NULL;
    if (set_args(p, f, args, n) != 0)
        return NULL;
    f->end = last_end(p);
    return f;
}

/* Append a to args; -1 on out of memory. */
static int push_arg(struct parser *p, struct hf_ast_expr ***args,
                    uint32_t *cap, uint32_t *n, struct hf_ast_expr *a)
{
    if (a == NULL)
        return -1;
    if (*n >= MAX_ARGS)
        return err_at(p, peek(p), HF_ERR_SQL,
                      "too many arguments (at most %d)", MAX_ARGS);
    if (grow_impl(p, (void **)args, cap, *n, sizeof **args) != 0)
        return -1;
    (*args)[(*n)++] = a;
    return 0;
}

/* `, expr` repeated until ')'. */
static int rest_args(struct parser *p, struct hf_ast_expr ***args,
                     uint32_t *cap, uint32_t *n)
{
    while (accept(p, HF_TK_COMMA))
        if (push_arg(p, args, cap, n, parse_expr(p)) != 0)
            return -1;
    return 0;
}

/* Comma-separated expressions up to and including `close`, as the args of
 * e (a constructor); `what` names it in messages. At least `min` values. */
static int value_list(struct parser *p, struct hf_ast_expr *e,
                      enum hf_tok close, const char *what, uint32_t min)
{
    struct hf_ast_expr **args = NULL;
    uint32_t n = 0, cap = 0;
    if (peek(p)->kind != close) {
        for (;;) {
            if (push_arg(p, &args, &cap, &n, parse_expr(p)) != 0)
                return -1;
            if (!accept(p, HF_TK_COMMA))
                break;
        }
    }
    char ctx[96];
    snprintf(ctx, sizeof ctx, "after the values of %s", what);
    if (n < min && peek(p)->kind == close)
        return err_at(p, peek(p), HF_ERR_SQL, "%s needs at least %u value%s",
                      what, min, min == 1 ? "" : "s");
    if (expect(p, close, ctx) != 0)
        return -1;
    e->end = last_end(p);
    return set_args(p, e, args, n);
}


/* EXTRACT(unit FROM x) -> (SYMBOL unit, x). */
static struct hf_ast_expr *parse_extract(struct parser *p,
                                         struct hf_ast_expr *f)
{
    struct hf_ast_expr *a[2];
    a[0] = unit_symbol(p, "in EXTRACT");
    if (a[0] == NULL || expect_kw(p, HF_KW_FROM, "in EXTRACT") != 0)
        return NULL;
    a[1] = parse_expr(p);
    if (a[1] == NULL)
        return NULL;
    return finish_call(p, f, a, 2);
}

/* POSITION(needle IN haystack [FROM n]). */
static struct hf_ast_expr *parse_position(struct parser *p,
                                          struct hf_ast_expr *f)
{
    struct hf_ast_expr *a[3];
    uint32_t n = 2;
    a[0] = parse_concat(p);
    if (a[0] == NULL || expect_kw(p, HF_KW_IN, "in POSITION") != 0)
        return NULL;
    a[1] = parse_concat(p);
    if (a[1] == NULL)
        return NULL;
    if (accept_kw(p, HF_KW_FROM)) {
        a[2] = parse_concat(p);
        if (a[2] == NULL)
            return NULL;
        n = 3;
    }
    return finish_call(p, f, a, n);
}

/* TIMESTAMPADD(unit, n, t) / TIMESTAMPDIFF(unit, t1, t2). */
static struct hf_ast_expr *parse_unit_first(struct parser *p,
                                            struct hf_ast_expr *f)
{
    struct hf_ast_expr **args = NULL;
    uint32_t n = 0, cap = 0;
    char ctx[64];
    snprintf(ctx, sizeof ctx, "as the first argument of %s", f->text);
    if (push_arg(p, &args, &cap, &n, unit_symbol(p, ctx)) != 0)
        return NULL;
    if (rest_args(p, &args, &cap, &n) != 0)
        return NULL;
    return finish_call(p, f, args, n);
}

/* FLOOR(x [TO unit]), CEIL(x [TO unit]), SUBSTRING(s FROM a [FOR b]) and
 * their plain comma forms. */
static struct hf_ast_expr *parse_keyword_args(struct parser *p,
                                              struct hf_ast_expr *f,
                                              bool substring)
{
    struct hf_ast_expr **args = NULL;
    uint32_t n = 0, cap = 0;
    if (push_arg(p, &args, &cap, &n, parse_expr(p)) != 0)
        return NULL;
    if (!substring && accept_word(p, "TO")) {
        if (push_arg(p, &args, &cap, &n, unit_symbol(p, "after TO")) != 0)
            return NULL;
    } else if (substring && accept_kw(p, HF_KW_FROM)) {
        if (push_arg(p, &args, &cap, &n, parse_expr(p)) != 0)
            return NULL;
        if (accept_kw(p, HF_KW_FOR) &&
            push_arg(p, &args, &cap, &n, parse_expr(p)) != 0)
            return NULL;
    } else if (rest_args(p, &args, &cap, &n) != 0) {
        return NULL;
    }
    return finish_call(p, f, args, n);
}

/* A JSON ON EMPTY / ON ERROR behaviour word for JSON_VALUE and JSON_QUERY;
 * NULL when the cursor is not at one (nothing consumed). */
static const char *json_behaviour(struct parser *p, bool query)
{
    const struct hf_token *t = peek(p);
    if (tok_word(t, "NULL"))
        return next(p), "NULL";
    if (tok_word(t, "ERROR"))
        return next(p), "ERROR";
    if (!query && tok_word(t, "DEFAULT"))
        return next(p), "DEFAULT";
    if (query && tok_word(t, "EMPTY") &&
        (tok_word(peek_at(p, 1), "ARRAY") ||
         tok_word(peek_at(p, 1), "OBJECT"))) {
        next(p);
        return tok_word(next(p), "ARRAY") ? "EMPTY ARRAY" : "EMPTY OBJECT";
    }
    return NULL;
}

static struct hf_ast_expr *null_node(struct parser *p)
{
    return mk(p, HF_AST_NULL, peek(p));
}

/* JSON_VALUE(j, path [RETURNING type] [beh ON EMPTY] [beh ON ERROR]) ->
 * (j, path, SYMBOL on-empty, default, SYMBOL on-error, default);
 * JSON_QUERY(j, path [wrapper] [beh ON EMPTY] [beh ON ERROR]) ->
 * (j, path, SYMBOL wrapper, SYMBOL on-empty, SYMBOL on-error);
 * JSON_EXISTS(j, path [beh ON ERROR]) -> (j, path, SYMBOL on-error). */
static struct hf_ast_expr *parse_json_fn(struct parser *p,
                                         struct hf_ast_expr *f, int which)
{
    const struct hf_token *at = peek(p);
    struct hf_ast_expr *a[6] = {NULL};
    a[0] = parse_expr(p);
    if (a[0] == NULL)
        return NULL;
    char ctx[64];
    snprintf(ctx, sizeof ctx, "after the JSON argument of %s", f->text);
    if (expect(p, HF_TK_COMMA, ctx) != 0)
        return NULL;
    a[1] = parse_expr(p);
    if (a[1] == NULL)
        return NULL;
    f->type = hf_type_make(HF_VARCHAR);
    if (which == 2) { /* JSON_EXISTS */
        const char *beh = "FALSE";
        const struct hf_token *t = peek(p);
        if (tok_word(t, "TRUE") || tok_word(t, "FALSE") ||
            tok_word(t, "UNKNOWN") || tok_word(t, "ERROR")) {
            beh = tok_word(t, "TRUE")      ? "TRUE"
                  : tok_word(t, "FALSE")   ? "FALSE"
                  : tok_word(t, "UNKNOWN") ? "UNKNOWN"
                                           : "ERROR";
            next(p);
            if (expect_kw(p, HF_KW_ON, "in JSON_EXISTS") != 0 ||
                expect_word(p, "ERROR", "after ON") != 0)
                return NULL;
        }
        a[2] = symbol(p, t, beh);
        return a[2] ? finish_call(p, f, a, 3) : NULL;
    }
    const char *wrapper = "WITHOUT";
    if (which == 0 && accept_word(p, "RETURNING")) {
        if (parse_type(p, &f->type, false) != 0)
            return NULL;
    }
    if (which == 1 && (tok_word(peek(p), "WITHOUT") ||
                       tok_word(peek(p), "WITH"))) {
        bool with = tok_word(next(p), "WITH");
        wrapper = "WITHOUT";
        if (with) {
            wrapper = "UNCONDITIONAL";
            if (accept_word(p, "CONDITIONAL"))
                wrapper = "CONDITIONAL";
            else
                accept_word(p, "UNCONDITIONAL");
        }
        accept_kw(p, HF_KW_ARRAY);
        if (expect_word(p, "WRAPPER", "in JSON_QUERY") != 0)
            return NULL;
    }
    if (which == 1 && tok_word(peek(p), "RETURNING")) {
        unsupported(p, peek(p),
                    "RETURNING is not supported in JSON_QUERY; its result is "
                    "a STRING");
        return NULL;
    }
    const char *beh[2] = {"NULL", "NULL"};
    struct hf_ast_expr *def[2] = {NULL, NULL};
    for (;;) {
        const struct hf_token *bt = peek(p);
        const char *b = json_behaviour(p, which == 1);
        if (b == NULL)
            break;
        struct hf_ast_expr *d = NULL;
        if (strcmp(b, "DEFAULT") == 0 && (d = parse_concat(p)) == NULL)
            return NULL;
        if (expect_kw(p, HF_KW_ON, "after the behaviour") != 0)
            return NULL;
        int k;
        if (accept_word(p, "EMPTY"))
            k = 0;
        else if (accept_word(p, "ERROR"))
            k = 1;
        else {
            expected(p, "EMPTY or ERROR", "after ON");
            return NULL;
        }
        (void)bt;
        beh[k] = b;
        def[k] = d;
    }
    if (which == 0) {
        a[2] = symbol(p, at, beh[0]);
        a[3] = def[0] ? def[0] : null_node(p);
        a[4] = symbol(p, at, beh[1]);
        a[5] = def[1] ? def[1] : null_node(p);
        for (int k = 2; k < 6; k++)
            if (a[k] == NULL)
                return NULL;
        return finish_call(p, f, a, 6);
    }
    a[2] = symbol(p, at, wrapper);
    a[3] = symbol(p, at, beh[0]);
    a[4] = symbol(p, at, beh[1]);
    if (a[2] == NULL || a[3] == NULL || a[4] == NULL)
        return NULL;
    return finish_call(p, f, a, 5);
}

/* `{NULL | ABSENT} ON NULL` at the cursor: the word, or NULL. */
static const char *on_null_clause(struct parser *p)
{
    const struct hf_token *t = peek(p);
    if ((tok_word(t, "NULL") || tok_word(t, "ABSENT")) &&
        tok_is_kw(peek_at(p, 1), HF_KW_ON) &&
        tok_word(peek_at(p, 2), "NULL")) {
        const char *w = tok_word(t, "NULL") ? "NULL" : "ABSENT";
        next(p);
        next(p);
        next(p);
        return w;
    }
    return NULL;
}

/* JSON_OBJECT([KEY] k VALUE v, ... [ON NULL]) -> (SYMBOL on-null, k, v,
 * ...); JSON_ARRAY(v, ... [ON NULL]) -> (SYMBOL on-null, v, ...). */
static struct hf_ast_expr *parse_json_ctor(struct parser *p,
                                           struct hf_ast_expr *f, bool object)
{
    struct hf_ast_expr **args = NULL;
    uint32_t n = 0, cap = 0;
    const struct hf_token *at = peek(p);
    if (push_arg(p, &args, &cap, &n, symbol(p, at, object ? "NULL" : "ABSENT")) !=
        0)
        return NULL;
    const char *on_null = NULL;
    if (peek(p)->kind != HF_TK_RPAREN && (on_null = on_null_clause(p)) == NULL) {
        for (;;) {
            if (object) {
                accept_kw(p, HF_KW_KEY);
                if (push_arg(p, &args, &cap, &n, parse_concat(p)) != 0)
                    return NULL;
                if (expect_word(p, "VALUE", "after the key in JSON_OBJECT") !=
                    0)
                    return NULL;
            }
            if (push_arg(p, &args, &cap, &n, parse_expr(p)) != 0)
                return NULL;
            if ((on_null = on_null_clause(p)) != NULL)
                break;
            if (!accept(p, HF_TK_COMMA))
                break;
        }
    }
    if (on_null)
        args[0]->text = on_null;
    return finish_call(p, f, args, n);
}

/* INTERVAL [+|-] 'text' unit [(p)] [TO unit [(p)]]; the cursor is on
 * INTERVAL. */
static struct hf_ast_expr *parse_interval(struct parser *p)
{
    const struct hf_token *t = next(p);
    struct hf_ast_expr *e = mk(p, HF_AST_INTERVAL, t);
    if (e == NULL)
        return NULL;
    if (accept(p, HF_TK_MINUS))
        e->negated = true;
    else
        accept(p, HF_TK_PLUS);
    if (peek(p)->kind != HF_TK_STRING) {
        expected(p, "a string after INTERVAL, e.g. INTERVAL '5' SECOND", "");
        return NULL;
    }
    e->text = next(p)->text;
    /* The qualifier's text, whole: the binder checks it (a unit name of
     * any length is named in its error, never cut to a valid one). */
    struct hf_strbuf qual;
    hf_strbuf_init(&qual, 0);
    for (int part = 0; part < 2; part++) {
        struct hf_ast_expr *u = unit_symbol(p, "after the INTERVAL string");
        if (u == NULL)
            goto fail;
        hf_strbuf_printf(&qual, "%s%s", part ? " TO " : "", u->text);
        if (accept(p, HF_TK_LPAREN)) {
            if (peek(p)->kind != HF_TK_INTEGER) {
                expected(p, "a precision", "in the INTERVAL qualifier");
                goto fail;
            }
            const struct hf_token *pt = next(p);
            if (part == 0)
                hf_strbuf_printf(&qual, "(%s)", pt->text);
            if (accept(p, HF_TK_COMMA) && !accept(p, HF_TK_INTEGER)) {
                expected(p, "a precision", "in the INTERVAL qualifier");
                goto fail;
            }
            if (expect(p, HF_TK_RPAREN, "after the precision") != 0)
                goto fail;
        }
        if (part == 0 && !accept_word(p, "TO"))
            break;
    }
    e->qual = hf_strbuf_ok(&qual)
                  ? hf_arena_strndup(&p->s->arena, qual.data ? qual.data : "",
                                     qual.len)
                  : NULL;
    hf_strbuf_free(&qual);
    if (e->qual == NULL) {
        oom(p);
        return NULL;
    }
    e->end = last_end(p);
    return e;
fail:
    hf_strbuf_free(&qual);
    return NULL;
}

/* A function call whose name is the current token; '(' follows. */
/* agg(...) FILTER (WHERE cond): the filter of an aggregate call, kept
 * on the call for the planner (which refuses it on other functions). */
static int agg_filter(struct parser *p, struct hf_ast_expr *f)
{
    if (!tok_word(peek(p), "FILTER") ||
        peek_at(p, 1)->kind != HF_TK_LPAREN ||
        !tok_is_kw(peek_at(p, 2), HF_KW_WHERE))
        return 0;
    next(p);
    next(p);
    next(p);
    f->filter = parse_expr(p);
    if (f->filter == NULL)
        return -1;
    if (expect(p, HF_TK_RPAREN, "after FILTER (WHERE ...") != 0)
        return -1;
    f->end = last_end(p);
    return 0;
}

static struct hf_ast_expr *parse_call(struct parser *p)
{
    const struct hf_token *t = next(p);
    struct hf_ast_expr *f = mk(p, HF_AST_FUNC, t);
    if (f == NULL)
        return NULL;
    /* Function names are case-insensitive: keep them upper-case. */
    char *up = hf_arena_strndup(&p->s->arena, t->text, t->text_len);
    if (up == NULL) {
        oom(p);
        return NULL;
    }
    for (char *c = up; *c; c++)
        if (*c >= 'a' && *c <= 'z')
            *c = (char)(*c - 'a' + 'A');
    f->text = up;
    next(p); /* '(' */
    if (strcmp(up, "TRIM") == 0)
        return parse_trim(p, f);
    if (peek(p)->kind != HF_TK_RPAREN) {
        if (strcmp(up, "EXTRACT") == 0)
            return parse_extract(p, f);
        if (strcmp(up, "POSITION") == 0)
            return parse_position(p, f);
        if (strcmp(up, "TIMESTAMPADD") == 0 ||
            strcmp(up, "TIMESTAMPDIFF") == 0)
            return parse_unit_first(p, f);
        if (strcmp(up, "FLOOR") == 0 || strcmp(up, "CEIL") == 0 ||
            strcmp(up, "CEILING") == 0)
            return parse_keyword_args(p, f, false);
        if (strcmp(up, "SUBSTRING") == 0 || strcmp(up, "SUBSTR") == 0)
            return parse_keyword_args(p, f, true);
        if (strcmp(up, "JSON_VALUE") == 0)
            return parse_json_fn(p, f, 0);
        if (strcmp(up, "JSON_QUERY") == 0)
            return parse_json_fn(p, f, 1);
        if (strcmp(up, "JSON_EXISTS") == 0)
            return parse_json_fn(p, f, 2);
    }
    if (strcmp(up, "JSON_OBJECT") == 0)
        return parse_json_ctor(p, f, true);
    if (strcmp(up, "JSON_ARRAY") == 0)
        return parse_json_ctor(p, f, false);
    if (call_args(p, f) != 0 || agg_filter(p, f) != 0)
        return NULL;
    if (p->in_items && tok_word(peek(p), "OVER") &&
        over_clause(p, f, &f->over) != 0)
        return NULL;
    return f;
}

static struct hf_ast_expr *parse_primary_base(struct parser *p)
{
    const struct hf_token *t = peek(p);
    if (t->kind != HF_TK_IDENT && t->kind != HF_TK_QIDENT)
        return parse_token_primary(p);
    bool call = peek_at(p, 1)->kind == HF_TK_LPAREN;
    struct hf_ast_expr *e;
    if (t->kind == HF_TK_IDENT) {
        switch (t->kw) {
        case HF_KW_TRUE:
        case HF_KW_FALSE:
            e = mk(p, HF_AST_BOOL, t);
            if (e)
                e->b = t->kw == HF_KW_TRUE;
            next(p);
            return e;
        case HF_KW_NULL:
            e = mk(p, HF_AST_NULL, t);
            next(p);
            return e;
        case HF_KW_CAST:
        case HF_KW_TRY_CAST:
            if (call)
                return parse_cast(p);
            break;
        case HF_KW_CASE:
            next(p);
            return parse_case(p, t);
        case HF_KW_DATE:
        case HF_KW_TIME:
        case HF_KW_TIMESTAMP:
            if (peek_at(p, 1)->kind == HF_TK_STRING) {
                e = mk(p, HF_AST_TYPED_LIT, t);
                if (e == NULL)
                    return NULL;
                e->type = hf_type_make(t->kw == HF_KW_DATE   ? HF_DATE
                                       : t->kw == HF_KW_TIME ? HF_TIME
                                                             : HF_TIMESTAMP);
                next(p);
                e->text = next(p)->text;
                e->end = last_end(p);
                return e;
            }
            if (!call) {
                char ex[160];
                snprintf(ex, sizeof ex, "a string after %s, e.g. %s '%s'",
                         hf_kw_name(t->kw), hf_kw_name(t->kw),
                         t->kw == HF_KW_DATE   ? "2024-01-31"
                         : t->kw == HF_KW_TIME ? "12:30:00"
                                               : "2024-01-31 12:30:00");
                next(p);
                expected(p, ex, "");
                return NULL;
            }
            break;
        case HF_KW_CURRENT_TIMESTAMP:
        case HF_KW_LOCALTIMESTAMP:
        case HF_KW_CURRENT_DATE:
            e = mk(p, HF_AST_FUNC, t);
            if (e == NULL)
                return NULL;
            e->text = hf_kw_name(t->kw);
            next(p);
            if (peek(p)->kind == HF_TK_LPAREN &&
                peek_at(p, 1)->kind == HF_TK_RPAREN) {
                next(p);
                next(p);
            }
            e->end = last_end(p);
            if (set_args(p, e, NULL, 0) != 0)
                return NULL;
            return e;
        case HF_KW_INTERVAL:
            return parse_interval(p);
        case HF_KW_EXISTS:
            unsupported(p, t, "subqueries (EXISTS) are not supported");
            return NULL;
        case HF_KW_ARRAY:
        case HF_KW_MAP:
            if (peek_at(p, 1)->kind == HF_TK_LBRACKET) {
                bool arr = t->kw == HF_KW_ARRAY;
                e = mk(p, arr ? HF_AST_ARRAY : HF_AST_MAP, t);
                if (e == NULL)
                    return NULL;
                next(p);
                next(p);
                if (value_list(p, e, HF_TK_RBRACKET, arr ? "ARRAY[...]" : "MAP[...]",
                               arr ? 1 : 2) != 0)
                    return NULL;
                if (!arr && e->nargs % 2 != 0) {
                    err_at(p, t, HF_ERR_SQL,
                           "MAP[...] needs pairs of keys and values, found "
                           "%u values",
                           e->nargs);
                    return NULL;
                }
                return e;
            }
            if (call && tok_is_kw(peek_at(p, 2), HF_KW_SELECT)) {
                err_at(p, t, HF_ERR_UNSUPPORTED,
                       "%s(subquery) is not supported", hf_kw_name(t->kw));
                return NULL;
            }
            break;
        case HF_KW_ROW:
            if (call) {
                e = mk(p, HF_AST_ROW, t);
                if (e == NULL)
                    return NULL;
                next(p);
                next(p);
                if (value_list(p, e, HF_TK_RPAREN, "ROW(...)", 0) != 0)
                    return NULL;
                return e;
            }
            break;
        default:
            break;
        }
        if (t->kw == HF_KW_NONE && !call &&
            (strcasecmp(t->text, "CURRENT_TIME") == 0 ||
             strcasecmp(t->text, "LOCALTIME") == 0) &&
            peek_at(p, 1)->kind != HF_TK_DOT) {
            e = mk(p, HF_AST_FUNC, t);
            if (e == NULL)
                return NULL;
            e->text = strcasecmp(t->text, "LOCALTIME") == 0 ? "LOCALTIME"
                                                            : "CURRENT_TIME";
            next(p);
            if (set_args(p, e, NULL, 0) != 0)
                return NULL;
            return e;
        }
        if (call && (!hf_kw_reserved(t->kw) || t->kw == HF_KW_LEFT ||
                     t->kw == HF_KW_RIGHT))
            return parse_call(p);
        if (hf_kw_reserved(t->kw)) {
            err_at(p, t, HF_ERR_SQL,
                   "expected an expression, found reserved word '%s'; write "
                   "`%s` to use it as a column name",
                   t->text, t->text);
            return NULL;
        }
    }
    /* A column: name or qual.name. */
    e = mk(p, HF_AST_COLUMN, t);
    if (e == NULL)
        return NULL;
    e->text = t->text;
    next(p);
    if (peek(p)->kind == HF_TK_DOT) {
        next(p);
        const struct hf_token *nt = peek(p);
        if (nt->kind != HF_TK_IDENT && nt->kind != HF_TK_QIDENT) {
            expected(p, "a column name", "after '.'");
            return NULL;
        }
        e->qual = e->text;
        e->text = nt->text;
        e->line = nt->line;
        e->col = nt->col;
        next(p);
    }
    e->end = last_end(p);
    return e;
}

/* A primary followed by any number of subscripts x[i] (array element, map
 * value) and field accesses x.f (ROW field). */
static struct hf_ast_expr *parse_primary(struct parser *p)
{
    struct hf_ast_expr *e = parse_primary_base(p);
    while (e) {
        const struct hf_token *t = peek(p);
        struct hf_ast_expr *x;
        if (t->kind == HF_TK_LBRACKET) {
            next(p);
            struct hf_ast_expr *idx = parse_expr(p);
            if (idx == NULL)
                return NULL;
            if (expect(p, HF_TK_RBRACKET, "after the subscript") != 0)
                return NULL;
            x = mk(p, HF_AST_ITEM, t);
            struct hf_ast_expr *a[2] = {e, idx};
            if (x == NULL || set_args(p, x, a, 2) != 0)
                return NULL;
        } else if (t->kind == HF_TK_DOT &&
                   (peek_at(p, 1)->kind == HF_TK_IDENT ||
                    peek_at(p, 1)->kind == HF_TK_QIDENT)) {
            next(p);
            const struct hf_token *nt = next(p);
            x = mk(p, HF_AST_FIELD, nt);
            if (x == NULL || set_args(p, x, &e, 1) != 0)
                return NULL;
            x->text = nt->text;
        } else {
            break;
        }
        x->off = e->off;
        x->end = last_end(p);
        e = x;
    }
    return e;
}

static struct hf_ast_expr *parse_unary(struct parser *p)
{
    const struct hf_token *t = peek(p);
    if (t->kind != HF_TK_MINUS && t->kind != HF_TK_PLUS)
        return parse_primary(p);
    if (++p->depth > MAX_DEPTH) {
        err_at(p, t, HF_ERR_SQL, "expression nested too deeply");
        return NULL;
    }
    next(p);
    const struct hf_token *nt = peek(p);
    struct hf_ast_expr *e;
    if (t->kind == HF_TK_MINUS &&
        (nt->kind == HF_TK_INTEGER || nt->kind == HF_TK_DECIMAL ||
         nt->kind == HF_TK_DOUBLE)) {
        /* Fold the sign into a numeric literal: -2147483648 is an INT. */
        e = parse_token_primary(p);
        if (e == NULL)
            return NULL;
        size_t l = strlen(e->text);
        char *neg = hf_arena_alloc(&p->s->arena, l + 2);
        if (neg == NULL) {
            oom(p);
            return NULL;
        }
        neg[0] = '-';
        memcpy(neg + 1, e->text, l + 1);
        e->text = neg;
        e->off = t->off;
        e->line = t->line;
        e->col = t->col;
    } else {
        struct hf_ast_expr *a = parse_unary(p);
        if (a == NULL)
            return NULL;
        e = mk(p, HF_AST_UNARY, t);
        if (e == NULL || set_args(p, e, &a, 1) != 0)
            return NULL;
        e->op = t->kind == HF_TK_MINUS ? HF_AOP_NEG : HF_AOP_PLUS;
        e->end = a->end;
    }
    p->depth--;
    return e;
}

static struct hf_ast_expr *parse_mul(struct parser *p)
{
    struct hf_ast_expr *l = parse_unary(p);
    while (l) {
        const struct hf_token *t = peek(p);
        enum hf_ast_op op;
        if (t->kind == HF_TK_STAR)
            op = HF_AOP_MUL;
        else if (t->kind == HF_TK_SLASH)
            op = HF_AOP_DIV;
        else if (t->kind == HF_TK_PERCENT)
            op = HF_AOP_MOD;
        else
            break;
        next(p);
        struct hf_ast_expr *r = parse_unary(p);
        if (r == NULL)
            return NULL;
        l = binary(p, op, t, l, r);
    }
    return l;
}

static struct hf_ast_expr *parse_add(struct parser *p)
{
    struct hf_ast_expr *l = parse_mul(p);
    while (l) {
        const struct hf_token *t = peek(p);
        enum hf_ast_op op;
        if (t->kind == HF_TK_PLUS)
            op = HF_AOP_ADD;
        else if (t->kind == HF_TK_MINUS)
            op = HF_AOP_SUB;
        else
            break;
        next(p);
        struct hf_ast_expr *r = parse_mul(p);
        if (r == NULL)
            return NULL;
        l = binary(p, op, t, l, r);
    }
    return l;
}

static struct hf_ast_expr *parse_concat(struct parser *p)
{
    struct hf_ast_expr *l = parse_add(p);
    while (l && peek(p)->kind == HF_TK_CONCAT) {
        const struct hf_token *t = next(p);
        struct hf_ast_expr *r = parse_add(p);
        if (r == NULL)
            return NULL;
        l = binary(p, HF_AOP_CONCAT, t, l, r);
    }
    return l;
}

static bool cmp_op(enum hf_tok k, enum hf_ast_op *op)
{
    switch (k) {
    case HF_TK_EQ:
        *op = HF_AOP_EQ;
        return true;
    case HF_TK_NE:
        *op = HF_AOP_NE;
        return true;
    case HF_TK_LT:
        *op = HF_AOP_LT;
        return true;
    case HF_TK_LE:
        *op = HF_AOP_LE;
        return true;
    case HF_TK_GT:
        *op = HF_AOP_GT;
        return true;
    case HF_TK_GE:
        *op = HF_AOP_GE;
        return true;
    default:
        return false;
    }
}

/* Comparison, IS, BETWEEN, IN, LIKE. */
static struct hf_ast_expr *parse_pred(struct parser *p)
{
    struct hf_ast_expr *l = parse_concat(p);
    if (l == NULL)
        return NULL;
    const struct hf_token *t = peek(p);
    enum hf_ast_op op;
    if (cmp_op(t->kind, &op)) {
        next(p);
        struct hf_ast_expr *r = parse_concat(p);
        if (r == NULL)
            return NULL;
        l = binary(p, op, t, l, r);
        if (l && cmp_op(peek(p)->kind, &op)) {
            err_at(p, peek(p), HF_ERR_SQL,
                   "comparisons cannot be chained; combine them with AND");
            return NULL;
        }
        return l;
    }
    if (tok_is_kw(t, HF_KW_IS)) {
        next(p);
        struct hf_ast_expr *e = mk(p, HF_AST_IS, t);
        if (e == NULL)
            return NULL;
        e->negated = accept_kw(p, HF_KW_NOT);
        if (accept_kw(p, HF_KW_DISTINCT)) {
            if (expect_kw(p, HF_KW_FROM, "after IS DISTINCT") != 0)
                return NULL;
            struct hf_ast_expr *r = parse_concat(p);
            if (r == NULL)
                return NULL;
            e->is = HF_AIS_DISTINCT;
            e->off = l->off;
            e->end = last_end(p);
            struct hf_ast_expr *a[2] = {l, r};
            if (set_args(p, e, a, 2) != 0)
                return NULL;
            return e;
        }
        if (tok_is_kw(peek(p), HF_KW_JSON)) {
            /* IS [NOT] JSON [VALUE|SCALAR|ARRAY|OBJECT]: a function. */
            const struct hf_token *jt = next(p);
            const char *kind = "VALUE";
            if (accept_word(p, "VALUE"))
                kind = "VALUE";
            else if (accept_word(p, "SCALAR"))
                kind = "SCALAR";
            else if (accept_kw(p, HF_KW_ARRAY))
                kind = "ARRAY";
            else if (accept_word(p, "OBJECT"))
                kind = "OBJECT";
            e->kind = HF_AST_FUNC;
            e->text = "IS_JSON";
            struct hf_ast_expr *a[2] = {l, symbol(p, jt, kind)};
            if (a[1] == NULL || set_args(p, e, a, 2) != 0)
                return NULL;
            e->off = l->off;
            e->end = last_end(p);
            return e;
        }
        if (accept_kw(p, HF_KW_NULL))
            e->is = HF_AIS_NULL;
        else if (accept_kw(p, HF_KW_TRUE))
            e->is = HF_AIS_TRUE;
        else if (accept_kw(p, HF_KW_FALSE))
            e->is = HF_AIS_FALSE;
        else if (accept_kw(p, HF_KW_UNKNOWN))
            e->is = HF_AIS_UNKNOWN;
        else {
            expected(p, "NULL, TRUE, FALSE or UNKNOWN",
                     e->negated ? "after IS NOT" : "after IS");
            return NULL;
        }
        e->off = l->off;
        e->end = last_end(p);
        if (set_args(p, e, &l, 1) != 0)
            return NULL;
        return e;
    }
    bool neg = false;
    if (tok_is_kw(t, HF_KW_NOT) && (tok_is_kw(peek_at(p, 1), HF_KW_BETWEEN) ||
                                    tok_is_kw(peek_at(p, 1), HF_KW_IN) ||
                                    tok_is_kw(peek_at(p, 1), HF_KW_LIKE) ||
                                    (tok_word(peek_at(p, 1), "SIMILAR") &&
                                     tok_word(peek_at(p, 2), "TO")))) {
        next(p);
        neg = true;
        t = peek(p);
    }
    bool similar = tok_word(t, "SIMILAR") && tok_word(peek_at(p, 1), "TO");
    if (tok_is_kw(t, HF_KW_BETWEEN)) {
        next(p);
        bool symmetric = false;
        if (accept_word(p, "SYMMETRIC"))
            symmetric = true;
        else
            accept_word(p, "ASYMMETRIC");
        struct hf_ast_expr *lo = parse_concat(p);
        if (lo == NULL)
            return NULL;
        if (expect_kw(p, HF_KW_AND, "in BETWEEN") != 0)
            return NULL;
        struct hf_ast_expr *hi = parse_concat(p);
        if (hi == NULL)
            return NULL;
        struct hf_ast_expr *e = mk(p, HF_AST_BETWEEN, t);
        struct hf_ast_expr *a[3] = {l, lo, hi};
        if (e == NULL || set_args(p, e, a, 3) != 0)
            return NULL;
        e->negated = neg;
        e->b = symmetric;
        e->off = l->off;
        e->end = last_end(p);
        return e;
    }
    if (tok_is_kw(t, HF_KW_IN)) {
        next(p);
        if (expect(p, HF_TK_LPAREN, "after IN") != 0)
            return NULL;
        if (is_kw(p, HF_KW_SELECT)) {
            unsupported(p, peek(p),
                        "subqueries (IN (SELECT ...)) are not "
                        "supported");
            return NULL;
        }
        struct hf_ast_expr **args = NULL;
        uint32_t n = 0, cap = 0;
        if (GROW(p, args, cap, n) != 0)
            return NULL;
        args[n++] = l;
        for (;;) {
            struct hf_ast_expr *a = parse_expr(p);
            if (a == NULL || GROW(p, args, cap, n) != 0)
                return NULL;
            args[n++] = a;
            if (!accept(p, HF_TK_COMMA))
                break;
        }
        if (expect(p, HF_TK_RPAREN, "after the IN list") != 0)
            return NULL;
        struct hf_ast_expr *e = mk(p, HF_AST_IN, t);
        if (e == NULL || set_args(p, e, args, n) != 0)
            return NULL;
        e->negated = neg;
        e->off = l->off;
        e->end = last_end(p);
        return e;
    }
    if (tok_is_kw(t, HF_KW_LIKE) || similar) {
        next(p);
        if (similar)
            next(p); /* TO */
        struct hf_ast_expr *pat = parse_concat(p);
        if (pat == NULL)
            return NULL;
        struct hf_ast_expr *a[3] = {l, pat, NULL};
        uint32_t n = 2;
        if (accept_kw(p, HF_KW_ESCAPE)) {
            a[2] = parse_concat(p);
            if (a[2] == NULL)
                return NULL;
            n = 3;
        }
        struct hf_ast_expr *e = mk(p, HF_AST_LIKE, t);
        if (e == NULL || set_args(p, e, a, n) != 0)
            return NULL;
        if (similar)
            e->text = "SIMILAR";
        e->negated = neg;
        e->off = l->off;
        e->end = last_end(p);
        return e;
    }
    return l;
}

static struct hf_ast_expr *parse_not(struct parser *p)
{
    const struct hf_token *t = peek(p);
    if (!tok_is_kw(t, HF_KW_NOT))
        return parse_pred(p);
    if (++p->depth > MAX_DEPTH) {
        err_at(p, t, HF_ERR_SQL, "expression nested too deeply");
        return NULL;
    }
    next(p);
    struct hf_ast_expr *a = parse_not(p);
    if (a == NULL)
        return NULL;
    p->depth--;
    struct hf_ast_expr *e = mk(p, HF_AST_UNARY, t);
    if (e == NULL || set_args(p, e, &a, 1) != 0)
        return NULL;
    e->op = HF_AOP_NOT;
    e->end = a->end;
    return e;
}

static struct hf_ast_expr *parse_and(struct parser *p)
{
    struct hf_ast_expr *l = parse_not(p);
    while (l && is_kw(p, HF_KW_AND)) {
        const struct hf_token *t = next(p);
        struct hf_ast_expr *r = parse_not(p);
        if (r == NULL)
            return NULL;
        l = binary(p, HF_AOP_AND, t, l, r);
    }
    return l;
}

static struct hf_ast_expr *parse_expr(struct parser *p)
{
    if (++p->depth > MAX_DEPTH) {
        err_at(p, peek(p), HF_ERR_SQL, "expression nested too deeply");
        return NULL;
    }
    struct hf_ast_expr *l = parse_and(p);
    while (l && is_kw(p, HF_KW_OR)) {
        const struct hf_token *t = next(p);
        struct hf_ast_expr *r = parse_and(p);
        if (r == NULL)
            return NULL;
        l = binary(p, HF_AOP_OR, t, l, r);
    }
    p->depth--;
    return l;
}

/* ------------------------------------------------------------ CREATE TABLE */

/* `name AS PROCTIME()` or `name AS expr`; the cursor is after AS. */
static int computed_column(struct parser *p, struct hf_ast_column *c,
                           const struct hf_token *as)
{
    (void)as;
    const struct hf_token *t = peek(p);
    c->type_line = t->line;
    c->type_col = t->col;
    if (t->kind == HF_TK_IDENT && strcasecmp(t->text, "PROCTIME") == 0 &&
        peek_at(p, 1)->kind == HF_TK_LPAREN &&
        peek_at(p, 2)->kind == HF_TK_RPAREN) {
        next(p);
        next(p);
        next(p);
        c->kind = HF_COL_PROCTIME;
        c->type = hf_type_make(HF_TIMESTAMP_LTZ);
        c->type.precision = 3;
        c->type.not_null = true;
        return 0;
    }
    c->kind = HF_COL_COMPUTED;
    c->expr = parse_expr(p);
    return c->expr ? 0 : -1;
}

/* PRIMARY KEY ... NOT ENFORCED: the NOT ENFORCED part. */
static int not_enforced(struct parser *p)
{
    if (is_kw(p, HF_KW_NOT) && tok_is_kw(peek_at(p, 1), HF_KW_ENFORCED)) {
        next(p);
        next(p);
        return 0;
    }
    return err_at(p, peek(p), HF_ERR_SQL,
                  "PRIMARY KEY must be declared NOT ENFORCED: Flink (and "
                  "holoflow) does not own the data, so it cannot enforce the "
                  "key; write 'PRIMARY KEY (...) NOT ENFORCED'");
}

static int column_def(struct parser *p, struct hf_ast_column *c)
{
    memset(c, 0, sizeof *c);
    c->kind = HF_COL_PHYSICAL;
    if (ident(p, true, "a column name", "in the column list", &c->name) != 0)
        return -1;
    if (is_kw(p, HF_KW_AS)) {
        const struct hf_token *as = next(p);
        if (computed_column(p, c, as) != 0)
            return -1;
    } else {
        c->type_line = peek(p)->line;
        c->type_col = peek(p)->col;
        if (parse_type(p, &c->type, true) != 0)
            return -1;
    }
    bool physical = c->kind == HF_COL_PHYSICAL || c->kind == HF_COL_METADATA;
    for (;;) {
        const struct hf_token *t = peek(p);
        if (tok_is_kw(t, HF_KW_METADATA) && c->kind == HF_COL_PHYSICAL) {
            next(p);
            c->kind = HF_COL_METADATA;
            if (accept_kw(p, HF_KW_FROM) &&
                string_lit(p, "a metadata key in quotes", "after METADATA FROM",
                           &c->meta_key) != 0)
                return -1;
            if (accept_kw(p, HF_KW_VIRTUAL))
                c->is_virtual = true;
        } else if (tok_is_kw(t, HF_KW_PRIMARY)) {
            next(p);
            if (expect_kw(p, HF_KW_KEY, "after PRIMARY") != 0 ||
                not_enforced(p) != 0)
                return -1;
            c->primary_key = true;
        } else if (tok_is_kw(t, HF_KW_COMMENT)) {
            next(p);
            if (string_lit(p, "a comment in quotes", "after COMMENT",
                           &c->comment) != 0)
                return -1;
        } else if (tok_is_kw(t, HF_KW_NOT) &&
                   tok_is_kw(peek_at(p, 1), HF_KW_NULL) && physical) {
            next(p);
            next(p);
            c->type.not_null = true;
        } else if (tok_is_kw(t, HF_KW_VIRTUAL)) {
            return err_at(p, t, HF_ERR_SQL,
                          "VIRTUAL belongs to a METADATA column: write '%s "
                          "<type> METADATA [FROM 'key'] VIRTUAL'",
                          c->name.name);
        } else {
            return 0;
        }
    }
}

/* `WATERMARK FOR col AS expr`; the cursor is on WATERMARK. */
static int watermark(struct parser *p, struct hf_ast_create_table *ct,
                     uint32_t *cap)
{
    const struct hf_token *w = next(p);
    next(p); /* FOR */
    if (GROW(p, ct->wms, *cap, ct->nwms) != 0)
        return -1;
    struct hf_ast_watermark *wm = &ct->wms[ct->nwms];
    memset(wm, 0, sizeof *wm);
    wm->line = w->line;
    wm->col = w->col;
    if (ident(p, true, "a column name", "after WATERMARK FOR", &wm->rowtime) !=
        0)
        return -1;
    if (peek(p)->kind == HF_TK_DOT)
        return unsupported(p, peek(p),
                           "a WATERMARK on a nested field is not supported; "
                           "declare a computed column for it and put the "
                           "WATERMARK on that column");
    if (expect_kw(p, HF_KW_AS, "after the WATERMARK column") != 0)
        return -1;
    wm->expr = parse_expr(p);
    if (wm->expr == NULL)
        return -1;
    ct->nwms++;
    return 0;
}

/* '(' 'key' = 'value' {, ...} ')': WITH options and OPTIONS hints. `what`
 * names the list in messages ("WITH", "OPTIONS"). */
static int kv_list(struct parser *p, const char *what,
                   struct hf_ast_option **opts, uint32_t *nopts)
{
    uint32_t cap = 0;
    char ctx[300];
    snprintf(ctx, sizeof ctx, "after %s", what);
    if (expect(p, HF_TK_LPAREN, ctx) != 0)
        return -1;
    if (accept(p, HF_TK_RPAREN))
        return 0;
    for (;;) {
        const struct hf_token *k = peek(p);
        if (k->kind != HF_TK_STRING) {
            if (k->kind == HF_TK_RPAREN && *nopts > 0)
                return err_at(p, k, HF_ERR_SQL,
                              "expected an option key after ',', found ')'; "
                              "remove the trailing comma");
            if (k->kind == HF_TK_IDENT || k->kind == HF_TK_QIDENT)
                return err_at(p, k, HF_ERR_SQL,
                              "option keys are string literals: write "
                              "'%s' = '...'",
                              k->text);
            snprintf(ctx, sizeof ctx, "after %s", *nopts ? "','" : what);
            if (!*nopts)
                snprintf(ctx, sizeof ctx, "after %s (", what);
            return expected(p, "an option key in quotes ('key' = 'value')",
                            ctx);
        }
        next(p);
        snprintf(ctx, sizeof ctx, "after option key '%s'", k->text);
        if (expect(p, HF_TK_EQ, ctx) != 0)
            return -1;
        const struct hf_token *v = peek(p);
        if (v->kind != HF_TK_STRING) {
            if (v->kind == HF_TK_INTEGER || v->kind == HF_TK_DECIMAL ||
                v->kind == HF_TK_DOUBLE || v->kind == HF_TK_IDENT)
                return err_at(p, v, HF_ERR_SQL,
                              "option values are string literals: write "
                              "'%s' = '%s'",
                              k->text, v->text);
            snprintf(ctx, sizeof ctx, "for option '%s'", k->text);
            return expected(p, "a value in quotes", ctx);
        }
        next(p);
        if (GROW(p, *opts, cap, *nopts) != 0)
            return -1;
        struct hf_ast_option *o = &(*opts)[(*nopts)++];
        o->key.name = k->text;
        o->key.line = k->line;
        o->key.col = k->col;
        o->value = v->text;
        o->vline = v->line;
        o->vcol = v->col;
        if (accept(p, HF_TK_COMMA))
            continue;
        snprintf(ctx, sizeof ctx, "after %s options", what);
        return expect(p, HF_TK_RPAREN, ctx);
    }
}

/* LIKE base [( {INCLUDING|EXCLUDING|OVERWRITING} feature ... )]; the
 * cursor is after LIKE. Flink's rules: each feature at most once;
 * OVERWRITING is not a strategy for ALL, CONSTRAINTS or PARTITIONS. */
static int like_clause(struct parser *p, struct hf_ast_create_table *ct)
{
    static const char *const strategies[] = {"INCLUDING", "EXCLUDING",
                                             "OVERWRITING"};
    static const char *const features[] = {
        "ALL",        "CONSTRAINTS", "GENERATED", "OPTIONS",
        "PARTITIONS", "WATERMARKS",  "METADATA"};
    if (dotted_name(p, "a table name", "after LIKE", &ct->like,
                    &ct->like_full) != 0)
        return -1;
    if (!accept(p, HF_TK_LPAREN))
        return 0;
    uint32_t cap = 0;
    while (!accept(p, HF_TK_RPAREN)) {
        const struct hf_token *t = peek(p);
        int s = -1, f = -1;
        for (int k = 0; k < 3; k++)
            if (tok_word(t, strategies[k]))
                s = k;
        if (s < 0)
            return expected(p, "INCLUDING, EXCLUDING, OVERWRITING or ')'",
                            "in the LIKE options");
        next(p);
        const struct hf_token *ft = peek(p);
        for (int k = 0; k < 7; k++)
            if (tok_word(ft, features[k]))
                f = k;
        if (f < 0) {
            char ctx[40];
            snprintf(ctx, sizeof ctx, "after %s", strategies[s]);
            return expected(p,
                            "ALL, CONSTRAINTS, GENERATED, OPTIONS, "
                            "PARTITIONS, WATERMARKS or METADATA",
                            ctx);
        }
        next(p);
        for (uint32_t i = 0; i < ct->nlike_opts; i++)
            if ((int)ct->like_opts[i].feature == f)
                return err_at(p, ft, HF_ERR_SQL,
                              "LIKE option %s is given twice; each feature "
                              "may be named once",
                              features[f]);
        if (s == HF_LIKE_OVERWRITING &&
            (f == HF_LIKE_ALL || f == HF_LIKE_CONSTRAINTS ||
             f == HF_LIKE_PARTITIONS))
            return err_at(p, t, HF_ERR_SQL,
                          "OVERWRITING is not a merging strategy for %s (as "
                          "in Flink); use INCLUDING or EXCLUDING",
                          features[f]);
        if (GROW(p, ct->like_opts, cap, ct->nlike_opts) != 0)
            return -1;
        struct hf_ast_like_option *o = &ct->like_opts[ct->nlike_opts++];
        o->strategy = (enum hf_like_strategy)s;
        o->feature = (enum hf_like_feature)f;
        o->line = t->line;
        o->col = t->col;
        if (peek(p)->kind == HF_TK_EOF)
            return expected(p, "')'", "after the LIKE options");
    }
    return 0;
}

/* The column list of CREATE TABLE, up to and including ')'. */
static int table_elements(struct parser *p, struct hf_ast_create_table *ct)
{
    uint32_t cap = 0, wcap = 0;
    bool first = true;
    for (;;) {
        const struct hf_token *e = peek(p);
        if (e->kind == HF_TK_RPAREN && !first)
            return err_at(p, e, HF_ERR_SQL,
                          "expected a column definition after ',', found "
                          "')'; remove the trailing comma");
        if (e->kind == HF_TK_RPAREN && first) {
            next(p); /* `()`: allowed with LIKE, checked by the caller */
            return 0;
        }
        first = false;
        if (tok_word(e, "UNIQUE") && peek_at(p, 1)->kind == HF_TK_LPAREN)
            return unsupported(p, e,
                               "UNIQUE constraints are not supported (nor "
                               "by Flink); declare a PRIMARY KEY");
        if (tok_is_kw(e, HF_KW_PRIMARY) || tok_is_kw(e, HF_KW_CONSTRAINT)) {
            if (accept_kw(p, HF_KW_CONSTRAINT)) {
                struct hf_ast_ident cn;
                if (ident(p, false, "a constraint name", "after CONSTRAINT",
                          &cn) != 0)
                    return -1;
            }
            const struct hf_token *pk = peek(p);
            if (tok_word(pk, "UNIQUE"))
                return unsupported(p, pk,
                                   "UNIQUE constraints are not supported (nor "
                                   "by Flink); declare a PRIMARY KEY");
            if (expect_kw(p, HF_KW_PRIMARY, "after the constraint name") != 0 ||
                expect_kw(p, HF_KW_KEY, "after PRIMARY") != 0)
                return -1;
            if (ct->npk > 0)
                return err_at(p, pk, HF_ERR_SQL,
                              "a table has at most one PRIMARY KEY");
            ct->pk_line = pk->line;
            ct->pk_col = pk->col;
            if (name_list(p, "primary key column", "after PRIMARY KEY", &ct->pk,
                          &ct->npk) != 0 ||
                not_enforced(p) != 0)
                return -1;
        } else if (tok_is_kw(e, HF_KW_WATERMARK) &&
                   tok_is_kw(peek_at(p, 1), HF_KW_FOR)) {
            if (watermark(p, ct, &wcap) != 0)
                return -1;
        } else {
            if (GROW(p, ct->cols, cap, ct->ncols) != 0)
                return -1;
            if (column_def(p, &ct->cols[ct->ncols]) != 0)
                return -1;
            ct->ncols++;
        }
        if (accept(p, HF_TK_COMMA))
            continue;
        return expect(p, HF_TK_RPAREN, "after column list");
    }
}

static int create_table(struct parser *p, struct hf_ast_stmt *st, bool temp)
{
    struct hf_ast_create_table *ct = &st->u.create;
    st->kind = HF_STMT_CREATE_TABLE;
    ct->temporary = temp;
    if (expect_kw(p, HF_KW_TABLE,
                  ct->temporary ? "after CREATE TEMPORARY" : "after CREATE") !=
        0)
        return -1;
    if (is_kw(p, HF_KW_IF)) {
        next(p);
        if (expect_kw(p, HF_KW_NOT, "after IF") != 0 ||
            expect_kw(p, HF_KW_EXISTS, "after IF NOT") != 0)
            return -1;
        ct->if_not_exists = true;
    }
    if (dotted_name(p, "a table name", "after CREATE TABLE", &ct->name,
                    &ct->full_name) != 0)
        return -1;
    if (is_kw(p, HF_KW_AS))
        return unsupported(p, peek(p),
                           "CREATE TABLE ... AS SELECT is not "
                           "supported; create the table, then INSERT INTO it");
    /* The column list may be left out (or empty) only with LIKE. */
    const struct hf_token *open = peek(p);
    bool has_list = accept(p, HF_TK_LPAREN);
    if (has_list && table_elements(p, ct) != 0)
        return -1;
    for (;;) {
        const struct hf_token *c = peek(p);
        if (tok_is_kw(c, HF_KW_COMMENT) && ct->comment == NULL) {
            next(p);
            if (string_lit(p, "a comment in quotes", "after COMMENT",
                           &ct->comment) != 0)
                return -1;
        } else if (tok_is_kw(c, HF_KW_PARTITIONED) && ct->npart == 0) {
            next(p);
            ct->part_line = c->line;
            ct->part_col = c->col;
            if (expect_kw(p, HF_KW_BY, "after PARTITIONED") != 0 ||
                name_list(p, "partition column", "after PARTITIONED BY",
                          &ct->part, &ct->npart) != 0)
                return -1;
        } else if (tok_is_kw(c, HF_KW_WITH) && !ct->has_with) {
            next(p);
            ct->has_with = true;
            if (kv_list(p, "WITH", &ct->opts, &ct->nopts) != 0)
                return -1;
        } else if (tok_is_kw(c, HF_KW_LIKE)) {
            next(p);
            if (like_clause(p, ct) != 0)
                return -1;
            break;
        } else {
            break;
        }
    }
    if (ct->like.name == NULL && (!has_list || ct->ncols == 0)) {
        if (!has_list) {
            char f[64];
            found_text(p, open, f, sizeof f);
            return err_at(p, open, HF_ERR_SQL,
                          "expected '(' after the table name, found %s", f);
        }
        return err_at(p, open, HF_ERR_SQL,
                      "table '%s' has no columns; declare them, or derive "
                      "them with LIKE another table",
                      ct->full_name);
    }
    return 0;
}

/* ------------------------------------------------------------ queries */

/* An optional alias: [AS] name. */
static int opt_alias(struct parser *p, struct hf_ast_ident *out)
{
    out->name = NULL;
    if (accept_kw(p, HF_KW_AS))
        return ident(p, true, "an alias", "after AS", out);
    const struct hf_token *t = peek(p);
    if (t->kind == HF_TK_QIDENT ||
        (t->kind == HF_TK_IDENT && !hf_kw_reserved(t->kw) &&
         !tok_word(t, "OVER") && !tok_word(t, "MATCH_RECOGNIZE") &&
         !tok_word(t, "OFFSET") && !tok_word(t, "FETCH") &&
         !tok_word(t, "WINDOW") && !tok_word(t, "EXCEPT") &&
         !tok_word(t, "QUALIFY") && !tok_word(t, "NATURAL") &&
         !tok_word(t, "USING")))
        return ident(p, false, "an alias", "", out);
    return 0;
}

/* A frame bound: UNBOUNDED PRECEDING|FOLLOWING, CURRENT ROW, or
 * <expr> PRECEDING|FOLLOWING. */
static int frame_bound(struct parser *p, struct hf_ast_bound *b)
{
    const struct hf_token *t = peek(p);
    memset(b, 0, sizeof *b);
    b->line = t->line;
    b->col = t->col;
    if (accept_word(p, "UNBOUNDED")) {
        if (accept_word(p, "PRECEDING"))
            b->kind = HF_BOUND_UNBOUNDED_PRECEDING;
        else if (accept_word(p, "FOLLOWING"))
            b->kind = HF_BOUND_UNBOUNDED_FOLLOWING;
        else
            return expected(p, "PRECEDING or FOLLOWING", "after UNBOUNDED");
        return 0;
    }
    if (accept_word(p, "CURRENT")) {
        if (!accept_word(p, "ROW"))
            return expected(p, "ROW", "after CURRENT");
        b->kind = HF_BOUND_CURRENT_ROW;
        return 0;
    }
    /* Not parse_expr: `2 AND CURRENT ROW` would read as a condition. */
    if ((b->n = parse_add(p)) == NULL)
        return -1;
    if (accept_word(p, "PRECEDING"))
        b->kind = HF_BOUND_PRECEDING;
    else if (accept_word(p, "FOLLOWING"))
        b->kind = HF_BOUND_FOLLOWING;
    else
        return expected(p, "PRECEDING or FOLLOWING", "after the frame offset");
    return 0;
}

/* BY expr [ASC|DESC] [NULLS FIRST|LAST], ... after ORDER (of an OVER
 * window or of a query). */
static int order_items(struct parser *p, struct hf_ast_order_item **items,
                       uint32_t *n)
{
    uint32_t cap = 0;
    if (expect_kw(p, HF_KW_BY, "after ORDER") != 0)
        return -1;
    do {
        if (GROW(p, *items, cap, *n) != 0)
            return -1;
        struct hf_ast_order_item *oi = &(*items)[*n];
        memset(oi, 0, sizeof *oi);
        oi->line = peek(p)->line;
        oi->col = peek(p)->col;
        if ((oi->expr = parse_expr(p)) == NULL)
            return -1;
        if (accept_word(p, "DESC"))
            oi->desc = true;
        else
            (void)accept_word(p, "ASC");
        if (accept_word(p, "NULLS")) {
            if (accept_word(p, "FIRST"))
                oi->nulls = 1;
            else if (accept_word(p, "LAST"))
                oi->nulls = 2;
            else
                return expected(p, "FIRST or LAST", "after NULLS");
        }
        (*n)++;
    } while (accept(p, HF_TK_COMMA));
    return 0;
}

/* The inside of a window, after its '(' up to and including ')':
 * [PARTITION BY ...] [ORDER BY ...] [ROWS|RANGE frame]. */
static int window_body(struct parser *p, struct hf_ast_over *o)
{
    uint32_t cap = 0;
    if (accept_kw(p, HF_KW_PARTITION)) {
        if (expect_kw(p, HF_KW_BY, "after PARTITION") != 0)
            return -1;
        do {
            if (GROW(p, o->part, cap, o->npart) != 0)
                return -1;
            if ((o->part[o->npart] = parse_expr(p)) == NULL)
                return -1;
            o->npart++;
        } while (accept(p, HF_TK_COMMA));
    }
    if (accept_kw(p, HF_KW_ORDER) &&
        order_items(p, &o->order, &o->norder) != 0)
        return -1;
    const struct hf_token *ft = peek(p);
    if (tok_word(ft, "ROWS") || tok_word(ft, "RANGE")) {
        o->frame = tok_word(ft, "ROWS") ? HF_FRAME_ROWS : HF_FRAME_RANGE;
        o->frame_line = ft->line;
        o->frame_col = ft->col;
        next(p);
        if (accept_word(p, "BETWEEN")) {
            if (frame_bound(p, &o->lo) != 0)
                return -1;
            if (!accept_word(p, "AND"))
                return expected(p, "AND", "in the window frame");
            if (frame_bound(p, &o->hi) != 0)
                return -1;
        } else {
            if (frame_bound(p, &o->lo) != 0)
                return -1;
            o->hi.kind = HF_BOUND_CURRENT_ROW;
            o->hi.line = o->lo.line;
            o->hi.col = o->lo.col;
        }
    }
    return expect(p, HF_TK_RPAREN, "to end the window") != 0 ? -1 : 0;
}

/* A ranking function (ROW_NUMBER, RANK, DENSE_RANK) takes no frame,
 * written in its OVER (...) or in the WINDOW it names. 0 or -1. */
static int ranking_frame(struct parser *p, const struct hf_ast_expr *f,
                         const struct hf_ast_over *o)
{
    bool ranking =
        f->kind == HF_AST_FUNC && f->nargs == 0 && f->text &&
        (strcmp(f->text, "ROW_NUMBER") == 0 || strcmp(f->text, "RANK") == 0 ||
         strcmp(f->text, "DENSE_RANK") == 0);
    if (!ranking || o->frame == HF_FRAME_NONE)
        return 0;
    const struct hf_token fake = {
        .kind = HF_TK_IDENT, .line = o->frame_line, .col = o->frame_col};
    return err_at(p, &fake, HF_ERR_UNSUPPORTED,
                  "a window frame (ROWS/RANGE) is not supported with %s "
                  "(Flink refuses it too)",
                  f->text);
}

/* `OVER (...)` or `OVER w` after the call f (in a SELECT item), into
 * *out. A ranking function (ROW_NUMBER for deduplication and Top-N,
 * plan_rank.c) or an aggregate function (OVER aggregation,
 * plan_over.c): the planner decides what it supports. A named window is
 * resolved against the WINDOW clause once the query is parsed. */
static int over_clause(struct parser *p, const struct hf_ast_expr *f,
                       struct hf_ast_over **out)
{
    const struct hf_token *ov = next(p);
    struct hf_ast_over *o = alloc(p, sizeof *o);
    if (o == NULL)
        return -1;
    o->line = ov->line;
    o->col = ov->col;
    const struct hf_token *t = peek(p);
    if (t->kind == HF_TK_IDENT || t->kind == HF_TK_QIDENT) {
        o->ref = t->text;
        o->ref_line = t->line;
        o->ref_col = t->col;
        next(p);
        *out = o;
        return 0;
    }
    if (expect(p, HF_TK_LPAREN, "after OVER") != 0)
        return -1;
    if (window_body(p, o) != 0 || ranking_frame(p, f, o) != 0)
        return -1;
    *out = o;
    return 0;
}

static int parse_over(struct parser *p, struct hf_ast_select_item *it)
{
    const struct hf_ast_expr *f = it->expr;
    if (f->kind != HF_AST_FUNC)
        return unsupported(p, peek(p), "OVER must follow a function call");
    return over_clause(p, f, &it->over);
}

/* Give every OVER w of expression e its window's definition. */
static int resolve_window(struct parser *p, const struct hf_ast_query *q,
                          const struct hf_ast_expr *f, struct hf_ast_over *o)
{
    if (o == NULL || o->ref == NULL)
        return 0;
    uint32_t w = 0;
    while (w < q->nwindows && strcasecmp(q->windows[w].name, o->ref) != 0)
        w++;
    if (w == q->nwindows) {
        const struct hf_token fake = {
            .kind = HF_TK_IDENT, .line = o->ref_line, .col = o->ref_col};
        return err_at(p, &fake, HF_ERR_SQL,
                      "window '%s' is not defined; add WINDOW %s AS "
                      "(...) after the query's WHERE, GROUP BY and "
                      "HAVING",
                      o->ref, o->ref);
    }
    const struct hf_ast_over *d = q->windows[w].def;
    o->part = d->part;
    o->npart = d->npart;
    o->order = d->order;
    o->norder = d->norder;
    o->frame = d->frame;
    o->frame_line = d->frame_line;
    o->frame_col = d->frame_col;
    o->lo = d->lo;
    o->hi = d->hi;
    return ranking_frame(p, f, o);
}

static int resolve_windows_in(struct parser *p, const struct hf_ast_query *q,
                              struct hf_ast_expr *e)
{
    if (e == NULL)
        return 0;
    if (resolve_window(p, q, e, e->over) != 0)
        return -1;
    for (uint32_t i = 0; i < e->nargs; i++)
        if (resolve_windows_in(p, q, e->args[i]) != 0)
            return -1;
    return 0;
}

/* WINDOW w AS (...) [, w2 AS (...)]: the named windows of q; every
 * OVER w of its items then takes its window's definition. */
static int window_clause(struct parser *p, struct hf_ast_query *q)
{
    if (tok_word(peek(p), "WINDOW")) {
        next(p);
        uint32_t cap = 0;
        do {
            const struct hf_token *t = peek(p);
            struct hf_ast_ident id;
            if (ident(p, true, "a window name", "after WINDOW", &id) != 0)
                return -1;
            if (expect_kw(p, HF_KW_AS, "after the window name") != 0 ||
                expect(p, HF_TK_LPAREN, "after AS") != 0)
                return -1;
            for (uint32_t i = 0; i < q->nwindows; i++)
                if (strcasecmp(q->windows[i].name, id.name) == 0)
                    return err_at(p, t, HF_ERR_SQL,
                                  "window '%s' is defined twice", id.name);
            if (GROW(p, q->windows, cap, q->nwindows) != 0)
                return -1;
            struct hf_ast_named_window *w = &q->windows[q->nwindows];
            w->name = id.name;
            w->line = t->line;
            w->col = t->col;
            if ((w->def = alloc(p, sizeof *w->def)) == NULL)
                return -1;
            w->def->line = t->line;
            w->def->col = t->col;
            if (window_body(p, w->def) != 0)
                return -1;
            q->nwindows++;
        } while (accept(p, HF_TK_COMMA));
    }
    for (uint32_t i = 0; i < q->nitems; i++)
        if (resolve_window(p, q, q->items[i].expr, q->items[i].over) != 0 ||
            resolve_windows_in(p, q, q->items[i].expr) != 0)
            return -1;
    return 0;
}

static int select_items(struct parser *p, struct hf_ast_query *q)
{
    uint32_t cap = 0;
    for (;;) {
        if (GROW(p, q->items, cap, q->nitems) != 0)
            return -1;
        struct hf_ast_select_item *it = &q->items[q->nitems];
        memset(it, 0, sizeof *it);
        const struct hf_token *t = peek(p);
        it->line = t->line;
        it->col = t->col;
        if (t->kind == HF_TK_STAR) {
            next(p);
        } else if ((t->kind == HF_TK_IDENT || t->kind == HF_TK_QIDENT) &&
                   peek_at(p, 1)->kind == HF_TK_DOT &&
                   peek_at(p, 2)->kind == HF_TK_STAR) {
            it->star_qual = t->text;
            next(p);
            next(p);
            next(p);
        } else {
            p->in_items++;
            it->expr = parse_expr(p);
            p->in_items--;
            if (it->expr == NULL)
                return -1;
            if (it->expr->kind == HF_AST_FUNC && it->expr->over) {
                it->over = it->expr->over; /* the whole item */
                it->expr->over = NULL;
            }
            if (tok_word(peek(p), "OVER") && parse_over(p, it) != 0)
                return -1;
            if (opt_alias(p, &it->alias) != 0)
                return -1;
        }
        q->nitems++;
        if (!accept(p, HF_TK_COMMA))
            return 0;
    }
}

/* What may not follow FROM ... [WHERE ...]: say so precisely. */
static int reject_query_tail(struct parser *p)
{
    const struct hf_token *t = peek(p);
    const char *what = NULL;
    switch (t->kind == HF_TK_IDENT ? t->kw : HF_KW_NONE) {
    case HF_KW_FOR:
        what = "FOR SYSTEM_TIME AS OF (temporal and lookup joins) is not "
               "supported";
        break;
    case HF_KW_INTERSECT:
        what = "INTERSECT is not supported";
        break;
    case HF_KW_MINUS:
        what = "MINUS (EXCEPT) is not supported";
        break;
    default:
        break;
    }
    if (tok_word(t, "EXCEPT"))
        what = "EXCEPT is not supported";
    else if (tok_word(t, "MATCH_RECOGNIZE"))
        what = "MATCH_RECOGNIZE is not supported";
    else if (tok_word(t, "QUALIFY"))
        what = "QUALIFY is not supported";
    else if (t->kind == HF_TK_HINT_BEGIN)
        what = "a hint here is not supported; a table hint follows the "
               "table name: FROM t /*+ OPTIONS('k' = 'v') */";
    if (what)
        return unsupported(p, t, what);
    return 0;
}

/* `/ *+ OPTIONS('k' = 'v') [, ...] * /` after a table name; the cursor is
 * on the hint's opening. */
static int table_hint(struct parser *p, struct hf_ast_from *f)
{
    next(p);
    for (;;) {
        const struct hf_token *h = peek(p);
        if (h->kind != HF_TK_IDENT)
            return expected(p, "a hint name such as OPTIONS", "in the hint");
        if (!tok_word(h, "OPTIONS")) {
            char m[200];
            snprintf(m, sizeof m,
                     "table hint %.40s is not supported; holoflow knows the "
                     "OPTIONS hint",
                     h->text);
            for (char *c = m + 11; *c && *c != ' '; c++)
                if (*c >= 'a' && *c <= 'z')
                    *c = (char)(*c - 'a' + 'A');
            return unsupported(p, h, m);
        }
        next(p);
        if (f->has_hint)
            return err_at(p, h, HF_ERR_SQL,
                          "OPTIONS is given twice for this table; put every "
                          "option in one OPTIONS(...)");
        f->has_hint = true;
        f->hint_line = h->line;
        f->hint_col = h->col;
        if (kv_list(p, "OPTIONS", &f->hints, &f->nhints) != 0)
            return -1;
        if (f->nhints == 0)
            return err_at(p, h, HF_ERR_SQL,
                          "OPTIONS needs at least one 'key' = 'value'");
        if (accept(p, HF_TK_COMMA))
            continue;
        return expect(p, HF_TK_HINT_END, "to close the hint");
    }
}

static struct hf_ast_query *parse_query(struct parser *p);

/* TABLE(TUMBLE|HOP|CUMULATE(TABLE t | (query), DESCRIPTOR(col),
 * interval, ...)); the cursor is on TABLE. */
static int window_tvf(struct parser *p, struct hf_ast_from *f)
{
    next(p);
    next(p); /* ( */
    const struct hf_token *fn = peek(p);
    static const char *const names[] = {"TUMBLE", "HOP", "CUMULATE",
                                        "SESSION"};
    const char *name = NULL;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (tok_word(fn, names[i]))
            name = names[i];
    if (name == NULL)
        return unsupported(p, fn,
                           "table functions are not supported except the "
                           "window functions TUMBLE, HOP, CUMULATE and "
                           "SESSION");
    struct hf_ast_wtvf *w = alloc(p, sizeof *w);
    if (w == NULL)
        return -1;
    w->fn = name;
    w->line = fn->line;
    w->col = fn->col;
    next(p);
    if (expect(p, HF_TK_LPAREN, "after the window function's name") != 0)
        return -1;
    if (peek_at(p, 1)->kind == HF_TK_EQ || peek_at(p, 1)->kind == HF_TK_GT ||
        (peek(p)->kind == HF_TK_IDENT && tok_word(peek(p), "DATA")))
        return unsupported(p, peek(p),
                           "named arguments (DATA => ...) of window "
                           "functions are not supported; pass them in order");
    const struct hf_token *d = peek(p);
    w->data.line = d->line;
    w->data.col = d->col;
    if (accept_kw(p, HF_KW_TABLE)) {
        if (dotted_name(p, "a table name", "after TABLE", &w->data.name,
                        &w->data.full) != 0)
            return -1;
    } else if (d->kind == HF_TK_LPAREN) {
        if (++p->depth > MAX_DEPTH)
            return err_at(p, d, HF_ERR_SQL, "queries nested too deeply");
        next(p);
        w->data.sub = parse_query(p);
        if (w->data.sub == NULL)
            return -1;
        if (expect(p, HF_TK_RPAREN, "to close the subquery") != 0)
            return -1;
        p->depth--;
    } else {
        return expected(p, "TABLE name or a (query)",
                        "as the window function's first argument");
    }
    if (tok_word(peek(p), "PARTITION")) {
        if (strcmp(name, "SESSION") != 0)
            return err_at(p, peek(p), HF_ERR_UNSUPPORTED,
                          "PARTITION BY in the %s window function is not "
                          "supported (SESSION takes it)",
                          name);
        next(p);
        if (expect_kw(p, HF_KW_BY, "after PARTITION") != 0)
            return -1;
        bool paren = accept(p, HF_TK_LPAREN);
        do {
            struct hf_ast_ident *np =
                alloc(p, (w->npart + 1) * sizeof *w->part);
            if (np == NULL)
                return -1;
            if (w->npart)
                memcpy(np, w->part, w->npart * sizeof *np);
            w->part = np;
            if (ident(p, true, "a column", "in PARTITION BY",
                      &w->part[w->npart]) != 0)
                return -1;
            w->npart++;
        } while (paren && accept(p, HF_TK_COMMA));
        if (paren && expect(p, HF_TK_RPAREN, "to close PARTITION BY") != 0)
            return -1;
    }
    if (expect(p, HF_TK_COMMA, "after the window function's table") != 0)
        return -1;
    if (!tok_word(peek(p), "DESCRIPTOR"))
        return expected(p, "DESCRIPTOR(time column)",
                        "as the window function's second argument");
    next(p);
    if (expect(p, HF_TK_LPAREN, "after DESCRIPTOR") != 0 ||
        ident(p, true, "a time column", "in DESCRIPTOR", &w->timecol) != 0)
        return -1;
    if (peek(p)->kind == HF_TK_COMMA)
        return unsupported(p, peek(p), "DESCRIPTOR takes one time column");
    if (expect(p, HF_TK_RPAREN, "to close DESCRIPTOR") != 0)
        return -1;
    while (accept(p, HF_TK_COMMA)) {
        int most = strcmp(name, "SESSION") == 0  ? 1
                   : strcmp(name, "TUMBLE") == 0 ? 2
                                                 : 3;
        if (w->nargs == (uint32_t)most)
            return err_at(p, peek(p), HF_ERR_SQL,
                          "%s takes at most %d interval%s", name, most,
                          most > 1 ? "s" : "");
        w->args[w->nargs] = parse_expr(p);
        if (w->args[w->nargs] == NULL)
            return -1;
        w->nargs++;
    }
    if (expect(p, HF_TK_RPAREN, "to close the window function") != 0 ||
        expect(p, HF_TK_RPAREN, "to close TABLE(") != 0)
        return -1;
    f->tvf = w;
    return 0;
}

static int from_item(struct parser *p, struct hf_ast_from *f)
{
    const struct hf_token *t = peek(p);
    f->line = t->line;
    f->col = t->col;
    if (t->kind == HF_TK_LPAREN) {
        if (++p->depth > MAX_DEPTH)
            return err_at(p, t, HF_ERR_SQL, "queries nested too deeply");
        next(p);
        f->sub = parse_query(p);
        if (f->sub == NULL)
            return -1;
        if (expect(p, HF_TK_RPAREN, "to close the subquery") != 0)
            return -1;
        p->depth--;
    } else if (tok_is_kw(t, HF_KW_TABLE) &&
               peek_at(p, 1)->kind == HF_TK_LPAREN) {
        if (window_tvf(p, f) != 0)
            return -1;
    } else if (tok_word(t, "LATERAL") && tok_is_kw(peek_at(p, 1), HF_KW_TABLE) &&
               peek_at(p, 2)->kind == HF_TK_LPAREN) {
        /* LATERAL TABLE(name(a, b)): a lookup table as a function. */
        next(p);
        next(p);
        next(p);
        if (dotted_name(p, "a lookup table name", "in LATERAL TABLE(",
                        &f->name, &f->full) != 0)
            return -1;
        if (expect(p, HF_TK_LPAREN, "after the lookup table's name") != 0)
            return -1;
        struct hf_ast_expr *args[16];
        uint32_t n = 0;
        if (peek(p)->kind != HF_TK_RPAREN) {
            do {
                if (n == 16)
                    return unsupported(p, peek(p),
                                       "LATERAL TABLE takes at most 16 "
                                       "arguments");
                if ((args[n++] = parse_expr(p)) == NULL)
                    return -1;
            } while (accept(p, HF_TK_COMMA));
        }
        if (expect(p, HF_TK_RPAREN, "to close the arguments") != 0 ||
            expect(p, HF_TK_RPAREN, "to close TABLE(") != 0)
            return -1;
        f->lateral = true;
        f->nlargs = n;
        f->largs = alloc(p, (n ? n : 1) * sizeof *f->largs);
        if (f->largs == NULL)
            return -1;
        memcpy(f->largs, args, n * sizeof *args);
    } else if (tok_is_kw(t, HF_KW_TABLE) || tok_word(t, "LATERAL")) {
        return unsupported(p, t,
                           "table functions (TABLE(...), LATERAL) are not "
                           "supported, except the window functions "
                           "TABLE(TUMBLE|HOP|CUMULATE|SESSION(...))");
    } else if (tok_word(t, "UNNEST")) {
        return unsupported(p, t, "UNNEST is not supported");
    } else {
        if (dotted_name(p, "a table name", "after FROM", &f->name, &f->full) !=
            0)
            return -1;
        if (peek(p)->kind == HF_TK_LPAREN)
            return unsupported(p, t,
                               "table functions are not supported; FROM "
                               "names a table, a view or a WITH query");
        if (peek(p)->kind == HF_TK_HINT_BEGIN && table_hint(p, f) != 0)
            return -1;
        if (tok_is_kw(peek(p), HF_KW_FOR)) {
            const struct hf_token *ft = next(p);
            if (!tok_word(peek(p), "SYSTEM_TIME"))
                return err_at(p, peek(p), HF_ERR_SQL,
                              "expected SYSTEM_TIME AS OF after FOR");
            next(p);
            if (expect_kw(p, HF_KW_AS, "in FOR SYSTEM_TIME AS OF") != 0)
                return -1;
            if (!tok_word(peek(p), "OF"))
                return err_at(p, peek(p), HF_ERR_SQL,
                              "expected OF in FOR SYSTEM_TIME AS OF");
            next(p);
            f->systime_line = ft->line;
            f->systime_col = ft->col;
            if ((f->systime = parse_expr(p)) == NULL)
                return -1;
        }
    }
    if (tok_word(peek(p), "MATCH_RECOGNIZE"))
        return unsupported(p, peek(p), "MATCH_RECOGNIZE is not supported");
    if (opt_alias(p, &f->alias) != 0)
        return -1;
    if (f->alias.name && peek(p)->kind == HF_TK_LPAREN &&
        name_list(p, "column alias", "after the alias", &f->alias_cols,
                  &f->nalias_cols) != 0)
        return -1;
    if (peek(p)->kind == HF_TK_HINT_BEGIN && f->sub == NULL)
        return err_at(p, peek(p), HF_ERR_SQL,
                      "a table hint goes right after the table name, before "
                      "the alias: FROM t /*+ OPTIONS(...) */ AS a");
    return 0;
}

/* FROM's items and their joins, left-deep: item { join item ON cond |
 * ',' item }. Lookup joins (FOR SYSTEM_TIME AS OF), USING, NATURAL and
 * CROSS joins are refused by name. */
static int from_clause(struct parser *p, struct hf_ast_from *f)
{
    if (from_item(p, f) != 0)
        return -1;
    for (;;) {
        const struct hf_token *t = peek(p);
        enum hf_ast_join_kind k = HF_JOIN_NONE;
        if (t->kind == HF_TK_COMMA) {
            k = HF_JOIN_COMMA;
        } else if (tok_is_kw(t, HF_KW_JOIN) || tok_is_kw(t, HF_KW_INNER)) {
            k = HF_JOIN_INNER;
        } else if (tok_is_kw(t, HF_KW_LEFT)) {
            k = HF_JOIN_LEFT;
        } else if (tok_is_kw(t, HF_KW_RIGHT)) {
            k = HF_JOIN_RIGHT;
        } else if (tok_is_kw(t, HF_KW_FULL)) {
            k = HF_JOIN_FULL;
        } else if (tok_is_kw(t, HF_KW_CROSS)) {
            return unsupported(p, t,
                               "CROSS JOIN is not supported: a streaming "
                               "join needs an equality condition; write "
                               "JOIN ... ON a.k = b.k");
        } else if (tok_word(t, "NATURAL")) {
            return unsupported(p, t,
                               "NATURAL JOIN is not supported; write JOIN "
                               "... ON a.k = b.k");
        } else {
            return 0;
        }
        next(p);
        if ((k == HF_JOIN_LEFT || k == HF_JOIN_RIGHT || k == HF_JOIN_FULL) &&
            tok_word(peek(p), "OUTER"))
            next(p);
        if (k != HF_JOIN_COMMA && !tok_is_kw(t, HF_KW_JOIN) &&
            expect_kw(p, HF_KW_JOIN, "in the join") != 0)
            return -1;
        struct hf_ast_from *l = alloc(p, sizeof *l);
        struct hf_ast_from *r = alloc(p, sizeof *r);
        if (l == NULL || r == NULL)
            return -1;
        *l = *f;
        memset(r, 0, sizeof *r);
        if (from_item(p, r) != 0)
            return -1;
        if (tok_is_kw(peek(p), HF_KW_FOR))
            return unsupported(p, peek(p),
                               "FOR SYSTEM_TIME AS OF (temporal and lookup "
                               "joins) is not supported");
        memset(f, 0, sizeof *f);
        f->join = k;
        f->left = l;
        f->right = r;
        f->line = l->line;
        f->col = l->col;
        f->join_line = t->line;
        f->join_col = t->col;
        if (k == HF_JOIN_COMMA)
            continue;
        if (tok_word(peek(p), "USING"))
            return unsupported(p, peek(p),
                               "JOIN ... USING is not supported; write "
                               "ON a.k = b.k");
        if (expect_kw(p, HF_KW_ON, "after the joined table") != 0)
            return -1;
        f->on = parse_expr(p);
        if (f->on == NULL)
            return -1;
    }
}

static struct hf_ast_query *new_query(struct parser *p,
                                      enum hf_ast_query_kind kind,
                                      const struct hf_token *at)
{
    struct hf_ast_query *q = alloc(p, sizeof *q);
    if (q == NULL)
        return NULL;
    q->kind = kind;
    q->line = at->line;
    q->col = at->col;
    q->off = at->off;
    q->all = true;
    return q;
}

/* Add e to q->group unless an equal expression (hf_ast_eq, as the planner
 * compares keys) is there. */
static int group_add(struct parser *p, struct hf_ast_query *q,
                     struct hf_ast_expr *e, uint32_t *cap)
{
    for (uint32_t i = 0; i < q->ngroup; i++)
        if (hf_ast_eq(q->group[i], e))
            return 0;
    if (GROW(p, q->group, *cap, q->ngroup) != 0)
        return -1;
    q->group[q->ngroup++] = e;
    return 0;
}

/* A list of grouping sets being built: sets[i] has len[i] exprs. */
struct gsl {
    struct hf_ast_expr ***sets;
    uint32_t *len;
    uint32_t n, cap, lcap;
};

static int gsl_add(struct parser *p, struct gsl *l, struct hf_ast_expr **s,
                   uint32_t n)
{
    uint32_t c2 = l->cap;
    if (GROW(p, l->sets, l->cap, l->n) != 0 ||
        GROW(p, l->len, c2, l->n) != 0)
        return -1;
    l->sets[l->n] = s;
    l->len[l->n++] = n;
    return 0;
}

/* ( e, ... ) or e or (): one set of expressions. */
static int one_set(struct parser *p, struct hf_ast_query *q, uint32_t *gcap,
                   struct hf_ast_expr ***out, uint32_t *nout)
{
    uint32_t cap = 0;
    *out = NULL;
    *nout = 0;
    bool paren = peek(p)->kind == HF_TK_LPAREN;
    if (paren) {
        next(p);
        if (accept(p, HF_TK_RPAREN))
            return 0;
    }
    for (;;) {
        struct hf_ast_expr *e = parse_expr(p);
        if (e == NULL)
            return -1;
        if (group_add(p, q, e, gcap) != 0 || GROW(p, *out, cap, *nout) != 0)
            return -1;
        (*out)[(*nout)++] = e;
        if (!paren || !accept(p, HF_TK_COMMA))
            break;
    }
    if (paren && expect(p, HF_TK_RPAREN, "after the grouping set") != 0)
        return -1;
    return 0;
}

/* One element of GROUP BY: an expression, ROLLUP(...), CUBE(...) or
 * GROUPING SETS (...), as the list of sets it stands for. */
static int group_element(struct parser *p, struct hf_ast_query *q,
                         uint32_t *gcap, struct gsl *l)
{
    const struct hf_token *t = peek(p);
    bool rollup = tok_word(t, "ROLLUP"), cube = tok_word(t, "CUBE");
    bool sets = tok_word(t, "GROUPING") && tok_word(peek_at(p, 1), "SETS");
    if (!(rollup || cube || sets) ||
        peek_at(p, sets ? 2 : 1)->kind != HF_TK_LPAREN) {
        struct hf_ast_expr *e = parse_expr(p);
        if (e == NULL || group_add(p, q, e, gcap) != 0)
            return -1;
        struct hf_ast_expr **s = alloc(p, sizeof *s);
        if (s == NULL)
            return -1;
        s[0] = e;
        return gsl_add(p, l, s, 1);
    }
    next(p);
    if (sets)
        next(p);
    next(p); /* ( */
    struct gsl parts = {0};
    for (;;) {
        if (sets) {
            /* nested ROLLUP / CUBE / GROUPING SETS too */
            const struct hf_token *u = peek(p);
            if (tok_word(u, "ROLLUP") || tok_word(u, "CUBE") ||
                tok_word(u, "GROUPING")) {
                if (group_element(p, q, gcap, &parts) != 0)
                    return -1;
            } else {
                struct hf_ast_expr **s;
                uint32_t n;
                if (one_set(p, q, gcap, &s, &n) != 0 ||
                    gsl_add(p, &parts, s, n) != 0)
                    return -1;
            }
        } else {
            struct hf_ast_expr **s;
            uint32_t n;
            if (one_set(p, q, gcap, &s, &n) != 0 ||
                gsl_add(p, &parts, s, n) != 0)
                return -1;
        }
        if (!accept(p, HF_TK_COMMA))
            break;
    }
    if (expect(p, HF_TK_RPAREN, "to close the grouping sets") != 0)
        return -1;
    if (sets) {
        for (uint32_t i = 0; i < parts.n; i++)
            if (gsl_add(p, l, parts.sets[i], parts.len[i]) != 0)
                return -1;
        return 0;
    }
    /* ROLLUP(s1..sn): s1..sn, s1..sn-1, ..., (); CUBE: every subset, the
     * largest first (bit i of m set: part i left out). */
    uint32_t k = parts.n;
    if (cube && k > 12)
        return unsupported(p, t, "CUBE of more than 12 elements is not "
                                 "supported");
    uint32_t count = rollup ? k + 1 : 1u << k;
    for (uint32_t c = 0; c < count; c++) {
        uint32_t total = 0;
        for (uint32_t i = 0; i < k; i++)
            if (rollup ? i < k - c : !(c & (1u << (k - 1 - i))))
                total += parts.len[i];
        struct hf_ast_expr **s = alloc(p, (total ? total : 1) * sizeof *s);
        if (s == NULL)
            return -1;
        uint32_t m = 0;
        for (uint32_t i = 0; i < k; i++)
            if (rollup ? i < k - c : !(c & (1u << (k - 1 - i))))
                for (uint32_t j = 0; j < parts.len[i]; j++)
                    s[m++] = parts.sets[i][j];
        if (gsl_add(p, l, s, total) != 0)
            return -1;
    }
    return 0;
}

/* The most grouping sets one GROUP BY may stand for (each is a branch of
 * the rewrite's UNION ALL): CUBE of 12 elements. */
#define HF_MAX_GROUPING_SETS 4096

/* GROUP BY's elements; the cursor is after BY. Plain expressions only:
 * q->group. Any ROLLUP / CUBE / GROUPING SETS: q->gsets too, the cross
 * product of the elements' sets (as Flink and PostgreSQL combine them). */
static int group_elements(struct parser *p, struct hf_ast_query *q)
{
    uint32_t gcap = 0;
    struct gsl acc = {0};
    bool multi = false;
    struct hf_ast_expr **empty = alloc(p, sizeof *empty);
    if (empty == NULL || gsl_add(p, &acc, empty, 0) != 0)
        return -1;
    for (;;) {
        const struct hf_token *t = peek(p);
        if (tok_word(t, "ROLLUP") || tok_word(t, "CUBE") ||
            (tok_word(t, "GROUPING") && tok_word(peek_at(p, 1), "SETS")))
            multi = true;
        struct gsl el = {0};
        if (group_element(p, q, &gcap, &el) != 0)
            return -1;
        if ((uint64_t)acc.n * el.n > HF_MAX_GROUPING_SETS)
            return hf_sql_error_at(
                p->err, HF_ERR_UNSUPPORTED, &p->s->src, q->group_line,
                q->group_col,
                "GROUP BY of more than %d grouping sets (%llu) is not "
                "supported",
                HF_MAX_GROUPING_SETS,
                (unsigned long long)acc.n * el.n);
        struct gsl nx = {0};
        for (uint32_t i = 0; i < acc.n; i++)
            for (uint32_t j = 0; j < el.n; j++) {
                uint32_t n = acc.len[i] + el.len[j];
                struct hf_ast_expr **s = alloc(p, (n ? n : 1) * sizeof *s);
                if (s == NULL)
                    return -1;
                if (acc.len[i])
                    memcpy(s, acc.sets[i], acc.len[i] * sizeof *s);
                if (el.len[j])
                    memcpy(s + acc.len[i], el.sets[j], el.len[j] * sizeof *s);
                if (gsl_add(p, &nx, s, n) != 0)
                    return -1;
            }
        acc = nx;
        if (!accept(p, HF_TK_COMMA))
            break;
    }
    if (multi) {
        q->gsets = acc.sets;
        q->gset_len = acc.len;
        q->ngsets = acc.n;
    }
    return 0;
}

/* GROUPING() / GROUPING_ID() in a SELECT with GROUP BY: every argument
 * must be a GROUP BY key; with a plain GROUP BY (no sets) the keys are its
 * one grouping set, so the calls give 0. */
static int grouping_calls(struct parser *p, struct hf_ast_query *q)
{
    bool uses = false;
    const struct hf_ast_expr *bad = hf_grouping_ungrouped(q, q->having, &uses);
    for (uint32_t i = 0; i < q->nitems && bad == NULL; i++)
        bad = hf_grouping_ungrouped(q, q->items[i].expr, &uses);
    if (bad)
        return hf_sql_error_at(p->err, HF_ERR_SQL, &p->s->src, bad->line,
                               bad->col,
                               "Argument to GROUPING operator must be a "
                               "grouped expression");
    if (uses && q->ngsets == 0) {
        q->gsets = alloc(p, sizeof *q->gsets);
        q->gset_len = alloc(p, sizeof *q->gset_len);
        if (q->gsets == NULL || q->gset_len == NULL)
            return -1;
        q->gsets[0] = q->group;
        q->gset_len[0] = q->ngroup;
        q->ngsets = 1;
    }
    return 0;
}

/* [GROUP BY expr, ...] [HAVING cond] after FROM ... WHERE. */
static int hf_parse_group_having(struct parser *p, struct hf_ast_query *q)
{
    if (is_kw(p, HF_KW_GROUP)) {
        const struct hf_token *g = next(p);
        q->has_group = true;
        q->group_line = g->line;
        q->group_col = g->col;
        if (expect_kw(p, HF_KW_BY, "after GROUP") != 0)
            return -1;
        if (group_elements(p, q) != 0)
            return -1;
    }
    if (is_kw(p, HF_KW_HAVING)) {
        const struct hf_token *h = next(p);
        q->having_line = h->line;
        q->having_col = h->col;
        q->having = parse_expr(p);
        if (q->having == NULL)
            return -1;
    }
    return 0;
}

/* SELECT ...; the cursor is on SELECT. */
/* A hint block (slash-star-plus hint [, hint]* star-slash) right after
 * SELECT: Flink's query hints; the cursor is on the opening. LOOKUP(...) is kept in q->lookup_hints
 * (its options are checked by the planner); Flink's other query hints are
 * refused by name. One hint block per SELECT, as in Flink. */
static int query_hints(struct parser *p, struct hf_ast_query *q)
{
    next(p);
    uint32_t cap = 0;
    for (;;) {
        const struct hf_token *h = peek(p);
        if (h->kind != HF_TK_IDENT)
            return expected(p, "a hint name such as LOOKUP", "in the hint");
        if (!tok_word(h, "LOOKUP")) {
            char m[240];
            snprintf(m, sizeof m,
                     "query hint %.40s is not supported; holoflow knows the "
                     "LOOKUP hint after SELECT (and OPTIONS after a table "
                     "name)",
                     h->text);
            for (char *c = m + 11; *c && *c != ' '; c++)
                if (*c >= 'a' && *c <= 'z')
                    *c = (char)(*c - 'a' + 'A');
            return unsupported(p, h, m);
        }
        next(p);
        if (GROW(p, q->lookup_hints, cap, q->nlookup_hints) != 0)
            return -1;
        struct hf_ast_lookup_hint *lh = &q->lookup_hints[q->nlookup_hints++];
        memset(lh, 0, sizeof *lh);
        lh->line = h->line;
        lh->col = h->col;
        if (kv_list(p, "LOOKUP", &lh->opts, &lh->nopts) != 0)
            return -1;
        if (accept(p, HF_TK_COMMA))
            continue;
        if (peek(p)->kind == HF_TK_IDENT)
            continue; /* Calcite also takes hints separated by blanks */
        if (expect(p, HF_TK_HINT_END, "to close the hint") != 0)
            return -1;
        if (peek(p)->kind == HF_TK_HINT_BEGIN)
            return err_at(p, peek(p), HF_ERR_SQL,
                          "only one hint block follows SELECT (as in Flink); "
                          "put every hint in one /*+ ... */, separated by "
                          "commas");
        return 0;
    }
}

static struct hf_ast_query *parse_select(struct parser *p)
{
    const struct hf_token *sel = next(p);
    struct hf_ast_query *q = new_query(p, HF_QUERY_SELECT, sel);
    if (q == NULL)
        return NULL;
    if (peek(p)->kind == HF_TK_HINT_BEGIN && query_hints(p, q) != 0)
        return NULL;
    if (is_kw(p, HF_KW_DISTINCT)) {
        q->distinct = true;
        q->distinct_line = peek(p)->line;
        q->distinct_col = peek(p)->col;
        next(p);
    } else {
        accept_kw(p, HF_KW_ALL);
    }
    if (select_items(p, q) != 0)
        return NULL;
    if (accept_kw(p, HF_KW_FROM)) {
        if (from_clause(p, &q->from) != 0 || reject_query_tail(p) != 0)
            return NULL;
    } else if (reject_query_tail(p) != 0) {
        return NULL;
    }
    if (accept_kw(p, HF_KW_WHERE)) {
        if (q->from.name.name == NULL && q->from.sub == NULL &&
            q->from.join == HF_JOIN_NONE && q->from.tvf == NULL) {
            err_at(p, &p->t[p->i - 1], HF_ERR_SQL, "WHERE needs a FROM clause");
            return NULL;
        }
        q->where = parse_expr(p);
        if (q->where == NULL)
            return NULL;
    }
    if (hf_parse_group_having(p, q) != 0 || window_clause(p, q) != 0 ||
        reject_query_tail(p) != 0)
        return NULL;
    q->end = last_end(p);
    if (q->has_group && grouping_calls(p, q) != 0)
        return NULL;
    if (q->ngsets > 0 && hf_grouping_sets_expand(&p->s->arena,
                                                 p->s->src.text, q) != 0) {
        oom(p);
        return NULL;
    }
    return q;
}

/* One row of VALUES: ( expr, ... ), ROW( ... ) or a lone expression. */
static int values_row(struct parser *p, struct hf_ast_row *r)
{
    const struct hf_token *t = peek(p);
    r->line = t->line;
    r->col = t->col;
    bool paren =
        t->kind == HF_TK_LPAREN ||
        (tok_is_kw(t, HF_KW_ROW) && peek_at(p, 1)->kind == HF_TK_LPAREN);
    uint32_t cap = 0;
    if (paren) {
        if (tok_is_kw(t, HF_KW_ROW))
            next(p);
        next(p);
    }
    for (;;) {
        struct hf_ast_expr *e = parse_expr(p);
        if (e == NULL)
            return -1;
        if (r->n == MAX_ARGS * 16)
            return err_at(p, peek(p), HF_ERR_SQL,
                          "too many values in one row (at most %d)",
                          MAX_ARGS * 16);
        if (GROW(p, r->v, cap, r->n) != 0)
            return -1;
        r->v[r->n++] = e;
        if (!paren || !accept(p, HF_TK_COMMA))
            break;
    }
    if (paren)
        return expect(p, HF_TK_RPAREN, "after the values of a row");
    return 0;
}

/* VALUES row, row, ...; the cursor is on VALUES. */
static struct hf_ast_query *parse_values(struct parser *p)
{
    const struct hf_token *vt = next(p);
    struct hf_ast_query *q = new_query(p, HF_QUERY_VALUES, vt);
    if (q == NULL)
        return NULL;
    uint32_t cap = 0;
    for (;;) {
        if (GROW(p, q->rows, cap, q->nrows) != 0)
            return NULL;
        struct hf_ast_row *r = &q->rows[q->nrows];
        memset(r, 0, sizeof *r);
        if (values_row(p, r) != 0)
            return NULL;
        if (r->n != q->rows[0].n) {
            hf_sql_error_at(p->err, HF_ERR_SQL, &p->s->src, r->line, r->col,
                            "row %u of VALUES has %u value%s but the first "
                            "row has %u; every row needs as many",
                            q->nrows + 1, r->n, r->n == 1 ? "" : "s",
                            q->rows[0].n);
            return NULL;
        }
        q->nrows++;
        if (!accept(p, HF_TK_COMMA))
            break;
    }
    q->end = last_end(p);
    return q;
}

/* A SELECT, a VALUES or a parenthesised query. *paren says which. */
static struct hf_ast_query *query_term(struct parser *p, bool *paren)
{
    const struct hf_token *t = peek(p);
    *paren = false;
    if (t->kind == HF_TK_LPAREN) {
        if (++p->depth > MAX_DEPTH) {
            err_at(p, t, HF_ERR_SQL, "queries nested too deeply");
            return NULL;
        }
        next(p);
        struct hf_ast_query *q = parse_query(p);
        if (q == NULL || expect(p, HF_TK_RPAREN, "to close the query") != 0)
            return NULL;
        p->depth--;
        *paren = true;
        return q;
    }
    if (tok_is_kw(t, HF_KW_SELECT))
        return parse_select(p);
    if (tok_is_kw(t, HF_KW_VALUES))
        return parse_values(p);
    if (tok_is_kw(t, HF_KW_WITH)) {
        err_at(p, t, HF_ERR_SQL,
               "WITH must start the query; put this query in parentheses");
        return NULL;
    }
    expected(p, "SELECT, VALUES or '('", "");
    return NULL;
}

/* term { UNION [ALL | DISTINCT] term }: consecutive UNIONs of one kind
 * are one node with every input. */
static struct hf_ast_query *query_union(struct parser *p)
{
    bool paren;
    struct hf_ast_query *l = query_term(p, &paren);
    /* A first term is never an open UNION: a parenthesised query keeps its
     * own, and a SELECT the grouping-sets rewrite turned into a UNION ALL
     * has its inputs array sized exactly (cap below would be wrong). */
    bool open = false;
    (void)paren;
    uint32_t cap = 0;
    while (l) {
        const struct hf_token *t = peek(p);
        if (tok_is_kw(t, HF_KW_INTERSECT) || tok_is_kw(t, HF_KW_MINUS) ||
            tok_word(t, "EXCEPT")) {
            char m[80];
            snprintf(m, sizeof m, "%s is not supported",
                     tok_is_kw(t, HF_KW_MINUS) ? "MINUS (EXCEPT)"
                     : tok_word(t, "EXCEPT")   ? "EXCEPT"
                                               : "INTERSECT");
            unsupported(p, t, m);
            return NULL;
        }
        if (!tok_is_kw(t, HF_KW_UNION))
            break;
        next(p);
        bool all = accept_kw(p, HF_KW_ALL);
        if (!all)
            accept_kw(p, HF_KW_DISTINCT);
        bool rparen;
        struct hf_ast_query *r = query_term(p, &rparen);
        if (r == NULL)
            return NULL;
        if (!(open && l->kind == HF_QUERY_UNION && l->all == all)) {
            struct hf_ast_query *u = alloc(p, sizeof *u);
            if (u == NULL)
                return NULL;
            u->kind = HF_QUERY_UNION;
            u->line = l->line;
            u->col = l->col;
            u->off = l->off;
            u->all = all;
            u->union_line = t->line;
            u->union_col = t->col;
            cap = 0;
            if (GROW(p, u->inputs, cap, u->ninputs) != 0)
                return NULL;
            u->inputs[u->ninputs++] = l;
            l = u;
            open = true;
        }
        if (GROW(p, l->inputs, cap, l->ninputs) != 0)
            return NULL;
        l->inputs[l->ninputs++] = r;
        l->end = last_end(p);
    }
    return l;
}

/* A non-negative integer literal for LIMIT, OFFSET, FETCH. */
static int count_lit(struct parser *p, const char *what, int64_t *out)
{
    const struct hf_token *t = peek(p);
    if (t->kind != HF_TK_INTEGER)
        return expected(p, "a number", what);
    errno = 0;
    char *end;
    long long v = strtoll(t->text, &end, 10);
    if (errno != 0 || *end != '\0' || v < 0)
        return err_at(p, t, HF_ERR_SQL, "%s is out of range: %s", what,
                      t->text);
    next(p);
    *out = v;
    return 0;
}

/* [WITH ...] union [ORDER BY ...] [LIMIT n [OFFSET m] | OFFSET m ROWS
 * FETCH FIRST n ROWS ONLY]. */
static struct hf_ast_query *parse_query(struct parser *p)
{
    const struct hf_token *start = peek(p);
    struct hf_ast_cte *ctes = NULL;
    uint32_t nctes = 0, cap = 0;
    if (accept_kw(p, HF_KW_WITH)) {
        if (tok_word(peek(p), "RECURSIVE")) {
            unsupported(p, peek(p), "WITH RECURSIVE is not supported");
            return NULL;
        }
        for (;;) {
            if (GROW(p, ctes, cap, nctes) != 0)
                return NULL;
            struct hf_ast_cte *c = &ctes[nctes];
            memset(c, 0, sizeof *c);
            if (ident(p, false, "a name", nctes ? "after ','" : "after WITH",
                      &c->name) != 0)
                return NULL;
            if (peek(p)->kind == HF_TK_LPAREN &&
                name_list(p, "column", "after the WITH name", &c->cols,
                          &c->ncols) != 0)
                return NULL;
            if (expect_kw(p, HF_KW_AS, "after the WITH name") != 0 ||
                expect(p, HF_TK_LPAREN, "after AS") != 0)
                return NULL;
            if (++p->depth > MAX_DEPTH) {
                err_at(p, peek(p), HF_ERR_SQL, "queries nested too deeply");
                return NULL;
            }
            c->query = parse_query(p);
            if (c->query == NULL ||
                expect(p, HF_TK_RPAREN, "to close the WITH query") != 0)
                return NULL;
            p->depth--;
            nctes++;
            if (!accept(p, HF_TK_COMMA))
                break;
        }
    }
    struct hf_ast_query *q = query_union(p);
    if (q == NULL)
        return NULL;
    const struct hf_token *ot = peek(p);
    struct hf_ast_order_item *order = NULL;
    uint32_t norder = 0;
    if (accept_kw(p, HF_KW_ORDER) && order_items(p, &order, &norder) != 0)
        return NULL;
    const struct hf_token *lt = peek(p);
    bool limit = false;
    int64_t n = 0, off = 0;
    if (accept_kw(p, HF_KW_LIMIT)) {
        limit = true;
        if (count_lit(p, "LIMIT", &n) != 0)
            return NULL;
        if (accept_word(p, "OFFSET") && count_lit(p, "OFFSET", &off) != 0)
            return NULL;
    } else if (tok_word(lt, "OFFSET") || tok_word(lt, "FETCH")) {
        limit = true;
        n = INT64_MAX;
        if (accept_word(p, "OFFSET")) {
            if (count_lit(p, "OFFSET", &off) != 0)
                return NULL;
            if (!accept_word(p, "ROWS"))
                accept_word(p, "ROW");
        }
        if (accept_word(p, "FETCH")) {
            if (!accept_word(p, "FIRST") &&
                expect_word(p, "NEXT", "after FETCH") != 0)
                return NULL;
            if (count_lit(p, "FETCH", &n) != 0)
                return NULL;
            if (!accept_word(p, "ROWS") &&
                expect_word(p, "ROW", "after the FETCH count") != 0)
                return NULL;
            if (expect_word(p, "ONLY", "after FETCH FIRST n ROWS") != 0)
                return NULL;
        }
    }
    /* A query that already has its own WITH or LIMIT (in parentheses)
     * gets these in a wrapper: a UNION of one input. */
    if ((nctes && q->nctes) || ((limit || norder) && q->has_limit) ||
        (norder && q->norder)) {
        struct hf_ast_query *w = alloc(p, sizeof *w);
        if (w == NULL)
            return NULL;
        w->kind = HF_QUERY_UNION;
        w->line = q->line;
        w->col = q->col;
        w->all = true;
        w->off = q->off;
        w->inputs = alloc(p, sizeof *w->inputs);
        if (w->inputs == NULL)
            return NULL;
        w->inputs[0] = q;
        w->ninputs = 1;
        q = w;
    }
    if (nctes) {
        q->ctes = ctes;
        q->nctes = nctes;
    }
    q->off = start->off;
    if (norder) {
        q->order = order;
        q->norder = norder;
        q->order_line = ot->line;
        q->order_col = ot->col;
    }
    if (limit) {
        q->has_limit = true;
        q->limit = n;
        q->offset = off;
        q->limit_line = lt->line;
        q->limit_col = lt->col;
    }
    q->end = last_end(p);
    return q;
}

/* ------------------------------------------------------------ INSERT */

/* After INSERT INTO t: does '(' open the query rather than a column list? */
static bool is_kw_at_select(const struct parser *p)
{
    const struct hf_token *t = peek_at(p, 1);
    return tok_is_kw(t, HF_KW_SELECT) || tok_is_kw(t, HF_KW_WITH) ||
           tok_is_kw(t, HF_KW_VALUES) || t->kind == HF_TK_LPAREN;
}

static int insert_stmt(struct parser *p, struct hf_ast_stmt *st)
{
    struct hf_ast_insert *ins = &st->u.insert;
    st->kind = HF_STMT_INSERT;
    if (is_kw(p, HF_KW_OVERWRITE)) {
        ins->overwrite = true;
        ins->overwrite_line = peek(p)->line;
        ins->overwrite_col = peek(p)->col;
        next(p);
    } else if (expect_kw(p, HF_KW_INTO, "after INSERT") != 0) {
        return -1;
    }
    if (dotted_name(p, "a table name",
                    ins->overwrite ? "after INSERT OVERWRITE"
                                   : "after INSERT INTO",
                    &ins->target, &ins->target_full) != 0)
        return -1;
    if (peek(p)->kind == HF_TK_HINT_BEGIN)
        return unsupported(p, peek(p),
                           "hints on the INSERT's target are not supported; "
                           "put sink options in the table's WITH clause");
    if (is_kw(p, HF_KW_PARTITION))
        return unsupported(p, peek(p),
                           "INSERT ... PARTITION (...) is not "
                           "supported; partition values come from the "
                           "query's columns");
    if (peek(p)->kind == HF_TK_LPAREN && !is_kw_at_select(p)) {
        ins->has_cols = true;
        if (name_list(p, "column", "after the table name", &ins->cols,
                      &ins->ncols) != 0)
            return -1;
    }
    const struct hf_token *sel = peek(p);
    if (!tok_is_kw(sel, HF_KW_SELECT) && !tok_is_kw(sel, HF_KW_WITH) &&
        !tok_is_kw(sel, HF_KW_VALUES) && sel->kind != HF_TK_LPAREN)
        return expected(p, "SELECT, WITH or VALUES",
                        ins->has_cols ? "after the column list"
                                      : "after the table name");
    ins->select_line = sel->line;
    ins->select_col = sel->col;
    ins->query = parse_query(p);
    if (ins->query == NULL)
        return -1;
    ins->select_text = dup_span(p, sel->off, last_end(p));
    return ins->select_text ? 0 : -1;
}

/* ------------------------------------------------------------ VIEW, DROP */

/* CREATE [TEMPORARY] VIEW; the cursor is on VIEW. */
static int create_view(struct parser *p, struct hf_ast_stmt *st, bool temp)
{
    struct hf_ast_create_view *v = &st->u.view;
    st->kind = HF_STMT_CREATE_VIEW;
    v->temporary = temp;
    next(p);
    if (is_kw(p, HF_KW_IF)) {
        next(p);
        if (expect_kw(p, HF_KW_NOT, "after IF") != 0 ||
            expect_kw(p, HF_KW_EXISTS, "after IF NOT") != 0)
            return -1;
        v->if_not_exists = true;
    }
    if (dotted_name(p, "a view name", "after CREATE VIEW", &v->name,
                    &v->full_name) != 0)
        return -1;
    if (accept(p, HF_TK_LPAREN)) {
        uint32_t cap = 0;
        for (;;) {
            if (GROW(p, v->cols, cap, v->ncols) != 0)
                return -1;
            if (ident(p, true, "a column name",
                      v->ncols ? "after ','" : "after '('",
                      &v->cols[v->ncols]) != 0)
                return -1;
            v->ncols++;
            if (tok_is_kw(peek(p), HF_KW_COMMENT)) {
                const char *c;
                next(p);
                if (string_lit(p, "a comment in quotes", "after COMMENT", &c) !=
                    0)
                    return -1;
            }
            if (!accept(p, HF_TK_COMMA))
                break;
        }
        if (expect(p, HF_TK_RPAREN, "after the view's column list") != 0)
            return -1;
    }
    if (accept_kw(p, HF_KW_COMMENT) &&
        string_lit(p, "a comment in quotes", "after COMMENT", &v->comment) != 0)
        return -1;
    if (expect_kw(p, HF_KW_AS, "after the view name") != 0)
        return -1;
    v->query = parse_query(p);
    return v->query ? 0 : -1;
}

/* CREATE ...; the cursor is after CREATE. */
static int create_stmt(struct parser *p, struct hf_ast_stmt *st)
{
    bool temp = accept_kw(p, HF_KW_TEMPORARY);
    const struct hf_token *t = peek(p);
    if (tok_is_kw(t, HF_KW_VIEW))
        return create_view(p, st, temp);
    if (tok_is_kw(t, HF_KW_FUNCTION) ||
        (tok_word(t, "SYSTEM") && tok_is_kw(peek_at(p, 1), HF_KW_FUNCTION)))
        return unsupported(p, t,
                           "CREATE FUNCTION is not supported; holoflow has "
                           "no user-defined functions (JAR or Python)");
    if (tok_is_kw(t, HF_KW_CATALOG) || tok_is_kw(t, HF_KW_DATABASE)) {
        char m[160];
        snprintf(m, sizeof m,
                 "CREATE %s is not supported; holoflow has one in-memory "
                 "catalog",
                 hf_kw_name(t->kw));
        return unsupported(p, t, m);
    }
    return create_table(p, st, temp);
}

/* DROP ...; the cursor is after DROP. */
static int drop_stmt(struct parser *p, struct hf_ast_stmt *st)
{
    struct hf_ast_drop *d = &st->u.drop;
    st->kind = HF_STMT_DROP;
    d->temporary = accept_kw(p, HF_KW_TEMPORARY);
    const struct hf_token *t = peek(p);
    if (tok_is_kw(t, HF_KW_FUNCTION) || tok_word(t, "SYSTEM"))
        return unsupported(p, t, "DROP FUNCTION is not supported");
    if (tok_is_kw(t, HF_KW_CATALOG) || tok_is_kw(t, HF_KW_DATABASE)) {
        char m[80];
        snprintf(m, sizeof m, "DROP %s is not supported", hf_kw_name(t->kw));
        return unsupported(p, t, m);
    }
    if (tok_is_kw(t, HF_KW_VIEW))
        d->view = true;
    else if (!tok_is_kw(t, HF_KW_TABLE))
        return expected(p, "TABLE or VIEW",
                        d->temporary ? "after DROP TEMPORARY" : "after DROP");
    next(p);
    if (is_kw(p, HF_KW_IF)) {
        next(p);
        if (expect_kw(p, HF_KW_EXISTS, "after IF") != 0)
            return -1;
        d->if_exists = true;
    }
    return dotted_name(p, d->view ? "a view name" : "a table name",
                       d->view ? "after DROP VIEW" : "after DROP TABLE",
                       &d->name, &d->full_name);
}

/* ------------------------------------------------------------ SET */

static bool stmt_end(const struct hf_token *t)
{
    return t->kind == HF_TK_SEMI || t->kind == HF_TK_EOF;
}

/* One side of SET: a single string literal is its text; anything else is
 * taken as written (SET execution.runtime-mode = batch). */
static int set_side(struct parser *p, uint32_t first, uint32_t last,
                    const char **out)
{
    if (first == last && p->t[first].kind == HF_TK_STRING) {
        *out = p->t[first].text;
        return 0;
    }
    *out = dup_span(p, p->t[first].off, p->t[last].off + p->t[last].len);
    return *out ? 0 : -1;
}

static int set_stmt(struct parser *p, struct hf_ast_stmt *st,
                    const struct hf_token *set)
{
    struct hf_ast_set *s = &st->u.set;
    st->kind = HF_STMT_SET;
    if (stmt_end(peek(p)))
        return err_at(p, set, HF_ERR_SQL,
                      "SET needs a key and a value: SET 'key' = 'value'");
    uint32_t k0 = p->i;
    while (!stmt_end(peek(p)) && peek(p)->kind != HF_TK_EQ)
        next(p);
    if (peek(p)->kind != HF_TK_EQ)
        return expected(p, "'='", "after the SET key");
    if (p->i == k0)
        return err_at(p, peek(p), HF_ERR_SQL,
                      "SET needs a key before '=': SET 'key' = 'value'");
    uint32_t k1 = p->i - 1;
    const struct hf_token *eq = next(p);
    uint32_t v0 = p->i;
    while (!stmt_end(peek(p)))
        next(p);
    if (p->i == v0)
        return err_at(p, eq, HF_ERR_SQL,
                      "SET needs a value after '=': SET 'key' = 'value'");
    uint32_t v1 = p->i - 1;
    s->line = p->t[k0].line;
    s->col = p->t[k0].col;
    s->vline = p->t[v0].line;
    s->vcol = p->t[v0].col;
    if (set_side(p, k0, k1, &s->key) != 0 ||
        set_side(p, v0, v1, &s->value) != 0)
        return -1;
    return 0;
}

/* ------------------------------------------------------------ script */

struct stmt_list {
    struct hf_ast_stmt *v;
    uint32_t n, cap;
};

static struct hf_ast_stmt *new_stmt(struct parser *p, struct stmt_list *l,
                                    const struct hf_token *at)
{
    if (GROW(p, l->v, l->cap, l->n) != 0)
        return NULL;
    struct hf_ast_stmt *st = &l->v[l->n++];
    memset(st, 0, sizeof *st);
    st->line = at->line;
    st->col = at->col;
    return st;
}

/* The INSERTs of a statement set, up to and including END. */
static int statement_set(struct parser *p, struct stmt_list *l,
                         const struct hf_token *begin)
{
    uint32_t count = 0;
    for (;;) {
        while (accept(p, HF_TK_SEMI))
            ;
        const struct hf_token *t = peek(p);
        if (accept_kw(p, HF_KW_END))
            break;
        if (t->kind == HF_TK_EOF)
            return err_at(p, begin, HF_ERR_SQL,
                          "statement set is not closed: add END; after its "
                          "INSERT statements");
        if (!tok_is_kw(t, HF_KW_INSERT))
            return expected(p, "INSERT or END", "in a statement set");
        next(p);
        struct hf_ast_stmt *st = new_stmt(p, l, t);
        if (st == NULL || insert_stmt(p, st) != 0)
            return -1;
        st->in_statement_set = true;
        count++;
        if (!is_kw(p, HF_KW_END) &&
            expect(p, HF_TK_SEMI, "after INSERT statement") != 0)
            return -1;
    }
    if (count == 0)
        return err_at(p, begin, HF_ERR_SQL,
                      "statement set has no INSERT statements");
    return 0;
}

#define STATEMENTS                                                             \
    "SET, CREATE TABLE, CREATE VIEW, DROP TABLE, DROP VIEW, INSERT and "       \
    "EXECUTE STATEMENT SET"

/* A statement Flink knows and holoflow does not run: "ALTER TABLE is not
 * supported; ...". */
static int unsupported_statement(struct parser *p, const struct hf_token *t)
{
    static const char *const two_words[] = {"ALTER",  "SHOW", "ADD",
                                            "REMOVE", "LOAD", "UNLOAD"};
    char what[96];
    snprintf(what, sizeof what, "%.40s", t->text);
    const struct hf_token *n = peek_at(p, 1);
    for (size_t k = 0; k < sizeof two_words / sizeof two_words[0]; k++)
        if (tok_word(t, two_words[k]) && n->kind == HF_TK_IDENT)
            snprintf(what, sizeof what, "%.40s %.40s", t->text, n->text);
    for (char *c = what; *c; c++)
        if (*c >= 'a' && *c <= 'z')
            *c = (char)(*c - 'a' + 'A');
    return err_at(p, t, HF_ERR_UNSUPPORTED,
                  "%s is not supported; holoflow runs " STATEMENTS, what);
}

static int statement(struct parser *p, struct stmt_list *l)
{
    static const char *const known[] = {
        "ALTER",    "USE",    "SHOW",   "DESCRIBE", "DESC",    "EXPLAIN",
        "LOAD",     "UNLOAD", "ADD",    "REMOVE",   "RESET",   "ANALYZE",
        "TRUNCATE", "DELETE", "UPDATE", "CALL",     "COMPILE", "MERGE"};
    const struct hf_token *t = peek(p);
    if (t->kind == HF_TK_LPAREN)
        return unsupported(p, t,
                           "a query must be part of INSERT INTO <sink> "
                           "SELECT ...; holoflow does not display results "
                           "(write to a 'print' table to see rows)");
    if (t->kind != HF_TK_IDENT)
        return expected(p, "a statement (" STATEMENTS ")", "");
    struct hf_ast_stmt *st;
    switch (t->kw) {
    case HF_KW_SET:
        next(p);
        st = new_stmt(p, l, t);
        return st ? set_stmt(p, st, t) : -1;
    case HF_KW_CREATE:
        next(p);
        st = new_stmt(p, l, t);
        return st ? create_stmt(p, st) : -1;
    case HF_KW_DROP:
        next(p);
        st = new_stmt(p, l, t);
        return st ? drop_stmt(p, st) : -1;
    case HF_KW_INSERT:
        next(p);
        st = new_stmt(p, l, t);
        return st ? insert_stmt(p, st) : -1;
    case HF_KW_EXECUTE:
        next(p);
        if (accept_kw(p, HF_KW_STATEMENT)) {
            if (expect_kw(p, HF_KW_SET, "after EXECUTE STATEMENT") != 0 ||
                expect_kw(p, HF_KW_BEGIN, "after EXECUTE STATEMENT SET") != 0)
                return -1;
            return statement_set(p, l, t);
        }
        if (is_kw(p, HF_KW_INSERT)) {
            const struct hf_token *ins = next(p);
            st = new_stmt(p, l, ins);
            return st ? insert_stmt(p, st) : -1;
        }
        return expected(p, "STATEMENT SET or INSERT", "after EXECUTE");
    case HF_KW_BEGIN:
        next(p);
        if (expect_kw(p, HF_KW_STATEMENT, "after BEGIN") != 0 ||
            expect_kw(p, HF_KW_SET, "after BEGIN STATEMENT") != 0 ||
            expect(p, HF_TK_SEMI, "after BEGIN STATEMENT SET") != 0)
            return -1;
        return statement_set(p, l, t);
    case HF_KW_SELECT:
    case HF_KW_WITH:
    case HF_KW_VALUES:
        return unsupported(p, t,
                           "a query must be part of INSERT INTO <sink> "
                           "SELECT ...; holoflow does not display results "
                           "(write to a 'print' table to see rows)");
    default: {
        for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
            if (tok_word(t, known[k]))
                return unsupported_statement(p, t);
        char f[64];
        found_text(p, t, f, sizeof f);
        hf_err_t code = t->kw == HF_KW_NONE ? HF_ERR_SQL : HF_ERR_UNSUPPORTED;
        return err_at(
            p, t, code,
            "%s is not a supported statement; holoflow runs " STATEMENTS, f);
    }
    }
}

static struct hf_ast_script *script_new(const struct hf_sql_src *src)
{
    struct hf_ast_script *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->src = *src;
    hf_arena_init(&s->arena);
    return s;
}

static int begin(const struct hf_sql_src *src, struct hf_ast_script **out,
                 struct parser *p, struct hf_error *err)
{
    *out = NULL;
    struct hf_ast_script *s = script_new(src);
    if (s == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    if (hf_sql_lex(&s->src, &s->toks, err) != 0) {
        hf_ast_script_free(s);
        return -1;
    }
    memset(p, 0, sizeof *p);
    p->s = s;
    p->t = s->toks.toks;
    p->n = s->toks.n;
    p->err = err;
    *out = s;
    return 0;
}

int hf_sql_parse(const struct hf_sql_src *src, struct hf_ast_script **out,
                 struct hf_error *err)
{
    struct parser p;
    if (begin(src, out, &p, err) != 0)
        return -1;
    struct stmt_list l = {0};
    for (;;) {
        while (accept(&p, HF_TK_SEMI))
            ;
        if (peek(&p)->kind == HF_TK_EOF)
            break;
        if (statement(&p, &l) != 0)
            goto fail;
        if (peek(&p)->kind != HF_TK_EOF &&
            expect(&p, HF_TK_SEMI, "after the statement") != 0)
            goto fail;
    }
    (*out)->stmts = l.v;
    (*out)->nstmts = l.n;
    return 0;
fail:
    hf_ast_script_free(*out);
    *out = NULL;
    return -1;
}

int hf_sql_parse_expr(const struct hf_sql_src *src, struct hf_ast_script **out,
                      struct hf_ast_expr **expr, struct hf_error *err)
{
    struct parser p;
    *expr = NULL;
    if (begin(src, out, &p, err) != 0)
        return -1;
    struct hf_ast_expr *e = parse_expr(&p);
    if (e != NULL && peek(&p)->kind != HF_TK_EOF) {
        expected(&p, "end of expression", "");
        e = NULL;
    }
    if (e == NULL) {
        hf_ast_script_free(*out);
        *out = NULL;
        return -1;
    }
    *expr = e;
    return 0;
}

int hf_sql_parse_type(const char *text, struct hf_type *t, struct hf_error *err)
{
    struct hf_sql_src src = {
        .file = "<type>", .text = text, .len = strlen(text)};
    struct hf_ast_script *s;
    struct parser p;
    if (begin(&src, &s, &p, err) != 0)
        return -1;
    int rc = parse_type(&p, t, true);
    if (rc == 0 && peek(&p)->kind != HF_TK_EOF)
        rc = expected(&p, "end of type", "");
    hf_ast_script_free(s);
    return rc;
}

void hf_ast_script_free(struct hf_ast_script *s)
{
    if (s == NULL)
        return;
    hf_tokens_free(&s->toks);
    hf_arena_free(&s->arena);
    free(s);
}
