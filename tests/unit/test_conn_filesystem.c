/*
 * test_conn_filesystem.c - the filesystem source: line splitting (\n, \r\n,
 * no final newline, blank lines, very long lines), gzip files, directory
 * order and hidden files, Hive partitions (values, default name, missing,
 * %XX escapes), metadata columns, error locations, skipped records and
 * option validation. Files are written to a temporary directory and read
 * through the real csv and json formats.
 *
 * Partial input: entries of a directory that cannot be examined (dangling
 * and looping symbolic links, unsearchable directories) and unreadable
 * files fail the open before any row, naming the path. Permission cases
 * need a user that permissions stop: run as root (CI), they run in a child
 * process that drops to nobody (uid 65534). A gzip file must be whole:
 * truncated, bad CRC or length, trailing garbage (zero padding too) and
 * non-gzip data fail the open; concatenated members are read in turn.
 * A UTF-8 BOM at the start of a file (inside a .gz too) is dropped for
 * text formats and kept by raw; elsewhere it is data.
 *
 * csv records across lines: quoted line breaks (LF and CRLF), doubled
 * quotes and escaped line breaks give one row each, numbered by the line
 * the record starts on; an error in a record of several lines names its
 * first and last line and the line of the bad field; a file ending inside
 * a quote fails naming the quote's line; ignore-parse-errors skips a bad
 * record of several lines and reads on; 'source.record.max-size' bounds a
 * record. (The reader itself, across read sizes: test_fs_reader.c.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "conn_test.h"
#include "connectors/filesystem/fs_int.h"
#include "core/valueconv.h"

static const struct hf_connector *fsc(void)
{
    const struct hf_connector *c = hf_connector_find("filesystem");
    assert_non_null(c);
    return c;
}

static const struct hf_format *fmt(const char *name)
{
    const struct hf_format *f = hf_format_find(name);
    assert_non_null(f);
    assert_null(f->unavailable);
    return f;
}

static void write_file(const char *dir, const char *rel, const char *text,
                       size_t len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    /* mkdir -p of the parents */
    for (char *p = path + strlen(dir) + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(path, 0700) != 0 && errno != EEXIST)
                fail_msg("mkdir %s: %s", path, strerror(errno));
            *p = '/';
        }
    }
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
}

static void write_text(const char *dir, const char *rel, const char *text)
{
    write_file(dir, rel, text, strlen(text));
}

static void write_gzip(const char *dir, const char *rel, const char *text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    gzFile g = gzopen(path, "wb");
    assert_non_null(g);
    assert_int_equal(gzwrite(g, text, (unsigned)strlen(text)),
                     (int)strlen(text));
    gzclose(g);
}

/* `text` as one gzip member (header, deflate data, CRC32/ISIZE trailer)
 * appended to `out` at *len; returns the member's size. */
static size_t gzip_member(const char *text, unsigned char *out, size_t *len,
                          size_t cap)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    assert_int_equal(
        deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
        Z_OK);
    zs.next_in = (Bytef *)text;
    zs.avail_in = (uInt)strlen(text);
    zs.next_out = out + *len;
    zs.avail_out = (uInt)(cap - *len);
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    size_t n = zs.total_out;
    deflateEnd(&zs);
    *len += n;
    return n;
}

/* Row as "kind|v1|v2|..." with values as CAST(x AS STRING), NULL as
 * "<null>", and "@file:line" from the batch. */
static void row_text(const struct hf_table_def *t, const struct hf_batch *b,
                     uint32_t r, struct hf_strbuf *out)
{
    const struct hf_value *row = hf_batch_row(b, r);
    hf_strbuf_puts(out, hf_rowkind_short((enum hf_rowkind)b->kinds[r]));
    for (uint32_t c = 0; c < t->schema.ncols; c++) {
        hf_strbuf_putc(out, '|');
        if (row[c].null)
            hf_strbuf_puts(out, "<null>");
        else
            hf_value_to_text(&t->schema.cols[c].type, &row[c], out);
    }
    const char *slash = b->src_name ? strrchr(b->src_name, '/') : NULL;
    hf_strbuf_printf(out, "@%s:%lld", slash ? slash + 1 : "?",
                     (long long)b->origin[r]);
}

struct run_result {
    struct ct_rows rows;
    struct hf_error err;
    int rc; /* last read() result */
    uint64_t skipped, rows_in, nulled, bytes_in;
};

static void run_source(const struct hf_table_def *t, uint32_t batch_rows,
                       struct run_result *res)
{
    memset(res, 0, sizeof *res);
    hf_error_clear(&res->err);
    struct hf_table_stats stats;
    memset(&stats, 0, sizeof stats);
    atomic_int stop = 0;
    struct hf_run_ctx ctx = {.stats = &stats,
                             .batch_rows = batch_rows,
                             .stopping = &stop,
                             .batch_mode = true};
    void *st = NULL;
    res->rc = fsc()->source_open(t, &ctx, &st, &res->err);
    if (res->rc != 0)
        return;
    struct hf_batch *b = hf_batch_new(t->schema.ncols, batch_rows);
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    for (;;) {
        hf_batch_reset(b);
        res->rc = fsc()->source_read(st, b, &res->err);
        if (res->rc < 0)
            break;
        for (uint32_t r = 0; r < b->nrows; r++) {
            hf_strbuf_reset(&sb);
            row_text(t, b, r, &sb);
            ct_rows_add(&res->rows, sb.data);
        }
        if (res->rc == 0)
            break;
        assert_true(b->nrows > 0); /* a bounded reader never idles */
    }
    res->skipped = atomic_load(&stats.skipped);
    res->nulled = atomic_load(&stats.nulled);
    res->rows_in = atomic_load(&stats.rows_in);
    res->bytes_in = atomic_load(&stats.bytes_in);
    hf_strbuf_free(&sb);
    hf_batch_destroy(b);
    fsc()->source_close(st);
}

static void expect_rows(const struct run_result *res, const char *const *want)
{
    size_t n = 0;
    while (want[n] != NULL)
        n++;
    for (size_t i = 0; i < res->rows.n && i < n; i++)
        assert_string_equal(res->rows.lines[i], want[i]);
    assert_int_equal(res->rows.n, n);
}

static void mk(struct ct_table *t, const struct ct_col *cols, uint32_t ncols,
               const char *const *part, const char *const *kv,
               const struct hf_format *f)
{
    struct hf_error err;
    if (ct_table_init(t, "src", fsc(), cols, ncols, part, kv, f, &err) != 0)
        fail_msg("options: %s", err.msg);
    hf_error_clear(&err);
    if (fsc()->validate(&t->def, &err) != 0)
        fail_msg("validate: %s", err.msg);
}

