/*
 * holo_config.h - the resolved configuration of one hologres sink/source.
 *
 * The option table (holo_opts.c, `hf_holo_opt_defs`) carries every sink
 * option of every generation of the Hologres connector the seeds and the
 * reference record, each as a spelling of one canonical option or as an
 * option of its own:
 *   current  the dotted names of 002_* (VVR 11) and of the open-source
 *            connector at its head (they share spellings, so the 002_*
 *            defaults apply to both);
 *   "000"    the names of the open-source connector up to its 1.5 branches
 *            and of VVR 8 (000_*'s `mutatetype`, `connectionSize`, the
 *            reference's legacy list: `jdbcWriteBatchSize`, `sdkMode`, ...);
 *   "001"    the `connector.*` names of 001_*.
 * A table written with older names keeps that generation's defaults
 * (conf/opt.h, "Generations"): `mutatetype` alone means INSERT_OR_IGNORE,
 * and deletes are ignored, as the legacy connector did.
 * holo_config_from_opts() turns the parsed options into this struct once;
 * nothing else reads option strings. holo_config_validate() enforces the
 * cross-option rules ("Raises" in 002_*) at `holoflow check` time.
 */
#ifndef HF_HOLO_CONFIG_H
#define HF_HOLO_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "conf/opt.h"
#include "core/error.h"
#include "core/types.h"

enum holo_write_mode {
    HOLO_WM_AUTO,
    HOLO_WM_INSERT,
    HOLO_WM_COPY_STREAM,
    HOLO_WM_COPY_BULK_LOAD,
    HOLO_WM_COPY_BULK_LOAD_ON_CONFLICT
};

enum holo_on_conflict {
    HOLO_OC_IGNORE,  /* INSERT_OR_IGNORE: keep the existing row */
    HOLO_OC_UPDATE,  /* INSERT_OR_UPDATE: update only the written columns */
    HOLO_OC_REPLACE  /* INSERT_OR_REPLACE: unwritten columns become default */
};

enum holo_delete_strategy {
    HOLO_DS_IGNORE_DELETE,        /* drop -U and -D */
    HOLO_DS_NON_PK_FIELD_TO_NULL, /* -D sets the written non-PK columns NULL */
    HOLO_DS_DELETE_ROW_ON_PK,     /* -D deletes the row; -U is dropped */
    HOLO_DS_CHANGELOG_STANDARD    /* -U and -D delete the row (a +U after
                                     -U of the same key folds into the +U) */
};

enum holo_cap_op {
    HOLO_CAP_GREATER,
    HOLO_CAP_GREATER_OR_EQUAL,
    HOLO_CAP_EQUAL,
    HOLO_CAP_NOT_EQUAL,
    HOLO_CAP_LESS,
    HOLO_CAP_LESS_OR_EQUAL,
    HOLO_CAP_IS_NULL,
    HOLO_CAP_IS_NOT_NULL
};

enum holo_ssl_mode {
    HOLO_SSL_DISABLE,
    HOLO_SSL_REQUIRE,
    HOLO_SSL_VERIFY_CA,
    HOLO_SSL_VERIFY_FULL,
    /* Only from a jdbc URL (sslmode=prefer/allow, pgjdbc's default is
     * prefer); not values of 'connection.ssl.mode'. */
    HOLO_SSL_PREFER,
    HOLO_SSL_ALLOW
};

enum holo_copy_format { HOLO_COPY_BINARY, HOLO_COPY_TEXT, HOLO_COPY_BINARYROW };

enum holo_dirty_strategy { HOLO_DIRTY_EXCEPTION, HOLO_DIRTY_SKIP };

/* The legacy sdkMode (HOLO_SDK_UNSET when not given). */
enum holo_sdk_mode {
    HOLO_SDK_JDBC,       /* INSERT */
    HOLO_SDK_JDBC_COPY,  /* COPY_STREAM */
    HOLO_SDK_JDBC_FIXED, /* INSERT over fixed connections */
    HOLO_SDK_RPC,        /* retired: INSERT, with a warning */
    HOLO_SDK_UNSET = -1
};

/* Names of the older option generations (conf/opt.h). */
#define HOLO_GEN_000 "000"
#define HOLO_GEN_001 "001"

