/*
 * fuzz_run.c - libFuzzer target for the engine behind the planner: one
 * input is one whole SQL script that is planned and, when it plans and
 * every table it reads or writes is in memory, run to its end.
 *
 * fuzz_sql stops at planning; this target runs what the planner built:
 * the operator graph (projections, filters, group and window aggregates,
 * top-N and dedup, joins, unions, mini-batch), every function on the
 * values the script writes, the changelog the operators exchange and the
 * channels between tasks. Tables allowed: VALUES clauses (the planner's
 * in-memory source), `datagen` with 'number-of-rows' of at most
 * MAX_DATAGEN_ROWS and 'rows-per-second' of at least MAX_DATAGEN_ROWS
 * (so it ends at once), `blackhole` and `print` (standard output goes to
 * /dev/null). A script naming any other connector, or whose settings
 * would write files (checkpoints, RocksDB), wait on the wall clock
 * (throttles, idle timeouts) or start many threads (settings_runnable),
 * is only planned. Nothing is connected to.
 *
 * Outcome checks beyond "no sanitizer report and no hang" (libFuzzer's
 * -timeout: every such job is bounded and must end): a run ends with 0,
 * or -1 with a negative error code and a message; a failed plan leaves no
 * job.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "connectors/connector.h"
#include "fuzz_common.h"
#include "runtime/plan.h"
#include "runtime/runtime.h"
#include "sql/planner.h"

#define SCRIPT_NAME "fuzz.sql"
#define MAX_DATAGEN_ROWS 200
#define MAX_PARALLELISM 4

/* Whether every table of the job lives in memory and ends. */
static bool runnable(const struct hf_job *job)
{
    for (uint32_t i = 0; i < job->ntables; i++) {
        const struct hf_table_def *t = job->tables[i];
        const char *c = t->connector->name;
        if (strcmp(c, "values") == 0 || strcmp(c, "blackhole") == 0)
            continue;
        if (strcmp(c, "print") == 0) {
            if (hf_opts_bool(&t->opts, "standard-error", NULL))
                return false; /* stdout only goes to /dev/null */
            continue;
        }
        if (strcmp(c, "datagen") != 0)
            return false;
        if (!hf_opts_isset(&t->opts, "number-of-rows", NULL))
            return false;
        int64_t n = hf_opts_int(&t->opts, "number-of-rows", NULL);
        int64_t rate = hf_opts_int(&t->opts, "rows-per-second", NULL);
        if (n < 0 || n > MAX_DATAGEN_ROWS || rate < MAX_DATAGEN_ROWS ||
            hf_opts_int(&t->opts, "scan.parallelism", NULL) > MAX_PARALLELISM)
            return false;
    }
    return true;
}

/* Whether the job's settings keep it in memory, quick and small: no
 * checkpoint files or RocksDB state, no throttle or idle timeout (which
 * wait on the wall clock), a few threads and small queues. Read from the
 * planned settings, whatever spelling the script used. */
static bool settings_runnable(const struct hf_job *job)
{
    const struct hf_opts *o = &job->settings;
    return !hf_opts_isset(o, "state.checkpoints.dir", NULL) &&
           hf_opts_enum(o, "state.backend.type", NULL) == 0 /* hashmap */ &&
           hf_opts_int(o, "holoflow.throttle.records-per-second", NULL) <= 0 &&
           hf_opts_int(o, "holoflow.throttle.bytes-per-second", NULL) <= 0 &&
           hf_opts_int(o, "table.exec.source.idle-timeout", NULL) <= 0 &&
           hf_opts_int(o, "parallelism.default", NULL) <= MAX_PARALLELISM &&
           hf_opts_int(o, "holoflow.batch.rows", NULL) <= 4096 &&
           hf_opts_int(o, "holoflow.queue.batches", NULL) <= 16;
}

static void quiet_stdout(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    fflush(stdout);
    int fd = open("/dev/null", O_WRONLY);
    if (fd >= 0) {
        dup2(fd, STDOUT_FILENO);
        close(fd);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hf_fuzz_init();
    quiet_stdout();
    struct hf_job *job = hf_fuzz_plan_script(data, size, SCRIPT_NAME);
    if (job == NULL)
        return 0;
    if (runnable(job) && settings_runnable(job)) {
        struct hf_error err;
        hf_error_clear(&err);
        struct hf_runtime *rt = hf_runtime_new(job, &err);
        if (rt == NULL) {
            HF_FUZZ_CHECK(err.code < 0 && err.msg[0] != '\0');
        } else {
            int rc = hf_runtime_run(rt, &err);
            HF_FUZZ_CHECK(rc == 0 || rc == -1);
            if (rc != 0)
                HF_FUZZ_CHECK(err.code < 0 && err.msg[0] != '\0');
            hf_runtime_destroy(rt);
        }
    }
    hf_job_free(job);
    return 0;
}
