/*
 * holo_copy.c - the COPY write modes of the hologres sink (see
 * holo_copy.h for what they guarantee).
 *
 * Structure: the writer of holo_writer.c routes rows into shard buffers
 * (folding per key, holo_fold.h), hands full or old buffers to the shard
 * workers and applies back-pressure, as for INSERT; this file is the
 * `struct holo_flush_ops` it runs with (copy_stream_ops, copy_bulk_ops).
 * A worker writes a buffer on its shard's connection (copy_flush): in its
 * own transaction (COPY_STREAM, retried on transient errors) or inside the
 * load's one open transaction (bulk, committed by copy_bulk_finish at the
 * writer's flush). Per buffer: group the entries by partition child
 * (holo_part_group), then per child apply_isolated = savepoint + apply
 * (deletes, nullifies, COPY of upserts straight or through staging) with
 * bad-row isolation.
 *
 * State: `struct copy_mode` (the writer's mode_state) holds the resolved
 * mode and the per-column COPY plan, fixed once the writer starts;
 * `struct copy_shard` (a shard's mode_state) is used by the shard's worker,
 * and by the flushing caller only while the worker is idle (copy_bulk_finish
 * after the writer's wait for idle shards; the shard lock orders the
 * accesses).
 */
#include "connectors/hologres/holo_copy.h"

#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "connectors/hologres/holo_copy_par.h"
#include "connectors/hologres/holo_copy_sql.h"
#include "connectors/hologres/holo_nested.h"
#include "connectors/hologres/holo_encode.h"
#include "connectors/hologres/holo_load_record.h"
#include "connectors/hologres/holo_part.h"
#include "connectors/hologres/holo_sql.h"
#include "connectors/hologres/holo_txn.h"
#include "connectors/hologres/holo_writer_int.h"
#include "core/failpoint.h"
#include "core/log.h"
#include "core/valueconv.h"

/* Bytes of COPY data encoded before they are handed to libpq, so the
 * server works while the rest is encoded. */
#define SEND_CHUNK (128 * 1024)
/* After a key conflict, the straight COPY is re-tried every this many
 * buffers. */
#define PROBE_EVERY 16

/* The writer's COPY state (holo_writer.mode_state). */
struct copy_mode {
    enum holo_write_mode mode; /* resolved: a COPY_* mode */
    bool bulk;                 /* one transaction until flush */
    bool batch_mode;
    const atomic_int *stopping;
    bool hologres;
    bool text;
    bool empty;       /* the table held no row at open */
    bool conflicts;   /* PostgreSQL resolves key conflicts (staging) */
    bool staging;     /* the staging table may be needed */
    bool fill_static; /* an unwritten NOT NULL column needs a zero value */
    bool par;         /* a bulk load over several connections through
                         staging tables (holo_copy_par.h) */
    bool record;      /* sink.bulk-load.commit-record: the record table
                         is there; the load's transaction writes it */
    struct holo_copy_col *plan; /* per written column, in w->cols order */
    uint32_t *fill_cols;        /* written non-key NOT NULL job columns */
    uint32_t nfill;
};

/* A shard's COPY state (holo_shard.mode_state). */
struct copy_shard {
    struct holo_shard *sh;
    struct holo_writer *w;
    const struct copy_mode *cm;
    bool in_txn;        /* bulk: the load's transaction is open */
    struct holo_txn txn; /* the open transaction (its id: holo_txn.h) */
    unsigned stage_gen; /* conn.generation + 1 of the staging table */
    bool direct_ok;     /* straight COPY worked last time */
    uint32_t since_probe;
    char state[6];         /* SQLSTATE of the last failed statement */
    struct hf_strbuf data; /* COPY data being sent */
    struct hf_strbuf sql;
    struct hf_strbuf tmp;
    struct hf_strbuf *params; /* key arrays of DELETE / UPDATE */
    uint32_t nparams;
    struct hf_strbuf lits;
};

/* ------------------------------------------------------------ statements */

/* Keep the SQLSTATE of a failed result, then classify it. */
static enum holo_err_class fail_result(struct copy_shard *s, PGresult *r,
                                       struct hf_error *err)
{
    const char *st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    snprintf(s->state, sizeof s->state, "%s", st ? st : "");
    return holo_conn_classify(&s->sh->conn, r, err);
}

/* Run one statement without parameters. 0, or -1 with cls/err. */
static int run(struct copy_shard *s, const char *sql, enum holo_err_class *cls,
               struct hf_error *err)
{
    PGresult *r = PQexec(s->sh->conn.pg, sql);
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        PQclear(r);
        return 0;
    }
    *cls = fail_result(s, r, err);
    PQclear(r);
    return -1;
}

/* End a failed transaction so the connection is usable (best effort). */
static void rollback(struct copy_shard *s)
{
    if (s->sh->conn.pg && PQstatus(s->sh->conn.pg) == CONNECTION_OK &&
        PQtransactionStatus(s->sh->conn.pg) != PQTRANS_IDLE) {
        PGresult *r = PQexec(s->sh->conn.pg, "ROLLBACK");
        PQclear(r);
    }
    s->in_txn = false;
}

/* The staging table exists on this connection (created outside any
 * savepoint, so a rolled-back buffer keeps it). */
static int ensure_stage(struct copy_shard *s, enum holo_err_class *cls,
                        struct hf_error *err)
{
    if (s->stage_gen == s->sh->conn.generation + 1)
        return 0;
    const struct holo_writer *w = s->w;
    struct holo_stmt_spec spec;
    holo_writer_spec(w, &s->sh->conn, w->meta.schema, w->meta.table, &spec);
    hf_strbuf_reset(&s->sql);
    if (holo_copy_stage_sql(&spec, &s->sql, err) != 0) {
        *cls = HOLO_ERR_FATAL;
        return -1;
    }
    if (run(s, s->sql.data, cls, err) != 0)
        return -1;
    s->stage_gen = s->sh->conn.generation + 1;
    return 0;
}

/* ------------------------------------------------------------ keyed */

