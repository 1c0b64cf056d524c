/*
 * sync_create.c - `holoflow sync --create-table`: the CREATE TABLE for the
 * writer's target, from the reader's schema.
 *
 * DataWorks' "Create Table" button, as text: the target's columns are the
 * writer's column names (or, with `column: ["*"]`, the reader's), each
 * with the type the reader gives it. File readers give the DataX type of
 * the column (long BIGINT, double DOUBLE PRECISION, string TEXT, date
 * DATE, boolean BOOLEAN, bytes BYTEA; partition directory values TEXT);
 * database readers the source table's column, read from its catalog, as
 * its Flink type mapped to a Hologres type by the appendix of 001_* (INT
 * INTEGER, BIGINT, FLOAT REAL, DOUBLE DOUBLE PRECISION, BOOLEAN, VARCHAR
 * TEXT, DECIMAL NUMERIC, DATE, TIMESTAMP TIMESTAMP WITH TIME ZONE, arrays
 * of the scalar ones); a type the appendix does not list keeps the source
 * column's own type. The source's primary key is kept when all its
 * columns are in the target. A writer `partition: "col=value"` gives
 * `PARTITION BY LIST (col)` (the column added as TEXT when the writer's
 * list lacks it, and to the primary key, which a partitioned table's key
 * must contain). Every identifier is quoted. With --apply the statement
 * runs on the writer's database (nothing else is written).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/log.h"
#include "core/strbuf.h"
#include "holoflow.h"
#include "sync/sync_int.h"

/* ------------------------------------------------------------ names */

/* One part of a table name as the hologres connector reads it: "quoted"
 * as is, plain lowercased. Returns the end, or NULL when malformed. */
static const char *name_part(const char *p, struct hf_strbuf *out)
{
    if (*p == '"') {
        for (p++;; p++) {
            if (*p == '\0')
                return NULL;
            if (*p == '"') {
                if (p[1] != '"')
                    return p + 1;
                p++;
            }
            hf_strbuf_putc(out, *p);
        }
    }
    const char *s = p;
    while (*p && *p != '.')
        hf_strbuf_putc(out, (char)tolower((unsigned char)*p++));
    return p == s ? NULL : p;
}

int sync_put_table(struct hf_strbuf *b, const char *table,
                   struct hf_error *err)
{
    struct hf_strbuf a, c;
    hf_strbuf_init(&a, 0);
    hf_strbuf_init(&c, 0);
    const char *p = name_part(table, &a);
    int rc = 0;
    if (p && *p == '.')
        p = name_part(p + 1, &c);
    if (p == NULL || *p != '\0' || !hf_strbuf_ok(&a) || !hf_strbuf_ok(&c)) {
        rc = hf_error_set(err, HF_ERR_USAGE,
                          "writer table '%s': expected 'table' or "
                          "'schema.table'",
                          table);
    } else {
        hf_strbuf_put_ident(b, a.data);
        if (c.len) {
            hf_strbuf_putc(b, '.');
            hf_strbuf_put_ident(b, c.data);
        }
    }
    hf_strbuf_free(&a);
    hf_strbuf_free(&c);
    return rc;
}

/* ------------------------------------------------------------ types */

/* A DataX column type (file readers, constants) as a Hologres type. */
static const char *datax_type(const char *t)
{
    if (t == NULL || strcasecmp(t, "string") == 0)
        return "TEXT";
    if (strcasecmp(t, "long") == 0 || strcasecmp(t, "int") == 0 ||
        strcasecmp(t, "bigint") == 0)
        return "BIGINT";
    if (strcasecmp(t, "double") == 0 || strcasecmp(t, "float") == 0)
        return "DOUBLE PRECISION";
    if (strcasecmp(t, "date") == 0)
        return "DATE";
    if (strcasecmp(t, "boolean") == 0 || strcasecmp(t, "bool") == 0)
        return "BOOLEAN";
    if (strcasecmp(t, "bytes") == 0)
        return "BYTEA";
    return NULL;
}

static bool has_word(const char *t, const char *w)
{
    size_t n = strlen(w);
    return strncmp(t, w, n) == 0 &&
           (t[n] == '\0' || t[n] == '(' || t[n] == ' ' || t[n] == '>');
}

/* A scalar Flink type in the appendix of 001_*, as its Hologres type into
 * b; false when the appendix does not list it. */
