/*
 * sync_job.c - DataX job files and DataWorks v2.0 scripts into a sync_job.
 *
 * The semantics follow DataX (alibaba/DataX JobContainer and
 * ErrorRecordChecker, see docs/sync.md): the channel count comes from
 * job.setting.speed.byte / record divided by the per-channel limits of
 * core.transport.channel.speed (the smaller count wins; a total limit
 * without a per-channel one is an error, as in DataX), and from
 * speed.channel only when neither is set; errorLimit.record, when set,
 * overrides errorLimit.percentage. A DataWorks script's
 * setting.speed.concurrent is the channel count and mbps (with throttle
 * true) the byte limit.
 *
 * ${var} in any string is replaced from -p var=value before anything is
 * read; a variable without a value is an error naming where it is used.
 * DataX's other spelling, $var, is replaced when -p gives var a value and
 * kept as written otherwise.
 * Every error names its JSON path. Readers and writers holoflow does not
 * have are refused by name, listing the ones it has. A database reader
 * takes every table of every connection[] entry (and every querySql), a
 * jdbcUrl array its first reachable URL; a writer takes one table.
 */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libpq-fe.h>

#include "core/strbuf.h"
#include "sql/parser.h"
#include "sync/sync_int.h"

static const char readers_avail[] =
    "txtfilereader, hdfsreader, ossreader, ftpreader (local files), "
    "postgresqlreader, holo / hologresreader, streamreader (DataWorks "
    "stepType: oss, hdfs, ftp, txtfile, postgresql, holo, stream)";
static const char writers_avail[] =
    "hologresjdbcwriter, hologreswriter, holo, postgresqlwriter (DataWorks "
    "stepType: holo, postgresql)";

/* ------------------------------------------------------------ ${var} */

static int subst_str(const char *s, const char *const *params, size_t np,
                     const char *where, struct hf_strbuf *out,
                     struct hf_error *err)
{
    hf_strbuf_reset(out);
    while (*s) {
        if (s[0] == '$' && s[1] == '{') {
            const char *end = strchr(s + 2, '}');
            if (end == NULL)
                return hf_error_set(err, HF_ERR_USAGE,
                                    "%s: '${' without a closing '}'", where);
            size_t n = (size_t)(end - s - 2);
            const char *val = NULL;
            for (size_t i = 0; i < np; i++)
                if (strncmp(params[i], s + 2, n) == 0 && params[i][n] == '=')
                    val = params[i] + n + 1;
            if (val == NULL)
                return hf_error_set(err, HF_ERR_USAGE,
                                    "%s: variable ${%.*s} has no value "
                                    "(pass -p %.*s=VALUE)",
                                    where, (int)n, s + 2, (int)n, s + 2);
            hf_strbuf_puts(out, val);
            s = end + 1;
        } else if (s[0] == '$' && (isalnum((unsigned char)s[1]) || s[1] == '_')) {
            /* DataX's $name: replaced when -p gives name a value, else
             * kept as written ($ is common in regexes and passwords) */
            size_t n = 1;
            while (isalnum((unsigned char)s[n]) || s[n] == '_')
                n++;
            const char *val = NULL;
            for (size_t i = 0; i < np; i++)
                if (strncmp(params[i], s + 1, n - 1) == 0 &&
                    params[i][n - 1] == '=')
                    val = params[i] + n;
            if (val)
                hf_strbuf_puts(out, val);
            else
                hf_strbuf_append(out, s, n);
            s += n;
        } else {
            hf_strbuf_putc(out, *s++);
        }
    }
    return hf_strbuf_ok(out) ? 0 : hf_error_set(err, HF_ERR_NOMEM, "%s", where);
}

/* Replace ${var} in every string of the tree, in place. */
static int subst_tree(json_object *o, const char *where,
                      const char *const *params, size_t np,
                      struct hf_strbuf *tmp, struct hf_error *err)
{
    char sub[512];
    switch (json_object_get_type(o)) {
    case json_type_object: {
        json_object_object_foreach(o, k, v)
        {
            snprintf(sub, sizeof sub, "%s%s%s", where, where[0] ? "." : "",
                     k);
            if (json_object_is_type(v, json_type_string)) {
                if (subst_str(json_object_get_string(v), params, np, sub, tmp,
                              err) != 0)
                    return -1;
                json_object_object_add(o, k, json_object_new_string(tmp->data ? tmp->data : ""));
            } else if (subst_tree(v, sub, params, np, tmp, err) != 0) {
                return -1;
            }
        }
        return 0;
    }
    case json_type_array: {
        size_t n = json_object_array_length(o);
        for (size_t i = 0; i < n; i++) {
            json_object *v = json_object_array_get_idx(o, i);
            snprintf(sub, sizeof sub, "%s[%zu]", where, i);
            if (json_object_is_type(v, json_type_string)) {
                if (subst_str(json_object_get_string(v), params, np, sub, tmp,
                              err) != 0)
                    return -1;
                json_object_array_put_idx(o, i, json_object_new_string(tmp->data ? tmp->data : ""));
            } else if (subst_tree(v, sub, params, np, tmp, err) != 0) {
                return -1;
            }
        }
        return 0;
    }
    default:
        return 0;
    }
}

/* ------------------------------------------------------------ accessors */

static json_object *get(json_object *o, const char *k)
{
    json_object *v = NULL;
    if (o && json_object_is_type(o, json_type_object) &&
        json_object_object_get_ex(o, k, &v) && !json_object_is_type(v, json_type_null)) {
        sync_json_note_read(v);
        return v;
    }
    return NULL;
}

/* A string (or a number written as one) at o.k; NULL when absent. */
static int get_str(json_object *o, const char *k, const char *where,
                   char **out, struct hf_error *err)
{
    json_object *v = get(o, k);
    *out = NULL;
    if (v == NULL)
        return 0;
    if (json_object_is_type(v, json_type_array) &&
        json_object_array_length(v) >= 1)
        v = json_object_array_get_idx(v, 0); /* jdbcUrl: ["..."] */
    if (json_object_is_type(v, json_type_object) ||
        json_object_is_type(v, json_type_array))
        return hf_error_set(err, HF_ERR_USAGE, "%s.%s: expected a string",
                            where, k);
    *out = strdup(json_object_get_string(v));
    return *out ? 0 : hf_error_set(err, HF_ERR_NOMEM, "out of memory");
}

/* An integer at o.k (a JSON number or a string of digits); `def` when
 * absent. */
static int get_int(json_object *o, const char *k, const char *where,
                   int64_t def, int64_t *out, struct hf_error *err)
{
    json_object *v = get(o, k);
    *out = def;
    if (v == NULL || (json_object_is_type(v, json_type_string) &&
                      json_object_get_string(v)[0] == '\0'))
        return 0;
    if (json_object_is_type(v, json_type_int)) {
        *out = json_object_get_int64(v);
        return 0;
    }
    if (json_object_is_type(v, json_type_double)) {
        double d = json_object_get_double(v);
        /* in range before the cast (1e300 or an infinity in int64_t is
         * undefined), then whole */
        if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0) ||
            d != (double)(int64_t)d)
            return hf_error_set(err, HF_ERR_USAGE,
                                "%s.%s: expected an integer, got %g", where,
                                k, d);
        *out = (int64_t)d;
        return 0;
    }
    if (json_object_is_type(v, json_type_string)) {
        const char *s = json_object_get_string(v);
        char *end;
        errno = 0;
        long long n = strtoll(s, &end, 10);
        if (*s && *end == '\0' && errno == 0) {
            *out = n;
            return 0;
        }
    }
    return hf_error_set(err, HF_ERR_USAGE, "%s.%s: expected an integer, got %s",
                        where, k, json_object_to_json_string(v));
}

static int get_bool(json_object *o, const char *k, const char *where,
                    bool *out, struct hf_error *err)
{
    json_object *v = get(o, k);
    if (v == NULL)
        return 0;
    if (json_object_is_type(v, json_type_boolean)) {
        *out = json_object_get_boolean(v);
        return 0;
    }
    const char *s = json_object_get_string(v);
    if (strcasecmp(s, "true") == 0 || strcasecmp(s, "false") == 0) {
        *out = strcasecmp(s, "true") == 0;
        return 0;
    }
    return hf_error_set(err, HF_ERR_USAGE, "%s.%s: expected true or false",
                        where, k);
}

static int get_strs(json_object *o, const char *k, const char *where,
                    char ***out, size_t *n, struct hf_error *err)
{
    json_object *v = get(o, k);
    *out = NULL;
    *n = 0;
    if (v == NULL)
        return 0;
    if (json_object_is_type(v, json_type_string)) {
        *out = calloc(1, sizeof **out);
        if (*out == NULL || ((*out)[0] = strdup(json_object_get_string(v))) == NULL)
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        *n = 1;
        return 0;
    }
    if (!json_object_is_type(v, json_type_array))
        return hf_error_set(err, HF_ERR_USAGE,
                            "%s.%s: expected an array of strings", where, k);
    size_t len = json_object_array_length(v);
    *out = calloc(len ? len : 1, sizeof **out);
    if (*out == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < len; i++) {
        json_object *e = json_object_array_get_idx(v, i);
        if (!json_object_is_type(e, json_type_string))
            return hf_error_set(err, HF_ERR_USAGE,
                                "%s.%s[%zu]: expected a string", where, k, i);
        (*out)[i] = strdup(json_object_get_string(e));
        if ((*out)[i] == NULL)
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        (*n)++;
    }
    return 0;
}

