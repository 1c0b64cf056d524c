/*
 * job_metrics.c - one job's metrics registry and REST JSON (see
 * job_metrics.h).
 *
 * Every graph node gets its families: sources (numRecordsIn, numBytesIn,
 * records passed on, skipped, watermark), operators (records in/out,
 * watermark), sinks (rows received, numRecordsOut, dirty rows, flushes,
 * flush duration histogram, retries, in-doubt resolutions, buffered
 * bytes), each labelled job, table or operator, and node (n<id+1>, as
 * `holoflow explain` prints it, so a table read twice gets two series);
 * the job has uptime and its checkpoints. Values are read where the
 * runtime keeps them (hf_table_stats, hf_ckpt_metrics): nothing is copied
 * on the hot path.
 */
#include "metrics/job_metrics.h"

#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "metrics/ckpt_metrics.h"
#include "metrics/lookup_metrics.h"
#include "metrics/lag_parts.h"
#include "ops/op.h"
#include "runtime/plan.h"
#include "runtime/runtime.h"

struct hf_job_metrics {
    struct hf_job *job;
    struct hf_runtime *rt;
    struct hf_metrics *reg;
    char id[33];
    char name[256];
    int64_t start_ms;   /* wall clock */
    int64_t start_usec; /* monotonic */
};

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t mono_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void make_id(char out[33])
{
    unsigned char r[16];
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    ssize_t got = fd >= 0 ? read(fd, r, sizeof r) : -1;
    if (fd >= 0)
        close(fd);
    if (got != (ssize_t)sizeof r) { /* fall back to time and pid */
        uint64_t a = (uint64_t)mono_usec(), b = (uint64_t)getpid();
        memcpy(r, &a, 8);
        memcpy(r + 8, &b, 8);
    }
    for (int i = 0; i < 16; i++)
        snprintf(out + 2 * i, 3, "%02x", r[i]);
}

static double uptime_seconds(const void *arg)
{
    const struct hf_job_metrics *jm = arg;
    return (double)(mono_usec() - jm->start_usec) / 1e6;
}

static double watermark_ms(const void *arg)
{
    struct hf_table_stats *st = (struct hf_table_stats *)arg;
    if (!atomic_load(&st->has_watermark))
        return NAN;
    int64_t wm = atomic_load(&st->watermark);
    /* the end-of-input watermark (Long.MAX_VALUE) is not a time; the
     * runtime's are microseconds, the rowtime's scale */
    return wm == INT64_MAX ? NAN : (double)(wm / 1000);
}

static double watermark_seconds(const void *arg)
{
    return watermark_ms(arg) / 1e3;
}

static double gauge_ms_as_seconds(const void *arg)
{
    return (double)hf_gauge_read(arg) / 1e3;
}

static double lag_max(const void *arg)
{
    struct hf_table_stats *st = (struct hf_table_stats *)arg;
    return atomic_load(&st->has_lag) ? (double)hf_gauge_read(&st->lag_max)
                                     : NAN;
}

static double lag_pending(const void *arg)
{
    struct hf_table_stats *st = (struct hf_table_stats *)arg;
    return atomic_load(&st->has_lag) ? (double)hf_gauge_read(&st->pending)
                                     : NAN;
}

/* ---------------------------------------------- event time lag, state */

static double emit_lag_seconds(const void *arg)
{
    struct hf_table_stats *st = (struct hf_table_stats *)arg;
    return atomic_load(&st->has_emit_lag)
               ? (double)hf_gauge_read(&st->emit_lag_ms) / 1e3
               : NAN;
}

static double state_entries(const void *arg)
{
    struct hf_table_stats *st = (struct hf_table_stats *)arg;
    return atomic_load(&st->has_state)
               ? (double)hf_gauge_read(&st->state_entries)
               : NAN;
}

static double state_bytes(const void *arg)
{
    struct hf_table_stats *st = (struct hf_table_stats *)arg;
    return atomic_load(&st->has_state) ? (double)hf_gauge_read(&st->state_bytes)
                                       : NAN;
}

