/*
 * test_format_avro_nested.c - nested values in the Avro formats: the
 * schema derived from a table with ROW, MAP, MULTISET and ARRAY columns is
 * exactly Flink's AvroSchemaConverter's (record names by path, nullable
 * unions with null defaults, map values, multiset counts), a row encodes
 * to the bytes the Avro specification gives (hand-built here), decodes
 * back, and records written with another schema (a schema registry's
 * writer) resolve into the nested columns by field name; non-string map
 * keys are refused as Flink refuses them.
 */
#include "fmt_test_helpers.h"

#include "formats/avro_int.h"
#include "formats/avro_resolve.h"
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

static size_t unhex(const char *h, unsigned char *out)
{
    size_t n = 0;
    for (; h[0] && h[1]; h += 2) {
        while (*h == ' ')
            h++;
        unsigned v;
        assert_int_equal(sscanf(h, "%2x", &v), 1);
        out[n++] = (unsigned char)v;
    }
    return n;
}

static void nested_schema(struct hf_schema *s)
{
    memset(s, 0, sizeof s[0]);
    ft_col(s, "id", ty("INT NOT NULL"));
    ft_col(s, "r", ty("ROW<a INT, b ROW<c STRING>>"));
    ft_col(s, "m", ty("MAP<STRING, BIGINT NOT NULL>"));
    ft_col(s, "l", ty("ARRAY<ROW<x DOUBLE NOT NULL>>"));
    ft_col(s, "ms", ty("MULTISET<STRING>"));
}

/* AvroSchemaConverter.convertToSchema of the table, as JSON. */
static const char want_schema[] =
    "{\"type\":\"record\",\"name\":\"record\","
    "\"namespace\":\"org.apache.flink.avro.generated\",\"fields\":["
    "{\"name\":\"id\",\"type\":\"int\"},"
    "{\"name\":\"r\",\"type\":[\"null\",{\"type\":\"record\","
    "\"name\":\"record_r\",\"fields\":["
    "{\"name\":\"a\",\"type\":[\"null\",\"int\"],\"default\":null},"
    "{\"name\":\"b\",\"type\":[\"null\",{\"type\":\"record\","
    "\"name\":\"record_r_b\",\"fields\":["
    "{\"name\":\"c\",\"type\":[\"null\",\"string\"],\"default\":null}]}],"
    "\"default\":null}]}],\"default\":null},"
    "{\"name\":\"m\",\"type\":[\"null\",{\"type\":\"map\",\"values\":\"long\"}],"
    "\"default\":null},"
    "{\"name\":\"l\",\"type\":[\"null\",{\"type\":\"array\",\"items\":[\"null\","
    "{\"type\":\"record\",\"name\":\"record_l\",\"fields\":["
    "{\"name\":\"x\",\"type\":\"double\"}]}]}],\"default\":null},"
    "{\"name\":\"ms\",\"type\":[\"null\",{\"type\":\"map\",\"values\":"
    "[\"null\",\"int\"]}],\"default\":null}]}";

/* The row (1, (5, ('hi')), {k=7}, [(1.5), NULL], NULL) byte by byte:
 *   id 1 (02)
 *   r: branch 1 (02); a: branch 1, 5 (02 0a); b: branch 1 (02), c: branch
 *      1, "hi" (02 04 68 69)
 *   m: branch 1 (02); a block of 1 (02): key "k" (02 6b), 7 (0e); end (00)
 *   l: branch 1 (02); a block of 2 (04): branch 1 (02), 1.5 as a double
 *      little-endian (00 00 00 00 00 00 f8 3f); branch 0 (00); end (00)
 *   ms: branch 0, null (00) */
static const char row_hex[] = "02"
                              "02 020a 02 02 046869"
                              "02 02 026b 0e 00"
                              "02 04 02 000000000000f83f 00 00"
                              "00";
static const char row_text[] =
    "+I(1, (5, (hi)), {k=7}, [(1.5), NULL], NULL)\n";

