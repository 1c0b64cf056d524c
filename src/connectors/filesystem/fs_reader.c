/*
 * fs_reader.c - cutting the files of a filesystem table into records (see
 * fs_int.h).
 *
 * The reader keeps one buffer for all files: bytes [start, end) are read
 * and not yet handed out, and the record being looked for always begins
 * at `start`.
 *
 * Framing is optimistic. next() hands out lines, found with memchr() as
 * for any line format. A format whose records may go on past a line end
 * (csv: a line break inside quotes or after the escape character) has a
 * frame() callback (format.h), and its decoder fails on a line that is
 * only the start of such a record (an unclosed quote, an escape with
 * nothing after it). Then, and only then, the caller asks reframe(): the
 * record is cut again from its first byte by frame(), which scans quotes
 * and escapes exactly, and if it goes on past the line the caller decodes
 * the longer record instead. So a file of one-line records costs what it
 * did when records were lines; only records that span lines, and lines
 * that fail anyway, are scanned twice. This holds because the csv decoder
 * accepts a line exactly when frame() ends the record at that line's end
 * (the fuzz target checks it on every input).
 *
 * frame() keeps its progress in `fr`, offsets from the record's first
 * byte, so moving the bytes to the front of the buffer before a read
 * does not disturb it and no byte is scanned twice. When a record is not
 * complete in the buffer, one more read of at most `chunk` bytes follows;
 * the buffer doubles when it runs short, never beyond what the longest
 * record allowed needs.
 *
 * Invariants: a record handed out is at most `max_record` bytes (after its
 * "\r\n" or "\n" is dropped); a longer one fails as soon as that many bytes
 * of it are buffered without its end, so an unclosed quote early in a huge
 * file costs `max_record` bytes of memory, not the file. `line` counts the
 * lines before `start`; a record starts on line + 1 and spans the line
 * breaks frame() counted in it. The last record of a file needs no line
 * end. A UTF-8 BOM at the very start of a file is dropped when asked for
 * (the formats that read text).
 *
 * @locality a reader is used by one thread.
 */
#include <errno.h>
#include <iconv.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "connectors/filesystem/fs_int.h"

#define FS_RAW_CAP (64u * 1024u)

struct hf_fs_reader *hf_fs_reader_new(const struct hf_fs_reader_conf *conf,
                                      struct hf_error *err)
{
    struct hf_fs_reader *r = calloc(1, sizeof *r);
    if (r == NULL) {
        hf_error_set(err, HF_ERR_NOMEM, "filesystem: out of memory");
        return NULL;
    }
    r->conf = *conf;
    r->frame = conf->fmt != NULL ? conf->fmt->frame : NULL;
    if (r->conf.chunk == 0)
        r->conf.chunk = 1;
    if (r->conf.max_record == 0)
        r->conf.max_record = 1;
    r->fd = -1;
    if (conf->encoding != NULL) {
        iconv_t cd = iconv_open("UTF-8", conf->encoding);
        r->raw = malloc(FS_RAW_CAP);
        if (cd == (iconv_t)-1 || r->raw == NULL) {
            if (cd != (iconv_t)-1)
                iconv_close(cd);
            free(r->raw);
            free(r);
            hf_error_set(err, HF_ERR_OPTION,
                         "filesystem: cannot convert from '%s' to UTF-8",
                         conf->encoding);
            return NULL;
        }
        r->cd = cd;
    }
    return r;
}

bool hf_fs_encoding_ok(const char *enc)
{
    iconv_t cd = iconv_open("UTF-8", enc);
    if (cd == (iconv_t)-1)
        return false;
    iconv_close(cd);
    return true;
}