struct part_emit {
    hf_metrics_emit_fn emit;
    void *ctx;
};

static void part_sample(void *ctx, const char *topic, int32_t partition,
                        int64_t lag)
{
    struct part_emit *pe = ctx;
    char num[16];
    snprintf(num, sizeof num, "%d", (int)partition);
    struct hf_strbuf lb;
    hf_strbuf_init(&lb, 0);
    hf_metrics_label(&lb, "topic", topic);
    hf_metrics_label(&lb, "partition", num);
    if (hf_strbuf_ok(&lb))
        pe->emit(pe->ctx, lb.data, (double)lag);
    hf_strbuf_free(&lb);
}

static void partition_lags(const void *arg, hf_metrics_emit_fn emit, void *ctx)
{
    struct hf_table_stats *st = (struct hf_table_stats *)arg;
    struct hf_lag_parts *lp = atomic_load(&st->lag_parts);
    struct part_emit pe = {emit, ctx};
    if (lp)
        hf_lag_parts_each(lp, part_sample, &pe);
}

/* The families added for issue 15's second round: a source's
 * currentEmitEventTimeLag, an operator's state entries and bytes
 * (labels `l` as reg_node's). */
static int reg_node_lag_state(struct hf_metrics *m, const struct hf_node *n,
                              struct hf_table_stats *st, const char *l)
{
    int rc = 0;
    if (n->kind == HF_NODE_SOURCE)
        rc |= hf_metrics_samples(
            m, "holoflow_source_partition_records_lag",
            "Kafka: records between the read position and the end of each "
            "assigned partition (Flink's per-partition records-lag)",
            l, partition_lags, st);
    if (n->kind == HF_NODE_SOURCE)
        rc |= hf_metrics_callback(
            m, HF_METRIC_GAUGE, "holoflow_source_emit_event_time_lag_seconds",
            "Wall clock minus the event time (rowtime) of the last row the "
            "source emitted, when it emitted it (Flink "
            "currentEmitEventTimeLag, in ms)",
            l, emit_lag_seconds, st);
    if (n->kind == HF_NODE_OP) {
        rc |= hf_metrics_callback(
            m, HF_METRIC_GAUGE, "holoflow_operator_state_entries",
            "Live keyed-state entries over the operator's states, counted "
            "at the last checkpoint barrier",
            l, state_entries, st);
        rc |= hf_metrics_callback(
            m, HF_METRIC_GAUGE, "holoflow_operator_state_size_bytes",
            "Bytes of the operator's keyed state at the last checkpoint "
            "barrier (hashmap: memory reserved; rocksdb: keys and values "
            "stored)",
            l, state_bytes, st);
    }
    return rc ? -1 : 0;
}

static const char *kind_name(enum hf_node_kind k)
{
    return k == HF_NODE_SOURCE ? "source"
           : k == HF_NODE_SINK ? "sink"
                               : "operator";
}

/* "n3", the table's name or the operator's, as the REST API shows it. */
static const char *node_label(const struct hf_node *n)
{
    return n->kind == HF_NODE_OP ? n->op->name : n->table->name;
}

/* One instance's series: `subtask` is its index among the node's
 * instances (label subtask_index, Flink's name) when the node runs more
 * than one, else -1 (no such label). */
