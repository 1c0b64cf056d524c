/*
 * expr.c - binding parsed expressions into typed trees, and tree utilities
 * (types, text, free).
 *
 * The binder walks the AST bottom-up. Each node gets its type by Flink's
 * rules: integer literals are INT or BIGINT by size (DECIMAL beyond
 * BIGINT), decimal literals DECIMAL(p,s) exactly as written, string
 * literals CHAR(n); arithmetic promotes integer < DECIMAL < DOUBLE with
 * Flink's DECIMAL precision/scale derivation (capped at 38 digits keeping at
 * least 6 fraction digits); CASE and COALESCE results take the common type
 * of their branches. Where operands need converting, the binder inserts
 * HF_X_CAST nodes so the evaluator never guesses. Constant CASTs of
 * literals are folded here, so CAST('abc' AS INT) fails at plan time with
 * a position instead of on the first row.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/opt.h"
#include "core/datetime.h"
#include "core/decimal.h"
#include "core/strbuf.h"
#include "core/valueconv.h"
#include "sql/bind.h"
#include "sql/expr_int.h"
#include "sql/functions.h"

/* ------------------------------------------------------------ nodes */

struct hf_expr *hf_x_new(enum hf_xop op, uint32_t nargs)
{
    struct hf_expr *e = calloc(1, sizeof *e);
    if (e == NULL)
        return NULL;
    e->op = op;
    if (nargs) {
        e->args = calloc(nargs, sizeof *e->args);
        if (e->args == NULL) {
            free(e);
            return NULL;
        }
        e->nargs = nargs;
    }
    return e;
}

void hf_expr_free(struct hf_expr *e)
{
    if (e == NULL)
        return;
    for (uint32_t i = 0; i < e->nargs; i++)
        hf_expr_free(e->args[i]);
    free(e->args);
    free(e->name);
    free(e->lit_buf);
    free(e->src);
    hf_dtfmt_free(e->fmt);
    hf_x_regex_free(e->re);
    hf_x_jpath_free(e->jpath);
    free(e);
}

const struct hf_type *hf_expr_type(const struct hf_expr *e)
{
    return &e->type;
}

bool hf_expr_column(const struct hf_expr *e, uint32_t *idx)
{
    if (e == NULL || e->op != HF_X_COLUMN)
        return false;
    if (idx)
        *idx = e->column;
    return true;
}

bool hf_expr_is_proctime(const struct hf_expr *e)
{
    return e && e->op == HF_X_PROCTIME;
}

bool hf_expr_is_untyped_null(const struct hf_expr *e)
{
    return e != NULL && e->op == HF_X_LITERAL && e->null_lit;
}

struct hf_expr *hf_expr_new_column(const struct hf_schema *s, uint32_t idx)
{
    const struct hf_column *c = &s->cols[idx];
    struct hf_expr *e =
        hf_x_new(c->kind == HF_COL_PROCTIME ? HF_X_PROCTIME : HF_X_COLUMN, 0);
    if (e == NULL)
        return NULL;
    e->column = idx;
    e->type = c->type;
    e->name = strdup(c->name);
    if (e->name == NULL) {
        hf_expr_free(e);
        return NULL;
    }
    return e;
}

struct hf_expr *hf_expr_new_null(const struct hf_type *t)
{
    struct hf_expr *e = hf_x_new(HF_X_LITERAL, 0);
    if (e == NULL)
        return NULL;
    e->type = *t;
    e->type.not_null = false;
    e->lit.null = true;
    return e;
}

struct hf_expr *hf_expr_and_then(struct hf_expr *a, struct hf_expr *b)
{
    if (!a->type.not_null) {
        /* NULL AND ... would go on to b: make a NULL drop the row first. */
        struct hf_expr *t = hf_x_new(HF_X_IS_TRUE, 1);
        if (t == NULL) {
            hf_expr_free(a);
            hf_expr_free(b);
            return NULL;
        }
        t->args[0] = a;
        t->type = hf_type_make(HF_BOOLEAN);
        t->type.not_null = true;
        t->line = a->line;
        t->col = a->col;
        t->file = a->file;
        a = t;
    }
    struct hf_expr *e = hf_x_new(HF_X_AND, 2);
    if (e == NULL) {
        hf_expr_free(a);
        hf_expr_free(b);
        return NULL;
    }
    e->args[0] = a;
    e->args[1] = b;
    e->type = hf_type_make(HF_BOOLEAN);
    e->type.not_null = a->type.not_null && b->type.not_null;
    e->line = a->line;
    e->col = a->col;
    e->file = a->file;
    return e;
}

/* ------------------------------------------------------------ text */

static const char *op_text(enum hf_xop op)
{
    switch (op) {
    case HF_X_ADD:
        return "+";
    case HF_X_SUB:
        return "-";
    case HF_X_MUL:
        return "*";
    case HF_X_DIV:
        return "/";
    case HF_X_MOD:
        return "%";
    case HF_X_EQ:
        return "=";
    case HF_X_NE:
        return "<>";
    case HF_X_LT:
        return "<";
    case HF_X_LE:
        return "<=";
    case HF_X_GT:
        return ">";
    case HF_X_GE:
        return ">=";
    case HF_X_AND:
        return "AND";
    case HF_X_OR:
        return "OR";
    default:
        return "?";
    }
}

static void put_quoted(struct hf_strbuf *out, const char *s, size_t n)
{
    hf_strbuf_putc(out, '\'');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\'')
            hf_strbuf_putc(out, '\'');
        hf_strbuf_putc(out, s[i]);
    }
    hf_strbuf_putc(out, '\'');
}

static void put_ident(struct hf_strbuf *out, const char *name)
{
    bool plain = name[0] != '\0' && !isdigit((unsigned char)name[0]);
    for (const char *c = name; *c && plain; c++)
        if (!isalnum((unsigned char)*c) && *c != '_')
            plain = false;
    if (plain) {
        hf_strbuf_puts(out, name);
        return;
    }
    hf_strbuf_putc(out, '`');
    for (const char *c = name; *c; c++) {
        if (*c == '`')
            hf_strbuf_putc(out, '`');
        hf_strbuf_putc(out, *c);
    }
    hf_strbuf_putc(out, '`');
}

static void put_args(const struct hf_expr *e, uint32_t from,
                     struct hf_strbuf *out)
{
    for (uint32_t i = from; i < e->nargs; i++) {
        if (i > from)
            hf_strbuf_puts(out, ", ");
        hf_expr_to_text(e->args[i], out);
    }
}

static void put_literal(const struct hf_expr *e, struct hf_strbuf *out)
{
    char tn[64];
    if (e->lit.null) {
        if (e->null_lit)
            hf_strbuf_puts(out, "NULL");
        else
            hf_strbuf_printf(out, "CAST(NULL AS %s)",
                             hf_type_name(&e->type, tn, sizeof tn));
        return;
    }
    switch (e->type.id) {
    case HF_CHAR:
    case HF_VARCHAR:
    case HF_JSON:
    case HF_JSONB:
        put_quoted(out, e->lit.v.s.ptr, e->lit.v.s.len);
        return;
    case HF_DATE:
    case HF_TIME:
    case HF_TIMESTAMP: {
        char buf[64];
        size_t n = hf_x_scalar_text(&e->type, &e->lit, buf, sizeof buf);
        hf_strbuf_printf(out, "%s ",
                         e->type.id == HF_DATE   ? "DATE"
                         : e->type.id == HF_TIME ? "TIME"
                                                 : "TIMESTAMP");
        put_quoted(out, buf, n);
        return;
    }
    case HF_BOOLEAN:
    case HF_TINYINT:
    case HF_SMALLINT:
    case HF_INT:
    case HF_BIGINT:
    case HF_DECIMAL:
        hf_value_to_text(&e->type, &e->lit, out);
        return;
    default: {
        struct hf_strbuf t;
        hf_strbuf_init(&t, 0);
        hf_value_to_text(&e->type, &e->lit, &t);
        hf_strbuf_printf(out, "CAST(");
        put_quoted(out, t.data ? t.data : "", t.len);
        hf_strbuf_printf(out, " AS %s)", hf_type_name(&e->type, tn, sizeof tn));
        hf_strbuf_free(&t);
        return;
    }
    }
}

const char *hf_x_fn_name(const struct hf_expr *e)
{
    if (e->name)
        return e->name;
    for (size_t i = 0; i < hf_fn_count; i++)
        if (hf_fn_table[i].fn == (int)e->fn &&
            hf_fn_table[i].kind == HF_FNK_CALL)
            return hf_fn_table[i].name;
    return "?";
}

void hf_expr_to_text(const struct hf_expr *e, struct hf_strbuf *out)
{
    char tn[64];
    switch (e->op) {
    case HF_X_FIELD:
        hf_expr_to_text(e->args[0], out);
        hf_strbuf_putc(out, '.');
        put_ident(out, e->name ? e->name : "?");
        return;
    case HF_X_ITEM:
        hf_expr_to_text(e->args[0], out);
        hf_strbuf_putc(out, '[');
        hf_expr_to_text(e->args[1], out);
        hf_strbuf_putc(out, ']');
        return;
    case HF_X_ROW_CTOR:
        hf_strbuf_puts(out, "ROW(");
        put_args(e, 0, out);
        hf_strbuf_putc(out, ')');
        return;
    case HF_X_ARRAY_CTOR:
    case HF_X_MAP_CTOR:
        hf_strbuf_puts(out, e->op == HF_X_MAP_CTOR ? "MAP[" : "ARRAY[");
        put_args(e, 0, out);
        hf_strbuf_putc(out, ']');
        return;
    case HF_X_COLUMN:
        put_ident(out, e->name ? e->name : "?");
        return;
    case HF_X_PROCTIME:
        if (e->name)
            put_ident(out, e->name);
        else
            hf_strbuf_puts(out, "PROCTIME()");
        return;
    case HF_X_LITERAL:
        put_literal(e, out);
        return;
    case HF_X_CAST:
        hf_strbuf_puts(out, e->try_cast ? "TRY_CAST(" : "CAST(");
        hf_expr_to_text(e->args[0], out);
        hf_strbuf_printf(out, " AS %s)", hf_type_name(&e->type, tn, sizeof tn));
        return;
    case HF_X_NEG:
        hf_strbuf_puts(out, "-");
        hf_expr_to_text(e->args[0], out);
        return;
    case HF_X_NOT:
        hf_strbuf_puts(out, "NOT ");
        hf_expr_to_text(e->args[0], out);
        return;
    case HF_X_ADD:
    case HF_X_SUB:
    case HF_X_MUL:
    case HF_X_DIV:
    case HF_X_MOD:
    case HF_X_EQ:
    case HF_X_NE:
    case HF_X_LT:
    case HF_X_LE:
    case HF_X_GT:
    case HF_X_GE:
    case HF_X_AND:
    case HF_X_OR:
        hf_strbuf_putc(out, '(');
        hf_expr_to_text(e->args[0], out);
        hf_strbuf_printf(out, " %s ", op_text(e->op));
        hf_expr_to_text(e->args[1], out);
        hf_strbuf_putc(out, ')');
        return;
    case HF_X_CONCAT:
        hf_strbuf_putc(out, '(');
        for (uint32_t i = 0; i < e->nargs; i++) {
            if (i)
                hf_strbuf_puts(out, " || ");
            hf_expr_to_text(e->args[i], out);
        }
        hf_strbuf_putc(out, ')');
        return;
    case HF_X_IS_NULL:
    case HF_X_IS_TRUE:
    case HF_X_IS_FALSE:
        hf_expr_to_text(e->args[0], out);
        hf_strbuf_printf(out, " IS %s%s", e->negated ? "NOT " : "",
                         e->op == HF_X_IS_NULL   ? "NULL"
                         : e->op == HF_X_IS_TRUE ? "TRUE"
                                                 : "FALSE");
        return;
    case HF_X_DISTINCT:
        hf_expr_to_text(e->args[0], out);
        hf_strbuf_puts(out, e->negated ? " IS NOT DISTINCT FROM "
                                       : " IS DISTINCT FROM ");
        hf_expr_to_text(e->args[1], out);
        return;
    case HF_X_BETWEEN:
        hf_expr_to_text(e->args[0], out);
        hf_strbuf_puts(out, e->negated ? " NOT BETWEEN " : " BETWEEN ");
        if (e->symmetric)
            hf_strbuf_puts(out, "SYMMETRIC ");
        hf_expr_to_text(e->args[1], out);
        hf_strbuf_puts(out, " AND ");
        hf_expr_to_text(e->args[2], out);
        return;
    case HF_X_IN:
        hf_expr_to_text(e->args[0], out);
        hf_strbuf_puts(out, e->negated ? " NOT IN (" : " IN (");
        put_args(e, 1, out);
        hf_strbuf_putc(out, ')');
        return;
    case HF_X_LIKE:
        hf_expr_to_text(e->args[0], out);
        if (e->similar)
            hf_strbuf_puts(out,
                           e->negated ? " NOT SIMILAR TO " : " SIMILAR TO ");
        else
            hf_strbuf_puts(out, e->negated ? " NOT LIKE " : " LIKE ");
        hf_expr_to_text(e->args[1], out);
        if (e->esc) {
            hf_strbuf_puts(out, " ESCAPE ");
            put_quoted(out, &e->esc, 1);
        }
        return;
    case HF_X_CASE: {
        hf_strbuf_puts(out, "CASE");
        uint32_t i = 0;
        if (e->has_operand) {
            hf_strbuf_putc(out, ' ');
            hf_expr_to_text(e->args[0], out);
            i = 1;
        }
        uint32_t end = e->nargs - (e->has_else ? 1 : 0);
        for (; i + 1 < end; i += 2) {
            hf_strbuf_puts(out, " WHEN ");
            hf_expr_to_text(e->args[i], out);
            hf_strbuf_puts(out, " THEN ");
            hf_expr_to_text(e->args[i + 1], out);
        }
        if (e->has_else) {
            hf_strbuf_puts(out, " ELSE ");
            hf_expr_to_text(e->args[e->nargs - 1], out);
        }
        hf_strbuf_puts(out, " END");
        return;
    }
    case HF_X_COALESCE:
        hf_strbuf_puts(out, "COALESCE(");
        put_args(e, 0, out);
        hf_strbuf_putc(out, ')');
        return;
    case HF_X_FUNC:
        if (e->fn == HF_FN_TRIM) {
            hf_strbuf_printf(out, "TRIM(%s ",
                             e->trim == 1   ? "LEADING"
                             : e->trim == 2 ? "TRAILING"
                                            : "BOTH");
            if (e->nargs > 1) {
                hf_expr_to_text(e->args[1], out);
                hf_strbuf_putc(out, ' ');
            }
            hf_strbuf_puts(out, "FROM ");
            hf_expr_to_text(e->args[0], out);
            hf_strbuf_putc(out, ')');
            return;
        }
        if (e->fn == HF_FN_EXTRACT && strcmp(hf_x_fn_name(e), "EXTRACT") == 0) {
            hf_strbuf_printf(out, "EXTRACT(%s FROM ", hf_x_unit_name(e->unit));
            hf_expr_to_text(e->args[0], out);
            hf_strbuf_putc(out, ')');
            return;
        }
        if (e->fn == HF_FN_FLOOR_TIME) {
            hf_strbuf_printf(out, "%s(", hf_x_fn_name(e));
            hf_expr_to_text(e->args[0], out);
            hf_strbuf_printf(out, " TO %s)", hf_x_unit_name(e->unit));
            return;
        }
        if (e->fn == HF_FN_PLUS_INTERVAL) {
            hf_strbuf_putc(out, '(');
            hf_expr_to_text(e->args[0], out);
            hf_strbuf_puts(out, e->negated ? " - " : " + ");
            hf_expr_to_text(e->args[1], out);
            hf_strbuf_putc(out, ')');
            return;
        }
        if (e->fn == HF_FN_INTERVAL_MUL) {
            hf_strbuf_putc(out, '(');
            hf_expr_to_text(e->args[0], out);
            hf_strbuf_puts(out, " * ");
            hf_expr_to_text(e->args[1], out);
            hf_strbuf_putc(out, ')');
            return;
        }
        if (e->fn == HF_FN_IS_JSON) {
            hf_expr_to_text(e->args[0], out);
            hf_strbuf_printf(out, " IS %sJSON %s", e->negated ? "NOT " : "",
                             e->unit == 1   ? "SCALAR"
                             : e->unit == 2 ? "ARRAY"
                             : e->unit == 3 ? "OBJECT"
                                            : "VALUE");
            return;
        }
        hf_strbuf_printf(out, "%s(", hf_x_fn_name(e));
        if (e->fn == HF_FN_TIMESTAMPADD || e->fn == HF_FN_TIMESTAMPDIFF)
            hf_strbuf_printf(out, "%s, ", hf_x_unit_name(e->unit));
        put_args(e, 0, out);
        if (e->fn == HF_FN_TO_TIMESTAMP_LTZ)
            hf_strbuf_printf(out, ", %d", e->precision_arg);
        if (e->fmt) {
            const char *pat = hf_dtfmt_pattern(e->fmt);
            hf_strbuf_puts(out, ", ");
            put_quoted(out, pat, strlen(pat));
        }
        hf_strbuf_putc(out, ')');
        return;
    }
}