/* ------------------------------------------------------------------ lines */

static void test_csv_lines(void **state)
{
    (void)state;
    char *dir = ct_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/fruit.csv", dir);
    write_text(dir, "fruit.csv",
               "1,apple,2.50\r\n2,pear,3\n\n3,\"fig, dried\",0.1");
    struct ct_col cols[] = {{"id", ct_type(HF_INT)},
                            {"name", ct_type(HF_VARCHAR)},
                            {"price", ct_decimal(10, 2)}};
    const char *kv[] = {"connector", "filesystem", "path", path,
                        "format",    "csv",        NULL};
    struct ct_table t;
    mk(&t, cols, 3, NULL, kv, fmt("csv"));
    assert_true(fsc()->bounded(&t.def));
    struct run_result res;
    run_source(&t.def, 2, &res);
    assert_int_equal(res.rc, 0);
    const char *want[] = {"+I|1|apple|2.50@fruit.csv:1",
                          "+I|2|pear|3.00@fruit.csv:2",
                          "+I|3|fig, dried|0.10@fruit.csv:4", NULL};
    expect_rows(&res, want);
    assert_int_equal(res.rows_in, 3);
    ct_rows_free(&res.rows);
    ct_table_free(&t);

    /* The same through a file:// URI. */
    char uri[600];
    snprintf(uri, sizeof uri, "file://%s", path);
    const char *kv2[] = {"path", uri, "format", "csv", NULL};
    mk(&t, cols, 3, NULL, kv2, fmt("csv"));
    run_source(&t.def, 100, &res);
    assert_int_equal(res.rc, 0);
    expect_rows(&res, want);
    ct_rows_free(&res.rows);
    ct_table_free(&t);
    ct_rm_rf(dir);
    free(dir);
}

static void test_long_line_and_gzip(void **state)
{
    (void)state;
    char *dir = ct_tmpdir();
    /* A 1 MiB value, longer than the read chunk. */
    size_t big = 1u << 20;
    char *text = malloc(big + 64);
    size_t o = (size_t)snprintf(text, 64, "{\"id\":1,\"s\":\"");
    memset(text + o, 'x', big);
    o += big;
    o += (size_t)snprintf(text + o, 64, "\"}\n{\"id\":2,\"s\":\"y\"}\n");
    write_file(dir, "a.json", text, o);
    write_gzip(
        dir, "b.json.gz",
        "{\"id\":3,\"s\":\"gz\"}\r\n{\"id\":4}\n{\"id\":5,\"s\":\"last\"}");
    struct ct_col cols[] = {{"id", ct_type(HF_INT)},
                            {"s", ct_type(HF_VARCHAR)}};
    const char *kv[] = {"path", dir, "format", "json", NULL};
    struct ct_table t;
    mk(&t, cols, 2, NULL, kv, fmt("json"));
    struct run_result res;
    run_source(&t.def, 1000, &res);
    assert_int_equal(res.rc, 0);
    assert_int_equal(res.rows.n, 5);
    /* Row 1: check the long value's length rather than printing it. */
    assert_int_equal(strlen(res.rows.lines[0]),
                     strlen("+I|1|") + big + strlen("@a.json:1"));
    assert_int_equal(strncmp(res.rows.lines[0], "+I|1|xxx", 8), 0);
    assert_string_equal(res.rows.lines[1], "+I|2|y@a.json:2");
    assert_string_equal(res.rows.lines[2], "+I|3|gz@b.json.gz:1");
    assert_string_equal(res.rows.lines[3], "+I|4|<null>@b.json.gz:2");
    assert_string_equal(res.rows.lines[4], "+I|5|last@b.json.gz:3");
    ct_rows_free(&res.rows);
    ct_table_free(&t);
    free(text);
    ct_rm_rf(dir);
    free(dir);
}

/* ------------------------------------------------------------------ csv
 * records across lines */

