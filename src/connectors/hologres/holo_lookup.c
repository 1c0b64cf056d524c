/*
 * holo_lookup.c - the hologres connector as a lookup (dimension) table
 * (connector.h's lookup_* callbacks, driven by ops/lookup_join.c).
 *
 * One connection per lookup join. A request is one execution of a
 * prepared statement with one binary array parameter per key column:
 *   one key column:  SELECT cols FROM t WHERE "k" = ANY($1::type[])
 *   several:         SELECT cols FROM t WHERE ("a", "b") IN
 *                        (SELECT * FROM unnest($1::ta[], $2::tb[]))
 * with binary results, decoded by holo_decode.c as the scan decodes them
 * (so every type of the scan works here too). The connection is in
 * libpq's pipeline mode: lookup_send queues the execution and a sync
 * point without waiting, lookup_recv reads the oldest answer, so with
 * lookup.async several requests travel at once and answers come back in
 * order. The socket is non-blocking: while sending, pending input is
 * consumed, so neither side can block on a full buffer.
 *
 * Retries: when a request fails because the connection broke (a
 * retriable class, holo_conn.c), the connection is re-opened, the
 * statement prepared again and every request not yet answered sent
 * again, up to lookup.max-retries times; other errors fail the job.
 *
 * lookup_scan reads the whole table (a FULL cache) with the same
 * decoders, `SELECT cols FROM t` in binary.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "connectors/hologres/holo_catalog.h"
#include "connectors/hologres/holo_config.h"
#include "connectors/hologres/holo_conn.h"
#include "connectors/hologres/holo_decode.h"
#include "connectors/hologres/holo_encode.h"
#include "connectors/hologres/holo_lookup.h"
#include "connectors/hologres/holo_txn.h"
#include "core/failpoint.h"
#include "core/log.h"
#include "formats/json_value.h"

#define STMT "hf_lookup"

struct req {
    struct hf_strbuf *params; /* nkeys encoded arrays */
    uint32_t n;               /* keys asked */
};

struct holo_lookup {
    const struct hf_table_def *t;
    struct holo_config cfg;
    struct holo_conn conn;
    struct holo_table_meta meta;
    struct hf_json_codec json;
    struct holo_dec_ctx dctx;
    struct holo_dec *dec; /* per table column */
    const char **names;
    uint32_t ncols, nkeys;
    uint32_t *key_cols;
    uint32_t max_retries;
    atomic_uint_fast64_t *retries; /* the operator's counter, or NULL */
    int64_t timeout_ms;
    const int64_t *deadline; /* the operator's, or NULL */
    bool timed_out;
    char *sql;  /* the lookup statement */
    char *scan; /* SELECT every column */
    bool prepared;
    unsigned gen;
    /* Requests sent and not answered, oldest first (a ring). */
    struct req ring[HOLO_LOOKUP_RING];
    uint32_t head, count;
    const struct hf_value **ptrs;
    uint32_t ptrs_cap;
};

/* libpq's last message without its trailing newline. */
static const char *pqmsg(struct holo_lookup *l)
{
    static _Thread_local char buf[512];
    snprintf(buf, sizeof buf, "%s", PQerrorMessage(l->conn.pg));
    size_t n = strlen(buf);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
        buf[--n] = '\0';
    return buf;
}

static int fail(struct holo_lookup *l, PGresult *res, const char *what,
                enum holo_err_class *cls, struct hf_error *err)
{
    enum holo_err_class c = holo_conn_classify(&l->conn, res, err);
    if (cls)
        *cls = c;
    hf_error_prefix(err, "lookup table '%s' (%s): ", l->t->name, what);
    return -1;
}

