/*
 * test_format_json.c - the json format and the format registry: options,
 * decoding of every type (numbers in strings, exact decimals, wide
 * integers, timestamps in both standards, base64, arrays, raw JSON),
 * missing fields, arrays of objects, syntax errors with their offset,
 * errors naming the field, skipped bad records, column subsets, and the
 * exact text the encoder writes.
 */
#include "fmt_test_helpers.h"

#include <math.h>

static void test_registry(void **state)
{
    (void)state;
    const struct hf_format *f = hf_format_find("JSON");
    assert_non_null(f);
    assert_string_equal(f->name, "json");
    assert_false(f->changelog);
    f = hf_format_find("Debezium-Json");
    assert_non_null(f);
    assert_true(f->changelog);
    assert_null(f->unavailable);
    assert_null(hf_format_find("protobuf"));
    assert_null(hf_format_find(NULL));
    f = hf_format_find("avro");
    assert_non_null(f);
    assert_null(f->unavailable);
    f = hf_format_find("raw");
    assert_non_null(f);
    assert_null(f->unavailable);
    const char *names[16];
    size_t n = 0;
    for (const struct hf_format *const *p = hf_format_list(); *p; p++) {
        assert_true(n < 16);
        names[n++] = (*p)->name;
        if ((*p)->unavailable == NULL) {
            assert_non_null((*p)->validate);
            assert_non_null((*p)->decoder_new);
            assert_non_null((*p)->decode);
            assert_non_null((*p)->encode);
            assert_true((*p)->nopts > 0);
        }
    }
    assert_int_equal(n, 9);
    assert_string_equal(names[0], "csv");
    assert_string_equal(names[7], "avro-confluent");
    assert_string_equal(names[8], "debezium-avro-confluent");
    assert_string_equal(names[4], "maxwell-json");
}

/* id BIGINT, name STRING, price DECIMAL(10, 2) */
static void items_schema(struct hf_schema *s)
{
    memset(s, 0, sizeof *s);
    ft_col(s, "id", ft_type(HF_BIGINT));
    ft_col(s, "name", ft_type(HF_VARCHAR));
    ft_col(s, "price", ft_dec(10, 2));
}

static void test_decode_objects(void **state)
{
    (void)state;
    struct hf_schema s;
    items_schema(&s);
    struct ft t;
    ft_open(&t, "json", &s, NULL);
    assert_int_equal(ft_decode(&t, "{\"id\":1,\"name\":\"a\",\"price\":12.3}"),
                     1);
    /* numbers as strings (Flink accepts them), unknown keys ignored,
     * missing keys are NULL, keys are case-sensitive */
    assert_int_equal(
        ft_decode(&t, " {\"id\":\" 42\",\"price\":\"3.5\",\"x\":[1]} \n"), 1);
    assert_int_equal(ft_decode(&t, "{\"ID\":5,\"name\":null}"), 1);
    /* a non-string value in a STRING column is its JSON text */
    assert_int_equal(ft_decode(&t, "{\"name\":{\"a\":[1,\"x/y\"]}}"), 1);
    assert_int_equal(ft_decode(&t, "{\"name\":1.50}"), 1);
    assert_string_equal(ft_rows(&t), "+I(1, a, 12.30)\n"
                                     "+I(42, NULL, 3.50)\n"
                                     "+I(NULL, NULL, NULL)\n"
                                     "+I(NULL, {\"a\":[1,\"x/y\"]}, NULL)\n"
                                     "+I(NULL, 1.50, NULL)\n");

    /* a top-level array explodes into rows; null elements are skipped */
    assert_int_equal(ft_decode(&t, "[{\"id\":1},null,{\"id\":2}]"), 2);
    assert_string_equal(ft_rows(&t), "+I(1, NULL, NULL)\n+I(2, NULL, NULL)\n");
    /* tombstones */
    assert_int_equal(ft_decode(&t, ""), 0);
    assert_int_equal(ft_decode(&t, "  "), 0);
    assert_int_equal(ft_decode(&t, "null"), 0);
    assert_int_equal(t.b->nrows, 0);
    ft_close(&t);
}

