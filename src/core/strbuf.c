/*
 * strbuf.c - growable buffer with a cap and a sticky "broken" state.
 */
#include "core/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX ((size_t)1 << 30)

void hf_strbuf_init(struct hf_strbuf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max ? max : DEFAULT_MAX;
    b->broken = false;
}

void hf_strbuf_free(struct hf_strbuf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void hf_strbuf_reset(struct hf_strbuf *b)
{
    b->len = 0;
    b->broken = false;
    if (b->data)
        b->data[0] = '\0';
}

bool hf_strbuf_ok(const struct hf_strbuf *b)
{
    return !b->broken;
}

char *hf_strbuf_reserve_slow(struct hf_strbuf *b, size_t n)
{
    if (b->broken)
        return NULL;
    if (n > b->max || b->len + n + 1 > b->max) {
        b->broken = true;
        return NULL;
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        if (cap > b->max)
            cap = b->max;
        char *d = realloc(b->data, cap);
        if (d == NULL) {
            b->broken = true;
            return NULL;
        }
        b->data = d;
        b->cap = cap;
    }
    return b->data + b->len;
}

void hf_strbuf_append(struct hf_strbuf *b, const void *p, size_t n)
{
    char *w = hf_strbuf_reserve(b, n);
    if (w == NULL)
        return;
    if (n)
        memcpy(w, p, n);
    hf_strbuf_commit(b, n);
}

void hf_strbuf_puts(struct hf_strbuf *b, const char *s)
{
    hf_strbuf_append(b, s, strlen(s));
}

void hf_strbuf_putc(struct hf_strbuf *b, char c)
{
    hf_strbuf_append(b, &c, 1);
}

void hf_strbuf_printf(struct hf_strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->broken = true;
        return;
    }
    char *w = hf_strbuf_reserve(b, (size_t)n);
    if (w == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(w, (size_t)n + 1, fmt, ap);
    va_end(ap);
    hf_strbuf_commit(b, (size_t)n);
}

void hf_strbuf_put_ident(struct hf_strbuf *b, const char *ident)
{
    hf_strbuf_putc(b, '"');
    for (const char *p = ident; *p; p++) {
        if (*p == '"')
            hf_strbuf_putc(b, '"');
        hf_strbuf_putc(b, *p);
    }
    hf_strbuf_putc(b, '"');
}
