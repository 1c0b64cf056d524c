/*
 * holo_part.h - finding (and creating) the child of a LIST-partitioned
 * parent that a row belongs to, shared by the sink's write paths (INSERT
 * in holo_flush.c, COPY in holo_copy.c).
 *
 * The writer's metadata (w->meta, guarded by w->meta_lock) lists the
 * children and their values. A value with no child makes the list be read
 * again (another process may have created it); when it is still missing
 * and sink.create-missing-partition is on, the child "<parent>_<value>" is
 * created with DDL the server formats (holo_sql_partition_ddl_query), and
 * a concurrent creator winning the race is fine. The DDL runs on the
 * caller's connection, so inside the caller's transaction if one is open
 * (a bulk load's rollback then removes the children it created too).
 *
 * @locality any shard thread; w->meta_lock is taken inside.
 */
#ifndef HF_HOLO_PART_H
#define HF_HOLO_PART_H

#include "connectors/hologres/holo_writer_int.h"
#include "core/arena.h"

/* The job column the parent is partitioned by, or -1 when the job does
 * not write it. */
int holo_part_job_col(const struct holo_writer *w);

/* The child for `value` (the partition column's value as PostgreSQL prints
 * it), creating it when allowed, using connection `c` (borrowed). Sets
 * *schema and *table to copies in `names` (borrowed arena, so they stay
 * valid while other threads refresh the list). 0, or -1 with *cls and
 * err (FATAL when the child is missing and may not be created). */
int holo_part_child(struct holo_writer *w, struct holo_conn *c,
                    const char *value, struct hf_arena *names,
                    const char **schema, const char **table,
                    enum holo_err_class *cls, struct hf_error *err);

#endif
