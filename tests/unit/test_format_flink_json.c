/*
 * test_format_flink_json.c - Flink's own JSON and CDC format cases, run
 * through holoflow's decoders and compared with the rows Flink's tests
 * expect.
 *
 * The inputs are the files of ../shared/testdata/flink-formats/ (see its
 * README: Flink's flink-json test resources, Debezium's sample events, and
 * the JSON strings of Flink's JsonRowDataSerDeSchemaTest and
 * JsonBatchFileSystemITCase, one per line), read from the directory named
 * by HF_FLINK_TESTDATA or, by default, ../shared/testdata/flink-formats
 * next to the source tree (the tests run from the source directory). A
 * missing directory fails the test: it must not pass by reading nothing.
 *
 * The expected rows are facts taken from Flink's tests (the assertions of
 * JsonRowDataSerDeSchemaTest.testData, DebeziumJsonSerDeSchemaTest,
 * CanalJsonSerDeSchemaTest, MaxwellJsonSerDerTest, JsonBatchFileSystemITCase)
 * written in holoflow's row text ("+I(101, scooter, ...)"); where a file is
 * not one of Flink's, the rows follow from Flink's rules for the format,
 * which the comment of each test states.
 */
#include "fmt_test_helpers.h"

#include <errno.h>

/* ------------------------------------------------------------ input */

/* The whole file `name` under the test data directory (malloc'd, NUL
 * terminated); fails the test when it cannot be read. */
static char *slurp(const char *name)
{
    const char *dir = getenv("HF_FLINK_TESTDATA");
    char path[1024];
    snprintf(path, sizeof path, "%s/%s",
             dir ? dir : "../shared/testdata/flink-formats", name);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        print_error("cannot open Flink test data '%s': %s (set "
                    "HF_FLINK_TESTDATA to the flink-formats directory)\n",
                    path, strerror(errno));
        fail();
    }
    struct hf_strbuf b;
    hf_strbuf_init(&b, 0);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        hf_strbuf_append(&b, chunk, n);
    fclose(f);
    hf_strbuf_putc(&b, '\0');
    assert_true(hf_strbuf_ok(&b));
    return b.data; /* the buffer's storage, handed to the caller */
}

/* Line `k` (0-based) of `text`, without its line end, into `buf`. */
static const char *line_of(const char *text, int k, char *buf, size_t n)
{
    const char *p = text;
    for (int i = 0; i < k; i++) {
        p = strchr(p, '\n');
        assert_non_null(p);
        p++;
    }
    size_t len = strcspn(p, "\n");
    assert_true(len < n);
    memcpy(buf, p, len);
    buf[len] = '\0';
    return buf;
}

/* Decode every line of file `name` (each a record, as a Kafka message
 * or a line of a file) and return the rows as text; every line must
 * decode (rows or none). */
static const char *decode_file(struct ft *t, const char *name)
{
    char *text = slurp(name);
    char *p = text;
    int line = 1;
    while (*p) {
        size_t len = strcspn(p, "\n");
        hf_error_clear(&t->err);
        int rc = t->f->decode(t->dec, p, len, line, t->b, &t->err);
        if (rc < 0)
            print_error("%s:%d: %s\n", name, line, t->err.msg);
        assert_true(rc >= 0);
        p += len;
        if (*p == '\n')
            p++;
        line++;
    }
    free(text);
    return ft_rows(t);
}

/* The products table of Flink's CDC tests: id INT NOT NULL, name STRING,
 * description STRING, weight FLOAT. */
static void products(struct hf_schema *s)
{
    memset(s, 0, sizeof *s);
    struct hf_type id = ft_type(HF_INT);
    id.not_null = true;
    ft_col(s, "id", id);
    ft_col(s, "name", ft_type(HF_VARCHAR));
    ft_col(s, "description", ft_type(HF_VARCHAR));
    ft_col(s, "weight", ft_type(HF_FLOAT));
}

/* ------------------------------------------------------------ json */

/* One JSON string of JsonRowDataSerDeSchemaTest.testData: a one-column
 * row type (two for the DECIMAL(38, 18) case), the timestamp standard,
 * the row Flink expects with ignore-parse-errors (NULL where the field
 * cannot be parsed), and whether it fails without the option. */
struct spec {
    const char *file; /* under inputs/ */
    int line;         /* 0-based */
    struct hf_type type;
    const char *standard; /* NULL: SQL, the default */
    const char *ignored;  /* rows with ignore-parse-errors */
    bool fails;           /* without ignore-parse-errors */
};

