/*
 * holo_copy_par.h - a bulk load over several connections that stays all or
 * nothing (sink.bulk-load.connections > 1, PostgreSQL, a LIST-partitioned
 * parent).
 *
 * Each partition value belongs to one load connection (the writer routes
 * rows by the value, holo_writer_route_part). The owner writes the value's
 * rows into a staging table of its own, created inside its transaction:
 *     CREATE TABLE "<schema>"."hf_stage_<parent oid>_<run>_<start>_<seq>"
 *       (LIKE parent INCLUDING DEFAULTS, CONSTRAINTS, INDEXES, GENERATED,
 *        STORAGE, COMPRESSION,
 *        CONSTRAINT hf_stage_bound CHECK (col IS NOT NULL AND col = value))
 *       [USING parent's am] [TABLESPACE parent's]
 * and commits it at the end with the others. Then ONE final transaction on
 * the first connection (READ COMMITTED, the parent locked) makes every
 * staged value visible at once:
 *   - no child for the value: the staging table is renamed to the child's
 *     name (<parent>_<value>, as a created child) and attached; the CHECK
 *     constraint equals the partition bound, so ATTACH PARTITION scans
 *     nothing, and is dropped afterwards;
 *   - a child that is empty, or emptied by the load (sink.bulk-load.truncate
 *     empties the parent first; truncate-partition its value's child), and
 *     has nothing that a swap would lose (conservatively: triggers,
 *     indexes, grants, policies, rules, statistics, publications, any
 *     dependent object, comments, column settings, another schema,
 *     tablespace, access method or owner than the loading user, unlogged,
 *     sub-partitioned):
 *     swapped (DETACH and DROP the old child, rename and ATTACH the stage);
 *   - any other child (rows kept, or a swap refused): INSERT INTO child
 *     SELECT the written columns FROM the stage (with the load's ON CONFLICT
 *     action in COPY_BULK_LOAD_ON_CONFLICT), a second pass logged as such,
 *     then the stage is dropped.
 * A failed or interrupted load commits no stage, or drops the committed
 * ones; a final transaction that fails leaves the target as it was and the
 * stages are dropped. After a kill the stages of the dead run stay behind
 * as ordinary tables (never as children): the next parallel load (of any
 * parent, in the same database) drops every table the loading user owns
 * that is named exactly as a stage and whose run is gone (each run holds a
 * session advisory lock named by its run id, the backend pid of its first
 * connection, so a live run's stages are left alone).
 * The final transaction waits for the parent's lock only briefly at a time
 * and tries again (holo_par_finish): loads of one parent by several
 * processes at once never deadlock through a client.
 * Where the result could differ from the one-connection load's
 * (holo_par_refused) the load takes one connection.
 *
 * @locality holo_par_new/finish/abort/free on the writer's caller thread
 * while the workers are idle; holo_par_target on any shard worker (its
 * state is under a mutex).
 */
#ifndef HF_HOLO_COPY_PAR_H
#define HF_HOLO_COPY_PAR_H

#include "connectors/hologres/holo_writer_int.h"
#include "core/arena.h"

struct holo_par;

/* Whether `w`'s load must stay on one connection: *why is set to the
 * reason ("" when several may load it): dirty rows skipped, an INSERT row
 * trigger on the parent or a partition, the parent or a partition in a
 * publication, identity or generated columns, foreign keys, a user that
 * does not own the parent or may not create tables in its schema. 0, or
 * -1 with err. */
int holo_par_refused(struct holo_writer *w, struct holo_conn *c, char *why,
                     size_t n, struct hf_error *err);

/* Set up a parallel load of `w` (partitioned parent, PostgreSQL) whose first
 * connection is `c`: take the run's lock and drop the stages of dead runs.
 * NULL with err. */
struct holo_par *holo_par_new(struct holo_writer *w, struct holo_conn *c,
                              struct hf_error *err);

/* The writer's partition target (holo_writer.part_target): the staging
 * table of `value`, created on `c` (inside its open transaction) the first
 * time. Same contract as holo_part_child. */
int holo_par_target(struct holo_writer *w, struct holo_conn *c,
                    const char *value, struct hf_arena *names,
                    const char **schema, const char **table,
                    enum holo_err_class *cls, struct hf_error *err);

/* Whether some value was staged (the final transaction has work). */
bool holo_par_any(const struct holo_par *p);

/* Inside the final transaction open on `c`: lock the parent, truncate as
 * asked, then attach, swap or copy every stage (see above). 0; 1 when the
 * parent stayed locked by others past a short lock_timeout (nothing was
 * done and the transaction is aborted: roll back, wait, call again); -1
 * with err. */
int holo_par_finish(struct holo_writer *w, struct holo_conn *c,
                    struct hf_error *err);

/* Drop every stage of this run that exists (best effort, on `c` outside
 * a transaction; a stage already attached is no longer found by its
 * name). */
void holo_par_abort(struct holo_writer *w, struct holo_conn *c);

/* Forget the stages (after the final transaction committed, or after
 * holo_par_abort), so a later flush of a streaming job stages anew. */
void holo_par_reset(struct holo_par *p);

void holo_par_free(struct holo_par *p);

#endif
