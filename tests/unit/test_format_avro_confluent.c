/*
 * test_format_avro_confluent.c - the pieces of the avro-confluent formats
 * that need no registry, against reference bytes built by hand from the
 * Avro specification (zig-zag varints, little-endian floats, length-
 * prefixed strings, union branch numbers, blocks of arrays and maps with
 * negative counts) and Confluent's wire format (magic byte 0, 4-byte
 * big-endian id):
 *   - resolution of a writer's record into the table's columns: fields by
 *     name in another order, a skipped map, Avro's promotions, enum to
 *     string, a null union branch, a fixed decimal scaled up, an array,
 *     a column the writer lacks;
 *   - every refusal: a declared length past the record's end, a union
 *     branch that does not exist, types that cannot match, a larger writer
 *     scale, a NOT NULL column without field, a reader schema without
 *     default;
 *   - the encoder's record bytes (the part after the 5-byte header);
 *   - the header checks of the decoder (no registry is asked for them);
 *   - option checks, and the URL's password hidden from logs.
 * The registry itself (register, fetch by id, retries, auth) is tested by
 * tests/integration/test_kafka_avro_confluent.sh with a stand-in registry.
 */
#include "fmt_test_helpers.h"

#include "core/log.h"
#include "formats/avro_int.h"
#include "formats/avro_resolve.h"

/* Hex text to bytes; returns the count. */
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

static const char writer_json[] =
    "{\"type\":\"record\",\"name\":\"W\",\"namespace\":\"x.y\",\"fields\":["
    "{\"name\":\"skip\",\"type\":{\"type\":\"map\",\"values\":\"long\"}},"
    "{\"name\":\"i\",\"type\":\"int\"},"
    "{\"name\":\"l\",\"type\":\"long\"},"
    "{\"name\":\"f\",\"type\":\"float\"},"
    "{\"name\":\"s\",\"type\":\"string\"},"
    "{\"name\":\"b\",\"type\":\"bytes\"},"
    "{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"E\","
    "\"symbols\":[\"X\",\"Y\"]}},"
    "{\"name\":\"u\",\"type\":[\"string\",\"null\"]},"
    "{\"name\":\"d\",\"type\":{\"type\":\"fixed\",\"name\":\"F\",\"size\":2,"
    "\"logicalType\":\"decimal\",\"precision\":4,\"scale\":1}},"
    "{\"name\":\"a\",\"type\":{\"type\":\"array\",\"items\":\"int\"}},"
    "{\"name\":\"ts\",\"type\":{\"type\":\"long\","
    "\"logicalType\":\"timestamp-micros\"}},"
    "{\"name\":\"again\",\"type\":\"E\"}]}";

/* The record, byte by byte:
 *   skip: a map block of count -1 (01) and size 3 (06): key "k" (02 6b),
 *         value 5 (0a); then the end block (00)
 *   i: -64 (7f)   l: 64 (80 01)   f: 1.5f little-endian (00 00 c0 3f)
 *   s: "foo" (06 66 6f 6f)   b: 2 bytes 01 ff (04 01 ff)
 *   e: symbol 1 "Y" (02)   u: branch 1, null (02)
 *   d: fixed 2 bytes ff fb = -5 unscaled, scale 1 (-0.5)
 *   a: a block of 2 (04), 1 (02), 2 (04), end (00)
 *   ts: 1 microsecond (02)   again: symbol 0 "X" (00) */
static const char record_hex[] = "01 06 02 6b 0a 00"
                                 "7f 8001 0000c03f 06666f6f 0401ff 02 02"
                                 "fffb 04 02 04 00 02 00";

static void targets(const struct hf_schema *s, struct hf_avr_target *t)
{
    for (uint32_t i = 0; i < s->ncols; i++) {
        t[i].name = s->cols[i].name;
        t[i].type = s->cols[i].type;
        t[i].col = i;
        t[i].def = NULL;
    }
}