static void run_spec(const struct spec *sp, bool ignore)
{
    struct hf_schema s;
    memset(&s, 0, sizeof s);
    bool two = strstr(sp->file, "38-18") != NULL;
    if (two) {
        ft_col(&s, "id", ft_type(HF_INT));
        ft_col(&s, "factor", ft_dec(38, 18));
    } else {
        ft_col(&s, strstr(sp->file, "array") ? "array" : "id", sp->type);
    }
    const char *kv[6];
    int k = 0;
    if (ignore) {
        kv[k++] = "json.ignore-parse-errors";
        kv[k++] = "true";
    }
    if (sp->standard) {
        kv[k++] = "json.timestamp-format.standard";
        kv[k++] = sp->standard;
    }
    kv[k] = NULL;
    struct ft t;
    ft_open(&t, "json", &s, kv);
    char path[128], buf[512];
    snprintf(path, sizeof path, "inputs/%s", sp->file);
    char *text = slurp(path);
    line_of(text, sp->line, buf, sizeof buf);
    free(text);
    int rc = ft_decode(&t, buf);
    if (ignore || !sp->fails) {
        if (rc != 1)
            print_error("%s: %s\n", buf, t.err.msg);
        assert_int_equal(rc, 1);
        /* the field Flink sets to NULL is noted for the summary */
        assert_int_equal(hf_format_nulled(t.f, t.dec, NULL),
                         ignore && sp->fails ? 1 : 0);
        assert_string_equal(ft_rows(&t), sp->ignored);
    } else {
        if (rc != -1)
            print_error("%s: decoded, but Flink fails\n", buf);
        assert_int_equal(rc, -1);
        /* the message names the field */
        assert_non_null(strstr(t.err.msg, two ? "'factor'" : "field '"));
    }
    ft_close(&t);
}

static const struct spec json_specs[] = {
    /* BOOLEAN: text other than "true" is false, never an error */
    {"json-spec-boolean.json",
     0,
     {.id = HF_BOOLEAN},
     NULL,
     "+I(FALSE)\n",
     false},
    {"json-spec-boolean.json",
     1,
     {.id = HF_BOOLEAN},
     NULL,
     "+I(TRUE)\n",
     false},
    {"json-spec-int.json", 0, {.id = HF_INT}, NULL, "+I(NULL)\n", true},
    /* beyond INT: NULL with the option (Flink's test); an error without */
    {"json-spec-int.json", 1, {.id = HF_INT}, NULL, "+I(NULL)\n", true},
    /* a JSON number with a fraction is cut for INT and BIGINT */
    {"json-spec-int.json", 2, {.id = HF_INT}, NULL, "+I(112)\n", false},
    {"json-spec-bigint.json", 0, {.id = HF_BIGINT}, NULL, "+I(112)\n", false},
    {"json-spec-bigint.json", 1, {.id = HF_BIGINT}, NULL, "+I(NULL)\n", true},
    {"json-spec-float.json", 0, {.id = HF_FLOAT}, NULL, "+I(NULL)\n", true},
    {"json-spec-double.json", 0, {.id = HF_DOUBLE}, NULL, "+I(NULL)\n", true},
    {"json-spec-time.json", 0, {.id = HF_TIME}, NULL, "+I(NULL)\n", true},
    {"json-spec-date.json", 0, {.id = HF_DATE}, NULL, "+I(NULL)\n", true},
    /* STRING takes the text of any JSON value */
    {"json-spec-string.json",
     0,
     {.id = HF_VARCHAR, .length = HF_LEN_MAX},
     NULL,
     "+I(true)\n",
     false},
    {"json-spec-string.json",
     1,
     {.id = HF_VARCHAR, .length = HF_LEN_MAX},
     NULL,
     "+I(123.234)\n",
     false},
    {"json-spec-string.json",
     2,
     {.id = HF_VARCHAR, .length = HF_LEN_MAX},
     NULL,
     "+I(1234567)\n",
     false},
    {"json-spec-string.json",
     3,
     {.id = HF_VARCHAR, .length = HF_LEN_MAX},
     NULL,
     "+I(string field)\n",
     false},
    {"json-spec-string.json",
     4,
     {.id = HF_VARCHAR, .length = HF_LEN_MAX},
     NULL,
     "+I([\"array data1\",\"array data2\",123,234.345])\n",
     false},
    /* timestamps only in the form of the standard */
    {"json-spec-timestamp-iso.json",
     0,
     {.id = HF_TIMESTAMP},
     "ISO-8601",
     "+I(NULL)\n",
     true},
    {"json-spec-timestamp-iso.json",
     1,
     {.id = HF_TIMESTAMP},
     "ISO-8601",
     "+I(NULL)\n",
     true},
    {"json-spec-timestamp-sql.json",
     0,
     {.id = HF_TIMESTAMP},
     NULL,
     "+I(NULL)\n",
     true},
    {"json-spec-timestamp-sql.json",
     1,
     {.id = HF_TIMESTAMP},
     NULL,
     "+I(NULL)\n",
     true},
    {"json-spec-timestamp-ltz.json",
     0,
     {.id = HF_TIMESTAMP_LTZ},
     NULL,
     "+I(NULL)\n",
     true},
    {"json-spec-timestamp-ltz.json",
     1,
     {.id = HF_TIMESTAMP_LTZ},
     NULL,
     "+I(NULL)\n",
     true},
    {"json-spec-decimal.json",
     0,
     {.id = HF_DECIMAL, .precision = 10, .scale = 3},
     NULL,
     "+I(NULL)\n",
     true},
    /* a bad element is a NULL element, the array is kept */
    {"json-spec-array.json",
     0,
     {.id = HF_ARRAY, .elem = HF_INT},
     NULL,
     "+I([123, NULL])\n",
     true},
    {"json-spec-decimal-38-18.json",
     0,
     {.id = HF_DECIMAL},
     NULL,
     "+I(1, 799.929496989092949698)\n",
     false},
};

