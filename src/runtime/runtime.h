/*
 * runtime.h - running a planned job (see runtime.c for the threading and
 * checkpoint protocol).
 */
#ifndef HF_RUNTIME_RUNTIME_H
#define HF_RUNTIME_RUNTIME_H

#include <stdint.h>
#include <stdio.h>

#include "core/error.h"
#include "runtime/plan.h"

struct hf_runtime;

/* Prepare threads' state and batches for `job` (borrowed; must outlive the
 * runtime). Returns a new runtime or NULL with err. */
struct hf_runtime *hf_runtime_new(struct hf_job *job, struct hf_error *err);
/* Run every pipeline to its end, a stop request (job->stopping) or the
 * first failure. Returns 0, or -1 with the failure in err. */
int hf_runtime_run(struct hf_runtime *rt, struct hf_error *err);
/* Rows in/out per table, skipped and dirty rows, elapsed, rows/s. */
void hf_runtime_summary(const struct hf_runtime *rt, FILE *out);
/* Totals over the job's tables: records read and skipped by sources, rows
 * written by sinks, dirty rows of both. */
void hf_runtime_totals(const struct hf_runtime *rt, uint64_t *read,
                       uint64_t *skipped, uint64_t *written, uint64_t *dirty);
/* For a throttled job's measured rate (holoflow sync's report), after
 * hf_runtime_run: rows the sources passed on (what the record limit
 * bounds), bytes they read (what the byte limit bounds: the bytes a
 * source counts itself, file and Kafka sources, else DataX's byte size of
 * the rows passed on, counted when the job has a byte limit or
 * hf_job.count_row_bytes; 0 otherwise), and the transfer time in
 * microseconds: from the engine's start (the bucket's empty start) until
 * every sink had finished (its final flush: a bulk load's COMMIT); and
 * the reading time, from the engine's start until the last source's end
 * (the throttle's own accuracy, without the commit). */
void hf_runtime_transfer(const struct hf_runtime *rt, uint64_t *passed,
                         uint64_t *bytes, int64_t *usec, int64_t *read_usec);
void hf_runtime_destroy(struct hf_runtime *rt);

/* For metrics/ (any thread, while the runtime exists), by graph node
 * index i (job->graph.nodes[i]): the counters of its first instance
 * (every node has them; the runtime counts rows in and out of operators
 * and each node's last watermark; sources and sinks have one instance),
 * or NULL past the last node; how many instances node i runs (keyed
 * operators: parallelism.default; 0 past the last node); the counters of
 * its instance k (subtask k), or NULL; the checkpoint coordinator's
 * record. Borrowed. */
struct hf_table_stats *hf_runtime_node_stats(struct hf_runtime *rt,
                                             uint32_t i);
uint32_t hf_runtime_node_parallelism(struct hf_runtime *rt, uint32_t i);
struct hf_table_stats *hf_runtime_instance_stats(struct hf_runtime *rt,
                                                 uint32_t i, uint32_t k);
struct hf_ckpt_metrics *hf_runtime_ckpt_metrics(struct hf_runtime *rt);

#endif
