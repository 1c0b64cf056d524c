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
    t->commit_sent = false;
}

void holo_txn_set_xid(struct holo_conn *c, struct holo_txn *t,
                      const PGresult *r)
{
    t->xid = -1;
    t->backend_pid = PQbackendPID(c->pg);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1 ||
        PQgetisnull(r, 0, 0))
        return;
    char *end = NULL;
    long long v = strtoll(PQgetvalue(r, 0, 0), &end, 10);
    if (end != NULL && *end == '\0' && v > 0)
        t->xid = v;
}

int holo_txn_begin(struct holo_conn *c, struct holo_txn *t,
                   enum holo_err_class *cls, struct hf_error *err)
{
    holo_txn_reset(t);
    if (c->hologres)
        return holo_conn_exec(c, "BEGIN", cls, err);
    PGresult *r = PQexec(c->pg, "BEGIN; SELECT txid_current()");
    if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
        *cls = holo_conn_classify(c, r, err);
        PQclear(r);
        return -1;
    }
    holo_txn_set_xid(c, t, r);
    PQclear(r);
    return 0;
}

void holo_txn_break(struct holo_conn *c)
{
    int fd = PQsocket(c->pg);
    if (fd >= 0)
        shutdown(fd, SHUT_RDWR);
}

int holo_txn_commit(struct holo_conn *c, struct holo_txn *t,
                    const char *failpoint, enum holo_err_class *cls,
                    struct hf_error *err)
{
    t->commit_sent = true;
    PGresult *r = PQexec(c->pg, "COMMIT");
    if (r != NULL && PQresultStatus(r) == PGRES_COMMAND_OK) {
        PQclear(r);
        if (failpoint && hf_failpoint(failpoint)) {
            holo_txn_break(c);
            *cls = HOLO_ERR_RETRY;
            return hf_error_set(err, HF_ERR_CONNECT,
                                "connection lost before the result of "
                                "COMMIT arrived (failpoint %s)",
                                failpoint);
        }
        t->commit_sent = false;
        return 0;
    }
    *cls = holo_conn_classify(c, r, err);
    PQclear(r);
    /* A result from a live connection settles it: not committed. */
    if (PQstatus(c->pg) == CONNECTION_OK)
        t->commit_sent = false;
    return -1;
}

bool holo_txn_in_doubt(const struct holo_txn *t)
{
    return t->commit_sent && t->xid > 0;
}

/* One txid_status() query: "committed", "aborted", "in progress", or NULL
 * (too old to know), copied into buf; -1 on a failed query. */
static int status_of(struct holo_conn *c, int64_t xid, char *buf, size_t n,
                     struct hf_error *err)
{
    char xs[24];
    snprintf(xs, sizeof xs, "%" PRId64, xid);
    const char *params[1] = {xs};
    PGresult *r = PQexecParams(c->pg, "SELECT txid_status($1::bigint)", 1,
                               NULL, params, NULL, NULL, 0);
    if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK ||
        PQntuples(r) != 1) {
        holo_conn_classify(c, r, err);
        PQclear(r);
        return -1;
    }
    if (PQgetisnull(r, 0, 0))
        buf[0] = '\0';
    else
        snprintf(buf, n, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    return 0;
}

/* Terminate the old backend if its current transaction is `xid`. */
static void terminate_holder(struct holo_conn *c, const struct holo_txn *t)
{
    if (t->backend_pid <= 0 || t->backend_pid == PQbackendPID(c->pg))
        return;
    char ps[16], xs[24];
    snprintf(ps, sizeof ps, "%d", t->backend_pid);
    snprintf(xs, sizeof xs, "%" PRId64, t->xid % (int64_t)4294967296);
    const char *params[2] = {ps, xs};
    PGresult *r = PQexecParams(
        c->pg,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE pid = $1::int AND backend_xid::text = $2",
        2, NULL, params, NULL, NULL, 0);
    PQclear(r);
}

int holo_txn_resolve(struct holo_conn *c, struct holo_txn *t,
                     struct hf_error *err)
{
    bool terminated = false;
    for (int poll = 0; poll < RESOLVE_POLLS; poll++) {
        char st[32];
        if (status_of(c, t->xid, st, sizeof st, err) != 0) {
            hf_error_prefix(err,
                            "cannot learn whether transaction %" PRId64
                            " committed: ",
                            t->xid);
            return -1;
        }
        if (strcmp(st, "committed") == 0 || strcmp(st, "aborted") == 0) {
            bool committed = st[0] == 'c';
            hf_log_warn("hologres: the connection broke after COMMIT of "
                        "transaction %" PRId64 " was sent; the server says "
                        "it %s",
                        t->xid,
                        committed ? "committed (not written again)"
                                  : "did not commit (written again)");
            holo_txn_reset(t);
            return committed ? 1 : 0;
        }
        if (strcmp(st, "in progress") != 0)
            return hf_error_set(err, HF_ERR_IO,
                                "cannot learn whether transaction %" PRId64
                                " committed: txid_status() says '%s'",
                                t->xid, st[0] ? st : "NULL");
        if (!terminated) {
            terminate_holder(c, t);
            terminated = true;
        }
        struct timespec ts = {0, RESOLVE_POLL_MS * 1000000L};
        nanosleep(&ts, NULL);
    }
    return hf_error_set(err, HF_ERR_IO,
                        "transaction %" PRId64 " of a broken connection is "
                        "still in progress after %d ms; cannot tell whether "
                        "it will commit",
                        t->xid, RESOLVE_POLLS * RESOLVE_POLL_MS);
}
