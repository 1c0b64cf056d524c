/*
 * lag_parts.h - a Kafka source's consumer lag per assigned partition, for
 * the metrics (holoflow_source_partition_records_lag{topic,partition},
 * Flink's per-partition records-lag of the Kafka consumer metric group).
 *
 * The source's thread replaces the whole set after every batch it reads
 * (begin, one set per assigned partition, end: partitions not set since
 * begin were revoked and are dropped); the HTTP thread reads it with
 * hf_lag_parts_each. One mutex guards both; it is held for a loop over
 * the assigned partitions, never across I/O.
 *
 * The table is created on first use by hf_lag_parts_get, owned by the
 * struct hf_table_stats that points to it, and freed by the runtime with
 * hf_lag_parts_destroy when the node's stats go.
 *
 * @locality begin/set/end: the source's thread; each: any thread.
 */
#ifndef HF_METRICS_LAG_PARTS_H
#define HF_METRICS_LAG_PARTS_H

#include <stdatomic.h>
#include <stdint.h>

struct hf_lag_parts;

/* The table *slot points to, created (atomically, first caller wins) when
 * NULL. NULL on out of memory. */
struct hf_lag_parts *hf_lag_parts_get(struct hf_lag_parts *_Atomic *slot);
void hf_lag_parts_destroy(struct hf_lag_parts *lp);

void hf_lag_parts_begin(struct hf_lag_parts *lp);
/* topic is copied (at most 249 bytes, Kafka's limit). */
void hf_lag_parts_set(struct hf_lag_parts *lp, const char *topic,
                      int32_t partition, int64_t lag);
void hf_lag_parts_end(struct hf_lag_parts *lp);

/* Calls fn for every partition, in the order they were first set. */
void hf_lag_parts_each(struct hf_lag_parts *lp,
                       void (*fn)(void *ctx, const char *topic,
                                  int32_t partition, int64_t lag),
                       void *ctx);

#endif
