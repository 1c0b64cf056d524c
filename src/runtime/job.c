/*
 * job.c - the public job API of holoflow.h: load (parse + plan), explain,
 * run with signal handling, stop, destroy.
 *
 * SIGINT and SIGTERM ask the running job to stop: sources stop reading,
 * sinks flush what they have and close, and hf_job_run returns
 * HF_ERR_INTERRUPTED (the CLI exits 130 or 143). A second signal while
 * stopping exits at once.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ops/lookup_join.h"
#include "core/log.h"
#include "formats/format.h"
#include "metrics/http.h"
#include "metrics/progress.h"
#include "metrics/summary_json.h"
#include "holoflow.h"
#include "runtime/plan.h"
#include "ops/op.h"
#include "runtime/runtime.h"
#include "sql/planner.h"

struct hf_job *hf_job_load(const char *path, const char *const *sets,
                           size_t nsets, hf_err_t *errp, char *errstr,
                           size_t errstr_size)
{
    struct hf_error err;
    hf_error_clear(&err);
    struct hf_job *job = NULL;
    if (hf_sql_plan_file(path, sets, nsets, &job, &err) != 0) {
        hf_scrub(err.msg, sizeof err.msg);
        hf_error_export(&err, errp, errstr, errstr_size);
        return NULL;
    }
    if (errp)
        *errp = HF_OK;
    return job;
}

void hf_job_destroy(struct hf_job *job)
{
    hf_job_free(job);
}

static const char *table_role(const struct hf_job *job,
                              const struct hf_table_def *t)
{
    bool src = false, sink = false, lookup = false;
    for (uint32_t i = 0; i < job->graph.nnodes; i++) {
        const struct hf_node *n = &job->graph.nodes[i];
        src |= n->kind == HF_NODE_SOURCE && n->table == t;
        sink |= n->kind == HF_NODE_SINK && n->table == t;
        lookup |= n->op == &hf_op_lookup_join &&
                  ((const struct hf_lookup_spec *)n->spec)->dim == t;
    }
    if (lookup)
        return src && sink ? "source, sink, lookup"
               : src       ? "source, lookup"
               : sink      ? "sink, lookup"
                           : "lookup";
    return src && sink ? "source, sink" : src ? "source" : sink ? "sink"
                                                              : "unused";
}

void hf_job_explain(const struct hf_job *job, void *outp)
{
    FILE *out = outp;
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    hf_strbuf_printf(&sb, "job %s\n", job->path);
    hf_strbuf_puts(&sb, "settings:\n");
    hf_opts_describe(&job->settings, 2, &sb);
    for (uint32_t i = 0; i < job->ntables; i++) {
        const struct hf_table_def *t = job->tables[i];
        char ty[96];
        hf_strbuf_printf(&sb, "table %s (%s) connector '%s'\n", t->name,
                         table_role(job, t), t->connector->name);
        for (uint32_t c = 0; c < t->schema.ncols; c++) {
            const struct hf_column *col = &t->schema.cols[c];
            hf_strbuf_printf(&sb, "  column %s %s%s%s%s%s\n", col->name,
                             hf_type_name(&col->type, ty, sizeof ty),
                             col->type.not_null ? " NOT NULL" : "",
                             col->kind == HF_COL_METADATA   ? " METADATA"
                             : col->kind == HF_COL_PROCTIME ? " PROCTIME"
                             : col->kind == HF_COL_COMPUTED ? " AS "
                                                            : "",
                             col->kind == HF_COL_COMPUTED && col->expr
                                 ? col->expr
                                 : "",
                             col->kind == HF_COL_METADATA && col->is_virtual
                                 ? " VIRTUAL"
                                 : "");
        }
        if (t->watermark)
            hf_strbuf_printf(&sb, "  watermark for %s as %s\n",
                             t->schema.cols[t->watermark->rowtime].name,
                             t->watermark->text);
        if (t->note && strcmp(t->note, t->name) != 0)
            hf_strbuf_printf(&sb, "  read %s\n", t->note);
        if (t->schema.npk) {
            hf_strbuf_puts(&sb, "  primary key (");
            for (uint32_t k = 0; k < t->schema.npk; k++)
                hf_strbuf_printf(&sb, "%s%s", k ? ", " : "",
                                 t->schema.cols[t->schema.pk[k]].name);
            hf_strbuf_puts(&sb, ")\n");
        }
        hf_strbuf_puts(&sb, "  options:\n");
        hf_opts_describe(&t->opts, 4, &sb);
        const char *role = table_role(job, t);
        bool read_only = strcmp(role, "source") == 0;
        if (t->connector->describe && strcmp(role, "lookup") != 0 &&
            !(read_only && t->connector->describe_source))
            t->connector->describe(
                t,
                hf_opts_enum(&job->settings, "execution.runtime-mode", NULL) ==
                    1,
                &sb);
        if (t->connector->describe_source && strstr(role, "source"))
            t->connector->describe_source(t, &sb);
        if (t->format) {
            hf_strbuf_printf(&sb, "  format '%s':\n", t->format->name);
            hf_opts_describe(&t->format_opts, 4, &sb);
        }
        if (t->key_format) {
            hf_strbuf_printf(&sb, "  key format '%s':\n", t->key_format->name);
            hf_opts_describe(&t->key_format_opts, 4, &sb);
        }
    }
    hf_graph_explain(&job->graph, &sb);
    /* How many instances each keyed operator runs (runtime.c decides the
     * same way; docs/parallelism.md). */
    int64_t par = hf_opts_int(&job->settings, "parallelism.default", NULL);
    if (par > 1) {
        hf_strbuf_printf(&sb, "parallelism.default = %lld:\n", (long long)par);
        for (uint32_t i = 0; i < job->graph.nnodes; i++) {
            const struct hf_node *n = &job->graph.nodes[i];
            if (n->kind != HF_NODE_OP || n->op->route_key == NULL)
                continue;
            if (n->single)
                hf_strbuf_printf(&sb, "  n%u %s: one instance (%s)\n",
                                 n->id + 1, n->op->name, n->single);
            else
                hf_strbuf_printf(&sb, "  n%u %s: %lld instances\n", n->id + 1,
                                 n->op->name, (long long)par);
        }
    }
    if (hf_strbuf_ok(&sb)) {
        hf_fputs_scrubbed(sb.data, out); /* masks may be longer */
    }
    hf_strbuf_free(&sb);
}

