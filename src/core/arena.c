/*
 * arena.c - chunked bump allocator (see arena.h).
 */
#include "core/arena.h"

#include <stdlib.h>
#include <string.h>

/* Spare chunks are poisoned under AddressSanitizer while they wait, so a
 * use of memory after a reset is still reported. */
#if defined(__SANITIZE_ADDRESS__)
#define HF_ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HF_ARENA_ASAN 1
#endif
#endif
#ifdef HF_ARENA_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define CHUNK_MIN (64 * 1024)

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
    a->spare_bytes = 0;
    a->spare_max = 0;
}

void hf_arena_set_spare_max(struct hf_arena *a, size_t bytes)
{
    a->spare_max = bytes;
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
    size_t spare_max = a->spare_max;
    free_list(a->head);
    free_list(a->spare);
    hf_arena_init(a);
    a->spare_max = spare_max;
}

void hf_arena_reset(struct hf_arena *a)
{
    /* The chunks after the first go to the spare list while it stays
     * under spare_max bytes (0 unless set: none kept), the others are
     * freed. */
    struct hf_arena_chunk *c = a->head;
    while (c && c != a->first) {
        struct hf_arena_chunk *next = c->next;
        if (a->spare_bytes <= a->spare_max &&
            c->size <= a->spare_max - a->spare_bytes) {
            a->spare_bytes += c->size;
            POISON(c->data, c->size);
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
            a->spare_bytes -= n->size;
            UNPOISON(n->data, n->size);
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
