/*
 * holo_scan_filter.c - pushed-down filter conjuncts as SQL with
 * parameters, or evaluated by the scan itself (see holo_scan_filter.h).
 *
 * Plan time (holo_scan_pushable) looks at the shape only: a conjunct made
 * of comparisons, IN, BETWEEN, IS [NOT] NULL, IS [NOT] TRUE/FALSE and
 * AND/OR/NOT over columns and constants is taken over. Open time
 * (holo_scan_filter_build) knows the table's column types and decides per
 * conjunct: SQL when the server computes exactly what holoflow's
 * evaluator computes, else the scan evaluates it on each row
 * (holo_scan_filter_row) with that evaluator. Constants are evaluated
 * once (a CAST of a literal included) and travel as text parameters
 * `$n::type`, in the text form PostgreSQL's input functions read
 * (holo_encode_text); strings compare byte-wise (COLLATE "C", as
 * holoflow's evaluator does).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/hologres/holo_encode.h"
#include "connectors/hologres/holo_scan.h"
#include "connectors/hologres/holo_scan_filter.h"
#include "sql/expr_int.h"

#define OID_BOOL 16
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_TEXT 25
#define OID_VARCHAR 1043
#define OID_DATE 1082
#define OID_TIME 1083
#define OID_TIMESTAMP 1114
#define OID_TIMESTAMPTZ 1184
#define OID_NUMERIC 1700

/* ------------------------------------------------------------ shapes */

static bool is_const(const struct hf_expr *e)
{
    if (e->op == HF_X_LITERAL)
        return true;
    return e->op == HF_X_CAST && !e->try_cast && is_const(e->args[0]);
}

/* A column, possibly widened (integer -> integer/DECIMAL, DECIMAL ->
 * DECIMAL, string -> string): the comparison is then exact on the
 * server's value of the column. */
static bool col_side(const struct hf_expr *e, uint32_t *col)
{
    if (e->op == HF_X_COLUMN) {
        *col = e->column;
        return true;
    }
    if (e->op != HF_X_CAST || e->args[0]->op != HF_X_COLUMN)
        return false;
    enum hf_type_id from = e->args[0]->type.id, to = e->type.id;
    bool ok = (hf_type_is_integer(from) &&
               (hf_type_is_integer(to) || to == HF_DECIMAL)) ||
              (from == HF_DECIMAL && to == HF_DECIMAL) ||
              ((from == HF_VARCHAR || from == HF_CHAR) && to == HF_VARCHAR &&
               !e->explicit_cast);
    if (ok)
        *col = e->args[0]->column;
    return ok;
}

static bool is_cmp(enum hf_xop op)
{
    return op == HF_X_EQ || op == HF_X_NE || op == HF_X_LT ||
           op == HF_X_LE || op == HF_X_GT || op == HF_X_GE;
}

/* Only columns the scan reads itself (not computed or metadata ones). */
static bool physical_only(const struct hf_table_def *t, const struct hf_expr *e)
{
    if (e->op == HF_X_COLUMN &&
        (e->column >= t->schema.ncols ||
         t->schema.cols[e->column].kind != HF_COL_PHYSICAL))
        return false;
    if (e->op == HF_X_PROCTIME || e->op == HF_X_FUNC)
        return false;
    for (uint32_t i = 0; i < e->nargs; i++)
        if (!physical_only(t, e->args[i]))
            return false;
    return true;
}

static bool shape_ok(const struct hf_expr *e, int depth)
{
    uint32_t c;
    if (depth > 32)
        return false;
    switch (e->op) {
    case HF_X_AND:
    case HF_X_OR:
        return shape_ok(e->args[0], depth + 1) &&
               shape_ok(e->args[1], depth + 1);
    case HF_X_NOT:
    case HF_X_IS_TRUE:
    case HF_X_IS_FALSE:
        return shape_ok(e->args[0], depth + 1);
    case HF_X_IS_NULL:
        return e->args[0]->op == HF_X_COLUMN;
    case HF_X_COLUMN:
        return e->type.id == HF_BOOLEAN;
    case HF_X_BETWEEN:
        return !e->symmetric && col_side(e->args[0], &c) &&
               is_const(e->args[1]) && is_const(e->args[2]);
    case HF_X_IN:
        if (!col_side(e->args[0], &c))
            return false;
        for (uint32_t i = 1; i < e->nargs; i++)
            if (!is_const(e->args[i]))
                return false;
        return e->nargs > 1;
    default:
        if (!is_cmp(e->op))
            return false;
        return (col_side(e->args[0], &c) && is_const(e->args[1])) ||
               (is_const(e->args[0]) && col_side(e->args[1], &c));
    }
}

