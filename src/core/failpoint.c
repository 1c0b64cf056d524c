/*
 * failpoint.c - the HF_FAILPOINTS parser and the per-point hit counters
 * (see failpoint.h).
 *
 * The variable is parsed on the first call (pthread_once) into a small
 * fixed table; a malformed entry is reported once on stderr and ignored, so
 * a typo never changes what the program does beyond that point not firing.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/failpoint.h"

#define FP_MAX 16
#define FP_NAME 48

struct fp {
    char name[FP_NAME];
    uint64_t fire_at;     /* the hit that fires (1-based) */
    atomic_uint_fast64_t hits;
};

static struct fp fps[FP_MAX];
static int nfps;
static atomic_int armed;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void parse_one(const char *item, size_t len)
{
    if (len == 0)
        return;
    const char *eq = memchr(item, '=', len);
    size_t nlen = eq ? (size_t)(eq - item) : len;
    uint64_t n = 1;
    if (eq) {
        char num[24];
        size_t vlen = len - nlen - 1;
        char *end = NULL;
        if (vlen == 0 || vlen >= sizeof num || eq[1] < '0' || eq[1] > '9')
            goto bad;
        memcpy(num, eq + 1, vlen);
        num[vlen] = '\0';
        unsigned long long v = strtoull(num, &end, 10);
        if (*end != '\0' || v == 0)
            goto bad;
        n = v;
    }
    if (nlen == 0 || nlen >= FP_NAME || nfps == FP_MAX)
        goto bad;
    for (size_t i = 0; i < nlen; i++)
        if (item[i] == ' ' || item[i] == '\t')
            goto bad;
    for (int i = 0; i < nfps; i++)
        if (strlen(fps[i].name) == nlen && memcmp(fps[i].name, item, nlen) == 0)
            goto bad; /* named twice */
    memcpy(fps[nfps].name, item, nlen);
    fps[nfps].name[nlen] = '\0';
    fps[nfps].fire_at = n;
    atomic_init(&fps[nfps].hits, 0);
    nfps++;
    return;
bad:
    fprintf(stderr, "holoflow: HF_FAILPOINTS: ignoring '%.*s' (expected "
            "NAME or NAME=N with N >= 1, no blanks, each name once; at "
            "most %d points)\n",
            (int)len, item, FP_MAX);
}

static void parse_env(void)
{
    const char *v = getenv("HF_FAILPOINTS");
    if (v == NULL || *v == '\0')
        return;
    while (*v) {
        const char *comma = strchr(v, ',');
        size_t len = comma ? (size_t)(comma - v) : strlen(v);
        parse_one(v, len);
        v += len + (comma != NULL);
    }
    atomic_store(&armed, nfps > 0);
}

bool hf_failpoint(const char *name)
{
    pthread_once(&once, parse_env);
    if (!atomic_load_explicit(&armed, memory_order_relaxed))
        return false;
    for (int i = 0; i < nfps; i++) {
        if (strcmp(fps[i].name, name) != 0)
            continue;
        uint64_t hit = atomic_fetch_add(&fps[i].hits, 1) + 1;
        return hit == fps[i].fire_at;
    }
    return false;
}
