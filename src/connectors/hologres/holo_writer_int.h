/*
 * holo_writer_int.h - the writer's internals, shared by holo_writer.c
 * (routing, folding buffers, shards, workers, timer, hand-off,
 * back-pressure, error state), the write modes that plug into it through
 * a `struct holo_flush_ops` (holo_flush.c: INSERT; holo_copy.c: the COPY
 * modes), holo_part.c (partition children) and holo_dirty.c (dirty-row
 * handling).
 *
 * A write mode decides how one shard writes one folded buffer on its
 * connection and what ends a flush (a bulk load's commit); everything
 * else is the writer's. A mode keeps its own per-shard state in
 * holo_shard.mode_state and its per-writer state in
 * holo_writer.mode_state.
 */
#ifndef HF_HOLO_WRITER_INT_H
#define HF_HOLO_WRITER_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "connectors/hologres/holo_catalog.h"
#include "connectors/hologres/holo_conn.h"
#include "connectors/hologres/holo_fold.h"
#include "connectors/hologres/holo_sql.h"
#include "connectors/hologres/holo_writer.h"
#include "core/arena.h"
#include "core/strbuf.h"

struct holo_par;

struct holo_shard {
    struct holo_writer *w;
    uint32_t index;
    struct holo_conn conn;
    bool connected;
    struct holo_buffer bufs[2];
    struct holo_buffer *filling;  /* the caller's (under w->lock) */
    struct holo_buffer *flushing; /* the worker's while busy */
    pthread_t th;
    bool started;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool busy; /* a buffer was handed to the worker and is not done */
    bool stop;
    bool warm;            /* a full-size buffer was handed off
                             (HOLO_BATCH_RAMP; the caller's) */
    uint64_t flush_dirty; /* entries of the running flush skipped as dirty
                             (worker only; the mode's flush counts them) */
    uint64_t pending;     /* changes flushed, not yet committed
                             (commit_at_finish) */
    unsigned conn_gen;    /* conn.generation when conn_opened was taken */
    int64_t conn_opened;  /* CLOCK_MONOTONIC us: connected, last used */
    int64_t conn_used;    /* (worker only: connection.max-alive/idle-ms) */
    void *mode_state;     /* the write mode's (ops->shard_init/shard_free);
                             used by the worker, and by the caller only
                             while the worker is idle */
};

/* How rows become due buffers (see put_row in holo_writer.c). */
enum holo_batching {
    /* INSERT: rows of a key-less table go round robin, row by row; a due
     * buffer keeps absorbing rows while its worker is busy, up to
     * HOLO_BACKLOG_FACTOR times sink.insert.batch-size, before the caller
     * waits. */
    HOLO_BATCH_BACKLOG,
    /* COPY: a key-less table fills one shard at a time (the next one after
     * each full hand-off); a shard's first buffer goes at an eighth of the
     * size; a full buffer waits for its worker. */
    HOLO_BATCH_RAMP
};

/* What differs per write mode. Callbacks run on the shard's worker
 * (flush), or on the caller's thread while the workers are idle (the
 * others). */
struct holo_flush_ops {
    enum holo_batching batching;
    uint32_t buffer_cap;   /* initial entries of a buffer (up to batch-size) */
    bool timer;            /* hand off buffers older than flush-interval-ms */
    bool commit_at_finish; /* flushed rows count as written only when
                              finish() commits them (holo_shard.pending) */
    /* Set up s->mode_state; the connection is open and the buffers are
     * set up. 0 or -1. */
    int (*shard_init)(struct holo_shard *s, struct hf_error *err);
    /* Write every entry of `b` on the shard's connection, counting the
     * entries skipped as dirty in s->flush_dirty. 0 or -1. */
    int (*flush)(struct holo_shard *s, struct holo_buffer *b,
                 struct hf_error *err);
    /* holo_writer_flush wrote everything: end the mode's unit of work.
     * May be NULL. 0 or -1 (the writer then records the failure). */
    int (*finish)(struct holo_writer *w, struct hf_error *err);
    /* Free s->mode_state (never NULL when called); the worker has
     * stopped, the connection is still open. */
    void (*shard_free)(struct holo_shard *s);
    /* Free w->mode_state (never NULL when called). May be NULL. */
    void (*mode_free)(struct holo_writer *w);
};