static void test_csv_records_across_lines(void **state)
{
    (void)state;
    char *dir = ct_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/multi.csv", dir);
    write_text(dir, "multi.csv",
               "1,\"two\r\nlines\",1.5\r\n"
               "2,\"say \"\"hi\"\"\nnow\",2\r\n"
               "3,plain,3\r\n"
               "4,\"\n\n\",4");
    struct ct_col cols[] = {{"id", ct_type(HF_INT)},
                            {"name", ct_type(HF_VARCHAR)},
                            {"price", ct_decimal(10, 2)}};
    const char *kv[] = {"path", path, "format", "csv", NULL};
    struct ct_table t;
    mk(&t, cols, 3, NULL, kv, fmt("csv"));
    struct run_result res;
    run_source(&t.def, 2, &res);
    if (res.rc != 0)
        fail_msg("read: %s", res.err.msg);
    const char *want[] = {"+I|1|two\r\nlines|1.50@multi.csv:1",
                          "+I|2|say \"hi\"\nnow|2.00@multi.csv:3",
                          "+I|3|plain|3.00@multi.csv:5",
                          "+I|4|\n\n|4.00@multi.csv:6", NULL};
    expect_rows(&res, want);
    assert_int_equal(res.rows_in, 4);
    ct_rows_free(&res.rows);
    ct_table_free(&t);

    /* An escaped line break, outside and inside quotes. */
    write_text(dir, "multi.csv",
               "1,a\\\nb,1\n2,\"c\\\nd\\\"\",2\n3,e\\\r,3\r\n");
    const char *kve[] = {"path", path, "format", "csv", "csv.escape-character",
                         "\\",   NULL};
    mk(&t, cols, 3, NULL, kve, fmt("csv"));
    run_source(&t.def, 100, &res);
    if (res.rc != 0)
        fail_msg("read: %s", res.err.msg);
    const char *want_e[] = {"+I|1|a\nb|1.00@multi.csv:1",
                            "+I|2|c\nd\"|2.00@multi.csv:3",
                            "+I|3|e\r|3.00@multi.csv:5", NULL};
    expect_rows(&res, want_e);
    ct_rows_free(&res.rows);
    ct_table_free(&t);
    /* An escaped '\r' last on its line is data, not the line end's. */
    write_text(dir, "multi.csv", "1,e\\\r\n2,f\\\r\r\n3,g\r\n");
    mk(&t, cols, 2, NULL, kve, fmt("csv"));
    run_source(&t.def, 100, &res);
    if (res.rc != 0)
        fail_msg("read: %s", res.err.msg);
    const char *want_cr[] = {"+I|1|e\r@multi.csv:1", "+I|2|f\r@multi.csv:2",
                             "+I|3|g@multi.csv:3", NULL};
    expect_rows(&res, want_cr);
    ct_rows_free(&res.rows);
    ct_table_free(&t);

    /* A bad value on the third line of a record of lines 2-4. */
    write_text(dir, "multi.csv", "1,a,1\n2,\"b\nc\nd\",x\n3,e,3\n");
    mk(&t, cols, 3, NULL, kv, fmt("csv"));
    run_source(&t.def, 100, &res);
    assert_int_equal(res.rc, -1);
    char msg[1024];
    snprintf(msg, sizeof msg,
             "%s:2: in the record on lines 2-4, at line 4: column 'price': "
             "cannot parse 'x' as DECIMAL(10, 2)",
             path);
    assert_string_equal(res.err.msg, msg);
    ct_rows_free(&res.rows);

    /* With ignore-parse-errors the whole record is read and its bad field
     * is NULL (Flink's meaning); with .skip-record it is skipped. Either
     * way the next row is numbered by its own line. */
    const char *kvi[] = {
        "path", path, "format", "csv", "csv.ignore-parse-errors", "true", NULL};
    ct_table_free(&t);
    mk(&t, cols, 3, NULL, kvi, fmt("csv"));
    run_source(&t.def, 100, &res);
    assert_int_equal(res.rc, 0);
    const char *want_i[] = {"+I|1|a|1.00@multi.csv:1",
                            "+I|2|b\nc\nd|<null>@multi.csv:2",
                            "+I|3|e|3.00@multi.csv:5", NULL};
    expect_rows(&res, want_i);
    assert_int_equal(res.skipped, 0);
    assert_int_equal(res.nulled, 1);
    ct_rows_free(&res.rows);
    ct_table_free(&t);
    const char *kvs[] = {"path",
                         path,
                         "format",
                         "csv",
                         "csv.ignore-parse-errors",
                         "true",
                         "csv.ignore-parse-errors.skip-record",
                         "true",
                         NULL};
    mk(&t, cols, 3, NULL, kvs, fmt("csv"));
    run_source(&t.def, 100, &res);
    assert_int_equal(res.rc, 0);
    const char *want_s[] = {"+I|1|a|1.00@multi.csv:1",
                            "+I|3|e|3.00@multi.csv:5", NULL};
    expect_rows(&res, want_s);
    assert_int_equal(res.skipped, 1);
    ct_rows_free(&res.rows);
    ct_table_free(&t);

    /* A quote never closed: the record runs to the end of the file and
     * fails there, naming the line of the quote. */
    write_text(dir, "multi.csv", "1,a,1\n2,b\\\n3,\"c,3\n4,d,4\n");
    mk(&t, cols, 3, NULL, kve, fmt("csv"));
    run_source(&t.def, 100, &res);
    assert_int_equal(res.rc, -1);
    snprintf(msg, sizeof msg,
             "%s:2: in the record on lines 2-4 (the end of the file), at line "
             "3: column 'price': unterminated quoted value: the record ends "
             "before its closing quote",
             path);
    assert_string_equal(res.err.msg, msg);
    ct_rows_free(&res.rows);
    ct_table_free(&t);

    /* A record longer than 'source.record.max-size' (here a quote left
     * open before 3000 more lines) fails at the limit. */
    struct hf_strbuf big;
    hf_strbuf_init(&big, 0);
    hf_strbuf_puts(&big, "1,a,1\n2,\"b,2\n");
    for (int i = 0; i < 3000; i++)
        hf_strbuf_printf(&big, "%d,x,1\n", i);
    write_text(dir, "multi.csv", big.data);
    const char *kvl[] = {
        "path", path, "format", "csv", "source.record.max-size", "4kb", NULL};
    mk(&t, cols, 3, NULL, kvl, fmt("csv"));
    run_source(&t.def, 100, &res);
    assert_int_equal(res.rc, -1);
    snprintf(msg, sizeof msg,
             "%s:2: the record starting on line 2 is longer than 4 KiB "
             "('source.record.max-size') and still has no end on line ",
             path);
    if (strncmp(res.err.msg, msg, strlen(msg)) != 0 ||
        strstr(res.err.msg, "; it is inside a quoted value opened on line 2 "
                            "and not closed") == NULL)
        fail_msg("message: %s", res.err.msg);
    /* It stopped near 4 KiB (about 550 lines in), not at the end of the
     * file (line 3002). */
    long stopped = strtol(res.err.msg + strlen(msg), NULL, 10);
    if (stopped < 100 || stopped > 1000)
        fail_msg("stopped on line %ld: %s", stopped, res.err.msg);
    assert_int_equal(res.rows.n, 0); /* the batch with row 1 failed */
    ct_rows_free(&res.rows);
    ct_table_free(&t);
    /* The default (64 MiB) reads it to its end. */
    mk(&t, cols, 3, NULL, kv, fmt("csv"));
    assert_int_equal(hf_opts_int(&t.def.opts, "source.record.max-size", NULL),
                     64 << 20);
    run_source(&t.def, 100, &res);
    assert_int_equal(res.rc, -1);
    assert_non_null(strstr(res.err.msg, "unterminated quoted value"));
    ct_rows_free(&res.rows);
    ct_table_free(&t);
    hf_strbuf_free(&big);

    ct_rm_rf(dir);
    free(dir);
}

/* ------------------------------------------------------------------ partitions
 */

