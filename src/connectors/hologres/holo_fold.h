/*
 * holo_fold.h - a shard buffer that folds the changes of each key.
 *
 * Rows routed to one shard (one connection) wait here until a flush. The
 * buffer keeps at most one entry per primary key: a new change of a key
 * already buffered is folded into that entry, following the on-conflict
 * action, so that all statements of one flush touch distinct keys and
 * therefore commute (deletes can run before upserts). Folding rules, for
 * an entry E and a new change N of the same key:
 *
 *   E \ N        UPSERT(r)                      DELETE   NULLIFY
 *   UPSERT(a)    IGNORE: a; UPDATE: a<-r        DELETE   UPSERT(a, non-PK nulled)
 *                (merge, or r's non-nulls with            (IGNORE or ignore-null:
 *                ignore-null); REPLACE: r                 flush)
 *   DELETE       REPLACE(r) (delete, then insert) DELETE   DELETE
 *   REPLACE(a)   like UPSERT, staying REPLACE    DELETE   REPLACE(a, nulled)
 *   NULLIFY      flush first                    DELETE   NULLIFY
 *
 * When a change cannot be folded exactly (the cases marked "flush", and
 * every repeated key when deduplication is off, check-and-put is on, or
 * sink.insert.conflict-update-set / conflict-where is set),
 * holo_buffer_put() refuses it and the writer flushes the buffer first,
 * which keeps per-key order. Tables without a primary key append every
 * row (no folding).
 *
 * Values are copied into the buffer's arena (the source batch is reused
 * after the call); NUL bytes in strings are removed on the way when
 * sink.remove-u0000-in-text.enabled is on. A fold never changes values
 * in place: the entry gets a new value array and keeps its previous state
 * as `prior`, so a bad change does not take the earlier good ones of its
 * key down with it.
 *
 * @locality the thread that owns the buffer (the sink thread while
 * filling, a shard worker while flushing; hand-off under the shard lock).
 */
#ifndef HF_HOLO_FOLD_H
#define HF_HOLO_FOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "connectors/hologres/holo_config.h"
#include "core/arena.h"
#include "core/types.h"

enum holo_action {
    HOLO_ACT_UPSERT,
    HOLO_ACT_DELETE,
    HOLO_ACT_REPLACE, /* delete the row, then insert (a delete then an upsert) */
    HOLO_ACT_NULLIFY  /* set the written non-PK columns to NULL */
};

struct holo_entry {
    uint8_t action;   /* enum holo_action */
    uint8_t kind;     /* RowKind of the last change, for dirty records */
    int64_t origin;   /* source position of the last change */
    const char *src_name;
    uint64_t hash;
    struct hf_value *vals; /* ncols values, in the arena */
    /* The entry as it was before the last change folded into it (in the
     * arena; NULL for an entry of one change). When the server refuses
     * the folded row, the flush records the last change as dirty and
     * writes this state instead, so the changes before it are kept. */
    const struct holo_entry *prior;
};

struct holo_buffer {
    uint32_t ncols;
    const struct hf_schema *schema; /* borrowed: the job's columns */
    const uint32_t *pk;             /* job column indexes of the key */
    uint32_t npk;
    enum holo_on_conflict on_conflict;
    bool ignore_null;
    bool fold;       /* deduplication on, no check-and-put, no conflict
                        expressions */
    bool remove_u0000;
    /* Per job column, how copy_row() copies it (holo_fold.c); NULL: every
     * column through hf_value_copy(). */
    uint8_t *col_copy;
    struct holo_entry *entries;
    uint32_t n, cap;
    uint32_t *slots; /* open addressing: entry index + 1, 0 = empty */
    uint32_t nslots;
    struct hf_arena arena;
    size_t bytes;       /* approximate payload bytes */
    uint64_t nchanges;  /* input changes folded into the entries */
    int64_t first_usec; /* when the first entry arrived (monotonic) */
};

/* Set up an empty buffer for `cap` entries. 0 or -1 (out of memory). */
int holo_buffer_init(struct holo_buffer *b, const struct hf_schema *schema,
                     const uint32_t *pk, uint32_t npk,
                     const struct holo_config *cfg, uint32_t cap);
void holo_buffer_free(struct holo_buffer *b);
void holo_buffer_reset(struct holo_buffer *b);

/* Hash of the key columns of `row` (stable across buffers: the writer
 * routes by it). With strip_nul (sink.remove-u0000-in-text.enabled) NUL
 * bytes of text keys do not count, so keys that differ only by U+0000 --
 * one key once written -- meet in one shard and one entry. */
uint64_t holo_key_hash(const struct hf_value *row, const uint32_t *pk,
                       uint32_t npk, const struct hf_schema *schema,
                       bool strip_nul);

/* Add change `action` of `row` (hash from holo_key_hash). Returns 0 when
 * buffered or folded, 1 when the buffer must be flushed before this change
 * can be added (nothing was changed), -1 on out of memory. */
int holo_buffer_put(struct holo_buffer *b, enum holo_action action,
                    enum hf_rowkind kind, const struct hf_value *row,
                    uint64_t hash, int64_t origin, const char *src_name);

/* True when two values of type t are equal (NULL equals NULL). */
bool holo_value_eq(const struct hf_type *t, const struct hf_value *a,
                   const struct hf_value *b);

#endif