bool holo_scan_pushable(const struct hf_table_def *t,
                        const struct hf_expr *conjunct)
{
    return physical_only(t, conjunct) && shape_ok(conjunct, 0);
}

/* ------------------------------------------------------------ SQL */

struct sqlctx {
    const struct hf_table_def *t;
    const struct holo_table_meta *m;
    struct hf_strbuf *sql;
    struct holo_scan_filter *f;
    struct hf_batch *tmp; /* arena for constants */
    struct hf_error *err;
    uint32_t cap;
};

static const struct holo_column *table_col(const struct sqlctx *x, uint32_t c)
{
    const char *name = x->t->schema.cols[c].name;
    const struct holo_column *found = NULL;
    for (uint32_t i = 0; i < x->m->ncols; i++)
        if (strcmp(x->m->cols[i].name, name) == 0)
            return &x->m->cols[i];
    for (uint32_t i = 0; i < x->m->ncols; i++)
        if (strcasecmp(x->m->cols[i].name, name) == 0) {
            if (found)
                return NULL;
            found = &x->m->cols[i];
        }
    return found;
}

/* Whether comparisons of column c on the server match holoflow's. */
static bool col_comparable(const struct sqlctx *x, uint32_t c,
                           const struct holo_column **out)
{
    const struct holo_column *col = table_col(x, c);
    if (col == NULL || col->elem_oid != 0 || col->comp != NULL)
        return false;
    *out = col;
    enum hf_type_id id = x->t->schema.cols[c].type.id;
    Oid o = col->type_oid;
    switch (id) {
    case HF_BOOLEAN:
        return o == OID_BOOL;
    case HF_TINYINT:
    case HF_SMALLINT:
    case HF_INT:
    case HF_BIGINT:
    case HF_DECIMAL:
        return o == OID_INT2 || o == OID_INT4 || o == OID_INT8 ||
               o == OID_NUMERIC;
    case HF_VARCHAR:
        return o == OID_TEXT || o == OID_VARCHAR;
    case HF_DATE:
        return o == OID_DATE;
    case HF_TIME:
        return o == OID_TIME;
    case HF_TIMESTAMP:
        return o == OID_TIMESTAMP;
    case HF_TIMESTAMP_LTZ:
        return o == OID_TIMESTAMPTZ;
    default:
        return false;
    }
}

static const char *param_type(enum hf_type_id id)
{
    switch (id) {
    case HF_BOOLEAN:
        return "boolean";
    case HF_TINYINT:
    case HF_SMALLINT:
    case HF_INT:
    case HF_BIGINT:
        return "int8";
    case HF_DECIMAL:
        return "numeric";
    case HF_VARCHAR:
    case HF_CHAR:
        return "text";
    case HF_DATE:
        return "date";
    case HF_TIME:
        return "time";
    case HF_TIMESTAMP:
        return "timestamp";
    case HF_TIMESTAMP_LTZ:
        return "timestamptz";
    default:
        return NULL;
    }
}

