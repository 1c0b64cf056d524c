/*
 * plan.h - a planned job: tables, the operator graph, job settings.
 *
 * The SQL front end (src/sql/) turns a script into a `struct hf_job`; the
 * runtime (src/runtime/) runs it. The INSERTs of the script become one
 * graph (graph.h): each INSERT INTO ... SELECT adds a calc node (its
 * filter and one projection per sink column, already cast to the column's
 * type) and a sink node, fed by the source node of the table it reads,
 * which every INSERT reading that table shares unless
 * table.optimizer.reuse-source-enabled is false.
 */
#ifndef HF_RUNTIME_PLAN_H
#define HF_RUNTIME_PLAN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "conf/opt.h"
#include "connectors/connector.h"
#include "runtime/graph.h"

struct hf_job {
    char *path;
    char *source_text; /* the whole script (for error carets) */
    struct hf_table_def **tables;
    uint32_t ntables;
    struct hf_graph graph;
    /* SET statements and --set, resolved against the job option table
     * (execution.runtime-mode, execution.checkpointing.interval, ...). */
    struct hf_kv *set_kvs;
    uint32_t nset;
    struct hf_opts settings;
    /* Run state. */
    atomic_int stopping;
    atomic_int stop_signal;
    /* holoflow.dirty.max-records across the job's tables. */
    struct hf_dirty_budget dirty_budget;
    /* Totals of the last hf_job_run (holoflow sync's report), and what
     * the throttle bounds: rows passed on, bytes read, the transfer time
     * (runtime.h hf_runtime_transfer). */
    uint64_t tot_read, tot_skipped, tot_written, tot_dirty;
    uint64_t tot_passed, tot_bytes;
    int64_t transfer_usec, read_usec;
    /* Set before hf_job_run: count DataX's byte size of the rows of
     * sources that do not count their bytes, for tot_bytes. */
    bool count_row_bytes;
};

/* The job option table (SET keys), defined in runtime/job_opts.c. */
extern const struct hf_opt_def hf_job_opt_defs[];
extern const size_t hf_job_opt_ndefs;

#endif
