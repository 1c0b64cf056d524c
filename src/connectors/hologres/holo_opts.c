/*
 * holo_opts.c - the option table of the hologres connector and its
 * resolution into a struct holo_config.
 *
 * The table holds every sink option of every generation of the Hologres
 * connector that the seeds (000_*, 001_*, 002_*) and the reference
 * (hologres-connectors.md section 3) record. Each option has one canonical
 * key, the current dotted one where one exists; older spellings are its
 * aliases tagged with their generation ("000": the open-source
 * connector's names up to its 1.5 branches and VVR 8's, such as
 * `mutatetype`, `jdbcWriteBatchSize`, `sdkMode`; "001": the `connector.*`
 * names). An option no current name covers (`sdkMode`, `insertOrUpdate`,
 * `partitionrouter`, `splitDataSize`, ...) is an option of its own, keyed
 * by its old name. Defaults are those of 002_*, except that a table whose
 * spellings belong to an older generation gets that generation's defaults
 * for what it leaves unset (conf/opt.h, "Generations"): a job keeps the
 * semantics it was written for. The option engine (conf/opt.c) checks
 * types, ranges, enum values (ignoring case, '_' and '-': 'insertorignore'
 * is INSERT_OR_IGNORE) and duplicates, including two spellings of one
 * option.
 *
 * holo_config_from_opts() is the only reader of the parsed options: it
 * splits `endpoint` into host/port and `tablename` into schema/table,
 * folds the legacy switches into the modern settings (sdkMode and
 * jdbcCopyWriteMode into the write mode, insertOrUpdate into the
 * on-conflict action, sink.ignore-delete into the delete strategy, sdkMode
 * jdbc_fixed into fixed connections) and refuses two settings that
 * contradict each other. holo_config_validate() holds every cross-option
 * rule ("Raises" of 002_*) plus the ones that need the sink's Flink
 * schema, and refuses TLS with a Unix-socket endpoint
 * (holo_config_check_transport, also run before each connect); both run
 * at `holoflow check` time. holo_config_notes() says
 * what options accepted without effect (the Alibaba Cloud-only ones among
 * them) and the legacy switches mean, for explain and the sink's log.
 * Messages name options as the user spelled them where the spelling is
 * known.
 *
 * Invariants: after a successful holo_config_from_opts() every string field
 * is either NULL or an owned copy, host/schema/table are non-empty, and
 * port is 0 (libpq default) or 1..65535. holo_config_free() wipes the
 * password before releasing it.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/shard.h"
#include "connectors/hologres/holo_config.h"

/* ------------------------------------------------------------ the table */

static const char *const wm_names[] = {"AUTO",
                                       "INSERT",
                                       "COPY_STREAM",
                                       "COPY_BULK_LOAD",
                                       "COPY_BULK_LOAD_ON_CONFLICT",
                                       NULL};
static const char *const oc_names[] = {"INSERT_OR_IGNORE", "INSERT_OR_UPDATE",
                                       "INSERT_OR_REPLACE", NULL};
static const char *const ds_names[] = {"IGNORE_DELETE", "NON_PK_FIELD_TO_NULL",
                                       "DELETE_ROW_ON_PK", "CHANGELOG_STANDARD",
                                       NULL};
static const char *const cap_names[] = {
    "GREATER",       "GREATER_OR_EQUAL", "EQUAL",       "NOT_EQUAL", "LESS",
    "LESS_OR_EQUAL", "IS_NULL",          "IS_NOT_NULL", NULL};
static const char *const ssl_names[] = {"disable", "require", "verify-ca",
                                        "verify-full", NULL};
static const char *const copy_names[] = {"binary", "text", "binaryrow", NULL};
static const char *const dirty_names[] = {"EXCEPTION", "SKIP", NULL};
/* In the order of enum holo_sdk_mode. */
static const char *const sdk_names[] = {"jdbc", "jdbc_copy", "jdbc_fixed",
                                        "rpc", NULL};
/* The legacy copy mode: a boolean before connector 1.4.2.1, then an
 * enum. Index 0 is "no COPY". */
static const char *const copy_mode_names[] = {
    "false", "true", "STREAM", "BULK_LOAD", "BULK_LOAD_ON_CONFLICT", NULL};

#define G000 HOLO_GEN_000
#define G001 HOLO_GEN_001

