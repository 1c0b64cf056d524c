/*
 * calc.h - the calc operator's planned parameters: a filter, then one
 * projection per output column (already cast to the column's type), as
 * the SELECT list and WHERE of one query become them.
 *
 * When the rows go straight into a sink table, the calc also enforces its
 * NOT NULL columns (Flink's table.exec.sink.not-null-enforcer): `target`
 * names that table for the message.
 */
#ifndef HF_OPS_CALC_H
#define HF_OPS_CALC_H

#include <stdbool.h>
#include <stdint.h>

#include "core/types.h"

struct hf_expr; /* sql/expr.h */

struct hf_calc_spec {
    const struct hf_schema *in;  /* input rows (borrowed) */
    const struct hf_schema *out; /* output names and types (borrowed) */
    struct hf_expr *filter;      /* owned; NULL = every row */
    struct hf_expr **proj;       /* owned; nproj == out->ncols */
    uint32_t nproj;
    /* Owned, nproj entries, or NULL: rowtime[c] when output c is the
     * computed column a table's WATERMARK is for (ts AS
     * TO_TIMESTAMP_LTZ(ms, 3)), computed here; renamed or not, it stays
     * the rowtime, while any other expression is a plain value. */
    bool *rowtime;
    const char *target; /* the sink table the rows go to (borrowed), whose
                           NOT NULL columns are enforced; NULL = none */
};

#endif
