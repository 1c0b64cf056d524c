/*
 * test_kafka_formats.c - the formats that came with the Kafka connectors:
 * 'raw' (one column as bytes: strings, big/little-endian numbers) and
 * 'avro' (Avro binary with the schema Flink derives from the table). The
 * Avro bytes are checked byte for byte against the Avro specification's
 * binary encoding (zig-zag varints, unions as branch index, decimals as
 * two's complement big-endian bytes, arrays as counted blocks), then
 * decoded back.
 */
#include <avro.h>

#include "fmt_test_helpers.h"

static const char *hex(const char *p, size_t n)
{
    static char buf[1024];
    size_t o = 0;
    for (size_t i = 0; i < n && o + 4 < sizeof buf; i++)
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%02x", i ? " " : "",
                              (unsigned char)p[i]);
    buf[o] = '\0';
    return buf;
}

/* ------------------------------------------------------------ raw */

static void test_raw_string(void **state)
{
    (void)state;
    struct hf_schema s = {0};
    ft_col(&s, "line", ft_type(HF_VARCHAR));
    struct ft t;
    ft_open(&t, "raw", &s, NULL);
    assert_int_equal(ft_decode(&t, "hello, world"), 1);
    assert_int_equal(t.f->decode(t.dec, "", 0, 1, t.b, &t.err), 1);
    assert_string_equal(ft_rows(&t), "+I(hello, world)\n+I()\n");
    struct hf_value *row = hf_batch_add_row(t.b, HF_ROW_INSERT, 0);
    ft_set(&t, row, 0, "héllo");
    assert_string_equal(ft_encode(&t, row, HF_ROW_INSERT), "héllo");
    row[0].null = true;
    assert_string_equal(ft_encode(&t, row, HF_ROW_INSERT), "");
    ft_close(&t);
}

static void test_raw_numbers(void **state)
{
    (void)state;
    struct hf_schema s = {0};
    ft_col(&s, "n", ft_type(HF_BIGINT));
    struct ft t;
    ft_open(&t, "raw", &s, NULL);
    const char be[8] = {0, 0, 0, 0, 0, 0, 0x01, 0x02};
    assert_int_equal(t.f->decode(t.dec, be, 8, 1, t.b, &t.err), 1);
    const char neg[8] = {(char)0xff, (char)0xff, (char)0xff, (char)0xff,
                         (char)0xff, (char)0xff, (char)0xff, (char)0xfe};
    assert_int_equal(t.f->decode(t.dec, neg, 8, 2, t.b, &t.err), 1);
    assert_int_equal(t.f->decode(t.dec, "", 0, 3, t.b, &t.err), 1);
    assert_string_equal(ft_rows(&t), "+I(258)\n+I(-2)\n+I(NULL)\n");
    assert_int_equal(t.f->decode(t.dec, "abc", 3, 4, t.b, &t.err), -1);
    assert_string_equal(t.err.msg,
                        "raw: a BIGINT value is 8 bytes, but the record has 3");
    assert_int_equal(t.b->nrows, 0);
    struct hf_value *row = hf_batch_add_row(t.b, HF_ROW_INSERT, 0);
    row[0].null = false;
    row[0].v.i = 0x0102030405060708;
    ft_encode(&t, row, HF_ROW_INSERT);
    assert_string_equal(hex(t.text.data, t.text.len),
                        "01 02 03 04 05 06 07 08");
    ft_close(&t);

    /* Little-endian INT and DOUBLE. */
    struct hf_schema s2 = {0};
    ft_col(&s2, "i", ft_type(HF_INT));
    static const char *const le[] = {"raw.endianness", "little-endian", NULL};
    ft_open(&t, "raw", &s2, le);
    const char le4[4] = {0x01, 0x02, 0, (char)0x80};
    assert_int_equal(t.f->decode(t.dec, le4, 4, 1, t.b, &t.err), 1);
    assert_string_equal(ft_rows(&t), "+I(-2147483135)\n");
    ft_close(&t);

    struct hf_schema s3 = {0};
    ft_col(&s3, "d", ft_type(HF_DOUBLE));
    ft_open(&t, "raw", &s3, NULL);
    row = hf_batch_add_row(t.b, HF_ROW_INSERT, 0);
    row[0].null = false;
    row[0].v.f8 = 1.0;
    ft_encode(&t, row, HF_ROW_INSERT);
    assert_string_equal(hex(t.text.data, t.text.len),
                        "3f f0 00 00 00 00 00 00");
    ft_close(&t);
}

