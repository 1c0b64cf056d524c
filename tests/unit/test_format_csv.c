/*
 * test_format_csv.c - the csv format: options, decoding (quotes, escapes
 * and Flink's \n \t \r \0 after the escape character,
 * null literal, comments, arrays, errors naming the column, skipped bad
 * records, column subsets) and encoding (exact text).
 *
 * Records across lines: a record holding line breaks in quotes or after
 * the escape character decodes whole (a Kafka message is such a record);
 * error_offset() points at the bad field, the open quote or the end of a
 * short record; frame() finds where a record ends in a stream (fed the
 * bytes all at once and one by one, resuming), agreeing with the decoder:
 * what the encoder writes, line breaks and all, frames as exactly one
 * record under every quoting and escaping setting and decodes back.
 */
#include "fmt_test_helpers.h"

#include "core/datetime.h"

/* id INT, name STRING, price DECIMAL(38, 2) */
static void items_schema(struct hf_schema *s)
{
    memset(s, 0, sizeof *s);
    ft_col(s, "id", ft_type(HF_INT));
    ft_col(s, "name", ft_type(HF_VARCHAR));
    ft_col(s, "price", ft_dec(38, 2));
}

static void test_decode_plain_and_quoted(void **state)
{
    (void)state;
    struct hf_schema s;
    items_schema(&s);
    struct ft t;
    ft_open(&t, "csv", &s, NULL);

    assert_int_equal(ft_decode(&t, "1,hello,3.5"), 1);
    assert_int_equal(ft_decode(&t, "2,\"a \"\"quoted\"\", text\",4"), 1);
    assert_int_equal(ft_decode(&t, "3,,  7.125 "), 1);   /* trim, round */
    assert_int_equal(ft_decode(&t, "4,\"\",\r"), 1);     /* CRLF line */
    assert_int_equal(ft_decode(&t, "5,x\"y,1"), 1); /* quote inside a field */
    assert_string_equal(ft_rows(&t), "+I(1, hello, 3.50)\n"
                                     "+I(2, a \"quoted\", text, 4.00)\n"
                                     "+I(3, , 7.13)\n"
                                     "+I(4, , NULL)\n"
                                     "+I(5, x\"y, 1.00)\n");
    assert_int_equal(t.b->nrows, 0);
    /* the origin given to decode() is kept per row */
    assert_int_equal(ft_decode(&t, "6,o,1"), 1);
    assert_int_equal(t.b->origin[0], 7);
    ft_close(&t);
}

static void test_decode_errors_name_the_column(void **state)
{
    (void)state;
    struct hf_schema s;
    items_schema(&s);
    struct ft t;
    ft_open(&t, "csv", &s, NULL);

    assert_int_equal(ft_decode(&t, "1,widget,x"), -1);
    assert_string_equal(t.err.msg,
                        "column 'price': cannot parse 'x' as DECIMAL(38, 2)");
    assert_int_equal(t.err.code, HF_ERR_DATA);
    assert_int_equal(t.b->nrows, 0); /* the half-read row is gone */

    assert_int_equal(ft_decode(&t, "1,widget"), -1);
    assert_string_equal(t.err.msg,
                        "the record has 2 fields, expected 3 (id, ...)");
    assert_int_equal(ft_decode(&t, "1,a,2,3"), -1);
    assert_string_equal(t.err.msg,
                        "the record has 4 fields, expected 3 (id, ...)");

    assert_int_equal(ft_decode(&t, "1,\"open,2"), -1);
    assert_non_null(strstr(t.err.msg, "column 'name': unterminated quoted"));
    assert_int_equal(ft_decode(&t, "1,\"ab\"c,2"), -1);
    assert_string_equal(t.err.msg, "column 'name': unexpected character 'c' "
                                   "after the closing quote");

    assert_int_equal(ft_decode(&t, "99999999999,a,1"), -1);
    assert_non_null(strstr(t.err.msg, "column 'id': "));
    assert_non_null(strstr(t.err.msg, "out of range for INT"));

    /* comments are data unless allowed: "# x" is one field */
    assert_int_equal(ft_decode(&t, "# note"), -1);
    assert_int_equal(t.b->nrows, 0);
    ft_close(&t);
}

