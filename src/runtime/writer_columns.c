/*
 * writer_columns.c - column-wise input of the public writer
 * (holoflow.h: hf_writer_put_columns).
 *
 * An embedding program that holds its data by column (the Python module:
 * numpy arrays of a pandas DataFrame) hands each column as one typed
 * vector (hf_vec_t): a buffer of int64, double, datetime64 ticks, ... or
 * an array of UTF-8 pointers. Rows are appended to the writer's batch in
 * chunks, and within a chunk every column is converted in one loop over
 * its vector, straight into the values' slots: numbers and times never go
 * through text, strings are copied once into the batch's arena.
 *
 * Every conversion checks what the column's type can hold: integer ranges,
 * integral floats for integer columns, DECIMAL precision (floats are
 * rounded HALF_UP from their shortest text, the digits a person sees),
 * whole days for DATE. A value that does not convert stops the call at the
 * first such row in row order: the rows before it stay added, it and the
 * rest are not, and the message names the column, the row and the value.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/decimal.h"
#include "core/strbuf.h"
#include "core/valueconv.h"
#include "runtime/writer_int.h"

#define USEC_PER_DAY INT64_C(86400000000)
#define QUOTE_MAX 64

/* ------------------------------------------------------------ reading */

static size_t vec_elem_size(hf_vec_type_t t)
{
    switch (t) {
    case HF_VEC_BOOL:
    case HF_VEC_INT8:
    case HF_VEC_UINT8:
        return 1;
    case HF_VEC_INT16:
    case HF_VEC_UINT16:
        return 2;
    case HF_VEC_INT32:
    case HF_VEC_UINT32:
    case HF_VEC_FLOAT32:
        return 4;
    case HF_VEC_TEXT:
    case HF_VEC_BINARY:
        return sizeof(const char *);
    case HF_VEC_NULL:
    case HF_VEC_LIST:
        return 0;
    default:
        return 8;
    }
}

static const void *vec_at(const hf_vec_t *v, size_t i)
{
    ptrdiff_t stride = v->stride ? v->stride : (ptrdiff_t)vec_elem_size(v->type);
    return (const char *)v->data + (ptrdiff_t)i * stride;
}

/* What one element of a vector holds, read once. */
struct elem {
    enum { E_NULL, E_BOOL, E_INT, E_UINT, E_FLOAT, E_TICKS, E_BYTES, E_LIST } k;
    bool b;
    int64_t i;  /* E_INT, E_TICKS (in the vector's unit) */
    uint64_t u; /* E_UINT */
    double d;   /* E_FLOAT */
    const char *s;
    size_t len;
    int64_t from, to; /* E_LIST: child elements [from, to) */
};

static void read_elem(const hf_vec_t *v, size_t i, struct elem *e)
{
    memset(e, 0, sizeof *e);
    if (v->type == HF_VEC_NULL || (v->nulls && v->nulls[i])) {
        e->k = E_NULL;
        return;
    }
    const void *p = v->type == HF_VEC_LIST ? NULL : vec_at(v, i);
    switch (v->type) {
    case HF_VEC_BOOL:
        e->k = E_BOOL;
        e->b = *(const uint8_t *)p != 0;
        return;
    case HF_VEC_INT8:
        e->k = E_INT, e->i = *(const int8_t *)p;
        return;
    case HF_VEC_INT16:
        e->k = E_INT, e->i = *(const int16_t *)p;
        return;
    case HF_VEC_INT32:
        e->k = E_INT, e->i = *(const int32_t *)p;
        return;
    case HF_VEC_INT64:
        e->k = E_INT, e->i = *(const int64_t *)p;
        return;
    case HF_VEC_UINT8:
        e->k = E_UINT, e->u = *(const uint8_t *)p;
        return;
    case HF_VEC_UINT16:
        e->k = E_UINT, e->u = *(const uint16_t *)p;
        return;
    case HF_VEC_UINT32:
        e->k = E_UINT, e->u = *(const uint32_t *)p;
        return;
    case HF_VEC_UINT64:
        e->k = E_UINT, e->u = *(const uint64_t *)p;
        return;
    case HF_VEC_FLOAT32:
    case HF_VEC_FLOAT64:
        e->d = v->type == HF_VEC_FLOAT32 ? (double)*(const float *)p
                                         : *(const double *)p;
        e->k = isnan(e->d) && v->nan_is_null ? E_NULL : E_FLOAT;
        return;
    case HF_VEC_DATETIME64:
    case HF_VEC_TIMEDELTA64:
        e->i = *(const int64_t *)p;
        e->k = e->i == INT64_MIN ? E_NULL : E_TICKS;
        return;
    case HF_VEC_TEXT:
    case HF_VEC_BINARY:
        e->s = *(const char *const *)p;
        e->len = v->lens ? v->lens[i] : (e->s ? strlen(e->s) : 0);
        e->k = e->s ? E_BYTES : E_NULL;
        return;
    case HF_VEC_LIST:
        e->k = E_LIST;
        e->from = v->offsets[i];
        e->to = v->offsets[i + 1];
        return;
    case HF_VEC_NULL:
        break;
    }
    e->k = E_NULL;
}

