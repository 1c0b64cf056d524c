/*
 * fuzz_opts.c - libFuzzer target for option parsing (src/conf/opt.c) over
 * every option table: each connector's (datagen, print, blackhole,
 * filesystem, hologres, kafka, upsert-kafka, and the unavailable jdbc),
 * each format's, and the job's SET keys.
 *
 * Input layout: byte 0 is a selector, the rest are "key=value" lines (at
 * most 24; a line without '=' is a key with an empty value).
 *   bits 0-3  the table: the connectors in registry order, then the
 *             formats in registry order, then the job settings (modulo
 *             their number)
 *   bits 4-5  for a format, the prefix its keys are parsed under:
 *             "<name>.", "value.<name>.", "key.<name>." or "format."
 *   bit 6     for a connector that is both source and sink, plan it as
 *             the sink instead of the source
 *
 * Stage 1 parses the pairs with hf_opts_parse() and, when that succeeds,
 * hf_opts_check_unclaimed(); then reads every option back through the
 * typed getter of its type, lists it with hf_opts_describe() and, for a
 * format, runs its validate() on Flink's products table. Checks: a
 * failure sets an error message; after a success every pair is claimed,
 * every option set has its text, and describe names each option set.
 *
 * Stage 2, when stage 1 accepted the pairs, writes them into a SQL script
 * as the WITH clause of a table of that connector (a format: of a
 * filesystem table with that format; the job: as SET statements), with
 * the quotes doubled, and plans it (hf_sql_plan_text) and explains it, so
 * the values reach each connector's cross-option checks. When that plans,
 * the table's options must hold exactly the values given (unless a value
 * contains '$', which ${NAME} substitution may change).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/opt.h"
#include "connectors/connector.h"
#include "core/strbuf.h"
#include "core/types.h"
#include "formats/format.h"
#include "fuzz_common.h"
#include "runtime/plan.h"
#include "sql/planner.h"

#define MAX_PAIRS 24

/* What byte 0 chose. */
struct fz_table {
    const struct hf_connector *conn; /* one of these three */
    const struct hf_format *fmt;
    bool job;
    const char *name;
    const struct hf_opt_def *defs;
    size_t ndefs;
    char prefix[64];
    bool as_sink;
};

static void pick_table(uint8_t sel, struct fz_table *t)
{
    memset(t, 0, sizeof *t);
    const struct hf_connector *const *cl = hf_connector_list();
    const struct hf_format *const *fl = hf_format_list();
    size_t nc = 0, nf = 0;
    while (cl[nc])
        nc++;
    while (fl[nf])
        nf++;
    size_t i = (sel & 15u) % (nc + nf + 1);
    if (i < nc) {
        t->conn = cl[i];
        t->name = t->conn->name;
        t->defs = t->conn->opts;
        t->ndefs = t->conn->nopts;
        t->as_sink = (t->conn->caps & HF_CONN_SINK) &&
                     (!(t->conn->caps & HF_CONN_SOURCE) || (sel & 0x40));
    } else if (i < nc + nf) {
        t->fmt = fl[i - nc];
        t->name = t->fmt->name;
        t->defs = t->fmt->opts;
        t->ndefs = t->fmt->nopts;
        static const char *const pfx[] = {"", "value.", "key.", NULL};
        unsigned p = (sel >> 4) & 3u;
        if (pfx[p])
            snprintf(t->prefix, sizeof t->prefix, "%s%s.", pfx[p], t->name);
        else
            snprintf(t->prefix, sizeof t->prefix, "format.");
    } else {
        t->job = true;
        t->name = "job";
        t->defs = hf_job_opt_defs;
        t->ndefs = hf_job_opt_ndefs;
    }
}

/* Splits the input after byte 0 into pairs (keys and values are new
 * strings in kvs[], freed by free_pairs). */
static size_t split_pairs(const uint8_t *data, size_t size, struct hf_kv *kvs)
{
    size_t n = 0, pos = 0;
    while (pos < size && n < MAX_PAIRS) {
        const uint8_t *nl = memchr(data + pos, '\n', size - pos);
        size_t end = nl ? (size_t)(nl - data) : size;
        const uint8_t *eq = memchr(data + pos, '=', end - pos);
        size_t kend = eq ? (size_t)(eq - data) : end;
        memset(&kvs[n], 0, sizeof kvs[n]);
        kvs[n].key = strndup((const char *)data + pos, kend - pos);
        kvs[n].value =
            eq ? strndup((const char *)eq + 1, end - kend - 1) : strdup("");
        HF_FUZZ_CHECK(kvs[n].key != NULL && kvs[n].value != NULL);
        kvs[n].file = "fuzz";
        kvs[n].line = (int)n + 1;
        kvs[n].col = 1;
        n++;
        pos = end + 1;
    }
    return n;
}

static void free_pairs(struct hf_kv *kvs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(kvs[i].key);
        free(kvs[i].value);
    }
}

/* ------------------------------------------------------------ stage 1 */

