/*
 * holo_conn.c - one libpq connection to Hologres or PostgreSQL: connect,
 * session setup, dialect detection, error classification, reconnect.
 *
 * Connecting uses PQconnectStartParams with keyword/value arrays, so the
 * password travels only in the `password` keyword: it is never part of a
 * connection string, and no message built here mentions it (messages name
 * the endpoint, database and user only; hf_scrub() masks it again at the
 * terminal as a second line of defence).
 *
 * After the connection is up, the session is set to UTC, ISO dates and
 * exact float text, and the dialect is detected once with
 * `SELECT hg_version()`: it succeeds on Hologres and fails with
 * undefined_function (42883) on PostgreSQL. On Hologres the fixed-plan GUCs
 * follow (reference hologres-connectors.md section 4); an older Hologres
 * that does not know one of them gets a warning, not a failure.
 *
 * TLS needs TCP: a ssl mode other than disable with a Unix-socket endpoint
 * is refused before connecting (holo_config_check_transport), since libpq
 * would skip TLS there without a word. Every connection routes the
 * server's notices and warnings through hf_log (notice_receiver), so they
 * follow --log-format and the scrubber instead of libpq's raw stderr.
 *
 * Errors are sorted into RETRY / DATA / FATAL by SQLSTATE (see
 * holo_classify_sqlstate); a connection in CONNECTION_BAD state is always
 * RETRY. Reconnecting sleeps n x retry-sleep-step-ms before attempt n + 1
 * and stops early on FATAL (wrong password, unknown database, TLS
 * verification failures), because waiting does not fix those.
 *
 * @locality a struct holo_conn is used by one thread at a time.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "connectors/hologres/holo_conn.h"
#include "core/log.h"

/* ------------------------------------------------------------ setup SQL */

static const char *const setup_common[] = {
    "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, MDY'; "
    "SET extra_float_digits = 3",
};

static const char *const setup_hologres[] = {
    "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, MDY'; "
    "SET extra_float_digits = 3",
    "SET hg_experimental_enable_fixed_dispatcher = on",
    "SET hg_experimental_enable_fixed_dispatcher_for_multi_values = on",
    "SET hg_experimental_enable_fixed_dispatcher_for_update = on",
    "SET hg_experimental_enable_fixed_dispatcher_for_delete = on",
    "SET hg_experimental_enable_fixed_dispatcher_for_scan = on",
    "SET hg_experimental_enable_fixed_dispatcher_affected_rows = off",
    "SET hg_experimental_enable_fixed_plan_expression = on",
};

const char *const *holo_conn_setup_sql(bool hologres, size_t *n)
{
    if (hologres) {
        *n = sizeof setup_hologres / sizeof setup_hologres[0];
        return setup_hologres;
    }
    *n = sizeof setup_common / sizeof setup_common[0];
    return setup_common;
}

/* ------------------------------------------------------------ classify */

enum holo_err_class holo_classify_sqlstate(const char *st)
{
    if (st == NULL || strlen(st) != 5)
        return HOLO_ERR_FATAL;
    /* Connection exception; insufficient resources (too many connections,
     * out of memory, disk full). */
    if (strncmp(st, "08", 2) == 0 || strncmp(st, "53", 2) == 0)
        return HOLO_ERR_RETRY;
    static const char *const retry[] = {
        "57P01", /* admin_shutdown */
        "57P02", /* crash_shutdown */
        "57P03", /* cannot_connect_now (starting up) */
        "40001", /* serialization_failure */
        "40P01", /* deadlock_detected */
        "25006", /* read_only_sql_transaction (failover in progress) */
        "55P03", /* lock_not_available */
    };
    for (size_t i = 0; i < sizeof retry / sizeof retry[0]; i++)
        if (strcmp(st, retry[i]) == 0)
            return HOLO_ERR_RETRY;
    /* Data exception (overflow, too long, bad text, bad encoding, datetime
     * out of range...) and integrity constraint violation (NOT NULL,
     * check, unique, foreign key): the rows are at fault. */
    if (strncmp(st, "22", 2) == 0 || strncmp(st, "23", 2) == 0)
        return HOLO_ERR_DATA;
    return HOLO_ERR_FATAL;
}

