/*
 * sync_int.h - a DataX / DataWorks batch-sync job, normalized.
 *
 * `holoflow sync JOB.json` reads a DataX job file (job.setting,
 * job.content[].reader/writer) or a DataWorks "version 2.0" script
 * (steps[], setting) into one struct sync_job (sync_job.c), turns it into
 * the equivalent holoflow SQL job (sync_sql.c: a bounded filesystem,
 * hologres or datagen source, an INSERT into a hologres sink), and runs
 * that job on the same engine as `holoflow run` (sync_run.c). Readers and
 * writers are thin option tables over existing connectors: there is no
 * second data path.
 *
 * Every string of the job file has its ${var} replaced from -p var=value
 * before it is interpreted; errors name the JSON path
 * ("job.content[0].reader.parameter.column[2].index: ...").
 */
#ifndef HF_SYNC_INT_H
#define HF_SYNC_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

enum sync_col_kind {
    SYNC_COL_INDEX, /* file reader: field `index` of the record */
    SYNC_COL_CONST, /* `value`: a constant */
    SYNC_COL_PART,  /* {"type":"partition","name":k}: the k=value dir */
    SYNC_COL_NAME,  /* database reader / writer: a column name */
};

struct sync_col {
    enum sync_col_kind kind;
    int index;
    char *name;  /* NAME, PART */
    char *value; /* CONST */
    char *type;  /* DataX type (long, double, string, date, boolean, bytes)
                    or NULL */
    char *format; /* date columns: a Java date pattern ("yyyy.MM.dd") */
    char *expr;  /* NAME of a database reader that is not a quoted name:
                    the entry as one holoflow expression (sync_pg_expr),
                    used when it names no column ('hello'::varchar,
                    power(2,3), id + 1) */
};

struct sync_conn {
    char *host;
    char *port;
    char *db;
    char *user;
    char *password;
    char *table; /* as written: table or schema.table (a URL's
                    currentSchema prefixed to a bare name) */
    char *schema; /* the jdbcUrl's currentSchema, or NULL */
};

enum sync_reader_kind { SYNC_R_FILE, SYNC_R_DB, SYNC_R_STREAM };
enum sync_writer_kind { SYNC_W_HOLO, SYNC_W_PG };

struct sync_reader {
    enum sync_reader_kind kind;
    const char *plugin; /* the name as written */
    char **paths;       /* FILE: the path patterns (wildcards), >= 1 */
    size_t npaths;
    char *file_type;    /* csv | text | json | avro */
    char *delim;        /* one character */
    char *compress;     /* NULL | gzip */
    char *encoding;     /* NULL (UTF-8) or an iconv charset name */
    char quote;         /* csvReaderConfig.textQualifier, 0 = '"' */
    bool no_quote;      /* csvReaderConfig.useTextQualifier false */
    bool skip_header;
    char *null_format;
    struct sync_conn conn; /* DB */
    char *where;
    char *query; /* querySql: replaces table, column and where */
    /* DB: the tables (or queries) after the first (conn / query): the
     * sources of DataX's connection[].table[] / querySql[], in order,
     * each with its own connection; their rows go to the one writer */
    struct sync_conn *more;
    char **more_query; /* all NULL, or all set (querySql) */
    size_t nmore;
    char *split_pk;
    char *part_col, *part_value; /* DB: partition "col=value" (DataWorks'
                                    Hologres reader): only those rows */
    int fetch_size;
    int64_t slice_records; /* STREAM */
    bool star;             /* column ["*"] */
    struct sync_col *cols;
    size_t ncols;
};

struct sync_writer {
    enum sync_writer_kind kind;
    const char *plugin;
    struct sync_conn conn;
    bool star;
    char **cols;
    size_t ncols;
    const char *conflict; /* INSERT_OR_REPLACE | _UPDATE | _IGNORE | NULL */
    bool truncate;
    char *part_col, *part_value; /* partition "col=value" */
    char **pre_sql, **post_sql;
    size_t npre, npost;
    int batch_size;
    int max_conn;
};