static void test_partitions(void **state)
{
    (void)state;
    char *dir = ct_tmpdir();
    write_text(dir, "dt=2024-01-02/hr=__DEFAULT_PARTITION__/part-0.csv",
               "3,c\n");
    write_text(dir, "dt=2024-01-01/hr=10/part-0.csv", "1,a\n2,b\n");
    write_text(dir, "dt=2024-01-01/hr=9/part-0.csv", "0,z\n");
    write_text(dir, "dt=2024-01-02/part-1.csv", "4,d\n");
    write_text(dir, "dt=2024-01-01/hr=10/.part-1.inprogress", "bad\n");
    write_text(dir, "dt=2024-01-01/hr=10/_SUCCESS", "");
    write_text(dir, "_temporary/x.csv", "bad\n");
    write_text(dir, ".hidden/x.csv", "bad\n");
    write_text(dir, "top.csv", "5,e\n");
    struct ct_col cols[] = {
        {"id", ct_type(HF_INT)},
        {"name", ct_type(HF_VARCHAR)},
        {"dt", ct_type(HF_DATE)},
        {"hr", ct_type(HF_INT)},
        {"fname", ct_type(HF_VARCHAR), HF_COL_METADATA, "file.name"},
        {"fsize", ct_type(HF_BIGINT), HF_COL_METADATA, "file.size"},
    };
    const char *part[] = {"dt", "hr", NULL};
    const char *kv[] = {"path", dir, "format", "csv", NULL};
    struct ct_table t;
    mk(&t, cols, 6, part, kv, fmt("csv"));
    struct run_result res;
    run_source(&t.def, 100, &res);
    if (res.rc != 0)
        fail_msg("read: %s", res.err.msg);
    /* Sorted by path; each file in its own batch. */
    const char *want[] = {"+I|1|a|2024-01-01|10|part-0.csv|8@part-0.csv:1",
                          "+I|2|b|2024-01-01|10|part-0.csv|8@part-0.csv:2",
                          "+I|0|z|2024-01-01|9|part-0.csv|4@part-0.csv:1",
                          "+I|3|c|2024-01-02|<null>|part-0.csv|4@part-0.csv:1",
                          "+I|4|d|2024-01-02|<null>|part-1.csv|4@part-1.csv:1",
                          "+I|5|e|<null>|<null>|top.csv|4@top.csv:1",
                          NULL};
    expect_rows(&res, want);
    ct_rows_free(&res.rows);
    ct_table_free(&t);

    /* A custom default name, and %XX escapes in a STRING partition. */
    char *dir2 = ct_tmpdir();
    write_text(dir2, "city=New%20York%3A1/f.csv", "1\n");
    write_text(dir2, "city=NONE/f.csv", "2\n");
    struct ct_col cols2[] = {
        {"id", ct_type(HF_INT)},
        {"city", ct_type(HF_VARCHAR)},
        {"p", ct_type(HF_VARCHAR), HF_COL_METADATA, "file.path"}};
    const char *part2[] = {"city", NULL};
    const char *kv2[] = {
        "path", dir2, "format", "csv", "partition.default-name", "NONE", NULL};
    mk(&t, cols2, 3, part2, kv2, fmt("csv"));
    run_source(&t.def, 100, &res);
    assert_int_equal(res.rc, 0);
    char w0[1024], w1[1024];
    snprintf(w0, sizeof w0, "+I|2|<null>|%s/city=NONE/f.csv@f.csv:1", dir2);
    snprintf(w1, sizeof w1,
             "+I|1|New York:1|%s/city=New%%20York%%3A1/f.csv@f.csv:1", dir2);
    const char *want2[] = {w0, w1, NULL};
    expect_rows(&res, want2);
    ct_rows_free(&res.rows);
    ct_table_free(&t);

    /* A partition value that is not of the column's type. */
    char *dir3 = ct_tmpdir();
    write_text(dir3, "hr=ten/f.csv", "1\n");
    struct ct_col cols3[] = {{"id", ct_type(HF_INT)}, {"hr", ct_type(HF_INT)}};
    const char *part3[] = {"hr", NULL};
    const char *kv3[] = {"path", dir3, "format", "csv", NULL};
    mk(&t, cols3, 2, part3, kv3, fmt("csv"));
    run_source(&t.def, 100, &res);
    assert_int_equal(res.rc, -1);
    if (strstr(res.err.msg, "hr=ten: partition column 'hr' = 'ten'") == NULL)
        fail_msg("message: %s", res.err.msg);
    ct_rows_free(&res.rows);
    ct_table_free(&t);

    ct_rm_rf(dir);
    ct_rm_rf(dir2);
    ct_rm_rf(dir3);
    free(dir);
    free(dir2);
    free(dir3);
}