static void test_raw_rules(void **state)
{
    (void)state;
    struct hf_schema s = {0};
    ft_col(&s, "a", ft_type(HF_VARCHAR));
    ft_col(&s, "b", ft_type(HF_VARCHAR));
    struct ft t;
    assert_int_equal(ft_setup_opts(&t, "raw", "raw.", &s, NULL), 0);
    uint32_t cols[2] = {0, 1};
    void *dec = NULL;
    assert_int_equal(t.f->decoder_new(&s, cols, 2, &t.opts, &dec, &t.err), -1);
    assert_string_equal(t.err.msg,
                        "format 'raw' reads and writes exactly one column, "
                        "but 2 columns would go through it; declare one "
                        "physical column (or move the others to the key with "
                        "'value.fields-include' = 'EXCEPT_KEY')");
    hf_error_clear(&t.err);
    struct hf_schema sd = {0};
    ft_col(&sd, "d", ft_type(HF_DATE));
    assert_int_equal(t.f->decoder_new(&sd, cols, 1, &t.opts, &dec, &t.err),
                     -1);
    assert_string_equal(t.err.msg,
                        "format 'raw': column 'd' has type DATE; raw supports "
                        "strings, BYTES, BOOLEAN, TINYINT, SMALLINT, INT, "
                        "BIGINT, FLOAT and DOUBLE");
    hf_schema_free(&sd);
    ft_close(&t);

    struct hf_schema s2 = {0};
    ft_col(&s2, "a", ft_type(HF_VARCHAR));
    static const char *const cs[] = {"raw.charset", "GBK", NULL};
    assert_int_equal(ft_setup_opts(&t, "raw", "raw.", &s2, cs), -1);
    assert_string_equal(t.err.msg, "'raw.charset' = 'GBK' is not supported; "
                                   "holoflow reads and writes UTF-8 only");
    ft_close(&t);
}

/* ------------------------------------------------------------ avro */

static void avro_schema(struct hf_schema *s)
{
    memset(s, 0, sizeof *s);
    struct hf_type id = ft_type(HF_BIGINT);
    id.not_null = true;
    ft_col(s, "id", id);
    ft_col(s, "b", ft_type(HF_BOOLEAN));
    ft_col(s, "i", ft_type(HF_INT));
    ft_col(s, "f", ft_type(HF_FLOAT));
    ft_col(s, "d", ft_type(HF_DOUBLE));
    ft_col(s, "s", ft_type(HF_VARCHAR));
    ft_col(s, "by", ft_type(HF_BYTES));
    ft_col(s, "dec", ft_dec(10, 2));
    ft_col(s, "dt", ft_type(HF_DATE));
    ft_col(s, "t", ft_ts(HF_TIME, 3));
    ft_col(s, "ts", ft_ts(HF_TIMESTAMP, 3));
    ft_col(s, "ltz", ft_ts(HF_TIMESTAMP_LTZ, 6));
    ft_col(s, "arr", ft_array(HF_INT));
}