struct holo_writer {
    const struct holo_config *cfg;
    const struct hf_schema *schema;
    const struct holo_flush_ops *ops;
    void *mode_state; /* the write mode's (ops->mode_free) */
    bool *written;    /* per job column */
    uint32_t *cols;   /* job columns written, in order */
    uint32_t ncols;
    struct holo_table_meta meta;
    pthread_mutex_t meta_lock; /* partitions may be added while running */
    uint32_t *map;             /* job column -> meta column */
    uint32_t *pk;              /* job column indexes of the table's key */
    uint32_t npk;
    struct holo_shard *shards;
    uint32_t nshards;
    uint64_t rr;          /* round robin for tables without a key */
    pthread_mutex_t lock; /* filling buffers: the caller vs the timer */
    pthread_t timer;
    bool timer_started;
    atomic_int timer_stop;
    pthread_mutex_t timer_mu;  /* with timer_cond: wakes the timer's tick */
    pthread_cond_t timer_cond; /* wait at once when it stops (monotonic) */
    atomic_size_t filling_bytes;
    atomic_size_t flushing_bytes;
    struct hf_table_stats *stats;
    struct hf_table_stats own_stats;
    pthread_mutex_t err_lock;
    struct hf_error err;
    atomic_int failed;
    pthread_mutex_t dirty_lock;
    FILE *dirty;
    /* A -U that ended a batch, held (copied into held_arena) until the
     * next row says whether it is the first half of an update of the same
     * key (see holo_writer_write). */
    bool held;
    struct hf_value *held_vals;
    enum hf_rowkind held_kind;
    int64_t held_origin;
    const char *held_src;
    struct hf_arena held_arena;
    /* STRING job columns written into array columns (split at
     * field_delimiter into an array literal before buffering): split[c],
     * their count, and a row with the literals, per row in split_arena. */
    bool *split;
    uint32_t nsplit;
    struct hf_value *split_row;
    struct hf_arena split_arena;
    /* Job columns of the distribution key rows are routed by
     * (sink.reshuffle-by-holo-distribution-key.enabled on Hologres); 0 =
     * route by the primary key. */
    uint32_t *dist;
    uint32_t ndist;
    /* A bulk load over several connections (holo_copy_par.h): rows go to
     * connections by the partition column (job column part_route_col,
     * when part_routed), each new value to the next connection in turn
     * (route_hash/route_shard: the values' hashes and their connections,
     * an open-addressing table of route_cap slots); part_target replaces
     * holo_part_child in holo_part_group; `par` is its state. */
    bool part_routed;
    uint32_t part_route_col;
    uint64_t *route_hash;
    uint32_t *route_shard;
    uint32_t route_cap, route_n, route_next;
    /* The last text value routed and its connection (route_last_ok):
     * rows of one partition come in runs, so most rows are routed by one
     * memcmp instead of a hash and a probe. */
    char *route_last;
    uint32_t route_last_len, route_last_cap, route_last_shard;
    bool route_last_ok;
    int (*part_target)(struct holo_writer *w, struct holo_conn *c,
                       const char *value, struct hf_arena *names,
                       const char **schema, const char **table,
                       enum holo_err_class *cls, struct hf_error *err);
    struct holo_par *par;
};

/* holo_writer.c: building a writer, in three steps a mode's constructor
 * runs (holo_writer_new for INSERT, holo_copy_writer_new for COPY); on a
 * failure it calls holo_writer_destroy.
 *
 * A new writer without shards, using `ops` (borrowed, static); the mode
 * may then set w->mode_state, which the writer owns from then on (freed
 * by ops->mode_free). `cfg`, `schema` borrowed as in holo_writer_new;
 * `stats` may be NULL. NULL with err. */
struct holo_writer *holo_writer_alloc(const struct holo_config *cfg,
                                      const struct hf_schema *schema,
                                      struct hf_table_stats *stats,
                                      const struct holo_flush_ops *ops,
                                      struct hf_error *err);
/* Open the first connection into `*first` (caller-owned on success),
 * read the table and set up the written columns and the key from
 * `written` (NULL = all; copied), checking the job's columns against the
 * table (holo_catalog_check, with `vtypes`: borrowed for the call, NULL =
 * the declared types). 0, or -1 with err and *first closed. */
int holo_writer_open_table(struct holo_writer *w, const bool *written,
                           const struct hf_type *vtypes,
                           struct holo_conn *first, struct hf_error *err);
/* Open the dirty-data file, set up `nshards` shards (shard 0 takes over
 * `first`, always, even on failure; the others connect in parallel),
 * run ops->shard_init and start the workers and the timer. 0 or -1. */
int holo_writer_start(struct holo_writer *w, uint32_t nshards,
                      struct holo_conn *first, struct hf_error *err);

/* holo_writer.c: a write path's statement spec for the target
 * schema.table (the parent or a partition child) on connection `c`. */
void holo_writer_spec(const struct holo_writer *w, const struct holo_conn *c,
                      const char *schema, const char *table,
                      struct holo_stmt_spec *spec);

/* holo_writer.c: whether writing a flush twice leaves the same table as
 * writing it once: keyed upserts and deletes are; rows of a table without
 * a key and a user's sink.insert.conflict-update-set (an increment, say)
 * are not. */
bool holo_writer_idempotent(const struct holo_writer *w);

/* holo_writer.c: "shard N of "schema"."table"" for log lines, into buf. */
void holo_writer_what(const struct holo_writer *w, uint32_t shard, char *buf,
                      size_t n);

/* holo_flush.c: the INSERT write mode. */
extern const struct holo_flush_ops holo_insert_ops;

/* holo_dirty.c: a row that cannot be written. With EXCEPTION fills err
 * and returns -1; with SKIP records it (dirty-data file, counter, log)
 * and returns 0. */
int holo_dirty_row(struct holo_writer *w, const struct hf_value *row,
                   enum hf_rowkind kind, int64_t origin, const char *src_name,
                   const char *reason, struct hf_error *err);
/* holo_dirty.c: a buffered entry the server refused for `reason` (its
 * message), as holo_dirty_row; a reason that names no column gets the
 * values that do not fit (holo_describe_misfits) appended. */
int holo_dirty_entry(struct holo_writer *w, const struct holo_entry *en,
                     const char *reason, struct hf_error *err);
/* For a row the server refused without naming a column: append
 * "; column 'c' has 4 characters, more than its type character
 * varying(3) holds" (or "value 12345.67 does not fit its type
 * numeric(5,2)", "is not valid UTF-8 (byte 0xff at offset 1)") for
 * each written value longer or wider than its column's declared length
 * or precision, or not UTF-8. Appends nothing when none. */
void holo_describe_misfits(const struct holo_writer *w,
                           const struct hf_value *row, struct hf_strbuf *out);
/* Describe the key of `row` as "(id=5, region=eu)" into out. */
void holo_describe_key(const struct holo_writer *w, const struct hf_value *row,
                       struct hf_strbuf *out);

#endif
