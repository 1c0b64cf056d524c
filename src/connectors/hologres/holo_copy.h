/*
 * holo_copy.h - the hologres sink's COPY write modes.
 *
 * A COPY-mode writer is the writer of holo_writer.h (routing, folding
 * buffers, shards, workers, timer, back-pressure; written to with
 * holo_writer_write/flush/destroy) running with the COPY way of writing a
 * buffer and of ending a flush. This header makes one and holds the COPY
 * rules of `holoflow check` and `explain`.
 *
 * COPY_STREAM: `connection.pool.size` shards, each one connection, a
 * worker thread and two folding buffers (holo_fold.h), with rows routed
 * by primary-key hash as in INSERT mode, so all changes of a key go
 * through one connection in order. A shard's buffer is written as one
 * transaction whenever a flush trigger fires (sink.insert.batch-size rows
 * or batch-byte-size bytes -- larger defaults than INSERT's, see
 * holo_copy_tune_config --, flush-interval-ms age, aggressive mode, every
 * checkpoint and the end): its rows are visible once it commits.
 *
 * COPY_BULK_LOAD, COPY_BULK_LOAD_ON_CONFLICT: one connection and ONE
 * transaction for the whole load (every partition child included) -- or,
 * with sink.bulk-load.connections > 1 into a LIST-partitioned parent on
 * PostgreSQL, several connections loading staging tables that one final
 * transaction attaches (holo_copy_par.h), with the same guarantee --
 * committed when the sink flushes (holo_writer_flush): at the end of a
 * bounded job (or at a checkpoint of a streaming job that asked for it).
 * A bulk load of a batch-mode job that is being stopped (interrupted
 * before the end of its input) is rolled back at that flush instead, which
 * then fails; holo_writer_destroy rolls back an uncommitted load. A
 * failure, a kill or an interrupted bounded job leaves the target exactly
 * as before.
 *
 * What one buffer becomes, inside the transaction (per partition child
 * for a LIST-partitioned parent; a missing child is created first when
 * sink.create-missing-partition allows):
 *   - deletes (per sink.delete-strategy; COPY cannot delete) run first as
 *     a set-based DELETE, nullified rows as an UPDATE, as in INSERT mode;
 *     the buffer holds one entry per key, so they commute with the rest;
 *   - the upserted rows go through COPY ... FROM STDIN (binary, or text
 *     with connector.field_delimiter):
 *       Hologres: straight into the table, its COPY resolving key
 *         conflicts itself (stream_mode / on_conflict);
 *       PostgreSQL, nothing to resolve (no primary key, or plain
 *         COPY_BULK_LOAD where a conflict is an error): straight in;
 *       PostgreSQL with a key to resolve: first tried straight in under a
 *         savepoint while that keeps working (an empty table, new keys);
 *         on a key conflict the rows go through the connection's staging
 *         table instead -- COPY into a temporary table shaped like the
 *         written columns, one INSERT ... SELECT ... ON CONFLICT (the INSERT
 *         mode's statement, same defaults and actions), TRUNCATE. After a
 *         conflict the straight attempt is only re-tried every 16th buffer.
 *       A NULL for a NOT NULL column (sink.default-for-not-null-column)
 *         always goes through staging, whose INSERT fills the default.
 *   - bad rows: each buffer runs under a savepoint; a data error rolls it
 *     back, the bad row is found (COPY names its line; otherwise the rows
 *     are split in halves) and the rest is sent again. With EXCEPTION the
 *     job fails naming the row (a key conflict in COPY_BULK_LOAD is one);
 *     with SKIP the row is recorded in the dirty-data file and skipped.
 *   - transient errors (connection lost...): COPY_STREAM reconnects and
 *     runs the buffer's transaction again (retry-count); a bulk load fails
 *     (its transaction is gone) and leaves the table unchanged. A COMMIT
 *     whose result was lost is asked about first (holo_txn.h); a bulk load
 *     whose fate cannot be learned says so instead of "unchanged".
 * On Hologres the statements run without BEGIN/SAVEPOINT: its COPY modes
 * are not transactional across statements (a fixed-copy stream writes
 * with row locks, a bulk load commits per COPY), so a bad row's buffer is
 * re-sent without it and the on-conflict action absorbs the repeats; the
 * all-or-nothing guarantees above are PostgreSQL's. (The Hologres path
 * is unit-tested as SQL text only.)
 *
 * @locality the writer from one thread (the sink's), as holo_writer.h.
 */
#ifndef HF_HOLO_COPY_H
#define HF_HOLO_COPY_H

#include <stdatomic.h>
#include <stdbool.h>

#include "conf/opt.h"
#include "connectors/connector.h"
#include "connectors/hologres/holo_config.h"
#include "connectors/hologres/holo_writer.h"
#include "core/batch.h"
#include "core/error.h"
#include "core/strbuf.h"

struct holo_copy_args {
    const struct holo_config *cfg;  /* borrowed; outlives the writer */
    const struct hf_schema *schema; /* borrowed; the job's columns */
    const bool *written;            /* copied; NULL = all (partial insert) */
    const struct hf_type *vtypes;   /* borrowed for the call; NULL = the
                                       declared types (holo_writer_new) */
    struct hf_table_stats *stats;   /* may be NULL */
    bool batch_mode;                /* execution.runtime-mode = batch */
    const atomic_int *stopping;     /* may be NULL: the job is stopping */
};

/* Connect, read and check the table, resolve AUTO, start the shards.
 * Returns a new writer (use holo_writer_write/flush/destroy); or NULL with
 * err; or NULL with err NOT set and *resolved = HOLO_WM_INSERT when AUTO
 * resolved to INSERT (the caller then makes an INSERT-mode writer with
 * holo_writer_new). *resolved is the mode written with. */
struct holo_writer *holo_copy_writer_new(const struct holo_copy_args *a,
                                         enum holo_write_mode *resolved,
                                         struct hf_error *err);

/* The option set in `cfg` that only INSERT mode honours (check-and-put,
 * conflict SET/WHERE, ignore-null-when-update), or NULL. */
const char *holo_copy_insert_only(const struct holo_config *cfg);

/* Whether the sink writes with a COPY mode for write mode `m` (AUTO:
 * when the job is bounded: batch mode or connector.bulkload, and no
 * INSERT-only option is set). */
bool holo_copy_wanted(const struct holo_config *cfg, bool batch_mode);

/* COPY modes send big buffers: unless the job sets them, raise
 * sink.insert.batch-size to 32768 rows, batch-byte-size to 8 MiB and
 * batch-total-byte-size to cover two buffers per connection (measured
 * with bench/sink-copy.sh: bigger buffers delay the first COPY, smaller
 * ones add statements and commits). */
void holo_copy_tune_config(struct holo_config *cfg, const struct hf_opts *o);

/* The COPY rules of `holoflow check` that holo_config_validate does not
 * know: the text delimiter, binaryrow, an on-conflict action given to
 * COPY_BULK_LOAD (which has none). 0 or -1. */
int holo_copy_validate(const struct holo_config *cfg, struct hf_error *err);

/* One line for `holoflow explain`: the write mode and, for AUTO, what it
 * resolves to for this job ("  write mode: AUTO -> ...\n"). */
void holo_copy_describe(const struct holo_config *cfg, bool batch_mode,
                        struct hf_strbuf *out);

#endif
