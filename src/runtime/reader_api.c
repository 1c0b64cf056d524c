/*
 * reader_api.c - the public reader (holoflow.h: hf_reader_*).
 *
 * A reader is a one-query batch job whose rows come back to the caller
 * instead of going to a sink. The table's columns are read from the
 * catalog (the sink's describe_target, so each gets the Flink type that
 * carries its values exactly); then a script
 *
 *   SET 'execution.runtime-mode' = 'batch';
 *   CREATE TABLE `hf_reader` (<every readable column>) WITH (<options>);
 *   CREATE TABLE `hf_reader_out` (<the chosen columns>)
 *     WITH ('connector' = 'blackhole');
 *   INSERT INTO `hf_reader_out` SELECT <the chosen columns>
 *     FROM `hf_reader` WHERE <where>;
 *
 * goes through the same planner as any job, so options, aliases, types
 * and push-down are exactly a job's: the planner hands the source its
 * hints (the columns used, the WHERE's conjuncts the source takes over).
 * The reader then checks the plan is source -> calc -> sink with nothing
 * left in the calc but plain column projections (a WHERE conjunct the
 * source cannot apply is refused, never evaluated some other way), and
 * drives the connector's own source callbacks (holo_scan.c: the shared
 * snapshot, binary COPY, parallel splits) with those hints. The WHERE
 * text only ever reaches holoflow's parser: its constants go to the
 * server as $n parameters.
 *
 * @locality one thread at a time calls a reader's functions, except
 * hf_reader_stop (any thread, signal handlers included).
 */
#include <inttypes.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/log.h"
#include "core/valueconv.h"
#include "formats/json_value.h"
#include "holoflow.h"
#include "metrics/lag_parts.h"
#include "ops/calc.h"
#include "ops/op.h"
#include "runtime/plan.h"
#include "runtime/reader_int.h"
#include "sql/expr_int.h"
#include "sql/planner.h"

#define HF_READER_BATCH_ROWS 4096
#define HF_READER_MAX_OPTIONS 256

struct hf_reader {
    struct hf_job *job;
    const struct hf_table_def *t; /* hf_reader (the source table) */
    struct hf_table_stats stats;
    struct hf_run_ctx ctx;
    atomic_int stopping;
    void *state; /* the source's; NULL once closed */
    struct hf_batch *batch;
    struct hf_arena text; /* get_text's strings, reset per batch */
    size_t ncols;
    uint32_t *map; /* output column -> source table column */
    char **names, **types;
    uint64_t rows;
    bool done, failed;
};

/* ------------------------------------------------------------ planning */

/* Append `s` as a Flink quoted identifier (` doubled). */
static void put_ident(struct hf_strbuf *sb, const char *s)
{
    hf_strbuf_putc(sb, '`');
    for (; *s; s++) {
        if (*s == '`')
            hf_strbuf_putc(sb, '`');
        hf_strbuf_putc(sb, *s);
    }
    hf_strbuf_putc(sb, '`');
}

static void put_literal(struct hf_strbuf *sb, const char *s, size_t n)
{
    hf_strbuf_putc(sb, '\'');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\'')
            hf_strbuf_putc(sb, '\'');
        hf_strbuf_putc(sb, s[i]);
    }
    hf_strbuf_putc(sb, '\'');
}

/* Whether option "key=value" s has canonical key `canon` (hologres). */
static bool option_is(const char *s, const char *canon)
{
    const char *eq = strchr(s, '=');
    if (eq == NULL || (size_t)(eq - s) >= 128)
        return false;
    char key[128], buf[128];
    memcpy(key, s, (size_t)(eq - s));
    key[eq - s] = '\0';
    if (hf_option_canonical("hologres", key, buf, sizeof buf) != HF_OK)
        return strcasecmp(key, canon) == 0;
    return strcmp(buf, canon) == 0;
}

