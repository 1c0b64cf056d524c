/*
 * planner.c - turning a parsed script into a struct hf_job: the statements
 * in script order, and the catalog of the tables and views they create.
 *
 * Order of work: SET statements and --set overrides first (the runtime mode
 * decides which sources are allowed), then every other statement in script
 * order, as Flink runs them: a table or view exists from its CREATE on
 * until a DROP, and an INSERT sees the names that exist where it stands.
 * CREATE TABLE builds the table (plan_table.c, which also merges LIKE);
 * CREATE VIEW plans its query once into a scratch graph, to check it and
 * its column list, and keeps it to be planned again wherever it is read;
 * INSERT plans its query and sink into the job's graph (plan_query.c).
 *
 * Names follow Flink's catalog rules: tables and views share one
 * namespace; a TEMPORARY object may shadow a permanent one of the same
 * name and is found first; DROP TABLE of a name that has a temporary
 * table, or DROP TEMPORARY of a name that has none, is an error (IF EXISTS
 * makes a missing name no error).
 *
 * The job owns a copy of the script text and path; tables, kvs and bound
 * expressions borrow the path for messages.
 */
#include "sql/planner.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/opt.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "core/tz.h"
#include "formats/format.h"
#include "sql/ast.h"
#include "sql/expr.h"
#include "sql/lexer.h"
#include "sql/parser.h"
#include "sql/planner_int.h"

#define SCRIPT_MAX (64u << 20)

#define err_at hf_plan_err_at
#define oom hf_plan_oom
#define relocate hf_plan_relocate

/* ------------------------------------------------------------ errors */

int hf_plan_err_at(struct planner *p, hf_err_t code, int line, int col,
                   const char *fmt, ...)
{
    char msg[800];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return hf_sql_error_at(p->err, code, &p->src, line, col, "%s", msg);
}

const struct hf_ast_expr *hf_plan_ast_column(const struct hf_ast_expr *a)
{
    if (a == NULL)
        return NULL;
    if (a->kind == HF_AST_COLUMN)
        return a;
    for (uint32_t i = 0; i < a->nargs; i++) {
        const struct hf_ast_expr *c = hf_plan_ast_column(a->args[i]);
        if (c)
            return c;
    }
    return hf_plan_ast_column(a->filter);
}

int hf_plan_oom(struct planner *p)
{
    return hf_error_set(p->err, HF_ERR_NOMEM, "out of memory planning the job");
}

/* Rewrite an error from another layer into the SQL front end's form. A
 * message that starts with "<script>:line:col: " gets "error: " and a
 * caret there; any other message is placed at (line, col) with `what`
 * ("table 'src': ") in front. */
int hf_plan_relocate(struct planner *p, int line, int col, const char *what)
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
    p->dynamic_options = hf_opts_bool(
        &job->settings, "table.dynamic-table-options.enabled", NULL);
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

/* ------------------------------------------------------------ catalog */

struct cat_entry *hf_plan_lookup(struct planner *p, const char *name)
{
    struct cat_entry *perm = NULL;
    for (uint32_t i = 0; i < p->ncat; i++) {
        struct cat_entry *e = &p->cat[i];
        if (e->dropped || strcmp(e->name, name) != 0)
            continue;
        if (e->temporary)
            return e;
        perm = e;
    }
    return perm;
}

/* The live entry `name` with exactly this temporariness, or NULL. */
static struct cat_entry *find_entry(struct planner *p, const char *name,
                                    bool temporary)
{
    for (uint32_t i = 0; i < p->ncat; i++) {
        struct cat_entry *e = &p->cat[i];
        if (!e->dropped && e->temporary == temporary &&
            strcmp(e->name, name) == 0)
            return e;
    }
    return NULL;
}