struct sync_job {
    char *path;
    bool dataworks;
    int channel;       /* resolved channel count (>= 1) */
    int64_t byte_speed;   /* bytes/s over the job, 0 = none */
    int64_t record_speed; /* records/s over the job, 0 = none */
    uint32_t shard_index, shard_count; /* --shard I/N; 0/1 = the whole */
    int64_t err_record;   /* -1 = not set */
    double err_pct;       /* -1 = not set */
    char *load_key; /* sink.bulk-load.commit-record (sync_resume.c);
                       SYNC_LOAD_KEY_PLACEHOLDER while it is computed */
    struct sync_reader r;
    struct sync_writer w;
};

/* A PostgreSQL expression of the job (a reader's where, or a column
 * entry) as one holoflow SQL expression (sync_pgexpr.c); anything that
 * is not exactly one expression is refused naming `where` (the JSON
 * path). 0 and *out (malloc'd), or -1 with err. */
int sync_pg_expr(const char *text, const char *where, char **out,
                 struct hf_error *err);

/* Parse the job file `path`, replacing ${var} from `params` ("var=value",
 * `nparams` of them). 0 and *out filled (sync_job_free), or -1 with err
 * naming the JSON path. */
int sync_job_parse(const char *path, const char *const *params,
                   size_t nparams, struct sync_job *out, struct hf_error *err);

/* sync_job_parse of the job file's text (`len` bytes, no NUL byte);
 * `path` names it in messages (file:line:col for JSON errors). */
int sync_job_parse_text(const char *path, const char *text, size_t len,
                        const char *const *params, size_t nparams,
                        struct sync_job *out, struct hf_error *err);
void sync_job_free(struct sync_job *j);

/* The line and column (1-based) in the job file's text (n bytes) of the
 * value at the JSON path `path` ("job.content[0].reader.parameter.path"),
 * or of the deepest part of it that exists (sync_jsonpos.c). 0, or -1
 * when not even the path's first key is there. */
int sync_json_locate(const char *text, size_t n, const char *path, int *line,
                     int *col);

struct json_object;
/* Keys holoflow does not read (sync_unused.c): between note_begin and
 * note_end (one thread), every value the job parser looks up is noted;
 * warn_unread then warns (FILE:LINE:COL) about each key of the
 * parameter object `par` at JSON path `path` that was never looked up;
 * `what` names the reader or writer. */
void sync_json_note_begin(void);
void sync_json_note_read(const struct json_object *v);
void sync_json_warn_unread(struct json_object *par, const char *path,
                           const char *what, const char *file,
                           const char *text, size_t len);
void sync_json_note_end(void);

/* The job file's text (n bytes) parsed (json-c, comments allowed), or
 * NULL with err naming FILE:LINE:COL where it is not valid JSON (a NUL
 * byte, text after the document included). */
struct json_object *sync_json_load(const char *file, const char *text,
                                   size_t n, struct hf_error *err);

/* Make `j` shard index/count of a sharded sync (--shard I/N): refuses,
 * naming the reason, what N processes cannot do each on their own
 * (truncate, preSql/postSql, a streamreader). 0, or -1 with err. */
int sync_job_shard(struct sync_job *j, uint32_t index, uint32_t count,
                   struct hf_error *err);

/* One table's columns as its server's catalog gives them. */
struct hf_column_info;
struct sync_table {
    struct hf_column_info *cols;
    size_t n;
};

/* What the SQL job and the CREATE TABLE are made from besides the job
 * file: the catalogs of the writer's table and of the reader's tables (or
 * queries), and the field count of a csv reader's first record. Read by
 * sync_catalog_read (connects, lists files); the fuzz target and unit
 * tests fill one themselves, so everything after it runs without a
 * server. */
struct sync_catalog {
    struct sync_table dst;   /* the writer's table */
    struct sync_table src;   /* a database reader's first table / query */
    struct sync_table *more; /* its others: j->r.nmore of them */
    int first_fields;        /* csv/text reader: fields of the first
                                record of the first file, -1 = unknown */
};

/* Read the catalog of `j`: the reader's tables (database reader), and
 * with `for_sync` the writer's table and the first record's fields
 * (csv/text file reader), which --create-table does not need. 0, or -1
 * with err (c is then empty). */
int sync_catalog_read(const struct sync_job *j, bool for_sync,
                      struct sync_catalog *c, struct hf_error *err);
void sync_catalog_free(const struct sync_job *j, struct sync_catalog *c);

