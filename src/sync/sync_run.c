/*
 * sync_run.c - `holoflow sync`: the public hf_sync_* calls.
 *
 * hf_sync_load parses the job file and builds its SQL job (sync_sql.c);
 * hf_sync_run runs the writer's preSql, then that SQL job through the
 * same planner and runtime as `holoflow run`, then checks
 * errorLimit.percentage, runs postSql, and prints DataX's end-of-job
 * report (and writes it as JSON with --report-json).
 *
 * errorLimit.record is enforced while the job runs (the job option
 * holoflow.dirty.max-records: the record over the limit fails the job and
 * the bulk load rolls back). percentage, which DataX checks only at the
 * end, is checked after the load: the job then fails with the percentage
 * named, but the rows are already committed; docs/sync.md says so.
 *
 * preSql and postSql run on their own connection, outside the load's
 * transaction (as in DataX), with @table replaced by the writer's table.
 *
 * Resume: the load's transaction commits the sync's load record with the
 * rows (sync_resume.c); with --resume (hf_sync_set_resume) a load whose
 * record is there is not run again, without it the record is forgotten
 * before the load starts.
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "core/failpoint.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "holoflow.h"
#include "runtime/plan.h"
#include "sql/planner.h"
#include "sync/sync_int.h"

struct hf_sync {
    struct sync_job job;
    char *sql;         /* with the real password */
    char *sql_printed; /* password as ${PGPASSWORD} */
    const char *const *sets; /* hf_sync_set_options: job options */
    size_t nsets;
    bool resume; /* hf_sync_set_resume */
};

void hf_sync_set_resume(hf_sync_t *s, int resume)
{
    s->resume = resume != 0;
}

void hf_sync_set_options(hf_sync_t *s, const char *const *sets, size_t nsets)
{
    s->sets = sets;
    s->nsets = nsets;
}

hf_sync_t *hf_sync_load(const char *path, const char *const *params,
                        size_t nparams, hf_err_t *errp, char *errstr,
                        size_t errstr_size)
{
    return hf_sync_load_shard(path, params, nparams, 0, 1, errp, errstr,
                              errstr_size);
}

hf_sync_t *hf_sync_load_shard(const char *path, const char *const *params,
                              size_t nparams, unsigned shard_index,
                              unsigned shard_count, hf_err_t *errp,
                              char *errstr, size_t errstr_size)
{
    struct hf_error err;
    hf_error_clear(&err);
    struct hf_sync *s = calloc(1, sizeof *s);
    if (s == NULL) {
        hf_error_set(&err, HF_ERR_NOMEM, "out of memory");
        goto fail;
    }
    if (sync_job_parse(path, params, nparams, &s->job, &err) != 0) {
        free(s);
        s = NULL;
        goto fail;
    }
    if (shard_count < 1 || shard_index >= shard_count) {
        hf_error_set(&err, HF_ERR_USAGE, "--shard %u/%u: expected I/N with "
                     "0 <= I < N", shard_index, shard_count);
        hf_sync_destroy(s);
        s = NULL;
        goto fail;
    }
    if (sync_job_shard(&s->job, shard_index, shard_count, &err) != 0) {
        hf_error_prefix(&err, "%s: ", path);
        hf_sync_destroy(s);
        s = NULL;
        goto fail;
    }
    if (s->job.r.conn.password)
        hf_secret_register(s->job.r.conn.password);
    if (s->job.w.conn.password)
        hf_secret_register(s->job.w.conn.password);
    /* The load key is a hash of the printed job, which holds it: the job
     * is built with a placeholder of the key's length, hashed, and the
     * key written over the placeholder. */
    s->job.load_key = strdup(SYNC_LOAD_KEY_PLACEHOLDER);
    if (s->job.load_key == NULL)
        hf_error_set(&err, HF_ERR_NOMEM, "out of memory");
    struct sync_catalog cat;
    if (s->job.load_key != NULL &&
        sync_catalog_read(&s->job, true, &cat, &err) == 0) {
        s->sql = sync_job_sql_from(&s->job, &cat, false, &err);
        if (s->sql)
            s->sql_printed = sync_job_sql_from(&s->job, &cat, true, &err);
        sync_catalog_free(&s->job, &cat);
    }
    if (s->sql_printed) {
        char *key = sync_load_key(s->sql_printed);
        if (key == NULL || strlen(key) != strlen(s->job.load_key)) {
            free(key);
            hf_error_set(&err, HF_ERR_NOMEM, "out of memory");
            free(s->sql_printed);
            s->sql_printed = NULL;
        } else {
            char *texts[2] = {s->sql, s->sql_printed};
            for (int t = 0; t < 2; t++)
                for (char *p = strstr(texts[t], SYNC_LOAD_KEY_PLACEHOLDER); p;
                     p = strstr(p, SYNC_LOAD_KEY_PLACEHOLDER))
                    memcpy(p, key, strlen(key));
            free(s->job.load_key);
            s->job.load_key = key;
        }
    }
    if (s->sql == NULL || s->sql_printed == NULL) {
        hf_error_prefix(&err, "%s: ", path);
        hf_sync_destroy(s);
        s = NULL;
        goto fail;
    }
    if (errp)
        *errp = HF_OK;
    return s;
fail:
    hf_scrub(err.msg, sizeof err.msg);
    hf_error_export(&err, errp, errstr, errstr_size);
    return NULL;
}

