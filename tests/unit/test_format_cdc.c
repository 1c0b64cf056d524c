/*
 * test_format_cdc.c - the changelog formats debezium-json, canal-json and
 * maxwell-json: the rows and RowKinds they produce for the examples of
 * Flink's documentation (the products table, id 111 "scooter"), deletes,
 * DDL and tombstones, filters, errors naming the field or the envelope
 * problem, skipped bad records with their rows rolled back, column subsets,
 * and the exact JSON their encoders write.
 */
#include "fmt_test_helpers.h"

/* ------------------------------------------------------------ debezium */

/* Flink's debezium-json documentation: an update of products row 111. */
static const char debezium_update[] =
    "{\n"
    "  \"before\": {\n"
    "    \"id\": 111,\n"
    "    \"name\": \"scooter\",\n"
    "    \"description\": \"Big 2-wheel scooter\",\n"
    "    \"weight\": 5.18\n"
    "  },\n"
    "  \"after\": {\n"
    "    \"id\": 111,\n"
    "    \"name\": \"scooter\",\n"
    "    \"description\": \"Big 2-wheel scooter\",\n"
    "    \"weight\": 5.15\n"
    "  },\n"
    "  \"source\": {\"db\": \"inventory\", \"table\": \"products\"},\n"
    "  \"op\": \"u\",\n"
    "  \"ts_ms\": 1589362330904,\n"
    "  \"transaction\": null\n"
    "}";

static void test_debezium_doc_example(void **state)
{
    (void)state;
    struct hf_schema s;
    ft_products(&s);
    struct ft t;
    ft_open(&t, "debezium-json", &s, NULL);
    assert_int_equal(ft_decode(&t, debezium_update), 2);
    assert_string_equal(ft_rows(&t),
                        "-U(111, scooter, Big 2-wheel scooter, 5.18)\n"
                        "+U(111, scooter, Big 2-wheel scooter, 5.15)\n");

    assert_int_equal(
        ft_decode(&t, "{\"before\":null,\"after\":{\"id\":101,\"name\":"
                      "\"scooter\",\"description\":\"Small 2-wheel "
                      "scooter\",\"weight\":3.14},\"op\":\"c\"}"),
        1);
    assert_int_equal(ft_decode(&t, "{\"before\":null,\"after\":{\"id\":102,"
                                   "\"name\":\"car battery\"},\"op\":\"r\"}"),
                     1);
    assert_int_equal(
        ft_decode(&t, "{\"before\":{\"id\":111,\"name\":\"scooter\","
                      "\"description\":\"Big 2-wheel scooter\",\"weight\":"
                      "5.17},\"after\":null,\"op\":\"d\"}"),
        1);
    /* the tombstone Debezium sends after a delete */
    assert_int_equal(ft_decode(&t, ""), 0);
    assert_int_equal(ft_decode(&t, "null"), 0);
    assert_string_equal(ft_rows(&t),
                        "+I(101, scooter, Small 2-wheel scooter, 3.14)\n"
                        "+I(102, car battery, NULL, NULL)\n"
                        "-D(111, scooter, Big 2-wheel scooter, 5.17)\n");
    ft_close(&t);
}

