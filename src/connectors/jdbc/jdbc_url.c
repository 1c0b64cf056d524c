/*
 * jdbc_url.c - parsing the 'url' option of the jdbc connector, a
 * PostgreSQL JDBC URL in pgjdbc's syntax:
 *
 *   jdbc:postgresql:database
 *   jdbc:postgresql:/                       (database = the user's name)
 *   jdbc:postgresql://host[:port]/[database][?param=value[&...]]
 *   jdbc:postgresql://[ipv6]:port/database
 *
 * Parameter names are case-sensitive as in pgjdbc; names and values are
 * percent-decoded. user, password, ssl, sslmode, sslrootcert and
 * currentSchema mean what they mean to pgjdbc; parameters that only tune
 * the Java driver (prepareThreshold, reWriteBatchedInserts, stringtype,
 * socketTimeout, ...) are accepted without effect and noted; anything
 * else is refused by name: MySQL Connector/J's properties (useSSL,
 * serverTimezone, rewriteBatchedStatements, ...) with a message saying
 * so, and client certificates, several hosts (failover) and the
 * user:password@host form, which holoflow does not support. A URL of
 * another database (jdbc:mysql:, jdbc:oracle:, ...) is refused naming
 * it. Messages show the URL only up to its '?': parameters can hold the
 * password, which is also registered with the scrubber.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "connectors/jdbc/jdbc_int.h"
#include "core/log.h"

/* Java driver tuning: accepted without effect. */
static const char *const inert_params[] = {"ApplicationName",
                                           "applicationName",
                                           "assumeMinServerVersion",
                                           "autosave",
                                           "binaryTransfer",
                                           "binaryTransferDisable",
                                           "binaryTransferEnable",
                                           "cancelSignalTimeout",
                                           "cleanupSavepoints",
                                           "connectTimeout",
                                           "databaseMetadataCacheFields",
                                           "databaseMetadataCacheFieldsMiB",
                                           "defaultRowFetchSize",
                                           "disableColumnSanitiser",
                                           "escapeSyntaxCallMode",
                                           "gssEncMode",
                                           "hideUnprivilegedObjects",
                                           "hostRecheckSeconds",
                                           "loadBalanceHosts",
                                           "logServerErrorDetail",
                                           "logUnclosedConnections",
                                           "loginTimeout",
                                           "maxResultBuffer",
                                           "preferQueryMode",
                                           "prepareThreshold",
                                           "preparedStatementCacheQueries",
                                           "preparedStatementCacheSizeMiB",
                                           "quoteReturningIdentifiers",
                                           "readOnly",
                                           "readOnlyMode",
                                           "reWriteBatchedInserts",
                                           "receiveBufferSize",
                                           "sendBufferSize",
                                           "socketTimeout",
                                           "stringtype",
                                           "targetServerType",
                                           "tcpKeepAlive",
                                           "tcpNoDelay",
                                           "unknownLength",
                                           NULL};

/* pgjdbc parameters holoflow cannot honour: refused, with why. */
static const struct {
    const char *name;
    const char *why;
} refused_params[] = {
    {"sslcert", "client certificates are not supported"},
    {"sslkey", "client certificates are not supported"},
    {"sslpassword", "client certificates are not supported"},
    {"sslfactory", "Java TLS socket factories do not exist here"},
    {"sslhostnameverifier", "Java TLS classes do not exist here"},
    {"sslpasswordcallback", "Java TLS classes do not exist here"},
    {"socketFactory", "Java socket factories do not exist here"},
    {"options", "server startup options are not supported"},
    {"replication", "replication connections are not a table's"},
    {"protocolVersion", "holoflow speaks protocol 3 only"},
    {"jaasApplicationName", "Kerberos (GSSAPI) login is not supported"},
    {"kerberosServerName", "Kerberos (GSSAPI) login is not supported"},
};

