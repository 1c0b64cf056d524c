/*
 * holo_scan.c - the bounded scan source of the hologres connector (see
 * holo_scan.h for what it reads and how the readers share a snapshot).
 *
 * open: resolve the options, connect, read the table from the catalog,
 * pair every used job column with a table column and plan its decoder
 * (a misfit fails here, naming table and column), start the snapshot
 * transaction, cut the splits and connect the other readers, which import
 * the snapshot before anything is read. read: drive every reader without
 * blocking (a reader with no split takes the next; one whose server has
 * sent nothing waits in poll()), parse the binary COPY stream, or the
 * rows of a FETCH, straight into the batch. The COPY stream is treated as
 * a byte stream: a row cut between two CopyData messages waits in the
 * reader's buffer for the rest.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "conf/shard.h"
#include "connectors/hologres/holo_catalog.h"
#include "connectors/hologres/holo_config.h"
#include "connectors/hologres/holo_conn.h"
#include "connectors/hologres/holo_decode.h"
#include "connectors/hologres/holo_scan.h"
#include "connectors/hologres/holo_scan_filter.h"
#include "core/log.h"
#include "formats/json_value.h"

/* ------------------------------------------------------------ SQL text */

const char *holo_scan_page_count_sql(void)
{
    return "SELECT (pg_relation_size(c.oid) / "
           "current_setting('block_size')::int8)::int8 "
           "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
           "WHERE n.nspname = $1 AND c.relname = $2";
}

const char *holo_scan_children_sql(void)
{
    return "SELECT count(*)::int8 FROM pg_inherits i "
           "JOIN pg_class c ON c.oid = i.inhparent "
           "JOIN pg_namespace n ON n.oid = c.relnamespace "
           "WHERE n.nspname = $1 AND c.relname = $2";
}

const char *holo_scan_shard_count_sql(void)
{
    return "SELECT g.property_value::int8 "
           "FROM hologres.hg_table_properties t "
           "JOIN hologres.hg_table_group_properties g "
           "ON g.tablegroup_name = t.property_value "
           "WHERE t.table_namespace = $1 AND t.table_name = $2 "
           "AND t.property_key = 'table_group' "
           "AND g.property_key = 'shard_count'";
}

void holo_scan_split_sql(struct hf_strbuf *out, const struct holo_split *sp,
                         const char *select_list, const char *where,
                         int64_t limit, bool copy)
{
    if (copy)
        hf_strbuf_puts(out, "COPY (");
    hf_strbuf_printf(out, "SELECT %s FROM ", select_list);
    if (sp->query != NULL) {
        hf_strbuf_printf(out, "(%s) AS \"hf_query\"", sp->query);
    } else {
        hf_strbuf_put_ident(out, sp->schema);
        hf_strbuf_putc(out, '.');
        hf_strbuf_put_ident(out, sp->table);
    }
    bool and = false;
    if (sp->range_col != NULL) {
        /* Bounds are int64 values holoflow parsed, printed as numbers. */
        hf_strbuf_puts(out, " WHERE (");
        hf_strbuf_put_ident(out, sp->range_col);
        hf_strbuf_printf(out, " BETWEEN %lld AND %lld)", (long long)sp->rlo,
                         (long long)sp->rhi);
        and = true;
    } else if (sp->lo >= 0) {
        /* Numbers holoflow computed from the catalog, not job values. */
        if (sp->shards) {
            hf_strbuf_printf(out, " WHERE hg_shard_id >= %lld",
                             (long long)sp->lo);
            if (sp->hi >= 0)
                hf_strbuf_printf(out, " AND hg_shard_id < %lld",
                                 (long long)sp->hi);
        } else {
            hf_strbuf_printf(out, " WHERE ctid >= '(%lld,0)'::tid",
                             (long long)sp->lo);
            if (sp->hi >= 0)
                hf_strbuf_printf(out, " AND ctid < '(%lld,0)'::tid",
                                 (long long)sp->hi);
        }
        and = true;
    }
    if (where != NULL && where[0] != '\0')
        hf_strbuf_printf(out, " %s (%s)", and ? "AND" : "WHERE", where);
    if (limit >= 0)
        hf_strbuf_printf(out, " LIMIT %lld", (long long)limit);
    if (copy)
        hf_strbuf_puts(out, ") TO STDOUT (FORMAT binary)");
}

uint32_t holo_scan_ranges(int64_t count, uint32_t n, bool open_end,
                          int64_t *lo, int64_t *hi)
{
    if (n == 0)
        return 0;
    if (count < (int64_t)n)
        n = count > 0 ? (uint32_t)count : 1;
    int64_t step = count / n, rem = count % n, at = 0;
    for (uint32_t i = 0; i < n; i++) {
        lo[i] = at;
        at += step + (i < rem ? 1 : 0);
        hi[i] = at;
    }
    if (open_end)
        hi[n - 1] = -1;
    return n;
}

/* ------------------------------------------------------------ state */

enum rstate {
    R_IDLE, /* needs a split */
    R_WAIT, /* a statement was sent: its results, then what `next` says */
    R_COPY, /* in COPY OUT */
    R_DONE
};

