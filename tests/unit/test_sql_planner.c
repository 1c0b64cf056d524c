/*
 * test_sql_planner.c - scripts to planned jobs with the datagen, print,
 * blackhole and filesystem connectors; and every planning error the user
 * can meet, with its exact place in the script.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* clang-format off: cmocka needs the headers above first */
#include <cmocka.h>
/* clang-format on */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/decimal.h"
#include "core/valueconv.h"
#include "formats/format.h"
#include "ops/calc.h"
#include "ops/op.h"
#include "sql/expr.h"
#include "sql/planner.h"

static struct hf_job *plan_ok(const char *text, const char *const *sets,
                              size_t nsets)
{
    struct hf_job *job = NULL;
    struct hf_error err;
    hf_error_clear(&err);
    int rc = hf_sql_plan_text("job.sql", text, sets, nsets, &job, &err);
    if (rc != 0)
        fprintf(stderr, "unexpected error:\n%s\n", err.msg);
    assert_int_equal(rc, 0);
    assert_non_null(job);
    return job;
}

static const char *plan_err(const char *text, const char *const *sets,
                            size_t nsets, hf_err_t *code)
{
    static struct hf_error err;
    struct hf_job *job = NULL;
    hf_error_clear(&err);
    assert_int_equal(hf_sql_plan_text("job.sql", text, sets, nsets, &job, &err),
                     -1);
    assert_null(job);
    if (code)
        *code = err.code;
    return err.msg;
}

static void assert_starts(const char *s, const char *prefix)
{
    if (strncmp(s, prefix, strlen(prefix)) != 0)
        fprintf(stderr, "got:\n%s\nwant prefix:\n%s\n", s, prefix);
    assert_true(strncmp(s, prefix, strlen(prefix)) == 0);
}

static void assert_has(const char *s, const char *part)
{
    if (strstr(s, part) == NULL)
        fprintf(stderr, "got:\n%s\nwant part:\n%s\n", s, part);
    assert_non_null(strstr(s, part));
}

static const char *expr_text(const struct hf_expr *e)
{
    static char buf[512];
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    hf_expr_to_text(e, &sb);
    snprintf(buf, sizeof buf, "%s", sb.data ? sb.data : "");
    hf_strbuf_free(&sb);
    return buf;
}

/* One INSERT of a planned job as the graph holds it: its sink node, the
 * calc node feeding it and the source node feeding that. */
struct pview {
    const struct hf_table_def *source, *sink;
    const struct hf_node *src_node, *calc_node, *sink_node;
    const struct hf_calc_spec *c;
};

static struct pview pipe_of(const struct hf_job *job, uint32_t i)
{
    struct pview v;
    memset(&v, 0, sizeof v);
    const struct hf_graph *g = &job->graph;
    v.sink_node = hf_graph_sink(g, i);
    assert_non_null(v.sink_node);
    assert_int_equal(v.sink_node->ninputs, 1);
    v.calc_node = &g->nodes[v.sink_node->inputs[0]];
    assert_int_equal(v.calc_node->kind, HF_NODE_OP);
    assert_ptr_equal(v.calc_node->op, &hf_op_calc);
    assert_int_equal(v.calc_node->ninputs, 1);
    v.src_node = &g->nodes[v.calc_node->inputs[0]];
    assert_int_equal(v.src_node->kind, HF_NODE_SOURCE);
    v.c = v.calc_node->spec;
    v.source = v.src_node->table;
    v.sink = v.sink_node->table;
    return v;
}

#define SRC                                                                    \
    "CREATE TABLE src (\n"                                                     \
    "  id BIGINT,\n"                                                           \
    "  name STRING,\n"                                                         \
    "  price DOUBLE,\n"                                                        \
    "  qty INT,\n"                                                             \
    "  pt AS PROCTIME()\n"                                                     \
    ") WITH ('connector' = 'datagen', 'number-of-rows' = '10');\n"

/* ------------------------------------------------------------ plans */

