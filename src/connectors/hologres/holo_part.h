/*
 * holo_part.h - finding (and creating) the child of a LIST-partitioned
 * parent that a row belongs to, and splitting a flush's entries into
 * groups by target table, shared by the sink's write paths (INSERT in
 * holo_flush.c, COPY in holo_copy.c).
 *
 * The writer's metadata (w->meta, guarded by w->meta_lock) lists the
 * children and their values. A value with no child makes the list be read
 * again (another process may have created it); when it is still missing
 * and sink.create-missing-partition is on, the child "<parent>_<value>" is
 * created with DDL the server formats (holo_sql_partition_ddl_query), and
 * a concurrent creator winning the race is fine. Two values whose child
 * names collide (characters mapped to '_', names cut to 63 bytes) cannot
 * both get one: the second fails, naming both values and the child. The
 * DDL runs on the caller's connection, so inside the caller's transaction
 * if one is open (a bulk load's rollback then removes the children it
 * created too).
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

/* A target of one flush: the table, or one partition child, and the
 * entries that go to it. */
struct holo_group {
    const char *schema;
    const char *table;
    struct holo_entry **ents;
    uint32_t n;
};

/* What to do with an entry whose partition value is NULL: 0 leaves it out
 * (it was recorded as dirty), -1 fails with *cls and err. */
typedef int (*holo_part_null_fn)(void *ctx, const struct holo_entry *en,
                                 const char *reason, enum holo_err_class *cls,
                                 struct hf_error *err);

/* Split ents[0..n) (borrowed) into groups per target: one group (the
 * table itself) unless the table is a partitioned parent, else one per
 * child, found or created with holo_part_child on connection `c`.
 * `groups` and `scratch` (which the groups' entry lists point into) have
 * room for n; child names go into `names`. An entry with a NULL partition
 * value goes to `on_null(ctx, ...)`, or when on_null is NULL fails the
 * call with HOLO_ERR_DATA. 0, or -1 with *cls and err. */
int holo_part_group(struct holo_writer *w, struct holo_conn *c,
                    struct holo_entry **ents, uint32_t n,
                    struct holo_group *groups, uint32_t *ngroups,
                    struct holo_entry **scratch, struct hf_arena *names,
                    holo_part_null_fn on_null, void *ctx,
                    enum holo_err_class *cls, struct hf_error *err);

/* Collect into `out` the entries of `g` whose action is a1 or a2; returns
 * how many. */
uint32_t holo_group_pick(const struct holo_group *g, int a1, int a2,
                         struct holo_entry **out);

#endif
