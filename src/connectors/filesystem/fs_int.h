/*
 * fs_int.h - private interface of the filesystem connector: the list of
 * input files found under a path (fs_scan.c) and the checked gzip reader
 * (fs_gzip.c).
 *
 * A scan walks `path` (a file or a directory) recursively, in byte order of
 * the names at every level so the file order is deterministic, skipping
 * hidden entries (names starting with '.' or '_', such as _SUCCESS or
 * .part-0.inprogress). Only regular files are listed; symbolic links are
 * followed up to a fixed depth. An entry that cannot be examined fails the
 * scan: nothing under the path is left out without a word.
 */
#ifndef HF_CONNECTORS_FILESYSTEM_FS_INT_H
#define HF_CONNECTORS_FILESYSTEM_FS_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/error.h"

struct hf_fs_file {
    char *path;       /* full path (owned) */
    size_t rel_off;   /* path + rel_off is the part below the scanned root */
    int64_t size;     /* bytes */
    int64_t mtime_us; /* modification time, microseconds since the epoch */
};

struct hf_fs_files {
    struct hf_fs_file *v;
    size_t n, cap;
};

/* Strip a "file:" scheme ("file:///a/b", "file:/a/b") from `path`; returns
 * a pointer into `path` (borrowed), or NULL when it has another scheme
 * ("hdfs://...") that holoflow cannot read. */
const char *hf_fs_local_path(const char *path);

/* List the files under `root` into `out` (initially zeroed; the caller owns
 * the result and frees it with hf_fs_files_free). Returns 0, or -1 with err
 * naming the path and the errno text when `root` does not exist, a
 * directory cannot be opened or listed, or a visible entry cannot be
 * stat()ed (dangling or looping symbolic link, no search permission). */
int hf_fs_scan(const char *root, struct hf_fs_files *out, struct hf_error *err);

void hf_fs_files_free(struct hf_fs_files *f);

/* A gzip file decompressed with checks gzread() lacks (fs_gzip.c): one or
 * more complete members and nothing after them, else an error naming the
 * path and the fault (truncated, bad CRC, bad length, trailing garbage,
 * not gzip). */
struct hf_fs_gz;

/* Start reading the gzip file open on `fd` (taken: closed by
 * hf_fs_gz_destroy, or here on failure); `path` is borrowed for messages
 * and must outlive the reader. NULL with err on out of memory. */
struct hf_fs_gz *hf_fs_gz_new(int fd, const char *path, struct hf_error *err);

/* Decompress up to `n` (> 0) bytes into `buf`: the count (> 0), 0 once
 * the file ended after a complete member, or -1 with err. Bytes returned
 * before an error are real data of the file, but the file as a whole is
 * bad. */
ssize_t hf_fs_gz_read(struct hf_fs_gz *g, char *buf, size_t n,
                      struct hf_error *err);

/* Free the reader and close its file; NULL is a no-op. */
void hf_fs_gz_destroy(struct hf_fs_gz *g);

#endif
