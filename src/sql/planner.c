/*
 * planner.c - turning a parsed script into a struct hf_job.
 *
 * Order of work: SET statements and --set overrides first (the runtime mode
 * decides which sources are allowed), then each CREATE TABLE in script
 * order (a table must be declared before an INSERT uses it, as in Flink),
 * then each INSERT. Every option goes through its table's hf_opts_parse;
 * whatever no table claims is an error with a "did you mean" suggestion.
 *
 * Memory: each struct hf_table_def is allocated in one block together with
 * its WITH pairs (struct hf_kv, with their key and value text) and the
 * owner/prefix strings its option sets borrow, so freeing the block frees
 * all of it; only `name` and the schema and option contents are separate.
 * The job owns a copy of the script text and path; tables, kvs and bound
 * expressions borrow the path for messages.
 */
#include "sql/planner.h"
#include "sql/envsubst.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/opt.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "formats/format.h"
#include "ops/calc.h"
#include "ops/op.h"
#include "sql/ast.h"
#include "sql/bind.h"
#include "sql/expr.h"
#include "sql/lexer.h"
#include "sql/parser.h"

#define SCRIPT_MAX (64u << 20)

struct planner {
    struct hf_job *job;
    struct hf_sql_src src;
    struct hf_ast_script *ast;
    struct hf_error *err;
    uint32_t tcap;
    bool batch_mode;
    bool reuse_source;      /* table.optimizer.reuse-source-enabled */
    const struct hf_tz *tz; /* table.local-time-zone */
};

/* ------------------------------------------------------------ errors */