const struct hf_opt_def hf_holo_opt_defs[] = {
    /* ---- connection */
    {.key = "endpoint",
     .gens = HF_GENS({G001, HF_ALIASES("connector.endpoint"), NULL}),
     .type = HF_OPT_STRING,
     .flags = HF_OPTF_REQUIRED,
     .doc = "Server address: 'host:port', 'host', '[ipv6]:port', or a Unix "
            "socket directory '/dir' (optionally '/dir:port')."},
    {.key = "dbname",
     .gens = HF_GENS({G001, HF_ALIASES("connector.database"), NULL}),
     .type = HF_OPT_STRING,
     .flags = HF_OPTF_REQUIRED,
     .doc = "Database to connect to."},
    {.key = "tablename",
     .gens = HF_GENS({G001, HF_ALIASES("connector.table"), NULL}),
     .type = HF_OPT_STRING,
     .flags = HF_OPTF_REQUIRED,
     .doc = "Target table, 'table' or 'schema.table' (schema public by "
            "default); unquoted names are lower-cased, \"Quoted\" parts are "
            "kept exactly."},
    {.key = "username",
     .gens = HF_GENS({G001, HF_ALIASES("connector.username"), NULL}),
     .type = HF_OPT_STRING,
     .flags = HF_OPTF_REQUIRED,
     .doc = "User name (the AccessKey ID on Hologres)."},
    {.key = "password",
     .gens = HF_GENS({G001, HF_ALIASES("connector.password"), NULL}),
     .type = HF_OPT_STRING,
     .flags = HF_OPTF_REQUIRED | HF_OPTF_SENSITIVE,
     .doc = "Password (the AccessKey secret on Hologres); never printed or "
            "logged; may be empty for trust authentication."},
    {.key = "connection.pool.size",
     .gens = HF_GENS({G000, HF_ALIASES("connectionSize"), "3"}),
     .type = HF_OPT_INT,
     .def = "5",
     .min = 1,
     .max = 64,
     .flags = HF_OPTF_RANGE,
     .doc = "Connections the sink writes over; rows are spread over them by "
            "primary key."},
    {.key = "connection.pool.name",
     .gens = HF_GENS({G000, HF_ALIASES("connectionPoolName"), NULL}),
     .type = HF_OPT_STRING,
     .def = "default",
     .doc = "Name of a connection pool that sinks of one Flink task manager "
            "share; accepted and noted: each holoflow sink owns its "
            "connections."},
    {.key = "connection.fixed.enabled",
     .aliases = HF_ALIASES("connection.fixed"),
     .gens = HF_GENS({G000, HF_ALIASES("fixedConnectionMode"), "false"}),
     .type = HF_OPT_BOOL,
     .doc = "Fixed (lightweight) connections, as sdkMode 'jdbc_fixed': on "
            "Hologres the write connections ask for a fixed frontend "
            "(startup option type=fixed); PostgreSQL has none and gets plain "
            "connections, with a note. Unset: plain connections."},
    {.key = "connection.direct.enabled",
     .aliases = HF_ALIASES("connection.direct"),
     .gens = HF_GENS({G000, HF_ALIASES("jdbcDirectConnect"), NULL}),
     .type = HF_OPT_BOOL,
     .def = "false",
     .doc = "Alibaba Cloud only (connect to a frontend directly, past the "
            "load balancer): accepted, noted in explain and logged once; "
            "holoflow connects to 'endpoint' as given."},
    {.key = "connection.ssl.mode",
     .type = HF_OPT_ENUM,
     .def = "disable",
     .values = ssl_names,
     .doc = "TLS: disable, require (encrypt), verify-ca (check the CA), "
            "verify-full (check the CA and the host name). TLS needs TCP: "
            "with a Unix-socket endpoint only disable is accepted."},
    {.key = "connection.ssl.root-cert.location",
     .type = HF_OPT_STRING,
     .doc = "File with the CA certificate(s) that verify-ca and verify-full "
            "check the server certificate against."},
    {.key = "connection.akv4.enabled",
     .type = HF_OPT_BOOL,
     .def = "false",
     .doc = "Alibaba Cloud only (AccessKey v4 signed login): accepted, noted "
            "in explain and logged once; holoflow authenticates with the "
            "password the way the server asks."},
    {.key = "connection.akv4.region",
     .type = HF_OPT_STRING,
     .doc = "Alibaba Cloud only (the region AccessKey v4 signs for): "
            "accepted, noted in explain and logged once."},
    {.key = "connection.max-idle-ms",
     .gens = HF_GENS({G000, HF_ALIASES("jdbcConnectionMaxIdleMs"), NULL}),
     .type = HF_OPT_INT,
     .def = "60000",
     .min = 0,
     .max = INT64_MAX,
     .flags = HF_OPTF_RANGE,
     .doc = "A connection idle this long (ms) is closed and reopened on the "
            "next write (0 = never)."},
    {.key = "connection.max-alive-ms",
     .type = HF_OPT_INT,
     .def = "3600000",
     .min = 0,
     .max = INT64_MAX,
     .flags = HF_OPTF_RANGE,
     .doc = "A connection older than this (ms) is closed and reopened "
            "before its next write (0 = never)."},
    {.key = "retry-count",
     .gens = HF_GENS({G000, HF_ALIASES("jdbcRetryCount"), NULL}),
     .type = HF_OPT_INT,
     .def = "10",
     .min = 0,
     .max = 1000000,
     .flags = HF_OPTF_RANGE,
     .doc = "Reconnect attempts after a connection loss or transient server "
            "error before the job fails."},
    {.key = "retry-sleep-init-ms",
     .gens = HF_GENS({G000, HF_ALIASES("jdbcRetrySleepInitMs"), "1000"}),
     .type = HF_OPT_INT,
     .def = "0",
     .min = 0,
     .max = INT64_MAX,
     .flags = HF_OPTF_RANGE,
     .doc = "Fixed part of the back-off: attempt n waits this many ms plus n "
            "times retry-sleep-step-ms."},
    {.key = "retry-sleep-step-ms",
     .gens = HF_GENS({G000, HF_ALIASES("jdbcRetrySleepStepMs"), NULL}),
     .type = HF_OPT_INT,
     .def = "5000",
     .min = 0,
     .max = INT64_MAX,
     .flags = HF_OPTF_RANGE,
     .doc = "Linear back-off: attempt n waits n times this many ms (plus "
            "retry-sleep-init-ms) before retrying."},
    {.key = "meta-cache-ttl-ms",
     .aliases = HF_ALIASES("connection.meta-cache-ttl-ms"),
     .gens = HF_GENS({G000, HF_ALIASES("jdbcMetaCacheTTL"), "60000"}),
     .type = HF_OPT_INT,
     .def = "600000",
     .min = 0,
     .max = INT64_MAX,
     .flags = HF_OPTF_RANGE,
     .doc = "How long (ms) the table's columns, key and partitions read from "
            "the catalog are reused."},
    {.key = "jdbcMetaAutoRefreshFactor",
     .gen = G000,
     .type = HF_OPT_INT,
     .def = "-1",
     .doc = "Refresh cached metadata in the background when less than "
            "ttl/factor of its life is left (-1 = never); accepted and "
            "noted: holoflow reads the catalog when a writer opens, within "
            "meta-cache-ttl-ms, and never in the background."},
    {.key = "statement-timeout-seconds",
     .gens = HF_GENS({G000, NULL, "28800000"}),
     .type = HF_OPT_INT,
     .def = "28800",
     .min = 0,
     .max = INT64_MAX,
     .flags = HF_OPTF_RANGE,
     .doc = "Each statement the sink runs may take this long (seconds; the "
            "session's statement_timeout) before the server cancels it and "
            "the job fails; 0, or more than the server's limit of about "
            "24.8 days, is no limit."},
    {.key = "hologres.server.version",
     .type = HF_OPT_STRING,
     .doc = "The Hologres version (e.g. '3.1') that the version-dependent "
            "choice of write mode AUTO assumes instead of what hg_version() "
            "reports; no effect on PostgreSQL."},
    {.key = "serverless-computing.enabled",
     .type = HF_OPT_BOOL,
     .def = "false",
     .doc = "Alibaba Cloud only (run bulk loads on Hologres serverless "
            "computing): accepted, noted in explain and logged once; "
            "holoflow writes with the instance's own resources."},
    {.key = "serverless-computing.query-priority",
     .gens = HF_GENS(
         {G000, HF_ALIASES("serverless-computing-query-priority"), NULL}),
     .type = HF_OPT_INT,
     .def = "3",
     .doc = "Alibaba Cloud only (priority of serverless computing queries): "
            "accepted, noted in explain and logged once."},
    /* ---- sink: write mode */
    {.key = "sink.write-mode",
     .gens = HF_GENS({G000, NULL, "INSERT"}, {G001, NULL, "INSERT"}),
     .type = HF_OPT_ENUM,
     .def = "AUTO",
     .values = wm_names,
     .doc = "Write protocol: AUTO (INSERT for streaming jobs, a COPY bulk "
            "load for batch jobs unless an INSERT-only option such as "
            "check-and-put is set), INSERT (batched upserts), COPY_STREAM, "
            "COPY_BULK_LOAD or COPY_BULK_LOAD_ON_CONFLICT. Older generations "
            "wrote with INSERT unless told otherwise (sdkMode, "
            "jdbcCopyWriteMode, bulkload)."},
    {.key = "sdkMode",
     .gen = G000,
     .type = HF_OPT_ENUM,
     .values = sdk_names,
     .doc = "Legacy write protocol: jdbc = INSERT, jdbc_copy = COPY_STREAM, "
            "jdbc_fixed = INSERT over fixed connections "
            "(connection.fixed.enabled), rpc = INSERT, with a warning that "
            "the RPC mode is retired."},
    {.key = "jdbcCopyWriteMode",
     .gen = G000,
     .type = HF_OPT_ENUM,
     .values = copy_mode_names,
     .doc = "Legacy COPY switch: STREAM (or true) = COPY_STREAM, BULK_LOAD, "
            "BULK_LOAD_ON_CONFLICT = the COPY_BULK_LOAD modes, false = "
            "INSERT."},
    {.key = "connector.bulkload",
     .gen = G001,
     .gens = HF_GENS({G000, HF_ALIASES("bulkLoad"), NULL}),
     .type = HF_OPT_BOOL,
     .def = "false",
     .doc = "Legacy batch-load switch: true writes as a bounded job's AUTO "
            "does (a COPY load) unless a write mode is given."},
    /* ---- sink: semantics */
    {.key = "sink.on-conflict-action",
     .gens = HF_GENS(
         {G000, HF_ALIASES("mutatetype"), "INSERT_OR_IGNORE"},
         {G001, HF_ALIASES("connector.upsert_type"), "INSERT_OR_IGNORE"}),
     .type = HF_OPT_ENUM,
     .def = "INSERT_OR_UPDATE",
     .values = oc_names,
     .doc = "When the primary key exists: keep the old row (IGNORE), update "
            "the written columns (UPDATE), or replace the row (REPLACE)."},
    {.key = "insertOrUpdate",
     .gen = G000,
     .type = HF_OPT_BOOL,
     .def = "false",
     .doc = "Legacy: true means sink.on-conflict-action INSERT_OR_UPDATE "
            "(when the action is not given otherwise)."},
    {.key = "sink.delete-strategy",
     .type = HF_OPT_ENUM,
     .def = "CHANGELOG_STANDARD",
     .values = ds_names,
     .doc = "What -D rows (and a -U not followed by the +U of its key) do: "
            "delete the row (CHANGELOG_STANDARD), nothing (IGNORE_DELETE), "
            "null the non-key columns, or delete on -D only."},
    {.key = "sink.ignore-delete",
     .gens = HF_GENS({G000, HF_ALIASES("ignoredelete"), "true"}),
     .type = HF_OPT_BOOL,
     .def = "false",
     .doc = "true drops -U/-D rows, the same as sink.delete-strategy "
            "IGNORE_DELETE (which an explicit sink.delete-strategy "
            "overrides when this is only a default)."},
    {.key = "sink.create-missing-partition",
     .gens = HF_GENS({G000, HF_ALIASES("createparttable"), "false"},
                     {G001, NULL, "false"}),
     .type = HF_OPT_BOOL,
     .def = "true",
     .doc = "A row for a LIST partition that does not exist creates the "
            "child table <parent>_<value>; false fails the job instead."},
    {.key = "partitionrouter",
     .gen = G000,
     .gens = HF_GENS(
         {G001,
          HF_ALIASES("connector.partition_router", "connector.partitionRouter"),
          NULL}),
     .type = HF_OPT_BOOL,
     .def = "false",
     .doc = "Legacy; accepted and noted: rows for a partitioned parent are "
            "always routed to its children."},
    {.key = "sink.ignore-null-when-update.enabled",
     .gens = HF_GENS({G000, HF_ALIASES("ignoreNullWhenUpdate"), NULL}),
     .type = HF_OPT_BOOL,
     .def = "false",
     .doc = "An update keeps the stored value of a column whose new value is "
            "NULL."},
    {.key = "sink.ignore-null-when-update-by-expr.enabled",
     .type = HF_OPT_BOOL,
     .def = "false",
     .doc = "The same as sink.ignore-null-when-update.enabled (holoflow "
            "always keeps stored values with an expression, COALESCE, in the "
            "statement)."},
    {.key = "sink.default-for-not-null-column.enabled",
     .gens =
         HF_GENS({G000, HF_ALIASES("jdbcEnableDefaultForNotNullColumn"), NULL}),
     .type = HF_OPT_BOOL,
     .def = "true",
     .doc = "NULL written into a NOT NULL column becomes the column default "
            "or the type's zero value; false makes the row dirty."},
    {.key = "sink.remove-u0000-in-text.enabled",
     .gens = HF_GENS({G000, HF_ALIASES("remove-u0000-in-text.enabled"), NULL}),
     .type = HF_OPT_BOOL,
     .def = "true",
     .doc = "Remove NUL (U+0000) characters from text values, which "
            "PostgreSQL cannot store; false makes such rows dirty."},
    {.key = "sink.partial-insert.enabled",
     .type = HF_OPT_BOOL,
     .def = "false",
     .doc = "Write only the columns of the sink table and leave the others "
            "of the target untouched."},
    {.key = "sink.deduplication.enabled",
     .gens = HF_GENS({G000, HF_ALIASES("deduplication.enabled"), NULL}),
     .type = HF_OPT_BOOL,
     .def = "true",
     .doc = "Changes to one key within a buffer fold into one; false flushes "
            "the buffer when a key repeats."},
    {.key = "sink.aggressive.enabled",
     .gens = HF_GENS({G000, HF_ALIASES("aggressive.enabled"), NULL}),
     .type = HF_OPT_BOOL,
     .def = "false",
     .doc = "Flush a buffer as soon as its connection is idle, for lower "
            "latency at some throughput cost."},
    {.key = "sink.check-and-put.column",
     .gens = HF_GENS({G000, HF_ALIASES("check-and-put.column"), NULL}),
     .type = HF_OPT_STRING,
     .doc = "Conditional update: an existing row changes only when the new "
            "value of this column compares true against the stored one."},
    {.key = "sink.check-and-put.operator",
     .gens = HF_GENS({G000, HF_ALIASES("check-and-put.operator"), NULL}),
     .type = HF_OPT_ENUM,
     .def = "GREATER",
     .values = cap_names,
     .doc = "Comparison of check-and-put: new <op> old (IS_NULL/IS_NOT_NULL "
            "test the stored value)."},
    {.key = "sink.check-and-put.null-as",
     .gens = HF_GENS({G000, HF_ALIASES("check-and-put.null-as"), NULL}),
     .type = HF_OPT_STRING,
     .doc = "Value a NULL stored check-and-put column compares as (a SQL "
            "literal of the column's type)."},
    {.key = "sink.hold-on-update-before.enabled",
     .gens = HF_GENS({G000, HF_ALIASES("hold-on-update-before.enabled"), NULL}),
     .type = HF_OPT_BOOL,
     .def = "false",
     .doc = "Hold a -U until its +U arrives; accepted and noted: holoflow "
            "always pairs a -U with the +U of its key (see the changelog "
            "table of docs/hologres-sink.md)."},
    /* ---- sink: batching */
    {.key = "sink.insert.batch-size",
     .gens = HF_GENS({G000, HF_ALIASES("jdbcWriteBatchSize"), "256"}),
     .type = HF_OPT_INT,
     .def = "512",
     .min = 1,
     .max = INT32_MAX,
     .flags = HF_OPTF_RANGE,
     .doc = "A connection's buffer is flushed when it holds this many rows."},
    {.key = "sink.insert.batch-byte-size",
     .gens = HF_GENS({G000, HF_ALIASES("jdbcWriteBatchByteSize"), NULL}),
     .type = HF_OPT_INT,
     .def = "2097152",
     .min = 1,
     .max = INT64_MAX,
     .flags = HF_OPTF_RANGE,
     .doc = "A connection's buffer is flushed when its rows take this many "
            "bytes."},
    {.key = "sink.insert.batch-total-byte-size",
     .gens = HF_GENS({G000, HF_ALIASES("jdbcWriteBatchTotalByteSize"), NULL}),
     .type = HF_OPT_INT,
     .def = "20971520",
     .min = 1,
     .max = INT64_MAX,
     .flags = HF_OPTF_RANGE,
     .doc = "Bytes buffered over all connections; above it the source waits "
            "for flushes."},
    {.key = "sink.insert.flush-interval-ms",
     .gens = HF_GENS({G000, HF_ALIASES("jdbcWriteFlushInterval"), NULL}),
     .type = HF_OPT_INT,
     .def = "10000",
     .min = 1,
     .max = INT64_MAX,
     .flags = HF_OPTF_RANGE,
     .doc = "A buffer is flushed when its oldest row has waited this many "
            "ms."},
    {.key = "sink.insert.conflict-update-set",
     .type = HF_OPT_STRING,
     .doc = "SET list used on a key conflict instead of the written columns, "
            "e.g. 'cnt = old.cnt + excluded.cnt'."},
    {.key = "sink.insert.conflict-where",
     .type = HF_OPT_STRING,
     .doc = "Condition on a key conflict; the stored row is updated only "
            "where it holds (old.* and excluded.* may be used)."},
    {.key = "sink.insert.legacy-put-handler",
     .gens = HF_GENS({G000, HF_ALIASES("jdbcUseLegacyPutHandler"), NULL}),
     .type = HF_OPT_BOOL,
     .def = "false",
     .doc = "Multi-row VALUES statements instead of unnest arrays; accepted "
            "and noted: holoflow's statements always take one array per "
            "column, and both write the same rows."},
    {.key = "sink.copy.format",
     .gens = HF_GENS({G000, HF_ALIASES("jdbcCopyWriteFormat"), NULL}),
     .type = HF_OPT_ENUM,
     .def = "binary",
     .values = copy_names,
     .doc = "Data format of the COPY write modes; INSERT and AUTO accept "
            "only binary."},
    {.key = "sink.parallelism",
     .type = HF_OPT_INT,
     .min = 1,
     .max = INT32_MAX,
     .flags = HF_OPTF_RANGE,
     .doc = "Accepted for Flink compatibility; holoflow's parallelism is "
            "connection.pool.size."},
    {.key = "sink.reshuffle-by-holo-distribution-key.enabled",
     .gens = HF_GENS({G000,
                      HF_ALIASES("reshuffle-by-holo-distribution-key.enabled"),
                      NULL}),
     .type = HF_OPT_BOOL,
     .def = "false",
     .doc = "On Hologres, route rows to the sink's connections by the "
            "table's distribution key (hologres.hg_table_properties) instead "
            "of the primary key; PostgreSQL has no distribution key: "
            "accepted and noted, rows go by primary key."},
    {.key = "sink.bulk-load.truncate",
     .type = HF_OPT_BOOL,
     .def = "false",
     .doc = "holoflow: with a COPY_BULK_LOAD mode on PostgreSQL, empty the "
            "table (TRUNCATE) inside the load's transaction before the "
            "first row, so the load replaces its data atomically: a failed "
            "load leaves the previous data (holoflow sync's truncate)."},
    {.key = "sink.bulk-load.truncate-partition",
     .type = HF_OPT_STRING,
     .doc = "holoflow: like sink.bulk-load.truncate for one LIST partition "
            "of a partitioned parent: its rows (partition column = this "
            "value) are deleted inside the load's transaction before the "
            "first row; the other partitions are untouched."},
    {.key = "sink.bulk-load.connections",
     .type = HF_OPT_INT,
     .def = "1",
     .doc = "holoflow: with a COPY_BULK_LOAD mode on PostgreSQL into a LIST-"
            "partitioned parent, load over this many connections (1-64), "
            "each owning the partition values routed to it: a value's rows "
            "go into a staging table committed on its connection, and one "
            "final transaction attaches (or swaps in, or copies) every "
            "staged child at once, so the load stays all-or-nothing. 1, "
            "Hologres and plain tables: one connection, one transaction."},
    {.key = "sink.bulk-load.commit-record",
     .type = HF_OPT_STRING,
     .doc = "holoflow: with a COPY_BULK_LOAD mode on PostgreSQL, the load's "
            "transaction (the final one over several connections) also "
            "upserts the row (this key, 'loaded') into the table "
            "holoflow_load_records of the target's schema (created when "
            "missing), so the row exists exactly when the load committed: "
            "holoflow sync --resume reads it to skip a load that is already "
            "in. Hologres: not written (no transaction)."},
    /* ---- sink: bad rows */
    {.key = "sink.insert.dirty-data-strategy",
     .gens = HF_GENS({G000, HF_ALIASES("sink.error-handler"), NULL}),
     .type = HF_OPT_ENUM,
     .def = "EXCEPTION",
     .values = dirty_names,
     .doc = "A row the server rejects fails the job (EXCEPTION) or is "
            "skipped, logged and counted (SKIP)."},
    {.key = "sink.dirty-data.path",
     .type = HF_OPT_STRING,
     .doc = "With SKIP: file that rejected rows, their source position and "
            "the reason are appended to."},
    {.key = "sink.dirty-data-check.enabled",
     .type = HF_OPT_BOOL,
     .def = "true",
     .doc = "Check rows before the first flush; accepted and noted: holoflow "
            "always checks a row's NULL key and NOT NULL columns before "
            "sending it, and isolates rows the server rejects."},
    /* ---- accepted from the open-source connector, no effect here */
    {.key = "sink.affect-rows.enabled",
     .gens = HF_GENS({G000, HF_ALIASES("affect-rows.enabled"), "true"}),
     .type = HF_OPT_BOOL,
     .def = "false",
     .doc = "Whether Hologres' fixed plan reports affected rows; accepted and "
            "noted: holoflow does not use row counts."},
    {.key = "sink.api-version-v2.enabled",
     .type = HF_OPT_BOOL,
     .def = "false",
     .doc = "Flink's sink API v2; accepted and noted: holoflow has one sink "
            "implementation."},
    {.key = "sink.multi-table.datatype-tolerant.enabled",
     .type = HF_OPT_BOOL,
     .def = "false",
     .doc = "Of the DataStream multi-table sink; accepted and noted: a SQL "
            "table writes one table, whose types are checked."},
    {.key = "sink.multi-table.extra-column-tolerant.enabled",
     .type = HF_OPT_BOOL,
     .def = "false",
     .doc = "Of the DataStream multi-table sink; accepted and noted: a job "
            "column the table lacks fails the job."},
    {.key = "splitDataSize",
     .gen = G000,
     .type = HF_OPT_INT,
     .def = "262144",
     .doc = "Legacy batch split size; accepted and noted: holoflow sizes "
            "batches by sink.insert.batch-byte-size."},
    /* ---- source (bounded scan) */
    {.key = "source.scan.fetch-size",
     .gens = HF_GENS({G000, HF_ALIASES("jdbcScanFetchSize"), "256"}),
     .type = HF_OPT_INT,
     .def = "512",
     .min = 1,
     .max = 1000000,
     .flags = HF_OPTF_RANGE,
     .doc = "Rows fetched per round trip when the scan reads through a "
            "cursor (a pushed-down filter); a scan without parameters "
            "streams with COPY and does not need it."},
    {.key = "source.scan.timeout-seconds",
     .gens = HF_GENS({G000, HF_ALIASES("jdbcScanTimeoutSeconds"), "256"}),
     .type = HF_OPT_INT,
     .def = "60",
     .min = 0,
     .max = 86400 * 30,
     .flags = HF_OPTF_RANGE,
     .doc = "Seconds a scan may wait for the server without receiving a "
            "row (or a fetch) before it fails; 0 = no limit."},
    {.key = "jdbcScanTransactionSessionTimeoutSeconds",
     .gen = G000,
     .type = HF_OPT_INT,
     .def = "600",
     .min = 0,
     .max = 86400 * 30,
     .flags = HF_OPTF_RANGE,
     .doc = "idle_in_transaction_session_timeout of the scan's "
            "connections, in seconds (0 = none); VVR 11 folded it into "
            "source.scan.timeout-seconds."},
    {.key = "source.filter-push-down.enabled",
     .aliases = HF_ALIASES("source.scan.filter-push-down.enabled"),
     .gens = HF_GENS({G000, HF_ALIASES("enable_filter_push_down"), NULL}),
     .type = HF_OPT_BOOL,
     .def = "false",
     .doc = "Send the query's filter to the server as a WHERE with "
            "parameters (comparisons, IN, IS NULL, AND/OR of columns and "
            "literals); what cannot be sent is still applied by holoflow."},
    {.key = "source.scan.split-count",
     .type = HF_OPT_INT,
     .def = "1",
     .min = 1,
     .max = 64,
     .flags = HF_OPTF_RANGE,
     .doc = "Reader connections of a scan. Above 1 they share one "
            "exported snapshot (PostgreSQL) and split the table by child "
            "partition and page range (Hologres: by shard)."},
    {.key = "source.scan.shard",
     .type = HF_OPT_STRING,
     .doc = "holoflow's own: 'I/N' reads only every N-th split of the scan "
            "(split k when k mod N = I), so N processes given 0/N .. N-1/N "
            "with the same options read each row once (holoflow sync "
            "--shard). The splits are cut for split-count x N readers: "
            "children of a partitioned parent, then page ranges (Hologres: "
            "shard ranges). Each process reads its own snapshot. Unset: "
            "every split."},
    {.key = "source.scan.query",
     .type = HF_OPT_STRING,
     .doc = "holoflow: a SELECT the bounded scan reads instead of the "
            "table (DataX's querySql): its result columns are the table's "
            "columns, matched to the job's by name; one split; 'tablename' "
            "then only names it in messages."},
    /* ---- text */
    {.key = "field_delimiter",
     .gen = G000,
     .aliases = HF_ALIASES("arrayDelimiter"),
     .type = HF_OPT_CHAR,
     .def = "\\u0002",
     .doc = "Array delimiter: a STRING job column written into an array "
            "column is split at this character into the elements, and an "
            "array column read into a STRING column is its elements "
            "joined by it (the legacy connector's arrays as text)."},
    {.key = "connector.field_delimiter",
     .gen = G001,
     .type = HF_OPT_CHAR,
     .def = "\\u0002",
     .doc = "Field delimiter of the text COPY format (sink.copy.format "
            "text)."},
#include "connectors/hologres/holo_cdc_opts.inc"
#include "connectors/hologres/holo_lookup_opts.inc"
};