static void test_schema_and_bytes(void **state)
{
    (void)state;
    struct hf_schema s;
    nested_schema(&s);
    struct ft t;
    ft_open(&t, "avro", &s, NULL);
    /* the schema text */
    uint32_t cols[5] = {0, 1, 2, 3, 4};
    struct hf_avro_codec *codec = NULL;
    struct hf_error err;
    assert_int_equal(hf_avro_codec_new(&s, cols, 5, true, NULL, &codec, &err),
                     0);
    assert_string_equal(hf_avro_codec_schema(codec), want_schema);
    hf_avro_codec_free(codec);

    /* decode the reference bytes, encode the row back to them */
    unsigned char bytes[128];
    size_t n = unhex(row_hex, bytes);
    hf_error_clear(&t.err);
    assert_int_equal(t.f->decode(t.dec, (const char *)bytes, n, 1, t.b, &t.err),
                     1);
    const struct hf_value *row = hf_batch_row(t.b, 0);
    struct hf_strbuf enc;
    hf_strbuf_init(&enc, 0);
    assert_int_equal(t.f->encode(t.enc, row, HF_ROW_INSERT, &enc, &t.err), 0);
    assert_int_equal(enc.len, n);
    assert_memory_equal(enc.data, bytes, n);
    hf_strbuf_free(&enc);
    assert_string_equal(ft_rows(&t), row_text);

    /* a record that declares more than it has fails, naming the field */
    unsigned char bad[] = {0x02, 0x00, 0x00, 0x02, 0x7e};
    hf_error_clear(&t.err);
    assert_int_equal(t.f->decode(t.dec, (const char *)bad, sizeof bad, 1, t.b,
                                 &t.err),
                     -1);
    assert_non_null(strstr(t.err.msg, "field 'l'"));
    ft_close(&t);
}

static void test_null_key_refused(void **state)
{
    (void)state;
    struct hf_schema s;
    memset(&s, 0, sizeof s);
    ft_col(&s, "m", ty("MAP<STRING, INT>"));
    struct ft t;
    ft_open(&t, "avro", &s, NULL);
    struct hf_value *row = hf_batch_add_row(t.b, HF_ROW_INSERT, 1);
    struct hf_array *m = hf_array_new(&t.b->arena, &s.cols[0].type, 1);
    row[0] = (struct hf_value){.v.a = m}; /* key NULL, value NULL */
    struct hf_strbuf enc;
    hf_strbuf_init(&enc, 0);
    hf_error_clear(&t.err);
    assert_int_equal(t.f->encode(t.enc, row, HF_ROW_INSERT, &enc, &t.err), -1);
    assert_non_null(strstr(t.err.msg, "a MAP key is NULL"));
    hf_strbuf_free(&enc);
    ft_close(&t);
}

static void test_non_string_keys(void **state)
{
    (void)state;
    const char *formats[] = {"avro", "avro-confluent"};
    for (int k = 0; k < 2; k++) {
        struct hf_schema s;
        memset(&s, 0, sizeof s);
        ft_col(&s, "m", ty("ROW<x MAP<INT, STRING>>"));
        struct ft t;
        char prefix[64];
        snprintf(prefix, sizeof prefix, "%s.", formats[k]);
        char key[80];
        snprintf(key, sizeof key, "%surl", prefix);
        const char *kv[] = {key, "http://localhost:1", NULL};
        assert_int_equal(
            ft_setup_opts(&t, formats[k], prefix, &s, k ? kv : NULL), -1);
        if (strstr(t.err.msg, "column 'm': Avro format doesn't support "
                              "non-string as key type of map. The key type "
                              "is: INT") == NULL)
            fail_msg("%s: %s", formats[k], t.err.msg);
        hf_opts_free(&t.opts);
        hf_strbuf_free(&t.text);
        hf_schema_free(&s);
    }
}

/* A writer schema of another shape: records named otherwise, fields in
 * another order, an extra field, a union of int and long map values. */