const char *hf_sync_sql(const hf_sync_t *s)
{
    return s->sql_printed;
}

void hf_sync_destroy(hf_sync_t *s)
{
    if (s == NULL)
        return;
    sync_job_free(&s->job);
    free(s->sql);
    free(s->sql_printed);
    free(s);
}

/* ------------------------------------------------------------ pre/post */

PGconn *sync_connect_writer(const struct sync_job *j, const char *what,
                            struct hf_error *err)
{
    const struct sync_conn *c = &j->w.conn;
    const char *keys[] = {"host", "port", "dbname", "user", "password",
                          "application_name", NULL};
    const char *vals[] = {c->host, c->port, c->db, c->user, c->password,
                          "holoflow-sync", NULL};
    /* libpq stops at the first NULL key: drop missing user/password */
    const char *k2[7], *v2[7];
    int m = 0;
    for (int i = 0; keys[i]; i++)
        if (vals[i]) {
            k2[m] = keys[i];
            v2[m++] = vals[i];
        }
    k2[m] = v2[m] = NULL;
    PGconn *pg = PQconnectdbParams(k2, v2, 0);
    if (PQstatus(pg) != CONNECTION_OK) {
        hf_error_set(err, HF_ERR_CONNECT, "%s: cannot connect: %s", what,
                     PQerrorMessage(pg));
        PQfinish(pg);
        return NULL;
    }
    return pg;
}

int sync_exec_sqls(const struct sync_job *j, char *const *sqls, size_t n,
                   const char *what, struct hf_error *err)
{
    if (n == 0)
        return 0;
    PGconn *pg = sync_connect_writer(j, what, err);
    if (pg == NULL)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char *q = sync_table_subst(j, sqls[i], err);
        if (q == NULL) {
            hf_error_prefix(err, "%s[%zu]: ", what, i);
            rc = -1;
            break;
        }
        hf_log_info("sync: %s[%zu]: %s", what, i, q);
        PGresult *res = PQexec(pg, q);
        ExecStatusType st = PQresultStatus(res);
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
            rc = hf_error_set(err, HF_ERR_SERVER, "%s[%zu] '%s': %s", what, i,
                              q, PQerrorMessage(pg));
        PQclear(res);
        free(q);
    }
    PQfinish(pg);
    return rc;
}

char *sync_table_subst(const struct sync_job *j, const char *sql,
                       struct hf_error *err)
{
    struct hf_strbuf q;
    hf_strbuf_init(&q, 0);
    for (const char *p = sql; *p;) {
        if (strncmp(p, "@table", 6) == 0) {
            if (sync_put_table(&q, j->w.conn.table, err) != 0) {
                hf_strbuf_free(&q);
                return NULL;
            }
            p += 6;
        } else {
            hf_strbuf_putc(&q, *p++);
        }
    }
    if (!hf_strbuf_ok(&q)) {
        hf_strbuf_free(&q);
        hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        return NULL;
    }
    char *out = q.data ? q.data : strdup(""); /* "" when empty */
    if (out == NULL)
        hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    return out;
}

/* ------------------------------------------------------------ report */

static void fmt_time(time_t t, char *buf, size_t n)
{
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%d %H:%M:%S", &tm);
}

/* `s` as a JSON string, quotes included. */
static void put_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

/* A byte rate as DataX prints it: 253.91KB/s (units of 1024). */
static void fmt_speed(double bps, char *buf, size_t n)
{
    const char *unit[] = {"B", "KB", "MB", "GB", "TB"};
    int u = 0;
    while (bps >= 1024 && u < 4) {
        bps /= 1024;
        u++;
    }
    snprintf(buf, n, "%.2f%s/s", bps, unit[u]);
}

