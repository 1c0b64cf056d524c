/*
 * test_fs_reader.c - the filesystem source's record reader (fs_reader.c)
 * with the formats' framing (each line cut again by the format's frame(),
 * as the source does for a line that does not decode, and as it must be
 * for a line that is a whole record): every file is read with read sizes of
 * 1 to 17 bytes and 64 KiB, so that each record boundary, quote, doubled
 * quote, escape, "\r\n" and BOM falls across reads, and the records and
 * the lines each starts and ends on must come out the same every time.
 * Covered: csv quoted line breaks (RFC 4180), escaped line breaks
 * (csv.escape-character), CRLF files, a file ending inside a quote, a
 * quote that only opens at a field's start, comments (csv.allow-comments)
 * that hold a quote, custom and disabled quotes, a BOM before a record of
 * several lines, gzip, json staying line-based whatever its quotes, and
 * the record size limit: exactly at it, one byte over, and a quote left
 * open, with the message naming the first line, the line reached and the
 * line of the open quote. hf_fs_reader_locate names the lines of an error.
 */
#include "fmt_test_helpers.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include "connectors/filesystem/fs_int.h"

static char tmpdir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/hf_fs_reader_XXXXXX");
    return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *write_file(const char *name, const char *text, size_t len,
                              bool gzip)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    if (gzip) {
        gzFile g = gzopen(path, "wb");
        assert_non_null(g);
        assert_int_equal(gzwrite(g, text, (unsigned)len), (int)len);
        gzclose(g);
    } else {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(text, 1, len, f), len);
        fclose(f);
    }
    return path;
}

/* Append `s` with "\n" and "\r" spelled out. */
static void put_visible(struct hf_strbuf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            hf_strbuf_puts(out, "\\n");
        else if (s[i] == '\r')
            hf_strbuf_puts(out, "\\r");
        else
            hf_strbuf_putc(out, s[i]);
    }
}

/* The next record as the filesystem source gets it after a line that
 * does not decode: the line, cut again by the format's frame(). Here every
 * line is cut again, which must change nothing when the line is a whole
 * record. */
static int next_record(struct hf_fs_reader *r, const char **rec, size_t *len,
                       struct hf_error *err)
{
    int rc = hf_fs_reader_next(r, rec, len, err);
    if (rc != 1)
        return rc;
    const char *line = *rec;
    size_t n = *len;
    int64_t first = hf_fs_reader_line(r);
    rc = hf_fs_reader_reframe(r, rec, len, err);
    if (rc < 0)
        return -1;
    /* 0: exactly the line, as it was */
    if (rc == 0 &&
        (*rec != line || *len != n || hf_fs_reader_last_line(r) != first))
        fail_msg("reframe() said 0 but changed the record");
    assert_int_equal(hf_fs_reader_line(r), first);
    return 1;
}

/* A format instance for framing: `name` with options kv. */
struct rd {
    struct hf_schema s;
    struct ft t;
};

static void rd_open(struct rd *d, const char *name, const char *const *kv)
{
    memset(&d->s, 0, sizeof d->s);
    ft_col(&d->s, "a", ft_type(HF_VARCHAR));
    ft_col(&d->s, "b", ft_type(HF_VARCHAR));
    ft_open(&d->t, name, &d->s, kv);
}

/* Read the file at `path` whole with read size `chunk` and record limit
 * `max`: every record as "FIRST-LAST:text|", then "EOF" or "ERR:message".
 * Returns the text (static buffer). */
static const char *read_all(struct rd *d, const char *path, bool gzip,
                            size_t chunk, size_t max)
{
    static struct hf_strbuf out;
    hf_strbuf_free(&out);
    hf_strbuf_init(&out, 0);
    struct hf_error err;
    hf_error_clear(&err);
    struct hf_fs_reader_conf conf = {.chunk = chunk,
                                     .max_record = max,
                                     .skip_bom = true,
                                     .fmt = d->t.f,
                                     .dec = d->t.dec,
                                     .owner = "filesystem table 't'"};
    struct hf_fs_reader *r = hf_fs_reader_new(&conf, &err);
    assert_non_null(r);
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(hf_fs_reader_open(r, fd, gzip, path, &err), 0);
    const char *rec;
    size_t len;
    int rc;
    while ((rc = next_record(r, &rec, &len, &err)) == 1) {
        hf_strbuf_printf(&out, "%lld-%lld:", (long long)hf_fs_reader_line(r),
                         (long long)hf_fs_reader_last_line(r));
        put_visible(&out, rec, len);
        hf_strbuf_putc(&out, '|');
    }
    if (rc == 0) {
        hf_strbuf_puts(&out, "EOF");
        /* Past the end it stays at the end. */
        assert_int_equal(next_record(r, &rec, &len, &err), 0);
    } else {
        const char *m = err.msg;
        size_t pl = strlen(path);
        if (strncmp(m, path, pl) == 0) /* the path is the test's */
            m += pl;
        hf_strbuf_printf(&out, "ERR:%s", m);
    }
    hf_fs_reader_destroy(r);
    return out.data;
}