static const char writer_json[] =
    "{\"type\":\"record\",\"name\":\"Envelope\",\"namespace\":\"w\","
    "\"fields\":["
    "{\"name\":\"extra\",\"type\":\"string\"},"
    "{\"name\":\"r\",\"type\":{\"type\":\"record\",\"name\":\"Inner\","
    "\"fields\":[{\"name\":\"b\",\"type\":[\"null\",{\"type\":\"record\","
    "\"name\":\"B\",\"fields\":[{\"name\":\"zz\",\"type\":\"int\"},"
    "{\"name\":\"c\",\"type\":\"string\"}]}]},"
    "{\"name\":\"a\",\"type\":\"int\"}]}},"
    "{\"name\":\"id\",\"type\":\"int\"},"
    "{\"name\":\"m\",\"type\":{\"type\":\"map\",\"values\":[\"int\","
    "\"long\"]}},"
    "{\"name\":\"l\",\"type\":{\"type\":\"array\",\"items\":{\"type\":"
    "\"record\",\"name\":\"L\",\"fields\":[{\"name\":\"x\",\"type\":"
    "\"float\"}]}}}]}";
/*   extra "q" (02 71)
 *   r: b branch 1 (02), zz 3 (06), c "z" (02 7a); a -1 (01)
 *   id 9 (12)
 *   m: block of -2 entries with its size 6 (03 0c): "u" int 1 (02 75 00
 *      02), "v" long 2 (02 76 02 04); end (00)
 *   l: block of 1 (02): x 2.0f (00 00 00 40); end (00)
 *   (ms: not in the writer: NULL) */
static const char writer_hex[] = "0271"
                                 "02 06 027a 01"
                                 "12"
                                 "03 0c 0275 00 02 0276 02 04 00"
                                 "02 00000040 00";

static void test_resolve_nested(void **state)
{
    (void)state;
    struct hf_schema s;
    nested_schema(&s);
    struct hf_error err;
    hf_error_clear(&err);
    struct hf_avs_schema *ws = NULL;
    assert_int_equal(
        hf_avs_parse(writer_json, strlen(writer_json), &ws, &err), 0);
    struct hf_avr_target tg[5];
    for (uint32_t i = 0; i < 5; i++)
        tg[i] = (struct hf_avr_target){s.cols[i].name, s.cols[i].type, i, NULL};
    struct hf_avr_plan *p = NULL;
    if (hf_avr_plan_new(hf_avs_root(ws), tg, 5, &p, &err) != 0)
        fail_msg("%s", err.msg);
    unsigned char bytes[128];
    size_t n = unhex(writer_hex, bytes);
    struct hf_batch *b = hf_batch_new(5, 4);
    struct hf_value *row = hf_batch_add_row(b, HF_ROW_INSERT, 0);
    struct hf_avs_cursor cur = {bytes, n, 0};
    if (hf_avr_read(p, &cur, b, row, &err) != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(cur.i, n);
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    for (uint32_t c = 0; c < 5; c++) {
        if (c)
            hf_strbuf_puts(&sb, ", ");
        if (row[c].null)
            hf_strbuf_puts(&sb, "NULL");
        else
            hf_value_to_text(&s.cols[c].type, &row[c], &sb);
    }
    assert_string_equal(sb.data, "9, (-1, (z)), {u=1, v=2}, [(2.0)], NULL");
    hf_strbuf_free(&sb);
    hf_batch_destroy(b);
    hf_avr_plan_free(p);

    /* a writer field that cannot fill the nested column is refused */
    const char bad_json[] =
        "{\"type\":\"record\",\"name\":\"W\",\"fields\":["
        "{\"name\":\"id\",\"type\":\"int\"},"
        "{\"name\":\"r\",\"type\":{\"type\":\"record\",\"name\":\"R\","
        "\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}}]}";
    hf_avs_free(ws);
    ws = NULL;
    assert_int_equal(hf_avs_parse(bad_json, strlen(bad_json), &ws, &err), 0);
    assert_int_equal(hf_avr_plan_new(hf_avs_root(ws), tg, 5, &p, &err), -1);
    assert_non_null(strstr(err.msg, "field 'r': the writer's record R cannot "
                                    "be read as ROW"));
    hf_avs_free(ws);
    hf_schema_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema_and_bytes),
        cmocka_unit_test(test_null_key_refused),
        cmocka_unit_test(test_non_string_keys),
        cmocka_unit_test(test_resolve_nested),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
