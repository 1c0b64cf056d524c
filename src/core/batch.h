/*
 * batch.h - row batches: the unit that travels from source to sink.
 *
 * A batch holds up to `cap` rows of `ncols` values, row-major, each row with
 * its RowKind and its origin (line number in a file, offset in a partition)
 * for error messages and dirty-data records. Strings and arrays live in the
 * batch's arena, so filling a batch does no malloc per value, and a batch is
 * reused after hf_batch_reset(). The batch grows past `cap` if a decoder
 * produces several rows from one record; `cap` is the target for "full".
 *
 * @locality one thread at a time; ownership moves with the batch through the
 * pipeline's queues.
 */
#ifndef HF_CORE_BATCH_H
#define HF_CORE_BATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/types.h"

struct hf_batch {
    uint32_t ncols;
    uint32_t nrows;
    uint32_t cap;   /* rows considered full */
    uint32_t alloc; /* rows allocated */
    struct hf_value *vals;
    uint8_t *kinds;  /* enum hf_rowkind per row */
    int64_t *origin; /* per row: line number / offset, -1 if unknown */
    struct hf_arena arena;
    /* Where the rows came from, for messages: file path or topic (borrowed,
     * must outlive the batch) and partition/file index. */
    const char *src_name;
    int32_t src_part;
};

/* New empty batch; NULL on out of memory. Caller owns; hf_batch_destroy. */
struct hf_batch *hf_batch_new(uint32_t ncols, uint32_t cap);
void hf_batch_destroy(struct hf_batch *b);
/* Drop all rows and arena memory; keep allocations for reuse. */
void hf_batch_reset(struct hf_batch *b);

/* Append a row of kind `k` with every value NULL; returns its values (ncols
 * slots) or NULL on out of memory. The pointer is valid until the next
 * append. */
struct hf_value *hf_batch_add_row(struct hf_batch *b, enum hf_rowkind k,
                                  int64_t origin);
/* Remove the last row (a decoder that fails half-way). Arena memory of the
 * row is not reclaimed until reset. */
void hf_batch_drop_last(struct hf_batch *b);

static inline struct hf_value *hf_batch_row(const struct hf_batch *b,
                                            uint32_t i)
{
    return b->vals + (size_t)i * b->ncols;
}

static inline bool hf_batch_full(const struct hf_batch *b)
{
    return b->nrows >= b->cap;
}

/* Copy `len` bytes into the arena and point `v` at them (not NULL). Returns 0
 * or -1 on out of memory. */
int hf_value_set_str(struct hf_batch *b, struct hf_value *v, const char *s,
                     size_t len);

#endif