/* Encode the key columns of `ents` as one array parameter each. */
static int encode_key_param(struct copy_shard *s, uint32_t p, uint32_t c,
                            struct holo_entry **ents, uint32_t n,
                            struct hf_error *err)
{
    const struct hf_type *t = &s->w->schema->cols[c].type;
    struct hf_strbuf *out = &s->params[p];
    hf_strbuf_reset(out);
    const struct hf_value **vp = malloc((n ? n : 1) * sizeof *vp);
    struct hf_value *tmp = malloc((n ? n : 1) * sizeof *tmp);
    int rc = 0;
    if (vp == NULL || tmp == NULL) {
        rc = hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (!hf_type_is_nested(t->id)) {
        for (uint32_t i = 0; i < n; i++)
            vp[i] = &ents[i]->vals[c];
        rc = holo_encode_array(out, t, vp, n, err);
        goto out;
    }
    /* A nested key column: a text[] of text input forms, as INSERT mode. */
    const struct holo_column *target = &s->w->meta.cols[s->w->map[c]];
    bool nested = holo_nested_col(t, target);
    hf_strbuf_reset(&s->lits);
    size_t *offs = malloc((n ? n : 1) * 2 * sizeof *offs);
    if (offs == NULL) {
        rc = hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (uint32_t i = 0; i < n && rc == 0; i++) {
        offs[2 * i] = s->lits.len;
        if (!ents[i]->vals[c].null)
            rc = nested ? holo_nested_text(&s->lits, target, t,
                                           &ents[i]->vals[c], err)
                        : holo_encode_array_literal(&s->lits, t,
                                                    &ents[i]->vals[c], err);
        offs[2 * i + 1] = s->lits.len - offs[2 * i];
    }
    if (rc == 0 && !hf_strbuf_ok(&s->lits))
        rc = hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    for (uint32_t i = 0; i < n && rc == 0; i++) {
        tmp[i].null = ents[i]->vals[c].null;
        tmp[i].v.s.ptr = s->lits.data + offs[2 * i];
        tmp[i].v.s.len = (uint32_t)offs[2 * i + 1];
        vp[i] = &tmp[i];
    }
    free(offs);
    if (rc == 0) {
        struct hf_type text = hf_type_make(HF_VARCHAR);
        rc = holo_encode_array(out, &text, vp, n, err);
    }
out:
    free(vp);
    free(tmp);
    return rc;
}

/* DELETE (delete = true) or nullify the keys of `ents` in the spec's
 * table. 0, or -1 with cls/err. */
static int run_keyed(struct copy_shard *s, const struct holo_stmt_spec *spec,
                     bool delete, struct holo_entry **ents, uint32_t n,
                     enum holo_err_class *cls, struct hf_error *err)
{
    hf_strbuf_reset(&s->sql);
    int rc = delete ? holo_sql_delete(spec, &s->sql, err)
                    : holo_sql_nullify(spec, &s->sql, err);
    if (rc != 0 || !hf_strbuf_ok(&s->sql)) {
        *cls = HOLO_ERR_FATAL;
        if (rc == 0)
            hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        return -1;
    }
    uint32_t cols[spec->job->ncols + 1];
    uint32_t ncols = holo_sql_key_params(spec, cols);
    if (ncols > s->nparams) {
        *cls = HOLO_ERR_FATAL;
        return hf_error_set(err, HF_ERR_USAGE, "too many key columns");
    }
    const char *values[ncols ? ncols : 1];
    int lengths[ncols ? ncols : 1];
    int formats[ncols ? ncols : 1];
    for (uint32_t p = 0; p < ncols; p++) {
        if (encode_key_param(s, p, cols[p], ents, n, err) != 0) {
            *cls = HOLO_ERR_DATA;
            return -1;
        }
        if (!hf_strbuf_ok(&s->params[p])) {
            *cls = HOLO_ERR_FATAL;
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        }
        values[p] = s->params[p].data;
        lengths[p] = (int)s->params[p].len;
        formats[p] = 1;
    }
    PGresult *r = PQexecParams(s->sh->conn.pg, s->sql.data, (int)ncols, NULL,
                               values, lengths, formats, 0);
    if (PQresultStatus(r) == PGRES_COMMAND_OK) {
        PQclear(r);
        return 0;
    }
    *cls = fail_result(s, r, err);
    PQclear(r);
    return -1;
}

/* ------------------------------------------------------------ COPY */

/* Append row `vals` to s->data in the writer's format. 0 or -1. */
static int encode_row(struct copy_shard *s, const struct hf_value *vals,
                      struct hf_error *err)
{
    const struct copy_mode *cm = s->cm;
    uint32_t n = s->w->ncols;
    if (!cm->text) {
        uint32_t bad = 0;
        if (holo_copy_put_row_binary(&s->data, cm->plan, n, vals, &bad, err) !=
            0) {
            hf_error_prefix(err, "column '%s': ",
                            s->w->schema->cols[cm->plan[bad].job_col].name);
            return -1;
        }
        return 0;
    }
    char delim = s->w->cfg->field_delimiter;
    for (uint32_t i = 0; i < n; i++) {
        const struct holo_copy_col *c = &cm->plan[i];
        if (i > 0)
            hf_strbuf_putc(&s->data, delim);
        if (holo_copy_put_text(&s->data, c, &vals[c->job_col], delim, &s->tmp,
                               err) != 0) {
            hf_error_prefix(
                err, "column '%s': ", s->w->schema->cols[c->job_col].name);
            return -1;
        }
    }
    hf_strbuf_putc(&s->data, '\n');
    return 0;
}

/* The 1-based line of a COPY error ("COPY t, line 12, column x: ..."),
 * or 0. */
static long copy_error_line(const PGresult *r)
{
    const char *ctx = r ? PQresultErrorField(r, PG_DIAG_CONTEXT) : NULL;
    const char *p = ctx ? strstr(ctx, "COPY ") : NULL;
    p = p ? strstr(p, ", line ") : NULL;
    if (p == NULL)
        return 0;
    char *end;
    long line = strtol(p + 7, &end, 10);
    return line > 0 ? line : 0;
}

/* Wait for the results of a COPY; drains them all. 0, or -1. */
static int copy_result(struct copy_shard *s, struct holo_entry **ents,
                       uint32_t n, struct holo_entry **bad,
                       enum holo_err_class *cls, struct hf_error *err)
{
    int rc = 0;
    PGresult *r;
    while ((r = PQgetResult(s->sh->conn.pg)) != NULL) {
        if (rc == 0 && PQresultStatus(r) != PGRES_COMMAND_OK) {
            *cls = fail_result(s, r, err);
            long line = copy_error_line(r);
            if (*cls == HOLO_ERR_DATA && line > 0 && (uint64_t)line <= n)
                *bad = ents[line - 1];
            rc = -1;
        }
        PQclear(r);
    }
    if (rc == 0 && PQstatus(s->sh->conn.pg) != CONNECTION_OK) {
        *cls = fail_result(s, NULL, err);
        rc = -1;
    }
    return rc;
}

static int lost(struct copy_shard *s, enum holo_err_class *cls,
                struct hf_error *err)
{
    *cls = HOLO_ERR_RETRY;
    s->state[0] = '\0';
    return hf_error_set(err, HF_ERR_CONNECT, "connection lost during COPY: %s",
                        PQerrorMessage(s->sh->conn.pg));
}

/* COPY `ents` into the spec's table (`conflict`: Hologres resolves key
 * conflicts). On a data error whose row is known, *bad is that entry. */
static int copy_rows(struct copy_shard *s, const struct holo_stmt_spec *spec,
                     bool conflict, struct holo_entry **ents, uint32_t n,
                     struct holo_entry **bad, enum holo_err_class *cls,
                     struct hf_error *err)
{
    PGconn *pg = s->sh->conn.pg;
    hf_strbuf_reset(&s->sql);
    if (holo_copy_sql(spec, s->cm->mode, conflict, &s->sql, err) != 0) {
        *cls = HOLO_ERR_FATAL;
        return -1;
    }
    PGresult *r = PQexec(pg, s->sql.data);
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        *cls = fail_result(s, r, err);
        PQclear(r);
        return -1;
    }
    PQclear(r);
    hf_strbuf_reset(&s->data);
    if (!s->cm->text)
        holo_copy_header(&s->data);
    for (uint32_t i = 0; i < n; i++) {
        struct hf_error e;
        hf_error_clear(&e);
        if (encode_row(s, ents[i]->vals, &e) != 0 || !hf_strbuf_ok(&s->data)) {
            /* This row cannot be sent: abort the COPY, name the row. */
            if (!hf_error_is_set(&e))
                hf_error_set(&e, HF_ERR_NOMEM,
                             "out of memory encoding a "
                             "row for COPY");
            PQputCopyEnd(pg, "holoflow: a row could not be encoded");
            struct hf_error ignored;
            hf_error_clear(&ignored);
            enum holo_err_class c2;
            copy_result(s, ents, n, bad, &c2, &ignored);
            *err = e;
            *bad = ents[i];
            *cls = e.code == HF_ERR_NOMEM ? HOLO_ERR_FATAL : HOLO_ERR_DATA;
            return -1;
        }
        if (s->data.len >= SEND_CHUNK) {
            if (PQputCopyData(pg, s->data.data, (int)s->data.len) != 1)
                return lost(s, cls, err);
            hf_strbuf_reset(&s->data);
        }
    }
    if (!s->cm->text)
        holo_copy_trailer(&s->data);
    if ((s->data.len > 0 &&
         PQputCopyData(pg, s->data.data, (int)s->data.len) != 1) ||
        PQputCopyEnd(pg, NULL) != 1)
        return lost(s, cls, err);
    return copy_result(s, ents, n, bad, cls, err);
}

/* Whether some entry has a NULL in a NOT NULL column that the INSERT
 * fills with the default (sink.default-for-not-null-column). */
static bool needs_fill(const struct copy_mode *cm, struct holo_entry **ents,
                       uint32_t n)
{
    if (cm->fill_static)
        return true;
    for (uint32_t f = 0; f < cm->nfill; f++)
        for (uint32_t i = 0; i < n; i++)
            if (ents[i]->vals[cm->fill_cols[f]].null)
                return true;
    return false;
}

/* COPY into the staging table, INSERT ... SELECT from it into the spec's
 * table (ON CONFLICT by the action when `conflict`), empty it. */
static int copy_staged(struct copy_shard *s, const struct holo_stmt_spec *spec,
                       bool conflict, struct holo_entry **ents, uint32_t n,
                       struct holo_entry **bad, enum holo_err_class *cls,
                       struct hf_error *err)
{
    struct holo_stmt_spec stage = *spec;
    stage.schema = "pg_temp";
    stage.table = HOLO_COPY_STAGE;
    if (copy_rows(s, &stage, false, ents, n, bad, cls, err) != 0)
        return -1;
    struct holo_stmt_spec up = *spec;
    struct holo_table_meta nokey;
    if (!conflict) {
        /* A plain INSERT: a conflict is an error, as in a bulk load. */
        nokey = *spec->meta;
        nokey.npk = 0;
        up.meta = &nokey;
    }
    up.source_table = HOLO_COPY_STAGE_REL;
    hf_strbuf_reset(&s->sql);
    if (holo_sql_upsert(&up, &s->sql, err) != 0 || !hf_strbuf_ok(&s->sql)) {
        *cls = HOLO_ERR_FATAL;
        if (!hf_error_is_set(err))
            hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        return -1;
    }
    if (run(s, s->sql.data, cls, err) != 0)
        return -1;
    return run(s, "TRUNCATE " HOLO_COPY_STAGE_REL, cls, err);
}

/* Try the straight COPY this time? */
static bool want_direct(struct copy_shard *s)
{
    if (s->direct_ok)
        return true;
    if (++s->since_probe >= PROBE_EVERY) {
        s->since_probe = 0;
        return true;
    }
    return false;
}

/* Write the upserted rows `ents` into the spec's table. */
static int write_upserts(struct copy_shard *s,
                         const struct holo_stmt_spec *spec,
                         struct holo_entry **ents, uint32_t n,
                         struct holo_entry **bad, enum holo_err_class *cls,
                         struct hf_error *err)
{
    const struct copy_mode *cm = s->cm;
    if (cm->hologres)
        return copy_rows(s, spec, true, ents, n, bad, cls, err);
    bool fill = needs_fill(cm, ents, n);
    if (!cm->conflicts)
        return fill ? copy_staged(s, spec, false, ents, n, bad, cls, err)
                    : copy_rows(s, spec, false, ents, n, bad, cls, err);
    if (!fill && want_direct(s)) {
        if (run(s, "SAVEPOINT hf_direct", cls, err) != 0)
            return -1;
        struct hf_error e;
        hf_error_clear(&e);
        int rc = copy_rows(s, spec, false, ents, n, bad, cls, &e);
        if (rc == 0) {
            s->direct_ok = true;
            return run(s, "RELEASE SAVEPOINT hf_direct", cls, err);
        }
        if (strcmp(s->state, "23505") != 0) {
            *err = e;
            return -1;
        }
        /* A key exists: resolve through staging. */
        *bad = NULL;
        s->direct_ok = false;
        s->since_probe = 0;
        if (run(s,
                "ROLLBACK TO SAVEPOINT hf_direct; "
                "RELEASE SAVEPOINT hf_direct",
                cls, err) != 0)
            return -1;
    }
    return copy_staged(s, spec, true, ents, n, bad, cls, err);
}

/* Everything of group `g` (its entries replaced by ents[0..n)). */
static int apply(struct copy_shard *s, const struct holo_group *g,
                 struct holo_entry **ents, uint32_t n, struct holo_entry **bad,
                 enum holo_err_class *cls, struct hf_error *err)
{
    struct holo_stmt_spec spec;
    holo_writer_spec(s->w, &s->sh->conn, g->schema, g->table, &spec);
    struct holo_entry **sel = malloc((n ? n : 1) * sizeof *sel);
    if (sel == NULL) {
        *cls = HOLO_ERR_FATAL;
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    struct holo_group sub = {g->schema, g->table, ents, n};
    int rc = 0;
    uint32_t k = holo_group_pick(&sub, HOLO_ACT_DELETE, HOLO_ACT_REPLACE, sel);
    if (k)
        rc = run_keyed(s, &spec, true, sel, k, cls, err);
    k = rc ? 0 : holo_group_pick(&sub, HOLO_ACT_NULLIFY, HOLO_ACT_NULLIFY, sel);
    if (k)
        rc = run_keyed(s, &spec, false, sel, k, cls, err);
    k = rc ? 0 : holo_group_pick(&sub, HOLO_ACT_UPSERT, HOLO_ACT_REPLACE, sel);
    if (k)
        rc = write_upserts(s, &spec, sel, k, bad, cls, err);
    free(sel);
    return rc;
}

/* A row that cannot be written: fail (EXCEPTION) or record it (SKIP).
 * A reason naming no column gets the values that do not fit their
 * column, as in INSERT mode. */
static int dirty(struct copy_shard *s, const struct holo_entry *en,
                 const char *reason, enum holo_err_class *cls,
                 struct hf_error *err)
{
    if (holo_dirty_entry(s->w, en, reason, err) != 0) {
        *cls = HOLO_ERR_FATAL;
        return -1;
    }
    s->sh->flush_dirty++;
    return 0;
}

/* holo_part_group's NULL partition value: a dirty row. */
static int null_part(void *ctx, const struct holo_entry *en, const char *reason,
                     enum holo_err_class *cls, struct hf_error *err)
{
    return dirty(ctx, en, reason, cls, err);
}

/* Take the bad entry out of cur[0..n): the key's state before its last
 * change (holo_entry.prior) replaces it when there is one, so only the
 * bad change is lost. Returns the new count. */
static uint32_t drop_bad(struct holo_entry **cur, uint32_t n,
                         const struct holo_entry *bad)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (cur[i] != bad)
            cur[k++] = cur[i];
        else if (bad->prior != NULL)
            cur[k++] = (struct holo_entry *)bad->prior; /* only read */
    }
    return k;
}

