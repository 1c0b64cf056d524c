/*
 * test_sync_sql.c - `holoflow sync`'s job files into SQL, without a
 * server: the regression tests of what fuzz_sync found (docs/fuzzing.md).
 *
 * Each test parses a job file's text (sync_job_parse_text), gives it the
 * catalog a server would (the writer's and the reader's columns, written
 * out here), and checks the SQL job (sync_job_sql_from), the CREATE TABLE
 * (sync_create_table_sql) or the refusal: values quoted, limits within
 * range, a `where` kept to one expression, names never cut short.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "holoflow.h"
#include "sql/parser.h"
#include "sync/sync_int.h"

/* A catalog column: name, Flink type, server type. */
struct col {
    const char *name, *type, *pg;
};

static void fill(struct sync_table *t, const struct col *c, size_t n)
{
    t->cols = calloc(n + 1, sizeof *t->cols);
    assert_non_null(t->cols);
    t->n = n;
    for (size_t i = 0; i < n; i++) {
        t->cols[i].name = strdup(c[i].name);
        t->cols[i].type = c[i].type ? strdup(c[i].type) : NULL;
        t->cols[i].pg_type = strdup(c[i].pg);
    }
}

/* Parse `json` with `params`; 0 or -1 (err set). */
static int parse(const char *json, const char *const *params, size_t np,
                 struct sync_job *j, struct hf_error *err)
{
    hf_error_clear(err);
    return sync_job_parse_text("job.json", json, strlen(json), params, np, j,
                               err);
}

/* The SQL job of `json` over the writer's columns `dst` (and a database
 * reader's `src`, every reader table alike); NULL with err. */
static char *sql_of(const char *json, const struct col *dst, size_t ndst,
                    const struct col *src, size_t nsrc, struct hf_error *err)
{
    struct sync_job j;
    if (parse(json, NULL, 0, &j, err) != 0)
        return NULL;
    struct sync_catalog cat;
    memset(&cat, 0, sizeof cat);
    cat.first_fields = -1;
    fill(&cat.dst, dst, ndst);
    if (src) {
        fill(&cat.src, src, nsrc);
        cat.more = calloc(j.r.nmore + 1, sizeof *cat.more);
        for (size_t k = 0; k < j.r.nmore; k++)
            fill(&cat.more[k], src, nsrc);
    }
    char *sql = sync_job_sql_from(&j, &cat, false, err);
    sync_catalog_free(&j, &cat);
    sync_job_free(&j);
    return sql;
}

/* The SQL job parses with holoflow's parser. */
static void parses(const char *sql)
{
    struct hf_sql_src src = {.file = "sync.sql", .text = sql,
                             .len = strlen(sql)};
    struct hf_ast_script *s = NULL;
    struct hf_error err;
    hf_error_clear(&err);
    if (hf_sql_parse(&src, &s, &err) != 0)
        fail_msg("%s\n%s", err.msg, sql);
    hf_ast_script_free(s);
}

/* ------------------------------------------------------------ tests */

/* A json reader declares each field with its writer column's type (it
 * declared them all STRING, and read past its 64 types beyond 64
 * fields). */
static void json_fields_typed(void **state)
{
    (void)state;
    static const char job[] =
        "{\"job\": {\"content\": [{\"reader\": {\"name\": \"txtfilereader\","
        " \"parameter\": {\"path\": \"/d/*.json\", \"fileType\": \"json\","
        " \"column\": [{\"index\": 0, \"name\": \"a\", \"type\": \"long\"},"
        " {\"index\": 1, \"name\": \"b\"}]}},"
        " \"writer\": {\"name\": \"holo\", \"parameter\": {\"jdbcUrl\":"
        " \"jdbc:postgresql://h/db\", \"table\": \"t\", \"username\": \"u\","
        " \"column\": [\"x\", \"y\"]}}}]}}";
    static const struct col dst[] = {{"x", "BIGINT", "bigint"},
                                     {"y", "DATE", "date"}};
    struct hf_error err;
    char *sql = sql_of(job, dst, 2, NULL, 0, &err);
    assert_non_null(sql);
    assert_non_null(strstr(sql, "(`a` BIGINT, `b` DATE)"));
    parses(sql);
    free(sql);

    /* 100 fields by name: all declared, each once */
    struct hf_strbuf b;
    hf_strbuf_init(&b, 0);
    hf_strbuf_puts(&b, "{\"job\": {\"content\": [{\"reader\": {\"name\": "
                       "\"txtfilereader\", \"parameter\": {\"path\": "
                       "\"/d/*.json\", \"fileType\": \"json\", \"column\": [");
    struct col many[100];
    char names[100][8];
    for (int i = 0; i < 100; i++) {
        snprintf(names[i], sizeof names[i], "f%d", i);
        many[i] = (struct col){names[i], "INT", "integer"};
        hf_strbuf_printf(&b, "%s{\"index\": 0, \"name\": \"f%d\"}",
                         i ? ", " : "", i);
    }
    hf_strbuf_puts(&b, "]}}, \"writer\": {\"name\": \"holo\", \"parameter\":"
                       " {\"jdbcUrl\": \"jdbc:postgresql://h/db\", \"table\":"
                       " \"t\", \"username\": \"u\", \"column\": [\"*\"]}}}]}}");
    sql = sql_of(b.data, many, 100, NULL, 0, &err);
    assert_non_null(sql);
    assert_non_null(strstr(sql, "`f99` INT) WITH"));
    parses(sql);
    free(sql);
    hf_strbuf_free(&b);
}

