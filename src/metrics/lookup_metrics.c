/*
 * lookup_metrics.c - the lookup joins' counters in the metrics registry
 * and in the JSON summary (lookup_metrics.h). The names follow Flink's
 * lookup cache metrics (FLIP-221: hitCount, missCount, numCachedRecords,
 * numCachedBytes, loadCount) as Prometheus families:
 *   holoflow_lookup_requests_total, _keys_asked_total, _retries_total,
 *   holoflow_lookup_cache_hits_total, _misses_total, _evictions_total,
 *   _expired_total, _reloads_total, holoflow_lookup_cache_records and
 *   _bytes (gauges: keys and bytes the cache holds now).
 * Each carries the labels job, table (the dimension) and node.
 */
#include "metrics/lookup_metrics.h"

#include <json-c/json.h>
#include <stddef.h>
#include <stdio.h>

#include "ops/lookup_join.h"

static double load_u64(const void *arg)
{
    return (double)atomic_load((const atomic_uint_fast64_t *)arg);
}

int hf_lookup_metrics_register(struct hf_metrics *m, const char *job,
                               const struct hf_node *n)
{
    if (n->kind != HF_NODE_OP || n->op != &hf_op_lookup_join)
        return 0;
    struct hf_lookup_spec *s = n->spec;
    struct hf_lookup_counters *c = &s->stats;
    struct hf_strbuf lb;
    hf_strbuf_init(&lb, 0);
    char nid[16];
    snprintf(nid, sizeof nid, "n%u", n->id + 1);
    hf_metrics_label(&lb, "job", job);
    hf_metrics_label(&lb, "table", s->dim->name);
    hf_metrics_label(&lb, "node", nid);
    int rc = hf_strbuf_ok(&lb) ? 0 : -1;
    const char *l = lb.data;
    static const struct {
        const char *name, *help;
        size_t off;
    } ctr[] = {
        {"holoflow_lookup_requests_total",
         "Requests sent to the lookup table's server",
         offsetof(struct hf_lookup_counters, requests)},
        {"holoflow_lookup_keys_asked_total",
         "Keys asked of the server (not answered by the cache)",
         offsetof(struct hf_lookup_counters, keys_asked)},
        {"holoflow_lookup_retries_total",
         "Lookups sent again: requests resent after a connection failure "
         "(lookup.max-retries) and keys asked again after a miss (LOOKUP "
         "hint)",
         offsetof(struct hf_lookup_counters, retries)},
        {"holoflow_lookup_cache_hits_total",
         "Keys answered by the cache (Flink hitCount)",
         offsetof(struct hf_lookup_counters, hits)},
        {"holoflow_lookup_cache_misses_total",
         "Keys the cache did not answer (Flink missCount)",
         offsetof(struct hf_lookup_counters, misses)},
        {"holoflow_lookup_cache_evictions_total",
         "Cache entries evicted by its row or byte bound",
         offsetof(struct hf_lookup_counters, evictions)},
        {"holoflow_lookup_cache_expired_total",
         "Cache entries dropped as expired",
         offsetof(struct hf_lookup_counters, expired)},
        {"holoflow_lookup_cache_reloads_total",
         "FULL cache loads (Flink loadCount)",
         offsetof(struct hf_lookup_counters, reloads)},
    };
    for (size_t i = 0; i < sizeof ctr / sizeof *ctr; i++)
        rc |= hf_metrics_counter_u64(
            m, ctr[i].name, ctr[i].help, l,
            (const atomic_uint_fast64_t *)((const char *)c + ctr[i].off));
    rc |=
        hf_metrics_callback(m, HF_METRIC_GAUGE, "holoflow_lookup_cache_records",
                            "Keys the cache holds now, each with its rows "
                            "(Flink numCachedRecords)",
                            l, load_u64, &c->cached_keys);
    rc |= hf_metrics_callback(m, HF_METRIC_GAUGE, "holoflow_lookup_cache_bytes",
                              "Bytes the cache holds now (Flink "
                              "numCachedBytes)",
                              l, load_u64, &c->cached_bytes);
    hf_strbuf_free(&lb);
    return rc ? -1 : 0;
}

static void add_u(struct json_object *o, const char *k,
                  const atomic_uint_fast64_t *v)
{
    json_object_object_add(o, k,
                           json_object_new_int64((int64_t)atomic_load(v)));
}

void hf_lookup_summary_json(struct json_object *root, const struct hf_graph *g)
{
    static const char *const cn[] = {"NONE", "PARTIAL", "FULL"};
    struct json_object *arr = json_object_new_array();
    for (uint32_t i = 0; i < g->nnodes; i++) {
        const struct hf_node *n = &g->nodes[i];
        if (n->kind != HF_NODE_OP || n->op != &hf_op_lookup_join)
            continue;
        const struct hf_lookup_spec *s = n->spec;
        const struct hf_lookup_counters *c = &s->stats;
        struct json_object *o = json_object_new_object();
        char nid[16];
        snprintf(nid, sizeof nid, "n%u", n->id + 1);
        json_object_object_add(o, "node", json_object_new_string(nid));
        json_object_object_add(o, "table",
                               json_object_new_string(s->dim->name));
        json_object_object_add(o, "connector",
                               json_object_new_string(s->dim->connector->name));
        json_object_object_add(o, "cache",
                               json_object_new_string(cn[s->conf.cache]));
        add_u(o, "rows_in", &c->rows_in);
        add_u(o, "rows_out", &c->rows_out);
        add_u(o, "keys_asked", &c->keys_asked);
        add_u(o, "requests", &c->requests);
        add_u(o, "retries", &c->retries);
        add_u(o, "cache_hits", &c->hits);
        add_u(o, "cache_misses", &c->misses);
        add_u(o, "cache_evictions", &c->evictions);
        add_u(o, "cache_expired", &c->expired);
        add_u(o, "cache_records", &c->cached_keys);
        add_u(o, "cache_bytes", &c->cached_bytes);
        add_u(o, "cache_reloads", &c->reloads);
        json_object_array_add(arr, o);
    }
    json_object_object_add(root, "lookups", arr);
}
