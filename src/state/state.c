/*
 * state.c - the backend-independent half of keyed state (state/state.h):
 * opening the backend and restoring the newest complete checkpoint,
 * writing state files and the metadata of a checkpoint, retention, the
 * TTL clock, memory accounting and key groups. The storage itself is
 * state_hashmap.c or state_rocksdb.c behind struct hf_state_impl.
 *
 * Layout under state.checkpoints.dir:
 *
 *   chk-<id>.tmp/     a checkpoint being written (removed at open: it
 *                     never completed)
 *   chk-<id>/         a complete one: one file per state of each operator
 *                     instance, and _metadata
 *   LOCK              flock'ed by the job using the directory, so that a
 *                     second job on the same directory is refused
 *
 * A state file ("<uid>.<name>.kg<first>-<last>") is (the same name with
 * ".rocksdb" is instead a RocksDB checkpoint directory, written with
 * state.backend.incremental: state_rocksdb.c):
 *
 *   "HFSTATE\0", u32 format version, u32 max parallelism,
 *   u32 kg_first, u32 kg_last, str uid, str name,
 *   { u8 1, u32 key group, i64 write time ms, str key, str value }*
 *     in ascending key group,
 *   u8 0, u64 number of entries, u32 CRC-32 of every byte before it.
 *
 * _metadata is:
 *
 *   "HFCKPT\0\0", u32 format version, u64 checkpoint id,
 *   u32 npos, { str source uid, str position }*,
 *   u32 nfiles, { str file, str uid, str name, u32 kg_first, u32 kg_last,
 *                 u64 size, u32 crc }*,
 *   u32 CRC-32 of every byte before it.
 *
 * Integers are little-endian, `str` is a u32 length and the bytes. Every
 * file is fsynced, then the directory; the rename of chk-<id>.tmp to
 * chk-<id> is the commit point, and the parent is fsynced after it. So a
 * crash at any moment leaves the previous complete checkpoint intact.
 * Version 2 of both files goes with version 1 of core/rowcodec.c's
 * encoding (the bytes of keys and values are opaque here); version 1
 * placed keys in key groups by another function (before keyed operators
 * ran in parallel) and is refused.
 */
#define _GNU_SOURCE
#include "state/state_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "core/failpoint.h"
#include "core/log.h"
#include "core/rowcodec.h"
#include "core/strbuf.h"

#define STATE_MAGIC "HFSTATE\0"
#define META_MAGIC "HFCKPT\0\0"
#define FORMAT_VERSION 2u
#define META_NAME "_metadata"
#define MAXP_NAME "holoflow-key-groups" /* in a .rocksdb checkpoint */

/* snprintf into a path buffer; a path that does not fit is cut (and then
 * names no file: the call on it fails with the cut path in the message). */
static void __attribute__((format(printf, 3, 4)))
pathf(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    (void)r;
}

/* ------------------------------------------------------------------ clock */

static int64_t (*clock_fn)(void);

void hf_state_set_clock(int64_t (*now_ms)(void))
{
    clock_fn = now_ms;
}

