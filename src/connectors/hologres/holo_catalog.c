/*
 * holo_catalog.c - the target table's shape, read from pg_catalog, checked
 * against the job, and cached per process.
 *
 * Every query takes the schema and table names as parameters ($1, $2), so
 * names with capitals, spaces, quotes or keywords need no quoting and no
 * value is ever spliced into SQL text. What is read:
 *   - the relation (pg_class/pg_namespace): must be a table ('r') or a
 *     partitioned table ('p'); a miss suggests a name that differs only in
 *     case;
 *   - the columns in attnum order (pg_attribute, pg_type, pg_attrdef):
 *     domains are resolved to their base type for type checks, arrays get
 *     their element type, format_type() gives the printed type;
 *   - the primary key in key order (pg_index.indkey);
 *   - for a LIST-partitioned parent (pg_partitioned_table) its partition
 *     column and the children with their values (pg_inherits and
 *     pg_get_expr(relpartbound): "FOR VALUES IN ('a', 'b')"), sorted by
 *     value so lookups are a binary search. RANGE/HASH parents are treated
 *     as plain tables: the server routes rows to their children itself.
 *
 * holo_catalog_check() is the gate before the first write: each job column
 * must name a table column (exactly, or case-insensitively when that is
 * unambiguous) whose type accepts the Flink type, every primary-key and
 * partition column must be written, generated columns must not be, and a
 * NOT NULL column without a default must be written. Messages name the
 * column and both types. A type that fits by family must also fit by
 * precision: the column must not round what the job can write there
 * (numeric scale, double precision's 15 significant digits for a DECIMAL,
 * fractional seconds of time/timestamp), since PostgreSQL does that
 * without a word; too many integer digits or characters fail loudly per
 * row instead (dirty rows). What "can write" means is the type the caller
 * passes per column: the declared type, or narrower when the INSERT's
 * query CASTs the value (hf_expr_value_bound).
 *
 * holo_catalog_flink_type() names the Flink type that carries a column's
 * values exactly, for the writer API's view of the target table.
 *
 * The cache is a short list of (server, db, schema, table) entries under
 * one mutex; callers get deep copies, so a cached entry is never shared.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "connectors/hologres/holo_catalog.h"

/* PostgreSQL type OIDs (catalog/pg_type.dat; stable across versions). */
#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_TEXT 25
#define OID_JSON 114
#define OID_FLOAT4 700
#define OID_FLOAT8 701
#define OID_BPCHAR 1042
#define OID_VARCHAR 1043
#define OID_DATE 1082
#define OID_TIME 1083
#define OID_TIMESTAMP 1114
#define OID_TIMESTAMPTZ 1184
#define OID_NUMERIC 1700
#define OID_JSONB 3802

/* ------------------------------------------------------------ queries */

static const char q_rel[] =
    "SELECT c.relkind FROM pg_catalog.pg_class c "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = $1 AND c.relname = $2";

static const char q_similar[] =
    "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE lower(n.nspname) = lower($1) AND lower(c.relname) = lower($2) "
    "AND c.relkind IN ('r', 'p') ORDER BY 1, 2 LIMIT 3";

/* %s: the identity and generated expressions, which depend on the server
 * version (attidentity since 10, attgenerated since 12). */
static const char q_cols_fmt[] =
    "SELECT a.attname, bt.oid, "
    "CASE WHEN bt.typcategory = 'A' THEN bt.typelem ELSE 0 END, "
    "CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END, "
    "pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, "
    "pg_catalog.pg_get_expr(d.adbin, d.adrelid), %s, %s, a.attnum, "
    "a.atttypid, et.typtype, et.oid "
    "FROM pg_catalog.pg_attribute a "
    "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
    "JOIN pg_catalog.pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' "
    "THEN t.typbasetype ELSE t.oid END "
    "LEFT JOIN pg_catalog.pg_type et ON et.oid = CASE WHEN "
    "bt.typcategory = 'A' THEN bt.typelem ELSE bt.oid END "
    "LEFT JOIN pg_catalog.pg_attrdef d "
    "ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
    "WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 "
    "AND NOT a.attisdropped ORDER BY a.attnum";

/* The attributes of composite type $1: name, base type, element type,
 * typmod, printed type, declared type, and the kind and OID of the base
 * type (or of the element of an array). */
static const char q_comp[] =
    "SELECT a.attname, bt.oid, "
    "CASE WHEN bt.typcategory = 'A' THEN bt.typelem ELSE 0 END, "
    "CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END, "
    "pg_catalog.format_type(a.atttypid, a.atttypmod), a.atttypid, "
    "et.typtype, et.oid, pg_catalog.format_type(ct.oid, NULL) "
    "FROM pg_catalog.pg_type ct "
    "JOIN pg_catalog.pg_attribute a ON a.attrelid = ct.typrelid "
    "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
    "JOIN pg_catalog.pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' "
    "THEN t.typbasetype ELSE t.oid END "
    "LEFT JOIN pg_catalog.pg_type et ON et.oid = CASE WHEN "
    "bt.typcategory = 'A' THEN bt.typelem ELSE bt.oid END "
    "WHERE ct.oid = $1::pg_catalog.oid AND a.attnum > 0 "
    "AND NOT a.attisdropped ORDER BY a.attnum";

/* Composite types nested deeper than this are refused (a type cannot
 * contain itself, so this only bounds pathological schemas). */
#define COMP_MAX_DEPTH 16

static const char q_pk[] =
    "SELECT i.indkey FROM pg_catalog.pg_index i "
    "JOIN pg_catalog.pg_class c ON c.oid = i.indrelid "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = $1 AND c.relname = $2 AND i.indisprimary";

static const char q_part[] =
    "SELECT pt.partstrat, pt.partattrs FROM pg_catalog.pg_partitioned_table pt "
    "JOIN pg_catalog.pg_class c ON c.oid = pt.partrelid "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = $1 AND c.relname = $2";

static const char q_children[] =
    "SELECT cn.nspname, c.relname, "
    "pg_catalog.pg_get_expr(c.relpartbound, c.oid) "
    "FROM pg_catalog.pg_inherits i "
    "JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid "
    "JOIN pg_catalog.pg_namespace cn ON cn.oid = c.relnamespace "
    "JOIN pg_catalog.pg_class p ON p.oid = i.inhparent "
    "JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace "
    "WHERE pn.nspname = $1 AND p.relname = $2 ORDER BY c.relname";

/* ------------------------------------------------------------ helpers */

static int oom(enum holo_err_class *cls, struct hf_error *err)
{
    if (cls)
        *cls = HOLO_ERR_FATAL;
    return hf_error_set(err, HF_ERR_NOMEM, "out of memory reading the catalog");
}

static int64_t mono_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Run a catalog query with ($1 schema, $2 table). Returns the result (the
 * caller clears it) or NULL with err/cls set. */
static PGresult *run(struct holo_conn *c, const char *sql, const char *schema,
                     const char *table, enum holo_err_class *cls,
                     struct hf_error *err)
{
    const char *params[2] = {schema, table};
    PGresult *r = PQexecParams(c->pg, sql, 2, NULL, params, NULL, NULL, 0);
    if (r && PQresultStatus(r) == PGRES_TUPLES_OK)
        return r;
    enum holo_err_class k = holo_conn_classify(c, r, err);
    if (cls)
        *cls = k;
    hf_error_prefix(err, "reading the catalog of table \"%s\".\"%s\": ", schema,
                    table);
    PQclear(r);
    return NULL;
}