/* Apply ents[0..n) of group g under a savepoint; on a data error roll it
 * back, deal with the bad row (named by COPY, or found by halving) and
 * send the others again. 0, or -1 with cls/err. The entries are only
 * read; `ents` itself is not changed (a private copy is). */
static int apply_isolated(struct copy_shard *s, const struct holo_group *g,
                          struct holo_entry **ents, uint32_t n,
                          enum holo_err_class *cls, struct hf_error *err)
{
    struct holo_entry **cur = ents;
    struct holo_entry **own = NULL;
    /* Hologres: no savepoints (its COPY modes are not transactional); a
     * bad row's buffer is sent again without it, which the on-conflict
     * action makes harmless for the rows already written. */
    bool sp = !s->sh->conn.hologres;
    int rc = 0;
    while (n > 0) {
        if (sp && run(s, "SAVEPOINT hf_buffer", cls, err) != 0) {
            rc = -1;
            break;
        }
        struct holo_entry *bad = NULL;
        struct hf_error e;
        hf_error_clear(&e);
        if (apply(s, g, cur, n, &bad, cls, &e) == 0) {
            rc = sp ? run(s, "RELEASE SAVEPOINT hf_buffer", cls, err) : 0;
            break;
        }
        if (*cls != HOLO_ERR_DATA) {
            *err = e;
            rc = -1;
            break;
        }
        if (sp && run(s,
                      "ROLLBACK TO SAVEPOINT hf_buffer; "
                      "RELEASE SAVEPOINT hf_buffer",
                      cls, err) != 0) {
            rc = -1;
            break;
        }
        if (bad == NULL && n == 1)
            bad = cur[0];
        if (bad != NULL) {
            if (dirty(s, bad, e.msg, cls, err) != 0) {
                rc = -1;
                break;
            }
            /* Send the others again, without it. */
            if (own == NULL) {
                own = malloc(n * sizeof *own);
                if (own == NULL) {
                    *cls = HOLO_ERR_FATAL;
                    rc = hf_error_set(err, HF_ERR_NOMEM, "out of memory");
                    break;
                }
                memcpy(own, cur, n * sizeof *own);
                cur = own;
            }
            n = drop_bad(cur, n, bad);
            continue;
        }
        uint32_t half = n / 2;
        rc = apply_isolated(s, g, cur, half, cls, err);
        if (rc == 0)
            rc = apply_isolated(s, g, cur + half, n - half, cls, err);
        break;
    }
    free(own);
    return rc;
}