int64_t hf_state_now_ms(void)
{
    if (clock_fn)
        return clock_fn();
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME_COARSE, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool hf_state_has_ttl(const struct hf_state *s)
{
    return s->b->cfg.ttl_ms > 0;
}

bool hf_state_expired(const struct hf_state *s, int64_t ts, int64_t now)
{
    int64_t ttl = s->b->cfg.ttl_ms;
    return ttl > 0 && now - ts >= ttl;
}

/* Flink's MathUtils.murmurHash of an int: one murmur3 round and its
 * finalizer, made non-negative (Integer.MIN_VALUE gives 0). */
uint32_t hf_state_murmur(int32_t code)
{
    uint32_t h = (uint32_t)code * 0xcc9e2d51u;
    h = (h << 15) | (h >> 17);
    h *= 0x1b873593u;
    h = (h << 13) | (h >> 19);
    h = h * 5u + 0xe6546b64u;
    h ^= 4u;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    int32_t v = (int32_t)h;
    if (v >= 0)
        return (uint32_t)v;
    return v == INT32_MIN ? 0u : (uint32_t)(-(int64_t)v);
}

uint32_t hf_state_key_group(uint64_t hash, uint32_t max_parallelism)
{
    if (max_parallelism == 0)
        return 0;
    /* KeyGroupRangeAssignment.computeKeyGroupForKeyHash over the key's
     * int hash (the 64-bit hash folded as Java's Long.hashCode folds). */
    int32_t code = (int32_t)(uint32_t)(hash ^ (hash >> 32));
    return hf_state_murmur(code) % max_parallelism;
}

uint32_t hf_state_kg_operator(uint32_t kg, uint32_t max_parallelism,
                              uint32_t parallelism)
{
    return (uint32_t)((uint64_t)kg * parallelism / max_parallelism);
}

void hf_state_kg_range(uint32_t max_parallelism, uint32_t parallelism,
                       uint32_t index, uint32_t *first, uint32_t *last)
{
    uint64_t m = max_parallelism, p = parallelism;
    *first = (uint32_t)((index * m + p - 1) / p);
    *last = (uint32_t)(((index + 1) * m - 1) / p);
}

void hf_state_set_key_prefix(struct hf_state *s,
                             size_t (*prefix_len)(void *ctx, const void *key,
                                                  size_t klen),
                             void *ctx)
{
    s->kg_prefix = prefix_len;
    s->kg_ctx = ctx;
}

uint32_t hf_state_entry_kg(const struct hf_state *s, const void *key,
                           size_t klen, uint64_t hash)
{
    if (s->kg_prefix) {
        size_t n = s->kg_prefix(s->kg_ctx, key, klen);
        if (n > 0 && n < klen)
            hash = hf_key_hash(key, n);
    }
    return hf_state_key_group(hash, s->b->cfg.max_parallelism);
}

int64_t hf_state_prefix_kg(const struct hf_state *s, const void *prefix,
                           size_t plen)
{
    if (!s->kg_prefix || plen == 0)
        return -1;
    size_t n = s->kg_prefix(s->kg_ctx, prefix, plen);
    if (n == 0 || n > plen)
        return -1;
    return hf_state_key_group(hf_key_hash(prefix, n),
                              s->b->cfg.max_parallelism);
}

/* ------------------------------------------------------------------ memory */

static void fmt_bytes(uint64_t n, char *buf, size_t len)
{
    if (n >= ((uint64_t)1 << 30) && n % ((uint64_t)1 << 30) == 0)
        snprintf(buf, len, "%" PRIu64 " gb", n >> 30);
    else if (n >= ((uint64_t)1 << 20) && n % ((uint64_t)1 << 20) == 0)
        snprintf(buf, len, "%" PRIu64 " mb", n >> 20);
    else if (n >= 1024 && n % 1024 == 0)
        snprintf(buf, len, "%" PRIu64 " kb", n >> 10);
    else
        snprintf(buf, len, "%" PRIu64 " bytes", n);
}

int hf_state_mem_reserve(struct hf_state *s, uint64_t n, struct hf_error *err)
{
    struct hf_state_backend *b = s->b;
    uint64_t was = atomic_fetch_add(&b->mem_used, n);
    if (b->cfg.memory_limit && was + n > b->cfg.memory_limit) {
        atomic_fetch_sub(&b->mem_used, n);
        char lim[48];
        fmt_bytes(b->cfg.memory_limit, lim, sizeof lim);
        return hf_error_set(
            err, HF_ERR_NOMEM,
            "operator %s, state '%s': the hashmap state backend reached its "
            "memory limit (state.backend.hashmap.memory-limit = %s, %" PRIu64
            " bytes in use); raise the limit or set 'state.backend.type' = "
            "'rocksdb'",
            s->uid, s->name, lim, was);
    }
    atomic_fetch_add(&s->mem, n);
    return 0;
}

void hf_state_mem_release(struct hf_state *s, uint64_t n)
{
    atomic_fetch_sub(&s->b->mem_used, n);
    atomic_fetch_sub(&s->mem, n);
}

/* ------------------------------------------------------------------ files */

static int fsync_path(const char *path, struct hf_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return hf_error_set(err, HF_ERR_IO, "checkpoint: cannot open %s: %s",
                            path, strerror(errno));
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    if (rc != 0)
        return hf_error_set(err, HF_ERR_IO, "checkpoint: fsync of %s: %s",
                            path, strerror(e));
    return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag,
                  struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

/* Remove a directory tree; 0 or -1 (errno). */
static int rm_tree(const char *path)
{
    return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void put_u32(struct hf_strbuf *b, uint32_t v)
{
    uint8_t p[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
                    (uint8_t)(v >> 24)};
    hf_strbuf_append(b, p, 4);
}

static void put_u64(struct hf_strbuf *b, uint64_t v)
{
    put_u32(b, (uint32_t)v);
    put_u32(b, (uint32_t)(v >> 32));
}

static void put_str(struct hf_strbuf *b, const void *p, size_t n)
{
    put_u32(b, (uint32_t)n);
    hf_strbuf_append(b, p, n);
}

/* A reader over a whole file in memory. */
struct rd {
    const uint8_t *p, *end;
    bool bad;
};

static uint32_t get_u32(struct rd *r)
{
    if (r->end - r->p < 4) {
        r->bad = true;
        return 0;
    }
    uint32_t v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 |
                 (uint32_t)r->p[2] << 16 | (uint32_t)r->p[3] << 24;
    r->p += 4;
    return v;
}

static uint64_t get_u64(struct rd *r)
{
    uint64_t lo = get_u32(r);
    return lo | (uint64_t)get_u32(r) << 32;
}

static const void *get_str(struct rd *r, size_t *len)
{
    uint32_t n = get_u32(r);
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = true;
        *len = 0;
        return "";
    }
    const void *p = r->p;
    r->p += n;
    *len = n;
    return p;
}

static char *get_cstr(struct rd *r)
{
    size_t n;
    const char *p = get_str(r, &n);
    if (r->bad || memchr(p, 0, n)) {
        r->bad = true;
        return NULL;
    }
    return strndup(p, n);
}

/* Read the whole file; checks the magic and the trailing CRC. Caller owns
 * *buf. */
static int read_checked(const char *path, const char *magic, uint8_t **buf,
                        size_t *len, struct hf_error *err)
{
    FILE *f = fopen(path, "rbe");
    if (!f)
        return hf_error_set(err, HF_ERR_IO,
                            "checkpoint: cannot read %s: %s", path,
                            strerror(errno));
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, (size_t)1 << 40);
    for (;;) {
        char *p = hf_strbuf_reserve(&sb, 1 << 16);
        if (!p)
            break;
        size_t n = fread(p, 1, 1 << 16, f);
        hf_strbuf_commit(&sb, n);
        if (n < (1 << 16))
            break;
    }
    int rerr = ferror(f);
    fclose(f);
    if (rerr || !hf_strbuf_ok(&sb)) {
        hf_strbuf_free(&sb);
        return hf_error_set(err, HF_ERR_IO, "checkpoint: cannot read %s",
                            path);
    }
    if (sb.len < 8 + 4 + 4 || memcmp(sb.data, magic, 8) != 0) {
        hf_strbuf_free(&sb);
        return hf_error_set(err, HF_ERR_DATA,
                            "checkpoint: %s is not a holoflow checkpoint file "
                            "(bad magic or truncated)",
                            path);
    }
    struct rd r = {(const uint8_t *)sb.data + sb.len - 4,
                   (const uint8_t *)sb.data + sb.len, false};
    uint32_t want = get_u32(&r);
    uint32_t got = (uint32_t)crc32(0, (const Bytef *)sb.data,
                                   (uInt)(sb.len - 4));
    if (want != got) {
        hf_strbuf_free(&sb);
        return hf_error_set(err, HF_ERR_DATA,
                            "checkpoint: %s is corrupt (checksum mismatch); "
                            "remove the checkpoint directory to reset the "
                            "job's state",
                            path);
    }
    struct rd v = {(const uint8_t *)sb.data + 8,
                   (const uint8_t *)sb.data + sb.len, false};
    uint32_t ver = get_u32(&v);
    if (ver != FORMAT_VERSION) {
        hf_strbuf_free(&sb);
        return hf_error_set(err, HF_ERR_DATA,
                            "checkpoint: %s has format version %u; this "
                            "holoflow reads version %u",
                            path, ver, FORMAT_VERSION);
    }
    *buf = (uint8_t *)sb.data;
    *len = sb.len - 4;
    return 0;
}

/* ------------------------------------------------------------------ restore */

static void free_file(struct hf_ckpt_file *f)
{
    free(f->file);
    free(f->uid);
    free(f->name);
}

static int read_metadata(struct hf_state_backend *b, const char *chkdir,
                         struct hf_error *err)
{
    char path[4096];
    pathf(path, sizeof path, "%s/%s", chkdir, META_NAME);
    uint8_t *buf;
    size_t len;
    if (read_checked(path, META_MAGIC, &buf, &len, err) < 0)
        return -1;
    struct rd r = {buf + 12, buf + len, false};
    b->restored_id = get_u64(&r);
    uint32_t npos = get_u32(&r);
    if (!r.bad && npos <= len / 8) {
        b->pos = calloc(npos ? npos : 1, sizeof *b->pos);
        for (uint32_t i = 0; b->pos && i < npos && !r.bad; i++) {
            struct hf_ckpt_pos *p = &b->pos[i];
            p->uid = get_cstr(&r);
            size_t n;
            const void *d = get_str(&r, &n);
            p->data = malloc(n ? n : 1);
            if (p->data)
                memcpy(p->data, d, n);
            p->len = n;
            b->npos = i + 1;
            if (!p->uid || !p->data)
                r.bad = true;
        }
    } else {
        r.bad = true;
    }
    uint32_t nf = r.bad ? 0 : get_u32(&r);
    if (!r.bad && nf <= len / 8) {
        b->files = calloc(nf ? nf : 1, sizeof *b->files);
        for (uint32_t i = 0; b->files && i < nf && !r.bad; i++) {
            struct hf_ckpt_file *f = &b->files[i];
            f->file = get_cstr(&r);
            f->uid = get_cstr(&r);
            f->name = get_cstr(&r);
            f->kg_first = get_u32(&r);
            f->kg_last = get_u32(&r);
            f->size = get_u64(&r);
            f->crc = get_u32(&r);
            b->nfiles = i + 1;
            if (!f->file || !f->uid || !f->name || strchr(f->file, '/'))
                r.bad = true;
        }
    } else {
        r.bad = true;
    }
    free(buf);
    if (r.bad || !b->pos || !b->files || r.p != r.end)
        return hf_error_set(err, HF_ERR_DATA,
                            "checkpoint: %s is corrupt (bad structure)",
                            path);
    return 0;
}

/* Parse "chk-<digits>" (tmp: followed by ".tmp"); 0 when it is not one. */
static uint64_t chk_id(const char *name, bool tmp)
{
    if (strncmp(name, "chk-", 4) != 0 || !name[4] || name[4] < '0' ||
        name[4] > '9')
        return 0;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(name + 4, &end, 10);
    if (errno || v == 0)
        return 0;
    if (tmp ? strcmp(end, ".tmp") != 0 : *end != 0)
        return 0;
    return (uint64_t)v;
}

/* Complete checkpoint ids in dir, ascending. Caller frees *ids. */
static int list_complete(const char *dir, uint64_t **ids, size_t *n,
                         struct hf_error *err)
{
    *ids = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return hf_error_set(err, HF_ERR_IO,
                            "checkpoint: cannot list %s: %s", dir,
                            strerror(errno));
    size_t cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        uint64_t id = chk_id(de->d_name, false);
        if (!id)
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 8;
            uint64_t *t = realloc(*ids, cap * sizeof *t);
            if (!t) {
                closedir(d);
                return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
            }
            *ids = t;
        }
        (*ids)[(*n)++] = id;
    }
    closedir(d);
    for (size_t i = 1; i < *n; i++) /* insertion sort: a handful */
        for (size_t j = i; j > 0 && (*ids)[j - 1] > (*ids)[j]; j--) {
            uint64_t t = (*ids)[j];
            (*ids)[j] = (*ids)[j - 1];
            (*ids)[j - 1] = t;
        }
    return 0;
}