static char *dup_value(const PGresult *r, int row, int col)
{
    if (PQgetisnull(r, row, col))
        return NULL;
    return strdup(PQgetvalue(r, row, col));
}

static long to_long(const char *s)
{
    char *e;
    long v = strtol(s, &e, 10);
    return e == s ? 0 : v;
}

static bool is_true(const char *s)
{
    return s[0] == 't';
}

static void free_parts(struct holo_table_meta *m)
{
    for (uint32_t i = 0; i < m->nparts; i++) {
        free(m->parts[i].value);
        free(m->parts[i].schema);
        free(m->parts[i].table);
    }
    free(m->parts);
    m->parts = NULL;
    m->nparts = 0;
}

static void free_column(struct holo_column *c);

static void free_comp(struct holo_composite *k)
{
    if (k == NULL)
        return;
    for (uint32_t i = 0; i < k->n; i++)
        free_column(&k->attrs[i]);
    free(k->attrs);
    free(k->name);
    free(k);
}

static void free_column(struct holo_column *c)
{
    free(c->name);
    free(c->type_text);
    free(c->default_expr);
    free_comp(c->comp);
    c->comp = NULL;
}

void holo_catalog_free(struct holo_table_meta *m)
{
    if (m == NULL)
        return;
    for (uint32_t i = 0; i < m->ncols; i++)
        free_column(&m->cols[i]);
    free(m->cols);
    free(m->pk);
    free_parts(m);
    free(m->schema);
    free(m->table);
    memset(m, 0, sizeof *m);
    m->part_col = -1;
}

/* ------------------------------------------------------------ partitions */

/* Growable list of (value, schema, table) while parsing bounds. */
struct part_list {
    struct holo_partition *v;
    uint32_t n, cap;
};

static int part_add(struct part_list *l, const char *value, size_t vlen,
                    bool null, const char *schema, const char *table)
{
    if (l->n == l->cap) {
        uint32_t cap = l->cap ? l->cap * 2 : 16;
        struct holo_partition *nv = realloc(l->v, cap * sizeof *nv);
        if (nv == NULL)
            return -1;
        l->v = nv;
        l->cap = cap;
    }
    struct holo_partition *p = &l->v[l->n];
    p->value = null ? NULL : strndup(value, vlen);
    p->schema = strdup(schema);
    p->table = strdup(table);
    if ((!null && p->value == NULL) || p->schema == NULL || p->table == NULL) {
        free(p->value);
        free(p->schema);
        free(p->table);
        return -1;
    }
    l->n++;
    return 0;
}

/* Parse "FOR VALUES IN ('a', 'it''s', 7, NULL)" and add one entry per
 * value. "DEFAULT" and other bounds add nothing. Returns 0, -1 on out of
 * memory, -2 on text it does not understand. */
static int parse_list_bound(const char *b, const char *schema,
                            const char *table, struct part_list *l)
{
    static const char prefix[] = "FOR VALUES IN (";
    if (b == NULL || strncmp(b, prefix, sizeof prefix - 1) != 0)
        return 0;
    const char *p = b + sizeof prefix - 1;
    char *buf = malloc(strlen(p) + 1);
    if (buf == NULL)
        return -1;
    int rc = 0;
    for (;;) {
        while (*p == ' ')
            p++;
        size_t n = 0;
        bool null = false;
        if (*p == '\'' || ((*p == 'E' || *p == 'e') && p[1] == '\'')) {
            bool esc = *p != '\'';
            p += esc ? 2 : 1;
            for (;;) {
                if (*p == '\0') {
                    rc = -2;
                    goto done;
                }
                if (*p == '\'' && p[1] == '\'') {
                    buf[n++] = '\'';
                    p += 2;
                } else if (*p == '\'') {
                    p++;
                    break;
                } else if (esc && *p == '\\' && p[1] != '\0') {
                    buf[n++] = p[1];
                    p += 2;
                } else {
                    buf[n++] = *p++;
                }
            }
            /* A type decoration ("'x'::text") is not part of the value. */
            if (p[0] == ':' && p[1] == ':')
                while (*p && *p != ',' && *p != ')')
                    p++;
        } else {
            const char *s = p;
            while (*p && *p != ',' && *p != ')')
                p++;
            const char *e = p;
            while (e > s && e[-1] == ' ')
                e--;
            if (e == s) {
                rc = -2;
                goto done;
            }
            if ((size_t)(e - s) == 4 && strncasecmp(s, "NULL", 4) == 0)
                null = true;
            n = (size_t)(e - s);
            memcpy(buf, s, n);
        }
        if (part_add(l, buf, n, null, schema, table) != 0) {
            rc = -1;
            goto done;
        }
        while (*p == ' ')
            p++;
        if (*p == ',') {
            p++;
            continue;
        }
        if (*p == ')')
            break;
        rc = -2;
        goto done;
    }
done:
    free(buf);
    return rc;
}

/* NULL sorts first; then bytewise. */
static int value_cmp(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

static int part_cmp(const void *x, const void *y)
{
    const struct holo_partition *a = x, *b = y;
    return value_cmp(a->value, b->value);
}

int holo_catalog_load_partitions(struct holo_conn *c, struct holo_table_meta *m,
                                 enum holo_err_class *cls, struct hf_error *err)
{
    if (cls)
        *cls = HOLO_OK;
    PGresult *r = run(c, q_children, m->schema, m->table, cls, err);
    if (r == NULL)
        return -1;
    struct part_list l = {0};
    for (int i = 0; i < PQntuples(r); i++) {
        const char *bound = PQgetisnull(r, i, 2) ? NULL : PQgetvalue(r, i, 2);
        int rc = parse_list_bound(bound, PQgetvalue(r, i, 0),
                                  PQgetvalue(r, i, 1), &l);
        if (rc == -1) {
            struct holo_table_meta tmp = {.parts = l.v, .nparts = l.n};
            free_parts(&tmp);
            PQclear(r);
            return oom(cls, err);
        }
        if (rc == -2) {
            hf_error_set(err, HF_ERR_SERVER,
                         "cannot read the partition bound of \"%s\".\"%s\" "
                         "(child of \"%s\".\"%s\"): %s",
                         PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), m->schema,
                         m->table, bound);
            if (cls)
                *cls = HOLO_ERR_FATAL;
            struct holo_table_meta tmp = {.parts = l.v, .nparts = l.n};
            free_parts(&tmp);
            PQclear(r);
            return -1;
        }
    }
    PQclear(r);
    if (l.n > 1)
        qsort(l.v, l.n, sizeof *l.v, part_cmp);
    free_parts(m);
    m->parts = l.v;
    m->nparts = l.n;
    return 0;
}