static void test_avro_roundtrip(void **state)
{
    (void)state;
    struct hf_schema s;
    avro_schema(&s);
    struct ft t;
    ft_open(&t, "avro", &s, NULL);
    struct hf_value *row = hf_batch_add_row(t.b, HF_ROW_INSERT, 0);
    ft_set(&t, row, 0, "300");
    ft_set(&t, row, 1, "true");
    ft_set(&t, row, 2, "-2");
    ft_set(&t, row, 3, "1.5");
    ft_set(&t, row, 4, "-0.25");
    ft_set(&t, row, 5, "h\xc3\xa9");
    hf_value_set_str(t.b, &row[6], "\x00\xff", 2);
    ft_set(&t, row, 7, "-1.25");
    ft_set(&t, row, 8, "1970-01-02");
    ft_set(&t, row, 9, "00:00:01.5");
    ft_set(&t, row, 10, "1970-01-01 00:00:01.001");
    row[11].null = false;
    row[11].v.i = 2; /* 2 microseconds after the epoch */
    struct hf_array *a = hf_arena_alloc(&t.b->arena, sizeof *a);
    a->elem = HF_INT;
    a->n = 2;
    a->items = hf_arena_alloc(&t.b->arena, 2 * sizeof *a->items);
    memset(a->items, 0, 2 * sizeof *a->items);
    a->items[0].v.i = 1;
    a->items[1].null = true;
    row[12].null = false;
    row[12].v.a = a;
    ft_encode(&t, row, HF_ROW_INSERT);
    /* id: long 300 (not null: no union); then each nullable field is
     * branch 1 (02) and its value. */
    assert_string_equal(hex(t.text.data, t.text.len),
                        "d8 04 "                   /* id 300 */
                        "02 01 "                   /* b true */
                        "02 03 "                   /* i -2 */
                        "02 00 00 c0 3f "          /* f 1.5 */
                        "02 00 00 00 00 00 00 d0 bf " /* d -0.25 */
                        "02 06 68 c3 a9 "          /* s "hé" */
                        "02 04 00 ff "             /* by */
                        "02 02 83 "                /* dec -125 unscaled */
                        "02 02 "                   /* dt 1 day */
                        "02 b8 17 "                /* t 1500 ms */
                        "02 d2 0f "                /* ts 1001 ms */
                        "02 04 "                   /* ltz 2 us */
                        "02 04 02 02 00 00");      /* arr [1, NULL] */
    size_t n = t.text.len;
    char rec[256];
    memcpy(rec, t.text.data, n);
    hf_batch_reset(t.b);
    assert_int_equal(t.f->decode(t.dec, rec, n, 5, t.b, &t.err), 1);
    assert_string_equal(ft_rows(&t),
                        "+I(300, TRUE, -2, 1.5, -0.25, h\xc3\xa9, x'00ff', "
                        "-1.25, 1970-01-02, 00:00:01.500, "
                        "1970-01-01 00:00:01.001, "
                        "1970-01-01 00:00:00.000002, [1, NULL])\n");

    /* All nullable fields NULL: one 00 byte each. */
    row = hf_batch_add_row(t.b, HF_ROW_INSERT, 0);
    ft_set(&t, row, 0, "-1");
    ft_encode(&t, row, HF_ROW_INSERT);
    assert_string_equal(hex(t.text.data, t.text.len),
                        "01 00 00 00 00 00 00 00 00 00 00 00 00");
    memcpy(rec, t.text.data, t.text.len);
    n = t.text.len;
    hf_batch_reset(t.b);
    assert_int_equal(t.f->decode(t.dec, rec, n, 5, t.b, &t.err), 1);
    assert_string_equal(ft_rows(&t), "+I(-1, NULL, NULL, NULL, NULL, NULL, "
                                     "NULL, NULL, NULL, NULL, NULL, NULL, "
                                     "NULL)\n");
    /* A truncated record fails and names nothing half-decoded. */
    assert_int_equal(t.f->decode(t.dec, rec, 3, 9, t.b, &t.err), -1);
    assert_int_equal(t.b->nrows, 0);
    assert_non_null(strstr(t.err.msg, "avro: cannot decode the record (3 "
                                      "bytes) with the table's schema"));
    ft_close(&t);
}

