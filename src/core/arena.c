/*
 * arena.c - chunked bump allocator (see arena.h).
 */
#include "core/arena.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK_MIN (64 * 1024)
/* Bytes of chunks beyond the first a reset keeps for reuse. */
#define SPARE_MAX (16 * 1024 * 1024)

struct hf_arena_chunk {
    struct hf_arena_chunk *next; /* older chunk */
    size_t size;
    _Alignas(16) unsigned char data[];
};

void hf_arena_init(struct hf_arena *a)
{
    a->head = NULL;
    a->first = NULL;
    a->spare = NULL;
    a->cur = a->end = NULL;
    a->used_total = 0;
}

static void free_list(struct hf_arena_chunk *c)
{
    while (c) {
        struct hf_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
}

void hf_arena_free(struct hf_arena *a)
{
    free_list(a->head);
    free_list(a->spare);
    hf_arena_init(a);
}

void hf_arena_reset(struct hf_arena *a)
{
    /* The chunks after the first go to the spare list while it stays
     * under SPARE_MAX bytes, the others are freed. */
    size_t kept = 0;
    for (struct hf_arena_chunk *s = a->spare; s; s = s->next)
        kept += s->size;
    struct hf_arena_chunk *c = a->head;
    while (c && c != a->first) {
        struct hf_arena_chunk *next = c->next;
        if (kept + c->size <= SPARE_MAX) {
            kept += c->size;
            c->next = a->spare;
            a->spare = c;
        } else {
            free(c);
        }
        c = next;
    }
    a->head = a->first;
    a->cur = a->first ? a->first->data : NULL;
    a->end = a->first ? a->first->data + a->first->size : NULL;
    a->used_total = 0;
}

void *hf_arena_alloc_slow(struct hf_arena *a, size_t size)
{
    size = (size + 7) & ~(size_t)7;
    if (a->head == NULL || (size_t)(a->end - a->cur) < size) {
        struct hf_arena_chunk *n = a->spare;
        if (n != NULL && n->size >= size) {
            a->spare = n->next;
        } else {
            size_t csize = size > CHUNK_MIN ? size : CHUNK_MIN;
            n = malloc(sizeof *n + csize);
            if (n == NULL)
                return NULL;
            n->size = csize;
        }
        n->next = a->head;
        a->head = n;
        if (a->first == NULL)
            a->first = n;
        a->cur = n->data;
        a->end = n->data + n->size;
    }
    void *p = a->cur;
    a->cur += size;
    a->used_total += size;
    return p;
}

char *hf_arena_strndup(struct hf_arena *a, const char *s, size_t len)
{
    char *p = hf_arena_alloc(a, len + 1);
    if (p == NULL)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}
