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

/* hf_sync_load for one process of a sharded sync (`holoflow sync --shard
 * I/N`): the sync reads only the splits k with k mod shard_count =
 * shard_index (files in the order they are read; a database reader's
 * children and page ranges). Refuses (errstr) a job that N processes
 * cannot run each on its own: truncate, preSql/postSql, a streamreader.
 * shard_count 1 is hf_sync_load. */
HF_EXPORT hf_sync_t *hf_sync_load_shard(const char *path,
                                        const char *const *params,
                                        size_t nparams, unsigned shard_index,
                                        unsigned shard_count, hf_err_t *errp,
                                        char *errstr, size_t errstr_size);

/* The equivalent `holoflow run` SQL job; passwords appear as
 * ${PGPASSWORD}. Borrowed from `s`. */
HF_EXPORT const char *hf_sync_sql(const hf_sync_t *s);

/* Job options ("KEY=VALUE", e.g. holoflow.progress.interval=5 s) the
 * sync's SQL job runs with; borrowed until hf_sync_run returns. The
 * progress line: on a terminal one line updated in place, otherwise a
 * log line every holoflow.progress.interval (default 10 s). */
HF_EXPORT void hf_sync_set_options(hf_sync_t *s, const char *const *sets,
                                   size_t nsets);

/* With `resume` non-zero, hf_sync_run first reads the sync's load record
 * (committed with the load's rows, docs/sync.md): a load that already
 * committed is not loaded again (only postSql runs, if it had not);
 * otherwise the sync runs whole. Without it (the default) a run is a new
 * load and forgets the record of an earlier one. */
HF_EXPORT void hf_sync_set_resume(hf_sync_t *s, int resume);

/* Run the sync: preSql, the SQL job, the errorLimit checks, postSql; print
 * DataX's end-of-job report to stderr and, when `report_json` is not NULL,
 * write it there as JSON. SIGINT/SIGTERM stop it (HF_ERR_INTERRUPTED; the
 * bulk load rolls back). Returns HF_OK or the error (errstr). */
HF_EXPORT hf_err_t hf_sync_run(hf_sync_t *s, const char *report_json,
                               char *errstr, size_t errstr_size);

/* Print the first `nrows` rows the sync would write, mapped to the
 * writer's columns, as an aligned text table on `out` (a FILE *); nothing is
 * written to the target. The rows come from the same SQL job (bounded
 * source, mapping, LIMIT) with its sink replaced by one that collects
 * them. Returns HF_OK or the error (errstr). */
HF_EXPORT hf_err_t hf_sync_preview(hf_sync_t *s, size_t nrows, void *out,
                                   char *errstr, size_t errstr_size);

/* Release a sync. NULL is a no-op. */
HF_EXPORT void hf_sync_destroy(hf_sync_t *s);

/* The CREATE TABLE for the writer's table of the job file `path`, its
 * columns and types from the reader's (docs/sync.md, "Create table");
 * with `apply`, also run it on the writer's database. The target need not
 * exist. Returns the statement (malloc'd, the caller frees it), or NULL
 * with the error in errstr. */
HF_EXPORT char *hf_sync_create_table(const char *path,
                                     const char *const *params,
                                     size_t nparams, int apply,
                                     hf_err_t *errp, char *errstr,
                                     size_t errstr_size);

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

/* ------------------------------------------------------------------ reader */

/* A bounded reader of one table through a source connector (today:
 * hologres), with exactly the semantics of a batch job that reads the
 * table: the hologres source's scan (one REPEATABLE READ snapshot shared
 * by `source.scan.split-count` readers, binary COPY, splits by partition
 * and page range), the same options, projection and filter push-down.
 * Opaque. One thread at a time may call a reader's functions (except
 * hf_reader_stop); the scan's connections are driven inside
 * hf_reader_next. docs/c-api.md has the ownership rules. */
typedef struct hf_reader hf_reader_t;

