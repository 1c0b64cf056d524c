/*
 * test_format_csv_nested.c - ROW and ARRAY columns in the csv format, as
 * Flink's csv (CsvRowSchemaConverter, CsvToRowDataConverters) has them:
 * Flink's own test strings (../shared/testdata/flink-formats/inputs:
 * "BEGIN,Hello;42;false,END" as ROW<STRING, INT, BOOLEAN>, "1:hello" with
 * ':' as the array element delimiter, arrays of TINYINT and STRING) give
 * Flink's rows; a ROW is written back as its fields joined by the element
 * delimiter; arrays of every simple element type round-trip; a bad
 * element is a NULL element under ignore-parse-errors; a ROW with another
 * number of elements is "Row length mismatch"; MAP, MULTISET and nested
 * ARRAY/ROW are refused at plan time with Flink's messages.
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

/* The first line of a Flink test input, without its line end. */
static const char *flink_input(const char *name, char *buf, size_t n)
{
    const char *dir = getenv("HF_FLINK_TESTDATA");
    char path[512];
    snprintf(path, sizeof path, "%s/inputs/%s",
             dir ? dir : "../shared/testdata/flink-formats", name);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        fail_msg("cannot open Flink test data '%s' (set HF_FLINK_TESTDATA to "
                 "the flink-formats directory)",
                 path);
    const char *r = fgets(buf, (int)n, f);
    fclose(f);
    if (r == NULL)
        return NULL;
    buf[strcspn(buf, "\r\n")] = '\0';
    return buf;
}

/* BEGIN,<value>,END as (STRING, type, STRING). */
static void serde_schema(struct hf_schema *s, const char *type)
{
    memset(s, 0, sizeof *s);
    ft_col(s, "f0", ty("STRING"));
    ft_col(s, "f1", ty(type));
    ft_col(s, "f2", ty("STRING"));
}

struct flink_case {
    const char *file, *type;
    const char *opts[10];
    const char *rows; /* Flink's rows, as holoflow prints values */
};

