/*
 * holo_flush.c - the INSERT write mode (holo_insert_ops): writing one
 * folded buffer on a shard's connection.
 *
 * A flush is one transaction (BEGIN ... COMMIT): every statement for the
 * buffer's entries (per target table: a set-based DELETE for deletes and
 * replacements, an UPDATE for nullified rows, a set-based upsert for
 * upserts and replacements) is sent in libpq pipeline mode, followed by one
 * Sync, so the connection waits for one round trip per flush, not per
 * statement (plus, on PostgreSQL, the BEGIN that learns the transaction id,
 * holo_txn.h), and the whole flush commits or rolls back together. Because
 * the buffer holds one entry per key, the statements touch distinct keys
 * and their order within the flush does not matter (deletes go first so a
 * replacement re-inserts).
 *
 * A failed statement leaves the explicit transaction open in the failed
 * state (the server skips the COMMIT up to the Sync), so it is rolled
 * back before the connection is used again.
 *
 * Failures:
 *   transient (connection lost, server restarting, serialization...) ->
 *     reconnect and run the same flush again, up to retry-count times with
 *     linear back-off; the rolled-back transaction makes this exactly-once.
 *     When the connection broke after COMMIT was sent, the transaction's
 *     fate is asked on the new connection first (holo_txn.h), so a flush
 *     that did commit is not written twice;
 *   bad data -> split the entries in halves and flush each half on its
 *     own, down to single rows; a single bad row goes to the dirty-row
 *     handler (fail the job, or record and skip), with the columns whose
 *     values do not fit named when the server names none; when the row
 *     folded several changes of its key, the key's state before the last
 *     change is written next (holo_entry.prior), so only the bad change
 *     is dropped;
 *   anything else -> fail the job with the server's message.
 *
 * Rows for a LIST-partitioned parent are routed to its children; a missing
 * child is created first when sink.create-missing-partition allows it.
 *
 * Per shard (holo_shard.mode_state, the worker's): a cache of the
 * statements prepared on its connection, and scratch buffers.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/hologres/holo_encode.h"
#include "connectors/hologres/holo_nested.h"
#include "connectors/hologres/holo_part.h"
#include "connectors/hologres/holo_sql.h"
#include "connectors/hologres/holo_txn.h"
#include "connectors/hologres/holo_writer_int.h"
#include "core/failpoint.h"
#include "core/log.h"
#include "core/valueconv.h"

enum stmt_kind { STMT_UPSERT = 0, STMT_DELETE = 1, STMT_NULLIFY = 2 };

#define HOLO_MAX_PREPARED 64

struct holo_prepared {
    int kind;     /* enum stmt_kind */
    char *target; /* "schema"."table" */
    char name[32];
    bool ready;   /* the Prepare succeeded on this connection */
    bool pending; /* its Prepare was sent; the result has not arrived */
};

/* A shard's INSERT state. */
struct insert_shard {
    struct holo_prepared prep[HOLO_MAX_PREPARED];
    uint32_t nprep;
    unsigned prep_generation;
    uint32_t next_stmt;
    struct hf_strbuf *params; /* one scratch buffer per parameter */
    uint32_t nparams;
    struct hf_strbuf sql;
    struct hf_strbuf lits; /* array literals of ARRAY columns */
};

/* One statement sent in the pipeline: what to expect back. */
struct sent {
    int prep_slot; /* >= 0: a Prepare whose result decides the cache slot */
};

/* ------------------------------------------------------------ prepared */

static int prep_find(struct holo_shard *sh, int kind, const char *target)
{
    struct insert_shard *s = sh->mode_state;
    if (s->prep_generation != sh->conn.generation) {
        for (uint32_t i = 0; i < s->nprep; i++) {
            free(s->prep[i].target);
            s->prep[i].target = NULL; /* the slot is reused (and freed) */
        }
        s->nprep = 0;
        s->prep_generation = sh->conn.generation;
    }
    for (uint32_t i = 0; i < s->nprep; i++)
        if (s->prep[i].ready && s->prep[i].kind == kind &&
            strcmp(s->prep[i].target, target) == 0)
            return (int)i;
    return -1;
}