static int err_at(struct planner *p, hf_err_t code, int line, int col,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int err_at(struct planner *p, hf_err_t code, int line, int col,
                  const char *fmt, ...)
{
    char msg[800];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return hf_sql_error_at(p->err, code, &p->src, line, col, "%s", msg);
}

static int oom(struct planner *p)
{
    return hf_error_set(p->err, HF_ERR_NOMEM, "out of memory planning the job");
}

/* Rewrite an error from another layer into the SQL front end's form. A
 * message that starts with "<script>:line:col: " gets "error: " and a
 * caret there; any other message is placed at (line, col) with `what`
 * ("table 'src': ") in front. */
static int relocate(struct planner *p, int line, int col, const char *what)
{
    struct hf_error *err = p->err;
    char old[HF_ERRMSG_MAX];
    memcpy(old, err->msg, sizeof old);
    hf_err_t code = err->code;
    const char *file = p->src.file;
    size_t fl = strlen(file);
    const char *body = old;
    int l = line, c = col;
    if (strncmp(old, file, fl) == 0 && old[fl] == ':') {
        char *end;
        long ll = strtol(old + fl + 1, &end, 10);
        if (*end == ':') {
            long cc = strtol(end + 1, &end, 10);
            if (*end == ':' && end[1] == ' ' && ll > 0 && cc > 0) {
                l = (int)ll;
                c = (int)cc;
                body = end + 2;
                what = "";
                if (strncmp(body, "error: ", 7) == 0)
                    return -1; /* already in our form */
            }
        }
    }
    /* First line of the body, caret, then the rest of the body. */
    const char *nl = strchr(body, '\n');
    int first = nl ? (int)(nl - body) : (int)strlen(body);
    char caret[400];
    hf_sql_caret(&p->src, l, c, caret, sizeof caret);
    hf_error_clear(err);
    return hf_error_set(err, code, "%s:%d:%d: error: %s%.*s\n%s%s", file, l, c,
                        what, first, body, caret, nl ? nl : "");
}

/* ------------------------------------------------------------ SET */

struct set_item {
    const char *key, *value;
    const char *file; /* NULL for --set */
    int line, col;
    const char *raw; /* --set text */
};

static int add_set(struct planner *p, struct hf_kv **kvs, uint32_t *n,
                   uint32_t *cap, const struct set_item *it)
{
    /* A later value for the same key replaces the earlier one. */
    for (uint32_t i = 0; i < *n; i++) {
        if (strcasecmp((*kvs)[i].key, it->key) == 0) {
            char *v = strdup(it->value);
            if (v == NULL)
                return oom(p);
            free((*kvs)[i].value);
            (*kvs)[i].value = v;
            (*kvs)[i].file = it->file;
            (*kvs)[i].line = it->line;
            (*kvs)[i].col = it->col;
            return 0;
        }
    }
    if (*n == *cap) {
        uint32_t nc = *cap ? *cap * 2 : 8;
        struct hf_kv *k = realloc(*kvs, nc * sizeof *k);
        if (k == NULL)
            return oom(p);
        *kvs = k;
        *cap = nc;
    }
    struct hf_kv *kv = &(*kvs)[*n];
    memset(kv, 0, sizeof *kv);
    kv->key = strdup(it->key);
    kv->value = strdup(it->value);
    if (kv->key == NULL || kv->value == NULL) {
        free(kv->key);
        free(kv->value);
        return oom(p);
    }
    kv->file = it->file;
    kv->line = it->line;
    kv->col = it->col;
    (*n)++;
    return 0;
}

/* "key=value" from --set: trimmed key and value. */
static int split_set(struct planner *p, const char *s, char **key, char **val)
{
    const char *eq = strchr(s, '=');
    if (eq == NULL)
        return hf_error_set(p->err, HF_ERR_USAGE,
                            "--set '%s': expected key=value", s);
    const char *k0 = s, *k1 = eq;
    while (k0 < k1 && (*k0 == ' ' || *k0 == '\t'))
        k0++;
    while (k1 > k0 && (k1[-1] == ' ' || k1[-1] == '\t'))
        k1--;
    const char *v0 = eq + 1, *v1 = s + strlen(s);
    while (v0 < v1 && (*v0 == ' ' || *v0 == '\t'))
        v0++;
    while (v1 > v0 && (v1[-1] == ' ' || v1[-1] == '\t'))
        v1--;
    /* Quotes around either side are allowed: 'key'='value'. */
    if (k1 - k0 >= 2 && *k0 == '\'' && k1[-1] == '\'') {
        k0++;
        k1--;
    }
    if (v1 - v0 >= 2 && *v0 == '\'' && v1[-1] == '\'') {
        v0++;
        v1--;
    }
    if (k1 == k0)
        return hf_error_set(p->err, HF_ERR_USAGE,
                            "--set '%s': the key is empty", s);
    *key = strndup(k0, (size_t)(k1 - k0));
    *val = strndup(v0, (size_t)(v1 - v0));
    if (*key == NULL || *val == NULL) {
        free(*key);
        free(*val);
        return oom(p);
    }
    return 0;
}

/* The error for one SET pair, located at the statement or the --set. */
static int set_error(struct planner *p, const struct hf_kv *kv)
{
    if (kv->file != NULL)
        return relocate(p, kv->line, kv->col, "");
    hf_error_prefix(p->err, "--set '%s=%s': ", kv->key, kv->value);
    return -1;
}

static int plan_settings(struct planner *p, const char *const *sets,
                         size_t nsets)
{
    struct hf_job *job = p->job;
    struct hf_kv *kvs = NULL;
    uint32_t n = 0, cap = 0;
    int rc = 0;
    for (uint32_t i = 0; i < p->ast->nstmts && rc == 0; i++) {
        const struct hf_ast_stmt *st = &p->ast->stmts[i];
        if (st->kind != HF_STMT_SET)
            continue;
        struct set_item it = {.key = st->u.set.key,
                              .value = st->u.set.value,
                              .file = job->path,
                              .line = st->u.set.line,
                              .col = st->u.set.col};
        rc = add_set(p, &kvs, &n, &cap, &it);
    }
    for (size_t i = 0; i < nsets && rc == 0; i++) {
        char *k = NULL, *v = NULL;
        rc = split_set(p, sets[i], &k, &v);
        if (rc == 0 && hf_opt_secret_name(k))
            hf_secret_register(v);
        if (rc == 0) {
            struct set_item it = {.key = k, .value = v};
            rc = add_set(p, &kvs, &n, &cap, &it);
        }
        free(k);
        free(v);
    }
    job->set_kvs = kvs;
    job->nset = n;
    if (rc != 0)
        return -1;

    /* Check each pair on its own, so an error names exactly it. */
    for (uint32_t i = 0; i < n; i++) {
        struct hf_opts one;
        int r = hf_opts_parse(&one, "SET", "", hf_job_opt_defs,
                              hf_job_opt_ndefs, &kvs[i], 1, p->err);
        hf_opts_free(&one);
        if (r != 0)
            return set_error(p, &kvs[i]);
        if (!kvs[i].claimed) {
            const char *best = NULL;
            size_t bd = SIZE_MAX;
            for (size_t d = 0; d < hf_job_opt_ndefs; d++) {
                size_t dd =
                    hf_edit_distance(kvs[i].key, hf_job_opt_defs[d].key);
                if (dd < bd) {
                    bd = dd;
                    best = hf_job_opt_defs[d].key;
                }
            }
            if (best && bd <= 2) {
                hf_error_set(p->err, HF_ERR_OPTION,
                             "unknown SET key '%s'; did you mean '%s'?",
                             kvs[i].key, best);
                return set_error(p, &kvs[i]);
            }
            if (kvs[i].file)
                hf_log_warn("%s:%d:%d: warning: SET '%s' is not a holoflow "
                            "setting; ignored",
                            kvs[i].file, kvs[i].line, kvs[i].col, kvs[i].key);
            else
                hf_log_warn("--set '%s' is not a holoflow setting; ignored",
                            kvs[i].key);
        }
        kvs[i].claimed = false;
    }
    if (hf_opts_parse(&job->settings, "job settings", "", hf_job_opt_defs,
                      hf_job_opt_ndefs, kvs, n, p->err) != 0)
        return -1;
    const struct hf_opt_val *mode =
        hf_opts_get(&job->settings, "execution.runtime-mode", NULL);
    p->batch_mode = mode && mode->text && strcasecmp(mode->text, "batch") == 0;
    const struct hf_opt_val *zone =
        hf_opts_get(&job->settings, "table.local-time-zone", NULL);
    char why[300];
    p->tz = hf_tz_find_session(zone && zone->text ? zone->text : "UTC", why,
                               sizeof why);
    if (p->tz == NULL) {
        for (uint32_t i = n; i-- > 0;)
            if (strcmp(kvs[i].key, "table.local-time-zone") == 0) {
                hf_error_set(p->err, HF_ERR_OPTION,
                             "SET 'table.local-time-zone': %s", why);
                return set_error(p, &kvs[i]);
            }
        return hf_error_set(p->err, HF_ERR_OPTION,
                            "table.local-time-zone: %s", why);
    }
    return 0;
}

/* ------------------------------------------------------------ tables */

static struct hf_table_def *find_table(const struct hf_job *job,
                                       const char *name)
{
    for (uint32_t i = 0; i < job->ntables; i++)
        if (strcmp(job->tables[i]->name, name) == 0)
            return job->tables[i];
    return NULL;
}

static void free_table(struct hf_table_def *t)
{
    if (t == NULL)
        return;
    hf_schema_free(&t->schema);
    hf_opts_free(&t->opts);
    hf_opts_free(&t->format_opts);
    hf_opts_free(&t->key_format_opts);
    free(t->name);
    free(t); /* the block: kvs, their text, owner and prefix strings */
}

/* The extra storage that lives in a table's block. */
struct table_block {
    struct hf_table_def def;
    struct hf_kv *kvs;
    uint32_t nkv;
    char owner[200];
    char fowner[200];
    char kowner[200];
    char fprefix[96];
    char kprefix[96];
};

/* One allocation: the block, then nkv kvs, then their strings. `values`
 * are the option values after ${VAR} expansion. */
static struct table_block *new_block(const struct hf_ast_create_table *ct,
                                     char *const *values, const char *file)
{
    size_t size = sizeof(struct table_block) + ct->nopts * sizeof(struct hf_kv);
    for (uint32_t i = 0; i < ct->nopts; i++)
        size += strlen(ct->opts[i].key.name) + 1 + strlen(values[i]) + 1;
    struct table_block *b = calloc(1, size);
    if (b == NULL)
        return NULL;
    b->kvs = (struct hf_kv *)(b + 1);
    b->nkv = ct->nopts;
    char *s = (char *)(b->kvs + ct->nopts);
    for (uint32_t i = 0; i < ct->nopts; i++) {
        struct hf_kv *kv = &b->kvs[i];
        size_t kl = strlen(ct->opts[i].key.name) + 1;
        size_t vl = strlen(values[i]) + 1;
        memcpy(s, ct->opts[i].key.name, kl);
        kv->key = s;
        s += kl;
        memcpy(s, values[i], vl);
        kv->value = s;
        s += vl;
        kv->file = file;
        kv->line = ct->opts[i].key.line;
        kv->col = ct->opts[i].key.col;
    }
    return b;
}

static int build_schema(struct planner *p, const struct hf_ast_create_table *ct,
                        struct hf_schema *s)
{
    memset(s, 0, sizeof *s);
    s->cols = calloc(ct->ncols ? ct->ncols : 1, sizeof *s->cols);
    s->pk = calloc(ct->ncols ? ct->ncols : 1, sizeof *s->pk);
    s->part = calloc(ct->npart ? ct->npart : 1, sizeof *s->part);
    if (!s->cols || !s->pk || !s->part)
        return oom(p);
    const struct hf_ast_column *inline_pk = NULL;
    for (uint32_t i = 0; i < ct->ncols; i++) {
        const struct hf_ast_column *ac = &ct->cols[i];
        for (uint32_t j = 0; j < i; j++)
            if (strcmp(ct->cols[j].name.name, ac->name.name) == 0)
                return err_at(p, HF_ERR_SQL, ac->name.line, ac->name.col,
                              "column '%s' is declared twice in table '%s'",
                              ac->name.name, ct->full_name);
        struct hf_column *c = &s->cols[s->ncols++];
        c->name = strdup(ac->name.name);
        c->meta_key = ac->meta_key ? strdup(ac->meta_key) : NULL;
        c->comment = ac->comment ? strdup(ac->comment) : NULL;
        if (c->name == NULL || (ac->meta_key && !c->meta_key) ||
            (ac->comment && !c->comment))
            return oom(p);
        c->type = ac->type;
        c->kind = ac->kind;
        c->is_virtual = ac->is_virtual;
        if (ac->primary_key) {
            if (inline_pk || ct->npk)
                return err_at(p, HF_ERR_SQL, ac->name.line, ac->name.col,
                              "table '%s' declares more than one PRIMARY KEY",
                              ct->full_name);
            inline_pk = ac;
        }
    }
    if (inline_pk) {
        s->pk[0] = (uint32_t)hf_schema_find(s, inline_pk->name.name);
        s->npk = 1;
    }
    for (uint32_t i = 0; i < ct->npk; i++) {
        const struct hf_ast_ident *k = &ct->pk[i];
        int idx = hf_schema_find(s, k->name);
        if (idx < 0)
            return err_at(p, HF_ERR_SQL, k->line, k->col,
                          "primary key column '%s' is not a column of table "
                          "'%s'",
                          k->name, ct->full_name);
        for (uint32_t j = 0; j < s->npk; j++)
            if (s->pk[j] == (uint32_t)idx)
                return err_at(p, HF_ERR_SQL, k->line, k->col,
                              "column '%s' appears twice in the primary key",
                              k->name);
        s->pk[s->npk++] = (uint32_t)idx;
    }
    for (uint32_t i = 0; i < s->npk; i++) {
        struct hf_column *c = &s->cols[s->pk[i]];
        if (c->kind != HF_COL_PHYSICAL) {
            int l = ct->pk_line, cc = ct->pk_col;
            if (inline_pk) {
                l = inline_pk->name.line;
                cc = inline_pk->name.col;
            }
            return err_at(p, HF_ERR_SQL, l, cc,
                          "primary key column '%s' must be a physical column, "
                          "not a %s column",
                          c->name,
                          c->kind == HF_COL_METADATA ? "metadata" : "computed");
        }
        c->type.not_null = true; /* as Flink: key columns are NOT NULL */
    }
    for (uint32_t i = 0; i < ct->npart; i++) {
        const struct hf_ast_ident *k = &ct->part[i];
        int idx = hf_schema_find(s, k->name);
        if (idx < 0)
            return err_at(p, HF_ERR_SQL, k->line, k->col,
                          "partition column '%s' is not a column of table '%s'",
                          k->name, ct->full_name);
        if (s->cols[idx].kind != HF_COL_PHYSICAL)
            return err_at(p, HF_ERR_SQL, k->line, k->col,
                          "partition column '%s' must be a physical column",
                          k->name);
        for (uint32_t j = 0; j < s->npart; j++)
            if (s->part[j] == (uint32_t)idx)
                return err_at(p, HF_ERR_SQL, k->line, k->col,
                              "column '%s' appears twice in PARTITIONED BY",
                              k->name);
        s->part[s->npart++] = (uint32_t)idx;
    }
    return 0;
}

/* "datagen, print, ..." with unavailable ones marked. */
static void connector_names(char *buf, size_t n)
{
    size_t off = 0;
    buf[0] = '\0';
    const struct hf_connector *const *l = hf_connector_list();
    for (size_t i = 0; l && l[i] && off < n; i++) {
        int w =
            snprintf(buf + off, n - off, "%s%s%s", i ? ", " : "", l[i]->name,
                     l[i]->unavailable ? " (not in this build)" : "");
        if (w < 0)
            break;
        off += (size_t)w;
    }
}

static void format_names(char *buf, size_t n)
{
    size_t off = 0;
    buf[0] = '\0';
    const struct hf_format *const *l = hf_format_list();
    for (size_t i = 0; l && l[i] && off < n; i++) {
        int w =
            snprintf(buf + off, n - off, "%s%s%s", i ? ", " : "", l[i]->name,
                     l[i]->unavailable ? " (not in this build)" : "");
        if (w < 0)
            break;
        off += (size_t)w;
    }
}

static struct hf_kv *find_kv(struct table_block *b, const char *key)
{
    for (uint32_t i = 0; i < b->nkv; i++)
        if (strcasecmp(b->kvs[i].key, key) == 0)
            return &b->kvs[i];
    return NULL;
}

/* Does a connector's or format's message already name the table? */
static bool names_table(const struct hf_error *err,
                        const struct hf_ast_create_table *ct)
{
    char q[300];
    snprintf(q, sizeof q, "'%s'", ct->name.name);
    return strstr(err->msg, q) != NULL;
}

/* The prefix of a format's options, from the key that named it:
 * 'format' -> "<fmt>.", 'value.format' -> "value.<fmt>.",
 * 'key.format' -> "key.<fmt>.", legacy 'format.type' -> "format.". */
static void format_prefix(const char *key_used, const char *fmt, char *buf,
                          size_t n)
{
    size_t kl = key_used ? strlen(key_used) : 0;
    if (kl >= 5 && strcasecmp(key_used + kl - 5, ".type") == 0) {
        snprintf(buf, n, "%.*s", (int)(kl - 4), key_used);
        return;
    }
    if (kl >= 6 && strcasecmp(key_used + kl - 6, "format") == 0) {
        snprintf(buf, n, "%.*s%s.", (int)(kl - 6), key_used, fmt);
        return;
    }
    snprintf(buf, n, "%s.", fmt);
}

/* Resolve the format named by option `key` of the connector (value or key
 * format). Returns 0 (possibly with no format), -1 on error. */
static int plan_format(struct planner *p, struct table_block *b,
                       const char *key, bool is_key,
                       const struct hf_ast_create_table *ct)
{
    struct hf_table_def *t = &b->def;
    const struct hf_opt_val *v = hf_opts_get(&t->opts, key, NULL);
    if (v == NULL || v->text == NULL || v->text[0] == '\0')
        return 0;
    const char *used = v->key_used ? v->key_used : key;
    struct hf_kv *kv = find_kv(b, used);
    int line = kv ? kv->line : ct->name.line;
    int col = kv ? kv->col : ct->name.col;
    const struct hf_format *f = hf_format_find(v->text);
    if (f == NULL) {
        char names[400];
        format_names(names, sizeof names);
        return err_at(p, HF_ERR_OPTION, line, col,
                      "unknown format '%s' for table '%s'; formats: %s",
                      v->text, ct->full_name, names);
    }
    if (f->unavailable)
        return err_at(p, HF_ERR_UNSUPPORTED, line, col,
                      "format '%s' is not available in this build: %s", f->name,
                      f->unavailable);
    char *prefix = is_key ? b->kprefix : b->fprefix;
    size_t plen = is_key ? sizeof b->kprefix : sizeof b->fprefix;
    format_prefix(used, f->name, prefix, plen);
    char *owner = is_key ? b->kowner : b->fowner;
    snprintf(owner, sizeof b->fowner, "%s format '%s' of table '%s'",
             is_key ? "key" : "value", f->name, ct->full_name);
    struct hf_opts *o = is_key ? &t->key_format_opts : &t->format_opts;
    if (hf_opts_parse(o, owner, prefix, f->opts, f->nopts, b->kvs, b->nkv,
                      p->err) != 0)
        return relocate(p, ct->name.line, ct->name.col, "");
    if (is_key)
        t->key_format = f;
    else
        t->format = f;
    if (f->validate && f->validate(o, &t->schema, p->err) != 0) {
        char what[300];
        snprintf(what, sizeof what, "table '%s', format '%s': ", ct->full_name,
                 f->name);
        return relocate(p, line, col, names_table(p->err, ct) ? "" : what);
    }
    return 0;
}

static int add_table(struct planner *p, struct hf_table_def *t)
{
    struct hf_job *job = p->job;
    if (job->ntables == p->tcap) {
        uint32_t nc = p->tcap ? p->tcap * 2 : 8;
        struct hf_table_def **a = realloc(job->tables, nc * sizeof *a);
        if (a == NULL)
            return oom(p);
        job->tables = a;
        p->tcap = nc;
    }
    job->tables[job->ntables++] = t;
    return 0;
}

static int plan_create(struct planner *p, const struct hf_ast_stmt *st)
{
    const struct hf_ast_create_table *ct = &st->u.create;
    struct hf_job *job = p->job;
    struct hf_table_def *prev = find_table(job, ct->name.name);
    if (prev) {
        if (ct->if_not_exists)
            return 0;
        return err_at(p, HF_ERR_SQL, ct->name.line, ct->name.col,
                      "table '%s' is already defined (at line %d); use "
                      "another name or CREATE TABLE IF NOT EXISTS",
                      ct->full_name, prev->line);
    }
    /* ${VAR} in option values comes from the environment (secrets and
     * endpoints stay out of job files). */
    char **values = calloc(ct->nopts ? ct->nopts : 1, sizeof *values);
    bool *secret = calloc(ct->nopts ? ct->nopts : 1, sizeof *secret);
    if (values == NULL || secret == NULL) {
        free(values);
        free(secret);
        return oom(p);
    }
    for (uint32_t i = 0; i < ct->nopts; i++) {
        char why[256];
        values[i] = hf_env_expand_ex(ct->opts[i].value, &secret[i], why,
                                     sizeof why);
        if (values[i] != NULL &&
            (secret[i] || hf_opt_secret_name(ct->opts[i].key.name)))
            hf_secret_register(values[i]);
        if (values[i] == NULL) {
            for (uint32_t j = 0; j < i; j++)
                free(values[j]);
            free(values);
            free(secret);
            return err_at(p, HF_ERR_OPTION, ct->opts[i].vline,
                          ct->opts[i].vcol, "option '%s': %s",
                          ct->opts[i].key.name, why);
        }
    }
    struct table_block *b = new_block(ct, values, job->path);
    for (uint32_t i = 0; i < ct->nopts; i++) {
        free(values[i]);
        if (b)
            b->kvs[i].secret = secret[i]; /* built from ${secret_values.*} */
    }
    free(values);
    free(secret);
    if (b == NULL)
        return oom(p);
    struct hf_table_def *t = &b->def;
    t->name = strdup(ct->name.name);
    t->file = job->path;
    t->line = st->line;
    t->col = st->col;
    if (t->name == NULL) {
        free_table(t);
        return oom(p);
    }
    if (add_table(p, t) != 0) {
        free_table(t);
        return -1;
    }
    if (build_schema(p, ct, &t->schema) != 0)
        return -1;

    /* The connector. */
    char names[600];
    if (!ct->has_with) {
        connector_names(names, sizeof names);
        return err_at(p, HF_ERR_SQL, ct->name.line, ct->name.col,
                      "table '%s' has no WITH clause; add WITH ('connector' = "
                      "'...') naming one of: %s",
                      ct->full_name, names);
    }
    struct hf_kv *ck = find_kv(b, "connector");
    struct hf_kv *lk = find_kv(b, "connector.type");
    for (uint32_t i = 0; i < b->nkv; i++) {
        struct hf_kv *kv = &b->kvs[i];
        struct hf_kv *first = strcasecmp(kv->key, "connector") == 0 ? ck
                              : strcasecmp(kv->key, "connector.type") == 0
                                  ? lk
                                  : NULL;
        if (first && first != kv)
            return err_at(p, HF_ERR_OPTION, kv->line, kv->col,
                          "duplicate option '%s' in table '%s'", kv->key,
                          ct->full_name);
    }
    if (ck && lk)
        return err_at(p, HF_ERR_OPTION, lk->line, lk->col,
                      "table '%s' sets both 'connector' and 'connector.type'; "
                      "keep one",
                      ct->full_name);
    struct hf_kv *conn = ck ? ck : lk;
    if (conn == NULL) {
        connector_names(names, sizeof names);
        return err_at(p, HF_ERR_OPTION, ct->name.line, ct->name.col,
                      "table '%s' has no 'connector' option; connectors: %s",
                      ct->full_name, names);
    }
    conn->claimed = true;
    const struct hf_connector *c = hf_connector_find(conn->value);
    /* The value's position: right after the key's '=' in most scripts;
     * point at the key, which is what the user looks for. */
    if (c == NULL) {
        connector_names(names, sizeof names);
        const char *best = NULL;
        size_t bd = SIZE_MAX;
        const struct hf_connector *const *l = hf_connector_list();
        for (size_t i = 0; l && l[i]; i++) {
            size_t d = hf_edit_distance(conn->value, l[i]->name);
            if (d < bd) {
                bd = d;
                best = l[i]->name;
            }
        }
        char hint[120] = "";
        if (best && bd <= 2)
            snprintf(hint, sizeof hint, "; did you mean '%s'?", best);
        return err_at(p, HF_ERR_OPTION, conn->line, conn->col,
                      "unknown connector '%s' for table '%s'%s\nconnectors: %s",
                      conn->value, ct->full_name, hint, names);
    }
    if (c->unavailable)
        return err_at(p, HF_ERR_UNSUPPORTED, conn->line, conn->col,
                      "connector '%s' is not available in this build: %s",
                      c->name, c->unavailable);
    t->connector = c;
    snprintf(b->owner, sizeof b->owner, "table '%s' (connector '%s')",
             ct->full_name, c->name);
    if (hf_opts_parse(&t->opts, b->owner, "", c->opts, c->nopts, b->kvs, b->nkv,
                      p->err) != 0)
        return relocate(p, ct->name.line, ct->name.col, "");
    if (c->value_format_key &&
        plan_format(p, b, c->value_format_key, false, ct) != 0)
        return -1;
    if (c->key_format_key &&
        plan_format(p, b, c->key_format_key, true, ct) != 0)
        return -1;
    const struct hf_opts *sets[3] = {
        &t->opts, t->format ? &t->format_opts : NULL,
        t->key_format ? &t->key_format_opts : NULL};
    /* "connector 'datagen'", "connector 'filesystem' with format 'csv'" */
    char owner[260];
    int w = snprintf(owner, sizeof owner, "connector '%s'", c->name);
    if (t->format && w > 0 && (size_t)w < sizeof owner)
        w += snprintf(owner + w, sizeof owner - (size_t)w, " with format '%s'",
                      t->format->name);
    if (t->key_format && w > 0 && (size_t)w < sizeof owner)
        snprintf(owner + w, sizeof owner - (size_t)w, " and key format '%s'",
                 t->key_format->name);
    if (hf_opts_check_unclaimed(b->kvs, b->nkv, owner, sets, 3, p->err) != 0)
        return relocate(p, ct->name.line, ct->name.col, "");
    if (c->validate && c->validate(t, p->err) != 0) {
        char what[300];
        snprintf(what, sizeof what, "table '%s': ", ct->full_name);
        return relocate(p, ct->name.line, ct->name.col,
                        names_table(p->err, ct) ? "" : what);
    }
    return 0;
}

/* ------------------------------------------------------------ INSERT */

/* A table named by an INSERT: defined earlier, or say why not. */
static struct hf_table_def *resolve_table(struct planner *p,
                                          const struct hf_ast_ident *id,
                                          const char *full, const char *role)
{
    struct hf_table_def *t = find_table(p->job, id->name);
    if (t)
        return t;
    for (uint32_t i = 0; i < p->ast->nstmts; i++) {
        const struct hf_ast_stmt *st = &p->ast->stmts[i];
        if (st->kind == HF_STMT_CREATE_TABLE &&
            strcmp(st->u.create.name.name, id->name) == 0) {
            err_at(p, HF_ERR_SQL, id->line, id->col,
                   "table '%s' is used before it is created (CREATE TABLE at "
                   "line %d); move the CREATE TABLE first",
                   full, st->line);
            return NULL;
        }
    }
    const char *best = NULL;
    size_t bd = SIZE_MAX;
    for (uint32_t i = 0; i < p->job->ntables; i++) {
        size_t d = hf_edit_distance(id->name, p->job->tables[i]->name);
        if (d < bd) {
            bd = d;
            best = p->job->tables[i]->name;
        }
    }
    if (best && bd <= 2)
        err_at(p, HF_ERR_SQL, id->line, id->col,
               "unknown %s table '%s'; did you mean '%s'?", role, full, best);
    else
        err_at(p, HF_ERR_SQL, id->line, id->col,
               "unknown %s table '%s'; declare it with CREATE TABLE first",
               role, full);
    return NULL;
}

static bool writable(const struct hf_column *c)
{
    return c->kind == HF_COL_PHYSICAL ||
           (c->kind == HF_COL_METADATA && !c->is_virtual);
}

/* One produced column of the query. */
struct item {
    struct hf_expr *e;
    int line, col;
};

static void free_items(struct item *it, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        hf_expr_free(it[i].e);
    free(it);
}

static int expand_select(struct planner *p, const struct hf_ast_insert *ins,
                         const struct hf_table_def *src, struct item **out,
                         uint32_t *nout)
{
    struct hf_bind_scope sc = {.src = &p->src,
                               .schema = &src->schema,
                               .table = src->name,
                               .alias = ins->alias.name,
                               .tz = p->tz};
    uint32_t cap = 0, n = 0;
    for (uint32_t i = 0; i < ins->nitems; i++)
        cap += ins->items[i].expr ? 1 : src->schema.ncols;
    struct item *it = calloc(cap ? cap : 1, sizeof *it);
    if (it == NULL)
        return oom(p);
    for (uint32_t i = 0; i < ins->nitems; i++) {
        const struct hf_ast_select_item *si = &ins->items[i];
        if (si->expr == NULL) {
            if (si->star_qual &&
                strcmp(si->star_qual, sc.alias ? sc.alias : sc.table) != 0) {
                free_items(it, n);
                return err_at(p, HF_ERR_SQL, si->line, si->col,
                              "unknown table '%s' in '%s.*'; the query reads "
                              "'%s'%s%s%s",
                              si->star_qual, si->star_qual, src->name,
                              sc.alias ? " as '" : "", sc.alias ? sc.alias : "",
                              sc.alias ? "'" : "");
            }
            for (uint32_t c = 0; c < src->schema.ncols; c++) {
                it[n].e = hf_expr_new_column(&src->schema, c);
                it[n].line = si->line;
                it[n].col = si->col;
                if (it[n].e == NULL) {
                    free_items(it, n);
                    return oom(p);
                }
                n++;
            }
            continue;
        }
        it[n].e = hf_expr_bind(&sc, si->expr, p->err);
        it[n].line = si->line;
        it[n].col = si->col;
        if (it[n].e == NULL) {
            free_items(it, n);
            return -1;
        }
        n++;
    }
    *out = it;
    *nout = n;
    return 0;
}

/* A table read by several INSERTs is one source node (source reuse), so
 * one consumer reads it for all of them. Two source nodes in one consumer
 * group (two tables naming the same group, or one table read by two
 * INSERTs with table.optimizer.reuse-source-enabled = false) would split
 * the partitions between them, each seeing part of the data, and commit
 * the group's offsets for each other. */
static int check_shared_groups(struct planner *p, const struct hf_job *job)
{
    const struct hf_graph *g = &job->graph;
    for (uint32_t j = 0; j < g->nnodes; j++) {
        const struct hf_node *nb = &g->nodes[j];
        if (nb->kind != HF_NODE_SOURCE)
            continue;
        const struct hf_table_def *b = nb->table;
        const char *gb =
            b->connector->source_group ? b->connector->source_group(b) : NULL;
        for (uint32_t i = 0; gb && i < j; i++) {
            const struct hf_node *na = &g->nodes[i];
            if (na->kind != HF_NODE_SOURCE)
                continue;
            const struct hf_table_def *a = na->table;
            const char *ga = a->connector->source_group
                                 ? a->connector->source_group(a)
                                 : NULL;
            if (ga == NULL || strcmp(ga, gb) != 0)
                continue;
            if (a == b)
                return err_at(p, HF_ERR_SQL, nb->line, 1,
                              "table '%s' (consumer group '%s') is also read "
                              "by the INSERT at line %d and "
                              "'table.optimizer.reuse-source-enabled' is "
                              "'false': each INSERT then has its own "
                              "consumer, and two consumers of one group "
                              "split the partitions between them, so each "
                              "INSERT would see part of the topic; leave "
                              "source reuse on (one consumer feeds both "
                              "INSERTs) or give each INSERT its own table "
                              "and 'properties.group.id'",
                              b->name, gb, na->line);
            return err_at(p, HF_ERR_SQL, nb->line, 1,
                          "tables '%s' (INSERT at line %d) and '%s' are read "
                          "in one consumer group '%s': their consumers would "
                          "split the partitions and commit for each other; "
                          "give each table its own 'properties.group.id'",
                          a->name, na->line, b->name, gb);
        }
    }
    return 0;
}

int hf_sql_check_sink_formats(const struct hf_table_def *t,
                              struct hf_error *err)
{
    const struct hf_format *f[2] = {t->format, t->key_format};
    const struct hf_opts *o[2] = {&t->format_opts, &t->key_format_opts};
    for (int i = 0; i < 2; i++) {
        if (f[i] == NULL || f[i]->validate_encoder == NULL)
            continue;
        if (f[i]->validate_encoder(o[i], &t->schema, err) != 0) {
            hf_error_prefix(err,
                            "table '%s' (%s format '%s', defined at line %d) "
                            "cannot be written: ",
                            t->name, i ? "key" : "value", f[i]->name, t->line);
            return -1;
        }
    }
    return 0;
}

/* hf_sql_check_sink_formats() for the table the INSERT `ins` writes; an
 * error points at the INSERT's target. */
static int check_sink_formats(struct planner *p, const struct hf_table_def *t,
                              const struct hf_ast_insert *ins)
{
    if (hf_sql_check_sink_formats(t, p->err) == 0)
        return 0;
    char why[HF_ERRMSG_MAX];
    memcpy(why, p->err->msg, sizeof why);
    hf_err_t code = p->err->code;
    hf_error_clear(p->err);
    return err_at(p, code, ins->target.line, ins->target.col, "%s", why);
}

/* The graph nodes one INSERT adds: the source node of the table it reads
 * (shared with earlier INSERTs reading that table when sources are
 * reused), a calc node with the query's filter and projections, and a
 * sink node. Returns the source node's id. Node pointers are not kept:
 * adding a node may move the others. */
static int add_insert_nodes(struct planner *p, struct hf_table_def *src,
                            struct hf_table_def *sink, int line,
                            struct hf_calc_spec **calc, uint32_t *sink_id)
{
    struct hf_graph *g = &p->job->graph;
    struct hf_node *n = p->reuse_source ? hf_graph_find_source(g, src) : NULL;
    if (n == NULL) {
        n = hf_graph_add(g, HF_NODE_SOURCE, NULL, 0);
        if (n == NULL)
            return oom(p);
        n->table = src;
        n->schema = &src->schema;
        n->line = line;
    }
    uint32_t src_id = n->id;
    *calc = calloc(1, sizeof **calc);
    if (*calc == NULL)
        return oom(p);
    n = hf_graph_add(g, HF_NODE_OP, &src_id, 1);
    if (n == NULL) {
        free(*calc);
        *calc = NULL;
        return oom(p);
    }
    n->op = &hf_op_calc;
    n->spec = *calc; /* the graph owns it from here */
    n->schema = &sink->schema;
    (*calc)->in = &src->schema;
    (*calc)->out = &sink->schema;
    (*calc)->target = sink->name;
    uint32_t calc_id = n->id;
    n = hf_graph_add(g, HF_NODE_SINK, &calc_id, 1);
    if (n == NULL)
        return oom(p);
    n->table = sink;
    n->schema = &sink->schema;
    n->line = line;
    *sink_id = n->id;
    return 0;
}

static int plan_insert(struct planner *p, const struct hf_ast_stmt *st)
{
    const struct hf_ast_insert *ins = &st->u.insert;
    struct hf_table_def *sink =
        resolve_table(p, &ins->target, ins->target_full, "sink");
    if (sink == NULL)
        return -1;
    struct hf_table_def *src =
        resolve_table(p, &ins->source, ins->source_full, "source");
    if (src == NULL)
        return -1;
    if (!(sink->connector->caps & HF_CONN_SINK))
        return err_at(p, HF_ERR_SQL, ins->target.line, ins->target.col,
                      "table '%s' cannot be written to: connector '%s' is "
                      "source-only",
                      ins->target_full, sink->connector->name);
    if (!(src->connector->caps & HF_CONN_SOURCE))
        return err_at(p, HF_ERR_SQL, ins->source.line, ins->source.col,
                      "table '%s' cannot be read: connector '%s' is sink-only",
                      ins->source_full, src->connector->name);
    if (check_sink_formats(p, sink, ins) != 0)
        return -1;
    struct hf_calc_spec *calc = NULL;
    uint32_t sink_id = 0;
    if (add_insert_nodes(p, src, sink, st->line, &calc, &sink_id) != 0)
        return -1;
    struct hf_node *sn = &p->job->graph.nodes[sink_id];
    const struct hf_schema *ds = &sink->schema;
    calc->proj = calloc(ds->ncols ? ds->ncols : 1, sizeof *calc->proj);
    sn->value_types =
        calloc(ds->ncols ? ds->ncols : 1, sizeof *sn->value_types);
    if (calc->proj == NULL || sn->value_types == NULL)
        return oom(p);
    struct hf_type *value_types = sn->value_types;
    for (uint32_t c = 0; c < ds->ncols; c++)
        hf_expr_value_bound(NULL, &ds->cols[c].type, &value_types[c]);
    calc->nproj = ds->ncols;

    /* Target columns. */
    uint32_t targets[ds->ncols ? ds->ncols : 1];
    uint32_t ntargets = 0;
    if (ins->has_cols) {
        for (uint32_t i = 0; i < ins->ncols; i++) {
            const struct hf_ast_ident *id = &ins->cols[i];
            int idx = hf_schema_find(ds, id->name);
            if (idx < 0)
                return err_at(p, HF_ERR_SQL, id->line, id->col,
                              "unknown column '%s' in table '%s'", id->name,
                              ins->target_full);
            if (!writable(&ds->cols[idx]))
                return err_at(p, HF_ERR_SQL, id->line, id->col,
                              "column '%s' of table '%s' is %s and cannot be "
                              "written",
                              id->name, ins->target_full,
                              ds->cols[idx].kind == HF_COL_PROCTIME
                                  ? "a computed column"
                                  : "a VIRTUAL metadata column");
            for (uint32_t j = 0; j < ntargets; j++)
                if (targets[j] == (uint32_t)idx)
                    return err_at(p, HF_ERR_SQL, id->line, id->col,
                                  "column '%s' is listed twice", id->name);
            targets[ntargets++] = (uint32_t)idx;
        }
        for (uint32_t c = 0; c < ds->ncols; c++) {
            if (!writable(&ds->cols[c]) || !ds->cols[c].type.not_null)
                continue;
            bool listed = false;
            for (uint32_t j = 0; j < ntargets; j++)
                listed = listed || targets[j] == c;
            if (!listed)
                return err_at(p, HF_ERR_SQL, ins->target.line, ins->target.col,
                              "column '%s' of table '%s' is NOT NULL but is "
                              "missing from the INSERT's column list",
                              ds->cols[c].name, ins->target_full);
        }
        sn->written = calloc(ds->ncols ? ds->ncols : 1, sizeof *sn->written);
        if (sn->written == NULL)
            return oom(p);
        for (uint32_t j = 0; j < ntargets; j++)
            sn->written[targets[j]] = true;
    } else {
        for (uint32_t c = 0; c < ds->ncols; c++)
            if (writable(&ds->cols[c]))
                targets[ntargets++] = c;
    }

    struct item *items = NULL;
    uint32_t nitems = 0;
    if (expand_select(p, ins, src, &items, &nitems) != 0)
        return -1;
    if (nitems != ntargets) {
        free_items(items, nitems);
        return err_at(p, HF_ERR_SQL, ins->target.line, ins->target.col,
                      "INSERT into '%s' has %u column%s but the query "
                      "produces %u",
                      ins->target_full, ntargets, ntargets == 1 ? "" : "s",
                      nitems);
    }
    for (uint32_t i = 0; i < nitems; i++) {
        const struct hf_column *col = &ds->cols[targets[i]];
        char why[300];
        struct hf_type from = *hf_expr_type(items[i].e);
        bool null_lit = hf_expr_is_untyped_null(items[i].e);
        hf_expr_value_bound(items[i].e, &col->type,
                            &value_types[targets[i]]);
        int rc = hf_expr_coerce(&items[i].e, &col->type, why, sizeof why);
        if (rc == -2) {
            free_items(items, nitems);
            return oom(p);
        }
        if (rc != 0) {
            char t1[64], t2[64];
            int line = items[i].line, cc = items[i].col;
            free_items(items, nitems);
            return err_at(
                p, HF_ERR_TYPE, line, cc,
                "column '%s': cannot write %s into %s of table "
                "'%s'%s%s%s; add a CAST",
                col->name,
                null_lit ? "NULL" : hf_type_name(&from, t1, sizeof t1),
                hf_type_name(&col->type, t2, sizeof t2), ins->target_full,
                why[0] ? " (" : "", why, why[0] ? ")" : "");
        }
        calc->proj[targets[i]] = items[i].e;
        items[i].e = NULL;
    }
    free_items(items, nitems);
    for (uint32_t c = 0; c < ds->ncols; c++) {
        if (calc->proj[c] == NULL) {
            calc->proj[c] = hf_expr_new_null(&ds->cols[c].type);
            if (calc->proj[c] == NULL)
                return oom(p);
        }
    }

    if (ins->where) {
        struct hf_bind_scope sc = {.src = &p->src,
                                   .schema = &src->schema,
                                   .table = src->name,
                                   .alias = ins->alias.name,
                                   .tz = p->tz};
        calc->filter = hf_expr_bind(&sc, ins->where, p->err);
        if (calc->filter == NULL)
            return -1;
        const struct hf_type *ft = hf_expr_type(calc->filter);
        if (ft->id != HF_BOOLEAN || hf_expr_is_untyped_null(calc->filter)) {
            char t1[64];
            return err_at(p, HF_ERR_TYPE, ins->where->line, ins->where->col,
                          "WHERE needs a BOOLEAN condition, found %s",
                          hf_expr_is_untyped_null(calc->filter)
                              ? "NULL"
                              : hf_type_name(ft, t1, sizeof t1));
        }
    }

    /* A changelog source needs a sink that takes updates and deletes. */
    if (src->format && src->format->changelog &&
        (sink->connector->accepts_changelog == NULL ||
         !sink->connector->accepts_changelog(sink)))
        return err_at(p, HF_ERR_SQL, ins->target.line, ins->target.col,
                      "table '%s' produces a changelog (format '%s' emits "
                      "updates and deletes) but table '%s' (connector '%s') "
                      "accepts only inserts",
                      ins->source_full, src->format->name, ins->target_full,
                      sink->connector->name);
    if (src->connector->produces_changelog &&
        src->connector->produces_changelog(src) &&
        (sink->connector->accepts_changelog == NULL ||
         !sink->connector->accepts_changelog(sink)))
        return err_at(p, HF_ERR_SQL, ins->target.line, ins->target.col,
                      "table '%s' produces a changelog (connector '%s' emits "
                      "updates and deletes) but table '%s' (connector '%s') "
                      "accepts only inserts",
                      ins->source_full, src->connector->name,
                      ins->target_full, sink->connector->name);
    if (p->batch_mode &&
        (src->connector->bounded == NULL || !src->connector->bounded(src)))
        return err_at(p, HF_ERR_SQL, ins->source.line, ins->source.col,
                      "execution.runtime-mode is 'batch' but table '%s' "
                      "(connector '%s') is unbounded; make it bounded or run "
                      "in streaming mode",
                      ins->source_full, src->connector->name);
    return 0;
}

/* ------------------------------------------------------------ entry */

void hf_job_free(struct hf_job *job)
{
    if (job == NULL)
        return;
    hf_graph_free(&job->graph);
    for (uint32_t i = 0; i < job->ntables; i++)
        free_table(job->tables[i]);
    free(job->tables);
    for (uint32_t i = 0; i < job->nset; i++) {
        free(job->set_kvs[i].key);
        free(job->set_kvs[i].value);
    }
    free(job->set_kvs);
    hf_opts_free(&job->settings);
    free(job->path);
    free(job->source_text);
    free(job);
}

/* Every value whose key names a credential (hf_opt_secret_name) is a
 * secret from the moment the script is read, whatever table or connector
 * it belongs to and whether or not planning gets that far; the expanded
 * ${VAR} value is registered where it is made (plan_create). */
static void register_script_secrets(const struct hf_ast_script *ast)
{
    for (uint32_t i = 0; i < ast->nstmts; i++) {
        const struct hf_ast_stmt *st = &ast->stmts[i];
        if (st->kind == HF_STMT_SET && hf_opt_secret_name(st->u.set.key))
            hf_secret_register(st->u.set.value);
        if (st->kind != HF_STMT_CREATE_TABLE)
            continue;
        const struct hf_ast_create_table *ct = &st->u.create;
        for (uint32_t k = 0; k < ct->nopts; k++)
            if (hf_opt_secret_name(ct->opts[k].key.name))
                hf_secret_register(ct->opts[k].value);
    }
}

static int plan(struct planner *p, const char *const *sets, size_t nsets)
{
    struct hf_job *job = p->job;
    if (hf_sql_parse(&p->src, &p->ast, p->err) != 0)
        return -1;
    register_script_secrets(p->ast);
    if (plan_settings(p, sets, nsets) != 0)
        return -1;
    p->reuse_source = hf_opts_bool(
        &job->settings, "table.optimizer.reuse-source-enabled", NULL);
    /* In script order, as Flink runs statements: a table exists from its
     * CREATE TABLE on. */
    for (uint32_t i = 0; i < p->ast->nstmts; i++) {
        const struct hf_ast_stmt *st = &p->ast->stmts[i];
        if (st->kind == HF_STMT_CREATE_TABLE && plan_create(p, st) != 0)
            return -1;
        if (st->kind == HF_STMT_INSERT && plan_insert(p, st) != 0)
            return -1;
    }
    return check_shared_groups(p, job);
}

int hf_sql_plan_text(const char *name, const char *text,
                     const char *const *sets, size_t nsets, struct hf_job **out,
                     struct hf_error *err)
{
    *out = NULL;
    struct hf_job *job = calloc(1, sizeof *job);
    if (job == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    job->path = strdup(name ? name : "<sql>");
    job->source_text = strdup(text);
    if (job->path == NULL || job->source_text == NULL) {
        hf_job_free(job);
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    struct planner p = {.job = job, .err = err};
    p.src.file = job->path;
    p.src.text = job->source_text;
    p.src.len = strlen(job->source_text);
    int rc = plan(&p, sets, nsets);
    hf_ast_script_free(p.ast);
    if (rc != 0) {
        if (!hf_error_is_set(err))
            hf_error_set(err, HF_ERR_SQL, "planning failed");
        hf_job_free(job);
        return -1;
    }
    *out = job;
    return 0;
}

int hf_sql_plan_file(const char *path, const char *const *sets, size_t nsets,
                     struct hf_job **out, struct hf_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return hf_error_set(err, HF_ERR_IO, "cannot open SQL script '%s': %s",
                            path, strerror(errno));
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, SCRIPT_MAX);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        hf_strbuf_append(&sb, buf, n);
    int rerr = ferror(f);
    fclose(f);
    if (rerr) {
        hf_strbuf_free(&sb);
        return hf_error_set(err, HF_ERR_IO, "cannot read SQL script '%s'",
                            path);
    }
    if (!hf_strbuf_ok(&sb)) {
        hf_strbuf_free(&sb);
        return hf_error_set(err, HF_ERR_NOMEM,
                            "SQL script '%s' is too large (limit %u MiB)", path,
                            SCRIPT_MAX >> 20);
    }
    if (memchr(sb.data ? sb.data : "", '\0', sb.len) != NULL) {
        hf_strbuf_free(&sb);
        return hf_error_set(err, HF_ERR_SQL,
                            "'%s' contains NUL bytes; it is not a SQL script",
                            path);
    }
    int rc =
        hf_sql_plan_text(path, sb.data ? sb.data : "", sets, nsets, out, err);
    hf_strbuf_free(&sb);
    return rc;
}