static void test_decode_errors(void **state)
{
    (void)state;
    struct hf_schema s;
    items_schema(&s);
    struct ft t;
    ft_open(&t, "json", &s, NULL);

    assert_int_equal(ft_decode(&t, "{\"id\":1,\"price\":\"abc\"}"), -1);
    assert_string_equal(t.err.msg,
                        "field 'price': cannot parse \"abc\" as DECIMAL(10, 2)");
    assert_int_equal(t.err.code, HF_ERR_DATA);
    assert_int_equal(t.b->nrows, 0);

    assert_int_equal(ft_decode(&t, "{\"price\":123456789.1}"), -1);
    assert_string_equal(t.err.msg,
                        "field 'price': 123456789.1 does not fit DECIMAL(10, 2)");
    /* Flink's DECIMAL reads text as new BigDecimal(text): no blanks */
    assert_int_equal(ft_decode(&t, "{\"price\":\" 3.5\"}"), -1);
    assert_string_equal(
        t.err.msg, "field 'price': cannot parse \" 3.5\" as DECIMAL(10, 2)");
    /* a number with a fraction is cut toward zero for INT and BIGINT, as
     * Flink's reader does; text with a fraction is not an integer */
    assert_int_equal(ft_decode(&t, "{\"id\":-1.9}"), 1);
    assert_string_equal(ft_rows(&t), "+I(-1, NULL, NULL)\n");
    assert_int_equal(ft_decode(&t, "{\"id\":\"1.5\"}"), -1);
    assert_string_equal(t.err.msg,
                        "field 'id': cannot parse \"1.5\" as BIGINT");
    assert_int_equal(ft_decode(&t, "{\"id\":true}"), -1);
    assert_string_equal(t.err.msg, "field 'id': cannot parse true as BIGINT");
    /* json-c would clamp this to INT64_MAX: it must not pass silently */
    assert_int_equal(ft_decode(&t, "{\"id\":123456789012345678901}"), -1);
    assert_string_equal(t.err.msg, "field 'id': integer literal beyond 64 "
                                   "bits is out of range for BIGINT");
    assert_int_equal(ft_decode(&t, "{\"id\":-99999999999999999999}"), -1);
    assert_string_equal(t.err.msg, "field 'id': integer literal beyond 64 "
                                   "bits is out of range for BIGINT");

    /* syntax errors give the offset */
    assert_int_equal(ft_decode(&t, "{\"id\":1,"), -1);
    assert_string_equal(t.err.msg, "json: invalid JSON at offset 8: "
                                   "unexpected end of data");
    assert_int_equal(ft_decode(&t, "{\"id\":tru}"), -1);
    assert_string_equal(t.err.msg,
                        "json: invalid JSON at offset 9: boolean expected");
    assert_int_equal(ft_decode(&t, "{\"id\":1} {\"id\":2}"), -1);
    assert_string_equal(t.err.msg,
                        "json: invalid JSON at offset 9: unexpected text "
                        "after the end of the JSON value");
    assert_int_equal(ft_decode(&t, "5"), -1);
    assert_string_equal(t.err.msg, "expected a JSON object, got 5");
    assert_int_equal(ft_decode(&t, "[{\"id\":1},{\"id\":\"x\"}]"), -1);
    assert_string_equal(t.err.msg, "array element 1: field 'id': cannot "
                                   "parse \"x\" as BIGINT");
    assert_int_equal(t.b->nrows, 0); /* element 0's row was removed too */
    ft_close(&t);
}