static void test_debezium_errors(void **state)
{
    (void)state;
    struct hf_schema s;
    ft_products(&s);
    struct ft t;
    ft_open(&t, "debezium-json", &s, NULL);
    assert_int_equal(ft_decode(&t, "{\"before\":null,\"after\":{\"id\":1},"
                                   "\"op\":\"u\"}"),
                     -1);
    assert_non_null(strstr(t.err.msg, "\"before\" field of an UPDATE"));
    assert_non_null(strstr(t.err.msg, "REPLICA IDENTITY FULL"));
    assert_int_equal(ft_decode(&t, "{\"before\":null,\"op\":\"d\"}"), -1);
    assert_non_null(strstr(t.err.msg, "REPLICA IDENTITY FULL"));
    assert_int_equal(ft_decode(&t, "{\"after\":{\"id\":1},\"op\":\"t\"}"),
                     -1);
    assert_string_equal(t.err.msg,
                        "debezium-json: unknown \"op\" value \"t\" (expected "
                        "\"c\", \"r\", \"u\" or \"d\")");
    /* a bad value in "after" of an update: the -U row is rolled back */
    assert_int_equal(
        ft_decode(&t, "{\"before\":{\"id\":1,\"weight\":1},\"after\":{\"id\":"
                      "1,\"weight\":\"heavy\"},\"op\":\"u\"}"),
        -1);
    assert_string_equal(t.err.msg, "debezium-json \"after\": field 'weight': "
                                   "cannot parse \"heavy\" as DECIMAL(10, 2)");
    assert_int_equal(t.b->nrows, 0);
    /* schema-include hint */
    assert_int_equal(ft_decode(&t, "{\"schema\":{},\"payload\":{\"op\":\"c\","
                                   "\"after\":{\"id\":1}}}"),
                     -1);
    assert_string_equal(t.err.msg,
                        "debezium-json: the record has \"schema\" and "
                        "\"payload\" fields; set "
                        "'debezium-json.schema-include' = 'true'");
    assert_int_equal(ft_decode(&t, "{\"before\":null,\"after\":null,"
                                   "\"op\":\"c\"}"),
                     -1);
    assert_string_equal(t.err.msg, "debezium-json \"after\": expected a JSON "
                                   "object, got null");
    ft_close(&t);
}

static void test_debezium_schema_include_and_skip(void **state)
{
    (void)state;
    struct hf_schema s;
    ft_products(&s);
    struct ft t;
    const char *kv[] = {"debezium-json.schema-include", "true",
                        "debezium-json.ignore-parse-errors", "true", NULL};
    ft_open(&t, "debezium-json", &s, kv);
    /* Only for reading: the writer-only rule refuses it (Flink's
     * DebeziumJsonFormatFactory does too), naming the option. */
    assert_int_equal(t.f->validate_encoder(&t.opts, &s, &t.err), -1);
    assert_string_equal(t.err.msg,
                        "'debezium-json.schema-include' = 'true' only "
                        "applies to reading: debezium-json writes change "
                        "events without the Kafka Connect \"schema\"/"
                        "\"payload\" envelope (Flink refuses the option on "
                        "a sink too); remove it from the table that is "
                        "written");
    assert_int_equal(
        ft_decode(&t, "{\"schema\":{\"type\":\"struct\"},\"payload\":{"
                      "\"before\":null,\"after\":{\"id\":1,\"weight\":\"2.5\"},"
                      "\"op\":\"c\"}}"),
        1);
    assert_int_equal(ft_decode(&t, "{\"op\":\"c\",\"after\":{\"id\":2}}"),
                     HF_DECODE_SKIP);
    assert_non_null(strstr(t.err.msg, "no \"payload\" object"));
    /* a bad value is NULL, the rows are kept (Flink's nested converters) */
    assert_int_equal(
        ft_decode(&t, "{\"schema\":{},\"payload\":{\"before\":{\"id\":3},"
                      "\"after\":{\"id\":\"x\"},\"op\":\"u\"}}"),
        2);
    assert_int_equal(hf_format_nulled(t.f, t.dec, NULL), 1);
    /* an update without "before" cannot be read: skipped */
    assert_int_equal(ft_decode(&t,
                               "{\"schema\":{},\"payload\":{\"before\":null,"
                               "\"after\":{\"id\":\"x\"},\"op\":\"u\"}}"),
                     HF_DECODE_SKIP);
    assert_non_null(strstr(t.err.msg, "REPLICA IDENTITY FULL"));
    assert_string_equal(ft_rows(&t), "+I(1, NULL, NULL, 2.50)\n"
                                     "-U(3, NULL, NULL, NULL)\n"
                                     "+U(NULL, NULL, NULL, NULL)\n");
    ft_close(&t);
}

