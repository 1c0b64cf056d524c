/*
 * state_int.h - what state.c (the backend-independent part: checkpoint
 * files, restore, TTL clock, memory accounting) shares with the storage
 * implementations state_hashmap.c and state_rocksdb.c.
 *
 * A struct hf_state is the common header, an implementation table and
 * the implementation's data (priv);
 * state.c forwards the public calls to it, and drives snapshot and
 * restore through two implementation calls: scan() hands over every live
 * entry in key-group order, load() takes one entry read back from a
 * checkpoint file.
 */
#ifndef HF_STATE_STATE_INT_H
#define HF_STATE_STATE_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "state/state.h"

/* One entry as the snapshot and restore paths see it; `ts` is the
 * processing time (ms) of its last write, for TTL. */
typedef int (*hf_state_scan_fn)(void *ctx, uint32_t kg, const void *key,
                                size_t klen, const void *val, size_t vlen,
                                int64_t ts, struct hf_error *err);

struct hf_state_impl {
    int (*get)(struct hf_state *s, const void *key, size_t klen,
               const void **val, size_t *vlen, struct hf_error *err);
    int (*put)(struct hf_state *s, const void *key, size_t klen,
               const void *val, size_t vlen, struct hf_error *err);
    int (*del)(struct hf_state *s, const void *key, size_t klen,
               struct hf_error *err);
    uint64_t (*count)(const struct hf_state *s);
    int (*iter_open)(struct hf_state *s, const void *prefix, size_t plen,
                     struct hf_state_iter **out, struct hf_error *err);
    int (*iter_next)(struct hf_state_iter *it, const void **key,
                     size_t *klen, const void **val, size_t *vlen,
                     struct hf_error *err);
    void (*iter_close)(struct hf_state_iter *it);
    /* Every live entry, ascending key group (expired ones are dropped). */
    int (*scan)(struct hf_state *s, hf_state_scan_fn fn, void *ctx,
                struct hf_error *err);
    /* Insert an entry restored from a checkpoint (write time kept). */
    int (*load)(struct hf_state *s, uint32_t kg, const void *key,
                size_t klen, const void *val, size_t vlen, int64_t ts,
                struct hf_error *err);
    void (*close)(struct hf_state *s);
};

/* A file of the restored checkpoint: one state of one instance. */
struct hf_ckpt_file {
    char *file; /* name inside the checkpoint directory */
    char *uid, *name;
    uint32_t kg_first, kg_last;
    uint64_t size;
    uint32_t crc;
};

struct hf_ckpt_pos {
    char *uid;
    void *data;
    size_t len;
};

/* A state file written for a checkpoint not yet complete. */
struct hf_ckpt_pending {
    uint64_t id;
    struct hf_ckpt_file f;
};

struct hf_state_backend {
    struct hf_state_config cfg; /* strings point to the copies below */
    char *dir, *local_dir;
    pthread_mutex_t mu; /* the pending list, mkdir of chk-<id>.tmp */
    uint64_t restored_id;
    char *restored_path; /* dir/chk-<id>, NULL when starting empty */
    struct hf_ckpt_file *files;
    size_t nfiles;
    struct hf_ckpt_pos *pos;
    size_t npos;
    struct hf_ckpt_pending *pend;
    size_t npend, cappend;
    _Atomic uint64_t mem_used; /* hashmap bytes across the backend */
    _Atomic uint32_t nopen;
    _Atomic uint64_t last_size; /* bytes of the last complete checkpoint */
    void *impl; /* rocksdb: the database */
    int lock_fd; /* dir/LOCK, flock'ed while open; -1 */
};

struct hf_state {
    struct hf_state_backend *b;
    const struct hf_state_impl *impl;
    char *uid, *name;
    uint32_t kg_first, kg_last;
    void *priv; /* the implementation's */
    _Atomic uint64_t mem; /* hashmap bytes of this state (hf_state_usage) */
    /* rocksdb, for hf_state_usage: the entries and bytes the last
     * snapshot that scanned the state wrote (a full checkpoint file), so
     * the metrics need no scan of their own */
    bool scanned;
    uint64_t scanned_entries, scanned_bytes;
    size_t (*kg_prefix)(void *ctx, const void *key, size_t klen);
    void *kg_ctx;
};

/* Iterators of every implementation start with this. */
struct hf_state_iter {
    struct hf_state *s;
};

/* The key group of an entry of s whose whole key hashes to `hash`
 * (hf_state_set_key_prefix decides which part counts). */
uint32_t hf_state_entry_kg(const struct hf_state *s, const void *key,
                           size_t klen, uint64_t hash);
/* The key group every key starting with prefix[0..plen) has, or -1 when
 * they may have several. */
int64_t hf_state_prefix_kg(const struct hf_state *s, const void *prefix,
                           size_t plen);

/* Processing time in milliseconds (the TTL clock). */
int64_t hf_state_now_ms(void);
/* Tests: replace the TTL clock (NULL: the real one). */
void hf_state_set_clock(int64_t (*now_ms)(void));
/* True when an entry written at ts has expired under s's TTL. */
bool hf_state_expired(const struct hf_state *s, int64_t ts, int64_t now);

/* Memory accounting of the hashmap backend: reserve `n` more bytes (0, or
 * -1 with the memory-limit error naming s), or give `n` back. */
int hf_state_mem_reserve(struct hf_state *s, uint64_t n,
                         struct hf_error *err);
void hf_state_mem_release(struct hf_state *s, uint64_t n);

/* Implementations: fill s (already holding b, uid, name, range). */
int hf_state_hashmap_init(struct hf_state *s, struct hf_error *err);
int hf_state_rocksdb_init(struct hf_state *s, struct hf_error *err);
/* rocksdb backend-wide open/close (b->impl); no-ops without rocksdb. */
int hf_state_rocksdb_backend_open(struct hf_state_backend *b,
                                  struct hf_error *err);
void hf_state_rocksdb_backend_close(struct hf_state_backend *b);
/* Incremental checkpoints (state_rocksdb.c): whether s has a database of
 * its own; write its RocksDB checkpoint to `dir` (must not exist); read
 * such a directory into `into` (entries of its key groups, via load). */
bool hf_state_rocksdb_own(const struct hf_state *s);
/* RocksDB's own estimates of the live entries and bytes of s, read from
 * its properties without a scan (see hf_state_usage). */
void hf_state_rocksdb_estimate(struct hf_state *s, uint64_t *entries,
                               uint64_t *bytes);
/* What the estimate is made of, and its arithmetic (apart for the unit
 * tests): the database's estimated keys, table-file and memtable bytes,
 * memtable entries and deletes; the approximate table-file size of the
 * state's key range and of all states' (range_ok: RocksDB answered); the
 * state's writes and the database's; the states open on it. Table files
 * go by the key range's share; memtables by the state's writes over
 * their entries when its key range has no table-file bytes, else by the
 * writes' share (an equal share of each when unknown). */
struct hf_rocksdb_usage {
    uint64_t keys, sst_bytes, mem_bytes, mem_entries, mem_deletes;
    bool range_ok;
    uint64_t range_own, range_all;
    uint64_t writes_own, writes_all;
    uint32_t nopen;
};
void hf_rocksdb_apportion(const struct hf_rocksdb_usage *u, uint64_t *entries,
                          uint64_t *bytes);
int hf_state_rocksdb_checkpoint(struct hf_state *s, const char *dir,
                                struct hf_error *err);
int hf_state_rocksdb_read(const char *dir, struct hf_state *into,
                          struct hf_error *err);

#endif
