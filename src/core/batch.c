/*
 * batch.c - row batch storage (see batch.h).
 */
#include "core/batch.h"

#include <stdlib.h>
#include <string.h>

struct hf_batch *hf_batch_new(uint32_t ncols, uint32_t cap)
{
    struct hf_batch *b = calloc(1, sizeof *b);
    if (b == NULL)
        return NULL;
    b->ncols = ncols;
    b->cap = cap ? cap : 1;
    hf_arena_init(&b->arena);
    b->src_part = -1;
    return b;
}

void hf_batch_destroy(struct hf_batch *b)
{
    if (b == NULL)
        return;
    free(b->vals);
    free(b->kinds);
    free(b->origin);
    hf_arena_free(&b->arena);
    free(b);
}

void hf_batch_reset(struct hf_batch *b)
{
    b->nrows = 0;
    hf_arena_reset(&b->arena);
}

static int grow(struct hf_batch *b)
{
    uint32_t n = b->alloc ? b->alloc * 2 : b->cap;
    size_t ncols = b->ncols ? b->ncols : 1;
    struct hf_value *vals = realloc(b->vals, (size_t)n * ncols * sizeof *vals);
    if (vals == NULL)
        return -1;
    b->vals = vals;
    uint8_t *kinds = realloc(b->kinds, n);
    if (kinds == NULL)
        return -1;
    b->kinds = kinds;
    int64_t *origin = realloc(b->origin, (size_t)n * sizeof *origin);
    if (origin == NULL)
        return -1;
    b->origin = origin;
    b->alloc = n;
    return 0;
}

struct hf_value *hf_batch_add_row(struct hf_batch *b, enum hf_rowkind k,
                                  int64_t origin)
{
    if (b->nrows == b->alloc && grow(b) != 0)
        return NULL;
    static const struct hf_value null_value = {.null = true};
    uint32_t i = b->nrows++;
    struct hf_value *row = hf_batch_row(b, i);
    for (uint32_t c = 0; c < b->ncols; c++)
        row[c] = null_value;
    b->kinds[i] = (uint8_t)k;
    b->origin[i] = origin;
    return row;
}

void hf_batch_drop_last(struct hf_batch *b)
{
    if (b->nrows > 0)
        b->nrows--;
}

int hf_value_set_str(struct hf_batch *b, struct hf_value *v, const char *s,
                     size_t len)
{
    char *p = hf_arena_strndup(&b->arena, s, len);
    if (p == NULL)
        return -1;
    v->v.s.ptr = p;
    v->v.s.len = (uint32_t)len;
    v->null = false;
    return 0;
}
