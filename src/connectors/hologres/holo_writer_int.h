/*
 * holo_writer_int.h - the writer's internals, shared by holo_writer.c
 * (routing, hand-off, threads), holo_flush.c (running a flush on a shard's
 * connection) and holo_dirty.c (dirty-row handling).
 */
#ifndef HF_HOLO_WRITER_INT_H
#define HF_HOLO_WRITER_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "connectors/hologres/holo_catalog.h"
#include "connectors/hologres/holo_conn.h"
#include "connectors/hologres/holo_fold.h"
#include "connectors/hologres/holo_writer.h"
#include "core/strbuf.h"

#define HOLO_MAX_PREPARED 64

struct holo_prepared {
    int kind;        /* 0 upsert, 1 delete, 2 nullify */
    char *target;    /* "schema"."table" */
    char name[32];
    bool ready;   /* the Prepare succeeded on this connection */
    bool pending; /* its Prepare was sent; the result has not arrived */
};

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
    uint64_t flush_dirty; /* entries of the running flush skipped as dirty
                             (worker only) */
    bool stop;
    struct holo_prepared prep[HOLO_MAX_PREPARED];
    uint32_t nprep;
    unsigned prep_generation;
    uint32_t next_stmt;
    struct hf_strbuf *params; /* one scratch buffer per parameter */
    uint32_t nparams;
    struct hf_strbuf sql;
    struct hf_strbuf lits; /* array literals of ARRAY columns */
};

struct holo_writer {
    const struct holo_config *cfg;
    const struct hf_schema *schema;
    bool *written;      /* per job column */
    uint32_t *cols;     /* job columns written, in order */
    uint32_t ncols;
    struct holo_table_meta meta;
    pthread_mutex_t meta_lock; /* partitions may be added while running */
    uint32_t *map;      /* job column -> meta column */
    uint32_t *pk;       /* job column indexes of the table's key */
    uint32_t npk;
    struct holo_shard *shards;
    uint32_t nshards;
    uint64_t rr;        /* round robin for tables without a key */
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
};

/* holo_flush.c: write every entry of `b` on the shard's connection,
 * retrying transient failures and isolating bad rows. 0 or -1. */
int holo_flush_buffer(struct holo_shard *s, struct holo_buffer *b,
                      struct hf_error *err);

/* holo_dirty.c: a row that cannot be written. With EXCEPTION fills err
 * and returns -1; with SKIP records it (dirty-data file, counter, log)
 * and returns 0. */
int holo_dirty_row(struct holo_writer *w, const struct hf_value *row,
                   enum hf_rowkind kind, int64_t origin, const char *src_name,
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