/* The options with the reader's defaults added: a scan with push-down. */
static const char **reader_options(const char *const *options, size_t n,
                                   size_t *out_n)
{
    const char **o = calloc(n + 3, sizeof *o);
    if (o == NULL)
        return NULL;
    bool binlog = false, push = false, conn = false;
    for (size_t i = 0; i < n; i++) {
        o[i] = options[i];
        binlog = binlog || option_is(options[i], "source.binlog");
        push = push || option_is(options[i], "source.filter-push-down.enabled");
        conn = conn || strncasecmp(options[i], "connector=", 10) == 0 ||
               strncasecmp(options[i], "connector.type=", 15) == 0;
    }
    *out_n = n;
    if (!conn)
        o[(*out_n)++] = "connector=hologres";
    if (!binlog)
        o[(*out_n)++] = "source.binlog=false";
    if (!push)
        o[(*out_n)++] = "source.filter-push-down.enabled=true";
    return o;
}

/* The type column `i` of info is declared with: a selected column's
 * declared type when it has one, else the catalog's. */
static const char *decl_type(const hf_column_info_t *info, size_t i,
                             const size_t *sel, const char *const *types,
                             size_t nsel)
{
    for (size_t k = 0; types && k < nsel; k++)
        if (sel[k] == i && types[k] != NULL)
            return types[k];
    return info[i].type;
}

int hf_reader_script(const hf_column_info_t *info, size_t ninfo,
                     const size_t *sel, const char *const *types, size_t nsel,
                     const char *const *opts, size_t nopts, const char *where,
                     struct hf_strbuf *sql, struct hf_error *err)
{
    hf_strbuf_puts(sql, "SET 'execution.runtime-mode' = 'batch';\n"
                        "CREATE TABLE `hf_reader` (");
    bool first = true;
    for (size_t i = 0; i < ninfo; i++) {
        const char *ty = decl_type(info, i, sel, types, nsel);
        if (ty == NULL)
            continue;
        hf_strbuf_puts(sql, first ? "" : ", ");
        first = false;
        put_ident(sql, info[i].name);
        hf_strbuf_printf(sql, " %s", ty);
    }
    hf_strbuf_puts(sql, ") WITH (");
    for (size_t i = 0; i < nopts; i++) {
        const char *eq = strchr(opts[i], '=');
        if (eq == NULL)
            return hf_error_set(err, HF_ERR_OPTION,
                                "reader option %zu is not key=value", i + 1);
        if (i)
            hf_strbuf_puts(sql, ", ");
        put_literal(sql, opts[i], (size_t)(eq - opts[i]));
        hf_strbuf_puts(sql, " = ");
        put_literal(sql, eq + 1, strlen(eq + 1));
    }
    hf_strbuf_puts(sql, ");\nCREATE TABLE `hf_reader_out` (");
    for (size_t k = 0; k < nsel; k++) {
        hf_strbuf_puts(sql, k ? ", " : "");
        put_ident(sql, info[sel[k]].name);
        hf_strbuf_printf(sql, " %s", decl_type(info, sel[k], sel, types, nsel));
    }
    hf_strbuf_puts(sql, ") WITH ('connector' = 'blackhole');\n"
                        "INSERT INTO `hf_reader_out` SELECT ");
    for (size_t k = 0; k < nsel; k++) {
        hf_strbuf_puts(sql, k ? ", " : "");
        put_ident(sql, info[sel[k]].name);
    }
    hf_strbuf_puts(sql, " FROM `hf_reader`");
    if (where != NULL && where[strspn(where, " \t\r\n")] != '\0')
        hf_strbuf_printf(sql, "\nWHERE (\n%s\n)", where);
    hf_strbuf_puts(sql, ";\n");
    return hf_strbuf_ok(sql) ? 0
                             : hf_error_set(err, HF_ERR_NOMEM, "out of memory");
}

