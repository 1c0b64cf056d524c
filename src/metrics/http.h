/*
 * http.h - the job's HTTP endpoint: /metrics (Prometheus), the REST API
 * and the dashboard (see http.c, docs/operability.md).
 *
 * @locality the job's thread.
 */
#ifndef HF_METRICS_HTTP_H
#define HF_METRICS_HTTP_H

#include "core/error.h"
#include "metrics/job_metrics.h"

struct hf_http;

/* Listen on the first free port of `ports` ("9249" or "9250-9260"), on
 * every interface, serving jm (borrowed; must outlive the server).
 * Returns the server, or NULL with err (a bad value: HF_ERR_OPTION). */
struct hf_http *hf_http_start(struct hf_job_metrics *jm, const char *ports,
                              struct hf_error *err);
unsigned hf_http_port(const struct hf_http *h);
/* Stop serving (waits for requests in flight); NULL is a no-op. */
void hf_http_stop(struct hf_http *h);

#endif