int hf_fs_reader_open(struct hf_fs_reader *r, int fd, bool gzip,
                      const char *path, struct hf_error *err)
{
    hf_fs_reader_close(r);
    r->path = path;
    r->start = r->end = 0;
    r->eof = false;
    r->bom_done = false;
    r->fr = HF_FRAME_INIT;
    r->line = 0;
    r->rec = NULL;
    r->rec_len = 0;
    r->rec_first = r->rec_last = 0;
    r->rec_at_eof = false;
    r->raw_start = r->raw_end = 0;
    r->raw_eof = false;
    if (r->cd != NULL)
        iconv((iconv_t)r->cd, NULL, NULL, NULL, NULL); /* initial state */
    if (!gzip) {
        r->fd = fd;
        return 0;
    }
    r->gz = hf_fs_gz_new(fd, path, err);
    if (r->gz == NULL) {
        if (r->conf.owner != NULL)
            hf_error_prefix(err, "%s: ", r->conf.owner);
        return -1;
    }
    return 0;
}

void hf_fs_reader_close(struct hf_fs_reader *r)
{
    if (r == NULL)
        return;
    hf_fs_gz_destroy(r->gz);
    if (r->fd >= 0)
        close(r->fd);
    r->gz = NULL;
    r->fd = -1;
    r->start = r->end = 0; /* next() gives 0 until a file is opened */
    r->eof = true;
    r->fr = HF_FRAME_INIT;
}

void hf_fs_reader_destroy(struct hf_fs_reader *r)
{
    if (r == NULL)
        return;
    hf_fs_reader_close(r);
    if (r->cd != NULL)
        iconv_close((iconv_t)r->cd);
    free(r->raw);
    free(r->buf);
    free(r);
}

/* ------------------------------------------------------------ reading */

/* At most `want` bytes of the file (through gzip when it is one). */
static ssize_t read_raw(struct hf_fs_reader *r, char *dst, size_t want,
                        struct hf_error *err)
{
    ssize_t got;
    if (r->gz != NULL) {
        got = hf_fs_gz_read(r->gz, dst, want, err);
        if (got < 0 && r->conf.owner != NULL)
            hf_error_prefix(err, "%s: ", r->conf.owner);
        return got;
    }
    do {
        got = read(r->fd, dst, want);
    } while (got < 0 && errno == EINTR);
    if (got < 0)
        return hf_error_set(err, HF_ERR_IO,
                            "%s: read error after line %" PRId64 ": %s",
                            r->path, r->line, strerror(errno));
    return got;
}

/* The line the converter is at: the lines before `start` and the line
 * ends already converted after it. */
static int64_t conv_line(const struct hf_fs_reader *r)
{
    int64_t n = r->line + 1;
    for (size_t i = r->start; i < r->end; i++)
        n += r->buf[i] == '\n';
    return n;
}

/* At most `want` bytes of UTF-8 converted from conf.encoding: 0 at the
 * end of the file. Bytes not valid in the charset, or a file ending
 * inside a character, fail naming the line. */
static ssize_t read_conv(struct hf_fs_reader *r, char *out, size_t want,
                         struct hf_error *err)
{
    for (;;) {
        if (r->raw_end > r->raw_start) {
            char *in = r->raw + r->raw_start;
            size_t inl = r->raw_end - r->raw_start;
            char *o = out;
            size_t ol = want;
            size_t rc = iconv((iconv_t)r->cd, &in, &inl, &o, &ol);
            int e = errno;
            r->raw_start = r->raw_end - inl;
            size_t made = want - ol;
            if (made > 0)
                return (ssize_t)made;
            if (rc == (size_t)-1 && e == EILSEQ)
                return hf_error_set(err, HF_ERR_DATA,
                                    "%s:%" PRId64 ": bytes that are not "
                                    "valid %s",
                                    r->path, conv_line(r),
                                    r->conf.encoding);
            if (rc == (size_t)-1 && e == E2BIG)
                return hf_error_set(err, HF_ERR_FAIL,
                                    "%s: no room to convert from %s",
                                    r->path, r->conf.encoding);
            /* EINVAL: a character cut by the read; or all converted */
        }
        if (r->raw_eof) {
            if (r->raw_end > r->raw_start)
                return hf_error_set(err, HF_ERR_DATA,
                                    "%s:%" PRId64 ": the file ends inside "
                                    "a %s character",
                                    r->path, conv_line(r),
                                    r->conf.encoding);
            return 0;
        }
        memmove(r->raw, r->raw + r->raw_start, r->raw_end - r->raw_start);
        r->raw_end -= r->raw_start;
        r->raw_start = 0;
        ssize_t got = read_raw(r, r->raw + r->raw_end,
                               FS_RAW_CAP - r->raw_end, err);
        if (got < 0)
            return -1;
        if (got == 0)
            r->raw_eof = true;
        r->raw_end += (size_t)got;
    }
}

