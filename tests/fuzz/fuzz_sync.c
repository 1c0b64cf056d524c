/*
 * fuzz_sync.c - libFuzzer target for `holoflow sync`'s front half, which
 * reads job files written by others: one input is a DataX / DataWorks
 * JSON job file, optionally followed by a NUL byte and NUL-separated
 * strings: `-p` variables ("name=value"), or "@path=P" (the job file's
 * name, which the SQL job's comment shows), "@shard=I/N" (--shard),
 * "@fields=N" (the fields of a csv reader's first record).
 *
 * Nothing connects: the job is parsed (variables substituted, readers and
 * writers resolved), then the catalogs the sync would read from the
 * servers are made up from the job itself (every column name gets one of
 * a dozen catalog types by a hash of the name, so the same name has the
 * same type in the reader and the writer), and the SQL job
 * (sync_job_sql_from: what --print-sql prints), the --create-table
 * statement and the preSql/postSql text are built from them.
 *
 * Checks beyond "no sanitizer report": a refused job has a message and
 * frees everything; the SQL job parses with holoflow's own parser and has
 * exactly the statements the sync writes (the SETs, one CREATE TABLE per
 * reader table, the sink, one INSERT with one SELECT per reader table),
 * each option value the job file gave (table, database, user, password,
 * path, query, throttle) arrives as that value, a `where` arrives as the
 * one expression it parses as on its own; the redacted job (--print-sql)
 * is the same job with ${PGPASSWORD}; the CREATE TABLE and each preSql /
 * postSql have no statement, comment or quote the job did not write.
 * Planning the SQL job (hf_sql_plan_text) must succeed or fail with a
 * message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz_common.h"
#include "runtime/plan.h"
#include "sql/ast_eq.h"
#include "sql/parser.h"
#include "sql/planner.h"
#include "sync/sync_int.h"

#define MAX_PARAMS 8

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    HF_FUZZ_CHECK(p != NULL);
    return p;
}

static char *xstrdup(const char *s)
{
    char *p = strdup(s);
    HF_FUZZ_CHECK(p != NULL);
    return p;
}

/* ------------------------------------------------------------ catalogs */

static const struct {
    const char *type, *pg;
} types[] = {
    {"BIGINT", "bigint"},
    {"INT", "integer"},
    {"STRING", "text"},
    {"DECIMAL(10, 2)", "numeric(10,2)"},
    {"DOUBLE", "double precision"},
    {"DATE", "date"},
    {"TIMESTAMP(6)", "timestamp without time zone"},
    {"TIMESTAMP_LTZ(6)", "timestamp with time zone"},
    {"BOOLEAN", "boolean"},
    {"BYTES", "bytea"},
    {"ARRAY<INT>", "integer[]"},
    {"STRING", "character varying(20)"},
    {NULL, "point"}, /* no Flink type holoflow writes */
};
#define NTYPES (sizeof types / sizeof types[0])

static uint32_t hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static void set_col(hf_column_info_t *c, const char *name, size_t type)
{
    c->name = xstrdup(name);
    c->type = types[type].type ? xstrdup(types[type].type) : NULL;
    c->pg_type = xstrdup(types[type].pg);
}

static void make_col(hf_column_info_t *c, const char *name)
{
    set_col(c, name, hash(name) % NTYPES);
}

/* The writer's table: its listed columns (and the partition column), or
 * for "*" the reader's names; the first column the key when the name's
 * hash says so. */
static void make_dst(const struct sync_job *j, struct sync_table *t)
{
    const struct sync_reader *r = &j->r;
    const struct sync_writer *w = &j->w;
    size_t n = w->star ? (r->star ? 4 : r->ncols) : w->ncols;
    t->cols = xcalloc(n + 1, sizeof *t->cols);
    char name[32];
    for (size_t i = 0; i < n; i++) {
        const char *nm;
        if (!w->star) {
            nm = w->cols[i];
        } else if (!r->star && r->cols[i].name) {
            nm = r->cols[i].name;
        } else {
            snprintf(name, sizeof name, "col%zu", i);
            nm = name;
        }
        make_col(&t->cols[t->n++], nm);
    }
    if (w->part_col) {
        bool have = false;
        for (size_t i = 0; i < t->n; i++)
            have |= strcmp(t->cols[i].name, w->part_col) == 0;
        if (!have)
            set_col(&t->cols[t->n++], w->part_col, 2);
    }
    if (t->n && (hash(t->cols[0].name) & 0x100))
        t->cols[0].pk = 1;
    if (t->n > 1 && (hash(t->cols[t->n - 1].name) & 0x200))
        t->cols[t->n - 1].generated = 1;
}