/* Columns of the table (describe_target) and the script to plan. */
static int build_script(hf_reader_t *r, const char *const *opts, size_t nopts,
                        const char *const *columns, const char *const *types,
                        size_t ncolumns, const char *where,
                        struct hf_strbuf *sql, struct hf_error *err)
{
    hf_column_info_t *info = NULL;
    size_t ninfo = 0;
    char msg[512];
    hf_err_t rc = hf_writer_describe_target(
        "`hf_reader_probe` INT", opts, nopts, &info, &ninfo, msg, sizeof msg);
    if (rc != HF_OK)
        return hf_error_set(err, rc, "%s", msg);
    int ret = -1;
    size_t nout = ncolumns && columns ? ncolumns : 0;
    if (nout == 0)
        for (size_t i = 0; i < ninfo; i++)
            nout += info[i].type != NULL;
    if (nout == 0) {
        hf_error_set(err, HF_ERR_TYPE,
                     "the table has no column holoflow "
                     "can read");
        goto out;
    }
    size_t *sel = calloc(nout, sizeof *sel);
    r->names = calloc(nout, sizeof *r->names);
    r->types = calloc(nout, sizeof *r->types);
    r->map = calloc(nout, sizeof *r->map);
    if (sel == NULL || r->names == NULL || r->types == NULL || r->map == NULL) {
        free(sel);
        hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (ncolumns && columns) {
        for (size_t k = 0; k < nout; k++) {
            size_t i = 0;
            while (i < ninfo && strcmp(info[i].name, columns[k]) != 0)
                i++;
            if (i == ninfo) {
                hf_error_set(err, HF_ERR_USAGE,
                             "hf_reader_open: the table has no column "
                             "\"%s\"",
                             columns[k]);
                free(sel);
                goto out;
            }
            if (info[i].type == NULL && (types == NULL || types[k] == NULL)) {
                hf_error_set(err, HF_ERR_TYPE,
                             "hf_reader_open: column \"%s\" of type %s has "
                             "no Flink type holoflow can read",
                             columns[k], info[i].pg_type);
                free(sel);
                goto out;
            }
            for (size_t j = 0; j < k; j++)
                if (sel[j] == i) {
                    hf_error_set(err, HF_ERR_USAGE,
                                 "hf_reader_open: column \"%s\" is listed "
                                 "twice",
                                 columns[k]);
                    free(sel);
                    goto out;
                }
            sel[k] = i;
        }
    } else {
        size_t k = 0;
        for (size_t i = 0; i < ninfo; i++)
            if (info[i].type != NULL)
                sel[k++] = i;
            else
                hf_log(HF_LOG_WARN,
                       "reader: column \"%s\" of type %s is "
                       "left out: no Flink type reads it",
                       info[i].name, info[i].pg_type);
    }
    r->ncols = nout;
    for (size_t k = 0; k < nout; k++) {
        r->names[k] = strdup(info[sel[k]].name);
        r->types[k] = strdup(ncolumns && columns && types && types[k]
                                 ? types[k]
                                 : info[sel[k]].type);
        if (r->names[k] == NULL || r->types[k] == NULL) {
            free(sel);
            hf_error_set(err, HF_ERR_NOMEM, "out of memory");
            goto out;
        }
    }
    if (hf_reader_script(info, ninfo, sel, ncolumns && columns ? types : NULL,
                         nout, opts, nopts, where, sql, err) != 0) {
        free(sel);
        goto out;
    }
    free(sel);
    ret = hf_strbuf_ok(sql) ? 0
                            : hf_error_set(err, HF_ERR_NOMEM, "out of memory");
out:
    hf_column_info_free(info, ninfo);
    return ret;
}

int hf_reader_check_plan(struct hf_job *job, size_t ncols, uint32_t *map,
                         struct hf_node **src, struct hf_error *err)
{
    struct hf_graph *g = &job->graph;
    if (g->nnodes != 3 || g->nodes[0].kind != HF_NODE_SOURCE ||
        g->nodes[1].kind != HF_NODE_OP || g->nodes[1].op != &hf_op_calc ||
        g->nodes[2].kind != HF_NODE_SINK)
        return hf_error_set(err, HF_ERR_USAGE,
                            "hf_reader_open: the where clause must be one "
                            "boolean expression over the table's columns");
    const struct hf_calc_spec *c = g->nodes[1].spec;
    if (c->filter != NULL)
        return hf_error_set(
            err, HF_ERR_USAGE,
            "hf_reader_open: the source cannot apply all of the where "
            "clause (it takes comparisons =, <>, <, <=, >, >=, BETWEEN, IN "
            "lists, IS [NOT] NULL, IS [NOT] TRUE/FALSE, boolean columns and "
            "AND/OR/NOT of those over columns and constants; functions, "
            "LIKE and arithmetic are not supported; "
            "'source.filter-push-down.enabled' must not be false)");
    if (c->nproj != ncols)
        return hf_error_set(err, HF_ERR_FAIL, "reader: unexpected plan");
    for (size_t k = 0; k < ncols; k++) {
        const struct hf_expr *e = c->proj[k];
        if (e->op != HF_X_COLUMN)
            return hf_error_set(err, HF_ERR_FAIL,
                                "reader: column %zu is not read as it is", k);
        map[k] = e->column;
    }
    *src = &g->nodes[0];
    return 0;
}

static hf_reader_t *fail_open(hf_reader_t *r, struct hf_error *err,
                              hf_err_t *errp, char *errstr, size_t errstr_size)
{
    if (errp)
        *errp = err->code ? err->code : HF_ERR_FAIL;
    hf_scrub(err->msg, sizeof err->msg);
    hf_error_export(err, NULL, errstr, errstr_size);
    hf_reader_close(r);
    return NULL;
}

hf_reader_t *hf_reader_open(const char *const *options, size_t noptions,
                            const char *const *columns,
                            const char *const *types, size_t ncolumns,
                            const char *where, hf_err_t *errp, char *errstr,
                            size_t errstr_size)
{
    struct hf_error err;
    hf_error_clear(&err);
    if (noptions > HF_READER_MAX_OPTIONS) {
        hf_error_set(&err, HF_ERR_USAGE,
                     "hf_reader_open: more than %d "
                     "options",
                     HF_READER_MAX_OPTIONS);
        return fail_open(NULL, &err, errp, errstr, errstr_size);
    }
    hf_reader_t *r = calloc(1, sizeof *r);
    size_t nopts = 0;
    const char **opts = reader_options(options, noptions, &nopts);
    if (r == NULL || opts == NULL) {
        free(opts);
        hf_error_set(&err, HF_ERR_NOMEM, "out of memory");
        return fail_open(r, &err, errp, errstr, errstr_size);
    }
    hf_arena_init(&r->text);
    struct hf_strbuf sql;
    hf_strbuf_init(&sql, 0);
    int rc = build_script(r, opts, nopts, columns, types, ncolumns, where, &sql,
                          &err);
    free(opts);
    if (rc == 0)
        rc = hf_sql_plan_text("reader", sql.data, NULL, 0, &r->job, &err);
    hf_strbuf_free(&sql);
    struct hf_node *src = NULL;
    if (rc == 0)
        rc = hf_reader_check_plan(r->job, r->ncols, r->map, &src, &err);
    if (rc != 0)
        return fail_open(r, &err, errp, errstr, errstr_size);
    r->t = src->table;
    const struct hf_connector *c = r->t->connector;
    if (!(c->caps & HF_CONN_SOURCE) || c->source_open == NULL ||
        (c->bounded && !c->bounded(r->t))) {
        hf_error_set(&err, HF_ERR_USAGE,
                     "hf_reader_open: connector '%s' does not scan this "
                     "table as a bounded source (is 'source.binlog' on?)",
                     c->name);
        return fail_open(r, &err, errp, errstr, errstr_size);
    }
    r->batch = hf_batch_new(r->t->schema.ncols, HF_READER_BATCH_ROWS);
    if (r->batch == NULL) {
        hf_error_set(&err, HF_ERR_NOMEM, "out of memory");
        return fail_open(r, &err, errp, errstr, errstr_size);
    }
    r->batch->src_name = "hf_reader";
    r->ctx.batch_mode = true;
    r->ctx.stats = &r->stats;
    r->ctx.batch_rows = HF_READER_BATCH_ROWS;
    r->ctx.stopping = &r->stopping;
    r->ctx.scan = src->scan;
    if (c->source_open(r->t, &r->ctx, &r->state, &err) != 0) {
        r->state = NULL;
        return fail_open(r, &err, errp, errstr, errstr_size);
    }
    return r;
}

/* ------------------------------------------------------------ columns */

size_t hf_reader_ncols(const hf_reader_t *r)
{
    return r ? r->ncols : 0;
}

const char *hf_reader_col_name(const hf_reader_t *r, size_t col)
{
    return r && col < r->ncols ? r->names[col] : NULL;
}

const char *hf_reader_col_type(const hf_reader_t *r, size_t col)
{
    return r && col < r->ncols ? r->types[col] : NULL;
}

static const struct hf_type *col_type(const hf_reader_t *r, size_t col)
{
    return &r->t->schema.cols[r->map[col]].type;
}

hf_vec_type_t hf_reader_col_vec(const hf_reader_t *r, size_t col,
                                int64_t *unit_ns)
{
    if (unit_ns)
        *unit_ns = 0;
    if (r == NULL || col >= r->ncols)
        return HF_VEC_NULL;
    switch (col_type(r, col)->id) {
    case HF_BOOLEAN:
        return HF_VEC_BOOL;
    case HF_TINYINT:
        return HF_VEC_INT8;
    case HF_SMALLINT:
        return HF_VEC_INT16;
    case HF_INT:
        return HF_VEC_INT32;
    case HF_BIGINT:
        return HF_VEC_INT64;
    case HF_FLOAT:
        return HF_VEC_FLOAT32;
    case HF_DOUBLE:
        return HF_VEC_FLOAT64;
    case HF_BYTES:
        return HF_VEC_BINARY;
    case HF_DATE:
        if (unit_ns)
            *unit_ns = INT64_C(86400000000000);
        return HF_VEC_DATETIME64;
    case HF_TIMESTAMP:
    case HF_TIMESTAMP_LTZ:
        if (unit_ns)
            *unit_ns = 1000;
        return HF_VEC_DATETIME64;
    case HF_TIME:
        if (unit_ns)
            *unit_ns = 1000;
        return HF_VEC_TIMEDELTA64;
    default:
        return HF_VEC_TEXT;
    }
}

/* ------------------------------------------------------------ batches */

hf_err_t hf_reader_next(hf_reader_t *r, size_t *nrows, char *errstr,
                        size_t errstr_size)
{
    struct hf_error err;
    hf_error_clear(&err);
    *nrows = 0;
    if (r == NULL || r->failed || r->state == NULL) {
        hf_error_set(&err, HF_ERR_STATE, "hf_reader_next: the reader %s",
                     r && r->failed ? "has failed" : "is not open");
        hf_error_export(&err, NULL, errstr, errstr_size);
        return err.code;
    }
    hf_arena_reset(&r->text);
    hf_batch_reset(r->batch);
    while (!r->done) {
        if (atomic_load(&r->stopping)) {
            hf_error_set(&err, HF_ERR_INTERRUPTED,
                         "hf_reader_next: stopped "
                         "by hf_reader_stop");
            break;
        }
        hf_batch_reset(r->batch);
        int rc = r->t->connector->source_read(r->state, r->batch, &err);
        if (rc < 0) {
            if (err.code == HF_OK)
                hf_error_set(&err, HF_ERR_FAIL, "the scan failed");
            break;
        }
        if (rc == 0)
            r->done = true;
        if (r->batch->nrows > 0) {
            *nrows = r->batch->nrows;
            r->rows += r->batch->nrows;
            return HF_OK;
        }
    }
    if (r->done && err.code == HF_OK)
        return HF_OK;
    r->failed = true;
    hf_scrub(err.msg, sizeof err.msg);
    hf_error_export(&err, NULL, errstr, errstr_size);
    return err.code;
}

static const struct hf_value *value_at(const hf_reader_t *r, size_t row,
                                       size_t col)
{
    if (r == NULL || col >= r->ncols || row >= r->batch->nrows)
        return NULL;
    const struct hf_value *v =
        hf_batch_row(r->batch, (uint32_t)row) + r->map[col];
    return v->null ? NULL : v;
}

int hf_reader_is_null(const hf_reader_t *r, size_t row, size_t col)
{
    return value_at(r, row, col) == NULL;
}

int64_t hf_reader_get_int64(const hf_reader_t *r, size_t row, size_t col)
{
    const struct hf_value *v = value_at(r, row, col);
    if (v == NULL)
        return 0;
    switch (col_type(r, col)->id) {
    case HF_BOOLEAN:
        return v->v.b ? 1 : 0;
    case HF_TINYINT:
    case HF_SMALLINT:
    case HF_INT:
    case HF_BIGINT:
    case HF_DATE:
    case HF_TIME:
    case HF_TIMESTAMP:
    case HF_TIMESTAMP_LTZ:
        return v->v.i;
    default:
        return 0;
    }
}

double hf_reader_get_double(const hf_reader_t *r, size_t row, size_t col)
{
    const struct hf_value *v = value_at(r, row, col);
    if (v == NULL)
        return 0;
    switch (col_type(r, col)->id) {
    case HF_FLOAT:
        return v->v.f4;
    case HF_DOUBLE:
        return v->v.f8;
    default:
        return 0;
    }
}

const char *hf_reader_get_text(hf_reader_t *r, size_t row, size_t col,
                               size_t *len)
{
    const struct hf_value *v = value_at(r, row, col);
    if (len)
        *len = 0;
    if (v == NULL)
        return NULL;
    const struct hf_type *t = col_type(r, col);
    if (t->id == HF_BYTES || hf_type_is_string(t->id)) {
        if (len)
            *len = v->v.s.len;
        return hf_arena_strndup(&r->text, v->v.s.ptr, v->v.s.len);
    }
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    hf_value_to_text(t, v, &sb);
    char *s = hf_strbuf_ok(&sb)
                  ? hf_arena_strndup(&r->text, sb.data ? sb.data : "", sb.len)
                  : NULL;
    if (s && len)
        *len = sb.len;
    hf_strbuf_free(&sb);
    return s;
}

/* Append value v of type t as JSON (hf_reader_get_json's rules). */
static void put_json(struct hf_strbuf *sb, const struct hf_type *t,
                     const struct hf_value *v)
{
    if (v->null) {
        hf_strbuf_puts(sb, "null");
        return;
    }
    struct hf_strbuf tmp;
    switch (t->id) {
    case HF_BOOLEAN:
        hf_strbuf_puts(sb, v->v.b ? "true" : "false");
        return;
    case HF_TINYINT:
    case HF_SMALLINT:
    case HF_INT:
    case HF_BIGINT:
    case HF_FLOAT:
    case HF_DOUBLE:
    case HF_DECIMAL:
        hf_value_to_text(t, v, sb);
        return;
    case HF_CHAR:
    case HF_VARCHAR:
    case HF_JSON:
    case HF_JSONB:
        hf_json_put_string(sb, v->v.s.ptr, v->v.s.len);
        return;
    case HF_BYTES:
        hf_strbuf_puts(sb, "\"\\\\x");
        for (uint32_t i = 0; i < v->v.s.len; i++)
            hf_strbuf_printf(sb, "%02x", (unsigned char)v->v.s.ptr[i]);
        hf_strbuf_putc(sb, '"');
        return;
    case HF_ARRAY:
    case HF_MAP:
    case HF_MULTISET:
    case HF_ROW:
        break;
    default:
        hf_strbuf_init(&tmp, 0);
        hf_value_to_text(t, v, &tmp);
        hf_json_put_string(sb, tmp.data ? tmp.data : "", tmp.len);
        hf_strbuf_free(&tmp);
        return;
    }
    const struct hf_array *a = v->v.a;
    if (t->id == HF_ARRAY) {
        struct hf_type et = hf_type_elem(t);
        hf_strbuf_putc(sb, '[');
        for (uint32_t i = 0; i < a->n; i++) {
            if (i)
                hf_strbuf_puts(sb, ", ");
            put_json(sb, &et, &a->items[i]);
        }
        hf_strbuf_putc(sb, ']');
    } else if (t->id == HF_ROW) {
        hf_strbuf_putc(sb, '{');
        for (uint32_t i = 0; i < a->n && i < hf_type_arity(t); i++) {
            if (i)
                hf_strbuf_puts(sb, ", ");
            const char *name = hf_type_field_name(t, i);
            hf_json_put_string(sb, name, strlen(name));
            hf_strbuf_puts(sb, ": ");
            put_json(sb, hf_type_child(t, i), &a->items[i]);
        }
        hf_strbuf_putc(sb, '}');
    } else {
        hf_strbuf_putc(sb, '[');
        for (uint32_t i = 0; i + 1 < hf_array_nitems(t, a); i += 2) {
            hf_strbuf_puts(sb, i ? ", [" : "[");
            put_json(sb, hf_type_child(t, 0), &a->items[i]);
            hf_strbuf_puts(sb, ", ");
            put_json(sb, hf_type_child(t, 1), &a->items[i + 1]);
            hf_strbuf_putc(sb, ']');
        }
        hf_strbuf_putc(sb, ']');
    }
}

const char *hf_reader_get_json(hf_reader_t *r, size_t row, size_t col,
                               size_t *len)
{
    const struct hf_value *v = value_at(r, row, col);
    if (len)
        *len = 0;
    if (v == NULL)
        return NULL;
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    put_json(&sb, col_type(r, col), v);
    char *s = hf_strbuf_ok(&sb)
                  ? hf_arena_strndup(&r->text, sb.data ? sb.data : "", sb.len)
                  : NULL;
    if (s && len)
        *len = sb.len;
    hf_strbuf_free(&sb);
    return s;
}

hf_err_t hf_reader_get_column(const hf_reader_t *r, size_t col, void *data,
                              uint8_t *nulls)
{
    if (r == NULL || col >= r->ncols)
        return HF_ERR_USAGE;
    hf_vec_type_t vt = hf_reader_col_vec(r, col, NULL);
    if (vt == HF_VEC_TEXT || vt == HF_VEC_BINARY)
        return HF_ERR_USAGE;
    uint32_t n = r->batch->nrows, nc = r->batch->ncols, c = r->map[col];
    const struct hf_value *v = r->batch->vals + c;
    for (uint32_t i = 0; i < n; i++, v += nc) {
        bool isnull = v->null;
        if (nulls)
            nulls[i] = isnull;
        switch (vt) {
        case HF_VEC_BOOL:
            ((uint8_t *)data)[i] = !isnull && v->v.b;
            break;
        case HF_VEC_INT8:
            ((int8_t *)data)[i] = isnull ? 0 : (int8_t)v->v.i;
            break;
        case HF_VEC_INT16:
            ((int16_t *)data)[i] = isnull ? 0 : (int16_t)v->v.i;
            break;
        case HF_VEC_INT32:
            ((int32_t *)data)[i] = isnull ? 0 : (int32_t)v->v.i;
            break;
        case HF_VEC_INT64:
            ((int64_t *)data)[i] = isnull ? 0 : v->v.i;
            break;
        case HF_VEC_FLOAT32:
            ((float *)data)[i] = isnull ? NAN : v->v.f4;
            break;
        case HF_VEC_FLOAT64:
            ((double *)data)[i] = isnull ? NAN : v->v.f8;
            break;
        default:
            ((int64_t *)data)[i] = isnull ? INT64_MIN : v->v.i;
            break;
        }
    }
    return HF_OK;
}

uint64_t hf_reader_rows(const hf_reader_t *r)
{
    return r ? r->rows : 0;
}

void hf_reader_stop(hf_reader_t *r)
{
    if (r)
        atomic_store(&r->stopping, 1);
}

void hf_reader_close(hf_reader_t *r)
{
    if (r == NULL)
        return;
    if (r->state && r->t)
        r->t->connector->source_close(r->state);
    hf_lag_parts_destroy(atomic_load(&r->stats.lag_parts)); /* Kafka's */
    hf_batch_destroy(r->batch);
    hf_arena_free(&r->text);
    for (size_t k = 0; k < r->ncols; k++) {
        free(r->names[k]);
        free(r->types[k]);
    }
    free(r->names);
    free(r->types);
    free(r->map);
    hf_job_free(r->job);
    free(r);
}