static struct cat_entry *new_entry(struct planner *p)
{
    if (p->ncat == p->catcap) {
        uint32_t nc = p->catcap ? p->catcap * 2 : 8;
        struct cat_entry *c = realloc(p->cat, nc * sizeof *c);
        if (c == NULL) {
            oom(p);
            return NULL;
        }
        p->cat = c;
        p->catcap = nc;
    }
    struct cat_entry *e = &p->cat[p->ncat++];
    memset(e, 0, sizeof *e);
    return e;
}

/* The live table or view whose name is within 2 edits of `name` and
 * closest to it, or NULL. */
static const char *closest_table(const struct planner *p, const char *name)
{
    const char *best = NULL;
    size_t bd = SIZE_MAX;
    for (uint32_t i = 0; i < p->ncat; i++) {
        if (p->cat[i].dropped)
            continue;
        size_t d = hf_edit_distance(name, p->cat[i].name);
        if (d < bd) {
            bd = d;
            best = p->cat[i].name;
        }
    }
    return bd <= 2 ? best : NULL;
}

int hf_plan_unknown(struct planner *p, const struct hf_ast_ident *id,
                    const char *full, const char *role)
{
    for (uint32_t i = 0; i < p->ast->nstmts; i++) {
        const struct hf_ast_stmt *st = &p->ast->stmts[i];
        const char *n = st->kind == HF_STMT_CREATE_TABLE
                            ? st->u.create.name.name
                        : st->kind == HF_STMT_CREATE_VIEW ? st->u.view.name.name
                                                          : NULL;
        if (n && strcmp(n, id->name) == 0 &&
            (st->line > id->line ||
             (st->line == id->line && st->col > id->col)))
            return err_at(
                p, HF_ERR_SQL, id->line, id->col,
                "%s '%s' is used before it is created (CREATE %s "
                "at line %d); move the CREATE %s first",
                st->kind == HF_STMT_CREATE_VIEW ? "view" : "table", full,
                st->kind == HF_STMT_CREATE_VIEW ? "VIEW" : "TABLE", st->line,
                st->kind == HF_STMT_CREATE_VIEW ? "VIEW" : "TABLE");
    }
    for (uint32_t i = 0; i < p->ncat; i++)
        if (p->cat[i].dropped && strcmp(p->cat[i].name, id->name) == 0 &&
            hf_plan_lookup(p, id->name) == NULL)
            return err_at(p, HF_ERR_SQL, id->line, id->col,
                          "%s '%s' was dropped before this point",
                          p->cat[i].view ? "view" : "table", full);
    bool lateral = strcmp(role, "lateral") == 0;
    if (lateral)
        role = "lookup";
    const char *best = closest_table(p, id->name);
    if (best)
        return err_at(p, HF_ERR_SQL, id->line, id->col,
                      "unknown %s table '%s'; did you mean '%s'?", role, full,
                      best);
    if (lateral) /* not a misspelt table: most likely a table function */
        return err_at(p, HF_ERR_UNSUPPORTED, id->line, id->col,
                      "LATERAL TABLE(%s(...)): '%s' is not a table of this "
                      "job; LATERAL TABLE joins a lookup table declared "
                      "with CREATE TABLE, and table functions (built-in "
                      "ones such as STRING_SPLIT or JSON_TUPLE, or "
                      "user-defined ones) are not supported",
                      full, full);
    return err_at(p, HF_ERR_SQL, id->line, id->col,
                  "unknown %s table '%s'; declare it with CREATE TABLE first",
                  role, full);
}

int hf_plan_add_table(struct planner *p, struct hf_table_def *t,
                      const struct hf_ast_create_table *ct)
{
    struct hf_job *job = p->job;
    if (job->ntables == p->tcap) {
        uint32_t nc = p->tcap ? p->tcap * 2 : 8;
        struct hf_table_def **a = realloc(job->tables, nc * sizeof *a);
        const struct hf_ast_create_table **d =
            realloc(p->tdefs, nc * sizeof *d);
        if (a)
            job->tables = a;
        if (d)
            p->tdefs = d;
        if (a == NULL || d == NULL) {
            hf_plan_free_table(t);
            return oom(p);
        }
        p->tcap = nc;
    }
    p->tdefs[job->ntables] = ct;
    job->tables[job->ntables++] = t;
    return 0;
}