/* Open a reader. `options` are `noptions` strings "key=value" as in the
 * WITH clause of the table in a job ("endpoint=127.0.0.1:5432",
 * "dbname=db", "tablename=public.t", "username=...", "password=...",
 * "source.scan.split-count=4", "source.scan.fetch-size=1024"); "connector"
 * defaults to hologres, `source.binlog` to false (a scan) and
 * `source.filter-push-down.enabled` to true. `columns` names `ncolumns`
 * table columns to read, in that order (NULL or 0: every column whose
 * type holoflow can read, in the table's order). Column k is read with
 * the Flink type types[k] ("INT", "DECIMAL(20, 4)") when `types` and
 * types[k] are not NULL, checked against the table column as a job's
 * declared column is (HF_ERR_TYPE when its values might not fit), else
 * with the Flink type that carries the table column's values exactly
 * (hf_column_info_t.type).
 * `where` (NULL: every row) is a Flink SQL boolean expression over the
 * table's columns, e.g. "id >= 10 AND name IN ('a', 'b') AND d IS NOT
 * NULL", parsed by holoflow, never sent as text: it must be made of
 * comparisons (=, <>, <, <=, >, >=, BETWEEN), IN lists, IS [NOT] NULL,
 * IS [NOT] TRUE/FALSE, boolean columns and AND/OR/NOT over columns and
 * constants, which the source applies (on the server with every constant
 * a $n parameter, or row by row where the server would compare
 * differently); anything else is refused with HF_ERR_USAGE. Connects,
 * reads the catalog and opens the scan (its snapshot is taken here).
 * Returns a new reader owned by the caller (hf_reader_close), or NULL
 * with *errp (when not NULL) and a message in errstr. Strings are
 * copied. */
HF_EXPORT hf_reader_t *hf_reader_open(const char *const *options,
                                      size_t noptions,
                                      const char *const *columns,
                                      const char *const *types,
                                      size_t ncolumns, const char *where,
                                      hf_err_t *errp, char *errstr,
                                      size_t errstr_size);

/* The reader's columns: how many, and column `col`'s name and Flink SQL
 * type ("BIGINT", "DECIMAL(38, 2)", "ARRAY<INT>"), borrowed from the
 * reader (valid until hf_reader_close). NULL for `col` out of range. */
HF_EXPORT size_t hf_reader_ncols(const hf_reader_t *r);
HF_EXPORT const char *hf_reader_col_name(const hf_reader_t *r, size_t col);
HF_EXPORT const char *hf_reader_col_type(const hf_reader_t *r, size_t col);

/* How column `col`'s values are accessed, as an hf_vec_type_t:
 *   HF_VEC_BOOL        BOOLEAN (hf_reader_get_int64: 0 or 1)
 *   HF_VEC_INT8..INT64 TINYINT, SMALLINT, INT, BIGINT (get_int64)
 *   HF_VEC_FLOAT32/64  FLOAT, DOUBLE (get_double)
 *   HF_VEC_DATETIME64  DATE (*unit_ns = 86400e9: days since 1970-01-01),
 *                      TIMESTAMP (wall clock) and TIMESTAMP_LTZ (UTC)
 *                      (*unit_ns = 1000: microseconds) (get_int64)
 *   HF_VEC_TIMEDELTA64 TIME: microseconds since midnight (get_int64)
 *   HF_VEC_BINARY      BYTES: the bytes (get_text)
 *   HF_VEC_TEXT        every other type (strings, DECIMAL, JSON, ARRAY,
 *                      ROW, MAP, intervals): get_text gives the value as
 *                      Flink's CAST(... AS STRING) spells it ("12.50",
 *                      "[1, 2, NULL]"); strings are their own text
 * `unit_ns` (may be NULL) gets the tick of DATETIME64/TIMEDELTA64. */