static void test_missing_and_ignore_options(void **state)
{
    (void)state;
    struct hf_schema s;
    items_schema(&s);
    struct ft t;
    const char *kv[] = {"json.fail-on-missing-field", "true", NULL};
    ft_open(&t, "json", &s, kv);
    assert_int_equal(ft_decode(&t, "{\"id\":1,\"name\":null,\"price\":1}"), 1);
    assert_int_equal(ft_decode(&t, "{\"id\":1,\"price\":1}"), -1);
    assert_string_equal(t.err.msg,
                        "field 'name' is missing from the JSON object "
                        "(fail-on-missing-field is true)");
    assert_string_equal(ft_rows(&t), "+I(1, NULL, 1.00)\n");
    ft_close(&t);

    items_schema(&s);
    /* ignore-parse-errors as Flink: a bad field is NULL, the row is kept
     * and the field noted; a record that cannot be read is skipped */
    const char *kv2[] = {"json.ignore-parse-errors", "true", NULL};
    ft_open(&t, "json", &s, kv2);
    const char *why;
    assert_int_equal(ft_decode(&t, "{\"id\":\"x\",\"name\":\"n\"}"), 1);
    assert_false(hf_error_is_set(&t.err));
    assert_int_equal(hf_format_nulled(t.f, t.dec, &why), 1);
    assert_string_equal(why, "field 'id': cannot parse \"x\" as BIGINT");
    assert_int_equal(ft_decode(&t, "{oops"), HF_DECODE_SKIP);
    assert_non_null(strstr(t.err.msg, "invalid JSON at offset 1"));
    assert_int_equal(hf_format_nulled(t.f, t.dec, NULL), 0);
    assert_int_equal(ft_decode(&t, "[{\"id\":1},{\"id\":\"x\",\"price\":"
                                   "\"y\"}]"),
                     2);
    assert_int_equal(hf_format_nulled(t.f, t.dec, &why), 2);
    assert_string_equal(why, "field 'id': cannot parse \"x\" as BIGINT");
    assert_int_equal(ft_decode(&t, "{\"id\":2}"), 1);
    assert_int_equal(hf_format_nulled(t.f, t.dec, NULL), 0);
    assert_string_equal(ft_rows(&t), "+I(NULL, n, NULL)\n"
                                     "+I(1, NULL, NULL)\n"
                                     "+I(NULL, NULL, NULL)\n"
                                     "+I(2, NULL, NULL)\n");
    ft_close(&t);

    /* holoflow's stricter mode: a bad field skips its whole record */
    items_schema(&s);
    const char *kv_skip[] = {"json.ignore-parse-errors", "true",
                             "json.ignore-parse-errors.skip-record", "true",
                             NULL};
    ft_open(&t, "json", &s, kv_skip);
    assert_int_equal(ft_decode(&t, "{\"id\":\"x\"}"), HF_DECODE_SKIP);
    assert_string_equal(t.err.msg, "field 'id': cannot parse \"x\" as BIGINT");
    assert_int_equal(ft_decode(&t, "[{\"id\":1},{\"id\":\"x\"}]"),
                     HF_DECODE_SKIP);
    assert_int_equal(t.b->nrows, 0);
    assert_int_equal(hf_format_nulled(t.f, t.dec, NULL), 0);
    ft_close(&t);

    items_schema(&s);
    const char *kv3[] = {"json.fail-on-missing-field", "true",
                         "json.ignore-parse-errors", "true", NULL};
    assert_int_equal(ft_setup_opts(&t, "json", "json.", &s, kv3), -1);
    assert_string_equal(t.err.msg,
                        "'json.fail-on-missing-field' and "
                        "'json.ignore-parse-errors' shouldn't both be true; "
                        "set one of them to false");
    hf_opts_free(&t.opts);
    hf_schema_free(&s);

    /* enum values as Flink spells them, and a bad one */
    items_schema(&s);
    const char *kv4[] = {"json.timestamp-format.standard", "ISO-8601",
                         "json.map-null-key.mode", "LITERAL",
                         "json.map-null-key.literal", "nil", NULL};
    assert_int_equal(ft_setup_opts(&t, "json", "json.", &s, kv4), 0);
    assert_int_equal(hf_opts_enum(&t.opts, "timestamp-format.standard", NULL),
                     1);
    hf_opts_free(&t.opts);
    const char *kv5[] = {"json.timestamp-format.standard", "RFC", NULL};
    assert_int_equal(ft_setup_opts(&t, "json", "json.", &s, kv5), -1);
    hf_opts_free(&t.opts);
    hf_schema_free(&s);
}

/* One column of each kind. */
static void all_types_schema(struct hf_schema *s)
{
    memset(s, 0, sizeof *s);
    ft_col(s, "b", ft_type(HF_BOOLEAN));
    ft_col(s, "ti", ft_type(HF_TINYINT));
    ft_col(s, "i", ft_type(HF_INT));
    ft_col(s, "f", ft_type(HF_FLOAT));
    ft_col(s, "d", ft_type(HF_DOUBLE));
    ft_col(s, "dec", ft_dec(38, 18));
    ft_col(s, "s", ft_type(HF_VARCHAR));
    ft_col(s, "bin", ft_type(HF_BYTES));
    ft_col(s, "day", ft_type(HF_DATE));
    ft_col(s, "tm", ft_ts(HF_TIME, 3));
    ft_col(s, "ts", ft_ts(HF_TIMESTAMP, 6));
    ft_col(s, "ltz", ft_ts(HF_TIMESTAMP_LTZ, 3));
    ft_col(s, "arr", ft_array(HF_INT));
    ft_col(s, "doc", ft_type(HF_JSONB));
}