const struct holo_partition *
holo_catalog_find_partition(const struct holo_table_meta *m, const char *value)
{
    size_t lo = 0, hi = m->nparts;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int d = value_cmp(value, m->parts[mid].value);
        if (d == 0)
            return &m->parts[mid];
        if (d < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* ------------------------------------------------------------ load */

/* "1 3 2" (int2vector text) -> attnums. Returns the count (<= max). */
static uint32_t parse_int2vector(const char *s, long *out, uint32_t max)
{
    uint32_t n = 0;
    while (*s && n < max) {
        char *e;
        long v = strtol(s, &e, 10);
        if (e == s)
            break;
        out[n++] = v;
        s = e;
    }
    return n;
}

/* Index of the column with attnum `att`, or -1. */
static int col_of_attnum(const long *attnums, uint32_t n, long att)
{
    for (uint32_t i = 0; i < n; i++)
        if (attnums[i] == att)
            return (int)i;
    return -1;
}

static int not_found(struct holo_conn *c, const char *schema, const char *table,
                     enum holo_err_class *cls, struct hf_error *err)
{
    char hint[512] = "";
    PGresult *r = run(c, q_similar, schema, table, cls, err);
    if (r == NULL)
        return -1;
    if (PQntuples(r) > 0) {
        const char *s = PQgetvalue(r, 0, 0), *t = PQgetvalue(r, 0, 1);
        snprintf(hint, sizeof hint,
                 "; did you mean \"%s\".\"%s\"? (names are case-sensitive: "
                 "write 'tablename' = '\"%s\".\"%s\"')",
                 s, t, s, t);
    }
    PQclear(r);
    if (cls)
        *cls = HOLO_ERR_FATAL;
    hf_error_set(err, HF_ERR_SERVER,
                 "table \"%s\".\"%s\" does not exist in database '%s'%s",
                 schema, table, PQdb(c->pg), hint);
    err->fatal = true;
    return -1;
}

static int load_comp(struct holo_conn *c, Oid oid, int depth,
                     struct holo_composite **out, enum holo_err_class *cls,
                     struct hf_error *err);

/* Fill a column's composite description when its type (or element type)
 * is a composite ('c' in column `kind_col` of r, its OID in the next). */
static int column_comp(struct holo_conn *c, const PGresult *r, int row,
                       int kind_col, int depth, struct holo_column *col,
                       enum holo_err_class *cls, struct hf_error *err)
{
    if (PQgetisnull(r, row, kind_col) ||
        PQgetvalue(r, row, kind_col)[0] != 'c')
        return 0;
    Oid oid = (Oid)strtoul(PQgetvalue(r, row, kind_col + 1), NULL, 10);
    return load_comp(c, oid, depth + 1, &col->comp, cls, err);
}

static int load_comp(struct holo_conn *c, Oid oid, int depth,
                     struct holo_composite **out, enum holo_err_class *cls,
                     struct hf_error *err)
{
    *out = NULL;
    if (depth > COMP_MAX_DEPTH) {
        if (cls)
            *cls = HOLO_ERR_FATAL;
        return hf_error_set(err, HF_ERR_TYPE,
                            "composite types nested more than %d deep",
                            COMP_MAX_DEPTH);
    }
    char oidtext[16];
    snprintf(oidtext, sizeof oidtext, "%u", (unsigned)oid);
    const char *params[1] = {oidtext};
    PGresult *r = PQexecParams(c->pg, q_comp, 1, NULL, params, NULL, NULL, 0);
    if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
        enum holo_err_class k = holo_conn_classify(c, r, err);
        if (cls)
            *cls = k;
        hf_error_prefix(err, "reading composite type %u: ", (unsigned)oid);
        PQclear(r);
        return -1;
    }
    int n = PQntuples(r);
    struct holo_composite *k = calloc(1, sizeof *k);
    if (k == NULL || (k->attrs = calloc(n ? (size_t)n : 1,
                                        sizeof *k->attrs)) == NULL) {
        free(k);
        PQclear(r);
        return oom(cls, err);
    }
    k->oid = oid;
    k->name = n > 0 ? dup_value(r, 0, 8) : strdup("record");
    if (k->name == NULL) {
        free_comp(k);
        PQclear(r);
        return oom(cls, err);
    }
    for (int i = 0; i < n; i++) {
        struct holo_column *a = &k->attrs[k->n++];
        a->name = dup_value(r, i, 0);
        a->type_oid = (Oid)strtoul(PQgetvalue(r, i, 1), NULL, 10);
        a->elem_oid = (Oid)strtoul(PQgetvalue(r, i, 2), NULL, 10);
        a->typmod = (int32_t)to_long(PQgetvalue(r, i, 3));
        a->type_text = dup_value(r, i, 4);
        a->decl_oid = (Oid)strtoul(PQgetvalue(r, i, 5), NULL, 10);
        if (a->name == NULL || a->type_text == NULL) {
            free_comp(k);
            PQclear(r);
            return oom(cls, err);
        }
        if (column_comp(c, r, i, 6, depth, a, cls, err) != 0) {
            free_comp(k);
            PQclear(r);
            return -1;
        }
    }
    PQclear(r);
    *out = k;
    return 0;
}

int holo_catalog_load(struct holo_conn *c, const char *schema,
                      const char *table, struct holo_table_meta *out,
                      enum holo_err_class *cls, struct hf_error *err)
{
    memset(out, 0, sizeof *out);
    out->part_col = -1;
    if (cls)
        *cls = HOLO_OK;
    long *attnums = NULL;

    /* The relation. */
    PGresult *r = run(c, q_rel, schema, table, cls, err);
    if (r == NULL)
        return -1;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return not_found(c, schema, table, cls, err);
    }
    char kind = PQgetvalue(r, 0, 0)[0];
    PQclear(r);
    if (kind != 'r' && kind != 'p') {
        const char *what = kind == 'v'   ? "a view"
                           : kind == 'm' ? "a materialized view"
                           : kind == 'f' ? "a foreign table"
                           : kind == 'S' ? "a sequence"
                                         : "not a table";
        if (cls)
            *cls = HOLO_ERR_FATAL;
        hf_error_set(err, HF_ERR_SERVER,
                     "\"%s\".\"%s\" is %s; holoflow writes into tables", schema,
                     table, what);
        err->fatal = true;
        return -1;
    }
    out->schema = strdup(schema);
    out->table = strdup(table);
    if (out->schema == NULL || out->table == NULL)
        goto nomem;

    /* Columns. */
    char q_cols[sizeof q_cols_fmt + 128];
    int ver = c->server_version;
    snprintf(q_cols, sizeof q_cols, q_cols_fmt,
             ver >= 100000 ? "a.attidentity <> ''" : "false",
             ver >= 120000 ? "a.attgenerated <> ''" : "false");
    r = run(c, q_cols, schema, table, cls, err);
    if (r == NULL)
        goto fail;
    int nrows = PQntuples(r);
    out->cols = calloc(nrows ? (size_t)nrows : 1, sizeof *out->cols);
    attnums = calloc(nrows ? (size_t)nrows : 1, sizeof *attnums);
    if (out->cols == NULL || attnums == NULL) {
        PQclear(r);
        goto nomem;
    }
    for (int i = 0; i < nrows; i++) {
        struct holo_column *col = &out->cols[out->ncols++];
        col->name = dup_value(r, i, 0);
        col->type_oid = (Oid)strtoul(PQgetvalue(r, i, 1), NULL, 10);
        col->elem_oid = (Oid)strtoul(PQgetvalue(r, i, 2), NULL, 10);
        col->typmod = (int32_t)to_long(PQgetvalue(r, i, 3));
        col->type_text = dup_value(r, i, 4);
        col->not_null = is_true(PQgetvalue(r, i, 5));
        col->identity = is_true(PQgetvalue(r, i, 7));
        col->generated = is_true(PQgetvalue(r, i, 8));
        col->default_expr = col->generated ? NULL : dup_value(r, i, 6);
        attnums[i] = to_long(PQgetvalue(r, i, 9));
        col->decl_oid = (Oid)strtoul(PQgetvalue(r, i, 10), NULL, 10);
        if (col->name == NULL || col->type_text == NULL ||
            (!col->generated && !PQgetisnull(r, i, 6) &&
             col->default_expr == NULL)) {
            PQclear(r);
            goto nomem;
        }
        if (column_comp(c, r, i, 11, 0, col, cls, err) != 0) {
            PQclear(r);
            goto fail;
        }
    }
    PQclear(r);

    /* Primary key. */
    r = run(c, q_pk, schema, table, cls, err);
    if (r == NULL)
        goto fail;
    if (PQntuples(r) > 0) {
        long keys[64];
        uint32_t nk = parse_int2vector(PQgetvalue(r, 0, 0), keys, 64);
        out->pk = calloc(nk ? nk : 1, sizeof *out->pk);
        if (out->pk == NULL) {
            PQclear(r);
            goto nomem;
        }
        for (uint32_t k = 0; k < nk; k++) {
            int ci = col_of_attnum(attnums, out->ncols, keys[k]);
            if (ci >= 0) /* 0 = expression: not in a primary key */
                out->pk[out->npk++] = (uint32_t)ci;
        }
    }
    PQclear(r);

    /* LIST partitioning. */
    if (kind == 'p') {
        r = run(c, q_part, schema, table, cls, err);
        if (r == NULL)
            goto fail;
        if (PQntuples(r) > 0 && PQgetvalue(r, 0, 0)[0] == 'l') {
            long keys[4];
            uint32_t nk = parse_int2vector(PQgetvalue(r, 0, 1), keys, 4);
            int ci = nk == 1 ? col_of_attnum(attnums, out->ncols, keys[0]) : -1;
            if (ci >= 0) {
                out->partitioned = true;
                out->part_col = ci;
            }
        }
        PQclear(r);
        if (out->partitioned &&
            holo_catalog_load_partitions(c, out, cls, err) != 0)
            goto fail;
    }
    free(attnums);
    out->loaded_usec = mono_usec();
    return 0;

nomem:
    oom(cls, err);
fail:
    free(attnums);
    holo_catalog_free(out);
    return -1;
}

