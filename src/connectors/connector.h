/*
 * connector.h - the contract between the runtime and a connector.
 *
 * A connector is a `const struct hf_connector`: its name (the 'connector' or
 * legacy 'connector.type' value), its option table, what it can be (source,
 * sink), and callbacks. Adding a connector means one folder under
 * src/connectors/ and one line in registry.c; nothing else changes.
 *
 * Lifecycle of a source (all calls on the source's own thread):
 *   open -> read* -> [checkpoint(id) ... commit(id)]* -> close
 * read() fills a batch (the runtime resets it before each call) and returns
 * 1 when it produced rows (or none yet but more may come; it must return
 * within ~200 ms when idle so the runtime can react to stop and checkpoint
 * requests), 0 at the end of a bounded input, -1 on error.
 * checkpoint(id) snapshots the position after every row returned so far;
 * commit(id) is called once every sink of the job has acknowledged all
 * rows up to that checkpoint, and makes the position durable (Kafka
 * offsets); ids grow, and a commit may skip ids (commit(id) covers the
 * snapshots before it). After the end of input a source stays open until
 * its final position is committed. Bounded sources may leave both NULL.
 * One source instance may feed several INSERTs (source reuse).
 *
 * Positions in checkpoints (state/state.h, docs/state.md). With
 * 'state.checkpoints.dir' set, the runtime calls source_position right
 * after each source_checkpoint and stores the bytes in the job's
 * checkpoint; at the next start it hands the bytes of the restored
 * checkpoint to source_open in ctx->restore_pos, and the source resumes
 * exactly there (not where a consumer group committed), so operator state
 * and source positions come from one checkpoint. A source without
 * source_position restarts as configured (its state is still restored).
 *
 * Lifecycle of a sink (all calls on the sink's own thread):
 *   open -> write* -> flush (at each checkpoint and at the end) -> close
 * write() receives batches whose columns are exactly the sink table's
 * columns, already cast to their types; the batch is borrowed for the call.
 * flush() returns only when everything written is durable; a checkpoint is
 * acknowledged after flush() returns 0.
 */
#ifndef HF_CONNECTORS_CONNECTOR_H
#define HF_CONNECTORS_CONNECTOR_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "conf/opt.h"
#include "core/batch.h"
#include "core/error.h"
#include "core/strbuf.h"
#include "core/types.h"
#include "metrics/metrics.h"

struct hf_lag_parts; /* metrics/lag_parts.h */

struct hf_format;
struct hf_expr; /* sql/expr.h */

/* `WATERMARK FOR rowtime AS expr` of a table: the source task evaluates
 * `expr` for every row and emits watermarks (runtime.c, event time). */
struct hf_watermark {
    uint32_t rowtime;     /* the rowtime column's index */
    char *text;           /* the expression as explain prints it */
    struct hf_expr *expr; /* bound over the table's columns */
};

/* A table declared by CREATE TABLE, resolved against its connector. */
struct hf_table_def {
    char *name;
    const char *file; /* script path (borrowed from the job) */
    int line, col;    /* where CREATE TABLE was */
    struct hf_schema schema;
    const struct hf_connector *connector;
    struct hf_opts opts; /* the connector's options */
    /* Value format (`format`, `value.format`, legacy `format.type`) and key
     * format (`key.format`), each with its options; NULL when none. */
    const struct hf_format *format;
    struct hf_opts format_opts;
    const struct hf_format *key_format;
    struct hf_opts key_format_opts;
    struct hf_watermark *watermark; /* or NULL */
    /* How the planner made this table when no CREATE TABLE names it: "with
     * the OPTIONS hint at line 9", "VALUES at line 3"; NULL otherwise. */
    char *note;
    /* Planner-made tables (VALUES): the connector's own data, freed with
     * priv_free when the job is freed. NULL for declared tables. */
    void *priv;
    void (*priv_free)(void *priv);
};

/* Counters of one table in one run. The connector counts what only it
 * knows: records read (source rows_in), rows durably written (sink
 * rows_out), dirty and skipped records, fields its format set to NULL.
 * The runtime counts rows passed on after the filter (source rows_out) and
 * rows handed to the sink (sink rows_in). */