HF_EXPORT hf_vec_type_t hf_reader_col_vec(const hf_reader_t *r, size_t col,
                                          int64_t *unit_ns);

/* Read the next batch of rows into the reader. *nrows gets its row count,
 * 0 at the end of the table (then every further call gives 0). The
 * batch's values stay valid until the next hf_reader_next or
 * hf_reader_close; this call frees the previous batch. Returns HF_OK, or
 * the error that failed the scan (a value that does not fit, the server,
 * HF_ERR_INTERRUPTED after hf_reader_stop); the reader is then failed
 * and only hf_reader_close is useful. */
HF_EXPORT hf_err_t hf_reader_next(hf_reader_t *r, size_t *nrows,
                                  char *errstr, size_t errstr_size);

/* Values of the current batch, row `row` (< *nrows) of column `col`.
 * Out-of-range indexes read as NULL. is_null: 1 for SQL NULL, else 0.
 * get_int64 / get_double: the value as hf_reader_col_vec says (0 for
 * NULL or another access kind). get_text: for BINARY and TEXT columns
 * the bytes (for strings UTF-8, not NUL-terminated inside: use *len),
 * for the others their text as Flink's CAST(... AS STRING) spells it;
 * NUL-terminated, borrowed from the batch (valid until the next
 * hf_reader_next), NULL for SQL NULL (or out of memory, *len 0). */
HF_EXPORT int hf_reader_is_null(const hf_reader_t *r, size_t row, size_t col);
HF_EXPORT int64_t hf_reader_get_int64(const hf_reader_t *r, size_t row,
                                      size_t col);
HF_EXPORT double hf_reader_get_double(const hf_reader_t *r, size_t row,
                                      size_t col);
HF_EXPORT const char *hf_reader_get_text(hf_reader_t *r, size_t row,
                                         size_t col, size_t *len);

/* Value `row` of column `col` as JSON text, for nested columns (ARRAY,
 * ROW, MAP, MULTISET) whose elements a caller wants typed: an ARRAY is a
 * JSON array, a ROW an object by field name, a MAP or MULTISET an array of
 * [key, value] pairs; NULL is null, BOOLEAN true/false, integers, FLOAT,
 * DOUBLE and DECIMAL numbers in their Flink text (NaN, Infinity and
 * -Infinity as such: not strict JSON), every other scalar (strings, dates,
 * times, bytes as \x hex) a JSON string of its Flink text. Works for any
 * column. NUL-terminated, borrowed like get_text; NULL for SQL NULL. */
HF_EXPORT const char *hf_reader_get_json(hf_reader_t *r, size_t row,
                                         size_t col, size_t *len);

/* Copy column `col` of the current batch into caller buffers, a
 * column-batch view for numeric columns: `data` gets *nrows values of the
 * column's access type (BOOL: uint8_t, INT8..INT64: int8_t..int64_t,
 * FLOAT32: float, FLOAT64: double, DATETIME64/TIMEDELTA64: int64_t
 * ticks, INT64_MIN for NULL), `nulls` (may be NULL) gets 1 per NULL
 * value and 0 otherwise (NULL values' data is 0, NaN for floats).
 * Both buffers are the caller's. Returns HF_OK, or HF_ERR_USAGE for a
 * TEXT/BINARY column or `col` out of range. */
HF_EXPORT hf_err_t hf_reader_get_column(const hf_reader_t *r, size_t col,
                                        void *data, uint8_t *nulls);

/* Rows returned so far (after the filter). */
HF_EXPORT uint64_t hf_reader_rows(const hf_reader_t *r);

/* Ask the reader to stop: the next hf_reader_next returns
 * HF_ERR_INTERRUPTED. Only sets a flag: safe from any thread, also while
 * another is inside hf_reader_next, and from a signal handler. */
HF_EXPORT void hf_reader_stop(hf_reader_t *r);

/* End the scan (its transactions roll back: it only read), disconnect and
 * free the reader and its current batch. NULL is a no-op. */