static bool flink_scalar(const char *t, struct hf_strbuf *b)
{
    static const struct {
        const char *flink, *holo;
    } m[] = {{"INT", "INTEGER"},      {"INTEGER", "INTEGER"},
             {"BIGINT", "BIGINT"},    {"FLOAT", "REAL"},
             {"DOUBLE", "DOUBLE PRECISION"},
             {"BOOLEAN", "BOOLEAN"},  {"VARCHAR", "TEXT"},
             {"STRING", "TEXT"},      {"DATE", "DATE"},
             {"TIMESTAMP", "TIMESTAMP WITH TIME ZONE"}};
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        if (has_word(t, m[i].flink)) {
            hf_strbuf_puts(b, m[i].holo);
            return true;
        }
    if (has_word(t, "DECIMAL")) { /* NUMERIC with the same precision */
        const char *p = strchr(t, '(');
        int prec, scale;
        if (p && sscanf(p, "(%d, %d)", &prec, &scale) == 2)
            hf_strbuf_printf(b, "NUMERIC(%d,%d)", prec, scale);
        else
            hf_strbuf_puts(b, "NUMERIC");
        return true;
    }
    return false;
}

/* A source column as the target's type: 001's mapping of its Flink type,
 * else its own server type. */
static void db_type(const hf_column_info_t *c, struct hf_strbuf *b)
{
    const char *t = c->type;
    if (t && strncmp(t, "ARRAY<", 6) == 0) {
        struct hf_strbuf e;
        hf_strbuf_init(&e, 0);
        size_t n = strlen(t);
        char inner[128];
        if (n > 7 && n - 7 < sizeof inner && !strchr(t + 6, '<')) {
            memcpy(inner, t + 6, n - 7);
            inner[n - 7] = '\0';
            if (!has_word(inner, "DECIMAL") && !has_word(inner, "DATE") &&
                !has_word(inner, "TIMESTAMP") && flink_scalar(inner, &e)) {
                hf_strbuf_printf(b, "%s[]", e.data);
                hf_strbuf_free(&e);
                return;
            }
        }
        hf_strbuf_free(&e);
    } else if (t && flink_scalar(t, b)) {
        return;
    }
    hf_strbuf_puts(b, c->pg_type);
}

/* ------------------------------------------------------------ catalog */

static const hf_column_info_t *find(const hf_column_info_t *v, size_t n,
                                    const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].name, name) == 0)
            return &v[i];
    const hf_column_info_t *hit = NULL;
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(v[i].name, name) == 0) {
            if (hit)
                return NULL;
            hit = &v[i];
        }
    return hit;
}

/* ------------------------------------------------------------ statement */

struct tcol {
    const char *name;
    struct hf_strbuf type;
    const hf_column_info_t *src; /* database reader: the source column */
};

/* The reader's column at writer position i: its type into c. */
static int reader_col(const struct sync_reader *r, size_t i,
                      const hf_column_info_t *src, size_t nsrc,
                      struct tcol *c, struct hf_error *err)
{
    const struct sync_col *sc = r->star ? NULL : &r->cols[i];
    if (sc && sc->kind == SYNC_COL_CONST) {
        const char *t = datax_type(sc->type);
        if (t == NULL)
            return hf_error_set(err, HF_ERR_TYPE,
                                "reader column[%zu]: type '%s' has no "
                                "Hologres type",
                                i, sc->type);
        hf_strbuf_puts(&c->type, t);
        return 0;
    }
    if (r->kind == SYNC_R_DB) {
        const char *sname = sc ? sc->name : c->name;
        if (r->query) /* querySql: by position */
            c->src = i < nsrc ? &src[i] : NULL;
        else
            c->src = find(src, nsrc, sname);
        if (c->src == NULL)
            return hf_error_set(err, HF_ERR_TYPE,
                                "reader column '%s': the reader's table '%s' "
                                "has no such column",
                                sname, r->conn.table);
        db_type(c->src, &c->type);
        return 0;
    }
    if (sc && sc->kind == SYNC_COL_PART) {
        hf_strbuf_puts(&c->type, "TEXT");
        return 0;
    }
    const char *t = datax_type(sc ? sc->type : NULL);
    if (t == NULL)
        return hf_error_set(err, HF_ERR_TYPE,
                            "reader column[%zu]: type '%s' has no Hologres "
                            "type",
                            i, sc->type);
    hf_strbuf_puts(&c->type, t);
    return 0;
}

/* Several reader tables: the table is made from the first; every other
 * must give each target column the same engine type (sync_same_type, as
 * the sync checks; a query as many columns) else refused, naming the
 * table and the column. 0, or -1 with err. */