enum holo_err_class holo_classify_connect_message(const char *msg)
{
    if (msg == NULL)
        return HOLO_ERR_RETRY;
    static const char *const fatal[] = {
        "password authentication failed",
        "authentication failed",
        "no password supplied",
        "no pg_hba.conf entry",
        "pg_hba.conf rejects",
        "does not exist", /* role / database / root certificate file */
        "permission denied",
        "certificate verify failed",
        "does not match host name",
        "server does not support SSL",
        "root certificate",
        "invalid sslmode",
        "invalid connection option",
        "invalid port",
        "SSL error: certificate",
        "unknown ca",
        "bad certificate",
    };
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
        if (strstr(msg, fatal[i]) != NULL)
            return HOLO_ERR_FATAL;
    return HOLO_ERR_RETRY;
}

/* libpq messages end with '\n' and may span lines ("\n\tIs the server
 * running..."): one line, single-spaced, for our messages. */
static void one_line(const char *in, char *out, size_t n)
{
    size_t o = 0;
    bool space = false;
    for (const char *p = in ? in : ""; *p && o + 1 < n; p++) {
        if (*p == '\n' || *p == '\t' || *p == '\r' || *p == ' ') {
            space = o > 0;
            continue;
        }
        if (space && o + 2 < n)
            out[o++] = ' ';
        space = false;
        out[o++] = *p;
    }
    out[o] = '\0';
}

static hf_err_t code_of(enum holo_err_class cls)
{
    switch (cls) {
    case HOLO_ERR_RETRY:
        return HF_ERR_CONNECT;
    case HOLO_ERR_DATA:
        return HF_ERR_DATA;
    default:
        return HF_ERR_SERVER;
    }
}

static void mark(struct hf_error *err, enum holo_err_class cls)
{
    if (cls == HOLO_ERR_RETRY)
        err->retriable = true;
    else if (cls == HOLO_ERR_FATAL)
        err->fatal = true;
}

enum holo_err_class holo_conn_classify(struct holo_conn *c, const PGresult *res,
                                       struct hf_error *err)
{
    bool bad = c == NULL || c->pg == NULL || PQstatus(c->pg) == CONNECTION_BAD;
    if (res == NULL) {
        char msg[HF_ERRMSG_MAX];
        one_line(c && c->pg ? PQerrorMessage(c->pg) : "no connection", msg,
                 sizeof msg);
        enum holo_err_class cls = bad ? HOLO_ERR_RETRY : HOLO_ERR_FATAL;
        if (msg[0] == '\0')
            snprintf(msg, sizeof msg, "%s",
                     bad ? "connection lost" : "no result from the server");
        if (!hf_error_is_set(err)) {
            hf_error_set(err, code_of(cls), "%s", msg);
            mark(err, cls);
        }
        return cls;
    }
    const char *st = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
    const char *column = PQresultErrorField(res, PG_DIAG_COLUMN_NAME);
    char text[HF_ERRMSG_MAX];
    if (primary)
        one_line(primary, text, sizeof text);
    else
        one_line(PQresultErrorMessage(res), text, sizeof text);
    if (text[0] == '\0')
        snprintf(text, sizeof text, "%s", PQresStatus(PQresultStatus(res)));

    enum holo_err_class cls;
    if (bad)
        cls = HOLO_ERR_RETRY;
    else if (st == NULL) /* client-side failure, e.g. a lost connection */
        cls = HOLO_ERR_FATAL;
    else
        cls = holo_classify_sqlstate(st);

    if (!hf_error_is_set(err)) {
        char det[512] = "", full[HF_ERRMSG_MAX];
        if (detail)
            one_line(detail, det, sizeof det);
        /* Truncation of a long server message is acceptable. */
        if (snprintf(full, sizeof full, "%s%s%s%s%s%s%s%s%s", text,
                     st ? " (SQLSTATE " : "", st ? st : "", st ? ")" : "",
                     column ? ", column \"" : "", column ? column : "",
                     column ? "\"" : "", det[0] ? ": " : "", det) < 0)
            full[0] = '\0';
        hf_scrub(full, sizeof full);
        hf_error_set(err, code_of(cls), "%s", full);
        mark(err, cls);
    }
    return cls;
}

/* ------------------------------------------------------------ open/close */