/* Partition directory keys: more than 32 of them, and names longer than
 * 127 bytes, are declared whole (they were dropped or cut short, so the
 * SELECT named a column the source did not have). */
static void partition_keys_whole(void **state)
{
    (void)state;
    struct hf_strbuf b;
    hf_strbuf_init(&b, 0);
    char longname[200];
    memset(longname, 'k', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    hf_strbuf_printf(&b, "{\"job\": {\"content\": [{\"reader\": {\"name\": "
                         "\"txtfilereader\", \"parameter\": {\"path\": "
                         "\"/d\", \"column\": [{\"type\": \"partition\", "
                         "\"name\": \"%s\"}",
                     longname);
    struct col dst[40];
    char names[40][8];
    dst[0] = (struct col){longname, "STRING", "text"};
    for (int i = 1; i < 40; i++) {
        snprintf(names[i], sizeof names[i], "p%d", i);
        dst[i] = (struct col){names[i], "STRING", "text"};
        hf_strbuf_printf(&b, ", {\"type\": \"partition\", \"name\": \"p%d\"}",
                         i);
    }
    hf_strbuf_puts(&b, "]}}, \"writer\": {\"name\": \"holo\", \"parameter\":"
                       " {\"jdbcUrl\": \"jdbc:postgresql://h/db\", \"table\":"
                       " \"t\", \"username\": \"u\", \"column\": [\"*\"]}}}]}}");
    struct hf_error err;
    char *sql = sql_of(b.data, dst, 40, NULL, 0, &err);
    assert_non_null(sql);
    assert_non_null(strstr(sql, "`p39` STRING)"));
    char want[256];
    snprintf(want, sizeof want, "PARTITIONED BY (`%s`, `p1`", longname);
    assert_non_null(strstr(sql, want));
    parses(sql);
    free(sql);
    hf_strbuf_free(&b);
}

/* The job's error text when `json` is refused. */
static void refused(const char *json, const char *want)
{
    struct sync_job j;
    struct hf_error err;
    if (parse(json, NULL, 0, &j, &err) == 0) {
        sync_job_free(&j);
        fail_msg("accepted: %s", json);
    }
    if (strstr(err.msg, want) == NULL)
        fail_msg("'%s' does not say '%s'", err.msg, want);
}

#define DW_HEAD                                                                \
    "{\"steps\": [{\"stepType\": \"stream\", \"category\": \"reader\", "       \
    "\"parameter\": {\"column\": [{\"value\": \"1\"}]}}, {\"stepType\": "      \
    "\"holo\", \"category\": \"writer\", \"parameter\": {\"jdbcUrl\": "        \
    "\"jdbc:postgresql://h/db\", \"table\": \"t\", \"column\": [\"*\"]}}], "
#define DX_JOB(setting)                                                        \
    "{\"job\": {\"setting\": " setting ", \"content\": [{\"reader\": "        \
    "{\"name\": \"streamreader\", \"parameter\": {\"column\": [{\"value\": "  \
    "\"1\"}]}}, \"writer\": {\"name\": \"holo\", \"parameter\": "            \
    "{\"jdbcUrl\": \"jdbc:postgresql://h/db\", \"table\": \"t\", \"column\": [\"*\"]}}}]}}"

/* Speed limits: mbps times 1 MiB past int64 overflowed (undefined, and a
 * negative or small limit); a number too large for an integer was cast
 * to int64_t (undefined). Both are refused, naming the setting. */
static void speed_limits_in_range(void **state)
{
    (void)state;
    refused(DW_HEAD "\"setting\": {\"speed\": {\"throttle\": true, "
                    "\"mbps\": 9000000000000}}}",
            "setting.speed.mbps: 9000000000000 MiB/s is out of range");
    refused(DX_JOB("{\"speed\": {\"byte\": 1e300}}"),
            "job.setting.speed.byte: expected an integer, got 1e+300");
    refused(DX_JOB("{\"speed\": {\"channel\": -9.3e18}}"),
            "job.setting.speed.channel: expected an integer");
    /* a negative record count of a streamreader (it went into the SQL
     * job's number-of-rows, refused at planning) */
    refused("{\"job\": {\"content\": [{\"reader\": {\"name\": "
            "\"streamreader\", \"parameter\": {\"sliceRecordCount\": -5, "
            "\"column\": [{\"value\": \"1\"}]}}, \"writer\": {\"name\": "
            "\"holo\", \"parameter\": {\"jdbcUrl\": "
            "\"jdbc:postgresql://h/db\", \"table\": \"t\", \"column\": [\"*\"]}}}]}}",
            "job.content[0].reader.parameter.sliceRecordCount: -5 is negative");
    /* the largest that fits is taken */
    struct sync_job j;
    struct hf_error err;
    assert_int_equal(parse(DW_HEAD "\"setting\": {\"speed\": {\"throttle\": "
                                   "true, \"mbps\": 8796093022207}}}",
                           NULL, 0, &j, &err),
                     0);
    assert_true(j.byte_speed == 8796093022207LL * 1024 * 1024);
    sync_job_free(&j);
}

#define DB_JOB(where)                                                          \
    "{\"job\": {\"content\": [{\"reader\": {\"name\": \"postgresqlreader\", "  \
    "\"parameter\": {\"column\": [\"id\"], \"where\": \"" where "\", "          \
    "\"connection\": [{\"jdbcUrl\": \"jdbc:postgresql://h/db\", \"table\": "     \
    "[\"a\", \"b\"]}]}}, \"writer\": {\"name\": \"holo\", \"parameter\": "     \
    "{\"jdbcUrl\": \"jdbc:postgresql://h/db\", \"table\": \"t\", \"column\": "  \
    "[\"id\"]}}}]}}"

#define DB_JOB_COLS(cols)                                                      \
    "{\"job\": {\"content\": [{\"reader\": {\"name\": \"postgresqlreader\", "  \
    "\"parameter\": {\"column\": [" cols "], \"connection\": [{\"jdbcUrl\": "    \
    "\"jdbc:postgresql://h/db\", \"table\": [\"a\"]}]}}, \"writer\": {\"name\": " \
    "\"holo\", \"parameter\": {\"jdbcUrl\": \"jdbc:postgresql://h/db\", "       \
    "\"table\": \"t\", \"column\": [\"*\"]}}}]}}"

/* A reader's `where` is one SQL condition: text after it (another
 * statement, a UNION) was spliced into the SQL job, and a `--` comment
 * swallowed the `;` that ends the INSERT. */
static void where_one_condition(void **state)
{
    (void)state;
    refused(DB_JOB("id > 1; INSERT INTO sync_dst SELECT 2"),
            "job.content[0].reader.parameter.where: not one expression");
    refused(DB_JOB("id > 1 UNION ALL SELECT 5"),
            "job.content[0].reader.parameter.where: not one expression");
    refused(DB_JOB("id > (1"), "not one expression");
    static const struct col c[] = {{"id", "BIGINT", "bigint"}};
    struct hf_error err;
    char *sql = sql_of(DB_JOB("id > 1 -- recent rows"), c, 1, c, 1, &err);
    assert_non_null(sql);
    /* the comment is dropped when the where is read (sync_pgexpr.c) */
    assert_non_null(strstr(sql, "WHERE (id > 1)\nUNION ALL"));
    assert_non_null(strstr(sql, "WHERE (id > 1);\n"));
    assert_null(strstr(sql, "recent rows"));
    parses(sql);
    free(sql);
}

/* The job file's name is shown in the `--` comment of the SQL job and of
 * the CREATE TABLE: a line break in it ended the comment and put the
 * rest of the name into the SQL. */
static void path_in_comment(void **state)
{
    (void)state;
    static const char job[] =
        "{\"job\": {\"content\": [{\"reader\": {\"name\": \"txtfilereader\","
        " \"parameter\": {\"path\": \"/d\", \"column\": [{\"index\": 0,"
        " \"type\": \"long\"}]}}, \"writer\": {\"name\": \"holo\","
        " \"parameter\": {\"jdbcUrl\": \"jdbc:postgresql://h/db\","
        " \"table\": \"t\", \"column\": [\"id\"]}}}]}}";
    static const char path[] =
        "a\nINSERT INTO sync_dst SELECT 1;\r\n-- \\x.json";
    static const char shown[] =
        "a\\x0aINSERT INTO sync_dst SELECT 1;\\x0d\\x0a-- \\x5cx.json";
    struct sync_job j;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(sync_job_parse_text(path, job, strlen(job), NULL, 0,
                                         &j, &err),
                     0);
    struct sync_catalog cat;
    memset(&cat, 0, sizeof cat);
    cat.first_fields = -1;
    static const struct col c[] = {{"id", "BIGINT", "bigint"}};
    fill(&cat.dst, c, 1);
    char *sql = sync_job_sql_from(&j, &cat, false, &err);
    assert_non_null(sql);
    char want[256];
    snprintf(want, sizeof want,
             "-- holoflow sync: the job %s as a holoflow run SQL job\n",
             shown);
    assert_memory_equal(sql, want, strlen(want));
    parses(sql);
    /* below the comment, one INSERT: the sync's */
    const char *ins = strstr(sql, "\nINSERT INTO sync_dst (");
    assert_non_null(ins);
    assert_ptr_equal(strstr(strchr(sql, '\n'), "INSERT"), ins + 1);
    assert_null(strstr(ins + 2, "INSERT"));
    free(sql);
    char *ct = sync_create_table_sql(&j, &cat, &err);
    assert_non_null(ct);
    snprintf(want, sizeof want,
             "-- holoflow sync --create-table: the writer's table of %s, "
             "from the reader's columns\nCREATE TABLE \"t\" (\n    \"id\" "
             "BIGINT\n);\n",
             shown);
    assert_string_equal(ct, want);
    free(ct);
    sync_catalog_free(&j, &cat);
    sync_job_free(&j);
}

/* preSql / postSql: @table is the writer's table as quoted SQL (it was
 * the name as written, so a name could add to the statement). */
static void presql_table_quoted(void **state)
{
    (void)state;
    static const char job[] =
        "{\"job\": {\"content\": [{\"reader\": {\"name\": \"streamreader\","
        " \"parameter\": {\"column\": [{\"value\": \"1\"}]}}, \"writer\":"
        " {\"name\": \"holo\", \"parameter\": {\"jdbcUrl\":"
        " \"jdbc:postgresql://h/db\", \"table\": \"${t}\", \"column\": [\"*\"],"
        " \"preSql\": [\"DELETE FROM @table WHERE k = '@table'\"]}}}]}}";
    static const struct {
        const char *table, *want;
    } cases[] = {
        {"t=Out", "DELETE FROM \"out\" WHERE k = '\"out\"'"},
        {"t=s.\"My \"\"T\"\"\"", "DELETE FROM \"s\".\"My \"\"T\"\"\" WHERE k = "
                                 "'\"s\".\"My \"\"T\"\"\"'"},
        {"t=x; DROP TABLE y; --", "DELETE FROM \"x; drop table y; --\" WHERE "
                                  "k = '\"x; drop table y; --\"'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct sync_job j;
        struct hf_error err;
        const char *params[] = {cases[i].table};
        assert_int_equal(parse(job, params, 1, &j, &err), 0);
        assert_int_equal(j.w.npre, 1);
        char *q = sync_table_subst(&j, j.w.pre_sql[0], &err);
        assert_non_null(q);
        assert_string_equal(q, cases[i].want);
        free(q);
        sync_job_free(&j);
    }
    /* no table name: refused, naming it */
    struct sync_job j;
    struct hf_error err;
    const char *params[] = {"t=a.b.c"};
    assert_int_equal(parse(job, params, 1, &j, &err), 0);
    assert_null(sync_table_subst(&j, j.w.pre_sql[0], &err));
    assert_non_null(strstr(err.msg, "writer table 'a.b.c': expected"));
    sync_job_free(&j);
}

/* An empty column name is refused at its JSON path (it went into the SQL
 * job as ``, which does not parse). */
static void empty_column_names(void **state)
{
    (void)state;
    refused("{\"job\": {\"content\": [{\"reader\": {\"name\": "
            "\"streamreader\", \"parameter\": {\"column\": [{\"value\": "
            "\"1\"}]}}, \"writer\": {\"name\": \"holo\", \"parameter\": "
            "{\"jdbcUrl\": \"jdbc:postgresql://h/db\", \"table\": \"t\", "
            "\"column\": [\"a\", \"\"]}}}]}}",
            "job.content[0].writer.parameter.column[1]: an empty column name");
    refused(DB_JOB_COLS("\"id\", \"\""),
            "job.content[0].reader.parameter.column[1]: an empty column name");
    refused(DB_JOB_COLS("{\"name\": \"\"}"),
            "job.content[0].reader.parameter.column[0].name: an empty column "
            "name");
}

/* DataX's $name (no braces) is replaced when -p gives name a value, and
 * kept as written otherwise (it was always kept). */
static void dollar_variables(void **state)
{
    (void)state;
    static const char job[] =
        DB_JOB("gmt > $bizdate AND d = '${bizdate}' AND p = '$unset' AND "
               "q = '$bizdate_x$' AND r = '$'");
    const char *params[] = {"bizdate=20261203", "x=1"};
    struct sync_job j;
    struct hf_error err;
    assert_int_equal(parse(job, params, 2, &j, &err), 0);
    assert_string_equal(j.r.where,
                        "gmt > 20261203 and d = '20261203' and p = '$unset' "
                        "and q = '$bizdate_x$' and r = '$'");
    sync_job_free(&j);
}

/* A long host goes into the 'endpoint' option whole (it was cut at 511
 * bytes, so the job connected to another host). */
static void endpoint_whole(void **state)
{
    (void)state;
    char host[700];
    memset(host, 'h', sizeof host - 1);
    host[sizeof host - 1] = '\0';
    struct hf_strbuf b;
    hf_strbuf_init(&b, 0);
    hf_strbuf_printf(&b, "{\"job\": {\"content\": [{\"reader\": {\"name\": "
                         "\"postgresqlreader\", \"parameter\": {\"column\": "
                         "[\"id\"], \"connection\": [{\"jdbcUrl\": "
                         "\"jdbc:postgresql://%s:6543/db\", \"table\": [\"a\"]}]}},"
                         " \"writer\": {\"name\": \"holo\", \"parameter\": "
                         "{\"jdbcUrl\": \"jdbc:postgresql://%s/db\", \"table\": "
                         "\"t\", \"column\": [\"id\"]}}}]}}",
                     host, host);
    static const struct col c[] = {{"id", "BIGINT", "bigint"}};
    struct hf_error err;
    char *sql = sql_of(b.data, c, 1, c, 1, &err);
    assert_non_null(sql);
    char want[800];
    snprintf(want, sizeof want, "'endpoint' = '%s:6543'", host);
    assert_non_null(strstr(sql, want));
    snprintf(want, sizeof want, "'endpoint' = '%s:5432'", host);
    assert_non_null(strstr(sql, want));
    free(sql);
    hf_strbuf_free(&b);
}

/* A jdbcUrl's port is a number from 1 to 65535, refused at its JSON path
 * (it went into the SQL job, which then failed to plan at a line of the
 * SQL job). */
static void jdbc_port_checked(void **state)
{
    (void)state;
    refused("{\"job\": {\"content\": [{\"reader\": {\"name\": "
            "\"streamreader\", \"parameter\": {\"column\": [{\"value\": "
            "\"1\"}]}}, \"writer\": {\"name\": \"holo\", \"parameter\": "
            "{\"jdbcUrl\": \"jdbc:postgresql://h:65536/db\", \"table\": "
            "\"t\"}}}]}}",
            "job.content[0].writer.parameter: 'jdbc:postgresql://h:65536/db': "
            "the port is not a number from 1 to 65535");
    refused("{\"job\": {\"content\": [{\"reader\": {\"name\": "
            "\"streamreader\", \"parameter\": {\"column\": [{\"value\": "
            "\"1\"}]}}, \"writer\": {\"name\": \"holo\", \"parameter\": "
            "{\"jdbcUrl\": \"jdbc:postgresql://h:5x/db?password=s\", "
            "\"table\": \"t\", \"column\": [\"*\"]}}}]}}",
            "'jdbc:postgresql://h:5x/db': the port");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_fields_typed),
        cmocka_unit_test(partition_keys_whole),
        cmocka_unit_test(speed_limits_in_range),
        cmocka_unit_test(where_one_condition),
        cmocka_unit_test(path_in_comment),
        cmocka_unit_test(presql_table_quoted),
        cmocka_unit_test(empty_column_names),
        cmocka_unit_test(dollar_variables),
        cmocka_unit_test(endpoint_whole),
        cmocka_unit_test(jdbc_port_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