static void test_ignore_parse_errors_skips_record(void **state)
{
    (void)state;
    struct hf_schema s;
    items_schema(&s);
    struct ft t;
    const char *kv[] = {"csv.ignore-parse-errors", "true",
                        "csv.ignore-parse-errors.skip-record", "true",
                        "csv.allow-comments", "true", NULL};
    ft_open(&t, "csv", &s, kv);
    assert_int_equal(ft_decode(&t, "1,a,1"), 1);
    assert_int_equal(ft_decode(&t, "2,b,notanumber"), HF_DECODE_SKIP);
    /* the reason is kept for the dirty-data record */
    assert_string_equal(
        t.err.msg, "column 'price': cannot parse 'notanumber' as DECIMAL(38, 2)");
    assert_int_equal(ft_decode(&t, "2,b"), HF_DECODE_SKIP);
    assert_int_equal(ft_decode(&t, "# a comment line"), 0);
    assert_int_equal(ft_decode(&t, ""), 0);
    assert_int_equal(ft_decode(&t, "3,c,2"), 1);
    assert_string_equal(ft_rows(&t), "+I(1, a, 1.00)\n+I(3, c, 2.00)\n");
    ft_close(&t);
}

static void test_null_literal_delimiter_escape(void **state)
{
    (void)state;
    struct hf_schema s;
    items_schema(&s);
    struct ft t;
    const char *kv[] = {"csv.field-delimiter", "|",
                        "csv.disable-quote-character", "true",
                        "csv.escape-character", "\\\\",
                        "csv.null-literal", "\\N", NULL};
    ft_open(&t, "csv", &s, kv);
    assert_int_equal(ft_decode(&t, "1|\"q\"|\\N"), 1);
    assert_int_equal(ft_decode(&t, "\\N|a\\|b|2"), 1);
    assert_string_equal(ft_rows(&t), "+I(1, \"q\", NULL)\n"
                                     "+I(NULL, a|b, 2.00)\n");

    /* encoding: escape instead of quoting; NULL as the literal */
    struct hf_value *row = hf_batch_add_row(t.b, HF_ROW_INSERT, -1);
    ft_set(&t, row, 0, "5");
    ft_set(&t, row, 1, "x|y\\z");
    ft_set(&t, row, 2, NULL);
    assert_string_equal(ft_encode(&t, row, HF_ROW_INSERT),
                        "5|x\\|y\\\\z|\\N");
    ft_close(&t);

    /* tab delimiter through the option's escape */
    items_schema(&s);
    const char *kv2[] = {"csv.field-delimiter", "\\t", NULL};
    ft_open(&t, "csv", &s, kv2);
    assert_int_equal(ft_decode(&t, "1\ta,b\t2"), 1);
    assert_string_equal(ft_rows(&t), "+I(1, a,b, 2.00)\n");
    ft_close(&t);
}

static void test_escape_inside_quotes(void **state)
{
    (void)state;
    struct hf_schema s;
    items_schema(&s);
    struct ft t;
    const char *kv[] = {"csv.escape-character", "\\\\", NULL};
    ft_open(&t, "csv", &s, kv);
    assert_int_equal(ft_decode(&t, "1,\"say \\\"hi\\\", ok\",2"), 1);
    assert_int_equal(ft_decode(&t, "2,a\\,b,3"), 1);
    /* as Flink's reader: \0 \n \r \t are NUL, LF, CR, TAB; others literal */
    assert_int_equal(ft_decode(&t, "3,\"a\\nb\\tc\\rd\\xe\\\\f\",4"), 1);
    assert_int_equal(ft_decode(&t, "4,a\\tb\\N,5"), 1);
    assert_string_equal(ft_rows(&t), "+I(1, say \"hi\", ok, 2.00)\n"
                                     "+I(2, a,b, 3.00)\n"
                                     "+I(3, a\nb\tc\rdxe\\f, 4.00)\n"
                                     "+I(4, a\tbN, 5.00)\n");
    assert_int_equal(ft_decode(&t, "5,\"a\\0b\",6"), 1);
    const struct hf_value *r5 = hf_batch_row(t.b, 0);
    assert_int_equal(r5[1].v.s.len, 3);
    assert_memory_equal(r5[1].v.s.ptr, "a\0b", 3);
    hf_batch_reset(t.b);
    ft_close(&t);
}