/* The element as the message shows it: numbers as numbers, text quoted
 * and cut at QUOTE_MAX bytes. */
static const char *elem_text(const hf_vec_t *v, const struct elem *e,
                             char *buf, size_t n)
{
    switch (e->k) {
    case E_BOOL:
        snprintf(buf, n, "%s", e->b ? "True" : "False");
        break;
    case E_INT:
        snprintf(buf, n, "%" PRId64, e->i);
        break;
    case E_UINT:
        snprintf(buf, n, "%" PRIu64, e->u);
        break;
    case E_FLOAT:
        snprintf(buf, n, "%.17g", e->d);
        break;
    case E_TICKS:
        snprintf(buf, n, "%" PRId64 " x %" PRId64 " ns", e->i, v->unit_ns);
        break;
    case E_BYTES:
        snprintf(buf, n, "'%.*s%s'", (int)(e->len > QUOTE_MAX ? QUOTE_MAX : e->len),
                 e->s, e->len > QUOTE_MAX ? "..." : "");
        break;
    case E_LIST:
        snprintf(buf, n, "a list of %" PRId64 " element(s)", e->to - e->from);
        break;
    case E_NULL:
        snprintf(buf, n, "NULL");
        break;
    }
    return buf;
}

/* ------------------------------------------------------------ converting */

/* Ticks of `unit_ns` nanoseconds to microseconds, rounded down. -1 when
 * that overflows. */
static int ticks_to_usec(int64_t ticks, int64_t unit_ns, int64_t *us)
{
    if (unit_ns <= 0)
        return -1;
    if (unit_ns % 1000 == 0)
        return __builtin_mul_overflow(ticks, unit_ns / 1000, us) ? -1 : 0;
    /* Sub-microsecond units (ns): divide, rounding toward -infinity. */
    if (1000 % unit_ns != 0)
        return -1;
    int64_t per = 1000 / unit_ns;
    int64_t q = ticks / per;
    if (ticks % per != 0 && ticks < 0)
        q--;
    *us = q;
    return 0;
}

static int64_t trunc_usec(int64_t usec, int precision)
{
    if (precision >= 6)
        return usec;
    int64_t unit = 1;
    for (int k = precision; k < 6; k++)
        unit *= 10;
    int64_t q = usec / unit;
    if (usec % unit != 0 && usec < 0)
        q--;
    return q * unit;
}

static struct hf_type elem_type_of(const struct hf_type *t)
{
    struct hf_type e = hf_type_make(t->elem);
    if ((e.id == HF_DECIMAL || e.id == HF_TIME || e.id == HF_TIMESTAMP ||
         e.id == HF_TIMESTAMP_LTZ) &&
        t->precision != 0) {
        e.precision = t->precision;
        e.scale = t->scale;
    }
    return e;
}

/* Numbers and booleans into a string column: their text as Flink's
 * CAST(... AS STRING) spells it. */
static int number_as_text(const struct elem *e, struct hf_batch *b,
                          struct hf_value *out)
{
    char buf[64];
    int n;
    switch (e->k) {
    case E_BOOL:
        n = snprintf(buf, sizeof buf, "%s", e->b ? "TRUE" : "FALSE");
        break;
    case E_INT:
        n = snprintf(buf, sizeof buf, "%" PRId64, e->i);
        break;
    case E_UINT:
        n = snprintf(buf, sizeof buf, "%" PRIu64, e->u);
        break;
    default:
        n = (int)hf_double_to_text(e->d, buf, sizeof buf);
        break;
    }
    return hf_value_set_str(b, out, buf, (size_t)n);
}

