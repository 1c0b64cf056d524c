/*
 * test_holo_spellings.c - every sink option spelling of every generation
 * of the Hologres connector, against holoflow's option table.
 *
 * The table `facts` below is transcribed from the seeds (000_*, 001_*,
 * 002_*) and from ../shared/reference/hologres-connectors.md section 3
 * (the open-source connector's option list at its head, its legacy list
 * of the flink-1.15/1.17 branch, and the VVR names it records). Each row
 * is a fact about a real connector, not about holoflow: the spelling, the
 * option of holoflow it must mean, the generation it belongs to, and the
 * default the source documents. For every row the test checks that the
 * spelling parses, lands on that canonical option with that generation,
 * makes the table's options that generation, shows its default in the
 * text of `holoflow options hologres`, and that a table of that
 * generation which leaves the option unset gets exactly that default.
 *
 * Where the open-source head and 002_* document different defaults under
 * one spelling (connection.pool.size 3 vs 5, sink.write-mode INSERT vs
 * AUTO, ...), a table cannot tell which it was written for; holoflow takes
 * 002_*'s, and the row cites 002_*. Where 000_*'s table and the legacy
 * code the reference lists disagree (ignoredelete: false in 000_*'s
 * table, true in the legacy list), the reference's list is transcribed:
 * it is what the connector did.
 *
 * Then what the legacy switches mean (sdkMode, jdbcCopyWriteMode,
 * insertOrUpdate, bulkLoad, ignoreDelete), the defaults whole tables of
 * each generation keep, the explain text, the notes for options accepted
 * without effect, the distribution-key and array-delimiter helpers.
 */
#define _GNU_SOURCE /* strcasestr */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/opt.h"
#include "connectors/hologres/holo_catalog.h"
#include "connectors/hologres/holo_config.h"
#include "connectors/hologres/holo_dist.h"
#include "connectors/hologres/holo_encode.h"
#include "core/log.h"

/* The facts are one row per line, which clang-format would reflow. */
/* clang-format off */

#define CUR NULL /* a current (002_* / open-source head) name */

struct fact {
    const char *spelling;  /* as the source writes it */
    const char *canonical; /* holoflow's option it sets */
    const char *gen;       /* generation of the spelling, CUR = current */
    const char *table_gen; /* generation whose default `def` is */
    const char *value;     /* a valid value */
    const char *def;       /* documented default; NULL = none given */
    const char *source;
};

