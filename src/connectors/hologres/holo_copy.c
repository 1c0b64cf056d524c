/*
 * holo_copy.c - the COPY write modes of the hologres sink (see
 * holo_copy.h for what they guarantee).
 *
 * Structure: the sink thread routes rows into shard buffers (folding per
 * key, holo_fold.h) and hands a full buffer to the shard's worker, which
 * writes it on its own connection (flush_buffer): in its own transaction
 * (COPY_STREAM, retried on transient errors) or inside the load's one
 * open transaction (bulk). A timer thread hands off buffers older than
 * flush-interval-ms (COPY_STREAM). Per buffer: route to partition
 * children (routes), then per child apply_isolated = savepoint + apply
 * (deletes, nullifies, COPY of upserts straight or through staging) with
 * bad-row isolation.
 *
 * Locks: as in holo_writer.c -- `lock` is held by the sink thread for a
 * whole batch or flush and by the timer while it checks ages, so filling
 * buffers have one owner at a time; a shard's `lock` guards its hand-off.
 * A shard's connection is used by its worker, and by the flushing caller
 * only while the worker is idle (after wait_idle; the shard lock orders
 * the accesses).
 *
 * The embedded `struct holo_writer base` carries the state the shared
 * helpers read (holo_dirty_row, holo_describe_key, holo_part_child): the
 * configuration, schemas, column map, key, metadata and its lock, the
 * counters and the dirty-data file. Its INSERT-mode parts (shards, timer)
 * are unused.
 */
#include "connectors/hologres/holo_copy.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "connectors/hologres/holo_copy_sql.h"
#include "connectors/hologres/holo_encode.h"
#include "connectors/hologres/holo_part.h"
#include "connectors/hologres/holo_sql.h"
#include "connectors/hologres/holo_writer_int.h"
#include "core/log.h"
#include "core/valueconv.h"

/* Bytes of COPY data encoded before they are handed to libpq, so the
 * server works while the rest is encoded. */
#define SEND_CHUNK (128 * 1024)
/* After a key conflict, the straight COPY is re-tried every this many
 * buffers. */
#define PROBE_EVERY 16

struct cshard {
    struct holo_copy_writer *cw;
    uint32_t index;
    struct holo_conn conn;
    bool connected;
    struct holo_buffer bufs[2];
    struct holo_buffer *filling;  /* the sink thread's (under cw->lock) */
    struct holo_buffer *flushing; /* the worker's while busy */
    pthread_t th;
    bool started;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool busy;
    bool stop;
    /* The worker's (and the flushing caller's while the worker is idle). */
    bool in_txn;        /* bulk: the load's transaction is open */
    unsigned stage_gen; /* conn.generation + 1 of the staging table */
    bool direct_ok;     /* straight COPY worked last time */
    uint32_t since_probe;
    uint64_t pending;      /* bulk: changes written, not yet committed */
    bool warm;             /* a full-size buffer was handed off (sink
                              thread's) */
    uint64_t dirty;        /* rows skipped in the current buffer */
    char state[6];         /* SQLSTATE of the last failed statement */
    struct hf_strbuf data; /* COPY data being sent */
    struct hf_strbuf sql;
    struct hf_strbuf tmp;
    struct hf_strbuf *params; /* key arrays of DELETE / UPDATE */
    uint32_t nparams;
    struct hf_strbuf lits;
};

struct holo_copy_writer {
    struct holo_writer base;
    enum holo_write_mode mode; /* resolved: a COPY_* mode */
    bool bulk;                 /* one transaction until flush */
    bool batch_mode;
    const atomic_int *stopping;
    bool hologres;
    bool text;
    bool conflicts;   /* PostgreSQL resolves key conflicts (staging) */
    bool staging;     /* the staging table may be needed */
    bool fill_static; /* an unwritten NOT NULL column needs a zero value */
    struct holo_copy_col *plan; /* per written column, in base.cols order */
    uint32_t *fill_cols;        /* written non-key NOT NULL job columns */
    uint32_t nfill;
    struct cshard *shards;
    uint32_t nshards;
    pthread_mutex_t lock;
    pthread_t timer;
    bool timer_started;
    atomic_int timer_stop;
    pthread_mutex_t timer_mu;  /* with timer_cond (monotonic): the timer */
    pthread_cond_t timer_cond; /* sleeps on it, so stopping is immediate */
    atomic_size_t filling_bytes;
    atomic_size_t flushing_bytes;
    pthread_mutex_t err_lock;
    struct hf_error err;
    atomic_int failed;
    uint32_t rr; /* no key: the shard being filled */
};

/* A target of one buffer: the table, or one partition child. */
struct group {
    const char *schema;
    const char *table;
    struct holo_entry **ents;
    uint32_t n;
};

static int64_t mono_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ------------------------------------------------------------ errors */

static void record_failure(struct holo_copy_writer *w,
                           const struct hf_error *err)
{
    pthread_mutex_lock(&w->err_lock);
    if (!hf_error_is_set(&w->err))
        w->err = *err;
    pthread_mutex_unlock(&w->err_lock);
    atomic_store(&w->failed, 1);
}

static int failed(struct holo_copy_writer *w, struct hf_error *err)
{
    pthread_mutex_lock(&w->err_lock);
    struct hf_error copy = w->err;
    pthread_mutex_unlock(&w->err_lock);
    if (err && !hf_error_is_set(err))
        *err = copy;
    return -1;
}

/* ------------------------------------------------------------ statements */

/* Keep the SQLSTATE of a failed result, then classify it. */
static enum holo_err_class fail_result(struct cshard *s, PGresult *r,
                                       struct hf_error *err)
{
    const char *st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    snprintf(s->state, sizeof s->state, "%s", st ? st : "");
    return holo_conn_classify(&s->conn, r, err);
}

