/*
 * plan_table.c - building a table from its CREATE TABLE: columns (physical,
 * metadata, computed, PROCTIME), keys, partitions, the watermark, the
 * connector and its formats with their options; and merging CREATE TABLE
 * ... LIKE into the definition it stands for.
 *
 * Every option goes through its connector's or format's option table;
 * whatever no table claims is an error with a "did you mean" suggestion.
 * A computed column `c AS expr` gets the type of its expression, bound over
 * the table's physical and metadata columns (as in Flink, it may not use
 * another computed column); the expression itself is bound again wherever
 * a query reads the column (plan_query.c), so the table keeps only its SQL
 * text for explain.
 *
 * Memory: each struct hf_table_def is allocated in one block together with
 * its WITH pairs (struct hf_kv, with their key and value text) and the
 * owner/prefix strings its option sets borrow, so freeing the block frees
 * all of it; only `name`, `note`, the watermark, the schema and the option
 * contents are separate. A LIKE merge builds its tree in the script's
 * arena, as the parser does.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/opt.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "formats/format.h"
#include "sql/bind.h"
#include "sql/envsubst.h"
#include "sql/expr.h"
#include "sql/planner_int.h"

#define err_at hf_plan_err_at
#define oom hf_plan_oom
#define relocate hf_plan_relocate

/* ------------------------------------------------------------ tables */

