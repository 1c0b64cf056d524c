/*
 * java_map.h - the order in which Flink's print sink shows a MAP.
 *
 * Flink prints a row through its external Java objects, and a MAP (or
 * MULTISET) becomes a java.util.HashMap filled in entry order: its
 * toString() walks the hash table, so the printed order follows the keys'
 * Java hashCode() and the table's growth, not the order of the data. To
 * print byte for byte what Flink prints, holoflow computes the same
 * hashes and replays the same table.
 */
#ifndef HF_PRINT_JAVA_MAP_H
#define HF_PRINT_JAVA_MAP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/types.h"

/* Java's hashCode() of the object Flink makes of non-NULL value v of type
 * t (String, Integer, Long, BigDecimal, LocalDateTime, Instant, ...);
 * false when Java uses an identity hash (byte[], arrays, maps), which has
 * no reproducible value. */
bool hf_java_hash(const struct hf_type *t, const struct hf_value *v,
                  int32_t *h);

/* The order in which a java.util.HashMap built by putting the entries of
 * map value a (key type kt) in order iterates them: order[0..a->n) gets
 * entry indexes. When some key has no reproducible hash the entries keep
 * their own order. */
void hf_java_hashmap_order(const struct hf_type *kt, const struct hf_array *a,
                           uint32_t *order);

#endif
