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
 * /dev/null). A script naming any other connector, or setting anything
 * about checkpoints or state storage (files), is only planned. Nothing is
 * connected to.
 *
 * Outcome checks beyond "no sanitizer report and no hang" (libFuzzer's
 * -timeout: every such job is bounded and must end): a run ends with 0,
 * or -1 with a negative error code and a message; a failed plan leaves no
 * job.
 */
#include <ctype.h>
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

/* Whether every table of the job lives in memory and ends. */
static bool runnable(const struct hf_job *job)
{
    for (uint32_t i = 0; i < job->ntables; i++) {
        const struct hf_table_def *t = job->tables[i];
        const char *c = t->connector->name;
        if (strcmp(c, "values") == 0 || strcmp(c, "blackhole") == 0 ||
            strcmp(c, "print") == 0)
            continue;
        if (strcmp(c, "datagen") != 0)
            return false;
        if (!hf_opts_isset(&t->opts, "number-of-rows", NULL))
            return false;
        int64_t n = hf_opts_int(&t->opts, "number-of-rows", NULL);
        int64_t rate = hf_opts_int(&t->opts, "rows-per-second", NULL);
        if (n < 0 || n > MAX_DATAGEN_ROWS || rate < MAX_DATAGEN_ROWS)
            return false;
    }
    return true;
}

/* Settings that write files (checkpoints, RocksDB state) or wait for
 * wall-clock time keep a script to planning; matched in the text, case
 * blind. */
static bool touches_files(const char *text)
{
    static const char *const words[] = {
        "checkpoint", "state.backend", "savepoint", "state.dir",
        "idle-timeout", "dirty", "metrics", "rocksdb",
    };
    char *low = strdup(text);
    if (low == NULL)
        return true;
    for (char *p = low; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    bool hit = false;
    for (size_t i = 0; i < sizeof words / sizeof *words && !hit; i++)
        hit = strstr(low, words[i]) != NULL;
    free(low);
    return hit;
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
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    struct hf_job *job = NULL;
    struct hf_error err;
    hf_error_clear(&err);
    int rc = hf_sql_plan_text(SCRIPT_NAME, text, NULL, 0, &job, &err);
    if (rc != 0) {
        HF_FUZZ_CHECK(rc == -1);
        HF_FUZZ_CHECK(job == NULL);
        HF_FUZZ_CHECK(err.code < 0 && err.msg[0] != '\0');
        free(text);
        return 0;
    }
    HF_FUZZ_CHECK(job != NULL);
    if (runnable(job) && !touches_files(text)) {
        hf_error_clear(&err);
        struct hf_runtime *rt = hf_runtime_new(job, &err);
        if (rt == NULL) {
            HF_FUZZ_CHECK(err.code < 0 && err.msg[0] != '\0');
        } else {
            rc = hf_runtime_run(rt, &err);
            HF_FUZZ_CHECK(rc == 0 || rc == -1);
            if (rc != 0)
                HF_FUZZ_CHECK(err.code < 0 && err.msg[0] != '\0');
            hf_runtime_destroy(rt);
        }
    }
    hf_job_free(job);
    free(text);
    return 0;
}