/* The same result with every read size: 1..17 bytes and 64 KiB. */
static void expect_all_chunks(struct rd *d, const char *name, const char *text,
                              size_t len, size_t max, const char *want)
{
    for (int gz = 0; gz <= 1; gz++) {
        char fname[64];
        snprintf(fname, sizeof fname, "%s%s", name, gz ? ".gz" : "");
        const char *path = write_file(fname, text, len, gz);
        char p[256];
        snprintf(p, sizeof p, "%s", path);
        for (size_t chunk = 1; chunk <= 18; chunk++) {
            size_t c = chunk == 18 ? 65536 : chunk;
            const char *got = read_all(d, p, gz, c, max);
            if (strcmp(got, want) != 0)
                fail_msg("%s, read size %zu:\n got  %s\n want %s", fname, c,
                         got, want);
        }
    }
}

#define EXPECT(d, name, text, max, want)                                       \
    expect_all_chunks(d, name, text, sizeof(text) - 1, max, want)

/* ------------------------------------------------------------------ csv */

static void test_csv_quoted_line_breaks(void **state)
{
    (void)state;
    struct rd d;
    rd_open(&d, "csv", NULL);
    /* CRLF lines; a quoted CRLF and LF; a doubled quote next to a line
     * break; a blank line; an empty quoted value; a file ending in an
     * open quote. */
    EXPECT(&d, "a.csv",
           "a,b\r\n"
           "1,\"x\r\ny\"\r\n"
           "\r\n"
           "2,\"q\"\"\n\"\"\",z\n"
           "3,\"\"\n"
           "4,\"un\nclosed",
           64,
           "1-1:a,b|2-3:1,\"x\\r\\ny\"|4-4:|5-6:2,\"q\"\"\\n\"\"\",z|"
           "7-7:3,\"\"|8-9:4,\"un\\nclosed|EOF");
    /* A quote opens a value only at a field's start; after a closing
     * quote the field is unquoted again (the decoder rejects the rest). */
    EXPECT(&d, "b.csv",
           "x\"y,\"a\nb\"\n"
           " \"c\nd\"\n"
           "\"ab\"c,\"d\ne\"\n"
           "\"\"\"\",\"\n\"\n",
           64,
           "1-2:x\"y,\"a\\nb\"|3-3: \"c|4-4:d\"|5-6:\"ab\"c,\"d\\ne\"|"
           "7-8:\"\"\"\",\"\\n\"|EOF");
    /* The file ends after a line break inside quotes: the record's last
     * line is the one holding that break. */
    EXPECT(&d, "c.csv", "1,\"a\nb\n", 64, "1-2:1,\"a\\nb\\n|EOF");
    EXPECT(&d, "empty.csv", "", 64, "EOF");
    EXPECT(&d, "nl.csv", "\n\n", 64, "1-1:|2-2:|EOF");
    ft_close(&d.t);
}