static const struct fact facts[] = {
    /* ---- 000_*: open source Flink 1.11 */
    {"mutatetype", "sink.on-conflict-action", "000", "000", "insertorupdate", "insertorignore", "000_*"},
    {"ignoredelete", "sink.ignore-delete", "000", "000", "false", "true", "ref 3.2 legacy (000_* table: false)"},
    {"partitionrouter", "partitionrouter", "000", "000", "true", "false", "000_*"},
    {"createparttable", "sink.create-missing-partition", "000", "000", "true", "false", "000_*"},
    {"connectionSize", "connection.pool.size", "000", "000", "4", "3", "000_*"},
    {"jdbcWriteBatchSize", "sink.insert.batch-size", "000", "000", "64", "256", "000_*"},
    {"jdbcWriteFlushInterval", "sink.insert.flush-interval-ms", "000", "000", "1000", "10000", "000_*"},
    /* ---- 001_*: connector.* */
    {"connector.database", "dbname", "001", "001", "db1", NULL, "001_*"},
    {"connector.table", "tablename", "001", "001", "t1", NULL, "001_*"},
    {"connector.username", "username", "001", "001", "u1", NULL, "001_*"},
    {"connector.password", "password", "001", "001", "p1", NULL, "001_*"},
    {"connector.endpoint", "endpoint", "001", "001", "h:1", NULL, "001_*"},
    {"connector.bulkload", "connector.bulkload", "001", "001", "true", "false", "001_*"},
    {"connector.field_delimiter", "connector.field_delimiter", "001", "001", "|", "\\u0002", "001_*"},
    {"connector.upsert_type", "sink.on-conflict-action", "001", "001", "insertorreplace", "insertorignore", "001_*"},
    {"connector.partition_router", "partitionrouter", "001", "001", "true", "false", "001_*"},
    {"connector.partitionRouter", "partitionrouter", "001", "001", "true", "false", "001_*"},
    /* ---- reference 3.2, legacy list (flink-1.15/1.17 branch) */
    {"connectionPoolName", "connection.pool.name", "000", "000", "pool1", NULL, "ref 3.2 legacy"},
    {"fixedConnectionMode", "connection.fixed.enabled", "000", "000", "true", "false", "ref 3.2 legacy"},
    {"jdbcDirectConnect", "connection.direct.enabled", "000", "000", "true", "false", "ref 3.2 legacy"},
    {"jdbcRetryCount", "retry-count", "000", "000", "3", "10", "ref 3.2 legacy"},
    {"jdbcRetrySleepInitMs", "retry-sleep-init-ms", "000", "000", "10", "1000", "ref 3.2 legacy"},
    {"jdbcRetrySleepStepMs", "retry-sleep-step-ms", "000", "000", "10", "5000", "ref 3.2 legacy"},
    {"jdbcConnectionMaxIdleMs", "connection.max-idle-ms", "000", "000", "1000", "60000", "ref 3.2 legacy"},
    {"jdbcMetaCacheTTL", "meta-cache-ttl-ms", "000", "000", "1000", "60000", "ref 3.2 legacy"},
    {"jdbcMetaAutoRefreshFactor", "jdbcMetaAutoRefreshFactor", "000", "000", "4", "-1", "ref 3.2 legacy"},
    {"jdbcWriteBatchByteSize", "sink.insert.batch-byte-size", "000", "000", "1048576", "2097152", "ref 3.2 legacy"},
    {"jdbcWriteBatchTotalByteSize", "sink.insert.batch-total-byte-size", "000", "000", "41943040", "20971520", "ref 3.2 legacy"},
    {"jdbcUseLegacyPutHandler", "sink.insert.legacy-put-handler", "000", "000", "true", "false", "ref 3.2 legacy"},
    {"jdbcEnableDefaultForNotNullColumn", "sink.default-for-not-null-column.enabled", "000", "000", "false", "true", "ref 3.2 legacy"},
    {"remove-u0000-in-text.enabled", "sink.remove-u0000-in-text.enabled", "000", "000", "false", "true", "ref 3.2 legacy"},
    {"deduplication.enabled", "sink.deduplication.enabled", "000", "000", "false", "true", "ref 3.2 legacy"},
    {"aggressive.enabled", "sink.aggressive.enabled", "000", "000", "true", "false", "ref 3.2 legacy"},
    {"affect-rows.enabled", "sink.affect-rows.enabled", "000", "000", "false", "true", "ref 3.2 legacy"},
    {"check-and-put.column", "sink.check-and-put.column", "000", "000", "price", NULL, "ref 3.2 legacy"},
    {"check-and-put.operator", "sink.check-and-put.operator", "000", "000", "LESS", "GREATER", "ref 3.2 legacy"},
    {"check-and-put.null-as", "sink.check-and-put.null-as", "000", "000", "0", NULL, "ref 3.2 legacy"},
    {"hold-on-update-before.enabled", "sink.hold-on-update-before.enabled", "000", "000", "true", "false", "ref 3.2 legacy"},
    {"jdbcCopyWriteMode", "jdbcCopyWriteMode", "000", "000", "BULK_LOAD", NULL, "ref 3.2 legacy"},
    {"jdbcCopyWriteFormat", "sink.copy.format", "000", "000", "text", "binary", "ref 3.2 legacy"},
    {"bulkLoad", "connector.bulkload", "000", "000", "true", "false", "ref 3.2 legacy"},
    {"reshuffle-by-holo-distribution-key.enabled", "sink.reshuffle-by-holo-distribution-key.enabled", "000", "000", "true", "false", "ref 3.2 legacy"},
    {"mutateType", "sink.on-conflict-action", "000", "000", "insertOrReplace", "insertOrIgnore", "ref 3.2 legacy"},
    {"insertOrUpdate", "insertOrUpdate", "000", "000", "true", "false", "ref 3.2 legacy"},
    {"createPartTable", "sink.create-missing-partition", "000", "000", "true", "false", "ref 3.2 legacy"},
    {"ignoreDelete", "sink.ignore-delete", "000", "000", "false", "true", "ref 3.2 legacy"},
    {"ignoreNullWhenUpdate", "sink.ignore-null-when-update.enabled", "000", "000", "true", "false", "ref 3.2 legacy"},
    {"splitDataSize", "splitDataSize", "000", "000", "1024", "262144", "ref 3.2 legacy"},
    {"field_delimiter", "field_delimiter", "000", "000", ",", "\\u0002", "ref 3.2 legacy"},
    {"arrayDelimiter", "field_delimiter", "000", "000", ",", "\\u0002", "ref 3.2 legacy"},
    {"sink.error-handler", "sink.insert.dirty-data-strategy", "000", "000", "SKIP", "EXCEPTION", "ref 3.2 legacy"},
    {"statement-timeout-seconds", "statement-timeout-seconds", CUR, "000", "60", "28800000", "ref 3.2 legacy"},
    {"serverless-computing.enabled", "serverless-computing.enabled", CUR, "000", "true", "false", "ref 3.2 legacy"},
    {"serverless-computing-query-priority", "serverless-computing.query-priority", "000", "000", "5", "3", "ref 3.2 legacy"},
    /* ---- source (bounded scan): reference 3.2 (open-source head and
     * legacy list), cdc-source-lookup.md 3.2 (VVR 8) and 3.3 (VVR 11,
     * whose defaults the current names take where the head differs:
     * fetch size 256 there, timeout 28800) */
    {"source.scan.fetch-size", "source.scan.fetch-size", CUR, CUR, "100", "512", "cdc ref 3.3 VVR 11"},
    {"jdbcScanFetchSize", "source.scan.fetch-size", "000", "000", "100", "256", "ref 3.2 legacy, cdc ref 3.2"},
    {"source.scan.timeout-seconds", "source.scan.timeout-seconds", CUR, CUR, "30", "60", "cdc ref 3.3 VVR 11"},
    {"jdbcScanTimeoutSeconds", "source.scan.timeout-seconds", "000", "000", "30", "256", "ref 3.2 legacy"},
    {"jdbcScanTransactionSessionTimeoutSeconds", "jdbcScanTransactionSessionTimeoutSeconds", "000", "000", "30", "600", "cdc ref 3.2 VVR 8"},
    {"source.filter-push-down.enabled", "source.filter-push-down.enabled", CUR, CUR, "true", "false", "ref 3.2"},
    {"source.scan.filter-push-down.enabled", "source.filter-push-down.enabled", CUR, CUR, "true", "false", "cdc ref 3.3 VVR 11"},
    {"enable_filter_push_down", "source.filter-push-down.enabled", "000", "000", "true", "false", "cdc ref 3.2 VVR 8"},
    {"source.scan.split-count", "source.scan.split-count", CUR, CUR, "4", NULL, "ref 3.2 (PR #99), 4.2"},
    {"source.scan.query", "source.scan.query", CUR, CUR, "SELECT 1 AS a", NULL, "holoflow (DataX querySql)"},
    /* ---- reference 3.2 / VVR names */
    {"sdkMode", "sdkMode", "000", "000", "jdbc_copy", NULL, "ref 3.2 VVR"},
    {"connection.fixed.enabled", "connection.fixed.enabled", CUR, CUR, "true", NULL, "issue 16 (VVR); 002_* connection_fixed None"},
    {"sink.delete-strategy", "sink.delete-strategy", CUR, CUR, "IGNORE_DELETE", "CHANGELOG_STANDARD", "ref 3.2 VVR, 002_*"},
    /* ---- reference 3.2, open-source head (defaults of 002_* where both
     * document one) */
    {"connection.fixed", "connection.fixed.enabled", CUR, CUR, "true", NULL, "ref 3.2"},
    {"connection.direct", "connection.direct.enabled", CUR, CUR, "true", "false", "ref 3.2"},
    {"connection.ssl.mode", "connection.ssl.mode", CUR, CUR, "require", "disable", "ref 3.2, 002_*"},
    {"connection.ssl.root-cert.location", "connection.ssl.root-cert.location", CUR, CUR, "/dev/null", NULL, "ref 3.2, 002_*"},
    {"connection.akv4.enabled", "connection.akv4.enabled", CUR, CUR, "true", "false", "ref 3.2"},
    {"connection.akv4.region", "connection.akv4.region", CUR, CUR, "cn-hangzhou", NULL, "ref 3.2"},
    {"statement-timeout-seconds", "statement-timeout-seconds", CUR, CUR, "60", "28800", "ref 3.2"},
    {"serverless-computing.enabled", "serverless-computing.enabled", CUR, CUR, "true", "false", "ref 3.2, 002_*"},
    {"serverless-computing.query-priority", "serverless-computing.query-priority", CUR, CUR, "5", "3", "ref 3.2"},
    {"connection.meta-cache-ttl-ms", "meta-cache-ttl-ms", CUR, CUR, "1000", "600000", "ref 3.2 (002_*'s 600000)"},
    {"sink.api-version-v2.enabled", "sink.api-version-v2.enabled", CUR, CUR, "true", "false", "ref 3.2"},
    {"sink.ignore-delete", "sink.ignore-delete", CUR, CUR, "true", "false", "ref 3.2 (002_*: CHANGELOG_STANDARD)"},
    {"sink.affect-rows.enabled", "sink.affect-rows.enabled", CUR, CUR, "true", "false", "ref 3.2"},
    {"sink.insert.legacy-put-handler", "sink.insert.legacy-put-handler", CUR, CUR, "true", "false", "ref 3.2"},
    {"sink.hold-on-update-before.enabled", "sink.hold-on-update-before.enabled", CUR, CUR, "true", "false", "ref 3.2"},
    {"sink.dirty-data-check.enabled", "sink.dirty-data-check.enabled", CUR, CUR, "false", "true", "ref 3.2"},
    {"sink.multi-table.datatype-tolerant.enabled", "sink.multi-table.datatype-tolerant.enabled", CUR, CUR, "true", "false", "ref 3.2"},
    {"sink.multi-table.extra-column-tolerant.enabled", "sink.multi-table.extra-column-tolerant.enabled", CUR, CUR, "true", "false", "ref 3.2"},
    {"sink.reshuffle-by-holo-distribution-key.enabled", "sink.reshuffle-by-holo-distribution-key.enabled", CUR, CUR, "true", "false", "ref 3.2"},
    {"sink.insert.dirty-data-strategy", "sink.insert.dirty-data-strategy", CUR, CUR, "SKIP", "EXCEPTION", "ref 3.2"},
    /* ---- 002_*: DataFrame.write_hologres and its extra_options */
    {"endpoint", "endpoint", CUR, CUR, "h:1", NULL, "002_*"},
    {"dbname", "dbname", CUR, CUR, "db1", NULL, "002_*"},
    {"tablename", "tablename", CUR, CUR, "t1", NULL, "002_*"},
    {"username", "username", CUR, CUR, "u1", NULL, "002_*"},
    {"password", "password", CUR, CUR, "p1", NULL, "002_*"},
    {"connection.pool.size", "connection.pool.size", CUR, CUR, "4", "5", "002_*"},
    {"connection.pool.name", "connection.pool.name", CUR, CUR, "pool1", "default", "002_*"},
    {"connection.max-idle-ms", "connection.max-idle-ms", CUR, CUR, "1000", "60000", "002_*"},
    {"retry-count", "retry-count", CUR, CUR, "3", "10", "002_*"},
    {"retry-sleep-step-ms", "retry-sleep-step-ms", CUR, CUR, "10", "5000", "002_*"},
    {"meta-cache-ttl-ms", "meta-cache-ttl-ms", CUR, CUR, "1000", "600000", "002_*"},
    {"sink.write-mode", "sink.write-mode", CUR, CUR, "COPY_STREAM", "AUTO", "002_*"},
    {"sink.on-conflict-action", "sink.on-conflict-action", CUR, CUR, "INSERT_OR_IGNORE", "INSERT_OR_UPDATE", "002_*"},
    {"sink.create-missing-partition", "sink.create-missing-partition", CUR, CUR, "false", "true", "002_*"},
    {"sink.ignore-null-when-update.enabled", "sink.ignore-null-when-update.enabled", CUR, CUR, "true", "false", "002_*"},
    {"sink.ignore-null-when-update-by-expr.enabled", "sink.ignore-null-when-update-by-expr.enabled", CUR, CUR, "true", "false", "002_*"},
    {"sink.default-for-not-null-column.enabled", "sink.default-for-not-null-column.enabled", CUR, CUR, "false", "true", "002_*"},
    {"sink.remove-u0000-in-text.enabled", "sink.remove-u0000-in-text.enabled", CUR, CUR, "false", "true", "002_*"},
    {"sink.partial-insert.enabled", "sink.partial-insert.enabled", CUR, CUR, "true", "false", "002_*"},
    {"sink.deduplication.enabled", "sink.deduplication.enabled", CUR, CUR, "false", "true", "002_*"},
    {"sink.aggressive.enabled", "sink.aggressive.enabled", CUR, CUR, "true", "false", "002_*"},
    {"sink.check-and-put.column", "sink.check-and-put.column", CUR, CUR, "price", NULL, "002_*"},
    {"sink.check-and-put.operator", "sink.check-and-put.operator", CUR, CUR, "LESS", "GREATER", "002_*"},
    {"sink.check-and-put.null-as", "sink.check-and-put.null-as", CUR, CUR, "0", NULL, "002_*"},
    {"sink.insert.batch-size", "sink.insert.batch-size", CUR, CUR, "64", "512", "002_*"},
    {"sink.insert.batch-byte-size", "sink.insert.batch-byte-size", CUR, CUR, "1048576", "2097152", "002_*"},
    {"sink.insert.batch-total-byte-size", "sink.insert.batch-total-byte-size", CUR, CUR, "41943040", "20971520", "ref 3.2"},
    {"sink.insert.flush-interval-ms", "sink.insert.flush-interval-ms", CUR, CUR, "1000", "10000", "002_*"},
    {"sink.copy.format", "sink.copy.format", CUR, CUR, "text", "binary", "002_*"},
    {"sink.insert.conflict-update-set", "sink.insert.conflict-update-set", CUR, CUR, "n = excluded.n", NULL, "002_*"},
    {"sink.insert.conflict-where", "sink.insert.conflict-where", CUR, CUR, "old.n < excluded.n", NULL, "002_*"},
    {"sink.parallelism", "sink.parallelism", CUR, CUR, "4", NULL, "002_*"},
    {"connection.direct.enabled", "connection.direct.enabled", CUR, CUR, "true", "false", "002_* extra_options"},
    {"connection.max-alive-ms", "connection.max-alive-ms", CUR, CUR, "1000", "3600000", "002_* extra_options (holo-client 1.2)"},
    {"hologres.server.version", "hologres.server.version", CUR, CUR, "3.1", NULL, "002_* extra_options"},
    /* ---- cdc-source-lookup.md 3.2 (VVR 8) and 3.3 (VVR 11): the binlog
     * source; 2.1 (Flink CDC postgres-cdc / Debezium) for slot and
     * publication names */
    {"source.binlog", "source.binlog", CUR, CUR, "false", "true", "cdc ref 3.3 (VVR 11)"},
    {"source.binlog", "source.binlog", CUR, "001", "true", "false", "cdc ref 3.3: connector.* had no binlog"},
    {"binlog", "source.binlog", "000", "000", "true", "false", "cdc ref 3.2 (VVR 8)"},
    {"property-version", "property-version", "000", "000", "1", NULL, "cdc ref 3.2"},
    {"source.binlog.change-log-mode", "source.binlog.change-log-mode", CUR, CUR, "ALL", "UPSERT", "cdc ref 3.3"},
    {"source.binlog.change-log-mode", "source.binlog.change-log-mode", CUR, "000", "ALL", "ALL_AS_APPEND_ONLY", "cdc ref 3.3 mapping of cdcMode=false"},
    {"cdcMode", "cdcMode", "000", "000", "true", "false", "cdc ref 3.2"},
    {"upsertSource", "upsertSource", "000", "000", "true", "false", "cdc ref 3.2"},
    {"source.binlog.startup-mode", "source.binlog.startup-mode", CUR, CUR, "EARLIEST_OFFSET", "INITIAL", "cdc ref 3.3"},
    {"binlogStartupMode", "source.binlog.startup-mode", "000", "000", "initial", "earliestOffset", "cdc ref 3.2"},
    {"startTime", "startTime", CUR, CUR, "2024-01-01 00:00:00", NULL, "cdc ref 3.2/3.3"},
    {"slot.name", "slot.name", CUR, CUR, "s1", NULL, "cdc ref 2.1 (postgres-cdc)"},
    {"jdbcBinlogSlotName", "slot.name", "000", "000", "s1", NULL, "cdc ref 3.2"},
    {"publication.name", "publication.name", CUR, CUR, "p1", NULL, "cdc ref 2.1 (Debezium publication.name)"},
    {"source.binlog.batch-size", "source.binlog.batch-size", CUR, CUR, "64", "512", "cdc ref 3.3"},
    {"binlogBatchReadSize", "source.binlog.batch-size", "000", "000", "64", "100", "cdc ref 3.2, open question 4"},
    {"binlogMaxRetryTimes", "binlogMaxRetryTimes", "000", "000", "3", "60", "cdc ref 3.2"},
    {"binlogRetryIntervalMs", "binlogRetryIntervalMs", "000", "000", "10", "2000", "cdc ref 3.2"},
    {"source.binlog.request-timeout-ms", "source.binlog.request-timeout-ms", CUR, CUR, "60000", "300000", "cdc ref 3.3"},
    {"source.binlog.status-interval", "source.binlog.status-interval", CUR, CUR, "5s", "10s", "holoflow (pg_recvlogical's 10 s, cdc ref 1.4)"},
    {"source.binlog.read-mode", "source.binlog.read-mode", CUR, CUR, "JDBC", "AUTO", "cdc ref 3.3"},
    {"source.binlog.partition-binlog-mode", "source.binlog.partition-binlog-mode", CUR, CUR, "DISABLE", "DISABLE", "cdc ref 3.3"},
    {"partition-binlog.mode", "source.binlog.partition-binlog-mode", "000", "000", "DISABLE", "DISABLE", "cdc ref 3.2"},
    {"source.binlog.partition-binlog-lateness-timeout-minutes", "source.binlog.partition-binlog-lateness-timeout-minutes", CUR, CUR, "30", "60", "cdc ref 3.3"},
    {"partition-binlog-lateness-timeout-minutes", "source.binlog.partition-binlog-lateness-timeout-minutes", "000", "000", "30", "60", "cdc ref 3.2"},
    {"source.binlog.partition-values-to-read", "source.binlog.partition-values-to-read", CUR, CUR, "a,b", NULL, "cdc ref 3.3"},
    {"partition-values-to-read", "source.binlog.partition-values-to-read", "000", "000", "a,b", NULL, "cdc ref 3.2"},
    {"source.binlog.project-columns.enabled", "source.binlog.project-columns.enabled", CUR, CUR, "true", "false", "cdc ref 3.3"},
    {"source.binlog.compression.enabled", "source.binlog.compression.enabled", CUR, CUR, "true", "false", "cdc ref 3.3"},
    {"source.binlog.filter-push-down.enabled", "source.binlog.filter-push-down.enabled", CUR, CUR, "true", "false", "cdc ref 3.3"},
    /* ---- lookup tables: ref 3.2 (open-source head), cdc-source-lookup.md
     * 5.2 (Flink LookupOptions) and 5.4 (generations) */
    {"lookup.async", "lookup.async", CUR, CUR, "true", "false", "ref 3.2 README (the code says true)"},
    {"async", "lookup.async", "000", "000", "true", "false", "cdc ref 5.4 (VVR 8)"},
    {"lookup.read.batch-size", "lookup.read.batch-size", CUR, CUR, "64", "128", "ref 3.2 / cdc ref 5.4 (open source 1.6)"},
    {"jdbcReadBatchSize", "lookup.read.batch-size", "000", "000", "64", "128", "cdc ref 5.4 (VVR 8)"},
    {"lookup.read.batch-queue-size", "lookup.read.batch-queue-size", CUR, CUR, "16", "256", "ref 3.2"},
    {"jdbcReadBatchQueueSize", "lookup.read.batch-queue-size", "000", "000", "16", "256", "cdc ref 5.4 (VVR 8)"},
    {"lookup.max-retries", "lookup.max-retries", CUR, CUR, "5", "3", "cdc ref 5.2 (Flink LookupOptions)"},
    {"jdbcReadRetryCount", "lookup.max-retries", "000", "000", "5", "10", "cdc ref 5.4 (VVR 8)"},
    {"lookup.cache", "lookup.cache", CUR, CUR, "PARTIAL", "NONE", "cdc ref 5.2"},
    {"lookup.partial-cache.max-rows", "lookup.partial-cache.max-rows", CUR, CUR, "100", NULL, "cdc ref 5.2"},
    {"sink.bulk-load.truncate", "sink.bulk-load.truncate", CUR, CUR, "true", "false", "holoflow (holoflow sync's truncate, atomic in the load)"},
    {"sink.bulk-load.truncate-partition", "sink.bulk-load.truncate-partition", CUR, CUR, "20261203", NULL, "holoflow (holoflow sync's truncate of one partition)"},
    {"sink.bulk-load.connections", "sink.bulk-load.connections", CUR, CUR, "4", "1", "holoflow (holoflow sync's load connections, all-or-nothing)"},
    {"sink.bulk-load.commit-record", "sink.bulk-load.commit-record", CUR, CUR, "sync-0123456789abcdef0123456789abcdef", NULL, "holoflow (holoflow sync --resume: the load record committed with the rows)"},
    {"source.scan.shard", "source.scan.shard", CUR, CUR, "1/2", NULL, "holoflow (holoflow sync --shard)"},
    {"lookup.partial-cache.max-bytes", "lookup.partial-cache.max-bytes", CUR, CUR, "1mb", "64mb", "holoflow (memory bound of the cache)"},
    {"lookup.partial-cache.expire-after-write", "lookup.partial-cache.expire-after-write", CUR, CUR, "10s", NULL, "cdc ref 5.2"},
    {"lookup.partial-cache.expire-after-access", "lookup.partial-cache.expire-after-access", CUR, CUR, "10s", NULL, "cdc ref 5.2"},
    {"lookup.partial-cache.cache-missing-key", "lookup.partial-cache.cache-missing-key", CUR, CUR, "false", "true", "cdc ref 5.2"},
    {"lookup.full-cache.periodic-reload.interval", "lookup.full-cache.periodic-reload.interval", CUR, CUR, "1h", NULL, "cdc ref 5.2"},
    {"cache", "cache", "000", "000", "LRU", "None", "cdc ref 5.4"},
    {"cacheSize", "cachesize", "000", "000", "100", "10000", "cdc ref 5.4 (VVR 8)"},
    {"cachettlms", "cachettlms", "000", "000", "1000", NULL, "cdc ref 5.4 (open source 1.15/1.17)"},
    {"cacheEmpty", "cacheempty", "000", "000", "false", "true", "cdc ref 5.4 (VVR 8)"},
};
#define NFACTS (sizeof facts / sizeof facts[0])