/* Decode hex `rec` with writer schema `wjson` into the columns of `s`:
 * the row as text, or the error message. */
static const char *resolve(struct hf_schema *s, const char *wjson,
                           const char *rec, struct hf_strbuf *out)
{
    struct hf_error err;
    hf_error_clear(&err);
    hf_strbuf_reset(out);
    struct hf_avs_schema *ws = NULL;
    if (hf_avs_parse(wjson, strlen(wjson), &ws, &err) != 0) {
        hf_strbuf_puts(out, err.msg);
        return out->data;
    }
    struct hf_avr_target t[32];
    targets(s, t);
    struct hf_avr_plan *p = NULL;
    if (hf_avr_plan_new(hf_avs_root(ws), t, s->ncols, &p, &err) != 0) {
        hf_strbuf_puts(out, err.msg);
        hf_avs_free(ws);
        return out->data;
    }
    unsigned char bytes[256];
    size_t n = unhex(rec, bytes);
    struct hf_batch *b = hf_batch_new(s->ncols, 4);
    struct hf_value *row = hf_batch_add_row(b, HF_ROW_INSERT, 0);
    struct hf_avs_cursor cur = {bytes, n, 0};
    if (hf_avr_read(p, &cur, b, row, &err) != 0) {
        hf_strbuf_puts(out, err.msg);
    } else {
        if (cur.i != n)
            hf_strbuf_printf(out, "[%zu bytes left] ", n - cur.i);
        for (uint32_t c = 0; c < s->ncols; c++) {
            if (c)
                hf_strbuf_puts(out, ", ");
            if (row[c].null)
                hf_strbuf_puts(out, "NULL");
            else
                hf_value_to_text(&s->cols[c].type, &row[c], out);
        }
    }
    hf_batch_destroy(b);
    hf_avr_plan_free(p);
    hf_avs_free(ws);
    return out->data;
}

static void test_resolve_reference_bytes(void **state)
{
    (void)state;
    struct hf_schema s = {0};
    /* Columns in another order than the writer's fields. */
    ft_col(&s, "again", ft_type(HF_VARCHAR));
    ft_col(&s, "a", ft_array(HF_BIGINT));
    ft_col(&s, "d", ft_dec(6, 2));
    ft_col(&s, "u", ft_type(HF_VARCHAR));
    ft_col(&s, "e", ft_type(HF_VARCHAR));
    ft_col(&s, "b", ft_type(HF_BYTES));
    ft_col(&s, "s", ft_type(HF_VARCHAR));
    ft_col(&s, "f", ft_type(HF_DOUBLE));
    ft_col(&s, "l", ft_type(HF_BIGINT));
    ft_col(&s, "i", ft_type(HF_INT));
    ft_col(&s, "missing", ft_type(HF_INT));
    ft_col(&s, "ts", ft_ts(HF_TIMESTAMP, 6));
    struct hf_strbuf out;
    hf_strbuf_init(&out, 0);
    assert_string_equal(
        resolve(&s, writer_json, record_hex, &out),
        "X, [1, 2], -0.50, NULL, Y, x'01ff', foo, 1.5, 64, -64, "
        "NULL, 1970-01-01 00:00:00.000001");
    hf_strbuf_free(&out);
    hf_schema_free(&s);
}

