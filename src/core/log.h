/*
 * log.h - leveled logging to stderr, and the secret scrubber.
 *
 * Lines carry an ISO-8601 timestamp, the level and the message; with
 * --log-format json each line is one JSON object. Every sensitive option
 * value (passwords, access keys) is registered with hf_secret_register() when
 * options are parsed; hf_log() and hf_scrub() replace any occurrence of a
 * registered secret with "******", so a secret that leaks into a server error
 * message or a connection string still never reaches the terminal.
 *
 * @locality any thread; one mutex guards the secret list and the output.
 */
#ifndef HF_CORE_LOG_H
#define HF_CORE_LOG_H

#include <stddef.h>

#include "holoflow.h"

void hf_log(hf_log_level_t level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define hf_log_error(...) hf_log(HF_LOG_ERROR, __VA_ARGS__)
#define hf_log_warn(...) hf_log(HF_LOG_WARN, __VA_ARGS__)
#define hf_log_info(...) hf_log(HF_LOG_INFO, __VA_ARGS__)
#define hf_log_debug(...) hf_log(HF_LOG_DEBUG, __VA_ARGS__)

/* Remember `secret` (copied) so that it is masked everywhere. Empty strings
 * and strings shorter than 3 bytes are ignored (masking them would garble
 * ordinary text). */
void hf_secret_register(const char *secret);

/* Replace every registered secret in `buf` (NUL-terminated, capacity `cap`)
 * with "******", in place. */
void hf_scrub(char *buf, size_t cap);

#endif
