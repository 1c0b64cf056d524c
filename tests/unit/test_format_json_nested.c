/*
 * test_format_json_nested.c - nested values in the JSON family (json,
 * debezium-json, canal-json, maxwell-json), as Flink's JSON converters
 * read and write them: ROW from/to a JSON object (fields by name, extra
 * keys ignored, a missing one NULL or an error with fail-on-missing-field),
 * MAP and MULTISET from/to a JSON object of entries (string keys only; a
 * JSON value that is not an object reads as an empty map; NULL keys per
 * map-null-key.mode), ARRAY of any element type (nested arrays and rows
 * included), ignore-parse-errors nulling the innermost value that does
 * not convert, and round trips back to the same JSON.
 */
#include "fmt_test_helpers.h"

#include "sql/parser.h"

static struct hf_type ty(const char *text)
{
    struct hf_type t;
    struct hf_error err;
    hf_error_clear(&err);
    if (hf_sql_parse_type(text, &t, &err) != 0)
        fail_msg("%s: %s", text, err.msg);
    return t;
}

/* id INT plus the nested columns. */
static void nested_schema(struct hf_schema *s)
{
    memset(s, 0, sizeof *s);
    ft_col(s, "id", ty("INT"));
    ft_col(s, "r", ty("ROW<a INT, b STRING, c ROW<x DOUBLE>>"));
    ft_col(s, "arr", ty("ARRAY<ARRAY<INT>>"));
    ft_col(s, "m", ty("MAP<STRING, DECIMAL(5, 2)>"));
    ft_col(s, "rs", ty("ARRAY<ROW<k STRING, v BOOLEAN>>"));
    ft_col(s, "ms", ty("MULTISET<STRING>"));
    ft_col(s, "ts", ty("ARRAY<TIMESTAMP(3)>"));
    ft_col(s, "by", ty("ARRAY<BYTES>"));
    ft_col(s, "dt", ty("ARRAY<DATE>"));
    ft_col(s, "ti", ty("ARRAY<TINYINT>"));
}

static const char full_rec[] =
    "{\"id\":1,\"r\":{\"a\":2,\"b\":\"x\",\"c\":{\"x\":1.5},\"extra\":1},"
    "\"arr\":[[1,2],[],null,[3,null]],\"m\":{\"k1\":\"1.5\",\"k2\":null},"
    "\"rs\":[{\"k\":\"a\",\"v\":true},null],\"ms\":{\"a\":2,\"b\":1},"
    "\"ts\":[\"2024-01-02 03:04:05.123\"],\"by\":[\"AQI=\"],"
    "\"dt\":[\"2024-01-31\"],\"ti\":[1,-2]}";

static const char full_rows[] =
    "+I(1, (2, x, (1.5)), [[1, 2], [], NULL, [3, NULL]], {k1=1.50, k2=NULL}, "
    "[(a, TRUE), NULL], {a=2, b=1}, [2024-01-02 03:04:05.123], [x'0102'], "
    "[2024-01-31], [1, -2])\n";

/* Written back: the same JSON, extra key gone, decimals at their scale. */
static const char full_json[] =
    "{\"id\":1,\"r\":{\"a\":2,\"b\":\"x\",\"c\":{\"x\":1.5}},"
    "\"arr\":[[1,2],[],null,[3,null]],\"m\":{\"k1\":1.50,\"k2\":null},"
    "\"rs\":[{\"k\":\"a\",\"v\":true},null],\"ms\":{\"a\":2,\"b\":1},"
    "\"ts\":[\"2024-01-02 03:04:05.123\"],\"by\":[\"AQI=\"],"
    "\"dt\":[\"2024-01-31\"],\"ti\":[1,-2]}";

static void test_json_round_trip(void **state)
{
    (void)state;
    struct hf_schema s;
    nested_schema(&s);
    struct ft t;
    ft_open(&t, "json", &s, NULL);
    assert_int_equal(ft_decode(&t, full_rec), 1);
    /* encode the decoded row before ft_rows resets the batch */
    const struct hf_value *row = hf_batch_row(t.b, 0);
    struct hf_strbuf enc;
    hf_strbuf_init(&enc, 0);
    assert_int_equal(t.f->encode(t.enc, row, HF_ROW_INSERT, &enc, &t.err), 0);
    assert_string_equal(enc.data, full_json);
    hf_strbuf_free(&enc);
    assert_string_equal(ft_rows(&t), full_rows);

    /* what Flink's converters do with odd shapes */
    assert_int_equal(ft_decode(&t, "{\"id\":2,\"r\":{\"b\":\"y\"},\"m\":[1,2],"
                                   "\"ms\":\"text\",\"arr\":[[]]}"),
                     1);
    assert_string_equal(ft_rows(&t), "+I(2, (NULL, y, NULL), [[]], {}, NULL, "
                                     "{}, NULL, NULL, NULL, NULL)\n");
    /* a ROW that is not an object fails the record, naming the field */
    assert_int_equal(ft_decode(&t, "{\"r\":5}"), -1);
    assert_non_null(strstr(t.err.msg, "field 'r'"));
    assert_int_equal(ft_decode(&t, "{\"r\":{\"a\":\"zz\"}}"), -1);
    assert_non_null(strstr(t.err.msg, "field 'r.a'"));
    assert_int_equal(ft_decode(&t, "{\"arr\":[[1,\"q\"]]}"), -1);
    assert_non_null(strstr(t.err.msg, "field 'arr[0][1]'"));
    assert_int_equal(ft_decode(&t, "{\"ms\":{\"a\":null}}"), -1);
    assert_non_null(strstr(t.err.msg, "a MULTISET count cannot be null"));
    ft_close(&t);
}