static void test_resolve_refusals(void **state)
{
    (void)state;
    struct hf_strbuf out;
    hf_strbuf_init(&out, 0);
    const char *w = "{\"type\":\"record\",\"name\":\"R\",\"fields\":["
                    "{\"name\":\"s\",\"type\":\"string\"},"
                    "{\"name\":\"u\",\"type\":[\"null\",\"long\"]}]}";
    struct hf_schema s = {0};
    ft_col(&s, "s", ft_type(HF_VARCHAR));
    ft_col(&s, "u", ft_type(HF_BIGINT));
    assert_string_equal(resolve(&s, w, "06 6162", &out),
                        "field 's': the value declares a length of 3 bytes, "
                        "but the record has 2 bytes left");
    assert_string_equal(resolve(&s, w, "00 04", &out),
                        "field 'u': union branch 2 does not exist (the union "
                        "has 2)");
    assert_string_equal(resolve(&s, w, "00 02", &out),
                        "field 'u': the record ends inside a number (at byte "
                        "2)");
    assert_string_equal(resolve(&s, w, "02 61 02 7f", &out), "a, -64");
    hf_schema_free(&s);

    /* long -> INT is no promotion; a larger writer scale would round. */
    struct hf_schema s2 = {0};
    ft_col(&s2, "u", ft_type(HF_INT));
    assert_string_equal(resolve(&s2, w, "00 00", &out),
                        "field 'u': the writer's long cannot be read as INT");
    hf_schema_free(&s2);
    struct hf_schema s3 = {0};
    ft_col(&s3, "d", ft_dec(10, 1));
    assert_string_equal(
        resolve(&s3,
                "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":"
                "\"d\",\"type\":{\"type\":\"bytes\",\"logicalType\":"
                "\"decimal\",\"precision\":10,\"scale\":2}}]}",
                "02 05", &out),
        "field 'd': the writer's bytes (decimal(10, 2)) cannot be read as "
        "DECIMAL(10, 1) (the writer's scale is larger: holoflow does not "
        "round silently)");
    hf_schema_free(&s3);

    /* A NOT NULL column the writer lacks. */
    struct hf_schema s4 = {0};
    struct hf_type nn = ft_type(HF_INT);
    nn.not_null = true;
    ft_col(&s4, "k", nn);
    assert_string_equal(resolve(&s4, w, "00 00", &out),
                        "the writer's record R has no field 'k', and column "
                        "'k' INT is NOT NULL");
    hf_schema_free(&s4);

    /* Not a record; not JSON; an unknown named type. */
    struct hf_schema s5 = {0};
    ft_col(&s5, "x", ft_type(HF_INT));
    assert_string_equal(resolve(&s5, "\"string\"", "00", &out),
                        "the writer's schema is string, not a record");
    assert_non_null(strstr(resolve(&s5, "{\"type\":", "00", &out),
                           "avro schema: not JSON"));
    assert_string_equal(
        resolve(&s5,
                "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":"
                "\"x\",\"type\":\"Nope\"}]}",
                "00", &out),
        "avro schema: schema.x: unknown type 'Nope'");
    hf_schema_free(&s5);
    hf_strbuf_free(&out);
}

/* Arrays and maps with huge declared counts are refused before anything
 * is allocated or looped over. */
static void test_resolve_counts(void **state)
{
    (void)state;
    struct hf_strbuf out;
    hf_strbuf_init(&out, 0);
    struct hf_schema s = {0};
    ft_col(&s, "a", ft_array(HF_INT));
    const char *w = "{\"type\":\"record\",\"name\":\"R\",\"fields\":["
                    "{\"name\":\"m\",\"type\":{\"type\":\"map\",\"values\":"
                    "\"null\"}},"
                    "{\"name\":\"a\",\"type\":{\"type\":\"array\",\"items\":"
                    "[\"null\",\"int\"]}}]}";
    /* map: 2^62 entries of nothing: each still has a key (1 byte). */
    assert_string_equal(resolve(&s, w, "feffffffffffffff7f", &out),
                        "field 'm': a block declares 4611686018427387903 "
                        "elements, but the record has 0 bytes left");
    /* array of 2 nullable ints: one null, one 3. */
    assert_string_equal(resolve(&s, w, "00 04 00 02 06 00", &out), "[NULL, 3]");
    hf_schema_free(&s);
    hf_strbuf_free(&out);
}