/* Remove every chk-*.tmp under dir (all, or those with id < below). */
static void remove_tmp(const char *dir, uint64_t below)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    char path[4096];
    while ((de = readdir(d)) != NULL) {
        uint64_t id = chk_id(de->d_name, true);
        if (!id || (below && id >= below))
            continue;
        pathf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (rm_tree(path) != 0)
            hf_log_warn("checkpoint: cannot remove %s: %s", path,
                        strerror(errno));
        else
            hf_log_info("checkpoint: removed the interrupted checkpoint %s",
                        path);
    }
    closedir(d);
}

static int mkdir_p(const char *path, struct hf_error *err)
{
    char tmp[4096];
    size_t n = strlen(path);
    if (n >= sizeof tmp)
        return hf_error_set(err, HF_ERR_IO, "checkpoint: path too long");
    memcpy(tmp, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (tmp[i] == '/' || tmp[i] == 0) {
            char c = tmp[i];
            tmp[i] = 0;
            if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
                return hf_error_set(err, HF_ERR_IO,
                                    "checkpoint: cannot create %s: %s", tmp,
                                    strerror(errno));
            tmp[i] = c;
        }
    }
    return 0;
}

int hf_state_backend_open(const struct hf_state_config *cfg,
                          struct hf_state_backend **out,
                          struct hf_error *err)
{
    *out = NULL;
    struct hf_state_backend *b = calloc(1, sizeof *b);
    if (!b)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    b->cfg = *cfg;
    if (b->cfg.num_retained == 0)
        b->cfg.num_retained = 1;
    if (b->cfg.max_parallelism == 0)
        b->cfg.max_parallelism = 128;
    pthread_mutex_init(&b->mu, NULL);
    b->lock_fd = -1;
    atomic_init(&b->mem_used, 0);
    atomic_init(&b->nopen, 0);
    if (cfg->checkpoints_dir && *cfg->checkpoints_dir) {
        b->dir = strdup(cfg->checkpoints_dir);
        if (!b->dir)
            goto nomem;
        size_t l = strlen(b->dir);
        while (l > 1 && b->dir[l - 1] == '/')
            b->dir[--l] = 0;
    }
    b->cfg.checkpoints_dir = b->dir;
    if (cfg->local_dir) {
        b->local_dir = strdup(cfg->local_dir);
        if (!b->local_dir)
            goto nomem;
    }
    b->cfg.local_dir = b->local_dir;
    if (b->dir) {
        if (mkdir_p(b->dir, err) < 0)
            goto fail;
        char lock[4096];
        pathf(lock, sizeof lock, "%s/LOCK", b->dir);
        b->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (b->lock_fd < 0) {
            hf_error_set(err, HF_ERR_IO, "checkpoint: cannot open %s: %s",
                         lock, strerror(errno));
            goto fail;
        }
        if (flock(b->lock_fd, LOCK_EX | LOCK_NB) != 0) {
            hf_error_set(err, HF_ERR_STATE,
                         "state.checkpoints.dir '%s' is in use by another "
                         "holoflow job (%s is locked); give each job a "
                         "directory of its own",
                         b->dir, lock);
            goto fail;
        }
        remove_tmp(b->dir, 0);
        uint64_t *ids;
        size_t n;
        if (list_complete(b->dir, &ids, &n, err) < 0)
            goto fail;
        if (n) {
            char chk[4096];
            pathf(chk, sizeof chk, "%s/chk-%" PRIu64, b->dir, ids[n - 1]);
            free(ids);
            if (read_metadata(b, chk, err) < 0)
                goto fail;
            b->restored_path = strdup(chk);
            if (!b->restored_path)
                goto nomem;
            hf_log_info("checkpoint: restoring checkpoint %" PRIu64
                        " from %s (%zu state files, %zu source positions)",
                        b->restored_id, chk, b->nfiles, b->npos);
        } else {
            free(ids);
        }
    }
    if (b->cfg.type == HF_STATE_ROCKSDB &&
        hf_state_rocksdb_backend_open(b, err) < 0)
        goto fail;
    *out = b;
    return 0;
nomem:
    hf_error_set(err, HF_ERR_NOMEM, "out of memory");
fail:
    hf_state_backend_close(b);
    return -1;
}