struct hf_table_stats {
    atomic_uint_fast64_t rows_in;  /* records read (source) or rows received (sink) */
    atomic_uint_fast64_t rows_out; /* rows passed on (source) or written (sink) */
    atomic_uint_fast64_t dirty;    /* bad rows recorded as dirty data */
    atomic_uint_fast64_t skipped;  /* bad records skipped (ignore-parse-errors) */
    atomic_uint_fast64_t
        nulled; /* bad fields set to NULL (ignore-parse-errors) */
    /* Operability (metrics/job_metrics.c, docs/operability.md); zero when
     * the connector does not count them. */
    atomic_uint_fast64_t bytes_in; /* sources: bytes of records read */
    /* Sources: what a bounded source will read in all, when it knows
     * (files: their sizes; datagen: number-of-rows); 0 = unknown. For the
     * progress line's percent and ETA. */
    atomic_int_fast64_t total_bytes;
    atomic_int_fast64_t total_records;
    /* Sources: the splits (files, key or page ranges) a bounded source
     * reads, and how many it finished; 0 = not counted. Progress line. */
    atomic_int_fast64_t splits_total;
    atomic_uint_fast64_t splits_done;
    /* Sources reading a log (Kafka): records between the read position and
     * the end, the largest over its partitions and the sum (Flink's
     * records-lag-max and pendingRecords); has_lag once measured. */
    struct hf_gauge lag_max;
    struct hf_gauge pending;
    atomic_int has_lag;
    /* The same per partition (metrics/lag_parts.h): created by the source
     * on first use, freed by the runtime with the stats. */
    struct hf_lag_parts *_Atomic lag_parts;
    atomic_uint_fast64_t flushes;  /* sinks: flushes that wrote rows */
    atomic_uint_fast64_t retries;  /* sinks: flushes retried */
    atomic_uint_fast64_t in_doubt; /* sinks: in-doubt commits resolved */
    struct hf_gauge buffered_bytes; /* sinks: handed to a flush, unwritten */
    struct hf_hist flush_latency;   /* sinks: one observation per flush */
    /* Runtime: the node's last watermark (ms) and whether it has one. */
    atomic_int_fast64_t watermark;
    atomic_int has_watermark;
    /* Runtime, sources with a WATERMARK: wall clock minus the rowtime of
     * the last row emitted, ms, when it was emitted (Flink's
     * currentEmitEventTimeLag); has_emit_lag once a row was. */
    struct hf_gauge emit_lag_ms;
    atomic_int has_emit_lag;
    /* Runtime, stateful operators: live state entries and their bytes
     * over the operator's states, counted at every checkpoint barrier
     * (hf_state_usage); has_state once counted. */
    struct hf_gauge state_entries;
    struct hf_gauge state_bytes;
    atomic_int has_state;
    /* The job's dirty-record budget (holoflow.dirty.max-records), shared
     * by every table of the job; NULL when the runtime sets none. */
    struct hf_dirty_budget *budget;
};

/* Dirty records counted across every source and sink of a job: skipped
 * bad records and rejected rows. When `max` >= 0 and the count goes over
 * it, the record that crossed the limit fails the job (so a bulk load
 * rolls back): the limit of DataX's errorLimit.record. */
struct hf_dirty_budget {
    atomic_uint_fast64_t count;
    int64_t max; /* -1 = no limit */
};

/* Count one dirty record against the budget of `st` (a no-op without
 * one). 0, or -1 with err when the limit is exceeded; `where` names the
 * record. @locality any thread. */
int hf_dirty_budget_add(struct hf_table_stats *st, const char *where,
                        struct hf_error *err);

/* What the planner tells a source about how its rows are used, so that it
 * can read less (push-down). All of it is optional for the source to act
 * on: rows it returns still go through the query's filter, except the
 * conjuncts the connector's source_pushable() accepted at plan time, which
 * the planner removed from the filter; those the source must apply.
 * Borrowed for the source's lifetime. */
struct hf_scan_hints {
    /* Per table column: whether any query reads it; a source may leave
     * the others NULL. NULL = every column is used. */
    const bool *used;
    /* Conjuncts (ANDed) the source must apply: those source_pushable()
     * accepted, bound over the table's columns. */
    struct hf_expr *const *filters;
    uint32_t nfilters;
    /* At most this many rows are needed (a LIMIT over the table with no
     * filter left above it), or -1. */
    int64_t limit;
};