static void test_debezium_encode(void **state)
{
    (void)state;
    struct hf_schema s;
    ft_products(&s);
    struct ft t;
    ft_open(&t, "debezium-json", &s, NULL);
    struct hf_value *row = hf_batch_add_row(t.b, HF_ROW_INSERT, -1);
    ft_set(&t, row, 0, "111");
    ft_set(&t, row, 1, "scooter");
    ft_set(&t, row, 2, NULL);
    ft_set(&t, row, 3, "5.18");
    const char *after = "{\"before\":null,\"after\":{\"id\":111,\"name\":"
                        "\"scooter\",\"description\":null,\"weight\":5.18},"
                        "\"op\":\"c\"}";
    const char *before = "{\"before\":{\"id\":111,\"name\":\"scooter\","
                         "\"description\":null,\"weight\":5.18},\"after\":"
                         "null,\"op\":\"d\"}";
    assert_string_equal(ft_encode(&t, row, HF_ROW_INSERT), after);
    assert_string_equal(ft_encode(&t, row, HF_ROW_UPDATE_AFTER), after);
    assert_string_equal(ft_encode(&t, row, HF_ROW_UPDATE_BEFORE), before);
    assert_string_equal(ft_encode(&t, row, HF_ROW_DELETE), before);
    /* and it reads back as the same changes */
    char rec[256];
    snprintf(rec, sizeof rec, "%s", before);
    hf_batch_reset(t.b);
    assert_int_equal(ft_decode(&t, rec), 1);
    assert_string_equal(ft_rows(&t), "-D(111, scooter, NULL, 5.18)\n");
    ft_close(&t);
}

/* ------------------------------------------------------------ canal */

/* Flink's canal-json documentation: an update of products row 111. */
static const char canal_update[] =
    "{\n"
    "  \"data\": [\n"
    "    {\n"
    "      \"id\": \"111\",\n"
    "      \"name\": \"scooter\",\n"
    "      \"description\": \"Big 2-wheel scooter\",\n"
    "      \"weight\": \"5.18\"\n"
    "    }\n"
    "  ],\n"
    "  \"database\": \"inventory\",\n"
    "  \"es\": 1589373560000,\n"
    "  \"id\": 9,\n"
    "  \"isDdl\": false,\n"
    "  \"mysqlType\": {\n"
    "    \"id\": \"INTEGER\",\n"
    "    \"name\": \"VARCHAR(255)\",\n"
    "    \"description\": \"VARCHAR(512)\",\n"
    "    \"weight\": \"FLOAT\"\n"
    "  },\n"
    "  \"old\": [\n"
    "    {\n"
    "      \"weight\": \"5.15\"\n"
    "    }\n"
    "  ],\n"
    "  \"pkNames\": [\n"
    "    \"id\"\n"
    "  ],\n"
    "  \"sql\": \"\",\n"
    "  \"sqlType\": {\n"
    "    \"id\": 4,\n"
    "    \"name\": 12,\n"
    "    \"description\": 12,\n"
    "    \"weight\": 7\n"
    "  },\n"
    "  \"table\": \"products\",\n"
    "  \"ts\": 1589373560798,\n"
    "  \"type\": \"UPDATE\"\n"
    "}";

