/*
 * project.h - the filter/project operator between a source and a sink.
 */
#ifndef HF_RUNTIME_PROJECT_H
#define HF_RUNTIME_PROJECT_H

#include <stdbool.h>

#include "core/batch.h"
#include "core/error.h"
#include "runtime/plan.h"

/* Append to `out` (sink schema) the rows of `in` (source schema) that pass
 * the pipeline's filter, each column computed by its projection, keeping
 * the RowKind and origin. Values may point into `in`'s arena, so `in` must
 * live as long as `out`. A NULL in a NOT NULL sink column fails (or, with
 * `drop_null_violations`, drops the row, as Flink's
 * table.exec.sink.not-null-enforcer=DROP). Returns 0 or -1. */
int hf_project_batch(const struct hf_pipeline *p, const struct hf_batch *in,
                     struct hf_batch *out, bool drop_null_violations,
                     struct hf_error *err);

#endif