/* ------------------------------------------------------------ helpers */

#define MAXKV 16

struct parsed {
    struct hf_kv kvs[MAXKV];
    size_t nkv;
    struct hf_opts opts;
    struct holo_config cfg;
    struct hf_error err;
    int rc; /* 0 ok, -1 parse, -2 unclaimed key, -3 from_opts */
};

/* Parse (key, value, ..., NULL) as the planner would. */
static void parse(struct parsed *p, const char *const *kv)
{
    memset(p, 0, sizeof *p);
    hf_error_clear(&p->err);
    for (size_t i = 0; kv[i] && kv[i + 1]; i += 2) {
        assert_true(p->nkv < MAXKV);
        p->kvs[p->nkv].key = (char *)kv[i];
        p->kvs[p->nkv].value = (char *)kv[i + 1];
        p->nkv++;
    }
    if (hf_opts_parse(&p->opts, "connector 'hologres'", "", hf_holo_opt_defs,
                      hf_holo_opt_ndefs, p->kvs, p->nkv, &p->err) != 0) {
        p->rc = -1;
        return;
    }
    const struct hf_opts *t[1] = {&p->opts};
    if (hf_opts_check_unclaimed(p->kvs, p->nkv, "connector 'hologres'", t, 1,
                                &p->err) != 0) {
        p->rc = -2;
        return;
    }
    if (holo_config_from_opts(&p->cfg, &p->opts, &p->err) != 0)
        p->rc = -3;
}

