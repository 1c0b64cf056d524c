/*
 * rank.h - the plan of the two operators that ROW_NUMBER() OVER
 * (PARTITION BY ... ORDER BY ...) becomes (planned by sql/plan_rank.c):
 *
 * - deduplicate.c (hf_op_deduplicate): `rn = 1` ordered by a time
 *   attribute, rn not selected. Keeps the first (ASC) or the last (DESC)
 *   row per partition key, on processing time or on event time, with
 *   Flink's emit rules (docs/sql.md, "Deduplication").
 * - rank.c (hf_op_rank): every other `rn <= N` (Top-N), with or without
 *   the row number in the output, over insert-only or updating input.
 *
 * One spec serves both; each reads the fields it needs. Column indexes
 * are the input's. The output of the rank operator is the input's
 * columns, then the row number (BIGINT NOT NULL) when `out_rn`; the
 * deduplicate operator's output is its input's columns.
 */
#ifndef HF_OPS_RANK_H
#define HF_OPS_RANK_H

#include <stdbool.h>
#include <stdint.h>

#include "core/types.h"

struct hf_rank_spec {
    const struct hf_schema *in; /* the input node's columns (borrowed from
                                   the graph) */
    uint32_t *part;             /* PARTITION BY columns (owned) */
    uint32_t npart;
    uint32_t *order; /* ORDER BY columns (owned) */
    bool *desc;      /* per ORDER BY column (owned) */
    bool *nulls_first;
    uint32_t norder;
    int64_t n;           /* rank: rows 1..n are the result */
    bool out_rn;         /* rank: the row number is an output column */
    bool updating_input; /* rank: the input retracts rows (-U/-D), so
                            every row of a partition is kept, not n */
    bool emit_before;    /* emit -U before +U (a retract consumer) */
    /* deduplicate */
    bool keep_last;        /* ORDER BY t DESC */
    bool rowtime;          /* t is the rowtime (else proctime) */
    bool insert_sensitive; /* table.exec.deduplicate.
                              insert-update-after-sensitive-enabled */
    bool ttl;              /* table.exec.state.ttl > 0 */
};

/* Can the operators order by a column of type t? (numbers, strings,
 * bytes, booleans, dates, times, timestamps) */
bool hf_rank_sortable(const struct hf_type *t);

/* Free a spec and what it owns (NULL: no-op). */
void hf_rank_spec_free(struct hf_rank_spec *s);

#endif
