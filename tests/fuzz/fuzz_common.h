/*
 * fuzz_common.h - what the libFuzzer targets of tests/fuzz/ share.
 *
 * Every target defines LLVMFuzzerTestOneInput() and is built two ways: with
 * clang's -fsanitize=fuzzer for `make fuzz` (libFuzzer supplies main), and
 * with gcc together with replay.c, whose main() feeds the committed corpus
 * to the target under ASan+UBSan as a ctest regression. A target reports a
 * wrong outcome through HF_FUZZ_CHECK, which prints the condition and
 * aborts, so libFuzzer saves the input and ctest sees a failed test.
 *
 * The sensitive option values a target parses (hologres 'password', kafka
 * 'properties.sasl.password', ...) are registered with the secret scrubber
 * as in a real job: the scrubber and the caret masking are fuzzed with
 * them. hf_fuzz_init() forgets them before each input, so an input's
 * outcome does not depend on the inputs before it and the list does not
 * grow over a long campaign.
 */
#ifndef HF_FUZZ_COMMON_H
#define HF_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <string.h>

#include "core/log.h"
#include "holoflow.h"
#include "sql/planner.h"

#define HF_FUZZ_CHECK(cond)                                                    \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__,        \
                    __LINE__, #cond);                                          \
            abort();                                                           \
        }                                                                      \
    } while (0)

/* Set-up; every target calls it first in each input (cheap after the
 * first call). */
static inline void hf_fuzz_init(void)
{
    static int done;
    hf_secrets_reset(3); /* the library's own minimum length */
    if (done)
        return;
    done = 1;
    hf_log_configure(HF_LOG_ERROR, 0);
}

/* The SQL targets' common step: the input as a script (a NUL byte ends
 * it) planned under `name`; a failed plan must leave no job and a negative
 * code with a message. The planned job, or NULL. */
static inline struct hf_job *hf_fuzz_plan_script(const uint8_t *data,
                                                 size_t size,
                                                 const char *name)
{
    char *text = malloc(size + 1);
    if (text == NULL)
        return NULL;
    memcpy(text, data, size);
    text[size] = '\0';
    struct hf_job *job = NULL;
    struct hf_error err;
    hf_error_clear(&err);
    int rc = hf_sql_plan_text(name, text, NULL, 0, &job, &err);
    free(text);
    if (rc != 0) {
        HF_FUZZ_CHECK(rc == -1);
        HF_FUZZ_CHECK(job == NULL);
        HF_FUZZ_CHECK(err.code < 0 && err.msg[0] != '\0');
        return NULL;
    }
    HF_FUZZ_CHECK(job != NULL);
    return job;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