/* ------------------------------------------------------------ a buffer */

/* When write_set opens the transaction. */
enum begin_at {
    BEGIN_NONE,       /* one is open (a bulk load's later buffers) */
    BEGIN_FIRST,      /* before routing: a bulk load creates missing
                         partition children inside its transaction */
    BEGIN_AFTER_ROUTE /* after routing: COPY_STREAM creates them at once */
};

/* sink.bulk-load.truncate(-partition): empty the table, or delete one
 * LIST partition's rows, as the first statement of the bulk load's
 * transaction, so the load replaces that data atomically. Identifiers are
 * quoted; the partition value goes as a parameter. */
static int bulk_truncate(struct copy_shard *s, enum holo_err_class *cls,
                         struct hf_error *err)
{
    const struct holo_config *cfg = s->w->cfg;
    const struct holo_table_meta *m = &s->w->meta;
    if (!cfg->bulk_truncate && cfg->bulk_truncate_part == NULL)
        return 0;
    struct hf_strbuf q;
    hf_strbuf_init(&q, 0);
    int rc = 0;
    if (cfg->bulk_truncate_part != NULL) {
        if (!m->partitioned || m->part_col < 0) {
            hf_strbuf_free(&q);
            *cls = HOLO_ERR_FATAL;
            return hf_error_set(err, HF_ERR_OPTION,
                                "'sink.bulk-load.truncate-partition' needs a "
                                "LIST-partitioned table; \"%s\".\"%s\" is "
                                "not partitioned",
                                m->schema, m->table);
        }
        hf_strbuf_puts(&q, "DELETE FROM ");
        hf_strbuf_put_ident(&q, m->schema);
        hf_strbuf_putc(&q, '.');
        hf_strbuf_put_ident(&q, m->table);
        hf_strbuf_puts(&q, " WHERE ");
        hf_strbuf_put_ident(&q, m->cols[m->part_col].name);
        hf_strbuf_puts(&q, " = $1");
        const char *vals[1] = {cfg->bulk_truncate_part};
        PGresult *r = PQexecParams(s->sh->conn.pg, q.data, 1, NULL, vals,
                                   NULL, NULL, 0);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            *cls = holo_conn_classify(&s->sh->conn, r, err);
            hf_error_prefix(err, "emptying partition '%s' before the load: ",
                            cfg->bulk_truncate_part);
            rc = -1;
        } else {
            hf_log_info("hologres sink \"%s\".\"%s\": partition %s emptied "
                        "(%s row(s)) inside the load's transaction",
                        m->schema, m->table, cfg->bulk_truncate_part,
                        PQcmdTuples(r));
        }
        PQclear(r);
    } else {
        hf_strbuf_puts(&q, "TRUNCATE ");
        hf_strbuf_put_ident(&q, m->schema);
        hf_strbuf_putc(&q, '.');
        hf_strbuf_put_ident(&q, m->table);
        rc = holo_conn_exec(&s->sh->conn, q.data, cls, err);
        if (rc == 0)
            hf_log_info("hologres sink \"%s\".\"%s\": truncated inside "
                        "the load's transaction",
                        m->schema, m->table);
    }
    hf_strbuf_free(&q);
    return rc;
}

