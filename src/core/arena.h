/*
 * arena.h - a bump allocator for the values of one row batch.
 *
 * Strings, byte arrays, decimals wider than the value slot and arrays of a
 * batch all live in its arena. Allocation is a pointer bump inside a chunk;
 * a new chunk (at least 64 KiB, or the request) is malloc'd when the current
 * one is full. hf_arena_reset() keeps the first chunk. An arena that
 * grows past its first chunk every round (the Hologres sink's buffer of a
 * whole COPY) may ask, with hf_arena_set_spare_max(), for a reset to set
 * its other chunks aside, up to that many bytes, for the next chunks it
 * needs (the rest is freed): it then does no malloc at steady state, nor
 * touch fresh pages. Other arenas (a row batch's, of which pools and
 * exchange edges hold many) keep no spare: the memory they hold stays
 * one chunk each between uses. Under AddressSanitizer the spare chunks
 * are poisoned until handed out again. Nothing is freed individually. An
 * allocation failure returns NULL and leaves the arena usable.
 *
 * @locality one thread at a time (the batch's owner).
 */
#ifndef HF_CORE_ARENA_H
#define HF_CORE_ARENA_H

#include <stddef.h>
#include <stdint.h>

struct hf_arena_chunk;

struct hf_arena {
    struct hf_arena_chunk *head; /* current chunk (newest) */
    struct hf_arena_chunk *first;
    struct hf_arena_chunk *spare; /* kept by a reset, reused before malloc */
    unsigned char *cur, *end;     /* the free part of `head` */
    size_t used_total;            /* bytes handed out since the last reset */
    size_t spare_bytes;           /* bytes of the chunks on `spare` */
    size_t spare_max;             /* bound on spare_bytes (0: keep none) */
};

void hf_arena_init(struct hf_arena *a);
/* Let a reset keep up to `bytes` of chunks beyond the first for reuse
 * (default 0). */
void hf_arena_set_spare_max(struct hf_arena *a, size_t bytes);
/* Free every chunk (the spare bound stays). The arena may be used again. */
void hf_arena_free(struct hf_arena *a);
/* Bytes of the chunks a reset set aside (at most the spare bound). */
static inline size_t hf_arena_spare_bytes(const struct hf_arena *a)
{
    return a->spare_bytes;
}
/* Drop all allocations, keep the first chunk (and up to the spare bound
 * of the others) for reuse. */
void hf_arena_reset(struct hf_arena *a);
/* hf_arena_alloc() when the current chunk has no room: a new chunk. */
void *hf_arena_alloc_slow(struct hf_arena *a, size_t size);
/* `size` bytes aligned to 8; NULL when out of memory. Inline: a pointer
 * bump when the current chunk has room (decoders allocate per field). */
static inline void *hf_arena_alloc(struct hf_arena *a, size_t size)
{
    size = (size + 7) & ~(size_t)7;
    /* integers: a fresh arena's cur and end are NULL */
    if (size <= (size_t)((uintptr_t)a->end - (uintptr_t)a->cur) && size != 0) {
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