static int cmp_line(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Partition values and the read counts when a file spans batches, a
 * batch's read passes an empty file, and reader threads fill batches of
 * their own: the values are copied once a batch (shared by its rows) and
 * the counts added once a batch. A string column is decoded into the same
 * arena, so a value copy kept from an earlier batch (its arena reset)
 * would show another row's text. */
static void test_partition_batches(void **state)
{
    (void)state;
    char *dir = ct_tmpdir();
    write_text(dir, "p=a/f.csv", "");
    write_text(dir, "p=b/f.csv", "1,s1\n2,s2\n3,s3\n4,s4\n5,s5\n");
    write_text(dir, "p=c/f.csv", "6,s6\n7,s7\n");
    write_text(dir, "p=d%3Ax/f.csv", "8,s8\n");
    struct ct_col cols[] = {{"id", ct_type(HF_INT)},
                            {"s", ct_type(HF_VARCHAR)},
                            {"p", ct_type(HF_VARCHAR)}};
    const char *part[] = {"p", NULL};
    const char *want[] = {
        "+I|1|s1|b@f.csv:1", "+I|2|s2|b@f.csv:2",   "+I|3|s3|b@f.csv:3",
        "+I|4|s4|b@f.csv:4", "+I|5|s5|b@f.csv:5",   "+I|6|s6|c@f.csv:1",
        "+I|7|s7|c@f.csv:2", "+I|8|s8|d:x@f.csv:1", NULL};
    for (int threads = 1; threads <= 3; threads += 2) {
        char th[8];
        snprintf(th, sizeof th, "%d", threads);
        const char *kv[] = {
            "path", dir, "format", "csv", "source.reader-threads", th, NULL};
        struct ct_table t;
        mk(&t, cols, 3, part, kv, fmt("csv"));
        struct run_result res;
        run_source(&t.def, 2, &res);
        if (res.rc != 0)
            fail_msg("read: %s", res.err.msg);
        /* files interleave with reader threads: compare sorted */
        qsort(res.rows.lines, res.rows.n, sizeof *res.rows.lines, cmp_line);
        expect_rows(&res, want);
        assert_int_equal(res.rows_in, 8);
        assert_int_equal(res.bytes_in, 40);
        ct_rows_free(&res.rows);
        ct_table_free(&t);
    }
    ct_rm_rf(dir);
    free(dir);
}

/* ------------------------------------------------------------------ errors */

static void test_errors_and_skips(void **state)
{
    (void)state;
    char *dir = ct_tmpdir();
    write_text(dir, "items.json",
               "{\"id\":1,\"price\":1.5}\n"
               "{\"id\":2,\"price\":\"cheap\"}\n"
               "{\"id\":3,\"price\":2}\n");
    struct ct_col cols[] = {{"id", ct_type(HF_INT)},
                            {"price", ct_decimal(10, 2)}};
    const char *kv[] = {"path", dir, "format", "json", NULL};
    struct ct_table t;
    mk(&t, cols, 2, NULL, kv, fmt("json"));
    struct run_result res;
    run_source(&t.def, 100, &res);
    assert_int_equal(res.rc, -1);
    char want[600];
    snprintf(want, sizeof want, "%s/items.json:2: ", dir);
    if (strncmp(res.err.msg, want, strlen(want)) != 0)
        fail_msg("message '%s' does not start with '%s'", res.err.msg, want);
    assert_non_null(strstr(res.err.msg, "price"));
    ct_rows_free(&res.rows);
    ct_table_free(&t);

    /* With ignore-parse-errors (Flink's meaning) the bad field is NULL and
     * its row is kept; nothing is skipped. */
    const char *kv2[] = {
        "path", dir, "format", "json", "json.ignore-parse-errors",
        "true", NULL};
    mk(&t, cols, 2, NULL, kv2, fmt("json"));
    run_source(&t.def, 100, &res);
    assert_int_equal(res.rc, 0);
    const char *rows[] = {"+I|1|1.50@items.json:1", "+I|2|<null>@items.json:2",
                          "+I|3|2.00@items.json:3", NULL};
    expect_rows(&res, rows);
    assert_int_equal(res.skipped, 0);
    ct_rows_free(&res.rows);
    ct_table_free(&t);

    /* A path that does not exist: open fails naming it. */
    char missing[600];
    snprintf(missing, sizeof missing, "%s/nope", dir);
    const char *kv3[] = {"path", missing, "format", "json", NULL};
    mk(&t, cols, 2, NULL, kv3, fmt("json"));
    run_source(&t.def, 100, &res);
    assert_int_equal(res.rc, -1);
    assert_non_null(strstr(res.err.msg, missing));
    assert_non_null(strstr(res.err.msg, "No such file"));
    ct_table_free(&t);

    /* An empty directory is an empty table. */
    char *empty = ct_tmpdir();
    const char *kv4[] = {"path", empty, "format", "json", NULL};
    mk(&t, cols, 2, NULL, kv4, fmt("json"));
    run_source(&t.def, 100, &res);
    assert_int_equal(res.rc, 0);
    assert_int_equal(res.rows.n, 0);
    ct_table_free(&t);

    ct_rm_rf(dir);
    ct_rm_rf(empty);
    free(dir);
    free(empty);
}

/* ------------------------------------------------------------------ partial */

static void test_scan_links(void **state)
{
    (void)state;
    struct ct_col cols[] = {{"id", ct_type(HF_INT)}};
    char *dir = ct_tmpdir();
    char path[600], link[700];
    write_text(dir, "a.csv", "1\n");
    write_text(dir, "b.csv", "2\n");
    /* Hidden entries are not looked at: a dangling ".#lock" or "_tmp" link
     * (editors and writers leave them) is no error. */
    snprintf(link, sizeof link, "%s/.#lock", dir);
    assert_int_equal(symlink("/nonexistent/hf-target", link), 0);
    snprintf(link, sizeof link, "%s/_tmp", dir);
    assert_int_equal(symlink("_tmp", link), 0);
    const char *kv[] = {"path", dir, "format", "csv", NULL};
    struct ct_table t;
    mk(&t, cols, 1, NULL, kv, fmt("csv"));
    struct run_result res;
    run_source(&t.def, 100, &res);
    if (res.rc != 0)
        fail_msg("read: %s", res.err.msg);
    const char *want[] = {"+I|1@a.csv:1", "+I|2@b.csv:1", NULL};
    expect_rows(&res, want);
    ct_rows_free(&res.rows);

    /* A visible dangling link sorted after a good file: the open fails
     * naming it, and no row of a.csv is read. */
    snprintf(link, sizeof link, "%s/c.csv", dir);
    assert_int_equal(symlink("gone.csv", link), 0);
    run_source(&t.def, 100, &res);
    assert_int_equal(res.rc, -1);
    assert_int_equal(res.rows.n, 0);
    if (strstr(res.err.msg, link) == NULL ||
        strstr(res.err.msg, "symbolic link") == NULL ||
        strstr(res.err.msg, strerror(ENOENT)) == NULL)
        fail_msg("message: %s", res.err.msg);
    ct_rows_free(&res.rows);
    assert_int_equal(unlink(link), 0);

    /* A link to itself (ln -s loop loop), in a subdirectory. */
    write_text(dir, "d/x.csv", "3\n");
    snprintf(link, sizeof link, "%s/d/loop", dir);
    assert_int_equal(symlink("loop", link), 0);
    run_source(&t.def, 100, &res);
    assert_int_equal(res.rc, -1);
    assert_int_equal(res.rows.n, 0);
    if (strstr(res.err.msg, link) == NULL ||
        strstr(res.err.msg, strerror(ELOOP)) == NULL)
        fail_msg("message: %s", res.err.msg);
    ct_rows_free(&res.rows);
    ct_table_free(&t);

    /* The same dangling link given as the path itself. */
    snprintf(path, sizeof path, "%s/d/loop", dir);
    const char *kv2[] = {"path", path, "format", "csv", NULL};
    mk(&t, cols, 1, NULL, kv2, fmt("csv"));
    run_source(&t.def, 100, &res);
    assert_int_equal(res.rc, -1);
    if (strstr(res.err.msg, path) == NULL ||
        strstr(res.err.msg, strerror(ELOOP)) == NULL)
        fail_msg("message: %s", res.err.msg);
    ct_table_free(&t);
    ct_rm_rf(dir);
    free(dir);
}

/* What a source run in another process reports. */
struct verdict {
    int rc;
    size_t nrows;
    char msg[HF_ERRMSG_MAX];
};

/* Open and read `t` to the end without cmocka (it may run in a child). */
static void read_all(const struct hf_table_def *t, struct verdict *v)
{
    memset(v, 0, sizeof *v);
    struct hf_error err;
    hf_error_clear(&err);
    struct hf_table_stats stats;
    memset(&stats, 0, sizeof stats);
    atomic_int stop = 0;
    struct hf_run_ctx ctx = {
        .stats = &stats, .batch_rows = 100, .stopping = &stop};
    const struct hf_connector *c = hf_connector_find("filesystem");
    void *st = NULL;
    v->rc = c->source_open(t, &ctx, &st, &err);
    if (v->rc == 0) {
        struct hf_batch *b = hf_batch_new(t->schema.ncols, 100);
        do {
            hf_batch_reset(b);
            v->rc = c->source_read(st, b, &err);
            v->nrows += b->nrows;
        } while (v->rc > 0);
        hf_batch_destroy(b);
        c->source_close(st);
    }
    snprintf(v->msg, sizeof v->msg, "%s", err.msg);
}

/* Read `t` as a user that file permissions stop: this process when it is
 * not root, else a child that drops to nobody (uid/gid 65534). */
static void read_unprivileged(const struct hf_table_def *t, struct verdict *v)
{
    if (geteuid() != 0) {
        read_all(t, v);
        return;
    }
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        struct verdict cv;
        if (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0)
            _exit(3);
        read_all(t, &cv);
        ssize_t w = write(fds[1], &cv, sizeof cv);
        _exit(w == (ssize_t)sizeof cv ? 0 : 4);
    }
    close(fds[1]);
    size_t got = 0;
    while (got < sizeof *v) {
        ssize_t n = read(fds[0], (char *)v + got, sizeof *v - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fds[0]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || got != sizeof *v)
        fail_msg("the unprivileged child failed (status %d)", status);
}

static void chmod_or_fail(const char *dir, const char *rel, mode_t mode)
{
    char path[1024];
    snprintf(path, sizeof path, "%s%s%s", dir, rel[0] ? "/" : "", rel);
    if (chmod(path, mode) != 0)
        fail_msg("chmod %s: %s", path, strerror(errno));
}

static void expect_verdict(const struct verdict *v, const char *dir,
                           const char *rel, const char *errtext)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    if (v->rc != -1 || v->nrows != 0 || strstr(v->msg, path) == NULL ||
        strstr(v->msg, errtext) == NULL)
        fail_msg("want rc -1, no rows and '%s: ...%s' in the message; got rc "
                 "%d, %zu rows, '%s'",
                 path, errtext, v->rc, v->nrows, v->msg);
}