/* Each spec without ignore-parse-errors: the values Flink reads, and an
 * error naming the field where Flink fails ("Failed to deserialize JSON"). */
static void test_json_specs_strict(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof json_specs / sizeof json_specs[0]; i++)
        run_spec(&json_specs[i], false);
}

/* Each spec with ignore-parse-errors (testIgnoreParseErrors): the field
 * that cannot be parsed is NULL and the row is kept. */
static void test_json_specs_ignored(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof json_specs / sizeof json_specs[0]; i++)
        run_spec(&json_specs[i], true);
}

/* JsonBatchFileSystemITCase.testParseError: with ignore-parse-errors the
 * line that is not JSON is skipped, the rows around it are read. */
static void test_json_itcase_parse_error(void **state)
{
    (void)state;
    struct hf_schema s;
    memset(&s, 0, sizeof s);
    ft_col(&s, "x", ft_type(HF_VARCHAR));
    ft_col(&s, "y", ft_type(HF_INT));
    ft_col(&s, "a", ft_type(HF_INT));
    ft_col(&s, "b", ft_type(HF_INT));
    const char *kv[] = {"json.ignore-parse-errors", "true", NULL};
    struct ft t;
    ft_open(&t, "json", &s, kv);
    char *text = slurp("inputs/json-itcase-parse-error.json");
    char buf[256];
    int rc[3];
    for (int i = 0; i < 3; i++)
        rc[i] = ft_decode(&t, line_of(text, i, buf, sizeof buf));
    free(text);
    assert_int_equal(rc[0], 1);
    assert_int_equal(rc[1], HF_DECODE_SKIP);
    assert_int_equal(rc[2], 1);
    assert_string_equal(ft_rows(&t), "+I(x5, 5, 1, 1)\n+I(x5, 5, 1, 1)\n");
    ft_close(&t);
}

/* The json-error-*.json inputs (the specs Flink expects an error for):
 * each fails without ignore-parse-errors, naming the field. */
static void test_json_errors(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        struct hf_type type;
        const char *standard;
    } errs[] = {
        {"json-error-array.json", {.id = HF_ARRAY, .elem = HF_INT}, NULL},
        {"json-error-bigint.json", {.id = HF_BIGINT}, NULL},
        {"json-error-date.json", {.id = HF_DATE}, NULL},
        {"json-error-decimal.json",
         {.id = HF_DECIMAL, .precision = 10, .scale = 3},
         NULL},
        {"json-error-double.json", {.id = HF_DOUBLE}, NULL},
        {"json-error-float.json", {.id = HF_FLOAT}, NULL},
        {"json-error-int.json", {.id = HF_INT}, NULL},
        {"json-error-time.json", {.id = HF_TIME}, NULL},
        {"json-error-timestamp-iso-space.json",
         {.id = HF_TIMESTAMP},
         "ISO-8601"},
        {"json-error-timestamp-iso-z.json", {.id = HF_TIMESTAMP}, "ISO-8601"},
        {"json-error-timestamp-ltz-offset.json",
         {.id = HF_TIMESTAMP_LTZ},
         NULL},
        {"json-error-timestamp-ltz-t.json", {.id = HF_TIMESTAMP_LTZ}, NULL},
        {"json-error-timestamp-sql-t.json", {.id = HF_TIMESTAMP}, NULL},
        {"json-error-timestamp-sql-z.json", {.id = HF_TIMESTAMP}, NULL},
    };
    for (size_t i = 0; i < sizeof errs / sizeof errs[0]; i++) {
        struct spec sp = {errs[i].file,     0,    errs[i].type,
                          errs[i].standard, NULL, true};
        run_spec(&sp, false);
    }
}

