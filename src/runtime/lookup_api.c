/*
 * lookup_api.c - the public lookup (holoflow.h: hf_lookup_*).
 *
 * A lookup is the lookup join operator's engine (ops/lookup_join.c:
 * hf_lk_new / hf_lk_resolve / hf_lk_answer) without a job around it: the
 * column list and options become a CREATE TABLE planned like a script's
 * (writer_api.c's hf_api_plan_table), the key column names pick the
 * lookup keys, and each hf_lookup_get parses its keys' text into a batch
 * of the key columns' types that the engine answers exactly as it
 * answers a lookup join's input batch: batched requests, pipelined with
 * lookup.async, through the configured cache.
 *
 * Ownership: everything hf_lookup_get returns (counts, value texts) lives
 * in the lookup: decoded rows in `rows` (a batch reset at each get) and
 * texts in `texts` (an arena reset at each get), so a pointer from
 * hf_lookup_value stays valid until the next get or the close.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/rowcodec.h"
#include "core/valueconv.h"
#include "holoflow.h"
#include "ops/lookup_join.h"
#include "runtime/plan.h"
#include "runtime/writer_int.h"
#include "sql/planner.h"

struct hf_lookup {
    struct hf_job *job;
    struct hf_lookup_spec *spec;
    struct lk *lk;
    struct hf_batch *in;   /* the keys of the last get */
    struct hf_batch *rows; /* their matches, decoded */
    uint32_t *first, *count; /* per key: rows [first, first + count) */
    size_t cap;
    struct hf_arena texts;
    struct hf_strbuf txt;
    uint64_t keys;
};

static hf_lookup_t *fail_open(hf_lookup_t *l, struct hf_error *err,
                              char *errstr, size_t errstr_size)
{
    hf_writer_export(err, errstr, errstr_size);
    hf_lookup_close(l);
    return NULL;
}

