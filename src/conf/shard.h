/*
 * shard.h - "I/N" shard specifications: one process of N reading every
 * N-th split of a bounded source.
 *
 * `holoflow sync --shard I/N` and the source options that implement it
 * (filesystem `source.shard`: every N-th file in the order the source
 * reads them; hologres `source.scan.shard`: every N-th split of a scan)
 * share this one parser, so the spelling and the checks are the same
 * everywhere. Split i belongs to shard i mod N; N processes given 0/N ..
 * N-1/N with the same options read every split exactly once.
 */
#ifndef HF_CONF_SHARD_H
#define HF_CONF_SHARD_H

#include <stdbool.h>
#include <stdint.h>

#define HF_SHARD_MAX 4096

/* Parse "I/N" (decimal, 0 <= I < N <= HF_SHARD_MAX). NULL or "" is the
 * whole (0/1). 0, or -1 when malformed. */
int hf_shard_parse(const char *s, uint32_t *index, uint32_t *count);

/* Does split `i` belong to shard index/count? */
static inline bool hf_shard_owns(uint64_t i, uint32_t index, uint32_t count)
{
    return count <= 1 || i % count == index;
}

#endif