struct holo_config {
    /* connection */
    char *endpoint;    /* as given */
    char *host;        /* host name/IP, or a Unix-socket directory */
    int port;          /* 0 = libpq default */
    char *dbname;
    char *schema;      /* from tablename "schema.table"; default "public" */
    char *table;
    char *username;
    char *password;    /* sensitive */
    int pool_size;
    char *pool_name;
    bool fixed;           /* fixed connections asked for (Hologres only) */
    int64_t max_idle_ms;  /* 0 = never */
    int64_t max_alive_ms; /* 0 = never */
    enum holo_ssl_mode ssl_mode;
    char *ssl_root_cert;
    int retry_count;
    int64_t retry_sleep_init_ms;
    int64_t retry_sleep_step_ms;
    int64_t meta_cache_ttl_ms;
    int64_t statement_timeout_ms; /* 0 = no limit */
    char *hg_server_version;      /* hologres.server.version, or NULL */
    /* sink */
    enum holo_write_mode write_mode;
    enum holo_sdk_mode sdk_mode;
    enum holo_on_conflict on_conflict;
    enum holo_delete_strategy delete_strategy;
    bool create_missing_partition;
    bool partition_router; /* accepted; routing is automatic */
    bool reshuffle;        /* route by the distribution key (Hologres) */
    bool ignore_null_when_update;
    bool default_for_not_null;
    bool remove_u0000;
    bool partial_insert;
    bool deduplication;
    bool aggressive;
    char *cap_column;      /* check-and-put column, NULL = off */
    enum holo_cap_op cap_op;
    char *cap_null_as;     /* NULL = none */
    int64_t batch_size;
    int64_t batch_byte_size;
    int64_t batch_total_byte_size;
    int64_t flush_interval_ms;
    char *conflict_update_set; /* NULL = none */
    char *conflict_where;      /* NULL = none */
    enum holo_copy_format copy_format;
    int parallelism;           /* 0 = unset */
    enum holo_dirty_strategy dirty_strategy;
    char *dirty_data_path;     /* SKIP: where dirty rows go; NULL = log only */
    bool bulkload;             /* legacy connector.bulkload */
    bool bulk_truncate;        /* sink.bulk-load.truncate */
    char *bulk_truncate_part;  /* sink.bulk-load.truncate-partition */
    int bulk_conns;            /* sink.bulk-load.connections */
    char *bulk_record_key;     /* sink.bulk-load.commit-record */
    char field_delimiter;      /* COPY text: connector.field_delimiter */
    char array_delimiter; /* STRING into an array column: field_delimiter */
    /* source */
    int64_t scan_fetch_size;  /* rows per FETCH of a cursor scan */
    int64_t scan_timeout_s;   /* no data this long fails the scan; 0 = none */
    int64_t scan_idle_txn_s;  /* idle_in_transaction_session_timeout */
    bool filter_push_down;
    int split_count;          /* reader connections */
    uint32_t shard_index, shard_count; /* source.scan.shard (0/1: all) */
    char *scan_query;         /* source.scan.query: a SELECT read instead
                                 of the table (one split); NULL = none */
    /* The jdbc connector (src/connectors/jdbc): the sink's key is the
     * Flink table's PRIMARY KEY, not the target table's: with none the
     * rows are appended with plain INSERTs, as Flink's JDBC sink does. */
    bool key_from_job;
    /* The keys as the user spelled them, for messages (owned; NULL = the
     * canonical key): e.g. "mutatetype" for sink.on-conflict-action. */
    char *key_on_conflict;
    char *key_batch_size;
};

/* The option table (holo_opts.c). HOLO_NOPTS is its length, a constant so
 * the connector struct can be a constant; holo_opts.c asserts it. */
/* The binlog source's entries (holo_cdc_opts.inc). */
#define HOLO_CDC_NOPTS 21
/* The lookup table's entries (holo_lookup_opts.inc). */
#define HOLO_LOOKUP_NOPTS 15
#define HOLO_NOPTS (76 + HOLO_CDC_NOPTS + HOLO_LOOKUP_NOPTS)
extern const struct hf_opt_def hf_holo_opt_defs[HOLO_NOPTS];
extern const size_t hf_holo_opt_ndefs;

/* Fill `c` from parsed options (owned copies of every string). 0 or -1. */
int holo_config_from_opts(struct holo_config *c, const struct hf_opts *o,
                          struct hf_error *err);
/* Cross-option rules of 002_* plus schema-dependent ones (delete
 * strategies that need a primary key, check-and-put column exists...).
 * `s` is the Flink table's schema. 0 or -1 with a message naming the
 * options. */
int holo_config_validate(const struct holo_config *c, const struct hf_schema *s,
                         struct hf_error *err);
void holo_config_free(struct holo_config *c);

/* Split a 'tablename' value ("table", "schema.table", quoted parts) as the
 * sink does: *schema ("public" when not given) and *table, malloc'd
 * (the caller frees both). 0, or -1 with err. */
int holo_split_tablename(const char *s, char **schema, char **table,
                         struct hf_error *err);

/* What the job's options mean beyond the plain values, for `holoflow
 * explain` and the sink's log: one call of `fn` per note, in table order,
 * with `warn` for what the user should act on (sdkMode 'rpc'). Notes are:
 * options accepted without effect (Alibaba Cloud only ones and those whose
 * behaviour holoflow always has), each only when the job sets it, named as
 * the job spells it; and what fixed connections and distribution-key
 * routing become on each dialect. `c` is the resolved configuration of
 * `o`. */
void holo_config_notes(const struct hf_opts *o, const struct holo_config *c,
                       void (*fn)(bool warn, const char *text, void *ctx),
                       void *ctx);

/* TLS needs TCP: a connection.ssl.mode other than disable with an endpoint
 * that is a Unix-domain socket directory ('/dir', '@name') is refused,
 * since libpq silently skips TLS on a Unix socket. Run by
 * holo_config_validate (holoflow check) and again before every connect.
 * 0, or -1 with err naming the option, the endpoint and why. */
int holo_config_check_transport(const struct holo_config *c,
                                struct hf_error *err);

#endif