static void test_canal_doc_example(void **state)
{
    (void)state;
    struct hf_schema s;
    ft_products(&s);
    struct ft t;
    ft_open(&t, "canal-json", &s, NULL);
    assert_int_equal(ft_decode(&t, canal_update), 2);
    assert_string_equal(ft_rows(&t),
                        "-U(111, scooter, Big 2-wheel scooter, 5.15)\n"
                        "+U(111, scooter, Big 2-wheel scooter, 5.18)\n");

    /* several rows per message; a key in "old" with null was NULL before
     * the update (FLINK-19446), a key absent from "old" was unchanged */
    assert_int_equal(
        ft_decode(&t, "{\"data\":[{\"id\":\"1\",\"name\":\"a\"},{\"id\":\"2\","
                      "\"name\":\"b\"}],\"type\":\"INSERT\",\"database\":"
                      "\"inventory\",\"table\":\"products\",\"isDdl\":false}"),
        2);
    assert_int_equal(
        ft_decode(&t, "{\"data\":[{\"id\":\"1\",\"name\":\"a2\",\"weight\":"
                      "\"1\"},{\"id\":\"2\",\"name\":\"b2\",\"weight\":null}],"
                      "\"old\":[{\"name\":\"a\",\"weight\":null},{\"name\":"
                      "\"b\"}],\"type\":\"UPDATE\"}"),
        4);
    assert_int_equal(ft_decode(&t, "{\"data\":[{\"id\":\"2\",\"name\":\"b2\"}],"
                                   "\"type\":\"DELETE\"}"),
                     1);
    assert_string_equal(ft_rows(&t), "+I(1, a, NULL, NULL)\n"
                                     "+I(2, b, NULL, NULL)\n"
                                     "-U(1, a, NULL, NULL)\n"
                                     "+U(1, a2, NULL, 1.00)\n"
                                     "-U(2, b, NULL, NULL)\n"
                                     "+U(2, b2, NULL, NULL)\n"
                                     "-D(2, b2, NULL, NULL)\n");

    /* each old[i] completes its own row: weight changed in row 1 only, so
     * row 2's -U takes its weight from data[1] (Flink's findValue would
     * find "weight" in old[0] and leave it NULL; docs/formats.md) */
    assert_int_equal(
        ft_decode(&t, "{\"data\":[{\"id\":\"1\",\"weight\":\"1\"},{\"id\":"
                      "\"2\",\"weight\":\"2\"}],\"old\":[{\"weight\":\"0\"},"
                      "{\"id\":\"3\"}],\"type\":\"UPDATE\"}"),
        4);
    assert_string_equal(ft_rows(&t), "-U(1, NULL, NULL, 0.00)\n"
                                     "+U(1, NULL, NULL, 1.00)\n"
                                     "-U(3, NULL, NULL, 2.00)\n"
                                     "+U(2, NULL, NULL, 2.00)\n");

    /* DDL messages and tombstones give no row */
    assert_int_equal(
        ft_decode(&t, "{\"data\":null,\"database\":\"inventory\",\"isDdl\":"
                      "true,\"sql\":\"CREATE TABLE t (id INT)\",\"table\":"
                      "\"t\",\"type\":\"CREATE\"}"),
        0);
    assert_int_equal(ft_decode(&t, "{\"data\":null,\"isDdl\":true,\"sql\":"
                                   "\"ALTER TABLE t ADD c INT\",\"type\":"
                                   "\"ALTER\"}"),
                     0);
    assert_int_equal(ft_decode(&t, "{\"data\":null,\"type\":\"CREATE\"}"), 0);
    assert_int_equal(ft_decode(&t, ""), 0);
    assert_int_equal(t.b->nrows, 0);

    assert_int_equal(ft_decode(&t, "{\"data\":[],\"isDdl\":false,\"type\":"
                                   "\"TRUNCATE\"}"),
                     -1);
    assert_string_equal(t.err.msg,
                        "canal-json: unknown \"type\" value \"TRUNCATE\" "
                        "(expected INSERT, UPDATE, DELETE or CREATE)");
    assert_int_equal(ft_decode(&t, "{\"data\":[{\"id\":\"1\"},{\"id\":"
                                   "\"one\"}],\"type\":\"INSERT\"}"),
                     -1);
    assert_string_equal(t.err.msg, "canal-json \"data\"[1]: field 'id': cannot "
                                   "parse \"one\" as BIGINT");
    assert_int_equal(t.b->nrows, 0); /* data[0] rolled back */
    assert_int_equal(ft_decode(&t, "{\"data\":[{\"id\":\"1\"}],\"old\":[],"
                                   "\"type\":\"UPDATE\"}"),
                     -1);
    assert_string_equal(t.err.msg, "canal-json: UPDATE message has 1 \"data\" "
                                   "rows but fewer \"old\" rows");
    assert_int_equal(ft_decode(&t, "{\"data\":[{\"id\":\"1\"}],\"type\":"
                                   "\"UPDATE\"}"),
                     -1);
    assert_string_equal(t.err.msg, "canal-json: UPDATE message has 1 \"data\" "
                                   "rows but no \"old\" array");
    /* old[i] must be an object (Flink fails on a null one too) */
    assert_int_equal(ft_decode(&t, "{\"data\":[{\"id\":\"1\"}],\"old\":"
                                   "[null],\"type\":\"UPDATE\"}"),
                     -1);
    assert_string_equal(t.err.msg, "canal-json \"old\"[0]: expected a JSON "
                                   "object, got null");
    ft_close(&t);
}

