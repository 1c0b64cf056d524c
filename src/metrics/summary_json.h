/*
 * summary_json.h - the final summary of a run as JSON, for schedulers
 * (--summary-json FILE, docs/operability.md).
 */
#ifndef HF_METRICS_SUMMARY_JSON_H
#define HF_METRICS_SUMMARY_JSON_H

#include "core/error.h"

struct hf_job;
struct hf_runtime;

/* Writes the summary of job/rt (borrowed) to path (replaced through a
 * temporary file and rename, so a reader never sees half of it). status
 * is FINISHED, STOPPED or FAILED; error the failure's message or NULL.
 * 0, or -1 with err. */
int hf_summary_json_write(struct hf_job *job, struct hf_runtime *rt,
                          const char *status, const char *error,
                          double elapsed_s, const char *path,
                          struct hf_error *err);

#endif