/* The forms each standard takes, beyond Flink's error cases: the same
 * instant written both ways, fractions of 0 to 9 digits, and what java.time
 * refuses (a day that does not exist, blanks, an offset). */
static void test_json_timestamp_forms(void **state)
{
    (void)state;
    for (int iso = 0; iso < 2; iso++) {
        struct hf_schema s;
        memset(&s, 0, sizeof s);
        ft_col(&s, "ts", ft_ts(HF_TIMESTAMP, 6));
        ft_col(&s, "ltz", ft_ts(HF_TIMESTAMP_LTZ, 3));
        ft_col(&s, "d", ft_type(HF_DATE));
        ft_col(&s, "t", ft_ts(HF_TIME, 3));
        const char *kv[] = {"json.timestamp-format.standard",
                            iso ? "ISO-8601" : "SQL", NULL};
        struct ft t;
        ft_open(&t, "json", &s, kv);
        const char *good =
            iso ? "{\"ts\":\"2019-11-12T18:00:12.123456789\",\"ltz\":"
                  "\"2019-11-12T18:00:12.5Z\",\"d\":\"2020-02-29\",\"t\":"
                  "\"18:00:12.1239\"}"
                : "{\"ts\":\"2019-11-12 18:00:12.123456789\",\"ltz\":"
                  "\"2019-11-12 18:00:12.5Z\",\"d\":\"2020-02-29\",\"t\":"
                  "\"18:00:12.1239\"}";
        assert_int_equal(ft_decode(&t, good), 1);
        assert_string_equal(ft_rows(&t),
                            "+I(2019-11-12 18:00:12.123456, 2019-11-12 "
                            "18:00:12.500, 2020-02-29, 18:00:12.123)\n");
        /* ISO-8601 makes the seconds optional; SQL does not */
        assert_int_equal(ft_decode(&t, iso ? "{\"ts\":\"2019-11-12T18:00\"}"
                                           : "{\"ts\":\"2019-11-12 18:00\"}"),
                         iso ? 1 : -1);
        static const char *const bad[] = {
            "{\"d\":\"2019-02-29\"}",           /* not a leap year */
            "{\"d\":\" 2019-11-12\"}",          /* blanks */
            "{\"d\":\"2019-1-12\"}",            /* two-digit month */
            "{\"t\":\"18:00\"}",                /* TIME needs seconds */
            "{\"t\":\"24:00:00\"}",             /* hours 00-23 */
            "{\"ts\":\"2019-11-31 00:00:00\"}", /* no such day */
            "{\"ts\":\"2019-11-31T00:00:00\"}",
            "{\"ltz\":\"2019-11-12T18:00:12+08:00\"}",
            "{\"ltz\":\"2019-11-12 18:00:12+08:00\"}",
            "{\"ts\":1573581612000}", /* not text */
        };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            if (ft_decode(&t, bad[i]) != -1)
                print_error("%s accepted with %s\n", bad[i], kv[1]);
            assert_int_equal(ft_decode(&t, bad[i]), -1);
        }
        ft_close(&t);
    }
}

/* ------------------------------------------------------------ debezium */

/* DebeziumJsonSerDeSchemaTest: the same 20 changes in each of Flink's
 * four Debezium files (MySQL and PostgreSQL, with and without the schema
 * envelope). */
static const char debezium_rows[] =
    "+I(101, scooter, Small 2-wheel scooter, 3.14)\n"
    "+I(102, car battery, 12V car battery, 8.1)\n"
    "+I(103, 12-pack drill bits, 12-pack of drill bits with sizes ranging "
    "from #40 to #3, 0.8)\n"
    "+I(104, hammer, 12oz carpenter's hammer, 0.75)\n"
    "+I(105, hammer, 14oz carpenter's hammer, 0.875)\n"
    "+I(106, hammer, 16oz carpenter's hammer, 1.0)\n"
    "+I(107, rocks, box of assorted rocks, 5.3)\n"
    "+I(108, jacket, water resistent black wind breaker, 0.1)\n"
    "+I(109, spare tire, 24 inch spare tire, 22.2)\n"
    "-U(106, hammer, 16oz carpenter's hammer, 1.0)\n"
    "+U(106, hammer, 18oz carpenter hammer, 1.0)\n"
    "-U(107, rocks, box of assorted rocks, 5.3)\n"
    "+U(107, rocks, box of assorted rocks, 5.1)\n"
    "+I(110, jacket, water resistent white wind breaker, 0.2)\n"
    "+I(111, scooter, Big 2-wheel scooter , 5.18)\n"
    "-U(110, jacket, water resistent white wind breaker, 0.2)\n"
    "+U(110, jacket, new water resistent white wind breaker, 0.5)\n"
    "-U(111, scooter, Big 2-wheel scooter , 5.18)\n"
    "+U(111, scooter, Big 2-wheel scooter , 5.17)\n"
    "-D(111, scooter, Big 2-wheel scooter , 5.17)\n";

