/*
 * strbuf.h - a growable byte buffer with a maximum size.
 *
 * Used for building SQL text, COPY payloads, encoded messages and printed
 * rows. Appends never fail silently: when memory runs out or the buffer
 * would pass its maximum, it becomes "broken" and stays so (as libpq's
 * PQExpBuffer does), so a caller builds the whole thing and checks once with
 * hf_strbuf_ok(). The content is always NUL-terminated.
 */
#ifndef HF_CORE_STRBUF_H
#define HF_CORE_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct hf_strbuf {
    char *data;
    size_t len;
    size_t cap;
    size_t max; /* 0 = 1 GiB */
    bool broken;
};

void hf_strbuf_init(struct hf_strbuf *b, size_t max);
void hf_strbuf_free(struct hf_strbuf *b);
void hf_strbuf_reset(struct hf_strbuf *b); /* len = 0, keeps memory; clears broken */
bool hf_strbuf_ok(const struct hf_strbuf *b);
/* hf_strbuf_reserve() when the room is not there yet (grows the buffer,
 * or breaks it). */
char *hf_strbuf_reserve_slow(struct hf_strbuf *b, size_t n);
/* Make room for `n` more bytes; returns a pointer to write them at, or NULL
 * (buffer broken). Call hf_strbuf_commit(b, n) after writing. Inline: the
 * encoders call it for every field. (cap never passes max, so room below
 * cap is room below max.) */
static inline char *hf_strbuf_reserve(struct hf_strbuf *b, size_t n)
{
    if (!b->broken && n < b->cap && b->len + n + 1 <= b->cap)
        return b->data + b->len;
    return hf_strbuf_reserve_slow(b, n);
}
static inline void hf_strbuf_commit(struct hf_strbuf *b, size_t n)
{
    if (b->broken)
        return;
    b->len += n;
    b->data[b->len] = '\0';
}
void hf_strbuf_append(struct hf_strbuf *b, const void *p, size_t n);
void hf_strbuf_puts(struct hf_strbuf *b, const char *s);
void hf_strbuf_putc(struct hf_strbuf *b, char c);
void hf_strbuf_printf(struct hf_strbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append a SQL identifier in double quotes, doubling embedded quotes. */
void hf_strbuf_put_ident(struct hf_strbuf *b, const char *ident);

#endif