/* What a connector instance learns about the run. */
struct hf_run_ctx {
    bool batch_mode;              /* execution.runtime-mode = batch */
    struct hf_table_stats *stats; /* this table's counters */
    uint32_t batch_rows;          /* target rows per batch */
    /* Sinks: the columns named by the INSERT's column list (others get
     * NULL), or NULL when the INSERT had no list (all written). */
    const bool *written;
    /* Sinks: per column of the sink table, the type that bounds the values
     * written there: the declared type, or narrower when the INSERT's
     * query CASTs (hf_expr_value_bound); NULL means the declared types. A
     * sink whose physical column would round or cut such values refuses
     * to open (hologres). */
    const struct hf_type *value_types;
    /* Non-zero once the job is stopping; sources return 0 soon after. */
    const atomic_int *stopping;
    /* Sources: take a checkpoint now, from the source's own thread, and
     * return when it is committed: the runtime calls source_checkpoint,
     * sends a barrier behind every row already returned, waits until
     * every sink of the job has flushed up to it (the other sources join
     * the same checkpoint), then calls source_commit. A Kafka source
     * calls this when partitions are revoked, so nothing read from them
     * is lost or replayed twice. 0, or -1 (job failing; err set if
     * known). */
    int (*checkpoint_now)(const struct hf_run_ctx *ctx, struct hf_error *err);
    void *runtime; /* for checkpoint_now and the split calls */
    /* Sources: the bytes source_position gave for the checkpoint the job
     * restored, or NULL (start as the options say). Borrowed, valid until
     * source_close. */
    const void *restore_pos;
    size_t restore_pos_len;
    /* Sources: 'state.checkpoints.dir' is set, so operator state and
     * source_position come back together from the last checkpoint; with
     * no restore_pos the job's state starts empty. */
    bool checkpointed;
    /* Sources, event time (NULL when the table has no WATERMARK): the
     * runtime keeps one watermark per split, a split being what a
     * batch's src_part names (a Kafka partition, a file). A split the
     * source says is assigned holds the source's watermark back (as one
     * that gave rows, until it goes idle) even before its first row; a
     * finished or revoked one no longer does. Splits never announced
     * count from their first row. Called on the source's thread. */
    void (*split_assigned)(const struct hf_run_ctx *ctx, int32_t split);
    void (*split_finished)(const struct hf_run_ctx *ctx, int32_t split);
    /* Sources: push-down hints, or NULL (read everything). */
    const struct hf_scan_hints *scan;
};

#define HF_CONN_SOURCE 0x1u
#define HF_CONN_SINK 0x2u
/* The sink can replace what its table holds (INSERT OVERWRITE). No
 * connector of this build can, as none of Flink's does for these
 * connectors; the planner refuses INSERT OVERWRITE naming the sink. */
#define HF_CONN_OVERWRITE 0x4u
/* The table can be a lookup (dimension) table: the connector fills the
 * lookup_* callbacks below. */
#define HF_CONN_LOOKUP 0x8u
/* The source counts the bytes it reads in its stats' bytes_in (files:
 * the records' bytes; Kafka: keys and values). For other sources the
 * runtime uses DataX's byte size of the rows where it needs bytes (the
 * job's byte limit, holoflow sync's report: runtime/throttle.h). */
#define HF_CONN_COUNTS_BYTES 0x10u

/* Lookup settings every lookup-capable connector shares, read from the
 * table's options by hf_lookup_conf_read (ops/lookup_conf.c) under their
 * canonical keys (a connector declares those it offers in its option
 * table; lookup_opts.inc holds the common entries). */
enum hf_lookup_cache { HF_LCACHE_NONE, HF_LCACHE_PARTIAL, HF_LCACHE_FULL };
struct hf_lookup_conf {
    uint32_t batch_size;   /* keys per request (lookup.read.batch-size) */
    uint32_t queue_size;   /* requests in flight (batch-queue-size) */
    bool async;            /* keep several requests in flight */
    uint32_t max_retries;  /* lookup.max-retries */
    enum hf_lookup_cache cache;
    int64_t max_rows;      /* PARTIAL: keys kept (0: no bound) */
    int64_t max_bytes;     /* PARTIAL: bytes of cached rows kept */
    int64_t expire_write_ms, expire_access_ms; /* 0: never */
    bool cache_missing;    /* keep "no row" answers */
    int64_t reload_ms;     /* FULL: reload interval, 0 never */
    int64_t timeout_ms;    /* a row's lookup not done this long after its
                              first request, retries included, fails the
                              job (job option table.exec.async-lookup.
                              timeout, or the LOOKUP hint's 'timeout') */
    bool unordered;        /* async: 'output-mode' allow_unordered (rows
                              of an insert-only stretch may overtake one
                              waiting to be asked again) */
    /* The LOOKUP hint's 'retry-predicate'='lookup_miss' with a
     * 'fixed_delay' strategy: a key asked of the server that has no row
     * is asked again after retry_delay_ms, up to retry_attempts more
     * times (0: no retry). */
    uint32_t retry_attempts;
    int64_t retry_delay_ms;
};

