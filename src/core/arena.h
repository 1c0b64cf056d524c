/*
 * arena.h - a bump allocator for the values of one row batch.
 *
 * Strings, byte arrays, decimals wider than the value slot and arrays of a
 * batch all live in its arena. Allocation is a pointer bump inside a chunk;
 * a new chunk (at least 64 KiB, or the request) is malloc'd when the current
 * one is full. hf_arena_reset() keeps the first chunk and sets the others
 * aside for the next chunks needed (up to a bound of bytes kept, the rest
 * is freed), so a batch that is reused does no malloc at steady state, nor
 * touch fresh pages. Nothing is freed individually. An allocation failure
 * returns NULL and leaves the arena usable.
 *
 * @locality one thread at a time (the batch's owner).
 */
#ifndef HF_CORE_ARENA_H
#define HF_CORE_ARENA_H

#include <stddef.h>

struct hf_arena_chunk;

struct hf_arena {
    struct hf_arena_chunk *head; /* current chunk (newest) */
    struct hf_arena_chunk *first;
    struct hf_arena_chunk *spare; /* kept by a reset, reused before malloc */
    unsigned char *cur, *end;     /* the free part of `head` */
    size_t used_total;            /* bytes handed out since the last reset */
};

void hf_arena_init(struct hf_arena *a);
/* Free every chunk. The arena may be used again after hf_arena_init. */
void hf_arena_free(struct hf_arena *a);
/* Drop all allocations, keep the first chunk (and a bounded amount of
 * the others) for reuse. */
void hf_arena_reset(struct hf_arena *a);
/* hf_arena_alloc() when the current chunk has no room: a new chunk. */
void *hf_arena_alloc_slow(struct hf_arena *a, size_t size);
/* `size` bytes aligned to 8; NULL when out of memory. Inline: a pointer
 * bump when the current chunk has room (decoders allocate per field). */
static inline void *hf_arena_alloc(struct hf_arena *a, size_t size)
{
    size = (size + 7) & ~(size_t)7;
    if (size <= (size_t)(a->end - a->cur) && size != 0) {
        void *p = a->cur;
        a->cur += size;
        a->used_total += size;
        return p;
    }
    return hf_arena_alloc_slow(a, size);
}
/* Copy `len` bytes and add a NUL after them (not counted in len). */
char *hf_arena_strndup(struct hf_arena *a, const char *s, size_t len);

#endif