/* ignore-parse-errors: the innermost value that does not convert is NULL
 * (Flink wraps every converter, nested ones included), the row is kept. */
static void test_json_ignore_parse_errors(void **state)
{
    (void)state;
    struct hf_schema s;
    nested_schema(&s);
    struct ft t;
    const char *kv[] = {"json.ignore-parse-errors", "true", NULL};
    ft_open(&t, "json", &s, kv);
    assert_int_equal(ft_decode(&t,
                               "{\"id\":3,\"r\":{\"a\":\"zz\",\"b\":\"ok\"},"
                               "\"arr\":[[1,\"q\"],7],\"m\":{\"k\":\"bad\"},"
                               "\"rs\":[5],\"ti\":[1,300]}"),
                     1);
    assert_string_equal(ft_rows(&t),
                        "+I(3, (NULL, ok, NULL), [[1, NULL], NULL], {k=NULL}, "
                        "[NULL], NULL, NULL, NULL, NULL, [1, NULL])\n");
    assert_int_equal(ft_decode(&t, "{\"id\":4,\"r\":[1]}"), 1);
    assert_string_equal(ft_rows(&t), "+I(4, NULL, NULL, NULL, NULL, NULL, "
                                     "NULL, NULL, NULL, NULL)\n");
    ft_close(&t);
}

static void test_json_fail_on_missing(void **state)
{
    (void)state;
    struct hf_schema s;
    memset(&s, 0, sizeof s);
    ft_col(&s, "r", ty("ROW<a INT, b STRING>"));
    struct ft t;
    const char *kv[] = {"json.fail-on-missing-field", "true", NULL};
    ft_open(&t, "json", &s, kv);
    assert_int_equal(ft_decode(&t, "{\"r\":{\"a\":1,\"b\":null}}"), 1);
    assert_string_equal(ft_rows(&t), "+I((1, NULL))\n");
    assert_int_equal(ft_decode(&t, "{\"r\":{\"a\":1}}"), -1);
    assert_non_null(strstr(t.err.msg, "field 'r.b' is missing"));
    ft_close(&t);
}

/* A NULL map key when writing: map-null-key.mode FAIL / DROP / LITERAL. */
static const char *encode_null_key(const char *mode, const char *literal,
                                   int *rc, char *msg, size_t msgn)
{
    static char out[256];
    struct hf_schema s;
    memset(&s, 0, sizeof s);
    ft_col(&s, "m", ty("MAP<STRING, INT>"));
    struct ft t;
    const char *kv[] = {"json.map-null-key.mode", mode,
                        "json.map-null-key.literal", literal, NULL};
    ft_open(&t, "json", &s, kv);
    struct hf_value *row = hf_batch_add_row(t.b, HF_ROW_INSERT, 1);
    struct hf_array *m = hf_array_new(&t.b->arena, &s.cols[0].type, 3);
    hf_value_set_str(t.b, &m->items[0], "a", 1);
    m->items[1] = (struct hf_value){.v.i = 1};
    m->items[3] = (struct hf_value){.v.i = 2}; /* key items[2] is NULL */
    hf_value_set_str(t.b, &m->items[4], "nk", 2);
    m->items[5] = (struct hf_value){.v.i = 3};
    row[0] = (struct hf_value){.v.a = m};
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    hf_error_clear(&t.err);
    *rc = t.f->encode(t.enc, row, HF_ROW_INSERT, &sb, &t.err);
    snprintf(out, sizeof out, "%s", *rc == 0 ? sb.data : "");
    snprintf(msg, msgn, "%.1000s", t.err.msg);
    hf_strbuf_free(&sb);
    ft_close(&t);
    return out;
}

static void test_json_null_keys(void **state)
{
    (void)state;
    int rc;
    char msg[1100];
    encode_null_key("FAIL", "null", &rc, msg, sizeof msg);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(msg, "field 'm': JSON format doesn't support to "
                                "serialize map data with null keys"));
    assert_string_equal(encode_null_key("DROP", "null", &rc, msg, sizeof msg),
                        "{\"m\":{\"a\":1,\"nk\":3}}");
    assert_string_equal(
        encode_null_key("LITERAL", "NULL_KEY", &rc, msg, sizeof msg),
        "{\"m\":{\"a\":1,\"NULL_KEY\":2,\"nk\":3}}");
    /* the literal names an existing key: one member, at the first place,
     * with the later value (Jackson's ObjectNode.set) */
    assert_string_equal(encode_null_key("LITERAL", "a", &rc, msg, sizeof msg),
                        "{\"m\":{\"a\":2,\"nk\":3}}");
}

