/*
 * writer_int.h - the inside of the public writer (holoflow.h: hf_writer_*),
 * shared by writer_api.c (open, row-wise put, flush, close, stop) and
 * writer_columns.c (column-wise put).
 *
 * A writer owns a one-table job planned from a CREATE TABLE statement, the
 * sink's state and one batch that rows are gathered in before they go to
 * the sink's write callback. `stopping` is the run context's stop flag:
 * hf_writer_stop() sets it from any thread, and a bounded writer's bulk
 * load then rolls back instead of committing.
 *
 * @locality one thread at a time calls a writer's functions, except
 * hf_writer_stop (any thread, signal handlers included).
 */
#ifndef HF_RUNTIME_WRITER_INT_H
#define HF_RUNTIME_WRITER_INT_H

#include <stdatomic.h>
#include <stdint.h>

#include "connectors/connector.h"
#include "core/batch.h"
#include "core/error.h"
#include "holoflow.h"

#define HF_WRITER_BATCH_ROWS 1024

struct hf_writer {
    struct hf_job *job;
    const struct hf_table_def *t;
    struct hf_table_stats stats;
    struct hf_run_ctx ctx;
    atomic_int stopping;
    void *state;
    struct hf_batch *batch;
    uint64_t nput; /* rows added so far (numbers rows in messages) */
    unsigned flags;
};

/* Hand the gathered batch to the sink (nothing when it is empty) and
 * reset it. 0, or -1 with err. */
int hf_writer_write_batch(hf_writer_t *w, struct hf_error *err);

/* Plan "CREATE TABLE `name` (columns) WITH (options)" (options
 * "key=value"; connector hologres unless one is named) into *job, with
 * `src` naming the text in messages ("writer", "lookup"). Connects
 * nowhere. 0, or -1 with err. Shared by writer_api.c and lookup_api.c. */
int hf_api_plan_table(const char *src, const char *name, const char *columns,
                      const char *const *options, size_t noptions,
                      struct hf_job **job, struct hf_error *err);

/* Scrub err's message of secrets and copy it to errstr; returns its code. */
hf_err_t hf_writer_export(struct hf_error *err, char *errstr,
                          size_t errstr_size);

#endif