uint64_t hf_state_backend_restored_id(const struct hf_state_backend *b)
{
    return b->restored_id;
}

int hf_state_backend_position(const struct hf_state_backend *b,
                              const char *uid, const void **p, size_t *len)
{
    for (size_t i = 0; i < b->npos; i++) {
        if (b->pos[i].uid && strcmp(b->pos[i].uid, uid) == 0) {
            *p = b->pos[i].data;
            *len = b->pos[i].len;
            return 1;
        }
    }
    return 0;
}

void hf_state_backend_close(struct hf_state_backend *b)
{
    if (!b)
        return;
    if (b->cfg.type == HF_STATE_ROCKSDB)
        hf_state_rocksdb_backend_close(b);
    for (size_t i = 0; i < b->nfiles; i++)
        free_file(&b->files[i]);
    free(b->files);
    for (size_t i = 0; i < b->npos; i++) {
        free(b->pos[i].uid);
        free(b->pos[i].data);
    }
    free(b->pos);
    for (size_t i = 0; i < b->npend; i++)
        free_file(&b->pend[i].f);
    free(b->pend);
    pthread_mutex_destroy(&b->mu);
    if (b->lock_fd >= 0)
        close(b->lock_fd); /* releases the flock */
    free(b->restored_path);
    free(b->dir);
    free(b->local_dir);
    free(b);
}

