/*
 * state.h - keyed state of stateful operators, and the checkpoints that
 * make it survive a crash (issue 9 item 5).
 *
 * A job has one state backend (`state.backend.type`: hashmap, the
 * default, in memory; or rocksdb, on disk, for state larger than memory).
 * Each stateful operator instance opens one or more named states from it
 * (a group aggregate: "acc"; a join: "left" and "right"), identified by
 * the operator's uid (stable across runs of the same job: the planner's
 * node id and kind, e.g. "n4-group-aggregate") and the name. A state is a
 * map from key bytes to value bytes. Operators build keys and values
 * with core/rowcodec.h; the backend never interprets them.
 *
 * Keys belong to key groups: hf_state_key_group(hf_key_hash(key)) over
 * `max_parallelism` groups (Flink's pipeline.max-parallelism, default
 * 128). A keyed exchange routes a row to the instance owning its key
 * group, and a checkpoint stores each state sorted by key group, so a job
 * restarted with another parallelism reads its instances' ranges back.
 *
 * Checkpoints. The runtime, not the operator, snapshots states: when
 * barrier `id` is aligned at an operator it calls the operator's own
 * snapshot() (which flushes whatever it folds in memory, e.g. a mini-batch,
 * into its states) and then hf_state_snapshot() on each of its states,
 * which writes them under `state.checkpoints.dir`/chk-<id>.tmp/. When every
 * operator and every source has acknowledged `id`, the coordinator calls
 * hf_state_backend_complete() with the sources' positions: the metadata
 * file is written and fsynced, the directory renamed to chk-<id> and
 * fsynced, older checkpoints beyond `state.checkpoints.num-retained` are
 * removed; only then does the runtime commit the sources (Kafka offsets,
 * replication LSNs). On start, hf_state_backend_open() finds the newest
 * complete chk-<id> (a chk-*.tmp is an interrupted one and is removed);
 * states opened afterwards are filled from it, and sources resume from the
 * positions stored in it, never from what a consumer group committed
 * later. With no checkpoint directory configured, state lives only in
 * memory and a restart starts empty (as a Flink job without checkpoints).
 *
 * TTL (`table.exec.state.ttl`, 0 = off): an entry not written for that long
 * reads as absent (Flink: OnCreateAndWrite, NeverReturnExpired), and is
 * dropped when met or snapshotted.
 *
 * Memory (hashmap): the bytes of keys and values plus a per-entry overhead
 * are counted across the backend; a put that would pass
 * `state.backend.hashmap.memory-limit` fails with an error naming the
 * operator, the state and the option to raise (or rocksdb), instead of the
 * OOM killer ending the job.
 *
 * @locality a struct hf_state is used by the thread of its operator
 * instance only (get/put/del/iterate/snapshot); the backend's open,
 * complete and close are the runtime's, from the coordinator thread, and
 * serialize with snapshots internally.
 */
#ifndef HF_STATE_STATE_H
#define HF_STATE_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct hf_state_backend;
struct hf_state;
struct hf_state_iter;

enum hf_state_backend_type { HF_STATE_HASHMAP, HF_STATE_ROCKSDB };

struct hf_state_config {
    enum hf_state_backend_type type; /* state.backend.type */
    const char *checkpoints_dir;     /* state.checkpoints.dir; NULL: state
                                        is not durable */
    uint32_t num_retained;           /* state.checkpoints.num-retained, >= 1 */
    bool incremental;                /* state.backend.incremental (rocksdb) */
    int64_t ttl_ms;                  /* table.exec.state.ttl; 0 = off */
    uint64_t memory_limit;           /* hashmap bytes; 0 = unlimited */
    uint32_t max_parallelism;        /* key groups; pipeline.max-parallelism */
    const char *local_dir;           /* rocksdb working files (NULL: under
                                        the checkpoint dir or a temp dir) */
};

/* Open the job's backend and restore the newest complete checkpoint in
 * cfg->checkpoints_dir, if any. Strings in cfg are copied. 0 or -1 (err:
 * an unreadable or corrupt checkpoint names its file). Caller owns *out. */
int hf_state_backend_open(const struct hf_state_config *cfg,
                          struct hf_state_backend **out,
                          struct hf_error *err);
/* The checkpoint id restored at open, 0 when the job starts empty; new
 * checkpoint ids must be greater. */
uint64_t hf_state_backend_restored_id(const struct hf_state_backend *b);
/* A source's position stored in the restored checkpoint under `uid` (the
 * source node's uid): 1 and *p, *len (owned by the backend, valid until
 * close), or 0 when there is none. */
int hf_state_backend_position(const struct hf_state_backend *b,
                              const char *uid, const void **p, size_t *len);

/* One source position to store with a checkpoint. */
struct hf_state_position {
    const char *uid;
    const void *data;
    size_t len;
};
/* Checkpoint `id` has been snapshotted by every state and every source:
 * make it durable with the given positions (metadata, fsync, rename,
 * retention). 0, or -1 (then the checkpoint does not count and the job
 * fails). A no-op returning 0 without a checkpoint directory. */
int hf_state_backend_complete(struct hf_state_backend *b, uint64_t id,
                              const struct hf_state_position *pos,
                              size_t npos, struct hf_error *err);
/* The bytes of the files of the last checkpoint made durable by
 * hf_state_backend_complete (every file under its chk-<id>, shared
 * incremental RocksDB files included: Flink's full checkpoint size); 0
 * before the first and without a checkpoint directory. Any thread. */
