/*
 * holo_txn.h - the writer's transactions, and the COMMIT whose outcome a
 * lost connection leaves in doubt.
 *
 * When the connection breaks after COMMIT was sent but before its result
 * arrived, the transaction may have committed or not; retrying blindly
 * would write a committed flush twice (an increment in
 * sink.insert.conflict-update-set applied twice, an append-only table's
 * rows duplicated), and claiming "rolled back" could be false. On
 * PostgreSQL (10 and later) every writer transaction therefore learns its
 * transaction id and the server's start time when it begins (`BEGIN;
 * SELECT txid_current(), pg_postmaster_start_time()`, one round trip), and
 * after reconnecting asks the server what became of it
 * (`txid_status(xid)`): committed -> the flush is done; aborted -> run it
 * again. If the old backend still holds the transaction (it has not
 * noticed the broken connection yet), it is terminated first -- only the
 * backend whose current transaction is that very xid -- so the answer is
 * final.
 *
 * A server that restarted in between may have handed the same xid to
 * another transaction (an xid whose WAL never reached disk before a crash
 * is assigned again), so after a restart only "aborted" (or "in the
 * future") is conclusive: then the flush did not commit. Otherwise the
 * outcome is unknown: an idempotent flush (keyed upserts and deletes) is
 * simply run again, anything else fails the job rather than risk writing
 * it twice. Hologres has no txid_status: there xid is -1 and an in-doubt
 * flush is run again as before (harmless for keyed upserts, see
 * docs/hologres-sink.md).
 *
 * Failpoints (core/failpoint.h) `holo.insert.commit-result-lost` and
 * `holo.copy.commit-result-lost` break the connection for real right after
 * a COMMIT succeeded, before its result is used, which is the in-doubt
 * case with the answer "committed"; `holo.insert.break-after-send` breaks
 * it as soon as a flush's pipeline was sent, where the server may have
 * committed, aborted or still be running the transaction.
 *
 * @locality the thread that owns the connection.
 */
#ifndef HF_HOLO_TXN_H
#define HF_HOLO_TXN_H

#include <stdbool.h>
#include <stdint.h>

#include "connectors/hologres/holo_conn.h"

struct holo_txn {
    int64_t xid;          /* txid_current() of the transaction, or -1 */
    int backend_pid;      /* the backend that runs it */
    char server_start[40]; /* pg_postmaster_start_time() at BEGIN */
    bool commit_sent;     /* COMMIT queued, its outcome not yet known */
};

/* Forget any earlier transaction (xid -1, nothing in doubt). */
void holo_txn_reset(struct holo_txn *t);

/* BEGIN on `c`, recording the transaction id and the server's start time
 * on PostgreSQL 10+ (one round trip); plain BEGIN elsewhere. 0, or -1 with
 * *cls and err (no transaction left open on a live connection). */
int holo_txn_begin(struct holo_conn *c, struct holo_txn *t,
                   enum holo_err_class *cls, struct hf_error *err);

/* holo_txn_begin with `begin` (a constant BEGIN statement, e.g. one naming
 * the isolation level) in place of plain BEGIN. */
int holo_txn_begin_with(struct holo_conn *c, struct holo_txn *t,
                        const char *begin, enum holo_err_class *cls,
                        struct hf_error *err);

/* The result of the COMMIT the caller sent (`r` NULL: none arrived) on a
 * connection whose state is now known: marks the outcome known when it
 * is -- the server said COMMIT, or answered with an error of its own on a
 * live connection -- and leaves it in doubt otherwise (a broken
 * connection, an error libpq made up). Returns true when it committed. */
bool holo_txn_commit_result(struct holo_conn *c, struct holo_txn *t,
                            const PGresult *r);

/* COMMIT the open transaction. 0 when committed; -1 with *cls and err,
 * and holo_txn_in_doubt() true when the connection broke before the result
 * came back. `failpoint` names the failpoint checked after a successful
 * COMMIT (see above). */
int holo_txn_commit(struct holo_conn *c, struct holo_txn *t,
                    const char *failpoint, enum holo_err_class *cls,
                    struct hf_error *err);

/* Break the connection for real (both directions of its socket shut), as
 * a failpoint's fault; libpq notices at its next read. */
void holo_txn_break(struct holo_conn *c);

/* True when COMMIT of a transaction with a known id was sent and its
 * result never arrived: holo_txn_resolve() can tell what happened. */
bool holo_txn_in_doubt(const struct holo_txn *t);

/* On a fresh connection `c`: what became of the in-doubt transaction `t`.
 * 1 committed, 0 did not commit or may be run again (`idempotent`, after
 * a server restart), -1 unknown (err says why). `what` names the writer
 * in log lines ("shard 0 of \"public\".\"t\""). Clears the doubt. */
int holo_txn_resolve(struct holo_conn *c, struct holo_txn *t,
                     bool idempotent, const char *what,
                     struct hf_error *err);

#endif