static void test_csv_escape_and_options(void **state)
{
    (void)state;
    struct rd d;
    /* An escaped line break (Flink's test: escape '\t') continues the
     * record outside and inside quotes; an escaped quote does not close. */
    const char *esc[] = {"csv.escape-character", "\\\\", NULL};
    rd_open(&d, "csv", esc);
    EXPECT(&d, "e.csv",
           "a\\\nb,c\n"
           "\"x\\\"\ny\",z\n"
           "\\\\\n"
           "w,\"\\\\\"\n"
           "cr\\\r\r\n"
           "v,x\\\r\n"
           "end\\\r",
           64,
           "1-2:a\\\\nb,c|3-4:\"x\\\"\\ny\",z|5-5:\\\\|6-6:w,\"\\\\\"|"
           "7-7:cr\\\\r|8-8:v,x\\\\r|9-9:end\\\\r|EOF");
    ft_close(&d.t);

    /* Comments end at their line end even with a quote at a field start;
     * without allow-comments the same quote opens a value. */
    const char *cm[] = {"csv.allow-comments", "true", NULL};
    rd_open(&d, "csv", cm);
    EXPECT(&d, "c1.csv", "#x,\"open\n1,\"a\nb\"\n", 64,
           "1-1:#x,\"open|2-3:1,\"a\\nb\"|EOF");
    ft_close(&d.t);
    rd_open(&d, "csv", NULL);
    EXPECT(&d, "c2.csv", "#x,\"open\n1,\"a\nb\"\n", 64,
           "1-2:#x,\"open\\n1,\"a|3-3:b\"|EOF");
    ft_close(&d.t);

    /* A custom quote and delimiter; a disabled quote. */
    const char *cq[] = {"csv.quote-character", "'", "csv.field-delimiter", ";",
                        NULL};
    rd_open(&d, "csv", cq);
    EXPECT(&d, "q1.csv", "x;'a\nb';\"c\n\"d\n", 64,
           "1-2:x;'a\\nb';\"c|3-3:\"d|EOF");
    ft_close(&d.t);
    const char *nq[] = {"csv.disable-quote-character", "true", NULL};
    rd_open(&d, "csv", nq);
    EXPECT(&d, "q2.csv", "\"a\nb\"\n", 64, "1-1:\"a|2-2:b\"|EOF");
    ft_close(&d.t);
}

static void test_csv_bom(void **state)
{
    (void)state;
    struct rd d;
    rd_open(&d, "csv", NULL);
    EXPECT(&d, "bom.csv", "\xEF\xBB\xBF\"a\nb\",c\n\"\xEF\xBB\xBF\"\n", 64,
           "1-2:\"a\\nb\",c|3-3:\"\xEF\xBB\xBF\"|EOF");
    ft_close(&d.t);
}

/* json has no frame(): records are lines whatever quotes they hold. */
static void test_json_lines(void **state)
{
    (void)state;
    struct rd d;
    rd_open(&d, "json", NULL);
    EXPECT(&d, "a.json", "{\"a\":\"\\\"x\"}\r\n\"\n{\"a\":2}", 64,
           "1-1:{\"a\":\"\\\"x\"}|2-2:\"|3-3:{\"a\":2}|EOF");
    ft_close(&d.t);
}

/* ------------------------------------------------------------------ limit */

static void test_record_limit(void **state)
{
    (void)state;
    struct rd d;
    rd_open(&d, "csv", NULL);
    /* Exactly 10 bytes pass, with "\n" or "\r\n" after them and at the
     * end of the file; 11 do not. */
    EXPECT(&d, "l1.csv", "0123456789\n0123456789\r\n\"123456\n7\"\n0123456789",
           10,
           "1-1:0123456789|2-2:0123456789|3-4:\"123456\\n7\"|5-5:0123456789|"
           "EOF");
    EXPECT(&d, "l2.csv", "ab\n01234567890\n", 10,
           "1-1:ab|ERR::2: the record starting on line 2 is longer than 10 "
           "bytes ('source.record.max-size') and still has no end on line "
           "2; fix the file or raise 'source.record.max-size'");
    EXPECT(&d, "l3.csv", "ab\n01234567890", 10,
           "1-1:ab|ERR::2: the record starting on line 2 is longer than 10 "
           "bytes ('source.record.max-size') and still has no end on line "
           "2; fix the file or raise 'source.record.max-size'");
    ft_close(&d.t);

    /* A quote left open: the record would run to the end of the file. It
     * fails once 1 KiB of it is read, naming where it starts, how far it
     * got and the line of the quote (after an escaped line break). */
    const char *esc[] = {"csv.escape-character", "\\\\", NULL};
    rd_open(&d, "csv", esc);
    struct hf_strbuf text;
    hf_strbuf_init(&text, 0);
    hf_strbuf_puts(&text, "ok,1\nstart\\\n,\"open\n");
    for (int i = 0; i < 200; i++)
        hf_strbuf_printf(&text, "line %d,x\n", i);
    expect_all_chunks(
        &d, "l4.csv", text.data, text.len, 1024,
        "1-1:ok,1|ERR::2: the record starting on line 2 is longer than 1 KiB "
        "('source.record.max-size') and still has no end on line 106; it is "
        "inside a quoted value opened on line 3 and not closed (a quote that "
        "is never closed makes the rest of the file one record); fix the "
        "file or raise 'source.record.max-size'");
    hf_strbuf_free(&text);
    ft_close(&d.t);
}