static void test_full_plan(void **state)
{
    (void)state;
    struct hf_job *job = plan_ok(
        "SET 'execution.runtime-mode' = 'batch';\n"
        "SET pipeline.name = demo;\n" SRC "CREATE TABLE sink (\n"
        "  id BIGINT,\n"
        "  label STRING,\n"
        "  total DECIMAL(20, 2),\n"
        "  at TIMESTAMP_LTZ(3),\n"
        "  PRIMARY KEY (id) NOT ENFORCED\n"
        ") WITH ('connector' = 'print', 'print-identifier' = 'out');\n"
        "INSERT INTO sink\n"
        "SELECT id, UPPER(name), qty * 2.5, pt FROM src WHERE qty > 0;\n",
        NULL, 0);
    assert_string_equal(job->path, "job.sql");
    assert_int_equal(job->ntables, 2);
    const struct hf_table_def *src = job->tables[0], *sink = job->tables[1];
    assert_string_equal(src->name, "src");
    assert_string_equal(src->connector->name, "datagen");
    assert_int_equal(src->line, 3);
    assert_int_equal(src->schema.ncols, 5);
    assert_int_equal(src->schema.cols[4].kind, HF_COL_PROCTIME);
    assert_int_equal(hf_opts_int(&src->opts, "number-of-rows", NULL), 10);
    assert_string_equal(sink->connector->name, "print");
    assert_string_equal(hf_opts_str(&sink->opts, "print-identifier", NULL),
                        "out");
    assert_int_equal(sink->schema.npk, 1);
    assert_int_equal(sink->schema.pk[0], 0);
    assert_true(sink->schema.cols[0].type.not_null); /* key column */
    assert_null(sink->format);

    assert_int_equal(hf_graph_nsinks(&job->graph), 1);
    struct pview p = pipe_of(job, 0);
    assert_ptr_equal(p.source, src);
    assert_ptr_equal(p.sink, sink);
    assert_int_equal(p.c->nproj, 4);
    assert_int_equal(p.sink_node->line, 17);
    uint32_t idx;
    assert_true(hf_expr_column(p.c->proj[0], &idx));
    assert_int_equal(idx, 0);
    assert_string_equal(expr_text(p.c->proj[1]), "UPPER(name)");
    /* qty * 2.5 is DECIMAL(13, 1), widened to the column's DECIMAL(20, 2). */
    assert_string_equal(expr_text(p.c->proj[2]),
                        "CAST((CAST(qty AS DECIMAL(10, 0)) * 2.5) AS "
                        "DECIMAL(20, 2))");
    assert_int_equal(hf_expr_type(p.c->proj[2])->precision, 20);
    assert_int_equal(hf_expr_type(p.c->proj[3])->id, HF_TIMESTAMP_LTZ);
    assert_non_null(p.c->filter);
    assert_string_equal(expr_text(p.c->filter), "(qty > 0)");

    /* Settings. */
    assert_int_equal(
        hf_opts_enum(&job->settings, "execution.runtime-mode", NULL), 1);
    assert_string_equal(hf_opts_str(&job->settings, "pipeline.name", NULL),
                        "demo");
    assert_int_equal(job->nset, 2);

    /* Evaluate the projections over one source row. */
    struct hf_batch *b = hf_batch_new(4, 4);
    struct hf_value row[5];
    memset(row, 0, sizeof row);
    row[0].v.i = 42;
    row[1].v.s.ptr = "ab";
    row[1].v.s.len = 2;
    row[2].v.f8 = 1.0;
    row[3].v.i = 3;
    row[4].null = true;
    struct hf_value v;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(hf_expr_eval(p.c->proj[2], row, b, &v, &err), 0);
    char buf[64];
    hf_dec_format(v.v.d, 2, buf, sizeof buf);
    assert_string_equal(buf, "7.50");
    assert_int_equal(hf_expr_eval(p.c->proj[1], row, b, &v, &err), 0);
    assert_int_equal(v.v.s.len, 2);
    assert_memory_equal(v.v.s.ptr, "AB", 2);
    assert_int_equal(hf_expr_eval(p.c->filter, row, b, &v, &err), 0);
    assert_true(v.v.b);
    hf_batch_destroy(b);
    hf_job_free(job);
}

static void test_star_and_column_list(void **state)
{
    (void)state;
    struct hf_job *job = plan_ok(
        SRC "CREATE TABLE all_cols (a BIGINT, b STRING, c DOUBLE, d INT, "
            "e TIMESTAMP_LTZ(3)) WITH ('connector' = 'blackhole');\n"
            "CREATE TABLE some (x INT, y STRING, z BIGINT) WITH ('connector' "
            "= 'print');\n"
            "EXECUTE STATEMENT SET BEGIN\n"
            "INSERT INTO all_cols SELECT * FROM src;\n"
            "INSERT INTO some (z, y) SELECT s.id, s.name FROM src AS s;\n"
            "END;",
        NULL, 0);
    assert_int_equal(hf_graph_nsinks(&job->graph), 2);
    struct pview p = pipe_of(job, 0);
    assert_int_equal(p.c->nproj, 5);
    for (uint32_t i = 0; i < 4; i++) {
        uint32_t idx;
        assert_true(hf_expr_column(p.c->proj[i], &idx));
        assert_int_equal(idx, i);
    }
    /* The PROCTIME column is evaluated, not copied. */
    assert_false(hf_expr_column(p.c->proj[4], NULL));
    assert_string_equal(expr_text(p.c->proj[4]), "pt");

    p = pipe_of(job, 1);
    assert_int_equal(p.c->nproj, 3);
    assert_string_equal(expr_text(p.c->proj[0]), "CAST(NULL AS INT)");
    assert_string_equal(expr_text(p.c->proj[1]), "name");
    assert_string_equal(expr_text(p.c->proj[2]), "id");
    hf_job_free(job);
}

