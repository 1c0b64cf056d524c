/*
 * reader_int.h - the inside of the public reader (holoflow.h: hf_reader_*)
 * that unit tests reach without a server: the script a reader plans and
 * the check of the planned graph (reader_api.c).
 */
#ifndef HF_RUNTIME_READER_INT_H
#define HF_RUNTIME_READER_INT_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/strbuf.h"
#include "holoflow.h"
#include "runtime/plan.h"

/* Append to `sql` the reader's script: SET batch mode, `hf_reader` with
 * every column of `info` that has a Flink type (a selected column k with
 * types[k] non-NULL: that type; `types` may be NULL) and the `nopts`
 * options (each "key=value", quoted as literals), `hf_reader_out`
 * (blackhole) with the columns info[sel[0..nsel)], and the INSERT
 * selecting them with
 * `where` (NULL or blank: none) on lines of its own. Identifiers are
 * backquoted (` doubled). 0, or -1 with err (an option without '='). */
int hf_reader_script(const hf_column_info_t *info, size_t ninfo,
                     const size_t *sel, const char *const *types, size_t nsel,
                     const char *const *opts, size_t nopts, const char *where,
                     struct hf_strbuf *sql, struct hf_error *err);

/* Check that the planned job is source -> calc -> sink with no filter
 * left in the calc (the source took all of the WHERE) and plain column
 * projections; map[k] gets the source column of output column k (ncols
 * of them), *src the source node. 0, or -1 with err (HF_ERR_USAGE for a
 * WHERE the source cannot apply). */
int hf_reader_check_plan(struct hf_job *job, size_t ncols, uint32_t *map,
                         struct hf_node **src, struct hf_error *err);

#endif
