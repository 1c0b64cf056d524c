/*
 * jdbc.c - the `jdbc` connector for PostgreSQL URLs (Flink's JDBC SQL
 * connector with the PostgreSQL dialect).
 *
 * A thin layer over the hologres connector's machinery (jdbc_int.h): the
 * options (jdbc_opts.c) become a struct holo_config; the source is the
 * hologres bounded scan (holo_scan_open_cfg: binary COPY, projection,
 * filter and LIMIT push-down, one shared snapshot), split by
 * scan.partition.* into Flink's BETWEEN ranges when they are given; the
 * sink is the hologres INSERT writer with the job's PRIMARY KEY as key:
 * upserts by INSERT ... ON CONFLICT (key) DO UPDATE, -U/-D delete by key,
 * plain INSERTs (append) without a key. The jdbc table is bounded as a
 * source, as in Flink.
 *
 * Lookup joins (JOIN dim FOR SYSTEM_TIME AS OF s.proc): the table is a
 * lookup table on the hologres lookup code (holo_lookup.c: batched
 * `= ANY($1)` requests, pipelined, binary), opened with the configuration
 * jdbc_holo_config() makes; the lookup.* options (Flink's JDBC table,
 * with the deprecated lookup.cache.max-rows/.ttl pair) are folded into
 * the operator's struct hf_lookup_conf by ops/lookup_conf.c, with
 * Flink's JDBC rules: a cache only for PARTIAL or the legacy pair, FULL
 * accepted and run uncached.
 */
#include <stdlib.h>
#include <string.h>

#include "connectors/connector.h"
#include "connectors/hologres/holo_lookup.h"
#include "connectors/hologres/holo_scan.h"
#include "connectors/hologres/holo_writer.h"
#include "connectors/jdbc/jdbc_int.h"
#include "core/log.h"

struct jdbc_sink {
    struct holo_config cfg;
    struct holo_writer *writer;
};

static void log_note(const char *text, void *ctx)
{
    hf_log_info("table '%s': %s", (const char *)ctx, text);
}

static void explain_note(const char *text, void *ctx)
{
    hf_strbuf_printf(ctx, "  note: %s\n", text);
}

/* Updates and deletes need the job's PRIMARY KEY (Flink: "please declare
 * primary key for sink table when query contains update/delete
 * record."). */
static bool jdbc_accepts_changelog(const struct hf_table_def *t)
{
    return t->schema.npk > 0;
}

static bool jdbc_bounded(const struct hf_table_def *t)
{
    (void)t;
    return true;
}

static bool jdbc_pushable(const struct hf_table_def *t,
                          const struct hf_expr *conjunct)
{
    return hf_opts_enum(&t->opts, "filter.handling.policy", NULL) == 0 &&
           holo_scan_pushable(t, conjunct);
}

/* ---- sink */