static void parsed_free(struct parsed *p)
{
    holo_config_free(&p->cfg);
    hf_opts_free(&p->opts);
}

static const char *const required[] = {"endpoint", "dbname", "tablename",
                                       "username", "password"};
static const char *const required_val[] = {"10.0.0.1:80", "db", "t", "u",
                                           "secret"};

/* A table: the required options (each under `spell001[i]` when `g001`),
 * minus `skip`, plus the pairs of `extra` (NULL-terminated). */
static void table_kv(const char **kv, bool g001, const char *skip,
                     const char *const *extra)
{
    static const char *const spell001[] = {
        "connector.endpoint", "connector.database", "connector.table",
        "connector.username", "connector.password"};
    size_t n = 0;
    for (size_t i = 0; i < 5; i++) {
        if (skip && strcmp(required[i], skip) == 0)
            continue;
        kv[n++] = g001 ? spell001[i] : required[i];
        kv[n++] = required_val[i];
    }
    for (size_t i = 0; extra && extra[i]; i++)
        kv[n++] = extra[i];
    kv[n] = NULL;
}

/* Values equal as the option engine compares enums: ignoring case, '_'
 * and '-'. */
static bool same_value(const char *a, const char *b)
{
    for (;;) {
        while (*a == '_' || *a == '-')
            a++;
        while (*b == '_' || *b == '-')
            b++;
        if (*a == '\0' || *b == '\0')
            return *a == *b;
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
        a++;
        b++;
    }
}