/* ------------------------------------------------------------ signals */

static struct hf_job *volatile running_job;

static void on_signal(int sig)
{
    struct hf_job *job = running_job;
    if (job == NULL)
        return;
    if (atomic_load(&job->stopping)) {
        static const char msg[] = "holoflow: second signal, exiting now\n";
        ssize_t w = write(2, msg, sizeof msg - 1);
        (void)w;
        _exit(128 + sig);
    }
    atomic_store(&job->stop_signal, sig);
    atomic_store(&job->stopping, 1);
}

void hf_job_stop(struct hf_job *job)
{
    atomic_store(&job->stopping, 1);
}

int hf_job_stop_signal(const struct hf_job *job)
{
    return atomic_load(&((struct hf_job *)job)->stop_signal);
}

hf_err_t hf_job_run(struct hf_job *job, int install_signals, char *errstr,
                    size_t errstr_size)
{
    struct hf_error err;
    hf_error_clear(&err);
    struct sigaction sa, old_int, old_term;
    if (install_signals) {
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        running_job = job;
        sigaction(SIGINT, &sa, &old_int);
        sigaction(SIGTERM, &sa, &old_term);
    }
    struct hf_runtime *rt = hf_runtime_new(job, &err);
    int rc = -1;
    struct hf_job_metrics *jm = NULL;
    struct hf_http *http = NULL;
    if (rt && (hf_opts_isset(&job->settings, "metrics.reporter.prom.port",
                             NULL) ||
               hf_opts_isset(&job->settings,
                             "metrics.reporter.prom.factory.class", NULL))) {
        jm = hf_job_metrics_new(job, rt, &err);
        const char *port = hf_opts_str(&job->settings,
                                       "metrics.reporter.prom.port", NULL);
        http = jm ? hf_http_start(jm, port ? port : "9249", &err) : NULL;
        if (http == NULL) {
            hf_job_metrics_destroy(jm);
            hf_runtime_destroy(rt);
            rt = NULL;
        }
    }
    if (rt) {
        hf_log_info("job %s started: %u INSERT(s), %u graph node(s)",
                    job->path, hf_graph_nsinks(&job->graph),
                    job->graph.nnodes);
        struct hf_progress *prog = NULL;
        const struct hf_opts *o = &job->settings;
        int64_t every = hf_opts_int(o, "holoflow.progress.interval", NULL);
        bool tty = isatty(2);
        if (install_signals && every > 0 &&
            (tty || hf_opts_isset(o, "holoflow.progress.interval", NULL) ||
             hf_opts_enum(o, "execution.runtime-mode", NULL) == 1))
            prog = hf_progress_start(job, rt, every, tty, stderr);
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        rc = hf_runtime_run(rt, &err);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        hf_progress_stop(prog);
        hf_runtime_summary(rt, stderr);
        if (rc != 0) /* before it goes into the JSON summary */
            hf_scrub(err.msg, sizeof err.msg);
        const char *sj = hf_opts_str(o, "holoflow.summary.json", NULL);
        struct hf_error jerr;
        hf_error_clear(&jerr);
        if (sj &&
            hf_summary_json_write(
                job, rt,
                rc != 0                              ? "FAILED"
                : atomic_load(&job->stop_signal) ? "STOPPED"
                                                     : "FINISHED",
                rc != 0 ? err.msg : NULL,
                (double)(t1.tv_sec - t0.tv_sec) +
                    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
                sj, &jerr) != 0)
            hf_log_error("%s", jerr.msg);
        hf_http_stop(http);
        hf_job_metrics_destroy(jm);
        hf_runtime_totals(rt, &job->tot_read, &job->tot_skipped,
                          &job->tot_written, &job->tot_dirty);
        hf_runtime_transfer(rt, &job->tot_passed, &job->tot_bytes,
                            &job->transfer_usec, &job->read_usec);
        hf_runtime_destroy(rt);
    }
    if (install_signals) {
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGTERM, &old_term, NULL);
        running_job = NULL;
    }
    if (rc != 0) {
        hf_scrub(err.msg, sizeof err.msg);
        hf_error_export(&err, NULL, errstr, errstr_size);
        return err.code;
    }
    if (atomic_load(&job->stop_signal))
        return HF_ERR_INTERRUPTED;
    return HF_OK;
}
