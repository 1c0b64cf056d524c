/*
 * lookup_metrics.h - the lookup joins' counters (ops/lookup_join.h:
 * requests, keys asked, retries, and the cache's hits, misses, evictions,
 * expiries, reloads, records and bytes held) as metrics of the registry
 * (/metrics) and as the "lookups" array of the JSON summary
 * (lookup_metrics.c; docs/operability.md).
 */
#ifndef HF_METRICS_LOOKUP_METRICS_H
#define HF_METRICS_LOOKUP_METRICS_H

#include "metrics/metrics.h"
#include "runtime/plan.h"

struct json_object;

/* Register the metrics of node `n` when it is a lookup join (nothing
 * otherwise), labelled job, table (the dimension table) and node. The
 * counters are borrowed from the node's spec. 0, or -1 out of memory. */
int hf_lookup_metrics_register(struct hf_metrics *m, const char *job,
                               const struct hf_node *n);

/* Add "lookups": one object per lookup join of `g`, to the summary
 * object `root`. */
void hf_lookup_summary_json(struct json_object *root, const struct hf_graph *g);

#endif