/* MySQL Connector/J (and MariaDB) properties people carry over. */
static const char *const mysql_params[] = {"useSSL",
                                           "requireSSL",
                                           "verifyServerCertificate",
                                           "serverTimezone",
                                           "characterEncoding",
                                           "useUnicode",
                                           "rewriteBatchedStatements",
                                           "zeroDateTimeBehavior",
                                           "allowPublicKeyRetrieval",
                                           "autoReconnect",
                                           "useServerPrepStmts",
                                           "cachePrepStmts",
                                           "allowMultiQueries",
                                           "tinyInt1isBit",
                                           "useLegacyDatetimeCode",
                                           "useCursorFetch",
                                           "useAffectedRows",
                                           "connectionTimeZone",
                                           "sessionVariables",
                                           NULL};

/* Sub-protocols of other databases, for the refusal. */
static const struct {
    const char *sub;
    const char *name;
} other_dbs[] = {
    {"mysql", "MySQL"},
    {"mariadb", "MariaDB"},
    {"oracle", "Oracle"},
    {"sqlserver", "SQL Server"},
    {"jtds", "SQL Server (jTDS)"},
    {"db2", "Db2"},
    {"derby", "Derby"},
    {"oceanbase", "OceanBase"},
    {"trino", "Trino"},
    {"crate", "CrateDB"},
    {"clickhouse", "ClickHouse"},
    {"ch", "ClickHouse"},
    {"sqlite", "SQLite"},
    {"h2", "H2"},
    {"hsqldb", "HSQLDB"},
    {"redshift", "Amazon Redshift"},
    {"snowflake", "Snowflake"},
    {"dm", "Dameng"},
    {"kingbase8", "KingbaseES"},
    {"opengauss", "openGauss"},
    {"gaussdb", "GaussDB"},
    {"vertica", "Vertica"},
    {"hive2", "Hive"},
    {"presto", "Presto"},
};

static const char *const sslmode_names[] = {
    [HOLO_SSL_DISABLE] = "disable",     [HOLO_SSL_REQUIRE] = "require",
    [HOLO_SSL_VERIFY_CA] = "verify-ca", [HOLO_SSL_VERIFY_FULL] = "verify-full",
    [HOLO_SSL_PREFER] = "prefer",       [HOLO_SSL_ALLOW] = "allow",
};

#define PREFIX "jdbc:postgresql:"