static bool same_gen(const char *a, const char *b)
{
    return (a == NULL || b == NULL) ? a == b : strcmp(a, b) == 0;
}

static const struct hf_opt_def *def_of(const char *key)
{
    for (size_t i = 0; i < hf_holo_opt_ndefs; i++)
        if (strcmp(hf_holo_opt_defs[i].key, key) == 0)
            return &hf_holo_opt_defs[i];
    fail_msg("'%s' is not a canonical option of the hologres table", key);
    return NULL;
}

/* The block of `holoflow options hologres` for option `key`. */
static char *doc_block(const char *text, const char *key)
{
    char head[160];
    snprintf(head, sizeof head, "\n  %s  (", key);
    const char *b = strstr(text, head);
    if (b == NULL)
        return NULL;
    b++;
    const char *e = b + 1;
    while ((e = strchr(e, '\n')) != NULL && strncmp(e + 1, "      ", 6) == 0)
        e++;
    return strndup(b, e ? (size_t)(e - b) : strlen(b));
}

/* Companions a value needs to resolve: check-and-put options other than
 * the column need the column. */
static const char *const *companions(const struct fact *f)
{
    static const char *const cap[] = {"sink.check-and-put.column", "price",
                                      NULL};
    if (strncmp(f->canonical, "sink.check-and-put.", 19) == 0 &&
        strcmp(f->canonical, "sink.check-and-put.column") != 0)
        return cap;
    return NULL;
}

/* ------------------------------------------------------------ the table */

static void test_every_spelling(void **state)
{
    (void)state;
    struct hf_strbuf doc;
    hf_strbuf_init(&doc, 0);
    hf_opt_doc_text("Connector `hologres`", "-", "", hf_holo_opt_defs,
                    hf_holo_opt_ndefs, &doc);
    for (size_t i = 0; i < NFACTS; i++) {
        const struct fact *f = &facts[i];
        const struct hf_opt_def *d = def_of(f->canonical);
        bool req = false;
        for (size_t k = 0; k < 5; k++)
            req |= strcmp(required[k], f->canonical) == 0;

        /* 1. It parses, alone with the required options. */
        const char *extra[8] = {f->spelling, f->value, NULL};
        const char *const *comp = companions(f);
        for (size_t k = 0; comp && comp[k]; k++)
            extra[2 + k] = comp[k];
        const char *kv[32];
        table_kv(kv, false, req ? f->canonical : NULL, extra);
        struct parsed p;
        parse(&p, kv);
        if (p.rc != 0)
            fail_msg("row %zu '%s' (%s): rc %d: %s", i, f->spelling, f->source,
                     p.rc, p.err.msg);

        /* 2. It sets the canonical option, as spelled, of its generation,
         * and makes the table's options that generation. */
        const struct hf_opt_val *v = hf_opts_get(&p.opts, f->canonical, NULL);
        if (v == NULL || !v->set || strcmp(v->key_used, f->spelling) != 0 ||
            strcmp(v->text, f->value) != 0)
            fail_msg("row %zu '%s': does not set '%s' to '%s'", i, f->spelling,
                     f->canonical, f->value);
        if (!same_gen(v->gen, f->gen) || !same_gen(p.opts.gen, f->gen))
            fail_msg("row %zu '%s': generation %s, table %s, want %s", i,
                     f->spelling, v->gen ? v->gen : "current",
                     p.opts.gen ? p.opts.gen : "current",
                     f->gen ? f->gen : "current");
        parsed_free(&p);

        /* 3. `holoflow options hologres` lists the spelling under the
         * option, with the default of the row's generation. */
        char *blk = doc_block(doc.data, f->canonical);
        if (blk == NULL)
            fail_msg("row %zu: no block for '%s' in the options text", i,
                     f->canonical);
        if (strcmp(f->spelling, f->canonical) != 0) {
            char al[160];
            if (f->gen && !same_gen(f->gen, d->gen))
                snprintf(al, sizeof al, "%s (%s)", f->spelling, f->gen);
            else
                snprintf(al, sizeof al, "%s", f->spelling);
            /* Keys match ignoring case: 'mutateType' is listed once, as
             * 'mutatetype'. */
            if (strcasestr(blk, al) == NULL)
                fail_msg("row %zu: '%s' not listed for '%s':\n%s", i, al,
                         f->canonical, blk);
        }
        if (f->def) {
            const char *gd = hf_opt_gen_default(d, f->table_gen);
            if (gd == NULL || !same_value(gd, f->def))
                fail_msg("row %zu '%s': default in generation %s is '%s', "
                         "the source says '%s'",
                         i, f->spelling, f->table_gen ? f->table_gen : "current",
                         gd ? gd : "(none)", f->def);
            char want[200];
            if (f->table_gen && gd != d->def)
                snprintf(want, sizeof want, "generation %s: %s", f->table_gen,
                         gd);
            else
                snprintf(want, sizeof want, "default: %s", gd);
            if (strstr(blk, want) == NULL)
                fail_msg("row %zu: '%s' not in the block of '%s':\n%s", i, want,
                         f->canonical, blk);
        }
        free(blk);

        /* 4. A table of the row's generation that leaves the option unset
         * gets that default. */
        if (f->def) {
            const char *marker[] = {"splitDataSize", "262144", NULL};
            if (strcmp(f->canonical, "splitDataSize") == 0)
                marker[0] = "jdbcMetaAutoRefreshFactor", marker[1] = "-1";
            bool g000 = same_gen(f->table_gen, "000");
            bool g001 = same_gen(f->table_gen, "001");
            table_kv(kv, g001, NULL, g000 ? marker : NULL);
            parse(&p, kv);
            assert_int_equal(p.rc, 0);
            assert_true(same_gen(p.opts.gen, f->table_gen));
            v = hf_opts_get(&p.opts, f->canonical, NULL);
            if (v == NULL || v->set || !same_value(v->text, f->def))
                fail_msg("row %zu '%s': a %s table gets '%s', not '%s'", i,
                         f->spelling, f->table_gen ? f->table_gen : "current",
                         v ? v->text : "(none)", f->def);
            parsed_free(&p);
        }
    }
    hf_strbuf_free(&doc);
}