/* ------------------------------------------------------------------ locate */

static void test_locate(void **state)
{
    (void)state;
    struct rd d;
    rd_open(&d, "csv", NULL);
    const char *text = "a,b\n1,\"x\ny\nz\",2\n3,\"w";
    const char *path = write_file("loc.csv", text, strlen(text), false);
    char p[256];
    snprintf(p, sizeof p, "%s", path);
    struct hf_error err;
    hf_error_clear(&err);
    struct hf_fs_reader_conf conf = {
        .chunk = 4, .max_record = 64, .fmt = d.t.f, .dec = d.t.dec};
    struct hf_fs_reader *r = hf_fs_reader_new(&conf, &err);
    int fd = open(p, O_RDONLY);
    assert_int_equal(hf_fs_reader_open(r, fd, false, p, &err), 0);
    const char *rec;
    size_t len;
    char want[512];

    assert_int_equal(next_record(r, &rec, &len, &err), 1);
    hf_error_set(&err, HF_ERR_DATA, "bad");
    hf_fs_reader_locate(r, 2, &err); /* a one-line record: its line */
    snprintf(want, sizeof want, "%s:1: bad", p);
    assert_string_equal(err.msg, want);

    hf_error_clear(&err);
    assert_int_equal(next_record(r, &rec, &len, &err), 1);
    assert_int_equal(len, 11);
    /* '1' and the first break are on line 2, 'y' on 3, 'z' and the end on
     * 4; past the end is not a place. */
    const size_t offs[] = {0, 4, 5, 7, 11, 12, SIZE_MAX};
    const char *at[] = {", at line 2",
                        ", at line 2",
                        ", at line 3",
                        ", at line 4",
                        ", at line 4",
                        "",
                        ""};
    for (size_t i = 0; i < 7; i++) {
        hf_error_clear(&err);
        hf_error_set(&err, HF_ERR_DATA, "bad");
        hf_fs_reader_locate(r, offs[i], &err);
        snprintf(want, sizeof want, "%s:2: in the record on lines 2-4%s: bad",
                 p, at[i]);
        assert_string_equal(err.msg, want);
    }

    /* The last record runs to the end of the file. */
    hf_error_clear(&err);
    assert_int_equal(next_record(r, &rec, &len, &err), 1);
    assert_int_equal(hf_fs_reader_line(r), 5);
    assert_int_equal(hf_fs_reader_last_line(r), 5);
    assert_int_equal(next_record(r, &rec, &len, &err), 0);
    hf_fs_reader_destroy(r);
    hf_fs_reader_destroy(NULL);
    ft_close(&d.t);
}

/* The same reader over two files: line numbers start over, the buffer
 * (grown by a long record) is reused. */
static void test_reuse(void **state)
{
    (void)state;
    struct rd d;
    rd_open(&d, "csv", NULL);
    char p1[256], p2[256];
    snprintf(p1, sizeof p1, "%s",
             write_file("r1.csv", "\"a\nb\"\nc\n", 8, false));
    snprintf(p2, sizeof p2, "%s",
             write_file("r2.csv", "d\n\"e\nf\"", 7, false));
    struct hf_error err;
    hf_error_clear(&err);
    struct hf_fs_reader_conf conf = {
        .chunk = 2, .max_record = 64, .fmt = d.t.f, .dec = d.t.dec};
    struct hf_fs_reader *r = hf_fs_reader_new(&conf, &err);
    const char *rec;
    size_t len;
    assert_int_equal(hf_fs_reader_open(r, open(p1, O_RDONLY), false, p1, &err),
                     0);
    assert_int_equal(next_record(r, &rec, &len, &err), 1);
    assert_int_equal(next_record(r, &rec, &len, &err), 1);
    assert_int_equal(hf_fs_reader_line(r), 3);
    /* Close in the middle of a file: no more records. */
    hf_fs_reader_close(r);
    assert_int_equal(next_record(r, &rec, &len, &err), 0);
    assert_int_equal(hf_fs_reader_open(r, open(p1, O_RDONLY), false, p1, &err),
                     0);
    assert_int_equal(next_record(r, &rec, &len, &err), 1);
    assert_int_equal(hf_fs_reader_line(r), 1);
    /* Open the next file before the first ended. */
    assert_int_equal(hf_fs_reader_open(r, open(p2, O_RDONLY), false, p2, &err),
                     0);
    assert_int_equal(next_record(r, &rec, &len, &err), 1);
    assert_int_equal(hf_fs_reader_line(r), 1);
    assert_memory_equal(rec, "d", 1);
    assert_int_equal(next_record(r, &rec, &len, &err), 1);
    assert_int_equal(hf_fs_reader_line(r), 2);
    assert_int_equal(hf_fs_reader_last_line(r), 3);
    assert_int_equal(len, 5);
    assert_memory_equal(rec, "\"e\nf\"", 5);
    assert_int_equal(next_record(r, &rec, &len, &err), 0);
    hf_fs_reader_close(r);
    assert_int_equal(next_record(r, &rec, &len, &err), 0);
    hf_fs_reader_destroy(r);
    ft_close(&d.t);
}

