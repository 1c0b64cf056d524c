/*
 * holo_conn.h - one connection to Hologres or PostgreSQL.
 *
 * Connects with PQconnectStartParams (keyword arrays: the password never
 * appears in a connection string, a log line or an error), endpoint
 * "host:port", "host" or a Unix-socket directory ("/path"), with the
 * configured sslmode and root certificate (any sslmode but disable is
 * refused with a Unix socket: TLS needs TCP), and server notices going to
 * the log. After connecting it sets the session up (TimeZone UTC,
 * application_name, client_encoding UTF8) and detects the dialect once:
 * `SELECT hg_version()` succeeds only on Hologres (run inside a
 * savepoint-free check: failure is expected on PostgreSQL), then sets
 * statement_timeout (statement-timeout-seconds).
 *
 * Errors are classified so the writer knows what to do:
 *   HOLO_ERR_RETRY  connection lost or refused, server shutting down or
 *                   starting, too many connections, serialization failure,
 *                   deadlock, read-only transaction -> reconnect, back off
 *                   linearly (retry-sleep-init-ms + retry-sleep-step-ms x
 *                   attempt), retry up to
 *                   retry-count times
 *   HOLO_ERR_DATA   the rows are bad (numeric overflow, value too long,
 *                   NOT NULL or check violation, invalid text) -> isolate
 *                   them by splitting the batch
 *   HOLO_ERR_FATAL  anything else (permission, missing table, syntax)
 *
 * @locality one thread at a time per connection.
 */
#ifndef HF_HOLO_CONN_H
#define HF_HOLO_CONN_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "connectors/hologres/holo_config.h"
#include "core/error.h"

enum holo_err_class { HOLO_OK = 0, HOLO_ERR_RETRY, HOLO_ERR_DATA, HOLO_ERR_FATAL };

struct holo_conn {
    PGconn *pg;
    const struct holo_config *cfg; /* borrowed */
    bool hologres;                 /* dialect: true after hg_version() */
    int server_version;            /* PQserverVersion */
    char *hg_version;              /* Hologres version text, or NULL */
    unsigned generation;           /* bumped at every (re)connect: prepared
                                      statements must be re-prepared */
    const char *startup_options;   /* libpq `options` ("type=fixed" for a
                                      Hologres fixed frontend), or NULL;
                                      static, kept across reconnects */
    const char *replication;       /* libpq `replication` ("database" for
                                      the CDC source's walsender
                                      connection), or NULL; static */
};

/* Connect (one attempt). 0, or -1 with err (class in *cls when non-NULL). */
int holo_conn_open(struct holo_conn *c, const struct holo_config *cfg,
                   enum holo_err_class *cls, struct hf_error *err);
/* Close and reconnect, retrying with linear back-off up to retry-count
 * attempts. 0 or -1. */
int holo_conn_reconnect(struct holo_conn *c, struct hf_error *err);
void holo_conn_close(struct holo_conn *c);

/* Classify a failed result (NULL res: the connection's error). Fills err
 * with the server message, SQLSTATE, and detail/column when given. */
enum holo_err_class holo_conn_classify(struct holo_conn *c, const PGresult *res,
                                       struct hf_error *err);
/* Classify by SQLSTATE alone (unit-testable). */
enum holo_err_class holo_classify_sqlstate(const char *sqlstate);

/* Run one command without parameters (session setup, DDL). 0 or -1. */
int holo_conn_exec(struct holo_conn *c, const char *sql,
                   enum holo_err_class *cls, struct hf_error *err);

/* Sleep for the back-off of attempt `n` (1-based): retry-sleep-init-ms +
 * n x retry-sleep-step-ms. */
void holo_backoff_sleep(const struct holo_config *cfg, int n);

/* The statements run after connecting, in order (static strings, `*n` set
 * to the count): session settings for both dialects, plus the fixed-plan
 * GUCs for Hologres only. Exposed so the Hologres-only SQL is unit-tested
 * as text. */
const char *const *holo_conn_setup_sql(bool hologres, size_t *n);

/* Classify a failed connection attempt by libpq's message (no SQLSTATE is
 * available before the session exists): authentication, unknown role or
 * database, pg_hba rejection and TLS verification failures are FATAL,
 * everything else (refused, timeout, starting up, too many clients) is
 * RETRY. */
enum holo_err_class holo_classify_connect_message(const char *msg);

#endif