/* CREATE [TEMPORARY] TABLE or VIEW `name`: may it be created? 1 when IF
 * NOT EXISTS finds it there (nothing to do), 0 to go on, -1 on error. */
static int check_new_name(struct planner *p, const struct hf_ast_ident *name,
                          const char *full, bool temporary, bool if_not_exists,
                          bool view)
{
    struct cat_entry *prev = find_entry(p, name->name, temporary);
    if (prev == NULL)
        return 0;
    if (if_not_exists)
        return 1;
    char as[40] = "";
    if (prev->view != view)
        snprintf(as, sizeof as, "as a %s ", prev->view ? "view" : "table");
    return err_at(p, HF_ERR_SQL, name->line, name->col,
                  "%s '%s' is already defined (%sat line %d); use another "
                  "name or CREATE %s IF NOT EXISTS",
                  view ? "view" : "table", full, as, prev->line,
                  view ? "VIEW" : "TABLE");
}

static int plan_create_table(struct planner *p, const struct hf_ast_stmt *st)
{
    const struct hf_ast_create_table *ct = &st->u.create;
    int rc = check_new_name(p, &ct->name, ct->full_name, ct->temporary,
                            ct->if_not_exists, false);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    if (ct->like.name && hf_plan_like(p, ct, &ct) != 0)
        return -1;
    struct hf_table_def *t;
    if (hf_plan_table(p, ct, st->line, st->col, NULL, &t) != 0)
        return -1;
    struct cat_entry *e = new_entry(p);
    if (e == NULL)
        return -1;
    e->name = ct->name.name;
    e->temporary = ct->temporary;
    e->line = st->line;
    e->col = st->col;
    e->table = t;
    e->ct = ct;
    return 0;
}

static int plan_create_view(struct planner *p, const struct hf_ast_stmt *st)
{
    const struct hf_ast_create_view *v = &st->u.view;
    int rc = check_new_name(p, &v->name, v->full_name, v->temporary,
                            v->if_not_exists, true);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    if (hf_plan_view_check(p, v) != 0)
        return -1;
    struct cat_entry *e = new_entry(p);
    if (e == NULL)
        return -1;
    e->view = true;
    e->name = v->name.name;
    e->temporary = v->temporary;
    e->line = st->line;
    e->col = st->col;
    e->vdef = v;
    return 0;
}