/* ------------------------------------------------------------ copy */

static int dup_opt(char **dst, const char *src)
{
    *dst = NULL;
    if (src == NULL)
        return 0;
    *dst = strdup(src);
    return *dst ? 0 : -1;
}

static int copy_column(struct holo_column *d, const struct holo_column *s);

static struct holo_composite *copy_comp(const struct holo_composite *s)
{
    struct holo_composite *k = calloc(1, sizeof *k);
    if (k == NULL)
        return NULL;
    k->oid = s->oid;
    k->attrs = calloc(s->n ? s->n : 1, sizeof *k->attrs);
    if (k->attrs == NULL || dup_opt(&k->name, s->name) != 0) {
        free_comp(k);
        return NULL;
    }
    for (uint32_t i = 0; i < s->n; i++) {
        k->n++;
        if (copy_column(&k->attrs[i], &s->attrs[i]) != 0) {
            free_comp(k);
            return NULL;
        }
    }
    return k;
}

/* Deep copy of one column into *d (on failure *d holds what was copied,
 * for free_column). 0 or -1. */
static int copy_column(struct holo_column *d, const struct holo_column *s)
{
    *d = *s;
    d->name = d->type_text = d->default_expr = NULL;
    d->comp = NULL;
    if (dup_opt(&d->name, s->name) || dup_opt(&d->type_text, s->type_text) ||
        dup_opt(&d->default_expr, s->default_expr))
        return -1;
    if (s->comp && (d->comp = copy_comp(s->comp)) == NULL)
        return -1;
    return 0;
}

struct holo_column *holo_column_dup(const struct holo_column *s)
{
    struct holo_column *d = calloc(1, sizeof *d);
    if (d == NULL)
        return NULL;
    if (copy_column(d, s) != 0) {
        holo_column_free(d);
        return NULL;
    }
    return d;
}

void holo_column_free(struct holo_column *c)
{
    if (c == NULL)
        return;
    free_column(c);
    free(c);
}

int holo_catalog_copy(struct holo_table_meta *dst,
                      const struct holo_table_meta *src)
{
    memset(dst, 0, sizeof *dst);
    dst->part_col = src->part_col;
    dst->partitioned = src->partitioned;
    dst->loaded_usec = src->loaded_usec;
    if (dup_opt(&dst->schema, src->schema) || dup_opt(&dst->table, src->table))
        goto nomem;
    dst->cols = calloc(src->ncols ? src->ncols : 1, sizeof *dst->cols);
    dst->pk = calloc(src->npk ? src->npk : 1, sizeof *dst->pk);
    dst->parts = calloc(src->nparts ? src->nparts : 1, sizeof *dst->parts);
    if (!dst->cols || !dst->pk || !dst->parts)
        goto nomem;
    for (uint32_t i = 0; i < src->ncols; i++) {
        dst->ncols++;
        if (copy_column(&dst->cols[i], &src->cols[i]) != 0)
            goto nomem;
    }
    if (src->npk > 0) /* src->pk is NULL for a table without a key */
        memcpy(dst->pk, src->pk, src->npk * sizeof *dst->pk);
    dst->npk = src->npk;
    for (uint32_t i = 0; i < src->nparts; i++) {
        struct holo_partition *d = &dst->parts[i];
        dst->nparts++;
        if (dup_opt(&d->value, src->parts[i].value) ||
            dup_opt(&d->schema, src->parts[i].schema) ||
            dup_opt(&d->table, src->parts[i].table))
            goto nomem;
    }
    return 0;
nomem:
    holo_catalog_free(dst);
    return -1;
}

/* ------------------------------------------------------------ cache */

struct cache_entry {
    char *key;
    struct holo_table_meta meta;
    struct cache_entry *next;
};

static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct cache_entry *cache_head;

/* "host\x1fport\x1fdb\x1fschema\x1ftable" (malloc'd) or NULL. */
static char *cache_key(struct holo_conn *c, const char *schema,
                       const char *table)
{
    const char *host = c->pg ? PQhost(c->pg) : NULL;
    const char *port = c->pg ? PQport(c->pg) : NULL;
    const char *db = c->pg ? PQdb(c->pg) : NULL;
    host = host ? host : "";
    port = port ? port : "";
    db = db ? db : "";
    size_t n = strlen(host) + strlen(port) + strlen(db) + strlen(schema) +
               strlen(table) + 5;
    char *k = malloc(n);
    if (k != NULL)
        snprintf(k, n, "%s\x1f%s\x1f%s\x1f%s\x1f%s", host, port, db, schema,
                 table);
    return k;
}