/* What a reader does once its statement's results are all in. */
enum rnext {
    N_IDLE,  /* take the next split */
    N_FETCH, /* FETCH from the cursor */
    N_CLOSE  /* CLOSE the cursor */
};

struct reader {
    struct holo_conn conn;
    enum rstate st;
    int split;               /* index being read, -1 none */
    bool header;             /* COPY header already consumed */
    struct hf_strbuf pend;   /* bytes of a row cut between messages */
    enum rnext next;
    bool fetching;           /* the statement is a FETCH */
};

struct holo_scan {
    struct holo_config cfg;
    struct holo_table_meta meta;
    const struct hf_table_def *t;
    struct hf_table_stats *stats;
    const atomic_int *stopping;
    uint32_t nsel;     /* columns read */
    uint32_t *sel_col; /* job column of each */
    struct holo_dec *dec;
    const char **names; /* table column names, for messages */
    struct holo_dec_ctx dctx;
    struct hf_json_codec json;
    char *select_list;
    struct holo_scan_filter filter; /* pushed-down conjuncts */
    int64_t limit; /* -1 none */
    uint64_t emitted;
    struct holo_split *splits;
    uint32_t nsplits, next_split;
    struct reader *readers;
    uint32_t nreaders;
    bool hologres;
    int64_t last_data_ms;
    uint64_t origin;
    struct hf_strbuf sql;
    const struct holo_scan_ranges *ranges; /* during open only, or NULL */
    const char *kind; /* "hologres" or "jdbc", for messages (static) */
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int fail_conn(struct holo_scan *s, struct reader *r, PGresult *res,
                     const char *what, struct hf_error *err)
{
    holo_conn_classify(&r->conn, res, err);
    hf_error_prefix(err, "%s source '%s' (\"%s\".\"%s\"), %s: ",
                    s->kind, s->t->name, s->meta.schema, s->meta.table, what);
    return -1;
}

static int exec_ok(struct holo_scan *s, struct reader *r, const char *sql,
                   struct hf_error *err)
{
    PGresult *res = PQexec(r->conn.pg, sql);
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        PQclear(res);
        return 0;
    }
    fail_conn(s, r, res, sql, err);
    PQclear(res);
    return -1;
}

/* One int8 from a query with the relation as $1/$2, or -1 on no row. */
static int query_count(struct holo_scan *s, struct reader *r, const char *sql,
                       const char *schema, const char *table, int64_t *out,
                       struct hf_error *err)
{
    const char *params[2] = {schema, table};
    PGresult *res = PQexecParams(r->conn.pg, sql, 2, NULL, params, NULL, NULL, 0);
    if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
        fail_conn(s, r, res, "sizing the splits", err);
        PQclear(res);
        return -1;
    }
    *out = -1;
    if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
        *out = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return 0;
}

/* ------------------------------------------------------------ open */

static int match_column(const struct holo_table_meta *m, const char *name)
{
    for (uint32_t i = 0; i < m->ncols; i++)
        if (strcmp(m->cols[i].name, name) == 0)
            return (int)i;
    int found = -1;
    for (uint32_t i = 0; i < m->ncols; i++)
        if (strcasecmp(m->cols[i].name, name) == 0) {
            if (found >= 0)
                return -1;
            found = (int)i;
        }
    return found;
}

static int plan_columns_of(struct holo_scan *s, const bool *used,
                           struct hf_error *err);

/* The columns read: those the query uses plus those of the conjuncts the
 * scan evaluates itself. */
static int plan_columns(struct holo_scan *s, const struct hf_run_ctx *ctx,
                        struct hf_error *err)
{
    const struct hf_schema *sc = &s->t->schema;
    const bool *hint = ctx->scan ? ctx->scan->used : NULL;
    bool *used = NULL;
    if (hint != NULL) {
        used = calloc(sc->ncols ? sc->ncols : 1, sizeof *used);
        if (used == NULL)
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        memcpy(used, hint, sc->ncols * sizeof *used);
        holo_scan_filter_columns(&s->filter, used, sc->ncols);
    }
    int rc = plan_columns_of(s, used, err);
    free(used);
    return rc;
}