#undef G000
#undef G001

const size_t hf_holo_opt_ndefs =
    sizeof hf_holo_opt_defs / sizeof hf_holo_opt_defs[0];
_Static_assert(sizeof hf_holo_opt_defs / sizeof hf_holo_opt_defs[0] ==
                   HOLO_NOPTS,
               "HOLO_NOPTS in holo_config.h must equal the table's length");

/* ------------------------------------------------------------ helpers */

/* The key as the user wrote it, else the canonical key. */
static const char *key_of(const struct hf_opts *o, const char *key)
{
    const struct hf_opt_val *v = hf_opts_get(o, key, NULL);
    return (v && v->set && v->key_used) ? v->key_used : key;
}

static int dup_or_null(char **dst, const char *src, struct hf_error *err)
{
    *dst = NULL;
    if (src == NULL)
        return 0;
    *dst = strdup(src);
    if (*dst == NULL)
        return hf_error_set(err, HF_ERR_NOMEM,
                            "out of memory reading hologres options");
    return 0;
}

/* An optional string option: NULL when unset or empty. */
static const char *opt_nonempty(const struct hf_opts *o, const char *key)
{
    const char *s = hf_opts_str(o, key, NULL);
    return (s && s[0] != '\0') ? s : NULL;
}

static bool is_ident_start(unsigned char ch)
{
    return isalpha(ch) || ch == '_' || ch >= 0x80;
}