/* A database reader's table: the names it reads, or the writer's. */
static void make_src(const struct sync_job *j, const struct sync_table *dst,
                     uint32_t variant, struct sync_table *t)
{
    const struct sync_reader *r = &j->r;
    size_t n = r->star || r->query ? dst->n : r->ncols;
    t->cols = xcalloc(n + 1, sizeof *t->cols);
    for (size_t i = 0; i < n; i++) {
        const char *nm = r->star || r->query ? dst->cols[i].name
                         : r->cols[i].name  ? r->cols[i].name
                                            : "const";
        if (variant && (hash(nm) ^ variant) % 7 == 0)
            set_col(&t->cols[t->n++], nm, (hash(nm) + variant) % NTYPES);
        else
            make_col(&t->cols[t->n++], nm);
        t->cols[t->n - 1].pk = i == 0 && (hash(nm) & 0x400);
        t->cols[t->n - 1].not_null = (hash(nm) & 0x800) != 0;
    }
}

static void make_catalog(const struct sync_job *j, int fields,
                         struct sync_catalog *c)
{
    memset(c, 0, sizeof *c);
    c->first_fields = fields;
    make_dst(j, &c->dst);
    if (j->r.kind != SYNC_R_DB)
        return;
    make_src(j, &c->dst, 0, &c->src);
    c->more = xcalloc(j->r.nmore, sizeof *c->more);
    for (size_t k = 0; k < j->r.nmore; k++)
        make_src(j, &c->dst, hash(j->r.more[k].table ? j->r.more[k].table
                                                     : "q") |
                                 1,
                 &c->more[k]);
}

/* ------------------------------------------------------------ SQL job */

static const char *opt(const struct hf_ast_create_table *t, const char *k)
{
    const char *v = NULL;
    for (uint32_t i = 0; i < t->nopts; i++)
        if (strcmp(t->opts[i].key.name, k) == 0) {
            HF_FUZZ_CHECK(v == NULL); /* each option once */
            v = t->opts[i].value;
        }
    return v;
}

static void check_opt(const struct hf_ast_create_table *t, const char *k,
                      const char *want)
{
    const char *v = opt(t, k);
    if (want == NULL) {
        HF_FUZZ_CHECK(v == NULL);
        return;
    }
    HF_FUZZ_CHECK(v != NULL);
    HF_FUZZ_CHECK(strcmp(v, want) == 0);
}

static void check_conn(const struct hf_ast_create_table *t,
                       const struct sync_conn *c, const char *query,
                       bool redact)
{
    check_opt(t, "connector", "hologres");
    check_opt(t, "dbname", c->db);
    check_opt(t, "tablename", c->table);
    check_opt(t, "username", c->user);
    check_opt(t, "password", redact && c->password && c->password[0]
                                 ? "${PGPASSWORD}"
                                 : c->password);
    if (query)
        check_opt(t, "source.scan.query", query);
    const char *ep = opt(t, "endpoint");
    HF_FUZZ_CHECK(ep != NULL);
    size_t hl = strlen(c->host);
    HF_FUZZ_CHECK(strncmp(ep, c->host, hl) == 0 && ep[hl] == ':' &&
                  strcmp(ep + hl + 1, c->port) == 0);
}

