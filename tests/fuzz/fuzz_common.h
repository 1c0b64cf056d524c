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
 * Process-wide state of the library that fuzzing must not grow without
 * bound lives here too: hf_fuzz_init() fills the secret scrubber's list
 * (core/log.c keeps at most 64 secrets) with long placeholders that no
 * input can contain, so the sensitive option values a target parses
 * (hologres 'password', kafka 'properties.sasl.password', ...) are not
 * added one per input. That also keeps the targets away from a known
 * overflow in hf_scrub() with secrets shorter than the mask, which is
 * being fixed separately; the placeholders are longer than the mask.
 */
#ifndef HF_FUZZ_COMMON_H
#define HF_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/log.h"
#include "holoflow.h"

#define HF_FUZZ_CHECK(cond)                                                    \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__,        \
                    __LINE__, #cond);                                          \
            abort();                                                           \
        }                                                                      \
    } while (0)

/* More placeholders than core/log.c keeps, so its list is full after. */
#define HF_FUZZ_SECRET_FILL 80

/* One-time set-up; every target calls it first in each input (cheap after
 * the first call). */
static inline void hf_fuzz_init(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    hf_log_configure(HF_LOG_ERROR, 0);
    for (int i = 0; i < HF_FUZZ_SECRET_FILL; i++) {
        char s[64];
        snprintf(s, sizeof s, "\x01hf-fuzz-placeholder-secret-%02d\x02", i);
        hf_secret_register(s);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
