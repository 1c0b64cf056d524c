/*
 * holo_txn.h - the writer's transactions, and the COMMIT whose outcome a
 * lost connection leaves in doubt.
 *
 * When the connection breaks after COMMIT was sent but before its result
 * arrived, the transaction may have committed or not; retrying blindly
 * would write a committed flush twice (an increment in
 * sink.insert.conflict-update-set applied twice, an append-only table's
 * rows duplicated), and claiming "rolled back" could be false. On
 * PostgreSQL every writer transaction therefore learns its transaction id
 * when it begins (`BEGIN; SELECT txid_current()`, one round trip), and
 * after reconnecting asks the server what became of it
 * (`txid_status(xid)`): committed -> the flush is done; aborted -> run it
 * again. If the old backend still holds the transaction (it has not
 * noticed the broken connection yet), it is terminated first -- only the
 * backend whose current transaction is that very xid -- so the answer is
 * final. Hologres has no txid_status: there xid is -1 and an in-doubt
 * flush is retried as before (exactly-once for tables with a primary key
 * and plain upserts, see docs/hologres-sink.md).
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
    int64_t xid;      /* txid_current() of the transaction, or -1 */
    int backend_pid;  /* the backend that runs it */
    bool commit_sent; /* COMMIT queued, its result not yet received */
};

/* Forget any earlier transaction (xid -1, nothing in doubt). */
void holo_txn_reset(struct holo_txn *t);

/* BEGIN on `c`, recording the transaction id on PostgreSQL (one round
 * trip: `BEGIN; SELECT txid_current()`); on Hologres plain BEGIN. 0, or -1
 * with *cls and err. */
int holo_txn_begin(struct holo_conn *c, struct holo_txn *t,
                   enum holo_err_class *cls, struct hf_error *err);

/* Record the transaction id from the result of `SELECT txid_current()`
 * sent by the caller (the INSERT pipeline sends it itself). */
void holo_txn_set_xid(struct holo_conn *c, struct holo_txn *t,
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
 * 1 committed, 0 did not commit (safe to run again), -1 unknown (err
 * says why). Clears the doubt when it returns 0 or 1. */
int holo_txn_resolve(struct holo_conn *c, struct holo_txn *t,
                     struct hf_error *err);

#endif
