/*
 * test_format_csv_ignore.c - csv.ignore-parse-errors with Flink's meaning,
 * on the inputs of CsvRowDataSerDeSchemaTest's ignore-parse-errors cases
 * (../shared/testdata/flink-formats/inputs, see test_format_flink_json.c
 * for where the directory is looked for) over its row type (f0 STRING,
 * f1 INT, f2 STRING), with the rows Flink's test expects:
 *   testDeserializeParseError       "Test,null,Test" fails without the option
 *   testDeserializeUnsupportedNull  ... is (Test, NULL, Test) with it
 *   testDeserializeIncompleteRow    "Test" is (Test, NULL, NULL) with it
 *   testDeserializeMoreColumnsThanExpected
 *                                   "Test,12,Test,Test" gives no row
 * plus the notes the sources count (fields set to NULL) and holoflow's
 * stricter ignore-parse-errors.skip-record.
 */
#include "fmt_test_helpers.h"

#include <errno.h>

/* The first line of inputs/`name`, without its line end, into buf. */
static const char *input_line(const char *name, char *buf, size_t n)
{
    const char *dir = getenv("HF_FLINK_TESTDATA");
    char path[1024];
    snprintf(path, sizeof path, "%s/inputs/%s",
             dir ? dir : "../shared/testdata/flink-formats", name);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        print_error("cannot open Flink test data '%s': %s (set "
                    "HF_FLINK_TESTDATA to the flink-formats directory)\n",
                    path, strerror(errno));
        fail();
    }
    if (fgets(buf, (int)n, f) == NULL)
        buf[0] = '\0';
    fclose(f);
    buf[strcspn(buf, "\r\n")] = '\0';
    return buf;
}

static void open_csv(struct ft *t, struct hf_schema *s, const char *const *kv)
{
    memset(s, 0, sizeof *s);
    ft_col(s, "f0", ft_type(HF_VARCHAR));
    ft_col(s, "f1", ft_type(HF_INT));
    ft_col(s, "f2", ft_type(HF_VARCHAR));
    ft_open(t, "csv", s, kv);
}

static const char *const ignore[] = {"csv.ignore-parse-errors", "true", NULL};

static void test_parse_error(void **state)
{
    (void)state;
    struct hf_schema s;
    struct ft t;
    char buf[256];
    open_csv(&t, &s, NULL);
    assert_int_equal(
        ft_decode(&t, input_line("csv-parse-error.csv", buf, sizeof buf)), -1);
    assert_non_null(strstr(t.err.msg, "column 'f1'"));
    ft_close(&t);
}

static void test_unsupported_null_ignored(void **state)
{
    (void)state;
    struct hf_schema s;
    struct ft t;
    char buf[256];
    const char *why;
    open_csv(&t, &s, ignore);
    assert_int_equal(ft_decode(&t, input_line("csv-unsupported-null-ignored"
                                              ".csv",
                                              buf, sizeof buf)),
                     1);
    assert_int_equal(hf_format_nulled(t.f, t.dec, &why), 1);
    assert_non_null(strstr(why, "column 'f1'"));
    assert_string_equal(ft_rows(&t), "+I(Test, NULL, Test)\n");
    ft_close(&t);
}

static void test_incomplete_row_ignored(void **state)
{
    (void)state;
    struct hf_schema s;
    struct ft t;
    char buf[256];
    const char *why;
    open_csv(&t, &s, ignore);
    assert_int_equal(ft_decode(&t, input_line("csv-incomplete-row-ignored.csv",
                                              buf, sizeof buf)),
                     1);
    assert_int_equal(hf_format_nulled(t.f, t.dec, &why), 2);
    assert_string_equal(why,
                        "the record has 1 field, expected 3: column 'f1' is "
                        "missing");
    assert_string_equal(ft_rows(&t), "+I(Test, NULL, NULL)\n");
    /* the next record starts with no notes */
    assert_int_equal(ft_decode(&t, "a,1,b"), 1);
    assert_int_equal(hf_format_nulled(t.f, t.dec, NULL), 0);
    ft_close(&t);
    /* without the option a short record fails */
    open_csv(&t, &s, NULL);
    assert_int_equal(ft_decode(&t, "Test"), -1);
    ft_close(&t);
}

static void test_more_columns_ignored(void **state)
{
    (void)state;
    struct hf_schema s;
    struct ft t;
    char buf[256];
    open_csv(&t, &s, ignore);
    assert_int_equal(ft_decode(&t, input_line("csv-more-columns-ignored.csv",
                                              buf, sizeof buf)),
                     HF_DECODE_SKIP);
    assert_non_null(strstr(t.err.msg, "the record has 4 fields, expected 3"));
    assert_int_equal(t.b->nrows, 0);
    ft_close(&t);
}

/* holoflow's stricter mode skips what Flink would keep with NULLs. */
static void test_skip_record(void **state)
{
    (void)state;
    struct hf_schema s;
    struct ft t;
    const char *kv[] = {"csv.ignore-parse-errors", "true",
                        "csv.ignore-parse-errors.skip-record", "true", NULL};
    open_csv(&t, &s, kv);
    assert_int_equal(ft_decode(&t, "Test,null,Test"), HF_DECODE_SKIP);
    assert_int_equal(ft_decode(&t, "Test"), HF_DECODE_SKIP);
    assert_int_equal(t.b->nrows, 0);
    assert_int_equal(hf_format_nulled(t.f, t.dec, NULL), 0);
    ft_close(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_error),
        cmocka_unit_test(test_unsupported_null_ignored),
        cmocka_unit_test(test_incomplete_row_ignored),
        cmocka_unit_test(test_more_columns_ignored),
        cmocka_unit_test(test_skip_record),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