/* ------------------------------------------------------------------ states */

struct load_ctx {
    struct hf_state *s;
};

static int maxp_error(const char *path, unsigned was, unsigned now,
                      struct hf_error *err)
{
    return hf_error_set(
        err, HF_ERR_STATE,
        "checkpoint: %s was written with pipeline.max-parallelism = %u, "
        "the job now has %u; keep the maximum parallelism of a job that "
        "restores state (or remove the checkpoints to start empty)",
        path, was, now);
}

/* Fill s from one file of the restored checkpoint. */
static int restore_file(struct hf_state *s, const struct hf_ckpt_file *f,
                        struct hf_error *err)
{
    char path[4096];
    pathf(path, sizeof path, "%s/%s", s->b->restored_path, f->file);
    size_t fl = strlen(f->file);
    if (fl > 8 && strcmp(f->file + fl - 8, ".rocksdb") == 0) {
        /* its key groups: the maximum parallelism it was written with */
        char mp[4096 + 32];
        pathf(mp, sizeof mp, "%s/%s", path, MAXP_NAME);
        FILE *m = fopen(mp, "re");
        unsigned v = 0;
        int ok = m && fscanf(m, "max-parallelism %u", &v) == 1;
        if (m)
            fclose(m);
        if (!ok)
            return hf_error_set(err, HF_ERR_DATA,
                                "checkpoint: %s is corrupt (no readable %s)",
                                path, MAXP_NAME);
        if (v != s->b->cfg.max_parallelism)
            return maxp_error(path, v, s->b->cfg.max_parallelism, err);
        return hf_state_rocksdb_read(path, s, err);
    }
    uint8_t *buf;
    size_t len;
    if (read_checked(path, STATE_MAGIC, &buf, &len, err) < 0)
        return -1;
    struct rd r = {buf + 12, buf + len, false};
    uint32_t maxp = get_u32(&r);
    get_u32(&r); /* kg_first, kg_last: in the metadata too */
    get_u32(&r);
    size_t n;
    get_str(&r, &n); /* uid */
    get_str(&r, &n); /* name */
    if (!r.bad && maxp != s->b->cfg.max_parallelism) {
        free(buf);
        return maxp_error(path, maxp, s->b->cfg.max_parallelism, err);
    }
    uint64_t count = 0;
    int rc = 0;
    while (!r.bad && rc == 0) {
        if (r.p >= r.end) {
            r.bad = true;
            break;
        }
        uint8_t mark = *r.p++;
        if (mark == 0)
            break;
        if (mark != 1) {
            r.bad = true;
            break;
        }
        uint32_t kg = get_u32(&r);
        int64_t ts = (int64_t)get_u64(&r);
        size_t kl, vl;
        const void *k = get_str(&r, &kl);
        const void *v = get_str(&r, &vl);
        if (r.bad)
            break;
        count++;
        if (kg < s->kg_first || kg > s->kg_last)
            continue;
        if (hf_state_expired(s, ts, hf_state_now_ms()))
            continue;
        rc = s->impl->load(s, kg, k, kl, v, vl, ts, err);
    }
    if (rc == 0 && !r.bad) {
        uint64_t want = get_u64(&r);
        if (r.bad || want != count || r.p != r.end)
            r.bad = true;
    }
    free(buf);
    if (rc < 0)
        return -1;
    if (r.bad)
        return hf_error_set(err, HF_ERR_DATA,
                            "checkpoint: %s is corrupt (bad structure)",
                            path);
    return 0;
}

