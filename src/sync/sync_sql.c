/*
 * sync_sql.c - a sync_job as the equivalent holoflow SQL job.
 *
 * The job is three statements on existing connectors: a bounded source
 * (filesystem for file readers, hologres' bounded scan for database
 * readers, datagen for streamreader), a hologres sink on the writer's
 * table with only the mapped columns, and one INSERT ... SELECT whose
 * projections implement the mapping (by position, by name, constants,
 * partition directory values, the writer's fixed partition value). A
 * database reader with several tables (or queries) has one bounded
 * source per table and one SELECT per source, UNION ALL'ed; every table
 * is checked against the first (same_columns). The
 * target's column types are read from its catalog first
 * (hf_writer_describe_target), so every mapped column is checked for type
 * compatibility before any row moves; all mismatches are listed, one per
 * column, with the reason.
 *
 * File readers declare the physical columns with the target's types, so a
 * value that does not parse is the source's bad record (a dirty record
 * under errorLimit) rather than a failed cast. Path wildcards: the part of
 * the path before the first wildcard or key=value directory is the
 * source's root (partition directories below it give the PARTITIONED BY
 * columns); the whole pattern becomes the source's source.path-regex,
 * tested once per file.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/strbuf.h"
#include "holoflow.h"
#include "sync/sync_int.h"

/* A throttled load's buffers hold about 1/4 s of the limit when that is
 * below the COPY defaults (32768 rows, 8 MiB: holo_copy.c). */
#define THROTTLED_ROWS_MAX 32768
#define THROTTLED_BYTES_MAX (8 << 20)

/* ------------------------------------------------------------ quoting */

static void put_ident(struct hf_strbuf *b, const char *s)
{
    hf_strbuf_putc(b, '`');
    for (; *s; s++) {
        if (*s == '`')
            hf_strbuf_putc(b, '`');
        hf_strbuf_putc(b, *s);
    }
    hf_strbuf_putc(b, '`');
}

static void put_lit(struct hf_strbuf *b, const char *s)
{
    hf_strbuf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            hf_strbuf_putc(b, '\'');
        hf_strbuf_putc(b, *s);
    }
    hf_strbuf_putc(b, '\'');
}

static void put_opt(struct hf_strbuf *b, const char *k, const char *v)
{
    hf_strbuf_puts(b, ",\n  ");
    put_lit(b, k);
    hf_strbuf_puts(b, " = ");
    put_lit(b, v);
}

void sync_put_comment(struct hf_strbuf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f || c == '\\')
            hf_strbuf_printf(b, "\\x%02x", c);
        else
            hf_strbuf_putc(b, (char)c);
    }
}

/* The 'endpoint' option of connection `c`: host:port, whole. */
static void put_endpoint(struct hf_strbuf *b, const struct sync_conn *c)
{
    hf_strbuf_puts(b, ",\n  'endpoint' = ");
    struct hf_strbuf ep;
    hf_strbuf_init(&ep, 0);
    hf_strbuf_printf(&ep, "%s:%s", c->host, c->port);
    if (hf_strbuf_ok(&ep))
        put_lit(b, ep.data);
    else
        b->broken = true; /* the caller reports out of memory */
    hf_strbuf_free(&ep);
}

/* ------------------------------------------------------------ types */

enum cat { C_INT, C_NUM, C_STR, C_DATE, C_TS, C_BOOL, C_BYTES, C_OTHER };

static enum cat type_cat(const char *t)
{
    static const struct {
        const char *prefix;
        enum cat c;
    } m[] = {{"TINYINT", C_INT},   {"SMALLINT", C_INT}, {"INT", C_INT},
             {"BIGINT", C_INT},    {"DECIMAL", C_NUM},  {"FLOAT", C_NUM},
             {"DOUBLE", C_NUM},    {"STRING", C_STR},   {"VARCHAR", C_STR},
             {"CHAR", C_STR},      {"DATE", C_DATE},    {"TIMESTAMP", C_TS},
             {"BOOLEAN", C_BOOL},  {"BYTES", C_BYTES},  {"VARBINARY", C_BYTES},
             {"BINARY", C_BYTES}};
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
        size_t n = strlen(m[i].prefix);
        if (strncmp(t, m[i].prefix, n) == 0 &&
            (t[n] == '\0' || t[n] == '(' || t[n] == ' ' || t[n] == '_'))
            return m[i].c;
    }
    return C_OTHER;
}

/* A DataX column type as a category; C_STR for NULL. */
static enum cat datax_cat(const char *t)
{
    if (t == NULL || strcmp(t, "string") == 0)
        return C_STR;
    if (strcmp(t, "long") == 0 || strcmp(t, "int") == 0 ||
        strcmp(t, "bigint") == 0)
        return C_INT;
    if (strcmp(t, "double") == 0 || strcmp(t, "float") == 0)
        return C_NUM;
    if (strcmp(t, "date") == 0)
        return C_DATE;
    if (strcmp(t, "boolean") == 0 || strcmp(t, "bool") == 0)
        return C_BOOL;
    if (strcmp(t, "bytes") == 0)
        return C_BYTES;
    return C_OTHER;
}

static const char *cat_name(enum cat c)
{
    static const char *const n[] = {"an integer", "a number", "a string",
                                     "a date", "a timestamp", "a boolean",
                                     "bytes", "a nested value"};
    return n[c];
}

/* Can a value of category `s` go into a column of category `d`? */
static bool compatible(enum cat s, enum cat d)
{
    if (s == d || s == C_STR)
        return s != C_OTHER || d == C_OTHER;
    switch (d) {
    case C_NUM:
        return s == C_INT;
    case C_STR:
        return s != C_BYTES && s != C_OTHER;
    case C_TS:
        return s == C_DATE;
    case C_DATE:
        return s == C_TS;
    default:
        return false;
    }
}

/* ------------------------------------------------------------ catalogs */

/* The hologres options of connection `c` on `table` as key=value
 * strings in opts (each a buffer of store[], whole: a long password or
 * table name was cut at 1023 bytes). Returns how many; -1 when out of
 * memory. */