/* Names holoflow gave options no source names: the legacy connector's
 * jdbcRetrySleepInitMs has no dotted name (holoflow's back-off options
 * are dotted), and the dirty-data file is holoflow's own. */
static const char *const own_names[] = {"retry-sleep-init-ms",
                                        "sink.dirty-data.path"};

/* Every spelling in the option table is a row of the facts (or one of
 * holoflow's own names): nothing is accepted that the sources do not
 * name. */
static void test_table_has_no_unsourced_spelling(void **state)
{
    (void)state;
    for (size_t i = 0; i < hf_holo_opt_ndefs; i++) {
        const struct hf_opt_def *d = &hf_holo_opt_defs[i];
        const char *names[16];
        size_t n = 0;
        names[n++] = d->key;
        for (const char *const *a = d->aliases; a && *a; a++)
            names[n++] = *a;
        for (const struct hf_opt_gen *g = d->gens; g && g->gen; g++)
            for (const char *const *a = g->keys; a && *a; a++)
                names[n++] = *a;
        for (size_t k = 0; k < n; k++) {
            bool found = false;
            for (size_t j = 0; j < NFACTS && !found; j++)
                found = strcasecmp(facts[j].spelling, names[k]) == 0 &&
                        strcmp(facts[j].canonical, d->key) == 0;
            for (size_t j = 0; j < sizeof own_names / sizeof own_names[0]; j++)
                found |= strcmp(own_names[j], names[k]) == 0;
            if (!found)
                fail_msg("'%s' (option '%s') has no row in the facts", names[k],
                         d->key);
        }
    }
}

/* ------------------------------------------------------------ meanings */

/* A current-generation table plus `extra`; parse into p. */
static void parse_extra(struct parsed *p, const char *const *extra)
{
    const char *kv[32];
    table_kv(kv, false, NULL, extra);
    parse(p, kv);
}