static int plan_columns_of(struct holo_scan *s, const bool *used,
                           struct hf_error *err)
{
    const struct hf_schema *sc = &s->t->schema;
    s->sel_col = calloc(sc->ncols ? sc->ncols : 1, sizeof *s->sel_col);
    s->dec = calloc(sc->ncols ? sc->ncols : 1, sizeof *s->dec);
    s->names = calloc(sc->ncols ? sc->ncols : 1, sizeof *s->names);
    if (!s->sel_col || !s->dec || !s->names)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    struct hf_strbuf list;
    hf_strbuf_init(&list, 0);
    for (uint32_t i = 0; i < sc->ncols; i++) {
        const struct hf_column *c = &sc->cols[i];
        if (c->kind == HF_COL_METADATA) {
            hf_strbuf_free(&list);
            return hf_error_set(err, HF_ERR_USAGE,
                                "%s source '%s': column '%s' is a "
                                "METADATA column; the bounded scan has no "
                                "metadata",
                                s->kind, s->t->name, c->name);
        }
        if (c->kind != HF_COL_PHYSICAL || (used && !used[i]))
            continue;
        int k = match_column(&s->meta, c->name);
        if (k < 0) {
            hf_strbuf_free(&list);
            return hf_error_set(err, HF_ERR_TYPE,
                                "table \"%s\".\"%s\" has no column \"%s\" "
                                "(%s source '%s')",
                                s->meta.schema, s->meta.table, c->name,
                                s->kind, s->t->name);
        }
        const struct holo_column *col = &s->meta.cols[k];
        struct holo_dec *d = &s->dec[s->nsel];
        if (holo_dec_plan(d, col, &c->type, s->cfg.array_delimiter, &s->dctx,
                          err) != 0) {
            holo_dec_free(d);
            hf_strbuf_free(&list);
            return -1;
        }
        if (s->nsel > 0)
            hf_strbuf_puts(&list, ", ");
        hf_strbuf_put_ident(&list, col->name);
        hf_strbuf_puts(&list, holo_dec_select_cast(d));
        s->names[s->nsel] = col->name;
        s->sel_col[s->nsel++] = i;
    }
    if (!hf_strbuf_ok(&list)) {
        hf_strbuf_free(&list);
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    s->select_list = strdup(list.data ? list.data : "");
    hf_strbuf_free(&list);
    return s->select_list ? 0 : hf_error_set(err, HF_ERR_NOMEM, "out of memory");
}

static int add_split(struct holo_scan *s, const char *schema,
                     const char *table, int64_t lo, int64_t hi, bool shards,
                     uint32_t *cap, struct hf_error *err)
{
    if (s->nsplits == *cap) {
        uint32_t nc = *cap ? *cap * 2 : 8;
        struct holo_split *ns = realloc(s->splits, nc * sizeof *ns);
        if (ns == NULL)
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        s->splits = ns;
        *cap = nc;
    }
    s->splits[s->nsplits++] =
        (struct holo_split){schema, table, lo, hi, shards, NULL, 0, 0};
    return 0;
}

/* Whether a column of OID `oid` compares with integer bounds. */
static bool numeric_oid(Oid oid)
{
    switch (oid) {
    case 20:   /* int8 */
    case 21:   /* int2 */
    case 23:   /* int4 */
    case 26:   /* oid */
    case 700:  /* float4 */
    case 701:  /* float8 */
    case 1700: /* numeric */
        return true;
    default:
        return false;
    }
}

/* holo_scan_ranges: one split per range over the table (a partitioned
 * parent included: the server routes the range to its children). */
static int make_range_splits(struct holo_scan *s, struct hf_error *err)
{
    const struct holo_scan_ranges *rg = s->ranges;
    int k = match_column(&s->meta, rg->column);
    if (k < 0)
        return hf_error_set(err, HF_ERR_OPTION,
                            "option 'scan.partition.column' = '%s': table "
                            "\"%s\".\"%s\" has no such column (source '%s')",
                            rg->column, s->meta.schema, s->meta.table,
                            s->t->name);
    const struct holo_column *col = &s->meta.cols[k];
    if (!numeric_oid(col->type_oid))
        return hf_error_set(err, HF_ERR_OPTION,
                            "option 'scan.partition.column' = '%s': column "
                            "\"%s\" of \"%s\".\"%s\" is %s, but the "
                            "partition bounds are numbers: PostgreSQL cannot "
                            "compare it with them (Flink's JDBC source fails "
                            "there too); use a numeric column (source '%s')",
                            rg->column, col->name, s->meta.schema,
                            s->meta.table, col->type_text ? col->type_text : "?",
                            s->t->name);
    uint32_t cap = 0;
    for (uint32_t i = 0; i < rg->n; i++) {
        if (add_split(s, s->meta.schema, s->meta.table, -1, -1, false, &cap,
                      err) != 0)
            return -1;
        struct holo_split *sp = &s->splits[s->nsplits - 1];
        sp->range_col = col->name;
        sp->rlo = rg->lo[i];
        sp->rhi = rg->hi[i];
    }
    return 0;
}

/* source.scan.shard I/N: keep the splits k with k mod N = I. */
static void shard_splits(struct holo_scan *s)
{
    uint32_t si = s->cfg.shard_index, sn = s->cfg.shard_count;
    if (sn <= 1)
        return;
    uint32_t kept = 0;
    for (uint32_t k = 0; k < s->nsplits; k++)
        if (hf_shard_owns(k, si, sn))
            s->splits[kept++] = s->splits[k];
    hf_log_info("%s source '%s': shard %u/%u reads %u of %u splits", s->kind,
                s->t->name, si, sn, kept, s->nsplits);
    s->nsplits = kept;
}

static int make_splits_all(struct holo_scan *s, struct hf_error *err);

/* The splits this process reads: every split (make_splits_all), or its
 * shard's. */
static int make_splits(struct holo_scan *s, struct hf_error *err)
{
    if (make_splits_all(s, err) != 0)
        return -1;
    shard_splits(s);
    return 0;
}

/* The relations to read: a partitioned parent's children that the pushed
 * filter does not rule out, else the table. Under source.scan.shard I/N
 * they are cut for split-count x N readers, the same in every process. */
static int make_splits_all(struct holo_scan *s, struct hf_error *err)
{
    if (s->ranges != NULL)
        return make_range_splits(s, err);
    uint32_t cap = 0;
    if (s->cfg.scan_query != NULL) { /* a query: one split */
        if (add_split(s, s->meta.schema, s->meta.table, -1, -1, false, &cap,
                      err) != 0)
            return -1;
        s->splits[0].query = s->cfg.scan_query;
        return 0;
    }
    uint32_t want = (uint32_t)s->cfg.split_count;
    if (s->cfg.shard_count > 1) {
        uint64_t w = (uint64_t)(want > 0 ? want : 1) * s->cfg.shard_count;
        want = w > 64 ? 64 : (uint32_t)w;
    }
    struct reader *r = &s->readers[0];
    if (s->hologres) {
        int64_t shards = -1;
        if (want > 1 &&
            query_count(s, r, holo_scan_shard_count_sql(), s->meta.schema,
                        s->meta.table, &shards, err) != 0)
            return -1;
        if (want <= 1 || shards <= 1)
            return add_split(s, s->meta.schema, s->meta.table, -1, -1, true,
                             &cap, err);
        int64_t lo[64], hi[64];
        uint32_t n = holo_scan_ranges(shards, want, false, lo, hi);
        for (uint32_t i = 0; i < n; i++)
            if (add_split(s, s->meta.schema, s->meta.table, lo[i], hi[i], true,
                          &cap, err) != 0)
                return -1;
        return 0;
    }
    bool by_child = s->meta.partitioned && s->meta.nparts > 0 &&
                    (want > 1 || s->filter.pruned);
    if (by_child) {
        /* Read child by child only when every child is a LIST child the
         * catalog knows (no DEFAULT partition, no other kind). */
        int64_t nchild = -1;
        if (query_count(s, r, holo_scan_children_sql(), s->meta.schema,
                        s->meta.table, &nchild, err) != 0)
            return -1;
        by_child = nchild == (int64_t)s->meta.nparts;
    }
    uint32_t nrel = by_child ? s->meta.nparts : 1;
    for (uint32_t p = 0; p < nrel; p++) {
        const char *schema = by_child ? s->meta.parts[p].schema : s->meta.schema;
        const char *table = by_child ? s->meta.parts[p].table : s->meta.table;
        if (by_child &&
            !holo_scan_filter_keeps(&s->filter, &s->meta, s->meta.parts[p].value))
            continue;
        int64_t pages = -1;
        if (want > 1 && !(s->meta.partitioned && !by_child) &&
            query_count(s, r, holo_scan_page_count_sql(), schema, table, &pages,
                        err) != 0)
            return -1;
        if (want <= 1 || pages <= 1) {
            if (add_split(s, schema, table, -1, -1, false, &cap, err) != 0)
                return -1;
            continue;
        }
        int64_t lo[64], hi[64];
        uint32_t n = holo_scan_ranges(pages, want, true, lo, hi);
        for (uint32_t i = 0; i < n; i++)
            if (add_split(s, schema, table, lo[i], hi[i], false, &cap, err) != 0)
                return -1;
    }
    return 0;
}

static int reader_connect(struct holo_scan *s, struct reader *r,
                          struct hf_error *err)
{
    enum holo_err_class cls;
    hf_strbuf_init(&r->pend, 0);
    r->split = -1;
    if (holo_conn_open(&r->conn, &s->cfg, &cls, err) != 0) {
        hf_error_prefix(err, "%s source '%s': ", s->kind, s->t->name);
        return -1;
    }
    if (s->cfg.scan_idle_txn_s > 0 && !r->conn.hologres) {
        char v[32];
        snprintf(v, sizeof v, "%lld", (long long)s->cfg.scan_idle_txn_s * 1000);
        const char *pv[1] = {v};
        PGresult *res = PQexecParams(
            r->conn.pg,
            "SELECT set_config('idle_in_transaction_session_timeout', $1, "
            "false)",
            1, NULL, pv, NULL, NULL, 0);
        bool ok = res && PQresultStatus(res) == PGRES_TUPLES_OK;
        if (!ok)
            fail_conn(s, r, res, "setting idle_in_transaction_session_timeout",
                      err);
        PQclear(res);
        if (!ok)
            return -1;
    }
    return 0;
}

static void free_scan(struct holo_scan *s)
{
    if (s == NULL)
        return;
    for (uint32_t i = 0; i < s->nreaders; i++) {
        struct reader *r = &s->readers[i];
        if (r->conn.pg) {
            /* A read-only transaction: ending the session ends it. */
            holo_conn_close(&r->conn);
        }
        hf_strbuf_free(&r->pend);
    }
    free(s->readers);
    for (uint32_t i = 0; i < s->nsel; i++)
        holo_dec_free(&s->dec[i]);
    free(s->dec);
    free(s->sel_col);
    free(s->names);
    free(s->select_list);
    free(s->splits);
    holo_scan_filter_free(&s->filter);
    hf_json_codec_release(&s->json);
    holo_catalog_free(&s->meta);
    holo_config_free(&s->cfg);
    hf_strbuf_free(&s->sql);
    free(s);
}

int holo_scan_open(const struct hf_table_def *t, const struct hf_run_ctx *ctx,
                   void **state, struct hf_error *err)
{
    struct holo_config cfg;
    memset(&cfg, 0, sizeof cfg);
    if (holo_config_from_opts(&cfg, &t->opts, err) != 0) {
        holo_config_free(&cfg);
        return -1;
    }
    return holo_scan_open_cfg(t, ctx, &cfg, NULL, "hologres", state, err);
}

int holo_scan_open_cfg(const struct hf_table_def *t,
                       const struct hf_run_ctx *ctx, struct holo_config *cfg,
                       const struct holo_scan_ranges *ranges,
                       const char *kind, void **state, struct hf_error *err)
{
    struct holo_scan *s = calloc(1, sizeof *s);
    if (s == NULL) {
        holo_config_free(cfg);
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    s->cfg = *cfg;
    memset(cfg, 0, sizeof *cfg);
    s->t = t;
    s->stats = ctx->stats;
    s->stopping = ctx->stopping;
    s->limit = ctx->scan ? ctx->scan->limit : -1;
    s->ranges = ranges;
    s->kind = kind;
    hf_strbuf_init(&s->sql, 0);
    uint32_t want = s->cfg.split_count > 0 ? (uint32_t)s->cfg.split_count : 1;
    if (ranges != NULL)
        want = ranges->readers > 0 ? ranges->readers : 1;
    s->readers = calloc(want, sizeof *s->readers);
    if (s->readers == NULL) {
        hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        goto fail;
    }
    s->nreaders = 1;
    struct reader *r0 = &s->readers[0];
    if (reader_connect(s, r0, err) != 0)
        goto fail;
    s->hologres = r0->conn.hologres;
    enum holo_err_class cls;
    if ((s->cfg.scan_query
             ? holo_catalog_query(&r0->conn, s->cfg.scan_query, s->cfg.schema,
                                  s->cfg.table, &s->meta, &cls, err)
             : holo_catalog_get(&r0->conn, s->cfg.schema, s->cfg.table,
                                s->cfg.meta_cache_ttl_ms, &s->meta, &cls,
                                err)) != 0) {
        hf_error_prefix(err, "%s source '%s': ", s->kind, t->name);
        goto fail;
    }
    struct hf_json_cfg jc;
    memset(&jc, 0, sizeof jc);
    if (hf_json_codec_init(&s->json, "hologres", &t->schema, NULL, 0, &jc,
                           true, err) != 0)
        goto fail;
    s->dctx = (struct holo_dec_ctx){s->meta.schema, s->meta.table, &s->json};
    if (ctx->scan && ctx->scan->nfilters > 0 &&
        holo_scan_filter_build(&s->filter, t, &s->meta, ctx->scan->filters,
                               ctx->scan->nfilters, err) != 0)
        goto fail;
    if (plan_columns(s, ctx, err) != 0)
        goto fail;
    /* One snapshot for every reader (PostgreSQL). */
    if (!s->hologres &&
        exec_ok(s, r0, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
                err) != 0)
        goto fail;
    if (make_splits(s, err) != 0)
        goto fail;
    if (s->stats != NULL) /* progress: splits done of all */
        atomic_store(&s->stats->splits_total, (int64_t)s->nsplits);
    uint32_t n = want < s->nsplits ? want : s->nsplits;
    if (n > 1) {
        char *snap = NULL;
        if (!s->hologres) {
            PGresult *res = PQexec(r0->conn.pg, "SELECT pg_export_snapshot()");
            if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK ||
                PQntuples(res) != 1) {
                fail_conn(s, r0, res, "exporting the snapshot", err);
                PQclear(res);
                goto fail;
            }
            snap = strdup(PQgetvalue(res, 0, 0));
            PQclear(res);
            if (snap == NULL) {
                hf_error_set(err, HF_ERR_NOMEM, "out of memory");
                goto fail;
            }
        }
        for (uint32_t i = 1; i < n; i++) {
            struct reader *r = &s->readers[i];
            s->nreaders = i + 1;
            if (reader_connect(s, r, err) != 0) {
                free(snap);
                goto fail;
            }
            if (snap == NULL)
                continue;
            /* The snapshot id comes from the server; SET takes no
             * parameters, so it is quoted by libpq. */
            char *lit = PQescapeLiteral(r->conn.pg, snap, strlen(snap));
            if (lit == NULL) {
                free(snap);
                hf_error_set(err, HF_ERR_NOMEM, "out of memory");
                goto fail;
            }
            hf_strbuf_reset(&s->sql);
            hf_strbuf_printf(&s->sql, "SET TRANSACTION SNAPSHOT %s", lit);
            PQfreemem(lit);
            if (exec_ok(s, r,
                        "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
                        err) != 0 ||
                exec_ok(s, r, s->sql.data, err) != 0) {
                free(snap);
                goto fail;
            }
        }
        hf_log_debug("%s source '%s': %u readers share snapshot %s",
                     s->kind, t->name, n, snap ? snap : "(none: Hologres)");
        free(snap);
    }
    for (uint32_t i = 0; i < s->nreaders; i++)
        if (PQsetnonblocking(s->readers[i].conn.pg, 1) != 0) {
            fail_conn(s, &s->readers[i], NULL, "going non-blocking", err);
            goto fail;
        }
    hf_log_info("%s source '%s': reading %s%s%s%s%s (%u column%s, "
                "%u split%s, %u reader%s%s)",
                s->kind, t->name,
                s->cfg.scan_query ? "source.scan.query" : "\"",
                s->cfg.scan_query ? "" : s->meta.schema,
                s->cfg.scan_query ? "" : "\".\"",
                s->cfg.scan_query ? "" : s->meta.table,
                s->cfg.scan_query ? "" : "\"", s->nsel,
                s->nsel == 1 ? "" : "s", s->nsplits, s->nsplits == 1 ? "" : "s",
                s->nreaders, s->nreaders == 1 ? "" : "s",
                s->filter.nconj ? ", filter pushed down" : "");
    s->last_data_ms = now_ms();
    s->ranges = NULL;
    *state = s;
    return 0;
fail:
    free_scan(s);
    return -1;
}

void holo_scan_close(void *state)
{
    free_scan(state);
}

/* ------------------------------------------------------------ reading */

static inline uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

static bool want_more(const struct holo_scan *s)
{
    return s->limit < 0 || s->emitted < (uint64_t)s->limit;
}

/* One row of fields at p (n fields), each int32 length + bytes. */
static int emit_row(struct holo_scan *s, struct hf_batch *b,
                    const uint8_t *const *fp, const int32_t *fl,
                    struct hf_error *err)
{
    struct hf_value *row = hf_batch_add_row(b, HF_ROW_INSERT, (int64_t)++s->origin);
    if (row == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    for (uint32_t k = 0; k < s->nsel; k++) {
        struct hf_value *v = &row[s->sel_col[k]];
        if (fl[k] < 0) {
            v->null = true;
            continue;
        }
        if (holo_dec_value(&s->dec[k], fp[k], (uint32_t)fl[k], b, v,
                           s->names[k], &s->dctx, err) != 0) {
            hf_batch_drop_last(b);
            return -1;
        }
    }
    if (s->filter.nlocal > 0) {
        int keep = holo_scan_filter_row(&s->filter, row, b, err);
        if (keep <= 0) {
            hf_batch_drop_last(b);
            if (keep < 0)
                hf_error_prefix(err, "%s source '%s': ", s->kind, s->t->name);
            return keep;
        }
    }
    s->emitted++;
    return 0;
}

/* Parse complete rows of a binary COPY stream from p[0..n). Returns the
 * bytes consumed (a partial row stays), or -1. *end is set at the
 * trailer. */
static long parse_copy(struct holo_scan *s, struct reader *r, const uint8_t *p,
                       size_t n, struct hf_batch *b, bool *end,
                       struct hf_error *err)
{
    size_t off = 0;
    if (!r->header) {
        if (n < 19)
            return 0;
        if (memcmp(p, "PGCOPY\n\377\r\n\0", 11) != 0)
            return hf_error_set(err, HF_ERR_DATA,
                                "%s source '%s': not a binary COPY "
                                "stream",
                                s->kind, s->t->name);
        uint32_t ext = rd32(p + 15);
        if (n < 19 + (size_t)ext)
            return 0;
        off = 19 + ext;
        r->header = true;
    }
    const uint8_t *fp[s->nsel ? s->nsel : 1];
    int32_t fl[s->nsel ? s->nsel : 1];
    while (off + 2 <= n) {
        int16_t nf = (int16_t)((uint16_t)p[off] << 8 | p[off + 1]);
        if (nf == -1) {
            *end = true;
            return (long)(off + 2);
        }
        if ((uint32_t)nf != s->nsel)
            return hf_error_set(err, HF_ERR_DATA,
                                "%s source '%s': a row of %d fields "
                                "where %u were selected",
                                s->kind, s->t->name, nf, s->nsel);
        size_t q = off + 2;
        bool whole = true;
        for (uint32_t k = 0; k < s->nsel; k++) {
            if (q + 4 > n) {
                whole = false;
                break;
            }
            fl[k] = (int32_t)rd32(p + q);
            q += 4;
            fp[k] = p + q;
            if (fl[k] > 0) {
                if (q + (size_t)fl[k] > n) {
                    whole = false;
                    break;
                }
                q += (size_t)fl[k];
            }
        }
        if (!whole)
            break;
        if (want_more(s) && emit_row(s, b, fp, fl, err) != 0)
            return -1;
        off = q;
    }
    return (long)off;
}

/* Take a CopyData message. 0 or -1. */
static int take_copy(struct holo_scan *s, struct reader *r, const char *msg,
                     int len, struct hf_batch *b, bool *end,
                     struct hf_error *err)
{
    const uint8_t *p = (const uint8_t *)msg;
    size_t n = (size_t)len;
    if (r->pend.len > 0) {
        hf_strbuf_append(&r->pend, msg, n);
        if (!hf_strbuf_ok(&r->pend))
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        p = (const uint8_t *)r->pend.data;
        n = r->pend.len;
    }
    long used = parse_copy(s, r, p, n, b, end, err);
    if (used < 0)
        return -1;
    size_t rest = n - (size_t)used;
    if (r->pend.len > 0) {
        memmove(r->pend.data, r->pend.data + used, rest);
        r->pend.len = rest;
    } else if (rest > 0 && !*end) {
        hf_strbuf_append(&r->pend, p + used, rest);
        if (!hf_strbuf_ok(&r->pend))
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    return 0;
}

/* Start the next split on r; R_DONE when there is none. */
static int start_split(struct holo_scan *s, struct reader *r,
                       struct hf_error *err)
{
    if (s->next_split >= s->nsplits || !want_more(s)) {
        r->st = R_DONE;
        return 0;
    }
    r->split = (int)s->next_split++;
    const struct holo_split *sp = &s->splits[r->split];
    /* A LIMIT in SQL only when the server applies the whole filter. */
    int64_t lim = s->limit >= 0 && s->filter.nlocal == 0
                      ? s->limit - (int64_t)s->emitted
                      : -1;
    hf_strbuf_reset(&s->sql);
    r->header = false;
    hf_strbuf_reset(&r->pend);
    bool cursor = s->filter.nparams > 0;
    if (cursor)
        hf_strbuf_puts(&s->sql, "DECLARE hf_scan NO SCROLL CURSOR FOR ");
    holo_scan_split_sql(&s->sql, sp, s->select_list,
                        s->filter.nconj ? s->filter.where : NULL, lim, !cursor);
    if (!hf_strbuf_ok(&s->sql))
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    hf_log_debug("%s source '%s': reader %ld: %s", s->kind, s->t->name,
                 (long)(r - s->readers), s->sql.data);
    int ok;
    if (cursor)
        ok = PQsendQueryParams(r->conn.pg, s->sql.data, (int)s->filter.nparams,
                               NULL,
                               (const char *const *)s->filter.values, NULL,
                               NULL, 0);
    else
        ok = PQsendQuery(r->conn.pg, s->sql.data);
    if (!ok)
        return fail_conn(s, r, NULL, "starting the scan", err);
    r->next = cursor ? N_FETCH : N_IDLE;
    r->fetching = false;
    r->st = R_WAIT;
    return 0;
}

static int send_fetch(struct holo_scan *s, struct reader *r,
                      struct hf_error *err)
{
    char q[64];
    snprintf(q, sizeof q, "FETCH FORWARD %lld FROM hf_scan",
             (long long)s->cfg.scan_fetch_size);
    if (!PQsendQueryParams(r->conn.pg, q, 0, NULL, NULL, NULL, NULL, 1))
        return fail_conn(s, r, NULL, "fetching", err);
    r->st = R_WAIT;
    r->fetching = true;
    r->next = N_FETCH;
    return 0;
}

/* Rows of a FETCH result, binary. Returns the number of rows. */
static int take_fetch(struct holo_scan *s, PGresult *res, struct hf_batch *b,
                      struct hf_error *err)
{
    int nt = PQntuples(res);
    if ((uint32_t)PQnfields(res) != s->nsel)
        return hf_error_set(err, HF_ERR_DATA,
                            "%s source '%s': %d fields where %u were "
                            "selected",
                            s->kind, s->t->name, PQnfields(res), s->nsel);
    const uint8_t *fp[s->nsel ? s->nsel : 1];
    int32_t fl[s->nsel ? s->nsel : 1];
    for (int i = 0; i < nt && want_more(s); i++) {
        for (uint32_t k = 0; k < s->nsel; k++) {
            if (PQgetisnull(res, i, (int)k)) {
                fl[k] = -1;
                fp[k] = NULL;
            } else {
                fl[k] = PQgetlength(res, i, (int)k);
                fp[k] = (const uint8_t *)PQgetvalue(res, i, (int)k);
            }
        }
        if (emit_row(s, b, fp, fl, err) != 0)
            return -1;
    }
    return nt;
}

/* Advance reader r as far as it goes without blocking. *progress is set
 * when something happened. 0 or -1. */
static int step(struct holo_scan *s, struct reader *r, struct hf_batch *b,
                bool *progress, struct hf_error *err)
{
    for (;;) {
        switch (r->st) {
        case R_DONE:
            return 0;
        case R_IDLE:
            if (start_split(s, r, err) != 0)
                return -1;
            *progress = true;
            if (r->st == R_DONE)
                return 0;
            continue;
        case R_WAIT: {
            if (!PQconsumeInput(r->conn.pg))
                return fail_conn(s, r, NULL, "reading", err);
            if (PQisBusy(r->conn.pg))
                return 0;
            PGresult *res = PQgetResult(r->conn.pg);
            *progress = true;
            if (res == NULL) {
                /* The statement is done: what comes next. */
                if (r->next == N_FETCH) {
                    if (send_fetch(s, r, err) != 0)
                        return -1;
                } else if (r->next == N_CLOSE) {
                    if (!PQsendQuery(r->conn.pg, "CLOSE hf_scan"))
                        return fail_conn(s, r, NULL, "closing the cursor",
                                         err);
                    r->fetching = false;
                    r->next = N_IDLE;
                } else {
                    if (r->split >= 0 && s->stats != NULL)
                        atomic_fetch_add(&s->stats->splits_done, 1);
                    r->st = R_IDLE;
                    r->split = -1;
                }
                if (hf_batch_full(b))
                    return 0;
                continue;
            }
            ExecStatusType st = PQresultStatus(res);
            if (st == PGRES_COPY_OUT) {
                PQclear(res);
                r->st = R_COPY;
                continue;
            }
            if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
                fail_conn(s, r, res, "scanning", err);
                PQclear(res);
                return -1;
            }
            if (r->fetching) {
                int nt = take_fetch(s, res, b, err);
                PQclear(res);
                if (nt < 0)
                    return -1;
                r->fetching = false;
                r->next = nt < s->cfg.scan_fetch_size || !want_more(s)
                              ? N_CLOSE
                              : N_FETCH;
                continue;
            }
            PQclear(res);
            continue;
        }
        case R_COPY: {
            char *buf = NULL;
            int len = PQgetCopyData(r->conn.pg, &buf, 1);
            if (len == 0) {
                if (!PQconsumeInput(r->conn.pg))
                    return fail_conn(s, r, NULL, "reading", err);
                len = PQgetCopyData(r->conn.pg, &buf, 1);
                if (len == 0)
                    return 0;
            }
            if (len == -1) {
                r->st = R_WAIT;
                r->next = N_IDLE;
                *progress = true;
                continue;
            }
            if (len < 0)
                return fail_conn(s, r, NULL, "reading the COPY stream", err);
            *progress = true;
            bool end = false;
            int rc = take_copy(s, r, buf, len, b, &end, err);
            PQfreemem(buf);
            if (rc != 0)
                return -1;
            if (!want_more(s)) {
                /* LIMIT reached: cancel the rest of this COPY. */
                PGcancel *c = PQgetCancel(r->conn.pg);
                if (c) {
                    char eb[256];
                    PQcancel(c, eb, sizeof eb);
                    PQfreeCancel(c);
                }
            }
            if (hf_batch_full(b))
                return 0;
            continue;
        }
        }
    }
}

int holo_scan_read(void *state, struct hf_batch *out, struct hf_error *err)
{
    struct holo_scan *s = state;
    uint32_t before = out->nrows;
    for (;;) {
        if (s->stopping && atomic_load(s->stopping))
            return 0;
        bool progress = false, live = false;
        for (uint32_t i = 0; i < s->nreaders; i++) {
            struct reader *r = &s->readers[i];
            if (step(s, r, out, &progress, err) != 0) {
                if (!want_more(s)) {
                    /* The cancel after LIMIT ends the COPY with an error. */
                    hf_error_clear(err);
                    r->st = R_DONE;
                    continue;
                }
                return -1;
            }
            if (r->st != R_DONE)
                live = true;
        }
        if (progress && hf_batch_full(out))
            s->last_data_ms = now_ms();
        uint32_t got = out->nrows - before;
        if (got > 0 && s->stats)
            atomic_fetch_add(&s->stats->rows_in, got);
        before = out->nrows;
        if (hf_batch_full(out))
            return 1;
        if (!live)
            return out->nrows > 0 ? 1 : 0;
        if (progress) {
            s->last_data_ms = now_ms();
            continue;
        }
        if (out->nrows > 0)
            return 1;
        /* Nothing ready: wait for any reader's socket. */
        struct pollfd pf[64];
        nfds_t np = 0;
        for (uint32_t i = 0; i < s->nreaders && np < 64; i++)
            if (s->readers[i].st != R_DONE && s->readers[i].st != R_IDLE) {
                pf[np].fd = PQsocket(s->readers[i].conn.pg);
                pf[np].events = POLLIN;
                pf[np].revents = 0;
                np++;
            }
        int pr = poll(pf, np, 200);
        if (pr < 0 && errno != EINTR)
            return hf_error_set(err, HF_ERR_IO, "%s source '%s': poll: %s",
                                s->kind, s->t->name, strerror(errno));
        if (pr == 0 && s->cfg.scan_timeout_s > 0 &&
            now_ms() - s->last_data_ms > s->cfg.scan_timeout_s * 1000)
            return hf_error_set(err, HF_ERR_SERVER,
                                "%s source '%s': no data from the "
                                "server for %lld s "
                                "(source.scan.timeout-seconds)",
                                s->kind, s->t->name, (long long)s->cfg.scan_timeout_s);
        if (pr == 0)
            return 1; /* idle: let the runtime react */
    }
}
