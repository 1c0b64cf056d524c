/*
 * holoflow.h - the public API of libholoflow.
 *
 * holoflow runs Flink SQL connector jobs (sources, formats, sinks) in one C
 * library. This header is everything an embedding program may rely on:
 * opaque handles, the error codes and their descriptions, and the job API the
 * holoflow command itself uses. Nothing here exposes a struct layout.
 *
 * Ownership rules: a function that returns a handle gives the caller
 * ownership, to be released with the matching _destroy() (which accepts
 * NULL). Strings passed in are copied; strings returned are borrowed from the
 * handle and live as long as it does, unless the comment says otherwise.
 */
#ifndef HOLOFLOW_H
#define HOLOFLOW_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define HF_EXPORT __attribute__((visibility("default")))
#else
#define HF_EXPORT
#endif

#define HF_VERSION_STR "0.1.0"

/* Error codes. 0 is success; every failure is negative. hf_err2str() gives a
 * one-line description of each from a single table. */
typedef enum hf_err {
    HF_OK = 0,
    HF_ERR_FAIL = -1,        /* generic failure; the message says more */
    HF_ERR_USAGE = -2,       /* wrong use of a command or API call */
    HF_ERR_SQL = -3,         /* SQL syntax or planning error */
    HF_ERR_OPTION = -4,      /* unknown, duplicate or invalid option */
    HF_ERR_TYPE = -5,        /* type mismatch between columns/values */
    HF_ERR_IO = -6,          /* file or socket I/O failed */
    HF_ERR_DATA = -7,        /* bad input record (parse error, bad value) */
    HF_ERR_CONNECT = -8,     /* could not connect to a server */
    HF_ERR_SERVER = -9,      /* a server rejected a statement */
    HF_ERR_NOMEM = -10,      /* out of memory or over a configured maximum */
    HF_ERR_UNSUPPORTED = -11, /* feature or connector not in this build */
    HF_ERR_INTERRUPTED = -12, /* stopped by a signal */
    HF_ERR_STATE = -13,      /* call made in the wrong state */
    HF_ERR__COUNT = 14
} hf_err_t;

/* One-line description of an error code; never NULL, static storage. */
HF_EXPORT const char *hf_err2str(hf_err_t err);

/* Library version string, static storage. */
HF_EXPORT const char *hf_version(void);

/* ------------------------------------------------------------------ jobs */

/* A parsed and planned Flink SQL job (one script: SET, CREATE TABLE,
 * INSERT INTO ... SELECT, EXECUTE STATEMENT SET). Opaque. */
typedef struct hf_job hf_job_t;

/* Parse and plan the script in `path`. `sets` is an array of `nsets`
 * "key=value" strings applied after the script's own SET statements (the
 * CLI's --set). Connects nowhere. Returns a new job owned by the caller, or
 * NULL with a message in errstr (file:line:col for SQL errors). */
HF_EXPORT hf_job_t *hf_job_load(const char *path, const char *const *sets,
                                size_t nsets, hf_err_t *errp, char *errstr,
                                size_t errstr_size);

/* Write the plan (sources, operators, sinks and their resolved options with
 * secrets redacted) as text to `out` (a FILE *, passed as void * to keep
 * stdio out of this header). */
HF_EXPORT void hf_job_explain(const hf_job_t *job, void *out);

/* Run the job to completion (bounded) or until stopped by hf_job_stop() or
 * SIGINT/SIGTERM when `install_signals` is non-zero. Prints the final summary
 * to stderr. Returns HF_OK, HF_ERR_INTERRUPTED after a clean stop, or the
 * error that failed the job (message in errstr). */
HF_EXPORT hf_err_t hf_job_run(hf_job_t *job, int install_signals, char *errstr,
                              size_t errstr_size);

/* Ask a running job to stop: sources stop, sinks flush and close. Safe to
 * call from any thread and from a signal handler. */
HF_EXPORT void hf_job_stop(hf_job_t *job);

/* The signal number that stopped the job (SIGINT/SIGTERM), or 0. */
HF_EXPORT int hf_job_stop_signal(const hf_job_t *job);

/* Release a job. NULL is a no-op. */
HF_EXPORT void hf_job_destroy(hf_job_t *job);

/* ------------------------------------------------------------------ sync */

/* A batch-sync job read from a DataX job file or a DataWorks "version 2.0"
 * script, planned as its equivalent SQL job (docs/sync.md). Opaque. */
typedef struct hf_sync hf_sync_t;