static void test_canal_filters(void **state)
{
    (void)state;
    struct hf_schema s;
    ft_products(&s);
    struct ft t;
    const char *kv[] = {"canal-json.database.include", "inv.*",
                        "canal-json.table.include", "products|orders", NULL};
    ft_open(&t, "canal-json", &s, kv);
    assert_int_equal(ft_decode(&t, canal_update), 2);
    const char *other_db = "{\"data\":[{\"id\":\"1\"}],\"database\":\"xinv\","
                           "\"table\":\"products\",\"type\":\"INSERT\"}";
    const char *other_tbl = "{\"data\":[{\"id\":\"1\"}],\"database\":\"inv\","
                            "\"table\":\"products2\",\"type\":\"INSERT\"}";
    const char *no_db = "{\"data\":[{\"id\":\"1\"}],\"table\":\"orders\","
                        "\"type\":\"INSERT\"}";
    const char *match = "{\"data\":[{\"id\":\"7\"}],\"database\":\"inv\","
                        "\"table\":\"orders\",\"type\":\"INSERT\"}";
    assert_int_equal(ft_decode(&t, other_db), 0);  /* whole-name match */
    assert_int_equal(ft_decode(&t, other_tbl), 0);
    /* a record without the filtered field fails, as in Flink */
    assert_int_equal(ft_decode(&t, no_db), -1);
    assert_string_equal(t.err.msg,
                        "canal-json: the record has no \"database\" field, "
                        "which 'canal-json.database.include' filters on");
    assert_int_equal(ft_decode(&t, match), 1);
    assert_string_equal(ft_rows(&t),
                        "-U(111, scooter, Big 2-wheel scooter, 5.15)\n"
                        "+U(111, scooter, Big 2-wheel scooter, 5.18)\n"
                        "+I(7, NULL, NULL, NULL)\n");
    ft_close(&t);

    ft_products(&s);
    const char *bad[] = {"canal-json.table.include", "prod(", NULL};
    assert_int_equal(ft_setup_opts(&t, "canal-json", "canal-json.", &s, bad),
                     -1);
    assert_non_null(strstr(t.err.msg, "option 'canal-json.table.include' = "
                                      "'prod(' is not a valid regular "
                                      "expression"));
    hf_opts_free(&t.opts);
    hf_schema_free(&s);
}

static void test_canal_encode(void **state)
{
    (void)state;
    struct hf_schema s;
    ft_products(&s);
    struct ft t;
    ft_open(&t, "canal-json", &s, NULL);
    struct hf_value *row = hf_batch_add_row(t.b, HF_ROW_INSERT, -1);
    ft_set(&t, row, 0, "111");
    ft_set(&t, row, 1, "scooter");
    ft_set(&t, row, 2, "Big 2-wheel scooter");
    ft_set(&t, row, 3, "5.18");
    const char *ins = "{\"data\":[{\"id\":111,\"name\":\"scooter\","
                      "\"description\":\"Big 2-wheel scooter\",\"weight\":"
                      "5.18}],\"type\":\"INSERT\"}";
    const char *del = "{\"data\":[{\"id\":111,\"name\":\"scooter\","
                      "\"description\":\"Big 2-wheel scooter\",\"weight\":"
                      "5.18}],\"type\":\"DELETE\"}";
    assert_string_equal(ft_encode(&t, row, HF_ROW_INSERT), ins);
    assert_string_equal(ft_encode(&t, row, HF_ROW_UPDATE_AFTER), ins);
    assert_string_equal(ft_encode(&t, row, HF_ROW_UPDATE_BEFORE), del);
    assert_string_equal(ft_encode(&t, row, HF_ROW_DELETE), del);
    ft_close(&t);
}