int hf_state_open(struct hf_state_backend *b, const char *op_uid,
                  const char *name, uint32_t kg_first, uint32_t kg_last,
                  struct hf_state **out, struct hf_error *err)
{
    *out = NULL;
    struct hf_state *s = calloc(1, sizeof *s);
    if (!s)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    s->b = b;
    s->uid = strdup(op_uid);
    s->name = strdup(name);
    if (kg_last >= b->cfg.max_parallelism)
        kg_last = b->cfg.max_parallelism - 1;
    s->kg_first = kg_first;
    s->kg_last = kg_last;
    if (!s->uid || !s->name) {
        free(s->uid);
        free(s->name);
        free(s);
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    int rc = b->cfg.type == HF_STATE_ROCKSDB ? hf_state_rocksdb_init(s, err)
                                             : hf_state_hashmap_init(s, err);
    if (rc < 0) {
        free(s->uid);
        free(s->name);
        free(s);
        return -1;
    }
    atomic_fetch_add(&b->nopen, 1);
    for (size_t i = 0; b->restored_path && i < b->nfiles; i++) {
        const struct hf_ckpt_file *f = &b->files[i];
        if (strcmp(f->uid, op_uid) != 0 || strcmp(f->name, name) != 0)
            continue;
        if (f->kg_last < kg_first || f->kg_first > kg_last)
            continue;
        if (restore_file(s, f, err) < 0) {
            hf_state_close(s);
            return -1;
        }
    }
    *out = s;
    return 0;
}

void hf_state_close(struct hf_state *s)
{
    if (!s)
        return;
    atomic_fetch_sub(&s->b->nopen, 1);
    s->impl->close(s);
    free(s->uid);
    free(s->name);
    free(s);
}

int hf_state_get(struct hf_state *s, const void *key, size_t klen,
                 const void **val, size_t *vlen, struct hf_error *err)
{
    return s->impl->get(s, key, klen, val, vlen, err);
}

int hf_state_put(struct hf_state *s, const void *key, size_t klen,
                 const void *val, size_t vlen, struct hf_error *err)
{
    return s->impl->put(s, key, klen, val, vlen, err);
}

int hf_state_del(struct hf_state *s, const void *key, size_t klen,
                 struct hf_error *err)
{
    return s->impl->del(s, key, klen, err);
}

uint64_t hf_state_count(const struct hf_state *s)
{
    return s->impl->count(s);
}

void hf_state_usage(struct hf_state *s, uint64_t *entries, uint64_t *bytes)
{
    *entries = 0;
    *bytes = 0;
    if (s->b->cfg.type != HF_STATE_ROCKSDB) {
        *entries = s->impl->count(s);
        *bytes = atomic_load(&s->mem);
        return;
    }
    /* rocksdb: what the snapshot just written counted while it scanned,
     * else (incremental checkpoints, no checkpoint directory) RocksDB's
     * estimates: never a scan of its own */
    if (s->scanned) {
        *entries = s->scanned_entries;
        *bytes = s->scanned_bytes;
        s->scanned = false;
        return;
    }
    hf_state_rocksdb_estimate(s, entries, bytes);
}

int hf_state_iter_open(struct hf_state *s, const void *prefix, size_t plen,
                       struct hf_state_iter **out, struct hf_error *err)
{
    return s->impl->iter_open(s, prefix, plen, out, err);
}

int hf_state_iter_next(struct hf_state_iter *it, const void **key,
                       size_t *klen, const void **val, size_t *vlen,
                       struct hf_error *err)
{
    return it->s->impl->iter_next(it, key, klen, val, vlen, err);
}

void hf_state_iter_close(struct hf_state_iter *it)
{
    if (it)
        it->s->impl->iter_close(it);
}

/* ------------------------------------------------------------------ snapshot */

struct writer {
    FILE *f;
    uLong crc;
    uint64_t size, count;
    uint64_t bytes; /* keys and values as rocksdb stores them */
    struct hf_strbuf buf;
};

static int wflush(struct writer *w)
{
    if (!hf_strbuf_ok(&w->buf))
        return -1;
    if (w->buf.len) {
        if (fwrite(w->buf.data, 1, w->buf.len, w->f) != w->buf.len)
            return -1;
        w->crc = crc32(w->crc, (const Bytef *)w->buf.data, (uInt)w->buf.len);
        w->size += w->buf.len;
        hf_strbuf_reset(&w->buf);
    }
    return 0;
}

static int write_entry(void *ctx, uint32_t kg, const void *key, size_t klen,
                       const void *val, size_t vlen, int64_t ts,
                       struct hf_error *err)
{
    struct writer *w = ctx;
    hf_strbuf_putc(&w->buf, 1);
    put_u32(&w->buf, kg);
    put_u64(&w->buf, (uint64_t)ts);
    put_str(&w->buf, key, klen);
    put_str(&w->buf, val, vlen);
    w->count++;
    w->bytes += klen + vlen + 14; /* + state number, key group, write time */
    if (w->buf.len >= (1 << 16) && wflush(w) < 0)
        return hf_error_set(err, HF_ERR_IO, "checkpoint: write failed: %s",
                            strerror(errno));
    return 0;
}

/* The file name of s: uid and name with anything odd replaced. */
static void state_file_name(const struct hf_state *s, char *buf, size_t n)
{
    snprintf(buf, n, "%s.%s.kg%u-%u", s->uid, s->name, s->kg_first,
             s->kg_last);
    for (char *p = buf; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
              *p == '.'))
            *p = '_';
}

/* fsync every file directly in dir, then dir. */
static int fsync_dir_files(const char *dir, struct hf_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return hf_error_set(err, HF_ERR_IO, "checkpoint: cannot list %s: %s",
                            dir, strerror(errno));
    struct dirent *de;
    char p[4096 + 256];
    int rc = 0;
    while (rc == 0 && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        pathf(p, sizeof p, "%s/%s", dir, de->d_name);
        rc = fsync_path(p, err);
    }
    closedir(d);
    return rc == 0 ? fsync_path(dir, err) : -1;
}

static int remember(struct hf_state_backend *b, const struct hf_state *s,
                    uint64_t id, const char *fname, uint64_t size,
                    uint32_t crc, struct hf_error *err);

