/*
 * log.h - leveled logging to stderr, and the secret scrubber.
 *
 * Lines carry an ISO-8601 timestamp, the level and the message; with
 * --log-format json each line is one JSON object. Every sensitive option
 * value (passwords, access keys) is registered with hf_secret_register() when
 * options are parsed; hf_log() and hf_scrub() replace any occurrence of a
 * registered secret with "******", so a secret that leaks into a server error
 * message or a connection string still never reaches the terminal. Log
 * lines are formatted whole (no length limit) before they are scrubbed.
 *
 * @locality any thread; one mutex guards the secret list and the output.
 */
#ifndef HF_CORE_LOG_H
#define HF_CORE_LOG_H

#include <stddef.h>
#include <stdio.h>

#include "holoflow.h"

void hf_log(hf_log_level_t level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define hf_log_error(...) hf_log(HF_LOG_ERROR, __VA_ARGS__)
#define hf_log_warn(...) hf_log(HF_LOG_WARN, __VA_ARGS__)
#define hf_log_info(...) hf_log(HF_LOG_INFO, __VA_ARGS__)
#define hf_log_debug(...) hf_log(HF_LOG_DEBUG, __VA_ARGS__)

/* Remember `secret` (copied) so that it is masked everywhere it occurs in
 * a message. No limit on how many. Strings shorter than 3 bytes are not
 * looked for in free text: one or two letters or digits occur in every
 * path and message, so masking them would hide the message and tell no
 * one which part was the secret. Where a value is shown as the value of a
 * sensitive option (explain, option errors, error carets) it is masked
 * whatever its length. */
void hf_secret_register(const char *secret);

/* Tests only: forget every registered secret and register from now on
 * secrets of at least `min_length` bytes (3 in the library). */
void hf_secrets_reset(size_t min_length);

/* Length of the longest registered secret that starts at s[0..n), or 0. */
size_t hf_secret_match(const char *s, size_t n);

/* A copy of the NUL-terminated `s` with every registered secret replaced by
 * "******" (leftmost-longest); the caller frees it. NULL when memory runs
 * out. */
char *hf_scrub_dup(const char *s);

/* The same in place, into `buf` of capacity `cap`: the result is cut to
 * cap - 1 bytes when the masks make it longer. When `buf` is full (its
 * text cap - 1 bytes long, as a message cut by snprintf is), a tail that is
 * the start of a secret is removed too. Out of memory, each byte of a
 * secret becomes '*' instead. */
void hf_scrub(char *buf, size_t cap);

/* Write the NUL-terminated `text` to `out` scrubbed (a new buffer; only
 * when memory runs out is `text` itself masked in place, byte for byte). */
void hf_fputs_scrubbed(char *text, FILE *out);

#endif