static void debezium_file(const char *file, bool schema_include)
{
    struct hf_schema s;
    products(&s);
    const char *kv[] = {"debezium-json.schema-include",
                        schema_include ? "true" : "false", NULL};
    struct ft t;
    ft_open(&t, "debezium-json", &s, kv);
    assert_string_equal(decode_file(&t, file), debezium_rows);
    ft_close(&t);
}

static void test_debezium_files(void **state)
{
    (void)state;
    debezium_file("flink/debezium-data-schema-include.txt", true);
    debezium_file("flink/debezium-data-schema-exclude.txt", false);
    debezium_file("flink/debezium-postgres-data-schema-include.txt", true);
    debezium_file("flink/debezium-postgres-data-schema-exclude.txt", false);
}

/* testPostgresDefaultReplicaIdentify: PostgreSQL's default REPLICA
 * IDENTITY sends "before": null on updates; Flink fails naming it. */
static void test_debezium_replica_identity(void **state)
{
    (void)state;
    struct hf_schema s;
    products(&s);
    struct ft t;
    ft_open(&t, "debezium-json", &s, NULL);
    char *text = slurp("flink/debezium-postgres-data-replica-identity.txt");
    char buf[4096];
    int failed_at = -1;
    for (int i = 0; i < 15 && failed_at < 0; i++) {
        if (ft_decode(&t, line_of(text, i, buf, sizeof buf)) < 0)
            failed_at = i;
    }
    free(text);
    /* lines 1-9 are the snapshot; line 10 is the first update */
    assert_int_equal(failed_at, 9);
    assert_non_null(strstr(t.err.msg, "\"before\" field of an UPDATE"));
    assert_non_null(strstr(t.err.msg, "REPLICA IDENTITY FULL"));
    ft_close(&t);
}

/* testTombstoneMessages: an empty record gives no row (the tombstone
 * Debezium sends after a delete), between two changes that do. */
static void test_debezium_tombstone(void **state)
{
    (void)state;
    struct hf_schema s;
    products(&s);
    struct ft t;
    ft_open(&t, "debezium-json", &s, NULL);
    assert_string_equal(decode_file(&t, "inputs/debezium-tombstone.json"),
                        "+I(101, scooter, Small 2-wheel scooter, 3.14)\n"
                        "-D(111, scooter, Big 2-wheel scooter , 5.17)\n");
    ft_close(&t);
}

/* Debezium's own sample events (MySQL connector 0.10): an update with
 * both images, and a create in the Kafka Connect schema envelope; the
 * rows follow Flink's mapping (u: -U before, +U after; c: +I after). */
static void test_debezium_samples(void **state)
{
    (void)state;
    struct hf_schema s;
    memset(&s, 0, sizeof s);
    ft_col(&s, "id", ft_type(HF_INT));
    ft_col(&s, "first_name", ft_type(HF_VARCHAR));
    ft_col(&s, "last_name", ft_type(HF_VARCHAR));
    ft_col(&s, "email", ft_type(HF_VARCHAR));
    struct hf_schema s2;
    assert_int_equal(hf_schema_copy(&s2, &s), 0);
    struct ft t;
    ft_open(&t, "debezium-json", &s, NULL);
    assert_string_equal(decode_file(&t, "inputs/debezium-serde-update.json"),
                        "-U(1004, Anne-Marie, Kretchmar, annek@noanswer.org)\n"
                        "+U(1004, Anne, Kretchmar, annek@noanswer.org)\n");
    ft_close(&t);
    const char *kv[] = {"debezium-json.schema-include", "true", NULL};
    ft_open(&t, "debezium-json", &s2, kv);
    assert_string_equal(
        decode_file(&t, "inputs/debezium-serde-with-schema.json"),
        "+I(1004, Anne, Kretchmar, annek@noanswer.org)\n");
    ft_close(&t);
}

/* ------------------------------------------------------------ canal */

/* CanalJsonSerDeSchemaTest: canal-data.txt, and canal-data-filter-table.txt
 * read with database "^my.*" and table "^prod.*", both give these rows.
 * Product 106 was inserted with a NULL description, and the update's
 * "old" says {"description": null}: the -U row keeps the NULL
 * (FLINK-19446). */