/* ------------------------------------------------------------ binder */

struct binder {
    const struct hf_bind_scope *sc;
    struct hf_error *err;
};

static int bind_err(struct binder *b, const struct hf_ast_expr *a,
                    hf_err_t code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int bind_err(struct binder *b, const struct hf_ast_expr *a,
                    hf_err_t code, const char *fmt, ...)
{
    char msg[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return hf_sql_error_at(b->err, code, b->sc->src, a->line, a->col, "%s",
                           msg);
}

static struct hf_expr *oom_null(struct binder *b)
{
    hf_error_set(b->err, HF_ERR_NOMEM, "out of memory binding an expression");
    return NULL;
}

/* Give a new node its position and source text. */
static struct hf_expr *place(struct binder *b, struct hf_expr *e,
                             const struct hf_ast_expr *a)
{
    if (e == NULL)
        return NULL;
    e->line = a->line;
    e->col = a->col;
    e->file = b->sc->src ? b->sc->src->file : NULL;
    e->tz = b->sc->tz;
    if (e->src == NULL && b->sc->src && b->sc->src->text &&
        a->end <= b->sc->src->len && a->end > a->off) {
        e->src = strndup(b->sc->src->text + a->off, a->end - a->off);
        if (e->src == NULL) {
            hf_expr_free(e);
            return oom_null(b);
        }
    }
    return e;
}

/* ---- type derivation */

static int int_rank(enum hf_type_id id)
{
    switch (id) {
    case HF_TINYINT:
        return 1;
    case HF_SMALLINT:
        return 2;
    case HF_INT:
        return 3;
    case HF_BIGINT:
        return 4;
    default:
        return 0;
    }
}

/* An integer type seen as DECIMAL(p, 0). */
static struct hf_type int_as_decimal(enum hf_type_id id)
{
    struct hf_type t = hf_type_make(HF_DECIMAL);
    t.precision = id == HF_TINYINT    ? 3
                  : id == HF_SMALLINT ? 5
                  : id == HF_INT      ? 10
                                      : 19;
    t.scale = 0;
    return t;
}

static struct hf_type as_decimal(const struct hf_type *t)
{
    if (t->id == HF_DECIMAL)
        return *t;
    return int_as_decimal(t->id);
}

/* Cap DECIMAL(p, s) at 38 digits the way Flink does: keep the integer
 * digits, and at least min(s, 6) fraction digits. */
static struct hf_type decimal_adjust(int p, int s)
{
    struct hf_type t = hf_type_make(HF_DECIMAL);
    if (p > HF_DECIMAL_MAX_PRECISION) {
        int int_digits = p - s;
        int min_scale = s < 6 ? s : 6;
        int ns = HF_DECIMAL_MAX_PRECISION - int_digits;
        s = ns > min_scale ? ns : min_scale;
        p = HF_DECIMAL_MAX_PRECISION;
    }
    if (p < 1)
        p = 1;
    if (s > p)
        s = p;
    t.precision = (uint8_t)p;
    t.scale = (uint8_t)s;
    return t;
}

static int imax(int a, int b)
{
    return a > b ? a : b;
}

static int imin(int a, int b)
{
    return a < b ? a : b;
}

static struct hf_type arith_decimal(enum hf_xop op, const struct hf_type *a,
                                    const struct hf_type *b)
{
    int p1 = a->precision, s1 = a->scale, p2 = b->precision, s2 = b->scale;
    switch (op) {
    case HF_X_MUL:
        return decimal_adjust(p1 + p2 + 1, s1 + s2);
    case HF_X_DIV: {
        int s = imax(6, s1 + p2 + 1);
        return decimal_adjust(p1 - s1 + s2 + s, s);
    }
    case HF_X_MOD: {
        int s = imax(s1, s2);
        return decimal_adjust(imin(p1 - s1, p2 - s2) + s, s);
    }
    default: {
        int s = imax(s1, s2);
        return decimal_adjust(imax(p1 - s1, p2 - s2) + s + 1, s);
    }
    }
}

static bool common_type_t(const struct hf_type *a, const struct hf_type *b,
                          struct hf_type *out);

/* The common type of two nested types of one kind: child by child (ROW
 * fields by position, named as in a). */
static bool common_nested(const struct hf_type *a, const struct hf_type *b,
                          struct hf_type *out)
{
    uint32_t n = hf_type_arity(a);
    if (n != hf_type_arity(b) || n > 4096)
        return false;
    struct hf_type kids[n ? n : 1];
    const char *names[n ? n : 1];
    for (uint32_t i = 0; i < n; i++) {
        if (!common_type_t(hf_type_child(a, i), hf_type_child(b, i), &kids[i]))
            return false;
        names[i] = hf_type_field_name(a, i);
    }
    int rc;
    switch (a->id) {
    case HF_ARRAY:
        rc = hf_type_array(out, &kids[0]);
        break;
    case HF_MULTISET:
        rc = hf_type_multiset(out, &kids[0]);
        break;
    case HF_MAP:
        rc = hf_type_map(out, &kids[0], &kids[1]);
        break;
    default:
        rc = hf_type_row(out, n, names, kids);
        break;
    }
    return rc == 0;
}

/* The common type of two value types for CASE/COALESCE/IN results, or
 * false. NULL literals take the other side's type. */
static bool common_type(const struct hf_expr *x, const struct hf_expr *y,
                        struct hf_type *out)
{
    const struct hf_type *a = &x->type, *b = &y->type;
    if (x->null_lit) {
        *out = *b;
        out->not_null = false;
        return true;
    }
    if (y->null_lit) {
        *out = *a;
        out->not_null = false;
        return true;
    }
    return common_type_t(a, b, out);
}

static bool common_type_t(const struct hf_type *a, const struct hf_type *b,
                          struct hf_type *out)
{
    bool nn = a->not_null && b->not_null;
    if (a->id == b->id) {
        *out = *a;
        switch (a->id) {
        case HF_DECIMAL: {
            int s = imax(a->scale, b->scale);
            int ip = imax(a->precision - a->scale, b->precision - b->scale);
            *out = decimal_adjust(ip + s, s);
            break;
        }
        case HF_CHAR:
            if (a->length != b->length) {
                *out = hf_type_make(HF_VARCHAR);
                out->length = imax(a->length, b->length);
            }
            break;
        case HF_VARCHAR:
        case HF_BYTES:
            out->length = imax(a->length, b->length);
            break;
        case HF_TIME:
        case HF_TIMESTAMP:
        case HF_TIMESTAMP_LTZ:
            out->precision = (uint8_t)imax(a->precision, b->precision);
            break;
        case HF_ARRAY:
        case HF_MULTISET:
        case HF_MAP:
        case HF_ROW:
            if (!hf_type_equal(a, b) && !common_nested(a, b, out))
                return false;
            break;
        default:
            break;
        }
        out->not_null = nn;
        return true;
    }
    if (hf_type_is_numeric(a->id) && hf_type_is_numeric(b->id)) {
        if (hf_type_is_integer(a->id) && hf_type_is_integer(b->id)) {
            *out = hf_type_make(int_rank(a->id) >= int_rank(b->id) ? a->id
                                                                   : b->id);
        } else if (a->id == HF_DOUBLE || b->id == HF_DOUBLE ||
                   a->id == HF_FLOAT || b->id == HF_FLOAT) {
            *out = hf_type_make(HF_DOUBLE);
        } else {
            struct hf_type da = as_decimal(a), db = as_decimal(b);
            int s = imax(da.scale, db.scale);
            int ip = imax(da.precision - da.scale, db.precision - db.scale);
            *out = decimal_adjust(ip + s, s);
        }
        out->not_null = nn;
        return true;
    }
    if (hf_type_is_string(a->id) && hf_type_is_string(b->id)) {
        *out = hf_type_make(HF_VARCHAR);
        if ((a->id == HF_CHAR || a->id == HF_VARCHAR) &&
            (b->id == HF_CHAR || b->id == HF_VARCHAR))
            out->length = imax(a->length, b->length);
        out->not_null = nn;
        return true;
    }
    bool at =
        a->id == HF_DATE || a->id == HF_TIMESTAMP || a->id == HF_TIMESTAMP_LTZ;
    bool bt =
        b->id == HF_DATE || b->id == HF_TIMESTAMP || b->id == HF_TIMESTAMP_LTZ;
    if (at && bt) {
        enum hf_type_id id =
            (a->id == HF_TIMESTAMP_LTZ || b->id == HF_TIMESTAMP_LTZ)
                ? HF_TIMESTAMP_LTZ
                : HF_TIMESTAMP;
        *out = hf_type_make(id);
        int pa = a->id == HF_DATE ? 0 : a->precision;
        int pb = b->id == HF_DATE ? 0 : b->precision;
        out->precision = (uint8_t)imax(pa, pb);
        out->not_null = nn;
        return true;
    }
    return false;
}

bool hf_expr_type_common(const struct hf_type *a, bool a_null,
                         const struct hf_type *b, bool b_null,
                         struct hf_type *out)
{
    struct hf_expr x, y;
    memset(&x, 0, sizeof x);
    memset(&y, 0, sizeof y);
    x.type = *a;
    x.null_lit = a_null;
    y.type = *b;
    y.null_lit = b_null;
    return common_type(&x, &y, out);
}

/* ---- casts */

static bool same_type(const struct hf_type *a, const struct hf_type *b)
{
    if (a->id != b->id)
        return false;
    switch (a->id) {
    case HF_DECIMAL:
        return a->precision == b->precision && a->scale == b->scale;
    case HF_CHAR:
    case HF_VARCHAR:
    case HF_BYTES:
        return a->length == b->length;
    case HF_TIME:
    case HF_TIMESTAMP:
    case HF_TIMESTAMP_LTZ:
        return a->precision == b->precision;
    case HF_ARRAY:
    case HF_MULTISET:
    case HF_MAP:
    case HF_ROW:
        return hf_type_equal(a, b);
    default:
        return true;
    }
}

/* Evaluate a constant node (no column references). 0 or -1 with why. */
static int const_value(const struct hf_expr *e, struct hf_value *v, char *why,
                       size_t n)
{
    if (e->op == HF_X_LITERAL) {
        *v = e->lit;
        return 0;
    }
    snprintf(why, n, "not a constant");
    return -1;
}

/* Turn literal `e` into a literal of type `to`; the value text is copied
 * into the node. 0, or -1 with why. */
static int fold_literal(struct hf_expr *e, const struct hf_type *to,
                        bool explicit_cast, char *why, size_t n)
{
    struct hf_value in;
    if (const_value(e, &in, why, n) != 0)
        return -1;
    struct hf_value outv;
    memset(&outv, 0, sizeof outv);
    if (in.null) {
        outv.null = true;
    } else {
        struct hf_batch *tmp = hf_batch_new(1, 1);
        if (tmp == NULL) {
            snprintf(why, n, "out of memory");
            return -1;
        }
        int rc = hf_x_cast_value(&e->type, to, explicit_cast, &in, tmp, &outv,
                                 why, n, e->tz);
        char *buf = NULL;
        if (rc == 0 && !outv.null &&
            (hf_type_is_string(to->id) || to->id == HF_BYTES)) {
            buf = malloc(outv.v.s.len + 1);
            if (buf == NULL) {
                rc = -1;
                snprintf(why, n, "out of memory");
            } else {
                memcpy(buf, outv.v.s.ptr, outv.v.s.len);
                buf[outv.v.s.len] = '\0';
                outv.v.s.ptr = buf;
            }
        } else if (rc == 0 && to->id == HF_ARRAY) {
            rc = -1;
            snprintf(why, n, "array constants are not supported");
        }
        hf_batch_destroy(tmp);
        if (rc != 0)
            return -1;
        free(e->lit_buf);
        e->lit_buf = buf;
    }
    e->lit = outv;
    bool nn = !outv.null;
    e->type = *to;
    e->type.not_null = nn;
    e->null_lit = false;
    return 0;
}

/* Wrap e in a cast to `to` (no-op when the type already matches). Takes
 * ownership of e; NULL on out of memory (e freed). */
static struct hf_expr *cast_node(struct hf_expr *e, const struct hf_type *to,
                                 bool explicit_cast, bool try_cast)
{
    if (e->null_lit) {
        e->type = *to;
        e->type.not_null = false;
        e->null_lit = false;
        return e;
    }
    if (same_type(&e->type, to) && !explicit_cast)
        return e;
    struct hf_expr *c = hf_x_new(HF_X_CAST, 1);
    if (c == NULL) {
        hf_expr_free(e);
        return NULL;
    }
    c->args[0] = e;
    c->type = *to;
    c->type.not_null = e->type.not_null && !try_cast;
    c->explicit_cast = explicit_cast;
    c->try_cast = try_cast;
    c->line = e->line;
    c->col = e->col;
    c->file = e->file;
    c->tz = e->tz;
    return c;
}

/* Cast for a binder-internal conversion that cannot fail to be supported
 * (widening); sets the OOM error. */
static bool implicit_cast(struct binder *b, struct hf_expr **ep,
                          const struct hf_type *to)
{
    struct hf_type t = *to;
    t.not_null = (*ep)->type.not_null;
    struct hf_expr *c = cast_node(*ep, &t, false, false);
    *ep = c;
    if (c == NULL) {
        oom_null(b);
        return false;
    }
    return true;
}

/* A constructor ROW(...), ARRAY[...], MAP[...] takes a target type of its
 * kind by coercing each value to the target's child type (so ROW(1, NULL)
 * fits ROW<a BIGINT, b STRING> as Flink's implicit casts make it). 1 when
 * done, 0 when e is not such a constructor, -1/-2 as hf_expr_coerce. */
static int coerce_ctor(struct hf_expr *e, const struct hf_type *to, char *why,
                       size_t n)
{
    bool fits = (e->op == HF_X_ROW_CTOR && to->id == HF_ROW &&
                 hf_type_arity(to) == e->nargs) ||
                (e->op == HF_X_ARRAY_CTOR && to->id == HF_ARRAY) ||
                (e->op == HF_X_MAP_CTOR && to->id == HF_MAP);
    if (!fits)
        return 0;
    for (uint32_t i = 0; i < e->nargs; i++) {
        const struct hf_type *ct =
            hf_type_child(to, e->op == HF_X_ROW_CTOR   ? i
                              : e->op == HF_X_MAP_CTOR ? i % 2
                                                       : 0);
        int rc = hf_expr_coerce(&e->args[i], ct, why, n);
        if (rc != 0)
            return rc;
        if (ct->not_null && !e->args[i]->type.not_null) {
            char tn[64];
            snprintf(why, n, "a value that may be NULL cannot be part of %s",
                     hf_type_name(to, tn, sizeof tn));
            return -1;
        }
    }
    bool nn = e->type.not_null;
    e->type = *to;
    e->type.not_null = nn;
    return 1;
}

int hf_expr_coerce(struct hf_expr **ep, const struct hf_type *to, char *why,
                   size_t n)
{
    struct hf_expr *e = *ep;
    struct hf_type target = *to;
    target.not_null = false;
    if (n)
        why[0] = '\0';
    if (e->null_lit) {
        e->type = target;
        e->null_lit = false;
        return 0;
    }
    if (same_type(&e->type, to))
        return 0;
    int crc = coerce_ctor(e, to, why, n);
    if (crc != 0)
        return crc > 0 ? 0 : crc;
    if (e->op == HF_X_LITERAL && hf_x_cast_supported(&e->type, to)) {
        /* A constant: convert it now if its value fits. */
        struct hf_type keep = e->type;
        struct hf_value keepv = e->lit;
        char *keepbuf = e->lit_buf;
        e->lit_buf = NULL;
        if (fold_literal(e, &target, false, why, n) == 0) {
            free(keepbuf);
            return 0;
        }
        e->type = keep;
        e->lit = keepv;
        free(e->lit_buf);
        e->lit_buf = keepbuf;
        if (!hf_type_assignable(&e->type, to))
            return -1;
        if (n)
            why[0] = '\0';
    }
    if (!hf_type_assignable(&e->type, to))
        return -1;
    target.not_null = e->type.not_null;
    struct hf_expr *c = cast_node(e, &target, false, false);
    if (c == NULL) {
        *ep = NULL;
        snprintf(why, n, "out of memory");
        return -2;
    }
    *ep = c;
    return 0;
}

static int int_type_digits(enum hf_type_id id)
{
    return id == HF_TINYINT    ? 3
           : id == HF_SMALLINT ? 5
           : id == HF_INT      ? 10
                               : 19;
}

void hf_expr_value_bound(const struct hf_expr *e, const struct hf_type *to,
                         struct hf_type *out)
{
    *out = *to;
    out->not_null = false;
    if (e == NULL || e->null_lit)
        return;
    const struct hf_type *from = &e->type;
    switch (to->id) {
    case HF_DECIMAL: {
        /* An implicit cast rounds to the column's scale and fails on
         * overflow, so neither bound can be passed. */
        int digits, scale;
        if (from->id == HF_DECIMAL) {
            digits = from->precision - from->scale;
            scale = from->scale;
        } else if (hf_type_is_integer(from->id)) {
            digits = int_type_digits(from->id);
            scale = 0;
        } else {
            return;
        }
        int tdigits = to->precision - to->scale;
        if (digits > tdigits)
            digits = tdigits;
        if (scale > to->scale)
            scale = to->scale;
        if (digits + scale < 1)
            digits = 1;
        out->precision = (uint8_t)(digits + scale);
        out->scale = (uint8_t)scale;
        return;
    }
    case HF_TIME:
    case HF_TIMESTAMP:
    case HF_TIMESTAMP_LTZ:
        if ((from->id == HF_TIME || from->id == HF_TIMESTAMP ||
             from->id == HF_TIMESTAMP_LTZ) &&
            from->precision < to->precision)
            out->precision = from->precision;
        return;
    default:
        return;
    }
}

/* ---- leaves */

static bool ident_eq(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

static struct hf_expr *field_of(struct binder *b, const struct hf_ast_expr *a,
                                struct hf_expr *x, const char *name);

static struct hf_expr *bind_column(struct binder *b,
                                   const struct hf_ast_expr *a)
{
    const struct hf_bind_scope *sc = b->sc;
    if (sc->lookup) {
        int li = sc->lookup(sc->resolve_ctx, a->qual, a->text, a, b->err);
        if (li == -2) {
            /* q.f: field f of ROW column q. */
            li = sc->lookup(sc->resolve_ctx, NULL, a->qual, a, b->err);
            if (li >= 0 && sc->schema->cols[li].type.id != HF_ROW) {
                bind_err(b, a, HF_ERR_SQL,
                         "unknown table '%s' in '%s.%s' (column '%s' is no "
                         "ROW)",
                         a->qual, a->qual, a->text, a->qual);
                return NULL;
            }
            if (li < 0)
                return NULL;
            struct hf_expr *x =
                sc->resolve
                    ? sc->resolve(sc->resolve_ctx, (uint32_t)li, a, b->err)
                    : hf_expr_new_column(sc->schema, (uint32_t)li);
            if (x == NULL)
                return sc->resolve ? NULL : oom_null(b);
            if (!sc->resolve && place(b, x, a) == NULL)
                return NULL;
            return field_of(b, a, x, a->text);
        }
        if (li < 0)
            return NULL;
        if (sc->resolve)
            return sc->resolve(sc->resolve_ctx, (uint32_t)li, a, b->err);
        struct hf_expr *e = hf_expr_new_column(sc->schema, (uint32_t)li);
        if (e == NULL)
            return oom_null(b);
        return place(b, e, a);
    }
    if (a->qual) {
        bool ok = sc->alias ? ident_eq(a->qual, sc->alias)
                            : ident_eq(a->qual, sc->table);
        int rc = ok ? -1 : hf_schema_find(sc->schema, a->qual);
        if (rc >= 0 && sc->schema->cols[rc].type.id == HF_ROW) {
            /* r.f: field f of ROW column r (the name is not the table's). */
            struct hf_expr *x = hf_expr_new_column(sc->schema, (uint32_t)rc);
            if (x == NULL)
                return oom_null(b);
            if (place(b, x, a) == NULL)
                return NULL;
            return field_of(b, a, x, a->text);
        }
        if (!ok) {
            if (sc->alias)
                bind_err(b, a, HF_ERR_SQL,
                         "unknown table '%s' in '%s.%s'; the query reads '%s' "
                         "as '%s'",
                         a->qual, a->qual, a->text, sc->table, sc->alias);
            else
                bind_err(b, a, HF_ERR_SQL,
                         "unknown table '%s' in '%s.%s'; the query reads '%s'",
                         a->qual, a->qual, a->text, sc->table);
            return NULL;
        }
    }
    int idx = hf_schema_find(sc->schema, a->text);
    if (idx >= 0 && sc->resolve)
        return sc->resolve(sc->resolve_ctx, (uint32_t)idx, a, b->err);
    if (idx < 0) {
        const char *best = NULL;
        size_t bd = SIZE_MAX;
        char list[400];
        size_t off = 0;
        list[0] = '\0';
        for (uint32_t i = 0; i < sc->schema->ncols; i++) {
            const char *cn = sc->schema->cols[i].name;
            size_t d = strcasecmp(cn, a->text) == 0
                           ? 0
                           : hf_edit_distance(cn, a->text);
            if (d < bd) {
                bd = d;
                best = cn;
            }
            if (off < sizeof list) {
                int w = snprintf(list + off, sizeof list - off, "%s%s",
                                 i ? ", " : "", cn);
                if (w > 0)
                    off += (size_t)w;
            }
        }
        if (best && bd <= 2)
            bind_err(b, a, HF_ERR_SQL,
                     "unknown column '%s' in table '%s'; did you mean '%s'? "
                     "(column names are case-sensitive)",
                     a->text, sc->table, best);
        else
            bind_err(b, a, HF_ERR_SQL,
                     "unknown column '%s' in table '%s'; its columns are: %s",
                     a->text, sc->table, list);
        return NULL;
    }
    struct hf_expr *e = hf_expr_new_column(sc->schema, (uint32_t)idx);
    if (e == NULL)
        return oom_null(b);
    return place(b, e, a);
}

static struct hf_expr *new_literal(struct binder *b,
                                   const struct hf_ast_expr *a,
                                   const struct hf_type *t)
{
    struct hf_expr *e = hf_x_new(HF_X_LITERAL, 0);
    if (e == NULL)
        return oom_null(b);
    e->type = *t;
    e->type.not_null = true;
    return place(b, e, a);
}

static struct hf_expr *bind_int(struct binder *b, const struct hf_ast_expr *a)
{
    errno = 0;
    char *end;
    long long v = strtoll(a->text, &end, 10);
    if (errno == 0 && *end == '\0') {
        struct hf_type t =
            hf_type_make(v >= INT32_MIN && v <= INT32_MAX ? HF_INT : HF_BIGINT);
        struct hf_expr *e = new_literal(b, a, &t);
        if (e)
            e->lit.v.i = v;
        return e;
    }
    /* Beyond BIGINT: DECIMAL(p, 0) as Flink does. */
    size_t digits = 0;
    for (const char *c = a->text; *c; c++)
        if (isdigit((unsigned char)*c))
            digits++;
    if (digits > HF_DECIMAL_MAX_PRECISION) {
        bind_err(b, a, HF_ERR_SQL, "integer literal %s has more than 38 digits",
                 a->text);
        return NULL;
    }
    struct hf_type t = hf_type_make(HF_DECIMAL);
    t.precision = (uint8_t)digits;
    t.scale = 0;
    struct hf_expr *e = new_literal(b, a, &t);
    if (e && hf_dec_parse(a->text, strlen(a->text), t.precision, 0,
                          &e->lit.v.d) != 0) {
        hf_expr_free(e);
        bind_err(b, a, HF_ERR_SQL, "invalid number %s", a->text);
        return NULL;
    }
    return e;
}

static struct hf_expr *bind_decimal(struct binder *b,
                                    const struct hf_ast_expr *a)
{
    const char *s = a->text;
    if (*s == '-' || *s == '+')
        s++;
    int intd = 0, frac = 0;
    bool lead = true, dot = false;
    for (const char *c = s; *c; c++) {
        if (*c == '.') {
            dot = true;
            continue;
        }
        if (dot) {
            frac++;
        } else if (!(lead && *c == '0')) {
            lead = false;
            intd++;
        }
    }
    int p = intd + frac;
    if (p < 1)
        p = 1;
    if (p > HF_DECIMAL_MAX_PRECISION) {
        bind_err(b, a, HF_ERR_SQL,
                 "decimal literal %s has more than 38 digits; write it as a "
                 "DOUBLE (e.g. 1.5E10) or with fewer digits",
                 a->text);
        return NULL;
    }
    struct hf_type t = hf_type_make(HF_DECIMAL);
    t.precision = (uint8_t)p;
    t.scale = (uint8_t)frac;
    struct hf_expr *e = new_literal(b, a, &t);
    if (e &&
        hf_dec_parse(a->text, strlen(a->text), p, frac, &e->lit.v.d) != 0) {
        hf_expr_free(e);
        bind_err(b, a, HF_ERR_SQL, "invalid number %s", a->text);
        return NULL;
    }
    return e;
}

static struct hf_expr *bind_double(struct binder *b,
                                   const struct hf_ast_expr *a)
{
    char *end;
    errno = 0;
    double d = strtod(a->text, &end);
    if (*end != '\0' || errno == ERANGE) {
        bind_err(b, a, HF_ERR_SQL, "number %s is out of the range of DOUBLE",
                 a->text);
        return NULL;
    }
    struct hf_type t = hf_type_make(HF_DOUBLE);
    struct hf_expr *e = new_literal(b, a, &t);
    if (e)
        e->lit.v.f8 = d;
    return e;
}

static uint32_t utf8_chars(const char *s, size_t n)
{
    uint32_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            c++;
    return c;
}

static struct hf_expr *bind_string(struct binder *b,
                                   const struct hf_ast_expr *a)
{
    size_t len = strlen(a->text);
    struct hf_type t = hf_type_make(HF_CHAR);
    uint32_t chars = utf8_chars(a->text, len);
    if (chars == 0)
        t = hf_type_make(HF_VARCHAR);
    else
        t.length = (int32_t)chars;
    struct hf_expr *e = new_literal(b, a, &t);
    if (e == NULL)
        return NULL;
    e->lit_buf = strdup(a->text);
    if (e->lit_buf == NULL) {
        hf_expr_free(e);
        return oom_null(b);
    }
    e->lit.v.s.ptr = e->lit_buf;
    e->lit.v.s.len = (uint32_t)len;
    return e;
}

/* Fraction digits written in a TIME/TIMESTAMP literal. */
static int fraction_digits(const char *s)
{
    const char *dot = strrchr(s, '.');
    if (dot == NULL)
        return 0;
    int n = 0;
    for (const char *c = dot + 1; isdigit((unsigned char)*c); c++)
        n++;
    return n > 6 ? 6 : n;
}

static struct hf_expr *bind_typed_lit(struct binder *b,
                                      const struct hf_ast_expr *a)
{
    struct hf_type t = a->type;
    int64_t v;
    int rc;
    size_t len = strlen(a->text);
    switch (t.id) {
    case HF_DATE:
        rc = hf_date_parse(a->text, len, &v);
        break;
    case HF_TIME:
        rc = hf_time_parse(a->text, len, &v);
        t.precision = (uint8_t)fraction_digits(a->text);
        break;
    default:
        rc = hf_timestamp_parse(a->text, len, &v);
        t.precision = (uint8_t)fraction_digits(a->text);
        break;
    }
    if (rc != 0) {
        bind_err(b, a, HF_ERR_SQL, "invalid %s literal '%s'; expected %s",
                 t.id == HF_DATE   ? "DATE"
                 : t.id == HF_TIME ? "TIME"
                                   : "TIMESTAMP",
                 a->text,
                 t.id == HF_DATE   ? "'yyyy-MM-dd'"
                 : t.id == HF_TIME ? "'HH:mm:ss[.fff]'"
                                   : "'yyyy-MM-dd HH:mm:ss[.fff]'");
        return NULL;
    }
    struct hf_expr *e = new_literal(b, a, &t);
    if (e)
        e->lit.v.i = v;
    return e;
}

/* ---- composite nodes */

static struct hf_expr *bind(struct binder *b, const struct hf_ast_expr *a);

/* Bind all children of `a` into a new node of `op`; NULL on error. */
static struct hf_expr *bind_children(struct binder *b,
                                     const struct hf_ast_expr *a,
                                     enum hf_xop op, uint32_t from)
{
    struct hf_expr *e = hf_x_new(op, a->nargs - from);
    if (e == NULL)
        return oom_null(b);
    for (uint32_t i = from; i < a->nargs; i++) {
        e->args[i - from] = bind(b, a->args[i]);
        if (e->args[i - from] == NULL) {
            hf_expr_free(e);
            return NULL;
        }
    }
    return place(b, e, a);
}

static bool all_not_null(const struct hf_expr *e)
{
    for (uint32_t i = 0; i < e->nargs; i++)
        if (!e->args[i]->type.not_null || e->args[i]->null_lit)
            return false;
    return true;
}

/* A NULL literal operand takes the type `t`. */
static void type_null(struct hf_expr *x, const struct hf_type *t)
{
    if (x->null_lit) {
        x->type = *t;
        x->type.not_null = false;
        x->null_lit = false;
    }
}

static const char *aop_text(enum hf_ast_op op)
{
    switch (op) {
    case HF_AOP_ADD:
        return "+";
    case HF_AOP_SUB:
        return "-";
    case HF_AOP_MUL:
        return "*";
    case HF_AOP_DIV:
        return "/";
    case HF_AOP_MOD:
        return "%";
    case HF_AOP_CONCAT:
        return "||";
    case HF_AOP_EQ:
        return "=";
    case HF_AOP_NE:
        return "<>";
    case HF_AOP_LT:
        return "<";
    case HF_AOP_LE:
        return "<=";
    case HF_AOP_GT:
        return ">";
    case HF_AOP_GE:
        return ">=";
    case HF_AOP_AND:
        return "AND";
    case HF_AOP_OR:
        return "OR";
    case HF_AOP_NOT:
        return "NOT";
    case HF_AOP_NEG:
        return "-";
    default:
        return "?";
    }
}

static struct hf_expr *fail_free(struct hf_expr *e)
{
    hf_expr_free(e);
    return NULL;
}

/* ---- intervals */

static bool is_temporal(enum hf_type_id id);
static int unit_of(const char *w);

static bool is_interval(enum hf_type_id id)
{
    return id == HF_INTERVAL_YM || id == HF_INTERVAL_DT;
}

/* Read up to `max` digits at *p into *v; false when there are none. */
static int digit_count(int64_t v)
{
    int n = 1;
    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

static bool interval_digits(const char **p, int64_t *v, int max)
{
    int n = 0;
    int64_t x = 0;
    while (isdigit((unsigned char)**p) && n < max) {
        x = x * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    *v = x;
    return n > 0 && !isdigit((unsigned char)**p);
}

/* INTERVAL 'text' qual: Calcite's rules (the leading field has at most
 * its precision digits, 2 by default; later fields stay in range). */
static struct hf_expr *bind_interval(struct binder *b,
                                     const struct hf_ast_expr *a)
{
    char lead[16] = "", trail[16] = "";
    int prec = 2;
    const char *q = a->qual;
    /* A unit name too long for the buffers is no unit (cut, it could
     * spell one: SQL_TSI_QUARTERLY). */
    size_t k = strcspn(q, "( ");
    if (k < sizeof lead)
        memcpy(lead, q, k);
    lead[k < sizeof lead ? k : 0] = '\0';
    q += k;
    if (*q == '(') {
        char *pend;
        long v = strtol(q + 1, &pend, 10);
        /* out of range: refused below, not taken for the default 2 */
        prec = pend != q + 1 && v >= 0 && v <= 18 ? (int)v : -1;
        while (*q && *q != ')')
            q++;
        if (*q)
            q++;
    }
    bool to = strncmp(q, " TO ", 4) == 0;
    if (to && strlen(q + 4) < sizeof trail)
        memcpy(trail, q + 4, strlen(q + 4) + 1);
    int lu = unit_of(lead), tu = to ? unit_of(trail) : HF_TU_NONE;
    bool ok_range = (!to || tu != HF_TU_NONE) &&
        ((lu == HF_TU_YEAR && (tu == HF_TU_NONE || tu == HF_TU_MONTH)) ||
        (lu == HF_TU_MONTH && tu == HF_TU_NONE) ||
        (lu == HF_TU_DAY && (tu == HF_TU_NONE || tu == HF_TU_HOUR ||
                             tu == HF_TU_MINUTE || tu == HF_TU_SECOND)) ||
        (lu == HF_TU_HOUR &&
         (tu == HF_TU_NONE || tu == HF_TU_MINUTE || tu == HF_TU_SECOND)) ||
        (lu == HF_TU_MINUTE && (tu == HF_TU_NONE || tu == HF_TU_SECOND)) ||
        (lu == HF_TU_SECOND && tu == HF_TU_NONE));
    if (!ok_range) {
        bind_err(b, a, HF_ERR_SQL,
                 "unsupported interval qualifier %s; use YEAR, YEAR TO "
                 "MONTH, MONTH, DAY, DAY TO HOUR/MINUTE/SECOND, HOUR, HOUR TO "
                 "MINUTE/SECOND, MINUTE, MINUTE TO SECOND or SECOND",
                 a->qual);
        return NULL;
    }
    if (prec < 1 || prec > 10) {
        bind_err(b, a, HF_ERR_SQL,
                 "the precision of an interval's leading field is 1 to 10");
        return NULL;
    }
    const char *p = a->text;
    bool neg = a->negated;
    while (*p == ' ')
        p++;
    if (*p == '-' || *p == '+') {
        if (*p == '-')
            neg = !neg;
        p++;
    }
    /* The fields in order: the leading one, then those up to `tu`. */
    static const char seps[] = {0, ' ', ':', ':'};
    int first = lu == HF_TU_YEAR     ? -1
                : lu == HF_TU_MONTH  ? -2
                : lu == HF_TU_DAY    ? 0
                : lu == HF_TU_HOUR   ? 1
                : lu == HF_TU_MINUTE ? 2
                                     : 3;
    int last = tu == HF_TU_NONE     ? first
               : tu == HF_TU_MONTH  ? -2
               : tu == HF_TU_HOUR   ? 1
               : tu == HF_TU_MINUTE ? 2
                                    : 3;
    int64_t v[4] = {0, 0, 0, 0}, frac = 0, years = 0, months = 0;
    bool bad = false, too_long = false;
    if (first < 0) {
        int64_t x;
        bad = !interval_digits(&p, &x, 10);
        too_long = !bad && digit_count(x) > prec;
        if (first == -1)
            years = x;
        else
            months = x;
        if (!bad && last == -2 && first == -1) {
            bad =
                *p++ != '-' || !interval_digits(&p, &months, 2) || months > 11;
        }
    } else {
        for (int f = first; f <= last && !bad; f++) {
            if (f > first && *p++ != seps[f]) {
                bad = true;
                break;
            }
            bad = !interval_digits(&p, &v[f], f == first ? 10 : 2);
            if (!bad && f == first && digit_count(v[f]) > prec)
                too_long = true;
            if (!bad && f > first)
                bad = (f == 1 && v[f] > 23) || (f >= 2 && v[f] > 59);
        }
        if (!bad && last == 3 && *p == '.') {
            p++;
            int nd = 0;
            while (isdigit((unsigned char)*p)) {
                if (nd < 6)
                    frac = frac * 10 + (*p - '0');
                nd++;
                p++;
            }
            for (int z = nd; z < 6; z++)
                frac *= 10;
            bad = nd == 0;
        }
    }
    if (bad || *p != '\0') {
        bind_err(b, a, HF_ERR_SQL,
                 "invalid interval '%s' for %s; e.g. INTERVAL '10' DAY, "
                 "INTERVAL '1 02:03:04.5' DAY TO SECOND, INTERVAL '2-10' YEAR "
                 "TO MONTH",
                 a->text, a->qual);
        return NULL;
    }
    if (too_long) {
        bind_err(b, a, HF_ERR_SQL,
                 "interval field value in '%s' exceeds precision of %s(%d) "
                 "field; write %s(%d)",
                 a->text, lead, prec, lead, prec + 1 > 10 ? 10 : prec + 1);
        return NULL;
    }
    struct hf_type t =
        hf_type_make(first < 0 ? HF_INTERVAL_YM : HF_INTERVAL_DT);
    struct hf_expr *e = new_literal(b, a, &t);
    if (e == NULL)
        return NULL;
    int64_t val;
    if (first < 0)
        val = years * 12 + months;
    else
        val = (((v[0] * 24 + v[1]) * 60 + v[2]) * 60 + v[3]) * HF_USEC_PER_SEC +
              frac;
    e->lit.v.i = neg ? -val : val;
    return e;
}

/* Arithmetic with an interval operand: timepoint +/- interval, interval
 * +/- interval, interval * integer. */
static struct hf_expr *type_interval_arith(struct binder *b,
                                           const struct hf_ast_expr *a,
                                           struct hf_expr *e,
                                           const char *optext)
{
    struct hf_expr *x = e->args[0], *y = e->args[1];
    enum hf_type_id xi = x->type.id, yi = y->type.id;
    char t1[64], t2[64];
    bool nn = x->type.not_null && y->type.not_null;
    if ((e->op == HF_X_ADD || e->op == HF_X_SUB) && is_interval(yi) &&
        is_temporal(xi)) {
        e->op = HF_X_FUNC;
        e->fn = HF_FN_PLUS_INTERVAL;
        e->negated = strcmp(optext, "-") == 0;
        e->type = x->type;
        e->type.not_null = nn;
        return e;
    }
    if (e->op == HF_X_ADD && is_interval(xi) && is_temporal(yi)) {
        e->args[0] = y;
        e->args[1] = x;
        e->op = HF_X_FUNC;
        e->fn = HF_FN_PLUS_INTERVAL;
        e->type = y->type;
        e->type.not_null = nn;
        return e;
    }
    if ((e->op == HF_X_ADD || e->op == HF_X_SUB) && xi == yi) {
        e->type = x->type;
        e->type.not_null = nn;
        return e;
    }
    if (e->op == HF_X_MUL && (is_interval(xi) != is_interval(yi))) {
        if (!is_interval(xi)) {
            e->args[0] = y;
            e->args[1] = x;
        }
        struct hf_type bt = hf_type_make(HF_BIGINT);
        type_null(e->args[1], &bt);
        if (hf_type_is_integer(e->args[1]->type.id)) {
            e->op = HF_X_FUNC;
            e->fn = HF_FN_INTERVAL_MUL;
            e->type = e->args[0]->type;
            e->type.not_null = nn;
            return e;
        }
    }
    bind_err(b, a, HF_ERR_TYPE, "cannot apply '%s' to %s and %s", optext,
             hf_type_name(&x->type, t1, sizeof t1),
             hf_type_name(&y->type, t2, sizeof t2));
    return fail_free(e);
}

/* Arithmetic: operands are cast to the computation family. */
static struct hf_expr *type_arith(struct binder *b, const struct hf_ast_expr *a,
                                  struct hf_expr *e, const char *optext)
{
    struct hf_expr **x = &e->args[0], **y = &e->args[1];
    if ((*x)->null_lit && (*y)->null_lit) {
        struct hf_type it = hf_type_make(HF_INT);
        type_null(*x, &it);
        type_null(*y, &it);
    }
    type_null(*x, &(*y)->type);
    type_null(*y, &(*x)->type);
    const struct hf_type *ta = &(*x)->type, *tb = &(*y)->type;
    if (is_interval(ta->id) || is_interval(tb->id))
        return type_interval_arith(b, a, e, optext);
    if (!hf_type_is_numeric(ta->id) || !hf_type_is_numeric(tb->id)) {
        char t1[64], t2[64];
        bind_err(b, a, HF_ERR_TYPE,
                 "cannot apply '%s' to %s and %s; arithmetic needs numeric "
                 "operands (add a CAST)",
                 optext, hf_type_name(ta, t1, sizeof t1),
                 hf_type_name(tb, t2, sizeof t2));
        return fail_free(e);
    }
    bool nn = ta->not_null && tb->not_null;
    if (hf_type_is_integer(ta->id) && hf_type_is_integer(tb->id)) {
        e->type = hf_type_make(int_rank(ta->id) >= int_rank(tb->id) ? ta->id
                                                                    : tb->id);
    } else if (ta->id == HF_DOUBLE || tb->id == HF_DOUBLE ||
               ta->id == HF_FLOAT || tb->id == HF_FLOAT) {
        bool f4 = (ta->id == HF_FLOAT || hf_type_is_integer(ta->id)) &&
                  (tb->id == HF_FLOAT || hf_type_is_integer(tb->id));
        e->type = hf_type_make(f4 ? HF_FLOAT : HF_DOUBLE);
        struct hf_type dt = hf_type_make(HF_DOUBLE);
        if (!implicit_cast(b, x, &dt) || !implicit_cast(b, y, &dt))
            return fail_free(e);
    } else {
        struct hf_type da = as_decimal(ta), db = as_decimal(tb);
        e->type = arith_decimal(e->op, &da, &db);
        if (!implicit_cast(b, x, &da) || !implicit_cast(b, y, &db))
            return fail_free(e);
    }
    e->type.not_null = nn;
    return e;
}

/* Two operands of a nested type compared for equality: cast to their
 * common type. False with the error set. */
static bool nested_operands(struct binder *b, const struct hf_ast_expr *a,
                            struct hf_expr **x, struct hf_expr **y)
{
    struct hf_type ct;
    if ((*x)->type.id != (*y)->type.id ||
        !common_type_t(&(*x)->type, &(*y)->type, &ct)) {
        char t1[200], t2[200];
        bind_err(b, a, HF_ERR_TYPE, "cannot compare %s with %s; add a CAST",
                 hf_type_name(&(*x)->type, t1, sizeof t1),
                 hf_type_name(&(*y)->type, t2, sizeof t2));
        return false;
    }
    return implicit_cast(b, x, &ct) && implicit_cast(b, y, &ct);
}

static struct hf_expr *bind_binary(struct binder *b,
                                   const struct hf_ast_expr *a)
{
    enum hf_xop op;
    switch (a->op) {
    case HF_AOP_ADD:
        op = HF_X_ADD;
        break;
    case HF_AOP_SUB:
        op = HF_X_SUB;
        break;
    case HF_AOP_MUL:
        op = HF_X_MUL;
        break;
    case HF_AOP_DIV:
        op = HF_X_DIV;
        break;
    case HF_AOP_MOD:
        op = HF_X_MOD;
        break;
    case HF_AOP_CONCAT:
        op = HF_X_CONCAT;
        break;
    case HF_AOP_EQ:
        op = HF_X_EQ;
        break;
    case HF_AOP_NE:
        op = HF_X_NE;
        break;
    case HF_AOP_LT:
        op = HF_X_LT;
        break;
    case HF_AOP_LE:
        op = HF_X_LE;
        break;
    case HF_AOP_GT:
        op = HF_X_GT;
        break;
    case HF_AOP_GE:
        op = HF_X_GE;
        break;
    case HF_AOP_AND:
        op = HF_X_AND;
        break;
    default:
        op = HF_X_OR;
        break;
    }
    struct hf_expr *e = bind_children(b, a, op, 0);
    if (e == NULL)
        return NULL;
    struct hf_expr **x = &e->args[0], **y = &e->args[1];
    char t1[64], t2[64];
    switch (op) {
    case HF_X_ADD:
    case HF_X_SUB:
    case HF_X_MUL:
    case HF_X_DIV:
    case HF_X_MOD:
        return type_arith(b, a, e, aop_text(a->op));
    case HF_X_CONCAT: {
        struct hf_type st = hf_type_make(HF_VARCHAR);
        for (int k = 0; k < 2; k++) {
            struct hf_expr **z = k ? y : x;
            type_null(*z, &st);
            if ((*z)->type.id == HF_ARRAY || (*z)->type.id == HF_BYTES) {
                bind_err(b, a, HF_ERR_TYPE,
                         "cannot apply '||' to %s; CAST it to STRING first",
                         hf_type_name(&(*z)->type, t1, sizeof t1));
                return fail_free(e);
            }
            if (!hf_type_is_string((*z)->type.id) && !implicit_cast(b, z, &st))
                return fail_free(e);
        }
        e->type = st;
        e->type.not_null = all_not_null(e);
        return e;
    }
    case HF_X_AND:
    case HF_X_OR: {
        struct hf_type bt = hf_type_make(HF_BOOLEAN);
        for (int k = 0; k < 2; k++) {
            struct hf_expr *z = k ? *y : *x;
            type_null(z, &bt);
            if (z->type.id != HF_BOOLEAN) {
                bind_err(b, a, HF_ERR_TYPE,
                         "%s needs BOOLEAN operands, found %s", aop_text(a->op),
                         hf_type_name(&z->type, t1, sizeof t1));
                return fail_free(e);
            }
        }
        e->type = bt;
        e->type.not_null = all_not_null(e);
        return e;
    }
    default:
        break;
    }
    /* Comparisons. A string literal compared with a typed value is read as
     * that type (ts > '2024-01-01 00:00:00'). */
    for (int k = 0; k < 2; k++) {
        struct hf_expr *lit = k ? *y : *x, *other = k ? *x : *y;
        if (lit->op == HF_X_LITERAL && !lit->null_lit && !lit->lit.null &&
            hf_type_is_string(lit->type.id) &&
            !hf_type_is_string(other->type.id) && !other->null_lit &&
            hf_x_cast_supported(&lit->type, &other->type)) {
            char why[256];
            if (fold_literal(lit, &other->type, false, why, sizeof why) != 0) {
                bind_err(b, a->args[k], HF_ERR_TYPE,
                         "cannot compare %s with the string %s: %s",
                         hf_type_name(&other->type, t1, sizeof t1),
                         lit->src ? lit->src : "literal", why);
                return fail_free(e);
            }
        }
    }
    type_null(*x, &(*y)->type);
    type_null(*y, &(*x)->type);
    if ((*x)->null_lit) {
        struct hf_type it = hf_type_make(HF_INT);
        type_null(*x, &it);
        type_null(*y, &it);
    }
    if (hf_type_is_nested((*x)->type.id) || hf_type_is_nested((*y)->type.id)) {
        /* Nested values compare for equality only, value by value. */
        if (e->op != HF_X_EQ && e->op != HF_X_NE) {
            bind_err(b, a, HF_ERR_TYPE,
                     "%s values compare only with = and <>, not %s",
                     hf_type_name(&(*x)->type, t1, sizeof t1),
                     aop_text(a->op));
            return fail_free(e);
        }
        if (!nested_operands(b, a, x, y))
            return fail_free(e);
        e->type = hf_type_make(HF_BOOLEAN);
        e->type.not_null = all_not_null(e);
        return e;
    }
    if (!hf_x_comparable(&(*x)->type, &(*y)->type)) {
        bind_err(b, a, HF_ERR_TYPE, "cannot compare %s with %s; add a CAST",
                 hf_type_name(&(*x)->type, t1, sizeof t1),
                 hf_type_name(&(*y)->type, t2, sizeof t2));
        return fail_free(e);
    }
    /* TIMESTAMP or DATE against TIMESTAMP_LTZ: as instants of the session
     * time zone. */
    for (int k = 0; k < 2; k++) {
        struct hf_expr **z = k ? y : x, *o = k ? *x : *y;
        if (o->type.id == HF_TIMESTAMP_LTZ &&
            ((*z)->type.id == HF_TIMESTAMP || (*z)->type.id == HF_DATE)) {
            struct hf_type lt = o->type;
            if (!implicit_cast(b, z, &lt))
                return fail_free(e);
        }
    }
    e->type = hf_type_make(HF_BOOLEAN);
    e->type.not_null = all_not_null(e);
    return e;
}

static struct hf_expr *bind_unary(struct binder *b, const struct hf_ast_expr *a)
{
    if (a->op == HF_AOP_PLUS) {
        struct hf_expr *x = bind(b, a->args[0]);
        if (x && !x->null_lit && !hf_type_is_numeric(x->type.id)) {
            char t1[64];
            bind_err(b, a, HF_ERR_TYPE, "unary '+' needs a number, found %s",
                     hf_type_name(&x->type, t1, sizeof t1));
            return fail_free(x);
        }
        return x;
    }
    struct hf_expr *e =
        bind_children(b, a, a->op == HF_AOP_NOT ? HF_X_NOT : HF_X_NEG, 0);
    if (e == NULL)
        return NULL;
    struct hf_expr *x = e->args[0];
    char t1[64];
    if (e->op == HF_X_NOT) {
        struct hf_type bt = hf_type_make(HF_BOOLEAN);
        type_null(x, &bt);
        if (x->type.id != HF_BOOLEAN) {
            bind_err(b, a, HF_ERR_TYPE, "NOT needs a BOOLEAN, found %s",
                     hf_type_name(&x->type, t1, sizeof t1));
            return fail_free(e);
        }
        e->type = bt;
        e->type.not_null = x->type.not_null;
        return e;
    }
    struct hf_type it = hf_type_make(HF_INT);
    type_null(x, &it);
    if (!hf_type_is_numeric(x->type.id) && !is_interval(x->type.id)) {
        bind_err(b, a, HF_ERR_TYPE, "unary '-' needs a number, found %s",
                 hf_type_name(&x->type, t1, sizeof t1));
        return fail_free(e);
    }
    e->type = x->type;
    return e;
}

static struct hf_expr *bind_distinct(struct binder *b,
                                     const struct hf_ast_expr *a)
{
    struct hf_expr *e = bind_children(b, a, HF_X_DISTINCT, 0);
    if (e == NULL)
        return NULL;
    e->negated = a->negated;
    struct hf_expr *x = e->args[0], *y = e->args[1];
    type_null(x, &y->type);
    type_null(y, &x->type);
    if (x->null_lit) {
        struct hf_type it = hf_type_make(HF_INT);
        type_null(x, &it);
        type_null(y, &it);
    }
    if (hf_type_is_nested(x->type.id) || hf_type_is_nested(y->type.id)) {
        if (!nested_operands(b, a, &e->args[0], &e->args[1]))
            return fail_free(e);
    } else if (!hf_x_comparable(&x->type, &y->type)) {
        char t1[64], t2[64];
        bind_err(b, a, HF_ERR_TYPE, "cannot compare %s with %s; add a CAST",
                 hf_type_name(&x->type, t1, sizeof t1),
                 hf_type_name(&y->type, t2, sizeof t2));
        return fail_free(e);
    }
    e->type = hf_type_make(HF_BOOLEAN);
    e->type.not_null = true;
    return e;
}

static struct hf_expr *bind_is(struct binder *b, const struct hf_ast_expr *a)
{
    if (a->is == HF_AIS_DISTINCT)
        return bind_distinct(b, a);
    enum hf_xop op = a->is == HF_AIS_NULL || a->is == HF_AIS_UNKNOWN
                         ? HF_X_IS_NULL
                     : a->is == HF_AIS_TRUE ? HF_X_IS_TRUE
                                            : HF_X_IS_FALSE;
    struct hf_expr *e = bind_children(b, a, op, 0);
    if (e == NULL)
        return NULL;
    e->negated = a->negated;
    e->symmetric = op == HF_X_BETWEEN && a->b;
    struct hf_expr *x = e->args[0];
    if (a->is != HF_AIS_NULL) {
        struct hf_type bt = hf_type_make(HF_BOOLEAN);
        type_null(x, &bt);
        if (x->type.id != HF_BOOLEAN) {
            char t1[64];
            bind_err(b, a, HF_ERR_TYPE,
                     "IS TRUE/FALSE/UNKNOWN needs a BOOLEAN, found %s",
                     hf_type_name(&x->type, t1, sizeof t1));
            return fail_free(e);
        }
    } else if (x->null_lit) {
        struct hf_type it = hf_type_make(HF_INT);
        type_null(x, &it);
    }
    e->type = hf_type_make(HF_BOOLEAN);
    e->type.not_null = true;
    return e;
}

/* Children 0..n-1 must all compare with child 0 (IN, BETWEEN). */
static struct hf_expr *
bind_compare_list(struct binder *b, const struct hf_ast_expr *a, enum hf_xop op)
{
    struct hf_expr *e = bind_children(b, a, op, 0);
    if (e == NULL)
        return NULL;
    e->negated = a->negated;
    e->symmetric = op == HF_X_BETWEEN && a->b;
    struct hf_expr *x = e->args[0];
    /* Give NULL literals a type, and read string literals as x's type. */
    for (uint32_t i = 1; i < e->nargs; i++)
        if (x->null_lit && !e->args[i]->null_lit)
            type_null(x, &e->args[i]->type);
    if (x->null_lit) {
        struct hf_type it = hf_type_make(HF_INT);
        type_null(x, &it);
    }
    for (uint32_t i = 1; i < e->nargs; i++) {
        struct hf_expr *y = e->args[i];
        type_null(y, &x->type);
        char t1[64], t2[64];
        if (y->op == HF_X_LITERAL && !y->lit.null &&
            hf_type_is_string(y->type.id) && !hf_type_is_string(x->type.id) &&
            hf_x_cast_supported(&y->type, &x->type)) {
            char why[256];
            if (fold_literal(y, &x->type, false, why, sizeof why) != 0) {
                bind_err(b, a->args[i], HF_ERR_TYPE, "%s", why);
                return fail_free(e);
            }
        }
        if (!hf_x_comparable(&x->type, &y->type)) {
            bind_err(b, a->args[i], HF_ERR_TYPE,
                     "cannot compare %s with %s; add a CAST",
                     hf_type_name(&x->type, t1, sizeof t1),
                     hf_type_name(&y->type, t2, sizeof t2));
            return fail_free(e);
        }
    }
    e->type = hf_type_make(HF_BOOLEAN);
    e->type.not_null = all_not_null(e);
    return e;
}

static struct hf_expr *bind_like(struct binder *b, const struct hf_ast_expr *a)
{
    struct hf_expr *e = hf_x_new(HF_X_LIKE, 2);
    if (e == NULL)
        return oom_null(b);
    place(b, e, a);
    e->negated = a->negated;
    struct hf_type st = hf_type_make(HF_VARCHAR);
    for (int k = 0; k < 2; k++) {
        e->args[k] = bind(b, a->args[k]);
        if (e->args[k] == NULL)
            return fail_free(e);
        type_null(e->args[k], &st);
        if (!hf_type_is_string(e->args[k]->type.id)) {
            char t1[64];
            bind_err(b, a->args[k], HF_ERR_TYPE, "LIKE needs strings, found %s",
                     hf_type_name(&e->args[k]->type, t1, sizeof t1));
            return fail_free(e);
        }
    }
    if (a->nargs > 2) {
        const struct hf_ast_expr *esc = a->args[2];
        if (esc->kind != HF_AST_STRING || strlen(esc->text) != 1) {
            bind_err(
                b, esc, HF_ERR_SQL,
                "ESCAPE needs a string of one character, e.g. ESCAPE '\\'");
            return fail_free(e);
        }
        e->esc = esc->text[0];
    }
    e->similar = a->text && strcmp(a->text, "SIMILAR") == 0;
    if (e->similar && a->args[1]->kind == HF_AST_STRING) {
        char why[300];
        const char *pat = a->args[1]->text;
        if (hf_x_regex_compile(e, pat, strlen(pat), true, e->esc, why,
                               sizeof why) != 0) {
            bind_err(b, a->args[1], HF_ERR_SQL,
                     "bad SIMILAR TO pattern '%s': %s", pat, why);
            return fail_free(e);
        }
    }
    e->type = hf_type_make(HF_BOOLEAN);
    e->type.not_null = all_not_null(e);
    return e;
}

static struct hf_expr *bind_cast(struct binder *b, const struct hf_ast_expr *a)
{
    struct hf_expr *x = bind(b, a->args[0]);
    if (x == NULL)
        return NULL;
    char t1[64], t2[64];
    struct hf_type to = a->type;
    if (x->null_lit) {
        x->type = to;
        x->type.not_null = false;
        x->null_lit = false;
        return x;
    }
    if (!hf_x_cast_supported(&x->type, &to)) {
        const char *hint = "";
        if ((x->type.id == HF_TIMESTAMP || x->type.id == HF_TIMESTAMP_LTZ) &&
            hf_type_is_numeric(to.id))
            hint = "; use UNIX_TIMESTAMP(CAST(ts AS STRING)) for epoch seconds";
        else if (hf_type_is_numeric(x->type.id) &&
                 (to.id == HF_TIMESTAMP || to.id == HF_TIMESTAMP_LTZ))
            hint = "; use TO_TIMESTAMP_LTZ(epoch, 3) for epoch milliseconds";
        bind_err(b, a, HF_ERR_TYPE, "cannot CAST %s to %s%s",
                 hf_type_name(&x->type, t1, sizeof t1),
                 hf_type_name(&to, t2, sizeof t2), hint);
        return fail_free(x);
    }
    if (x->op == HF_X_LITERAL) {
        char why[256];
        if (fold_literal(x, &to, true, why, sizeof why) == 0) {
            free(x->src);
            x->src = NULL;
            return place(b, x, a);
        }
        if (a->try_cast) {
            hf_expr_free(x);
            struct hf_expr *n = hf_expr_new_null(&to);
            if (n == NULL)
                return oom_null(b);
            return place(b, n, a);
        }
        bind_err(b, a, HF_ERR_TYPE, "%s", why);
        return fail_free(x);
    }
    to.not_null = x->type.not_null && !a->try_cast;
    struct hf_expr *c = hf_x_new(HF_X_CAST, 1);
    if (c == NULL) {
        hf_expr_free(x);
        return oom_null(b);
    }
    c->args[0] = x;
    c->type = to;
    c->explicit_cast = true;
    c->try_cast = a->try_cast;
    return place(b, c, a);
}

/* Cast children [from, nargs) of e to their common type (*out). */
static bool unify(struct binder *b, const struct hf_ast_expr *a,
                  struct hf_expr *e, uint32_t from, struct hf_type *out)
{
    bool have = false;
    struct hf_type t = hf_type_make(HF_INT);
    for (uint32_t i = from; i < e->nargs; i++) {
        struct hf_expr *x = e->args[i];
        if (x->null_lit)
            continue;
        if (!have) {
            t = x->type;
            have = true;
            continue;
        }
        struct hf_expr cur;
        memset(&cur, 0, sizeof cur);
        cur.type = t;
        struct hf_type nt;
        if (!common_type(&cur, x, &nt)) {
            char t1[64], t2[64];
            bind_err(b, a, HF_ERR_TYPE,
                     "values of types %s and %s cannot be combined here; add "
                     "a CAST",
                     hf_type_name(&t, t1, sizeof t1),
                     hf_type_name(&x->type, t2, sizeof t2));
            return false;
        }
        t = nt;
    }
    t.not_null = false;
    for (uint32_t i = from; i < e->nargs; i++) {
        struct hf_expr *x = e->args[i];
        if (x->null_lit) {
            type_null(x, &t);
            continue;
        }
        struct hf_type to = t;
        to.not_null = x->type.not_null;
        if (!same_type(&x->type, &to)) {
            struct hf_expr *c = cast_node(x, &to, false, false);
            e->args[i] = c;
            if (c == NULL) {
                oom_null(b);
                return false;
            }
        }
    }
    *out = t;
    return true;
}

static struct hf_expr *bind_case(struct binder *b, const struct hf_ast_expr *a)
{
    struct hf_expr *e = bind_children(b, a, HF_X_CASE, 0);
    if (e == NULL)
        return NULL;
    e->has_operand = a->has_operand;
    e->has_else = a->has_else;
    uint32_t first = a->has_operand ? 1 : 0;
    uint32_t wend = e->nargs - (a->has_else ? 1 : 0);
    struct hf_type bt = hf_type_make(HF_BOOLEAN);
    for (uint32_t i = first; i < wend; i += 2) {
        struct hf_expr *w = e->args[i];
        if (a->has_operand) {
            struct hf_expr *x = e->args[0];
            type_null(w, &x->type);
            type_null(x, &w->type);
            if (!hf_x_comparable(&x->type, &w->type)) {
                char t1[64], t2[64];
                bind_err(b, a->args[i], HF_ERR_TYPE,
                         "cannot compare %s with %s; add a CAST",
                         hf_type_name(&x->type, t1, sizeof t1),
                         hf_type_name(&w->type, t2, sizeof t2));
                return fail_free(e);
            }
        } else {
            type_null(w, &bt);
            if (w->type.id != HF_BOOLEAN) {
                char t1[64];
                bind_err(b, a->args[i], HF_ERR_TYPE,
                         "WHEN needs a BOOLEAN condition, found %s",
                         hf_type_name(&w->type, t1, sizeof t1));
                return fail_free(e);
            }
        }
    }
    if (a->has_operand && e->args[0]->null_lit) {
        struct hf_type it = hf_type_make(HF_INT);
        type_null(e->args[0], &it);
    }
    /* Results: THENs and ELSE. Collect them in a temporary node. */
    uint32_t nres = (wend - first) / 2 + (a->has_else ? 1 : 0);
    struct hf_expr tmp;
    memset(&tmp, 0, sizeof tmp);
    struct hf_expr *res[nres ? nres : 1];
    uint32_t k = 0;
    for (uint32_t i = first + 1; i < wend; i += 2)
        res[k++] = e->args[i];
    if (a->has_else)
        res[k++] = e->args[e->nargs - 1];
    tmp.args = res;
    tmp.nargs = k;
    struct hf_type t;
    if (!unify(b, a, &tmp, 0, &t))
        return fail_free(e);
    k = 0;
    bool nn = a->has_else;
    for (uint32_t i = first + 1; i < wend; i += 2) {
        e->args[i] = res[k++];
        nn = nn && e->args[i]->type.not_null;
    }
    if (a->has_else) {
        e->args[e->nargs - 1] = res[k++];
        nn = nn && e->args[e->nargs - 1]->type.not_null;
    }
    e->type = t;
    e->type.not_null = nn;
    return e;
}

/* ---- functions */

static const char *const aggregates[] = {
    "COUNT",       "SUM",        "MIN",      "MAX",     "AVG",
    "FIRST_VALUE", "LAST_VALUE", "LISTAGG",  "COLLECT", "STDDEV_POP",
    "STDDEV_SAMP", "VAR_POP",    "VAR_SAMP", NULL};

/* Require child i to be (or become) a string; non-strings other than
 * BYTES/ARRAY are cast to STRING when `lenient`. */
static bool want_string(struct binder *b, const struct hf_ast_expr *a,
                        struct hf_expr *e, uint32_t i, bool lenient)
{
    struct hf_type st = hf_type_make(HF_VARCHAR);
    struct hf_expr **z = &e->args[i];
    type_null(*z, &st);
    if (hf_type_is_string((*z)->type.id))
        return true;
    if (lenient && !hf_type_is_nested((*z)->type.id) &&
        (*z)->type.id != HF_BYTES)
        return implicit_cast(b, z, &st);
    char t1[64];
    bind_err(b, a, HF_ERR_TYPE, "%s needs a string as argument %u, found %s",
             a->text, i + 1, hf_type_name(&(*z)->type, t1, sizeof t1));
    return false;
}

static bool want_numeric(struct binder *b, const struct hf_ast_expr *a,
                         struct hf_expr *e, uint32_t i, bool integer)
{
    struct hf_type it = hf_type_make(integer ? HF_BIGINT : HF_INT);
    type_null(e->args[i], &it);
    enum hf_type_id id = e->args[i]->type.id;
    if (integer ? hf_type_is_integer(id) : hf_type_is_numeric(id))
        return true;
    char t1[64];
    bind_err(b, a, HF_ERR_TYPE, "%s needs %s as argument %u, found %s", a->text,
             integer ? "an integer" : "a number", i + 1,
             hf_type_name(&e->args[i]->type, t1, sizeof t1));
    return false;
}

/* Child i as DOUBLE (numeric arguments of the DOUBLE functions). */
static bool want_double(struct binder *b, const struct hf_ast_expr *a,
                        struct hf_expr *e, uint32_t i)
{
    if (!want_numeric(b, a, e, i, false))
        return false;
    struct hf_type dt = hf_type_make(HF_DOUBLE);
    return implicit_cast(b, &e->args[i], &dt);
}

static bool is_temporal(enum hf_type_id id)
{
    return id == HF_DATE || id == HF_TIME || id == HF_TIMESTAMP ||
           id == HF_TIMESTAMP_LTZ;
}

static bool want_temporal(struct binder *b, const struct hf_ast_expr *a,
                          struct hf_expr *e, uint32_t i, bool time_ok)
{
    struct hf_type tt = hf_type_make(HF_TIMESTAMP);
    type_null(e->args[i], &tt);
    enum hf_type_id id = e->args[i]->type.id;
    if (is_temporal(id) && (time_ok || id != HF_TIME))
        return true;
    char t1[64];
    bind_err(b, a, HF_ERR_TYPE,
             "%s needs a DATE, %sTIMESTAMP or TIMESTAMP_LTZ as argument %u, "
             "found %s",
             a->text, time_ok ? "TIME, " : "", i + 1,
             hf_type_name(&e->args[i]->type, t1, sizeof t1));
    return false;
}

/* A constant format argument, compiled. */
static bool want_format(struct binder *b, const struct hf_ast_expr *a,
                        struct hf_expr *e, uint32_t i)
{
    const struct hf_ast_expr *fa = a->args[i];
    if (fa->kind != HF_AST_STRING) {
        bind_err(b, fa, HF_ERR_SQL,
                 "the format argument of %s must be a string literal such as "
                 "'yyyy-MM-dd HH:mm:ss'",
                 a->text);
        return false;
    }
    char why[200];
    e->fmt = hf_dtfmt_compile(fa->text, why, sizeof why);
    if (e->fmt == NULL) {
        bind_err(b, fa, HF_ERR_SQL, "bad format '%s' for %s: %s", fa->text,
                 a->text, why);
        return false;
    }
    return true;
}

/* The value of an integer literal argument (a possibly negated INT). */
static bool const_int(const struct hf_ast_expr *x, int64_t *out)
{
    if (x->kind != HF_AST_INT)
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(x->text, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

static const struct {
    const char *name;
    int unit;
} unit_names[] = {
    {"MILLENNIUM", HF_TU_MILLENNIUM},
    {"CENTURY", HF_TU_CENTURY},
    {"DECADE", HF_TU_DECADE},
    {"YEAR", HF_TU_YEAR},
    {"QUARTER", HF_TU_QUARTER},
    {"MONTH", HF_TU_MONTH},
    {"WEEK", HF_TU_WEEK},
    {"DAY", HF_TU_DAY},
    {"HOUR", HF_TU_HOUR},
    {"MINUTE", HF_TU_MINUTE},
    {"SECOND", HF_TU_SECOND},
    {"MILLISECOND", HF_TU_MILLISECOND},
    {"MICROSECOND", HF_TU_MICROSECOND},
    {"NANOSECOND", HF_TU_NANOSECOND},
    {"DOW", HF_TU_DOW},
    {"DOY", HF_TU_DOY},
    {"ISODOW", HF_TU_ISODOW},
    {"ISOYEAR", HF_TU_ISOYEAR},
    {"EPOCH", HF_TU_EPOCH},
};

const char *hf_x_unit_name(int unit)
{
    for (size_t i = 0; i < sizeof unit_names / sizeof unit_names[0]; i++)
        if (unit_names[i].unit == unit)
            return unit_names[i].name;
    return "?";
}

/* A unit word (SQL_TSI_ prefix and a plural 'S' allowed), or HF_TU_NONE. */
static int unit_of(const char *w)
{
    if (strncmp(w, "SQL_TSI_", 8) == 0)
        w += 8;
    if (strcmp(w, "FRAC_SECOND") == 0)
        return HF_TU_MICROSECOND;
    size_t l = strlen(w);
    for (size_t i = 0; i < sizeof unit_names / sizeof unit_names[0]; i++) {
        size_t nl = strlen(unit_names[i].name);
        if (strcmp(w, unit_names[i].name) == 0 ||
            (l == nl + 1 && w[nl] == 'S' &&
             strncmp(w, unit_names[i].name, nl) == 0))
            return unit_names[i].unit;
    }
    return HF_TU_NONE;
}

/* The unit of SYMBOL argument `s` among `allowed` (HF_TU_NONE ended);
 * -1 with the error naming the allowed units. */
static int want_unit(struct binder *b, const struct hf_ast_expr *fa,
                     const struct hf_ast_expr *s, const int *allowed)
{
    int u = s->kind == HF_AST_SYMBOL ? unit_of(s->text) : HF_TU_NONE;
    char list[300];
    size_t off = 0;
    list[0] = '\0';
    for (const int *k = allowed; *k != HF_TU_NONE; k++) {
        if (*k == u)
            return u;
        int w = snprintf(list + off, sizeof list - off, "%s%s",
                         k == allowed ? "" : ", ", hf_x_unit_name(*k));
        if (w > 0 && (size_t)w < sizeof list - off)
            off += (size_t)w;
    }
    bind_err(b, s, HF_ERR_SQL, "%s is not a unit of %s; use one of %s",
             s->kind == HF_AST_SYMBOL ? s->text : "this", fa->text, list);
    return -1;
}

static const int extract_units[] = {
    HF_TU_MILLENNIUM,  HF_TU_CENTURY,    HF_TU_DECADE, HF_TU_YEAR,
    HF_TU_ISOYEAR,     HF_TU_QUARTER,    HF_TU_MONTH,  HF_TU_WEEK,
    HF_TU_DAY,         HF_TU_DOY,        HF_TU_DOW,    HF_TU_ISODOW,
    HF_TU_HOUR,        HF_TU_MINUTE,     HF_TU_SECOND, HF_TU_MILLISECOND,
    HF_TU_MICROSECOND, HF_TU_NANOSECOND, HF_TU_EPOCH,  HF_TU_NONE};
static const int add_units[] = {
    HF_TU_YEAR,        HF_TU_QUARTER,     HF_TU_MONTH,  HF_TU_WEEK,
    HF_TU_DAY,         HF_TU_HOUR,        HF_TU_MINUTE, HF_TU_SECOND,
    HF_TU_MILLISECOND, HF_TU_MICROSECOND, HF_TU_NONE};
static const int diff_units[] = {HF_TU_YEAR,   HF_TU_QUARTER, HF_TU_MONTH,
                                 HF_TU_WEEK,   HF_TU_DAY,     HF_TU_HOUR,
                                 HF_TU_MINUTE, HF_TU_SECOND,  HF_TU_NONE};
static const int floor_units[] = {
    HF_TU_MILLENNIUM, HF_TU_CENTURY, HF_TU_DECADE, HF_TU_YEAR,
    HF_TU_QUARTER,    HF_TU_MONTH,   HF_TU_WEEK,   HF_TU_DAY,
    HF_TU_HOUR,       HF_TU_MINUTE,  HF_TU_SECOND, HF_TU_MILLISECOND,
    HF_TU_NONE};

/* The DOUBLE functions; the index is e->unit. */
enum dmath {
    DM_POWER,
    DM_SQRT,
    DM_LN,
    DM_LOG10,
    DM_LOG2,
    DM_LOG,
    DM_EXP,
    DM_SIN,
    DM_COS,
    DM_TAN,
    DM_COT,
    DM_ASIN,
    DM_ACOS,
    DM_ATAN,
    DM_ATAN2,
    DM_SINH,
    DM_COSH,
    DM_TANH,
    DM_DEGREES,
    DM_RADIANS,
    DM_PI,
    DM_E
};
static const char *const dmath_names[] = {
    "POWER", "SQRT", "LN",      "LOG10",   "LOG2", "LOG",  "EXP",   "SIN",
    "COS",   "TAN",  "COT",     "ASIN",    "ACOS", "ATAN", "ATAN2", "SINH",
    "COSH",  "TANH", "DEGREES", "RADIANS", "PI",   "E"};

/* Hash algorithms; the index is e->unit (0 = chosen per row: SHA2 with
 * a non-constant length). */
static const char *const hash_names[] = {"SHA2",   "MD5",    "SHA1",  "SHA224",
                                         "SHA256", "SHA384", "SHA512"};

/* Extract-style shorthands and their unit. */
static const struct {
    const char *name;
    int unit;
} extract_fns[] = {
    {"YEAR", HF_TU_YEAR},     {"QUARTER", HF_TU_QUARTER},
    {"MONTH", HF_TU_MONTH},   {"WEEK", HF_TU_WEEK},
    {"DAYOFYEAR", HF_TU_DOY}, {"DAYOFMONTH", HF_TU_DAY},
    {"DAYOFWEEK", HF_TU_DOW}, {"HOUR", HF_TU_HOUR},
    {"MINUTE", HF_TU_MINUTE}, {"SECOND", HF_TU_SECOND},
};

/* Bind the arguments of `a` that are not SYMBOLs into a new node. */
static struct hf_expr *bind_value_args(struct binder *b,
                                       const struct hf_ast_expr *a)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < a->nargs; i++)
        if (a->args[i]->kind != HF_AST_SYMBOL)
            n++;
    struct hf_expr *e = hf_x_new(HF_X_FUNC, n);
    if (e == NULL)
        return oom_null(b);
    uint32_t k = 0;
    for (uint32_t i = 0; i < a->nargs; i++) {
        if (a->args[i]->kind == HF_AST_SYMBOL)
            continue;
        e->args[k] = bind(b, a->args[i]);
        if (e->args[k] == NULL) {
            hf_expr_free(e);
            return NULL;
        }
        k++;
    }
    e->name = strdup(a->text);
    if (e->name == NULL) {
        hf_expr_free(e);
        return oom_null(b);
    }
    return place(b, e, a);
}

/* Drop argument i of e (a constant folded into the node). */
static void drop_arg(struct hf_expr *e, uint32_t i)
{
    hf_expr_free(e->args[i]);
    for (uint32_t k = i + 1; k < e->nargs; k++)
        e->args[k - 1] = e->args[k];
    e->nargs--;
}

/* A string literal argument's text, or NULL. */
static const char *lit_text(const struct hf_ast_expr *x)
{
    return x->kind == HF_AST_STRING ? x->text : NULL;
}

/* Decimal type of rounding DECIMAL(p, s) to r fraction digits. */
static struct hf_type round_decimal(int p, int s, int r)
{
    if (r >= s)
        return decimal_adjust(p, s);
    if (r < 0)
        return decimal_adjust(imin(HF_DECIMAL_MAX_PRECISION, 1 + p - s), 0);
    return decimal_adjust(1 + p - s + r, r);
}

static bool bind_round(struct binder *b, const struct hf_ast_expr *a,
                       struct hf_expr *e, bool truncate)
{
    e->negated = truncate;
    if (!want_numeric(b, a, e, 0, false) ||
        (e->nargs > 1 && !want_numeric(b, a, e, 1, true)))
        return false;
    const struct hf_type *t = &e->args[0]->type;
    int64_t digits = 0;
    bool constant = e->nargs < 2 || const_int(a->args[1], &digits);
    e->precision_arg = (int)(digits < -40 ? -40 : digits > 40 ? 40 : digits);
    if (t->id == HF_DECIMAL) {
        if (!constant) {
            bind_err(b, a->args[1], HF_ERR_SQL,
                     "the digits of %s on a DECIMAL must be an integer "
                     "literal (the result type depends on it)",
                     a->text);
            return false;
        }
        e->type = round_decimal(t->precision, t->scale, e->precision_arg);
    } else {
        e->type = hf_type_make(t->id);
    }
    if (constant && e->nargs > 1)
        drop_arg(e, 1);
    return true;
}

/* Java's Random seed scrambling. */
static uint64_t java_seed(int64_t seed)
{
    return ((uint64_t)seed ^ UINT64_C(0x5DEECE66D)) & ((UINT64_C(1) << 48) - 1);
}

static bool bind_seed(struct binder *b, const struct hf_ast_expr *a,
                      struct hf_expr *e)
{
    int64_t seed;
    if (!const_int(a->args[0], &seed)) {
        bind_err(b, a->args[0], HF_ERR_SQL,
                 "the seed of %s must be an integer literal", a->text);
        return false;
    }
    e->seeded = true;
    atomic_store(&e->rng, java_seed(seed));
    drop_arg(e, 0);
    return true;
}

/* JSON path literal argument i, compiled into e->jpath. */
static bool want_jpath(struct binder *b, const struct hf_ast_expr *a,
                       struct hf_expr *e, uint32_t i)
{
    const char *p = lit_text(a->args[i]);
    if (p == NULL) {
        bind_err(b, a->args[i], HF_ERR_SQL,
                 "the path of %s must be a string literal such as '$.a.b'",
                 a->text);
        return false;
    }
    char why[200];
    if (hf_x_jpath_compile(e, p, strlen(p), why, sizeof why) != 0) {
        bind_err(b, a->args[i], HF_ERR_SQL, "bad JSON path '%s' for %s: %s", p,
                 a->text, why);
        return false;
    }
    return true;
}

static int beh_code(const char *w)
{
    static const char *const words[] = {
        "NULL",         "ERROR",       "DEFAULT",       "EMPTY ARRAY",
        "EMPTY OBJECT", "TRUE",        "FALSE",         "UNKNOWN",
        "WITHOUT",      "CONDITIONAL", "UNCONDITIONAL", "ABSENT"};
    for (int k = 0; k < (int)(sizeof words / sizeof words[0]); k++)
        if (strcmp(w, words[k]) == 0)
            return k;
    return 0;
}

/* Is JSON_VALUE's RETURNING type one holoflow converts to? */
static bool json_returning_ok(enum hf_type_id id)
{
    return id == HF_VARCHAR || id == HF_CHAR || id == HF_BOOLEAN ||
           hf_type_is_numeric(id) || id == HF_DATE || id == HF_TIME ||
           id == HF_TIMESTAMP;
}

/* Per-function type rules for HF_X_FUNC nodes; false with the error set. */
static bool type_func(struct binder *b, const struct hf_ast_expr *a,
                      struct hf_expr *e, const struct hf_fn_info *d)
{
    const char *name = a->text;
    struct hf_type vt = hf_type_make(HF_VARCHAR);
    struct hf_type it = hf_type_make(HF_INT);
    bool ok = true;
    e->type = vt;
    switch (d->fn) {
    case HF_FN_UPPER:
    case HF_FN_LOWER:
    case HF_FN_REVERSE:
    case HF_FN_INITCAP:
    case HF_FN_TO_BASE64:
    case HF_FN_FROM_BASE64:
        ok = want_string(b, a, e, 0, false);
        break;
    case HF_FN_TRIM:
        e->trim = strcmp(name, "LTRIM") == 0   ? 1
                  : strcmp(name, "RTRIM") == 0 ? 2
                                               : a->trim;
        for (uint32_t i = 0; ok && i < e->nargs; i++)
            ok = want_string(b, a, e, i, false);
        break;
    case HF_FN_CHAR_LENGTH:
    case HF_FN_ASCII:
        ok = want_string(b, a, e, 0, false);
        e->type = it;
        break;
    case HF_FN_SUBSTRING:
        ok = want_string(b, a, e, 0, false) && want_numeric(b, a, e, 1, true) &&
             (e->nargs < 3 || want_numeric(b, a, e, 2, true));
        break;
    case HF_FN_REPLACE:
    case HF_FN_CONCAT_WS:
    case HF_FN_PARSE_URL:
        for (uint32_t i = 0; ok && i < e->nargs; i++)
            ok = want_string(b, a, e, i, d->fn == HF_FN_CONCAT_WS);
        break;
    case HF_FN_POSITION:
    case HF_FN_INSTR:
        ok = want_string(b, a, e, 0, false) && want_string(b, a, e, 1, false) &&
             (e->nargs < 3 || want_numeric(b, a, e, 2, true));
        e->type = it;
        break;
    case HF_FN_LPAD:
    case HF_FN_RPAD:
        ok = want_string(b, a, e, 0, false) && want_numeric(b, a, e, 1, true) &&
             want_string(b, a, e, 2, false);
        break;
    case HF_FN_REPEAT:
    case HF_FN_LEFT:
    case HF_FN_RIGHT:
        ok = want_string(b, a, e, 0, false) && want_numeric(b, a, e, 1, true);
        break;
    case HF_FN_SPLIT_INDEX:
        ok = want_string(b, a, e, 0, false) && want_string(b, a, e, 1, false) &&
             want_numeric(b, a, e, 2, true);
        break;
    case HF_FN_CHR:
    case HF_FN_BIN:
        ok = want_numeric(b, a, e, 0, true);
        break;
    case HF_FN_HEX: {
        struct hf_type bt = hf_type_make(HF_BIGINT);
        type_null(e->args[0], &bt);
        if (!hf_type_is_integer(e->args[0]->type.id))
            ok = want_string(b, a, e, 0, false);
        break;
    }
    case HF_FN_HASH:
        ok = want_string(b, a, e, 0, false);
        for (int k = 1; k < 7; k++)
            if (strcmp(name, hash_names[k]) == 0)
                e->unit = k;
        if (ok && e->unit == 0) {
            ok = want_numeric(b, a, e, 1, true);
            int64_t bits;
            if (ok && const_int(a->args[1], &bits)) {
                e->unit = bits == 224   ? 3
                          : bits == 256 ? 4
                          : bits == 384 ? 5
                          : bits == 512 ? 6
                                        : -1;
                if (e->unit < 0) {
                    bind_err(b, a->args[1], HF_ERR_SQL,
                             "SHA2 takes a length of 224, 256, 384 or 512, "
                             "found %lld",
                             (long long)bits);
                    return false;
                }
                drop_arg(e, 1);
            }
        }
        break;
    case HF_FN_REGEXP:
    case HF_FN_REGEXP_EXTRACT:
    case HF_FN_REGEXP_REPLACE: {
        ok = want_string(b, a, e, 0, false) && want_string(b, a, e, 1, false) &&
             (e->nargs < 3 ||
              (d->fn == HF_FN_REGEXP_EXTRACT ? want_numeric(b, a, e, 2, true)
                                             : want_string(b, a, e, 2, false)));
        if (d->fn == HF_FN_REGEXP)
            e->type = hf_type_make(HF_BOOLEAN);
        const char *pat = lit_text(a->args[1]);
        if (ok && pat) {
            char why[300];
            /* An invalid constant pattern is Flink's NULL/FALSE per row;
             * holoflow says so at plan time instead. */
            if (hf_x_regex_compile(e, pat, strlen(pat), false, 0, why,
                                   sizeof why) != 0) {
                bind_err(b, a->args[1], HF_ERR_SQL,
                         "bad regular expression '%s' for %s: %s", pat, name,
                         why);
                return false;
            }
        }
        break;
    }
    case HF_FN_ABS:
    case HF_FN_SIGN:
        ok = want_numeric(b, a, e, 0, false);
        if (ok)
            e->type = e->args[0]->type;
        break;
    case HF_FN_DMATH:
        for (int k = 0; k <= DM_E; k++)
            if (strcmp(name, dmath_names[k]) == 0)
                e->unit = k;
        for (uint32_t i = 0; ok && i < e->nargs; i++)
            ok = want_double(b, a, e, i);
        e->type = hf_type_make(HF_DOUBLE);
        break;
    case HF_FN_ROUND:
        ok = bind_round(b, a, e, strcmp(name, "TRUNCATE") == 0);
        break;
    case HF_FN_RAND:
        ok = e->nargs == 0 || bind_seed(b, a, e);
        e->type = hf_type_make(HF_DOUBLE);
        break;
    case HF_FN_RAND_INTEGER:
        ok = (e->nargs == 1 || bind_seed(b, a, e)) &&
             want_numeric(b, a, e, 0, true);
        e->type = it;
        break;
    case HF_FN_UUID:
        e->type = hf_type_make(HF_CHAR);
        e->type.length = 36;
        break;
    case HF_FN_NULLIF:
    case HF_FN_GREATEST: {
        e->negated = strcmp(name, "LEAST") == 0;
        for (uint32_t i = 1; i < e->nargs; i++)
            if (!hf_x_comparable(&e->args[0]->type, &e->args[i]->type) &&
                !e->args[0]->null_lit && !e->args[i]->null_lit) {
                char t1[64], t2[64];
                bind_err(b, a, HF_ERR_TYPE,
                         "%s cannot compare %s with %s; add a CAST", name,
                         hf_type_name(&e->args[0]->type, t1, sizeof t1),
                         hf_type_name(&e->args[i]->type, t2, sizeof t2));
                return false;
            }
        struct hf_type t;
        if (!unify(b, a, e, 0, &t))
            return false;
        e->type = t;
        break;
    }
    case HF_FN_NOW:
        e->type = hf_type_make(HF_TIMESTAMP_LTZ);
        e->type.precision = 3;
        break;
    case HF_FN_LOCALTIMESTAMP:
        e->type = hf_type_make(HF_TIMESTAMP);
        e->type.precision = 3;
        break;
    case HF_FN_CURRENT_DATE:
        e->type = hf_type_make(HF_DATE);
        break;
    case HF_FN_CURRENT_TIME:
        e->type = hf_type_make(HF_TIME);
        break;
    case HF_FN_TO_TIMESTAMP:
    case HF_FN_TO_DATE:
        ok = want_string(b, a, e, 0, false) &&
             (e->nargs < 2 || want_format(b, a, e, 1));
        e->type = hf_type_make(d->fn == HF_FN_TO_DATE ? HF_DATE : HF_TIMESTAMP);
        if (d->fn == HF_FN_TO_TIMESTAMP)
            e->type.precision = 3;
        break;
    case HF_FN_TO_TIMESTAMP_LTZ: {
        ok = want_numeric(b, a, e, 0, false);
        e->precision_arg = 3;
        if (ok && e->nargs == 2) {
            const struct hf_ast_expr *pa = a->args[1];
            if (pa->kind != HF_AST_INT ||
                (strcmp(pa->text, "0") != 0 && strcmp(pa->text, "3") != 0)) {
                bind_err(b, pa, HF_ERR_SQL,
                         "the precision of TO_TIMESTAMP_LTZ must be 0 "
                         "(seconds) or 3 (milliseconds)");
                ok = false;
            } else {
                e->precision_arg = pa->text[0] - '0';
                drop_arg(e, 1);
            }
        }
        e->type = hf_type_make(HF_TIMESTAMP_LTZ);
        e->type.precision = 3;
        break;
    }
    case HF_FN_FROM_UNIXTIME:
        ok = want_numeric(b, a, e, 0, true) &&
             (e->nargs < 2 || want_format(b, a, e, 1));
        break;
    case HF_FN_DATE_FORMAT: {
        struct hf_expr *x = e->args[0];
        struct hf_type tt = hf_type_make(HF_TIMESTAMP);
        type_null(x, &tt);
        if (!hf_type_is_string(x->type.id) && x->type.id != HF_TIMESTAMP &&
            x->type.id != HF_TIMESTAMP_LTZ && x->type.id != HF_DATE) {
            char t1[64];
            bind_err(b, a->args[0], HF_ERR_TYPE,
                     "DATE_FORMAT needs a TIMESTAMP, TIMESTAMP_LTZ, DATE or "
                     "string, found %s",
                     hf_type_name(&x->type, t1, sizeof t1));
            ok = false;
        }
        ok = ok && want_format(b, a, e, 1);
        break;
    }
    case HF_FN_UNIX_TIMESTAMP:
        ok = (e->nargs < 1 || want_string(b, a, e, 0, false)) &&
             (e->nargs < 2 || want_format(b, a, e, 1));
        e->type = hf_type_make(HF_BIGINT);
        break;
    case HF_FN_EXTRACT: {
        if (a->nargs == 2) {
            e->unit = want_unit(b, a, a->args[0], extract_units);
            if (e->unit < 0)
                return false;
        } else {
            for (size_t k = 0; k < sizeof extract_fns / sizeof extract_fns[0];
                 k++)
                if (strcmp(name, extract_fns[k].name) == 0)
                    e->unit = extract_fns[k].unit;
        }
        struct hf_expr *x = e->args[0];
        type_null(x, &(struct hf_type){.id = HF_DATE});
        if (!is_temporal(x->type.id) && x->type.id != HF_INTERVAL_YM &&
            x->type.id != HF_INTERVAL_DT) {
            char t1[64];
            bind_err(b, a, HF_ERR_TYPE,
                     "%s needs a date, time, timestamp or interval, found %s",
                     name, hf_type_name(&x->type, t1, sizeof t1));
            return false;
        }
        bool date_unit = e->unit != HF_TU_HOUR && e->unit != HF_TU_MINUTE &&
                         e->unit != HF_TU_SECOND &&
                         e->unit != HF_TU_MILLISECOND &&
                         e->unit != HF_TU_MICROSECOND &&
                         e->unit != HF_TU_NANOSECOND && e->unit != HF_TU_EPOCH;
        if ((x->type.id == HF_TIME && date_unit) ||
            (x->type.id == HF_DATE && !date_unit && e->unit != HF_TU_EPOCH)) {
            char t1[64];
            bind_err(b, a, HF_ERR_TYPE, "cannot extract %s from a %s",
                     hf_x_unit_name(e->unit),
                     hf_type_name(&x->type, t1, sizeof t1));
            return false;
        }
        e->type = hf_type_make(HF_BIGINT);
        break;
    }
    case HF_FN_TIMESTAMPADD: {
        e->unit = want_unit(b, a, a->args[0], add_units);
        if (e->unit < 0 || !want_numeric(b, a, e, 0, true) ||
            !want_temporal(b, a, e, 1, true))
            return false;
        const struct hf_type *t = &e->args[1]->type;
        e->type = *t;
        bool sub_day = e->unit >= HF_TU_HOUR;
        if (t->id == HF_DATE && sub_day) {
            e->type = hf_type_make(HF_TIMESTAMP);
            e->type.precision = 0;
        }
        if (t->id == HF_TIME && !sub_day) {
            bind_err(b, a, HF_ERR_TYPE, "cannot add %s to a TIME",
                     hf_x_unit_name(e->unit));
            return false;
        }
        break;
    }
    case HF_FN_TIMESTAMPDIFF:
        e->unit = want_unit(b, a, a->args[0], diff_units);
        if (e->unit < 0 || !want_temporal(b, a, e, 0, false) ||
            !want_temporal(b, a, e, 1, false))
            return false;
        e->type = it;
        break;
    case HF_FN_CONVERT_TZ:
        for (uint32_t i = 0; ok && i < 3; i++)
            ok = want_string(b, a, e, i, false);
        for (uint32_t i = 1; ok && i < 3; i++) {
            const char *z = lit_text(a->args[i]);
            char why[300];
            if (z && hf_tz_find(z, why, sizeof why) == NULL) {
                bind_err(b, a->args[i], HF_ERR_SQL, "%s", why);
                return false;
            }
        }
        break;
    case HF_FN_JSON_STRING:
        if (e->args[0]->type.id == HF_BYTES ||
            hf_type_is_nested(e->args[0]->type.id)) {
            char t1[64];
            bind_err(b, a, HF_ERR_UNSUPPORTED,
                     "JSON_STRING of %s is not supported",
                     hf_type_name(&e->args[0]->type, t1, sizeof t1));
            return false;
        }
        break;
    case HF_FN_CARDINALITY: {
        enum hf_type_id id = e->args[0]->type.id;
        if (id != HF_ARRAY && id != HF_MAP && id != HF_MULTISET) {
            char t1[64];
            bind_err(b, a, HF_ERR_TYPE,
                     "CARDINALITY needs an ARRAY, MAP or MULTISET, found %s",
                     hf_type_name(&e->args[0]->type, t1, sizeof t1));
            return false;
        }
        e->type = it;
        break;
    }
    case HF_FN_ELEMENT:
        if (e->args[0]->type.id != HF_ARRAY) {
            char t1[64];
            bind_err(b, a, HF_ERR_TYPE, "ELEMENT needs an ARRAY, found %s",
                     hf_type_name(&e->args[0]->type, t1, sizeof t1));
            return false;
        }
        e->type = *hf_type_child(&e->args[0]->type, 0);
        break;
    case HF_FN_STR_TO_MAP:
        if (e->nargs == 2) {
            bind_err(b, a, HF_ERR_SQL,
                     "STR_TO_MAP takes one argument, or three (the text, the "
                     "pair delimiter and the key-value delimiter)");
            return false;
        }
        for (uint32_t i = 0; ok && i < e->nargs; i++)
            ok = want_string(b, a, e, i, false);
        if (ok && hf_type_map(&e->type, &vt, &vt) != 0) {
            oom_null(b);
            return false;
        }
        break;
    case HF_FN_IS_JSON:
        ok = want_string(b, a, e, 0, true);
        e->negated = a->negated;
        e->unit = strcmp(a->args[1]->text, "SCALAR") == 0   ? 1
                  : strcmp(a->args[1]->text, "ARRAY") == 0  ? 2
                  : strcmp(a->args[1]->text, "OBJECT") == 0 ? 3
                                                            : 0;
        e->type = hf_type_make(HF_BOOLEAN);
        break;
    default:
        bind_err(b, a, HF_ERR_FAIL, "internal: no type rule for %s", name);
        return false;
    }
    return ok;
}

/* Nullability of a function result: NULL in, NULL out, plus the functions
 * that give NULL (or never give NULL) on their own. */
static void func_nullability(struct hf_expr *e)
{
    switch (e->fn) {
    case HF_FN_NOW:
    case HF_FN_LOCALTIMESTAMP:
    case HF_FN_CURRENT_DATE:
    case HF_FN_CURRENT_TIME:
    case HF_FN_RAND:
    case HF_FN_UUID:
    case HF_FN_JSON_OBJECT:
    case HF_FN_JSON_ARRAY:
    case HF_FN_IS_JSON:
        e->type.not_null = true;
        break;
    case HF_FN_UNIX_TIMESTAMP:
        e->type.not_null = e->nargs == 0 || all_not_null(e);
        break;
    case HF_FN_CONCAT_WS:
        e->type.not_null = e->args[0]->type.not_null;
        break;
    case HF_FN_TO_TIMESTAMP:
    case HF_FN_TO_DATE:
    case HF_FN_TO_TIMESTAMP_LTZ:
    case HF_FN_NULLIF:
    case HF_FN_LPAD:
    case HF_FN_RPAD:
    case HF_FN_SUBSTRING:
    case HF_FN_SPLIT_INDEX:
    case HF_FN_PARSE_URL:
    case HF_FN_REGEXP_EXTRACT:
    case HF_FN_REGEXP_REPLACE:
    case HF_FN_HASH:
    case HF_FN_DATE_FORMAT:
    case HF_FN_CONVERT_TZ:
    case HF_FN_JSON_VALUE:
    case HF_FN_JSON_QUERY:
    case HF_FN_JSON_EXISTS:
    case HF_FN_DMATH:
    case HF_FN_ELEMENT:
        e->type.not_null = false;
        break;
    default:
        e->type.not_null = all_not_null(e);
        break;
    }
}

/* JSON_VALUE / JSON_QUERY / JSON_EXISTS (argument layout: parser.c). */
static struct hf_expr *bind_json_fn(struct binder *b,
                                    const struct hf_ast_expr *a,
                                    const struct hf_fn_info *d)
{
    struct hf_expr *e = hf_x_new(HF_X_FUNC, 1);
    if (e == NULL)
        return oom_null(b);
    place(b, e, a);
    e->fn = (enum hf_xfn)d->fn;
    e->name = strdup(a->text);
    if (e->name == NULL)
        return fail_free(e), oom_null(b);
    e->args[0] = bind(b, a->args[0]);
    if (e->args[0] == NULL || !want_string(b, a, e, 0, false) ||
        !want_jpath(b, a, e, 1))
        return fail_free(e);
    if (d->fn == HF_FN_JSON_EXISTS) {
        e->beh[1] = (int8_t)beh_code(a->args[2]->text);
        e->type = hf_type_make(HF_BOOLEAN);
        e->type.not_null = false;
        return e;
    }
    if (d->fn == HF_FN_JSON_QUERY) {
        e->beh[2] = (int8_t)beh_code(a->args[2]->text);
        e->beh[0] = (int8_t)beh_code(a->args[3]->text);
        e->beh[1] = (int8_t)beh_code(a->args[4]->text);
        e->type = hf_type_make(HF_VARCHAR);
        return e;
    }
    struct hf_type rt = a->type;
    if (!json_returning_ok(rt.id)) {
        char t1[64];
        bind_err(b, a, HF_ERR_UNSUPPORTED,
                 "JSON_VALUE cannot return %s; use a scalar type such as "
                 "STRING, BOOLEAN, INT, BIGINT, DOUBLE or DECIMAL",
                 hf_type_name(&rt, t1, sizeof t1));
        return fail_free(e);
    }
    rt.not_null = false;
    e->type = rt;
    e->beh[0] = (int8_t)beh_code(a->args[2]->text);
    e->beh[1] = (int8_t)beh_code(a->args[4]->text);
    /* The DEFAULT expressions, as the returned type. */
    struct hf_expr **na = realloc(e->args, 3 * sizeof *na);
    if (na == NULL)
        return fail_free(e), oom_null(b);
    e->args = na;
    e->nargs = 3;
    e->args[1] = e->args[2] = NULL;
    for (int k = 0; k < 2; k++) {
        struct hf_expr *x = bind(b, a->args[3 + 2 * k]);
        e->args[1 + k] = x;
        if (x == NULL)
            return fail_free(e);
        if (x->null_lit) {
            x->type = rt;
            x->null_lit = false;
            continue;
        }
        if (x->op == HF_X_LITERAL && x->type.id == HF_BOOLEAN &&
            hf_type_is_string(rt.id) && !x->lit.null) {
            /* Flink hands the default over as a Java object: "false". */
            const char *word = x->lit.v.b ? "true" : "false";
            x->lit_buf = strdup(word);
            if (x->lit_buf == NULL)
                return fail_free(e), oom_null(b);
            x->type = hf_type_make(HF_VARCHAR);
            x->type.not_null = true;
            x->lit.v.s.ptr = x->lit_buf;
            x->lit.v.s.len = (uint32_t)strlen(word);
        }
        if (!hf_x_cast_supported(&x->type, &rt)) {
            char t1[64], t2[64];
            bind_err(b, a->args[3 + 2 * k], HF_ERR_TYPE,
                     "the DEFAULT of JSON_VALUE is %s, which cannot become "
                     "%s",
                     hf_type_name(&x->type, t1, sizeof t1),
                     hf_type_name(&rt, t2, sizeof t2));
            return fail_free(e);
        }
        struct hf_type to = rt;
        to.not_null = x->type.not_null;
        e->args[1 + k] = cast_node(x, &to, true, false);
        if (e->args[1 + k] == NULL)
            return fail_free(e), oom_null(b);
    }
    return e;
}

/* JSON_OBJECT / JSON_ARRAY: (SYMBOL on-null, values...). */
static struct hf_expr *bind_json_ctor(struct binder *b,
                                      const struct hf_ast_expr *a,
                                      const struct hf_fn_info *d)
{
    struct hf_expr *e = bind_value_args(b, a);
    if (e == NULL)
        return NULL;
    e->fn = (enum hf_xfn)d->fn;
    e->beh[0] = strcmp(a->args[0]->text, "ABSENT") == 0;
    bool object = d->fn == HF_FN_JSON_OBJECT;
    for (uint32_t i = 0; i < e->nargs; i++) {
        struct hf_expr *x = e->args[i];
        if (object && i % 2 == 0) {
            if (a->args[1 + i]->kind != HF_AST_STRING) {
                bind_err(b, a->args[1 + i], HF_ERR_SQL,
                         "the keys of JSON_OBJECT must be string literals");
                return fail_free(e);
            }
            continue;
        }
        if (x->null_lit) {
            x->type = hf_type_make(HF_VARCHAR);
            x->null_lit = false;
        }
        if (x->type.id == HF_BYTES) {
            char t1[64];
            bind_err(b, a->args[1 + i], HF_ERR_UNSUPPORTED,
                     "%s of %s is not supported", a->text,
                     hf_type_name(&x->type, t1, sizeof t1));
            return fail_free(e);
        }
    }
    e->type = hf_type_make(HF_VARCHAR);
    e->type.not_null = true;
    return e;
}

static struct hf_expr *bind_func(struct binder *b, const struct hf_ast_expr *a)
{
    for (const char *const *g = aggregates; *g; g++)
        if (strcmp(a->text, *g) == 0) {
            if (strcmp(a->text, "COLLECT") == 0) {
                bind_err(b, a, HF_ERR_UNSUPPORTED,
                         "aggregate function COLLECT is not supported");
                return NULL;
            }
            bind_err(b, a, HF_ERR_SQL,
                     "aggregate function %s is not allowed here: aggregates "
                     "go in the SELECT list or HAVING of a query",
                     a->text);
            return NULL;
        }
    const struct hf_fn_info *d = hf_fn_lookup(a->text);
    if (d == NULL) {
        const char *best = hf_fn_suggest(a->text);
        if (best)
            bind_err(b, a, HF_ERR_SQL,
                     "unknown function '%s'; did you mean '%s'?", a->text,
                     best);
        else
            bind_err(b, a, HF_ERR_SQL,
                     "unknown function '%s' (docs/functions.md lists the "
                     "functions holoflow has)",
                     a->text);
        return NULL;
    }
    if (d->kind == HF_FNK_REFUSED) {
        bind_err(b, a, HF_ERR_UNSUPPORTED, "function %s is not supported: %s",
                 a->text, d->doc);
        return NULL;
    }
    if (a->distinct) {
        bind_err(b, a, HF_ERR_UNSUPPORTED, "DISTINCT is only for aggregates");
        return NULL;
    }
    int n = (int)a->nargs;
    for (uint32_t i = 0; i < a->nargs; i++)
        if (a->args[i]->kind == HF_AST_STAR) {
            bind_err(b, a->args[i], HF_ERR_SQL, "'*' is not an argument of %s",
                     a->text);
            return NULL;
        }
    if (n < d->min || (d->max >= 0 && n > d->max)) {
        if (d->min == d->max)
            bind_err(b, a, HF_ERR_SQL, "%s takes %d argument%s, found %d",
                     a->text, d->min, d->min == 1 ? "" : "s", n);
        else if (d->max < 0)
            bind_err(b, a, HF_ERR_SQL,
                     "%s takes at least %d argument%s, found %d", a->text,
                     d->min, d->min == 1 ? "" : "s", n);
        else
            bind_err(b, a, HF_ERR_SQL, "%s takes %d to %d arguments, found %d",
                     a->text, d->min, d->max, n);
        return NULL;
    }
    const char *name = a->text;
    struct hf_expr *e;

    if (strcmp(name, "COALESCE") == 0 || strcmp(name, "IFNULL") == 0) {
        e = bind_children(b, a, HF_X_COALESCE, 0);
        if (e == NULL)
            return NULL;
        struct hf_type t;
        if (!unify(b, a, e, 0, &t))
            return fail_free(e);
        bool nn = false;
        for (uint32_t i = 0; i < e->nargs; i++)
            nn = nn || e->args[i]->type.not_null;
        e->type = t;
        e->type.not_null = nn;
        return e;
    }
    if (strcmp(name, "IF") == 0) {
        e = bind_children(b, a, HF_X_CASE, 0);
        if (e == NULL)
            return NULL;
        e->has_else = true;
        struct hf_type bt = hf_type_make(HF_BOOLEAN);
        type_null(e->args[0], &bt);
        if (e->args[0]->type.id != HF_BOOLEAN) {
            char t1[64];
            bind_err(b, a->args[0], HF_ERR_TYPE,
                     "IF needs a BOOLEAN condition, found %s",
                     hf_type_name(&e->args[0]->type, t1, sizeof t1));
            return fail_free(e);
        }
        struct hf_type t;
        if (!unify(b, a, e, 1, &t))
            return fail_free(e);
        e->type = t;
        e->type.not_null =
            e->args[1]->type.not_null && e->args[2]->type.not_null;
        return e;
    }
    if (strcmp(name, "CONCAT") == 0) {
        e = bind_children(b, a, HF_X_CONCAT, 0);
        if (e == NULL)
            return NULL;
        for (uint32_t i = 0; i < e->nargs; i++)
            if (!want_string(b, a, e, i, true))
                return fail_free(e);
        e->type = hf_type_make(HF_VARCHAR);
        e->type.not_null = all_not_null(e);
        return e;
    }
    if (strcmp(name, "MOD") == 0) {
        e = bind_children(b, a, HF_X_MOD, 0);
        if (e == NULL)
            return NULL;
        return type_arith(b, a, e, "MOD");
    }
    if (d->fn == HF_FN_JSON_VALUE || d->fn == HF_FN_JSON_QUERY ||
        d->fn == HF_FN_JSON_EXISTS)
        return bind_json_fn(b, a, d);
    if (d->fn == HF_FN_JSON_OBJECT || d->fn == HF_FN_JSON_ARRAY)
        return bind_json_ctor(b, a, d);
    /* FLOOR/CEIL(x TO unit): the time flavour. */
    int fn = d->fn;
    if (fn == HF_FN_FLOOR && a->nargs == 2) {
        if (a->args[1]->kind != HF_AST_SYMBOL) {
            bind_err(b, a, HF_ERR_SQL,
                     "%s takes one number, or a time and TO unit", name);
            return NULL;
        }
        fn = HF_FN_FLOOR_TIME;
    }
    for (uint32_t i = 0; i < a->nargs; i++)
        if (a->args[i]->kind == HF_AST_SYMBOL && fn != HF_FN_FLOOR_TIME &&
            fn != HF_FN_EXTRACT && fn != HF_FN_TIMESTAMPADD &&
            fn != HF_FN_TIMESTAMPDIFF && fn != HF_FN_IS_JSON) {
            bind_err(b, a->args[i], HF_ERR_SQL,
                     "unexpected %s in the arguments of %s", a->args[i]->text,
                     name);
            return NULL;
        }

    e = bind_value_args(b, a);
    if (e == NULL)
        return NULL;
    e->fn = (enum hf_xfn)fn;
    if (fn == HF_FN_FLOOR_TIME) {
        e->negated = strcmp(name, "FLOOR") != 0;
        e->unit = want_unit(b, a, a->args[1], floor_units);
        if (e->unit < 0 || !want_temporal(b, a, e, 0, true))
            return fail_free(e);
        enum hf_type_id id = e->args[0]->type.id;
        if ((id == HF_TIME && e->unit < HF_TU_HOUR) ||
            (id == HF_DATE && e->unit > HF_TU_DAY)) {
            char t1[64];
            bind_err(b, a, HF_ERR_TYPE, "cannot round a %s to %s",
                     hf_type_name(&e->args[0]->type, t1, sizeof t1),
                     hf_x_unit_name(e->unit));
            return fail_free(e);
        }
        e->type = e->args[0]->type;
        e->type.not_null = e->args[0]->type.not_null;
        return e;
    }
    if (fn == HF_FN_FLOOR) {
        e->negated = strcmp(name, "FLOOR") != 0;
        if (!want_numeric(b, a, e, 0, false))
            return fail_free(e);
        const struct hf_type *t = &e->args[0]->type;
        e->type =
            t->id == HF_DECIMAL ? round_decimal(t->precision, t->scale, 0) : *t;
        e->type.not_null = t->not_null;
        return e;
    }
    if (!type_func(b, a, e, d))
        return fail_free(e);
    /* A format argument is compiled into e->fmt; drop its node. */
    if (e->fmt && e->nargs >= 2)
        drop_arg(e, e->nargs - 1);
    if (fn == HF_FN_FROM_UNIXTIME && e->fmt == NULL) {
        char why[100];
        e->fmt = hf_dtfmt_compile("yyyy-MM-dd HH:mm:ss", why, sizeof why);
        if (e->fmt == NULL)
            return fail_free(e), oom_null(b);
    }
    func_nullability(e);
    return e;
}

/* ---- nested values: r.f, a[i], m[k], ROW(...), ARRAY[...], MAP[...] */

/* Field `name` of ROW expression x (owned; freed on error). */
static struct hf_expr *field_of(struct binder *b, const struct hf_ast_expr *a,
                                struct hf_expr *x, const char *name)
{
    char t1[200];
    if (x->type.id != HF_ROW) {
        bind_err(b, a, HF_ERR_TYPE,
                 "'.%s' needs a ROW value, found %s", name,
                 hf_type_name(&x->type, t1, sizeof t1));
        return fail_free(x);
    }
    int f = hf_type_row_find(&x->type, name);
    if (f < 0) {
        char list[300];
        size_t off = 0;
        list[0] = '\0';
        uint32_t n = hf_type_arity(&x->type);
        for (uint32_t i = 0; i < n && off < sizeof list; i++) {
            int w = snprintf(list + off, sizeof list - off, "%s%s",
                             i ? ", " : "", hf_type_field_name(&x->type, i));
            if (w > 0)
                off += (size_t)w;
        }
        bind_err(b, a, HF_ERR_SQL,
                 "unknown field '%s' of %s; its fields are: %s (field names "
                 "are case-sensitive)",
                 name, hf_type_name(&x->type, t1, sizeof t1),
                 n ? list : "none");
        return fail_free(x);
    }
    struct hf_expr *e = hf_x_new(HF_X_FIELD, 1);
    if (e == NULL) {
        hf_expr_free(x);
        return oom_null(b);
    }
    e->args[0] = x;
    e->column = (uint32_t)f;
    e->type = *hf_type_child(&x->type, (uint32_t)f);
    e->type.not_null = e->type.not_null && x->type.not_null;
    e->name = strdup(name);
    if (e->name == NULL) {
        hf_expr_free(e);
        return oom_null(b);
    }
    return place(b, e, a);
}

static struct hf_expr *bind_field(struct binder *b,
                                  const struct hf_ast_expr *a)
{
    struct hf_expr *x = bind(b, a->args[0]);
    if (x == NULL)
        return NULL;
    return field_of(b, a, x, a->text);
}

static struct hf_expr *bind_item(struct binder *b, const struct hf_ast_expr *a)
{
    struct hf_expr *e = bind_children(b, a, HF_X_ITEM, 0);
    if (e == NULL)
        return NULL;
    const struct hf_type *bt = &e->args[0]->type;
    char t1[200], t2[64];
    if (bt->id == HF_ARRAY) {
        struct hf_type it = hf_type_make(HF_INT);
        type_null(e->args[1], &it);
        if (!hf_type_is_integer(e->args[1]->type.id)) {
            bind_err(b, a, HF_ERR_TYPE,
                     "an array subscript must be an integer, found %s",
                     hf_type_name(&e->args[1]->type, t2, sizeof t2));
            return fail_free(e);
        }
        e->type = *hf_type_child(bt, 0);
    } else if (bt->id == HF_MAP) {
        const struct hf_type *kt = hf_type_child(bt, 0);
        char why[256] = "";
        int rc = e->args[1]->null_lit ||
                         hf_x_comparable(&e->args[1]->type, kt) ||
                         hf_type_equal(&e->args[1]->type, kt)
                     ? hf_expr_coerce(&e->args[1], kt, why, sizeof why)
                     : -1;
        if (rc == -2)
            return fail_free(e), oom_null(b);
        if (rc != 0) {
            bind_err(b, a, HF_ERR_TYPE,
                     "a key of %s cannot be %s%s%s",
                     hf_type_name(bt, t1, sizeof t1),
                     hf_type_name(&e->args[1]->type, t2, sizeof t2),
                     why[0] ? ": " : "", why);
            return fail_free(e);
        }
        e->type = *hf_type_child(bt, 1);
    } else {
        bind_err(b, a, HF_ERR_TYPE,
                 "'[...]' needs an ARRAY or a MAP, found %s",
                 hf_type_name(bt, t1, sizeof t1));
        return fail_free(e);
    }
    /* Out of range or absent: NULL. */
    e->type.not_null = false;
    return e;
}

static struct hf_expr *bind_ctor(struct binder *b, const struct hf_ast_expr *a)
{
    enum hf_xop op = a->kind == HF_AST_ROW     ? HF_X_ROW_CTOR
                     : a->kind == HF_AST_ARRAY ? HF_X_ARRAY_CTOR
                                               : HF_X_MAP_CTOR;
    struct hf_expr *e = bind_children(b, a, op, 0);
    if (e == NULL)
        return NULL;
    int rc;
    if (op == HF_X_ROW_CTOR) {
        uint32_t n = e->nargs;
        struct hf_type kids[n ? n : 1];
        for (uint32_t i = 0; i < n; i++) {
            struct hf_expr *x = e->args[i];
            if (x->null_lit) /* Flink's NULL type: nullable, fits any */
                type_null(x, &x->type);
            kids[i] = x->type;
        }
        rc = hf_type_row(&e->type, n, NULL, kids);
    } else if (op == HF_X_ARRAY_CTOR) {
        struct hf_type et;
        if (!unify(b, a, e, 0, &et))
            return fail_free(e);
        et.not_null = all_not_null(e);
        rc = hf_type_array(&e->type, &et);
    } else {
        /* Keys and values unify separately. */
        uint32_t np = e->nargs / 2;
        struct hf_expr *side = hf_x_new(HF_X_COALESCE, np);
        if (side == NULL)
            return fail_free(e), oom_null(b);
        struct hf_type kv[2];
        bool ok = true;
        for (uint32_t k = 0; k < 2 && ok; k++) {
            for (uint32_t i = 0; i < np; i++)
                side->args[i] = e->args[2 * i + k];
            ok = unify(b, a, side, 0, &kv[k]);
            kv[k].not_null = ok && all_not_null(side);
            for (uint32_t i = 0; i < np; i++) {
                e->args[2 * i + k] = side->args[i];
                side->args[i] = NULL;
            }
        }
        hf_expr_free(side);
        if (!ok)
            return fail_free(e);
        rc = hf_type_map(&e->type, &kv[0], &kv[1]);
    }
    if (rc != 0)
        return fail_free(e), oom_null(b);
    e->type.not_null = true;
    return e;
}

static struct hf_expr *bind(struct binder *b, const struct hf_ast_expr *a)
{
    switch (a->kind) {
    case HF_AST_COLUMN:
        return bind_column(b, a);
    case HF_AST_INT:
        return bind_int(b, a);
    case HF_AST_DECIMAL:
        return bind_decimal(b, a);
    case HF_AST_DOUBLE:
        return bind_double(b, a);
    case HF_AST_STRING:
        return bind_string(b, a);
    case HF_AST_BOOL: {
        struct hf_type t = hf_type_make(HF_BOOLEAN);
        struct hf_expr *e = new_literal(b, a, &t);
        if (e)
            e->lit.v.b = a->b;
        return e;
    }
    case HF_AST_NULL: {
        struct hf_type t = hf_type_make(HF_VARCHAR);
        struct hf_expr *e = new_literal(b, a, &t);
        if (e) {
            e->lit.null = true;
            e->null_lit = true;
            e->type.not_null = false;
        }
        return e;
    }
    case HF_AST_TYPED_LIT:
        return bind_typed_lit(b, a);
    case HF_AST_UNARY:
        return bind_unary(b, a);
    case HF_AST_BINARY:
        return bind_binary(b, a);
    case HF_AST_IS:
        return bind_is(b, a);
    case HF_AST_BETWEEN:
        return bind_compare_list(b, a, HF_X_BETWEEN);
    case HF_AST_IN:
        return bind_compare_list(b, a, HF_X_IN);
    case HF_AST_LIKE:
        return bind_like(b, a);
    case HF_AST_CAST:
        return bind_cast(b, a);
    case HF_AST_CASE:
        return bind_case(b, a);
    case HF_AST_FUNC:
        return bind_func(b, a);
    case HF_AST_STAR:
        bind_err(b, a, HF_ERR_SQL, "'*' is not allowed here");
        return NULL;
    case HF_AST_SYMBOL:
        bind_err(b, a, HF_ERR_SQL, "unexpected %s here", a->text);
        return NULL;
    case HF_AST_INTERVAL:
        return bind_interval(b, a);
    case HF_AST_FIELD:
        return bind_field(b, a);
    case HF_AST_ITEM:
        return bind_item(b, a);
    case HF_AST_ROW:
    case HF_AST_ARRAY:
    case HF_AST_MAP:
        return bind_ctor(b, a);
    }
    bind_err(b, a, HF_ERR_SQL, "unsupported expression");
    return NULL;
}

struct hf_expr *hf_expr_bind(const struct hf_bind_scope *sc,
                             const struct hf_ast_expr *a, struct hf_error *err)
{
    struct binder b = {.sc = sc, .err = err};
    return bind(&b, a);
}
