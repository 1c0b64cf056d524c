/*
 * log.c - stderr logger with levels, JSON lines and secret masking.
 *
 * The secret list grows without a limit and is kept sorted by length,
 * longest first, so that the first secret found at a position is the
 * longest one there (leftmost-longest replacement: a secret that contains
 * another is masked whole). Masking never writes into the caller's text
 * while reading it: hf_scrub_dup() builds the scrubbed copy in a new
 * buffer sized by the replacements it makes, and hf_scrub() copies that
 * copy back into the caller's fixed buffer, cut to its capacity. When
 * memory runs out the fallback masks in place with one '*' per byte, which
 * needs no room at all. Text cut at a buffer's end may hold only the start
 * of a secret; hf_scrub() removes such a tail when the buffer is full, so
 * not even a prefix of a secret leaves the process. An embedding program
 * (the Python module) may take the lines instead of stderr through
 * hf_log_set_callback(); they are scrubbed the same way first.
 */
#include "core/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MASK "******"
#define MASK_LEN (sizeof MASK - 1)

struct secret {
    char *text;
    size_t len;
};

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static hf_log_level_t log_level = HF_LOG_INFO;
static int log_json;
/* hf_log_set_callback: where lines go instead of stderr (NULL: stderr). */
static hf_log_fn log_cb;
static void *log_cb_ctx;
/* Secrets shorter than this are not looked for in free text (see log.h). */
#define MIN_TEXT_SECRET 3
static size_t min_len = MIN_TEXT_SECRET;
static struct secret *secrets; /* sorted by len, longest first */
static size_t nsecrets, secrets_cap;
/* first_byte[c]: some secret starts with byte c (a cheap pre-filter). */
static unsigned char first_byte[256];

static const char *const level_names[] = {"ERROR", "WARN", "INFO", "DEBUG"};

void hf_log_configure(hf_log_level_t level, int json)
{
    pthread_mutex_lock(&log_lock);
    log_level = level;
    log_json = json;
    pthread_mutex_unlock(&log_lock);
}

void hf_log_set_callback(hf_log_fn fn, void *ctx)
{
    pthread_mutex_lock(&log_lock);
    log_cb = fn;
    log_cb_ctx = ctx;
    pthread_mutex_unlock(&log_lock);
}

/* ------------------------------------------------------------ the list */

void hf_secret_register(const char *secret)
{
    if (secret == NULL)
        return;
    size_t len = strlen(secret);
    pthread_mutex_lock(&log_lock);
    if (len == 0 || len < min_len) {
        pthread_mutex_unlock(&log_lock);
        return;
    }
    size_t at = 0;
    for (; at < nsecrets && secrets[at].len >= len; at++) {
        if (secrets[at].len == len && memcmp(secrets[at].text, secret, len) == 0) {
            pthread_mutex_unlock(&log_lock);
            return;
        }
    }
    if (nsecrets == secrets_cap) {
        size_t nc = secrets_cap ? secrets_cap * 2 : 16;
        struct secret *s = realloc(secrets, nc * sizeof *s);
        if (s == NULL) {
            pthread_mutex_unlock(&log_lock);
            return;
        }
        secrets = s;
        secrets_cap = nc;
    }
    char *copy = strdup(secret);
    if (copy != NULL) {
        memmove(&secrets[at + 1], &secrets[at],
                (nsecrets - at) * sizeof *secrets);
        secrets[at].text = copy;
        secrets[at].len = len;
        nsecrets++;
        first_byte[(unsigned char)secret[0]] = 1;
    }
    pthread_mutex_unlock(&log_lock);
}

void hf_secrets_reset(size_t min_length)
{
    pthread_mutex_lock(&log_lock);
    min_len = min_length ? min_length : 1;
    for (size_t i = 0; i < nsecrets; i++)
        free(secrets[i].text);
    free(secrets);
    secrets = NULL;
    nsecrets = secrets_cap = 0;
    memset(first_byte, 0, sizeof first_byte);
    pthread_mutex_unlock(&log_lock);
}

/* Length of the longest secret that starts at s[0..n), or 0. */
static size_t match_locked(const char *s, size_t n)
{
    if (n == 0 || !first_byte[(unsigned char)s[0]])
        return 0;
    for (size_t i = 0; i < nsecrets; i++)
        if (secrets[i].len <= n && memcmp(s, secrets[i].text, secrets[i].len) == 0)
            return secrets[i].len;
    return 0;
}

size_t hf_secret_match(const char *s, size_t n)
{
    pthread_mutex_lock(&log_lock);
    size_t len = match_locked(s, n);
    pthread_mutex_unlock(&log_lock);
    return len;
}

/* ------------------------------------------------------------ scrubbing */

/* The scrubbed copy of s[0..n) (NUL-terminated, malloc'd; its length in
 * *outlen), or NULL when memory runs out. */
