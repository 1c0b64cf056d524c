/*
 * jdbc_int.h - the jdbc connector's private interface: its option table,
 * the PostgreSQL JDBC URL parser, Flink's partition arithmetic and the
 * mapping of a jdbc table onto the hologres connector's configuration.
 *
 * The jdbc connector is a thin layer: 'connector'='jdbc' with a
 * 'jdbc:postgresql://...' URL reads with the hologres bounded scan
 * (holo_scan.h: binary COPY, push-down, shared snapshot) and writes with
 * the hologres INSERT writer (holo_writer.h), configured the way Flink's
 * JDBC connector behaves on PostgreSQL: the key is the job's PRIMARY KEY
 * (upsert with INSERT ... ON CONFLICT DO UPDATE, deletes by key; append
 * with plain INSERT without one), buffers flushed by
 * sink.buffer-flush.max-rows / .interval, sink.max-retries retries.
 * Nothing but this folder reads the jdbc options.
 */
#ifndef HF_JDBC_INT_H
#define HF_JDBC_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "connectors/connector.h"
#include "connectors/hologres/holo_config.h"
#include "core/error.h"

#define JDBC_NOPTS 27
extern const struct hf_opt_def hf_jdbc_opt_defs[JDBC_NOPTS];

/* A parsed 'jdbc:postgresql:' URL (pgjdbc's syntax). Strings owned. */
struct jdbc_url {
    char *host;           /* "localhost" when none */
    int port;             /* 5432 when none */
    char *dbname;         /* NULL = the user's name (pgjdbc, libpq) */
    char *user;           /* URL parameter user, or NULL */
    char *password;       /* URL parameter password, or NULL (secret) */
    int sslmode;          /* enum holo_ssl_mode, or -1 when not given */
    char *sslrootcert;    /* or NULL */
    char *current_schema; /* first schema of currentSchema, or NULL */
    /* Parameters accepted without effect, comma-separated, for notes. */
    char *inert;
};

/* Parse `url`. Errors name the option 'url' and the part at fault, never
 * the password (it is registered with the scrubber here). 0 or -1. */
int jdbc_url_parse(const char *url, struct jdbc_url *u, struct hf_error *err);
void jdbc_url_free(struct jdbc_url *u);

/* Flink's JdbcNumericBetweenParametersProvider.ofBatchNum(num) over
 * [lower, upper]: *n inclusive ranges in lo[]/hi[] (malloc'ed, the caller
 * frees both). 0 or -1 (a range of more than 2^63-1 values). */
int jdbc_partition_ranges(int64_t lower, int64_t upper, int64_t num,
                          int64_t **lo, int64_t **hi, uint32_t *n,
                          struct hf_error *err);

/* Every plan-time rule of Flink's JdbcDynamicTableFactory, with its
 * messages, plus holoflow's (PostgreSQL URL and driver only, the partition
 * column's type). 0 or -1. */
int jdbc_validate(const struct hf_table_def *t, struct hf_error *err);

/* The hologres configuration a jdbc table reads or writes with. `cfg` is
 * zeroed first; free it with holo_config_free. 0 or -1. */
int jdbc_holo_config(const struct hf_table_def *t, struct holo_config *cfg,
                     struct hf_error *err);

/* Notes on options accepted without effect (URL parameters, scan.auto-
 * commit, connection.max-retry-timeout, lookup.cache FULL), one fn call
 * each, for explain and the log. */
void jdbc_notes(const struct hf_table_def *t,
                void (*fn)(const char *text, void *ctx), void *ctx);

#endif