static void test_scan_permissions(void **state)
{
    (void)state;
    if (geteuid() == 0)
        printf("  (running as root: the permission cases run in a child "
               "process as nobody)\n");
    struct ct_col cols[] = {{"id", ct_type(HF_INT)}};
    char *dir = ct_tmpdir();
    /* nobody must reach the tree: directories 0755, files 0644. */
    write_text(dir, "a/1.csv", "1\n");
    write_text(dir, "a/2.csv", "2\n");
    write_text(dir, "b/1.csv", "1\n");
    write_text(dir, "b/sub/2.csv", "2\n");
    write_text(dir, "c/1.csv", "1\n");
    write_text(dir, "c/sub/2.csv", "2\n");
    chmod_or_fail(dir, "", 0755);
    chmod_or_fail(dir, "a", 0755);
    chmod_or_fail(dir, "b", 0755);
    chmod_or_fail(dir, "c", 0755);
    const char *perm = strerror(EACCES);
    char path[600];
    struct ct_table t;
    struct verdict v;

    /* An unreadable file after a readable one: the open fails before any
     * row of a/1.csv is read. */
    chmod_or_fail(dir, "a/2.csv", 0);
    snprintf(path, sizeof path, "%s/a", dir);
    const char *kva[] = {"path", path, "format", "csv", NULL};
    mk(&t, cols, 1, NULL, kva, fmt("csv"));
    read_unprivileged(&t.def, &v);
    expect_verdict(&v, dir, "a/2.csv", perm);
    ct_table_free(&t);

    /* A subdirectory that can be listed but not searched: its entries
     * cannot be stat()ed. */
    chmod_or_fail(dir, "b/sub", 0644);
    snprintf(path, sizeof path, "%s/b", dir);
    const char *kvb[] = {"path", path, "format", "csv", NULL};
    mk(&t, cols, 1, NULL, kvb, fmt("csv"));
    read_unprivileged(&t.def, &v);
    expect_verdict(&v, dir, "b/sub/2.csv", perm);
    ct_table_free(&t);

    /* A subdirectory that cannot be listed. */
    chmod_or_fail(dir, "c/sub", 0311);
    snprintf(path, sizeof path, "%s/c", dir);
    const char *kvc[] = {"path", path, "format", "csv", NULL};
    mk(&t, cols, 1, NULL, kvc, fmt("csv"));
    read_unprivileged(&t.def, &v);
    expect_verdict(&v, dir, "c/sub", perm);
    ct_table_free(&t);

    /* So that rm -rf works for a user that is not root. */
    chmod_or_fail(dir, "b/sub", 0755);
    chmod_or_fail(dir, "c/sub", 0755);
    ct_rm_rf(dir);
    free(dir);
}

/* Numbered lines "1\n2\n...n\n" (malloc'd). */
static char *numbers(int n)
{
    size_t cap = (size_t)n * 12 + 1;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t o = 0;
    for (int i = 1; i <= n; i++)
        o += (size_t)snprintf(text + o, cap - o, "%d\n", i);
    text[o] = '\0';
    return text;
}

/* Write `data` as dir/rel, then read `dir` (ids as INT, csv) and expect the
 * open to fail naming dir/rel and `needle`, with no row read. */
static void expect_gz_fault(const char *dir, const char *rel,
                            const unsigned char *data, size_t len,
                            const char *needle)
{
    write_file(dir, rel, (const char *)data, len);
    struct ct_col cols[] = {{"id", ct_type(HF_INT)}};
    const char *kv[] = {"path", dir, "format", "csv", NULL};
    struct ct_table t;
    mk(&t, cols, 1, NULL, kv, fmt("csv"));
    struct run_result res;
    run_source(&t.def, 100, &res);
    char path[1024];
    snprintf(path, sizeof path, "%s/%s: ", dir, rel);
    if (res.rc != -1 || res.rows.n != 0 || strstr(res.err.msg, path) == NULL ||
        strstr(res.err.msg, needle) == NULL)
        fail_msg("%s: want no rows and '%s...%s'; got rc %d, %zu rows, '%s'",
                 rel, path, needle, res.rc, res.rows.n, res.err.msg);
    ct_rows_free(&res.rows);
    ct_table_free(&t);
    char full[1024];
    snprintf(full, sizeof full, "%s/%s", dir, rel);
    assert_int_equal(unlink(full), 0);
}