/* Move the pending bytes to the front, make room (growing the buffer up to
 * what a longest record needs) and read at most `chunk` more bytes. */
static int fill(struct hf_fs_reader *r, struct hf_error *err)
{
    size_t chunk = r->conf.chunk;
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    size_t low = chunk / 4 ? chunk / 4 : 1;
    if (r->cap - r->end < low) {
        /* A record may be max_record bytes, a line end 2 more. */
        size_t most = r->conf.max_record + 2 + chunk;
        size_t cap = r->cap ? r->cap * 2 : chunk;
        if (cap > most)
            cap = most;
        if (cap <= r->cap)
            cap = r->cap + chunk; /* not reached: next() stops first */
        char *b = realloc(r->buf, cap);
        if (b == NULL)
            return hf_error_set(err, HF_ERR_NOMEM,
                                "%s:%" PRId64 ": out of memory reading a "
                                "record of %zu bytes",
                                r->path, r->line + 1, r->end);
        r->buf = b;
        r->cap = cap;
    }
    size_t want = r->cap - r->end;
    if (want > chunk)
        want = chunk;
    if (want > (size_t)INT32_MAX)
        want = INT32_MAX;
    ssize_t got = r->cd != NULL ? read_conv(r, r->buf + r->end, want, err)
                                : read_raw(r, r->buf + r->end, want, err);
    if (got < 0)
        return -1;
    if (got == 0)
        r->eof = true;
    r->end += (size_t)got;
    return 0;
}

/* Line records: the first '\n' from f->pos on. */
static int frame_line(struct hf_frame *f, const char *p, size_t n, size_t *len)
{
    const char *nl = f->pos < n ? memchr(p + f->pos, '\n', n - f->pos) : NULL;
    if (nl == NULL) {
        f->pos = n;
        return 0;
    }
    *len = (size_t)(nl - p);
    return 1;
}

/* "64 MiB", "1536 KiB" or "1000 bytes". */
static void size_text(size_t n, char *buf, size_t size)
{
    if (n >= ((size_t)1 << 20) && n % ((size_t)1 << 20) == 0)
        snprintf(buf, size, "%zu MiB", n >> 20);
    else if (n >= 1024 && n % 1024 == 0)
        snprintf(buf, size, "%zu KiB", n >> 10);
    else
        snprintf(buf, size, "%zu bytes", n);
}

static int too_long(const struct hf_fs_reader *r, struct hf_error *err)
{
    char lim[48];
    size_text(r->conf.max_record, lim, sizeof lim);
    int64_t first = r->line + 1;
    int64_t now = first + r->fr.breaks;
    char quote[160] = "";
    if (r->fr.open_quote != SIZE_MAX) {
        const char *p = r->buf + r->start;
        int64_t q = first;
        for (size_t i = 0; i < r->fr.open_quote; i++)
            q += p[i] == '\n';
        snprintf(quote, sizeof quote,
                 "; it is inside a quoted value opened on line %" PRId64
                 " and not closed (a quote that is never closed makes the "
                 "rest of the file one record)",
                 q);
    }
    return hf_error_set(err, HF_ERR_DATA,
                        "%s:%" PRId64 ": the record starting on line %" PRId64
                        " is longer than %s ('" HF_FS_RECORD_MAX_KEY
                        "') and still has no end on line %" PRId64
                        "%s; fix the file or raise '" HF_FS_RECORD_MAX_KEY "'",
                        r->path, first, first, lim, now, quote);
}