static void test_encoder_bytes(void **state)
{
    (void)state;
    struct hf_schema s = {0};
    struct hf_type id = ft_type(HF_BIGINT);
    id.not_null = true;
    ft_col(&s, "id", id);
    ft_col(&s, "name", ft_type(HF_VARCHAR));
    ft_col(&s, "price", ft_dec(10, 2));
    ft_col(&s, "ts", ft_ts(HF_TIMESTAMP, 3));
    uint32_t cols[] = {0, 1, 2, 3};
    struct hf_avro_codec *c = NULL;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(hf_avro_codec_new(&s, cols, 4, true, NULL, &c, &err), 0);
    struct hf_batch *b = hf_batch_new(4, 4);
    struct hf_value *row = hf_batch_add_row(b, HF_ROW_INSERT, 0);
    struct hf_error e;
    hf_error_clear(&e);
    const char *vals[] = {"1", "ab", "1.50", "2024-01-02 03:04:05.678"};
    for (int i = 0; i < 4; i++)
        assert_int_equal(hf_value_from_text(&s.cols[i].type, vals[i],
                                            strlen(vals[i]), ';', b, &row[i],
                                            &e),
                         0);
    struct hf_strbuf out;
    hf_strbuf_init(&out, 0);
    assert_int_equal(hf_avro_codec_encode(c, row, &out, &err), 0);
    /* id 1 (02); name branch 1, "ab" (02 04 61 62); price branch 1, 150 as
     * 2 bytes (02 04 00 96); ts branch 1, 1704164645678 ms as a zig-zag
     * varint (02 dc ec 86 82 99 63). */
    unsigned char want[64];
    size_t n = unhex("02 02046162 02040096 02dcec86829963", want);
    assert_int_equal(out.len, n);
    assert_memory_equal(out.data, want, n);
    /* Flink's derived schema: nullable fields default to null. */
    assert_string_equal(
        hf_avro_codec_schema(c),
        "{\"type\":\"record\",\"name\":\"record\",\"namespace\":\"org.apache."
        "flink.avro.generated\",\"fields\":[{\"name\":\"id\",\"type\":"
        "\"long\"},{\"name\":\"name\",\"type\":[\"null\",\"string\"],"
        "\"default\":null},{\"name\":\"price\",\"type\":[\"null\",{\"type\":"
        "\"bytes\",\"logicalType\":\"decimal\",\"precision\":10,\"scale\":2}],"
        "\"default\":null},{\"name\":\"ts\",\"type\":[\"null\",{\"type\":"
        "\"long\",\"logicalType\":\"timestamp-millis\"}],\"default\":null}]}");
    /* The bytes read back with that schema as the writer's. */
    struct hf_strbuf txt;
    hf_strbuf_init(&txt, 0);
    char hex[128] = "";
    for (size_t i = 0; i < out.len; i++)
        snprintf(hex + 2 * i, 3, "%02x", (unsigned char)out.data[i]);
    assert_string_equal(resolve(&s, hf_avro_codec_schema(c), hex, &txt),
                        "1, ab, 1.50, 2024-01-02 03:04:05.678");
    hf_strbuf_free(&txt);
    hf_strbuf_free(&out);
    hf_batch_destroy(b);
    hf_avro_codec_free(c);
    hf_schema_free(&s);
}

/* The wire format's header is checked before the registry is asked: the
 * URL points nowhere. */