static bool is_ident_char(unsigned char ch)
{
    return is_ident_start(ch) || isdigit(ch) || ch == '$';
}

/* One part of a dotted name at *pp: "quoted" (with "" for a quote) kept as
 * is, or unquoted and lower-cased as PostgreSQL folds it. Advances *pp past
 * the part and trailing blanks. */
static int parse_name_part(const char **pp, char **out, const char *key,
                           const char *full, struct hf_error *err)
{
    const char *p = *pp;
    while (*p == ' ' || *p == '\t')
        p++;
    char *buf = malloc(strlen(p) + 1);
    if (buf == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    size_t n = 0;
    if (*p == '"') {
        p++;
        for (;;) {
            if (*p == '\0') {
                free(buf);
                return hf_error_set(err, HF_ERR_OPTION,
                                    "option '%s' = '%s': unterminated quoted "
                                    "name (a '\"' inside a quoted name is "
                                    "written '\"\"')",
                                    key, full);
            }
            if (*p == '"') {
                if (p[1] == '"') {
                    buf[n++] = '"';
                    p += 2;
                    continue;
                }
                p++;
                break;
            }
            buf[n++] = *p++;
        }
        if (n == 0) {
            free(buf);
            return hf_error_set(err, HF_ERR_OPTION,
                                "option '%s' = '%s': empty quoted name", key,
                                full);
        }
    } else {
        const char *start = p;
        while (*p != '\0' && *p != '.' && *p != ' ' && *p != '\t')
            p++;
        size_t len = (size_t)(p - start);
        if (len == 0) {
            free(buf);
            return hf_error_set(err, HF_ERR_OPTION,
                                "option '%s' = '%s': expected 'table' or "
                                "'schema.table'",
                                key, full);
        }
        for (size_t i = 0; i < len; i++) {
            unsigned char ch = (unsigned char)start[i];
            if (i == 0 ? !is_ident_start(ch) : !is_ident_char(ch)) {
                free(buf);
                return hf_error_set(err, HF_ERR_OPTION,
                                    "option '%s' = '%s': '%.*s' is not a "
                                    "plain name; write it in double quotes "
                                    "('\"%.*s\"') to use it as is",
                                    key, full, (int)len, start, (int)len,
                                    start);
            }
            buf[n++] = (char)(ch < 0x80 ? tolower(ch) : ch);
        }
    }
    buf[n] = '\0';
    while (*p == ' ' || *p == '\t')
        p++;
    *pp = p;
    *out = buf;
    return 0;
}

/* "schema.table" or "table" (schema "public"). */
static int parse_tablename(struct holo_config *c, const char *key,
                           const char *s, struct hf_error *err)
{
    const char *p = s;
    char *a = NULL, *b = NULL;
    if (parse_name_part(&p, &a, key, s, err) != 0)
        return -1;
    if (*p == '.') {
        p++;
        if (parse_name_part(&p, &b, key, s, err) != 0) {
            free(a);
            return -1;
        }
    }
    if (*p != '\0') {
        free(a);
        free(b);
        return hf_error_set(err, HF_ERR_OPTION,
                            "option '%s' = '%s': expected 'table' or "
                            "'schema.table' (quote names that contain dots "
                            "or spaces: '\"my schema\".\"t\"')",
                            key, s);
    }
    if (b == NULL) {
        c->schema = strdup("public");
        c->table = a;
        if (c->schema == NULL)
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    } else {
        c->schema = a;
        c->table = b;
    }
    return 0;
}

int holo_split_tablename(const char *s, char **schema, char **table,
                         struct hf_error *err)
{
    struct holo_config c = {0};
    if (parse_tablename(&c, "tablename", s, err) != 0)
        return -1;
    *schema = c.schema;
    *table = c.table;
    return 0;
}

static int parse_port(const char *p, size_t n, int *port, const char *key,
                      const char *full, struct hf_error *err)
{
    long v = 0;
    if (n == 0 || n > 5)
        goto bad;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)p[i]))
            goto bad;
        v = v * 10 + (p[i] - '0');
    }
    if (v < 1 || v > 65535)
        goto bad;
    *port = (int)v;
    return 0;