static char *scrub_copy_locked(const char *s, size_t n, size_t *outlen)
{
    /* First pass: the output's size. */
    size_t size = 0;
    for (size_t i = 0; i < n;) {
        size_t m = match_locked(s + i, n - i);
        size += m ? MASK_LEN : 1;
        i += m ? m : 1;
    }
    char *out = malloc(size + 1);
    if (out == NULL)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        size_t m = match_locked(s + i, n - i);
        if (m) {
            memcpy(out + o, MASK, MASK_LEN);
            o += MASK_LEN;
            i += m;
        } else {
            out[o++] = s[i++];
        }
    }
    out[o] = '\0';
    *outlen = o;
    return out;
}

/* No memory: one '*' per byte of every secret, in place. */
static void scrub_same_length_locked(char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t m = match_locked(s + i, n - i);
        if (m) {
            memset(s + i, '*', m);
            i += m;
        } else {
            i++;
        }
    }
}

/* Length of the longest tail of s[0..n) that is the start (not the whole)
 * of a secret, or 0. */
static size_t partial_tail_locked(const char *s, size_t n)
{
    size_t best = 0;
    for (size_t i = 0; i < nsecrets; i++) {
        size_t max = secrets[i].len - 1 < n ? secrets[i].len - 1 : n;
        for (size_t k = max; k > best; k--) {
            if (memcmp(s + n - k, secrets[i].text, k) == 0) {
                best = k;
                break;
            }
        }
    }
    return best;
}

char *hf_scrub_dup(const char *s)
{
    size_t len;
    pthread_mutex_lock(&log_lock);
    char *out = scrub_copy_locked(s, strlen(s), &len);
    pthread_mutex_unlock(&log_lock);
    return out;
}

void hf_scrub(char *buf, size_t cap)
{
    if (buf == NULL || cap == 0)
        return;
    size_t n = strnlen(buf, cap);
    if (n == cap) { /* not terminated: treat the last byte as cut off */
        n = cap - 1;
        buf[n] = '\0';
    }
    pthread_mutex_lock(&log_lock);
    if (nsecrets == 0) {
        pthread_mutex_unlock(&log_lock);
        return;
    }
    /* A full buffer may have been cut inside a secret. */
    if (n == cap - 1) {
        n -= partial_tail_locked(buf, n);
        buf[n] = '\0';
    }
    size_t olen;
    char *out = scrub_copy_locked(buf, n, &olen);
    if (out == NULL) {
        scrub_same_length_locked(buf, n);
    } else {
        if (olen > cap - 1)
            olen = cap - 1;
        memcpy(buf, out, olen);
        buf[olen] = '\0';
        free(out);
    }
    pthread_mutex_unlock(&log_lock);
}

void hf_fputs_scrubbed(char *text, FILE *out)
{
    char *clean = hf_scrub_dup(text);
    if (clean == NULL)
        hf_scrub(text, strlen(text) + 1);
    fputs(clean ? clean : text, out);
    free(clean);
}

/* ------------------------------------------------------------ logging */

static void json_escape(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
}

void hf_log(hf_log_level_t level, const char *fmt, ...)
{
    if (level > log_level)
        return;
    /* The whole message, however long: a message cut before scrubbing
     * could end in the first bytes of a secret. */
    char stack[4096];
    char *msg = stack;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(stack, sizeof stack, fmt, ap);
    va_end(ap);
    if (w < 0) {
        snprintf(stack, sizeof stack, "%s", "(unprintable log message)");
    } else if ((size_t)w >= sizeof stack) {
        char *big = malloc((size_t)w + 1);
        if (big != NULL) {
            va_start(ap, fmt);
            vsnprintf(big, (size_t)w + 1, fmt, ap);
            va_end(ap);
            msg = big;
        }
    }

    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char when[40];
    size_t n = strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(when + n, sizeof when - n, ".%03ldZ", ts.tv_nsec / 1000000);

    pthread_mutex_lock(&log_lock);
    size_t mlen = strlen(msg);
    if (msg == stack && (size_t)w >= sizeof stack) {
        /* Cut for want of memory: drop a secret's first bytes at the end. */
        mlen -= partial_tail_locked(msg, mlen);
        msg[mlen] = '\0';
    }
    size_t olen;
    char *clean = nsecrets ? scrub_copy_locked(msg, mlen, &olen) : NULL;
    if (clean == NULL && nsecrets)
        scrub_same_length_locked(msg, mlen);
    const char *text = clean ? clean : msg;
    if (log_cb) {
        log_cb(level, text, log_cb_ctx);
    } else if (log_json) {
        fprintf(stderr, "{\"ts\":\"%s\",\"level\":\"%s\",\"msg\":\"", when,
                level_names[level]);
        json_escape(stderr, text);
        fputs("\"}\n", stderr);
    } else {
        fprintf(stderr, "%s %-5s %s\n", when, level_names[level], text);
    }
    fflush(stderr);
    pthread_mutex_unlock(&log_lock);
    free(clean);
    if (msg != stack)
        free(msg);
}