static void test_gzip_faults(void **state)
{
    (void)state;
    size_t cap = 1u << 20, len = 0;
    unsigned char *gz = malloc(cap);
    char *text = numbers(20000);
    size_t member = gzip_member(text, gz, &len, cap);
    char *dir = ct_tmpdir();
    /* A good plain file sorted first: its rows must not be read either. */
    write_text(dir, "a.csv", "0\n");

    /* Cut in the compressed data, and cut only the 8-byte trailer. */
    expect_gz_fault(dir, "b.csv.gz", gz, member / 2, "truncated gzip file");
    expect_gz_fault(dir, "b.csv.gz", gz, member - 8, "truncated gzip file");
    expect_gz_fault(dir, "b.csv.gz", gz, 0, "truncated gzip file");
    /* Trailer bytes that do not match: CRC32, then ISIZE. */
    gz[member - 8] ^= 0xff;
    expect_gz_fault(dir, "b.csv.gz", gz, member, "bad CRC");
    gz[member - 8] ^= 0xff;
    gz[member - 1] ^= 0x01;
    expect_gz_fault(dir, "b.csv.gz", gz, member, "bad length");
    gz[member - 1] ^= 0x01;
    /* After the member: text, zero padding, half a magic number. */
    memcpy(gz + member, "junk", 4);
    expect_gz_fault(dir, "b.csv.gz", gz, member + 4, "trailing garbage");
    memset(gz + member, 0, 512);
    expect_gz_fault(dir, "b.csv.gz", gz, member + 512, "trailing garbage");
    gz[member] = 0x1f;
    expect_gz_fault(dir, "b.csv.gz", gz, member + 1, "trailing garbage");
    /* Plain text under a .gz name (gzread passed it through). */
    expect_gz_fault(dir, "b.csv.gz", (const unsigned char *)"1\n2\n", 4,
                    "not in gzip format");
    /* A second member cut short. */
    len = member;
    size_t m2 = gzip_member("20001\n", gz, &len, cap);
    expect_gz_fault(dir, "b.csv.gz", gz, len - m2 / 2, "inside gzip member 2");

    /* Members back to back (cat a.gz b.gz), an empty one among them, are
     * read whole, and with .gzip too. */
    len = member;
    gzip_member("", gz, &len, cap);
    gzip_member("20001\n20002", gz, &len, cap);
    write_file(dir, "b.csv.gzip", (const char *)gz, len);
    struct ct_col cols[] = {{"id", ct_type(HF_INT)}};
    const char *kv[] = {"path", dir, "format", "csv", NULL};
    struct ct_table t;
    mk(&t, cols, 1, NULL, kv, fmt("csv"));
    struct run_result res;
    run_source(&t.def, 1000, &res);
    if (res.rc != 0)
        fail_msg("read: %s", res.err.msg);
    assert_int_equal(res.rows.n, 1 + 20002);
    assert_string_equal(res.rows.lines[1], "+I|1@b.csv.gzip:1");
    assert_string_equal(res.rows.lines[20000], "+I|20000@b.csv.gzip:20000");
    assert_string_equal(res.rows.lines[20002], "+I|20002@b.csv.gzip:20002");
    ct_rows_free(&res.rows);
    ct_table_free(&t);

    /* The reader itself, one byte at a time: member boundaries fall
     * between calls and the bytes are exactly the concatenated texts. */
    char path[1024];
    snprintf(path, sizeof path, "%s/b.csv.gzip", dir);
    struct hf_error err;
    hf_error_clear(&err);
    struct hf_fs_gz *g = hf_fs_gz_new(open(path, O_RDONLY), path, &err);
    assert_non_null(g);
    size_t tlen = strlen(text), o = 0;
    char *back = malloc(tlen + 64);
    ssize_t n;
    while ((n = hf_fs_gz_read(g, back + o, 1, &err)) == 1 && o < tlen + 63)
        o++;
    assert_int_equal(n, 0);
    assert_int_equal(o, tlen + strlen("20001\n20002"));
    assert_memory_equal(back, text, tlen);
    assert_memory_equal(back + tlen, "20001\n20002", 11);
    assert_int_equal(hf_fs_gz_read(g, back, 1, &err), 0);
    hf_fs_gz_destroy(g);
    hf_fs_gz_destroy(NULL);

    free(back);
    free(text);
    free(gz);
    ct_rm_rf(dir);
    free(dir);
}

/* A gzip file that passed the check at open and is cut before it is read
 * fails the read; the rows before the cut were already returned. */
static void test_gzip_changed_after_open(void **state)
{
    (void)state;
    size_t cap = 1u << 20, len = 0;
    unsigned char *gz = malloc(cap);
    char *text = numbers(200000);
    size_t member = gzip_member(text, gz, &len, cap);
    char *dir = ct_tmpdir();
    write_file(dir, "a.csv.gz", (const char *)gz, member);
    struct ct_col cols[] = {{"id", ct_type(HF_INT)}};
    const char *kv[] = {"path", dir, "format", "csv", NULL};
    struct ct_table t;
    mk(&t, cols, 1, NULL, kv, fmt("csv"));
    struct hf_table_stats stats;
    memset(&stats, 0, sizeof stats);
    atomic_int stop = 0;
    struct hf_run_ctx ctx = {
        .stats = &stats, .batch_rows = 100, .stopping = &stop};
    struct hf_error err;
    hf_error_clear(&err);
    void *st = NULL;
    assert_int_equal(fsc()->source_open(&t.def, &ctx, &st, &err), 0);
    write_file(dir, "a.csv.gz", (const char *)gz, member * 3 / 4);
    struct hf_batch *b = hf_batch_new(1, 100);
    int rc;
    size_t rows = 0;
    do {
        hf_batch_reset(b);
        rc = fsc()->source_read(st, b, &err);
        rows += rc > 0 ? b->nrows : 0;
    } while (rc > 0);
    assert_int_equal(rc, -1);
    assert_true(rows > 0 && rows < 200000);
    if (strstr(err.msg, "a.csv.gz: truncated gzip file") == NULL)
        fail_msg("message: %s", err.msg);
    hf_batch_destroy(b);
    fsc()->source_close(st);
    ct_table_free(&t);
    free(text);
    free(gz);
    ct_rm_rf(dir);
    free(dir);
}

/* ------------------------------------------------------------------ BOM */

#define BOM "\xEF\xBB\xBF"