/* ------------------------------------------------------------ connections */

/* The URL as it may be printed: cut at its query string, where a
 * ?password= may be (the password is registered as a secret only once
 * the job is parsed). */
static int url_shown(const char *url)
{
    size_t n = strcspn(url, "?");
    return n > 400 ? 400 : (int)n;
}

/* jdbc:postgresql://host:port/db?... (also jdbc:hologres:, postgresql://).
 * Sets c->host and c->db, and c->port when the URL names one. */
static int parse_jdbc(const char *url, const char *where,
                      struct sync_conn *c, struct hf_error *err)
{
    const char *p = url;
    if (strncmp(p, "jdbc:", 5) == 0)
        p += 5;
    const char *sep = strstr(p, "://");
    if (sep == NULL ||
        (strncmp(p, "postgresql", 10) != 0 && strncmp(p, "hologres", 8) != 0 &&
         strncmp(p, "postgres", 8) != 0))
        return hf_error_set(
            err, HF_ERR_USAGE,
            "%s: '%.*s' is not a jdbc:postgresql://host:port/db URL", where,
            url_shown(url), url);
    p = sep + 3;
    size_t hl = strcspn(p, ":/?");
    free(c->host);
    c->host = strndup(p, hl);
    p += hl;
    if (*p == ':') {
        size_t pl = strcspn(p + 1, "/?");
        free(c->port);
        c->port = strndup(p + 1, pl);
        p += 1 + pl;
    }
    if (*p == '/') {
        size_t dl = strcspn(p + 1, "?");
        free(c->db);
        c->db = strndup(p + 1, dl);
        p += 1 + dl;
    }
    /* pgjdbc's currentSchema: the schema of a table named without one
     * (the first of a list) */
    free(c->schema);
    c->schema = NULL;
    for (const char *q = *p == '?' ? p + 1 : NULL; q && *q;) {
        size_t kl = strcspn(q, "=&");
        if (kl == 13 && strncasecmp(q, "currentSchema", 13) == 0 &&
            q[kl] == '=') {
            const char *v = q + kl + 1;
            size_t vl = strcspn(v, "&,");
            if (vl > 0 && (c->schema = strndup(v, vl)) == NULL)
                return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        }
        q = strchr(q, '&');
        q = q ? q + 1 : NULL;
    }
    if (c->host == NULL || c->host[0] == '\0' || c->db == NULL ||
        c->db[0] == '\0')
        return hf_error_set(err, HF_ERR_USAGE,
                            "%s: '%.*s' names no host or database", where,
                            url_shown(url), url);
    if (c->port) { /* digits, 1 to 65535 */
        size_t nd = strspn(c->port, "0123456789");
        long v = nd >= 1 && nd <= 5 && c->port[nd] == '\0'
                     ? strtol(c->port, NULL, 10)
                     : 0;
        if (v < 1 || v > 65535)
            return hf_error_set(err, HF_ERR_USAGE,
                                "%s: '%.*s': the port is not a number from 1 "
                                "to 65535",
                                where, url_shown(url), url);
    }
    return 0;
}

/* Is host:port/db answering? (DataX takes the first reachable URL of a
 * reader's jdbcUrl array.) */
static bool reachable(const struct sync_conn *c)
{
    const char *k[] = {"host", "port", "dbname", "connect_timeout", NULL};
    const char *v[] = {c->host, c->port ? c->port : "5432", c->db, "5", NULL};
    return PQpingParams(k, v, 0) == PQPING_OK;
}

static void conn_free(struct sync_conn *c);

/* One connection[] entry's jdbcUrl: a string, or an array of URLs. A
 * reader takes the first reachable one of several (DataX's rdbms readers;
 * with one URL nothing is probed); a writer takes one URL (DataX's
 * writers take a string: an array of several is refused). */
static int parse_urls(json_object *conn, const char *where, bool reader,
                      struct sync_conn *c, struct hf_error *err)
{
    json_object *u = get(conn, "jdbcUrl");
    if (u == NULL)
        return 0;
    if (!json_object_is_type(u, json_type_array) ||
        json_object_array_length(u) <= 1) {
        char *url = NULL;
        int rc = get_str(conn, "jdbcUrl", where, &url, err);
        if (rc == 0 && url)
            rc = parse_jdbc(url, where, c, err);
        free(url);
        return rc;
    }
    size_t n = json_object_array_length(u);
    if (!reader)
        return hf_error_set(err, HF_ERR_USAGE,
                            "%s.jdbcUrl: %zu URLs; a writer takes one (only "
                            "a reader chooses the first reachable of "
                            "several, as in DataX)",
                            where, n);
    char sub[600];
    struct hf_strbuf tried;
    hf_strbuf_init(&tried, 0);
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(u, i);
        snprintf(sub, sizeof sub, "%s.jdbcUrl[%zu]", where, i);
        if (!json_object_is_type(e, json_type_string)) {
            hf_strbuf_free(&tried);
            return hf_error_set(err, HF_ERR_USAGE, "%s: expected a string",
                                sub);
        }
        /* each URL on its own: nothing (port, db) carried over from the
         * one before */
        free(c->host), free(c->port), free(c->db);
        c->host = c->port = c->db = NULL;
        if (parse_jdbc(json_object_get_string(e), sub, c, err) != 0) {
            hf_strbuf_free(&tried);
            return -1;
        }
        if (c->port == NULL && (c->port = strdup("5432")) == NULL) {
            hf_strbuf_free(&tried);
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        }
        if (reachable(c)) {
            hf_strbuf_free(&tried);
            return 0;
        }
        hf_strbuf_printf(&tried, "%s%s:%s/%s", i ? ", " : "", c->host, c->port,
                         c->db);
    }
    free(c->host), free(c->port), free(c->db);
    c->host = c->port = c->db = NULL;
    hf_error_set(err, HF_ERR_IO,
                 "%s.jdbcUrl: none of the %zu URLs is reachable (%s; the "
                 "first that answers is used, as in DataX)",
                 where, n, tried.data ? tried.data : "");
    hf_strbuf_free(&tried);
    return -1;
}

