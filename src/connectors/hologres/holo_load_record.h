/*
 * holo_load_record.h - a bulk load's completion record, committed in the
 * load's own transaction (sink.bulk-load.commit-record).
 *
 * A bulk load on PostgreSQL is one transaction (or staging tables and one
 * final transaction). With sink.bulk-load.commit-record = KEY, that
 * transaction also upserts the row (KEY, 'loaded') into the table
 * holoflow_load_records of the target's schema, just before COMMIT: the
 * row is there exactly when the load's rows are. `holoflow sync --resume`
 * reads it to tell a load that committed (and must not run again: its
 * rows would be written twice) from one that did not (src/sync/
 * sync_resume.c owns the rest of the row's life: it deletes the row when
 * a new run starts and marks it 'finished' after postSql).
 *
 * Invariant: the record is written only inside a transaction that also
 * holds every row of the load, never on its own. Hologres runs bulk
 * statements outside a transaction, so there the sink writes no record.
 */
#ifndef HF_HOLO_LOAD_RECORD_H
#define HF_HOLO_LOAD_RECORD_H

#include <stdint.h>

#include "connectors/hologres/holo_conn.h"
#include "core/error.h"

/* The record table's name (in the target's schema). */
#define HOLO_LOAD_RECORD_TABLE "holoflow_load_records"

/* CREATE TABLE IF NOT EXISTS the record table in `schema`, on `c`,
 * outside any transaction (two loads creating it at once: the loser's
 * error is ignored when the table is there afterwards). 0, or -1 with
 * err. @locality the caller's connection; not inside a transaction. */
int holo_load_record_ensure(struct holo_conn *c, const char *schema,
                            struct hf_error *err);

/* Upsert (key, 'loaded', target, rows) into the record table of `schema`
 * on `c`, inside its open transaction. 0, or -1 with err and *cls.
 * `key`, `schema` and `target` are borrowed. */
int holo_load_record_write(struct holo_conn *c, const char *schema,
                           const char *target, const char *key,
                           uint64_t rows, enum holo_err_class *cls,
                           struct hf_error *err);

#endif
