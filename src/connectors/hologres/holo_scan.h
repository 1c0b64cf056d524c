/*
 * holo_scan.h - the hologres connector as a bounded scan source.
 *
 * A scan reads one consistent view of a PostgreSQL or Hologres table
 * into batches. On PostgreSQL every reader connection runs in a
 * REPEATABLE READ READ ONLY transaction; with more than one reader
 * (source.scan.split-count) the first exports its snapshot
 * (pg_export_snapshot) and the others import it (SET TRANSACTION
 * SNAPSHOT) before reading anything, so all of them see the table as of
 * one instant whatever is written meanwhile. The work is cut into
 * splits: one per child of a partitioned parent (or the table), each cut
 * further into ranges of heap pages (`ctid >= '(p,0)'::tid AND ctid <
 * '(q,0)'::tid`, a TID range scan on PostgreSQL 14+) when there are
 * several readers; the readers take splits in turn. On Hologres (no ctid,
 * no exported snapshots) the splits are ranges of shard ids
 * (`hg_shard_id >= a AND hg_shard_id < b`), each read in its own
 * statement, as the Alibaba connectors do.
 *
 * A split without parameters is read with binary
 * `COPY (SELECT ...) TO STDOUT (FORMAT binary)`; a split with a
 * pushed-down filter (whose values travel as parameters, which COPY cannot
 * take) through a server-side cursor, `DECLARE ... NO SCROLL CURSOR FOR
 * SELECT ... WHERE ...` with $n parameters and `FETCH FORWARD n` in binary
 * (docs/decisions.md). Both yield fields in the binary form holo_decode.c
 * reads. All readers are driven from the source's thread with libpq's
 * non-blocking calls and poll(), so the server works on every split at
 * once.
 */
#ifndef HF_HOLO_SCAN_H
#define HF_HOLO_SCAN_H

#include <stdbool.h>
#include <stdint.h>

#include "connectors/connector.h"
#include "connectors/hologres/holo_config.h"
#include "core/strbuf.h"

/* One unit of work: a relation, optionally a range of pages or shards. */
struct holo_split {
    const char *schema, *table; /* borrowed from the catalog */
    int64_t lo, hi;             /* pages or shards [lo, hi); hi -1 = open;
                                   lo -1 = the whole relation */
    bool shards;                /* Hologres: lo/hi are shard ids */
    /* A range split (holo_scan_ranges): `"range_col" BETWEEN rlo AND rhi`
     * (inclusive) instead of pages or shards; lo is then -1. */
    const char *range_col; /* NULL = none; borrowed from the catalog */
    int64_t rlo, rhi;
    const char *query; /* source.scan.query: read `(query) AS "hf_query"`
                          instead of the table; NULL = the table */
};

/* A partitioned scan by value, the jdbc connector's scan.partition.*:
 * one split per [lo[i], hi[i]] (inclusive) of a numeric column, read as
 * `WHERE ("column" BETWEEN lo AND hi)`, as Flink's JDBC source reads its
 * splits; rows whose column is NULL or outside every range are not read
 * (the same holds in Flink). `readers` connections (at least 1) take the
 * splits in turn, sharing one snapshot as above. The bounds are integers
 * holoflow parsed from the options, written into the SQL as numbers. */
struct holo_scan_ranges {
    const char *column; /* as the option names it; matched like a job column */
    uint32_t n;
    const int64_t *lo, *hi;
    uint32_t readers;
};

/* The statement that reads one split: `select_list` (already quoted
 * column expressions, comma-separated; may be empty), `where` (a filter
 * with $n parameters, or NULL). With `copy` a binary COPY, else the
 * SELECT alone (for DECLARE ... CURSOR FOR). `limit` >= 0 adds LIMIT.
 * Appends to out. */
void holo_scan_split_sql(struct hf_strbuf *out, const struct holo_split *sp,
                         const char *select_list, const char *where,
                         int64_t limit, bool copy);

/* The query that reads a Hologres table's shard count ($1 schema, $2
 * table), and the one that reads a PostgreSQL relation's page count. */
const char *holo_scan_shard_count_sql(void);
const char *holo_scan_page_count_sql(void);
/* The number of children of a parent ($1 schema, $2 table). */
const char *holo_scan_children_sql(void);

/* Cut `pages` (or shards) into at most `n` ranges [lo, hi), the last open
 * (hi = -1) for pages; writes them to lo[]/hi[] and returns how many. */
uint32_t holo_scan_ranges(int64_t count, uint32_t n, bool open_end, int64_t *lo,
                          int64_t *hi);

/* Open a scan on a resolved configuration: `cfg` is taken (freed by the
 * scan, also on failure); `ranges` (borrowed for the call, or NULL) makes
 * it a partitioned scan by value instead of by pages; `kind` (static) is
 * the connector's name in messages ("jdbc source 't': ..."). The source whose
 * options are the hologres table's opens with holo_scan_open; the jdbc
 * connector maps its own options to a holo_config and calls this. */
int holo_scan_open_cfg(const struct hf_table_def *t,
                       const struct hf_run_ctx *ctx, struct holo_config *cfg,
                       const struct holo_scan_ranges *ranges, const char *kind,
                       void **state, struct hf_error *err);

/* The connector callbacks (hologres.c wires them). */
int holo_scan_open(const struct hf_table_def *t, const struct hf_run_ctx *ctx,
                   void **state, struct hf_error *err);
int holo_scan_read(void *state, struct hf_batch *out, struct hf_error *err);
void holo_scan_close(void *state);
bool holo_scan_pushable(const struct hf_table_def *t,
                        const struct hf_expr *conjunct);

#endif