/* Read the job file `path`, replacing ${var} from `params` ("var=value",
 * `nparams` of them), connect to the writer's (and a database reader's)
 * table to read its columns, and check the mapping. Nothing is written.
 * Returns a new sync owned by the caller (hf_sync_destroy), or NULL with a
 * message naming the JSON path or the column in errstr. */
HF_EXPORT hf_sync_t *hf_sync_load(const char *path, const char *const *params,
                                  size_t nparams, hf_err_t *errp,
                                  char *errstr, size_t errstr_size);

/* The equivalent `holoflow run` SQL job; passwords appear as
 * ${PGPASSWORD}. Borrowed from `s`. */
HF_EXPORT const char *hf_sync_sql(const hf_sync_t *s);

/* Run the sync: preSql, the SQL job, the errorLimit checks, postSql; print
 * DataX's end-of-job report to stderr and, when `report_json` is not NULL,
 * write it there as JSON. SIGINT/SIGTERM stop it (HF_ERR_INTERRUPTED; the
 * bulk load rolls back). Returns HF_OK or the error (errstr). */
HF_EXPORT hf_err_t hf_sync_run(hf_sync_t *s, const char *report_json,
                               char *errstr, size_t errstr_size);

/* Release a sync. NULL is a no-op. */
HF_EXPORT void hf_sync_destroy(hf_sync_t *s);

/* ------------------------------------------------------------------ writer */

/* Flink's changelog kinds (RowKind), with Flink's byte values. */
typedef enum hf_rowkind_pub {
    HF_ROWKIND_INSERT = 0,        /* +I */
    HF_ROWKIND_UPDATE_BEFORE = 1, /* -U */
    HF_ROWKIND_UPDATE_AFTER = 2,  /* +U */
    HF_ROWKIND_DELETE = 3         /* -D */
} hf_rowkind_t;

/* A writer into one table through a sink connector (today: hologres),
 * with exactly the semantics of `INSERT INTO` that table in a job: the
 * same options, folding per key, flush triggers, retries and dirty-data
 * handling. Opaque. One thread at a time may call a writer's functions;
 * the writer runs its own connection threads inside. */
typedef struct hf_writer hf_writer_t;

/* Create a writer. `columns` is the column list of a Flink CREATE TABLE,
 * e.g. "user_id BIGINT, user_name STRING, price DECIMAL(38, 2),
 * PRIMARY KEY (user_id) NOT ENFORCED". `options` are `noptions` strings
 * "key=value" as in the WITH clause (e.g. "connector=hologres",
 * "endpoint=127.0.0.1:5432", "password=..."); "connector" defaults to
 * hologres. Connects, reads the target table and checks the columns.
 * Returns a new writer owned by the caller (hf_writer_close), or NULL with
 * a message in errstr. All strings are copied. */
HF_EXPORT hf_writer_t *hf_writer_new(const char *columns,
                                     const char *const *options,
                                     size_t noptions, char *errstr,
                                     size_t errstr_size);

/* Add one row of kind `kind`. `values` has one entry per column, each the
 * value's text as Flink's CAST(... AS STRING) spells it ("12.50",
 * "2024-01-01 10:00:00"), or NULL for SQL NULL; borrowed for the call.
 * Rows are buffered: an error may come from an earlier row's write.
 * Returns HF_OK, HF_ERR_DATA for a value that does not parse (nothing is
 * added), or the error that failed the writer. */
HF_EXPORT hf_err_t hf_writer_put(hf_writer_t *w, hf_rowkind_t kind,
                                 const char *const *values, char *errstr,
                                 size_t errstr_size);

/* Write everything added so far and wait until it is durable. */
HF_EXPORT hf_err_t hf_writer_flush(hf_writer_t *w, char *errstr,
                                   size_t errstr_size);

/* Rows written (durably applied) and dirty rows skipped so far. */
HF_EXPORT void hf_writer_counters(const hf_writer_t *w, uint64_t *written,
                                  uint64_t *dirty);

/* Flush, disconnect and free the writer (always freed, even on error).
 * Returns the flush's result. NULL is a no-op returning HF_OK. */
HF_EXPORT hf_err_t hf_writer_close(hf_writer_t *w, char *errstr,
                                   size_t errstr_size);

/* --------------------------------------------------- writer: bounded input */

/* Flags of hf_writer_open(). */
#define HF_WRITER_BOUNDED 0x1u /* the input is bounded (a batch job's): write
                                  mode AUTO resolves as for a batch job (a
                                  COPY load), and a bulk load is one
                                  transaction committed by the writer's
                                  flush; hf_writer_stop() before that flush
                                  rolls it back */