/* Caller holds cache_mu. */
static struct cache_entry **cache_find(const char *key)
{
    for (struct cache_entry **pp = &cache_head; *pp; pp = &(*pp)->next)
        if (strcmp((*pp)->key, key) == 0)
            return pp;
    return NULL;
}

static void entry_free(struct cache_entry *e)
{
    holo_catalog_free(&e->meta);
    free(e->key);
    free(e);
}

int holo_catalog_get(struct holo_conn *c, const char *schema, const char *table,
                     int64_t ttl_ms, struct holo_table_meta *out,
                     enum holo_err_class *cls, struct hf_error *err)
{
    if (cls)
        *cls = HOLO_OK;
    if (ttl_ms <= 0)
        return holo_catalog_load(c, schema, table, out, cls, err);
    char *key = cache_key(c, schema, table);
    if (key == NULL)
        return oom(cls, err);

    int rc = 1; /* 1: not served from the cache */
    pthread_mutex_lock(&cache_mu);
    struct cache_entry **pp = cache_find(key);
    if (pp && mono_usec() - (*pp)->meta.loaded_usec < ttl_ms * 1000)
        rc = holo_catalog_copy(out, &(*pp)->meta);
    pthread_mutex_unlock(&cache_mu);
    if (rc == 0) {
        free(key);
        return 0;
    }
    if (rc < 0) {
        free(key);
        return oom(cls, err);
    }

    if (holo_catalog_load(c, schema, table, out, cls, err) != 0) {
        free(key);
        return -1;
    }
    struct cache_entry *e = calloc(1, sizeof *e);
    if (e == NULL || holo_catalog_copy(&e->meta, out) != 0) {
        free(e); /* not caching is not an error */
        free(key);
        return 0;
    }
    e->key = key;
    pthread_mutex_lock(&cache_mu);
    pp = cache_find(key);
    if (pp) {
        struct cache_entry *old = *pp;
        *pp = old->next;
        entry_free(old);
    }
    e->next = cache_head;
    cache_head = e;
    pthread_mutex_unlock(&cache_mu);
    return 0;
}

void holo_catalog_invalidate(struct holo_conn *c, const char *schema,
                             const char *table)
{
    char *key = cache_key(c, schema, table);
    if (key == NULL)
        return;
    pthread_mutex_lock(&cache_mu);
    struct cache_entry **pp = cache_find(key);
    if (pp) {
        struct cache_entry *old = *pp;
        *pp = old->next;
        entry_free(old);
    }
    pthread_mutex_unlock(&cache_mu);
    free(key);
}

void holo_catalog_cache_clear(void)
{
    pthread_mutex_lock(&cache_mu);
    while (cache_head) {
        struct cache_entry *e = cache_head;
        cache_head = e->next;
        entry_free(e);
    }
    pthread_mutex_unlock(&cache_mu);
}

/* ------------------------------------------------------------ check */

/* Which PostgreSQL types accept a Flink scalar type. */
struct fit {
    enum hf_type_id id;
    Oid oids[6];
    const char *names; /* for messages */
};

static const struct fit fits[] = {
    {HF_BOOLEAN, {OID_BOOL}, "boolean"},
    {HF_TINYINT,
     {OID_INT2, OID_INT4, OID_INT8, OID_NUMERIC},
     "smallint, integer, bigint, numeric"},
    {HF_SMALLINT,
     {OID_INT2, OID_INT4, OID_INT8, OID_NUMERIC},
     "smallint, integer, bigint, numeric"},
    {HF_INT, {OID_INT4, OID_INT8, OID_NUMERIC}, "integer, bigint, numeric"},
    {HF_BIGINT, {OID_INT8, OID_NUMERIC}, "bigint, numeric"},
    {HF_FLOAT, {OID_FLOAT4, OID_FLOAT8}, "real, double precision"},
    {HF_DOUBLE, {OID_FLOAT8}, "double precision"},
    {HF_DECIMAL, {OID_NUMERIC, OID_FLOAT8}, "numeric, double precision"},
    {HF_CHAR,
     {OID_TEXT, OID_VARCHAR, OID_BPCHAR, OID_JSON, OID_JSONB},
     "text, character varying, character, json, jsonb"},
    {HF_VARCHAR,
     {OID_TEXT, OID_VARCHAR, OID_BPCHAR, OID_JSON, OID_JSONB},
     "text, character varying, character, json, jsonb"},
    {HF_BYTES, {OID_BYTEA}, "bytea"},
    {HF_DATE, {OID_DATE}, "date"},
    {HF_TIME, {OID_TIME}, "time without time zone"},
    {HF_TIMESTAMP,
     {OID_TIMESTAMP, OID_TIMESTAMPTZ},
     "timestamp without time zone, timestamp with time zone"},
    {HF_TIMESTAMP_LTZ,
     {OID_TIMESTAMPTZ, OID_TIMESTAMP},
     "timestamp with time zone, timestamp without time zone"},
    {HF_JSON,
     {OID_JSON, OID_JSONB, OID_TEXT, OID_VARCHAR},
     "json, jsonb, text, character varying"},
    {HF_JSONB,
     {OID_JSONB, OID_JSON, OID_TEXT, OID_VARCHAR},
     "jsonb, json, text, character varying"},
};

static const struct fit *fit_of(enum hf_type_id id)
{
    for (size_t i = 0; i < sizeof fits / sizeof fits[0]; i++)
        if (fits[i].id == id)
            return &fits[i];
    return NULL;
}

static bool fit_has(const struct fit *f, Oid oid)
{
    for (size_t i = 0; f && i < sizeof f->oids / sizeof f->oids[0]; i++)
        if (f->oids[i] != 0 && f->oids[i] == oid)
            return true;
    return false;
}

/* Where a value goes: a column, an array's element, or a composite's
 * attribute. `comp` describes a composite target. */
struct target {
    Oid oid;  /* base type */
    Oid elem; /* arrays: element type, else 0 */
    const struct holo_composite *comp;
};

static struct target target_of(const struct holo_column *col)
{
    struct target g = {col->type_oid, col->elem_oid, col->comp};
    return g;
}

static bool is_json_oid(Oid oid)
{
    return oid == OID_JSON || oid == OID_JSONB;
}

/* "integer[], bigint[]" from a scalar fit's list. */
static void array_names(const char *names, char *accepted, size_t n)
{
    size_t off = 0;
    const char *p = names;
    accepted[0] = '\0';
    while (*p && off + 1 < n) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        int w = snprintf(accepted + off, n - off, "%.*s[]%s", (int)len, p,
                         e ? ", " : "");
        if (w < 0)
            break;
        off += (size_t)w;
        if (!e)
            break;
        p = e + 1;
        while (*p == ' ')
            p++;
    }
}

/* Does a value of Flink type t fit target g? `why` gets a detail when the
 * misfit is deep inside (a composite's attribute). */