/* Append `$n::type` for constant e; 1 = done, 0 = not expressible, -1. */
static int put_const(struct sqlctx *x, const struct hf_expr *e)
{
    const char *pt = param_type(e->type.id);
    if (pt == NULL)
        return 0;
    struct hf_value v;
    struct hf_error ignore;
    hf_error_clear(&ignore);
    if (hf_expr_eval(e, NULL, x->tmp, &v, &ignore) != 0)
        return 0; /* a constant that fails: let the evaluator say so */
    char *text = NULL;
    if (!v.null) {
        struct hf_strbuf b;
        hf_strbuf_init(&b, 0);
        if (holo_encode_text(&b, &e->type, &v, &ignore) != 0 ||
            !hf_strbuf_ok(&b)) {
            hf_strbuf_free(&b);
            return 0;
        }
        text = strndup(b.data ? b.data : "", b.len);
        hf_strbuf_free(&b);
        if (text == NULL)
            return hf_error_set(x->err, HF_ERR_NOMEM, "out of memory");
    }
    struct holo_scan_filter *f = x->f;
    if (f->nparams == x->cap) {
        uint32_t nc = x->cap ? x->cap * 2 : 8;
        char **nv = realloc(f->values, nc * sizeof *nv);
        if (nv == NULL) {
            free(text);
            return hf_error_set(x->err, HF_ERR_NOMEM, "out of memory");
        }
        f->values = nv;
        x->cap = nc;
    }
    f->values[f->nparams++] = text;
    hf_strbuf_printf(x->sql, "$%u::%s", f->nparams, pt);
    return 1;
}

static int put_col(struct sqlctx *x, const struct hf_expr *e)
{
    uint32_t c;
    const struct holo_column *col;
    if (!col_side(e, &c) || !col_comparable(x, c, &col))
        return 0;
    hf_strbuf_put_ident(x->sql, col->name);
    if (hf_type_is_string(x->t->schema.cols[c].type.id))
        hf_strbuf_puts(x->sql, " COLLATE \"C\"");
    return 1;
}

static const char *cmp_text(enum hf_xop op, bool flip)
{
    switch (op) {
    case HF_X_EQ:
        return "=";
    case HF_X_NE:
        return "<>";
    case HF_X_LT:
        return flip ? ">" : "<";
    case HF_X_LE:
        return flip ? ">=" : "<=";
    case HF_X_GT:
        return flip ? "<" : ">";
    default:
        return flip ? "<=" : ">=";
    }
}

/* 1 = appended, 0 = cannot (the caller rolls back), -1 = error. */
static int to_sql(struct sqlctx *x, const struct hf_expr *e)
{
    int rc;
    switch (e->op) {
    case HF_X_AND:
    case HF_X_OR:
        hf_strbuf_putc(x->sql, '(');
        if ((rc = to_sql(x, e->args[0])) != 1)
            return rc;
        hf_strbuf_puts(x->sql, e->op == HF_X_AND ? " AND " : " OR ");
        if ((rc = to_sql(x, e->args[1])) != 1)
            return rc;
        hf_strbuf_putc(x->sql, ')');
        return 1;
    case HF_X_NOT:
        hf_strbuf_puts(x->sql, "(NOT ");
        if ((rc = to_sql(x, e->args[0])) != 1)
            return rc;
        hf_strbuf_putc(x->sql, ')');
        return 1;
    case HF_X_IS_TRUE:
    case HF_X_IS_FALSE:
        hf_strbuf_putc(x->sql, '(');
        if ((rc = to_sql(x, e->args[0])) != 1)
            return rc;
        hf_strbuf_printf(x->sql, ") IS %s%s", e->negated ? "NOT " : "",
                         e->op == HF_X_IS_TRUE ? "TRUE" : "FALSE");
        return 1;
    case HF_X_IS_NULL: {
        const struct holo_column *col =
            table_col(x, e->args[0]->column);
        if (col == NULL)
            return 0;
        hf_strbuf_putc(x->sql, '(');
        hf_strbuf_put_ident(x->sql, col->name);
        hf_strbuf_printf(x->sql, " IS %sNULL)", e->negated ? "NOT " : "");
        return 1;
    }
    case HF_X_COLUMN: {
        const struct holo_column *col;
        if (!col_comparable(x, e->column, &col))
            return 0;
        hf_strbuf_put_ident(x->sql, col->name);
        return 1;
    }
    case HF_X_BETWEEN:
        hf_strbuf_putc(x->sql, '(');
        if ((rc = put_col(x, e->args[0])) != 1)
            return rc;
        hf_strbuf_printf(x->sql, " %sBETWEEN ", e->negated ? "NOT " : "");
        if ((rc = put_const(x, e->args[1])) != 1)
            return rc;
        hf_strbuf_puts(x->sql, " AND ");
        if ((rc = put_const(x, e->args[2])) != 1)
            return rc;
        hf_strbuf_putc(x->sql, ')');
        return 1;
    case HF_X_IN:
        hf_strbuf_putc(x->sql, '(');
        if ((rc = put_col(x, e->args[0])) != 1)
            return rc;
        hf_strbuf_printf(x->sql, " %sIN (", e->negated ? "NOT " : "");
        for (uint32_t i = 1; i < e->nargs; i++) {
            if (i > 1)
                hf_strbuf_puts(x->sql, ", ");
            if ((rc = put_const(x, e->args[i])) != 1)
                return rc;
        }
        hf_strbuf_puts(x->sql, "))");
        return 1;
    default: {
        if (!is_cmp(e->op))
            return 0;
        uint32_t c;
        bool flip = !col_side(e->args[0], &c);
        hf_strbuf_putc(x->sql, '(');
        if ((rc = put_col(x, e->args[flip ? 1 : 0])) != 1)
            return rc;
        hf_strbuf_printf(x->sql, " %s ", cmp_text(e->op, flip));
        if ((rc = put_const(x, e->args[flip ? 0 : 1])) != 1)
            return rc;
        hf_strbuf_putc(x->sql, ')');
        return 1;
    }
    }
}