/* Convert element `e` of vector `v` to type `t` into `out` (not NULL on
 * entry: the caller handles E_NULL). 0, or -1 with err (the caller adds
 * the column, row and value). */
static int convert(const struct hf_type *t, const hf_vec_t *v,
                   const struct elem *e, struct hf_batch *b,
                   struct hf_value *out, struct hf_error *err)
{
    char tn[64];
    if (e->k == E_BYTES && v->type == HF_VEC_TEXT &&
        !(hf_type_is_string(t->id) || t->id == HF_BYTES))
        return hf_value_from_text(t, e->s, e->len, ';', b, out, err);
    out->null = false;
    switch (t->id) {
    case HF_BOOLEAN:
        if (e->k == E_BOOL) {
            out->v.b = e->b;
            return 0;
        }
        if ((e->k == E_INT && (e->i == 0 || e->i == 1)) ||
            (e->k == E_UINT && e->u <= 1)) {
            out->v.b = e->k == E_INT ? e->i != 0 : e->u != 0;
            return 0;
        }
        if (e->k == E_INT || e->k == E_UINT)
            return hf_error_set(err, HF_ERR_DATA,
                                "a BOOLEAN column takes 0 and 1 only");
        break;
    case HF_TINYINT:
    case HF_SMALLINT:
    case HF_INT:
    case HF_BIGINT: {
        int64_t i;
        if (e->k == E_BOOL) {
            i = e->b;
        } else if (e->k == E_INT) {
            i = e->i;
        } else if (e->k == E_UINT) {
            if (e->u > INT64_MAX)
                goto range;
            i = (int64_t)e->u;
        } else if (e->k == E_FLOAT) {
            if (!isfinite(e->d) || e->d != trunc(e->d))
                return hf_error_set(err, HF_ERR_DATA,
                                    "%s column takes whole numbers only",
                                    hf_type_name(t, tn, sizeof tn));
            if (e->d < -9223372036854775808.0 || e->d >= 9223372036854775808.0)
                goto range;
            i = (int64_t)e->d;
        } else {
            break;
        }
        if (!hf_int_in_range(t->id, i))
            goto range;
        out->v.i = i;
        return 0;
    range:
        return hf_error_set(err, HF_ERR_DATA, "out of the range of %s",
                            hf_type_name(t, tn, sizeof tn));
    }
    case HF_FLOAT:
    case HF_DOUBLE: {
        double d;
        if (e->k == E_INT)
            d = (double)e->i;
        else if (e->k == E_UINT)
            d = (double)e->u;
        else if (e->k == E_FLOAT)
            d = e->d;
        else if (e->k == E_BOOL)
            d = e->b;
        else
            break;
        if (t->id == HF_DOUBLE) {
            out->v.f8 = d;
            return 0;
        }
        float f = (float)d;
        if (isinf(f) && isfinite(d))
            return hf_error_set(err, HF_ERR_DATA, "out of the range of FLOAT");
        out->v.f4 = f;
        return 0;
    }
    case HF_DECIMAL: {
        char buf[64];
        size_t n;
        if (e->k == E_INT)
            n = (size_t)snprintf(buf, sizeof buf, "%" PRId64, e->i);
        else if (e->k == E_UINT)
            n = (size_t)snprintf(buf, sizeof buf, "%" PRIu64, e->u);
        else if (e->k == E_FLOAT && isfinite(e->d))
            n = hf_double_to_text(e->d, buf, sizeof buf);
        else if (e->k == E_FLOAT)
            return hf_error_set(err, HF_ERR_DATA,
                                "a DECIMAL column cannot hold NaN or "
                                "infinity");
        else
            break;
        int rc = hf_dec_parse(buf, n, t->precision, t->scale, &out->v.d);
        if (rc == -2)
            return hf_error_set(err, HF_ERR_DATA, "does not fit %s",
                                hf_type_name(t, tn, sizeof tn));
        if (rc != 0)
            return hf_error_set(err, HF_ERR_DATA, "not a number");
        return 0;
    }
    case HF_CHAR:
    case HF_VARCHAR:
    case HF_JSON:
    case HF_JSONB:
    case HF_BYTES:
        if (e->k == E_BYTES) {
            if (hf_value_set_str(b, out, e->s, e->len) != 0)
                return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
            return 0;
        }
        if (t->id != HF_BYTES && (e->k == E_BOOL || e->k == E_INT ||
                                  e->k == E_UINT || e->k == E_FLOAT)) {
            if (number_as_text(e, b, out) != 0)
                return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
            return 0;
        }
        break;
    case HF_DATE:
    case HF_TIMESTAMP:
    case HF_TIMESTAMP_LTZ: {
        if (e->k != E_TICKS || v->type != HF_VEC_DATETIME64)
            break;
        int64_t us;
        if (ticks_to_usec(e->i, v->unit_ns, &us) != 0)
            return hf_error_set(err, HF_ERR_DATA,
                                "out of the range of a timestamp");
        if (t->id != HF_DATE) {
            out->v.i = trunc_usec(us, t->precision);
            return 0;
        }
        if (us % USEC_PER_DAY != 0)
            return hf_error_set(err, HF_ERR_DATA,
                                "has a time of day; a DATE column takes "
                                "whole days (midnight)");
        out->v.i = us / USEC_PER_DAY;
        return 0;
    }
    case HF_TIME: {
        if (e->k != E_TICKS || v->type != HF_VEC_TIMEDELTA64)
            break;
        int64_t us;
        if (ticks_to_usec(e->i, v->unit_ns, &us) != 0 || us < 0 ||
            us >= USEC_PER_DAY)
            return hf_error_set(err, HF_ERR_DATA,
                                "a TIME column takes a duration from 0 to "
                                "24 hours");
        out->v.i = trunc_usec(us, t->precision);
        return 0;
    }
    case HF_ARRAY: {
        if (e->k != E_LIST)
            break;
        struct hf_type et = elem_type_of(t);
        int64_t n = e->to - e->from;
        if (n < 0 || n > UINT32_MAX)
            return hf_error_set(err, HF_ERR_USAGE, "bad list offsets");
        struct hf_array *a = hf_arena_alloc(
            &b->arena, sizeof *a + (size_t)n * sizeof(struct hf_value));
        if (a == NULL)
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        a->elem = et.id;
        a->n = (uint32_t)n;
        a->items = (struct hf_value *)(a + 1);
        for (int64_t k = 0; k < n; k++) {
            struct elem ce;
            struct hf_value *item = &a->items[k];
            memset(item, 0, sizeof *item);
            item->null = true;
            read_elem(v->child, (size_t)(e->from + k), &ce);
            if (ce.k == E_NULL)
                continue;
            if (convert(&et, v->child, &ce, b, item, err) != 0) {
                char vt[QUOTE_MAX + 16];
                hf_error_prefix(err, "element %" PRId64 " (%s): ", k + 1,
                                elem_text(v->child, &ce, vt, sizeof vt));
                return -1;
            }
        }
        out->v.a = a;
        return 0;
    }
    default:
        break;
    }
    out->null = true;
    return hf_error_set(err, HF_ERR_USAGE, "a %s column cannot take this value",
                        hf_type_name(t, tn, sizeof tn));
}