static const char canal_rows[] =
    "+I(101, scooter, Small 2-wheel scooter, 3.14)\n"
    "+I(102, car battery, 12V car battery, 8.1)\n"
    "+I(103, 12-pack drill bits, 12-pack of drill bits with sizes ranging "
    "from #40 to #3, 0.8)\n"
    "+I(104, hammer, 12oz carpenter's hammer, 0.75)\n"
    "+I(105, hammer, 14oz carpenter's hammer, 0.875)\n"
    "+I(106, hammer, NULL, 1.0)\n"
    "+I(107, rocks, box of assorted rocks, 5.3)\n"
    "+I(108, jacket, water resistent black wind breaker, 0.1)\n"
    "+I(109, spare tire, 24 inch spare tire, 22.2)\n"
    "-U(106, hammer, NULL, 1.0)\n"
    "+U(106, hammer, 18oz carpenter hammer, 1.0)\n"
    "-U(107, rocks, box of assorted rocks, 5.3)\n"
    "+U(107, rocks, box of assorted rocks, 5.1)\n"
    "+I(110, jacket, water resistent white wind breaker, 0.2)\n"
    "+I(111, scooter, Big 2-wheel scooter , 5.18)\n"
    "-U(110, jacket, water resistent white wind breaker, 0.2)\n"
    "+U(110, jacket, new water resistent white wind breaker, 0.5)\n"
    "-U(111, scooter, Big 2-wheel scooter , 5.18)\n"
    "+U(111, scooter, Big 2-wheel scooter , 5.17)\n"
    "-D(111, scooter, Big 2-wheel scooter , 5.17)\n"
    "-U(101, scooter, Small 2-wheel scooter, 3.14)\n"
    "+U(101, scooter, Small 2-wheel scooter, 5.17)\n"
    "-U(102, car battery, 12V car battery, 8.1)\n"
    "+U(102, car battery, 12V car battery, 5.17)\n"
    "-D(102, car battery, 12V car battery, 5.17)\n"
    "-D(103, 12-pack drill bits, 12-pack of drill bits with sizes ranging "
    "from #40 to #3, 0.8)\n";

static void test_canal_files(void **state)
{
    (void)state;
    struct hf_schema s;
    products(&s);
    const char *iso[] = {"canal-json.timestamp-format.standard", "ISO-8601",
                         NULL};
    struct ft t;
    ft_open(&t, "canal-json", &s, iso);
    assert_string_equal(decode_file(&t, "flink/canal-data.txt"), canal_rows);
    ft_close(&t);

    products(&s);
    const char *filter[] = {"canal-json.database.include", "^my.*",
                            "canal-json.table.include", "^prod.*", NULL};
    ft_open(&t, "canal-json", &s, filter);
    assert_string_equal(decode_file(&t, "flink/canal-data-filter-table.txt"),
                        canal_rows);
    ft_close(&t);
}

/* ------------------------------------------------------------ maxwell */

/* MaxwellJsonSerDerTest: maxwell-data.txt gives the same changes as
 * canal-data.txt, with product 106's description as it was inserted. */
static void test_maxwell_file(void **state)
{
    (void)state;
    struct hf_schema s;
    products(&s);
    struct ft t;
    ft_open(&t, "maxwell-json", &s, NULL);
    char want[sizeof canal_rows + 64];
    snprintf(want, sizeof want, "%s", canal_rows);
    /* maxwell-data.txt inserts 106 with its description */
    const char *from[] = {"+I(106, hammer, NULL, 1.0)\n",
                          "-U(106, hammer, NULL, 1.0)\n"};
    const char *to[] = {"+I(106, hammer, 16oz carpenter's hammer, 1.0)\n",
                        "-U(106, hammer, 16oz carpenter's hammer, 1.0)\n"};
    struct hf_strbuf b;
    hf_strbuf_init(&b, 0);
    hf_strbuf_puts(&b, want);
    for (int k = 0; k < 2; k++) {
        char *at = strstr(b.data, from[k]);
        assert_non_null(at);
        size_t off = (size_t)(at - b.data);
        struct hf_strbuf nb;
        hf_strbuf_init(&nb, 0);
        hf_strbuf_append(&nb, b.data, off);
        hf_strbuf_puts(&nb, to[k]);
        hf_strbuf_puts(&nb, b.data + off + strlen(from[k]));
        hf_strbuf_free(&b);
        b = nb;
    }
    assert_string_equal(decode_file(&t, "flink/maxwell-data.txt"), b.data);
    hf_strbuf_free(&b);
    /* lines 6 and 10 of maxwell-data.txt with the old description null, as
     * canal-data.txt has it: a key present in "old" with null was NULL */
    assert_string_equal(decode_file(&t, "inputs/maxwell-old-null.json"),
                        "+I(106, hammer, NULL, 1.0)\n"
                        "-U(106, hammer, NULL, 1.0)\n"
                        "+U(106, hammer, 18oz carpenter hammer, 1.0)\n");
    ft_close(&t);
}