void hf_plan_free_table(struct hf_table_def *t)
{
    if (t == NULL)
        return;
    hf_schema_free(&t->schema);
    hf_opts_free(&t->opts);
    hf_opts_free(&t->format_opts);
    hf_opts_free(&t->key_format_opts);
    if (t->watermark) {
        free(t->watermark->text);
        hf_expr_free(t->watermark->expr);
        free(t->watermark);
    }
    if (t->priv_free)
        t->priv_free(t->priv);
    free(t->note);
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

/* ------------------------------------------------------------ computed */

struct cc_ctx {
    struct planner *p;
    const struct hf_schema *s;
    const struct hf_ast_column *col; /* the computed column being bound */
};

/* A computed column's expression sees the physical and metadata columns. */
static struct hf_expr *cc_resolve(void *ctx, uint32_t idx,
                                  const struct hf_ast_expr *at,
                                  struct hf_error *err)
{
    struct cc_ctx *c = ctx;
    const struct hf_column *ref = &c->s->cols[idx];
    if (ref->kind == HF_COL_COMPUTED || ref->kind == HF_COL_PROCTIME) {
        hf_sql_error_at(err, HF_ERR_SQL, &c->p->src, at->line, at->col,
                        "computed column '%s' uses computed column '%s'; as "
                        "in Flink, a computed column may use only physical "
                        "and metadata columns (repeat the expression)",
                        c->col->name.name, ref->name);
        return NULL;
    }
    struct hf_expr *e = hf_expr_new_column(c->s, idx);
    if (e == NULL)
        hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    return e;
}

/* Type each computed column by binding its expression; keep its text. */
static int computed_columns(struct planner *p,
                            const struct hf_ast_create_table *ct,
                            struct hf_table_def *t)
{
    struct hf_schema *s = &t->schema;
    for (uint32_t i = 0; i < ct->ncols; i++) {
        const struct hf_ast_column *ac = &ct->cols[i];
        if (ac->kind != HF_COL_COMPUTED)
            continue;
        struct cc_ctx cx = {.p = p, .s = s, .col = ac};
        struct hf_bind_scope sc = {.src = &p->src,
                                   .schema = s,
                                   .table = ct->name.name,
                                   .tz = p->tz,
                                   .resolve = cc_resolve,
                                   .resolve_ctx = &cx};
        struct hf_expr *e = hf_expr_bind(&sc, ac->expr, p->err);
        if (e == NULL)
            return -1;
        if (hf_expr_is_untyped_null(e)) {
            hf_expr_free(e);
            return err_at(p, HF_ERR_TYPE, ac->expr->line, ac->expr->col,
                          "computed column '%s' is NULL of no type; write "
                          "CAST(NULL AS <type>)",
                          ac->name.name);
        }
        struct hf_strbuf sb;
        hf_strbuf_init(&sb, 0);
        hf_expr_to_text(e, &sb);
        s->cols[i].type = *hf_expr_type(e);
        s->cols[i].expr = hf_strbuf_ok(&sb) && sb.data ? strdup(sb.data) : NULL;
        hf_strbuf_free(&sb);
        hf_expr_free(e);
        if (s->cols[i].expr == NULL)
            return oom(p);
    }
    return 0;
}

/* WATERMARK FOR rowtime AS expr: checked as Flink does and kept. */
static int plan_watermark(struct planner *p,
                          const struct hf_ast_create_table *ct,
                          struct hf_table_def *t)
{
    if (ct->nwms == 0)
        return 0;
    const struct hf_ast_watermark *w = &ct->wms[0];
    if (ct->nwms > 1)
        return err_at(p, HF_ERR_UNSUPPORTED, ct->wms[1].line, ct->wms[1].col,
                      "table '%s' has more than one WATERMARK; Flink allows "
                      "one",
                      ct->full_name);
    int idx = hf_schema_find(&t->schema, w->rowtime.name);
    if (idx < 0)
        return err_at(p, HF_ERR_SQL, w->rowtime.line, w->rowtime.col,
                      "the WATERMARK column '%s' is not a column of table "
                      "'%s'",
                      w->rowtime.name, ct->full_name);
    const struct hf_type *rt = &t->schema.cols[idx].type;
    char tn[64], tn2[64];
    if ((rt->id != HF_TIMESTAMP && rt->id != HF_TIMESTAMP_LTZ) ||
        rt->precision > 3)
        return err_at(p, HF_ERR_TYPE, w->rowtime.line, w->rowtime.col,
                      "the WATERMARK column '%s' is %s; as in Flink it must "
                      "be TIMESTAMP(p) or TIMESTAMP_LTZ(p) with p from 0 to 3",
                      w->rowtime.name, hf_type_name(rt, tn, sizeof tn));
    struct hf_expr *e = hf_plan_bind_over_table(p, t, ct, w->expr);
    if (e == NULL)
        return -1;
    const struct hf_type *et = hf_expr_type(e);
    if (hf_expr_is_untyped_null(e) || et->id != rt->id) {
        int l = w->expr->line, c = w->expr->col;
        if (hf_expr_is_untyped_null(e))
            snprintf(tn2, sizeof tn2, "NULL");
        else
            hf_type_name(et, tn2, sizeof tn2);
        hf_expr_free(e);
        return err_at(p, HF_ERR_TYPE, l, c,
                      "the WATERMARK expression gives %s but the column '%s' "
                      "is %s; they must be of one type",
                      tn2, w->rowtime.name, hf_type_name(rt, tn, sizeof tn));
    }
    struct hf_watermark *wm = calloc(1, sizeof *wm);
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    hf_expr_to_text(e, &sb);
    if (wm)
        wm->text = hf_strbuf_ok(&sb) && sb.data ? strdup(sb.data) : NULL;
    hf_strbuf_free(&sb);
    if (wm == NULL || wm->text == NULL) {
        free(wm);
        hf_expr_free(e);
        return oom(p);
    }
    wm->rowtime = (uint32_t)idx;
    wm->expr = e;
    t->watermark = wm;
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

int hf_plan_table(struct planner *p, const struct hf_ast_create_table *ct,
                  int line, int col, const char *note,
                  struct hf_table_def **out)
{
    struct hf_job *job = p->job;
    *out = NULL;
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
        values[i] =
            hf_env_expand_ex(ct->opts[i].value, &secret[i], why, sizeof why);
        if (values[i] != NULL &&
            (secret[i] || hf_opt_secret_name(ct->opts[i].key.name)))
            hf_secret_register(values[i]);
        if (values[i] == NULL) {
            for (uint32_t j = 0; j < i; j++)
                free(values[j]);
            free(values);
            free(secret);
            return err_at(p, HF_ERR_OPTION, ct->opts[i].vline, ct->opts[i].vcol,
                          "option '%s': %s", ct->opts[i].key.name, why);
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
    t->note = note ? strdup(note) : NULL;
    t->file = job->path;
    t->line = line;
    t->col = col;
    if (t->name == NULL || (note && t->note == NULL)) {
        hf_plan_free_table(t);
        return oom(p);
    }
    if (hf_plan_add_table(p, t, ct) != 0)
        return -1;
    *out = t;
    if (build_schema(p, ct, &t->schema) != 0 ||
        computed_columns(p, ct, t) != 0 || plan_watermark(p, ct, t) != 0)
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

/* ------------------------------------------------------------ LIKE */

static void *arena_array(struct planner *p, uint32_t n, size_t elem)
{
    void *m = hf_arena_alloc(&p->ast->arena, (n ? n : 1) * elem);
    if (m)
        memset(m, 0, (n ? n : 1) * elem);
    return m;
}

static bool is_generated(enum hf_column_kind k)
{
    return k == HF_COL_COMPUTED || k == HF_COL_PROCTIME;
}

static int col_index(const struct hf_ast_column *cols, uint32_t n,
                     const char *name)
{
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(cols[i].name.name, name) == 0)
            return (int)i;
    return -1;
}

int hf_plan_like(struct planner *p, const struct hf_ast_create_table *ct,
                 const struct hf_ast_create_table **out)
{
    static const char *const fname[] = {"ALL",     "CONSTRAINTS", "GENERATED",
                                        "OPTIONS", "PARTITIONS",  "WATERMARKS",
                                        "METADATA"};
    *out = NULL;
    struct cat_entry *e = hf_plan_lookup(p, ct->like.name);
    if (e == NULL)
        return hf_plan_unknown(p, &ct->like, ct->like_full, "LIKE");
    if (e->view)
        return err_at(p, HF_ERR_SQL, ct->like.line, ct->like.col,
                      "'%s' is a view; LIKE needs a table (as in Flink)",
                      ct->like_full);
    const struct hf_ast_create_table *base = e->ct;

    /* Strategies: Flink's defaults, then ALL, then each feature named. */
    enum hf_like_strategy st[7] = {HF_LIKE_INCLUDING, HF_LIKE_INCLUDING,
                                   HF_LIKE_INCLUDING, HF_LIKE_OVERWRITING,
                                   HF_LIKE_INCLUDING, HF_LIKE_INCLUDING,
                                   HF_LIKE_INCLUDING};
    for (uint32_t i = 0; i < ct->nlike_opts; i++)
        if (ct->like_opts[i].feature == HF_LIKE_ALL)
            for (int f = 1; f < 7; f++)
                st[f] = ct->like_opts[i].strategy;
    for (uint32_t i = 0; i < ct->nlike_opts; i++)
        st[ct->like_opts[i].feature] = ct->like_opts[i].strategy;

    struct hf_ast_create_table *m = arena_array(p, 1, sizeof *m);
    if (m == NULL)
        return oom(p);
    *m = *ct;
    m->like.name = NULL;
    m->nlike_opts = 0;

    /* Columns: the base's (physical always; generated and metadata unless
     * excluded), then the new ones, a generated or metadata column
     * replacing one of its kind when OVERWRITING. */
    uint32_t cap = base->ncols + ct->ncols;
    struct hf_ast_column *cols = arena_array(p, cap, sizeof *cols);
    if (cols == NULL)
        return oom(p);
    uint32_t n = 0;
    for (uint32_t i = 0; i < base->ncols; i++) {
        const struct hf_ast_column *bc = &base->cols[i];
        if ((is_generated(bc->kind) &&
             st[HF_LIKE_GENERATED] == HF_LIKE_EXCLUDING) ||
            (bc->kind == HF_COL_METADATA &&
             st[HF_LIKE_METADATA] == HF_LIKE_EXCLUDING))
            continue;
        cols[n] = *bc;
        cols[n].primary_key = false;
        n++;
    }
    for (uint32_t i = 0; i < ct->ncols; i++) {
        const struct hf_ast_column *dc = &ct->cols[i];
        int at = col_index(cols, n, dc->name.name);
        if (at < 0) {
            cols[n] = *dc;
            cols[n].primary_key = false;
            n++;
            continue;
        }
        const struct hf_ast_column *bc = &cols[at];
        const char *why = NULL;
        int feature = 0;
        if (dc->kind == HF_COL_PHYSICAL)
            why = "";
        else if (is_generated(dc->kind) && !is_generated(bc->kind))
            why = "; a computed column can only replace another computed "
                  "column";
        else if (dc->kind == HF_COL_METADATA && bc->kind != HF_COL_METADATA)
            why = "; a metadata column can only replace another metadata "
                  "column";
        else
            feature =
                is_generated(dc->kind) ? HF_LIKE_GENERATED : HF_LIKE_METADATA;
        if (why)
            return err_at(p, HF_ERR_SQL, dc->name.line, dc->name.col,
                          "a column named '%s' already exists in the LIKE "
                          "table '%s'%s",
                          dc->name.name, ct->like_full, why);
        if (st[feature] != HF_LIKE_OVERWRITING)
            return err_at(
                p, HF_ERR_SQL, dc->name.line, dc->name.col,
                "a %s column named '%s' already exists in the LIKE "
                "table '%s'; specify EXCLUDING %s or OVERWRITING %s",
                feature == HF_LIKE_GENERATED ? "computed" : "metadata",
                dc->name.name, ct->like_full, fname[feature], fname[feature]);
        cols[at] = *dc;
        cols[at].primary_key = false;
    }
    m->cols = cols;
    m->ncols = n;

    /* Primary key: the base's unless excluded; the new one only when the
     * base brings none. */
    uint32_t npk = 0;
    struct hf_ast_ident *pk = arena_array(p, cap, sizeof *pk);
    if (pk == NULL)
        return oom(p);
    int pk_line = 0, pk_col = 0;
    if (st[HF_LIKE_CONSTRAINTS] == HF_LIKE_INCLUDING) {
        for (uint32_t i = 0; i < base->ncols; i++)
            if (base->cols[i].primary_key)
                pk[npk++] = base->cols[i].name;
        for (uint32_t i = 0; i < base->npk; i++)
            pk[npk++] = base->pk[i];
        pk_line = base->pk_line;
        pk_col = base->pk_col;
    }
    uint32_t dpk = ct->npk;
    const struct hf_ast_ident *first = ct->npk ? &ct->pk[0] : NULL;
    for (uint32_t i = 0; i < ct->ncols; i++)
        if (ct->cols[i].primary_key) {
            dpk++;
            first = &ct->cols[i].name;
        }
    if (dpk && npk)
        return err_at(p, HF_ERR_SQL, first->line, first->col,
                      "the LIKE table '%s' already has a primary key; "
                      "specify EXCLUDING CONSTRAINTS",
                      ct->like_full);
    if (dpk) {
        for (uint32_t i = 0; i < ct->ncols; i++)
            if (ct->cols[i].primary_key)
                pk[npk++] = ct->cols[i].name;
        for (uint32_t i = 0; i < ct->npk; i++)
            pk[npk++] = ct->pk[i];
        pk_line = ct->npk ? ct->pk_line : first->line;
        pk_col = ct->npk ? ct->pk_col : first->col;
    }
    m->pk = pk;
    m->npk = npk;
    m->pk_line = pk_line;
    m->pk_col = pk_col;

    /* Partitions: one set; both tables having one is an error unless the
     * base's is excluded (then the new one, or none, as Flink documents). */
    if (ct->npart && base->npart && st[HF_LIKE_PARTITIONS] != HF_LIKE_EXCLUDING)
        return err_at(p, HF_ERR_SQL, ct->part_line, ct->part_col,
                      "the LIKE table '%s' already has partitions; specify "
                      "EXCLUDING PARTITIONS",
                      ct->like_full);
    if (!ct->npart && st[HF_LIKE_PARTITIONS] != HF_LIKE_EXCLUDING) {
        m->part = base->part;
        m->npart = base->npart;
        m->part_line = base->part_line;
        m->part_col = base->part_col;
    }

    /* Watermarks, one per rowtime column. */
    struct hf_ast_watermark *wms =
        arena_array(p, base->nwms + ct->nwms, sizeof *wms);
    if (wms == NULL)
        return oom(p);
    uint32_t nw = 0;
    if (st[HF_LIKE_WATERMARKS] != HF_LIKE_EXCLUDING)
        for (uint32_t i = 0; i < base->nwms; i++)
            wms[nw++] = base->wms[i];
    for (uint32_t i = 0; i < ct->nwms; i++) {
        const struct hf_ast_watermark *w = &ct->wms[i];
        uint32_t k = 0;
        while (k < nw && strcmp(wms[k].rowtime.name, w->rowtime.name) != 0)
            k++;
        if (k < nw && st[HF_LIKE_WATERMARKS] != HF_LIKE_OVERWRITING)
            return err_at(p, HF_ERR_SQL, w->line, w->col,
                          "the LIKE table '%s' already has a WATERMARK for "
                          "column '%s'; specify EXCLUDING WATERMARKS or "
                          "OVERWRITING WATERMARKS",
                          ct->like_full, w->rowtime.name);
        wms[k] = *w;
        if (k == nw)
            nw++;
    }
    m->wms = wms;
    m->nwms = nw;

    /* Options. */
    struct hf_ast_option *opts =
        arena_array(p, base->nopts + ct->nopts, sizeof *opts);
    if (opts == NULL)
        return oom(p);
    uint32_t no = 0;
    if (st[HF_LIKE_OPTIONS] != HF_LIKE_EXCLUDING)
        for (uint32_t i = 0; i < base->nopts; i++)
            opts[no++] = base->opts[i];
    uint32_t nbase = no; /* a key repeated in the new table stays an error
                            of the option parser */
    for (uint32_t i = 0; i < ct->nopts; i++) {
        const struct hf_ast_option *o = &ct->opts[i];
        uint32_t k = 0;
        while (k < nbase && strcmp(opts[k].key.name, o->key.name) != 0)
            k++;
        if (k == nbase)
            k = no;
        if (k < nbase && st[HF_LIKE_OPTIONS] != HF_LIKE_OVERWRITING)
            return err_at(p, HF_ERR_OPTION, o->key.line, o->key.col,
                          "the LIKE table '%s' already has option '%s'; "
                          "specify EXCLUDING OPTIONS or OVERWRITING OPTIONS",
                          ct->like_full, o->key.name);
        opts[k] = *o;
        if (k == no)
            no++;
    }
    m->opts = opts;
    m->nopts = no;
    m->has_with = no > 0 || ct->has_with || base->has_with;
    *out = m;
    return 0;
}
