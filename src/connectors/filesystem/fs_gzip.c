/*
 * fs_gzip.c - reading a gzip file whole or not at all (see fs_int.h).
 *
 * zlib's gzread() stops quietly where a truncated file ends and reads a
 * file that is not gzip as plain bytes, so a cut .gz gave the rows before
 * the cut and a job that finished with exit 0. This reader drives
 * inflate() (gzip wrapper: windowBits 16 + MAX_WBITS) itself and accepts a
 * file only when it is one or more complete gzip members back to back, as
 * `cat a.gz b.gz` makes and `gzip -d` reads:
 *
 *   - the first two bytes must be the gzip magic 1f 8b (else "not in gzip
 *     format"; an empty file is truncated);
 *   - the file may not end inside a member: compressed data or the 8-byte
 *     CRC32/ISIZE trailer cut off is "truncated";
 *   - every trailer must match its member's data (inflate checks CRC32 and
 *     ISIZE): "bad CRC" / "bad length";
 *   - after a member, the next bytes must start another member or the file
 *     must end. Anything else, zero padding included, is "trailing
 *     garbage": gzip -d warns and exits 2 there, Java's GZIPInputStream
 *     (Flink) ignores it; holoflow refuses, since the bytes are not data it
 *     can read and may be the rest of a damaged file.
 *
 * Every message starts with the path and names the byte offset in the
 * compressed file.
 *
 * @locality a reader is used by one thread.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "connectors/filesystem/fs_int.h"

#define GZ_IN_CHUNK (128u * 1024u)

struct hf_fs_gz {
    int fd;           /* owned */
    const char *path; /* borrowed, for messages */
    z_stream zs;
    bool zinit;
    bool in_member;    /* inflate is inside a member (header seen) */
    bool in_eof;       /* read() returned 0 */
    bool done;         /* the file ended after a complete member */
    uint32_t members;  /* members read completely */
    uint64_t in_total; /* bytes read from the file */
    unsigned char in[GZ_IN_CHUNK];
};

struct hf_fs_gz *hf_fs_gz_new(int fd, const char *path, struct hf_error *err)
{
    struct hf_fs_gz *g = malloc(sizeof *g);
    if (g == NULL) {
        close(fd);
        hf_error_set(err, HF_ERR_NOMEM, "%s: out of memory for gzip", path);
        return NULL;
    }
    memset(g, 0, offsetof(struct hf_fs_gz, in));
    g->fd = fd;
    g->path = path;
    if (inflateInit2(&g->zs, 16 + MAX_WBITS) != Z_OK) {
        hf_error_set(err, HF_ERR_NOMEM, "%s: cannot start gzip: %s", path,
                     g->zs.msg ? g->zs.msg : "out of memory");
        hf_fs_gz_destroy(g);
        return NULL;
    }
    g->zinit = true;
    return g;
}

void hf_fs_gz_destroy(struct hf_fs_gz *g)
{
    if (g == NULL)
        return;
    if (g->zinit)
        inflateEnd(&g->zs);
    if (g->fd >= 0)
        close(g->fd);
    free(g);
}

/* Offset in the file of the next compressed byte not yet inflated. */
static uint64_t gz_offset(const struct hf_fs_gz *g)
{
    return g->in_total - g->zs.avail_in;
}

/* Move the unread input to the front of the buffer and read more after
 * it; sets in_eof at the end of the file. */
static int gz_fill(struct hf_fs_gz *g, struct hf_error *err)
{
    size_t have = g->zs.avail_in;
    if (have > 0 && g->zs.next_in != g->in)
        memmove(g->in, g->zs.next_in, have);
    ssize_t got;
    do {
        got = read(g->fd, g->in + have, sizeof g->in - have);
    } while (got < 0 && errno == EINTR);
    if (got < 0)
        return hf_error_set(err, HF_ERR_IO,
                            "%s: read error at byte %" PRIu64 ": %s", g->path,
                            g->in_total, strerror(errno));
    if (got == 0)
        g->in_eof = true;
    g->in_total += (uint64_t)got;
    g->zs.next_in = g->in;
    g->zs.avail_in = (uInt)(have + (size_t)got);
    return 0;
}

/* At the start of the file or right after a member's trailer: begin the
 * next member, or note the end of the file. */
