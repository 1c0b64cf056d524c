/*
 * state_rocksdb.c - the on-disk state backend (state.backend.type =
 * rocksdb), over RocksDB's C API (Debian librocksdb-dev,
 * docs/decisions.md).
 *
 * One database per job, a working copy: it is created empty at every
 * start (in state.checkpoints.dir/rocksdb-db, or under local_dir, or a
 * temporary directory removed at close) and filled from the restored
 * checkpoint, so checkpoints have exactly the hashmap backend's file
 * format and restore path (state.c); the database itself is never
 * recovered, so it is written without a write-ahead log.
 *
 * With state.backend.incremental = true (and a checkpoint directory),
 * every state has a database of its own instead, and its checkpoint is a
 * RocksDB checkpoint (a flush, then hard links to the immutable table
 * files) in chk-<id>.tmp/<file>.rocksdb: a checkpoint costs what changed
 * since the last one, and retained checkpoints share their unchanged
 * files. Restoring reads such a directory (read-only, checksums verified)
 * into the new state, whatever the backend now is.
 *
 * Every state of the job shares the database. A stored key is
 *
 *   u32 state number (big-endian, assigned at open) | u16 key group | key
 *
 * and a stored value is the write time (i64, ms, for TTL) and the value.
 * So one state's entries are contiguous and sorted by key group, which
 * is what a snapshot writes; a prefix iteration seeks once per key group
 * of the instance (entries come in key order within each key group), or
 * once when the prefix holds a whole routing part
 * (hf_state_set_key_prefix).
 * hf_state_count is a scan; hf_state_rocksdb_estimate (the metrics,
 * when no snapshot scan counted) reads RocksDB's estimates instead.
 *
 * @locality the database handle is thread-safe; each struct hf_state is
 * used by its operator's thread only (its buffers are its own).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <rocksdb/c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "core/rowcodec.h"
#include "core/strbuf.h"
#include "state/state_int.h"

#define HDR 6 /* state number + key group */
#define TS 8

struct rdb {
    rocksdb_t *db;
    rocksdb_options_t *opts;
    rocksdb_writeoptions_t *wo;
    rocksdb_readoptions_t *ro;
    char *path;
    bool temp; /* remove the directory at close */
    bool own;  /* state.backend.incremental: a database per state */
    _Atomic uint32_t next_id;
    _Atomic uint32_t nopen; /* states open on the shared database */
    _Atomic uint64_t writes; /* puts and deletes on the shared database */
};

struct rs {
    struct rdb *r;
    rocksdb_t *db;   /* the shared one, or the state's own (incremental) */
    char *own_path;  /* the state's own database, removed at close */
    uint32_t id;
    struct hf_strbuf key, val; /* scratch for stored keys/values */
    char *got;                 /* the last get's value (rocksdb_free) */
    uint64_t writes; /* its puts and deletes (shared database: its share
                        of the memtables, hf_state_rocksdb_estimate) */
};

struct riter {
    struct hf_state_iter it;
    rocksdb_iterator_t *ri;
    uint32_t kg, kg_end; /* the key group being read, the last one */
    bool started;
    size_t plen;
    char *seek; /* HDR + prefix */
};