/* ------------------------------------------------------------ metadata */

/* The first line of `file` read by format `fmt` (options `kv`) into the
 * products columns plus one metadata column per key of `keys`; returns the
 * first row's text. Key types as Flink lists them: timestamps
 * TIMESTAMP_LTZ(3), pk-names and primary-key-columns ARRAY<STRING>, the
 * rest STRING. */
static const char *meta_row(struct ft *t, const char *fmt,
                            const char *const *kv, const char *file,
                            const char *const *keys)
{
    static struct hf_schema s; /* t keeps a pointer until ft_close */
    products(&s);
    uint32_t keyidx[8], cols[8], n = 0;
    const struct hf_format *f = hf_format_find(fmt);
    for (; keys[n]; n++) {
        const struct hf_format_meta *m = hf_format_meta_find(f, keys[n]);
        assert_non_null(m);
        keyidx[n] = (uint32_t)(m - f->meta);
        struct hf_type ty = ft_type(HF_VARCHAR);
        if (m->type == HF_META_TIMESTAMP3)
            ty = ft_ts(HF_TIMESTAMP_LTZ, 3);
        else if (m->type == HF_META_STRING_ARRAY)
            ty = ft_array(HF_VARCHAR);
        ft_col(&s, keys[n], ty);
        s.cols[s.ncols - 1].kind = HF_COL_METADATA;
        cols[n] = s.ncols - 1;
    }
    const uint32_t phys[] = {0, 1, 2, 3};
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s.", fmt);
    ft_open_cols(t, fmt, prefix, &s, kv, phys, 4);
    assert_int_equal(f->decoder_meta(t->dec, keyidx, cols, n, &t->err), 0);
    char *text = slurp(file);
    char buf[40000];
    int rc = ft_decode(t, line_of(text, 0, buf, sizeof buf));
    free(text);
    if (rc < 1)
        print_error("%s: %s\n", file, t->err.msg);
    assert_true(rc >= 1);
    while (t->b->nrows > 1)
        hf_batch_drop_last(t->b);
    return ft_rows(t);
}

/* DebeziumJsonSerDeSchemaTest.testDeserializationWithMetadata: the first
 * change of three of Flink's files, with every key Flink lists that
 * holoflow can declare (source.properties is a MAP). */
static void test_debezium_metadata(void **state)
{
    (void)state;
    const char *keys[] = {"ingestion-timestamp",
                          "source.timestamp",
                          "source.database",
                          "source.schema",
                          "source.table",
                          "schema",
                          NULL};
    const char *incl[] = {"debezium-json.schema-include", "true", NULL};
    struct ft t;
    const char *row = meta_row(&t, "debezium-json", incl,
                               "flink/debezium-data-schema-include.txt", keys);
    /* 1589355606100 and 0 milliseconds; no "schema" in MySQL's source; the
     * schema as JSON text */
    const char *want = "+I(101, scooter, Small 2-wheel scooter, 3.14, "
                       "2020-05-13 07:40:06.100, 1970-01-01 00:00:00.000, "
                       "inventory, NULL, products, {\"type\":\"struct\","
                       "\"fields\":[{\"type\":\"struct\",\"fields\":[{\"type\":"
                       "\"int32\",\"optional\":false,\"field\":\"id\"},";
    if (strncmp(row, want, strlen(want)) != 0)
        fail_msg("got %s", row);
    ft_close(&t);

    row = meta_row(&t, "debezium-json", NULL,
                   "flink/debezium-data-schema-exclude.txt", keys);
    assert_string_equal(row,
                        "+I(101, scooter, Small 2-wheel scooter, 3.14, "
                        "2020-05-13 07:40:06.100, 1970-01-01 00:00:00.000, "
                        "inventory, NULL, products, NULL)\n");
    ft_close(&t);

    /* PostgreSQL: 1596001099434 both, database postgres, schema inventory */
    row = meta_row(&t, "debezium-json", NULL,
                   "flink/debezium-postgres-data-schema-exclude.txt", keys);
    assert_string_equal(row,
                        "+I(101, scooter, Small 2-wheel scooter, 3.14, "
                        "2020-07-29 05:38:19.434, 2020-07-29 05:38:19.434, "
                        "postgres, inventory, products, NULL)\n");
    ft_close(&t);
}

