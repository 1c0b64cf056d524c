/*
 * job_opts.c - the job option table: keys accepted by SET and --set.
 *
 * These are the Flink configuration keys holoflow acts on. Like every other
 * option table it feeds parsing, `holoflow options job` and
 * docs/connectors/job.md.
 */
#include "runtime/plan.h"

const struct hf_opt_def hf_job_opt_defs[] = {
    {.key = "execution.runtime-mode", .type = HF_OPT_ENUM,
     .def = "streaming", .values = HF_VALUES("streaming", "batch"),
     .doc = "streaming runs until stopped (unbounded sources keep reading); "
            "batch requires every source to be bounded"},
    {.key = "execution.checkpointing.interval", .type = HF_OPT_DURATION,
     .def = "10s", .flags = HF_OPTF_RANGE, .min = 10, .max = INT64_C(86400000),
     .doc = "how often sinks flush and source positions are committed"},
    {.key = "pipeline.name", .type = HF_OPT_STRING,
     .doc = "job name shown in logs and the summary"},
    {.key = "parallelism.default", .type = HF_OPT_INT, .def = "1",
     .flags = HF_OPTF_RANGE, .min = 1, .max = 1024,
     .doc = "instances (threads) of each keyed operator (aggregates, "
            "Top-N, dedup, joins, windows), rows routed by key group; at most "
            "pipeline.max-parallelism; connectors parallelise on their own "
            "(connection.pool.size, partitions)"},
    {.key = "table.exec.source.idle-timeout", .type = HF_OPT_DURATION,
     .def = "0", .flags = HF_OPTF_RANGE, .min = 0,
     .max = INT64_C(86400000),
     .doc = "a source partition (Kafka partition, file) that gives no row "
            "for this long is idle: left out of the source's watermark "
            "until it gives a row again; 0 = never idle"},
    {.key = "pipeline.auto-watermark-interval", .type = HF_OPT_DURATION,
     .def = "200ms", .flags = HF_OPTF_RANGE, .min = 0,
     .max = INT64_C(86400000),
     .doc = "how often a source with a WATERMARK emits its watermark (when "
            "it rose); 0 = after every batch of rows"},
    {.key = "table.exec.source.cdc-events-duplicate", .type = HF_OPT_BOOL,
     .def = "false",
     .doc = "a CDC source with a PRIMARY KEY (a debezium/canal/maxwell "
            "format, the hologres binlog) may deliver an event twice: a "
            "ChangelogNormalize keeps the last row per key and drops the "
            "repeats (docs/state.md)"},
    {.key = "table.exec.sink.not-null-enforcer", .type = HF_OPT_ENUM,
     .def = "ERROR", .values = HF_VALUES("ERROR", "DROP"),
     .doc = "a NULL written to a NOT NULL sink column fails the job (ERROR) "
            "or drops the row (DROP)"},
    {.key = "table.exec.mini-batch.enabled", .type = HF_OPT_BOOL,
     .def = "false",
     .doc = "group aggregates buffer their input and fold it per key, "
            "emitting at most one change per key per bundle; needs "
            "allow-latency and size"},
    {.key = "table.exec.mini-batch.allow-latency", .type = HF_OPT_DURATION,
     .def = "0",
     .doc = "mini-batch: a bundle is flushed when a row arrives this long "
            "after its first row, and before every checkpoint"},
    {.key = "table.exec.mini-batch.size", .type = HF_OPT_INT, .def = "-1",
     .doc = "mini-batch: a bundle is flushed when it holds this many rows"},
    {.key = "table.exec.sink.upsert-materialize", .type = HF_OPT_ENUM,
     .def = "AUTO", .values = HF_VALUES("AUTO", "FORCE", "NONE"),
     .doc = "Flink's SinkUpsertMaterializer in front of an upsert sink "
            "(hologres, jdbc, upsert-kafka with a PRIMARY KEY) fed an "
            "updating query: AUTO where the key does not contain the "
            "query's upsert key (an aggregate's GROUP BY columns, a "
            "ranking's partition key) and after a join whose updates move "
            "rows between join keys; FORCE in front of every such sink; "
            "NONE never (the changes are written as they come). A retract "
            "sink (print, a changelog format) never gets one"},
    {.key = "table.exec.deduplicate.insert-update-after-sensitive-enabled",
     .aliases =
         HF_ALIASES("table.exec.deduplicate.insert-and-updateafter-"
                    "sensitive.enabled",
                    "table.exec.insert-and-updateafter-sensitive"),
     .type = HF_OPT_BOOL, .def = "true",
     .doc = "keep-last deduplication into a sink that takes +U without -U: "
            "true sends a key's first row as +I, false as +U (docs/sql.md)"},
    {.key = "table.optimizer.reuse-source-enabled", .type = HF_OPT_BOOL,
     .def = "true",
     .doc = "a table read by several INSERTs of the job is read once and "
            "feeds every INSERT (one reader, one Kafka consumer group "
            "member, one checkpoint position); false gives each INSERT a "
            "reader of its own"},
    {.key = "table.dynamic-table-options.enabled", .type = HF_OPT_BOOL,
     .def = "true",
     .doc = "whether a query may give a table extra options with the "
            "OPTIONS hint: FROM t /*+ OPTIONS('k' = 'v') */ (checked by the "
            "table's option table, as its WITH options)"},
    {.key = "table.local-time-zone", .type = HF_OPT_STRING, .def = "UTC",
     .doc = "the session time zone: TIMESTAMP_LTZ shown or converted as wall "
            "clock, LOCALTIMESTAMP, CURRENT_DATE, FROM_UNIXTIME, "
            "UNIX_TIMESTAMP, DATE_FORMAT; a region such as 'Asia/Shanghai' or "
            "an offset such as 'GMT+08:00' (not 'UTC+8' or 'PST', as Flink); "
            "'default' is UTC"},
    {.key = "state.backend.type", .aliases = HF_ALIASES("state.backend"),
     .type = HF_OPT_ENUM, .def = "hashmap",
     .values = HF_VALUES("hashmap", "rocksdb", "filesystem", "jobmanager"),
     .doc = "where the keyed state of stateful operators (aggregates, "
            "joins, deduplication, windows) lives: hashmap (in memory) or "
            "rocksdb (on local disk, for state larger than memory); the "
            "older key state.backend and its values filesystem and "
            "jobmanager (both hashmap) are accepted as Flink does "
            "(docs/state.md)"},
    {.key = "state.checkpoints.dir", .type = HF_OPT_STRING,
     .doc = "directory of the job's checkpoints (a local path, or a "
            "file:// URI): keyed state and source positions are written "
            "there at every checkpoint and restored from the newest complete "
            "one at start; unset, state lives in memory only and a restart "
            "starts empty (docs/state.md)"},
    {.key = "state.checkpoints.num-retained", .type = HF_OPT_INT, .def = "1",
     .flags = HF_OPTF_RANGE, .min = 1, .max = 1000,
     .doc = "complete checkpoints kept in state.checkpoints.dir"},
    {.key = "state.backend.incremental", .type = HF_OPT_BOOL, .def = "false",
     .doc = "rocksdb with state.checkpoints.dir: each state has a database "
            "of its own and a checkpoint hard-links its table files, so it "
            "costs what changed since the last one; otherwise (and with "
            "hashmap) every checkpoint writes the state in full "
            "(docs/state.md)"},
    {.key = "table.exec.state.ttl", .type = HF_OPT_DURATION, .def = "0",
     .doc = "how long an idle entry of keyed state is kept (processing "
            "time since its last write; e.g. '1 h'); 0 keeps state forever"},
    {.key = "table.exec.interval-join.min-cleanup-interval",
     .type = HF_OPT_DURATION, .def = "0",
     .doc = "interval joins: how much later than a row's bound its cleanup "
            "timer fires (and an outer row that never matched is padded); "
            "0, Flink's default since 1.18, fires at bound + 1 ms"},
    {.key = "table.exec.async-lookup.output-mode", .type = HF_OPT_ENUM,
     .def = "ORDERED", .values = HF_VALUES("ORDERED", "ALLOW_UNORDERED"),
     .doc = "lookup joins with async retries: ALLOW_UNORDERED lets rows "
            "go out ahead of a row waiting to be asked again "
            "(docs/lookup-join.md)"},
    {.key = "table.exec.async-lookup.buffer-capacity", .type = HF_OPT_INT,
     .def = "100", .flags = HF_OPTF_RANGE, .min = 1, .max = 1000000,
     .doc = "lookup joins: keys in flight at most per join; holoflow "
            "bounds requests in flight by the table's "
            "lookup.read.batch-queue-size and keys per request by "
            "lookup.read.batch-size, and reads this only to check it"},
    {.key = "table.exec.async-lookup.timeout", .type = HF_OPT_DURATION,
     .def = "3 min",
     .doc = "lookup joins: with async, a row's lookup not done this long "
            "after its first request, retries included, fails the job (as "
            "Flink's async lookup timeout); without, it bounds each request"},
    {.key = "pipeline.max-parallelism", .type = HF_OPT_INT, .def = "128",
     .flags = HF_OPTF_RANGE, .min = 1, .max = 32768,
     .doc = "the number of key groups keyed state is split into; a job "
            "restored from a checkpoint must keep it (Flink derives it from "
            "the parallelism, 128 for small jobs)"},
    {.key = "state.backend.hashmap.memory-limit", .type = HF_OPT_MEMSIZE,
     .def = "0",
     .doc = "holoflow's own: the most memory the hashmap backend's keyed "
            "state may take across the job ('512 mb'); past it the job fails "
            "naming the operator, instead of being killed for memory; 0 = no "
            "limit"},
    {.key = "metrics.reporter.prom.factory.class", .type = HF_OPT_STRING,
     .doc = "set (to Flink's "
            "'org.apache.flink.metrics.prometheus.PrometheusReporterFactory' "
            "or anything) to serve /metrics, the REST API and the dashboard "
            "on metrics.reporter.prom.port (docs/operability.md)"},
    {.key = "metrics.reporter.prom.port", .type = HF_OPT_STRING,
     .doc = "the port, or a range such as '9250-9260' (the first free one "
            "is used), of /metrics, the REST API and the dashboard; setting "
            "it (or --metrics-port) turns them on; 9249 when only "
            "metrics.reporter.prom.factory.class is set"},
    {.key = "holoflow.progress.interval", .type = HF_OPT_DURATION,
     .def = "10s", .flags = HF_OPTF_RANGE, .min = 0,
     .max = INT64_C(86400000),
     .doc = "holoflow run: how often a progress line (rows written, rows/s, "
            "bytes read, percent and ETA when known, dirty rows) is logged "
            "when stderr is not a terminal; logged for batch jobs, and for "
            "streaming jobs when set (--progress-interval); on a terminal "
            "the line updates in place; 0 = no progress"},
    {.key = "holoflow.summary.json", .type = HF_OPT_STRING,
     .doc = "holoflow run: a file the final summary is written to as JSON "
            "(--summary-json; docs/operability.md)"},
    {.key = "holoflow.dirty.max-records", .type = HF_OPT_INT, .def = "-1",
     .flags = HF_OPTF_RANGE, .min = -1, .max = INT64_MAX,
     .doc = "dirty records (bad records a source skipped plus rows a sink "
            "recorded as dirty) the job tolerates, across all tables; the "
            "one over the limit fails the job (a bulk load then rolls "
            "back). -1 = no limit (holoflow sync's errorLimit.record)"},
    {.key = "holoflow.throttle.records-per-second", .type = HF_OPT_INT,
     .def = "0", .flags = HF_OPTF_RANGE, .min = 0, .max = INT64_MAX,
     .doc = "holoflow's own: the most rows per second all sources of the "
            "job read together (one token bucket shared by every source "
            "and channel; a source waits before passing a batch on); "
            "holoflow sync's job.setting.speed.record; 0 = no limit"},
    {.key = "holoflow.throttle.bytes-per-second", .type = HF_OPT_MEMSIZE,
     .def = "0",
     .doc = "holoflow's own: the most bytes per second all sources of the "
            "job read together ('1 mb'; the bytes of the records read for "
            "file and Kafka sources, DataX's byte size of the rows for the "
            "others: strings their length, numbers 8); with "
            "records-per-second both hold; holoflow sync's "
            "job.setting.speed.byte and DataWorks' mbps; 0 = no limit"},
    {.key = "holoflow.batch.rows", .type = HF_OPT_INT, .def = "1024",
     .flags = HF_OPTF_RANGE, .min = 1, .max = 1048576,
     .doc = "rows per batch travelling from source to sink"},
    {.key = "holoflow.queue.batches", .type = HF_OPT_INT, .def = "8",
     .flags = HF_OPTF_RANGE, .min = 1, .max = 1024,
     .doc = "batches buffered on each edge of the job's graph, e.g. "
            "between a source and each sink it feeds (back-pressure "
            "bound)"},
};

const size_t hf_job_opt_ndefs =
    sizeof hf_job_opt_defs / sizeof hf_job_opt_defs[0];