/* hf_writer_new() with `flags` (HF_WRITER_BOUNDED or 0: hf_writer_new is
 * hf_writer_open with 0). Same ownership and errors; on failure *errp
 * (when not NULL) gets the error code (HF_ERR_OPTION for an option,
 * HF_ERR_TYPE for a column that does not fit the table, HF_ERR_CONNECT,
 * ...). */
HF_EXPORT hf_writer_t *hf_writer_open(const char *columns,
                                      const char *const *options,
                                      size_t noptions, unsigned flags,
                                      hf_err_t *errp, char *errstr,
                                      size_t errstr_size);

/* Ask the writer to stop: a bounded writer's bulk load is then rolled back
 * by the next flush or close instead of committed (they return
 * HF_ERR_INTERRUPTED and the table is unchanged). Only sets a flag: safe
 * to call from any thread, also while another thread is inside a call on
 * `w`, and from a signal handler. */
HF_EXPORT void hf_writer_stop(hf_writer_t *w);

/* Disconnect and free the writer without writing what is still buffered
 * (hf_writer_close writes it first): rows already flushed stay, a bulk
 * load that is not committed is rolled back. NULL is a no-op. */
HF_EXPORT void hf_writer_abort(hf_writer_t *w);

/* ------------------------------------------------- writer: column-wise input */

/* The element type of one input column of hf_writer_put_columns(). Each is
 * converted to the type of its writer column in C, with the type's range
 * and precision checked per value. */
typedef enum hf_vec_type {
    HF_VEC_NULL = 0,    /* every value NULL; `data` unused */
    HF_VEC_BOOL,        /* uint8_t, 0 = false */
    HF_VEC_INT8,        /* int8_t ... */
    HF_VEC_INT16,
    HF_VEC_INT32,
    HF_VEC_INT64,
    HF_VEC_UINT8,
    HF_VEC_UINT16,
    HF_VEC_UINT32,
    HF_VEC_UINT64,
    HF_VEC_FLOAT32,     /* float */
    HF_VEC_FLOAT64,     /* double */
    HF_VEC_DATETIME64,  /* int64_t ticks of `unit_ns` ns since 1970-01-01
                           00:00:00 (UTC for a TIMESTAMP_LTZ column, the
                           wall clock for TIMESTAMP); INT64_MIN is NULL */
    HF_VEC_TIMEDELTA64, /* int64_t ticks of `unit_ns` ns since midnight
                           (TIME columns); INT64_MIN is NULL */
    HF_VEC_TEXT,        /* const char *const: each value's text as
                           hf_writer_put takes it (parsed with the column's
                           type), `lens` bytes long; a NULL pointer is NULL */
    HF_VEC_BINARY,      /* const char *const: the bytes of a string (UTF-8)
                           or BYTES value, `lens` long, stored as they are;
                           a NULL pointer is NULL */
    HF_VEC_LIST         /* ARRAY columns: value i is the elements
                           offsets[i] .. offsets[i+1]-1 of `child` */
} hf_vec_type_t;

/* One input column: `nrows` values, value i at (char *)data + i * stride.
 * Everything is borrowed for the call. */
typedef struct hf_vec {
    hf_vec_type_t type;
    const void *data;
    ptrdiff_t stride;          /* bytes between values; 0 = the value size */
    const uint8_t *nulls;      /* optional: nulls[i] != 0 makes value i NULL */
    const size_t *lens;        /* TEXT, BINARY: byte length of each value */
    int64_t unit_ns;           /* DATETIME64, TIMEDELTA64: ns per tick */
    int nan_is_null;           /* FLOAT32/64: NaN is NULL (pandas' missing
                                  value) rather than the float NaN */
    const int64_t *offsets;    /* LIST: nrows + 1 offsets into child */
    const struct hf_vec *child; /* LIST: the elements */
} hf_vec_t;

/* Add `nrows` rows given column by column: `cols` has one hf_vec_t per
 * column of the writer (hf_writer_open's `columns`, in order). `kinds` is
 * one hf_rowkind_t per row (as uint8_t), or NULL for all INSERT.
 * `first_row` is the number messages give the first row (later rows count
 * up from it). Values are converted to their columns' types without any
 * text round trip for numbers and times: integers are range-checked,
 * floats written to integer or DECIMAL columns must be integral or fit the
 * scale (rounded HALF_UP, as text would be), datetimes are truncated to
 * microseconds (PostgreSQL's resolution) and then to the column's
 * precision. The rows are handed to the sink before the call returns, so
 * the caller may free or reuse its buffers. Returns HF_OK; HF_ERR_DATA
 * for a value that does not convert, with *bad_row (when not NULL) set to
 * its index within the call and a message naming the column, the row and
 * the value (the rows before it are added, it and the rest are not);
 * HF_ERR_USAGE for a vector type a column's type cannot take; or the
 * error that failed the writer. */