/* Run one statement without parameters. 0, or -1 with cls/err. */
static int run(struct cshard *s, const char *sql, enum holo_err_class *cls,
               struct hf_error *err)
{
    PGresult *r = PQexec(s->conn.pg, sql);
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
static void rollback(struct cshard *s)
{
    if (s->conn.pg && PQstatus(s->conn.pg) == CONNECTION_OK &&
        PQtransactionStatus(s->conn.pg) != PQTRANS_IDLE) {
        PGresult *r = PQexec(s->conn.pg, "ROLLBACK");
        PQclear(r);
    }
    s->in_txn = false;
}

static void spec_for(const struct cshard *s, const char *schema,
                     const char *table, struct holo_stmt_spec *spec)
{
    const struct holo_writer *w = &s->cw->base;
    memset(spec, 0, sizeof *spec);
    spec->meta = &w->meta;
    spec->schema = schema;
    spec->table = table;
    spec->job = w->schema;
    spec->map = w->map;
    spec->cols = w->cols;
    spec->ncols = w->ncols;
    spec->cfg = w->cfg;
    spec->hologres = s->conn.hologres;
}

/* The staging table exists on this connection (created outside any
 * savepoint, so a rolled-back buffer keeps it). */
static int ensure_stage(struct cshard *s, enum holo_err_class *cls,
                        struct hf_error *err)
{
    if (s->stage_gen == s->conn.generation + 1)
        return 0;
    const struct holo_writer *w = &s->cw->base;
    struct holo_stmt_spec spec;
    spec_for(s, w->meta.schema, w->meta.table, &spec);
    hf_strbuf_reset(&s->sql);
    if (holo_copy_stage_sql(&spec, &s->sql, err) != 0) {
        *cls = HOLO_ERR_FATAL;
        return -1;
    }
    if (run(s, s->sql.data, cls, err) != 0)
        return -1;
    s->stage_gen = s->conn.generation + 1;
    return 0;
}

/* ------------------------------------------------------------ keyed */

/* Encode the key columns of `ents` as one array parameter each. */
static int encode_key_param(struct cshard *s, uint32_t p, uint32_t c,
                            struct holo_entry **ents, uint32_t n,
                            struct hf_error *err)
{
    const struct hf_type *t = &s->cw->base.schema->cols[c].type;
    struct hf_strbuf *out = &s->params[p];
    hf_strbuf_reset(out);
    const struct hf_value **vp = malloc((n ? n : 1) * sizeof *vp);
    struct hf_value *tmp = malloc((n ? n : 1) * sizeof *tmp);
    int rc = 0;
    if (vp == NULL || tmp == NULL) {
        rc = hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (t->id != HF_ARRAY) {
        for (uint32_t i = 0; i < n; i++)
            vp[i] = &ents[i]->vals[c];
        rc = holo_encode_array(out, t, vp, n, err);
        goto out;
    }
    /* An ARRAY key column: a text[] of array literals, as INSERT mode. */
    hf_strbuf_reset(&s->lits);
    size_t *offs = malloc((n ? n : 1) * 2 * sizeof *offs);
    if (offs == NULL) {
        rc = hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (uint32_t i = 0; i < n && rc == 0; i++) {
        offs[2 * i] = s->lits.len;
        if (!ents[i]->vals[c].null)
            rc = holo_encode_array_literal(&s->lits, t, &ents[i]->vals[c], err);
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
static int run_keyed(struct cshard *s, const struct holo_stmt_spec *spec,
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
    PGresult *r = PQexecParams(s->conn.pg, s->sql.data, (int)ncols, NULL,
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

static void put16(struct hf_strbuf *out, uint16_t v)
{
    char b[2] = {(char)(v >> 8), (char)v};
    hf_strbuf_append(out, b, 2);
}

/* Append row `vals` to s->data in the writer's format. 0 or -1. */
static int encode_row(struct cshard *s, const struct hf_value *vals,
                      struct hf_error *err)
{
    const struct holo_copy_writer *cw = s->cw;
    uint32_t n = cw->base.ncols;
    if (!cw->text) {
        put16(&s->data, (uint16_t)n);
        for (uint32_t i = 0; i < n; i++) {
            const struct holo_copy_col *c = &cw->plan[i];
            if (holo_copy_put_binary(&s->data, c, &vals[c->job_col], err) !=
                0) {
                hf_error_prefix(err, "column '%s': ",
                                cw->base.schema->cols[c->job_col].name);
                return -1;
            }
        }
        return 0;
    }
    char delim = cw->base.cfg->field_delimiter;
    for (uint32_t i = 0; i < n; i++) {
        const struct holo_copy_col *c = &cw->plan[i];
        if (i > 0)
            hf_strbuf_putc(&s->data, delim);
        if (holo_copy_put_text(&s->data, c, &vals[c->job_col], delim, &s->tmp,
                               err) != 0) {
            hf_error_prefix(
                err, "column '%s': ", cw->base.schema->cols[c->job_col].name);
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
static int copy_result(struct cshard *s, struct holo_entry **ents, uint32_t n,
                       struct holo_entry **bad, enum holo_err_class *cls,
                       struct hf_error *err)
{
    int rc = 0;
    PGresult *r;
    while ((r = PQgetResult(s->conn.pg)) != NULL) {
        if (rc == 0 && PQresultStatus(r) != PGRES_COMMAND_OK) {
            *cls = fail_result(s, r, err);
            long line = copy_error_line(r);
            if (*cls == HOLO_ERR_DATA && line > 0 && (uint64_t)line <= n)
                *bad = ents[line - 1];
            rc = -1;
        }
        PQclear(r);
    }
    if (rc == 0 && PQstatus(s->conn.pg) != CONNECTION_OK) {
        *cls = fail_result(s, NULL, err);
        rc = -1;
    }
    return rc;
}

static int lost(struct cshard *s, enum holo_err_class *cls,
                struct hf_error *err)
{
    *cls = HOLO_ERR_RETRY;
    s->state[0] = '\0';
    return hf_error_set(err, HF_ERR_CONNECT, "connection lost during COPY: %s",
                        PQerrorMessage(s->conn.pg));
}

/* COPY `ents` into the spec's table (`conflict`: Hologres resolves key
 * conflicts). On a data error whose row is known, *bad is that entry. */
static int copy_rows(struct cshard *s, const struct holo_stmt_spec *spec,
                     bool conflict, struct holo_entry **ents, uint32_t n,
                     struct holo_entry **bad, enum holo_err_class *cls,
                     struct hf_error *err)
{
    PGconn *pg = s->conn.pg;
    hf_strbuf_reset(&s->sql);
    if (holo_copy_sql(spec, s->cw->mode, conflict, &s->sql, err) != 0) {
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
    if (!s->cw->text)
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
    if (!s->cw->text)
        holo_copy_trailer(&s->data);
    if ((s->data.len > 0 &&
         PQputCopyData(pg, s->data.data, (int)s->data.len) != 1) ||
        PQputCopyEnd(pg, NULL) != 1)
        return lost(s, cls, err);
    return copy_result(s, ents, n, bad, cls, err);
}

/* Whether some entry has a NULL in a NOT NULL column that the INSERT
 * fills with the default (sink.default-for-not-null-column). */
static bool needs_fill(const struct holo_copy_writer *cw,
                       struct holo_entry **ents, uint32_t n)
{
    if (cw->fill_static)
        return true;
    for (uint32_t f = 0; f < cw->nfill; f++)
        for (uint32_t i = 0; i < n; i++)
            if (ents[i]->vals[cw->fill_cols[f]].null)
                return true;
    return false;
}

/* COPY into the staging table, INSERT ... SELECT from it into the spec's
 * table (ON CONFLICT by the action when `conflict`), empty it. */
static int copy_staged(struct cshard *s, const struct holo_stmt_spec *spec,
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
static bool want_direct(struct cshard *s)
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
static int write_upserts(struct cshard *s, const struct holo_stmt_spec *spec,
                         struct holo_entry **ents, uint32_t n,
                         struct holo_entry **bad, enum holo_err_class *cls,
                         struct hf_error *err)
{
    struct holo_copy_writer *cw = s->cw;
    if (cw->hologres)
        return copy_rows(s, spec, true, ents, n, bad, cls, err);
    bool fill = needs_fill(cw, ents, n);
    if (!cw->conflicts)
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

/* Collect the entries of `g` whose action is a1 or a2. */
static uint32_t pick(const struct group *g, int a1, int a2,
                     struct holo_entry **out)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < g->n; i++)
        if (g->ents[i]->action == a1 || g->ents[i]->action == a2)
            out[n++] = g->ents[i];
    return n;
}

/* Everything of group `g` (its entries replaced by ents[0..n)). */
static int apply(struct cshard *s, const struct group *g,
                 struct holo_entry **ents, uint32_t n, struct holo_entry **bad,
                 enum holo_err_class *cls, struct hf_error *err)
{
    struct holo_stmt_spec spec;
    spec_for(s, g->schema, g->table, &spec);
    struct holo_entry **sel = malloc((n ? n : 1) * sizeof *sel);
    if (sel == NULL) {
        *cls = HOLO_ERR_FATAL;
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    struct group sub = {g->schema, g->table, ents, n};
    int rc = 0;
    uint32_t k = pick(&sub, HOLO_ACT_DELETE, HOLO_ACT_REPLACE, sel);
    if (k)
        rc = run_keyed(s, &spec, true, sel, k, cls, err);
    k = rc ? 0 : pick(&sub, HOLO_ACT_NULLIFY, HOLO_ACT_NULLIFY, sel);
    if (k)
        rc = run_keyed(s, &spec, false, sel, k, cls, err);
    k = rc ? 0 : pick(&sub, HOLO_ACT_UPSERT, HOLO_ACT_REPLACE, sel);
    if (k)
        rc = write_upserts(s, &spec, sel, k, bad, cls, err);
    free(sel);
    return rc;
}

/* A row that cannot be written: fail (EXCEPTION) or record it (SKIP).
 * A reason naming no column gets the values that do not fit their
 * column, as in INSERT mode. */
static int dirty(struct cshard *s, const struct holo_entry *en,
                 const char *reason, enum holo_err_class *cls,
                 struct hf_error *err)
{
    struct holo_copy_writer *cw = s->cw;
    struct hf_strbuf why, mis;
    hf_strbuf_init(&why, 0);
    hf_strbuf_init(&mis, 0);
    if (!strstr(reason, ", column \""))
        holo_describe_misfits(&cw->base, en->vals, &mis);
    size_t len = strlen(reason);
    if (mis.len > 0 && len > 0 && reason[len - 1] == '.')
        len--;
    hf_strbuf_append(&why, reason, len);
    hf_strbuf_append(&why, mis.data, mis.len);
    int rc = holo_dirty_row(
        &cw->base, en->vals, (enum hf_rowkind)en->kind, en->origin,
        en->src_name, hf_strbuf_ok(&why) && why.data ? why.data : reason, err);
    hf_strbuf_free(&why);
    hf_strbuf_free(&mis);
    if (rc != 0) {
        *cls = HOLO_ERR_FATAL;
        return -1;
    }
    s->dirty++;
    return 0;
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
static int apply_isolated(struct cshard *s, const struct group *g,
                          struct holo_entry **ents, uint32_t n,
                          enum holo_err_class *cls, struct hf_error *err)
{
    struct holo_entry **cur = ents;
    struct holo_entry **own = NULL;
    /* Hologres: no savepoints (its COPY modes are not transactional); a
     * bad row's buffer is sent again without it, which the on-conflict
     * action makes harmless for the rows already written. */
    bool sp = !s->conn.hologres;
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

/* ------------------------------------------------------------ routing */

/* Split ents into groups per target (one unless partitioned). Rows with
 * a NULL partition value are dirty. `scratch` has room for n. */
static int route(struct cshard *s, struct holo_entry **ents, uint32_t n,
                 struct group *groups, uint32_t *ngroups,
                 struct holo_entry **scratch, struct hf_arena *names,
                 enum holo_err_class *cls, struct hf_error *err)
{
    struct holo_writer *w = &s->cw->base;
    if (!w->meta.partitioned) {
        groups[0] = (struct group){w->meta.schema, w->meta.table, ents, n};
        *ngroups = 1;
        return 0;
    }
    int pc = holo_part_job_col(w);
    if (pc < 0) {
        *cls = HOLO_ERR_FATAL;
        return hf_error_set(err, HF_ERR_TYPE,
                            "table \"%s\".\"%s\" is partitioned by '%s', which "
                            "the job does not write",
                            w->meta.schema, w->meta.table,
                            w->meta.cols[w->meta.part_col].name);
    }
    const char **sch = calloc(n ? n : 1, sizeof *sch);
    const char **tab = calloc(n ? n : 1, sizeof *tab);
    struct hf_strbuf val;
    hf_strbuf_init(&val, 0);
    int rc = 0;
    if (sch == NULL || tab == NULL) {
        *cls = HOLO_ERR_FATAL;
        rc = hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    /* The child of each distinct value, looked up once per run of equal
     * values (rows of one child tend to come together). */
    for (uint32_t i = 0; i < n && rc == 0; i++) {
        const struct hf_value *v = &ents[i]->vals[pc];
        if (v->null) {
            char why[300];
            snprintf(why, sizeof why, "partition column '%s' is NULL",
                     w->schema->cols[pc].name);
            rc = dirty(s, ents[i], why, cls, err);
            continue;
        }
        if (i > 0 && sch[i - 1] != NULL &&
            holo_value_eq(&w->schema->cols[pc].type, v,
                          &ents[i - 1]->vals[pc])) {
            sch[i] = sch[i - 1];
            tab[i] = tab[i - 1];
            continue;
        }
        hf_strbuf_reset(&val);
        hf_value_to_text(&w->schema->cols[pc].type, v, &val);
        rc = holo_part_child(w, &s->conn, val.data ? val.data : "", names,
                             &sch[i], &tab[i], cls, err);
    }
    uint32_t ng = 0, used = 0;
    for (uint32_t i = 0; i < n && rc == 0; i++) {
        if (sch[i] == NULL)
            continue;
        struct group *g = &groups[ng++];
        g->schema = sch[i];
        g->table = tab[i];
        g->ents = scratch + used;
        g->n = 0;
        for (uint32_t j = i; j < n; j++) {
            if (sch[j] && strcmp(sch[j], g->schema) == 0 &&
                strcmp(tab[j], g->table) == 0) {
                g->ents[g->n++] = ents[j];
                sch[j] = NULL;
            }
        }
        used += g->n;
    }
    *ngroups = ng;
    free(sch);
    free(tab);
    hf_strbuf_free(&val);
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

/* Route and apply ents inside a transaction. */
static int write_set(struct cshard *s, struct holo_entry **ents, uint32_t n,
                     enum begin_at begin, enum holo_err_class *cls,
                     struct hf_error *err)
{
    struct group *groups = malloc((n ? n : 1) * sizeof *groups);
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
    if (!s->conn.hologres && s->cw->staging)
        rc = ensure_stage(s, cls, err);
    if (s->conn.hologres)
        begin = BEGIN_NONE; /* statements on their own (see holo_copy.h) */
    if (rc == 0 && begin == BEGIN_FIRST)
        rc = run(s, "BEGIN", cls, err);
    if (rc == 0)
        rc = route(s, ents, n, groups, &ng, scratch, &names, cls, err);
    if (rc == 0 && begin == BEGIN_AFTER_ROUTE)
        rc = run(s, "BEGIN", cls, err);
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
 * errors. */
static int flush_stream(struct cshard *s, struct holo_entry **ents, uint32_t n,
                        struct hf_error *err)
{
    struct holo_copy_writer *cw = s->cw;
    for (int attempt = 0;; attempt++) {
        struct hf_error e;
        hf_error_clear(&e);
        enum holo_err_class cls = HOLO_OK;
        uint64_t dirty_before = s->dirty;
        int rc = write_set(s, ents, n, BEGIN_AFTER_ROUTE, &cls, &e);
        if (rc == 0 && !s->conn.hologres)
            rc = run(s, "COMMIT", &cls, &e);
        if (rc == 0)
            return 0;
        rollback(s);
        if (cls == HOLO_ERR_RETRY && attempt < cw->base.cfg->retry_count) {
            hf_log_warn("hologres shard %u: %s; reconnecting and writing the "
                        "%u row(s) again (attempt %d of %d)",
                        s->index, e.msg, n, attempt + 1,
                        cw->base.cfg->retry_count);
            s->dirty = dirty_before;
            holo_backoff_sleep(cw->base.cfg, attempt + 1);
            struct hf_error re;
            hf_error_clear(&re);
            if (holo_conn_reconnect(&s->conn, &re) != 0) {
                *err = re;
                return -1;
            }
            continue;
        }
        *err = e;
        hf_error_prefix(err, "writing to \"%s\".\"%s\": ", cw->base.meta.schema,
                        cw->base.meta.table);
        return -1;
    }
}

/* A bulk load: inside the one transaction; any failure fails the load. */
static int flush_bulk(struct cshard *s, struct holo_entry **ents, uint32_t n,
                      struct hf_error *err)
{
    struct holo_copy_writer *cw = s->cw;
    enum holo_err_class cls = HOLO_OK;
    enum begin_at begin = s->in_txn ? BEGIN_NONE : BEGIN_FIRST;
    s->in_txn = !s->conn.hologres;
    if (write_set(s, ents, n, begin, &cls, err) == 0)
        return 0;
    rollback(s);
    hf_error_prefix(err,
                    "%s into \"%s\".\"%s\" failed and was rolled back (the "
                    "table is unchanged): ",
                    holo_copy_mode_name(cw->mode), cw->base.meta.schema,
                    cw->base.meta.table);
    return -1;
}

static int flush_buffer(struct cshard *s, struct holo_buffer *b,
                        struct hf_error *err)
{
    if (b->n == 0)
        return 0;
    struct holo_entry **ents = malloc(b->n * sizeof *ents);
    if (ents == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    for (uint32_t i = 0; i < b->n; i++)
        ents[i] = &b->entries[i];
    s->dirty = 0;
    int rc = s->cw->bulk ? flush_bulk(s, ents, b->n, err)
                         : flush_stream(s, ents, b->n, err);
    free(ents);
    return rc;
}

/* ------------------------------------------------------------ workers */

static void *worker_main(void *arg)
{
    struct cshard *s = arg;
    struct holo_copy_writer *w = s->cw;
    pthread_mutex_lock(&s->lock);
    for (;;) {
        while (!s->busy && !s->stop)
            pthread_cond_wait(&s->cond, &s->lock);
        if (!s->busy)
            break;
        struct holo_buffer *b = s->flushing;
        pthread_mutex_unlock(&s->lock);

        struct hf_error err;
        hf_error_clear(&err);
        size_t bytes = b->bytes;
        if (!atomic_load(&w->failed)) {
            if (flush_buffer(s, b, &err) != 0) {
                record_failure(w, &err);
            } else {
                uint64_t done =
                    b->nchanges > s->dirty ? b->nchanges - s->dirty : 0;
                if (w->bulk)
                    s->pending += done;
                else
                    atomic_fetch_add(&w->base.stats->rows_out, done);
            }
        }
        atomic_fetch_sub(&w->flushing_bytes, bytes);
        holo_buffer_reset(b);

        pthread_mutex_lock(&s->lock);
        s->busy = false;
        pthread_cond_broadcast(&s->cond);
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

/* Give the shard's filling buffer to its worker (see holo_writer.c).
 * Caller holds w->lock. 0, 1 (busy, not handed), or -1. */
static int hand_off(struct holo_copy_writer *w, struct cshard *s, bool wait)
{
    if (s->filling->n == 0)
        return 0;
    pthread_mutex_lock(&s->lock);
    while (s->busy && wait && !atomic_load(&w->failed))
        pthread_cond_wait(&s->cond, &s->lock);
    if (atomic_load(&w->failed)) {
        pthread_mutex_unlock(&s->lock);
        return -1;
    }
    if (s->busy) {
        pthread_mutex_unlock(&s->lock);
        return 1;
    }
    struct holo_buffer *b = s->filling;
    s->filling = s->flushing;
    s->flushing = b;
    atomic_fetch_sub(&w->filling_bytes, b->bytes);
    atomic_fetch_add(&w->flushing_bytes, b->bytes);
    s->busy = true;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->lock);
    return 0;
}

static void wait_idle(struct cshard *s)
{
    pthread_mutex_lock(&s->lock);
    while (s->busy)
        pthread_cond_wait(&s->cond, &s->lock);
    pthread_mutex_unlock(&s->lock);
}

static void *timer_main(void *arg)
{
    struct holo_copy_writer *w = arg;
    const struct holo_config *cfg = w->base.cfg;
    int64_t interval = cfg->flush_interval_ms * 1000;
    int64_t tick_ms = cfg->flush_interval_ms / 4;
    if (tick_ms > 100 || cfg->aggressive)
        tick_ms = cfg->aggressive ? 5 : 100;
    if (tick_ms < 1)
        tick_ms = 1;
    while (!atomic_load(&w->timer_stop)) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_sec += tick_ms / 1000;
        ts.tv_nsec += (long)(tick_ms % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_mutex_lock(&w->timer_mu);
        if (!atomic_load(&w->timer_stop))
            pthread_cond_timedwait(&w->timer_cond, &w->timer_mu, &ts);
        pthread_mutex_unlock(&w->timer_mu);
        if (atomic_load(&w->timer_stop))
            break;
        if (pthread_mutex_trylock(&w->lock) != 0)
            continue; /* the sink thread is writing: it checks itself */
        int64_t now = mono_usec();
        for (uint32_t i = 0; i < w->nshards; i++) {
            struct cshard *s = &w->shards[i];
            if (s->filling->n == 0)
                continue;
            if (cfg->aggressive ||
                (interval > 0 && now - s->filling->first_usec >= interval))
                hand_off(w, s, false);
        }
        pthread_mutex_unlock(&w->lock);
    }
    return NULL;
}

/* ------------------------------------------------------------ setup */

static int find_job_col(const struct holo_writer *w, uint32_t meta_col)
{
    for (uint32_t c = 0; c < w->schema->ncols; c++)
        if (w->map[c] == meta_col)
            return (int)c;
    return -1;
}

/* The written columns and the key, as INSERT mode sets them up. */
static int setup_columns(struct holo_writer *w, const bool *written,
                         struct hf_error *err)
{
    const struct hf_schema *s = w->schema;
    uint32_t n = s->ncols ? s->ncols : 1;
    w->written = calloc(n, sizeof *w->written);
    w->cols = calloc(n, sizeof *w->cols);
    w->map = calloc(n, sizeof *w->map);
    w->pk = calloc(w->meta.npk ? w->meta.npk : 1, sizeof *w->pk);
    if (!w->written || !w->cols || !w->map || !w->pk)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    if (holo_catalog_check(&w->meta, s, w->map, err) != 0)
        return -1;
    for (uint32_t c = 0; c < s->ncols; c++)
        w->written[c] =
            written == NULL || written[c] || !w->cfg->partial_insert;
    for (uint32_t k = 0; k < w->meta.npk; k++) {
        int jc = find_job_col(w, w->meta.pk[k]);
        if (jc < 0)
            return hf_error_set(
                err, HF_ERR_TYPE,
                "table \"%s\".\"%s\": primary key column '%s' is not a "
                "column of the job's table; the sink needs every key column",
                w->meta.schema, w->meta.table,
                w->meta.cols[w->meta.pk[k]].name);
        w->pk[k] = (uint32_t)jc;
        w->written[jc] = true;
    }
    w->npk = w->meta.npk;
    for (uint32_t c = 0; c < s->ncols; c++)
        if (w->written[c] && w->map[c] != UINT32_MAX)
            w->cols[w->ncols++] = c;
    return 0;
}

static bool is_key_col(const struct holo_writer *w, uint32_t mi)
{
    for (uint32_t k = 0; k < w->meta.npk; k++)
        if (w->meta.pk[k] == mi)
            return true;
    return false;
}

/* Per written column: its COPY plan; and which need default filling. */
static int setup_plan(struct holo_copy_writer *cw, struct hf_error *err)
{
    struct holo_writer *w = &cw->base;
    cw->plan = calloc(w->ncols ? w->ncols : 1, sizeof *cw->plan);
    cw->fill_cols = calloc(w->ncols ? w->ncols : 1, sizeof *cw->fill_cols);
    if (cw->plan == NULL || cw->fill_cols == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    for (uint32_t i = 0; i < w->ncols; i++) {
        uint32_t c = w->cols[i];
        const struct holo_column *col = &w->meta.cols[w->map[c]];
        struct hf_error e;
        hf_error_clear(&e);
        if (holo_copy_plan_col(c, &w->schema->cols[c].type, col, &cw->plan[i],
                               &e) != 0) {
            if (!cw->text) {
                *err = e;
                return -1;
            }
            /* The text format needs no binary plan. */
            cw->plan[i].job_col = c;
            cw->plan[i].type = w->schema->cols[c].type;
            cw->plan[i].conv = HOLO_CONV_NONE;
        }
        if (w->cfg->default_for_not_null && col->not_null &&
            !is_key_col(w, w->map[c]))
            cw->fill_cols[cw->nfill++] = c;
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
            cw->fill_static = true;
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

static int shard_init(struct holo_copy_writer *cw, struct cshard *s,
                      uint32_t index, bool empty, struct hf_error *err)
{
    struct holo_writer *w = &cw->base;
    s->cw = cw;
    s->index = index;
    s->direct_ok = empty;
    hf_strbuf_init(&s->data, 0);
    hf_strbuf_init(&s->sql, 0);
    hf_strbuf_init(&s->tmp, 0);
    hf_strbuf_init(&s->lits, 0);
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->cond, NULL);
    uint32_t cap =
        (uint32_t)(w->cfg->batch_size < 4096 ? w->cfg->batch_size : 4096);
    if (holo_buffer_init(&s->bufs[0], w->schema, w->pk, w->npk, w->cfg, cap) ||
        holo_buffer_init(&s->bufs[1], w->schema, w->pk, w->npk, w->cfg, cap))
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    if (cw->mode == HOLO_WM_COPY_BULK_LOAD) {
        /* A repeated key is a conflict, which must fail the load: never
         * fold it away (a repeated key hands the buffer off first, and
         * the COPY of the next one meets the key). */
        s->bufs[0].fold = false;
        s->bufs[1].fold = false;
    }
    s->filling = &s->bufs[0];
    s->flushing = &s->bufs[1];
    s->nparams = w->schema->ncols + 2;
    s->params = calloc(s->nparams, sizeof *s->params);
    if (s->params == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    for (uint32_t i = 0; i < s->nparams; i++)
        hf_strbuf_init(&s->params[i], 0);
    enum holo_err_class cls;
    if (!s->connected) {
        if (holo_conn_open(&s->conn, w->cfg, &cls, err) != 0)
            return -1;
        s->connected = true;
    }
    size_t nset = 0;
    const char *const *set =
        holo_copy_session_sql(s->conn.hologres, cw->mode, &nset);
    for (size_t i = 0; i < nset; i++)
        if (holo_conn_exec(&s->conn, set[i], &cls, err) != 0)
            return -1;
    if (pthread_create(&s->th, NULL, worker_main, s) != 0)
        return hf_error_set(err, HF_ERR_FAIL, "cannot start a thread");
    s->started = true;
    return 0;
}

/* Connecting the other shards in parallel: one thread per connection. */
struct connector_job {
    struct cshard *s;
    const struct holo_config *cfg;
    struct hf_error err;
    int rc;
};

static void *connect_main(void *arg)
{
    struct connector_job *j = arg;
    enum holo_err_class cls;
    hf_error_clear(&j->err);
    j->rc = holo_conn_open(&j->s->conn, j->cfg, &cls, &j->err);
    j->s->connected = j->rc == 0;
    return NULL;
}

static int connect_all(struct holo_copy_writer *cw, struct hf_error *err)
{
    uint32_t n = cw->nshards;
    struct connector_job *jobs = calloc(n, sizeof *jobs);
    pthread_t *th = calloc(n, sizeof *th);
    bool *started = calloc(n, sizeof *started);
    int rc = 0;
    if (jobs == NULL || th == NULL || started == NULL) {
        rc = hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (uint32_t i = 0; i < n; i++) {
        if (cw->shards[i].connected)
            continue;
        jobs[i].s = &cw->shards[i];
        jobs[i].cfg = cw->base.cfg;
        started[i] = pthread_create(&th[i], NULL, connect_main, &jobs[i]) == 0;
        if (!started[i])
            connect_main(&jobs[i]);
    }
    for (uint32_t i = 0; i < n; i++) {
        if (started[i])
            pthread_join(th[i], NULL);
        if (jobs[i].s != NULL && jobs[i].rc != 0 && rc == 0) {
            *err = jobs[i].err;
            rc = -1;
        }
    }
out:
    free(jobs);
    free(th);
    free(started);
    return rc;
}

bool holo_copy_wanted(const struct holo_config *cfg, bool batch_mode)
{
    switch (cfg->write_mode) {
    case HOLO_WM_INSERT:
        return false;
    case HOLO_WM_AUTO:
        return batch_mode || cfg->bulkload;
    default:
        return true;
    }
}

struct holo_copy_writer *holo_copy_writer_new(const struct holo_copy_args *a,
                                              enum holo_write_mode *resolved,
                                              struct hf_error *err)
{
    const struct holo_config *cfg = a->cfg;
    *resolved = cfg->write_mode;
    struct holo_copy_writer *cw = calloc(1, sizeof *cw);
    if (cw == NULL) {
        hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        return NULL;
    }
    struct holo_writer *w = &cw->base;
    w->cfg = cfg;
    w->schema = a->schema;
    w->stats = a->stats ? a->stats : &w->own_stats;
    pthread_mutex_init(&w->meta_lock, NULL);
    pthread_mutex_init(&w->dirty_lock, NULL);
    pthread_mutex_init(&cw->lock, NULL);
    pthread_mutex_init(&cw->err_lock, NULL);
    pthread_mutex_init(&cw->timer_mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&cw->timer_cond, &ca);
    pthread_condattr_destroy(&ca);
    hf_error_clear(&cw->err);
    cw->batch_mode = a->batch_mode;
    cw->stopping = a->stopping;
    cw->text = cfg->copy_format == HOLO_COPY_TEXT;

    /* The first connection reads the table and tells the dialect. */
    struct holo_conn first;
    memset(&first, 0, sizeof first);
    bool have_first = false;
    enum holo_err_class cls;
    if (holo_conn_open(&first, cfg, &cls, err) != 0)
        goto fail;
    have_first = true;
    cw->hologres = first.hologres;
    if (holo_catalog_get(&first, cfg->schema, cfg->table,
                         cfg->meta_cache_ttl_ms, &w->meta, &cls, err) != 0 ||
        setup_columns(w, a->written, err) != 0)
        goto fail;

    cw->mode = cfg->write_mode;
    char why[256] = "";
    bool empty = false; /* the table held no row at open */
    if (!cw->hologres && w->npk > 0)
        empty = table_empty(&first, &w->meta);
    if (cw->mode == HOLO_WM_AUTO) {
        long hg = holo_copy_hg_version(first.hg_version);
        cw->mode =
            holo_copy_resolve_auto(a->batch_mode || cfg->bulkload, cw->hologres,
                                   hg, w->npk, empty, why, sizeof why);
        *resolved = cw->mode;
        hf_log_info("hologres sink \"%s\".\"%s\": write mode AUTO resolved "
                    "to %s (%s)",
                    w->meta.schema, w->meta.table,
                    holo_copy_mode_name(cw->mode), why);
        if (cw->mode == HOLO_WM_INSERT) {
            holo_conn_close(&first);
            holo_copy_writer_destroy(cw);
            return NULL;
        }
    }
    *resolved = cw->mode;
    cw->bulk = cw->mode != HOLO_WM_COPY_STREAM;
    cw->conflicts =
        !cw->hologres && w->npk > 0 && cw->mode != HOLO_WM_COPY_BULK_LOAD;
    if (setup_plan(cw, err) != 0)
        goto fail;
    cw->staging =
        !cw->hologres && (cw->conflicts || cw->nfill > 0 || cw->fill_static);

    if (cfg->dirty_strategy == HOLO_DIRTY_SKIP && cfg->dirty_data_path) {
        w->dirty = fopen(cfg->dirty_data_path, "a");
        if (w->dirty == NULL) {
            hf_error_set(err, HF_ERR_IO,
                         "cannot open the dirty-data file '%s' "
                         "(sink.dirty-data.path): %s",
                         cfg->dirty_data_path, strerror(errno));
            goto fail;
        }
    }
    /* A bulk load is one transaction, so one connection. */
    cw->nshards = cw->bulk ? 1 : (uint32_t)cfg->pool_size;
    cw->shards = calloc(cw->nshards, sizeof *cw->shards);
    if (cw->shards == NULL) {
        hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        goto fail;
    }
    cw->shards[0].conn = first;
    cw->shards[0].connected = true;
    have_first = false;
    if (connect_all(cw, err) != 0)
        goto fail;
    for (uint32_t i = 0; i < cw->nshards; i++)
        if (shard_init(cw, &cw->shards[i], i, empty, err) != 0)
            goto fail;
    if (!cw->bulk) {
        if (pthread_create(&cw->timer, NULL, timer_main, cw) != 0) {
            hf_error_set(err, HF_ERR_FAIL, "cannot start a thread");
            goto fail;
        }
        cw->timer_started = true;
    }
    hf_log_info("hologres sink \"%s\".\"%s\": %s, write mode %s (%s COPY%s), "
                "%u connection(s), key (%u column(s)), %s",
                w->meta.schema, w->meta.table,
                cw->hologres ? "Hologres" : "PostgreSQL",
                holo_copy_mode_name(cw->mode), cw->text ? "text" : "binary",
                cw->conflicts ? (empty ? ", straight into the empty table "
                                         "until a key conflicts, then staged"
                                       : ", keys resolved through staging")
                              : "",
                cw->nshards, w->npk,
                w->meta.partitioned ? "partitioned parent" : "plain table");
    return cw;
fail:
    if (have_first)
        holo_conn_close(&first);
    holo_copy_writer_destroy(cw);
    return NULL;
}

void holo_copy_writer_destroy(struct holo_copy_writer *cw)
{
    if (cw == NULL)
        return;
    struct holo_writer *w = &cw->base;
    if (cw->timer_started) {
        pthread_mutex_lock(&cw->timer_mu);
        atomic_store(&cw->timer_stop, 1);
        pthread_cond_broadcast(&cw->timer_cond);
        pthread_mutex_unlock(&cw->timer_mu);
        pthread_join(cw->timer, NULL);
    }
    for (uint32_t i = 0; cw->shards && i < cw->nshards; i++) {
        struct cshard *s = &cw->shards[i];
        if (s->cw == NULL) { /* never set up */
            if (s->connected)
                holo_conn_close(&s->conn);
            continue;
        }
        if (s->started) {
            pthread_mutex_lock(&s->lock);
            s->stop = true;
            pthread_cond_broadcast(&s->cond);
            pthread_mutex_unlock(&s->lock);
            pthread_join(s->th, NULL);
        }
        if (s->in_txn) {
            hf_log_warn("hologres sink \"%s\".\"%s\": %s not committed: "
                        "rolled back, the table is unchanged",
                        w->meta.schema, w->meta.table,
                        holo_copy_mode_name(cw->mode));
            rollback(s);
        }
        if (s->connected)
            holo_conn_close(&s->conn);
        pthread_mutex_destroy(&s->lock);
        pthread_cond_destroy(&s->cond);
        holo_buffer_free(&s->bufs[0]);
        holo_buffer_free(&s->bufs[1]);
        for (uint32_t p = 0; s->params && p < s->nparams; p++)
            hf_strbuf_free(&s->params[p]);
        free(s->params);
        hf_strbuf_free(&s->data);
        hf_strbuf_free(&s->sql);
        hf_strbuf_free(&s->tmp);
        hf_strbuf_free(&s->lits);
    }
    free(cw->shards);
    if (w->dirty)
        fclose(w->dirty);
    holo_catalog_free(&w->meta);
    free(w->written);
    free(w->cols);
    free(w->map);
    free(w->pk);
    free(cw->plan);
    free(cw->fill_cols);
    pthread_mutex_destroy(&w->meta_lock);
    pthread_mutex_destroy(&w->dirty_lock);
    pthread_mutex_destroy(&cw->lock);
    pthread_mutex_destroy(&cw->err_lock);
    pthread_mutex_destroy(&cw->timer_mu);
    pthread_cond_destroy(&cw->timer_cond);
    free(cw);
}

/* ------------------------------------------------------------ writing */

/* What a change becomes under the delete strategy; -1 = dropped. */
static int action_of(const struct holo_copy_writer *cw, enum hf_rowkind k)
{
    switch (k) {
    case HF_ROW_INSERT:
    case HF_ROW_UPDATE_AFTER:
        return HOLO_ACT_UPSERT;
    case HF_ROW_UPDATE_BEFORE:
        return -1; /* an upsert sink never needs the retraction half */
    case HF_ROW_DELETE:
        switch (cw->base.cfg->delete_strategy) {
        case HOLO_DS_IGNORE_DELETE:
            return -1;
        case HOLO_DS_NON_PK_FIELD_TO_NULL:
            return HOLO_ACT_NULLIFY;
        default:
            return HOLO_ACT_DELETE;
        }
    }
    return -1;
}

/* Client-side checks before a row is buffered: a NULL key, a NULL for a
 * NOT NULL column that gets no default. NULL or the reason. */
static const char *precheck(const struct holo_writer *w,
                            const struct hf_value *row, int action, char *buf,
                            size_t n)
{
    for (uint32_t k = 0; k < w->npk; k++) {
        if (row[w->pk[k]].null) {
            snprintf(buf, n, "primary key column '%s' is NULL",
                     w->schema->cols[w->pk[k]].name);
            return buf;
        }
    }
    if (action != HOLO_ACT_UPSERT || w->cfg->default_for_not_null)
        return NULL;
    for (uint32_t i = 0; i < w->ncols; i++) {
        uint32_t c = w->cols[i];
        const struct holo_column *mc = &w->meta.cols[w->map[c]];
        if (row[c].null && mc->not_null) {
            snprintf(buf, n,
                     "column '%s' is NOT NULL in the table but the row has "
                     "NULL (sink.default-for-not-null-column.enabled is off)",
                     w->schema->cols[c].name);
            return buf;
        }
    }
    return NULL;
}

static bool over_total(const struct holo_copy_writer *w)
{
    return (int64_t)(atomic_load(&w->filling_bytes) +
                     atomic_load(&w->flushing_bytes)) >
           w->base.cfg->batch_total_byte_size;
}

/* Keep the buffered bytes under sink.insert.batch-total-byte-size.
 * Caller holds w->lock. */
static int relieve_memory(struct holo_copy_writer *w)
{
    while (over_total(w) && !atomic_load(&w->failed)) {
        struct cshard *big = NULL;
        for (uint32_t i = 0; i < w->nshards; i++) {
            struct cshard *s = &w->shards[i];
            if (s->filling->n &&
                (!big || s->filling->bytes > big->filling->bytes))
                big = s;
        }
        if (big) {
            if (hand_off(w, big, true) < 0)
                return -1;
            continue;
        }
        for (uint32_t i = 0; i < w->nshards && over_total(w); i++)
            wait_idle(&w->shards[i]);
        break;
    }
    return atomic_load(&w->failed) ? -1 : 0;
}

static int put_row(struct holo_copy_writer *cw, const struct hf_batch *in,
                   uint32_t i, struct hf_error *err)
{
    struct holo_writer *w = &cw->base;
    const struct hf_value *row = hf_batch_row(in, i);
    enum hf_rowkind kind = (enum hf_rowkind)in->kinds[i];
    int action = action_of(cw, kind);
    if (action < 0)
        return 0;
    if (w->npk == 0 && action != HOLO_ACT_UPSERT)
        return hf_error_set(err, HF_ERR_DATA,
                            "table \"%s\".\"%s\" has no primary key, so the "
                            "%s change from %s:%" PRId64 " cannot be applied; "
                            "add a primary key or set "
                            "'sink.delete-strategy'='IGNORE_DELETE'",
                            w->meta.schema, w->meta.table,
                            hf_rowkind_short(kind),
                            in->src_name ? in->src_name : "?", in->origin[i]);
    char why[512];
    const char *reason = precheck(w, row, action, why, sizeof why);
    if (reason) {
        if (holo_dirty_row(w, row, kind, in->origin[i], in->src_name, reason,
                           err) != 0)
            return -1;
        return 0;
    }
    /* Without a key, rows fill one shard's buffer at a time (the next
     * shard after each hand-off), so the first COPY starts after one
     * buffer, not one per shard. */
    uint64_t hash =
        w->npk ? holo_key_hash(row, w->pk, w->npk, w->schema) : cw->rr;
    struct cshard *s = &cw->shards[hash % cw->nshards];
    for (int attempt = 0; attempt < 2; attempt++) {
        size_t before = s->filling->bytes;
        int rc = holo_buffer_put(s->filling, (enum holo_action)action, kind,
                                 row, hash, in->origin[i], in->src_name);
        if (rc < 0)
            return hf_error_set(err, HF_ERR_NOMEM,
                                "out of memory buffering rows");
        if (rc == 0) {
            atomic_fetch_add(&cw->filling_bytes, s->filling->bytes - before);
            break;
        }
        /* The key needs the buffer written first (order, or a repeated
         * key in a bulk load). */
        if (hand_off(cw, s, true) < 0)
            return failed(cw, err);
    }
    /* A shard's first buffer goes at an eighth of the size, so the server
     * starts working early instead of waiting for a full buffer. */
    struct holo_buffer *b = s->filling;
    int64_t rows = w->cfg->batch_size, bytes = w->cfg->batch_byte_size;
    if (!s->warm) {
        rows = rows / 8 > 0 ? rows / 8 : 1;
        bytes = bytes / 8 > 0 ? bytes / 8 : 1;
    }
    if ((int64_t)b->n >= rows || (int64_t)b->bytes >= bytes) {
        s->warm = true;
        if (hand_off(cw, s, true) < 0)
            return failed(cw, err);
        if (w->npk == 0)
            cw->rr = (cw->rr + 1) % cw->nshards;
    } else if (w->cfg->aggressive) {
        if (hand_off(cw, s, false) < 0)
            return failed(cw, err);
    }
    if (over_total(cw) && relieve_memory(cw) != 0)
        return failed(cw, err);
    return 0;
}

int holo_copy_writer_write(struct holo_copy_writer *cw,
                           const struct hf_batch *in, struct hf_error *err)
{
    if (atomic_load(&cw->failed))
        return failed(cw, err);
    pthread_mutex_lock(&cw->lock);
    int rc = 0;
    for (uint32_t i = 0; i < in->nrows && rc == 0; i++)
        rc = put_row(cw, in, i, err);
    pthread_mutex_unlock(&cw->lock);
    return rc;
}

/* Commit (or roll back) the bulk load's transaction on every shard. The
 * workers are idle. */
static int end_bulk(struct holo_copy_writer *cw, bool commit,
                    struct hf_error *err)
{
    struct holo_writer *w = &cw->base;
    int rc = 0;
    for (uint32_t i = 0; i < cw->nshards; i++) {
        struct cshard *s = &cw->shards[i];
        if (!s->in_txn) { /* Hologres: written as it went */
            if (commit)
                atomic_fetch_add(&w->stats->rows_out, s->pending);
            s->pending = 0;
            continue;
        }
        if (!commit) {
            rollback(s);
            s->pending = 0;
            continue;
        }
        enum holo_err_class cls;
        struct hf_error e;
        hf_error_clear(&e);
        if (run(s, "COMMIT", &cls, &e) != 0) {
            rollback(s);
            if (rc == 0) {
                *err = e;
                hf_error_prefix(err,
                                "committing the %s into \"%s\".\"%s\" failed; "
                                "it was rolled back (the table is "
                                "unchanged): ",
                                holo_copy_mode_name(cw->mode), w->meta.schema,
                                w->meta.table);
                rc = -1;
            }
            continue;
        }
        s->in_txn = false;
        atomic_fetch_add(&w->stats->rows_out, s->pending);
        hf_log_info("hologres sink \"%s\".\"%s\": %s committed, %" PRIu64
                    " row(s)",
                    w->meta.schema, w->meta.table,
                    holo_copy_mode_name(cw->mode), s->pending);
        s->pending = 0;
    }
    if (rc != 0)
        record_failure(cw, err);
    return rc;
}

int holo_copy_writer_flush(struct holo_copy_writer *cw, struct hf_error *err)
{
    pthread_mutex_lock(&cw->lock);
    for (uint32_t i = 0; i < cw->nshards; i++)
        if (hand_off(cw, &cw->shards[i], true) < 0)
            break;
    for (uint32_t i = 0; i < cw->nshards; i++)
        wait_idle(&cw->shards[i]);
    pthread_mutex_unlock(&cw->lock);
    if (atomic_load(&cw->failed))
        return failed(cw, err);
    if (!cw->bulk)
        return 0;
    if (cw->batch_mode && cw->stopping && atomic_load(cw->stopping)) {
        /* A bounded job stopped before the end of its input: a partial
         * load must not become visible. */
        end_bulk(cw, false, err);
        hf_error_set(err, HF_ERR_INTERRUPTED,
                     "%s into \"%s\".\"%s\" interrupted before the end of its "
                     "input: rolled back, the table is unchanged",
                     holo_copy_mode_name(cw->mode), cw->base.meta.schema,
                     cw->base.meta.table);
        hf_log_warn("hologres sink: %s", err->msg);
        record_failure(cw, err);
        return -1;
    }
    return end_bulk(cw, true, err);
}

/* ------------------------------------------------------------ config */

void holo_copy_tune_config(struct holo_config *cfg, const struct hf_opts *o)
{
    if (!hf_opts_isset(o, "sink.insert.batch-size", NULL))
        cfg->batch_size = 32768;
    if (!hf_opts_isset(o, "sink.insert.batch-byte-size", NULL))
        cfg->batch_byte_size = 8 << 20;
    if (!hf_opts_isset(o, "sink.insert.batch-total-byte-size", NULL)) {
        int64_t need = cfg->batch_byte_size * 2 * (cfg->pool_size + 1);
        if (cfg->batch_total_byte_size < need)
            cfg->batch_total_byte_size = need;
    }
}

int holo_copy_validate(const struct holo_config *cfg, struct hf_error *err)
{
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
        hf_strbuf_printf(out,
                         "  write mode: %s (%s COPY, one transaction "
                         "committed at the end)\n",
                         holo_copy_mode_name(cfg->write_mode), fmt);
        return;
    }
}
