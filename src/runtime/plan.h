/*
 * plan.h - a planned job: tables, pipelines, job settings.
 *
 * The SQL front end (src/sql/) turns a script into a `struct hf_job`; the
 * runtime (src/runtime/) runs it. A pipeline is one INSERT INTO ... SELECT:
 * one source table, an optional filter and one projection per sink column
 * (already cast to the sink column's type), and one sink table. Every
 * pipeline gets its own source instance, as Flink scans a table once per
 * INSERT.
 */
#ifndef HF_RUNTIME_PLAN_H
#define HF_RUNTIME_PLAN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "conf/opt.h"
#include "connectors/connector.h"

struct hf_expr; /* src/sql/expr.h */

struct hf_pipeline {
    struct hf_table_def *source; /* borrowed from hf_job.tables */
    struct hf_table_def *sink;   /* borrowed */
    struct hf_expr **proj;       /* nproj == sink->schema.ncols */
    uint32_t nproj;
    struct hf_expr *filter;      /* NULL = all rows */
    bool *written;               /* INSERT INTO t (cols): the listed sink
                                    columns; NULL when there was no list */
    struct hf_type *value_types; /* nproj: per sink column, the type that
                                    bounds the values the query writes
                                    there (hf_expr_value_bound) */
    char *text;                  /* the SELECT, for explain */
    int line;
};

struct hf_job {
    char *path;
    char *source_text; /* the whole script (for error carets) */
    struct hf_table_def **tables;
    uint32_t ntables;
    struct hf_pipeline *pipes;
    uint32_t npipes;
    /* SET statements and --set, resolved against the job option table
     * (execution.runtime-mode, execution.checkpointing.interval, ...). */
    struct hf_kv *set_kvs;
    uint32_t nset;
    struct hf_opts settings;
    /* Run state. */
    atomic_int stopping;
    atomic_int stop_signal;
};

/* The job option table (SET keys), defined in runtime/job_opts.c. */
extern const struct hf_opt_def hf_job_opt_defs[];
extern const size_t hf_job_opt_ndefs;

#endif
