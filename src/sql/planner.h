/*
 * planner.h - from a Flink SQL script to a planned job (runtime/plan.h).
 *
 * The planner parses the script, resolves every CREATE TABLE against its
 * connector and formats (options parsed and validated through their option
 * tables, unknown keys rejected with a suggestion), resolves SET statements
 * and --set overrides against the job option table, keeps the views and
 * the names the script creates and drops, and turns the INSERTs into one
 * operator graph (runtime/graph.h): each INSERT's query (SELECT, VALUES,
 * UNION, WITH, views and subqueries, composed; docs/sql.md) reads source
 * nodes (one per table read, shared by the INSERTs reading it), goes
 * through union, distinct and limit nodes where it has them, and ends in a
 * calc node (the query's filter and one projection per sink column,
 * already cast to the column's type) and a sink node. Nothing is connected
 * or opened.
 *
 * Every error points into the script: "file:line:col: error: ..." with the
 * source line and a caret (lexer.h).
 */
#ifndef HF_SQL_PLANNER_H
#define HF_SQL_PLANNER_H

#include <stddef.h>

#include "core/error.h"
#include "formats/format.h" /* a planned table's formats, for its users */
#include "runtime/plan.h"

/* Plan the script in the file `path`. `sets` are `nsets` "key=value"
 * strings (the CLI's --set) applied after the script's own SETs; a later
 * value for a key wins. On success *out is a new job owned by the caller
 * (hf_job_free); on failure *out is NULL and err says what and where. */
int hf_sql_plan_file(const char *path, const char *const *sets, size_t nsets,
                     struct hf_job **out, struct hf_error *err);

/* The same for a script held in memory; `name` is used in messages as the
 * file name. Both strings are copied. */
int hf_sql_plan_text(const char *name, const char *text,
                     const char *const *sets, size_t nsets, struct hf_job **out,
                     struct hf_error *err);

/* The writer-only rules (validate_encoder) of the value and key formats of
 * table `t`, which is about to be written. 0, or -1 with err naming the
 * table and the format. Borrows `t`. */
int hf_sql_check_sink_formats(const struct hf_table_def *t,
                              struct hf_error *err);

/* Release a job and everything it owns. NULL is a no-op. */
void hf_job_free(struct hf_job *job);

#endif