static int jdbc_sink_open(const struct hf_table_def *t,
                          const struct hf_run_ctx *ctx, void **state,
                          struct hf_error *err)
{
    struct jdbc_sink *s = calloc(1, sizeof *s);
    if (s == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    if (jdbc_holo_config(t, &s->cfg, err) != 0) {
        free(s);
        hf_error_prefix(err, "jdbc sink '%s': ", t->name);
        return -1;
    }
    jdbc_notes(t, log_note, t->name);
    s->writer = holo_writer_new(&s->cfg, &t->schema, ctx->written,
                                ctx->value_types, ctx->stats, err);
    if (s->writer == NULL) {
        hf_error_prefix(err, "jdbc sink '%s': ", t->name);
        holo_config_free(&s->cfg);
        free(s);
        return -1;
    }
    hf_log_info("jdbc sink '%s': %s", t->name,
                t->schema.npk > 0 ? "upsert by the PRIMARY KEY (INSERT ... ON "
                                    "CONFLICT DO UPDATE, deletes by key)"
                                  : "append (INSERT)");
    *state = s;
    return 0;
}

static int jdbc_sink_write(void *state, const struct hf_batch *in,
                           struct hf_error *err)
{
    struct jdbc_sink *s = state;
    return holo_writer_write(s->writer, in, err);
}

static int jdbc_sink_flush(void *state, struct hf_error *err)
{
    struct jdbc_sink *s = state;
    return holo_writer_flush(s->writer, err);
}

static void jdbc_sink_close(void *state)
{
    struct jdbc_sink *s = state;
    if (s == NULL)
        return;
    holo_writer_destroy(s->writer);
    holo_config_free(&s->cfg);
    free(s);
}

/* ---- source */

static int jdbc_source_open(const struct hf_table_def *t,
                            const struct hf_run_ctx *ctx, void **state,
                            struct hf_error *err)
{
    struct holo_config cfg;
    if (jdbc_holo_config(t, &cfg, err) != 0) {
        hf_error_prefix(err, "jdbc source '%s': ", t->name);
        return -1;
    }
    jdbc_notes(t, log_note, t->name);
    const char *col = hf_opts_str(&t->opts, "scan.partition.column", NULL);
    if (col == NULL)
        return holo_scan_open_cfg(t, ctx, &cfg, NULL, "jdbc", state, err);
    int64_t *lo = NULL, *hi = NULL;
    uint32_t n = 0;
    if (jdbc_partition_ranges(
            hf_opts_int(&t->opts, "scan.partition.lower-bound", NULL),
            hf_opts_int(&t->opts, "scan.partition.upper-bound", NULL),
            hf_opts_int(&t->opts, "scan.partition.num", NULL), &lo, &hi, &n,
            err) != 0) {
        holo_config_free(&cfg);
        return -1;
    }
    /* Flink reads one split per source subtask at a time; holoflow's
     * readers take the splits in turn, at most 8 connections at once. */
    struct holo_scan_ranges rg = {col, n, lo, hi, n < 8 ? n : 8};
    int rc = holo_scan_open_cfg(t, ctx, &cfg, &rg, "jdbc", state, err);
    free(lo);
    free(hi);
    return rc;
}

/* ---- lookup */

static int jdbc_lookup_open(const struct hf_table_def *t,
                            const struct hf_lookup_open_args *a, void **state,
                            struct hf_error *err)
{
    struct holo_config cfg;
    if (jdbc_holo_config(t, &cfg, err) != 0) {
        hf_error_prefix(err, "jdbc lookup table '%s': ", t->name);
        return -1;
    }
    jdbc_notes(t, log_note, t->name);
    /* Flink's JdbcRowDataLookupFunction: lookup.max-retries retries,
     * reconnecting, attempt n waiting n seconds. */
    cfg.retry_sleep_init_ms = 0;
    cfg.retry_sleep_step_ms = 1000;
    return holo_lookup_open_cfg(t, a, &cfg, state, err);
}

/* ---- explain */

static void jdbc_describe(const struct hf_table_def *t, bool batch_mode,
                          struct hf_strbuf *out)
{
    (void)batch_mode;
    if (t->schema.npk > 0)
        hf_strbuf_puts(out, "  write: upsert by the PRIMARY KEY (INSERT ... "
                            "ON CONFLICT DO UPDATE; -U/-D delete by key)\n");
    else
        hf_strbuf_puts(out, "  write: append (INSERT; no PRIMARY KEY)\n");
    jdbc_notes(t, explain_note, out);
}

static void jdbc_describe_source(const struct hf_table_def *t,
                                 struct hf_strbuf *out)
{
    const char *col = hf_opts_str(&t->opts, "scan.partition.column", NULL);
    if (col != NULL) {
        int64_t *lo = NULL, *hi = NULL;
        uint32_t n = 0;
        struct hf_error e;
        hf_error_clear(&e);
        if (jdbc_partition_ranges(
                hf_opts_int(&t->opts, "scan.partition.lower-bound", NULL),
                hf_opts_int(&t->opts, "scan.partition.upper-bound", NULL),
                hf_opts_int(&t->opts, "scan.partition.num", NULL), &lo, &hi, &n,
                &e) == 0) {
            hf_strbuf_printf(out,
                             "  scan: %u split(s) '%s' BETWEEN lo AND hi "
                             "(first [%lld, %lld], last [%lld, %lld]); "
                             "readers share one snapshot\n",
                             n, col, (long long)lo[0], (long long)hi[0],
                             (long long)lo[n - 1], (long long)hi[n - 1]);
        }
        free(lo);
        free(hi);
    } else {
        hf_strbuf_puts(out, "  scan: 1 reader, one REPEATABLE READ snapshot, "
                            "binary COPY\n");
    }
    hf_strbuf_printf(out, "  scan: filter push-down %s\n",
                     hf_opts_enum(&t->opts, "filter.handling.policy", NULL) == 0
                         ? "on (filter.handling.policy = always)"
                         : "off (filter.handling.policy = never)");
    jdbc_notes(t, explain_note, out);
}

const struct hf_connector hf_connector_jdbc = {
    .name = "jdbc",
    .summary = "Reads a PostgreSQL table as a bounded scan (optionally split "
               "by scan.partition.*) or as a lookup (dimension) table, and "
               "writes one: upsert by the PRIMARY KEY, else append; Flink's "
               "JDBC connector with the PostgreSQL dialect "
               "('jdbc:postgresql://' URLs only)",
    .opts = hf_jdbc_opt_defs,
    .nopts = JDBC_NOPTS,
    .caps = HF_CONN_SOURCE | HF_CONN_SINK | HF_CONN_LOOKUP,
    .validate = jdbc_validate,
    .bounded = jdbc_bounded,
    .accepts_changelog = jdbc_accepts_changelog,
    /* INSERT ... ON CONFLICT DO UPDATE of the written columns */
    .sink_upserts_in_place = jdbc_accepts_changelog,
    .changelog_refusal = "please declare primary key for sink table when "
                         "query contains update/delete record.",
    .describe = jdbc_describe,
    .describe_source = jdbc_describe_source,
    .source_pushable = jdbc_pushable,
    .source_prunes = true,
    .source_open = jdbc_source_open,
    .source_read = holo_scan_read,
    .source_close = holo_scan_close,
    .sink_open = jdbc_sink_open,
    .sink_write = jdbc_sink_write,
    .sink_flush = jdbc_sink_flush,
    .sink_close = jdbc_sink_close,
    .lookup_open = jdbc_lookup_open,
    .lookup_send = holo_lookup_send,
    .lookup_recv = holo_lookup_recv,
    .lookup_scan = holo_lookup_scan,
    .lookup_close = holo_lookup_close,
};