/* The SELECT reading reader table t: FROM sync_src[_t+1], WHERE `where`. */
static void check_select(const struct hf_ast_query *q, size_t t,
                         const struct hf_ast_expr *where, uint32_t nitems)
{
    HF_FUZZ_CHECK(q->kind == HF_QUERY_SELECT);
    HF_FUZZ_CHECK(q->from.join == HF_JOIN_NONE && q->from.name.name);
    char name[32];
    if (t)
        snprintf(name, sizeof name, "sync_src_%zu", t + 1);
    else
        snprintf(name, sizeof name, "sync_src");
    HF_FUZZ_CHECK(strcmp(q->from.name.name, name) == 0);
    HF_FUZZ_CHECK(q->nitems == nitems);
    HF_FUZZ_CHECK(!q->has_group && q->having == NULL && q->norder == 0 &&
                  !q->has_limit && q->nctes == 0);
    if (where == NULL)
        HF_FUZZ_CHECK(q->where == NULL);
    else
        HF_FUZZ_CHECK(q->where != NULL && hf_ast_eq(q->where, where));
}

static void check_sql(const struct sync_job *j, const char *sql, bool redact)
{
    const struct sync_reader *r = &j->r;
    struct hf_sql_src src = {.file = "sync.sql", .text = sql,
                             .len = strlen(sql)};
    struct hf_ast_script *s = NULL;
    struct hf_error err;
    hf_error_clear(&err);
    if (hf_sql_parse(&src, &s, &err) != 0) {
        fprintf(stderr, "generated SQL does not parse: %s\n%s\n", err.msg,
                sql);
        HF_FUZZ_CHECK(!"the SQL job parses");
    }
    /* where, parsed on its own */
    struct hf_ast_script *ws = NULL;
    struct hf_ast_expr *where = NULL;
    if (r->kind == SYNC_R_DB && r->where && r->where[0]) {
        struct hf_sql_src wsrc = {.file = "where", .text = r->where,
                                  .len = strlen(r->where)};
        struct hf_error werr;
        hf_error_clear(&werr);
        if (hf_sql_parse_expr(&wsrc, &ws, &where, &werr) != 0) {
            fprintf(stderr, "where '%s' is no expression, yet the job "
                    "was built\n", r->where);
            HF_FUZZ_CHECK(!"a where that is no expression is refused");
        }
    }
    size_t nsrc = r->kind == SYNC_R_DB ? 1 + r->nmore : 1;
    size_t nset = 1 + (j->record_speed > 0) + (j->byte_speed > 0);
    HF_FUZZ_CHECK(s->nstmts == nset + nsrc + 2);
    uint32_t k = 0;
    for (; k < nset; k++) {
        const struct hf_ast_stmt *st = &s->stmts[k];
        HF_FUZZ_CHECK(st->kind == HF_STMT_SET);
        char want[32];
        if (strcmp(st->u.set.key, "execution.runtime-mode") == 0) {
            HF_FUZZ_CHECK(strcmp(st->u.set.value, "batch") == 0);
        } else if (strcmp(st->u.set.key,
                          "holoflow.throttle.records-per-second") == 0) {
            snprintf(want, sizeof want, "%lld", (long long)j->record_speed);
            HF_FUZZ_CHECK(strcmp(st->u.set.value, want) == 0);
        } else {
            HF_FUZZ_CHECK(strcmp(st->u.set.key,
                                 "holoflow.throttle.bytes-per-second") == 0);
            snprintf(want, sizeof want, "%lld", (long long)j->byte_speed);
            HF_FUZZ_CHECK(strcmp(st->u.set.value, want) == 0);
        }
    }
    for (size_t t = 0; t < nsrc; t++, k++) {
        const struct hf_ast_stmt *st = &s->stmts[k];
        HF_FUZZ_CHECK(st->kind == HF_STMT_CREATE_TABLE);
        const struct hf_ast_create_table *ct = &st->u.create;
        if (r->kind == SYNC_R_DB)
            check_conn(ct, t ? &r->more[t - 1] : &r->conn,
                       t ? r->more_query[t - 1] : r->query, redact);
        else if (r->kind == SYNC_R_FILE)
            check_opt(ct, "connector", "filesystem");
        else
            check_opt(ct, "connector", "datagen");
    }
    const struct hf_ast_stmt *st = &s->stmts[k++];
    HF_FUZZ_CHECK(st->kind == HF_STMT_CREATE_TABLE);
    HF_FUZZ_CHECK(strcmp(st->u.create.name.name, "sync_dst") == 0);
    check_conn(&st->u.create, &j->w.conn, NULL, redact);
    uint32_t ncols = st->u.create.ncols;
    st = &s->stmts[k++];
    HF_FUZZ_CHECK(st->kind == HF_STMT_INSERT);
    HF_FUZZ_CHECK(strcmp(st->u.insert.target.name, "sync_dst") == 0);
    HF_FUZZ_CHECK(st->u.insert.ncols == ncols);
    const struct hf_ast_query *q = st->u.insert.query;
    if (nsrc == 1) {
        check_select(q, 0, where, ncols);
    } else {
        HF_FUZZ_CHECK(q->kind == HF_QUERY_UNION && q->all &&
                      q->ninputs == nsrc);
        for (size_t t = 0; t < nsrc; t++)
            check_select(q->inputs[t], t, where, ncols);
    }
    hf_ast_script_free(ws);
    hf_ast_script_free(s);
}