static int conn_options(const struct sync_conn *c, const char *table,
                        char *opts[7], struct hf_strbuf store[6])
{
    for (int i = 0; i < 6; i++)
        hf_strbuf_init(&store[i], 0);
    hf_strbuf_puts(&store[0], "connector=hologres");
    hf_strbuf_printf(&store[1], "endpoint=%s:%s", c->host, c->port);
    hf_strbuf_printf(&store[2], "dbname=%s", c->db);
    hf_strbuf_printf(&store[3], "tablename=%s", table);
    hf_strbuf_printf(&store[4], "username=%s", c->user ? c->user : "");
    hf_strbuf_printf(&store[5], "password=%s",
                     c->password ? c->password : "");
    int n = 0;
    for (int i = 0; i < 6; i++) {
        if (!hf_strbuf_ok(&store[i]))
            return -1;
        if (i == 4 && c->user == NULL)
            continue;
        if (i == 5 && c->password == NULL)
            continue;
        opts[n++] = store[i].data;
    }
    return n;
}

int sync_describe(const struct sync_conn *c, const char *query,
                  const char *what, hf_column_info_t **cols, size_t *ncols,
                  struct hf_error *err)
{
    struct sync_table dd = {0}, *d = &dd;
    char *opts[7];
    struct hf_strbuf store[6];
    int n = conn_options(c, c->table, opts, store);
    struct hf_strbuf qo;
    hf_strbuf_init(&qo, 0);
    if (query) /* querySql: the query's result columns */
        hf_strbuf_printf(&qo, "source.scan.query=%s", query);
    if (n < 0 || !hf_strbuf_ok(&qo)) {
        for (int i = 0; i < 6; i++)
            hf_strbuf_free(&store[i]);
        hf_strbuf_free(&qo);
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    if (query)
        opts[n++] = qo.data;
    char errstr[1024];
    hf_err_t rc = hf_writer_describe_target("hf_sync_probe STRING",
                                            (const char *const *)opts,
                                            (size_t)n, &d->cols, &d->n,
                                            errstr, sizeof errstr);
    for (int i = 0; i < 6; i++) { /* the password is among them */
        if (store[i].data)
            memset(store[i].data, 0, store[i].len);
        hf_strbuf_free(&store[i]);
    }
    hf_strbuf_free(&qo);
    if (rc != HF_OK)
        return query ? hf_error_set(err, rc, "%s querySql: %s", what, errstr)
                     : hf_error_set(err, rc, "%s table '%s': %s", what,
                                    c->table, errstr);
    *cols = d->cols;
    *ncols = d->n;
    return 0;
}

static const hf_column_info_t *find_col(const struct sync_table *d,
                                        const char *name)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->cols[i].name, name) == 0)
            return &d->cols[i];
    const hf_column_info_t *hit = NULL;
    for (size_t i = 0; i < d->n; i++)
        if (strcasecmp(d->cols[i].name, name) == 0) {
            if (hit)
                return NULL; /* ambiguous without exact case */
            hit = &d->cols[i];
        }
    return hit;
}

/* ------------------------------------------------------------ file paths */

static bool has_glob(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == '*' || s[i] == '?' || s[i] == '[')
            return true;
    return false;
}

/* The root directory (before the first wildcard or key=value component)
 * into root; the regex of the whole pattern into re ("" when there is
 * nothing to filter). */
static void split_path(const char *path, struct hf_strbuf *root,
                       struct hf_strbuf *re, bool force)
{
    const char *p = path;
    const char *root_end = path + strlen(path);
    bool pattern = false;
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (has_glob(p, n) || memchr(p, '=', n)) {
            root_end = p;
            pattern = true;
            break;
        }
        p += n;
        if (*p == '/')
            p++;
    }
    size_t rl = (size_t)(root_end - path);
    while (rl > 1 && path[rl - 1] == '/')
        rl--;
    hf_strbuf_append(root, path, rl);
    if (!pattern && !force)
        return;
    hf_strbuf_putc(re, '^');
    size_t plen = strlen(path);
    while (plen > 1 && path[plen - 1] == '/')
        plen--; /* "dir/" is the directory */
    for (const char *s = path; s < path + plen; s++) {
        if (*s == '*')
            hf_strbuf_puts(re, "[^/]*");
        else if (*s == '?')
            hf_strbuf_puts(re, "[^/]");
        else if (strchr(".^$+(){}|\\", *s)) {
            hf_strbuf_putc(re, '\\');
            hf_strbuf_putc(re, *s);
        } else
            hf_strbuf_putc(re, *s);
    }
    /* a pattern naming directories reads everything below them */
    hf_strbuf_puts(re, "(/.*)?$");
}

/* Several path patterns (DataX's path array): the root is the deepest
 * directory that holds every pattern's root, the regex the alternation of
 * the patterns' regexes. */
static void split_paths(char *const *paths, size_t n, struct hf_strbuf *root,
                        struct hf_strbuf *re)
{
    if (n == 1) {
        split_path(paths[0], root, re, false);
        return;
    }
    struct hf_strbuf r1, e1;
    hf_strbuf_init(&r1, 256);
    hf_strbuf_init(&e1, 256);
    hf_strbuf_putc(re, '(');
    for (size_t i = 0; i < n; i++) {
        hf_strbuf_reset(&r1);
        hf_strbuf_reset(&e1);
        split_path(paths[i], &r1, &e1, true);
        if (i)
            hf_strbuf_putc(re, '|');
        hf_strbuf_puts(re, e1.data ? e1.data : "");
        /* a plain file's root is the file: its directory holds it */
        const char *rp = r1.data ? r1.data : "";
        size_t rl = strlen(rp);
        if (!has_glob(paths[i], strlen(paths[i])) &&
            strchr(paths[i], '=') == NULL) {
            const char *sl = strrchr(rp, '/');
            rl = sl ? (size_t)(sl - rp) : 0;
            if (rl == 0 && sl)
                rl = 1; /* "/" */
        }
        if (i == 0) {
            hf_strbuf_append(root, rp, rl);
            continue;
        }
        /* the common directory prefix of root and rp[0..rl) */
        size_t k = 0;
        while (k < root->len && k < rl && root->data[k] == rp[k])
            k++;
        bool bound = (k == root->len || root->data[k] == '/') &&
                     (k == rl || rp[k] == '/');
        if (!bound) {
            while (k > 0 && root->data[k - 1] != '/')
                k--;
            if (k > 1)
                k--; /* the '/' goes, "/" stays */
        }
        root->len = k;
        if (root->data)
            root->data[k] = '\0';
    }
    hf_strbuf_putc(re, ')');
    if (root->len == 0)
        hf_strbuf_puts(root, paths[0][0] == '/' ? "/" : ".");
    hf_strbuf_free(&r1);
    hf_strbuf_free(&e1);
}