HF_EXPORT hf_err_t hf_writer_put_columns(hf_writer_t *w, size_t nrows,
                                         const hf_vec_t *cols,
                                         const uint8_t *kinds,
                                         int64_t first_row, size_t *bad_row,
                                         char *errstr, size_t errstr_size);

/* ------------------------------------------------- writer: the target table */

/* One column of a target table, as hf_writer_describe_target() reads it
 * from the server's catalog. Strings are owned by the array. */
typedef struct hf_column_info {
    char *name;    /* the column's name in the table */
    char *type;    /* the Flink SQL type that carries the column's values
                      exactly ("INT", "DECIMAL(38, 2)", "TIMESTAMP_LTZ(6)",
                      "ARRAY<BIGINT>"); an unconstrained numeric gives
                      "DECIMAL(38, 18)"; NULL when no Flink type of holoflow
                      can be written to the column */
    char *pg_type; /* as the server prints it: "numeric(38,2)", "jsonb" */
    int pk;        /* 1-based position in the primary key, 0 = not in it */
    int not_null;  /* declared NOT NULL */
    int has_default; /* has a default or is an identity column */
    int generated; /* GENERATED ALWAYS AS (...) STORED: never written */
} hf_column_info_t;

/* Check `columns` and `options` exactly as hf_writer_new() does (every
 * option rule; that part connects nowhere), then connect and read the
 * target table's columns from the catalog: *cols (owned by the caller,
 * hf_column_info_free) gets *ncols entries in the table's order. The
 * writer's column types may then be chosen to fit the table. Returns
 * HF_OK, or the error with its message in errstr. */
HF_EXPORT hf_err_t hf_writer_describe_target(const char *columns,
                                             const char *const *options,
                                             size_t noptions,
                                             hf_column_info_t **cols,
                                             size_t *ncols, char *errstr,
                                             size_t errstr_size);

/* Release what hf_writer_describe_target() returned. NULL is a no-op. */
HF_EXPORT void hf_column_info_free(hf_column_info_t *cols, size_t ncols);

/* The canonical key of option `key` of connector `connector` (the key the
 * option table lists first, e.g. "sink.insert.batch-size" for
 * "jdbcWriteBatchSize", any case) into buf. Returns HF_OK, HF_ERR_OPTION
 * when the connector has no such option (buf gets ""), HF_ERR_USAGE for an
 * unknown connector. Connects nowhere. */
HF_EXPORT hf_err_t hf_option_canonical(const char *connector, const char *key,
                                       char *buf, size_t size);

/* ------------------------------------------------------------------ options */

/* Print the options of the connector or format `name` (or the job's SET keys
 * for "job"), or with name NULL the list of connectors and formats, to `out`
 * (a FILE *). `markdown` non-zero prints the generated docs page instead.
 * Returns HF_OK or HF_ERR_USAGE for an unknown name (message on `out`). */
HF_EXPORT hf_err_t hf_options_print(const char *name, int markdown, void *out);

/* Write DIR/connectors/NAME.md for every connector (plus job.md) and
 * DIR/formats/NAME.md for every format, generated from the option tables.
 * Returns HF_OK or HF_ERR_IO. */
HF_EXPORT hf_err_t hf_options_write_docs(const char *dir);

/* ------------------------------------------------------------------ logging */

typedef enum hf_log_level {
    HF_LOG_ERROR = 0,
    HF_LOG_WARN = 1,
    HF_LOG_INFO = 2,
    HF_LOG_DEBUG = 3
} hf_log_level_t;

/* Set the level and format of the library's log (stderr). `json` non-zero
 * writes one JSON object per line. Call before starting any job. */
HF_EXPORT void hf_log_configure(hf_log_level_t level, int json);

/* Receives the library's log lines when set with hf_log_set_callback():
 * `msg` is the message without timestamp, level or newline, scrubbed of
 * secrets like every log line, borrowed for the call. */
typedef void (*hf_log_fn)(hf_log_level_t level, const char *msg, void *ctx);

/* Send every log line at or above the configured level (hf_log_configure)
 * to `fn` instead of stderr; NULL goes back to stderr. `fn` is called from
 * whichever library thread logs (connection threads included), one call at
 * a time, with the library's log lock held: it must return promptly and
 * must not call into holoflow. `ctx` is passed through. */
HF_EXPORT void hf_log_set_callback(hf_log_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif
#endif /* HOLOFLOW_H */