static void test_types_and_arrays(void **state)
{
    (void)state;
    struct hf_schema s;
    memset(&s, 0, sizeof s);
    ft_col(&s, "ok", ft_type(HF_BOOLEAN));
    ft_col(&s, "tags", ft_array(HF_INT));
    ft_col(&s, "ts", ft_ts(HF_TIMESTAMP, 3));
    ft_col(&s, "d", ft_type(HF_DATE));
    ft_col(&s, "bin", ft_type(HF_BYTES));
    ft_col(&s, "x", ft_type(HF_DOUBLE));
    struct ft t;
    ft_open(&t, "csv", &s, NULL);
    assert_int_equal(ft_decode(&t, "true,1;2;3,2020-12-30 12:13:14.5,"
                                   "2020-12-30,AQID,1.5"),
                     1);
    assert_string_equal(ft_rows(&t), "+I(TRUE, [1, 2, 3], 2020-12-30 "
                                     "12:13:14.500, 2020-12-30, x'010203', "
                                     "1.5)\n");
    assert_int_equal(ft_decode(&t, "false,1;x,,,,"), -1);
    assert_non_null(strstr(t.err.msg, "column 'tags': "));
    assert_int_equal(ft_decode(&t, "false,,,,A!,"), -1);
    assert_string_equal(t.err.msg, "column 'bin': cannot parse 'A!' as BYTES "
                                   "(expected base64 text)");

    /* encoding the same kinds of values, the way Flink's csv writes them */
    struct hf_value *row = hf_batch_add_row(t.b, HF_ROW_INSERT, -1);
    ft_set(&t, row, 0, "true");
    ft_set(&t, row, 1, "1;2;3");
    ft_set(&t, row, 2, "2020-12-30 12:13:14.5");
    ft_set(&t, row, 3, "2020-12-30");
    ft_set(&t, row, 4, "\x01\x02\x03");
    ft_set(&t, row, 5, "1e10");
    assert_string_equal(ft_encode(&t, row, HF_ROW_INSERT),
                        "true,1;2;3,2020-12-30 12:13:14.5,2020-12-30,AQID,"
                        "1.0E10");
    ft_close(&t);
}

static void test_encode_quoting(void **state)
{
    (void)state;
    struct hf_schema s;
    items_schema(&s);
    struct ft t;
    ft_open(&t, "csv", &s, NULL);
    struct hf_value *row = hf_batch_add_row(t.b, HF_ROW_INSERT, -1);
    ft_set(&t, row, 0, "1");
    ft_set(&t, row, 1, "he said \"hi\", ok");
    ft_set(&t, row, 2, "3.5");
    assert_string_equal(ft_encode(&t, row, HF_ROW_INSERT),
                        "1,\"he said \"\"hi\"\", ok\",3.50");
    ft_set(&t, row, 0, NULL);
    ft_set(&t, row, 1, "two\nlines");
    ft_set(&t, row, 2, NULL);
    assert_string_equal(ft_encode(&t, row, HF_ROW_UPDATE_AFTER),
                        ",\"two\nlines\",");
    /* what the encoder writes, the decoder reads back */
    ft_set(&t, row, 1, "a,\"b\"");
    const char *rec = ft_encode(&t, row, HF_ROW_INSERT);
    char copy[64];
    snprintf(copy, sizeof copy, "%s", rec);
    hf_batch_reset(t.b);
    assert_int_equal(ft_decode(&t, copy), 1);
    assert_string_equal(ft_rows(&t), "+I(NULL, a,\"b\", NULL)\n");
    ft_close(&t);
}

/* Integers: plain digits are read directly, everything else (blanks, '+',
 * 19 digits, out of range, not a number) as hf_value_from_text() reads
 * it; the values and errors are the same either way. */
static void test_decode_integers(void **state)
{
    (void)state;
    struct hf_schema s;
    memset(&s, 0, sizeof s);
    ft_col(&s, "a", ft_type(HF_BIGINT));
    ft_col(&s, "b", ft_type(HF_SMALLINT));
    struct ft t;
    ft_open(&t, "csv", &s, NULL);
    assert_int_equal(ft_decode(&t, "-9223372036854775808,-32768"), 1);
    assert_int_equal(ft_decode(&t, "9223372036854775807, 32767 "), 1);
    assert_int_equal(ft_decode(&t, "+7,007"), 1);
    assert_int_equal(ft_decode(&t, "-0,"), 1);
    assert_int_equal(ft_decode(&t, "\"12\",-1"), 1);
    assert_string_equal(ft_rows(&t), "+I(-9223372036854775808, -32768)\n"
                                     "+I(9223372036854775807, 32767)\n"
                                     "+I(7, 7)\n"
                                     "+I(0, NULL)\n"
                                     "+I(12, -1)\n");
    assert_int_equal(ft_decode(&t, "1,32768"), -1);
    assert_string_equal(t.err.msg,
                        "column 'b': value 32768 out of range for SMALLINT");
    assert_int_equal(ft_decode(&t, "1-2,1"), -1);
    assert_non_null(strstr(t.err.msg, "column 'a': "));
    assert_int_equal(ft_decode(&t, "-,1"), -1);
    assert_non_null(strstr(t.err.msg, "column 'a': "));
    ft_close(&t);
}

/* Integers are written straight into the record unless the delimiter, the
 * quote or the escape character is a digit or '-'. */