static int gz_next_member(struct hf_fs_gz *g, struct hf_error *err)
{
    while (g->zs.avail_in < 2 && !g->in_eof) {
        if (gz_fill(g, err) != 0)
            return -1;
    }
    if (g->zs.avail_in == 0) {
        if (g->members == 0)
            return hf_error_set(err, HF_ERR_DATA,
                                "%s: truncated gzip file: the file is empty; "
                                "write or copy it again",
                                g->path);
        g->done = true;
        return 0;
    }
    const unsigned char *p = g->zs.next_in;
    if (g->zs.avail_in < 2 || p[0] != 0x1f || p[1] != 0x8b) {
        if (g->members == 0)
            return hf_error_set(err, HF_ERR_DATA,
                                "%s: not in gzip format (the name ends in "
                                ".gz or .gzip but the data does not start "
                                "with the gzip magic bytes 1f 8b); compress "
                                "or rename it",
                                g->path);
        return hf_error_set(err, HF_ERR_DATA,
                            "%s: trailing garbage after gzip member %" PRIu32
                            ": the bytes from offset %" PRIu64
                            " (first byte 0x%02x) are not another gzip "
                            "member; the file is damaged or something was "
                            "appended to it",
                            g->path, g->members, gz_offset(g), p[0]);
    }
    if (g->members > 0 && inflateReset(&g->zs) != Z_OK)
        return hf_error_set(err, HF_ERR_FAIL, "%s: cannot reset gzip: %s",
                            g->path, g->zs.msg ? g->zs.msg : "?");
    g->in_member = true;
    return 0;
}

static int gz_data_error(struct hf_fs_gz *g, int zr, struct hf_error *err)
{
    const char *msg = g->zs.msg ? g->zs.msg : "";
    uint32_t member = g->members + 1;
    if (zr == Z_MEM_ERROR)
        return hf_error_set(err, HF_ERR_NOMEM,
                            "%s: out of memory decompressing gzip", g->path);
    if (strcmp(msg, "incorrect data check") == 0)
        return hf_error_set(err, HF_ERR_DATA,
                            "%s: corrupt gzip file: bad CRC: the CRC32 in "
                            "the trailer of gzip member %" PRIu32
                            " (near byte %" PRIu64 ") does not match its data",
                            g->path, member, gz_offset(g));
    if (strcmp(msg, "incorrect length check") == 0)
        return hf_error_set(err, HF_ERR_DATA,
                            "%s: corrupt gzip file: bad length: the ISIZE in "
                            "the trailer of gzip member %" PRIu32
                            " (near byte %" PRIu64 ") does not match its data",
                            g->path, member, gz_offset(g));
    return hf_error_set(
        err, HF_ERR_DATA,
        "%s: corrupt gzip data in member %" PRIu32 " near byte %" PRIu64 ": %s",
        g->path, member, gz_offset(g), msg[0] ? msg : "inflate failed");
}

ssize_t hf_fs_gz_read(struct hf_fs_gz *g, char *buf, size_t n,
                      struct hf_error *err)
{
    if (g->done || n == 0)
        return 0;
    if (n > UINT_MAX)
        n = UINT_MAX;
    g->zs.next_out = (Bytef *)buf;
    g->zs.avail_out = (uInt)n;
    while (g->zs.avail_out > 0) {
        if (!g->in_member) {
            if (gz_next_member(g, err) != 0)
                return -1;
            if (g->done)
                break;
        }
        if (g->zs.avail_in == 0 && !g->in_eof && gz_fill(g, err) != 0)
            return -1;
        int zr = inflate(&g->zs, Z_NO_FLUSH);
        if (zr == Z_STREAM_END) {
            /* The trailer matched: CRC32 and ISIZE are checked. */
            g->members++;
            g->in_member = false;
        } else if (zr == Z_BUF_ERROR) {
            /* No progress: more input is needed and there is none. */
            if (g->zs.avail_in > 0)
                return gz_data_error(g, zr, err);
            if (g->in_eof)
                return hf_error_set(err, HF_ERR_DATA,
                                    "%s: truncated gzip file: the file ends "
                                    "at byte %" PRIu64
                                    " inside gzip member %" PRIu32
                                    " (unexpected end of file); it is "
                                    "incomplete, write or copy it again",
                                    g->path, g->in_total, g->members + 1);
        } else if (zr != Z_OK) {
            return gz_data_error(g, zr, err);
        }
    }
    return (ssize_t)(n - g->zs.avail_out);
}
