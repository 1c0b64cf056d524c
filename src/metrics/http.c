/*
 * http.c - the job's HTTP endpoint (Debian libmicrohttpd, its own
 * thread): Prometheus metrics at /metrics, the REST API modelled on
 * Flink's (/jobs/overview, /jobs/<id>, /jobs/<id>/checkpoints,
 * POST /jobs/<id>/stop) and the dashboard page at /. docs/operability.md
 * documents every response.
 *
 * It only reads the job's metrics (job_metrics.h); the one thing it
 * changes is the job's stop request, set exactly as SIGTERM sets it, so a
 * stop through the API ends the job as a SIGTERM does (sinks flush,
 * exit 143).
 *
 * @locality start/stop: the job's thread; handlers: the server's thread.
 */
#include "metrics/http.h"

#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "metrics/dashboard.h"
#include "runtime/plan.h"

struct hf_http {
    struct MHD_Daemon *d;
    struct hf_job_metrics *jm;
    unsigned port;
};

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status,
                             const char *type, const char *body, size_t len)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (r == NULL)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    enum MHD_Result rc = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return rc;
}

static enum MHD_Result reply_error(struct MHD_Connection *c, unsigned status,
                                   const char *msg)
{
    char body[512];
    int n = snprintf(body, sizeof body, "{\"errors\":[\"%s\"]}", msg);
    return reply(c, status, "application/json", body, (size_t)n);
}

/* "/jobs/<id><rest>": whether url names this job, and what follows. */
static const char *job_path(struct hf_http *h, const char *url)
{
    const char *id = hf_job_metrics_id(h->jm);
    size_t n = strlen(id);
    if (strncmp(url, "/jobs/", 6) != 0 || strncmp(url + 6, id, n) != 0)
        return NULL;
    return url + 6 + n;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c,
                              const char *url, const char *method,
                              const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    (void)version;
    (void)upload;
    struct hf_http *h = cls;
    bool post = strcmp(method, "POST") == 0;
    if (post) {
        /* a POST comes in calls: headers, body parts, the end */
        static int marker;
        if (*con_cls == NULL) {
            *con_cls = &marker;
            return MHD_YES;
        }
        if (*upload_size != 0) {
            *upload_size = 0; /* the body is ignored */
            return MHD_YES;
        }
    } else if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        return reply_error(c, MHD_HTTP_METHOD_NOT_ALLOWED,
                           "only GET, HEAD and POST");
    }
    const char *rest = job_path(h, url);
    if (post) {
        if (rest && strcmp(rest, "/stop") == 0) {
            struct hf_job *job = hf_job_metrics_job(h->jm);
            hf_log_info("stop requested through the REST API");
            atomic_store(&job->stop_signal, SIGTERM);
            atomic_store(&job->stopping, 1);
            char body[96];
            int n = snprintf(body, sizeof body, "{\"request-id\":\"%s\"}",
                             hf_job_metrics_id(h->jm));
            return reply(c, MHD_HTTP_ACCEPTED, "application/json", body,
                         (size_t)n);
        }
        return reply_error(c, MHD_HTTP_NOT_FOUND, "Not found");
    }
    if (strcmp(url, "/") == 0)
        return reply(c, MHD_HTTP_OK, "text/html; charset=utf-8",
                     hf_dashboard_html, strlen(hf_dashboard_html));
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    const char *type = "application/json";
    if (strcmp(url, "/metrics") == 0) {
        hf_metrics_render(hf_job_metrics_registry(h->jm), &sb);
        type = "text/plain; version=0.0.4; charset=utf-8";
    } else if (strcmp(url, "/jobs/overview") == 0 ||
               strcmp(url, "/jobs") == 0) {
        hf_job_metrics_overview_json(h->jm, &sb);
    } else if (rest && (*rest == '\0' || strcmp(rest, "/") == 0)) {
        hf_job_metrics_detail_json(h->jm, &sb);
    } else if (rest && strcmp(rest, "/checkpoints") == 0) {
        hf_job_metrics_checkpoints_json(h->jm, &sb);
    } else {
        hf_strbuf_free(&sb);
        return reply_error(c, MHD_HTTP_NOT_FOUND, "Not found");
    }
    enum MHD_Result rc =
        hf_strbuf_ok(&sb)
            ? reply(c, MHD_HTTP_OK, type, sb.data, sb.len)
            : reply_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
    hf_strbuf_free(&sb);
    return rc;
}

/* "9249" or "9250-9260" into lo..hi; 0 or -1. */
static int parse_ports(const char *s, unsigned *lo, unsigned *hi)
{
    char *end;
    unsigned long a = strtoul(s, &end, 10);
    unsigned long b = a;
    if (end == s)
        return -1;
    if (*end == '-') {
        const char *t = end + 1;
        b = strtoul(t, &end, 10);
        if (end == t)
            return -1;
    }
    if (*end != '\0' || a == 0 || a > 65535 || b < a || b > 65535)
        return -1;
    *lo = (unsigned)a;
    *hi = (unsigned)b;
    return 0;
}

struct hf_http *hf_http_start(struct hf_job_metrics *jm, const char *ports,
                              struct hf_error *err)
{
    unsigned lo, hi;
    if (parse_ports(ports, &lo, &hi) != 0) {
        hf_error_set(err, HF_ERR_OPTION,
                     "metrics.reporter.prom.port: '%s' is not a port or a "
                     "range of ports such as 9250-9260",
                     ports);
        return NULL;
    }
    struct hf_http *h = calloc(1, sizeof *h);
    if (h == NULL) {
        hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        return NULL;
    }
    h->jm = jm;
    for (unsigned p = lo; p <= hi && h->d == NULL; p++) {
        h->d = MHD_start_daemon(
            MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_DUAL_STACK, (uint16_t)p,
            NULL, NULL, handle, h, MHD_OPTION_CONNECTION_TIMEOUT, 30u,
            MHD_OPTION_END);
        if (h->d == NULL) /* no IPv6 here: IPv4 only */
            h->d = MHD_start_daemon(
                MHD_USE_INTERNAL_POLLING_THREAD, (uint16_t)p, NULL, NULL,
                handle, h, MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
        h->port = p;
    }
    if (h->d == NULL) {
        hf_error_set(err, HF_ERR_FAIL,
                     "metrics.reporter.prom.port: cannot listen on port%s "
                     "%s (in use?); choose a free port or a range",
                     lo == hi ? "" : "s", ports);
        free(h);
        return NULL;
    }
    hf_log_info("metrics at http://localhost:%u/metrics, REST API at "
                "/jobs/overview, dashboard at http://localhost:%u/ (job id "
                "%s)",
                h->port, h->port, hf_job_metrics_id(jm));
    return h;
}

unsigned hf_http_port(const struct hf_http *h)
{
    return h->port;
}

void hf_http_stop(struct hf_http *h)
{
    if (h == NULL)
        return;
    MHD_stop_daemon(h->d);
    free(h);
}