/* The key column names, comma-separated, into spec->dkeys. */
static int parse_keys(struct hf_lookup_spec *s, const struct hf_schema *sc,
                      const char *keys, struct hf_error *err)
{
    uint32_t n = 0;
    uint32_t dk[64];
    const char *p = keys ? keys : "";
    while (*p) {
        while (isspace((unsigned char)*p) || *p == ',')
            p++;
        if (*p == '\0')
            break;
        const char *e = p;
        while (*e && *e != ',')
            e++;
        const char *t = e;
        while (t > p && isspace((unsigned char)t[-1]))
            t--;
        char name[256];
        size_t len = (size_t)(t - p);
        if (len >= sizeof name)
            return hf_error_set(err, HF_ERR_USAGE, "key column name too long");
        memcpy(name, p, len);
        name[len] = '\0';
        if (name[0] == '`' && len > 1 && name[len - 1] == '`') {
            memmove(name, name + 1, len - 2);
            name[len - 2] = '\0';
        }
        int c = hf_schema_find(sc, name);
        if (c < 0)
            return hf_error_set(err, HF_ERR_USAGE,
                                "hf_lookup_open: key column '%s' is not a "
                                "column of the table",
                                name);
        if (n == 64)
            return hf_error_set(err, HF_ERR_USAGE,
                                "hf_lookup_open: at most 64 key columns");
        for (uint32_t k = 0; k < n; k++)
            if (dk[k] == (uint32_t)c)
                return hf_error_set(err, HF_ERR_USAGE,
                                    "hf_lookup_open: key column '%s' named "
                                    "twice",
                                    name);
        if (hf_type_is_nested(sc->cols[c].type.id))
            return hf_error_set(err, HF_ERR_UNSUPPORTED,
                                "hf_lookup_open: key column '%s' is of a "
                                "nested type",
                                name);
        dk[n++] = (uint32_t)c;
        p = e;
    }
    if (n == 0)
        return hf_error_set(err, HF_ERR_USAGE,
                            "hf_lookup_open: no key column named");
    s->nkeys = n;
    s->nleft = n;
    s->lkeys = calloc(n, sizeof *s->lkeys);
    s->dkeys = calloc(n, sizeof *s->dkeys);
    if (s->lkeys == NULL || s->dkeys == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    for (uint32_t k = 0; k < n; k++) {
        s->lkeys[k] = k;
        s->dkeys[k] = dk[k];
    }
    return 0;
}

hf_lookup_t *hf_lookup_open(const char *columns, const char *const *options,
                            size_t noptions, const char *keys, char *errstr,
                            size_t errstr_size)
{
    struct hf_error err;
    hf_error_clear(&err);
    hf_lookup_t *l = calloc(1, sizeof *l);
    if (l == NULL) {
        hf_error_set(&err, HF_ERR_NOMEM, "out of memory");
        return fail_open(NULL, &err, errstr, errstr_size);
    }
    hf_arena_init(&l->texts);
    hf_strbuf_init(&l->txt, 0);
    if (columns == NULL || hf_api_plan_table("lookup", "hf_lookup", columns,
                                             options, noptions, &l->job,
                                             &err) != 0) {
        if (columns == NULL)
            hf_error_set(&err, HF_ERR_USAGE, "hf_lookup_open: no columns");
        return fail_open(l, &err, errstr, errstr_size);
    }
    const struct hf_table_def *t = l->job->tables[0];
    const struct hf_connector *c = t->connector;
    if (!(c->caps & HF_CONN_LOOKUP) || c->lookup_open == NULL) {
        hf_error_set(&err, HF_ERR_UNSUPPORTED,
                     "connector '%s' does not answer lookups (hologres does)",
                     c->name);
        return fail_open(l, &err, errstr, errstr_size);
    }
    struct hf_lookup_spec *s = calloc(1, sizeof *s);
    if (s == NULL) {
        hf_error_set(&err, HF_ERR_NOMEM, "out of memory");
        return fail_open(l, &err, errstr, errstr_size);
    }
    l->spec = s;
    s->dim = t;
    s->ndim = t->schema.ncols;
    s->dtypes = calloc(s->ndim ? s->ndim : 1, sizeof *s->dtypes);
    s->text = strdup("hf_lookup");
    if (s->dtypes == NULL || s->text == NULL) {
        hf_error_set(&err, HF_ERR_NOMEM, "out of memory");
        return fail_open(l, &err, errstr, errstr_size);
    }
    for (uint32_t i = 0; i < s->ndim; i++)
        s->dtypes[i] = t->schema.cols[i].type;
    if (parse_keys(s, &t->schema, keys, &err) != 0)
        return fail_open(l, &err, errstr, errstr_size);
    hf_lookup_conf_read(&t->opts, &s->conf);
    l->in = hf_batch_new(s->nkeys, 1024);
    l->rows = hf_batch_new(s->ndim, 1024);
    if (l->in == NULL || l->rows == NULL) {
        hf_error_set(&err, HF_ERR_NOMEM, "out of memory");
        return fail_open(l, &err, errstr, errstr_size);
    }
    l->in->src_name = "hf_lookup_get";
    if ((l->lk = hf_lk_new(s, &err)) == NULL)
        return fail_open(l, &err, errstr, errstr_size);
    return l;
}

hf_err_t hf_lookup_get(hf_lookup_t *l, size_t nkeys, const char *const *keys,
                       char *errstr, size_t errstr_size)
{
    struct hf_error err;
    hf_error_clear(&err);
    const struct hf_lookup_spec *s = l->spec;
    hf_batch_reset(l->in);
    hf_batch_reset(l->rows);
    hf_arena_reset(&l->texts);
    if (nkeys > l->cap) {
        uint32_t *f = realloc(l->first, nkeys * sizeof *f);
        if (f)
            l->first = f;
        uint32_t *c = realloc(l->count, nkeys * sizeof *c);
        if (c)
            l->count = c;
        if (f == NULL || c == NULL) {
            hf_error_set(&err, HF_ERR_NOMEM, "out of memory");
            return hf_writer_export(&err, errstr, errstr_size);
        }
        l->cap = nkeys;
    }
    if (nkeys > UINT32_MAX / 2) {
        hf_error_set(&err, HF_ERR_USAGE, "hf_lookup_get: too many keys");
        return hf_writer_export(&err, errstr, errstr_size);
    }
    for (size_t i = 0; i < nkeys; i++) {
        l->count[i] = 0;
        struct hf_value *row =
            hf_batch_add_row(l->in, HF_ROW_INSERT, (int64_t)i + 1);
        if (row == NULL) {
            hf_error_set(&err, HF_ERR_NOMEM, "out of memory");
            return hf_writer_export(&err, errstr, errstr_size);
        }
        for (uint32_t k = 0; k < s->nkeys; k++) {
            const char *v = keys[i * s->nkeys + k];
            if (v == NULL) {
                row[k].null = true;
                continue;
            }
            const struct hf_column *col = &s->dim->schema.cols[s->dkeys[k]];
            if (hf_value_from_text(&col->type, v, strlen(v), ';', l->in,
                                   &row[k], &err) != 0) {
                hf_error_prefix(&err, "key %zu, column '%s': ", i + 1,
                                col->name);
                err.code = HF_ERR_DATA;
                hf_batch_reset(l->in);
                return hf_writer_export(&err, errstr, errstr_size);
            }
        }
    }
    l->keys += nkeys;
    if (nkeys == 0)
        return HF_OK;
    if (hf_lk_resolve(l->lk, l->in, &err) != 0) {
        hf_batch_reset(l->in);
        return hf_writer_export(&err, errstr, errstr_size);
    }
    for (size_t i = 0; i < nkeys; i++) {
        const void *p;
        size_t len;
        uint32_t n = hf_lk_answer(l->lk, (uint32_t)i, &p, &len);
        l->first[i] = l->rows->nrows;
        for (uint32_t r = 0; r < n; r++) {
            struct hf_value *o = hf_batch_add_row(l->rows, HF_ROW_INSERT, -1);
            long used = o ? hf_row_decode(s->dtypes, s->ndim, p, len, o,
                                          &l->rows->arena, &err)
                          : -1;
            if (used < 0) {
                if (o == NULL)
                    hf_error_set(&err, HF_ERR_NOMEM, "out of memory");
                hf_batch_reset(l->in);
                return hf_writer_export(&err, errstr, errstr_size);
            }
            p = (const char *)p + used;
            len -= (size_t)used;
        }
        l->count[i] = n;
    }
    return HF_OK;
}

size_t hf_lookup_count(const hf_lookup_t *l, size_t i)
{
    if (l == NULL || i >= l->in->nrows)
        return 0;
    return l->count[i];
}

const char *hf_lookup_value(hf_lookup_t *l, size_t i, size_t row, size_t col)
{
    if (l == NULL || i >= l->in->nrows || row >= l->count[i] ||
        col >= l->spec->ndim)
        return NULL;
    const struct hf_value *v =
        &hf_batch_row(l->rows, l->first[i] + (uint32_t)row)[col];
    if (v->null)
        return NULL;
    hf_strbuf_reset(&l->txt);
    hf_value_to_text(&l->spec->dtypes[col], v, &l->txt);
    if (!hf_strbuf_ok(&l->txt))
        return NULL;
    return hf_arena_strndup(&l->texts, l->txt.data ? l->txt.data : "",
                            l->txt.len);
}

void hf_lookup_stats(const hf_lookup_t *l, hf_lookup_stats_t *out)
{
    memset(out, 0, sizeof *out);
    if (l == NULL)
        return;
    const struct hf_lookup_counters *st = &l->spec->stats;
    out->keys = l->keys;
    out->keys_asked = atomic_load(&st->keys_asked);
    out->requests = atomic_load(&st->requests);
    out->hits = atomic_load(&st->hits);
    out->misses = atomic_load(&st->misses);
    out->evictions = atomic_load(&st->evictions);
    out->expired = atomic_load(&st->expired);
    out->cached_keys = atomic_load(&st->cached_keys);
    out->cached_bytes = atomic_load(&st->cached_bytes);
}

void hf_lookup_close(hf_lookup_t *l)
{
    if (l == NULL)
        return;
    hf_lk_free(l->lk);
    hf_lookup_spec_free(l->spec);
    hf_batch_destroy(l->in);
    hf_batch_destroy(l->rows);
    hf_arena_free(&l->texts);
    hf_strbuf_free(&l->txt);
    free(l->first);
    free(l->count);
    hf_job_free(l->job);
    free(l);
}