static int plan_drop(struct planner *p, const struct hf_ast_stmt *st)
{
    const struct hf_ast_drop *d = &st->u.drop;
    const char *what = d->view ? "view" : "table";
    struct cat_entry *e = find_entry(p, d->name.name, d->temporary);
    if (!d->temporary && e == NULL && find_entry(p, d->name.name, true))
        return err_at(
            p, HF_ERR_SQL, d->name.line, d->name.col,
            "'%s' is a temporary %s; drop it with DROP TEMPORARY "
            "%s",
            d->full_name,
            find_entry(p, d->name.name, true)->view ? "view" : "table",
            find_entry(p, d->name.name, true)->view ? "VIEW" : "TABLE");
    if (!d->temporary && e && find_entry(p, d->name.name, true))
        return err_at(p, HF_ERR_SQL, d->name.line, d->name.col,
                      "a temporary %s '%s' hides this one; drop it first "
                      "(DROP TEMPORARY %s), as Flink requires",
                      what, d->full_name, d->view ? "VIEW" : "TABLE");
    if (e == NULL) {
        if (d->if_exists)
            return 0;
        return err_at(p, HF_ERR_SQL, d->name.line, d->name.col,
                      "%s%s '%s' does not exist; nothing to drop (DROP %s%s "
                      "IF EXISTS ignores a missing one)",
                      d->temporary ? "temporary " : "", what, d->full_name,
                      d->temporary ? "TEMPORARY " : "",
                      d->view ? "VIEW" : "TABLE");
    }
    if (e->view != d->view)
        return err_at(p, HF_ERR_SQL, d->name.line, d->name.col,
                      "'%s' is a %s; use DROP %s%s", d->full_name,
                      e->view ? "view" : "table",
                      d->temporary ? "TEMPORARY " : "",
                      e->view ? "VIEW" : "TABLE");
    e->dropped = true;
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
            if (strcmp(a->name, b->name) == 0)
                return err_at(p, HF_ERR_SQL, nb->line, 1,
                              "table '%s' is read with different options "
                              "(an OPTIONS hint) here and by the INSERT at "
                              "line %d, so it cannot be read once; both "
                              "readers would be in consumer group '%s', "
                              "split the partitions and commit for each "
                              "other; give the hinted read its own "
                              "'properties.group.id' in the hint",
                              b->name, na->line, gb);
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

/* ------------------------------------------------------------ entry */

void hf_job_free(struct hf_job *job)
{
    if (job == NULL)
        return;
    hf_graph_free(&job->graph);
    for (uint32_t i = 0; i < job->ntables; i++)
        hf_plan_free_table(job->tables[i]);
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
 * it belongs to and whether or not planning gets that far, OPTIONS hints
 * included; the expanded ${VAR} value is registered where it is made
 * (hf_plan_table). */
static void register_query_secrets(const struct hf_ast_query *q);

static void register_from_secrets(const struct hf_ast_from *f)
{
    if (f == NULL)
        return;
    register_from_secrets(f->left);
    register_from_secrets(f->right);
    register_query_secrets(f->sub);
    for (uint32_t k = 0; k < f->nhints; k++)
        if (hf_opt_secret_name(f->hints[k].key.name))
            hf_secret_register(f->hints[k].value);
}

static void register_query_secrets(const struct hf_ast_query *q)
{
    if (q == NULL)
        return;
    for (uint32_t i = 0; i < q->nctes; i++)
        register_query_secrets(q->ctes[i].query);
    for (uint32_t i = 0; i < q->ninputs; i++)
        register_query_secrets(q->inputs[i]);
    register_from_secrets(&q->from);
}

static void register_script_secrets(const struct hf_ast_script *ast)
{
    for (uint32_t i = 0; i < ast->nstmts; i++) {
        const struct hf_ast_stmt *st = &ast->stmts[i];
        if (st->kind == HF_STMT_SET && hf_opt_secret_name(st->u.set.key))
            hf_secret_register(st->u.set.value);
        if (st->kind == HF_STMT_INSERT)
            register_query_secrets(st->u.insert.query);
        if (st->kind == HF_STMT_CREATE_VIEW)
            register_query_secrets(st->u.view.query);
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
    /* In script order, as Flink runs statements: a table or view exists
     * from its CREATE on, until its DROP. */
    for (uint32_t i = 0; i < p->ast->nstmts; i++) {
        const struct hf_ast_stmt *st = &p->ast->stmts[i];
        int rc = 0;
        switch (st->kind) {
        case HF_STMT_SET:
            break;
        case HF_STMT_CREATE_TABLE:
            rc = plan_create_table(p, st);
            break;
        case HF_STMT_CREATE_VIEW:
            rc = plan_create_view(p, st);
            break;
        case HF_STMT_DROP:
            rc = plan_drop(p, st);
            break;
        case HF_STMT_INSERT:
            rc = hf_plan_insert(p, st);
            break;
        }
        if (rc != 0)
            return -1;
    }
    if (check_shared_groups(p, job) != 0 ||
        hf_plan_window_check_sessions(p) != 0)
        return -1;
    hf_plan_unsingle_joins(&job->graph);
    return hf_plan_pushdown(&job->graph, p->err);
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
    p.g = &job->graph;
    hf_arena_init(&p.arena);
    int rc = plan(&p, sets, nsets);
    hf_plan_query_free(&p);
    hf_arena_free(&p.arena);
    free(p.cat);
    free(p.tdefs);
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