static void test_encode_integers(void **state)
{
    (void)state;
    struct hf_schema s;
    memset(&s, 0, sizeof s);
    ft_col(&s, "a", ft_type(HF_BIGINT));
    ft_col(&s, "b", ft_type(HF_INT));
    ft_col(&s, "c", ft_type(HF_SMALLINT));
    struct ft t;
    ft_open(&t, "csv", &s, NULL);
    struct hf_value *row = hf_batch_add_row(t.b, HF_ROW_INSERT, -1);
    ft_set(&t, row, 0, "-9223372036854775808");
    ft_set(&t, row, 1, "0");
    ft_set(&t, row, 2, "-7");
    assert_string_equal(ft_encode(&t, row, HF_ROW_INSERT),
                        "-9223372036854775808,0,-7");
    ft_set(&t, row, 0, "9223372036854775807");
    ft_set(&t, row, 1, "-2147483648");
    ft_set(&t, row, 2, "32767");
    assert_string_equal(ft_encode(&t, row, HF_ROW_INSERT),
                        "9223372036854775807,-2147483648,32767");
    ft_close(&t);

    memset(&s, 0, sizeof s);
    ft_col(&s, "a", ft_type(HF_BIGINT));
    ft_col(&s, "b", ft_type(HF_INT));
    ft_col(&s, "c", ft_type(HF_VARCHAR));
    const char *kv[] = {"csv.field-delimiter", "-", NULL};
    ft_open(&t, "csv", &s, kv);
    row = hf_batch_add_row(t.b, HF_ROW_INSERT, -1);
    ft_set(&t, row, 0, "-12");
    ft_set(&t, row, 1, "3");
    ft_set(&t, row, 2, "x-y");
    assert_string_equal(ft_encode(&t, row, HF_ROW_INSERT),
                        "\"-12\"-3-\"x-y\"");
    ft_close(&t);
}

static void test_column_subset(void **state)
{
    (void)state;
    struct hf_schema s;
    memset(&s, 0, sizeof s);
    ft_col(&s, "id", ft_type(HF_INT));
    ft_col(&s, "part", ft_type(HF_VARCHAR)); /* e.g. a partition column */
    ft_col(&s, "name", ft_type(HF_VARCHAR));
    struct ft t;
    const uint32_t cols[] = {0, 2};
    ft_open_cols(&t, "csv", "csv.", &s, NULL, cols, 2);
    assert_int_equal(ft_decode(&t, "7,seven"), 1);
    assert_string_equal(ft_rows(&t), "+I(7, NULL, seven)\n");
    struct hf_value *row = hf_batch_add_row(t.b, HF_ROW_INSERT, -1);
    ft_set(&t, row, 0, "8");
    ft_set(&t, row, 1, "p");
    ft_set(&t, row, 2, "eight");
    assert_string_equal(ft_encode(&t, row, HF_ROW_INSERT), "8,eight");
    ft_close(&t);
}

static void test_option_validation(void **state)
{
    (void)state;
    struct hf_schema s;
    items_schema(&s);
    struct ft t;
    const char *kv[] = {"csv.disable-quote-character", "true",
                        "csv.quote-character", "'", NULL};
    assert_int_equal(ft_setup_opts(&t, "csv", "csv.", &s, kv), -1);
    assert_string_equal(t.err.msg,
                        "'csv.disable-quote-character' is true, so "
                        "'csv.quote-character' must not be set");
    hf_opts_free(&t.opts);

    const char *kv2[] = {"csv.array-element-delimiter", "||", NULL};
    assert_int_equal(ft_setup_opts(&t, "csv", "csv.", &s, kv2), -1);
    assert_non_null(strstr(t.err.msg, "expected exactly one character"));
    hf_opts_free(&t.opts);

    /* legacy 'format.' keys: line-delimiter only as a newline */
    const char *kv3[] = {"format.line-delimiter", "\\n",
                         "format.field-delimiter", ";", NULL};
    assert_int_equal(ft_setup_opts(&t, "csv", "format.", &s, kv3), 0);
    assert_int_equal(hf_opts_char(&t.opts, "field-delimiter", NULL), ';');
    hf_opts_free(&t.opts);
    const char *kv4[] = {"format.line-delimiter", "\r\n", NULL};
    assert_int_equal(ft_setup_opts(&t, "csv", "format.", &s, kv4), -1);
    assert_non_null(strstr(t.err.msg, "'format.line-delimiter'"));
    hf_opts_free(&t.opts);

    const char *kv5[] = {"csv.field-delimter", ";", NULL};
    assert_int_equal(ft_setup_opts(&t, "csv", "csv.", &s, kv5), -1);
    assert_non_null(strstr(t.err.msg, "did you mean 'csv.field-delimiter'"));
    hf_opts_free(&t.opts);

    /* A line break ends records: it cannot be a delimiter, quote or
     * escape character. */
    const char *kv6[] = {"csv.escape-character", "\\n", NULL};
    assert_int_equal(ft_setup_opts(&t, "csv", "csv.", &s, kv6), -1);
    assert_string_equal(t.err.msg,
                        "'csv.escape-character' is a line break; a line "
                        "break ends records and cannot be a field "
                        "delimiter, a quote or an escape character");
    hf_opts_free(&t.opts);
    const char *kv7[] = {"csv.field-delimiter", "\\r", NULL};
    assert_int_equal(ft_setup_opts(&t, "csv", "csv.", &s, kv7), -1);
    assert_non_null(strstr(t.err.msg, "'csv.field-delimiter' is a line"));
    hf_opts_free(&t.opts);
    hf_strbuf_free(&t.text);
    hf_schema_free(&s);
}