static void test_all_types_roundtrip(void **state)
{
    (void)state;
    struct hf_schema s;
    all_types_schema(&s);
    struct ft t;
    ft_open(&t, "json", &s, NULL);
    const char *rec =
        "{\"b\":true,\"ti\":-128,\"i\":\"2147483647\",\"f\":1.5,\"d\":1e300,"
        "\"dec\":12345678901234567890.123456789012345678,\"s\":\"h\\u00e9\\n"
        "\\\"q\\\"\",\"bin\":\"AQID/w==\",\"day\":\"2020-12-30\","
        "\"tm\":\"12:13:14.1239\",\"ts\":\"2020-12-30 12:13:14.000123\","
        "\"ltz\":\"2020-12-30 12:13:14.5Z\",\"arr\":[1,null,\"3\"],"
        "\"doc\":{\"k\":[true,null],\"u\":\"/\"}}";
    assert_int_equal(ft_decode(&t, rec), 1);
    assert_string_equal(
        ft_rows(&t),
        "+I(TRUE, -128, 2147483647, 1.5, 1.0E300, "
        "12345678901234567890.123456789012345678, h\xc3\xa9\n\"q\", "
        "x'010203ff', 2020-12-30, 12:13:14.123, 2020-12-30 12:13:14.000123, "
        "2020-12-30 12:13:14.500, [1, NULL, 3], {\"k\":[true,null],\"u\":\"/\"})\n");

    assert_int_equal(ft_decode(&t, rec), 1);
    const struct hf_value *row = hf_batch_row(t.b, 0);
    assert_string_equal(
        ft_encode(&t, row, HF_ROW_INSERT),
        "{\"b\":true,\"ti\":-128,\"i\":2147483647,\"f\":1.5,\"d\":1.0E300,"
        "\"dec\":12345678901234567890.123456789012345678,\"s\":\"h\xc3\xa9\\n"
        "\\\"q\\\"\",\"bin\":\"AQID/w==\",\"day\":\"2020-12-30\","
        "\"tm\":\"12:13:14.123\",\"ts\":\"2020-12-30 12:13:14.000123\","
        "\"ltz\":\"2020-12-30 12:13:14.5Z\",\"arr\":[1,null,3],"
        "\"doc\":{\"k\":[true,null],\"u\":\"/\"}}");

    /* what the encoder wrote decodes to the same row */
    char again[1024];
    snprintf(again, sizeof again, "%s", t.text.data);
    hf_batch_reset(t.b);
    assert_int_equal(ft_decode(&t, again), 1);
    assert_string_equal(
        ft_rows(&t),
        "+I(TRUE, -128, 2147483647, 1.5, 1.0E300, "
        "12345678901234567890.123456789012345678, h\xc3\xa9\n\"q\", "
        "x'010203ff', 2020-12-30, 12:13:14.123, 2020-12-30 12:13:14.000123, "
        "2020-12-30 12:13:14.500, [1, NULL, 3], {\"k\":[true,null],\"u\":\"/\"})\n");

    /* range checks per type */
    assert_int_equal(ft_decode(&t, "{\"ti\":300}"), -1);
    assert_string_equal(t.err.msg,
                        "field 'ti': 300 is out of range for TINYINT");
    assert_int_equal(ft_decode(&t, "{\"arr\":[1,\"x\"]}"), -1);
    assert_string_equal(t.err.msg, "field 'arr[1]': cannot parse \"x\" as INT");
    assert_int_equal(ft_decode(&t, "{\"arr\":5}"), -1);
    assert_string_equal(t.err.msg, "field 'arr': cannot parse 5 as ARRAY<INT>");
    assert_int_equal(ft_decode(&t, "{\"ts\":\"yesterday\"}"), -1);
    assert_string_equal(
        t.err.msg, "field 'ts': cannot parse \"yesterday\" as TIMESTAMP(6): "
                   "expected 'yyyy-MM-dd HH:mm:ss[.fffffffff]' "
                   "('json.timestamp-format.standard' = 'SQL')");
    assert_int_equal(ft_decode(&t, "{\"bin\":\"%%\"}"), -1);
    assert_string_equal(t.err.msg, "field 'bin': cannot parse \"%%\" as BYTES "
                                   "(expected base64 text)");
    assert_int_equal(t.b->nrows, 0);
    /* BOOLEAN is never an error: text other than "true" is false */
    assert_int_equal(ft_decode(&t, "{\"b\":\"yes\"}"), 1);
    assert_int_equal(ft_decode(&t, "{\"b\":\" TRUE \"}"), 1);
    assert_int_equal(ft_decode(&t, "{\"b\":1}"), 1);
    const struct hf_value *r0 = hf_batch_row(t.b, 0);
    assert_false(r0[0].null || r0[0].v.b);
    assert_true(!hf_batch_row(t.b, 1)[0].null && hf_batch_row(t.b, 1)[0].v.b);
    assert_false(hf_batch_row(t.b, 2)[0].null || hf_batch_row(t.b, 2)[0].v.b);
    hf_batch_reset(t.b);
    ft_close(&t);
}