int hf_state_snapshot(struct hf_state *s, uint64_t id, struct hf_error *err)
{
    struct hf_state_backend *b = s->b;
    if (!b->dir)
        return 0;
    char dir[4096], fname[512], path[4096 + 512];
    pathf(dir, sizeof dir, "%s/chk-%" PRIu64 ".tmp", b->dir, id);
    state_file_name(s, fname, sizeof fname);
    bool own = hf_state_rocksdb_own(s);
    if (own)
        strncat(fname, ".rocksdb", sizeof fname - strlen(fname) - 1);
    pathf(path, sizeof path, "%s/%s", dir, fname);
    pthread_mutex_lock(&b->mu);
    int mk = mkdir(dir, 0755);
    int mkerr = errno;
    pthread_mutex_unlock(&b->mu);
    if (mk != 0 && mkerr != EEXIST)
        return hf_error_set(err, HF_ERR_IO, "checkpoint: cannot create %s: %s",
                            dir, strerror(mkerr));
    if (own) {
        if (hf_state_rocksdb_checkpoint(s, path, err) < 0)
            return -1;
        char mp[4096 + 512 + 32];
        pathf(mp, sizeof mp, "%s/%s", path, MAXP_NAME);
        FILE *m = fopen(mp, "wxe");
        int wr = m ? fprintf(m, "max-parallelism %u\n",
                             b->cfg.max_parallelism)
                   : -1;
        if (m && fclose(m) != 0)
            wr = -1;
        if (wr < 0)
            return hf_error_set(err, HF_ERR_IO,
                                "checkpoint: cannot write %s: %s", mp,
                                strerror(errno));
        if (fsync_dir_files(path, err) < 0)
            return -1;
        return remember(b, s, id, fname, 0, 0, err);
    }
    struct writer w = {0};
    w.f = fopen(path, "wbxe");
    if (!w.f)
        return hf_error_set(err, HF_ERR_IO, "checkpoint: cannot create %s: %s",
                            path, strerror(errno));
    w.crc = crc32(0, NULL, 0);
    hf_strbuf_init(&w.buf, 0);
    hf_strbuf_append(&w.buf, STATE_MAGIC, 8);
    put_u32(&w.buf, FORMAT_VERSION);
    put_u32(&w.buf, b->cfg.max_parallelism);
    put_u32(&w.buf, s->kg_first);
    put_u32(&w.buf, s->kg_last);
    put_str(&w.buf, s->uid, strlen(s->uid));
    put_str(&w.buf, s->name, strlen(s->name));
    int rc = s->impl->scan(s, write_entry, &w, err);
    if (rc == 0) {
        hf_strbuf_putc(&w.buf, 0);
        put_u64(&w.buf, w.count);
        if (wflush(&w) < 0)
            rc = -1;
    }
    if (rc == 0) {
        uint32_t crc = (uint32_t)w.crc;
        uint8_t t[4] = {(uint8_t)crc, (uint8_t)(crc >> 8),
                        (uint8_t)(crc >> 16), (uint8_t)(crc >> 24)};
        if (fwrite(t, 1, 4, w.f) != 4 || fflush(w.f) != 0 ||
            fsync(fileno(w.f)) != 0)
            rc = -1;
        w.size += 4;
    }
    int e = errno;
    if (fclose(w.f) != 0 && rc == 0) {
        rc = -1;
        e = errno;
    }
    hf_strbuf_free(&w.buf);
    if (rc < 0) {
        unlink(path);
        return hf_error_set(err, HF_ERR_IO,
                            "checkpoint: writing %s failed: %s", path,
                            strerror(e));
    }
    s->scanned = true; /* for hf_state_usage */
    s->scanned_entries = w.count;
    s->scanned_bytes = w.bytes;
    return remember(b, s, id, fname, w.size, (uint32_t)w.crc, err);
}

/* Remember a state file of checkpoint `id` for its metadata. */
static int remember(struct hf_state_backend *b, const struct hf_state *s,
                    uint64_t id, const char *fname, uint64_t size,
                    uint32_t crc, struct hf_error *err)
{
    pthread_mutex_lock(&b->mu);
    if (b->npend == b->cappend) {
        size_t cap = b->cappend ? 2 * b->cappend : 8;
        struct hf_ckpt_pending *t = realloc(b->pend, cap * sizeof *t);
        if (!t) {
            pthread_mutex_unlock(&b->mu);
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        }
        b->pend = t;
        b->cappend = cap;
    }
    struct hf_ckpt_pending *p = &b->pend[b->npend];
    p->id = id;
    p->f.file = strdup(fname);
    p->f.uid = strdup(s->uid);
    p->f.name = strdup(s->name);
    p->f.kg_first = s->kg_first;
    p->f.kg_last = s->kg_last;
    p->f.size = size;
    p->f.crc = crc;
    b->npend++;
    bool ok = p->f.file && p->f.uid && p->f.name;
    pthread_mutex_unlock(&b->mu);
    if (!ok)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    return 0;
}

/* ------------------------------------------------------------------ complete */

/* Drop the pending entries of checkpoints up to `id`. Caller holds mu. */
static void drop_pending(struct hf_state_backend *b, uint64_t id)
{
    size_t k = 0;
    for (size_t i = 0; i < b->npend; i++) {
        if (b->pend[i].id <= id)
            free_file(&b->pend[i].f);
        else
            b->pend[k++] = b->pend[i];
    }
    b->npend = k;
}