/* ------------------------------------------------------------ parameters */

static bool is_array(const struct holo_writer *w, uint32_t c)
{
    return hf_type_is_nested(w->schema->cols[c].type.id);
}

/* Encode parameter `p` = job column c over the entries. */
static int encode_column(struct holo_shard *sh, uint32_t p, uint32_t c,
                         struct holo_entry **ents, uint32_t n,
                         const struct hf_value **vp, struct hf_value *tmp,
                         struct hf_error *err)
{
    const struct holo_writer *w = sh->w;
    struct insert_shard *s = sh->mode_state;
    const struct hf_type *t = &w->schema->cols[c].type;
    struct hf_strbuf *out = &s->params[p];
    hf_strbuf_reset(out);
    if (!is_array(w, c)) {
        for (uint32_t i = 0; i < n; i++)
            vp[i] = &ents[i]->vals[c];
        if (holo_encode_array(out, t, vp, n, err) == 0)
            return 0;
        /* The array's element number is a position in the flush, which
         * means nothing to the user: report the bad value's own problem,
         * with the column's name. */
        for (uint32_t i = 0; i < n; i++) {
            struct hf_error e;
            hf_error_clear(&e);
            hf_strbuf_reset(&s->lits);
            if (!vp[i]->null &&
                holo_encode_value(&s->lits, t, vp[i], &e) != 0) {
                *err = e;
                break;
            }
        }
        hf_error_prefix(err, "column '%s': ", w->schema->cols[c].name);
        return -1;
    }
    /* A nested column: a text[] of the values' text input forms for the
     * table column (array literals, JSON, record literals). */
    const struct holo_column *target = &w->meta.cols[w->map[c]];
    bool nested = holo_nested_col(t, target);
    hf_strbuf_reset(&s->lits);
    size_t *offs = malloc((n ? n : 1) * 2 * sizeof *offs);
    if (offs == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    for (uint32_t i = 0; i < n; i++) {
        offs[2 * i] = s->lits.len;
        if (!ents[i]->vals[c].null &&
            (nested ? holo_nested_text(&s->lits, target, t, &ents[i]->vals[c],
                                       err)
                    : holo_encode_array_literal(&s->lits, t, &ents[i]->vals[c],
                                                err)) != 0) {
            hf_error_prefix(err, "column '%s': ", w->schema->cols[c].name);
            free(offs);
            return -1;
        }
        offs[2 * i + 1] = s->lits.len - offs[2 * i];
    }
    if (!hf_strbuf_ok(&s->lits)) {
        free(offs);
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    for (uint32_t i = 0; i < n; i++) {
        tmp[i].null = ents[i]->vals[c].null;
        tmp[i].v.s.ptr = s->lits.data + offs[2 * i];
        tmp[i].v.s.len = (uint32_t)offs[2 * i + 1];
        vp[i] = &tmp[i];
    }
    free(offs);
    struct hf_type text = hf_type_make(HF_VARCHAR);
    return holo_encode_array(out, &text, vp, n, err);
}

/* ------------------------------------------------------------ sending */

static void target_name(const char *schema, const char *table, char *buf,
                        size_t n)
{
    snprintf(buf, n, "%s.%s", schema, table);
}

/* Send one statement (preparing it first when needed) for `ents`. */
static int send_stmt(struct holo_shard *sh, const struct holo_group *g,
                     enum stmt_kind kind, struct holo_entry **ents, uint32_t n,
                     struct sent *sent, uint32_t *nsent, struct hf_error *err)
{
    struct holo_writer *w = sh->w;
    struct insert_shard *s = sh->mode_state;
    struct holo_stmt_spec spec;
    holo_writer_spec(w, &sh->conn, g->schema, g->table, &spec);
    char target[512];
    target_name(g->schema, g->table, target, sizeof target);

    uint32_t cols[w->schema->ncols + 1];
    uint32_t ncols;
    if (kind == STMT_UPSERT) {
        memcpy(cols, w->cols, w->ncols * sizeof *cols);
        ncols = w->ncols;
    } else {
        ncols = holo_sql_key_params(&spec, cols);
    }
    bool null_as = kind == STMT_UPSERT ? holo_sql_upsert_has_null_as(&spec)
                                       : holo_sql_key_has_null_as(&spec);
    uint32_t nparams = ncols + (null_as ? 1 : 0);

    int slot = prep_find(sh, kind, target);
    if (slot < 0) {
        hf_strbuf_reset(&s->sql);
        int rc = kind == STMT_UPSERT   ? holo_sql_upsert(&spec, &s->sql, err)
                 : kind == STMT_DELETE ? holo_sql_delete(&spec, &s->sql, err)
                                       : holo_sql_nullify(&spec, &s->sql, err);
        if (rc != 0)
            return -1;
        if (!hf_strbuf_ok(&s->sql))
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        /* A free slot: one whose Prepare failed, or a new one. */
        slot = -1;
        for (uint32_t i = 0; i < s->nprep && slot < 0; i++)
            if (!s->prep[i].ready && !s->prep[i].pending)
                slot = (int)i;
        if (slot < 0 && s->nprep == HOLO_MAX_PREPARED) {
            /* Forget the cache; the server keeps the old statements until
             * the connection ends, and names are never reused. */
            for (uint32_t i = 0; i < s->nprep; i++) {
                free(s->prep[i].target);
                s->prep[i].target = NULL;
            }
            s->nprep = 0;
        }
        if (slot < 0)
            slot = (int)s->nprep++;
        struct holo_prepared *pp = &s->prep[slot];
        free(pp->target);
        pp->kind = kind;
        pp->ready = false;
        pp->pending = true;
        pp->target = strdup(target);
        if (pp->target == NULL)
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        snprintf(pp->name, sizeof pp->name, "hf_%u_%u", sh->index,
                 s->next_stmt++);
        if (!PQsendPrepare(sh->conn.pg, pp->name, s->sql.data, (int)nparams,
                           NULL))
            return hf_error_set(err, HF_ERR_CONNECT, "sending a statement: %s",
                                PQerrorMessage(sh->conn.pg));
        sent[(*nsent)++].prep_slot = slot;
    }
    const char *name = s->prep[slot].name;

    const struct hf_value **vp = malloc((n ? n : 1) * sizeof *vp);
    struct hf_value *tmp = malloc((n ? n : 1) * sizeof *tmp);
    const char *values[nparams ? nparams : 1];
    int lengths[nparams ? nparams : 1];
    int formats[nparams ? nparams : 1];
    if (vp == NULL || tmp == NULL) {
        free(vp);
        free(tmp);
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    int rc = 0;
    for (uint32_t p = 0; p < ncols && rc == 0; p++) {
        rc = encode_column(sh, p, cols[p], ents, n, vp, tmp, err);
        if (rc == 0 && !hf_strbuf_ok(&s->params[p]))
            rc = hf_error_set(err, HF_ERR_NOMEM,
                              "a flush's parameters are too large; lower "
                              "sink.insert.batch-byte-size");
        values[p] = s->params[p].data;
        lengths[p] = (int)s->params[p].len;
        formats[p] = 1;
    }
    free(vp);
    free(tmp);
    if (rc != 0)
        return -1;
    if (null_as) {
        values[ncols] = w->cfg->cap_null_as;
        lengths[ncols] = 0;
        formats[ncols] = 0;
    }
    if (!PQsendQueryPrepared(sh->conn.pg, name, (int)nparams, values, lengths,
                             formats, 0))
        return hf_error_set(err, HF_ERR_CONNECT, "sending a statement: %s",
                            PQerrorMessage(sh->conn.pg));
    sent[(*nsent)++].prep_slot = -1;
    return 0;
}

/* ------------------------------------------------------------ one try */

static int exec_set(struct holo_shard *s, struct holo_entry **ents, uint32_t n,
                    struct holo_txn *txn, enum holo_err_class *cls,
                    struct hf_error *err)
{
    struct insert_shard *is = s->mode_state;
    PGconn *pg = s->conn.pg;
    struct holo_group *groups = malloc(n * sizeof *groups);
    struct holo_entry **scratch = malloc(n * sizeof *scratch);
    struct holo_entry **sel = malloc(n * sizeof *sel);
    struct sent *sent = malloc((size_t)n * 6 * sizeof *sent + 16);
    uint32_t ngroups = 0, nsent = 0, commit_at = UINT32_MAX;
    bool committed = false; /* the server answered COMMIT */
    int rc = 0;
    struct hf_arena names;
    hf_arena_init(&names);
    if (!groups || !scratch || !sel || !sent) {
        *cls = HOLO_ERR_FATAL;
        rc = hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (holo_part_group(s->w, &s->conn, ents, n, groups, &ngroups, scratch,
                        &names, NULL, NULL, cls, err) != 0) {
        rc = -1;
        goto out;
    }
    /* An explicit transaction, so a flush that cannot be sent completely
     * rolls back instead of committing what was sent. On PostgreSQL it
     * begins before the pipeline, learning its transaction id (holo_txn.h:
     * a COMMIT left in doubt can then be resolved); on Hologres BEGIN is
     * the pipeline's first statement. */
    holo_txn_reset(txn);
    if (PQstatus(pg) == CONNECTION_OK && !s->conn.hologres &&
        holo_txn_begin(&s->conn, txn, cls, err) != 0) {
        rc = -1;
        goto out;
    }
    if (PQstatus(pg) != CONNECTION_OK || !PQenterPipelineMode(pg)) {
        *cls = HOLO_ERR_RETRY;
        rc = hf_error_set(err, HF_ERR_CONNECT, "connection lost: %s",
                          PQerrorMessage(pg));
        goto out;
    }
    if (s->conn.hologres) {
        if (!PQsendQueryParams(pg, "BEGIN", 0, NULL, NULL, NULL, NULL, 0)) {
            *cls = HOLO_ERR_RETRY;
            rc = hf_error_set(err, HF_ERR_CONNECT, "connection lost: %s",
                              PQerrorMessage(pg));
            goto out;
        }
        sent[nsent++].prep_slot = -1;
    }
    for (uint32_t gi = 0; gi < ngroups && rc == 0; gi++) {
        const struct holo_group *g = &groups[gi];
        uint32_t k = holo_group_pick(g, HOLO_ACT_DELETE, HOLO_ACT_REPLACE, sel);
        if (k)
            rc = send_stmt(s, g, STMT_DELETE, sel, k, sent, &nsent, err);
        k = rc ? 0
               : holo_group_pick(g, HOLO_ACT_NULLIFY, HOLO_ACT_NULLIFY, sel);
        if (k)
            rc = send_stmt(s, g, STMT_NULLIFY, sel, k, sent, &nsent, err);
        k = rc ? 0 : holo_group_pick(g, HOLO_ACT_UPSERT, HOLO_ACT_REPLACE, sel);
        if (k)
            rc = send_stmt(s, g, STMT_UPSERT, sel, k, sent, &nsent, err);
    }
    int send_rc = rc;
    enum holo_err_class send_cls = HOLO_OK;
    if (send_rc != 0) {
        /* Could not send everything (bad value, lost connection): end the
         * pipeline so the connection is usable, then report. */
        send_cls = err->code == HF_ERR_CONNECT ? HOLO_ERR_RETRY
                   : err->code == HF_ERR_DATA  ? HOLO_ERR_DATA
                                               : HOLO_ERR_FATAL;
        rc = 0;
    }
    if (!PQsendQueryParams(pg, send_rc ? "ROLLBACK" : "COMMIT", 0, NULL, NULL,
                           NULL, NULL, 0)) {
        *cls = HOLO_ERR_RETRY;
        rc = hf_error_set(err, HF_ERR_CONNECT, "connection lost: %s",
                          PQerrorMessage(pg));
        goto out;
    }
    if (send_rc == 0) {
        commit_at = nsent;
        txn->commit_sent = true; /* in doubt until its result arrives */
    }
    sent[nsent++].prep_slot = -1;
    if (!PQpipelineSync(pg)) {
        *cls = HOLO_ERR_RETRY;
        rc = hf_error_set(err, HF_ERR_CONNECT, "connection lost: %s",
                          PQerrorMessage(pg));
        goto out;
    }
    /* The network failing while the flush is on its way: the server may
     * have run all of it, some of it or none of it. */
    if (hf_failpoint("holo.insert.break-after-send")) {
        holo_txn_break(&s->conn);
        *cls = HOLO_ERR_RETRY;
        rc = hf_error_set(err, HF_ERR_CONNECT,
                          "connection lost after the flush was sent "
                          "(failpoint)");
        goto out;
    }
    /* Results, in order: one per statement, each followed by NULL, then
     * the sync. */
    for (uint32_t i = 0; i < nsent; i++) {
        PGresult *r = PQgetResult(pg);
        if (r == NULL) {
            if (PQstatus(pg) != CONNECTION_OK) {
                *cls = HOLO_ERR_RETRY;
                rc = hf_error_set(err, HF_ERR_CONNECT, "connection lost: %s",
                                  PQerrorMessage(pg));
                goto out;
            }
            i--; /* NULL separating results */
            continue;
        }
        ExecStatusType st = PQresultStatus(r);
        bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
        if (i == commit_at) {
            if (ok && hf_failpoint("holo.insert.commit-result-lost")) {
                /* The result is lost on the way: still in doubt. */
                PQclear(r);
                holo_txn_break(&s->conn);
                *cls = HOLO_ERR_RETRY;
                rc = hf_error_set(err, HF_ERR_CONNECT,
                                  "connection lost before the result of "
                                  "COMMIT arrived (failpoint)");
                goto out;
            }
            committed = holo_txn_commit_result(&s->conn, txn, r);
        }
        if (sent[i].prep_slot >= 0) {
            is->prep[sent[i].prep_slot].ready = ok;
            is->prep[sent[i].prep_slot].pending = false;
        }
        if (!ok && st != PGRES_PIPELINE_ABORTED && rc == 0) {
            *cls = holo_conn_classify(&s->conn, r, err);
            rc = -1;
        }
        PQclear(r);
        r = PQgetResult(pg); /* the NULL after each command */
        if (r != NULL) {
            PQclear(r);
        }
    }
    for (;;) {
        PGresult *r = PQgetResult(pg);
        if (r == NULL) {
            if (PQstatus(pg) != CONNECTION_OK) {
                /* Committed before the connection broke: the flush is done;
                 * the next one finds the connection broken and reconnects. */
                if (committed && rc == 0)
                    goto out;
                *cls = HOLO_ERR_RETRY;
                if (rc == 0)
                    rc =
                        hf_error_set(err, HF_ERR_CONNECT, "connection lost: %s",
                                     PQerrorMessage(pg));
                goto out;
            }
            continue;
        }
        ExecStatusType st = PQresultStatus(r);
        PQclear(r);
        if (st == PGRES_PIPELINE_SYNC)
            break;
    }
    PQexitPipelineMode(pg);
    /* A failed statement made the server skip the rest up to the Sync,
     * COMMIT included, so the explicit transaction is still open in the
     * failed state; end it, or every later statement on this connection
     * fails with "current transaction is aborted". */
    if (PQtransactionStatus(pg) != PQTRANS_IDLE) {
        PGresult *r = PQexec(pg, "ROLLBACK");
        bool rolled_back = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        if (!rolled_back && rc == 0) {
            *cls = HOLO_ERR_RETRY;
            rc = hf_error_set(err, HF_ERR_CONNECT,
                              "ending a failed transaction: %s",
                              PQerrorMessage(pg));
        }
    }
    if (send_rc != 0) {
        *cls = send_cls;
        rc = -1;
    }
out:
    for (uint32_t i = 0; i < is->nprep; i++)
        is->prep[i].pending = false; /* results that never came: not ready */
    hf_arena_free(&names);
    free(groups);
    free(scratch);
    free(sel);
    free(sent);
    return rc;
}

/* ------------------------------------------------------------ retry, split */

static int flush_set(struct holo_shard *s, struct holo_entry **ents, uint32_t n,
                     struct hf_error *err)
{
    struct holo_writer *w = s->w;
    struct holo_entry earlier; /* a single bad entry's prior state */
    struct holo_entry *earlierp = &earlier;
    struct holo_txn txn;
    holo_txn_reset(&txn);
    for (int attempt = 0;; attempt++) {
        struct hf_error e;
        hf_error_clear(&e);
        enum holo_err_class cls = HOLO_OK;
        if (exec_set(s, ents, n, &txn, &cls, &e) == 0)
            return 0;
        if (cls == HOLO_ERR_RETRY && attempt < w->cfg->retry_count) {
            hf_log_warn("hologres shard %u: %s; reconnecting and retrying the "
                        "flush of %u row(s) (attempt %d of %d)",
                        s->index, e.msg, n, attempt + 1, w->cfg->retry_count);
            atomic_fetch_add(&w->stats->retries, 1);
            holo_backoff_sleep(w->cfg, attempt + 1);
            struct hf_error re;
            hf_error_clear(&re);
            if (holo_conn_reconnect(&s->conn, &re) != 0) {
                *err = re;
                return -1;
            }
            if (holo_txn_in_doubt(&txn)) {
                char what[160];
                holo_writer_what(w, s->index, what, sizeof what);
                int committed = holo_txn_resolve(
                    &s->conn, &txn, holo_writer_idempotent(w), what, &re);
                if (committed < 0) {
                    *err = re;
                    hf_error_prefix(err, "writing to \"%s\".\"%s\": ",
                                    w->meta.schema, w->meta.table);
                    return -1;
                }
                atomic_fetch_add(&w->stats->in_doubt, 1);
                if (committed)
                    return 0;
            }
            continue;
        }
        if (cls == HOLO_ERR_DATA) {
            if (n == 1) {
                const struct holo_entry *en = ents[0];
                int rc = holo_dirty_entry(w, en, e.msg, err);
                if (rc != 0)
                    return rc;
                s->flush_dirty++; /* skipped: not written */
                if (en->prior == NULL)
                    return 0;
                /* The last change of the key made the row bad: write the
                 * key's state from the changes before it (a loop, not a
                 * recursion: a key may have folded many bad changes). */
                earlier = *en->prior;
                ents = &earlierp;
                attempt = -1;
                continue;
            }
            uint32_t half = n / 2;
            if (flush_set(s, ents, half, err) != 0)
                return -1;
            return flush_set(s, ents + half, n - half, err);
        }
        *err = e;
        hf_error_prefix(err, "writing to \"%s\".\"%s\": ", w->meta.schema,
                        w->meta.table);
        return -1;
    }
}

static int insert_flush(struct holo_shard *s, struct holo_buffer *b,
                        struct hf_error *err)
{
    struct holo_entry **ents = malloc(b->n * sizeof *ents);
    if (ents == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    for (uint32_t i = 0; i < b->n; i++)
        ents[i] = &b->entries[i];
    int rc = flush_set(s, ents, b->n, err);
    free(ents);
    return rc;
}

/* ------------------------------------------------------------ the mode */

static int insert_shard_init(struct holo_shard *sh, struct hf_error *err)
{
    struct insert_shard *s = calloc(1, sizeof *s);
    if (s == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    sh->mode_state = s;
    hf_strbuf_init(&s->sql, 0);
    hf_strbuf_init(&s->lits, 0);
    s->nparams = sh->w->schema->ncols + 2;
    s->params = calloc(s->nparams, sizeof *s->params);
    if (s->params == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    for (uint32_t i = 0; i < s->nparams; i++)
        hf_strbuf_init(&s->params[i], 0);
    return 0;
}

static void insert_shard_free(struct holo_shard *sh)
{
    struct insert_shard *s = sh->mode_state;
    for (uint32_t p = 0; s->params && p < s->nparams; p++)
        hf_strbuf_free(&s->params[p]);
    free(s->params);
    for (uint32_t p = 0; p < s->nprep; p++)
        free(s->prep[p].target);
    hf_strbuf_free(&s->sql);
    hf_strbuf_free(&s->lits);
    free(s);
    sh->mode_state = NULL;
}

const struct holo_flush_ops holo_insert_ops = {
    .batching = HOLO_BATCH_BACKLOG,
    .buffer_cap = 1024,
    .timer = true,
    .commit_at_finish = false,
    .shard_init = insert_shard_init,
    .flush = insert_flush,
    .finish = NULL,
    .shard_free = insert_shard_free,
    .mode_free = NULL,
};