bad:
    return hf_error_set(err, HF_ERR_OPTION,
                        "option '%s' = '%s': invalid port '%.*s' (expected "
                        "1 to 65535)",
                        key, full, (int)n, p);
}

static bool all_digits(const char *p)
{
    if (*p == '\0')
        return false;
    for (; *p; p++)
        if (!isdigit((unsigned char)*p))
            return false;
    return true;
}

/* host:port, host, [v6]:port, v6, /socket/dir, /socket/dir:port. */
static int parse_endpoint(struct holo_config *c, const char *key, const char *s,
                          struct hf_error *err)
{
    const char *b = s;
    while (isspace((unsigned char)*b))
        b++;
    size_t len = strlen(b);
    while (len > 0 && isspace((unsigned char)b[len - 1]))
        len--;
    if (len == 0)
        return hf_error_set(err, HF_ERR_OPTION,
                            "option '%s' is empty: expected 'host:port' or a "
                            "Unix socket directory",
                            key);
    char *t = strndup(b, len);
    if (t == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    const char *host = t;
    size_t hostlen = len;
    c->port = 0;
    if (t[0] == '/') {
        char *colon = strrchr(t, ':');
        char *slash = strrchr(t, '/');
        if (colon && colon > slash && all_digits(colon + 1)) {
            if (parse_port(colon + 1, strlen(colon + 1), &c->port, key, s,
                           err) != 0)
                goto fail;
            hostlen = (size_t)(colon - t);
        }
    } else if (t[0] == '[') {
        char *close = strchr(t, ']');
        if (close == NULL || close == t + 1) {
            hf_error_set(err, HF_ERR_OPTION,
                         "option '%s' = '%s': expected '[ipv6-address]:port'",
                         key, s);
            goto fail;
        }
        host = t + 1;
        hostlen = (size_t)(close - t - 1);
        if (close[1] == ':') {
            if (parse_port(close + 2, strlen(close + 2), &c->port, key, s,
                           err) != 0)
                goto fail;
        } else if (close[1] != '\0') {
            hf_error_set(err, HF_ERR_OPTION,
                         "option '%s' = '%s': expected '[ipv6-address]:port'",
                         key, s);
            goto fail;
        }
    } else {
        char *colon = strchr(t, ':');
        if (colon && strchr(colon + 1, ':') == NULL) {
            if (parse_port(colon + 1, strlen(colon + 1), &c->port, key, s,
                           err) != 0)
                goto fail;
            hostlen = (size_t)(colon - t);
        }
        /* Two or more ':' without brackets: a bare IPv6 address. */
    }
    if (hostlen == 0) {
        hf_error_set(err, HF_ERR_OPTION,
                     "option '%s' = '%s': the host is missing (expected "
                     "'host:port')",
                     key, s);
        goto fail;
    }
    c->host = strndup(host, hostlen);
    free(t);
    if (c->host == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    return 0;
fail:
    free(t);
    return -1;
}

/* The write mode an explicit legacy switch asks for: sdkMode or
 * jdbcCopyWriteMode. -1 when `key` is not set. */
static int legacy_mode(const struct hf_opts *o, const char *key)
{
    if (!hf_opts_isset(o, key, NULL))
        return -1;
    int v = hf_opts_enum(o, key, NULL);
    if (strcmp(key, "sdkMode") == 0)
        return v == HOLO_SDK_JDBC_COPY ? HOLO_WM_COPY_STREAM : HOLO_WM_INSERT;
    switch (v) {
    case 0: /* false */
        return HOLO_WM_INSERT;
    case 1: /* true: the boolean before 1.4.2.1 meant stream copy */
    case 2:
        return HOLO_WM_COPY_STREAM;
    case 3:
        return HOLO_WM_COPY_BULK_LOAD;
    default:
        return HOLO_WM_COPY_BULK_LOAD_ON_CONFLICT;
    }
}

/* sink.write-mode, sdkMode, jdbcCopyWriteMode and bulkload together: an
 * explicit mode wins over bulkload, which wins over the (generation's)
 * default; two explicit modes must agree. */
static int resolve_write_mode(struct holo_config *c, const struct hf_opts *o,
                              struct hf_error *err)
{
    static const char *const keys[] = {"sink.write-mode", "sdkMode",
                                       "jdbcCopyWriteMode"};
    int mode = -1;
    const char *by = NULL;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        int m = i == 0 ? (hf_opts_isset(o, keys[0], NULL)
                              ? hf_opts_enum(o, keys[0], NULL)
                              : -1)
                       : legacy_mode(o, keys[i]);
        if (m < 0)
            continue;
        if (mode >= 0 && m != mode)
            return hf_error_set(
                err, HF_ERR_OPTION,
                "option '%s' = '%s' (write mode %s) "
                "contradicts '%s' = '%s' (write mode %s); "
                "keep one",
                key_of(o, keys[i]), hf_opts_str(o, keys[i], NULL), wm_names[m],
                key_of(o, by), hf_opts_str(o, by, NULL), wm_names[mode]);
        mode = m;
        by = keys[i];
    }
    if (mode >= 0)
        c->write_mode = (enum holo_write_mode)mode;
    else if (c->bulkload)
        c->write_mode = HOLO_WM_AUTO; /* AUTO of a bounded job */
    else
        c->write_mode =
            (enum holo_write_mode)hf_opts_enum(o, "sink.write-mode", NULL);
    return 0;
}

/* ------------------------------------------------------------ from_opts */

int holo_config_from_opts(struct holo_config *c, const struct hf_opts *o,
                          struct hf_error *err)
{
    memset(c, 0, sizeof *c);
    const char *ep_key = key_of(o, "endpoint");
    const char *endpoint = hf_opts_str(o, "endpoint", NULL);
    const char *tablename = hf_opts_str(o, "tablename", NULL);
    if (endpoint == NULL || tablename == NULL) {
        hf_error_set(err, HF_ERR_OPTION,
                     "the hologres connector needs 'endpoint' and "
                     "'tablename'");
        goto fail;
    }
    if (dup_or_null(&c->endpoint, endpoint, err) != 0 ||
        parse_endpoint(c, ep_key, endpoint, err) != 0 ||
        parse_tablename(c, key_of(o, "tablename"), tablename, err) != 0)
        goto fail;
    if (dup_or_null(&c->dbname, hf_opts_str(o, "dbname", NULL), err) != 0 ||
        dup_or_null(&c->username, hf_opts_str(o, "username", NULL), err) != 0 ||
        dup_or_null(&c->password, hf_opts_str(o, "password", NULL), err) != 0 ||
        dup_or_null(&c->pool_name, hf_opts_str(o, "connection.pool.name", NULL),
                    err) != 0 ||
        dup_or_null(&c->ssl_root_cert,
                    opt_nonempty(o, "connection.ssl.root-cert.location"),
                    err) != 0 ||
        dup_or_null(&c->hg_server_version,
                    opt_nonempty(o, "hologres.server.version"), err) != 0 ||
        dup_or_null(&c->cap_column,
                    opt_nonempty(o, "sink.check-and-put.column"), err) != 0 ||
        dup_or_null(&c->cap_null_as,
                    hf_opts_str(o, "sink.check-and-put.null-as", NULL),
                    err) != 0 ||
        dup_or_null(&c->conflict_update_set,
                    opt_nonempty(o, "sink.insert.conflict-update-set"),
                    err) != 0 ||
        dup_or_null(&c->conflict_where,
                    opt_nonempty(o, "sink.insert.conflict-where"), err) != 0 ||
        dup_or_null(&c->dirty_data_path,
                    opt_nonempty(o, "sink.dirty-data.path"), err) != 0 ||
        dup_or_null(&c->bulk_truncate_part,
                    hf_opts_str(o, "sink.bulk-load.truncate-partition", NULL),
                    err) != 0 ||
        dup_or_null(&c->bulk_record_key,
                    opt_nonempty(o, "sink.bulk-load.commit-record"), err) != 0)
        goto fail;
    c->bulk_truncate = hf_opts_bool(o, "sink.bulk-load.truncate", NULL);
    c->bulk_conns = (int)hf_opts_int(o, "sink.bulk-load.connections", NULL);
    if (c->dbname == NULL || c->dbname[0] == '\0') {
        hf_error_set(err, HF_ERR_OPTION,
                     "option '%s' is empty: name the "
                     "database to connect to",
                     key_of(o, "dbname"));
        goto fail;
    }