/* Flink's JSON format refuses maps whose key is not a string. */
static void test_json_refuses_non_string_keys(void **state)
{
    (void)state;
    const char *types[] = {"MAP<INT, STRING>", "ROW<x MAP<BIGINT, INT>>",
                           "MULTISET<INT>", "ARRAY<MAP<DATE, INT>>"};
    const char *formats[] = {"json", "debezium-json", "canal-json",
                             "maxwell-json"};
    for (size_t k = 0; k < 4; k++) {
        struct hf_schema s;
        memset(&s, 0, sizeof s);
        ft_col(&s, "col", ty(types[k]));
        struct ft t;
        char prefix[64];
        snprintf(prefix, sizeof prefix, "%s.", formats[k]);
        assert_int_equal(ft_setup_opts(&t, formats[k], prefix, &s, NULL), -1);
        if (strstr(t.err.msg, "JSON format doesn't support non-string as key "
                              "type of map") == NULL ||
            strstr(t.err.msg, "column 'col'") == NULL)
            fail_msg("%s %s: %s", formats[k], types[k], t.err.msg);
        hf_opts_free(&t.opts);
        hf_strbuf_free(&t.text);
        hf_schema_free(&s);
    }
}

/* The CDC members of the family read and write nested values too. */
static void test_cdc_nested(void **state)
{
    (void)state;
    struct {
        const char *fmt, *rec, *rows, *enc;
    } cases[] = {
        {"debezium-json",
         "{\"before\":{\"id\":1,\"r\":{\"a\":1,\"b\":\"old\"},\"t\":[\"x\"],"
         "\"m\":{}},\"after\":{\"id\":1,\"r\":{\"a\":2,\"b\":\"new\"},"
         "\"t\":[\"x\",\"y\"],\"m\":{\"k\":[1]}},\"op\":\"u\"}",
         "-U(1, (1, old), [x], {})\n+U(1, (2, new), [x, y], {k=[1]})\n",
         "{\"before\":null,\"after\":{\"id\":1,\"r\":{\"a\":2,\"b\":\"new\"},"
         "\"t\":[\"x\",\"y\"],\"m\":{\"k\":[1]}},\"op\":\"c\"}"},
        {"canal-json",
         "{\"data\":[{\"id\":\"5\",\"r\":{\"a\":\"7\",\"b\":\"c\"},"
         "\"t\":[\"p\"],\"m\":{\"z\":[2,3]}}],\"type\":\"INSERT\"}",
         "+I(5, (7, c), [p], {z=[2, 3]})\n",
         "{\"data\":[{\"id\":5,\"r\":{\"a\":7,\"b\":\"c\"},\"t\":[\"p\"],"
         "\"m\":{\"z\":[2,3]}}],\"type\":\"INSERT\"}"},
        {"maxwell-json",
         "{\"database\":\"d\",\"table\":\"t\",\"type\":\"insert\","
         "\"data\":{\"id\":9,\"r\":null,\"t\":[],\"m\":{\"q\":null}}}",
         "+I(9, NULL, [], {q=NULL})\n",
         "{\"data\":{\"id\":9,\"r\":null,\"t\":[],\"m\":{\"q\":null}},"
         "\"type\":\"insert\"}"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct hf_schema s;
        memset(&s, 0, sizeof s);
        ft_col(&s, "id", ty("BIGINT"));
        ft_col(&s, "r", ty("ROW<a INT, b STRING>"));
        ft_col(&s, "t", ty("ARRAY<STRING>"));
        ft_col(&s, "m", ty("MAP<STRING, ARRAY<INT>>"));
        struct ft t;
        ft_open(&t, cases[k].fmt, &s, NULL);
        int n = ft_decode(&t, cases[k].rec);
        if (n < 1)
            fail_msg("%s: %s", cases[k].fmt, t.err.msg);
        const struct hf_value *last = hf_batch_row(t.b, t.b->nrows - 1);
        struct hf_strbuf enc;
        hf_strbuf_init(&enc, 0);
        assert_int_equal(t.f->encode(t.enc, last, HF_ROW_INSERT, &enc, &t.err),
                         0);
        assert_string_equal(enc.data, cases[k].enc);
        hf_strbuf_free(&enc);
        assert_string_equal(ft_rows(&t), cases[k].rows);
        ft_close(&t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_round_trip),
        cmocka_unit_test(test_json_ignore_parse_errors),
        cmocka_unit_test(test_json_fail_on_missing),
        cmocka_unit_test(test_json_null_keys),
        cmocka_unit_test(test_json_refuses_non_string_keys),
        cmocka_unit_test(test_cdc_nested),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