static int conn_copy(struct sync_conn *to, const struct sync_conn *from,
                     const char *table, struct hf_error *err)
{
    memset(to, 0, sizeof *to);
#define CP(f) (from->f == NULL || (to->f = strdup(from->f)) != NULL)
    if (!(CP(host) && CP(port) && CP(db) && CP(user) && CP(password) &&
          CP(schema)) ||
        (table && (to->table = strdup(table)) == NULL)) {
        conn_free(to);
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
#undef CP
    return 0;
}

/* Add one source (a table, or a query) read through `c` to the list. */
static int add_src(struct sync_conn **list, char ***queries, size_t *n,
                   const struct sync_conn *c, const char *table,
                   const char *query, struct hf_error *err)
{
    struct sync_conn *l = realloc(*list, (*n + 1) * sizeof *l);
    if (l == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    *list = l;
    char **q = realloc(*queries, (*n + 1) * sizeof *q);
    if (q == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    *queries = q;
    q[*n] = NULL;
    if (conn_copy(&l[*n], c, table, err) != 0)
        return -1;
    (*n)++;
    if (query && (q[*n - 1] = strdup(query)) == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    return 0;
}

static void strs_free(char **s, size_t n);

/* Fill in what a connection lacks from the libpq environment (DataWorks
 * names a registered data source instead of a URL: the connection then
 * comes from PGHOST, ...), the port default and the password. */
static int conn_defaults(struct sync_conn *c, const char *where,
                         struct hf_error *err)
{
    if (c->host == NULL) {
        const char *h = getenv("PGHOST"), *p = getenv("PGPORT"),
                   *d = getenv("PGDATABASE");
        if (h == NULL || d == NULL)
            return hf_error_set(err, HF_ERR_USAGE,
                                "%s: no connection.jdbcUrl, and PGHOST / "
                                "PGDATABASE are not set for a 'datasource'",
                                where);
        c->host = strdup(h);
        c->port = strdup(p ? p : "5432");
        c->db = strdup(d);
    }
    if (c->port == NULL)
        c->port = strdup("5432");
    if (c->user == NULL && getenv("PGUSER"))
        c->user = strdup(getenv("PGUSER"));
    if (c->password == NULL)
        c->password = strdup(getenv("PGPASSWORD") ? getenv("PGPASSWORD") : "");
    return 0;
}

/* username, password, and connection[].{jdbcUrl, table[], querySql[]}
 * (DataX), or jdbcUrl/table/querySql beside them (holoflow and DataWorks
 * spellings). Every (connection, table) and (connection, query) is a
 * source, in the order written: connection by connection, its tables,
 * then its queries (querySql replaces the tables, as in DataX). `reader`:
 * a jdbcUrl array is probed for its first reachable URL (parse_urls). */
static int parse_conns(json_object *par, const char *where, bool reader,
                       struct sync_conn **list, char ***queries, size_t *n,
                       struct hf_error *err)
{
    char sub[512];
    char **subs = NULL; /* each source's connection[] entry, for errors */
    size_t nsubs = 0;
    struct sync_conn base = {0};
    int rc = -1;
    *list = NULL;
    *queries = NULL;
    *n = 0;
    if (get_str(par, "username", where, &base.user, err) != 0 ||
        get_str(par, "password", where, &base.password, err) != 0)
        goto out;
    json_object *conns = get(par, "connection");
    size_t nc = 1;
    if (conns && json_object_is_type(conns, json_type_array)) {
        nc = json_object_array_length(conns);
        if (nc == 0) {
            hf_error_set(err, HF_ERR_USAGE, "%s.connection: empty", where);
            goto out;
        }
    }
    for (size_t ci = 0; ci < nc; ci++) {
        json_object *conn = conns;
        if (conns && json_object_is_type(conns, json_type_array)) {
            conn = json_object_array_get_idx(conns, ci);
            snprintf(sub, sizeof sub, "%s.connection[%zu]", where, ci);
        } else if (conns) {
            snprintf(sub, sizeof sub, "%s.connection", where);
        } else {
            conn = par;
            snprintf(sub, sizeof sub, "%s", where);
        }
        struct sync_conn c = {0};
        c.user = base.user;
        c.password = base.password;
        c.host = c.port = c.db = c.schema = NULL;
        if (parse_urls(conn, sub, reader, &c, err) != 0 ||
            (c.host == NULL && conn != par && ci == 0 && get(par, "jdbcUrl") &&
             parse_urls(par, where, reader, &c, err) != 0)) {
            free(c.host), free(c.port), free(c.db), free(c.schema);
            goto out;
        }
        char **tables = NULL, **qs = NULL;
        size_t nt = 0, nq = 0;
        int r2 = get_strs(conn, "table", sub, &tables, &nt, err);
        if (r2 == 0 && nt == 0 && conn != par && ci == 0)
            r2 = get_strs(par, "table", where, &tables, &nt, err);
        if (r2 == 0)
            r2 = get_strs(conn, "querySql", sub, &qs, &nq, err);
        if (r2 == 0 && nq == 0 && conn != par && ci == 0)
            r2 = get_strs(par, "querySql", where, &qs, &nq, err);
        if (r2 == 0) {
            struct sync_conn cc = c;
            cc.user = base.user;
            cc.password = base.password;
            if (nq > 0) /* querySql replaces table */
                for (size_t i = 0; r2 == 0 && i < nq; i++)
                    r2 = add_src(list, queries, n, &cc, "hf_query", qs[i],
                                 err);
            else if (nt > 0)
                for (size_t i = 0; r2 == 0 && i < nt; i++)
                    r2 = add_src(list, queries, n, &cc, tables[i], NULL, err);
            else
                r2 = add_src(list, queries, n, &cc, NULL, NULL, err);
        }
        strs_free(tables, nt);
        strs_free(qs, nq);
        free(c.host), free(c.port), free(c.db), free(c.schema);
        if (r2 != 0)
            goto out;
        char **sb = realloc(subs, *n * sizeof *sb);
        if (sb == NULL) {
            hf_error_set(err, HF_ERR_NOMEM, "out of memory");
            goto out;
        }
        subs = sb;
        for (; nsubs < *n; nsubs++)
            if ((subs[nsubs] = strdup(sub)) == NULL) {
                hf_error_set(err, HF_ERR_NOMEM, "out of memory");
                goto out;
            }
    }
    for (size_t i = 0; i < *n; i++) {
        struct sync_conn *c = &(*list)[i];
        if (conn_defaults(c, subs[i], err) != 0)
            goto out;
        if ((*queries)[i] == NULL &&
            (c->table == NULL || c->table[0] == '\0')) {
            hf_error_set(err, HF_ERR_USAGE, "%s: no table given", subs[i]);
            goto out;
        }
        if ((*queries)[i] == NULL && c->schema && strchr(c->table, '.') == NULL) {
            size_t len = strlen(c->schema) + strlen(c->table) + 2;
            char *t = malloc(len);
            if (t == NULL) {
                hf_error_set(err, HF_ERR_NOMEM, "out of memory");
                goto out;
            }
            snprintf(t, len, "%s.%s", c->schema, c->table);
            free(c->table);
            c->table = t;
        }
        if ((*queries)[i] != NULL) {
            /* DataX sends the query as written, a trailing ';' included
             * (its doc's example has one); holoflow wraps it in a
             * subquery, where the ';' would not parse */
            char *qy = (*queries)[i];
            size_t ql = strlen(qy);
            while (ql > 0 && (qy[ql - 1] == ';' ||
                              isspace((unsigned char)qy[ql - 1])))
                qy[--ql] = '\0';
            if (ql == 0) {
                hf_error_set(err, HF_ERR_USAGE, "%s.querySql: empty",
                             subs[i]);
                goto out;
            }
        }
    }
    rc = 0;
out:
    strs_free(subs, nsubs);
    free(base.user);
    free(base.password);
    if (rc != 0) {
        for (size_t i = 0; i < *n; i++)
            conn_free(&(*list)[i]);
        free(*list);
        strs_free(*queries, *n);
        *list = NULL;
        *queries = NULL;
        *n = 0;
    }
    return rc;
}

/* The writer's one connection and table: DataX's rdbms writers take
 * several tables (connection[].table[]) and spread the rows over them,
 * which is rarely what is meant; holoflow refuses it. */
static int parse_conn(json_object *par, const char *where,
                      struct sync_conn *c, struct hf_error *err)
{
    struct sync_conn *list;
    char **qs;
    size_t n;
    if (parse_conns(par, where, false, &list, &qs, &n, err) != 0)
        return -1;
    int rc = 0;
    if (n > 1)
        rc = hf_error_set(
            err, HF_ERR_UNSUPPORTED,
            "%s: %zu writer tables; holoflow writes one table per job "
            "(DataX's rdbms writers spread the rows across the listed "
            "tables, which is rarely intended): write each table with a "
            "job of its own, or read several tables into one",
            where, n);
    else if (qs[0] != NULL)
        rc = hf_error_set(err, HF_ERR_USAGE,
                          "%s.querySql: a writer takes no query", where);
    if (rc == 0) {
        *c = list[0];
        memset(&list[0], 0, sizeof list[0]);
    }
    for (size_t i = 0; i < n; i++)
        conn_free(&list[i]);
    free(list);
    strs_free(qs, n);
    return rc;
}

/* ------------------------------------------------------------ columns */

/* A PostgreSQL quoted identifier, "Name" ("" inside for one "), as the
 * name it stands for, in place; false when `s` is not one. */
static bool unquote_ident(char *s)
{
    size_t n = strlen(s);
    if (n < 3 || s[0] != '"' || s[n - 1] != '"')
        return false;
    char *o = s;
    for (size_t i = 1; i < n - 1; i++) {
        if (s[i] == '"') {
            if (s[i + 1] != '"' || i + 1 >= n - 1)
                return false; /* "a" || "b": not one name */
            i++;
        }
        *o++ = s[i];
    }
    *o = '\0';
    return true;
}

/* A column entry that can only be a column name: an identifier that is
 * not one of PostgreSQL's constant keywords (true, null, current_date,
 * ...), which are expressions. */
static bool bare_name(const char *s)
{
    static const char *const kw[] = {
        "true",         "false",        "null",           "current_date",
        "current_time", "localtime",    "current_timestamp",
        "localtimestamp", NULL};
    if (!(isalpha((unsigned char)*s) || *s == '_'))
        return false;
    for (const char *p = s; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '$'))
            return false;
    for (int i = 0; kw[i]; i++)
        if (strcasecmp(s, kw[i]) == 0)
            return false;
    return true;
}

/* Cut a trailing "AS alias" (alias bare or "quoted") off a column
 * entry, in place. */
static void drop_alias(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    size_t e = n;
    if (e > 0 && s[e - 1] == '"') { /* "alias" */
        size_t k = e - 1;
        while (k > 0 && s[k - 1] != '"')
            k--;
        if (k == 0)
            return;
        n = k - 1;
    } else {
        while (n > 0 && (isalnum((unsigned char)s[n - 1]) || s[n - 1] == '_'))
            n--;
        if (n == e)
            return;
    }
    size_t a = n;
    while (a > 0 && isspace((unsigned char)s[a - 1]))
        a--;
    if (a == n || a < 3 || strncasecmp(s + a - 2, "as", 2) != 0 ||
        !isspace((unsigned char)s[a - 3]))
        return;
    a -= 2;
    while (a > 0 && isspace((unsigned char)s[a - 1]))
        a--;
    s[a] = '\0';
}

static int parse_cols(json_object *par, const char *where, bool file,
                      struct sync_reader *r, struct hf_error *err)
{
    json_object *cols = get(par, "column");
    char sub[512];
    if (cols == NULL)
        return file ? (r->star = true, 0)
                    : hf_error_set(err, HF_ERR_USAGE, "%s.column: required",
                                   where);
    if (!json_object_is_type(cols, json_type_array))
        return hf_error_set(err, HF_ERR_USAGE, "%s.column: expected an array",
                            where);
    size_t n = json_object_array_length(cols);
    if (n == 1 && json_object_is_type(json_object_array_get_idx(cols, 0),
                                      json_type_string) &&
        strcmp(json_object_get_string(json_object_array_get_idx(cols, 0)),
               "*") == 0) {
        r->star = true;
        return 0;
    }
    r->cols = calloc(n ? n : 1, sizeof *r->cols);
    if (r->cols == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        json_object *c = json_object_array_get_idx(cols, i);
        struct sync_col *sc = &r->cols[i];
        r->ncols = i + 1; /* counted first: freed when refused below */
        snprintf(sub, sizeof sub, "%s.column[%zu]", where, i);
        if (json_object_is_type(c, json_type_string)) {
            if (file)
                return hf_error_set(err, HF_ERR_USAGE,
                                    "%s: a file reader's column is an "
                                    "object {\"index\": N, \"type\": T} or "
                                    "{\"value\": V, \"type\": T}",
                                    sub);
            sc->kind = SYNC_COL_NAME;
            sc->name = strdup(json_object_get_string(c));
            if (sc->name == NULL)
                return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
            if (sc->name[0] == '\0')
                return hf_error_set(err, HF_ERR_USAGE,
                                    "%s: an empty column name", sub);
            /* a database reader's column may be "Quoted" (that exact
             * name), a name, or a PostgreSQL expression (DataX's
             * constants and functions): the expression is used when the
             * entry names no column */
            if (!unquote_ident(sc->name)) {
                drop_alias(sc->name); /* "id * 2 AS x": columns map by
                                         position, the alias is moot */
                /* a bare name is a column (one the table lacks is
                 * listed as such), unless it is a constant keyword */
                if (!bare_name(sc->name) &&
                    sync_pg_expr(sc->name, sub, &sc->expr, err) != 0)
                    return -1;
            }
            continue;
        }
        if (!json_object_is_type(c, json_type_object))
            return hf_error_set(err, HF_ERR_USAGE,
                                "%s: expected a string or an object", sub);
        if (get_str(c, "type", sub, &sc->type, err) != 0)
            return -1;
        if (sc->type) {
            for (char *p = sc->type; *p; p++)
                *p = (char)tolower((unsigned char)*p);
            /* the Hive / DataWorks spellings of DataX's six types */
            static const char *const alias[][2] = {
                {"int", "long"},      {"bigint", "long"},
                {"tinyint", "long"},  {"smallint", "long"},
                {"integer", "long"},  {"float", "double"},
                {"decimal", "double"}, {"numeric", "double"},
                {"char", "string"},   {"varchar", "string"},
                {"text", "string"},   {"datetime", "date"},
                {"timestamp", "date"}, {"bool", "boolean"},
                {"binary", "bytes"}};
            for (size_t k = 0; k < sizeof alias / sizeof alias[0]; k++)
                if (strcmp(sc->type, alias[k][0]) == 0) {
                    free(sc->type);
                    if ((sc->type = strdup(alias[k][1])) == NULL)
                        return hf_error_set(err, HF_ERR_NOMEM,
                                            "out of memory");
                    break;
                }
            static const char *const ok[] = {"long", "double", "string",
                                             "date", "boolean", "bytes",
                                             "partition", NULL};
            bool found = false;
            for (int k = 0; ok[k]; k++)
                found |= strcmp(sc->type, ok[k]) == 0;
            if (!found)
                return hf_error_set(err, HF_ERR_USAGE,
                                    "%s.type: '%s' is not a column type "
                                    "(long, double, string, date, boolean, "
                                    "bytes, partition)",
                                    sub, sc->type);
        }
        int64_t idx;
        if (get_int(c, "index", sub, -1, &idx, err) != 0)
            return -1;
        if (get_str(c, "value", sub, &sc->value, err) != 0 ||
            get_str(c, "name", sub, &sc->name, err) != 0 ||
            get_str(c, "format", sub, &sc->format, err) != 0)
            return -1;
        if (sc->name && sc->name[0] == '\0')
            return hf_error_set(err, HF_ERR_USAGE,
                                "%s.name: an empty column name", sub);
        if (sc->format == NULL &&
            get_str(c, "dateFormat", sub, &sc->format, err) != 0)
            return -1;
        if (sc->format && sc->format[0] == '\0') {
            free(sc->format);
            sc->format = NULL;
        }
        if (sc->format && (sc->type == NULL || strcmp(sc->type, "date") != 0))
            return hf_error_set(err, HF_ERR_USAGE,
                                "%s.format: only a \"date\" column takes a "
                                "format",
                                sub);
        if (sc->type && strcmp(sc->type, "partition") == 0) {
            if (sc->name == NULL)
                return hf_error_set(err, HF_ERR_USAGE,
                                    "%s: a partition column needs \"name\" "
                                    "(the key of its key=value directory)",
                                    sub);
            sc->kind = SYNC_COL_PART;
            free(sc->type);
            sc->type = strdup("string");
        } else if (sc->value) {
            sc->kind = SYNC_COL_CONST;
        } else if (idx >= 0) {
            if (!file)
                return hf_error_set(err, HF_ERR_USAGE,
                                    "%s.index: only file readers take a "
                                    "column index",
                                    sub);
            if (idx > 4095)
                return hf_error_set(err, HF_ERR_USAGE,
                                    "%s.index: %lld is out of range", sub,
                                    (long long)idx);
            sc->kind = SYNC_COL_INDEX;
            sc->index = (int)idx;
        } else if (sc->name && !file) {
            sc->kind = SYNC_COL_NAME;
        } else if (get(c, "random") || get(c, "incr")) {
            return hf_error_set(err, HF_ERR_UNSUPPORTED,
                                "%s.%s: streamreader's generated columns "
                                "are not available in holoflow; give a "
                                "\"value\" (or use the datagen connector "
                                "with holoflow run)",
                                sub, get(c, "random") ? "random" : "incr");
        } else {
            return hf_error_set(err, HF_ERR_USAGE,
                                "%s: needs \"index\" or \"value\"%s", sub,
                                file ? "" : " or \"name\"");
        }
    }
    return 0;
}

/* ------------------------------------------------------------ reader */

/* A database reader's `where` becomes the WHERE of the SQL job's SELECT
 * (pushed down to the server from there): it must be one SQL expression,
 * nothing before or after it, so a where such as "1=1; INSERT ..." or
 * "1=1 UNION ALL SELECT ..." cannot add to the job. */
static int check_where(const char *where, const char *sub,
                       struct hf_error *err)
{
    if (where[0] == '\0')
        return 0;
    char name[600];
    snprintf(name, sizeof name, "%s.where", sub);
    struct hf_sql_src src = {.file = name, .text = where,
                             .len = strlen(where)};
    struct hf_ast_script *s = NULL;
    struct hf_ast_expr *e = NULL;
    struct hf_error perr;
    hf_error_clear(&perr);
    int rc = hf_sql_parse_expr(&src, &s, &e, &perr);
    hf_ast_script_free(s);
    if (rc != 0)
        return hf_error_set(err, HF_ERR_USAGE,
                            "%s.where: not one SQL condition (it becomes "
                            "the WHERE of the sync's SELECT): %s",
                            sub, perr.msg);
    return 0;
}

/* Can iconv convert from `cs` to UTF-8? */
static bool sync_charset_ok(const char *cs)
{
    iconv_t cd = iconv_open("UTF-8", cs);
    if (cd == (iconv_t)-1)
        return false;
    iconv_close(cd);
    return true;
}

/* csvReaderConfig (DataX passes it to javacsv's CsvReader): the settings
 * that change what is read are followed (textQualifier, useTextQualifier,
 * escapeMode), those that only guard or report are accepted
 * (safetySwitch, skipEmptyRecords, captureRawRecord, caseSensitive,
 * delimiter: fieldDelimiter wins, as in DataX), and the rest refused by
 * name. */
static int parse_csv_config(json_object *cfg, const char *where,
                            struct sync_reader *r, struct hf_error *err)
{
    if (cfg == NULL)
        return 0;
    char sub[600];
    snprintf(sub, sizeof sub, "%s.csvReaderConfig", where);
    if (!json_object_is_type(cfg, json_type_object))
        return hf_error_set(err, HF_ERR_USAGE, "%s: expected an object", sub);
    json_object_object_foreach(cfg, k, v)
    {
        const char *sv = json_object_get_string(v);
        bool on = json_object_get_boolean(v) ||
                  (sv && strcasecmp(sv, "true") == 0);
        if (json_object_is_type(v, json_type_string) &&
            strcasecmp(sv, "false") == 0)
            on = false;
        if (strcmp(k, "textQualifier") == 0) {
            if (strlen(sv) != 1)
                return hf_error_set(err, HF_ERR_USAGE,
                                    "%s.textQualifier: '%s' must be one "
                                    "character",
                                    sub, sv);
            r->quote = sv[0];
        } else if (strcmp(k, "useTextQualifier") == 0) {
            r->no_quote = !on;
        } else if (strcmp(k, "escapeMode") == 0) {
            /* 1: a doubled quote is one quote (holoflow's csv) */
            if (strcmp(sv, "1") != 0)
                return hf_error_set(err, HF_ERR_UNSUPPORTED,
                                    "%s.escapeMode: %s is not available; "
                                    "holoflow reads escapeMode 1 (a doubled "
                                    "quote inside quotes)",
                                    sub, sv);
        } else if (strcmp(k, "trimWhitespace") == 0 ||
                   strcmp(k, "useComments") == 0 ||
                   strcmp(k, "comment") == 0 ||
                   strcmp(k, "recordDelimiter") == 0) {
            bool harmless =
                (strcmp(k, "trimWhitespace") == 0 && !on) ||
                (strcmp(k, "useComments") == 0 && !on) ||
                strcmp(k, "comment") == 0 ||
                (strcmp(k, "recordDelimiter") == 0 &&
                 (strcmp(sv, "\n") == 0 || strcmp(sv, "\\n") == 0));
            if (!harmless)
                return hf_error_set(err, HF_ERR_UNSUPPORTED,
                                    "%s.%s: %s is not available in holoflow "
                                    "(docs/sync.md)",
                                    sub, k, json_object_to_json_string(v));
        } else if (strcmp(k, "safetySwitch") != 0 &&
                   strcmp(k, "skipEmptyRecords") != 0 &&
                   strcmp(k, "captureRawRecord") != 0 &&
                   strcmp(k, "caseSensitive") != 0 &&
                   strcmp(k, "delimiter") != 0) {
            return hf_error_set(err, HF_ERR_USAGE,
                                "%s.%s: not a csvReaderConfig setting "
                                "(textQualifier, useTextQualifier, "
                                "escapeMode, safetySwitch, skipEmptyRecords, "
                                "captureRawRecord, caseSensitive, "
                                "delimiter, trimWhitespace, useComments, "
                                "recordDelimiter)",
                                sub, k);
        }
    }
    return 0;
}

/* fileType / fileFormat values DataX's and DataWorks' readers have and
 * holoflow does not read: refused by name */
static const char *const file_types_refused[] = {
    "orc", "rc", "rcfile", "seq", "sequence", "sequencefile", "parquet",
    "excel", "xls", "xlsx", NULL};

static int parse_reader(const char *name, const char *name_where,
                        json_object *par, const char *where,
                        struct sync_reader *r, struct hf_error *err)
{
    char *lname = strdup(name);
    if (lname == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    for (char *p = lname; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    static const char *const files[] = {"txtfilereader", "hdfsreader",
                                        "ossreader", "oss", "hdfs",
                                        "ftpreader", "ftp", "sftp",
                                        "txtfile", "file", NULL};
    static const char *const dbs[] = {"postgresqlreader", "postgresql",
                                      "holo", "hologresreader",
                                      "hologresjdbcreader", NULL};
    int kind = -1;
    for (int i = 0; files[i]; i++)
        if (strcmp(lname, files[i]) == 0)
            kind = SYNC_R_FILE;
    for (int i = 0; dbs[i]; i++)
        if (strcmp(lname, dbs[i]) == 0)
            kind = SYNC_R_DB;
    if (strcmp(lname, "streamreader") == 0 || strcmp(lname, "stream") == 0)
        kind = SYNC_R_STREAM;
    free(lname);
    if (kind < 0)
        return hf_error_set(err, HF_ERR_UNSUPPORTED,
                            "%s: reader '%s' is not available in holoflow; "
                            "available readers: %s",
                            name_where, name, readers_avail);
    r->kind = (enum sync_reader_kind)kind;
    char sub[512];
    snprintf(sub, sizeof sub, "%s.parameter", where);
    if (par == NULL || !json_object_is_type(par, json_type_object))
        return hf_error_set(err, HF_ERR_USAGE, "%s: required object", sub);
    int64_t n;
    switch (r->kind) {
    case SYNC_R_FILE: {
        /* path (txtfilereader, hdfsreader, ftpreader), or object
         * (ossreader): a string or an array of patterns */
        const char *pkey = get(par, "path") ? "path"
                           : get(par, "object") ? "object"
                                                : "path";
        if (get_strs(par, pkey, sub, &r->paths, &r->npaths, err) != 0)
            return -1;
        if (r->npaths == 0 || r->paths[0][0] == '\0')
            return hf_error_set(err, HF_ERR_USAGE, "%s.%s: required", sub,
                                pkey);
        /* ossreader: an object is relative to its bucket; a bucket that
         * is a local directory is where the objects are */
        char *bucket = NULL;
        if (strcmp(pkey, "object") == 0 &&
            get_str(par, "bucket", sub, &bucket, err) != 0)
            return -1;
        if (bucket && bucket[0] == '/')
            for (size_t i = 0; i < r->npaths; i++) {
                if (r->paths[i][0] == '/')
                    continue;
                size_t len = strlen(bucket) + strlen(r->paths[i]) + 2;
                char *full = malloc(len);
                if (full == NULL) {
                    free(bucket);
                    return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
                }
                snprintf(full, len, "%s/%s", bucket, r->paths[i]);
                free(r->paths[i]);
                r->paths[i] = full;
            }
        free(bucket);
        for (size_t i = 0; i < r->npaths; i++)
            if (r->paths[i][0] == '\0' || strchr(r->paths[i], '\n'))
                return hf_error_set(err, HF_ERR_USAGE,
                                    "%s.%s[%zu]: an empty path", sub, pkey,
                                    i);
        const char *tkey = get(par, "fileType") ? "fileType" : "fileFormat";
        if (get_str(par, tkey, sub, &r->file_type, err) != 0 ||
            get_str(par, "fieldDelimiter", sub, &r->delim, err) != 0 ||
            get_str(par, "compress", sub, &r->compress, err) != 0 ||
            get_str(par, "encoding", sub, &r->encoding, err) != 0 ||
            get_str(par, "nullFormat", sub, &r->null_format, err) != 0 ||
            get_bool(par, "skipHeader", sub, &r->skip_header, err) != 0)
            return -1;
        if (r->file_type == NULL || r->file_type[0] == '\0') {
            free(r->file_type);
            r->file_type = strdup("csv");
        }
        for (char *p = r->file_type; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        if (strcmp(r->file_type, "textfile") == 0)
            r->file_type[4] = '\0'; /* Hive's name for text */
        for (int i = 0; file_types_refused[i]; i++)
            if (strcmp(r->file_type, file_types_refused[i]) == 0)
                return hf_error_set(err, HF_ERR_UNSUPPORTED,
                                    "%s.%s: '%s' is not available in "
                                    "holoflow (it reads csv, text, json and "
                                    "avro files); convert the files to one "
                                    "of those",
                                    sub, tkey, r->file_type);
        if (strcmp(r->file_type, "csv") != 0 &&
            strcmp(r->file_type, "text") != 0 &&
            strcmp(r->file_type, "json") != 0 &&
            strcmp(r->file_type, "avro") != 0)
            return hf_error_set(err, HF_ERR_UNSUPPORTED,
                                "%s.%s: '%s' is not available; "
                                "available: csv, text, json, avro",
                                sub, tkey, r->file_type);
        if (r->compress && (r->compress[0] == '\0' ||
                            strcasecmp(r->compress, "none") == 0)) {
            free(r->compress);
            r->compress = NULL;
        }
        if (r->compress && strcasecmp(r->compress, "gzip") != 0)
            return hf_error_set(err, HF_ERR_UNSUPPORTED,
                                "%s.compress: '%s' is not available in "
                                "holoflow; available: gzip (decompress the "
                                "files, or recompress them with gzip)",
                                sub, r->compress);
        if (r->encoding && (r->encoding[0] == '\0' ||
                            strcasecmp(r->encoding, "utf-8") == 0 ||
                            strcasecmp(r->encoding, "utf8") == 0)) {
            free(r->encoding);
            r->encoding = NULL;
        }
        if (r->encoding && !sync_charset_ok(r->encoding))
            return hf_error_set(err, HF_ERR_UNSUPPORTED,
                                "%s.encoding: '%s' is not a character set "
                                "holoflow can convert from (e.g. UTF-8, "
                                "GBK, GB18030, BIG5, ISO-8859-1)",
                                sub, r->encoding);
        if (r->delim) {
            if (strcmp(r->delim, "\\t") == 0)
                r->delim[0] = '\t', r->delim[1] = '\0';
            else if (strcmp(r->delim, "\\u0001") == 0 ||
                     strcmp(r->delim, "\\001") == 0)
                r->delim[0] = '\001', r->delim[1] = '\0';
            if (strlen(r->delim) != 1)
                return hf_error_set(err, HF_ERR_UNSUPPORTED,
                                    "%s.fieldDelimiter: '%s': holoflow "
                                    "reads a delimiter of one character "
                                    "(DataX allows several)",
                                    sub, r->delim);
        }
        if (parse_csv_config(get(par, "csvReaderConfig"), sub, r, err) != 0)
            return -1;
        return parse_cols(par, sub, true, r, err);
    }
    case SYNC_R_DB:
        r->plugin = "db";
        /* every table of every connection[] entry (DataX: sharded tables,
         * read into one writer), or every querySql, which replaces table,
         * column and where */
        {
            struct sync_conn *list;
            char **qs;
            size_t nsrc;
            if (parse_conns(par, sub, true, &list, &qs, &nsrc, err) != 0)
                return -1;
            r->conn = list[0];
            r->query = qs[0];
            r->nmore = nsrc - 1;
            if (r->nmore) {
                r->more = calloc(r->nmore, sizeof *r->more);
                r->more_query = calloc(r->nmore, sizeof *r->more_query);
                if (r->more == NULL || r->more_query == NULL) {
                    for (size_t i = 1; i < nsrc; i++) {
                        conn_free(&list[i]);
                        free(qs[i]);
                    }
                    r->nmore = 0;
                    free(list);
                    free(qs);
                    return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
                }
                for (size_t i = 1; i < nsrc; i++) {
                    r->more[i - 1] = list[i];
                    r->more_query[i - 1] = qs[i];
                }
            }
            free(list);
            free(qs);
            for (size_t i = 0; i < r->nmore; i++)
                if ((r->more_query[i] == NULL) != (r->query == NULL))
                    return hf_error_set(err, HF_ERR_USAGE,
                                        "%s: every connection reads tables "
                                        "or every one querySql, not both",
                                        sub);
        }
        if (get_str(par, "where", sub, &r->where, err) != 0 ||
            get_str(par, "splitPk", sub, &r->split_pk, err) != 0 ||
            get_int(par, "fetchSize", sub, 0, &n, err) != 0)
            return -1;
        char *rpart = NULL;
        if (get_str(par, "partition", sub, &rpart, err) != 0)
            return -1;
        if (rpart && rpart[0]) {
            /* DataWorks' Hologres reader: one partition, "col=value" */
            char *eq = strchr(rpart, '=');
            if (eq == NULL || eq == rpart || strchr(rpart, ',') ||
                strchr(rpart, '/')) {
                free(rpart);
                return hf_error_set(err, HF_ERR_USAGE,
                                    "%s.partition: expected one "
                                    "\"column=value\"",
                                    sub);
            }
            r->part_col = strndup(rpart, (size_t)(eq - rpart));
            r->part_value = strdup(eq + 1);
        }
        free(rpart);
        if (r->split_pk && r->split_pk[0] == '\0') { /* "" = none */
            free(r->split_pk);
            r->split_pk = NULL;
        }
        if (r->where) {
            /* one expression, in holoflow's dialect; never spliced as
             * SQL text (DataX splices it into its SELECT) */
            const char *w = r->where;
            while (isspace((unsigned char)*w))
                w++;
            char *x = NULL;
            char wpath[600];
            snprintf(wpath, sizeof wpath, "%s.where", sub);
            if (*w != '\0' && r->query == NULL &&
                sync_pg_expr(w, wpath, &x, err) != 0)
                return -1;
            free(r->where);
            r->where = x; /* NULL: empty, the whole table (DataX) */
        }
        if (n < 0 || n > 1000000)
            return hf_error_set(err, HF_ERR_USAGE,
                                "%s.fetchSize: %lld is out of range (1 to "
                                "1000000)",
                                sub, (long long)n);
        r->fetch_size = (int)n;
        if (r->where && r->query == NULL && check_where(r->where, sub, err) != 0)
            return -1;
        if (r->query) { /* the query's columns, in order */
            free(r->where);
            r->where = NULL;
            if (r->conn.table == NULL)
                r->conn.table = strdup("hf_query");
            for (size_t i = 0; i < r->nmore; i++)
                if (r->more[i].table == NULL &&
                    (r->more[i].table = strdup("hf_query")) == NULL)
                    return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
            r->star = true;
            return r->conn.table ? 0
                                 : hf_error_set(err, HF_ERR_NOMEM,
                                                "out of memory");
        }
        return parse_cols(par, sub, false, r, err);
    case SYNC_R_STREAM:
        if (get_int(par, "sliceRecordCount", sub, 1, &r->slice_records,
                    err) != 0)
            return -1;
        if (r->slice_records < 0)
            return hf_error_set(err, HF_ERR_USAGE,
                                "%s.sliceRecordCount: %lld is negative", sub,
                                (long long)r->slice_records);
        if (parse_cols(par, sub, false, r, err) != 0)
            return -1;
        for (size_t i = 0; i < r->ncols; i++)
            if (r->cols[i].kind != SYNC_COL_CONST)
                return hf_error_set(err, HF_ERR_USAGE,
                                    "%s.column[%zu]: streamreader columns "
                                    "are {\"value\": V, \"type\": T}",
                                    sub, i);
        return 0;
    }
    return 0;
}

/* ------------------------------------------------------------ writer */

static int parse_writer(const char *name, const char *name_where,
                        json_object *par, const char *where,
                        struct sync_writer *w, struct hf_error *err)
{
    char sub[512];
    snprintf(sub, sizeof sub, "%s.parameter", where);
    if (strcasecmp(name, "hologresjdbcwriter") == 0 ||
        strcasecmp(name, "hologreswriter") == 0 ||
        strcasecmp(name, "holo") == 0)
        w->kind = SYNC_W_HOLO;
    else if (strcasecmp(name, "postgresqlwriter") == 0 ||
             strcasecmp(name, "postgresql") == 0)
        w->kind = SYNC_W_PG;
    else
        return hf_error_set(err, HF_ERR_UNSUPPORTED,
                            "%s: writer '%s' is not available in holoflow; "
                            "available writers: %s",
                            name_where, name, writers_avail);
    if (par == NULL || !json_object_is_type(par, json_type_object))
        return hf_error_set(err, HF_ERR_USAGE, "%s: required object", sub);
    if (parse_conn(par, sub, &w->conn, err) != 0)
        return -1;
    if (get(par, "schema") && strchr(w->conn.table, '.') == NULL) {
        char *schema = NULL;
        if (get_str(par, "schema", sub, &schema, err) != 0)
            return -1;
        size_t len = strlen(schema) + strlen(w->conn.table) + 2;
        char *t = malloc(len);
        if (t == NULL) {
            free(schema);
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        }
        snprintf(t, len, "%s.%s", schema, w->conn.table);
        free(schema);
        free(w->conn.table);
        w->conn.table = t;
    }
    if (get_strs(par, "column", sub, &w->cols, &w->ncols, err) != 0)
        return -1;
    if (w->ncols == 0) /* required by DataX's and DataWorks' writers */
        return hf_error_set(err, HF_ERR_USAGE,
                            "%s.column: required (the target's columns, "
                            "or [\"*\"] for all of them)",
                            sub);
    for (size_t i = 0; i < w->ncols; i++) {
        unquote_ident(w->cols[i]); /* "Name": that exact name */
        if (w->cols[i][0] == '\0')
            return hf_error_set(err, HF_ERR_USAGE,
                                "%s.column[%zu]: an empty column name", sub,
                                i);
    }
    if (w->ncols == 0 || (w->ncols == 1 && strcmp(w->cols[0], "*") == 0))
        w->star = true;
    /* Conflict action: DataX's hologresjdbcwriter calls it writeMode
     * (REPLACE default), DataWorks' holo writer conflictMode (with writeMode
     * insert | sdk, the protocol). postgresqlwriter has none (DataX rejects
     * writeMode there). */
    char *wm = NULL, *cm = NULL;
    if (get_str(par, "writeMode", sub, &wm, err) != 0 ||
        get_str(par, "conflictMode", sub, &cm, err) != 0) {
        free(wm);
        return -1;
    }
    /* writeMode insert | sdk | copy is the protocol (DataWorks), not a
     * conflict action; holoflow loads with COPY whichever is named */
    bool wm_protocol = wm && (strcasecmp(wm, "insert") == 0 ||
                              strcasecmp(wm, "sdk") == 0 ||
                              strcasecmp(wm, "copy") == 0);
    const char *mode = cm;
    const char *mode_key = "conflictMode";
    if (mode == NULL && wm && !wm_protocol) {
        mode = wm;
        mode_key = "writeMode";
    }
    /* holo-client's own spellings (INSERT_OR_REPLACE, InsertOrReplace)
     * name the same three actions */
    if (mode && strncasecmp(mode, "insert_or_", 10) == 0)
        mode += 10;
    else if (mode && strncasecmp(mode, "insertor", 8) == 0)
        mode += 8;
    int rc = 0;
    if (w->kind == SYNC_W_PG && (cm || (wm && strcasecmp(wm, "insert") != 0 &&
                                        strcasecmp(wm, "copy") != 0)))
        rc = hf_error_set(err, HF_ERR_USAGE,
                          "%s.%s: '%s': postgresqlwriter has no conflict "
                          "action (DataX rejects writeMode there; "
                          "DataWorks' takes insert or copy): it inserts, "
                          "and a conflicting key is a dirty record; use "
                          "hologresjdbcwriter for replace/update/ignore",
                          sub, cm ? "conflictMode" : "writeMode",
                          cm ? cm : wm);
    else if (w->kind == SYNC_W_PG)
        w->conflict = NULL;
    else if (mode == NULL)
        w->conflict = cm == NULL && wm == NULL ? "INSERT_OR_REPLACE"
                                               : "INSERT_OR_IGNORE";
    else if (strcasecmp(mode, "replace") == 0)
        w->conflict = "INSERT_OR_REPLACE";
    else if (strcasecmp(mode, "update") == 0)
        w->conflict = "INSERT_OR_UPDATE";
    else if (strcasecmp(mode, "ignore") == 0)
        w->conflict = "INSERT_OR_IGNORE";
    else
        rc = hf_error_set(err, HF_ERR_USAGE,
                          "%s.%s: '%s' is not replace, update or ignore", sub,
                          mode_key, mode);
    free(wm);
    free(cm);
    if (rc != 0)
        return -1;
    char *part = NULL;
    int64_t n;
    if (get_bool(par, "truncate", sub, &w->truncate, err) != 0 ||
        get_str(par, "partition", sub, &part, err) != 0)
        return -1;
    if (part && part[0]) {
        char *eq = strchr(part, '=');
        if (eq == NULL || eq == part) {
            free(part);
            return hf_error_set(err, HF_ERR_USAGE,
                                "%s.partition: expected \"column=value\"",
                                sub);
        }
        w->part_col = strndup(part, (size_t)(eq - part));
        w->part_value = strdup(eq + 1);
    }
    free(part);
    if (get_strs(par, "preSql", sub, &w->pre_sql, &w->npre, err) != 0 ||
        get_strs(par, "postSql", sub, &w->post_sql, &w->npost, err) != 0 ||
        get_int(par, "batchSize", sub, 0, &n, err) != 0)
        return -1;
    if (n < 0 || n > 10000000)
        return hf_error_set(err, HF_ERR_USAGE,
                            "%s.batchSize: %lld is out of range", sub,
                            (long long)n);
    w->batch_size = (int)n;
    if (get_int(par, "maxConnectionCount", sub, 0, &n, err) != 0)
        return -1;
    if (n < 0 || n > 64)
        return hf_error_set(err, HF_ERR_USAGE,
                            "%s.maxConnectionCount: %lld is out of range (1 "
                            "to 64)",
                            sub, (long long)n);
    w->max_conn = (int)n;
    json_object *client = get(par, "client");
    if (client && get(client, "writeThreadSize") && w->max_conn == 0) {
        if (get_int(client, "writeThreadSize", "client", 0, &n, err) != 0)
            return -1;
        if (n >= 1 && n <= 64)
            w->max_conn = (int)n;
    }
    return 0;
}

/* ------------------------------------------------------------ settings */

static int parse_settings_datax(json_object *root, json_object *setting,
                                struct sync_job *j, struct hf_error *err)
{
    json_object *speed = get(setting, "speed");
    int64_t ch, byte, rec;
    if (get_int(speed, "channel", "job.setting.speed", 1, &ch, err) != 0 ||
        get_int(speed, "byte", "job.setting.speed", -1, &byte, err) != 0 ||
        get_int(speed, "record", "job.setting.speed", -1, &rec, err) != 0)
        return -1;
    json_object *cs = get(get(get(get(root, "core"), "transport"), "channel"),
                          "speed");
    int64_t cbyte, crec;
    if (get_int(cs, "byte", "core.transport.channel.speed", -1, &cbyte,
                err) != 0 ||
        get_int(cs, "record", "core.transport.channel.speed", -1, &crec,
                err) != 0)
        return -1;
    int64_t n = -1;
    if (byte > 0) {
        if (cbyte <= 0)
            return hf_error_set(err, HF_ERR_USAGE,
                                "job.setting.speed.byte: a total byte limit "
                                "needs the per-channel limit "
                                "core.transport.channel.speed.byte (DataX "
                                "derives the channel count from both)");
        n = byte / cbyte;
        j->byte_speed = byte;
    }
    if (rec > 0) {
        if (crec <= 0)
            return hf_error_set(err, HF_ERR_USAGE,
                                "job.setting.speed.record: a total record "
                                "limit needs the per-channel limit "
                                "core.transport.channel.speed.record");
        int64_t m = rec / crec;
        n = n < 0 || m < n ? m : n;
        j->record_speed = rec;
    }
    if (n < 0)
        n = ch;
    if (n < 1)
        n = 1;
    if (n > 64)
        return hf_error_set(err, HF_ERR_USAGE,
                            "job.setting.speed: %lld channels; holoflow runs "
                            "at most 64",
                            (long long)n);
    j->channel = (int)n;
    json_object *el = get(setting, "errorLimit");
    if (get_int(el, "record", "job.setting.errorLimit", -1, &j->err_record,
                err) != 0)
        return -1;
    json_object *pct = get(el, "percentage");
    if (pct) {
        j->err_pct = json_object_get_double(pct);
        if (!(j->err_pct >= 0.0 && j->err_pct <= 1.0))
            return hf_error_set(err, HF_ERR_USAGE,
                                "job.setting.errorLimit.percentage: %s is "
                                "not in [0.0, 1.0]",
                                json_object_get_string(pct));
    }
    return 0;
}

static int parse_settings_dw(json_object *setting, struct sync_job *j,
                             struct hf_error *err)
{
    json_object *speed = get(setting, "speed");
    int64_t ch, mbps;
    bool throttle = false;
    if (get_int(speed, "concurrent", "setting.speed", 1, &ch, err) != 0 ||
        get_int(speed, "mbps", "setting.speed", -1, &mbps, err) != 0 ||
        get_bool(speed, "throttle", "setting.speed", &throttle, err) != 0)
        return -1;
    if (ch < 1 || ch > 64)
        return hf_error_set(err, HF_ERR_USAGE,
                            "setting.speed.concurrent: %lld is out of range "
                            "(1 to 64)",
                            (long long)ch);
    j->channel = (int)ch;
    if (throttle && mbps > INT64_MAX / (1024 * 1024))
        return hf_error_set(err, HF_ERR_USAGE,
                            "setting.speed.mbps: %lld MiB/s is out of range "
                            "(at most %lld)",
                            (long long)mbps,
                            (long long)(INT64_MAX / (1024 * 1024)));
    if (throttle && mbps > 0)
        j->byte_speed = mbps * 1024 * 1024;
    if (get_int(get(setting, "errorLimit"), "record", "setting.errorLimit",
                -1, &j->err_record, err) != 0)
        return -1;
    return 0;
}

/* ------------------------------------------------------------ entry */

/* Prefix err with FILE:LINE:COL of the JSON path its message starts with
 * ("job.content[0].reader.parameter.path: required"), or with FILE when
 * it names none that is in the file. */
/* The keys docs/sync.md lists as accepted and ignored are looked up here,
 * so sync_unused.c warns only about the others: DataWorks' datasource and
 * envType on every step; on file readers the keys that say where the files
 * are on another system (they are read from the local filesystem); on
 * writers every client.* key (client.writeThreadSize is the one used). */
static void accept_documented(json_object *par, bool file_reader,
                              bool writer)
{
    static const char *const any[] = {"datasource", "envType", NULL};
    static const char *const files[] = {
        "defaultFS", "hadoopConfig", "haveKerberos", "endpoint", "accessId",
        "accessKey", "bucket", "protocol", "host", "port", "username",
        "password", "connectPattern", "timeout", NULL};
    if (par == NULL || !json_object_is_type(par, json_type_object))
        return;
    for (int i = 0; any[i]; i++)
        get(par, any[i]);
    if (file_reader) {
        for (int i = 0; files[i]; i++)
            get(par, files[i]);
        json_object_object_foreach(par, k, v)
        {
            if (strncmp(k, "kerberos", 8) == 0 && v)
                sync_json_note_read(v);
        }
    }
    json_object *client = writer ? get(par, "client") : NULL;
    if (client && json_object_is_type(client, json_type_object)) {
        json_object_object_foreach(client, k, v)
        {
            (void)k;
            if (v)
                sync_json_note_read(v);
        }
    }
}

static void locate_error(struct hf_error *err, const char *file,
                         const char *text, size_t len)
{
    const char *m = err->msg;
    size_t n = strcspn(m, ": ");
    int line, col;
    if (n > 0 && n < 400 && m[n] == ':' && m[n + 1] == ' ') {
        char jpath[400];
        memcpy(jpath, m, n);
        jpath[n] = '\0';
        if (sync_json_locate(text, len, jpath, &line, &col) == 0) {
            hf_error_prefix(err, "%s:%d:%d: ", file, line, col);
            return;
        }
    }
    hf_error_prefix(err, "%s: ", file);
}

int sync_job_parse(const char *path, const char *const *params,
                   size_t nparams, struct sync_job *j, struct hf_error *err)
{
    memset(j, 0, sizeof *j);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return hf_error_set(err, HF_ERR_USAGE, "%s: cannot open: %s", path,
                            strerror(errno));
    struct hf_strbuf b;
    hf_strbuf_init(&b, 1u << 30);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        hf_strbuf_append(&b, buf, n);
    int bad = ferror(f);
    fclose(f);
    int rc;
    if (bad)
        rc = hf_error_set(err, HF_ERR_USAGE, "%s: cannot read", path);
    else if (!hf_strbuf_ok(&b))
        rc = hf_error_set(err, HF_ERR_NOMEM, "%s: out of memory", path);
    else
        rc = sync_job_parse_text(path, b.data ? b.data : "", b.len, params,
                                 nparams, j, err);
    hf_strbuf_free(&b);
    return rc;
}

int sync_job_parse_text(const char *path, const char *text, size_t len,
                        const char *const *params, size_t nparams,
                        struct sync_job *j, struct hf_error *err)
{
    memset(j, 0, sizeof *j);
    j->err_record = -1;
    j->err_pct = -1;
    j->channel = 1;
    for (size_t i = 0; i < nparams; i++)
        if (strchr(params[i], '=') == NULL || params[i][0] == '=')
            return hf_error_set(err, HF_ERR_USAGE,
                                "-p %s: expected NAME=VALUE", params[i]);
    if ((j->path = strdup(path)) == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    json_object *root = sync_json_load(path, text, len, err);
    if (root == NULL) {
        sync_job_free(j);
        return -1;
    }
    sync_json_note_begin();
    struct hf_strbuf tmp;
    hf_strbuf_init(&tmp, 1u << 20);
    int rc = subst_tree(root, "", params, nparams, &tmp, err);
    hf_strbuf_free(&tmp);
    char where[256];
    json_object *rd = NULL, *wr = NULL, *rpar = NULL, *wpar = NULL;
    const char *rname = NULL, *wname = NULL;
    char rwhere[256], wwhere[256];
    if (rc != 0)
        goto out;
    json_object *job = get(root, "job");
    json_object *steps = get(root, "steps");
    if (job) {
        if (parse_settings_datax(root, get(job, "setting"), j, err) != 0)
            goto fail;
        json_object *content = get(job, "content");
        if (content == NULL || !json_object_is_type(content, json_type_array) ||
            json_object_array_length(content) == 0) {
            hf_error_set(err, HF_ERR_USAGE,
                         "job.content: required, an array of {reader, "
                         "writer}");
            goto fail;
        }
        if (json_object_array_length(content) > 1) {
            hf_error_set(err, HF_ERR_UNSUPPORTED,
                         "job.content: holoflow runs one reader/writer pair "
                         "per job, got %zu",
                         json_object_array_length(content));
            goto fail;
        }
        json_object *c0 = json_object_array_get_idx(content, 0);
        rd = get(c0, "reader");
        wr = get(c0, "writer");
        snprintf(rwhere, sizeof rwhere, "job.content[0].reader");
        snprintf(wwhere, sizeof wwhere, "job.content[0].writer");
        if (rd == NULL || wr == NULL) {
            hf_error_set(err, HF_ERR_USAGE, "job.content[0]: needs reader "
                                            "and writer");
            goto fail;
        }
        json_object *n = get(rd, "name");
        rname = n ? json_object_get_string(n) : NULL;
        n = get(wr, "name");
        wname = n ? json_object_get_string(n) : NULL;
        rpar = get(rd, "parameter");
        wpar = get(wr, "parameter");
    } else if (steps) {
        j->dataworks = true;
        if (parse_settings_dw(get(root, "setting"), j, err) != 0)
            goto fail;
        size_t n = json_object_is_type(steps, json_type_array)
                       ? json_object_array_length(steps)
                       : 0;
        for (size_t i = 0; i < n; i++) {
            json_object *s = json_object_array_get_idx(steps, i);
            json_object *cat = get(s, "category"), *st = get(s, "stepType");
            const char *c = cat ? json_object_get_string(cat) : "";
            if (strcmp(c, "reader") == 0 && rd == NULL) {
                rd = s;
                rname = st ? json_object_get_string(st) : NULL;
                rpar = get(s, "parameter");
                snprintf(rwhere, sizeof rwhere, "steps[%zu]", i);
            } else if (strcmp(c, "writer") == 0 && wr == NULL) {
                wr = s;
                wname = st ? json_object_get_string(st) : NULL;
                wpar = get(s, "parameter");
                snprintf(wwhere, sizeof wwhere, "steps[%zu]", i);
            } else {
                hf_error_set(err, HF_ERR_UNSUPPORTED,
                             "steps[%zu].category: '%s': holoflow runs one "
                             "reader and one writer",
                             i, c);
                goto fail;
            }
        }
        if (rd == NULL || wr == NULL) {
            hf_error_set(err, HF_ERR_USAGE,
                         "steps: needs one step of category reader and one "
                         "of category writer");
            goto fail;
        }
    } else {
        hf_error_set(err, HF_ERR_USAGE,
                     "%s: neither a DataX job (\"job\") nor a DataWorks "
                     "script (\"steps\")",
                     path);
        goto fail;
    }
    if (rname == NULL) {
        hf_error_set(err, HF_ERR_USAGE, "%s: no reader name", rwhere);
        goto fail;
    }
    if (wname == NULL) {
        hf_error_set(err, HF_ERR_USAGE, "%s: no writer name", wwhere);
        goto fail;
    }
    snprintf(where, sizeof where, "%s", rwhere);
    {
        char nw[300];
        snprintf(nw, sizeof nw, "%s.%s", rwhere,
                 j->dataworks ? "stepType" : "name");
        if (parse_reader(rname, nw, rpar, where, &j->r, err) != 0)
            goto fail;
        snprintf(nw, sizeof nw, "%s.%s", wwhere,
                 j->dataworks ? "stepType" : "name");
        if (parse_writer(wname, nw, wpar, wwhere, &j->w, err) != 0)
            goto fail;
    }
    accept_documented(rpar, j->r.kind == SYNC_R_FILE, false);
    accept_documented(wpar, false, true);
    {
        char pw[300], what[300];
        snprintf(pw, sizeof pw, "%s.parameter", rwhere);
        snprintf(what, sizeof what, "reader '%s'", rname);
        sync_json_warn_unread(rpar, pw, what, path, text, len);
        snprintf(pw, sizeof pw, "%s.parameter", wwhere);
        snprintf(what, sizeof what, "writer '%s'", wname);
        sync_json_warn_unread(wpar, pw, what, path, text, len);
    }
    sync_json_note_end();
    json_object_put(root);
    return 0;
fail:
    rc = -1;
out:
    sync_json_note_end();
    json_object_put(root);
    if (rc != 0) {
        locate_error(err, path, text, len);
        sync_job_free(j);
    }
    return rc;
}

static void conn_free(struct sync_conn *c)
{
    free(c->schema);
    free(c->host);
    free(c->port);
    free(c->db);
    free(c->user);
    free(c->password);
    free(c->table);
}

static void strs_free(char **s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(s[i]);
    free(s);
}

/* ------------------------------------------------------------ shards */

int sync_job_shard(struct sync_job *j, uint32_t index, uint32_t count,
                   struct hf_error *err)
{
    if (count <= 1) {
        j->shard_index = 0;
        j->shard_count = 1;
        return 0;
    }
    /* Each shard is its own process and its own load transaction: what
     * one of them does to the whole table would undo what another
     * already committed, or run N times. */
    if (j->w.truncate)
        return hf_error_set(
            err, HF_ERR_USAGE,
            "--shard %u/%u: the writer's truncate cannot be sharded (each "
            "shard commits on its own, so one shard's truncate would delete "
            "rows another shard already loaded); empty the target once "
            "before starting the shards, and drop truncate from the job",
            index, count);
    if (j->w.npre > 0 || j->w.npost > 0)
        return hf_error_set(
            err, HF_ERR_USAGE,
            "--shard %u/%u: the writer's %s would run once in every shard, "
            "unordered with the other shards' loads; run it once outside "
            "the sharded sync and drop it from the job",
            index, count, j->w.npre > 0 ? "preSql" : "postSql");
    if (j->r.kind == SYNC_R_STREAM)
        return hf_error_set(err, HF_ERR_USAGE,
                            "--shard %u/%u: reader '%s' has no splits to "
                            "share out (files and database tables do)",
                            index, count, j->r.plugin);
    j->shard_index = index;
    j->shard_count = count;
    return 0;
}

void sync_job_free(struct sync_job *j)
{
    if (j == NULL)
        return;
    free(j->path);
    free(j->load_key);
    struct sync_reader *r = &j->r;
    strs_free(r->paths, r->npaths);
    free(r->encoding);
    free(r->file_type);
    free(r->delim);
    free(r->compress);
    free(r->null_format);
    free(r->where);
    free(r->query);
    free(r->split_pk);
    free(r->part_col);
    free(r->part_value);
    conn_free(&r->conn);
    for (size_t i = 0; i < r->nmore; i++) {
        conn_free(&r->more[i]);
        free(r->more_query[i]);
    }
    free(r->more);
    free(r->more_query);
    for (size_t i = 0; i < r->ncols; i++) {
        free(r->cols[i].name);
        free(r->cols[i].value);
        free(r->cols[i].type);
        free(r->cols[i].format);
        free(r->cols[i].expr);
    }
    free(r->cols);
    struct sync_writer *w = &j->w;
    conn_free(&w->conn);
    strs_free(w->cols, w->ncols);
    free(w->part_col);
    free(w->part_value);
    strs_free(w->pre_sql, w->npre);
    strs_free(w->post_sql, w->npost);
    memset(j, 0, sizeof *j);
}