static int reg_node(struct hf_job_metrics *jm, const struct hf_node *n,
                    struct hf_table_stats *st, int subtask)
{
    struct hf_metrics *m = jm->reg;
    struct hf_strbuf lb;
    hf_strbuf_init(&lb, 0);
    char nid[16];
    snprintf(nid, sizeof nid, "n%u", n->id + 1);
    hf_metrics_label(&lb, "job", jm->name);
    hf_metrics_label(&lb, n->kind == HF_NODE_OP ? "operator" : "table",
                     node_label(n));
    hf_metrics_label(&lb, "node", nid);
    if (subtask >= 0) {
        char sub[16];
        snprintf(sub, sizeof sub, "%d", subtask);
        hf_metrics_label(&lb, "subtask_index", sub);
    }
    int rc = hf_strbuf_ok(&lb) ? 0 : -1;
    const char *l = lb.data;
    switch (n->kind) {
    case HF_NODE_SOURCE:
        rc |= hf_metrics_counter_u64(
            m, "holoflow_source_records_in_total",
            "Records read by the source (Flink numRecordsIn)", l, &st->rows_in);
        rc |= hf_metrics_counter_u64(
            m, "holoflow_source_bytes_in_total",
            "Bytes of records read by the source (Flink numBytesIn)", l,
            &st->bytes_in);
        rc |= hf_metrics_counter_u64(
            m, "holoflow_source_records_out_total",
            "Rows the source passed on (Flink numRecordsOut)", l,
            &st->rows_out);
        rc |= hf_metrics_counter_u64(
            m, "holoflow_source_records_skipped_total",
            "Records skipped as unreadable (ignore-parse-errors)", l,
            &st->skipped);
        rc |= hf_metrics_callback(
            m, HF_METRIC_GAUGE, "holoflow_source_records_lag_max",
            "Kafka: the most records any assigned partition is behind its "
            "end (Flink records-lag-max)",
            l, lag_max, st);
        rc |= hf_metrics_callback(
            m, HF_METRIC_GAUGE, "holoflow_source_pending_records",
            "Kafka: records not yet read over the assigned partitions "
            "(Flink pendingRecords)",
            l, lag_pending, st);
        rc |= hf_metrics_callback(
            m, HF_METRIC_GAUGE, "holoflow_source_watermark_seconds",
            "The source's current watermark, seconds since the epoch (Flink "
            "currentOutputWatermark, in ms)",
            l, watermark_seconds, st);
        break;
    case HF_NODE_OP:
        rc |= hf_metrics_counter_u64(m, "holoflow_operator_records_in_total",
                                     "Rows into the operator (Flink "
                                     "numRecordsIn)",
                                     l, &st->rows_in);
        rc |= hf_metrics_counter_u64(
            m, "holoflow_operator_records_out_total",
            "Rows out of the operator (Flink numRecordsOut)", l, &st->rows_out);
        rc |= hf_metrics_callback(
            m, HF_METRIC_GAUGE, "holoflow_operator_watermark_seconds",
            "The operator's current output watermark, seconds since the "
            "epoch (Flink currentOutputWatermark, in ms)",
            l, watermark_seconds, st);
        break;
    case HF_NODE_SINK:
        rc |= hf_metrics_counter_u64(m, "holoflow_sink_records_in_total",
                                     "Rows handed to the sink (Flink "
                                     "numRecordsIn)",
                                     l, &st->rows_in);
        rc |= hf_metrics_counter_u64(
            m, "holoflow_sink_records_out_total",
            "Rows the sink wrote durably (Flink numRecordsOut)", l,
            &st->rows_out);
        rc |= hf_metrics_counter_u64(m, "holoflow_sink_dirty_records_total",
                                     "Bad rows recorded as dirty data", l,
                                     &st->dirty);
        rc |=
            hf_metrics_counter_u64(m, "holoflow_sink_flushes_total",
                                   "Flushes that wrote rows", l, &st->flushes);
        rc |= hf_metrics_histogram(m, "holoflow_sink_flush_duration_seconds",
                                   "Time of one flush", l, &st->flush_latency);
        rc |= hf_metrics_counter_u64(m, "holoflow_sink_retries_total",
                                     "Flushes retried after a transient "
                                     "error",
                                     l, &st->retries);
        rc |= hf_metrics_counter_u64(
            m, "holoflow_sink_in_doubt_resolved_total",
            "Commits whose outcome was unknown, resolved after a reconnect", l,
            &st->in_doubt);
        rc |= hf_metrics_gauge(m, "holoflow_sink_buffered_bytes",
                               "Bytes handed to a flush and not yet written "
                               "(back-pressure)",
                               l, &st->buffered_bytes);
        break;
    }
    if (rc == 0)
        rc = reg_node_lag_state(m, n, st, l);
    hf_strbuf_free(&lb);
    return rc ? -1 : 0;
}

static double gauge_value(const void *arg)
{
    return (double)hf_gauge_read(arg);
}

