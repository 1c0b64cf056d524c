/*
 * holo_txn.c - transaction ids of the writer's transactions and the
 * resolution of a COMMIT left in doubt by a lost connection (see
 * holo_txn.h).
 *
 * txid_current() and txid_status() use the 64-bit, epoch-extended id, so an
 * id never means a different transaction after wraparound; the backend's
 * pg_stat_activity.backend_xid is the 32-bit id, compared modulo 2^32.
 * Every value travels as a parameter.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "connectors/hologres/holo_txn.h"
#include "core/failpoint.h"
#include "core/log.h"

/* How long an in-progress transaction of a terminated backend may take to
 * end before holoflow gives up asking (100 polls of 100 ms). */
#define RESOLVE_POLLS 100
#define RESOLVE_POLL_MS 100

void holo_txn_reset(struct holo_txn *t)
{
    t->xid = -1;
    t->backend_pid = 0;
    t->server_start[0] = '\0';
    t->commit_sent = false;
}

/* txid_status() exists from PostgreSQL 10 on. */
static bool can_resolve(const struct holo_conn *c)
{
    return !c->hologres && c->server_version >= 100000;
}

/* Record the transaction id and the server's start time from the result
 * of `SELECT txid_current(), pg_postmaster_start_time()`. */
static void set_xid(struct holo_conn *c, struct holo_txn *t,
                    const PGresult *r)
{
    t->xid = -1;
    t->backend_pid = PQbackendPID(c->pg);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1 ||
        PQnfields(r) != 2 || PQgetisnull(r, 0, 0) || PQgetisnull(r, 0, 1))
        return;
    char *end = NULL;
    long long v = strtoll(PQgetvalue(r, 0, 0), &end, 10);
    if (end != NULL && *end == '\0' && v > 0)
        t->xid = v;
    snprintf(t->server_start, sizeof t->server_start, "%s",
             PQgetvalue(r, 0, 1));
}

int holo_txn_begin(struct holo_conn *c, struct holo_txn *t,
                   enum holo_err_class *cls, struct hf_error *err)
{
    return holo_txn_begin_with(c, t, "BEGIN", cls, err);
}

int holo_txn_begin_with(struct holo_conn *c, struct holo_txn *t,
                        const char *begin, enum holo_err_class *cls,
                        struct hf_error *err)
{
    holo_txn_reset(t);
    if (!can_resolve(c))
        return holo_conn_exec(c, begin, cls, err);
    char q[160];
    snprintf(q, sizeof q,
             "%s; SELECT txid_current(), pg_postmaster_start_time()::text",
             begin);
    PGresult *r = PQexec(c->pg, q);
    if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
        *cls = holo_conn_classify(c, r, err);
        PQclear(r);
        /* BEGIN may have succeeded: leave no failed transaction open. */
        if (PQstatus(c->pg) == CONNECTION_OK &&
            PQtransactionStatus(c->pg) != PQTRANS_IDLE)
            PQclear(PQexec(c->pg, "ROLLBACK"));
        return -1;
    }
    set_xid(c, t, r);
    PQclear(r);
    return 0;
}

void holo_txn_break(struct holo_conn *c)
{
    int fd = PQsocket(c->pg);
    if (fd >= 0)
        shutdown(fd, SHUT_RDWR);
}

bool holo_txn_commit_result(struct holo_conn *c, struct holo_txn *t,
                            const PGresult *r)
{
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK) {
        /* COMMIT of a failed transaction answers "ROLLBACK". */
        bool committed = strcmp(PQcmdStatus((PGresult *)r), "COMMIT") == 0;
        t->commit_sent = false;
        return committed;
    }
    if (st == PGRES_PIPELINE_ABORTED && PQstatus(c->pg) == CONNECTION_OK) {
        t->commit_sent = false; /* skipped after an earlier error */
        return false;
    }
    /* An ERROR the server sent on a connection that is still up settles
     * it: not committed. A FATAL (the backend ends, perhaps after its
     * commit), an error libpq made up, a broken connection: in doubt. */
    const char *sev =
        r ? PQresultErrorField(r, PG_DIAG_SEVERITY_NONLOCALIZED) : NULL;
    if (sev != NULL && strcmp(sev, "ERROR") == 0 &&
        PQstatus(c->pg) == CONNECTION_OK)
        t->commit_sent = false;
    return false;
}

int holo_txn_commit(struct holo_conn *c, struct holo_txn *t,
                    const char *failpoint, enum holo_err_class *cls,
                    struct hf_error *err)
{
    t->commit_sent = true;
    PGresult *r = PQexec(c->pg, "COMMIT");
    if (r != NULL && PQresultStatus(r) == PGRES_COMMAND_OK && failpoint &&
        hf_failpoint(failpoint)) {
        /* The result is lost on the way: the transaction stays in doubt. */
        PQclear(r);
        holo_txn_break(c);
        *cls = HOLO_ERR_RETRY;
        return hf_error_set(err, HF_ERR_CONNECT,
                            "connection lost before the result of COMMIT "
                            "arrived (failpoint %s)",
                            failpoint);
    }
    if (holo_txn_commit_result(c, t, r)) {
        PQclear(r);
        return 0;
    }
    if (r != NULL && PQresultStatus(r) == PGRES_COMMAND_OK) {
        *cls = HOLO_ERR_DATA;
        hf_error_set(err, HF_ERR_DATA,
                     "COMMIT rolled the transaction back (an earlier "
                     "statement of it failed)");
    } else {
        *cls = holo_conn_classify(c, r, err);
    }
    PQclear(r);
    return -1;
}