/* ------------------------------------------------------------ maxwell */

/* Flink's maxwell-json documentation example (its text says it is an
 * update of row 111, weight 5.18 -> 5.15, but it carries "type":"insert";
 * note the trailing comma in "old", which json-c accepts). */
static const char maxwell_doc[] =
    "{\n"
    "   \"database\":\"test\",\n"
    "   \"table\":\"e\",\n"
    "   \"type\":\"%s\",\n"
    "   \"ts\":1477053217,\n"
    "   \"xid\":23396,\n"
    "   \"commit\":true,\n"
    "   \"position\":\"master.000006:800911\",\n"
    "   \"server_id\":23042,\n"
    "   \"thread_id\":108,\n"
    "   \"primary_key\": [1, \"2016-10-21 05:33:37.523000\"],\n"
    "   \"primary_key_columns\": [\"id\", \"c\"],\n"
    "   \"data\":{\n"
    "     \"id\":111,\n"
    "     \"name\":\"scooter\",\n"
    "     \"description\":\"Big 2-wheel scooter\",\n"
    "     \"weight\":5.15\n"
    "   },\n"
    "   \"old\":{\n"
    "     \"weight\":5.18,\n"
    "   }\n"
    "}";

static void test_maxwell_doc_example(void **state)
{
    (void)state;
    struct hf_schema s;
    ft_products(&s);
    struct ft t;
    ft_open(&t, "maxwell-json", &s, NULL);
    char rec[1024];
    snprintf(rec, sizeof rec, maxwell_doc, "insert");
    assert_int_equal(ft_decode(&t, rec), 1);
    snprintf(rec, sizeof rec, maxwell_doc, "update");
    assert_int_equal(ft_decode(&t, rec), 2);
    snprintf(rec, sizeof rec, maxwell_doc, "delete");
    assert_int_equal(ft_decode(&t, rec), 1);
    assert_string_equal(ft_rows(&t),
                        "+I(111, scooter, Big 2-wheel scooter, 5.15)\n"
                        "-U(111, scooter, Big 2-wheel scooter, 5.18)\n"
                        "+U(111, scooter, Big 2-wheel scooter, 5.15)\n"
                        "-D(111, scooter, Big 2-wheel scooter, 5.15)\n");

    /* an explicit null in "old" was the old value: it stays null */
    assert_int_equal(
        ft_decode(&t, "{\"type\":\"update\",\"data\":{\"id\":1,\"name\":\"n\","
                      "\"description\":\"d\"},\"old\":{\"description\":null}}"),
        2);
    assert_string_equal(ft_rows(&t), "-U(1, n, NULL, NULL)\n"
                                     "+U(1, n, d, NULL)\n");

    assert_int_equal(ft_decode(&t, "{\"type\":\"table-create\",\"sql\":"
                                   "\"CREATE TABLE x (i int)\"}"),
                     -1);
    assert_string_equal(t.err.msg,
                        "maxwell-json: unknown \"type\" value "
                        "\"table-create\" (expected insert, update or delete)");
    assert_int_equal(ft_decode(&t, "{\"type\":\"update\",\"data\":{\"id\":1},"
                                   "\"old\":{\"weight\":\"1,5\"}}"),
                     -1);
    assert_string_equal(t.err.msg, "maxwell-json \"old\": field 'weight': "
                                   "cannot parse \"1,5\" as DECIMAL(10, 2)");
    assert_int_equal(ft_decode(&t, "{\"type\":\"insert\"}"), -1);
    assert_string_equal(t.err.msg, "maxwell-json \"data\": expected a JSON "
                                   "object, got null");
    assert_int_equal(ft_decode(&t, "null"), 0);
    assert_int_equal(t.b->nrows, 0);
    ft_close(&t);
}

