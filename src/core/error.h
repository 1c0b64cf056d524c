/*
 * error.h - the error value carried through the library.
 *
 * Every internal function that can fail takes a `struct hf_error *` and, on
 * failure, fills it with a code (hf_err_t), a message that says what went
 * wrong and where (file:line:col, table.column, partition/offset), and two
 * flags: `retriable` (the same call may succeed later: connection loss, a
 * busy server) and `fatal` (stop the job). The first error set wins: later
 * calls to hf_error_set() on an already-set error are ignored, so the root
 * cause is what the user sees. Messages pass through the secret scrubber
 * (log.h) before they reach a terminal.
 */
#ifndef HF_CORE_ERROR_H
#define HF_CORE_ERROR_H

#include <stdbool.h>
#include <stddef.h>

#include "holoflow.h"

#define HF_ERRMSG_MAX 1024

struct hf_error {
    hf_err_t code;
    bool retriable;
    bool fatal;
    char msg[HF_ERRMSG_MAX];
};

/* Reset to "no error". */
void hf_error_clear(struct hf_error *err);

/* Set code and printf-style message unless an error is already set.
 * Always returns -1 so callers can `return hf_error_set(...)`. */
int hf_error_set(struct hf_error *err, hf_err_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefix the existing message with more context ("file.csv:3: ..."). */
void hf_error_prefix(struct hf_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static inline bool hf_error_is_set(const struct hf_error *err)
{
    return err->code != HF_OK;
}

/* Copy code and message into the public (errstr, size) form. */
void hf_error_export(const struct hf_error *err, hf_err_t *codep, char *errstr,
                     size_t errstr_size);

#endif