static void read_back(const struct hf_opt_val *v, void *ctx)
{
    (void)ctx;
    HF_FUZZ_CHECK(v->arg != NULL);
    HF_FUZZ_CHECK(!v->set || v->text != NULL);
}

static void read_all(const struct hf_opts *o)
{
    for (size_t i = 0; i < o->ndefs; i++) {
        const struct hf_opt_def *d = &o->defs[i];
        if (d->flags & (HF_OPTF_PREFIX | HF_OPTF_PATTERN)) {
            hf_opts_each(o, d->key, read_back, NULL);
            continue;
        }
        const struct hf_opt_val *v = hf_opts_get(o, d->key, NULL);
        if (v == NULL)
            continue;
        HF_FUZZ_CHECK(v->text != NULL);
        switch (d->type) {
        case HF_OPT_STRING:
        case HF_OPT_LIST:
            HF_FUZZ_CHECK(hf_opts_str(o, d->key, NULL) == v->text);
            break;
        case HF_OPT_INT:
        case HF_OPT_DURATION:
        case HF_OPT_MEMSIZE: {
            int64_t x = hf_opts_int(o, d->key, NULL);
            if (d->flags & HF_OPTF_RANGE)
                HF_FUZZ_CHECK(x >= d->min && x <= d->max);
            break;
        }
        case HF_OPT_BOOL:
            (void)hf_opts_bool(o, d->key, NULL);
            break;
        case HF_OPT_ENUM: {
            int e = hf_opts_enum(o, d->key, NULL);
            int nv = 0;
            while (d->values && d->values[nv])
                nv++;
            HF_FUZZ_CHECK(e >= 0 && e < nv);
            break;
        }
        case HF_OPT_DOUBLE:
            (void)hf_opts_double(o, d->key, NULL);
            break;
        case HF_OPT_CHAR:
            (void)hf_opts_char(o, d->key, NULL);
            break;
        }
    }
}

static void products(struct hf_schema *s)
{
    static const char *const names[] = {"id", "name", "description", "weight"};
    static const enum hf_type_id ids[] = {HF_BIGINT, HF_VARCHAR, HF_VARCHAR,
                                          HF_DECIMAL};
    memset(s, 0, sizeof *s);
    s->cols = calloc(4, sizeof *s->cols);
    HF_FUZZ_CHECK(s->cols != NULL);
    for (uint32_t i = 0; i < 4; i++) {
        s->cols[i].name = strdup(names[i]);
        HF_FUZZ_CHECK(s->cols[i].name != NULL);
        s->cols[i].type = hf_type_make(ids[i]);
        s->ncols = i + 1;
    }
    s->cols[3].type.precision = 10;
    s->cols[3].type.scale = 2;
}

/* Returns true when the pairs were accepted. */
static bool stage1(const struct fz_table *t, struct hf_kv *kvs, size_t n)
{
    struct hf_opts o;
    struct hf_error err;
    hf_error_clear(&err);
    const char *owner = t->name;
    int rc =
        hf_opts_parse(&o, owner, t->prefix, t->defs, t->ndefs, kvs, n, &err);
    if (rc == 0) {
        const struct hf_opts *tables[] = {&o};
        rc = hf_opts_check_unclaimed(kvs, n, owner, tables, 1, &err);
    }
    if (rc != 0) {
        HF_FUZZ_CHECK(rc == -1);
        HF_FUZZ_CHECK(hf_error_is_set(&err) && err.msg[0] != '\0');
        hf_opts_free(&o);
        return false;
    }
    for (size_t i = 0; i < n; i++)
        HF_FUZZ_CHECK(kvs[i].claimed);
    read_all(&o);

    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    hf_opts_describe(&o, 2, &sb);
    HF_FUZZ_CHECK(hf_strbuf_ok(&sb));
    for (size_t i = 0; i < o.nvals; i++) {
        const struct hf_opt_val *v = &o.vals[i];
        if (!v->set)
            continue;
        HF_FUZZ_CHECK(v->text != NULL && v->key_used != NULL);
        if (v->arg != NULL)
            continue;
        char line[200];
        snprintf(line, sizeof line, "\n  %s%s = '", o.prefix, v->def->key);
        HF_FUZZ_CHECK(sb.data != NULL);
        HF_FUZZ_CHECK(strncmp(sb.data, line + 1, strlen(line + 1)) == 0 ||
                      strstr(sb.data, line) != NULL);
    }
    hf_strbuf_free(&sb);

    if (t->fmt && t->fmt->validate) {
        struct hf_schema s;
        products(&s);
        hf_error_clear(&err);
        if (t->fmt->validate(&o, &s, &err) != 0)
            HF_FUZZ_CHECK(hf_error_is_set(&err) && err.msg[0] != '\0');
        hf_schema_free(&s);
    }
    hf_opts_free(&o);
    return true;
}

/* ------------------------------------------------------------ stage 2 */