static int rm_one(const char *path, const struct stat *st, int flag,
                  struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

static int db_err(struct hf_error *err, const char *what, char *e)
{
    hf_error_set(err, HF_ERR_IO, "rocksdb state backend: %s: %s", what,
                 e ? e : "unknown error");
    rocksdb_free(e);
    return -1;
}

int hf_state_rocksdb_backend_open(struct hf_state_backend *b,
                                  struct hf_error *err)
{
    struct rdb *r = calloc(1, sizeof *r);
    if (!r)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    atomic_init(&r->next_id, 1);
    atomic_init(&r->nopen, 0);
    atomic_init(&r->writes, 0);
    char path[4096];
    if (b->local_dir) {
        snprintf(path, sizeof path, "%s/holoflow-rocksdb-%ld", b->local_dir,
                 (long)getpid());
        r->temp = true;
    } else if (b->dir) {
        snprintf(path, sizeof path, "%s/rocksdb-db", b->dir);
    } else {
        const char *tmp = getenv("TMPDIR");
        snprintf(path, sizeof path, "%s/holoflow-rocksdb-XXXXXX",
                 tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(path)) {
            free(r);
            return hf_error_set(err, HF_ERR_IO,
                                "rocksdb state backend: cannot create a "
                                "directory under %s: %s",
                                tmp && *tmp ? tmp : "/tmp", strerror(errno));
        }
        r->temp = true;
    }
    /* a working copy: whatever an earlier run left is stale */
    if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0 && errno != ENOENT)
        hf_log_warn("rocksdb state backend: cannot clear %s: %s", path,
                    strerror(errno));
    r->path = strdup(path);
    r->opts = rocksdb_options_create();
    rocksdb_options_set_create_if_missing(r->opts, 1);
    rocksdb_options_set_error_if_exists(r->opts, 1);
    r->wo = rocksdb_writeoptions_create();
    rocksdb_writeoptions_disable_WAL(r->wo, 1);
    r->ro = rocksdb_readoptions_create();
    char *e = NULL;
    b->impl = r;
    if (b->cfg.incremental && b->dir) {
        /* a database per state, each checkpointed by hard links */
        r->own = true;
        rocksdb_options_set_write_buffer_size(r->opts, (size_t)16 << 20);
        if (!r->path || mkdir(r->path, 0755) != 0)
            return hf_error_set(err, HF_ERR_IO,
                                "rocksdb state backend: cannot create %s: %s",
                                path, strerror(errno));
        hf_log_info("rocksdb state backend: incremental checkpoints, "
                    "databases in %s",
                    r->path);
        return 0;
    }
    r->db = r->path ? rocksdb_open(r->opts, r->path, &e) : NULL;
    if (!r->db) {
        char what[4200];
        snprintf(what, sizeof what, "cannot open %s", path);
        return db_err(err, what, e);
    }
    hf_log_info("rocksdb state backend: working database in %s", r->path);
    return 0;
}

