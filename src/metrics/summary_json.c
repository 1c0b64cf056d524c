/*
 * summary_json.c - the run's final summary as a JSON document (see
 * summary_json.h): the same numbers as the summary on stderr, per source
 * and per sink node, plus totals and the checkpoints completed.
 */
#include "metrics/summary_json.h"

#include <errno.h>
#include <stdbool.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "metrics/ckpt_metrics.h"
#include "metrics/lookup_metrics.h"
#include "ops/op.h"
#include "runtime/plan.h"
#include "runtime/runtime.h"

static void add_u(struct json_object *o, const char *k, uint64_t v)
{
    json_object_object_add(o, k, json_object_new_int64((int64_t)v));
}

/* Stateful operators (state entries and bytes at the last checkpoint
 * barrier) and the last completed checkpoint (id, when, bytes). */
static void add_state_ckpt(struct json_object *root, struct hf_job *job,
                           struct hf_runtime *rt)
{
    struct json_object *ops = json_object_new_array();
    const struct hf_graph *g = &job->graph;
    for (uint32_t i = 0; i < g->nnodes; i++) {
        const struct hf_node *n = &g->nodes[i];
        /* Summed over the operator's instances (parallelism.default). */
        uint64_t entries = 0, bytes = 0;
        bool state = false;
        uint32_t np = hf_runtime_node_parallelism(rt, i);
        for (uint32_t k = 0; n->kind == HF_NODE_OP && k < np; k++) {
            struct hf_table_stats *st = hf_runtime_instance_stats(rt, i, k);
            if (!atomic_load(&st->has_state))
                continue;
            state = true;
            entries += (uint64_t)hf_gauge_read(&st->state_entries);
            bytes += (uint64_t)hf_gauge_read(&st->state_bytes);
        }
        if (!state)
            continue;
        struct json_object *o = json_object_new_object();
        char nid[16];
        snprintf(nid, sizeof nid, "n%u", n->id + 1);
        json_object_object_add(o, "node", json_object_new_string(nid));
        json_object_object_add(o, "operator",
                               json_object_new_string(n->op->name));
        add_u(o, "state_entries", entries);
        add_u(o, "state_size_bytes", bytes);
        json_object_array_add(ops, o);
    }
    json_object_object_add(root, "stateful_operators", ops);
    struct hf_ckpt_metrics *ck = hf_runtime_ckpt_metrics(rt);
    struct json_object *last = NULL;
    if (hf_gauge_read(&ck->last_id) > 0) {
        last = json_object_new_object();
        add_u(last, "id", (uint64_t)hf_gauge_read(&ck->last_id));
        add_u(last, "completed_timestamp_ms",
              (uint64_t)hf_gauge_read(&ck->last_completed_ms));
        add_u(last, "size_bytes", (uint64_t)hf_gauge_read(&ck->last_size));
    }
    json_object_object_add(root, "last_checkpoint", last);
}

int hf_summary_json_write(struct hf_job *job, struct hf_runtime *rt,
                          const char *status, const char *error,
                          double elapsed_s, const char *path,
                          struct hf_error *err)
{
    struct json_object *root = json_object_new_object();
    const char *name = hf_opts_str(&job->settings, "pipeline.name", NULL);
    json_object_object_add(root, "job", json_object_new_string(job->path));
    json_object_object_add(root, "name",
                           name ? json_object_new_string(name) : NULL);
    json_object_object_add(root, "status", json_object_new_string(status));
    json_object_object_add(root, "error",
                           error ? json_object_new_string(error) : NULL);
    json_object_object_add(root, "elapsed_seconds",
                           json_object_new_double(elapsed_s));
    struct json_object *srcs = json_object_new_array();
    struct json_object *sinks = json_object_new_array();
    uint64_t written = 0, dirty = 0, read = 0;
    const struct hf_graph *g = &job->graph;
    for (uint32_t i = 0; i < g->nnodes; i++) {
        const struct hf_node *n = &g->nodes[i];
        struct hf_table_stats *st = hf_runtime_node_stats(rt, i);
        if (n->kind == HF_NODE_OP)
            continue;
        struct json_object *o = json_object_new_object();
        char nid[16];
        snprintf(nid, sizeof nid, "n%u", n->id + 1);
        json_object_object_add(o, "node", json_object_new_string(nid));
        json_object_object_add(o, "table",
                               json_object_new_string(n->table->name));
        json_object_object_add(
            o, "connector", json_object_new_string(n->table->connector->name));
        if (n->kind == HF_NODE_SOURCE) {
            add_u(o, "records_read", atomic_load(&st->rows_in));
            add_u(o, "rows_passed_on", atomic_load(&st->rows_out));
            add_u(o, "records_skipped", atomic_load(&st->skipped));
            add_u(o, "fields_set_to_null", atomic_load(&st->nulled));
            add_u(o, "bytes_read", atomic_load(&st->bytes_in));
            read += atomic_load(&st->rows_in);
            json_object_array_add(srcs, o);
        } else {
            add_u(o, "rows_received", atomic_load(&st->rows_in));
            add_u(o, "rows_written", atomic_load(&st->rows_out));
            add_u(o, "dirty_rows", atomic_load(&st->dirty));
            add_u(o, "flushes", atomic_load(&st->flushes));
            add_u(o, "retries", atomic_load(&st->retries));
            written += atomic_load(&st->rows_out);
            dirty += atomic_load(&st->dirty);
            json_object_array_add(sinks, o);
        }
    }
    json_object_object_add(root, "sources", srcs);
    json_object_object_add(root, "sinks", sinks);
    struct json_object *tot = json_object_new_object();
    add_u(tot, "records_read", read);
    add_u(tot, "rows_written", written);
    add_u(tot, "dirty_rows", dirty);
    json_object_object_add(
        tot, "rows_per_second",
        json_object_new_double(elapsed_s > 0 ? (double)written / elapsed_s
                                             : 0));
    json_object_object_add(root, "total", tot);
    hf_lookup_summary_json(root, g);
    add_u(root, "checkpoints_completed",
          atomic_load(&hf_runtime_ckpt_metrics(rt)->completed));
    add_state_ckpt(root, job, rt);

    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    int rc = -1;
    if (f == NULL) {
        hf_error_set(err, HF_ERR_IO, "--summary-json %s: %s", path,
                     strerror(errno));
    } else {
        const char *text = json_object_to_json_string_ext(
            root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
        bool ok = fputs(text, f) >= 0 && fputc('\n', f) != EOF;
        ok = (fclose(f) == 0) && ok;
        if (!ok || rename(tmp, path) != 0) {
            hf_error_set(err, HF_ERR_IO, "--summary-json %s: %s", path,
                         strerror(errno));
            remove(tmp);
        } else {
            rc = 0;
        }
    }
    json_object_put(root);
    return rc;
}
