/*
 * test_format_legacy.c - the json format's Flink 1.9/1.10 schema options
 * ('format.derive-schema', 'format.json-schema', 'format.schema',
 * 'format.fields.N.name' / '.type' / '.data-type', 'format.property-version')
 * through the real planner, on a legacy Kafka table (no broker needed):
 * what is accepted silently, what with a warning (exactly which), and each
 * error with its file:line:col; plus the legacy type names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the four above first */
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/format.h"
#include "formats/format_legacy.h"
#include "sql/planner.h"

/* ------------------------------------------------------------ helpers */

struct capture {
    char path[32];
    int fd, saved;
};

static void capture_start(struct capture *c)
{
    snprintf(c->path, sizeof c->path, "/tmp/hf-fl-XXXXXX");
    c->fd = mkstemp(c->path);
    assert_true(c->fd >= 0);
    fflush(stderr);
    c->saved = dup(2);
    assert_true(dup2(c->fd, 2) >= 0);
}

static char *capture_end(struct capture *c)
{
    fflush(stderr);
    dup2(c->saved, 2);
    close(c->saved);
    off_t n = lseek(c->fd, 0, SEEK_END);
    char *buf = calloc(1, (size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(pread(c->fd, buf, (size_t)n, 0), n);
    close(c->fd);
    unlink(c->path);
    return buf;
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* Columns of the test table: id INT, name STRING, ts TIMESTAMP(3),
 * price DECIMAL(10, 2), tags ARRAY<INT>; options from line 8 on. */
#define TABLE(extra)                                                           \
    "CREATE TABLE src (id INT, name STRING, ts TIMESTAMP(3),\n"                \
    "  price DECIMAL(10, 2), tags ARRAY<INT>) WITH (\n"                        \
    "  'connector.type' = 'kafka',\n"                                          \
    "  'connector.topic' = 'in',\n"                                            \
    "  'connector.properties.bootstrap.servers' = 'h:1',\n"                    \
    "  'update-mode' = 'append',\n"                                            \
    "  'format.type' = 'json'" extra ");\n"

/* Plan; returns 0 or -1 (message in err), warnings in *warn (freed by the
 * caller). */
static int plan(const char *sql, struct hf_error *err, char **warn)
{
    struct capture c;
    capture_start(&c);
    struct hf_job *job = NULL;
    hf_error_clear(err);
    int rc = hf_sql_plan_text("t.sql", sql, NULL, 0, &job, err);
    *warn = capture_end(&c);
    hf_job_free(job);
    return rc;
}

static void expect_ok(const char *sql, int nwarn, const char *const *warns)
{
    struct hf_error err;
    char *w;
    if (plan(sql, &err, &w) != 0)
        fail_msg("planning failed: %s", err.msg);
    if (count(w, "warning:") != nwarn)
        fail_msg("expected %d warnings, got:\n%s", nwarn, w);
    for (size_t i = 0; warns && warns[i]; i++)
        if (strstr(w, warns[i]) == NULL)
            fail_msg("warnings\n%s\ndo not contain\n  %s", w, warns[i]);
    free(w);
}

static void expect_err(const char *sql, const char *want)
{
    struct hf_error err;
    char *w;
    int rc = plan(sql, &err, &w);
    free(w);
    if (rc == 0)
        fail_msg("planning succeeded, expected an error with: %s", want);
    if (strstr(err.msg, want) == NULL)
        fail_msg("error\n  %s\ndoes not contain\n  %s", err.msg, want);
}

#define FIELDS_OK                                                              \
    ",\n  'format.fields.0.name' = 'id',\n"                                    \
    "  'format.fields.0.type' = 'INT',\n"                                      \
    "  'format.fields.1.name' = 'name',\n"                                     \
    "  'format.fields.1.type' = 'VARCHAR',\n"                                  \
    "  'format.fields.2.name' = 'ts',\n"                                       \
    "  'format.fields.2.type' = 'SQL_TIMESTAMP',\n"                            \
    "  'format.fields.3.name' = 'price',\n"                                    \
    "  'format.fields.3.type' = 'DECIMAL',\n"                                  \
    "  'format.fields.4.name' = 'tags',\n"                                     \
    "  'format.fields.4.type' = 'PRIMITIVE_ARRAY(INT)'"

/* ------------------------------------------------------------ tests */

static void test_derive_schema(void **state)
{
    (void)state;
    expect_ok(TABLE(",\n  'format.derive-schema' = 'true'"), 0, NULL);
    expect_err(TABLE(",\n  'format.derive-schema' = 'false'"),
               "t.sql:8:3: error: 'format.derive-schema' = 'false' needs the "
               "format's own schema ('format.fields.#.name' / '.type', "
               "'format.schema' or 'format.json-schema'), as in Flink");
    expect_err(TABLE(",\n  'format.derive-schema' = 'maybe'"),
               "invalid value 'maybe' for option 'format.derive-schema'");
    expect_ok(TABLE(",\n  'format.derive-schema' = 'false'" FIELDS_OK), 0,
              NULL);
    expect_err(TABLE(",\n  'format.derive-schema' = 'false',\n"
                     "  'format.schema' = 'ROW<id INT>',\n"
                     "  'format.json-schema' = '{}'"),
               "t.sql:8:3: error: 'format.derive-schema' = 'false' with both "
               "'format.schema' and 'format.json-schema': give one schema");
    /* Only for legacy tables. */
    expect_err("CREATE TABLE m (id INT) WITH ('connector' = 'kafka',\n"
               "  'topic' = 'in', 'properties.bootstrap.servers' = 'h:1',\n"
               "  'format' = 'json', 'json.derive-schema' = 'true');\n",
               "t.sql:3:22: error: option 'json.derive-schema' belongs to "
               "Flink 1.9/1.10's legacy tables ('format.type' = '...'); a "
               "table with 'format' takes its format's schema from the DDL: "
               "remove it");
    expect_err("CREATE TABLE m (id INT) WITH ('connector' = 'kafka',\n"
               "  'topic' = 'in', 'properties.bootstrap.servers' = 'h:1',\n"
               "  'value.format' = 'json', 'value.json.fields.0.name' = 'id',\n"
               "  'value.json.fields.0.type' = 'INT');\n",
               "option 'value.json.fields.0.name' belongs to Flink "
               "1.9/1.10's legacy tables ('format.type' = '...'); a table "
               "with 'value.format' takes");
}

static void test_fields(void **state)
{
    (void)state;
    expect_ok(TABLE(FIELDS_OK), 0, NULL);
    /* 1.10's data types, any order, CHAR for STRING. */
    expect_ok(TABLE(",\n  'format.fields.4.name' = 'tags',\n"
                    "  'format.fields.4.data-type' = 'ARRAY<INT>',\n"
                    "  'format.fields.0.name' = 'name',\n"
                    "  'format.fields.0.data-type' = 'CHAR(3)',\n"
                    "  'format.fields.1.name' = 'id',\n"
                    "  'format.fields.1.data-type' = 'INT NOT NULL',\n"
                    "  'format.fields.2.name' = 'ts',\n"
                    "  'format.fields.2.data-type' = 'TIMESTAMP(6)',\n"
                    "  'format.fields.3.name' = 'price',\n"
                    "  'format.fields.3.data-type' = 'DECIMAL(38, 18)'"),
              0, NULL);
    /* A field that is not a column. */
    expect_err(TABLE(FIELDS_OK ",\n  'format.fields.5.name' = 'extra',\n"
                               "  'format.fields.5.type' = 'INT'"),
               "t.sql:18:3: error: 'format.fields.5.name' declares field "
               "'extra', which is not a column of the table; the DDL's "
               "columns are: id, name, ts, price, tags");
    /* A type of another kind, at the type's position. */
    expect_err(TABLE(",\n  'format.fields.0.name' = 'id',\n"
                     "  'format.fields.0.type' = 'LONG'"),
               "t.sql:9:3: error: column 'id' is INT in the DDL, but "
               "'format.fields.0.type' declares it BIGINT; make them agree "
               "(holoflow reads the DDL's type)");
    expect_err(TABLE(",\n  'format.fields.0.name' = 'ts',\n"
                     "  'format.fields.0.type' = 'BLOB-ish'"),
               "t.sql:9:3: error: 'format.fields.0.type': cannot read type "
               "'BLOB-ish' of column 'ts'");
    /* A column left out. */
    expect_err(TABLE(",\n  'format.fields.0.name' = 'id',\n"
                     "  'format.fields.0.type' = 'INT'"),
               "t.sql:8:3: error: column 'name' of the DDL is not among the "
               "fields of 'format.fields.#.name'");
    /* Halves. */
    expect_err(TABLE(FIELDS_OK ",\n  'format.fields.7.name' = 'id'"),
               "t.sql:18:3: error: option 'format.fields.7.name' has no "
               "'format.fields.7.type': field 7 needs a name and a type");
    expect_err(TABLE(FIELDS_OK ",\n  'format.fields.7.type' = 'INT'"),
               "t.sql:18:3: error: option 'format.fields.7.type' has no "
               "'format.fields.7.name': field 7 needs a name and a type");
    expect_err(TABLE(FIELDS_OK ",\n  'format.fields.9.name' = 'id',\n"
                               "  'format.fields.9.type' = 'INT'"),
               "t.sql:18:3: error: 'format.fields.9.name' declares column "
               "'id' a second time (also 'format.fields.0.name')");
    /* The index is a number. */
    expect_err(TABLE(",\n  'format.fields.a.name' = 'id'"),
               "t.sql:8:3: error: unknown option 'format.fields.a.name'");
}

static void test_row_schema(void **state)
{
    (void)state;
    expect_ok(TABLE(",\n  'format.schema' = 'ROW<id INT, name VARCHAR, "
                    "ts SQL_TIMESTAMP, price DECIMAL, "
                    "tags OBJECT_ARRAY(INT)>'"),
              0, NULL);
    expect_ok(TABLE(",\n  'format.schema' = 'ROW(`id` INT, name STRING, "
                    "ts TIMESTAMP(3), price DECIMAL(10, 2), tags ARRAY<INT>)'"),
              0, NULL);
    expect_err(TABLE(",\n  'format.schema' = 'ROW<id INT, name BOOLEAN, "
                     "ts SQL_TIMESTAMP, price DECIMAL, tags "
                     "OBJECT_ARRAY(INT)>'"),
               "t.sql:8:3: error: column 'name' is STRING in the DDL, but "
               "'format.schema' declares it BOOLEAN");
    expect_err(TABLE(",\n  'format.schema' = 'ROW<id INT>'"),
               "t.sql:8:3: error: column 'name' of the DDL is not among the "
               "fields of 'format.schema'");
    expect_err(TABLE(",\n  'format.schema' = 'INT'"),
               "t.sql:8:3: error: option 'format.schema' = 'INT' is not a row "
               "type; write 'ROW<name TYPE, ...>'");
}

static void test_json_schema(void **state)
{
    (void)state;
    /* Agrees: silent. */
    expect_ok(TABLE(",\n  'format.json-schema' = '{\"type\": \"object\", "
                    "\"properties\": {\"id\": {\"type\": \"integer\"}, "
                    "\"name\": {\"type\": [\"string\", \"null\"]}, "
                    "\"ts\": {\"type\": \"string\", \"format\": "
                    "\"date-time\"}, \"price\": {\"type\": \"number\"}, "
                    "\"tags\": {\"type\": \"array\"}}}'"),
              0, NULL);
    /* Disagrees: one warning per difference, naming it. */
    static const char *const w[] = {
        "t.sql:8:3: warning: option 'format.json-schema': property 'name' "
        "has type \"boolean\", column 'name' is STRING; holoflow reads the "
        "DDL's type",
        "t.sql:8:3: warning: option 'format.json-schema': property 'extra' is "
        "not a column of the table; holoflow reads the DDL's columns and "
        "ignores it",
        "t.sql:8:3: warning: option 'format.json-schema': column 'ts' is not "
        "among its properties",
        "column 'price' is not among its properties",
        "column 'tags' is not among its properties",
        NULL};
    expect_ok(TABLE(",\n  'format.json-schema' = '{\"type\": \"object\", "
                    "\"properties\": {\"id\": {\"type\": \"integer\"}, "
                    "\"name\": {\"type\": \"boolean\"}, "
                    "\"extra\": {\"type\": \"string\"}}}'"),
              5, w);
    static const char *const nop[] = {
        "t.sql:8:3: warning: option 'format.json-schema' has no "
        "\"properties\" to compare with the DDL",
        NULL};
    expect_ok(TABLE(",\n  'format.json-schema' = '{\"type\": \"object\"}'"), 1,
              nop);
    expect_err(TABLE(",\n  'format.json-schema' = '{\"type\": \"object\", "
                     "\"properties\": {'"),
               "t.sql:8:3: error: option 'format.json-schema' is not valid "
               "JSON: the text ends inside the document");
    expect_err(TABLE(",\n  'format.json-schema' = '{\"type\": obj}'"),
               "t.sql:8:3: error: option 'format.json-schema' is not valid "
               "JSON: ");
    expect_err(TABLE(",\n  'format.json-schema' = '[1, 2]'"),
               "t.sql:8:3: error: option 'format.json-schema' is not one JSON "
               "Schema object");
}

static void test_property_version(void **state)
{
    (void)state;
    static const char *const w[] = {
        "t.sql:8:3: warning: option 'format.property-version' is ignored",
        NULL};
    expect_ok(TABLE(",\n  'format.property-version' = '1'"), 1, w);
}

static void test_legacy_types(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        enum hf_type_id id, elem;
    } cases[] = {
        {"VARCHAR", HF_VARCHAR, 0},
        {"string", HF_VARCHAR, 0},
        {"BYTE", HF_TINYINT, 0},
        {"SHORT", HF_SMALLINT, 0},
        {"INTEGER", HF_INT, 0},
        {"LONG", HF_BIGINT, 0},
        {"BIG_DEC", HF_DECIMAL, 0},
        {"SQL_DATE", HF_DATE, 0},
        {"SQL_TIME", HF_TIME, 0},
        {"SQL_TIMESTAMP", HF_TIMESTAMP, 0},
        {"LOCAL_DATE_TIME", HF_TIMESTAMP, 0},
        {"PRIMITIVE_ARRAY(BYTE)", HF_BYTES, 0},
        {"PRIMITIVE_ARRAY(LONG)", HF_ARRAY, HF_BIGINT},
        {" OBJECT_ARRAY( VARCHAR ) ", HF_ARRAY, HF_VARCHAR},
        {"DECIMAL(10, 2)", HF_DECIMAL, 0},
        {"TIMESTAMP_LTZ(3)", HF_TIMESTAMP_LTZ, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct hf_type t;
        if (hf_format_legacy_type(cases[i].text, &t) != 0)
            fail_msg("cannot read '%s'", cases[i].text);
        assert_int_equal(t.id, cases[i].id);
        if (t.id == HF_ARRAY)
            assert_int_equal(t.elem, cases[i].elem);
    }
    struct hf_type t;
    assert_int_equal(hf_format_legacy_type("POJO<x.Y>", &t), -1);
    assert_int_equal(hf_format_legacy_type("", &t), -1);
    assert_int_equal(hf_format_legacy_type("PRIMITIVE_ARRAY(", &t), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_derive_schema),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_row_schema),
        cmocka_unit_test(test_json_schema),
        cmocka_unit_test(test_property_version),
        cmocka_unit_test(test_legacy_types),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