/* ------------------------------------------------------------ records
 * across lines */

static void test_decode_record_of_lines(void **state)
{
    (void)state;
    struct hf_schema s;
    items_schema(&s);
    struct ft t;
    ft_open(&t, "csv", &s, NULL);
    assert_int_equal(ft_decode(&t, "1,\"two\nlines\",1"), 1);
    assert_int_equal(ft_decode(&t, "2,\"crlf\r\n\"\"x\"\"\r\n\",2\r"), 1);
    assert_string_equal(ft_rows(&t), "+I(1, two\nlines, 1.00)\n"
                                     "+I(2, crlf\r\n\"x\"\r\n, 2.00)\n");
    /* Where the error is: the bad field, the open quote, the end of a
     * short record, the first field too many. */
    assert_int_equal(t.f->error_offset(t.dec), SIZE_MAX);
    assert_int_equal(ft_decode(&t, "3,\"a\nb\",\nx"), -1);
    assert_string_equal(t.err.msg,
                        "column 'price': cannot parse 'x' as DECIMAL(38, 2)");
    assert_int_equal(t.f->error_offset(t.dec), 8);
    assert_int_equal(ft_decode(&t, "4,a,\"open\n"), -1);
    assert_string_equal(t.err.msg, "column 'price': unterminated quoted "
                                   "value: the record ends before its "
                                   "closing quote");
    assert_int_equal(t.f->error_offset(t.dec), 4);
    assert_int_equal(ft_decode(&t, "5,\"a\nb\""), -1);
    assert_int_equal(t.f->error_offset(t.dec), 7);
    assert_int_equal(ft_decode(&t, "6,\"a\nb\",1,\nextra"), -1);
    assert_string_equal(t.err.msg,
                        "the record has 4 fields, expected 3 (id, ...)");
    assert_int_equal(t.f->error_offset(t.dec), 10);
    assert_int_equal(ft_decode(&t, "7,\"a\"\nb,1"), -1);
    assert_int_equal(t.f->error_offset(t.dec), 5);
    assert_int_equal(ft_decode(&t, "8,b,1"), 1);
    assert_int_equal(t.f->error_offset(t.dec), SIZE_MAX);
    ft_close(&t);

    /* After the escape character a line break is data, in quotes or not. */
    items_schema(&s);
    const char *kv[] = {"csv.escape-character", "\\\\", NULL};
    ft_open(&t, "csv", &s, kv);
    assert_int_equal(ft_decode(&t, "1,a\\\nb,1"), 1);
    assert_int_equal(ft_decode(&t, "2,\"c\\\nd\",2"), 1);
    assert_string_equal(ft_rows(&t), "+I(1, a\nb, 1.00)\n"
                                     "+I(2, c\nd, 2.00)\n");
    ft_close(&t);

    /* A last '\r' is a CRLF line end's (a Kafka message may keep it),
     * unless escaped. */
    memset(&s, 0, sizeof s);
    ft_col(&s, "a", ft_type(HF_VARCHAR));
    ft_col(&s, "b", ft_type(HF_VARCHAR));
    ft_open(&t, "csv", &s, kv);
    assert_int_equal(ft_decode(&t, "1,x\r"), 1);
    assert_int_equal(ft_decode(&t, "2,x\\\r"), 1);
    assert_int_equal(ft_decode(&t, "3,x\\\\\r"), 1);
    assert_string_equal(ft_rows(&t), "+I(1, x)\n+I(2, x\r)\n+I(3, x\\)\n");
    /* A message that ends with its line end: dropped, unless the line
     * break is data; one that holds a second record is refused. */
    assert_int_equal(ft_decode(&t, "4,y\n"), 1);
    assert_int_equal(ft_decode(&t, "5,y\r\n"), 1);
    assert_int_equal(ft_decode(&t, "6,\"y\n\"\n"), 1);
    assert_int_equal(ft_decode(&t, "7,\"y\n\""), 1);
    assert_int_equal(ft_decode(&t, "8,y\\\n"), 1);
    assert_int_equal(ft_decode(&t, "9,y\\\r\n"), 1);
    assert_string_equal(ft_rows(&t), "+I(4, y)\n+I(5, y)\n+I(6, y\n)\n"
                                     "+I(7, y\n)\n+I(8, y\n)\n"
                                     "+I(9, y\r)\n");
    assert_int_equal(ft_decode(&t, "1,a\n2,b\n"), -1);
    assert_string_equal(t.err.msg,
                        "the record holds more than one csv record: a line "
                        "end outside quotes after 3 bytes is followed by 4 "
                        "more; give one record per message");
    assert_int_equal(t.f->error_offset(t.dec), 4);
    ft_close(&t);
}