static void test_maxwell_encode_and_skip(void **state)
{
    (void)state;
    struct hf_schema s;
    ft_products(&s);
    struct ft t;
    const char *kv[] = {"maxwell-json.ignore-parse-errors", "true", NULL};
    ft_open(&t, "maxwell-json", &s, kv);
    /* a bad value is NULL in both rows of the update, which are kept */
    assert_int_equal(ft_decode(&t, "{\"type\":\"update\",\"data\":{\"id\":"
                                   "\"x\"},\"old\":{}}"),
                     2);
    assert_int_equal(hf_format_nulled(t.f, t.dec, NULL), 2);
    assert_string_equal(ft_rows(&t), "-U(NULL, NULL, NULL, NULL)\n"
                                     "+U(NULL, NULL, NULL, NULL)\n");
    assert_int_equal(ft_decode(&t, "{\"type\":\"bootstrap-start\"}"),
                     HF_DECODE_SKIP);
    assert_int_equal(t.b->nrows, 0);

    struct hf_value *row = hf_batch_add_row(t.b, HF_ROW_INSERT, -1);
    ft_set(&t, row, 0, "111");
    ft_set(&t, row, 1, "scooter");
    ft_set(&t, row, 2, NULL);
    ft_set(&t, row, 3, "5.15");
    const char *ins = "{\"data\":{\"id\":111,\"name\":\"scooter\","
                      "\"description\":null,\"weight\":5.15},"
                      "\"type\":\"insert\"}";
    const char *del = "{\"data\":{\"id\":111,\"name\":\"scooter\","
                      "\"description\":null,\"weight\":5.15},"
                      "\"type\":\"delete\"}";
    assert_string_equal(ft_encode(&t, row, HF_ROW_INSERT), ins);
    assert_string_equal(ft_encode(&t, row, HF_ROW_UPDATE_AFTER), ins);
    assert_string_equal(ft_encode(&t, row, HF_ROW_UPDATE_BEFORE), del);
    assert_string_equal(ft_encode(&t, row, HF_ROW_DELETE), del);
    ft_close(&t);
}

/* ------------------------------------------------------------ subsets */

static void test_cdc_column_subset(void **state)
{
    (void)state;
    /* products plus a metadata column between the physical ones */
    struct hf_schema s;
    memset(&s, 0, sizeof s);
    ft_col(&s, "id", ft_type(HF_BIGINT));
    ft_col(&s, "origin_table", ft_type(HF_VARCHAR));
    ft_col(&s, "weight", ft_dec(10, 2));
    const uint32_t cols[] = {0, 2};
    const char *names[] = {"debezium-json", "canal-json", "maxwell-json"};
    const char *recs[] = {
        debezium_update,
        canal_update,
        "{\"type\":\"update\",\"data\":{\"id\":111,\"weight\":5.15,"
        "\"origin_table\":\"x\"},\"old\":{\"weight\":5.18}}",
    };
    const char *want[] = {
        "-U(111, NULL, 5.18)\n+U(111, NULL, 5.15)\n",
        "-U(111, NULL, 5.15)\n+U(111, NULL, 5.18)\n",
        "-U(111, NULL, 5.18)\n+U(111, NULL, 5.15)\n",
    };
    for (int i = 0; i < 3; i++) {
        struct hf_schema copy;
        assert_int_equal(hf_schema_copy(&copy, &s), 0);
        struct ft t;
        char prefix[32];
        snprintf(prefix, sizeof prefix, "%s.", names[i]);
        ft_open_cols(&t, names[i], prefix, &copy, NULL, cols, 2);
        assert_int_equal(ft_decode(&t, recs[i]), 2);
        assert_string_equal(ft_rows(&t), want[i]);
        ft_close(&t);
    }
    hf_schema_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_debezium_doc_example),
        cmocka_unit_test(test_debezium_errors),
        cmocka_unit_test(test_debezium_schema_include_and_skip),
        cmocka_unit_test(test_debezium_encode),
        cmocka_unit_test(test_canal_doc_example),
        cmocka_unit_test(test_canal_filters),
        cmocka_unit_test(test_canal_encode),
        cmocka_unit_test(test_maxwell_doc_example),
        cmocka_unit_test(test_maxwell_encode_and_skip),
        cmocka_unit_test(test_cdc_column_subset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