static bool value_fits(const struct hf_type *t, struct target g, char *why,
                       size_t n, int depth)
{
    if (depth > 64)
        return false;
    if (g.elem != 0) {
        if (t->id != HF_ARRAY)
            return false;
        /* ARRAY<ARRAY<T>> is a multidimensional array of T. */
        struct hf_type e = hf_type_elem(t);
        while (e.id == HF_ARRAY)
            e = hf_type_elem(&e);
        struct target eg = {g.elem, 0, g.comp};
        return value_fits(&e, eg, why, n, depth + 1);
    }
    if (g.comp != NULL) {
        if (t->id != HF_ROW)
            return false;
        uint32_t k = hf_type_arity(t);
        if (k != g.comp->n) {
            snprintf(why, n, "the ROW has %u field%s, composite type %s has %u",
                     k, k == 1 ? "" : "s", g.comp->name, g.comp->n);
            return false;
        }
        for (uint32_t i = 0; i < k; i++) {
            const struct holo_column *a = &g.comp->attrs[i];
            const struct hf_type *ft = hf_type_child(t, i);
            char inner[200] = "";
            if (!value_fits(ft, target_of(a), inner, sizeof inner,
                            depth + 1)) {
                char tn[96];
                if (inner[0])
                    snprintf(why, n, "%s", inner);
                else
                    snprintf(why, n,
                             "field '%s' (%s) does not fit attribute \"%s\" "
                             "(%s) of composite type %s",
                             hf_type_field_name(t, i),
                             hf_type_name(ft, tn, sizeof tn), a->name,
                             a->type_text, g.comp->name);
                return false;
            }
        }
        return true;
    }
    if (hf_type_is_nested(t->id))
        return is_json_oid(g.oid);
    return fit_has(fit_of(t->id), g.oid);
}

/* Does a value of Flink type t fit column col? Sets the accepted list for
 * messages and, for a misfit inside a composite, a detail. ARRAY<T> fits
 * U[] when T fits U (nested arrays: U[] of any dimension); ROW, MAP,
 * MULTISET and ARRAY fit json and jsonb (as JSON); a ROW fits a composite
 * type of as many attributes, field by field in order. */
static bool type_fits(const struct hf_type *t, const struct holo_column *col,
                      char *accepted, size_t n, char *why, size_t wn)
{
    why[0] = '\0';
    if (hf_type_is_nested(t->id)) {
        char tail[64];
        snprintf(tail, sizeof tail, "json, jsonb%s",
                 t->id == HF_ROW ? ", a composite type of as many fields"
                                 : "");
        if (t->id == HF_ARRAY) {
            struct hf_type e = hf_type_elem(t);
            while (e.id == HF_ARRAY)
                e = hf_type_elem(&e);
            const struct fit *f = fit_of(e.id);
            char arr[200];
            if (f)
                array_names(f->names, arr, sizeof arr);
            else if (e.id == HF_ROW)
                snprintf(arr, sizeof arr,
                         "json[], jsonb[], an array of a composite type");
            else
                snprintf(arr, sizeof arr, "json[], jsonb[]");
            snprintf(accepted, n, "%s, %s", arr, tail);
        } else {
            snprintf(accepted, n, "%s", tail);
        }
        return value_fits(t, target_of(col), why, wn, 0);
    }
    const struct fit *f = fit_of(t->id);
    snprintf(accepted, n, "%s", f ? f->names : "nothing");
    /* A STRING into an array column is split at field_delimiter, as the
     * legacy connector did (holo_writer.c, split_row). */
    if (col->elem_oid != 0 && (t->id == HF_VARCHAR || t->id == HF_CHAR))
        return true;
    return col->elem_oid == 0 && col->comp == NULL && fit_has(f, col->type_oid);
}

static void table_columns(const struct holo_table_meta *m, char *buf, size_t n)
{
    size_t off = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < m->ncols && off < n; i++) {
        int w = snprintf(buf + off, n - off, "%s%s", i ? ", " : "",
                         m->cols[i].name);
        if (w < 0)
            break;
        off += (size_t)w;
    }
}

/* ------------------------------------------------------------ precision */

/* What a column's typmod allows (atttypmod, or the domain's typtypmod).
 * numeric(P,S): typmod = ((P << 16) | (S & 0x7ff)) + 4, the scale an
 * 11-bit signed number since PostgreSQL 15 (numeric(3,-2)); -1 when
 * unconstrained. time/timestamp/timestamptz(q): typmod = q, -1 meaning 6. */
static bool numeric_mod(const struct holo_column *col, int *prec, int *scale)
{
    if (col->typmod < 4)
        return false;
    int32_t mod = col->typmod - 4;
    *prec = (mod >> 16) & 0xffff;
    *scale = ((mod & 0x7ff) ^ 1024) - 1024;
    return true;
}

static int frac_digits_mod(const struct holo_column *col)
{
    return col->typmod >= 0 && col->typmod < 6 ? col->typmod : 6;
}

/* Significant decimal digits a double precision value keeps through a
 * round trip (DBL_DIG). */
#define FLOAT8_DIGITS 15

/* Would column `col` silently change a value of type `vt` (the bound of
 * what the job writes there)? Returns true when every value is stored as
 * it is or refused loudly. Otherwise fills `why` with what PostgreSQL
 * would do and `fit` with the job type that would fit (for the message).
 * Only called once the type family fits (type_fits).
 *
 * Silent changes are refused: numeric rounds to its scale, double
 * precision to 15 significant digits, time and timestamp to their
 * fractional digits. Loud ones are left to the row: a value with more
 * integer digits than numeric(P,S) allows fails with "numeric field
 * overflow", a string longer than varchar(m)/char(m) with "value too
 * long" (only excess trailing spaces are cut, as the SQL standard says),
 * and the writer makes such a row dirty, naming the column. */
static bool lossless(const struct hf_type *vt, const struct holo_column *col,
                     char *why, size_t n, struct hf_type *fit)
{
    int prec, scale, q;
    *fit = *vt;
    fit->not_null = false;
    switch (col->type_oid) {
    case OID_NUMERIC:
        /* An integer type has scale 0. */
        if (!numeric_mod(col, &prec, &scale) ||
            (vt->id == HF_DECIMAL ? vt->scale : 0) <= scale)
            return true;
        if (scale < 0) {
            /* numeric(3,-1) (PostgreSQL 15) rounds 15 to 20: no job type
             * fits. */
            fit->id = HF_BOOLEAN;
            snprintf(why, n,
                     "its negative scale rounds every value to a multiple "
                     "of 1e%d",
                     -scale);
            return false;
        }
        /* The column's own type as a valid DECIMAL (numeric(2,5) is
         * DECIMAL(5, 5)). */
        *fit = hf_type_make(HF_DECIMAL);
        fit->scale = (uint8_t)scale;
        if (prec < scale)
            prec = scale;
        fit->precision =
            (uint8_t)(prec > HF_DECIMAL_MAX_PRECISION ? HF_DECIMAL_MAX_PRECISION
                                                      : prec);
        if (scale > 0)
            snprintf(why, n,
                     "it keeps %d digit%s after the decimal point and "
                     "PostgreSQL would round the rest away",
                     scale, scale == 1 ? "" : "s");
        else
            snprintf(why, n,
                     "it keeps no digits after the decimal point and "
                     "PostgreSQL would round the fraction away");
        return false;
    case OID_FLOAT8:
        if (vt->id == HF_DECIMAL && vt->precision > FLOAT8_DIGITS) {
            *fit = hf_type_make(HF_DOUBLE);
            snprintf(why, n,
                     "double precision keeps %d significant digits and "
                     "PostgreSQL would round the rest away",
                     FLOAT8_DIGITS);
            return false;
        }
        return true;
    case OID_TIME:
    case OID_TIMESTAMP:
    case OID_TIMESTAMPTZ:
        if (vt->id != HF_TIME && vt->id != HF_TIMESTAMP &&
            vt->id != HF_TIMESTAMP_LTZ)
            return true;
        q = frac_digits_mod(col);
        if (vt->precision <= q)
            return true;
        fit->precision = (uint8_t)q;
        if (q > 0)
            snprintf(why, n,
                     "it keeps %d fractional digit%s of a second and "
                     "PostgreSQL would round the rest away",
                     q, q == 1 ? "" : "s");
        else
            snprintf(why, n,
                     "it keeps whole seconds and PostgreSQL would round the "
                     "fraction (12:00:00.999 would become 12:00:01)");
        return false;
    default:
        return true;
    }
}