uint64_t hf_state_backend_last_size(const struct hf_state_backend *b);
/* Free the backend; every state must have been closed. NULL: no-op. */
void hf_state_backend_close(struct hf_state_backend *b);

/* Open the state `name` of operator instance `op_uid` that owns key groups
 * [kg_first, kg_last] (the whole range with parallelism 1); filled from the
 * restored checkpoint. Caller owns *out (hf_state_close). */
int hf_state_open(struct hf_state_backend *b, const char *op_uid,
                  const char *name, uint32_t kg_first, uint32_t kg_last,
                  struct hf_state **out, struct hf_error *err);
void hf_state_close(struct hf_state *s);

/* Optional, right after hf_state_open, before the first put: the key
 * group of an entry is that of the first prefix_len(ctx, key, klen) bytes
 * of its key instead of the whole key: the part a keyed exchange routes
 * rows by, when it starts a longer state key (a join key followed by the
 * row, a Top-N partition key followed by the sort key). prefix_len returns
 * 0 when the bytes do not hold a whole routing part (then the whole key
 * counts); the same function must be given on every run (restored entries
 * keep the key group they were written with). With rocksdb, a prefix
 * iteration whose prefix holds a whole routing part reads one key group,
 * in key order. ctx is borrowed until hf_state_close. */
void hf_state_set_key_prefix(struct hf_state *s,
                             size_t (*prefix_len)(void *ctx, const void *key,
                                                  size_t klen),
                             void *ctx);

/* 1 and the value (*val, *vlen borrowed, valid until the next call on s),
 * 0 when absent or expired, -1 on error. */
int hf_state_get(struct hf_state *s, const void *key, size_t klen,
                 const void **val, size_t *vlen, struct hf_error *err);
/* Insert or replace (both copied). 0, or -1 (the memory limit: err names
 * the operator, the state and state.backend.hashmap.memory-limit). */
int hf_state_put(struct hf_state *s, const void *key, size_t klen,
                 const void *val, size_t vlen, struct hf_error *err);
/* Remove; absent is not an error. 0 or -1. */
int hf_state_del(struct hf_state *s, const void *key, size_t klen,
                 struct hf_error *err);
/* Live entries of s. */
uint64_t hf_state_count(const struct hf_state *s);
/* True when s's entries expire (table.exec.state.ttl is set): an entry
 * a later read needs must be rewritten, not only written once. */
bool hf_state_has_ttl(const struct hf_state *s);
/* For the metrics (Flink's state size and entries): the live entries of s
 * and their bytes. hashmap: the count it keeps and the memory it has
 * reserved (entries, their keys and values, its slot array: what
 * state.backend.hashmap.memory-limit counts); rocksdb: never a scan: the
 * counts of the last hf_state_snapshot's scan when it wrote a full file
 * (call it after the snapshot; the bytes of keys and values as stored,
 * key prefix and write time included), else RocksDB's estimates
 * (state_rocksdb.c: estimate-num-keys, table files + memtables).
 * @locality the thread of s, as every call on it. */
void hf_state_usage(struct hf_state *s, uint64_t *entries, uint64_t *bytes);

/* Every live entry whose key starts with `prefix` (plen 0: all), in an
 * unspecified order: hashmap is a full scan; rocksdb goes key group by key
 * group, in key order within each (not across them). The
 * state must not be changed while an iterator is open, except by
 * hf_state_del of the entry just returned. */
int hf_state_iter_open(struct hf_state *s, const void *prefix, size_t plen,
                       struct hf_state_iter **out, struct hf_error *err);
/* 1 and the entry (borrowed until the next call), 0 at the end, -1. */
int hf_state_iter_next(struct hf_state_iter *it, const void **key,
                       size_t *klen, const void **val, size_t *vlen,
                       struct hf_error *err);
void hf_state_iter_close(struct hf_state_iter *it);

/* Write s into checkpoint `id` (runtime only; see above). 0 or -1. */
int hf_state_snapshot(struct hf_state *s, uint64_t id, struct hf_error *err);

/* Key groups, with Flink's KeyGroupRangeAssignment arithmetic (so the
 * same parallelism and max parallelism split the groups as Flink does):
 *
 *   key group = murmur(int hash of the key) % max_parallelism
 *   instance  = key group * parallelism / max_parallelism
 *   instance i owns [ceil(i * max / p), ((i + 1) * max - 1) / p]
 *
 * The int hash of a key is its 64-bit hf_key_hash folded to 32 bits (high
 * half xor low half, as Java's Long.hashCode); Flink's is the key's Java
 * hashCode, so the key group of a given key differs from Flink's, the
 * arithmetic does not. */
/* Flink's MathUtils.murmurHash(int): non-negative. */
uint32_t hf_state_murmur(int32_t code);
/* The key group of a key hash (core/rowcodec.h hf_key_hash), in
 * [0, max_parallelism). */
uint32_t hf_state_key_group(uint64_t hash, uint32_t max_parallelism);
/* The instance (of `parallelism`) that owns key group `kg`. */
uint32_t hf_state_kg_operator(uint32_t kg, uint32_t max_parallelism,
                              uint32_t parallelism);
/* The key groups [*first, *last] instance `index` of `parallelism` owns
 * (parallelism <= max_parallelism). */
void hf_state_kg_range(uint32_t max_parallelism, uint32_t parallelism,
                       uint32_t index, uint32_t *first, uint32_t *last);

#endif
