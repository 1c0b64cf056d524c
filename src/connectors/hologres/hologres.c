/*
 * hologres.c - the `hologres` connector (sink: INSERT and COPY modes).
 *
 * Selected by 'connector'='hologres' or the legacy 'connector.type'=
 * 'hologres'. Options come from one table with the spellings of every
 * generation (holo_opts.c); what a legacy or Alibaba Cloud-only option
 * means here is logged once at open and shown by `holoflow explain`. At plan
 * time (holoflow check) the options are resolved and the cross-option rules
 * enforced; at open the writer connects, reads the target table from the
 * catalog and checks the job's columns against it before anything is written.
 * Every write mode is the writer of holo_writer.h: made by holo_writer_new for
 * INSERT, by holo_copy_writer_new (holo_copy.h) for the COPY modes (and AUTO in
 * a bounded job). For the writer API it also reports the target table's
 * columns (hf_writer_describe_target). As a source it reads the table's
 * changes (binlog/CDC, holo_cdc.h) when 'source.binlog' (or a legacy
 * spelling; the default depends on the generation) is on, and is otherwise
 * a bounded scan (holo_scan.h) that takes the planner's push-down hints;
 * the choice is made here only (hologres_source_open). The lookup arrives
 * with a later issue.
 */
#include <stdlib.h>
#include <string.h>

#include "connectors/connector.h"
#include "connectors/hologres/holo_cdc.h"
#include "connectors/hologres/holo_catalog.h"
#include "connectors/hologres/holo_config.h"
#include "connectors/hologres/holo_copy.h"
#include "connectors/hologres/holo_lookup.h"
#include "connectors/hologres/holo_scan.h"
#include "connectors/hologres/holo_writer.h"
#include "core/log.h"

struct holo_sink {
    struct holo_config cfg;
    struct holo_writer *writer; /* any write mode */
};

static int hologres_validate(const struct hf_table_def *t, struct hf_error *err)
{
    struct holo_config cfg;
    memset(&cfg, 0, sizeof cfg);
    int rc = holo_config_from_opts(&cfg, &t->opts, err);
    if (rc == 0)
        rc = holo_config_validate(&cfg, &t->schema, err);
    if (rc == 0)
        rc = holo_copy_validate(&cfg, err);
    struct holo_cdc_config cc;
    if (rc == 0 && holo_cdc_enabled(&t->opts))
        rc = holo_cdc_config_from_opts(&cc, &t->opts, cfg.schema, cfg.table,
                                       err);
    holo_config_free(&cfg);
    return rc;
}

/* Updates and deletes need a key, unless deletes are ignored (also by a
 * generation's default: the legacy names' ignoredelete is true). */
static bool hologres_accepts_changelog(const struct hf_table_def *t)
{
    if (t->schema.npk > 0)
        return true;
    struct holo_config cfg;
    struct hf_error err;
    hf_error_clear(&err);
    if (holo_config_from_opts(&cfg, &t->opts, &err) != 0)
        return false;
    bool ignored = cfg.delete_strategy == HOLO_DS_IGNORE_DELETE;
    holo_config_free(&cfg);
    return ignored;
}

/* A +U overwrites the key's row with the written columns: INSERT_OR_UPDATE
 * or INSERT_OR_REPLACE, with no null skipping, check-and-put or conflict
 * condition (connector.h, sink_upserts_in_place). */
static bool hologres_upserts_in_place(const struct hf_table_def *t)
{
    struct holo_config cfg;
    struct hf_error err;
    hf_error_clear(&err);
    if (t->schema.npk == 0 || holo_config_from_opts(&cfg, &t->opts, &err) != 0)
        return false;
    bool yes = (cfg.on_conflict == HOLO_OC_UPDATE ||
                cfg.on_conflict == HOLO_OC_REPLACE) &&
               !cfg.ignore_null_when_update && cfg.cap_column == NULL &&
               cfg.conflict_where == NULL && cfg.conflict_update_set == NULL;
    holo_config_free(&cfg);
    return yes;
}

/* Conjuncts go to the server only with source.filter-push-down.enabled,
 * and only for the scan: the binlog source applies no filter. */