/* ------------------------------------------------- PostgreSQL statements */

/* `text`, a statement for PostgreSQL that holoflow wrote around the job's
 * names: outside quoted identifiers and string literals there is no `;`
 * but a last one, and no comment but one on the first line (when
 * `comment`). */
static void check_pg(const char *text, bool comment)
{
    const char *p = text;
    int semis = 0;
    bool first_line = true;
    while (*p) {
        if (*p == '\n') {
            first_line = false;
            p++;
        } else if (p[0] == '-' && p[1] == '-') {
            HF_FUZZ_CHECK(comment && first_line && p == text);
            p += strcspn(p, "\n");
        } else if (p[0] == '/' && p[1] == '*') {
            HF_FUZZ_CHECK(!"no block comment");
        } else if (*p == '"' || *p == '\'') {
            char qc = *p++;
            for (;; p++) {
                HF_FUZZ_CHECK(*p != '\0'); /* closed */
                if (*p == qc) {
                    if (p[1] != qc)
                        break;
                    p++;
                }
            }
            p++;
        } else if (*p == ';') {
            semis++;
            p++;
            HF_FUZZ_CHECK(p[strspn(p, " \n")] == '\0');
        } else if (*p == '$' || *p == '\\') {
            HF_FUZZ_CHECK(!"no dollar quote or backslash outside quotes");
        } else {
            p++;
        }
    }
    HF_FUZZ_CHECK(semis <= 1);
}

/* `;` outside quotes and comments in PostgreSQL text; -1 when a quote
 * or a comment is left open. */
static int pg_semis(const char *p)
{
    int n = 0;
    while (*p) {
        if (p[0] == '-' && p[1] == '-') {
            p += strcspn(p, "\n");
        } else if (p[0] == '/' && p[1] == '*') {
            const char *e = strstr(p + 2, "*/");
            if (e == NULL)
                return -1;
            p = e + 2;
        } else if (*p == '"' || *p == '\'') {
            char qc = *p++;
            for (;; p++) {
                if (*p == '\0')
                    return -1;
                if (*p == qc) {
                    if (p[1] != qc)
                        break;
                    p++;
                }
            }
            p++;
        } else {
            n += *p++ == ';';
        }
    }
    return n;
}

/* A preSql / postSql with @table replaced: the same statements as with a
 * plain name in its place. */
static void check_table_subst(const struct sync_job *j, const char *sql)
{
    struct hf_error err;
    hf_error_clear(&err);
    char *q = sync_table_subst(j, sql, &err);
    if (q == NULL) {
        HF_FUZZ_CHECK(err.code < 0 && err.msg[0] != '\0');
        return;
    }
    size_t n = strlen(sql);
    char *plain = xcalloc(n + 1, 1);
    size_t k = 0;
    for (const char *p = sql; *p;) {
        if (strncmp(p, "@table", 6) == 0) {
            plain[k++] = 'x';
            p += 6;
        } else {
            plain[k++] = *p++;
        }
    }
    plain[k] = '\0';
    HF_FUZZ_CHECK(pg_semis(q) == pg_semis(plain));
    free(plain);
    free(q);
}

