/*
 * holo_dist.h - routing rows by a Hologres table's distribution key
 * (sink.reshuffle-by-holo-distribution-key.enabled).
 *
 * Hologres spreads a table's rows over shards by its distribution key,
 * recorded in hologres.hg_table_properties (property_key
 * 'distribution_key', the column names separated by commas). With the
 * option on, the sink sends the rows of one distribution-key value over
 * one connection, so each connection's statements touch fewer shards. The
 * distribution key is part of the primary key on Hologres, so all changes
 * of one key still travel over one connection, in order. PostgreSQL has no
 * such catalog: there rows keep going by primary key.
 */
#ifndef HF_HOLO_DIST_H
#define HF_HOLO_DIST_H

#include <stdint.h>

#include "connectors/hologres/holo_catalog.h"
#include "core/error.h"

/* The query reading the distribution key: parameters $1 schema, $2 table;
 * one text column, no row when the table has none. */
const char *holo_dist_query(void);

/* Resolve the property value `value` ("a,b", names possibly quoted as
 * "A b") into job columns: out[i] = the job column writing table column i
 * of the key, via `map` (job column -> index into m->cols, UINT32_MAX for
 * none) over `njob` job columns. `out` has room for njob entries. Returns
 * the number of key columns (>= 1), or -1 with err naming the column that
 * is not a table column or not written by the job, or an empty value. */
int holo_dist_columns(const char *value, const struct holo_table_meta *m,
                      const uint32_t *map, uint32_t njob, uint32_t *out,
                      struct hf_error *err);

#endif
