/*
 * log.c - stderr logger with levels, JSON lines and secret masking.
 */
#include "core/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_SECRETS 64
#define MASK "******"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static hf_log_level_t log_level = HF_LOG_INFO;
static int log_json;
static char *secrets[MAX_SECRETS];
static size_t nsecrets;

static const char *const level_names[] = {"ERROR", "WARN", "INFO", "DEBUG"};

void hf_log_configure(hf_log_level_t level, int json)
{
    pthread_mutex_lock(&log_lock);
    log_level = level;
    log_json = json;
    pthread_mutex_unlock(&log_lock);
}

void hf_secret_register(const char *secret)
{
    if (secret == NULL || strlen(secret) < 3)
        return;
    pthread_mutex_lock(&log_lock);
    for (size_t i = 0; i < nsecrets; i++) {
        if (strcmp(secrets[i], secret) == 0) {
            pthread_mutex_unlock(&log_lock);
            return;
        }
    }
    if (nsecrets < MAX_SECRETS) {
        char *copy = strdup(secret);
        if (copy)
            secrets[nsecrets++] = copy;
    }
    pthread_mutex_unlock(&log_lock);
}

static void scrub_locked(char *buf, size_t cap)
{
    for (size_t i = 0; i < nsecrets; i++) {
        size_t slen = strlen(secrets[i]);
        size_t mlen = strlen(MASK);
        char *p = buf;
        while ((p = strstr(p, secrets[i])) != NULL) {
            size_t tail = strlen(p + slen) + 1;
            if ((size_t)(p - buf) + mlen + tail > cap)
                tail = cap - (size_t)(p - buf) - mlen;
            memmove(p + mlen, p + slen, tail);
            memcpy(p, MASK, mlen);
            buf[cap - 1] = '\0';
            p += mlen;
        }
    }
}

void hf_scrub(char *buf, size_t cap)
{
    if (cap == 0)
        return;
    pthread_mutex_lock(&log_lock);
    scrub_locked(buf, cap);
    pthread_mutex_unlock(&log_lock);
}

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
    char msg[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);

    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char when[40];
    size_t n = strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(when + n, sizeof when - n, ".%03ldZ", ts.tv_nsec / 1000000);

    pthread_mutex_lock(&log_lock);
    scrub_locked(msg, sizeof msg);
    if (log_json) {
        fprintf(stderr, "{\"ts\":\"%s\",\"level\":\"%s\",\"msg\":\"", when,
                level_names[level]);
        json_escape(stderr, msg);
        fputs("\"}\n", stderr);
    } else {
        fprintf(stderr, "%s %-5s %s\n", when, level_names[level], msg);
    }
    fflush(stderr);
    pthread_mutex_unlock(&log_lock);
}