static void test_literals_into_columns(void **state)
{
    (void)state;
    struct hf_job *job = plan_ok(
        SRC "CREATE TABLE t (a TINYINT, b DATE, c DECIMAL(5, 2), d STRING) "
            "WITH ('connector' = 'blackhole');\n"
            "INSERT INTO t SELECT 1, '2024-01-31', 2, NULL FROM src;",
        NULL, 0);
    struct pview p = pipe_of(job, 0);
    assert_string_equal(expr_text(p.c->proj[0]), "1");
    assert_int_equal(hf_expr_type(p.c->proj[0])->id, HF_TINYINT);
    assert_string_equal(expr_text(p.c->proj[1]), "DATE '2024-01-31'");
    assert_string_equal(expr_text(p.c->proj[2]), "2.00");
    assert_string_equal(expr_text(p.c->proj[3]), "CAST(NULL AS STRING)");
    hf_job_free(job);
}

/* The type bounding each sink column's values (hf_expr_value_bound): the
 * declared type, narrowed by what the query gives where no value can
 * pass that: a narrower DECIMAL or TIMESTAMP, an explicit CAST to one;
 * strings keep the declared type (an implicit cast does not cut them). */
static void test_value_types(void **state)
{
    (void)state;
    struct hf_job *job = plan_ok(
        "CREATE TABLE s (d4 DECIMAL(10, 4), i INT, ts TIMESTAMP(3), "
        "s STRING, t TIME(3)) WITH ('connector' = 'datagen');\n"
        "CREATE TABLE t (a DECIMAL(10, 4), b DECIMAL(20, 2), c DECIMAL(12, 6), "
        "d TIMESTAMP(6), e TIMESTAMP(6), f VARCHAR(8), g VARCHAR(8), "
        "h STRING, k VARCHAR(8), l TIME(3), m DECIMAL(10, 4)) "
        "WITH ('connector' = 'blackhole');\n"
        "INSERT INTO t (a, b, c, d, e, f, g, h, k, l) SELECT "
        "CAST(d4 AS DECIMAL(10, 2)), i, d4, ts, CAST(ts AS TIMESTAMP(0)), s, "
        "CAST(s AS VARCHAR(5)), s, 'abc', t FROM s;",
        NULL, 0);
    struct pview p = pipe_of(job, 0);
    assert_non_null(p.sink_node->value_types);
    static const char *const want[] = {
        "DECIMAL(8, 2)",  /* the CAST's 2 decimals, a's 6 integer digits */
        "DECIMAL(10, 0)", /* INT: 10 digits, no fraction */
        "DECIMAL(10, 4)", /* DECIMAL(10, 4) into (12, 6): 6 + 4 digits */
        "TIMESTAMP(3)",   /* TIMESTAMP(3) into TIMESTAMP(6) */
        "TIMESTAMP(0)",   /* the CAST */
        "VARCHAR(8)",     /* strings: always the declared type */
        "VARCHAR(8)",     /* even after a CAST to VARCHAR(5) */
        "STRING",         /* */
        "VARCHAR(8)",     /* even a literal */
        "TIME(3)",        /* */
        "DECIMAL(10, 4)", /* not written: NULL of the declared type */
    };
    for (uint32_t c = 0; c < p.c->nproj; c++) {
        char buf[64];
        hf_type_name(&p.sink_node->value_types[c], buf, sizeof buf);
        if (strcmp(buf, want[c]) != 0)
            fail_msg("column %u: got %s, want %s", c, buf, want[c]);
    }
    hf_job_free(job);
}

static void test_formats(void **state)
{
    (void)state;
    char dir[] = "/tmp/hf_plan_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char script[2048];
    snprintf(
        script, sizeof script,
        "CREATE TABLE f1 (a INT, b STRING) WITH ('connector' = "
        "'filesystem', 'path' = '%s', 'format' = 'csv',\n"
        "  'csv.field-delimiter' = U&'\\0001', 'csv.ignore-parse-errors' "
        "= 'true');\n"
        "CREATE TABLE f2 (a INT, b STRING) WITH ('connector.type' = "
        "'filesystem', 'connector.path' = '%s', 'format.type' = 'csv',\n"
        "  'format.field-delimiter' = '|');\n"
        "CREATE TABLE cdc (a INT, b STRING) WITH ('connector' = "
        "'filesystem', 'path' = '%s', 'format' = 'debezium-json');\n"
        "CREATE TABLE out (a INT, b STRING) WITH ('connector' = 'print');\n"
        "INSERT INTO out SELECT * FROM f1;\n"
        "INSERT INTO out SELECT * FROM cdc;\n",
        dir, dir, dir);
    struct hf_job *job = plan_ok(script, NULL, 0);
    const struct hf_table_def *f1 = job->tables[0], *f2 = job->tables[1];
    assert_string_equal(f1->format->name, "csv");
    assert_string_equal(f1->format_opts.prefix, "csv.");
    assert_int_equal(hf_opts_char(&f1->format_opts, "field-delimiter", NULL),
                     1);
    assert_true(hf_opts_bool(&f1->format_opts, "ignore-parse-errors", NULL));
    assert_string_equal(f2->format->name, "csv");
    assert_string_equal(f2->format_opts.prefix, "format.");
    assert_int_equal(hf_opts_char(&f2->format_opts, "field-delimiter", NULL),
                     '|');
    assert_string_equal(job->tables[2]->format->name, "debezium-json");
    assert_true(job->tables[2]->format->changelog);
    assert_int_equal(hf_graph_nsinks(&job->graph), 2);
    hf_job_free(job);

    /* Format errors. */
    snprintf(script, sizeof script,
             "CREATE TABLE f (a INT) WITH ('connector' = 'filesystem', "
             "'path' = '%s',\n  'format' = 'csvv');",
             dir);
    assert_starts(plan_err(script, NULL, 0, NULL),
                  "job.sql:2:3: error: unknown format 'csvv' for table 'f'; "
                  "formats: csv, json,");
    snprintf(script, sizeof script,
             "CREATE TABLE f (a INT) WITH ('connector' = 'filesystem', "
             "'path' = '%s', 'format' = 'csv',\n  'csv.field-delimitr' = "
             "';');",
             dir);
    const char *m = plan_err(script, NULL, 0, NULL);
    assert_starts(m, "job.sql:2:3: error: unknown option "
                     "'csv.field-delimitr' for connector 'filesystem' with "
                     "format 'csv'; did you mean "
                     "'csv.field-delimiter'?\n"
                     "  'csv.field-delimitr' = ';');\n"
                     "  ^\n"
                     "valid options: path, format,");
    rmdir(dir);
}