/* The table column for job column `name`: exact match, else the one
 * case-insensitive match. -1 none, -2 ambiguous. */
static int match_column(const struct holo_table_meta *m, const char *name)
{
    int found = -1;
    for (uint32_t j = 0; j < m->ncols; j++)
        if (strcmp(m->cols[j].name, name) == 0)
            return (int)j;
    for (uint32_t j = 0; j < m->ncols; j++)
        if (strcasecmp(m->cols[j].name, name) == 0) {
            if (found >= 0)
                return -2;
            found = (int)j;
        }
    return found;
}

/* Refuse writing values of type `vt` (declared `jc->type`) into `col`
 * when the column would round or cut them. 0, or -1 with err. */
static int check_precision(const struct holo_table_meta *m,
                           const struct hf_column *jc, const struct hf_type *vt,
                           const struct holo_column *col, struct hf_error *err)
{
    char why[200], decl[64], vals[64], fitname[64], via[112] = "";
    struct hf_type fit;
    if (hf_type_is_nested(jc->type.id) ||
        lossless(vt, col, why, sizeof why, &fit))
        return 0;
    hf_type_name(&jc->type, decl, sizeof decl);
    hf_type_name(vt, vals, sizeof vals);
    hf_type_name(&fit, fitname, sizeof fitname);
    if (strcmp(decl, vals) != 0)
        snprintf(via, sizeof via, " (the INSERT's query gives it %s)", vals);
    if (fit.id == HF_BOOLEAN) /* no job type fits */
        return hf_error_set(err, HF_ERR_TYPE,
                            "column '%s' of the job has type %s%s, but column "
                            "\"%s\" of table \"%s\".\"%s\" is %s: %s; widen "
                            "the table's column",
                            jc->name, decl, via, col->name, m->schema, m->table,
                            col->type_text, why);
    if (fit.id != jc->type.id)
        return hf_error_set(err, HF_ERR_TYPE,
                            "column '%s' of the job has type %s%s, but column "
                            "\"%s\" of table \"%s\".\"%s\" is %s: %s; declare "
                            "the job's column %s to accept that, or widen "
                            "the table's column",
                            jc->name, decl, via, col->name, m->schema, m->table,
                            col->type_text, why, fitname);
    return hf_error_set(err, HF_ERR_TYPE,
                        "column '%s' of the job has type %s%s, but column "
                        "\"%s\" of table \"%s\".\"%s\" is %s: %s; to narrow "
                        "on purpose, CAST the value to %s in the INSERT's "
                        "query or declare the job's column %s; or widen the "
                        "table's column",
                        jc->name, decl, via, col->name, m->schema, m->table,
                        col->type_text, why, fitname, fitname);
}