static bool hologres_pushable(const struct hf_table_def *t,
                              const struct hf_expr *conjunct)
{
    if (holo_cdc_enabled(&t->opts))
        return false;
    struct holo_config cfg;
    struct hf_error err;
    hf_error_clear(&err);
    if (holo_config_from_opts(&cfg, &t->opts, &err) != 0)
        return false;
    bool on = cfg.filter_push_down;
    holo_config_free(&cfg);
    return on && holo_scan_pushable(t, conjunct);
}

static void log_note(bool warn, const char *text, void *ctx)
{
    const char *table = ctx;
    if (warn)
        hf_log_warn("table '%s': %s", table, text);
    else
        hf_log_info("table '%s': %s", table, text);
}

static void explain_note(bool warn, const char *text, void *ctx)
{
    hf_strbuf_printf(ctx, "  %s: %s\n", warn ? "warning" : "note", text);
}

static int hologres_sink_open(const struct hf_table_def *t,
                              const struct hf_run_ctx *ctx, void **state,
                              struct hf_error *err)
{
    struct holo_sink *s = calloc(1, sizeof *s);
    if (s == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    if (holo_config_from_opts(&s->cfg, &t->opts, err) != 0) {
        holo_config_free(&s->cfg);
        free(s);
        return -1;
    }
    /* Options without effect here, and what legacy ones mean: once per
     * sink, never silently. */
    holo_config_notes(&t->opts, &s->cfg, log_note, t->name);
    if (holo_copy_wanted(&s->cfg, ctx->batch_mode)) {
        holo_copy_tune_config(&s->cfg, &t->opts);
        struct holo_copy_args a = {.cfg = &s->cfg,
                                   .schema = &t->schema,
                                   .written = ctx->written,
                                   .vtypes = ctx->value_types,
                                   .stats = ctx->stats,
                                   .batch_mode = ctx->batch_mode,
                                   .stopping = ctx->stopping};
        enum holo_write_mode mode;
        s->writer = holo_copy_writer_new(&a, &mode, err);
        if (s->writer != NULL) {
            *state = s;
            return 0;
        }
        if (mode != HOLO_WM_INSERT || hf_error_is_set(err)) {
            holo_config_free(&s->cfg);
            free(s);
            return -1;
        }
        /* AUTO resolved to INSERT: INSERT's own batch sizes. */
        holo_config_free(&s->cfg);
        if (holo_config_from_opts(&s->cfg, &t->opts, err) != 0) {
            free(s);
            return -1;
        }
    } else if (s->cfg.write_mode == HOLO_WM_AUTO) {
        if (ctx->batch_mode || s->cfg.bulkload)
            hf_log_info("table '%s': write mode AUTO resolved to INSERT "
                        "('%s' works only with INSERT)",
                        t->name, holo_copy_insert_only(&s->cfg));
        else
            hf_log_info("table '%s': write mode AUTO resolved to INSERT "
                        "(a streaming job)",
                        t->name);
    }
    s->writer = holo_writer_new(&s->cfg, &t->schema, ctx->written,
                                ctx->value_types, ctx->stats, err);
    if (s->writer == NULL) {
        holo_config_free(&s->cfg);
        free(s);
        return -1;
    }
    *state = s;
    return 0;
}

static int hologres_sink_write(void *state, const struct hf_batch *in,
                               struct hf_error *err)
{
    struct holo_sink *s = state;
    return holo_writer_write(s->writer, in, err);
}

static int hologres_sink_flush(void *state, struct hf_error *err)
{
    struct holo_sink *s = state;
    return holo_writer_flush(s->writer, err);
}

static void hologres_sink_close(void *state)
{
    struct holo_sink *s = state;
    if (s == NULL)
        return;
    holo_writer_destroy(s->writer);
    holo_config_free(&s->cfg);
    free(s);
}

/* The writer API's view of the target: its columns with the Flink type
 * that fits each (holo_catalog_flink_type), read over one connection
 * through the catalog cache, so the writer that opens next reuses it. */
static int hologres_describe_target(const struct hf_table_def *t,
                                    hf_column_info_t **out, size_t *n,
                                    struct hf_error *err)
{
    struct holo_config cfg;
    struct holo_conn conn;
    struct holo_table_meta m;
    enum holo_err_class cls;
    memset(&conn, 0, sizeof conn);
    memset(&m, 0, sizeof m);
    *out = NULL;
    *n = 0;
    if (holo_config_from_opts(&cfg, &t->opts, err) != 0)
        return -1;
    int rc = -1;
    if (holo_conn_open(&conn, &cfg, &cls, err) != 0)
        goto out;
    if ((cfg.scan_query
             ? holo_catalog_query(&conn, cfg.scan_query, cfg.schema,
                                  cfg.table, &m, &cls, err)
             : holo_catalog_get(&conn, cfg.schema, cfg.table,
                                cfg.meta_cache_ttl_ms, &m, &cls, err)) != 0)
        goto out;
    hf_column_info_t *cols = calloc(m.ncols ? m.ncols : 1, sizeof *cols);
    if (cols == NULL) {
        hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (uint32_t i = 0; i < m.ncols; i++) {
        const struct holo_column *col = &m.cols[i];
        char type[96];
        bool typed = holo_catalog_flink_type(col, type, sizeof type) == 0;
        cols[i].name = strdup(col->name);
        cols[i].pg_type = strdup(col->type_text ? col->type_text : "?");
        cols[i].type = typed ? strdup(type) : NULL;
        cols[i].not_null = col->not_null;
        cols[i].has_default = col->default_expr != NULL || col->identity;
        cols[i].generated = col->generated;
        for (uint32_t k = 0; k < m.npk; k++)
            if (m.pk[k] == i)
                cols[i].pk = (int)k + 1;
        if (cols[i].name == NULL || cols[i].pg_type == NULL ||
            (typed && cols[i].type == NULL)) {
            hf_column_info_free(cols, i + 1);
            hf_error_set(err, HF_ERR_NOMEM, "out of memory");
            goto out;
        }
    }
    *out = cols;
    *n = m.ncols;
    rc = 0;
out:
    holo_catalog_free(&m);
    if (conn.pg)
        holo_conn_close(&conn);
    holo_config_free(&cfg);
    return rc;
}

/* `holoflow explain`: the write mode, and what AUTO becomes. */
static void hologres_describe(const struct hf_table_def *t, bool batch_mode,
                              struct hf_strbuf *out)
{
    struct holo_config cfg;
    struct hf_error err;
    hf_error_clear(&err);
    if (holo_config_from_opts(&cfg, &t->opts, &err) != 0)
        return;
    holo_copy_describe(&cfg, batch_mode, out);
    holo_config_notes(&t->opts, &cfg, explain_note, out);
    holo_config_free(&cfg);
}

/* `holoflow explain` of a table read: how the scan will run. */
static void hologres_describe_source(const struct hf_table_def *t,
                                     struct hf_strbuf *out)
{
    struct holo_config cfg;
    struct hf_error err;
    hf_error_clear(&err);
    if (holo_config_from_opts(&cfg, &t->opts, &err) != 0)
        return;
    if (holo_cdc_enabled(&t->opts)) {
        holo_cdc_describe(t, &cfg, out);
        holo_config_free(&cfg);
        return;
    }
    if (cfg.split_count > 1)
        hf_strbuf_printf(out,
                         "  scan: %d readers sharing one exported "
                         "REPEATABLE READ snapshot (PostgreSQL), splits by "
                         "child partition and page range (Hologres: shard "
                         "ranges)\n",
                         cfg.split_count);
    else
        hf_strbuf_puts(out, "  scan: 1 reader in one REPEATABLE READ "
                            "snapshot (PostgreSQL)\n");
    hf_strbuf_printf(out,
                     "  scan: filter push-down %s; binary COPY, or a cursor "
                     "fetching %lld rows at a time when the filter has "
                     "parameters\n",
                     cfg.filter_push_down ? "on" : "off",
                     (long long)cfg.scan_fetch_size);
    holo_config_notes(&t->opts, &cfg, explain_note, out);
    holo_config_free(&cfg);
}

/* ---- source: binlog on -> the CDC source (holo_cdc.c). */

static bool hologres_bounded(const struct hf_table_def *t)
{
    return !holo_cdc_enabled(&t->opts);
}

/* The binlog source emits updates and deletes unless append-only. */
static bool hologres_produces_changelog(const struct hf_table_def *t)
{
    if (!holo_cdc_enabled(&t->opts))
        return false;
    struct holo_cdc_config cc;
    struct hf_error err;
    hf_error_clear(&err);
    if (holo_cdc_config_from_opts(&cc, &t->opts, "s", "t", &err) != 0)
        return false;
    return cc.mode != HOLO_CDC_APPEND;
}

/* The binlog in UPSERT mode has no old rows (see connector.h). */
static bool hologres_upsert_source(const struct hf_table_def *t)
{
    if (!holo_cdc_enabled(&t->opts))
        return false;
    struct holo_cdc_config cc;
    struct hf_error err;
    hf_error_clear(&err);
    return holo_cdc_config_from_opts(&cc, &t->opts, "s", "t", &err) == 0 &&
           cc.mode == HOLO_CDC_UPSERT;
}

/* The one place that picks the source: binlog on -> CDC, else scan. */
struct holo_source {
    bool cdc;
    void *st;
};

static int hologres_source_open(const struct hf_table_def *t,
                                const struct hf_run_ctx *ctx, void **state,
                                struct hf_error *err)
{
    struct holo_source *s = calloc(1, sizeof *s);
    if (s == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    s->cdc = holo_cdc_enabled(&t->opts);
    int rc = s->cdc ? holo_cdc_open(t, ctx, &s->st, err)
                    : holo_scan_open(t, ctx, &s->st, err);
    if (rc != 0) {
        free(s);
        return rc;
    }
    *state = s;
    return 0;
}

static int hologres_source_read(void *state, struct hf_batch *out,
                                struct hf_error *err)
{
    struct holo_source *s = state;
    return s->cdc ? holo_cdc_read(s->st, out, err)
                  : holo_scan_read(s->st, out, err);
}

static int hologres_source_checkpoint(void *state, uint64_t id,
                                      struct hf_error *err)
{
    struct holo_source *s = state;
    return s->cdc ? holo_cdc_checkpoint(s->st, id, err) : 0;
}

static int hologres_source_commit(void *state, uint64_t id,
                                  struct hf_error *err)
{
    struct holo_source *s = state;
    return s->cdc ? holo_cdc_commit(s->st, id, err) : 0;
}

static int hologres_source_position(void *state, struct hf_strbuf *out,
                                    struct hf_error *err)
{
    struct holo_source *s = state;
    return s->cdc ? holo_cdc_position(s->st, out, err) : 0;
}

static bool hologres_source_defer(void *state)
{
    struct holo_source *s = state;
    return s->cdc && holo_cdc_defer_checkpoint(s->st);
}

static void hologres_source_close(void *state)
{
    struct holo_source *s = state;
    if (s == NULL)
        return;
    if (s->cdc)
        holo_cdc_close(s->st);
    else
        holo_scan_close(s->st);
    free(s);
}

const struct hf_connector hf_connector_hologres = {
    .name = "hologres",
    .summary = "Writes a changelog into a Hologres or PostgreSQL table with "
               "upsert semantics (batched INSERT, or COPY); reads one as a "
               "bounded, snapshot-consistent, parallel scan or as its "
               "changes (binlog / logical replication)",
    .opts = hf_holo_opt_defs,
    .nopts = HOLO_NOPTS,
    .caps = HF_CONN_SOURCE | HF_CONN_SINK | HF_CONN_LOOKUP,
    .lookup_open = holo_lookup_open,
    .lookup_send = holo_lookup_send,
    .lookup_recv = holo_lookup_recv,
    .lookup_scan = holo_lookup_scan,
    .lookup_close = holo_lookup_close,
    .validate = hologres_validate,
    .accepts_changelog = hologres_accepts_changelog,
    .sink_upserts_in_place = hologres_upserts_in_place,
    .describe = hologres_describe,
    .describe_source = hologres_describe_source,
    .bounded = hologres_bounded,
    .produces_changelog = hologres_produces_changelog,
    .upsert_source = hologres_upsert_source,
    .source_pushable = hologres_pushable,
    .source_prunes = true,
    .source_open = hologres_source_open,
    .source_read = hologres_source_read,
    .source_checkpoint = hologres_source_checkpoint,
    .source_commit = hologres_source_commit,
    .source_position = hologres_source_position,
    .source_defer_checkpoint = hologres_source_defer,
    .source_close = hologres_source_close,
    .sink_open = hologres_sink_open,
    .sink_write = hologres_sink_write,
    .sink_flush = hologres_sink_flush,
    .sink_close = hologres_sink_close,
    .sink_describe_target = hologres_describe_target,
};