/* ------------------------------------------------------------ SET */

static void test_settings(void **state)
{
    (void)state;
    const char *sets[] = {"execution.runtime-mode=batch",
                          " pipeline.name = 'from cli' "};
    struct hf_job *job =
        plan_ok("SET 'execution.runtime-mode' = 'streaming';\n"
                "SET 'pipeline.name' = 'one';\n"
                "SET 'pipeline.name' = 'two';\n"
                "SET 'table.exec.mini-batch.enabled' = 'true';\n" SRC,
                sets, 2);
    assert_int_equal(
        hf_opts_enum(&job->settings, "execution.runtime-mode", NULL), 1);
    assert_string_equal(hf_opts_str(&job->settings, "pipeline.name", NULL),
                        "from cli");
    assert_int_equal(job->nset, 3);
    assert_int_equal(
        hf_opts_int(&job->settings, "execution.checkpointing.interval", NULL),
        10000);
    hf_job_free(job);

    assert_starts(
        plan_err("SET 'execution.runtime-mod' = 'batch';", NULL, 0, NULL),
        "job.sql:1:5: error: unknown SET key "
        "'execution.runtime-mod'; did you mean "
        "'execution.runtime-mode'?\n"
        "SET 'execution.runtime-mod' = 'batch';\n"
        "    ^");
    assert_starts(
        plan_err("\nSET 'execution.runtime-mode' = 'bach';", NULL, 0, NULL),
        "job.sql:2:5: error: ");
    const char *bad[] = {"execution.runtime-mode=fast"};
    assert_starts(plan_err(SRC, bad, 1, NULL),
                  "--set 'execution.runtime-mode=fast': ");
    const char *noeq[] = {"pipeline.name"};
    hf_err_t code;
    assert_string_equal(plan_err(SRC, noeq, 1, &code),
                        "--set 'pipeline.name': expected key=value");
    assert_int_equal(code, HF_ERR_USAGE);
}

/* ------------------------------------------------------------ errors */

static void test_unavailable_connectors(void **state)
{
    (void)state;
    hf_err_t code;
    /* Seed 000's sink, as its Java string builds it, plans (check connects
     * nowhere) with its options resolved. */
    struct hf_job *job = NULL;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(
        hf_sql_plan_text(
            "job.sql",
            "create table sink(  user_id bigint,  user_name string,  price "
            "decimal(38,2),  sale_timestamp timestamp) with (\n"
            "  'connector'='hologres',  'dbname' = 'db',  'tablename' = 't',  "
            "'username' = 'u',  'password' = 'p',  'endpoint' = 'h:80')",
            NULL, 0, &job, &err),
        0);
    assert_string_equal(job->tables[0]->connector->name, "hologres");
    assert_string_equal(hf_opts_str(&job->tables[0]->opts, "dbname", NULL),
                        "db");
    hf_job_free(job);
    /* Seed 001's legacy spelling: its missing options are named. */
    const char *m = plan_err("CREATE TABLE mysource(name varchar, age BIGINT) "
                             "WITH (\n"
                             "  'connector.type'='hologres',\n"
                             "  'connector.database'='db');",
                             NULL, 0, &code);
    assert_has(m, "missing required option 'endpoint'");
    /* Seed 004. */
    m = plan_err("create table k(car_id STRING, primary key (car_id) not "
                 "enforced) with (\n"
                 "  'connector.type' = 'upsert-kafka', 'format.type' = "
                 "'csv');",
                 NULL, 0, NULL);
    assert_starts(m, "job.sql:1:14: error: missing required option "
                     "'properties.bootstrap.servers' for table 'k' "
                     "(connector 'upsert-kafka')");
}