static void test_flink_cases(void **state)
{
    (void)state;
    static const struct flink_case cases[] = {
        /* CsvRowDataSerDeSchemaTest.testSerializeDeserialize */
        {"csv-field-row.csv",
         "ROW<f0 STRING, f1 INT, f2 BOOLEAN>",
         {"csv.null-literal", "null", NULL},
         "+I(BEGIN, (Hello, 42, FALSE), END)\n"},
        {"csv-field-array-string.csv",
         "ARRAY<STRING>",
         {"csv.null-literal", "null", NULL},
         "+I(BEGIN, [a, b, c], END)\n"},
        {"csv-field-array-tinyint.csv",
         "ARRAY<TINYINT>",
         {"csv.null-literal", "null", NULL},
         "+I(BEGIN, [12, 4, NULL], END)\n"},
        /* testSerializeDeserializeCustomizedProperties */
        {"csv-custom-row.csv",
         "ROW<f0 STRING, f1 STRING>",
         {"csv.escape-character", "*", "csv.quote-character", "'",
          "csv.array-element-delimiter", ":", "csv.field-delimiter", ";",
          NULL},
         "+I(BEGIN, (1, hello), END)\n"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char line[256];
        assert_non_null(flink_input(cases[k].file, line, sizeof line));
        struct hf_schema s;
        serde_schema(&s, cases[k].type);
        struct ft t;
        ft_open(&t, "csv", &s, cases[k].opts);
        int rc = ft_decode(&t, line);
        if (rc != 1)
            fail_msg("%s: %s", cases[k].file, t.err.msg);
        /* written back exactly as it was read */
        struct hf_strbuf enc;
        hf_strbuf_init(&enc, 0);
        assert_int_equal(t.f->encode(t.enc, hf_batch_row(t.b, 0),
                                     HF_ROW_INSERT, &enc, &t.err),
                         0);
        assert_string_equal(enc.data, line);
        hf_strbuf_free(&enc);
        assert_string_equal(ft_rows(&t), cases[k].rows);
        ft_close(&t);
    }
}

static void test_rows_and_arrays(void **state)
{
    (void)state;
    struct hf_schema s;
    memset(&s, 0, sizeof s);
    ft_col(&s, "r", ty("ROW<a INT, b STRING, c DECIMAL(5, 2), d DATE>"));
    ft_col(&s, "ad", ty("ARRAY<DECIMAL(10, 2)>"));
    ft_col(&s, "at", ty("ARRAY<TIMESTAMP(3)>"));
    ft_col(&s, "ab", ty("ARRAY<BYTES>"));
    ft_col(&s, "as", ty("ARRAY<SMALLINT>"));
    struct ft t;
    const char *kv[] = {"csv.null-literal", "N", NULL};
    ft_open(&t, "csv", &s, kv);
    const char *rec = "1;x y;1.50;2024-01-31,1.5;N;-2,2024-01-02 03:04:05.123,"
                      "AQI=;,-32768;7";
    assert_int_equal(ft_decode(&t, rec), 1);
    struct hf_strbuf enc;
    hf_strbuf_init(&enc, 0);
    assert_int_equal(
        t.f->encode(t.enc, hf_batch_row(t.b, 0), HF_ROW_INSERT, &enc, &t.err),
        0);
    assert_string_equal(enc.data, "1;x y;1.50;2024-01-31,1.50;N;-2.00,"
                                  "2024-01-02 03:04:05.123,AQI=;,-32768;7");
    hf_strbuf_free(&enc);
    assert_string_equal(ft_rows(&t), "+I((1, x y, 1.50, 2024-01-31), [1.50, "
                                     "NULL, -2.00], [2024-01-02 "
                                     "03:04:05.123], [x'0102', x''], "
                                     "[-32768, 7])\n");
    /* a NULL field of a row is the null literal; a row with no element is
     * NULL */
    assert_int_equal(ft_decode(&t, "N;b;N;N,,,,"), 1);
    assert_string_equal(ft_rows(&t),
                        "+I((NULL, b, NULL, NULL), [], [], [], [])\n");
    assert_int_equal(ft_decode(&t, ",,,,"), 1);
    assert_string_equal(ft_rows(&t), "+I(NULL, [], [], [], [])\n");
    /* Flink: a row of another length is an error */
    assert_int_equal(ft_decode(&t, "1;x,,,,"), -1);
    assert_non_null(strstr(t.err.msg, "column 'r': Row length mismatch. 4 "
                                      "fields expected but was 2"));
    assert_int_equal(ft_decode(&t, "1;x;y;2024-01-01,,,,"), -1);
    assert_non_null(strstr(t.err.msg, "column 'r': element 3"));
    ft_close(&t);
}

/* ignore-parse-errors: a bad element is a NULL element (Flink's nullable
 * converters), a short row gets NULL fields; the row is kept. */
static void test_ignore_parse_errors(void **state)
{
    (void)state;
    struct hf_schema s;
    memset(&s, 0, sizeof s);
    ft_col(&s, "r", ty("ROW<a INT, b INT>"));
    ft_col(&s, "ai", ty("ARRAY<INT>"));
    struct ft t;
    const char *kv[] = {"csv.ignore-parse-errors", "true", NULL};
    ft_open(&t, "csv", &s, kv);
    assert_int_equal(ft_decode(&t, "1;zz,1;q;3"), 1);
    assert_string_equal(ft_rows(&t), "+I((1, NULL), [1, NULL, 3])\n");
    assert_int_equal(ft_decode(&t, "5,"), 1);
    assert_string_equal(ft_rows(&t), "+I((5, NULL), [])\n");
    ft_close(&t);
}

static void test_refused(void **state)
{
    (void)state;
    struct {
        const char *type, *msg;
    } cases[] = {
        {"MAP<STRING, INT>",
         "csv: Unsupported type 'MAP<STRING, INT>' for field 'x'."},
        {"MULTISET<STRING>",
         "csv: Unsupported type 'MULTISET<STRING>' for field 'x'."},
        {"ARRAY<ARRAY<INT>>",
         "csv: Only simple types are supported in the second level nesting "
         "of fields 'x' but was: ARRAY<INT>"},
        {"ROW<a ROW<b INT>>",
         "csv: Only simple types are supported in the second level nesting "
         "of fields 'x' but was: ROW<`b` INT>"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct hf_schema s;
        memset(&s, 0, sizeof s);
        ft_col(&s, "x", ty(cases[k].type));
        struct ft t;
        assert_int_equal(ft_setup_opts(&t, "csv", "csv.", &s, NULL), -1);
        if (strstr(t.err.msg, cases[k].msg) == NULL)
            fail_msg("%s: %s", cases[k].type, t.err.msg);
        hf_opts_free(&t.opts);
        hf_strbuf_free(&t.text);
        hf_schema_free(&s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flink_cases),
        cmocka_unit_test(test_rows_and_arrays),
        cmocka_unit_test(test_ignore_parse_errors),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