/* Route and apply ents inside a transaction. */
static int write_set(struct copy_shard *s, struct holo_entry **ents, uint32_t n,
                     enum begin_at begin, enum holo_err_class *cls,
                     struct hf_error *err)
{
    struct holo_group *groups = malloc((n ? n : 1) * sizeof *groups);
    struct holo_entry **scratch = malloc((n ? n : 1) * sizeof *scratch);
    struct hf_arena names;
    hf_arena_init(&names);
    uint32_t ng = 0;
    int rc = 0;
    if (groups == NULL || scratch == NULL) {
        *cls = HOLO_ERR_FATAL;
        rc = hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (!s->sh->conn.hologres && s->cm->staging)
        rc = ensure_stage(s, cls, err);
    if (s->sh->conn.hologres)
        begin = BEGIN_NONE; /* statements on their own (see holo_copy.h) */
    if (rc == 0 && begin == BEGIN_FIRST) {
        rc = holo_txn_begin(&s->sh->conn, &s->txn, cls, err);
        /* A parallel load truncates in its final transaction. */
        if (rc == 0 && s->cm->bulk && !s->cm->par)
            rc = bulk_truncate(s, cls, err);
    }
    if (rc == 0)
        rc = holo_part_group(s->w, &s->sh->conn, ents, n, groups, &ng, scratch,
                             &names, null_part, s, cls, err);
    if (rc == 0 && begin == BEGIN_AFTER_ROUTE)
        rc = holo_txn_begin(&s->sh->conn, &s->txn, cls, err);
    for (uint32_t i = 0; i < ng && rc == 0; i++)
        rc = apply_isolated(s, &groups[i], groups[i].ents, groups[i].n, cls,
                            err);
out:
    hf_arena_free(&names);
    free(groups);
    free(scratch);
    return rc;
}

/* COPY_STREAM: the buffer is one transaction, retried on transient
 * errors; a COMMIT left in doubt by a lost connection is resolved before
 * anything is written again (holo_txn.h). */
static int flush_stream(struct copy_shard *s, struct holo_entry **ents,
                        uint32_t n, struct hf_error *err)
{
    struct hf_error e;
    for (int attempt = 0;; attempt++) {
        hf_error_clear(&e);
        enum holo_err_class cls = HOLO_OK;
        uint64_t dirty_before = s->sh->flush_dirty;
        holo_txn_reset(&s->txn);
        int rc = write_set(s, ents, n, BEGIN_AFTER_ROUTE, &cls, &e);
        if (rc == 0 && !s->sh->conn.hologres)
            rc = holo_txn_commit(&s->sh->conn, &s->txn,
                                 "holo.copy.commit-result-lost", &cls, &e);
        if (rc == 0)
            return 0;
        rollback(s);
        if (cls != HOLO_ERR_RETRY || attempt >= s->w->cfg->retry_count)
            break;
        hf_log_warn("hologres shard %u: %s; reconnecting and writing the "
                    "%u row(s) again (attempt %d of %d)",
                    s->sh->index, e.msg, n, attempt + 1,
                    s->w->cfg->retry_count);
        atomic_fetch_add(&s->w->stats->retries, 1);
        uint64_t dirty_after = s->sh->flush_dirty;
        s->sh->flush_dirty = dirty_before;
        holo_backoff_sleep(s->w->cfg, attempt + 1);
        hf_error_clear(&e);
        if (holo_conn_reconnect(&s->sh->conn, &e) != 0) {
            *err = e;
            return -1;
        }
        if (holo_txn_in_doubt(&s->txn)) {
            char what[160];
            holo_writer_what(s->w, s->sh->index, what, sizeof what);
            int committed = holo_txn_resolve(&s->sh->conn, &s->txn,
                                             holo_writer_idempotent(s->w),
                                             what, &e);
            if (committed < 0)
                break;
            if (committed) {
                s->sh->flush_dirty = dirty_after;
                return 0;
            }
        }
    }
    *err = e;
    hf_error_prefix(err, "writing to \"%s\".\"%s\": ", s->w->meta.schema,
                    s->w->meta.table);
    return -1;
}

/* A bulk load: inside the one transaction; any failure fails the load. */
static int flush_bulk(struct copy_shard *s, struct holo_entry **ents,
                      uint32_t n, struct hf_error *err)
{
    const struct copy_mode *cm = s->cm;
    enum holo_err_class cls = HOLO_OK;
    enum begin_at begin = s->in_txn ? BEGIN_NONE : BEGIN_FIRST;
    s->in_txn = !s->sh->conn.hologres;
    if (write_set(s, ents, n, begin, &cls, err) == 0)
        return 0;
    rollback(s);
    hf_error_prefix(err,
                    "%s into \"%s\".\"%s\" failed and was rolled back (the "
                    "table is unchanged): ",
                    holo_copy_mode_name(cm->mode), s->w->meta.schema,
                    s->w->meta.table);
    return -1;
}

/* ops->flush: write one buffer (the writer skips empty ones). */
static int copy_flush(struct holo_shard *sh, struct holo_buffer *b,
                      struct hf_error *err)
{
    struct copy_shard *s = sh->mode_state;
    struct holo_entry **ents = malloc(b->n * sizeof *ents);
    if (ents == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    for (uint32_t i = 0; i < b->n; i++)
        ents[i] = &b->entries[i];
    int rc = s->cm->bulk ? flush_bulk(s, ents, b->n, err)
                         : flush_stream(s, ents, b->n, err);
    free(ents);
    return rc;
}

/* ------------------------------------------------------------ the end */

/* COMMIT a bulk load's transaction. A COMMIT left in doubt by a lost
 * connection is resolved on a new one (holo_txn.h). 0 committed; -1 not
 * committed (rolled back), with err; -2 unknown, with err. */
static int commit_bulk(struct copy_shard *s, struct hf_error *err)
{
    enum holo_err_class cls;
    if (holo_txn_commit(&s->sh->conn, &s->txn, "holo.copy.commit-result-lost",
                        &cls, err) == 0)
        return 0;
    if (!s->txn.commit_sent) {
        rollback(s);
        return -1;
    }
    if (!holo_txn_in_doubt(&s->txn))
        return -2; /* no transaction id to ask about */
    hf_log_warn("hologres shard %u: %s; reconnecting to learn whether the "
                "load committed",
                s->sh->index, err->msg);
    struct hf_error re;
    hf_error_clear(&re);
    if (holo_conn_reconnect(&s->sh->conn, &re) != 0) {
        *err = re;
        return -2;
    }
    char what[160];
    holo_writer_what(s->w, s->sh->index, what, sizeof what);
    /* A bulk load is never run again: "idempotent" does not apply. */
    int committed =
        holo_txn_resolve(&s->sh->conn, &s->txn, false, what, &re);
    if (committed == 1)
        return 0;
    if (committed == 0)
        return -1;
    *err = re;
    return -2;
}

/* sink.bulk-load.commit-record: the record goes into the transaction
 * about to commit on `c` (holo_load_record.h). 0, or -1 with err. */
static int write_record(struct holo_writer *w, struct holo_conn *c,
                        uint64_t rows, struct hf_error *err)
{
    const struct copy_mode *cm = w->mode_state;
    const char *key = w->cfg->bulk_record_key;
    if (key == NULL || !cm->record)
        return 0;
    char target[512];
    snprintf(target, sizeof target, "%s.%s", w->meta.schema, w->meta.table);
    enum holo_err_class cls;
    return holo_load_record_write(c, w->meta.schema, target, key, rows, &cls,
                                  err);
}

static int end_bulk_par(struct holo_writer *w, struct hf_error *err);

/* Commit (or roll back) the bulk load's transaction on every shard. The
 * workers are idle. */
static int end_bulk(struct holo_writer *w, bool commit, struct hf_error *err)
{
    const struct copy_mode *cm = w->mode_state;
    if (cm->par && commit)
        return end_bulk_par(w, err);
    int rc = 0;
    for (uint32_t i = 0; i < w->nshards; i++) {
        struct holo_shard *sh = &w->shards[i];
        struct copy_shard *s = sh->mode_state;
        if (!s->in_txn) { /* Hologres: written as it went */
            if (commit)
                atomic_fetch_add(&w->stats->rows_out, sh->pending);
            sh->pending = 0;
            continue;
        }
        if (!commit) {
            rollback(s);
            sh->pending = 0;
            continue;
        }
        struct hf_error e;
        hf_error_clear(&e);
        int c = write_record(w, &sh->conn, sh->pending, &e);
        if (c != 0)
            rollback(s);
        else
            c = commit_bulk(s, &e);
        if (c != 0) {
            if (rc == 0) {
                *err = e;
                hf_error_prefix(err,
                                c == -1 ? "committing the %s into "
                                          "\"%s\".\"%s\" failed; it was "
                                          "rolled back (the table is "
                                          "unchanged): "
                                        : "committing the %s into "
                                          "\"%s\".\"%s\" failed, and "
                                          "whether it committed is unknown: ",
                                holo_copy_mode_name(cm->mode), w->meta.schema,
                                w->meta.table);
                rc = -1;
            }
            s->in_txn = false;
            continue;
        }
        s->in_txn = false;
        atomic_fetch_add(&w->stats->rows_out, sh->pending);
        hf_log_info("hologres sink \"%s\".\"%s\": %s committed, %" PRIu64
                    " row(s)",
                    w->meta.schema, w->meta.table,
                    holo_copy_mode_name(cm->mode), sh->pending);
        sh->pending = 0;
    }
    return rc;
}

/* Open the final transaction of a parallel load on s0 and do its work
 * (holo_par_finish), without committing. While the parent is locked by
 * others (another load's transaction, a long query) it is tried again
 * after a growing pause, the staged tables kept: waiting without a limit
 * could deadlock through another load's client (docs/decisions.md). A
 * stop request ends the waiting. 0, or -1 with err (the transaction may
 * still be open). */
static int final_txn(struct holo_writer *w, struct copy_shard *s0,
                     struct hf_error *err)
{
    const struct copy_mode *cm = w->mode_state;
    unsigned pause_ms = 50;
    for (unsigned attempt = 1;; attempt++) {
        enum holo_err_class cls;
        holo_txn_reset(&s0->txn);
        /* Read committed whatever the server's default: the empty-child
         * check after the LOCK must see every row committed before it (a
         * repeatable-read snapshot, taken before the LOCK, would miss some
         * and the swap would drop them). */
        if (holo_txn_begin_with(&s0->sh->conn, &s0->txn,
                                "BEGIN ISOLATION LEVEL READ COMMITTED", &cls,
                                err) != 0)
            return -1;
        s0->in_txn = true;
        int rc = holo_par_finish(w, &s0->sh->conn, err);
        if (rc != 1)
            return rc;
        rollback(s0);
        if (cm->stopping && atomic_load(cm->stopping))
            return hf_error_set(err, HF_ERR_INTERRUPTED,
                                "stopped while waiting for the lock on the "
                                "table for the final transaction");
        if (attempt == 1 || attempt % 20 == 0)
            hf_log_info("hologres sink \"%s\".\"%s\": the table is locked "
                        "by another session (another load or a query); "
                        "waiting to make the staged rows visible (attempt "
                        "%u)",
                        w->meta.schema, w->meta.table, attempt);
        /* A share of the pause that differs per backend keeps two
         * waiting loads apart. */
        unsigned mix = (unsigned)PQbackendPID(s0->sh->conn.pg) * 2654435761u ^
                       attempt * 40503u;
        unsigned ms = pause_ms / 2 + mix % (pause_ms / 2 + 1);
        struct timespec ts = {.tv_sec = ms / 1000,
                              .tv_nsec = (long)(ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        if (pause_ms < 2000)
            pause_ms *= 2;
    }
}

/* A parallel load's end (holo_copy_par.h): commit every connection's
 * staging tables, then make them visible in one final transaction on the
 * first connection; on any failure drop the stages, so the target is as
 * before. */
static int end_bulk_par(struct holo_writer *w, struct hf_error *err)
{
    const struct copy_mode *cm = w->mode_state;
    struct copy_shard *s0 = w->shards[0].mode_state;
    uint64_t rows = 0;
    int rc = 0;
    for (uint32_t i = 0; i < w->nshards; i++) {
        struct holo_shard *sh = &w->shards[i];
        struct copy_shard *s = sh->mode_state;
        rows += sh->pending;
        sh->pending = 0;
        if (!s->in_txn)
            continue;
        if (rc != 0) {
            rollback(s);
            continue;
        }
        struct hf_error e;
        hf_error_clear(&e);
        /* A stage whose commit is in doubt is dropped below either way. */
        if (commit_bulk(s, &e) != 0) {
            *err = e;
            rc = -1;
        }
        s->in_txn = false;
    }
    if (rc == 0 && hf_failpoint("holo.copy.par-crash-before-final"))
        raise(SIGKILL); /* a kill -9 between the stages and the final */
    if (rc == 0 && holo_par_any(w->par)) {
        rc = final_txn(w, s0, err);
        if (rc == 0)
            rc = write_record(w, &s0->sh->conn, rows, err);
        if (rc == 0) {
            int c = commit_bulk(s0, err);
            s0->in_txn = false;
            if (c == -2) {
                /* Committed or not, the stages that are left go. */
                holo_par_abort(w, &s0->sh->conn);
                holo_par_reset(w->par);
                hf_error_prefix(err,
                                "committing the %s into \"%s\".\"%s\" "
                                "failed, and whether it committed is "
                                "unknown: ",
                                holo_copy_mode_name(cm->mode), w->meta.schema,
                                w->meta.table);
                return -1;
            }
            rc = c;
        } else {
            rollback(s0);
        }
    }
    if (rc != 0) {
        holo_par_abort(w, &s0->sh->conn);
        holo_par_reset(w->par);
        hf_error_prefix(err,
                        "%s into \"%s\".\"%s\" over %u connections failed "
                        "and was rolled back, its staging tables dropped (the "
                        "table is unchanged): ",
                        holo_copy_mode_name(cm->mode), w->meta.schema,
                        w->meta.table, w->nshards);
        return -1;
    }
    holo_par_reset(w->par);
    atomic_fetch_add(&w->stats->rows_out, rows);
    hf_log_info("hologres sink \"%s\".\"%s\": %s over %u connections "
                "committed, %" PRIu64 " row(s)",
                w->meta.schema, w->meta.table, holo_copy_mode_name(cm->mode),
                w->nshards, rows);
    return 0;
}

/* ops->finish of a bulk load: everything is written; commit, unless a
 * bounded job is being stopped before the end of its input. */
static int copy_bulk_finish(struct holo_writer *w, struct hf_error *err)
{
    const struct copy_mode *cm = w->mode_state;
    if (cm->batch_mode && cm->stopping && atomic_load(cm->stopping)) {
        /* A partial load must not become visible. */
        end_bulk(w, false, err);
        hf_error_set(err, HF_ERR_INTERRUPTED,
                     "%s into \"%s\".\"%s\" interrupted before the end of its "
                     "input: rolled back, the table is unchanged",
                     holo_copy_mode_name(cm->mode), w->meta.schema,
                     w->meta.table);
        hf_log_warn("hologres sink: %s", err->msg);
        return -1;
    }
    return end_bulk(w, true, err);
}

/* ------------------------------------------------------------ setup */

static bool is_key_col(const struct holo_writer *w, uint32_t mi)
{
    for (uint32_t k = 0; k < w->meta.npk; k++)
        if (w->meta.pk[k] == mi)
            return true;
    return false;
}

/* Per written column: its COPY plan; and which need default filling. */
static int setup_plan(const struct holo_writer *w, struct copy_mode *cm,
                      struct hf_error *err)
{
    cm->plan = calloc(w->ncols ? w->ncols : 1, sizeof *cm->plan);
    cm->fill_cols = calloc(w->ncols ? w->ncols : 1, sizeof *cm->fill_cols);
    if (cm->plan == NULL || cm->fill_cols == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    for (uint32_t i = 0; i < w->ncols; i++) {
        uint32_t c = w->cols[i];
        const struct holo_column *col = &w->meta.cols[w->map[c]];
        struct hf_error e;
        hf_error_clear(&e);
        if (holo_copy_plan_col(c, &w->schema->cols[c].type, col, &cm->plan[i],
                               &e) != 0) {
            if (!cm->text) {
                *err = e;
                return -1;
            }
            /* The text format needs no binary plan. */
            cm->plan[i].job_col = c;
            cm->plan[i].type = w->schema->cols[c].type;
            cm->plan[i].conv = HOLO_CONV_NONE;
        }
        if (w->cfg->default_for_not_null && col->not_null &&
            !is_key_col(w, w->map[c]))
            cm->fill_cols[cm->nfill++] = c;
    }
    /* An unwritten NOT NULL column without a default (partial insert)
     * gets the type's zero value from the INSERT: never COPY straight. */
    for (uint32_t mi = 0; mi < w->meta.ncols; mi++) {
        const struct holo_column *col = &w->meta.cols[mi];
        bool written = false;
        for (uint32_t i = 0; i < w->ncols && !written; i++)
            written = w->map[w->cols[i]] == mi;
        if (!written && col->not_null && col->default_expr == NULL &&
            !col->identity && !col->generated && w->cfg->default_for_not_null)
            cm->fill_static = true;
    }
    return 0;
}

/* Whether the table holds no row (so keys cannot conflict with it). */
static bool table_empty(struct holo_conn *c, const struct holo_table_meta *m)
{
    struct hf_strbuf q;
    hf_strbuf_init(&q, 0);
    hf_strbuf_puts(&q, "SELECT 1 FROM ");
    hf_strbuf_put_ident(&q, m->schema);
    hf_strbuf_putc(&q, '.');
    hf_strbuf_put_ident(&q, m->table);
    hf_strbuf_puts(&q, " LIMIT 1");
    bool empty = false;
    if (hf_strbuf_ok(&q)) {
        PGresult *r = PQexec(c->pg, q.data);
        empty = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 0;
        PQclear(r);
    }
    hf_strbuf_free(&q);
    return empty;
}

/* ops->shard_init: scratch buffers, the session settings of the mode. */
static int copy_shard_init(struct holo_shard *sh, struct hf_error *err)
{
    struct holo_writer *w = sh->w;
    const struct copy_mode *cm = w->mode_state;
    struct copy_shard *s = calloc(1, sizeof *s);
    if (s == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    sh->mode_state = s;
    s->sh = sh;
    s->w = w;
    s->cm = cm;
    s->direct_ok = cm->empty || cm->par; /* a staging table starts empty */
    hf_strbuf_init(&s->data, 0);
    hf_strbuf_init(&s->sql, 0);
    hf_strbuf_init(&s->tmp, 0);
    hf_strbuf_init(&s->lits, 0);
    if (cm->mode == HOLO_WM_COPY_BULK_LOAD) {
        /* A repeated key is a conflict, which must fail the load: never
         * fold it away (a repeated key hands the buffer off first, and
         * the COPY of the next one meets the key). */
        sh->bufs[0].fold = false;
        sh->bufs[1].fold = false;
    }
    s->nparams = w->schema->ncols + 2;
    s->params = calloc(s->nparams, sizeof *s->params);
    if (s->params == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    for (uint32_t i = 0; i < s->nparams; i++)
        hf_strbuf_init(&s->params[i], 0);
    enum holo_err_class cls;
    size_t nset = 0;
    const char *const *set =
        holo_copy_session_sql(sh->conn.hologres, cm->mode, &nset);
    for (size_t i = 0; i < nset; i++)
        if (holo_conn_exec(&sh->conn, set[i], &cls, err) != 0)
            return -1;
    return 0;
}

/* ops->shard_free: an uncommitted bulk load is rolled back. */
static void copy_shard_free(struct holo_shard *sh)
{
    struct copy_shard *s = sh->mode_state;
    if (s->in_txn) {
        hf_log_warn("hologres sink \"%s\".\"%s\": %s not committed: "
                    "rolled back, the table is unchanged",
                    s->w->meta.schema, s->w->meta.table,
                    holo_copy_mode_name(s->cm->mode));
        rollback(s);
    }
    for (uint32_t p = 0; s->params && p < s->nparams; p++)
        hf_strbuf_free(&s->params[p]);
    free(s->params);
    hf_strbuf_free(&s->data);
    hf_strbuf_free(&s->sql);
    hf_strbuf_free(&s->tmp);
    hf_strbuf_free(&s->lits);
    free(s);
    sh->mode_state = NULL;
}

static void copy_mode_free(struct holo_writer *w)
{
    struct copy_mode *cm = w->mode_state;
    holo_par_free(w->par);
    w->par = NULL;
    free(cm->plan);
    free(cm->fill_cols);
    free(cm);
    w->mode_state = NULL;
}

/* COPY_STREAM: a transaction per buffer. */
static const struct holo_flush_ops copy_stream_ops = {
    .batching = HOLO_BATCH_RAMP,
    .buffer_cap = 4096,
    .timer = true,
    .commit_at_finish = false,
    .shard_init = copy_shard_init,
    .flush = copy_flush,
    .finish = NULL,
    .shard_free = copy_shard_free,
    .mode_free = copy_mode_free,
};

/* COPY_BULK_LOAD(_ON_CONFLICT): one connection, one transaction committed
 * at the flush; no flush-interval (buffers go when full). */
static const struct holo_flush_ops copy_bulk_ops = {
    .batching = HOLO_BATCH_RAMP,
    .buffer_cap = 4096,
    .timer = false,
    .commit_at_finish = true,
    .shard_init = copy_shard_init,
    .flush = copy_flush,
    .finish = copy_bulk_finish,
    .shard_free = copy_shard_free,
    .mode_free = copy_mode_free,
};

const char *holo_copy_insert_only(const struct holo_config *cfg)
{
    if (cfg->cap_column)
        return "sink.check-and-put.column";
    if (cfg->conflict_update_set)
        return "sink.insert.conflict-update-set";
    if (cfg->conflict_where)
        return "sink.insert.conflict-where";
    if (cfg->ignore_null_when_update)
        return "sink.ignore-null-when-update.enabled";
    return NULL;
}

bool holo_copy_wanted(const struct holo_config *cfg, bool batch_mode)
{
    switch (cfg->write_mode) {
    case HOLO_WM_INSERT:
        return false;
    case HOLO_WM_AUTO:
        /* An option only INSERT honours keeps AUTO on INSERT, also in a
         * bounded job: a COPY mode would ignore it (docs/decisions.md). */
        return (batch_mode || cfg->bulkload) &&
               holo_copy_insert_only(cfg) == NULL;
    default:
        return true;
    }
}

struct holo_writer *holo_copy_writer_new(const struct holo_copy_args *a,
                                         enum holo_write_mode *resolved,
                                         struct hf_error *err)
{
    const struct holo_config *cfg = a->cfg;
    *resolved = cfg->write_mode;
    struct holo_writer *w =
        holo_writer_alloc(cfg, a->schema, a->stats, &copy_stream_ops, err);
    if (w == NULL)
        return NULL;
    struct copy_mode *cm = calloc(1, sizeof *cm);
    if (cm == NULL) {
        hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        goto fail;
    }
    w->mode_state = cm;
    cm->batch_mode = a->batch_mode;
    cm->stopping = a->stopping;
    cm->text = cfg->copy_format == HOLO_COPY_TEXT;

    /* The first connection reads the table and tells the dialect. */
    struct holo_conn first;
    if (holo_writer_open_table(w, a->written, a->vtypes, &first, err) != 0)
        goto fail;
    cm->hologres = first.hologres;
    cm->mode = cfg->write_mode;
    char why[256] = "";
    if (!cm->hologres && w->npk > 0)
        cm->empty = table_empty(&first, &w->meta);
    if (cm->mode == HOLO_WM_AUTO) {
        /* hologres.server.version, when given, stands for what the
         * server reports. */
        long hg = holo_copy_hg_version(
            cfg->hg_server_version ? cfg->hg_server_version : first.hg_version);
        cm->mode =
            holo_copy_resolve_auto(a->batch_mode || cfg->bulkload, cm->hologres,
                                   hg, w->npk, cm->empty, why, sizeof why);
        *resolved = cm->mode;
        hf_log_info("hologres sink \"%s\".\"%s\": write mode AUTO resolved "
                    "to %s (%s)",
                    w->meta.schema, w->meta.table,
                    holo_copy_mode_name(cm->mode), why);
        if (cm->mode == HOLO_WM_INSERT) {
            holo_conn_close(&first);
            holo_writer_destroy(w);
            return NULL;
        }
    }
    *resolved = cm->mode;
    cm->bulk = cm->mode != HOLO_WM_COPY_STREAM;
    w->ops = cm->bulk ? &copy_bulk_ops : &copy_stream_ops;
    cm->conflicts =
        !cm->hologres && w->npk > 0 && cm->mode != HOLO_WM_COPY_BULK_LOAD;
    if (setup_plan(w, cm, err) != 0) {
        holo_conn_close(&first);
        goto fail;
    }
    if (cm->bulk && !cm->hologres && cfg->bulk_record_key != NULL) {
        struct hf_error e;
        hf_error_clear(&e);
        cm->record = holo_load_record_ensure(&first, w->meta.schema, &e) == 0;
        if (!cm->record)
            hf_log_warn("hologres sink \"%s\".\"%s\": %s; the load runs "
                        "without its completion record (a resumed sync "
                        "loads it again whole)",
                        w->meta.schema, w->meta.table, e.msg);
    }
    cm->staging =
        !cm->hologres && (cm->conflicts || cm->nfill > 0 || cm->fill_static);
    /* A bulk load is one transaction, so one connection; or, into a LIST-
     * partitioned parent on PostgreSQL, several through staging tables
     * and one final transaction (holo_copy_par.h). */
    uint32_t nconn = cm->bulk ? 1 : (uint32_t)cfg->pool_size;
    if (cm->bulk && cfg->bulk_conns > 1) {
        const char *why_not = NULL;
        char refused[160];
        if (cm->hologres)
            why_not = "Hologres runs bulk statements outside a transaction";
        else if (!w->meta.partitioned)
            why_not = "the table is not LIST-partitioned";
        else if (holo_part_job_col(w) < 0)
            why_not = "the job does not write the partition column";
        else if (holo_par_refused(w, &first, refused, sizeof refused, err) !=
                 0) {
            holo_conn_close(&first);
            goto fail;
        } else if (refused[0] != '\0')
            why_not = refused;
        if (why_not) {
            hf_log_info("hologres sink \"%s\".\"%s\": "
                        "sink.bulk-load.connections = %d not used (%s): one "
                        "connection",
                        w->meta.schema, w->meta.table, cfg->bulk_conns,
                        why_not);
        } else {
            w->par = holo_par_new(w, &first, err);
            if (w->par == NULL) {
                holo_conn_close(&first);
                goto fail;
            }
            cm->par = true;
            w->part_routed = true;
            w->part_route_col = (uint32_t)holo_part_job_col(w);
            w->part_target = holo_par_target;
            nconn = (uint32_t)cfg->bulk_conns;
        }
    }
    if (holo_writer_start(w, nconn, &first, err) != 0)
        goto fail;
    hf_log_info("hologres sink \"%s\".\"%s\": %s, write mode %s (%s COPY%s), "
                "%u connection(s), key (%u column(s)), %s",
                w->meta.schema, w->meta.table,
                cm->hologres ? "Hologres" : "PostgreSQL",
                holo_copy_mode_name(cm->mode), cm->text ? "text" : "binary",
                cm->conflicts ? (cm->empty ? ", straight into the empty table "
                                             "until a key conflicts, then "
                                             "staged"
                                           : ", keys resolved through staging")
                              : "",
                w->nshards, w->npk,
                w->meta.partitioned ? "partitioned parent" : "plain table");
    return w;
fail:
    holo_writer_destroy(w);
    return NULL;
}

/* ------------------------------------------------------------ config */

void holo_copy_tune_config(struct holo_config *cfg, const struct hf_opts *o)
{
    if (!hf_opts_isset(o, "sink.insert.batch-size", NULL))
        cfg->batch_size = 32768;
    if (!hf_opts_isset(o, "sink.insert.batch-byte-size", NULL))
        cfg->batch_byte_size = 8 << 20;
    if (!hf_opts_isset(o, "sink.insert.batch-total-byte-size", NULL)) {
        int conns =
            cfg->pool_size > cfg->bulk_conns ? cfg->pool_size : cfg->bulk_conns;
        int64_t need = cfg->batch_byte_size * 2 * (conns + 1);
        if (cfg->batch_total_byte_size < need)
            cfg->batch_total_byte_size = need;
    }
}

int holo_copy_validate(const struct holo_config *cfg, struct hf_error *err)
{
    if (cfg->hg_server_version &&
        holo_copy_hg_version(cfg->hg_server_version) < 0)
        return hf_error_set(err, HF_ERR_OPTION,
                            "option 'hologres.server.version' = '%s' is not a "
                            "version: write it as '3.1' or '2.2.25'",
                            cfg->hg_server_version);
    if (cfg->write_mode == HOLO_WM_COPY_BULK_LOAD && cfg->key_on_conflict)
        return hf_error_set(err, HF_ERR_OPTION,
                            "option '%s' has no effect with 'sink.write-mode' "
                            "= 'COPY_BULK_LOAD', where an existing key fails "
                            "the load; use COPY_BULK_LOAD_ON_CONFLICT to "
                            "resolve conflicts",
                            cfg->key_on_conflict);
    if (cfg->copy_format == HOLO_COPY_BINARYROW)
        return hf_error_set(err, HF_ERR_UNSUPPORTED,
                            "option 'sink.copy.format' = 'binaryrow' (a "
                            "Hologres 4.1 COPY_STREAM format) is not "
                            "implemented by holoflow; use 'binary' or 'text'");
    if (cfg->copy_format == HOLO_COPY_TEXT &&
        !holo_copy_delim_ok(cfg->field_delimiter)) {
        unsigned char d = (unsigned char)cfg->field_delimiter;
        return hf_error_set(err, HF_ERR_OPTION,
                            "option 'connector.field_delimiter' = U+%04X "
                            "cannot separate the fields of a text COPY: use "
                            "one ASCII character that is not a lower-case "
                            "letter, a digit, '.', 'N', a backslash, a "
                            "newline or a carriage return",
                            d);
    }
    return 0;
}

void holo_copy_describe(const struct holo_config *cfg, bool batch_mode,
                        struct hf_strbuf *out)
{
    const char *fmt = cfg->copy_format == HOLO_COPY_TEXT ? "text" : "binary";
    switch (cfg->write_mode) {
    case HOLO_WM_AUTO:
        if (!(batch_mode || cfg->bulkload)) {
            hf_strbuf_puts(out, "  write mode: AUTO -> INSERT (streaming "
                                "job)\n");
            return;
        }
        if (holo_copy_insert_only(cfg)) {
            hf_strbuf_printf(out,
                             "  write mode: AUTO -> INSERT (%s works only "
                             "with INSERT)\n",
                             holo_copy_insert_only(cfg));
            return;
        }
        hf_strbuf_printf(out,
                         "  write mode: AUTO -> a COPY mode (%s), decided "
                         "at open: COPY_BULK_LOAD into a table without a "
                         "primary key; with one, COPY_BULK_LOAD_ON_CONFLICT "
                         "into an empty table, else COPY_STREAM (INSERT on "
                         "Hologres before 3.1)\n",
                         batch_mode ? "batch job" : "connector.bulkload");
        return;
    case HOLO_WM_INSERT:
        hf_strbuf_puts(out, "  write mode: INSERT\n");
        return;
    case HOLO_WM_COPY_STREAM:
        hf_strbuf_printf(out,
                         "  write mode: COPY_STREAM (%s COPY over %d "
                         "connection(s), a transaction per flush)\n",
                         fmt, cfg->pool_size);
        return;
    case HOLO_WM_COPY_BULK_LOAD:
    case HOLO_WM_COPY_BULK_LOAD_ON_CONFLICT:
        if (cfg->bulk_conns > 1) {
            hf_strbuf_printf(out,
                             "  write mode: %s (%s COPY, all or nothing: "
                             "into a LIST-partitioned parent on PostgreSQL "
                             "over %d connections loading staging tables "
                             "that one final transaction attaches; else one "
                             "transaction)\n",
                             holo_copy_mode_name(cfg->write_mode), fmt,
                             cfg->bulk_conns);
            return;
        }
        hf_strbuf_printf(out,
                         "  write mode: %s (%s COPY, one transaction "
                         "committed at the end)\n",
                         holo_copy_mode_name(cfg->write_mode), fmt);
        return;
    }
}