/* One lookup connection of a table: rows of the table whose key columns
 * (key_cols[0..nkeys) of the table's schema) equal one of a set of keys.
 * All calls on the lookup operator's thread. */
struct hf_lookup_open_args {
    const uint32_t *key_cols;
    uint32_t nkeys;
    const struct hf_lookup_conf *conf;
    /* Where the connector counts its retries (a request sent again after
     * a failure), or NULL; the job summary prints it. */
    atomic_uint_fast64_t *retries;
    /* When the oldest outstanding request must be answered by
     * (CLOCK_MONOTONIC milliseconds): the operator sets it before each
     * lookup_recv to the earliest deadline of the rows it waits for (a
     * row's 'timeout' counts from its first request); the connector fails
     * the request with a timeout error when it passes. NULL, or 0 in it:
     * conf->timeout_ms from the call. */
    const int64_t *deadline_ms;
};

struct hf_connector {
    const char *name;
    const char *summary; /* one line for docs and `holoflow options` */
    const struct hf_opt_def *opts;
    size_t nopts;
    unsigned caps; /* HF_CONN_SOURCE | HF_CONN_SINK */
    /* Non-NULL: the connector is known but not usable in this build; the
     * planner rejects it with this reason. */
    const char *unavailable;
    /* Option keys that name a format and the prefix of that format's own
     * options: {"format", ""} means 'format'='csv' takes 'csv.*'. */
    const char *value_format_key; /* e.g. "format"; NULL = no format */
    const char *key_format_key;   /* e.g. "key.format"; NULL = none */

    /* Cross-option and schema checks at plan time (holoflow check). */
    int (*validate)(const struct hf_table_def *t, struct hf_error *err);
    /* Sources: whether this table is bounded with its options. */
    bool (*bounded)(const struct hf_table_def *t);
    /* Sinks: whether it accepts updates/deletes (-U, +U, -D). */
    bool (*accepts_changelog)(const struct hf_table_def *t);
    /* Sinks (optional): the connector's own words when accepts_changelog
     * says no (Flink's message for it), added to the planner's. */
    const char *changelog_refusal;
    /* Sinks (optional; NULL: false): does a +U overwrite the key's row in
     * place with the written columns (an upsert: no INSERT_OR_IGNORE,
     * ignore-null-when-update, check-and-put or conflict condition, under
     * which +U and -D then +I differ)? The SinkUpsertMaterializer may then
     * write a row's -U/+U as one +U (ops/upsert_materialize.c). */
    bool (*sink_upserts_in_place)(const struct hf_table_def *t);
    /* Sources (optional): whether it emits updates/deletes whatever its
     * format (upsert-kafka); the planner then needs a sink that accepts
     * them, as for a changelog format. */
    bool (*produces_changelog)(const struct hf_table_def *t);
    /* Sources (optional; NULL: false): is its changelog an upsert stream
     * keyed by the table's PRIMARY KEY (+U without -U, -D with the key
     * only)? The planner then puts a ChangelogNormalize (ops/normalize.c)
     * in front of every consumer that needs a complete changelog, as
     * Flink does after upsert sources (sql/plan_query.c, "normalize"). */
    bool (*upsert_source)(const struct hf_table_def *t);
    /* Optional (NULL = nothing): lines for `holoflow explain` saying how
     * the table will be written or read with its options in this job
     * (e.g. a resolved write mode). `batch_mode`: execution.runtime-mode
     * is batch. Appends whole lines indented by two spaces to `out`. */
    void (*describe)(const struct hf_table_def *t, bool batch_mode,
                     struct hf_strbuf *out);
    /* Sources (optional): the same for a table the job reads; a table
     * that is only read then gets these lines instead of describe's. */
    void (*describe_source)(const struct hf_table_def *t,
                            struct hf_strbuf *out);
    /* Sources (optional): the consumer group the source joins (a Kafka
     * group.id), or NULL. A table read by several INSERTs is one source
     * instance; two source instances of one job in one group (two tables,
     * or one table with source reuse off) would split the partitions
     * between them and commit for each other, so the planner refuses it.
     * The string is borrowed from the options. */
    const char *(*source_group)(const struct hf_table_def *t);