static void test_table_errors(void **state)
{
    (void)state;
    hf_err_t code;
    assert_starts(plan_err("CREATE TABLE t (a INT) WITH (\n"
                           "  'connector' = 'datagn');",
                           NULL, 0, &code),
                  "job.sql:2:3: error: unknown connector 'datagn' for table "
                  "'t'; did you mean 'datagen'?\n"
                  "  'connector' = 'datagn');\n"
                  "  ^\n"
                  "connectors: datagen, print, blackhole, filesystem, "
                  "hologres, kafka, upsert-kafka, jdbc");
    assert_starts(
        plan_err("CREATE TABLE t (a INT) WITH ('path' = 'x');", NULL, 0, NULL),
        "job.sql:1:14: error: table 't' has no 'connector' option; "
        "connectors: datagen,");
    assert_starts(plan_err("CREATE TABLE t (a INT) WITH ('connector' = "
                           "'print',\n 'connector' = 'print');",
                           NULL, 0, NULL),
                  "job.sql:2:2: error: duplicate option 'connector' in table "
                  "'t'");
    assert_starts(plan_err("CREATE TABLE t (a INT);", NULL, 0, NULL),
                  "job.sql:1:14: error: table 't' has no WITH clause");
    assert_string_equal(
        plan_err("CREATE TABLE t (a INT) WITH ('connector' = 'datagen',\n"
                 "  'rows-per-secnd' = '5');",
                 NULL, 0, &code),
        "job.sql:2:3: error: unknown option 'rows-per-secnd' for connector "
        "'datagen'; did you mean 'rows-per-second'?\n"
        "  'rows-per-secnd' = '5');\n"
        "  ^\n"
        "valid options: rows-per-second, number-of-rows, scan.parallelism, "
        "fields.#.kind, fields.#.min, fields.#.max, fields.#.max-past, "
        "fields.#.length, fields.#.var-len, fields.#.start, fields.#.end, "
        "fields.#.null-rate");
    assert_int_equal(code, HF_ERR_OPTION);
    assert_starts(plan_err("CREATE TABLE t (a INT) WITH ('connector' = "
                           "'datagen',\n  'rows-per-second' = 'fast');",
                           NULL, 0, NULL),
                  "job.sql:2:3: error: ");
    assert_starts(plan_err(SRC "CREATE TABLE src (a INT) WITH ('connector' = "
                               "'blackhole');",
                           NULL, 0, NULL),
                  "job.sql:8:14: error: table 'src' is already defined (at "
                  "line 1)");
    struct hf_job *job = plan_ok(SRC "CREATE TABLE IF NOT EXISTS src (a INT) "
                                     "WITH ('connector' = 'blackhole');",
                                 NULL, 0);
    assert_int_equal(job->ntables, 1);
    hf_job_free(job);
    assert_starts(plan_err("CREATE TABLE t (a INT, a STRING) WITH "
                           "('connector' = 'blackhole');",
                           NULL, 0, NULL),
                  "job.sql:1:24: error: column 'a' is declared twice in "
                  "table 't'");
    assert_starts(plan_err("CREATE TABLE t (a INT, PRIMARY KEY (b) NOT "
                           "ENFORCED) WITH ('connector' = 'blackhole');",
                           NULL, 0, NULL),
                  "job.sql:1:37: error: primary key column 'b' is not a "
                  "column of table 't'");
    assert_starts(plan_err("CREATE TABLE t (a INT) PARTITIONED BY (x) WITH "
                           "('connector' = 'blackhole');",
                           NULL, 0, NULL),
                  "job.sql:1:40: error: partition column 'x' is not a column "
                  "of table 't'");
}

