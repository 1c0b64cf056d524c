/*
 * blackhole.c - the 'blackhole' sink: accepts every row and discards it.
 *
 * As Flink's blackhole connector, it has no options and accepts the full
 * changelog (+I, -U, +U, -D). It is used to measure a source and the
 * operators without any sink cost. The only state is the counter of rows
 * written (ctx->stats->rows_out), so flush() is always immediate.
 *
 * @locality the sink's own thread.
 */
#include <stdlib.h>

#include "connectors/connector.h"

struct blackhole_state {
    struct hf_table_stats *stats; /* borrowed from the run context */
};

static bool blackhole_accepts_changelog(const struct hf_table_def *t)
{
    (void)t;
    return true;
}

static int blackhole_open(const struct hf_table_def *t,
                          const struct hf_run_ctx *ctx, void **state,
                          struct hf_error *err)
{
    (void)t;
    struct blackhole_state *s = calloc(1, sizeof *s);
    if (s == NULL)
        return hf_error_set(err, HF_ERR_NOMEM,
                            "blackhole sink: out of memory opening '%s'",
                            t->name ? t->name : "?");
    s->stats = ctx ? ctx->stats : NULL;
    *state = s;
    return 0;
}

static int blackhole_write(void *state, const struct hf_batch *in,
                           struct hf_error *err)
{
    (void)err;
    struct blackhole_state *s = state;
    if (s->stats != NULL)
        atomic_fetch_add(&s->stats->rows_out, in->nrows);
    return 0;
}

static int blackhole_flush(void *state, struct hf_error *err)
{
    (void)state;
    (void)err;
    return 0;
}

static void blackhole_close(void *state)
{
    free(state);
}

const struct hf_connector hf_connector_blackhole = {
    .name = "blackhole",
    .summary = "Discards every row (for measuring sources and queries)",
    .opts = NULL,
    .nopts = 0,
    .caps = HF_CONN_SINK,
    .accepts_changelog = blackhole_accepts_changelog,
    .sink_open = blackhole_open,
    .sink_write = blackhole_write,
    .sink_flush = blackhole_flush,
    .sink_close = blackhole_close,
};