int holo_catalog_check(const struct holo_table_meta *m,
                       const struct hf_schema *job,
                       const struct hf_type *vtypes, uint32_t *map,
                       struct hf_error *err)
{
    char cols[768];
    bool *written = calloc(m->ncols ? m->ncols : 1, sizeof *written);
    int32_t *by = calloc(m->ncols ? m->ncols : 1, sizeof *by);
    if (written == NULL || by == NULL) {
        free(written);
        free(by);
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    int rc = -1;
    for (uint32_t i = 0; i < job->ncols; i++) {
        const struct hf_column *jc = &job->cols[i];
        if (jc->kind != HF_COL_PHYSICAL) {
            map[i] = UINT32_MAX; /* computed/metadata: not written */
            continue;
        }
        int j = match_column(m, jc->name);
        if (j == -1) {
            table_columns(m, cols, sizeof cols);
            hf_error_set(err, HF_ERR_TYPE,
                         "column '%s' of the job does not exist in table "
                         "\"%s\".\"%s\" (columns: %s)",
                         jc->name, m->schema, m->table, cols);
            goto out;
        }
        if (j == -2) {
            hf_error_set(err, HF_ERR_TYPE,
                         "column '%s' of the job matches several columns of "
                         "table \"%s\".\"%s\" that differ only in case; "
                         "name one of them exactly",
                         jc->name, m->schema, m->table);
            goto out;
        }
        const struct holo_column *col = &m->cols[j];
        if (written[j]) {
            hf_error_set(err, HF_ERR_TYPE,
                         "columns '%s' and '%s' of the job both write column "
                         "\"%s\" of table \"%s\".\"%s\"",
                         job->cols[by[j]].name, jc->name, col->name, m->schema,
                         m->table);
            goto out;
        }
        if (col->generated) {
            hf_error_set(err, HF_ERR_TYPE,
                         "column \"%s\" of table \"%s\".\"%s\" is generated "
                         "(GENERATED ALWAYS AS ... STORED) and cannot be "
                         "written; remove '%s' from the job's columns",
                         col->name, m->schema, m->table, jc->name);
            goto out;
        }
        char accepted[320], fname[160], why[300];
        if (!type_fits(&jc->type, col, accepted, sizeof accepted, why,
                       sizeof why)) {
            hf_type_name(&jc->type, fname, sizeof fname);
            hf_error_set(err, HF_ERR_TYPE,
                         "column '%s' of the job has type %s, which does not "
                         "fit column \"%s\" of type %s in table \"%s\".\"%s\" "
                         "(%s%s%s can be written to: %s)",
                         jc->name, fname, col->name, col->type_text, m->schema,
                         m->table, why, why[0] ? "; " : "", fname, accepted);
            goto out;
        }
        if (check_precision(m, jc, vtypes ? &vtypes[i] : &jc->type, col, err) !=
            0)
            goto out;
        written[j] = true;
        by[j] = (int32_t)i;
        map[i] = (uint32_t)j;
    }
    for (uint32_t k = 0; k < m->npk; k++) {
        const struct holo_column *col = &m->cols[m->pk[k]];
        if (!written[m->pk[k]]) {
            hf_error_set(err, HF_ERR_TYPE,
                         "primary-key column \"%s\" of table \"%s\".\"%s\" is "
                         "not a column of the job; the job must write every "
                         "primary-key column",
                         col->name, m->schema, m->table);
            goto out;
        }
    }
    if (m->partitioned && m->part_col >= 0 && !written[m->part_col]) {
        hf_error_set(err, HF_ERR_TYPE,
                     "partition column \"%s\" of table \"%s\".\"%s\" is not a "
                     "column of the job; rows cannot be routed to a partition "
                     "without it",
                     m->cols[m->part_col].name, m->schema, m->table);
        goto out;
    }
    for (uint32_t j = 0; j < m->ncols; j++) {
        const struct holo_column *col = &m->cols[j];
        if (!written[j] && col->not_null && col->default_expr == NULL &&
            !col->identity && !col->generated) {
            hf_error_set(err, HF_ERR_TYPE,
                         "column \"%s\" of table \"%s\".\"%s\" is NOT NULL "
                         "without a default and the job does not write it; "
                         "add it to the job's columns",
                         col->name, m->schema, m->table);
            goto out;
        }
    }
    rc = 0;
out:
    free(written);
    free(by);
    return rc;
}

/* ------------------------------------------------------------ describe */

/* The Flink type of a scalar column type `oid` with typmod `mod` (the
 * column's, or an array column's, which applies to its elements). */
static int scalar_flink_type(Oid oid, const struct holo_column *col, char *buf,
                             size_t n)
{
    int prec, scale;
    switch (oid) {
    case OID_BOOL:
        snprintf(buf, n, "BOOLEAN");
        return 0;
    case OID_INT2:
        snprintf(buf, n, "SMALLINT");
        return 0;
    case OID_INT4:
        snprintf(buf, n, "INT");
        return 0;
    case OID_INT8:
        snprintf(buf, n, "BIGINT");
        return 0;
    case OID_FLOAT4:
        snprintf(buf, n, "FLOAT");
        return 0;
    case OID_FLOAT8:
        snprintf(buf, n, "DOUBLE");
        return 0;
    case OID_NUMERIC:
        if (!numeric_mod(col, &prec, &scale)) {
            snprintf(buf, n, "DECIMAL(38, 18)");
            return 0;
        }
        if (scale < 0 || scale > HF_DECIMAL_MAX_PRECISION)
            return -1;
        if (prec > HF_DECIMAL_MAX_PRECISION)
            prec = HF_DECIMAL_MAX_PRECISION;
        if (prec < scale)
            prec = scale;
        snprintf(buf, n, "DECIMAL(%d, %d)", prec, scale);
        return 0;
    case OID_TEXT:
    case OID_VARCHAR:
    case OID_BPCHAR:
    case OID_JSON:
    case OID_JSONB:
        snprintf(buf, n, "STRING");
        return 0;
    case OID_BYTEA:
        snprintf(buf, n, "BYTES");
        return 0;
    case OID_DATE:
        snprintf(buf, n, "DATE");
        return 0;
    case OID_TIME:
        snprintf(buf, n, "TIME(%d)", frac_digits_mod(col));
        return 0;
    case OID_TIMESTAMP:
        snprintf(buf, n, "TIMESTAMP(%d)", frac_digits_mod(col));
        return 0;
    case OID_TIMESTAMPTZ:
        snprintf(buf, n, "TIMESTAMP_LTZ(%d)", frac_digits_mod(col));
        return 0;
    default:
        return -1;
    }
}

int holo_catalog_flink_type(const struct holo_column *col, char *buf, size_t n)
{
    if (col->elem_oid == 0)
        return scalar_flink_type(col->type_oid, col, buf, n);
    char elem[64];
    if (scalar_flink_type(col->elem_oid, col, elem, sizeof elem) != 0)
        return -1;
    snprintf(buf, n, "ARRAY<%s>", elem);
    return 0;
}

/* ------------------------------------------------------------ a query */

int holo_catalog_query(struct holo_conn *c, const char *query,
                       const char *schema, const char *table,
                       struct holo_table_meta *out, enum holo_err_class *cls,
                       struct hf_error *err)
{
    if (cls)
        *cls = HOLO_OK;
    memset(out, 0, sizeof *out);
    out->part_col = -1;
    struct hf_strbuf q;
    hf_strbuf_init(&q, 0);
    hf_strbuf_printf(&q, "SELECT * FROM (%s) AS \"hf_query\" LIMIT 0", query);
    if (!hf_strbuf_ok(&q)) {
        hf_strbuf_free(&q);
        return oom(cls, err);
    }
    PGresult *r = PQprepare(c->pg, "", q.data, 0, NULL);
    hf_strbuf_free(&q);
    if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK) {
        enum holo_err_class k = holo_conn_classify(c, r, err);
        if (cls)
            *cls = k;
        hf_error_prefix(err, "source.scan.query: ");
        PQclear(r);
        return -1;
    }
    PQclear(r);
    PGresult *d = PQdescribePrepared(c->pg, "");
    if (d == NULL || PQresultStatus(d) != PGRES_COMMAND_OK) {
        enum holo_err_class k = holo_conn_classify(c, d, err);
        if (cls)
            *cls = k;
        hf_error_prefix(err, "source.scan.query: ");
        PQclear(d);
        return -1;
    }
    int n = PQnfields(d);
    out->schema = strdup(schema);
    out->table = strdup(table);
    out->cols = calloc(n ? (size_t)n : 1, sizeof *out->cols);
    if (out->schema == NULL || out->table == NULL || out->cols == NULL) {
        PQclear(d);
        holo_catalog_free(out);
        return oom(cls, err);
    }
    for (int i = 0; i < n; i++) {
        struct holo_column *col = &out->cols[out->ncols++];
        col->name = strdup(PQfname(d, i));
        col->type_oid = PQftype(d, i);
        col->decl_oid = col->type_oid;
        col->typmod = PQfmod(d, i);
        char oid[16], mod[16];
        snprintf(oid, sizeof oid, "%u", (unsigned)col->type_oid);
        snprintf(mod, sizeof mod, "%d", (int)col->typmod);
        const char *params[2] = {oid, mod};
        PGresult *t = PQexecParams(
            c->pg,
            "SELECT format_type(t.oid, $2::int4), t.typelem, t.typtype "
            "FROM pg_type t WHERE t.oid = $1::oid",
            2, NULL, params, NULL, NULL, 0);
        if (t == NULL || PQresultStatus(t) != PGRES_TUPLES_OK ||
            PQntuples(t) != 1) {
            enum holo_err_class k = holo_conn_classify(c, t, err);
            if (cls)
                *cls = k;
            hf_error_prefix(err, "source.scan.query: column '%s': ",
                            PQfname(d, i));
            PQclear(t);
            PQclear(d);
            holo_catalog_free(out);
            return -1;
        }
        col->type_text = dup_value(t, 0, 0);
        col->elem_oid = (Oid)strtoul(PQgetvalue(t, 0, 1), NULL, 10);
        bool composite = PQgetvalue(t, 0, 2)[0] == 'c';
        PQclear(t);
        if (col->name == NULL || col->type_text == NULL) {
            PQclear(d);
            holo_catalog_free(out);
            return oom(cls, err);
        }
        if (composite) {
            hf_error_set(err, HF_ERR_UNSUPPORTED,
                         "source.scan.query: column '%s' is of the composite "
                         "type %s; select its fields instead",
                         col->name, col->type_text);
            if (cls)
                *cls = HOLO_ERR_FATAL;
            PQclear(d);
            holo_catalog_free(out);
            return -1;
        }
    }
    PQclear(d);
    return 0;
}