/* ------------------------------------------------------------ input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hf_fuzz_init();
    /* a DataWorks 'datasource' takes its connection from the libpq
     * environment: the same one in every run */
    setenv("PGHOST", "localhost", 1);
    setenv("PGDATABASE", "db", 1);
    setenv("PGPORT", "5432", 1);
    setenv("PGUSER", "fuzz", 1);
    unsetenv("PGPASSWORD");
    const char *end = memchr(data, '\0', size);
    size_t jlen = end ? (size_t)(end - (const char *)data) : size;
    char *text = malloc(jlen + 1);
    char *rest = malloc(size - jlen + 1);
    HF_FUZZ_CHECK(text != NULL && rest != NULL);
    memcpy(text, data, jlen);
    text[jlen] = '\0';
    if (end)
        memcpy(rest, end + 1, size - jlen - 1);
    rest[end ? size - jlen - 1 : 0] = '\0';
    size_t restlen = end ? size - jlen - 1 : 0;

    const char *params[MAX_PARAMS];
    size_t np = 0;
    const char *path = "fuzz.json";
    unsigned si = 0, sn = 1;
    int fields = -1;
    for (size_t off = 0; end && off <= restlen && np < MAX_PARAMS;) {
        const char *a = rest + off;
        off += strlen(a) + 1;
        if (strncmp(a, "@path=", 6) == 0)
            path = a + 6;
        else if (strncmp(a, "@shard=", 7) == 0)
            sscanf(a + 7, "%u/%u", &si, &sn);
        else if (strncmp(a, "@fields=", 8) == 0) {
            char *e;
            long f = strtol(a + 8, &e, 10);
            fields = e != a + 8 ? (int)(f % 100) : 0;
        }
        else if (a[0])
            params[np++] = a;
    }

    struct sync_job j;
    struct hf_error err;
    hf_error_clear(&err);
    if (sync_job_parse_text(path, text, jlen, params, np, &j, &err) != 0) {
        HF_FUZZ_CHECK(err.code < 0 && err.msg[0] != '\0');
        goto out;
    }
    if (sn < 1 || si >= sn || sn > 1000)
        si = 0, sn = 1;
    if (sync_job_shard(&j, si, sn, &err) != 0) {
        HF_FUZZ_CHECK(err.code < 0 && err.msg[0] != '\0');
        sync_job_free(&j);
        goto out;
    }
    HF_FUZZ_CHECK(j.channel >= 1 && j.channel <= 64);
    HF_FUZZ_CHECK(j.byte_speed >= 0 && j.record_speed >= 0);

    struct sync_catalog cat;
    make_catalog(&j, fields, &cat);
    for (int redact = 0; redact <= 1; redact++) {
        hf_error_clear(&err);
        char *sql = sync_job_sql_from(&j, &cat, redact, &err);
        if (sql == NULL) {
            HF_FUZZ_CHECK(err.code < 0 && err.msg[0] != '\0');
            break;
        }
        check_sql(&j, sql, redact);
        if (!redact) {
            struct hf_job *job = NULL;
            hf_error_clear(&err);
            if (hf_sql_plan_text(path, sql, NULL, 0, &job, &err) != 0) {
                HF_FUZZ_CHECK(job == NULL);
                HF_FUZZ_CHECK(err.code < 0 && err.msg[0] != '\0');
                if (getenv("HF_FUZZ_VERBOSE"))
                    fprintf(stderr, "plan: %s\n%s\n", err.msg, sql);
            }
            hf_job_free(job);
        }
        free(sql);
    }
    hf_error_clear(&err);
    char *ct = sync_create_table_sql(&j, &cat, &err);
    if (ct == NULL)
        HF_FUZZ_CHECK(err.code < 0 && err.msg[0] != '\0');
    else
        check_pg(ct, true);
    free(ct);
    for (size_t i = 0; i < j.w.npre; i++)
        check_table_subst(&j, j.w.pre_sql[i]);
    for (size_t i = 0; i < j.w.npost; i++)
        check_table_subst(&j, j.w.post_sql[i]);
    sync_catalog_free(&j, &cat);
    sync_job_free(&j);
out:
    free(text);
    free(rest);
    return 0;
}