void hf_state_rocksdb_backend_close(struct hf_state_backend *b)
{
    struct rdb *r = b->impl;
    if (!r)
        return;
    if (r->db)
        rocksdb_close(r->db);
    if (r->ro)
        rocksdb_readoptions_destroy(r->ro);
    if (r->wo)
        rocksdb_writeoptions_destroy(r->wo);
    if (r->opts)
        rocksdb_options_destroy(r->opts);
    if (r->path)
        nftw(r->path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(r->path);
    free(r);
    b->impl = NULL;
}

/* ------------------------------------------------------------------ keys */

static void put_hdr(char *p, uint32_t id, uint32_t kg)
{
    p[0] = (char)(id >> 24);
    p[1] = (char)(id >> 16);
    p[2] = (char)(id >> 8);
    p[3] = (char)id;
    p[4] = (char)(kg >> 8);
    p[5] = (char)kg;
}

static uint32_t hdr_kg(const char *p)
{
    return (uint32_t)(uint8_t)p[4] << 8 | (uint8_t)p[5];
}

/* The stored key of `key` in s->key (kg: its key group, or -1 to compute
 * it). */
static int make_key_kg(struct hf_state *s, const void *key, size_t klen,
                       int64_t kgv, struct hf_error *err)
{
    struct rs *x = s->priv;
    uint32_t kg = kgv >= 0 ? (uint32_t)kgv
                           : hf_state_entry_kg(s, key, klen,
                                               hf_key_hash(key, klen));
    hf_strbuf_reset(&x->key);
    char *p = hf_strbuf_reserve(&x->key, HDR + klen);
    if (!p)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    put_hdr(p, x->id, kg);
    memcpy(p + HDR, key, klen);
    hf_strbuf_commit(&x->key, HDR + klen);
    return 0;
}

static int make_key(struct hf_state *s, const void *key, size_t klen,
                    struct hf_error *err)
{
    return make_key_kg(s, key, klen, -1, err);
}

static int64_t get_ts(const char *v)
{
    uint64_t t = 0;
    for (int i = 7; i >= 0; i--)
        t = t << 8 | (uint8_t)v[i];
    return (int64_t)t;
}

/* One more write of x: what apportions the shared database's memtables
 * among its states (hf_state_rocksdb_estimate). */
static void counted(struct rs *x)
{
    x->writes++;
    if (!x->own_path)
        atomic_fetch_add_explicit(&x->r->writes, 1, memory_order_relaxed);
}

static int store(struct hf_state *s, const void *val, size_t vlen, int64_t ts,
                 struct hf_error *err)
{
    struct rs *x = s->priv;
    hf_strbuf_reset(&x->val);
    char *p = hf_strbuf_reserve(&x->val, TS + vlen);
    if (!p)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    for (int i = 0; i < 8; i++)
        p[i] = (char)((uint64_t)ts >> (8 * i));
    if (vlen)
        memcpy(p + TS, val, vlen);
    hf_strbuf_commit(&x->val, TS + vlen);
    char *e = NULL;
    rocksdb_put(x->db, x->r->wo, x->key.data, x->key.len, x->val.data,
                x->val.len, &e);
    counted(x);
    if (e) {
        char what[256];
        snprintf(what, sizeof what, "operator %s, state '%s': write failed",
                 s->uid, s->name);
        return db_err(err, what, e);
    }
    return 0;
}

/* ------------------------------------------------------------------ ops */

static int rs_get(struct hf_state *s, const void *key, size_t klen,
                  const void **val, size_t *vlen, struct hf_error *err)
{
    struct rs *x = s->priv;
    if (make_key(s, key, klen, err) < 0)
        return -1;
    rocksdb_free(x->got);
    x->got = NULL;
    size_t n = 0;
    char *e = NULL;
    x->got = rocksdb_get(x->db, x->r->ro, x->key.data, x->key.len, &n, &e);
    if (e)
        return db_err(err, "read failed", e);
    if (!x->got)
        return 0;
    if (n < TS)
        return hf_error_set(err, HF_ERR_DATA,
                            "rocksdb state backend: operator %s, state '%s': "
                            "a stored value is too short",
                            s->uid, s->name);
    if (s->b->cfg.ttl_ms > 0 &&
        hf_state_expired(s, get_ts(x->got), hf_state_now_ms())) {
        rocksdb_delete(x->db, x->r->wo, x->key.data, x->key.len, &e);
        counted(x);
        if (e)
            return db_err(err, "delete failed", e);
        return 0;
    }
    *val = x->got + TS;
    *vlen = n - TS;
    return 1;
}

static int rs_put(struct hf_state *s, const void *key, size_t klen,
                  const void *val, size_t vlen, struct hf_error *err)
{
    if (make_key(s, key, klen, err) < 0)
        return -1;
    return store(s, val, vlen, s->b->cfg.ttl_ms > 0 ? hf_state_now_ms() : 0,
                 err);
}

static int rs_load(struct hf_state *s, uint32_t kg, const void *key,
                   size_t klen, const void *val, size_t vlen, int64_t ts,
                   struct hf_error *err)
{
    /* the key group it was written with (hf_state_set_key_prefix) */
    if (make_key_kg(s, key, klen, kg, err) < 0)
        return -1;
    return store(s, val, vlen, ts, err);
}

static int rs_del(struct hf_state *s, const void *key, size_t klen,
                  struct hf_error *err)
{
    struct rs *x = s->priv;
    if (make_key(s, key, klen, err) < 0)
        return -1;
    char *e = NULL;
    rocksdb_delete(x->db, x->r->wo, x->key.data, x->key.len, &e);
    counted(x);
    if (e)
        return db_err(err, "delete failed", e);
    return 0;
}

static int rs_iter_open(struct hf_state *s, const void *prefix, size_t plen,
                        struct hf_state_iter **out, struct hf_error *err)
{
    struct rs *x = s->priv;
    struct riter *it = calloc(1, sizeof *it);
    if (it)
        it->seek = malloc(HDR + plen + 1);
    if (!it || !it->seek) {
        if (it)
            free(it);
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    it->it.s = s;
    it->ri = rocksdb_create_iterator(x->db, x->r->ro);
    it->kg = s->kg_first;
    it->kg_end = s->kg_last;
    int64_t one = hf_state_prefix_kg(s, prefix, plen);
    if (one >= 0) {
        it->kg = (uint32_t)one;
        it->kg_end = (uint32_t)one;
        if (one < s->kg_first || one > s->kg_last)
            it->kg = it->kg_end + 1; /* not this instance's: nothing */
    }
    it->plen = plen;
    if (plen)
        memcpy(it->seek + HDR, prefix, plen);
    *out = &it->it;
    return 0;
}

static int rs_iter_next(struct hf_state_iter *iter, const void **key,
                        size_t *klen, const void **val, size_t *vlen,
                        struct hf_error *err)
{
    struct riter *it = (struct riter *)iter;
    struct hf_state *s = iter->s;
    struct rs *x = s->priv;
    bool ttl = s->b->cfg.ttl_ms > 0;
    int64_t now = ttl ? hf_state_now_ms() : 0;
    while (it->kg <= it->kg_end) {
        if (!it->started) {
            put_hdr(it->seek, x->id, it->kg);
            rocksdb_iter_seek(it->ri, it->seek, HDR + it->plen);
            it->started = true;
        } else {
            rocksdb_iter_next(it->ri);
        }
        size_t kl = 0, vl = 0;
        const char *k =
            rocksdb_iter_valid(it->ri) ? rocksdb_iter_key(it->ri, &kl) : NULL;
        if (!k || kl < HDR + it->plen ||
            memcmp(k, it->seek, HDR + it->plen) != 0) {
            char *e = NULL;
            rocksdb_iter_get_error(it->ri, &e);
            if (e)
                return db_err(err, "iteration failed", e);
            it->kg++;
            it->started = false;
            continue;
        }
        const char *v = rocksdb_iter_value(it->ri, &vl);
        if (vl < TS)
            continue;
        if (ttl && hf_state_expired(s, get_ts(v), now)) {
            char *e = NULL;
            rocksdb_delete(x->db, x->r->wo, k, kl, &e);
            counted(x);
            if (e)
                return db_err(err, "delete failed", e);
            continue;
        }
        *key = k + HDR;
        *klen = kl - HDR;
        *val = v + TS;
        *vlen = vl - TS;
        return 1;
    }
    return 0;
}

static void rs_iter_close(struct hf_state_iter *iter)
{
    struct riter *it = (struct riter *)iter;
    rocksdb_iter_destroy(it->ri);
    free(it->seek);
    free(it);
}

static uint64_t rs_count(const struct hf_state *cs)
{
    struct hf_state *s = (struct hf_state *)cs;
    struct hf_state_iter *it;
    struct hf_error err;
    hf_error_clear(&err);
    if (rs_iter_open(s, NULL, 0, &it, &err) < 0)
        return 0;
    uint64_t n = 0;
    const void *k, *v;
    size_t kl, vl;
    while (rs_iter_next(it, &k, &kl, &v, &vl, &err) == 1)
        n++;
    rs_iter_close(it);
    return n;
}

static int rs_scan(struct hf_state *s, hf_state_scan_fn fn, void *ctx,
                   struct hf_error *err)
{
    struct rs *x = s->priv;
    bool ttl = s->b->cfg.ttl_ms > 0;
    int64_t now = ttl ? hf_state_now_ms() : 0;
    rocksdb_iterator_t *ri = rocksdb_create_iterator(x->db, x->r->ro);
    char seek[HDR];
    put_hdr(seek, x->id, 0);
    int rc = 0;
    for (rocksdb_iter_seek(ri, seek, 4); rc == 0 && rocksdb_iter_valid(ri);
         rocksdb_iter_next(ri)) {
        size_t kl, vl;
        const char *k = rocksdb_iter_key(ri, &kl);
        if (kl < HDR || memcmp(k, seek, 4) != 0)
            break;
        const char *v = rocksdb_iter_value(ri, &vl);
        if (vl < TS)
            continue;
        int64_t ts = get_ts(v);
        if (ttl && hf_state_expired(s, ts, now))
            continue; /* not written; gone at the next restore */
        rc = fn(ctx, hdr_kg(k), k + HDR, kl - HDR, v + TS, vl - TS, ts, err);
    }
    char *e = NULL;
    rocksdb_iter_get_error(ri, &e);
    rocksdb_iter_destroy(ri);
    if (e && rc == 0)
        return db_err(err, "snapshot read failed", e);
    rocksdb_free(e);
    return rc;
}

static void rs_close(struct hf_state *s)
{
    struct rs *x = s->priv;
    if (!x->own_path)
        atomic_fetch_sub(&x->r->nopen, 1);
    rocksdb_free(x->got);
    if (x->own_path) {
        if (x->db)
            rocksdb_close(x->db);
        nftw(x->own_path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
        free(x->own_path);
    }
    hf_strbuf_free(&x->key);
    hf_strbuf_free(&x->val);
    free(x);
}

static uint64_t prop(rocksdb_t *db, const char *name)
{
    uint64_t v = 0;
    return rocksdb_property_int(db, name, &v) == 0 ? v : 0;
}

void hf_rocksdb_apportion(const struct hf_rocksdb_usage *u, uint64_t *entries,
                          uint64_t *bytes)
{
    /* the memtables' live keys, as estimate-num-keys counts them (each
     * delete takes away the put it cancels) */
    uint64_t mkeys = u->mem_deletes * 2 < u->mem_entries
                         ? u->mem_entries - u->mem_deletes * 2
                         : 0;
    uint64_t fkeys = u->keys > mkeys ? u->keys - mkeys : 0;
    double fshare, mshare;
    if (u->range_ok)
        fshare = u->range_all > 0 ? (double)u->range_own / (double)u->range_all
                                  : 0.0;
    else
        fshare = u->nopen > 1 ? 1.0 / u->nopen : 1.0;
    if (u->range_ok && u->range_own == 0 && u->writes_all > 0)
        /* nothing of the state in the table files: every write of it is
         * still a memtable entry */
        mshare = u->mem_entries > 0
                     ? (double)u->writes_own / (double)u->mem_entries
                     : 0.0;
    else if (u->writes_all > 0)
        mshare = (double)u->writes_own / (double)u->writes_all;
    else
        mshare = u->nopen > 1 ? 1.0 / u->nopen : 1.0;
    if (mshare > 1.0)
        mshare = 1.0;
    *entries =
        (uint64_t)((double)fkeys * fshare + (double)mkeys * mshare + 0.5);
    *bytes = (uint64_t)((double)u->sst_bytes * fshare +
                        (double)u->mem_bytes * mshare + 0.5);
}

/* RocksDB's estimates, no scan: its estimated key count
 * (rocksdb.estimate-num-keys: exact after compaction, but puts that
 * replace a key still in a memtable count once each until it is flushed)
 * and the bytes of its table files plus its memtables. A state with a
 * database of its own (incremental) takes the database's. States sharing
 * one take, of the table files, the share of their approximate size over
 * the state's key range (state number), and of the memtables (which
 * RocksDB's C API sizes only as a whole) its writes' share of the
 * memtables' entries when its key range holds no table-file bytes (all
 * its writes are still there), else its share of the database's writes
 * (hf_rocksdb_apportion). */
void hf_state_rocksdb_estimate(struct hf_state *s, uint64_t *entries,
                               uint64_t *bytes)
{
    struct rs *x = s->priv;
    struct hf_rocksdb_usage u = {0};
    u.keys = prop(x->db, "rocksdb.estimate-num-keys");
    u.sst_bytes = prop(x->db, "rocksdb.total-sst-files-size");
    u.mem_bytes = prop(x->db, "rocksdb.cur-size-all-mem-tables");
    u.mem_entries = prop(x->db, "rocksdb.num-entries-active-mem-table") +
                    prop(x->db, "rocksdb.num-entries-imm-mem-tables");
    u.mem_deletes = prop(x->db, "rocksdb.num-deletes-active-mem-table") +
                    prop(x->db, "rocksdb.num-deletes-imm-mem-tables");
    if (x->own_path) {
        u.range_ok = true;
        u.range_own = u.range_all = 1;
        u.writes_own = u.writes_all = 1;
        u.nopen = 1;
    } else {
        char lo[2][HDR], hi[2][HDR];
        put_hdr(lo[0], x->id, 0); /* first 4 bytes: the state number */
        put_hdr(hi[0], x->id + 1, 0);
        memset(lo[1], 0, HDR);
        memset(hi[1], 0xff, HDR);
        const char *st[2] = {lo[0], lo[1]}, *li[2] = {hi[0], hi[1]};
        size_t len[2] = {4, 4};
        uint64_t got[2] = {0, 0};
        char *e = NULL;
        rocksdb_approximate_sizes(x->db, 2, st, len, li, len, got, &e);
        u.range_ok = e == NULL;
        rocksdb_free(e);
        u.range_own = got[0];
        u.range_all = got[1];
        u.writes_own = x->writes;
        u.writes_all =
            atomic_load_explicit(&x->r->writes, memory_order_relaxed);
        u.nopen = atomic_load(&x->r->nopen);
    }
    hf_rocksdb_apportion(&u, entries, bytes);
}

static const struct hf_state_impl rocksdb_impl = {
    rs_get,        rs_put,  rs_del,  rs_count, rs_iter_open, rs_iter_next,
    rs_iter_close, rs_scan, rs_load, rs_close,
};

int hf_state_rocksdb_init(struct hf_state *s, struct hf_error *err)
{
    struct rdb *r = s->b->impl;
    if (s->b->cfg.max_parallelism > 65536)
        return hf_error_set(err, HF_ERR_OPTION,
                            "pipeline.max-parallelism above 65536 is not "
                            "supported by the rocksdb state backend");
    struct rs *x = calloc(1, sizeof *x);
    if (!x)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    x->r = r;
    x->id = atomic_fetch_add(&r->next_id, 1);
    x->db = r->db;
    hf_strbuf_init(&x->key, 0);
    hf_strbuf_init(&x->val, 0);
    if (r->own) {
        char path[4200];
        snprintf(path, sizeof path, "%s/state-%u", r->path, x->id);
        char *e = NULL;
        x->own_path = strdup(path);
        x->db = x->own_path ? rocksdb_open(r->opts, path, &e) : NULL;
        if (!x->db) {
            free(x->own_path);
            hf_strbuf_free(&x->key);
            hf_strbuf_free(&x->val);
            free(x);
            return db_err(err, "cannot open a state's database", e);
        }
    }
    if (!x->own_path)
        atomic_fetch_add(&r->nopen, 1);
    s->priv = x;
    s->impl = &rocksdb_impl;
    return 0;
}

int hf_state_rocksdb_checkpoint(struct hf_state *s, const char *dir,
                                struct hf_error *err)
{
    struct rs *x = s->priv;
    char *e = NULL;
    rocksdb_checkpoint_t *cp = rocksdb_checkpoint_object_create(x->db, &e);
    if (cp && !e)
        rocksdb_checkpoint_create(cp, dir, 0, &e); /* 0: flush first */
    if (cp)
        rocksdb_checkpoint_object_destroy(cp);
    if (e) {
        char what[4300];
        snprintf(what, sizeof what, "checkpoint %s", dir);
        return db_err(err, what, e);
    }
    return 0;
}

bool hf_state_rocksdb_own(const struct hf_state *s)
{
    return s->impl == &rocksdb_impl && ((const struct rs *)s->priv)->own_path;
}

int hf_state_rocksdb_read(const char *dir, struct hf_state *into,
                          struct hf_error *err)
{
    rocksdb_options_t *o = rocksdb_options_create();
    char *e = NULL;
    rocksdb_t *db = rocksdb_open_for_read_only(o, dir, 0, &e);
    if (!db) {
        rocksdb_options_destroy(o);
        hf_error_set(err, HF_ERR_DATA,
                     "checkpoint: %s cannot be read as a rocksdb checkpoint "
                     "(%s); remove the checkpoint directory to reset the "
                     "job's state",
                     dir, e ? e : "unknown error");
        rocksdb_free(e);
        return -1;
    }
    rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
    rocksdb_readoptions_set_verify_checksums(ro, 1);
    rocksdb_iterator_t *ri = rocksdb_create_iterator(db, ro);
    int rc = 0;
    int64_t now = hf_state_now_ms();
    for (rocksdb_iter_seek_to_first(ri); rc == 0 && rocksdb_iter_valid(ri);
         rocksdb_iter_next(ri)) {
        size_t kl, vl;
        const char *k = rocksdb_iter_key(ri, &kl);
        const char *v = rocksdb_iter_value(ri, &vl);
        if (kl < HDR || vl < TS) {
            rc = hf_error_set(err, HF_ERR_DATA,
                              "checkpoint: %s is corrupt (bad entry)", dir);
            break;
        }
        uint32_t kg = hdr_kg(k);
        int64_t ts = get_ts(v);
        if (kg < into->kg_first || kg > into->kg_last ||
            hf_state_expired(into, ts, now))
            continue;
        rc = into->impl->load(into, kg, k + HDR, kl - HDR, v + TS, vl - TS,
                              ts, err);
    }
    rocksdb_iter_get_error(ri, &e);
    if (e && rc == 0)
        rc = hf_error_set(err, HF_ERR_DATA, "checkpoint: %s is corrupt: %s",
                          dir, e);
    rocksdb_free(e);
    rocksdb_iter_destroy(ri);
    rocksdb_readoptions_destroy(ro);
    rocksdb_close(db);
    rocksdb_options_destroy(o);
    return rc;
}
