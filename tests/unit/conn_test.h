/*
 * conn_test.h - helpers for the connector unit tests: build a struct
 * hf_table_def by hand (schema + options parsed with the connector's own
 * option table, and optionally a format with its options), run a source to
 * the end, and capture what a sink prints.
 *
 * Everything here is static and used only by tests/unit/test_conn_*.c.
 */
#ifndef HF_TESTS_CONN_TEST_H
#define HF_TESTS_CONN_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "connectors/connector.h"
#include "formats/format.h"

/* A column template: name, type, kind, metadata key. */
struct ct_col {
    const char *name;
    struct hf_type type;
    enum hf_column_kind kind;
    const char *meta_key;
};

#define CT_MAX_KV 32

/* A table under test; owns everything it points to. */
struct ct_table {
    struct hf_table_def def;
    struct hf_kv kvs[CT_MAX_KV];
    size_t nkv;
};

static inline struct hf_type ct_type(enum hf_type_id id)
{
    return hf_type_make(id);
}

static inline struct hf_type ct_varchar(int32_t n)
{
    struct hf_type t = hf_type_make(HF_VARCHAR);
    t.length = n;
    return t;
}

static inline struct hf_type ct_char(int32_t n)
{
    struct hf_type t = hf_type_make(HF_CHAR);
    t.length = n;
    return t;
}

static inline struct hf_type ct_decimal(int p, int s)
{
    struct hf_type t = hf_type_make(HF_DECIMAL);
    t.precision = (uint8_t)p;
    t.scale = (uint8_t)s;
    return t;
}

static inline struct hf_type ct_prec(enum hf_type_id id, int p)
{
    struct hf_type t = hf_type_make(id);
    t.precision = (uint8_t)p;
    return t;
}

static inline struct hf_type ct_array(enum hf_type_id elem)
{
    struct hf_type t = hf_type_make(HF_ARRAY);
    t.elem = elem;
    return t;
}

static inline void ct_table_free(struct ct_table *t)
{
    hf_opts_free(&t->def.opts);
    hf_opts_free(&t->def.format_opts);
    hf_schema_free(&t->def.schema);
    free(t->def.name);
    for (size_t i = 0; i < t->nkv; i++) {
        free(t->kvs[i].key);
        free(t->kvs[i].value);
    }
    memset(t, 0, sizeof *t);
}

/* Build table `name` for connector `conn` with columns `cols` (ncols),
 * partition column names `part` (NULL-terminated or NULL), options `kv`
 * (key, value, key, value, ..., NULL) and format `fmt` (NULL for none; its
 * options are the keys starting with "<fmt>."). Returns 0, or -1 with err
 * set by option parsing (the table must still be freed). */
static inline int ct_table_init(struct ct_table *t, const char *name,
                                const struct hf_connector *conn,
                                const struct ct_col *cols, uint32_t ncols,
                                const char *const *part, const char *const *kv,
                                const struct hf_format *fmt,
                                struct hf_error *err)
{
    memset(t, 0, sizeof *t);
    hf_error_clear(err);
    t->def.name = strdup(name);
    t->def.file = "test.sql";
    t->def.line = 1;
    t->def.connector = conn;
    struct hf_schema *s = &t->def.schema;
    s->ncols = ncols;
    s->cols = calloc(ncols ? ncols : 1, sizeof *s->cols);
    for (uint32_t i = 0; i < ncols; i++) {
        s->cols[i].name = strdup(cols[i].name);
        s->cols[i].type = cols[i].type;
        s->cols[i].kind = cols[i].kind;
        s->cols[i].meta_key =
            cols[i].meta_key ? strdup(cols[i].meta_key) : NULL;
    }
    if (part != NULL) {
        uint32_t n = 0;
        while (part[n] != NULL)
            n++;
        s->part = calloc(n ? n : 1, sizeof *s->part);
        for (uint32_t i = 0; i < n; i++)
            s->part[s->npart++] = (uint32_t)hf_schema_find(s, part[i]);
    }
    for (size_t i = 0; kv != NULL && kv[i] != NULL && kv[i + 1] != NULL;
         i += 2) {
        struct hf_kv *p = &t->kvs[t->nkv++];
        p->key = strdup(kv[i]);
        p->value = strdup(kv[i + 1]);
        p->file = "test.sql";
        p->line = 2;
        p->col = 3;
    }
    t->def.format = fmt;
    if (hf_opts_parse(&t->def.opts, "connector", "", conn->opts, conn->nopts,
                      t->kvs, t->nkv, err) != 0)
        return -1;
    if (fmt != NULL) {
        char prefix[64];
        snprintf(prefix, sizeof prefix, "%s.", fmt->name);
        if (hf_opts_parse(&t->def.format_opts, "format", prefix, fmt->opts,
                          fmt->nopts, t->kvs, t->nkv, err) != 0)
            return -1;
    }
    /* Keys no table took are errors, as in the planner. 'connector' is the
     * planner's. */
    for (size_t i = 0; i < t->nkv; i++)
        if (strcmp(t->kvs[i].key, "connector") == 0)
            t->kvs[i].claimed = true;
    const struct hf_opts *tables[2] = {&t->def.opts, &t->def.format_opts};
    if (hf_opts_check_unclaimed(t->kvs, t->nkv, "connector", tables,
                                fmt ? 2 : 1, err) != 0)
        return -1;
    return 0;
}

/* Everything a source produced, copied out of its batches as text lines
 * (one per row, "+I|v1|v2|..." with NULL as "<null>"), for comparisons. */
struct ct_rows {
    char **lines;
    size_t n, cap;
};

static inline void ct_rows_free(struct ct_rows *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->lines[i]);
    free(r->lines);
    memset(r, 0, sizeof *r);
}

static inline void ct_rows_add(struct ct_rows *r, const char *s)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 64;
        r->lines = realloc(r->lines, r->cap * sizeof *r->lines);
    }
    r->lines[r->n++] = strdup(s);
}

/* Create a temporary directory; returns a malloc'd path. */
static inline char *ct_tmpdir(void)
{
    char tmpl[] = "/tmp/hf_conn_test_XXXXXX";
    char *d = mkdtemp(tmpl);
    return d ? strdup(d) : NULL;
}

static inline void ct_rm_rf(const char *path)
{
    char cmd[1024];
    if (strncmp(path, "/tmp/hf_conn_test_", 18) != 0)
        return;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", path);
}

#endif
