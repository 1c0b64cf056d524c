/*
 * fs_int.h - private interface of the filesystem connector: the list of
 * input files found under a path (fs_scan.c).
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

#endif