static void test_insert_errors(void **state)
{
    (void)state;
    const char *sink = "CREATE TABLE sink (id BIGINT, name STRING, "
                       "price DECIMAL(38, 2)) WITH ('connector' = "
                       "'print');\n";
    char s[2048];
    hf_err_t code;

    snprintf(s, sizeof s, "%s%sINSERT INTO snk SELECT * FROM src;", SRC, sink);
    assert_string_equal(plan_err(s, NULL, 0, NULL),
                        "job.sql:9:13: error: unknown sink table 'snk'; did "
                        "you mean 'sink'?\n"
                        "INSERT INTO snk SELECT * FROM src;\n"
                        "            ^");
    snprintf(s, sizeof s, "%s%sINSERT INTO sink SELECT id FROM nowhere;", SRC,
             sink);
    assert_starts(plan_err(s, NULL, 0, NULL),
                  "job.sql:9:33: error: unknown source table 'nowhere'; "
                  "declare it with CREATE TABLE first");
    /* a join condition that is not BOOLEAN: its type was named after the
     * bound expression holding it was freed (ASan: use after free) */
    snprintf(s, sizeof s,
             "%s%sINSERT INTO sink SELECT a.id, b.name, a.price FROM src "
             "AS a JOIN src AS b ON a.id = b.id AND a.price;",
             SRC, sink);
    assert_starts(plan_err(s, NULL, 0, &code),
                  "job.sql:9:96: error: the join condition needs BOOLEAN "
                  "conditions, found DOUBLE");
    assert_int_equal(code, HF_ERR_TYPE);
    /* LATERAL TABLE(f(...)) with no table like f: a table function */
    snprintf(s, sizeof s,
             "%s%sINSERT INTO sink SELECT id, w, price FROM src, "
             "LATERAL TABLE(STRING_SPLIT(name, ',')) AS T(w);",
             SRC, sink);
    assert_starts(plan_err(s, NULL, 0, &code),
                  "job.sql:9:62: error: LATERAL TABLE(STRING_SPLIT(...)): "
                  "'STRING_SPLIT' is not a table of this job; LATERAL TABLE "
                  "joins a lookup table declared with CREATE TABLE, and table "
                  "functions");
    assert_int_equal(code, HF_ERR_UNSUPPORTED);
    snprintf(s, sizeof s,
             "%s%sINSERT INTO sink SELECT id, w, price FROM src, "
             "LATERAL TABLE(srcc(name)) AS T(w);",
             SRC, sink);
    assert_starts(plan_err(s, NULL, 0, NULL),
                  "job.sql:9:62: error: unknown lookup table 'srcc'; did you "
                  "mean 'src'?");
    snprintf(s, sizeof s, "INSERT INTO sink SELECT id FROM src;\n%s%s", SRC,
             sink);
    assert_starts(plan_err(s, NULL, 0, NULL),
                  "job.sql:1:13: error: table 'sink' is used before it is "
                  "created (CREATE TABLE at line 9)");
    snprintf(s, sizeof s,
             "%s%sINSERT INTO sink SELECT id, name, price, qty "
             "FROM src;",
             SRC, sink);
    assert_string_equal(plan_err(s, NULL, 0, NULL),
                        "job.sql:9:13: error: INSERT into 'sink' has 3 "
                        "columns but the query produces 4\n"
                        "INSERT INTO sink SELECT id, name, price, qty FROM "
                        "src;\n"
                        "            ^");
    snprintf(s, sizeof s,
             "%s%sINSERT INTO sink\nSELECT id, name, price FROM "
             "src;",
             SRC, sink);
    assert_string_equal(plan_err(s, NULL, 0, &code),
                        "job.sql:10:18: error: column 'price': cannot write "
                        "DOUBLE into DECIMAL(38, 2) of table 'sink'; add a "
                        "CAST\n"
                        "SELECT id, name, price FROM src;\n"
                        "                 ^");
    assert_int_equal(code, HF_ERR_TYPE);
    /* With the CAST it plans. */
    snprintf(s, sizeof s,
             "%s%sINSERT INTO sink SELECT id, name, CAST(price "
             "AS DECIMAL(38, 2)) FROM src;",
             SRC, sink);
    hf_job_free(plan_ok(s, NULL, 0));
    snprintf(s, sizeof s,
             "%s%sINSERT INTO sink SELECT name, name, 1.5 FROM "
             "src;",
             SRC, sink);
    assert_starts(plan_err(s, NULL, 0, NULL),
                  "job.sql:9:25: error: column 'id': cannot write STRING into "
                  "BIGINT of table 'sink'; add a CAST");
    snprintf(s, sizeof s, "%s%sINSERT INTO src SELECT * FROM src;", SRC, sink);
    assert_starts(plan_err(s, NULL, 0, NULL),
                  "job.sql:9:13: error: table 'src' cannot be written to: "
                  "connector 'datagen' is source-only");
    snprintf(s, sizeof s, "%s%sINSERT INTO sink SELECT * FROM sink;", SRC,
             sink);
    assert_starts(plan_err(s, NULL, 0, NULL),
                  "job.sql:9:32: error: table 'sink' cannot be read: "
                  "connector 'print' is sink-only");
    snprintf(s, sizeof s,
             "%sCREATE TABLE nn (a INT NOT NULL, b STRING) WITH "
             "('connector' = 'print');\n"
             "INSERT INTO nn (b) SELECT name FROM src;",
             SRC);
    assert_starts(plan_err(s, NULL, 0, NULL),
                  "job.sql:9:13: error: column 'a' of table 'nn' is NOT NULL "
                  "but is missing from the INSERT's column list");
    snprintf(s, sizeof s,
             "%s%sINSERT INTO sink (id, nope) SELECT id, name "
             "FROM src;",
             SRC, sink);
    assert_starts(plan_err(s, NULL, 0, NULL),
                  "job.sql:9:23: error: unknown column 'nope' in table "
                  "'sink'");
    snprintf(s, sizeof s,
             "%s%sINSERT INTO sink SELECT id, nme, CAST(price AS "
             "DECIMAL(38, 2)) FROM src;",
             SRC, sink);
    assert_starts(plan_err(s, NULL, 0, NULL),
                  "job.sql:9:29: error: unknown column 'nme' in table 'src'; "
                  "did you mean 'name'?");
    snprintf(s, sizeof s,
             "%s%sINSERT INTO sink (id) SELECT id FROM src WHERE "
             "qty;",
             SRC, sink);
    assert_starts(plan_err(s, NULL, 0, NULL),
                  "job.sql:9:48: error: WHERE needs a BOOLEAN condition, "
                  "found INT");
    snprintf(s, sizeof s, "%s%sINSERT INTO sink (id) SELECT x.id FROM src s;",
             SRC, sink);
    assert_starts(plan_err(s, NULL, 0, NULL),
                  "job.sql:9:32: error: unknown table 'x' in 'x.id'");
}