/* The last completed checkpoint's id and size (Flink's
 * lastCheckpointFullSize), labels `l` as reg_job's. */
static int reg_ckpt_last(struct hf_metrics *m, struct hf_ckpt_metrics *ck,
                         const char *l)
{
    int rc = 0;
    rc |= hf_metrics_callback(m, HF_METRIC_GAUGE,
                              "holoflow_job_last_checkpoint_id",
                              "Id of the last completed checkpoint; 0 = none",
                              l, gauge_value, &ck->last_id);
    rc |= hf_metrics_callback(
        m, HF_METRIC_GAUGE, "holoflow_job_last_checkpoint_size_bytes",
        "Bytes of the files of the last completed checkpoint (Flink "
        "lastCheckpointFullSize); 0 without state.checkpoints.dir",
        l, gauge_value, &ck->last_size);
    return rc ? -1 : 0;
}

static int reg_job(struct hf_job_metrics *jm)
{
    struct hf_metrics *m = jm->reg;
    struct hf_ckpt_metrics *ck = hf_runtime_ckpt_metrics(jm->rt);
    struct hf_strbuf lb;
    hf_strbuf_init(&lb, 0);
    hf_metrics_label(&lb, "job", jm->name);
    const char *l = lb.data;
    int rc = hf_strbuf_ok(&lb) ? 0 : -1;
    rc |= hf_metrics_callback(m, HF_METRIC_GAUGE, "holoflow_job_uptime_seconds",
                              "Time since the job started (Flink uptime)", l,
                              uptime_seconds, jm);
    rc |= hf_metrics_counter_u64(m, "holoflow_job_checkpoints_triggered_total",
                                 "Checkpoints triggered", l, &ck->triggered);
    rc |= hf_metrics_counter_u64(
        m, "holoflow_job_checkpoints_completed_total",
        "Checkpoints completed (Flink numberOfCompletedCheckpoints)", l,
        &ck->completed);
    rc |= hf_metrics_histogram(m, "holoflow_job_checkpoint_duration_seconds",
                               "Checkpoint trigger to completion", l,
                               &ck->duration);
    rc |= hf_metrics_callback(m, HF_METRIC_GAUGE,
                              "holoflow_job_last_checkpoint_duration_seconds",
                              "Duration of the last completed checkpoint "
                              "(Flink lastCheckpointDuration, in ms)",
                              l, gauge_ms_as_seconds, &ck->last_duration_ms);
    rc |= hf_metrics_callback(
        m, HF_METRIC_GAUGE,
        "holoflow_job_last_checkpoint_completed_timestamp_seconds",
        "When the last checkpoint completed, seconds since the epoch; 0 = "
        "none",
        l, gauge_ms_as_seconds, &ck->last_completed_ms);
    if (rc == 0)
        rc = reg_ckpt_last(m, ck, l);
    hf_strbuf_free(&lb);
    return rc ? -1 : 0;
}

struct hf_job_metrics *hf_job_metrics_new(struct hf_job *job,
                                          struct hf_runtime *rt,
                                          struct hf_error *err)
{
    struct hf_job_metrics *jm = calloc(1, sizeof *jm);
    if (jm == NULL || (jm->reg = hf_metrics_new()) == NULL) {
        free(jm);
        hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        return NULL;
    }
    jm->job = job;
    jm->rt = rt;
    jm->start_ms = wall_ms();
    jm->start_usec = mono_usec();
    make_id(jm->id);
    const char *name = hf_opts_str(&job->settings, "pipeline.name", NULL);
    if (name == NULL) {
        name = strrchr(job->path, '/');
        name = name ? name + 1 : job->path;
    }
    snprintf(jm->name, sizeof jm->name, "%s", name);
    int rc = reg_job(jm);
    for (uint32_t i = 0; i < job->graph.nnodes && rc == 0; i++) {
        uint32_t np = hf_runtime_node_parallelism(rt, i);
        for (uint32_t k = 0; k < np && rc == 0; k++)
            rc = reg_node(jm, &job->graph.nodes[i],
                          hf_runtime_instance_stats(rt, i, k),
                          np > 1 ? (int)k : -1);
    }
    for (uint32_t i = 0; i < job->graph.nnodes && rc == 0; i++)
        rc = hf_lookup_metrics_register(jm->reg, jm->name, &job->graph.nodes[i]);
    if (rc != 0) {
        hf_job_metrics_destroy(jm);
        hf_error_set(err, HF_ERR_NOMEM, "out of memory (metrics)");
        return NULL;
    }
    return jm;
}