static void sql_quoted(struct hf_strbuf *sb, const char *s)
{
    hf_strbuf_putc(sb, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            hf_strbuf_putc(sb, '\'');
        hf_strbuf_putc(sb, *s);
    }
    hf_strbuf_putc(sb, '\'');
}

#define COLS                                                                   \
    "(id BIGINT, name STRING, description STRING, weight DECIMAL(10, 2), "     \
    "PRIMARY KEY (id) NOT ENFORCED)"

static void with_pairs(struct hf_strbuf *sb, const struct hf_kv *kvs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        hf_strbuf_puts(sb, ",\n  ");
        sql_quoted(sb, kvs[i].key);
        hf_strbuf_puts(sb, " = ");
        sql_quoted(sb, kvs[i].value);
    }
}

static void build_script(const struct fz_table *t, const struct hf_kv *kvs,
                         size_t n, struct hf_strbuf *sb)
{
    if (t->job) {
        for (size_t i = 0; i < n; i++) {
            hf_strbuf_puts(sb, "SET ");
            sql_quoted(sb, kvs[i].key);
            hf_strbuf_puts(sb, " = ");
            sql_quoted(sb, kvs[i].value);
            hf_strbuf_puts(sb, ";\n");
        }
    }
    hf_strbuf_puts(sb, "CREATE TABLE t " COLS " WITH (\n  'connector' = ");
    if (t->conn) {
        sql_quoted(sb, t->conn->name);
        with_pairs(sb, kvs, n);
    } else if (t->fmt) {
        hf_strbuf_puts(sb, "'filesystem',\n  'path' = '/nonexistent/fuzz',"
                           "\n  'format' = ");
        sql_quoted(sb, t->fmt->name);
        with_pairs(sb, kvs, n);
    } else {
        hf_strbuf_puts(sb, "'datagen', 'number-of-rows' = '1'");
    }
    hf_strbuf_puts(sb, "\n);\n");
    if (t->as_sink)
        hf_strbuf_puts(sb, "CREATE TABLE other " COLS
                           " WITH ('connector' = 'datagen');\n"
                           "INSERT INTO t SELECT * FROM other;\n");
    else
        hf_strbuf_puts(sb, "CREATE TABLE other " COLS
                           " WITH ('connector' = 'blackhole');\n"
                           "INSERT INTO other SELECT * FROM t;\n");
}

/* The planned table's options hold exactly the given values. */
static void check_values(const struct fz_table *t, const struct hf_job *job,
                         const struct hf_kv *kvs, size_t n)
{
    const struct hf_opts *o = NULL;
    if (t->job)
        o = &job->settings;
    else if (job->ntables > 0 && t->conn)
        o = &job->tables[0]->opts;
    else if (job->ntables > 0 && t->fmt)
        o = &job->tables[0]->format_opts;
    if (o == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        if (strchr(kvs[i].value, '$') != NULL)
            continue;
        bool found = false;
        for (size_t j = 0; j < o->nvals && !found; j++) {
            const struct hf_opt_val *v = &o->vals[j];
            found = v->set && v->key_used != NULL &&
                    strcmp(v->key_used, kvs[i].key) == 0;
            if (found && strcmp(v->text, kvs[i].value) != 0) {
                fprintf(stderr, "option '%s': planned '%s', given '%s'\n",
                        kvs[i].key, v->text, kvs[i].value);
                abort();
            }
        }
    }
}

static void stage2(const struct fz_table *t, const struct hf_kv *kvs, size_t n)
{
    if (t->fmt && strncmp(t->prefix, t->fmt->name, strlen(t->fmt->name)) != 0)
        return; /* value./key./format. prefixes need other connectors */
    if (t->conn && t->conn->unavailable)
        return;
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    build_script(t, kvs, n, &sb);
    HF_FUZZ_CHECK(hf_strbuf_ok(&sb));
    struct hf_job *job = NULL;
    struct hf_error err;
    hf_error_clear(&err);
    int rc = hf_sql_plan_text("opts.sql", sb.data, NULL, 0, &job, &err);
    if (rc != 0) {
        HF_FUZZ_CHECK(job == NULL && hf_error_is_set(&err));
    } else {
        HF_FUZZ_CHECK(job != NULL);
        check_values(t, job, kvs, n);
        FILE *devnull = fopen("/dev/null", "w");
        HF_FUZZ_CHECK(devnull != NULL);
        hf_job_explain(job, devnull);
        fclose(devnull);
        hf_job_free(job);
    }
    hf_strbuf_free(&sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hf_fuzz_init();
    if (size < 1)
        return 0;
    struct fz_table t;
    pick_table(data[0], &t);
    struct hf_kv kvs[MAX_PAIRS];
    size_t n = split_pairs(data + 1, size - 1, kvs);
    if (stage1(&t, kvs, n)) {
        for (size_t i = 0; i < n; i++)
            kvs[i].claimed = false;
        stage2(&t, kvs, n);
    }
    free_pairs(kvs, n);
    return 0;
}
