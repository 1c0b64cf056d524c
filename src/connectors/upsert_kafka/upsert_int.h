/*
 * upsert_int.h - the upsert parts of the Kafka connectors: Flink's
 * ChangelogNormalize for the upsert-kafka source and the reducing buffer of
 * the upsert-kafka sink.
 *
 * Both keep state per key in a struct hfk_map. Rows are stored packed: a
 * compact, exact byte form of a row's values (hfk_row_pack), so the state
 * costs one allocation per key and two rows are equal exactly when their
 * packed bytes are.
 */
#ifndef HF_CONNECTORS_UPSERT_INT_H
#define HF_CONNECTORS_UPSERT_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "connectors/kafka/kafka_int.h"

/* Append the packed form of the values of columns `cols` (ncols of them,
 * types from `s`) of `row` to `out`. */
void hfk_row_pack(const struct hf_schema *s, const uint32_t *cols,
                  uint32_t ncols, const struct hf_value *row,
                  struct hf_strbuf *out);

/* Unpack every column of `s` (packed with all columns in schema order)
 * from `len` bytes of `p` into `row`, a row of batch `b` (strings and
 * arrays into its arena). 0 or -1 (corrupt or out of memory). */
int hfk_row_unpack(const struct hf_schema *s, const void *p, size_t len,
                   struct hf_batch *b, struct hf_value *row);

/* ChangelogNormalize: the last row of every key seen. */
struct hfk_norm;

/* New state for rows of schema `s` keyed by `key_cols`. Borrows both (they
 * must outlive the state). NULL on out of memory. */
struct hfk_norm *hfk_norm_new(const struct hf_schema *s,
                              const uint32_t *key_cols, uint32_t nkey);
void hfk_norm_free(struct hfk_norm *n);

/* Normalize rows [from, out->nrows) of `out`, the rows of one message:
 * +I/+U rows (a value) and -D rows (a tombstone: only key columns set).
 * Per key, as Flink: no previous row -> +I(cur); the same row again ->
 * nothing; another row -> -U(prev), +U(cur); a tombstone -> -D(prev), or
 * nothing for an unseen key. With `emit` false only the state changes and
 * the rows are removed (replaying a partition up to the committed offset
 * after a restart). 0 or -1 (err set). */
int hfk_norm_apply(struct hfk_norm *n, struct hf_batch *out, uint32_t from,
                   bool emit, struct hf_error *err);

/* Number of keys in the state. */
size_t hfk_norm_size(const struct hfk_norm *n);

#endif