static void test_bom(void **state)
{
    (void)state;
    char *dir = ct_tmpdir();
    write_text(dir, "a.csv", BOM "apple,1\n" BOM "pear,2\n");
    write_text(dir, "b.csv", BOM "\n" BOM); /* a BOM line, then data */
    write_text(dir, "c.csv", BOM);          /* nothing but a BOM */
    /* Not a whole BOM: data ("\xBB" "f" apart, or the escape eats the f). */
    write_text(dir, "d.csv",
               "\xEF\xBB"
               "fig,4\n");
    write_gzip(dir, "e.csv.gz", BOM "kiwi,5\n");
    struct ct_col cols[] = {{"name", ct_type(HF_VARCHAR)},
                            {"n", ct_type(HF_INT)}};
    const char *kv[] = {"path", dir, "format", "csv", NULL};
    struct ct_table t;
    mk(&t, cols, 2, NULL, kv, fmt("csv"));
    struct run_result res;
    run_source(&t.def, 100, &res);
    /* b.csv line 2 is a lone BOM: one field where two are expected. */
    assert_int_equal(res.rc, -1);
    if (strstr(res.err.msg, "b.csv:2: ") == NULL)
        fail_msg("message: %s", res.err.msg);
    const char *want_a[] = {"+I|apple|1@a.csv:1", "+I|" BOM "pear|2@a.csv:2",
                            NULL};
    expect_rows(&res, want_a);
    ct_rows_free(&res.rows);
    char rm[1024];
    snprintf(rm, sizeof rm, "%s/b.csv", dir);
    assert_int_equal(unlink(rm), 0);
    run_source(&t.def, 100, &res);
    if (res.rc != 0)
        fail_msg("read: %s", res.err.msg);
    const char *want[] = {"+I|apple|1@a.csv:1", "+I|" BOM "pear|2@a.csv:2",
                          "+I|\xEF\xBB"
                          "fig|4@d.csv:1",
                          "+I|kiwi|5@e.csv.gz:1", NULL};
    expect_rows(&res, want);
    ct_rows_free(&res.rows);
    ct_table_free(&t);

    /* json: the BOM made the first record fail. */
    char *dir2 = ct_tmpdir();
    write_text(dir2, "a.json", BOM "{\"name\":\"x\",\"n\":1}\n");
    const char *kv2[] = {"path", dir2, "format", "json", NULL};
    mk(&t, cols, 2, NULL, kv2, fmt("json"));
    run_source(&t.def, 100, &res);
    if (res.rc != 0)
        fail_msg("read: %s", res.err.msg);
    const char *want2[] = {"+I|x|1@a.json:1", NULL};
    expect_rows(&res, want2);
    ct_rows_free(&res.rows);
    ct_table_free(&t);

    /* raw keeps the bytes as they are. */
    struct ct_col rcols[] = {{"line", ct_type(HF_VARCHAR)}};
    const char *kv3[] = {"path", dir2, "format", "raw", NULL};
    mk(&t, rcols, 1, NULL, kv3, fmt("raw"));
    run_source(&t.def, 100, &res);
    if (res.rc != 0)
        fail_msg("read: %s", res.err.msg);
    const char *want3[] = {"+I|" BOM "{\"name\":\"x\",\"n\":1}@a.json:1", NULL};
    expect_rows(&res, want3);
    ct_rows_free(&res.rows);
    ct_table_free(&t);

    ct_rm_rf(dir);
    ct_rm_rf(dir2);
    free(dir);
    free(dir2);
}

static void expect_invalid(const struct ct_col *cols, uint32_t n,
                           const char *const *kv, const struct hf_format *f,
                           const char *needle)
{
    struct ct_table t;
    struct hf_error err;
    int rc = ct_table_init(&t, "src", fsc(), cols, n, NULL, kv, f, &err);
    if (rc == 0) {
        hf_error_clear(&err);
        rc = fsc()->validate(&t.def, &err);
    }
    assert_int_equal(rc, -1);
    if (strstr(err.msg, needle) == NULL)
        fail_msg("message '%s' lacks '%s'", err.msg, needle);
    ct_table_free(&t);
}

static void test_validation(void **state)
{
    (void)state;
    struct ct_col cols[] = {{"id", ct_type(HF_INT)}};
    const char *kv1[] = {
        "path", "/tmp", "format", "csv", "source.monitor-interval",
        "10s",  NULL};
    expect_invalid(cols, 1, kv1, fmt("csv"), "'source.monitor-interval'");

    const char *kv2[] = {"path", "hdfs://nn/data", "format", "csv", NULL};
    expect_invalid(cols, 1, kv2, fmt("csv"), "not a local path");

    const char *kv3[] = {"format", "csv", NULL};
    expect_invalid(cols, 1, kv3, fmt("csv"), "path");

    struct ct_col mcols[] = {
        {"id", ct_type(HF_INT)},
        {"m", ct_type(HF_VARCHAR), HF_COL_METADATA, "file.owner"}};
    const char *kv4[] = {"path", "/tmp", "format", "csv", NULL};
    expect_invalid(mcols, 2, kv4, fmt("csv"), "metadata 'file.owner'");

    struct ct_col tcols[] = {
        {"id", ct_type(HF_INT)},
        {"sz", ct_type(HF_INT), HF_COL_METADATA, "file.size"}};
    expect_invalid(tcols, 2, kv4, fmt("csv"), "declare it BIGINT");

    /* Legacy option names. */
    struct ct_table t;
    const char *legacy[] = {"connector.path", "/tmp", "format.type", "csv",
                            NULL};
    mk(&t, cols, 1, NULL, legacy, fmt("csv"));
    assert_string_equal(hf_opts_str(&t.def.opts, "path", NULL), "/tmp");
    assert_string_equal(
        hf_opts_str(&t.def.opts, "partition.default-name", NULL),
        "__DEFAULT_PARTITION__");
    ct_table_free(&t);

    /* The record limit: 1kb to 1gb. */
    const char *kv5[] = {
        "path", "/tmp", "format", "csv", "source.record.max-size", "512", NULL};
    expect_invalid(cols, 1, kv5, fmt("csv"), "source.record.max-size");
    const char *kv6[] = {
        "path", "/tmp", "format", "csv", "source.record.max-size", "2gb", NULL};
    expect_invalid(cols, 1, kv6, fmt("csv"), "source.record.max-size");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_lines),
        cmocka_unit_test(test_long_line_and_gzip),
        cmocka_unit_test(test_csv_records_across_lines),
        cmocka_unit_test(test_partitions),
        cmocka_unit_test(test_errors_and_skips),
        cmocka_unit_test(test_scan_links),
        cmocka_unit_test(test_scan_permissions),
        cmocka_unit_test(test_gzip_faults),
        cmocka_unit_test(test_gzip_changed_after_open),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_partition_batches),
        cmocka_unit_test(test_validation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