static int others_agree(const struct sync_reader *r,
                        const struct sync_table *more,
                        const hf_column_info_t *src, size_t nsrc,
                        const struct tcol *cols, size_t n, struct hf_error *err)
{
    struct hf_strbuf mism;
    hf_strbuf_init(&mism, 0);
    int rc = 0;
    for (size_t k = 0; rc == 0 && k < r->nmore; k++) {
        const hf_column_info_t *o = more[k].cols;
        size_t no = more[k].n;
        char what[600];
        if (r->query)
            snprintf(what, sizeof what, "querySql[%zu]", k + 1);
        else
            snprintf(what, sizeof what, "table '%s'", r->more[k].table);
        /* as the sync checks them (sync_sql.c): a query by its columns'
         * count and positions, a table by the mapped columns' names; the
         * engine types compared */
        if (r->query && no != nsrc) {
            hf_strbuf_printf(&mism, "\n  %s: %zu columns, querySql[0] has %zu",
                             what, no, nsrc);
            continue;
        }
        for (size_t i = 0; i < n; i++) {
            const hf_column_info_t *s0 = cols[i].src;
            if (s0 == NULL)
                continue;
            size_t pos = (size_t)(s0 - src);
            const hf_column_info_t *s1 =
                r->query ? &o[pos] : find(o, no, s0->name);
            if (s1 == NULL || strcmp(s1->name, s0->name) != 0)
                hf_strbuf_printf(&mism, "\n  %s: no column '%s'", what,
                                 s0->name);
            else if (!sync_same_type(s1, s0))
                hf_strbuf_printf(&mism,
                                 "\n  %s column '%s': %s, the first has %s",
                                 what, s1->name, s1->pg_type, s0->pg_type);
        }
    }
    if (rc == 0 && mism.len)
        rc = hf_error_set(err, HF_ERR_TYPE,
                          "--create-table: the reader's tables disagree with "
                          "its first, '%s', which the table is made from:%s",
                          r->query ? "querySql[0]" : r->conn.table,
                          mism.data);
    hf_strbuf_free(&mism);
    return rc;
}

char *sync_create_table_sql(const struct sync_job *j,
                            const struct sync_catalog *cat,
                            struct hf_error *err)
{
    const struct sync_reader *r = &j->r;
    const struct sync_writer *w = &j->w;
    const hf_column_info_t *src = cat->src.cols;
    size_t nsrc = cat->src.n;
    struct tcol *cols = NULL;
    size_t n = 0;
    char *out = NULL;
    struct hf_strbuf b;
    hf_strbuf_init(&b, 0);
    if (r->kind == SYNC_R_STREAM && w->star) {
        hf_error_set(err, HF_ERR_USAGE,
                     "--create-table: name the writer's columns (a "
                     "streamreader's have no names)");
        goto done;
    }

    /* the target's column names, in order */
    size_t want = 0;
    if (!w->star)
        want = w->ncols;
    else if (r->kind == SYNC_R_DB && r->star)
        want = nsrc;
    else
        want = r->ncols;
    if (want == 0) {
        hf_error_set(err, HF_ERR_USAGE,
                     "--create-table: name the writer's columns (the "
                     "reader's [\"*\"] gives no names)");
        goto done;
    }
    cols = calloc(want + 1, sizeof *cols);
    if (cols == NULL) {
        hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < want; i++) {
        struct tcol *c = &cols[n];
        hf_strbuf_init(&c->type, 0);
        n++;
        if (!w->star) {
            c->name = w->cols[i];
        } else if (r->kind == SYNC_R_DB && r->star) {
            c->name = src[i].name;
        } else if (r->cols[i].name) {
            c->name = r->cols[i].name; /* named fields (json/avro by name) */
        } else {
            hf_error_set(err, HF_ERR_USAGE,
                         "--create-table: writer column [\"*\"] with the "
                         "reader's column[%zu] (%s): name the writer's "
                         "columns",
                         i,
                         r->cols[i].kind == SYNC_COL_CONST ? "a constant"
                                                           : "a file field");
            goto done;
        }
    }
    /* the writer's partition column, when its list lacks it */
    size_t nreader = n;
    if (w->part_col) {
        bool present = false;
        for (size_t i = 0; i < n; i++)
            present |= strcmp(cols[i].name, w->part_col) == 0;
        if (!present) {
            cols[n].name = w->part_col;
            hf_strbuf_init(&cols[n].type, 0);
            hf_strbuf_puts(&cols[n].type, "TEXT");
            n++;
        }
    }
    bool by_name = r->kind == SYNC_R_DB && r->star;
    if (!by_name && !r->star && r->ncols != nreader) {
        hf_error_set(err, HF_ERR_TYPE,
                     "mapping: the reader has %zu columns and the writer %zu "
                     "(columns map by position)",
                     r->ncols, nreader);
        goto done;
    }
    for (size_t i = 0; i < nreader; i++)
        if (reader_col(r, i, src, nsrc, &cols[i], err) != 0)
            goto done;
    if (r->kind == SYNC_R_DB &&
        others_agree(r, cat->more, src, nsrc, cols, nreader, err) != 0)
        goto done;

