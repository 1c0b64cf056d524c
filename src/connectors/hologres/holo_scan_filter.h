/*
 * holo_scan_filter.h - a query's filter conjuncts as the WHERE of a
 * hologres scan, with every value a $n parameter.
 *
 * holo_scan_pushable() (plan time) accepts a conjunct when the server
 * computes exactly what Flink would: comparisons (=, <>, <, <=, >, >=,
 * BETWEEN), IN lists, IS [NOT] NULL, and AND/OR/NOT of those, over a
 * column and literals, where the column is a BOOLEAN, integer, DECIMAL,
 * string (compared byte-wise: COLLATE "C"), DATE, TIME, TIMESTAMP or
 * TIMESTAMP_LTZ column (not FLOAT/DOUBLE: NaN orders differently; not
 * CHAR: blank padding compares differently). holo_scan_filter_build()
 * (open) turns the accepted conjuncts into SQL text that names only
 * quoted columns and `$n::type` placeholders, and the values' text forms
 * (parameters, never spliced); it also keeps, for a LIST-partitioned
 * parent, the equality/IN conditions on the partition column, which
 * holo_scan_filter_keeps() applies to each child's value (pruning).
 */
#ifndef HF_HOLO_SCAN_FILTER_H
#define HF_HOLO_SCAN_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "connectors/connector.h"
#include "connectors/hologres/holo_catalog.h"

struct holo_scan_filter {
    uint32_t nconj;   /* conjuncts in `where` */
    char *where;      /* SQL text, or NULL */
    uint32_t nparams;
    char **values;    /* nparams text values (NULL = SQL NULL) */
    /* Pruning: the partition column's allowed values (text), when a
     * conjunct is `part = v` or `part IN (...)`. */
    uint32_t nprune;
    char **prune;
};

/* Build from conjuncts (borrowed) over t's columns for table m. 0 or -1. */
int holo_scan_filter_build(struct holo_scan_filter *f,
                           const struct hf_table_def *t,
                           const struct holo_table_meta *m,
                           struct hf_expr *const *conj, uint32_t n,
                           struct hf_error *err);
void holo_scan_filter_free(struct holo_scan_filter *f);

/* Whether a child of LIST value `value` may hold rows the filter keeps. */
bool holo_scan_filter_keeps(const struct holo_scan_filter *f,
                            const struct holo_table_meta *m,
                            const char *value);

#endif