HF_EXPORT void hf_reader_close(hf_reader_t *r);
/* ------------------------------------------------------------------ lookup */

/* Batched key lookups in one table through a lookup-capable connector
 * (today: hologres, on Hologres or PostgreSQL), with exactly the semantics
 * and options of a lookup join's dimension table in a job (the same
 * operator code): keys of one hf_lookup_get go to the server together in
 * requests of 'lookup.read.batch-size' keys, with 'lookup.async' several
 * requests in flight, answered from and into the cache that
 * 'lookup.cache' (or the older 'cache', 'cachesize', 'cachettlms', ...)
 * configures. Opaque. One thread at a time may call a lookup's
 * functions. */
typedef struct hf_lookup hf_lookup_t;

/* Open a lookup. `columns` is the column list of a Flink CREATE TABLE
 * ("k INT, name STRING, PRIMARY KEY (k) NOT ENFORCED"); `options` are
 * `noptions` strings "key=value" as in WITH ("endpoint=host:port",
 * "tablename=dim", "lookup.cache=PARTIAL", ...; "connector" defaults to
 * hologres); `keys` names the key columns, comma-separated ("k" or
 * "a, b"). Connects, reads the table's columns, prepares the lookup (and
 * loads a FULL cache). Returns a new lookup owned by the caller
 * (hf_lookup_close), or NULL with a message in errstr. All strings are
 * copied. */
HF_EXPORT hf_lookup_t *hf_lookup_open(const char *columns,
                                      const char *const *options,
                                      size_t noptions, const char *keys,
                                      char *errstr, size_t errstr_size);

/* Look up `nkeys` keys. `keys` holds nkeys x (number of key columns)
 * strings, key i's values at keys[i * ncols + c] in the order of
 * hf_lookup_open's `keys`, each the value's text as Flink's CAST(... AS
 * STRING) spells it, or NULL for SQL NULL (such a key matches nothing);
 * borrowed for the call. On HF_OK the matches are read with
 * hf_lookup_count / hf_lookup_value until the next hf_lookup_get or
 * hf_lookup_close. HF_ERR_DATA for a key that does not parse (nothing is
 * looked up), else the error that failed the lookup (a server error after
 * 'lookup.max-retries' reconnects). */
HF_EXPORT hf_err_t hf_lookup_get(hf_lookup_t *l, size_t nkeys,
                                 const char *const *keys, char *errstr,
                                 size_t errstr_size);

/* The number of rows of the table matching key i of the last
 * hf_lookup_get (0 for a miss; more than 1 when the keys are not the
 * primary key). */
HF_EXPORT size_t hf_lookup_count(const hf_lookup_t *l, size_t i);

/* Column `col` (in `columns` order) of match `row` of key i of the last
 * hf_lookup_get, as text (as Flink's CAST(... AS STRING)), or NULL for SQL
 * NULL or an index out of range. Borrowed from the lookup until the next
 * hf_lookup_get or hf_lookup_close. */
HF_EXPORT const char *hf_lookup_value(hf_lookup_t *l, size_t i, size_t row,
                                      size_t col);

/* What a lookup did so far. */
typedef struct hf_lookup_stats {
    uint64_t keys;         /* keys given to hf_lookup_get */
    uint64_t keys_asked;   /* keys sent to the server */
    uint64_t requests;     /* requests (batches of keys) sent */
    uint64_t hits, misses; /* cache */
    uint64_t evictions, expired;
    uint64_t cached_keys, cached_bytes; /* held now */
} hf_lookup_stats_t;

/* Fill *out (caller's struct). */
HF_EXPORT void hf_lookup_stats(const hf_lookup_t *l, hf_lookup_stats_t *out);

/* Disconnect and free the lookup and what it returned. NULL is a no-op. */
HF_EXPORT void hf_lookup_close(hf_lookup_t *l);

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