/* `part = const` or `part IN (consts)`: the allowed partition values in
 * the text PostgreSQL prints bounds in; only for types whose text is
 * canonical on both sides (integers, strings, dates). */
static int prune_of(struct sqlctx *x, const struct hf_expr *e)
{
    const struct holo_table_meta *m = x->m;
    if (!m->partitioned || m->part_col < 0 || x->f->nprune > 0 || e->negated)
        return 0;
    if (e->op != HF_X_EQ && e->op != HF_X_IN)
        return 0;
    uint32_t c;
    const struct hf_expr *ce = e->args[0];
    uint32_t first = 1, last = e->nargs;
    if (e->op == HF_X_EQ && !col_side(ce, &c)) {
        ce = e->args[1];
        first = 0;
        last = 1;
    } else if (e->op == HF_X_EQ) {
        last = 2;
    }
    if (!col_side(ce, &c))
        return 0;
    const struct holo_column *col = table_col(x, c);
    if (col == NULL || col != &m->cols[m->part_col])
        return 0;
    Oid o = col->type_oid;
    if (!(o == OID_INT2 || o == OID_INT4 || o == OID_INT8 || o == OID_TEXT ||
          o == OID_VARCHAR || o == OID_DATE))
        return 0;
    char **vals = calloc(last - first, sizeof *vals);
    if (vals == NULL)
        return hf_error_set(x->err, HF_ERR_NOMEM, "out of memory");
    uint32_t n = 0;
    for (uint32_t i = first; i < last; i++) {
        const struct hf_expr *k = e->args[i];
        bool fits = (hf_type_is_integer(k->type.id) &&
                     (o == OID_INT2 || o == OID_INT4 || o == OID_INT8)) ||
                    (hf_type_is_string(k->type.id) &&
                     (o == OID_TEXT || o == OID_VARCHAR)) ||
                    (k->type.id == HF_DATE && o == OID_DATE);
        struct hf_value v;
        struct hf_error ignore;
        hf_error_clear(&ignore);
        struct hf_strbuf b;
        hf_strbuf_init(&b, 0);
        if (!fits || hf_expr_eval(k, NULL, x->tmp, &v, &ignore) != 0 ||
            (!v.null && holo_encode_text(&b, &k->type, &v, &ignore) != 0)) {
            hf_strbuf_free(&b);
            for (uint32_t j = 0; j < n; j++)
                free(vals[j]);
            free(vals);
            return 0;
        }
        if (v.null) { /* never equal: no child kept for it */
            hf_strbuf_free(&b);
            continue;
        }
        vals[n] = strndup(b.data ? b.data : "", b.len);
        hf_strbuf_free(&b);
        if (vals[n] == NULL) {
            for (uint32_t j = 0; j < n; j++)
                free(vals[j]);
            free(vals);
            return hf_error_set(x->err, HF_ERR_NOMEM, "out of memory");
        }
        n++;
    }
    x->f->prune = vals;
    x->f->nprune = n;
    x->f->pruned = true;
    return 0;
}