/* CanalJsonSerDeSchemaTest.testDeserializationWithMetadata (sql-type is a
 * MAP, which holoflow cannot declare). */
static void test_canal_metadata(void **state)
{
    (void)state;
    const char *keys[] = {"database",        "table",
                          "pk-names",        "ingestion-timestamp",
                          "event-timestamp", NULL};
    struct ft t;
    const char *row =
        meta_row(&t, "canal-json", NULL, "flink/canal-data.txt", keys);
    /* 1589373515477 and 1589373515000 milliseconds */
    assert_string_equal(row, "+I(101, scooter, Small 2-wheel scooter, 3.14, "
                             "inventory, products2, [id], 2020-05-13 "
                             "12:38:35.477, 2020-05-13 12:38:35.000)\n");
    ft_close(&t);
    const char *filter[] = {"canal-json.database.include", "mydb",
                            "canal-json.table.include", "product", NULL};
    row = meta_row(&t, "canal-json", filter,
                   "flink/canal-data-filter-table.txt", keys);
    /* 1598944146308 and 1598944132000 milliseconds */
    assert_string_equal(row, "+I(101, scooter, Small 2-wheel scooter, 3.14, "
                             "mydb, product, [id], 2020-09-01 07:09:06.308, "
                             "2020-09-01 07:08:52.000)\n");
    ft_close(&t);
}

/* MaxwellJsonSerDerTest.testDeserializationWithMetadata: "ts" is in
 * seconds (1596684883). */
static void test_maxwell_metadata(void **state)
{
    (void)state;
    const char *keys[] = {"database", "table", "primary-key-columns",
                          "ingestion-timestamp", NULL};
    struct ft t;
    const char *row =
        meta_row(&t, "maxwell-json", NULL, "flink/maxwell-data.txt", keys);
    assert_string_equal(row, "+I(101, scooter, Small 2-wheel scooter, 3.14, "
                             "test, product, [id], 2020-08-06 03:34:43.000)\n");
    ft_close(&t);
}

/* A MAP key is refused naming the type (holoflow has no MAP type), and a
 * column that cannot hold the value is refused. */
static void test_metadata_types(void **state)
{
    (void)state;
    const struct hf_format *f = hf_format_find("debezium-json");
    const struct hf_format_meta *m =
        hf_format_meta_find(f, "source.properties");
    assert_non_null(m);
    assert_int_equal(m->type, HF_META_MAP);
    struct hf_type str = ft_type(HF_VARCHAR);
    assert_false(hf_format_meta_fits(HF_META_MAP, &str));
    struct hf_type ts0 = ft_ts(HF_TIMESTAMP, 0);
    assert_true(hf_format_meta_fits(HF_META_TIMESTAMP3, &ts0));
    assert_false(hf_format_meta_fits(HF_META_TIMESTAMP3, &str));
    struct hf_type ints = ft_array(HF_INT);
    assert_false(hf_format_meta_fits(HF_META_STRING_ARRAY, &ints));
    assert_null(hf_format_meta_find(hf_format_find("json"), "table"));

    struct hf_schema s;
    products(&s);
    ft_col(&s, "props", ft_type(HF_VARCHAR));
    const uint32_t phys[] = {0, 1, 2, 3};
    struct ft t;
    ft_open_cols(&t, "debezium-json", "debezium-json.", &s, NULL, phys, 4);
    uint32_t key = (uint32_t)(m - f->meta), col = 4;
    assert_int_equal(f->decoder_meta(t.dec, &key, &col, 1, &t.err), -1);
    assert_string_equal(t.err.msg,
                        "debezium-json metadata 'source.properties' is "
                        "MAP<STRING, STRING>; a column of type STRING cannot "
                        "hold it (holoflow has no MAP type yet)");
    ft_close(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_specs_strict),
        cmocka_unit_test(test_json_specs_ignored),
        cmocka_unit_test(test_json_itcase_parse_error),
        cmocka_unit_test(test_json_errors),
        cmocka_unit_test(test_json_timestamp_forms),
        cmocka_unit_test(test_debezium_files),
        cmocka_unit_test(test_debezium_replica_identity),
        cmocka_unit_test(test_debezium_tombstone),
        cmocka_unit_test(test_debezium_samples),
        cmocka_unit_test(test_canal_files),
        cmocka_unit_test(test_maxwell_file),
        cmocka_unit_test(test_debezium_metadata),
        cmocka_unit_test(test_canal_metadata),
        cmocka_unit_test(test_maxwell_metadata),
        cmocka_unit_test(test_metadata_types),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