    c->pool_size = (int)hf_opts_int(o, "connection.pool.size", NULL);
    c->max_idle_ms = hf_opts_int(o, "connection.max-idle-ms", NULL);
    c->max_alive_ms = hf_opts_int(o, "connection.max-alive-ms", NULL);
    c->ssl_mode =
        (enum holo_ssl_mode)hf_opts_enum(o, "connection.ssl.mode", NULL);
    c->retry_count = (int)hf_opts_int(o, "retry-count", NULL);
    c->retry_sleep_init_ms = hf_opts_int(o, "retry-sleep-init-ms", NULL);
    c->retry_sleep_step_ms = hf_opts_int(o, "retry-sleep-step-ms", NULL);
    c->meta_cache_ttl_ms = hf_opts_int(o, "meta-cache-ttl-ms", NULL);
    /* PostgreSQL takes statement_timeout in ms up to INT_MAX; beyond that
     * (the 000 default is 28800000 s) there is no limit in practice. */
    int64_t st = hf_opts_int(o, "statement-timeout-seconds", NULL);
    c->statement_timeout_ms = st > 0 && st <= INT32_MAX / 1000 ? st * 1000 : 0;

    c->sdk_mode = hf_opts_isset(o, "sdkMode", NULL)
                      ? (enum holo_sdk_mode)hf_opts_enum(o, "sdkMode", NULL)
                      : HOLO_SDK_UNSET;
    c->bulkload = hf_opts_bool(o, "connector.bulkload", NULL);
    if (resolve_write_mode(c, o, err) != 0)
        goto fail;
    c->fixed = hf_opts_bool(o, "connection.fixed.enabled", NULL);
    if (c->sdk_mode == HOLO_SDK_JDBC_FIXED) {
        if (hf_opts_isset(o, "connection.fixed.enabled", NULL) && !c->fixed) {
            hf_error_set(err, HF_ERR_OPTION,
                         "option 'sdkMode' = 'jdbc_fixed' contradicts '%s' = "
                         "'false'; keep one",
                         key_of(o, "connection.fixed.enabled"));
            goto fail;
        }
        c->fixed = true;
    }

    c->on_conflict =
        (enum holo_on_conflict)hf_opts_enum(o, "sink.on-conflict-action", NULL);
    c->delete_strategy = (enum holo_delete_strategy)hf_opts_enum(
        o, "sink.delete-strategy", NULL);
    c->create_missing_partition =
        hf_opts_bool(o, "sink.create-missing-partition", NULL);
    c->partition_router = hf_opts_bool(o, "partitionrouter", NULL);
    c->ignore_null_when_update =
        hf_opts_bool(o, "sink.ignore-null-when-update.enabled", NULL) ||
        hf_opts_bool(o, "sink.ignore-null-when-update-by-expr.enabled", NULL);
    c->default_for_not_null =
        hf_opts_bool(o, "sink.default-for-not-null-column.enabled", NULL);
    c->remove_u0000 =
        hf_opts_bool(o, "sink.remove-u0000-in-text.enabled", NULL);
    c->partial_insert = hf_opts_bool(o, "sink.partial-insert.enabled", NULL);
    c->deduplication = hf_opts_bool(o, "sink.deduplication.enabled", NULL);
    c->aggressive = hf_opts_bool(o, "sink.aggressive.enabled", NULL);
    c->cap_op =
        (enum holo_cap_op)hf_opts_enum(o, "sink.check-and-put.operator", NULL);
    c->batch_size = hf_opts_int(o, "sink.insert.batch-size", NULL);
    c->batch_byte_size = hf_opts_int(o, "sink.insert.batch-byte-size", NULL);
    c->batch_total_byte_size =
        hf_opts_int(o, "sink.insert.batch-total-byte-size", NULL);
    c->flush_interval_ms =
        hf_opts_int(o, "sink.insert.flush-interval-ms", NULL);
    c->copy_format =
        (enum holo_copy_format)hf_opts_enum(o, "sink.copy.format", NULL);
    c->parallelism = (int)hf_opts_int(o, "sink.parallelism", NULL);
    c->reshuffle = hf_opts_bool(
        o, "sink.reshuffle-by-holo-distribution-key.enabled", NULL);
    c->dirty_strategy = (enum holo_dirty_strategy)hf_opts_enum(
        o, "sink.insert.dirty-data-strategy", NULL);
    c->field_delimiter = hf_opts_char(o, "connector.field_delimiter", NULL);
    c->array_delimiter = hf_opts_char(o, "field_delimiter", NULL);
    c->scan_fetch_size = hf_opts_int(o, "source.scan.fetch-size", NULL);
    c->scan_timeout_s = hf_opts_int(o, "source.scan.timeout-seconds", NULL);
    c->scan_idle_txn_s =
        hf_opts_int(o, "jdbcScanTransactionSessionTimeoutSeconds", NULL);
    c->filter_push_down =
        hf_opts_bool(o, "source.filter-push-down.enabled", NULL);
    c->split_count = (int)hf_opts_int(o, "source.scan.split-count", NULL);
    {
        const char *sh = hf_opts_str(o, "source.scan.shard", NULL);
        uint32_t si, sn;
        if (hf_shard_parse(sh, &si, &sn) != 0) {
            hf_error_set(err, HF_ERR_OPTION,
                         "option 'source.scan.shard' = '%s' is not I/N with "
                         "0 <= I < N <= %d",
                         sh, HF_SHARD_MAX);
            goto fail;
        }
        c->shard_index = si;
        c->shard_count = sn;
    }
    if (dup_or_null(&c->scan_query, hf_opts_str(o, "source.scan.query", NULL),
                    err) != 0)
        goto fail;

    const struct hf_opt_val *v =
        hf_opts_get(o, "sink.on-conflict-action", NULL);
    if (v && v->set && v->key_used &&
        dup_or_null(&c->key_on_conflict, v->key_used, err) != 0)
        goto fail;
    v = hf_opts_get(o, "sink.insert.batch-size", NULL);
    if (v && v->set && v->key_used &&
        dup_or_null(&c->key_batch_size, v->key_used, err) != 0)
        goto fail;

    /* Legacy insertOrUpdate=true is INSERT_OR_UPDATE; mutateType, when
     * given, decided in the legacy connector, and here a different action
     * is a contradiction rather than a silent preference. */
    if (hf_opts_bool(o, "insertOrUpdate", NULL)) {
        if (c->key_on_conflict && c->on_conflict != HOLO_OC_UPDATE) {
            hf_error_set(err, HF_ERR_OPTION,
                         "option '%s' = 'true' contradicts '%s' = '%s'; "
                         "keep one",
                         key_of(o, "insertOrUpdate"), c->key_on_conflict,
                         oc_names[c->on_conflict]);
            goto fail;
        }
        c->on_conflict = HOLO_OC_UPDATE;
        if (c->key_on_conflict == NULL &&
            dup_or_null(&c->key_on_conflict, key_of(o, "insertOrUpdate"),
                        err) != 0)
            goto fail;
    }

    /* sink.ignore-delete (legacy ignoredelete) folds into the delete
     * strategy. Set by the job, it must agree with an explicit strategy
     * (a contradiction, not a preference); as a generation's default
     * (000: true) it gives way to an explicit strategy. */
    bool ds_set = hf_opts_isset(o, "sink.delete-strategy", NULL);
    bool ig = hf_opts_bool(o, "sink.ignore-delete", NULL);
    if (hf_opts_isset(o, "sink.ignore-delete", NULL)) {
        const char *ig_key = key_of(o, "sink.ignore-delete");
        if (ds_set && ig != (c->delete_strategy == HOLO_DS_IGNORE_DELETE)) {
            hf_error_set(err, HF_ERR_OPTION,
                         "option '%s' = '%s' contradicts '%s' = '%s'; remove "
                         "'%s' (sink.delete-strategy IGNORE_DELETE is its "
                         "modern form)",
                         ig_key, ig ? "true" : "false",
                         key_of(o, "sink.delete-strategy"),
                         ds_names[c->delete_strategy], ig_key);
            goto fail;
        }
        if (ig)
            c->delete_strategy = HOLO_DS_IGNORE_DELETE;
    } else if (ig && !ds_set) {
        c->delete_strategy = HOLO_DS_IGNORE_DELETE;
    }