/* The holoflow SQL job equivalent to `j`, its column types from `cat`
 * (connects nowhere). With `redact` the password is written as
 * ${PGPASSWORD}. Returns a malloc'd string, or NULL with err. */
char *sync_job_sql_from(const struct sync_job *j,
                        const struct sync_catalog *cat, bool redact,
                        struct hf_error *err);

/* Append `s` (the job file's name) for a `--` comment line: control
 * characters and backslashes as \xNN, so a line break in the name cannot
 * end the comment and put the rest into the SQL. */
struct hf_strbuf;
void sync_put_comment(struct hf_strbuf *b, const char *s);

/* The writer's table as written in the job (table or schema.table,
 * "quoted" parts as they are, plain ones lowercased, as the hologres
 * connector reads it) as quoted SQL: "schema"."table" (sync_create.c).
 * 0, or -1 with err when it is no such name. */
int sync_put_table(struct hf_strbuf *b, const char *table,
                   struct hf_error *err);

/* A preSql / postSql statement with each @table replaced by the writer's
 * table as quoted SQL (sync_put_table), so a table name cannot add to the
 * statement. A malloc'd string, or NULL with err. */
char *sync_table_subst(const struct sync_job *j, const char *sql,
                       struct hf_error *err);

/* Run a statement list (preSql/postSql, with @table replaced) on the
 * writer's database. 0, or -1 with err. */
int sync_exec_sqls(const struct sync_job *j, char *const *sqls, size_t n,
                   const char *what, struct hf_error *err);

/* A connection to the writer's database (application_name
 * holoflow-sync), or NULL with err ("`what`: cannot connect: ...").
 * The caller PQfinish()es it. */
struct pg_conn;
struct pg_conn *sync_connect_writer(const struct sync_job *j,
                                    const char *what, struct hf_error *err);

/* ---- the load record (sync_resume.c; --resume) */

/* The load key of a sync's printed SQL job (built with the key
 * SYNC_LOAD_KEY_PLACEHOLDER): "sync-" and 32 hex digits, as long as the
 * placeholder, malloc'd, or NULL (out of memory). */
#define SYNC_LOAD_KEY_PLACEHOLDER "sync-################################"
char *sync_load_key(const char *sql);
/* The record of `key` in the writer's schema: 1 and "loaded (time)" /
 * "finished (time)" in state, 0 none (or no record table), -1 with err. */
int sync_record_get(const struct sync_job *j, const char *key, char *state,
                    size_t n, struct hf_error *err);
/* Delete the record (a new load starts). 0, or -1 with err. */
int sync_record_forget(const struct sync_job *j, const char *key,
                       struct hf_error *err);
/* Mark it "loaded" (when the sink wrote none: no row was loaded),
 * "over-limit" (errorLimit.percentage failed the committed load) or
 * "finished" (postSql ran). 0, or -1 with err. */
int sync_record_mark(const struct sync_job *j, const char *key,
                     const char *state, struct hf_error *err);

/* The columns (hf_column_info_t, holoflow.h) of the table of `c`, or of
 * the result of `query` when not NULL, read from the server's catalog
 * (sync_sql.c); `what` ("reader", "writer") prefixes errors. 0, or -1. */
int sync_describe(const struct sync_conn *c, const char *query,
                  const char *what, struct hf_column_info **cols,
                  size_t *ncols, struct hf_error *err);

/* Do a column of another reader table (or query) and the first's agree?
 * Their engine types (hf_column_info.type: the Flink type that carries
 * the values) are the same, neither unknown: what the sync and
 * --create-table both check (sync_sql.c). */
bool sync_same_type(const struct hf_column_info *a,
                    const struct hf_column_info *b);

/* The CREATE TABLE of the writer's table from the reader's columns
 * (sync_create.c), the reader's tables read from `cat` (connects
 * nowhere). A malloc'd string, or NULL with err. */
char *sync_create_table_sql(const struct sync_job *j,
                            const struct sync_catalog *cat,
                            struct hf_error *err);

/* A loaded sync's job and SQL job text with the real password
 * (sync_run.c), for sync_preview.c. */
struct hf_sync;
const struct sync_job *sync_job_of(const struct hf_sync *s);
const char *sync_sql_of(const struct hf_sync *s);

#endif
