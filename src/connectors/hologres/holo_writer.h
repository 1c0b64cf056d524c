/*
 * holo_writer.h - the hologres sink's writer, for every write mode.
 *
 * Used by the connector (hologres.c) and by the public C API
 * (hf_writer_*). A writer owns shards (`connection.pool.size` of them;
 * one for a COPY bulk load); each shard is one connection, a worker
 * thread, and two folding buffers (holo_fold.h): one the caller fills,
 * one the worker flushes. A row goes to the shard chosen by the hash of
 * its primary key, so all changes of a key travel through one buffer and
 * one connection, in order. Flushes run in parallel across shards; within
 * a shard at most one flush is in flight. The write mode decides how a
 * worker writes a buffer and what ends a flush: INSERT statements
 * (holo_writer_new, holo_flush.c) or COPY (holo_copy_writer_new,
 * holo_copy.h).
 *
 * INSERT mode: a buffer that is due while its shard is busy keeps
 * absorbing rows up to eight times sink.insert.batch-size (or
 * sink.insert.batch-byte-size); past that the caller waits
 * (back-pressure), as it does when all buffers together pass
 * sink.insert.batch-total-byte-size. A shard's buffer is handed to its
 * worker when it reaches sink.insert.batch-size rows or
 * sink.insert.batch-byte-size bytes, when it is older than
 * sink.insert.flush-interval-ms (checked by a timer thread), when the
 * worker is idle and sink.aggressive.enabled is on, and at
 * holo_writer_flush() (checkpoints, shutdown), which returns only when
 * every shard has written everything. (The COPY modes' triggers are
 * described in holo_copy.h.)
 *
 * @locality holo_writer_write/flush/close from one thread (the sink's).
 */
#ifndef HF_HOLO_WRITER_H
#define HF_HOLO_WRITER_H

#include <stdbool.h>

#include "connectors/connector.h"
#include "connectors/hologres/holo_config.h"
#include "core/batch.h"
#include "core/error.h"

struct holo_writer;

/* An INSERT-mode writer: connect, read and check the target table, start
 * the shards. `cfg` and
 * `schema` (the Flink table's columns) are borrowed and must outlive the
 * writer; `written` is copied. `written` (NULL = all) marks the
 * columns an INSERT column list named, for sink.partial-insert.enabled.
 * `vtypes` (borrowed for the call; NULL = the declared types) bounds the
 * values of each column, for the precision check (hf_run_ctx.value_types).
 * `stats` may be NULL. Returns a new writer or NULL with err. */
struct holo_writer *
holo_writer_new(const struct holo_config *cfg, const struct hf_schema *schema,
                const bool *written, const struct hf_type *vtypes,
                struct hf_table_stats *stats, struct hf_error *err);

/* Route and buffer every row of `in` (borrowed for the call). 0 or -1
 * (including an earlier flush that failed on a worker). */
int holo_writer_write(struct holo_writer *w, const struct hf_batch *in,
                      struct hf_error *err);

/* Write everything buffered and wait for it; a COPY bulk load then
 * commits (holo_copy.h). 0 or -1. */
int holo_writer_flush(struct holo_writer *w, struct hf_error *err);

/* Stop the shards and disconnect; does not flush (call flush first), and
 * an uncommitted COPY bulk load is rolled back. NULL is a no-op. */
void holo_writer_destroy(struct holo_writer *w);

#endif