bool holo_txn_in_doubt(const struct holo_txn *t)
{
    return t->commit_sent && t->xid > 0;
}

/* One query with text parameters whose single result row is copied into
 * buf ("" for NULL). 0; 1 when the server said the xid is in the future
 * (SQLSTATE 22023 from txid_status); -1 on other failures. */
static int query_one(struct holo_conn *c, const char *sql, int n,
                     const char *const *params, char *buf, size_t cap,
                     struct hf_error *err)
{
    PGresult *r = PQexecParams(c->pg, sql, n, NULL, params, NULL, NULL, 0);
    if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK ||
        PQntuples(r) != 1) {
        const char *st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
        int rc = st && strcmp(st, "22023") == 0 ? 1 : -1;
        holo_conn_classify(c, r, err);
        PQclear(r);
        return rc;
    }
    snprintf(buf, cap, "%s", PQgetisnull(r, 0, 0) ? "" : PQgetvalue(r, 0, 0));
    PQclear(r);
    return 0;
}

/* Terminate the old backend if its current transaction is `xid`. */
static void terminate_holder(struct holo_conn *c, const struct holo_txn *t,
                             const char *what)
{
    if (t->backend_pid <= 0 || t->backend_pid == PQbackendPID(c->pg))
        return;
    char ps[16], xs[24], out[8];
    snprintf(ps, sizeof ps, "%d", t->backend_pid);
    snprintf(xs, sizeof xs, "%" PRId64, t->xid % (int64_t)4294967296);
    const char *params[2] = {ps, xs};
    struct hf_error e;
    hf_error_clear(&e);
    if (query_one(c,
                  "SELECT count(pg_terminate_backend(pid)) FROM "
                  "pg_stat_activity WHERE pid = $1::int AND "
                  "backend_xid::text = $2",
                  2, params, out, sizeof out, &e) != 0)
        hf_log_warn("hologres %s: cannot end backend %d, which still runs "
                    "transaction %" PRId64 ": %s",
                    what, t->backend_pid, t->xid, e.msg);
}

int holo_txn_resolve(struct holo_conn *c, struct holo_txn *t,
                     bool idempotent, const char *what,
                     struct hf_error *err)
{
    const int64_t xid = t->xid;
    char xs[24], st[40], start[40];
    snprintf(xs, sizeof xs, "%" PRId64, xid);
    const char *params[1] = {xs};
    if (query_one(c, "SELECT pg_postmaster_start_time()::text", 0, NULL,
                  start, sizeof start, err) != 0) {
        hf_error_prefix(err, "cannot learn whether transaction %" PRId64
                             " committed: ",
                        xid);
        return -1;
    }
    bool restarted = strcmp(start, t->server_start) != 0;
    for (int poll = 0; poll < RESOLVE_POLLS; poll++) {
        int q = query_one(c, "SELECT txid_status($1::bigint)", 1, params, st,
                          sizeof st, err);
        if (q < 0) {
            hf_error_prefix(err, "cannot learn whether transaction %" PRId64
                                 " committed: ",
                            xid);
            return -1;
        }
        if (q == 1) /* in the future: it never reached the disk */
            snprintf(st, sizeof st, "aborted");
        bool aborted = strcmp(st, "aborted") == 0;
        bool committed = strcmp(st, "committed") == 0;
        bool running = strcmp(st, "in progress") == 0;
        if (aborted || (!restarted && committed)) {
            hf_log_warn("hologres %s: the connection broke after COMMIT of "
                        "transaction %" PRId64 " was sent; the server says "
                        "it %s",
                        what, xid,
                        committed ? "committed (not written again)"
                                  : "did not commit (written again)");
            holo_txn_reset(t);
            return committed ? 1 : 0;
        }
        if (restarted && (committed || running)) {
            /* Possibly another transaction's xid now. */
            holo_txn_reset(t);
            if (idempotent) {
                hf_log_warn("hologres %s: the server restarted while COMMIT "
                            "of transaction %" PRId64 " was in doubt; the "
                            "flush is idempotent and is written again",
                            what, xid);
                return 0;
            }
            return hf_error_set(err, HF_ERR_IO,
                                "the server restarted while COMMIT of "
                                "transaction %" PRId64 " was in doubt, and "
                                "whether it committed cannot be known; "
                                "writing it again could apply it twice (a "
                                "table without a primary key, or "
                                "sink.insert.conflict-update-set), so the "
                                "job stops",
                                xid);
        }
        if (!running)
            return hf_error_set(err, HF_ERR_IO,
                                "cannot learn whether transaction %" PRId64
                                " committed: txid_status() says '%s'",
                                xid, st[0] ? st : "NULL");
        if (poll == 0) {
            hf_log_warn("hologres %s: transaction %" PRId64 " is still in "
                        "progress in backend %d; ending that backend",
                        what, xid, t->backend_pid);
            terminate_holder(c, t, what);
        }
        struct timespec ts = {0, RESOLVE_POLL_MS * 1000000L};
        nanosleep(&ts, NULL);
    }
    return hf_error_set(err, HF_ERR_IO,
                        "transaction %" PRId64 " of a broken connection is "
                        "still in progress after %d ms; cannot tell whether "
                        "it will commit",
                        xid, RESOLVE_POLLS * RESOLVE_POLL_MS);
}