/* The record at `start`, framed by `frame` (NULL: a line). */
static int next_framed(struct hf_fs_reader *r, bool framed, const char **rec,
                       size_t *len, struct hf_error *err)
{
    if (!r->bom_done) {
        if (r->fd < 0 && r->gz == NULL)
            return 0;
        while (r->end - r->start < 3 && !r->eof) {
            if (fill(r, err) != 0)
                return -1;
        }
        if (r->conf.skip_bom && r->end - r->start >= 3 &&
            memcmp(r->buf + r->start, "\xEF\xBB\xBF", 3) == 0)
            r->start += 3;
        r->bom_done = true;
    }
    /* The longest record and its "\r\n": the framer looks no further, so
     * the limit strikes at the same byte whatever was read beyond it. */
    size_t most = r->conf.max_record + 2;
    r->fr = HF_FRAME_INIT;
    for (;;) {
        const char *p = r->buf + r->start;
        size_t n = r->end - r->start, rl = 0;
        size_t m = n < most ? n : most;
        if (framed ? r->frame(r->conf.dec, &r->fr, p, m, &rl)
                   : frame_line(&r->fr, p, m, &rl)) {
            /* the line end: "\n" at p[rl], or "\r\n" */
            size_t used = rl + (p[rl] == '\n' ? 1 : 2);
            if (!framed && rl > 0 && p[rl - 1] == '\r')
                rl--;
            if (rl > r->conf.max_record)
                return too_long(r, err);
            return hf_fs_reader_hand_out(r, p, rl, used, r->fr.breaks, false,
                                         rec, len);
        }
        if (m == most)
            return too_long(r, err);
        if (!r->eof) {
            if (fill(r, err) != 0)
                return -1;
            continue;
        }
        if (n == 0)
            return 0;
        /* The last record needs no line end. A '\r' last is a line
         * framer's to drop, and the format's to judge otherwise. */
        int64_t breaks = r->fr.breaks;
        if (p[n - 1] == '\n' && breaks > 0)
            breaks--; /* the file ends inside a record, after a line end */
        rl = n;
        bool cr = p[n - 1] == '\r';
        if (cr && !framed)
            rl--;
        if (rl > r->conf.max_record + (cr && framed))
            return too_long(r, err);
        return hf_fs_reader_hand_out(r, p, rl, n, breaks, true, rec, len);
    }
}

int hf_fs_reader_next_line(struct hf_fs_reader *r, const char **rec,
                           size_t *len, struct hf_error *err)
{
    return next_framed(r, false, rec, len, err);
}

int hf_fs_reader_reframe(struct hf_fs_reader *r, const char **rec, size_t *len,
                         struct hf_error *err)
{
    if (r->frame == NULL || r->rec == NULL)
        return 0;
    /* Back to the record's first byte: nothing was read since it was
     * handed out, so its bytes are where they were. */
    size_t used = r->rec_used, rl = r->rec_len;
    r->start -= used;
    r->line = r->rec_first - 1;
    int rc = next_framed(r, true, rec, len, err);
    if (rc <= 0)
        return rc;
    /* Longer, or the same line with its last '\r' kept as data. */
    return r->rec_used != used || r->rec_len != rl ||
           r->rec_last != r->rec_first;
}

void hf_fs_reader_locate(const struct hf_fs_reader *r, size_t err_off,
                         struct hf_error *err)
{
    if (r->rec_last == r->rec_first) {
        hf_error_prefix(err, "%s:%" PRId64 ": ", r->path, r->rec_first);
        return;
    }
    const char *end = r->rec_at_eof ? " (the end of the file)" : "";
    if (err_off == SIZE_MAX || err_off > r->rec_len) {
        hf_error_prefix(err,
                        "%s:%" PRId64 ": in the record on lines %" PRId64
                        "-%" PRId64 "%s: ",
                        r->path, r->rec_first, r->rec_first, r->rec_last, end);
        return;
    }
    int64_t at = r->rec_first;
    for (size_t i = 0; i < err_off; i++)
        at += r->rec[i] == '\n';
    hf_error_prefix(err,
                    "%s:%" PRId64 ": in the record on lines %" PRId64
                    "-%" PRId64 "%s, at line %" PRId64 ": ",
                    r->path, r->rec_first, r->rec_first, r->rec_last, end, at);
}