static int write_metadata(struct hf_state_backend *b, const char *tmpdir,
                          uint64_t id, const struct hf_state_position *pos,
                          size_t npos, struct hf_error *err)
{
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    hf_strbuf_append(&sb, META_MAGIC, 8);
    put_u32(&sb, FORMAT_VERSION);
    put_u64(&sb, id);
    put_u32(&sb, (uint32_t)npos);
    for (size_t i = 0; i < npos; i++) {
        put_str(&sb, pos[i].uid, strlen(pos[i].uid));
        put_str(&sb, pos[i].data, pos[i].len);
    }
    uint32_t nf = 0;
    for (size_t i = 0; i < b->npend; i++)
        nf += b->pend[i].id == id;
    put_u32(&sb, nf);
    for (size_t i = 0; i < b->npend; i++) {
        const struct hf_ckpt_pending *p = &b->pend[i];
        if (p->id != id)
            continue;
        put_str(&sb, p->f.file, strlen(p->f.file));
        put_str(&sb, p->f.uid, strlen(p->f.uid));
        put_str(&sb, p->f.name, strlen(p->f.name));
        put_u32(&sb, p->f.kg_first);
        put_u32(&sb, p->f.kg_last);
        put_u64(&sb, p->f.size);
        put_u32(&sb, p->f.crc);
    }
    put_u32(&sb, (uint32_t)crc32(0, (const Bytef *)sb.data, (uInt)sb.len));
    if (!hf_strbuf_ok(&sb)) {
        hf_strbuf_free(&sb);
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    char path[4096 + 16];
    pathf(path, sizeof path, "%s/%s", tmpdir, META_NAME);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int rc = fd < 0 ? -1 : 0;
    size_t off = 0;
    while (rc == 0 && off < sb.len) {
        ssize_t w = write(fd, sb.data + off, sb.len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            rc = -1;
        else
            off += (size_t)w;
    }
    if (rc == 0 && fsync(fd) != 0)
        rc = -1;
    int e = errno;
    if (fd >= 0)
        close(fd);
    hf_strbuf_free(&sb);
    if (rc < 0)
        return hf_error_set(err, HF_ERR_IO,
                            "checkpoint: writing %s failed: %s", path,
                            strerror(e));
    return 0;
}

/* Keep the newest num_retained complete checkpoints. */
static void retain(struct hf_state_backend *b)
{
    uint64_t *ids;
    size_t n;
    struct hf_error e;
    hf_error_clear(&e);
    if (list_complete(b->dir, &ids, &n, &e) < 0)
        return;
    char path[4096];
    for (size_t i = 0; i + b->cfg.num_retained < n; i++) {
        pathf(path, sizeof path, "%s/chk-%" PRIu64, b->dir, ids[i]);
        if (rm_tree(path) != 0)
            hf_log_warn("checkpoint: cannot remove %s: %s", path,
                        strerror(errno));
    }
    free(ids);
}

/* The bytes of the regular files under `path` (for the metrics' checkpoint
 * size); unreadable entries count 0. depth bounds the recursion (a
 * checkpoint is at most chk-<id>/<state>.rocksdb/<file>). */
static uint64_t dir_bytes(const char *path, int depth)
{
    DIR *d = opendir(path);
    if (d == NULL)
        return 0;
    uint64_t sum = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        struct stat st;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        if (S_ISREG(st.st_mode)) {
            sum += (uint64_t)st.st_size;
        } else if (S_ISDIR(st.st_mode) && depth < 4) {
            char sub[4096];
            if (snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) <
                (int)sizeof sub)
                sum += dir_bytes(sub, depth + 1);
        }
    }
    closedir(d);
    return sum;
}

int hf_state_backend_complete(struct hf_state_backend *b, uint64_t id,
                              const struct hf_state_position *pos,
                              size_t npos, struct hf_error *err)
{
    if (!b->dir)
        return 0;
    char tmp[4096], fin[4096];
    pathf(tmp, sizeof tmp, "%s/chk-%" PRIu64 ".tmp", b->dir, id);
    pathf(fin, sizeof fin, "%s/chk-%" PRIu64, b->dir, id);
    pthread_mutex_lock(&b->mu);
    int rc = 0;
    if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
        rc = hf_error_set(err, HF_ERR_IO, "checkpoint: cannot create %s: %s",
                          tmp, strerror(errno));
    if (rc == 0)
        rc = write_metadata(b, tmp, id, pos, npos, err);
    if (rc == 0)
        rc = fsync_path(tmp, err);
    if (rc == 0 && hf_failpoint("state.before-rename"))
        rc = hf_error_set(err, HF_ERR_IO,
                          "checkpoint: failpoint state.before-rename");
    if (rc == 0 && rename(tmp, fin) != 0)
        rc = hf_error_set(err, HF_ERR_IO,
                          "checkpoint: cannot rename %s to %s: %s", tmp, fin,
                          strerror(errno));
    if (rc == 0)
        rc = fsync_path(b->dir, err);
    drop_pending(b, id);
    pthread_mutex_unlock(&b->mu);
    if (rc < 0)
        return -1;
    atomic_store(&b->last_size, dir_bytes(fin, 0));
    remove_tmp(b->dir, id); /* checkpoints that never completed */
    retain(b);
    return 0;
}

uint64_t hf_state_backend_last_size(const struct hf_state_backend *b)
{
    return b ? atomic_load(&((struct hf_state_backend *)b)->last_size) : 0;
}