/* frame() over `in`: fed whole, and fed one more byte per call (resuming
 * where it stopped); both must give `want_len` (-1: no end in `in`) and
 * `want_breaks`. */
static void expect_frame(struct ft *t, const char *in, long want_len,
                         int64_t want_breaks)
{
    size_t n = strlen(in);
    for (int pass = 0; pass < 2; pass++) {
        struct hf_frame f = HF_FRAME_INIT;
        size_t len = 0;
        int got = 0;
        if (pass == 0) {
            got = t->f->frame(t->dec, &f, in, n, &len);
        } else {
            for (size_t k = 0; k <= n && !got; k++)
                got = t->f->frame(t->dec, &f, in, k, &len);
        }
        if (want_len < 0) {
            if (got)
                fail_msg("'%s' (pass %d): an end at %zu", in, pass, len);
        } else if (!got || len != (size_t)want_len) {
            fail_msg("'%s' (pass %d): got %d/%zu, want the end at %ld", in,
                     pass, got, len, want_len);
        }
        if (f.breaks != want_breaks)
            fail_msg("'%s' (pass %d): %lld line breaks, want %lld", in, pass,
                     (long long)f.breaks, (long long)want_breaks);
    }
}

static void test_frame(void **state)
{
    (void)state;
    struct hf_schema s;
    items_schema(&s);
    struct ft t;
    ft_open(&t, "csv", &s, NULL);
    expect_frame(&t, "1,a,2\n3", 5, 0);
    expect_frame(&t, "1,a,2\r\n", 5, 0);
    expect_frame(&t, "1,a,2", -1, 0);
    expect_frame(&t, "\n", 0, 0);
    expect_frame(&t, "1,\"a\nb\",2\nx", 9, 1);
    expect_frame(&t, "1,\"a\r\n\n\",2\n", 10, 2);
    expect_frame(&t, "1,\"\"\"\n\"\"\",2\n", 11, 1); /* a quote, LF, quote */
    expect_frame(&t, "\"\"\n", 2, 0);                /* empty */
    expect_frame(&t, "\"a\"\"\n", -1, 1);            /* still open */
    expect_frame(&t, "1,x\"y\n\"", 5, 0);      /* a quote inside a field */
    expect_frame(&t, "1, \"y\n\"", 5, 0);      /* after a blank */
    expect_frame(&t, "\"a\"b,\"\n\"\n", 8, 1); /* after a closing quote */
    expect_frame(&t, "1,\"never\nclosed\n", -1, 2);
    expect_frame(&t, "#,\"c\n\"\n", 6, 1); /* comments not allowed */
    ft_close(&t);

    items_schema(&s);
    const char *kv[] = {"csv.escape-character",
                        "\\\\",
                        "csv.allow-comments",
                        "true",
                        "csv.field-delimiter",
                        "|",
                        NULL};
    ft_open(&t, "csv", &s, kv);
    expect_frame(&t, "a\\\nb|c\n", 6, 1);
    expect_frame(&t, "\"a\\\"\nb\"\n", 7, 1); /* an escaped quote */
    expect_frame(&t, "a\\\\\nb", 3, 0);       /* an escaped escape */
    expect_frame(&t, "a,\"b\n", 4, 0);        /* ',' is no delimiter here */
    expect_frame(&t, "a|\"b\n\"\n", 6, 1);
    expect_frame(&t, "#|\"c\n\"\n", 4, 0); /* a comment ends at its line */
    expect_frame(&t, "a\\", -1, 0);
    expect_frame(&t, "a\\\n", -1, 1);
    /* A '\r' before the '\n' is the line end's, unless escaped. */
    expect_frame(&t, "a\r\nb", 1, 0);
    expect_frame(&t, "a\\\r\nb", 3, 0);
    expect_frame(&t, "a\\\\\r\nb", 3, 0);
    expect_frame(&t, "\"a\r\"\r\nb", 4, 0);
    expect_frame(&t, "#|\r\n", 2, 0);
    ft_close(&t);
}

/* Every record the encoder writes frames as exactly one record and
 * decodes back to its values, whatever the values hold. */
