/*
 * holo_scan_filter.h - a query's filter conjuncts as the WHERE of a
 * hologres scan, with every value a $n parameter.
 *
 * holo_scan_pushable() (plan time) takes over a conjunct by its shape:
 * comparisons (=, <>, <, <=, >, >=, BETWEEN), IN lists, IS [NOT] NULL,
 * IS [NOT] TRUE/FALSE and AND/OR/NOT of those, over columns and
 * constants. Once taken, the scan applies it, always: at open
 * holo_scan_filter_build() turns a conjunct into SQL when the server
 * computes exactly what holoflow's evaluator does (a BOOLEAN, integer,
 * DECIMAL, text/varchar string compared byte-wise with COLLATE "C", DATE,
 * TIME, TIMESTAMP or TIMESTAMP_LTZ column of the matching PostgreSQL type;
 * not FLOAT/DOUBLE, where NaN orders differently, nor char(n), whose
 * blank padding compares differently), naming only quoted columns and
 * `$n::type` placeholders with the values' text forms as parameters
 * (never spliced); any other conjunct is evaluated on each row by the
 * scan (holo_scan_filter_row). For a LIST-partitioned parent an equality
 * or IN on the partition column also prunes the children
 * (holo_scan_filter_keeps).
 */
#ifndef HF_HOLO_SCAN_FILTER_H
#define HF_HOLO_SCAN_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "connectors/connector.h"
#include "connectors/hologres/holo_catalog.h"
#include "core/batch.h"

struct holo_scan_filter {
    uint32_t nconj;   /* conjuncts in `where` */
    char *where;      /* SQL text, or NULL */
    uint32_t nparams;
    char **values;    /* nparams text values (NULL = SQL NULL) */
    /* Pruning: the partition column's allowed values (text), when a
     * conjunct is `part = v` or `part IN (...)`. */
    bool pruned;     /* a pruning conjunct exists (prune may be empty) */
    uint32_t nprune;
    char **prune;
    /* Conjuncts the scan evaluates itself (borrowed from the hints). */
    uint32_t nlocal;
    struct hf_expr **local;
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

/* Mark in need[] the columns the locally evaluated conjuncts read. */
void holo_scan_filter_columns(const struct holo_scan_filter *f, bool *need,
                              uint32_t ncols);

/* Whether `row` passes the locally evaluated conjuncts: 1 yes, 0 no, -1
 * error (err). Values the evaluation makes go into b's arena. */
int holo_scan_filter_row(const struct holo_scan_filter *f,
                         const struct hf_value *row, struct hf_batch *b,
                         struct hf_error *err);

#endif
