/*
 * fuzz_sql.c - libFuzzer target for the SQL front end: one input is one
 * whole script, run through the lexer, parser and planner
 * (hf_sql_plan_text) and, when it plans, through hf_job_explain(). Nothing
 * is connected, opened or run: planning only resolves options, types and
 * expressions.
 *
 * Outcome checks beyond "no sanitizer report": a failed plan leaves no job
 * and a negative error code with a message; a planned job's explain text
 * starts with the job line and has a graph section with one line per node
 * (unless a secret of the script masked part of it).
 * A NUL byte ends the script, as the text API takes a C string
 * (hf_sql_plan_file rejects such files before).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "runtime/plan.h"
#include "sql/planner.h"

#define SCRIPT_NAME "fuzz.sql"

static void check_explain(const struct hf_job *job)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    HF_FUZZ_CHECK(f != NULL);
    hf_job_explain(job, f);
    HF_FUZZ_CHECK(fclose(f) == 0);
    HF_FUZZ_CHECK(text != NULL);
    HF_FUZZ_CHECK(strncmp(text, "job " SCRIPT_NAME "\n",
                          strlen("job " SCRIPT_NAME "\n")) == 0);
    HF_FUZZ_CHECK(strlen(text) == len);
    /* The scrubber masks every occurrence of a secret (a value set under
     * a key naming a credential, 'x.token' = '...'): when one equals part
     * of explain's own text, that part is masked too, as it must be. */
    if (strstr(text, "******") != NULL) {
        free(text);
        return;
    }
    HF_FUZZ_CHECK(strstr(text, "graph:\n") != NULL);
    for (uint32_t i = 0; i < job->graph.nnodes; i++) {
        char line[64];
        snprintf(line, sizeof line, "\n  n%u ", i + 1);
        HF_FUZZ_CHECK(strstr(text, line) != NULL);
    }
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hf_fuzz_init();
    struct hf_job *job = hf_fuzz_plan_script(data, size, SCRIPT_NAME);
    if (job != NULL) {
        check_explain(job);
        hf_job_free(job);
    }
    return 0;
}
