/*
 * holo_cdc.h - the hologres connector's streaming (binlog/CDC) source.
 *
 * On PostgreSQL: logical replication with the built-in pgoutput plugin
 * over a libpq replication connection (holo_cdc.c): a publication for the
 * table, a replication slot created or reused by name, an optional
 * initial snapshot taken from the slot's exported snapshot, then the
 * decoded changes as +I/-U/+U/-D rows per change-log mode. The slot's
 * confirmed position (flush_lsn) moves only in source_commit, i.e. after
 * every sink acknowledged the checkpoint, so a kill -9 replays from the
 * last committed transaction and loses nothing.
 * On Hologres the binlog is read per shard through the hg_binlog_* system
 * columns; the SQL it takes is built by the holo_cdc_sql_* functions
 * below (unit-tested as text: no Hologres instance in this environment).
 */
#ifndef HF_HOLO_CDC_H
#define HF_HOLO_CDC_H

#include <stdbool.h>
#include <stdint.h>

#include "conf/opt.h"
#include "connectors/connector.h"
#include "core/error.h"
#include "core/strbuf.h"

enum holo_cdc_mode {
    HOLO_CDC_UPSERT,  /* +I, +U, -D */
    HOLO_CDC_ALL,     /* +I, -U, +U, -D */
    HOLO_CDC_APPEND   /* ALL_AS_APPEND_ONLY: everything +I */
};

enum holo_cdc_startup {
    HOLO_CDC_INITIAL,
    HOLO_CDC_EARLIEST,
    HOLO_CDC_TIMESTAMP
};

/* Resolved binlog options (owned strings). */
struct holo_cdc_config {
    bool binlog;
    enum holo_cdc_mode mode;
    enum holo_cdc_startup startup;
    int64_t start_time_us; /* TIMESTAMP: Unix µs, UTC */
    char slot[64];
    char publication[64];
    int64_t batch_size;
    int64_t max_retries;
    int64_t retry_interval_ms;
    int64_t request_timeout_ms;
    int64_t status_interval_ms;
    const char *key_binlog; /* the spelling used, for messages (borrowed) */
    const char *key_mode;
};

/* Whether the table's options ask for the binlog source (generation
 * defaults and 'property-version' included). */
bool holo_cdc_enabled(const struct hf_opts *o);

/* Resolve the binlog options for table schema.table. 0, or -1 with err
 * (mixed generations, bad startTime, bad slot/publication name, an
 * unsupported partition mode or read mode). */
int holo_cdc_config_from_opts(struct holo_cdc_config *c,
                              const struct hf_opts *o, const char *schema,
                              const char *table, struct hf_error *err);

/* "UPSERT", "ALL", "ALL_AS_APPEND_ONLY" */
const char *holo_cdc_mode_name(enum holo_cdc_mode m);

/* The source (connector.h's source callbacks). */
int holo_cdc_open(const struct hf_table_def *t, const struct hf_run_ctx *ctx,
                  void **state, struct hf_error *err);
int holo_cdc_read(void *state, struct hf_batch *out, struct hf_error *err);
int holo_cdc_checkpoint(void *state, uint64_t id, struct hf_error *err);
int holo_cdc_commit(void *state, uint64_t id, struct hf_error *err);
/* The position of the last holo_cdc_checkpoint ("hcdc1 stream <lsn>\n":
 * every transaction ending at or before <lsn> was returned whole), for
 * the job's checkpoint; holo_cdc_open resumes there when ctx->restore_pos
 * holds it. 0 or -1. */
int holo_cdc_position(void *state, struct hf_strbuf *out, struct hf_error *err);
/* True while the initial snapshot (or its catch-up) runs: checkpoints of
 * a checkpointed job wait until it has ended. */
bool holo_cdc_defer_checkpoint(void *state);
void holo_cdc_close(void *state);

/* `holoflow explain` of a table read with the binlog on: mode, startup,
 * slot and publication (cfg: the table's resolved config, borrowed). */
struct holo_config;
void holo_cdc_describe(const struct hf_table_def *t,
                       const struct holo_config *cfg, struct hf_strbuf *out);

/* ---- Hologres binlog SQL (text builders; identifiers quoted, values
 * only as $n parameters or quoted replication option literals). */

/* Shard count of the table's table group: one parameter, the table as
 * 'schema.table'. */
void holo_cdc_sql_shard_count(struct hf_strbuf *out);
/* Whether binlog is on for the table: parameters $1 schema, $2 table;
 * returns binlog.level ('replica' = on). */
void holo_cdc_sql_binlog_level(struct hf_strbuf *out);
/* One shard's next changes by SQL: the three hg_binlog_* columns then the
 * given columns, of shard $1 after LSN $2, in LSN order, at most $3 rows. */
void holo_cdc_sql_shard_read(struct hf_strbuf *out, const char *schema,
                             const char *table, const char *const *cols,
                             uint32_t ncols);
/* Latest LSN of shard $2 of table $1 (hg_get_binlog_cursor). */
void holo_cdc_sql_latest_cursor(struct hf_strbuf *out);
/* START_REPLICATION for one shard on a replication connection (holo-client
 * JDBC mode): slot-less (slot NULL: table_name option, Hologres >= 2.1)
 * or through a slot; start_lsn >= 0 or a start time (text, or NULL). */
void holo_cdc_sql_shard_start(struct hf_strbuf *out, const char *slot,
                              const char *schema, const char *table,
                              int shard, int64_t batch_size, int64_t start_lsn,
                              const char *start_time);
/* Slot mode before Hologres 2.1: create publication and slot (publication
 * and slot names must be [a-z0-9_]), and their cleanup. */
void holo_cdc_sql_hg_create_slot(struct hf_strbuf *out, const char *slot,
                                 const char *publication, const char *schema,
                                 const char *table);
void holo_cdc_sql_hg_drop_slot(struct hf_strbuf *out, const char *slot);

/* Event type of the Hologres binlog (and of hg_binlog_event_type in
 * append-only mode): 5 insert, 2 delete, 3 before update, 7 after update. */
#define HOLO_EV_INSERT 5
#define HOLO_EV_DELETE 2
#define HOLO_EV_BEFORE_UPDATE 3
#define HOLO_EV_AFTER_UPDATE 7

#endif