/* Whether a column of type `t` takes vectors of type `vt` at all (the
 * values are checked one by one later). */
static bool accepts(const struct hf_type *t, const hf_vec_t *v)
{
    switch (v->type) {
    case HF_VEC_NULL:
    case HF_VEC_TEXT:
        return true;
    case HF_VEC_BINARY:
        return hf_type_is_string(t->id) || t->id == HF_BYTES;
    case HF_VEC_DATETIME64:
        return t->id == HF_DATE || t->id == HF_TIMESTAMP ||
               t->id == HF_TIMESTAMP_LTZ;
    case HF_VEC_TIMEDELTA64:
        return t->id == HF_TIME;
    case HF_VEC_LIST:
        return t->id == HF_ARRAY && v->child != NULL && v->offsets != NULL &&
               v->child->type != HF_VEC_LIST;
    default: /* numbers and booleans */
        return t->id == HF_BOOLEAN || hf_type_is_numeric(t->id) ||
               hf_type_is_string(t->id);
    }
}

static const char *const vec_names[] = {
    "NULL",    "BOOL",    "INT8",    "INT16",   "INT32",
    "INT64",   "UINT8",   "UINT16",  "UINT32",  "UINT64",
    "FLOAT32", "FLOAT64", "DATETIME64", "TIMEDELTA64", "TEXT",
    "BINARY",  "LIST"};