static const char *ssl_mode_name(enum holo_ssl_mode m)
{
    switch (m) {
    case HOLO_SSL_REQUIRE:
        return "require";
    case HOLO_SSL_VERIFY_CA:
        return "verify-ca";
    case HOLO_SSL_VERIFY_FULL:
        return "verify-full";
    case HOLO_SSL_PREFER:
        return "prefer";
    case HOLO_SSL_ALLOW:
        return "allow";
    default:
        return "disable";
    }
}

/* "'host:port'" or the endpoint text, for messages. */
static const char *where(const struct holo_config *cfg)
{
    return cfg->endpoint ? cfg->endpoint : (cfg->host ? cfg->host : "?");
}

/* Server notices and warnings (identifier truncation, "already exists,
 * skipping", deprecations) go through hf_log like every other line, so
 * they respect --log-format json and the secret scrubber; libpq's default
 * processor would print them raw on stderr. WARNING is logged as WARN,
 * NOTICE and INFO as INFO, DEBUG and LOG as DEBUG. `arg` is the
 * connection's holo_config (it outlives the connection; the holo_conn
 * itself may be copied, so it is not the argument). */
static void notice_receiver(void *arg, const PGresult *r)
{
    const struct holo_config *cfg = arg;
    const char *sev = PQresultErrorField(r, PG_DIAG_SEVERITY_NONLOCALIZED);
    if (sev == NULL)
        sev = PQresultErrorField(r, PG_DIAG_SEVERITY);
    const char *primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    const char *detail = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL);
    char msg[HF_ERRMSG_MAX], det[512] = "";
    one_line(primary ? primary : PQresultErrorMessage(r), msg, sizeof msg);
    if (detail)
        one_line(detail, det, sizeof det);
    hf_log_level_t level = HF_LOG_DEBUG;
    if (sev && strcmp(sev, "WARNING") == 0)
        level = HF_LOG_WARN;
    else if (sev && (strcmp(sev, "NOTICE") == 0 || strcmp(sev, "INFO") == 0))
        level = HF_LOG_INFO;
    hf_log(level, "hologres %s: server %s: %s%s%s%s%s%s", where(cfg),
           sev ? sev : "NOTICE", msg, st ? " (SQLSTATE " : "", st ? st : "",
           st ? ")" : "", det[0] ? ": " : "", det);
}

/* How long one connection attempt may take, in all. */
#define HOLO_CONNECT_TIMEOUT_S 10

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Connect with the notice receiver in place before the server's first
 * message: a WARNING sent at session start (a database-level setting with
 * a bad value, a collation version mismatch) would otherwise reach
 * stderr raw. So PQconnectStartParams and PQconnectPoll rather than
 * PQconnectdbParams, waiting for the socket with poll() and giving up
 * after HOLO_CONNECT_TIMEOUT_S (the polling API leaves connect_timeout to
 * the caller). Returns the connection (CONNECTION_OK, or not with
 * PQerrorMessage, or *timed_out), NULL on out of memory. */
static PGconn *connect_logged(const char *const *keys, const char *const *vals,
                              const struct holo_config *cfg, bool *timed_out)
{
    PGconn *pg = PQconnectStartParams(keys, vals, 0);
    if (pg == NULL)
        return NULL;
    PQsetNoticeReceiver(pg, notice_receiver, (void *)cfg);
    if (PQstatus(pg) == CONNECTION_BAD)
        return pg;
    int64_t deadline = mono_ms() + HOLO_CONNECT_TIMEOUT_S * 1000;
    PostgresPollingStatusType st = PGRES_POLLING_WRITING;
    while (st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED) {
        int64_t left = deadline - mono_ms();
        if (left <= 0) {
            *timed_out = true;
            break;
        }
        /* The socket may change between polls (another address). */
        struct pollfd p = {.fd = PQsocket(pg),
                           .events =
                               st == PGRES_POLLING_READING ? POLLIN : POLLOUT};
        int rc = p.fd < 0 ? 1 : poll(&p, 1, (int)left);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc == 0) {
            *timed_out = true;
            break;
        }
        /* Ready, or no socket, or poll() failed: PQconnectPoll finds out
         * which, and says why in PQerrorMessage when it fails. */
        st = PQconnectPoll(pg);
    }
    return pg;
}

void holo_conn_close(struct holo_conn *c)
{
    if (c == NULL)
        return;
    if (c->pg)
        PQfinish(c->pg);
    c->pg = NULL;
    free(c->hg_version);
    c->hg_version = NULL;
    c->hologres = false;
    c->server_version = 0;
}

