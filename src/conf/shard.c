/*
 * shard.c - parsing of "I/N" shard specifications (shard.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

#include "conf/shard.h"

static int num(const char **p, unsigned long *out)
{
    if (!isdigit((unsigned char)**p))
        return -1;
    char *end;
    errno = 0;
    *out = strtoul(*p, &end, 10);
    if (errno != 0 || *out > HF_SHARD_MAX)
        return -1;
    *p = end;
    return 0;
}

int hf_shard_parse(const char *s, uint32_t *index, uint32_t *count)
{
    *index = 0;
    *count = 1;
    if (s == NULL || *s == '\0')
        return 0;
    unsigned long i, n;
    const char *p = s;
    if (num(&p, &i) != 0 || *p++ != '/' || num(&p, &n) != 0 || *p != '\0' ||
        n < 1 || i >= n)
        return -1;
    *index = (uint32_t)i;
    *count = (uint32_t)n;
    return 0;
}