    /* Sources (optional): whether the source can apply this conjunct of a
     * query's filter (bound over the table's columns) itself, exactly; the
     * planner then hands it over in hf_scan_hints and drops it from the
     * query's filter. NULL = never. */
    bool (*source_pushable)(const struct hf_table_def *t,
                            const struct hf_expr *conjunct);
    /* Sources (optional): whether the source honours hf_scan_hints.used
     * and .limit (the planner fills them only then). */
    bool source_prunes;

    int (*source_open)(const struct hf_table_def *t, const struct hf_run_ctx *ctx,
                       void **state, struct hf_error *err);
    int (*source_read)(void *state, struct hf_batch *out, struct hf_error *err);
    int (*source_checkpoint)(void *state, uint64_t id, struct hf_error *err);
    int (*source_commit)(void *state, uint64_t id, struct hf_error *err);
    void (*source_close)(void *state);
    /* Sources (optional): append the position snapshotted by the last
     * source_checkpoint to `out`, in the connector's own format (it gets
     * the same bytes back in ctx->restore_pos). 0 or -1. */
    int (*source_position)(void *state, struct hf_strbuf *out,
                           struct hf_error *err);
    /* Sources (optional, checkpointed jobs only): true while the source
     * cannot give a position a restart could resume from (the hologres
     * CDC source during its initial snapshot); the runtime then lets the
     * requested checkpoint wait (the barrier goes out once this is false),
     * so no checkpoint completes meanwhile. checkpoint_now is not held. */
    bool (*source_defer_checkpoint)(void *state);

    int (*sink_open)(const struct hf_table_def *t, const struct hf_run_ctx *ctx,
                     void **state, struct hf_error *err);
    int (*sink_write)(void *state, const struct hf_batch *in,
                      struct hf_error *err);
    int (*sink_flush)(void *state, struct hf_error *err);
    void (*sink_close)(void *state);
    /* Lookup tables (HF_CONN_LOOKUP). lookup_send queues a request for
     * the table's rows whose key columns equal one of the `n` keys `keys`
     * (n rows of nkeys values, of the key columns' types, no NULL, no two
     * equal; borrowed for the call); at most conf->queue_size requests
     * are outstanding. lookup_recv appends the rows answering the oldest
     * outstanding request to `out` (the table's width, in the table's
     * column order; any order among them) and returns their count, or -1.
     * lookup_scan appends every row of the table (a FULL cache's load),
     * calling `each` per filled batch; optional. Retries on transient
     * errors (conf->max_retries) happen inside. */
    int (*lookup_open)(const struct hf_table_def *t,
                       const struct hf_lookup_open_args *args, void **state,
                       struct hf_error *err);
    int (*lookup_send)(void *state, const struct hf_value *keys, uint32_t n,
                       struct hf_error *err);
    long (*lookup_recv)(void *state, struct hf_batch *out,
                        struct hf_error *err);
    int (*lookup_scan)(void *state,
                       int (*each)(void *arg, struct hf_batch *rows,
                                   struct hf_error *err),
                       void *arg, struct hf_error *err);
    void (*lookup_close)(void *state);
    /* Sinks (optional): connect and read the target's columns, for the
     * writer API's hf_writer_describe_target (holoflow.h). *cols gets *n
     * entries, the array and its strings malloc'ed (the caller frees them
     * with hf_column_info_free). 0, or -1 with err. */
    int (*sink_describe_target)(const struct hf_table_def *t,
                                hf_column_info_t **cols, size_t *n,
                                struct hf_error *err);
};

/* The registry (registry.c). */
const struct hf_connector *hf_connector_find(const char *name);
/* NULL-terminated list of all connectors, available or not. */
const struct hf_connector *const *hf_connector_list(void);

#endif
