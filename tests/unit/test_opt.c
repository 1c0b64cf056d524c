/*
 * test_opt.c - the option-table engine: parsing, aliases, errors, getters,
 * redaction and docs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "conf/opt.h"
#include "core/log.h"

static const struct hf_opt_def defs[] = {
    {.key = "tablename", .aliases = HF_ALIASES("connector.table", "table"),
     .type = HF_OPT_STRING, .flags = HF_OPTF_REQUIRED, .doc = "target"},
    {.key = "password", .aliases = HF_ALIASES("connector.password"),
     .type = HF_OPT_STRING, .flags = HF_OPTF_SENSITIVE, .doc = "secret"},
    {.key = "connection.pool.size", .aliases = HF_ALIASES("connectionSize"),
     .type = HF_OPT_INT, .def = "3", .flags = HF_OPTF_RANGE, .min = 1,
     .max = 100, .doc = "connections"},
    {.key = "sink.on-conflict-action",
     .aliases = HF_ALIASES("mutatetype", "connector.upsert_type"),
     .type = HF_OPT_ENUM, .def = "INSERT_OR_UPDATE",
     .values = HF_VALUES("INSERT_OR_IGNORE", "INSERT_OR_UPDATE",
                         "INSERT_OR_REPLACE"),
     .doc = "conflict"},
    {.key = "ignoredelete", .type = HF_OPT_BOOL, .def = "false", .doc = "x"},
    {.key = "flush", .type = HF_OPT_DURATION, .def = "10s", .doc = "x"},
    {.key = "bytes", .type = HF_OPT_MEMSIZE, .def = "2mb", .doc = "x"},
    {.key = "delim", .type = HF_OPT_CHAR, .def = ",", .doc = "x"},
    {.key = "fields.#.kind", .type = HF_OPT_ENUM, .def = "random",
     .values = HF_VALUES("random", "sequence"), .flags = HF_OPTF_PATTERN,
     .doc = "x"},
    {.key = "properties.", .type = HF_OPT_STRING, .flags = HF_OPTF_PREFIX,
     .doc = "x"},
};
#define NDEFS (sizeof defs / sizeof defs[0])

#define KV(k, v) {.key = (char *)(k), .value = (char *)(v), .file = "job.sql", .line = 3, .col = 5}

static void test_aliases_and_getters(void **state)
{
    (void)state;
    struct hf_kv kvs[] = {
        KV("connector.table", "public.t"), KV("MUTATETYPE", "insertorignore"),
        KV("connectionSize", "7"), KV("flush", "500ms"), KV("bytes", "64 kb"),
        KV("delim", "\\t"), KV("fields.id.kind", "sequence"),
        KV("properties.group.id", "g1"), KV("password", "s3cret-pw"),
    };
    struct hf_opts o;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(hf_opts_parse(&o, "connector 'x'", "", defs, NDEFS, kvs,
                                   sizeof kvs / sizeof kvs[0], &err),
                     0);
    assert_string_equal(hf_opts_str(&o, "tablename", NULL), "public.t");
    assert_int_equal(hf_opts_enum(&o, "sink.on-conflict-action", NULL), 0);
    assert_int_equal(hf_opts_int(&o, "connection.pool.size", NULL), 7);
    assert_int_equal(hf_opts_int(&o, "flush", NULL), 500);
    assert_int_equal(hf_opts_int(&o, "bytes", NULL), 65536);
    assert_int_equal(hf_opts_char(&o, "delim", NULL), '\t');
    assert_false(hf_opts_bool(&o, "ignoredelete", NULL));
    assert_int_equal(hf_opts_enum(&o, "fields.#.kind", "id"), 1);
    assert_int_equal(hf_opts_enum(&o, "fields.#.kind", "other"), 0);
    assert_true(hf_opts_isset(&o, "fields.#.kind", "id"));
    assert_string_equal(hf_opts_str(&o, "properties.", "group.id"), "g1");

    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    hf_opts_describe(&o, 2, &sb);
    assert_non_null(strstr(sb.data, "password = '******'"));
    assert_null(strstr(sb.data, "s3cret-pw"));
    assert_non_null(strstr(sb.data, "connection.pool.size = '7'"));
    assert_non_null(strstr(sb.data, "flush = '500ms'"));
    hf_strbuf_free(&sb);

    /* The secret was registered with the scrubber. */
    char msg[128] = "FATAL: password s3cret-pw rejected";
    hf_scrub(msg, sizeof msg);
    assert_string_equal(msg, "FATAL: password ****** rejected");
    hf_opts_free(&o);
}