int holo_conn_exec(struct holo_conn *c, const char *sql,
                   enum holo_err_class *cls, struct hf_error *err)
{
    if (cls)
        *cls = HOLO_OK;
    PGresult *r = PQexec(c->pg, sql);
    ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (r && (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK)) {
        PQclear(r);
        return 0;
    }
    enum holo_err_class k = holo_conn_classify(c, r, err);
    if (cls)
        *cls = k;
    PQclear(r);
    return -1;
}

/* SELECT hg_version(): sets c->hologres and c->hg_version. */
static int detect_dialect(struct holo_conn *c, enum holo_err_class *cls,
                          struct hf_error *err)
{
    PGresult *r = PQexec(c->pg, "SELECT hg_version()");
    if (r && PQresultStatus(r) == PGRES_TUPLES_OK) {
        c->hologres = true;
        if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0)) {
            c->hg_version = strdup(PQgetvalue(r, 0, 0));
            if (c->hg_version == NULL) {
                PQclear(r);
                *cls = HOLO_ERR_FATAL;
                return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
            }
        }
        PQclear(r);
        return 0;
    }
    const char *st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    if (st && strcmp(st, "42883") == 0 && PQstatus(c->pg) == CONNECTION_OK) {
        c->hologres = false; /* undefined_function: PostgreSQL */
        PQclear(r);
        return 0;
    }
    *cls = holo_conn_classify(c, r, err);
    hf_error_prefix(err,
                    "detecting the server dialect at '%s': ", where(c->cfg));
    PQclear(r);
    return -1;
}

int holo_conn_open(struct holo_conn *c, const struct holo_config *cfg,
                   enum holo_err_class *cls, struct hf_error *err)
{
    enum holo_err_class dummy;
    if (cls == NULL)
        cls = &dummy;
    *cls = HOLO_OK;
    c->pg = NULL;
    c->cfg = cfg;
    c->hologres = false;
    c->server_version = 0;
    c->hg_version = NULL;
    c->generation++;
    if (holo_config_check_transport(cfg, err) != 0) {
        *cls = HOLO_ERR_FATAL;
        err->fatal = true;
        return -1;
    }

    const char *keys[16], *vals[16];
    int n = 0;
    char port[16];
#define KW(k, v)                                                               \
    do {                                                                       \
        keys[n] = (k);                                                         \
        vals[n] = (v);                                                         \
        n++;                                                                   \
    } while (0)
    KW("host", cfg->host);
    if (cfg->port > 0) {
        snprintf(port, sizeof port, "%d", cfg->port);
        KW("port", port);
    }
    KW("dbname", cfg->dbname);
    KW("user", cfg->username);
    if (cfg->password && cfg->password[0])
        KW("password", cfg->password);
    KW("sslmode", ssl_mode_name(cfg->ssl_mode));
    if (cfg->ssl_root_cert)
        KW("sslrootcert", cfg->ssl_root_cert);
    KW("application_name", "holoflow");
    KW("client_encoding", "UTF8");
    if (c->startup_options)
        KW("options", c->startup_options);
    if (c->replication)
        KW("replication", c->replication);
    /* Settings from the environment (PGSSLMODE, PGOPTIONS...) must not
     * override the job's: every keyword that matters is given here, and
     * expand_dbname stays off so dbname is a plain name. */
    KW(NULL, NULL);
#undef KW

    bool timed_out = false;
    c->pg = connect_logged(keys, vals, cfg, &timed_out);
    if (c->pg == NULL) {
        *cls = HOLO_ERR_FATAL;
        return hf_error_set(err, HF_ERR_NOMEM,
                            "out of memory connecting to '%s'", where(cfg));
    }
    if (PQstatus(c->pg) != CONNECTION_OK) {
        char msg[HF_ERRMSG_MAX];
        if (timed_out)
            snprintf(msg, sizeof msg, "timeout expired after %d s",
                     HOLO_CONNECT_TIMEOUT_S);
        else
            one_line(PQerrorMessage(c->pg), msg, sizeof msg);
        if (msg[0] == '\0')
            snprintf(msg, sizeof msg, "the connection failed");
        hf_scrub(msg, sizeof msg);
        *cls = holo_classify_connect_message(msg);
        if (PQconnectionNeedsPassword(c->pg))
            *cls = HOLO_ERR_FATAL;
        hf_error_set(err, HF_ERR_CONNECT,
                     "cannot connect to '%s' (database '%s', user '%s', "
                     "sslmode %s): %s",
                     where(cfg), cfg->dbname ? cfg->dbname : "",
                     cfg->username ? cfg->username : "",
                     ssl_mode_name(cfg->ssl_mode), msg);
        mark(err, *cls);
        holo_conn_close(c);
        return -1;
    }
    c->server_version = PQserverVersion(c->pg);