static int prepare(struct holo_lookup *l, enum holo_err_class *cls,
                   struct hf_error *err)
{
    if (l->prepared && l->gen == l->conn.generation)
        return 0;
    /* Prepare outside the pipeline, then enter it. */
    if (PQpipelineStatus(l->conn.pg) != PQ_PIPELINE_OFF)
        PQexitPipelineMode(l->conn.pg);
    PQsetnonblocking(l->conn.pg, 0);
    PGresult *res = PQprepare(l->conn.pg, STMT, l->sql, 0, NULL);
    bool ok = res && PQresultStatus(res) == PGRES_COMMAND_OK;
    if (!ok) {
        fail(l, res, "preparing the lookup", cls, err);
        PQclear(res);
        return -1;
    }
    PQclear(res);
    if (PQenterPipelineMode(l->conn.pg) != 1 ||
        PQsetnonblocking(l->conn.pg, 1) != 0) {
        if (cls)
            *cls = HOLO_ERR_FATAL;
        return hf_error_set(err, HF_ERR_IO,
                            "lookup table '%s': cannot enter pipeline mode: "
                            "%s",
                            l->t->name, pqmsg(l));
    }
    l->prepared = true;
    l->gen = l->conn.generation;
    return 0;
}

/* Flush what libpq holds, reading input meanwhile. */
static int flush_all(struct holo_lookup *l, enum holo_err_class *cls,
                     struct hf_error *err)
{
    for (;;) {
        int f = PQflush(l->conn.pg);
        if (f == 0)
            return 0;
        if (f < 0)
            break;
        struct pollfd p = {PQsocket(l->conn.pg), POLLIN | POLLOUT, 0};
        if (poll(&p, 1, 1000) < 0)
            continue;
        if ((p.revents & POLLIN) && PQconsumeInput(l->conn.pg) != 1)
            break;
    }
    if (cls)
        *cls = HOLO_ERR_RETRY;
    return hf_error_set(err, HF_ERR_IO, "lookup table '%s': sending: %s",
                        l->t->name, pqmsg(l));
}

static int send_req(struct holo_lookup *l, const struct req *q,
                    enum holo_err_class *cls, struct hf_error *err)
{
    const char *vals[l->nkeys];
    int lens[l->nkeys], fmts[l->nkeys];
    for (uint32_t k = 0; k < l->nkeys; k++) {
        vals[k] = q->params[k].data;
        lens[k] = (int)q->params[k].len;
        fmts[k] = 1;
    }
    if (PQsendQueryPrepared(l->conn.pg, STMT, (int)l->nkeys, vals, lens, fmts,
                            1) != 1 ||
        PQpipelineSync(l->conn.pg) != 1) {
        if (cls)
            *cls = HOLO_ERR_RETRY;
        return hf_error_set(err, HF_ERR_IO, "lookup table '%s': sending: %s",
                            l->t->name, pqmsg(l));
    }
    return flush_all(l, cls, err);
}

/* Reconnect and resend every outstanding request. */
static int recover(struct holo_lookup *l, struct hf_error *err)
{
    if (l->max_retries > 0)
        hf_log_warn("%s; reconnecting and sending %u request(s) again "
                    "(lookup.max-retries %u)",
                    err->msg, l->count, l->max_retries);
    for (uint32_t attempt = 0; attempt < l->max_retries; attempt++) {
        if (l->retries)
            atomic_fetch_add(l->retries, 1);
        holo_backoff_sleep(&l->cfg, (int)attempt);
        hf_error_clear(err);
        enum holo_err_class cls = HOLO_ERR_RETRY;
        l->prepared = false;
        if (holo_conn_reconnect(&l->conn, err) != 0)
            continue;
        if (prepare(l, &cls, err) != 0) {
            if (cls != HOLO_ERR_RETRY)
                return -1;
            continue;
        }
        bool ok = true;
        for (uint32_t i = 0; ok && i < l->count; i++)
            ok = send_req(l, &l->ring[(l->head + i) % HOLO_LOOKUP_RING], &cls,
                          err) == 0;
        if (ok)
            return 0;
        if (cls != HOLO_ERR_RETRY)
            return -1;
    }
    return -1;
}