static void test_errors(void **state)
{
    (void)state;
    struct hf_opts o;
    struct hf_error err;

    struct hf_kv twice[] = {KV("tablename", "a"), KV("connector.table", "b")};
    hf_error_clear(&err);
    assert_int_equal(hf_opts_parse(&o, "connector 'x'", "", defs, NDEFS, twice,
                                   2, &err),
                     -1);
    assert_non_null(strstr(err.msg, "job.sql:3:5: option 'connector.table' of "
                                    "connector 'x' is set twice (also as "
                                    "'tablename')"));
    hf_opts_free(&o);

    struct hf_kv badenum[] = {KV("tablename", "a"), KV("mutatetype", "upsert")};
    hf_error_clear(&err);
    assert_int_equal(hf_opts_parse(&o, "connector 'x'", "", defs, NDEFS,
                                   badenum, 2, &err),
                     -1);
    assert_non_null(strstr(err.msg, "invalid value 'upsert' for option "
                                    "'mutatetype'"));
    assert_non_null(strstr(err.msg, "INSERT_OR_IGNORE, INSERT_OR_UPDATE, "
                                    "INSERT_OR_REPLACE"));
    hf_opts_free(&o);

    struct hf_kv range[] = {KV("tablename", "a"), KV("connectionSize", "0")};
    hf_error_clear(&err);
    assert_int_equal(hf_opts_parse(&o, "c", "", defs, NDEFS, range, 2, &err),
                     -1);
    assert_non_null(strstr(err.msg, "must be between 1 and 100"));
    hf_opts_free(&o);

    struct hf_kv missing[] = {KV("password", "abc")};
    hf_error_clear(&err);
    assert_int_equal(hf_opts_parse(&o, "c", "", defs, NDEFS, missing, 1, &err),
                     -1);
    assert_non_null(strstr(err.msg, "missing required option 'tablename'"));
    hf_opts_free(&o);

    struct hf_kv unknown[] = {KV("tablename", "a"), KV("conection.pool.size", "2")};
    hf_error_clear(&err);
    assert_int_equal(hf_opts_parse(&o, "connector 'x'", "", defs, NDEFS,
                                   unknown, 2, &err),
                     0);
    const struct hf_opts *tables[] = {&o};
    assert_int_equal(hf_opts_check_unclaimed(unknown, 2, "connector 'x'",
                                             tables, 1, &err),
                     -1);
    assert_non_null(strstr(err.msg, "job.sql:3:5: unknown option "
                                    "'conection.pool.size' for connector 'x'; "
                                    "did you mean 'connection.pool.size'?"));
    assert_non_null(strstr(err.msg, "valid options: tablename, password"));
    hf_opts_free(&o);
}

static void test_prefix_tables(void **state)
{
    (void)state;
    static const struct hf_opt_def fmt[] = {
        {.key = "ignore-parse-errors", .type = HF_OPT_BOOL, .def = "false",
         .doc = "x"},
    };
    struct hf_kv kvs[] = {KV("json.ignore-parse-errors", "true"),
                          KV("value.json.ignore-parse-errors", "true")};
    struct hf_opts o;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(hf_opts_parse(&o, "format 'json'", "json.", fmt, 1, kvs,
                                   2, &err),
                     0);
    assert_true(hf_opts_bool(&o, "ignore-parse-errors", NULL));
    assert_true(kvs[0].claimed);
    assert_false(kvs[1].claimed);
    hf_opts_free(&o);
}

static void test_value_parsers(void **state)
{
    (void)state;
    int64_t v;
    assert_int_equal(hf_parse_duration_ms("10s", &v), 0);
    assert_int_equal(v, 10000);
    assert_int_equal(hf_parse_duration_ms("1 min", &v), 0);
    assert_int_equal(v, 60000);
    assert_int_equal(hf_parse_duration_ms("250", &v), 0);
    assert_int_equal(v, 250);
    assert_int_equal(hf_parse_duration_ms("2h", &v), 0);
    assert_int_equal(v, 7200000);
    assert_int_equal(hf_parse_duration_ms("10 parsecs", &v), -1);
    assert_int_equal(hf_parse_duration_ms("-1s", &v), -1);
    assert_int_equal(hf_parse_memsize("2mb", &v), 0);
    assert_int_equal(v, 2097152);
    assert_int_equal(hf_parse_memsize("20 MiB", &v), 0);
    assert_int_equal(v, 20971520);
    assert_int_equal(hf_parse_memsize("lots", &v), -1);
    assert_int_equal(hf_edit_distance("rows-per-secnd", "rows-per-second"), 1);
}

static void test_docs(void **state)
{
    (void)state;
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    hf_opt_doc_markdown("x", "A test connector.", "", defs, NDEFS, &sb);
    assert_non_null(strstr(sb.data, "| `connection.pool.size` | connectionSize "
                                    "| integer | `3` | 1 .. 100 | no | "
                                    "connections |"));
    assert_non_null(strstr(sb.data, "| `password` | connector.password | "
                                    "string (secret) | (none) |"));
    hf_strbuf_free(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_aliases_and_getters),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_prefix_tables),
        cmocka_unit_test(test_value_parsers),
        cmocka_unit_test(test_docs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