static void test_wide_decimals_are_exact(void **state)
{
    (void)state;
    struct hf_schema s;
    memset(&s, 0, sizeof s);
    ft_col(&s, "big", ft_dec(38, 0));
    ft_col(&s, "small", ft_dec(38, 10));
    struct ft t;
    ft_open(&t, "json", &s, NULL);
    /* never through double: 0.1 + 17 digits survives exactly */
    assert_int_equal(ft_decode(&t, "{\"big\":12345678901234567890123.0,"
                                   "\"small\":0.12345678901234567}"),
                     1);
    assert_int_equal(ft_decode(&t, "{\"big\":\"99999999999999999999999999\","
                                   "\"small\":1E-10}"),
                     1);
    assert_int_equal(ft_decode(&t, "{\"big\":-9223372036854775807,"
                                   "\"small\":-2}"),
                     1);
    assert_string_equal(ft_rows(&t),
                        "+I(12345678901234567890123, 0.1234567890)\n"
                        "+I(99999999999999999999999999, 0.0000000001)\n"
                        "+I(-9223372036854775807, -2.0000000000)\n");
    /* an integer literal json-c cannot hold is reported, not clamped */
    assert_int_equal(ft_decode(&t, "{\"big\":12345678901234567890123}"), -1);
    assert_string_equal(t.err.msg,
                        "field 'big': integer literal beyond 64 bits cannot "
                        "be read exactly as DECIMAL(38, 0); write it with a "
                        "fraction (123.0) or as a JSON string");
    ft_close(&t);
}