static void test_frame_what_the_encoder_writes(void **state)
{
    (void)state;
    static const char *const values[] = {
        "plain", "x",     "a,b",    "\"",      "\"\"",    "two\nlines",
        "\r\n",  "\n",    "x\\\ny", "\\",      "#start",  "a|b",
        "'q'",   "end\\", "\n\"\n", " \"lead", "tail\" ", "'\n'"};
    static const char *const opts[][7] = {
        {NULL},
        {"csv.escape-character", "\\\\", NULL},
        {"csv.quote-character", "'", "csv.field-delimiter", "|", NULL},
        {"csv.disable-quote-character", "true", "csv.escape-character", "\\\\",
         NULL},
        {"csv.allow-comments", "true", "csv.escape-character", "\\\\",
         "csv.quote-character", "'", NULL},
    };
    size_t nv = sizeof values / sizeof values[0];
    for (size_t o = 0; o < sizeof opts / sizeof opts[0]; o++) {
        struct hf_schema s;
        memset(&s, 0, sizeof s);
        ft_col(&s, "a", ft_type(HF_VARCHAR));
        ft_col(&s, "b", ft_type(HF_VARCHAR));
        struct ft t;
        ft_open(&t, "csv", &s, opts[o]);
        for (size_t i = 0; i < nv; i++) {
            for (size_t j = 0; j < nv; j++) {
                struct hf_value *row = hf_batch_add_row(t.b, HF_ROW_INSERT, -1);
                ft_set(&t, row, 0, values[i]);
                ft_set(&t, row, 1, values[j]);
                char rec[128];
                snprintf(rec, sizeof rec, "%s",
                         ft_encode(&t, row, HF_ROW_INSERT));
                hf_batch_reset(t.b);
                size_t n = strlen(rec);
                /* With comments allowed, a record written with a '#' first
                 * is a comment line to a reader (Flink's writer does not
                 * quote it either). */
                if (o == 4 && rec[0] == '#')
                    continue;
                char in[160];
                snprintf(in, sizeof in, "%s\nnext", rec);
                struct hf_frame f = HF_FRAME_INIT;
                size_t len = 0;
                if (t.f->frame(t.dec, &f, in, strlen(in), &len) != 1 ||
                    len != n)
                    fail_msg("options %zu: record [%s] frames at %zu", o, rec,
                             len);
                hf_error_clear(&t.err);
                int rc = t.f->decode(t.dec, rec, n, 1, t.b, &t.err);
                if (rc != 1)
                    fail_msg("options %zu: [%s]: %s", o, rec, t.err.msg);
                const struct hf_value *back = hf_batch_row(t.b, 0);
                const char *want[2] = {values[i], values[j]};
                for (int c = 0; c < 2; c++) {
                    size_t wl = strlen(want[c]);
                    bool same = !back[c].null && back[c].v.s.len == wl &&
                                memcmp(back[c].v.s.ptr, want[c], wl) == 0;
                    if (!same)
                        fail_msg("options %zu: [%s] column %d", o, rec, c);
                }
                hf_batch_reset(t.b);
            }
        }
        ft_close(&t);
    }
}

/* An array of `n` elements of type `elem` for row slot `v`: texts[i] NULL
 * is a NULL element, others are the element's value as text (strings and
 * bytes taken as they are). */
static void set_array(struct ft *t, struct hf_value *v, enum hf_type_id elem,
                      uint32_t n, const char *const *texts)
{
    struct hf_array *a = hf_arena_alloc(&t->b->arena, sizeof *a);
    assert_non_null(a);
    a->elem = elem;
    a->n = n;
    a->items = n ? hf_arena_alloc(&t->b->arena, n * sizeof *a->items) : NULL;
    struct hf_type et = ft_type(elem);
    for (uint32_t i = 0; i < n; i++) {
        struct hf_error e;
        hf_error_clear(&e);
        memset(&a->items[i], 0, sizeof a->items[i]);
        a->items[i].null = texts[i] == NULL;
        if (texts[i] != NULL)
            assert_int_equal(hf_value_from_text(&et, texts[i],
                                                strlen(texts[i]), ';', t->b,
                                                &a->items[i], &e),
                             0);
    }
    v->null = false;
    v->v.a = a;
}

/* Flink's CsvRowDataSerDeSchemaTest reads "12;4;null" as an ARRAY<TINYINT>
 * [12, 4, NULL] with null literal "null" and writes it back the same; a
 * NULL element used to come back as a parse error (or, in ARRAY<STRING>, as
 * the string "null"). With the literal set, every array makes the round
 * trip: NULL elements, empty strings, empty arrays, NULL arrays, BYTES. */
