/*
 * error.c - hf_error helpers and the one table of error descriptions.
 */
#include "core/error.h"
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const err_desc[HF_ERR__COUNT] = {
    [0] = "success",
    [1] = "failure",
    [2] = "usage error",
    [3] = "SQL error",
    [4] = "option error",
    [5] = "type mismatch",
    [6] = "I/O error",
    [7] = "bad input data",
    [8] = "connection failed",
    [9] = "server error",
    [10] = "out of memory or over a configured limit",
    [11] = "not supported in this build",
    [12] = "interrupted",
    [13] = "invalid state",
};

const char *hf_err2str(hf_err_t err)
{
    int i = -(int)err;
    if (i < 0 || i >= HF_ERR__COUNT)
        return "unknown error";
    return err_desc[i];
}

const char *hf_version(void)
{
    return HF_VERSION_STR;
}

void hf_error_clear(struct hf_error *err)
{
    err->code = HF_OK;
    err->retriable = false;
    err->fatal = false;
    err->msg[0] = '\0';
}

int hf_error_set(struct hf_error *err, hf_err_t code, const char *fmt, ...)
{
    if (err == NULL || err->code != HF_OK)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->code = code == HF_OK ? HF_ERR_FAIL : code;
    return -1;
}

void hf_error_prefix(struct hf_error *err, const char *fmt, ...)
{
    char pre[HF_ERRMSG_MAX];
    char old[HF_ERRMSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(pre, sizeof pre, fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof old);
    size_t plen = strlen(pre);
    size_t olen = strlen(old);
    if (plen >= sizeof err->msg)
        plen = sizeof err->msg - 1;
    if (plen + olen >= sizeof err->msg)
        olen = sizeof err->msg - 1 - plen;
    memcpy(err->msg, pre, plen);
    memcpy(err->msg + plen, old, olen);
    err->msg[plen + olen] = '\0';
}

void hf_error_export(const struct hf_error *err, hf_err_t *codep, char *errstr,
                     size_t errstr_size)
{
    if (codep)
        *codep = err->code;
    if (errstr && errstr_size) {
        /* Every message leaving the library is scrubbed here, whatever the
         * caller did before. */
        char msg[HF_ERRMSG_MAX];
        memcpy(msg, err->msg, sizeof msg);
        hf_scrub(msg, sizeof msg);
        snprintf(errstr, errstr_size, "%s", msg);
    }
}