/* DataX's end-of-job report on stderr, and as JSON into json_path. The
 * speeds are over the transfer time (the engine's start until the load's
 * final commit, runtime.h hf_runtime_transfer), the time the throttle's
 * limits are measured over, so they compare with the limits; the elapsed
 * time is the whole sync's (preSql, planning and postSql included). */
static void report(const struct hf_sync *s, const struct hf_job *job,
                   time_t start, time_t end, double secs, const char *status,
                   const char *json_path)
{
    uint64_t read = job ? job->tot_read : 0;
    uint64_t dirty = job ? job->tot_dirty + job->tot_skipped : 0;
    uint64_t written = job ? job->tot_written : 0;
    uint64_t passed = job ? job->tot_passed : 0;
    uint64_t bytes = job ? job->tot_bytes : 0;
    double xfer = job ? (double)job->transfer_usec / 1e6 : 0;
    double rd = job ? (double)job->read_usec / 1e6 : 0;
    char t0[32], t1[32], speed[32];
    fmt_time(start, t0, sizeof t0);
    fmt_time(end, t1, sizeof t1);
    double rps = xfer > 0 ? (double)passed / xfer : 0;
    double bps = xfer > 0 ? (double)bytes / xfer : 0;
    fmt_speed(bps, speed, sizeof speed);
    fprintf(stderr,
            "\n%-26s: %s\n%-26s: %s\n%-26s: %18.0fs\n%-26s: %18.3fs\n"
            "%-26s: %18s\n%-26s: %18.0frec/s\n"
            "%-26s: %18" PRIu64 "\n%-26s: %18" PRIu64 "\n%-26s: %18" PRIu64
            "\n%-26s: %s\n",
            "Job start time", t0, "Job end time", t1, "Total elapsed time",
            secs, "Transfer time", xfer, "Average speed", speed,
            "Record write speed", rps, "Total records read", read,
            "Total records written", written, "Total read/write failures",
            dirty, "Status", status);
    if (json_path == NULL)
        return;
    FILE *f = fopen(json_path, "w");
    if (f == NULL) {
        hf_log_warn("sync: cannot write the report '%s'", json_path);
        return;
    }
    fputs("{\"job\": ", f);
    put_json_str(f, s->job.path);
    fprintf(f,
            ", \"status\": \"%s\", \"start_time\": \"%s\", "
            "\"end_time\": \"%s\", \"elapsed_seconds\": %.3f, "
            "\"transfer_seconds\": %.6f, \"read_seconds\": %.6f, "
            "\"records_read\": %" PRIu64 ", \"records_passed\": %" PRIu64
            ", \"records_written\": %" PRIu64
            ", \"dirty_records\": %" PRIu64 ", \"bytes_read\": %" PRIu64
            ", \"records_per_second\": %.1f, \"bytes_per_second\": %.1f, "
            "\"channels\": %d, \"shard\": \"%u/%u\"}\n",
            status, t0, t1, secs, xfer, rd, read, passed, written,
            dirty, bytes, rps, bps, s->job.channel, s->job.shard_index,
            s->job.shard_count ? s->job.shard_count : 1);
    fclose(f);
}