    /* the statement */
    hf_strbuf_puts(&b, "-- holoflow sync --create-table: the writer's table "
                       "of ");
    sync_put_comment(&b, j->path);
    hf_strbuf_puts(&b, ", from the reader's columns\nCREATE TABLE ");
    if (sync_put_table(&b, w->conn.table, err) != 0)
        goto done;
    hf_strbuf_puts(&b, " (");
    for (size_t i = 0; i < n; i++) {
        hf_strbuf_puts(&b, i ? ",\n    " : "\n    ");
        hf_strbuf_put_ident(&b, cols[i].name);
        hf_strbuf_printf(&b, " %s", cols[i].type.data);
        if (cols[i].src && cols[i].src->not_null && !cols[i].src->pk)
            hf_strbuf_puts(&b, " NOT NULL");
    }
    /* the source's primary key, when every column of it is mapped */
    int npk = 0, found = 0;
    for (size_t i = 0; i < nsrc; i++)
        if (src[i].pk) {
            npk++;
            for (size_t k = 0; k < nreader; k++)
                found += cols[k].src == &src[i];
        }
    if (npk && found == npk) {
        hf_strbuf_puts(&b, ",\n    PRIMARY KEY (");
        bool part_in = w->part_col == NULL;
        for (int p = 1; p <= npk; p++)
            for (size_t k = 0; k < nreader; k++)
                if (cols[k].src && cols[k].src->pk == p) {
                    hf_strbuf_puts(&b, p > 1 ? ", " : "");
                    hf_strbuf_put_ident(&b, cols[k].name);
                    part_in |= strcmp(cols[k].name, w->part_col
                                                        ? w->part_col
                                                        : "") == 0;
                }
        if (!part_in) { /* a partitioned table's key holds its column */
            hf_strbuf_puts(&b, ", ");
            hf_strbuf_put_ident(&b, w->part_col);
        }
        hf_strbuf_putc(&b, ')');
    }
    hf_strbuf_puts(&b, "\n)");
    if (w->part_col) {
        hf_strbuf_puts(&b, " PARTITION BY LIST (");
        hf_strbuf_put_ident(&b, w->part_col);
        hf_strbuf_putc(&b, ')');
    }
    hf_strbuf_puts(&b, ";\n");
    if (!hf_strbuf_ok(&b)) {
        hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        goto done;
    }
    out = b.data;
    b.data = NULL;
done:
    hf_strbuf_free(&b);
    for (size_t i = 0; i < n; i++)
        hf_strbuf_free(&cols[i].type);
    free(cols);
    return out;
}

/* ------------------------------------------------------------ public */

char *hf_sync_create_table(const char *path, const char *const *params,
                           size_t nparams, int apply, hf_err_t *errp,
                           char *errstr, size_t errstr_size)
{
    struct hf_error err;
    hf_error_clear(&err);
    struct sync_job j;
    memset(&j, 0, sizeof j);
    char *sql = NULL;
    if (sync_job_parse(path, params, nparams, &j, &err) != 0)
        goto fail;
    if (j.r.conn.password)
        hf_secret_register(j.r.conn.password);
    if (j.w.conn.password)
        hf_secret_register(j.w.conn.password);
    struct sync_catalog cat;
    if (sync_catalog_read(&j, false, &cat, &err) == 0) {
        sql = sync_create_table_sql(&j, &cat, &err);
        sync_catalog_free(&j, &cat);
    }
    if (sql == NULL) {
        hf_error_prefix(&err, "%s: ", path);
        goto fail;
    }
    if (apply) {
        char *one[] = {sql};
        if (sync_exec_sqls(&j, one, 1, "create-table", &err) != 0) {
            free(sql);
            sql = NULL;
            goto fail;
        }
    }
    sync_job_free(&j);
    if (errp)
        *errp = HF_OK;
    return sql;
fail:
    sync_job_free(&j);
    hf_scrub(err.msg, sizeof err.msg);
    hf_error_export(&err, errp, errstr, errstr_size);
    return NULL;
}