static void test_encode_options(void **state)
{
    (void)state;
    struct hf_schema s;
    memset(&s, 0, sizeof s);
    ft_col(&s, "id", ft_type(HF_INT));
    ft_col(&s, "note", ft_type(HF_VARCHAR));
    ft_col(&s, "tiny", ft_dec(20, 10));
    ft_col(&s, "ts", ft_ts(HF_TIMESTAMP, 3));
    ft_col(&s, "ltz", ft_ts(HF_TIMESTAMP_LTZ, 3));
    ft_col(&s, "x", ft_type(HF_DOUBLE));
    struct ft t;
    ft_open(&t, "json", &s, NULL);
    struct hf_value *row = hf_batch_add_row(t.b, HF_ROW_INSERT, -1);
    ft_set(&t, row, 0, "1");
    ft_set(&t, row, 1, NULL);
    ft_set(&t, row, 2, "0.000000027");
    ft_set(&t, row, 3, "2020-12-30 12:13:14");
    ft_set(&t, row, 4, "2020-12-30 12:13:14.120");
    row[5].null = false;
    row[5].v.f8 = NAN;
    /* Flink's defaults: SQL timestamps, BigDecimal text, nulls written */
    assert_string_equal(ft_encode(&t, row, HF_ROW_INSERT),
                        "{\"id\":1,\"note\":null,\"tiny\":2.70E-8,"
                        "\"ts\":\"2020-12-30 12:13:14\","
                        "\"ltz\":\"2020-12-30 12:13:14.12Z\",\"x\":\"NaN\"}");
    ft_close(&t);

    memset(&s, 0, sizeof s);
    ft_col(&s, "id", ft_type(HF_INT));
    ft_col(&s, "note", ft_type(HF_VARCHAR));
    ft_col(&s, "tiny", ft_dec(20, 10));
    ft_col(&s, "ts", ft_ts(HF_TIMESTAMP, 3));
    ft_col(&s, "ltz", ft_ts(HF_TIMESTAMP_LTZ, 3));
    ft_col(&s, "x", ft_type(HF_DOUBLE));
    const char *kv[] = {"json.encode.ignore-null-fields", "true",
                        "json.encode.decimal-as-plain-number", "true",
                        "json.timestamp-format.standard", "ISO-8601", NULL};
    ft_open(&t, "json", &s, kv);
    row = hf_batch_add_row(t.b, HF_ROW_INSERT, -1);
    ft_set(&t, row, 0, "1");
    ft_set(&t, row, 1, NULL);
    ft_set(&t, row, 2, "0.000000027");
    ft_set(&t, row, 3, "2020-12-30 12:13:14");
    ft_set(&t, row, 4, "2020-12-30 12:13:14.120");
    ft_set(&t, row, 5, "-0.5");
    assert_string_equal(ft_encode(&t, row, HF_ROW_INSERT),
                        "{\"id\":1,\"tiny\":0.0000000270,"
                        "\"ts\":\"2020-12-30T12:13:14\","
                        "\"ltz\":\"2020-12-30T12:13:14.12Z\",\"x\":-0.5}");
    /* ISO-8601 text is read back (seconds are optional there); SQL text
     * is not ISO-8601, as in Flink */
    hf_batch_reset(t.b);
    assert_int_equal(ft_decode(&t, "{\"ts\":\"2020-12-30T01:02:03.5\","
                                   "\"ltz\":\"2020-12-30T01:02Z\"}"),
                     1);
    assert_string_equal(ft_rows(&t), "+I(NULL, NULL, NULL, 2020-12-30 "
                                     "01:02:03.500, 2020-12-30 01:02:00.000, "
                                     "NULL)\n");
    assert_int_equal(ft_decode(&t, "{\"ltz\":\"2020-12-30 01:02:03Z\"}"), -1);
    assert_string_equal(t.err.msg,
                        "field 'ltz': cannot parse \"2020-12-30 01:02:03Z\" "
                        "as TIMESTAMP_LTZ(3): expected "
                        "'yyyy-MM-ddTHH:mm[:ss[.fffffffff]]Z' "
                        "('json.timestamp-format.standard' = 'ISO-8601')");
    ft_close(&t);
}

static void test_column_subset(void **state)
{
    (void)state;
    struct hf_schema s;
    memset(&s, 0, sizeof s);
    ft_col(&s, "id", ft_type(HF_INT));
    ft_col(&s, "offset", ft_type(HF_BIGINT)); /* a metadata column */
    ft_col(&s, "name", ft_type(HF_VARCHAR));
    struct ft t;
    const uint32_t cols[] = {0, 2};
    ft_open_cols(&t, "json", "json.", &s, NULL, cols, 2);
    /* a key named like the metadata column is not read into it */
    assert_int_equal(ft_decode(&t, "{\"id\":1,\"offset\":9,\"name\":\"n\"}"),
                     1);
    assert_string_equal(ft_rows(&t), "+I(1, NULL, n)\n");
    struct hf_value *row = hf_batch_add_row(t.b, HF_ROW_INSERT, -1);
    ft_set(&t, row, 0, "1");
    ft_set(&t, row, 1, "99");
    ft_set(&t, row, 2, "a\tb");
    assert_string_equal(ft_encode(&t, row, HF_ROW_INSERT),
                        "{\"id\":1,\"name\":\"a\\tb\"}");
    ft_close(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_decode_objects),
        cmocka_unit_test(test_decode_errors),
        cmocka_unit_test(test_missing_and_ignore_options),
        cmocka_unit_test(test_all_types_roundtrip),
        cmocka_unit_test(test_wide_decimals_are_exact),
        cmocka_unit_test(test_encode_options),
        cmocka_unit_test(test_column_subset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