/* ------------------------------------------------------------ the call */

hf_err_t hf_writer_put_columns(hf_writer_t *w, size_t nrows,
                               const hf_vec_t *cols, const uint8_t *kinds,
                               int64_t first_row, size_t *bad_row, char *errstr,
                               size_t errstr_size)
{
    struct hf_error err;
    hf_error_clear(&err);
    const struct hf_schema *s = &w->t->schema;
    struct hf_batch *b = w->batch;
    if (bad_row)
        *bad_row = 0;
    for (uint32_t c = 0; c < s->ncols; c++) {
        char tn[64];
        if ((unsigned)cols[c].type > HF_VEC_LIST || !accepts(&s->cols[c].type, &cols[c])) {
            hf_error_set(&err, HF_ERR_USAGE,
                         "column '%s' of type %s cannot take a %s vector",
                         s->cols[c].name,
                         hf_type_name(&s->cols[c].type, tn, sizeof tn),
                         (unsigned)cols[c].type <= HF_VEC_LIST
                             ? vec_names[cols[c].type]
                             : "unknown");
            return hf_writer_export(&err, errstr, errstr_size);
        }
    }
    for (size_t r = 0; kinds && r < nrows; r++)
        if (kinds[r] > HF_ROWKIND_DELETE) {
            hf_error_set(&err, HF_ERR_USAGE, "row %" PRId64 ": invalid row kind %u",
                         first_row + (int64_t)r, kinds[r]);
            return hf_writer_export(&err, errstr, errstr_size);
        }

    size_t done = 0;
    while (done < nrows) {
        if (hf_batch_full(b) && hf_writer_write_batch(w, &err) != 0)
            return hf_writer_export(&err, errstr, errstr_size);
        size_t room = b->cap - b->nrows;
        size_t n = nrows - done < room ? nrows - done : room;
        uint32_t base = b->nrows;
        for (size_t r = 0; r < n; r++) {
            enum hf_rowkind k = kinds ? (enum hf_rowkind)kinds[done + r]
                                      : HF_ROW_INSERT;
            if (hf_batch_add_row(b, k, first_row + (int64_t)(done + r)) == NULL) {
                b->nrows = base;
                hf_error_set(&err, HF_ERR_NOMEM, "out of memory");
                return hf_writer_export(&err, errstr, errstr_size);
            }
        }
        /* Column by column; an error at row r limits the later columns to
         * the rows before r, so the first bad row in row order wins. */
        size_t limit = n;
        for (uint32_t c = 0; c < s->ncols && limit > 0; c++) {
            const hf_vec_t *v = &cols[c];
            const struct hf_type *t = &s->cols[c].type;
            if (v->type == HF_VEC_NULL)
                continue;
            for (size_t r = 0; r < limit; r++) {
                struct elem e;
                size_t i = done + r;
                read_elem(v, i, &e);
                if (e.k == E_NULL)
                    continue;
                struct hf_value *val = &hf_batch_row(b, base + (uint32_t)r)[c];
                struct hf_error cerr;
                hf_error_clear(&cerr);
                if (convert(t, v, &e, b, val, &cerr) == 0)
                    continue;
                char vt[QUOTE_MAX + 16], tn[64];
                hf_error_clear(&err);
                hf_error_set(&err, cerr.code == HF_ERR_NOMEM ? HF_ERR_NOMEM
                                                             : HF_ERR_DATA,
                             "column '%s', row %" PRId64 ", value %s: %s "
                             "(column type %s)",
                             s->cols[c].name, first_row + (int64_t)i,
                             elem_text(v, &e, vt, sizeof vt), cerr.msg,
                             hf_type_name(t, tn, sizeof tn));
                limit = r;
                break;
            }
        }
        b->nrows = base + (uint32_t)limit;
        w->nput += limit;
        if (limit < n) {
            if (bad_row)
                *bad_row = done + limit;
            return hf_writer_export(&err, errstr, errstr_size);
        }
        done += n;
    }
    if (hf_batch_full(b) && hf_writer_write_batch(w, &err) != 0)
        return hf_writer_export(&err, errstr, errstr_size);
    return HF_OK;
}