void hf_job_metrics_destroy(struct hf_job_metrics *jm)
{
    if (jm == NULL)
        return;
    hf_metrics_destroy(jm->reg);
    free(jm);
}

struct hf_metrics *hf_job_metrics_registry(struct hf_job_metrics *jm)
{
    return jm->reg;
}

const char *hf_job_metrics_id(const struct hf_job_metrics *jm)
{
    return jm->id;
}

struct hf_job *hf_job_metrics_job(struct hf_job_metrics *jm)
{
    return jm->job;
}

/* ------------------------------------------------------------ JSON */

static void put_json(struct json_object *o, struct hf_strbuf *out)
{
    hf_strbuf_puts(
        out, json_object_to_json_string_ext(
                 o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
}

static const char *job_state(const struct hf_job_metrics *jm)
{
    return atomic_load(&jm->job->stopping) ? "CANCELLING" : "RUNNING";
}

static void add_i64(struct json_object *o, const char *k, int64_t v)
{
    json_object_object_add(o, k, json_object_new_int64(v));
}

static void add_str(struct json_object *o, const char *k, const char *v)
{
    json_object_object_add(o, k, json_object_new_string(v));
}

static struct json_object *job_common(struct hf_job_metrics *jm)
{
    struct json_object *o = json_object_new_object();
    int64_t now = wall_ms();
    add_str(o, "jid", jm->id);
    add_str(o, "name", jm->name);
    add_str(o, "state", job_state(jm));
    add_i64(o, "start-time", jm->start_ms);
    add_i64(o, "end-time", -1);
    add_i64(o, "duration", now - jm->start_ms);
    add_i64(o, "now", now);
    return o;
}

void hf_job_metrics_overview_json(struct hf_job_metrics *jm,
                                  struct hf_strbuf *out)
{
    struct json_object *root = json_object_new_object();
    struct json_object *jobs = json_object_new_array();
    struct json_object *j = job_common(jm);
    struct json_object *tasks = json_object_new_object();
    add_i64(tasks, "total", jm->job->graph.nnodes);
    add_i64(tasks, "running", jm->job->graph.nnodes);
    json_object_object_add(j, "tasks", tasks);
    json_object_array_add(jobs, j);
    json_object_object_add(root, "jobs", jobs);
    put_json(root, out);
}

static void part_json(void *ctx, const char *topic, int32_t partition,
                      int64_t lag)
{
    struct json_object *o = json_object_new_object();
    add_str(o, "topic", topic);
    add_i64(o, "partition", partition);
    add_i64(o, "records-lag", lag);
    json_object_array_add(ctx, o);
}

/* A Kafka source's lag per partition, a source's emit-event-time-lag
 * (ms), an operator's state entries and bytes, once measured. */
static void node_lag_state_json(struct json_object *m, const struct hf_node *n,
                                struct hf_table_stats *st)
{
    struct hf_lag_parts *lp = atomic_load(&st->lag_parts);
    if (n->kind == HF_NODE_SOURCE && lp) {
        struct json_object *a = json_object_new_array();
        hf_lag_parts_each(lp, part_json, a);
        json_object_object_add(m, "partitions", a);
    }
    if (n->kind == HF_NODE_SOURCE && atomic_load(&st->has_emit_lag))
        add_i64(m, "emit-event-time-lag", hf_gauge_read(&st->emit_lag_ms));
    if (n->kind == HF_NODE_OP && atomic_load(&st->has_state)) {
        add_i64(m, "state-entries", hf_gauge_read(&st->state_entries));
        add_i64(m, "state-size", hf_gauge_read(&st->state_bytes));
    }
}

static struct json_object *node_metrics(const struct hf_node *n,
                                        struct hf_table_stats *st)
{
    struct json_object *m = json_object_new_object();
    add_i64(m, "read-records", (int64_t)atomic_load(&st->rows_in));
    add_i64(m, "write-records", (int64_t)atomic_load(&st->rows_out));
    if (n->kind == HF_NODE_SOURCE) {
        add_i64(m, "read-bytes", (int64_t)atomic_load(&st->bytes_in));
        add_i64(m, "skipped-records", (int64_t)atomic_load(&st->skipped));
        if (atomic_load(&st->has_lag)) {
            add_i64(m, "records-lag-max", hf_gauge_read(&st->lag_max));
            add_i64(m, "pending-records", hf_gauge_read(&st->pending));
        }
    }
    if (n->kind == HF_NODE_SINK) {
        add_i64(m, "dirty-records", (int64_t)atomic_load(&st->dirty));
        add_i64(m, "flushes", (int64_t)atomic_load(&st->flushes));
        add_i64(m, "retries", (int64_t)atomic_load(&st->retries));
        add_i64(m, "buffered-bytes", hf_gauge_read(&st->buffered_bytes));
        int64_t p99 = hf_hist_quantile(&st->flush_latency, 0.99);
        add_i64(m, "flush-p99-ms",
                p99 < 0            ? -1
                : p99 == INT64_MAX ? -2
                                   : p99 / 1000);
    }
    double wm = watermark_ms(st);
    if (!isnan(wm))
        add_i64(m, "watermark", (int64_t)wm);
    node_lag_state_json(m, n, st);
    return m;
}

/* A node running np > 1 instances (a keyed operator): records in and
 * out and state summed over them, and each instance's own metrics under
 * "subtasks" (index = subtask_index). */
static struct json_object *subtasks_metrics(const struct hf_node *n,
                                            struct hf_runtime *rt, uint32_t i,
                                            uint32_t np)
{
    struct json_object *m = json_object_new_object();
    struct json_object *subs = json_object_new_array();
    int64_t in = 0, out = 0, entries = 0, bytes = 0;
    bool state = false;
    for (uint32_t k = 0; k < np; k++) {
        struct hf_table_stats *st = hf_runtime_instance_stats(rt, i, k);
        in += (int64_t)atomic_load(&st->rows_in);
        out += (int64_t)atomic_load(&st->rows_out);
        if (atomic_load(&st->has_state)) {
            state = true;
            entries += hf_gauge_read(&st->state_entries);
            bytes += hf_gauge_read(&st->state_bytes);
        }
        json_object_array_add(subs, node_metrics(n, st));
    }
    add_i64(m, "read-records", in);
    add_i64(m, "write-records", out);
    if (state) {
        add_i64(m, "state-entries", entries);
        add_i64(m, "state-size", bytes);
    }
    json_object_object_add(m, "subtasks", subs);
    return m;
}

void hf_job_metrics_detail_json(struct hf_job_metrics *jm,
                                struct hf_strbuf *out)
{
    struct json_object *root = job_common(jm);
    json_object_object_add(root, "isStoppable", json_object_new_boolean(1));
    struct json_object *vs = json_object_new_array();
    const struct hf_graph *g = &jm->job->graph;
    for (uint32_t i = 0; i < g->nnodes; i++) {
        const struct hf_node *n = &g->nodes[i];
        struct json_object *v = json_object_new_object();
        char nid[16];
        snprintf(nid, sizeof nid, "n%u", n->id + 1);
        add_str(v, "id", nid);
        add_str(v, "name", node_label(n));
        add_str(v, "kind", kind_name(n->kind));
        if (n->kind != HF_NODE_OP)
            add_str(v, "connector", n->table->connector->name);
        uint32_t np = hf_runtime_node_parallelism(jm->rt, i);
        add_i64(v, "parallelism", np);
        add_str(v, "status", job_state(jm));
        struct json_object *ins = json_object_new_array();
        for (uint32_t k = 0; k < n->ninputs; k++) {
            snprintf(nid, sizeof nid, "n%u", n->inputs[k] + 1);
            json_object_array_add(ins, json_object_new_string(nid));
        }
        json_object_object_add(v, "inputs", ins);
        json_object_object_add(v, "metrics",
                               np > 1 ? subtasks_metrics(n, jm->rt, i, np)
                                      : node_metrics(n, hf_runtime_node_stats(
                                                            jm->rt, i)));
        json_object_array_add(vs, v);
    }
    json_object_object_add(root, "vertices", vs);
    put_json(root, out);
}

static struct json_object *ckpt_json(const struct hf_ckpt_record *r)
{
    struct json_object *o = json_object_new_object();
    add_i64(o, "id", (int64_t)r->id);
    add_str(o, "status",
            r->status == HF_CKPT_COMPLETED ? "COMPLETED" : "IN_PROGRESS");
    json_object_object_add(o, "is_savepoint", json_object_new_boolean(0));
    add_str(o, "checkpoint_type", "CHECKPOINT");
    add_i64(o, "trigger_timestamp", r->trigger_ms);
    add_i64(o, "latest_ack_timestamp",
            r->status == HF_CKPT_COMPLETED ? r->trigger_ms + r->duration_ms
                                           : -1);
    add_i64(o, "end_to_end_duration", r->duration_ms);
    /* Flink: state_size is the full size, checkpointed_size what this
     * one wrote (the same here but for shared incremental files) */
    add_i64(o, "state_size", r->size_bytes);
    add_i64(o, "checkpointed_size", r->size_bytes);
    return o;
}

void hf_job_metrics_checkpoints_json(struct hf_job_metrics *jm,
                                     struct hf_strbuf *out)
{
    struct hf_ckpt_metrics *ck = hf_runtime_ckpt_metrics(jm->rt);
    struct hf_ckpt_record h[HF_CKPT_HISTORY];
    uint32_t n = hf_ckpt_metrics_copy(ck, h);
    uint64_t trig = atomic_load(&ck->triggered);
    uint64_t done = atomic_load(&ck->completed);
    struct json_object *root = json_object_new_object();
    struct json_object *counts = json_object_new_object();
    add_i64(counts, "restored", 0);
    add_i64(counts, "total", (int64_t)trig);
    add_i64(counts, "in_progress", (int64_t)(trig - done));
    add_i64(counts, "completed", (int64_t)done);
    add_i64(counts, "failed", 0);
    json_object_object_add(root, "counts", counts);
    struct json_object *latest = json_object_new_object();
    const struct hf_ckpt_record *last = NULL;
    int64_t mn = -1, mx = -1, sum = 0, cnt = 0;
    struct json_object *hist = json_object_new_array();
    for (uint32_t i = n; i-- > 0;) { /* newest first, as Flink */
        json_object_array_add(hist, ckpt_json(&h[i]));
        if (h[i].status != HF_CKPT_COMPLETED)
            continue;
        if (last == NULL)
            last = &h[i];
        mn = mn < 0 || h[i].duration_ms < mn ? h[i].duration_ms : mn;
        mx = h[i].duration_ms > mx ? h[i].duration_ms : mx;
        sum += h[i].duration_ms;
        cnt++;
    }
    json_object_object_add(latest, "completed", last ? ckpt_json(last) : NULL);
    json_object_object_add(latest, "savepoint", NULL);
    json_object_object_add(latest, "failed", NULL);
    json_object_object_add(latest, "restored", NULL);
    json_object_object_add(root, "latest", latest);
    struct json_object *summary = json_object_new_object();
    struct json_object *e2e = json_object_new_object();
    add_i64(e2e, "min", mn < 0 ? 0 : mn);
    add_i64(e2e, "max", mx < 0 ? 0 : mx);
    add_i64(e2e, "avg", cnt ? sum / cnt : 0);
    json_object_object_add(summary, "end_to_end_duration", e2e);
    json_object_object_add(root, "summary", summary);
    json_object_object_add(root, "history", hist);
    put_json(root, out);
}