static void test_avro_decimals(void **state)
{
    (void)state;
    struct hf_schema s = {0};
    ft_col(&s, "v", ft_dec(38, 0));
    struct ft t;
    ft_open(&t, "avro", &s, NULL);
    static const struct {
        const char *text, *hex;
    } cases[] = {
        {"0", "02 02 00"},
        {"127", "02 02 7f"},
        {"128", "02 04 00 80"},
        {"-128", "02 02 80"},
        {"-129", "02 04 ff 7f"},
        {"99999999999999999999999999999999999999",
         "02 20 4b 3b 4c a8 5a 86 c4 7a 09 8a 22 3f ff ff ff ff"},
        {"-99999999999999999999999999999999999999",
         "02 20 b4 c4 b3 57 a5 79 3b 85 f6 75 dd c0 00 00 00 01"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct hf_value *row = hf_batch_add_row(t.b, HF_ROW_INSERT, 0);
        ft_set(&t, row, 0, cases[i].text);
        ft_encode(&t, row, HF_ROW_INSERT);
        assert_string_equal(hex(t.text.data, t.text.len), cases[i].hex);
        char rec[64];
        size_t n = t.text.len;
        memcpy(rec, t.text.data, n);
        hf_batch_reset(t.b);
        assert_int_equal(t.f->decode(t.dec, rec, n, 1, t.b, &t.err), 1);
        char want[80];
        snprintf(want, sizeof want, "+I(%s)\n", cases[i].text);
        assert_string_equal(ft_rows(&t), want);
    }
    ft_close(&t);
}

/* TIME and TIMESTAMP values come out as the text formats give them: no
 * finer than the column's precision, and a time of day inside one day
 * (found by tests/fuzz/fuzz_format.c). */
static void test_avro_time_limits(void **state)
{
    (void)state;
    struct hf_schema s = {0};
    ft_col(&s, "a", ft_ts(HF_TIME, 3));      /* time-millis */
    ft_col(&s, "b", ft_ts(HF_TIME, 0));      /* time-millis */
    ft_col(&s, "c", ft_ts(HF_TIME, 6));      /* time-micros */
    ft_col(&s, "d", ft_ts(HF_TIMESTAMP, 0)); /* timestamp-millis */
    struct ft t;
    ft_open(&t, "avro", &s, NULL);
    /* 1500 ms, 1500 ms, 1500000 us, 1001 ms */
    static const char ok[] = "\x02\xb8\x17\x02\xb8\x17\x02\xc0\x8d\xb7\x01"
                             "\x02\xd2\x0f";
    assert_int_equal(t.f->decode(t.dec, ok, sizeof ok - 1, 1, t.b, &t.err), 1);
    assert_string_equal(ft_rows(&t), "+I(00:00:01.500, 00:00:01, "
                                     "00:00:01.500000, 1970-01-01 00:00:01)\n");
    static const struct {
        const char *rec;
        size_t len;
        const char *msg;
    } bad[] = {
        {"\x02\x80\xf0\xb2\x52\x00\x00\x00", 8,
         "field 'a': time-millis value 86400000 is not a time of day (TIME(3) "
         "holds 00:00:00 to 23:59:59.999999)"},
        {"\x02\x01\x00\x00\x00", 5,
         "field 'a': time-millis value -1 is not a time of day (TIME(3) "
         "holds 00:00:00 to 23:59:59.999999)"},
        {"\x00\x00\x02\x80\x80\xbb\xdd\x83\x05\x00", 10,
         "field 'c': time-micros value 86400000000 is not a time of day "
         "(TIME(6) holds 00:00:00 to 23:59:59.999999)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        hf_error_clear(&t.err);
        assert_int_equal(
            t.f->decode(t.dec, bad[i].rec, bad[i].len, 1, t.b, &t.err), -1);
        assert_int_equal(t.b->nrows, 0);
        assert_string_equal(t.err.msg, bad[i].msg);
    }
    ft_close(&t);
}

static void test_avro_rules(void **state)
{
    (void)state;
    struct hf_schema s = {0};
    ft_col(&s, "x", ft_type(HF_INT));
    struct ft t;
    static const char *const js[] = {"avro.encoding", "json", NULL};
    assert_int_equal(ft_setup_opts(&t, "avro", "avro.", &s, js), -1);
    assert_string_equal(t.err.msg,
                        "'avro.encoding' = 'json' is not supported; holoflow "
                        "reads and writes Avro binary");
    ft_close(&t);
    struct hf_schema s2 = {0};
    ft_col(&s2, "bad-name", ft_type(HF_INT));
    assert_int_equal(ft_setup_opts(&t, "avro", "avro.", &s2, NULL), 0);
    uint32_t c0 = 0;
    void *enc = NULL;
    assert_int_equal(t.f->encoder_new(&s2, &c0, 1, &t.opts, &enc, &t.err), -1);
    assert_non_null(strstr(t.err.msg, "format 'avro': the schema derived from "
                                      "the table is not valid Avro"));
    assert_non_null(strstr(t.err.msg, "{\"type\":\"record\",\"name\":\"record"
                                      "\",\"namespace\":\"org.apache.flink."
                                      "avro.generated\",\"fields\":[{\"name\":"
                                      "\"bad-name\",\"type\":[\"null\","
                                      "\"int\"],\"default\":null}]}"));
    ft_close(&t);
}

/* Append the Avro zig-zag varint of `v` at rec[*n]. */
static void put_long(unsigned char *rec, size_t *n, int64_t v)
{
    uint64_t u = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
    while (u > 0x7f) {
        rec[(*n)++] = (unsigned char)(u | 0x80);
        u >>= 7;
    }
    rec[(*n)++] = (unsigned char)u;
}

/* Decode one record of `n` bytes; the batch is left as it is. */
static int avro_dec(struct ft *t, const unsigned char *rec, size_t n)
{
    hf_error_clear(&t->err);
    return t->f->decode(t->dec, (const char *)rec, n, 4, t->b, &t->err);
}

/* Each logical type that holoflow scales or whose number it keeps: values
 * at the ends of the range decode, one past them and the overflowing ones
 * are errors naming the field (the release build used to wrap INT64_MAX
 * milliseconds into a timestamp in 1969; UBSan stopped on it). */
static void test_avro_temporal_range(void **state)
{
    (void)state;
    struct hf_schema s = {0};
    ft_col(&s, "ts", ft_ts(HF_TIMESTAMP, 3));
    ft_col(&s, "ltz", ft_ts(HF_TIMESTAMP_LTZ, 6));
    ft_col(&s, "dt", ft_type(HF_DATE));
    ft_col(&s, "t", ft_ts(HF_TIME, 3));
    ft_col(&s, "tu", ft_ts(HF_TIME, 6));
    struct hf_type at = ft_array(HF_TIMESTAMP); /* elements TIMESTAMP(3) */
    at.precision = 3;
    ft_col(&s, "arr", at);
    struct ft t;
    ft_open(&t, "avro", &s, NULL);

    /* The last microsecond of 9999 and the first of 0001 decode. */
    const int64_t max_ms = INT64_C(253402300799999);
    const int64_t min_ms = INT64_C(-62135596800000);
    unsigned char rec[128];
    size_t n = 0;
    rec[n++] = 2;
    put_long(rec, &n, max_ms);
    rec[n++] = 2;
    put_long(rec, &n, min_ms * 1000);
    rec[n++] = 2;
    put_long(rec, &n, 2932896); /* 9999-12-31 */
    rec[n++] = 2;
    put_long(rec, &n, 86399999);
    rec[n++] = 2;
    put_long(rec, &n, INT64_C(86399999999));
    rec[n++] = 2;
    put_long(rec, &n, 1); /* one element */
    rec[n++] = 2;
    put_long(rec, &n, min_ms);
    put_long(rec, &n, 0);
    assert_int_equal(avro_dec(&t, rec, n), 1);
    assert_string_equal(ft_rows(&t),
                        "+I(9999-12-31 23:59:59.999, 0001-01-01 "
                        "00:00:00.000000, 9999-12-31, 23:59:59.999, "
                        "23:59:59.999999, [0001-01-01 00:00:00.000])\n");

    /* Each field alone out of range, the others NULL. */
    static const struct {
        int field;
        int64_t v;
        const char *msg;
    } bad[] = {
        {0, INT64_MAX,
         "field 'ts': timestamp-millis value 9223372036854775807 is outside "
         "the range of TIMESTAMP(3) (years 0001 to 9999)"},
        {0, INT64_MIN,
         "field 'ts': timestamp-millis value -9223372036854775808 is outside "
         "the range of TIMESTAMP(3) (years 0001 to 9999)"},
        {0, INT64_C(253402300800000),
         "field 'ts': timestamp-millis value 253402300800000 is outside the "
         "range of TIMESTAMP(3) (years 0001 to 9999)"},
        {1, INT64_C(-62135596800000001),
         "field 'ltz': local-timestamp-micros value -62135596800000001 is "
         "outside the range of TIMESTAMP_LTZ(6) (years 0001 to 9999)"},
        {2, 2932897,
         "field 'dt': date value 2932897 is outside the range of DATE (years "
         "0001 to 9999)"},
        {2, INT32_MIN,
         "field 'dt': date value -2147483648 is outside the range of DATE "
         "(years 0001 to 9999)"},
        {3, 86400000,
         "field 't': time-millis value 86400000 is not a time of day "
         "(TIME(3) holds 00:00:00 to 23:59:59.999999)"},
        {4, -1,
         "field 'tu': time-micros value -1 is not a time of day (TIME(6) "
         "holds 00:00:00 to 23:59:59.999999)"},
        {5, INT64_C(4611686018427387904),
         "field 'arr': element 1: timestamp-millis value 4611686018427387904 "
         "is outside the range of TIMESTAMP(3) (years 0001 to 9999)"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        n = 0;
        for (int f = 0; f < 6; f++) {
            if (f != bad[k].field) {
                rec[n++] = 0; /* null */
                continue;
            }
            rec[n++] = 2;
            if (f == 5) {
                put_long(rec, &n, 1);
                rec[n++] = 2;
            }
            put_long(rec, &n, bad[k].v);
            if (f == 5)
                put_long(rec, &n, 0);
        }
        assert_int_equal(avro_dec(&t, rec, n), -1);
        assert_string_equal(t.err.msg, bad[k].msg);
        assert_int_equal(t.b->nrows, 0);
    }
    ft_close(&t);
}

/* avro-c allocations, through avro_set_allocator(): the largest request
 * seen, and requests above 64 MiB refused (as a small machine would). */
static size_t avro_biggest;

static void *counting_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud;
    (void)osize;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    if (nsize > avro_biggest)
        avro_biggest = nsize;
    if (nsize > ((size_t)64 << 20))
        return NULL;
    return realloc(ptr, nsize);
}

/* A record that declares a 15 GB string, bytes value or array block in 9
 * bytes is an error naming the field, found before libavro allocates
 * anything of that size (it used to ask for the 15 GB first). */
static void test_avro_declared_lengths(void **state)
{
    (void)state;
    avro_set_allocator(counting_alloc, NULL);
    struct hf_schema s = {0};
    struct hf_type id = ft_type(HF_BIGINT);
    id.not_null = true;
    ft_col(&s, "id", id);
    ft_col(&s, "s", ft_type(HF_VARCHAR));
    ft_col(&s, "by", ft_type(HF_BYTES));
    ft_col(&s, "arr", ft_array(HF_VARCHAR));
    struct ft t;
    ft_open(&t, "avro", &s, NULL);
    const int64_t huge = INT64_C(15000000000);
    static const struct {
        int field;
        const char *msg;
    } cases[] = {
        {1, "avro: cannot decode the record (9 bytes) with the table's "
            "schema: field 's': the value declares a length of 15000000000 "
            "bytes, but the record has 2 bytes left"},
        {2, "avro: cannot decode the record (9 bytes) with the table's "
            "schema: field 'by': the value declares a length of 15000000000 "
            "bytes, but the record has 1 byte left"},
        {3, "avro: cannot decode the record (9 bytes) with the table's "
            "schema: field 'arr': an array block declares 15000000000 "
            "elements, but the record has 0 bytes left (each element takes "
            "at least one)"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        unsigned char rec[16];
        size_t n = 0;
        put_long(rec, &n, 7); /* id */
        for (int f = 1; f < cases[k].field; f++)
            rec[n++] = 0; /* null */
        rec[n++] = 2;
        put_long(rec, &n, huge);
        while (n < 9)
            rec[n++] = 'a';
        avro_biggest = 0;
        assert_int_equal(avro_dec(&t, rec, n), -1);
        assert_string_equal(t.err.msg, cases[k].msg);
        assert_true(avro_biggest < 4096);
        assert_int_equal(t.b->nrows, 0);
    }

    /* A string inside an array element, a negative length, a negative
     * block count (the block's byte size follows) and INT64_MIN, whose
     * negation would overflow. */
    unsigned char rec[64];
    size_t n = 0;
    put_long(rec, &n, 7);
    rec[n++] = 0;
    rec[n++] = 0;
    rec[n++] = 2;
    put_long(rec, &n, 2);
    rec[n++] = 2;
    put_long(rec, &n, 1);
    rec[n++] = 'x';
    rec[n++] = 2;
    put_long(rec, &n, huge);
    assert_int_equal(avro_dec(&t, rec, n), -1);
    assert_non_null(strstr(t.err.msg, "field 'arr': element 2: the value "
                                      "declares a length of 15000000000 "
                                      "bytes, but the record has 0 bytes "
                                      "left"));
    n = 0;
    put_long(rec, &n, 7);
    rec[n++] = 2;
    put_long(rec, &n, -5);
    assert_int_equal(avro_dec(&t, rec, n), -1);
    assert_non_null(strstr(t.err.msg, "field 's': the value declares a "
                                      "length of -5 bytes"));
    n = 0;
    put_long(rec, &n, 7);
    rec[n++] = 0;
    rec[n++] = 0;
    rec[n++] = 2;
    put_long(rec, &n, INT64_MIN);
    put_long(rec, &n, 0);
    assert_int_equal(avro_dec(&t, rec, n), -1);
    assert_non_null(strstr(t.err.msg, "field 'arr': an array block declares "
                                      "9223372036854775807 elements"));
    n = 0;
    put_long(rec, &n, 7);
    rec[n++] = 0;
    rec[n++] = 0;
    rec[n++] = 2;
    put_long(rec, &n, -1);
    put_long(rec, &n, huge);
    assert_int_equal(avro_dec(&t, rec, n), -1);
    assert_non_null(strstr(t.err.msg, "field 'arr': an array block declares "
                                      "a size of 15000000000 bytes"));
    /* A negative block count with a correct size still decodes, and an
     * union branch that does not exist is named. */
    n = 0;
    put_long(rec, &n, 7);
    rec[n++] = 0;
    rec[n++] = 0;
    rec[n++] = 2;
    put_long(rec, &n, -2);
    put_long(rec, &n, 4);
    rec[n++] = 2;
    put_long(rec, &n, 1);
    rec[n++] = 'x';
    rec[n++] = 0;
    put_long(rec, &n, 0);
    assert_int_equal(avro_dec(&t, rec, n), 1);
    assert_string_equal(ft_rows(&t), "+I(7, NULL, NULL, [x, NULL])\n");
    n = 0;
    put_long(rec, &n, 7);
    rec[n++] = 4;
    assert_int_equal(avro_dec(&t, rec, n), -1);
    assert_non_null(strstr(t.err.msg, "field 's': union branch 2 does not "
                                      "exist"));
    ft_close(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_raw_string),
        cmocka_unit_test(test_raw_numbers),
        cmocka_unit_test(test_raw_rules),
        cmocka_unit_test(test_avro_roundtrip),
        cmocka_unit_test(test_avro_decimals),
        cmocka_unit_test(test_avro_time_limits),
        cmocka_unit_test(test_avro_rules),
        cmocka_unit_test(test_avro_temporal_range),
        cmocka_unit_test(test_avro_declared_lengths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