/* The URL up to its '?', for messages (at most n-1 bytes). */
static const char *shown(const char *url, char *buf, size_t n)
{
    size_t len = strcspn(url, "?");
    if (len >= n)
        len = n - 1;
    memcpy(buf, url, len);
    buf[len] = '\0';
    return buf;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Percent-decode s[0..n) into a new string; NULL on a bad escape (*bad
 * set) or out of memory. */
static char *decode(const char *s, size_t n, bool *bad)
{
    char *out = malloc(n + 1);
    if (out == NULL)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            int a = i + 1 < n ? hexval((unsigned char)s[i + 1]) : -1;
            int b = i + 2 < n ? hexval((unsigned char)s[i + 2]) : -1;
            if (a < 0 || b < 0) {
                free(out);
                *bad = true;
                return NULL;
            }
            int h = a * 16 + b;
            out[o++] = (char)h;
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return out;
}

void jdbc_url_free(struct jdbc_url *u)
{
    if (u == NULL)
        return;
    if (u->password) {
        volatile char *p = u->password;
        while (*p)
            *p++ = '\0';
    }
    free(u->host);
    free(u->dbname);
    free(u->user);
    free(u->password);
    free(u->sslrootcert);
    free(u->current_schema);
    free(u->inert);
    memset(u, 0, sizeof *u);
}

static int set_str(char **dst, const char *v, struct hf_error *err)
{
    free(*dst);
    *dst = strdup(v);
    return *dst ? 0 : hf_error_set(err, HF_ERR_NOMEM, "out of memory");
}

static int add_inert(struct jdbc_url *u, const char *name, struct hf_error *err)
{
    size_t old = u->inert ? strlen(u->inert) : 0;
    char *n = realloc(u->inert, old + strlen(name) + 3);
    if (n == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    size_t len = strlen(name);
    if (old > 0) {
        memcpy(n + old, ", ", 2);
        old += 2;
    }
    memcpy(n + old, name, len + 1);
    u->inert = n;
    return 0;
}

/* One decoded parameter. */
static int take_param(struct jdbc_url *u, const char *url, const char *k,
                      const char *v, bool *ssl_flag, struct hf_error *err)
{
    char sb[256];
    if (strcmp(k, "user") == 0)
        return set_str(&u->user, v, err);
    if (strcmp(k, "password") == 0) {
        if (v[0] != '\0')
            hf_secret_register(v);
        return set_str(&u->password, v, err);
    }
    if (strcmp(k, "sslmode") == 0) {
        for (size_t i = 0; i < sizeof sslmode_names / sizeof *sslmode_names;
             i++)
            if (strcmp(v, sslmode_names[i]) == 0) {
                u->sslmode = (int)i;
                return 0;
            }
        return hf_error_set(err, HF_ERR_OPTION,
                            "option 'url' ('%s...'): sslmode '%s' is not one "
                            "of disable, allow, prefer, require, verify-ca, "
                            "verify-full",
                            shown(url, sb, sizeof sb), v);
    }
    if (strcmp(k, "ssl") == 0) {
        if (v[0] == '\0' || strcasecmp(v, "true") == 0)
            *ssl_flag = true;
        else if (strcasecmp(v, "false") == 0)
            *ssl_flag = false;
        else
            return hf_error_set(err, HF_ERR_OPTION,
                                "option 'url' ('%s...'): ssl '%s' is not "
                                "true or false",
                                shown(url, sb, sizeof sb), v);
        return 0;
    }
    if (strcmp(k, "sslrootcert") == 0)
        return set_str(&u->sslrootcert, v, err);
    if (strcmp(k, "currentSchema") == 0) {
        size_t n = strcspn(v, ",");
        while (n > 0 && isspace((unsigned char)v[n - 1]))
            n--;
        while (n > 0 && isspace((unsigned char)*v)) {
            v++;
            n--;
        }
        free(u->current_schema);
        u->current_schema = n ? strndup(v, n) : NULL;
        if (n && u->current_schema == NULL)
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        return 0;
    }
    for (size_t i = 0; inert_params[i]; i++)
        if (strcmp(k, inert_params[i]) == 0)
            return add_inert(u, k, err);
    for (size_t i = 0; i < sizeof refused_params / sizeof *refused_params; i++)
        if (strcmp(k, refused_params[i].name) == 0)
            return hf_error_set(err, HF_ERR_UNSUPPORTED,
                                "option 'url' ('%s...'): connection parameter "
                                "'%s' is not supported: %s",
                                shown(url, sb, sizeof sb), k,
                                refused_params[i].why);
    for (size_t i = 0; mysql_params[i]; i++)
        if (strcasecmp(k, mysql_params[i]) == 0)
            return hf_error_set(err, HF_ERR_OPTION,
                                "option 'url' ('%s...'): '%s' is a MySQL "
                                "Connector/J property; a PostgreSQL URL does "
                                "not take it (TLS: sslmode=require; time "
                                "zones: holoflow's sessions use UTC)",
                                shown(url, sb, sizeof sb), k);
    return hf_error_set(err, HF_ERR_OPTION,
                        "option 'url' ('%s...'): unknown connection parameter "
                        "'%s'; holoflow takes pgjdbc's user, password, ssl, "
                        "sslmode, sslrootcert and currentSchema, and accepts "
                        "the Java driver's tuning parameters (e.g. "
                        "prepareThreshold, reWriteBatchedInserts) without "
                        "effect",
                        shown(url, sb, sizeof sb), k);
}

static int parse_params(struct jdbc_url *u, const char *url, const char *p,
                        struct hf_error *err)
{
    bool ssl_flag = false, ssl_given = false;
    char sb[256];
    while (*p) {
        size_t n = strcspn(p, "&");
        if (n > 0) {
            const char *eq = memchr(p, '=', n);
            size_t kn = eq ? (size_t)(eq - p) : n;
            bool bad = false;
            char *k = decode(p, kn, &bad);
            char *v = k ? decode(eq ? eq + 1 : p + n, eq ? n - kn - 1 : 0, &bad)
                        : NULL;
            if (k == NULL || v == NULL) {
                free(k);
                free(v);
                if (bad)
                    return hf_error_set(err, HF_ERR_OPTION,
                                        "option 'url' ('%s...'): a bad "
                                        "%%-escape in its parameters",
                                        shown(url, sb, sizeof sb));
                return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
            }
            if (strcmp(k, "ssl") == 0)
                ssl_given = true;
            int rc = take_param(u, url, k, v, &ssl_flag, err);
            if (strcmp(k, "password") == 0) {
                volatile char *q = v;
                while (*q)
                    *q++ = '\0';
            }
            free(k);
            free(v);
            if (rc != 0)
                return -1;
        }
        p += n;
        if (*p == '&')
            p++;
    }
    /* pgjdbc: ssl=true without sslmode verifies the certificate and the
     * host name; ssl=false without sslmode disables TLS. */
    if (u->sslmode < 0 && ssl_given)
        u->sslmode = ssl_flag ? HOLO_SSL_VERIFY_FULL : HOLO_SSL_DISABLE;
    return 0;
}

/* host[:port] or [v6][:port] of the authority a[0..n). */
static int parse_authority(struct jdbc_url *u, const char *url, const char *a,
                           size_t n, struct hf_error *err)
{
    char sb[256];
    const char *hs = a, *he, *port = NULL;
    if (memchr(a, '@', n))
        return hf_error_set(err, HF_ERR_OPTION,
                            "option 'url' ('%s'): user@host is not JDBC URL "
                            "syntax; give the user and password as the "
                            "'username' and 'password' options (or ?user=...)",
                            shown(url, sb, sizeof sb));
    if (memchr(a, ',', n))
        return hf_error_set(err, HF_ERR_UNSUPPORTED,
                            "option 'url' ('%s'): several hosts (pgjdbc's "
                            "failover list) are not supported; name one host",
                            shown(url, sb, sizeof sb));
    if (n > 0 && a[0] == '[') {
        const char *close = memchr(a, ']', n);
        if (close == NULL)
            return hf_error_set(err, HF_ERR_OPTION,
                                "option 'url' ('%s'): '[' of an IPv6 address "
                                "without its ']'",
                                shown(url, sb, sizeof sb));
        hs = a + 1;
        he = close;
        if ((size_t)(close + 1 - a) < n) {
            if (close[1] != ':')
                return hf_error_set(err, HF_ERR_OPTION,
                                    "option 'url' ('%s'): ':port' expected "
                                    "after ']'",
                                    shown(url, sb, sizeof sb));
            port = close + 2;
        }
    } else {
        const char *colon = memchr(a, ':', n);
        he = colon ? colon : a + n;
        if (colon)
            port = colon + 1;
    }
    if (he > hs) {
        u->host = strndup(hs, (size_t)(he - hs));
        if (u->host == NULL)
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    if (port != NULL) {
        size_t pn = (size_t)(a + n - port);
        long v = 0;
        bool ok = pn > 0 && pn <= 5;
        for (size_t i = 0; ok && i < pn; i++) {
            if (!isdigit((unsigned char)port[i]))
                ok = false;
            else
                v = v * 10 + (port[i] - '0');
        }
        if (!ok || v < 1 || v > 65535)
            return hf_error_set(err, HF_ERR_OPTION,
                                "option 'url' ('%s'): the port '%.*s' is not "
                                "a number from 1 to 65535",
                                shown(url, sb, sizeof sb), (int)pn, port);
        u->port = (int)v;
    }
    return 0;
}

int jdbc_url_parse(const char *url, struct jdbc_url *u, struct hf_error *err)
{
    char sb[256];
    memset(u, 0, sizeof *u);
    u->sslmode = -1;
    u->port = 5432;
    if (strncmp(url, PREFIX, strlen(PREFIX)) != 0) {
        if (strncasecmp(url, "jdbc:", 5) == 0) {
            const char *sub = url + 5;
            size_t sn = strcspn(sub, ":/?");
            for (size_t i = 0; i < sizeof other_dbs / sizeof *other_dbs; i++)
                if (strlen(other_dbs[i].sub) == sn &&
                    strncasecmp(sub, other_dbs[i].sub, sn) == 0)
                    return hf_error_set(
                        err, HF_ERR_UNSUPPORTED,
                        "option 'url' ('%s'): %s URLs are not supported: "
                        "holoflow's jdbc connector speaks PostgreSQL only "
                        "('jdbc:postgresql://host:port/database')",
                        shown(url, sb, sizeof sb), other_dbs[i].name);
            if (sn == strlen("postgresql") &&
                strncasecmp(sub, "postgresql", sn) == 0)
                return hf_error_set(err, HF_ERR_OPTION,
                                    "option 'url' ('%s'): the PostgreSQL "
                                    "driver takes 'jdbc:postgresql:' in lower "
                                    "case",
                                    shown(url, sb, sizeof sb));
            return hf_error_set(err, HF_ERR_UNSUPPORTED,
                                "option 'url' ('%s'): no JDBC dialect for "
                                "'jdbc:%.*s:'; holoflow's jdbc connector "
                                "supports PostgreSQL only "
                                "('jdbc:postgresql://host:port/database')",
                                shown(url, sb, sizeof sb), (int)sn, sub);
        }
        bool libpq = strncmp(url, "postgresql://", 13) == 0 ||
                     strncmp(url, "postgres://", 11) == 0;
        return hf_error_set(err, HF_ERR_OPTION,
                            "option 'url' ('%s') is not a JDBC URL: it must "
                            "start with 'jdbc:postgresql:'%s",
                            shown(url, sb, sizeof sb),
                            libpq ? " (this is a libpq URI; the JDBC form is "
                                    "'jdbc:postgresql://host:port/database')"
                                  : "");
    }
    const char *rest = url + strlen(PREFIX);
    const char *q = strchr(rest, '?');
    size_t rn = q ? (size_t)(q - rest) : strlen(rest);
    const char *db = NULL;
    size_t dn = 0;
    if (rn >= 2 && rest[0] == '/' && rest[1] == '/') {
        const char *a = rest + 2;
        const char *slash = memchr(a, '/', rn - 2);
        if (slash == NULL) {
            jdbc_url_free(u);
            return hf_error_set(err, HF_ERR_OPTION,
                                "option 'url' ('%s'): '/database' (or '/') "
                                "must follow the host",
                                shown(url, sb, sizeof sb));
        }
        if (parse_authority(u, url, a, (size_t)(slash - a), err) != 0) {
            jdbc_url_free(u);
            return -1;
        }
        db = slash + 1;
        dn = (size_t)(rest + rn - db);
    } else {
        db = rest[0] == '/' ? rest + 1 : rest;
        dn = (size_t)(rest + rn - db);
    }
    if (memchr(db, '/', dn)) {
        jdbc_url_free(u);
        return hf_error_set(err, HF_ERR_OPTION,
                            "option 'url' ('%s'): the database name cannot "
                            "contain '/'",
                            shown(url, sb, sizeof sb));
    }
    if (dn > 0) {
        bool bad = false;
        u->dbname = decode(db, dn, &bad);
        if (u->dbname == NULL) {
            jdbc_url_free(u);
            return bad ? hf_error_set(err, HF_ERR_OPTION,
                                      "option 'url' ('%s'): a bad %%-escape "
                                      "in the database name",
                                      shown(url, sb, sizeof sb))
                       : hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        }
    }
    if (u->host == NULL && (u->host = strdup("localhost")) == NULL) {
        jdbc_url_free(u);
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    if (q != NULL && parse_params(u, url, q + 1, err) != 0) {
        jdbc_url_free(u);
        return -1;
    }
    return 0;
}