static void test_batch_mode(void **state)
{
    (void)state;
    const char *unbounded =
        "CREATE TABLE g (a INT) WITH ('connector' = 'datagen');\n"
        "CREATE TABLE o (a INT) WITH ('connector' = 'blackhole');\n"
        "INSERT INTO o SELECT a FROM g;";
    const char *batch[] = {"execution.runtime-mode=batch"};
    assert_starts(plan_err(unbounded, batch, 1, NULL),
                  "job.sql:3:29: error: execution.runtime-mode is 'batch' but "
                  "table 'g' (connector 'datagen') is unbounded");
    hf_job_free(plan_ok(unbounded, NULL, 0)); /* streaming is fine */
}

static void test_plan_file(void **state)
{
    (void)state;
    char path[] = "/tmp/hf_plan_file_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = SRC "CREATE TABLE o (id BIGINT) WITH ('connector' = "
                           "'blackhole');\nINSERT INTO o SELECT id FROM src;\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    struct hf_job *job = NULL;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(hf_sql_plan_file(path, NULL, 0, &job, &err), 0);
    assert_string_equal(job->path, path);
    assert_string_equal(job->source_text, text);
    assert_string_equal(job->tables[0]->file, path);
    hf_job_free(job);
    unlink(path);
    hf_error_clear(&err);
    assert_int_equal(hf_sql_plan_file(path, NULL, 0, &job, &err), -1);
    assert_int_equal(err.code, HF_ERR_IO);
    assert_null(job);
    hf_job_free(NULL);
}

/* One table read by two INSERTs is one source node feeding both (Flink's
 * source reuse), so its consumer group has one member: planned. Two
 * different tables in one group would split the partitions: refused,
 * naming both INSERTs; so is one table read twice when source reuse is
 * switched off. Without a group, or with two groups, it is fine. */
static void test_shared_consumer_group(void **state)
{
    (void)state;
    const char *kt =
        "CREATE TABLE k (v STRING) WITH ('connector' = 'kafka', 'topic' = 't', "
        "'properties.bootstrap.servers' = 'b:9092', 'format' = 'raw'%s);\n"
        "CREATE TABLE k2 (v STRING) WITH ('connector' = 'kafka', 'topic' = "
        "'u', 'properties.bootstrap.servers' = 'b:9092', 'format' = 'raw'%s);\n"
        "CREATE TABLE a (v STRING) WITH ('connector' = 'blackhole');\n"
        "CREATE TABLE b (v STRING) WITH ('connector' = 'blackhole');\n"
        "INSERT INTO a SELECT * FROM k;\n"
        "INSERT INTO b SELECT * FROM %s;\n";
    char text[1200];
    const char *g = ", 'properties.group.id' = 'g1'";
    snprintf(text, sizeof text, kt, g, "", "k");
    struct hf_job *job = plan_ok(text, NULL, 0);
    struct pview p0 = pipe_of(job, 0), p1 = pipe_of(job, 1);
    assert_ptr_equal(p0.src_node, p1.src_node); /* one reader */
    assert_ptr_not_equal(p0.calc_node, p1.calc_node);
    assert_int_equal(hf_graph_consumers(&job->graph, p0.src_node->id), 2);
    assert_int_equal(job->graph.nnodes, 5);
    hf_job_free(job);

    const char *off[] = {"table.optimizer.reuse-source-enabled=false"};
    const char *msg = plan_err(text, off, 1, NULL);
    assert_non_null(strstr(msg, "job.sql:6:1"));
    assert_non_null(strstr(msg, "table 'k' (consumer group 'g1') is also "
                                "read by the INSERT at line 5 and "
                                "'table.optimizer.reuse-source-enabled' is "
                                "'false'"));
    snprintf(text, sizeof text, kt, g, g, "k2");
    msg = plan_err(text, NULL, 0, NULL);
    assert_non_null(strstr(msg, "job.sql:6:1"));
    assert_non_null(strstr(msg, "tables 'k' (INSERT at line 5) and 'k2' are "
                                "read in one consumer group 'g1'"));
    /* One table read twice, once with a hint: two readers, one group. */
    snprintf(text, sizeof text, kt, g, "",
             "k /*+ OPTIONS('scan.startup.mode'='latest-offset') */");
    msg = plan_err(text, NULL, 0, NULL);
    assert_non_null(strstr(msg, "job.sql:6:1"));
    assert_non_null(strstr(msg, "table 'k' is read with different options "
                                "(an OPTIONS hint) here and by the INSERT at "
                                "line 5"));
    assert_non_null(strstr(msg, "consumer group 'g1'"));
    snprintf(text, sizeof text, kt, g, "",
             "k /*+ OPTIONS('properties.group.id'='g9') */");
    hf_job_free(plan_ok(text, NULL, 0)); /* its own group: fine */
    snprintf(text, sizeof text, kt, "", "", "k");
    job = plan_ok(text, off, 1); /* no group: two readers are fine */
    assert_ptr_not_equal(pipe_of(job, 0).src_node, pipe_of(job, 1).src_node);
    hf_job_free(job);
    snprintf(text, sizeof text, kt, g, ", 'properties.group.id' = 'g2'",
             "k2");
    hf_job_free(plan_ok(text, NULL, 0));
}

/* The graph of a statement set that reads one table into two sinks with
 * different filters, as explain prints it: one line per node with its
 * id, kind, details and inputs. */
static void test_graph_explain(void **state)
{
    (void)state;
    struct hf_job *job = plan_ok(
        SRC "CREATE TABLE o1 (id BIGINT, n STRING) WITH ('connector' = "
            "'blackhole');\n"
            "CREATE TABLE o2 (id BIGINT) WITH ('connector' = 'print');\n"
            "EXECUTE STATEMENT SET BEGIN\n"
            "INSERT INTO o1 SELECT id, name FROM src WHERE qty > 1;\n"
            "INSERT INTO o2 SELECT id + 1 FROM src;\n"
            "END;",
        NULL, 0);
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    hf_graph_explain(&job->graph, &sb);
    assert_string_equal(
        sb.data, "graph:\n"
                 "  n1 source: src [datagen]\n"
                 "  n2 calc: where (qty > 1); id := id, n := name <- n1\n"
                 "  n3 sink: o1 [blackhole] (INSERT at line 11) <- n2\n"
                 "  n4 calc: id := (id + 1) <- n1\n"
                 "  n5 sink: o2 [print] (INSERT at line 12) <- n4\n");
    hf_strbuf_free(&sb);
    uint32_t srcs[5];
    assert_int_equal(hf_graph_sources_of(&job->graph, 4, srcs), 1);
    assert_int_equal(srcs[0], 0);
    hf_job_free(job);
}

/* debezium-json.schema-include = true is for reading: a table an INSERT
 * writes with it is refused at plan time (Flink's encoding format throws a
 * ValidationException for it), naming the table, the option and the INSERT;
 * the same option on the table read, or false on the written one, plans. */
static void test_sink_format_rules(void **state)
{
    (void)state;
    const char *kt =
        "CREATE TABLE src (id BIGINT, name STRING) WITH ('connector' = "
        "'kafka', 'topic' = 'in', 'properties.bootstrap.servers' = 'b:9092', "
        "'format' = 'debezium-json', 'debezium-json.schema-include' = "
        "'true');\n"
        "CREATE TABLE dst (id BIGINT, name STRING) WITH ('connector' = "
        "'kafka', 'topic' = 'out', 'properties.bootstrap.servers' = "
        "'b:9092', 'value.format' = 'debezium-json', "
        "'value.debezium-json.schema-include' = '%s');\n"
        "INSERT INTO dst SELECT * FROM src;\n";
    char text[1000];
    snprintf(text, sizeof text, kt, "true");
    hf_err_t code;
    const char *msg = plan_err(text, NULL, 0, &code);
    assert_int_equal(code, HF_ERR_UNSUPPORTED);
    assert_has(msg, "job.sql:3:13: error: table 'dst' (value format "
                    "'debezium-json', defined at line 2) cannot be written: "
                    "'value.debezium-json.schema-include' = 'true' only "
                    "applies to reading");
    snprintf(text, sizeof text, kt, "false");
    hf_job_free(plan_ok(text, NULL, 0));

    /* The writer API (a table with no INSERT) checks it before it opens
     * the sink, so no broker is needed to see the refusal. */
    const char *opts[] = {"connector=kafka", "topic=out",
                          "properties.bootstrap.servers=127.0.0.1:1",
                          "format=debezium-json",
                          "debezium-json.schema-include=true"};
    char errstr[1024] = "";
    assert_null(hf_writer_new("id BIGINT, name STRING", opts, 5, errstr,
                              sizeof errstr));
    assert_has(errstr, "table 'hf_writer' (value format 'debezium-json', "
                       "defined at line 1) cannot be written: "
                       "'debezium-json.schema-include' = 'true' only "
                       "applies to reading");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_plan),
        cmocka_unit_test(test_star_and_column_list),
        cmocka_unit_test(test_literals_into_columns),
        cmocka_unit_test(test_value_types),
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_settings),
        cmocka_unit_test(test_unavailable_connectors),
        cmocka_unit_test(test_table_errors),
        cmocka_unit_test(test_shared_consumer_group),
        cmocka_unit_test(test_graph_explain),
        cmocka_unit_test(test_sink_format_rules),
        cmocka_unit_test(test_insert_errors),
        cmocka_unit_test(test_batch_mode),
        cmocka_unit_test(test_plan_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
