/*
 * values.h - the planner's source for VALUES clauses (values.c): a bounded
 * table whose rows are constant expressions of the script.
 */
#ifndef HF_CONNECTORS_VALUES_H
#define HF_CONNECTORS_VALUES_H

#include <stdint.h>

#include "connectors/connector.h"

struct hf_expr;

extern const struct hf_connector hf_connector_values;

/* A table named `name` (also its note) with the columns of `schema`
 * (copied) and `nrows` rows of schema->ncols expressions each, row-major
 * in `v` (each of its column's type, no column references). Takes
 * ownership of `v` and its trees on success only. The caller frees the
 * table as planner tables are freed: schema, options, name, note, then
 * priv_free(priv), then the struct. NULL on out of memory. */
struct hf_table_def *hf_values_table_new(const char *name,
                                         const struct hf_schema *schema,
                                         struct hf_expr **v, uint32_t nrows,
                                         int line, int col);

#endif
