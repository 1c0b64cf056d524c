/*
 * fs_int.h - private interface of the filesystem connector: the list of
 * input files found under a path (fs_scan.c), the checked gzip reader
 * (fs_gzip.c) and the record reader that cuts a file into records
 * (fs_reader.c).
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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <stdatomic.h>
#include <sys/types.h>

#include "core/batch.h"
#include "core/error.h"
#include "formats/format.h"

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

/* The record reader (fs_reader.c): the records of one file after another,
 * with the numbers of the lines each record starts and ends on. Records
 * are lines; a format whose records may span lines (struct
 * hf_format.frame) has a record whose line failed to decode cut again by
 * frame() (hf_fs_reader_reframe). */
struct hf_fs_reader;

/* The option that bounds a record, named in the reader's messages. */
#define HF_FS_RECORD_MAX_KEY "source.record.max-size"

struct hf_fs_reader_conf {
    size_t chunk;      /* bytes per read() (> 0); the buffer starts there */
    size_t max_record; /* longest record accepted, in bytes (> 0) */
    bool skip_bom;     /* drop a UTF-8 BOM at the start of each file */
    const char *encoding; /* NULL: UTF-8; else an iconv charset the bytes
                             are converted from (borrowed) */
    const struct hf_format *fmt; /* its frame(), if any, for reframe() */
    void *dec;                   /* the decoder frame() is called on */
    const char *owner; /* "filesystem table 'x'", prefixed to gzip faults */
};

/* Its fields are fs_reader.c's; they are here so that the common case of
 * hf_fs_reader_next(), a whole line in the buffer, is inlined into the
 * source's loop as it was before records could span lines. */
struct hf_fs_reader {
    struct hf_fs_reader_conf conf;
    const char *path; /* borrowed; NULL when no file is open */
    int (*frame)(void *dec, struct hf_frame *f, const char *p, size_t n,
                 size_t *len); /* the format's, or NULL: lines */
    int fd;
    struct hf_fs_gz *gz;
    /* conf.encoding: the converter and the file's bytes not yet
     * converted, [raw_start, raw_end) of raw */
    void *cd; /* iconv_t, NULL when UTF-8 */
    char *raw;
    size_t raw_start, raw_end;
    bool raw_eof;
    char *buf;
    size_t cap, start, end;
    bool eof;
    bool bom_done; /* the start of the file was looked at for a BOM */
    struct hf_frame fr;
    int64_t line; /* lines before `start` */
    /* The record last handed out. */
    const char *rec;
    size_t rec_len;
    size_t rec_used; /* with its line end */
    int64_t rec_first, rec_last;
    bool rec_at_eof; /* it ended with the file, without a line end */
};

/* Can the reader convert from charset `enc` (iconv) to UTF-8? */
bool hf_fs_encoding_ok(const char *enc);

/* A reader with `conf` (copied; fmt, dec and owner are borrowed and must
 * outlive it). NULL with err on out of memory. */
struct hf_fs_reader *hf_fs_reader_new(const struct hf_fs_reader_conf *conf,
                                      struct hf_error *err);

/* Start reading the file open on `fd` (taken: closed by
 * hf_fs_reader_close, or here on failure), through gzip when `gzip`.
 * `path` is borrowed for messages until hf_fs_reader_close. Line numbers
 * start over. 0, or -1 with err. */
int hf_fs_reader_open(struct hf_fs_reader *r, int fd, bool gzip,
                      const char *path, struct hf_error *err);

/* The next line of the open file, without its line end ("\n" or
 * "\r\n"): 1 with (*rec, *len) valid until the next call (an empty
 * record is a blank line), 0 at the end of the file, -1 with err (read
 * error, a gzip fault, a line longer than max_record: the message names
 * the path and the line). */
static inline int hf_fs_reader_next(struct hf_fs_reader *r, const char **rec,
                                    size_t *len, struct hf_error *err);

/* hf_fs_reader_next() for every case (reading, the BOM, the last line, a
 * line too long); the inline one handles a whole line in the buffer. */
int hf_fs_reader_next_line(struct hf_fs_reader *r, const char **rec,
                           size_t *len, struct hf_error *err);