static void test_array_null_elements(void **state)
{
    (void)state;
    struct hf_schema s = {0};
    ft_col(&s, "a", ft_type(HF_VARCHAR));
    ft_col(&s, "nums", ft_array(HF_TINYINT));
    ft_col(&s, "tags", ft_array(HF_VARCHAR));
    ft_col(&s, "bins", ft_array(HF_BYTES));
    ft_col(&s, "z", ft_type(HF_VARCHAR));
    struct ft t;
    const char *kv[] = {"csv.null-literal", "null", NULL};
    ft_open(&t, "csv", &s, kv);
    const char *rec = "BEGIN,12;4;null,a;null;;b,AQI=;null,END";
    assert_int_equal(ft_decode(&t, rec), 1);
    assert_string_equal(ft_rows(&t), "+I(BEGIN, [12, 4, NULL], [a, NULL, , "
                                     "b], [x'0102', NULL], END)\n");

    struct hf_value *row = hf_batch_add_row(t.b, HF_ROW_INSERT, -1);
    ft_set(&t, row, 0, "BEGIN");
    static const char *const nums[] = {"12", "4", NULL};
    set_array(&t, &row[1], HF_TINYINT, 3, nums);
    static const char *const tags[] = {"a", NULL, "", "b"};
    set_array(&t, &row[2], HF_VARCHAR, 4, tags);
    static const char *const bins[] = {"\x01\x02", NULL};
    set_array(&t, &row[3], HF_BYTES, 2, bins);
    ft_set(&t, row, 4, "END");
    assert_string_equal(ft_encode(&t, row, HF_ROW_INSERT), rec);

    /* An empty array is an empty field, a NULL array the literal, an array
     * of one empty string or one NULL element is written as "" or "null"
     * too; each of the first two comes back as it was. */
    row[1].null = true;
    set_array(&t, &row[2], HF_VARCHAR, 0, NULL);
    static const char *const one_null[] = {NULL};
    set_array(&t, &row[3], HF_BYTES, 1, one_null);
    char text[128];
    snprintf(text, sizeof text, "%s", ft_encode(&t, row, HF_ROW_INSERT));
    assert_string_equal(text, "BEGIN,null,,null,END");
    hf_batch_reset(t.b);
    assert_int_equal(ft_decode(&t, text), 1);
    assert_int_equal(ft_decode(&t, "x, ,;,\"null;\",y"), 1);
    assert_string_equal(ft_rows(&t), "+I(BEGIN, NULL, [], NULL, END)\n"
                                     "+I(x, [], [, ], [NULL, x''], y)\n");
    /* A bad element is named. */
    assert_int_equal(ft_decode(&t, "x,1;nul,,,y"), -1);
    assert_non_null(
        strstr(t.err.msg, "column 'nums': element 2: cannot parse 'nul'"));
    assert_int_equal(ft_decode(&t, "x,,,AQI=;A!,y"), -1);
    assert_string_equal(t.err.msg, "column 'bins': element 2: cannot parse "
                                   "'A!' as BYTES (expected base64 text)");
    ft_close(&t);

    /* Without a null literal a NULL element is written as nothing, which a
     * string element reads back as the empty string (as Flink does) and a
     * number element as NULL. */
    s = (struct hf_schema){0};
    ft_col(&s, "nums", ft_array(HF_INT));
    ft_col(&s, "tags", ft_array(HF_VARCHAR));
    ft_open(&t, "csv", &s, NULL);
    row = hf_batch_add_row(t.b, HF_ROW_INSERT, -1);
    static const char *const n2[] = {"1", NULL};
    set_array(&t, &row[0], HF_INT, 2, n2);
    static const char *const t2[] = {NULL, "b"};
    set_array(&t, &row[1], HF_VARCHAR, 2, t2);
    snprintf(text, sizeof text, "%s", ft_encode(&t, row, HF_ROW_INSERT));
    assert_string_equal(text, "1;,;b");
    hf_batch_reset(t.b);
    assert_int_equal(ft_decode(&t, text), 1);
    assert_string_equal(ft_rows(&t), "+I([1, NULL], [, b])\n");
    ft_close(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_plain_and_quoted),
        cmocka_unit_test(test_decode_errors_name_the_column),
        cmocka_unit_test(test_ignore_parse_errors_skips_record),
        cmocka_unit_test(test_null_literal_delimiter_escape),
        cmocka_unit_test(test_escape_inside_quotes),
        cmocka_unit_test(test_types_and_arrays),
        cmocka_unit_test(test_array_null_elements),
        cmocka_unit_test(test_encode_quoting),
        cmocka_unit_test(test_encode_integers),
        cmocka_unit_test(test_decode_integers),
        cmocka_unit_test(test_column_subset),
        cmocka_unit_test(test_option_validation),
        cmocka_unit_test(test_decode_record_of_lines),
        cmocka_unit_test(test_frame),
        cmocka_unit_test(test_frame_what_the_encoder_writes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