    /* An operator without a column would silently do nothing. */
    if (hf_opts_isset(o, "sink.check-and-put.operator", NULL) &&
        c->cap_column == NULL) {
        hf_error_set(err, HF_ERR_OPTION,
                     "option '%s' needs 'sink.check-and-put.column' (the "
                     "column to compare)",
                     key_of(o, "sink.check-and-put.operator"));
        goto fail;
    }
    return 0;
fail:
    holo_config_free(c);
    return -1;
}

/* ------------------------------------------------------------ validate */

/* libpq takes a host that starts with '/' (or '@', Linux's abstract
 * namespace) as a Unix-domain socket; `host` may list several, comma
 * separated. */
static bool host_is_socket(const char *host)
{
    for (const char *p = host; p && *p;) {
        while (*p == ' ')
            p++;
        if (*p == '/' || *p == '@')
            return true;
        p = strchr(p, ',');
        if (p)
            p++;
    }
    return false;
}

int holo_config_check_transport(const struct holo_config *c,
                                struct hf_error *err)
{
    /* prefer and allow (jdbc URLs) fall back to no TLS by definition. */
    if (c->ssl_mode == HOLO_SSL_DISABLE || c->ssl_mode == HOLO_SSL_PREFER ||
        c->ssl_mode == HOLO_SSL_ALLOW || !host_is_socket(c->host))
        return 0;
    return hf_error_set(err, HF_ERR_OPTION,
                        "option 'connection.ssl.mode' = '%s' cannot be "
                        "honoured with 'endpoint' = '%s': that is a "
                        "Unix-domain socket, and libpq never uses TLS over "
                        "a Unix socket, so the connection would be neither "
                        "encrypted nor checked against a certificate; "
                        "connect over TCP ('host:port') to use TLS, or set "
                        "'connection.ssl.mode' = 'disable' for the local "
                        "socket",
                        ssl_names[c->ssl_mode],
                        c->endpoint ? c->endpoint : c->host);
}

static bool is_copy_mode(enum holo_write_mode m)
{
    return m == HOLO_WM_COPY_STREAM || m == HOLO_WM_COPY_BULK_LOAD ||
           m == HOLO_WM_COPY_BULK_LOAD_ON_CONFLICT;
}

static const char *oc_key(const struct holo_config *c)
{
    return c->key_on_conflict ? c->key_on_conflict : "sink.on-conflict-action";
}

static const char *bs_key(const struct holo_config *c)
{
    return c->key_batch_size ? c->key_batch_size : "sink.insert.batch-size";
}

static void column_list(const struct hf_schema *s, char *buf, size_t n)
{
    size_t off = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < s->ncols && off < n; i++) {
        int w = snprintf(buf + off, n - off, "%s%s", i ? ", " : "",
                         s->cols[i].name);
        if (w < 0)
            break;
        off += (size_t)w;
    }
}

int holo_config_validate(const struct holo_config *c, const struct hf_schema *s,
                         struct hf_error *err)
{
    const char *wm = wm_names[c->write_mode];
    bool copy = is_copy_mode(c->write_mode);

    /* Batching. */
    if (c->batch_size < 1)
        return hf_error_set(err, HF_ERR_OPTION,
                            "option '%s' must be at least 1, not %lld",
                            bs_key(c), (long long)c->batch_size);
    if (c->batch_byte_size < 1)
        return hf_error_set(err, HF_ERR_OPTION,
                            "option 'sink.insert.batch-byte-size' must be at "
                            "least 1, not %lld",
                            (long long)c->batch_byte_size);
    if (c->batch_total_byte_size < c->batch_byte_size)
        return hf_error_set(err, HF_ERR_OPTION,
                            "option 'sink.insert.batch-total-byte-size' (%lld) "
                            "must be at least 'sink.insert.batch-byte-size' "
                            "(%lld): the total covers every connection's "
                            "buffer",
                            (long long)c->batch_total_byte_size,
                            (long long)c->batch_byte_size);
    if (c->flush_interval_ms < 1)
        return hf_error_set(err, HF_ERR_OPTION,
                            "option 'sink.insert.flush-interval-ms' must be at "
                            "least 1, not %lld",
                            (long long)c->flush_interval_ms);
    if (c->bulk_conns < 1 || c->bulk_conns > 64)
        return hf_error_set(err, HF_ERR_OPTION,
                            "option 'sink.bulk-load.connections' must be "
                            "between 1 and 64, not %d",
                            c->bulk_conns);
    if (c->pool_size < 1 || c->pool_size > 64)
        return hf_error_set(err, HF_ERR_OPTION,
                            "option 'connection.pool.size' must be between 1 "
                            "and 64, not %d",
                            c->pool_size);

    /* Copy format. */
    if (c->copy_format != HOLO_COPY_BINARY && !copy)
        return hf_error_set(err, HF_ERR_OPTION,
                            "option 'sink.copy.format' = '%s' needs a COPY "
                            "write mode: with 'sink.write-mode' = '%s' only "
                            "'binary' is allowed",
                            copy_names[c->copy_format], wm);

    /* TLS. */
    if ((c->ssl_mode == HOLO_SSL_VERIFY_CA ||
         c->ssl_mode == HOLO_SSL_VERIFY_FULL) &&
        c->ssl_root_cert == NULL)
        return hf_error_set(err, HF_ERR_OPTION,
                            "option 'connection.ssl.mode' = '%s' needs "
                            "'connection.ssl.root-cert.location' (the file of "
                            "the CA certificate that signed the server's "
                            "certificate)",
                            ssl_names[c->ssl_mode]);
    if (c->ssl_root_cert != NULL && access(c->ssl_root_cert, R_OK) != 0)
        return hf_error_set(err, HF_ERR_OPTION,
                            "option 'connection.ssl.root-cert.location': "
                            "cannot read '%s': %s",
                            c->ssl_root_cert, strerror(errno));
    if (holo_config_check_transport(c, err) != 0)
        return -1;

    /* Options that exist only for INSERT (set-based upserts). */
    if (copy) {
        const char *what = NULL;
        if (c->cap_column)
            what = "'sink.check-and-put.column'";
        else if (c->cap_null_as)
            what = "'sink.check-and-put.null-as'";
        else if (c->conflict_update_set)
            what = "'sink.insert.conflict-update-set'";
        else if (c->conflict_where)
            what = "'sink.insert.conflict-where'";
        else if (c->ignore_null_when_update)
            what = "'sink.ignore-null-when-update.enabled' = 'true'";
        if (what)
            return hf_error_set(err, HF_ERR_OPTION,
                                "option %s works only with 'sink.write-mode' "
                                "= 'INSERT' (or AUTO), not '%s'",
                                what, wm);
    }

    /* Check-and-put. */
    if (c->cap_null_as && c->cap_column == NULL)
        return hf_error_set(err, HF_ERR_OPTION,
                            "option 'sink.check-and-put.null-as' needs "
                            "'sink.check-and-put.column' (the column to "
                            "compare)");
    if (c->cap_column) {
        if (c->on_conflict == HOLO_OC_IGNORE)
            return hf_error_set(err, HF_ERR_OPTION,
                                "option 'sink.check-and-put.column' needs "
                                "'%s' to be INSERT_OR_UPDATE or "
                                "INSERT_OR_REPLACE, not INSERT_OR_IGNORE "
                                "(with IGNORE an existing row never changes)",
                                oc_key(c));
        if (c->conflict_where)
            return hf_error_set(err, HF_ERR_OPTION,
                                "options 'sink.check-and-put.column' and "
                                "'sink.insert.conflict-where' cannot be "
                                "combined: both decide whether a stored row "
                                "is updated; keep one");
        if (c->conflict_update_set)
            return hf_error_set(err, HF_ERR_OPTION,
                                "options 'sink.check-and-put.column' and "
                                "'sink.insert.conflict-update-set' cannot be "
                                "combined: check-and-put updates the written "
                                "columns itself; keep one");
        if (c->cap_null_as && (c->cap_op == HOLO_CAP_IS_NULL ||
                               c->cap_op == HOLO_CAP_IS_NOT_NULL))
            return hf_error_set(err, HF_ERR_OPTION,
                                "option 'sink.check-and-put.null-as' has no "
                                "effect with 'sink.check-and-put.operator' = "
                                "'%s'; remove it",
                                cap_names[c->cap_op]);
        if (s != NULL) {
            if (hf_schema_find(s, c->cap_column) < 0) {
                char cols[512];
                column_list(s, cols, sizeof cols);
                return hf_error_set(err, HF_ERR_OPTION,
                                    "option 'sink.check-and-put.column' = "
                                    "'%s' is not a column of the sink table "
                                    "(columns: %s)",
                                    c->cap_column, cols);
            }
            if (s->npk == 0)
                return hf_error_set(err, HF_ERR_OPTION,
                                    "option 'sink.check-and-put.column' needs "
                                    "a primary key: declare PRIMARY KEY (...) "
                                    "NOT ENFORCED in the sink table");
        }
    }