/* next() gives lines; reframe() says whether the record goes on and
 * leaves a whole line as it was. */
static void test_lines_then_reframe(void **state)
{
    (void)state;
    struct rd d;
    rd_open(&d, "csv", NULL);
    char p[256];
    snprintf(p, sizeof p, "%s",
             write_file("rf.csv", "a,b\r\n\"c\nd\",e\r\nf\n", 16, false));
    struct hf_error err;
    hf_error_clear(&err);
    struct hf_fs_reader_conf conf = {
        .chunk = 3, .max_record = 64, .fmt = d.t.f, .dec = d.t.dec};
    struct hf_fs_reader *r = hf_fs_reader_new(&conf, &err);
    assert_int_equal(hf_fs_reader_open(r, open(p, O_RDONLY), false, p, &err),
                     0);
    const char *rec;
    size_t len;
    assert_int_equal(hf_fs_reader_reframe(r, &rec, &len, &err), 0);
    assert_int_equal(hf_fs_reader_next(r, &rec, &len, &err), 1);
    assert_int_equal(len, 3);
    assert_int_equal(hf_fs_reader_reframe(r, &rec, &len, &err), 0);
    assert_int_equal(hf_fs_reader_reframe(r, &rec, &len, &err), 0);
    assert_int_equal(hf_fs_reader_next(r, &rec, &len, &err), 1);
    assert_int_equal(len, 2); /* "c */
    assert_int_equal(hf_fs_reader_line(r), 2);
    assert_int_equal(hf_fs_reader_reframe(r, &rec, &len, &err), 1);
    assert_int_equal(len, 7);
    assert_memory_equal(rec, "\"c\nd\",e", 7);
    assert_int_equal(hf_fs_reader_line(r), 2);
    assert_int_equal(hf_fs_reader_last_line(r), 3);
    assert_int_equal(hf_fs_reader_next(r, &rec, &len, &err), 1);
    assert_memory_equal(rec, "f", 1);
    assert_int_equal(hf_fs_reader_line(r), 4);
    assert_int_equal(hf_fs_reader_next(r, &rec, &len, &err), 0);
    hf_fs_reader_destroy(r);
    ft_close(&d.t);

    /* json has no frame(): reframe() changes nothing. */
    rd_open(&d, "json", NULL);
    conf.fmt = d.t.f;
    conf.dec = d.t.dec;
    r = hf_fs_reader_new(&conf, &err);
    assert_int_equal(hf_fs_reader_open(r, open(p, O_RDONLY), false, p, &err),
                     0);
    assert_int_equal(hf_fs_reader_next(r, &rec, &len, &err), 1);
    assert_int_equal(hf_fs_reader_next(r, &rec, &len, &err), 1);
    assert_int_equal(hf_fs_reader_reframe(r, &rec, &len, &err), 0);
    assert_int_equal(hf_fs_reader_next(r, &rec, &len, &err), 1);
    assert_memory_equal(rec, "d\",e", 4);
    hf_fs_reader_destroy(r);
    ft_close(&d.t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_quoted_line_breaks),
        cmocka_unit_test(test_csv_escape_and_options),
        cmocka_unit_test(test_csv_bom),
        cmocka_unit_test(test_json_lines),
        cmocka_unit_test(test_record_limit),
        cmocka_unit_test(test_locate),
        cmocka_unit_test(test_reuse),
        cmocka_unit_test(test_lines_then_reframe),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