hf_err_t hf_sync_run(hf_sync_t *s, const char *report_json, char *errstr,
                     size_t errstr_size)
{
    struct hf_error err;
    hf_error_clear(&err);
    struct timeval tv0, tv1;
    gettimeofday(&tv0, NULL);
    struct hf_job *job = NULL;
    const char *status = "FAILED";
    hf_err_t rc = HF_OK;
    char limit[64];
    snprintf(limit, sizeof limit, "holoflow.dirty.max-records=%" PRId64,
             s->job.err_record >= 0 ? s->job.err_record
             : s->job.err_pct > 0   ? -1
                                    : 0);
    /* the caller's options (--progress-interval), then the dirty limit */
    const char *sets[260];
    size_t nsets = 0;
    for (size_t i = 0; i < s->nsets && nsets < 259; i++)
        sets[nsets++] = s->sets[i];
    sets[nsets++] = limit;
    const char *key = s->job.load_key;
    if (s->resume) {
        char state[96] = "";
        int got = sync_record_get(&s->job, key, state, sizeof state, &err);
        if (got < 0) {
            rc = err.code;
            goto done;
        }
        if (got == 1 && strncmp(state, "finished", 8) == 0) {
            hf_log_info("sync: --resume: already loaded and finished (load "
                        "record %s: %s): nothing to do",
                        key, state);
            status = "SUCCEEDED";
            goto done;
        }
        if (got == 1 && strncmp(state, "over-limit", 10) == 0) {
            rc = hf_error_set(&err, HF_ERR_DATA,
                              "--resume: already loaded, over "
                              "errorLimit.percentage (load record %s: %s): "
                              "the rows are committed and are not loaded "
                              "again; run the sync without --resume to load "
                              "it again",
                              key, state);
            goto done;
        }
        if (got == 1) {
            hf_log_info("sync: --resume: already loaded (load record %s: "
                        "%s, committed with the rows): nothing is loaded "
                        "again%s",
                        key, state,
                        s->job.w.npost ? "; postSql runs" : "");
            goto post;
        }
        hf_log_info("sync: --resume: no committed load of this job (load "
                    "record %s): it runs whole",
                    key);
    } else if (sync_record_forget(&s->job, key, &err) != 0) {
        rc = err.code;
        goto done;
    }
    if (hf_sql_plan_text(s->job.path, s->sql, sets, nsets, &job, &err) !=
        0) {
        /* the place named is in the SQL job made from the file (a
         * reader's where or column with a function holoflow lacks, ...),
         * not in the JSON: say so (nothing has run, preSql included) */
        size_t ml = strlen(err.msg);
        snprintf(err.msg + ml, sizeof err.msg - ml,
                 "\n(line and column of the SQL job made from the job "
                 "file, which holoflow sync --print-sql prints; nothing "
                 "ran)");
        rc = err.code;
        goto done;
    }
    if (sync_exec_sqls(&s->job, s->job.w.pre_sql, s->job.w.npre, "preSql",
                       &err) != 0) {
        rc = err.code;
        goto done;
    }
    char runerr[HF_ERRMSG_MAX];
    job->count_row_bytes = true; /* the report's bytes_read */
    rc = hf_job_run(job, 1, runerr, sizeof runerr);
    if (rc != HF_OK) {
        hf_error_set(&err, rc, "%s", runerr);
        if (rc == HF_ERR_INTERRUPTED)
            status = "STOPPED";
        goto done;
    }
    /* Committed. A kill -9 here: the record says so (tests). */
    if (hf_failpoint("sync.crash-after-load"))
        raise(SIGKILL);
    /* The sink wrote the record in the load's transaction; where it
     * opened none (no row read) the record is written now. */
    if (sync_record_mark(&s->job, key, "loaded", &err) != 0) {
        rc = err.code;
        goto done;
    }
    uint64_t dirty = job->tot_dirty + job->tot_skipped;
    if (s->job.err_record < 0 && s->job.err_pct >= 0 && job->tot_read > 0 &&
        (double)dirty / (double)job->tot_read > s->job.err_pct) {
        rc = hf_error_set(&err, HF_ERR_DATA,
                          "errorLimit.percentage: %" PRIu64
                          " dirty of %" PRIu64
                          " records read is %.4f, over the limit %.4f (the "
                          "rows written are committed)",
                          dirty, job->tot_read,
                          (double)dirty / (double)job->tot_read,
                          s->job.err_pct);
        struct hf_error e2;
        hf_error_clear(&e2);
        if (sync_record_mark(&s->job, key, "over-limit", &e2) != 0)
            hf_log_warn("sync: %s", e2.msg);
        goto done;
    }
post:
    if (sync_exec_sqls(&s->job, s->job.w.post_sql, s->job.w.npost,
                       "postSql", &err) != 0 ||
        sync_record_mark(&s->job, key, "finished", &err) != 0) {
        rc = err.code;
        goto done;
    }
    status = "SUCCEEDED";
done:
    gettimeofday(&tv1, NULL);
    double secs = (double)(tv1.tv_sec - tv0.tv_sec) +
                  (double)(tv1.tv_usec - tv0.tv_usec) / 1e6;
    report(s, job, tv0.tv_sec, tv1.tv_sec, secs, status, report_json);
    hf_job_free(job);
    if (rc != HF_OK) {
        hf_scrub(err.msg, sizeof err.msg);
        hf_error_export(&err, NULL, errstr, errstr_size);
    }
    return rc;
}

/* ------------------------------------------------------------ internal */

const struct sync_job *sync_job_of(const struct hf_sync *s)
{
    return &s->job;
}

const char *sync_sql_of(const struct hf_sync *s)
{
    return s->sql;
}