int holo_scan_filter_build(struct holo_scan_filter *f,
                           const struct hf_table_def *t,
                           const struct holo_table_meta *m,
                           struct hf_expr *const *conj, uint32_t n,
                           struct hf_error *err)
{
    memset(f, 0, sizeof *f);
    struct hf_strbuf sql;
    hf_strbuf_init(&sql, 0);
    struct sqlctx x = {t, m, &sql, f, hf_batch_new(1, 1), err, 0};
    f->local = calloc(n ? n : 1, sizeof *f->local);
    if (x.tmp == NULL || f->local == NULL) {
        hf_strbuf_free(&sql);
        hf_batch_destroy(x.tmp);
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    int rc = 0;
    for (uint32_t i = 0; i < n && rc == 0; i++) {
        const struct hf_expr *e = conj[i];
        /* WHERE keeps a row when TRUE, as the filter does. */
        if (e->op == HF_X_IS_TRUE && !e->negated)
            e = e->args[0];
        size_t mark = sql.len;
        uint32_t pmark = f->nparams;
        if (f->nconj > 0)
            hf_strbuf_puts(&sql, " AND ");
        int r = to_sql(&x, e);
        if (r < 0) {
            rc = -1;
            break;
        }
        if (r == 0) {
            sql.len = mark;
            while (f->nparams > pmark)
                free(f->values[--f->nparams]);
            f->local[f->nlocal++] = conj[i];
            continue;
        }
        f->nconj++;
        if (prune_of(&x, e) != 0)
            rc = -1;
    }
    hf_batch_destroy(x.tmp);
    if (rc == 0 && !hf_strbuf_ok(&sql))
        rc = hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    if (rc == 0 && f->nconj > 0) {
        f->where = strndup(sql.data, sql.len);
        if (f->where == NULL)
            rc = hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    hf_strbuf_free(&sql);
    return rc;
}

void holo_scan_filter_free(struct holo_scan_filter *f)
{
    for (uint32_t i = 0; i < f->nparams; i++)
        free(f->values[i]);
    free(f->values);
    for (uint32_t i = 0; i < f->nprune; i++)
        free(f->prune[i]);
    free(f->prune);
    free(f->where);
    free(f->local);
    memset(f, 0, sizeof *f);
}

bool holo_scan_filter_keeps(const struct holo_scan_filter *f,
                            const struct holo_table_meta *m, const char *value)
{
    (void)m;
    if (!f->pruned)
        return true;
    for (uint32_t i = 0; i < f->nprune; i++)
        if (value && strcmp(value, f->prune[i]) == 0)
            return true;
    return false;
}

static void mark(const struct hf_expr *e, bool *need, uint32_t ncols)
{
    if (e->op == HF_X_COLUMN && e->column < ncols)
        need[e->column] = true;
    for (uint32_t k = 0; k < e->nargs; k++)
        mark(e->args[k], need, ncols);
}

void holo_scan_filter_columns(const struct holo_scan_filter *f, bool *need,
                              uint32_t ncols)
{
    for (uint32_t i = 0; i < f->nlocal; i++)
        mark(f->local[i], need, ncols);
}

int holo_scan_filter_row(const struct holo_scan_filter *f,
                         const struct hf_value *row, struct hf_batch *b,
                         struct hf_error *err)
{
    for (uint32_t i = 0; i < f->nlocal; i++) {
        struct hf_value v;
        if (hf_expr_eval(f->local[i], row, b, &v, err) != 0)
            return -1;
        if (v.null || !v.v.b)
            return 0;
    }
    return 1;
}