/* Fields of the first record of the first file under root (for a csv
 * reader that names columns by index: the source must declare them all). */
static int first_record_fields(const char *root, const char *re,
                               char delim, bool gzip_all,
                               const char *encoding)
{
    char cmd[8400];
    /* the first data file in the order the filesystem source reads, among
     * those the path patterns match */
    if (re && (strchr(re, '\'') != NULL || strlen(re) > 4000))
        return -1;
    snprintf(cmd, sizeof cmd,
             "find '%s' -type f ! -name '.*' ! -name '_*' 2>/dev/null | "
             "LC_ALL=C sort | %s%s%s head -1",
             root, re ? "grep -E '" : "", re ? re : "", re ? "' |" : "");
    if (strchr(root, '\'') != NULL)
        return -1;
    FILE *f = popen(cmd, "r");
    if (f == NULL)
        return -1;
    char file[4096];
    if (fgets(file, sizeof file, f) == NULL) {
        pclose(f);
        return -1;
    }
    pclose(f);
    file[strcspn(file, "\n")] = '\0';
    size_t fl = strlen(file);
    bool gz = gzip_all ||
              (fl > 3 && (strcmp(file + fl - 3, ".gz") == 0 ||
                          (fl > 5 && strcmp(file + fl - 5, ".gzip") == 0)));
    if (strchr(file, '\'') != NULL ||
        (encoding && strspn(encoding, "abcdefghijklmnopqrstuvwxyz"
                                      "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                      "0123456789-_.:") != strlen(encoding)))
        return -1;
    char conv[160] = "";
    if (encoding)
        snprintf(conv, sizeof conv, " | iconv -f '%s' -t UTF-8 2>/dev/null",
                 encoding);
    snprintf(cmd, sizeof cmd, "%s '%s'%s | head -1",
             gz ? "gzip -dc" : "cat", file, conv);
    f = popen(cmd, "r");
    if (f == NULL)
        return -1;
    int nf = 1;
    bool quoted = false;
    int c;
    while ((c = fgetc(f)) != EOF && (c != '\n' || quoted)) {
        if (c == '"')
            quoted = !quoted;
        else if (c == delim && !quoted)
            nf++;
    }
    pclose(f);
    return nf;
}

/* Does any file below root match the path regex (NULL: any file)? As
 * DataX, a file reader whose paths match no file is an error, not an
 * empty sync. -1 when it cannot be told (odd characters in the path). */
static int any_file(const char *root, const char *re)
{
    if (strchr(root, '\'') != NULL ||
        (re && (strchr(re, '\'') != NULL || strlen(re) > 4000)))
        return -1;
    char cmd[8400];
    snprintf(cmd, sizeof cmd,
             "find '%s' -type f ! -name '.*' ! -name '_*' 2>/dev/null | "
             "%s%s%s head -1",
             root, re ? "grep -E '" : "", re ? re : "", re ? "' |" : "");
    FILE *f = popen(cmd, "r");
    if (f == NULL)
        return -1;
    char line[16];
    bool got = fgets(line, sizeof line, f) != NULL;
    pclose(f);
    return got ? 1 : 0;
}

/* ------------------------------------------------------------ the job */

struct mapping {
    const hf_column_info_t *dst; /* target column */
    struct hf_strbuf expr;        /* the SELECT expression */
    const char *ftype; /* json / avro reader: the field's declared type */
};

/* The source column mapped to the writer's i-th column: what the
 * mapping loop of sync_job_sql_from reads from the first table. */
static const char *mapped_name(const struct sync_reader *r,
                               const struct sync_table *src,
                               const hf_column_info_t *d, size_t i)
{
    const struct sync_col *sc = r->star ? NULL : &r->cols[i];
    if (sc && sc->kind == SYNC_COL_CONST)
        return NULL;
    return sc ? sc->name : r->query ? (i < src->n ? src->cols[i].name : NULL)
                                    : d->name;
}

bool sync_same_type(const hf_column_info_t *a, const hf_column_info_t *b)
{
    return a->type != NULL && b->type != NULL && strcmp(a->type, b->type) == 0;
}

/* Does reader source k+1 (`o`) have the columns the mapping reads from
 * the first (`src`), with the same types? Each difference is a line of
 * `mism` naming the table (or query) and the column. */
static void same_columns(const struct sync_reader *r,
                         const struct sync_table *src,
                         const struct sync_table *o, size_t k,
                         const struct mapping *map, size_t nreader_map,
                         struct hf_strbuf *mism)
{
    const struct sync_conn *c = &r->more[k];
    char what[600];
    if (r->query)
        snprintf(what, sizeof what, "querySql[%zu]", k + 1);
    else
        snprintf(what, sizeof what, "table '%s'", c->table);
    if (r->query && o->n != src->n) {
        hf_strbuf_printf(mism, "\n  %s: %zu columns, querySql[0] has %zu",
                         what, o->n, src->n);
        return;
    }
    for (size_t i = 0; i < nreader_map; i++) {
        const char *name = mapped_name(r, src, map[i].dst, i);
        if (name == NULL)
            continue;
        const hf_column_info_t *s0 = find_col(src, name);
        if (s0 == NULL)
            continue;
        const hf_column_info_t *s1 =
            r->query ? &o->cols[s0 - src->cols] : find_col(o, s0->name);
        if (s1 == NULL || strcmp(s1->name, s0->name) != 0) {
            hf_strbuf_printf(mism, "\n  %s: no column '%s' (%s)", what,
                             s0->name, s0->pg_type);
            continue;
        }
        if (!sync_same_type(s1, s0))
            hf_strbuf_printf(mism, "\n  %s column '%s': %s, the first has %s",
                             what, s1->name, s1->pg_type, s0->pg_type);
    }
}

int sync_catalog_read(const struct sync_job *j, bool for_sync,
                      struct sync_catalog *c, struct hf_error *err)
{
    const struct sync_reader *r = &j->r;
    memset(c, 0, sizeof *c);
    c->first_fields = -1;
    if (for_sync && sync_describe(&j->w.conn, NULL, "writer",
                                  &c->dst.cols, &c->dst.n, err) != 0)
        goto fail;
    if (r->kind == SYNC_R_DB) {
        if (sync_describe(&r->conn, r->query, "reader", &c->src.cols,
                          &c->src.n, err) != 0)
            goto fail;
        if (r->nmore && (c->more = calloc(r->nmore, sizeof *c->more)) ==
                            NULL) {
            hf_error_set(err, HF_ERR_NOMEM, "out of memory");
            goto fail;
        }
        for (size_t k = 0; k < r->nmore; k++)
            if (sync_describe(&r->more[k], r->more_query[k], "reader",
                              &c->more[k].cols, &c->more[k].n, err) != 0)
                goto fail;
        /* a reader column of a type holoflow has no value of (inet,
         * money, bit, uuid, ...) is read as its text form (the scan
         * selects "col"::text): DataX reads such columns only through a
         * cast to varchar, which becomes the same string */
        for (size_t t = 0; t <= r->nmore; t++) {
            struct sync_table *d = t ? &c->more[t - 1] : &c->src;
            for (size_t i = 0; i < d->n; i++)
                if (d->cols[i].type == NULL && !d->cols[i].generated &&
                    (d->cols[i].type = strdup("STRING")) == NULL) {
                    hf_error_set(err, HF_ERR_NOMEM, "out of memory");
                    goto fail;
                }
        }
    }
    if (r->kind == SYNC_R_FILE) {
        struct hf_strbuf root, re, mism;
        hf_strbuf_init(&root, 0);
        hf_strbuf_init(&re, 0);
        hf_strbuf_init(&mism, 0);
        split_paths(r->paths, r->npaths, &root, &re);
        int any = any_file(root.data ? root.data : ".",
                           re.len ? re.data : NULL);
        if (any == 0) {
            for (size_t i = 0; i < r->npaths; i++)
                hf_strbuf_printf(&mism, "%s'%s'", i ? ", " : "",
                                 r->paths[i]);
            hf_error_set(err, HF_ERR_IO,
                         "reader: no file matches the path%s %s (as in "
                         "DataX, a sync with nothing to read is an error)",
                         r->npaths > 1 ? "s" : "",
                         mism.data ? mism.data : "");
        }
        hf_strbuf_free(&root);
        hf_strbuf_free(&re);
        hf_strbuf_free(&mism);
        if (any == 0)
            goto fail;
    }
    /* also for --print-sql, so that it prints the job that runs */
    if (r->kind == SYNC_R_FILE && (strcmp(r->file_type, "csv") == 0 ||
                                   strcmp(r->file_type, "text") == 0)) {
        struct hf_strbuf root, re;
        hf_strbuf_init(&root, 0);
        hf_strbuf_init(&re, 0);
        split_paths(r->paths, r->npaths, &root, &re);
        c->first_fields = first_record_fields(
            root.data ? root.data : ".", re.len ? re.data : NULL,
            r->delim ? r->delim[0] : ',', r->compress != NULL, r->encoding);
        hf_strbuf_free(&root);
        hf_strbuf_free(&re);
    }
    return 0;
fail:
    sync_catalog_free(j, c);
    return -1;
}

void sync_catalog_free(const struct sync_job *j, struct sync_catalog *c)
{
    hf_column_info_free(c->dst.cols, c->dst.n);
    hf_column_info_free(c->src.cols, c->src.n);
    if (c->more)
        for (size_t k = 0; k < j->r.nmore; k++)
            hf_column_info_free(c->more[k].cols, c->more[k].n);
    free(c->more);
    memset(c, 0, sizeof *c);
    c->first_fields = -1;
}

char *sync_job_sql_from(const struct sync_job *j,
                        const struct sync_catalog *cat, bool redact,
                        struct hf_error *err)
{
    const struct sync_reader *r = &j->r;
    const struct sync_writer *w = &j->w;
    const struct sync_table dst = cat->dst, src = cat->src;
    const struct sync_table *more = cat->more; /* the reader's others */
    struct hf_strbuf b, mism, root, re;
    hf_strbuf_init(&b, 0);
    hf_strbuf_init(&mism, 0);
    hf_strbuf_init(&root, 0);
    hf_strbuf_init(&re, 0);
    struct mapping *map = NULL;
    size_t nmap = 0;
    const char **parts = NULL; /* partition directory keys, file readers */
    char *out = NULL;

    /* -- target columns, in the writer's order */
    size_t nw = w->star ? dst.n : w->ncols;
    map = calloc(nw + 1, sizeof *map);
    if (map == NULL) {
        hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < nw; i++) {
        const hf_column_info_t *c =
            w->star ? &dst.cols[i] : find_col(&dst, w->cols[i]);
        if (w->star && (c->generated))
            continue;
        /* writer "*": the partition column is the writer's constant, not
         * a reader column (added below) */
        if (w->star && w->part_col && c == find_col(&dst, w->part_col))
            continue;
        if (c == NULL) {
            hf_error_set(err, HF_ERR_TYPE,
                         "writer column '%s': table '%s' has no such column",
                         w->cols[i], w->conn.table);
            goto done;
        }
        if (c->type == NULL) {
            hf_error_set(err, HF_ERR_TYPE,
                         "writer column '%s': type %s cannot be written by "
                         "holoflow",
                         c->name, c->pg_type);
            goto done;
        }
        map[nmap].dst = c;
        hf_strbuf_init(&map[nmap].expr, 0);
        nmap++;
    }
    /* the writer's fixed partition: a constant for its column */
    const hf_column_info_t *part = NULL;
    bool part_added = false;
    if (w->part_col) {
        part = find_col(&dst, w->part_col);
        if (part == NULL) {
            hf_error_set(err, HF_ERR_TYPE,
                         "writer partition '%s=%s': table '%s' has no column "
                         "'%s'",
                         w->part_col, w->part_value, w->conn.table,
                         w->part_col);
            goto done;
        }
        bool present = false;
        for (size_t i = 0; i < nmap; i++)
            present |= map[i].dst == part;
        if (!present) {
            map[nmap].dst = part;
            hf_strbuf_init(&map[nmap].expr, 0);
            nmap++;
            part_added = true;
        }
    }
    /* the columns the reader fills (an added partition column is last) */
    size_t nreader_map = part_added ? nmap - 1 : nmap;

    /* -- source table */
    int nphys = 0;
    hf_strbuf_puts(&b, "-- holoflow sync: the job ");
    sync_put_comment(&b, j->path);
    hf_strbuf_puts(&b, " as a holoflow run SQL job\n"
                       "SET 'execution.runtime-mode' = 'batch';\n");
    /* speed.record / .byte / mbps: the job-wide token bucket; under
     * --shard I/N each process takes 1/N of the limits (at least 1), so
     * the N processes together stay within the job's */
    int64_t nsh = j->shard_count > 1 ? (int64_t)j->shard_count : 1;
    if (j->record_speed > 0)
        hf_strbuf_printf(&b,
                         "SET 'holoflow.throttle.records-per-second' = "
                         "'%lld';\n",
                         (long long)(j->record_speed / nsh > 0
                                         ? j->record_speed / nsh
                                         : 1));
    if (j->byte_speed > 0)
        hf_strbuf_printf(&b,
                         "SET 'holoflow.throttle.bytes-per-second' = "
                         "'%lld';\n",
                         (long long)(j->byte_speed / nsh > 0
                                         ? j->byte_speed / nsh
                                         : 1));
    const char *ptype[64]; /* csv fields' types (catalog types) */
    parts = calloc(r->ncols + 1, sizeof *parts);
    int nparts = 0;
    if (parts == NULL) {
        hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        goto done;
    }
    if (r->kind == SYNC_R_FILE) {
        split_paths(r->paths, r->npaths, &root, &re);
        /* which physical columns, with which types */
        int maxidx = -1;
        for (size_t i = 0; i < r->ncols; i++)
            if (r->cols[i].kind == SYNC_COL_INDEX && r->cols[i].index > maxidx)
                maxidx = r->cols[i].index;
        bool csv = strcmp(r->file_type, "csv") == 0 ||
                   strcmp(r->file_type, "text") == 0;
        if (r->star)
            maxidx = (int)nreader_map - 1;
        nphys = maxidx + 1;
        if (csv && cat->first_fields > nphys)
            nphys = cat->first_fields;
        if (nphys > 64) {
            hf_error_set(err, HF_ERR_UNSUPPORTED,
                         "reader: %d fields per record; holoflow sync reads "
                         "up to 64",
                         nphys);
            goto done;
        }
        for (int i = 0; i < nphys; i++)
            ptype[i] = "STRING";
    }
    /* -- the mapping, column by column */
    if (r->query && src.n != nreader_map) {
        hf_error_set(err, HF_ERR_TYPE,
                     "mapping: the reader's querySql gives %zu columns and "
                     "the writer has %zu (they map by position)",
                     src.n, nreader_map);
        goto done;
    }
    size_t nr = r->star ? nreader_map : r->ncols;
    if (!r->star && nr != nreader_map) {
        hf_error_set(err, HF_ERR_TYPE,
                     "mapping: the reader has %zu columns and the writer %zu "
                     "(columns map by position)",
                     nr, nreader_map);
        goto done;
    }
    for (size_t i = 0; i < nreader_map; i++) {
        const hf_column_info_t *d = map[i].dst;
        enum cat dc = type_cat(d->type);
        struct hf_strbuf *e = &map[i].expr;
        const struct sync_col *sc = r->star ? NULL : &r->cols[i];
        if (r->kind == SYNC_R_DB) {
            /* querySql: the query's columns by position (DataX) */
            const char *sname = sc          ? sc->name
                                : r->query  ? (i < src.n ? src.cols[i].name
                                                         : "(none)")
                                            : d->name;
            if (sc && sc->kind == SYNC_COL_CONST)
                goto constant;
            const hf_column_info_t *s = find_col(&src, sname);
            if (s == NULL && sc && sc->expr) {
                /* not a column: the entry as an expression (DataX's
                 * constants and functions), cast to the target's type */
                hf_strbuf_printf(e, "CAST((%s) AS %s)", sc->expr, d->type);
                continue;
            }
            if (s == NULL || s->type == NULL) {
                hf_strbuf_printf(&mism, "\n  %s <- %s: %s", d->name, sname,
                                 s ? "type not readable"
                                   : "no such column in the reader's table");
                continue;
            }
            enum cat scat = type_cat(s->type);
            if (!compatible(scat, dc)) {
                hf_strbuf_printf(&mism,
                                 "\n  %s (%s) <- %s (%s): %s cannot be "
                                 "written to %s column",
                                 d->name, d->pg_type, s->name, s->pg_type,
                                 cat_name(scat), cat_name(dc));
                continue;
            }
            if (strcmp(s->type, d->type) == 0) {
                put_ident(e, s->name);
            } else {
                hf_strbuf_puts(e, "CAST(");
                put_ident(e, s->name);
                hf_strbuf_printf(e, " AS %s)", d->type);
            }
            continue;
        }
        if (r->kind == SYNC_R_STREAM || (sc && sc->kind == SYNC_COL_CONST)) {
        constant:;
            enum cat scat = datax_cat(sc->type);
            if (!compatible(scat, dc)) {
                hf_strbuf_printf(&mism,
                                 "\n  %s (%s) <- constant '%s' (%s): %s "
                                 "cannot be written to %s column",
                                 d->name, d->pg_type, sc->value,
                                 sc->type ? sc->type : "string",
                                 cat_name(scat), cat_name(dc));
                continue;
            }
            /* a DataX date constant may carry a time ("1989-06-04
             * 00:00:00", streamreader's doc): into a DATE it goes through
             * a timestamp, as DataX's Date does */
            bool via_ts = dc == C_DATE && scat == C_DATE;
            hf_strbuf_puts(e, via_ts ? "CAST(CAST(" : "CAST(");
            put_lit(e, sc->value);
            if (via_ts)
                hf_strbuf_puts(e, " AS TIMESTAMP(6))");
            hf_strbuf_printf(e, " AS %s)", d->type);
            continue;
        }
        /* file reader */
        if (sc && sc->kind == SYNC_COL_PART) {
            int k = -1;
            for (int p = 0; p < nparts; p++)
                if (strcmp(parts[p], sc->name) == 0)
                    k = p;
            if (k < 0)
                parts[nparts++] = sc->name;
            if (dc == C_STR && strcmp(d->type, "STRING") == 0) {
                put_ident(e, sc->name);
            } else {
                hf_strbuf_puts(e, "CAST(");
                put_ident(e, sc->name);
                hf_strbuf_printf(e, " AS %s)", d->type);
            }
            continue;
        }
        int idx = sc ? sc->index : (int)i;
        enum cat scat = datax_cat(sc ? sc->type : NULL);
        if (!compatible(scat, dc)) {
            hf_strbuf_printf(&mism,
                             "\n  %s (%s) <- field %d (%s): %s cannot be "
                             "written to %s column",
                             d->name, d->pg_type, idx,
                             sc && sc->type ? sc->type : "string",
                             cat_name(scat), cat_name(dc));
            continue;
        }
        if ((strcmp(r->file_type, "csv") == 0 ||
             strcmp(r->file_type, "text") == 0) &&
            sc && sc->format && (dc == C_DATE || dc == C_TS || dc == C_STR)) {
            /* a date with a Java pattern: the field is read as a string
             * and parsed with it; a value the pattern does not parse
             * falls to a plain CAST, which fails the job naming it,
             * rather than becoming NULL */
            const char *fn = dc == C_DATE ? "TO_DATE" : "TO_TIMESTAMP";
            struct hf_strbuf conv;
            hf_strbuf_init(&conv, 128);
            hf_strbuf_printf(&conv, "%s(`c%d`, ", fn, idx);
            put_lit(&conv, sc->format);
            hf_strbuf_putc(&conv, ')');
            hf_strbuf_printf(e,
                             "CASE WHEN `c%d` IS NULL OR %s IS NOT NULL "
                             "THEN CAST(%s AS %s) ELSE CAST(`c%d` AS %s) "
                             "END",
                             idx, conv.data, conv.data, d->type, idx,
                             d->type);
            hf_strbuf_free(&conv);
        } else if (strcmp(r->file_type, "csv") == 0 ||
                   strcmp(r->file_type, "text") == 0) {
            /* the field parses straight into the target's type */
            ptype[idx] = d->type;
            hf_strbuf_printf(e, "`c%d`", idx);
        } else {
            /* json / avro: fields by name */
            const char *fname = sc && sc->name ? sc->name : d->name;
            map[i].ftype = d->type;
            put_ident(e, fname);
        }
    }
    if (part) {
        for (size_t i = 0; i < nmap; i++)
            if (map[i].dst == part) {
                hf_strbuf_reset(&map[i].expr);
                hf_strbuf_puts(&map[i].expr, "CAST(");
                put_lit(&map[i].expr, w->part_value);
                hf_strbuf_printf(&map[i].expr, " AS %s)", part->type);
            }
    }
    if (mism.len) {
        hf_error_set(err, HF_ERR_TYPE,
                     "mapping: %s column(s) do not fit the writer's table "
                     "'%s' (nothing was written):%s",
                     "some", w->conn.table, mism.data);
        goto done;
    }
    /* several reader tables: each must have the columns the mapping reads
     * from the first, with the same types */
    for (size_t k = 0; more && k < r->nmore; k++)
        same_columns(r, &src, &more[k], k, map, nreader_map, &mism);
    if (mism.len) {
        hf_error_set(err, HF_ERR_TYPE,
                     "mapping: the reader's tables differ from its first "
                     "one, '%s' (all are read into one writer; nothing was "
                     "written):%s",
                     r->query ? "querySql[0]" : r->conn.table, mism.data);
        goto done;
    }
    bool dirty_ok = j->err_record > 0 || (j->err_record < 0 && j->err_pct > 0);

    /* -- CREATE TABLE src */
    hf_strbuf_puts(&b, "CREATE TEMPORARY TABLE sync_src (");
    if (r->kind == SYNC_R_FILE) {
        bool csv = strcmp(r->file_type, "csv") == 0 ||
                   strcmp(r->file_type, "text") == 0;
        int ncol = 0;
        if (csv) {
            for (int i = 0; i < nphys; i++)
                hf_strbuf_printf(&b, "%s`c%d` %s", ncol++ ? ", " : "", i,
                                 ptype[i]);
        } else {
            for (size_t i = 0; i < nreader_map; i++) {
                const struct sync_col *sc = r->star ? NULL : &r->cols[i];
                if (sc && sc->kind != SYNC_COL_INDEX)
                    continue;
                hf_strbuf_puts(&b, ncol++ ? ", " : "");
                put_ident(&b, sc && sc->name ? sc->name : map[i].dst->name);
                hf_strbuf_printf(&b, " %s", map[i].ftype);
            }
        }
        for (int p = 0; p < nparts; p++) {
            hf_strbuf_puts(&b, ncol++ ? ", " : "");
            put_ident(&b, parts[p]);
            hf_strbuf_puts(&b, " STRING");
        }
        hf_strbuf_putc(&b, ')');
        if (nparts) {
            hf_strbuf_puts(&b, "\nPARTITIONED BY (");
            for (int p = 0; p < nparts; p++) {
                hf_strbuf_puts(&b, p ? ", " : "");
                put_ident(&b, parts[p]);
            }
            hf_strbuf_putc(&b, ')');
        }
        hf_strbuf_puts(&b, " WITH (\n  'connector' = 'filesystem'");
        put_opt(&b, "path", root.data ? root.data : ".");
        if (j->shard_count > 1) {
            char sh[32];
            snprintf(sh, sizeof sh, "%u/%u", j->shard_index, j->shard_count);
            put_opt(&b, "source.shard", sh);
        }
        /* channels: reader threads over the files */
        if (j->channel > 1) {
            char n[16];
            snprintf(n, sizeof n, "%d", j->channel);
            put_opt(&b, "source.reader-threads", n);
        }
        /* the path pattern: tested once per file by the source */
        if (re.len)
            put_opt(&b, "source.path-regex", re.data);
        const char *fmt = csv ? "csv" : r->file_type;
        put_opt(&b, "format", fmt);
        /* compress gzip: every file, whatever its name (DataX) */
        if (r->compress)
            put_opt(&b, "source.compression", "gzip");
        if (r->encoding)
            put_opt(&b, "source.encoding", r->encoding);
        if (csv) {
            char d[2] = {r->delim ? r->delim[0] : ',', 0};
            if (d[0] != ',')
                put_opt(&b, "csv.field-delimiter", d);
            if (strcmp(r->file_type, "text") == 0 || r->no_quote)
                put_opt(&b, "csv.disable-quote-character", "true");
            else if (r->quote && r->quote != '"') {
                char q[2] = {r->quote, 0};
                put_opt(&b, "csv.quote-character", q);
            }
            if (r->null_format)
                put_opt(&b, "csv.null-literal", r->null_format);
            /* DataX reads the fields its columns name, whatever follows */
            put_opt(&b, "csv.ignore-extra-fields", "true");
            if (r->skip_header) /* DataX skipHeader: each file's first line */
                put_opt(&b, "source.skip-first-lines", "1");
            if (dirty_ok) {
                put_opt(&b, "csv.ignore-parse-errors", "true");
                put_opt(&b, "csv.ignore-parse-errors.skip-record", "true");
            }
        } else if (dirty_ok && strcmp(fmt, "json") == 0) {
            put_opt(&b, "json.ignore-parse-errors", "true");
        }
        hf_strbuf_puts(&b, ");\n");
    } else if (r->kind == SYNC_R_DB) {
        /* one bounded source per reader table (or query), UNION ALL'ed
         * below; the channels are shared out over them (each at least
         * one connection), and under --shard I/N split k of source t
         * belongs to shard (k + t) mod N: each table's ranges go round
         * the shards, starting one further for each table, so small
         * tables (one split each) spread over the shards too */
        size_t nsrc = 1 + r->nmore;
        int per = (int)(((size_t)j->channel + nsrc - 1) / nsrc);
        for (size_t t = 0; t < nsrc; t++) {
            const struct sync_conn *c = t ? &r->more[t - 1] : &r->conn;
            const char *q = t ? r->more_query[t - 1] : r->query;
            const struct sync_table *d = t ? &more[t - 1] : &src;
            if (t)
                hf_strbuf_printf(&b, "CREATE TEMPORARY TABLE sync_src_%zu (",
                                 t + 1);
            size_t k = 0;
            for (size_t i = 0; i < d->n; i++) {
                if (d->cols[i].type == NULL)
                    continue;
                hf_strbuf_puts(&b, k++ ? ", " : "");
                put_ident(&b, d->cols[i].name);
                hf_strbuf_printf(&b, " %s", d->cols[i].type);
            }
            hf_strbuf_puts(&b, ") WITH (\n  'connector' = 'hologres'");
            put_endpoint(&b, c);
            put_opt(&b, "dbname", c->db);
            put_opt(&b, "tablename", c->table);
            if (c->user)
                put_opt(&b, "username", c->user);
            if (c->password)
                put_opt(&b, "password",
                        redact && c->password[0] ? "${PGPASSWORD}"
                                                 : c->password);
            put_opt(&b, "source.binlog", "false");
            if (j->shard_count > 1) {
                char sh[32];
                uint32_t n = j->shard_count;
                snprintf(sh, sizeof sh, "%u/%u",
                         (uint32_t)((j->shard_index + n - t % n) % n), n);
                put_opt(&b, "source.scan.shard", sh);
            }
            if (q)
                put_opt(&b, "source.scan.query", q);
            if (per > 1) {
                char n[16];
                snprintf(n, sizeof n, "%d", per);
                put_opt(&b, "source.scan.split-count", n);
            }
            if (r->fetch_size > 0) {
                char n[16];
                snprintf(n, sizeof n, "%d", r->fetch_size);
                put_opt(&b, "source.scan.fetch-size", n);
            }
            if (r->where || r->part_col)
                put_opt(&b, "source.filter-push-down.enabled", "true");
            hf_strbuf_puts(&b, ");\n");
        }
    } else {
        char n[32];
        /* DataX's streamreader makes one slice per channel, each of
         * sliceRecordCount records */
        snprintf(n, sizeof n, "%lld",
                 (long long)r->slice_records * (long long)j->channel);
        hf_strbuf_puts(&b, "`sync_seq` BIGINT) WITH (\n  'connector' = "
                           "'datagen'");
        put_opt(&b, "number-of-rows", n);
        hf_strbuf_puts(&b, ");\n");
    }

    /* -- CREATE TABLE dst */
    hf_strbuf_puts(&b, "CREATE TEMPORARY TABLE sync_dst (");
    for (size_t i = 0; i < nmap; i++) {
        hf_strbuf_puts(&b, i ? ", " : "");
        put_ident(&b, map[i].dst->name);
        hf_strbuf_printf(&b, " %s", map[i].dst->type);
    }
    int npk = 0, npk_mapped = 0;
    for (size_t i = 0; i < dst.n; i++)
        if (dst.cols[i].pk) {
            npk++;
            for (size_t k = 0; k < nmap; k++)
                npk_mapped += map[k].dst == &dst.cols[i];
        }
    if (npk && npk == npk_mapped) {
        hf_strbuf_puts(&b, ", PRIMARY KEY (");
        for (int p = 1; p <= npk; p++)
            for (size_t i = 0; i < dst.n; i++)
                if (dst.cols[i].pk == p) {
                    hf_strbuf_puts(&b, p > 1 ? ", " : "");
                    put_ident(&b, dst.cols[i].name);
                }
        hf_strbuf_puts(&b, ") NOT ENFORCED");
    }
    hf_strbuf_puts(&b, ") WITH (\n  'connector' = 'hologres'");
    {
        put_endpoint(&b, &w->conn);
        put_opt(&b, "dbname", w->conn.db);
        put_opt(&b, "tablename", w->conn.table);
        if (w->conn.user)
            put_opt(&b, "username", w->conn.user);
        if (w->conn.password)
            put_opt(&b, "password",
                    redact && w->conn.password[0] ? "${PGPASSWORD}" : w->conn.password);
        bool keyed = npk && npk == npk_mapped;
        /* A bulk load: one transaction, so a failed or killed sync leaves
         * the table as it was (docs/sync.md). */
        put_opt(&b, "sink.write-mode",
                keyed && w->conflict ? "COPY_BULK_LOAD_ON_CONFLICT"
                                     : "COPY_BULK_LOAD");
        if (keyed && w->conflict)
            put_opt(&b, "sink.on-conflict-action", w->conflict);
        if (w->truncate && w->part_col)
            put_opt(&b, "sink.bulk-load.truncate-partition", w->part_value);
        else if (w->truncate)
            put_opt(&b, "sink.bulk-load.truncate", "true");
        if (w->batch_size > 0) {
            char n[16];
            snprintf(n, sizeof n, "%d", w->batch_size);
            put_opt(&b, "sink.insert.batch-size", n);
        } else if (j->record_speed > 0 &&
                   j->record_speed / nsh / 4 < THROTTLED_ROWS_MAX) {
            /* throttled: a load buffer holds at most ~1/4 s of the
             * limit, so the final commit does not first send seconds of
             * rows held back (the report's rate is measured up to it) */
            char n[24];
            int64_t rows = j->record_speed / nsh / 4;
            snprintf(n, sizeof n, "%lld", (long long)(rows > 0 ? rows : 1));
            put_opt(&b, "sink.insert.batch-size", n);
        }
        if (j->byte_speed > 0 && j->byte_speed / nsh / 4 < THROTTLED_BYTES_MAX) {
            char n[24];
            int64_t bytes = j->byte_speed / nsh / 4;
            snprintf(n, sizeof n, "%lld", (long long)(bytes > 0 ? bytes : 1));
            put_opt(&b, "sink.insert.batch-byte-size", n);
        }
        /* Load connections: maxConnectionCount (or client.writeThreadSize),
         * else the channels. The sink uses them for a LIST-partitioned
         * parent on PostgreSQL, one owner per partition value, still all
         * or nothing (docs/sync.md); elsewhere it loads over one. */
        {
            int nc = w->max_conn > 0 ? w->max_conn : j->channel;
            if (nc > 1) {
                char n[16];
                snprintf(n, sizeof n, "%d", nc > 64 ? 64 : nc);
                put_opt(&b, "sink.bulk-load.connections", n);
            }
        }
        if (dirty_ok)
            put_opt(&b, "sink.insert.dirty-data-strategy", "SKIP");
        if (j->load_key)
            put_opt(&b, "sink.bulk-load.commit-record", j->load_key);
        hf_strbuf_puts(&b, ");\n");
    }

    /* -- INSERT */
    hf_strbuf_puts(&b, "INSERT INTO sync_dst (");
    for (size_t i = 0; i < nmap; i++) {
        hf_strbuf_puts(&b, i ? ", " : "");
        put_ident(&b, map[i].dst->name);
    }
    hf_strbuf_puts(&b, ")\n");
    /* the reader's condition: its where, and its partition */
    struct hf_strbuf cond;
    hf_strbuf_init(&cond, 0);
    if (r->kind == SYNC_R_DB && r->where && r->where[0])
        /* one expression (sync_job.c checks it); a `--` comment in it
         * ends at a line break of its own */
        hf_strbuf_printf(&cond, "(%s%s)", r->where,
                         strstr(r->where, "--") ? "\n" : "");
    if (r->kind == SYNC_R_DB && r->part_col && r->query == NULL) {
        const hf_column_info_t *pc = find_col(&src, r->part_col);
        if (pc == NULL || pc->type == NULL) {
            hf_strbuf_free(&cond);
            hf_error_set(err, HF_ERR_TYPE,
                         "reader partition '%s=%s': table '%s' has no "
                         "readable column '%s'",
                         r->part_col, r->part_value, r->conn.table,
                         r->part_col);
            goto done;
        }
        hf_strbuf_puts(&cond, cond.len ? " AND " : "");
        put_ident(&cond, pc->name);
        hf_strbuf_puts(&cond, " = CAST(");
        put_lit(&cond, r->part_value);
        hf_strbuf_printf(&cond, " AS %s)", pc->type);
    }
    /* several reader tables: one SELECT each, UNION ALL */
    size_t nsel = r->kind == SYNC_R_DB ? 1 + r->nmore : 1;
    for (size_t t = 0; t < nsel; t++) {
        hf_strbuf_puts(&b, t ? "\nUNION ALL\nSELECT " : "SELECT ");
        for (size_t i = 0; i < nmap; i++) {
            hf_strbuf_puts(&b, i ? ", " : "");
            hf_strbuf_puts(&b, map[i].expr.data ? map[i].expr.data : "NULL");
        }
        if (t)
            hf_strbuf_printf(&b, "\nFROM sync_src_%zu", t + 1);
        else
            hf_strbuf_puts(&b, "\nFROM sync_src");
        if (cond.len)
            hf_strbuf_printf(&b, "\nWHERE %s", cond.data);
    }
    hf_strbuf_free(&cond);
    hf_strbuf_puts(&b, ";\n");
    if (!hf_strbuf_ok(&b)) {
        hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        goto done;
    }
    out = b.data;
    b.data = NULL;
done:
    hf_strbuf_free(&b);
    hf_strbuf_free(&mism);
    hf_strbuf_free(&root);
    hf_strbuf_free(&re);
    for (size_t i = 0; i < nmap; i++)
        hf_strbuf_free(&map[i].expr);
    free(map);
    free(parts);
    return out;
}
