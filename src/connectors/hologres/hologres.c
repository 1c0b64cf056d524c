/*
 * hologres.c - the `hologres` connector (sink, write mode INSERT).
 *
 * Selected by 'connector'='hologres' or the legacy 'connector.type'=
 * 'hologres'. Options come from one table with the aliases of all three
 * generations (holo_opts.c). At plan time (holoflow check) the options are
 * resolved and the cross-option rules enforced; at open the writer
 * connects, reads the target table from the catalog and checks the job's
 * columns against it before anything is written. The COPY write modes and
 * the hologres source and lookup arrive with later issues and are refused
 * with a clear message until then.
 */
#include <stdlib.h>
#include <string.h>

#include "connectors/connector.h"
#include "connectors/hologres/holo_config.h"
#include "connectors/hologres/holo_writer.h"

struct holo_sink {
    struct holo_config cfg;
    struct holo_writer *writer;
};

static int hologres_validate(const struct hf_table_def *t, struct hf_error *err)
{
    struct holo_config cfg;
    memset(&cfg, 0, sizeof cfg);
    int rc = holo_config_from_opts(&cfg, &t->opts, err);
    if (rc == 0)
        rc = holo_config_validate(&cfg, &t->schema, err);
    if (rc == 0 && cfg.write_mode != HOLO_WM_AUTO &&
        cfg.write_mode != HOLO_WM_INSERT)
        rc = hf_error_set(err, HF_ERR_UNSUPPORTED,
                          "table '%s': sink.write-mode %s is not available in "
                          "this build yet (the COPY write modes arrive with "
                          "the bulk-sink issue); use INSERT or AUTO",
                          t->name,
                          cfg.write_mode == HOLO_WM_COPY_STREAM ? "COPY_STREAM"
                          : cfg.write_mode == HOLO_WM_COPY_BULK_LOAD
                              ? "COPY_BULK_LOAD"
                              : "COPY_BULK_LOAD_ON_CONFLICT");
    holo_config_free(&cfg);
    return rc;
}

/* Updates and deletes need a key, unless deletes are ignored. */
static bool hologres_accepts_changelog(const struct hf_table_def *t)
{
    if (t->schema.npk > 0)
        return true;
    return hf_opts_enum(&t->opts, "sink.delete-strategy", NULL) ==
               HOLO_DS_IGNORE_DELETE ||
           hf_opts_bool(&t->opts, "ignoredelete", NULL);
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
    s->writer = holo_writer_new(&s->cfg, &t->schema, ctx->written, ctx->stats,
                                err);
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

const struct hf_connector hf_connector_hologres = {
    .name = "hologres",
    .summary = "Writes a changelog into a Hologres or PostgreSQL table with "
               "upsert semantics (write mode INSERT)",
    .opts = hf_holo_opt_defs,
    .nopts = HOLO_NOPTS,
    .caps = HF_CONN_SINK,
    .validate = hologres_validate,
    .accepts_changelog = hologres_accepts_changelog,
    .sink_open = hologres_sink_open,
    .sink_write = hologres_sink_write,
    .sink_flush = hologres_sink_flush,
    .sink_close = hologres_sink_close,
};
