/*
 * rowcodec.h - rows to bytes and back: the keys and values of operator
 * state (state/state.h) and the keys of in-memory hash tables.
 *
 * The encoding of a row of known types is deterministic and canonical:
 * two rows encode to the same bytes exactly when they are equal as
 * grouping keys (NULL equals NULL; FLOAT/DOUBLE compare by bits after
 * -0.0 is folded to 0.0 and every NaN to one NaN, as Flink's binary rows
 * group them; a DECIMAL at its type's scale; nested values element by
 * element). So a GROUP BY key, a join key or a DISTINCT row is its bytes.
 * The types are not in the bytes: decoding needs the same types, and the
 * format is holoflow's own, versioned by the checkpoint metadata.
 */
#ifndef HF_CORE_ROWCODEC_H
#define HF_CORE_ROWCODEC_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/strbuf.h"
#include "core/types.h"

/* Append the encoding of the n values `vals` of types `types` to out. A
 * broken strbuf (out of memory, past its max) reports the failure. */
void hf_row_encode(const struct hf_type *types, const struct hf_value *vals,
                   uint32_t n, struct hf_strbuf *out);
/* Same, for the columns `cols[0..n)` of a row (a key drawn from a wider
 * row). */
void hf_row_encode_cols(const struct hf_type *types, const uint32_t *cols,
                        const struct hf_value *row, uint32_t n,
                        struct hf_strbuf *out);
/* Same, with each column's type taken from `schema` (a routing key drawn
 * from an operator's input rows: runtime/exchange.c). */
void hf_row_encode_schema_cols(const struct hf_schema *schema,
                               const uint32_t *cols,
                               const struct hf_value *row, uint32_t n,
                               struct hf_strbuf *out);
/* Decode n values of `types` from buf[0..len) into vals. Strings and
 * nested values are copied into `arena`, or point into buf when arena is
 * NULL (then valid as long as buf). Returns the bytes consumed, or -1 with
 * err set when the bytes do not hold such a row. */
long hf_row_decode(const struct hf_type *types, uint32_t n, const void *buf,
                   size_t len, struct hf_value *vals, struct hf_arena *arena,
                   struct hf_error *err);

/* A 64-bit hash of key bytes (for hash tables, key groups and routing). */
uint64_t hf_key_hash(const void *key, size_t len);

#endif