static void test_header_checks(void **state)
{
    (void)state;
    struct hf_schema *s = calloc(1, sizeof *s);
    ft_col(s, "id", ft_type(HF_BIGINT));
    const char *kv[] = {"avro-confluent.url", "http://127.0.0.1:9", NULL};
    struct ft t;
    ft_open(&t, "avro-confluent", s, kv);
    assert_int_equal(ft_decode(&t, "{\"id\":1}"), -1);
    assert_string_equal(t.err.msg,
                        "avro-confluent: the record starts with byte 0x7b, "
                        "not the magic byte 0 of Confluent's wire format (is "
                        "the topic written by a schema-registry "
                        "serializer?)");
    hf_error_clear(&t.err);
    assert_int_equal(t.f->decode(t.dec, "\0\0\0", 3, 0, t.b, &t.err), -1);
    assert_string_equal(t.err.msg, "avro-confluent: the record has 3 bytes, "
                                   "fewer than the 5 of the wire format's "
                                   "header");
    /* An empty message (a tombstone) is no row. */
    hf_error_clear(&t.err);
    assert_int_equal(t.f->decode(t.dec, "", 0, 0, t.b, &t.err), 0);
    /* Writing without subject nor topic: Flink's rule. */
    struct hf_value row[1];
    memset(row, 0, sizeof row);
    hf_strbuf_reset(&t.text);
    hf_error_clear(&t.err);
    assert_int_equal(t.f->encode(t.enc, row, HF_ROW_INSERT, &t.text, &t.err),
                     -1);
    assert_string_equal(t.err.msg,
                        "avro-confluent: option 'avro-confluent.subject' is "
                        "required for serialization (kafka and upsert-kafka "
                        "tables with one topic default it to "
                        "'<topic>-value')");
    ft_close(&t);
    free(s);
}

static void test_options(void **state)
{
    (void)state;
    struct hf_schema s = {0};
    ft_col(&s, "id", ft_type(HF_BIGINT));
    struct ft t;
    const char *sasl[] = {"avro-confluent.url", "http://r:8081",
                          "avro-confluent.basic-auth.credentials-source",
                          "SASL_INHERIT", NULL};
    assert_int_equal(
        ft_setup_opts(&t, "avro-confluent", "avro-confluent.", &s, sasl), -1);
    assert_non_null(strstr(t.err.msg, "'SASL_INHERIT' is not supported"));
    hf_opts_free(&t.opts);
    hf_strbuf_free(&t.text);
    const char *noinfo[] = {
        "avro-confluent.schema-registry.url", "http://r:8081",
        "avro-confluent.basic-auth.credentials-source", "USER_INFO", NULL};
    assert_int_equal(
        ft_setup_opts(&t, "avro-confluent", "avro-confluent.", &s, noinfo), -1);
    assert_non_null(strstr(t.err.msg, "needs 'avro-confluent.basic-auth."
                                      "user-info'"));
    hf_opts_free(&t.opts);
    hf_strbuf_free(&t.text);
    const char *both[] = {"avro-confluent.url",
                          "http://r:8081",
                          "avro-confluent.basic-auth.user-info",
                          "u:p",
                          "avro-confluent.bearer-auth.token",
                          "tok",
                          NULL};
    assert_int_equal(
        ft_setup_opts(&t, "avro-confluent", "avro-confluent.", &s, both), -1);
    assert_non_null(strstr(t.err.msg, "give one"));
    hf_opts_free(&t.opts);
    hf_strbuf_free(&t.text);
    const char *notrec[] = {"avro-confluent.url", "http://r:8081",
                            "avro-confluent.schema", "\"string\"", NULL};
    assert_int_equal(
        ft_setup_opts(&t, "avro-confluent", "avro-confluent.", &s, notrec), -1);
    assert_string_equal(t.err.msg,
                        "'avro-confluent.schema' must be an Avro record");
    hf_opts_free(&t.opts);
    hf_strbuf_free(&t.text);
    /* The password in the URL is hidden from logs from the start. */
    const char *pw[] = {"avro-confluent.url", "http://bob:pw-in-url@r:8081",
                        NULL};
    assert_int_equal(
        ft_setup_opts(&t, "avro-confluent", "avro-confluent.", &s, pw), 0);
    char line[] = "connecting to http://bob:pw-in-url@r:8081";
    hf_scrub(line, sizeof line);
    assert_null(strstr(line, "pw-in-url"));
    hf_opts_free(&t.opts);
    hf_strbuf_free(&t.text);
    hf_schema_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolve_reference_bytes),
        cmocka_unit_test(test_resolve_refusals),
        cmocka_unit_test(test_resolve_counts),
        cmocka_unit_test(test_encoder_bytes),
        cmocka_unit_test(test_header_checks),
        cmocka_unit_test(test_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