/* The record last returned (by next() or reframe(), with no call between),
 * cut again from its first byte by the format's frame(): 1 when it goes on
 * past where it was cut, with (*rec, *len) the whole record (without its
 * line end, which frame() judges: an escaped '\r' stays) and its lines;
 * 0 when it ends where it did, or the format has no frame() (nothing
 * changes); -1 with err (read error, a record longer than max_record: the
 * message names its first line, the line reached and the line of a quote
 * left open). */
int hf_fs_reader_reframe(struct hf_fs_reader *r, const char **rec, size_t *len,
                         struct hf_error *err);

/* The first and last line of the record last returned. */
static inline int64_t hf_fs_reader_line(const struct hf_fs_reader *r)
{
    return r->rec_first;
}

static inline int64_t hf_fs_reader_last_line(const struct hf_fs_reader *r)
{
    return r->rec_last;
}

/* Prefix err (a decode error of the record last returned) with where it
 * is: "path:LINE: " for a one-line record; for a record of several lines,
 * "path:FIRST: in the record on lines FIRST-LAST, at line N: ", N from
 * `err_off` (a byte offset in the record, SIZE_MAX when not known: then
 * without "at line N"). */
void hf_fs_reader_locate(const struct hf_fs_reader *r, size_t err_off,
                         struct hf_error *err);

/* Close the open file (if any); the buffer is kept for the next one. */
void hf_fs_reader_close(struct hf_fs_reader *r);

/* Close and free; NULL is a no-op. */
void hf_fs_reader_destroy(struct hf_fs_reader *r);

/* Hand out the record p[0..rl) (p at `start`) whose bytes with their line
 * end are p[0..used), holding `breaks` line breaks; 1. */
static inline int hf_fs_reader_hand_out(struct hf_fs_reader *r, const char *p,
                                        size_t rl, size_t used, int64_t breaks,
                                        bool at_eof, const char **rec,
                                        size_t *len)
{
    r->rec = p;
    r->rec_len = rl;
    r->rec_used = used;
    r->rec_at_eof = at_eof;
    r->rec_first = r->line + 1;
    r->line += 1 + breaks;
    r->rec_last = r->line;
    r->start += used;
    *rec = p;
    *len = rl;
    return 1;
}

static inline int hf_fs_reader_next(struct hf_fs_reader *r, const char **rec,
                                    size_t *len, struct hf_error *err)
{
    const char *p = r->buf + r->start, *nl;
    size_t n = r->end - r->start;
    if (r->bom_done && n > 0 && (nl = memchr(p, '\n', n)) != NULL) {
        size_t used = (size_t)(nl - p) + 1, rl = used - 1;
        if (rl > 0 && p[rl - 1] == '\r')
            rl--;
        if (rl <= r->conf.max_record)
            return hf_fs_reader_hand_out(r, p, rl, used, 0, false, rec, len);
    }
    return hf_fs_reader_next_line(r, rec, len, err);
}

/* Parallel reading (fs_parallel.c, source.reader-threads): `n` worker
 * threads each call `read(states[k], batch, err)` (the connector's own
 * sequential read over a worker state that takes files from a shared
 * counter) into batches of their own, and hf_fs_par_read hands the filled
 * batches to the runtime in the order they are done, by swapping their
 * contents with the runtime's batch (no copy). Rows of one file keep their
 * order; files interleave. The first worker error fails the read, the
 * end comes once every worker has ended. */
struct hf_fs_par;

typedef int (*hf_fs_par_read_fn)(void *state, struct hf_batch *out,
                                 struct hf_error *err);

/* A pool over `states` (borrowed, n of them); the workers start on the
 * first hf_fs_par_read, with batches shaped like its `out`. NULL on out of
 * memory. */
struct hf_fs_par *hf_fs_par_new(uint32_t n, void **states,
                                hf_fs_par_read_fn read,
                                const atomic_int *stopping);
/* The next filled batch into `out` (swapped in): 1, 0 at the end (or
 * when stopping), -1 with err. */
int hf_fs_par_read(struct hf_fs_par *p, struct hf_batch *out,
                   struct hf_error *err);
/* Stop and join the workers, free the pool (NULL: no-op). Call before
 * freeing the states. */
void hf_fs_par_destroy(struct hf_fs_par *p);

#endif