    /* Conflict expressions need a conflict that updates. */
    if (c->on_conflict == HOLO_OC_IGNORE &&
        (c->conflict_update_set || c->conflict_where))
        return hf_error_set(err, HF_ERR_OPTION,
                            "option '%s' needs '%s' to be INSERT_OR_UPDATE "
                            "or INSERT_OR_REPLACE, not INSERT_OR_IGNORE (with "
                            "IGNORE a conflicting row is left alone)",
                            c->conflict_update_set
                                ? "sink.insert.conflict-update-set"
                                : "sink.insert.conflict-where",
                            oc_key(c));

    /* Delete strategies that address rows by key. */
    if ((c->delete_strategy == HOLO_DS_NON_PK_FIELD_TO_NULL ||
         c->delete_strategy == HOLO_DS_DELETE_ROW_ON_PK) &&
        s != NULL && s->npk == 0)
        return hf_error_set(err, HF_ERR_OPTION,
                            "option 'sink.delete-strategy' = '%s' needs a "
                            "primary key: declare PRIMARY KEY (...) NOT "
                            "ENFORCED in the sink table",
                            ds_names[c->delete_strategy]);

    /* Dirty data. */
    if (c->dirty_data_path && c->dirty_strategy != HOLO_DIRTY_SKIP)
        return hf_error_set(err, HF_ERR_OPTION,
                            "option 'sink.dirty-data.path' is used only with "
                            "'sink.insert.dirty-data-strategy' = 'SKIP' (it "
                            "is EXCEPTION: a rejected row fails the job)");
    return 0;
}

void holo_config_free(struct holo_config *c)
{
    if (c == NULL)
        return;
    if (c->password) {
        volatile char *p = c->password;
        while (*p)
            *p++ = '\0';
    }
    free(c->scan_query);
    free(c->endpoint);
    free(c->host);
    free(c->dbname);
    free(c->schema);
    free(c->table);
    free(c->username);
    free(c->password);
    free(c->pool_name);
    free(c->ssl_root_cert);
    free(c->hg_server_version);
    free(c->cap_column);
    free(c->cap_null_as);
    free(c->conflict_update_set);
    free(c->conflict_where);
    free(c->dirty_data_path);
    free(c->bulk_truncate_part);
    free(c->bulk_record_key);
    free(c->key_on_conflict);
    free(c->key_batch_size);
    memset(c, 0, sizeof *c);
}

/* ------------------------------------------------------------ notes */

/* Options accepted without effect. `cloud`: meaningful only on Alibaba
 * Cloud. */
static const struct {
    const char *key;
    bool cloud;
    const char *why;
} inert[] = {
    {"connection.pool.name", false,
     "each holoflow sink owns its connections; pools are not shared by "
     "name"},
    {"connection.direct.enabled", true,
     "direct connections to a Hologres frontend exist only inside Alibaba "
     "Cloud; holoflow connects to 'endpoint' as given"},
    {"connection.akv4.enabled", true,
     "AccessKey v4 signed login is an Alibaba Cloud feature; holoflow "
     "authenticates with the password as the server asks"},
    {"connection.akv4.region", true,
     "AccessKey v4 signed login is an Alibaba Cloud feature; holoflow "
     "authenticates with the password as the server asks"},
    {"serverless-computing.enabled", true,
     "serverless computing is an Alibaba Cloud Hologres feature; holoflow "
     "writes with the instance's own resources"},
    {"serverless-computing.query-priority", true,
     "serverless computing is an Alibaba Cloud Hologres feature; holoflow "
     "writes with the instance's own resources"},
    {"jdbcMetaAutoRefreshFactor", false,
     "holoflow reads the table's metadata when a writer opens, reuses it "
     "for meta-cache-ttl-ms, and never refreshes it in the background"},
    {"partitionrouter", false,
     "rows for a partitioned parent are always routed to its children"},
    {"sink.parallelism", false,
     "holoflow writes over connection.pool.size connections"},
    {"sink.insert.legacy-put-handler", false,
     "holoflow's statements always take one array per column; both forms "
     "write the same rows"},
    {"sink.hold-on-update-before.enabled", false,
     "holoflow always pairs a -U with the +U of its key"},
    {"sink.dirty-data-check.enabled", false,
     "holoflow always checks a row's key and NOT NULL columns before "
     "sending it"},
    {"sink.affect-rows.enabled", false, "holoflow does not use row counts"},
    {"sink.api-version-v2.enabled", false,
     "holoflow has one sink implementation"},
    {"sink.multi-table.datatype-tolerant.enabled", false,
     "a SQL table writes one table, whose column types are checked"},
    {"sink.multi-table.extra-column-tolerant.enabled", false,
     "a job column the table lacks fails the job"},
    {"splitDataSize", false,
     "holoflow sizes batches by sink.insert.batch-byte-size"},
};

void holo_config_notes(const struct hf_opts *o, const struct holo_config *c,
                       void (*fn)(bool warn, const char *text, void *ctx),
                       void *ctx)
{
    char buf[512];
    for (size_t i = 0; i < sizeof inert / sizeof inert[0]; i++) {
        const struct hf_opt_val *v = hf_opts_get(o, inert[i].key, NULL);
        if (v == NULL || !v->set)
            continue;
        snprintf(buf, sizeof buf, "option '%s' = '%s' %s: %s", v->key_used,
                 v->text,
                 inert[i].cloud ? "is for Alibaba Cloud only and has no "
                                  "effect here"
                                : "is accepted without effect",
                 inert[i].why);
        fn(false, buf, ctx);
    }
    if (c->sdk_mode != HOLO_SDK_UNSET) {
        static const char *const what[] = {
            [HOLO_SDK_JDBC] = "write mode INSERT",
            [HOLO_SDK_JDBC_COPY] = "write mode COPY_STREAM",
            [HOLO_SDK_JDBC_FIXED] = "write mode INSERT over fixed connections",
            [HOLO_SDK_RPC] = "write mode INSERT: the RPC write mode is "
                             "retired (Hologres no longer serves it); use "
                             "sdkMode 'jdbc' or sink.write-mode",
        };
        snprintf(buf, sizeof buf, "option '%s' = '%s': %s",
                 key_of(o, "sdkMode"), hf_opts_str(o, "sdkMode", NULL),
                 what[c->sdk_mode]);
        fn(c->sdk_mode == HOLO_SDK_RPC, buf, ctx);
    }
    if (hf_opts_isset(o, "jdbcCopyWriteMode", NULL)) {
        snprintf(buf, sizeof buf, "option '%s' = '%s': write mode %s",
                 key_of(o, "jdbcCopyWriteMode"),
                 hf_opts_str(o, "jdbcCopyWriteMode", NULL),
                 wm_names[legacy_mode(o, "jdbcCopyWriteMode")]);
        fn(false, buf, ctx);
    }
    if (hf_opts_bool(o, "insertOrUpdate", NULL)) {
        snprintf(buf, sizeof buf,
                 "option '%s' = 'true': sink.on-conflict-action "
                 "INSERT_OR_UPDATE",
                 key_of(o, "insertOrUpdate"));
        fn(false, buf, ctx);
    }
    const struct hf_opt_val *ig = hf_opts_get(o, "sink.ignore-delete", NULL);
    if (ig && ig->v.b && c->delete_strategy == HOLO_DS_IGNORE_DELETE) {
        if (ig->set)
            snprintf(buf, sizeof buf,
                     "option '%s' = 'true': sink.delete-strategy "
                     "IGNORE_DELETE (-U and -D rows are dropped)",
                     ig->key_used);
        else
            snprintf(buf, sizeof buf,
                     "sink.ignore-delete is true by default in generation "
                     "%s: sink.delete-strategy IGNORE_DELETE (-U and -D rows "
                     "are dropped; set 'ignoredelete' = 'false' to apply "
                     "them)",
                     ig->gen ? ig->gen : "?");
        /* Dropping changes by a generation's default is worth a warning;
         * asked for by name, a note. */
        fn(!ig->set, buf, ctx);
    }
    if (c->fixed) {
        snprintf(buf, sizeof buf,
                 "fixed connections (%s): on Hologres INSERT's write "
                 "connections ask for a fixed frontend (type=fixed; COPY "
                 "and the catalog use plain ones); PostgreSQL has none, so "
                 "it gets plain connections",
                 c->sdk_mode == HOLO_SDK_JDBC_FIXED
                     ? "sdkMode 'jdbc_fixed'"
                     : key_of(o, "connection.fixed.enabled"));
        fn(false, buf, ctx);
    }
    if (c->reshuffle) {
        snprintf(buf, sizeof buf,
                 "option '%s': on Hologres rows go to the sink's connections "
                 "by the table's distribution key; PostgreSQL has no "
                 "distribution key, so there they go by primary key",
                 key_of(o, "sink.reshuffle-by-holo-distribution-key.enabled"));
        fn(false, buf, ctx);
    }
    int64_t st = hf_opts_int(o, "statement-timeout-seconds", NULL);
    if (st > 0 && c->statement_timeout_ms == 0) {
        snprintf(buf, sizeof buf,
                 "statement-timeout-seconds = %lld is beyond the server's "
                 "limit (about 24.8 days): no statement timeout",
                 (long long)st);
        fn(false, buf, ctx);
    }
}