static void test_sdk_mode(void **state)
{
    (void)state;
    static const struct {
        const char *value;
        enum holo_write_mode mode;
        bool fixed;
    } cases[] = {
        {"jdbc", HOLO_WM_INSERT, false},
        {"jdbc_copy", HOLO_WM_COPY_STREAM, false},
        {"JDBC_FIXED", HOLO_WM_INSERT, true},
        {"rpc", HOLO_WM_INSERT, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *extra[] = {"sdkMode", cases[i].value, NULL};
        struct parsed p;
        parse_extra(&p, extra);
        assert_int_equal(p.rc, 0);
        assert_int_equal(p.cfg.write_mode, cases[i].mode);
        assert_int_equal(p.cfg.fixed, cases[i].fixed);
        parsed_free(&p);
    }
    /* sdkMode and an explicit write mode must agree. */
    const char *bad[] = {"sdkMode", "jdbc_copy", "sink.write-mode", "INSERT",
                         NULL};
    struct parsed p;
    parse_extra(&p, bad);
    assert_int_equal(p.rc, -3);
    assert_string_equal(p.err.msg,
                        "option 'sdkMode' = 'jdbc_copy' (write mode "
                        "COPY_STREAM) contradicts 'sink.write-mode' = "
                        "'INSERT' (write mode INSERT); keep one");
    parsed_free(&p);
    const char *same[] = {"sdkMode", "jdbc_copy", "sink.write-mode",
                          "COPY_STREAM", NULL};
    parse_extra(&p, same);
    assert_int_equal(p.rc, 0);
    parsed_free(&p);
    const char *fixed_off[] = {"sdkMode", "jdbc_fixed", "fixedConnectionMode",
                               "false", NULL};
    parse_extra(&p, fixed_off);
    assert_int_equal(p.rc, -3);
    assert_string_equal(p.err.msg,
                        "option 'sdkMode' = 'jdbc_fixed' contradicts "
                        "'fixedConnectionMode' = 'false'; keep one");
    parsed_free(&p);
    const char *unknown[] = {"sdkMode", "grpc", NULL};
    parse_extra(&p, unknown);
    assert_int_equal(p.rc, -1);
    assert_string_equal(p.err.msg,
                        "invalid value 'grpc' for option 'sdkMode' of "
                        "connector 'hologres': allowed values are jdbc, "
                        "jdbc_copy, jdbc_fixed, rpc");
    parsed_free(&p);
}

static void test_copy_write_mode(void **state)
{
    (void)state;
    static const struct {
        const char *value;
        enum holo_write_mode mode;
    } cases[] = {
        {"false", HOLO_WM_INSERT},
        {"true", HOLO_WM_COPY_STREAM},
        {"STREAM", HOLO_WM_COPY_STREAM},
        {"BULK_LOAD", HOLO_WM_COPY_BULK_LOAD},
        {"bulk_load_on_conflict", HOLO_WM_COPY_BULK_LOAD_ON_CONFLICT},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *extra[] = {"jdbcCopyWriteMode", cases[i].value, NULL};
        struct parsed p;
        parse_extra(&p, extra);
        assert_int_equal(p.rc, 0);
        assert_int_equal(p.cfg.write_mode, cases[i].mode);
        parsed_free(&p);
    }
    const char *bad[] = {"sdkMode", "jdbc", "jdbcCopyWriteMode", "STREAM",
                         NULL};
    struct parsed p;
    parse_extra(&p, bad);
    assert_int_equal(p.rc, -3);
    assert_string_equal(p.err.msg,
                        "option 'jdbcCopyWriteMode' = 'STREAM' (write mode "
                        "COPY_STREAM) contradicts 'sdkMode' = 'jdbc' (write "
                        "mode INSERT); keep one");
    parsed_free(&p);
}

static void test_bulkload_and_insert_or_update(void **state)
{
    (void)state;
    struct parsed p;
    /* bulkLoad = true asks for a bounded job's AUTO, over the INSERT the
     * older generations default to. */
    const char *b0[] = {"bulkLoad", "true", NULL};
    parse_extra(&p, b0);
    assert_int_equal(p.rc, 0);
    assert_true(p.cfg.bulkload);
    assert_int_equal(p.cfg.write_mode, HOLO_WM_AUTO);
    parsed_free(&p);
    const char *b1[] = {"bulkLoad", "true", "sdkMode", "jdbc", NULL};
    parse_extra(&p, b1);
    assert_int_equal(p.cfg.write_mode, HOLO_WM_INSERT);
    parsed_free(&p);
    const char *b2[] = {"bulkLoad", "false", NULL};
    parse_extra(&p, b2);
    assert_int_equal(p.cfg.write_mode, HOLO_WM_INSERT);
    parsed_free(&p);

    /* insertOrUpdate = true: INSERT_OR_UPDATE over the 000 default. */
    const char *u0[] = {"insertOrUpdate", "true", NULL};
    parse_extra(&p, u0);
    assert_int_equal(p.rc, 0);
    assert_int_equal(p.cfg.on_conflict, HOLO_OC_UPDATE);
    assert_string_equal(p.cfg.key_on_conflict, "insertOrUpdate");
    parsed_free(&p);
    const char *u1[] = {"insertOrUpdate", "false", NULL};
    parse_extra(&p, u1);
    assert_int_equal(p.cfg.on_conflict, HOLO_OC_IGNORE);
    parsed_free(&p);
    const char *u2[] = {"insertOrUpdate", "true", "mutateType",
                        "insertOrUpdate", NULL};
    parse_extra(&p, u2);
    assert_int_equal(p.rc, 0);
    assert_int_equal(p.cfg.on_conflict, HOLO_OC_UPDATE);
    parsed_free(&p);
    const char *u3[] = {"insertOrUpdate", "true", "mutateType",
                        "insertOrReplace", NULL};
    parse_extra(&p, u3);
    assert_int_equal(p.rc, -3);
    assert_string_equal(p.err.msg,
                        "option 'insertOrUpdate' = 'true' contradicts "
                        "'mutateType' = 'INSERT_OR_REPLACE'; keep one");
    parsed_free(&p);

    /* The two delete switches, and the by-expression ignore-null. */
    const char *d0[] = {"ignoreDelete", "false", NULL};
    parse_extra(&p, d0);
    assert_int_equal(p.cfg.delete_strategy, HOLO_DS_CHANGELOG_STANDARD);
    parsed_free(&p);
    const char *d1[] = {"sink.ignore-delete", "true", NULL};
    parse_extra(&p, d1);
    assert_int_equal(p.cfg.delete_strategy, HOLO_DS_IGNORE_DELETE);
    parsed_free(&p);
    const char *n0[] = {"sink.ignore-null-when-update-by-expr.enabled", "true",
                        NULL};
    parse_extra(&p, n0);
    assert_true(p.cfg.ignore_null_when_update);
    parsed_free(&p);
}

/* Whole tables keep their generation's defaults. */
static void test_generation_defaults(void **state)
{
    (void)state;
    struct parsed p;
    /* 000: only a batch size is given; everything else is as the legacy
     * connector did it. */
    const char *g0[] = {"jdbcWriteBatchSize", "64", NULL};
    parse_extra(&p, g0);
    assert_int_equal(p.rc, 0);
    assert_string_equal(p.opts.gen, "000");
    assert_string_equal(p.opts.gen_key, "jdbcWriteBatchSize");
    assert_int_equal(p.cfg.batch_size, 64);
    assert_int_equal(p.cfg.on_conflict, HOLO_OC_IGNORE);
    assert_int_equal(p.cfg.delete_strategy, HOLO_DS_IGNORE_DELETE);
    assert_false(p.cfg.create_missing_partition);
    assert_int_equal(p.cfg.write_mode, HOLO_WM_INSERT);
    assert_int_equal(p.cfg.pool_size, 3);
    assert_int_equal(p.cfg.meta_cache_ttl_ms, 60000);
    assert_int_equal(p.cfg.retry_sleep_init_ms, 1000);
    assert_int_equal(p.cfg.statement_timeout_ms, 0); /* 28800000 s: none */
    assert_false(p.cfg.fixed);
    parsed_free(&p);

    /* An explicit delete strategy wins over 000's ignoreDelete default. */
    const char *g0d[] = {"mutatetype", "insertorupdate", "sink.delete-strategy",
                         "CHANGELOG_STANDARD", NULL};
    parse_extra(&p, g0d);
    assert_int_equal(p.rc, 0);
    assert_int_equal(p.cfg.on_conflict, HOLO_OC_UPDATE);
    assert_int_equal(p.cfg.delete_strategy, HOLO_DS_CHANGELOG_STANDARD);
    parsed_free(&p);

    /* 001: connector.* names. */
    const char *kv[32];
    table_kv(kv, true, NULL, NULL);
    parse(&p, kv);
    assert_int_equal(p.rc, 0);
    assert_string_equal(p.opts.gen, "001");
    assert_int_equal(p.cfg.on_conflict, HOLO_OC_IGNORE);
    assert_int_equal(p.cfg.write_mode, HOLO_WM_INSERT);
    assert_false(p.cfg.create_missing_partition);
    assert_int_equal(p.cfg.delete_strategy, HOLO_DS_CHANGELOG_STANDARD);
    assert_int_equal(p.cfg.pool_size, 5);
    parsed_free(&p);

    /* Mixed 001 and 000 names: 000 decides. */
    const char *mixed[] = {"connectionSize", "2", NULL};
    table_kv(kv, true, NULL, mixed);
    parse(&p, kv);
    assert_string_equal(p.opts.gen, "000");
    assert_int_equal(p.cfg.delete_strategy, HOLO_DS_IGNORE_DELETE);
    parsed_free(&p);

    /* Current names only: 002_*'s defaults. */
    parse_extra(&p, NULL);
    assert_null(p.opts.gen);
    assert_int_equal(p.cfg.on_conflict, HOLO_OC_UPDATE);
    assert_int_equal(p.cfg.write_mode, HOLO_WM_AUTO);
    assert_true(p.cfg.create_missing_partition);
    assert_int_equal(p.cfg.statement_timeout_ms, 28800000);
    assert_int_equal(p.cfg.retry_sleep_init_ms, 0);
    parsed_free(&p);
}

/* `holoflow explain` lines: the mapped option, and which generation's
 * default applied. */
static void test_explain_text(void **state)
{
    (void)state;
    const char *g0[] = {"jdbcWriteBatchSize", "64", "mutateType",
                        "insertOrUpdate", NULL};
    struct parsed p;
    parse_extra(&p, g0);
    assert_int_equal(p.rc, 0);
    struct hf_strbuf out;
    hf_strbuf_init(&out, 0);
    hf_opts_describe(&p.opts, 2, &out);
    static const char *const want[] = {
        "  (option names of generation 000, as 'jdbcWriteBatchSize': options "
        "left unset take that generation's defaults)\n",
        "  sink.insert.batch-size = '64'  (as 'jdbcWriteBatchSize', "
        "generation 000)\n",
        "  sink.on-conflict-action = 'insertOrUpdate'  (as 'mutateType', "
        "generation 000)\n",
        "  connection.pool.size = '3'  (default of generation 000)\n",
        "  sink.ignore-delete = 'true'  (default of generation 000)\n",
        "  sink.write-mode = 'INSERT'  (default of generation 000)\n",
        "  retry-count = '10'  (default)\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (strstr(out.data, want[i]) == NULL)
            fail_msg("explain lacks:\n%s\nin:\n%s", want[i], out.data);
    hf_strbuf_free(&out);
    parsed_free(&p);
}

struct notes {
    struct hf_strbuf text;
    int warnings;
};

static void collect(bool warn, const char *text, void *ctx)
{
    struct notes *n = ctx;
    n->warnings += warn;
    hf_strbuf_printf(&n->text, "%s\n", text);
}

static void test_notes(void **state)
{
    (void)state;
    const char *extra[] = {"jdbcDirectConnect", "true",
                           "serverless-computing.enabled", "true",
                           "serverless-computing-query-priority", "5",
                           "connection.akv4.enabled", "true",
                           "sdkMode", "rpc",
                           "reshuffle-by-holo-distribution-key.enabled", "true",
                           NULL};
    struct parsed p;
    parse_extra(&p, extra);
    assert_int_equal(p.rc, 0);
    struct notes n = {.warnings = 0};
    hf_strbuf_init(&n.text, 0);
    holo_config_notes(&p.opts, &p.cfg, collect, &n);
    static const char *const want[] = {
        "option 'jdbcDirectConnect' = 'true' is for Alibaba Cloud only and "
        "has no effect here: direct connections to a Hologres frontend exist "
        "only inside Alibaba Cloud; holoflow connects to 'endpoint' as given\n",
        "option 'connection.akv4.enabled' = 'true' is for Alibaba Cloud only",
        "option 'serverless-computing.enabled' = 'true' is for Alibaba Cloud "
        "only",
        "option 'serverless-computing-query-priority' = '5' is for Alibaba "
        "Cloud only",
        "option 'sdkMode' = 'rpc': write mode INSERT: the RPC write mode is "
        "retired",
        "option 'reshuffle-by-holo-distribution-key.enabled': on Hologres rows "
        "go to the sink's connections by the table's distribution key; "
        "PostgreSQL has no distribution key, so there they go by primary key\n",
        "sink.ignore-delete is true by default in generation 000",
        "statement-timeout-seconds = 28800000 is beyond the server's limit",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (strstr(n.text.data, want[i]) == NULL)
            fail_msg("notes lack:\n%s\nin:\n%s", want[i], n.text.data);
    assert_int_equal(n.warnings, 2); /* rpc, deletes dropped by default */
    hf_strbuf_free(&n.text);
    parsed_free(&p);

    /* Nothing set, nothing noted (002_* defaults have no note). */
    parse_extra(&p, NULL);
    n.warnings = 0;
    hf_strbuf_init(&n.text, 0);
    holo_config_notes(&p.opts, &p.cfg, collect, &n);
    assert_int_equal(n.text.len, 0);
    hf_strbuf_free(&n.text);
    parsed_free(&p);
}

/* ------------------------------------------------------------ helpers' */

static void test_split_literal(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        char delim;
        const char *out;
    } cases[] = {
        {"1\x02" "2\x02" "3", '\x02', "{\"1\",\"2\",\"3\"}"},
        {"a,b", ',', "{\"a\",\"b\"}"},
        {"", ',', "{}"},
        {"a,,", ',', "{\"a\"}"},          /* trailing empties dropped */
        {",a", ',', "{\"\",\"a\"}"},      /* leading kept */
        {",,", ',', "{}"},
        {"x \"q\" \\,NULL", ',', "{\"x \\\"q\\\" \\\\\",\"NULL\"}"},
        {"a,b", '|', "{\"a,b\"}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct hf_strbuf b;
        hf_strbuf_init(&b, 0);
        holo_encode_split_literal(&b, cases[i].in, strlen(cases[i].in),
                                  cases[i].delim);
        if (strcmp(b.data, cases[i].out) != 0)
            fail_msg("case %zu: got %s want %s", i, b.data, cases[i].out);
        hf_strbuf_free(&b);
    }
}

static void meta_of(struct holo_table_meta *m, const char *const *names,
                    size_t n)
{
    memset(m, 0, sizeof *m);
    m->schema = strdup("public");
    m->table = strdup("t");
    m->ncols = (uint32_t)n;
    m->cols = calloc(n, sizeof *m->cols);
    for (size_t i = 0; i < n; i++)
        m->cols[i].name = strdup(names[i]);
    m->part_col = -1;
}

static void test_dist_columns(void **state)
{
    (void)state;
    assert_string_equal(holo_dist_query(),
                        "SELECT property_value FROM "
                        "hologres.hg_table_properties WHERE table_namespace = "
                        "$1 AND table_name = $2 AND property_key = "
                        "'distribution_key'");
    static const char *const cols[] = {"id", "grp", "Mixed Case", "v"};
    struct holo_table_meta m;
    meta_of(&m, cols, 4);
    /* Job columns: v, grp, id, "Mixed Case" -> table columns 3, 1, 0, 2. */
    const uint32_t map[] = {3, 1, 0, 2};
    uint32_t out[4];
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(holo_dist_columns("grp", &m, map, 4, out, &err), 1);
    assert_int_equal(out[0], 1);
    assert_int_equal(holo_dist_columns("id,grp", &m, map, 4, out, &err), 2);
    assert_int_equal(out[0], 2);
    assert_int_equal(out[1], 1);
    assert_int_equal(
        holo_dist_columns("\"Mixed Case\", id", &m, map, 4, out, &err), 2);
    assert_int_equal(out[0], 3);
    assert_int_equal(out[1], 2);
    assert_int_equal(holo_dist_columns("nope", &m, map, 4, out, &err), -1);
    assert_string_equal(err.msg,
                        "distribution key column \"nope\" of table "
                        "\"public\".\"t\" is not one of its columns");
    const uint32_t partial[] = {3, 0, UINT32_MAX, UINT32_MAX};
    hf_error_clear(&err);
    assert_int_equal(holo_dist_columns("grp", &m, partial, 4, out, &err), -1);
    assert_string_equal(err.msg,
                        "distribution key column \"grp\" of table "
                        "\"public\".\"t\" is not written by the job");
    assert_int_equal(holo_dist_columns("", &m, map, 4, out, &err), -1);
    assert_int_equal(holo_dist_columns("a,,b", &m, map, 4, out, &err), -1);
    holo_catalog_free(&m);
}

/* A STRING job column fits an array column (it is split); an array of
 * the wrong element type still does not. */
static void test_string_into_array_column(void **state)
{
    (void)state;
    static const char *const cols[] = {"id", "tags"};
    struct holo_table_meta m;
    meta_of(&m, cols, 2);
    m.cols[0].type_oid = 20;
    m.cols[0].type_text = strdup("bigint");
    m.cols[1].type_oid = 1016;
    m.cols[1].elem_oid = 20;
    m.cols[1].type_text = strdup("bigint[]");
    struct hf_schema s;
    memset(&s, 0, sizeof s);
    s.ncols = 2;
    s.cols = calloc(2, sizeof *s.cols);
    s.cols[0].name = strdup("id");
    s.cols[0].type = hf_type_make(HF_BIGINT);
    s.cols[1].name = strdup("tags");
    s.cols[1].type = hf_type_make(HF_VARCHAR);
    uint32_t map[2];
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(holo_catalog_check(&m, &s, NULL, map, &err), 0);
    assert_int_equal(map[1], 1);
    s.cols[1].type = hf_type_make(HF_ARRAY);
    s.cols[1].type.elem = HF_DOUBLE;
    assert_int_equal(holo_catalog_check(&m, &s, NULL, map, &err), -1);
    hf_schema_free(&s);
    holo_catalog_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_spelling),
        cmocka_unit_test(test_table_has_no_unsourced_spelling),
        cmocka_unit_test(test_sdk_mode),
        cmocka_unit_test(test_copy_write_mode),
        cmocka_unit_test(test_bulkload_and_insert_or_update),
        cmocka_unit_test(test_generation_defaults),
        cmocka_unit_test(test_explain_text),
        cmocka_unit_test(test_notes),
        cmocka_unit_test(test_split_literal),
        cmocka_unit_test(test_dist_columns),
        cmocka_unit_test(test_string_into_array_column),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
/* clang-format on */