    if (detect_dialect(c, cls, err) != 0) {
        holo_conn_close(c);
        return -1;
    }
    size_t nsql;
    const char *const *sql = holo_conn_setup_sql(c->hologres, &nsql);
    for (size_t i = 0; i < nsql; i++) {
        struct hf_error e;
        hf_error_clear(&e);
        enum holo_err_class k;
        if (holo_conn_exec(c, sql[i], &k, &e) == 0)
            continue;
        if (i == 0 || k == HOLO_ERR_RETRY) {
            /* The common settings are required, and a lost connection is
             * lost whatever we were doing. */
            *cls = k;
            hf_error_set(err, e.code, "setting up the session at '%s' (%s): %s",
                         where(cfg), sql[i], e.msg);
            mark(err, k);
            holo_conn_close(c);
            return -1;
        }
        hf_log_warn("hologres %s: '%s' failed, continuing without it: %s",
                    where(cfg), sql[i], e.msg);
    }
    if (cfg->statement_timeout_ms > 0) {
        char st[64];
        snprintf(st, sizeof st, "SET statement_timeout = %lld",
                 (long long)cfg->statement_timeout_ms);
        if (holo_conn_exec(c, st, cls, err) != 0) {
            hf_error_prefix(
                err, "setting up the session at '%s' (%s): ", where(cfg), st);
            mark(err, *cls);
            holo_conn_close(c);
            return -1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------ retry */

void holo_backoff_sleep(const struct holo_config *cfg, int n)
{
    if (cfg == NULL || n < 1 ||
        cfg->retry_sleep_init_ms + cfg->retry_sleep_step_ms <= 0)
        return;
    int64_t ms =
        cfg->retry_sleep_init_ms + cfg->retry_sleep_step_ms * (int64_t)n;
    struct timespec ts = {.tv_sec = (time_t)(ms / 1000),
                          .tv_nsec = (long)(ms % 1000) * 1000000L};
    /* A signal (stop request) ends the sleep early: the caller's next
     * attempt or its stop check follows at once. */
    nanosleep(&ts, NULL);
}

int holo_conn_reconnect(struct holo_conn *c, struct hf_error *err)
{
    const struct holo_config *cfg = c->cfg;
    int attempts = cfg->retry_count > 0 ? cfg->retry_count : 1;
    struct hf_error last;
    hf_error_clear(&last);
    for (int n = 1; n <= attempts; n++) {
        holo_conn_close(c);
        struct hf_error e;
        hf_error_clear(&e);
        enum holo_err_class cls;
        if (holo_conn_open(c, cfg, &cls, &e) == 0) {
            if (n > 1)
                hf_log_info("hologres %s: reconnected on attempt %d",
                            where(cfg), n);
            return 0;
        }
        last = e;
        if (cls != HOLO_ERR_RETRY) {
            hf_log_error("hologres %s: reconnect attempt %d failed, not "
                         "retrying: %s",
                         where(cfg), n, e.msg);
            break;
        }
        if (n < attempts) {
            hf_log_warn("hologres %s: reconnect attempt %d of %d failed: %s; "
                        "retrying in %lld ms",
                        where(cfg), n, attempts, e.msg,
                        (long long)(cfg->retry_sleep_init_ms +
                                    cfg->retry_sleep_step_ms * n));
            holo_backoff_sleep(cfg, n);
        } else {
            hf_log_warn("hologres %s: reconnect attempt %d of %d failed: %s",
                        where(cfg), n, attempts, e.msg);
        }
    }
    hf_error_set(err, last.code ? last.code : HF_ERR_CONNECT,
                 "lost the connection to '%s' and could not reconnect "
                 "(retry-count %d): %s",
                 where(cfg), cfg->retry_count, last.msg);
    err->retriable = false;
    err->fatal = true;
    return -1;
}
