/*
 * job_metrics.h - the metrics of one running job and its REST views: the
 * registry filled from the runtime's per-node counters and the checkpoint
 * coordinator's record (names in docs/operability.md), and the JSON of
 * GET /jobs/overview, /jobs/<id> and /jobs/<id>/checkpoints.
 *
 * @locality new/destroy: the job's thread, around the runtime's life;
 * everything else: any thread while it exists.
 */
#ifndef HF_METRICS_JOB_METRICS_H
#define HF_METRICS_JOB_METRICS_H

#include "core/error.h"
#include "core/strbuf.h"
#include "metrics/metrics.h"

struct hf_job;
struct hf_runtime;
struct hf_job_metrics;

/* Borrows job and rt (both must outlive it). Returns NULL with err. */
struct hf_job_metrics *hf_job_metrics_new(struct hf_job *job,
                                          struct hf_runtime *rt,
                                          struct hf_error *err);
void hf_job_metrics_destroy(struct hf_job_metrics *jm);

struct hf_metrics *hf_job_metrics_registry(struct hf_job_metrics *jm);
/* The job id: 32 lowercase hex digits, as Flink's JobID. */
const char *hf_job_metrics_id(const struct hf_job_metrics *jm);
struct hf_job *hf_job_metrics_job(struct hf_job_metrics *jm);

/* Append the JSON documents of the REST API (docs/operability.md). */
void hf_job_metrics_overview_json(struct hf_job_metrics *jm,
                                  struct hf_strbuf *out);
void hf_job_metrics_detail_json(struct hf_job_metrics *jm,
                                struct hf_strbuf *out);
void hf_job_metrics_checkpoints_json(struct hf_job_metrics *jm,
                                     struct hf_strbuf *out);

#endif