int holo_lookup_send(void *state, const struct hf_value *keys,
                            uint32_t n, struct hf_error *err)
{
    struct holo_lookup *l = state;
    if (l->count >= HOLO_LOOKUP_RING)
        return hf_error_set(err, HF_ERR_STATE,
                            "lookup table '%s': too many requests in flight",
                            l->t->name);
    struct req *q = &l->ring[(l->head + l->count) % HOLO_LOOKUP_RING];
    if (n > l->ptrs_cap) {
        const struct hf_value **p = realloc(l->ptrs, n * sizeof *p);
        if (p == NULL)
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        l->ptrs = p;
        l->ptrs_cap = n;
    }
    for (uint32_t k = 0; k < l->nkeys; k++) {
        const struct hf_type *kt = &l->t->schema.cols[l->key_cols[k]].type;
        for (uint32_t i = 0; i < n; i++)
            l->ptrs[i] = &keys[(size_t)i * l->nkeys + k];
        hf_strbuf_reset(&q->params[k]);
        if (holo_encode_array(&q->params[k], kt, l->ptrs, n, err) != 0) {
            hf_error_prefix(err, "lookup table '%s', key '%s': ", l->t->name,
                            l->t->schema.cols[l->key_cols[k]].name);
            return -1;
        }
        if (!hf_strbuf_ok(&q->params[k]))
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    q->n = n;
    l->count++;
    enum holo_err_class cls = HOLO_OK;
    if (prepare(l, &cls, err) == 0 && send_req(l, q, &cls, err) == 0)
        return 0;
    if (cls != HOLO_ERR_RETRY)
        return -1;
    return recover(l, err);
}

static int decode_rows(struct holo_lookup *l, PGresult *res,
                       struct hf_batch *out, struct hf_error *err)
{
    int nt = PQntuples(res);
    if ((uint32_t)PQnfields(res) != l->ncols)
        return hf_error_set(err, HF_ERR_DATA,
                            "lookup table '%s': %d fields where %u were "
                            "selected",
                            l->t->name, PQnfields(res), l->ncols);
    for (int i = 0; i < nt; i++) {
        struct hf_value *row = hf_batch_add_row(out, HF_ROW_INSERT, -1);
        if (row == NULL)
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        for (uint32_t c = 0; c < l->ncols; c++) {
            if (PQgetisnull(res, i, (int)c)) {
                row[c].null = true;
                continue;
            }
            if (holo_dec_value(&l->dec[c],
                               (const uint8_t *)PQgetvalue(res, i, (int)c),
                               (uint32_t)PQgetlength(res, i, (int)c), out,
                               &row[c], l->names[c], &l->dctx, err) != 0) {
                hf_batch_drop_last(out);
                return -1;
            }
        }
    }
    return nt;
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for the next result of the pipeline, at most until `deadline`
 * (CLOCK_MONOTONIC ms). NULL result with *broken when the connection
 * failed, with l->timed_out when the deadline passed. */
static PGresult *next_result(struct holo_lookup *l, int64_t deadline,
                             bool *broken)
{
    *broken = false;
    l->timed_out = false;
    while (PQisBusy(l->conn.pg)) {
        int64_t left = deadline - mono_ms();
        if (left <= 0) {
            l->timed_out = true;
            return NULL;
        }
        struct pollfd p = {PQsocket(l->conn.pg), POLLIN, 0};
        if (PQflush(l->conn.pg) == 1)
            p.events |= POLLOUT;
        int pr = poll(&p, 1, left < 200 ? (int)left : 200);
        if (pr <= 0)
            continue;
        if (PQconsumeInput(l->conn.pg) != 1) {
            *broken = true;
            return NULL;
        }
    }
    return PQgetResult(l->conn.pg);
}

static long recv_once(struct holo_lookup *l, struct hf_batch *out,
                      enum holo_err_class *cls, struct hf_error *err)
{
    bool broken;
    long n = -1;
    uint32_t rows0 = out->nrows;
    int64_t deadline = l->deadline && *l->deadline > 0
                           ? *l->deadline
                           : mono_ms() + l->timeout_ms;
    /* The network failing with requests in flight. */
    if (hf_failpoint("holo.lookup.break-in-flight"))
        holo_txn_break(&l->conn);
    PGresult *res = next_result(l, deadline, &broken);
    if (res == NULL && l->timed_out) {
        *cls = HOLO_ERR_FATAL;
        if (l->deadline && *l->deadline > 0)
            /* The operator's deadline: it says whose (lookup_join.c). */
            return hf_error_set(err, HF_ERR_IO,
                                "lookup table '%s': a request for %u key(s) "
                                "got no answer by the deadline of the rows "
                                "it waits for",
                                l->t->name, l->ring[l->head].n);
        return hf_error_set(err, HF_ERR_IO,
                            "lookup table '%s': a request for %u key(s) got "
                            "no answer within %lld ms (the LOOKUP hint's "
                            "'timeout', else table.exec.async-lookup."
                            "timeout, per request); the job fails",
                            l->t->name, l->ring[l->head].n,
                            (long long)l->timeout_ms);
    }
    if (res == NULL) {
        *cls = HOLO_ERR_RETRY;
        return hf_error_set(err, HF_ERR_IO, "lookup table '%s': %s",
                            l->t->name, pqmsg(l));
    }
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_TUPLES_OK) {
        n = decode_rows(l, res, out, err);
        *cls = n < 0 ? HOLO_ERR_FATAL : HOLO_OK;
    } else {
        fail(l, res, "looking up", cls, err);
        if (PQstatus(l->conn.pg) == CONNECTION_BAD)
            *cls = HOLO_ERR_RETRY;
    }
    PQclear(res);
    if (n < 0) {
        while (out->nrows > rows0)
            hf_batch_drop_last(out);
        return -1;
    }
    /* The end of the query, then the sync point. */
    res = next_result(l, deadline, &broken);
    PQclear(res);
    res = next_result(l, deadline, &broken);
    st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    PQclear(res);
    if (st != PGRES_PIPELINE_SYNC) {
        *cls = HOLO_ERR_RETRY;
        return hf_error_set(err, HF_ERR_IO,
                            "lookup table '%s': lost the pipeline's sync "
                            "point: %s",
                            l->t->name, pqmsg(l));
    }
    return n;
}

long holo_lookup_recv(void *state, struct hf_batch *out,
                             struct hf_error *err)
{
    struct holo_lookup *l = state;
    if (l->count == 0)
        return hf_error_set(err, HF_ERR_STATE,
                            "lookup table '%s': no request to answer",
                            l->t->name);
    for (uint32_t attempt = 0;; attempt++) {
        enum holo_err_class cls = HOLO_OK;
        long n = recv_once(l, out, &cls, err);
        if (n >= 0) {
            l->head = (l->head + 1) % HOLO_LOOKUP_RING;
            l->count--;
            return n;
        }
        if (cls != HOLO_ERR_RETRY || attempt >= l->max_retries)
            return -1;
        if (recover(l, err) != 0)
            return -1;
    }
}

int holo_lookup_scan(void *state,
                            int (*each)(void *arg, struct hf_batch *rows,
                                        struct hf_error *err),
                            void *arg, struct hf_error *err)
{
    struct holo_lookup *l = state;
    if (PQpipelineStatus(l->conn.pg) != PQ_PIPELINE_OFF)
        PQexitPipelineMode(l->conn.pg);
    PQsetnonblocking(l->conn.pg, 0);
    l->prepared = false;
    PGresult *res =
        PQexecParams(l->conn.pg, l->scan, 0, NULL, NULL, NULL, NULL, 1);
    if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
        fail(l, res, "loading the FULL cache", NULL, err);
        PQclear(res);
        return -1;
    }
    struct hf_batch *b = hf_batch_new(l->ncols, 1024);
    if (b == NULL) {
        PQclear(res);
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    long n = decode_rows(l, res, b, err);
    PQclear(res);
    int rc = n < 0 ? -1 : each(arg, b, err);
    hf_batch_destroy(b);
    return rc;
}

void holo_lookup_close(void *state)
{
    struct holo_lookup *l = state;
    if (l == NULL)
        return;
    if (l->conn.pg)
        holo_conn_close(&l->conn);
    for (uint32_t i = 0; i < HOLO_LOOKUP_RING; i++) {
        for (uint32_t k = 0; l->ring[i].params && k < l->nkeys; k++)
            hf_strbuf_free(&l->ring[i].params[k]);
        free(l->ring[i].params);
    }
    for (uint32_t c = 0; l->dec && c < l->ncols; c++)
        holo_dec_free(&l->dec[c]);
    free(l->dec);
    free(l->names);
    free(l->key_cols);
    free(l->ptrs);
    free(l->sql);
    free(l->scan);
    hf_json_codec_release(&l->json);
    holo_catalog_free(&l->meta);
    holo_config_free(&l->cfg);
    free(l);
}

static int column_of(const struct holo_table_meta *m, const char *name)
{
    for (uint32_t i = 0; i < m->ncols; i++)
        if (strcmp(m->cols[i].name, name) == 0)
            return (int)i;
    for (uint32_t i = 0; i < m->ncols; i++)
        if (strcasecmp(m->cols[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* The statements, from the decoders planned per column. */
static int build_sql(struct holo_lookup *l, struct hf_error *err)
{
    const struct hf_schema *sc = &l->t->schema;
    struct hf_strbuf list, q;
    hf_strbuf_init(&list, 0);
    hf_strbuf_init(&q, 0);
    for (uint32_t c = 0; c < l->ncols; c++) {
        if (c)
            hf_strbuf_puts(&list, ", ");
        hf_strbuf_put_ident(&list, l->names[c]);
        hf_strbuf_puts(&list, holo_dec_select_cast(&l->dec[c]));
    }
    hf_strbuf_printf(&q, "SELECT %s FROM ", list.data ? list.data : "");
    hf_strbuf_put_ident(&q, l->meta.schema);
    hf_strbuf_putc(&q, '.');
    hf_strbuf_put_ident(&q, l->meta.table);
    l->scan = q.data ? strdup(q.data) : NULL;
    if (l->nkeys == 1) {
        hf_strbuf_puts(&q, " WHERE ");
        hf_strbuf_put_ident(&q, l->names[l->key_cols[0]]);
        hf_strbuf_printf(&q, " = ANY($1::%s[])",
                         holo_wire_name(&sc->cols[l->key_cols[0]].type));
    } else {
        hf_strbuf_puts(&q, " WHERE (");
        for (uint32_t k = 0; k < l->nkeys; k++) {
            if (k)
                hf_strbuf_puts(&q, ", ");
            hf_strbuf_put_ident(&q, l->names[l->key_cols[k]]);
        }
        hf_strbuf_puts(&q, ") IN (SELECT * FROM unnest(");
        for (uint32_t k = 0; k < l->nkeys; k++)
            hf_strbuf_printf(&q, "%s$%u::%s[]", k ? ", " : "", k + 1,
                             holo_wire_name(&sc->cols[l->key_cols[k]].type));
        hf_strbuf_puts(&q, "))");
    }
    bool ok = hf_strbuf_ok(&q) && hf_strbuf_ok(&list) && l->scan;
    l->sql = ok ? strdup(q.data) : NULL;
    hf_strbuf_free(&q);
    hf_strbuf_free(&list);
    return l->sql ? 0 : hf_error_set(err, HF_ERR_NOMEM, "out of memory");
}

int holo_lookup_open(const struct hf_table_def *t,
                     const struct hf_lookup_open_args *a, void **state,
                     struct hf_error *err)
{
    struct holo_config cfg;
    memset(&cfg, 0, sizeof cfg);
    if (holo_config_from_opts(&cfg, &t->opts, err) != 0) {
        holo_config_free(&cfg);
        return -1;
    }
    return holo_lookup_open_cfg(t, a, &cfg, state, err);
}

int holo_lookup_open_cfg(const struct hf_table_def *t,
                         const struct hf_lookup_open_args *a,
                         struct holo_config *cfg, void **state,
                         struct hf_error *err)
{
    struct holo_lookup *l = calloc(1, sizeof *l);
    if (l == NULL) {
        holo_config_free(cfg);
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    l->cfg = *cfg; /* owned from here on */
    memset(cfg, 0, sizeof *cfg);
    l->t = t;
    l->ncols = t->schema.ncols;
    l->nkeys = a->nkeys;
    l->max_retries = a->conf->max_retries;
    l->retries = a->retries;
    l->timeout_ms = a->conf->timeout_ms > 0 ? a->conf->timeout_ms : 180000;
    l->deadline = a->deadline_ms;
    l->key_cols = calloc(a->nkeys, sizeof *l->key_cols);
    l->dec = calloc(l->ncols ? l->ncols : 1, sizeof *l->dec);
    l->names = calloc(l->ncols ? l->ncols : 1, sizeof *l->names);
    if (!l->key_cols || !l->dec || !l->names)
        goto nomem;
    memcpy(l->key_cols, a->key_cols, a->nkeys * sizeof *l->key_cols);
    for (uint32_t i = 0; i < HOLO_LOOKUP_RING; i++) {
        l->ring[i].params = calloc(a->nkeys, sizeof *l->ring[i].params);
        if (l->ring[i].params == NULL)
            goto nomem;
        for (uint32_t k = 0; k < a->nkeys; k++)
            hf_strbuf_init(&l->ring[i].params[k], 0);
    }
    enum holo_err_class cls;
    if (holo_conn_open(&l->conn, &l->cfg, &cls, err) != 0) {
        l->conn.pg = NULL;
        hf_error_prefix(err, "lookup table '%s': ", t->name);
        goto fail;
    }
    if (holo_catalog_get(&l->conn, l->cfg.schema, l->cfg.table,
                         l->cfg.meta_cache_ttl_ms, &l->meta, &cls, err) != 0) {
        hf_error_prefix(err, "lookup table '%s': ", t->name);
        goto fail;
    }
    struct hf_json_cfg jc;
    memset(&jc, 0, sizeof jc);
    if (hf_json_codec_init(&l->json, "hologres", &t->schema, NULL, 0, &jc,
                           true, err) != 0)
        goto fail;
    l->dctx = (struct holo_dec_ctx){l->meta.schema, l->meta.table, &l->json};
    for (uint32_t c = 0; c < l->ncols; c++) {
        const struct hf_column *col = &t->schema.cols[c];
        int k = column_of(&l->meta, col->name);
        if (col->kind != HF_COL_PHYSICAL || k < 0) {
            hf_error_set(err, HF_ERR_TYPE,
                         "lookup table '%s': table \"%s\".\"%s\" has no "
                         "column \"%s\"",
                         t->name, l->meta.schema, l->meta.table, col->name);
            goto fail;
        }
        if (holo_dec_plan(&l->dec[c], &l->meta.cols[k], &col->type,
                          l->cfg.array_delimiter, &l->dctx, err) != 0) {
            hf_error_prefix(err, "lookup table '%s': ", t->name);
            goto fail;
        }
        l->names[c] = l->meta.cols[k].name;
    }
    if (build_sql(l, err) != 0)
        goto fail;
    if (prepare(l, &cls, err) != 0)
        goto fail;
    *state = l;
    return 0;
nomem:
    hf_error_set(err, HF_ERR_NOMEM, "out of memory");
fail:
    holo_lookup_close(l);
    return -1;
}
